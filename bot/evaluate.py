"""Score the extractors on the labelled dev corpus, side by side with simple baselines.

    python -m bot.evaluate ../shared/corpus/dev/stories.jsonl ../shared/corpus/dev/stories-2.jsonl
    python -m bot.evaluate FILE.jsonl --per-story --only quotes
    python -m bot.evaluate FILE.jsonl --json

Each record's `text` is parsed with `parse_text`, exactly as `run.py extract` reads a plain-text file,
and the extractors run on the resulting Story. The summary is judged against the department's
description, so the description paragraph is removed from the text (and `Story.description` is
cleared) before summarising: the extractor never sees what it is scored against.

Scoring rules (see /work/shared/corpus/dev/README.md for the labels):
- quotes: a predicted quote matches a labelled one when the speaker matches leniently (surname,
  case- and diacritics-insensitive) and the words overlap: shared tokens / tokens of the shorter
  text >= 0.5. Matching is greedy one-to-one, best overlap first. "text overlap" is the mean token
  F1 of the matched pairs.
- money: a prediction is paired with a label by surface or by (amount, currency); it counts when
  amount and currency are right. Funding P/R/F1 counts pairs where both say is_funding. part_of
  accuracy is over matched labelled mentions (same normalised surface, or both null); purpose
  overlap is the token F1 over matched funding mentions that have a labelled purpose.
- summary: ROUGE-1 and ROUGE-L F of the first summary sentence against the description.

An extractor module that does not exist yet is reported as "not available" instead of failing,
so the harness can be used while the extractors are being written.
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
import traceback
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from bot.models import BlockKind, Money, Quote, Sentence, Story
from bot.parsing.text import parse_text

PARTS = ("quotes", "money", "summary")
QUOTE_OVERLAP_THRESHOLD = 0.5

# --- text helpers ----------------------------------------------------------------------------

_QUOTE_MARKS = str.maketrans({c: " " for c in '“”„‟«»‹›"‘’‚‛`´'})
_TOKEN = re.compile(r"[a-z0-9]+")
# Letters after a name that are not part of it: "Jo Johnson MP", "Sir X KC".
_POST_NOMINALS = frozenset(
    {"mp", "msp", "ms", "mla", "am", "mep", "qc", "kc", "obe", "cbe", "mbe", "kbe", "dbe", "frs", "pc", "jp"}
)


def fold(text: str) -> str:
    """Lowercase, strip diacritics, turn quotation marks into spaces and collapse whitespace."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().translate(_QUOTE_MARKS).split())


def tokens(text: str) -> list[str]:
    """Lowercase alphanumeric tokens (diacritics dropped): the unit of every overlap score."""
    return _TOKEN.findall(fold(text))


def token_f1(predicted: str, reference: str) -> float:
    """Multiset token F1 between two texts (1.0 when both are empty)."""
    a, b = Counter(tokens(predicted)), Counter(tokens(reference))
    if not a and not b:
        return 1.0
    shared = sum((a & b).values())
    if not shared:
        return 0.0
    precision, recall = shared / sum(a.values()), shared / sum(b.values())
    return 2 * precision * recall / (precision + recall)


def overlap_of_shorter(a: str, b: str) -> float:
    """Tokens shared / tokens of the shorter text: lenient about where a quote starts or ends."""
    ta, tb = Counter(tokens(a)), Counter(tokens(b))
    shorter = min(sum(ta.values()), sum(tb.values()))
    return sum((ta & tb).values()) / shorter if shorter else 0.0


def rouge_1(candidate: str, reference: str) -> float:
    """ROUGE-1 F: unigram overlap."""
    return token_f1(candidate, reference) if tokens(candidate) and tokens(reference) else 0.0


def rouge_l(candidate: str, reference: str) -> float:
    """ROUGE-L F (beta = 1): longest common subsequence of tokens."""
    a, b = tokens(candidate), tokens(reference)
    if not a or not b:
        return 0.0
    lcs = _lcs_length(a, b)
    if not lcs:
        return 0.0
    precision, recall = lcs / len(a), lcs / len(b)
    return 2 * precision * recall / (precision + recall)


def _lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b, start=1):
            current.append(previous[j - 1] + 1 if x == y else max(previous[j], current[j - 1]))
        previous = current
    return previous[-1]


def name_tokens(name: str) -> list[str]:
    return [t for t in tokens(name) if t not in _POST_NOMINALS]


