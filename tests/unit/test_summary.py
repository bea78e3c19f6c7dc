import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.evaluate import baseline_summary, load_records, rouge_l, story_for_summary
from bot.extract.summary import candidate_sentences, features, summarise, tighten
from bot.models import Block, BlockKind, Story
from bot.parsing.text import parse_text

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"

RELEASE = """Press release: Harbour towns get £12 million for new ferry link

Photo: the harbour at dawn via Flickr

Press release: Harbour towns get £12 million for new ferry link

Three harbour towns will be joined by a new ferry link, the Transport Secretary announced today.

This is the first new route in a decade.

The Department for Transport has awarded £12 million to the Northern Isles Ferry Company to build two electric ferries for the route.

Transport Secretary Ann Smith said:

We are delighted to back this link. It will cut journeys in half for thousands of people.

I look forward to sailing on it next year.

“It is a great day for the islands,” said council leader Bob Jones. “We have waited a long time.”

The ferries will enter service in May 2026.

The funding includes:

• £8 million for the ferries
• £4 million for new berths

Notes to editors

Press enquiries: 020 7946 0000 or press@example.gov.uk
"""


def _words_in_order(sentence: str, paragraph: str) -> bool:
    """Every word of the sentence is the paragraph's, in the paragraph's order (the summary is extractive:
    tighten() only drops asides, and may capitalise the first word left)."""
    words = iter(re.findall(r"\w+", paragraph.lower()))
    return all(word in words for word in re.findall(r"\w+", sentence.lower()))


def _texts(story: Story, n: int = 5) -> list[str]:
    return [s.text for s in summarise(story, n)]


def test_news_sentence_beats_a_dependent_lede_and_no_bad_candidates_appear() -> None:
    story = parse_text(RELEASE, "ferry.txt")
    story = replace(story, blocks=story.blocks[1:], description=None)  # as evaluated: no standfirst
    texts = _texts(story)
    assert texts[0].startswith("The Department for Transport has awarded £12 million")
    joined = " ".join(texts)
    for forbidden in (
        "said:",
        "delighted",
        "look forward",
        "great day",
        "waited",
        "includes:",
        "£8 million",
        "020 7946",
        "Flickr",
        "Notes to editors",
    ):
        assert forbidden not in joined  # fmt: skip


def test_lede_wins_when_it_carries_the_news() -> None:
    blocks = (
        Block(
            BlockKind.PARAGRAPH,
            "The Home Office has announced £5 million for youth clubs in 40 towns across England.",
        ),
        Block(
            BlockKind.PARAGRAPH, "Each club can bid for up to £125,000 towards new buildings and staff costs."
        ),
        Block(BlockKind.PARAGRAPH, "Clubs have until March to apply through their local council."),
    )
    first = summarise(Story("Youth clubs funding", blocks, "y.txt", "text"), 1)
    assert [(s.text[:30], s.block_index, s.position) for s in first] == [
        ("The Home Office has announced ", 0, 1)
    ]


def test_sentences_are_best_first_with_positions_and_capped_at_five() -> None:
    story = parse_text(RELEASE, "ferry.txt")
    chosen = summarise(story, 9)
    assert 1 <= len(chosen) <= 5
    assert len({s.position for s in chosen}) == len(chosen)
    assert all(_words_in_order(s.text, story.blocks[s.block_index].text) for s in chosen)
    assert summarise(story, 0) == summarise(story, 1)


def test_description_is_ignored() -> None:
    story = parse_text(RELEASE, "ferry.txt")
    assert summarise(replace(story, description="Something else entirely.")) == summarise(story)


def test_statement_story_uses_its_speech() -> None:
    blocks = (
        Block(BlockKind.PARAGRAPH, "A Welsh Government spokesperson said:"),
        Block(
            BlockKind.PARAGRAPH, "We are pleased to announce an improved pay offer to health unions today."
        ),
        Block(BlockKind.PARAGRAPH, "We thank everyone who took part in the talks over the last week."),
    )
    story = Story("Statement on pay", blocks, "s.txt", "text")
    assert _texts(story, 1) == ["We are pleased to announce an improved pay offer to health unions today."]


