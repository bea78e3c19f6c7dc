"""A saved GOV.UK news page (rendered by alphagov/frontend) into `Story`.

Sources, most reliable first: the `NewsArticle` JSON-LD block, the `govuk:*` meta tags, then the
DOM (title heading, lead paragraph, "From:" metadata, change history, `div.govspeak` body).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from bot.errors import InputError, UnsupportedInput
from bot.models import Block, Change, DocType, Image, Organisation, Person, Story
from bot.parsing.content_api import parse_time, slug_from_path, slugify
from bot.parsing.html_body import element_to_blocks, html_to_blocks, normalise_space, parse_fragment

log = logging.getLogger(__name__)

_NEWS_TYPES = frozenset(t.value for t in DocType if t is not DocType.UNKNOWN)
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2}) ([A-Za-z]+) (\d{4})\b")
_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, 1)}


def parse_html_page(html: str, source: str) -> Story:
    """A saved GOV.UK news article page into a Story (UnsupportedInput for other page types)."""
    body = parse_fragment(html)
    if body is None:
        raise InputError("an empty HTML page: there is no story in it.")
    root = body.getroottree().getroot()
    meta = _meta(root)
    article = _json_ld_article(root)

    schema = meta.get("govuk:schema-name")
    doc_format = meta.get("govuk:format")
    if schema and schema != "news_article":
        raise UnsupportedInput(
            f"a GOV.UK {(doc_format or schema).replace('_', ' ')} page, not a news article."
        )
    if doc_format and doc_format not in _NEWS_TYPES and not schema:
        raise UnsupportedInput(f"a GOV.UK {doc_format.replace('_', ' ')} page, not a news article.")

    main = root.find(".//main")
    if main is None:  # a page saved without its layout: search the whole body
        main = body
    h1 = main.find(".//h1")
    title = _str(article.get("headline")) or (_text(h1) if h1 is not None else "") or meta.get("og:title", "")
    if not title:
        raise InputError(
            "an HTML page with no news story in it (no headline and no <h1>); is it a GOV.UK news page?"
        )

    body_html = _str(article.get("articleBody"))
    blocks = html_to_blocks(body_html) if body_html else _dom_body(main)
    if not blocks:
        raise InputError("an HTML page with no story body (no articleBody and no div.govspeak).")

    url = _canonical_url(root, meta, article)
    base_path = urlsplit(url).path.rstrip("/") or None if url else None
    doc_type = DocType.from_label(doc_format) if doc_format else _context_type(h1)
    withdrawn_at, withdrawn_note = _withdrawn(main, meta)
    return Story(
        title=title,
        blocks=blocks,
        source=source,
        source_format="html",
        doc_type=doc_type,
        description=_str(article.get("description")) or meta.get("description") or _lead_paragraph(main),
        published_at=_time(
            article.get("datePublished"), meta.get("govuk:first-published-at"), main, "Published"
        ),
        updated_at=_time(
            article.get("dateModified"), meta.get("govuk:public-updated-at"), main, "Last updated"
        ),
        base_path=base_path,
        content_id=meta.get("govuk:content-id"),
        locale=(root.get("lang") or "").strip() or None,
        url=url,
        organisations=_organisations(main, meta, article),
        people=_people(main),
        change_history=_change_history(main),
        image=_image(main, article),
        withdrawn_at=withdrawn_at,
        withdrawn_note=withdrawn_note,
    )


def _meta(root: etree._Element) -> dict[str, str]:
    found: dict[str, str] = {}
    for tag in root.iter("meta"):
        name = tag.get("name") or tag.get("property")
        content = tag.get("content")
        if name and content is not None:
            found.setdefault(name.strip().lower(), normalise_space(content))
    return found


def _json_ld_article(root: etree._Element) -> Mapping[str, Any]:
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except (ValueError, RecursionError):
            log.debug("skipping a JSON-LD block that is not valid JSON")
            continue
        candidates = data if isinstance(data, list) else [data]
        if isinstance(data, Mapping) and isinstance(data.get("@graph"), list):
            candidates = data["@graph"]
        for item in candidates:
            if isinstance(item, Mapping) and _is_news_article(item.get("@type")):
                return item
    return {}


def _is_news_article(kind: object) -> bool:
    return kind == "NewsArticle" or (isinstance(kind, list) and "NewsArticle" in kind)


def _dom_body(main: etree._Element) -> tuple[Block, ...]:
    for div in main.iter("div"):
        if "govspeak" in (div.get("class") or "").split() and not _inside_notice(div):
            return element_to_blocks(div)
    return ()


def _inside_notice(element: etree._Element) -> bool:
    return any("gem-c-notice" in (a.get("class") or "") for a in element.iterancestors())


def _has_class(element: etree._Element, name: str) -> bool:
    return name in (element.get("class") or "").split()


def _by_class(root: etree._Element, name: str) -> list[etree._Element]:
    return [el for el in root.iter() if isinstance(el.tag, str) and _has_class(el, name)]


def _text(element: etree._Element) -> str:
    return normalise_space("".join(element.itertext()))


def _str(value: object) -> str:
    return normalise_space(value) if isinstance(value, str) else ""


def _context_type(h1: etree._Element | None) -> DocType:
    """The caption above the title ("News story") when the page has no govuk:format meta tag."""
    if h1 is None:
        return DocType.UNKNOWN
    parent = h1.getparent()
    if parent is None:
        return DocType.UNKNOWN
    for el in parent.iter("span", "p", "div"):
        if any("context" in cls or "caption" in cls for cls in (el.get("class") or "").split()):
            return DocType.from_label(_text(el))
    return DocType.UNKNOWN


def _lead_paragraph(main: etree._Element) -> str | None:
    for el in _by_class(main, "gem-c-lead-paragraph"):
        return _text(el) or None
    return None


def _canonical_url(root: etree._Element, meta: Mapping[str, str], article: Mapping[str, Any]) -> str | None:
    for link in root.iter("link"):
        if (link.get("rel") or "").strip().lower() == "canonical" and link.get("href"):
            return link.get("href", "").strip()
    page = article.get("mainEntityOfPage")
    if isinstance(page, Mapping):
        page = page.get("@id")
    if isinstance(page, str) and page.startswith(("http://", "https://")):
        return page.strip()
    return meta.get("og:url")


def _time(ld: object, meta: str | None, main: etree._Element, label: str) -> datetime | None:
    for raw, field in ((ld, "datePublished/dateModified"), (meta, "govuk meta date")):
        if isinstance(raw, str) and raw:
            try:
                return parse_time(raw, field)
            except InputError:
                log.debug("ignoring an unreadable page date %r", raw[:40])
    # The "Published 5 July 2018" line: a date without a time, taken as midnight UTC.
    for dt in main.iter("dt"):
        if _text(dt).rstrip(":").casefold() == label.casefold():
            dd = dt.getnext()
            if dd is not None:
                return _day_month_year(_text(dd))
    return None


def _day_month_year(text: str) -> datetime | None:
    match = _DAY_MONTH_YEAR.search(text)
    month = _MONTHS.get(match.group(2).lower()) if match else None
    if not match or month is None:
        return None
    try:
        return datetime(int(match.group(3)), month, int(match.group(1)), tzinfo=UTC)
    except ValueError:
        return None


def _from_links(main: etree._Element) -> list[etree._Element]:
    """The links in the "From:" metadata (organisations and people)."""
    for dt in main.iter("dt"):
        if _text(dt).rstrip(":").casefold() == "from":
            dd = dt.getnext()
            return list(dd.iter("a")) if dd is not None else []
    return []


def _organisations(
    main: etree._Element, meta: Mapping[str, str], article: Mapping[str, Any]
) -> tuple[Organisation, ...]:
    found: dict[str, Organisation] = {}
    primary = meta.get("govuk:primary-publishing-organisation")
    for link in _from_links(main):
        path = urlsplit(link.get("href") or "").path
        if path.startswith(("/government/organisations/", "/world/organisations/")):
            name = _text(link)
            org = Organisation(name=name, slug=slug_from_path(path))
            if name == primary:
                found = {org.slug: org, **found}
            else:
                found.setdefault(org.slug, org)
    if not found:
        authors = article.get("author")
        for author in authors if isinstance(authors, list) else [authors]:
            if isinstance(author, Mapping) and isinstance(author.get("name"), str):
                url = author.get("url")
                path = urlsplit(url).path if isinstance(url, str) else ""
                name = normalise_space(author["name"])
                slug = slug_from_path(path) if path.strip("/") else slugify(name)
                found.setdefault(slug, Organisation(name=name, slug=slug))
    if not found and primary:
        found[slugify(primary)] = Organisation(name=primary, slug=slugify(primary))
    return tuple(found.values())


def _people(main: etree._Element) -> tuple[Person, ...]:
    return tuple(
        Person(name=_text(link))
        for link in _from_links(main)
        if urlsplit(link.get("href") or "").path.startswith("/government/people/") and _text(link)
    )


def _change_history(main: etree._Element) -> tuple[Change, ...]:
    changes: list[Change] = []
    for item in _by_class(main, "gem-c-published-dates__change-item"):
        time = item.find(".//time")
        note = next(iter(_by_class(item, "gem-c-published-dates__change-note")), None)
        if time is None or note is None:
            continue
        try:
            at = parse_time(time.get("datetime"), "change date")
        except InputError:
            continue
        if at is not None:
            changes.append(Change(at=at, note=_text(note)))
    changes.sort(key=lambda change: change.at, reverse=True)
    return tuple(changes)


def _image(main: etree._Element, article: Mapping[str, Any]) -> Image | None:
    figure = next((f for f in main.iter("figure") if not _inside_govspeak(f)), None)
    if figure is not None:
        img = figure.find(".//img")
        caption = figure.find(".//figcaption")
        credit = next(iter(_by_class(figure, "gem-c-figure__credit")), None)
        caption_text = _text(caption) if caption is not None else ""
        credit_text = _text(credit) if credit is not None else ""
        if credit_text:
            caption_text = normalise_space(caption_text.replace(credit_text, ""))
            credit_text = credit_text.removeprefix("Image credit:").strip()
        url = img.get("src") if img is not None else None
        return Image(
            url=url,
            alt_text=(img.get("alt") or "").strip() or None if img is not None else None,
            caption=caption_text or None,
            credit=credit_text or None,
        )
    images = article.get("image")
    first = images[0] if isinstance(images, list) and images else images
    if isinstance(first, Mapping):
        first = first.get("url")
    return Image(url=first) if isinstance(first, str) and first else None


def _inside_govspeak(element: etree._Element) -> bool:
    return any(_has_class(a, "govspeak") for a in element.iterancestors())


def _withdrawn(main: etree._Element, meta: Mapping[str, str]) -> tuple[datetime | None, str | None]:
    if meta.get("govuk:withdrawn", "").lower() not in ("withdrawn", "true"):
        return None, None
    notice = next(iter(_by_class(main, "gem-c-notice")), None)
    if notice is None:
        return None, None
    time = notice.find(".//time")
    at = None
    if time is not None:
        try:
            at = parse_time(time.get("datetime"), "withdrawn date")
        except InputError:
            log.debug("unreadable withdrawal time %r; trying its text", time.get("datetime"))
        at = at or _day_month_year(_text(time))
    note = " ".join(block.text for block in element_to_blocks(notice)) or None
    return at, note
