"""A report lists its issues in the same order on every run, also with last year's return
(the continuity queries about workers who are gone have no record to sort them by)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from csww import to_bytes
from tests.factories import make_return, make_worker

RUN = "import sys, json, csww; r = csww.validate(sys.argv[1], previous=sys.argv[2]); print(json.dumps([(i.rule, i.worker) for i in r.issues]))"


def test_the_order_of_issues_does_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    before = [make_worker("inpost", 2022, SWENo=f"SW{n}") for n in range(1, 30)]
    now = [make_worker("inpost", 2023, SWENo=f"SW{n}") for n in range(25, 40)]
    previous, current = tmp_path / "2022.xml", tmp_path / "2023.xml"
    previous.write_bytes(to_bytes(make_return(before, year=2022)))
    current.write_bytes(to_bytes(make_return(now, year=2023)))
    runs = []
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", RUN, str(current), str(previous)],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        runs.append(json.loads(done.stdout))
    gone = [w for rule, w in runs[0] if rule == "720Q"]
    assert len(gone) == 24 and gone == sorted(gone, key=lambda w: int(w[2:]))
    assert runs[0] == runs[1] == runs[2]
