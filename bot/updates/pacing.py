"""Pacing the bot's own sends ahead of Discord's global rate limit, fairly across servers.

discord.py waits after a 429 but does not keep a bot under the global limit (50 requests a second)
ahead of time, so a fan-out of one story to a thousand channels would run into it. `Pacer` spaces
request starts evenly; `fair_order` interleaves channels server by server, so one busy server's
thousand channels cannot hold back another server's one.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable, Iterable
from typing import TypeVar

# A little under Discord's 50 a second: even spacing at exactly 50 can still put a 51st request
# into some one-second window once network jitter moves the requests about.
GLOBAL_RATE = 48.0

K = TypeVar("K", bound=Hashable)


class Pacer:
    """At most `rate` starts a second, evenly spaced; waiting callers go in the order they came."""

    def __init__(
        self,
        rate: float = GLOBAL_RATE,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be above zero")
        self.interval = 1.0 / rate
        self._clock = clock
        self._sleep = sleep
        self._next = 0.0

    async def wait(self) -> None:
        """Return when the caller may start its request."""
        now = self._clock()
        start = max(now, self._next)
        self._next = start + self.interval  # reserved before sleeping, so callers queue up
        if start > now:
            await self._sleep(start - now)


def fair_order(items: Iterable[tuple[K, int]]) -> list[int]:
    """Channel ids (each paired with its server) interleaved server by server: the first channel
    of every server, then the second of every server, and so on, servers in order of appearance."""
    by_server: dict[K, list[int]] = {}
    for server, channel in items:
        channels = by_server.setdefault(server, [])
        if channel not in channels:
            channels.append(channel)
    order: list[int] = []
    queues = list(by_server.values())
    depth = 0
    while queues:
        queues = [q for q in queues if depth < len(q)]
        order.extend(q[depth] for q in queues)
        depth += 1
    return order
