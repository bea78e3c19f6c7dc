"""The offline console: type /news commands at a prompt and read the answers as text.

`python run.py console` answers the same commands as the Discord bot, from the same command layer
(bot/commands.py), without a token: `/news summary story:<id> sentences:2`. On a terminal it is a
prompt with history; with stdin from a file or a pipe it reads one command per line, so it can be
scripted, and exits non-zero if any command failed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import re
import signal
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.commands import NewsCommands
from bot.errors import NewsBotError
from bot.presenting import Answer, render_text

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.storage import Store

log = logging.getLogger(__name__)

PROMPT = "newsbot> "
HISTORY_FILE = Path.home() / ".newsbot_history"
HISTORY_LENGTH = 1000
QUIT_WORDS = frozenset({"quit", "exit", "q", ":q"})


@dataclass(frozen=True, slots=True)
class Option:
    name: str
    description: str
    required: bool = False
    integer: bool = False
    verbatim: bool = False  # quotation marks are part of the value (search phrases)


# The slash commands' names, options and descriptions (cogs/news.py declares the same for Discord).
COMMANDS: dict[str, tuple[str, tuple[Option, ...]]] = {
    "latest": (
        "The newest stories, newest first",
        (
            Option("count", "How many stories (1 to 25, default 5)", integer=True),
            Option("organisation", "Only stories from this organisation"),
        ),
    ),
    "story": ("One story's card", (Option("story", "A story's id or title", required=True),)),
    "summary": (
        "The story's most telling sentences",
        (
            Option("story", "A story's id or title", required=True),
            Option("sentences", "How many sentences (1 to 5, default 1)", integer=True),
        ),
    ),
    "quotes": (
        "Quotes from a story, from one speaker, or the latest",
        (
            Option("story", "Only quotes from this story"),
            Option("speaker", "Only quotes from this person"),
        ),
    ),
    "funding": (
        "A story's funding figures, or the largest across stories",
        (
            Option("story", "Only figures from this story"),
            Option("min_amount", "Only figures of at least this much: 5000000, £5m, 5 million"),
        ),
    ),
    "search": (
        "Full-text search, best first",
        (
            Option(
                "query",
                'Words to find; "an exact phrase"; OR between alternatives',
                required=True,
                verbatim=True,
            ),
        ),
    ),
}


_ALL_OPTIONS = frozenset(o.name for _, options in COMMANDS.values() for o in options)


class ConsoleInputError(NewsBotError):
    """A console line that cannot be turned into a command."""


@dataclass(frozen=True, slots=True)
class Invocation:
    command: str
    options: dict[str, str | int]


_OPTION = re.compile(r"^([A-Za-z_]+):(.*)$", re.DOTALL)
_CURLY_QUOTES = str.maketrans({"“": '"', "”": '"'})
_TOKEN = re.compile(r'(?:[^\s"]|"[^"]*")+')


def parse_line(line: str) -> Invocation:
    """`/news summary story:"Cycling funding" sentences:2` -> Invocation("summary", {...}).

    Option values run until the next `name:` of that command, so quotes are only needed for a
    value that itself contains one; a value typed as one quoted string loses its marks, except a
    search query's, where quotation marks mark phrases as they do on Discord. Words before the
    first option belong to the first option (`/news story cycling-funding`).
    """
    line = line.translate(_CURLY_QUOTES)
    if line.count('"') % 2:
        raise ConsoleInputError('A quotation mark is not closed. Close it with " and try again.')
    # Words, with quoted stretches kept whole and as typed (a search phrase keeps its marks).
    tokens = _TOKEN.findall(line)
    if tokens and tokens[0].lstrip("/").lower() == "news":
        tokens = tokens[1:]
    elif tokens and tokens[0].startswith("/"):
        raise ConsoleInputError(f"There is no {tokens[0]} command here. Type help to see the /news commands.")
    if not tokens:
        raise ConsoleInputError("Which /news command? Type help to see them all.")
    name = tokens[0].lstrip("/").lower()
    if name not in COMMANDS:
        raise ConsoleInputError(
            f"There is no /news {name} command. Try one of: {', '.join(COMMANDS)} (or type help)."
        )
    options = COMMANDS[name][1]
    known = {option.name: option for option in options}
    values: dict[str, list[str]] = {}
    current: str | None = None
    for token in tokens[1:]:
        match = _OPTION.match(token)
        option_name = match.group(1).lower() if match else None
        if option_name in known:
            current = option_name
            if current in values:
                raise ConsoleInputError(f"You gave {current} twice. Give each option once.")
            values[current] = [match.group(2)] if match and match.group(2) else []
        elif option_name in _ALL_OPTIONS:
            raise ConsoleInputError(
                f"/news {name} has no {option_name} option. Its options are: {', '.join(known)}."
            )
        elif current is None:
            current = options[0].name  # words before any option belong to the first one
            values[current] = [token]
        else:
            values[current].append(token)

    parsed: dict[str, str | int] = {}
    for option_name, words in values.items():
        option = known[option_name]
        text = " ".join(words).strip()
        if not option.verbatim:
            text = _unquoted(text)
        if not text:
            continue
        if option.integer:
            try:
                parsed[option_name] = int(text)
            except ValueError:
                raise ConsoleInputError(f"{option_name} must be a whole number, not “{text}”.") from None
        else:
            parsed[option_name] = text
    for option in options:
        if option.required and option.name not in parsed:
            raise ConsoleInputError(f"/news {name} needs {option.name}. {_usage(name)}")
    return Invocation(name, parsed)


def _unquoted(value: str) -> str:
    """A value typed as one quoted string (`story:"Cycling funding: announced"`) without its marks;
    any other quotation marks are part of the value (`query:"rural roads" OR ferries`)."""
    if len(value) >= 2 and value[0] == value[-1] == '"' and value.count('"') == 2:
        return value[1:-1].strip()
    return value


def _usage(name: str) -> str:
    description, options = COMMANDS[name]
    parts = [f"{o.name}:<...>" if o.required else f"[{o.name}:<...>]" for o in options]
    return f"Usage: /news {' '.join([name, *parts])}"


def help_text(command: str | None = None) -> str:
    if command:
        name = command.lstrip("/").removeprefix("news").strip().lower()
        if name not in COMMANDS:
            return f"There is no /news {name} command. Type help to see them all.\n"
        description, options = COMMANDS[name]
        lines = [f"{_usage(name)}", f"  {description}."]
        lines += [f"  {o.name}: {o.description}" for o in options]
        return "\n".join(lines) + "\n"
    lines = ['Commands (options are name:value; quote a value with "..." if it contains a quote):']
    usages = {name: _usage(name).removeprefix("Usage: ") for name in COMMANDS}
    width = max(len(usage) for usage in usages.values())
    for name, (description, _) in COMMANDS.items():
        lines.append(f"  {usages[name]:<{width}}  {description}")
    lines += [
        "",
        "Examples:",
        "  /news latest count:3",
        "  /news search query:cycling",
        "  /news summary story:<an id from /news latest> sentences:2",
        "",
        "help <command> explains one command; quit (or Ctrl-D) leaves.",
    ]
    return "\n".join(lines) + "\n"


class Console:
    """Runs typed lines against the command layer and writes the answers."""

    def __init__(self, news: NewsCommands, stdout: TextIO, *, ansi: bool = False) -> None:
        self.news = news
        self.stdout = stdout
        self.ansi = ansi

    async def run_line(self, line: str) -> bool | None:
        """Answer one line: True if it worked, False if it failed, None to quit."""
        text = line.strip()
        if not text or text.startswith("#"):
            return True
        word = text.split()[0].lower()
        if word in QUIT_WORDS:
            return None
        if word in ("help", "/help", "?"):
            rest = text.split(maxsplit=1)[1:]
            self.stdout.write(help_text(rest[0] if rest else None))
            return True
        try:
            invocation = parse_line(text)
            answer = await self.dispatch(invocation)
        except NewsBotError as exc:
            self.stdout.write(exc.user_message + "\n")
            return False
        except Exception:
            log.exception("console command failed: %s", text)
            self.stdout.write("Something went wrong. It has been logged.\n")
            return False
        self.stdout.write(render_text(answer, ansi=self.ansi))
        return True

    async def dispatch(self, invocation: Invocation) -> Answer:
        method: Callable[..., Awaitable[Answer]] = getattr(self.news, invocation.command)
        return await method(**invocation.options)


async def run_console(store: Store, stdin: TextIO, stdout: TextIO) -> int:
    """The console loop. Returns the exit code: 1 if a scripted command failed, else 0."""
    interactive = stdin.isatty()
    console = Console(NewsCommands(store), stdout, ansi=interactive and stdout.isatty())
    if interactive:
        return await _interactive(console, store, stdin, stdout)
    failed = False
    for line in stdin:
        if line.strip() and not line.lstrip().startswith("#"):
            stdout.write(f"{PROMPT}{line.strip()}\n")
        outcome = await console.run_line(line)
        if outcome is None:
            break
        failed = failed or not outcome
        stdout.flush()
    return 1 if failed else 0


async def _interactive(console: Console, store: Store, stdin: TextIO, stdout: TextIO) -> int:
    count = await store.count()
    stdout.write(
        "newsbot console: type /news commands as you would in Discord. help lists them; quit leaves.\n"
    )
    if count:
        stdout.write(f"{count} {'story' if count == 1 else 'stories'} stored. Try: /news latest\n")
    else:
        stdout.write("No stories are stored yet. Add the samples first: python run.py ingest data/samples\n")
    read = _readline_reader(stdin, stdout)
    while True:
        try:
            line = read()
        except EOFError:
            stdout.write("\n")
            return 0
        except KeyboardInterrupt:
            stdout.write("\n(Ctrl-C: type quit or press Ctrl-D to leave.)\n")
            continue
        if await console.run_line(line) is None:
            return 0


def _readline_reader(stdin: TextIO, stdout: TextIO) -> Callable[[], str]:
    """A line reader with editing and history when this is the process's own terminal."""
    if stdin is not sys.stdin:

        def read_plain() -> str:
            stdout.write(PROMPT)
            stdout.flush()
            line = stdin.readline()
            if not line:
                raise EOFError
            return line

        return read_plain
    try:
        import readline
    except ImportError:  # Windows without pyreadline: input() still works, just without history
        return _prompt
    with contextlib.suppress(OSError):
        readline.read_history_file(HISTORY_FILE)
    readline.set_history_length(HISTORY_LENGTH)
    readline.set_completer(_completer())
    readline.parse_and_bind("tab: complete")
    import atexit

    atexit.register(_save_history, readline)
    return _prompt


