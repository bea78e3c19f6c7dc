"""Ingestion benchmark: parse and store thousands of stories built from the fixtures' shapes.

The documents are written to files first (not timed), as `python run.py ingest FOLDER` would
find them. Each size then runs in a fresh child process on a fresh database, so its peak RSS is
its own: flat peaks across sizes mean memory does not grow with the batch.

- parse + store: read, parse and store each file in the batches ingestion commits, with fake
  extraction rows of a typical size (issue #2's target: 1,000 stories/s on one core);
- the naive baseline, in the same run: the same stories stored the naive way, one INSERT and one
  commit per story, no FTS, default (rollback journal, synchronous=FULL) SQLite settings;
- with extraction: the real `IngestionService` over the folder with the real extractors, which is
  exactly what `python run.py ingest FOLDER` does (issue #3's target: 500 stories/s).

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
from bot.fetch import Fetcher
from bot.ingest import IngestionService
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


def write_documents(count: int, folder: Path) -> None:
    """`documents(count)` as numbered files in `folder`, in the formats' usual extensions."""
    for i, data in enumerate(documents(count)):
        suffix = ".json" if data.startswith(b"{") else ".txt"
        (folder / f"{i:06d}{suffix}").write_bytes(data)


def document_files(folder: Path) -> list[Path]:
    return sorted(folder.iterdir())


# --- one size, in a child process -------------------------------------------------------------


async def measure_ours(
    folder: Path, db: Path, extractor: Callable[[Story, int], Extraction]
) -> dict[str, float]:
    """Wall and CPU time (this process, all threads) for read + parse, extract, store, and all
    together, batched as IngestionService batches."""
    parse_s = store_s = parse_cpu = store_cpu = extract_s = extract_cpu = 0.0
    files = document_files(folder)
    async with open_store(db) as store:
        started, started_cpu = time.perf_counter(), time.process_time()
        batch: list[tuple[int, Story]] = []
        batch_started = 0.0
        for i, path in enumerate(files):
            t0, c0 = time.perf_counter(), time.process_time()
            story = parse_document(path.read_bytes(), str(path)).stories[0]
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
                or i == len(files) - 1
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
        assert await store.count() == len(files)
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


async def measure_service(folder: Path, db: Path) -> dict[str, float]:
    """`python run.py ingest FOLDER` without its printing: the real IngestionService and
    extractors, with the extractors' own share timed."""
    extract_s = extract_cpu = 0.0

    def timed_extract(story: Story) -> Extraction:
        nonlocal extract_s, extract_cpu
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            return extract(story)
        finally:
            extract_s += time.perf_counter() - t0
            extract_cpu += time.process_time() - c0

    async with open_store(db) as store, Fetcher() as fetcher:
        service = IngestionService(store, fetcher, extractor=timed_extract)
        started, started_cpu = time.perf_counter(), time.process_time()
        statuses = [result.status async for result in service.ingest([str(folder)])]
        total, total_cpu = time.perf_counter() - started, time.process_time() - started_cpu
    assert statuses == ["new"] * len(document_files(folder)), set(statuses)
    return {"total_s": total, "total_cpu": total_cpu, "extract_s": extract_s, "extract_cpu": extract_cpu}


def measure_baseline(folder: Path, db: Path) -> dict[str, float]:
    """The naive store of the same parsed stories: one INSERT + commit each, no FTS, defaults."""
    conn = sqlite3.connect(db)
    conn.execute(
        "CREATE TABLE stories (id INTEGER PRIMARY KEY, key TEXT UNIQUE, title TEXT, body TEXT, published TEXT)"
    )
    conn.commit()
    store_s = store_cpu = 0.0
    for path in document_files(folder):
        story = parse_document(path.read_bytes(), str(path)).stories[0]
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


def child(folder: Path, which: str) -> None:
    checked_before = cpu_check()  # this VM's speed changes from minute to minute: say which it was
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        if which == "baseline":
            result = measure_baseline(folder, db)
        elif which == "service":
            result = asyncio.run(measure_service(folder, db))
        else:
            result = asyncio.run(measure_ours(folder, db, fake_extraction))
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["cpu_check_ms"] = [checked_before, cpu_check()]
    print(json.dumps(result))


def run_child(folder: Path, which: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-m", "bench", "ingest", "--child", which, "--folder", str(folder)],
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
        child(Path(args.folder), args.child)
        return 0
    sizes = sorted({max(args.count // 4, 1), max(args.count // 2, 1), args.count})
    print(f"{len(templates())} fixture shapes written to files first; one process per size and measurement")
    print("CPU checks: before/after parse+store, the naive store and run.py ingest (ms for 1M additions)")
    print(
        f"CPU check: {cpu_check():.0f} ms for 1M additions (40–75 ms on the project's idle 2-core VM; higher means a busy machine)"
    )
    print("stories per second by wall clock, and [per CPU-second of this process], which a busy")
    print("machine disturbs less. parse + store uses fake extraction rows; 'run.py ingest' is the real")
    print("IngestionService with the real extractors (module docstring)")
    print(
        f"{'stories':>8} {'parse+store/s':>18} {'read+parse/s':>18} {'store/s':>18} {'peak RSS':>9}"
        f" {'naive store/s':>18} {'naive RSS':>10} {'run.py ingest/s':>18} {'extract/s':>18} {'RSS':>6}"
        f" {'CPU checks, ms':>16}"
    )
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            write_documents(size, folder)
            ours = run_child(folder, "ours")
            naive = run_child(folder, "baseline")
            service = run_child(folder, "service")
        print(
            f"{size:>8} {_rates(size, ours, 'total'):>18} {_rates(size, ours, 'parse'):>18}"
            f" {_rates(size, ours, 'store'):>18} {ours['peak_rss_mb']:>7.0f}MB"
            f" {_rates(size, naive, 'store'):>18} {naive['peak_rss_mb']:>8.0f}MB"
            f" {_rates(size, service, 'total'):>18} {_rates(size, service, 'extract'):>18}"
            f" {service['peak_rss_mb']:>4.0f}MB {_checks(ours, naive, service):>16}"
        )
    print(f"CPU check: {cpu_check():.0f} ms")
    return 0


def _checks(*results: dict[str, Any]) -> str:
    """The CPU check before and after each measurement of a row: a row whose checks differ ran
    while the machine changed speed."""
    return "/".join(f"{check:.0f}" for result in results for check in result["cpu_check_ms"])


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
    ingest.add_argument("--child", choices=("ours", "baseline", "service"), help=argparse.SUPPRESS)
    ingest.add_argument("--folder", help=argparse.SUPPRESS)
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
