"""Fan-out of one story to many subscribed channels under Discord's global rate limit.

`python -m bench fanout [--channels 1000]` (or `python -m bench.fanout`) starts the real NewsBot
against the fake Discord of the end-to-end tests (real discord.py, real sockets on 127.0.0.1) with
the fake enforcing the global limit of 50 requests a second, subscribes that many channels (spread
over servers of 50, the most one server may have), stores one story, enqueues it, and times the
poster sending the outbox. It reports the total time against the floor the limit sets (channels / 50
seconds), duplicates, and 429s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, cast

PER_SERVER = 50  # MAX_SUBSCRIPTIONS_PER_GUILD
GLOBAL_LIMIT = 50


async def measure(channels: int, db: Path) -> dict[str, Any]:
    import discord
    import yarl

    from bot.client import NewsBot
    from bot.config import Settings
    from bot.models import Extraction, Story
    from bot.storage import open_store
    from bot.updates.filters import Mode, SubscriptionFilter
    from cogs.poster import Poster
    from tests.e2e.fake_discord import FakeDiscord

    fake = FakeDiscord()
    targets: list[tuple[str, str]] = []  # (guild id, channel id)
    for number in range(0, channels, PER_SERVER):
        guild, first = fake.add_guild(f"Server {number // PER_SERVER}")
        targets.append((guild, first))
        for _ in range(min(PER_SERVER, channels - number) - 1):
            targets.append((guild, fake.add_channel("news", guild_id=guild)))
    await fake.start()
    discord.http.Route.BASE = fake.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    settings = Settings(discord_token=fake.token, db_path=db)
    async with open_store(db) as store, NewsBot(settings, store, poster_seconds=None) as bot:
        runner = asyncio.create_task(bot.start(fake.token))
        await bot.wait_until_ready()
        for guild, channel in targets:
            await bot.updates.add_subscription(
                int(guild), int(channel), SubscriptionFilter(), Mode.IMMEDIATE, None, 1
            )
        saved = await store.save(
            Story(title="One story for everyone", blocks=(), source="bench/one.txt", source_format="text"),
            Extraction(),
        )
        await bot.updates.enqueue(await store.get(saved.story_id))
        poster = cast(Poster, bot.get_cog("Poster"))
        fake.global_limit = GLOBAL_LIMIT
        started = time.perf_counter()
        sent = await poster.send_pending()
        elapsed = time.perf_counter() - started
        fake.global_limit = None
        await bot.close()
        await runner
    per_channel = [len(fake.channel_messages(channel)) for _, channel in targets]
    await fake.close()
    floor = channels / GLOBAL_LIMIT
    return {
        "channels": channels,
        "servers": len({guild for guild, _ in targets}),
        "sent": sent,
        "seconds": round(elapsed, 2),
        "floor_seconds": floor,
        "over_floor_percent": round((elapsed / floor - 1) * 100, 1),
        "duplicates": sum(n - 1 for n in per_channel if n > 1),
        "missing": sum(1 for n in per_channel if n == 0),
        "global_429s": fake.global_429s,
    }


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    fanout = commands.add_parser("fanout", help="one story to many channels under the 50/s global limit")
    _add_arguments(fanout)
    fanout.set_defaults(handler=run)


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--channels", type=int, default=1000, help="subscribed channels (default 1000)")


def run(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory() as folder:
        result = asyncio.run(measure(args.channels, Path(folder) / "fanout.db"))
    print(json.dumps(result, indent=2))
    return 0 if result["duplicates"] == 0 and result["missing"] == 0 else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fanout", description=__doc__)
    _add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
