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


# LA code -> (the LA where they are on 30 September, how many): leavers who moved to a post
# in another LA, and leavers who became agency workers in another LA.
MOVERS = {"302": ("303", 3), "390": ("391", 1)}
INTO_AGENCY = {"303": ("302", 2), "391": ("390", 5)}


def _return(code: str, leavers: int, others: bool = True) -> Return:
    """The LA's return: five in post, its full-attrition leavers and, with ``others``, its
    leavers who moved or went into agency and the workers it now has from other LAs."""
    workers: list[Record] = [
        make_worker("inpost", YEAR, SWENo=f"SW{code}{i:03d}") for i in range(1, 6)
    ]
    workers += [
        make_worker("leaver", YEAR, SWENo=f"SW{code}9{i:02d}", FTE="1") for i in range(leavers)
    ]
    for outcome, (now, category) in (("7", (MOVERS, "inpost")), ("8", (INTO_AGENCY, "agency"))):
        for source, (target, n) in now.items() if others else ():
            swe = [f"SW{source}{outcome}{i:02d}" for i in range(n)]
            if source == code:
                workers += [make_worker("leaver", YEAR, SWENo=s, FTE="1") for s in swe]
            if target == code:
                workers += [make_worker(category, YEAR, SWENo=s) for s in swe]
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


FIGURE_COLUMNS = {
    "leavers": "leavers_fte",
    "moved": "moved_fte",
    "attrition": "attrition_fte",
    "agency": "attrition_into_agency_fte",
    "full": "full_attrition_fte",
}
RATES = {
    "attrition": "attrition_rate",
    "agency": "attrition_into_agency_rate",
    "full": "full_attrition_rate",
}
ROW_SUMS = (("leavers", ("moved", "attrition")), ("attrition", ("agency", "full")))


def _figure_attack(rows: list[dict[str, str]]) -> dict[Any, float]:
    """Every hidden figure a reader can work out from the file, with what they know of it:
    each figure adds up over breakdowns and areas; within a row, leavers are those who moved
    plus attrition, attrition those into agency plus full; rates are figures over the in-post
    FTE shown; FTEs are never negative, so the hidden parts of a sum whose shown parts already
    make its total are all 0. Repeated until nothing more follows, then every sum solved at
    once (exact linear algebra) for what is still hidden."""
    cells = {(_area(r), r["breakdown_topic"], r["breakdown"]): r for r in rows}
    groups = [
        ((*total, f), [(*p, f) for p in parts])
        for total, parts in _groups(rows)
        for f in FIGURE_COLUMNS
    ]
    for cell in cells:
        groups += [((*cell, t), [(*cell, p) for p in parts]) for t, parts in ROW_SUMS]
    known: dict[Any, float] = {}
    hidden = set()
    for cell, row in cells.items():
        for figure, column in FIGURE_COLUMNS.items():
            value = row[column]
            if value == "c":
                hidden.add((*cell, figure))
                rate = row.get(RATES.get(figure, ""), "c")
                if rate not in ("c", "x", "z") and row["inpost_fte"] not in ("c", "x", "z"):
                    known[(*cell, figure)] = float(rate) * float(row["inpost_fte"]) / 100
            elif value not in ("x", "z", "u"):
                known[(*cell, figure)] = float(value)
        share = row["attrition_as_proportion_of_leavers"]
        if share not in ("c", "x", "z", "u") and row["leavers_fte"] not in ("c", "x", "z", "u"):
            known[(*cell, "attrition")] = float(share) * float(row["leavers_fte"]) / 100
    progress = True
    while progress:
        progress = False
        for total, parts in groups:
            missing = [c for c in [total, *parts] if c not in known]
            if not missing:
                continue
            if len(missing) == 1:
                (cell,) = missing
                rest = sum(known[p] for p in parts if p in known)
                known[cell] = known[total] - rest if cell != total else rest
                progress = True
            elif total in known and abs(known[total] - sum(known.get(p, 0) for p in parts)) < 0.05:
                known.update(dict.fromkeys(missing, 0.0))
                progress = True
    found = {c: v for c, v in known.items() if c in hidden}
    still = hidden - set(found)
    found.update(dict.fromkeys(recoverable(still, groups), float("nan")))
    return found


def test_no_hidden_figure_follows_from_the_others_or_from_a_total_of_zero(
    people: dict[str, Any], login: Callable[[str], Client]
) -> None:
    """Each leaver here is full attrition, so every "moved" and "into agency" figure is 0:
    a region showing 0 moved would give every LA's hidden "moved" as 0, and then the LA's
    full attrition as its leavers less 0. Every figure of every row is attacked at once."""
    _load(people)
    response = login("dfe").get(f"/dfe/collections/{YEAR}/flows/attrition.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert _figure_attack(rows) == {}
    cells = {(_area(r), r["breakdown_topic"], r["breakdown"]): r for r in rows}
    # Camden's one leaver stays hidden; its zeros are shown as zeros, not as c.
    camden = cells[("L:202", "Total", "Total")]
    assert camden["full_attrition_fte"] == "c" and camden["moved_fte"] == "0"
    assert any(v == "c" for r in rows for v in r.values())


def test_the_figure_attack_finds_what_primary_suppression_leaves(people: dict[str, Any]) -> None:
    """The attack is real: on DfE's primary suppression alone it works out hidden figures."""
    from csww.flows.store import Store
    from csww.reader import read
    from csww.writer import to_bytes

    with Store(b"k" * 32) as store:
        for code, leavers in LEAVERS.items():
            store.load_return(read(to_bytes(_return(code, leavers))))
        rows = attrition.rows(attrition.measure(store, YEAR))
    found = _figure_attack(rows)
    assert found[("L:202", "Total", "Total", "full")] == 1.0
    assert found[("L:202", "Total", "Total", "moved")] == 0.0


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
            store.load_return(read(to_bytes(_return(code, leavers, others=False))))
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


def _demo_result() -> attrition.Result:
    """2026's attrition over the demo's returns: last year's grown a year on, the same people."""
    from csww.flows.store import Store
    from csww_portal.demo import _linked_years

    _previous, now = _linked_years(2026, 0.3)
    with Store(b"k" * 32) as store:
        for ret in now.values():
            store.load_return(ret)
        return attrition.measure(store, 2026)


def test_the_demos_linked_returns_give_nothing_away() -> None:
    """Returns like England's (the demo's: the same people a year on, some moving between
    the LAs, some into agency, some leaving): primary suppression alone gives hidden figures
    away to the figure attack, the published rows none."""
    from csww_portal.views.flows import protected_rows

    result = _demo_result()
    primary = attrition.rows(result)
    assert _figure_attack(primary) != {}
    published = protected_rows(result)
    assert _figure_attack(published) == {}
    assert sum(v == "c" for r in published for v in r.values()) > 0


def test_csww_flows_csv_is_protected_as_the_portals() -> None:
    """``csww flows`` writes its attrition CSV through ``attrition.to_csv``: the same
    published rows as DfE's download, and one LA's rows alone are those rows too."""
    from csww.flows.published import protected_rows

    result = _demo_result()
    written = list(csv.DictReader(io.StringIO(attrition.to_csv([result]))))
    assert written == protected_rows(result)
    assert _figure_attack(written) == {}
    unit = sorted(result.units)[0]
    alone = list(csv.DictReader(io.StringIO(attrition.to_csv([result], only_unit=unit))))
    assert alone and all(r["geographic_level"] == "Local authority" for r in alone)
    assert all(r in written for r in alone)
