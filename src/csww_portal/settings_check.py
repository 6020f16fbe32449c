"""Settings for static checking (mypy's Django plugin reads them): the portal's own, with a
throwaway secret key, as nothing runs."""

import os

os.environ.setdefault("CSWW_PORTAL_EPHEMERAL_KEY", "1")

from csww_portal.settings import *  # noqa: F403
