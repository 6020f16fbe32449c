"""How many requests a web process works on at once, whatever its number of threads.

Python runs one thread of a process at a time (the GIL). When many threads each handle a
request, every blocking call (a read from the socket, a database round trip, a write to
disk) hands the GIL to another thread and takes it back, and each hand-over costs the kernel
a wake-up and a switch. 152 uploads at once cost a web process with 16 busy threads about
twice the kernel time per acknowledgement of one with 2 (``docs/benchmarks-portal.md``).

So a web process keeps its threads (gunicorn's connections in hand, and downloads waiting
for a workbook) but lets only ``at_once`` of them handle a request at a time, from reading
it to writing the answer (``server.PortalWorker``); the others wait their turn asleep, off
the GIL. Code that waits on purpose for something other than this process's CPU (a download
waiting for its workbook to be made elsewhere) gives its turn up meanwhile
(:func:`waiting`). Slow clients are the TLS proxy's to absorb: it buffers bodies both ways
(``docs/portal.md``, "Deployment notes").
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

AT_ONCE = 2  # csww serve's default: measured best on two cores (docs/benchmarks-portal.md)

_held = threading.local()  # the turns this thread holds one of, while it holds one


class Turns:
    """At most ``at_once`` holders at a time; a holder may give its turn up for a while."""

    def __init__(self, at_once: int) -> None:
        if at_once < 1:
            raise ValueError("at_once must be at least 1")
        self._semaphore = threading.BoundedSemaphore(at_once)

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Hold a turn (waiting for one first) for the duration of the block."""
        with self._semaphore:
            _held.turns = self
            try:
                yield
            finally:
                _held.turns = None

    def _give_up(self) -> None:
        self._semaphore.release()
        _held.turns = None

    def _take_again(self) -> None:
        self._semaphore.acquire()
        _held.turns = self


@contextmanager
def waiting() -> Iterator[None]:
    """Give this thread's turn up while it waits for something other than this process's
    CPU (a workbook made by another process, say); take a turn again before going on. A
    thread holding no turn (tests, another WSGI server) just waits."""
    turns: Turns | None = getattr(_held, "turns", None)
    if turns is None:
        yield
        return
    turns._give_up()
    try:
        yield
    finally:
        turns._take_again()
