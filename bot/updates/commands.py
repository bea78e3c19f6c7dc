"""The /updates commands and the channel posts, without Discord: each returns `Answer`s or `Card`s.

The cog (cogs/updates.py) reads the interaction's options, works out what Discord alone knows (which
permissions the bot lacks in a channel), and calls `UpdatesCommands`; the poster (cogs/poster.py)
builds each channel post with `post_card` and `post_content`. Ids arrive as integers from Discord,
never typed by users, except a subscription id, which is always looked up within the guild.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from bot.commands import NewsCommands, story_url
from bot.errors import InvalidQuery, NothingFound
from bot.models import Money, StoredStory, Story
from bot.presenting import (
    FIELD_VALUE_LIMIT,
    OGL_ATTRIBUTION,
    TITLE_LIMIT,
    Answer,
    Card,
    CardField,
    escape_markdown,
    fit,
    link,
    truncate,
    units,
)
from bot.updates.filters import Mode, SubscriptionFilter
from bot.updates.models import MAX_REFUSALS, DeliveryProblem, FeedState, Subscription
from bot.updates_store import UpdatesStore

log = logging.getLogger(__name__)

BACKTEST_STORIES = 100
BACKTEST_EXAMPLES = 3
PER_PAGE = 5
SUMMARY_SENTENCES = 2
SUMMARY_CHARS = 1000
QUOTE_CHARS = 500
# Error messages name no channel: the error handler escapes them, and "<#id>" would show as text.
# The permissions the bot needs to post a story card in a channel, as people see them named.
NEEDED_PERMISSIONS = ("View Channel", "Send Messages", "Embed Links")


class MissingChannelPermissions(InvalidQuery):
    """The bot could not post in the channel a moderator chose."""

    def __init__(self, missing: Sequence[str]) -> None:
        self.missing = tuple(missing)
        names = ", ".join(self.missing)
        super().__init__(
            f"I can't post updates in that channel: I don't have the {names} permission"
            f"{'s' if len(self.missing) > 1 else ''} there. Give me {names} in that channel"
            " (or pick another channel), then subscribe again."
        )


class UpdatesCommands:
    """What /updates can do. Every method takes the guild it was asked in and stays within it."""

    def __init__(self, updates: UpdatesStore, news: NewsCommands) -> None:
        self.updates = updates
        self.news = news

    async def subscribe(
        self,
        guild_id: int,
        channel_id: int,
        created_by: int,
        *,
        missing_permissions: Sequence[str] = (),
        keywords: str | None = None,
        organisation: str | None = None,
        types: str | None = None,
        min_funding: str | None = None,
        mode: str | None = None,
        role_id: int | None = None,
    ) -> Answer:
        """Save a subscription at once, and show how its filters would have done lately."""
        if missing_permissions:
            raise MissingChannelPermissions(missing_permissions)
        if role_id == guild_id:  # Discord gives a server's @everyone role the server's own id
            raise InvalidQuery("Pick a role to mention other than @everyone, or leave role out.")
        rule = SubscriptionFilter.parse(keywords, organisation, types, min_funding)
        chosen = Mode.parse(mode)
        org_note = ""
        if rule.organisation and await self.updates.organisation_name(rule.organisation) is None:
            org_note = (
                f"\nNo stored story is from “{escape_markdown(rule.organisation)}” yet: check the"
                " spelling, or pick the organisation from the list as you type."
            )
        subscription = await self.updates.add_subscription(
            guild_id, channel_id, rule, chosen, role_id, created_by
        )
        tested = await self.updates.backtest(rule, BACKTEST_STORIES, BACKTEST_EXAMPLES)
        description = (
            f"Subscription **{subscription.id}** is saved: <#{channel_id}> gets "
            f"{_mode_phrase(chosen)} of {escape_markdown(rule.describe())}."
            + (f" Each post mentions <@&{role_id}>." if role_id is not None else "")
            + org_note
        )
        fields = [
            CardField(
                "Backtest",
                f"These filters match **{tested.matched}** of the last {tested.checked} stored"
                f" stor{'y' if tested.checked == 1 else 'ies'}."
                + (" Loosen them if you expected some." if tested.checked and not tested.matched else ""),
            )
        ]
        for example in tested.examples:
            fields.append(CardField(_one_line(example.story.title), _example_line(example)))
        card = Card(
            title="Channel subscribed", description=description, fields=tuple(fields), footer=OGL_ATTRIBUTION
        )
        return Answer([card], ephemeral=True)

    async def unsubscribe(self, guild_id: int, channel_id: int, subscription_id: int | None = None) -> Answer:
        removed = await self.updates.remove_subscriptions(guild_id, channel_id, subscription_id)
        if not removed:
            which = f"subscription {subscription_id}" if subscription_id is not None else "subscriptions"
            raise NothingFound(f"That channel has no {which} in this server. See /updates list for the ids.")
        return Answer(
            content=f"Removed {_plural(removed, 'subscription')} from <#{channel_id}>.", ephemeral=True
        )

    async def list(self, guild_id: int) -> Answer:
        subscriptions = await self.updates.list_subscriptions(guild_id)
        if not subscriptions:
            raise NothingFound("This server has no subscriptions yet. Add one with /updates subscribe.")
        problems = await self.updates.delivery_problems(guild_id)
        fields = [_subscription_field(s, problems.get(s.channel_id)) for s in subscriptions]
        title = f"Subscriptions in this server ({len(subscriptions)})"
        pages = [
            Card(title=title, fields=tuple(fields[i : i + PER_PAGE]), footer=OGL_ATTRIBUTION)
            for i in range(0, len(fields), PER_PAGE)
        ]
        return Answer(pages, ephemeral=True)

    async def pause(self, guild_id: int, channel_id: int) -> Answer:
        changed = await self.updates.set_paused(guild_id, channel_id, True)
        if not changed:
            raise NothingFound("That channel has no active subscriptions to pause. See /updates list.")
        return Answer(
            content=f"Paused {_plural(changed, 'subscription')} in <#{channel_id}>."
            " Stories found meanwhile are not posted later. Resume with /updates resume.",
            ephemeral=True,
        )

    async def resume(self, guild_id: int, channel_id: int) -> Answer:
        changed = await self.updates.set_paused(guild_id, channel_id, False)
        if not changed:
            raise NothingFound("That channel has no paused subscriptions. See /updates list.")
        return Answer(
            content=f"Resumed {_plural(changed, 'subscription')} in <#{channel_id}>.", ephemeral=True
        )

    async def status(self) -> Answer:
        feeds = await self.updates.feeds()
        if not feeds:
            raise NothingFound("No feed has been checked yet. The first check happens soon after start-up.")
        fields = [_feed_field(feed) for feed in feeds]
        pages = [
            Card(title="Feeds", fields=tuple(fields[i : i + PER_PAGE]), footer=OGL_ATTRIBUTION)
            for i in range(0, len(fields), PER_PAGE)
        ]
        return Answer(pages, ephemeral=True)

    async def complete_organisation(self, prefix: str) -> list[tuple[str, str]]:
        return await self.news.complete_organisation(prefix)


# --- channel posts ----------------------------------------------------------------------------------


def post_card(stored: StoredStory, update_note: str | None = None) -> Card:
    """The card a subscribed channel gets: title, link, summary, organisation, the headline funding
    figure and quote, and the Open Government Licence attribution."""
    story, extraction = stored.story, stored.extraction
    summary = extraction.summary_text(SUMMARY_SENTENCES) or story.description or ""
    description = truncate(escape_markdown(summary), SUMMARY_CHARS)
    if update_note:
        description = f"**Updated:** {escape_markdown(update_note)}\n\n{description}".strip()
    if story.withdrawn_at:
        note = f": {escape_markdown(story.withdrawn_note)}" if story.withdrawn_note else ""
        description = f"**Withdrawn**{note}\n\n{description}".strip()
    fields: list[CardField] = []
    if story.organisations:
        names = ", ".join(o.name for o in story.organisations)
        fields.append(CardField("Organisation", escape_markdown(names), inline=True))
    fields.append(CardField("Type", story.doc_type.label, inline=True))
    headline = headline_funding(extraction.money)
    if headline is not None:
        fields.append(CardField("Funding", _money_text(headline)))
    if extraction.quotes:
        quote = extraction.quotes[0]
        who = quote.speaker or "Unnamed speaker"
        if quote.role:
            who += f", {quote.role}"
        text = truncate(escape_markdown(" ".join(quote.text.split())), QUOTE_CHARS)
        fields.append(CardField("Quote", f"“{text}”\n— {escape_markdown(who)}"))
    url = story_url(story)
    if url:
        fields.append(CardField("Link", link("Read it on GOV.UK", url)))
    return Card(
        title=_one_line(story.title),
        description=description,
        url=url,
        fields=tuple(fields),
        footer=OGL_ATTRIBUTION,
        timestamp=story.published_at,
    )


def update_note(story: Story) -> str | None:
    """The note of the story's latest change, for an edited post's "Updated: <note>"; None when the
    latest entry is the first publication's ("First published."): a withdrawal, or a change GOV.UK
    made without a note, gives the story a new public_updated_at but no new entry."""
    if not story.change_history:
        return None
    latest = story.change_history[0]
    if story.published_at is not None and latest.at <= story.published_at:
        return None
    return latest.note


def post_content(role_ids: Sequence[int]) -> str | None:
    """The message text: the subscriptions' role mentions and nothing else (None: no roles)."""
    return " ".join(f"<@&{role}>" for role in dict.fromkeys(role_ids)) or None


