"""Workbook makers are bounded across every web process on one database: one making per
version, at most ``max(1, CSWW_EXPORT_PROCESSES)`` at once, and a maker that stopped (its
process killed) has its lease taken over. Tested with two makers over one database, through
the download page, and with real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from csww_portal.models import WorkbookLease
from csww_portal.services import workbook_leases, workbooks
from csww_portal.services.workbook_leases import claim, release, renew
from tests.portal.conftest import current, la_url, upload, valid_return, xml
from tests.portal.processes import environment


def test_one_making_per_version_whichever_process_asks(db: Any, settings: Any) -> None:
    settings.CSWW_EXPORT_PROCESSES = 4
    first = claim(7, 60, now=1000.0)  # one web process
    assert first is not None
    assert claim(7, 60, now=1001.0) is None  # another, for the same version: it waits
    assert workbook_leases.being_made(7, now=1001.0)
    other = claim(8, 60, now=1001.0)  # another version has a maker of its own
    assert other is not None and other.holder != first.holder
    release(first)
    assert not workbook_leases.being_made(7, now=1002.0)
    assert claim(7, 60, now=1002.0) is not None  # made, or failed: the next asker may


def test_the_cap_on_makers_holds_for_every_process(db: Any, settings: Any) -> None:
    settings.CSWW_EXPORT_PROCESSES = 2
    held = [claim(v, 60, now=1000.0) for v in (1, 2, 3, 4)]
    assert [lease is not None for lease in held] == [True, True, False, False]
    assert workbook_leases.makers(now=1000.0) == 2
    assert held[0] is not None
    release(held[0])
    assert claim(3, 60, now=1001.0) is not None
    assert claim(4, 60, now=1001.0) is None
    assert workbook_leases.makers(now=1001.0) == 2
    assert sorted(WorkbookLease.objects.values_list("version", flat=True)) == [2, 3]


def test_no_processes_still_means_one_maker_at_a_time(db: Any, settings: Any) -> None:
    settings.CSWW_EXPORT_PROCESSES = 0  # made in a thread of the web process
    assert workbook_leases.slots() == 1
    assert claim(1, 60, now=1000.0) is not None
    assert claim(2, 60, now=1000.0) is None


def test_a_stopped_makers_lease_is_taken_over_once_it_ends(db: Any, settings: Any) -> None:
    settings.CSWW_EXPORT_PROCESSES = 1
    crashed = claim(7, 60, now=1000.0)
    assert crashed is not None
    assert renew(crashed, 60, now=1030.0)  # a live maker keeps its lease: until 1090
    assert claim(7, 60, now=1089.0) is None
    taker = claim(7, 60, now=1090.0)  # it stopped renewing: its lease has ended
    assert taker is not None
    assert not renew(crashed, 60, now=1091.0)  # the old maker, if it wakes, knows it lost
    release(crashed)  # and cannot free the new maker's lease
    assert list(WorkbookLease.objects.values_list("holder", flat=True)) == [taker.holder]
    assert claim(7, 60, now=1091.0) is None


def test_a_stopped_maker_of_another_version_frees_its_slot_when_its_lease_ends(
    db: Any, settings: Any
) -> None:
    settings.CSWW_EXPORT_PROCESSES = 1
    assert claim(7, 60, now=1000.0) is not None
    assert claim(8, 60, now=1059.0) is None  # the one maker is busy
    assert claim(8, 60, now=1060.0) is not None
    assert list(WorkbookLease.objects.values_list("version", flat=True)) == [8]


def _count_makings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    made: list[str] = []
    real = workbooks.make

    def counting(data: bytes, year: int, path: str) -> None:
        made.append(path)
        real(data, year, path)

    monkeypatch.setattr(workbooks, "make", counting)
    return made


def test_a_download_waits_for_another_processs_making_then_says_it_is_being_prepared(
    login: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = login("submitter")
    upload(client, xml(valid_return()))
    made = _count_makings(monkeypatch)
    monkeypatch.setattr(workbooks, "WAIT_SECONDS", 0.5)
    elsewhere = claim(current().pk, 60)  # another web process is making it
    assert elsewhere is not None
    began = time.monotonic()
    response = client.get(la_url("download_xlsx"))
    assert time.monotonic() - began >= 0.5
    assert response.status_code == 503
    assert response["Retry-After"] == str(workbooks.RETRY_SECONDS)
    page = response.content.decode()
    assert "Your workbook is being prepared" in page
    assert f'http-equiv="refresh" content="{workbooks.RETRY_SECONDS}"' in page
    assert made == []  # this process did not make it as well
    release(elsewhere)  # that making failed, say: the next try makes it
    response = client.get(la_url("download_xlsx"))
    assert response.status_code == 200 and len(made) == 1


def test_a_download_takes_over_a_stopped_makers_lease(
    login: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = login("submitter")
    upload(client, xml(valid_return()))
    made = _count_makings(monkeypatch)
    assert claim(current().pk, 0.5) is not None  # its process was killed: never renewed
    response = client.get(la_url("download_xlsx"))
    assert response.status_code == 200 and len(made) == 1
    assert not WorkbookLease.objects.exists()  # the taker freed the slot when done


# Real processes: each is a web process's download of one version; the making is a thread of
# it that writes when it starts and ends, and holds for a while. CSWW_EXPORT_PROCESSES is the
# cap on makers.
SCRIPT = """
import os, sys, time
from concurrent.futures import ThreadPoolExecutor
import django
django.setup()
from csww_portal.models import ReturnVersion
from csww_portal.services import workbooks

