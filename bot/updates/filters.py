"""What a channel subscription asks for, parsed from a moderator's options, and whether a story fits.

Every filter combines with AND: all keywords (words, "quoted phrases", `word*` prefixes) must
appear and no `-excluded` term may; the story must come from the organisation, be one of the
types, and announce funding of at least `min_funding` pounds. Matching is case-insensitive on
whole words over the title, description and body, so "fund" does not match "funding" (use `fund*`).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import lru_cache

from bot.errors import InvalidQuery
from bot.extract.money import parse_amount
from bot.models import DocType, StoredStory

MAX_KEYWORDS_CHARS = 300
MAX_TERMS = 20
NEWS_TYPES = (
    DocType.NEWS_STORY,
    DocType.PRESS_RELEASE,
    DocType.GOVERNMENT_RESPONSE,
    DocType.WORLD_NEWS_STORY,
)
MIN_FUNDING_HELP = "min_funding must be an amount like 5000000, £5m or 5 million"

_TOKEN = re.compile(r'(?P<neg>-?)(?:"(?P<phrase>[^"]*)"|(?P<word>[^\s"]+))')
_TYPE_SEPARATORS = re.compile(r"\s*(?:[,;/|+&]|\band\b)\s*", re.IGNORECASE)
# Typographic variants people and GOV.UK use interchangeably; folded before matching.
_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")


class Mode(StrEnum):
    IMMEDIATE = "immediate"
    DAILY = "daily"
    WEEKLY = "weekly"

    @classmethod
    def parse(cls, text: str | None) -> Mode:
        if text is None or not text.strip():
            return cls.IMMEDIATE
        try:
            return cls(text.strip().lower())
        except ValueError:
            raise InvalidQuery(f"mode must be immediate, daily or weekly, not “{text[:40]}”.") from None


@dataclass(frozen=True, slots=True)
class Term:
    """One keyword: a word, a phrase of several words, or a prefix (`fund*`)."""

    text: str
    prefix: bool = False

    @property
    def pattern(self) -> re.Pattern[str]:
        return _term_pattern(self.text, self.prefix)

    def __str__(self) -> str:
        shown = f'"{self.text}"' if " " in self.text else self.text
        return shown + ("*" if self.prefix else "")


@dataclass(frozen=True, slots=True)
class SubscriptionFilter:
    """A subscription's filters. Build with `parse` (user input) or `from_json` (the database)."""

    include: tuple[Term, ...] = ()
    exclude: tuple[Term, ...] = ()
    organisation: str | None = None  # slug
    types: tuple[DocType, ...] = ()  # empty: any type
    min_funding: Decimal | None = None  # pounds
    _patterns: tuple[tuple[re.Pattern[str], ...], tuple[re.Pattern[str], ...]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        # Compiled once per filter: one filter is matched against every new story.
        patterns = (tuple(t.pattern for t in self.include), tuple(t.pattern for t in self.exclude))
        object.__setattr__(self, "_patterns", patterns)

    @classmethod
    def parse(
        cls,
        keywords: str | None = None,
        organisation: str | None = None,
        types: str | Sequence[str] | None = None,
        min_funding: str | int | float | Decimal | None = None,
    ) -> SubscriptionFilter:
        """Turn the moderator's options into a filter; InvalidQuery says what to fix."""
        include, exclude = parse_keywords(keywords or "")
        return cls(
            include=include,
            exclude=exclude,
            organisation=parse_organisation(organisation),
            types=parse_types(types),
            min_funding=parse_min_funding(min_funding),
        )

    @property
    def is_empty(self) -> bool:
        return not (self.include or self.exclude or self.organisation or self.types or self.min_funding)

    def matches(self, stored: StoredStory, text: SearchableText | None = None) -> bool:
        """Whether the story passes every filter. Pass `SearchableText(stored)` when matching one
        story against many filters, so its text is prepared and searched once."""
        story = stored.story
        if self.types and story.doc_type not in self.types:
            return False
        if self.organisation and all(org.slug != self.organisation for org in story.organisations):
            return False
        if self.min_funding is not None and not any(
            money.is_funding and money.currency == "GBP" and money.amount >= self.min_funding
            for money in stored.extraction.money
        ):
            return False
        include, exclude = self._patterns
        if include or exclude:
            if text is None:
                text = SearchableText(stored)
            if not all(text.contains(p) for p in include) or any(text.contains(p) for p in exclude):
                return False
        return True

    def describe(self) -> str:
        """One line for `/updates list` and the subscribe reply."""
        parts = []
        if self.include or self.exclude:
            words = [str(t) for t in self.include] + [f"-{t}" for t in self.exclude]
            parts.append("keywords: " + " ".join(words))
        if self.organisation:
            parts.append(f"organisation: {self.organisation}")
        if self.types:
            parts.append("types: " + ", ".join(t.label.lower() for t in self.types))
        if self.min_funding is not None:
            parts.append(f"funding from {format_pounds(self.min_funding)}")
        return "; ".join(parts) if parts else "every story"

    def same_as(self, other: SubscriptionFilter) -> bool:
        """Equal but for the case of keywords (matching ignores case, so they filter the same)."""
        return _folded(self) == _folded(other)

    def to_json(self) -> str:
        return json.dumps(
            {
                "include": [[t.text, t.prefix] for t in self.include],
                "exclude": [[t.text, t.prefix] for t in self.exclude],
                "organisation": self.organisation,
                "types": [t.value for t in self.types],
                "min_funding": f"{self.min_funding:f}" if self.min_funding is not None else None,
            },
            ensure_ascii=False,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, raw: str) -> SubscriptionFilter:
        data = json.loads(raw)
        return cls(
            include=tuple(Term(str(text), bool(prefix)) for text, prefix in data.get("include", ())),
            exclude=tuple(Term(str(text), bool(prefix)) for text, prefix in data.get("exclude", ())),
            organisation=data.get("organisation"),
            types=tuple(DocType(t) for t in data.get("types", ())),
            min_funding=Decimal(data["min_funding"]) if data.get("min_funding") is not None else None,
        )


class SearchableText:
    """What keywords are matched against: a story's title, description and body, typography
    folded once. Each pattern is searched at most once, however many filters use it."""

    def __init__(self, stored: StoredStory) -> None:
        story = stored.story
        self.text = _fold("\n".join(filter(None, (story.title, story.description, story.body_text))))
        self._found: dict[re.Pattern[str], bool] = {}

    def contains(self, pattern: re.Pattern[str]) -> bool:
        found = self._found.get(pattern)
        if found is None:
            found = self._found[pattern] = pattern.search(self.text) is not None
        return found


def parse_keywords(text: str) -> tuple[tuple[Term, ...], tuple[Term, ...]]:
    """`nhs "social care" -scotland fund*` -> (include, exclude). Unbalanced quotes are an error."""
    text = _fold(text).strip()
    if len(text) > MAX_KEYWORDS_CHARS:
        raise InvalidQuery(f"keywords can be at most {MAX_KEYWORDS_CHARS} characters.")
    if text.count('"') % 2:
        raise InvalidQuery('keywords has an unmatched " : put each phrase between two double quotes.')
    include: list[Term] = []
    exclude: list[Term] = []
    for match in _TOKEN.finditer(text):
        raw = match["phrase"] if match["phrase"] is not None else match["word"]
        term = _term(raw)
        negated = match[0].startswith("-")
        if term is None:
            if negated or match["phrase"] is not None:
                raise InvalidQuery(
                    f"“{match[0]}” has nothing to match: write -word to exclude a word, "
                    '-"a phrase" to exclude a phrase.'
                )
            continue  # lone punctuation such as "&" between words
        (exclude if negated else include).append(term)
    if len(include) + len(exclude) > MAX_TERMS:
        raise InvalidQuery(f"keywords can have at most {MAX_TERMS} words and phrases.")
    return _unique(include), _unique(exclude)


def parse_organisation(text: str | None) -> str | None:
    """An organisation slug ("home-office"); a typed name ("Home Office") becomes its slug."""
    if text is None or not text.strip():
        return None
    slug = _SLUG_JUNK.sub("-", _fold(text).casefold()).strip("-")
    if not slug or len(slug) > 100:
        raise InvalidQuery("organisation must be an organisation's name or slug, like home-office.")
    return slug


def parse_types(types: str | Sequence[str] | None) -> tuple[DocType, ...]:
    """ "news story, press release" (or a list of them) -> DocTypes, in the order given."""
    if types is None:
        return ()
    items = _TYPE_SEPARATORS.split(types) if isinstance(types, str) else list(types)
    found: list[DocType] = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        doc_type = DocType.from_label(item)
        if doc_type is DocType.UNKNOWN:  # "press releases", "news stories"
            doc_type = DocType.from_label(_singular(item))
        if doc_type not in NEWS_TYPES:
            valid = ", ".join(t.label.lower() for t in NEWS_TYPES)
            raise InvalidQuery(f"“{item[:40]}” is not a story type. Use one or more of: {valid}.")
        if doc_type not in found:
            found.append(doc_type)
    return tuple(found)


def parse_min_funding(value: str | int | float | Decimal | None) -> Decimal | None:
    """Pounds: 5000000, "5,000,000", "£5m", "5 million", "£2.5bn" -> Decimal; InvalidQuery otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise InvalidQuery(MIN_FUNDING_HELP + ".")
    if isinstance(value, int | float | Decimal):
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            raise InvalidQuery(MIN_FUNDING_HELP + ".") from None
    else:
        amount = _parse_pounds(value)
    if not amount.is_finite() or amount <= 0:
        raise InvalidQuery(MIN_FUNDING_HELP + ", above zero.")
    return amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount


def format_pounds(amount: Decimal) -> str:
    """Decimal("5000000") -> "£5 million"; Decimal("650000") -> "£650,000"."""
    for word, size in (("billion", Decimal(1_000_000_000)), ("million", Decimal(1_000_000))):
        if amount >= size:
            number = f"{amount / size:f}"
            if "." in number:
                number = number.rstrip("0").rstrip(".")
            return f"£{number} {word}"
    return f"£{amount:,.2f}".removesuffix(".00")


@dataclass(frozen=True, slots=True)
class Backtest:
    """How a filter would have done over recent stories, so a moderator can tune it."""

    checked: int
    matched: int
    examples: tuple[StoredStory, ...]


def backtest(rule: SubscriptionFilter, stories: Iterable[StoredStory], examples: int = 3) -> Backtest:
    """Count the stories (e.g. the store's latest 100) the filter matches; keep the first few."""
    checked = matched = 0
    kept: list[StoredStory] = []
    for stored in stories:
        checked += 1
        if rule.matches(stored):
            matched += 1
            if len(kept) < examples:
                kept.append(stored)
    return Backtest(checked=checked, matched=matched, examples=tuple(kept))


def _parse_pounds(text: str) -> Decimal:
    parsed = parse_amount(_fold(text))
    if parsed is None:
        raise InvalidQuery(MIN_FUNDING_HELP + f", not “{text[:40]}”.")
    amount, currency = parsed
    if currency != "GBP":
        raise InvalidQuery(MIN_FUNDING_HELP + f": it is in pounds, not {currency}.")
    return amount


@lru_cache(maxsize=8192)
def _term_pattern(text: str, prefix: bool) -> re.Pattern[str]:
    # Cached here because re's own cache (512 patterns) is too small for a thousand subscriptions.
    words = [re.escape(word) for word in text.split()]
    tail = r"\w*" if prefix else ""
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + tail + r"(?!\w)", re.IGNORECASE)


def _term(raw: str) -> Term | None:
    prefix = raw.endswith("*")
    words = re.findall(r"\w+(?:['.-]\w+)*", raw.rstrip("*"))
    return Term(" ".join(words), prefix) if words else None


def _unique(terms: list[Term]) -> tuple[Term, ...]:
    seen: dict[tuple[str, bool], Term] = {}
    for term in terms:
        seen.setdefault((term.text.casefold(), term.prefix), term)
    return tuple(seen.values())


def _folded(rule: SubscriptionFilter) -> tuple[object, ...]:
    def terms(items: tuple[Term, ...]) -> frozenset[tuple[str, bool]]:
        return frozenset((t.text.casefold(), t.prefix) for t in items)

    return (
        terms(rule.include),
        terms(rule.exclude),
        rule.organisation,
        frozenset(rule.types),
        rule.min_funding,
    )


def _singular(item: str) -> str:
    lowered = item.strip().lower()
    return lowered[: -len("ies")] + "y" if lowered.endswith("ies") else lowered.removesuffix("s")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_FOLD)
