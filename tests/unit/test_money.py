import time
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.extract.money import DESCRIPTION_INDEX, TITLE_INDEX, extract_money, parse_amount
from bot.extract.money_lexer import find_amounts
from bot.models import Block, BlockKind, Money, Story
from bot.parsing.text import parse_text

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
SEED = SHARED / "fixtures" / "govuk" / "seed-news-story.txt"
DEV = [SHARED / "corpus" / "dev" / "stories.jsonl", SHARED / "corpus" / "dev" / "stories-2.jsonl"]


def story(*paragraphs: str, title: str = "A story", description: str | None = None) -> Story:
    blocks = tuple(
        Block(BlockKind.LIST_ITEM, p[2:]) if p.startswith("• ") else Block(BlockKind.PARAGRAPH, p)
        for p in paragraphs
    )
    return Story(title=title, blocks=blocks, source="test", source_format="text", description=description)


def money(*paragraphs: str, title: str = "A story", description: str | None = None) -> list[Money]:
    return list(extract_money(story(*paragraphs, title=title, description=description)))


def by_surface(found: list[Money]) -> dict[str, Money]:
    return {m.surface: m for m in found}


# --- surfaces and amounts -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("£40 million", [("£40 million", "40000000", "GBP")]),
        ("£40m", [("£40m", "40000000", "GBP")]),
        ("£1.2bn", [("£1.2bn", "1200000000", "GBP")]),
        ("£500,000", [("£500,000", "500000", "GBP")]),
        ("£3.6 million", [("£3.6 million", "3600000", "GBP")]),
        ("£165million", [("£165million", "165000000", "GBP")]),
        ("£9.2milion", [("£9.2milion", "9200000", "GBP")]),
        ("£0.9 million", [("£0.9 million", "900000", "GBP")]),
        ("£300M", [("£300M", "300000000", "GBP")]),
        ("£2.9 Billion", [("£2.9 Billion", "2900000000", "GBP")]),
        ("£580.17", [("£580.17", "580.17", "GBP")]),
        ("€5 million", [("€5 million", "5000000", "EUR")]),
        ("$2 billion", [("$2 billion", "2000000000", "USD")]),
        ("US$3m", [("US$3m", "3000000", "USD")]),
        ("GBP 5m", [("GBP 5m", "5000000", "GBP")]),
        ("40 million pounds", [("40 million pounds", "40000000", "GBP")]),
        ("one billion pounds", [("one billion pounds", "1000000000", "GBP")]),
        ("half a billion pounds", [("half a billion pounds", "500000000", "GBP")]),
        ("5 million US dollars", [("5 million US dollars", "5000000", "USD")]),
        ("50p a bag", [("50p", "0.50", "GBP")]),
        ("20 pence", [("20 pence", "0.20", "GBP")]),
        ("gas at 6.04p per kWh", [("6.04p", "0.0604", "GBP")]),
        ("a 1.5p cut", [("1.5p", "0.015", "GBP")]),
        ("6 crores and 90 lacs taka", [("6 crores and 90 lacs taka", "69000000", "BDT")]),
        ("£40\u00a0million", [("£40\u00a0million", "40000000", "GBP")]),
        ("£40\nmillion", [("£40\nmillion", "40000000", "GBP")]),
        ("Up to £2 billion pounds", [("£2 billion", "2000000000", "GBP")]),
        ("between £5m and £10m", [("£5m", "5000000", "GBP"), ("£10m", "10000000", "GBP")]),
        ("£2-3 million", [("£2-3 million", "2000000", "GBP"), ("3 million", "3000000", "GBP")]),
        ("£500 to £1 million", [("£500", "500", "GBP"), ("£1 million", "1000000", "GBP")]),
    ],
)
def test_surface_forms(text: str, expected: list[tuple[str, str, str]]) -> None:
    found = [(f.surface, f.amount, f.currency) for f in find_amounts(text)]
    assert found == [(s, Decimal(a), c) for s, a, c in expected]


@pytest.mark.parametrize(
    "text",
    [
        "40 million people",
        "in 2019 and 2019/20",
        "a 50% rise",
        "at 2.15pm",
        "call 0800 776600",
        "a £ sign alone",
        "a pound of apples",
        "billion pound cash boost",
        "the A4p form",
        "£5 to 10 people",
    ],
)
def test_numbers_that_are_not_money(text: str) -> None:
    found = find_amounts(text)
    assert all(f.surface.startswith("£5") for f in found)  # only "£5" in the last case
    assert len(found) == (1 if text.startswith("£5") else 0)


# --- parse_amount (user input) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5000000", ("5000000", "GBP")),
        ("5,000,000", ("5000000", "GBP")),
        ("£5m", ("5000000", "GBP")),
        ("5 million", ("5000000", "GBP")),
        ("£1.2bn", ("1200000000", "GBP")),
        ("  £1.2 BN ", ("1200000000", "GBP")),
        ("$2bn", ("2000000000", "USD")),
        ("€5 million", ("5000000", "EUR")),
        ("5m euros", ("5000000", "EUR")),
        ("half a billion pounds", ("500000000", "GBP")),
        ("250k", ("250000", "GBP")),
    ],
)
def test_parse_amount(text: str, expected: tuple[str, str]) -> None:
    assert parse_amount(text) == (Decimal(expected[0]), expected[1])


@pytest.mark.parametrize("text", ["", "£", "abc", "five-ish", "£5m and £6m", "£5m euros", "-5", "1e9"])
def test_parse_amount_rejects_what_is_not_one_amount(text: str) -> None:
    assert parse_amount(text) is None


SCALES = {"k": 10**3, "thousand": 10**3, "m": 10**6, "million": 10**6, "bn": 10**9, "billion": 10**9}
SIGNS = {"£": "GBP", "€": "EUR", "$": "USD", "US$": "USD"}
WORDS = {"pounds": "GBP", "euros": "EUR", "dollars": "USD"}


@st.composite
def written_amounts(draw: st.DrawFn) -> tuple[str, Decimal, str]:
    whole = draw(st.integers(min_value=1, max_value=999))
    tenths = draw(st.one_of(st.none(), st.integers(min_value=1, max_value=9)))
    number = f"{whole}.{tenths}" if tenths else str(whole)
    scale = draw(st.sampled_from(sorted(SCALES)))
    amount = Decimal(number) * SCALES[scale]
    form = draw(st.sampled_from(["attached", "spaced", "word"]))
    if form == "word":
        word = draw(st.sampled_from(sorted(WORDS)))
        scale = {"k": "thousand", "m": "million", "bn": "billion"}.get(scale, scale)
        return f"{number} {scale} {word}", amount, WORDS[word]
    sign = draw(st.sampled_from(sorted(SIGNS)))
    gap = "" if form == "attached" or len(scale) == 1 else " "  # "£5m" is attached, "£5 m" is not money
    return f"{sign}{number}{gap}{scale}", amount, SIGNS[sign]


@given(written_amounts())
def test_any_written_amount_parses_back(written: tuple[str, Decimal, str]) -> None:
    text, amount, currency = written
    assert parse_amount(text) == (amount, currency)


@given(written_amounts(), st.sampled_from(["The council gets ", "Up to ", "(", "A further "]))
def test_any_written_amount_is_found_in_a_sentence(written: tuple[str, Decimal, str], before: str) -> None:
    text, amount, currency = written
    found = find_amounts(f"{before}{text} for new roads.")
    assert [(f.surface, f.amount, f.currency) for f in found] == [(text, amount, currency)]


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=1900, max_value=2099))
def test_no_figure_from_numbers_without_a_currency(number: int, year: int) -> None:
    text = (
        f"{number:,} people and {number} homes in {year}, up {number % 100}% on {year}/{(year + 1) % 100:02d}; "
        f"meet at {number % 12 + 1}.15pm, call 0{number} or see page {number}."
    )
    assert find_amounts(text) == []


