"""Synthetic 903 returns that reproduce DfE's national-only tables.

DfE publishes some tables for England only (``national_*`` files: placement changes by reason
with their breakdowns, new placements and children at 31 March by placement type, distance
and locality, starters by previous permanence, care leavers by activity, accommodation,
suitability and staying put). For each, :func:`build` makes a set of returns, spread over a
few LAs, whose children give exactly DfE's published (rounded) figures: each figure DfE
rounded to 10 is taken as the count, and where a breakdown's figures do not add up to its
total (rounding), figures are moved by at most 4 each so that they do, so each still rounds
to DfE's figure. A set reproduces one table family; the families are built apart so that one
does not disturb another (a placement change also makes a new placement).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from itertools import cycle
from pathlib import Path

from csww.cla.stats import labels as lab
from csww.cla.stats import published as pub
from csww.cla.stats.compute import Return
from csww.cla.stats.measures import AGE_BANDS, AGE_TOP, DURATION_TOP, DURATIONS
from csww.cla.stats.periods import end
from csww.cla.stats.targets import _Return

LAS = ("202", "206", "316", "330", "341", "373", "800", "873", "886", "919")
PLACE_OF = {
    "Foster placements": "U4",
    "Placed for adoption": "A4",
    "Placed with parents or other persons with parental responsibility": "P1",
    "Placed with parents or other person with parental responsibility": "P1",
    "Independent and semi-independent living arrangements/ supported accommodation": "H5",
    "Secure homes and children's homes": "K2",
    "Other residential settings": "R1",
    "Residential schools": "S1",
    "Other placement": "Z1",
    "Other placements": "R1",
}
AGE_OF = {
    label: age for age, label in zip((0, 3, 7, 12), (a for _, a in AGE_BANDS), strict=True)
} | {AGE_TOP: 16}
DAYS_OF = dict(
    zip(
        [d for _, d in DURATIONS] + [DURATION_TOP],
        (7, 30, 100, 250, 500, 900, 1400, 2700, 4000),
        strict=True,
    )
)
SUB_BANDS = {
    "1.i 20 miles or less inside LA boundary": ("IN", "5.0"),
    "1.ii 20 miles or less outside LA boundary": ("OUT", "8.0"),
    "2.i Over 20 miles inside LA boundary": ("IN", "25.0"),
    "2.ii Over 20 miles outside LA boundary": ("OUT", "40.0"),
    "Distance not known or not recorded": ("OUT", "999.9"),
    "Distance not Known or not recorded": ("OUT", "999.9"),
}


def fit(parts: Mapping[str, int], total: int) -> dict[str, int]:
    """Move each figure by at most 4 (never below 0) so that they add up to ``total``."""
    out = dict(parts)
    gap = total - sum(out.values())
    step = 1 if gap > 0 else -1
    for _ in range(4):
        for name in sorted(out, key=lambda n: -out[n]):
            if gap == 0:
                return out
            if out[name] + step >= 0:
                out[name] += step
                gap -= step
    return out


def fit2(
    cells: dict[tuple[str, str], int], rows: Mapping[str, int], columns: Mapping[str, int]
) -> dict[tuple[str, str], int]:
    """Integer cells (row, column) moved by a few units so that each row adds up to
    ``rows`` and, as far as moves within rows allow, each column to ``columns``."""
    out = dict(cells)
    for r, total in rows.items():
        keys = [k for k in out if k[0] == r]
        fitted = fit({k[1]: out[k] for k in keys}, total)
        for c, v in fitted.items():
            out[(r, c)] = v
    for _ in range(2000):
        col: dict[str, int] = defaultdict(int)
        for (_r, c), v in out.items():
            col[c] += v
        over = [c for c in columns if col[c] > columns[c]]
        under = [c for c in columns if col[c] < columns[c]]
        moved = False
        for a in over:
            for b in under:
                for r in rows:
                    if out.get((r, a), 0) > 0 and (r, b) in out:
                        out[(r, a)] -= 1
                        out[(r, b)] += 1
                        moved = True
                        break
                if moved:
                    break
            if moved:
                break
        if not moved:
            break
    return out


class _Set:
    """Returns for several LAs, filled child by child."""

    def __init__(self, year: int) -> None:
        self.year = year
        self.returns = {la: _Return() for la in LAS}
        self.next_la = cycle(LAS)
        self.n = 0

    def child(self, dob: date, sex: str) -> tuple[_Return, str]:
        la = next(self.next_la)
        self.n += 1
        child = f"N{self.n:09d}"
        ret = self.returns[la]
        ret.child(child, dob.strftime("%d/%m/%Y"), sex)
        return ret, la

    def done(self) -> list[Return]:
        return [Return(la, self.year, r.tables()) for la, r in self.returns.items()]


def _d(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _episode(
    ret: _Return, child: str, la: str, decom: date, rne: str, place: str, **more: str
) -> None:
    row = {
        "CHILD": child,
        "DECOM": _d(decom),
        "RNE": rne,
        "LS": "C2",
        "CIN": "N1",
        "PLACE": place,
        "PL_LA": la,
        "PL_LOCATION": "IN",
        "PL_DISTANCE": "3.0",
    }
    row.update(more)
    ret.episode(row)


def _rows(folder: Path, name: str, year: int) -> list[pub.Row]:
    return [r for r in pub.read(folder / name) if r["time_period"] == str(year)]


def reasons(folder: Path, year: int) -> list[Return]:
    """Placement changes by reason with age, gender, placement type, duration and need."""
    rows = _rows(folder, "national_reason_for_placement_change_during_year.csv", year)
    by: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)  # (group, reason) → char → n
    totals: dict[str, int] = {}
    all_placements: dict[str, dict[str, int]] = defaultdict(dict)  # group → char → n
    for r in rows:
        n = pub.number(r["number"])
        if n is None:
            n = 3 if r["number"].strip() == "c" else None  # a hidden national figure: small
        if n is None:
            continue
        if r["reason_for_change"] == "All Placements":
            all_placements[r["cla_group"]][r["characteristic"]] = n
        elif r["characteristic"] == "Total":
            totals[r["reason_for_change"]] = n
        else:
            by[(r["cla_group"], r["reason_for_change"])][r["characteristic"]] = n
    for group in ("Age", "Gender", "Placement type", "Duration of Placement", "Category of need"):
        cells = {(reason, c): n for reason in totals for c, n in by[(group, reason)].items()}
        columns = {c: n for c, n in all_placements[group].items() if c != "Total"}
        for (reason, c), n in fit2(cells, totals, columns).items():
            by[(group, reason)][c] = n
    codes = {v: k for k, v in lab.mapping("reason", "national").items()}
    needs = {v: k for k, v in lab.mapping("need").items()}
    out = _Set(year)
    ending = date(year - 1, 10, 1)
    for reason in sorted(totals):
        dims = {
            g: by[(g, reason)]
            for g in (
                "Age",
                "Gender",
                "Placement type",
                "Duration of Placement",
                "Category of need",
            )
        }
        lists = {
            g: sorted(
                (c for c, n in d.items() for _ in range(n)),
                key=lambda c: (AGE_OF.get(c, 0), DAYS_OF.get(c, 0)),
            )
            for g, d in dims.items()
        }
        size = min(len(v) for v in lists.values())
        ages = sorted(lists["Age"], key=lambda c: AGE_OF[c])[:size]
        durations = sorted(lists["Duration of Placement"], key=lambda c: DAYS_OF[c])[:size]
        for i in range(size):
            age = AGE_OF[ages[i]]
            dob = date(ending.year - age - 1, ending.month, ending.day) + timedelta(days=183)
            began = max(ending - timedelta(days=DAYS_OF[durations[i]]), dob)
            sex = {"Female": "2", "Male": "1"}[lists["Gender"][i]]
            ret, la = out.child(dob, sex)
            child = f"N{out.n:09d}"
            cin = needs[lists["Category of need"][i]]
            place = PLACE_OF[lists["Placement type"][i]]
            _episode(
                ret,
                child,
                la,
                began,
                "S",
                place,
                CIN=cin,
                DEC=_d(ending),
                REC="X1",
                REASON_PLACE_CHANGE=codes[reason],
            )
            _episode(ret, child, la, ending, "P", "U4", CIN=cin)
    return out.done()


def _by_group(rows: Sequence[pub.Row], group: str, label: str) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for r in rows:
        n = pub.number(r["number"])
        if n is not None:
            out[r[group]][r[label]] = n
    return out


def _placed(
    folder: Path, year: int, name: str, place: Callable[[_Set, date, str, str, str], None]
) -> list[Return]:
    groups = _by_group(_rows(folder, name, year), "cla_group", "characteristic")
    out = _Set(year)
    for group, cells in sorted(groups.items()):
        if group in ("All children", "All new placements"):
            continue
        subs = {k: v for k, v in cells.items() if k in SUB_BANDS}
        for band, n in sorted(fit(subs, cells.get("Total", sum(subs.values()))).items()):
            where, miles = SUB_BANDS[band]
            for _ in range(n):
                place(out, date(year - 10, 6, 1), PLACE_OF[group], where, miles)
    return out.done()


def new_placements(folder: Path, year: int) -> list[Return]:
    def place(out: _Set, dob: date, code: str, where: str, miles: str) -> None:
        ret, la = out.child(dob, "1")
        _episode(
            ret,
            f"N{out.n:09d}",
            la,
            date(year - 1, 9, 1),
            "S",
            code,
            PL_LOCATION=where,
            PL_DISTANCE=miles,
        )

    return _placed(
        folder,
        year,
        "national_cla_during_year_by_placement_type_and_locality_of_placement.csv",
        place,
    )


def at_31_march(folder: Path, year: int) -> list[Return]:
    def place(out: _Set, dob: date, code: str, where: str, miles: str) -> None:
        ret, la = out.child(dob, "2")
        _episode(
            ret,
            f"N{out.n:09d}",
            la,
            date(year - 2, 9, 1),
            "S",
            code,
            PL_LOCATION=where,
            PL_DISTANCE=miles,
        )

    return _placed(
        folder,
        year,
        "national_cla_on_31_march_by_placement_distance_and_placement_locality.csv",
        place,
    )


def previous_permanence(folder: Path, year: int) -> list[Return]:
    rows = [
        r
        for r in _rows(folder, "national_cla_started_to_be_looked_after.csv", year)
        if r["cla_group"] == "Previous permanence arrangement"
    ]
    cells = {r["characteristic"]: pub.number(r["number"]) or 0 for r in rows}
    codes = {v: k for k, v in lab.mapping("previous_permanence").items()}
    fitted = fit({k: v for k, v in cells.items() if k in codes}, cells["Total children"])
    out = _Set(year)
    for label, n in sorted(fitted.items()):
        for _ in range(n):
            ret, la = out.child(date(year - 8, 5, 1), "1")
            child = f"N{out.n:09d}"
            _episode(ret, child, la, date(year - 1, 11, 1), "S", "U4")
            ret.rows["PrevPerm"].append(
                {"CHILD": child, "DOB": _d(date(year - 8, 5, 1)), "PREV_PERM": codes[label]}
            )
    return out.done()


def care_leavers(folder: Path, year: int) -> list[Return]:
    """Care leavers aged 17 to 21 by in touch, activity, accommodation, suitability and
    gender, and the 18-year-olds who left foster care on their birthday (staying put)."""
    act_rows = _rows(folder, "national_activity_of_care_leaver.csv", year)
    acc_rows = _rows(folder, "national_accommodation_of_care_leavers.csv", year)
    suit_rows = _rows(
        folder, "national_care_leavers_by_whether_their_accommodation_is_suitable.csv", year
    )
    sp_rows = _rows(folder, "national_care_leavers_staying_put.csv", year)
    activity = {v: k for k, v in lab.mapping("care_leaver_activity").items()}
    accom = {v: k for k, v in lab.mapping("care_leaver_accommodation").items()}
    out_act = {v: k for k, v in lab.mapping("care_leaver_not_in_touch", "activity").items()}
    out_acc = {v: k for k, v in lab.mapping("care_leaver_not_in_touch", "accommodation").items()}
    touch = {v: k for k, v in lab.mapping("care_leaver_not_in_touch", "in_touch").items()}
    out = _Set(year)
    b = end(year)
    for age in (17, 18, 19, 20, 21):
        label = f"{age} years"

        def cells(
            rows: Sequence[pub.Row], measure: str, col: str, age_col: str, label: str = label
        ) -> dict[str, int]:
            return {
                r[col]: n
                for r in rows
                if r[age_col] == label
                and r.get("measure", measure) == measure
                and (n := pub.number(r["number"])) is not None
            }

        acts = cells(act_rows, "Activity of care leaver", "characteristic", "age_group")
        total = acts.get("Total activity of care leavers", 0)
        touching = fit(
            {
                k: v
                for k, v in cells(
                    act_rows, "LA in-touch with the care leaver", "characteristic", "age_group"
                ).items()
                if k in touch
            },
            total,
        )
        gender = fit(
            {
                k: v
                for k, v in cells(act_rows, "Gender", "characteristic", "age_group").items()
                if k in ("Female", "Male")
            },
            total,
        )
        act_fit = fit({k: v for k, v in acts.items() if k in activity or k in out_act}, total)
        accs = cells(
            acc_rows, "Accommodation of care leaver", "accommodation_type", "care_leaver_age"
        )
        acc_fit = fit({k: v for k, v in accs.items() if k in accom or k in out_acc}, total)
        suit = {
            r["accommodation_suitability"]: pub.number(r["number"]) or 0
            for r in suit_rows
            if r["care_leaver_age"] == label
        }
        people: list[dict[str, str]] = [
            {"IN_TOUCH": touch[k]} for k, n in sorted(touching.items()) for _ in range(n)
        ]
        # activity and accommodation "not known" go to those not in touch, the rest get codes
        for fitted, out_map, key in ((act_fit, out_act, "ACTIV"), (acc_fit, out_acc, "ACCOM")):
            unknown = [k for k in fitted if k in out_map]
            known = [
                (activity if key == "ACTIV" else accom)[k]
                for k, n in sorted(fitted.items())
                if k not in out_map
                for _ in range(n)
            ]
            spare = iter(known)
            for name in unknown:
                code = out_map[name]
                want = fitted[name]
                for p in people:
                    if want and p["IN_TOUCH"] == code and key not in p:
                        p[key] = "0"
                        want -= 1
            for p in people:
                if key not in p:
                    p[key] = next(spare, "0" if key == "ACTIV" else "Y")
        # suitability: the accommodation's second character
        good = suit.get("Accommodation considered suitable", 0)
        for p in people:
            if p["ACCOM"] != "0" and p["ACCOM"][:1] not in ("G", "H", "R"):
                p["ACCOM"] += "1" if good > 0 else "2"
                good -= 1
            elif p["ACCOM"] != "0":
                p["ACCOM"] += "1"
        sexes = [
            ("2" if k == "Female" else "1") for k, n in sorted(gender.items()) for _ in range(n)
        ]
        stay = {
            r["characteristic"][:1]: pub.number(r["number"]) or 0
            for r in sp_rows
            if r["care_leaver_age"] == label
        }
        eligible, living = stay.get("1", 0), stay.get("2", 0)
        dob = date(b.year - age - 1, 10, 15)
        for i, p in enumerate(people):
            ret, la = out.child(dob, sexes[i] if i < len(sexes) else "1")
            child = f"N{out.n:09d}"
            ret.rows["OC3"].append({"CHILD": child, "DOB": _d(dob), **p})
            if age == 18:
                z = p["ACCOM"].startswith("Z")
                if (z and living > 0) or (not z and eligible - living > 0):
                    birthday = date(dob.year + 18, dob.month, dob.day)
                    _episode(
                        ret, child, la, date(year - 4, 1, 1), "S", "U4", DEC=_d(birthday), REC="E17"
                    )
                    eligible -= 1
                    living -= 1 if z else 0
    return out.done()


FAMILIES: dict[str, tuple[Callable[[Path, int], list[Return]], tuple[str, ...]]] = {
    "reasons": (reasons, ("national_reason_for_placement_change_during_year",)),
    "new placements": (
        new_placements,
        ("national_cla_during_year_by_placement_type_and_locality_of_placement",),
    ),
    "31 March": (
        at_31_march,
        ("national_cla_on_31_march_by_placement_distance_and_placement_locality",),
    ),
    "previous permanence": (previous_permanence, ("national_cla_started_to_be_looked_after",)),
    "care leavers": (
        care_leavers,
        (
            "national_activity_of_care_leaver",
            "national_accommodation_of_care_leavers",
            "national_care_leavers_by_whether_their_accommodation_is_suitable",
            "national_care_leavers_staying_put",
        ),
    ),
}
