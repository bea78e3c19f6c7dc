"""Cards, Discord's limits, Markdown escaping and the console's text rendering."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.presenting import (
    DESCRIPTION_LIMIT,
    FIELD_COUNT_LIMIT,
    FIELD_NAME_LIMIT,
    FIELD_VALUE_LIMIT,
    FOOTER_LIMIT,
    OGL_ATTRIBUTION,
    TITLE_LIMIT,
    TOTAL_LIMIT,
    ZWSP,
    Answer,
    Card,
    CardField,
    escape_highlighted,
    escape_markdown,
    fit,
    plain,
    render_text,
    truncate,
    units,
)


def assert_within_limits(card: Card) -> None:
    assert units(card.title) <= TITLE_LIMIT
    assert units(card.description) <= DESCRIPTION_LIMIT
    assert len(card.fields) <= FIELD_COUNT_LIMIT
    for f in card.fields:
        assert 0 < units(f.name) <= FIELD_NAME_LIMIT
        assert 0 < units(f.value) <= FIELD_VALUE_LIMIT
    assert units(card.footer or "") <= FOOTER_LIMIT
    assert card.size <= TOTAL_LIMIT


# --- truncate -------------------------------------------------------------------------------


def test_short_text_is_left_alone() -> None:
    assert truncate("Cycling funding", 100) == "Cycling funding"


def test_long_text_is_cut_between_words_with_an_ellipsis() -> None:
    text = "The government has announced new funding for cycling lanes across England"
    out = truncate(text, 30)
    assert out.endswith("…") and units(out) <= 30
    assert out[:-1] in text and text[len(out) - 1] == " "


def test_truncate_never_leaves_a_dangling_escape() -> None:
    text = escape_markdown("a" * 9 + "*" * 20)  # "aaaaaaaaa\*\*\*..."
    for limit in range(8, 30):
        out = truncate(text, limit)
        body = out[:-1]
        trailing = len(body) - len(body.rstrip("\\"))
        assert trailing % 2 == 0, (limit, out)


def test_truncate_never_splits_a_surrogate_pair_or_an_astral_character() -> None:
    text = "ab" + "\U0001f600" * 10
    for limit in range(6, 20):
        out = truncate(text, limit)
        assert units(out) <= limit
        assert all(not ("\ud800" <= ch <= "\udfff") for ch in out)
    lone = "ab" + "\ud83d\ude00" * 10  # a pair kept as two code points (surrogatepass input)
    for limit in range(6, 20):
        out = truncate(lone, limit)
        assert not ("\ud800" <= out[-2] <= "\udbff")


def test_truncate_keeps_accents_with_their_letter() -> None:
    text = "e\u0301" * 40  # "é" written as "e" plus a combining accent
    for limit in range(6, 30):
        body = truncate(text, limit)[:-1]
        assert text.startswith(body) and text[len(body)] == "e"


def test_truncate_closes_bold_and_drops_a_half_link() -> None:
    bold = "**" + "word " * 20 + "**"
    out = truncate(bold, 40)
    assert out.count("**") == 2 and units(out) <= 40
    linked = "See " + "x" * 10 + " [Read on GOV.UK](https://www.gov.uk/government/news/a-long-path)"
    out = truncate(linked, 40)
    assert "[" not in out and units(out) <= 40


def test_truncate_does_not_separate_at_from_its_zero_width_space() -> None:
    text = escape_markdown("abcdefghi @everyone and more text")
    for limit in range(8, 20):
        out = truncate(text, limit)
        assert not out[:-1].endswith("@")


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=0, max_size=400), st.integers(min_value=0, max_value=300))
def test_truncate_always_fits(text: str, limit: int) -> None:
    out = truncate(text, limit)
    assert units(out) <= limit
    if units(text) <= limit:
        assert out == text


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=0, max_size=300), st.integers(min_value=8, max_value=200))
def test_truncated_escaped_text_has_balanced_markup(text: str, limit: int) -> None:
    out = truncate(escape_highlighted(text), limit)
    assert units(out) <= limit
    assert not re.search(r"(?<!\\)(?:\\\\)*\\…$", out)


# --- fit --------------------------------------------------------------------------------------


def test_fit_trims_title_footer_and_fields() -> None:
    card = Card(
        title="T" * 300,
        fields=[CardField("N" * 300, "V" * 2000), CardField("", "  ")],
        footer="F" * 3000,
    )
    [page] = fit(card)
    assert_within_limits(page)
    assert page.title.endswith("…") and page.fields[0].value.endswith("…")
    assert page.fields[1].name == ZWSP and page.fields[1].value == ZWSP


def test_fit_splits_a_long_description_into_pages_between_paragraphs() -> None:
    paragraphs = [f"Paragraph {i}. " + "words " * 150 for i in range(20)]
    card = Card(title="Story", description="\n\n".join(paragraphs), footer=OGL_ATTRIBUTION)
    pages = fit(card)
    assert len(pages) > 1
    for page in pages:
        assert_within_limits(page)
        assert page.title == "Story" and page.footer == OGL_ATTRIBUTION
        assert page.description.startswith("Paragraph")
    rejoined = " ".join(" ".join(p.description.split()) for p in pages)
    assert rejoined == " ".join(" ".join(paragraphs).split())


def test_fit_spills_fields_onto_new_pages() -> None:
    card = Card(title="Quotes", fields=[CardField(f"Speaker {i}", "q" * 900) for i in range(40)])
    pages = fit(card)
    assert len(pages) >= 7  # 40 × 900 chars cannot share fewer pages under 6,000 each
    assert [f.name for p in pages for f in p.fields] == [f"Speaker {i}" for i in range(40)]
    for page in pages:
        assert_within_limits(page)


def test_fit_is_idempotent_and_answer_fits_on_construction() -> None:
    card = Card(title="x" * 500, description="y " * 5000, fields=[CardField("a", "b" * 1500)] * 30)
    once = fit(card)
    assert fit(once) == once
    answer = Answer([card], content="c" * 5000)
    assert answer.pages == once and units(answer.content or "") <= 2000


field_text = st.text(min_size=0, max_size=1500)


@settings(max_examples=60, deadline=None)
@given(
    st.text(max_size=400),
    st.text(max_size=9000),
    st.lists(st.tuples(st.text(max_size=300), field_text, st.booleans()), max_size=40),
    st.one_of(st.none(), st.text(max_size=2500)),
)
def test_fit_always_respects_every_limit(
    title: str, description: str, fields: list[tuple[str, str, bool]], footer: str | None
) -> None:
    card = Card(title, description, None, [CardField(*f) for f in fields], footer)
    pages = fit(card)
    assert pages
    for page in pages:
        assert_within_limits(page)
    assert sum(len(p.fields) for p in pages) == len(fields)


# --- escaping ---------------------------------------------------------------------------------


def test_escape_neutralises_formatting() -> None:
    out = escape_markdown("**bold** _it_ ~~gone~~ ||spoiler|| `code` [site](https://evil.example)")
    assert out == (
        r"\*\*bold\*\* \_it\_ \~\~gone\~\~ \|\|spoiler\|\| \`code\` \[site\](https://evil.example)"
    )


def test_escape_neutralises_line_starts() -> None:
    text = "# Heading\n## Sub\n-# small\n> quote\n>>> all\n- item\n* star\n+ plus\n12. numbered\n  - nested"
    out = escape_markdown(text).splitlines()
    assert out == [
        r"\# Heading",
        r"\## Sub",
        r"\-# small",
        r"\> quote",
        r"\>\>\> all",
        r"\- item",
        r"\* star",
        r"\+ plus",
        r"12\. numbered",
        r"  \- nested",
    ]


def test_escape_leaves_ordinary_text_and_urls_alone() -> None:
    text = "The Home Office said 5 - 10 people (aged 18+) #1 in 2024. See https://www.gov.uk/a_b_c."
    assert escape_markdown(text) == text


def test_escape_defuses_every_ping() -> None:
    out = escape_markdown("Hello @everyone and @here, <@123>, <@!456> and <@&789>")
    assert "@everyone" not in out and "@here" not in out
    assert out.count("@" + ZWSP) == 5
    assert not re.search("<@(?!" + ZWSP + ")", out)


def test_escape_highlighted_keeps_only_the_store_markers_bold() -> None:
    out = escape_highlighted("new **cycling** lanes_ **funding** *star* **unpaired")
    assert out == r"new **cycling** lanes\_ **funding** \*star\* \*\*unpaired"


# --- rendering for the console ----------------------------------------------------------------


def test_plain_undoes_our_markdown() -> None:
    md = escape_markdown("a_b *c* @everyone") + " **hit** [Read on GOV.UK](https://www.gov.uk/x) `ab12`"
    assert plain(md) == "a_b *c* @everyone **hit** Read on GOV.UK (https://www.gov.uk/x) ab12"
    assert plain("**hit**", bold=("<", ">")) == "<hit>"


def test_render_text_shows_every_page_and_the_footer_once() -> None:
    answer = Answer(
        [
            Card(
                "Story",
                "Body",
                "https://www.gov.uk/x",
                [CardField("Type", "Press release", True), CardField("Quotes", "one\ntwo")],
                OGL_ATTRIBUTION,
            ),
            Card("Story", "More", footer=OGL_ATTRIBUTION),
        ],
        content="Two pages",
    )
    text = render_text(answer)
    assert text.startswith("Two pages\n")
    assert "--- page 1 of 2 ---" in text and "--- page 2 of 2 ---" in text
    assert "https://www.gov.uk/x" in text and "Type: Press release" in text
    assert "Quotes\n  one\n  two" in text
    assert text.count(OGL_ATTRIBUTION) == 1
    assert "\x1b[" not in text
    assert "\x1b[1m" in render_text(Answer([Card("x", "**bold**")]), ansi=True)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_characters=ZWSP, blacklist_categories=("Cs",)), max_size=200))
def test_escaping_loses_nothing(text: str) -> None:
    """What Discord shows (the escapes undone) is exactly the story's text."""
    assert plain(escape_markdown(text)) == text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="*_~`|[]()<>#->@ \n1.abc:/everyonehr", max_size=80))
def test_escaped_text_has_no_live_markup(text: str) -> None:
    escaped = escape_markdown(text)
    unescaped = re.sub(r"\\.", "x", escaped)  # every escaped character stands for plain text
    assert not re.search(r"[*_~`|\[\]<>]", unescaped)
    # headings, subtext, list items and block quotes start a line with a marker and a space
    assert not re.search(r"(?m)^[ \t]*(#{1,3}[ \t]|-#[ \t]|[-*+][ \t]|\d+\.[ \t]|>)", unescaped)
    assert "@everyone" not in escaped and "@here" not in escaped