@settings(max_examples=300)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_never_raises_on_any_text(text: str) -> None:
    parse_amount(text)
    extract_money(story(text, "£" + text, f"{text} £5m {text}", title=text or "t", description=text))


@given(
    st.lists(
        st.sampled_from(
            ["£", "1", "m", " ", "million", ",", ".", "(", ")", "-", "to", "pounds", "p", "which includes"]
        ),
        max_size=60,
    )
)
def test_never_raises_on_money_like_noise(pieces: list[str]) -> None:
    text = "".join(pieces)
    parse_amount(text)
    for found in extract_money(story(text, "• " + text, title=text or "t")):
        assert found.amount >= 0


def test_large_adversarial_input_stays_fast() -> None:
    """1 MB of "£1" tokens, one long unpunctuated line and money-like noise: well under a second each.

    Timed in CPU seconds with a generous bound (each case takes a few hundredths on a loaded machine),
    so the test is not flaky; catastrophic backtracking would take minutes.
    """
    cases = [
        " ".join(["£1"] * 10_000) + " word" * 190_000,
        "funding for the project of " * 40_000,
        "£1 million for the £2m fund (£3 which includes " * 20_000,
        "one billion pounds half a million pounds " * 25_000,
        "(" * 500_000 + "£1m " * 1_000,
        "1" * 1_000_000,
        "£" * 1_000_000,
    ]
    for text in cases:
        started = time.process_time()
        found = extract_money(story(text[:1_000_000]))
        assert time.process_time() - started < 3.0
        assert len(found) <= 400


# --- what the figures are ------------------------------------------------------------------------


@pytest.mark.skipif(not SEED.exists(), reason="shared fixtures not found beside the repository")
def test_seed_story_gives_three_figures_with_parts() -> None:
    found = list(extract_money(parse_text(SEED.read_text(encoding="utf-8"), "seed")))
    assert [m.surface for m in found] == ["£40 million", "£11 million", "£3.6 million"]
    total, youth, county = found
    assert (total.amount, total.currency, total.period, total.funder) == (
        Decimal(40_000_000),
        "GBP",
        "over 2 years",
        "Home Office",
    )
    assert total.part_of is None
    assert youth.part_of == county.part_of == "£40 million"
    assert youth.amount == Decimal(11_000_000) and county.amount == Decimal(3_600_000)
    assert all(m.is_funding for m in found)
    assert youth.purpose == "Early Intervention Youth Fund"
    assert youth.period is None


@pytest.mark.parametrize(
    ("sentence", "funding"),
    [
        ("The Department will invest £2.3 billion over the next three years to build new schools.", True),
        ("The UK will provide up to £30 million in humanitarian aid to Sudan.", True),
        ("A £12 million fund will support community energy projects.", True),
        ("The fund, worth £75 million, will open for bids in the spring.", True),
        ("Councils will share £85m to tackle homelessness.", True),
        ("The average price of a home rose to £285,000 last year.", False),
        ("The company was fined £2.5 million for breaching safety rules.", False),
        ("The scheme will save taxpayers £400 million a year.", False),
        ("The National Living Wage will rise to £12.21 an hour from April.", False),
        ("UK exports to India were worth £11 billion in 2023.", False),
        ("The deal is expected to add £1.2 billion to the UK economy.", False),
        ("The charity aims to raise £1 million by the end of the year.", False),
        ("Households will receive a one-off payment of £150.", False),
        ("The total cost of the programme is £3 billion.", False),
        ("The new bridge, a £45m project, will open in 2026.", False),
        ("Overall, £6 billion of government-backed loans have been issued.", False),
        ("The museum's collection is valued at more than £1 billion.", False),
        # loans made are not money granted, however large
        ("The Regional Growth Loans scheme has lent £250 million to small firms since 2015.", False),
        # a step in what each household gets, even when a minister announces it
        ("Ministers announced a 35p rise in the Highland Carer Payment today.", False),
        ("The minister confirmed a £12 increase in the Family Support Allowance.", False),
        ("The council has confirmed a £10m rise in the roads budget.", True),
    ],
)
def test_funding_or_other_money(sentence: str, funding: bool) -> None:
    (found,) = money(sentence)
    assert found.is_funding is funding


def test_purpose_period_qualifier_and_funder() -> None:
    (found,) = money(
        "The Department for Education will invest up to £2.3 billion over the next three years to build 30 schools."
    )
    assert found.purpose == "build 30 schools"
    assert found.period == "over the next three years"
    assert found.qualifier == "up to"
    assert found.funder == "Department for Education"


def test_title_description_and_repeats() -> None:
    found = money(
        "The £200m Youth Endowment Fund will support children at risk.",
        "Our £200m Youth Endowment Fund is a key part of this approach.",
        title="Charity chosen to deliver £200m Youth Endowment Fund",
        description="A £200m fund to tackle violence.",
    )
    assert [(m.surface, m.block_index) for m in found] == [("£200m", TITLE_INDEX)]
    assert found[0].purpose == "Youth Endowment Fund"

    found = money("£5m for schools.", title="Funding news", description="£3m for roads.")
    assert [(m.surface, m.block_index) for m in found] == [("£3m", DESCRIPTION_INDEX), ("£5m", 0)]
    same = story("£3m for roads.", title="Funding news", description="£3m for roads.")
    assert [m.block_index for m in extract_money(same)] == [0]  # the description is the first block


def test_equal_amounts_for_different_things_are_two_figures() -> None:
    found = money(
        "“I am pleased to announce £29million for cultural recovery.",
        "“Over £29million is being provided for a range of business interventions.",
        "The proceeds totalled £2.2 million, a decrease of £2.2m from the previous year.",
        "This £2.2 million will be spent on litter.",
    )
    assert [m.surface for m in found] == ["£29million", "£29million", "£2.2 million", "£2.2m"]


def test_parts_which_includes_and_parentheses() -> None:
    found = by_surface(
        money(
            "The strategy commits £40 million over 2 years, which includes £11 million for a youth fund "
            "and £3.6 million for a coordination centre. It is on top of £7 million for police.",
            "• £9.2million for schools (reopening (£8million), nurseries (£1million) and (£200,000 for SEN)",
            "It is valued at £584,200 (plus VAT of £24,840).",
        )
    )
    assert found["£11 million"].part_of == found["£3.6 million"].part_of == "£40 million"
    assert found["£7 million"].part_of is None
    assert {found[s].part_of for s in ("£8million", "£1million", "£200,000")} == {"£9.2million"}
    assert found["£24,840"].part_of is None


def test_parts_from_lists_totals_and_packages() -> None:
    found = by_surface(
        money(
            "The Chancellor announced a total of £60 million for the devolved administrations as a result "
            "of the £370 million for charities in England. This is broken down as follows:",
            "• £30 million for the Scottish Government",
            "• £20 million for the Welsh Government",
            "• £10 million for the Northern Ireland Executive",
            "The Secretary announced a £22 million increase – taking the total budget to £227 million.",
            "The £2 million food aid money is part of a £5 million package.",
        )
    )
    assert {found[s].part_of for s in ("£30 million", "£20 million", "£10 million")} == {"£60 million"}
    assert found["£370 million"].part_of is None
    assert found["£22 million"].part_of == "£227 million"
    assert found["£2 million"].part_of == "£5 million"
    found = by_surface(
        money(
            "The Executive gets an additional £300 million to tackle coronavirus.",
            "This funding brings the total allocated since March to £3.3 billion.",
            title="£300M FUNDING BOOST",
        )
    )
    assert found["£300M"].part_of == "£3.3 billion"