def test_story_with_nothing_to_summarise() -> None:
    story = Story("Contacts", (Block(BlockKind.HEADING, "Press enquiries"),), "c.txt", "text")
    assert summarise(story) == ()


def test_a_story_told_only_in_a_list_and_a_statement_still_has_a_summary() -> None:
    blocks = (
        Block(BlockKind.PARAGRAPH, "The main changes proposed for the county's bus network are:"),
        Block(BlockKind.LIST_ITEM, "cheaper fares for young people"),
        Block(
            BlockKind.PARAGRAPH, "In a joint statement, the two council leaders, Jo Bell and Sam Reed, said:"
        ),
        Block(
            BlockKind.PARAGRAPH,
            "“The county will consult on a new bus network that reaches every village by 2027. We want to hear "
            "from everyone who relies on the bus.",
        ),
        Block(
            BlockKind.PARAGRAPH,
            "Nobody should be left without a way to get to work or school,” said Jo Bell.",
        ),
    )
    story = Story("County consults on its bus network", blocks, "b.txt", "text")
    texts = _texts(story)
    assert texts[0] == "The county will consult on a new bus network that reaches every village by 2027."
    assert not any("said" in text or "“" in text or "”" in text for text in texts)


@pytest.mark.skipif(not (SHARED / "corpus" / "dev").is_dir(), reason="../shared/corpus/dev is not present")
@pytest.mark.parametrize("name", ["stories.jsonl", "stories-2.jsonl"])
def test_beats_the_lead_sentence_on_each_dev_file(name: str) -> None:
    ours: list[float] = []
    lead: list[float] = []
    for record in load_records(SHARED / "corpus" / "dev" / name):
        if record.get("description"):
            story = story_for_summary(record)
            chosen = summarise(story, 1)
            ours.append(rouge_l(chosen[0].text if chosen else "", record["description"]))
            lead.append(rouge_l(baseline_summary(story), record["description"]))
    assert sum(ours) / len(ours) >= sum(lead) / len(lead) + 0.02


_PIECES = [
    "A",
    "b",
    " ",
    "we",
    "said:",
    ".",
    "?",
    "“",
    "”",
    "‘",
    "’",
    '"',
    "'",
    "£1m",
    "\n",
    "The ",
    "Mr. ",
    "Notes to editors",
]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)


@given(
    st.lists(st.tuples(st.sampled_from(list(BlockKind)), _TEXT, st.booleans()), max_size=12),
    st.integers(min_value=-2, max_value=9),
)
def test_any_blocks_give_at_most_five_sentences_taken_from_the_blocks(
    raw: list[tuple[BlockKind, str, bool]], n: int
) -> None:
    blocks = tuple(Block(kind, text, quoted) for kind, text, quoted in raw)
    chosen = summarise(Story("A title we said", blocks, "h.txt", "text"), n)
    assert len(chosen) <= max(1, min(n, 5))
    for sentence in chosen:
        assert sentence.text and _words_in_order(sentence.text, blocks[sentence.block_index].text)


def _story(title: str, *paragraphs: str) -> Story:
    return Story(title, tuple(Block(BlockKind.PARAGRAPH, p) for p in paragraphs), "s.txt", "text")


def test_background_and_statistics_with_money_do_not_beat_the_announcement() -> None:
    # A money figure alone is not the news: here the figures are history and an estimate.
    story = _story(
        "Rural bridges to be repaired across England",
        "Rural councils across England will repair hundreds of ageing bridges over the next five years.",
        "Last year councils spent £3.4 million on emergency bridge closures after floods.",
        "The RAC estimates that a closed bridge costs drivers £250 a year in extra fuel.",
    )
    assert _texts(story, 1) == [story.blocks[0].text]


def test_a_sub_allocation_does_not_beat_the_announcement() -> None:
    story = _story(
        "Seafronts and piers in coastal towns to be restored",
        "Coastal towns in England will see their seafronts and piers restored under a new government programme.",
        "A further £2 million will go to coastal towns in Cornwall for new seafront shelters and lighting.",
    )
    assert _texts(story, 1) == [story.blocks[0].text]


def test_announcement_beats_a_reported_speech_lede() -> None:
    story = _story(
        "Tidal power projects in Wales get £30 million",
        "A new era for clean energy along the coast has begun, the Energy Secretary said today.",
        "The Energy Secretary has announced £30 million for three tidal power projects in north Wales.",
    )
    assert _texts(story, 1) == [story.blocks[1].text]


