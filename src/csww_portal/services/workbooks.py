"""The return as a workbook for download: made once per version, by one process at a time,
kept as a file and streamed.

Making the workbook of a 20,000-worker return costs about 3.4 CPU seconds and 150 MB. Made
in the web process for each download, eight at once took 50 s each and left the process at
2.45 GB. Here each version's workbook is made once, in a separate process (``spawn``, one
task per process, so its memory goes back to the system when it is done), at most
``CSWW_EXPORT_PROCESSES`` at a time; downloads of a version being made wait for that one
making; every download streams the kept file in chunks. Versions never change, so a kept
workbook never goes stale; it is deleted with its version.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from django.conf import settings
from django.db.models.signals import post_delete
from django.dispatch import receiver

from csww_portal.models import ReturnVersion
from csww_portal.services import exports

log = logging.getLogger(__name__)

_lock = threading.Lock()
_in_thread = threading.Lock()  # one making at a time in the web process (no pool)
_making: dict[Path, Future[None]] = {}
_processes: ProcessPoolExecutor | None = None


def path_for(version: ReturnVersion) -> Path:
    return (
        Path(settings.CSWW_FILES_DIR)
        / "workbooks"
        / f"return-{version.la_return_id}-version-{version.pk}.xlsx"
    )


def make(xml: bytes, year: int, path: str) -> None:
    """Make one workbook file in the web process's thread (tests, or no pool)."""
    exports.make_workbook_file(xml, year, path)


def _pool() -> ProcessPoolExecutor:
    global _processes
    if _processes is None:
        _processes = ProcessPoolExecutor(
            max_workers=int(settings.CSWW_EXPORT_PROCESSES),
            mp_context=multiprocessing.get_context("spawn"),
            max_tasks_per_child=1,
        )
    return _processes


def workbook(version: ReturnVersion, year: int) -> Path:
    """The version's workbook file, made now if it has not been made before. Downloads of
    a version being made wait for that making rather than starting their own."""
    path = path_for(version)
    if path.exists():
        return path
    with _lock:
        future = _making.get(path)
        owner = future is None
        if future is None:
            if path.exists():
                return path
            future = _making[path] = Future()
    if not owner:
        future.result()
        return path
    try:
        xml = version.xml_bytes()
        if int(settings.CSWW_EXPORT_PROCESSES) > 0:
            # The child imports only the core (``exports``), never Django.
            _pool().submit(exports.make_workbook_file, xml, year, str(path)).result()
        else:
            with _in_thread:
                make(xml, year, str(path))
    except BaseException as exc:
        future.set_exception(exc)
        raise
    else:
        future.set_result(None)
        log.info("workbook made for return=%s version=%s", version.la_return_id, version.pk)
    finally:
        with _lock:
            del _making[path]
    return path


@receiver(post_delete, sender=ReturnVersion)
def _forget(sender: object, instance: ReturnVersion, **kwargs: object) -> None:
    """A deleted version (familiarisation data, say) takes its workbook with it."""
    try:
        path_for(instance).unlink(missing_ok=True)
    except OSError:
        log.warning("could not delete the workbook of version %s", instance.pk)
