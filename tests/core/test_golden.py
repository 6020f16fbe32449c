"""Golden reports for the third-party samples in ../shared/reference/csww/.

Each expected report was read and reviewed (docs/samples.md says why each issue is right).
After a deliberate rule change, regenerate with ``CSWW_UPDATE_GOLDEN=1 pytest tests/core/test_golden.py``
and review the diff before committing it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from csww import validate
from tests.paths import SAMPLES as SAMPLE_DIR

SAMPLES = sorted(SAMPLE_DIR.glob("*.xml"))
GOLDEN = Path(__file__).resolve().parents[1] / "golden"


def test_samples_are_present() -> None:
    assert len(SAMPLES) >= 9, "the shared reference samples must sit beside the checkout"


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_report_matches_reviewed_golden_file(sample: Path) -> None:
    report = validate(sample).as_dict()
    report["source"] = sample.name
    expected_path = GOLDEN / (sample.stem + ".json")
    if os.environ.get("CSWW_UPDATE_GOLDEN"):
        expected_path.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    expected = json.loads(expected_path.read_text())
    assert report == expected
