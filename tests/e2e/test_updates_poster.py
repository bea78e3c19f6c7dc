"""Channel updates end to end: a local Atom feed and Content API on 127.0.0.1, the real bot and poster
cog, the fake Discord, and a clock the tests move. The poster's loop is off (`poster_seconds=None`);
each test runs a round with `Poster.run_once()` instead of waiting for it."""

from __future__ import annotations

import asyncio
import hashlib
import random
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, cast
from xml.sax.saxutils import escape

import pytest
from aiohttp import web

from bot.client import NewsBot
from bot.fetch import Fetcher
from bot.ingest import IngestionService
from bot.models import Extraction, Money, Quote, Sentence, Story
from bot.presenting import OGL_ATTRIBUTION
from bot.storage import Store
from bot.updates.filters import Mode, SubscriptionFilter
from bot.updates.models import MAX_REFUSALS, PAUSED_FORBIDDEN, PAUSED_NOT_FOUND
from bot.updates.poller import FeedPoller
from cogs.poster import Poster
from tests.e2e.conftest import StartBot
from tests.e2e.fake_discord import EPHEMERAL, MODERATOR_PERMISSIONS, FakeDiscord

POLL_MINUTES = 0.1  # a local feed may be polled every six seconds (of the fake clock)
AFTER_INTERVAL = timedelta(minutes=POLL_MINUTES * 1.2)  # past the interval and its jitter
MOD = {"permissions": MODERATOR_PERMISSIONS}
_MILLIONS = re.compile(r"£(\d+(?:\.\d+)?) million")
FIRST_PUBLISHED = "2026-11-20T10:00:00+00:00"
_SAID = re.compile(r"(?P<speaker>[A-Z][a-z]+ [A-Z][a-z]+) said: “(?P<text>[^”]+)”")


class FakeClock:
    def __init__(self) -> None:
        self.current = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current


@dataclass
class Entry:
    slug: str
    title: str
    body: str
    organisation: str = "Department for Transport"
    updated: str = "2026-11-20T10:00:00+00:00"
    change_note: str | None = None
    withdrawn_notice: dict[str, str] | None = None  # the Content API's, once GOV.UK withdraws it


@dataclass
class FeedServer:
    """One Atom feed (newest first, with an ETag) and the Content API item of each entry."""

    entries: list[Entry] = field(default_factory=list)
    base: str = ""
    fail_status: int | None = None  # answer the feed with this status (an outage)

    def feed_xml(self) -> bytes:
        items = "".join(
            f"<entry><id>tag:www.gov.uk,2005:/government/news/{e.slug}</id><updated>{e.updated}</updated>"
            f'<link rel="alternate" type="text/html" href="https://www.gov.uk/government/news/{e.slug}"/>'
            f"<title>{escape(e.title)}</title><summary>{escape(e.title)}.</summary></entry>"
            for e in reversed(self.entries)
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            "<id>tag:www.gov.uk,2005:/search/news-and-communications</id><title>News</title>"
            f"<updated>2026-11-20T10:00:00+00:00</updated>{items}</feed>"
        ).encode()

    async def feed(self, request: web.Request) -> web.Response:
        if self.fail_status is not None:
            return web.Response(status=self.fail_status, text="unavailable")
        body = self.feed_xml()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=body, content_type="application/atom+xml", headers={"ETag": etag})

    async def content(self, request: web.Request) -> web.Response:
        entry = next((e for e in self.entries if e.slug == request.match_info["slug"]), None)
        if entry is None:
            return web.Response(status=404)
        org_path = "/government/organisations/" + entry.organisation.lower().replace(" ", "-")
        return web.json_response(
            {
                "schema_name": "news_article",
                "document_type": "press_release",
                "title": entry.title,
                "base_path": f"/government/news/{entry.slug}",
                "content_id": hashlib.md5(entry.slug.encode()).hexdigest(),
                "locale": "en",
                "description": f"{entry.title}.",
                "first_published_at": FIRST_PUBLISHED,
                "public_updated_at": entry.updated,
                "details": {
                    "body": f"<p>{escape(entry.body)}</p>",
                    "change_history": [
                        {"public_timestamp": entry.updated, "note": entry.change_note}
                        if entry.change_note
                        else {"public_timestamp": FIRST_PUBLISHED, "note": "First published."}
                    ],
                },
                "links": {"organisations": [{"title": entry.organisation, "base_path": org_path}]},
                # GOV.UK sends an empty object for a story that is not withdrawn.
                "withdrawn_notice": entry.withdrawn_notice or {},
            }
        )


