"""Synthetic 903 returns built to reproduce an LA's published figures.

For each LA and year DfE publishes new placements by locality and distance, placement
changes by reason, placement stability and care leavers' accommodation suitability
(``la_cla_during_year_new_placements``, ``la_cla_placement_stability``,
``la_care_leavers_accommodation_suitability``). :func:`build` makes a return (and, for the
two-year measures, the previous year's return as history) whose children produce exactly
those figures under csww's counting rules, so that ``csww cla stats`` can be checked value by
value against DfE's files at LA level and, summed, nationally.

Suppressed figures (``c``) are not known: each is filled with a value from 1 to 5 (0 when the
published total leaves nothing for it: DfE's secondary suppression also hides zeros) chosen so
that the LA's figures still add up to its published total and, over all LAs, each figure adds
up as closely as it can to DfE's national figure (a figure hidden by secondary suppression may
be larger than 5; the remainder of its group goes to it). A published ``z`` or ``x`` (not
applicable, not available) leaves that table out of the LA's return.

Every table is a ``csww.core.Tables`` with the shared contract's CSV columns, raw text, plus
the derived PL_LA, PL_LOCATION and PL_DISTANCE (as ``csww.cla.derive`` adds them).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl

from csww.cla.stats import labels as lab
from csww.cla.stats import published as pub
from csww.cla.stats.measures import STABILITY_LONG, STABILITY_TWO, STABILITY_YEAR
from csww.cla.stats.periods import end, start
from csww.core import Tables
from csww.core.tables import with_bookkeeping

COLUMNS = {
    "Header": ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
    "Episodes": [
        "CHILD",
        "DECOM",
        "RNE",
        "LS",
        "CIN",
        "PLACE",
        "PLACE_PROVIDER",
        "DEC",
        "REC",
        "REASON_PLACE_CHANGE",
        "HOME_POST",
        "PL_POST",
        "URN",
        "PL_LA",
        "PL_LOCATION",
        "PL_DISTANCE",
    ],
    "UASC": ["CHILD", "SEX", "DOB", "DUC"],
    "Reviews": ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
    "OC2": [
        "CHILD",
        "DOB",
        "SDQ_SCORE",
        "SDQ_REASON",
        "CONVICTED",
        "HEALTH_CHECK",
        "IMMUNISATIONS",
        "TEETH_CHECK",
        "HEALTH_ASSESSMENT",
        "SUBSTANCE_MISUSE",
        "INTERVENTION_RECEIVED",
        "INTERVENTION_OFFERED",
    ],
    "OC3": ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"],
    "AD1": [
        "CHILD",
        "DOB",
        "DATE_INT",
        "DATE_MATCH",
        "FOSTER_CARE",
        "NB_ADOPTR",
        "SEX_ADOPTR",
        "LS_ADOPTR",
    ],
    "PlacedAdoption": ["CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"],
    "PrevPerm": ["CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"],
    "Missing": ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"],
    "SWEpisodes": ["CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"],
    "DoLo": ["CHILD", "DOB", "DOLO_START", "DOLO_END"],
}
NEW_PLACEMENTS = "la_cla_during_year_new_placements.csv"
STABILITY = "la_cla_placement_stability.csv"
SUITABILITY = "la_care_leavers_accommodation_suitability.csv"
LOCATION = "Location of new placements during the year"
REASON = "Reason for placement change during the year"
LOCATIONS = {
    # label → (PL_LOCATION, PL_DISTANCE)
    "Placed inside LA boundary less than 20 miles from home": ("IN", "5.0"),
    "Placed inside LA boundary more than 20 miles from home": ("IN", "25.0"),
    "Placed outside LA boundary less than 20 miles from home": ("OUT", "8.0"),
    "Placed outside LA boundary more than 20 miles from home": ("OUT", "40.0"),
    "Distance not known or not recorded": ("OUT", "999.9"),
}
SUITABLE = {
    "Accommodation considered suitable": ("YES", "F2", "U1"),
    "Accommodation considered unsuitable": ("YES", "G5", "U2"),
    "No information": ("NO", "0", "0"),
}


@dataclass
class Target:
    """One LA-year's published figures (suppressed ones filled)."""

    la: str
    year: int
    locations: dict[str, int] | None = None
    reasons: dict[str, int] | None = None  # LA-file labels
    stability: dict[tuple[str, str], int] | None = None
    suitability: dict[tuple[str, str], int] | None = None
    filled: int = 0  # suppressed figures filled in
    problems: list[str] = field(default_factory=list)


