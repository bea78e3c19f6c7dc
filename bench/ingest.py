"""Ingestion benchmark: parse and store thousands of stories built from the fixtures' shapes.

Each size runs in a fresh child process on a fresh database, so its peak RSS is its own: flat
peaks across sizes mean memory does not grow with the batch. The baseline in the same run is the
naive way to store the same parsed stories: one INSERT and one commit per story, no FTS, default
(rollback journal, synchronous=FULL) SQLite settings. A third run per size does what ingestion
really does, with the extractors (bot.extract) in place of the fake extraction rows: issue #3's
target for it is 500 stories/s.

    python -m bench ingest [--count 4000]      # sizes count/4, count/2 and count
    python -m bench queries [--count 100000]   # search and autocomplete timings at scale
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from bot import storage
from bot.extract import extract
from bot.models import Extraction, Money, Quote, Story
from bot.parsing import parse_document
from bot.storage import SAVE_BATCH_SECONDS, SAVE_BATCH_STORIES, open_store

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / ".." / "shared" / "fixtures" / "govuk"
WORDS = [
    "minister",
    "announces",
    "funding",
    "council",
    "schools",
    "hospitals",
    "transport",
    "rail",
    "roads",
    "police",
    "crime",
    "housing",
    "energy",
    "climate",
    "farmers",
    "fishing",
    "trade",
    "export",
    "defence",
    "veterans",
    "nurses",
    "teachers",
    "apprentices",
    "digital",
    "broadband",
    "rural",
    "coastal",
    "towns",
    "regeneration",
    "science",
    "research",
    "innovation",
    "skills",
    "justice",
    "courts",
    "prisons",
    "borders",
    "visas",
    "tax",
    "pensions",
    "benefits",
    "carers",
    "children",
    "families",
    "health",
    "mental",
    "wellbeing",
]
SPEAKERS = [
    f"{first} {last}"
    for first in ("Jo", "Sam", "Alex", "Priya", "Tom", "Aisha", "Ben", "Chloe")
    for last in ("Johnson", "Patel", "Smith", "Khan", "Evans", "Wright", "Hughes", "Murphy")
]


def templates() -> list[tuple[str, bytes]]:
    """(kind, bytes) of every Content API fixture and the plain-text seed."""
    folder = FIXTURES.resolve()
    if not folder.is_dir():
        raise SystemExit(f"bench needs the shared fixtures at {folder} (../shared beside the repo).")
    found = [("content_api", p.read_bytes()) for p in sorted((folder / "content-api").glob("*.json"))]
    found.append(("text", (folder / "seed-news-story.txt").read_bytes()))
    return found


def documents(count: int, seed: int = 1) -> Iterator[bytes]:
    """`count` distinct documents, made one at a time (so the bench's own memory stays flat):
    the fixtures with new titles, paths, ids and dates."""
    rng = random.Random(seed)
    shapes = templates()
    items = [json.loads(raw) if kind == "content_api" else None for kind, raw in shapes]
    for i in range(count):
        kind, raw = shapes[i % len(shapes)]
        words = " ".join(rng.sample(WORDS, 4))
        template = items[i % len(shapes)]
        if template is None:
            first, _, rest = raw.decode("utf-8").partition("\n")
            yield f"News story: {words.capitalize()} {i}\n{rest}".encode()
            continue
        item = dict(template)
        slug = f"{words.replace(' ', '-')}-{i}"
        item["title"] = f"{words.capitalize()} {i}: {template['title']}"
        item["base_path"] = f"/government/news/{slug}"
        item["content_id"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        item["public_updated_at"] = f"20{10 + i % 15:02d}-{1 + i % 12:02d}-{1 + i % 28:02d}T09:30:00+00:00"
        yield json.dumps(item, ensure_ascii=False).encode()


def fake_extraction(story: Story, i: int) -> Extraction:
    """Extraction rows of a typical size (the extractors' own speed is their benchmark's)."""
    return Extraction(
        quotes=(Quote(SPEAKERS[i % len(SPEAKERS)], "Minister", "We are delivering.", 1),),
        money=(Money(f"£{i % 90 + 1} million", Decimal((i % 90 + 1) * 1_000_000), "GBP", True, 2),),
        version=1,
    )


# --- one size, in a child process -------------------------------------------------------------


async def measure_ours(
    count: int, db: Path, extractor: Callable[[Story, int], Extraction]
) -> dict[str, float]:
    """Wall and CPU time (this process, all threads) for parse, extract, store, and all together."""
    parse_s = store_s = parse_cpu = store_cpu = extract_s = extract_cpu = 0.0
    async with open_store(db) as store:
        started, started_cpu = time.perf_counter(), time.process_time()
        batch: list[tuple[int, Story]] = []
        batch_started = 0.0
        for i, data in enumerate(documents(count)):
            t0, c0 = time.perf_counter(), time.process_time()
            story = parse_document(data, f"bench-{i}").stories[0]
            parse_s += time.perf_counter() - t0
            parse_cpu += time.process_time() - c0
            if not batch:
                batch_started = time.monotonic()
            batch.append((i, story))
            # the batches IngestionService.ingest commits: SAVE_BATCH_STORIES or _SECONDS, whichever
            # first, each extracted back to back just before it is stored
            if (
                len(batch) >= SAVE_BATCH_STORIES
                or time.monotonic() - batch_started >= SAVE_BATCH_SECONDS
                or i == count - 1
            ):
                t2, c2 = time.perf_counter(), time.process_time()
                extracted = [(story, extractor(story, n)) for n, story in batch]
                extract_s += time.perf_counter() - t2
                extract_cpu += time.process_time() - c2
                t1, c1 = time.perf_counter(), time.process_time()
                await store.save_many(extracted)
                store_s += time.perf_counter() - t1
                store_cpu += time.process_time() - c1
                batch = []
        total, total_cpu = time.perf_counter() - started, time.process_time() - started_cpu
        assert await store.count() == count
    return {
        "total_s": total,
        "total_cpu": total_cpu,
        "parse_s": parse_s,
        "parse_cpu": parse_cpu,
        "store_s": store_s,
        "store_cpu": store_cpu,
        "extract_s": extract_s,
        "extract_cpu": extract_cpu,
    }


def real_extraction(story: Story, i: int) -> Extraction:
    return extract(story)


def measure_baseline(count: int, db: Path) -> dict[str, float]:
    """The naive store of the same parsed stories: one INSERT + commit each, no FTS, defaults."""
    conn = sqlite3.connect(db)
    conn.execute(
        "CREATE TABLE stories (id INTEGER PRIMARY KEY, key TEXT UNIQUE, title TEXT, body TEXT, published TEXT)"
    )
    conn.commit()
    store_s = store_cpu = 0.0
    for i, data in enumerate(documents(count)):
        story = parse_document(data, f"bench-{i}").stories[0]
        started, started_cpu = time.perf_counter(), time.process_time()
        conn.execute(
            "INSERT INTO stories (key, title, body, published) VALUES (?, ?, ?, ?)",
            (
                story.identity_key,
                story.title,
                json.dumps([b.to_json() for b in story.blocks], ensure_ascii=False),
                story.published_at.isoformat() if story.published_at else None,
            ),
        )
        conn.commit()
        store_s += time.perf_counter() - started
        store_cpu += time.process_time() - started_cpu
    conn.close()
    return {"store_s": store_s, "store_cpu": store_cpu}


def child(count: int, which: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        if which == "baseline":
            result = measure_baseline(count, db)
        else:
            extractor = real_extraction if which == "extract" else fake_extraction
            result = asyncio.run(measure_ours(count, db, extractor))
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def run_child(count: int, which: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-m", "bench", "ingest", "--child", which, "--count", str(count)],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def cpu_check() -> float:
    """Milliseconds for a fixed pure-Python loop: on a shared machine, read the rates against it."""
    started = time.perf_counter()
    total = 0
    for i in range(1_000_000):
        total += i
    return (time.perf_counter() - started) * 1000


def main_ingest(args: argparse.Namespace) -> int:
    if args.child:
        child(args.count, args.child)
        return 0
    sizes = sorted({max(args.count // 4, 1), max(args.count // 2, 1), args.count})
    print(f"parse + store (fake extraction rows), one process per size, {len(templates())} fixture shapes")
    print(
        f"CPU check: {cpu_check():.0f} ms for 1M additions (40–75 ms on the project's idle 2-core VM; higher means a busy machine)"
    )
    print("stories per second by wall clock, and [per CPU-second of this process], which a busy")
    print("machine disturbs less; the naive baseline stores the same parsed stories (module docstring)")
    print(
        f"{'stories':>8} {'parse+store/s':>18} {'parse/s':>18} {'store/s':>18} {'peak RSS':>9}"
        f" {'naive store/s':>18} {'naive RSS':>10} {'with extraction/s':>18} {'extract/s':>18}"
    )
    for size in sizes:
        ours = run_child(size, "ours")
        naive = run_child(size, "baseline")
        extracting = run_child(size, "extract")
        print(
            f"{size:>8} {_rates(size, ours, 'total'):>18} {_rates(size, ours, 'parse'):>18}"
            f" {_rates(size, ours, 'store'):>18} {ours['peak_rss_mb']:>7.0f}MB"
            f" {_rates(size, naive, 'store'):>18} {naive['peak_rss_mb']:>8.0f}MB"
            f" {_rates(size, extracting, 'total'):>18} {_rates(size, extracting, 'extract'):>18}"
        )
    print(f"CPU check: {cpu_check():.0f} ms")
    return 0


def _rates(size: int, result: dict[str, float], part: str) -> str:
    return f"{size / result[part + '_s']:,.0f} [{size / max(result[part + '_cpu'], 1e-9):,.0f}]"


# --- query timings at scale ---------------------------------------------------------------------


def build_large(db: Path, count: int) -> None:
    """Fill `db` up to `count` stories with the store's own save (same SQL, same triggers).

    It calls the store's transaction function directly on a plain sqlite3 connection, skipping
    only the hop to aiosqlite's thread, so a 100,000-story database builds in minutes.
    """

    async def migrate() -> int:
        async with open_store(db) as store:
            return await store.count()

    have = asyncio.run(migrate())
    if have >= count:
        return
    shapes = [parse_document(data, "bench").stories[0] for data in documents(len(templates()))]
    rng = random.Random(7)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    started = time.perf_counter()
    for i in range(have, count):
        base = shapes[i % len(shapes)]
        words = " ".join(rng.sample(WORDS, 5))
        story = replace(
            base,
            title=f"{words.capitalize()} {i}",
            base_path=f"/government/news/{words.replace(' ', '-')}-{i}",
            content_id=f"bench-{i}",
        )
        storage._in_transaction(conn, storage._save_one, story, fake_extraction(story, i))
        if (i + 1) % 10000 == 0:
            rate = (i + 1 - have) / (time.perf_counter() - started)
            print(f"  built {i + 1:,} stories ({rate:,.0f}/s)", file=sys.stderr)
    conn.close()


async def time_queries(db: Path) -> list[tuple[str, float, float]]:
    async with open_store(db) as store:
        some_id = (await store.latest(1))[0].story.id
        calls: list[tuple[str, Callable[[], Awaitable[Any]]]] = [
            ("search common word 'minister'", lambda: store.search("minister")),
            ("search two words 'funding police'", lambda: store.search("funding police")),
            ("search rare word 'reconnaissance'", lambda: store.search("reconnaissance")),
            ("search prefix 'regen*'", lambda: store.search("regen*")),
            ("search hostile 'NEAR( \"OR *'", lambda: store.search('NEAR( "OR * drugs')),
            ("complete_stories 'm'", lambda: store.complete_stories("m")),
            ("complete_stories 'min fund'", lambda: store.complete_stories("min fund")),
            ("complete_speakers 'Johns'", lambda: store.complete_speakers("Johns")),
            ("complete_speakers ''", lambda: store.complete_speakers("")),
            ("complete_organisations 'off'", lambda: store.complete_organisations("off")),
            ("find_story by title words", lambda: store.find_story("zebra minister council")),
            ("latest 5", lambda: store.latest(5)),
            ("latest 5, one organisation", lambda: store.latest(5, organisation="home-office")),
            ("quotes by speaker", lambda: store.quotes(speaker="Jo Johnson")),
            ("funding >= £50m", lambda: store.funding(min_amount=Decimal(50_000_000))),
            ("funding, latest", lambda: store.funding()),
            ("quotes, latest", lambda: store.quotes()),
            ("get by id", lambda: store.get(some_id)),
        ]
        results = []
        for name, call in calls:
            timings = []
            for _ in range(7):
                started = time.perf_counter()
                try:
                    await call()
                except Exception as error:  # StoryNotFound is an expected answer here
                    if type(error).__name__ != "StoryNotFound":
                        raise
                timings.append((time.perf_counter() - started) * 1000)
            results.append((name, statistics.median(timings), max(timings)))
        return results


def main_queries(args: argparse.Namespace) -> int:
    db = Path(args.db)
    print(f"building {args.count:,} stories in {db} (kept for the next run)...", file=sys.stderr)
    build_large(db, args.count)
    print(f"query timings at {args.count:,} stories (median and worst of 7, ms)")
    for name, median, worst in asyncio.run(time_queries(db)):
        print(f"  {name:<36} {median:7.2f} {worst:7.2f}")
    return 0


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ingest = commands.add_parser(
        "ingest", help="parse+store (and with the extractors) stories/s and peak memory at three sizes"
    )
    ingest.add_argument("--count", type=int, default=4000, help="largest size (default 4000)")
    ingest.add_argument("--child", choices=("ours", "baseline", "extract"), help=argparse.SUPPRESS)
    ingest.set_defaults(handler=main_ingest)
    queries = commands.add_parser("queries", help="search and autocomplete timings on a large database")
    queries.add_argument(
        "--count", type=int, default=100_000, help="stories in the database (default 100000)"
    )
    queries.add_argument(
        "--db",
        default=str(Path(tempfile.gettempdir()) / "newsbot-bench-queries.db"),
        help="database to build",
    )
    queries.set_defaults(handler=main_queries)