def stand_in_extractor(story: Story) -> Extraction:
    """Deterministic extraction (the real extractors change under other work): every "£N million"
    is funding, "X Y said: “…”" is a quote, the first paragraph is the summary."""
    text = story.body_text
    money = tuple(
        Money(m.group(0), Decimal(m.group(1)) * 1_000_000, "GBP", True, 0, purpose="rail services")
        for m in _MILLIONS.finditer(text)
    )
    quotes = tuple(Quote(m["speaker"], "Rail Minister", m["text"], 0) for m in _SAID.finditer(text))
    first = story.blocks[0].text if story.blocks else ""
    return Extraction(quotes=quotes, money=money, summary=(Sentence(first, 0, 0),) if first else ())


@pytest.fixture
async def feed() -> AsyncIterator[FeedServer]:
    server = FeedServer(
        [
            Entry("old-timetable", "Old timetable published", "The old timetable."),
            Entry("old-fares", "Fares frozen", "Fares are frozen."),
        ]
    )
    app = web.Application()
    app.router.add_get("/feed.atom", server.feed)
    app.router.add_get("/api/content/government/news/{slug}", server.content)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server.base = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]
    try:
        yield server
    finally:
        await runner.cleanup()


@dataclass
class Updates:
    fake: FakeDiscord
    feed: FeedServer
    clock: FakeClock
    bot: NewsBot
    role: str
    other_guild: str
    other_channel: str

    @property
    def poster(self) -> Poster:
        cog = self.bot.get_cog("Poster")
        assert cog is not None  # (load_extension imports the module afresh, so no isinstance)
        return cast(Poster, cog)

    async def round(self, advance: timedelta = AFTER_INTERVAL) -> int:
        self.clock.current += advance
        return await self.poster.run_once()

    async def subscribe(self, channel: str, guild: str | None = None, **options: Any) -> None:
        inter = await self.fake.slash("updates subscribe", guild=guild, channel=channel, **MOD, **options)
        message = await self.fake.reply(inter)
        assert message["flags"] & EPHEMERAL and message["embeds"], message["content"]

    def posts(self, channel: str) -> list[dict[str, Any]]:
        return self.fake.channel_messages(channel)


@pytest.fixture
async def updates(
    fake: FakeDiscord, store: Store, feed: FeedServer, start_bot: StartBot
) -> AsyncIterator[Updates]:
    role = fake.add_role("rail-watchers")
    other_guild, other_channel = fake.add_guild("Other Server")
    clock = FakeClock()
    async with Fetcher(host_interval=0) as fetcher:
        ingest = IngestionService(store, fetcher, feed.base, extractor=stand_in_extractor)
        bot = await start_bot(clock=clock)
        bot.poller = FeedPoller(
            [f"{feed.base}/feed.atom"], fetcher, ingest, bot.updates, clock, POLL_MINUTES, random.Random(3)
        )
        yield Updates(fake, feed, clock, bot, role, other_guild, other_channel)


NEW_STORY = Entry(
    "faster-trains",
    "£40 million for faster trains in the north",
    "The government has announced £40 million for faster trains in the north."
    " Jo Bloggs said: “Passengers will see the difference within a year.”",
)


