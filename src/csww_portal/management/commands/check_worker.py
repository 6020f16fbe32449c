"""A worker of the upload-check queue: ``django-admin check_worker`` (``csww worker``).

It takes waiting uploads from the portal's queue (each upload's own row; several workers
share it safely: ``SELECT … FOR UPDATE SKIP LOCKED``) and, every minute, queues again any
check whose worker died mid-check (``csww_portal.tasks.recover_stalled``) and deletes stored
files that no upload names, left by a process killed between writing a file and inserting its
row (``csww_portal.services.storage.OrphanSweep``). Run as many as
the load needs, on this machine or others that reach the same database.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

log = logging.getLogger("csww_portal.tasks")


def _housekeeping(sweep: Any) -> None:
    """Checks whose worker died queued again; orphaned upload files deleted."""
    from csww_portal.tasks import recover_stalled

    try:
        recover_stalled()
        sweep.run()
    except Exception:  # the database may be away for a moment: try again next time
        log.exception("looking for stalled checks and orphaned files failed")
    finally:
        close_old_connections()


def _recover_forever(every: float, stop: threading.Event, sweep: Any) -> None:
    while not stop.wait(every):
        _housekeeping(sweep)


def run_worker(
    *,
    interval: float = 1.0,
    batch: bool = False,
    max_tasks: int | None = None,
    recover_every: float = 60.0,
    signals: bool = True,
) -> None:
    """Run one worker until it is stopped (or, with ``batch``, until the queue is empty): it
    claims the next waiting upload (``csww_portal.tasks.work_once``), checks it, and looks
    again, every ``interval`` seconds while nothing waits."""
    from csww_portal.services.storage import OrphanSweep
    from csww_portal.tasks import work_once

    sweep = OrphanSweep()
    _housekeeping(sweep)
    stop = threading.Event()
    if not batch and recover_every > 0:
        threading.Thread(
            target=_recover_forever, args=(recover_every, stop, sweep), daemon=True, name="recover"
        ).start()
    if signals and threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_args: stop.set())  # finish the check in hand, then stop
    done = 0
    try:
        while not stop.is_set():
            try:
                outcome = work_once()
            except Exception:  # the database may be away for a moment: try again shortly
                log.exception("claiming the next check failed")
                outcome = None
                close_old_connections()
            if outcome is None:
                if batch:
                    break
                stop.wait(interval)
                continue
            done += 1
            if max_tasks is not None and done >= max_tasks:
                break
    finally:
        stop.set()
        close_old_connections()


class Command(BaseCommand):
    help = "Check queued uploads (a worker of the portal's task queue)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between looks at an empty queue."
        )
        parser.add_argument("--batch", action="store_true", help="Check what is queued, then stop.")
        parser.add_argument("--max-tasks", type=int, default=None)
        parser.add_argument(
            "--nice",
            type=int,
            default=10,
            help="Lower this process's CPU priority by this much, so that on a shared machine "
            "the web server's pages and upload acknowledgements come first (0: unchanged).",
        )
        parser.add_argument(
            "--recover-every",
            type=float,
            default=60.0,
            help="Seconds between looks for checks whose worker died.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["nice"] and hasattr(os, "nice"):
            os.nice(options["nice"])
        run_worker(
            interval=options["interval"],
            batch=options["batch"],
            max_tasks=options["max_tasks"],
            recover_every=options["recover_every"],
        )
