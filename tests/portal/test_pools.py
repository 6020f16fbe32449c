"""Each web process's PostgreSQL connections come from a pool (``settings.py``) that
``csww serve`` closes in the master and sizes to the process's threads before the fork
(``server.size_pools``)."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from typing import Any

import pytest
from django.db import connection, connections

from csww_portal import server

POOLS = "_connection_pools"  # Django's, of each backend class: one pool per database


@pytest.mark.django_db(transaction=True)
def test_the_master_closes_its_pool_and_sizes_the_processes_pools() -> None:
    if connection.vendor != "postgresql":
        server.size_pools(threads=16, check_workers=2, at_once=2)  # nothing to size
        assert "pool" not in connection.settings_dict.get("OPTIONS", {})
        return
    kept = copy.deepcopy(connection.settings_dict["OPTIONS"]["pool"])
    connection.ensure_connection()  # the migrations' connection, say
    assert getattr(connection, "pool", None) is not None
    try:
        server.size_pools(threads=16, check_workers=2, at_once=2)
        assert connection.connection is None
        pools: dict[str, Any] = getattr(type(connections["default"]), POOLS)
        assert not pools  # closed: no thread, no connection
        sized = connection.settings_dict["OPTIONS"]["pool"]
        # 16 request threads, and each check worker with its housekeeping thread
        assert sized["max_size"] == max(kept["max_size"], 16 + 2 * 2)
        assert sized["min_size"] == 2
        server.size_pools(threads=40, check_workers=0, at_once=2)
        assert connection.settings_dict["OPTIONS"]["pool"]["max_size"] == 40
    finally:
        connection.settings_dict["OPTIONS"]["pool"] = kept
        for alias in connections:
            connections[alias].close()
    assert (
        getattr(connection, "pool", None) is not None
    )  # made again, as settings say, on the next use


def _setting(expression: str, **env: str) -> str:
    """What ``expression`` (of ``settings``) is in a process started with this environment,
    as JSON; or the last line the process wrote when it stopped."""
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        f"print(json.dumps({expression}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "csww_portal.settings",
            "CSWW_PORTAL_EPHEMERAL_KEY": "1",
            "DATABASE_URL": "postgresql://someone@127.0.0.1:5432/somewhere",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done.stdout.strip() or done.stderr.strip().splitlines()[-1]


def _settings(**env: str) -> str:
    """The DATABASES setting's connection age and pool in a process with this environment."""
    return _setting(
        "[settings.DATABASES['default']['CONN_MAX_AGE'], "
        "settings.DATABASES['default'].get('OPTIONS', {}).get('pool')]",
        **env,
    )


def test_settings_pool_postgresql_connections_unless_told_not_to() -> None:
    assert _settings() == (
        '[0, {"min_size": 1, "max_size": 20, "max_lifetime": 3600.0, "max_idle": 600.0, '
        '"timeout": 30.0, "name": "csww"}]'
    )
    assert _settings(CSWW_PORTAL_CONN_MAX_AGE="900").startswith(
        '[0, {"min_size": 1, "max_size": 20, "max_lifetime": 900.0'
    )
    # Without the pool (behind PgBouncer, say), each thread keeps its own connection.
    assert _settings(CSWW_PORTAL_DB_POOL="0") == "[3600, null]"
    assert _settings(CSWW_PORTAL_DB_POOL="0", CSWW_PORTAL_CONN_MAX_AGE="0") == "[0, null]"
    refused = _settings(CSWW_PORTAL_CONN_MAX_AGE="0")
    assert "CSWW_PORTAL_CONN_MAX_AGE must be at least 60" in refused
    assert "CSWW_PORTAL_DB_POOL=0" in refused


def test_a_number_setting_that_is_not_one_is_refused_naming_it() -> None:
    """A mistyped number in the environment stops the portal before it starts, saying which
    variable and what it must be, not with a fault of its own."""
    refused = _settings(CSWW_PORTAL_DB_POOL_MAX="many")
    assert "ImproperlyConfigured" in refused
    assert "CSWW_PORTAL_DB_POOL_MAX must be a whole number of at least 1, not 'many'" in refused
    assert "leave it unset for 20" in refused
    refused = _setting("settings.CSWW_UPLOAD_RATE", CSWW_UPLOAD_RATE="-3")
    assert "CSWW_UPLOAD_RATE must be a whole number of at least 0, not '-3'" in refused
    assert _setting("settings.CSWW_MAX_UPLOADS", CSWW_MAX_UPLOADS=" 7 ") == "7"
    assert _setting("settings.CSWW_MAX_UPLOADS", CSWW_MAX_UPLOADS="") == "500"
    assert _setting("settings.CSWW_EXPORT_PROCESSES", CSWW_EXPORT_PROCESSES="0") == "0"


def test_an_empty_database_url_is_taken_as_none_given() -> None:
    """``DATABASE_URL=`` (set, but empty) means the SQLite default, not a fault in settings."""
    engine = "settings.DATABASES['default']['ENGINE']"
    assert _setting(engine, DATABASE_URL="") == '"django.db.backends.sqlite3"'
    assert _setting(engine) == '"csww_portal.postgresql"'
