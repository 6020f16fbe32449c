"""Reading an SSDA903 return: DfE's XML, the CSV set, or a workbook, into the 903's tables.

``read_return`` takes a file, a folder of CSV files, a list of CSV files, a zip archive of
them, or the bytes of any one of these, and gives a :class:`ReadResult`: the tables (raw text,
file order, every table present), or a :class:`ReadFailure` saying why not, plus
:class:`StructureNote` values for anything the tables could not hold. Last year's return is
read by the same function.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Sequence
from pathlib import Path

from csww.cla.read.csvset import read_csv_set
from csww.cla.read.layout import TABLE_NAMES, layout
from csww.cla.read.model import (
    ClaReadError,
    ReadFailure,
    ReadResult,
    StructureNote,
)
from csww.cla.read.workbook import read_workbook
from csww.cla.read.xml import read_xml
from csww.sheets.zipguard import ZipBomb, check_archive

__all__ = [
    "DEFAULT_MAX_BYTES",
    "TABLE_NAMES",
    "ClaReadError",
    "ReadFailure",
    "ReadResult",
    "StructureNote",
    "layout",
    "read_return",
]

# The largest LA's return is a few MB as XML; a national file of every LA about 150 MB.
DEFAULT_MAX_BYTES = 512 * 1024 * 1024
# Files in a folder or archive: a CSV set has at most a dozen.
MAX_FILES = 100

PathLike = str | os.PathLike[str]
Source = PathLike | bytes | Sequence[PathLike]


def _kind(head: bytes) -> str:
    body = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if head.startswith(b"%PDF"):
        return "pdf"
    if body.startswith(b"<"):
        return "xml"
    return "csv"


def _size_checked(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ClaReadError(f"Cannot open the file: {exc.strerror or exc}.", path.name) from None
    if size > max_bytes:
        raise ClaReadError(
            f"The file is {size // 1048576} MB, over the {max_bytes // 1048576} MB limit.",
            path.name,
        )
    return path.read_bytes()


def _from_bytes(data: bytes, place: str, max_bytes: int) -> ReadResult:
    if len(data) > max_bytes:
        raise ClaReadError(f"The file is larger than the {max_bytes // 1048576} MB limit.", place)
    kind = _kind(data[:64])
    if not data.strip():
        raise ClaReadError("The file is empty: it holds no 903 return.", place)
    if kind == "xls":
        raise ClaReadError(
            "This is an old Excel .xls file. Save it as .xlsx, or as CSV files, first.", place
        )
    if kind == "pdf":
        raise ClaReadError("This is a PDF, not a 903 return.", place)
    if kind == "xml":
        tables, notes = read_xml(data, place=place, max_bytes=max_bytes)
        return ReadResult(tables, notes=notes, format="xml", sources=(place,))
    if kind == "zip":
        return _from_zip(data, place, max_bytes)
    tables, notes, read = read_csv_set([(place, data)])
    return ReadResult(tables, notes=notes, format="csv", sources=tuple(read))


def _from_zip(data: bytes, place: str, max_bytes: int) -> ReadResult:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ClaReadError("The file is a damaged zip archive.", place) from None
    with zf:
        names = zf.namelist()
        if "xl/workbook.xml" in names:
            tables, notes, read = read_workbook(data, place=place)
            return ReadResult(tables, notes=notes, format="workbook", sources=tuple(read))
        try:
            check_archive(zf, place, max_uncompressed=max_bytes)
        except ZipBomb as exc:
            raise ClaReadError(exc.message, place) from None
        members = [
            m
            for m in zf.infolist()
            if not m.is_dir()
            and not m.filename.startswith("__MACOSX/")
            and not Path(m.filename).name.startswith(".")
        ]
        if len(members) > MAX_FILES:
            raise ClaReadError(
                f"The archive holds {len(members)} files; a 903 return has a dozen.", place
            )
        xmls = [m for m in members if m.filename.lower().endswith(".xml")]
        csvs = [m for m in members if m.filename.lower().endswith(".csv")]
        if len(xmls) == 1 and not csvs:
            inner = f"{place}/{xmls[0].filename}"
            tables, notes = read_xml(zf.read(xmls[0]), place=inner, max_bytes=max_bytes)
            return ReadResult(tables, notes=notes, format="xml", sources=(inner,))
        if not csvs:
            raise ClaReadError(
                "The archive holds no CSV files (or more than one XML file): put the 903 CSV "
                "set, or one XML return, in it.",
                place,
            )
        files = [(f"{place}/{m.filename}", zf.read(m)) for m in csvs]
    tables, notes, read = read_csv_set(files)
    return ReadResult(tables, notes=notes, format="csv", sources=tuple(read))


def _paths(paths: Sequence[PathLike], max_bytes: int) -> ReadResult:
    files = [Path(p) for p in paths]
    if len(files) > MAX_FILES:
        raise ClaReadError(f"{len(files)} files were given; a 903 return has a dozen.")
    total = 0
    loaded = []
    for f in files:
        if f.is_dir():
            raise ClaReadError("A folder was given among files: give the folder alone.", f.name)
        data = _size_checked(f, max_bytes)
        total += len(data)
        if total > max_bytes:
            raise ClaReadError(f"The files come to more than the {max_bytes // 1048576} MB limit.")
        loaded.append((f.name, data))
    if len(loaded) == 1:
        return _from_bytes(loaded[0][1], loaded[0][0], max_bytes)
    kinds = {_kind(d[:64]) for _, d in loaded}
    if kinds != {"csv"}:
        raise ClaReadError(
            "Several files were given, so they must all be CSV files of one 903 return; an XML "
            "return or a workbook is given on its own."
        )
    tables, notes, read = read_csv_set(loaded)
    return ReadResult(tables, notes=notes, format="csv", sources=tuple(read))


def _read(source: Source, max_bytes: int) -> ReadResult:
    if isinstance(source, bytes):
        return _from_bytes(source, "the file", max_bytes)
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        if path.is_dir():
            csvs = sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv" and p.is_file())
            if not csvs:
                raise ClaReadError("The folder holds no CSV files.", path.name)
            return _paths(csvs, max_bytes)
        if not path.exists():
            raise ClaReadError("No such file.", str(path))
        return _from_bytes(_size_checked(path, max_bytes), path.name, max_bytes)
    return _paths(list(source), max_bytes)


def read_return(source: Source, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ReadResult:
    """Read a 903 return (this year's or last year's). Never raises for bad input: the result's
    ``failure`` says what is wrong and where."""
    try:
        return _read(source, max_bytes)
    except ClaReadError as exc:
        return ReadResult(None, failure=exc.failure)
