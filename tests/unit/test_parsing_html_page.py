"""Saved GOV.UK pages: JSON-LD first, then govuk meta tags, then the DOM."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.errors import InputError, UnsupportedInput
from bot.models import DocType, Organisation, Person
from bot.parsing import parse_html_page

PAGE = (
    Path(__file__).resolve().parents[2]
    / "data"
    / "samples"
    / "8-million-to-expand-breakfast-clubs-in-rural-schools.html"
)
PATH = "/government/news/8-million-to-expand-breakfast-clubs-in-rural-schools"


def page() -> str:
    return PAGE.read_text(encoding="utf-8")


def without_json_ld_and_meta(html: str) -> str:
    html = re.sub(r'<script type="application/ld\+json">.*?</script>', "", html, flags=re.DOTALL)
    return re.sub(r'<meta name="govuk:[^>]*>', "", html)


def test_sample_page_from_json_ld_and_meta() -> None:
    story = parse_html_page(page(), "page.html")
    assert story.title == "£8 million to expand breakfast clubs in rural schools"
    assert story.source_format == "html" and story.source == "page.html"
    assert story.doc_type is DocType.PRESS_RELEASE
    assert (
        story.description
        == "Rural primary schools can apply for a share of £8 million to open or expand breakfast clubs."
    )
    assert story.published_at == datetime(2026, 1, 15, 0, 1, tzinfo=UTC)
    assert story.updated_at == datetime(2026, 1, 16, 10, 30, tzinfo=UTC)
    assert story.base_path == PATH and story.url == f"https://www.gov.uk{PATH}"
    assert story.content_id == "9c1f0e7a-2b3d-4e5f-8a9b-0c1d2e3f4a5b" and story.locale == "en"
    assert story.organisations == (Organisation("Department for Education", "department-for-education"),)
    assert story.people == (Person("Daniel Hughes MP"),)
    assert [c.note for c in story.change_history] == ["Added how to apply.", "First published."]
    assert story.image is not None and story.image.credit == "Example Photography"
    assert story.image.caption == "A breakfast club at a primary school in Cumbria."
    texts = [b.text for b in story.blocks]
    assert texts[0].startswith("Primary schools in rural areas will share £8 million")
    assert [b.text for b in story.blocks if b.blockquote][
        0
    ] == "No child should sit in a classroom too hungry to learn."
    assert not any("cookies" in t or "press office" in t or "Crown copyright" in t for t in texts)


def test_sample_page_from_the_dom_alone_gives_the_same_story() -> None:
    full = parse_html_page(page(), "page.html")
    dom = parse_html_page(without_json_ld_and_meta(page()), "page.html")
    assert dom.blocks == full.blocks
    assert (dom.title, dom.description, dom.doc_type, dom.base_path) == (
        full.title,
        full.description,
        full.doc_type,
        full.base_path,
    )
    assert dom.organisations == full.organisations and dom.change_history == full.change_history
    # The page's own dates are day-only: midnight UTC on the day.
    assert dom.published_at == datetime(2026, 1, 15, tzinfo=UTC) and dom.content_id is None


def test_other_govuk_page_types_are_unsupported() -> None:
    speech = (
        page()
        .replace('content="news_article"', 'content="speech"')
        .replace('content="press_release"', 'content="speech"')
    )
    with pytest.raises(UnsupportedInput, match="a GOV.UK speech page, not a news article"):
        parse_html_page(speech, "x")


def test_withdrawn_page() -> None:
    html = (
        page()
        .replace(
            '<meta name="govuk:political-status"',
            '<meta name="govuk:withdrawn" content="withdrawn"><meta name="govuk:political-status"',
        )
        .replace(
            '<div class="govuk-grid-row gem-print-columns-none">',
            '<div class="gem-c-notice"><p>This news article was withdrawn on '
            '<time datetime="2026-03-01T09:00:00.000+00:00">1 March 2026</time></p>'
            "<p>The fund has closed.</p></div>"
            '<div class="govuk-grid-row gem-print-columns-none">',
        )
    )
    story = parse_html_page(html, "x")
    assert story.withdrawn_at == datetime(2026, 3, 1, 9, tzinfo=UTC)
    assert story.withdrawn_note == "This news article was withdrawn on 1 March 2026 The fund has closed."


@pytest.mark.parametrize(
    ("html", "message"),
    [
        ("", "empty HTML page"),
        ("<html><body><p>Hello</p></body></html>", "no news story in it"),
        ("<html><body><h1>Page not found</h1></body></html>", "no story body"),
    ],
)
def test_pages_without_a_story(html: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_html_page(html, "x")
