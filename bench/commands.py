"""Every /news command's answer, timed through `NewsCommands` on a 100,000-story database.

    python -m bench commands [--count 100000] [--repeat 200]

The database is the one `python -m bench queries` builds (same generator, `bench.ingest.build_large`,
kept in the temp folder so later runs start at once; it is never in the repository). Each case is
run `--repeat` times, cycling through several stories, speakers or prefixes, and reports p50 and
p99 of the time to build the whole answer (store queries and cards), against its target.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bench.ingest import SPEAKERS, build_large, cpu_check
from bot.commands import NewsCommands
from bot.errors import NewsBotError
from bot.storage import open_store

COMMAND_MS, SEARCH_MS, AUTOCOMPLETE_MS = 20.0, 50.0, 10.0

Case = tuple[str, float, Callable[[int], Awaitable[Any]]]


async def run_cases(db: Path, repeat: int) -> list[tuple[str, float, float, float, float]]:
    """(name, p50 ms, p99 ms, worst ms, target ms) of each case."""
    async with open_store(db) as store:
        commands = NewsCommands(store)
        count = await store.count()
        rng = random.Random(3)
        conn = store.connection
        # stories spread over the whole database, not only the newest (which the cache favours)
        ids = [
            row[0]
            for row in await conn.execute_fetchall(
                "SELECT short_id FROM stories WHERE id IN (" + ",".join("?" * 50) + ")",
                [rng.randint(1, count) for _ in range(50)],
            )
        ]
        titles = [
            row[0]
            for row in await conn.execute_fetchall(
                "SELECT title FROM stories WHERE short_id IN (" + ",".join("?" * len(ids)) + ")", ids
            )
        ]
        orgs = [row[0] for row in await conn.execute_fetchall("SELECT slug FROM organisations LIMIT 20")]

        def pick(items: list[str]) -> Callable[[int], str]:
            return lambda i: items[i % len(items)]

        story, title, speaker, org = pick(ids), pick(titles), pick(SPEAKERS), pick(orgs)
        cases: list[Case] = [
            ("latest 5", COMMAND_MS, lambda i: commands.latest(5)),
            ("latest 25", COMMAND_MS, lambda i: commands.latest(25)),
            ("latest 25, one organisation", COMMAND_MS, lambda i: commands.latest(25, org(i))),
            ("story by id", COMMAND_MS, lambda i: commands.story(story(i))),
            ("story by exact title", COMMAND_MS, lambda i: commands.story(title(i))),
            ("story, no match (suggestions)", COMMAND_MS, lambda i: commands.story(f"zebra minister {i}")),
            ("summary, 3 sentences", COMMAND_MS, lambda i: commands.summary(story(i), 3)),
            ("quotes of a story", COMMAND_MS, lambda i: commands.quotes(story=story(i))),
            ("quotes by speaker", COMMAND_MS, lambda i: commands.quotes(speaker=speaker(i))),
            (
                "quotes by speaker, lower case",
                COMMAND_MS,
                lambda i: commands.quotes(speaker=speaker(i).lower()),
            ),
            ("quotes, latest", COMMAND_MS, lambda i: commands.quotes()),
            ("funding of a story", COMMAND_MS, lambda i: commands.funding(story=story(i))),
            ("funding across stories", COMMAND_MS, lambda i: commands.funding()),
            ("funding >= £50m", COMMAND_MS, lambda i: commands.funding(min_amount="£50m")),
            (
                "search common word",
                SEARCH_MS,
                lambda i: commands.search(["minister", "funding", "police"][i % 3]),
            ),
            (
                "search two words",
                SEARCH_MS,
                lambda i: commands.search(["funding police", "rail towns"][i % 2]),
            ),
            ("search three words", SEARCH_MS, lambda i: commands.search("schools funding teachers")),
            ("search rare word", SEARCH_MS, lambda i: commands.search("reconnaissance")),
            ("search prefix", SEARCH_MS, lambda i: commands.search(["regen*", "fund*"][i % 2])),
            ("search hostile", SEARCH_MS, lambda i: commands.search('NEAR( "OR * drugs -x:y ^')),
            ("search, no match", SEARCH_MS, lambda i: commands.search("qwertyuiop")),
        ]
        for prefixes, method, label in (
            (
                ["", "r", "ra", "rai", "m", "mi", "min", "t", "to", "tow", "min fu"],
                commands.complete_story,
                "story",
            ),
            (["", "j", "jo", "joh", "p", "pa", "pat", "s", "sm"], commands.complete_speaker, "speaker"),
            (
                ["", "h", "ho", "hom", "d", "de", "dep", "o", "of"],
                commands.complete_organisation,
                "organisation",
            ),
        ):
            for length in (0, 1, 2, 3):
                chosen = [p for p in prefixes if len(p) == length] or prefixes
                cases.append(
                    (
                        f"autocomplete {label}, {length} letters",
                        AUTOCOMPLETE_MS,
                        lambda i, m=method, c=chosen: m(c[i % len(c)]),  # type: ignore[misc]
                    )
                )
        results = []
        for name, target, call in cases:
            timings = []
            for i in range(repeat):
                started = time.perf_counter()
                with contextlib.suppress(NewsBotError):  # "nothing found" is an answer too
                    await call(i)
                timings.append((time.perf_counter() - started) * 1000)
            p = statistics.quantiles(timings, n=100, method="inclusive")
            results.append((name, p[49], p[98], max(timings), target))
        return results


def main_commands(args: argparse.Namespace) -> int:
    db = Path(args.db)
    print(f"building {args.count:,} stories in {db} (kept for the next run)...", file=sys.stderr)
    build_large(db, args.count)
    print(f"/news answers at {args.count:,} stories, {args.repeat} runs each (ms)")
    print(
        f"CPU check: {cpu_check():.0f} ms for 1M additions (40–75 ms on the project's idle 2-core VM; higher means a busy machine)"
    )
    print(f"  {'case':<40} {'p50':>7} {'p99':>7} {'worst':>7} {'target':>7}")
    misses = 0
    for name, p50, p99, worst, target in asyncio.run(run_cases(db, args.repeat)):
        flag = "" if p99 < target else "  MISS"
        misses += bool(flag)
        print(f"  {name:<40} {p50:7.2f} {p99:7.2f} {worst:7.2f} {target:7.0f}{flag}")
    print(f"{misses} case(s) over target at p99; CPU check: {cpu_check():.0f} ms")
    return 0


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("commands", help="p50/p99 of every /news answer on a large database")
    parser.add_argument("--count", type=int, default=100_000, help="stories in the database (default 100000)")
    parser.add_argument("--repeat", type=int, default=200, help="runs per case (default 200)")
    parser.add_argument(
        "--db",
        default=str(Path(tempfile.gettempdir()) / "newsbot-bench-queries.db"),
        help="database to build or reuse (shared with `bench queries`)",
    )
    parser.set_defaults(handler=main_commands)
