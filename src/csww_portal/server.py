"""The web server ``csww serve`` runs: gunicorn's pre-fork server, several processes behind
one address (``docs/portal.md``, "Serving").

The master process sets Django up, runs the migrations and loads the WSGI application, closes
its database connections (no connection crosses a fork), then forks the web processes, each
with its own threads (gunicorn's ``gthread`` worker); it restarts any that dies. Of each
process's threads, only ``at_once`` run the application at a time (``admission.py``). Nothing
a request relies on is kept in one process: sessions, throttles, the upload rate limit and
the queue are all in the database.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import os
import time
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.workers import gthread

from csww_portal.admission import AT_ONCE, Turns
from csww_portal.request_body import read_whole_bodies

log = logging.getLogger(__name__)


def bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def options(host: str, port: int, *, processes: int, threads: int) -> dict[str, Any]:
    """gunicorn's settings for the portal."""
    return {
        "bind": [bind_address(host, port)],
        "workers": processes,
        # gunicorn's gthread worker, at most --at-once requests handled at a time.
        "worker_class": f"{__name__}.PortalWorker",
        "threads": threads,
        # Every LA's user (152) may hold a keep-alive connection at the deadline, and API
        # clients more: idle ones wait in the process's poller, not in a thread.
        "worker_connections": max(1000, threads * 8),
        "keepalive": 60,
        "backlog": 2048,
        # The application is loaded once, in the master, and shared by the forks.
        "preload_app": True,
        "timeout": 120,
        "graceful_timeout": 10,
        # Plain HTTP behind the TLS proxy: X-Forwarded-Proto is Django's to trust, and only
        # where CSWW_PORTAL_BEHIND_TLS_PROXY says so (settings.py), as before.
        "forwarded_allow_ips": "",
        "control_socket_disable": True,
        "worker_tmp_dir": "/dev/shm" if os.path.isdir("/dev/shm") else None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "csww",
    }


class PortalWorker(gthread.ThreadWorker):
    """gunicorn's ``gthread`` worker, handling at most ``at_once`` requests at a time: each
    connection with a request waiting is handled (read, answered, written) in a turn
    (``admission.py``). ``at_once`` is set before the processes are forked."""

    at_once = AT_ONCE
    beat_every = 1.0  # seconds between heartbeats; the master waits `timeout` (120 s)
    _last_beat = float("-inf")

    def notify(self) -> None:
        """gunicorn's heartbeat to the master (a system call setting a file's times), at
        most once a second: gunicorn's loop beats on every turn, several times a request."""
        now = time.monotonic()
        if now - self._last_beat >= self.beat_every:
            self._last_beat = now
            super().notify()

    def init_process(self) -> None:
        self.turns = Turns(self.at_once)
        super().init_process()

    def handle(self, conn: Any) -> Any:
        # A new connection's first request may be slow to come: it is waited for outside a
        # turn, then passed to the poller if it has not come, as gthread itself does.
        new = not conn.initialized and not conn.data_ready
        if new and not conn.wait_for_data(gthread.DEFAULT_WORKER_DATA_TIMEOUT):
            return gthread._DEFER
        with self.turns.turn():
            return super().handle(conn)

    def handle_request(self, req: Any, conn: Any) -> Any:
        read_whole_bodies(req)  # an upload's body read in one copy (request_body.py)
        return super().handle_request(req, conn)


# glibc's malloc parameters (malloc.h) and the portal's values for them.
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 8 * 1024 * 1024
TRIM_THRESHOLD = 32 * 1024 * 1024


def keep_freed_memory() -> bool:
    """Let each web process reuse the memory it frees instead of handing it back to the
    kernel and asking again: blocks under 8 MB come from malloc's heaps, not from ``mmap``,
    and a heap keeps up to 32 MB free before it is trimmed. By default glibc maps and unmaps
    large blocks (an upload's body and its copies are over its 128 KB threshold) and trims
    its heaps eagerly, so each request's buffers landed in fresh pages the kernel had to
    find and zero; on a virtual machine that was the largest single cost of an upload's
    acknowledgement (``docs/benchmarks-portal.md``). What a process keeps is bounded by what
    it used at its busiest. Set in the master before the fork, so every web process has it;
    False where the C library has no ``mallopt`` (not glibc), which changes nothing else."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    )


def freeze_loaded() -> None:
    """Everything loaded so far (Django, the portal, the specifications) lives as long as the
    process: moved out of the cyclic garbage collector's sight before the fork, so that no
    web process walks it again. Unfrozen, each full collection walked it all, about 80 ms
    holding the interpreter, and the collector took 7 % of the web processes' CPU in a load
    run; frozen, 2 % (``docs/benchmarks-portal.md``). Garbage made before is collected first,
    so none is frozen with it."""
    gc.collect()
    gc.freeze()


class PortalServer(BaseApplication):
    """gunicorn with the portal's settings, the application already loaded."""

    def __init__(
        self, settings: dict[str, Any], check_workers: int = 0, at_once: int = AT_ONCE
    ) -> None:
        self.settings = settings
        self.check_workers = check_workers
        self.at_once = at_once
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.settings.items():
            if value is not None:
                self.cfg.set(key, value)
        PortalWorker.at_once = self.at_once
        if self.check_workers:
            self.cfg.set("post_worker_init", self._start_check_workers)

    def load(self) -> Any:
        from csww_portal.wsgi import application

        keep_freed_memory()
        freeze_loaded()
        return application

    def _start_check_workers(self, worker: Any) -> None:
        from csww.cli.serve import start_check_workers

        start_check_workers(self.check_workers)


def run(
    host: str, port: int, *, processes: int, threads: int, check_workers: int, at_once: int
) -> None:
    """Serve until stopped (Ctrl+C or SIGTERM: requests in hand are finished first)."""
    from django.db import connections

    connections.close_all()  # the master's connections (the migrations') stay behind
    settings = options(host, port, processes=processes, threads=threads)
    PortalServer(settings, check_workers, at_once=at_once).run()
