"""Uploaded files, kept byte for byte beside the database (``CSWW_FILES_DIR/uploads``).

An upload's bytes are written and flushed to disk (``fsync``; past the page cache where the
filesystem allows, :mod:`durable`) before its one database row is
inserted, outside any transaction: the row names the file (``Upload.stored``), so a row never
names a file that is not there, and a crash between the two leaves only an unnamed file.
Uploads stored by earlier versions of the portal keep their bytes in the row itself
(``Upload.content``); :func:`bytes_of` reads either.

A process killed between the write and the insert leaves a file that no row names:
:func:`sweep_orphans`, run by every ``csww worker`` each minute, deletes such files once they
are older than ``CSWW_ORPHAN_UPLOAD_MINUTES`` (far longer than any request takes), a bounded
number per run.
"""

from __future__ import annotations

import logging
import os
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.db.models.signals import post_delete
from django.dispatch import receiver

from csww_portal.models import Upload
from csww_portal.services import durable

log = logging.getLogger(__name__)


def _root() -> Path:
    return Path(settings.CSWW_FILES_DIR)


def save(return_id: int, data: bytes) -> str:
    """Write the bytes to a new file and flush them to disk (:mod:`durable`); returns its name
    for the row."""
    name = f"uploads/{return_id}/{secrets.token_hex(16)}"
    path = _root() / name
    path.parent.mkdir(parents=True, exist_ok=True)
    durable.write(path, data)
    return name


def discard(name: str) -> None:
    """Delete a file just written whose row was never inserted (the upload was refused)."""
    _delete(name)


def _after(after: str, limit: int) -> tuple[list[tuple[str, float]], str]:
    """Up to ``limit`` stored upload files, in name order after ``after``, each with the time
    it was written; and the name to go on after ("" when the last file was reached)."""
    root = _root() / "uploads"
    found: list[tuple[str, float]] = []
    try:
        with os.scandir(root) as entries:
            folders = sorted(e.name for e in entries if e.is_dir() and e.name.isdigit())
    except FileNotFoundError:
        return found, ""
    for folder in folders:
        if f"uploads/{folder}/\uffff" <= after:
            continue  # swept in an earlier call
        with os.scandir(root / folder) as entries:
            names = sorted(e.name for e in entries if e.is_file())
        for name in names:
            key = f"uploads/{folder}/{name}"
            if key <= after:
                continue
            try:
                found.append((key, (root / folder / name).stat().st_mtime))
            except FileNotFoundError:
                continue  # deleted meanwhile, with its row
            if len(found) >= limit:
                return found, key
    return found, ""


class OrphanSweep:
    """Deletes stored upload files that no row names, once they are older than
    ``CSWW_ORPHAN_UPLOAD_MINUTES``: at most ``limit`` files are looked at per :meth:`run`, the
    next run going on from where this one stopped, and from the start once the last file has
    been looked at."""

    def __init__(self, limit: int = 500) -> None:
        self.limit = limit
        self.after = ""

    def run(self, now: float | None = None) -> int:
        """Returns how many files were deleted."""
        since = (time.time() if now is None else now) - 60 * settings.CSWW_ORPHAN_UPLOAD_MINUTES
        files, self.after = _after(self.after, self.limit)
        old = [name for name, written in files if written < since]
        if not old:
            return 0
        named = set(Upload.objects.filter(stored__in=old).values_list("stored", flat=True))
        orphans = [name for name in old if name not in named]
        for name in orphans:
            _delete(name)
        if orphans:
            log.warning("deleted %s stored upload files that no upload names", len(orphans))
        return len(orphans)


def bytes_of(upload: Upload) -> bytes:
    """The upload's bytes (b"" when they are no longer kept)."""
    if upload.stored:
        try:
            return (_root() / upload.stored).read_bytes()
        except FileNotFoundError:
            return b""
    return bytes(upload.content)


def kept(upload: Upload) -> bool:
    return bool(upload.stored) or bool(upload.content)


def forget(upload: Upload) -> None:
    """Drop the upload's bytes (its details and checksum stay)."""
    if upload.stored:
        _delete(upload.stored)
    Upload.objects.filter(pk=upload.pk).update(content=b"", stored="")
    upload.content, upload.stored = b"", ""


def _delete(name: str) -> None:
    try:
        (_root() / name).unlink(missing_ok=True)
    except OSError:
        log.warning("could not delete a stored upload file")


@receiver(post_delete, sender=Upload)
def _deleted(sender: object, instance: Upload, **kwargs: object) -> None:
    """A deleted upload (familiarisation data, say) takes its file with it."""
    if instance.stored:
        _delete(instance.stored)
