"""The session read with the person it names and the return a page is about, in one
statement (``rows.py``): fewer round trips, and never a person or a return other than the
one a request would have read on its own."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any
from unittest import mock

import psycopg
import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.db import OperationalError, connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils.crypto import get_random_string

from csww_portal import rows
from csww_portal.models import PortalSession
from csww_portal.services import receipt
from tests.portal.conftest import YEAR, la_url, upload, valid_return, xml


@pytest.fixture
def statements() -> Iterator[list[str]]:
    """The SQL of every statement made through ``rows.fetch_one``, in order."""
    said: list[str] = []
    real = rows.fetch_one

    def spy(sql: str, params: Any, **how: Any) -> Any:
        said.append(sql)
        return real(sql, params, **how)

    with mock.patch.object(rows, "fetch_one", spy):
        yield said


@pytest.fixture
def queued() -> Iterator[None]:
    with override_settings(CSWW_CHECK_AT_ONCE=False):
        yield


def test_an_acknowledgement_is_two_statements(
    login: Callable[[str], Client], statements: list[str], queued: None
) -> None:
    client = login("submitter")
    data = xml(valid_return())
    client.get(la_url("upload"))  # (the collection's familiarisation data is cleared once)
    statements.clear()
    with CaptureQueriesContext(connection) as through_django:
        response = upload(client, data)
    assert response.status_code == 302
    assert statements == [rows.SESSION_AND_RETURN_SQL, receipt.SQL]
    if connection.vendor == "postgresql":
        assert through_django.captured_queries == []  # both prepared, outside Django's cursor
    else:
        assert len(through_django.captured_queries) == 2


def test_a_page_about_a_return_reads_the_session_person_and_return_at_once(
    login: Callable[[str], Client], statements: list[str]
) -> None:
    client = login("submitter")
    statements.clear()
    response = client.get(la_url("overview"))
    assert response.status_code == 200
    assert statements[0] == rows.SESSION_AND_RETURN_SQL
    assert rows.USER_SQL not in statements and rows.RETURN_SQL not in statements


def test_other_pages_read_the_session_with_the_person(
    login: Callable[[str], Client], statements: list[str]
) -> None:
    client = login("dfe")
    statements.clear()
    response = client.get(f"/dfe/collections/{YEAR}/")
    assert response.status_code == 200
    assert statements[0] == rows.SESSION_SQL and rows.USER_SQL not in statements


def test_signing_in_names_the_person_beside_the_session(
    login: Callable[[str], Client], people: dict[str, Any]
) -> None:
    login("submitter")
    assert list(PortalSession.objects.values_list("user_id", flat=True)) == [people["submitter"].pk]


def test_the_person_beside_the_session_counts_only_when_the_signed_data_agrees(
    login: Callable[[str], Client], people: dict[str, Any], statements: list[str]
) -> None:
    """Whoever the signed session data names is signed in: a person id beside it that
    disagrees is not used, and the person is read on their own."""
    client = login("submitter")
    PortalSession.objects.update(user=people["other"])  # another LA's submitter
    assert client.get(la_url("overview", "301")).status_code == 200
    assert rows.USER_SQL in statements
    assert client.get(la_url("overview", "302")).status_code == 404


def test_sessions_end_with_the_account(
    login: Callable[[str], Client], people: dict[str, Any]
) -> None:
    client = login("submitter")
    login("approver")
    people["submitter"].delete()
    assert list(PortalSession.objects.values_list("user_id", flat=True)) == [people["approver"].pk]
    response = client.get(la_url("overview"))
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


@pytest.mark.django_db(transaction=True)
def test_a_new_session_naming_a_person_deleted_meanwhile_is_saved_naming_nobody() -> None:
    """Signing in while the account is deleted: the session's row cannot name the person, and
    Django would take that refusal for a key in use and try new keys for ever."""
    gone = get_user_model().objects.create_user("gone.person")
    gone_id = gone.pk
    gone.delete()
    store = rows.SessionStore()
    store[SESSION_KEY] = str(gone_id)
    keys: list[str] = []

    def new_key() -> str:
        assert len(keys) < 3, "new session keys tried again and again"
        keys.append(get_random_string(32, VALID_KEY_CHARS))
        return keys[-1]

    with mock.patch.object(store, "_get_new_session_key", new_key):
        store.create()
    assert len(keys) == 1
    saved = PortalSession.objects.get(session_key=store.session_key)
    assert saved.user_id is None
    assert rows.SessionStore(store.session_key).load()[SESSION_KEY] == str(gone_id)
    assert rows.user_with_role(gone_id) is None  # so the next request is signed out


def test_what_a_session_was_read_with_is_handed_out_once_and_only_to_its_own_lookup(
    login: Callable[[str], Client], people: dict[str, Any], statements: list[str]
) -> None:
    client = login("submitter")
    key = client.cookies["sessionid"].value
    statements.clear()
    store = rows.SessionStore(key)
    rows.want_return(YEAR, "301")
    assert store.load()  # read with the submitter and return 301
    assert statements == [rows.SESSION_AND_RETURN_SQL]

    other = rows.la_return(YEAR, "302")  # not the return read with the session
    assert other is not None and other.la.code == "302"
    assert statements[-1] == rows.RETURN_SQL
    assert rows.user_with_role(people["approver"].pk).pk == people["approver"].pk
    assert statements[-1] == rows.USER_SQL

    store = rows.SessionStore(key)  # the next request
    rows.want_return(YEAR, "301")
    store.load()
    rows.SessionStore(key)  # and the one after it, which has read nothing yet
    found = rows.la_return(YEAR, "301")
    assert found is not None and found.la.code == "301"
    assert statements[-1] == rows.RETURN_SQL  # read again, not taken from the last request
    assert rows.user_with_role(people["submitter"].pk).pk == people["submitter"].pk
    assert statements[-1] == rows.USER_SQL


def test_prepared_statements_are_planned_once_on_postgresql(db: None) -> None:
    """On PostgreSQL the statements are planned on their first run, not each of their first
    five; on SQLite nothing is prepared."""
    if connection.vendor != "postgresql":
        assert "options" not in connection.settings_dict.get("OPTIONS", {})
        return
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone() == ("force_generic_plan",)


@pytest.mark.django_db(transaction=True)
def test_a_kept_connection_closed_by_the_server_is_replaced_for_a_read() -> None:
    """PostgreSQL restarted, or the connection killed, between two requests: the next
    request's session is read on a new connection, not answered with a server error. A
    statement that may write is never run twice."""
    if connection.vendor != "postgresql":
        assert connection.settings_dict["CONN_MAX_AGE"] == 0  # SQLite's are not kept
        return
    person = get_user_model().objects.create_user("kept.connection")
    store = rows.SessionStore()
    store[SESSION_KEY] = str(person.pk)
    store.create()

    def kill_this_connection() -> int:
        pid = int(connection.connection.info.backend_pid)
        _terminate(lambda _other: [pid])
        return pid

    killed = kill_this_connection()
    assert rows.SessionStore(store.session_key).load()[SESSION_KEY] == str(person.pk)
    assert connection.connection.info.backend_pid != killed

    kill_this_connection()
    with pytest.raises(OperationalError):
        rows.fetch_one("SELECT 1", [])  # not marked as only reading: not run again
    connection.close()


def _terminate(which: Callable[[psycopg.Connection[Any]], list[int]]) -> list[int]:
    """Close the backends ``which`` names (asked on a connection of the test's own), as
    PostgreSQL does at a restart or to a killed connection, and wait until they are gone."""
    params = connection.get_connection_params()
    params.pop("pool", None)
    with psycopg.connect(**params, autocommit=True) as other:
        pids = which(other)
        for pid in pids:
            other.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _ in range(200):
            left = other.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", [pids]
            ).fetchone()
            if left == (0,):
                break
            time.sleep(0.01)
    return pids


def _every_other_backend(other: psycopg.Connection[Any]) -> list[int]:
    """Every connection to this database but ``other``: the pool's idle ones and the one this
    thread holds."""
    rows_ = other.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
    ).fetchall()
    return [int(pid) for (pid,) in rows_]


def _terminate_every_other_backend() -> list[int]:
    """What a PostgreSQL restart does to this database's connections."""
    return _terminate(_every_other_backend)


@pytest.mark.django_db(transaction=True)
def test_after_a_restart_the_pool_gives_a_new_connection_for_a_read() -> None:
    """Each process's connections are pooled on PostgreSQL, and a restart closes them all: the
    next request's session is still read, on a new connection, however many closed ones the
    pool held; a statement that may write is still never run twice."""
    if connection.vendor != "postgresql":
        assert connection.settings_dict["CONN_MAX_AGE"] == 0
        return
    pool: Any = getattr(connection, "pool", None)
    assert pool is not None and connection.settings_dict["CONN_MAX_AGE"] == 0
    person = get_user_model().objects.create_user("pooled.connection")
    store = rows.SessionStore()
    store[SESSION_KEY] = str(person.pk)
    store.create()
    # The pool holds idle connections besides this thread's, as it does between requests.
    lent = [pool.getconn() for _ in range(3)]
    for idle in lent:
        pool.putconn(idle)
    assert pool.get_stats()["pool_available"] >= 3
    closed = _terminate_every_other_backend()
    assert connection.connection.info.backend_pid in closed

    assert rows.SessionStore(store.session_key).load()[SESSION_KEY] == str(person.pk)
    assert connection.connection.info.backend_pid not in closed
    # Each next request is lent a live connection, whatever its first statement.
    for _ in range(4):
        connection.close()  # the request ended: back to the pool
        assert get_user_model().objects.filter(pk=person.pk).exists()
        assert connection.connection.info.backend_pid not in closed
    connection.close()
    # A restart between two requests: the next one's first statement, here not a read of
    # the session, is made on a live connection.
    closed = _terminate_every_other_backend()
    assert get_user_model().objects.filter(pk=person.pk).exists()
    assert connection.connection.info.backend_pid not in closed

    _terminate_every_other_backend()
    with pytest.raises(OperationalError):
        rows.fetch_one("SELECT 1", [])  # not marked as only reading: not run again
    connection.close()


@pytest.mark.django_db(transaction=True)
def test_a_pooled_connection_keeps_one_cursor_for_its_statements() -> None:
    """The psycopg cursor (and the loaders it made) is kept with its connection: a connection
    lent again later, to this or another thread, uses the same one. (SQLite's connections
    are neither pooled nor given psycopg cursors.)"""
    if connection.vendor != "postgresql":
        assert rows.fetch_one("SELECT 1", []) == (1,)
        assert "pool" not in connection.settings_dict.get("OPTIONS", {})
        return
    assert rows.fetch_one("SELECT 1", []) == (1,)
    raw = connection.connection
    first = getattr(raw, rows.KEPT_CURSOR)
    assert rows.fetch_one("SELECT 2", []) == (2,)
    assert getattr(raw, rows.KEPT_CURSOR) is first
    connection.close()  # back to the pool
    assert rows.fetch_one("SELECT 3", []) == (3,)
    again = connection.connection
    assert getattr(again, rows.KEPT_CURSOR).connection is again
    connection.close()
