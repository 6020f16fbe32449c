"""What every request reads, in one prepared SQL statement instead of queries built by the
ORM each time: the session, the signed-in person with their role and LA, and, on a page
about one LA's return, that return with its LA, collection and current version. Building
those queries cost more CPU than the rest of an upload's acknowledgement, and each round
trip to the database costs both sides (``docs/benchmarks-portal.md``); the model objects
made here are the ones the ORM would make (``Model.from_db``), with the same fields loaded
and the same related objects attached.

The session is read first (Django asks for it to find who is signed in), so it is read with
the person beside it (``PortalSession.user``) and, when the view has said which return it
is about (:func:`want_return`, from ``access.la_view``), with that return: one statement
where there were three. What came with the session is kept for the rest of the request only
(:class:`_Request`, begun with the request's session) and handed out once, to the lookup
that asks for the same person or the same return; any other lookup reads the database.

On PostgreSQL each statement is prepared once per connection and its values bound on the
server (:func:`fetch_one`), so PostgreSQL plans it once, not on every request: planning
the return's four-table join cost three times its execution (pgbench: 2,090 against 7,930
a second on one connection).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import psycopg
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends.base import CreateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connection
from django.db.models import Model
from django.utils import timezone

from csww_portal.models import (
    Collection,
    LAReturn,
    LocalAuthority,
    Membership,
    PortalSession,
    ReturnVersion,
)

log = logging.getLogger(__name__)


def _columns(model: type[Model], skip: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(attribute, column) of the model's concrete fields, in order."""
    return [(f.attname, f.column) for f in model._meta.concrete_fields if f.name not in skip]


def _select(parts: list[tuple[str, type[Model], list[tuple[str, str]]]]) -> str:
    return ", ".join(
        f'{alias}."{column}"' for alias, _model, columns in parts for _attr, column in columns
    )


_CONVERTERS: dict[tuple[str, type[Model], tuple[tuple[str, str], ...]], list[Any]] = {}


def _converters(model: type[Model], columns: list[tuple[str, str]]) -> list[Any]:
    """Per column, the (converter, expression) pairs the ORM applies to a value read from
    this database; worked out once per model."""
    key = (connection.vendor, model, tuple(columns))
    found = _CONVERTERS.get(key)
    if found is None:
        fields = {f.attname: f for f in model._meta.concrete_fields}
        found = []
        for attr, _column in columns:
            col = fields[attr].get_col(model._meta.db_table)
            pairs = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            found.append([(converter, col) for converter in pairs])
        _CONVERTERS[key] = found
    return found


def _take(
    model: type[Model], columns: list[tuple[str, str]], row: tuple[Any, ...], start: int
) -> tuple[Any, int]:
    """The model object from ``row[start:]`` (None for a LEFT JOIN that found nothing), with
    each value converted as the ORM converts it for this database; and where the next starts."""
    end = start + len(columns)
    values = list(row[start:end])
    if values[0] is None:
        return None, end
    for i, pairs in enumerate(_converters(model, columns)):
        for converter, col in pairs:
            values[i] = converter(values[i], col, connection)
    return model.from_db(connection.alias, [a for a, _c in columns], values), end


User = get_user_model()
USER = _columns(User)
MEMBERSHIP = _columns(Membership)
LA = _columns(LocalAuthority)
RETURN = _columns(LAReturn)
COLLECTION = _columns(Collection)
VERSION = _columns(ReturnVersion, skip=("report", "xml", "record_ids"))

Part = tuple[str, type[Model], list[tuple[str, str]]]
PERSON: list[Part] = [("u", User, USER), ("m", Membership, MEMBERSHIP), ("l", LocalAuthority, LA)]
PERSON_JOINS = (
    f"LEFT JOIN {Membership._meta.db_table} m ON m.user_id = u.id "
    f"LEFT JOIN {LocalAuthority._meta.db_table} l ON l.id = m.la_id "
)
THE_RETURN: list[Part] = [
    ("r", LAReturn, RETURN),
    ("rl", LocalAuthority, LA),
    ("c", Collection, COLLECTION),
    ("v", ReturnVersion, VERSION),
]
RETURN_JOINS = (
    f"LEFT JOIN {LocalAuthority._meta.db_table} rl ON rl.id = r.la_id "
    f"LEFT JOIN {Collection._meta.db_table} c ON c.id = r.collection_id "
    f"LEFT JOIN {ReturnVersion._meta.db_table} v ON v.id = r.current_id "
)
# The year's collection and the LA's code name at most one return (both are unique, and
# one_return_per_la): found by a subquery, so that a session with no such return still
# gives its row.
THE_RETURNS_ID = (
    f"(SELECT r2.id FROM {LAReturn._meta.db_table} r2 "
    f"JOIN {LocalAuthority._meta.db_table} l2 ON l2.id = r2.la_id "
    f"JOIN {Collection._meta.db_table} c2 ON c2.id = r2.collection_id "
    "WHERE c2.year = %s AND l2.code = %s)"
)

