"""Hand-written returns for three LAs and two years whose flows are worked out by hand.

LAs: 301 Barking and Dagenham and 302 Barnet (Outer London), 330 Birmingham (West
Midlands; also one of 301's April 2021 statistical neighbours).

2020 (census 30 September 2020)
  301 in post: SW1001 (FTE 0.8), SW1002 (started 2020-02-01), SW2001 (started 2020-01-15),
      SW2002, SW2003, SW2005, SW9999
  302 in post: SW3001, SW3002 (started 2020-03-01); agency: SW5001
  330 in post: SW4001, SW4002 (started 2020-06-01)

2021 (leavers left between 1 October 2020 and 30 September 2021)
  301 in post: SW1001 (1), SW1002 (0.5, born 1999: under 25), SW2005 (1, back 2021-02-01)
      leavers: SW2001 (1)   -> in post at 302 on 30 Sep 2021          moved
               SW2002 (0.8) -> agency worker at 330                   into agency
               SW2003 (0.6) -> nowhere (born 1998-10-01: under 25,
                               reason 5 retired)                      full
               no number (0.4)                                        full (cannot be found)
               SW2005 (1)   -> back in post at 301                    moved
  302 in post: SW2001 (1, started 2021-05-01), SW3001 (1)
      leaver:  SW3002 (1)   -> agency worker at 302                   into agency
      agency:  SW3002
  330 in post: SW4001 (0.9), SW5001 (1, started 2021-01-10, agency at 302 last year)
      leaver:  SW4002 (0.5) -> nowhere                                full
      agency:  SW2002
"""

from __future__ import annotations

from csww.model import Record, Return
from tests.factories import make_return, make_worker


def inpost(year: int, swe: str, **values: str | None) -> Record:
    return make_worker("inpost", year, SWENo=swe, **values)


def leaver(year: int, swe: str | None, fte: str, end: str, **values: str | None) -> Record:
    return make_worker("leaver", year, SWENo=swe, FTE=fte, RoleEndDate=end, **values)


def agency(year: int, swe: str, fte: str = "1") -> Record:
    return make_worker("agency", year, SWENo=swe, FTE=fte)


def returns_2020() -> list[Return]:
    y = 2020
    return [
        make_return(
            [
                inpost(y, "SW1001", FTE="0.8"),
                inpost(
                    y,
                    "SW1002",
                    FTE="0.5",
                    PersonBirthDate="1999-01-01",
                    RoleStartDate="2020-02-01",
                    FTE30="0",
                ),
                inpost(y, "SW2001", RoleStartDate="2020-01-15", FTE30="0"),
                inpost(y, "SW2002", FTE="0.8"),
                inpost(
                    y, "SW2003", FTE="0.6", PersonBirthDate="1998-10-02", RoleStartDate="2019-06-01"
                ),
                inpost(y, "SW2005"),
                inpost(y, "SW9999"),
            ],
            year=y,
            lea="301",
        ),
        make_return(
            [
                inpost(y, "SW3001"),
                inpost(y, "SW3002", RoleStartDate="2020-03-01", FTE30="0"),
                agency(y, "SW5001"),
            ],
            year=y,
            lea="302",
        ),
        make_return(
            [
                inpost(y, "SW4001", FTE="0.9"),
                inpost(y, "SW4002", FTE="0.5", RoleStartDate="2020-06-01", FTE30="0"),
            ],
            year=y,
            lea="330",
        ),
    ]


def returns_2021() -> list[Return]:
    y = 2021
    return [
        make_return(
            [
                inpost(y, "SW1001", FTE30="1"),  # last year's FTE was 0.8: query 721Q
                inpost(
                    y,
                    "SW1002",
                    FTE="0.5",
                    FTE30="0.5",
                    PersonBirthDate="1999-01-01",
                    RoleStartDate="2020-02-01",
                ),
                inpost(y, "SW2005", RoleStartDate="2021-02-01", FTE30="0"),
                leaver(y, "SW2001", "1", "2021-03-31", RoleStartDate="2020-01-15"),
                leaver(y, "SW2002", "0.8", "2021-01-31", OrgRole="3", LeaverDestination="3"),
                leaver(
                    y,
                    "SW2003",
                    "0.6",
                    "2021-06-30",
                    PersonBirthDate="1998-10-01",  # last year 1998-10-02: query 725Q
                    RoleStartDate="2019-06-01",
                    ReasonLeave="5",
                    LeaverDestination="6",
                ),
                leaver(y, None, "0.4", "2021-07-31", LeaverDestination="8"),
                leaver(y, "SW2005", "1", "2020-12-31"),
            ],
            year=y,
            lea="301",
        ),
        make_return(
            [
                inpost(y, "SW2001", RoleStartDate="2021-05-01", FTE30="0"),
                inpost(y, "SW3001"),
                leaver(
                    y,
                    "SW3002",
                    "1",
                    "2021-08-31",
                    RoleStartDate="2020-03-01",
                    LeaverDestination="3",
                ),
                agency(y, "SW3002"),
            ],
            year=y,
            lea="302",
        ),
        make_return(
            [
                inpost(y, "SW4001", FTE="0.9", FTE30="0.9"),
                inpost(y, "SW5001", RoleStartDate="2021-01-10", FTE30="0", StartOrigin="4"),
                leaver(
                    y,
                    "SW4002",
                    "0.5",
                    "2021-04-30",
                    RoleStartDate="2020-06-01",
                    LeaverDestination="6",
                ),
                agency(y, "SW2002"),
            ],
            year=y,
            lea="330",
        ),
    ]


SALT = b"a test salt of at least sixteen bytes"
