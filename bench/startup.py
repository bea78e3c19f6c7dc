"""How fast the real bot starts, and in how much memory, on a large database.

`python -m bench startup [--count 100000]` builds (or reuses) a database of that many stories, then
starts NewsBot in a fresh child process against the fake Discord of the end-to-end tests (real
discord.py, real sockets on 127.0.0.1) and reports: the time from process start to ready (imports
included), from `start()` to ready, to the first answered command, and the process's peak memory.
It runs twice: a first start (which syncs the commands) and a second one (which does not).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PROCESS_STARTED = time.perf_counter()  # as close to process start as this module can get


async def measure(db: Path) -> dict[str, Any]:
    """In the child: start the bot on `db` and time it (imports only now, so they are counted)."""
    import discord
    import yarl

    from bot.client import NewsBot
    from bot.config import Settings
    from bot.storage import open_store
    from tests.e2e.fake_discord import FakeDiscord

    fake = FakeDiscord()
    await fake.start()
    discord.http.Route.BASE = fake.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    settings = Settings(discord_token=fake.token, db_path=db)
    imported = time.perf_counter()
    async with open_store(db) as store, NewsBot(settings, store) as bot:
        runner = asyncio.create_task(bot.start(fake.token))
        await bot.wait_until_ready()
        ready = time.perf_counter()
        if not fake.synced:  # synced in an earlier run: Discord already knows the commands
            fake.remember_commands([c.to_dict(bot.tree) for c in bot.tree.get_commands()])
        stories = await store.count()
        latest = (await store.latest(1))[0].story.id
        inter = await fake.slash("news story", story=latest)
        await fake.reply(inter)
        answered = time.perf_counter()
        await bot.close()
        await runner
    await fake.close()
    return {
        "stories": stories,
        "synced": fake.sync_count,
        "process_to_ready_s": ready - PROCESS_STARTED,
        "start_to_ready_s": ready - imported,
        "first_answer_ms": (answered - ready) * 1000,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,  # KiB on Linux
    }


def run_child(db: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench", "startup", "--child", "--db", str(db)],
        check=True,
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
    )
    return dict(json.loads(done.stdout))


def main_startup(args: argparse.Namespace) -> int:
    db = Path(args.db)
    if args.child:
        print(json.dumps(asyncio.run(measure(db))))
        return 0
    from bench.ingest import build_large

    print(f"building {args.count:,} stories in {db} (kept for the next run)...", file=sys.stderr)
    build_large(db, args.count)
    # A database that never synced: the first start syncs once, the second finds the hash unchanged.
    import sqlite3

    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM bot_state WHERE key LIKE 'command_tree_hash:%'")
    print("start     stories  synced  process→ready  start()→ready  first answer  peak memory")
    for label in ("first", "second"):
        r = run_child(db)
        print(
            f"{label:<9} {r['stories']:>7,}  {r['synced']:>6}  {r['process_to_ready_s']:>11.2f} s"
            f"  {r['start_to_ready_s']:>11.2f} s  {r['first_answer_ms']:>9.1f} ms  {r['peak_rss_mb']:>8.0f} MB"
        )
    return 0


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    startup = commands.add_parser("startup", help="time to ready and peak memory of the real bot")
    startup.add_argument(
        "--count", type=int, default=100_000, help="stories in the database (default 100000)"
    )
    startup.add_argument(
        "--db",
        default=str(Path(tempfile.gettempdir()) / "newsbot-bench-startup.db"),
        help="database to build",
    )
    startup.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    startup.set_defaults(handler=main_startup)
