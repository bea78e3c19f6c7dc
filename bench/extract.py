"""Extraction benchmark: time per story on real stories, and adversarial inputs that must stay fast.

    python -m bench extract [--repeat 20] [--timeout 10] [--json]

Part 1 times each extractor (quotes, money, summary) and the whole `extract()` on every story of the
dev corpus and the fixtures (../shared), with the naive baselines of bot.evaluate ("X said:" +
next paragraph, a currency regex, the lead sentence) timed in the same run as the yardstick: the
machine's speed and load change between runs, the ratio much less. Each story is run `--repeat`
times and its median kept; the table shows the mean, median, 95th percentile and maximum over
stories. The target is under 1 ms per typical story on one core.

Part 2 feeds each extractor adversarial inputs of about 1 MB (no punctuation, 10,000 "£1" tokens,
5,000 nested quotation marks, very long lines, ...). Each must finish in under 1 s; a catastrophic
regular-expression backtrack would not finish at all, so every run happens in a child process that
is stopped after `--timeout` seconds. The exit status is 1 when any adversarial input failed.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.errors import InputError
from bot.evaluate import baseline_money, baseline_quotes, baseline_summary, load_records
from bot.extract import extract
from bot.extract.money import extract_money
from bot.extract.quotes import extract_quotes
from bot.extract.summary import summarise
from bot.models import Block, BlockKind, Story
from bot.parsing import parse_document
from bot.parsing.text import parse_text

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO / ".." / "shared"
LIMIT_SECONDS = 1.0
TYPICAL_TARGET_MS = 1.0
MB = 1_000_000


def _baseline(story: Story) -> object:
    return baseline_quotes(story), baseline_money(story), baseline_summary(story)


SYSTEMS: dict[str, Callable[[Story], object]] = {
    "baseline (naive rules)": _baseline,
    "quotes": extract_quotes,
    "money": extract_money,
    "summary": summarise,
    "extract (all three)": extract,
}
EXTRACTORS: dict[str, Callable[[Story], object]] = {
    "quotes": extract_quotes,
    "money": extract_money,
    "summary": summarise,
}


def add_commands(commands: Any) -> None:
    parser = commands.add_parser(
        "extract",
        help="time the extractors per story and on adversarial inputs",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--repeat", type=int, default=20, help="runs per story (median kept; default 20)")
    parser.add_argument(
        "--timeout",
        type=float,
        default=10.0,
        help="seconds before an adversarial run is stopped (default 10)",
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    # The extractors warn about capped inputs (e.g. "more than 400 money mentions"); that is expected here.
    logging.basicConfig(level=logging.ERROR)
    stories = load_stories()
    if not stories:
        print(f"No stories found under {SHARED.resolve()} (corpus/dev/*.jsonl, fixtures/govuk/).")
        return 2
    typical = time_per_story(SYSTEMS, stories, args.repeat)
    adversarial = [
        run_adversarial(name, story, args.timeout) for name, story in adversarial_stories().items()
    ]
    failed = [case for case in adversarial if not case["ok"]]
    if args.json:
        print(json.dumps({"stories": len(stories), "typical": typical, "adversarial": adversarial}, indent=2))
    else:
        print(format_typical(len(stories), typical))
        print()
        print(format_adversarial(adversarial))
    return 1 if failed else 0


# --- typical stories -----------------------------------------------------------------------------


def load_stories() -> list[Story]:
    """Every story of the dev corpus (its text, as `run.py extract` reads it) and of the fixtures."""
    stories: list[Story] = []
    for path in sorted((SHARED / "corpus" / "dev").glob("*.jsonl")):
        stories.extend(parse_text(record["text"], record["id"]) for record in load_records(path))
    fixtures = SHARED / "fixtures" / "govuk"
    for path in sorted(fixtures.rglob("*")) if fixtures.is_dir() else ():
        if not path.is_file() or path.suffix == ".md":
            continue
        try:
            document = parse_document(path.read_bytes(), str(path))
        except InputError:
            continue
        stories.extend(document.stories)
        stories.extend(entry.story for entry in document.feed_entries if entry.story.blocks)
    return stories


def time_per_story(
    systems: dict[str, Callable[[Story], object]], stories: list[Story], repeat: int
) -> dict[str, dict[str, float]]:
    """Median CPU milliseconds per story over `repeat` runs, summarised over stories, per system.

    Every system is timed on a story before the next story, so a change in the machine's load
    lands on all rows alike, and CPU time (not wall time) keeps other processes out of it.
    """
    per_story: dict[str, list[float]] = {name: [] for name in systems}
    for story in stories:
        for name, function in systems.items():
            function(story)  # warm caches (compiled patterns, imports) before timing
            runs = []
            for _ in range(max(1, repeat)):
                start = time.process_time()
                function(story)
                runs.append(time.process_time() - start)
            per_story[name].append(statistics.median(runs) * 1000)
    return {name: _summarise_times(times) for name, times in per_story.items()}


def _summarise_times(per_story: list[float]) -> dict[str, float]:
    per_story = sorted(per_story)
    mean = statistics.fmean(per_story)
    return {
        "mean_ms": round(mean, 4),
        "median_ms": round(statistics.median(per_story), 4),
        "p95_ms": round(per_story[min(len(per_story) - 1, int(0.95 * len(per_story)))], 4),
        "max_ms": round(per_story[-1], 4),
        "stories_per_s": round(1000 / mean, 1) if mean else 0.0,
    }


def format_typical(count: int, typical: dict[str, dict[str, float]]) -> str:
    base = typical["baseline (naive rules)"]["mean_ms"]
    lines = [
        f"Per-story extraction CPU time over {count} stories (median of repeated runs per story), one core:",
        f"{'':<24}{'mean ms':>9}{'median':>9}{'p95':>9}{'max':>9}{'stories/s':>11}{'× baseline':>12}",
    ]
    for name, row in typical.items():
        ratio = row["mean_ms"] / base if base else 0.0
        lines.append(
            f"{name:<24}{row['mean_ms']:>9.3f}{row['median_ms']:>9.3f}{row['p95_ms']:>9.3f}"
            f"{row['max_ms']:>9.3f}{row['stories_per_s']:>11,.0f}{ratio:>12.1f}"
        )
    total = typical["extract (all three)"]["median_ms"]
    verdict = "met" if total < TYPICAL_TARGET_MS else "NOT met"
    lines.append(f"target: a typical story under {TYPICAL_TARGET_MS:g} ms ({verdict}: median {total:.3f} ms)")
    return "\n".join(lines)


# --- adversarial inputs --------------------------------------------------------------------------


def _story(*paragraphs: str) -> Story:
    blocks = tuple(Block(BlockKind.PARAGRAPH, text) for text in paragraphs)
    return Story("Adversarial input", blocks, "bench", "text")


def adversarial_stories() -> dict[str, Story]:
    """About 1 MB each, shaped to hit the worst case of a naive regular expression or loop."""
    sentence = "The minister said: “We will invest £5 million over 2 years in 3 towns.” "
    paragraph = "£1m for roads. Jo said: “Yes.”"
    return {
        "1 MB of words, no punctuation": _story("word " * (MB // 5)),
        "1 MB, one unbroken token": _story("a" * MB),
        '10,000 "£1" tokens, spaced': _story("£1 " * 10_000),
        '10,000 "£1" tokens, unspaced': _story("£1" * 10_000),
        "£ then 300,000 digit groups": _story("£" + "1," * (MB // 3)),
        "5,000 nested quotation marks": _story("“" * 5_000 + "said" + "”" * 5_000),
        "5,000 nested mixed quotes": _story("“‘" * 5_000 + "We will act" + "’”" * 5_000),
        "5,000 unclosed quotes and said:": _story(("X said: “" * 5_000) + "end"),
        # straight single marks open after a space: each could start a quote, and apostrophes abound
        "10,000 straight single quotes": _story(("Jo said: 'it's the workers' pay' " * 10_000).strip()),
        "1 MB line of quoted money sentences": _story(sentence * (MB // len(sentence.encode()))),
        "1 MB line of full stops and spaces": _story(". " * (MB // 2)),
        '20,000 "said:" paragraphs': _story(*(["Jo Smith said:", "We will act now."] * 10_000)),
        "1 MB of short paragraphs": _story(*([paragraph] * (MB // len(paragraph.encode())))),
    }


def _child(function_name: str, story: Story, queue: Any) -> None:
    function = EXTRACTORS[function_name]
    start = time.perf_counter()
    function(story)
    queue.put(time.perf_counter() - start)


def run_adversarial(name: str, story: Story, timeout: float) -> dict[str, Any]:
    """Time each extractor on one input, each in a child process stopped after `timeout` seconds."""
    size = sum(len(block.text.encode()) for block in story.blocks)
    seconds: dict[str, float | None] = {}
    context = multiprocessing.get_context("fork")  # the child inherits the input without pickling 1 MB
    for extractor in EXTRACTORS:
        queue = context.Queue()
        child = context.Process(target=_child, args=(extractor, story, queue), daemon=True)
        child.start()
        child.join(timeout)
        if child.is_alive():
            child.terminate()
            child.join()
            seconds[extractor] = None
        else:
            seconds[extractor] = queue.get() if not queue.empty() else None
    done = [s for s in seconds.values() if s is not None]
    total = sum(done) if len(done) == len(seconds) else None
    return {
        "input": name,
        "bytes": size,
        "seconds": {k: None if v is None else round(v, 4) for k, v in seconds.items()},
        "total_seconds": None if total is None else round(total, 4),
        "ok": total is not None and total < LIMIT_SECONDS,
    }


def format_adversarial(cases: list[dict[str, Any]]) -> str:
    names = list(EXTRACTORS)
    lines = [
        f"Adversarial inputs (each extractor in its own process; limit {LIMIT_SECONDS:g} s for all three):",
        f"{'input':<38}{'bytes':>10}" + "".join(f"{n:>10}" for n in names) + f"{'total s':>10}  result",
    ]
    for case in cases:
        cells = "".join(
            f"{'timeout' if case['seconds'][n] is None else format(case['seconds'][n], '.3f'):>10}"
            for n in names
        )
        total = "-" if case["total_seconds"] is None else f"{case['total_seconds']:.3f}"
        lines.append(
            f"{case['input']:<38}{case['bytes']:>10,}{cells}{total:>10}  {'ok' if case['ok'] else 'FAIL'}"
        )
    return "\n".join(lines)
