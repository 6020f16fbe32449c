"""Uploaded files written past the page cache (``O_DIRECT``) come back byte for byte, whatever
their length against the block and the buffer; a filesystem or device that refuses direct
writes, at the open or part way through, gets the same bytes by an ordinary write."""

from __future__ import annotations

import errno
import os
import stat
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from csww_portal.services import durable

B, C = durable.BLOCK, durable.CHUNK
EDGES = [0, 1, B - 1, B, B + 1, C - 1, C, C + 1, 2 * C + B - 3, 3 * C]


def written(tmp_path: Path, data: bytes, name: str = "f") -> bytes:
    path = tmp_path / name
    durable.write(path, data)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    return path.read_bytes()


@pytest.mark.parametrize("size", EDGES)
def test_every_length_around_the_block_and_the_buffer_comes_back(tmp_path: Path, size: int) -> None:
    data = os.urandom(size)
    assert written(tmp_path, data) == data


@hypothesis_settings(max_examples=40, deadline=None)
@given(data=st.binary(max_size=3 * B))
def test_any_short_file_comes_back(tmp_path_factory: Any, data: bytes) -> None:
    assert written(tmp_path_factory.mktemp("d"), data) == data


def test_a_direct_write_is_used_where_the_filesystem_allows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not durable.DIRECT:
        assert written(tmp_path, b"abc") == b"abc"  # this platform has no O_DIRECT at all
        return
    flags: list[int] = []
    real_open = os.open

    def recording_open(path: Any, flag: int, *args: Any) -> int:
        flags.append(flag)
        return real_open(path, flag, *args)

    monkeypatch.setattr(os, "open", recording_open)
    data = os.urandom(C + 5)
    assert written(tmp_path, data) == data
    direct_refused = not flags[-1] & durable.DIRECT  # a filesystem without direct I/O here
    assert flags[0] & durable.DIRECT and (len(flags) == 1 or direct_refused)


def test_a_filesystem_refusing_direct_io_gets_an_ordinary_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = os.open

    def refusing(path: Any, flag: int, *args: Any) -> int:
        if flag & durable.DIRECT:
            raise OSError(errno.EINVAL, "Invalid argument")
        return real_open(path, flag, *args)

    monkeypatch.setattr(durable, "DIRECT", durable.DIRECT or 0x4000)
    monkeypatch.setattr(os, "open", refusing)
    data = os.urandom(C + 7)
    assert written(tmp_path, data) == data


def test_a_direct_write_refused_part_way_is_written_again_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not durable.DIRECT:
        return  # nothing direct to refuse on this platform; the test above covers the fallback
    real_write = os.write
    calls = {"n": 0}

    def refusing_the_second(fd: int, data: Any) -> int:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(errno.EINVAL, "Invalid argument")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", refusing_the_second)
    data = os.urandom(2 * C + 11)
    assert written(tmp_path, data) == data
    assert [p.name for p in tmp_path.iterdir()] == ["f"]


def test_other_errors_are_raised_and_leave_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(fd: int, data: Any) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(OSError, match="No space"):
        durable.write(tmp_path / "f", b"x" * 10)
    if durable.DIRECT:
        assert not (tmp_path / "f").exists()


def test_an_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    (tmp_path / "f").write_bytes(b"kept")
    with pytest.raises(FileExistsError):
        durable.write(tmp_path / "f", b"new")
    assert (tmp_path / "f").read_bytes() == b"kept"


def test_threads_writing_at_once_each_keep_their_own_bytes(tmp_path: Path) -> None:
    files = {f"t{i}": os.urandom(C // 2 + 997 * i) for i in range(12)}
    barrier = threading.Barrier(len(files))

    def one(name: str) -> None:
        barrier.wait()
        for n in range(3):
            durable.write(tmp_path / f"{name}-{n}", files[name])

    threads = [threading.Thread(target=one, args=(name,)) for name in files]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for name, data in files.items():
        for n in range(3):
            assert (tmp_path / f"{name}-{n}").read_bytes() == data