def speaker_matches(predicted: str, labelled: str) -> bool:
    """Lenient speaker match: same surname (last name token), or one name's words contain the other's."""
    p, g = name_tokens(predicted), name_tokens(labelled)
    if not p or not g:
        return False
    return p[-1] == g[-1] or set(p) <= set(g) or set(g) <= set(p)


def same_surface(a: str | None, b: str | None) -> bool:
    """Money surfaces compared with case, spacing and NBSP ignored; two nulls are equal."""
    if a is None or b is None:
        return a is None and b is None
    return "".join(a.casefold().split()) == "".join(b.casefold().split())


# --- scores --------------------------------------------------------------------------------


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, tp: int, predicted: int, labelled: int) -> None:
        self.tp += tp
        self.fp += predicted - tp
        self.fn += labelled - tp

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass
class Mean:
    total: float = 0.0
    n: int = 0

    def add(self, value: float) -> None:
        self.total += value
        self.n += 1

    @property
    def value(self) -> float | None:
        return self.total / self.n if self.n else None


# --- labelled and predicted items ------------------------------------------------------------


@dataclass(frozen=True)
class QuoteItem:
    speaker: str
    text: str
    role: str | None = None  # not scored; --per-story shows disagreements


@dataclass(frozen=True)
class MoneyItem:
    surface: str
    amount: Decimal
    currency: str
    is_funding: bool
    purpose: str | None = None
    part_of: str | None = None


def quote_item(quote: Quote) -> QuoteItem:
    return QuoteItem(quote.speaker, quote.text, quote.role)


def money_item(money: Money) -> MoneyItem:
    return MoneyItem(
        money.surface, money.amount, money.currency, money.is_funding, money.purpose, money.part_of
    )


def _decimal(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return Decimal(-1)


def labelled_quotes(record: dict[str, Any]) -> list[QuoteItem]:
    return [QuoteItem(q["speaker"] or "", q["text"], q.get("role")) for q in record.get("quotes") or []]


def labelled_money(record: dict[str, Any]) -> list[MoneyItem]:
    return [
        MoneyItem(
            m["surface"],
            _decimal(m["amount"]),
            m["currency"],
            bool(m["is_funding"]),
            m.get("purpose"),
            m.get("part_of"),
        )
        for m in record.get("money") or []
    ]


# --- matching --------------------------------------------------------------------------------


def match_quotes(predicted: Sequence[QuoteItem], labelled: Sequence[QuoteItem]) -> list[tuple[int, int]]:
    """Greedy one-to-one (predicted index, labelled index) pairs, highest word overlap first."""
    candidates = []
    for i, p in enumerate(predicted):
        for j, g in enumerate(labelled):
            if not speaker_matches(p.speaker, g.speaker):
                continue
            overlap = overlap_of_shorter(p.text, g.text)
            if overlap >= QUOTE_OVERLAP_THRESHOLD:
                candidates.append((-overlap, abs(i - j), i, j))
    return _greedy(candidates)


def match_money(predicted: Sequence[MoneyItem], labelled: Sequence[MoneyItem]) -> list[tuple[int, int]]:
    """Greedy one-to-one pairs by surface or by (amount, currency).

    Pairs where both surface and amount agree go first, then amount-only, then surface-only (a
    surface-only pair has a wrong amount: it is reported but does not count as correct).
    """
    candidates = []
    for i, p in enumerate(predicted):
        for j, g in enumerate(labelled):
            same_amount = p.amount == g.amount and p.currency == g.currency
            surface = same_surface(p.surface, g.surface)
            if same_amount or surface:
                rank = 0 if same_amount and surface else 1 if same_amount else 2
                candidates.append((rank, abs(i - j), i, j))
    return _greedy(candidates)


def _greedy(candidates: list[tuple[Any, int, int, int]]) -> list[tuple[int, int]]:
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for *_, i, j in sorted(candidates):
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            pairs.append((i, j))
    return sorted(pairs, key=lambda pair: pair[1])


# --- baselines -----------------------------------------------------------------------------

_SAID_COLON = re.compile(r"^(?P<speaker>.{1,150}?)\s+said\s*:\s*$", re.IGNORECASE)
_CURRENCY = re.compile(
    r"(?P<sign>[£€$])\s?(?P<number>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<scale>billion|million|thousand|bn|m|k)\b)?",
    re.IGNORECASE,
)
_SCALES = {"billion": 10**9, "bn": 10**9, "million": 10**6, "m": 10**6, "thousand": 1000, "k": 1000}
_SIGNS = {"£": "GBP", "€": "EUR", "$": "USD"}
_SIMPLE_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“‘\"'])")


