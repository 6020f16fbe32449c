"""``csww cla synth``, ``template``, ``convert``, ``generate``, ``pseudonymise`` and ``urns``
from the command line."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from csww.cli.main import cli


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.output


def test_synth_then_convert_round_trip_then_pseudonymise(tmp_path: Path) -> None:
    out = tmp_path / "r.xml"
    code, text = run(
        "cla",
        "synth",
        "--la",
        "942",
        "--year",
        "2025",
        "--seed",
        "1",
        "--children",
        "40",
        "-o",
        str(out),
        "--previous",
        str(tmp_path / "prev.xml"),
        "--urn-list",
        str(tmp_path / "urns.csv"),
    )
    assert code == 0, text
    assert "942 Cumberland: 40 children" in text
    assert (tmp_path / "prev.xml").stat().st_size > 0
    code, text = run("cla", "urns", str(tmp_path / "urns.csv"))
    assert code == 0 and "URN list (csww's plain CSV)" in text
    code, text = run("cla", "convert", str(out), "-o", str(tmp_path / "r.xlsx"), "--year", "2025")
    assert code == 0, text
    code, text = run(
        "cla", "convert", str(tmp_path / "r.xlsx"), "-o", str(tmp_path / "set"), "--year", "2025"
    )
    assert code == 0, text
    code, text = run("cla", "generate", str(tmp_path / "set"), "-o", str(tmp_path / "back.xml"))
    assert code == 0, text
    assert (tmp_path / "back.xml").read_bytes() == out.read_bytes()
    code, text = run(
        "cla",
        "pseudonymise",
        str(out),
        "-o",
        str(tmp_path / "p.xml"),
        env={"CSWW_SALT": "0123456789abcdef0123456789"},
    )
    assert code == 0, text
    shared = (tmp_path / "p.xml").read_text()
    assert "<CHILDID>942" not in shared and "<CHILDID>P" in shared


def test_mistakes_get_a_message_not_a_traceback(tmp_path: Path) -> None:
    code, text = run("cla", "synth", "--la", "999", "-o", str(tmp_path / "x.xml"))
    assert code == 2 and "not a DfE LA code" in text
    code, text = run("cla", "template", "--year", "1999", "-o", str(tmp_path / "t.xlsx"))
    assert code == 2 and "no 903 specification for 1999" in text
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<EXPSSDA903><CHILD>")
    code, text = run("cla", "convert", str(bad), "-o", str(tmp_path / "o.xlsx"))
    assert code == 2 and "cannot be read" in text and "cut short" in text
    code, text = run(
        "cla", "pseudonymise", str(bad), "-o", str(tmp_path / "p.xml"), env={"CSWW_SALT": ""}
    )
    assert code == 2 and "no usable salt" in text


def test_template_writes_the_years_workbook(tmp_path: Path) -> None:
    code, text = run("cla", "template", "--year", "2026", "-o", str(tmp_path / "t.xlsx"))
    assert code == 0 and "903 workbook for 2026" in text
    assert (tmp_path / "t.xlsx").read_bytes()[:2] == b"PK"
