from decimal import Decimal

import pytest

from bot.errors import InvalidQuery
from bot.models import Block, BlockKind, DocType, Extraction, Money, Organisation, StoredStory, Story
from bot.updates.filters import (
    Mode,
    SubscriptionFilter,
    Term,
    backtest,
    format_pounds,
    parse_keywords,
    parse_min_funding,
    parse_types,
)


def stored(
    title: str = "New ferry link for island towns",
    body: str = "The Transport Secretary announced a new service.",
    description: str | None = "A new ferry service will connect three island towns.",
    doc_type: DocType = DocType.PRESS_RELEASE,
    orgs: tuple[str, ...] = ("department-for-transport",),
    money: tuple[tuple[str, bool], ...] = (),
) -> StoredStory:
    story = Story(
        title=title,
        blocks=(Block(BlockKind.PARAGRAPH, body),),
        source="test",
        source_format="text",
        doc_type=doc_type,
        description=description,
        organisations=tuple(Organisation(slug.replace("-", " ").title(), slug) for slug in orgs),
        id="s",
    )
    figures = tuple(
        Money(surface=f"£{amount}", amount=Decimal(amount), currency="GBP", is_funding=funding, block_index=0)
        for amount, funding in money
    )
    return StoredStory(story=story, extraction=Extraction(money=figures))


def test_keywords_words_phrases_exclusions_and_prefixes() -> None:
    include, exclude = parse_keywords('Ferry "island  towns" -Scotland fund* -"bus lane"')
    assert include == (Term("Ferry"), Term("island towns"), Term("fund", prefix=True))
    assert exclude == (Term("Scotland"), Term("bus lane"))


def test_keywords_are_anded_case_insensitive_whole_words() -> None:
    story = stored()
    assert SubscriptionFilter.parse(keywords="FERRY island").matches(story)
    assert not SubscriptionFilter.parse(keywords="ferry rail").matches(story)
    # whole words: "town" is not "towns", "serv" is not "service" unless asked for as a prefix
    assert not SubscriptionFilter.parse(keywords="town").matches(story)
    assert SubscriptionFilter.parse(keywords="serv*").matches(story)
    # words in the body and the description count as well as the title
    assert SubscriptionFilter.parse(keywords='"transport secretary"').matches(story)
    assert SubscriptionFilter.parse(keywords="connect").matches(story)


def test_phrases_match_words_in_order_only() -> None:
    story = stored()
    assert SubscriptionFilter.parse(keywords='"island towns"').matches(story)
    assert not SubscriptionFilter.parse(keywords='"towns island"').matches(story)


def test_exclusions_reject_any_match() -> None:
    story = stored()
    assert not SubscriptionFilter.parse(keywords="ferry -island").matches(story)
    assert not SubscriptionFilter.parse(keywords='-"new ferry"').matches(story)
    assert SubscriptionFilter.parse(keywords="-bus").matches(story)


def test_curly_apostrophes_match_straight_ones() -> None:
    story = stored(title="Minister’s visit to the port")
    assert SubscriptionFilter.parse(keywords="minister's").matches(story)
    assert SubscriptionFilter.parse(keywords="minister’s").matches(story)


@pytest.mark.parametrize("text", ['"unclosed phrase', '""', "ferry -", '-""', "x" * 301])
def test_bad_keywords_are_invalid_queries(text: str) -> None:
    with pytest.raises(InvalidQuery):
        SubscriptionFilter.parse(keywords=text)


def test_too_many_terms() -> None:
    with pytest.raises(InvalidQuery, match="at most"):
        parse_keywords(" ".join(f"w{i}" for i in range(21)))


def test_types_accept_labels_in_any_case_and_plurals() -> None:
    assert parse_types("News Story, PRESS RELEASE") == (DocType.NEWS_STORY, DocType.PRESS_RELEASE)
    assert parse_types("government_response and world news stories") == (
        DocType.GOVERNMENT_RESPONSE,
        DocType.WORLD_NEWS_STORY,
    )
    assert parse_types(["press releases"]) == (DocType.PRESS_RELEASE,)
    assert parse_types("") == ()
    with pytest.raises(InvalidQuery, match="not a story type"):
        parse_types("speech")


