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

import errno
import gc
import logging
import os
import selectors
import time
from functools import partial
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.workers import gthread

from csww_portal.admission import AT_ONCE, Turns

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

    def accept(self, listener: Any) -> None:
        """A new connection waits for its first request in the poller, as a kept-alive one
        waits for its next, and is handed to a thread only once the request has come.
        gthread hands it to a thread at once, which waits up to 5 s for the request: clients
        that connect and say nothing yet (early, or on purpose) then held every thread in
        turn, 5 s each, while the requests of everyone else waited behind them; a connection
        so delayed past the keep-alive time (60 s) was closed unanswered. A connection that
        sends nothing for that long is still closed (gthread's ``murder_pending``)."""
        try:
            client, address = listener.accept()
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        conn = gthread.TConn(self.cfg, client, address, listener.getsockname())  # non-blocking
        conn.timeout = time.monotonic() + self.cfg.keepalive
        self.pending_conns.append(conn)
        self.poller.register(
            client, selectors.EVENT_READ, partial(self.on_pending_socket_readable, conn)
        )

    def handle(self, conn: Any) -> Any:
        # Connections come here with their request already arrived (``accept``); should one
        # not have, it is waited for outside a turn, then passed back to the poller.
        new = not conn.initialized and not conn.data_ready
        if new and not conn.wait_for_data(gthread.DEFAULT_WORKER_DATA_TIMEOUT):
            return gthread._DEFER
        with self.turns.turn():
            return super().handle(conn)


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

        freeze_loaded()
        return application

    def _start_check_workers(self, worker: Any) -> None:
        from csww.cli.serve import start_check_workers

        start_check_workers(self.check_workers)


def run(
    host: str, port: int, *, processes: int, threads: int, check_workers: int, at_once: int
) -> None:
    """Serve until stopped (Ctrl+C or SIGTERM: requests in hand are finished first)."""
    size_pools(threads=threads, check_workers=check_workers, at_once=at_once)
    settings = options(host, port, processes=processes, threads=threads)
    PortalServer(settings, check_workers, at_once=at_once).run()


def size_pools(*, threads: int, check_workers: int, at_once: int) -> None:
    """Close the master's database connections (the migrations'), and its connection pools,
    before the fork: a connection shared by two processes would mix their statements. Then
    size each web process's pool (``settings.py``): as many connections as the process has
    threads that may use one at the same moment (its request threads, each in-process check
    worker and its housekeeping thread), so a request never waits for a connection; only
    ``at_once`` are opened at the start, as only that many requests run at a time."""
    from django.db import connections

    for alias in connections:
        wrapper = connections[alias]
        wrapper.close()
        close_pool = getattr(wrapper, "close_pool", None)  # PostgreSQL's and Oracle's
        if close_pool is not None:
            close_pool()
        pool = wrapper.settings_dict.get("OPTIONS", {}).get("pool")
        if isinstance(pool, dict):
            pool["max_size"] = max(int(pool.get("max_size", 0)), threads + 2 * check_workers)
            pool["min_size"] = min(at_once, pool["max_size"])
