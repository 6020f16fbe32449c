"""Whatever bytes arrive, validation answers with a report, never a traceback."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csww import RULES, validate, validate_return
from csww.model import Record, Return
from csww.spec import load_spec
from tests.factories import make_return
from tests.paths import SAMPLES

SAMPLE = (SAMPLES / "csww-2022-sample-single-worker.xml").read_bytes()
ITEMS = list(load_spec(2018).worker)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """The sample with a few bytes replaced, inserted or cut out."""
    data = bytearray(SAMPLE)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data) - 1))
        kind = draw(st.sampled_from(["replace", "insert", "cut"]))
        chunk = draw(st.binary(min_size=1, max_size=6))
        if kind == "replace":
            data[at : at + len(chunk)] = chunk
        elif kind == "insert":
            data[at:at] = chunk
        else:
            del data[at : at + len(chunk)]
    return bytes(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mangled_files_give_a_report(data: bytes) -> None:
    report = validate(data)
    if report.fatal is not None:
        assert report.fatal.message and not report.valid and not report.issues
    else:
        assert report.year is not None
        assert all(RULES[i.rule].severity == i.severity for i in report.issues)
    json.dumps(report.as_dict(), default=str)  # every report renders


values = st.text(max_size=15) | st.sampled_from(
    ["0", "-0", "1e9", "NaN", "inf", "2017-02-30", "9999-12-31", " ", "١٢"]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(ITEMS), values, max_size=len(ITEMS)), max_size=5))
def test_any_values_give_a_report(workers: list[dict[str, str]]) -> None:
    ret: Return = make_return()
    ret.workers = [Record(values=w) for w in workers]
    report = validate_return(ret)
    assert report.fatal is None
    assert all(issue.rule for issue in report.issues)


def test_other_scripts_digits_are_not_read_as_numbers() -> None:
    """Python's float() and int() read Arabic-Indic digits; XML Schema numbers do not."""
    ret = make_return()
    ret.workers[0].values.update(FTE="١", Cases30="١٢", PersonBirthDate="١٩٨٠-05-17")
    rules = {(i.rule, i.field) for i in validate_return(ret).issues}
    assert {("303", "FTE"), ("317", "Cases30"), ("304", "PersonBirthDate")} <= rules