def baseline_quotes(story: Story) -> list[QuoteItem]:
    """A paragraph ending "X said:" quotes the next paragraph; the speaker is everything before "said"."""
    found = []
    for block, following in zip(story.blocks, story.blocks[1:], strict=False):
        match = _SAID_COLON.match(block.text)
        if match:
            found.append(QuoteItem(match["speaker"], following.text))
    return found


def baseline_money(story: Story) -> list[MoneyItem]:
    """Every currency-sign figure once (by amount), all called funding."""
    found: dict[tuple[Decimal, str], MoneyItem] = {}
    for text in (story.title, *(block.text for block in story.blocks)):
        for match in _CURRENCY.finditer(text):
            amount = Decimal(match["number"].replace(",", ""))
            if match["scale"]:
                amount *= _SCALES[match["scale"].lower()]
            key = (amount, _SIGNS[match["sign"]])
            found.setdefault(key, MoneyItem(match[0], amount, key[1], True))
    return list(found.values())


def baseline_summary(story: Story) -> str:
    """The lead: the first sentence of the first paragraph."""
    for block in story.blocks:
        if block.kind is BlockKind.PARAGRAPH:
            return _SIMPLE_SENTENCE_END.split(block.text.strip(), maxsplit=1)[0]
    return ""


# --- the extractors under test ---------------------------------------------------------------


@dataclass
class Systems:
    """The functions under test; None with a reason when a module is not there yet."""

    quotes: Callable[[Story], Iterable[Quote]] | None = None
    money: Callable[[Story], Iterable[Money]] | None = None
    summary: Callable[[Story], Sequence[Sentence]] | None = None
    missing: dict[str, str] = field(default_factory=dict)


def load_systems() -> Systems:
    systems = Systems()
    for part, module, name in (
        ("quotes", "bot.extract.quotes", "extract_quotes"),
        ("money", "bot.extract.money", "extract_money"),
        ("summary", "bot.extract.summary", "summarise"),
    ):
        try:
            function = getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError) as error:
            systems.missing[part] = f"{type(error).__name__}: {error}"
            continue
        setattr(systems, part, function)
    return systems


# --- evaluation ------------------------------------------------------------------------------


@dataclass
class PartScores:
    quotes: Counts = field(default_factory=Counts)
    quote_overlap: Mean = field(default_factory=Mean)
    money: Counts = field(default_factory=Counts)
    funding: Counts = field(default_factory=Counts)
    part_of: Mean = field(default_factory=Mean)
    purpose: Mean = field(default_factory=Mean)
    rouge_1: Mean = field(default_factory=Mean)
    rouge_l: Mean = field(default_factory=Mean)
    errors: int = 0


@dataclass
class Report:
    name: str
    stories: int = 0
    extractor: PartScores = field(default_factory=PartScores)
    baseline: PartScores = field(default_factory=PartScores)
    misses: list[str] = field(default_factory=list)


def load_records(path: Path) -> list[dict[str, Any]]:
    records = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError as error:
                    raise SystemExit(f"{path}:{number}: not JSON ({error})") from error
    return records


def story_for_extraction(record: dict[str, Any]) -> Story:
    """The story as `run.py extract` would read the record's text."""
    return parse_text(record["text"], record.get("id") or "record")


def story_for_summary(record: dict[str, Any]) -> Story:
    """The story without the description paragraph (and without Story.description)."""
    description = " ".join((record.get("description") or "").split())
    paragraphs = re.split(r"\n[ \t]*\n", record["text"])
    kept = [p for p in paragraphs if not description or " ".join(p.split()) != description]
    story = parse_text("\n\n".join(kept), record.get("id") or "record")
    return replace(story, description=None)


def evaluate(
    reports: Sequence[tuple[str, list[dict[str, Any]]]],
    systems: Systems,
    parts: Sequence[str] = PARTS,
) -> list[Report]:
    """One Report per (name, records) pair."""
    return [_evaluate_file(name, records, systems, parts) for name, records in reports]