async def test_a_new_story_is_posted_once_to_the_subscribed_channel(updates: Updates) -> None:
    fake = updates.fake
    await updates.subscribe(fake.channel_id, keywords="trains", role=updates.role)
    await updates.subscribe(updates.other_channel, guild=updates.other_guild, keywords="hospitals")

    assert await updates.round() == 0  # the first poll stores what the feed holds and posts nothing
    assert await updates.bot.store.count() == 2
    assert updates.posts(fake.channel_id) == []

    updates.feed.entries.append(NEW_STORY)
    assert await updates.round() == 1
    [post] = updates.posts(fake.channel_id)
    (embed,) = post["embeds"]
    assert embed["title"] == "£40 million for faster trains in the north"
    assert embed["url"] == "https://www.gov.uk/government/news/faster-trains"
    assert embed["description"].startswith("The government has announced £40 million")
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Organisation"] == "Department for Transport"
    assert fields["Funding"] == "**£40 million** — rail services"
    assert (
        fields["Quote"] == "“Passengers will see the difference within a year.”\n— Jo Bloggs, Rail Minister"
    )
    assert "https://www.gov.uk/government/news/faster-trains" in fields["Link"]
    assert embed["footer"]["text"] == OGL_ATTRIBUTION
    # The role is the message's only text and its only allowed mention.
    assert post["content"] == f"<@&{updates.role}>"
    assert post["allowed_mentions"] == {"parse": [], "roles": [int(updates.role)]}
    [request] = [
        r for r in fake.requests if r.method == "POST" and r.path.endswith(f"{fake.channel_id}/messages")
    ]
    assert request.body["enforce_nonce"] is True and 0 < len(request.body["nonce"]) <= 25

    # Nothing is posted twice, nothing to the channels that did not ask for it.
    assert await updates.round() == 0
    assert await updates.round(timedelta(0)) == 0
    assert len(updates.posts(fake.channel_id)) == 1
    assert updates.posts(fake.other_channel_id) == [] and updates.posts(updates.other_channel) == []
    [sent] = await updates.bot.updates.posts_for_story("faster-trains")
    assert sent.state == "sent" and sent.message_id == int(post["id"])
    listed = await fake.reply(await fake.slash("updates list", **MOD))
    assert "Last post: <t:" in listed["embeds"][0]["fields"][0]["value"]


class Killed(Exception):
    """Stands in for the process dying at that point."""


async def test_a_send_repeated_after_a_crash_does_not_duplicate(updates: Updates) -> None:
    fake = updates.fake
    await updates.subscribe(fake.channel_id)
    await updates.subscribe(fake.other_channel_id)
    await updates.round()
    updates.feed.entries.append(NEW_STORY)

    # Discord creates the first message, then the bot dies before recording it.
    async def killed(post_id: int, message_id: int) -> None:
        raise Killed

    outbox = updates.bot.updates
    outbox.mark_sent = killed  # type: ignore[method-assign]
    with pytest.raises(ExceptionGroup) as died:  # from the channel senders' task group
        await updates.round()
    assert died.value.subgroup(Killed) is not None
    del outbox.mark_sent  # the class's own method again
    assert len(updates.posts(fake.channel_id)) == 1  # sent, not recorded
    assert len(updates.posts(fake.other_channel_id)) <= 1  # in flight when the bot died: maybe sent

    # The restarted round sends both again: Discord hands back the first one (same nonce).
    assert await updates.round(timedelta(0)) == 2
    [first] = updates.posts(fake.channel_id)
    assert len(updates.posts(fake.other_channel_id)) == 1
    posts = await updates.bot.updates.posts_for_story("faster-trains")
    assert {p.message_id for p in posts if p.channel_id == int(fake.channel_id)} == {int(first["id"])}
    assert all(p.state == "sent" for p in posts)


@pytest.mark.parametrize(
    ("status", "code", "reason"), [(403, 50001, PAUSED_FORBIDDEN), (404, 10003, PAUSED_NOT_FOUND)]
)
async def test_a_lost_channel_is_paused_and_reported_once(
    updates: Updates, status: int, code: int, reason: str
) -> None:
    fake = updates.fake
    await updates.subscribe(fake.channel_id)
    await updates.subscribe(fake.other_channel_id)
    await updates.round()
    fake.refuse_posts[fake.other_channel_id] = (status, code)
    updates.feed.entries.append(NEW_STORY)

    assert await updates.round() == 1  # the healthy channel still gets its post
    assert len(updates.posts(fake.channel_id)) == 2  # the story, and the notice in the system channel
    [notice] = [p for p in updates.posts(fake.channel_id) if not p["embeds"]]  # sent concurrently
    assert f"<#{fake.other_channel_id}>" in notice["content"] and "/updates resume" in notice["content"]
    assert notice["allowed_mentions"] == {"parse": []}
    [lost] = await updates.bot.updates.list_subscriptions(int(fake.guild_id), int(fake.other_channel_id))
    assert lost.paused and lost.paused_reason == reason

    updates.feed.entries.append(Entry("more-trains", "More trains", "More trains run."))
    assert await updates.round() == 1
    assert len(updates.posts(fake.channel_id)) == 3  # the new story; no second notice
    listed = await fake.reply(await fake.slash("updates list", **MOD))
    assert "paused: the bot lost access to the channel" in listed["embeds"][0]["fields"][1]["value"]


