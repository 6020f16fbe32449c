"""The rulebook as rows and as the Markdown of docs/cla-rules.md (generated; a test keeps the
file in step with the rulebook)."""

from __future__ import annotations

from typing import Any

from csww.cla.spec import available_years
from csww.core.rulebook import Rulebook, TableRule


def _years(rule: TableRule) -> str:
    first, last = available_years()[0], available_years()[-1]
    since = max(rule.since, first)
    until = rule.until if rule.until is not None else last
    return str(since) if since == until else f"{since}–{until}"


def rows(book: Rulebook, year: int | None = None) -> list[dict[str, Any]]:
    rules = book.for_year(year) if year is not None else list(book)
    return [
        {
            "rule": r.id,
            "severity": r.severity,
            "years": _years(r),
            "table": r.table,
            "items": " ".join(r.items),
            "needs": " ".join(sorted(r.needs)),
            "message": r.message,
            "source": r.section,
            "assumption": r.assumption or "",
        }
        for r in rules
    ]


def counts(book: Rulebook) -> dict[int, tuple[int, int, int]]:
    """Rules per year: (all, errors, queries)."""
    out: dict[int, tuple[int, int, int]] = {}
    for year in available_years():
        rules = book.for_year(year)
        errors = sum(1 for r in rules if r.severity == "error")
        out[year] = (len(rules), errors, len(rules) - errors)
    return out


def markdown(book: Rulebook) -> str:
    lines = [
        "# SSDA903 rules",
        "",
        "Generated from the rulebook by `csww cla rules --format markdown`; do not edit by hand",
        "(a test fails when this file and the rulebook differ).",
        "",
        "Years are named by their 31 March (2016 = 1 April 2015 – 31 March 2016). *Needs*: the",
        "input beyond the return without which the rule is reported as not run (`previous` =",
        "last year's return, `urn_list` = an Ofsted URN list, `urn_codes`/`urn_postcodes` = a",
        "URN list that has 903 codes / setting postcodes, `postcodes` = the ONS postcode lookup).",
        "",
        "## Rules per year",
        "",
        "| year | rules | errors | queries |",
        "|---|---|---|---|",
    ]
    for year, (total, errors, queries) in counts(book).items():
        lines.append(f"| {year} | {total} | {errors} | {queries} |")
    lines += [
        "",
        "## The rules",
        "",
        "| rule | severity | years | table | items | needs | message |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows(book):
        message = r["message"].replace("|", "\\|")
        lines.append(
            f"| {r['rule']} | {r['severity']} | {r['years']} | {r['table']} | {r['items']} | "
            f"{r['needs']} | {message} |"
        )
    lines += ["", "## Severity evidence and assumptions", ""]
    for r in rows(book):
        lines.append(f"- **{r['rule']}** ({r['source']}): {r['assumption']}.")
    return "\n".join(lines) + "\n"
