"""The linked store: every LA's returns for every year, one row per worker record.

An embedded DuckDB database (a file, or memory for one run). Why DuckDB: the questions are
analytical (group a decade of national returns, about half a million records, by year, LA
and outcome, and join each year's leavers to everyone's records), which a columnar engine
answers in well under a second with no server; the store is one file a statistician can
copy; and it needs no service. See ``docs/flows.md``.

What is kept is only what the flows need, never the registration number or date of birth:

* ``person``: the salted HMAC pseudonym of the registration number (:mod:`csww.privacy`),
  the same across LAs and years for one salt; ``NULL`` when the record gives no number;
* ``age``: whole years at the return's census date (30 September), worked out from the full
  date of birth on loading;
* category (in post, leaver, agency), FTE and FTE30 (in millionths, exact; an FTE past
  what 64 bits hold, over nine million million, which the format rule refuses as over 1 and
  no worker has, is kept as not given, like text that is not a number), starting and
  leaving dates, role, reason for leaving, origin and destination codes.

Loading is idempotent on (LA, year): loading the same return again changes nothing, and a
different return for the same LA and year (a resubmission) replaces the earlier one.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

import polars as pl

from csww.core.expressions import whole_years
from csww.model import Return
from csww.privacy import PSEUDONYM_PREFIX, check_salt
from csww.reader import ReadError
from csww.spec import Period, period_of
from csww.stats import published as pub
from csww.stats.fastread import Columns, add_values, worker_columns
from csww.stats.measures import micro
from csww.values import is_year, parse_date
from csww.workers import by_distinct, text_frame

COLUMNS: tuple[tuple[str, str], ...] = (
    ("la", "VARCHAR"),
    ("unit", "VARCHAR"),
    ("year", "INTEGER"),
    ("seq", "INTEGER"),
    ("person", "VARCHAR"),
    ("category", "VARCHAR"),
    ("fte", "BIGINT"),
    ("fte30", "BIGINT"),
    ("start_date", "DATE"),
    ("end_date", "DATE"),
    ("age", "INTEGER"),
    ("role", "VARCHAR"),
    ("reason", "VARCHAR"),
    ("origin", "VARCHAR"),
    ("destination", "VARCHAR"),
)
# The worker items the flows read. None of them changes its element name between years.
ITEMS = {
    "role": "OrgRole",
    "reason": "ReasonLeave",
    "origin": "StartOrigin",
    "destination": "LeaverDestination",
}
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS returns (
    la VARCHAR NOT NULL, year INTEGER NOT NULL, unit VARCHAR NOT NULL, digest VARCHAR NOT NULL,
    source VARCHAR, records INTEGER NOT NULL, PRIMARY KEY (la, year));
CREATE TABLE IF NOT EXISTS workers ({", ".join(f"{n} {t}" for n, t in COLUMNS)});
"""
Outcome = Literal["loaded", "unchanged", "replaced"]
BATCH_ROWS = 100_000


class LoadError(ValueError):
    """A return cannot be loaded; ``str()`` says why and what to do."""


@dataclass(frozen=True, slots=True)
class Prepared:
    """A return read and pseudonymised, ready to be written."""

    la: str
    year: int
    unit: str
    workers: pl.DataFrame  # the workers' values as text columns, one row per record
    digest: str
    source: str | None

    @property
    def key(self) -> tuple[str, int]:
        return self.la, self.year

    @property
    def records(self) -> int:
        return self.workers.height


@dataclass(frozen=True, slots=True)
class Loaded:
    la: str
    year: int
    records: int
    outcome: Outcome
    source: str | None = None


def _date(text: str) -> date | None:
    return parse_date(text.strip()) if text else None


def _person(salt: bytes) -> Callable[[str], str | None]:
    """:func:`csww.privacy.pseudonym` of a registration number, by the one-shot keyed hash
    (the same result, without building a hash object for each number)."""
    key = check_salt(salt)

    def person(text: str) -> str | None:
        swe = text.strip()
        if not swe:
            return None
        return (
            PSEUDONYM_PREFIX + hmac.digest(key, swe.upper().encode(), "sha256").hex()[:20].upper()
        )

    return person


def census_period(year: int) -> Period:
    """The collection period of ``year`` from the specification (for a year csww has no
    specification of, the nearest year's days: such a return can be linked, not checked)."""
    period = period_of(year)
    if period is None:
        raise LoadError(f"{year} is not a collection year.")
    return period


def _millionths(text: str) -> int | None:
    """An FTE in millionths (:func:`micro`), or None when it is unreadable or too large for
    the store's 64-bit column."""
    value = micro(text)
    return value if value is not None and value < 2**63 else None


def _census(year: int) -> date:
    """The census date of ``year``: the reference date ages are worked out at."""
    return census_period(year).reference_date


