"""Extractive summaries: the sentences of a story that best say what happened.

Only narrative sentences are candidates: never a heading, a list-item fragment, an image credit, a
contact block or anything after "Notes to editors", a line that introduces a quote or a list ("Jo
Smith said:"), or a sentence inside a quotation (quoted, or unquoted after "X said:"). A story that
opens with "X said:" is a statement, and its speech is its content.

Candidates are scored by position (the lede weighs most, later sentences decay gently) plus a few
general features: a sentence that carries the news (a money figure, an announcement verb, a named
actor doing something, the title's words) can beat the lede; one that leans on the sentence before
("This", "He", "However") or is very short or long loses. `Story.description` is never read: the
summary is judged against it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.extract.sentences import split_sentences
from bot.models import MAX_SUMMARY_SENTENCES, Block, BlockKind, Sentence, Story

# Section headings after which a press release stops telling the news.
_END_MATTER = re.compile(
    r"^(?:notes?\s+(?:to|for)\s+editors?|editors?['’]?\s+notes?|background(?:\s+information)?|"
    r"press\s+enquiries|media\s+enquiries|enquiries|contacts?(?:\s+us)?|further\s+information|"
    r"more\s+information|about\s+\S.*|ends|-+\s*ends\s*-+|for\s+more\s+information.*)\W*$",
    re.IGNORECASE,
)
_CONTACT = re.compile(
    r"@\w|\bwww\.|https?://|\b(?:tel|telephone|phone|fax|email|e-mail)\s*[:.]|"
    r"\b(?:press|media)\s+(?:office|enquiries)\b|\bnotes\s+to\s+editors\b|"
    r"(?:\+44\s?|\b0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b",
    re.IGNORECASE,
)
_CREDIT = re.compile(
    r"\b(?:image|photo|picture|photograph)\s*(?:credit|courtesy)?\s*[:\-–]|\bvia\s+(?:Flickr|Getty|"
    r"Wikimedia|Unsplash|Shutterstock)\b|©|\bcredit\s*:|\bPA\s+Wire\b",
    re.IGNORECASE,
)
_SAY_VERBS = (
    r"(?:said|says|say|added|adds|commented|comments|explained|explains|continued|continues|stated|"
    r"states|remarked|noted|concluded|concludes|told|tells|declared|urged|responded|replied)"
)
_SAID = re.compile(rf"\b{_SAY_VERBS}\b", re.IGNORECASE)
# "X said: “…" or ", said X" inside a sentence: attribution of a quote, not narrative.
_ATTRIBUTION = re.compile(rf"[”\"’'],?\s+(?:\w+\s+){{0,6}}?{_SAY_VERBS}\b|\b{_SAY_VERBS}\s*:", re.IGNORECASE)
_FIRST_PERSON = re.compile(
    r"\b(?:I|I['’]m|I['’]ve|I['’]d|I['’]ll|me|my|we|we['’]re|we['’]ve|we['’]ll|us|our|ours)\b"
)
_SECOND_PERSON = re.compile(r"\b(?:you|your|you['’]re|you['’]ll)\b", re.IGNORECASE)
_OPENING_MARKS = "“‘\"'"
_ANNOUNCE = re.compile(
    r"\b(?:announc\w*|launch\w*|unveil\w*|confirm\w*|publish\w*|award\w*|allocat\w*|invest\w*|"
    r"commit\w*|pledg\w*|provid\w*|receiv\w*|appoint\w*|approv\w*|agree[sd]?|set\s+out|sets\s+out|"
    r"introduc\w*|will\s+(?:receive|benefit|get|see|help|create|support)|"
    r"fund(?:s|ed|ing)?|grant\w*|boost\w*|welcom\w*|named|fined|sentenced|reveal\w*|"
    r"open(?:s|ed)?|begin|began|starts?|started|plans?|planned|proposals?|consult\w*)\b",
    re.IGNORECASE,
)
_MONEY = re.compile(
    r"[£€$]\s?\d|\b\d[\d,.]*\s?(?:million|billion|bn|m)\b|\b(?:million|billion)\s+pounds\b", re.IGNORECASE
)
# Openings that lean on the previous sentence for their meaning ("This year", "This week" do not).
_ANAPHORIC = re.compile(
    r"^(?!(?:this|that|these|next|last)\s+(?:year|week|month|morning|afternoon|evening|weekend|spring|summer|"
    r"autumn|winter|time|decade)s?\b)"
    r"(?:this|these|that|those|it|its|he|she|they|his|her|their|however|but|and|also|meanwhile|"
    r"in\s+addition|additionally|furthermore|moreover|as\s+well|the\s+(?:new\s+)?(?:scheme|funding|money|"
    r"project|programme|plan|move|announcement|change|changes|investment|package))\b",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"[a-z0-9]+")
_STOPWORDS = frozenset(
    """a an the and or but of to in on at for from by with as is are was were be been being has have had
    will would can could should may might this that these those it its their his her our we you they he
    she i not no new more than over up into about after before also which who what when where how all
    any each per says said say""".split()  # noqa: SIM905 - a word list reads better as text
)

# A capitalised subject (not a pronoun or connective) and, within a few words, a finite verb of action.
_ACTOR_VERB = re.compile(
    r"^(?!(?:This|These|That|Those|It|He|She|They|However|But|And|Also|In|On|At|As|For|With|By|From|After|If|"
    r"When|While|Whilst|Since|Following|Over|Under|Around|More|Some|Many|Most|All)\b)[A-Z][\w’'-]*"
    r"(?:\s+\S+){0,8}?\s+(?:has|have|had|will|is|are|was|were|today|announced|announces|launched|"
    r"launches|confirmed|confirms|set|sets|unveiled|unveils|appointed|appoints|agreed|agrees|welcomed|"
    r"welcomes|provided|provides|awarded|awards|pledged|pledges|spoke|visited|published|publishes)\b"
)
# Feature weights. Few and general (no feature names a story, a department or a word of one story);
# chosen on the dev corpus as the middle of a plateau that holds on each file separately.
ORDER_DECAY = 0.88  # the n-th candidate sentence starts from ORDER_DECAY ** n: the lede weighs most
WEIGHTS: dict[str, float] = {
    "title": 0.15,  # share of the title's content words (crudely stemmed) the sentence carries
    "money": 0.4,  # carries a money figure: usually the news in a government release
    "announce": 0.3,  # an announcement verb: announced, launched, awarded, appointed, ...
    "actor_verb": 0.15,  # opens with a named actor doing something: "Defra Ministers have appointed"
    "anaphoric": -0.6,  # leans on the sentence before: "This", "He", "However", "The scheme"
    "length": -0.3,  # distance from the usual 12-40 words, capped at 1
}


@dataclass(frozen=True, slots=True)
class _Candidate:
    text: str
    block_index: int
    position: int  # order of the sentence in the story
    rank: int  # order of the sentence among candidates


def summarise(story: Story, sentences: int = MAX_SUMMARY_SENTENCES) -> tuple[Sentence, ...]:
    """Up to `sentences` (1-5) sentences, best first; empty when the story has no narrative sentence."""
    limit = max(1, min(sentences, MAX_SUMMARY_SENTENCES))
    candidates = candidate_sentences(story)
    title_words = _content_words(story.title)
    ranked = sorted(candidates, key=lambda c: (-score(c, title_words), c.position))
    chosen: list[_Candidate] = []
    for candidate in ranked:
        if len(chosen) == limit:
            break
        # A restatement of a sentence already chosen adds nothing to a multi-sentence summary.
        if any(_similarity(candidate.text, c.text) > 0.6 for c in chosen):
            continue
        chosen.append(candidate)
    return tuple(Sentence(c.text, c.block_index, c.position) for c in chosen)


def score(candidate: _Candidate, title_words: frozenset[str]) -> float:
    """How well the sentence says what the story is about (higher is better)."""
    found = features(candidate, title_words)
    return ORDER_DECAY**candidate.rank + sum(WEIGHTS[name] * value for name, value in found.items())


def features(candidate: _Candidate, title_words: frozenset[str]) -> dict[str, float]:
    """The sentence's features, each between 0 and 1."""
    text = candidate.text
    words = _words(text)
    n = len(words)
    return {
        "title": len(title_words & _stems(words)) / len(title_words) if title_words else 0.0,
        "money": float(bool(_MONEY.search(text))),
        "announce": float(bool(_ANNOUNCE.search(text))),
        "actor_verb": float(bool(_ACTOR_VERB.match(text))),
        "anaphoric": float(bool(_ANAPHORIC.match(text))),
        "length": min(1.0, (12 - n if n < 12 else n - 40 if n > 40 else 0) / 12),
    }


