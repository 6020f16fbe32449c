"""Pay rules (6xx): the worker-level pay items collected from 2025."""

from __future__ import annotations

import polars as pl

from csww.rules.registry import Columns, rule

SECTION = "Pay"
# A full-time children's social worker's base salary lies well inside this range (national
# pay scales put newly qualified social workers near £30,000 and senior managers near
# £100,000); a part-time worker's pro-rata salary may fall below it, hence a query.
LOW, HIGH = 15_000, 150_000


@rule(
    "601Q",
    "query",
    "Please check: Annual base salary is outside £15,000 to £150,000; check it is the annual salary in pounds (not monthly, not in pence), or note that it is pro rata.",
    items=("BaseSalary",),
    section=SECTION,
    scope="worker",
    since=2025,
    requires=("BaseSalary",),
)
def base_salary_plausible(c: Columns) -> pl.Expr:
    return c.t("BaseSalary").is_between(LOW, HIGH)


# The only source for a mandatory base salary is a news report (CC24, May 2024) of DfE's
# plans to collect it for "permanently employed" social workers; a return does not say who is
# permanently employed, and DfE has not confirmed the status. So a worker in post without a
# salary is a query: an error resting on an unconfirmed fact would block valid returns.
@rule(
    "602Q",
    "query",
    "Please check: Annual base salary is not given for this worker in post; DfE's plans (reported, not confirmed by DfE) are to collect it for permanently employed social workers. Give it, or say in a note why not (for example a casual or fixed-term contract).",
    items=("BaseSalary",),
    section=SECTION,
    scope="worker",
    since=2025,
    categories=("inpost",),
)
def base_salary_given(c: Columns) -> pl.Expr:
    return c.given("BaseSalary")
