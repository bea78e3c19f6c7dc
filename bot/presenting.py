"""Answers as abstract cards: what every command returns, whoever shows it.

The command layer (bot/commands.py) builds `Card`s whose text is Discord-flavoured Markdown in a
small, known subset: `**bold**`, `[text](https://...)` links, `` `code` `` for ids and backslash
escapes for everything taken from stories (see `escape_markdown`). The cogs turn cards into
embeds; the console turns them into plain text with `render_text`. `Answer` always holds cards
that fit Discord's embed limits (`fit` runs when an Answer is made), so nothing downstream can
get a 400 for an oversized embed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

# Discord's embed limits. Discord counts characters; we count UTF-16 code units, which is never
# fewer, so an astral character (emoji) can never tip a card over the limit.
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_COUNT_LIMIT = 25
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
TOTAL_LIMIT = 6000
CONTENT_LIMIT = 2000  # a message's own text, outside the embed

ELLIPSIS = "…"
ZWSP = "\u200b"
# Discord rejects empty field names and values; a zero-width space is the usual stand-in.
BLANK = ZWSP

OGL_ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0."


@dataclass(frozen=True, slots=True)
class CardField:
    name: str
    value: str
    inline: bool = False


@dataclass(frozen=True, slots=True)
class Card:
    """One embed's worth of answer. `footer` is plain text (Discord shows no Markdown there)."""

    title: str = ""
    description: str = ""
    url: str | None = None
    fields: tuple[CardField, ...] = ()
    footer: str | None = None
    timestamp: datetime | None = None

    def __post_init__(self) -> None:
        # Accept any iterable of fields but keep the card immutable and hashable.
        object.__setattr__(self, "fields", tuple(self.fields))

    @property
    def size(self) -> int:
        """What Discord counts towards the 6,000 total."""
        return (
            units(self.title)
            + units(self.description)
            + sum(units(f.name) + units(f.value) for f in self.fields)
            + units(self.footer or "")
        )


@dataclass(frozen=True, slots=True)
class Answer:
    """What a command returns: one or more pages (each one embed), shown privately or not.

    The pages are fitted to Discord's limits on construction; `content` is short plain text sent
    with the first page (or alone when there are no pages).
    """

    pages: list[Card] = field(default_factory=list)
    ephemeral: bool = False
    content: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "pages", fit(self.pages))
        if self.content is not None:
            object.__setattr__(self, "content", truncate(self.content, CONTENT_LIMIT))


# --- measuring and trimming ---------------------------------------------------------------


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def units(text: str) -> int:
    """Length in UTF-16 code units: astral characters (most emoji) count twice."""
    return len(text) if text.isascii() else len(text) + len(_ASTRAL.findall(text))


_WORD_BREAK_WINDOW = 40  # look this far back for a space, so words are not cut in half


def truncate(text: str, limit: int) -> str:
    """`text` if it fits in `limit` units, else its start plus "…", within `limit`.

    Never leaves half a surrogate pair, a dangling backslash escape, a character without its
    combining marks, an unclosed `**`, `` ` `` or link; prefers to cut between words.
    """
    if units(text) <= limit:
        return text
    if limit <= _CLOSER_ROOM + units(ELLIPSIS):
        return ELLIPSIS[:limit]
    cut = _safe_cut(text, _index_for_units(text, limit - units(ELLIPSIS) - _CLOSER_ROOM))
    space = text.rfind(" ", max(0, cut - _WORD_BREAK_WINDOW), cut + 1)
    if space > 0:
        cut = _safe_cut(text, space)
    return _close_markup(text[:cut]) + ELLIPSIS


# Room kept for what `_close_markup` may add ("`" and "**").
_CLOSER_ROOM = 3


def _index_for_units(text: str, budget: int) -> int:
    """How many characters of `text` fit in `budget` UTF-16 units."""
    used = 0
    for index, ch in enumerate(text):
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > budget:
            return index
    return len(text)


def _safe_cut(text: str, cut: int) -> int:
    """Move `cut` left until it splits nothing that belongs together."""
    while cut > 0:
        before, after = text[cut - 1], text[cut] if cut < len(text) else ""
        if "\ud800" <= before <= "\udbff":  # a lone high surrogate (text read with surrogatepass)
            cut -= 1
        elif after and (unicodedata.combining(after) or after in "\u200d\ufe0f\ufe0e" or before == "\u200d"):
            cut -= 1  # keep a base character with its accents / emoji joiners and selectors
        elif before == "@" and after == ZWSP:
            cut -= 1  # "@" without its defusing zero-width space could become a ping later
        elif _odd_backslashes(text, cut):
            cut -= 1  # "\\" would escape the ellipsis instead of the character it was meant for
        else:
            break
    return cut


