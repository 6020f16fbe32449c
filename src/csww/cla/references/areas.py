"""Which DfE local authority a district lies in: ONS district (LTLA) → upper tier (UTLA) →
DfE's 3-digit LA code, and the countries outside England as DfE's 903 codes them.

Every English district code of the postcode directory csww uses has a row (tested), so no
placement is "out of area" for want of a lookup row: the districts created since 2021
(Cumberland, Westmorland and Furness, North Yorkshire, Somerset; Barnsley's and Sheffield's
2024 codes) included.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

# DfE's 903 codes for a placement outside England (ssda903.md, PL_LA).
COUNTRIES = {"W": "WAL", "S": "SCO", "N": "NIR", "L": "NUK", "M": "NUK"}


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files(__package__).joinpath("data", name).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def gss_to_dfe() -> dict[str, str]:
    """Upper-tier GSS code (current and earlier) → DfE 3-digit LA code."""
    return {r["gss"]: r["dfe"] for r in _rows("la_gss.csv")}


@cache
def district_to_upper() -> dict[str, str]:
    return {r["ltla"]: r["utla"] for r in _rows("ltla_utla.csv")}


@cache
def dfe_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for r in _rows("la_gss.csv"):
        names.setdefault(r["dfe"], r["name"])
    return names


@cache
def dfe_to_gss() -> dict[str, str]:
    """DfE code → its current upper-tier GSS code (the first row of each code is current)."""
    out: dict[str, str] = {}
    for r in _rows("la_gss.csv"):
        out.setdefault(r["dfe"], r["gss"])
    return out


def la_of_district(district: str | None) -> str | None:
    """The DfE LA code (or WAL/SCO/NIR/NUK) of an ONS district code; None when not known."""
    if not district:
        return None
    country = COUNTRIES.get(district[0])
    if country:
        return country
    upper = district_to_upper().get(district, district)
    return gss_to_dfe().get(upper)


@cache
def district_la_table() -> dict[str, str]:
    """Every English district code csww knows → its DfE LA code."""
    out = {}
    for district, upper in district_to_upper().items():
        code = gss_to_dfe().get(upper)
        if code:
            out[district] = code
    return out
