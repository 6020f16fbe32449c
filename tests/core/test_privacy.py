"""Pseudonymised copies: stable keyed pseudonyms, coarsened dates, nothing else changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from csww import read, write
from csww.cli.main import cli
from csww.privacy import SaltError, pseudonym, pseudonymise
from tests.factories import make_return, make_worker

SALT = b"0123456789abcdef-secret"


def test_pseudonym_is_stable_keyed_and_not_the_number() -> None:
    a = pseudonym("SW123456", SALT)
    assert a == pseudonym("sw123456 ", SALT)
    assert a != pseudonym("SW123457", SALT)
    assert a != pseudonym("SW123456", SALT + b"x")
    assert "123456" not in a and a.startswith("PX") and len(a) == 22


def test_short_or_missing_salt_is_refused() -> None:
    with pytest.raises(SaltError):
        pseudonym("SW1", b"short")


def test_copy_hides_personal_data_and_keeps_the_rest() -> None:
    ret = make_return()
    ret.workers.append(make_worker("inpost", SWENo="SW424242", PersonBirthDate="1979-12-31"))
    copy = pseudonymise(ret, SALT, keep_ethnicity=False)
    assert ret.workers[-1].values["SWENo"] == "SW424242"  # original untouched
    shared = copy.workers[-1].values
    assert shared["SWENo"] == pseudonym("SW424242", SALT)
    assert shared["PersonBirthDate"] == "1979-12-01"
    assert "Ethnicity" not in shared
    assert shared["FTE"] == "1" and shared["Cases30"] == "18"
    assert len(copy.workers) == len(ret.workers)


def test_cli_needs_a_salt_and_writes_a_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, target = tmp_path / "r.xml", tmp_path / "shared.xml"
    write(make_return(), source)
    monkeypatch.delenv("CSWW_SALT", raising=False)
    result = CliRunner().invoke(cli, ["pseudonymise", str(source), "-o", str(target)])
    assert result.exit_code == 2 and "salt" in result.output.lower()
    monkeypatch.setenv("CSWW_SALT", SALT.decode())
    result = CliRunner().invoke(cli, ["pseudonymise", str(source), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert read(target).workers[0].values["SWENo"] == pseudonym("SW123456", SALT)