async def test_an_updated_story_edits_the_original_post(updates: Updates) -> None:
    fake = updates.fake
    await updates.subscribe(fake.channel_id, role=updates.role)
    await updates.round()
    entry = Entry(NEW_STORY.slug, NEW_STORY.title, NEW_STORY.body)
    updates.feed.entries.append(entry)
    await updates.round()
    [post] = updates.posts(fake.channel_id)

    entry.updated = "2026-11-21T09:00:00+00:00"
    entry.change_note = "Corrected the date of the first trains."
    assert await updates.round() == 0  # no new post...
    [edited] = updates.posts(fake.channel_id)  # ...but the same message, edited
    assert edited["id"] == post["id"] and edited["edited_timestamp"] is not None
    description = edited["embeds"][0]["description"]
    assert description.startswith("**Updated:** Corrected the date of the first trains.")
    assert edited["content"] == f"<@&{updates.role}>"
    [sent] = await updates.bot.updates.posts_for_story(NEW_STORY.slug)
    assert not sent.edit_pending
    await updates.round()
    patches = [r for r in fake.requests if r.method == "PATCH" and r.path.endswith(post["id"])]
    assert len(patches) == 1  # edited once, not on every round


async def test_an_edit_refused_with_403_pauses_the_channel_until_resumed(updates: Updates) -> None:
    fake = updates.fake
    await updates.subscribe(fake.channel_id)
    await updates.subscribe(fake.other_channel_id)
    await updates.round()
    entry = Entry(NEW_STORY.slug, NEW_STORY.title, NEW_STORY.body)
    updates.feed.entries.append(entry)
    await updates.round()
    [post] = updates.posts(fake.other_channel_id)

    fake.refuse_posts[fake.other_channel_id] = (403, 50001)
    entry.updated = "2026-11-21T09:00:00+00:00"
    entry.change_note = "Corrected the date of the first trains."
    await updates.round()
    [lost] = await updates.bot.updates.list_subscriptions(int(fake.guild_id), int(fake.other_channel_id))
    assert lost.paused and lost.paused_reason == PAUSED_FORBIDDEN
    notices = [p for p in updates.posts(fake.channel_id) if not p["embeds"]]
    assert len(notices) == 1 and f"<#{fake.other_channel_id}>" in notices[0]["content"]

    def patches() -> int:
        return len([r for r in fake.requests if r.method == "PATCH" and r.path.endswith(post["id"])])

    refused = patches()
    await updates.round()
    assert patches() == refused, "a paused channel's edit was tried again"

    del fake.refuse_posts[fake.other_channel_id]
    await fake.reply(await fake.slash("updates resume", channel=fake.other_channel_id, **MOD))
    await updates.round()
    [edited] = updates.posts(fake.other_channel_id)
    assert edited["embeds"][0]["description"].startswith("**Updated:** Corrected the date")
    assert patches() == refused + 1


async def test_the_loop_sends_by_itself(fake: FakeDiscord, store: Store, start_bot: StartBot) -> None:
    bot = await start_bot(poster_seconds=0.01)
    saved = await store.save(
        Story(
            title="A story already waiting",
            blocks=(),
            source="tests/e2e/waiting.txt",
            source_format="text",
            base_path="/government/news/waiting",
        ),
        Extraction(),
    )
    inter = await fake.slash("updates subscribe", channel=fake.channel_id, **MOD)
    await fake.reply(inter)
    await bot.updates.enqueue(await store.get(saved.story_id))  # as a poll would
    post = await fake.wait_until(lambda: next(iter(fake.channel_messages(fake.channel_id)), None))
    assert post["embeds"][0]["title"] == "A story already waiting"


