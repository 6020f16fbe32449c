"""The 903 front door on files: DfE's XML and the CSV set (data-to-insight's fake data, dirty
by design), year inference, reports by rule and by child, every issue naming child and item."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from csww.cla import report as render
from csww.cla.validate import validate, year_of
from csww.report.model import Report
from tests.cla.cla_frames import check, clean
from tests.paths import SHARED

FAKE = SHARED / "reference/ssda903/d2i_903/fake_data"


@pytest.fixture(scope="module")
def fake_xml() -> Report:
    return validate(FAKE / "fake_903.xml", la="202")


@pytest.fixture(scope="module")
def fake_csv(tmp_path_factory: pytest.TempPathFactory) -> Report:
    folder = tmp_path_factory.mktemp("csvset")
    for name in (
        "header",
        "episodes",
        "uasc",
        "reviews",
        "oc2",
        "oc3",
        "ad1",
        "missing",
        "placed_for_adoption",
        "previous_permanence",
    ):
        shutil.copy(FAKE / f"{name}.csv", folder / f"{name}.csv")
    return validate(folder, la="202", year=2018)


def test_fake_xml_is_read_and_its_year_inferred(fake_xml: Report) -> None:
    assert fake_xml.fatal is None
    assert fake_xml.year == 2019 and fake_xml.workers == 253
    assert fake_xml.counts["Episodes"] == 459
    assert any("from the episode dates" in n for n in fake_xml.notes)


def test_every_issue_names_child_table_and_item(fake_xml: Report, fake_csv: Report) -> None:
    for report in (fake_xml, fake_csv):
        assert report.issues
        for issue in report.issues:
            if issue.rule == "file":
                continue
            assert issue.subject and issue.table and issue.field and issue.record, issue


def test_dirty_fake_data_raises_the_expected_families(fake_csv: Report) -> None:
    rules = set(fake_csv.counts_by_rule())
    # Random codes and chains: the chain, provider and URN rules fire; postcodes are random.
    assert {"433", "434", "435", "436", "222", "527", "392b"} <= rules
    # No previous year and no URN list: those rules are listed, not silently skipped.
    not_run = {n.rule for n in fake_csv.not_run}
    assert {"502", "503A", "1008", "219"} <= not_run


def test_fake_csv_first_episode_issue_locates_the_line(fake_csv: Report) -> None:
    episode_issues = [i for i in fake_csv.issues if i.table == "Episodes"]
    assert all(i.line and i.line >= 2 for i in episode_issues)


def test_views_by_rule_and_by_child(fake_xml: Report) -> None:
    rules = render.by_rule(fake_xml)
    assert sum(e["issues"] for e in rules) == len(fake_xml.issues)
    children = render.by_child(fake_xml)
    assert sum(e["errors"] + e["queries"] for e in children) == len(fake_xml.issues)
    assert all(e["child"] for e in children)


def test_json_csv_html_text_xlsx(fake_xml: Report, tmp_path: Path) -> None:
    data = json.loads(render.to_json(fake_xml))
    for key in (
        "valid",
        "errors",
        "queries",
        "year",
        "la",
        "source",
        "fatal",
        "notes",
        "issues",
        "not_run",
        "by_rule",
        "by_child",
        "counts",
    ):
        assert key in data
    assert data["issues"][0]["child"]
    text = render.to_csv(fake_xml)
    assert text.startswith("\ufeffrule,severity,child,table,record,item")
    assert len(text.strip().splitlines()) == len(fake_xml.issues) + 1
    html = render.to_html(fake_xml)
    assert "By child" in html and "Rules not run" in html
    assert "By rule:" in render.to_text(fake_xml)
    from openpyxl import load_workbook

    render.write_xlsx(fake_xml, tmp_path / "r.xlsx")
    book = load_workbook(tmp_path / "r.xlsx")
    assert book.sheetnames == ["Issues", "By rule", "By child", "Not run"]
    assert book["Issues"].max_row == len(fake_xml.issues) + 1


def test_unreadable_input_is_fatal_with_a_message(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text("<EXPSSDA903><CHILD>", encoding="utf-8")
    report = validate(bad, la="202")
    assert report.fatal is not None and not report.valid and report.issues == []
    assert validate(tmp_path / "missing.xml", la="202").fatal is not None


def test_year_outside_the_spec_is_refused_not_crashed() -> None:
    from tests.cla.cla_frames import tables

    report = validate(tables(clean(2025), 2025), la="202", year=2014)
    assert report.fatal is not None and "2014" in report.fatal.message


def test_a_return_that_does_not_show_its_year_is_refused_unless_given() -> None:
    from tests.cla.cla_frames import tables

    rows = clean(2025)
    for episode in rows["Episodes"]:
        episode["DECOM"], episode["DEC"] = "", ""
    refused = validate(tables(rows, 2025), la="202")
    assert refused.fatal is not None and refused.issues == []
    assert "--year" in refused.fatal.message and "DECOM" in refused.fatal.message
    given = validate(tables(rows, 2025), la="202", year=2025)
    assert given.fatal is None and given.year == 2025


def test_year_of_reads_the_latest_episode_date() -> None:
    from tests.cla.cla_frames import tables

    assert year_of(tables(clean(2022), 2022)) == 2022


def test_issue_carries_the_item_label_and_rule_source() -> None:
    rows = clean(2025)
    rows["Header"][0]["ETHNIC"] = "XXXX"
    report = check(rows, 2025)
    issue = json.loads(render.to_json(report))["issues"][0]
    assert (issue["rule"], issue["child"], issue["field"], issue["item"]) == (
        "103",
        "C1",
        "ETHNIC",
        "Ethnic origin",
    )
    assert issue["guide"] and "103" in issue["guide"]
