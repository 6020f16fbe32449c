"""A copy of a 903 return fit to share beyond the LA (regional benchmarking, research).

* ``CHILD`` becomes a keyed pseudonym (HMAC-SHA256 with a secret salt the sharing body holds):
  the same child gets the same pseudonym in every table and every year, and the id cannot be
  recovered without the salt. It fits DfE's 10 characters: ``P`` and nine base-32 characters.
* Dates of birth (``DOB``, and ``MC_DOB`` of a mother's child) become the first of their month.
* Postcodes (``HOME_POST``, ``PL_POST``) become their district (the outward code, ``CA1``).
* ``UPN`` is left blank: a pupil number identifies the child outside the return.

Everything else is kept as written. Nothing here logs a value.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping

import polars as pl

from csww.core import Tables
from csww.privacy import SaltError, check_salt

__all__ = ["PseudonymClash", "SaltError", "child_pseudonym", "pseudonymise"]

DATE_OF_BIRTH = ("DOB", "MC_DOB")
POSTCODES = ("HOME_POST", "PL_POST")
IDENTIFIERS = ("UPN",)


class PseudonymClash(ValueError):
    """Two children's ids gave the same pseudonym (about 1 in 10,000 for a national file)."""


def child_pseudonym(child: str, salt: bytes) -> str:
    digest = hmac.new(check_salt(salt), child.strip().encode(), hashlib.sha256).digest()
    return "P" + base64.b32encode(digest).decode()[:9]


def _month(expr: pl.Expr) -> pl.Expr:
    """dd/mm/yyyy → 01/mm/yyyy; anything else is withheld (null) rather than shared."""
    text = expr.str.strip_chars()
    ok = text.str.contains(r"^\d{2}/\d{2}/\d{4}$")
    return pl.when(ok).then(pl.lit("01/") + text.str.slice(3)).otherwise(None)


def _district(expr: pl.Expr) -> pl.Expr:
    """The outward code: the postcode without its last three characters (spaces ignored)."""
    key = expr.str.to_uppercase().str.replace_all(r"\s+", "")
    return (
        pl.when(key.str.len_chars() >= 5)
        .then(key.str.slice(0, key.str.len_chars() - 3))
        .otherwise(None)
    )


def pseudonymise(tables: Mapping[str, pl.DataFrame], salt: bytes) -> Tables:
    """A pseudonymised copy of ``tables`` (the original is not changed)."""
    check_salt(salt)
    ids: set[str] = set()
    for frame in tables.values():
        if "CHILD" in frame.columns:
            ids.update(v for v in frame["CHILD"].drop_nulls().to_list())
    mapping = {child: child_pseudonym(child, salt) for child in ids}
    if len(set(mapping.values())) != len(mapping):
        raise PseudonymClash("two children share a pseudonym: use another salt")
    out = {}
    for name, frame in tables.items():
        exprs = []
        if "CHILD" in frame.columns:
            exprs.append(
                pl.col("CHILD").replace_strict(mapping, default=None, return_dtype=pl.String)
            )
        exprs += [_month(pl.col(c)).alias(c) for c in DATE_OF_BIRTH if c in frame.columns]
        exprs += [_district(pl.col(c)).alias(c) for c in POSTCODES if c in frame.columns]
        exprs += [pl.lit(None, dtype=pl.String).alias(c) for c in IDENTIFIERS if c in frame.columns]
        out[name] = frame.with_columns(exprs) if exprs else frame
    return Tables(out)