async def test_a_daily_digest_at_its_time(updates: Updates) -> None:
    fake = updates.fake
    await updates.subscribe(fake.channel_id, mode="daily", role=updates.role)
    await updates.round()
    updates.feed.entries += [
        NEW_STORY,
        Entry("hospital-beds", "More hospital beds", "Beds.", organisation="Department of Health"),
    ]
    assert await updates.round() == 0  # daily: nothing posted on its own
    assert updates.posts(fake.channel_id) == []

    updates.clock.current = datetime(2026, 11, 26, 8, 29, 59, tzinfo=UTC)  # 08:30 in London (winter)
    assert await updates.round(timedelta(0)) == 0
    updates.clock.current = datetime(2026, 11, 26, 8, 30, tzinfo=UTC)
    assert await updates.round(timedelta(0)) == 1
    [digest] = updates.posts(fake.channel_id)
    (embed,) = digest["embeds"]
    assert embed["title"] == "Daily digest for 2026-11-26"
    assert embed["description"] == "2 stories."
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert set(fields) == {"Department for Transport", "Department of Health"}
    assert fields["Department for Transport"].startswith(
        "[£40 million for faster trains in the north](https://www.gov.uk/government/news/faster-trains)"
    )
    assert fields["Department for Transport"].endswith("· **£40 million**")
    assert embed["footer"]["text"] == OGL_ATTRIBUTION
    assert digest["content"] == f"<@&{updates.role}>"
    assert await updates.round() == 0
    assert len(updates.posts(fake.channel_id)) == 1
    assert all(p.state == "sent" for p in await updates.bot.updates.posts_for_story(NEW_STORY.slug))


async def test_a_refused_digest_is_recorded_and_sent_once_next_round(updates: Updates) -> None:
    fake = updates.fake
    await updates.subscribe(fake.channel_id, mode="daily")
    await updates.round()
    updates.feed.entries.append(NEW_STORY)
    await updates.round()
    updates.clock.current = datetime(2026, 11, 26, 8, 30, tzinfo=UTC)
    # Discord makes the message but answers 400, which discord.py does not retry.
    fake.server_error_next(
        1, status=400, match=lambda method, path: method == "POST" and path.endswith("/messages")
    )
    assert await updates.round(timedelta(0)) == 0
    [digest] = await updates.bot.updates.pending_digests()
    assert digest.attempts == 1 and "400" in (digest.last_error or "")
    listed = await fake.reply(await fake.slash("updates list", **MOD))
    *_, waiting, error = listed["embeds"][0]["fields"][0]["value"].splitlines()
    assert waiting == "Waiting: 1 digest after a failed send, tried again each round."
    assert error.startswith("Last error: 400")
    assert await updates.round(timedelta(0)) == 1  # the same nonce: Discord keeps the first message
    assert len(updates.posts(fake.channel_id)) == 1
    assert await updates.bot.updates.pending_digests() == []
    listed = await fake.reply(await fake.slash("updates list", **MOD))
    assert "Waiting:" not in listed["embeds"][0]["fields"][0]["value"]


async def test_a_post_discord_keeps_refusing_is_set_aside_and_the_channel_goes_on(updates: Updates) -> None:
    fake = updates.fake
    await updates.subscribe(fake.channel_id)
    await updates.round()
    fake.refuse_posts[fake.channel_id] = (400, 50035)
    updates.feed.entries.append(NEW_STORY)
    for _ in range(MAX_REFUSALS):  # each round tries the first post, and the channel waits behind it
        assert await updates.round() == 0
    [refused] = await updates.bot.updates.posts_for_story(NEW_STORY.slug)
    assert refused.state == "pending" and refused.attempts == MAX_REFUSALS

    del fake.refuse_posts[fake.channel_id]
    updates.feed.entries.append(Entry("more-trains", "More trains", "More trains run on the line."))
    assert await updates.round() == 1  # the next story goes; the refused one is not tried again
    [post] = updates.posts(fake.channel_id)
    assert post["embeds"][0]["title"] == "More trains"
    sends = [
        r for r in fake.requests if r.method == "POST" and r.path.endswith(f"{fake.channel_id}/messages")
    ]
    assert len(sends) == MAX_REFUSALS + 1
    listed = await fake.reply(await fake.slash("updates list", **MOD))
    lines = listed["embeds"][0]["fields"][0]["value"].splitlines()
    assert (
        f"Not sent: 1 message Discord refused {MAX_REFUSALS} times this week, set aside so the rest can go."
        in lines
    )
    assert lines[-1].startswith("Last error: 400 Bad Request (error code: 50035): Invalid Form Body")


