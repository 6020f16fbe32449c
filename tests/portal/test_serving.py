"""``csww serve`` as deployed (gunicorn, the portal's worker): a process with one turn still
answers everyone while clients that connected and said nothing hold connections."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.portal import processes

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="gunicorn is for Unix")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(tmp_path: Path, env: dict[str, str], *options: str) -> Iterator[tuple[int, Path]]:
    """``csww serve`` with these options, until the block ends: its port and its log."""
    port = free_port()
    command = [sys.executable, "-c", "from csww.cli.main import main; main()", "serve"]
    log_path = tmp_path / "serve.log"
    log = log_path.open("wb")
    server = subprocess.Popen(
        [*command, "--port", str(port), *options],
        env=env,
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, log_path.read_text()[-2000:]
            try:
                if httpx.get(f"http://127.0.0.1:{port}/sign-in/", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "csww serve did not start"
            time.sleep(0.3)
        yield port, log_path
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_silent_connections_hold_no_turn(tmp_path: Path, transactional_db: None) -> None:
    env = processes.environment(tmp_path)
    options = ["--processes", "1", "--threads", "4", "--at-once", "1"]
    with serving(tmp_path, env, *options) as (port, log):
        base = f"http://127.0.0.1:{port}"
        assert "1 of them at work at once" in log.read_text()
        # Three clients connect and send nothing. gunicorn waits up to 5 s for a new
        # connection's first request: were that wait made in the one turn, the pages below
        # would wait 15 s behind them.
        silent = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]
        time.sleep(0.5)  # the server has taken them in hand
        began = time.monotonic()
        with ThreadPoolExecutor(4) as pool:
            statuses = list(
                pool.map(lambda _: httpx.get(f"{base}/sign-in/", timeout=30).status_code, range(4))
            )
        took = time.monotonic() - began
        assert statuses == [200] * 4
        assert took < 4.5, f"the pages waited {took:.1f}s behind silent connections"
        for s in silent:
            s.close()


def test_two_processes_share_no_database_connection(tmp_path: Path, transactional_db: None) -> None:
    """The master opens the database (its migrations) before it forks: the processes it forks
    must each open their own connections (on PostgreSQL, their own pools), or two processes'
    statements would mix on one connection. Many people signing in and reading pages at once,
    across two processes, all get their pages."""
    people = [f"fork.person{n}" for n in range(12)]
    # plain HTTP on loopback: the cookies must not be for HTTPS only
    env = processes.environment(tmp_path, CSWW_PORTAL_SECURE_COOKIES="0")
    # The people are made by the server's own settings (its password hasher, its database).
    create = (
        "import django, sys; django.setup(); "
        "from django.contrib.auth import get_user_model; "
        "[get_user_model().objects.create_user(n, password='fork-test-password-0') "
        "for n in sys.argv[1:]]"
    )
    made = subprocess.run(
        [sys.executable, "-c", create, *people],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert made.returncode == 0, made.stderr.decode()[-2000:]

    def visit(name: str) -> list[int]:
        with httpx.Client(base_url=base, timeout=60) as client:
            page = client.get("/sign-in/")
            found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
            token = found.group(1) if found else ""
            signed = client.post(
                "/sign-in/",
                data={
                    "username": name,
                    "password": "fork-test-password-0",
                    "csrfmiddlewaretoken": token,
                },
            )
            return [page.status_code, signed.status_code] + [
                client.get("/").status_code for _ in range(5)
            ]

    with serving(tmp_path, env, "--processes", "2", "--threads", "4") as (port, log):
        base = f"http://127.0.0.1:{port}"
        with ThreadPoolExecutor(12) as pool:
            answers = list(pool.map(visit, people))
        assert answers == [[200, 302, 200, 200, 200, 200, 200]] * len(people), answers
        assert "Traceback" not in log.read_text()


def test_connections_that_say_nothing_yet_hold_no_thread(
    tmp_path: Path, transactional_db: None
) -> None:
    """Clients that connect and send nothing yet (early, or on purpose) wait in the poller,
    not in a thread: with two threads and eight such connections, everyone else's pages are
    answered at once, not 20 s later; and a connection that sends its request late is
    answered like any other."""
    env = processes.environment(tmp_path)
    options = ["--processes", "1", "--threads", "2", "--at-once", "1"]
    with serving(tmp_path, env, *options) as (port, _log):
        silent = [socket.create_connection(("127.0.0.1", port)) for _ in range(8)]
        time.sleep(0.5)  # the server has accepted them
        began = time.monotonic()
        with ThreadPoolExecutor(4) as pool:
            statuses = list(
                pool.map(
                    lambda _: (
                        httpx.get(f"http://127.0.0.1:{port}/sign-in/", timeout=60).status_code
                    ),
                    range(4),
                )
            )
        took = time.monotonic() - began
        assert statuses == [200] * 4
        assert took < 3, f"the pages waited {took:.1f}s behind connections that said nothing"
        late = silent[0]
        late.sendall(b"GET /sign-in/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        late.settimeout(30)
        reply = b""
        while chunk := late.recv(65536):
            reply += chunk
        assert reply.startswith(b"HTTP/1.1 200 ")
        for s in silent:
            s.close()
