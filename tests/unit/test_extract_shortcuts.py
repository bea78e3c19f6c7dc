"""The shortcuts the quote extractor and the summariser take for speed give what the plain way gives.

Each test compares a fast path with a direct, slow statement of the same thing, on generated text full
of the characters that make the difference (quotation marks, apostrophes, brackets, non-ASCII letters).
"""

import math
import re
from collections import Counter
from itertools import chain

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.extract import money, money_context, names, quotes, summary
from bot.extract.quotes import extract_quotes
from bot.models import Block, BlockKind, Story


def _text(pieces: list[str], max_size: int = 16) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces), max_size=max_size).map("".join)


@given(_text(["a", "Z", "0", "9", " ", "é", "İ", "K", "’", "_", "-", "\n", "\ud800", "ß", "Σ"]))
def test_summary_tokens_are_the_lowercase_alphanumeric_runs(text: str) -> None:
    lowered = text.lower()
    assert summary._tokens(lowered) == re.findall(r"[a-z0-9]+", lowered)


@given(_text(["'", "''", "“", "”", '"', "‘", "’", "a", " "]))
def test_quotation_marks_are_found_as_by_the_alternation(text: str) -> None:
    plain = re.compile(r"''|[“”\"‘’']")
    assert [m.span() for m in quotes._MARK.finditer(text)] == [m.span() for m in plain.finditer(text)]


@given(_text(["'", "“", '"', "‘", "”", "’", "a", " ", "said"]))
def test_summary_quoted_spans_need_an_opening_mark(text: str) -> None:
    if not any(mark in text for mark in "“\"‘'"):
        assert summary._quoted_spans(text) == []


@given(_text(["(", ")", "[", "]", ",", " ", "a", "Bc", "\t"]))
def test_commas_outside_brackets_split_as_by_a_walk_over_every_character(text: str) -> None:
    parts, depth, current = [], 0, []
    for char in text:
        if char in "([":
            depth += 1
        elif char in ")]" and depth:
            depth -= 1
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    assert names._split_commas(text) == [" ".join(p.split()) for p in parts if p.strip()]


@given(
    _text(
        [
            "the ",
            "The ",
            "Its ",
            "UK’s ",
            "council's ",
            "Health ",
            "Secretary",
            ", who ",
            ",  which ",
            "PM",
            ",",
        ]
    )
)
@settings(max_examples=300)
def test_role_tidying_tries_its_patterns_only_where_they_can_match(role: str) -> None:
    clause = quotes._ROLE_CLAUSE.split(role, maxsplit=1)[0] or role
    bare = quotes._ROLE_DETERMINER.sub("", clause, count=1) or clause
    bare = "t" + bare[1:] if bare.startswith("The ") else bare
    expected = quotes._ABBREVIATED_ROLES.get(bare, bare).strip(" ,") or None
    assert quotes._tidy_role(role) == (expected if role else role)


def _story(*paragraphs: str) -> Story:
    return Story(
        "Ministers respond", tuple(Block(BlockKind.PARAGRAPH, p) for p in paragraphs), "test", "text"
    )


def test_titles_are_found_for_more_speakers_than_are_looked_for_text_by_text() -> None:
    # Past _MOST_WORDS_SCANNED speakers the resolver reads every name once instead: the titles must not change.
    people = [f"Jo Bell{chr(65 + k % 26)}{chr(65 + k // 26)}" for k in range(quotes._MOST_WORDS_SCANNED + 8)]
    introductions = [f"Health Minister {person} visited the new clinic in Leeds." for person in people]
    statements = [f"{person} said: “We will open three more clinics next year.”" for person in people]
    found = extract_quotes(_story(*introductions, *statements))
    assert [(q.speaker, q.role) for q in found] == [(person, "Health Minister") for person in people]


def test_a_speaker_quoted_again_keeps_the_title_printed_with_their_first_mention() -> None:
    found = extract_quotes(
        _story(
            "Chief Executive Ann Lee opened the centre.",
            "Ann Lee said: “This centre will serve the whole county.”",
            "The building cost £3 million.",
            "Ann Lee said: “We are proud of the staff who run it every day.”",
        )
    )
    assert [(q.speaker, q.role) for q in found] == [("Ann Lee", "Chief Executive")] * 2


