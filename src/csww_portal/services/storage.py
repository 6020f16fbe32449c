"""Uploaded files, kept byte for byte beside the database (``CSWW_FILES_DIR/uploads``).

An upload's bytes are written and flushed to disk (``fsync``) before its one database row is
inserted, outside any transaction: the row names the file (``Upload.stored``), so a row never
names a file that is not there, and a crash between the two leaves only an unnamed file.
Uploads stored by earlier versions of the portal keep their bytes in the row itself
(``Upload.content``); :func:`bytes_of` reads either.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.db.models.signals import post_delete
from django.dispatch import receiver

from csww_portal.models import Upload

log = logging.getLogger(__name__)


def _root() -> Path:
    return Path(settings.CSWW_FILES_DIR)


def save(return_id: int, data: bytes) -> str:
    """Write the bytes to a new file and flush them to disk; returns its name for the row."""
    name = f"uploads/{return_id}/{secrets.token_hex(16)}"
    path = _root() / name
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    return name


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