def test_headings_links_and_said_lines_without_a_full_stop_are_not_candidates() -> None:
    story = _story(
        "Library opening hours extended across the county",
        "Plans to put the library at the heart of every town in the county",
        "The county council's head of libraries, Dr Jane Smith, said",
        "Read the full statement on opening hours on the council website here",
        "Libraries across the county will open for longer on weekday evenings from next month.",
    )
    assert _texts(story) == [
        "Libraries across the county will open for longer on weekday evenings from next month."
    ]


def test_an_opening_paragraph_that_lost_its_full_stop_is_still_the_lede() -> None:
    story = _story(
        "Last stretch of the county coast path opens",
        "The last stretch of the county coast path has officially opened to walkers today (4 May)",
        "Starting at the old harbour, the county coast path follows the cliffs north past three lighthouses.",
        "Walkers can stop at cafes in each of the villages along the way.",
    )
    assert _texts(story, 1) == [
        "The last stretch of the county coast path has officially opened to walkers today"
    ]


def test_an_opening_line_without_a_verb_or_a_stop_is_still_a_heading() -> None:
    story = _story(
        "Coast path opens",
        "Plans to open the whole of the county coast path to walkers and cyclists by the summer",
        "The county coast path will open to walkers and cyclists from the old harbour to the lighthouse in May.",
    )
    assert _texts(story) == [story.blocks[1].text]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The minister has announced new funding for rural schools across the north.", {"news"}),
        (
            "In 2019 the fund paid out less than half of what it had been promised by ministers.",
            {"background"},
        ),
        ("Figures show that 45% of households in the region used the service at least once.", {"background"}),
        ("Of this, £2 million will go to projects in Wales and Northern Ireland over two years.", {"part"}),
        (
            "This includes support for families who have lost their homes to flooding this winter.",
            {"part", "anaphoric"},
        ),
        (
            "Coastal communities will see a real difference from the new ferries, the minister said.",
            {"reported"},
        ),
        (
            "We are determined to make sure that every child in the region has a warm school.",
            {"first_person"},
        ),
        ("The US and the UK will hold talks on the trade agreement in Washington next month.", set()),
    ],
)
def test_features_detect_their_kind_of_sentence(sentence: str, expected: set[str]) -> None:
    story = _story("Unrelated words", sentence)
    (candidate,) = candidate_sentences(story)
    found = features(candidate, frozenset())
    assert {name for name, value in found.items() if value and name not in ("title", "length")} == expected


def test_title_overlap_is_the_share_of_title_words_in_the_sentence() -> None:
    story = _story(
        "Ferry link for harbour towns", "A new ferry link will join three harbour towns on the east coast."
    )
    (candidate,) = candidate_sentences(story)
    title_words = frozenset({"ferry", "link", "harbo", "towns"})
    assert features(candidate, title_words)["title"] == 1.0
    assert features(candidate, frozenset({"ferry", "bridg"}))["title"] == 0.5


@pytest.mark.parametrize(
    ("sentence", "reported"),
    [
        (
            "Fares on the island ferries will be frozen for another year, the transport minister said today.",
            1.0,
        ),
        (
            "Fares on the island ferries will be frozen for another year, the Department for Transport said.",
            0.0,
        ),
        (
            "Fares on the island ferries will be frozen for another year, Highland Council said on Monday.",
            0.0,
        ),
    ],
)
def test_attribution_to_a_body_is_not_reported_speech(sentence: str, reported: float) -> None:
    (candidate,) = candidate_sentences(_story("Unrelated words", sentence))
    assert features(candidate, frozenset())["reported"] == reported


@pytest.mark.parametrize(
    ("sentence", "part"),
    [
        ("Ministers have also agreed to review the bus grant for rural routes next spring.", 1.0),
        ("The fund will also pay for new shelters at the busiest stops in each county.", 1.0),
        (
            "The grant was agreed at a meeting on Tuesday, when members of the transport board also approved new fares.",
            0.0,
        ),
    ],
)
def test_also_near_the_start_marks_a_part_of_the_news(sentence: str, part: float) -> None:
    (candidate,) = candidate_sentences(_story("Unrelated words", sentence))
    assert features(candidate, frozenset())["part"] == part


