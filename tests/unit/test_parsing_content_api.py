"""Content API items into stories: metadata, organisations, images, history, errors."""

from __future__ import annotations

import copy
import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.errors import InputError, UnsupportedInput
from bot.models import DocType, Image, Organisation, Person
from bot.parsing.content_api import parse_content_api

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "data" / "samples"
SHARED = REPO / ".." / "shared" / "fixtures" / "govuk" / "content-api"
needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason="../shared/fixtures/govuk is absent (shared fixtures live beside the repo)"
)


def load(folder: Path, name: str) -> dict[str, Any]:
    return json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@needs_shared
def test_fixture_news_story_with_people_roles_and_new_image_shape() -> None:
    story = parse_content_api(load(SHARED, "public-approval-for-driving-limits-for-16-drugs"), "x.json")
    assert story.title == "Public approval for driving limits for 16 drugs"
    assert story.doc_type is DocType.NEWS_STORY
    assert story.source_format == "content_api" and story.source == "x.json"
    assert story.published_at == story.updated_at == utc(2014, 3, 27, 9, 35)
    assert story.base_path == "/government/news/public-approval-for-driving-limits-for-16-drugs"
    assert story.url == "https://www.gov.uk" + story.base_path
    assert story.content_id == "5f4773c9-7631-11e4-a3cb-005056011aef" and story.locale == "en"
    assert story.organisations == (Organisation("Department for Transport", "department-for-transport"),)
    assert story.people == (
        Person("Robert Goodwill MP", "Parliamentary Under Secretary of State for Transport"),
    )
    assert story.image is not None and story.image.url is not None and "/s960_" in story.image.url
    assert story.complete and story.withdrawn_at is None
    assert story.identity_key == "content_id:5f4773c9-7631-11e4-a3cb-005056011aef:en"


@needs_shared
def test_fixture_change_history_mixed_offsets_newest_first_in_utc() -> None:
    story = parse_content_api(load(SHARED, "cde-innovation-network-event-9-july-2015-london"), "x")
    assert [c.at for c in story.change_history] == [
        utc(2015, 7, 13, 9, 40, 13),
        utc(2015, 4, 30, 10, 36, 33),
        utc(2015, 3, 25, 13, 23),
    ]
    assert story.change_note == "Presentation slides are now available to view online."
    assert story.published_at == utc(2015, 3, 25, 13, 23) and story.updated_at == utc(2015, 7, 13, 9, 40, 13)
    # The primary publishing organisation leads; both listed organisations are kept.
    assert [o.slug for o in story.organisations] == [
        "centre-for-defence-enterprise",
        "defence-science-and-technology-laboratory",
    ]


@needs_shared
def test_fixture_world_news_story_worldwide_organisations_and_trailing_spaces() -> None:
    name = "british-high-commission-marks-his-majesty-king-charles-iiis-birthday-with-brilliantly-british-celebrations"
    story = parse_content_api(load(SHARED, name), "x")
    assert story.doc_type is DocType.WORLD_NEWS_STORY
    assert story.description is not None and story.description.endswith("Islamabad and Karachi.")
    assert {o.slug for o in story.organisations} == {
        "british-deputy-high-commission-karachi",
        "british-high-commission-islamabad",
    }
    assert story.image is not None and story.image.alt_text is None
    assert story.image.caption is not None and story.image.caption.startswith("British High Commissioner")
    assert any("£50 billion" in b.text for b in story.blocks)


@needs_shared
def test_fixture_old_image_shape_and_publish_times_out_of_order() -> None:
    story = parse_content_api(load(SHARED, "christmas-2016-prime-ministers-message"), "x")
    assert story.title == "Christmas 2016: Prime Minister's message"
    assert story.image == Image(
        url="https://assets.publishing.service.gov.uk/government/uploads/system/uploads/image_data/file/59695/s465_Christmas.jpg",
        alt_text="Christmas",
        credit="Number 10 elf, Published under Creative Commons",
    )
    assert story.published_at == utc(2016, 12, 25, 0, 15, 6)
    assert story.updated_at == utc(2016, 12, 25, 0, 15, 2)  # 4 s before: kept as GOV.UK says
    assert story.people == (Person("The Rt Hon Theresa May MP"),)