def _prompt() -> str:
    """input(), with Ctrl-C raising KeyboardInterrupt here rather than cancelling the event loop's task
    (what asyncio.run's own handler would do), so it can just clear the line as a shell does."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return input(PROMPT)
    finally:
        signal.signal(signal.SIGINT, previous)


def _save_history(readline_module: object) -> None:
    with contextlib.suppress(OSError):
        readline_module.write_history_file(HISTORY_FILE)  # type: ignore[attr-defined]


def _completer() -> Callable[[str, int], str | None]:
    words = ["/news", *COMMANDS, "help", "quit"]
    words += sorted(f"{name}:" for name in _ALL_OPTIONS)

    def complete(text: str, state: int) -> str | None:
        matches = [w for w in words if w.startswith(text)]
        return matches[state] if state < len(matches) else None

    return complete


# --- `python run.py console` -------------------------------------------------------------------------


def add_console_command(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `console`; it sets `handler(settings, args) -> exit code` like the other subcommands."""
    parser = subparsers.add_parser(
        "console", help="type /news commands offline and read the answers (no Discord token needed)"
    )
    parser.set_defaults(handler=cmd_console)


def cmd_console(settings: Settings, args: argparse.Namespace) -> int:
    # Warnings and errors only: routine INFO lines would interleave with the answers.
    logging.basicConfig(
        level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )
    try:
        return asyncio.run(_open_and_run(settings))
    except KeyboardInterrupt:
        return 130


async def _open_and_run(settings: Settings) -> int:
    from bot.extract import reextract_stored
    from bot.storage import open_store

    async with open_store(settings.db_path) as store:
        await reextract_stored(store)  # answers from the current extractors, not an older version's
        return await run_console(store, sys.stdin, sys.stdout)
