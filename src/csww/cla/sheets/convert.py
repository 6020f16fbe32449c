"""Between the 903's formats: DfE's XML, the CSV set and the workbook, all through the 903's
tables, so each conversion keeps every item as the return wrote it."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path

import polars as pl

from csww.cla.read.layout import layout
from csww.cla.sheets.template import workbook
from csww.cla.spec import ClaSpec, spec_for
from csww.cla.write import write_xml

# File names for the CSV set (any names are recognised when read; these are D2I's and LAs').
CSV_NAMES = {
    "Header": "header.csv",
    "Episodes": "episodes.csv",
    "UASC": "uasc.csv",
    "Reviews": "reviews.csv",
    "OC2": "oc2.csv",
    "OC3": "oc3.csv",
    "AD1": "ad1.csv",
    "PlacedAdoption": "placed_for_adoption.csv",
    "PrevPerm": "previous_permanence.csv",
    "Missing": "missing.csv",
    "SWEpisodes": "sw_episodes.csv",
    "DoLo": "dolo.csv",
}


def csv_set(tables: Mapping[str, pl.DataFrame], spec: ClaSpec | None = None) -> dict[str, bytes]:
    """Each table as a CSV file of DfE's columns (the year's tables; every table when no
    year is given), UTF-8, empty cells for blanks."""
    names = list(spec.tables) if spec is not None else [t.name for t in layout().tables]
    out: dict[str, bytes] = {}
    for name in names:
        columns = layout().table(name).columns
        frame = tables.get(name)
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(columns)
        if frame is not None:
            present = [c if c in frame.columns else None for c in columns]
            for row in frame.select([c for c in present if c]).iter_rows(named=True):
                writer.writerow(
                    ["" if c is None or row.get(c) is None else row[c] for c in present]
                )
        out[CSV_NAMES[name]] = buf.getvalue().encode("utf-8")
    return out


def write_csv_set(
    tables: Mapping[str, pl.DataFrame], folder: Path, spec: ClaSpec | None = None
) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in csv_set(tables, spec).items():
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths


def to_format(tables: Mapping[str, pl.DataFrame], fmt: str, year: int) -> bytes | dict[str, bytes]:
    """``xml`` (bytes), ``xlsx`` (bytes) or ``csv`` (file name → bytes)."""
    if fmt == "xml":
        return write_xml(tables)
    if fmt == "xlsx":
        return workbook(tables, year)
    if fmt == "csv":
        return csv_set(tables, spec_for(year))
    raise ValueError(f"unknown format {fmt!r}: xml, xlsx or csv")
