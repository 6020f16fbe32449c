"""The CLI is a thin edge: its JSON is the library's report, its exit codes are documented."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from csww import validate, write
from csww.cli.main import cli
from tests.factories import make_return, make_worker
from tests.paths import SAMPLES

SAMPLE = SAMPLES / "csww-2022-sample.xml"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_cli_json_equals_library_report() -> None:
    code, out = run("validate", str(SAMPLE), "--format", "json")
    assert code == 1
    assert json.loads(out) == json.loads(json.dumps(validate(SAMPLE).as_dict(), default=str))


def test_json_top_level_layout() -> None:
    data = json.loads(run("validate", str(SAMPLE), "--format", "json")[1])
    assert {"valid", "errors", "queries", "issues"} <= data.keys()
    assert data["valid"] is False
    assert data["errors"] == sum(i["severity"] == "error" for i in data["issues"])
    assert set(data["issues"][0]) == {
        "rule",
        "severity",
        "message",
        "worker",
        "record",
        "field",
        "value",
        "line",
        "cell",
        "item",
        "guide",
        "subject",
        "table",
    }
    gender = next(i for i in data["issues"] if i["field"] == "GenderCurrent")
    assert gender["item"] == "Gender" and gender["guide"]


def test_exit_zero_when_only_queries(tmp_path: Path) -> None:
    ret = make_return(year=2018)
    ret.workers.append(make_worker("inpost", 2018, SWENo="SW555", Cases30="45"))  # 519Q only
    path = tmp_path / "r.xml"
    write(ret, path)
    code, out = run("validate", str(path))
    assert code == 0, out
    assert "519Q" in out and "0 errors" not in out and "no errors" in out


def test_exit_one_on_errors_and_two_when_unreadable(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<Message><Header>")
    code, out = run("validate", str(bad))
    assert code == 2
    assert "not checked" in out and "line 1" in out
    assert run("validate", str(SAMPLE))[0] == 1


def test_csv_report_and_output_file(tmp_path: Path) -> None:
    target = tmp_path / "issues.csv"
    code, _ = run("validate", str(SAMPLE), "--format", "csv", "-o", str(target))
    assert code == 1
    # A byte-order mark, so that Excel reads the file as UTF-8 ("–", not "â€“").
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert len(rows) == len(validate(SAMPLE).issues)
    assert rows[0]["rule"] and rows[0]["severity"] in ("error", "query")


def test_csv_neutralises_formulas() -> None:
    from csww.report.render import safe_cell

    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("-1.5") == "-1.5"
    assert safe_cell("SW123") == "SW123"


def test_html_report_is_self_contained(tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    run("validate", str(SAMPLE), "--format", "html", "-o", str(target))
    page = target.read_text()
    assert "<script" not in page and "http://" not in page and "https://" not in page
    assert "Issues by rule" in page and "Issues by worker" in page
    assert 'class="tag error"' in page and 'class="tag query"' in page
    assert "f-error" in page  # errors/queries filter


def test_rules_command_lists_registry() -> None:
    from csww.rules import RULES

    code, out = run("rules", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["id"] for r in rows] == [r.id for r in RULES]


def test_rules_for_year_differ() -> None:
    ids_2017 = {
        line.split()[0] for line in run("rules", "--year", "2017")[1].splitlines()[:-2] if line
    }
    ids_2018 = {
        line.split()[0] for line in run("rules", "--year", "2018")[1].splitlines()[:-2] if line
    }
    assert "514Q" in ids_2017 and "514Q" not in ids_2018
    assert "513" in ids_2018 and "513" not in ids_2017


def test_several_returns_get_a_line_each_and_the_worst_exit_code(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.xml", tmp_path / "broken.xml"
    write(make_return(), good)
    bad.write_bytes(b"<Message><Header>")
    code, out = run("validate", str(good), str(SAMPLE))
    assert code == 1
    assert (
        "good.xml" in out and "0 errors" in out and "2 returns: 1 without errors, 1 to fix" in out
    )
    code, out = run("validate", str(tmp_path))
    assert code == 2 and "broken.xml  not checked" in out


def test_several_returns_as_json_and_csv(tmp_path: Path) -> None:
    good = tmp_path / "good.xml"
    write(make_return(), good)
    code, out = run("validate", str(good), str(SAMPLE), "--format", "json")
    data = json.loads(out)
    assert code == 1 and data["valid"] is False and len(data["returns"]) == 2
    assert data["errors"] == validate(SAMPLE).errors
    code, out = run("validate", str(good), str(SAMPLE), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["file"] for r in rows} == {str(SAMPLE)} and len(rows) == len(validate(SAMPLE).issues)


def test_html_takes_one_return_at_a_time(tmp_path: Path) -> None:
    code, out = run("validate", str(SAMPLE), str(SAMPLE), "--format", "html")
    assert code == 2 and "one return at a time" in out


def test_previous_year_applies_to_spreadsheet_returns_too(tmp_path: Path) -> None:
    last, workbook = tmp_path / "2017.xml", tmp_path / "2018.xlsx"
    write(make_return(year=2017), last)
    this_year = make_return(year=2018)
    del this_year.workers[0]  # the worker in post last year is neither in post nor a leaver
    source = tmp_path / "2018.xml"
    write(this_year, source)
    assert run("convert", str(source), "-o", str(workbook))[0] == 0
    code, out = run("validate", str(workbook), "--previous", str(last))
    assert code == 0 and "720Q" in out, out  # a query: the return still has no errors


def test_an_internal_fault_is_a_message_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import csww.cli.validate as command
    from csww.cli.main import main

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(command, "validate_path", broken)
    monkeypatch.setattr("sys.argv", ["csww", "validate", str(SAMPLE)])
    monkeypatch.delenv("CSWW_DEBUG", raising=False)
    with pytest.raises(SystemExit) as stop:
        main()
    assert stop.value.code == 3
    err = capsys.readouterr().err
    assert "internal fault (RuntimeError: disk on fire)" in err and "Traceback" not in err
