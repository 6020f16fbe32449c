"""Ofsted's lists of social care providers as csww's URN list, whatever their layout.

Each layout's column map is data (``data/urn_layouts.toml``): the Children's Homes list, the
Social Care Providers list (current and closed sheets), the combined SCPCH list with its
supported accommodation ("SA Providers") sheet, csww's plain CSV
(``URN,placement codes,provider codes,postcode,registration date,closure date``) and Ofsted's
public provider-level data. A sheet or file is recognised by its headings.

The result is one frame: ``URN``, ``PLACE_CODES`` and ``PROVIDER_CODES`` (lists of codes, upper
case), ``POSTCODE`` (``AB1 2CD``), ``REG_START`` and ``REG_END`` (dates), ``LA_CODE`` (DfE code
of the setting's postcode, when a postcode lookup is given), ``LA_NAME`` as the list gives it,
and ``LAYOUT``. Public data has no 903 codes and no children's-home postcodes: such a list
supports only the URN's existence and dates, and :meth:`UrnList.limits` says so.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tomllib
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import polars as pl

from csww.cla.references.postcodes import PostcodeLookup, canonical
from csww.sheets.zipguard import ZipBomb, check_archive

MAX_BYTES = 64 * 1024 * 1024
COLUMNS = ("URN", "PLACE_CODES", "PROVIDER_CODES", "POSTCODE", "REG_START", "REG_END")
SCHEMA: dict[str, Any] = {
    "URN": pl.String,
    "PLACE_CODES": pl.List(pl.String),
    "PROVIDER_CODES": pl.List(pl.String),
    "POSTCODE": pl.String,
    "REG_START": pl.Date,
    "REG_END": pl.Date,
    "LA_CODE": pl.String,
    "LA_NAME": pl.String,
    "LAYOUT": pl.String,
}
# Cells that mean "nothing here" in Ofsted's lists.
BLANKS = {"", "-", "NA", "N/A", "NONE", "NULL", "REDACTED"}


class UrnListError(ValueError):
    """The file cannot be read as a URN list; the message says why."""


@dataclass(frozen=True)
class UrnLayout:
    name: str
    title: str
    identify: tuple[str, ...]
    fields: dict[str, tuple[str, ...]]
    codes: bool = True
    default_place_codes: tuple[str, ...] = ()
    default_provider_codes: tuple[str, ...] = ()


def _key(heading: object) -> str:
    return re.sub(r"[^a-z0-9]", "", str(heading or "").lower())


@cache
def layouts() -> tuple[UrnLayout, ...]:
    text = resources.files(__package__).joinpath("data", "urn_layouts.toml").read_text("utf-8")
    out = []
    for entry in tomllib.loads(text)["layout"]:
        out.append(
            UrnLayout(
                name=entry["name"],
                title=entry["title"],
                identify=tuple(entry["identify"]),
                fields={
                    f: tuple(entry.get(f, ()))
                    for f in (
                        "urn",
                        "place_codes",
                        "provider_codes",
                        "postcode",
                        "reg_start",
                        "reg_end",
                        "la_name",
                    )
                },
                codes=entry.get("codes", True),
                default_place_codes=tuple(entry.get("default_place_codes", ())),
                default_provider_codes=tuple(entry.get("default_provider_codes", ())),
            )
        )
    return tuple(out)


def which_layout(headings: Iterable[object]) -> UrnLayout | None:
    found = {_key(h) for h in headings}
    for layout in layouts():
        if all(_key(h) in found for h in layout.identify):
            return layout
    return None


@dataclass
class UrnList:
    frame: pl.DataFrame
    layouts: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)

    @property
    def has_codes(self) -> bool:
        """Whether every URN comes with its 903 placement and provider codes (rules 219, 224)."""
        return self.frame.height > 0 and bool(
            self.frame.filter(pl.col("LAYOUT").is_in(_codeless())).is_empty()
        )

    @property
    def has_postcodes(self) -> bool:
        """Whether the settings' postcodes are known (rules 221, 229)."""
        return self.has_codes and self.frame["POSTCODE"].null_count() < self.frame.height

    def limits(self) -> str | None:
        """What the list cannot support, in words (None when it supports every URN rule)."""
        if self.has_codes:
            return None
        return (
            "The URN list is Ofsted's public data: it has URNs and registration and closure "
            "dates but no 903 placement or provider codes and no children's-home postcodes, so "
            "only the checks that a URN exists and was open at the time can run; the checks of "
            "placement codes, provider codes and setting postcodes need the list Ofsted sends LAs."
        )

    def __len__(self) -> int:
        return self.frame.height


@cache
def _codeless() -> list[str]:
    return [lay.name for lay in layouts() if not lay.codes]


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return None if text.upper() in BLANKS else text


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if text is None:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _codes(value: object, default: tuple[str, ...]) -> list[str]:
    text = _text(value)
    if text is None:
        return list(default)
    return [c for c in re.split(r"[\s,/;]+", text.upper()) if c]


