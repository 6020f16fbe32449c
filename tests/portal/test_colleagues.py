"""Two colleagues at once lose nothing without being shown it.

Every change form and action carries the version it was built from. A refused form comes
back as the record is now, with the person's own changes laid over only the items they
changed, each difference marked; saving it again never writes a colleague's older value back.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.test import Client

from csww.model import Return
from csww.reader import read
from csww_portal.models import State
from tests.factories import make_header, make_la, make_worker
from tests.portal.conftest import YEAR, current, la_url, record_id, the_return, upload, xml


def _staff() -> Return:
    workers = [
        make_worker("inpost", YEAR, SWENo=f"SW3000{i:02d}", FTE="1", Cases30="10")
        for i in range(1, 6)
    ]
    workers += [
        make_worker("leaver", YEAR, SWENo="SW399901"),
        make_worker("agency", YEAR, SWENo="SW399902"),
    ]
    return Return(header=make_header(YEAR, "301"), la=make_la(), workers=workers)


def _form(client: Client, url: str) -> dict[str, str]:
    page = client.get(url)
    assert page.status_code == 200
    return {
        **{f["element"]: f["value"] for f in page.context["fields"]},
        "base": str(page.context["base"]),
    }


def _worker(swe: str) -> dict[str, str]:
    workers = read(current().xml_bytes()).workers
    return next(w.values for w in workers if w.values.get("SWENo") == swe)


def _fields(response: Any) -> dict[str, dict[str, Any]]:
    return {f["element"]: f for f in response.context["fields"]}


def test_a_refused_edit_shows_the_colleagues_change_and_keeps_only_mine(
    login: Callable[[str], Client],
) -> None:
    submitter, approver = login("submitter"), login("approver")
    upload(submitter, xml(_staff()))
    url = la_url("worker", "301", record_id(2))
    mine, theirs = _form(approver, url), _form(submitter, url)
    # The submitter saves FTE 0.5 first.
    theirs["FTE"] = "0.5"
    assert submitter.post(url, theirs).status_code == 302
    assert _worker("SW300002")["FTE"] == "0.5"
    # The approver's form, opened before, changes the caseload only; it still holds FTE 1.
    mine["Cases30"] = "12"
    refused = approver.post(url, mine)
    page = refused.content.decode()
    assert refused.status_code == 409 and "Nothing was saved" in page
    fields = _fields(refused)
    assert fields["FTE"]["value"] == "0.5"  # the colleague's value, as it is now
    assert fields["Cases30"]["value"] == "12"  # my own change, laid over it
    assert "changed by sub301 in version 2 from ‘1’ to ‘0.5’" in fields["FTE"]["change"]
    assert "your change from ‘10’ to ‘12’ is not saved yet" in fields["Cases30"]["change"]
    # Items nobody changed carry no mark; each mark is read with its input.
    assert [e for e, f in fields.items() if f["change"]] == ["FTE", "Cases30"]
    assert 'aria-describedby="f-FTE-hint f-FTE-change"' in page
    assert re.search(r'href="#f-FTE"[^<]*FTE', page)  # listed in the error summary too
    assert _worker("SW300002") == {**_worker("SW300002"), "FTE": "0.5", "Cases30": "10"}
    # Saving the form as the page shows it keeps both changes: nothing is reverted.
    again = {f["element"]: f["value"] for f in refused.context["fields"]}
    again["base"] = str(refused.context["base"])
    assert approver.post(url, again).status_code == 302
    assert _worker("SW300002")["FTE"] == "0.5" and _worker("SW300002")["Cases30"] == "12"


def test_both_changing_one_item_is_marked_as_a_conflict(
    login: Callable[[str], Client],
) -> None:
    submitter, approver = login("submitter"), login("approver")
    upload(submitter, xml(_staff()))
    url = la_url("worker", "301", record_id(3))
    mine, theirs = _form(approver, url), _form(submitter, url)
    theirs["FTE"] = "0.5"
    submitter.post(url, theirs)
    mine["FTE"] = "0.8"
    refused = approver.post(url, mine)
    field = _fields(refused)["FTE"]
    assert refused.status_code == 409 and field["value"] == "0.8"
    assert "you changed it from ‘1’ to ‘0.8’, but sub301 changed it to ‘0.5’" in field["change"]
    assert _worker("SW300003")["FTE"] == "0.5"


def test_a_refused_delete_shows_the_record_now_and_asks_again(
    login: Callable[[str], Client],
) -> None:
    submitter, approver = login("submitter"), login("approver")
    upload(submitter, xml(_staff()))
    rid = record_id(4)
    confirm = approver.get(la_url("delete_worker", "301", rid))
    assert "delete worker SW300004?" in confirm.content.decode()
    form = _form(submitter, la_url("worker", "301", rid))
    form["FTE"] = "0.2"
    submitter.post(la_url("worker", "301", rid), form)
    refused = approver.post(la_url("delete_worker", "301", rid), {"base": "1"})
    page = refused.content.decode()
    assert refused.status_code == 409
    assert "The record was not deleted" in page and "save again" not in page
    assert "changed by sub301 in version 2 from ‘1’ to ‘0.2’" in page
    assert 'name="base" value="2"' in page and "Delete record" in page
    assert len(read(current().xml_bytes()).workers) == 7
    approver.post(la_url("delete_worker", "301", rid), {"base": "2"})
    assert current().description == "Deleted worker SW300004"


def test_a_refused_la_level_form_keeps_the_colleagues_figures(
    login: Callable[[str], Client],
) -> None:
    submitter, approver = login("submitter"), login("approver")
    upload(submitter, xml(_staff()))
    url = la_url("la_level")
    mine, theirs = _form(approver, url), _form(submitter, url)
    theirs["NumberOfVacancies"] = "3"
    assert submitter.post(url, theirs).status_code == 302
    mine["NoAgencyHeadcount"] = "2"
    refused = approver.post(url, mine)
    fields = _fields(refused)
    assert refused.status_code == 409
    assert (
        fields["NumberOfVacancies"]["value"] == "3" and fields["NoAgencyHeadcount"]["value"] == "2"
    )
    assert fields["NumberOfVacancies"]["change"] and fields["NoAgencyHeadcount"]["change"]
    la = read(current().xml_bytes()).la
    assert la is not None and la.values["NumberOfVacancies"] == "3"
    assert la.values["NoAgencyHeadcount"] == "1"


def test_a_restore_opened_before_a_colleagues_edit_is_refused(
    login: Callable[[str], Client],
) -> None:
    submitter, approver = login("submitter"), login("approver")
    upload(submitter, xml(_staff()))
    url = la_url("worker", "301", record_id(1))
    form = _form(submitter, url)
    form["FTE"] = "0.7"
    submitter.post(url, form)  # version 2
    page = approver.get(la_url("restore", "301", 1)).content.decode()
    assert 'name="base" value="2"' in page
    form = _form(submitter, url)
    form["Cases30"] = "20"
    submitter.post(url, form)  # version 3, after the restore page was opened
    refused = approver.post(la_url("restore", "301", 1), {"base": "2"})
    text = refused.content.decode()
    assert refused.status_code == 409 and "The version was not restored" in text
    assert "Version 3: Edited worker SW300001" in text  # what restoring would now undo
    assert current().number == 3 and _worker("SW300001")["Cases30"] == "20"
    assert approver.post(la_url("restore", "301", 1), {"base": "3"}).status_code == 302
    assert current().number == 4 and _worker("SW300001")["FTE"] == "1"


def test_an_approval_of_a_version_the_approver_has_not_seen_is_refused(
    login: Callable[[str], Client],
) -> None:
    submitter, approver, dfe = login("submitter"), login("approver"), login("dfe")
    upload(submitter, xml(_staff()))
    submitter.post(la_url("submit"), {"base": "1"})
    assert the_return().state == State.SUBMITTED
    page = approver.get(la_url("approve")).content.decode()
    assert 'name="base" value="1"' in page
    # Meanwhile DfE reopens it, the submitter changes it and submits again.
    dfe.post(f"/dfe/collections/{YEAR}/la/301/reopen/", {"reason": "Check FTEs", "base": "1"})
    url = la_url("worker", "301", record_id(1))
    form = _form(submitter, url)
    form["FTE"] = "0.4"
    submitter.post(url, form)
    submitter.post(la_url("submit"), {"base": "2"})
    assert the_return().state == State.SUBMITTED
    refused = approver.post(la_url("approve"), {"base": "1"}, follow=True)
    assert the_return().state == State.SUBMITTED
    assert "has changed since you opened this page" in refused.content.decode()
    assert 'name="base" value="2"' in refused.content.decode()  # the page as it is now
    approver.post(la_url("approve"), {"base": "2"})
    assert the_return().state == State.APPROVED


def test_the_approve_button_is_not_offered_to_the_person_who_submitted(
    people: dict[str, Any], login: Callable[[str], Client]
) -> None:
    from csww_portal.models import Membership, Role

    Membership.objects.filter(user=people["submitter"]).update(role=Role.LA_APPROVER)
    client = login("submitter")
    upload(client, xml(_staff()))
    submitted = client.post(la_url("submit"), {"base": "1"}, follow=True).content.decode()
    assert "Another approver in your local authority can now approve it." in submitted
    assert "Your approver can now approve it" not in submitted
    page = client.get(la_url("approve")).content.decode()
    assert "another person must approve it" in page and "Approve return</button>" not in page
    overview = client.get(la_url("overview")).content.decode()
    assert la_url("approve") not in overview  # not offered in the task list either


def test_loading_a_held_file_over_a_newer_version_asks_again(
    login: Callable[[str], Client],
) -> None:
    from csww_portal.models import Upload

    submitter, approver = login("submitter"), login("approver")
    upload(submitter, xml(_staff()))
    small = Return(header=make_header(YEAR, "301"), la=make_la(), workers=_staff().workers[:2])
    upload(submitter, xml(small), name="two.xml")
    held = Upload.objects.get(filename="two.xml")
    assert held.outcome == Upload.Outcome.HELD
    page = submitter.get(la_url("confirm_upload", "301", held.pk)).content.decode()
    assert 'name="base" value="1"' in page
    # A colleague changes the return before the submitter chooses.
    url = la_url("worker", "301", record_id(1))
    form = _form(approver, url)
    form["FTE"] = "0.3"
    approver.post(url, form)
    refused = submitter.post(
        la_url("confirm_upload", "301", held.pk), {"choice": "load", "base": "1"}, follow=True
    )
    assert "has changed since you opened this page" in refused.content.decode()
    assert current().number == 2 and Upload.objects.get(pk=held.pk).outcome == "held"
    assert 'name="base" value="2"' in refused.content.decode()  # asked again, as it is now
    submitter.post(la_url("confirm_upload", "301", held.pk), {"choice": "load", "base": "2"})
    assert current().number == 3 and current().workers == 2
