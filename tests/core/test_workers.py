"""The worker records as typed columns, and the worker checks a batch at a time."""

from __future__ import annotations

from datetime import date

import pytest

import csww.engine
from csww import to_bytes, validate, workers
from csww.model import Record
from csww.rules import RULES
from csww.spec import load_spec
from tests.factories import make_return, make_worker


def test_typed_columns_hold_what_each_items_parser_gives() -> None:
    spec = load_spec(2022)
    records = [
        Record(values={"FTE": "0.5", "PersonBirthDate": "1980-02-29", "OrgRole": "5"}),
        Record(values={"FTE": "1.5", "PersonBirthDate": "1981-02-29", "OrgRole": "x"}),
        Record(values={"FTE": "", "OrgRole": "5"}),
    ]
    frame = workers.typed(workers.frame(records, spec), spec)
    assert frame["t:FTE"].to_list() == [0.5, None, None]
    assert frame["t:PersonBirthDate"].to_list() == [date(1980, 2, 29), None, None]
    assert frame["t:OrgRole"].to_list() == ["5", None, "5"]
    assert frame["FTE"].to_list() == ["0.5", "1.5", ""]  # the text as written, kept


def test_an_element_the_year_does_not_collect_is_flagged_not_made_a_column() -> None:
    spec = load_spec(2022)
    records = [Record(values={"_row": "7", "FTE": "1"}), Record(values={"FTE": "1"})]
    frame = workers.frame(records, spec)
    assert frame["_row"].to_list() == [0, 1]  # the bookkeeping, whatever an element is named
    assert frame["_other"].to_list() == [True, False]
    assert "Mystery" not in workers.frame([Record(values={"Mystery": "1"})], spec).columns


def test_records_without_any_element_make_rows_of_nothing() -> None:
    spec = load_spec(2022)
    frame = workers.typed(workers.frame([Record(), Record()], spec), spec)
    assert frame.height == 2 and frame["FTE"].null_count() == 2
    assert frame["_cat"].to_list() == ["inpost", "inpost"]


def test_every_worker_rule_of_the_rulebook_is_a_column_expression() -> None:
    predicates = [r.id for r in RULES if r.scope == "worker" and not r.columnar]
    assert predicates == []


@pytest.mark.parametrize("batch", [1, 3, 50_000])
def test_batches_of_any_size_give_the_same_report(
    monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    broken = [
        make_worker("inpost", 2022, FTE="2"),
        make_worker("leaver", 2022, SWENo="SW1", RoleEndDate="2030-01-01"),
        make_worker("inpost", 2022, SWENo="SW1", FTE="0.8"),
        make_worker("agency", 2022, ContractWeeks="900"),
        make_worker("inpost", 2022, SWENo="SW1", FTE="0.7"),
    ]
    data = to_bytes(make_return(broken, year=2022))
    whole = validate(data).as_dict()
    monkeypatch.setattr(csww.engine, "BATCH", batch)
    assert validate(data).as_dict() == whole
    assert {i["rule"] for i in whole["issues"]} >= {"303", "501", "526Q", "701Q"}