USER_SQL = f"SELECT {_select(PERSON)} FROM {User._meta.db_table} u {PERSON_JOINS}WHERE u.id = %s"
RETURN_SQL = (
    f"SELECT {_select(THE_RETURN)} FROM {LAReturn._meta.db_table} r {RETURN_JOINS}"
    f"WHERE r.id = {THE_RETURNS_ID}"
)
SESSION = PortalSession._meta.db_table
SESSION_SQL = (
    f"SELECT s.session_data, {_select(PERSON)} FROM {SESSION} s "
    f"LEFT JOIN {User._meta.db_table} u ON u.id = s.user_id {PERSON_JOINS}"
    "WHERE s.session_key = %s AND s.expire_date > %s"
)
SESSION_AND_RETURN_SQL = (
    f"SELECT s.session_data, {_select(PERSON + THE_RETURN)} FROM {SESSION} s "
    f"LEFT JOIN {User._meta.db_table} u ON u.id = s.user_id {PERSON_JOINS}"
    f"LEFT JOIN {LAReturn._meta.db_table} r ON r.id = {THE_RETURNS_ID} {RETURN_JOINS}"
    "WHERE s.session_key = %s AND s.expire_date > %s"
)


def fetch_one(
    sql: str, params: Sequence[Any], *, reads_only: bool = False
) -> tuple[Any, ...] | None:
    """The first row of one statement: on PostgreSQL prepared once per connection and bound on
    the server (psycopg's own cursor; Django's binds on the client, which PostgreSQL must
    parse and plan each time); elsewhere through Django's cursor. Database errors are
    Django's, as from any query. A psycopg cursor is kept for each connection (``KEPT_CURSOR``),
    so that the loaders it made for each column's type are made once, not on every
    statement.

    Connections are kept (``CSWW_PORTAL_CONN_MAX_AGE``; in a pool, ``settings.py``), so one
    kept from an earlier request may have been closed by the server since (PostgreSQL
    restarted, the connection killed). A statement that ``reads_only``, outside a
    transaction, is then run once more on a new connection, so the request goes on; the
    session's read is the first statement of nearly every request, so the request's other
    statements use the new connection too. (A pooled connection closed while it sat in the
    pool is not lent at all: ``csww_portal.postgresql``.)"""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    connection.ensure_connection()
    raw = connection.connection
    kept: psycopg.Cursor[Any] | None = getattr(raw, KEPT_CURSOR, None)
    if kept is None or kept.closed:
        kept = psycopg.Cursor(raw)
        setattr(raw, KEPT_CURSOR, kept)
    with connection.wrap_database_errors:
        try:
            kept.execute(sql, params, prepare=True)
        except psycopg.OperationalError:
            if not (reads_only and raw.closed) or connection.in_atomic_block:
                raise
            log.warning("a kept database connection had been closed by the server: reconnected")
            connection.close()
            return fetch_one(sql, params)
        return kept.fetchone()


# The psycopg cursor kept on each connection, for as long as the connection lives. A connection
# is used by one thread at a time (Django's are per thread; a pooled one is lent to one).
KEPT_CURSOR = "_csww_cursor"


@dataclass
class _Request:
    """What the request's session was read with, until the lookup it is for takes it."""

    wanted: tuple[int, str] | None = None  # the return the view is about (year, LA code)
    person: tuple[int, Any] | None = None  # (user id, the user)
    the_return: tuple[tuple[int, str], LAReturn | None] | None = None


_REQUEST: ContextVar[_Request | None] = ContextVar("csww_portal_rows_request", default=None)


def begin_request() -> None:
    """Forget whatever an earlier request read (called as each request's session is made)."""
    _REQUEST.set(_Request())


def want_return(year: int, code: str) -> None:
    """Say which return this request is about, so that it is read with the session."""
    request = _REQUEST.get()
    if request is not None:
        request.wanted = (year, code)


