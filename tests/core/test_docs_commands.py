"""Every command in the README and docs/ runs as written, and prints what the docs show.

Each ```sh block of a document is run as one bash script (so an ``export`` holds for the
lines after it), the blocks in order, in a fresh folder (one per document) beside which
``../shared`` holds the reference material, as beside a checkout, with the checkout's
``.venv/bin`` first on PATH. Every ``$ command`` line of a transcript (a block that is not
``sh``) runs too, and what it prints must be what the transcript shows under it, line for
line; a line ``...`` stands for any lines the document leaves out. A command may exit 0, or
1 where csww documents 1 as a finding (errors in a return, differing statistics), or 2 where
a transcript shows the refusal; any other status, a traceback or "internal fault" fails the
test. The figures the docs give in prose and tables (the samples' counts, the rule count,
the JSON report's example) are compared with what csww computes, further below.

Blocks that cannot run inside the test suite are named in NOT_RUN with the reason, and each
is checked another way below (the make targets with ``make -n``; the install steps by
building the wheel they install).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.paths import ROOT, SAMPLES, SHARED

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)
STATUS = "csww-docs-status"
# Lines run elsewhere, by the reason given.
NOT_RUN = {
    "make demo": "serves until stopped: checked with make -n",
    "make test": "runs this suite: checked with make -n",
    "python3 -m venv .venv": "installs from a checkout: the wheel build is checked instead",
    ".venv/bin/pip install -e '.[portal]'": "installs: the wheel build is checked instead",
    "python3 -m pip wheel --no-deps -w dist .": "builds the wheel: checked by building it",
    "python3 -m pip install 'dist/csww-0.1.0-py3-none-any.whl[portal]'": "installs the wheel",
    ".venv/bin/python benchmarks/portal_load.py --users 50 --workers 1000": "a benchmark",
    ".venv/bin/python benchmarks/portal_load.py --users 50 --workers 1000 --ramp 30": "a benchmark",
    ".venv/bin/python benchmarks/portal_load.py --database-url "
    "postgresql://postgres@127.0.0.1:5432/csww_load": "a benchmark on PostgreSQL",
    "make bench-portal": "a benchmark (152 users on PostgreSQL): checked with make -n",
    "make bench-portal-bursts": "eight benchmark bursts on PostgreSQL: checked with make -n",
    ".venv/bin/python benchmarks/portal_load.py --users 152 --sign-in-only --hasher pbkdf2  "
    "--database-url postgresql://postgres@127.0.0.1:5432/csww_load2": "a benchmark",
    ".venv/bin/python benchmarks/portal_load.py --users 20 --workers 500": "a benchmark",
    ".venv/bin/python benchmarks/portal_load.py --users 152 --workers 1000 --check-workers 2  "
    "--acks-first --database-url postgresql://postgres@127.0.0.1:5432/csww_load": (
        "a benchmark on PostgreSQL"
    ),
    ".venv/bin/python benchmarks/portal_load.py --users 1 --in-a-row 300  "
    "--database-url postgresql://postgres@127.0.0.1:5432/csww_load": "a benchmark on PostgreSQL",
    ".venv/bin/python benchmarks/portal_load.py --users 1 --in-a-row 400  "
    "--database-url postgresql://postgres@127.0.0.1:5432/csww_load": "a benchmark on PostgreSQL",
    ".venv/bin/python benchmarks/portal_downloads.py --workers 20000 --parallel 8 --rounds 2  "
    "[--database-url postgresql://postgres@127.0.0.1:5432/csww_dl] [--repeat]": "a benchmark",
    "CSWW_API_TOKEN=csww_... python3 scripts/api_example.py --url https://portal.example  "
    '--year 2026 --la 301 return.xml --note "Taken from the HR system on 14 October"': (
        "needs a running portal and a token: tests/portal/test_api_script.py runs the script"
    ),
}
BIN = Path(sys.executable).parent


def scripts(text: str) -> list[list[str]]:
    """Each block's commands: every line of a ```sh block (continuations joined, comments
    cut), and the ``$ `` lines of any other block (a transcript)."""
    out = []
    for lang, block in BLOCK.findall(text):
        joined = re.sub(r"\\\n\s*", " ", block)
        lines = []
        for line in joined.splitlines():
            if lang != "sh":
                if not line.startswith("$ "):
                    continue
                line = line[2:]
            line = re.sub(r"\s+#\s.*$", "", line).strip()
            if line and not line.startswith("#"):
                lines.append(line)
        if lines:
            out.append(lines)
    return out


def transcripts(text: str) -> list[list[tuple[str, list[str]]]]:
    """Each transcript block's commands, each with the lines the document shows it print."""
    out = []
    for lang, block in BLOCK.findall(text):
        if lang == "sh" or "\n$ " not in "\n" + block:
            continue
        shown: list[tuple[str, list[str]]] = []
        for line in re.sub(r"\\\n\s*", " ", block).splitlines():
            if line.startswith("$ "):
                shown.append((re.sub(r"\s+#\s.*$", "", line[2:]).strip(), []))
            elif shown:
                shown[-1][1].append(line.rstrip())
        for _, lines in shown:
            while lines and not lines[-1]:
                lines.pop()
        out.append(shown)
    return out


