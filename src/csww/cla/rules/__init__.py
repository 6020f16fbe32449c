"""The SSDA903 rulebook: DfE's rule ids, each declared once with its years and inputs.

Modules by family: :mod:`formats` (item formats and code lists), :mod:`chain` (a child's
episodes, and last year's), :mod:`reasons` (reason for placement change), :mod:`urn` (the
Ofsted URN), :mod:`care_leavers` (OC3 and the "not for" rules), :mod:`relevant_child` (OC3
only for a relevant or former relevant child), :mod:`continuous_care` (nothing on adoption or
leaving care for a child looked after 12 months), :mod:`placement` (postcodes, distance,
placement LA and provider), :mod:`adoption` (the adoption record, decisions to place for
adoption and placements for adoption, against each other and last year's decisions).
"""

from __future__ import annotations

from csww.cla.rules import (  # noqa: F401
    adoption,
    care_leavers,
    chain,
    continuous_care,
    formats,
    placement,
    reasons,
    relevant_child,
    urn,
)
from csww.cla.rules.book import CLA_RULES

__all__ = ["CLA_RULES"]