def _frame(batch: list[Prepared], salt: bytes) -> pl.DataFrame:
    """The store's rows for a batch of returns, as columns (see :data:`COLUMNS`): every
    conversion runs once per distinct text of an item across the batch."""
    parts = [ready.workers for ready in batch if ready.workers.width]
    raw = pl.concat(parts, how="diagonal") if parts else pl.DataFrame()
    n = sum(ready.records for ready in batch)
    if raw.height != n:
        raw = pl.DataFrame()

    def text(element: str) -> pl.Series:
        if element in raw.columns:
            return raw[element].cast(pl.String)
        return pl.Series(element, [None] * n, dtype=pl.String)

    def each(values: list[Any], dtype: type[pl.DataType]) -> pl.Series:
        return pl.Series(
            [v for ready, v in zip(batch, values, strict=True) for _ in range(ready.records)],
            dtype=dtype,
        )

    frame = pl.DataFrame(
        {
            "la": each([r.la for r in batch], pl.String),
            "unit": each([r.unit for r in batch], pl.String),
            "year": each([r.year for r in batch], pl.Int32),
            "census": each([_census(r.year) for r in batch], pl.Date),
            "seq": pl.Series(
                [i for ready in batch for i in range(1, ready.records + 1)], dtype=pl.Int32
            ),
            "person": by_distinct(text("SWENo"), _person(salt), pl.String),
            "agency": text("AgencyWorker"),
            "leaving": text("RoleEndDate"),
            "fte": by_distinct(text("FTE"), _millionths, pl.Int64),
            "fte30": by_distinct(text("FTE30"), _millionths, pl.Int64),
            "start_date": by_distinct(text("RoleStartDate"), _date, pl.Date),
            "end_date": by_distinct(text("RoleEndDate"), _date, pl.Date),
            "born": by_distinct(text("PersonBirthDate"), _date, pl.Date),
            **{k: text(v).replace("", None) for k, v in ITEMS.items()},
        }
    )
    day = pl.col("census")
    return frame.select(
        "la",
        "unit",
        "year",
        "seq",
        "person",
        pl.when(pl.col("agency") == "1")
        .then(pl.lit("agency"))
        .when(pl.col("leaving").is_not_null() & (pl.col("leaving") != ""))
        .then(pl.lit("leaver"))
        .otherwise(pl.lit("inpost"))
        .alias("category"),
        "fte",
        "fte30",
        "start_date",
        "end_date",
        pl.when(pl.col("born") <= day)
        .then(whole_years(pl.col("born"), day))
        .cast(pl.Int32)
        .alias("age"),
        *ITEMS,
    )


class _ArrowStream:
    """A frame offered to DuckDB through the Arrow C stream interface only: DuckDB reads
    the columns in place, with no copy through pyarrow (which need not be importable)."""

    def __init__(self, frame: pl.DataFrame) -> None:
        self.frame = frame

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        return self.frame.__arrow_c_stream__(requested_schema)