def _evaluate_file(
    name: str, records: list[dict[str, Any]], systems: Systems, parts: Sequence[str]
) -> Report:
    report = Report(name, stories=len(records))
    for record in records:
        story = story_for_extraction(record)
        label = record.get("id") or story.title[:60]
        if "quotes" in parts:
            _score_quotes(report, label, record, story, systems)
        if "money" in parts:
            _score_money(report, label, record, story, systems)
        if "summary" in parts and record.get("description"):
            _score_summary(report, label, record, systems)
    return report


def _run(report: Report, label: str, part: str, function: Callable[[], Any]) -> Any:
    """Run one extractor on one story; an exception is counted and shown, not fatal to the run."""
    try:
        return function()
    except Exception:
        report.extractor.errors += 1
        trace = traceback.format_exc(limit=3).strip().splitlines()
        report.misses.append(f"[{label}] {part} extractor raised: {trace[-1]}")
        return None


def _score_quotes(report: Report, label: str, record: dict[str, Any], story: Story, systems: Systems) -> None:
    gold = labelled_quotes(record)
    base = baseline_quotes(story)
    _add_quotes(report.baseline, base, gold)
    if systems.quotes is None:
        return
    extract = systems.quotes
    found = _run(report, label, "quotes", lambda: [quote_item(q) for q in extract(story)])
    predicted: list[QuoteItem] = found if found is not None else []
    pairs = _add_quotes(report.extractor, predicted, gold)
    matched_p = {i for i, _ in pairs}
    matched_g = {j for _, j in pairs}
    for j, g in enumerate(gold):
        if j not in matched_g:
            report.misses.append(f"[{label}] quote missed: {g.speaker!r}: {_clip(g.text)}")
    for i, p in enumerate(predicted):
        if i not in matched_p:
            report.misses.append(f"[{label}] quote spurious: {p.speaker!r}: {_clip(p.text)}")
    for i, j in pairs:
        if fold(predicted[i].role or "") != fold(gold[j].role or ""):
            report.misses.append(
                f"[{label}] quote role ({gold[j].speaker!r}): predicted {predicted[i].role!r}, "
                f"labelled {gold[j].role!r}"
            )
        overlap = token_f1(predicted[i].text, gold[j].text)
        if overlap < 0.9:
            extra, lacking = _word_difference(predicted[i].text, gold[j].text)
            report.misses.append(
                f"[{label}] quote text overlap {overlap:.2f} ({gold[j].speaker!r}): "
                f"predicted has extra words {extra or '-'}; lacks {lacking or '-'}"
            )


def _word_difference(predicted: str, labelled: str, most: int = 12) -> tuple[str, str]:
    """Words only one side has (in text order), to show where a predicted quote starts or stops wrongly."""
    return _only_in(predicted, labelled, most), _only_in(labelled, predicted, most)


def _only_in(text: str, other: str, most: int) -> str:
    words = tokens(text)
    surplus = Counter(words) - Counter(tokens(other))
    found = []
    for word in words:
        if surplus[word] > 0 and len(found) < most:
            found.append(word)
            surplus[word] -= 1
    return " ".join(found)


def _add_quotes(
    scores: PartScores, predicted: list[QuoteItem], gold: list[QuoteItem]
) -> list[tuple[int, int]]:
    pairs = match_quotes(predicted, gold)
    scores.quotes.add(len(pairs), len(predicted), len(gold))
    for i, j in pairs:
        scores.quote_overlap.add(token_f1(predicted[i].text, gold[j].text))
    return pairs


def _score_money(report: Report, label: str, record: dict[str, Any], story: Story, systems: Systems) -> None:
    gold = labelled_money(record)
    _add_money(report.baseline, baseline_money(story), gold)
    if systems.money is None:
        return
    extract = systems.money
    found = _run(report, label, "money", lambda: [money_item(m) for m in extract(story)])
    predicted: list[MoneyItem] = found if found is not None else []
    pairs = _add_money(report.extractor, predicted, gold)
    correct = {(i, j) for i, j in pairs if _amount_right(predicted[i], gold[j])}
    matched_p = {i for i, _ in correct}
    matched_g = {j for _, j in correct}
    for i, j in pairs:
        p, g = predicted[i], gold[j]
        if (i, j) not in correct:
            report.misses.append(
                f"[{label}] money wrong amount: {g.surface!r} labelled {g.amount} {g.currency}, "
                f"predicted {p.amount} {p.currency}"
            )
            continue
        if p.is_funding != g.is_funding:
            report.misses.append(
                f"[{label}] money {g.surface!r}: is_funding {p.is_funding}, labelled {g.is_funding}"
                f" ({_clip(g.purpose or '', 60)})"
            )
        if not same_surface(p.part_of, g.part_of):
            report.misses.append(
                f"[{label}] money {g.surface!r}: part_of {p.part_of!r}, labelled {g.part_of!r}"
            )
    for j, g in enumerate(gold):
        if j not in matched_g:
            report.misses.append(f"[{label}] money missed: {g.surface!r} ({_clip(g.purpose or '', 60)})")
    for i, p in enumerate(predicted):
        if i not in matched_p:
            report.misses.append(f"[{label}] money spurious: {p.surface!r} = {p.amount} {p.currency}")


