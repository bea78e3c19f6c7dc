"""Money figures in a story: each amount once, whether it is funding, what for, and what it is part of.

Reading order is the title (block_index -2), the description when it is not also the first block
(-1), then every block. The steps:

1. `money_lexer.find_amounts` finds the amounts in each text; `money_context.read_context` reads the
   words around each one (funding or not, purpose, period, qualifier, funder).
2. Repeats are merged: a later mention of the same amount is the same figure unless the two are in
   one sentence or each has its own different purpose ("£29million for cultural recovery" ...
   "£29million ... for business interventions"). The first surface is kept; later mentions fill in
   what the first did not say (period, part_of, ...).
3. `part_of` links a figure to a larger one it is explicitly included in: "X, which includes Y",
   "(Y)" inside X's line, a list after "This is broken down as follows:", "Y is part of a X
   package", "bringing the total to X", parts in one sentence that add up to X, "Other
   allocations include:". "This funding" and similar are resolved to the figure of the sentence
   before, or to the story's headline figure.
"""

from __future__ import annotations

import bisect
import itertools
import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal
from operator import attrgetter, itemgetter

from bot.extract.money_context import SMALL_AMOUNT, Context, duration_in, read_context, spaced_pairs
from bot.extract.money_lexer import Found, find_amounts, parse_user_amount, scan_amounts
from bot.models import BlockKind, Money, Story

log = logging.getLogger(__name__)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


TITLE_INDEX = -2
DESCRIPTION_INDEX = -1
# A defensive bound: real stories have tens of figures, adversarial input may have many thousands.
MAX_MENTIONS = 400
# Real sentences are far shorter; a longer run (no punctuation) is cut so work per sentence stays bounded.
MAX_SENTENCE = 1000
_SEPARATOR = "\n\x00\n"  # between blocks: no amount or sentence can run across it
# A title shorter than this has fewer than MAX_MENTIONS possible amounts (at most 2 anchors a
# character, each read as at most 2 amounts): see _find_all.
_SHORT_TITLE = MAX_MENTIONS // 4
LEAD_IN = 200  # characters of a list's lead-in read as its items' left context
# Later mentions compared with at most this many earlier figures of the same amount.
_MAX_SAME_AMOUNT = 8

_SENTENCE_BREAK = re.compile(r"[.!?][\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9£$€•])")
_ANAPHOR = re.compile(
    r"\s*(?:(?:This|That|It|These|Those)\b(?!\s+(?:is|was)\s+(?:a|an|the)\s+\w+\s+(?:that|which|who)\b)"
    r"|(?:The|This|That|These|Those|Other|Further|Remaining|The\s+other|Its|Our|Their)\s+(?:[\w’'-]+\s+){0,2}?"
    r"(?:funding|money|investment|package|allocations?|grants?|boost|cash|donation|support|awards?|sum"
    r"|contributions?|pledges?|commitment|subscriptions?|budget|fund|programme|settlement|round|payments?)\b)",
    re.IGNORECASE,
)
# Every character _ANAPHOR (and _OTHER_LIST) can start with after its leading spaces ("The", "It", "Other",
# "Further", "Remaining"), as IGNORECASE reads them: "İ" and "ı" match "i" too. ("" passes, to the match.)
_ANAPHOR_FIRSTS = frozenset("TtIiOoFfRr\u0130\u0131") | {""}
_REMAINING = re.compile(r"\b(?:[Tt]he\s+remaining|[Tt]he\s+rest\s+of\s+the|[Tt]he\s+balance\s+of\s+the)\s+$")
_OF_THE = re.compile(r"\s*(?:Out\s+of|Of)\s+(?:the|this|these|that|its|our|their)\s+", re.IGNORECASE)
_OF_THIS = re.compile(r"\s*(?:Out\s+of|Of)\s+(?:this|that|these|those|it|which)\s*,", re.IGNORECASE)
# Rough pounds per unit, only to tell which of two figures in different currencies is the larger.
_CONTAINERS = frozenset(("fund", "funds", "programme", "programmes", "budget", "package", "packages", "pot", "allocation", "settlement"))  # fmt: skip
_ROUGH_GBP = {"GBP": Decimal(1), "USD": Decimal("0.8"), "EUR": Decimal("0.85"), "AUD": Decimal("0.5"),
              "CAD": Decimal("0.55"), "NZD": Decimal("0.45"), "JPY": Decimal("0.005"), "INR": Decimal("0.01")}  # fmt: skip
