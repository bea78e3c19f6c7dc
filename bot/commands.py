"""The /news commands, once, without Discord: each returns an `Answer` of cards.

The cogs (cogs/news.py) and the offline console (bot/console.py) both call `NewsCommands`, so a
command behaves the same wherever it is typed. Expected problems raise `NewsBotError`s whose
`user_message` says what to do next; everything shown from a story is escaped here, because only
this layer knows which text is the story's and which is ours.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar
from zoneinfo import ZoneInfo

from bot.errors import InvalidQuery, NewsBotError, NothingFound
from bot.extract.money import parse_amount
from bot.models import Money, Quote, StoredStory, Story
from bot.presenting import (
    OGL_ATTRIBUTION,
    Answer,
    Card,
    CardField,
    escape_highlighted,
    escape_markdown,
    link,
    safe_url,
    truncate,
)

if TYPE_CHECKING:
    from bot.storage import MoneyHit, QuoteHit, Store

log = logging.getLogger(__name__)

LATEST_MAX = 25
SENTENCES_MAX = 5
CHOICES_MAX = 25  # Discord's cap on autocomplete choices
CHOICE_CHARS = 100  # Discord's cap on a choice's name and value
QUERY_MAX_CHARS = 200
SEARCH_RESULTS = 10
QUOTES_SHOWN = 25
FUNDING_SHOWN = 25
PER_PAGE = 5  # list items per page: enough to scan, few enough to read on a phone
QUOTE_CHARS = 700  # a quote's share of a 1,024-character field, leaving room for where it is from
GOVUK = "https://www.gov.uk"
LONDON = ZoneInfo("Europe/London")  # GOV.UK dates are London dates

Choice = tuple[str, str]
T = TypeVar("T")


class NewsCommands:
    """What /news can do. Methods mirror the slash commands and their options."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # --- the commands ---------------------------------------------------------------------------

    async def latest(self, count: int = 5, organisation: str | None = None) -> Answer:
        """The newest stories, newest first, optionally from one organisation."""
        _check_range("count", count, 1, LATEST_MAX)
        org_name = None
        slug = None
        if organisation is not None and organisation.strip():
            slug, org_name = await self._resolve_organisation(organisation)
        stories = await self.store.latest(count, slug)
        if not stories:
            if org_name:
                raise NothingFound(
                    f"There are no stored stories from {org_name} yet. Try /news latest without an organisation."
                )
            raise NothingFound("No stories are stored yet. Add some with: python run.py ingest data/samples")
        title = f"Latest stories from {escape_markdown(org_name)}" if org_name else "Latest stories"
        fields = [
            CardField(_title(s.story.title), _story_line(s.story, summary=_first_sentence(s)))
            for s in stories
        ]
        return Answer(_paged(title, fields))

    async def story(self, story: str) -> Answer:
        """One story's card: what it is, when, who from, a summary and what was extracted."""
        found = await self.store.find_story(story)
        s, extraction = found.story, found.extraction
        summary = extraction.summary_text(3) or s.description or ""
        fields = [
            CardField("Type", s.doc_type.label, inline=True),
            CardField("Published", _date(s.published_at), inline=True),
        ]
        if s.updated_at and s.published_at and _date(s.updated_at) != _date(s.published_at):
            fields.append(CardField("Updated", _date(s.updated_at), inline=True))
        if s.organisations:
            fields.append(
                CardField("Organisations", escape_markdown(", ".join(o.name for o in s.organisations)))
            )
        funding = sum(1 for m in extraction.money if m.is_funding)
        other_money = len(extraction.money) - funding
        fields += [
            CardField(
                "Quotes", _count_hint(len(extraction.quotes), f"/news quotes story:{s.id}"), inline=True
            ),
            CardField(
                "Funding figures",
                _count_hint(funding, f"/news funding story:{s.id}")
                + (f" (and {_plural(other_money, 'other amount')})" if other_money else ""),
                inline=True,
            ),
            CardField("Id", f"`{s.id}`", inline=True),
        ]
        url = story_url(s)
        if url:
            fields.append(CardField("Link", link("Read it on GOV.UK", url)))
        if s.withdrawn_at:
            note = f": {escape_markdown(s.withdrawn_note)}" if s.withdrawn_note else ""
            fields.append(CardField("Withdrawn", f"Withdrawn on {_date(s.withdrawn_at)}{note}"))
        if not s.complete:
            fields.append(
                CardField("Note", "Only the feed's summary of this story is stored, not its full text.")
            )
        card = _story_card(s, description=escape_markdown(summary), fields=fields)
        return Answer([card])

    async def summary(self, story: str, sentences: int = 1) -> Answer:
        """The story's most telling sentences, and the department's own description apart."""
        _check_range("sentences", sentences, 1, SENTENCES_MAX)
        found = await self.store.find_story(story)
        s = found.story
        text = found.extraction.summary_text(sentences)
        fields: list[CardField] = []
        if s.description:
            fields.append(CardField("The department's description", escape_markdown(s.description)))
        available = len(found.extraction.summary)
        if text and available < sentences:
            fields.append(
                CardField("Note", f"This story only has {_plural(available, 'sentence')} to pick from.")
            )
        if not text:
            if not s.description:
                raise NothingFound(
                    f"“{_short(s.title)}” has no text to summarise yet. Try /news story story:{s.id} instead."
                )
            fields.append(CardField("Note", "No sentences could be picked from this story's text."))
        return Answer([_story_card(s, description=escape_markdown(text), fields=fields)])

    async def quotes(self, story: str | None = None, speaker: str | None = None) -> Answer:
        """A story's quotes, one speaker's across stories, or (with neither) the latest quotes."""
        speaker = " ".join(speaker.split()) if speaker else None
        if story is not None and story.strip():
            found = await self.store.find_story(story)
            s = found.story
            quotes = list(found.extraction.quotes)
            if speaker:
                quotes = [q for q in quotes if _name_matches(q.speaker, speaker)]
            if not quotes:
                who = f" from {escape_markdown(speaker)}" if speaker else ""
                raise NothingFound(
                    f"No quotes{who} were found in “{_short(s.title)}”. "
                    f"Try /news summary story:{s.id} to see what it says."
                )
            fields = [_quote_field(q) for q in quotes]
            cards = _paged(f"Quotes: {_title(s.title)}", fields, url=story_url(s))
            return Answer(cards)
        if speaker:
            hits = await self._speaker_quotes(speaker)
            title = f"Quotes from {escape_markdown(hits[0].quote.speaker or speaker)}"
        else:
            hits = await self.store.quotes(limit=QUOTES_SHOWN)
            if not hits:
                raise NothingFound(
                    "No quotes are stored yet. Add stories with: python run.py ingest data/samples"
                )
            title = "Latest quotes"
        fields = [_quote_field(h.quote, story_title=h.story_title, story_id=h.story_id) for h in hits]
        return Answer(_paged(title, fields))

    async def funding(
        self, story: str | None = None, min_amount: str | int | Decimal | None = None
    ) -> Answer:
        """A story's money as a tree of funding figures, or the largest figures across stories."""
        minimum = parse_min_amount(min_amount)
        if story is not None and story.strip():
            found = await self.store.find_story(story)
            return Answer(_story_funding(found, minimum))
        hits = await self.store.funding(min_amount=minimum or Decimal(0), limit=FUNDING_SHOWN)
        if not hits:
            if minimum:
                raise NothingFound(
                    f"No stored funding figure is {pounds(minimum)} or more. Try a smaller min_amount."
                )
            raise NothingFound(
                "No funding figures are stored yet. Add stories with: python run.py ingest data/samples"
            )
        hits = sorted(hits, key=lambda h: h.money.amount, reverse=True)
        title = "Largest funding figures" + (f" of {pounds(minimum)} or more" if minimum else "")
        return Answer(_paged(title, [_money_hit_field(h) for h in hits]))

    async def search(self, query: str) -> Answer:
        """Full-text search, best first, with the matched words in bold."""
        text = " ".join(query.split())
        if not text:
            raise InvalidQuery("Type some words to search for, for example /news search query:cycling.")
        if len(text) > QUERY_MAX_CHARS:
            raise InvalidQuery(f"That search is too long. Use at most {QUERY_MAX_CHARS} characters.")
        hits = await self.store.search(text, limit=SEARCH_RESULTS)
        if not hits:
            raise NothingFound(
                f"Nothing matches “{_short(text)}”. Try fewer or different words, or /news latest."
            )
        fields = [
            CardField(
                _title(hit.title),
                # One line of context: the snippet's paragraph breaks would only spread it out.
                escape_highlighted(" ".join(hit.snippet.split()))
                + f"\n{_date(hit.published_at)} · "
                + (f"{link('Read on GOV.UK', safe_url(hit.url))} · " if safe_url(hit.url) else "")
                + f"`{hit.story_id}`",
            )
            for hit in hits
        ]
        return Answer(_paged(f"Search: {escape_markdown(_short(text))}", fields))

    # --- autocomplete -------------------------------------------------------------------------

    async def complete_story(self, prefix: str) -> list[Choice]:
        """(title, id) choices for stories whose title has words starting as typed."""
        rows = await self._complete(self.store.complete_stories, prefix)
        return [
            (_choice_name(title), story_id) for story_id, title in rows if 0 < len(story_id) <= CHOICE_CHARS
        ]

    async def complete_speaker(self, prefix: str) -> list[Choice]:
        names = await self._complete(self.store.complete_speakers, prefix)
        # A trimmed value would no longer match the speaker, so over-long names are left out
        # (and Discord refuses empty ones).
        return [(name, name) for name in names if 0 < len(name) <= CHOICE_CHARS]

    async def complete_organisation(self, prefix: str) -> list[Choice]:
        rows = await self._complete(self.store.complete_organisations, prefix)
        return [(_choice_name(name), slug) for slug, name in rows if 0 < len(slug) <= CHOICE_CHARS]

    async def _complete(self, method: Callable[[str, int], Awaitable[Sequence[T]]], prefix: str) -> list[T]:
        # Autocomplete must answer something: a problem with what was typed just means no choices.
        try:
            rows = await method(prefix[:QUERY_MAX_CHARS], CHOICES_MAX)
        except NewsBotError:
            return []
        return list(rows)[:CHOICES_MAX]

    # --- resolving free text --------------------------------------------------------------------

    async def _resolve_organisation(self, text: str) -> tuple[str, str]:
        """(slug, name) for a slug picked from autocomplete or a name typed freely."""
        wanted = " ".join(text.split()).casefold()
        candidates = await self.store.complete_organisations(text[:QUERY_MAX_CHARS], CHOICES_MAX)
        for slug, name in candidates:
            if wanted in (slug.casefold(), name.casefold()):
                return slug, name
        if not candidates:
            # The store's word search cannot find a slug typed with its hyphens; try it as words.
            candidates = await self.store.complete_organisations(wanted.replace("-", " "), CHOICES_MAX)
            for slug, name in candidates:
                if wanted == slug.casefold():
                    return slug, name
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            names = "; ".join(name for _, name in candidates[:5])
            raise NothingFound(
                f"More than one organisation matches “{_short(text)}”: {names}. Pick one from the list."
            )
        raise NothingFound(
            f"No organisation matches “{_short(text)}”. Start typing its name and pick one from the list."
        )

    async def _speaker_quotes(self, speaker: str) -> list[QuoteHit]:
        hits = await self.store.quotes(speaker=speaker, limit=QUOTES_SHOWN)
        if hits:
            return hits
        names = await self._complete(self.store.complete_speakers, speaker)
        if len(names) == 1:
            hits = await self.store.quotes(speaker=names[0], limit=QUOTES_SHOWN)
            if hits:
                return hits
        hint = (
            f" Did you mean: {'; '.join(names[:5])}?"
            if names
            else " Start typing a name and pick one from the list."
        )
        raise NothingFound(f"No stored quotes from “{_short(speaker)}”.{hint}")


