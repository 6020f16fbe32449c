"""A worker of the upload-check queue: ``django-admin check_worker`` (``csww worker``).

It runs django-tasks-db's database worker on the portal's queue and, every minute, queues
again any check whose worker died mid-check (``csww_portal.tasks.recover_stalled``). Run as
many as the load needs, on this machine or others that reach the same database.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils.crypto import get_random_string

log = logging.getLogger("csww_portal.tasks")


def _recover_forever(every: float, stop: threading.Event) -> None:
    from csww_portal.tasks import recover_stalled

    while not stop.wait(every):
        try:
            recover_stalled()
        except Exception:  # the database may be away for a moment: try again next time
            log.exception("recovering stalled checks failed")
        finally:
            close_old_connections()


def run_worker(
    *,
    interval: float = 1.0,
    batch: bool = False,
    max_tasks: int | None = None,
    recover_every: float = 60.0,
    signals: bool = True,
) -> None:
    """Run one worker until it is stopped (or, with ``batch``, until the queue is empty)."""
    from django_tasks_db.management.commands.db_worker import Worker

    from csww_portal.tasks import recover_stalled

    recover_stalled()
    stop = threading.Event()
    if not batch and recover_every > 0:
        threading.Thread(
            target=_recover_forever, args=(recover_every, stop), daemon=True, name="recover"
        ).start()
    worker_id = f"{socket.gethostname()[:30]}-{os.getpid()}-{get_random_string(8)}"
    worker = Worker(
        queue_names=["default"],
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=not batch,
        max_tasks=max_tasks,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    if signals:
        worker.configure_signals()
    try:
        worker.run()
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
        logging.getLogger("django_tasks_db").setLevel(logging.WARNING)
        if options["nice"] and hasattr(os, "nice"):
            os.nice(options["nice"])
        run_worker(
            interval=options["interval"],
            batch=options["batch"],
            max_tasks=options["max_tasks"],
            recover_every=options["recover_every"],
        )