_EARLIER = re.compile(r"\b(?:previous|previously|earlier|already|past|last)\b", re.IGNORECASE)
_MULTI_YEAR = re.compile(r"\b(?:years|decade)\b", re.IGNORECASE)
_WHOLE_NOUN = re.compile(r"\b(?:funds?|funding|money|package|total|amount|sum|allocations?|budget|pot)\b")
_COMPARED = re.compile(
    r"\b(?:up|down|rising|falling|increased|decreased|compared)\s+(?:from|with|to)\s+$|\bfrom\s+$"
)
# "A further £250 million from the development agency.": one more contribution to the package whose
# other contributions were just listed.
_FURTHER_FROM = re.compile(r"\s*(?:A|An)\s+(?:further|additional|extra)\s+$", re.IGNORECASE)
_FROM_AFTER = re.compile(r"\s*(?:(?:will|would|is|was)\s+(?:come\s+|be\s+provided\s+)?)?(?:comes\s+)?from\b")
# "£235 million of the €1.14 billion programme": a share of the figure right after it.
_OF_NEXT = re.compile(r"\s+(?:(?:out\s+)?of|towards?)\s+(?:the|this|that|its|their)\s+$", re.IGNORECASE)
_TOTAL_NEXT = re.compile(r"\s+total\b", re.IGNORECASE)
# "the £10 million" with no noun after it: the figure itself, named before ("£3 million of the £10
# million will go to rural schools")
_BARE_NEXT = re.compile(r"\s*(?:[,.;:)]|$)|\s+(?:will|is|was|are|were|has|had|have|would|goes|went)\b")
_SUBJECT_IS_PART = re.compile(
    r"\s*(?:The|This|That|It|Its|These)\b[^,.;:£$€]{0,60}?\b(?:is|are|was|were|forms?|will\s+be)\s+(?:a\s+)?part\s+of\b",
    re.IGNORECASE,
)
# Every trigger of _named_wholes holds one of these (case-sensitive, looked for with "in": a C-speed
# search per key costs less than one scan with an alternation, which stops at every space).
_NAMED_WHOLE_KEYS = (
    "toward", "largest", "biggest", "smallest", " of th", "funded", "financed", "paid for", "remainder",
    "rest of", "balance", "share of", " from ",
)  # fmt: skip
# "£450,000 towards the cost", "£1.44 million of support towards the project": no figure follows
# (a figure after "towards the" is the whole itself, read by money_context's part_of_left).
_TOWARDS_THE = re.compile(
    r"\s+(?:(?:of|in)\s+[\w-]+\s+)?towards?\s+(?:the|its|their)\s+(?:total\s+|overall\s+)?"
    r"(?:cost|costs|project|scheme|work|works|programme)\b"
)
# "announced the funding today, which includes": the figure named before, by its noun
_NAMED_FUNDING = re.compile(
    r"\b(?:the|this)\s+(?:funding|money|investment|package|allocation|settlement)\b(?:\s+\w+){0,2},?\s*$"
)
_FUNDED_BY = re.compile(
    r"\b(?:is|are|was|were|be|being)\s+(?:partly\s+|largely\s+|mainly\s+|mostly\s+)?"
    r"(?:funded|financed|paid\s+for)\s+(?:by|with|through)\s+(?:a\s+|an\s+)?$"
)
_REMAINDER_OF = re.compile(r"\b(?:remainder|rest|balance)\s+of\s+(?:the|this|its)\s+$", re.IGNORECASE)
_SHARE_OF_NAMED = re.compile(
    r"\bshare\s+of\s+(?:the|this|that)\s+(?:[\w-]+\s+){1,2}(?:is|was|will\s+be|amounts\s+to|comes\s+to)\s+"
    r"(?:around\s+|about\s+|almost\s+|nearly\s+|some\s+|more\s+than\s+)?$"
)
_FROM_CONTAINER_WORTH = re.compile(
    r"\s+(?:comes|come|came|will\s+come|is\s+drawn|will\s+be\s+drawn)\s+from\s+[^.;:£$€]{0,100}?"
    r"\b(?:fund|programme|budget|pot|package|scheme)\b,?\s+(?:which\s+has\s+a\s+(?:total\s+)?budget\s+of"
    r"|which\s+is\s+worth|worth|totalling|with\s+a\s+(?:total\s+)?budget\s+of)\s+"
    r"(?:around\s+|about\s+|some\s+|more\s+than\s+)?"
)
_EACH_UP_TO = re.compile(r"\b[a-z]+s\s+of\s+up\s+to\s+$")
# "£15 million of the total has been", "£2m of this funding will": no figure follows the noun
_OF_THE_NOUN = re.compile(
    r"\s+of\s+(?:the|this|that)\s+(?:total|funding|money|investment|package|fund|budget|allocation|grant)"
    r"\s+(?:has|have|had|is|are|was|were|will|would|goes|went|must|can|could|should|may|,)"
)
# "The largest single award, £6.8 million", "will receive the largest share, £14.2m"
_SUPERLATIVE = re.compile(
    r"\b(?:largest|biggest|smallest)\s+(?:single\s+)?(?:individual\s+)?"
    r"(?:award|grant|share|allocation|saving|sum|amount|contribution|investment|payment)s?\s*,?\s*$"
)
_TARGET_BEFORE = re.compile(r"\btargets?\s+of\s+(?:around\s+|about\s+)?$")
_OF_WHICH = re.compile(r"\bof\s+which\b", re.IGNORECASE)
_FROM_THE = re.compile(
    r"\s+from\s+(?:the|this|that)\s+(fund|pot|programme|package|budget|scheme)\b", re.IGNORECASE
)
_OTHER_LIST = re.compile(r"^\s*(?:Other|Further|Remaining|The\s+other|The\s+remaining)\b", re.IGNORECASE)
_INCLUDES = re.compile(
    r"\b(?:which|that)\s+(?:includes?|included|comprises|consists\s+of)\b|\bincluding\b|\bof\s+which\b"
    r"|\bincludes?\b|\bcomprising\b|\bcomprises\b|\bconsists?\s+of\b|\bmade\s+up\s+of\b|\bbroken\s+down\b"
    r"|\bbreaks\s+down\b|\bbreakdown\b|\bas\s+follows\b|\bsplit\s+(?:between|into|as)\b",
    re.IGNORECASE,
)
# Cheap test before the pattern: every trigger contains one of these.
_INCLUDE_KEYS = (
    "includ",
    "of which",
    "compris",
    "consist",
    "broken down",
    "breaks down",
    "breakdown",
    "follows",
    "made up",
    "split",
)
_NOT_INCLUDED = re.compile(
    r"\b(?:on\s+top\s+of|in\s+addition\s+to|as\s+well\s+as|adding\s+to|adds\s+to|plus|alongside|besides)\b",
    re.IGNORECASE,
)
_PAREN_EXCLUDES = re.compile(
    r"\b(?:plus|excluding|exc|inc|including\s+vat|vat|equivalent|approx\w*|about|around|or|per|each|up\s+from"
    r"|down\s+from|compared|previously|was|were|from)\b|%",
    re.IGNORECASE,
)


# (map() with these runs in C: a generator would cost a function call per use in Python 3.11)
_SENTENCE_OF = attrgetter("sentence")
_IN_TITLE = attrgetter("in_title")
_MENTIONS_OF = attrgetter("mentions")
_TEXT_OF = itemgetter(1)  # of a (block_index, text, list_item) in _texts()


@dataclass(slots=True)
class _Mention:
    found: Found
    block_index: int
    order: int  # position in reading order
    sentence: int  # global sentence number
    list_item: bool
    context: Context
    in_title: bool
    entry: int = -1


@dataclass(slots=True)
class _Entry:
    """One money figure: the first mention's surface plus what all its mentions said."""

    first: _Mention
    mentions: list[_Mention] = field(default_factory=list)
    is_funding: bool = True
    unsaid: bool = False  # funding only because its first mention's words say nothing either way
    purpose: str | None = None
    strong_purpose: bool = False
    period: str | None = None
    funder: str | None = None
    qualifier: str | None = None
    part_of: int | None = None
    total: bool = False
    equivalent_of: int | None = None

    @property
    def amount(self) -> Decimal:
        return self.first.found.amount

    @property
    def currency(self) -> str:
        return self.first.found.currency


@dataclass(slots=True)
class _Sentence:
    block_index: int
    text: str
    start: int
    end: int
    list_item: bool
    mentions: list[_Mention] = field(default_factory=list)
    referent: int | None = None  # what "This"/"The funding" at its start resolved to
    previous: int | None = None  # the single figure of the sentence before, when it has one


def parse_amount(text: str) -> tuple[Decimal, str] | None:
    """Read an amount a person typed: "5000000", "£5m", "5 million", "£1.2bn", "$2bn", "half a billion pounds".

    Returns (amount in currency units, ISO currency), pounds when no currency is given, or None when
    the text is not one amount. Never raises.
    """
    return parse_user_amount(text)


def extract_money(story: Story) -> tuple[Money, ...]:
    """Every money figure in the story, in reading order, each listed once."""
    texts = _texts(story)
    found = _find_all(texts)
    if not any(found):
        return ()  # no amount anywhere: the sentences need not be built
    sentences = _sentences(texts, found)
    mentions = list(itertools.chain.from_iterable(map(_MENTIONS_OF, sentences)))
    entries = _merge_repeats(mentions)
    _link_comparisons(sentences, entries)
    if len(entries) > 1:  # a figure can only be part of another one
        _link_equivalents(sentences, entries)
        headings = frozenset([i for i, block in enumerate(story.blocks) if block.kind is BlockKind.HEADING])
        _link_parts(sentences, entries, mentions, headings)
        _fund_containers(entries)
    _periods_said_after(sentences, entries)
    return tuple(map(_money, entries, itertools.repeat(entries)))


# --- reading ---------------------------------------------------------------------------------


def _texts(story: Story) -> list[tuple[int, str, bool]]:
    texts = [(TITLE_INDEX, story.title, False)]
    first = story.blocks[0].text if story.blocks else None
    if story.description and story.description.strip() != (first or "").strip():
        texts.append((DESCRIPTION_INDEX, story.description, False))
    texts.extend([(i, b.text, b.kind is BlockKind.LIST_ITEM) for i, b in enumerate(story.blocks)])
    return texts


