"""``csww serve`` as deployed (gunicorn, the portal's worker): a process with one turn still
answers everyone while clients that connected and said nothing hold connections."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.portal import processes

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="gunicorn is for Unix")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_silent_connections_hold_no_turn(tmp_path: Path, transactional_db: None) -> None:
    env = processes.environment(tmp_path)
    port = free_port()
    command = [sys.executable, "-c", "from csww.cli.main import main; main()", "serve"]
    options = ["--port", str(port), "--processes", "1", "--threads", "4", "--at-once", "1"]
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(
        [*command, *options], env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, (tmp_path / "serve.log").read_text()[-2000:]
            try:
                if httpx.get(f"{base}/sign-in/", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "csww serve did not start"
            time.sleep(0.3)
        assert "1 of them at work at once" in (tmp_path / "serve.log").read_text()
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
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