async def test_many_missed_stories_become_one_catch_up(updates: Updates) -> None:
    fake = updates.fake
    await updates.subscribe(fake.channel_id)
    await updates.round()
    updates.feed.entries += [Entry(f"story-{n}", f"Story number {n}", "Text.") for n in range(7)]
    assert await updates.round() == 1
    [catch_up] = updates.posts(fake.channel_id)
    assert catch_up["embeds"][0]["title"] == "Stories you missed"
    assert catch_up["embeds"][0]["description"] == "7 stories."
    assert catch_up["allowed_mentions"] == {"parse": []}
    assert await updates.round() == 0


async def test_rate_limited_sends_still_post_once(updates: Updates) -> None:
    fake = updates.fake
    await updates.subscribe(fake.channel_id)
    await updates.round()
    fake.rate_limit_next(2, match=lambda method, path: method == "POST" and path.endswith("/messages"))
    updates.feed.entries.append(NEW_STORY)
    assert await updates.round() == 1
    assert len(updates.posts(fake.channel_id)) == 1
    statuses = [r.status for r in fake.requests if r.method == "POST" and r.path.endswith("/messages")]
    assert statuses == [429, 429, 200]


async def test_a_deleted_channel_takes_its_subscriptions_and_posts(updates: Updates) -> None:
    fake = updates.fake
    await updates.subscribe(fake.other_channel_id)
    await updates.subscribe(fake.channel_id)
    removed = asyncio.ensure_future(
        updates.bot.wait_for("subscriptions_removed", check=lambda key, n: key == int(fake.other_channel_id))
    )
    await fake.dispatch("CHANNEL_DELETE", fake.channels[fake.other_channel_id])
    assert await asyncio.wait_for(removed, 5) == (int(fake.other_channel_id), 1)
    [left] = await updates.bot.updates.list_subscriptions(int(fake.guild_id))
    assert left.channel_id == int(fake.channel_id)

    removed = asyncio.ensure_future(updates.bot.wait_for("subscriptions_removed"))
    await fake.dispatch("GUILD_DELETE", {"id": fake.guild_id})
    assert await asyncio.wait_for(removed, 5) == (int(fake.guild_id), 1)
    assert await updates.bot.updates.list_subscriptions(int(fake.guild_id)) == []


async def test_a_server_error_after_discord_created_the_message_still_posts_once(updates: Updates) -> None:
    fake = updates.fake
    await updates.subscribe(fake.channel_id)
    await updates.round()
    # Discord creates the message but answers 500; discord.py retries (after about a second) with
    # the same nonce, and Discord hands back the message it already made.
    fake.server_error_next(1, match=lambda method, path: method == "POST" and path.endswith("/messages"))
    updates.feed.entries.append(NEW_STORY)
    assert await updates.round() == 1
    [post] = updates.posts(fake.channel_id)
    statuses = [r.status for r in fake.requests if r.method == "POST" and r.path.endswith("/messages")]
    assert statuses == [500, 200]
    [sent] = await updates.bot.updates.posts_for_story(NEW_STORY.slug)
    assert sent.message_id == int(post["id"])


