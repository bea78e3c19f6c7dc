"""Raw input (bytes from a file or URL) into stories: plain text, Content API JSON, feeds, pages.

`parse_document` decides the format from the content, never the file name, and raises InputError
(or UnsupportedInput, for readable things that are not news) with a short message saying what was
wrong. Feeds give `feed_entries` (ingestion fetches the bodies they lack); every other format gives
`stories`.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Literal

import orjson

from bot.errors import InputError
from bot.models import Story
from bot.parsing.content_api import parse_content_api
from bot.parsing.detect import CONTENT_API, FEED, HTML, MAX_INPUT_BYTES, TEXT, read_as_utf8, sniff
from bot.parsing.feed import FeedEntry, parse_feed
from bot.parsing.html_body import html_to_blocks
from bot.parsing.html_page import parse_html_page
from bot.parsing.text import parse_text

__all__ = [
    "MAX_INPUT_BYTES",
    "Document",
    "FeedEntry",
    "html_to_blocks",
    "parse_content_api",
    "parse_document",
    "parse_feed",
    "parse_html_page",
    "parse_text",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Document:
    format: str  # "text" | "content_api" | "feed" | "html", as in Story.source_format
    stories: list[Story] = field(default_factory=list)
    feed_entries: list[FeedEntry] = field(default_factory=list)


def parse_document(data: bytes, source: str, expected: Literal["feed"] | None = None) -> Document:
    """Detect what `data` is and parse it. `expected="feed"` turns an HTML page into an error."""
    kind, raw, text = sniff(data)
    if expected == FEED and kind == HTML:
        raise InputError("got an HTML page where a feed was expected; check the feed URL.")
    if kind == FEED:
        return Document(FEED, feed_entries=parse_feed(raw, source))
    assert text is not None  # sniff decodes everything but XML feeds
    if kind == CONTENT_API:
        # The UTF-8 bytes themselves when that is what they are: orjson would encode the text again.
        item = _load_json(text, raw if read_as_utf8(data) else None)
        return Document(CONTENT_API, stories=[parse_content_api(item, source)])
    if kind == HTML:
        return Document(HTML, stories=[parse_html_page(text, source)])
    return Document(TEXT, stories=[parse_text(text, source)])


def _load_json(text: str, utf8: bytes | None = None) -> dict[str, object]:
    """`text` as a JSON object; `utf8`, when given, is the same text as UTF-8 bytes."""
    try:
        # orjson reads the same JSON into the same objects two to three times faster. What it
        # refuses (NaN and Infinity, lone surrogates, nesting past 1,024, anything malformed)
        # goes to json, which reads or reports it exactly as before. The one difference, integers
        # past 64 bits read as floats, changes no story: every reader of an item calls both "a
        # number".
        item = orjson.loads(text if utf8 is None else utf8)
    except orjson.JSONDecodeError:
        item = _json_loads(text)
    if isinstance(item, list):
        raise InputError(
            "a JSON list, not a Content API item; save each item (a JSON object) as its own file."
        )
    if not isinstance(item, dict):
        raise InputError(
            "JSON that is not a Content API item (expected an object with schema_name, title...)."
        )
    return item


def _json_loads(text: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        truncated = err.pos >= len(text.rstrip())
        hint = "is the file complete?" if truncated else "check the file is a Content API item."
        raise InputError(f"malformed JSON at line {err.lineno} col {err.colno} ({err.msg}); {hint}") from None
    except RecursionError:
        raise InputError("malformed JSON: it is nested too deeply to be a Content API item.") from None