log, version, hold = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
workbooks.LEASE_SECONDS, workbooks.RENEW_SECONDS, workbooks.WAIT_SECONDS = 1.0, 0.2, 120.0

def note(what):
    with open(log, "a") as out:
        out.write(f"{what} {version} {os.getpid()} {time.time()}\\n")

def make(data, year, path):
    note("start")
    time.sleep(hold)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as out:
        out.write(data)
    note("end")

workbooks.make = make
workbooks._maker = lambda: ThreadPoolExecutor(max_workers=1)
note("ready")
workbooks.workbook(ReturnVersion(pk=version, la_return_id=1, xml=b"<x/>"), 2018)
"""


def _environment(tmp_path: Path, makers: int) -> dict[str, str]:
    """Processes over the test's database, with one folder for the workbooks."""
    return environment(
        tmp_path, CSWW_FILES_DIR=str(tmp_path / "files"), CSWW_EXPORT_PROCESSES=str(makers)
    )


def _start(env: dict[str, str], log: Path, version: int, hold: float) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-c", SCRIPT, str(log), str(version), str(hold)]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _finish(*procs: subprocess.Popen[bytes]) -> None:
    for proc in procs:
        _out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err.decode()[-2000:]


def _events(log: Path, what: str) -> list[tuple[int, int, float]]:
    """(version, pid, time) of each ``what`` line in the log."""
    lines = [line.split() for line in log.read_text().splitlines()] if log.exists() else []
    return [(int(v), int(p), float(t)) for w, v, p, t in lines if w == what]


def _wait_for(log: Path, what: str, count: int, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while len(_events(log, what)) < count:
        assert time.monotonic() < deadline, f"no {what!r} in {log.read_text()!r}"
        time.sleep(0.05)


def test_two_processes_downloading_one_version_make_it_once(
    tmp_path: Path, transactional_db: None
) -> None:
    env, log = _environment(tmp_path, makers=4), tmp_path / "log"
    _finish(_start(env, log, 7, 1.5), _start(env, log, 7, 1.5))
    assert len(_events(log, "ready")) == 2
    assert len(_events(log, "start")) == 1
    assert (tmp_path / "files" / "workbooks" / "return-1-version-7.xlsx").read_bytes() == b"<x/>"


def test_two_processes_with_one_maker_between_them_make_one_at_a_time(
    tmp_path: Path, transactional_db: None
) -> None:
    env, log = _environment(tmp_path, makers=1), tmp_path / "log"
    _finish(_start(env, log, 8, 1.0), _start(env, log, 9, 1.0))
    starts, ends = _events(log, "start"), _events(log, "end")
    assert sorted(v for v, _p, _t in starts) == [8, 9]
    _first, second_start = sorted(t for _v, _p, t in starts)
    first_end = min(t for _v, _p, t in ends)
    assert second_start >= first_end  # the second waited for the first to finish


def test_a_killed_makers_lease_is_taken_over_by_another_process(
    tmp_path: Path, transactional_db: None
) -> None:
    env, log = _environment(tmp_path, makers=1), tmp_path / "log"
    crashing = _start(env, log, 7, 600.0)
    _wait_for(log, "start", 1)
    waiting = _start(env, log, 7, 0.0)
    _wait_for(log, "ready", 2)
    time.sleep(2.5)  # over twice the lease: only renewals keep it from the waiting process
    assert len(_events(log, "start")) == 1
    os.kill(crashing.pid, signal.SIGKILL)
    crashing.wait(30)
    killed_at = time.time()
    _finish(waiting)
    starts = _events(log, "start")
    assert [p for _v, p, _t in starts] == [crashing.pid, waiting.pid]
    assert starts[1][2] - killed_at < 10  # taken over once the lease ended (1 s)
    assert (tmp_path / "files" / "workbooks" / "return-1-version-7.xlsx").exists()


CLAIM = """
import sys, time
import django
django.setup()
from csww_portal.services import workbook_leases

version, at = int(sys.argv[1]), float(sys.argv[2])
time.sleep(max(0.0, at - time.time()))
print("won" if workbook_leases.claim(version, 60) else "lost")
"""


def _claim_at_once(env: dict[str, str], versions: list[int]) -> list[str]:
    """Each version claimed by a process of its own, all at the same moment."""
    at = str(time.time() + 8)  # after every process has started Django
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CLAIM, str(v), at],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for v in versions
    ]
    outcomes = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err.decode()[-2000:]
        outcomes.append(out.decode().strip())
    return outcomes


def test_processes_racing_for_one_version_get_one_lease(
    tmp_path: Path, transactional_db: None
) -> None:
    env = _environment(tmp_path, makers=5)
    assert sorted(_claim_at_once(env, [7] * 5)) == ["lost"] * 4 + ["won"]


def test_processes_racing_for_makers_get_no_more_than_the_cap(
    tmp_path: Path, transactional_db: None
) -> None:
    env = _environment(tmp_path, makers=2)
    outcomes = _claim_at_once(env, [7, 8, 9, 10, 11])
    assert outcomes.count("won") == 2
