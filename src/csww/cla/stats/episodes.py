"""A child's episodes, linked across an LA's yearly returns, with the placements they make.

Each yearly 903 return holds the episodes open at some time in its year; a measure over two or
two and a half years needs the episodes of earlier returns. :func:`link` puts an LA's returns
together child by child and repairs the joins, as LIIA's "episodes fix" does for its regional
data (documented in docs/cla-statistics.md):

1. every return's episodes are pooled; an episode (same ``CHILD`` and ``DECOM``) given by
   more than one return is taken from the **latest** return, since an LA may amend history;
2. episodes are ordered by start date within a child;
3. an episode left open (no ``DEC``) in an earlier return that is followed by a later episode
   is closed on the day the next one starts (``REC`` X1 when the next episode continues the
   period of care, else left blank); each such repair is counted;
4. an episode whose ``DEC`` runs past the next episode's start is cut back to that start.

Episodes under an agreed series of short breaks (``LS`` V3/V4) are left out: DfE's figures
"exclude children looked after under an agreed series of short term placements"; a period of
care that began under short breaks is marked (``short_break_start``).

Derived per episode (the counting rules, stated in docs/cla-statistics.md):

* ``new_placement``: ``RNE`` S, P, B, T or U — a placement starts (``L`` changes only the
  legal status);
* ``new_carer``: ``RNE`` S, P or B — a placement with a different carer. ``T`` and ``U`` (a
  change of placement with the **same carer**, new in 2015–16 for exactly this purpose) do
  not start a new carer; nor does a temporary placement (``PLACE`` T0–T4), nor the return
  from one to the placement the child was in before it;
* ``period``, ``placement`` and ``carer`` numbers within the child, and their start dates;
  the first episode known always opens all three (its true start may be earlier when no
  earlier return is given: ``history_known`` says whether it began with ``RNE`` S).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl

from csww.cla.stats.periods import parse
from csww.core import Tables

SHORT_BREAKS = ("V3", "V4")
TEMPORARY = ("T0", "T1", "T2", "T3", "T4")
EPISODE_ITEMS = (
    "CHILD",
    "DECOM",
    "RNE",
    "LS",
    "CIN",
    "PLACE",
    "PLACE_PROVIDER",
    "DEC",
    "REC",
    "REASON_PLACE_CHANGE",
    "HOME_POST",
    "PL_POST",
    "URN",
)
DERIVED = ("PL_LA", "PL_LOCATION", "PL_DISTANCE")


@dataclass
class Linked:
    """An LA's episodes and children over the returns given."""

    episodes: pl.DataFrame
    header: pl.DataFrame
    repairs: dict[str, int] = field(default_factory=dict)
    has_derived: bool = False


def _text(frame: pl.DataFrame, name: str) -> pl.Expr:
    if name in frame.columns:
        return pl.col(name).cast(pl.String).str.strip_chars().replace("", None)
    return pl.lit(None, dtype=pl.String)


def _code(frame: pl.DataFrame, name: str) -> pl.Expr:
    return _text(frame, name).str.to_uppercase().alias(name)


def episodes_of(tables: Tables, order: int) -> pl.DataFrame:
    """One return's episodes, typed for counting (raw text left in the return)."""
    frame = tables.get("Episodes", pl.DataFrame())
    if frame.is_empty():
        frame = pl.DataFrame(
            {c: [] for c in EPISODE_ITEMS}, schema=dict.fromkeys(EPISODE_ITEMS, pl.String)
        )
    distance = (
        _text(frame, "PL_DISTANCE").cast(pl.Float64, strict=False)
        if "PL_DISTANCE" in frame.columns
        else pl.lit(None, dtype=pl.Float64)
    )
    out = frame.select(
        _text(frame, "CHILD").alias("CHILD"),
        parse("DECOM").alias("DECOM")
        if "DECOM" in frame.columns
        else pl.lit(None, dtype=pl.Date).alias("DECOM"),
        parse("DEC").alias("DEC")
        if "DEC" in frame.columns
        else pl.lit(None, dtype=pl.Date).alias("DEC"),
        *(_code(frame, c) for c in ("RNE", "LS", "CIN", "PLACE", "REC", "REASON_PLACE_CHANGE")),
        *(_code(frame, c) for c in ("URN", "PL_POST", "PL_LA", "PL_LOCATION")),
        distance.alias("PL_DISTANCE"),
        pl.lit(order, dtype=pl.Int32).alias("_return"),
    )
    return out.filter(pl.col("CHILD").is_not_null() & pl.col("DECOM").is_not_null())


def header_of(tables: Tables, order: int) -> pl.DataFrame:
    frame = tables.get("Header", pl.DataFrame())
    if frame.is_empty():
        return pl.DataFrame(
            schema={"CHILD": pl.String, "SEX": pl.String, "DOB": pl.Date, "_return": pl.Int32}
        )
    return frame.select(
        _text(frame, "CHILD").alias("CHILD"),
        _code(frame, "SEX"),
        parse("DOB").alias("DOB")
        if "DOB" in frame.columns
        else pl.lit(None, dtype=pl.Date).alias("DOB"),
        pl.lit(order, dtype=pl.Int32).alias("_return"),
    ).filter(pl.col("CHILD").is_not_null())