@given(_text(["1", " ", "\t", "\u00a0", "–", "—", "-", "£", "a", "\n"]))
def test_summary_dash_is_found_as_with_the_lookbehind_first(text: str) -> None:
    plain = re.compile(r"(?<!\d)\s[–—-]\s(?![£€$\d])")
    assert summary._dashes(text) == [m.span() for m in plain.finditer(text)]


@given(
    _text(
        [
            "The plan ",
            "will ",
            "fund ",
            "(",
            ")",
            "DfT",
            "2025 ",
            " – ",
            " - ",
            ", ",
            "Jo Bloggs ",
            "has ",
            "announced",
            "confirms",
            "revealed",
            " today",
            "“",
            "”",
            "Following it",
            "delivering ",
            "12 May",
        ],
        max_size=24,
    )
)
@settings(max_examples=300)
def test_tighten_skips_only_patterns_that_cannot_match(text: str) -> None:
    def plain(sentence: str) -> str:  # tighten() as first written, searching every pattern
        stop = sentence[-1] if sentence and sentence[-1] in ".!?" else ""
        body = sentence[: len(sentence) - len(stop)]
        for match in reversed(list(summary._BRACKET.finditer(body))):
            if summary._is_bracketed_aside(body, match):
                body = summary._cut(body, *match.span()) or body
        if match := summary._CLOSING_ANNOUNCEMENT.search(body):
            body = summary._cut(body, match.start(), match.end()) or body
        dashes = [match.span() for match in re.finditer(r"(?<!\d)\s[–—-]\s(?![£€$\d])", body)]
        if len(dashes) == 2:
            body = summary._cut(body, dashes[0][0], dashes[1][1] - 1) or body
        elif (
            len(dashes) == 1
            and dashes[0][0] > len(body) - dashes[0][0]
            and summary._COMMENT_CLAUSE.match(body, dashes[0][1])
        ):
            body = summary._cut(body, dashes[0][0], len(body)) or body
        if (match := summary._OPENING_CLAUSE.match(body)) and (rest := summary._cut(body, 0, match.end())):
            body = rest[0].upper() + rest[1:]
        return body + stop

    for sentence in (text, text + "."):
        assert summary.tighten(sentence) == plain(sentence)


def test_money_anaphor_starts_with_one_of_the_listed_characters() -> None:
    rests = ("he funding", "his", "t", "ther funding", "urther funding", "emaining funding", "ur funding")
    for code in range(0x10000):
        char = chr(code)
        if char in money._ANAPHOR_FIRSTS or char.isspace():
            continue
        assert not any(money._ANAPHOR.match(char + rest) for rest in rests), hex(code)


def test_money_named_whole_keys_are_found_as_by_the_alternation() -> None:
    plain = re.compile("|".join(map(re.escape, money._NAMED_WHOLE_KEYS)))
    for text in ("towards the cost", "Toward", "the rest of it", "share Of", "paid  for", " from", " from x"):
        assert money._holds_any(text, money._NAMED_WHOLE_KEYS) == bool(plain.search(text))


@given(
    _text(
        ["of", " which", "many ", "some ", "x", "both ", "including", " £", " 5", "will", " go", " to", "-"]
    )
)
def test_summary_part_is_found_as_with_the_lookbehinds_first(text: str) -> None:
    plain = re.compile(
        r"(?<!many )(?<!some )(?<!most )(?<!all )(?<!both )\bof\s+which\b|\bincluding\s+[£€$\d]|"
        r"\bwill\s+go\s+(?:to|towards)\b"
    )
    assert [m.span() for m in summary._PART.finditer(text)] == [m.span() for m in plain.finditer(text)]


@given(st.lists(st.frozensets(st.sampled_from("abcdefgh"), max_size=6), max_size=10))
def test_summary_centrality_is_the_cosine_with_the_counts_of_the_others(
    stem_sets: list[frozenset[str]],
) -> None:
    found = [(f"s{i}", "", (), frozenset(), stems, 0, i) for i, stems in enumerate(stem_sets)]
    counts = Counter(chain.from_iterable(stem_sets))
    norm = math.sqrt(sum([n * n for n in counts.values()]))
    for candidate, stems in zip(summary._candidates(found), stem_sets, strict=True):
        shared = sum(map(counts.__getitem__, stems)) - len(stems)
        assert candidate.centrality == (shared / (math.sqrt(len(stems)) * norm) if shared else 0.0)


