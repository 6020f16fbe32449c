"""``csww flows`` on the hand-written returns: files written, figures as worked out, clear
messages for bad input."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from csww.cli.main import cli
from csww.writer import write
from tests.flows.scenario import SALT, returns_2020, returns_2021


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("returns")
    for ret in returns_2020() + returns_2021():
        write(ret, out / f"csww_{ret.year}_{ret.lea}.xml")
    return out


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.output


def read(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_attrition_movement_retention_and_continuity(folder: Path, tmp_path: Path) -> None:
    att, mov, ret, cont = (tmp_path / n for n in ("a.csv", "m.csv", "r.csv", "c.csv"))
    code, out = run(
        "flows",
        str(folder),
        "-o",
        str(att),
        "--year",
        "2021",
        "--movement",
        str(mov),
        "--la",
        "301",
        "--retention",
        str(ret),
        "--continuity",
        str(cont),
        "--matrix",
        str(tmp_path / "x.csv"),
    )
    assert code == 0, out
    rows = read(att)
    assert {r["old_la_code"] for r in rows} == {"301"}  # the LA's own view
    total = next(r for r in rows if r["breakdown_topic"] == "Total")
    assert (total["leavers_fte"], total["attrition_fte"]) == ("3.8", "c")
    assert {r["la_code"] for r in read(mov)} == {"301"}
    # The LA's own row of the matrix, unsuppressed in its own view.
    assert [(r["from_la_code"], r["302"], r["not found"]) for r in read(tmp_path / "x.csv")] == [
        ("301", "1", "2")
    ]
    assert (tmp_path / "r.html").read_text().startswith("<!DOCTYPE html>")
    assert sorted(r["rule"] for r in read(cont)) == ["720Q", "721Q", "725Q"]
    assert "720Q: 1" in out and "Continuity of csww_2021_301.xml against csww_2020_301.xml" in out


def test_national_figures_to_the_screen(folder: Path) -> None:
    code, out = run("flows", str(folder), "--year", "2021", "--no-suppress")
    assert code == 0
    national = next(r for r in csv.DictReader(io.StringIO(out.split("Note:")[0])))
    assert (national["geographic_level"], national["attrition_rate"]) == ("National", "51.6")


def test_a_kept_store_needs_a_salt_and_is_reused(folder: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "flows.duckdb")
    code, out = run("flows", str(folder), "--store", db, env={"CSWW_SALT": ""})
    assert code == 2 and "no usable salt" in out
    salt = tmp_path / "salt"
    salt.write_bytes(SALT)
    assert run("flows", str(folder), "--store", db, "--salt-file", str(salt))[0] == 0
    code, out = run("flows", "--store", db, "--salt-file", str(salt), "--year", "2021")
    assert code == 0 and "2021,Reporting year,National" in out


def test_bad_input_gets_a_message_not_a_traceback(folder: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text("<Message><Header>", encoding="utf-8")
    code, out = run("flows", str(bad))
    assert code == 2 and "bad.xml" in out and "Traceback" not in out
    code, out = run("flows", str(folder), "--retention", str(tmp_path / "r.csv"))
    assert code == 2 and "--la" in out
    code, out = run("flows", str(folder), "--la", "999")
    assert code == 2 and "no return for LA 999" in out
    code, out = run("flows", str(folder), "--year", "2019")
    assert code == 2 and "no returns for 2019" in out
    only_2021 = tmp_path / "one"
    only_2021.mkdir()
    write(returns_2021()[0], only_2021 / "r.xml")
    code, out = run("flows", str(only_2021), "--la", "301", "--continuity", str(tmp_path / "c.csv"))
    assert code == 2 and "give the LA's 2020 return too" in out


def test_synth_writes_linked_years_that_flows_reads(tmp_path: Path) -> None:
    code, out = run(
        "synth",
        "--year",
        "2020",
        "--la",
        "301",
        "--la",
        "302",
        "--linked-years",
        "1",
        "-o",
        str(tmp_path),
    )
    assert code == 0, out
    assert sorted(p.name for p in tmp_path.glob("*.xml")) == [
        "csww_2020_301.xml",
        "csww_2020_302.xml",
        "csww_2021_301.xml",
        "csww_2021_302.xml",
    ]
    code, out = run("flows", str(tmp_path), "--year", "2021", "--no-suppress")
    assert code == 0, out
    national = next(csv.DictReader(io.StringIO(out.split("Note:")[0])))
    # Linked people: some of 2021's leavers are found in post or in agency work.
    assert float(national["moved_fte"]) + float(national["attrition_into_agency_fte"]) > 0


def test_quality_flags_and_the_national_layout(folder: Path, tmp_path: Path) -> None:
    """As 'csww stats': --quality-flags takes 'dfe' or a CSV; an LA whose leavers are flagged
    is u and out of England's figures. --national writes DfE's national-only layout."""
    flags = tmp_path / "flags.csv"
    flags.write_text("la_code,year,indicator\n301,2021,leavers_fte\n", encoding="utf-8")
    national = tmp_path / "national.csv"
    code, out = run(
        "flows",
        str(folder),
        "--year",
        "2021",
        "--no-suppress",
        "--quality-flags",
        str(flags),
        "--national",
        str(national),
    )
    assert code == 0, out
    (row,) = read(national)
    assert (row["inpost_fte"], row["total_attrition_fte"], row["movers_las_fte"]) == (
        "3.9",
        "1.5",
        "0",
    )
    assert "flagged u" in out
    code, out = run("flows", str(folder), "--quality-flags", str(tmp_path / "none.csv"))
    assert code == 2 and "is not a file" in out and "Traceback" not in out
