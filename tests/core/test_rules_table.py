"""Every rule in the registry, tried both ways from a table.

Each case names a rule, says in words what it tries, builds a return (in memory, or XML
bytes for the structure rules) and says whether the rule must fire. A firing case also says
which field and which record the issue must point at. A passing case is a near miss: the
boundary just inside the rule, not merely the valid default return. Cases for the rules
across records (7xx) and for the file's structure (9xx) live in ``test_rules_records.py`` and
``test_rules_structure.py``; the meta-test here checks that, between them, every rule in
:data:`csww.rules.RULES` has at least one firing and one passing case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from csww import to_bytes
from csww.engine import validate, validate_return
from csww.model import Record, Return
from csww.report.model import Issue, Report
from csww.rules import RULES
from tests.factories import make_header, make_la, make_return, make_worker

# ------------------------------------------------------------------ the case machinery

ANY = object()  # a firing case that does not pin the field or the record

# Where each category sits in the default return from make_return (records count from 1).
POSITION = {"inpost": 1, "leaver": 2, "agency": 3}
SWE = {"inpost": "SW123456", "leaver": "SW223344", "agency": "SW998877"}

Build = Callable[[], Return | bytes]


@dataclass(frozen=True)
class Case:
    rule: str
    desc: str
    build: Build
    fires: bool
    field: object = ANY
    record: object = ANY
    year: int | None = None  # the year asked for; None: the header's year
    instead: str | None = None  # a near miss that another rule reports instead
    previous: Build | None = None  # last year's return, for continuity rules

    @property
    def id(self) -> str:
        return f"{self.rule}:{'fires' if self.fires else 'passes'}:{self.desc}"

    def run(self) -> Report:
        built = self.build()
        previous = self.previous() if self.previous else None
        if isinstance(built, bytes):
            return validate(built, year=self.year, previous=previous)
        return validate_return(built, year=self.year, previous=previous)


def fires(
    rule: str,
    desc: str,
    build: Build,
    field: object = ANY,
    record: object = ANY,
    *,
    year: int | None = None,
) -> Case:
    return Case(rule, desc, build, True, field, record, year)


def passes(
    rule: str, desc: str, build: Build, *, year: int | None = None, instead: str | None = None
) -> Case:
    return Case(rule, desc, build, False, year=year, instead=instead)


def check(case: Case) -> Report:
    report = case.run()
    assert report.fatal is None, report.fatal
    hits = [i for i in report.issues if i.rule == case.rule]
    if not case.fires:
        assert not hits, f"{case.rule} fired on a near miss ({case.desc}): {hits}"
        if case.instead:
            fired = {i.rule for i in report.issues}
            assert case.instead in fired, f"expected {case.instead} instead of {case.rule}: {fired}"
        return report
    assert hits, f"{case.rule} did not fire ({case.desc}); issues: {report.flatten()}"
    assert any(_at(i, case) for i in hits), (
        f"{case.rule} fired, but not at field={case.field!r} record={case.record!r}: "
        f"{[(i.field, i.record) for i in hits]}"
    )
    return report


def _at(issue: Issue, case: Case) -> bool:
    return (case.field is ANY or issue.field == case.field) and (
        case.record is ANY or issue.record == case.record
    )


# ------------------------------------------------------------------ builders


def one(category: str, year: int = 2018, **overrides: str | None) -> Build:
    """The default return with its worker of ``category`` changed by ``overrides``."""

    def build() -> Return:
        ret = make_return(year=year)
        ret.workers[POSITION[category] - 1] = make_worker(
            category, year, **{"SWENo": SWE[category], **overrides}
        )
        return ret

    return build


def W(category: str, **overrides: str | None) -> tuple[str, dict[str, str | None]]:
    return category, overrides


def only(
    *specs: tuple[str, dict[str, str | None]],
    year: int = 2018,
    la: dict[str, str | None] | None = None,
) -> Build:
    """A return holding exactly these workers (and, if given, these LA-level figures)."""

    def build() -> Return:
        ret = make_return([make_worker(cat, year, **ov) for cat, ov in specs], year=year)
        if la is not None:
            ret.la = make_la(**la)
        return ret

    return build


def header(year: int = 2018, **overrides: str | None) -> Build:
    def build() -> Return:
        ret = make_return(year=year)
        ret.header = make_header(year, **overrides)
        return ret

    return build


def la_level(year: int = 2018, **overrides: str | None) -> Build:
    def build() -> Return:
        ret = make_return(year=year)
        ret.la = make_la(**overrides)
        return ret

    return build


def xml(*edits: str, year: int = 2018) -> Build:
    """The default return as COLLECT XML with edits applied in turn: ``old, new, old, new,
    ...``, each replacing the first occurrence of ``old`` with ``new``."""

    def build() -> bytes:
        text = to_bytes(make_return(year=year)).decode()
        for old, new in zip(edits[::2], edits[1::2], strict=True):
            assert old in text, old
            text = text.replace(old, new, 1)
        return text.encode()

    return build


def a_year_of(year: int) -> dict[str, str]:
    """Header items for a return made for ``year``."""
    return {
        "Year": str(year),
        "ReferenceDate": f"{year}-09-30",
        "DateTime": f"{year}-10-15T10:30:00",
    }


# Default records in make_return: 1 in post, 2 leaver, 3 and 4 agency.
IN, LV, AG = 1, 2, 3

# ------------------------------------------------------------------ header (1xx)

HEADER_CASES = [
    fires("100", "Date Time left out", header(DateTime=None), "DateTime", None),
    fires("100", "LEA present but empty", header(LEA=""), "LEA", None),
    passes("100", "a one-character Software Code is present", header(SoftwareCode="x")),
    fires("101", "Collection in lower case", header(Collection="csww"), "Collection", None),
    fires("101", "Collection of another census", header(Collection="CIN"), "Collection", None),
    passes(
        "101",
        "Collection CSWW padded with spaces in the XML",
        xml("<Collection>CSWW</Collection>", "<Collection>  CSWW\n</Collection>"),
    ),
    fires("102", "two-digit Year", header(Year="18"), "Year", None),
    fires("102", "Year with a suffix", header(Year="2018a"), "Year", None),
    passes("102", "four digits for a year with no specification", header(2019, **a_year_of(2019))),
    fires(
        "104",
        "the day before 30 September",
        header(ReferenceDate="2018-09-29"),
        "ReferenceDate",
        None,
    ),
    fires(
        "104", "last year's census date", header(ReferenceDate="2017-09-30"), "ReferenceDate", None
    ),
    fires(
        "104",
        "30 September without leading zeros",
        header(ReferenceDate="2018-9-30"),
        "ReferenceDate",
        None,
    ),
    passes("104", "30 September 2017 in a 2017 return", header(2017, **a_year_of(2017))),
    fires("105", "a code not in the annex", header(LEA="999"), "LEA", None),
    fires("105", "Dorset's 2019 code in 2018", header(LEA="838"), "LEA", None),
    fires("105", "two-digit form of a code", header(LEA="31"), "LEA", None),
    passes("105", "Dorset's old code in its last year, 2018", header(LEA="835")),
    passes("105", "the annex's last code in 2017", header(2017, **a_year_of(2017), LEA="938")),
    fires("106", "source level in lower case", header(SourceLevel="l"), "SourceLevel", None),
    fires("106", "school source level", header(SourceLevel="S"), "SourceLevel", None),
    passes(
        "106",
        "L padded with spaces in the XML",
        xml("<SourceLevel>L</SourceLevel>", "<SourceLevel> L </SourceLevel>"),
    ),
    fires("107", "a date without a time", header(DateTime="2018-10-15"), "DateTime", None),
    fires("107", "day/month/year", header(DateTime="15/10/2018 10:30:00"), "DateTime", None),
    fires("107", "an impossible hour", header(DateTime="2018-10-15T25:00:00"), "DateTime", None),
    passes("107", "a space for the T, as COLLECT shows it", header(DateTime="2018-10-15 10:30:00")),
    fires(
        "108Q",
        "made the second before census day (Friday 28 September 2018)",
        header(DateTime="2018-09-27T23:59:59"),
        "DateTime",
        None,
    ),
    passes(
        "108Q",
        "made at midnight on census day, the last working day of September 2018",
        header(DateTime="2018-09-28T00:00:00"),
    ),
    passes(
        "108Q",
        "a malformed Date Time is left to rule 107",
        header(DateTime="yesterday"),
        instead="107",
    ),
    fires("109", "a 2018 file checked as 2017", header(2018), "Year", None, year=2017),
    passes("109", "a 2017 file checked as 2017", header(2017, **a_year_of(2017)), year=2017),
    fires("110", "101 characters", header(SoftwareCode="x" * 101), "SoftwareCode", None),
    passes("110", "exactly 100 characters", header(SoftwareCode="x" * 100)),
    fires(
        "111",
        "no header at all",
        lambda: Return(la=make_la(), workers=make_return().workers),
        "Header",
        None,
    ),
    passes(
        "111",
        "a header holding only some items is reported item by item",
        lambda: Return(
            header=Record(values={"Collection": "CSWW"}),
            la=make_la(),
            workers=make_return().workers,
        ),
    ),
    passes(
        "111", "a header in the XML with its groups empty", xml("<Collection>CSWW</Collection>", "")
    ),
]

# ------------------------------------------------------------------ LA level (15x-17x)

LA_CASES = [
    fires("150", "headcount left out", la_level(NoAgencyHeadcount=None), "NoAgencyHeadcount", None),
    fires("150", "vacancies empty", la_level(NumberOfVacancies=""), "NumberOfVacancies", None),
    passes(
        "150",
        "every figure a recorded zero",
        la_level(NumberOfVacancies="0", NoAgencyFTE="0", NoAgencyHeadcount="0"),
    ),
    fires(
        "151",
        "three decimal places",
        la_level(NumberOfVacancies="0.901"),
        "NumberOfVacancies",
        None,
    ),
    fires("151", "negative", la_level(NumberOfVacancies="-1"), "NumberOfVacancies", None),
    fires("151", "above 9999.99", la_level(NumberOfVacancies="10000"), "NumberOfVacancies", None),
    passes("151", "the largest allowed value", la_level(NumberOfVacancies="9999.99")),
    fires("152", "three decimal places", la_level(NoAgencyFTE="0.505"), "NoAgencyFTE", None),
    fires("152", "a word", la_level(NoAgencyFTE="half"), "NoAgencyFTE", None),
    passes("152", "two decimal places with a trailing zero", la_level(NoAgencyFTE="0.50")),
    fires(
        "153", "a decimal headcount", la_level(NoAgencyHeadcount="1.0"), "NoAgencyHeadcount", None
    ),
    fires("153", "above 9999", la_level(NoAgencyHeadcount="10000"), "NoAgencyHeadcount", None),
    passes("153", "the largest allowed headcount", la_level(NoAgencyHeadcount="9999")),
    fires(
        "154",
        "no LA-level section",
        lambda: Return(header=make_header(), workers=make_return().workers),
        "LALevelVacancies",
        None,
    ),
    passes(
        "154",
        "an LA-level section with every figure missing",
        lambda: Return(header=make_header(), la=Record(), workers=make_return().workers),
    ),
    fires(
        "170Q",
        "agency cover FTE a hundredth above vacancies",
        la_level(NumberOfVacancies="0.89", NoAgencyFTE="0.9"),
        "NoAgencyFTE",
        None,
    ),
    passes(
        "170Q",
        "agency cover FTE equal to vacancies",
        la_level(NumberOfVacancies="0.9", NoAgencyFTE="0.9"),
    ),
    # DfE published Sutton 2017 with 50 FTE cover for 30 vacancies (flagged u): accepted.
    passes(
        "171",
        "Sutton 2017: cover 50 FTE above 30 vacancies is a query, not an error",
        la_level(2017, NumberOfVacancies="30", NoAgencyFTE="50", NoAgencyHeadcount="50"),
        instead="170Q",
    ),
    fires(
        "171",
        "FTE 0 with a headcount of 1",
        la_level(NoAgencyFTE="0", NoAgencyHeadcount="1"),
        "NoAgencyFTE",
        None,
    ),
    fires(
        "171",
        "FTE with a headcount of 0",
        la_level(NoAgencyFTE="0.5", NoAgencyHeadcount="0"),
        "NoAgencyFTE",
        None,
    ),
    passes("171", "both zero", la_level(NoAgencyFTE="0", NoAgencyHeadcount="0")),
    passes(
        "171",
        "the smallest FTE with a headcount of 1",
        la_level(NoAgencyFTE="0.01", NoAgencyHeadcount="1"),
    ),
    fires(
        "172",
        "FTE above the headcount",
        la_level(NumberOfVacancies="2", NoAgencyFTE="1.01", NoAgencyHeadcount="1"),
        "NoAgencyFTE",
        None,
    ),
    passes(
        "172",
        "FTE equal to the headcount",
        la_level(NumberOfVacancies="2", NoAgencyFTE="1", NoAgencyHeadcount="1"),
    ),
    fires(
        "173Q",
        "0.29 FTE for one worker",
        la_level(NoAgencyFTE="0.29", NoAgencyHeadcount="1"),
        "NoAgencyFTE",
        None,
    ),
    passes("173Q", "0.3 FTE for one worker", la_level(NoAgencyFTE="0.3", NoAgencyHeadcount="1")),
    passes(
        "173Q",
        "0.9 FTE for three workers",
        la_level(NumberOfVacancies="1", NoAgencyFTE="0.9", NoAgencyHeadcount="3"),
    ),
]

# ------------------------------------------------------------------ items: missing (2nn)

MISSING_CASES = [
    fires(
        "201", "in post without AgencyWorker", one("inpost", AgencyWorker=None), "AgencyWorker", IN
    ),
    fires(
        "201", "leaver with AgencyWorker empty", one("leaver", AgencyWorker=""), "AgencyWorker", LV
    ),
    passes("201", "AgencyWorker 0 is a value, not a blank", one("leaver", AgencyWorker="0")),
    fires(
        "202", "agency worker without a registration number", one("agency", SWENo=None), "SWENo", AG
    ),
    fires("202", "in post with an empty registration number", one("inpost", SWENo=""), "SWENo", IN),
    passes(
        "202",
        "a malformed registration number is a format error, not a blank",
        one("inpost", SWENo="123456"),
        instead="302",
    ),
    fires("203", "in post without FTE", one("inpost", FTE=None), "FTE", IN),
    fires("203", "agency worker without FTE", one("agency", FTE=None), "FTE", AG),
    passes("203", "leaver without FTE (voluntary for leavers)", one("leaver", FTE=None)),
    fires(
        "204",
        "in post without date of birth",
        one("inpost", PersonBirthDate=None),
        "PersonBirthDate",
        IN,
    ),
    fires(
        "204",
        "leaver without date of birth (2017)",
        one("leaver", 2017, PersonBirthDate=None),
        "PersonBirthDate",
        LV,
    ),
    passes("204", "agency worker without date of birth", one("agency", PersonBirthDate=None)),
    fires("205", "leaver without gender", one("leaver", GenderCurrent=None), "GenderCurrent", LV),
    passes("205", "agency worker without gender", one("agency", GenderCurrent=None)),
    fires("206", "in post without ethnicity", one("inpost", Ethnicity=None), "Ethnicity", IN),
    passes("206", "ethnicity not yet obtained is a value", one("inpost", Ethnicity="NOBT")),
    fires(
        "208", "in post without qualification level", one("inpost", QualLevel=None), "QualLevel", IN
    ),
    passes("208", "agency worker without qualification level", one("agency", QualLevel=None)),
    fires("209", "leaver without Step Up", one("leaver", StepUpGrad=None), "StepUpGrad", LV),
    passes("209", "Step Up 0 is a value", one("leaver", StepUpGrad="0")),
    fires("210", "in post without role", one("inpost", OrgRole=None), "OrgRole", IN),
    passes("210", "agency worker without role", one("agency", OrgRole=None)),
    fires(
        "211",
        "in post without starting date",
        one("inpost", RoleStartDate=None),
        "RoleStartDate",
        IN,
    ),
    passes("211", "agency worker without starting date", one("agency", RoleStartDate=None)),
    fires("212", "leaver without origin", one("leaver", StartOrigin=None), "StartOrigin", LV),
    passes("212", "origin 'not yet collected' is a value", one("leaver", StartOrigin="10")),
    fires(
        "213",
        "a record with a leaver's destination but no leaving date",
        one("inpost", LeaverDestination="1", FTE="0"),
        "RoleEndDate",
        IN,
    ),
    fires(
        "213",
        "a record with a reason for leaving but no leaving date (2017)",
        one("inpost", 2017, ReasonLeave="1"),
        "RoleEndDate",
        IN,
    ),
    passes(
        "213",
        "in post with an empty leaving-date element and no leaver items",
        one("inpost", RoleEndDate=""),
    ),
    passes(
        "213",
        "agency worker with a destination and no leaving date",
        one("agency", LeaverDestination="3"),
    ),
    fires(
        "214",
        "leaver without destination",
        one("leaver", LeaverDestination=None),
        "LeaverDestination",
        LV,
    ),
    passes(
        "214", "destination 'not yet collected' is a value", one("leaver", LeaverDestination="9")
    ),
    passes("214", "leaver without reason for leaving (voluntary)", one("leaver", ReasonLeave=None)),
    fires(
        "216",
        "in post without FTE at the previous 30 September",
        one("inpost", FTE30=None),
        "FTE30",
        IN,
    ),
    passes(
        "216",
        "a starter's FTE30 recorded as 0",
        one("inpost", RoleStartDate="2018-01-02", FTE30="0"),
    ),
    fires("217", "agency worker without cases", one("agency", Cases30=None), "Cases30", AG),
    fires("217", "in post with an empty cases element", one("inpost", Cases30=""), "Cases30", IN),
    passes("217", "cases recorded as 0", one("inpost", OrgRole="6", Cases30="0")),
    fires(
        "218",
        "in post without sickness days",
        one("inpost", WorkingDaysLost=None),
        "WorkingDaysLost",
        IN,
    ),
    fires(
        "218",
        "leaver without sickness days",
        one("leaver", WorkingDaysLost=None),
        "WorkingDaysLost",
        LV,
    ),
    passes("218", "no sickness recorded as 0", one("inpost", WorkingDaysLost="0")),
    fires(
        "220",
        "2018 in post without Frontline graduate",
        one("inpost", FrontlineGrad=None),
        "FrontlineGrad",
        IN,
    ),
    fires(
        "220",
        "2018 leaver without Frontline graduate",
        one("leaver", FrontlineGrad=None),
        "FrontlineGrad",
        LV,
    ),
    passes(
        "220",
        "2017 in post without Frontline graduate (voluntary that year)",
        one("inpost", 2017, FrontlineGrad=None),
    ),
    passes(
        "220", "2018 agency worker without Frontline graduate", one("agency", FrontlineGrad=None)
    ),
    fires(
        "221",
        "2018 in post without Absent on 30 September",
        one("inpost", Absat30Sept=None),
        "Absat30Sept",
        IN,
    ),
    fires(
        "221",
        "2018 worker in post with Absent on 30 September empty",
        one("inpost", Absat30Sept=""),
        "Absat30Sept",
        IN,
    ),
    # The item asks whether the worker "was absent from work on 30 September": mandatory for
    # workers in post from 2018, voluntary for a leaver, who may have left in March.
    passes(
        "221",
        "2018 leaver who left in March without Absent on 30 September",
        one("leaver", Absat30Sept=None),
    ),
    passes(
        "221",
        "2017 leaver without Absent on 30 September (voluntary that year)",
        one("leaver", 2017, Absat30Sept=None),
    ),
    passes(
        "221", "2018 agency worker without Absent on 30 September", one("agency", Absat30Sept=None)
    ),
]

# ------------------------------------------------------------------ items: format (3nn, 350)

FORMAT_CASES = [
    fires("301", "AgencyWorker 2", one("inpost", AgencyWorker="2"), "AgencyWorker", IN),
    fires("301", "AgencyWorker Y", one("inpost", AgencyWorker="Y"), "AgencyWorker", IN),
    passes("301", "AgencyWorker 1 for an agency worker", one("agency", AgencyWorker="1")),
    fires("302", "a space inside", one("inpost", SWENo="SW 123456"), "SWENo", IN),
    fires("302", "eleven digits", one("inpost", SWENo="SW12345678901"), "SWENo", IN),
    fires("302", "one letter", one("inpost", SWENo="S1234567"), "SWENo", IN),
    passes("302", "ten digits", one("inpost", SWENo="SW1234567890")),
    passes("302", "one digit", one("inpost", SWENo="SW1")),
    fires("303", "above 1", one("inpost", FTE="1.01"), "FTE", IN),
    fires("303", "seven decimal places", one("inpost", FTE="0.1234567"), "FTE", IN),
    fires("303", "a comma for the point", one("agency", FTE="0,8"), "FTE", AG),
    passes("303", "six decimal places", one("inpost", FTE="0.123456")),
    passes("303", "1 written with six decimal places", one("inpost", FTE="1.000000")),
    fires(
        "304", "day/month/year", one("inpost", PersonBirthDate="17/05/1980"), "PersonBirthDate", IN
    ),
    fires(
        "304",
        "29 February in a common year",
        one("inpost", PersonBirthDate="1981-02-29"),
        "PersonBirthDate",
        IN,
    ),
    passes("304", "29 February in a leap year", one("inpost", PersonBirthDate="1980-02-29")),
    fires(
        "305",
        "gender 0 in 2017 (not in the guide's list)",
        one("inpost", 2017, GenderCurrent="0"),
        "GenderCurrent",
        IN,
    ),
    fires("305", "gender F", one("leaver", GenderCurrent="F"), "GenderCurrent", LV),
    passes("305", "gender 1", one("inpost", GenderCurrent="1")),
    fires("306", "a lower-case code", one("inpost", Ethnicity="wbri"), "Ethnicity", IN),
    fires("306", "a code not in the list", one("inpost", Ethnicity="WHIT"), "Ethnicity", IN),
    passes("306", "the list's last code", one("inpost", Ethnicity="NOBT")),
    passes("306", "WIRT is left to rule 350", one("inpost", Ethnicity="WIRT"), instead="350"),
    fires("307", "256 characters", one("inpost", QualInst="x" * 256), "QualInst", IN),
    passes("307", "255 characters", one("inpost", QualInst="x" * 255)),
    fires("308", "qualification level 4", one("inpost", QualLevel="4"), "QualLevel", IN),
    passes("308", "qualification level 3", one("inpost", QualLevel="3")),
    fires("309", "Step Up Yes", one("inpost", StepUpGrad="Yes"), "StepUpGrad", IN),
    passes("309", "Step Up 1", one("inpost", StepUpGrad="1")),
    fires("310", "role 7", one("inpost", OrgRole="7"), "OrgRole", IN),
    fires("310", "role 0", one("inpost", OrgRole="0"), "OrgRole", IN),
    passes("310", "role 6", one("inpost", OrgRole="6", Cases30="0")),
    fires("311", "month 13", one("inpost", RoleStartDate="2012-13-01"), "RoleStartDate", IN),
    passes("311", "31 December", one("inpost", RoleStartDate="2012-12-31")),
    fires("312", "origin 11", one("inpost", StartOrigin="11"), "StartOrigin", IN),
    fires("312", "origin 01", one("inpost", StartOrigin="01"), "StartOrigin", IN),
    passes("312", "origin 10", one("inpost", StartOrigin="10")),
    fires(
        "313",
        "leaving date without leading zero",
        one("leaver", RoleEndDate="2018-3-31"),
        "RoleEndDate",
        LV,
    ),
    passes("313", "leaving date 2018-03-31", one("leaver", RoleEndDate="2018-03-31")),
    fires("314", "destination 10", one("leaver", LeaverDestination="10"), "LeaverDestination", LV),
    passes("314", "destination 9", one("leaver", LeaverDestination="9")),
    fires("315", "reason 11", one("leaver", ReasonLeave="11"), "ReasonLeave", LV),
    passes("315", "reason 10", one("leaver", ReasonLeave="10")),
    fires("316", "FTE30 of 1.5", one("inpost", FTE30="1.5"), "FTE30", IN),
    passes("316", "FTE30 of 1.000000", one("inpost", FTE30="1.000000")),
    fires("317", "negative cases", one("inpost", Cases30="-1"), "Cases30", IN),
    fires("317", "half a case", one("agency", Cases30="2.5"), "Cases30", AG),
    passes("317", "the largest allowed number", one("inpost", Cases30="9999")),
    fires(
        "318", "three decimal places", one("inpost", WorkingDaysLost="4.555"), "WorkingDaysLost", IN
    ),
    fires(
        "318",
        "more days than a year has",
        one("leaver", WorkingDaysLost="367"),
        "WorkingDaysLost",
        LV,
    ),
    passes("318", "half a day, two decimal places", one("inpost", WorkingDaysLost="0.50")),
    fires("319", "two decimal places", one("agency", ContractWeeks="26.55"), "ContractWeeks", AG),
    passes("319", "one decimal place", one("agency", ContractWeeks="0.5")),
    fires("320", "Frontline 2", one("inpost", FrontlineGrad="2"), "FrontlineGrad", IN),
    fires(
        "320", "Frontline Y in 2017", one("inpost", 2017, FrontlineGrad="Y"), "FrontlineGrad", IN
    ),
    passes("320", "Frontline 1", one("inpost", FrontlineGrad="1")),
    fires("321", "absent Y", one("inpost", Absat30Sept="Y"), "Absat30Sept", IN),
    passes("321", "absent 1 with a reason", one("inpost", Absat30Sept="1", ReasonAbsence="TRN")),
    fires(
        "322",
        "reason SICK",
        one("inpost", Absat30Sept="1", ReasonAbsence="SICK"),
        "ReasonAbsence",
        IN,
    ),
    fires(
        "322",
        "reason in lower case",
        one("inpost", Absat30Sept="1", ReasonAbsence="sic"),
        "ReasonAbsence",
        IN,
    ),
    passes("322", "reason UNP", one("inpost", Absat30Sept="1", ReasonAbsence="UNP")),
    fires("350", "WIRT", one("inpost", Ethnicity="WIRT"), "Ethnicity", IN),
    fires(
        "350", "WROM for a leaver in 2017", one("leaver", 2017, Ethnicity="WROM"), "Ethnicity", LV
    ),
    passes("350", "WOTH, the code to use instead", one("inpost", Ethnicity="WOTH")),
    passes("350", "an unknown code is a plain format error", one("inpost", Ethnicity="WIRI2")),
]

# ------------------------------------------------------------------ items: not applicable (4nnQ)

NOT_APPLICABLE_CASES = [
    fires(
        "413Q",
        "agency worker with a leaving date that is not a date",
        one("agency", RoleEndDate="31 March 2018"),
        "RoleEndDate",
        AG,
    ),
    passes(
        "413Q",
        "agency worker with a leaving date, which 535Q reports in its own words",
        one("agency", RoleEndDate="2018-03-31"),
        instead="535Q",
    ),
    passes(
        "413Q", "agency worker with an empty leaving-date element", one("agency", RoleEndDate="")
    ),
    fires(
        "414Q",
        "agency worker with a destination",
        one("agency", LeaverDestination="3"),
        "LeaverDestination",
        AG,
    ),
    fires(
        "414Q",
        "in post with a destination",
        one("inpost", LeaverDestination="1"),
        "LeaverDestination",
        IN,
    ),
    passes("414Q", "leaver with a destination", one("leaver", LeaverDestination="3")),
    fires(
        "415Q",
        "in post with a reason for leaving",
        one("inpost", ReasonLeave="1"),
        "ReasonLeave",
        IN,
    ),
    passes("415Q", "leaver with reason 'not yet collected'", one("leaver", ReasonLeave="10")),
    fires("416Q", "leaver in post a year ago with FTE30", one("leaver", FTE30="1"), "FTE30", LV),
    fires(
        "416Q",
        "leaver who started on the previous census day, FTE30 given",
        one("leaver", RoleStartDate="2017-09-30", FTE30="1"),
        "FTE30",
        LV,
    ),
    passes(
        "416Q",
        "starter who left within the year, FTE30 0 (guide asks for it)",
        one("leaver", RoleStartDate="2017-10-01", FTE30="0"),
    ),
    fires(
        "417Q",
        "leaver who left the day before census day with cases",
        one("leaver", 2019, RoleEndDate="2019-09-29", Cases30="3"),
        "Cases30",
        LV,
    ),
    fires(
        "417Q",
        "2018: left the day before the last working day, with cases",
        one("leaver", RoleEndDate="2018-09-27", Cases30="3"),
        "Cases30",
        LV,
    ),
    # The guide: "If this date falls on a non-working day ... record the position as at the
    # last working day of September". 30 September 2017 was a Saturday, 2018 a Sunday.
    passes(
        "417Q",
        "2017: left on Friday 29 September, the last working day, with cases",
        one("leaver", 2017, RoleEndDate="2017-09-29", Cases30="3"),
    ),
    passes(
        "417Q",
        "2018: left on Friday 28 September, the last working day, with cases",
        one("leaver", RoleEndDate="2018-09-28", Cases30="3"),
    ),
    passes(
        "417Q",
        "leaver leaving on census day with cases (guide asks for them)",
        one("leaver", RoleEndDate="2018-09-30", Cases30="3"),
    ),
    passes("417Q", "same in 2017", one("leaver", 2017, RoleEndDate="2017-09-30", Cases30="3")),
    fires(
        "419Q",
        "in post with assignment weeks",
        one("inpost", ContractWeeks="10"),
        "ContractWeeks",
        IN,
    ),
    fires(
        "419Q",
        "leaver with assignment weeks",
        one("leaver", ContractWeeks="10"),
        "ContractWeeks",
        LV,
    ),
    passes("419Q", "agency worker with assignment weeks 0", one("agency", ContractWeeks="0")),
]

# ------------------------------------------------------------------ worker (5xx)

WORKER_CASES = [
    fires(
        "501",
        "left on the previous census day",
        one("leaver", RoleEndDate="2017-09-30"),
        "RoleEndDate",
        LV,
    ),
    fires(
        "501", "left after census day", one("leaver", RoleEndDate="2018-10-01"), "RoleEndDate", LV
    ),
    passes("501", "left on the first day of the year", one("leaver", RoleEndDate="2017-10-01")),
    passes("501", "left on census day", one("leaver", RoleEndDate="2018-09-30")),
    passes("501", "left on census day 2017", one("leaver", 2017, RoleEndDate="2017-09-30")),
    # docs/years.md: DfE publishes leavers' FTE at about 0.92 x headcount every year, so it sums
    # the FTE on leaver records; only the 2017 guide asks for 0 ("For leavers, please record a 0").
    fires("502Q", "2017 leaver with FTE 0.5", one("leaver", 2017, FTE="0.5"), "FTE", LV),
    fires(
        "502Q", "2017 leaver with the smallest FTE", one("leaver", 2017, FTE="0.000001"), "FTE", LV
    ),
    passes("502Q", "2017 leaver with FTE 0.000000", one("leaver", 2017, FTE="0.000000")),
    passes("502Q", "2018 leaver with the FTE they worked when they left", one("leaver", FTE="0.8")),
    fires("503Q", "2017 leaver without FTE", one("leaver", 2017, FTE=None), "FTE", LV),
    passes("503Q", "2017 leaver with FTE 0", one("leaver", 2017, FTE="0")),
    passes("503Q", "2018 leaver without FTE (voluntary)", one("leaver", FTE=None)),
    passes(
        "503Q",
        "in post without FTE is an error (203), not this query",
        one("inpost", FTE=None),
        instead="203",
    ),
    fires(
        "504",
        "left the day before starting",
        one("leaver", RoleStartDate="2018-04-01", RoleEndDate="2018-03-31"),
        "RoleEndDate",
        LV,
    ),
    passes(
        "504",
        "left on the day of starting",
        one("leaver", RoleStartDate="2018-03-31", RoleEndDate="2018-03-31"),
    ),
    fires(
        "505",
        "starts the day after census day",
        one("inpost", RoleStartDate="2018-10-01", FTE30="0"),
        "RoleStartDate",
        IN,
    ),
    fires(
        "505",
        "leaver starting after census day 2017",
        one("leaver", 2017, RoleStartDate="2017-10-02", RoleEndDate="2017-09-30"),
        "RoleStartDate",
        LV,
    ),
    passes("505", "starts on census day", one("inpost", RoleStartDate="2018-09-30", FTE30="0")),
    fires(
        "506",
        "started on the first day of the year with FTE30 1",
        one("inpost", RoleStartDate="2017-10-01", FTE30="1"),
        "FTE30",
        IN,
    ),
    fires(
        "506",
        "2017 starter with FTE30 0.5",
        one("inpost", 2017, RoleStartDate="2016-10-01", FTE30="0.5"),
        "FTE30",
        IN,
    ),
    passes(
        "506",
        "started on the previous census day with FTE30 1",
        one("inpost", RoleStartDate="2017-09-30", FTE30="1"),
    ),
    passes(
        "506",
        "started on the first day of the year with FTE30 0",
        one("inpost", RoleStartDate="2017-10-01", FTE30="0"),
    ),
    fires(
        "507Q",
        "in post on the previous census day with FTE30 0",
        one("inpost", RoleStartDate="2017-09-30", FTE30="0"),
        "FTE30",
        IN,
    ),
    passes(
        "507Q",
        "started the day after with FTE30 0",
        one("inpost", RoleStartDate="2017-10-01", FTE30="0"),
    ),
    passes("507Q", "long-serving with the smallest FTE30", one("inpost", FTE30="0.000001")),
    fires(
        "508",
        "started the day before the 16th birthday",
        one("inpost", PersonBirthDate="1996-03-02", RoleStartDate="2012-03-01"),
        "RoleStartDate",
        IN,
    ),
    passes(
        "508",
        "started on the 16th birthday",
        one("inpost", PersonBirthDate="1996-03-01", RoleStartDate="2012-03-01"),
    ),
    fires(
        "509Q",
        "started the day before the 20th birthday",
        one("inpost", PersonBirthDate="1992-03-02", RoleStartDate="2012-03-01"),
        "RoleStartDate",
        IN,
    ),
    passes(
        "509Q",
        "started on the 20th birthday",
        one("inpost", PersonBirthDate="1992-03-01", RoleStartDate="2012-03-01"),
    ),
    passes(
        "509Q",
        "under 16 is left to rule 508",
        one("inpost", PersonBirthDate="1996-03-02", RoleStartDate="2012-03-01"),
        instead="508",
    ),
    fires(
        "510",
        "born on census day",
        one("inpost", PersonBirthDate="2018-09-30"),
        "PersonBirthDate",
        IN,
    ),
    passes("510", "born the day before census day", one("inpost", PersonBirthDate="2018-09-29")),
    fires(
        "511Q",
        "19 on census day",
        one("inpost", PersonBirthDate="1998-10-01", RoleStartDate="2018-09-01", FTE30="0"),
        "PersonBirthDate",
        IN,
    ),
    fires(
        "511Q",
        "71 on census day",
        one("leaver", PersonBirthDate="1947-09-30"),
        "PersonBirthDate",
        LV,
    ),
    passes(
        "511Q",
        "20 on census day",
        one("inpost", PersonBirthDate="1998-09-30", RoleStartDate="2018-09-01", FTE30="0"),
    ),
    passes("511Q", "70 on census day", one("leaver", PersonBirthDate="1947-10-01")),
    fires(
        "512",
        "reason given, not absent",
        one("inpost", Absat30Sept="0", ReasonAbsence="MAT"),
        "ReasonAbsence",
        IN,
    ),
    # 2017: both items voluntary, so a reason without the flag is a gap (530Q), not an error.
    passes(
        "512",
        "2017: reason given, absence not recorded",
        one("leaver", 2017, Absat30Sept=None, ReasonAbsence="OTH"),
        instead="530Q",
    ),
    fires(
        "530Q",
        "2017: reason given, absence not recorded",
        one("leaver", 2017, Absat30Sept=None, ReasonAbsence="OTH"),
        "Absat30Sept",
        LV,
    ),
    fires(
        "530Q",
        "2018 agency worker (flag voluntary): reason, no flag",
        one("agency", ReasonAbsence="SIC"),
        "Absat30Sept",
        AG,
    ),
    passes(
        "530Q",
        "2018 in post: the missing flag is error 221 instead",
        one("inpost", Absat30Sept=None, ReasonAbsence="SIC"),
        instead="221",
    ),
    passes(
        "530Q",
        "2017: reason with the flag 1",
        one("inpost", 2017, Absat30Sept="1", ReasonAbsence="SIC"),
    ),
    passes("512", "reason given, absent", one("inpost", Absat30Sept="1", ReasonAbsence="MAT")),
    fires(
        "513", "2018 in post absent, no reason", one("inpost", Absat30Sept="1"), "ReasonAbsence", IN
    ),
    fires(
        "513",
        "2018 leaver leaving on census day absent, no reason",
        one("leaver", RoleEndDate="2018-09-30", Absat30Sept="1"),
        "ReasonAbsence",
        LV,
    ),
    fires(
        "513",
        "2018 in post absent, reason element empty",
        one("inpost", Absat30Sept="1", ReasonAbsence=""),
        "ReasonAbsence",
        IN,
    ),
    passes("513", "2018 in post not absent, no reason", one("inpost", Absat30Sept="0")),
    passes(
        "513",
        "2017 in post absent, no reason (a query that year)",
        one("inpost", 2017, Absat30Sept="1"),
        instead="514Q",
    ),
    passes(
        "513",
        "2018 agency worker absent, no reason (a query)",
        one("agency", Absat30Sept="1"),
        instead="515Q",
    ),
    fires(
        "514Q",
        "2017 in post absent, no reason",
        one("inpost", 2017, Absat30Sept="1"),
        "ReasonAbsence",
        IN,
    ),
    fires(
        "514Q",
        "2017 agency worker absent, reason element empty",
        one("agency", 2017, Absat30Sept="1", ReasonAbsence=""),
        "ReasonAbsence",
        AG,
    ),
    passes(
        "514Q",
        "2018 in post absent, no reason (an error that year)",
        one("inpost", Absat30Sept="1"),
        instead="513",
    ),
    passes(
        "514Q",
        "2017 in post absent, with a reason",
        one("inpost", 2017, Absat30Sept="1", ReasonAbsence="SIC"),
    ),
    fires(
        "515Q",
        "2018 agency worker absent, no reason",
        one("agency", Absat30Sept="1"),
        "ReasonAbsence",
        AG,
    ),
    fires(
        "515Q",
        "2018 agency worker absent, reason element empty",
        one("agency", Absat30Sept="1", ReasonAbsence=""),
        "ReasonAbsence",
        AG,
    ),
    passes(
        "515Q",
        "2018 agency worker absent, with a reason",
        one("agency", Absat30Sept="1", ReasonAbsence="TRN"),
    ),
    passes(
        "515Q",
        "2017 agency worker absent, no reason (514Q that year)",
        one("agency", 2017, Absat30Sept="1"),
        instead="514Q",
    ),
    fires(
        "516Q",
        "left the day before census day, absent on it",
        one("leaver", 2019, RoleEndDate="2019-09-29", Absat30Sept="1", ReasonAbsence="OTH"),
        "Absat30Sept",
        LV,
    ),
    fires(
        "516Q",
        "2018: left the day before the last working day, absent",
        one("leaver", RoleEndDate="2018-09-27", Absat30Sept="1", ReasonAbsence="OTH"),
        "Absat30Sept",
        LV,
    ),
    passes(
        "516Q",
        "2017: left on Friday 29 September (last working day), absent that day",
        one("leaver", 2017, RoleEndDate="2017-09-29", Absat30Sept="1", ReasonAbsence="OTH"),
    ),
    passes(
        "516Q",
        "left on census day, absent on it",
        one("leaver", RoleEndDate="2018-09-30", Absat30Sept="1", ReasonAbsence="OTH"),
    ),
    fires(
        "517Q", "case holder with 0 cases", one("inpost", OrgRole="5", Cases30="0"), "Cases30", IN
    ),
    passes("517Q", "case holder with 1 case", one("inpost", OrgRole="5", Cases30="1")),
    passes("517Q", "senior practitioner with 0 cases", one("inpost", OrgRole="4", Cases30="0")),
    fires(
        "518Q",
        "qualified without cases holding 1",
        one("inpost", OrgRole="6", Cases30="1"),
        "Cases30",
        IN,
    ),
    passes("518Q", "qualified without cases holding 0", one("inpost", OrgRole="6", Cases30="0")),
    fires("519Q", "41 cases", one("inpost", Cases30="41"), "Cases30", IN),
    fires("519Q", "agency worker with 41 cases", one("agency", Cases30="41"), "Cases30", AG),
    passes("519Q", "40 cases", one("inpost", Cases30="40")),
    fires(
        "520Q",
        "half-time worker losing 126.51 days",
        one("inpost", FTE="0.5", FTE30="0.5", WorkingDaysLost="126.51"),
        "WorkingDaysLost",
        IN,
    ),
    fires(
        "520Q",
        "leaver losing 253.01 days",
        one("leaver", WorkingDaysLost="253.01"),
        "WorkingDaysLost",
        LV,
    ),
    passes(
        "520Q",
        "half-time worker losing 126.5 days",
        one("inpost", FTE="0.5", FTE30="0.5", WorkingDaysLost="126.5"),
    ),
    passes("520Q", "leaver losing 253 days", one("leaver", WorkingDaysLost="253")),
    fires("521Q", "in post with FTE 0", one("inpost", FTE="0"), "FTE", IN),
    fires("521Q", "agency worker with FTE 0", one("agency", FTE="0"), "FTE", AG),
    passes("521Q", "in post with the smallest FTE", one("inpost", FTE="0.000001")),
    fires(
        "522Q",
        "both Step Up and Frontline",
        one("inpost", StepUpGrad="1", FrontlineGrad="1"),
        "StepUpGrad",
        IN,
    ),
    passes("522Q", "Step Up only", one("inpost", StepUpGrad="1", FrontlineGrad="0")),
    fires(
        "523Q",
        "retired to a social work role",
        one("leaver", ReasonLeave="5", LeaverDestination="1"),
        "LeaverDestination",
        LV,
    ),
    fires(
        "523Q",
        "died, destination other social care",
        one("leaver", ReasonLeave="6", LeaverDestination="5"),
        "LeaverDestination",
        LV,
    ),
    passes(
        "523Q",
        "retired, destination no employment",
        one("leaver", ReasonLeave="5", LeaverDestination="6"),
    ),
    fires(
        "524Q",
        "moved within the LA, destination non-LA social work",
        one("leaver", ReasonLeave="7", LeaverDestination="4"),
        "LeaverDestination",
        LV,
    ),
    passes(
        "524Q",
        "moved within the LA, destination other social care role",
        one("leaver", ReasonLeave="7", LeaverDestination="5"),
    ),
    fires(
        "525Q",
        "sick on census day, no days lost",
        one("inpost", Absat30Sept="1", ReasonAbsence="SIC", WorkingDaysLost="0"),
        "WorkingDaysLost",
        IN,
    ),
    passes(
        "525Q",
        "sick on census day, a quarter day lost",
        one("inpost", Absat30Sept="1", ReasonAbsence="SIC", WorkingDaysLost="0.25"),
    ),
    passes(
        "525Q",
        "on training on census day, no days lost",
        one("inpost", Absat30Sept="1", ReasonAbsence="TRN", WorkingDaysLost="0"),
    ),
    fires("526Q", "500.1 weeks", one("agency", ContractWeeks="500.1"), "ContractWeeks", AG),
    passes("526Q", "500 weeks", one("agency", ContractWeeks="500")),
    fires("528Q", "registration number starting XX", one("inpost", SWENo="XX123456"), "SWENo", IN),
    passes("528Q", "registration number starting sw", one("inpost", SWENo="sw123456")),
    fires(
        "529Q",
        "newly qualified at 61",
        one("inpost", StartOrigin="1", PersonBirthDate="1951-03-01", RoleStartDate="2012-03-01"),
        "StartOrigin",
        IN,
    ),
    passes(
        "529Q",
        "newly qualified the day before turning 61",
        one("inpost", StartOrigin="1", PersonBirthDate="1951-03-02", RoleStartDate="2012-03-01"),
    ),
    # "Starters who leave within the Year: ... ensure that their FTE is recorded correctly at
    # both time points (it should be 0)"; FTE30 is "not applicable" to leavers in the table.
    fires(
        "531Q",
        "started 1 October, left in March, FTE30 missing",
        one("leaver", RoleStartDate="2017-10-01"),
        "FTE30",
        LV,
    ),
    fires(
        "531Q",
        "2017: started and left within the year, FTE30 empty",
        one("leaver", 2017, RoleStartDate="2017-01-09", FTE30=""),
        "FTE30",
        LV,
    ),
    passes(
        "531Q",
        "started and left within the year, FTE30 0",
        one("leaver", RoleStartDate="2017-10-01", FTE30="0"),
    ),
    passes(
        "531Q",
        "started on the previous census day: FTE30 not applicable",
        one("leaver", RoleStartDate="2017-09-30"),
    ),
]

# ------------------------------------------------------------------ return (8xx)

NO_LEAVER = (W("inpost"), W("agency", SWENo="SW998877"), W("agency", SWENo="SW998878", FTE="1"))

RETURN_CASES = [
    fires("801", "no workers", only(), "CSWWWorker", None),
    passes("801", "a single leaver", only(W("leaver"))),
    fires(
        "802Q",
        "three covering, two agency records",
        la_level(NumberOfVacancies="1", NoAgencyFTE="1", NoAgencyHeadcount="3"),
        "NoAgencyHeadcount",
        None,
    ),
    passes(
        "802Q",
        "two covering, two agency records",
        la_level(NumberOfVacancies="1", NoAgencyFTE="1", NoAgencyHeadcount="2"),
    ),
    fires(
        "803Q",
        "covering FTE above the agency records' 1.8",
        la_level(NumberOfVacancies="1.9", NoAgencyFTE="1.81", NoAgencyHeadcount="2"),
        "NoAgencyFTE",
        None,
    ),
    passes(
        "803Q",
        "covering FTE equal to the agency records' 1.8",
        la_level(NumberOfVacancies="1.9", NoAgencyFTE="1.8", NoAgencyHeadcount="2"),
    ),
    fires("804Q", "no leavers", only(*NO_LEAVER), "RoleEndDate", None),
    passes(
        "804Q",
        "one leaver who started and left within the year",
        only(*NO_LEAVER, W("leaver", SWENo="SW5", RoleStartDate="2017-11-01")),
    ),
    passes("804Q", "an empty return is left to rule 801", only(), instead="801"),
    fires(
        "805Q",
        "leavers and agency workers only",
        only(W("leaver"), W("agency", SWENo="SW998877")),
        "CSWWWorker",
        None,
    ),
    passes(
        "805Q",
        "the only worker in post is absent",
        only(W("inpost", Absat30Sept="1", ReasonAbsence="MAT"), W("leaver", SWENo="SW2")),
    ),
    fires(
        "806Q",
        "nobody in post holds a case",
        only(
            W("inpost", OrgRole="4", Cases30="0"),
            W("leaver", SWENo="SW2"),
            W("agency", SWENo="SW3", Cases30="0"),
        ),
        "Cases30",
        None,
    ),
    passes(
        "806Q",
        "one agency worker holds one case",
        only(
            W("inpost", OrgRole="4", Cases30="0"),
            W("leaver", SWENo="SW2"),
            W("agency", SWENo="SW3", Cases30="1"),
        ),
    ),
    passes(
        "806Q",
        "a leaver's cases do not count, but nobody is in post",
        only(W("leaver", RoleEndDate="2018-09-30", Cases30="0")),
    ),
    fires(
        "807Q",
        "vacancies 1.01 against 1 FTE in post",
        la_level(NumberOfVacancies="1.01"),
        "NumberOfVacancies",
        None,
    ),
    passes("807Q", "vacancies equal to the FTE in post", la_level(NumberOfVacancies="1")),
]

TABLE = HEADER_CASES + LA_CASES + MISSING_CASES + FORMAT_CASES + NOT_APPLICABLE_CASES
TABLE += WORKER_CASES + RETURN_CASES


@pytest.mark.parametrize("case", TABLE, ids=lambda c: c.id)
def test_rule_case(case: Case) -> None:
    check(case)


# ------------------------------------------------------------------ meta-tests


def all_cases() -> list[Case]:
    from tests.core.test_rules_continuity import CONTINUITY_CASES
    from tests.core.test_rules_false_errors import FALSE_ERROR_CASES
    from tests.core.test_rules_records import RECORD_CASES
    from tests.core.test_rules_structure import STRUCTURE_CASES
    from tests.core.test_years import YEAR_CASES

    return (
        TABLE + RECORD_CASES + STRUCTURE_CASES + CONTINUITY_CASES + YEAR_CASES + FALSE_ERROR_CASES
    )


def test_every_rule_has_a_firing_and_a_passing_case() -> None:
    cases = all_cases()
    firing = {c.rule for c in cases if c.fires}
    passing = {c.rule for c in cases if not c.fires}
    # The spreadsheet reader's rules need spreadsheet input: tests/sheets covers them.
    from csww.rules.spreadsheet import SHEET_RULES

    ids = {r.id for r in RULES if r.id not in SHEET_RULES}
    assert not firing - ids, f"cases for rules that do not exist: {sorted(firing - ids)}"
    assert not passing - ids, f"cases for rules that do not exist: {sorted(passing - ids)}"
    assert not ids - firing, f"rules with no firing case: {sorted(ids - firing, key=_order)}"
    assert not ids - passing, f"rules with no passing case: {sorted(ids - passing, key=_order)}"


def test_case_descriptions_are_unique() -> None:
    ids = [c.id for c in all_cases()]
    assert len(ids) == len(set(ids))


def test_every_case_rule_applies_in_its_year() -> None:
    """A firing case must be built for a year the rule applies to."""
    for case in all_cases():
        if case.fires:
            report = case.run()
            assert report.year is not None
            assert RULES[case.rule].applies_to(report.year), case.id


def _order(rule_id: str) -> tuple[int, str]:
    return int("".join(ch for ch in rule_id if ch.isdigit())), rule_id


@pytest.mark.parametrize("year", [2017, 2018])
def test_default_return_has_no_issues(year: int) -> None:
    ret = make_return(year=year)
    assert validate_return(ret).issues == []
    assert validate_return(ret, year=year).issues == []
    assert validate(to_bytes(ret)).issues == []


@pytest.mark.parametrize("year", [2017, 2018])
@pytest.mark.parametrize("category", ["inpost", "leaver", "agency"])
def test_default_worker_alone_passes_every_item_and_worker_rule(year: int, category: str) -> None:
    ret = make_return([make_worker(category, year)], year=year)
    item_and_worker = {r.id for r in RULES if r.scope in ("item", "worker")}
    issues = [i for i in validate_return(ret).issues if i.rule in item_and_worker]
    assert issues == []


def test_queries_and_errors_follow_dfe_conventions() -> None:
    """A query's id ends in Q and its message begins "Please check"; an error's does
    neither. Checked on the registry and on every issue any case produces."""
    for rule in RULES:
        is_query = rule.severity == "query"
        assert rule.id.endswith("Q") == is_query, rule.id
        assert rule.message.startswith("Please check") == is_query, rule.id
    seen = 0
    for case in all_cases():
        for issue in case.run().issues:
            rule = RULES[issue.rule]
            assert issue.severity == rule.severity, issue
            assert issue.rule.endswith("Q") == (issue.severity == "query"), issue
            assert issue.message.startswith("Please check") == (issue.severity == "query"), issue
            assert "{name}" not in issue.message, issue
            seen += 1
    assert seen > len(RULES)


def test_year_dependent_rules_are_declared_for_the_right_years() -> None:
    # The 2017 guide: Frontline graduate, Absent on 30 September and Reason for absence are
    # voluntary in 2017 and mandatory (excluding agency staff) from 2018.
    assert RULES["220"].since == 2018 and RULES["221"].since == 2018
    assert RULES["513"].applies_to(2018) and not RULES["513"].applies_to(2017)
    assert RULES["514Q"].applies_to(2017) and not RULES["514Q"].applies_to(2018)
    assert RULES["515Q"].applies_to(2018) and not RULES["515Q"].applies_to(2017)


def test_an_items_precision_is_written_in_agreeing_words() -> None:
    """ContractWeeks allows one decimal place: its rule and the portal's hint say "1 decimal
    place", never "1 decimal places"; FTE's six say "6 decimal places"."""
    from csww.rules.items import item_messages
    from csww.spec import load_spec
    from csww.values import places_text

    assert places_text(1) == "1 decimal place"
    assert places_text(6) == "6 decimal places"
    for year in (2017, 2026):
        spec = load_spec(year)
        assert spec.worker["ContractWeeks"].dp == 1
        words = " ".join(item_messages(spec).values())
        assert "at most 1 decimal place" in words
        assert "1 decimal places" not in words
        assert "at most 6 decimal places" in words