# --- building cards ---------------------------------------------------------------------------------


def story_url(story: Story) -> str | None:
    """The public GOV.UK page of a story, when it has one."""
    if story.url:
        return safe_url(story.url)
    if story.base_path:
        return safe_url(GOVUK + story.base_path)
    if story.source.startswith(("https://", "http://")):
        return safe_url(story.source)
    return None


def _story_card(story: Story, *, description: str, fields: Iterable[CardField]) -> Card:
    return Card(
        title=_title(story.title),
        description=description,
        url=story_url(story),
        fields=tuple(fields),
        footer=OGL_ATTRIBUTION,
        timestamp=story.published_at,
    )


def _paged(title: str, fields: Sequence[CardField], *, url: str | None = None) -> list[Card]:
    """Cards of PER_PAGE items each, all carrying the licence attribution."""
    return [
        Card(title=title, url=url, fields=tuple(fields[i : i + PER_PAGE]), footer=OGL_ATTRIBUTION)
        for i in range(0, len(fields), PER_PAGE)
    ]


def _story_line(story: Story, *, summary: str = "") -> str:
    parts = [story.doc_type.label, _date(story.published_at)]
    if story.organisations:
        parts.append(escape_markdown(", ".join(o.name for o in story.organisations)))
    line = " · ".join(parts)
    url = story_url(story)
    where = f"{link('Read on GOV.UK', url)} · `{story.id}`" if url else f"`{story.id}`"
    text = f"{truncate(escape_markdown(summary), 300)}\n" if summary else ""
    return f"{text}{line}\n{where}"


