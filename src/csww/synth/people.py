"""Plausible characteristics for synthetic social workers.

The shares below are round figures of the kind DfE publishes for the workforce (mostly
women, a median age in the early forties, about a fifth of posts part-time, most starters
newly qualified or from another LA, a third of leavers' destinations unknown); London's
workforce is more ethnically diverse than elsewhere. They make returns look real; they are
not calibrated to any published breakdown, and the statistics never depend on them.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from csww.values import years_between

# Ethnicity codes (2017 guide code list) with weights outside and inside London.
ETHNICITY: dict[str, tuple[float, float]] = {
    "WBRI": (72.0, 38.0),
    "WIRI": (1.5, 2.5),
    "WOTH": (4.0, 7.0),
    "MWBC": (1.2, 2.5),
    "MWBA": (0.6, 1.2),
    "MWAS": (0.5, 0.8),
    "MOTH": (0.8, 1.5),
    "AIND": (2.0, 3.0),
    "APKN": (1.6, 1.5),
    "ABAN": (0.4, 1.2),
    "AOTH": (0.8, 1.5),
    "BCRB": (2.0, 8.0),
    "BAFR": (6.0, 20.0),
    "BOTH": (0.6, 2.0),
    "CHNE": (0.2, 0.4),
    "OOTH": (0.8, 1.8),
    "REFU": (2.0, 3.0),
    "NOBT": (3.0, 3.6),
}
# Roles for records that hold cases and for those that do not (cases decide the role:
# rule 517Q asks case holders (5) to hold cases, rule 518Q role 6 to hold none).
ROLES_WITH_CASES = (("5", 80.0), ("4", 15.0), ("3", 5.0))
ROLES_WITHOUT_CASES = (("6", 32.0), ("3", 26.0), ("2", 18.0), ("4", 14.0), ("1", 10.0))
QUAL_LEVEL = (("1", 55.0), ("2", 38.0), ("3", 7.0))
START_ORIGIN = (
    ("1", 28.0),
    ("2", 22.0),
    ("3", 3.0),
    ("4", 14.0),
    ("5", 7.0),
    ("6", 6.0),
    ("7", 3.0),
    ("8", 3.0),
    ("9", 12.0),
    ("10", 2.0),
)
DESTINATION = (
    ("1", 18.0),
    ("2", 2.0),
    ("3", 14.0),
    ("4", 8.0),
    ("5", 5.0),
    ("6", 15.0),
    ("7", 8.0),
    ("8", 25.0),
    ("9", 5.0),
)
REASON_LEAVE = (
    ("1", 62.0),
    ("2", 2.0),
    ("3", 1.0),
    ("4", 3.0),
    ("5", 8.0),
    ("6", 0.3),
    ("7", 5.0),
    ("8", 8.0),
    ("9", 10.0),
    ("10", 0.7),
)
REASON_ABSENCE = (
    ("MAT", 38.0),
    ("SIC", 34.0),
    ("OTH", 14.0),
    ("TRN", 6.0),
    ("UNP", 4.0),
    ("UNA", 2.0),
    ("PUB", 2.0),
)
# Part-time reductions from full time, in hundredths of an FTE (0.5, 0.6, 0.8 ... posts).
PART_TIME_CUTS = (50, 40, 20, 30, 10, 60, 25, 15)
UNIVERSITIES = (
    "University of Leeds",
    "University of Birmingham",
    "University of Manchester",
    "Manchester Metropolitan University",
    "University of Sussex",
    "Goldsmiths, University of London",
    "University of East Anglia",
    "University of Nottingham",
    "Sheffield Hallam University",
    "University of Bristol",
    "University of Kent",
    "Royal Holloway, University of London",
    "University of York",
    "Lancaster University",
    "Anglia Ruskin University",
    "Open University",
    "University of Bedfordshire",
    "University of Central Lancashire",
    "Northumbria University",
    "University of Plymouth",
    "London Metropolitan University",
    "Middlesex University",
)


_CUMULATIVE: dict[int, tuple[list[str], list[float]]] = {}


def _cumulative(table: Sequence[tuple[str, float]]) -> tuple[list[str], list[float]]:
    key = id(table)
    found = _CUMULATIVE.get(key)
    if found is None:
        found = ([c for c, _ in table], list(itertools.accumulate(w for _, w in table)))
        _CUMULATIVE[key] = found
    return found


def pick(rng: random.Random, table: Sequence[tuple[str, float]]) -> str:
    """A code drawn with the table's weights (tables are module constants, so cached)."""
    codes, cumulative = _cumulative(table)
    return codes[bisect.bisect(cumulative, rng.random() * cumulative[-1])]


