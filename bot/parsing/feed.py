"""Atom and RSS 2.0 feeds into `FeedEntry`s.

The bytes go to defusedxml's ElementTree (expat underneath) rather than feedparser: defusedxml
refuses entity declarations and external references before anything is expanded, the element tree
is all these small, regular feeds need, and it is several times faster than feedparser, which
also rewrites and sanitises summaries and content we want to read ourselves (the finder feeds'
doubly escaped summaries, the whitehall feeds' body HTML).

Quirks handled (see ../shared/fixtures/govuk/README.md):
* organisation feeds' entry ids change on every republish, so entries are keyed on the link path;
* finder feeds' `<summary type="html">` is escaped twice: it is read as HTML once more;
* "News story: " style display prefixes are stripped from titles and give the document type;
* old whitehall feeds carry the body in `<content type="html">`, led by an "Updated:" change note;
* timestamps with any offset become UTC.
"""

from __future__ import annotations

import html
import logging
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import defusedxml
import defusedxml.ElementTree

from bot.errors import InputError
from bot.models import Block, Change, DocType, Organisation, Story
from bot.parsing.html_body import html_to_blocks, html_to_text, normalise_space

log = logging.getLogger(__name__)

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
DC = "{http://purl.org/dc/elements/1.1/}"
RSS1 = "{http://purl.org/rss/1.0/}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"

NEWS_PREFIX = "/government/news/"
# What GOV.UK puts under each path, for the reason an entry is skipped.
_PATH_KINDS = (
    ("/government/speeches/", "speech"),
    ("/government/publications/", "publication"),
    ("/government/consultations/", "consultation"),
    ("/government/statistics/", "statistics"),
    ("/government/statistical-data-sets/", "statistical data set"),
    ("/government/case-studies/", "case study"),
    ("/government/fatalities/", "fatality notice"),
    ("/government/collections/", "collection"),
    ("/government/organisations/", "organisation page"),
    ("/government/people/", "person page"),
    ("/government/ministers/", "ministerial role"),
    ("/government/policies/", "policy"),
    ("/government/world/", "world page"),
    ("/world/", "world page"),
    ("/guidance/", "guidance"),
    ("/government/get-involved", "get involved page"),
)
# Display types GOV.UK prefixes to Atom titles ("News story: ..."); only these are stripped, so a
# title such as "Brexit: what happens next" keeps its colon.
_DISPLAY_TYPES = frozenset(
    label.casefold()
    for label in (
        "News story",
        "Press release",
        "Government response",
        "World news story",
        "Speech",
        "Oral statement to Parliament",
        "Written statement to Parliament",
        "Authored article",
        "Speaking notes",
        "Transcript",
        "Draft text",
        "Guidance",
        "Statutory guidance",
        "Detailed guide",
        "Policy paper",
        "Policy",
        "Consultation",
        "Open consultation",
        "Closed consultation",
        "Consultation outcome",
        "Official Statistics",
        "National Statistics",
        "Statistics",
        "Statistical data set",
        "Research and analysis",
        "Corporate report",
        "Correspondence",
        "Decision",
        "Form",
        "Independent report",
        "Impact assessment",
        "Map",
        "Notice",
        "Promotional material",
        "Regulation",
        "Transparency data",
        "FOI release",
        "International treaty",
        "Case study",
        "Fatality notice",
        "Statement to Parliament",
        "Announcement",
        "Collection",
    )
)
_PREFIX = re.compile(r"^\s*([A-Za-z][A-Za-z ]{1,40}?)\s*:\s+(\S.*)$", re.DOTALL)
_ORG_FEED_ID = re.compile(r"/government/organisations/([a-z0-9-]+)$")
_UPDATED_NOTE = re.compile(r"^Updated:\s*(.*)$", re.DOTALL)


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One feed entry: what the feed says, and what ingestion should do with it.

    `needs_body`: a news story whose body must be fetched from the Content API at `base_path`.
    `skip_reason`: set when the entry is not a news story (speech, guidance, place page...).
    """

    story: Story
    base_path: str | None
    needs_body: bool
    skip_reason: str | None


def parse_feed(data: bytes, source: str) -> list[FeedEntry]:
    """Atom or RSS bytes into entries, in feed order. InputError for anything that is not a feed."""
    root = _parse_xml(data)
    tag = root.tag if isinstance(root.tag, str) else ""
    if tag == f"{ATOM}feed":
        return _atom(root, source)
    if tag == "rss":
        channel = root.find("channel")
        items = channel.findall("item") if channel is not None else []
        return [_rss_item(item, source, "") for item in items]
    if tag == f"{RDF}RDF":
        return [_rss_item(item, source, RSS1) for item in root.findall(f"{RSS1}item")]
    local = tag.rsplit("}", 1)[-1].lower()
    if local == "html":
        raise InputError("got an HTML page where a feed was expected; check the feed URL.")
    raise InputError(f"XML but not an Atom or RSS feed (its root element is <{local or '?'}>).")


def _parse_xml(data: bytes) -> ET.Element:
    head = data[:1024].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        raise InputError("got an HTML page where a feed was expected; check the feed URL.")
    try:
        # forbid_entities also rejects external entities (file:///etc/passwd is never opened).
        return defusedxml.ElementTree.fromstring(
            data, forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
    except (defusedxml.EntitiesForbidden, defusedxml.ExternalReferenceForbidden, defusedxml.DTDForbidden):
        raise InputError("refused: the feed declares XML entities (a possible entity bomb).") from None
    except ET.ParseError as err:
        line, column = getattr(err, "position", (0, 0))
        reason = str(err).split(":", 1)[0]
        truncated = reason in ("no element found", "unclosed token")
        hint = "is the feed complete?" if truncated else "check it is an Atom or RSS feed."
        raise InputError(f"malformed XML at line {line} col {column + 1} ({reason}); {hint}") from None


# --- Atom ---------------------------------------------------------------------------------


def _atom(feed: ET.Element, source: str) -> list[FeedEntry]:
    organisation = _feed_organisation(feed)
    return [_atom_entry(entry, source, organisation) for entry in feed.iter(f"{ATOM}entry")]


def _feed_organisation(feed: ET.Element) -> Organisation | None:
    """An organisation feed's own organisation ("Home Office - Activity on GOV.UK")."""
    match = _ORG_FEED_ID.search((feed.findtext(f"{ATOM}id") or "").strip())
    if not match:
        return None
    title = normalise_space(feed.findtext(f"{ATOM}title") or "")
    name = title.removesuffix(" - Activity on GOV.UK").strip()
    return Organisation(name=name, slug=match.group(1)) if name else None