def _odd_backslashes(text: str, end: int) -> bool:
    count = 0
    while end - count > 0 and text[end - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def _markup_positions(text: str) -> tuple[list[int], list[int], list[int]]:
    """Where unescaped "*", "`" and "[" are: the only characters our own Markdown uses."""
    stars: list[int] = []
    ticks: list[int] = []
    brackets: list[int] = []
    index = 0
    while index < len(text):
        ch = text[index]
        if ch == "\\":
            index += 2
            continue
        if ch == "*":
            stars.append(index)
        elif ch == "`":
            ticks.append(index)
        elif ch == "[":
            brackets.append(index)
        index += 1
    return stars, ticks, brackets


_UNESCAPED = r"(?<!\\)(?:\\\\)*"
_LINK = re.compile(_UNESCAPED + r"\[[^\]\n]*\]\([^)\s]*\)")


def _close_markup(text: str) -> str:
    """Repair the end of a cut: drop a half-written link, close bold and code spans."""
    text = text.rstrip()
    _, _, brackets = _markup_positions(text)
    links_end = max((m.end() for m in _LINK.finditer(text)), default=0)
    open_links = [b for b in brackets if b >= links_end]
    if open_links:
        text = text[: open_links[0]].rstrip()
    stars, ticks, _ = _markup_positions(text)
    if len(stars) % 2 and stars[-1] == len(text) - 1:
        text = text[:-1]  # the first "*" of a "**" whose partner was cut off
        stars.pop()
    while _odd_backslashes(text, len(text)):
        text = text[:-1]
    if len(ticks) % 2:
        text += "`"
    if len(stars) % 4:  # stars come in "**" pairs; an odd number of pairs leaves bold open
        text += "**"
    return text


# --- fitting cards to Discord's limits ------------------------------------------------------


def fit(cards: Card | Iterable[Card]) -> list[Card]:
    """Cards within every embed limit: short texts trimmed with "…", long ones split into pages.

    A long description continues on further pages (split between paragraphs, lines, then words);
    fields follow the last description page and spill onto new pages when there are more than
    25 or the 6,000 total would be passed. Fitting fitted cards changes nothing.
    """
    if isinstance(cards, Card):
        cards = [cards]
    pages: list[Card] = []
    for card in cards:
        pages.extend(_fit_card(card))
    return pages


def _fit_card(card: Card) -> list[Card]:
    title = truncate(card.title, TITLE_LIMIT)
    footer = truncate(card.footer, FOOTER_LIMIT) if card.footer else card.footer
    head = units(title) + units(footer or "")
    fields = [
        CardField(
            truncate(f.name, FIELD_NAME_LIMIT) if f.name.strip() else BLANK,
            truncate(f.value, FIELD_VALUE_LIMIT) if f.value.strip() else BLANK,
            f.inline,
        )
        for f in card.fields
    ]
    base = replace(card, title=title, footer=footer, fields=(), description="")
    room = min(DESCRIPTION_LIMIT, TOTAL_LIMIT - head)
    chunks = _split_text(card.description, room) if card.description else [""]
    pages = [replace(base, description=chunk) for chunk in chunks]

    current = pages[-1]
    current_fields: list[CardField] = []
    used = current.size
    for f in fields:
        size = units(f.name) + units(f.value)
        if len(current_fields) >= FIELD_COUNT_LIMIT or used + size > TOTAL_LIMIT:
            pages[-1] = replace(current, fields=tuple(current_fields))
            current = base
            pages.append(current)
            current_fields = []
            used = current.size
        current_fields.append(f)
        used += size
    pages[-1] = replace(current, fields=tuple(current_fields))
    return pages


def _split_text(text: str, limit: int) -> list[str]:
    """Split into chunks of at most `limit` units at the widest boundary that works."""
    chunks: list[str] = []
    rest = text
    while units(rest) > limit:
        cut = _best_break(rest, _index_for_units(rest, limit - _CLOSER_ROOM))
        chunks.append(_close_markup(rest[:cut]))
        rest = rest[cut:].lstrip()
    if rest or not chunks:
        chunks.append(rest)
    return chunks


def _best_break(text: str, end: int) -> int:
    for sep in ("\n\n", "\n", ". ", " "):
        at = text.rfind(sep, 0, end)
        if at > end // 2:
            return _safe_cut(text, at + len(sep)) or end
    return _safe_cut(text, end) or end


# --- escaping story text ----------------------------------------------------------------------

# Characters that start or end inline formatting anywhere in a line.
_INLINE_SPECIAL = re.compile(r"([\\*_~`|\[\]<>])")
_LINE_START = re.compile(
    r"^(?P<indent>[ \t]*)(?P<mark>#{1,3}(?=[ \t])|-#(?=[ \t])|>{1,3}|[-*+](?=[ \t])|\d+(?=\.[ \t]))",
    re.MULTILINE,
)
_PINGS = re.compile(r"@(?=everyone|here)|(?<=<)@|(?<=<\\)@", re.IGNORECASE)
_URL = re.compile(r"https?://[^\s<>()\[\]\"'`]+")


def escape_markdown(text: str) -> str:
    """Make story text show literally in Discord: no formatting, links, headings, lists, pings.

    Every formatting character is backslash-escaped (Discord honours `\\` before any
    punctuation); headings, block quotes and list markers at a line's start are escaped too, and
    `@everyone`, `@here` and `<@id>` get a zero-width space after the "@" so they can never
    ping, even if a message were sent with mentions allowed. URLs are left whole so they stay
    clickable; masked links cannot form because brackets are escaped.
    """
    parts: list[str] = []
    last = 0
    for url in _URL.finditer(text):
        parts.append(_escape_plain(text[last : url.start()]))
        parts.append(url.group(0))
        last = url.end()
    parts.append(_escape_plain(text[last:]))
    escaped = "".join(parts)
    return _PINGS.sub("@" + ZWSP, escaped)


def _escape_plain(text: str) -> str:
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(_escape_line_start, text)


def _escape_line_start(match: re.Match[str]) -> str:
    indent, mark = match.group("indent"), match.group("mark")
    if mark.isdigit():
        return indent + mark + "\\"  # "1." -> "1\." (the dot follows the match)
    return indent + "\\" + mark


def escape_highlighted(snippet: str) -> str:
    """Escape a search snippet whose `**` pairs mark the matched words; keep those as bold."""
    pieces = snippet.split("**")
    if len(pieces) % 2 == 0:  # an unpaired marker: treat the last one as text
        pieces[-2:] = [pieces[-2] + "**" + pieces[-1]]
    out = []
    for i, piece in enumerate(pieces):
        escaped = escape_markdown(piece)
        out.append(f"**{escaped}**" if i % 2 and escaped.strip() else escaped)
    return "".join(out)


def link(text: str, url: str | None) -> str:
    """A Markdown link, or just `text` when the URL is missing or could break the Markdown."""
    if url and _URL.fullmatch(url):
        return f"[{text}]({url})"
    return text


def safe_url(url: str | None) -> str | None:
    """`url` when Discord would accept it as an embed link, else None."""
    return url if url and _URL.fullmatch(url) and len(url) <= 2048 else None


# --- the console's view -----------------------------------------------------------------------

_MD_LINK = re.compile(_UNESCAPED + r"\[([^\]\n]*)\]\(([^)\s]*)\)")
_CODE = re.compile(_UNESCAPED + r"`([^`]*)`")
_BOLD = re.compile(_UNESCAPED + r"\*\*(.+?)(?<!\\)\*\*", re.DOTALL)
_ESCAPE = re.compile(r"\\([^0-9A-Za-z\s])")


def plain(markdown: str, *, bold: tuple[str, str] = ("**", "**")) -> str:
    """Our Markdown subset as terminal text: links as "text (url)", escapes and code marks gone.

    `bold` wraps what was bold (the console passes ANSI codes on a terminal).
    """
    text = _MD_LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})", markdown)
    text = _CODE.sub(lambda m: m.group(0)[: -len(m.group(1)) - 2] + m.group(1), text)
    text = _BOLD.sub(lambda m: m.group(0)[: -len(m.group(1)) - 4] + bold[0] + m.group(1) + bold[1], text)
    text = _ESCAPE.sub(r"\1", text)
    return text.replace(ZWSP, "")