# ---- reading and filling the published figures -------------------------------------------


@dataclass
class _Group:
    key: tuple[str, str, str]  # (year, la, group)
    total_label: str
    cells: dict[str, str]
    additive: bool = True  # the parts add up to the total


def _distribute(
    remainder: int, weights: dict[str, float], size: dict[str, float]
) -> dict[str, int]:
    """Split ``remainder`` over the hidden cells: each 1..5 by weight (its mean hidden value
    over all LAs) when it can be; when the remainder is more than five a cell, one cell was
    hidden by secondary suppression and is larger: the one whose hidden figures are largest
    over all LAs (``size``) takes what the others leave."""
    names = list(weights)
    if not names:
        return {}
    if remainder < len(
        names
    ):  # secondary suppression hid a zero (South Tyneside 2025: 40, c, c, total 41)
        ranked = sorted(names, key=lambda n: weights[n], reverse=True)
        return {n: (1 if i < max(0, remainder) else 0) for i, n in enumerate(ranked)}
    if remainder > 5 * len(names):
        big = max(names, key=lambda n: size[n])
        out = {n: min(5, max(1, round(weights[n]))) for n in names if n != big}
        out[big] = remainder - sum(out.values())
        return out
    total_w = sum(weights.values()) or 1.0
    raw = {n: remainder * weights[n] / total_w for n in names}
    out = {n: min(5, max(1, int(raw[n]))) for n in names}
    order = sorted(names, key=lambda n: raw[n] - int(raw[n]), reverse=True)
    left = remainder - sum(out.values())
    while left > 0 and any(out[n] < 5 for n in names):
        for n in order:
            if left and out[n] < 5:
                out[n] += 1
                left -= 1
    while left < 0 and any(out[n] > 1 for n in names):
        for n in reversed(order):
            if left and out[n] > 1:
                out[n] -= 1
                left += 1
    if left > 0:  # a figure hidden by secondary suppression: bigger than 5
        out[max(names, key=lambda n: weights[n])] += left
    return out


def _fill(
    groups: list[_Group], national: dict[tuple[str, str, str], int], rounds: int = 12
) -> tuple[dict[tuple[str, str, str], dict[str, int]], dict[tuple[str, str, str], int]]:
    """Fill every group's suppressed cells; returns values and how many were filled.

    Each hidden figure starts at the mean its label's hidden figures must have for England's
    figure to add up; the means are then refitted a few times (as iterative proportional
    fitting does) so that the filled figures sum as closely as they can to England's."""
    known: dict[tuple[str, str, str], int] = defaultdict(int)
    hidden: dict[tuple[str, str, str], int] = defaultdict(int)
    for g in groups:
        for name, text in g.cells.items():
            n = pub.number(text)
            if n is None:
                hidden[(g.key[0], g.key[2], name)] += 1
            else:
                known[(g.key[0], g.key[2], name)] += n
    want = {k: national.get(k, known[k] + 3 * hidden[k]) - known[k] for k in hidden}
    size = {k: want[k] / hidden[k] for k in hidden}
    weight = {k: min(5.0, max(1.0, v)) for k, v in size.items()}
    values: dict[tuple[str, str, str], dict[str, int]] = {}
    filled: dict[tuple[str, str, str], int] = {}
    for _ in range(rounds):
        got: dict[tuple[str, str, str], int] = defaultdict(int)
        for g in groups:
            if any(t.strip() in ("z", "x") for t in g.cells.values()):
                continue
            cells = _fill_group(g, weight, size)
            values[g.key] = cells
            filled[g.key] = sum(1 for t in g.cells.values() if pub.number(t) is None)
            for label, text in g.cells.items():
                if pub.number(text) is None:
                    got[(g.key[0], g.key[2], label)] += cells[label]
        for k in weight:
            if got[k] > 0 and want[k] > 0:
                weight[k] = min(5.0, max(0.5, weight[k] * want[k] / got[k]))
    return values, filled