def _atom_entry(entry: ET.Element, source: str, organisation: Organisation | None) -> FeedEntry:
    link = _atom_link(entry)
    labels = [
        label
        for category in entry.findall(f"{ATOM}category")
        for label in (category.get("label"), category.get("term"))
        if label
    ]
    title, prefix = _split_title(_text_construct(entry.find(f"{ATOM}title")), labels)
    summary = _text_construct(entry.find(f"{ATOM}summary"))
    updated = _iso_time(entry.findtext(f"{ATOM}updated"))
    published = _iso_time(entry.findtext(f"{ATOM}published"))
    body_html = _atom_content(entry.find(f"{ATOM}content"))
    return _entry(
        source=source,
        link=link,
        title=title,
        labels=[prefix, *labels] if prefix else labels,
        summary=summary,
        published=published,
        updated=updated,
        body_html=body_html,
        organisation=organisation,
    )


def _atom_link(entry: ET.Element) -> str | None:
    links = entry.findall(f"{ATOM}link")
    for link in links:
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link.get("href", "").strip()
    # No alternate link: an id that is a URL still names the page (minus any "#<updated>").
    entry_id = (entry.findtext(f"{ATOM}id") or "").strip()
    if entry_id.startswith(("http://", "https://")):
        return entry_id.split("#", 1)[0]
    if entry_id.startswith("tag:www.gov.uk,2005:/"):
        return "https://www.gov.uk" + entry_id.split(":", 2)[2]
    return None


def _atom_content(content: ET.Element | None) -> str | None:
    """The body as HTML: type="html" is escaped HTML, "xhtml" inline markup, "text" plain text."""
    if content is None or content.get("src"):
        return None
    kind = content.get("type", "text")
    if kind == "html":
        return content.text
    if kind == "xhtml":
        # Strip the XHTML namespace from the tags so the markup serialises as plain HTML.
        for element in content.iter():
            if isinstance(element.tag, str):
                element.tag = element.tag.rsplit("}", 1)[-1]
        return "".join(ET.tostring(child, encoding="unicode", method="html") for child in content)
    if kind == "text" and content.text:
        return "".join(f"<p>{html.escape(part)}</p>" for part in content.text.split("\n\n"))
    return None


def _text_construct(element: ET.Element | None) -> str:
    """An Atom text construct as plain text: type="html" is HTML to be read once more."""
    if element is None:
        return ""
    kind = element.get("type", "text")
    if kind == "xhtml":
        return normalise_space("".join(element.itertext()))
    text = element.text or ""
    if kind == "html":
        return _html_text(text)
    return normalise_space(text)


def _html_text(text: str) -> str:
    # Finder summaries are escaped text, not markup: unescaping is all they need, and far cheaper
    # than an HTML parse.
    if "<" not in text:
        return normalise_space(html.unescape(text))
    return html_to_text(text)


