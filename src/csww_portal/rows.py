"""What every request reads, in one prepared SQL statement each instead of a query built by
the ORM each time: the session, the signed-in person with their role and LA, and the LA's
return with its LA, collection and current version. Building those queries cost more CPU
than the rest of an upload's acknowledgement (``docs/benchmarks-portal.md``); the model
objects made here are the ones the ORM would make (``Model.from_db``), with the same fields
loaded and the same related objects attached.

On PostgreSQL each statement is prepared once per connection and its values bound on the
server (:func:`fetch_one`), so PostgreSQL plans it once, not on every request: planning
the return's four-table join cost three times its execution (pgbench: 2,090 against 7,930
a second on one connection).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connection
from django.db.models import Model
from django.utils import timezone

from csww_portal.models import Collection, LAReturn, LocalAuthority, Membership, ReturnVersion


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

USER_SQL = (
    f"SELECT {_select([('u', User, USER), ('m', Membership, MEMBERSHIP), ('l', LocalAuthority, LA)])} "
    f"FROM {User._meta.db_table} u "
    f"LEFT JOIN {Membership._meta.db_table} m ON m.user_id = u.id "
    f"LEFT JOIN {LocalAuthority._meta.db_table} l ON l.id = m.la_id "
    "WHERE u.id = %s"
)
RETURN_SQL = (
    f"SELECT {_select([('r', LAReturn, RETURN), ('l', LocalAuthority, LA), ('c', Collection, COLLECTION), ('v', ReturnVersion, VERSION)])} "
    f"FROM {LAReturn._meta.db_table} r "
    f"JOIN {LocalAuthority._meta.db_table} l ON l.id = r.la_id "
    f"JOIN {Collection._meta.db_table} c ON c.id = r.collection_id "
    f"LEFT JOIN {ReturnVersion._meta.db_table} v ON v.id = r.current_id "
    "WHERE c.year = %s AND l.code = %s"
)


def fetch_one(sql: str, params: Sequence[Any]) -> tuple[Any, ...] | None:
    """The first row of one statement: on PostgreSQL prepared once per connection and bound on
    the server (psycopg's own cursor; Django's binds on the client, which PostgreSQL must
    parse and plan each time); elsewhere through Django's cursor. Database errors are
    Django's, as from any query."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, prepare=True)
        return cursor.fetchone()


def user_with_role(user_id: Any) -> Any:
    """The user with ``membership`` (and its ``la``) attached; None when there is none."""
    row = fetch_one(USER_SQL, [user_id])
    if row is None:
        return None
    user, at = _take(User, USER, row, 0)
    membership, at = _take(Membership, MEMBERSHIP, row, at)
    la, at = _take(LocalAuthority, LA, row, at)
    assert user is not None
    if membership is None:
        user._state.fields_cache["membership"] = None
    else:
        membership._state.fields_cache["la"] = la
        membership._state.fields_cache["user"] = user
        user._state.fields_cache["membership"] = membership
    return user


def la_return(year: int, code: str) -> LAReturn | None:
    """The LA's return in the year's collection, with ``la``, ``collection`` and ``current``
    attached (the current version without its report, XML and record ids, read when used)."""
    row = fetch_one(RETURN_SQL, [year, code])
    if row is None:
        return None
    ret, at = _take(LAReturn, RETURN, row, 0)
    la, at = _take(LocalAuthority, LA, row, at)
    collection, at = _take(Collection, COLLECTION, row, at)
    current, at = _take(ReturnVersion, VERSION, row, at)
    assert isinstance(ret, LAReturn)
    ret._state.fields_cache["la"] = la
    ret._state.fields_cache["collection"] = collection
    ret._state.fields_cache["current"] = current
    if current is not None:
        current._state.fields_cache["la_return"] = ret
    return ret


class SessionStore(DatabaseSessionStore):
    """Django's database sessions, read by one prepared statement."""

    def load(self) -> dict[str, Any]:
        row = fetch_one(
            f"SELECT session_data FROM {self.model._meta.db_table} "
            "WHERE session_key = %s AND expire_date > %s",
            [self.session_key, timezone.now()],
        )
        if row is None:
            self._session_key = None
            return {}
        return self.decode(row[0])