def _sentences(texts: list[tuple[int, str, bool]], found: list[list[Found]]) -> list[_Sentence]:
    sentences: list[_Sentence] = []
    order = 0
    # The replacements the tokeniser may need anywhere in the story, worked out once (a window needs
    # no more than its own text's, and a replacement for a character it lacks changes nothing).
    pairs = spaced_pairs("".join(map(_TEXT_OF, texts)))
    lead_in = ""  # "From September, trainees will receive:" before a list: what its items' amounts are
    for (block_index, text, list_item), items in zip(texts, found, strict=True):
        if not list_item:
            stripped = text.rstrip()
            lead_in = stripped[:-1][-LEAD_IN:] if stripped.endswith(":") else ""
        if not items:
            sentences.append(_Sentence(block_index, text, 0, len(text), list_item))
            continue
        starts = _sentence_starts(text)
        block_sentences = [
            _Sentence(block_index, text, start, end, list_item)
            for start, end in zip(starts, starts[1:] + [len(text)], strict=True)
        ]
        first_number = len(sentences)
        sentences.extend(block_sentences)
        for item in items:
            number = bisect.bisect_right(starts, item.start) - 1
            sentence = block_sentences[number]
            left = text[max(sentence.start, item.start - 300) : item.start]
            window_pairs = pairs
            if list_item and lead_in and not any(c.isalnum() for c in left):
                left = lead_in + " " + left  # "• £15,000 for those with a 2:1" reads on from its lead-in
                # with the item's own replacements, as the lead-in has always been read
                window_pairs = spaced_pairs(text)
            right = text[item.end : min(sentence.end, item.end + 300)]
            mention = _Mention(
                item, block_index, order, first_number + number, list_item,
                read_context(left, right, item.amount, window_pairs), block_index == TITLE_INDEX,
            )  # fmt: skip
            order += 1
            sentence.mentions.append(mention)
    return sentences


def _find_all(texts: list[tuple[int, str, bool]]) -> list[list[Found]]:
    """The amounts in each text, all texts searched as one string: one scan instead of one per text.

    The limits are the title's own (MAX_MENTIONS) and the body's (twice that): a title shorter than
    _SHORT_TITLE holds too few anchors to reach its limit, and when the joined scan reaches none of
    the body's limits, the body alone would not have either. Otherwise the title and the body are
    searched apart, so the limits cut exactly where they always have; and so they are when "İ" or
    the Kelvin sign is present, which make the lexer search a lower-cased copy of the text itself
    (money_lexer._anchors) where one text's characters would move the other's positions.
    """
    if len(texts[0][1]) < _SHORT_TITLE:
        joined = _SEPARATOR.join(map(_TEXT_OF, texts))
        if "\u0130" not in joined and "\u212a" not in joined:
            found, complete = scan_amounts(joined, 2 * MAX_MENTIONS)
            if complete:
                return _per_text(texts, found)
    return _find_apart(texts)


def _per_text(texts: list[tuple[int, str, bool]], found: list[Found]) -> list[list[Found]]:
    """Amounts found in the joined texts, each moved to its own text's positions, in MAX_MENTIONS."""
    bases = [0]
    for _, text, _ in texts:
        bases.append(bases[-1] + len(text) + len(_SEPARATOR))
    per_text: list[list[Found]] = [[] for _ in texts]
    budget = MAX_MENTIONS  # less the title's amounts, which are all kept
    for item in found:
        if item.start >= bases[1]:
            break
        budget -= 1
    for item in found:
        index = bisect.bisect_right(bases, item.start) - 1
        base = bases[index]
        if index:  # in the body, as _find_apart counts
            if budget <= 0:
                log.warning("more than %s money mentions in one story: the rest are ignored", MAX_MENTIONS)
                break
            if item.end - base > len(texts[index][1]):
                continue
            budget -= 1
        per_text[index].append(
            Found(item.start - base, item.end - base, item.surface, item.amount, item.currency, item.bound)
        )
    return per_text


def _find_apart(texts: list[tuple[int, str, bool]]) -> list[list[Found]]:
    """_find_all() for long titles, too many amounts, "İ" or the Kelvin sign: the title, then the body."""
    title, *rest = texts
    joined = _SEPARATOR.join(text for _, text, _ in rest)
    bases = list(itertools.accumulate((len(text) + len(_SEPARATOR) for _, text, _ in rest), initial=0))
    per_text: list[list[Found]] = [find_amounts(title[1], MAX_MENTIONS)] + [[] for _ in rest]
    budget = MAX_MENTIONS - len(per_text[0])
    for item in find_amounts(joined, 2 * MAX_MENTIONS):
        if budget <= 0:
            log.warning("more than %s money mentions in one story: the rest are ignored", MAX_MENTIONS)
            break
        index = bisect.bisect_right(bases, item.start) - 1
        base = bases[index]
        if item.end - base <= len(rest[index][1]):
            per_text[index + 1].append(
                Found(
                    item.start - base, item.end - base, item.surface, item.amount, item.currency, item.bound
                )
            )
            budget -= 1
    return per_text


def _sentence_starts(text: str) -> list[int]:
    """Where sentences start; a run-on "sentence" is cut every MAX_SENTENCE characters (at a space)."""
    starts = [0]
    for match in _SENTENCE_BREAK.finditer(text):
        while match.end() - starts[-1] > MAX_SENTENCE:
            starts.append(_cut(text, starts[-1]))
        starts.append(match.end())
    while len(text) - starts[-1] > MAX_SENTENCE:
        starts.append(_cut(text, starts[-1]))
    return starts