def candidate_sentences(story: Story) -> list[_Candidate]:
    """The narrative sentences of the story, in order."""
    found: list[_Candidate] = []
    position = 0
    for block_index, sentences in _narrative_blocks(story.blocks):
        for text, quoted in sentences:
            position += 1
            if not quoted and _is_candidate(text):
                found.append(_Candidate(text, block_index, position, len(found)))
    return found


def _narrative_blocks(blocks: tuple[Block, ...]) -> list[tuple[int, list[tuple[str, bool]]]]:
    """Paragraphs that tell the story, each with its sentences and whether each is inside a quote.

    Stops at end matter ("Notes to editors", "Background", contacts); skips headings, list items and
    the unquoted paragraphs that follow "X said:" (up to the first paragraph that reads as narrative).
    A story that opens with "X said:" is a statement: what follows is its content, not a quote
    inside a narrative, so those paragraphs stay candidates.
    """
    out: list[tuple[int, list[tuple[str, bool]]]] = []
    in_speech = statement = False
    speech_paragraphs = 0
    for index, block in enumerate(blocks):
        text = block.text.strip()
        if (block.kind is BlockKind.HEADING or len(text) < 60) and _END_MATTER.match(text):
            break
        if block.kind is not BlockKind.PARAGRAPH:
            in_speech = in_speech and block.kind is BlockKind.LIST_ITEM
            continue
        if block.blockquote and not statement:
            continue
        if in_speech:
            # The paragraph right after "X said:" is speech whatever it says; later ones while they sound like it.
            if speech_paragraphs == 0 or _reads_as_speech(text):
                speech_paragraphs += 1
                if statement:
                    out.append((index, [(sentence, False) for sentence in split_sentences(text)]))
                continue
            in_speech = statement = False
        out.append((index, _quoted_sentences(text)))
        if text.endswith(":") and _SAID.search(text[-80:]):
            in_speech = True
            speech_paragraphs = 0
            statement = len(out) == 1
    return out