def test_part_of_a_package_with_no_figure_before_it() -> None:
    # "The programme is part of ..." with no earlier figure for "The programme" to be: nothing is linked.
    found = money(
        "Councils have published their plans.",
        "The programme is part of a £50 million fund.",
        title="Housing update",
    )
    assert [(m.surface, m.part_of) for m in found] == [("£50 million", None)]


def test_other_allocations_include_the_earlier_ones() -> None:
    found = by_surface(
        money(
            "The Executive agreed allocations of £165million.",
            "£40million is being allocated to councils. A total of £33million goes to culture.",
            "Other allocations include:",
            "• £11.4million Waste Management",
            "• £5million to support Roads Winter Service",
            title="Minister allocates £165million",
        )
    )
    assert {found[s].part_of for s in ("£40million", "£11.4million", "£5million")} == {"£165million"}
    assert found["£33million"].part_of is None
    assert found["£11.4million"].purpose == "Waste Management"


def test_translation_in_brackets_is_the_same_funding() -> None:
    found = money("The UK is providing £500,000 (more than 6 crores and 90 lacs taka) to the UN office.")
    assert [(m.currency, m.is_funding, m.part_of) for m in found] == [
        ("GBP", True, None),
        ("BDT", True, None),
    ]


@pytest.mark.skipif(
    not all(path.exists() for path in DEV), reason="shared dev corpus not found beside the repository"
)
def test_dev_corpus_scores_hold() -> None:
    from bot.evaluate import combine, evaluate, load_records, load_systems

    reports = evaluate([(path.name, load_records(path)) for path in DEV], load_systems(), parts=("money",))
    scores = combine(reports).extractor
    assert scores.money.f1 >= 0.97
    assert scores.funding.f1 >= 0.93
    assert (scores.part_of.value or 0) >= 0.9


def test_story_level_parts_and_referents() -> None:
    flood = by_surface(
        money(
            "A new £28m flood defence package will protect 3,000 homes.",
            "The Environment Agency will contribute £20m, with £5m from the council and £3m from the committee.",
            "Flooding in 2015 caused damage estimated at £500 million. The average insurance claim was £30,000.",
        )
    )
    assert {flood[s].part_of for s in ("£20m", "£5m", "£3m")} == {"£28m"}
    assert not flood["£500 million"].is_funding and not flood["£30,000"].is_funding

    hospices = by_surface(
        money(
            "Hospices will receive an extra £100 million over the next two years.",
            "The money includes £25 million this year for children's hospices. In addition, a further "
            "£26 million will go to young people's hospices.",
        )
    )
    assert hospices["£25 million"].part_of == "£100 million"
    assert hospices["£26 million"].part_of is None
    assert hospices["£100 million"].period == "over the next two years"

    rounds = by_surface(
        money(
            "A total of £2.1 billion has been awarded to 111 projects in the second round.",
            "The largest award, £50 million, goes to a railway. The smallest, £2.5 million, restores a pier.",
            "This brings total investment from the fund to £3.8 billion.",
        )
    )
    assert rounds["£2.1 billion"].part_of == "£3.8 billion"
    assert rounds["£2.5 million"].part_of is None


def test_the_funding_is_part_of_a_larger_plan() -> None:
    found = by_surface(
        money(
            "The manufacturer has secured £2.5 million of growth fund money through the combined authority.",
            "The funding is part of a £5.5 million investment plan to modernise the factory.",
            title="Manufacturer invests £5.5 million in production",
        )
    )
    assert found["£2.5 million"].part_of == "£5.5 million"


def test_of_the_allocated_funds_and_equivalents_in_brackets() -> None:
    found = money(
        "The UK has pledged an additional £61 million ($76 million) in humanitarian assistance.",
        "Out of the allocated funds, £22 million ($27.6 million) will target programmes in the Middle East.",
        "The package also includes £5 million ($6.3 million) for the World Food Programme. Additionally, "
        "up to £5 million will be directed toward relief efforts in Mozambique.",
    )
    parts = {(m.surface, m.currency, m.part_of) for m in found}
    assert ("£22 million", "GBP", "£61 million") in parts
    assert ("£5 million", "GBP", "£61 million") in parts
    assert [m.surface for m in found].count("£5 million") == 2  # two allocations that print alike
    assert all(m.is_funding for m in found)


def test_rates_and_the_levels_they_are_compared_with_are_not_funding() -> None:
    found = by_surface(
        money(
            "Schools in England will be handed a £2.2billion funding boost.",
            "Secondary schools will attract a minimum of £5,150 per pupil, up from £5,000 this year.",
            "Average per pupil funding in the county is £4,319.",
        )
    )
    assert found["£2.2billion"].is_funding
    assert not any(found[s].is_funding for s in ("£5,150", "£5,000", "£4,319"))


def test_an_earlier_figure_can_include_parts() -> None:
    (total, part) = money(
        "We have already provided a settlement that will increase police funding by £460m for 2018/19, "
        "including £280m drawn from increased precept contributions."
    )
    assert part.part_of == total.surface == "£460m"
    assert total.period == "for 2018/19" and total.purpose is None


def test_list_under_a_heading_or_a_lead_in_without_a_figure() -> None:
    blocks = (
        Block(BlockKind.PARAGRAPH, "Hospitals will get £50 million to cut waiting lists."),
        Block(BlockKind.HEADING, "Where the funding will go"),
        Block(BlockKind.LIST_ITEM, "£20 million for new operating theatres"),
        Block(BlockKind.LIST_ITEM, "£18 million for diagnostic scanners"),
        Block(BlockKind.PARAGRAPH, "The money will also cover:"),
        Block(BlockKind.LIST_ITEM, "£7 million for weekend clinics"),
        Block(BlockKind.PARAGRAPH, "A hip operation costs the NHS about £7,000."),
    )
    found = by_surface(
        extract_money(
            Story(title="£50 million to cut waiting lists", blocks=blocks, source="t", source_format="text")
        )
    )
    assert [found[s].part_of for s in ("£20 million", "£18 million", "£7 million")] == ["£50 million"] * 3
    assert found["£7,000"].part_of is None


def test_a_list_of_earlier_money_is_not_parts_of_the_new_figure() -> None:
    found = money(
        "Communities will share £20 million for local energy schemes.",
        "Previous rounds funded:",
        "• £3 million for solar roofs in 2019",
        "• £2 million for heat networks in 2021",
        title="£20 million for community energy",
    )
    assert all(m.part_of is None for m in found)


def test_a_list_larger_than_the_figure_before_it_is_not_its_parts() -> None:
    blocks = (
        Block(BlockKind.PARAGRAPH, "The college has received £2 million for a new library."),
        Block(BlockKind.HEADING, "Earlier awards"),
        Block(BlockKind.LIST_ITEM, "£3 million for a science block in 2019"),
        Block(BlockKind.LIST_ITEM, "£1 million for sports pitches in 2021"),
    )
    found = extract_money(Story(title="Library", blocks=blocks, source="t", source_format="text"))
    assert all(m.part_of is None for m in found)


def test_one_year_of_a_multi_year_total_is_part_of_it() -> None:
    (total, year) = money(
        "Ministers have confirmed £900 million for the scheme over the next 3 years, with the budget for "
        "2025-26 rising to £350 million."
    )
    assert year.part_of == total.surface
    found = by_surface(
        money(
            "Ministers have pledged 60 million pounds over the next four years for coastal towns.",
            "Council leaders welcomed the announcement.",
            "In the first year, £12 million will go to seafront repairs.",
            title="Ministers pledge 60 million pounds for coastal towns",
        )
    )
    assert found["£12 million"].part_of == "60 million pounds"