def test_types_filter() -> None:
    assert SubscriptionFilter.parse(types="press release").matches(stored())
    assert not SubscriptionFilter.parse(types="news story, world news story").matches(stored())


def test_organisation_by_slug_or_name() -> None:
    assert SubscriptionFilter.parse(organisation="department-for-transport").matches(stored())
    assert SubscriptionFilter.parse(organisation="Department for Transport").matches(stored())
    assert not SubscriptionFilter.parse(organisation="home-office").matches(stored())


@pytest.mark.parametrize(
    ("text", "pounds"),
    [
        ("5000000", "5000000"),
        ("5,000,000", "5000000"),
        ("£5m", "5000000"),
        ("5 million", "5000000"),
        ("£2.5bn", "2500000000"),
        ("£650k", "650000"),
        ("  £ 40 Million ", "40000000"),
        (5000000, "5000000"),
        (2.5e6, "2500000"),
        ("half a billion pounds", "500000000"),
    ],
)
def test_min_funding_amounts(text: str | int | float, pounds: str) -> None:
    assert parse_min_funding(text) == Decimal(pounds)


@pytest.mark.parametrize("text", ["lots", "£", "$5m", "€2bn", "-5", "0", "£0", "5 zillion", True])
def test_min_funding_rejects_non_amounts(text: object) -> None:
    with pytest.raises(InvalidQuery, match="min_funding must be an amount like 5000000, £5m or 5 million"):
        parse_min_funding(text)  # type: ignore[arg-type]


def test_min_funding_counts_only_funding_figures_in_pounds() -> None:
    rule = SubscriptionFilter.parse(min_funding="£5m")
    assert rule.matches(stored(money=(("40000000", True),)))
    assert rule.matches(stored(money=(("5000000", True), ("10", True))))
    assert not rule.matches(stored(money=(("4999999", True),)))
    assert not rule.matches(stored(money=(("90000000", False),)))  # a cost, not funding
    assert not rule.matches(stored())


def test_filters_combine_with_and() -> None:
    rule = SubscriptionFilter.parse(
        keywords="ferry", organisation="department-for-transport", types="press release", min_funding="1m"
    )
    assert rule.matches(stored(money=(("3000000", True),)))
    assert not rule.matches(stored(money=(("3000000", True),), doc_type=DocType.NEWS_STORY))
    assert not rule.matches(stored(money=(("3000000", True),), title="Bus link", description=None))


def test_empty_filter_matches_everything_and_says_so() -> None:
    rule = SubscriptionFilter.parse()
    assert rule.is_empty and rule.matches(stored())
    assert rule.describe() == "every story"


def test_json_round_trip_and_description() -> None:
    rule = SubscriptionFilter.parse(
        keywords='ferry "island towns" -scotland fund*',
        organisation="Home Office",
        types="news story",
        min_funding="£2.5m",
    )
    again = SubscriptionFilter.from_json(rule.to_json())
    assert again == rule
    assert again.describe() == (
        'keywords: ferry "island towns" fund* -scotland; organisation: home-office; types: news story;'
        " funding from £2.5 million"
    )


def test_mode_parse() -> None:
    assert Mode.parse(None) is Mode.IMMEDIATE
    assert Mode.parse(" Daily ") is Mode.DAILY
    with pytest.raises(InvalidQuery, match="immediate, daily or weekly"):
        Mode.parse("hourly")


def test_format_pounds() -> None:
    assert format_pounds(Decimal("5000000")) == "£5 million"
    assert format_pounds(Decimal("10000000")) == "£10 million"
    assert format_pounds(Decimal("100000000000")) == "£100 billion"
    assert format_pounds(Decimal("650000")) == "£650,000"
    assert format_pounds(Decimal("1500000000")) == "£1.5 billion"


def test_backtest_counts_and_keeps_a_few_examples() -> None:
    stories = [stored(title=f"Ferry news {i}") for i in range(5)] + [
        stored(title="Rail", description=None)
    ] * 3
    result = backtest(SubscriptionFilter.parse(keywords="ferry"), stories, examples=3)
    assert (result.checked, result.matched) == (8, 5)
    assert [s.story.title for s in result.examples] == ["Ferry news 0", "Ferry news 1", "Ferry news 2"]
