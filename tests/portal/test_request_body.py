"""The web server's own handling: a request body read whole from the socket in one copy
(``request_body.py``), exactly as gunicorn's own reader gives it; the process's freed memory
kept for reuse (``server.keep_freed_memory``); the heartbeat to the master at most once a
second."""

from __future__ import annotations

import os
import platform
import socket
import sys
import threading
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from gunicorn.config import Config
from gunicorn.http.body import Body, LengthReader
from gunicorn.http.parser import RequestParser
from gunicorn.http.unreader import SocketUnreader
from gunicorn.workers import gthread
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from csww_portal import request_body, server
from csww_portal.request_body import WholeBody, read_whole_bodies

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="gunicorn is for Unix")


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    a, b = socket.socketpair()
    try:
        yield a, b
    finally:
        a.close()
        b.close()


def send_later(sock: socket.socket, data: bytes, close: bool = False) -> threading.Thread:
    """Send from another thread, so that large bodies do not fill the socket's buffer."""

    def send() -> None:
        sock.sendall(data)
        if close:
            sock.shutdown(socket.SHUT_WR)

    thread = threading.Thread(target=send)
    thread.start()
    return thread


def request(body: bytes, path: str = "/upload/") -> bytes:
    return f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body


@hypothesis_settings(max_examples=40, deadline=None)
@given(
    body=st.binary(min_size=1, max_size=300_000),
    with_headers=st.integers(min_value=0, max_value=9000),
)
def test_the_whole_body_is_read_exactly_and_nothing_past_it(body: bytes, with_headers: int) -> None:
    """Whatever came with the headers, the body is the declared bytes and the bytes after
    it (a pipelined request) stay for the parser."""
    a, b = socket.socketpair()
    try:
        unreader = SocketUnreader(b)
        held = body[:with_headers]
        if held:
            unreader.unread(held)
        after = b"GET /next HTTP/1.1\r\n\r\n"
        sender = send_later(a, body[len(held) :] + after)
        reader = LengthReader(unreader, len(body))
        assert WholeBody(reader).read(len(body)) == body
        assert reader.length == 0
        sender.join()
        assert unreader.read(len(after)) == after
    finally:
        a.close()
        b.close()


def test_a_part_of_the_body_is_read_by_gunicorn_as_before(
    pair: tuple[socket.socket, socket.socket],
) -> None:
    a, b = pair
    body = os.urandom(100_000)
    sender = send_later(a, body)
    whole = WholeBody(LengthReader(SocketUnreader(b), len(body)))
    with mock.patch.object(request_body, "_whole", wraps=request_body._whole) as whole_read:
        parts = [whole.read(1000), whole.read(50_000)]
        whole_read.assert_not_called()  # parts: gunicorn's own reader
        parts.append(whole.read())  # the rest, asked for whole, in one copy
        whole_read.assert_called_once()
    sender.join()
    assert b"".join(parts) == body


def test_a_client_that_stops_early_gives_what_it_sent(
    pair: tuple[socket.socket, socket.socket],
) -> None:
    a, b = pair
    sender = send_later(a, b"x" * 5000, close=True)
    reader = LengthReader(SocketUnreader(b), 10_000)
    assert WholeBody(reader).read() == b"x" * 5000
    sender.join()


def test_a_failed_read_leaves_the_connection_unused(
    pair: tuple[socket.socket, socket.socket],
) -> None:
    _a, b = pair
    b.settimeout(0.05)  # nothing comes
    body = WholeBody(LengthReader(SocketUnreader(b), 10))
    with pytest.raises(TimeoutError):
        body.read()
    assert body.failed


def parsed(sock: socket.socket) -> Any:
    return next(RequestParser(Config(), sock, ("127.0.0.1", 1)))


def test_gunicorns_parsed_request_gets_the_whole_body_reader_and_the_next_request_follows(
    pair: tuple[socket.socket, socket.socket],
) -> None:
    a, b = pair
    body = os.urandom(600_000)
    sender = send_later(a, request(body) + request(b"second", "/again/"))
    parser = RequestParser(Config(), b, ("127.0.0.1", 1))
    first = next(parser)
    read_whole_bodies(first)
    assert type(first.body) is WholeBody
    assert first.body.read(len(body)) == body
    second = next(parser)
    assert second.path == "/again/" and second.body.read() == b"second"
    sender.join()


def test_a_body_of_no_declared_length_is_left_to_gunicorn(
    pair: tuple[socket.socket, socket.socket],
) -> None:
    a, b = pair
    chunked = (
        b"POST /u/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
    )
    sender = send_later(a, chunked)
    req = parsed(b)
    read_whole_bodies(req)
    assert type(req.body) is Body and req.body.read() == b"abc"
    sender.join()


def test_the_portal_worker_reads_whole_bodies(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[type] = []
    monkeypatch.setattr(
        gthread.ThreadWorker, "handle_request", lambda self, req, conn: seen.append(type(req.body))
    )
    a, b = socket.socketpair()
    try:
        sender = send_later(a, request(b"data"))
        req = parsed(b)
        worker = server.PortalWorker.__new__(server.PortalWorker)  # no process set-up
        worker.handle_request(req, mock.Mock())
        sender.join()
    finally:
        a.close()
        b.close()
    assert seen == [WholeBody]


def test_freed_memory_is_kept_for_reuse_where_the_c_library_allows() -> None:
    assert server.keep_freed_memory() is (platform.libc_ver()[0] == "glibc")


def test_the_server_keeps_freed_memory_before_the_fork() -> None:
    import gc

    with mock.patch.object(server, "keep_freed_memory") as keep:
        server.PortalServer(server.options("127.0.0.1", 8000, processes=2, threads=4)).load()
    try:
        keep.assert_called_once_with()
    finally:
        gc.unfreeze()


def test_the_heartbeat_is_sent_at_most_once_a_second(monkeypatch: pytest.MonkeyPatch) -> None:
    beats: list[float] = []
    now = [100.0]
    monkeypatch.setattr(gthread.ThreadWorker, "notify", lambda self: beats.append(now[0]))
    monkeypatch.setattr(server.time, "monotonic", lambda: now[0])
    worker = server.PortalWorker.__new__(server.PortalWorker)
    for step in (0.0, 0.2, 0.5, 0.99, 1.0, 1.5, 3.0):
        now[0] = 100.0 + step
        worker.notify()
    assert beats == [100.0, 101.0, 103.0]