def _fill_group(
    g: _Group, weight: dict[tuple[str, str, str], float], size: dict[tuple[str, str, str], float]
) -> dict[str, int]:
    cells = {n: pub.number(t) for n, t in g.cells.items()}
    unknown = [n for n, v in cells.items() if v is None]
    parts = [n for n in cells if n != g.total_label]

    def w(n: str) -> float:
        return weight.get((g.key[0], g.key[2], n), 3.0)

    total = cells.get(g.total_label)
    if total is None or not g.additive:
        for n in unknown:
            cells[n] = min(5, max(1, round(w(n))))
        if total is None:
            cells[g.total_label] = (
                sum(cells[n] or 0 for n in parts)
                if g.additive
                else max([cells[n] or 0 for n in parts] + [cells.get(g.total_label) or 0])
            )
    else:
        rest = total - sum(cells[n] or 0 for n in parts if cells[n] is not None)
        hide = [n for n in unknown if n != g.total_label]
        cells.update(
            _distribute(
                rest,
                {n: w(n) for n in hide},
                {n: size.get((g.key[0], g.key[2], n), 3.0) for n in hide},
            )
        )
    return {n: int(v or 0) for n, v in cells.items()}


def _groups(
    rows: Iterable[pub.Row], group_col: str, label_col: str, count_col: str, years: set[str]
) -> tuple[list[_Group], dict[tuple[str, str, str], int]]:
    grouped: dict[tuple[str, str, str], dict[str, str]] = defaultdict(dict)
    national: dict[tuple[str, str, str], int] = {}
    for r in rows:
        if r["time_period"] not in years:
            continue
        if r["geographic_level"] == "National":
            n = pub.number(r[count_col])
            if n is not None:
                national[(r["time_period"], r[group_col], r[label_col])] = n
        elif r["geographic_level"] == "Local authority":
            grouped[(r["time_period"], r["old_la_code"], r[group_col])][r[label_col]] = r[count_col]
    out = []
    for key, cells in grouped.items():
        total = next((n for n in cells if n.startswith(("Total", "Suitability total"))), "")
        out.append(_Group(key, total, cells))
    return out, national


def load(folder: str | Path, years: Iterable[int]) -> dict[tuple[str, int], Target]:
    """Every LA's targets for ``years`` from a release folder (e.g. ``release_2025``)."""
    wanted = {str(y) for y in years}
    folder = Path(folder)
    targets: dict[tuple[str, int], Target] = {}

    def target(year: str, la: str) -> Target:
        return targets.setdefault((la, int(year)), Target(la, int(year)))

    rows = pub.read(folder / NEW_PLACEMENTS)
    groups, national = _groups(rows, "characteristic", "breakdown", "children_count", wanted)
    values, filled = _fill(groups, national)
    for (year, la, group), cells in values.items():
        t = target(year, la)
        t.filled += filled[(year, la, group)]
        if group == LOCATION:
            t.locations = {k: v for k, v in cells.items() if k != "Total new placements"}
        else:
            t.reasons = {k: v for k, v in cells.items() if k != "Total placements changing"}

    rows = pub.read(folder / STABILITY)
    groups, national = _groups(rows, "cla_group", "placement_stability", "children_count", wanted)
    for g in groups:
        g.total_label, g.additive = "Total children", False
    values, filled = _fill(groups, national)
    for (year, la, group), cells in values.items():
        t = target(year, la)
        t.filled += filled[(year, la, group)]
        t.stability = (t.stability or {}) | {(group, k): v for k, v in cells.items()}

    rows = pub.read(folder / SUITABILITY)
    groups, national = _groups(rows, "care_leaver_age", "breakdown", "care_leaver_count", wanted)
    values, filled = _fill(groups, national)
    for (year, la, group), cells in values.items():
        t = target(year, la)
        t.filled += filled[(year, la, group)]
        t.suitability = (t.suitability or {}) | {(group, k): v for k, v in cells.items()}
    return targets


# ---- building the returns ----------------------------------------------------------------


def _d(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _dob(on: date, age: int) -> str:
    return _d(date(on.year - age - 1, 9, 15))  # birthday in September: age on 31 March


class _Return:
    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, str]]] = defaultdict(list)

    def child(self, child: str, dob: str, sex: str) -> None:
        self.rows["Header"].append({"CHILD": child, "SEX": sex, "DOB": dob})

    def episode(self, row: dict[str, str]) -> None:
        self.rows["Episodes"].append(row)  # kept by reference: reasons and places come later

    def tables(self) -> Tables:
        frames = {}
        for name, cols in COLUMNS.items():
            rows = self.rows.get(name, [])
            data = {c: [r.get(c) or None for r in rows] for c in cols}
            frames[name] = with_bookkeeping(
                pl.DataFrame(data, schema=dict.fromkeys(cols, pl.String))
            )
        return Tables(frames)


def _other_la(la: str) -> str:
    return "202" if la != "202" else "201"


