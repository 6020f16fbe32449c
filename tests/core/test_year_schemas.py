"""The writer's XML for 2021-2025 validates against the third-party schema of that year.

The schemas are Social Finance's reconstructions, not DfE's (``SOURCES.md`` beside them).
Two of their known defects are worked around here, and only these:

- the pipeline schemas end the SWENo pattern with ``$``, which XML Schema reads as a literal
  dollar sign, so no real registration number matches: the ``$`` is dropped;
- the 2021-2023 schemas make ``QualInst`` (a voluntary item in the guide) occur at least once,
  which their own sample breaks: its ``minOccurs`` is relaxed to 0.

``csww-2022.xsd`` wants exactly ten digits in a registration number, so the returns here use
ten-digit numbers (csww itself accepts one to ten, as the 2025 schema does).
"""

from __future__ import annotations

import pytest
from lxml import etree

from csww import to_bytes
from csww.engine import validate
from tests.factories import make_return
from tests.paths import SAMPLES

SCHEMAS = {
    2021: "csww-2021-2023-liia-pipeline.xsd",
    2022: "csww-2022.xsd",
    2023: "csww-2021-2023-liia-pipeline.xsd",
    2024: "csww-2024-liia-pipeline.xsd",
    2025: "csww-2025-liia-pipeline.xsd",
}


def schema(name: str) -> etree.XMLSchema:
    text = (SAMPLES / name).read_text(encoding="utf-8")
    text = text.replace(r"\d{1,10}$", r"\d{1,10}")
    text = text.replace(
        '<xs:element name="QualInst" type="xs:string" minOccurs="1"',
        '<xs:element name="QualInst" type="xs:string" minOccurs="0"',
    )
    return etree.XMLSchema(etree.fromstring(text.encode()))


def ten_digit_return(year: int) -> bytes:
    ret = make_return(year=year)
    for n, worker in enumerate(ret.workers):
        worker.values["SWENo"] = f"SW{1000000000 + n}"
    return to_bytes(ret)


@pytest.mark.parametrize("year", sorted(SCHEMAS))
def test_written_return_is_valid_against_that_years_schema(year: int) -> None:
    data = ten_digit_return(year)
    xsd = schema(SCHEMAS[year])
    document = etree.fromstring(data)
    assert xsd.validate(document), xsd.error_log
    report = validate(data)
    assert (report.year, report.errors, report.queries) == (year, 0, 0)


@pytest.mark.parametrize(("year", "other"), [(2024, 2023), (2025, 2024), (2023, 2025)])
def test_a_return_of_one_year_fails_another_years_schema(year: int, other: int) -> None:
    """The schemas really do tell the years apart, so the test above can fail."""
    assert not schema(SCHEMAS[other]).validate(etree.fromstring(ten_digit_return(year)))
