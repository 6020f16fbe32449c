"""Rewriting one value inside a saved .xlsx, as a program other than a spreadsheet could
write it (openpyxl itself never writes such a value)."""

from __future__ import annotations

import zipfile
from pathlib import Path


def replace_in_sheet(path: Path, old: bytes, new: bytes) -> None:
    """Replace ``old`` by ``new`` in the first part of the workbook that holds ``old``."""
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    part = next(name for name, data in parts.items() if old in data)
    parts[part] = parts[part].replace(old, new)
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