def test_a_part_in_another_currency_counts_towards_a_stated_total() -> None:
    (part, total) = money(
        "The Foundation will give £10m to the Global Ocean Fund.",
        "The Foundation's pledge brings the total raised by the fund to $300 million.",
        title="Foundation gives £10m to ocean fund",
    )
    assert part.part_of == total.surface == "$300 million"
    # without a total, amounts in two currencies are never parts of each other
    assert all(m.part_of is None for m in money("The UK gave £10m and Canada gave $300 million."))


def test_of_this_and_totals_named_after_the_part() -> None:
    found = by_surface(
        money(
            "Councils will share at least £90 million in 2025-26 to run bus routes.",
            "The department said the money would protect rural services.",
            "Of this, each council will receive a flat £200,000 grant, with the rest shared by need.",
            title="At least £90 million for local bus services",
        )
    )
    assert found["£200,000"].part_of == "£90 million"
    (part, total) = money(
        "The Trust will spend an extra £3m on wards this year, taking its maintenance budget to £25m."
    )
    assert part.part_of == total.surface == "£25m"


def test_equal_shares_are_parts_of_the_total_they_share() -> None:
    # the corpus README's part_of is "explicitly included in": five hubs sharing £60m each get a part of it
    found = by_surface(
        money(
            "Four flood research centres will be set up with £60 million from the research council.",
            "The centres will each receive up to £15 million over 4 years.",
            "Each year, £2 million will be invested in shared equipment.",
            title="£60 million for new flood research centres",
        )
    )
    assert found["£15 million"].part_of == "£60 million"
    assert found["£2 million"].part_of is None  # "each year" says when, not whose share


def test_a_fine_is_never_part_of_funding() -> None:
    found = by_surface(
        money(
            "Firms that dump waste illegally will face penalties of up to £30,000, as part of a £2 million "
            "crackdown funded by the Environment Agency."
        )
    )
    assert not found["£30,000"].is_funding and found["£30,000"].part_of is None
    assert found["£2 million"].is_funding


# --- held-out failure kinds (own sentences) -----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "surface", "amount", "currency"),
    [
        ("Parks get one and a half million pounds.", "one and a half million pounds", "1500000", "GBP"),
        ("It cost two-and-a-half billion euros.", "two-and-a-half billion euros", "2500000000", "EUR"),
        ("Some half a million pounds went on paint.", "half a million pounds", "500000", "GBP"),
        ("A quarter of a billion pounds is set aside.", "A quarter of a billion pounds", "250000000", "GBP"),
        (
            "Three-quarters of a million pounds was raised.",
            "Three-quarters of a million pounds",
            "750000",
            "GBP",
        ),
    ],
)
def test_fractions_in_words(text: str, surface: str, amount: str, currency: str) -> None:
    found = find_amounts(text)
    assert [(f.surface, f.amount, f.currency) for f in found] == [(surface, Decimal(amount), currency)]


def test_a_fraction_without_a_scale_is_not_money() -> None:
    assert find_amounts("Add one and a half pounds of flour.") == []


def test_contributions_programmes_and_contracts_are_funding() -> None:
    found = by_surface(
        money(
            "The county will contribute £410 million through business rates.",
            "The Wellcome Trust pledged $2.3 billion to fight malaria.",
            "The €880 million INTERREG programme opens to bids today.",
            "The £3 billion Warm Homes Grant gives vouchers to households.",
            "The Navy awarded a £900m contract for four frigates.",
        )
    )
    assert all(m.is_funding for m in found.values())


def test_grant_rates_to_organisations_are_funding_but_not_what_a_person_gets() -> None:
    found = by_surface(
        money(
            "Landowners can apply for a grant of £5,200 per hectare of new woodland.",
            "Incentive payments of £300 to £2,000 will go to employers taking on apprentices.",
            "Councils get an average grant of £85,000 per social home they build.",
            "Each pupil receives £4,100 of funding per pupil.",
            "Every household will receive payments of £150 towards their bills.",
        )
    )
    assert found["£5,200"].is_funding and found["£300"].is_funding and found["£2,000"].is_funding
    assert found["£85,000"].is_funding
    assert not found["£4,100"].is_funding and not found["£150"].is_funding


def test_exchange_rates_are_not_funding() -> None:
    found = money(
        "Totals were converted at an exchange rate of €1 to £0.86.",
        "The budget assumes €1 = £0.87 throughout.",
    )
    assert found and not any(m.is_funding for m in found)


def test_further_contributions_and_shares_of_a_programme_in_another_currency() -> None:
    found = by_surface(
        money(
            "The £1.9 billion transport package includes £500 million from the Mayor and £300 million "
            "from the development agency.",
            "A further £200 million from lottery distributors. A further £90 million will come from the boroughs.",
            "A further £5 million was announced for cycling.",
            "Wales provides £180 million of the €1.2 billion programme.",
        )
    )
    for surface in ("£500 million", "£300 million", "£200 million", "£90 million"):
        assert found[surface].part_of == "£1.9 billion"
    assert found["£5 million"].part_of is None
    assert found["£180 million"].part_of == "€1.2 billion"


def test_of_which_and_from_the_fund_link_to_the_right_whole() -> None:
    found = by_surface(
        money(
            "The £800 million fund will support towns. Of this, £200 million goes to coastal areas, "
            "of which £50 million is for piers.",
            "Ministers also set up a £300 million fund. Councils get £60 million from the fund.",
        )
    )
    assert found["£200 million"].part_of == "£800 million"
    assert found["£50 million"].part_of == "£200 million"
    assert found["£60 million"].part_of == "£300 million"


def test_contributions_by_named_funders_are_funding() -> None:
    found = by_surface(
        money(
            "The county will contribute £410 million through council tax.",
            "A further £120 million from lottery distributors, with the rest raised through a tax precept.",
            "Employers will receive a £3,000 incentive payment for each new apprentice they hire.",
            "The firm expects savings of £2 million from the Treasury scheme.",
            "Crofters can claim up to £1,400 per holding towards their costs.",
        )
    )
    assert found["£410 million"].is_funding and found["£120 million"].is_funding
    assert found["£3,000"].is_funding
    assert not found["£2 million"].is_funding and not found["£1,400"].is_funding


def test_a_part_named_in_the_sentence_before_or_towards_a_total_in_another_currency() -> None:
    found = by_surface(
        money(
            "Highways chiefs have approved £4.8m for 30 roads.",
            "The work is part of the £112m resurfacing budget agreed in March.",
            "Wales will receive £235 million towards the €1.1 billion cross-border programme.",
            "The Treasury is providing £90 million of the €400 million total.",
        )
    )
    assert found["£4.8m"].part_of == "£112m"
    assert found["£235 million"].part_of == "€1.1 billion"
    assert found["£90 million"].part_of == "€400 million"


def test_levels_falls_and_court_orders_are_not_funding() -> None:
    found = by_surface(
        money(
            "The typical return fare on subsidised ferry routes is now £14.60.",
            "From April, the lowest starting wage for a care worker will increase to £23,100.",
            "In the largest trusts, the maximum will rise to £96,400.",
            "Without the new support scheme, the energy cap would have reached £3,900.",
            "The median award is worth about £2,150 a year.",
            "Spending on temporary staff has fallen by £75 million since 2019.",
            "The landlord was ordered to pay more than £8,000.",
            "The new fund, which is worth £60 million, will support ferry routes.",
            "Funding for the routes will rise to £45 million.",
        )
    )
    levels = ("£14.60", "£23,100", "£96,400", "£3,900", "£2,150", "£75 million", "£8,000")
    assert not any(found[s].is_funding for s in levels)
    assert found["£60 million"].is_funding and found["£45 million"].is_funding


