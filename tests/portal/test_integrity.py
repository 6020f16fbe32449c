"""Nothing a user does loses or corrupts a return: workers are addressed by record id and
the version a form was built from, so a stale form (two tabs, two colleagues, an upload in
between) is refused with the typed values kept; every version can be downloaded and
restored; a file that would empty the return, or remove most of it, waits for confirmation.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from django.test import Client

from csww.model import Return
from csww.reader import read
from csww.sheets.convert import csv_files, split, to_workbook
from csww.spec import spec_for
from csww_portal.models import AuditEvent, Upload
from tests.factories import make_header, make_la, make_worker
from tests.portal.conftest import (
    YEAR,
    base,
    current,
    la_url,
    record_id,
    the_return,
    upload,
    xml,
)


def _staff(n: int = 10) -> Return:
    workers = [make_worker("inpost", YEAR, SWENo=f"SW2000{i:02d}") for i in range(1, n + 1)]
    return Return(header=make_header(YEAR, "301"), la=make_la(), workers=workers)


def _swenos() -> list[str]:
    return [w.values["SWENo"] for w in read(current().xml_bytes()).workers]


def _form(client: Client, url: str) -> dict[str, str]:
    """What the worker page's form would post: its fields and the version it was built from."""
    page = client.get(url)
    assert page.status_code == 200
    return {
        **{f["element"]: f["value"] for f in page.context["fields"]},
        "base": str(page.context["base"]),
    }


def test_a_stale_edit_is_refused_and_the_typed_values_are_kept(
    login: Callable[[str], Client],
) -> None:
    tab_a, tab_b = login("submitter"), login("approver")
    upload(tab_a, xml(_staff()))
    fourth = la_url("worker", "301", record_id(4))
    form = _form(tab_a, fourth)  # record 4 is SW200004, as of version 1
    assert form["SWENo"] == "SW200004"
    # A colleague deletes record 2 meanwhile: SW200004 is now record 3, SW200005 record 4.
    tab_b.post(la_url("delete_worker", "301", record_id(2)), {"base": "1"})
    assert current().number == 2
    form["FTE"] = "0.6"
    response = tab_a.post(fourth, form)
    page = response.content.decode()
    assert response.status_code == 409
    assert "has changed since you opened this page" in page and "Nothing was saved" in page
    assert 'value="0.6"' in page  # what was typed is still in the form
    assert 'name="base" value="2"' in page  # saving again now builds on version 2
    assert current().number == 2 and "Success" not in page
    workers = read(current().xml_bytes()).workers
    assert [w.values["SWENo"] for w in workers][2:4] == ["SW200004", "SW200005"]
    assert all(w.values.get("FTE") != "0.6" for w in workers)
    # Saving the reviewed form again changes the same worker, now at another position.
    form["base"] = "2"
    assert tab_a.post(fourth, form).status_code == 302
    workers = read(current().xml_bytes()).workers
    assert workers[2].values["SWENo"] == "SW200004" and workers[2].values["FTE"] == "0.6"
    assert workers[3].values.get("FTE") != "0.6"


def test_a_stale_delete_is_refused_and_deletes_nobody(login: Callable[[str], Client]) -> None:
    tab_a, tab_b = login("submitter"), login("approver")
    upload(tab_a, xml(_staff()))
    tenth = record_id(10)
    confirm = tab_a.get(la_url("delete_worker", "301", tenth))
    assert "SW200010" in confirm.content.decode()
    # Someone uploads the file again, sorted the other way round, before the delete is confirmed.
    again = _staff()
    again.workers.reverse()
    upload(tab_b, xml(again), name="sorted.xml")
    response = tab_a.post(la_url("delete_worker", "301", tenth), {"base": "1"})
    assert response.status_code == 409
    assert "has changed since you opened this page" in response.content.decode()
    assert len(_swenos()) == 10 and current().number == 2
    # The record id still names SW200010 (now record 1), never whoever is tenth now.
    assert record_id(1) == tenth
    tab_a.post(la_url("delete_worker", "301", tenth), {"base": "2"})
    assert "SW200010" not in _swenos() and "SW200001" in _swenos()
    assert current().description == "Deleted worker SW200010"