# --- RSS ----------------------------------------------------------------------------------


def _rss_item(item: ET.Element, source: str, ns: str) -> FeedEntry:
    link = (item.findtext(f"{ns}link") or "").strip() or None
    guid = item.find("guid")
    if link is None and guid is not None and guid.get("isPermaLink", "true") == "true":
        link = (guid.text or "").strip() or None
    labels = [normalise_space(c.text or "") for c in item.findall("category") if c.text]
    title, prefix = _split_title(_html_text(item.findtext(f"{ns}title") or ""), labels)
    summary = _html_text(item.findtext(f"{ns}description") or "")
    published = _rfc822_time(item.findtext("pubDate")) or _iso_time(item.findtext(f"{DC}date"))
    return _entry(
        source=source,
        link=link,
        title=title,
        labels=[prefix, *labels] if prefix else labels,
        summary=summary,
        published=published,
        updated=published,
        body_html=item.findtext(f"{CONTENT}encoded"),
        organisation=None,
    )


# --- shared -------------------------------------------------------------------------------


def _entry(
    *,
    source: str,
    link: str | None,
    title: str,
    labels: list[str],
    summary: str,
    published: datetime | None,
    updated: datetime | None,
    body_html: str | None,
    organisation: Organisation | None,
) -> FeedEntry:
    base_path = _path(link)
    doc_type = next(
        (t for t in (DocType.from_label(label) for label in labels) if t is not DocType.UNKNOWN),
        DocType.UNKNOWN,
    )
    blocks: tuple[Block, ...] = ()
    changes: tuple[Change, ...] = ()
    if body_html and body_html.strip():
        blocks = html_to_blocks(body_html)
        blocks, note = _split_change_note(blocks)
        if note and updated is not None:
            changes = (Change(at=updated, note=note),)
    complete = bool(blocks)
    story = Story(
        title=title or "(untitled)",
        blocks=blocks,
        source=source,
        source_format="feed",
        doc_type=doc_type,
        description=summary or None,
        published_at=published,
        updated_at=updated,
        base_path=base_path,
        url=link,
        organisations=(organisation,) if organisation else (),
        change_history=changes,
        complete=complete,
    )
    is_news = (base_path or "").startswith(NEWS_PREFIX) or doc_type is not DocType.UNKNOWN
    if not is_news:
        return FeedEntry(story, base_path, needs_body=False, skip_reason=_skip_reason(base_path, labels))
    if complete:
        return FeedEntry(story, base_path, needs_body=False, skip_reason=None)
    if base_path is None:
        return FeedEntry(story, None, needs_body=False, skip_reason="the entry has no link to the story")
    return FeedEntry(story, base_path, needs_body=True, skip_reason=None)


def _split_title(raw: str, labels: list[str]) -> tuple[str, str | None]:
    """ "News story: Minister meets..." -> ("Minister meets...", "News story")."""
    title = normalise_space(raw)
    match = _PREFIX.match(title)
    if match:
        prefix = match.group(1).strip()
        known = {label.casefold() for label in labels}
        if prefix.casefold() in _DISPLAY_TYPES or prefix.casefold() in known:
            return match.group(2).strip(), prefix
    return title, None


def _split_change_note(blocks: tuple[Block, ...]) -> tuple[tuple[Block, ...], str | None]:
    """Whitehall feeds lead the body with "<p><em>Updated:</em> note</p>": that is a change note."""
    if blocks:
        match = _UPDATED_NOTE.match(blocks[0].text)
        if match:
            return blocks[1:], match.group(1).strip() or None
    return blocks, None


def _skip_reason(base_path: str | None, labels: list[str]) -> str:
    if base_path:
        for prefix, kind in _PATH_KINDS:
            if base_path.startswith(prefix):
                return f"not a news story ({kind})"
    if labels:
        return f"not a news story ({labels[0].lower()})"
    return f"not a news story ({base_path})" if base_path else "not a news story (the entry has no link)"


def _path(link: str | None) -> str | None:
    if not link:
        return None
    path = urlsplit(link).path
    return path.rstrip("/") or None if path else None


def _iso_time(raw: str | None) -> datetime | None:
    if not raw or not raw.strip():
        return None
    try:
        parsed = datetime.fromisoformat(raw.strip())
    except ValueError:
        log.warning("ignoring a feed timestamp that is not ISO 8601: %r", raw[:40])
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _rfc822_time(raw: str | None) -> datetime | None:
    if not raw or not raw.strip():
        return None
    try:
        parsed = parsedate_to_datetime(raw.strip())
    except (TypeError, ValueError, IndexError):
        log.warning("ignoring an RSS date that is not RFC 822: %r", raw[:40])
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
