"""The ``--year`` option every command shares: a collection year csww has a specification
for, or a clear refusal (exit 2) naming the years it knows."""

from __future__ import annotations

from typing import Any

import click

from csww.spec import year_problem


class CollectionYear(click.ParamType):  # type: ignore[type-arg, unused-ignore]
    name = "YEAR"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            year = value
        else:
            text = str(value).strip()
            if not (text.isascii() and text.isdigit() and len(text) == 4):
                self.fail(
                    f"{value!r} is not a year: give four digits, for example 2025.", param, ctx
                )
            year = int(text)
        problem = year_problem(year)
        if problem is not None:
            self.fail(problem, param, ctx)
        return year


YEAR = CollectionYear()