def _person(row: tuple[Any, ...], at: int) -> tuple[Any, int]:
    user, at = _take(User, USER, row, at)
    membership, at = _take(Membership, MEMBERSHIP, row, at)
    la, at = _take(LocalAuthority, LA, row, at)
    if user is None:
        return None, at
    if membership is None:
        user._state.fields_cache["membership"] = None
    else:
        membership._state.fields_cache["la"] = la
        membership._state.fields_cache["user"] = user
        user._state.fields_cache["membership"] = membership
    return user, at


def _the_return(row: tuple[Any, ...], at: int) -> tuple[LAReturn | None, int]:
    ret, at = _take(LAReturn, RETURN, row, at)
    la, at = _take(LocalAuthority, LA, row, at)
    collection, at = _take(Collection, COLLECTION, row, at)
    current, at = _take(ReturnVersion, VERSION, row, at)
    if ret is None:
        return None, at
    ret._state.fields_cache["la"] = la
    ret._state.fields_cache["collection"] = collection
    ret._state.fields_cache["current"] = current
    if current is not None:
        current._state.fields_cache["la_return"] = ret
    return ret, at


def _handed_out(name: str, key: Any) -> tuple[bool, Any]:
    """(True, what the session was read with) when it was read for ``key``; it is handed out
    once, so any later lookup, or one for another key, reads the database."""
    request = _REQUEST.get()
    kept = getattr(request, name, None)
    if kept is None:
        return False, None
    setattr(request, name, None)
    read_for, found = kept
    return (True, found) if read_for == key else (False, None)


def user_with_role(user_id: Any) -> Any:
    """The user with ``membership`` (and its ``la``) attached; None when there is none."""
    read, user = _handed_out("person", user_id)
    if read:
        return user
    row = fetch_one(USER_SQL, [user_id], reads_only=True)
    return None if row is None else _person(row, 0)[0]


def la_return(year: int, code: str) -> LAReturn | None:
    """The LA's return in the year's collection, with ``la``, ``collection`` and ``current``
    attached (the current version without its report, XML and record ids, read when used)."""
    read, found = _handed_out("the_return", (year, code))
    if read:
        return found
    row = fetch_one(RETURN_SQL, [year, code], reads_only=True)
    return None if row is None else _the_return(row, 0)[0]


def _user_id(data: dict[str, Any]) -> int | None:
    """The signed-in person's id in a session's data; None when it names nobody."""
    try:
        return int(data[SESSION_KEY])
    except (KeyError, TypeError, ValueError):
        return None


class SessionStore(DatabaseSessionStore):
    """Django's database sessions (``PortalSession``), read by one prepared statement with
    the person they name and, when the view has said which, the return it is about."""

    def __init__(self, session_key: str | None = None) -> None:
        begin_request()  # a new session object: a new request
        super().__init__(session_key)

    @classmethod
    def get_model_class(cls) -> Any:
        return PortalSession

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        session: Any = super().create_model_instance(data)
        self._naming = _user_id(data)
        session.user_id = None if getattr(self, "_person_gone", False) else self._naming
        return session

    def save(self, must_create: bool = False) -> None:
        """Django's save; and when a new session names a person deleted meanwhile (the row's
        person is refused), it is saved naming nobody, so the next request is signed out.
        Django's ``create`` takes any refusal of a new row for a key already in use and tries
        another key, which for a deleted person would never end."""
        try:
            super().save(must_create)
        except CreateError:
            person = getattr(self, "_naming", None)
            if person is None or User.objects.filter(pk=person).exists():
                raise  # the key was in use: create() tries another
            self._person_gone = True
            super().save(must_create)

    def load(self) -> dict[str, Any]:
        request = _REQUEST.get()
        wanted = request.wanted if request is not None else None
        now = timezone.now()
        if wanted is None:
            row = fetch_one(SESSION_SQL, [self.session_key, now], reads_only=True)
        else:
            row = fetch_one(
                SESSION_AND_RETURN_SQL, [*wanted, self.session_key, now], reads_only=True
            )
        if row is None:
            self._session_key = None
            return {}
        user, at = _person(row, 1)
        if request is not None:
            request.person = None if user is None else (user.pk, user)
            if wanted is not None:
                request.the_return = (wanted, _the_return(row, at)[0])
        return self.decode(row[0])
