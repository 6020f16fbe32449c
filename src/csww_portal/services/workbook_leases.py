"""Leases on making download workbooks, kept in the database so that every web process on it
(on this machine or another) shares one cap on makers and one making per version.

A making holds one of ``max(1, CSWW_EXPORT_PROCESSES)`` numbered slots (``WorkbookLease``,
keyed by slot, its version unique). A slot is claimed with one statement, the same SQL on
SQLite and PostgreSQL::

    INSERT … VALUES (slot, version, holder, expires)
    ON CONFLICT (slot) DO UPDATE SET … WHERE lease.expires <= now RETURNING slot

It inserts into a free slot, or takes over one whose lease has ended, and returns nothing
when the slot is held; a second lease on a version that has one fails on the unique
``version``. PostgreSQL locks the slot's row for the statement and checks ``expires`` again
on the row as it is then, and SQLite writes one statement at a time, so two processes never
both win a slot or a version. There are only that many slots, so there are never more
makers than that at once. A maker renews its lease while it works and deletes it when it is
done; one that stops (its process killed) stops renewing, and the next download takes its
lease over once it has ended. Times are Unix seconds from each process's clock (processes
on several machines need their clocks kept in step, as NTP does).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction

from csww_portal.models import WorkbookLease


@dataclass(frozen=True)
class Lease:
    """One making's hold on its version and slot."""

    version: int
    holder: str


def slots() -> int:
    """How many workbooks may be made at once by all web processes together."""
    return max(1, int(settings.CSWW_EXPORT_PROCESSES))


def _now(now: float | None) -> float:
    return time.time() if now is None else now


def claim(version: int, seconds: float, now: float | None = None) -> Lease | None:
    """A lease to make ``version``'s workbook for ``seconds`` (renew it to keep it), or None
    when its workbook is being made by another maker or every slot is held by a live lease."""
    now = _now(now)
    lease = Lease(version, uuid.uuid4().hex)
    found = WorkbookLease.objects.filter(version=version).values_list("expires", flat=True)
    expires = found.first()
    if expires is not None:
        if expires > now:
            return None  # being made
        # Its maker stopped: take its lease over (one UPDATE, so one taker wins).
        taken = WorkbookLease.objects.filter(version=version, expires__lte=now).update(
            holder=lease.holder, expires=now + seconds
        )
        return lease if taken else None
    count = slots()
    if WorkbookLease.objects.filter(slot__lt=count, expires__gt=now).count() >= count:
        return None  # every maker is busy (read first, so waiting downloads write nothing)
    for slot in range(count):
        try:
            if _take_slot(slot, lease, now, seconds):
                return lease
        except IntegrityError:  # another maker claimed this version a moment ago
            return None
    return None


def _take_slot(slot: int, lease: Lease, now: float, seconds: float) -> bool:
    table = connection.ops.quote_name(WorkbookLease._meta.db_table)
    s, v, h, e = (connection.ops.quote_name(c) for c in ("slot", "version", "holder", "expires"))
    sql = (
        f"INSERT INTO {table} ({s}, {v}, {h}, {e}) VALUES (%s, %s, %s, %s) "
        f"ON CONFLICT ({s}) DO UPDATE SET {v} = excluded.{v}, {h} = excluded.{h}, "
        f"{e} = excluded.{e} WHERE {table}.{e} <= %s RETURNING {s}"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [slot, lease.version, lease.holder, now + seconds, now])
        return cursor.fetchone() is not None


def renew(lease: Lease, seconds: float, now: float | None = None) -> bool:
    """Extend the lease; False if it has been taken over (its maker was too slow to renew)."""
    expires = _now(now) + seconds
    return WorkbookLease.objects.filter(holder=lease.holder).update(expires=expires) == 1


def release(lease: Lease) -> None:
    """The making is over (made or failed): free its slot. A lease taken over is not touched."""
    WorkbookLease.objects.filter(holder=lease.holder).delete()


def being_made(version: int, now: float | None = None) -> bool:
    return WorkbookLease.objects.filter(version=version, expires__gt=_now(now)).exists()


def makers(now: float | None = None) -> int:
    """Live leases: workbooks being made now, by every process on this database."""
    return WorkbookLease.objects.filter(expires__gt=_now(now)).count()
