"""Adoption: a young child's period of care that ends in adoption, and decisions to place for
adoption that are reversed.

The path: the child starts care (S) on an interim care order (C1), or accommodated with the
parents' consent (V2), in foster care (fostering for adoption, U5, for some); the decision
that the child should be placed for adoption is made (PlacedAdoption); a placement order is
granted (legal status E1, RNE L: the placement does not change); the child is matched and
placed for adoption (A6 with new carers, RNE P; A5 with the current carers, RNE T; A4 and A3
with consent), with an adoption agency that has a URN; the adoption order ends the period
(E11, or E12 where consent was dispensed with), and the year of the adoption records it (AD1:
the decision date, the match, whether the adopters were the foster carers, the adopters).
The decision is never reversed for an adopted child; some other children have a decision
that is reversed (its date and reason) and stay in care.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, replace

from csww.cla.synth.chains import Codes, Episode, Placer
from csww.cla.synth.mix import draw, weights
from csww.cla.synth.places import PostcodePool, Providers

PLACEMENT_ORDER = "E1"  # legal status: placement order granted


@dataclass(frozen=True)
class Decision:
    """The decision that a child should be placed for adoption, and its reversal."""

    decided: dt.date
    ceased: dt.date | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Adopters:
    """What the year of the adoption records (AD1)."""

    matched: dt.date
    foster_carer: bool
    number: str
    sex: str
    status: str


def _days(rng: random.Random, low: int, high: int) -> dt.timedelta:
    return dt.timedelta(days=rng.randint(low, high))


def _adopters(rng: random.Random, matched: dt.date, foster_carer: bool) -> Adopters:
    kind = draw(rng, weights("adoption.adopters"))
    sex, status = kind.split("-")
    number = "1" if status == "L0" else "2"
    return Adopters(matched, foster_carer, number, sex, status)


def _placed_for_adoption(
    placer: Placer, ep: Episode, day: dt.date, consent: bool, with_carer: bool
) -> Episode:
    """The placement for adoption that follows ``ep`` on ``day``."""
    rng, codes = placer.rng, placer.codes
    current = sorted(codes.adoption & codes.adoption_current_carer)
    others = sorted(codes.adoption - codes.adoption_current_carer)
    # A3/A4 with consent, A5/A6 with a placement order: the first of each pair in code order.
    place = (current if with_carer else others)[0 if consent else -1]
    provider = draw(rng, weights("adoption.agency"))
    agency = placer.providers.adoption_agency(provider, place)
    postcode = ep.pl_post
    if not with_carer:
        postcode = placer.pool.placement(rng, inside=0.3)
        while postcode in (ep.home_post, ep.pl_post):
            postcode = placer.pool.placement(rng, inside=0.3)
    rne = "T" if with_carer else "P"
    return Episode(day, rne, ep.ls, ep.cin, place, provider, ep.home_post, postcode, agency.urn)


def adoption_chain(
    rng: random.Random,
    *,
    start: dt.date,
    horizon: dt.date,
    home_post: str | None,
    codes: Codes,
    pool: PostcodePool,
    providers: Providers,
    la: str,
) -> tuple[list[Episode], Decision | None, Adopters | None]:
    """A period of care from ``start`` towards adoption, up to ``horizon`` (the episode open
    then has no end)."""
    placer = Placer(rng, codes, pool, providers, la)
    route = weights("adoption.route")
    consent = rng.random() < route["consent"] or PLACEMENT_ORDER not in codes.ls
    with_carer = rng.random() < route["fostering_for_adoption"] and "U5" in codes.place
    ls = "V2" if consent else "C1"
    first = "U5" if with_carer else draw(rng, weights("adoption.foster", allowed=codes.place))
    provider, pl_post, urn = placer.placed(first, home_post, None)
    ep = Episode(start, "S", ls, "N1", first, provider, home_post, pl_post, urn)
    decided = start + _days(rng, 60, 240)
    order = decided + _days(rng, 30, 150)
    matched = (decided if consent else order) + _days(rng, 20, 150)
    placed = matched + _days(rng, 7, 42)
    adopted = placed + _days(rng, 70, 300)
    decision = Decision(decided) if decided <= horizon else None
    out: list[Episode] = []
    if not consent:
        if order > horizon:
            return [ep], decision, None
        out.append(replace(ep, dec=order, rec="X1"))
        ep = replace(ep, decom=order, rne="L", ls=PLACEMENT_ORDER)
    if placed > horizon:
        return [*out, ep], decision, None
    reason = "CARPL" if "CARPL" in codes.reasons else None
    out.append(replace(ep, dec=placed, rec="X1", reason=reason))
    ep = _placed_for_adoption(placer, ep, placed, consent, with_carer)
    if adopted > horizon:
        return [*out, ep], decision, None
    rec = "E11" if consent or rng.random() < 0.6 else "E12"
    out.append(replace(ep, dec=adopted, rec=rec))
    return out, decision, _adopters(rng, matched, with_carer)


def adoption_possible(codes: Codes) -> bool:
    """The year's codes (both years' for a pair) have the adoption placements."""
    return bool(codes.adoption & codes.adoption_current_carer) and bool(
        codes.adoption - codes.adoption_current_carer
    )


def reversed_decision(
    rng: random.Random, episodes: list[Episode], horizon: dt.date
) -> Decision | None:
    """A decision to place for adoption made early in a period of care and reversed before it
    ends (None when the period is too short for one)."""
    start = episodes[0].decom
    end = episodes[-1].dec or horizon
    decided = start + _days(rng, 30, 120)
    if (end - decided).days < 31:
        return None
    ceased = min(decided + _days(rng, 30, 200), end - dt.timedelta(days=1))
    return Decision(decided, ceased, draw(rng, weights("adoption.reversal")))