def test_the_budget_or_programme_includes_parts_of_the_figure_before() -> None:
    found = by_surface(
        money(
            "The UK has committed £900 million to the European Space Agency over five years.",
            "The subscriptions include £300 million for climate satellites, including missions to map "
            "sea ice, and £150 million for navigation.",
            "The programme includes £40 million for skills.",
        )
    )
    assert found["£300 million"].part_of == "£900 million"
    assert found["£150 million"].part_of == "£900 million"
    assert found["£40 million"].part_of == "£900 million"


def test_money_for_a_programme_is_funding_and_a_rate_per_animal_is_not() -> None:
    found = by_surface(
        money(
            "The minister also announced £2.5 million for the Highland export programme over 3 years.",
            "The scheme pays farmers £35 per animal for cattle finished before 24 months.",
            "A return ticket costs £12 for the island ferry.",
        )
    )
    assert found["£2.5 million"].is_funding
    assert not found["£35"].is_funding
    assert not found["£12"].is_funding


def test_kenyan_shillings() -> None:
    found = find_amounts(
        "Farmers will share KSh 580 million, and KES 1,500 insures one cow. ASKS 5 is not money."
    )
    assert [(f.surface, f.amount, f.currency) for f in found] == [
        ("KSh 580 million", Decimal("580000000"), "KES"),
        ("KES 1,500", Decimal("1500"), "KES"),
    ]


def test_changed_levels_surcharges_and_street_prices_are_not_funding() -> None:
    found = by_surface(
        money(
            "The new fees are:",
            "• filing accounts late: from £150 to £300",
            "Applicants also pay the health surcharge, which is currently £624 a year.",
            "A smuggled phone can fetch around £700 inside.",
            "Funding for the helpline will rise from £4 million to £6 million.",
        )
    )
    assert not any(found[s].is_funding for s in ("£150", "£300", "£624", "£700"))
    assert found["£4 million"].is_funding and found["£6 million"].is_funding


def test_sale_prices_wages_economic_benefits_loans_and_tariffs_are_not_funding() -> None:
    found = by_surface(
        money(
            "A good dairy cow at the county market can sell for more than £1,900.",
            "Trainee engineers will be paid at least £21,500 a year while they learn.",
            "The survey service estimates its charts bring around £4bn of economic benefit each decade.",
            "The trader took out a £40,000 Recovery Start Loan for the shop.",
            "Importers pay tariffs worth £65 million on the goods each year.",
            "Councils will share £3 million, and £600,000 was paid to harbour trusts.",
        )
    )
    assert not any(found[s].is_funding for s in ("£1,900", "£21,500", "£4bn", "£40,000", "£65 million"))
    assert found["£3 million"].is_funding and found["£600,000"].is_funding


def test_individual_grants_are_grants_not_money_for_an_individual() -> None:
    found = by_surface(
        money(
            "Boat crews can now apply for individual grants of up to £50,000.",
            "Each individual can claim up to £300 towards heating bills.",
        )
    )
    assert found["£50,000"].is_funding
    assert not found["£300"].is_funding


def test_gaps_and_changes_by_an_amount_are_not_funding() -> None:
    found = by_surface(
        money(
            "Auditors warned of a shortfall of about £80 million in the pension scheme.",
            "The new bridge could increase trade across the estuary by £12 million a year.",
            "Ministers will increase the harbour fund by £3 million.",
        )
    )
    assert not found["£80 million"].is_funding and not found["£12 million"].is_funding
    assert found["£3 million"].is_funding


def test_a_share_of_a_figure_named_bare_and_purposes_that_stop_at_as_part_of() -> None:
    found = by_surface(
        money(
            "Harbours will get £4 million for new pontoons as part of a £30 million package.",
            "£1 million of the £6 million will go to island ferries.",
            "The trust gave £500,000 of its £2 million reserve.",
        )
    )
    assert (found["£4 million"].purpose, found["£4 million"].part_of) == ("new pontoons", "£30 million")
    assert found["£1 million"].part_of == "£6 million"
    assert found["£500,000"].purpose is None


def test_pay_awards_and_pay_scales_are_wages_not_funding() -> None:
    found = by_surface(
        money(
            "Nurses will receive a £1,400 pay award from April.",
            "Staff on the top point of the pay scale, £38,890, will get the most.",
            "The £3 million package will pay for new ferries.",
        )
    )
    assert not found["£1,400"].is_funding and not found["£38,890"].is_funding
    assert found["£3 million"].is_funding


def test_revenue_support_is_funding_though_revenue_alone_is_takings() -> None:
    found = by_surface(
        money(
            "The package includes £12m for new flood walls and £9m in revenue support for councils.",
            "Ticket revenue reached £4m last year.",
        )
    )
    assert found["£9m"].is_funding and found["£12m"].is_funding
    assert not found["£4m"].is_funding


def test_more_spending_on_a_purpose_is_funding_but_more_visitor_spending_is_not() -> None:
    found = by_surface(
        money(
            "Donors agreed to increase spending on malaria control by $2 billion over four years.",
            "The festival could increase visitor spending by £4 million a year.",
        )
    )
    assert found["$2 billion"].is_funding
    assert not found["£4 million"].is_funding


def test_what_a_sector_adds_to_the_economy_is_a_statistic() -> None:
    found = by_surface(
        money(
            "Libraries contribute an estimated £1.1bn a year to the UK economy.",
            "The council will invest £5m to boost the local economy.",
        )
    )
    assert not found["£1.1bn"].is_funding
    assert found["£5m"].is_funding


def test_the_cost_of_something_and_a_facility_named_by_its_value_are_not_funding() -> None:
    found = by_surface(
        money(
            "The total cost of the settlement to employers in 2010-11 is around £300m.",
            "Work began last month on the £2.1bn Eastfield solar farm.",
            "A £6m fund will help community groups.",
        )
    )
    assert not found["£300m"].is_funding and not found["£2.1bn"].is_funding
    assert found["£6m"].is_funding


def test_what_a_passenger_can_claim_is_compensation_not_funding() -> None:
    found = by_surface(
        money(
            "Under the new rules a season ticket holder could receive up to £120 a year more in compensation."
        )
    )
    assert not found["£120"].is_funding


def test_a_purpose_is_never_who_pays_or_when() -> None:
    found = by_surface(
        money(
            "The council opened a £4 million library, paid for by the Levelling Up Fund.",
            "The trust will add £300,000 of its own money.",
            "The scheme cost £2.5 billion in 2019-20.",
        )
    )
    assert found["£4 million"].purpose is None
    assert found["£300,000"].purpose is None
    assert found["£2.5 billion"].purpose != "2019-20"


def test_a_named_grant_or_initiative_is_what_its_money_is_for() -> None:
    found = by_surface(
        money(
            "The funding is part of the £200 million Safer Streets Initiative.",
            "Ministers confirmed that the Household Support Grant will be worth £80 million next year.",
            "Fees will rise again, an increase of £12.",
        )
    )
    assert found["£200 million"].is_funding and found["£200 million"].purpose == "Safer Streets Initiative"
    assert found["£80 million"].is_funding and found["£80 million"].purpose == "Household Support Grant"
    assert found["£12"].purpose is None


