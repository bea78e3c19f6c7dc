from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.evaluate import baseline_summary, load_records, rouge_l, story_for_summary
from bot.extract.summary import summarise
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
    assert all(story.blocks[s.block_index].text.find(s.text) >= 0 for s in chosen)
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
        assert sentence.text and sentence.text in blocks[sentence.block_index].text
