"""The core's data: frozen dataclasses that every layer passes around.

A parser turns raw input into a `Story` (with `id == ""`); the store gives it its short id; the
extractors read `Story.blocks` and return an `Extraction`. Nothing here knows about Discord or SQL.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum


class DocType(StrEnum):
    NEWS_STORY = "news_story"
    PRESS_RELEASE = "press_release"
    GOVERNMENT_RESPONSE = "government_response"
    WORLD_NEWS_STORY = "world_news_story"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        """How GOV.UK prints it: "News story", "Press release", ..."""
        return "Unknown" if self is DocType.UNKNOWN else self.value.replace("_", " ").capitalize()

    @classmethod
    def from_label(cls, text: str) -> DocType:
        """A label such as "News story", "news_story" or "Press Release" as a DocType; else UNKNOWN."""
        key = text.strip().lower().replace(" ", "_").replace("-", "_")
        try:
            return cls(key)
        except ValueError:
            return cls.UNKNOWN


class BlockKind(StrEnum):
    PARAGRAPH = "paragraph"
    HEADING = "heading"
    LIST_ITEM = "list_item"


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph-like unit of a story body, in order.

    `blockquote` is True when the source marked the block as quoted (an HTML <blockquote>).
    Plain text has no such marking: quote extraction works that out from the wording.
    """

    kind: BlockKind
    text: str
    blockquote: bool = False

    def to_json(self) -> list[object]:
        return [self.kind.value, self.text, self.blockquote]

    @classmethod
    def from_json(cls, raw: list[object]) -> Block:
        kind, text, blockquote = raw
        return cls(BlockKind(str(kind)), str(text), bool(blockquote))


@dataclass(frozen=True, slots=True)
class Organisation:
    name: str
    slug: str  # "home-office"; derived from the name when the source gives none


@dataclass(frozen=True, slots=True)
class Change:
    """One entry of GOV.UK's change history (newest first in `Story.change_history`)."""

    at: datetime
    note: str


@dataclass(frozen=True, slots=True)
class Person:
    """Someone the source lists as involved (Content API links.people), e.g. "Robert Goodwill MP"."""

    name: str
    role: str | None = None


@dataclass(frozen=True, slots=True)
class Image:
    url: str | None
    alt_text: str | None = None
    caption: str | None = None
    credit: str | None = None


@dataclass(frozen=True, slots=True)
class Story:
    """A news story as parsed from any source. Times are timezone-aware UTC datetimes or None."""

    title: str
    blocks: tuple[Block, ...]
    source: str  # the file path or URL it was read from
    source_format: str  # "text" | "content_api" | "feed" | "html"
    doc_type: DocType = DocType.UNKNOWN
    description: str | None = None  # the department's one-line standfirst
    published_at: datetime | None = None  # first published
    updated_at: datetime | None = None  # last major change (GOV.UK public_updated_at)
    base_path: str | None = None  # "/government/news/<slug>"
    content_id: str | None = None  # GOV.UK UUID, shared by translations
    locale: str | None = None
    url: str | None = None  # canonical public URL
    organisations: tuple[Organisation, ...] = ()
    people: tuple[Person, ...] = ()
    change_history: tuple[Change, ...] = ()  # newest first
    image: Image | None = None
    withdrawn_at: datetime | None = None
    withdrawn_note: str | None = None
    complete: bool = True  # False when only a feed summary was available, not the body
    id: str = ""  # short id, given by the store

    @property
    def identity_key(self) -> str:
        """The one key under which the same story arriving by any route is recognised."""
        if self.content_id:
            return f"content_id:{self.content_id}:{self.locale or 'en'}"
        if self.base_path:
            return f"path:{self.base_path}"
        day = self.published_at.date().isoformat() if self.published_at else "undated"
        title = " ".join(self.title.casefold().split())
        return f"text:{day}:{hashlib.sha256(title.encode()).hexdigest()[:16]}"

    @property
    def slug(self) -> str | None:
        return self.base_path.rstrip("/").rsplit("/", 1)[-1] if self.base_path else None

    @property
    def change_note(self) -> str | None:
        return self.change_history[0].note if self.change_history else None

    @property
    def body_text(self) -> str:
        return "\n\n".join(block.text for block in self.blocks)


# --- what the extractors find -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Quote:
    speaker: str  # name as printed, honorifics kept, post-nominals dropped; "" when unknown
    role: str | None
    text: str  # every paragraph of the quote, joined by "\n\n"
    block_index: int  # where it starts in Story.blocks


@dataclass(frozen=True, slots=True)
class Money:
    surface: str  # exact text, e.g. "£40 million"
    amount: Decimal  # in currency units: Decimal("40000000"), Decimal("580.17")
    currency: str  # ISO 4217: GBP, EUR, USD, ...
    is_funding: bool
    block_index: int
    purpose: str | None = None
    funder: str | None = None
    period: str | None = None
    qualifier: str | None = None  # "up to", "at least", "a further", "new", "additional", ...
    part_of: str | None = None  # surface of the larger figure this one is included in

    @property
    def minor_units(self) -> int:
        """Pence (or cents): how the store keeps money exactly."""
        return int((self.amount * 100).to_integral_value())

    @property
    def json_amount(self) -> int | float:
        """40000000, 3600000, 580.17: whole amounts as ints, others as floats."""
        return int(self.amount) if self.amount == self.amount.to_integral_value() else float(self.amount)


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    block_index: int
    position: int  # order in the story, for putting a multi-sentence summary back in reading order


@dataclass(frozen=True, slots=True)
class Extraction:
    quotes: tuple[Quote, ...] = ()
    money: tuple[Money, ...] = ()
    summary: tuple[Sentence, ...] = ()  # best first, up to MAX_SUMMARY_SENTENCES
    version: int = 0

    def summary_text(self, sentences: int = 1) -> str:
        chosen = sorted(self.summary[:sentences], key=lambda s: s.position)
        return " ".join(s.text for s in chosen)


MAX_SUMMARY_SENTENCES = 5


@dataclass(frozen=True, slots=True)
class StoredStory:
    """A story as the store returns it: the parsed story plus what the bot knows about it."""

    story: Story
    extraction: Extraction = field(default_factory=Extraction)
    status: str = "new"  # new | updated | unchanged (of the last ingest)
    first_seen_at: datetime | None = None
