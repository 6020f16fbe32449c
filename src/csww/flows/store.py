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
* category (in post, leaver, agency), FTE and FTE30 (in millionths, exact), starting and
  leaving dates, role, reason for leaving, origin and destination codes.

Loading is idempotent on (LA, year): loading the same return again changes nothing, and a
different return for the same LA and year (a resubmission) replaces the earlier one.
"""

from __future__ import annotations

import csv
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from csww.model import Record, Return, category_of
from csww.privacy import check_salt, pseudonym
from csww.reader import ReadError
from csww.stats import published as pub
from csww.stats.fastread import records
from csww.stats.measures import micro
from csww.values import is_year, parse_date, years_between

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
    rows: list[list[Any]]
    digest: str
    source: str | None

    @property
    def key(self) -> tuple[str, int]:
        return self.la, self.year


@dataclass(frozen=True, slots=True)
class Loaded:
    la: str
    year: int
    records: int
    outcome: Outcome
    source: str | None = None


def _date(text: str | None) -> date | None:
    return parse_date(text.strip()) if text else None


def _row(values: dict[str, str], la: str, unit: str, year: int, seq: int, salt: bytes) -> list[Any]:
    swe = values.get("SWENo", "").strip()
    born = _date(values.get("PersonBirthDate"))
    census = date(year, 9, 30)
    age = years_between(born, census) if born is not None and born <= census else None
    rec = Record(values=values)
    row: list[Any] = [
        la,
        unit,
        year,
        seq,
        pseudonym(swe, salt) if swe else None,
        category_of(rec),
        micro(values.get("FTE")),
        micro(values.get("FTE30")),
        _date(values.get("RoleStartDate")),
        _date(values.get("RoleEndDate")),
        age,
    ]
    row.extend(values.get(element) or None for element in ITEMS.values())
    return row


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
        return self._store(
            [self._prepare(ret.header.values, [w.values for w in ret.workers], source)]
        )[0]

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
            if (
                any(b.key == ready.key for b in batch)
                or sum(len(b.rows) for b in batch) > BATCH_ROWS
            ):
                yield from self._store(batch)
                batch = []
            batch.append(ready)
        yield from self._store(batch)

    def _read(self, path: str | Path) -> Prepared:
        header: dict[str, str] = {}
        workers: list[dict[str, str]] = []
        for kind, rec in records(path):
            if kind == "header":
                header = rec.values
            elif kind == "worker":
                workers.append(rec.values)
        return self._prepare(header, workers, str(path))

    def _prepare(
        self, header: dict[str, str], workers: list[dict[str, str]], source: str | None
    ) -> Prepared:
        la, year_text = header.get("LEA", "").strip(), header.get("Year", "").strip()
        name = Path(source).name if source else "The return"
        if not la or not is_year(year_text):
            raise LoadError(
                f"{name} has no LA code (LEA) or collection year (Year) in its header, so it "
                "cannot be linked: run 'csww validate' on it and fix the header."
            )
        year = int(year_text)
        unit = pub.unit_code(la, year)
        rows = [_row(v, la, unit, year, i, self.salt) for i, v in enumerate(workers, 1)]
        digest = hashlib.sha256(repr(rows).encode()).hexdigest()
        return Prepared(la, year, unit, rows, digest, source)

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
            out.append(Loaded(ready.la, ready.year, len(ready.rows), outcome, ready.source))
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
            self._insert([row for ready in changed for row in ready.rows])
            self.db.executemany(
                "INSERT INTO returns VALUES (?, ?, ?, ?, ?, ?)",
                [
                    [
                        r.la,
                        r.year,
                        r.unit,
                        r.digest,
                        Path(r.source).name if r.source else None,
                        len(r.rows),
                    ]
                    for r in changed
                ],
            )
            self.db.execute("COMMIT")
        except Exception:
            self.db.execute("ROLLBACK")
            raise
        return out

    def _insert(self, rows: list[list[Any]]) -> None:
        """Bulk insert through a temporary CSV file: DuckDB reads it at hundreds of thousands
        of rows a second, where row-by-row inserts manage a few thousand."""
        if not rows:
            return
        handle, name = tempfile.mkstemp(suffix=".csv", prefix="csww-flows-")
        try:
            with os.fdopen(handle, "w", newline="", encoding="utf-8") as fh:
                csv.writer(fh).writerows(rows)
            types = ", ".join(f"'{n}': '{t}'" for n, t in COLUMNS)
            self.db.execute(
                f"INSERT INTO workers SELECT * FROM read_csv(?, header = false, quote = '\"', "
                f"escape = '\"', nullstr = '', columns = {{{types}}})",
                [name],
            )
        finally:
            Path(name).unlink(missing_ok=True)

    # ---------------------------------------------------------------- reading
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
