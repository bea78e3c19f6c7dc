"""Who said what in a story: quotes with their speaker, role, exact words and starting block.

Press releases print quotes in a handful of layouts, all handled here:

* an attribution paragraph ("Minister for London Jo Johnson said:") followed by paragraphs with no
  quotation marks at all; nothing marks the end, so each following paragraph is judged by its voice
  (first person and opinion vs third-person narrative, "The IGU includes…", a new "Y said:", a heading);
* an HTML <blockquote> (`Block.blockquote`);
* quotation marks (curly, straight, doubled single ''…'', curly single ‘…’) around one paragraph or
  several, where each later paragraph reopens the mark and only the last one closes;
* inline attributions: “…,” said X / “…,” X said / X said: “…” / “…” X added / X said: Unmarked words;
* short attributed partial quotes ("Mrs Kelly said the money would address “a legacy of …”"), while
  scare quotes and titles in quotation marks (no speech verb, no speaker) are skipped.

Later references ("Mr Johnson", "the Minister", "She", "Sir Martin") resolve to the full name printed
earlier or listed in `Story.people`. All scanning is regex `finditer` over fixed character classes plus
linear passes over the marks found, so adversarial input costs time in proportion to its length.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from bot.extract.names import (
    HONORIFICS,
    ORG_WORDS,
    ROLE_WORDS,
    Speaker,
    name_runs,
    parse_attribution,
    strip_name,
    surname,
)
from bot.models import BlockKind, Quote, Story

log = logging.getLogger(__name__)

# Verbs that attribute words to a speaker. Past and present forms; "wishing" covers messages of goodwill.
_SPEECH_VERBS = (
    "said|says|say|added|adds|continued|continues|concluded|concludes|explained|explains|commented|comments|"
    "stated|states|urged|urges|warned|warns|told|tells|remarked|noted|insisted|declared|announced|"
    "emphasised|emphasized|stressed|spoke|replied|responded|wrote|writes|acknowledged|"
    "admitted|argued|reflected|described|describes|wishing|wished|pledged|promised|claimed|confirmed|"
    "revealed|highlighted|welcomed|praised|saying|observed|tweeted"
)

_Tree = dict[str, "_Tree"]


def _word_tree(words: list[str]) -> str:
    """An alternation of `words` nested by shared prefixes: "a(?:dd(?:ed|s)|rgued)" for "added|adds|argued".

    It matches what the flat alternation matches, but the regex engine tries one branch per letter
    instead of every word at each word start: about 40% less time scanning a paragraph.
    """
    tree: _Tree = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here

    def emit(node: _Tree) -> str:
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" not in node:
            return body
        return body + "?" if len(branches) > 1 else "(?:" + body + ")?"

    return emit(tree)


# Whole words only, so no two verbs can match at one place and the nesting changes no match.
_VERB = re.compile(r"\b" + _word_tree(_SPEECH_VERBS.split("|")) + r"\b")
_LONGEST_VERB = max(len(verb) for verb in _SPEECH_VERBS.split("|"))
# An attribution that ends a paragraph and introduces what follows: "... said:" / "... said today".
# A verdict quoted as a phrase right after the verb and a few words: "called the plans “…”".
_JUDGEMENT = re.compile(
    r"\b(?:called|branded|labelled|labeled|dubbed|hailed|described|welcomed|praised)\b"
    r"(?![ ](?:for|on|upon|in)\b)[^.!?:;“”\"‘]{0,60}$"
)
_JUDGEMENT_SPAN = 100
_INTRO_TAIL = re.compile(
    r"\b(?:said|says|added|adds|continued|continues|commented|comments|explained|stated)"
    r"(?:[ ](?:today|yesterday|also|this[ ]\w+))?[ ]?[:,.]?$"
)
_VERB_AT_END = re.compile(r"\b(?:" + _SPEECH_VERBS + r")(?:[ ][\w’']+){0,3}:$")
# Quotation marks: curly and straight doubles, doubled singles, curly singles (’ is also the apostrophe).
# What may follow a speech verb after the speaker without being part of the name: the occasion or audience.
_OCCASION = re.compile(r"[ ,]+(?:during|while|when|after|before|at|on|in|speaking|following)\b.*$")
_AUDIENCE = re.compile(
    r"(?<=told)[ ][\w ’'&-]+$|[ ](?:during|while|at|on|in|speaking|following|after|before)[ ][\w ’'&,-]+$"
)
# Words after a closing mark that carry the sentence on from a partial quote (pronouns: "” he said").
_LINKING = frozenset(
    [
        "he",
        "she",
        "they",
        "we",
        "it",
        "for",
        "to",
        "of",
        "in",
        "on",
        "at",
        "with",
        "and",
        "or",
        "but",
        "as",
        "by",
        "from",
        "that",
        "which",
        "who",
        "than",
        "when",
        "while",
        "because",
        "if",
        "into",
        "across",
        "over",
        "under",
        "after",
        "before",
        "since",
        "until",
        "so",
    ]
)
_RUN_ON = re.compile(r"[ ]+([a-z]+)")
# A quotation mark, a doubled single mark ('') taken as one. The pattern opens with the character class and
# takes a second straight single mark only after a first, the same matches as "''|[“”\"‘’']": the engine
# then skips ahead to the next mark instead of trying an alternation at every character (half the time).
_MARK = re.compile(r"[“”\"‘’'](?:(?<=')')?")
_SENTENCE_END = re.compile(r"[.!?][”’\"']*(?:\s+|$)")
_ALNUM = re.compile(r"[^\W_]")
_WORD = re.compile(r"[\w’'-]+")
# Voice of an unmarked paragraph: first person is the speaker's; "said" and descriptions are the writer's.
# Contractions need no listing: "I’m" and "We’re" start with the word "I" / "We" before the apostrophe.
# "Grade I listed", "Phase I", "World War I": a Roman numeral, not the speaker.
_NUMERAL_I = "".join(
    f"(?<!{word} I)"
    for word in ("Grade", "Phase", "Part", "Stage", "Class", "Category", "Type", "Tier", "War")
)
# I, me, my, myself, we, us, our(s), ourselves, let’s as whole words. Each pattern opens with the words'
# first letters and then checks, looking back over that letter, that a word starts there (what \b would
# check) and which word it begins: the engine skips to the next such letter instead of trying every
# character, two to three times faster over a paragraph.
_FIRST_PERSON = re.compile(
    r"[ILlmOouWw](?<!\w.)(?:(?<=I)" + _NUMERAL_I + r"|(?<=m)(?:e|y|yself)|(?<=[Ww])e|(?<=u)s"
    r"|(?<=[Oo])(?:urs?|urselves)|(?<=[Ll])et’s)\b"
)
# A department writes "we" and "our" in its own narrative; only a person says "I".
_SINGULAR_FIRST_PERSON = re.compile(r"[Im](?<!\w.)(?:(?<=I)" + _NUMERAL_I + r"|(?<=m)(?:e|y|yself))\b")
# "The pier, which opened in 1869, is ...", "The hubs will work with more than 100 partners": a thing
# described in the third person with figures or its history is the writer's, whatever words it uses.
# "Dealers who sell …", "Among this year's winners …": third parties described by the writer.
_DEFINITE_SUBJECT = re.compile(r"^(?:The|Among|All[ ]the|Each[ ]of)[ ]|^[A-Z][a-z]+s[ ]who[ ]")
_FACTUAL = re.compile(
    r"\d|\b(?:was|were|opened|built|founded|established|began|closed|launched|created|set[ ]up)\b"
    r"|,[ ]who[ ]|\b(?:this|next|last|each|every)[ ]year\b|^[A-Z][a-z]+s[ ]who[ ]"
)
_OPINION_WORDS = ("need to", "vital", "important", "delighted", "pleased", "proud", "great", "ridiculous", "seems",
                  "hope", "believe", "determined", "fantastic", "welcome", "excited", "encourage", "urge",
                  "look forward", "thank", "committed", "fascinating")  # fmt: skip
_OPINION = re.compile(r"\b(?:" + "|".join(_OPINION_WORDS) + r")\b", re.IGNORECASE)
# Letters that match an ASCII letter of a pattern that ignores case although lower() does not give it.
_UNLOWERED = ("İ", "ı", "ſ")
_CONNECTIVE_START = re.compile(
    # "So-called ‘cash for scrap’ deals …" opens narrative: the connective is a whole word before a space.
    r"^(?:This|That|These|Those|It|It’s|It's|But|And|So|However|Also|Today’s|Yet)(?=[ ,])"
)
_REPORTING_WORDS = ("said", "says", "added", "announced", "explained", "according to")
_REPORTING = re.compile(r"\b(?:" + "|".join(_REPORTING_WORDS) + r")\b")
# Description and signposting are the writer's. Each pattern comes with strings one of which every match
# holds: most paragraphs hold none, and those `in` tests cost a fraction of the pattern's scan.
_DESCRIBED_AS = ("used", "invested", "led", "made", "funded", "run", "based", "chaired", "managed", "published",
                 "appointed", "set up", "established", "created", "awarded", "delivered", "provided")  # fmt: skip
_POINTERS = ("can be found", "find out more", "apply for", "is available", "are available")
_PLACED = ("follows", "followed", "is part of", "are part of", "comes as")
_DESCRIPTIVE: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (
        re.compile(r"\b(?:is|are|was|were|be|been)[ ](?:\w+[ ])?(?:" + "|".join(_DESCRIBED_AS) + r")\b"),
        _DESCRIBED_AS,
    ),
    (re.compile(r"\w[ ](?:includes|include|included)\b"), (" includ",)),
    (re.compile(r"GOV\.UK"), ("GOV.UK",)),
    (re.compile(r"\b(?:" + "|".join(_POINTERS) + r")\b"), _POINTERS),
    (re.compile(r"\b(?:was|were)[ ]\w+ed[ ]by\b"), ("ed by",)),
    (re.compile(r"\b(?:" + "|".join(_PLACED) + r")\b"), _PLACED),
)
_DATE_START = re.compile(
    r"^(?:In|On|By|Since|From|Last|Earlier|Between)[ ](?:\d|January|February|March|April|May|June|July|"
    r"August|September|October|November|December|week|month|year)"
)
_STOP_START = re.compile(
    r"^(?:notes? to editors|ends\b|background\b|further (?:details|information)|for (?:more|further) "
    r"information|more information|find out more|read (?:more|the)|see also|contact\b|https?:|www\.)",
    re.IGNORECASE,
)
_TERMINAL = frozenset(".!?…:;”’\"')")  # what a paragraph's last visible character is when it ends a sentence
_PLAIN_HONORIFICS = frozenset(("Mr", "Mrs", "Ms", "Miss", "Mx"))  # dropped once the full name is known
_MIN_QUOTE_WORDS = 4  # a quoted phrase shorter than this needs an attribution in its own sentence
_MIN_UNNAMED_WORDS = 8  # a spokesperson's partial quote is too weak to tell from a scare quote
_MAX_RESUME_GAP = 2  # narrative paragraphs a quotation-marked quote may resume after
_MAX_CHAIN = 40  # paragraphs in one quote: a runaway guard for texts that never close a mark
# Prose paragraphs are a few thousand characters with a handful of marks; past these limits a block is
# not prose, and scanning on would only let crafted input cost time.
_MAX_SCAN = 20_000
_MIN_ECHO_WORDS = 4
_WORD_CHARS = re.compile(r"\w+")
_SPOKESPEOPLE = frozenset(("spokesperson", "spokesman", "spokeswoman"))
# A run of capitalised words, with "of"/"for"/"and"/"the" inside it: "National Residential Landlords Association".
_TITLE_CASE_RUN = re.compile(r"[A-Z][\w’'&-]*(?:\s+(?:(?:of|for|and|the|on)\s+)?[A-Z][\w’'&-]*)*")
_NOT_BODIES = frozenset(("UK", "HM", "The UK"))  # a country is not a body with a spokesperson
_SPOKE = re.compile(r"\s+(?:has\s+|have\s+)?(?:said|says|added|warned|told|welcomed|responded|argued)\b")
_MAX_MARKS = 400
_MAX_QUOTES = 200
_INTRO_VERB_SPAN = 120  # characters between an introduction's last speech verb and its colon, at most
_SENTENCE_SPAN = 1_000  # characters of an unpunctuated last sentence read to judge its voice
_ATTRIBUTION_SPAN = 600  # characters before a quote or colon that can hold its attribution
TITLE_INDEX = -2  # Quote.block_index of a headline quote (the money extractor's convention too)
DESCRIPTION_INDEX = -1
_MAX_BLOCKS = 2_000  # press releases have tens of paragraphs; a longer text is searched this far


class _Span(NamedTuple):
    """A quoted stretch of one block: content is text[start:end]. (A named tuple: as immutable as a frozen
    dataclass and several times cheaper to build, which every quotation mark pays.)"""

    open_at: int  # where the opening mark starts (== start when there was none)
    start: int
    end: int
    close_end: int  # just after the closing mark
    opened: bool
    closed: bool


@dataclass(slots=True)
class _Found:
    speaker: Speaker | None
    texts: list[str]
    block_index: int
    unmarked: bool = False  # words after "X said:" with no quotation marks


def extract_quotes(story: Story) -> tuple[Quote, ...]:
    """All quotes in the story, in reading order.

    A quote in the title has block_index TITLE_INDEX (-2), one in a standfirst that is not a block
    DESCRIPTION_INDEX (-1), as for money figures.
    """
    return _Extractor(story).run()


class _Extractor:
    def __init__(self, story: Story) -> None:
        self.story = story
        self.blocks = story.blocks[:_MAX_BLOCKS]
        # Only paragraphs outside a blockquote are read for their marks: headings, list items and
        # blockquotes are judged whole, so their marks are not looked for.
        self.spans = [
            _spans(b.text) if b.kind is BlockKind.PARAGRAPH and not b.blockquote else [] for b in self.blocks
        ]
        self.found: list[tuple[_Found, tuple[str, str | None]]] = []
        self.resolver = _Resolver(story)
        self._intros: dict[int, Speaker | None] = {}  # _intro_speaker of the blocks read so far
        self._unattributed: list[tuple[int, str]] = []  # headline quotes the headline names no speaker for

    # --- the walk over the blocks ------------------------------------------------------------

    def run(self) -> tuple[Quote, ...]:
        self._headlines()
        blocks = self.blocks
        pending: Speaker | None = None  # an attribution waiting for the paragraph it introduces
        last_unmarked_end = -10  # last block of the latest unmarked quote, for a quote that resumes
        i = 0
        while i < len(blocks) and len(self.found) < _MAX_QUOTES:
            block = blocks[i]
            if block.blockquote:
                j = i
                while j < len(blocks) and blocks[j].blockquote:
                    j += 1
                texts = [b.text for b in blocks[i:j]]
                signed = self._signature(j)
                speaker = pending or signed or self._adjacent_speaker(i)
                self._emit(_Found(speaker, _strip_marks(texts), i))
                pending, i = None, j + (1 if signed and not pending else 0)
                continue
            if block.kind is not BlockKind.PARAGRAPH:
                # A short "Jane Doe said" line without a colon reads as a heading to the text parser.
                pending = _intro_speaker(block.text) if block.kind is BlockKind.HEADING else None
                i += 1
                continue
            consumed = 0
            if pending is not None:
                introduced = self._introduced(i, pending)
                pending = None
                if introduced is not None:
                    i, consumed, unmarked = introduced
                    if unmarked:
                        last_unmarked_end = i
                    if consumed < 0:
                        i += 1
                        continue
            next_i, pending, unmarked_end = self._inline(i, consumed)
            if unmarked_end is not None:
                last_unmarked_end = unmarked_end
                i = unmarked_end + 1
                continue
            if next_i == i and pending is None and i == last_unmarked_end + 2 and self._resumes(i):
                # The quote resumes after one narrative paragraph, with no new "said:".
                speaker = self._last_speaker()
                if speaker is not None:
                    last_unmarked_end = self._unmarked_chain(i, [blocks[i].text], speaker, i)
                    i = last_unmarked_end + 1
                    continue
            i = next_i + 1
        self._echoed_headlines()
        self._reresolve_headlines()
        return tuple(
            Quote(
                speaker=name,
                role=_tidy_role(role),
                text=_tidy("\n\n".join(f.texts)),
                block_index=f.block_index,
            )
            for f, (name, role) in self.found
        )

    def _signature(self, j: int) -> Speaker | None:
        """ "– Jane Smith, chief executive" right after a blockquote: who the quote was from."""
        if j >= len(self.blocks):
            return None
        text = self.blocks[j].text.strip()
        if text[:1] not in "–—-" or len(text) > 200:
            return None
        speaker = parse_attribution(text[1:])
        return speaker if speaker is not None and speaker.kind == "name" else None

    def _introduced(self, i: int, pending: Speaker) -> tuple[int, int, bool] | None:
        """The quote that block i starts after an attribution paragraph ("X said:").

        Returns (block where it ended, offset there to read on from or -1 when the block is used up,
        whether it was unmarked), or None when block i quotes nothing (it is another attribution).
        """
        block = self.blocks[i]
        spans = self.spans[i]
        first = spans[0] if spans else None
        marked = (
            first is not None
            and first.opened
            and block.text[: first.open_at].strip() == ""
            # "‘Levelling up’ is at the heart of what we do": a quoted phrase can open an unmarked quote.
            and not _quoted_term(block.text, first)
        )
        if first is not None and marked:
            texts, last, span = self._marked_chain(i, first)
            if span is None:
                # Opened and never closed: the later paragraphs were printed without their marks (“I am
                # delighted … / The evidence is clear …), so they join while they sound like the speaker.
                return self._unmarked_chain(last, texts, pending, i), -1, True
            self._emit(_Found(pending, texts, i))
            return last, span.close_end, False
        if self._intro(i) is not None:
            return None  # two introductions in a row: the first one quoted nothing
        intro = self.blocks[i - 1].text.rstrip()
        if intro.endswith(":") and not _verb_at_end(intro):
            # "said he was delighted to welcome the funding:" may introduce a quotation-marked quote,
            # but unmarked words after it are the writer's.
            return None
        return self._unmarked_chain(i, [block.text], pending, i), -1, True

    def _resumes(self, i: int) -> bool:
        """Block i reads as the last speaker talking again: "I ..." and no reporting verb."""
        text = self.blocks[i].text
        return (
            not self.spans[i]
            and self.blocks[i - 1].kind is BlockKind.PARAGRAPH
            and bool(_SINGULAR_FIRST_PERSON.search(text))
            and _voice(text, None) >= 3
            and not _reports(text)
        )

    def _inline(self, i: int, consumed: int) -> tuple[int, Speaker | None, int | None]:
        """Quotes that start inside block i (after `consumed`); returns (last block used, pending
        attribution for the next block, last block of an unmarked inline quote or None)."""
        while True:
            i, pending, unmarked_end, resume_at = self._inline_once(i, consumed)
            if resume_at is None or len(self.found) >= _MAX_QUOTES:
                return i, pending, unmarked_end
            consumed = resume_at  # a quote closed inside block i: more may follow in the same block

    def _inline_once(self, i: int, consumed: int) -> tuple[int, Speaker | None, int | None, int | None]:
        text = self.blocks[i].text
        paragraph_speaker: Speaker | None = None
        floor = consumed  # a sentence never reaches back past the previous quote: keeps this linear
        for span in self.spans[i]:
            if span.open_at < consumed:
                continue
            previous_end, floor = floor, span.close_end
            if not span.opened:
                continue  # a stray closing mark
            sent_start = _sentence_start(text, span.open_at, previous_end)
            before = text[sent_start : span.open_at]
            after = _clause_after(text, span.close_end) if span.closed and not _runs_on(text, span) else ""
            attributed = _attribution_before(before) or _attribution_after(after)
            # "The Prison Reform Trust called the plans “a step in the right direction”."
            judged = _judgement_before(before) if before.strip() else None
            attributed = attributed or judged
            speaker = attributed or paragraph_speaker
            continues = False  # the paragraph goes on with an unmarked quote that ended just before it
            if speaker is None and not span.closed:
                # “First paragraph … / “Last paragraph,” said X: the attribution follows the closing mark.
                speaker = self._attribution_at_close(i, span)
            if speaker is None and span.open_at == 0 and _words(text[span.start : span.end]) >= 8:
                speaker = self._adjacent_speaker(i)
                continues = speaker is not None and self._continues_unmarked(i)
                # Speech with no attribution: first person, or paragraphs that each reopen the mark.
                if speaker is None and (
                    _FIRST_PERSON.search(text[span.start : span.end])
                    or not span.closed
                    and self._marked_chain(i, span, first_at=span.start)[1] > i
                ):
                    # "Before the meeting the PM said they would …" just before: the one reported speaking.
                    # Else, before any other quote, a story that names one person quotes them; after one, a
                    # speaker other than the last (who was ruled out above) may have taken over.
                    speaker = self._reported_before(i)
                    if speaker is None:
                        sole = None if self.found else self.resolver.sole_person()
                        speaker = Speaker(sole, None, "name") if sole else Speaker("", None, "unnamed")
            if speaker is None or _names_a_thing(text[span.start : span.end]) or _SO_CALLED.search(before):
                continue  # not speech: a code, a title, a so-called ‘term’ or the word ‘flushable’
            words = _words(text[span.start : span.end])
            if words < _MIN_QUOTE_WORDS and not attributed:
                continue
            partial = bool(before.strip()) and not before.rstrip().endswith((":", ","))
            if partial and words < _MIN_UNNAMED_WORDS and speaker.kind == "unnamed" and not judged:
                continue  # "moving away from ‘postcode’ groups, officials said": not anyone's words
            paragraph_speaker = speaker
            if not span.closed:
                texts, last, end_span = self._marked_chain(i, span, first_at=span.start)
                self._emit_or_join(_Found(speaker, texts, i), continues, text[span.open_at : span.start])
                if last != i:
                    return last, None, None, end_span.close_end if end_span is not None else None
                consumed = len(text)
                break
            found = _Found(speaker, [text[span.start : span.end]], i)
            self._emit_or_join(found, continues, text[span.open_at : span.start])
            consumed = span.close_end
        rest = text[consumed:]
        # "X said: Every worker ..." with no quotation marks: the words after the colon are the quote.
        colon = rest.find(": ")
        if colon > 0 and not self.spans[i][-1:] or colon > 0 and consumed >= self.spans[i][-1].close_end:
            head, words = rest[: colon + 1], rest[colon + 2 :].strip()
            # Only right after the verb: "said there were three priorities: Housing ..." is reported speech.
            if words and words[0].isupper() and _words(words) >= 6 and _verb_at_end(head):
                speaker = _intro_speaker(head)
                if speaker is not None:
                    start = consumed + colon + 2
                    first = _until_narrative(text[start:].strip())
                    if len(first) < len(text[start:].strip()):
                        # Narrative resumed inside the paragraph: the quote ends there.
                        self._emit(_Found(speaker, [first], i))
                        return i, None, i, None
                    return i, None, self._unmarked_chain(i, [first], speaker, i), None
        if rest.strip():
            # A chain of unmarked paragraphs that stopped here has read this paragraph's introduction already.
            speaker = self._intros[i] if consumed == 0 and i in self._intros else _intro_speaker(rest)
            if speaker is not None:
                return i, speaker, None, None
        return i, None, None, None

    def _attribution_at_close(self, i: int, span: _Span) -> Speaker | None:
        """The speaker named after the mark that closes a quote opened in block i, in a later block."""
        _, last, end_span = self._marked_chain(i, span, first_at=span.start)
        if end_span is None or last == i:
            return None
        return _attribution_after(_clause_after(self.blocks[last].text, end_span.close_end))

    def _headlines(self) -> None:
        """Quotes in the title (“Whole country behind Paralympic team” – Prime Minister Gordon Brown)
        and in a standfirst that is not also the first block (Content API items)."""
        story = self.story
        texts = [(TITLE_INDEX, story.title)]
        if story.description and (not story.blocks or story.blocks[0].text != story.description):
            texts.append((DESCRIPTION_INDEX, story.description))
        for index, text in texts:
            text = text[:_MAX_SCAN]
            for span in _spans(text):
                if not (span.opened and span.closed):
                    continue
                before = text[_sentence_start(text, span.open_at, 0) : span.open_at]
                after = _clause_after(text, span.close_end)
                speaker = _attribution_before(before) or _attribution_after(after, dash=True)
                if speaker is None and before.endswith(": ") and not text[span.close_end :].strip(" .!?"):
                    # "Health Secretary: ‘We will get patients seen faster’": the headline gives the
                    # speaker, a colon, then nothing but their words.
                    speaker = parse_attribution(before[:-2])
                if speaker is not None and speaker.kind != "unnamed":
                    self._emit(_Found(speaker, [text[span.start : span.end]], index))
                elif speaker is None:
                    self._unattributed.append((index, text[span.start : span.end]))

    def _echoed_headlines(self) -> None:
        """ "‘A landmark day for patients’: new cancer centre opens" names no speaker, but the body quotes
        someone saying those words: the headline quote is theirs. A phrase of fewer than
        _MIN_ECHO_WORDS words is more likely a title or slogan ("“Brilliantly British” celebrations")."""
        for index, words in self._unattributed:
            key = _comparable(words)
            if len(key.split()) < _MIN_ECHO_WORDS:
                continue
            for found, resolved in self.found:
                if found.block_index >= 0 and key in _comparable(" ".join(found.texts)):
                    self.found.insert(0, (_Found(found.speaker, [words], index), resolved))
                    break

    def _reresolve_headlines(self) -> None:
        """ "PM: ‘…’" in a headline is read before the body says who the Prime Minister is: once the
        body is read, a title left unresolved goes to the person who turned out to hold it."""
        for k, (found, resolved) in enumerate(self.found):
            speaker = found.speaker
            if found.block_index >= 0 or speaker is None or speaker.kind != "reference":
                continue
            name, role = self.resolver.resolve(speaker, 0)
            title = self.resolver.title_key(speaker.name)
            held = (_tidy_role(role) or "").lower()
            if name != resolved[0] and all(word in held for word in title.split()):
                self.found[k] = (found, (name, role))

    def _intro(self, i: int) -> Speaker | None:
        """_intro_speaker of block i, remembered: a "said:" paragraph that ends a quote is read by the
        chain that stops there and again when the walk reaches it."""
        if i in self._intros:
            return self._intros[i]
        speaker = self._intros[i] = _intro_speaker(self.blocks[i].text)
        return speaker

    # --- chains of paragraphs -------------------------------------------------------------------

    def _marked_chain(
        self, i: int, span: _Span, first_at: int | None = None
    ) -> tuple[list[str], int, _Span | None]:
        """Follow a quote whose mark opens in block i through later paragraphs that reopen it.

        Returns the paragraph texts, the last block used and the span that closed it (None if none did).
        """
        text = self.blocks[i].text
        if span.closed:
            return [text[span.start : span.end]], i, span
        texts = [text[first_at if first_at is not None else span.start :]]
        j = i + 1
        while j < len(self.blocks) and j - i < _MAX_CHAIN:
            block = self.blocks[j]
            if block.kind is not BlockKind.PARAGRAPH or block.blockquote:
                break
            spans = self.spans[j]
            if not spans:
                break
            first = spans[0]
            if first.opened and first.open_at == 0 and _quoted_term(block.text, first):
                break  # "“Zombie knives” are now banned …": narrative opening with a quoted term
            if first.opened and first.open_at == 0:
                if first.closed:
                    texts.append(block.text[: first.end])
                    return texts, j, first
                texts.append(block.text)
            elif not first.opened and first.closed:
                texts.append(block.text[: first.end])  # closes a quote opened in an earlier paragraph
                return texts, j, first
            else:
                break
            j += 1
        return texts, j - 1, None

    def _unmarked_chain(self, i: int, texts: list[str], speaker: Speaker, index: int) -> int:
        """Take paragraphs after block i (which ends `texts`) while they sound like the speaker; emit; return
        the last block.

        A paragraph in the speaker's voice (first person, opinion) joins the quote; narrative ends it. A
        neutral one joins only if the speaker's voice comes back after it, or the next paragraph
        introduces another speaker (press releases rarely put narrative between two quotes).
        """
        name, _ = self.resolver.resolve(speaker, index)
        given = len(texts)  # the paragraphs up to block i already in the quote
        tentative: list[str] = []
        j = i + 1
        while j < len(self.blocks) and j - i < _MAX_CHAIN:
            block = self.blocks[j]
            if block.kind is not BlockKind.PARAGRAPH or block.blockquote:
                tentative = []
                break
            text = block.text
            spans = self.spans[j]
            if (spans and spans[0].opened and spans[0].open_at == 0) or self._intro(j) is not None:
                # The next quote starts: what came before it was still this one, unless that quote names its
                # speaker after it ("“We will pursue every penny,” Ms Pryce added"), as a quote that
                # follows narrative does.
                if not (
                    spans and spans[0].closed and _attribution_after(_clause_after(text, spans[0].close_end))
                ):
                    texts.extend(tentative)
                tentative = []
                break
            last = text.rstrip()[-1:]
            if _STOP_START.match(text) or last not in _TERMINAL or last == ":":
                tentative = []
                break
            if _quotes_someone(text, spans):
                tentative = []  # "X welcomed it. Its chief executive Y said: ‘…’": narrative again
                break
            voice = _voice(text, name)
            if voice < 0:
                tentative = []
                break
            tentative.append(text)
            if voice > 0:
                texts.extend(tentative)
                tentative = []
            j += 1
            if spans and not spans[0].opened and spans[0].end >= len(text.rstrip()) - 1:
                texts.extend(tentative)  # a closing mark with no opening one ends the quote here
                break
        self._emit(_Found(speaker, [_strip_unmatched_close(t) for t in texts], index, unmarked=True))
        return i + len(texts) - given

    # --- speakers -------------------------------------------------------------------------------

    def _emit(self, found: _Found) -> None:
        if len(self.found) >= _MAX_QUOTES or not any(_ALNUM.search(text) for text in found.texts):
            return  # marks or punctuation alone say nothing
        while not found.texts[0].strip():  # a mark that opened at the very end of its paragraph
            found.texts.pop(0)
            found.block_index += 1
        if found.speaker is None:
            found.speaker = Speaker("", None, "unnamed")
        resolved = self.resolver.resolve(found.speaker, found.block_index)
        self.resolver.spoke(resolved)
        self.found.append((found, resolved))

    def _continues_unmarked(self, i: int) -> bool:
        """The latest quote is unmarked words after "X said:" that ran up to block i."""
        if not self.found:
            return False
        last = self.found[-1][0]
        return last.unmarked and last.block_index + len(last.texts) == i

    def _emit_or_join(self, found: _Found, joins: bool, mark: str) -> None:
        """ "X said:" / I am delighted … / “We have listened …”: a quoted paragraph with no attribution of
        its own right after an unmarked quote goes on with it, as one entry; its opening mark is kept as
        for any later paragraph of a quote."""
        if not joins:
            self._emit(found)
            return
        texts = list(found.texts)
        texts[0] = mark + texts[0]
        self.found[-1][0].texts.extend(texts)

    def _last_speaker(self) -> Speaker | None:
        if not self.found:
            return None
        name, role = self.found[-1][1]
        return Speaker(name, role, "name") if name else None

    def _reported_before(self, i: int) -> Speaker | None:
        """Who the paragraph before block i, quoting no one, opens by reporting speaking ("Before the meeting
        the PM said they would also discuss …")."""
        if i == 0 or self.blocks[i - 1].kind is not BlockKind.PARAGRAPH or self.spans[i - 1]:
            return None
        speaker = _reporter(self.blocks[i - 1].text)
        return speaker if speaker is not None and speaker.kind in ("name", "reference") else None

    def _adjacent_speaker(self, i: int) -> Speaker | None:
        """The speaker of a quote that ended just before block i, or before a narrative paragraph or
        two that name no other speaker (the quote resumes with no new "said")."""
        if not self.found or self.found[-1][0].block_index < 0:
            return None
        found, (name, role) = self.found[-1]
        end = found.block_index + len(found.texts) - 1
        if not name or end < i - 1 - _MAX_RESUME_GAP:
            return None
        for j in range(max(end + 1, 0), i):
            block = self.blocks[j]
            if (
                block.kind is not BlockKind.PARAGRAPH
                or block.blockquote
                or self.spans[j]
                or _reports(block.text)
                or _VERB.search(block.text)
            ):
                return None
        return Speaker(name, role, "name")


def _reporter(paragraph: str) -> Speaker | None:
    """Who a paragraph opens by reporting speaking: the words before its first speech verb ("The Minister
    said that …", "Before the meeting the PM said …")."""
    verb = _VERB.search(paragraph, 0, _ATTRIBUTION_SPAN)
    return parse_attribution(paragraph[: verb.start()]) if verb else None


_PASSIVE_AFTER = re.compile(r"\s+(?:to|by|at|in|into|on)\b")
_Mention = tuple[int, str, str | None]  # (block index, name, role) of a person named in the story
_SEXED_PRONOUNS = {"he": "she", "she": "he"}  # each with the other
_MOST_WORDS_SCANNED = 32  # words the resolver looks for text by text before it reads every name instead


class _Resolver:
    """Turns "Mrs Kelly", "the Minister", "She" into the full name printed elsewhere in the story."""

    def __init__(self, story: Story) -> None:
        self.story = story
        self.people = [(strip_name(p.name), p.role) for p in story.people if p.name.strip()]
        self.spoken: list[tuple[str, str | None]] = []
        # Mentions are found text by text, only in the texts a reader needs (name_runs is the costliest scan
        # here): _texts are the (block, text) pairs in reading order, _runs[k] the mentions in _texts[k] once
        # read, _all every mention once a reader has needed them all. Most stories need none.
        self._text_list: list[tuple[int, str]] | None = None
        self._runs: dict[int, list[_Mention]] = {}
        self._all: list[_Mention] | None = None
        self._looked_for: set[str] = set()  # words _mentions_naming has been asked for
        self._title_names: list[str] | None = None
        self._titles: dict[str, tuple[int, str]] | None = None
        self._roles: dict[str, str | None] = {}  # name -> _printed_role(name)
        self._judged: set[str] = set()  # names _reported_title has looked at
        self._reported_titles: dict[str, str] = {}  # "minister" -> first "the X Minister"
        self._pronouns: dict[str, str] = {}  # name -> "he" or "she", as the story first called them

    @property
    def title_names(self) -> list[str]:
        if self._title_names is None:
            self._title_names = [name for _, name, _ in name_runs(self.story.title)]
        return self._title_names

    @property
    def title_speakers(self) -> list[str]:
        """People a headline presents as speaking: "..., says Gordon Brown", "“…” – Gordon Brown"."""
        title = self.story.title
        # "X welcomed to Downing Street" says nobody spoke: a verb followed by "to", "by"… is passive.
        speaking = (
            any(not _PASSIVE_AFTER.match(title, verb.end()) for verb in _VERB.finditer(title))
            or "–" in title
            or "—" in title
            or ": " in title
        )
        return self.title_names if speaking else []

    @property
    def mentions(self) -> list[_Mention]:
        """(block, name, role) of every person named in the story; found only when a reference needs it."""
        if self._all is None:
            self._all = [mention for k in range(len(self._texts)) for mention in self._mentions_in(k)]
        return self._all

    def _mentions_naming(self, word: str) -> Iterator[_Mention]:
        """In story order, mentions that include every mention with `word` among the words of its name
        (callers pick theirs out of them).

        Those are in the texts that print `word` (a name is made of words printed in its text), and a
        text without it need not be read; reading stops where the caller stops (a speaker's title is
        usually in the paragraph that introduced them, near the top). Once every name has been read, or
        when many speakers are looked for (a long story quoting dozens of people would have its texts
        scanned again for each), all the mentions are given instead.
        """
        self._looked_for.add(word)
        if self._all is not None or len(self._looked_for) > _MOST_WORDS_SCANNED:
            yield from self.mentions
            return
        for k, (_, text) in enumerate(self._texts):
            if word in text:
                yield from self._mentions_in(k)

    def _mentions_through(self, index: int) -> list[_Mention]:
        """The mentions in the standfirst and in blocks up to `index`, reading no later block."""
        return [
            mention
            for k, (block_index, _) in enumerate(self._texts)
            if block_index <= index
            for mention in self._mentions_in(k)
        ]

    def _mentions_in(self, k: int) -> list[_Mention]:
        mentions = self._runs.get(k)
        if mentions is None:
            index, text = self._texts[k]
            mentions = self._runs[k] = [(index, name, role) for _, name, role in name_runs(text)]
        return mentions

    @property
    def _texts(self) -> list[tuple[int, str]]:
        if self._text_list is None:
            self._text_list = self._story_texts()
        return self._text_list

    def _story_texts(self) -> list[tuple[int, str]]:
        story = self.story
        texts = [(index, block.text[:_MAX_SCAN]) for index, block in enumerate(story.blocks[:_MAX_BLOCKS])]
        if story.description and (not story.blocks or story.blocks[0].text != story.description):
            # The standfirst often introduces the speaker ("Education Secretary Ruth Kelly has ...").
            texts.insert(0, (-1, story.description))
        return texts

    def spoke(self, resolved: tuple[str, str | None]) -> None:
        if resolved[0]:
            self.spoken.append(resolved)

    def sole_person(self) -> str | None:
        """The one person the story (or its source's list of people) names, if it names exactly one."""
        names = {name for _, name, _ in self.mentions} | {name for name, _ in self.people}
        return names.pop() if len(names) == 1 else None

    def resolve(self, speaker: Speaker, index: int) -> tuple[str, str | None]:
        if speaker.kind == "name":
            return self._complete(speaker.name, speaker.role, index)
        if speaker.kind == "pronoun":
            resolved = self._pronoun(speaker.name, index)
            if resolved[0] and speaker.name in _SEXED_PRONOUNS:
                self._pronouns.setdefault(resolved[0], speaker.name)
            return resolved
        if speaker.kind == "reference":
            return self._reference(speaker.name, index)
        if speaker.name.lower() in _SPOKESPEOPLE and (body := self._body_speaking(index)) is not None:
            return f"{body} {speaker.name.lower()}", speaker.role
        return speaker.name, speaker.role

    def _pronoun(self, pronoun: str, index: int) -> tuple[str, str | None]:
        subject = self._named_before_quote(index, pronoun)
        if subject is not None:
            return self._complete(*subject, index)
        if (reference := self._reference_before_quote(index)) is not None:
            return self._reference(reference, index)
        # The last speaker, unless the story has called them by the other pronoun ("He said: …" then "“…,”
        # she said."): then the last person named who may be meant.
        other = _SEXED_PRONOUNS.get(pronoun)
        if self.spoken and (other is None or self._pronouns.get(self.spoken[-1][0]) != other):
            return self.spoken[-1]
        before = [(n, r) for _, n, r in self._mentions_through(index) if self._pronouns.get(n) != other]
        if before:
            return before[-1]
        return self.spoken[-1] if self.spoken else ("", None)

    def _body_speaking(self, index: int) -> str | None:
        """ "The Residential Landlords Association said most landlords … A spokesperson said: “…”": the body
        last reported speaking before the quote in its paragraph is whose spokesperson it is."""
        blocks = self.story.blocks
        if not 0 <= index < len(blocks):
            return None
        text = blocks[index].text[:_MAX_SCAN]
        text = text[: min((at for at in (text.find("“"), text.find('"')) if at >= 0), default=len(text))]
        bodies = [
            match.group().removeprefix("The ")
            for match in _TITLE_CASE_RUN.finditer(text)
            if not ORG_WORDS.isdisjoint(match.group().lower().split())
            and match.group() not in _NOT_BODIES
            and _SPOKE.match(text, match.end())
        ]
        return bodies[-1] if bodies else None

    def _named_before_quote(self, index: int, pronoun: str) -> tuple[str, str | None] | None:
        """The person a "he"/"she" just before or after a quote points to, rather than the previous speaker:

        - named in the quote's own paragraph before its first quotation mark ("Mrs Jo Bell, whose home
          flooded, said residents were relieved. “…,” she said.");
        - else named in the paragraph just before, when that one quotes no one ("Professor Ann Vos
          welcomed the plan." / "“…,” she said." or "He said: “…”").

        Never a capitalised phrase inside a quote. A person is a run with a job title or an honorific,
        or one that opens a sentence (not "visited Devonport Dockyard"); an honorific of the other sex
        than the pronoun rules one out.
        """
        blocks = self.story.blocks
        if not 0 <= index < len(blocks):
            return None
        text = blocks[index].text[:_MAX_SCAN]
        marks = [at for at in (text.find("“"), text.find('"'), text.find("‘")) if at >= 0]
        if not marks:
            return None
        other_sex = (
            _FEMALE_HONORIFICS if pronoun == "he" else _MALE_HONORIFICS if pronoun == "she" else frozenset()
        )
        found = _people_named(text[: min(marks)], other_sex)
        if found is None and index > 0 and blocks[index - 1].kind is BlockKind.PARAGRAPH:
            before = blocks[index - 1].text[:_MAX_SCAN]
            if "“" not in before and '"' not in before:
                found = _people_named(before, other_sex)
        return found

    def _reference_before_quote(self, index: int) -> str | None:
        """ "The Minister said that policing …" / "“…,” she said.": the title that reports speech at the start
        of the paragraph before a quote, which quotes no one, is who the pronoun means."""
        blocks = self.story.blocks
        if not 0 < index < len(blocks) or blocks[index - 1].kind is not BlockKind.PARAGRAPH:
            return None
        before = blocks[index - 1].text[:_MAX_SCAN]
        if "“" in before or '"' in before:
            return None
        speaker = _reporter(before)
        return speaker.name if speaker is not None and speaker.kind == "reference" else None

    def _complete(self, name: str, role: str | None, index: int) -> tuple[str, str | None]:
        name = strip_name(name)
        tokens = name.split()
        real = [t for t in tokens if t not in HONORIFICS]
        if len(real) != 1 or len(tokens) > 3:
            for full, full_role in self.people:
                full_real = [t for t in full.split() if t not in HONORIFICS]
                if surname(full) == surname(name) and set(real) <= set(full_real):
                    if len(full_real) > len(real):  # the source's list has the fuller name
                        kept = [t for t in tokens if t in HONORIFICS and t not in full.split()]
                        name = " ".join(kept + full.split())
                    return name, role or full_role
            if role is None:  # "Mary O’Hara said:" after "Health Minister Mary O’Hara has ..."
                role = self._printed_role(name)
            return name, role or self._reported_title(name)
        # "Mrs Kelly", "Sir Martin", "Minister Murphy": the full name printed or listed elsewhere.
        title = _role_word(name)
        role = role or title
        same_name_role: str | None = None  # "Justice Minister Lord Carrow ..." earlier, "Lord Carrow said:"
        for full, full_role in self._candidates(index, real[0]):
            full_tokens = full.split()
            if full == name:
                same_name_role = same_name_role or full_role
            elif real[0] in full_tokens and len(full_tokens) > 1:
                kept = [t for t in tokens if t in HONORIFICS and t not in _PLAIN_HONORIFICS]
                if kept and full_tokens[0] not in HONORIFICS:
                    full = " ".join(kept + full_tokens)
                # "Minister Lewis" after "Housing Minister Rachel Lewis": the title printed in full
                if role and full_role and _bare_title(role) and role.lower() in full_role.lower():
                    role = full_role
                return full, role or full_role or self._reported_title(full)
        role = role or same_name_role
        return (real[0], role) if title else (name, role)

    def _printed_role(self, name: str) -> str | None:
        """The job title printed with the first mention of `name` that has one. Remembered per name: a
        speaker quoted many times would otherwise have every text that prints their surname looked at again."""
        if name not in self._roles:
            named = self._mentions_naming(name.rsplit(" ", 1)[-1])
            self._roles[name] = next((r for _, n, r in named if r and n == name), None)
        return self._roles[name]

    def _candidates(self, index: int, word: str) -> Iterator[tuple[str, str | None]]:
        """Whom a bare name could be: the people listed, those who spoke (latest first), those named in the
        story (nearest first, only those in texts that print `word`, the name's one word) and in the title."""
        yield from self.people
        yield from reversed(self.spoken)
        nearest = sorted(self._mentions_naming(word), key=lambda m: abs(m[0] - index))
        yield from ((n, r) for _, n, r in nearest)
        yield from ((n, None) for n in self.title_names)

    @staticmethod
    def title_key(reference: str) -> str:
        """ "the PM" -> "prime minister": the title a reference names, lower case."""
        ref = reference.lower().removeprefix("the ").strip()
        return {"pm": "prime minister"}.get(ref, ref)

    def _reference(self, reference: str, index: int) -> tuple[str, str | None]:
        """ "the Minister", "The PM", "the Home Secretary" -> the person who holds that title here."""
        ref = reference.lower().removeprefix("the ").strip()
        key = self.title_key(reference)

        def holds(role: str | None) -> bool:
            # "the Home Secretary" is not the Housing Secretary; "the Minister" may be any minister,
            # and a Secretary of State or the Chancellor is one too.
            if not role:
                return False
            lowered = (_tidy_role(role) or "").lower()  # the title, not a clause after it
            # "Health Secretary" holds "Health and Social Care Secretary": every word of it is there.
            words = lowered.split()
            return (
                key in lowered
                or all(w in words for w in key.split())
                or (key == "minister" and any(w in lowered for w in _MINISTERIAL))
            )

        for name, role in reversed(self.spoken):
            if holds(role):
                return name, role
        ordered = sorted(self.mentions, key=lambda m: (m[0] > index, abs(m[0] - index)))
        for _, name, role in ordered:
            if holds(role):
                return name, role
        for name, role in self.people:
            if holds(role):
                return name, role
        if key in _GENERIC_MINISTERIAL:
            # "the Secretary of State" after "Welsh Secretary Alun Cairns": the story's one minister.
            ministers = {
                (n, r) for _, n, r in self.mentions if r and any(w in r.lower() for w in _MINISTERIAL)
            }
            if len({n for n, _ in ministers}) == 1:
                return min(ministers)
        if len(self.people) == 1:  # the source lists one person: the reference can only be them
            return self.people[0][0], self.people[0][1] or _without_article(reference)
        # "Conor Murphy said ..." then "The Minister continued": a named speaker whose title was not printed.
        if self.spoken:
            name, role = self.spoken[-1]
            if role is None and not any(w.lower() in ROLE_WORDS for w in name.split()):
                return name, _without_article(reference)
        # "Jane Doe MS said the programme would …" a paragraph or two before "The Minister said:": the
        # person the writer reported speaking, with no title of their own, is the minister meant.
        if key in _GENERIC_MINISTERIAL:
            reported = self._reported_speaker(index)
            if reported is not None:
                return reported, self._titled(reference, index) or _without_article(reference)
        # The story names one person and no title says otherwise: "the Minister" is them.
        named = {name for _, name, role in self.mentions if role is None}
        if len(named) == 1 and not any(role for _, _, role in self.mentions):
            return named.pop(), _without_article(reference)
        if self.title_speakers:
            return self.title_speakers[0], _without_article(reference)
        if key != ref:  # "PM: ‘…’" in a headline, and no one named holds the title: say it in full
            return key.title(), None
        return reference[:1].upper() + reference[1:], None

    def _reported_speaker(self, index: int) -> str | None:
        """The nearest person before block `index` named, with no title, as the subject of a speech verb."""
        mentions = self.mentions  # in block order: only the few paragraphs just before index are read
        low = bisect_left(mentions, max(0, index - _REPORTED_SPAN), key=lambda m: m[0])
        high = bisect_left(mentions, index, key=lambda m: m[0])
        for block_index, name, role in reversed(mentions[low:high]):
            if role is not None or any(w.lower() in ROLE_WORDS for w in name.split()):
                continue
            text = self.story.blocks[block_index].text[:_MAX_SCAN]
            at = text.find(name)
            if at >= 0 and _REPORTED_AFTER.match(text, at + len(name)):
                return name
        return None

    def _reported_title(self, name: str) -> str | None:
        """ "… announced by the Education Secretary." then "Jo Bell said the package would …": the title
        the writer used just before first naming, as reporting speech, a person given no other title."""
        if name in self._judged:  # each name is judged once, then remembered
            return self._reported_titles.get(name)
        self._judged.add(name)
        named = self._mentions_naming(name.rsplit(" ", 1)[-1])
        block_index = next((b for b, mentioned, _ in named if mentioned == name), -1)
        if block_index < 0:
            return None
        blocks = self.story.blocks
        text = blocks[block_index].text[:_MAX_SCAN]
        at = text.find(name)
        if at < 0 or not _REPORTED_AFTER.match(text, at + len(name)):
            return None
        titles = set(_TITLE_PHRASE.findall(text[:at]))
        if not titles and block_index > 0:
            titles = set(_TITLE_PHRASE.findall(blocks[block_index - 1].text[:_MAX_SCAN]))
        if len(titles) != 1:
            return None
        title = titles.pop()
        if any(r and title.lower() in r.lower() for _, n, r in self.mentions if n != name):
            return None  # someone else holds that title
        self._reported_titles[name] = title
        return title

    def _titled(self, reference: str, index: int) -> str | None:
        """ "the Minister" -> "Infrastructure Minister" when the story earlier wrote "the Infrastructure
        Minister has announced"."""
        if self._titles is None:  # found once per story: a story may refer to "the Minister" many times
            self._titles = {}
            for block_index, block in enumerate(self.story.blocks[:_MAX_BLOCKS]):
                for match in _TITLE_PHRASE.finditer(block.text[:_MAX_SCAN]):
                    title = match.group(1)
                    self._titles.setdefault(title.split()[-1].lower(), (block_index, title))
        first = self._titles.get(reference.split()[-1].lower())
        return first[1] if first is not None and first[0] < index else None


def _people_named(text: str, other_sex: frozenset[str]) -> tuple[str, str | None] | None:
    """The last person `text` names: a run with a job title or an honorific, or one opening a sentence,
    and without an honorific in `other_sex`."""
    people = [
        (name, role)
        for at, name, role in name_runs(text)
        if (_titled(name, role) or at == 0 or text[:at].rstrip().endswith((".", "!", "?")))
        and name.split()[0] not in other_sex
    ]
    return people[-1] if people else None


def _titled(name: str, role: str | None) -> bool:
    """A run of capitals that is surely a person: printed with a job title or an honorific."""
    return role is not None or name.split()[0] in HONORIFICS


_FEMALE_HONORIFICS = frozenset(("Mrs", "Ms", "Miss", "Dame", "Lady", "Baroness"))
_MALE_HONORIFICS = frozenset(("Mr", "Sir", "Lord", "Baron"))

# Reported speech right after a name: "Jane Doe MS said the …", "Jane Doe has announced".
_REPORTED_AFTER = re.compile(r"(?:[ ][A-Z]{2,4}\b)*[ ](?:has[ ]|had[ ]|also[ ])?(?:" + _SPEECH_VERBS + r")\b")
_REPORTED_SPAN = 3  # paragraphs between the reported speech and "The Minister said:"
# "the Education Minister", "the Health Secretary": a title of capitalised words after "the".
_TITLE_PHRASE = re.compile(r"\b[Tt]he[ ]((?:[A-Z][a-z]+[ ]){1,3}(?:Minister|Secretary))\b")

_MINISTERIAL = ("minister", "secretary", "chancellor", "paymaster", "whip")
# References that say no more than "a minister" (unlike "the Prime Minister" or "the Home Secretary").
_GENERIC_MINISTERIAL = frozenset(
    (
        "minister",
        "secretary of state",
        "secretary",
        "cabinet secretary",
        "minister of state",
        "deputy minister",
    )
)


def _without_article(text: str) -> str:
    return text.removeprefix("The ").removeprefix("the ")


def _bare_title(role: str) -> bool:
    """ "Minister", "Deputy Minister": a title with nothing saying of what."""
    words = role.lower().split()
    return len(words) <= 2 and all(w in ROLE_WORDS for w in words)


def _role_word(name: str) -> str | None:
    """ "Minister Murphy" -> "Minister": a role printed as a title before a bare surname."""
    words = name.split()
    if len(words) >= 2 and words[0].lower() in ROLE_WORDS:
        return " ".join(words[:-1])
    return None


# --- quotation marks ----------------------------------------------------------------------------


def _spans(text: str) -> list[_Span]:
    """Quoted stretches of one block, in order, found in one pass over its quotation marks."""
    # Spelled out rather than any() over a tuple of marks: this runs for every block, and the generator
    # cost more than the scans.
    if (
        "“" not in text
        and "”" not in text
        and '"' not in text
        and "‘" not in text
        and "''" not in text
        and not text.rstrip().endswith("’")
        # a straight single mark opens only after a space or at the start ('…' in older releases)
        and " '" not in text
        and not text.startswith("'")
    ):
        return []  # most paragraphs: apostrophes at most
    spans: list[_Span] = []
    kind: str | None = None  # the family of the open mark
    depth = 0
    open_at = start = 0
    length = len(text)
    seen_mark = False
    for count, match in enumerate(_MARK.finditer(text, 0, _MAX_SCAN)):
        if count >= _MAX_MARKS:
            break
        mark, pos, end = match.group(0), match.start(), match.end()
        prev = text[pos - 1] if pos else " "
        nxt = text[end] if end < length else " "
        if mark == "’" and nxt.isalnum():
            continue  # an apostrophe inside a word ("government’s") opens, closes and ends nothing
        if kind is None:
            if mark == "“" or mark == "‘" or (mark in ('"', "''", "'") and _opens(prev, nxt)):
                kind = _MARK_KINDS[mark]
                depth, open_at, start = 1, pos, end
            elif not seen_mark and _leading_close(mark, prev, nxt, end, text):
                spans.append(_Span(0, 0, pos, end, opened=False, closed=True))
            elif mark == "’" or mark == "'":
                continue  # an apostrophe
            seen_mark = True
            continue
        closes = False
        if kind == "double":
            if mark == "“" and text[open_at] == "“":
                depth += 1
            elif mark == "”" or (mark == '"' and (not _opens(prev, nxt) or text[open_at] == '"')):
                depth -= 1
                closes = depth == 0
        elif kind == "doubled":
            closes = mark == "''"
        elif mark == "‘":
            depth += 1
        elif mark in ("’", "'") and not (nxt.isalnum()) and _closes_single(text, start, pos, prev, nxt):
            depth -= 1
            closes = depth == 0
        if closes:
            spans.append(_Span(open_at, start, pos, end, opened=True, closed=True))
            kind = None
    if kind is not None:
        spans.append(_Span(open_at, start, length, length, opened=True, closed=False))
    return spans


_MARK_KINDS = {"“": "double", '"': "double", "‘": "single", "'": "single", "''": "doubled"}


def _leading_close(mark: str, prev: str, nxt: str, end: int, text: str) -> bool:
    """A closing mark before any opening one: the end of a quote opened in an earlier paragraph."""
    if mark == "”" or (mark in ('"', "''") and not _opens(prev, nxt)):
        return True
    return mark == "’" and end >= len(text.rstrip()) and prev in ".!?,"


def _opens(prev: str, nxt: str) -> bool:
    """A straight mark opens when it follows a space or bracket and precedes a word."""
    return (prev.isspace() or prev in "([{—–-/:") and not nxt.isspace()


def _closes_single(text: str, start: int, pos: int, prev: str, nxt: str) -> bool:
    """’ closes a single-quoted stretch unless it is a plural possessive ("parents’ worries"). A term of a
    few words that reads like one closes when no later mark could ("the UK’s ‘world-class’ exporters")."""
    if prev in ".!?,;:":
        return True
    if prev != "s" or not nxt.isspace() or pos + 2 >= len(text) or not text[pos + 2].islower():
        return True
    return (
        pos - start <= _LONGEST_TERM_CHARS
        and _words(text[start:pos]) <= _LONGEST_TERM
        and _SINGLE_CLOSE.search(text, pos + 1) is None
    )


_LONGEST_TERM = 3  # words
_LONGEST_TERM_CHARS = 60  # checked first: counting words in a long stretch at every mark would cost


_SINGLE_CLOSE = re.compile(r"[’'](?!\w)")  # a mark that could close a single-quoted stretch


def _quoted_term(text: str, span: _Span) -> bool:
    """A short closed span followed by a longer run of words: a term in quotation marks, not speech."""
    return (
        span.closed
        and _words(text[span.start : span.end]) < _MIN_QUOTE_WORDS
        and _words(text[span.close_end :]) >= _MIN_QUOTE_WORDS
    )


def _names_a_thing(quoted: str) -> bool:
    """A code or a title in quotation marks, not speech: “DWP COLA” (no lowercase letter at all), or
    ‘Engines of Prosperity: Yorkshire’s Mills’ (every longer word capitalised, no sentence ending)."""
    if not any(c.islower() for c in quoted):
        return any(c.isalpha() for c in quoted)
    longer = [w for w in quoted.split() if len(w.strip(_TITLE_EDGES)) >= 4]
    return (
        len(longer) >= 2
        and all(w.lstrip(_TITLE_EDGES)[:1].isupper() for w in longer)
        and not quoted.rstrip(" ”’\"')").endswith((".", "!", "?", ","))
    )


_TITLE_EDGES = "“”‘’\"'()[],:;"
# A term named, not speech: "so-called ‘…’", "the word ‘flushable’", "labels saying ‘fine to flush’".
_SO_CALLED = re.compile(
    r"\b(?:so-called|(?:word|words|term|phrase|label|labels|slogan|motto|hashtag)(?:\s+saying)?|labelled|"
    r"branded|dubbed|entitled|titled)\s*$",
    re.IGNORECASE,
)


def _comparable(text: str) -> str:
    """Lower-case words only, one space apart: "A landmark day" matches "…a landmark day, …"."""
    return " ".join(_WORD_CHARS.findall(text.lower()))


def _strip_marks(texts: list[str]) -> list[str]:
    """Blockquote text that also carries marks: drop the outer ones."""
    out = [t.strip() for t in texts]
    if out and out[0][:1] in "“\"‘'":
        out[0] = out[0][1:]
    if out and out[-1][-1:] in "”\"’'":
        out[-1] = out[-1][:-1]
    return out


def _tidy_role(role: str | None) -> str | None:
    """The role as a title: "the Health Secretary" -> "Health Secretary", "Its chair" -> "chair", "The council’s
    leader" -> "the council’s leader" (it is printed after the name and a comma), "the Met
    Office’s Chief Executive" -> "Met Office’s Chief Executive" (whose title it is stays: "Chief Executive"
    alone says of what no more than "Its" does), "PM" -> "Prime Minister"; a relative clause after it
    (", who met the delegation") is not part of it."""
    if not role:
        return role
    # Each pattern is tried only where it could match: a clause after a comma, a determiner first.
    if "," in role:
        role = _ROLE_CLAUSE.split(role, maxsplit=1)[0] or role
    if role[:1] in ("T", "t", "I", "i"):
        role = _ROLE_DETERMINER.sub("", role, count=1) or role
        if role.startswith("The "):  # "the council’s leader": it follows the name after a comma
            role = "t" + role[1:]
    return _ABBREVIATED_ROLES.get(role, role).strip(" ,") or None


_ROLE_CLAUSE = re.compile(r",\s+(?:who|which|whose)\s")
# "the Health Secretary", "The UK’s Deputy Permanent Representative", "Its chair"; not "The council’s
# leader" (before a lowercase word the article is part of the phrase as printed).
_ROLE_DETERMINER = re.compile(r"^(?:[Tt]he\s+(?=[A-Z])|[Ii]ts\s+)")
_ABBREVIATED_ROLES = {"PM": "Prime Minister"}


def _tidy(text: str) -> str:
    """ "We will continue,” concluded X": the comma belongs to the sentence around the quote."""
    return text.strip().rstrip(",;:").rstrip()


def _strip_unmatched_close(text: str) -> str:
    stripped = text.rstrip()
    if (
        stripped.endswith(("”", "''"))
        and "“" not in stripped
        and not stripped.endswith("''")
        or (stripped.endswith("''") and stripped.count("''") == 1)
    ):
        return stripped.rstrip("”'")
    return text


# --- attributions -------------------------------------------------------------------------------


def _sentence_start(text: str, pos: int, floor: int) -> int:
    start = floor
    for match in _SENTENCE_END.finditer(text, floor, pos):
        if match.end() <= pos:
            start = match.end()
    return start


def _clause_after(text: str, pos: int) -> str:
    """What follows a closing mark up to the end of its sentence or the next opening mark."""
    window = text[pos : pos + 200]
    cut = len(window)
    for stop in (".", "!", "?", "“", "‘", '"', " '"):
        k = window.find(stop)
        if 0 <= k < cut:
            cut = k
    return window[:cut]


def _runs_on(text: str, span: _Span) -> bool:
    """ "the ‘Heritage at Risk’ register will …, the Minister announced": a noun follows the closing mark
    with no punctuation, so the marks name a thing ("the ‘X’ register") rather than hold what was said.
    A partial quote runs on with a linking word instead: "the ‘first choice’ for investors, X said"."""
    if text[span.start : span.end].rstrip()[-1:] in ",.!?…;:":
        return False
    match = _RUN_ON.match(text, span.close_end)
    return match is not None and match.group(1) not in _LINKING and not _VERB.fullmatch(match.group(1))


def _attribution_before(before: str) -> Speaker | None:
    """ "Conor Murphy said: " / "Mrs Kelly said that the money would address " -> the speaker."""
    before = before[-_ATTRIBUTION_SPAN:]
    if not before.strip():
        return None
    last = None
    for match in _VERB.finditer(before):
        last = match
    if last is None:
        return None
    subject = before[: last.start()]
    between = before[last.end() :]
    # A colon or a short clause may follow the verb; a long one means the quote is not what was said.
    if len(between) > 200:
        return None
    if _ELIDED_SUBJECT.search(subject):
        subject = _first_person_named(subject) or subject
    speaker = parse_attribution(subject) or parse_attribution(_leading_subject(subject))
    if speaker is None and not subject.strip():
        return None
    return speaker


# "X welcomed the payment but said that “…”": the verb's subject is left out, so it is the clause's
# first subject.
_ELIDED_SUBJECT = re.compile(r"(?:,\s*|\s)(?:but|and|yet)(?:\s+also)?\s*$")


def _first_person_named(clause: str) -> str | None:
    """The clause up to the end of the first person it names ("Ulster Farmers’ Union president David
    Lowry"): a run with a job title or an honorific."""
    for at, name, role in name_runs(clause):
        if _titled(name, role):
            end = clause.find(name, at)
            return clause[: end + len(name)] if end >= 0 else None
    return None


def _judgement_before(before: str) -> Speaker | None:
    """ "X called the plans “…”", "X described it as “…”", "X hailed the deal as “…”": a speaker's
    verdict quoted as a short phrase. "called for" / "called on" ask for something, they quote nothing."""
    tail = before[-_JUDGEMENT_SPAN:]
    match = _JUDGEMENT.search(tail)
    if match is None:
        return None
    subject = before[: len(before) - len(tail) + match.start()]
    speaker = parse_attribution(subject) or parse_attribution(_leading_subject(subject))
    return speaker


def _attribution_after(after: str, dash: bool = False) -> Speaker | None:
    """ ", said X" / " X said" / " X added" / " – Prime Minister Gordon Brown" -> the speaker."""
    clause = after.strip(" ,")
    if not clause or len(clause) > 160:
        return None
    match = _VERB.search(clause)
    if match and match.start() == 0:
        subject = clause[match.end() :]
        subject = re.sub(r"\b(?:today|yesterday|this \w+|last \w+|in a statement)\b.*$", "", subject)
        # "said Environment Secretary Jane Doe during a visit to …": the occasion is not the speaker.
        return parse_attribution(subject) or parse_attribution(_OCCASION.sub("", subject, count=1))
    tail = clause[match.end() :] if match else ""
    if (
        match
        and (
            re.fullmatch(r"(?:today|yesterday|also|this \w+)?\s*", tail.strip())
            or (tail.lstrip().startswith(",") and len(clause[: match.start()].split()) <= 8)
            # "…,” the Chancellor, Jane Doe, told the House of Commons / said at the launch.
            or (_AUDIENCE.match(clause, match.end()) and len(clause[: match.start()].split()) <= 8)
        )
    ):
        # " X said." / " X said today." / " he said, adding that ...": the speaker stands before the verb.
        return parse_attribution(clause[: match.start()])
    if dash and clause[:1] in "–—-":
        return parse_attribution(clause[1:])
    return None


def _quotes_someone(text: str, spans: list[_Span]) -> bool:
    """The paragraph quotes someone it names: a quotation mark opening after an attribution ("Its chief
    executive said: ‘…’"), or a quote it opens and closes and then attributes ("‘…,’ a spokesperson added")."""
    return any(
        span.opened
        and span.open_at > 0
        and (
            _attribution_before(text[_sentence_start(text, span.open_at, 0) : span.open_at]) is not None
            or span.closed
            and _attribution_after(_clause_after(text, span.close_end)) is not None
        )
        for span in spans
    )


def _intro_speaker(text: str) -> Speaker | None:
    """The speaker of a paragraph that introduces a quote: it ends "said:" (or just "said")."""
    stripped = text.rstrip()
    if not stripped:
        return None
    if stripped.endswith(":"):
        # The verb sits within a few words of the colon and a speaker within 250 characters of the verb.
        sentence = stripped[
            max(_sentence_start(stripped, len(stripped), 0), len(stripped) - _ATTRIBUTION_SPAN) :
        ]
        # Only the last verb counts, and only if it ends within 120 characters of the colon: a verb that
        # starts before those characters (and their longest verb) cannot, so the scan starts there.
        last = None
        for match in _VERB.finditer(sentence, max(0, len(sentence) - _INTRO_VERB_SPAN - _LONGEST_VERB)):
            last = match
        if last is None or len(sentence) - last.end() > _INTRO_VERB_SPAN:
            return None
        subject = sentence[: last.start()]
        return parse_attribution(subject) or parse_attribution(_leading_subject(subject))
    if stripped.endswith("."):
        return None
    tail_at = max(0, len(stripped) - 40)  # the verb is among the last words: search only there
    match = _INTRO_TAIL.search(stripped, tail_at)
    if match:
        sentence = stripped[_sentence_start(stripped, match.start(), 0) : match.start()]
        return parse_attribution(sentence)
    return None


def _leading_subject(text: str) -> str:
    """The capitalised words that open a clause: "The PM has sent a message..." -> "The PM"."""
    words = text.split()
    out: list[str] = []
    for word in words:
        if word[0].isupper() or (out and word.lower() in ("of", "for", "and", "the")):
            out.append(word)
        else:
            break
    return " ".join(out)


def _voice(text: str, speaker: str | None) -> int:
    """Positive when a paragraph reads as the speaker talking, negative when it reads as narrative."""
    score = 0
    if _FIRST_PERSON.search(text):
        score += 3
    elif _DEFINITE_SUBJECT.match(text) and _FACTUAL.search(text):
        score -= 3
    score += _opinions(text)
    if _CONNECTIVE_START.match(text):
        score += 1
    if _reports(text):
        score -= 3
    if speaker and surname(speaker) in text.split():
        score -= 2
    for pattern, keys in _DESCRIPTIVE:
        if _holds_any(text, keys) and pattern.search(text):
            score -= 2
            break
    if _DATE_START.match(text):
        score -= 2
    return score


def _until_narrative(text: str) -> str:
    """Unmarked words after "X said:" up to a sentence that reads as the writer's ("The winners of
    this year's prize, who were chosen …"); the first sentence is always the speaker's."""
    start = 0
    for match in _SENTENCE_END.finditer(text, 0, _MAX_SCAN):
        end = match.end()
        if start and _voice(text[start:end], None) < 0:
            return text[:start].rstrip()
        start = end
    # The last sentence runs to the end of the paragraph: its opening words are enough to judge it.
    if start and start < len(text) and _voice(text[start : start + _SENTENCE_SPAN], None) < 0:
        return text[:start].rstrip()
    return text


def _opinions(text: str) -> int:
    """How many opinion words `text` holds, counted up to 2 (all that _voice adds)."""
    if not text.isascii() and any(letter in text for letter in _UNLOWERED):
        count = 0
        for _ in _OPINION.finditer(text):
            count += 1
            if count == 2:
                break
        return count
    # A match can start only where lower() shows an opinion word (it keeps every position here). The
    # pattern is tried at those places alone, in order, as finditer would meet them: scanning the whole
    # paragraph with a case-blind alternation costs several times more than these finds.
    lowered = text.lower()
    starts = []
    for word in _OPINION_WORDS:
        at = lowered.find(word)
        while at >= 0:
            starts.append(at)
            at = lowered.find(word, at + 1)
    count = end = 0
    for at in sorted(starts):
        if at >= end and (match := _OPINION.match(text, at)):  # \b at `at` still sees the character before
            count += 1
            if count == 2:
                break
            end = match.end()
    return count


def _reports(text: str) -> bool:
    """ "said", "according to": the writer reporting someone."""
    return _holds_any(text, _REPORTING_WORDS) and _REPORTING.search(text) is not None


def _holds_any(text: str, keys: tuple[str, ...]) -> bool:
    for key in keys:  # noqa: SIM110 - any() over a generator costs more, and this runs for most paragraphs
        if key in text:
            return True
    return False


def _words(text: str) -> int:
    """How many words the first 400 characters of `text` hold, counted up to 8: every caller compares the
    count with 8 or less, and counting on costs a match per word of a long paragraph."""
    count = 0
    for _ in _WORD.finditer(text, 0, 400):
        count += 1
        if count == 8:
            break
    return count


def _verb_at_end(text: str) -> bool:
    """Whether _VERB_AT_END matches `text`. A match ends the text and holds at most three spaces, so the
    search starts at the fourth space from the end rather than running over the whole paragraph."""
    start = len(text)
    for _ in range(4):
        start = text.rfind(" ", 0, start)
        if start < 0:
            break
    return _VERB_AT_END.search(text, max(start, 0)) is not None
