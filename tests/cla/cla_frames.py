"""A small clean 903 return built as raw text tables, to change one item at a time in tests.

Children (LA 202, Camden; year Y = the year ending 31 March Y):
* C1 in care since May Y-2 (open at the end of last year, continuously looked after 12 months),
  foster care (PR1, own provision, in the LA) then a children's home in Islington (PR4, OUT);
* C2 a care leaver aged 19 with no episode this year (named in last year's OC3);
* C3 an unaccompanied asylum-seeking child (no home postcode, so no distance);
* C4 a short break (V3) with no placement postcode or URN;
* C5 a chain with a temporary placement and moves with the same carer (T, U).
"""

from __future__ import annotations

from copy import deepcopy
from datetime import date
from typing import Any

import polars as pl

from csww.cla.references.postcodes import PostcodeLookup
from csww.cla.references.urn_list import UrnList
from csww.cla.spec import spec_for
from csww.cla.validate import validate
from csww.core.tables import Tables, with_bookkeeping
from csww.report.model import Report

LA = "202"
Rows = dict[str, list[dict[str, str | None]]]

POSTCODES = [
    ("NW1 2AB", 528000.0, 183000.0, "E09000007"),  # Camden (202)
    ("NW1 3CD", 528500.0, 183500.0, "E09000007"),  # Camden (202)
    ("N1 1AA", 531000.0, 184000.0, "E09000019"),  # Islington (206)
    ("CF10 1AA", 318000.0, 176000.0, "W06000015"),  # Cardiff (WAL)
    ("EH1 1AA", 325000.0, 673000.0, "S12000036"),  # Edinburgh (SCO), 329 miles
    ("ZE1 0AA", 447000.0, 1141000.0, "S12000027"),  # Shetland (SCO), 597 miles
]