def _cut(text: str, start: int) -> int:
    space = text.rfind(" ", start + MAX_SENTENCE // 2, start + MAX_SENTENCE)
    return space + 1 if space != -1 else start + MAX_SENTENCE


# --- repeats ---------------------------------------------------------------------------------


def _merge_repeats(mentions: list[_Mention]) -> list[_Entry]:
    entries: list[_Entry] = []
    by_amount: dict[tuple[Decimal, str], list[int]] = {}
    for mention in mentions:
        key = (mention.found.amount, mention.found.currency)
        earlier = by_amount.setdefault(key, [])
        same = None
        for i in reversed(earlier[-_MAX_SAME_AMOUNT:]):
            if _is_repeat(entries[i], mention):
                same = i
                break
        if same is None:
            entry = _Entry(mention)
            _absorb(entry, mention, first=True)
            earlier.append(len(entries))
            mention.entry = len(entries)
            entries.append(entry)
        else:
            _absorb(entries[same], mention, first=False)
            mention.entry = same
    return entries


def _is_repeat(entry: _Entry, mention: _Mention) -> bool:
    new = mention.context
    if mention.sentence in map(_SENTENCE_OF, entry.mentions):
        # one sentence names the same figure twice only to point back at it ("on top of the £650 payment");
        # otherwise they are two ("totalled £2.2 million, a decrease of £2.2m")
        return new.definite
    if new.definite or mention.in_title:
        return True
    # A breakdown listed after the sentence that gave it ("£80 million for resurfacing and £40 million for
    # a new repair fund" … "How the money is shared: • £40 million in a competitive fund for …") restates.
    if mention.list_item and not any(old.list_item or old.in_title for old in entry.mentions):
        return True
    # Two mentions that each say what they are for, and say different things, are two figures. The
    # title's wording is too terse to compare ("£300M FUNDING BOOST FOR NORTHERN IRELAND").
    for old in entry.mentions:
        if old.in_title or not (old.context.strong_purpose and new.strong_purpose):
            continue
        # "a new £617 million discretionary fund" and "the £617 million fund for small businesses": one fund
        if old.context.head is not None and old.context.head == new.head:
            return True
        return bool(_stems(old.context.purpose) & _stems(new.purpose))
    return True


_STOP = frozenset(
    _words(
        "the a an of for to and in on with by from at its their our this that these those be is are will new "
        "more than over up help support"
    )
)


def _stems(text: str | None) -> set[str]:
    words = re.findall(r"[a-z0-9]+", (text or "").lower())
    return {w[:4] for w in words if w not in _STOP}


def _absorb(entry: _Entry, mention: _Mention, first: bool) -> None:
    entry.mentions.append(mention)
    context = mention.context
    # The title's wording is terse ("£500 better off"): the first mention outside it decides.
    first_outside_title = not mention.in_title and all(map(_IN_TITLE, entry.mentions[:-1]))
    if first or first_outside_title:
        entry.is_funding, entry.unsaid = context.is_funding, context.unsaid
    better = context.purpose and (
        entry.purpose is None
        or context.strong_purpose
        and not entry.strong_purpose
        or first_outside_title
        and context.strong_purpose
    )
    if better:
        entry.purpose, entry.strong_purpose = context.purpose, context.strong_purpose
    entry.period = entry.period or context.period
    # A funder named in the body beats the title's shorthand ("Minister announces £3.5m").
    if context.funder and (entry.funder is None or first_outside_title):
        entry.funder = context.funder
    entry.qualifier = entry.qualifier or context.qualifier
    entry.total = entry.total or context.total


# --- equivalents and parts -------------------------------------------------------------------


def _link_comparisons(sentences: list[_Sentence], entries: list[_Entry]) -> None:
    """ "£5,150 per pupil, up from £5,000": the earlier level is the same kind of money as the new one."""
    for sentence in sentences:
        if len(sentence.mentions) < 2:
            continue  # most sentences: no pair to compare
        for before, after in zip(sentence.mentions, sentence.mentions[1:], strict=False):
            if after.found.start - before.found.end > 60:
                continue  # (lower() may lengthen the gap, never shorten it)
            gap = sentence.text[before.found.end : after.found.start].lower()
            target = entries[after.entry]
            if len(gap) <= 60 and _COMPARED.search(gap) and target.first is after:
                target.is_funding = entries[before.entry].is_funding


def _link_equivalents(sentences: list[_Sentence], entries: list[_Entry]) -> None:
    """ "£500,000 (more than 6 crores taka)": the second is the first in another currency."""
    for sentence in sentences:
        if len(sentence.mentions) < 2:
            continue  # most sentences: no pair to compare
        for before, after in zip(sentence.mentions, sentence.mentions[1:], strict=False):
            if before.found.currency == after.found.currency:
                continue
            gap = sentence.text[before.found.end : after.found.start]
            if len(gap) <= 40 and "(" in gap and ")" not in gap:
                target, source = entries[after.entry], entries[before.entry]
                if target.first is after:
                    target.equivalent_of = before.entry
                    target.is_funding = source.is_funding
                    target.purpose = target.purpose or source.purpose


def _link_parts(
    sentences: list[_Sentence], entries: list[_Entry], mentions: list[_Mention], headings: frozenset[int]
) -> None:
    headline = _headline(entries)
    for number, sentence in enumerate(sentences):
        if sentence.block_index < 0 or not sentence.mentions and not _ends_with_colon(sentence):
            continue
        opening = sentence.text[sentence.start : sentence.end]
        if opening[:1] not in _ANAPHOR_FIRSTS and not opening[:1].isspace():
            pass  # (neither pattern below can match: one look-up spares most sentences both)
        elif _OTHER_LIST.match(opening) and headline is not None:
            sentence.referent = headline  # "Other allocations include:" - the rest of the story's total
        elif _ANAPHOR.match(opening):
            sentence.referent = _resolve(sentences, number, entries, headline)
            sentence.previous = _resolve(sentences, number, entries, None)
        several = len(sentence.mentions) > 1  # brackets, shares of the next figure and sums need two
        if several:
            _parentheses(sentence, entries)
        _of_the_whole(sentences, number, entries, headline, opening)
        _inclusions(sentences, number, entries, headline, opening)
        _part_of_phrases(sentences, number, entries)
        if sentence.mentions and _holds_any(opening, _NAMED_WHOLE_KEYS):  # (spares most sentences)
            _named_wholes(sentences, number, entries, headline, several)
        _totals(sentence, entries, headline)
        if several:
            _share_of_next(sentence, entries)
        _from_the_container(sentences, number, entries)
        _further_contribution(sentences, number, entries)
        if several:
            _sums(sentence, entries)
        _shares_and_years(sentences, number, entries, headline)
    _introduced_lists(sentences, entries, headline, headings)
    for sentence in sentences:  # after every other link: "the remaining £X" needs its siblings' total
        _remaining(sentence, entries)


def _periods_said_after(sentences: list[_Sentence], entries: list[_Entry]) -> None:
    """ "£350m to resurface rural A-roads. The money will be shared ... over the next 2 years": a
    sentence that refers back ("The money", "The funding") says over how long the figure is given
    when it says so before naming any amount of its own."""
    if all(entry.period is not None for entry in entries):
        return  # nothing to fill in
    headline = None
    for number, sentence in enumerate(sentences):
        if (
            sentence.block_index < 0
            # (_ANAPHOR's first letter, or a space before it: a set look-up spares most sentences the match)
            or sentence.text[sentence.start : sentence.start + 1] not in _ANAPHOR_FIRSTS
            and not sentence.text[sentence.start : sentence.start + 1].isspace()
            or not _ANAPHOR.match(sentence.text, sentence.start, sentence.end)
        ):
            continue
        end = sentence.mentions[0].found.start if sentence.mentions else sentence.end
        period = duration_in(sentence.text, sentence.start, end)
        if period is None:
            continue
        headline = _headline(entries) if headline is None else headline
        referent = _resolve(sentences, number, entries, headline)
        if referent is not None and entries[referent].period is None:
            entries[referent].period = period


def _holds_any(text: str, keys: tuple[str, ...]) -> bool:
    for key in keys:  # noqa: SIM110 - any() over a generator costs a function call more
        if key in text:
            return True
    return False


def _ends_with_colon(sentence: _Sentence) -> bool:
    text, start, end = sentence.text, sentence.start, sentence.end
    while end > start and text[end - 1].isspace():  # as rstrip() would, without a copy of the sentence
        end -= 1
    return end > start and text[end - 1] == ":"


def _headline(entries: list[_Entry]) -> int | None:
    """The story's main figure: the first funding figure of the title, else of the opening text.

    When the opening text restates the title's figure more exactly ("£680m" in the title, "more than
    £682m" in the first paragraph), the exact one is the headline.
    """
    opening = [
        i
        for i, e in enumerate(entries)
        if e.is_funding and e.equivalent_of is None and not e.first.in_title and e.first.block_index <= 0
    ]
    for i, entry in enumerate(entries):
        if entry.is_funding and entry.equivalent_of is None and entry.first.in_title:
            close = [j for j in opening if _close(entries[j], entry)]
            return close[0] if close else i
    return opening[0] if opening else None


def _close(a: _Entry, b: _Entry) -> bool:
    return a.currency == b.currency and abs(a.amount - b.amount) <= b.amount / 20


def _set_part(entries: list[_Entry], part: int, whole: int | None, across_currencies: bool = False) -> bool:
    """Make `part` a part of `whole` when it can be: smaller, and not money of another kind.

    A fine is not part of an enforcement drive's funding. Another currency only where the text says
    the figure counts towards a total ("brings the total pledged to $2 billion"), compared roughly.
    """
    if whole is None or part == whole:
        return False
    p, w = entries[part], entries[whole]
    if p.part_of is not None or w.part_of == part or w.is_funding and not p.is_funding:
        return False
    if p.currency == w.currency:
        smaller = p.amount < w.amount
    elif across_currencies and p.currency in _ROUGH_GBP and w.currency in _ROUGH_GBP:
        smaller = p.amount * _ROUGH_GBP[p.currency] < w.amount * _ROUGH_GBP[w.currency]
    else:
        return False
    if not smaller:
        return False
    p.part_of = whole
    return True


def _eligible(mentions: list[_Mention], entries: list[_Entry]) -> list[int]:
    """Figures a later "This" can point at: not an earlier or separate amount, not a translation."""
    seen: list[int] = []
    for m in mentions:
        if not m.context.prior and entries[m.entry].equivalent_of is None and m.entry not in seen:
            seen.append(m.entry)
    return seen


def _resolve(
    sentences: list[_Sentence], number: int, entries: list[_Entry], headline: int | None
) -> int | None:
    """What "This", "The funding", "Other allocations" at the start of sentence `number` refer to.

    The figure of the sentence before, in the same paragraph; across a paragraph break "This" is
    rather the story's own news (its headline figure) than the last detail of the paragraph before.
    """
    block = sentences[number].block_index
    for back in range(number - 1, max(number - 4, -1), -1):
        previous = sentences[back]
        if previous.block_index < 0:
            break
        if previous.referent is not None:
            return previous.referent
        if not previous.mentions:
            continue
        if previous.block_index != block and headline is not None:
            break
        candidates = _eligible(previous.mentions, entries)
        if len(candidates) == 1:
            return candidates[0]
        containers = {entries[c].part_of for c in candidates}
        if len(containers) == 1 and None not in containers:
            return containers.pop()
        break
    return headline


def _parentheses(sentence: _Sentence, entries: list[_Entry]) -> None:
    """ "£9.2million for schools (schools reopening (£8million), ...)": bracketed amounts are parts."""
    mentions = sentence.mentions
    for index, part in enumerate(mentions):
        for whole in reversed(mentions[max(0, index - 10) : index]):
            gap = sentence.text[whole.found.end : part.found.start]
            if len(gap) > 300 or gap.count("(") <= gap.count(")"):
                continue
            if "followed by" in gap:
                break  # "£14.2m, followed by Cardiff (£9.6m)": the next in a ranking, not a part
            inner = gap[gap.rfind("(") + 1 :]
            if part.found.currency == whole.found.currency and not _PAREN_EXCLUDES.search(inner):
                _set_part(entries, part.entry, whole.entry)
            break


def _inclusions(
    sentences: list[_Sentence], number: int, entries: list[_Entry], headline: int | None, text: str
) -> None:
    """ "£40 million ..., which includes £11 million ..." and lists after "... includes:".

    `text` is the sentence's text.
    """
    sentence = sentences[number]
    lowered = text.lower()
    for key in _INCLUDE_KEYS:  # (a loop rather than any() over a generator, which costs a function call)
        if key in lowered:
            break
    else:
        return
    for trigger in _INCLUDES.finditer(text):
        at = sentence.start + trigger.start()
        # (a figure given before can still be the whole: "already ... £460m, including £280m from ...")
        before = [m for m in sentence.mentions if m.found.end <= at]
        if before:
            whole: int | None = before[-1].entry
        elif _ANAPHOR.match(text):
            whole = sentence.referent
        elif _NAMED_FUNDING.search(text, 0, trigger.start()):
            # "The minister announced the funding today, which includes £27 million for ..."
            whole = _resolve(sentences, number, entries, headline)
        else:
            continue
        after = [m for m in sentence.mentions if m.found.start > at]
        stop = _NOT_INCLUDED.search(text, trigger.end())
        limit = sentence.start + stop.start() if stop else sentence.end
        for m in after:
            if (
                m.found.start < limit
                and not _inside_parentheses(sentence, m)
                and not _in_relative_clause(sentence.text, trigger.end() + sentence.start, m.found.start)
            ):
                _include_funding(entries, m, whole)
                _set_part(entries, m.entry, whole)
        if text.rstrip().endswith(":") and number == _last_sentence_of_block(sentences, number):
            _list_parts(sentences, number, entries, whole)
        if whole is not None and _OTHER_LIST.match(text):
            _earlier_siblings(sentences, number, entries, whole)
        break


def _in_relative_clause(text: str, start: int, end: int) -> bool:
    """ "investing £375m, including new IT, which is expected to save £100m a year": a figure in a
    relative clause after the list says something else about it (", and £250m for ..." after the
    clause resumes the list)."""
    which = text.rfind(", which ", start, end)
    return which != -1 and text.find(",", which + 1, end) == -1


def _include_funding(entries: list[_Entry], mention: _Mention, whole: int | None) -> None:
    """ "£4.2 billion of funding ... This includes £3.3 billion for the pay rise": what a funding figure
    is said to include is funding too, whatever it pays for; not a sum each person gets ("£150")."""
    part = entries[mention.entry]
    if (
        whole is not None
        and entries[whole].is_funding
        and not part.is_funding
        and part.first is mention
        and part.amount >= SMALL_AMOUNT  # below it, what each person or household gets
    ):
        part.is_funding = True


def _of_the_whole(
    sentences: list[_Sentence], number: int, entries: list[_Entry], headline: int | None, text: str
) -> None:
    """ "Of the £80 million, £33 million ..." and "Out of the allocated funds, £22 million ...".

    `text` is the sentence's text.
    """
    sentence = sentences[number]
    if _OF_THIS.match(text):  # "Of this, £150,000 ...": parts of the figure just named
        limit = _of_which_limit(sentence, text)
        for m in sentence.mentions:
            if m.found.start < limit and not _inside_parentheses(sentence, m) and not m.context.prior:
                _set_part(entries, m.entry, _resolve(sentences, number, entries, headline))
        return
    opening = _OF_THE.match(text)
    if not opening or not sentence.mentions:
        return
    first = sentence.mentions[0]
    if first.found.start - sentence.start <= opening.end() + 12:  # "Of the £80 million, ..."
        whole: int | None = first.entry
        parts = sentence.mentions[1:]
    else:
        head = text[opening.end() : first.found.start - sentence.start].lower()
        if not _WHOLE_NOUN.search(head):
            return
        whole = _resolve(sentences, number, entries, headline)
        parts = sentence.mentions
    limit = _of_which_limit(sentence, text)
    for m in parts:
        if m.found.start < limit and not _inside_parentheses(sentence, m) and not m.context.prior:
            _set_part(entries, m.entry, whole)


def _of_which_limit(sentence: _Sentence, text: str) -> int:
    """ "Of this, £200m goes to coast towns, of which £50m is for piers": the figures after "of which"
    are parts of the figure just before it (which _inclusions links), not of the opening's whole."""
    trigger = _OF_WHICH.search(text)
    return sentence.start + trigger.start() if trigger else sentence.end


def _from_the_container(sentences: list[_Sentence], number: int, entries: list[_Entry]) -> None:
    """ "Councils get £60 million from the fund": a part of the fund named before (same or earlier sentence)."""
    sentence = sentences[number]
    if not sentence.mentions or sentence.text.find(" from ", sentence.start, sentence.end) == -1:
        return  # the usual case, one C-speed scan
    for m in sentence.mentions:
        named = _FROM_THE.match(sentence.text, m.found.end)
        if not named or entries[m.entry].part_of is not None:
            continue
        noun = named[1].lower()
        earlier = [
            e
            for back in sentences[max(0, number - 3) : number + 1]
            for e in back.mentions
            if e.order < m.order
        ]
        whole = next((e.entry for e in reversed(earlier) if e.context.head == noun), None)
        _set_part(entries, m.entry, whole)


def _inside_parentheses(sentence: _Sentence, mention: _Mention) -> bool:
    before = sentence.text[sentence.start : mention.found.start]
    return before.count("(") > before.count(")")


def _last_sentence_of_block(sentences: list[_Sentence], number: int) -> int:
    block = sentences[number].block_index
    while number + 1 < len(sentences) and sentences[number + 1].block_index == block:
        number += 1
    return number


def _reads_as_item(sentence: _Sentence) -> bool:
    """A short paragraph that starts with an amount, as list items lose their bullets when reposted."""
    return (
        len(sentence.text) <= 200
        and bool(sentence.mentions)
        and sentence.mentions[0].found.start == sentence.start == 0
    )


def _list_parts(sentences: list[_Sentence], number: int, entries: list[_Entry], whole: int | None) -> None:
    """The first amount of each list item after an introducing line is a part of `whole`."""
    block = sentences[number].block_index
    items: list[_Mention] = []
    current = None
    for sentence in sentences[number + 1 :]:
        if not sentence.list_item and not _reads_as_item(sentence):
            break
        if sentence.block_index != current:
            current = sentence.block_index
            firsts = [m for m in sentence.mentions if not _inside_parentheses(sentence, m)]
            if firsts:
                items.append(firsts[0])
        elif sentence.block_index == block:
            break
    if not items:
        return
    total = sum((m.found.amount for m in items), Decimal(0))
    if whole is None or entries[whole].amount != total:
        # "This is broken down as follows:" after a line naming several figures: the one the list
        # adds up to is the whole.
        whole = next(
            (i for i, e in enumerate(entries) if e.amount == total and e.first.order < items[0].order), whole
        )
    for m in items:
        _set_part(entries, m.entry, whole)


def _remaining(sentence: _Sentence, entries: list[_Entry]) -> None:
    """ "• £4.1 million for Bristol … The remaining £28.4 million will be shared between 15 smaller
    schemes": the rest of the total the figures before it were parts of (the latest such total it
    fits inside)."""
    for m in sentence.mentions:
        entry = entries[m.entry]
        if entry.first is not m or entry.part_of is not None:
            continue
        if not _just_before(_REMAINING, sentence, m, 20):
            continue
        wholes = [e.part_of for e in reversed(entries[: m.entry]) if e.part_of is not None]
        for whole in dict.fromkeys(wholes):  # nearest first, each once
            if _set_part(entries, m.entry, whole):
                break


def _earlier_siblings(sentences: list[_Sentence], number: int, entries: list[_Entry], whole: int) -> None:
    """ "Other allocations include:" says the figures given before it are allocations of `whole` too."""
    start = entries[whole].first.order
    for sentence in sentences[:number]:
        for m in sentence.mentions:
            entry = entries[m.entry]
            if (
                m.order > start
                and entry.first is m
                and entry.is_funding
                and not entry.total
                and not m.context.prior
                and entry.equivalent_of is None
                and not any(e.part_of == m.entry for e in entries)
            ):
                _set_part(entries, m.entry, whole)


def _part_of_phrases(sentences: list[_Sentence], number: int, entries: list[_Entry]) -> None:
    """ "The £2 million ... is part of a £5 million package", "£2m from the £10m fund".

    "The work is part of the £112m resurfacing budget" with no figure before it in the sentence: the
    part is the figure of the sentence before.
    """
    sentence = sentences[number]
    for index, whole in enumerate(sentence.mentions):
        if not whole.context.part_of_left:
            continue
        before = [m for m in sentence.mentions[:index] if not m.context.prior]
        if before:
            _set_part(entries, before[-1].entry, whole.entry)
            if len(before) >= 2 and _is_range(sentence.text, before[-2], before[-1]):
                _set_part(entries, before[-2].entry, whole.entry)  # both bounds of "between £X and £Y"
        elif sentence.referent is not None:
            _set_referent_part(sentence, entries, whole.entry)
        elif _SUBJECT_IS_PART.match(sentence.text, sentence.start, whole.found.start):
            part = _resolve(sentences, number, entries, None)
            if part is not None:  # no figure before it for "The programme" to be
                _set_part(entries, part, whole.entry)


def _is_range(text: str, low: _Mention, high: _Mention) -> bool:
    """ "between £500,000 and £1 million", "from £2m to £3m", "£2-3 million": two bounds of one range."""
    if low.found.bound == "low" and high.found.bound == "high":
        return True
    gap = text[low.found.end : high.found.start]
    opening = text[max(0, low.found.start - 8) : low.found.start]
    return gap in (" and ", " to ") and opening.rstrip().endswith(("between", "from"))


def _named_wholes(
    sentences: list[_Sentence], number: int, entries: list[_Entry], headline: int | None, several: bool
) -> None:
    """Wholes named by words around a figure: "towards the cost", "the largest award", "of the total",
    "is funded by", "the remainder of", "share of the", "comes from the X programme, which has a budget of"."""
    sentence = sentences[number]
    _towards_named_whole(sentences, number, entries, headline)
    _largest_share(sentences, number, entries, headline)
    _of_the_named_whole(sentences, number, entries, headline)
    if several:
        _funded_by(sentence, entries)
    _remainder_of(sentences, number, entries)
    _share_of_named(sentences, number, entries, headline)
    if several:
        _from_a_container_worth(sentence, entries)


def _towards_named_whole(
    sentences: list[_Sentence], number: int, entries: list[_Entry], headline: int | None
) -> None:
    """ "The trust has raised £450,000 towards the cost", "contribute £100m towards the cost of the
    scheme": a contribution to a total named before without its figure. The total is the latest figure
    named as a cost ("the £1.9 million cost of the project"), else the story's headline figure."""
    sentence = sentences[number]
    if not sentence.mentions or sentence.text.find("toward", sentence.start, sentence.end) == -1:
        return  # the usual case, one C-speed scan
    for m in sentence.mentions:
        if entries[m.entry].part_of is not None or entries[m.entry].first is not m:
            continue
        if not _TOWARDS_THE.match(sentence.text, m.found.end, sentence.end):
            continue
        earlier = [e for back in sentences[: number + 1] for e in back.mentions if e.order < m.order]
        cost = next((e.entry for e in reversed(earlier) if e.context.cost), None)
        _set_part(entries, m.entry, cost if cost is not None else headline)


def _of_the_named_whole(
    sentences: list[_Sentence], number: int, entries: list[_Entry], headline: int | None
) -> None:
    """ "Around £15 million of the total has been set aside for children": a share of the figure the
    sentence follows on from (else the headline), named by a noun rather than its figure."""
    sentence = sentences[number]
    if not sentence.mentions or sentence.text.find(" of th", sentence.start, sentence.end) == -1:
        return  # the usual case, one C-speed scan
    for m in sentence.mentions:
        if entries[m.entry].part_of is not None or entries[m.entry].first is not m:
            continue
        if _OF_THE_NOUN.match(sentence.text, m.found.end, sentence.end):
            _set_part(entries, m.entry, _resolve(sentences, number, entries, headline))


def _funded_by(sentence: _Sentence, entries: list[_Entry]) -> None:
    """ "The £7.4 million scheme is funded by £6.1 million of grant-in-aid, with the remainder from ...":
    money that pays for a figure named before it in the sentence is a part of that figure."""
    if not _says_any(sentence, "funded", "financed", "paid for"):
        return  # the usual case
    for index, m in enumerate(sentence.mentions):
        if not index or entries[m.entry].part_of is not None:
            continue
        if _just_before(_FUNDED_BY, sentence, m, 40):
            _set_part(entries, m.entry, sentence.mentions[index - 1].entry)


def _just_before(pattern: re.Pattern[str], sentence: _Sentence, mention: _Mention, reach: int) -> bool:
    """`pattern` matches in the `reach` characters of the sentence before the mention ("The remaining £X")."""
    start = mention.found.start
    return pattern.search(sentence.text, max(sentence.start, start - reach), start) is not None


def _says_any(sentence: _Sentence, *words: str) -> bool:
    """The sentence has money and one of `words` (a few C-speed scans that spare most sentences a rule)."""
    if not sentence.mentions:
        return False
    text, start, end = sentence.text, sentence.start, sentence.end
    for word in words:  # noqa: SIM110 - a loop rather than any() over a generator: this runs for every sentence
        if text.find(word, start, end) != -1:
            return True
    return False


def _remainder_of(sentences: list[_Sentence], number: int, entries: list[_Entry]) -> None:
    """ "The contract, worth £854 million, covers ... The remainder of the £1.2bn investment will fund
    ...": the figure just before is the rest's complement, a part of the whole named."""
    sentence = sentences[number]
    if not _says_any(sentence, "remainder", "rest of", "balance"):
        return  # the usual case
    for index, m in enumerate(sentence.mentions):
        if not _just_before(_REMAINDER_OF, sentence, m, 30):
            continue
        if index:
            part = sentence.mentions[index - 1]
        elif (
            number
            and sentences[number - 1].block_index == sentence.block_index
            and sentences[number - 1].mentions
        ):
            part = sentences[number - 1].mentions[-1]
        else:
            continue
        if not part.context.prior:
            _set_part(entries, part.entry, m.entry)


def _share_of_named(
    sentences: list[_Sentence], number: int, entries: list[_Entry], headline: int | None
) -> None:
    """ "The UK's share of the commitment is $3.2 billion": a share of the figure named before."""
    sentence = sentences[number]
    if not sentence.mentions or sentence.text.find("share of", sentence.start, sentence.end) == -1:
        return  # the usual case, one C-speed scan
    for m in sentence.mentions:
        if entries[m.entry].part_of is None and _SHARE_OF_NAMED.search(
            sentence.text, max(sentence.start, m.found.start - 80), m.found.start
        ):
            _set_part(entries, m.entry, _resolve(sentences, number, entries, headline))


def _from_a_container_worth(sentence: _Sentence, entries: list[_Entry]) -> None:
    """ "The £7m comes from the Skills programme, which has a budget of £84m": a part of the container."""
    if sentence.text.find(" from ", sentence.start, sentence.end) == -1:
        return  # the usual case, one C-speed scan
    for part, whole in zip(sentence.mentions, sentence.mentions[1:], strict=False):
        if whole.found.start - part.found.end <= 160 and _FROM_CONTAINER_WORTH.fullmatch(
            sentence.text, part.found.end, whole.found.start
        ):
            _set_part(entries, part.entry, whole.entry)


def _largest_share(
    sentences: list[_Sentence], number: int, entries: list[_Entry], headline: int | None
) -> None:
    """ "52 councils will share £58 million ... The largest single award, £6.8 million, will ...": the
    largest (or smallest) of several awards is one of the parts of the figure they share, the first
    figure of the sentence this one follows on from (not a running total or a target), else the
    story's headline figure."""
    sentence = sentences[number]
    if not _says_any(sentence, "largest", "biggest", "smallest"):
        return  # the usual case
    for m in sentence.mentions:
        entry = entries[m.entry]
        if entry.part_of is not None or entry.first is not m:
            continue
        if not _just_before(_SUPERLATIVE, sentence, m, 60):
            continue
        whole = None
        for back in range(number, max(number - 4, -1), -1):
            previous = sentences[back]
            if previous.block_index < 0:
                break
            candidates = [
                e.entry
                for e in previous.mentions
                if e.order < m.order
                and not e.context.prior
                and not entries[e.entry].total
                and not _TARGET_BEFORE.search(previous.text, max(0, e.found.start - 20), e.found.start)
                and entries[e.entry].currency == entry.currency
                and entries[e.entry].amount > entry.amount
            ]
            if candidates:
                whole = candidates[0]
                break
        whole = whole if whole is not None else headline
        _set_part(entries, m.entry, whole)
        # "the largest share, £14.2m, followed by Cardiff (£9.6m) and Swansea (£7.1m)": the next shares
        for later in sentence.mentions:
            if (
                later.found.start > m.found.end
                and "followed by" in sentence.text[m.found.end : later.found.start]
            ):
                _set_part(entries, later.entry, whole)


def _totals(sentence: _Sentence, entries: list[_Entry], headline: int | None) -> None:
    """ "... £22 million increase – taking the total budget to £227 million": earlier figures are parts.

    "Councils have also committed £21m, bringing the total value of the programme to £69m": when the
    figures before it fall short of the total by exactly the story's headline figure, that is a part too.
    """
    for index, whole in enumerate(sentence.mentions):
        if not whole.context.total:
            continue
        for m in sentence.mentions[:index]:
            # ("loans of up to £50,000 ..., worth a total of £18 billion": what each may get, no part)
            if not _just_before(_EACH_UP_TO, sentence, m, 40):
                _set_part(entries, m.entry, whole.entry, across_currencies=True)
        _set_referent_part(sentence, entries, whole.entry, across_currencies=True)
        parts = {m.entry for m in sentence.mentions[:index] if entries[m.entry].part_of == whole.entry}
        w = entries[whole.entry]
        if headline is not None and parts and headline not in parts and headline != whole.entry:
            h = entries[headline]
            same = h.currency == w.currency and all(entries[p].currency == w.currency for p in parts)
            if same and h.amount + sum((entries[p].amount for p in parts), Decimal(0)) == w.amount:
                _set_part(entries, headline, whole.entry)


def _share_of_next(sentence: _Sentence, entries: list[_Entry]) -> None:
    """ "£235 million of the €1.14 billion programme": the first is a share of the second, which the
    words after it name as a container (programme, fund, budget ...) or leave bare ("of the £10
    million will go to ..."), in any currency."""
    for part, whole in zip(sentence.mentions, sentence.mentions[1:], strict=False):
        if whole.found.start - part.found.end > 20:
            continue
        if not _OF_NEXT.fullmatch(sentence.text, part.found.end, whole.found.start):
            continue
        if (
            whole.context.head in _CONTAINERS
            or _TOTAL_NEXT.match(sentence.text, whole.found.end)
            or _BARE_NEXT.match(sentence.text, whole.found.end)
        ):
            _set_part(entries, part.entry, whole.entry, across_currencies=True)


def _further_contribution(sentences: list[_Sentence], number: int, entries: list[_Entry]) -> None:
    """ "The £2bn package includes £600m from X, £250m from Y." then "A further £300m from Z.": the
    further contribution is part of the same package as the contributions just listed."""
    sentence = sentences[number]
    if not sentence.mentions:
        return
    first = sentence.mentions[0]
    text = sentence.text
    if entries[first.entry].part_of is not None or entries[first.entry].first is not first:
        return
    if first.found.start - sentence.start > 16 or not _FURTHER_FROM.fullmatch(
        text, sentence.start, first.found.start
    ):
        return
    if not _FROM_AFTER.match(text, first.found.end):
        return
    for back in range(number - 1, max(number - 4, -1), -1):
        previous = sentences[back]
        if previous.block_index < 0:
            return
        for m in reversed(previous.mentions):
            whole = entries[m.entry].part_of
            if whole is not None and _FROM_AFTER.match(previous.text, m.found.end):
                _set_part(entries, first.entry, whole)
                return
        if previous.mentions:
            return


def _set_referent_part(
    sentence: _Sentence, entries: list[_Entry], whole: int, across_currencies: bool = False
) -> None:
    """ "The funding is part of a £5.5 million plan": "The funding" is the part.

    When the headline cannot be the part (it is the whole, or larger), "The funding" is the figure of
    the sentence before after all ("secured £2.5 million ... The funding is part of a £5.5 million plan").
    """
    if sentence.referent is None or _set_part(entries, sentence.referent, whole, across_currencies):
        return
    if sentence.previous is not None and entries[sentence.previous].part_of is None:
        _set_part(entries, sentence.previous, whole, across_currencies)


def _sums(sentence: _Sentence, entries: list[_Entry]) -> None:
    """Two or more funding figures in one sentence that add up to a figure named elsewhere are its parts.

    "backed by £3m, with £1m going to schools and £2m to youth services": the figures after one that
    add up to it are its parts.
    """
    usable = [
        m.entry
        for m in sentence.mentions
        if not m.context.prior and entries[m.entry].is_funding and entries[m.entry].equivalent_of is None
    ]
    usable = list(dict.fromkeys(usable))
    for index, whole in enumerate(usable[:-2]):
        later = [p for p in usable[index + 1 :] if entries[p].part_of is None]
        if not 2 <= len(later) <= 12 or any(entries[p].currency != entries[whole].currency for p in later):
            continue
        if sum((entries[p].amount for p in later), Decimal(0)) == entries[whole].amount:
            for p in later:
                _set_part(entries, p, whole)
            return
    parts = [
        m.entry
        for m in sentence.mentions
        if not m.context.prior and entries[m.entry].part_of is None and entries[m.entry].equivalent_of is None
    ]
    parts = list(dict.fromkeys(parts))
    if len(parts) < 2 or len(parts) > 12:
        return
    currency = entries[parts[0]].currency
    # Only grants: prices, fines and levels add up by chance ("an increase of £94 on the current cap of
    # £1,834" makes the new £1,928 cap; a fine, costs and a surcharge make what was paid), and where
    # they are parts the text says so ("made up of"), which _inclusions reads.
    if any(entries[p].currency != currency or not entries[p].is_funding for p in parts):
        return
    firsts = [m for m in sentence.mentions if m.entry in parts]
    if any(_is_range(sentence.text, a, b) for a, b in zip(firsts, firsts[1:], strict=False)):
        return  # the bounds of "between £2m and £3m" are alternatives, not amounts that add up
    total = sum((entries[p].amount for p in parts), Decimal(0))
    for i, entry in enumerate(entries):
        same_kind = entry.currency == currency and entry.is_funding and not entry.first.context.prior
        if i not in parts and same_kind and abs(entry.amount - total) <= total / 200:
            for p in parts:
                _set_part(entries, p, i)
            return


def _shares_and_years(
    sentences: list[_Sentence], number: int, entries: list[_Entry], headline: int | None
) -> None:
    """Shares and single years of a figure named before.

    "The five hubs will each receive up to £15m": each share is part of the total they share.
    "£1.5bn over 3 years, with the budget for 2024-25 rising to £500m" and, later, "In the first
    year, £13m ...": one year's money is part of the multi-year total (same sentence, else the
    figure the sentence follows on from).
    """
    sentence = sentences[number]
    for index, m in enumerate(sentence.mentions):
        entry = entries[m.entry]
        if entry.first is not m or entry.part_of is not None or m.context.prior:
            continue
        if m.context.sub_period:
            earlier = [
                e.entry
                for e in sentence.mentions[:index]
                if _MULTI_YEAR.search(entries[e.entry].period or "")
            ]
            whole = earlier[-1] if earlier else _resolve(sentences, number, entries, headline)
            if whole is not None and _MULTI_YEAR.search(entries[whole].period or ""):
                _set_part(entries, m.entry, whole)
        elif m.context.share and index == 0 and not _starts_a_range(sentence, m):
            _set_part(entries, m.entry, _resolve(sentences, number, entries, headline))


def _starts_a_range(sentence: _Sentence, mention: _Mention) -> bool:
    """ "each invested between £100 and £20,000": what each gave varies, so it is no equal share of a total."""
    found = mention.found
    return found.bound is not None or sentence.text[max(0, found.start - 9) : found.start].rstrip().endswith(
        "between"
    )


def _introduced_lists(
    sentences: list[_Sentence], entries: list[_Entry], headline: int | None, headings: frozenset[int]
) -> None:
    """Items listed under a heading ("What the money will pay for") or a lead-in ending ":" with no
    figure of its own ("The funding will cover:") are parts of the figure the list follows on from,
    when they fit inside it."""
    for number, sentence in enumerate(sentences):
        if sentence.block_index < 0 or sentence.mentions:
            continue
        if sentence.block_index not in headings and not _ends_with_colon(sentence):
            continue
        if _EARLIER.search(sentence.text, sentence.start, sentence.end):
            continue  # "Previous rounds funded:" lists other money, not this figure's parts
        if number + 1 >= len(sentences) or not _is_item(sentences[number + 1]):
            continue
        items: list[_Mention] = []
        block = None
        for item in sentences[number + 1 :]:
            if not _is_item(item):
                break
            if item.block_index != block and item.mentions:
                items.append(item.mentions[0])
                # "• six further councils – between £90,000 and £300,000 each": both bounds
                if len(item.mentions) > 1 and _is_range(item.text, item.mentions[0], item.mentions[1]):
                    items.append(item.mentions[1])
            block = item.block_index
        whole = (
            sentence.referent
            if sentence.referent is not None
            else _resolve(sentences, number, entries, headline)
        )
        # An item already known to be part of a figure ("The largest single award, £6.8 million" of
        # the £58 million shared) says which figure its siblings are parts of.
        known = {entries[m.entry].part_of for m in items} - {None}
        if len(known) == 1:
            whole = known.pop()
            items = [m for m in items if entries[m.entry].part_of is None]
        elif whole is None and items and not _OTHER_LIST.match(sentence.text, sentence.start):
            # ("Other measures ... include:" with no headline lists other money, not its parts)
            whole = _main_figure_before(entries, items[0].order)
        if not items or whole is None or any(entries[m.entry].part_of is not None for m in items):
            continue
        w = entries[whole]
        if not (
            w.is_funding
            or any(entries[m.entry].is_funding for m in items)
            or _INCLUDES.search(sentence.text, sentence.start, sentence.end)
        ):
            continue  # "From next month: • the State Pension will rise to £159.55": rates, not anyone's parts
        same = all(entries[m.entry].currency == w.currency for m in items)
        if same and sum((entries[m.entry].amount for m in items), Decimal(0)) <= w.amount:
            for m in items:
                _set_part(entries, m.entry, whole)


def _main_figure_before(entries: list[_Entry], order: int) -> int | None:
    """The story's main figure when neither the title nor the opening names one: the first funding
    figure before `order` that is no part of another, no earlier or separate money, no running total
    ("Nine councils will share £3.1million" in the second paragraph)."""
    for i, entry in enumerate(entries):
        if entry.first.order >= order:
            break
        if (
            entry.is_funding
            and entry.part_of is None
            and entry.equivalent_of is None
            and not entry.total
            and not entry.first.context.prior
        ):
            return i
    return None


def _is_item(sentence: _Sentence) -> bool:
    return sentence.list_item or _reads_as_item(sentence)


def _fund_containers(entries: list[_Entry]) -> None:
    """A total that funding figures are part of is funding too ("bringing the total value to £460m"); a
    part whose own words say nothing takes its total's side ("The savings include: • £1.2 billion from
    cutting back on consultancy")."""
    for entry in entries:
        if entry.part_of is not None and entry.is_funding and not entry.unsaid:
            whole = entries[entry.part_of]
            # A target or a project's cost stays what it is: "The pledge is part of a $9 billion target",
            # "£300,000 towards the cost" of a restoration that "will cost £2 million".
            whole.is_funding = whole.is_funding or not whole.first.context.cost
    for entry in entries:
        # (what pays part of a cost is a contribution to it, whatever the cost itself is)
        if entry.part_of is not None and entry.unsaid and not entries[entry.part_of].first.context.cost:
            entry.is_funding = entries[entry.part_of].is_funding


def _money(entry: _Entry, entries: list[_Entry]) -> Money:
    first = entry.first
    return Money(
        surface=first.found.surface,
        amount=first.found.amount,
        currency=first.found.currency,
        is_funding=entry.is_funding,
        block_index=first.block_index,
        purpose=entry.purpose,
        funder=entry.funder if entry.is_funding else None,
        period=entry.period,
        qualifier=entry.qualifier,
        part_of=entries[entry.part_of].first.found.surface if entry.part_of is not None else None,
    )
