"""Each rule fires on its defect at the right child and item, and not on a near miss.

Every case starts from the clean return of :mod:`tests.cla.cla_frames` (which raises no issue
in any year) and changes as little as possible.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import polars as pl
import pytest

from csww.cla.references.urn_list import UrnList
from tests.cla.cla_frames import Rows, check, clean, last_year, row, urn_list

Edit = Callable[[Rows], None]


@dataclass(frozen=True)
class Case:
    rule: str
    edit: Edit
    child: str | None = None  # expected child (firing cases)
    field: str | None = None  # expected item (firing cases)
    year: int = 2025
    prev: Edit | None = None  # change to last year's return
    urns: Callable[[pl.DataFrame], pl.DataFrame] | None = None
    note: str = ""

    def run(self) -> list[tuple[str, str | None, str | None]]:
        rows = clean(self.year)
        self.edit(rows)
        previous: Rows | bool = True
        if self.prev is not None:
            previous = last_year(self.year)
            self.prev(previous)
        urns: UrnList | bool = True
        if self.urns is not None:
            base = urn_list(self.year)
            urns = UrnList(self.urns(base.frame), layouts=base.layouts)
        report = check(rows, self.year, previous=previous, urns=urns)
        return [(i.rule, i.subject, i.field) for i in report.issues if i.rule == self.rule]


def s(table: str, child: str, n: int = 0, **items: str | None) -> Edit:
    """Set items on the n-th record of a child in a table."""

    def edit(rows: Rows) -> None:
        row(rows, table, child, n).update(items)

    return edit


def add(table: str, **items: str | None) -> Edit:
    def edit(rows: Rows) -> None:
        rows[table].append(dict(items))

    return edit


def both(*edits: Edit) -> Edit:
    def edit(rows: Rows) -> None:
        for e in edits:
            e(rows)

    return edit


def nothing(rows: Rows) -> None:
    return None


def dob(child: str, year: int) -> str:
    return str(row(clean(year), "Header", child)["DOB"])


AD1 = {
    "CHILD": "C1",
    "DOB": "01/06/2015",
    "DATE_INT": "01/01/2024",
    "DATE_MATCH": "01/02/2024",
    "FOSTER_CARE": "0",
    "NB_ADOPTR": "1",
    "SEX_ADOPTR": "F1",
    "LS_ADOPTR": "L0",
}
PA = {
    "CHILD": "C1",
    "DOB": "01/06/2015",
    "DATE_PLACED": "01/01/2024",
    "DATE_PLACED_CEASED": None,
    "REASON_PLACED_CEASED": None,
}
SW = {
    "CHILD": "C1",
    "DOB": "01/06/2015",
    "SW_ID": "SW1",
    "SW_DECOM": "01/05/2024",
    "SW_DEC": None,
    "SW_REASON": None,
}
DOLO = {"CHILD": "C1", "DOB": "01/06/2017", "DOLO_START": "01/05/2026", "DOLO_END": None}
OC3_C3 = {"CHILD": "C3", "DOB": "15/01/2008", "IN_TOUCH": "YES", "ACTIV": "F2", "ACCOM": "D1"}
OC3_C3_27 = dict(OC3_C3, DOB="15/01/2010")
# C6, a young person known only from last year's return (2025: last year began 1 April 2023).
OC3_C6 = {"CHILD": "C6", "DOB": "01/10/2007", "IN_TOUCH": "YES", "ACTIV": "F2", "ACCOM": "D1"}
EP_C6 = {
    "CHILD": "C6",
    "DECOM": "01/05/2023",
    "RNE": "S",
    "LS": "C2",
    "CIN": "N1",
    "PLACE": "U4",
    "PLACE_PROVIDER": "PR1",
    "DEC": "01/09/2023",
    "REC": "E4A",
    "REASON_PLACE_CHANGE": None,
    "HOME_POST": "NW1 2AB",
    "PL_POST": "NW1 3CD",
    "URN": "SC111111",
}
EP_C6_NOW = dict(EP_C6, DECOM="10/03/2025", DEC=None, REC=None)

FIRING: list[Case] = [
    # item formats and codes
    Case("101", s("Header", "C1", SEX="X"), "C1", "SEX"),
    Case("101", s("Header", "C1", SEX="M"), "C1", "SEX", year=2024, note="M/F/U from 2025"),
    Case("102", s("Header", "C1", DOB="31/02/2015"), "C1", "DOB"),
    Case("103", s("Header", "C1", ETHNIC="XXXX"), "C1", "ETHNIC"),
    Case("104", s("UASC", "C3", DUC="2025-01-01"), "C3", "DUC"),
    Case("112", add("AD1", **dict(AD1, DATE_INT="1/1/24")), "C1", "DATE_INT"),
    Case("113", add("AD1", **dict(AD1, DATE_MATCH="x")), "C1", "DATE_MATCH"),
    Case("114", add("AD1", **dict(AD1, FOSTER_CARE="2")), "C1", "FOSTER_CARE"),
    Case("175", add("AD1", **dict(AD1, NB_ADOPTR="3")), "C1", "NB_ADOPTR"),
    Case("176", add("AD1", **dict(AD1, SEX_ADOPTR="XX")), "C1", "SEX_ADOPTR"),
    Case("177", add("AD1", **dict(AD1, LS_ADOPTR="L9")), "C1", "LS_ADOPTR"),
    Case("115", add("PlacedAdoption", **dict(PA, DATE_PLACED=None)), "C1", "DATE_PLACED"),
    Case(
        "116",
        add("PlacedAdoption", **dict(PA, DATE_PLACED_CEASED="32/01/2025")),
        "C1",
        "DATE_PLACED_CEASED",
    ),
    Case(
        "120",
        add("PlacedAdoption", **dict(PA, REASON_PLACED_CEASED="RD9")),
        "C1",
        "REASON_PLACED_CEASED",
    ),
    Case("131", s("OC3", "C2", IN_TOUCH="MAYBE"), "C2", "IN_TOUCH"),
    Case("132", s("OC3", "C2", ACTIV="F3"), "C2", "ACTIV", note="F3 ended in 2021"),
    Case("133", s("OC3", "C2", ACCOM="Q1"), "C2", "ACCOM"),
    Case("141", s("Episodes", "C4", DECOM="2025-02-01"), "C4", "DECOM"),
    Case("143", s("Episodes", "C4", RNE="X"), "C4", "RNE"),
    Case("143", s("Episodes", "C5", 3, RNE="T"), "C5", "RNE", year=2015),
    Case("144", s("Episodes", "C4", LS="ZZ"), "C4", "LS"),
    Case("145", s("Episodes", "C4", CIN="N9"), "C4", "CIN"),
    Case("146", s("Episodes", "C1", 1, PLACE="K3"), "C1", "PLACE", year=2024),
    Case("146", s("Episodes", "C1", 1, PLACE="Z1"), "C1", "PLACE", year=2026),
    Case("147", s("Episodes", "C4", DEC="32/01/2025"), "C4", "DEC"),
    Case("149", s("Episodes", "C4", REC="E99"), "C4", "REC"),
    Case("149", s("Episodes", "C4", REC="E45"), "C4", "REC", year=2018),
    Case("166", s("Reviews", "C1", REVIEW=None), "C1", "REVIEW"),
    Case("167", s("Reviews", "C1", REVIEW_CODE="PN9"), "C1", "REVIEW_CODE"),
    Case("168", s("Header", "C1", UPN="I23456789012X"), "C1", "UPN"),
    Case("171", s("Header", "C4", MC_DOB="soon"), "C4", "MC_DOB"),
    Case("178", s("Episodes", "C1", 1, PLACE_PROVIDER="PR9"), "C1", "PLACE_PROVIDER"),
    Case("180", s("OC2", "C1", SDQ_SCORE="41"), "C1", "SDQ_SCORE"),
    Case("181", s("OC2", "C1", TEETH_CHECK="2"), "C1", "TEETH_CHECK"),
    Case("196", s("OC2", "C1", SDQ_REASON="SDQ9"), "C1", "SDQ_REASON"),
    Case("1004", s("Missing", "C1", MIS_START=None), "C1", "MIS_START"),
    Case("1005", s("Missing", "C1", MIS_END="x"), "C1", "MIS_END"),
    Case("1006", s("Missing", "C1", MISSING="X"), "C1", "MISSING"),
    Case("1009", s("Episodes", "C1", 0, REASON_PLACE_CHANGE="FOO"), "C1", "REASON_PLACE_CHANGE"),
    Case(
        "1009",
        s("Episodes", "C1", 0, REASON_PLACE_CHANGE="CUSTOD"),
        "C1",
        "REASON_PLACE_CHANGE",
        year=2018,
    ),
    Case("SW02STG1", add("SWEpisodes", **dict(SW, SW_ID="AB1")), "C1", "SW_ID"),
    Case("SW04STG1", add("SWEpisodes", **dict(SW, SW_DECOM="x")), "C1", "SW_DECOM"),
    Case("SW05STG1", add("SWEpisodes", **dict(SW, SW_DEC="x")), "C1", "SW_DEC"),
    Case("SW13STG1", add("SWEpisodes", **dict(SW, SW_REASON="PCCHA")), "C1", "SW_REASON"),
    Case("700", add("DoLo", **dict(DOLO, DOLO_START=None)), "C1", "DOLO_START", year=2027),
    Case("701", add("DoLo", **dict(DOLO, DOLO_END="x")), "C1", "DOLO_END", year=2027),
    # episode chain
    Case("142", s("Episodes", "C5", 0, DEC=None, REC=None), "C5", "DEC"),
    Case("148", s("Episodes", "C4", REC=None), "C4", "DEC"),
    Case("355", s("Episodes", "C4", DEC="01/02/2025"), "C4", "DEC"),
    Case("356", s("Episodes", "C4", DEC="31/01/2025"), "C4", "DEC"),
    Case("357", s("Episodes", "C3", RNE="P"), "C3", "RNE"),
    Case("388", s("Episodes", "C5", 0, REC="E4A"), "C5", "REC"),
    Case("388", s("Episodes", "C4", REC="X1"), "C4", "REC"),
    Case("431", s("Episodes", "C5", 1, RNE="S"), "C5", "RNE"),
    Case("432", s("Episodes", "C5", 0, REC="E13"), "C5", "RNE"),
    Case("433", s("Episodes", "C5", 1, DECOM="02/07/2024"), "C5", "RNE"),
    Case("434", s("Episodes", "C5", 1, RNE="L"), "C5", "RNE"),
    Case("435", s("Episodes", "C5", 3, PLACE="U6"), "C5", "RNE"),
    Case("436", s("Episodes", "C5", 2, LS="C1"), "C5", "RNE"),
    Case("437", s("Episodes", "C5", 0, REC="E2"), "C5", "REC"),
    Case("501", s("Episodes", "C5", 1, DECOM="30/06/2024"), "C5", "DECOM"),
    Case("217", s("Episodes", "C5", 1, PLACE="A3"), "C5", "RNE"),
    Case("502", s("Episodes", "C1", 0, DECOM="11/05/2023"), "C1", "DECOM"),
    Case("503A", nothing, "C1", "RNE", prev=s("Episodes", "C1", RNE="P")),
    Case("503B", nothing, "C1", "LS", prev=s("Episodes", "C1", LS="C1")),
    Case("503C", nothing, "C1", "CIN", prev=s("Episodes", "C1", CIN="N2")),
    Case("503D", nothing, "C1", "PLACE", prev=s("Episodes", "C1", PLACE="U6")),
    Case("503E", nothing, "C1", "PLACE_PROVIDER", prev=s("Episodes", "C1", PLACE_PROVIDER="PR4")),
    Case("503F", nothing, "C1", "URN", prev=s("Episodes", "C1", URN="SC444444")),
    Case("503G", nothing, "C1", "PL_DISTANCE", prev=s("Episodes", "C1", PL_POST="N1 1AA")),
    Case("503H", nothing, "C1", "PL_LA", prev=s("Episodes", "C1", PL_POST="N1 1AA")),
    Case("503J", nothing, "C1", "PL_LOCATION", prev=s("Episodes", "C1", PL_POST="N1 1AA")),
    Case("562", s("Episodes", "C1", 0, DECOM="09/05/2023"), "C1", "DECOM"),
    # reason for placement change
    Case("225", s("Episodes", "C5", 2, REASON_PLACE_CHANGE=None), "C5", "REASON_PLACE_CHANGE"),
    Case("226", s("Episodes", "C5", 1, REASON_PLACE_CHANGE="CARPL"), "C5", "REASON_PLACE_CHANGE"),
    Case(
        "226",
        s("Episodes", "C5", 0, REASON_PLACE_CHANGE="CARPL"),
        "C5",
        "REASON_PLACE_CHANGE",
        note="the episode before a temporary placement",
    ),
    Case(
        "233",
        s("Episodes", "C5", 3, REASON_PLACE_CHANGE="OTHER"),
        "C5",
        "REASON_PLACE_CHANGE",
        year=2026,
    ),
    Case(
        "234",
        s("Episodes", "C5", 2, REASON_PLACE_CHANGE="CUSTOD"),
        "C5",
        "REASON_PLACE_CHANGE",
        year=2026,
    ),
    # URN
    Case("218", s("Episodes", "C1", 1, URN=None), "C1", "URN"),
    Case("222", s("Episodes", "C4", URN="SC111111"), "C4", "URN"),
    Case("214", s("Episodes", "C4", PL_POST="NW1 3CD"), "C4", "PL_POST"),
    Case("230", s("Episodes", "C1", 1, PLACE="H5", URN=None), "C1", "URN", year=2024),
    Case("1008", s("Episodes", "C1", 1, URN="SC999999"), "C1", "URN"),
    Case("219", s("Episodes", "C1", 1, PLACE="K1"), "C1", "PLACE"),
    Case("224", s("Episodes", "C1", 1, PLACE_PROVIDER="PR5"), "C1", "PLACE_PROVIDER"),
    Case("221", s("Episodes", "C1", 1, PL_POST="NW1 3CD"), "C1", "PL_POST"),
    Case(
        "227",
        nothing,
        "C1",
        "DECOM",
        urns=lambda f: f.with_columns(
            pl.when(pl.col("URN") == "SC222222")
            .then(pl.lit(date(2024, 8, 1)))
            .otherwise(None)
            .alias("REG_END")
        ),
    ),
    Case(
        "228",
        nothing,
        "C1",
        "DEC",
        urns=lambda f: f.with_columns(
            pl.when(pl.col("URN") == "SC222222")
            .then(pl.lit(date(2025, 1, 1)))
            .otherwise(None)
            .alias("REG_END")
        ),
    ),
    Case(
        "229",
        nothing,
        "C1",
        "PLACE_PROVIDER",
        urns=lambda f: f.with_columns(
            pl.when(pl.col("URN") == "SC111111")
            .then(pl.lit("206"))
            .otherwise(pl.col("LA_CODE"))
            .alias("LA_CODE")
        ),
    ),
    # care leavers
    Case("153", s("OC3", "C2", ACCOM=None), "C2", "ACCOM"),
    Case("391", s("OC3", "C2", DOB="01/09/2008"), "C2", "IN_TOUCH"),
    Case(
        "391",
        s("OC3", "C2", DOB="01/09/2007"),
        "C2",
        "IN_TOUCH",
        year=2015,
        note="17-year-olds were not in OC3 before 2016",
    ),
    Case("391", s("OC3", "C2", DOB="01/03/2002"), "C2", "IN_TOUCH", note="22 at 1 April"),
    Case("1007", add("OC3", **OC3_C3), "C3", "IN_TOUCH"),
    Case(
        "1016",
        both(add("OC3", **OC3_C3), s("Episodes", "C3", DEC="01/02/2025", REC="E4A")),
        "C3",
        "IN_TOUCH",
    ),
    Case(
        "3001",
        both(
            add("OC3", **dict(OC3_C3, ACCOM="Z1")), s("Episodes", "C3", DEC="01/12/2024", REC="E4A")
        ),
        "C3",
        "ACCOM",
    ),
    Case("344", s("OC3", "C2", IN_TOUCH="DIED"), "C2", "ACTIV"),
    Case("345", s("OC3", "C2", ACTIV="0"), "C2", "ACTIV"),
    Case(
        "347",
        both(
            add("OC3", **dict(OC3_C3_27, ACCOM="T1")),
            s("Episodes", "C3", DEC="01/12/2026", REC="E4A"),
            s("Header", "C3", DOB="15/01/2010"),
            s("UASC", "C3", DOB="15/01/2010"),
        ),
        "C3",
        "ACCOM",
        year=2027,
    ),
    Case(
        "348",
        nothing,
        "C2",
        "IN_TOUCH",
        year=2026,
        prev=s("OC3", "C2", IN_TOUCH="DIED", ACTIV="0", ACCOM="0"),
    ),
    Case(
        "1000",
        nothing,
        "C2",
        "IN_TOUCH",
        prev=add(
            "Episodes",
            CHILD="C2",
            DECOM="01/05/2023",
            RNE="S",
            LS="C2",
            CIN="N1",
            PLACE="U4",
            PLACE_PROVIDER="PR1",
            DEC="01/06/2023",
            REC="E2",
            REASON_PLACE_CHANGE=None,
            HOME_POST="NW1 2AB",
            PL_POST="NW1 3CD",
            URN="SC111111",
        ),
    ),
    Case("1002", nothing, "C2", "IN_TOUCH", prev=lambda r: r.__setitem__("OC3", [])),
    Case(
        "1010",
        nothing,
        "C2",
        "IN_TOUCH",
        prev=add(
            "Episodes",
            CHILD="C2",
            DECOM="01/05/2023",
            RNE="S",
            LS="C2",
            CIN="N1",
            PLACE="U4",
            PLACE_PROVIDER="PR1",
            DEC=None,
            REC=None,
            REASON_PLACE_CHANGE=None,
            HOME_POST="NW1 2AB",
            PL_POST="NW1 3CD",
            URN="SC111111",
        ),
    ),
    Case(
        "1011",
        both(
            s("Episodes", "C4", REC="E3"),
            add("OC3", CHILD="C4", DOB="02/02/2018", IN_TOUCH="YES", ACTIV="F2", ACCOM="D1"),
        ),
        "C4",
        "IN_TOUCH",
    ),
    Case(
        "1012",
        add(
            "Missing",
            CHILD="C2",
            DOB="01/09/2005",
            MISSING="M",
            MIS_START="01/11/2024",
            MIS_END=None,
        ),
        "C2",
        "CHILD",
    ),
    Case("1014", add("UASC", CHILD="C2", SEX="F", DOB="01/09/2005", DUC="01/09/2023"), "C2", "DUC"),
    Case(
        "215",
        add(
            "OC2",
            CHILD="C2",
            DOB="01/09/2005",
            SDQ_SCORE=None,
            SDQ_REASON=None,
            CONVICTED="0",
            HEALTH_CHECK=None,
            IMMUNISATIONS=None,
            TEETH_CHECK=None,
            HEALTH_ASSESSMENT=None,
            SUBSTANCE_MISUSE=None,
            INTERVENTION_RECEIVED=None,
            INTERVENTION_OFFERED=None,
        ),
        "C2",
        "CONVICTED",
    ),
    Case("134", add("AD1", **dict(AD1, CHILD="C2", DOB="01/09/2005")), "C2", "DATE_INT"),
    Case(
        "187",
        add("OC3", CHILD="C1", DOB="01/06/2015", IN_TOUCH="YES", ACTIV="F2", ACCOM="D1"),
        "C1",
        "CHILD",
        note="care-leaver part, reported on the header",
    ),
    Case("187", add("AD1", **AD1), "C1", "CHILD", note="adoption part"),
    Case(
        "1001",
        add("OC3", **OC3_C6),
        "C6",
        "IN_TOUCH",
        prev=add("Episodes", **EP_C6),
        note="16 within the returns, no care since",
    ),
    Case(
        "1001",
        add("OC3", **dict(OC3_C6, DOB="01/06/2006")),
        "C6",
        "IN_TOUCH",
        prev=add("Episodes", **dict(EP_C6, PLACE="A6", PLACE_PROVIDER="PR5", REC="E11")),
        note="adopted",
    ),
    Case(
        "1001",
        both(add("OC3", **dict(OC3_C6, DOB="01/03/2009")), add("Episodes", **EP_C6_NOW)),
        "C6",
        "IN_TOUCH",
        note="under 13 weeks since 14",
    ),
    Case(
        "1001",
        add("OC3", **OC3_C6),
        "C6",
        "IN_TOUCH",
        prev=add("Episodes", **dict(EP_C6, LS="V3", PL_POST=None, URN=None, DEC="15/10/2023")),
        note="a short break over the 16th birthday does not count",
    ),
    Case("628", s("Header", "C2", MOTHER="0"), "C2", "MOTHER"),
    # postcodes, distance, placement LA, provider
    Case("392a", s("Episodes", "C1", 1, HOME_POST="ZZ1 1ZZ"), "C1", "PL_DISTANCE"),
    Case("392b", s("Episodes", "C1", 1, HOME_POST=None), "C1", "HOME_POST"),
    Case("392c", s("Episodes", "C1", 1, HOME_POST="NOT A PC"), "C1", "HOME_POST"),
    Case("392d", s("Episodes", "C1", 1, HOME_POST="N1 1AA"), "C1", "PL_POST"),
    Case("454", s("Episodes", "C1", 1, PL_POST="ZE1 0AA"), "C1", "PL_DISTANCE", year=2026),
    Case("406", s("Episodes", "C3", HOME_POST="NW1 2AB"), "C3", "PL_DISTANCE"),
    Case("398", s("Episodes", "C4", PL_POST="N1 1AA"), "C4", "PL_DISTANCE"),
    Case("420", s("Episodes", "C4", PL_POST="CF10 1AA"), "C4", "PL_LA"),
    Case("169", s("Episodes", "C1", 1, PL_POST="ZZ1 1ZZ"), "C1", "PL_LA"),
    Case("452", nothing, "C1", "PL_LA", prev=s("Episodes", "C1", PL_POST="N1 1AA")),
    Case("453", nothing, "C1", "PL_DISTANCE", prev=s("Episodes", "C1", PL_POST="N1 1AA")),
    Case("1015", s("Episodes", "C1", 1, PLACE_PROVIDER="PR1"), "C1", "PL_LA"),
    Case("213", s("Episodes", "C5", 1, PLACE_PROVIDER="PR4"), "C5", "PLACE_PROVIDER"),
    Case(
        "213",
        s("Episodes", "C5", 1, PLACE="Z11", PLACE_PROVIDER="PR4"),
        "C5",
        "PLACE_PROVIDER",
        year=2026,
    ),
    Case("526", s("Episodes", "C1", 1, PLACE_PROVIDER=None), "C1", "PLACE_PROVIDER"),
    Case("527", s("Episodes", "C1", 0, PLACE="R2"), "C1", "PLACE_PROVIDER"),
    Case("528", s("Episodes", "C1", 0, PLACE="P1", PLACE_PROVIDER="PR2"), "C1", "PLACE_PROVIDER"),
    Case("529", s("Episodes", "C1", 1, PLACE_PROVIDER="PR3"), "C1", "PLACE_PROVIDER"),
    Case("530", s("Episodes", "C1", 1, PLACE="P1"), "C1", "PLACE_PROVIDER"),
    Case("531", s("Episodes", "C1", 1, PLACE="P1", PLACE_PROVIDER="PR5"), "C1", "PLACE_PROVIDER"),
    Case("550", s("Episodes", "C1", 1, PLACE_PROVIDER="PR0"), "C1", "PLACE_PROVIDER"),
]

NEAR_MISS: list[Case] = [
    Case("101", s("Header", "C1", SEX="m"), note="codes are compared whatever their case"),
    Case("101", s("Header", "C1", SEX="1"), year=2024),
    Case("102", s("Header", "C1", DOB="28/02/2015")),
    Case("103", s("Header", "C1", ETHNIC="wroM")),
    Case("104", s("UASC", "C3", DUC="01/01/2025")),
    Case("112", add("AD1", **AD1)),
    Case("114", add("AD1", **dict(AD1, FOSTER_CARE="1"))),
    Case("175", add("AD1", **dict(AD1, NB_ADOPTR="2", SEX_ADOPTR="MF", LS_ADOPTR="L11"))),
    Case("115", add("PlacedAdoption", **PA)),
    Case(
        "120",
        add(
            "PlacedAdoption",
            **dict(PA, DATE_PLACED_CEASED="01/02/2025", REASON_PLACED_CEASED="RD1"),
        ),
    ),
    Case("131", s("OC3", "C2", IN_TOUCH="nreq", ACTIV="0", ACCOM="0")),
    Case("132", s("OC3", "C2", ACTIV="F4"), note="F4 from 2022"),
    Case("132", s("OC3", "C2", ACTIV="F3"), year=2021),
    Case("133", s("OC3", "C2", ACCOM="X1"), note="accepted: the sources disagree"),
    Case("141", s("Episodes", "C4", DECOM="02/02/2025", DEC="04/02/2025")),
    Case("143", s("Episodes", "C5", 3, RNE="t"), year=2016),
    Case("146", s("Episodes", "C1", 1, PLACE="K3"), year=2025),
    Case(
        "146",
        s("Episodes", "C1", 1, PLACE="H5", URN=None),
        year=2025,
        note="H5 still accepted in 2025 (sources disagree)",
    ),
    Case("146", s("Episodes", "C1", 1, PLACE="Z14", PLACE_PROVIDER=None, URN=None), year=2026),
    Case("147", s("Episodes", "C4", DEC="29/02/2024", DECOM="01/02/2024"), year=2024),
    Case("149", s("Episodes", "C4", REC="e4b")),
    Case("149", s("Episodes", "C4", REC="E43"), year=2018),
    Case("166", s("Reviews", "C1", REVIEW="02/10/2024")),
    Case("168", s("Header", "C1", UPN="UN3")),
    Case("168", s("Header", "C1", UPN="A12345678901B")),
    Case("171", s("Header", "C4", MC_DOB=None)),
    Case("178", s("Episodes", "C1", 1, PLACE_PROVIDER="pr4")),
    Case("180", s("OC2", "C1", SDQ_SCORE="40")),
    Case("181", s("OC2", "C1", INTERVENTION_RECEIVED="0")),
    Case("196", s("OC2", "C1", SDQ_SCORE=None, SDQ_REASON="SDQ1")),
    Case("1004", s("Missing", "C1", MIS_END=None)),
    Case("1006", s("Missing", "C1", MISSING="a")),
    Case("1009", s("Episodes", "C1", 0, REASON_PLACE_CHANGE="custod"), year=2019),
    Case("SW02STG1", add("SWEpisodes", **dict(SW, SW_ID="XX7", SW_REASON="PCCHAN"))),
    Case("700", add("DoLo", **DOLO), year=2027),
    Case("113", add("AD1", **dict(AD1, DATE_MATCH="29/02/2024"))),
    Case(
        "116",
        add(
            "PlacedAdoption",
            **dict(PA, DATE_PLACED_CEASED="31/01/2025", REASON_PLACED_CEASED="RD4"),
        ),
    ),
    Case("144", s("Episodes", "C4", LS="v4")),
    Case("145", s("Episodes", "C4", CIN="N8")),
    Case("167", s("Reviews", "C1", REVIEW_CODE="PN0")),
    Case("176", add("AD1", **dict(AD1, SEX_ADOPTR="m1"))),
    Case("177", add("AD1", **dict(AD1, LS_ADOPTR="L4"))),
    Case("1005", s("Missing", "C1", MIS_END="03/11/2024")),
    Case(
        "SW04STG1",
        add(
            "SWEpisodes", **dict(SW, SW_DECOM="02/05/2024", SW_DEC="03/05/2024", SW_REASON="MANAGE")
        ),
    ),
    Case("SW05STG1", add("SWEpisodes", **dict(SW, SW_DEC=None))),
    Case("SW13STG1", add("SWEpisodes", **dict(SW, SW_REASON="others"))),
    Case("701", add("DoLo", **dict(DOLO, DOLO_END="02/05/2026")), year=2027),
    Case("142", s("Episodes", "C4", DEC=None, REC=None), note="the final episode may be open"),
    Case("148", s("Episodes", "C4", DEC=None, REC=None)),
    Case("355", s("Episodes", "C4", DEC="02/02/2025")),
    Case("356", s("Episodes", "C4", DEC="02/02/2025")),
    Case("357", s("Episodes", "C1", 0, RNE="P"), note="started before the year"),
    Case("388", s("Episodes", "C4", REC="E4B")),
    Case("431", s("Episodes", "C3", RNE="S")),
    Case("432", s("Episodes", "C5", 0, REC="X1")),
    Case("433", s("Episodes", "C3", RNE="P"), note="no previous episode: rule 357's case"),
    Case("434", s("Episodes", "C5", 2, RNE="L", PLACE="T4", PLACE_PROVIDER=None, URN=None)),
    Case(
        "435",
        s("Episodes", "C5", 3, PLACE="U6", PL_POST="NW1 2AB"),
        note="same carer moved house: T with only the postcode changed",
    ),
    Case("436", nothing),
    Case("437", s("Episodes", "C4", REC="E2")),
    Case("501", s("Episodes", "C5", 1, DECOM="01/07/2024")),
    Case("217", s("Episodes", "C5", 3, PLACE="A5")),
    Case("502", nothing),
    Case(
        "503D",
        s("Episodes", "C1", 0, PLACE="K3"),
        prev=s("Episodes", "C1", PLACE="H5"),
        note="H5 recoded K3 across the year",
    ),
    Case("562", nothing),
    Case("503A", s("Episodes", "C1", 0, RNE="s"), note="case is not a difference"),
    Case("503B", nothing, prev=s("Episodes", "C1", LS=" C2 ")),
    Case("503C", nothing, prev=s("Episodes", "C1", CIN="n1")),
    Case("503E", nothing),
    Case("503F", nothing, year=2016, note="2015 had no URN: nothing to compare"),
    Case("503G", nothing, prev=s("Episodes", "C1", HOME_POST="NW1 2AB")),
    Case("503H", nothing, prev=s("Episodes", "C1", PL_POST="NW1 3CD")),
    Case("503J", nothing, year=2016),
    Case("225", nothing, note="the move before a temporary placement needs no reason"),
    Case("226", nothing),
    Case("233", s("Episodes", "C5", 3, REASON_PLACE_CHANGE="OTHER"), year=2025),
    Case("234", s("Episodes", "C3", REASON_PLACE_CHANGE="CUSTOD"), year=2026),
    Case("218", s("Episodes", "C1", 1, URN=None, PL_POST="CF10 1AA")),
    Case("222", s("Episodes", "C4", URN="XXXXXXX")),
    Case("214", nothing),
    Case("230", s("Episodes", "C1", 1, PLACE="H5"), year=2024),
    Case("1008", s("Episodes", "C1", 1, URN="XXXXXXX")),
    Case("219", s("Episodes", "C1", 0, PLACE="U6")),
    Case("224", s("Episodes", "C1", 1, PLACE_PROVIDER="pr4")),
    Case("221", s("Episodes", "C1", 1, PL_POST="n11aa")),
    Case("227", nothing, urns=lambda f: f.with_columns(pl.lit(date(2025, 3, 31)).alias("REG_END"))),
    Case("228", nothing, urns=lambda f: f.with_columns(pl.lit(date(2025, 3, 31)).alias("REG_END"))),
    Case("229", nothing),
    Case("153", s("OC3", "C2", IN_TOUCH=None, ACTIV=None, ACCOM=None)),
    Case("391", s("OC3", "C2", DOB="01/09/2007"), note="17 at 31 March: in the cohort from 2016"),
    Case("391", s("OC3", "C2", DOB="01/09/2003"), note="21 at 1 April"),
    Case("1007", both(add("OC3", **OC3_C3), s("Episodes", "C3", DEC="01/12/2024", REC="E4A"))),
    Case("1016", both(add("OC3", **OC3_C3), s("Episodes", "C3", DEC="01/01/2025", REC="E4A"))),
    Case("3001", s("OC3", "C2", ACCOM="Z1")),
    Case("344", s("OC3", "C2", IN_TOUCH="DIED", ACTIV="0", ACCOM="0")),
    Case("345", s("OC3", "C2", IN_TOUCH="NO", ACTIV="0", ACCOM="0")),
    Case("347", s("OC3", "C2", ACCOM="T1"), year=2027),
    Case(
        "348",
        s("OC3", "C2", IN_TOUCH="DIED", ACTIV="0", ACCOM="0"),
        year=2026,
        prev=s("OC3", "C2", IN_TOUCH="DIED", ACTIV="0", ACCOM="0"),
    ),
    Case(
        "1000",
        nothing,
        prev=add(
            "Episodes",
            CHILD="C2",
            DECOM="01/05/2023",
            RNE="S",
            LS="C2",
            CIN="N1",
            PLACE="U4",
            PLACE_PROVIDER="PR1",
            DEC="01/06/2023",
            REC="E4A",
            REASON_PLACE_CHANGE=None,
            HOME_POST="NW1 2AB",
            PL_POST="NW1 3CD",
            URN="SC111111",
        ),
    ),
    Case("1002", nothing),
    Case(
        "1002",
        nothing,
        year=2016,
        prev=lambda r: r.__setitem__("OC3", []),
        note="18 in 2015, outside that year's ages 19-21: last year need not name them",
    ),
    Case("1010", nothing),
    Case(
        "1011",
        both(add("OC3", CHILD="C4", DOB="02/02/2018", IN_TOUCH="YES", ACTIV="F2", ACCOM="D1")),
    ),
    Case(
        "1012",
        add(
            "Missing",
            CHILD="C5",
            DOB="01/03/2017",
            MISSING="M",
            MIS_START="01/11/2024",
            MIS_END=None,
        ),
    ),
    Case("1014", add("UASC", CHILD="C2", SEX="F", DOB="01/09/2005", DUC=None)),
    Case(
        "215",
        add(
            "OC2",
            CHILD="C2",
            DOB="01/09/2005",
            SDQ_SCORE=None,
            SDQ_REASON=None,
            CONVICTED=None,
            HEALTH_CHECK=None,
            IMMUNISATIONS=None,
            TEETH_CHECK=None,
            HEALTH_ASSESSMENT=None,
            SUBSTANCE_MISUSE=None,
            INTERVENTION_RECEIVED=None,
            INTERVENTION_OFFERED=None,
        ),
    ),
    Case("134", add("AD1", **AD1)),
    Case(
        "187",
        add("OC3", CHILD="C5", DOB="01/03/2017", IN_TOUCH="YES", ACTIV="F2", ACCOM="D1"),
        note="in care since May of the year",
    ),
    Case(
        "187",
        add("AD1", **dict(AD1, CHILD="C5", DOB="01/03/2017")),
        note="adoption information for a child in care since May of the year",
    ),
    Case(
        "1001",
        add("OC3", **OC3_C6),
        prev=add("Episodes", **dict(EP_C6, DEC="15/10/2023")),
        note="looked after on and after the 16th birthday",
    ),
    Case(
        "1001",
        add("OC3", **dict(OC3_C6, DOB="01/06/2006")),
        prev=add("Episodes", **EP_C6),
        note="18: care at 14 to 16 predates both returns",
    ),
    Case(
        "1001",
        both(
            add("OC3", **dict(OC3_C6, DOB="01/03/2009")),
            add("Episodes", **dict(EP_C6_NOW, DECOM="01/12/2024")),
        ),
        note="13 weeks since 14",
    ),
    Case("628", s("Header", "C1", MOTHER="0")),
    Case("392a", s("Episodes", "C3", PL_POST="ZZ1 1ZZ"), note="UASC: no distance expected"),
    Case("392b", s("Episodes", "C3", HOME_POST=None)),
    Case("392c", s("Episodes", "C1", 1, HOME_POST="nw12ab")),
    Case(
        "392d",
        s("Episodes", "C1", 1, HOME_POST="N1 1AA", PLACE="P1", PLACE_PROVIDER="PR0", URN=None),
    ),
    Case("454", s("Episodes", "C1", 1, PL_POST="EH1 1AA"), year=2026),
    Case("406", nothing),
    Case("398", nothing),
    Case("420", nothing),
    Case("169", s("Episodes", "C4", PL_POST=None)),
    Case("452", nothing),
    Case("453", nothing),
    Case("1015", s("Episodes", "C1", 0, PL_POST="N1 1AA"), note="fostering may be anywhere"),
    Case("213", s("Episodes", "C5", 1, PLACE="Z1", PLACE_PROVIDER="PR4")),
    Case("526", s("Episodes", "C5", 1, PLACE="T3")),
    Case("527", s("Episodes", "C1", 0, PLACE="R1")),
    Case("528", s("Episodes", "C1", 0, PLACE_PROVIDER="PR2")),
    Case("529", s("Episodes", "C4", PLACE="R1", PLACE_PROVIDER="PR3")),
    Case("530", nothing),
    Case("531", s("Episodes", "C1", 1, PLACE_PROVIDER="PR5")),
    Case("550", s("Episodes", "C1", 1, PLACE="P1", PLACE_PROVIDER="PR0", URN=None)),
]


def _id(case: Case) -> str:
    return f"{case.rule}-{case.year}{'-' + case.note[:20] if case.note else ''}"


@pytest.mark.parametrize("case", FIRING, ids=[_id(c) for c in FIRING])
def test_rule_fires_at_the_child_and_item(case: Case) -> None:
    found = case.run()
    assert found, f"{case.rule} did not fire"
    assert (case.rule, case.child, case.field) in found, found


@pytest.mark.parametrize("case", NEAR_MISS, ids=[_id(c) for c in NEAR_MISS])
def test_rule_is_quiet_on_a_near_miss(case: Case) -> None:
    assert case.run() == []
