"""Limits checked before work: request size, zip inflation, worker records, stored issues
and uploads kept per return. Hostile files are checked in a child process that reports its
peak memory and time, so the bounds asserted are the check's own."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings

from csww.model import Return
from csww.sheets.rows import SheetError
from csww.sheets.validate import read_sheet
from csww_portal.models import Upload
from csww_portal.services import storage
from tests.factories import make_header, make_la, make_worker
from tests.portal import hostile
from tests.portal.conftest import YEAR, la_url, the_return, upload, valid_return, xml

ROOT = Path(__file__).resolve().parents[2]
# A Python process with Django and the hostile file loaded is 60-160 MB (its own peak, not
# the peak of the test process it was forked from); the check itself may add at most
# GROWTH_MB. Before the limits, these files took 6-12.6 GB and 97-110 s; the
# time bound is far from that, so a loaded, shared machine cannot fail it by chance.
PEAK_MB = 300
GROWTH_MB = 48
SECONDS = 30.0


def bounded(got: dict[str, Any]) -> bool:
    return (
        float(got["peak_mb"]) < PEAK_MB
        and float(got["growth_mb"]) < GROWTH_MB
        and float(got["seconds"]) < SECONDS
    )


def _measure(tmp_path: Path, name: str, data: bytes) -> dict[str, Any]:
    path = tmp_path / name
    path.write_bytes(data)
    done = subprocess.run(
        [sys.executable, "-m", "tests.portal.hostile", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_a_workbook_that_inflates_a_thousand_times_is_refused_unopened(tmp_path: Path) -> None:
    bomb = hostile.inflating_workbook(256)  # 256 MB of blanks in about 0.3 MB
    assert len(bomb) < 1024 * 1024
    got = _measure(tmp_path, "bomb.xlsx", bomb)
    assert got["outcome"] == "refused" and got["keep_bytes"] is False
    assert "would unpack to 256 MB" in str(got["message"])
    assert bounded(got), got


def test_a_small_member_with_a_bomb_ratio_is_refused(tmp_path: Path) -> None:
    got = _measure(tmp_path, "ratio.xlsx", hostile.inflating_workbook(40))  # under 64 MB
    assert got["outcome"] == "refused"
    assert "more than 100 times its packed size" in str(got["message"])
    assert bounded(got), got


def test_the_core_reader_refuses_the_bomb_too(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(hostile.inflating_workbook(256))
    with pytest.raises(SheetError, match="would unpack to 256 MB"):
        read_sheet(path, year=YEAR)


def test_a_workbook_of_empty_rows_is_refused_by_its_row_count(tmp_path: Path) -> None:
    got = _measure(tmp_path, "rows.xlsx", hostile.row_flood_workbook(400_000))
    assert got["outcome"] == "refused" and "more than 20,000 worker records" in str(got["message"])
    assert bounded(got), got


def test_an_xml_flood_of_empty_records_is_refused_before_reading(tmp_path: Path) -> None:
    flood = hostile.empty_record_flood(400_000)  # about 5 MB
    got = _measure(tmp_path, "flood.xml", flood)
    assert got["outcome"] == "refused" and got["keep_bytes"] is False
    assert "(it has 400,000)" in str(got["message"])
    assert bounded(got), got


def test_a_refused_flood_keeps_only_its_details(login: Callable[[str], Client]) -> None:
    client = login("submitter")
    response = upload(client, hostile.empty_record_flood(30_000), name="flood.xml")
    assert response.status_code == 400
    assert "more than 20,000 worker records" in response.content.decode()
    stored = Upload.objects.get()
    assert stored.outcome == Upload.Outcome.REFUSED and storage.bytes_of(stored) == b""
    assert stored.size > 0 and len(stored.sha256) == 64
    assert the_return().current is None


@override_settings(CSWW_MAX_UPLOAD_BYTES=1024 * 1024, CSWW_MAX_REQUEST_BYTES=1024 * 1024)
def test_a_body_over_the_limit_is_refused_before_it_is_read(
    login: Callable[[str], Client],
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login("submitter")
    big = b"<Message>" + b" " * (2 * 1024 * 1024) + b"</Message>"
    response = client.post(la_url("upload"), {"return_file": SimpleUploadedFile("a.xml", big)})
    assert response.status_code == 413
    assert "must be smaller than 1 MB" in response.content.decode()
    assert not Upload.objects.exists()


def test_the_upload_limit_fits_ten_times_the_largest_la(settings: object) -> None:
    from django.conf import settings as live

    assert live.CSWW_MAX_WORKERS == 20_000
    assert live.CSWW_MAX_UPLOAD_BYTES == 20 * 1024 * 1024
    assert live.DATA_UPLOAD_MAX_MEMORY_SIZE <= 1024 * 1024


@override_settings(CSWW_MAX_STORED_ISSUES=3)
def test_a_report_beyond_the_issue_cap_is_summarised_not_a_500(
    login: Callable[[str], Client],
) -> None:
    client = login("submitter")
    workers = [
        make_worker("inpost", YEAR, SWENo=f"SW3000{i:02d}", Ethnicity="XXXX") for i in range(8)
    ]
    ret = Return(header=make_header(YEAR, "301"), la=make_la(), workers=workers)
    assert upload(client, xml(ret)).status_code == 302
    stored = the_return()
    assert stored.current is not None
    assert len(stored.current.report["issues"]) == 3
    found = stored.current.report["truncated"]
    assert found["rules"]["306"] == ["error", found["rules"]["306"][1], 8]
    total = sum(n for _s, _m, n in found["rules"].values())
    assert found["issues"] == total > 8
    assert stored.errors == stored.current.errors >= 8
    page = client.get(la_url("results"))
    text = page.content.decode()
    assert page.status_code == 200 and f"Your return has {stored.errors} errors" in text
    assert f"The return has {total} errors and queries; the first 3 are listed" in text
    assert 'href="/collections/2018/la/301/results/?rule=306#issues">306</a>' in text
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">8</td>' in text


@override_settings(CSWW_KEEP_UNUSED_UPLOADS=2, CSWW_MAX_UPLOADS=5)
def test_uploads_kept_per_return_are_bounded(login: Callable[[str], Client]) -> None:
    client = login("submitter")
    upload(client, xml(valid_return()))
    for n in range(4):
        upload(client, b"<Message><Header>", name=f"cut{n}.xml")
    kept = {u.filename: storage.kept(u) for u in Upload.objects.all()}
    assert kept == {
        "return.xml": True,  # the current version reads its bytes
        "cut0.xml": False,
        "cut1.xml": False,
        "cut2.xml": True,
        "cut3.xml": True,
    }
    history = client.get(la_url("history")).content.decode()
    assert "Not kept" in history
    # The allowance counts files loaded, not attempts: the four unreadable ones do not use it.
    for n in range(4):
        assert upload(client, xml(valid_return()), name=f"more{n}.xml").status_code == 302
    response = upload(client, xml(valid_return()), name="sixth.xml")
    assert response.status_code == 400  # refused by the check, as other refused files are
    assert "the most the portal keeps" in response.content.decode()
    assert Upload.objects.filter(outcome=Upload.Outcome.LOADED).count() == 5
    assert Upload.objects.count() == 10  # the refused one is kept with its reason