def link(returns: Sequence[Tables]) -> Linked:
    """Pool an LA's returns, oldest first (the last is the year counted), child by child."""
    eps = pl.concat([episodes_of(t, n) for n, t in enumerate(returns)], how="vertical_relaxed")
    has_derived = any(
        "PL_LOCATION" in t.get("Episodes", pl.DataFrame()).columns
        and "PL_DISTANCE" in t.get("Episodes", pl.DataFrame()).columns
        for t in returns[-1:]
    )
    pooled = eps.height
    eps = eps.sort(["CHILD", "DECOM", "_return"]).unique(
        ["CHILD", "DECOM"], keep="last", maintain_order=True
    )
    duplicates = pooled - eps.height
    # a period of care (from RNE S) that began under short breaks and later became
    # continuous is left out of the long-term measure (data guidance, stability footnote 2)
    eps = eps.sort(["CHILD", "DECOM"]).with_columns(
        ((pl.col("RNE") == "S").fill_null(False) | (pl.int_range(pl.len()).over("CHILD") == 0))
        .cast(pl.Int32)
        .cum_sum()
        .over("CHILD")
        .alias("_period_all")
    )
    eps = eps.with_columns(
        pl.col("LS")
        .first()
        .over(["CHILD", "_period_all"])
        .is_in(SHORT_BREAKS)
        .fill_null(False)
        .alias("short_break_start")
    ).drop("_period_all")
    eps = eps.filter(~pl.col("LS").is_in(SHORT_BREAKS) | pl.col("LS").is_null())
    nxt_start = pl.col("DECOM").shift(-1).over("CHILD")
    nxt_rne = pl.col("RNE").shift(-1).over("CHILD")
    closed = pl.col("DEC").is_null() & nxt_start.is_not_null()
    overlap = pl.col("DEC").is_not_null() & nxt_start.is_not_null() & (pl.col("DEC") > nxt_start)
    repairs = eps.select(closed.sum().alias("closed"), overlap.sum().alias("cut")).row(
        0, named=True
    )
    eps = eps.with_columns(
        pl.when(closed | overlap).then(nxt_start).otherwise(pl.col("DEC")).alias("DEC"),
        pl.when(closed & (nxt_rne != "S")).then(pl.lit("X1")).otherwise(pl.col("REC")).alias("REC"),
    )
    eps = derive(eps)
    heads = pl.concat([header_of(t, n) for n, t in enumerate(returns)], how="vertical_relaxed")
    header = heads.sort(["CHILD", "_return"]).unique("CHILD", keep="last", maintain_order=True)
    return Linked(
        eps,
        header,
        {
            "duplicate episodes": duplicates,
            "open episodes closed": repairs["closed"],
            "overlaps cut": repairs["cut"],
        },
        has_derived,
    )


def derive(eps: pl.DataFrame) -> pl.DataFrame:
    """Placement, carer and period numbers and starts (episodes sorted by child and start)."""
    first = pl.int_range(pl.len()).over("CHILD") == 0
    prev = pl.col("PLACE").shift(1).over("CHILD")
    two_back = pl.col("PLACE").shift(2).over("CHILD")
    prev_urn = pl.col("URN").shift(2).over("CHILD")
    temporary = pl.col("PLACE").is_in(TEMPORARY)
    back_from_temporary = (
        prev.is_in(TEMPORARY)
        & (pl.col("PLACE") == two_back)
        & ((pl.col("URN") == prev_urn) | (pl.col("URN").is_null() & prev_urn.is_null()))
    ).fill_null(False)
    eps = eps.with_columns(
        first.alias("_first"),
        pl.col("RNE").is_in(("S", "P", "B", "T", "U")).fill_null(False).alias("new_placement"),
        (
            pl.col("RNE").is_in(("S", "P", "B")).fill_null(False)
            & ~temporary.fill_null(False)
            & ~back_from_temporary
        ).alias("new_carer"),
        (pl.col("RNE") == "S").fill_null(False).alias("new_period"),
    )
    eps = eps.with_columns(
        (pl.col("new_period") | pl.col("_first"))
        .cast(pl.Int32)
        .cum_sum()
        .over("CHILD")
        .alias("period"),
        (pl.col("new_placement") | pl.col("_first"))
        .cast(pl.Int32)
        .cum_sum()
        .over("CHILD")
        .alias("placement"),
        (pl.col("new_carer") | pl.col("new_period") | pl.col("_first"))
        .cast(pl.Int32)
        .cum_sum()
        .over("CHILD")
        .alias("carer"),
    )
    eps = eps.with_columns(pl.col("DECOM").min().over(["CHILD", "carer"]).alias("carer_start"))
    # the start of the carer before this one (for a placement for adoption: "their adoptive
    # placement and their previous placement combined")
    starts = eps.group_by(["CHILD", "carer"]).agg(pl.col("carer_start").first().alias("_s"))
    starts = starts.with_columns((pl.col("carer") + 1).alias("carer")).rename(
        {"_s": "previous_carer_start"}
    )
    eps = eps.join(starts, on=["CHILD", "carer"], how="left", maintain_order="left")
    return eps.with_columns(
        pl.col("DECOM").min().over(["CHILD", "period"]).alias("period_start"),
        pl.col("CIN").first().over(["CHILD", "period"]).alias("period_CIN"),
        pl.col("DECOM").min().over(["CHILD", "placement"]).alias("placement_start"),
        (pl.col("RNE").first().over("CHILD") == "S").fill_null(False).alias("history_known"),
    ).drop("_first")
