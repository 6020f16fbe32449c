"""A clean return raises no issue in any year, with every input given (no false issues)."""

from __future__ import annotations

import pytest

from csww.cla.spec import available_years
from tests.cla.cla_frames import check, clean, found


@pytest.mark.parametrize("year", available_years())
def test_clean_return_has_no_issue(year: int) -> None:
    report = check(clean(year), year)
    assert found(report) == []
    assert report.fatal is None and report.valid
    # With last year's return, the URN list and postcodes, every rule of the year runs
    # (2015 is the first year: there is no return before it to give).
    if year > 2015:
        assert report.not_run == []
    else:
        assert report.not_run and all("last year" in n.reason for n in report.not_run)
