"""Pacer and fair_order, with a fake clock (nothing sleeps)."""

from __future__ import annotations

import pytest

from bot.updates.pacing import Pacer, fair_order


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


async def test_pacer_spaces_starts_evenly() -> None:
    fake = FakeTime()
    pacer = Pacer(50, clock=fake.clock, sleep=fake.sleep)
    starts = []
    for _ in range(100):
        await pacer.wait()
        starts.append(fake.now)
    assert starts[0] == 100.0
    assert starts[-1] - starts[0] == pytest.approx(99 / 50)
    window = 1 - 1e-6  # float spacing: the 51st start lands at (almost exactly) one second
    assert max(sum(1 for s in starts if t <= s < t + window) for t in starts) == 50


async def test_pacer_does_not_save_up_idle_time() -> None:
    fake = FakeTime()
    pacer = Pacer(10, clock=fake.clock, sleep=fake.sleep)
    await pacer.wait()
    fake.now += 60  # idle for a minute: no burst allowance builds up...
    await pacer.wait()
    await pacer.wait()
    assert fake.slept == [pytest.approx(0.1)]  # ...the second call after idling waits its turn


def test_pacer_needs_a_positive_rate() -> None:
    with pytest.raises(ValueError):
        Pacer(0)


def test_fair_order_interleaves_servers() -> None:
    busy = [("a", channel) for channel in range(1, 6)]
    assert fair_order([*busy, ("b", 100), ("c", 200), ("c", 201), ("a", 1)]) == [1, 100, 200, 2, 201, 3, 4, 5]
    assert fair_order([]) == []
