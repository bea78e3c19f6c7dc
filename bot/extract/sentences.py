"""Split a paragraph into sentences, the unit that summaries (and quote spans) are made of.

Press releases are full of full stops that end nothing: "Mr Smith", "Dr. Jones", "No. 10", "e.g.",
"£3.6m", "2.5 per cent", "J. K. Rowling". A boundary is a run of . ! ? (with any closing quotation
marks or brackets after it) followed by whitespace and something that can start a sentence; it is
dropped when the word before it is a known abbreviation or an initial.

One regular expression finds candidate boundaries in a single linear pass (no nested quantifiers),
so megabytes of adversarial text cost milliseconds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# End punctuation, then closing quotes/brackets, then the whitespace that must follow.
# The lookbehind makes a match start only at the first mark of a run, and the possessive quantifiers never
# give back, so a megabyte of "?!?!" or of quotation marks is still one linear pass. The pattern opens with
# the mark itself (the lookbehind, checking that the mark before it is none, comes second) so that the engine
# skips ahead to the next mark instead of trying the lookbehind at every character: 3-4 times faster.
# A new sentence starts with a capital or digit, an opening quote or bracket, or a currency sign.
_CANDIDATE = re.compile(r"[.!?…](?<![.!?…]{2})[.!?…]*+[”’\"')\]]*+\s++(?=[A-Z0-9À-ÖØ-Þ“‘\"'(\[£€$•])")
# Words that take a full stop without ending a sentence (compared without the stop, lowercased).
_ABBREVIATIONS = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "mx",
        "dr",
        "prof",
        "st",
        "sr",
        "jr",
        "rev",
        "revd",
        "cllr",
        "sgt",
        "cpl",
        "capt",
        "col",
        "gen",
        "lt",
        "maj",
        "brig",
        "cdr",
        "insp",
        "supt",
        "det",
        "hon",
        "rt",
        "sen",
        "gov",
        "fr",
        "vs",
        "v",
        "cf",
        "approx",
        "est",
        "dept",
        "govt",
        "inc",
        "corp",
        "e.g",
        "i.e",
        "eg",
        "ie",
        "viz",
        "nb",
        "n.b",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    }
)
# Abbreviations that only stay attached before a number: "No. 10", "para. 4", "p. 12".
_ACRONYM = re.compile(r"(?:[A-Z]\.)+[A-Z]")
_LONGEST_WORD = 12
# Words that open a sentence far more often than they follow an acronym inside one.
_SENTENCE_OPENER = re.compile(
    r"(?:The|This|These|That|Those|It|Its|He|She|They|We|I|In|On|At|A|An|But|And|However|There|Our|His|Her)\b"
)
_BEFORE_NUMBER = frozenset({"no", "nos", "para", "paras", "p", "pp", "art", "fig", "vol", "ch", "op", "tel"})


def split_sentences(text: str) -> list[str]:
    """Sentences of `text`, stripped, in order; the closing quotation mark stays with its sentence."""
    return list(iter_sentences(text))


def iter_sentences(text: str) -> Iterator[str]:
    """The sentences of split_sentences, found one at a time: a reader that needs only the first few
    (the summariser) does not pay for splitting the rest of a long paragraph."""
    start = 0
    for match in _CANDIDATE.finditer(text):
        end = match.end()
        if _is_abbreviation(text, start, match.start(), end):
            continue
        sentence = text[start:end].strip()
        if sentence:
            yield sentence
        start = end
    rest = text[start:].strip()
    if rest:
        yield rest


def _is_abbreviation(text: str, start: int, stop: int, following: int) -> bool:
    """Whether the full stop at `stop` belongs to the word before it rather than ending a sentence.

    `start` is where the current sentence began, `following` where the next one would begin.
    """
    if text[stop] != ".":
        return False
    # Only the last few characters matter; looking no further keeps long unbroken runs linear.
    window = text[max(start, stop - _LONGEST_WORD) : stop]
    word = window.rsplit(maxsplit=1)[-1].lstrip("“‘\"'([") if window.strip() else ""
    lowered = word.lower()
    if lowered in _ABBREVIATIONS:
        return True
    if lowered in _BEFORE_NUMBER and text[following].isdigit():
        return True
    # An initial ("J. K. Rowling", "George W. Bush") or a dotted acronym ("U.S.", "a.m." is left alone
    # because it often does end a sentence).
    if len(word) == 1 and word.isupper():
        return True
    if "." in word and _ACRONYM.fullmatch(word):  # an acronym holds a stop: most words need no match
        # "the U.S. President" runs on; "in the U.K. The minister" ends at the acronym.
        return not _SENTENCE_OPENER.match(text, following)
    # A paragraph that opens with a list number: "1. FRANK is ...".
    return stop - start <= 4 and text[start:stop].strip().isdigit()
