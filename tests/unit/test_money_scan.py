"""The joined scan for amounts (title and body as one string) finds what scanning them apart finds.

money._find_all searches the title and every block as one string, and falls back to searching the
title and the body apart (the way the limits are defined) for long titles, too many amounts, and
texts with "İ" or the Kelvin sign. These tests hold the two paths to the same answer.
"""

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.extract.money import MAX_MENTIONS, _find_all, _find_apart
from bot.extract.money_lexer import find_amounts

PIECES = [
    "£5m", "50p", "\u0665p", "5\u00b2p", "£1.2bn", "EUR 5m", "KSh 580 million", "5 pounds", "half a billion euros",
    "£2-3 million", "Rs 5 crore", "6 crores and 90 lacs taka", "US$3m", "US", "$", "dollars", "GBP", "Rs", "5", "p",
    "pounds", "for", "the", "fund", ",", ".", ":", "(", ")", "–", "“", "”", "\u00a0", "\n", "É", "ß", "to", "-",
]  # fmt: skip
TEXT = st.lists(st.sampled_from(PIECES), max_size=25).map(" ".join)


def texts(title: str, *blocks: str) -> list[tuple[int, str, bool]]:
    return [(-2, title, False)] + [(i, block, False) for i, block in enumerate(blocks)]


@settings(max_examples=300, deadline=None)
@given(title=TEXT, blocks=st.lists(TEXT, max_size=6))
def test_joined_scan_finds_what_the_apart_scan_finds(title: str, blocks: list[str]) -> None:
    assert _find_all(texts(title, *blocks)) == _find_apart(texts(title, *blocks))


def test_a_block_boundary_stops_every_reading() -> None:
    # A number at a block's end and a currency word or "p" at the next one's start are not one amount.
    cases = texts("Grants of 5", "pounds for schools", "Rs", "5 crore", "US", "$5m", "20", "p each")
    assert _find_all(cases) == _find_apart(cases)
    assert [f.surface for items in _find_all(cases) for f in items] == ["$5m"]  # "5 crore" names no currency


def test_dotted_capital_i_or_kelvin_sign_reads_title_and_body_apart() -> None:
    # lower() turns "İ" into two characters, so the lexer's lowered copy would shift the body's positions
    for title in ("İstanbul gets £5m", "\u212a 5 pounds"):
        cases = texts(title, "Councils get 40 million pounds and Rs 5 crore.")
        assert _find_all(cases) == _find_apart(cases)


def test_limits_cut_where_they_did() -> None:
    for count in (MAX_MENTIONS - 1, MAX_MENTIONS, MAX_MENTIONS + 1, 2 * MAX_MENTIONS + 1):
        cases = texts("£9m for roads", "£1 " * count, "£2m more")
        assert _find_all(cases) == _find_apart(cases)
    long_title = texts("£1 " * 150, "£2m " * 300)
    assert _find_all(long_title) == _find_apart(long_title)


def test_pence_after_a_non_ascii_digit_as_before() -> None:
    assert [f.surface for f in find_amounts("costs \u0665p and 2.15pm and 5\u00b2p")] == [
        "\u0665p",
        "5\u00b2p",
    ]
