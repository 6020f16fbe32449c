"""Ordinary mistakes on the command line are the user's to put right: exit 2 with what to do
next, never "an internal fault" (exit 3), and nothing overwrites its own input."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from csww import write
from csww.cli.main import cli, main
from csww.sheets.template import build_workbook
from csww.spec import load_spec
from tests.factories import make_return
from tests.paths import SAMPLES

SAMPLE = SAMPLES / "csww-2022-sample.xml"
SALT = "0123456789abcdef0123456789abcdef"


def run_main(
    args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    """Run ``csww`` as the console script does (with its last-resort handler)."""
    monkeypatch.setattr("sys.argv", ["csww", *args])
    monkeypatch.delenv("CSWW_DEBUG", raising=False)
    with pytest.raises(SystemExit) as stop:
        main()
    captured = capsys.readouterr()
    return int(stop.value.code or 0), captured.out + captured.err


def test_an_output_folder_that_does_not_exist_is_a_user_mistake(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "no-such-folder" / "report.html"
    code, out = run_main(
        ["validate", str(SAMPLE), "--format", "html", "-o", str(target)], monkeypatch, capsys
    )
    assert code == 2
    assert "internal fault" not in out
    assert "does not exist" in out and "mkdir -p" in out


def test_a_busy_port_is_refused_before_serving(capsys: pytest.CaptureFixture[str]) -> None:
    from csww.cli.serve import check_port

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        with pytest.raises(SystemExit) as stop:
            check_port("127.0.0.1", port)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert f"port {port}" in err and "--port" in err and "Serving" not in err


def test_synth_to_a_file_name_writes_that_file(tmp_path: Path) -> None:
    target = tmp_path / "r.xml"
    result = CliRunner().invoke(cli, ["synth", "--year", "2018", "--la", "201", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.is_file() and target.read_bytes().lstrip().startswith(b"<")
    several = CliRunner().invoke(
        cli,
        ["synth", "--year", "2018", "--la", "201", "--la", "202", "-o", str(tmp_path / "x.xml")],
    )
    assert several.exit_code == 2 and "give a folder" in several.output


def test_pseudonymise_never_overwrites_its_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "return.xml"
    write(make_return(), source)
    before = source.read_bytes()
    monkeypatch.setenv("CSWW_SALT", SALT)
    result = CliRunner().invoke(cli, ["pseudonymise", str(source), "-o", str(source)])
    assert result.exit_code == 2
    assert "overwrite the original" in result.output
    assert source.read_bytes() == before


def test_pseudonymise_and_stats_speak_rightly_of_a_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workbook = tmp_path / "filled.xlsx"
    from csww.sheets.convert import write_workbook

    write_workbook(make_return(), workbook)
    monkeypatch.setenv("CSWW_SALT", SALT)
    copy = tmp_path / "copy.xml"
    done = CliRunner().invoke(cli, ["pseudonymise", str(workbook), "-o", str(copy)])
    assert done.exit_code == 0, done.output
    assert copy.read_bytes().lstrip().startswith(b"<")
    stats = CliRunner().invoke(cli, ["stats", str(workbook)])
    assert stats.exit_code == 2
    assert "its own extension" not in stats.output
    assert "csww generate" in stats.output


def test_a_folder_of_the_templates_csv_files_is_one_return(tmp_path: Path) -> None:
    from csww.sheets.convert import write_csv_dir

    write_csv_dir(make_return(), tmp_path / "csv")
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "csv")])
    assert "3 returns" not in result.output
    assert result.output.startswith(f"{tmp_path / 'csv'}: LA ")


def test_an_uploaded_sheet_is_named_as_the_user_named_it(tmp_path: Path) -> None:
    from csww.sheets.rows import SheetError
    from csww.sheets.validate import read_sheet

    wb = build_workbook(load_spec(2018))[0]
    wb["Workers"].title = "Staff"
    temporary = tmp_path / "return.xlsx"
    wb.save(temporary)
    with pytest.raises(SheetError) as refused:
        read_sheet(temporary, name="HR March.xlsx", portal=True)
    assert "HR March.xlsx" in refused.value.message
    assert "return.xlsx" not in refused.value.message
    assert "csww " not in refused.value.message
    with pytest.raises(SheetError) as on_the_command_line:
        read_sheet(temporary)
    assert "return.xlsx" in on_the_command_line.value.message
    assert "'csww template'" in on_the_command_line.value.message


def test_a_port_left_in_time_wait_by_a_stopped_portal_is_free(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Restarting the demo within a minute: the stopped server's connections linger in
    TIME-WAIT on its port, which the server itself (SO_REUSEADDR) may bind again."""
    from csww.cli.serve import check_port

    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        client = socket.create_connection(("127.0.0.1", port))
        accepted, _ = server.accept()
        accepted.close()  # the server closes first: its side of the connection is in TIME-WAIT
        client.close()
    with socket.socket() as plain, pytest.raises(OSError):
        plain.bind(("127.0.0.1", port))  # what the probe used to do, and wrongly refused
    check_port("127.0.0.1", port)  # no SystemExit
    assert "in use" not in capsys.readouterr().err