def test_editing_a_record_that_was_deleted_keeps_what_was_typed(
    login: Callable[[str], Client],
) -> None:
    tab_a, tab_b = login("submitter"), login("approver")
    upload(tab_a, xml(_staff()))
    url = la_url("worker", "301", record_id(3))
    form = _form(tab_a, url)
    tab_b.post(la_url("delete_worker", "301", record_id(3)), {"base": "1"})
    form.update(base="2", Cases30="7")
    response = tab_a.post(url, form)
    page = response.content.decode()
    assert response.status_code == 409
    assert "not in the current version" in page
    assert 'value="SW200003"' in page and 'value="7"' in page  # offered as a new record
    assert "Add a worker record" in page and current().number == 2


def test_a_worker_page_link_survives_a_reupload_in_another_order(
    login: Callable[[str], Client],
) -> None:
    client = login("submitter")
    upload(client, xml(_staff()))
    url = la_url("worker", "301", record_id(2))
    again = _staff()
    again.workers.reverse()
    upload(client, xml(again), name="sorted.xml")
    page = client.get(url).content.decode()
    assert "Worker record 9 of 10: SW200002" in page
    assert "SW200002" not in url  # the id does not show the registration number


def test_every_version_can_be_downloaded_and_restored(login: Callable[[str], Client]) -> None:
    client = login("submitter")
    upload(client, xml(_staff()))
    url = la_url("worker", "301", record_id(1))
    form = _form(client, url)
    form["Cases30"] = "12"
    client.post(url, form)  # version 2: a form fix
    upload(client, xml(_staff()), name="hr-extract.xml")  # version 3 drops the fix
    history = client.get(la_url("history")).content.decode()
    assert la_url("version_xml", "301", 2) in history and la_url("restore", "301", 2) in history
    fixed = client.get(la_url("version_xml", "301", 2))
    assert fixed.status_code == 200
    assert read(fixed.content).workers[0].values["Cases30"] == "12"
    assert AuditEvent.objects.filter(action="download", detail="Return XML, version 2").exists()
    assert client.get(la_url("restore", "301", 2)).status_code == 200
    response = client.post(la_url("restore", "301", 2), base())
    assert response.status_code == 302
    ret = the_return()
    assert ret.current is not None
    assert ret.current.number == 4 and ret.current.description == "Restored version 2"
    assert read(ret.current.xml_bytes()).workers[0].values["Cases30"] == "12"
    assert list(ret.versions.order_by("number").values_list("number", flat=True)) == [1, 2, 3, 4]
    assert read(ret.versions.get(number=3).xml_bytes()).workers[0].values.get("Cases30") != "12"
    assert AuditEvent.objects.filter(action="restore", la__code="301").exists()


def test_a_workers_csv_with_only_its_heading_row_asks_first(
    login: Callable[[str], Client],
) -> None:
    client = login("submitter")
    upload(client, xml(_staff()))
    spec = spec_for(YEAR)
    heading = csv_files(split(_staff(), spec), spec)["workers.csv"].splitlines()[0] + "\n"
    response = upload(client, heading.encode(), name="workers.csv")
    held = Upload.objects.get(filename="workers.csv")
    assert response.status_code == 302
    assert response["Location"] == la_url("confirm_upload", "301", held.pk)
    assert held.outcome == Upload.Outcome.HELD
    assert current().number == 1 and the_return().workers == 10
    page = client.get(response["Location"]).content.decode()
    assert "The file has no worker records" in page and "instead of 10" in page
    client.post(response["Location"], {"choice": "cancel"})
    assert Upload.objects.get(pk=held.pk).outcome == Upload.Outcome.CANCELLED
    assert current().number == 1
    # Asked again, and this time loaded on purpose.
    response = upload(client, heading.encode(), name="workers.csv")
    again = Upload.objects.filter(filename="workers.csv").order_by("-pk").first()
    client.post(response["Location"], {"choice": "load", **base()})
    assert again is not None
    assert the_return().workers == 0 and current().upload_id == again.pk


def test_a_blank_template_or_a_file_missing_most_workers_asks_first(
    login: Callable[[str], Client],
) -> None:
    client = login("submitter")
    upload(client, xml(_staff()))
    book, _ = to_workbook(Return(header=make_header(YEAR, "301", LEA=None), la=None, workers=[]))
    buffer = io.BytesIO()
    book.save(buffer)
    upload(client, buffer.getvalue(), name="blank.xlsx")
    assert Upload.objects.get(filename="blank.xlsx").outcome == Upload.Outcome.HELD
    upload(client, xml(_staff(4)), name="four.xml")
    four = Upload.objects.get(filename="four.xml")
    assert four.outcome == Upload.Outcome.HELD and "fewer than half" in four.message
    upload(client, xml(_staff(6)), name="six.xml")  # more than half: loaded straight away
    assert current().number == 2 and the_return().workers == 6
