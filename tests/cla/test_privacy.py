"""A pseudonymised 903 copy for sharing, and personal data kept out of logs."""

from __future__ import annotations

import logging

import polars as pl
import pytest

from csww.cla.derive import derive
from csww.cla.privacy import child_pseudonym, pseudonymise
from csww.cla.read import read_return
from csww.cla.references.postcodes import PostcodeLookup
from csww.cla.synth import synth_return
from csww.cla.write import write_xml
from csww.privacy import SaltError

SALT = b"0123456789abcdef-secret"


@pytest.fixture(scope="module")
def ons() -> PostcodeLookup:
    return PostcodeLookup.from_package()


def test_pseudonymised_copy(ons: PostcodeLookup) -> None:
    tables = synth_return("213", 2025, seed=2, postcodes=ons, children=50).tables
    copy = pseudonymise(tables, SALT)
    first = tables["Header"].row(0, named=True)
    row = copy["Header"].row(0, named=True)
    assert row["CHILD"] == child_pseudonym(first["CHILD"], SALT) != first["CHILD"]
    assert len(row["CHILD"]) == 10  # fits DfE's CHILDID
    assert row["DOB"] == "01/" + first["DOB"][3:]
    assert row["UPN"] is None
    eps, original = copy["Episodes"], tables["Episodes"]
    assert eps["HOME_POST"][0] == original["HOME_POST"][0].split()[0]
    assert eps["DECOM"].equals(original["DECOM"])  # other items kept
    # The same child, the same pseudonym in every table; none of the ids is left.
    ids = set(tables["Header"]["CHILD"].to_list())
    for frame in copy.values():
        if frame.height:
            assert not set(frame["CHILD"].to_list()) & ids
            assert set(frame["CHILD"].to_list()) <= set(copy["Header"]["CHILD"].to_list())
    assert tables["Header"].row(0, named=True) == first  # the original is unchanged


def test_another_salt_another_pseudonym_and_a_short_salt_is_refused() -> None:
    assert child_pseudonym("C1", SALT) != child_pseudonym("C1", SALT + b"x")
    with pytest.raises(SaltError):
        pseudonymise({"Header": pl.DataFrame({"CHILD": ["C1"]})}, b"short")


def test_reading_deriving_and_synthesising_log_no_personal_data(
    ons: PostcodeLookup, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    result = synth_return("942", 2025, seed=4, postcodes=ons, children=30)
    read = read_return(write_xml(result.tables))
    assert read.tables is not None
    derive(read.tables["Episodes"], la="942", postcodes=ons)
    secrets = set(read.tables["Header"]["CHILD"].to_list()) | set(
        read.tables["Header"]["DOB"].to_list()
    )
    secrets |= set(read.tables["Episodes"]["HOME_POST"].drop_nulls().to_list())
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert not [s for s in secrets if s in logged]