def dmy(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _ep(
    child: str,
    decom: str,
    rne: str,
    ls: str,
    cin: str,
    place: str,
    provider: str | None,
    dec: str | None,
    rec: str | None,
    reason: str | None,
    home: str | None,
    pl_post: str | None,
    urn: str | None,
) -> dict[str, str | None]:
    return {
        "CHILD": child,
        "DECOM": decom,
        "RNE": rne,
        "LS": ls,
        "CIN": cin,
        "PLACE": place,
        "PLACE_PROVIDER": provider,
        "DEC": dec,
        "REC": rec,
        "REASON_PLACE_CHANGE": reason,
        "HOME_POST": home,
        "PL_POST": pl_post,
        "URN": urn,
    }


def clean(year: int) -> Rows:
    """The clean return for ``year``, in raw text."""
    y = year
    male, female = ("M", "F") if y >= 2025 else ("1", "2")
    t, u = ("T", "U") if y >= 2016 else ("P", "B")
    dobs = {
        "C1": dmy(date(y - 10, 6, 1)),
        "C2": dmy(date(y - 20, 9, 1)),
        "C3": dmy(date(y - 17, 1, 15)),
        "C4": dmy(date(y - 7, 2, 2)),
        "C5": dmy(date(y - 8, 3, 1)),
    }
    header = [
        {
            "CHILD": k,
            "SEX": male if k in ("C1", "C3", "C5") else female,
            "DOB": v,
            "ETHNIC": "WBRI",
            "UPN": "A123456789012" if k != "C2" else "UN5",
            "MOTHER": None,
            "MC_DOB": None,
        }
        for k, v in dobs.items()
    ]
    episodes = [
        _ep(
            "C1",
            dmy(date(y - 2, 5, 10)),
            "S",
            "C2",
            "N1",
            "U4",
            "PR1",
            dmy(date(y - 1, 8, 15)),
            "X1",
            "CARPL",
            "NW1 2AB",
            "NW1 3CD",
            "SC111111",
        ),
        _ep(
            "C1",
            dmy(date(y - 1, 8, 15)),
            "P",
            "C2",
            "N1",
            "K2",
            "PR4",
            None,
            None,
            None,
            "NW1 2AB",
            "N1 1AA",
            "SC222222",
        ),
        _ep(
            "C3",
            dmy(date(y - 1, 9, 1)),
            "S",
            "V2",
            "N7",
            "U6",
            "PR4",
            None,
            None,
            None,
            None,
            "N1 1AA",
            "SC333333",
        ),
        _ep(
            "C4",
            dmy(date(y, 2, 1)),
            "S",
            "V3",
            "N2",
            "R1",
            "PR3",
            dmy(date(y, 2, 3)),
            "E4A",
            None,
            "NW1 2AB",
            None,
            None,
        ),
        _ep(
            "C5",
            dmy(date(y - 1, 5, 1)),
            "S",
            "C1",
            "N1",
            "U6",
            "PR4",
            dmy(date(y - 1, 7, 1)),
            "X1",
            None,
            "NW1 2AB",
            "NW1 3CD",
            "SC444444",
        ),
        _ep(
            "C5",
            dmy(date(y - 1, 7, 1)),
            "P",
            "C1",
            "N1",
            "T4",
            None,
            dmy(date(y - 1, 7, 5)),
            "X1",
            None,
            "NW1 2AB",
            "NW1 3CD",
            None,
        ),
        _ep(
            "C5",
            dmy(date(y - 1, 7, 5)),
            u,
            "C2",
            "N1",
            "U6",
            "PR4",
            dmy(date(y - 1, 12, 1)),
            "X1",
            "CARPL",
            "NW1 2AB",
            "NW1 3CD",
            "SC444444",
        ),
        _ep(
            "C5",
            dmy(date(y - 1, 12, 1)),
            t,
            "C2",
            "N1",
            "U5",
            "PR4",
            None,
            None,
            None,
            "NW1 2AB",
            "NW1 3CD",
            "SC444444",
        ),
    ]
    if y < 2016:
        for e in episodes:
            e.pop("REASON_PLACE_CHANGE")
            e.pop("URN")
    return {
        "Header": header,
        "Episodes": episodes,
        "UASC": [{"CHILD": "C3", "SEX": male, "DOB": dobs["C3"], "DUC": None}],
        "Reviews": [
            {
                "CHILD": "C1",
                "DOB": dobs["C1"],
                "REVIEW": dmy(date(y - 1, 10, 1)),
                "REVIEW_CODE": "PN1",
            }
        ],
        "OC2": [
            {
                "CHILD": "C1",
                "DOB": dobs["C1"],
                "SDQ_SCORE": "12",
                "SDQ_REASON": None,
                "CONVICTED": "0",
                "HEALTH_CHECK": "1",
                "IMMUNISATIONS": "1",
                "TEETH_CHECK": "1",
                "HEALTH_ASSESSMENT": "1",
                "SUBSTANCE_MISUSE": "0",
                "INTERVENTION_RECEIVED": None,
                "INTERVENTION_OFFERED": None,
            }
        ],
        "OC3": [
            {"CHILD": "C2", "DOB": dobs["C2"], "IN_TOUCH": "YES", "ACTIV": "F1", "ACCOM": "D1"}
        ],
        "AD1": [],
        "PlacedAdoption": [],
        "PrevPerm": [
            {
                "CHILD": "C1",
                "DOB": dobs["C1"],
                "PREV_PERM": "Z1",
                "LA_PERM": None,
                "DATE_PERM": None,
            }
        ],
        "Missing": [
            {
                "CHILD": "C1",
                "DOB": dobs["C1"],
                "MISSING": "M",
                "MIS_START": dmy(date(y - 1, 11, 1)),
                "MIS_END": dmy(date(y - 1, 11, 2)),
            }
        ],
        "SWEpisodes": [],
        "DoLo": [],
    }


def last_year(year: int) -> Rows:
    """Last year's return, consistent with :func:`clean`: C1's first episode still open."""
    rows = clean(year)
    prev = clean(year - 1)
    first = deepcopy(rows["Episodes"][0])
    first.update({"DEC": None, "REC": None})
    if "REASON_PLACE_CHANGE" in first:
        first["REASON_PLACE_CHANGE"] = None
    if year - 1 < 2016:
        first.pop("REASON_PLACE_CHANGE", None)
        first.pop("URN", None)
    prev["Episodes"] = [first]
    c2 = rows["OC3"][0]
    prev["OC3"] = [dict(c2)]
    prev["Header"] = [h for h in rows["Header"] if h["CHILD"] in ("C1", "C2")]
    if year - 1 < 2025:
        for h in prev["Header"]:
            h["SEX"] = {"M": "1", "F": "2"}.get(str(h["SEX"]), h["SEX"])
    for name in ("UASC", "Reviews", "OC2", "PrevPerm", "Missing"):
        prev[name] = []
    return prev


def tables(rows: Rows, year: int) -> Tables:
    spec = spec_for(year)
    frames = {}
    for name, table in spec.tables.items():
        columns = table.columns
        data = {c: [r.get(c) for r in rows.get(name, [])] for c in columns}
        frame = pl.DataFrame(data, schema=dict.fromkeys(columns, pl.String))
        frames[name] = with_bookkeeping(frame, lines=[i + 2 for i in range(frame.height)])
    return Tables(frames)


def urn_list(year: int) -> UrnList:
    frame = pl.DataFrame(
        {
            "URN": ["SC111111", "SC222222", "SC333333", "SC444444"],
            "PLACE_CODES": [
                ["U1", "U2", "U3", "U4", "U5", "U6"],
                ["K2"],
                ["U4", "U5", "U6"],
                ["U4", "U5", "U6"],
            ],
            "PROVIDER_CODES": [["PR1"], ["PR4"], ["PR4"], ["PR4"]],
            "POSTCODE": ["NW1 3CD", "N1 1AA", "N1 1AA", "NW1 3CD"],
            "REG_START": [date(2000, 1, 1)] * 4,
            "REG_END": [None, None, None, None],
            "LA_CODE": ["202", "206", "206", "202"],
            "LA_NAME": [None] * 4,
            "LAYOUT": ["plain"] * 4,
        },
        schema_overrides={"REG_END": pl.Date, "LA_NAME": pl.String},
    )
    return UrnList(frame, layouts=("plain",))


def postcodes() -> PostcodeLookup:
    return PostcodeLookup.from_rows(POSTCODES)


def check(
    rows: Rows,
    year: int,
    *,
    previous: Rows | bool | None = True,
    urns: bool | UrnList = True,
    with_postcodes: bool = True,
) -> Report:
    """Validate ``rows`` for ``year`` with every input (last year's return by default)."""
    prev: Any = None
    if previous is True:
        prev = tables(last_year(year), year - 1) if year - 1 >= 2015 else None
    elif isinstance(previous, dict):
        prev = tables(previous, year - 1)
    return validate(
        tables(rows, year),
        la=LA,
        year=year,
        previous=prev,
        urn_list=urns if isinstance(urns, UrnList) else (urn_list(year) if urns else None),
        postcodes=postcodes() if with_postcodes else None,
    )


def found(report: Report) -> list[tuple[str, str | None, str | None]]:
    return [(i.rule, i.subject, i.field) for i in report.issues]


def row(rows: Rows, table: str, child: str, n: int = 0) -> dict[str, str | None]:
    """The n-th record of ``child`` in ``table`` (to change in place)."""
    return [r for r in rows[table] if r["CHILD"] == child][n]
