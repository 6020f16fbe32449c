"""The core's packages import each other in one direction only: no cycle such as
``rules → flows → engine → rules``. A lazy import inside a function is an edge's way out
only where the module says why; the module-level imports must form no cycle."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "csww"


def _unit(path: Path) -> str:
    first = path.relative_to(SRC).with_suffix("").parts[0]
    return "csww" if first == "__init__" else first


def _module_level_edges() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for path in SRC.rglob("*.py"):
        unit = _unit(path)
        for node in ast.parse(path.read_text()).body:  # module level only
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                parts = name.split(".")
                if parts[0] == "csww" and len(parts) > 1 and parts[1] != unit:
                    edges[unit].add(parts[1])
    return edges


def _cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_packages_of_the_core_import_each_other_without_a_cycle() -> None:
    edges = _module_level_edges()
    assert _cycle(edges) is None, " → ".join(_cycle(edges) or [])


def test_the_rulebook_depends_on_no_edge_of_the_core() -> None:
    edges = _module_level_edges()
    assert not edges["rules"] & {"flows", "engine", "sheets", "stats", "cli", "inputs"}
    assert not edges["core"] & {"rules", "engine", "sheets", "stats", "flows", "cli"}


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
