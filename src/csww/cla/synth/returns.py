"""A clean synthetic 903 return for an LA, with last year's return consistent with it and a
synthetic Ofsted URN list that knows every URN the placements use.

Children's histories are drawn once, from periods of care starting up to six years before
last year; each year's return holds the episodes open at some time in its year (an episode
still open at the year's end has no DEC, REC or reason), so the episode open on last year's
31 March is this year's first episode, unchanged. Placement codes are those valid in both
years. Everything is drawn from one ``random.Random(seed)``: the same seed gives the same
return.

Besides periods of care (:mod:`csww.cla.synth.chains`) some children's care heads for
adoption (:mod:`csww.cla.synth.adoption`: PlacedAdoption and, in the year of the adoption,
AD1) and some disabled children have short breaks only (:mod:`csww.cla.synth.short_breaks`).
Not drawn yet (the tables are empty): social worker episodes, DoLo.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from csww.cla.read.frames import TableBuilder
from csww.cla.references.postcodes import PostcodeLookup
from csww.cla.spec import ClaSpec, spec_for
from csww.cla.synth.adoption import (
    Adopters,
    Decision,
    adoption_chain,
    adoption_possible,
    reversed_decision,
)
from csww.cla.synth.chains import Codes, Episode, age_on, birthday, episode_chain
from csww.cla.synth.mix import children_in_return, draw, mixes, weights
from csww.cla.synth.places import PostcodePool, Providers
from csww.cla.synth.short_breaks import short_breaks
from csww.core import Tables

UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
# The sexes the return codes, in the order of the codes a year uses ("1"/"2" or "M"/"F").
SEX_CODES = (("1", "2"), ("M", "F"))
YEARS_BACK = 6
# Unaccompanied asylum-seeking children among children starting care: csww's choice, near
# DfE's 2024 share of children looked after at 31 March in need because of absent parenting
# (N8, 9%).
UASC_SHARE = 0.08
# Children aged 11 or more with a missing or away episode in a year (csww's choice).
MISSING_SHARE = 0.12


def upn(body: str) -> str:
    """A UPN: DfE's check letter, then 12 digits (LA, establishment, year, serial)."""
    total = sum(int(c) * w for c, w in zip(body, range(2, 14), strict=True))
    return UPN_LETTERS[total % 23] + body


def fmt(day: dt.date | None) -> str | None:
    return day.strftime("%d/%m/%Y") if day else None


@dataclass
class Child:
    id: str
    male: bool
    dob: dt.date
    ethnic: str
    upn: str
    episodes: list[Episode]
    uasc: bool = False
    missing: list[tuple[str, dt.date, dt.date]] = field(default_factory=list)
    short_breaks: bool = False
    decision: Decision | None = None
    adopters: Adopters | None = None

    def adopted_on(self) -> dt.date | None:
        """The day of the adoption order (the period's last DEC), when adopted."""
        return self.episodes[-1].dec if self.adopters is not None else None


@dataclass
class SynthReturn:
    la: str
    year: int
    tables: Tables
    previous: Tables
    urn_list: pl.DataFrame
    children: list[Child] = field(default_factory=list)


def codes_for(spec: ClaSpec, previous: ClaSpec | None = None) -> Codes:
    """The codes a chain may use: placement types and legal statuses valid in both years;
    reasons and groups of this year (an older year lacking an item has it blanked, and newer
    codes mapped back, when its return is written: :func:`build_tables`)."""
    specs = [spec, previous] if previous is not None else [spec]

    def both(name: str) -> frozenset[str]:
        sets = [s.codes(name) for s in specs if s.codes(name)]
        return frozenset.intersection(*sets)

    def group(name: str) -> frozenset[str]:
        return frozenset.intersection(*[s.groups[name] for s in specs if name in s.groups])

    def union(name: str) -> frozenset[str]:
        return frozenset.union(*[s.groups[name] for s in specs if name in s.groups])

    return Codes(
        place=both("PLACE"),
        ls=both("LS") - union("short_breaks"),
        rec=both("REC"),
        rne=spec.codes("RNE"),
        reasons=spec.codes("REASON_PLACE_CHANGE"),
        temporary=group("temporary"),
        foster=group("foster"),
        no_provider=union("no_provider"),
        urn_exempt=group("urn_exempt"),
        setting_postcode=union("urn_setting_postcode"),
        short_breaks=both("LS") & group("short_breaks"),
        adoption=group("adoption"),
        adoption_current_carer=group("adoption_with_current_carer"),
    )