def _first_sentence(stored: StoredStory) -> str:
    return stored.extraction.summary_text(1) or stored.story.description or ""


def _quote_field(quote: Quote, *, story_title: str | None = None, story_id: str | None = None) -> CardField:
    name = quote.speaker or "Unnamed speaker"
    if quote.role:
        name += f", {quote.role}"
    source = f"\nFrom “{escape_markdown(_short(story_title))}” · `{story_id}`" if story_title else ""
    text = truncate(escape_markdown(quote.text), QUOTE_CHARS)
    return CardField(escape_markdown(name), f"“{text}”{source}")


def _money_line(money: Money) -> str:
    amount = f"**{escape_markdown(money.surface)}**"
    if money.qualifier:
        amount = f"{escape_markdown(money.qualifier)} {amount}"
    details = [escape_markdown(part) for part in (money.purpose, money.period) if part]
    if money.funder:
        details.append(f"from {escape_markdown(money.funder)}")
    return " — ".join([amount, " · ".join(details)]) if details else amount


def _money_hit_field(hit: MoneyHit) -> CardField:
    money = hit.money
    name = f"{money.qualifier} {money.surface}" if money.qualifier else money.surface
    details = " · ".join(escape_markdown(part) for part in (money.purpose, money.period) if part)
    source = f"From “{escape_markdown(_short(hit.story_title))}” · `{hit.story_id}`"
    return CardField(escape_markdown(name), f"{details}\n{source}" if details else source)


