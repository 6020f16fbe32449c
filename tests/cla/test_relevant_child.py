"""Rule 1001 says which of its reasons applies, and 187 names the tables that hold the
information; 1001 is not run without last year's return."""

from __future__ import annotations

import pytest

from tests.cla.cla_frames import check, clean, last_year
from tests.cla.test_rules_cases import EP_C6, EP_C6_NOW, OC3_C6


def _messages(
    rule: str,
    rows_edit: dict[str, list[dict[str, str | None]]],
    prev_eps: list[dict[str, str | None]],
) -> list[str]:
    rows = clean(2025)
    for table, extra in rows_edit.items():
        rows[table].extend(extra)
    last = last_year(2025)
    last["Episodes"].extend(prev_eps)
    report = check(rows, 2025, previous=last)
    return [i.message for i in report.issues if i.rule == rule]


@pytest.mark.parametrize(
    ("oc3", "now", "before", "reason"),
    [
        (OC3_C6, [], [EP_C6], "Neither return shows care on or after their 16th birthday."),
        (
            dict(OC3_C6, DOB="01/06/2006"),
            [],
            [dict(EP_C6, PLACE="A6", PLACE_PROVIDER="PR5", REC="E11")],
            "The young person's last episode ended in adoption.",
        ),
        (
            dict(OC3_C6, DOB="01/03/2009"),
            [EP_C6_NOW],
            [],
            "They were looked after for under 13 weeks since their 14th birthday.",
        ),
    ],
)
def test_1001_says_why(
    oc3: dict[str, str | None],
    now: list[dict[str, str | None]],
    before: list[dict[str, str | None]],
    reason: str,
) -> None:
    messages = _messages("1001", {"OC3": [oc3], "Episodes": now}, before)
    assert len(messages) == 1 and messages[0].endswith(reason), messages


def test_1001_is_not_run_without_last_year() -> None:
    report = check(clean(2025) | {"OC3": [OC3_C6]}, 2025, previous=None)
    assert not [i for i in report.issues if i.rule == "1001"]
    reasons = {n.rule: n.reason for n in report.not_run}
    assert "--previous" in reasons["1001"]


def test_187_names_both_tables() -> None:
    ad1 = {
        "CHILD": "C1",
        "DOB": "01/06/2015",
        "DATE_INT": "01/01/2024",
        "DATE_MATCH": "01/02/2024",
        "FOSTER_CARE": "0",
        "NB_ADOPTR": "1",
        "SEX_ADOPTR": "F1",
        "LS_ADOPTR": "L0",
    }
    oc3 = {"CHILD": "C1", "DOB": "01/06/2015", "IN_TOUCH": "YES", "ACTIV": "F2", "ACCOM": "D1"}
    rows = clean(2025)
    rows["AD1"].append(ad1)
    rows["OC3"].append(oc3)
    issues = [i for i in check(rows, 2025).issues if i.rule == "187"]
    assert [(i.subject, i.table, i.field) for i in issues] == [("C1", "Header", "CHILD")]
    assert issues[0].message.endswith("Found in: AD1, OC3.")