def _overlaps(ep: Episode, start: dt.date, end: dt.date) -> bool:
    return ep.decom <= end and (ep.dec is None or ep.dec >= start)


def _in_year(episodes: list[Episode], spec: ClaSpec) -> list[Episode]:
    out = []
    for ep in episodes:
        if not _overlaps(ep, spec.start, spec.end):
            continue
        if ep.dec is not None and ep.dec > spec.end:
            ep = Episode(
                ep.decom,
                ep.rne,
                ep.ls,
                ep.cin,
                ep.place,
                ep.provider,
                ep.home_post,
                ep.pl_post,
                ep.urn,
            )
        out.append(ep)
    return out


def _missing(rng: random.Random, child: Child) -> list[tuple[str, dt.date, dt.date]]:
    """A few missing (M) or away without authorisation (A) episodes of 1-5 days, inside an
    episode of care, for children aged 11 or more."""
    out: list[tuple[str, dt.date, dt.date]] = []
    if child.short_breaks:
        return out
    for ep in child.episodes:
        end = ep.dec or ep.decom + dt.timedelta(days=3 * 365)
        if (end - ep.decom).days < 20 or age_on(child.dob, ep.decom) < 11:
            continue
        if rng.random() >= MISSING_SHARE:
            continue
        starts = sorted(
            ep.decom + dt.timedelta(days=rng.randrange(1, (end - ep.decom).days - 6))
            for _ in range(rng.randint(1, 3))
        )
        last_end = ep.decom
        for start in starts:
            if start <= last_end:  # never two at once
                continue
            last_end = start + dt.timedelta(days=rng.randint(1, 5))
            out.append((draw(rng, {"M": 85, "A": 15}), start, last_end))
    return sorted(out, key=lambda m: m[1])


def care_leaver(child: Child, spec: ClaSpec) -> bool:
    """A young person of care-leaver age in ``spec``'s year, with no care in it, whose care
    ended (not by death, transfer or adoption) at 16 or more after 13 weeks looked after
    since 14 (short breaks do not count)."""
    if child.short_breaks or child.adopters is not None:
        return False
    if not child.episodes or any(_overlaps(e, spec.start, spec.end) for e in child.episodes):
        return False
    last = child.episodes[-1]
    if last.dec is None or last.rec in ("X1", "E2", "E3") or age_on(child.dob, last.dec) < 16:
        return False
    fourteen = birthday(child.dob, 14)
    days = sum(max(0, ((e.dec or spec.end) - max(e.decom, fourteen)).days) for e in child.episodes)
    return days >= 91 and age_on(child.dob, spec.end) in spec.cohorts.get("oc3_ages", ())


def _oc3(child: Child, spec: ClaSpec, rng: random.Random) -> dict[str, str]:
    touch = draw(rng, weights("in_touch", allowed=spec.codes("IN_TOUCH")))
    if touch != "YES":
        return {"IN_TOUCH": touch, "ACTIV": "0", "ACCOM": "0"}
    letters = weights("accommodation")
    age = age_on(child.dob, spec.end)
    if age == 17:
        letters.pop("Z", None)
    if age < 19:
        letters.pop("T", None)
    accom = draw(rng, letters) + ("1" if rng.random() < 0.88 else "2")
    if accom not in spec.codes("ACCOM"):
        accom = "B1"
    activity = draw(rng, weights("activity", allowed=spec.codes("ACTIV")))
    return {"IN_TOUCH": touch, "ACTIV": activity, "ACCOM": accom}


def _sex(spec: ClaSpec, male: bool) -> str:
    codes = spec.codes("SEX")
    for pair in SEX_CODES:
        if set(pair) <= codes:
            return pair[0] if male else pair[1]
    raise ValueError(f"no male/female codes among {sorted(codes)}")


def _reviews(child: Child, eps: list[Episode], spec: ClaSpec, rng: random.Random) -> list[dt.date]:
    """Reviews of each period of care: 20 days, 3 months, then every 6 months."""
    out: list[dt.date] = []
    period_start: dt.date | None = None
    for ep in eps:
        if period_start is None or ep.rne == "S":
            period_start = ep.decom
        if ep.rec == "X1":
            continue
        period_end = ep.dec or spec.end
        day = period_start + dt.timedelta(days=20)
        step = 0
        while day < period_end:
            if spec.start <= day <= spec.end and day > period_start:
                out.append(day)
            step += 1
            day = (
                day
                + dt.timedelta(days=71 if step == 1 else 182)
                + dt.timedelta(days=rng.randint(-5, 5))
            )
        period_start = None
    return out


