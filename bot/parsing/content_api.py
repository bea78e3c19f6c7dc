"""GOV.UK Content API items (`GET /api/content/<base_path>`) into `Story`.

Only `news_article` items are news; anything else is readable but unsupported (a speech, a place
page...), which ingestion reports as skipped. Every `links.*` entry is an expanded object with a
`title` and `base_path`, so organisations and people come straight from them.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from operator import attrgetter
from typing import Any

from bot.errors import InputError, UnsupportedInput
from bot.models import Change, DocType, Image, Organisation, Person, Story
from bot.parsing.html_body import html_to_blocks, html_to_text, normalise_space

log = logging.getLogger(__name__)

GOVUK_WEB = "https://www.gov.uk"
# Largest first: the lead image's best available rendition.
_IMAGE_SIZES = ("s960", "s712", "s630", "s465", "s300", "s216")
# For isinstance(): JSON objects are dicts, and the dict check is a C type test where the Mapping
# ABC alone calls into Python each time; any other Mapping is still accepted.
_MAPPING = (dict, Mapping)


def parse_content_api(item: Mapping[str, Any], source: str) -> Story:
    """One Content API item into a Story; UnsupportedInput when it is not a news article."""
    if not isinstance(item, _MAPPING):
        raise InputError(f"expected a Content API item (a JSON object), got a JSON {_json_type(item)}.")
    schema = item.get("schema_name")
    document_type = item.get("document_type")
    if not isinstance(schema, str) or not schema:
        if "results" in item or "total" in item:
            raise InputError(
                "this is a GOV.UK search result list, not a Content API item; ingest the items' URLs instead."
            )
        raise InputError("not a GOV.UK Content API item: it has no schema_name.")
    if schema != "news_article":
        kind = document_type if isinstance(document_type, str) and document_type else schema
        raise UnsupportedInput(f"{_with_article(kind.replace('_', ' '))}, not a news article.")

    title = item.get("title")
    if not isinstance(title, str) or not title.strip():
        raise InputError("Content API item has no title.")
    details = item.get("details")
    if not isinstance(details, _MAPPING):
        raise InputError("Content API item has no details (so no body).")
    body = _body_html(details.get("body"))

    links = item.get("links")
    if links is None:
        links = {}
    elif not isinstance(links, _MAPPING):
        raise InputError(f"Content API item's links should be an object, not a {_json_type(links)}.")

    base_path = _optional_str(item, "base_path")
    url = f"{GOVUK_WEB}{base_path}" if base_path else _optional_str(item, "web_url")
    withdrawn_at, withdrawn_note = _withdrawn(item.get("withdrawn_notice"))
    return Story(
        title=normalise_space(title),
        blocks=html_to_blocks(body),
        source=source,
        source_format="content_api",
        doc_type=_doc_type(document_type) if isinstance(document_type, str) else DocType.UNKNOWN,
        description=normalise_space(_optional_str(item, "description") or "") or None,
        published_at=parse_time(item.get("first_published_at"), "first_published_at")
        # The deprecated copy, for items old enough to lack the top-level field.
        or parse_time(details.get("first_public_at"), "details.first_public_at"),
        updated_at=parse_time(item.get("public_updated_at"), "public_updated_at"),
        base_path=base_path,
        content_id=_optional_str(item, "content_id"),
        locale=_optional_str(item, "locale"),
        url=url,
        organisations=_organisations(links),
        people=_people(links),
        change_history=_change_history(details.get("change_history")),
        image=_image(details),
        withdrawn_at=withdrawn_at,
        withdrawn_note=withdrawn_note,
    )


_AT = attrgetter("at")


def parse_time(raw: object, field: str) -> datetime | None:
    """ISO 8601 with any offset, with or without milliseconds, into aware UTC; None when absent."""
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str):
        raise InputError(f"{field} should be a date string, not a {_json_type(raw)}.")
    try:
        parsed = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise InputError(f"{field} is not a valid date: {raw[:40]!r}.") from None
    if parsed.tzinfo is None:  # GOV.UK always sends an offset; a bare time is taken as UTC
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def slug_from_path(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def slugify(name: str) -> str:
    """ "Prime Minister's Office, 10 Downing Street" -> "prime-ministers-office-10-downing-street"."""
    kept = "".join(ch if ch.isalnum() else " " for ch in name.casefold().replace("'", "").replace("’", ""))
    return "-".join(kept.split())


@lru_cache(maxsize=64)
def _doc_type(label: str) -> DocType:
    # A handful of labels recur in every item; the enum lookup behind from_label runs in Python.
    return DocType.from_label(label)


def _body_html(raw: object) -> str:
    if isinstance(raw, str):
        return raw
    # Publishing API payloads carry the body as [{content_type, content}, ...]; take the HTML one.
    if isinstance(raw, list):
        for part in raw:
            if isinstance(part, _MAPPING) and part.get("content_type") == "text/html":
                content = part.get("content")
                if isinstance(content, str):
                    return content
    if raw is None:
        raise InputError("Content API item has no body (details.body is missing).")
    raise InputError(f"Content API item's details.body should be HTML text, not a {_json_type(raw)}.")


def _optional_str(item: Mapping[str, Any], key: str) -> str | None:
    value = item.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f"Content API item's {key} should be text, not a {_json_type(value)}.")
    return value.strip() or None


def _link_list(links: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    entries = links.get(key)
    if not isinstance(entries, list):
        return []
    return [entry for entry in entries if isinstance(entry, _MAPPING) and isinstance(entry.get("title"), str)]


def _organisation(entry: Mapping[str, Any]) -> Organisation:
    name = normalise_space(entry["title"])
    path = entry.get("base_path")
    slug = slug_from_path(path) if isinstance(path, str) and path.strip("/") else slugify(name)
    return Organisation(name=name, slug=slug)


def _organisations(links: Mapping[str, Any]) -> tuple[Organisation, ...]:
    primary = [_organisation(e) for e in _link_list(links, "primary_publishing_organisation")]
    listed = [_organisation(e) for e in _link_list(links, "organisations")]
    if not listed and not primary:
        listed = [_organisation(e) for e in _link_list(links, "worldwide_organisations")]
    # The lead (primary publishing) organisation first, then the others in GOV.UK's order.
    ordered: dict[str, Organisation] = {}
    for org in primary[:1] + listed:
        ordered.setdefault(org.slug, org)
    return tuple(ordered.values())


def _people(links: Mapping[str, Any]) -> tuple[Person, ...]:
    people = _link_list(links, "people")
    roles = _link_list(links, "roles") or _link_list(links, "ministers")
    # links.people and links.roles are separate lists with no pairing, so a role is only
    # attributed when there is exactly one of each.
    role = normalise_space(roles[0]["title"]) if len(people) == 1 and len(roles) == 1 else None
    return tuple(Person(name=normalise_space(p["title"]), role=role) for p in people)


def _change_history(raw: object) -> tuple[Change, ...]:
    if not isinstance(raw, list):
        return ()
    changes: list[Change] = []
    for entry in raw:
        if not isinstance(entry, _MAPPING):
            continue
        note = entry.get("note")
        try:
            at = parse_time(entry.get("public_timestamp"), "change_history public_timestamp")
        except InputError as err:
            log.debug("skipping a change_history entry: %s", err.user_message)
            continue
        if at is not None and isinstance(note, str):
            changes.append(Change(at=at, note=normalise_space(note)))
    # GOV.UK sends newest first, but the order is not promised: sort rather than trust it.
    changes.sort(key=_AT, reverse=True)
    return tuple(changes)


def _image(details: Mapping[str, Any]) -> Image | None:
    images = details.get("images")
    if isinstance(images, list) and images:
        candidates = [i for i in images if isinstance(i, _MAPPING)]
        lead = next((i for i in candidates if i.get("type") == "lead"), candidates[0] if candidates else None)
        if lead is not None:
            sources = lead.get("sources")
            url = None
            if isinstance(sources, _MAPPING):
                url = next((sources[s] for s in _IMAGE_SIZES if isinstance(sources.get(s), str)), None)
            if url is None and isinstance(lead.get("url"), str):
                url = lead["url"]
            return _image_from(lead, url)
    image = details.get("image")
    if isinstance(image, _MAPPING):
        url = image.get("url") or image.get("high_resolution_url")
        return _image_from(image, url if isinstance(url, str) else None)
    return None


def _image_from(raw: Mapping[str, Any], url: str | None) -> Image | None:
    alt_text, caption, credit = (
        _clean(raw.get("alt_text")),
        _clean(raw.get("caption")),
        _clean(raw.get("credit")),
    )
    if url is None and not (alt_text or caption or credit):
        return None
    return Image(url=url, alt_text=alt_text, caption=caption, credit=credit)


def _clean(value: object) -> str | None:
    return normalise_space(value) or None if isinstance(value, str) else None


def _withdrawn(raw: object) -> tuple[datetime | None, str | None]:
    if not isinstance(raw, _MAPPING) or not raw:
        return None, None
    at = parse_time(raw.get("withdrawn_at"), "withdrawn_notice.withdrawn_at")
    explanation = raw.get("explanation")
    note = html_to_text(explanation) or None if isinstance(explanation, str) else None
    return at, note


def _with_article(noun: str) -> str:
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


def _json_type(value: object) -> str:
    return {dict: "object", list: "list", str: "string", int: "number", float: "number", bool: "boolean"}.get(
        type(value), "null" if value is None else type(value).__name__
    )
