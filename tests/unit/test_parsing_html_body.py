"""Body HTML into blocks: structure kept, chrome dropped, whitespace normalised."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.models import Block, BlockKind
from bot.parsing.html_body import html_to_blocks, html_to_text, normalise_space

P, H, L = BlockKind.PARAGRAPH, BlockKind.HEADING, BlockKind.LIST_ITEM
SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "govuk"
needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason="../shared/fixtures/govuk is absent (shared fixtures live beside the repo)"
)


def body(name: str) -> str:
    return json.loads((SHARED / "content-api" / f"{name}.json").read_text(encoding="utf-8"))["details"][
        "body"
    ]


def test_kinds_in_order() -> None:
    blocks = html_to_blocks(
        '<div class="govspeak"><p>One.</p><h2 id="x">Head</h2><ul><li>a</li><li>b</li></ul>'
        "<h3>Sub</h3><ol><li>c</li></ol><p>Two.</p></div>"
    )
    assert blocks == (
        Block(P, "One."),
        Block(H, "Head"),
        Block(L, "a"),
        Block(L, "b"),
        Block(H, "Sub"),
        Block(L, "c"),
        Block(P, "Two."),
    )


def test_blockquote_children_are_flagged_with_or_without_whitespace() -> None:
    indented = (
        '<p>X said:</p>\n<blockquote>\n  <p>One.</p>\n\n  <p class="last-child">Two.</p>\n</blockquote>'
    )
    packed = (
        '<p>X said:</p><blockquote>  <p>One.</p>  <p class="last-child">Two.</p></blockquote><p>After.</p>'
    )
    assert html_to_blocks(indented) == (Block(P, "X said:"), Block(P, "One.", True), Block(P, "Two.", True))
    assert html_to_blocks(packed)[-1] == Block(P, "After.", False)
    assert [b.blockquote for b in html_to_blocks(packed)] == [False, True, True, False]


def test_back_to_back_blockquotes_stay_separate_blocks() -> None:
    blocks = html_to_blocks("<blockquote><p>A.</p></blockquote><blockquote><p>B.</p></blockquote>")
    assert blocks == (Block(P, "A.", True), Block(P, "B.", True))


def test_contact_figure_script_style_dropped_but_tails_kept() -> None:
    html = (
        '<div class="govspeak"><p>Keep.</p>'
        '<div class="contact postal-address"><div class="vcard"><p>Press office</p>'
        '<p class="tel">020 7946 0000</p><a href="mailto:x@example.invalid">x</a></div></div>'
        '<figure class="image embedded"><div class="img"><img alt="Photo" src="x.jpg"></div></figure>'
        "<script>var x = 1;</script><style>p {}</style>loose tail"
        '<div class="address"><p>1 Street</p></div></div>'
    )
    assert html_to_blocks(html) == (Block(P, "Keep."), Block(P, "loose tail"))


def test_call_to_action_text_is_kept_as_story_text() -> None:
    html = '<div class="call-to-action"><p>Slides are now available below.</p></div><p>Body.</p>'
    assert html_to_blocks(html) == (Block(P, "Slides are now available below."), Block(P, "Body."))


def test_inline_markup_and_abbr_keep_their_text() -> None:
    html = (
        '<p><abbr title="Centre for Defence Enterprise">CDE</abbr>’s <a rel="external" href="x">event</a> '
        "was <strong>busy</strong>.</p>"
    )
    assert html_to_blocks(html) == (Block(P, "CDE’s event was busy."),)


def test_nbsp_zero_width_and_whitespace_are_normalised() -> None:
    html = "<p>3\u00a0months\u00a0</p><p>\u00a0</p><p>a\u200bb  \n\t c\u202fd</p>"
    assert html_to_blocks(html) == (Block(P, "3 months"), Block(P, "ab c d"))


def test_bare_text_in_a_div_becomes_paragraphs() -> None:
    html = "<div>Loose <em>text</em> here<p>Para.</p>more loose<div>inner</div></div>"
    assert html_to_blocks(html) == (
        Block(P, "Loose text here"),
        Block(P, "Para."),
        Block(P, "more loose"),
        Block(P, "inner"),
    )


def test_br_separates_words() -> None:
    assert html_to_blocks("<p>Line one<br>line two</p>") == (Block(P, "Line one line two"),)


def test_nested_lists_and_paragraphs_in_items() -> None:
    html = "<ul><li>Top<ul><li>Nested</li></ul></li><li><p>Para in item</p></li></ul>"
    assert html_to_blocks(html) == (Block(L, "Top"), Block(L, "Nested"), Block(L, "Para in item"))


def test_table_rows_become_paragraphs_without_empty_cells() -> None:
    html = "<table><tr><th>Area</th><th>Amount</th></tr><tr><td>North</td><td>\u00a0</td><td>£5m</td></tr></table>"
    assert html_to_blocks(html) == (Block(P, "Area | Amount"), Block(P, "North | £5m"))


@pytest.mark.parametrize("html", ["", "   ", "<div></div>", "<!-- only a comment -->"])
def test_empty_input_gives_no_blocks(html: str) -> None:
    assert html_to_blocks(html) == ()


def test_string_with_encoding_declaration_still_parses() -> None:
    assert html_to_blocks('<?xml version="1.0" encoding="iso-8859-1"?><p>x</p>') == (Block(P, "x"),)


def test_html_to_text_and_normalise_space() -> None:
    assert html_to_text("<p>This item was <em>withdrawn</em>.</p><p>See the new guidance.</p>") == (
        "This item was withdrawn. See the new guidance."
    )
    assert normalise_space("  a\u00a0\u00a0b\n") == "a b"


# Whitespace str.split() knows, the invisible characters, and printable neighbours.
_SPACEY = st.text(
    alphabet=st.sampled_from(
        list(" \t\n\r\x0b\x0c\x1c\x85\xa0\u2007\u202f\u3000\u200b\u00ad\ufeff\u2060ab’.")
    ),
    max_size=30,
)


@settings(max_examples=500, deadline=None)
@given(st.one_of(_SPACEY, st.text(max_size=30)))
def test_normalise_space_fast_path_agrees_with_split_and_join(text: str) -> None:
    # The already-normal shortcut must give exactly what removing the invisible characters and
    # collapsing whitespace with split/join gives.
    invisible = str.maketrans("", "", "\u200b\u00ad\ufeff\u2060")
    assert normalise_space(text) == " ".join(text.translate(invisible).split())


@needs_shared
def test_fixture_public_approval_quote_lists_and_contact_block() -> None:
    blocks = html_to_blocks(body("public-approval-for-driving-limits-for-16-drugs"))
    texts = [b.text for b in blocks]
    quoted = [b.text for b in blocks if b.blockquote]
    assert texts[3] == "Road Safety Minister Robert Goodwill said:"
    assert len(quoted) == 2 and quoted[1].startswith("The next step is to take these limits")
    assert Block(H, "Illicit drugs") in blocks
    assert Block(L, "benzoylecgonine, 50 µg/L") in blocks
    assert Block(L, "clonazepam, 50 µg/L") in blocks  # double space inside the item collapsed
    assert not any("020 7944" in t or "media enquiries" in t for t in texts)
    assert texts[-1] == "Drug driving written ministerial statement, 27 March 2014"


@needs_shared
def test_fixture_modern_life_five_blockquotes_no_newlines() -> None:
    blocks = html_to_blocks(body("modern-life-responsible-for-worrying-health-in-middle-aged"))
    quoted = [b for b in blocks if b.blockquote]
    assert len(quoted) == 7  # 5 blockquotes; 2 of them hold 2 paragraphs
    intro = next(i for i, b in enumerate(blocks) if b.text.startswith("Professor Kevin Fenton"))
    assert blocks[intro].text == "Professor Kevin Fenton, Director of Health and Wellbeing at PHE, said:"
    assert blocks[intro + 1].blockquote and blocks[intro + 2].blockquote and not blocks[intro + 3].blockquote
    assert not any("press office" in b.text or "020 7654" in b.text for b in blocks)
    assert blocks[-1].kind is L


@needs_shared
def test_fixture_cde_figures_dropped_money_kept_call_to_action_kept() -> None:
    blocks = html_to_blocks(body("cde-innovation-network-event-9-july-2015-london"))
    texts = [b.text for b in blocks]
    assert texts[0] == "Presentation slides are now available to view below."
    assert any("(up to £650,000 available)" in t for t in texts)
    assert any("(up to £500,000 available)" in t for t in texts)
    assert Block(H, "About CDE") in blocks
    assert not any("Presenter" in t or "cde@dstl.gov.uk" in t or "OX11" in t for t in texts)
    assert texts[-1] == "CDE is part of Dstl."


@needs_shared
def test_fixture_frank_curly_single_quote_paragraphs_are_not_blockquotes() -> None:
    blocks = html_to_blocks(body("new-frank-adverts-mark-tenth-anniversary--2"))
    assert blocks[2].text.startswith("‘Distorted information")
    assert blocks[3].text.endswith("drugs advice.’")
    assert not any(b.blockquote for b in blocks)


HTML_PIECES = [
    "<p>", "</p>", "<blockquote>", "</blockquote>", "<ul>", "</ul>", "<li>", "</li>", "<h2>", "</h2>",
    '<div class="contact">', '<div class="call-to-action">', "<div>", "</div>", "<figure><img src=x>",
    "</figure>", "<script>", "</script>", "<table><tr><td>", "</td></tr></table>", "<br>", "<!--", "-->",
    "<abbr title='t'>", "</abbr>", "&amp;", "&nbsp;", "&#163;", "\u00a0", "\u200b", " ", "\n", "word", "£5m", "’",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(HTML_PIECES), max_size=40).map("".join))
def test_any_tag_soup_gives_clean_blocks(html: str) -> None:
    for block in html_to_blocks(html):
        assert block.text and block.text == block.text.strip()
        assert "  " not in block.text and "\u00a0" not in block.text and "\u200b" not in block.text
        assert "<" not in block.text  # markup never leaks into text


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_survivable(html: str) -> None:
    html_to_blocks(html)


def test_footnote_markers_are_dropped_but_footnote_text_kept() -> None:
    html = (
        '<p>Use rose 5%<sup id="fnref:1" role="doc-noteref"><a href="#fn:1" class="footnote" rel="footnote">'
        "[footnote 1]</a></sup> last year.</p>"
        '<div class="footnotes" role="doc-endnotes"><ol><li id="fn:1" role="doc-endnote"><p>Survey data. '
        '<a href="#fnref:1" class="reversefootnote" role="doc-backlink">↩</a></p></li></ol></div>'
    )
    assert html_to_blocks(html) == (Block(P, "Use rose 5% last year."), Block(L, "Survey data."))


def test_control_characters_beside_dropped_elements_do_not_crash() -> None:
    # lxml refuses to store a form feed or other C0 control, so pruning must not rewrite text.
    html = "<p>one<br>\x0ctwo<script>x</script>\x1cthree</p><figure>f</figure>\x0c<p>four</p>"
    assert html_to_blocks(html) == (Block(P, "one two three"), Block(P, "four"))