def headline_funding(money: Sequence[Money]) -> Money | None:
    """The largest funding figure in pounds that is not part of another one (else the largest)."""
    funding = [m for m in money if m.is_funding and m.currency == "GBP"]
    if not funding:
        return None
    totals = [m for m in funding if not m.part_of] or funding
    return max(totals, key=lambda m: m.amount)


DIGEST_TITLES = {"daily": "Daily digest", "weekly": "Weekly digest", "catch_up": "Stories you missed"}
DIGEST_LINE_SUMMARY = 160


def digest_cards(kind: str, period: str, stories: Sequence[StoredStory]) -> list[Card]:
    """One channel's digest, grouped by organisation (first listed), each story on one line with
    its link, a one-line summary and its biggest funding figure; fitted into as many pages
    (messages) as it needs."""
    groups: dict[str, list[str]] = {}
    for stored in stories:
        story = stored.story
        organisation = story.organisations[0].name if story.organisations else "Other"
        groups.setdefault(organisation, []).append(_digest_line(stored))
    fields: list[CardField] = []
    for organisation, lines in groups.items():
        name = escape_markdown(organisation)
        for chunk in _chunks(lines, FIELD_VALUE_LIMIT):
            fields.append(CardField(name, "\n".join(chunk)))
            name = f"{escape_markdown(organisation)} (continued)"
    title = DIGEST_TITLES.get(kind, "Digest")
    if kind != "catch_up":
        title += f" for {period}"
    count = f"{len(stories)} stor{'y' if len(stories) == 1 else 'ies'}"
    card = Card(title=title, description=f"{count}.", fields=tuple(fields), footer=OGL_ATTRIBUTION)
    pages = fit(card)
    if len(pages) > 1:
        pages = [
            replace(page, title=truncate(f"{title} ({number}/{len(pages)})", TITLE_LIMIT))
            for number, page in enumerate(pages, start=1)
        ]
    return pages


