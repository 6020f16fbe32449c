"""Synthetic returns for whole published years, made once per test session."""

from __future__ import annotations

import pytest

from csww.model import Return
from csww.synth import generate, la_codes

YEARS = (2018, 2024)


@pytest.fixture(scope="session")
def synthetic_years() -> dict[int, dict[str, Return]]:
    """Every LA's synthetic return for two published years (one in a leap collection year)."""
    return {year: {code: generate(year, code, seed=7) for code in la_codes(year)} for year in YEARS}
