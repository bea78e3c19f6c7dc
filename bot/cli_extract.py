"""`run.py extract FILE...` and `run.py reextract`: the extractors from the command line.

`extract` reads files in any format the ingester accepts and prints what the extractors find,
touching no database; with `--json`, one JSON object per story per line (a feed gives one per
entry), which is also how extraction quality is judged. `reextract` runs the current extractors
over stored stories extracted by an older version (`bot.extract.reextract_stored`, which startup
can call too). The output here is for the person at the terminal, hence print.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.errors import InputError
from bot.extract import EXTRACTOR_VERSION, ReextractReport, extract, reextract_stored
from bot.models import Extraction, Story
from bot.parsing import MAX_INPUT_BYTES, parse_document
from bot.storage import open_store

if TYPE_CHECKING:
    from bot.config import Settings

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED = 0, 1

EXTRACT_HELP = """\
Print the quotes, money figures and summary the extractors find in each FILE (plain text,
Content API JSON, an Atom/RSS feed or a saved GOV.UK page; recognised by content). No database
is read or written. A feed gives one result per entry, from what the feed itself carries.

With --json, one JSON object per story per line:
  {"file", "title", "published": "YYYY-MM-DD" or null, "summary",
   "quotes": [{"speaker", "role", "text"}],
   "money": [{"surface", "amount", "currency", "is_funding", "purpose", "funder", "period", "part_of"}]}
An unreadable file gets an error line on stderr and the others are still processed; the exit
status is 1 when any file failed."""

REEXTRACT_HELP = f"""\
Run the current extractors (version {EXTRACTOR_VERSION}) over every stored story that was extracted
by an older version, and store the new quotes, money figures and summaries."""


def add_extract_commands(commands: Any) -> None:
    """Add `extract` and `reextract` to run.py's subcommands (an argparse subparsers object)."""
    parser = commands.add_parser(
        "extract",
        help="print quotes, money and summaries found in files (no database)",
        description=EXTRACT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="story files to read")
    parser.add_argument("--json", action="store_true", help="one JSON object per story per line")
    parser.set_defaults(handler=cmd_extract)

    parser = commands.add_parser(
        "reextract",
        help="re-run the extractors on stored stories extracted by an older version",
        description=REEXTRACT_HELP,
    )
    parser.set_defaults(handler=cmd_reextract)


# --- extract -------------------------------------------------------------------------------------


def cmd_extract(settings: Settings, args: argparse.Namespace) -> int:
    failed = 0
    for path in args.files:
        try:
            stories = list(read_stories(path))
        except (InputError, OSError) as error:
            failed += 1
            print(f"error: {path}: {_reason(error)}", file=sys.stderr)
            continue
        for story in stories:
            try:
                extraction = extract(story)
            except Exception:
                # A bug in one extractor must not hide the results for the other files.
                log.exception("extraction failed for %s", path)
                failed += 1
                print(
                    f"error: {path}: extraction failed for “{story.title}” (a bug; see the log)",
                    file=sys.stderr,
                )
                continue
            if args.json:
                print(json.dumps(extraction_record(str(path), story, extraction), ensure_ascii=False))
            else:
                print(format_extraction(str(path), story, extraction))
    return EXIT_FAILED if failed else EXIT_OK


def read_stories(path: Path) -> Iterator[Story]:
    """The stories in one file: one for a story file, one per entry for a feed."""
    if path.is_dir():
        raise InputError("is a folder; give the files inside it.")
    with path.open("rb") as handle:
        # Read one byte past the limit so parse_document can say the file is too large.
        data = handle.read(MAX_INPUT_BYTES + 1)
    document = parse_document(data, str(path))
    yield from document.stories
    for entry in document.feed_entries:
        yield entry.story


def _reason(error: Exception) -> str:
    if isinstance(error, InputError):
        return error.user_message
    if isinstance(error, FileNotFoundError):
        return "no such file."
    if isinstance(error, PermissionError):
        return "permission denied."
    return error.strerror or str(error) if isinstance(error, OSError) else str(error)


def extraction_record(file: str, story: Story, extraction: Extraction) -> dict[str, Any]:
    """The `extract --json` object for one story. Field names are part of the interface: keep them."""
    return {
        "file": file,
        "title": story.title,
        "published": _published(story),
        "summary": extraction.summary_text(1),
        "quotes": [{"speaker": q.speaker, "role": q.role, "text": q.text} for q in extraction.quotes],
        "money": [
            {
                "surface": m.surface,
                "amount": m.json_amount,
                "currency": m.currency,
                "is_funding": m.is_funding,
                "purpose": m.purpose,
                "funder": m.funder,
                "period": m.period,
                "part_of": m.part_of,
            }
            for m in extraction.money
        ],
    }


def _published(story: Story) -> str | None:
    """The first-published date; a feed entry only states when it was last updated, so that instead."""
    when = story.published_at or story.updated_at
    return when.date().isoformat() if when else None


def format_extraction(file: str, story: Story, extraction: Extraction) -> str:
    """A readable report of one story's extraction."""
    published = _published(story) or "undated"
    lines = [f"== {story.title}", f"   {file} · {published}", "", "Summary:"]
    lines.append(f"  {extraction.summary_text(1) or '(no narrative sentence found)'}")
    lines.append("")
    lines.append(f"Quotes ({len(extraction.quotes)}):" if extraction.quotes else "Quotes: none found")
    for quote in extraction.quotes:
        who = quote.speaker or "(unknown speaker)"
        if quote.role:
            who += f", {quote.role}"
        text = " ".join(quote.text.split())
        lines.append(f"  {who}: “{text[:300]}{'…' if len(text) > 300 else ''}”")
    lines.append("")
    lines.append(f"Money ({len(extraction.money)}):" if extraction.money else "Money: none found")
    for money in extraction.money:
        kind = "funding" if money.is_funding else "other"
        # Labelled rather than read as a phrase: a purpose is often a verb phrase ("expand breakfast clubs").
        details = [
            f"{label}: {value}"
            for label, value in (
                ("purpose", money.purpose),
                ("funder", money.funder),
                ("period", money.period),
                ("part of", money.part_of),
            )
            if value
        ]
        amount = f"{money.json_amount:,} {money.currency}"
        lines.append(f"  {money.surface} = {amount} [{kind}]" + (f" {'; '.join(details)}" if details else ""))
    return "\n".join(lines) + "\n"


# --- reextract -----------------------------------------------------------------------------------


def cmd_reextract(settings: Settings, args: argparse.Namespace) -> int:
    report = asyncio.run(_reextract(settings))
    if not report.updated and not report.failed:
        print(f"Nothing to do: every stored story was extracted by version {EXTRACTOR_VERSION}.")
    else:
        print(f"Re-extracted {report.updated} stories with extractor version {EXTRACTOR_VERSION}.")
    if report.failed:
        print(f"{report.failed} stories failed (details in the log; run with -v).", file=sys.stderr)
    return EXIT_FAILED if report.failed else EXIT_OK


async def _reextract(settings: Settings) -> ReextractReport:
    async with open_store(settings.db_path) as store:
        return await reextract_stored(store)