def _story_funding(found: StoredStory, minimum: Decimal | None) -> list[Card]:
    s = found.story
    funding = [m for m in found.extraction.money if m.is_funding]
    others = [m for m in found.extraction.money if not m.is_funding]
    if minimum:
        funding = [m for m in funding if m.amount >= minimum]
        others = [m for m in others if m.amount >= minimum]
    if not funding and not others:
        if minimum:
            raise NothingFound(
                f"“{_short(s.title)}” has no amounts of {pounds(minimum)} or more. Try without min_amount."
            )
        raise NothingFound(
            f"No money figures were found in “{_short(s.title)}”. Try /news story story:{s.id}."
        )
    lines = funding_tree(funding)
    description = "\n".join(lines) if lines else "No funding figures were found in this story."
    fields = []
    if others:
        fields.append(
            CardField("Other amounts mentioned (not funding)", "\n".join(_money_line(m) for m in others))
        )
    card = _story_card(s, description=description, fields=fields)
    return [replace(card, title=f"Funding: {card.title}")]


_INDENT = "\u2003"  # an em space: Discord keeps it where it trims ordinary leading spaces


def funding_tree(figures: Sequence[Money]) -> list[str]:
    """One line per figure, parts indented under the total they belong to, in story order."""
    by_surface: dict[str, Money] = {}
    for money in figures:
        by_surface.setdefault(money.surface, money)
    children: dict[str, list[Money]] = {}
    roots: list[Money] = []
    for money in figures:
        parent = by_surface.get(money.part_of) if money.part_of else None
        if parent is None or parent is money:
            roots.append(money)
        else:
            children.setdefault(parent.surface, []).append(money)

    lines: list[str] = []
    shown: set[int] = set()

    def walk(money: Money, depth: int) -> None:
        if id(money) in shown:  # part_of chains that loop back must not recurse for ever
            return
        shown.add(id(money))
        prefix = (_INDENT * depth + "└ ") if depth else ""
        lines.append(prefix + _money_line(money))
        for child in children.get(money.surface, []):
            walk(child, depth + 1)

    for root in roots:
        walk(root, 0)
    for money in figures:  # anything only reachable through a loop
        walk(money, 0)
    return lines