@needs_shared
def test_fixture_press_releases_no_change_history_and_double_dash_slug() -> None:
    modern = parse_content_api(
        load(SHARED, "modern-life-responsible-for-worrying-health-in-middle-aged"), "x"
    )
    assert modern.doc_type is DocType.PRESS_RELEASE and modern.change_history == ()
    frank = parse_content_api(load(SHARED, "new-frank-adverts-mark-tenth-anniversary--2"), "x")
    assert frank.slug == "new-frank-adverts-mark-tenth-anniversary--2"
    assert frank.organisations == (Organisation("Home Office", "home-office"),)


@needs_shared
def test_fixture_items_parse_well_under_a_millisecond() -> None:
    item = load(SHARED, "cde-innovation-network-event-9-july-2015-london")
    parse_content_api(item, "x")
    runs = 50
    started = time.perf_counter()
    for _ in range(runs):
        parse_content_api(item, "x")
    # Generous bound for a busy CI machine; typical is ~0.3 ms.
    assert (time.perf_counter() - started) / runs < 0.005


def test_sample_items_parse() -> None:
    roads = parse_content_api(load(SAMPLES, "rural-roads-to-get-120-million-for-pothole-repairs"), "s")
    assert roads.people == (Person("Alex Morgan MP", "Minister of State for Roads"),)
    assert [b.text for b in roads.blocks if b.blockquote][1].startswith("This £120 million")
    assert not any("020 7946" in b.text for b in roads.blocks)
    assert roads.change_history[0].note == "Added how the money is shared."
    assert roads.updated_at == utc(2025, 9, 19, 13, 5, 12)
    assert (
        roads.description
        == "Councils in England will share £120 million to repair potholes and resurface rural roads before winter."
    )

    floods = parse_content_api(
        load(SAMPLES, "new-flood-defences-to-protect-12000-homes-in-calder-valley"), "s"
    )
    assert floods.organisations[0] == Organisation("Environment Agency", "environment-agency")
    assert floods.image is not None and floods.image.credit == "Environment Agency"
    assert any(b.text.startswith("The scheme includes 4 kilometres") for b in floods.blocks)

    ghana = parse_content_api(load(SAMPLES, "uk-and-ghana-launch-15-million-clean-cooking-partnership"), "s")
    assert ghana.organisations == (
        Organisation("British High Commission Accra", "british-high-commission-accra"),
    )
    assert ghana.doc_type is DocType.WORLD_NEWS_STORY


def minimal(**changes: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "schema_name": "news_article",
        "document_type": "news_story",
        "title": "A title",
        "base_path": "/government/news/a-title",
        "first_published_at": "2024-06-01T12:00:00+01:00",
        "details": {"body": "<p>Body.</p>"},
    }
    item.update(changes)
    return item


def test_minimal_item_and_time_shapes() -> None:
    story = parse_content_api(minimal(public_updated_at="2024-06-02T09:00:00.123Z"), "x")
    assert story.published_at == utc(2024, 6, 1, 11)
    assert story.updated_at == datetime(2024, 6, 2, 9, 0, 0, 123000, tzinfo=UTC)
    assert story.organisations == () and story.image is None and story.locale is None


def test_primary_publishing_organisation_used_when_no_organisations() -> None:
    links = {
        "primary_publishing_organisation": [
            {"title": "Home Office", "base_path": "/government/organisations/home-office"}
        ]
    }
    assert parse_content_api(minimal(links=links), "x").organisations == (
        Organisation("Home Office", "home-office"),
    )


def test_web_url_used_when_no_base_path() -> None:
    item = minimal(web_url="https://www.gov.uk/government/news/x")
    del item["base_path"]
    assert parse_content_api(item, "x").url == "https://www.gov.uk/government/news/x"