def _rows_of(
    layout: UrnLayout,
    headings: Sequence[object],
    rows: Iterable[Sequence[object]],
    place: str,
    notes: list[str],
) -> list[dict[str, Any]]:
    index = {_key(h): i for i, h in reversed(list(enumerate(headings))) if _key(h)}

    def column(field_name: str) -> int | None:
        for heading in layout.fields[field_name]:
            if _key(heading) in index:
                return index[_key(heading)]
        return None

    cols = {f: column(f) for f in layout.fields}
    out = []
    bad_dates = 0
    for cells in rows:

        def cell(f: str, cells: Sequence[object] = cells) -> object:
            i = cols[f]
            return cells[i] if i is not None and i < len(cells) else None

        urn = _text(cell("urn"))
        if urn is None:
            continue
        start, end = _date(cell("reg_start")), _date(cell("reg_end"))
        bad_dates += sum(
            1 for f, d in (("reg_start", start), ("reg_end", end)) if d is None and _text(cell(f))
        )
        out.append(
            {
                "URN": urn.upper(),
                "PLACE_CODES": _codes(cell("place_codes"), layout.default_place_codes),
                "PROVIDER_CODES": _codes(cell("provider_codes"), layout.default_provider_codes),
                "POSTCODE": canonical(_text(cell("postcode"))),
                "REG_START": start,
                "REG_END": end,
                "LA_NAME": _text(cell("la_name")),
                "LAYOUT": layout.name,
            }
        )
    if bad_dates:
        notes.append(
            f"{place}: {bad_dates} registration or closure dates are not dates and were left blank."
        )
    return out


def _sheets_of(path_name: str, data: bytes) -> list[tuple[str, list[Sequence[object]]]]:
    """(place, rows) for each sheet of a workbook or the one CSV file."""
    if data.startswith(b"PK\x03\x04"):
        from openpyxl import load_workbook

        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                check_archive(zf, path_name)
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except ZipBomb as exc:
            raise UrnListError(exc.message) from None
        except Exception as exc:
            raise UrnListError(
                f"{path_name} cannot be opened as a workbook ({type(exc).__name__})."
            ) from None
        try:
            return [
                (f"{path_name} ({ws.title})", list(ws.iter_rows(values_only=True)))
                for ws in wb.worksheets
            ]
        finally:
            wb.close()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    try:
        return [(path_name, list(csv.reader(io.StringIO(text, newline=""))))]
    except csv.Error as exc:
        raise UrnListError(f"{path_name} is not a well-formed CSV file: {exc}.") from None


def read_urn_list(
    sources: Sequence[str | Path] | str | Path,
    *,
    postcodes: PostcodeLookup | None = None,
    max_bytes: int = MAX_BYTES,
) -> UrnList:
    """Read one or more URN lists (workbooks or CSV files) into one :class:`UrnList`."""
    paths = [Path(sources)] if isinstance(sources, str | Path) else [Path(s) for s in sources]
    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    used: list[str] = []
    for path in paths:
        if not path.is_file():
            raise UrnListError(f"{path} is not a file.")
        if path.stat().st_size > max_bytes:
            raise UrnListError(
                f"{path.name} is over the {max_bytes // 1048576} MB limit for a URN list."
            )
        found = False
        for place, grid in _sheets_of(path.name, path.read_bytes()):
            # The heading row is the first row naming a URN column (some lists have a title).
            head = next((i for i, r in enumerate(grid[:10]) if which_layout(r)), None)
            if head is None:
                if grid:
                    notes.append(f"{place}: not a URN list layout csww knows; passed over.")
                continue
            layout = which_layout(grid[head])
            assert layout is not None
            rows.extend(_rows_of(layout, grid[head], grid[head + 1 :], place, notes))
            used.append(layout.name)
            found = True
        if not found:
            raise UrnListError(
                f"{path.name} is not a URN list csww can read: no sheet has the headings of "
                "Ofsted's Children's Homes, Social Care Providers or combined lists, or the "
                "plain CSV heading 'URN,placement codes,provider codes,postcode,registration "
                "date,closure date'."
            )
    frame = pl.DataFrame(rows, schema={k: v for k, v in SCHEMA.items() if k != "LA_CODE"})
    if postcodes is not None:
        la = postcodes.locate(frame["POSTCODE"])["LA"]
    else:
        la = pl.Series("LA_CODE", [None] * frame.height, dtype=pl.String)
    frame = frame.with_columns(la.alias("LA_CODE")).select(list(SCHEMA))
    dupes = frame["URN"].is_duplicated().sum()
    if dupes:
        notes.append(
            f"{dupes} rows repeat a URN (a setting listed as current and as closed, or in two lists); all are kept."
        )
    result = UrnList(frame, tuple(dict.fromkeys(used)), notes)
    limit = result.limits()
    if limit:
        notes.append(limit)
    return result