def shows(expected: list[str], actual: list[str]) -> bool:
    """Whether ``actual`` is what ``expected`` shows, a ``...`` line standing for any lines."""
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(shows(expected[1:], actual[n:]) for n in range(len(actual) + 1))
    return bool(actual) and actual[0] == expected[0] and shows(expected[1:], actual[1:])


def test_a_transcript_line_of_dots_stands_for_any_lines() -> None:
    assert shows(["a", "...", "d"], ["a", "b", "c", "d"]) and shows(["a", "..."], ["a"])
    assert not shows(["a", "d"], ["a", "b", "d"]) and not shows(["a", "...", "e"], ["a", "d"])


def commands(text: str) -> list[str]:
    return [line for script in scripts(text) for line in script]


def documents_with_commands() -> list[Path]:
    return [d for d in DOCS if commands(d.read_text(encoding="utf-8"))]


def test_the_readme_starts_with_the_two_make_commands() -> None:
    first = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:5]
    assert first[2] == "```sh"
    assert first[3].startswith("make demo   #") and first[4].startswith("make test   #")


def test_the_readme_says_how_to_install_before_explaining_make() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    install = text.index("## Install")
    assert install < text.index("Both work on a fresh Debian machine")
    for step in NOT_RUN:
        if step.startswith(("python3 -m", ".venv/bin/pip")):
            assert step in text[install : text.index("Both work")], step


def reader_folder(tmp_path: Path) -> Path:
    """A fresh folder to run a document's commands in, with ``../shared`` beside it."""
    (tmp_path / "shared").symlink_to(SHARED.resolve(), target_is_directory=True)
    (tmp_path / "csww").mkdir()
    return tmp_path / "csww"


def reader_env() -> dict[str, str]:
    env = os.environ | {
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "CSWW_SALT": "0123456789abcdef0123456789abcdef",
        "PYTHONUNBUFFERED": "1",  # the screen's order of output and messages
    }
    env.pop("DATABASE_URL", None)
    return env