def _vocabulary(text: str) -> frozenset[str]:
    return frozenset(summary._tokens(text.lower()))


@given(
    _text(
        [
            "Press ",
            "office",
            " Home Office ",
            "media ",
            "enquiries",
            "tel",
            ": ",
            "www.",
            "https://",
            "e-mail",
            "via ",
            "getty",
            "©",
            "credit",
            "image",
            " ",
            "pa wire",
            "notes to editors",
            "x",
            "@a",
        ]
    )
)
def test_summary_chrome_test_gives_what_the_first_word_list_gave(text: str) -> None:
    first_words = summary._CHROME_WORDS | {"office", "enquiries"}

    def plain(sentence: str, lowered: str, vocabulary: frozenset[str]) -> bool:  # _is_candidate as it was
        if ("@" in sentence or "©" in sentence or not first_words.isdisjoint(vocabulary)) and (
            summary._CONTACT.search(lowered) or summary._CREDIT.search(lowered)
        ):
            return False
        if "0" in sentence and summary._PHONE.search(sentence):
            return False
        if not summary._SAY_WORDS.isdisjoint(vocabulary) and (
            ":" in sentence or summary._QUOTE_MARK.search(sentence)
        ):
            return not summary._ATTRIBUTION.search(lowered)
        return True

    for sentence in (text, "Press " + text, "The Home Office " + text):
        lowered, vocabulary = sentence.lower(), _vocabulary(sentence)
        assert summary._is_candidate(sentence, lowered, vocabulary) == plain(sentence, lowered, vocabulary)


@given(
    _text(
        [
            " was ",
            " were ",
            "set",
            " up",
            "created",
            "launched",
            "in ",
            "2019",
            "since ",
            "last ",
            "year",
            "already",
            "so far",
            "figures",
            " show",
            "the ",
            "x",
        ]
    )
)
def test_summary_background_needs_its_words(text: str) -> None:
    vocabulary = _vocabulary(text)
    gate = (
        not summary._BACKGROUND_WORDS.isdisjoint(vocabulary)
        or not summary._SET_UP_WORDS.isdisjoint(vocabulary)
        and not summary._WAS_WERE.isdisjoint(vocabulary)
        or ("19" in text or "20" in text)
        and not summary._YEAR_PREPOSITIONS.isdisjoint(vocabulary)
    )
    if not gate:
        assert not summary._BACKGROUND.search(" " + text.lower())


@given(
    _text(
        [
            "The money ",
            "will be ",
            "shared ",
            "spent ",
            "over ",
            "the next ",
            "2 ",
            "years",
            "a ",
            "an ",
            "year",
            "per ",
            "Week",
            "week\u212a",
            "\u00a0",
            "day",
            "today",
            "hour",
            "annually",
            "Yearly",
            "daily",
            "decade",
            "parliament",
            "month",
            "in 2024",
            " by 2030",
            "each ",
            "every ",
            ", ",
            "x",
        ],
        max_size=20,
    )
)
@settings(max_examples=400)
def test_money_duration_needs_a_unit_before_the_period_pattern_runs(text: str) -> None:
    def plain(start: int, end: int) -> str | None:  # duration_in without the unit test
        if money_context._GIVEN_OVER.isdisjoint(text[start:end].lower().split()):
            return None
        for match in money_context._PERIOD.finditer(text, start, end):
            given = text[max(start, match.start() - 60) : match.start()].lower().split()[-8:]
            if match[0].lower().startswith(money_context._DURATION_STARTS) and not (
                money_context._GIVEN_OVER.isdisjoint(given)
            ):
                return match[0]
        return None

    assert money_context.duration_in(text, 0, len(text)) == plain(0, len(text))
    assert money_context.duration_in(text, 3, len(text) - 2) == plain(3, len(text) - 2)