def test_withdrawn_notice() -> None:
    notice = {
        "explanation": '<div class="govspeak"><p>This was <em>withdrawn</em>.</p></div>',
        "withdrawn_at": "2020-01-02T03:04:05Z",
    }
    story = parse_content_api(minimal(withdrawn_notice=notice), "x")
    assert story.withdrawn_at == utc(2020, 1, 2, 3, 4, 5) and story.withdrawn_note == "This was withdrawn."


def test_publishing_api_body_list_takes_the_html_part() -> None:
    body = [
        {"content_type": "text/govspeak", "content": "Body."},
        {"content_type": "text/html", "content": "<p>HTML body.</p>"},
    ]
    assert parse_content_api(minimal(details={"body": body}), "x").body_text == "HTML body."


@pytest.mark.parametrize(
    ("schema", "document_type", "reason"),
    [
        ("speech", "speech", "a speech, not a news article."),
        ("place", "place", "a place, not a news article."),
        ("publication", "official_statistics", "an official statistics, not a news article."),
    ],
)
def test_other_schemas_are_unsupported(schema: str, document_type: str, reason: str) -> None:
    with pytest.raises(UnsupportedInput) as caught:
        parse_content_api(minimal(schema_name=schema, document_type=document_type), "x")
    assert caught.value.user_message == reason


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": None}, "no title"),
        ({"title": "   "}, "no title"),
        ({"details": {}}, "details.body is missing"),
        ({"details": None}, "no details"),
        ({"details": {"body": 5}}, "should be HTML text, not a number"),
        ({"first_published_at": "yesterday"}, "first_published_at is not a valid date"),
        ({"first_published_at": 1234}, "first_published_at should be a date string"),
        ({"base_path": ["x"]}, "base_path should be text, not a list"),
        ({"links": "nope"}, "links should be an object"),
        ({"schema_name": None}, "no schema_name"),
    ],
)
def test_malformed_items_name_what_is_wrong(change: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_content_api(minimal(**change), "x")
    assert not isinstance(caught.value, UnsupportedInput)
    assert message in caught.value.user_message


def test_not_an_object_and_search_results() -> None:
    with pytest.raises(InputError, match="got a JSON list"):
        parse_content_api([1, 2], "x")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="search result list"):
        parse_content_api({"results": [], "total": 0}, "x")


def test_odd_link_entries_and_history_entries_are_skipped_not_fatal() -> None:
    item = minimal(links={"organisations": ["bare-id", {"no": "title"}, {"title": "Cabinet Office"}]})
    item["details"] = {
        "body": "<p>x</p>",
        "change_history": [
            {"note": "ok", "public_timestamp": "2024-01-01T00:00:00Z"},
            {"note": "bad", "public_timestamp": "x"},
            "junk",
        ],
        "images": ["junk"],
    }
    story = parse_content_api(item, "x")
    assert story.organisations == (Organisation("Cabinet Office", "cabinet-office"),)
    assert [c.note for c in story.change_history] == ["ok"]
    assert story.image is None


def test_input_is_not_mutated() -> None:
    item = minimal()
    before = copy.deepcopy(item)
    parse_content_api(item, "x")
    assert item == before


def test_live_style_unicode_escapes_and_translations() -> None:
    raw = (
        '{"schema_name": "news_article", "document_type": "news_story", "title": "Fish \\u0026 chips",'
        ' "base_path": "/government/news/x.ar", "content_id": "abc", "locale": "ar",'
        ' "details": {"body": "\\u003cdiv class=\\"govspeak\\"\\u003e\\u003cp\\u003e\\u0645\\u0631\\u062d\\u0628\\u0627 \\u0026amp; \\u00a35m\\u003c/p\\u003e\\u003c/div\\u003e"}}'
    )
    story = parse_content_api(json.loads(raw), "x")
    assert story.title == "Fish & chips"
    assert story.body_text == "مرحبا & £5m"
    assert story.identity_key == "content_id:abc:ar"


def test_first_public_at_is_the_fallback_publication_time() -> None:
    item = minimal(details={"body": "<p>x</p>", "first_public_at": "2012-05-01T10:00:00+01:00"})
    del item["first_published_at"]
    assert parse_content_api(item, "x").published_at == utc(2012, 5, 1, 9)
