"""The published files' wording for the return's codes (``data/labels.toml``)."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any


@cache
def labels() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("data", "labels.toml").read_text("utf-8")
    return tomllib.loads(text)


def mapping(*path: str) -> dict[str, str]:
    """A code → label table, e.g. ``mapping("reason", "la")``."""
    node: Any = labels()
    for part in path:
        node = node[part]
    return {str(k): str(v) for k, v in node.items()}


def groups(name: str) -> dict[str, str]:
    """A code → group label table from a group → codes table (e.g. ``placement_group``)."""
    out: dict[str, str] = {}
    for label, codes in labels()[name].items():
        for code in codes:
            out[str(code)] = str(label)
    return out


def group_order(name: str) -> list[str]:
    return [str(k) for k in labels()[name]]
