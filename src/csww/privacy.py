"""Pseudonymisation for data that leaves an LA's view.

Registration numbers, dates of birth and ethnicity are personal data. Before a return is
shared (regional benchmarking, research extracts) the registration number is replaced by a
keyed hash (HMAC-SHA256 with a secret salt the sharing body holds), so the same person gets
the same pseudonym across LAs and years without the number being recoverable; the date of
birth is coarsened to the first of its month; ethnicity is kept or dropped on request.
"""

from __future__ import annotations

import copy
import hashlib
import hmac

from csww.model import Record, Return

MIN_SALT_BYTES = 16
PSEUDONYM_PREFIX = "PX"


class SaltError(ValueError):
    """The salt is missing or too short to protect the registration numbers."""


def check_salt(salt: bytes) -> bytes:
    if len(salt) < MIN_SALT_BYTES:
        raise SaltError(
            f"The salt must be at least {MIN_SALT_BYTES} bytes of secret random data "
            "(for example: python -c 'import secrets; print(secrets.token_hex(32))')."
        )
    return salt


def pseudonym(registration_number: str, salt: bytes) -> str:
    """A stable pseudonym: the same number and salt always give the same result."""
    digest = hmac.new(
        check_salt(salt), registration_number.strip().upper().encode(), hashlib.sha256
    )
    return PSEUDONYM_PREFIX + digest.hexdigest()[:20].upper()


def _coarsen_date(text: str) -> str:
    """YYYY-MM-DD to YYYY-MM-01; text in any other form is withheld rather than shared."""
    if (
        len(text) == 10
        and text[4] == "-"
        and text[7] == "-"
        and text.isascii()
        and text[:4].isdigit()
        and text[5:7].isdigit()
    ):
        return text[:8] + "01"
    return ""


def pseudonymise_worker(worker: Record, salt: bytes, *, keep_ethnicity: bool = True) -> Record:
    out = copy.deepcopy(worker)
    values = out.values
    if values.get("SWENo"):
        values["SWENo"] = pseudonym(values["SWENo"], salt)
    if "PersonBirthDate" in values:
        values["PersonBirthDate"] = _coarsen_date(values["PersonBirthDate"])
    if not keep_ethnicity:
        values.pop("Ethnicity", None)
    out.extras = [
        (name, pseudonym(text, salt) if name == "SWENo" and text else text)
        for name, text in out.extras
        if not (name == "Ethnicity" and not keep_ethnicity)
    ]
    return out


def pseudonymise(ret: Return, salt: bytes, *, keep_ethnicity: bool = True) -> Return:
    """A copy of ``ret`` safe to share beyond the LA: the original is not changed."""
    check_salt(salt)
    return Return(
        header=copy.deepcopy(ret.header),
        la=copy.deepcopy(ret.la),
        workers=[pseudonymise_worker(w, salt, keep_ethnicity=keep_ethnicity) for w in ret.workers],
        extras=list(ret.extras),
    )
