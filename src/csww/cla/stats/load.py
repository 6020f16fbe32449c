"""Returns for ``csww cla stats``: read with the 903 reader, placement LA, locality and
distance derived from postcodes when the return does not carry them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from csww.cla.derive import derive
from csww.cla.read import read_return
from csww.cla.references.postcodes import PostcodeLookup, PostcodesMissing
from csww.cla.stats.compute import Return
from csww.core import Tables

SPEC = re.compile(r"^(?P<la>\d{3}):(?P<year>\d{4}):(?P<path>.+)$")


class StatsInputError(ValueError):
    """A return could not be used; the message says which and why (no personal data)."""


@dataclass(frozen=True)
class Given:
    la: str
    year: int
    path: Path


def parse_given(text: str, la: str | None, year: int | None) -> Given:
    """``LA:YEAR:PATH`` (e.g. ``202:2025:camden.xml``), or a bare path with ``--la``/``--year``."""
    m = SPEC.match(text)
    if m:
        return Given(m["la"], int(m["year"]), Path(m["path"]))
    if la is None or year is None:
        raise StatsInputError(
            f"{text}: say whose return and which year it is, as LA:YEAR:PATH (e.g. 202:2025:{text}), "
            "or give --la and --year."
        )
    return Given(la, year, Path(text))


def with_derived(
    tables: Tables, la: str, postcodes: PostcodeLookup | None
) -> tuple[Tables, str | None]:
    """The tables with PL_LA, PL_LOCATION and PL_DISTANCE on the episodes (derived from
    HOME_POST and PL_POST unless the return has them); a note when they cannot be."""
    eps = tables["Episodes"]
    if {"PL_LOCATION", "PL_DISTANCE"} <= set(eps.columns):
        return tables, None
    if postcodes is None:
        try:
            posts = [*eps["HOME_POST"].to_list(), *eps["PL_POST"].to_list()]
            postcodes = PostcodeLookup.from_package(posts)
        except PostcodesMissing as exc:
            return tables, str(exc)
    return Tables({**tables.frames, "Episodes": derive(eps, la=la, postcodes=postcodes)}), None


def load(
    given: Given, *, counted: bool = True, postcodes: PostcodeLookup | None = None
) -> tuple[Return, list[str]]:
    result = read_return(given.path)
    if result.tables is None:
        raise StatsInputError(f"{given.path.name}: {result.failure}")
    tables, note = with_derived(result.tables, given.la, postcodes)
    notes = [f"{given.path.name}: {note}"] if note else []
    notes += [f"{given.path.name}: {n.describe()}" for n in result.notes]
    return Return(given.la, given.year, tables, counted=counted), notes


def write_tables(tables: dict[str, list[dict[str, str]]], folder: Path) -> list[Path]:
    """One CSV per table, named as DfE names its file."""
    from csww.cla.stats.layout import columns

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in tables.items():
        path = folder / f"{name}.csv"
        pl.DataFrame(rows, schema=dict.fromkeys(columns(name), pl.String)).write_csv(path)
        written.append(path)
    return written
