"""Where synthetic children live and are placed: real postcodes inside and outside the LA
(and, for a few placements, in Wales or Scotland), and the providers (with Ofsted URNs) that
placements are made with, consistent with the synthetic URN list."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

import polars as pl

from csww.cla.references.postcodes import EAST, KEY, LA, NORTH, PostcodeLookup, canonical

ENGLAND_ONLY = ~pl.col(LA).is_in(["WAL", "SCO", "NIR", "NUK"])
# Placements outside England are drawn in Wales and Scotland (the placement LA is then WAL or
# SCO), within about 250 miles of the LA's centre, so that no placement is over DfE's 350
# miles (rule 454).
OUTSIDE_ENGLAND = pl.col(LA).is_in(["WAL", "SCO"])
# The directory keeps some old forms (Newport's "NPT 0NQ") that are not valid postcodes now.
VALID_KEY = r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$"
OUTSIDE_METRES = 400_000
# Far placements in England lie within about 280 miles of the LA's centre, so that with the
# LA's own size no placement is over 350 miles from home (rule 454).
FAR_METRES = 450_000
NEARBY_METRES = 32_000  # about 20 miles beyond the LA's postcodes


class NoPostcodes(ValueError):
    """The postcode directory has no postcodes for the LA."""


@dataclass
class PostcodePool:
    """Sampled real postcodes: the LA's own, nearby ones outside it, far ones in England,
    and some in Wales or Scotland."""

    inside: list[str]
    nearby: list[str]
    far: list[str]
    outside: list[str] = field(default_factory=list)

    @classmethod
    def for_la(
        cls, lookup: PostcodeLookup, la: str, rng: random.Random, size: int = 3000
    ) -> PostcodePool:
        located = lookup.located()
        own = located.filter(pl.col(LA) == la)
        if own.is_empty():
            raise NoPostcodes(f"the postcode directory has no postcodes in LA {la}")
        e0, e1 = own[EAST].min(), own[EAST].max()
        n0, n1 = own[NORTH].min(), own[NORTH].max()
        assert isinstance(e0, float) and isinstance(e1, float)
        assert isinstance(n0, float) and isinstance(n1, float)
        box = pl.col(EAST).is_between(e0 - NEARBY_METRES, e1 + NEARBY_METRES) & pl.col(
            NORTH
        ).is_between(n0 - NEARBY_METRES, n1 + NEARBY_METRES)
        outside = (pl.col(LA) != la) & ENGLAND_ONLY
        near = located.filter(outside & box)
        seed = rng.randrange(2**31)

        def sample(frame: pl.DataFrame, n: int) -> list[str]:
            if frame.is_empty():
                return []
            keys = frame.sample(min(n, frame.height), seed=seed)[KEY].sort().to_list()
            return [str(canonical(k)) for k in keys]

        # Far: a sample of England, less what lies near the LA or too far from it.
        centre_e, centre_n = (e0 + e1) / 2, (n0 + n1) / 2
        reach = ((pl.col(EAST) - centre_e) ** 2 + (pl.col(NORTH) - centre_n) ** 2).sqrt()
        spread = located.sample(min(20 * size, located.height), seed=seed)
        far = spread.filter(outside & ~box & (reach < FAR_METRES))
        abroad = located.filter(
            OUTSIDE_ENGLAND & (reach < OUTSIDE_METRES) & pl.col(KEY).str.contains(VALID_KEY)
        )
        return cls(
            sample(own, size),
            sample(near, size) or sample(far, size),
            sample(far, size // 3),
            sample(abroad, size // 10),
        )

    def home(self, rng: random.Random) -> str:
        return rng.choice(self.inside)

    def placement(self, rng: random.Random, *, inside: float = 0.55, nearby: float = 0.33) -> str:
        roll = rng.random()
        if roll < inside or not (self.nearby or self.far):
            return rng.choice(self.inside)
        if roll < inside + nearby and self.nearby:
            return rng.choice(self.nearby)
        return rng.choice(self.far or self.nearby)

    def outside_england(self, rng: random.Random) -> str | None:
        """A postcode in Wales or Scotland (None when none lies near enough)."""
        return rng.choice(self.outside) if self.outside else None


@dataclass
class Provider:
    urn: str
    place_codes: set[str]
    provider_code: str
    postcode: str
    registered: dt.date


@dataclass
class Providers:
    """The synthetic providers an LA places with; each has an Ofsted URN and one provider code."""

    la: str
    pool: PostcodePool
    rng: random.Random
    by_urn: dict[str, Provider] = field(default_factory=dict)
    homes: dict[tuple[str, str], list[Provider]] = field(default_factory=dict)
    agencies: dict[str, Provider] = field(default_factory=dict)

    def _urn(self) -> str:
        while True:
            urn = f"SC{self.rng.randrange(10**6):06d}"
            if urn not in self.by_urn:
                return urn

    def _new(self, place: str, provider: str, postcode: str) -> Provider:
        start = dt.date(2000 + self.rng.randrange(0, 10), 1 + self.rng.randrange(12), 1)
        p = Provider(self._urn(), {place}, provider, postcode, start)
        self.by_urn[p.urn] = p
        return p

    def agency(self, provider: str, place: str) -> Provider:
        """A fostering agency: the LA's own (PR1, an office in the LA) or one of a few
        independent ones (PR4, PR5)."""
        key = provider if provider == "PR1" else f"{provider}-{self.rng.randrange(6)}"
        agency = self.agencies.get(key)
        if agency is None:
            office = (
                self.pool.home(self.rng)
                if provider == "PR1"
                else self.pool.placement(self.rng, inside=0.2)
            )
            agency = self._new(place, provider, office)
            self.agencies[key] = agency
        agency.place_codes.add(place)
        return agency

    def adoption_agency(self, provider: str, place: str) -> Provider:
        """An adoption agency: the LA's own (PR1, an office in the LA), another LA's or a
        regional agency hosted elsewhere (PR2, outside the LA), or a voluntary one (PR5)."""
        key = f"adoption-{provider}"
        agency = self.agencies.get(key)
        if agency is None:
            inside = {"PR1": 1.0, "PR2": 0.0}.get(provider, 0.3)
            office = (
                self.pool.home(self.rng)
                if inside == 1.0
                else self.pool.placement(self.rng, inside=inside)
            )
            agency = self._new(place, provider, office)
            self.agencies[key] = agency
        agency.place_codes.add(place)
        return agency

    def setting(
        self, place: str, provider: str, postcode: str, avoid: tuple[str, ...] = ()
    ) -> Provider:
        """A setting (children's home, secure home, school...) at ``postcode``; settings are
        reused, so several children live in one home (never one at a postcode in ``avoid``:
        the child's home, or the placement being left)."""
        homes = [h for h in self.homes.setdefault((place, provider), []) if h.postcode not in avoid]
        if homes and self.rng.random() < 0.5:
            return self.rng.choice(homes)
        home = self._new(place, provider, postcode)
        self.homes[(place, provider)].append(home)
        return home

    def record(self, urn: str | None, place: str) -> None:
        """A placement of type ``place`` was made with the provider of ``urn``."""
        if urn in self.by_urn:
            self.by_urn[urn].place_codes.add(place)

    def frame(self) -> pl.DataFrame:
        """The synthetic URN list, in csww's plain layout's columns."""
        rows = sorted(self.by_urn.values(), key=lambda p: p.urn)
        return pl.DataFrame(
            {
                "URN": [p.urn for p in rows],
                "placement codes": [",".join(sorted(p.place_codes)) for p in rows],
                "provider codes": [p.provider_code for p in rows],
                "postcode": [p.postcode for p in rows],
                "registration date": [p.registered.strftime("%d/%m/%Y") for p in rows],
                "closure date": ["" for _ in rows],
            }
        )
