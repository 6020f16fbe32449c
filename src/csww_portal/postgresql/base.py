"""Django's PostgreSQL backend, lending only live connections from the pool.

Each process keeps a pool of connections (``settings.py``). A connection that the server
closed while it sat in the pool (PostgreSQL restarted, the connection killed) would fail the
first statement of the request it was lent to. psycopg's pool can check each connection with
a round trip as it is lent, which costs both sides about 0.14 ms of CPU on every request
(``docs/benchmarks-portal.md``). An idle connection has nothing to read, so its socket is
looked at instead, without waiting: when the server has closed it, the socket is readable
(the closing message, then the end of the stream). Such a connection is given back to the
pool, which discards it and opens another, and the next one is lent instead. A connection
that merely received a message unasked (a setting the server reported after a reload) is
replaced too: a new connection, never an error.
"""

from __future__ import annotations

import select
from typing import Any

from django.db.backends.postgresql import base


def closed_meanwhile(connection: Any) -> bool:
    """Whether an idle connection's socket has something to read, or has gone: it cannot be
    used for a request."""
    if connection.closed:
        return True
    try:
        readable, _, _ = select.select([connection.fileno()], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        pool: Any = getattr(self, "pool", None)  # Django's; not in its type stubs
        found = super().get_new_connection(conn_params)
        if pool is None:
            return found
        # Every connection the pool holds may have been closed by a restart: at most that
        # many are passed over before the pool's new ones come.
        for _ in range(pool.max_size):
            if not closed_meanwhile(found):
                break
            found.close()
            pool.putconn(found)  # discarded, and replaced in the background
            found = super().get_new_connection(conn_params)
        return found
