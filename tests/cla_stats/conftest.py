"""The 903 statistics tests read DfE's published files in the shared reference folder
(``../shared`` beside the checkout, or CSWW_SHARED), as every other test does."""

import os

from tests.paths import SHARED

os.environ.setdefault("CSWW_SHARED", str(SHARED))
