"""What the 903 rules share: the year's spec, typed columns, a child's ordered episodes, ages.

Every rule reads raw text columns through their typed companions (``X:date``, ``X:code``,
see :mod:`csww.cla.typing`); none alters the raw ones.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

import polars as pl

from csww.cla.spec import ClaSpec, spec_for
from csww.cla.typing import code_of, date_of, typed
from csww.core.evaluate import RuleInputs
from csww.core.tables import ROW, Tables

# Severity: DfE's "SSDA903 validation rules" spreadsheet (which marks each rule error or query)
# is not public here. Rules whose evidence is DfE's own schema are errors; the rest are
# queries, with this assumption written on each.
QUERY = (
    "DfE's error/query flag for this rule was not available (its validation rules spreadsheet "
    "is not public); reported as a query so that a valid return is never blocked"
)
XSD_ERROR = (
    "an error: DfE's XSD for the 903 XML requires a dd/mm/yyyy date in this element, so DfE "
    "cannot load a return without one"
)
NOT_GIVEN_XXX = "XXXXXXX"
CHAIN_ITEMS = ("PLACE", "PL_POST", "URN", "PLACE_PROVIDER")


def spec(inputs: RuleInputs) -> ClaSpec:
    return cast(ClaSpec, inputs.spec) if inputs.spec is not None else spec_for(inputs.year)


def d(item: str) -> pl.Expr:
    """An item as a date (null when blank or not a date)."""
    return pl.col(date_of(item))


def c(item: str) -> pl.Expr:
    """A code item upper-cased and stripped (null when blank)."""
    return pl.col(code_of(item))


def given(item: str) -> pl.Expr:
    """True when the return wrote something in the item."""
    return pl.col(item).is_not_null() & (pl.col(item).str.strip_chars() != "")


def blank(item: str) -> pl.Expr:
    return ~given(item)


def is_in(expr: pl.Expr, codes: frozenset[str] | set[str] | list[str]) -> pl.Expr:
    return expr.is_in(sorted(codes)).fill_null(False)


def norm_postcode(expr: pl.Expr) -> pl.Expr:
    return expr.str.replace_all(r"\s", "").str.to_uppercase()


def add_years(expr: pl.Expr, years: int | pl.Expr) -> pl.Expr:
    if isinstance(years, pl.Expr):
        return expr.dt.offset_by(pl.format("{}y", years))
    return expr.dt.offset_by(f"{years}y")


def age_on(dob: pl.Expr, when: date | pl.Expr) -> pl.Expr:
    """Whole years between a date of birth and a date (null when either is null)."""
    on = pl.lit(when) if isinstance(when, date) else when
    years = on.dt.year() - dob.dt.year()
    before_birthday = (on.dt.month() < dob.dt.month()) | (
        (on.dt.month() == dob.dt.month()) & (on.dt.day() < dob.dt.day())
    )
    return years - before_birthday.cast(pl.Int32)


_CACHE: dict[int, tuple[Any, pl.DataFrame]] = {}


def _cached(key: str, frame: pl.DataFrame, build: Any) -> pl.DataFrame:
    slot = hash((key, id(frame)))
    hit = _CACHE.get(slot)
    if hit is not None and hit[0] is frame:
        return hit[1]
    result = cast(pl.DataFrame, build(frame))
    if len(_CACHE) > 64:
        _CACHE.clear()
    _CACHE[slot] = (frame, result)
    return result


def chain_of(frame: pl.DataFrame) -> pl.DataFrame:
    """Episodes ordered by child and start date (file order breaks ties), each with the
    previous and next episode's items (``prev_X``, ``next_X``) and ``first``/``last``."""

    def build(f: pl.DataFrame) -> pl.DataFrame:
        ordered = f.with_columns(pl.int_range(pl.len()).alias("_file")).sort(
            ["CHILD", date_of("DECOM"), "_file"], nulls_last=True
        )
        cols = [
            "DECOM",
            "DEC",
            "RNE",
            "LS",
            "CIN",
            "PLACE",
            "PLACE_PROVIDER",
            "REC",
            "PL_POST",
            "URN",
            "REASON_PLACE_CHANGE",
        ]
        cols = [x for x in cols if x in f.columns]
        typed_cols = [date_of("DECOM"), date_of("DEC")] + [
            code_of(x) for x in cols if code_of(x) in f.columns
        ]
        shifted: list[pl.Expr] = []
        for name in cols + typed_cols:
            shifted.append(pl.col(name).shift(1).over("CHILD").alias("prev_" + name))
            shifted.append(pl.col(name).shift(-1).over("CHILD").alias("next_" + name))
        shifted.append(pl.col(ROW).shift(1).over("CHILD").alias("prev_" + ROW))
        shifted.append(pl.int_range(pl.len()).over("CHILD").alias("_pos"))
        shifted.append(pl.len().over("CHILD").alias("_count"))
        out = ordered.with_columns(shifted)
        return out.with_columns(
            (pl.col("_pos") == 0).alias("first"),
            (pl.col("_pos") == pl.col("_count") - 1).alias("last"),
        )

    return _cached("chain", frame, build)