def _digest_line(stored: StoredStory) -> str:
    story = stored.story
    title = _one_line(story.title)
    url = story_url(story)
    line = link(title, url)
    summary = stored.extraction.summary_text(1) or story.description or ""
    if summary:
        line += " — " + truncate(escape_markdown(" ".join(summary.split())), DIGEST_LINE_SUMMARY)
    headline = headline_funding(stored.extraction.money)
    if headline is not None:
        line += f" · **{escape_markdown(headline.surface)}**"
    return truncate(line, FIELD_VALUE_LIMIT)


def _chunks(lines: Sequence[str], limit: int) -> list[list[str]]:
    """Lines grouped so each group, joined by newlines, fits in `limit` characters."""
    chunks: list[list[str]] = [[]]
    size = 0
    for line in lines:
        if chunks[-1] and size + 1 + units(line) > limit:
            chunks.append([])
            size = 0
        size += units(line) + (1 if chunks[-1] else 0)
        chunks[-1].append(line)
    return chunks


def feed_failing_notice(url: str, error: str | None) -> str:
    """Told once per outage, when a feed has failed for an hour."""
    why = f" (last error: {escape_markdown(truncate(error, 200))})" if error else ""
    return (
        f"The news feed {url} has been failing for over an hour{why}, so new stories may be late."
        " I keep trying and will post what was missed when it is back; /updates status shows its state."
    )


