import re
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import InputError
from bot.models import Block, BlockKind, DocType
from bot.parsing import text as text_module
from bot.parsing.text import clean_text, parse_text, stated_date

SHARED = Path(__file__).resolve().parents[2].parent / "shared"

REPOSTED = """Press release: New ferry link for island towns

Harbour at dawn - photo by A. Person via Flickr

Press release: New ferry link for island towns

A new ferry service will connect three island towns, the Transport Secretary announced today.

At today's (3 March 2025) launch, the minister said:

The link will cut journeys in half.

Background

• first sailing in May
• fares from £4"""


def test_reposted_layout_drops_caption_and_repeated_title() -> None:
    story = parse_text(REPOSTED, "sample.txt")
    assert story.title == "New ferry link for island towns"
    assert story.doc_type is DocType.PRESS_RELEASE
    assert story.blocks[0].text.startswith("A new ferry service")
    assert story.description == story.blocks[0].text
    assert all("Flickr" not in block.text for block in story.blocks)
    assert story.published_at == datetime(2025, 3, 3, tzinfo=UTC)
    kinds = [block.kind for block in story.blocks]
    assert kinds[-3:] == [BlockKind.HEADING, BlockKind.LIST_ITEM, BlockKind.LIST_ITEM]
    assert story.blocks[-1].text == "fares from £4"


def test_other_display_types_and_no_date() -> None:
    story = parse_text("Speech: A title\n\nOne paragraph of text.\n", "x.txt")
    assert story.doc_type is DocType.UNKNOWN
    assert story.title == "A title"
    assert story.published_at is None
    assert story.identity_key.startswith("text:undated:")


@pytest.mark.parametrize(
    "text",
    [
        "A title\n\nOne paragraph of text.\n",
        "MIT License\n\nCopyright (c) 2026 Someone\n\nPermission is hereby granted, free of charge.\n",
        '"""A script."""\n\nimport sys\n\nprint(sys.argv)\n',
        ".env\n*.db\n__pycache__/\n",
    ],
)
def test_text_without_a_display_type_line_is_not_a_story(text: str) -> None:
    with pytest.raises(InputError, match="not a news story: a plain-text story starts with a line such as"):
        parse_text(text, "x.txt")


def test_crlf_and_nbsp_are_normalised() -> None:
    story = parse_text("News story: T\r\n\r\nIt costs £40\u00a0million.\r\n", "x.txt")
    assert story.blocks[0].text == "It costs £40 million."


@pytest.mark.parametrize("text", ["", "   \n\n  ", "Only a title"])
def test_no_story_is_an_input_error(text: str) -> None:
    with pytest.raises(InputError):
        parse_text(text, "x.txt")


def test_seed_story() -> None:
    seed = SHARED / "fixtures/govuk/seed-news-story.txt"
    if not seed.exists():
        pytest.skip("../shared is absent: the seed story is read from ../shared/fixtures/govuk")
    story = parse_text(seed.read_text(encoding="utf-8"), str(seed))
    assert story.title == "Minister for London meets officers at forefront of tackling gang crime"
    assert story.doc_type is DocType.NEWS_STORY
    assert story.published_at == datetime(2018, 7, 5, tzinfo=UTC)
    assert story.blocks[0].text.startswith("Minister for London Jo Johnson has met officers")
    assert len(story.blocks) == 15
    assert not any("Flickr" in block.text for block in story.blocks)


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            list("a ’\r\n\t\f\v\u00a0\u2007\u202f\u2009\u200a\u200b\u00ad\ufeffe\u0301")
        ),
        max_size=40,
    )
)
def test_clean_text_replaces_each_odd_character_as_one_regex_pass_would(text: str) -> None:
    expected = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    expected = re.sub("[\ufeff\u200b\u00ad]", "", expected)
    assert clean_text(text) == re.sub(r"[\u00a0\u2007\u202f\u2009\u200a\t\f\v]", " ", expected)


@pytest.mark.parametrize(
    "text",
    ["# newsbot\n\nAn open-source bot.\n", "Notes\n\nRun this:\n\n```sh\nmake\n```\n"],
)
def test_markdown_is_not_a_story(text: str) -> None:
    with pytest.raises(InputError, match="looks like Markdown"):
        parse_text(text, "README.md")


DATE_PIECES = [
    "Published", "published:", "First published", "FIRST PUBLISHED on", "publiſhed", "today’s (", "Today (",
    "Monday", "Thursday ", "5", "05th", "31", "July", "jul", "Sept", "2018", "1999", "2031", ")", " ", "\n", ",",
    "(", "fırst", "x",
]  # fmt: skip


def _stated_date_by_regex_alone(blocks: tuple[Block, ...]) -> datetime | None:
    for block in blocks[:12]:
        for pattern in (text_module._TODAY, text_module._PUBLISHED, text_module._DATELINE):
            if (match := pattern.search(block.text)) and (found := text_module._date(match)):
                return found
    return None


@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(st.sampled_from(DATE_PIECES), max_size=8).map("".join), min_size=1, max_size=4))
def test_stated_date_prechecks_never_skip_a_match(texts: list[str]) -> None:
    blocks = tuple(Block(BlockKind.PARAGRAPH, text) for text in texts)
    assert stated_date(blocks) == _stated_date_by_regex_alone(blocks)


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=12).map(str.strip).filter(bool))
def test_bullet_precheck_never_skips_a_bullet(line: str) -> None:
    if text_module._BULLET.match(line):
        assert line[0] in text_module._BULLET_STARTS or line[0].isdigit()
