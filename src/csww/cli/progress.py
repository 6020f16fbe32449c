"""Progress on a terminal, silence when piped."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO


def reporter(label: str, *, stream: TextIO | None = None) -> Callable[[int], None] | None:
    """A callback that rewrites one status line on stderr, or ``None`` when not a terminal."""
    out = stream or sys.stderr
    if not out.isatty():
        return None
    started = time.perf_counter()

    def show(count: int) -> None:
        rate = count / max(time.perf_counter() - started, 1e-9)
        out.write(f"\r{label}: {count:,} workers ({rate:,.0f}/s)")
        out.flush()

    return show


def done(stream: TextIO | None = None) -> None:
    out = stream or sys.stderr
    if out.isatty():
        out.write("\r\033[K")
        out.flush()


def files(label: str, total: int, *, stream: TextIO | None = None) -> Callable[[int, str], None]:
    """A callback ``(done, name)`` showing "label: 12/151 name" on a terminal; silent when piped."""
    out = stream or sys.stderr
    if not out.isatty():
        return lambda done, name: None

    def show(count: int, name: str) -> None:
        out.write(f"\r\033[K{label}: {count:,}/{total:,} {name}")
        out.flush()

    return show
