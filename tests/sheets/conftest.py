"""Helpers for the spreadsheet tests: LibreOffice (real office software re-saving our files),
an encrypted-workbook builder, and a filled template."""

from __future__ import annotations

import shutil
import struct
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from csww.sheets.template import build_workbook
from csww.spec import load_spec

SOFFICE_MISSING = (
    "LibreOffice (soffice) is not installed, so the tests that re-save workbooks through real "
    "office software cannot run. Install it with `make system` (scripts/install-system-packages.sh)."
)


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        pytest.fail(SOFFICE_MISSING)
    return path


def libreoffice_convert(source: Path, fmt: str, outdir: Path, profile: Path) -> Path:
    """``soffice --headless --convert-to FMT``, with a private profile so runs never clash."""
    outdir.mkdir(parents=True, exist_ok=True)
    cmd = [
        soffice(),
        f"-env:UserInstallation={profile.resolve().as_uri()}",
        "--headless",
        "--convert-to",
        fmt,
        "--outdir",
        str(outdir),
        str(source),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=240, check=False)
    target = outdir / f"{source.stem}.{fmt.split(':')[0]}"
    assert target.exists(), f"LibreOffice did not write {target}: {done.stdout} {done.stderr}"
    return target


@pytest.fixture
def resave(tmp_path: Path) -> Callable[[Path, str], Path]:
    """Re-save a file through LibreOffice, as an HR officer's office software would."""
    profile = tmp_path / "lo-profile"

    def run(source: Path, fmt: str = "xlsx") -> Path:
        return libreoffice_convert(source, fmt, tmp_path / f"lo-{fmt}-{source.stem}", profile)

    return run


@pytest.fixture
def template_path(tmp_path: Path) -> Path:
    path = tmp_path / "template.xlsx"
    build_workbook(load_spec(2018))[0].save(path)
    return path


def encrypted_workbook(path: Path) -> None:
    """Write an OLE2 compound file laid out as Excel writes a password-protected .xlsx: the
    streams EncryptionInfo and EncryptedPackage (here of random bytes) and nothing else."""
    sector = 512
    end, free, fat_sect, nostream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    streams = [("EncryptionInfo", bytes(range(256)) * 16), ("EncryptedPackage", bytes(4096))]
    fat = [fat_sect, end]
    starts = []
    for _name, data in streams:
        count = len(data) // sector
        starts.append(len(fat))
        fat += [len(fat) + n + 1 for n in range(count - 1)] + [end]
    fat += [free] * (sector // 4 - len(fat))
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16)
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
    header += struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<I", 0) + struct.pack("<I", free) * 108

    def entry(
        name: str, kind: int, left: int, right: int, child: int, start: int, size: int
    ) -> bytes:
        raw = name.encode("utf-16-le") + b"\x00\x00" if name else b""
        return (
            raw.ljust(64, b"\x00")
            + struct.pack("<HBB", len(raw), kind, 1)
            + struct.pack("<III", left, right, child)
            + bytes(16 + 4 + 16)
            + struct.pack("<IQ", start, size)
        )

    directory = entry("Root Entry", 5, nostream, nostream, 1, end, 0)
    directory += entry(streams[0][0], 2, nostream, 2, nostream, starts[0], len(streams[0][1]))
    directory += entry(
        streams[1][0], 2, nostream, nostream, nostream, starts[1], len(streams[1][1])
    )
    directory += entry("", 0, nostream, nostream, nostream, 0, 0)
    body = struct.pack(f"<{sector // 4}I", *fat) + directory + b"".join(d for _n, d in streams)
    path.write_bytes(header + body)