class _Making:
    """The two returns being made for a target (this year's and last year's history), and
    the episodes whose reasons and places are filled in last."""

    def __init__(self, t: Target, seed: int) -> None:
        self.t, self.y = t, t.year
        self.a, self.b = start(t.year), end(t.year)
        self.rng = random.Random(f"{seed}:{t.la}:{t.year}")
        self.sexes = ("M", "F") if t.year >= 2025 else ("1", "2")
        self.now, self.before = _Return(), _Return()
        self.counter = iter(range(1, 10**9))
        self.changes: list[dict[str, str]] = []  # episodes ending in the year with a reason
        self.starts: list[dict[str, str]] = []  # episodes starting a placement in the year

    def new_child(self, age: int, *, history: bool = False) -> str:
        t, y, now = self.t, self.y, self.now
        child = f"{t.la}{y % 100:02d}{next(self.counter):06d}"
        sex = self.sexes[len(now.rows["Header"]) % 2]
        now.child(child, _dob(self.b, age), sex)
        if history:
            self.before.child(child, _dob(self.b, age), sex)
        return child

    def ep(
        self,
        ret: _Return,
        child: str,
        decom: date,
        rne: str,
        place: str = "U4",
        dec: date | None = None,
        rec: str = "",
    ) -> dict[str, str]:
        row = {
            "CHILD": child,
            "DECOM": _d(decom),
            "RNE": rne,
            "LS": "C2",
            "CIN": "N1",
            "PLACE": place,
            "PLACE_PROVIDER": "PR1",
            "DEC": _d(dec) if dec else "",
            "REC": rec,
            "PL_LA": self.t.la,
            "PL_LOCATION": "IN",
            "PL_DISTANCE": "3.0",
        }
        ret.episode(row)
        in_year = ret is self.now and self.a <= decom <= self.b
        if in_year and rne in ("S", "P", "B", "T", "U"):
            self.starts.append(row)
        if ret is self.now and dec is not None and self.a <= dec <= self.b and rec == "X1":
            self.changes.append(row)
        return row

    def moves(self, child: str, first: date, days: list[date], ret_of: list[_Return]) -> None:
        """Episodes from ``first`` with a carer change on each day (X1 then RNE P)."""
        since = first
        rne = "S"
        for day, ret in zip(days, ret_of, strict=True):
            self.ep(ret, child, since, rne, dec=day, rec="X1")
            if ret is self.before and day >= self.a:  # open across the year start: in both
                self.ep(self.now, child, since, rne, dec=day, rec="X1")
            since, rne = day, "P"
        self.ep(self.now, child, since, rne)


def build(t: Target, seed: int = 0) -> tuple[Tables, Tables]:
    """(previous year's history, this year's return) reproducing ``t``'s figures."""
    m = _Making(t, seed)
    _stability(m, *_stability_counts(t))
    _changes_and_new_placements(m)
    _reasons_and_places(m)
    _care_leavers(m)
    return m.before.tables(), m.now.tables()


def _stability_counts(t: Target) -> tuple[int, int, int, int, int, int, int]:
    """The stability figures (all, 3+ carers this year; 2 years, 3+ carers over 2 years;
    long-term, same carer 2 years) made to nest, and how many children looked after 2 years
    have 3 carers this year; what cannot nest is a problem of the target."""
    s = t.stability or {}
    n31 = s.get((STABILITY_YEAR, "Total children"), 0)
    k31 = s.get((STABILITY_YEAR, "With 3 or more placements during the year"), 0)
    n2 = s.get((STABILITY_TWO, "Total children"), 0)
    k2 = s.get((STABILITY_TWO, "With 3 or more placements during the previous 2 years"), 0)
    nl = s.get((STABILITY_LONG, "Total children"), 0)
    sl = s.get((STABILITY_LONG, "Living with the same carer for at least 2 years"), 0)
    if not (sl <= nl <= n2 <= n31 and k31 <= n31 and k2 <= n2):
        t.problems.append("stability figures do not nest (same carer ≤ long-term ≤ 2 years ≤ all)")
        nl, sl = min(nl, n2, n31), min(sl, nl, n2, n31)
        n2 = min(n2, n31)
    x = max(0, k31 - (n31 - n2))  # looked after 2 years and 3 carers this year
    if x > min(k2, n2 - sl) or k2 > n2 - sl:
        t.problems.append("stability figures need more moves than the children allow")
        x = min(x, k2, n2 - sl)
    return n31, k31, n2, k2, nl, sl, x


