"""Short breaks: a disabled child accommodated under an agreed series of short-term breaks.

Legal status V3 records each break as an episode (one to three nights, three to six weeks
apart, so never near DfE's 75 days a year, rule 367); V4 records each agreement as one
episode (four months to a year, the next a few weeks later). Each episode starts the child's
care (RNE S) and ends with the return home (E4A). A short break has a provider but no
placement postcode and no URN (rules 214, 398, 420), and the child's category of need is
disability (N2).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace

from csww.cla.synth.chains import Codes, Episode, birthday
from csww.cla.synth.mix import draw, weights


def _terms(rng: random.Random, ls: str) -> tuple[int, int]:
    """Days of one episode, and days until the next."""
    if ls == "V3":
        return rng.randint(1, 3), rng.randint(20, 45)
    return rng.randint(120, 365), rng.randint(7, 40)


def short_breaks(
    rng: random.Random,
    *,
    dob: dt.date,
    start: dt.date,
    horizon: dt.date,
    home_post: str | None,
    codes: Codes,
) -> list[Episode]:
    """A child's short breaks from ``start`` until ``horizon`` or their 18th birthday (the
    last episode stays open when it runs past the horizon)."""
    mix = weights("short_breaks.legal_status", allowed=codes.short_breaks)
    if not mix:
        return []
    ls = draw(rng, mix)
    place = draw(rng, weights("short_breaks.place", allowed=codes.place))
    provider = draw(rng, weights(f"short_breaks.provider_{place}"))
    last_day = birthday(dob, 18) - dt.timedelta(days=1)
    out: list[Episode] = []
    day = start
    while day < last_day and day <= horizon:
        length, gap = _terms(rng, ls)
        end = min(day + dt.timedelta(days=length), last_day)
        episode = Episode(day, "S", ls, "N2", place, provider, home_post, None, None)
        if end > horizon:
            out.append(episode)
            break
        out.append(replace(episode, dec=end, rec="E4A"))
        day = end + dt.timedelta(days=gap)
    return out
