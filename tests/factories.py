"""Valid returns and workers for tests; pass overrides to break exactly one thing.

``make_worker("leaver", FTE="0.5")`` is a valid 2018 leaver except for its FTE;
``make_worker("inpost", Cases30=None)`` drops the item altogether.
"""

from __future__ import annotations

from csww.model import Record, Return
from csww.spec import load_spec

# Values for the items a later year adds, and the categories that give them.
LATER_ITEMS = {"BaseSalary": ("36500.00", ("inpost",))}
# A leaver's FTE: 0 as the 2017 guide asks ("For leavers, please record a 0"); from 2018 the
# FTE they worked when they left (docs/years.md; queries 532Q and 533Q).
LEAVER_FTE = {2017: "0"}
LEAVER_FTE_LATER = "1"
SEX_CODES = {"1": "M", "2": "F"}
LA_PAY_ITEMS = {
    "RecruitmentBonus": "0",
    "RetentionBonus": "2",
    "PerformanceAward": "0",
    "CarAllowance": "1",
    "RelocationPackage": "2",
    "RegionalWeighting": "0",
    "CostSWE": "1",
    "CostDBS": "1",
    "OtherAllowances": "",
}

BASE = {
    "AgencyWorker": "0",
    "SWENo": "SW123456",
    "FTE": "1",
    "PersonBirthDate": "1980-05-17",
    "GenderCurrent": "2",
    "Ethnicity": "WBRI",
    "QualInst": "University of Leeds",
    "QualLevel": "1",
    "StepUpGrad": "0",
    "OrgRole": "5",
    "RoleStartDate": "2012-03-01",
    "StartOrigin": "2",
    "FTE30": "1",
    "Cases30": "18",
    "WorkingDaysLost": "4.5",
    "FrontlineGrad": "0",
    "Absat30Sept": "0",
}

CATEGORY_CHANGES: dict[str, dict[str, str | None]] = {
    "inpost": {},
    "leaver": {
        "FTE": "0",
        "RoleEndDate": "{year}-03-31",
        "LeaverDestination": "1",
        "ReasonLeave": "1",
        "FTE30": None,
        "Cases30": None,
    },
    "agency": {
        "AgencyWorker": "1",
        "PersonBirthDate": None,
        "GenderCurrent": None,
        "Ethnicity": None,
        "QualInst": None,
        "QualLevel": None,
        "StepUpGrad": None,
        "OrgRole": None,
        "RoleStartDate": None,
        "StartOrigin": None,
        "FTE30": None,
        "WorkingDaysLost": None,
        "FrontlineGrad": None,
        "Absat30Sept": None,
        "ContractWeeks": "26.5",
        "FTE": "0.8",
        "Cases30": "15",
    },
}


def in_year_format(
    values: dict[str, str | None], category: str, year: int
) -> dict[str, str | None]:
    """The 2017 items in ``year``'s format: its own sex item and codes, without the items it
    no longer collects, with the items it added that ``category`` must give."""
    spec = load_spec(year)
    out = dict(values)
    sex = spec.element_for("sex")
    gender = out.pop("GenderCurrent", None)
    if sex is not None and gender is not None:
        out[sex] = SEX_CODES.get(gender, gender) if sex != "GenderCurrent" else gender
    out = {k: v for k, v in out.items() if k in spec.worker}
    for element, (value, categories) in LATER_ITEMS.items():
        if element in spec.worker and element not in out and category in categories:
            out[element] = value
    if category == "leaver" and "FTE" in out:
        out["FTE"] = LEAVER_FTE.get(year, LEAVER_FTE_LATER)
    return out


def make_worker(category: str = "inpost", year: int = 2018, **overrides: str | None) -> Record:
    """A worker valid for ``year`` in ``category``; an override of None removes the item."""
    values: dict[str, str | None] = dict(BASE)
    values.update(CATEGORY_CHANGES[category])
    values = in_year_format(values, category, year)
    values.update(overrides)
    clean = {k: v.format(year=year) for k, v in values.items() if v is not None}
    return Record(values=clean)


def make_header(year: int = 2018, lea: str = "301", **overrides: str | None) -> Record:
    values: dict[str, str | None] = {
        "Collection": "CSWW",
        "Year": str(year),
        "ReferenceDate": f"{year}-09-30",
        "SourceLevel": "L",
        "LEA": lea,
        "SoftwareCode": "csww tests",
        "DateTime": f"{year}-10-15T10:30:00",
    }
    values.update(overrides)
    return Record(values={k: v for k, v in values.items() if v is not None})


def make_la(year: int = 2018, **overrides: str | None) -> Record:
    values: dict[str, str | None] = {
        "NumberOfVacancies": "0.9",
        "NoAgencyFTE": "0.5",
        "NoAgencyHeadcount": "1",
    }
    values.update({k: v for k, v in LA_PAY_ITEMS.items() if k in load_spec(year).la})
    values.update(overrides)
    return Record(values={k: v for k, v in values.items() if v is not None})


def make_return(workers: list[Record] | None = None, year: int = 2018, lea: str = "301") -> Return:
    """A valid return: by default one worker in post, one leaver and two agency workers."""
    if workers is None:
        workers = [
            make_worker("inpost", year),
            make_worker("leaver", year, SWENo="SW223344"),
            make_worker("agency", year, SWENo="SW998877"),
            make_worker("agency", year, SWENo="SW998878", FTE="1"),
        ]
    return Return(header=make_header(year, lea), la=make_la(year), workers=workers)
