"""Episode chains: one child's periods of care as the 903 records them.

:func:`episode_chain` is the reusable generator: from a start date to a horizon it draws
placements, moves (P, T, L, B, U), temporary placements, X1 continuations with a reason for
each change of placement drawn to the published national mix, and how the period ends. It
keeps the rules of the chain: each X1 episode is followed by one starting on its DEC; a move
with the same carer (T, U) changes the placement's type and keeps its postcode; the reason for
a change is given only when the episode ends X1, the next episode is a move (P, B, T, U) and
neither is temporary; custody is never the reason for a child under 10; placed with parents
(P1) is the only placement at the home postcode, with provider PR0 and no URN; a few
children's homes, residential schools and foster placements are in Wales or Scotland, with a
private or voluntary provider and no Ofsted URN.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, replace

from csww.cla.synth.mix import draw, weights
from csww.cla.synth.places import PostcodePool, Providers

FOSTER_SAME_CARER = {"U3": "U1", "U6": "U4"}  # short-term to long-term, same carer
LS_NEXT = {"V2": ("C1", "C2"), "C1": ("C2",), "L2": ("C1", "V2")}
# Reasons episode ceased: special guardianship made to former foster carers (E43 until
# 2017-18; E45, E46 after): drawn only to end a foster placement (rule 516).
SGO_FORMER_FOSTER_CARERS = ("E43", "E45", "E46")
# Provider codes by placement type (DfE's 527-531 and 550: PR0 only with parents; PR1/PR2
# not for P1, R2, R5; PR3 not for P1, adoption, K1, K2, foster).
PROVIDERS = {
    "P1": {"PR0": 1.0},
    "R2": {"PR3": 1.0},
    "R5": {"PR3": 1.0},
    "K1": {"PR2": 0.5, "PR4": 0.5},
    "K2": {"PR1": 0.2, "PR4": 0.7, "PR5": 0.1},
    "K3": {"PR4": 0.9, "PR1": 0.1},
    "S1": {"PR4": 0.6, "PR5": 0.4},
    "R1": {"PR4": 1.0},
    "R3": {"PR4": 1.0},
}
FOSTER_PROVIDERS = {"PR1": 0.6, "PR4": 0.35, "PR5": 0.05}
# Placement types that may be in Wales or Scotland, and their providers there (not the LA's
# own: rule 1015; no Ofsted URN: Wales and Scotland have their own regulators).
ABROAD_PLACES = frozenset({"K2", "S1", "U4", "U6"})
ABROAD_PROVIDERS = {"PR4": 0.8, "PR5": 0.2}


@dataclass(frozen=True)
class Codes:
    """The codes and groups a chain may use: the year's (for a synthetic pair, those valid in
    both years)."""

    place: frozenset[str]
    ls: frozenset[str]
    rec: frozenset[str]
    rne: frozenset[str]
    reasons: frozenset[str]
    temporary: frozenset[str]
    foster: frozenset[str]
    no_provider: frozenset[str]
    urn_exempt: frozenset[str]
    setting_postcode: frozenset[str]
    short_breaks: frozenset[str] = frozenset()
    adoption: frozenset[str] = frozenset()
    adoption_current_carer: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Episode:
    decom: dt.date
    rne: str
    ls: str
    cin: str
    place: str
    provider: str | None
    home_post: str | None
    pl_post: str | None
    urn: str | None
    dec: dt.date | None = None
    rec: str | None = None
    reason: str | None = None


def age_on(dob: dt.date, day: dt.date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def birthday(dob: dt.date, years: int) -> dt.date:
    try:
        return dob.replace(year=dob.year + years)
    except ValueError:  # 29 February
        return dt.date(dob.year + years, 3, 1)


class Placer:
    """Draws placements (type, provider, postcode, URN) for one LA's children."""

    def __init__(
        self, rng: random.Random, codes: Codes, pool: PostcodePool, providers: Providers, la: str
    ) -> None:
        self.rng, self.codes, self.pool, self.providers, self.la = rng, codes, pool, providers, la

    def place_for(self, age: int, avoid: str | None) -> str:
        band = "under5" if age < 5 else "5to15" if age < 16 else "16to17"
        mix = weights(f"place.{band}", allowed=self.codes.place)
        mix.pop(avoid or "", None)
        return draw(self.rng, mix) if mix else "U6"

    def placed(
        self, place: str, home: str | None, previous: str | None
    ) -> tuple[str | None, str, str | None]:
        """Provider, placement postcode and URN for a new placement of type ``place``."""
        rng, codes = self.rng, self.codes
        if place == "P1" and home is not None:
            return "PR0", home, None
        if place in ABROAD_PLACES and rng.random() < weights("outside_england")["share"]:
            abroad = self.pool.outside_england(rng)
            if abroad is not None:
                return draw(rng, ABROAD_PROVIDERS), abroad, None
        postcode = self.pool.placement(rng)
        while postcode in (home, previous):
            postcode = self.pool.placement(rng)
        if place in codes.no_provider:
            return None, postcode, None
        if place in codes.foster:
            provider = draw(rng, FOSTER_PROVIDERS)
            agency = self.providers.agency(provider, place)
            urn = None if place in codes.urn_exempt else agency.urn
            return provider, postcode, urn
        provider = draw(rng, PROVIDERS.get(place, {"PR4": 1.0}))
        if provider == "PR1":  # the LA's own setting is in the LA
            postcode = self.pool.home(rng)
            while postcode == home:
                postcode = self.pool.home(rng)
        elif provider == "PR2":  # another LA's setting is outside it
            postcode = self.pool.placement(rng, inside=0.0)
        if place in codes.urn_exempt:
            return provider, postcode, None
        avoid = tuple(p for p in (home, previous) if p)
        setting = self.providers.setting(place, provider, postcode, avoid)
        return provider, setting.postcode, setting.urn

    def new_placement(
        self, ep: Episode, day: dt.date, dob: dt.date, rne: str, ls: str, temporary: bool
    ) -> Episode:
        if temporary:
            place = self.rng.choice(sorted(self.codes.temporary))
        else:
            # No second placement with parents in a row; none at all without a home postcode
            # (an unaccompanied asylum-seeking child).
            avoid = "P1" if ep.place == "P1" or ep.home_post is None else None
            place = self.place_for(age_on(dob, day), avoid=avoid)
            while place in self.codes.temporary:
                place = self.place_for(age_on(dob, day), avoid=None)
        provider, pl_post, urn = self.placed(place, ep.home_post, ep.pl_post)
        return Episode(day, rne, ls, ep.cin, place, provider, ep.home_post, pl_post, urn)

    def reason(self, dob: dt.date, day: dt.date) -> str | None:
        mix = weights("reason_place_change", allowed=self.codes.reasons)
        if age_on(dob, day) < 10:
            mix.pop("CUSTOD", None)
        return draw(self.rng, mix) if mix else None


