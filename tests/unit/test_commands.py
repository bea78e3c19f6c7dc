"""The /news command layer against a real Store on a temporary database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from bot.commands import NewsCommands, funding_tree, parse_min_amount, pounds
from bot.errors import InvalidQuery, NothingFound, StoryNotFound
from bot.models import (
    Block,
    BlockKind,
    DocType,
    Extraction,
    Money,
    Organisation,
    Quote,
    Sentence,
    Story,
)
from bot.presenting import (
    FIELD_VALUE_LIMIT,
    OGL_ATTRIBUTION,
    TOTAL_LIMIT,
    ZWSP,
    Answer,
    render_text,
    units,
)
from bot.storage import Store, open_store

DFT = Organisation("Department for Transport", "department-for-transport")
HO = Organisation("Home Office", "home-office")
START = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def make_story(
    title: str,
    paragraphs: list[str],
    *,
    days: int = 0,
    orgs: tuple[Organisation, ...] = (DFT,),
    description: str | None = None,
    slug: str | None = None,
) -> Story:
    slug = slug or title.lower().replace(" ", "-")[:40]
    return Story(
        title=title,
        blocks=tuple(Block(BlockKind.PARAGRAPH, p) for p in paragraphs),
        source=f"https://www.gov.uk/government/news/{slug}",
        source_format="content_api",
        doc_type=DocType.PRESS_RELEASE,
        description=description,
        published_at=START + timedelta(days=days),
        base_path=f"/government/news/{slug}",
        url=f"https://www.gov.uk/government/news/{slug}",
        organisations=orgs,
    )


def summary_of(paragraphs: list[str]) -> tuple[Sentence, ...]:
    return tuple(Sentence(p, i, i) for i, p in enumerate(paragraphs))


CYCLING = [
    "The government has announced £40 million for new cycle lanes across England.",
    "The money includes £10 million for rural routes in 2026 to 2027.",
    "Transport Minister Jo Johnson said: “Cycling is good for everyone.”",
    "A consultation costs £580.17 per response to run.",
]
CYCLING_EXTRACTION = Extraction(
    quotes=(Quote("Jo Johnson", "Transport Minister", "Cycling is good for everyone.", 2),),
    money=(
        Money("£40 million", Decimal(40_000_000), "GBP", True, 0, purpose="new cycle lanes"),
        Money(
            "£10 million",
            Decimal(10_000_000),
            "GBP",
            True,
            1,
            purpose="rural routes",
            period="2026 to 2027",
            part_of="£40 million",
        ),
        Money("£580.17", Decimal("580.17"), "GBP", False, 3, purpose="per response"),
    ),
    summary=(summary_of(CYCLING)[0], summary_of(CYCLING)[1], summary_of(CYCLING)[3]),
    version=1,
)

BORDER = [
    "The Home Office has set out new border checks at ports.",
    "Home Secretary Amber Rudd said: “These checks keep us safe.”",
    "Jo Johnson added: “Transport links will not be slowed.”",
]
BORDER_EXTRACTION = Extraction(
    quotes=(
        Quote("Amber Rudd", "Home Secretary", "These checks keep us safe.", 1),
        Quote("Jo Johnson", "Transport Minister", "Transport links will not be slowed.", 2),
    ),
    money=(Money("£5 million", Decimal(5_000_000), "GBP", True, 0, purpose="border staff"),),
    summary=summary_of(BORDER)[:1],
    version=1,
)

TRICKY_TITLE = "Ping @everyone about **bold** plans <@123>"
TRICKY = ["Text with\n# heading\n> quote and [link](https://evil.example) for @here."]


@pytest.fixture
async def store(tmp_path) -> AsyncIterator[Store]:
    async with open_store(tmp_path / "news.db") as opened:
        yield opened


@pytest.fixture
async def filled(store: Store) -> Store:
    await store.save(
        make_story(
            "Cycling funding announced", CYCLING, description="Money for bikes.", slug="cycling-funding"
        ),
        CYCLING_EXTRACTION,
    )
    await store.save(
        make_story("New border checks", BORDER, days=1, orgs=(HO,), slug="border-checks"), BORDER_EXTRACTION
    )
    await store.save(
        make_story(TRICKY_TITLE, TRICKY, days=2, slug="tricky"),
        Extraction(summary=summary_of(TRICKY), version=1),
    )
    return store


@pytest.fixture
def news(filled: Store) -> NewsCommands:
    return NewsCommands(filled)


def all_text(answer: Answer) -> str:
    parts = []
    for page in answer.pages:
        parts += [page.title, page.description, page.footer or ""]
        parts += [f.name + "\n" + f.value for f in page.fields]
    return "\n".join(parts)


def assert_attributed(answer: Answer) -> None:
    assert answer.pages
    assert all(page.footer == OGL_ATTRIBUTION for page in answer.pages)


# --- /news latest ------------------------------------------------------------------------------


async def test_latest_lists_newest_first_with_links(news: NewsCommands) -> None:
    answer = await news.latest()
    names = [f.name for page in answer.pages for f in page.fields]
    assert names[1:] == ["New border checks", "Cycling funding announced"]
    assert "@everyone" not in names[0]
    assert "[Read on GOV.UK](https://www.gov.uk/government/news/border-checks)" in all_text(answer)
    assert_attributed(answer)
    assert len((await news.latest(count=1)).pages[0].fields) == 1


async def test_latest_filters_by_organisation_slug_or_name(news: NewsCommands) -> None:
    for typed in ("home-office", "Home Office", "home"):
        answer = await news.latest(organisation=typed)
        assert [f.name for f in answer.pages[0].fields] == ["New border checks"]
        assert answer.pages[0].title == "Latest stories from Home Office"


async def test_latest_explains_bad_options(news: NewsCommands, store: Store) -> None:
    for count in (0, 26):
        with pytest.raises(InvalidQuery, match="count must be a whole number from 1 to 25"):
            await news.latest(count=count)
    with pytest.raises(NothingFound, match="No organisation matches"):
        await news.latest(organisation="Ministry of Magic")


async def test_latest_on_an_empty_store_says_how_to_add_stories(store: Store) -> None:
    with pytest.raises(NothingFound, match="python run.py ingest"):
        await NewsCommands(store).latest()


# --- /news story -------------------------------------------------------------------------------


async def test_story_card_has_everything_the_issue_lists(news: NewsCommands) -> None:
    answer = await news.story("cycling-funding")
    [card] = answer.pages
    fields = {f.name: f.value for f in card.fields}
    assert card.title == "Cycling funding announced"
    assert card.url == "https://www.gov.uk/government/news/cycling-funding"
    assert card.footer == OGL_ATTRIBUTION and card.timestamp == START
    assert fields["Type"] == "Press release"
    assert fields["Published"] == "2 March 2026"
    assert fields["Organisations"] == "Department for Transport"
    assert fields["Quotes"].startswith("1 ")
    assert fields["Funding figures"].startswith("2 ") and "1 other amount" in fields["Funding figures"]
    assert "£40 million for new cycle lanes" in card.description


async def test_story_accepts_a_title_and_suggests_when_unknown(news: NewsCommands) -> None:
    answer = await news.story("new border CHECKS")
    assert answer.pages[0].title == "New border checks"
    with pytest.raises(StoryNotFound) as caught:
        await news.story("cycling plans")
    assert "Cycling funding announced" in caught.value.user_message


async def test_story_text_cannot_ping_or_format(news: NewsCommands) -> None:
    answer = await news.story("tricky")
    text = all_text(answer)
    assert "@everyone" not in text and "@here" not in text and "<@1" not in text
    assert "@" + ZWSP + "everyone" in text
    assert r"\*\*bold\*\*" in text
    assert r"\# heading" in text and r"\> quote" in text and r"\[link\]" in text


# --- /news summary -----------------------------------------------------------------------------


async def test_summary_gives_sentences_in_reading_order_and_the_description_apart(news: NewsCommands) -> None:
    answer = await news.summary("cycling-funding", sentences=2)
    [card] = answer.pages
    assert card.description == CYCLING[0] + " " + CYCLING[1]
    assert [f.name for f in card.fields] == ["The department's description"]
    assert card.fields[0].value == "Money for bikes."
    assert card.footer == OGL_ATTRIBUTION


async def test_summary_checks_the_sentence_count(news: NewsCommands) -> None:
    for sentences in (0, 6):
        with pytest.raises(InvalidQuery, match="from 1 to 5"):
            await news.summary("cycling-funding", sentences=sentences)
    answer = await news.summary("border-checks", sentences=5)
    assert "only has 1 sentence" in all_text(answer)


# --- /news quotes ------------------------------------------------------------------------------


async def test_quotes_of_one_story(news: NewsCommands) -> None:
    answer = await news.quotes(story="border-checks")
    fields = answer.pages[0].fields
    assert [f.name for f in fields] == ["Amber Rudd, Home Secretary", "Jo Johnson, Transport Minister"]
    assert fields[0].value == "“These checks keep us safe.”"
    assert answer.pages[0].title == "Quotes: New border checks"
    assert_attributed(answer)


async def test_quotes_of_one_speaker_across_stories_by_partial_name(news: NewsCommands) -> None:
    answer = await news.quotes(speaker="Johns")
    fields = answer.pages[0].fields
    assert answer.pages[0].title == "Quotes from Jo Johnson"
    assert len(fields) == 2
    assert "From “New border checks” · `border-checks`" in fields[0].value
    assert "From “Cycling funding announced”" in fields[1].value


async def test_latest_quotes_and_misses(news: NewsCommands) -> None:
    answer = await news.quotes()
    assert len(answer.pages[0].fields) == 3
    with pytest.raises(NothingFound, match="No stored quotes from"):
        await news.quotes(speaker="Nobody Atall")
    with pytest.raises(NothingFound, match="No quotes from Amber"):
        await news.quotes(story="cycling-funding", speaker="Amber")
    answer = await news.quotes(story="border-checks", speaker="amber")
    assert [f.name for f in answer.pages[0].fields] == ["Amber Rudd, Home Secretary"]


# --- /news funding -----------------------------------------------------------------------------


async def test_funding_of_a_story_is_a_tree_with_other_money_apart(news: NewsCommands) -> None:
    answer = await news.funding(story="cycling-funding")
    [card] = answer.pages
    lines = card.description.splitlines()
    assert lines[0] == "**£40 million** — new cycle lanes"
    assert lines[1] == "\u2003└ **£10 million** — rural routes · 2026 to 2027"
    [other] = card.fields
    assert other.name == "Other amounts mentioned (not funding)"
    assert "£580.17" in other.value
    assert card.title == "Funding: Cycling funding announced"
    assert card.footer == OGL_ATTRIBUTION


async def test_funding_across_stories_biggest_first_with_min_amount(news: NewsCommands) -> None:
    answer = await news.funding()
    names = [f.name for f in answer.pages[0].fields]
    assert names == ["£40 million", "£10 million", "£5 million"]
    for minimum in (10_000_000, "10000000", "10,000,000", "£10m", "10 million"):
        answer = await news.funding(min_amount=minimum)
        assert [f.name for f in answer.pages[0].fields] == ["£40 million", "£10 million"]
        assert answer.pages[0].title == "Largest funding figures of £10 million or more"
    with pytest.raises(NothingFound, match="Try a smaller min_amount"):
        await news.funding(min_amount=10**12)
    with pytest.raises(InvalidQuery, match="negative"):
        await news.funding(min_amount=-5)


def test_min_amount_accepts_words_and_symbols() -> None:
    assert parse_min_amount("£5m") == Decimal(5_000_000)
    assert parse_min_amount("5 million") == Decimal(5_000_000)
    assert parse_min_amount(5_000_000) == Decimal(5_000_000)
    assert parse_min_amount("  ") is None
    with pytest.raises(InvalidQuery, match="Try 5000000, £5m or 5 million"):
        parse_min_amount("lots")
    with pytest.raises(InvalidQuery, match="in pounds"):
        parse_min_amount("€5m")


def test_funding_tree_survives_loops_and_missing_parents() -> None:
    a = Money("£1m", Decimal(1_000_000), "GBP", True, 0, part_of="£2m")
    b = Money("£2m", Decimal(2_000_000), "GBP", True, 1, part_of="£1m")
    c = Money("£3m", Decimal(3_000_000), "GBP", True, 2, part_of="£9m")
    lines = funding_tree([a, b, c])
    assert sorted(line.strip("\u2003└ ") for line in lines) == ["**£1m**", "**£2m**", "**£3m**"]


# --- /news search ------------------------------------------------------------------------------


async def test_search_highlights_and_escapes(news: NewsCommands) -> None:
    answer = await news.search("cycle")
    [card] = answer.pages
    assert card.title == "Search: cycle"
    assert card.fields[0].name == "Cycling funding announced"
    assert "**cycle**" in card.fields[0].value
    assert "`cycling-funding`" in card.fields[0].value
    answer = await news.search("heading")
    value = answer.pages[0].fields[0].value
    assert "**heading**" in value and r"\>" in value and "@here" not in value


async def test_search_explains_empty_long_and_fruitless_queries(news: NewsCommands) -> None:
    for query in ("", "   "):
        with pytest.raises(InvalidQuery, match="Type some words"):
            await news.search(query)
    with pytest.raises(InvalidQuery, match="too long"):
        await news.search("word " * 100)
    with pytest.raises(NothingFound, match="Nothing matches"):
        await news.search("zebra")
    with pytest.raises(InvalidQuery):
        await news.search('"" **')


# --- autocomplete ------------------------------------------------------------------------------


async def test_autocomplete_matches_word_prefixes(news: NewsCommands) -> None:
    assert await news.complete_story("bord") == [("New border checks", "border-checks")]
    assert await news.complete_speaker("Johns") == [("Jo Johnson", "Jo Johnson")]
    assert await news.complete_organisation("hom") == [("Home Office", "home-office")]
    assert len(await news.complete_story("")) == 3
    assert await news.complete_story('"*') == await news.complete_story("")  # nothing usable: newest


async def test_autocomplete_caps_choices_and_lengths(store: Store) -> None:
    long_title = "Budget " + "very long words " * 20
    for i in range(30):
        await store.save(make_story(f"{long_title} {i}", ["Text."], days=i, slug=f"budget-{i}"), Extraction())
    choices = await NewsCommands(store).complete_story("budg")
    assert len(choices) == 25
    assert all(len(name) <= 100 and len(value) <= 100 for name, value in choices)


# --- limits --------------------------------------------------------------------------------------


async def test_a_huge_story_still_fits_discords_limits(store: Store) -> None:
    paragraphs = [("Word " * 200 + "said the minister.") for _ in range(10)]  # about 10,000 characters
    quotes = tuple(Quote(f"Speaker {i}", "Minister " * 40, "Long quote. " * 200, i) for i in range(30))
    await store.save(
        make_story("Huge " * 80, paragraphs, description="D " * 3000, slug="huge"),
        Extraction(quotes=quotes, summary=summary_of(paragraphs)[:5], version=1),
    )
    news = NewsCommands(store)
    for answer in (
        await news.story("huge"),
        await news.summary("huge", sentences=5),
        await news.quotes(story="huge"),
        await news.latest(),
    ):
        for page in answer.pages:
            assert page.size <= TOTAL_LIMIT
            assert all(units(f.value) <= FIELD_VALUE_LIMIT for f in page.fields)
    quotes_answer = await news.quotes(story="huge")
    assert sum(len(p.fields) for p in quotes_answer.pages) == 30
    assert "Speaker 29" in render_text(quotes_answer)


def test_pounds_reads_like_govuk() -> None:
    assert [pounds(Decimal(x)) for x in ("5000000", "1500000000", "250000", "580.17", "1234567")] == [
        "£5 million",
        "£1.5 billion",
        "£250,000",
        "£580.17",
        "£1.23 million",
    ]
