"""Plain-text stories: "<Display type>: <title>", then paragraphs separated by blank lines.

The layout comes from old GOV.UK Atom entries and from sites that repost them:

    News story: <title>
    <image caption / credit>          (optional, not story text)
    News story: <title>               (the first line repeated, when a caption came first)
    <description>                     (often the department's one-line standfirst)
    <body paragraphs> ...

There is no metadata, so the date is the one the text states ("At today's (5 July 2018) meeting").
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime

from bot.errors import InputError
from bot.models import Block, BlockKind, DocType, Story

# Display types GOV.UK puts before a title. Only the first four are news; the rest still parse
# (the type becomes UNKNOWN) so that a speech saved as text is not mistaken for a title.
DISPLAY_TYPES = (
    "News story",
    "Press release",
    "Government response",
    "World news story",
    "Speech",
    "Guidance",
    "Statement to Parliament",
    "Oral statement to Parliament",
    "Written statement to Parliament",
    "Authored article",
    "Correspondence",
    "Policy paper",
    "Announcement",
)
_DISPLAY_PREFIX = re.compile(
    r"^(?P<type>" + "|".join(re.escape(t) for t in DISPLAY_TYPES) + r")\s*:\s*(?P<title>\S.*)$",
    re.IGNORECASE,
)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")
_ODD_SPACES = ("\u00a0", "\u2007", "\u202f", "\u2009", "\u200a", "\t", "\f", "\v")  # each becomes " "
_SPACES = re.compile(r" {2,}")
_CLOSING_PUNCTUATION = re.compile(r"[.!?:;,”’\"')]$")
_BULLET = re.compile(r"^\s*(?:[•·▪‣◦*]|-(?=\s)|\d{1,2}[.)](?=\s))\s*")
# Image credits and captions that reposting sites keep above the text.
_CREDIT = re.compile(
    r"(?:\bvia (?:Flickr|Wikimedia|Getty|Unsplash|Shutterstock)\b|\b(?:image|photo|picture|photograph)"
    r"\s*(?:credit)?\s*[:\-–]|^credit\s*:|©|\bCrown copyright\b|\bPA Wire\b)",
    re.IGNORECASE,
)
_MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}
_DATE = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<month>[A-Za-z]+),?\s+(?P<year>(?:19|20)\d\d)"
# "today's (5 July 2018)", "today (16 April 2025)", "Published 5 July 2018", a dateline paragraph.
_TODAY = re.compile(r"\btoday(?:['’]s)?\s*\(\s*(?:\w+day\s+)?" + _DATE + r"\s*\)", re.IGNORECASE)
_PUBLISHED = re.compile(r"^(?:published|first published)\s*:?\s*(?:on\s+)?" + _DATE + r"\b", re.IGNORECASE)
_DATELINE = re.compile(r"^(?:\w+day\s+)?" + _DATE + r"\s*$")
# Bullet lines start with one of these or a digit (lines are stripped, so _BULLET's \s* is empty).
_BULLET_STARTS = frozenset("•·▪‣◦*-")


def clean_text(text: str) -> str:
    """Normalise what varies between copies of the same text but is not content.

    NFC, Windows/Mac line ends, NBSP and other odd spaces, zero-width characters. Line structure is kept.
    """
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\ufeff", "").replace("\u200b", "").replace("\u00ad", "")
    # One replace() per character: each is a memchr-speed scan that returns the text untouched when
    # the character is absent, where one regex pass with a character class costs several times more.
    for space in _ODD_SPACES:
        text = text.replace(space, " ")
    return text


def parse_text(text: str, source: str) -> Story:
    """Parse a plain-text story. Raises InputError when there is no title or no body."""
    paragraphs = [
        stripped for p in _PARAGRAPH_BREAK.split(clean_text(text).strip()) if (stripped := p.strip())
    ]
    if not paragraphs:
        raise InputError("The file is empty: a plain-text story needs a title line and paragraphs.")
    first, *rest = paragraphs
    title_line = first.split("\n", 1)[0].strip()
    if "\n" in first:  # title and first paragraph on consecutive lines
        rest.insert(0, first.split("\n", 1)[1])
    display = _DISPLAY_PREFIX.match(title_line)
    if display is None:
        # Without that line any text file (a licence, notes, code) would be taken for a story.
        raise InputError(_not_a_story(title_line, text))
    doc_type, title = DocType.from_label(display["type"]), display["title"].strip()
    rest = _drop_caption_and_repeated_title(rest, title_line, title)
    if len(title) > 300:
        raise InputError(
            "The first line is too long to be a title: a plain-text story starts with its title."
        )
    blocks = tuple(block for paragraph in rest for block in _blocks(paragraph))
    if not blocks:
        raise InputError("The story has a title but no paragraphs after it.")
    return Story(
        title=title,
        blocks=blocks,
        source=source,
        source_format="text",
        doc_type=doc_type,
        description=_description(blocks),
        published_at=stated_date(blocks),
    )


def _not_a_story(first_line: str, text: str) -> str:
    first = "a plain-text story starts with a line such as 'News story: <title>' or 'Press release: <title>'"
    if first_line.startswith("#") or "```" in text:
        return f"This looks like Markdown, not a news story: {first}."
    return f"This is not a news story: {first}. If it is one, add that line above it and try again."


def _split_display_type(line: str) -> tuple[DocType, str]:
    match = _DISPLAY_PREFIX.match(line)
    if not match:
        return DocType.UNKNOWN, line
    return DocType.from_label(match["type"]), match["title"].strip()


def _drop_caption_and_repeated_title(paragraphs: list[str], title_line: str, title: str) -> list[str]:
    """Remove the image caption/credit and the repeated title that follow a reposted first line."""
    for i, paragraph in enumerate(paragraphs[:3]):
        # Without a colon there is no display type to split off (a cheap test before the regex).
        if paragraph in (title_line, title) or (
            ":" in paragraph and _split_display_type(paragraph)[1] == title
        ):
            return paragraphs[i + 1 :]
    # No repeated title: still drop a leading credit line ("... via Flickr", "Image: ...").
    if paragraphs and _looks_like_credit(paragraphs[0]):
        return paragraphs[1:]
    return paragraphs


def _looks_like_credit(paragraph: str) -> bool:
    return len(paragraph) < 200 and "\n" not in paragraph and bool(_CREDIT.search(paragraph))


def _blocks(paragraph: str) -> list[Block]:
    """One paragraph of text → blocks: bullet lines become list items, other lines are joined."""
    lines = [stripped for line in paragraph.split("\n") if (stripped := line.strip())]
    blocks: list[Block] = []
    prose: list[str] = []
    for line in lines:
        bullet = _BULLET.match(line) if line[0] in _BULLET_STARTS or line[0].isdigit() else None
        if bullet and len(lines) > 1 or line.startswith("•"):
            if prose:
                blocks.append(_prose_block(prose))
                prose = []
            blocks.append(Block(BlockKind.LIST_ITEM, line[bullet.end() :] if bullet else line))
        else:
            prose.append(line)
    if prose:
        blocks.append(_prose_block(prose))
    return blocks


def _prose_block(lines: list[str]) -> Block:
    text = " ".join(lines)
    if "  " in text:  # the substring check is far cheaper than the regex scan that is rarely needed
        text = _SPACES.sub(" ", text)
    # A short line with no closing punctuation, standing alone, is a heading ("Background", "Notes to editors").
    if len(text) <= 80 and not _CLOSING_PUNCTUATION.search(text) and len(text.split()) <= 10:
        return Block(BlockKind.HEADING, text)
    return Block(BlockKind.PARAGRAPH, text)


def _description(blocks: tuple[Block, ...]) -> str | None:
    """The first paragraph is usually the department's standfirst: one or two sentences."""
    first = blocks[0]
    if first.kind is not BlockKind.PARAGRAPH or first.text.rstrip().endswith(":") or len(first.text) > 400:
        return None
    return first.text


def stated_date(blocks: tuple[Block, ...]) -> datetime | None:
    """The publication date the text states, as midnight UTC, else None."""
    # Each pattern is tried only where its match could start or end: a "(" for today's date, a
    # first letter that can begin "published" or "first published" in any case (only these four),
    # a final digit for a dateline. Those tests are far cheaper than the searches.
    for block in blocks[:12]:
        text = block.text
        if "(" in text and (match := _TODAY.search(text)) and (found := _date(match)):
            return found
        if text[:1] in "pPfF" and (match := _PUBLISHED.search(text)) and (found := _date(match)):
            return found
        if text.rstrip()[-1:].isdigit() and (match := _DATELINE.search(text)) and (found := _date(match)):
            return found
    return None


def _date(match: re.Match[str]) -> datetime | None:
    month = _MONTHS.get(match["month"].lower()) or _MONTHS_ABBR.get(match["month"][:3].lower())
    if not month:
        return None
    try:
        return datetime(int(match["year"]), month, int(match["day"]), tzinfo=UTC)
    except ValueError:
        return None


_MONTHS_ABBR = {name[:3]: number for name, number in _MONTHS.items()}