def _reads_as_speech(text: str) -> bool:
    """A paragraph in the voice of the speaker just introduced, rather than the release's narrative."""
    return text[0] in _OPENING_MARKS or bool(_FIRST_PERSON.search(text) or _SECOND_PERSON.search(text))


def _quoted_sentences(text: str) -> list[tuple[str, bool]]:
    """The paragraph's sentences, each flagged when it is (mostly) inside quotation marks."""
    inside = _quoted_mask(text)
    result = []
    cursor = 0
    for sentence in split_sentences(text):
        start = text.find(sentence, cursor)
        if start < 0:
            start = cursor
        end = start + len(sentence)
        cursor = end
        span = inside[start:end]
        quoted_share = span.count("1") / max(1, len(span))
        starts_quoted = bool(span) and (span[0] == "1" or sentence[0] in _OPENING_MARKS)
        result.append((sentence, starts_quoted or quoted_share > 0.4 or bool(_ATTRIBUTION.search(sentence))))
    return result


def _quoted_mask(text: str) -> str:
    """A string as long as `text`: "1" where the character is inside quotation marks, else "0".

    Double marks pair up; a single mark opens only after a space or bracket and closes only before a
    space or punctuation, so apostrophes (“the UK’s”) leave the state alone. A quote still open at
    the end of the paragraph runs to the end (GOV.UK closes only the last paragraph of a long quote).
    """
    mask = []
    double = single = False
    length = len(text)
    for i, char in enumerate(text):
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < length else " "
        if char == "“" or char == '"' and not double:
            double = True
        elif char == "”" or char == '"' and double:
            double = False
        elif char in "‘'" and not single and (before.isspace() or before in "(["):
            single = True
        elif char in "’'" and single and not after.isalnum():
            single = False
        mask.append("1" if double or single else "0")
    return "".join(mask)


def _is_candidate(sentence: str) -> bool:
    words = _words(sentence)
    if len(words) < 6 or len(sentence) > 600:
        return False
    if sentence.rstrip().endswith((":", ";")) or sentence[0].islower():
        return False
    return not (_CONTACT.search(sentence) or _CREDIT.search(sentence))


def _words(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def _content_words(text: str) -> frozenset[str]:
    return _stems(w for w in _words(text) if w not in _STOPWORDS and len(w) > 1)


def _stems(words: Iterable[str]) -> frozenset[str]:
    """Crude stems, enough to match "drug"/"drugs" and "approval"/"approved": the first 5 letters."""
    return frozenset(w[:5] for w in words)


def _similarity(a: str, b: str) -> float:
    wa, wb = _content_words(a), _content_words(b)
    return len(wa & wb) / min(len(wa), len(wb)) if wa and wb else 0.0
