"""The portal takes the core's decisions, not its own: the kind a file's name claims (read
by :func:`csww.inputs.claimed_kind`, then matched with its content) and the collection year
(:func:`csww.inputs.decide_year` with the collection's year, as ``csww validate --year``).
So the same file gets the same year and the same issues on the command line and in the
portal, and a file of another year is refused by both."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.test import Client

from csww.cli.main import cli
from csww.inputs import kind_of
from csww.model import Return
from csww.sheets.convert import write_csv_dir, write_workbook
from csww.writer import write
from csww_portal.models import Upload
from csww_portal.services.formats import sniff
from tests.factories import make_return, make_worker
from tests.portal.conftest import YEAR, the_return, upload


def _with_an_error() -> Return:
    return make_return(
        [make_worker("inpost", YEAR, Ethnicity="XXXX"), make_worker("leaver", YEAR)],
        year=YEAR,
        lea="301",
    )


@pytest.mark.parametrize("name", ["r.xml", "r.xlsx", "workers.csv"])
def test_the_portal_and_the_core_tell_a_files_kind_alike(tmp_path: Path, name: str) -> None:
    ret = _with_an_error()
    path = tmp_path / name
    if name.endswith(".xml"):
        write(ret, path)
    elif name.endswith(".xlsx"):
        write_workbook(ret, path)
    else:
        write_csv_dir(ret, tmp_path)
    assert sniff(path.read_bytes(), name) == kind_of(path)


def test_a_return_that_gives_no_year_is_checked_as_the_collections_year_by_both(
    login: Callable[[str], Client], tmp_path: Path
) -> None:
    ret = _with_an_error()
    del ret.header.values["Year"]
    path = tmp_path / "no-year.xml"
    write(ret, path)
    by_cli = CliRunner().invoke(
        cli, ["validate", str(path), "--year", str(YEAR), "--format", "json"]
    )
    checked = json.loads(by_cli.stdout)
    assert checked["year"] == YEAR and checked["fatal"] is None

    upload(login("submitter"), path.read_bytes(), name="no-year.xml")
    current = the_return().current
    assert current is not None
    assert Counter(i["rule"] for i in current.report["issues"]) == Counter(
        i["rule"] for i in checked["issues"]
    )
    assert checked["errors"] >= 1  # the unknown ethnicity code, found by both


def test_a_return_of_another_year_is_refused_by_both(
    login: Callable[[str], Client], tmp_path: Path
) -> None:
    path = tmp_path / "next-year.xml"
    write(make_return(year=YEAR + 1, lea="301"), path)
    by_cli = CliRunner().invoke(cli, ["validate", str(path), "--year", str(YEAR)])
    assert by_cli.exit_code == 2
    assert f"says it is the {YEAR + 1} return, but the {YEAR} collection" in by_cli.output

    upload(login("submitter"), path.read_bytes(), name="next-year.xml")
    stored = Upload.objects.get(filename="next-year.xml")
    assert stored.outcome == Upload.Outcome.REFUSED
    assert f"says it is the {YEAR + 1} return, but this is the {YEAR} collection" in stored.message
    assert the_return().current is None