@pytest.mark.parametrize(
    ("text", "surface", "amount", "currency"),
    [
        ("a further 870 million Kenyan shillings", "870 million Kenyan shillings", "870000000", "KES"),
        ("cash transfers of 5,400 shillings a month", "5,400 shillings", "5400", "KES"),
        ("a bag of maize costs 2,100 kwacha", "2,100 kwacha", "2100", "MWK"),
        ("1 million Zambian kwacha", "1 million Zambian kwacha", "1000000", "ZMW"),
        ("50 million Pakistani rupees", "50 million Pakistani rupees", "50000000", "PKR"),
        ("3 million Swiss francs", "3 million Swiss francs", "3000000", "CHF"),
        ("5 million yuan", "5 million yuan", "5000000", "CNY"),
    ],
)
def test_currencies_named_by_words(text: str, surface: str, amount: str, currency: str) -> None:
    assert [(f.surface, f.amount, f.currency) for f in find_amounts(text)] == [
        (surface, Decimal(amount), currency)
    ]


def test_a_currency_word_several_countries_share_needs_the_country() -> None:
    assert find_amounts("The ticket cost 20 francs.") == []


def test_parts_that_say_nothing_take_their_totals_side() -> None:
    found = by_surface(
        money(
            "Spending controls have saved the taxpayer £2.5 billion this year.",
            "The savings include:",
            "• £900 million from cutting back on consultancy",
            "• £600 million from a freeze on new IT projects",
        )
    )
    assert not any(m.is_funding for m in found.values())
    assert found["£900 million"].part_of == "£2.5 billion"


def test_what_people_spend_need_or_seek_and_benefit_rates_are_not_funding() -> None:
    found = by_surface(
        money(
            "Visitors to Cornwall spent £2.1bn last year.",
            "Day visitors made 3 million trips, spending £400m.",
            "We would need to spend around £900 million to bring every road up to standard.",
            "The UN appeal for the region, which seeks US$300 million, is a third funded.",
            "Trainees with a first will receive a tax-free bursary of £20,000.",
            "Winter Fuel Payments will be paid at between £100 and £300.",
            "Spending on advertising has fallen from £200 million a year to around £80 million.",
        )
    )
    for surface in ("£2.1bn", "£400m", "£900 million", "US$300 million", "£20,000", "£100", "£300"):
        assert not found[surface].is_funding, surface
    assert not found["£200 million"].is_funding and not found["£80 million"].is_funding


def test_the_same_figure_restated_as_the_fund_or_the_contribution_is_listed_once() -> None:
    found = money(
        "Firms that missed out can apply to a new £300 million fund for small businesses.",
        "Councils will run the £300 million discretionary fund.",
        "The project has been awarded €2.9 million from the EU's LIFE programme.",
        "The EU contribution of €2.9 million will be matched by the council.",
    )
    assert [m.surface for m in found] == ["£300 million", "€2.9 million"]


def test_list_items_read_on_from_their_lead_in() -> None:
    story = parse_text(
        "News story: Bursaries for new teachers\n\n"
        "Graduates will be paid to train as teachers from September.\n\n"
        "Trainees will receive:\n\n"
        "• £15,000 for those with a first\n"
        "• £9,000 for those with a 2:1\n\n"
        "Councils will share the following:\n\n"
        "• £2m for Midshire\n"
        "• £1m for Eastshire\n",
        "lead-in.txt",
    )
    found = by_surface(list(extract_money(story)))
    assert not found["£15,000"].is_funding and not found["£9,000"].is_funding
    assert found["£2m"].is_funding and found["£1m"].is_funding


def test_money_set_aside_for_a_purpose_and_ranges_that_are_no_equal_share() -> None:
    found = by_surface(
        money(
            "The fund will share £12 million, with at least £3 million set aside for projects in rural areas.",
            "The scheme cost £1.8 million. Its 140 members each invested between £100 and £20,000.",
            "Bills rose by an average of £1,200.",
        )
    )
    assert found["£3 million"].purpose == "projects in rural areas"
    assert found["£100"].part_of is None and not found["£1.8 million"].is_funding
    assert found["£1,200"].purpose is None


def test_whom_money_is_given_to_and_a_target_it_counts_towards() -> None:
    found = by_surface(
        money(
            "The UK will give $100 million to the Global Vaccine Alliance over the next five years.",
            "The pledge is part of a $9 billion replenishment target.",
            "Kenya exports KSh 40 billion of coffee a year to the UK.",
            "The UK is providing £2 million to UN Resident Coordinator’s Office to support disaster recovery.",
        )
    )
    assert found["$100 million"].is_funding and found["$100 million"].purpose == "Global Vaccine Alliance"
    assert found["$100 million"].part_of == "$9 billion" and not found["$9 billion"].is_funding
    assert found["KSh 40 billion"].purpose != "UK"
    assert found["£2 million"].purpose == "UN Resident Coordinator’s Office to support disaster recovery"


def test_a_purpose_stops_before_when() -> None:
    found = by_surface(
        money(
            "Over £500 million has been spent on flood defences in Yorkshire since 2015.",
            "Ministers have allocated £15 million for the scheme in 2024-25.",
            "An annual licence costs just £30.",
        )
    )
    assert found["£500 million"].purpose == "flood defences in Yorkshire"
    assert found["£15 million"].purpose == "scheme"
    assert found["£30"].purpose == "annual licence"


def test_a_period_after_another_number_is_that_numbers() -> None:
    found = by_surface(
        money(
            "A £45 million cancer centre that will see 20,000 patients a year has opened.",
            "The council will spend £5 million over 2 years on the new road.",
        )
    )
    assert found["£45 million"].period is None
    assert found["£5 million"].period == "over 2 years"


def test_a_breakdown_listed_after_the_sentence_that_gave_it_restates_it() -> None:
    story = parse_text(
        "News story: Roads money\n\n"
        "The funding includes £80 million for resurfacing and £40 million for a new rapid repair fund.\n\n"
        "How the money is shared:\n\n"
        "• £80 million shared by formula between 72 highway authorities\n"
        "• £40 million in a competitive fund for the worst-affected rural roads\n",
        "breakdown.txt",
    )
    assert [m.surface for m in extract_money(story)] == ["£80 million", "£40 million"]


def test_the_remaining_money_is_the_rest_of_the_total_its_siblings_came_from() -> None:
    story = parse_text(
        "News story: Bus money\n\n"
        "Nineteen schemes will share £48 million. The largest awards are:\n\n"
        "• £6.2 million for Teesside\n"
        "• £5.5 million for West Yorkshire\n\n"
        "The remaining £36.3 million will be shared between 17 smaller schemes.\n",
        "remaining.txt",
    )
    found = by_surface(list(extract_money(story)))
    assert found["£6.2 million"].part_of == "£48 million"
    assert found["£36.3 million"].part_of == "£48 million"


def test_what_follows_an_aside_is_said_of_the_noun_before_it_not_the_amount() -> None:
    found = by_surface(
        money(
            "The two new lifeboats, costing £6.4 million, will be launched in 2028.",
            "The visitor centre, worth around £3 million, is expected to open by 2029.",
            "A new bus depot, funded by a £4.5 million council grant, will open in 2027.",
        )
    )
    assert found["£6.4 million"].period is None
    assert found["£3 million"].period is None
    assert found["£4.5 million"].period is None
    assert found["£4.5 million"].purpose == "new bus depot"


