"""The acknowledgement's one statement: insert the upload's row (its place in the queue)
unless this person, or this API token, has sent the most uploads the window allows.

A person's uploads through the pages and through their API tokens are counted apart (each
against the same limit), so a flood through a token never stops its owner on the upload page;
each token is counted on its own too. The rate limit and the insert are one
``INSERT … SELECT … WHERE`` with the counts as subqueries (each stops at the limit, so a person or token far over it costs no more to
refuse than one at it), written once here in SQL both PostgreSQL and SQLite read (prepared once per
connection on PostgreSQL, :func:`rows.fetch_one`), so acknowledging an upload costs one
round trip and no ORM query building (measured in
``docs/benchmarks-portal.md``). When nothing is inserted, :mod:`upload_rate` works out the
message and the wait.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from csww_portal import rows
from csww_portal.models import Upload
from csww_portal.services import upload_rate

TABLE = Upload._meta.db_table
COLUMNS = (
    "la_return_id",
    "uploaded_by_id",
    "uploaded_at",
    "filename",
    "kind",
    "size",
    "sha256",
    "content",
    "stored",
    "outcome",
    "message",
    "token_id",
    "confirmed",
)
# The token's id is cast: bound on the server (rows.fetch_one), a None has no type of its own.
TOKEN = "CAST(%s AS bigint)"
SQL = (
    f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) "
    f"SELECT {', '.join(TOKEN if c == 'token_id' else '%s' for c in COLUMNS)} "
    f"WHERE (SELECT COUNT(*) FROM (SELECT 1 FROM {TABLE} WHERE uploaded_by_id = %s "
    f"AND (token_id IS NULL) = ({TOKEN} IS NULL) AND uploaded_at >= %s LIMIT %s) AS recent) < %s "
    f"AND ({TOKEN} IS NULL OR (SELECT COUNT(*) FROM (SELECT 1 FROM {TABLE} "
    f"WHERE token_id = {TOKEN} AND uploaded_at >= %s LIMIT %s) AS recent) < %s) "
    "RETURNING id"
)


def insert(
    ret: Any,
    user: Any,
    *,
    filename: str,
    size: int,
    sha256: str,
    stored: str,
    token: Any = None,
    confirmed: bool = False,
) -> Upload:
    """The new upload's row, or :class:`upload_rate.TooManyUploads`."""
    now = timezone.now()
    since = now - timedelta(minutes=settings.CSWW_UPLOAD_RATE_MINUTES)
    limit = settings.CSWW_UPLOAD_RATE
    token_id = token.pk if token is not None else None
    values = [
        ret.pk,
        user.pk,
        now,
        filename,
        "",
        size,
        sha256,
        b"",
        stored,
        "",
        "",
        token_id,
        confirmed,
    ]
    row = rows.fetch_one(
        SQL,
        [*values, user.pk, token_id, since, limit, limit, token_id, token_id, since, limit, limit],
    )
    if row is None:
        upload_rate.check(user, token)  # raises, saying who sent too many and how long to wait
        raise upload_rate.TooManyUploads("Too many uploads. Try again in a minute.", 60)
    upload = Upload(
        pk=row[0],
        la_return=ret,
        uploaded_by=user,
        uploaded_at=now,
        filename=filename,
        size=size,
        sha256=sha256,
        stored=stored,
        outcome="",
        token=token,
        confirmed=confirmed,
    )
    upload._state.adding = False
    return upload
