"""Workbook downloads are bounded: each version's workbook is made once (by one process at a
time), kept, and streamed; parallel downloads of one version wait for one making; a deleted
version takes its workbook with it. Memory and time under parallel downloads are measured by
``benchmarks/portal_downloads.py``."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterable
from typing import Any, cast

import pytest
from django.db import connection
from django.http import FileResponse
from django.test import Client
from openpyxl import load_workbook

from csww_portal.services import workbooks
from tests.portal.conftest import current, la_url, the_return, upload, valid_return, xml


def _book(response: Any) -> Any:
    assert isinstance(response, FileResponse)
    data = b"".join(cast(Iterable[bytes], response.streaming_content))
    return load_workbook(io.BytesIO(data), read_only=True)


def test_a_versions_workbook_is_made_once_and_streamed(
    login: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = login("submitter")
    upload(client, xml(valid_return()))
    made: list[str] = []
    real = workbooks.make

    def counting(data: bytes, year: int, path: str) -> None:
        made.append(path)
        real(data, year, path)

    monkeypatch.setattr(workbooks, "make", counting)
    for _n in range(3):
        response = client.get(la_url("download_xlsx"))
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
        assert "csww-2018-301-v1.xlsx" in response["Content-Disposition"]
        assert _book(response).sheetnames
    assert len(made) == 1
    # A new version gets its own workbook.
    upload(client, xml(valid_return()), name="again.xml")
    client.get(la_url("download_xlsx"))
    assert len(made) == 2 and made[0] != made[1]


@pytest.mark.django_db(transaction=True)
def test_parallel_downloads_of_one_version_wait_for_one_making(
    login: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor == "sqlite":
        pytest.skip("threads sharing an SQLite test database lock it; PostgreSQL runs this")
    client = login("submitter")
    upload(client, xml(valid_return()))
    started, release = threading.Event(), threading.Event()
    made: list[str] = []
    real = workbooks.make

    def slow(data: bytes, year: int, path: str) -> None:
        made.append(path)
        started.set()
        release.wait(10)
        real(data, year, path)

    monkeypatch.setattr(workbooks, "make", slow)
    codes: list[int] = []

    def fetch() -> None:
        response = client.get(la_url("download_xlsx"))
        codes.append(response.status_code)
        b"".join(response.streaming_content)  # type: ignore[attr-defined]
        connection.close()

    threads = [threading.Thread(target=fetch) for _n in range(4)]
    for t in threads:
        t.start()
    assert started.wait(10)
    release.set()
    for t in threads:
        t.join(30)
    assert codes == [200] * 4 and len(made) == 1


def test_the_workbook_is_made_in_a_separate_process(
    login: Callable[[str], Client], settings: Any
) -> None:
    settings.CSWW_EXPORT_PROCESSES = 1
    client = login("submitter")
    upload(client, xml(valid_return()))
    response = client.get(la_url("download_xlsx"))
    assert response.status_code == 200
    book = _book(response)
    assert len(book.sheetnames) >= 2
    assert workbooks.path_for(current()).exists()


def test_a_deleted_version_takes_its_workbook_with_it(login: Callable[[str], Client]) -> None:
    client = login("submitter")
    upload(client, xml(valid_return()))
    client.get(la_url("download_xlsx"))
    version = current()
    path = workbooks.path_for(version)
    assert path.exists()
    ret = the_return()
    ret.current = None
    ret.save()
    version.delete()
    assert not path.exists()