def _amount_right(p: MoneyItem, g: MoneyItem) -> bool:
    return p.amount == g.amount and p.currency == g.currency


def _add_money(
    scores: PartScores, predicted: list[MoneyItem], gold: list[MoneyItem]
) -> list[tuple[int, int]]:
    pairs = match_money(predicted, gold)
    correct = [(i, j) for i, j in pairs if _amount_right(predicted[i], gold[j])]
    scores.money.add(len(correct), len(predicted), len(gold))
    funding_tp = sum(1 for i, j in correct if predicted[i].is_funding and gold[j].is_funding)
    scores.funding.add(funding_tp, sum(p.is_funding for p in predicted), sum(g.is_funding for g in gold))
    for i, j in correct:
        p, g = predicted[i], gold[j]
        scores.part_of.add(1.0 if same_surface(p.part_of, g.part_of) else 0.0)
        if g.is_funding and g.purpose:
            scores.purpose.add(token_f1(p.purpose or "", g.purpose))
    return pairs


def _score_summary(report: Report, label: str, record: dict[str, Any], systems: Systems) -> None:
    reference = record["description"]
    story = story_for_summary(record)
    lead = baseline_summary(story)
    report.baseline.rouge_1.add(rouge_1(lead, reference))
    report.baseline.rouge_l.add(rouge_l(lead, reference))
    if systems.summary is None:
        return
    summarise = systems.summary
    found = _run(report, label, "summary", lambda: summarise(story))
    chosen = found[0].text if found else ""
    score = rouge_l(chosen, reference)
    report.extractor.rouge_1.add(rouge_1(chosen, reference))
    report.extractor.rouge_l.add(score)
    report.misses.append(
        f"[{label}] summary ROUGE-L {score:.2f} (lead {rouge_l(lead, reference):.2f}): {_clip(chosen, 160)}"
    )


