"""Where the shared reference material lives: ``../shared`` beside the checkout
(override with the CSWW_SHARED environment variable)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CSWW_SHARED", ROOT.parent / "shared"))
SAMPLES = SHARED / "reference" / "csww"
STATS = SHARED / "reference" / "csww-stats"