def _oc2(
    child: Child, eps: list[Episode], spec: ClaSpec, rng: random.Random
) -> dict[str, str | None] | None:
    """OC2 for a child looked after continuously for 12 months at 31 March (short breaks
    are not)."""
    if not eps or eps[-1].dec is not None or child.short_breaks:
        return None
    first = max((i for i, e in enumerate(child.episodes) if e.rne == "S"), default=0)
    if child.episodes[first].decom > birthday(spec.end, -1):
        return None
    age_end, age_start = age_on(child.dob, spec.end), age_on(child.dob, spec.start)
    substance = "1" if age_end >= 12 and rng.random() < 0.04 else "0"
    return {
        "SDQ_SCORE": str(rng.randint(0, 40)) if age_end >= 4 and age_start <= 16 else None,
        "SDQ_REASON": None,
        "CONVICTED": ("1" if rng.random() < 0.03 else "0") if age_end >= 10 else None,
        "HEALTH_CHECK": "1" if age_end < 5 else None,
        "IMMUNISATIONS": "1" if rng.random() < 0.85 else "0",
        "TEETH_CHECK": "1" if rng.random() < 0.8 else "0",
        "HEALTH_ASSESSMENT": "1" if rng.random() < 0.9 else "0",
        "SUBSTANCE_MISUSE": substance,
        "INTERVENTION_RECEIVED": "1" if substance == "1" else None,
        "INTERVENTION_OFFERED": None,
    }


def _episode_items(spec: ClaSpec) -> set[str]:
    return {i.name for i in spec.table("Episodes").items}


def _older(spec: ClaSpec, item: str, code: str | None) -> str | None:
    """A code as a year before it existed recorded it (RNE T was P)."""
    if code is None or code in spec.codes(item):
        return code
    older: dict[str, str] = mixes().get("older_codes", {}).get(item, {})
    return older.get(code, code)


def build_tables(
    children: list[Child], spec: ClaSpec, rng: random.Random, previous: ClaSpec | None = None
) -> Tables:
    """One year's return from children's histories (items the year lacks left blank). Care
    leavers are those of :func:`care_leaver`; with ``previous``, only those last year's return
    knew (by an episode or as a care leaver)."""
    b = TableBuilder()
    items = _episode_items(spec)
    for child in children:
        eps = _in_year(child.episodes, spec)
        dob = fmt(child.dob)
        if not eps:
            if care_leaver(child, spec) and (
                previous is None
                or care_leaver(child, previous)
                or any(_overlaps(e, previous.start, previous.end) for e in child.episodes)
            ):
                b.add(
                    "Header",
                    {
                        "CHILD": child.id,
                        "SEX": _sex(spec, child.male),
                        "DOB": dob,
                        "ETHNIC": child.ethnic,
                        "UPN": child.upn,
                    },
                )
                b.add("OC3", {"CHILD": child.id, "DOB": dob, **_oc3(child, spec, rng)})
            continue
        b.add(
            "Header",
            {
                "CHILD": child.id,
                "SEX": _sex(spec, child.male),
                "DOB": dob,
                "ETHNIC": child.ethnic,
                "UPN": child.upn,
            },
        )
        for ep in eps:
            row: dict[str, str | None] = {
                "CHILD": child.id,
                "DECOM": fmt(ep.decom),
                "RNE": ep.rne,
                "LS": ep.ls,
                "CIN": ep.cin,
                "PLACE": ep.place,
                "PLACE_PROVIDER": ep.provider,
                "DEC": fmt(ep.dec),
                "REC": ep.rec,
                "REASON_PLACE_CHANGE": ep.reason,
                "HOME_POST": ep.home_post,
                "PL_POST": ep.pl_post,
                "URN": ep.urn,
            }
            row["RNE"] = _older(spec, "RNE", ep.rne)
            b.add("Episodes", {k: (v if k in items else None) for k, v in row.items()})
        for day in _reviews(child, eps, spec, rng):
            code = (
                "PN0"
                if age_on(child.dob, day) < 4
                else draw(
                    rng, {"PN1": 70, "PN2": 8, "PN3": 8, "PN4": 4, "PN5": 4, "PN6": 4, "PN7": 2}
                )
            )
            b.add(
                "Reviews", {"CHILD": child.id, "DOB": dob, "REVIEW": fmt(day), "REVIEW_CODE": code}
            )
        if child.uasc:
            b.add(
                "UASC",
                {
                    "CHILD": child.id,
                    "SEX": _sex(spec, child.male),
                    "DOB": dob,
                    "DUC": fmt(birthday(child.dob, 18)),
                },
            )
        for kind, start, end in child.missing:
            if spec.start <= start <= spec.end and end <= spec.end:
                b.add(
                    "Missing",
                    {
                        "CHILD": child.id,
                        "DOB": dob,
                        "MISSING": kind,
                        "MIS_START": fmt(start),
                        "MIS_END": fmt(end),
                    },
                )
        oc2 = _oc2(child, eps, spec, rng)
        if oc2 is not None:
            b.add("OC2", {"CHILD": child.id, "DOB": dob, **oc2})
        started = [e.decom for e in child.episodes if e.rne == "S"]
        if started and started[-1] >= dt.date(2016, 4, 1):
            b.add("PrevPerm", {"CHILD": child.id, "DOB": dob, "PREV_PERM": "Z1"})
        for table, row in _adoption(child, spec):
            b.add(table, {"CHILD": child.id, "DOB": dob, **row})
    return b.build()