def feed_recovered_notice(url: str) -> str:
    return f"The news feed {url} is working again; stories missed meanwhile are on their way."


def lost_channel_notice(channel_id: int, count: int, reason: str) -> str:
    """What the server's moderators are told, once, when the bot loses a subscribed channel."""
    why = "I no longer have access to it" if reason == "forbidden" else "it no longer exists"
    return (
        f"I paused {_plural(count, 'channel update subscription')} for <#{channel_id}>: {why}."
        " Give me View Channel, Send Messages and Embed Links there, then run /updates resume,"
        " or remove them with /updates unsubscribe."
    )


# --- helpers -----------------------------------------------------------------------------------------


def _mode_phrase(mode: Mode) -> str:
    return {
        Mode.IMMEDIATE: "a post for each new story",
        Mode.DAILY: "a daily digest",
        Mode.WEEKLY: "a weekly digest (Saturdays)",
    }[mode]


def _subscription_field(subscription: Subscription, problem: DeliveryProblem | None = None) -> CardField:
    lines = [
        f"Channel: <#{subscription.channel_id}>",
        f"Filters: {escape_markdown(subscription.filter.describe())}",
        f"Mode: {subscription.mode.value}",
    ]
    if subscription.role_id is not None:
        lines.append(f"Role: <@&{subscription.role_id}>")
    lines.append(f"Last post: {_when(subscription.last_post_at) or 'none yet'}")
    lines.append(f"Health: {subscription.health}")
    if problem is not None:
        waiting = " and ".join(
            _plural(count, noun)
            for count, noun in ((problem.posts, "post"), (problem.digests, "digest"))
            if count
        )
        if waiting:
            lines.append(f"Waiting: {waiting} after a failed send, tried again each round.")
        if problem.refused:
            lines.append(
                f"Not sent: {_plural(problem.refused, 'message')} Discord refused {MAX_REFUSALS} times"
                " this week, set aside so the rest can go."
            )
        if problem.last_error:
            lines.append(f"Last error: {escape_markdown(truncate(problem.last_error, 200))}")
    return CardField(f"Subscription {subscription.id}", "\n".join(lines))


def _feed_field(feed: FeedState) -> CardField:
    lines = [
        f"Last check: {_when(feed.last_checked_at) or 'not yet'}",
        f"Last new story: {_when(feed.last_new_story_at) or 'none yet'}",
    ]
    if feed.failures:
        since = _when(feed.failing_since) or "recently"
        lines.append(f"Failing since {since} ({_plural(feed.failures, 'failure')} in a row)")
        if feed.last_error:
            lines.append(f"Last error: {escape_markdown(truncate(feed.last_error, 300))}")
    else:
        lines.append("Working")
    return CardField(truncate(feed.url, 256), "\n".join(lines))


def _example_line(stored: StoredStory) -> str:
    story = stored.story
    parts = [story.doc_type.label]
    if story.published_at:
        parts.append(_when(story.published_at) or "")
    url = story_url(story)
    if url:
        parts.append(link("Read on GOV.UK", url))
    return " · ".join(p for p in parts if p)


def _money_text(money: Money) -> str:
    amount = f"**{escape_markdown(money.surface)}**"
    if money.qualifier:
        amount = f"{escape_markdown(money.qualifier)} {amount}"
    details = [escape_markdown(part) for part in (money.purpose, money.period) if part]
    return " — ".join([amount, " · ".join(details)]) if details else amount


def _when(value: datetime | None) -> str | None:
    """Discord shows <t:…:f> in each reader's own time zone."""
    return f"<t:{int(value.timestamp())}:f>" if value is not None else None


def _one_line(text: str) -> str:
    return escape_markdown(" ".join(text.split()))


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
