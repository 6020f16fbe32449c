"""Build the worker records of one synthetic return from its calibrated targets.

People first, then posts: in-post staff (some holding two roles, some starters, a few
leavers who came back), leavers (some of them starters who left within the year), agency
workers. FTEs, cases and days are integers split exactly (``allocate``), so the statistics
computed from the records give the targets back.

A leaver's FTE is the FTE they worked when they left, recorded on the leaver record, as DfE
sums it (``docs/years.md``; in 2017 a non-zero one is query 502Q); starters who left within
the year carry FTE30 0. See ``docs/methodology.md``, "Leavers' FTE".
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from csww.model import Record
from csww.stats.measures import stats_spec
from csww.synth import people as pp
from csww.synth.allocate import (
    FULL,
    allocate,
    ceil_div,
    count_for,
    intersect,
    minus,
    nearest,
    part_options,
    spread_fte,
    sum_options,
)
from csww.synth.targets import Targets
from csww.synth.year_items import sex_codes

WORKING_DAYS = 253
MAX_CASES = 40


@dataclass
class Person:
    swe: str
    born: date
    gender: str
    ethnicity: str


@dataclass
class Post:
    kind: str
    person: Person
    fte: int
    start: date | None = None
    fte30: int | None = None
    end: date | None = None
    holds_cases: bool = False
    role: str | None = None
    cases: int = 0
    days: int = 0
    extra: dict[str, str] = field(default_factory=dict)


class Builder:
    def __init__(self, t: Targets, rng: random.Random) -> None:
        self.t, self.rng = t, rng
        spec = stats_spec(t.year)
        self.census = spec.reference_date
        self.previous = spec.previous_reference_date
        self.first = spec.period_start
        self.sex = spec.element_for("sex") or ""
        self.sex_codes = sex_codes(spec)
        self.institution = spec.element_for("qualifying_institution")
        self.london = t.area.region_code in ("E13000001", "E13000002")
        self.posts: list[Post] = []
        self.numbers: set[int] = set()

    # ---------------------------------------------------------------- people
    def person(self, mean_age: float) -> Person:
        rng = self.rng
        number = rng.randrange(100000, 9999999)
        while number in self.numbers:
            number = rng.randrange(100000, 9999999)
        self.numbers.add(number)
        male = rng.random() < (0.16 if self.london else 0.13)
        return Person(
            f"SW{number}",
            pp.birth_date(rng, self.census, mean_age),
            "1" if male else "2",
            pp.ethnicity(rng, self.london),
        )

    # ---------------------------------------------------------------- in post
    def in_post(
        self,
        starters: int,
        stayers: int,
        s_fte: int,
        t_fte: int,
        s_ch: int,
        t_ch: int,
        returners: list[Post],
    ) -> None:
        """Starters and stayers in post, each split into case holders and others with exact FTE."""
        groups = []
        for n, total, ch, starter in ((starters, s_fte, s_ch, True), (stayers, t_fte, t_ch, False)):
            n_ch = count_for(n, total, ch)
            groups.append((n_ch, ch, True, starter))
            groups.append((n - n_ch, total - ch, False, starter))
        back = list(returners)
        for n, total, holds, starter in groups:
            for fte in spread_fte(n, total, self.rng):
                if starter and back:
                    leaver = back.pop()
                    who = leaver.person
                    assert leaver.end is not None
                    start = min(self.census, leaver.end + timedelta(days=self.rng.randint(7, 40)))
                else:
                    who = self.person(34.0 if starter else 44.0)
                    start = (
                        pp.day_between(self.rng, self.first, self.census)
                        if starter
                        else pp.start_before(self.rng, who.born, self.previous, 7.0)
                    )
                fte30 = 0 if starter else self._last_year(fte)
                self._posts_for(who, fte, fte30, start, holds)

    def _last_year(self, fte: int) -> int:
        if self.rng.random() < 0.9:
            return fte
        return min(FULL, max(10, fte + self.rng.choice((-20, -10, 10, 20))))

    def _posts_for(self, who: Person, fte: int, fte30: int, start: date, holds: bool) -> None:
        """One post, or two roles for a few workers (their FTEs add up to the person's)."""
        table = pp.ROLES_WITH_CASES if holds else pp.ROLES_WITHOUT_CASES
        role = pp.pick(self.rng, table)
        if fte >= 40 and self.rng.random() < 0.025:
            first = max(1, min(fte - 1, round(fte * self.rng.choice((0.5, 0.6, 0.4)))))
            first30 = max(1, min(fte30 - 1, round(fte30 * first / fte))) if fte30 > 1 else fte30
            other = next(c for c, _ in table if c != role)
            self.posts.append(Post("inpost", who, first, start, first30, None, holds, role))
            self.posts.append(
                Post(
                    "inpost",
                    who,
                    fte - first,
                    start,
                    max(fte30 - first30, 0) if fte30 > 1 else fte30,
                    None,
                    holds,
                    other,
                )
            )
            return
        self.posts.append(Post("inpost", who, fte, start, fte30, None, holds, role))

    # ---------------------------------------------------------------- leavers
    def leavers(self, long_serving: int, starter_leavers: int, l_fte: int) -> list[Post]:
        """Leavers; their FTE carries the leavers' FTE (starters who left have 0)."""
        rng = self.rng
        records = max(long_serving, ceil_div(l_fte, FULL))
        ftes = spread_fte(records, l_fte, rng, allow_zero=True)
        out: list[Post] = []
        for i, fte in enumerate(ftes):
            if i < long_serving:
                who = self.person(43.0)
                start = pp.start_before(rng, who.born, self.previous, 6.0)
                end = pp.day_between(rng, self.first, self.census)
                role = pp.pick(
                    rng, pp.ROLES_WITH_CASES if rng.random() < 0.6 else pp.ROLES_WITHOUT_CASES
                )
                out.append(Post("leaver", who, fte, start, None, end, False, role))
            else:  # a second post of someone who left both on the same day
                base = out[i % max(1, long_serving)]
                role = next(c for c, _ in pp.ROLES_WITHOUT_CASES if c != base.role)
                out.append(
                    Post("leaver", base.person, fte, base.start, None, base.end, False, role)
                )
        for _ in range(starter_leavers):
            who = self.person(33.0)
            start = pp.day_between(rng, self.first, self.census - timedelta(days=40))
            end = pp.day_between(rng, start + timedelta(days=14), self.census)
            out.append(
                Post("leaver", who, 0, start, 0, end, False, pp.pick(rng, pp.ROLES_WITH_CASES))
            )
        self.posts.extend(out)
        return out

    # ---------------------------------------------------------------- agency
    def agency(self, count: int, a_fte: int, ch_fte: int) -> None:
        floor = 1 if a_fte >= count else 0
        n_ch = count_for(count, a_fte, ch_fte, floor)
        for holds, n, total in ((True, n_ch, ch_fte), (False, count - n_ch, a_fte - ch_fte)):
            for fte in spread_fte(n, total, self.rng, allow_zero=total < n):
                who = self.person(40.0)
                extra = {}
                if self.rng.random() < 0.7:
                    extra["ContractWeeks"] = str(self.rng.randint(2, 150))
                self.posts.append(
                    Post("agency", who, fte, None, None, None, holds, None, extra=extra)
                )

    # ---------------------------------------------------------------- cases, days, absence
    def cases(self, total: int) -> None:
        holders = [p for p in self.posts if p.holds_cases]
        weights = [max(p.fte, 1) * self.rng.lognormvariate(0, 0.3) for p in holders]
        caps = [MAX_CASES] * len(holders)
        for post, n in zip(holders, allocate(total, weights, caps, minimum=1), strict=True):
            post.cases = n

    def days(self, total: int) -> None:
        eligible = [p for p in self.posts if p.kind in ("inpost", "leaver")]
        weights, caps = [], []
        for p in eligible:
            if p.kind == "leaver":
                began = max(p.start or self.first, self.first)
                served = ((p.end or self.census) - began).days + 1
                cap = WORKING_DAYS * FULL * max(1, served) // 366
            else:
                cap = WORKING_DAYS * max(p.fte, p.fte30 or 0)
            r = self.rng.random()
            weight = 0.0 if r < 0.4 else self.rng.expovariate(1.0) * (8.0 if r > 0.96 else 1.0)
            weights.append(weight * max(p.fte, p.fte30 or 0, 20))
            caps.append(cap)
        for post, d in zip(eligible, allocate(total, weights, caps), strict=True):
            post.days = d

    def absence(self) -> None:
        for p in self.posts:
            if p.kind == "agency":
                continue
            absent = p.kind == "inpost" and self.rng.random() < 0.035
            p.extra["Absat30Sept"] = "1" if absent else "0"
            if absent:
                reason = pp.pick(self.rng, pp.REASON_ABSENCE)
                if reason == "SIC" and p.days == 0:
                    reason = "OTH"
                p.extra["ReasonAbsence"] = reason

    # ---------------------------------------------------------------- records
    def records(self) -> list[Record]:
        rng, out = self.rng, []
        quals: dict[str, dict[str, str]] = {}
        origins: dict[tuple[str, date | None], str] = {}
        for p in self.posts:
            who = p.person
            if p.kind == "agency":
                values = {
                    "AgencyWorker": "1",
                    "SWENo": who.swe,
                    "FTE": pp.fte_text(p.fte),
                    "Cases30": str(p.cases),
                }
                values.update(p.extra)
                out.append(Record(values=values))
                continue
            assert p.start is not None
            qual = quals.setdefault(who.swe, pp.qualification(rng, p.start, self.institution))
            origin = origins.setdefault(
                (who.swe, p.start), pp.origin(rng, who.born, p.start, self.census)
            )
            values = {
                "AgencyWorker": "0",
                "SWENo": who.swe,
                "FTE": pp.fte_text(p.fte),
                "PersonBirthDate": who.born.isoformat(),
                self.sex: self.sex_codes.get(who.gender, who.gender),
                "Ethnicity": who.ethnicity,
                **qual,
                "OrgRole": p.role or "5",
                "RoleStartDate": p.start.isoformat(),
                "StartOrigin": origin,
            }
            if p.kind == "leaver":
                assert p.end is not None
                reason, destination = pp.leaving(rng, self.census.year - who.born.year)
                values.update(
                    {
                        "RoleEndDate": p.end.isoformat(),
                        "LeaverDestination": destination,
                        "ReasonLeave": reason,
                    }
                )
                if p.fte30:
                    values["FTE30"] = pp.fte_text(p.fte30)
                elif p.start > self.previous:
                    values["FTE30"] = "0"
            else:
                values.update({"FTE30": pp.fte_text(p.fte30 or 0), "Cases30": str(p.cases)})
            values["WorkingDaysLost"] = pp.fte_text(p.days)
            values.update(p.extra)
            out.append(Record(values=values))
        rng.shuffle(out)
        return out


def _case_holder_split(
    ch: int, ah: int, a_fte: int, starters: tuple[int, int], stayers: tuple[int, int]
) -> tuple[int, int]:
    """Case-holder FTE held by agency workers and by in-post starters (stayers hold the rest),
    chosen so that every group of records can carry its FTE exactly."""
    floor = 1 if a_fte >= ah else 0
    f_ag = part_options(ah, a_fte, floor)
    f_s, f_t = part_options(*starters), part_options(*stayers)
    i_fte = starters[1] + stayers[1]
    want_ag = min(a_fte, round(a_fte * min(1.0, 1.15 * ch / max(1, i_fte + a_fte))))
    ch_ag = nearest(intersect(f_ag, minus(ch, sum_options(f_s, f_t))), want_ag, 0, min(a_fte, ch))
    if ch_ag is None:
        ch_ag = min(max(want_ag, ch - i_fte, 0), a_fte, ch)
    ch_in = ch - ch_ag
    want_s = round(starters[1] * ch_in / i_fte) if i_fte else 0
    s_ch = nearest(intersect(f_s, minus(ch_in, f_t)), want_s, 0, starters[1])
    if s_ch is None:
        s_ch = min(max(want_s, ch_in - stayers[1], 0), starters[1], ch_in)
    return ch_ag, s_ch


def build_workers(t: Targets, rng: random.Random) -> tuple[list[Record], dict[str, str]]:
    """Worker records for ``t`` and the LA-level vacancy figures."""
    v = t.values
    ih, sh, lh, ah = (
        v["inpost_headcount"],
        v["starters_headcount"],
        v["leavers_headcount"],
        v["agency_headcount"],
    )
    i_fte, s_fte, l_fte, a_fte = (
        v["inpost_fte"],
        v["starters_fte"],
        v["leavers_fte"],
        v["agency_fte"],
    )
    ch, cover = v["case_holders_fte"], v["agency_cover_fte"]
    b = Builder(t, rng)
    # Starters who left within the year: few, and only as many as the FTEs allow.
    if sh == 0:
        sl = 0
    elif s_fte == 0:
        sl = min(sh, lh)
    else:
        # In-post FTE must fit (the stayers need enough people): that bound wins; one on
        # the leavers only costs a second post for some leaver (query 706Q).
        top = min(sh - ceil_div(s_fte, FULL), lh - ceil_div(l_fte, FULL), sh - 1)
        low = max(0, sh - ih, ceil_div(i_fte - s_fte, FULL) - (ih - sh))
        want = min(round(lh * 0.07 * rng.uniform(0.5, 1.5)), max(top, 0))
        sl = min(max(want, low), lh, sh)
    starters_in_post = min(sh - sl, ih)
    leaver_posts = b.leavers(lh - sl, sl, l_fte)
    long_serving = [
        p
        for p in leaver_posts
        if p.start is not None
        and p.start <= b.previous
        and p.end is not None
        and p.end < b.census - timedelta(days=45)
    ]
    unique = list({p.person.swe: p for p in long_serving}.values())
    returners = unique[: min(len(unique), starters_in_post, round(lh * 0.03 * rng.uniform(0, 2)))]
    stayers = ih - starters_in_post
    t_fte = i_fte - s_fte
    ch_ag, s_ch = _case_holder_split(ch, ah, a_fte, (starters_in_post, s_fte), (stayers, t_fte))
    b.in_post(starters_in_post, stayers, s_fte, t_fte, s_ch, ch - ch_ag - s_ch, returners)
    b.agency(ah, a_fte, ch_ag)
    b.cases(v["cases"])
    b.days(v["working_days_lost_fte"])
    b.absence()
    cover_hc = 0
    if cover:
        per_worker = a_fte / ah if ah and a_fte else FULL * 0.95
        cover_hc = max(ceil_div(cover, FULL), min(ah, round(cover / per_worker)), 1)
        cover_hc = min(cover_hc, max(ceil_div(cover, FULL), cover // 30))
    la = {
        "NumberOfVacancies": pp.fte_text(v["vacancy_fte"]),
        "NoAgencyFTE": pp.fte_text(cover),
        "NoAgencyHeadcount": str(cover_hc),
    }
    return b.records(), la