def _adoption(child: Child, spec: ClaSpec) -> list[tuple[str, dict[str, str | None]]]:
    """A child's PlacedAdoption row (a decision made by the year's end and not reversed
    before it began) and AD1 row (adopted in the year)."""
    out: list[tuple[str, dict[str, str | None]]] = []
    decision = child.decision
    if decision is not None and decision.decided <= spec.end:
        ceased = decision.ceased if decision.ceased and decision.ceased <= spec.end else None
        if decision.ceased is None or decision.ceased >= spec.start:
            row = {
                "DATE_PLACED": fmt(decision.decided),
                "DATE_PLACED_CEASED": fmt(ceased),
                "REASON_PLACED_CEASED": decision.reason if ceased else None,
            }
            out.append(("PlacedAdoption", row))
    adopted, adopters = child.adopted_on(), child.adopters
    if adopters is not None and adopted is not None and spec.start <= adopted <= spec.end:
        assert decision is not None
        ad1 = {
            "DATE_INT": fmt(decision.decided),
            "DATE_MATCH": fmt(adopters.matched),
            "FOSTER_CARE": "1" if adopters.foster_carer else "0",
            "NB_ADOPTR": adopters.number,
            "SEX_ADOPTR": adopters.sex,
            "LS_ADOPTR": adopters.status,
        }
        out.append(("AD1", ad1))
    return out


@dataclass
class _Drawer:
    """Draws one child's history at a time (see :func:`draw_children`)."""

    rng: random.Random
    la: str
    spec: ClaSpec
    codes: Codes
    pool: PostcodePool
    providers: Providers

    def __post_init__(self) -> None:
        spec = self.spec
        self.ethnic = weights("ethnic", allowed=spec.codes("ETHNIC"))
        self.uasc_ethnic = weights("uasc_ethnic", allowed=spec.codes("ETHNIC"))
        self.ages = weights("age_at_31_march")
        self.first = spec.start - dt.timedelta(days=365 * YEARS_BACK)
        self.span = (spec.end - self.first).days
        self.short_share = float(weights("short_breaks")["share"])
        self.adoption = weights("adoption")

    def child(self, serial: int) -> Child:
        rng, la, codes = self.rng, self.la, self.codes
        start = self.first + dt.timedelta(days=rng.randrange(self.span))
        uasc = rng.random() < UASC_SHARE
        short = not uasc and bool(codes.short_breaks) and rng.random() < self.short_share
        if uasc:
            low, high = 14, 17
        elif short:
            low, high = 4, 15
        else:
            low, high = (int(x) for x in draw(rng, self.ages).split("-"))
        dob = start - dt.timedelta(days=rng.randint(low * 365 + 1, high * 365 + 364))
        child_id = f"{la}{serial:06d}"
        body = f"{la}{rng.randrange(10**4):04d}{dob.year % 100:02d}{serial % 1000:03d}"
        home = None if uasc else self.pool.home(rng)
        child = Child(child_id, False, dob, "", upn(body), [], uasc, short_breaks=short)
        if short:
            child.episodes = short_breaks(
                rng, dob=dob, start=start, horizon=self.spec.end, home_post=home, codes=codes
            )
        else:
            self._care(child, start, home)
        child.male = rng.random() < (0.9 if uasc else 0.56)
        child.ethnic = draw(rng, self.uasc_ethnic if uasc and self.uasc_ethnic else self.ethnic)
        child.missing = _missing(rng, child)
        return child

    def _care(self, child: Child, start: dt.date, home: str | None) -> None:
        """A period of care: towards adoption for some young children, otherwise a chain
        (with, for a few young children, a decision to place for adoption later reversed)."""
        rng, codes = self.rng, self.codes
        age = age_on(child.dob, start)
        share = self.adoption["under_5"] if age < 5 else self.adoption["5_to_9"] if age < 10 else 0
        if not child.uasc and adoption_possible(codes) and rng.random() < share:
            child.episodes, child.decision, child.adopters = adoption_chain(
                rng,
                start=start,
                horizon=self.spec.end,
                home_post=home,
                codes=codes,
                pool=self.pool,
                providers=self.providers,
                la=self.la,
            )
            return
        child.episodes = episode_chain(
            rng,
            dob=child.dob,
            start=start,
            horizon=self.spec.end,
            home_post=home,
            codes=codes,
            pool=self.pool,
            providers=self.providers,
            la=self.la,
            cin="N8" if child.uasc else None,
        )
        if age < 10 and rng.random() < self.adoption["reversed"]:
            child.decision = reversed_decision(rng, child.episodes, self.spec.end)