def episode_chain(
    rng: random.Random,
    *,
    dob: dt.date,
    start: dt.date,
    horizon: dt.date,
    home_post: str | None,
    codes: Codes,
    pool: PostcodePool,
    providers: Providers,
    la: str,
    cin: str | None = None,
    leave_chance: float = 0.2,
    mean_days: float = 400.0,
) -> list[Episode]:
    """One period of care from ``start`` (RNE S) until it ends or ``horizon`` passes (the last
    episode then stays open: no DEC, REC or reason)."""
    chain = Placer(rng, codes, pool, providers, la)
    ls = draw(rng, weights("legal_status_at_start", allowed=codes.ls))
    cin = cin or draw(rng, weights("cin"))
    seed = Episode(start, "S", ls, cin, "", None, home_post, "", None)
    temporary_share = float(weights("temporary")["share"])
    ep = chain.new_placement(seed, start, dob, "S", ls, temporary=False)
    out: list[Episode] = []
    adult = birthday(dob, 18)
    while True:
        temporary = ep.place in codes.temporary
        days = rng.randint(3, 21) if temporary else 14 + int(rng.expovariate(1 / mean_days))
        end = ep.decom + dt.timedelta(days=days)
        if end >= adult:
            end = adult
        if end > horizon:
            out.append(ep)
            return out
        if end == adult:
            mix = weights("ceasing_at_18", allowed=codes.rec)
            if ep.place not in codes.foster:
                mix.pop("E17", None)
            out.append(replace(ep, dec=end, rec=draw(rng, mix)))
            return out
        if not temporary and rng.random() < leave_chance:
            mix = weights("ceasing", allowed=codes.rec)
            if ep.place not in codes.foster:
                # Special guardianship to former foster carers follows a foster placement.
                for code in SGO_FORMER_FOSTER_CARERS:
                    mix.pop(code, None)
            out.append(replace(ep, dec=end, rec=draw(rng, mix)))
            return out
        kind = "P" if temporary else draw(rng, weights("new_episode", allowed=codes.rne))
        if kind in ("L", "B", "U") and ep.ls not in LS_NEXT:
            kind = "P"
        if kind in ("T", "U") and ep.place not in FOSTER_SAME_CARER:
            kind = "P" if kind == "T" else "B"
        ls = rng.choice(LS_NEXT[ep.ls]) if kind in ("L", "B", "U") else ep.ls
        ls = ls if ls in codes.ls else ep.ls
        if kind == "L" and ls == ep.ls:
            kind = "P"
        if kind == "L":
            nxt = replace(ep, decom=end, rne="L", ls=ls)
        elif kind in ("T", "U"):
            nxt = replace(ep, decom=end, rne=kind, ls=ls, place=FOSTER_SAME_CARER[ep.place])
            if nxt.place not in codes.place:
                nxt = chain.new_placement(ep, end, dob, "P" if kind == "T" else "B", ls, False)
        else:
            into_temporary = (
                not temporary and rng.random() < temporary_share and bool(codes.temporary)
            )
            nxt = chain.new_placement(ep, end, dob, kind, ls, into_temporary)
        moved = nxt.rne in ("P", "B", "T", "U")
        reason = (
            chain.reason(dob, end)
            if moved and not temporary and nxt.place not in codes.temporary
            else None
        )
        out.append(replace(ep, dec=end, rec="X1", reason=reason))
        providers.record(nxt.urn, nxt.place)
        ep = nxt
