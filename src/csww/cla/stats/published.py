"""DfE's published files (Explore Education Statistics CSVs) as rows of text.

csww does not ship them: they are read from a folder the user gives (the project keeps a copy
under ``reference/ssda903/ees_cla/release_<year>/`` of the shared reference folder).
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

Row = dict[str, str]


def reference_folder() -> Path | None:
    """``$CSWW_SHARED/reference/ssda903/ees_cla`` when that folder exists."""
    shared = os.environ.get("CSWW_SHARED")
    if not shared:
        return None
    folder = Path(shared) / "reference" / "ssda903" / "ees_cla"
    return folder if folder.is_dir() else None


def read(path: str | Path) -> list[Row]:
    """A published CSV's rows (byte-order mark and stray spaces in the header removed)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        reader.fieldnames = [f.strip().lstrip("\ufeff") for f in reader.fieldnames or []]
        return [dict(r) for r in reader]


def number(text: str | None) -> int | None:
    """A published count, or None for a symbol (c, z, x, k, low)."""
    if text is None:
        return None
    t = text.strip().replace(",", "")
    return int(t) if t.isdigit() else None
