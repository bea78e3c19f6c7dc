"""The Discord-free parts of /updates: post cards and digests within Discord's limits."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from bot.models import Block, BlockKind, Extraction, Money, Organisation, Quote, Sentence, StoredStory, Story
from bot.presenting import (
    DESCRIPTION_LIMIT,
    FIELD_COUNT_LIMIT,
    FIELD_VALUE_LIMIT,
    OGL_ATTRIBUTION,
    TITLE_LIMIT,
    TOTAL_LIMIT,
    units,
)
from bot.updates.commands import digest_cards, headline_funding, post_card, post_content

ORGS = [Organisation(f"Department number {n}", f"department-{n}") for n in range(3)]


def stored(
    n: int, *, text: str = "Money for things.", org: int = 0, money: tuple[Money, ...] = ()
) -> StoredStory:
    story = Story(
        title=f"Story {n} " + "with a long title " * (n % 3),
        blocks=(Block(BlockKind.PARAGRAPH, text),),
        source=f"tests/{n}.txt",
        source_format="text",
        base_path=f"/government/news/story-{n}",
        organisations=(ORGS[org],),
        published_at=datetime(2026, 11, 20, tzinfo=UTC),
        id=f"story-{n}",
    )
    return StoredStory(story, Extraction(money=money, summary=(Sentence(text, 0, 0),)))


def money(surface: str, amount: int, *, part_of: str | None = None, funding: bool = True) -> Money:
    return Money(surface, Decimal(amount), "GBP", funding, 0, part_of=part_of)


def fits(card_units: int) -> bool:
    return card_units <= TOTAL_LIMIT


def test_headline_funding_is_the_largest_total() -> None:
    figures = (
        money("£5 million", 5_000_000, part_of="£40 million"),
        money("£40 million", 40_000_000),
        money("£900 million", 900_000_000, funding=False),
        money("£60 million", 60_000_000, part_of="£100 million"),
    )
    assert headline_funding(figures) == figures[1]
    assert headline_funding(()) is None


def test_post_card_stays_within_one_embed() -> None:
    huge = stored(1, text="Councils get money. " * 800)
    quote = Quote("Jane Smith", "Minister " * 50, "Words. " * 500, 0)
    s = StoredStory(
        huge.story,
        Extraction(quotes=(quote,), money=(money("£1 million", 10**6),), summary=huge.extraction.summary),
    )
    card = post_card(s, update_note="Corrected. " * 100)
    assert units(card.title) <= TITLE_LIMIT and units(card.description) <= DESCRIPTION_LIMIT
    assert all(units(f.value) <= FIELD_VALUE_LIMIT for f in card.fields)
    assert fits(card.size) and card.footer == OGL_ATTRIBUTION
    assert card.description.startswith("**Updated:** Corrected.")
    assert card.url == "https://www.gov.uk/government/news/story-1"


def test_post_content_is_role_mentions_only() -> None:
    assert post_content([5, 6, 5]) == "<@&5> <@&6>"
    assert post_content([]) is None


def test_a_long_digest_is_paged_and_grouped() -> None:
    stories = [stored(n, org=n % 3, money=(money("£2 million", 2_000_000),)) for n in range(300)]
    pages = digest_cards("daily", "2026-11-26", stories)
    assert len(pages) > 1
    assert pages[0].title == f"Daily digest for 2026-11-26 (1/{len(pages)})"
    for page in pages:
        assert fits(page.size) and len(page.fields) <= FIELD_COUNT_LIMIT
        assert all(units(f.value) <= FIELD_VALUE_LIMIT for f in page.fields)
    lines = [line for page in pages for f in page.fields for line in f.value.split("\n")]
    assert len(lines) == 300  # every story once, none cut across fields
    assert (
        lines[0]
        == "[Story 0](https://www.gov.uk/government/news/story-0) — Money for things. · **£2 million**"
    )
    assert all(line.endswith("· **£2 million**") for line in lines)
    names = [f.name for page in pages for f in page.fields]
    assert names[0] == "Department number 0" and "Department number 0 (continued)" in names


def test_a_catch_up_has_no_date() -> None:
    [page] = digest_cards("catch_up", "2026-11-25T09:00:00.000+00:00", [stored(1)])
    assert page.title == "Stories you missed" and page.description == "1 story."