def test_an_amount_followed_by_its_purpose_or_naming_money_keeps_what_follows() -> None:
    found = by_surface(
        money(
            "The wetland trust will be given a further grant, £650,000, to restore 12 ponds.",
            "The largest award, £820,000, will help a village hall install solar panels by 2027.",
            "The contract, worth £95 million, covers maintenance of the fleet from 2025 until 2035.",
        )
    )
    assert found["£650,000"].purpose == "restore 12 ponds"
    assert found["£820,000"].purpose == "help a village hall install solar panels"
    assert found["£820,000"].period == "by 2027"
    assert found["£95 million"].period == "from 2025"


def test_a_contribution_towards_a_cost_or_project_is_part_of_it() -> None:
    found = by_surface(
        money(
            "The parish council will give £400,000 towards the £1.2 million cost of the new village hall.",
            "A £2.1 million grant will rebuild the lido. The grant will go towards a £3.5 million "
            "restoration project, with the remaining £1.4 million raised by the lido trust.",
        )
    )
    assert found["£400,000"].part_of == "£1.2 million"
    assert found["£400,000"].is_funding
    assert not found["£1.2 million"].is_funding  # a cost stays a cost
    assert found["£2.1 million"].part_of == "£3.5 million"
    assert found["£1.4 million"].part_of == "£3.5 million"


def test_a_contribution_towards_the_cost_named_before_is_part_of_that_cost() -> None:
    found = by_surface(
        money(
            "Rebuilding the harbour wall will cost £6 million.",
            "The harbour board has raised £900,000 towards the cost from local firms.",
        )
    )
    assert found["£900,000"].part_of == "£6 million"
    assert found["£900,000"].is_funding
    assert not found["£6 million"].is_funding


def test_what_a_funding_figure_includes_is_funding_whatever_it_pays_for() -> None:
    found = by_surface(
        money(
            "Ministers will provide £2.6 billion of extra funding for the settlement. This includes "
            "£2 billion for the pay rise and £600 million towards one-off payments to staff.",
            "The council is investing £90 million in its libraries, including new digital services, "
            "which is expected to save £4 million a year.",
            "The £5 billion support package includes a £150 payment to every pensioner household.",
        )
    )
    assert found["£2 billion"].is_funding and found["£2 billion"].part_of == "£2.6 billion"
    assert found["£600 million"].is_funding and found["£600 million"].part_of == "£2.6 billion"
    assert not found["£4 million"].is_funding and found["£4 million"].part_of is None
    assert not found["£150"].is_funding


def test_the_largest_award_is_one_of_the_parts_of_the_figure_shared() -> None:
    found = by_surface(
        money(
            "Forty museums will share £12 million to repair their buildings.",
            "The largest single award, £1.1 million, will fix the roof of a museum in Hull.",
        )
    )
    assert found["£1.1 million"].part_of == "£12 million"
    found = by_surface(
        money(
            "The £3.2 million handed out this spring brings the total given by the fund to £9 million.",
            "The biggest grant, £400,000, goes to a lifeboat station in Whitby.",
        )
    )
    assert found["£400,000"].part_of == "£3.2 million"  # not the running total


def test_list_items_are_parts_of_the_figure_one_of_them_is_known_to_be_part_of() -> None:
    story = parse_text(
        "News story: Museum repairs\n\n"
        "Ministers will spend £1 billion on heritage over a decade. In the first round, 40 museums "
        "will share £12 million. The largest single award, £1.1 million, will fix a roof in Hull.\n\n"
        "Awards in the first round include:\n\n"
        "• £1.1 million for the maritime museum in Hull\n"
        "• £800,000 for a mill museum in Derby\n"
        "• £450,000 for a railway museum in Swindon\n",
        "museums.txt",
    )
    found = by_surface(list(extract_money(story)))
    assert found["£1.1 million"].part_of == "£12 million"
    assert found["£800,000"].part_of == "£12 million"
    assert found["£450,000"].part_of == "£12 million"


def test_shares_named_after_the_largest_are_its_siblings_not_its_parts() -> None:
    found = by_surface(
        money(
            "Hospitals in the region will get an extra £30m this winter.",
            "Leeds will receive the largest share, £8.5m, followed by Bradford (£6.1m) and Hull (£4.2m).",
        )
    )
    assert found["£8.5m"].part_of == "£30m"
    assert found["£6.1m"].part_of == "£30m"
    assert found["£4.2m"].part_of == "£30m"


def test_both_bounds_of_a_range_said_to_be_part_of_a_figure_are_its_parts() -> None:
    found = by_surface(
        money(
            "Each of the 40 harbours will receive between £200,000 and £600,000 this year, as part of "
            "£15 million of coastal funding."
        )
    )
    assert found["£200,000"].part_of == "£15 million"
    assert found["£600,000"].part_of == "£15 million"


def test_a_list_with_no_headline_is_part_of_the_first_main_funding_figure() -> None:
    story = parse_text(
        "News story: Ministers back new cycle paths\n\n"
        "The transport minister has announced support for new cycle paths this year.\n\n"
        "Seven councils will share £2.4million to build cycle paths, the department said.\n\n"
        "Cycling rose by a third last year, officials said.\n\n"
        "The allocations are:\n\n"
        "• Mid Ulster District Council – £600,000\n"
        "• Antrim Borough Council – £500,000\n"
        "• five further councils – between £80,000 and £250,000 each\n",
        "cycle.txt",
    )
    found = by_surface(list(extract_money(story)))
    assert found["£600,000"].part_of == "£2.4million"
    assert found["£80,000"].part_of == "£2.4million"
    assert found["£250,000"].part_of == "£2.4million"


def test_shares_of_a_whole_named_by_its_noun_or_paying_for_it_are_parts() -> None:
    found = by_surface(
        money(
            "The health service will spend £60m on crisis care this winter.",
            "About £9 million of the total has been set aside for older people.",
        )
    )
    assert found["£9 million"].part_of == "£60m"
    found = by_surface(
        money(
            "Four coastal towns will get £30 million of government investment.",
            "The minister confirmed the funding on Monday, which includes £12 million for a sea wall in "
            "Rhyl and £8 million for a promenade in Prestatyn.",
        )
    )
    assert found["£12 million"].part_of == "£30 million"
    assert found["£8 million"].part_of == "£30 million"
    found = by_surface(
        money(
            "The £9.5 million bypass is funded by £7 million of council money, with the rest from business."
        )
    )
    assert found["£7 million"].part_of == "£9.5 million"
    found = by_surface(
        money(
            "The contract, worth £600 million, covers the new radar. The remainder of the £900m "
            "investment will pay for new runways."
        )
    )
    assert found["£600 million"].part_of == "£900m"


def test_more_ways_a_whole_is_named_after_or_around_its_part() -> None:
    found = by_surface(
        money(
            "The council is spending £80 million on its schools this year, as part of almost £1 billion "
            "for education."
        )
    )
    assert found["£80 million"].part_of == "£1 billion"
    found = by_surface(
        money("Donors pledged $12 billion for clean water.", "The UK's share of the pledge is $1.5 billion.")
    )
    assert found["$1.5 billion"].part_of == "$12 billion"
    found = by_surface(
        money("The £4m comes from the Welsh Government's Skills Wales programme, which has a budget of £50m.")
    )
    assert found["£4m"].part_of == "£50m"
    found = by_surface(
        money(
            "Ministers announced £30 million for 12 bus schemes.",
            "Councils have also committed £10 million of their own, bringing the total value of the "
            "programme to £40 million.",
        )
    )
    assert found["£30 million"].part_of == "£40 million"
    found = by_surface(
        money(
            "Twelve theatres will share £2 million to tour new plays.",
            "The latest round brings the total awarded by the fund to £7.5 million.",
        )
    )
    assert found["£2 million"].part_of == "£7.5 million"


