"""Linked synthetic years cross the format changes: the same people, each year's own items."""

from __future__ import annotations

from csww.engine import validate_return
from csww.synth import generate
from csww.synth.linked import next_year


def test_linked_years_across_2024_and_2025_are_in_each_years_format() -> None:
    y2023 = [generate(2023, "331", scale=0.2)]
    y2024 = next_year(y2023)
    y2025 = next_year(y2024)
    for returns, year in ((y2024, 2024), (y2025, 2025)):
        report = validate_return(returns[0])
        assert (report.year, report.errors) == (year, 0), [i.rule for i in report.issues][:10]
    people_2023 = {w.values["SWENo"] for w in y2023[0].workers}
    people_2025 = {w.values["SWENo"] for w in y2025[0].workers}
    assert people_2023 & people_2025  # the same people, two years on
    employed = [w for w in y2025[0].workers if w.values.get("AgencyWorker") == "0"]
    assert all("GenderCurrent" not in w.values and "QualInst" not in w.values for w in employed)
    assert {w.values.get("Sex") for w in employed} <= {"M", "F"}
    assert y2025[0].la is not None and "CostSWE" in y2025[0].la.values
