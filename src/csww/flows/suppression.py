"""Secondary suppression: no suppressed figure can be worked out from the ones shown.

Primary suppression (``c``) hides a cell that counts one or two people. That is not enough
where figures add up: a region with one return shows that LA's figures in its own row, and an
LA hidden among shown LAs follows from the region's total minus theirs; a hidden age band
follows from the total minus the other bands. Each such sum is a *group*: a total and the
parts that make it up. The rule applied here is the usual one for additive tables: in every
group, no cell or at least two cells are hidden. Hiding goes on, choosing each time the
part with the fewest people (the total itself only where no part is left), until every group
holds. :func:`recoverable` is the check an attacker would make: it solves the groups' sums for
the hidden cells and names any hidden cell whose value is then fixed.

The functions work on any cell keys; :func:`attrition_groups`, :func:`figure_groups` and
:func:`protect_rows` apply them to the attrition rows in DfE's layout
(:mod:`csww.flows.attrition`), where each figure of a row (leavers, moved, attrition, into
agency, full attrition) is a cell: the figures of one row add up too, and a figure
that counts nobody is shown as 0 (an attacker would work it out from a total of 0).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from fractions import Fraction
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def secondary(
    sizes: Mapping[K, int], hidden: Iterable[K], groups: Sequence[tuple[K, Sequence[K]]]
) -> set[K]:
    """The hidden cells after secondary suppression: ``hidden`` and as few more as this
    heuristic finds, so that each group (total, parts) hides no cell or at least two that
    count somebody. ``sizes`` are the people counted in each cell: a cell of nobody protects
    nothing (its figures are known to be 0), and the smallest part is hidden first."""
    out = set(hidden)

    def counts(cell: K) -> bool:
        return sizes.get(cell, 1) > 0

    changed = True
    while changed:
        changed = False
        for total, parts in groups:
            cells = [total, *parts]
            if sum(1 for c in cells if c in out and counts(c)) != 1:
                continue
            shown = [p for p in parts if p not in out and counts(p)]
            if shown:
                pick = min(shown, key=lambda p: (sizes.get(p, 1), str(p)))
            elif total not in out:
                pick = total
            else:
                continue  # the total alone is hidden and every part counts nobody: it is 0
            out.add(pick)
            changed = True
    return out


def recoverable(
    hidden: Iterable[K],
    groups: Sequence[tuple[K, Sequence[K]]],
    sizes: Mapping[K, int] | None = None,
) -> set[K]:
    """The hidden cells whose values follow exactly from the shown cells and the groups'
    sums (total = sum of parts): an attacker's linear algebra, in exact arithmetic. A hidden
    cell whose ``sizes`` say it counts nobody is taken as known (its published headcount is
    0). Empty means nothing hidden can be recovered by adding and subtracting figures."""
    sizes = sizes or {}
    unknown = sorted((c for c in set(hidden) if sizes.get(c, 1) > 0), key=str)
    column = {cell: i for i, cell in enumerate(unknown)}
    rows: list[dict[int, Fraction]] = []
    for total, parts in groups:
        row: dict[int, Fraction] = defaultdict(Fraction)
        for cell, sign in ((total, 1), *((p, -1) for p in parts)):
            if cell in column:
                row[column[cell]] += sign
        clean = {c: v for c, v in row.items() if v}
        if clean:
            rows.append(clean)
    pivots = _reduce(rows)
    found = set()
    for col, row in pivots.items():
        if all(c == col for c in row):
            found.add(unknown[col])
    return found


def _reduce(rows: list[dict[int, Fraction]]) -> dict[int, dict[int, Fraction]]:
    """Reduced row echelon form of sparse rows: pivot column -> its row (pivot 1). Each
    pivot row holds no other pivot column (Gauss-Jordan, kept reduced as rows arrive)."""
    pivots: dict[int, dict[int, Fraction]] = {}

    def subtract(row: dict[int, Fraction], factor: Fraction, other: dict[int, Fraction]) -> None:
        for c, v in other.items():
            row[c] = row.get(c, Fraction(0)) - factor * v
            if not row[c]:
                del row[c]

    for given in rows:
        row = dict(given)
        while True:
            col = next((c for c in row if c in pivots), None)
            if col is None:
                break
            subtract(row, row[col], pivots[col])
        if not row:
            continue
        lead = min(row)
        scale = row[lead]
        row = {c: v / scale for c, v in row.items()}
        for other in pivots.values():
            if lead in other:
                subtract(other, other[lead], row)
        pivots[lead] = row
    return pivots


Cell = tuple[str, str, str]  # (area, breakdown topic, breakdown)


def attrition_groups(
    rows: Sequence[Mapping[str, str]],
    area_of: Mapping[int, str],
    parent_of: Mapping[str, str],
) -> list[tuple[Cell, list[Cell]]]:
    """The sums in attrition rows. ``area_of`` names the area of each row (by index);
    ``parent_of`` gives each area the area it adds up into (an LA its region, a region the
    region or country above it). Every area's total is the sum of each breakdown's rows, and
    every row is the sum of the same row of the areas below it."""
    cells: dict[str, dict[tuple[str, str], Cell]] = defaultdict(dict)
    for i, row in enumerate(rows):
        area = area_of[i]
        cells[area][(row["breakdown_topic"], row["breakdown"])] = (
            area,
            row["breakdown_topic"],
            row["breakdown"],
        )
    groups: list[tuple[Cell, list[Cell]]] = []
    for mine in cells.values():
        total = mine.get(("Total", "Total"))
        if total is None:
            continue
        topics: dict[str, list[Cell]] = defaultdict(list)
        for (topic, _breakdown), cell in mine.items():
            if topic != "Total":
                topics[topic].append(cell)
        groups += [(total, parts) for parts in topics.values()]
    children: dict[str, list[str]] = defaultdict(list)
    for area, parent in parent_of.items():
        if area in cells and parent in cells:
            children[parent].append(area)
    for parent, below in children.items():
        for key, cell in cells[parent].items():
            parts = [cells[a][key] for a in below if key in cells[a]]
            groups.append((cell, parts))
    return groups


# Each figure of an attrition row and the columns that show it, or follow from it and the
# in-post FTE (always shown): a hidden figure hides them all.
FIGURES: dict[str, tuple[str, ...]] = {
    "leavers": ("leavers_fte", "leavers_headcount"),
    "moved": ("moved_fte",),
    "attrition": ("attrition_fte", "attrition_rate"),
    "agency": ("attrition_into_agency_fte", "attrition_into_agency_rate"),
    "full": ("full_attrition_fte", "full_attrition_rate"),
}
# The sums within one row: leavers either moved or are attrition, into agency or full.
ROW_SUMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("leavers", ("moved", "attrition")),
    ("attrition", ("agency", "full")),
)
# Attrition over leavers: shown only where both are.
PROPORTION = ("attrition_as_proportion_of_leavers", ("attrition", "leavers"))
Figure = tuple[str, str, str, str]  # (area, breakdown topic, breakdown, figure)


def figure_groups(
    rows: Sequence[Mapping[str, str]],
    area_of: Mapping[int, str],
    parent_of: Mapping[str, str],
) -> list[tuple[Figure, list[Figure]]]:
    """Every sum between the figures of attrition rows: each figure adds up over the
    breakdowns and over the areas (:func:`attrition_groups`), and within a row leavers are
    those who moved plus attrition, attrition those into agency plus full attrition."""
    groups: list[tuple[Figure, list[Figure]]] = [
        ((*total, figure), [(*p, figure) for p in parts])
        for total, parts in attrition_groups(rows, area_of, parent_of)
        for figure in FIGURES
    ]
    for i, row in enumerate(rows):
        cell = (area_of[i], row["breakdown_topic"], row["breakdown"])
        groups += [((*cell, total), [(*cell, p) for p in parts]) for total, parts in ROW_SUMS]
    return groups


def protect_rows(
    shown: Sequence[Mapping[str, str]],
    primary: Sequence[Mapping[str, str]],
    area_of: Mapping[int, str],
    parent_of: Mapping[str, str],
    sizes: Mapping[Figure, int],
) -> list[dict[str, str]]:
    """Attrition rows as they may be published, from the rows unsuppressed (``shown``) and
    the same rows with DfE's primary suppression (``primary``, in the same order).

    Each figure of each row is a cell of its own (:data:`FIGURES`), with every sum it takes
    part in (:func:`figure_groups`), and ``sizes`` the people it counts whose FTE is not 0.
    A row that primary suppression hid shows what it hid as ``c`` where the figure counts
    somebody, and ``0`` where it counts nobody: a hidden 0 would only be worked out from a
    total shown as 0 (FTEs are never negative), and a 0 protects nobody. Secondary
    suppression (:func:`secondary`) then hides more, until no sum holds exactly one hidden
    figure that counts somebody. Columns marked ``u`` (figures of low reliability) stay so."""
    groups = figure_groups(primary, area_of, parent_of)
    keys = [(area_of[i], row["breakdown_topic"], row["breakdown"]) for i, row in enumerate(primary)]
    hidden: set[Figure] = set()
    for key, row in zip(keys, primary, strict=True):
        for figure, columns in FIGURES.items():
            if row.get(columns[0]) == "c":
                hidden.add((*key, figure))
    hidden = {f for f in secondary(sizes, hidden, groups) if sizes.get(f, 1) > 0}
    out = []
    for key, open_row, row in zip(keys, shown, primary, strict=True):
        published = dict(open_row)
        gone = {figure for figure in FIGURES if (*key, figure) in hidden}
        for figure in gone:
            published.update(dict.fromkeys(FIGURES[figure], "c"))
        column, needs = PROPORTION
        if gone & set(needs):
            published[column] = "c"
        published.update({c: v for c, v in row.items() if v == "u"})
        out.append(published)
    return out