def test_the_payment_made_up_of_figures_is_their_whole() -> None:
    found = by_surface(
        money(
            "A water company will pay £6 million after overcharging customers, the regulator said.",
            "The payment is made up of £4.5 million in refunds to customers, including interest, and a "
            "£1.5 million payment to a hardship fund.",
        )
    )
    assert found["£4.5 million"].part_of == "£6 million"
    assert found["£1.5 million"].part_of == "£6 million"


def test_prices_or_fines_that_add_up_to_another_figure_are_not_its_parts() -> None:
    found = by_surface(
        money(
            "The energy price cap will be £2,000 a year from April.",
            "That is an increase of £150 on the current cap of £1,850.",
        )
    )
    assert found["£150"].part_of is None
    assert found["£1,850"].part_of is None


def test_range_bounds_and_per_item_caps_are_not_parts_of_a_sum_or_total() -> None:
    found = by_surface(
        money(
            "Four more ports will share £1-2 million, on top of the £3 million already given to councils "
            "last year."
        )
    )
    assert found["£1-2 million"].part_of is None
    found = by_surface(
        money(
            "Over 20,000 farms have been approved for loans of up to £40,000 under the scheme, worth a "
            "total of £600 million."
        )
    )
    assert found["£40,000"].part_of is None


def test_a_purpose_is_the_subject_of_stands_at_or_of_a_relative_clause_never_a_verb() -> None:
    found = by_surface(
        money(
            "The coastal repairs budget for 2025/26 now stands at £48m, including today's money.",
            "The Youth Steps programme, which helps school leavers into work, will continue to receive "
            "£9 million a year.",
            "The £210 million package includes £30 million for rural clinics.",
            "Since 2015 the average water bill has fallen, and it now stands at £420.",
        )
    )
    assert found["£48m"].purpose == "coastal repairs budget"
    assert found["£9 million"].purpose == "Youth Steps programme"
    assert found["£210 million"].purpose != "package includes"
    assert found["£420"].purpose is None


def test_a_purpose_is_never_a_date_or_on_top_and_between_two_years_is_a_period() -> None:
    found = by_surface(
        money(
            "The new research grants, of up to €90,000 each, will be awarded in early 2027.",
            "The grant comes on top of an extra £1.1 billion a year that councils already hold.",
            "Ministers will invest £2.4 billion in rural Wales between 2026 and 2031.",
        )
    )
    assert found["€90,000"].purpose is None
    assert found["£1.1 billion"].purpose is None
    assert found["£2.4 billion"].purpose == "rural Wales"
    assert found["£2.4 billion"].period == "between 2026 and 2031"


def test_this_winter_is_a_period_a_name_with_winter_is_not_and_a_totals_period_is_its_own() -> None:
    found = by_surface(
        money(
            "Ministers will give £3 million to GP surgeries this winter.",
            "Pensioners will get a £200 Winter Heating Payment, paid from December.",
            "Councils get £40 million for ferries, bringing total ferry funding this year to £90 million.",
        )
    )
    assert found["£3 million"].period == "this winter"
    assert found["£200"].period == "from December"
    assert found["£40 million"].period is None


def test_the_unit_a_rate_is_paid_by_is_its_period() -> None:
    found = by_surface(
        money(
            "Farmers can claim £420 per hectare for new hedges.",
            "Visitors spent £72 per night on average, or £3.10 per pupil per week at breakfast clubs.",
            "Skilled welders earn £60,000 per worker.",
        )
    )
    assert found["£420"].period == "per hectare"
    assert found["£72"].period == "per night"
    assert found["£3.10"].period == "per pupil per week"
    assert found["£60,000"].period is None


def test_hourly_rates_year_ranges_and_a_year_by_a_date_are_periods() -> None:
    found = by_surface(
        money(
            "Trainees will be paid £9.40 an hour.",
            "The council will spend £12 million in 2026 to 2027 on roads.",
            "The reforms will save £2bn a year by 2030.",
        )
    )
    assert found["£9.40"].period == "an hour"
    assert found["£12 million"].period == "in 2026 to 2027"
    assert found["£2bn"].period == "a year by 2030"


def test_a_period_said_in_a_later_sentence_about_the_money_is_its_period() -> None:
    found = by_surface(
        money(
            "Libraries will get £14 million to extend their opening hours.",
            "The money will be shared between 90 library services over the next 3 years.",
        )
    )
    assert found["£14 million"].period == "over the next 3 years"
    found = by_surface(
        money(
            "The UK will give £3 million of food aid.",
            "The donation will feed 200,000 families for over two weeks.",
        )
    )
    assert found["£3 million"].period is None  # how long the food lasts, not the money


def test_a_period_after_with_belongs_to_what_follows() -> None:
    found = by_surface(money("The unit rate will be 27.10p per kWh, with a daily standing charge of 53.35p."))
    assert found["27.10p"].period is None
    assert found["53.35p"].period == "daily"


def test_what_households_get_spend_or_see_change_is_not_funding() -> None:
    found = by_surface(
        money(
            "Under the scheme homeowners can get a £6,000 grant towards insulating their loft.",
            "This year the government will spend around £12 billion on Housing Benefit.",
            "Since 2015 the Carer’s Allowance has risen by over £900 a year.",
            "The child element of the Universal Credit will rise by £40 a year to £3,200.",
            "Bus companies spend £80m each year repairing vandalised shelters.",
            "Britain and Norway have a £30 billion trade relationship.",
        )
    )
    assert {surface: m.is_funding for surface, m in found.items()} == {
        "£6,000": False,
        "£12 billion": False,
        "£900": False,
        "£40": False,
        "£3,200": False,
        "£80m": False,
        "£30 billion": False,
    }


def test_a_list_of_rates_after_a_date_is_no_part_of_an_earlier_figure() -> None:
    story_ = parse_text(
        "Press release: Pensions rise\n\nSince 2010 the State Pension has risen by over £1,250 a year.\n\n"
        "From next month:\n\n• the full State Pension will increase by £3.90 to £159.55 a week\n"
        "• Pension Credit will rise to £159.35 a week",
        "p.txt",
    )
    assert [m.part_of for m in extract_money(story_)] == [None] * 4


def test_what_a_purpose_clause_is_about_does_not_make_the_money_not_funding() -> None:
    found = by_surface(
        money(
            "The Home Office has announced £5 million to tackle fraud against older people.",
            "The UN has appealed for US$900 million to meet needs across the region.",
        )
    )
    assert (found["£5 million"].is_funding, found["£5 million"].purpose) == (
        True,
        "tackle fraud against older people",
    )
    assert found["US$900 million"].is_funding is False  # an appeal's target


def test_any_verb_right_after_to_opens_a_purpose_but_not_an_adjective() -> None:
    found = by_surface(
        money(
            "The government has announced £35m to resurface rural roads.",
            "Ministers will commit £4m to rural communities in the Highlands.",
        )
    )
    assert found["£35m"].purpose == "resurface rural roads"
    assert found["£4m"].purpose is None  # "to rural communities": whom it is for, not a purpose clause


def test_a_later_sentence_in_the_same_paragraph_gives_the_period() -> None:
    found = money(
        "The government has announced £35m to resurface rural roads. The money will be shared over 2 years."
    )
    assert found[0].period == "over 2 years"


def test_a_purpose_after_the_period_and_no_purpose_from_a_lone_verb() -> None:
    found = by_surface(
        money(
            "The department will invest £2 billion over three years to rebuild schools.",
            "The £12 million programme, funded by the Home Office, will run until 2027.",
        )
    )
    assert (found["£2 billion"].purpose, found["£2 billion"].period) == (
        "rebuild schools",
        "over three years",
    )
    assert found["£12 million"].purpose != "run"
