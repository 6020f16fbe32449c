"""Small 903 returns for tests, as the shared contract's Tables: raw text columns."""

from __future__ import annotations

import polars as pl

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
    ],
    "OC3": ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"],
    "PrevPerm": ["CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"],
}
DERIVED = ["PL_LA", "PL_LOCATION", "PL_DISTANCE"]


def frame(name: str, rows: list[dict[str, str]], derived: bool = False) -> pl.DataFrame:
    cols = COLUMNS[name] + (DERIVED if derived and name == "Episodes" else [])
    data = {c: [(r.get(c) or None) for r in rows] for c in cols}
    return with_bookkeeping(pl.DataFrame(data, schema=dict.fromkeys(cols, pl.String)))


def tables(
    header: list[dict[str, str]],
    episodes: list[dict[str, str]],
    oc3: list[dict[str, str]] | None = None,
    prev_perm: list[dict[str, str]] | None = None,
    derived: bool = True,
) -> Tables:
    return Tables(
        {
            "Header": frame("Header", header),
            "Episodes": frame("Episodes", episodes, derived),
            "OC3": frame("OC3", oc3 or []),
            "PrevPerm": frame("PrevPerm", prev_perm or []),
        }
    )


def ep(
    child: str,
    decom: str,
    rne: str,
    ls: str,
    cin: str,
    place: str,
    dec: str = "",
    rec: str = "",
    reason: str = "",
    where: str = "",
    miles: str = "",
) -> dict[str, str]:
    return {
        "CHILD": child,
        "DECOM": decom,
        "RNE": rne,
        "LS": ls,
        "CIN": cin,
        "PLACE": place,
        "DEC": dec,
        "REC": rec,
        "REASON_PLACE_CHANGE": reason,
        "PL_LOCATION": where,
        "PL_DISTANCE": miles,
    }
