"""The adoption rules: each fires on its defect at the right child and item, and not on a near
miss; a return with a child adopted in the year, and a decision carried over from last year,
raises no issue in any year.

C6, added to the clean return of :mod:`tests.cla.cla_frames`, starts care on 2 April of the
year before (accommodated, V2) with foster carers who are approved adopters (U5); the decision
that C6 should be placed for adoption is made on 1 May, C6 is matched on 1 June, placed for
adoption with the same carers with consent (A3, RNE T) on 15 June and adopted on 1 December
(E11).
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from csww.cla.references.urn_list import UrnList
from csww.cla.spec import available_years
from tests.cla.cla_frames import Rows, check, clean, dmy, found, last_year, urn_list
from tests.cla.test_rules_cases import Case, Edit, add, both, s

YEAR = 2025


def _c6_dob(year: int) -> str:
    return dmy(date(year - 3, 6, 1))


def _c6_episode(year: int, decom: date, rne: str, ls: str, place: str) -> dict[str, str | None]:
    episode: dict[str, str | None] = {
        "CHILD": "C6",
        "DECOM": dmy(decom),
        "RNE": rne,
        "LS": ls,
        "CIN": "N1",
        "PLACE": place,
        "PLACE_PROVIDER": "PR1",
        "DEC": None,
        "REC": None,
        "REASON_PLACE_CHANGE": None,
        "HOME_POST": "NW1 2AB",
        "PL_POST": "NW1 3CD",
        "URN": "SC111111",
    }
    if year < 2016:
        episode.pop("REASON_PLACE_CHANGE")
        episode.pop("URN")
    return episode


def adopt(year: int = YEAR) -> Edit:
    """Add C6, adopted in the year (see the module's docstring)."""

    def edit(rows: Rows) -> None:
        y = year - 1
        dob = _c6_dob(year)
        rows["Header"].append(
            {
                "CHILD": "C6",
                "SEX": "M" if year >= 2025 else "1",
                "DOB": dob,
                "ETHNIC": "WBRI",
                "UPN": "A123456789012",
                "MOTHER": None,
                "MC_DOB": None,
            }
        )
        foster = _c6_episode(year, date(y, 4, 2), "S", "V2", "U5")
        foster.update({"DEC": dmy(date(y, 6, 15)), "REC": "X1"})
        if "REASON_PLACE_CHANGE" in foster:
            foster["REASON_PLACE_CHANGE"] = "CARPL"
        placed = _c6_episode(year, date(y, 6, 15), "T" if year >= 2016 else "P", "V2", "A3")
        placed.update({"DEC": dmy(date(y, 12, 1)), "REC": "E11"})
        rows["Episodes"] += [foster, placed]
        rows["AD1"].append(
            {
                "CHILD": "C6",
                "DOB": dob,
                "DATE_INT": dmy(date(y, 5, 1)),
                "DATE_MATCH": dmy(date(y, 6, 1)),
                "FOSTER_CARE": "1",
                "NB_ADOPTR": "2",
                "SEX_ADOPTR": "MF",
                "LS_ADOPTR": "L11",
            }
        )
        rows["PlacedAdoption"].append(decision("C6", dmy(date(y, 5, 1)), dob=dob))

    return edit


def decision(
    child: str,
    placed: str,
    ceased: str | None = None,
    reason: str | None = None,
    dob: str | None = None,
) -> dict[str, str | None]:
    """A PlacedAdoption record."""
    return {
        "CHILD": child,
        "DOB": dob or "01/06/2015",
        "DATE_PLACED": placed,
        "DATE_PLACED_CEASED": ceased,
        "REASON_PLACED_CEASED": reason,
    }


def decide(child: str, placed: str, ceased: str | None = None, reason: str | None = None) -> Edit:
    return add("PlacedAdoption", **decision(child, placed, ceased, reason))


def no_decision(child: str) -> Edit:
    def edit(rows: Rows) -> None:
        rows["PlacedAdoption"] = [r for r in rows["PlacedAdoption"] if r["CHILD"] != child]

    return edit


def ad1(**items: str | None) -> Edit:
    return both(adopt(), s("AD1", "C6", **items))


def c6_decision(**items: str | None) -> Edit:
    return both(adopt(), s("PlacedAdoption", "C6", **items))


def c6_episode(n: int, **items: str | None) -> Edit:
    return both(adopt(), s("Episodes", "C6", n, **items))


def split_placement(rne: str) -> Edit:
    """C6's placement for adoption continues from 1 September in a second episode (a
    placement order granted with the same carers, A5, RNE L; or new carers, A6, RNE P)."""
    place = "A5" if rne == "L" else "A6"

    def edit(rows: Rows) -> None:
        adopt()(rows)
        placed = [r for r in rows["Episodes"] if r["CHILD"] == "C6"][1]
        second = dict(placed, DECOM="01/09/2024", RNE=rne, LS="E1", PLACE=place)
        placed.update({"DEC": "01/09/2024", "REC": "X1", "REASON_PLACE_CHANGE": "CARPL"})
        rows["Episodes"].append(second)

    return edit


# An earlier decision for C6, reversed before the one that led to the adoption.
REVERSED_FIRST = both(adopt(), decide("C6", "01/01/2024", "01/03/2024", "RD1"))
# C6's placement for adoption ends with C6 going home, not adopted.
WENT_HOME = both(
    c6_episode(1, REC="E4A"),
    lambda rows: rows.update(AD1=[r for r in rows["AD1"] if r["CHILD"] != "C6"]),
)

FIRING: list[Case] = [
    # the adoption record against itself
    Case("333", ad1(DATE_INT="02/06/2024"), "C6", "DATE_INT"),
    Case("511", ad1(NB_ADOPTR="2", SEX_ADOPTR="M1"), "C6", "NB_ADOPTR"),
    Case("514", ad1(LS_ADOPTR="L0"), "C6", "LS_ADOPTR", note="a couple's sex"),
    Case("514", ad1(LS_ADOPTR="L0", SEX_ADOPTR="F1"), "C6", "LS_ADOPTR", note="two adopters"),
    Case("517", ad1(LS_ADOPTR="L3", SEX_ADOPTR="MM"), "C6", "LS_ADOPTR"),
    Case("518", ad1(LS_ADOPTR="L4", SEX_ADOPTR="MF"), "C6", "LS_ADOPTR"),
    Case("519", ad1(LS_ADOPTR="L2", SEX_ADOPTR="F1"), "C6", "LS_ADOPTR"),
    Case("520", ad1(SEX_ADOPTR="FF"), "C6", "LS_ADOPTR"),
    Case("524", ad1(LS_ADOPTR="L12", SEX_ADOPTR="MF"), "C6", "LS_ADOPTR"),
    # the adoption record against the episodes
    Case("331", ad1(DATE_MATCH="20/06/2024"), "C6", "DATE_MATCH"),
    Case(
        "331",
        both(split_placement("L"), s("AD1", "C6", DATE_MATCH="20/06/2024")),
        "C6",
        "DATE_MATCH",
        note="placement carried on",
    ),
    Case("521", ad1(DATE_INT="16/06/2024"), "C6", "DATE_INT"),
    Case("334", ad1(DATE_INT="01/04/2024"), "C6", "DATE_INT"),
    Case("335", ad1(FOSTER_CARE="0"), "C6", "FOSTER_CARE"),
    Case("335", c6_episode(1, PLACE="A4", RNE="P"), "C6", "FOSTER_CARE", note="not current carer"),
    Case("582", ad1(DATE_MATCH="01/12/2024"), "C6", "DEC"),
    # episodes
    Case("336", c6_episode(0, PLACE="K2"), "C6", "PLACE"),
    Case("516", s("Episodes", "C4", REC="E45"), "C4", "REC"),
    # decisions to place for adoption
    Case("522", decide("C1", "01/05/2024", "30/04/2024", "RD1"), "C1", "DATE_PLACED"),
    Case(
        "579",
        both(decide("C1", "01/05/2024"), decide("C1", "01/08/2024")),
        "C1",
        "DATE_PLACED",
        note="previous still open",
    ),
    Case(
        "579",
        both(decide("C1", "01/05/2024", "01/09/2024", "RD1"), decide("C1", "01/08/2024")),
        "C1",
        "DATE_PLACED",
        note="overlap",
    ),
    Case("583", both(decide("C1", "01/05/2024"), decide("C1", "01/08/2024")), "C1", "DATE_PLACED"),
    Case("523", c6_decision(DATE_PLACED="02/05/2024"), "C6", "DATE_INT"),
    Case(
        "525",
        c6_decision(DATE_PLACED_CEASED="01/11/2024", REASON_PLACED_CEASED="RD4"),
        "C6",
        "DATE_PLACED_CEASED",
    ),
    Case("558", c6_decision(DATE_PLACED_CEASED="01/11/2024"), "C6", "REC"),
    Case("551", both(adopt(), no_decision("C6")), "C6", "PLACE"),
    Case(
        "551",
        c6_decision(DATE_PLACED=None),
        "C6",
        "PLACE",
        note="no date",
    ),
    Case("553", s("Episodes", "C1", 1, LS="E1"), "C1", "LS"),
    Case(
        "552",
        both(ad1(DATE_INT="20/06/2024"), s("PlacedAdoption", "C6", DATE_PLACED="20/06/2024")),
        "C6",
        "DATE_PLACED",
    ),
    Case(
        "554",
        both(s("Episodes", "C1", 1, LS="E1", RNE="B"), decide("C1", "01/09/2024")),
        "C1",
        "DATE_PLACED",
    ),
    Case("557", WENT_HOME, "C6", "DATE_PLACED_CEASED"),
    Case(
        "557",
        both(WENT_HOME, s("PlacedAdoption", "C6", DATE_PLACED_CEASED="01/12/2024")),
        "C6",
        "REASON_PLACED_CEASED",
        note="no reason",
    ),
    # decisions against last year's return
    Case("559", decide("C1", "01/01/2024"), "C1", "DATE_PLACED"),
    Case(
        "560",
        decide("C1", "02/01/2024"),
        "C1",
        "DATE_PLACED",
        prev=decide("C1", "01/01/2024"),
    ),
    Case(
        "561",
        decide("C1", "01/01/2024"),
        "C1",
        "DATE_PLACED",
        prev=decide("C1", "01/01/2024", "01/03/2024", "RD1"),
    ),
    Case(
        "584",
        decide("C1", "01/12/2023"),
        "C1",
        "DATE_PLACED",
        prev=decide("C1", "01/01/2024", "01/03/2024", "RD1"),
    ),
]

NEAR_MISS: list[Case] = [
    Case("333", ad1(DATE_INT="01/06/2024"), note="same day"),
    Case("333", ad1(DATE_INT=None), note="no decision date"),
    Case("511", ad1(NB_ADOPTR="1", SEX_ADOPTR="M1", LS_ADOPTR="L0")),
    Case("514", ad1(NB_ADOPTR="1", SEX_ADOPTR="F1", LS_ADOPTR="L0")),
    Case("517", ad1(LS_ADOPTR="L3")),
    Case("518", ad1(LS_ADOPTR="L4", SEX_ADOPTR="FF")),
    Case("519", ad1(LS_ADOPTR="L2")),
    Case("520", ad1(SEX_ADOPTR=None), note="no sex of adopters"),
    Case("524", ad1(LS_ADOPTR="L12", SEX_ADOPTR="MM")),
    Case("331", ad1(DATE_MATCH="15/06/2024"), note="same day"),
    Case(
        "331",
        both(split_placement("P"), s("AD1", "C6", DATE_MATCH="20/06/2024")),
        note="new carers",
    ),
    Case("521", ad1(DATE_INT="15/06/2024")),
    Case("334", ad1(DATE_INT="02/04/2024")),
    Case("335", both(c6_episode(1, PLACE="A4", RNE="P"), s("AD1", "C6", FOSTER_CARE="0"))),
    Case("582", ad1(DATE_MATCH="30/11/2024")),
    Case("582", both(adopt(2022), s("AD1", "C6", DATE_MATCH="01/12/2021")), year=2022),
    Case("336", both(c6_episode(0, PLACE="K2"), s("Episodes", "C6", 1, PLACE="A4", RNE="P"))),
    Case(
        "336",
        both(
            c6_episode(0, PLACE="K2", DEC="10/06/2024", REC="E4A"),
            s("Episodes", "C6", 1, RNE="S"),
        ),
        note="a new period of care",
    ),
    Case("516", both(s("Episodes", "C1", 1, DEC="01/03/2025", REC="E45"))),
    Case("522", decide("C1", "01/05/2024", "01/05/2024", "RD1")),
    Case("579", both(decide("C1", "01/05/2024", "01/08/2024", "RD1"), decide("C1", "01/08/2024"))),
    Case("583", both(decide("C1", "01/05/2024", "01/08/2024", "RD1"), decide("C1", "01/08/2024"))),
    Case(
        "583",
        both(decide("C1", "01/05/2022"), decide("C1", "01/08/2022")),
        year=2022,
        note="before 2023",
    ),
    Case("523", REVERSED_FIRST, note="an earlier decision reversed"),
    Case("525", REVERSED_FIRST),
    Case("558", REVERSED_FIRST),
    Case("551", adopt()),
    Case("553", both(s("Episodes", "C1", 1, LS="E1"), decide("C1", "01/07/2024"))),
    Case(
        "552", both(ad1(DATE_INT="15/06/2024"), s("PlacedAdoption", "C6", DATE_PLACED="15/06/2024"))
    ),
    Case("554", both(s("Episodes", "C1", 1, LS="E1", RNE="B"), decide("C1", "15/08/2024"))),
    Case(
        "554",
        both(s("Episodes", "C1", 1, LS="E1"), decide("C1", "01/09/2024")),
        note="no grant seen",
    ),
    Case(
        "554",
        both(s("Episodes", "C1", 0, LS="E1", RNE="L"), decide("C1", "01/09/2024")),
        note="granted last year",
    ),
    Case(
        "557",
        both(
            WENT_HOME,
            s("PlacedAdoption", "C6", DATE_PLACED_CEASED="01/12/2024", REASON_PLACED_CEASED="RD1"),
        ),
    ),
    Case("557", c6_episode(1, REC="E3"), note="care taken over"),
    Case(
        "557",
        both(
            WENT_HOME,
            s("PlacedAdoption", "C6", DATE_PLACED_CEASED="01/12/2024", REASON_PLACED_CEASED="RD1"),
            lambda rows: rows["Episodes"].append(
                dict(
                    next(r for r in rows["Episodes"] if r["CHILD"] == "C6"),
                    DECOM="01/02/2025",
                    DEC=None,
                    REC=None,
                    REASON_PLACE_CHANGE=None,
                )
            ),
            decide("C6", "15/02/2025"),
        ),
        note="back in care, new decision",
    ),
    Case("559", decide("C1", "01/01/2024"), prev=decide("C1", "01/01/2024")),
    Case("559", decide("C1", "01/04/2024"), note="this year's decision"),
    Case("560", decide("C1", "01/01/2024"), prev=decide("C1", "01/01/2024")),
    Case(
        "560",
        both(decide("C1", "01/01/2024", "01/06/2024", "RD1"), decide("C1", "01/08/2024")),
        prev=decide("C1", "01/01/2024"),
        note="reversed, then new",
    ),
    Case(
        "561",
        decide("C1", "01/01/2024", "01/03/2024", "RD1"),
        prev=decide("C1", "01/01/2024", "01/03/2024", "RD1"),
    ),
    Case(
        "584",
        decide("C1", "01/05/2024"),
        prev=decide("C1", "01/01/2024", "01/03/2024", "RD1"),
    ),
]

RULES = sorted({c.rule for c in FIRING})


def _id(case: Case) -> str:
    return f"{case.rule}-{case.year}{'-' + case.note[:20] if case.note else ''}"


def test_every_rule_has_a_firing_case_and_a_near_miss() -> None:
    assert sorted({c.rule for c in NEAR_MISS}) == RULES
    assert len(RULES) == 30


@pytest.mark.parametrize("case", FIRING, ids=[_id(c) for c in FIRING])
def test_rule_fires_at_the_child_and_item(case: Case) -> None:
    issues = case.run()
    assert issues, f"{case.rule} did not fire"
    assert (case.rule, case.child, case.field) in issues, issues


@pytest.mark.parametrize("case", NEAR_MISS, ids=[_id(c) for c in NEAR_MISS])
def test_rule_is_quiet_on_a_near_miss(case: Case) -> None:
    assert case.run() == []


def _adoption_urns(year: int) -> UrnList:
    """The URN list, the foster carers' agency (SC111111) also approving adopters."""
    base = urn_list(year)
    frame = base.frame.with_columns(
        pl.when(pl.col("URN") == "SC111111")
        .then(pl.col("PLACE_CODES").list.concat(pl.lit(["A3", "A4", "A5", "A6"])))
        .otherwise(pl.col("PLACE_CODES"))
        .alias("PLACE_CODES")
    )
    return UrnList(frame, layouts=base.layouts)


@pytest.mark.parametrize("year", available_years())
def test_a_return_with_an_adoption_has_no_issue(year: int) -> None:
    rows = clean(year)
    adopt(year)(rows)
    # C1's decision, made before the year began, is carried over from last year's return.
    carried = dmy(date(year - 1, 1, 10))
    decide("C1", carried)(rows)
    previous: Rows | None = None
    if year > 2015:
        previous = last_year(year)
        decide("C1", carried)(previous)
    report = check(rows, year, previous=previous, urns=_adoption_urns(year))
    assert found(report) == []
    assert report.valid