async def test_stopping_finishes_the_send_in_flight_and_leaves_the_rest(
    updates: Updates, start_bot: StartBot, store: Store
) -> None:
    fake = updates.fake
    await updates.subscribe(fake.channel_id)
    await updates.subscribe(fake.other_channel_id)
    await updates.round()
    updates.feed.entries.append(NEW_STORY)
    fake.hold_posts = asyncio.Event()
    updates.poster.concurrency = 1  # one send in flight at a time, so the other has not started
    round_task = asyncio.create_task(updates.round())
    await fake.wait_request("POST", f"/channels/{fake.channel_id}/messages")

    updates.poster.stop_sending()  # what closing the bot (SIGINT / SIGTERM) does first
    fake.hold_posts.set()
    assert await round_task == 1  # the send in flight completed and was recorded...
    await updates.bot.close()
    posts = {p.channel_id: p for p in await updates.bot.updates.posts_for_story(NEW_STORY.slug)}
    assert posts[int(fake.channel_id)].state == "sent"
    assert posts[int(fake.other_channel_id)].state == "pending"  # ...the other waits in the outbox
    assert updates.posts(fake.other_channel_id) == []

    # The next start sends what was left, and nothing twice.
    restarted = await start_bot(clock=updates.clock)
    updates.bot = restarted
    assert await updates.round(timedelta(0)) == 1
    assert len(updates.posts(fake.channel_id)) == 1 and len(updates.posts(fake.other_channel_id)) == 1


async def test_a_feed_failing_for_an_hour_is_announced_once_then_recovers(updates: Updates) -> None:
    fake = updates.fake
    await updates.subscribe(fake.other_channel_id)
    await updates.subscribe(updates.other_channel, guild=updates.other_guild)
    await updates.round()
    updates.feed.fail_status = 503
    updates.feed.entries.append(NEW_STORY)
    for _ in range(3):  # failing for 40 minutes: not yet worth a word
        await updates.round(timedelta(minutes=20))
    assert updates.posts(fake.other_channel_id) == []
    status = await fake.reply(await fake.slash("updates status", **MOD))
    (field,) = status["embeds"][0]["fields"]
    assert "Failing since" in field["value"] and "HTTP 503" in field["value"]

    await updates.round(timedelta(minutes=20))  # an hour
    await updates.round(timedelta(minutes=20))  # still failing: nothing more
    for channel in (fake.other_channel_id, updates.other_channel):
        [notice] = updates.posts(channel)
        assert "has been failing for over an hour" in notice["content"]
        assert notice["allowed_mentions"] == {"parse": []}

    updates.feed.fail_status = None
    assert await updates.round(timedelta(hours=1)) == 2  # the missed story, in both servers
    for channel in (fake.other_channel_id, updates.other_channel):
        _, recovered, story = updates.posts(channel)
        assert "is working again" in recovered["content"]
        assert story["embeds"][0]["title"] == NEW_STORY.title


async def test_fan_out_is_paced_and_fair_across_servers(
    fake: FakeDiscord, store: Store, start_bot: StartBot
) -> None:
    busy = [fake.add_channel(f"busy-{n}") for n in range(30)]  # the first server: 30 channels
    quiet_guild, quiet = fake.add_guild("Quiet Server")  # another: one channel
    fake.global_limit = 50
    bot = await start_bot()
    for channel in busy:
        await bot.updates.add_subscription(
            int(fake.guild_id), int(channel), SubscriptionFilter(), Mode.IMMEDIATE, None, 1
        )
    await bot.updates.add_subscription(
        int(quiet_guild), int(quiet), SubscriptionFilter(), Mode.IMMEDIATE, None, 1
    )
    saved = await store.save(
        Story(title="One story for everyone", blocks=(), source="tests/e2e/one.txt", source_format="text"),
        Extraction(),
    )
    await bot.updates.enqueue(await store.get(saved.story_id))

    poster = cast(Poster, bot.get_cog("Poster"))
    assert await poster.send_pending() == 31
    assert all(len(fake.channel_messages(channel)) == 1 for channel in [*busy, quiet])
    sends = [r for r in fake.requests if r.method == "POST" and r.path.endswith("/messages")]
    # The quiet server's channel goes second, not after the busy server's thirty.
    assert sends[1].path == f"/channels/{quiet}/messages"
    assert sends[-1].at - sends[0].at >= 30 / 48 * 0.9  # paced: about 48 a second