def _clip(text: str, width: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def combine(reports: Sequence[Report], name: str = "combined") -> Report:
    """Pool the counts of several reports (micro-averaged P/R/F1, means over all items)."""
    total = Report(name, stories=sum(r.stories for r in reports))
    for report in reports:
        for mine, theirs in ((total.extractor, report.extractor), (total.baseline, report.baseline)):
            for counts in ("quotes", "money", "funding"):
                a, b = getattr(mine, counts), getattr(theirs, counts)
                a.tp, a.fp, a.fn = a.tp + b.tp, a.fp + b.fp, a.fn + b.fn
            for mean in ("quote_overlap", "part_of", "purpose", "rouge_1", "rouge_l"):
                a, b = getattr(mine, mean), getattr(theirs, mean)
                a.total, a.n = a.total + b.total, a.n + b.n
            mine.errors += theirs.errors
    return total


# --- output ----------------------------------------------------------------------------------

_ROWS: tuple[tuple[str, str, str], ...] = (
    ("quotes", "quote precision", "quotes.precision"),
    ("quotes", "quote recall", "quotes.recall"),
    ("quotes", "quote F1", "quotes.f1"),
    ("quotes", "quote text overlap (F1)", "quote_overlap"),
    ("money", "money precision", "money.precision"),
    ("money", "money recall", "money.recall"),
    ("money", "money F1", "money.f1"),
    ("money", "funding precision", "funding.precision"),
    ("money", "funding recall", "funding.recall"),
    ("money", "funding F1", "funding.f1"),
    ("money", "part_of accuracy", "part_of"),
    ("money", "purpose overlap (F1)", "purpose"),
    ("summary", "summary ROUGE-1 F", "rouge_1"),
    ("summary", "summary ROUGE-L F", "rouge_l"),
)


_FIRST_ROWS = frozenset({"quote precision", "money precision", "summary ROUGE-1 F"})
_BASELINE_NAMES = {
    "quotes": '"X said:" + next paragraph',
    "money": "currency regex, all funding",
    "summary": "lead sentence",
}


def _value(scores: PartScores, path: str) -> float | None:
    head, _, attr = path.partition(".")
    item = getattr(scores, head)
    return getattr(item, attr) if attr else item.value


def _support(report: Report, part: str) -> str:
    # tp + fn is the number of labels, the same for every system; the baseline always runs.
    if part == "quotes":
        return f"{report.baseline.quotes.tp + report.baseline.quotes.fn} labelled"
    if part == "money":
        return f"{report.baseline.money.tp + report.baseline.money.fn} labelled"
    return f"{report.baseline.rouge_l.n} stories with a description"


def format_report(report: Report, systems: Systems, parts: Sequence[str]) -> str:
    lines = [
        f"== {report.name}: {report.stories} stories ==",
        f"{'metric':<28}{'extractor':>11}{'baseline':>10}",
    ]
    for part, title, path in _ROWS:
        if part not in parts:
            continue
        if title in _FIRST_ROWS:
            lines.append(f"-- {part} ({_support(report, part)}; baseline: {_BASELINE_NAMES[part]})")
        if part in systems.missing:
            mine = "n/a"
        else:
            value = _value(report.extractor, path)
            mine = "-" if value is None else f"{value:.3f}"
        base = _value(report.baseline, path)
        lines.append(f"{title:<28}{mine:>11}{'-' if base is None else f'{base:.3f}':>10}")
    if report.extractor.errors:
        lines.append(f"!! the extractors raised {report.extractor.errors} times (see --per-story)")
    return "\n".join(lines)


def report_json(report: Report, systems: Systems, parts: Sequence[str]) -> dict[str, Any]:
    def scores(s: PartScores, missing: bool, part: str) -> dict[str, Any] | None:
        if missing:
            return None
        if part == "quotes":
            return {**s.quotes.as_dict(), "text_overlap": _round(s.quote_overlap.value)}
        if part == "money":
            return {
                "mentions": s.money.as_dict(),
                "funding": s.funding.as_dict(),
                "part_of_accuracy": _round(s.part_of.value),
                "purpose_overlap": _round(s.purpose.value),
            }
        return {
            "rouge_1": _round(s.rouge_1.value),
            "rouge_l": _round(s.rouge_l.value),
            "stories": s.rouge_l.n,
        }

    out: dict[str, Any] = {"name": report.name, "stories": report.stories, "errors": report.extractor.errors}
    for part in parts:
        out[part] = {
            "extractor": scores(report.extractor, part in systems.missing, part),
            "baseline": scores(report.baseline, False, part),
        }
        if part in systems.missing:
            out[part]["not_available"] = systems.missing[part]
    return out


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.evaluate", description="Score the extractors on labelled stories (JSON lines)."
    )
    parser.add_argument(
        "files", nargs="+", type=Path, help="corpus files, e.g. ../shared/corpus/dev/stories.jsonl"
    )
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")
    parser.add_argument("--per-story", action="store_true", help="list every miss, story by story")
    parser.add_argument("--only", choices=PARTS, action="append", help="score only this part (repeatable)")
    args = parser.parse_args(argv)
    parts = tuple(args.only) if args.only else PARTS

    datasets = []
    for path in args.files:
        if not path.is_file():
            parser.error(f"{path}: no such file")
        datasets.append((path.name, load_records(path)))
    systems = load_systems()
    reports = evaluate(datasets, systems, parts)
    if len(reports) > 1:
        reports.append(combine(reports))

    if args.json:
        print(
            json.dumps(
                {
                    "reports": [report_json(r, systems, parts) for r in reports],
                    **(
                        {"misses": {r.name: r.misses for r in reports[: len(datasets)]}}
                        if args.per_story
                        else {}
                    ),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    for part in parts:
        if part in systems.missing:
            print(f"{part}: extractor not available ({systems.missing[part]})")
    for report in reports:
        print()
        print(format_report(report, systems, parts))
        if args.per_story and report.misses:
            print(f"-- misses in {report.name}")
            for line in report.misses:
                print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