# --- options --------------------------------------------------------------------------------------


def parse_min_amount(value: str | int | Decimal | None) -> Decimal | None:
    """5000000, "5000000", "£5m", "5 million" -> Decimal pounds; None when not given."""
    if value is None:
        return None
    if isinstance(value, int | Decimal):
        amount = Decimal(value)
    else:
        text = value.strip()
        if not text:
            return None
        amount = _parse_amount_text(text)
    if amount < 0:
        raise InvalidQuery("min_amount cannot be negative. Try 5000000, £5m or 5 million.")
    return amount


def _parse_amount_text(text: str) -> Decimal:
    parsed = parse_amount(text)
    if parsed is None:
        raise InvalidQuery(f"I couldn't read “{_short(text)}” as an amount. Try 5000000, £5m or 5 million.")
    amount, currency = parsed
    if currency != "GBP":
        raise InvalidQuery("Give min_amount in pounds, for example £5m or 5 million.")
    return amount


def _check_range(name: str, value: int, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidQuery(f"{name} must be a whole number from {low} to {high}.")


# --- small text helpers ------------------------------------------------------------------------------


def _date(when: datetime | None) -> str:
    if when is None:
        return "date unknown"
    local = when.astimezone(LONDON) if when.tzinfo else when
    return f"{local.day} {local:%B %Y}"


def pounds(amount: Decimal) -> str:
    """£5 million, £1.5 billion, £250,000, £580.17: how GOV.UK writes amounts."""
    for size, word in ((Decimal(1_000_000_000), "billion"), (Decimal(1_000_000), "million")):
        if amount >= size:
            return f"£{_trim(amount / size)} {word}"
    return f"£{amount:,.0f}" if amount == amount.to_integral_value() else f"£{amount:,.2f}"


def _trim(number: Decimal) -> str:
    return f"{number:,.2f}".rstrip("0").rstrip(".")


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _count_hint(n: int, command: str) -> str:
    return f"{n} (see {command})" if n else "0"


def _short(text: str, limit: int = 80) -> str:
    return truncate(" ".join(text.split()), limit)


def _title(text: str) -> str:
    """A title for a card or field name: one line (a stray newline would break it), escaped."""
    return escape_markdown(" ".join(text.split()))


def _choice_name(text: str) -> str:
    return truncate(" ".join(text.split()), CHOICE_CHARS) or "(untitled)"


def _name_matches(name: str, wanted: str) -> bool:
    """Every typed word starts a word of the name, in any case ("johns" matches "Jo Johnson")."""
    words = name.casefold().split()
    return all(any(w.startswith(part) for w in words) for part in wanted.casefold().split())
