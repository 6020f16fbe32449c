"""A request body read whole straight from the socket into one buffer, when the application
asks for all of it at once (the upload form and the API's upload read their body whole,
``form_body.py``).

gunicorn reads a body through two layers of Python buffers: each ``recv`` lands in a new
object, is copied into a buffer, copied out of it, sliced, copied into the body's own buffer
and out again. For a 534 KB upload those copies, each into fresh memory the kernel must
find, cost about 1.2 ms of the web process's CPU, more than the rest of gunicorn's work on
the request (``docs/benchmarks-portal.md``). Read with ``recv_into`` into one buffer of the
body's declared length, the same bytes cost one copy.

Only a read of the whole remaining body of declared length takes this path; any other read
(a part of the body, a body in chunks, what gunicorn drains after an answer that did not
read the body) is gunicorn's own, unchanged. The buffer is never larger than what gunicorn's
own read of the same size would hold, and the application refuses a body over the portal's
limit before reading it (``limits.RequestSizeMiddleware``). Bytes that came with the headers
are taken first; nothing past the declared length is read from the socket.
"""

from __future__ import annotations

from typing import Any

from gunicorn.http.body import Body, LengthReader


class WholeBody(Body):
    """gunicorn's request body, read in one go when all of it is asked for."""

    def read(self, size: int | None = None) -> bytes:
        reader = self.reader
        if (
            isinstance(reader, LengthReader)
            and reader.length > 0
            and self.buf.tell() == 0
            and (size is None or size < 0 or size >= reader.length)
            and hasattr(reader.unreader, "sock")
        ):
            try:
                return _whole(reader)
            except Exception:
                self.failed = True  # where the next request starts is unknown: not reused
                raise
        data: bytes = super().read(size)
        return data


def _whole(reader: Any) -> bytes:
    """The rest of the body, ``reader.length`` bytes (fewer only if the client closed)."""
    length = reader.length
    unreader = reader.unreader
    held = unreader.take_buffered()  # what arrived with the headers
    if len(held) > length:  # a pipelined request after this body: left for the parser
        unreader.unread(held[length:])
        held = held[:length]
    buffer = bytearray(length)
    view = memoryview(buffer)
    got = len(held)
    view[:got] = held
    sock = unreader.sock
    while got < length:
        received = sock.recv_into(view[got:])
        if not received:
            break  # the client closed before sending it all
        got += received
    reader.length -= got
    with view[:got] as whole:
        return whole.tobytes()


def read_whole_bodies(request: Any) -> None:
    """Give a parsed request of declared length the one-copy body (``server.PortalWorker``)."""
    body: Any = getattr(request, "body", None)
    if type(body) is Body and isinstance(body.reader, LengthReader) and body.buf.tell() == 0:
        request.body = WholeBody(body.reader)