_ETHNICITY_TABLES = (
    tuple((c, w[0]) for c, w in ETHNICITY.items()),
    tuple((c, w[1]) for c, w in ETHNICITY.items()),
)


def ethnicity(rng: random.Random, london: bool) -> str:
    return pick(rng, _ETHNICITY_TABLES[1 if london else 0])


def written_at(reference: date) -> datetime:
    """When a synthetic return is written: 09:30 twenty days after its reference date, inside
    the collection window and after the census day (header rules 1xx)."""
    return datetime.combine(reference + timedelta(days=20), time(9, 30))


def birth_date(
    rng: random.Random, on: date, mean_age: float, low: int = 22, high: int = 66
) -> date:
    """A date of birth giving an age at ``on`` near ``mean_age`` within ``low``–``high``."""
    age = min(max(rng.gauss(mean_age, 9.5), low + 0.01), high + 0.99)
    return on - timedelta(days=int(age * 365.25))


def start_before(rng: random.Random, born: date, latest: date, mean_years: float) -> date:
    """A start date on or before ``latest`` after the worker turned 21."""
    earliest = date(
        born.year + 21, born.month, 28 if born.month == 2 and born.day == 29 else born.day
    )
    span = (latest - earliest).days
    if span <= 0:
        return latest
    back = min(int(rng.expovariate(1 / mean_years) * 365.25), span)
    return latest - timedelta(days=back)


def day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))


def origin(rng: random.Random, born: date, started: date, census: date) -> str:
    """Origin when started; newly qualified (1) only for recent starts under 60 (rule 529Q)."""
    code = pick(rng, START_ORIGIN)
    if code == "1" and (years_between(started, census) > 9 or years_between(born, started) > 55):
        return "2"
    return code


def leaving(rng: random.Random, age: int) -> tuple[str, str]:
    """Reason for leaving and destination, consistent with each other (rules 523Q, 524Q)."""
    reason = pick(rng, REASON_LEAVE)
    if reason == "5" and age < 55:
        reason = "1"
    destination = pick(rng, DESTINATION)
    if reason in ("5", "6"):
        destination = rng.choice(("6", "8"))
    elif reason == "7" and destination in ("1", "2", "3", "4"):
        destination = "5"
    return reason, destination


def qualification(
    rng: random.Random, started: date, institution: str | None = None
) -> dict[str, str]:
    """Qualification level, Step Up / Frontline graduate flags and, usually, the institution
    (under ``institution``, the year's element for it; none in a year that does not collect it)."""
    level = pick(rng, QUAL_LEVEL)
    step_up = level == "2" and started.year >= 2011 and rng.random() < 0.08
    frontline = level == "2" and not step_up and started.year >= 2015 and rng.random() < 0.14
    out = {
        "QualLevel": level,
        "StepUpGrad": "1" if step_up else "0",
        "FrontlineGrad": "1" if frontline else "0",
    }
    if rng.random() < 0.75:
        chosen = rng.choice(UNIVERSITIES)  # drawn in every year, so each year's draws agree
        if institution:
            out[institution] = chosen
    return out


def fte_text(hundredths: int) -> str:
    """An FTE or days figure in hundredths as the shortest decimal text ("0.8", "1", "12.25")."""
    whole, part = divmod(hundredths, 100)
    if part == 0:
        return str(whole)
    return f"{whole}.{part:02d}".rstrip("0")
