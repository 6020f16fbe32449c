"""Writing an uploaded file to disk once, durably, without passing it through the page cache.

An upload is written once by the acknowledgement and read once by the check, so caching its
pages helps nothing, and filling the cache costs the web process CPU: on a virtual machine
the kernel must find fresh memory for every page, which measured about 1.6 ms of an
acknowledgement's CPU for a 534 KB file (``docs/benchmarks-portal.md``). With ``O_DIRECT``
the bytes go from one reused, page-aligned buffer per thread straight to the disk (0.3 ms).
Direct writes must be whole blocks: the last block is padded with zeros and the file then
cut to its true length. Either way the file is flushed (``fsync``) before anything names it.

A filesystem that refuses direct I/O (``EINVAL``; tmpfs on older kernels, some network
filesystems) or a platform without it gets an ordinary buffered write instead: the same
bytes, only slower.
"""

from __future__ import annotations

import errno
import mmap
import os
import threading
from pathlib import Path

BLOCK = 4096  # a multiple of every device's logical block size
CHUNK = 1 << 20  # the aligned buffer, per thread; larger files are written a chunk at a time
DIRECT = getattr(os, "O_DIRECT", 0)

_local = threading.local()


def write(path: Path, data: bytes) -> None:
    """Create ``path`` (it must not exist) holding ``data``, flushed to disk."""
    if DIRECT and _write_direct(path, data):
        return
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def _buffer() -> mmap.mmap:
    found: mmap.mmap | None = getattr(_local, "buffer", None)
    if found is None:
        found = _local.buffer = mmap.mmap(-1, CHUNK)  # page-aligned, reused by this thread
    return found


def _write_direct(path: Path, data: bytes) -> bool:
    """Write with ``O_DIRECT``; False (and no file left) when the filesystem refuses it."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | DIRECT, 0o600)
    except OSError as exc:
        if exc.errno == errno.EINVAL:
            return False
        raise
    try:
        _blocks(fd, data)
        os.ftruncate(fd, len(data))
        os.fsync(fd)
    except OSError as exc:
        os.close(fd)
        path.unlink(missing_ok=True)
        if exc.errno == errno.EINVAL:  # refused part way (alignment the device wants larger)
            return False
        raise
    os.close(fd)
    return True


def _blocks(fd: int, data: bytes) -> None:
    """Every byte of ``data`` in whole blocks through the aligned buffer, the last padded."""
    buffer = _buffer()
    source = memoryview(data)
    with memoryview(buffer) as aligned:
        for start in range(0, len(data), CHUNK):
            piece = source[start : start + CHUNK]
            size = len(piece)
            padded = -(-size // BLOCK) * BLOCK
            aligned[:size] = piece
            aligned[size:padded] = bytes(padded - size)
            done = 0
            while done < padded:
                written = os.write(fd, aligned[done:padded])
                if written <= 0 or written % BLOCK:
                    raise OSError(errno.EINVAL, "a direct write stopped part way through a block")
                done += written