TOKEN = [sys.executable, "-c", "from csww.cli.main import main; main()", "token"]


def _token(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "CSWW_PORTAL_DB", "SECRET_KEY", "DJANGO_SETTINGS_MODULE")
    }
    return subprocess.run(
        [*TOKEN, *args],
        cwd=cwd,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_csww_token_without_a_portal_database_says_where_to_run_it(tmp_path: Path) -> None:
    done = _token(tmp_path, "la.submitter")
    assert done.returncode == 2, done.stderr
    assert "no portal database at var/portal.sqlite3" in done.stderr
    assert "where 'csww serve' or 'csww demo' runs" in done.stderr
    assert "internal fault" not in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "var").exists()  # no empty database left behind
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "portal.sqlite3").touch()  # a database never set up
    done = _token(tmp_path, "la.submitter")
    assert done.returncode == 2 and "has no portal tables yet" in done.stderr, done.stderr


def test_csww_token_works_in_the_demos_folder_with_nothing_set(tmp_path: Path) -> None:
    """As docs/portal.md says: `csww token USERNAME`, with no SECRET_KEY and no database
    setting, where `csww demo` runs (its database, var/demo.sqlite3, set up here as the demo
    sets it up, with one demo user)."""
    setup = (
        "import django; from django.core.management import call_command;"
        "django.setup(); call_command('migrate', verbosity=0);"
        "from django.contrib.auth import get_user_model;"
        "get_user_model().objects.create_user('la.submitter')"
    )
    (tmp_path / "var").mkdir()
    made = subprocess.run(
        [sys.executable, "-c", setup],
        cwd=tmp_path,
        env=os.environ
        | {
            "DJANGO_SETTINGS_MODULE": "csww_portal.settings",
            "CSWW_PORTAL_DB": str(tmp_path / "var" / "demo.sqlite3"),
            "CSWW_PORTAL_EPHEMERAL_KEY": "1",
        },
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    done = _token(tmp_path, "la.submitter")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("csww_") and "demo's database" in done.stderr
    assert not (tmp_path / "var" / "portal.sqlite3").exists()
    listed = _token(tmp_path, "la.submitter", "--list")
    assert listed.returncode == 0 and done.stdout[:11] in listed.stdout
    nobody = _token(tmp_path, "nobody")
    assert nobody.returncode == 2 and "no user called 'nobody'" in nobody.stderr


def test_a_folder_of_returns_leaves_out_what_csww_itself_wrote_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A data manager writes the issue report, the highlighted workbook and the statistics
    beside the returns, then checks the folder again: those are not returns."""
    folder = tmp_path / "returns"
    folder.mkdir()
    write(make_return(), folder / "r.xml")
    for args in (
        ["validate", str(folder / "r.xml"), "--format", "csv", "-o", str(folder / "issues.csv")],
        ["validate", str(folder / "r.xml"), "--format", "xlsx", "-o", str(folder / "m.xlsx")],
        ["stats", str(folder / "r.xml"), "-o", str(folder / "stats.csv")],
    ):
        assert CliRunner().invoke(cli, args).exit_code in (0, 1)
    (folder / "retention.csv").write_text("area,area_code,cohort,years_after\n", encoding="utf-8")
    (folder / "continuity.csv").write_text("rule,note,guide_section\n", encoding="utf-8")
    (folder / "all.csv").write_text(
        CliRunner()
        .invoke(cli, ["validate", str(folder / "r.xml"), str(SAMPLE), "--format", "csv"])
        .output,
        encoding="utf-8",
    )
    code, out = run_main(["validate", str(folder)], monkeypatch, capsys)
    assert code == 0, out
    assert "1 return: 1 without errors, 0 to fix" in out and "not checked" not in out
    for name, what in (
        ("issues.csv", "a csww issue report"),
        ("all.csv", "a csww issue report"),
        ("m.xlsx", "a highlighted workbook"),
        ("stats.csv", "statistics"),
        ("retention.csv", "statistics"),
        ("continuity.csv", "a csww continuity report"),
    ):
        assert f"Left out {folder / name}: {what}" in out


def test_an_empty_csv_file_is_told_it_is_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "workers.csv"
    empty.write_bytes(b"")
    for extra in ([], ["--year", "2025"]):
        code, out = run_main(["validate", str(empty), *extra], monkeypatch, capsys)
        assert code == 2 and "workers.csv is empty (0 bytes)" in out, out
        assert "--year" not in out and "not one of the template's CSV files" not in out
    other = tmp_path / "export.csv"
    other.write_text("name,salary\nA,1\n", encoding="utf-8")
    code, out = run_main(["validate", str(other)], monkeypatch, capsys)
    assert code == 2 and "not one of the template's CSV files" in out and "--year" not in out


def test_a_year_mismatch_is_not_called_unreadable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "r.xml"
    write(make_return(year=2018), path)
    code, out = run_main(["validate", str(path), "--year", "2019"], monkeypatch, capsys)
    assert code == 2
    assert out.startswith(f"{path}: not checked.") and "cannot be read" not in out
    assert "says it is the 2018 return" in out


@pytest.mark.parametrize(
    "args",
    [
        ["template", "-o", "{tmp}/no-such-folder/t.xlsx"],
        ["generate", "{csv}", "-o", "{tmp}/no-such-folder/r.xml"],
        ["convert", "{xml}", "-o", "{tmp}/no-such-folder/r.xlsx"],
    ],
    ids=["template", "generate", "convert"],
)
def test_writing_into_a_folder_that_does_not_exist_says_what_to_do(
    args: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from csww.sheets.convert import write_csv_dir

    write(make_return(year=2018), tmp_path / "r.xml")
    write_csv_dir(make_return(year=2018), tmp_path / "csv")
    filled = [a.format(tmp=tmp_path, csv=tmp_path / "csv", xml=tmp_path / "r.xml") for a in args]
    code, out = run_main(filled, monkeypatch, capsys)
    assert code == 2, out
    assert f"the folder {tmp_path / 'no-such-folder'} does not exist" in out
    assert f"mkdir -p {tmp_path / 'no-such-folder'}" in out


def test_a_note_that_names_its_source_is_not_given_a_second_one() -> None:
    from csww.spec import available_years

    for year in available_years():
        for note in load_spec(year).notes:
            assert note.count("(source:") <= 1, (year, note)


def test_help_names_the_years_from_the_specification_and_files_as_files() -> None:
    from csww.spec import available_years

    years = available_years()
    synth = CliRunner().invoke(cli, ["synth", "--help"], terminal_width=200).output
    assert f"Collection year, {years[0]} to {years[-1]}" in " ".join(synth.split())
    stats = " ".join(
        CliRunner().invoke(cli, ["stats", "--help"], terminal_width=200).output.split()
    )
    assert (
        "--pay-csv, --pay FILE.csv" in stats and "--breakdowns-csv, --breakdowns FILE.csv" in stats
    )


def test_csww_worker_without_a_portal_database_says_where_to_run_it(tmp_path: Path) -> None:
    done = subprocess.run(
        [*TOKEN[:-1], "worker", "--batch"],
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CSWW_PORTAL_DB")}
        | {"SECRET_KEY": "worker-test-" + "x" * 40},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "Run 'csww worker' in the folder where 'csww serve'" in done.stderr
    assert "internal fault" not in done.stderr and not (tmp_path / "var").exists()
