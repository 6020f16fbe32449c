"""No suppressed flow figure can be recovered from what DfE's pages and CSV show.

Camden is Inner London's only return, so the Inner London row would repeat Camden's hidden
figures; Barking and Dagenham's would follow from Outer London minus the shown LAs. The test
downloads "DfE's layout" CSV and attacks it as a reader would: subtracting shown parts from
shown totals, over and over, and then solving every sum at once (exact linear algebra).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from django.test import Client

from csww.flows import attrition
from csww.flows.suppression import recoverable, secondary
from csww.model import Record, Return
from csww.stats import published as pub
from csww_portal import tasks
from csww_portal.models import LAReturn, State
from tests.factories import make_header, make_la, make_worker
from tests.portal.conftest import YEAR

# LA code -> leavers (each a full attrition: found nowhere on 30 September).
LEAVERS = {"202": 1, "301": 2, "302": 5, "303": 4, "390": 6, "391": 3}
FTE_COLUMNS = ("moved_fte", "attrition_into_agency_fte", "full_attrition_fte")


def _return(code: str, leavers: int) -> Return:
    workers: list[Record] = [
        make_worker("inpost", YEAR, SWENo=f"SW{code}{i:03d}") for i in range(1, 6)
    ]
    workers += [
        make_worker("leaver", YEAR, SWENo=f"SW{code}9{i:02d}", FTE="1") for i in range(leavers)
    ]
    return Return(header=make_header(YEAR, code), la=make_la(), workers=workers)


def _load(people: dict[str, Any]) -> None:
    from csww.writer import to_bytes

    for code, leavers in LEAVERS.items():
        ret = LAReturn.objects.select_related("la", "collection").get(
            collection__year=YEAR, la__code=code
        )
        tasks.accept(ret, people["dfe"], "return.xml", to_bytes(_return(code, leavers)))
        LAReturn.objects.filter(pk=ret.pk).update(state=State.SUBMITTED)


def _area(row: dict[str, str]) -> str:
    level = row["geographic_level"]
    if level == "National":
        return "N"
    if level == "Regional":
        return f"R:{row['region_code']}"
    return f"L:{row['old_la_code']}"


def _groups(rows: list[dict[str, str]]) -> list[tuple[Any, list[Any]]]:
    """Every sum a reader knows holds in the file: an area's total is the sum of each
    breakdown; a region's row the sum of its LAs' rows; London of Inner and Outer London;
    England of the regions."""
    cells = {(_area(r), r["breakdown_topic"], r["breakdown"]) for r in rows}
    areas = {c[0] for c in cells}
    parent: dict[str, str] = {}
    for r in rows:
        if r["geographic_level"] == "Local authority":
            parent[_area(r)] = f"R:{r['region_code']}"
    for code, _ in pub.regions(YEAR):
        up = [p for p, _ in pub.regions(YEAR) if p != code and code in pub.region_members(p)]
        parent[f"R:{code}"] = f"R:{up[0]}" if up else "N"
    groups: list[tuple[Any, list[Any]]] = []
    for area in areas:
        mine = [c for c in cells if c[0] == area]
        for topic in {c[1] for c in mine} - {"Total"}:
            groups.append(((area, "Total", "Total"), [c for c in mine if c[1] == topic]))
        below = [a for a in areas if parent.get(a) == area]
        for _, topic, breakdown in mine:
            parts = [(a, topic, breakdown) for a in below if (a, topic, breakdown) in cells]
            if below:
                groups.append(((area, topic, breakdown), parts))
    return groups


def _peel(values: dict[Any, str], groups: list[tuple[Any, list[Any]]]) -> dict[Any, float]:
    """The subtraction attack: any sum with one hidden cell gives it away; repeat."""
    known = {k: float(v) for k, v in values.items() if v not in ("c", "x", "z")}
    found: dict[Any, float] = {}
    progress = True
    while progress:
        progress = False
        for total, parts in groups:
            missing = [c for c in [total, *parts] if c not in known]
            if len(missing) != 1:
                continue
            (cell,) = missing
            rest = sum(known[p] for p in parts if p in known)
            known[cell] = known[total] - rest if cell != total else rest
            found[cell] = known[cell]
            progress = True
    return found


def test_no_suppressed_flow_figure_can_be_recovered_from_dfes_csv(
    people: dict[str, Any], login: Callable[[str], Client]
) -> None:
    _load(people)
    response = login("dfe").get(f"/dfe/collections/{YEAR}/flows/attrition.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_area = {_area(r): r for r in rows if r["breakdown_topic"] == "Total"}
    # Primary suppression: Camden (one leaver) and Barking and Dagenham (two) are hidden...
    assert by_area["L:202"]["full_attrition_fte"] == "c"
    assert by_area["L:301"]["full_attrition_fte"] == "c"
    # ...and so is Inner London, whose only return is Camden's.
    assert by_area["R:E13000001"]["full_attrition_fte"] == "c"
    # Outer London minus the LAs it shows does not give Barking and Dagenham.
    outer = [a for a, r in by_area.items() if r["region_code"] == "E13000002" and a[0] == "L"]
    hidden = [a for a in outer if by_area[a]["full_attrition_fte"] == "c"]
    assert len(hidden) >= 2 or by_area["R:E13000002"]["full_attrition_fte"] == "c"
    # England is still published.
    assert by_area["N"]["full_attrition_fte"] == "21"
    groups = _groups(rows)
    cells = {(_area(r), r["breakdown_topic"], r["breakdown"]): r for r in rows}
    sizes = {
        k: int(r["leavers_headcount"]) if r["leavers_headcount"].isdigit() else 1
        for k, r in cells.items()
    }
    for column in (*FTE_COLUMNS, "leavers_fte"):
        values = {k: r[column] for k, r in cells.items()}
        assert _peel(values, groups) == {}, column
        hidden_cells = {k for k, v in values.items() if v == "c"}
        assert hidden_cells, column
        assert recoverable(hidden_cells, groups, sizes) == set(), column
    # The DfE page shows the same protected rows.
    page = login("dfe").get(f"/dfe/collections/{YEAR}/flows/")
    names = {row[0]: row for row in page.context["areas"]}
    assert names["Inner London"][5] == "c" and names["Camden"][5] == "c"


def test_without_secondary_suppression_the_attack_would_succeed(
    people: dict[str, Any],
) -> None:
    """The attack is real: on primary suppression alone it recovers Camden from Inner
    London, and Barking and Dagenham from Outer London."""
    from csww.flows.store import Store
    from csww.reader import read
    from csww.writer import to_bytes

    with Store(b"k" * 32) as store:
        for code, leavers in LEAVERS.items():
            store.load_return(read(to_bytes(_return(code, leavers))))
        rows = attrition.rows(attrition.measure(store, YEAR))
    groups = _groups(rows)
    cells = {(_area(r), r["breakdown_topic"], r["breakdown"]): r for r in rows}
    values = {k: r["full_attrition_fte"] for k, r in cells.items()}
    found = _peel(values, groups)
    assert found[("L:202", "Total", "Total")] == 1.0
    assert found[("L:301", "Total", "Total")] == 2.0


def test_the_rule_hides_a_second_cell_in_every_sum() -> None:
    groups = [("R", ["A", "B", "C"])]
    assert secondary({"A": 1, "B": 5, "C": 3}, {"A"}, groups) == {"A", "C"}
    # A part that counts nobody protects nothing: the total is hidden instead.
    assert secondary({"A": 1, "B": 0, "R": 1}, {"A"}, [("R", ["A", "B"])]) == {"A", "R"}
    assert recoverable({"A"}, groups) == {"A"}
    assert recoverable({"A", "C"}, groups) == set()
    two_way = [("T1", ["a", "b"]), ("T2", ["c", "d"]), ("Ta", ["a", "c"]), ("Tb", ["b", "d"])]
    assert recoverable({"a", "b", "c"}, two_way) == {"a", "b", "c"}
    assert recoverable({"a", "b", "c", "d"}, two_way) == set()
