"""A database that separate processes (a second web process, a workbook maker) can open:
the test database on PostgreSQL, which the calling test must have asked for as
``transactional_db`` so that what it writes is committed, or a migrated SQLite file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.db import connection


def environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    """The environment for a process of the portal over the test's database, with the
    given portal settings (``CSWW_…`` variables) added."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "csww_portal.settings",
        "CSWW_PORTAL_EPHEMERAL_KEY": "1",
        **settings,
    }
    if "postgresql" in os.environ.get("DATABASE_URL", ""):
        s = connection.settings_dict
        env["DATABASE_URL"] = f"postgresql://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
        return env
    env.pop("DATABASE_URL", None)
    env["CSWW_PORTAL_DB"] = str(tmp_path / "portal.sqlite3")
    migrate = [sys.executable, "-m", "django", "migrate", "--no-input", "-v", "0"]
    done = subprocess.run(migrate, env=env, capture_output=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    return env