async def test_several_subscriptions_in_one_channel_post_once_with_each_role(updates: Updates) -> None:
    fake = updates.fake
    second_role = fake.add_role("funding-watchers")  # not in the guild cache; resolved with the option
    await updates.subscribe(fake.channel_id, keywords="trains", role=updates.role)
    await updates.subscribe(fake.channel_id, min_funding="£10m", role=second_role)
    await updates.subscribe(fake.channel_id, keywords="hospitals")  # does not match
    await updates.subscribe(updates.other_channel, guild=updates.other_guild, keywords="north")
    await updates.round()
    updates.feed.entries.append(NEW_STORY)
    assert await updates.round() == 2
    [post] = updates.posts(fake.channel_id)
    assert post["content"] == f"<@&{updates.role}> <@&{second_role}>"
    assert post["allowed_mentions"] == {"parse": [], "roles": [int(updates.role), int(second_role)]}
    assert len(updates.posts(updates.other_channel)) == 1 and updates.posts(fake.other_channel_id) == []


async def test_a_thread_can_be_subscribed_and_gets_its_post(
    fake: FakeDiscord, store: Store, start_bot: StartBot
) -> None:
    thread = fake.add_thread("transport-news", parent=fake.channel_id)
    no_threads = fake.add_channel("no-threads", deny=1 << 38)  # Send Messages in Threads
    closed = fake.add_thread("closed", parent=no_threads)
    bot = await start_bot()
    message = await fake.reply(await fake.slash("updates subscribe", channel=closed, **MOD))
    assert "the Send Messages in Threads, Embed Links permissions" in message["content"]  # as Discord counts
    message = await fake.reply(await fake.slash("updates subscribe", channel=thread, **MOD))
    assert "is saved" in message["embeds"][0]["description"], message["content"]
    saved = await store.save(
        Story(title="A story for the thread", blocks=(), source="tests/e2e/t.txt", source_format="text"),
        Extraction(),
    )
    await bot.updates.enqueue(await store.get(saved.story_id))
    assert await cast(Poster, bot.get_cog("Poster")).run_once() == 1
    [post] = fake.channel_messages(thread)
    assert post["embeds"][0]["title"] == "A story for the thread"


async def test_a_withdrawn_story_edits_the_original_post_once(updates: Updates) -> None:
    fake = updates.fake
    await updates.subscribe(fake.channel_id, role=updates.role)
    await updates.round()
    entry = Entry(NEW_STORY.slug, NEW_STORY.title, NEW_STORY.body)
    updates.feed.entries.append(entry)
    assert await updates.round() == 1
    [post] = updates.posts(fake.channel_id)
    assert "Withdrawn" not in post["embeds"][0]["description"]

    # GOV.UK withdraws it: a notice with an HTML explanation, a new public_updated_at, and no new
    # change note (a withdrawal adds none to the history).
    entry.updated = "2026-11-22T15:00:00+00:00"
    entry.withdrawn_notice = {
        "explanation": "<p>This scheme has been replaced by the <a href='/x'>new rail fund</a>.</p>",
        "withdrawn_at": "2026-11-22T15:00:00Z",
    }
    assert await updates.round() == 0  # no new post...
    [edited] = updates.posts(fake.channel_id)  # ...but the same message, edited
    assert edited["id"] == post["id"] and edited["edited_timestamp"] is not None
    embed = edited["embeds"][0]
    assert embed["description"].startswith(
        "**Withdrawn**: This scheme has been replaced by the new rail fund."
    ), embed["description"]
    assert "Updated:" not in embed["description"]  # "First published." is not an update
    assert embed["title"] == post["embeds"][0]["title"] and embed["url"] == post["embeds"][0]["url"]
    assert embed["footer"]["text"] == OGL_ATTRIBUTION
    assert edited["content"] == f"<@&{updates.role}>"  # the role is not pinged again
    [sent] = await updates.bot.updates.posts_for_story(NEW_STORY.slug)
    assert sent.state == "sent" and sent.message_id == int(post["id"]) and not sent.edit_pending

    # Exactly once: later rounds neither edit it again nor post anything.
    assert await updates.round() == 0
    assert await updates.round(timedelta(0)) == 0
    assert len(updates.posts(fake.channel_id)) == 1
    patches = [r for r in fake.requests if r.method == "PATCH" and r.path.endswith(post["id"])]
    assert len(patches) == 1
    sends = [r for r in fake.requests if r.method == "POST" and r.path.endswith("/messages")]
    assert len(sends) == 1
