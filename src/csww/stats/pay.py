"""Pay statistics from the items collected from 2025: the median annual base salary of social
workers in post by role, what recruitment and retention payments and other payments are
paid, and the share of LAs offering each incentive.

DfE has not yet published pay statistics, so this follows the conventions of the published
workforce tables: one row per LA, region and England; a figure about people is published only
over at least :data:`MIN_PEOPLE` people (``c`` otherwise, as DfE suppresses figures about one
or two identifiable people); a person is counted once (by registration number), in each role
and in "All roles", with their highest salary there; amounts round half up to whole pounds,
as every published figure rounds. The basis is stated in each measure's name: the salary as
recorded, where a part-time worker's may be pro rata (the guide does not say), and the
salary of full-time posts (FTE 1) alone, which compares like with like. Agency workers have
no LA salary. Everything is named by concept from the year's specification, so a year
without pay items gives no rows.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from statistics import median

from csww.model import Record
from csww.stats import published as pub
from csww.stats.measures import stats_spec

MIN_PEOPLE = 5
ALL_ROLES = "All roles"
ALL_POSTS, FULL_TIME = "all", "full time"
BASES = (ALL_POSTS, FULL_TIME)
SALARY_MEASURES = {
    ALL_POSTS: "Median annual base salary (£), social workers in post, as recorded "
    "(a part-time salary may be pro rata)",
    FULL_TIME: "Median annual base salary (£), social workers in full-time posts (FTE 1)",
}
PAYMENT_CONCEPTS = ("rr_payments", "other_payments")
COLUMNS = (
    "time_period",
    "geographic_level",
    "region_name",
    "old_la_code",
    "la_name",
    "measure",
    "category",
    "headcount",
    "value",
)


@dataclass
class PayTally:
    """Salaries, payments and incentives of one return; feed worker records and the LA level.

    ``salaries[basis][role][person]`` is a person's highest base salary in a role, for
    ``basis`` "all" (every post in post) and "full time" (posts of FTE 1); ``payments[item]``
    holds each person's total of a payment item, for everyone in post who has a salary or
    payment recorded (``paid_people``)."""

    year: int
    lea: str
    salaries: dict[str, dict[str, dict[str, Decimal]]] = field(
        default_factory=lambda: {b: defaultdict(dict) for b in BASES}
    )
    payments: dict[str, dict[str, Decimal]] = field(default_factory=lambda: defaultdict(dict))
    paid_people: set[str] = field(default_factory=set)
    incentives: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        spec = stats_spec(self.year)
        self.salary = spec.element_for("base_salary")
        self.payment_items = {
            e: spec.worker[e].name
            for concept in PAYMENT_CONCEPTS
            for e in spec.elements_for(concept)
        }
        self.role_labels = spec.codelists.get("OrgRole", {})
        self.incentive_items = {e: spec.la[e].name for e in spec.elements_for("incentive", "la")}
        self._records = 0

    @property
    def collects_pay(self) -> bool:
        return self.salary is not None

    def add(self, rec: Record) -> None:
        if self.salary is None:
            return
        v = rec.values
        if v.get("AgencyWorker") == "1" or v.get("RoleEndDate"):
            return
        self._records += 1
        person = v.get("SWENo", "") or f"record-{self._records}"
        amount = _amount(v.get(self.salary))
        if amount is not None:
            self.paid_people.add(person)
            role = self.role_labels.get(v.get("OrgRole", ""), "Role not known")
            fte = _amount(v.get("FTE"))
            for basis in BASES:
                if basis == FULL_TIME and (fte is None or fte < 1):
                    continue
                for group in (role, ALL_ROLES):
                    kept = self.salaries[basis][group].get(person)
                    if kept is None or amount > kept:
                        self.salaries[basis][group][person] = amount
        for element in self.payment_items:
            paid = _amount(v.get(element), zero=True)
            if paid is not None:
                self.paid_people.add(person)
                totals = self.payments[element]
                totals[person] = totals.get(person, Decimal(0)) + paid

    def set_la(self, la: Record | None) -> None:
        if la is None:
            return
        for element in self.incentive_items:
            code = la.values.get(element)
            if code in ("0", "1", "2"):
                self.incentives[element] = code


def _amount(text: str | None, zero: bool = False) -> Decimal | None:
    """A positive amount (or zero, when ``zero``), or None when missing or unreadable."""
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    return value if value > 0 or (zero and value == 0) else None


def pounds(value: Decimal) -> str:
    """Whole pounds, rounded half up (as DfE rounds every published figure)."""
    return str(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass
class _Group:
    level: str
    region: str
    code: str
    name: str
    tallies: list[PayTally] = field(default_factory=list)


def _groups(tallies: Iterable[PayTally]) -> list[_Group]:
    by_key: dict[tuple[int, str, str], _Group] = {}
    for t in tallies:
        if not t.collects_pay:
            continue
        area = pub.area_for(t.lea, t.year)
        region = area.region_name if area else ""
        keys = [
            ((t.year, "National", ""), _Group("National", "", "", "England")),
            ((t.year, "Regional", region), _Group("Regional", region, "", region)),
            (
                (t.year, "Local authority", t.lea),
                _Group(
                    "Local authority",
                    region,
                    area.old_la_code if area else t.lea,
                    area.la_name if area else t.lea,
                ),
            ),
        ]
        for key, group in keys:
            by_key.setdefault(key, group).tallies.append(t)
    order = {"National": 0, "Regional": 1, "Local authority": 2}
    return [
        g
        for _k, g in sorted(
            by_key.items(), key=lambda kv: (kv[0][0], order[kv[1].level], kv[1].region, kv[1].code)
        )
    ]


def rows(tallies: Iterable[PayTally]) -> list[dict[str, str]]:
    """Rows of pay statistics for every LA, region and England the tallies cover."""
    tallies = list(tallies)
    out: list[dict[str, str]] = []
    for group in _groups(tallies):
        year = str(group.tallies[0].year)
        base = {
            "time_period": year,
            "geographic_level": group.level,
            "region_name": group.region,
            "old_la_code": group.code,
            "la_name": group.name,
        }
        for basis in BASES:
            by_role: dict[str, list[Decimal]] = defaultdict(list)
            for t in group.tallies:
                for role, people in t.salaries[basis].items():
                    by_role[role].extend(people.values())
            for role in sorted(by_role, key=lambda r: (r == ALL_ROLES, r)):
                values = by_role[role]
                shown = pounds(median(values)) if len(values) >= MIN_PEOPLE else "c"
                out.append(
                    {
                        **base,
                        "measure": SALARY_MEASURES[basis],
                        "category": role,
                        "headcount": str(len(values)),
                        "value": shown,
                    }
                )
        out.extend(_payment_rows(base, group.tallies))
        if group.level == "Local authority":
            names = group.tallies[0].incentive_items
            for element, name in names.items():
                code = next(
                    (t.incentives[element] for t in group.tallies if element in t.incentives), ""
                )
                words = {"0": "No", "1": "Yes, all eligible", "2": "Yes, some eligible"}
                out.append(
                    {
                        **base,
                        "measure": name,
                        "category": "Offered",
                        "headcount": "",
                        "value": words.get(code, "x"),
                    }
                )
            continue
        names = group.tallies[0].incentive_items
        for element, name in names.items():
            answered = [t.incentives[element] for t in group.tallies if element in t.incentives]
            offering = sum(1 for code in answered if code in ("1", "2"))
            share = _half_up(100 * offering, len(answered)) if answered else "x"
            out.append(
                {
                    **base,
                    "measure": name,
                    "category": "% of LAs offering",
                    "headcount": str(len(answered)),
                    "value": share,
                }
            )
    return out


def _payment_rows(base: dict[str, str], tallies: list[PayTally]) -> list[dict[str, str]]:
    """For each payment item: how many of the people in post with pay recorded received it,
    and the median amount among them (each person's payments of the item added up)."""
    out: list[dict[str, str]] = []
    people = sum(len(t.paid_people) for t in tallies)
    for element, name in tallies[0].payment_items.items():
        paid = [a for t in tallies for a in t.payments.get(element, {}).values() if a > 0]
        enough = people >= MIN_PEOPLE
        out.append(
            {
                **base,
                "measure": f"{name}: % of social workers in post with pay recorded receiving them",
                "category": ALL_ROLES,
                "headcount": str(people),
                "value": f"{_half_up(100 * len(paid), people)}" if enough and people else "c",
            }
        )
        out.append(
            {
                **base,
                "measure": f"{name}: median amount (£) among those receiving them",
                "category": ALL_ROLES,
                "headcount": str(len(paid)),
                "value": pounds(median(paid)) if len(paid) >= MIN_PEOPLE else "c",
            }
        )
    return out


def _half_up(numerator: int, denominator: int) -> str:
    """A percentage to one decimal place, rounded half up."""
    share = Decimal(numerator) / Decimal(denominator)
    return str(share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def to_csv(tallies: Iterable[PayTally]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows(tallies))
    return buffer.getvalue()
