"""Shared helpers of the generators."""

from __future__ import annotations

import datetime
import random
from bisect import bisect
from itertools import accumulate

UTC = datetime.UTC


def at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    """A working-hours moment on ``day`` (UTC)."""
    return datetime.datetime(
        day.year, day.month, day.day, 1 + rng.randrange(9), rng.randrange(60),
        rng.randrange(60), tzinfo=UTC,
    )  # fmt: skip


def days(n: int | float) -> datetime.timedelta:
    return datetime.timedelta(days=int(n))


class Weighted:
    """Fast repeated weighted choice."""

    def __init__(self, items: list, weights: list[float]) -> None:
        self.items = items
        self.cum = list(accumulate(weights))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random):
        return self.items[bisect(self.cum, rng.random() * self.total)]


def spread(
    start: datetime.date, end: datetime.date, n: int, rng: random.Random
) -> list[datetime.date]:
    """``n`` sorted dates between ``start`` and ``end`` (inclusive)."""
    span = max((end - start).days, 0)
    return sorted(start + days(rng.randint(0, span)) for _ in range(n))
