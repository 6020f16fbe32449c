"""The wrong-API-token throttle is one for every web process: its counts are in the database,
incremented atomically, and rows whose window has ended are deleted."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings

from csww_portal.api import tokens
from csww_portal.models import ThrottleCount
from csww_portal.throttle import WindowCounter
from tests.portal.conftest import YEAR
from tests.portal.processes import environment

ADDRESS = "198.51.100.9"


def test_two_counters_over_one_database_share_their_counts(db: Any) -> None:
    """Two throttles, as two web processes would each have, count against one limit."""
    one, two = WindowCounter("guesses", 60), WindowCounter("guesses", 60)
    for n in range(1, 6):
        assert one.hit(ADDRESS, now=1000.0 + n) == 2 * n - 1
        assert two.hit(ADDRESS, now=1000.0 + n) == 2 * n
    assert one.wait(ADDRESS, limit=11, now=1010.0) == 0  # ten so far
    assert two.wait(ADDRESS, limit=10, now=1010.0) == 51  # the rest of the window (from 1001)
    assert one.wait(ADDRESS, limit=10, now=1010.0) == 51  # the other process sees it too
    assert one.wait("203.0.113.5", limit=10, now=1010.0) == 0  # other addresses are not held
    # Another throttle's name is another count.
    assert WindowCounter("other", 60).wait(ADDRESS, limit=1, now=1010.0) == 0


def test_a_window_ends_and_old_rows_are_deleted(db: Any) -> None:
    counter = WindowCounter("guesses", 60)
    for n in range(3):
        counter.hit(f"192.0.2.{n}", now=1000.0)
    assert counter.wait("192.0.2.0", limit=1, now=1059.5) == 1
    assert counter.wait("192.0.2.0", limit=1, now=1060.0) == 0  # the window is over
    # The next hit after the window starts a new one at 1, and clears ended windows.
    assert counter.hit("192.0.2.0", now=1061.0) == 1
    assert list(ThrottleCount.objects.values_list("key", flat=True)) == ["guesses:192.0.2.0"]


@override_settings(CSWW_API_AUTH_MAX_FAILURES=10)
def test_the_apis_limit_holds_across_processes(people: dict[str, Any]) -> None:
    """Guesses split between two web processes are stopped at the one limit: what the other
    process counted is enough to refuse this one's next request."""
    elsewhere = WindowCounter(tokens.WRONG_TOKENS.name, tokens.WRONG_TOKENS.seconds)
    for _n in range(6):
        elsewhere.hit(ADDRESS)
    guesser = Client(REMOTE_ADDR=ADDRESS)
    url = f"/api/v1/collections/{YEAR}/las/301/status"
    answers = [
        guesser.get(url, headers={"Authorization": f"Bearer csww_guess{n:040d}"}).status_code
        for n in range(8)
    ]
    assert answers == [401] * 4 + [429] * 4
    assert ThrottleCount.objects.get().count == 10  # refused requests are not counted


SCRIPT = """
import sys
import django
django.setup()
from csww_portal.api import tokens
for _n in range(int(sys.argv[1])):
    tokens.auth_failed(sys.argv[2])
print(tokens.auth_wait(sys.argv[2]))
"""


def _environment(tmp_path: Path, request: pytest.FixtureRequest) -> dict[str, str]:
    """Processes over the test's database, with a limit of 20 wrong tokens."""
    if "postgresql" in os.environ.get("DATABASE_URL", ""):
        request.getfixturevalue("transactional_db")
    return environment(tmp_path, CSWW_API_AUTH_MAX_FAILURES="20")


@pytest.mark.django_db(transaction=True)
def test_two_web_processes_count_against_one_limit(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Two real processes guess at once, 15 each: neither alone reaches the limit of 20, but
    together they do, and no count is lost to the race."""
    env = _environment(tmp_path, request)
    command = [sys.executable, "-c", SCRIPT, "15", ADDRESS]
    procs = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _n in range(2)
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    for proc, (_out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err.decode()[-2000:]
    check = [sys.executable, "-c", SCRIPT, "0", ADDRESS]
    later = subprocess.run(check, env=env, capture_output=True, timeout=300, check=False)
    assert later.returncode == 0, later.stderr.decode()[-2000:]
    assert 0 < int(later.stdout) <= 60  # a third process is held back too
    count = [sys.executable, "-c", COUNT, ADDRESS]
    total = subprocess.run(count, env=env, capture_output=True, timeout=300, check=False)
    assert total.stdout.decode().strip() == "30", total.stderr.decode()[-2000:]


COUNT = """
import sys
import django
django.setup()
from csww_portal.models import ThrottleCount
print(ThrottleCount.objects.get(key__endswith=":" + sys.argv[1]).count)
"""
