"""newsbot's command line: start the bot, ingest stories, list them, and the rest.

Each part of newsbot owns its subcommands (`bot/cli_*.py`); this file builds the parser, reads the
settings once and dispatches. Every subcommand sets `handler(settings, args) -> exit code`.
Exit codes: 0 success, 1 some inputs or operations failed, 2 usage or configuration errors.
The output here is for the person at the terminal, hence print.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli_bot import add_bot_commands, run_bot
from bot.cli_extract import add_extract_commands
from bot.config import Settings
from bot.console import add_console_command
from bot.errors import ConfigError, NewsBotError

if TYPE_CHECKING:
    from bot.ingest import InputResult

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
PROGRESS_MIN_INPUTS = 20  # below this a progress bar is just noise

SETTINGS_HELP = """\
settings (environment variables, or a .env file beside run.py; see .env.example):
  DISCORD_TOKEN              the bot's token (only needed to start the bot, sync and invite)
  NEWSBOT_DB_PATH            the SQLite database (default data/newsbot.db)
  NEWSBOT_CONTENT_API_BASE   where feed entries' bodies are fetched from (default https://www.gov.uk)
  NEWSBOT_LOG_LEVEL          DEBUG, INFO, WARNING... (default INFO)
  NEWSBOT_DEV_GUILD_ID       sync commands to this one server while developing
  NEWSBOT_DISCORD_API_BASE   REST base incl. /api/v10, e.g. a rate-limit proxy (unset: discord.py's own)
  NEWSBOT_POLL_MINUTES       how often followed feeds are polled (default 10)
  NEWSBOT_FEEDS              comma-separated Atom/RSS feeds to follow (default: GOV.UK news and press releases)
  NEWSBOT_DIGEST_TIME        when daily and weekly digests are posted (default 08:30)
  NEWSBOT_TIMEZONE           the IANA time zone of NEWSBOT_DIGEST_TIME (default Europe/London)
"""

INGEST_HELP = """\
Read GOV.UK news stories and store them. Each input may be:
  a file     plain text, Content API JSON, an Atom/RSS feed or a saved GOV.UK page
             (recognised by content, not by extension)
  a folder   every file in it and its subfolders, hidden files skipped
  a URL      http(s) address of a feed, a Content API item or a page

News entries in a feed are completed from the Content API (NEWSBOT_CONTENT_API_BASE); when that
fails the feed's summary is kept and the story is completed by a later ingest.

One line per input (per entry for feeds): new, updated, unchanged, skipped (why) or failed (why),
then the totals. Exit status: 0 when nothing failed, 1 when some input failed, 2 on usage errors.
Ingesting the same input twice is safe: the second run reports it unchanged."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="run.py",
        description="newsbot: follow UK government news on Discord. "
        "With no command, starts the bot (needs DISCORD_TOKEN).",
        epilog=SETTINGS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--db", type=Path, metavar="FILE", help="database file (default: NEWSBOT_DB_PATH or data/newsbot.db)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log what is happening to stderr")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")

    ingest = commands.add_parser(
        "ingest",
        help="store stories from files, folders and URLs",
        description=INGEST_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ingest.add_argument("inputs", nargs="+", metavar="PATH|URL", help="files, folders or http(s) URLs")
    ingest.set_defaults(handler=cmd_ingest)

    stories = commands.add_parser(
        "stories",
        help="list stored stories, newest first",
        description="List stored stories, newest first: short id, date first published, type and title. "
        "The short id is what the /news commands accept as a story.",
    )
    stories.add_argument(
        "--limit", type=_positive_int, default=20, metavar="N", help="how many to show (default 20)"
    )
    stories.set_defaults(handler=cmd_stories)

    # --- other parts wire their subcommands here, each from its own module -------------------
    add_extract_commands(commands)  # extract FILE..., reextract (bot/cli_extract.py)
    add_console_command(commands)  # console: the slash commands offline (bot/console.py)
    add_bot_commands(commands)  # sync, invite
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
    except ConfigError as error:
        print(error.user_message, file=sys.stderr)
        return EXIT_USAGE
    if args.db is not None:
        settings = replace(settings, db_path=args.db)
    if args.command is None:
        return run_bot(settings)  # the bot sets up its own (discord.py) logging
    logging.basicConfig(
        level=settings.log_level if args.verbose else logging.WARNING,
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.handler(settings, args))
    except NewsBotError as error:
        print(error.user_message, file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130


# --- ingest and stories --------------------------------------------------------------------------


def cmd_ingest(settings: Settings, args: argparse.Namespace) -> int:
    return asyncio.run(_ingest(settings, args.inputs))


async def _ingest(settings: Settings, inputs: list[str]) -> int:
    from bot.fetch import Fetcher
    from bot.ingest import STATUSES, IngestionService
    from bot.storage import open_store

    totals: Counter[str] = Counter()
    async with open_store(settings.db_path) as store, Fetcher() as fetcher:
        service = IngestionService(store, fetcher, settings.content_api_base)
        planned = await service.plan(inputs)
        progress = (
            _Progress(len(planned)) if sys.stderr.isatty() and len(planned) >= PROGRESS_MIN_INPUTS else None
        )
        async for result in service.ingest(planned):
            totals[result.status] += 1
            if progress:
                progress.clear()
            print(_result_line(result), flush=progress is not None)
            if progress:
                progress.show(result.input)
        if progress:
            progress.clear()
    counted = sum(totals.values())
    print(
        f"{counted} {'result' if counted == 1 else 'results'}: "
        + ", ".join(f"{totals[s]} {s}" for s in STATUSES)
    )
    return EXIT_FAILED if totals["failed"] else EXIT_OK


def _result_line(result: InputResult) -> str:
    line = f"{result.status:<9}  {result.input}"
    if result.story_id:
        line += f" → {result.story_id}"
    if result.reason:
        line += f": {result.reason}" if result.status in ("skipped", "failed") else f" ({result.reason})"
    return line


class _Progress:
    """A one-line progress bar on stderr (only used when stderr is a terminal)."""

    WIDTH = 30

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0

    def show(self, current: str) -> None:
        self.done += 1
        filled = self.WIDTH * min(self.done, self.total) // max(self.total, 1)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        sys.stderr.write(f"\r[{bar}] {self.done}/{self.total} {current[-40:]}")
        sys.stderr.flush()

    def clear(self) -> None:
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()


def cmd_stories(settings: Settings, args: argparse.Namespace) -> int:
    return asyncio.run(_stories(settings, args.limit))


async def _stories(settings: Settings, limit: int) -> int:
    from bot.storage import open_store

    async with open_store(settings.db_path) as store:
        stored = await store.latest(limit=limit)
    if not stored:
        print("No stories stored yet. Try: python run.py ingest data/samples")
        return EXIT_OK
    width = max(len(s.story.id) for s in stored)
    for item in stored:
        story = item.story
        date = story.published_at.date().isoformat() if story.published_at else "undated   "
        print(f"{story.id:<{width}}  {date}  {story.doc_type.label:<19}  {story.title}")
    return EXIT_OK


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        # The reader stopped early (`run.py stories | head`): nothing went wrong here. Point stdout
        # at /dev/null so the flush at exit cannot raise again (Python's documented recipe).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_FAILED)