class Store:
    """A linked store in ``path`` (a DuckDB file) or in memory when ``path`` is None."""

    def __init__(self, salt: bytes, path: str | Path | None = None) -> None:
        self.salt = check_salt(salt)
        self.path = Path(path) if path is not None else None
        import duckdb  # loaded when a store is opened, not by every process importing csww

        self.db = duckdb.connect(str(path) if path is not None else ":memory:")
        self.db.execute(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------- loading
    def load_file(self, path: str | Path) -> Loaded:
        """Load one XML return (read with the lean statistics reader)."""
        return self._store([self._read(path)])[0]

    def load_return(self, ret: Return, source: str | None = None) -> Loaded:
        """Load a return already in memory (from a spreadsheet, a test or the portal)."""
        columns: Columns = {}
        for n, worker in enumerate(ret.workers):
            add_values(worker.values, columns, n)
        for column in columns.values():
            column.extend([None] * (len(ret.workers) - len(column)))
        return self._store([self._prepare(ret.header.values, columns, len(ret.workers), source)])[0]

    def load_paths(
        self, paths: Iterable[str | Path], progress: Callable[[int, str], None] | None = None
    ) -> Iterator[Loaded]:
        """Load many XML returns, written to the database in batches of about
        ``BATCH_ROWS`` records (one transaction each). A file that cannot be read raises
        :class:`LoadError` naming it; the batches before it are kept."""
        batch: list[Prepared] = []
        for done, path in enumerate(paths, 1):
            if progress is not None:
                progress(done, Path(path).name)
            try:
                ready = self._read(path)
            except ReadError as exc:
                yield from self._store(batch)
                raise LoadError(f"{Path(path).name}: {exc}") from None
            if any(b.key == ready.key for b in batch) or sum(b.records for b in batch) > BATCH_ROWS:
                yield from self._store(batch)
                batch = []
            batch.append(ready)
        yield from self._store(batch)

    def _read(self, path: str | Path) -> Prepared:
        header, columns, n = worker_columns(path)
        return self._prepare(header, columns, n, str(path))

    def _prepare(
        self, header: dict[str, str], columns: Columns, n: int, source: str | None
    ) -> Prepared:
        la, year_text = header.get("LEA", "").strip(), header.get("Year", "").strip()
        name = Path(source).name if source else "The return"
        if not la or not is_year(year_text) or period_of(int(year_text)) is None:
            raise LoadError(
                f"{name} has no LA code (LEA) or collection year (Year) in its header, so it "
                "cannot be linked: run 'csww validate' on it and fix the header."
            )
        year = int(year_text)
        unit = pub.unit_code(la, year)
        workers = text_frame(columns, n)
        if workers.height != n:  # no worker gives any element
            workers = pl.DataFrame()
        return Prepared(la, year, unit, workers, self._digest(la, year, workers), source)

    def _digest(self, la: str, year: int, workers: pl.DataFrame) -> str:
        """The identity of a return's content, keyed by the salt (never a plain hash of
        registration numbers): loading the same return again changes nothing."""
        keyed = hmac.new(self.salt, repr((la, year, workers.height)).encode(), hashlib.sha256)
        if workers.width:
            ordered = workers.select(sorted(workers.columns))
            keyed.update(repr(ordered.columns).encode())
            keyed.update(ordered.hash_rows(seed=0).to_numpy().tobytes())
        return keyed.hexdigest()

    def _store(self, batch: list[Prepared]) -> list[Loaded]:
        """Write a batch in one transaction: unchanged returns are skipped, a return already
        held for the same LA and year is replaced."""
        out: list[Loaded] = []
        changed: list[Prepared] = []
        for ready in batch:
            found = self.db.execute(
                "SELECT digest FROM returns WHERE la = ? AND year = ?", list(ready.key)
            ).fetchone()
            outcome: Outcome = "loaded" if found is None else "replaced"
            if found is not None and found[0] == ready.digest:
                outcome = "unchanged"
            else:
                changed.append(ready)
            out.append(Loaded(ready.la, ready.year, ready.records, outcome, ready.source))
        if not changed:
            return out
        self.db.execute("BEGIN TRANSACTION")
        try:
            for ready, loaded in zip(batch, out, strict=True):
                if loaded.outcome == "replaced":
                    self.db.execute(
                        "DELETE FROM workers WHERE la = ? AND year = ?", list(ready.key)
                    )
                    self.db.execute(
                        "DELETE FROM returns WHERE la = ? AND year = ?", list(ready.key)
                    )
            self._insert(changed)
            self.db.executemany(
                "INSERT INTO returns VALUES (?, ?, ?, ?, ?, ?)",
                [
                    [
                        r.la,
                        r.year,
                        r.unit,
                        r.digest,
                        Path(r.source).name if r.source else None,
                        r.records,
                    ]
                    for r in changed
                ],
            )
            self.db.execute("COMMIT")
        except Exception:
            self.db.execute("ROLLBACK")
            raise
        return out

    def _insert(self, batch: list[Prepared]) -> None:
        """Bulk insert: the batch's rows as columns, which DuckDB reads straight from Arrow."""
        if not any(ready.records for ready in batch):
            return
        incoming = _ArrowStream(_frame(batch, self.salt))
        self.db.register("incoming", incoming)
        try:
            names = ", ".join(n for n, _ in COLUMNS)
            self.db.execute(f"INSERT INTO workers ({names}) SELECT {names} FROM incoming")
        finally:
            self.db.unregister("incoming")

    # ---------------------------------------------------------------- reading
    def periods(self) -> None:
        """(Re)make the temporary table ``periods`` (year, first_day, reference_date,
        census_day): each year held's collection period, from the specification, for
        queries that need a year's dates."""
        self.db.execute(
            "CREATE OR REPLACE TEMP TABLE periods "
            "(year INTEGER, first_day DATE, reference_date DATE, census_day DATE)"
        )
        rows = [
            [year, p.start, p.reference_date, p.census_day]
            for year in self.years()
            for p in [census_period(year)]
        ]
        if rows:
            self.db.executemany("INSERT INTO periods VALUES (?, ?, ?, ?)", rows)

    def years(self) -> list[int]:
        return [
            r[0] for r in self.db.execute("SELECT DISTINCT year FROM returns ORDER BY 1").fetchall()
        ]

    def returns(self) -> list[tuple[str, int, str, int]]:
        """(LA, year, reporting unit, records) of every return held."""
        return self.db.execute(
            "SELECT la, year, unit, records FROM returns ORDER BY year, la"
        ).fetchall()

    def count(self) -> int:
        found = self.db.execute("SELECT count(*) FROM workers").fetchone()
        return int(found[0]) if found else 0

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        return self.db.execute(sql, params or []).fetchall()

    def la_view(self, unit: str) -> list[tuple[Any, ...]]:
        """An LA's own view: its own records only (pseudonyms, never numbers), any year."""
        return self.query(
            f"SELECT {', '.join(n for n, _ in COLUMNS)} FROM workers WHERE unit = ? "
            "ORDER BY year, seq",
            [unit],
        )
