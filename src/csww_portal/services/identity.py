"""Workers' record ids: a stable name for a worker that survives uploads and edits.

A record's position changes when a file is uploaded again in another order, or a record is
added or deleted, so forms and links never address a worker by position. A record id is a
keyed hash of the worker's registration number (with a count for a number that appears more
than once, or is blank), under a secret kept with the return: the id stays the same while the
worker is in the return, and a URL never shows the registration number itself.
"""

from __future__ import annotations

import hashlib

from csww.model import Return
from csww.reader import read
from csww_portal.models import LAReturn, ReturnVersion


def record_ids(key: str, parsed: Return) -> list[str]:
    """Each worker's id, in the return's order."""
    seen: dict[str, int] = {}
    out = []
    secret = key.encode()
    for record in parsed.workers:
        swe = record.values.get("SWENo", "").strip().upper()
        seen[swe] = seen.get(swe, 0) + 1
        text = f"{swe}|{seen[swe]}".encode()
        out.append(hashlib.blake2b(text, key=secret, digest_size=8).hexdigest())
    return out


def ids_of(ret: LAReturn, version: ReturnVersion, parsed: Return | None = None) -> list[str]:
    """The version's record ids, worked out (and kept) the first time they are asked for."""
    if version.record_ids is None:
        parsed = parsed if parsed is not None else read(version.xml_bytes())
        version.record_ids = record_ids(ret.record_key, parsed)
        ReturnVersion.objects.filter(pk=version.pk).update(record_ids=version.record_ids)
    return list(version.record_ids)


def position(ids: list[str], record: str) -> int | None:
    """The 1-based position of ``record`` in ``ids``; None when it is not there."""
    try:
        return ids.index(record) + 1
    except ValueError:
        return None