def render_text(answer: Answer, *, ansi: bool = False) -> str:
    """The whole answer as text for a terminal or a script: every page, one after another."""
    bold = ("\x1b[1m", "\x1b[0m") if ansi else ("**", "**")
    out: list[str] = []
    if answer.content:
        out.append(plain(answer.content, bold=bold))
    total = len(answer.pages)
    footers = {page.footer for page in answer.pages}
    shared_footer = footers.pop() if len(footers) == 1 else None
    for number, page in enumerate(answer.pages, start=1):
        lines: list[str] = []
        if total > 1:
            lines.append(f"--- page {number} of {total} ---")
        if page.title:
            title = plain(page.title, bold=("", ""))
            lines += [title, "=" * min(len(title), 72)]
        if page.url:
            lines.append(page.url)
        if page.description:
            lines += ["", plain(page.description, bold=bold)]
        if page.fields:
            lines.append("")
            for f in page.fields:
                lines += _render_field(f, bold)
        if page.footer and page.footer != shared_footer:
            lines += ["", page.footer]
        out.append("\n".join(lines).strip("\n"))
    if shared_footer:
        out.append(shared_footer)
    return "\n\n".join(part for part in out if part) + "\n"


def _render_field(f: CardField, bold: tuple[str, str]) -> list[str]:
    name = plain(f.name, bold=("", "")).strip()
    value = plain(f.value, bold=bold).strip()
    if f.inline and "\n" not in value:
        return [f"{name}: {value}"]
    indented = [("  " + line) if line else "" for line in value.splitlines()]
    return [name, *indented, ""]
