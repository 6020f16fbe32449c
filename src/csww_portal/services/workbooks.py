"""The return as a workbook for download: made once per version, by one maker at a time
across every web process, kept as a file and streamed.

Making the workbook of a 20,000-worker return costs about 4 CPU seconds and 270 MB. Made in
the web process for each download, eight at once took 50 s each and left the process at
2.45 GB. Here each version's workbook is made once, in a separate process (``spawn``, one
process per making, so its memory goes back to the system when it is done), and every
download streams the kept file in chunks. Versions never change, so a kept workbook never
goes stale; it is deleted with its version.

Who makes what is decided in the database (``workbook_leases``), not in the process: a
download whose workbook is not made yet claims a lease on its version; at most
``max(1, CSWW_EXPORT_PROCESSES)`` leases are live at once, over all web processes, and one
per version. Other downloads of that version, in any process, wait by looking for the file
and the lease; a download waits at most ``WAIT_SECONDS`` (a busy moment, with every maker
taken) and is then told the workbook is being prepared, with a page that tries again. A maker
renews its lease every ``RENEW_SECONDS``; one whose process was killed is taken over after
``LEASE_SECONDS``.
"""

from __future__ import annotations

import logging
import multiprocessing
import time
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from pathlib import Path

from django.conf import settings
from django.db.models.signals import post_delete
from django.dispatch import receiver

from csww_portal import admission
from csww_portal.models import ReturnVersion
from csww_portal.services import exports, workbook_leases

log = logging.getLogger(__name__)

LEASE_SECONDS = 60.0  # a maker that stops renewing its lease loses it after this long
RENEW_SECONDS = 10.0  # how often a maker renews its lease while it works
WAIT_SECONDS = 30.0  # how long a download waits for a workbook being made
POLL_SECONDS = 0.2  # how often a waiting download looks for the file and the lease
RETRY_SECONDS = 10  # when the "being prepared" page tries again


class NotReady(Exception):
    """The workbook is being made, or waiting for a free maker, longer than a download waits."""


def path_for(version: ReturnVersion) -> Path:
    return (
        Path(settings.CSWW_FILES_DIR)
        / "workbooks"
        / f"return-{version.la_return_id}-version-{version.pk}.xlsx"
    )


def make(xml: bytes, year: int, path: str) -> None:
    """Make one workbook file in a thread of the web process (``CSWW_EXPORT_PROCESSES=0``)."""
    exports.make_workbook_file(xml, year, path)


def workbook(version: ReturnVersion, year: int) -> Path:
    """The version's workbook file, made now if it has not been made before. A download of a
    version being made (by this process or another) waits for that making rather than
    starting its own; :class:`NotReady` after ``WAIT_SECONDS``."""
    path = path_for(version)
    deadline = time.monotonic() + WAIT_SECONDS
    while not path.exists():
        lease = workbook_leases.claim(version.pk, LEASE_SECONDS)
        if lease is not None:
            try:
                if not path.exists():  # a maker that lost its lease may have finished
                    _make(version, year, path, lease)
            finally:
                workbook_leases.release(lease)
            break
        if time.monotonic() >= deadline:
            raise NotReady
        with admission.waiting():  # another process's CPU, not this one's: turn given up
            time.sleep(POLL_SECONDS)
    return path


def _maker() -> Executor:
    """Where one making runs: a spawned process of its own (its memory goes back to the
    system when it exits), or with ``CSWW_EXPORT_PROCESSES=0`` a thread of this process."""
    if int(settings.CSWW_EXPORT_PROCESSES) > 0:
        return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="workbook")


def _make(version: ReturnVersion, year: int, path: Path, lease: workbook_leases.Lease) -> None:
    xml = version.xml_bytes()
    with _maker() as maker:
        if isinstance(maker, ProcessPoolExecutor):
            # The child imports only the core (``exports``), never Django.
            future: Future[None] = maker.submit(exports.make_workbook_file, xml, year, str(path))
        else:
            future = maker.submit(make, xml, year, str(path))
        while not _made_within(future, RENEW_SECONDS):
            if not workbook_leases.renew(lease, LEASE_SECONDS):
                log.warning("the lease on making version %s's workbook was lost", version.pk)
        future.result()  # the maker's error, if it failed
    log.info("workbook made for return=%s version=%s", version.la_return_id, version.pk)


def _made_within(future: Future[None], seconds: float) -> bool:
    """Wait for the maker with this request's turn given up (the maker is a process of its
    own, or a thread of this one that needs the turn's CPU itself)."""
    with admission.waiting():
        return bool(wait([future], timeout=seconds).done)


@receiver(post_delete, sender=ReturnVersion)
def _forget(sender: object, instance: ReturnVersion, **kwargs: object) -> None:
    """A deleted version (familiarisation data, say) takes its workbook with it."""
    try:
        path_for(instance).unlink(missing_ok=True)
    except OSError:
        log.warning("could not delete the workbook of version %s", instance.pk)
