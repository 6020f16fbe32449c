"""The core stays pure: no web framework, and documents generated from it stay in step."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_core_imports_without_any_web_framework() -> None:
    code = (
        "import sys, csww, csww.cli.main, csww.engine, csww.report.html;"
        "import csww.rules.catalogue;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('django', 'flask', 'fastapi', 'starlette', 'csww_portal')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_core_source_never_mentions_django() -> None:
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "src" / "csww").rglob("*.py")
        if "import django" in p.read_text() or "from django" in p.read_text()
    ]
    # Only the CLI's serve command may start the portal, lazily inside the command.
    assert all(p.endswith("cli/serve.py") for p in offenders), offenders


def test_rule_catalogue_in_docs_matches_registry() -> None:
    from csww.rules.catalogue import render

    assert (ROOT / "docs" / "rules.md").read_text() == render("markdown"), (
        "docs/rules.md is out of date: run `make docs`"
    )


def test_rulebook_size_and_conventions() -> None:
    from csww.rules import RULES

    assert len(RULES) >= 60
    for rule in RULES:
        assert rule.section, rule.id
        assert (
            rule.id.endswith("Q")
            == (rule.severity == "query")
            == rule.message.startswith("Please check")
        )


def test_collection_years_in_docs_match_the_specification() -> None:
    from csww.spec.describe import render_markdown

    assert (ROOT / "docs" / "collection-years.md").read_text() == render_markdown(), (
        "docs/collection-years.md is out of date: run `make docs`"
    )


def test_every_rule_is_declared_in_the_rulebook() -> None:
    """Rules are declared once, in ``csww.rules``: no other module calls ``declare`` or
    ``@rule``, so the rulebook alone owns every id (the spreadsheet rules included)."""
    import re

    declaring = re.compile(r"^\s*(?:@rule\(|declare\()", re.M)
    rulebook = ROOT / "src" / "csww" / "rules"
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "src").rglob("*.py")
        if rulebook not in p.parents and declaring.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []
    from csww.rules import RULES

    assert {"950", "951", "959", "960Q", "961"} <= {r.id for r in RULES}
