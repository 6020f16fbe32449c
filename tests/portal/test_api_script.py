"""End to end, as a supplier would: `csww demo` (one command: the portal on SQLite with a
check worker inside it), `csww token` for a demo user, then `scripts/api_example.py` sends a
return with only that token, follows its check on the real queue and adds a note."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from csww.spec import available_years
from tests.factories import make_return
from tests.paths import ROOT
from tests.portal.conftest import xml

DEMO_YEAR = available_years()[-1]  # the demo fills the latest collection

CLI = [sys.executable, "-c", "from csww.cli.main import main; main()"]
EXAMPLE = [sys.executable, str(ROOT / "scripts" / "api_example.py")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_script_with_only_a_token_sends_a_return_through_the_demo(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("CSWW_TASKS_BACKEND", "DATABASE_URL")}
    env.update(SECRET_KEY="api-script-test-" + "x" * 40, CSWW_PORTAL_LOG_LEVEL="WARNING")
    port = free_port()
    log = (tmp_path / "demo.log").open("wb")
    demo = subprocess.Popen(
        [*CLI, "demo", "--port", str(port)], cwd=tmp_path, env=env, stdout=log, stderr=log
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/sign-in/", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            raise AssertionError((tmp_path / "demo.log").read_text()[-3000:])
        db_env = {**env, "CSWW_PORTAL_DB": str(tmp_path / "var" / "demo.sqlite3")}
        issued = subprocess.run(
            [*CLI, "token", "la.submitter", "--name", "HR system"],
            env=db_env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        token = issued.stdout.strip()
        assert token.startswith("csww_"), issued.stderr
        path = tmp_path / "return.xml"
        path.write_bytes(xml(make_return(year=DEMO_YEAR, lea="301")))

        def script(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [*EXAMPLE, str(path), "--url", base, "--year", str(DEMO_YEAR), *args],
                env={"CSWW_API_TOKEN": token, "PATH": env.get("PATH", "")},  # nothing else
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )

        # The demo's return has 108 workers: a 4-worker file is held, not loaded, unless the
        # supplier confirms it, as a person confirms it on the upload page.
        held = script("--la", "301")
        assert held.returncode == 1 and "fewer than half" in held.stdout, held.stdout
        run = script("--la", "301", "--confirm", "--note", "From the HR system.")
        assert run.returncode == 0, run.stdout + run.stderr
        assert "accepted; checking" in run.stdout and "Note added." in run.stdout
        # 0 errors; the demo's last year is submitted, so the continuity queries (72x) ask
        # about last year's workers missing from this 4-worker file.
        assert "Checked: 4 workers, 0 errors," in run.stdout
        assert "query 72" in run.stdout
        wrong = script("--la", "302")
        assert wrong.returncode == 2 and "404" in wrong.stderr
    finally:
        demo.terminate()
        demo.wait(timeout=30)
        log.close()