def draw_children(
    rng: random.Random,
    *,
    la: str,
    spec: ClaSpec,
    previous: ClaSpec | None,
    count: int,
    pool: PostcodePool,
    providers: Providers,
) -> list[Child]:
    """Children until ``count`` of them are looked after during ``spec``'s year."""
    codes = codes_for(spec, previous) if previous else codes_for(spec)
    drawer = _Drawer(rng, la, spec, codes, pool, providers)
    children: list[Child] = []
    in_year = 0
    serial = 0
    while in_year < count:
        serial += 1
        child = drawer.child(serial)
        episodes = child.episodes
        if any(_overlaps(e, spec.start, spec.end) for e in episodes):
            in_year += 1
            children.append(child)
        elif care_leaver(child, spec) or (
            previous is not None
            and (
                any(_overlaps(e, previous.start, previous.end) for e in episodes)
                or care_leaver(child, previous)
            )
        ):
            children.append(child)
    return children


def synth_return(
    la: str,
    year: int,
    *,
    seed: int = 0,
    children: int | None = None,
    postcodes: PostcodeLookup | None = None,
) -> SynthReturn:
    """A clean return of ``la`` (DfE code) for ``year``, last year's, and the URN list."""
    spec = spec_for(year)
    try:
        previous = spec_for(year - 1)
    except ValueError:
        previous = None
    rng = random.Random(f"{seed}-{la}-{year}")
    lookup = postcodes if postcodes is not None else PostcodeLookup.from_package()
    pool = PostcodePool.for_la(lookup, la, rng)
    providers = Providers(la, pool, rng)
    count = children if children is not None else children_in_return(la)
    drawn = draw_children(
        rng, la=la, spec=spec, previous=previous, count=count, pool=pool, providers=providers
    )
    this = build_tables(drawn, spec, random.Random(f"{seed}-{la}-{year}-tables"), previous)
    last = (
        build_tables(drawn, previous, random.Random(f"{seed}-{la}-{year - 1}-tables"))
        if previous
        else this
    )
    return SynthReturn(la, year, this, last, providers.frame(), drawn)


def summary(result: SynthReturn) -> dict[str, Any]:
    """Counts that show what was drawn (for the command line and the docs)."""
    eps = result.tables["Episodes"]
    changes = eps.filter(pl.col("REASON_PLACE_CHANGE").is_not_null())
    return {
        "children": eps["CHILD"].n_unique(),
        "care_leavers": result.tables["OC3"].height,
        "episodes": eps.height,
        "previous_children": result.previous["Episodes"]["CHILD"].n_unique(),
        "urns": result.urn_list.height,
        "rne": dict(sorted(eps.group_by("RNE").len().rows())),
        "reasons": dict(sorted(changes.group_by("REASON_PLACE_CHANGE").len().rows())),
        "temporary": eps.filter(pl.col("PLACE").str.starts_with("T")).height,
        "open_at_31_march": eps.filter(pl.col("DEC").is_null()).height,
    }
