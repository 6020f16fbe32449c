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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from statistics import median
from typing import TYPE_CHECKING, Any

import polars as pl

from csww.stats import published as pub
from csww.stats.batch import RET, ROW
from csww.stats.measures import stats_spec
from csww.workers import by_distinct

if TYPE_CHECKING:
    from csww.stats.batch import ReturnRead

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
    """Salaries, payments and incentives of one return.

    ``salaries[basis][role][person]`` is a person's highest base salary in a role, for
    ``basis`` "all" (every post in post) and "full time" (posts of FTE 1); ``payments[item]``
    holds each person's total of a payment item, for everyone in post who has a salary or
    payment recorded (``paid_people``). A person is their registration number, or the
    record (``record-N``, the N-th record in post) when it gives none."""

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

    @property
    def collects_pay(self) -> bool:
        return self.salary is not None

    def set_la(self, la: dict[str, str] | None) -> None:
        for element in self.incentive_items:
            code = (la or {}).get(element)
            if code in ("0", "1", "2"):
                self.incentives[element] = code


PERSON = "_person"


def frame_pay(workers: pl.DataFrame, reads: Sequence[ReturnRead]) -> list[PayTally]:
    """The pay of each return of a batch of one year (see :mod:`csww.stats.batch`)."""
    out = [PayTally(r.year, r.lea) for r in reads]
    for tally, read in zip(out, reads, strict=True):
        tally.set_la(read.la)
    first = out[0] if out else None
    salary = first.salary if first is not None else None
    if first is None or salary is None:
        return out
    inpost = workers.filter((pl.col("AgencyWorker") != "1") & (pl.col("RoleEndDate") == ""))
    number = pl.format("record-{}", pl.int_range(1, pl.len() + 1).over(RET))
    rows = inpost.sort(ROW).with_columns(
        pl.when(pl.col("SWENo") != "").then(pl.col("SWENo")).otherwise(number).alias(PERSON),
        pl.col("OrgRole").replace_strict(first.role_labels, default="Role not known").alias("_r"),
    )
    _salaries(out, rows, salary)
    for element in first.payment_items:
        paid = rows.filter(by_distinct(rows[element], _given_amount, pl.Boolean).is_not_null())
        for (ret, person), total in _decimal_sums(paid, [RET, PERSON], element).items():
            out[ret].payments[element][person] = total
        _paid(out, paid)
    return out


def _salaries(out: list[PayTally], rows: pl.DataFrame, salary: str) -> None:
    """Each person's highest salary per role and in all roles, for both bases."""
    amounts = sorted({a for t in rows[salary].unique().to_list() if (a := _amount(t)) is not None})
    rank = {a: i for i, a in enumerate(amounts)}  # equal amounts share a rank
    ranked = by_distinct(rows[salary], lambda t: _rank_of(rank, t), pl.Int64)
    full = by_distinct(rows["FTE"], _full_time, pl.Boolean).fill_null(False)
    paid = rows.with_columns(ranked.alias("_rank"), full.alias("_full")).filter(
        pl.col("_rank").is_not_null()
    )
    _paid(out, paid)
    for basis in BASES:
        chosen = paid.filter(pl.col("_full")) if basis == FULL_TIME else paid
        for role in ("_r", None):
            group = pl.col(role) if role else pl.lit(ALL_ROLES)
            best = chosen.group_by(RET, group.alias("_g"), PERSON).agg(pl.col("_rank").max())
            for ret, g, person, r in best.iter_rows():
                out[ret].salaries[basis][g][person] = amounts[r]


def _rank_of(rank: dict[Decimal, int], text: str) -> int | None:
    amount = _amount(text)
    return None if amount is None else rank[amount]


def _full_time(text: str) -> bool | None:
    fte = _amount(text)
    return True if fte is not None and fte >= 1 else None


def _given_amount(text: str) -> bool | None:
    return True if _amount(text, zero=True) is not None else None


def _paid(out: list[PayTally], rows: pl.DataFrame) -> None:
    for ret, person in rows.select(RET, PERSON).unique().iter_rows():
        out[ret].paid_people.add(person)


def _decimal_sums(rows: pl.DataFrame, keys: list[str], text: str) -> dict[tuple[Any, ...], Decimal]:
    """Per group of ``keys``: the exact sum of the amounts of ``text`` (zero allowed)."""
    out: dict[tuple[Any, ...], Decimal] = {}
    for *key, t, n in rows.group_by([*keys, text]).len().iter_rows():
        amount = _amount(t, zero=True)
        if amount is not None:
            k = tuple(key)
            out[k] = out.get(k, Decimal(0)) + amount * n
    return out


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
