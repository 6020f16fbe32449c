"""The national mixes synthetic returns are drawn to (``data/mix.toml``) and LA sizes."""

from __future__ import annotations

import csv
import random
import tomllib
from collections.abc import Collection, Mapping
from functools import cache
from importlib import resources
from typing import Any


@cache
def mixes() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("data", "mix.toml").read_text("utf-8")
    return tomllib.loads(text)


def weights(name: str, *, allowed: Collection[str] | None = None) -> dict[str, float]:
    """A mix by its name (``place.5to15`` for a nested one), limited to ``allowed`` codes."""
    node: Any = mixes()
    for part in name.split("."):
        node = node[part]
    out = {str(k): float(v) for k, v in node.items() if isinstance(v, int | float)}
    if allowed is not None:
        out = {k: v for k, v in out.items() if k in allowed}
    return out


def draw(rng: random.Random, mix: Mapping[str, float]) -> str:
    codes = list(mix)
    return rng.choices(codes, weights=[mix[c] for c in codes])[0]


@cache
def la_sizes() -> dict[str, dict[str, int]]:
    """Per DfE LA code: children looked after on 31 March 2025, started and ceased in the
    year (DfE, Children looked after in England including adoptions, 2025 release, OGL v3);
    a figure DfE suppressed is absent."""
    text = resources.files(__package__).joinpath("data", "la_sizes.csv").read_text("utf-8")
    out: dict[str, dict[str, int]] = {}
    for row in csv.DictReader(text.splitlines()):
        out[row["la"]] = {k: int(v) for k, v in row.items() if k != "la" and v}
    return out


def children_in_return(la: str) -> int:
    """About how many children an LA's return holds: those looked after on 31 March and those
    who ceased in the year (20 when DfE suppressed the figures)."""
    size = la_sizes().get(la, {})
    return max(20, size.get("on_31_march", 0) + size.get("ceased", 0)) if size else 20
