"""Pay statistics from the items collected from 2025: the median annual base salary of social
workers in post by role, and the share of LAs offering each incentive.

DfE has not yet published pay statistics, so this follows the conventions of the published
workforce tables: one row per LA, region and England; a salary median is published only over
at least :data:`MIN_PEOPLE` people (``c`` otherwise, as DfE suppresses figures about one or
two identifiable people); the salary is the annual base salary on each in-post record, each
person counted once per role (their highest salary in it). Agency workers have no LA salary.
Everything is named by concept from the year's specification, so a year without pay items
gives no rows.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from statistics import median

from csww.model import Record
from csww.stats import published as pub
from csww.stats.measures import stats_spec

MIN_PEOPLE = 5
ALL_ROLES = "All roles"
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
    """Salaries and incentives of one return; feed worker records and the LA-level record."""

    year: int
    lea: str
    salaries: dict[str, dict[str, Decimal]] = field(default_factory=lambda: defaultdict(dict))
    incentives: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        spec = stats_spec(self.year)
        self.salary = spec.element_for("base_salary")
        self.role_labels = spec.codelists.get("OrgRole", {})
        self.incentive_items = {e: spec.la[e].name for e in spec.elements_for("incentive", "la")}

    @property
    def collects_pay(self) -> bool:
        return self.salary is not None

    def add(self, rec: Record) -> None:
        if self.salary is None:
            return
        v = rec.values
        if v.get("AgencyWorker") == "1" or v.get("RoleEndDate"):
            return
        amount = _amount(v.get(self.salary))
        if amount is None:
            return
        role = self.role_labels.get(v.get("OrgRole", ""), "Role not known")
        person = v.get("SWENo", "") or f"record-{len(self.salaries[role])}"
        kept = self.salaries[role].get(person)
        if kept is None or amount > kept:
            self.salaries[role][person] = amount

    def set_la(self, la: Record | None) -> None:
        if la is None:
            return
        for element in self.incentive_items:
            code = la.values.get(element)
            if code in ("0", "1", "2"):
                self.incentives[element] = code


def _amount(text: str | None) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() and value > 0 else None


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
        by_role: dict[str, list[Decimal]] = defaultdict(list)
        for t in group.tallies:
            for role, people in t.salaries.items():
                by_role[role].extend(people.values())
                by_role[ALL_ROLES].extend(people.values())
        for role in sorted(by_role, key=lambda r: (r == ALL_ROLES, r)):
            values = by_role[role]
            shown = f"{median(values):.0f}" if len(values) >= MIN_PEOPLE else "c"
            out.append(
                {
                    **base,
                    "measure": "Median annual base salary (£), social workers in post",
                    "category": role,
                    "headcount": str(len(values)),
                    "value": shown,
                }
            )
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
            share = f"{100 * offering / len(answered):.1f}" if answered else "x"
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


def to_csv(tallies: Iterable[PayTally]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows(tallies))
    return buffer.getvalue()