def test_centrality_favours_the_sentence_the_others_keep_returning_to() -> None:
    story = _story(
        "Something happened",
        "Rural bus routes in the county will keep running under a new council funding plan.",
        "The funding plan covers every rural bus route that lost its operator last year.",
        "The cathedral choir recorded an album of carols in the crypt in December.",
        "Bus passengers on rural routes will also pay lower fares under the plan.",
    )
    central = {c.text[:9]: features(c, frozenset())["central"] for c in candidate_sentences(story)}
    assert central["The cathe"] == 0.0
    assert min(central["Rural bus"], central["The fundi"], central["Bus passe"]) > 0.2
    # Sentences with no words in common with the rest have no centrality, and a lone sentence has none.
    (alone,) = candidate_sentences(_story("Something happened", story.blocks[0].text))
    assert alone.centrality == 0.0


def test_centrality_lets_the_sentence_about_the_story_beat_a_detail_of_equal_standing() -> None:
    # No sentence shares a word with the title and the lede is reported speech; of the next two, the one
    # the rest of the story keeps returning to wins over the detail before it (without centrality the
    # harbour wall would win on position).
    story = _story(
        "A day to remember",
        "Crews along the coast face a busy winter ahead of them, the coastguard minister said.",
        "The harbour wall at Eastmouth was built from local granite in the eighteenth century by the town.",
        "Eastmouth lifeboat volunteers are to train on a new all-weather lifeboat from next summer.",
        "The lifeboat station will train volunteers from three nearby villages on the new lifeboat.",
        "Volunteers who join the lifeboat crew this winter will start their training in the spring.",
    )
    assert _texts(story, 1) == [story.blocks[2].text]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # The word patterns must match at the very start of a sentence as well as after a space.
        ("Already more than forty towns along the coast have joined the harbour scheme.", {"background"}),
        ("Announcing the harbour grants, the council leader thanked volunteers across the region.", {"news"}),
        # Inside a word they must not: "Transports" and "unannounced" hold no feature word.
        ("Transports unannounced by the port authority reached the northern harbours on Friday.", set()),
        # A percentage alone is not background: it is as often the news ("fees will rise to 5 per cent").
        ("Nearly 30% of the harbour berths on the island are empty during the winter months.", set()),
        ("Figures show that 30% of the harbour berths on the island were empty last winter.", {"background"}),
    ],
)
def test_feature_words_count_at_the_start_of_a_sentence_but_not_inside_a_word(
    sentence: str, expected: set[str]
) -> None:
    (candidate,) = candidate_sentences(_story("Unrelated words", sentence))
    found = features(candidate, frozenset())
    assert {
        name for name, value in found.items() if value and name not in ("title", "length", "central")
    } == expected


@pytest.mark.parametrize(
    ("sentence", "candidate"),
    [
        ("0161 496 0000 is the number to call for the harbour office in the town centre.", False),
        ("Call the harbour office on +44 161 496 0000 for news of the ferry timetable.", False),
        # A long number glued to a word is a reference, not a phone number.
        ("The harbour grant was paid under reference AB01614960000 to the ferry company.", True),
    ],
)
def test_phone_numbers_are_found_at_the_start_of_a_sentence_and_not_inside_a_word(
    sentence: str, candidate: bool
) -> None:
    assert bool(candidate_sentences(_story("Unrelated words", sentence))) == candidate


@pytest.mark.parametrize(
    ("sentence", "part"),
    [
        ("The programme will target minor roads, many of which have not been resurfaced.", False),
        ("The council has £40m to spend this year, of which £11m is for the coastal roads.", True),
    ],
)
def test_many_of_which_is_not_a_part_of_the_news(sentence: str, part: bool) -> None:
    (candidate,) = candidate_sentences(_story("Unrelated words", sentence))
    assert bool(features(candidate, frozenset())["part"]) is part


