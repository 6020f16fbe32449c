"""Every command in the README and docs/ runs as written.

Each ```sh block of a document is run as one bash script (so an ``export`` holds for the
lines after it), the blocks in order, in a fresh folder (one per document), with the
checkout's ``.venv/bin`` first on PATH; so is every ``$ command`` line of a transcript. A
command may exit 0, or 1 where csww documents 1 as a finding (errors in a return, differing
statistics); any other status, a traceback or "internal fault" fails the test. The only files a reader is
assumed to hold are DfE's published statistics files, which the documents name and which
are copied into the folder first.

Blocks that cannot run inside the test suite are named in NOT_RUN with the reason, and each
is checked another way below (the make targets with ``make -n``; the install steps by
building the wheel they install).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.paths import ROOT, STATS

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
    ".venv/bin/python benchmarks/portal_load.py --users 152 --sign-in-only --hasher pbkdf2  "
    "--database-url postgresql://postgres@127.0.0.1:5432/csww_load2": "a benchmark",
    ".venv/bin/python benchmarks/portal_load.py --users 20 --workers 500": "a benchmark",
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


@pytest.mark.parametrize("doc", documents_with_commands(), ids=lambda p: p.name)
def test_every_command_in_the_docs_runs_as_written(doc: Path, tmp_path: Path) -> None:
    for published in STATS.glob("csww_indicators_*.csv"):
        shutil.copy(published, tmp_path / published.name)
    env = os.environ | {
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "CSWW_SALT": "0123456789abcdef0123456789abcdef",
    }
    env.pop("DATABASE_URL", None)
    ran = 0
    for script in scripts(doc.read_text(encoding="utf-8")):
        lines = [line for line in script if line not in NOT_RUN]
        if not lines:
            continue
        # After each command, its status and the command itself (for the message below).
        body = "\n".join(f'{line}\necho "{STATUS}:$?:{n}" >&2' for n, line in enumerate(lines))
        done = subprocess.run(
            ["bash", "-c", body],
            cwd=tmp_path,
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
            assert code in (0, 1), f"{doc.name}: `{lines[n]}` exited {code}: {said[-3000:]}"
        assert "Traceback" not in said and "internal fault" not in said, said[-3000:]
        ran += len(lines)
    every = commands(doc.read_text(encoding="utf-8"))
    assert ran or all(c in NOT_RUN for c in every), f"{doc.name} has commands but none ran"


def test_the_make_commands_exist() -> None:
    done = subprocess.run(
        ["make", "-n", "demo", "test", "bench-portal"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


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