def _stability(m: _Making, n31: int, k31: int, n2: int, k2: int, nl: int, sl: int, x: int) -> None:
    """The children the stability figures count, with their carers over the years."""
    y = m.y
    long_ago, two_ago = date(y - 4, 1, 1), date(y - 3, 1, 1)
    moves_in_year = [date(y - 1, 6, 1), date(y - 1, 10, 1)]
    moves_before = [date(y - 2, 7, 1), date(y - 2, 11, 1)]
    for _ in range(sl):
        m.ep(m.now, m.new_child(10), long_ago, "S")
    # the children looked after 2 years who are not long-term same-carer: the first x have
    # 3 carers this year, the next k2 - x 3 carers over 2 years (two moves last year), the
    # other long-term ones one move last year, the rest none
    pool = [(True, i) for i in range(nl - sl)] + [(False, i) for i in range(n2 - nl)]
    for n, (is_long, _) in enumerate(pool):
        child = m.new_child(10 if is_long else 16, history=True)
        first = long_ago if is_long else two_ago
        if n < x:
            m.moves(child, first, moves_in_year, [m.now, m.now])
        elif n < k2:
            m.moves(child, first, moves_before, [m.before, m.before])
        elif is_long:
            m.moves(child, first, moves_before[:1], [m.before])
        else:
            m.ep(m.now, child, first, "S")
    # not in care last year (DfE's "CLA 2 years" is in care on 31 March and for at least a
    # day the year before): they started this year
    this_year = date(y - 1, 4, 15)
    for n in range(n31 - n2):
        child = m.new_child(12)
        if n < k31 - x:
            m.moves(child, this_year, moves_in_year, [m.now, m.now])
        else:
            m.ep(m.now, child, this_year, "S")


def _changes_and_new_placements(m: _Making) -> None:
    """Placement changes and new placements beyond those the children above make."""
    t, y = m.t, m.y
    pc, npl = sum((t.reasons or {}).values()), sum((t.locations or {}).values())
    extra = pc - len(m.changes)
    if extra < 0:
        t.problems.append(f"stability needs {len(m.changes)} placement changes, {pc} published")
    # DfE's totals for some LAs (25 of 726 LA-years, 2021-2025) have fewer new placements
    # than placement changes plus children who started and are still looked after: their
    # returns give reasons on episodes not followed by a new placement. Such a change is
    # made here with a change of legal status only (RNE L) after it.
    no_new = max(0, min(max(0, extra), len(m.starts) + max(0, extra) - npl))
    for n in range(max(0, extra)):
        child = m.new_child(8)
        m.ep(m.now, child, date(y - 1, 1, 1), "S", dec=date(y - 1, 5, 1), rec="X1")
        m.ep(
            m.now,
            child,
            date(y - 1, 5, 1),
            "L" if n < no_new else "P",
            dec=date(y - 1, 12, 1),
            rec="E4A",
        )
    begin = npl - len(m.starts)
    if begin < 0:
        t.problems.append(f"{len(m.starts)} new placements needed, {npl} published")
    for _ in range(max(0, begin)):
        child = m.new_child(7)
        m.ep(m.now, child, date(y - 1, 7, 1), "S", dec=date(y - 1, 9, 1), rec="E4A")


def _reasons_and_places(m: _Making) -> None:
    """The published reasons for changes and places of new placements, shuffled onto them."""
    t = m.t
    labels = [r for r, n in sorted((t.reasons or {}).items()) for _ in range(n)]
    m.rng.shuffle(labels)
    codes = {v: k for k, v in lab.mapping("reason", "la").items()}
    for row, label in zip(m.changes, labels, strict=False):
        row["REASON_PLACE_CHANGE"] = codes[label]
    where = [w for w, n in sorted((t.locations or {}).items()) for _ in range(n)]
    m.rng.shuffle(where)
    for row, label in zip(m.starts, where, strict=False):
        row["PL_LOCATION"], row["PL_DISTANCE"] = LOCATIONS[label]
        row["PL_LA"] = t.la if row["PL_LOCATION"] == "IN" else _other_la(t.la)


def _care_leavers(m: _Making) -> None:
    """Care leavers whose accommodation suitability gives the published figures."""
    for (group, breakdown), n in sorted((m.t.suitability or {}).items()):
        if breakdown not in SUITABLE:
            continue
        age = 18 if group.startswith("17") else 20
        touch, activ, accom = SUITABLE[breakdown]
        for _ in range(n):
            child = m.new_child(age)
            m.now.rows["OC3"].append(
                {
                    "CHILD": child,
                    "DOB": _dob(m.b, age),
                    "IN_TOUCH": touch,
                    "ACTIV": activ,
                    "ACCOM": accom,
                }
            )
