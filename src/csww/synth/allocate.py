"""Integer arithmetic for exact totals: FTEs, cases and days split across workers.

Every amount is an integer (FTE and days in hundredths, cases whole), so a total is met
exactly and a statistic computed from the return reproduces it to the last digit.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from csww.synth.people import PART_TIME_CUTS

FULL = 100


def ceil_div(a: int, b: int) -> int:
    return -(-a // b) if b else 0


def spread_fte(n: int, total: int, rng: random.Random, allow_zero: bool = False) -> list[int]:
    """``n`` FTEs in hundredths, each at most 1, summing to ``total``.

    Most are full time; the shortfall from full time is taken in typical part-time steps
    (0.5, 0.6, 0.8 ...). Each is at least 0.01 unless ``allow_zero`` (or the total is too
    small to give everyone 0.01).
    """
    if n <= 0:
        return []
    total = max(0, min(total, FULL * n))
    floor = 0 if allow_zero or total < n else 1
    values = [FULL] * n
    shortfall = FULL * n - total
    order = list(range(n))
    rng.shuffle(order)
    for i in order:
        if shortfall <= 0:
            break
        cut = min(rng.choice(PART_TIME_CUTS), shortfall, FULL - floor)
        values[i] -= cut
        shortfall -= cut
    i = 0
    while shortfall > 0:  # everyone is already part time: take the rest evenly
        j = order[i % n]
        step = min(shortfall, values[j] - floor, max(1, shortfall // n))
        values[j] -= step
        shortfall -= step
        i += 1
        if i > 4 * n * FULL:
            break
    return values


def allocate(
    total: int, weights: Sequence[float], caps: Sequence[int], minimum: int = 0
) -> list[int]:
    """Split ``total`` in proportion to ``weights``, each share between ``minimum`` and its cap
    where possible (largest remainders first); any amount no cap can take goes to the
    largest weight, so the shares always sum to ``total``."""
    n = len(weights)
    if n == 0:
        return []
    shares = [min(minimum, caps[i]) if minimum else 0 for i in range(n)]
    left = total - sum(shares)
    if left < 0:
        shares = [0] * n
        left = total
    open_ = [i for i in range(n) if shares[i] < caps[i]]
    while left > 0 and open_:
        weight = sum(weights[i] for i in open_) or float(len(open_))
        quotas = {
            i: left * ((weights[i] or 0.0) / weight if weight else 1 / len(open_)) for i in open_
        }
        given = 0
        for i in open_:
            take = min(int(quotas[i]), caps[i] - shares[i])
            shares[i] += take
            given += take
        left -= given
        if left > 0:
            ranked = sorted(
                open_, key=lambda i: (quotas[i] - int(quotas[i]), weights[i]), reverse=True
            )
            for i in ranked:
                if left == 0:
                    break
                if shares[i] < caps[i]:
                    shares[i] += 1
                    left -= 1
        open_ = [i for i in open_ if shares[i] < caps[i]]
    if left > 0:
        shares[max(range(n), key=lambda i: weights[i])] += left
    return shares


Interval = tuple[int, int]


def part_options(n: int, total: int, floor: int = 1) -> list[Interval]:
    """Every amount ``part`` such that ``n`` records, each between ``floor`` and 100
    hundredths, can carry ``part`` on some of them and ``total - part`` on the others
    (merged intervals, smallest first)."""
    if n <= 0:
        return [(0, 0)] if total == 0 else []
    found: list[Interval] = []
    for n1 in range(n + 1):
        n2 = n - n1
        lo = max(floor * n1, total - FULL * n2)
        hi = min(FULL * n1, total - floor * n2)
        if n1 == 0:
            lo, hi = (0, 0) if floor * n2 <= total <= FULL * n2 else (1, 0)
        if lo <= hi:
            found.append((lo, hi))
    return merge(found)


def merge(intervals: list[Interval]) -> list[Interval]:
    out: list[Interval] = []
    for lo, hi in sorted(intervals):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def sum_options(a: list[Interval], b: list[Interval]) -> list[Interval]:
    return merge([(x0 + y0, x1 + y1) for x0, x1 in a for y0, y1 in b])


def intersect(a: list[Interval], b: list[Interval]) -> list[Interval]:
    return merge(
        [(max(x0, y0), min(x1, y1)) for x0, x1 in a for y0, y1 in b if max(x0, y0) <= min(x1, y1)]
    )


def minus(total: int, options: list[Interval]) -> list[Interval]:
    """``total - x`` for every x in ``options``."""
    return merge([(total - hi, total - lo) for lo, hi in options])


def nearest(options: list[Interval], want: int, lo: int, hi: int) -> int | None:
    """The value in ``options`` within ``lo``–``hi`` nearest ``want``, or None."""
    best: int | None = None
    for a, b in options:
        a, b = max(a, lo), min(b, hi)
        if a > b:
            continue
        x = min(max(want, a), b)
        if best is None or abs(x - want) < abs(best - want):
            best = x
    return best


def count_for(n: int, total: int, part: int, floor: int = 1) -> int:
    """How many of ``n`` records carry ``part`` (the rest carry ``total - part``): the
    feasible count nearest the proportional one."""
    if n <= 0 or part <= 0:
        return 0
    if part >= total:
        return n
    rest = total - part
    lo = max(ceil_div(part, FULL), n - rest // max(floor, 1) if floor else 1, 1)
    hi = min(part // floor if floor else n, n - ceil_div(rest, FULL), n - 1)
    want = round(n * part / total)
    return min(max(want, lo), hi) if lo <= hi else max(1, min(n - 1, want))