@pytest.mark.parametrize("doc", documents_with_commands(), ids=lambda p: p.name)
def test_every_command_in_the_docs_runs_as_written(doc: Path, tmp_path: Path) -> None:
    folder, env = reader_folder(tmp_path), reader_env()
    text = doc.read_text(encoding="utf-8")
    shown = {tuple(c for c, _ in block): block for block in transcripts(text)}
    ran = 0
    for script in scripts(text):
        lines = [line for line in script if line not in NOT_RUN]
        if not lines:
            continue
        block = shown.get(tuple(script))
        # After each command, its status and the command itself (for the message below); a
        # transcript's commands each print into a file of their own, to compare.
        body = "\n".join(
            (f"{line} > .shown-{n} 2>&1" if block else line) + f'\necho "{STATUS}:$?:{n}" >&2'
            for n, line in enumerate(lines)
        )
        done = subprocess.run(
            ["bash", "-c", body],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        said = done.stdout + done.stderr
        statuses = [(int(c), int(n)) for c, n in re.findall(STATUS + r":(\d+):(\d+)", said)]
        assert len(statuses) == len(lines), f"{doc.name}: the block stopped early: {said}"
        for code, n in statuses:
            printed = (folder / f".shown-{n}").read_text(encoding="utf-8") if block else said
            allowed = (0, 1, 2) if block else (0, 1)
            assert code in allowed, f"{doc.name}: `{lines[n]}` exited {code}: {printed[-3000:]}"
            assert "Traceback" not in printed and "internal fault" not in printed, printed[-3000:]
            if block:
                expected = [e for c, e in block if c not in NOT_RUN][n]
                actual = [line.rstrip() for line in printed.rstrip("\n").splitlines()]
                assert shows(expected, actual), (
                    f"{doc.name}: `{lines[n]}` printed\n"
                    + "\n".join(actual[:60])
                    + "\n\nbut the document shows\n"
                    + "\n".join(expected)
                )
        ran += len(lines)
    every = commands(text)
    assert ran or all(c in NOT_RUN for c in every), f"{doc.name} has commands but none ran"


def test_the_make_commands_exist() -> None:
    done = subprocess.run(
        ["make", "-n", "demo", "test", "bench-portal", "bench-portal-bursts"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_make_demo_installs_only_what_the_demo_needs() -> None:
    """The demo needs the portal's packages, not the test tools (pytest, Playwright, mypy,
    schemathesis), which made most of its first start."""
    done = subprocess.run(
        ["make", "-n", "-B", "demo", "VENV=/nonexistent-venv"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    installs = [line for line in done.stdout.splitlines() if "pip install" in line]
    assert installs == ["/nonexistent-venv/bin/pip install -q -e '.[portal]'"], done.stdout
    assert "csww demo" in done.stdout


def test_the_package_install_step_builds_a_wheel_with_the_command(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    wheel = next(tmp_path.glob("csww-*.whl"))
    named = [s for s in NOT_RUN if s.startswith("python3 -m pip install 'dist/")]
    assert named and wheel.name in named[0]
    with zipfile.ZipFile(wheel) as zf:
        entry = next(n for n in zf.namelist() if n.endswith("entry_points.txt"))
        assert "csww = csww.cli.main:main" in zf.read(entry).decode()


def test_the_benchmark_commands_take_the_options_the_docs_give() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "portal_load.py"), "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for option in (
        "--users",
        "--workers",
        "--ramp",
        "--database-url",
        "--sign-in-only",
        "--hasher",
    ):
        assert option in done.stdout


def test_the_burst_series_reads_the_figures_portal_load_prints() -> None:
    """``portal_bursts.py`` takes its table from ``portal_load.py``'s output: these lines are
    printed by portal_load.py as it is (a run of 6 December 2026), so a change to their
    wording that the series would no longer read fails here."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import portal_bursts
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    output = (
        "Acknowledgements alone: 152 in 0.37s wall time; CPU per acknowledgement: web server "
        "2.76 ms (system 0.66 ms), PostgreSQL 0.59 ms, together 3.36 ms; this client 0.36 ms "
        "(system 0.23 ms) (load average (1.57, 1.67, 0.98))\n"
        "Database connections open after the acknowledgements: 9\n"
        "Machine speed just before the burst: a 10-million-step Python loop in 0.36 CPU s; "
        "just after: a 10-million-step Python loop in 0.37 CPU s\n"
        "| upload acknowledged | 152 | 0.157 | 0.321 | 0.339 |\n"
        "Failures: 0\n"
    )
    burst = portal_bursts.read(output)
    assert burst is not None
    assert (burst.web, burst.kernel, burst.db, burst.together) == (2.76, 0.66, 0.59, 3.36)
    assert (burst.acked, burst.p50, burst.p95, burst.slowest) == (152, 0.157, 0.321, 0.339)
    assert (burst.loop, burst.connections, burst.failures) == ("0.36 / 0.37 s", "9", 0)
    assert "**3.36 ms**" in burst.row(1) and "**0.321**" in burst.row(1)
    assert portal_bursts.read(output.replace("Failures: 0", "")) is None
    source = (ROOT / "benchmarks" / "portal_load.py").read_text()
    for printed in ("Acknowledgements alone", "together", "upload acknowledged", "Failures: "):
        assert printed in source


def _table(text: str, heading: str) -> list[list[str]]:
    """The body rows of the first Markdown table whose heading row starts with ``heading``."""
    lines = text.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith(heading))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([c.strip().strip("`") for c in line.strip("|").split("|")])
    return rows


def test_the_samples_counts_are_what_csww_says() -> None:
    """docs/samples.md: each sample's year, workers, errors and queries, as csww finds them."""
    from csww.engine import validate

    rows = _table((ROOT / "docs" / "samples.md").read_text(encoding="utf-8"), "| Sample")
    named = {}
    for sample, year, workers, errors, queries, _why in rows:
        for name in sample.split(", "):
            full = name if name.startswith("csww-") else f"csww-2022-sample{name}"
            named[full] = (
                int(year),
                int(workers),
                int(errors),
                int(queries),
            )
    assert set(named) == {p.name for p in SAMPLES.glob("*.xml")}
    for name, figures in named.items():
        report = validate(SAMPLES / name)
        assert (report.year, report.workers, report.errors, report.queries) == figures, name


def test_the_rule_count_in_the_readme_is_the_registrys() -> None:
    import csww.sheets  # noqa: F401  (declares the spreadsheet rules)
    from csww.rules.registry import RULES

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    said = re.findall(r"(\d+) rules", text)
    assert said and all(int(n) == len(RULES) for n in said), (said, len(RULES))


def test_the_json_reports_example_is_csww_s_own_output() -> None:
    """docs/validation.md's JSON example: the keys, and the figures, of a real report (the
    2022 sample's), and an issue it holds."""
    import json

    from csww.engine import validate
    from csww.report.render import to_json

    text = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    example = next(block for lang, block in BLOCK.findall(text) if lang == "json")
    shown = json.loads(re.sub(r"\s+//[^\n]*", "", example))
    report = json.loads(to_json(validate(SAMPLES / "csww-2022-sample.xml")))
    assert list(shown) == list(report)
    for key, value in shown.items():
        if key == "issues":
            assert value and all(issue in report["issues"] for issue in value)
        elif key != "source":
            assert value == report[key], key


def test_the_docs_name_only_rules_that_exist() -> None:
    """A rule id in the docs is in the rulebook, unless its line says it was removed."""
    import csww.sheets
    from csww.cla.rules import CLA_RULES
    from csww.rules.registry import RULES

    for doc in DOCS:
        # The SSDA903's documents name DfE's 903 rule ids, checked against its own rulebook.
        # adding-a-collection.md names rules of both collections.
        cla, csww = {r.id for r in CLA_RULES}, {r.id for r in RULES}
        book = cla if "cla" in doc.name else cla | csww if "collection" in doc.name else csww
        named = set()
        for line in doc.read_text(encoding="utf-8").splitlines():
            if "removed" in line:
                continue
            named |= set(re.findall(r"\b(\d{3}Q)\b", line))
            named |= set(re.findall(r"\b(?:rule|error|query|rules|errors|queries) (\d{3})\b", line))
        unknown = named - book
        assert not unknown, f"{doc.name} names rules that do not exist: {sorted(unknown)}"