@pytest.mark.parametrize(
    ("sentence", "tightened"),
    [
        # A closing announcement, with a name in commas and a date in brackets: the fact of announcing is
        # not the news.
        (
            "Forty libraries will share £6 million to open on Sundays, the Culture Secretary, Jo Hale, "
            "announced today (3 May 2024).",
            "Forty libraries will share £6 million to open on Sundays.",
        ),
        (
            "Rural bus routes will get £12m this year, the Department for Transport (DfT) has announced.",
            "Rural bus routes will get £12m this year.",
        ),
        # A date with its weekday or an ordinal is still a date.
        (
            "Thousands of pupils will get their exam results today (Thursday 14 August), the earliest date yet.",
            "Thousands of pupils will get their exam results today, the earliest date yet.",
        ),
        (
            "The council has today (2nd March) opened bids for its new fund for village shops.",
            "The council has today opened bids for its new fund for village shops.",
        ),
        # Brackets: an abbreviation, and another currency's amount after a figure, go.
        (
            "The UK will give £3 million (KSh 500 million) to the Kenya Red Cross (KRCS) for flood relief.",
            "The UK will give £3 million to the Kenya Red Cross for flood relief.",
        ),
        # Asides between dashes, and a closing dash clause shorter than the rest, go.
        (
            "Coastal councils will receive £9 million – on top of last year’s £4 million – to repair sea walls "
            "and promenades.",
            "Coastal councils will receive £9 million to repair sea walls and promenades.",
        ),
        (
            "Hundreds of village halls will be able to install solar panels and heat pumps with new grants – "
            "cutting their bills.",
            "Hundreds of village halls will be able to install solar panels and heat pumps with new grants.",
        ),
        # An opening "Following …," clause goes; the first word left takes the capital.
        (
            "Following a public consultation last spring, ministers have confirmed a ban on disposable vapes.",
            "Ministers have confirmed a ban on disposable vapes.",
        ),
    ],
)
def test_tighten_drops_the_asides_a_standfirst_leaves_out(sentence: str, tightened: str) -> None:
    assert tighten(sentence) == tightened


@pytest.mark.parametrize(
    "sentence",
    [
        # A claim stays attributed: without ", X said" it would read as the story's own voice.
        "Every town will have a youth worker by 2027, the Communities Minister said today.",
        # A bracket inside a name, and figures in brackets that are the news.
        "Farmers broke the Water (Scotland) Act 2003 by letting slurry run into a burn near Perth.",
        "Leeds will receive the largest share, followed by Hull (£2.1m) and York (£1.4m) this year.",
        # A closing dash clause longer than what comes before it is the point of the sentence.
        "I have one clear message for all the parties - if they reject this budget they must restore the "
        "Assembly and revise it.",
        # Dashes and brackets inside a quotation are never cut.
        "The ‘Walk – Cycle – Ride’ plan will add 300 miles of paths to the county network by 2030.",
        "The minister called it “a plan (at last) for our high streets” at the launch in Bristol.",
        # A closing dash clause that adds a fact rather than a comment.
        "The county will fund the new library service with £2 million over three years – half the cost of "
        "the old one.",
        # A condition is not an aside; nor is a range's dash.
        "After six months, a further penalty of £300 is charged on every unpaid return.",
        "Each of the twelve projects will receive between £2m – £3m from the new fund.",
        # Too little would be left.
        "The fund opens today (1 June 2024), the minister confirmed.",
    ],
)
def test_tighten_keeps_what_is_not_an_aside(sentence: str) -> None:
    assert tighten(sentence) == sentence


def test_the_summary_is_the_tightened_sentence() -> None:
    story = _story(
        "Libraries to open on Sundays",
        "Forty libraries will share £6 million to open on Sundays, the Culture Secretary announced today.",
        "Libraries can bid from June.",
    )
    assert _texts(story, 1) == ["Forty libraries will share £6 million to open on Sundays."]


_ASIDE_PIECES = [
    *_PIECES,
    "(",
    ")",
    " – ",
    " - ",
    ", ",
    "announced today",
    "Following",
    "As ",
    "2024",
    "£3m",
    "Jo",
]


@given(st.lists(st.sampled_from(_ASIDE_PIECES), max_size=60).map("".join))
def test_tighten_only_drops_words(sentence: str) -> None:
    tightened = tighten(sentence)
    assert _words_in_order(tightened, sentence)
    assert tightened == sentence or len(tightened.split()) >= 8