def episodes(inputs: RuleInputs) -> pl.DataFrame:
    return chain_of(inputs.tables["Episodes"])


def previous_episodes(inputs: RuleInputs) -> pl.DataFrame:
    """Last year's episodes, typed with last year's spec and ordered."""
    assert inputs.previous is not None
    frame = inputs.previous["Episodes"]
    if date_of("DECOM") not in frame.columns:
        year = spec(inputs).year - 1
        prev_spec = spec_for(year) if year >= 2015 else spec(inputs)
        frame = typed(Tables({"Episodes": frame}), prev_spec)["Episodes"]
    return chain_of(frame)


def previous_table(inputs: RuleInputs, name: str) -> pl.DataFrame:
    assert inputs.previous is not None
    frame = inputs.previous.get(name)
    year = spec(inputs).year - 1
    prev_spec = spec_for(year) if year >= 2015 else spec(inputs)
    if frame is None or date_of("DOB") not in frame.columns:
        return typed(Tables({name: frame} if frame is not None else {}), prev_spec)[name]
    return frame


def open_at_end_of_last_year(inputs: RuleInputs) -> pl.DataFrame:
    """Each child's last episode of last year when it was still open (no DEC)."""
    last = previous_episodes(inputs).filter(pl.col("last") & blank("DEC"))
    keep = ["CHILD", "DECOM", date_of("DECOM")] + [
        x
        for x in (
            "RNE",
            "LS",
            "CIN",
            "PLACE",
            "PLACE_PROVIDER",
            "URN",
            "PL_LA",
            "PL_LOCATION",
            "PL_DISTANCE",
        )
        if x in last.columns
    ]
    return last.select(keep)


def first_this_year(inputs: RuleInputs) -> pl.DataFrame:
    return episodes(inputs).filter(pl.col("first"))


def oc3_given() -> pl.Expr:
    return given("IN_TOUCH") | given("ACTIV") | given("ACCOM")


def uasc_children(inputs: RuleInputs) -> pl.Series:
    """Children recorded as UASC this year or (when given) last year. A UASC record counts
    unless the XML's UASC flag on it says 0."""
    frames = [inputs.tables["UASC"]]
    if inputs.previous is not None and "UASC" in inputs.previous:
        frames.append(inputs.previous["UASC"])
    kids: list[pl.Series] = []
    for frame in frames:
        if frame.is_empty():
            continue
        flag = pl.col("UASC") if "UASC" in frame.columns else pl.lit(None, dtype=pl.String)
        kids.append(frame.filter(flag.fill_null("1").str.strip_chars() != "0")["CHILD"])
    if not kids:
        return pl.Series("CHILD", [], dtype=pl.String)
    return pl.concat(kids).unique()


def children_with_episodes(inputs: RuleInputs) -> pl.Series:
    return inputs.tables["Episodes"]["CHILD"].unique()


def rows(frame: pl.DataFrame, **extra: pl.Expr) -> pl.DataFrame:
    """A frame of failing rows for the engine: ``_row`` plus any ``_item``/``_message``."""
    out = frame.select([pl.col(ROW), *[e.alias(k) for k, e in extra.items()]])
    return out.unique(subset=[ROW], keep="first", maintain_order=True)


def la_code(inputs: RuleInputs) -> str | None:
    return inputs.la
