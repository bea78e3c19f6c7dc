"""FeedPoller against a local feed server on 127.0.0.1, with a fake clock (nothing sleeps)."""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from aiohttp import web

from bot.fetch import Fetcher
from bot.ingest import IngestionService, InputResult
from bot.models import Extraction, Money, Story
from bot.storage import Store, open_store
from bot.updates.filters import Mode, SubscriptionFilter, backtest
from bot.updates.poller import FAILING_ANNOUNCE_AFTER, HOLD_INCOMPLETE, FeedPoller, backoff, poll_interval
from bot.updates_store import UpdatesStore

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
GOVUK = SHARED / "fixtures" / "govuk"
POLL_MINUTES = 0.1  # six seconds: a local feed may be polled that often
INTERVAL = timedelta(minutes=POLL_MINUTES)
GUILD_A, GUILD_B = 1001, 2002
CHANNEL_A1, CHANNEL_A2, CHANNEL_B1 = 11, 12, 21
_MILLIONS = re.compile(r"£(\d+(?:\.\d+)?) million")


class FakeClock:
    def __init__(self) -> None:
        self.current = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta


@dataclass
class Entry:
    slug: str
    title: str
    body: str
    updated: str = "2026-11-20T10:00:00+00:00"
    doc_type: str = "press_release"
    organisation: str = "Home Office"
    change_note: str | None = None
    published: str = "2026-11-20T10:00:00+00:00"


@dataclass
class FeedServer:
    """Serves one generated Atom feed (ETag, 304), its Content API items, and the shared fixtures."""

    entries: list[Entry] = field(default_factory=list)
    fail_status: int | None = None
    serve_html: bool = False
    broken_content: set[str] = field(default_factory=set)  # slugs whose Content API item fails
    requests: list[tuple[str, str | None]] = field(default_factory=list)  # (path, If-None-Match)
    base: str = ""

    def feed_xml(self) -> bytes:
        items = []
        for entry in reversed(self.entries):  # newest first, as GOV.UK lists them
            link = f"https://www.gov.uk/government/news/{entry.slug}"
            items.append(
                f"<entry><id>tag:www.gov.uk,2005:/government/news/{entry.slug}</id>"
                f"<updated>{entry.updated}</updated>"
                f'<link rel="alternate" type="text/html" href="{link}"/>'
                f"<title>{escape(entry.title)}</title>"
                f'<summary type="html">{escape(escape(entry.title))}.</summary></entry>'
            )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><feed xml:lang="en-US" xmlns="http://www.w3.org/2005/Atom">'
            "<id>tag:www.gov.uk,2005:/search/news-and-communications</id>"
            "<title>News and communications</title><updated>2026-11-20T10:00:00+00:00</updated>"
            "<author><name>HM Government</name></author>" + "".join(items) + "</feed>"
        ).encode()

    def item(self, entry: Entry) -> dict[str, object]:
        history = [{"public_timestamp": entry.updated, "note": entry.change_note or "First published."}]
        return {
            "schema_name": "news_article",
            "document_type": entry.doc_type,
            "title": entry.title,
            "base_path": f"/government/news/{entry.slug}",
            "content_id": hashlib.md5(entry.slug.encode()).hexdigest(),
            "locale": "en",
            "description": f"{entry.title}.",
            "first_published_at": entry.published,
            "public_updated_at": entry.updated,
            "details": {
                "body": f'<div class="govspeak"><p>{escape(entry.body)}</p></div>',
                "change_history": history,
            },
            "links": {
                "organisations": [
                    {
                        "title": entry.organisation,
                        "base_path": "/government/organisations/"
                        + entry.organisation.lower().replace(" ", "-"),
                    }
                ]
            },
        }

    async def feed(self, request: web.Request) -> web.Response:
        self.requests.append((request.path, request.headers.get("If-None-Match")))
        if self.fail_status is not None:
            return web.Response(status=self.fail_status, text="down")
        if self.serve_html:
            return web.Response(
                text="<html><body>Service unavailable</body></html>", content_type="text/html"
            )
        body = self.feed_xml()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=body, content_type="application/atom+xml", headers={"ETag": etag})

    async def shared_feed(self, request: web.Request) -> web.Response:
        self.requests.append((request.path, None))
        body = (GOVUK / "atom" / "search-news-and-communications.atom").read_bytes()
        return web.Response(body=body, content_type="application/atom+xml")

    async def content(self, request: web.Request) -> web.Response:
        self.requests.append((request.path, None))
        slug = request.match_info["slug"]
        if slug in self.broken_content:
            return web.Response(status=500)
        for entry in self.entries:
            if entry.slug == slug:
                return web.json_response(self.item(entry))
        fixture = GOVUK / "content-api" / f"{slug}.json"
        if fixture.is_file():
            return web.Response(body=fixture.read_bytes(), content_type="application/json")
        return web.Response(status=404)

    def feed_requests(self) -> list[str | None]:
        return [etag for path, etag in self.requests if path == "/feed.atom"]

    def content_requests(self) -> int:
        return sum(1 for path, _ in self.requests if path.startswith("/api/content/"))


def extract_millions(story: Story) -> Extraction:
    """A stand-in extractor: every "£N million" is funding."""
    money = tuple(
        Money(m.group(0), Decimal(m.group(1)) * 1_000_000, "GBP", True, 0)
        for m in _MILLIONS.finditer(story.body_text)
    )
    return Extraction(money=money)


@pytest.fixture
async def server() -> AsyncIterator[FeedServer]:
    feed = FeedServer(
        entries=[
            Entry("rail-timetable", "New rail timetable", "Trains will run more often."),
            Entry("school-meals", "School meals review", "A review of school meals.", doc_type="news_story"),
        ]
    )
    app = web.Application()
    app.router.add_get("/feed.atom", feed.feed)
    app.router.add_get("/broken/feed.atom", feed.feed)
    app.router.add_get("/search/news-and-communications.atom", feed.shared_feed)
    app.router.add_get("/api/content/government/news/{slug}", feed.content)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    feed.base = f"http://127.0.0.1:{port}"
    yield feed
    await runner.cleanup()


@dataclass
class Harness:
    store: Store
    updates: UpdatesStore
    poller: FeedPoller
    ingest: IngestionService
    clock: FakeClock
    server: FeedServer

    async def poll_after(self, delta: timedelta = INTERVAL * 1.2) -> list:
        self.clock.advance(delta)
        return await self.poller.poll_due()

    async def subscribe(
        self, guild: int, channel: int, mode: str = "immediate", role: int | None = None, **filters: str
    ) -> None:
        await self.updates.add_subscription(
            guild, channel, SubscriptionFilter.parse(**filters), Mode(mode), role, 7
        )

    async def post_pairs(self) -> list[tuple[str, int]]:
        rows = await self.store.connection.execute_fetchall(
            "SELECT s.short_id, p.channel_id FROM posts p JOIN stories s ON s.id = p.story_id ORDER BY p.id"
        )
        return [(row[0], row[1]) for row in rows]


@pytest.fixture
async def harness(tmp_path: Path, server: FeedServer) -> AsyncIterator[Harness]:
    clock = FakeClock()
    async with open_store(tmp_path / "updates.db") as store, Fetcher(host_interval=0) as fetcher:
        updates = UpdatesStore(store, clock)
        ingest = IngestionService(store, fetcher, server.base, extractor=extract_millions)
        poller = FeedPoller(
            [f"{server.base}/feed.atom"], fetcher, ingest, updates, clock, POLL_MINUTES, random.Random(5)
        )
        yield Harness(store, updates, poller, ingest, clock, server)


async def test_first_poll_stores_everything_and_posts_nothing(harness: Harness) -> None:
    await harness.subscribe(GUILD_A, CHANNEL_A1)  # matches every story
    [report] = await harness.poller.poll_due()
    assert report.ok and report.first_poll
    assert len(report.new) == 2
    assert await harness.store.count() == 2
    assert await harness.post_pairs() == []
    # Not due again until the interval (plus jitter) has passed.
    assert await harness.poller.poll_due() == []
    harness.clock.advance(INTERVAL * 0.99)
    assert await harness.poller.poll_due() == []
    assert 0 < await harness.poller.seconds_until_due() <= INTERVAL.total_seconds() * 0.11


async def test_new_story_posted_once_to_every_matching_channel(harness: Harness) -> None:
    await harness.subscribe(GUILD_A, CHANNEL_A1, keywords="ferry -cancelled", role=501)
    await harness.subscribe(GUILD_A, CHANNEL_A1, organisation="department-for-transport", role=502)
    await harness.subscribe(GUILD_A, CHANNEL_A2, keywords="school")
    await harness.subscribe(GUILD_B, CHANNEL_B1, types="press release")
    await harness.poller.poll_due()

    harness.server.entries.append(
        Entry("island-ferry", "New island ferry", "A ferry link.", organisation="Department for Transport")
    )
    [report] = await harness.poll_after()
    assert report.ok and not report.first_poll
    assert report.new == ("island-ferry",)
    assert {(p.channel_id, p.role_ids) for p in report.posts} == {(CHANNEL_A1, (501, 502)), (CHANNEL_B1, ())}

    # Polls that follow, with the same feed or with more stories, never enqueue it again.
    await harness.poll_after()
    harness.server.entries.append(Entry("school-trips", "School trips guidance", "School trips."))
    [report] = await harness.poll_after()
    assert report.new == ("school-trips",)
    assert sorted(await harness.post_pairs()) == sorted(
        [
            ("island-ferry", CHANNEL_A1),
            ("island-ferry", CHANNEL_B1),
            ("school-trips", CHANNEL_A2),
            ("school-trips", CHANNEL_B1),
        ]
    )
    pending = await harness.updates.pending_posts()
    assert [p.story_id for p in pending][:2] == ["island-ferry", "island-ferry"]  # oldest first


async def test_several_new_stories_are_queued_oldest_first(harness: Harness) -> None:
    await harness.subscribe(GUILD_A, CHANNEL_A1)
    await harness.poller.poll_due()
    for hour in (9, 11, 10):
        stamp = f"2026-11-21T{hour:02}:00:00+00:00"
        harness.server.entries.append(
            Entry(f"at-{hour}", f"Story at {hour}", "Text.", updated=stamp, published=stamp)
        )
    await harness.poll_after()
    assert [p.story_id for p in await harness.updates.pending_posts()] == ["at-9", "at-10", "at-11"]


async def test_a_story_without_its_body_waits_for_it(harness: Harness) -> None:
    await harness.subscribe(GUILD_A, CHANNEL_A1, keywords="harbour")  # only the body says harbour
    await harness.poller.poll_due()
    harness.server.entries.append(Entry("late-body", "Coastal funding", "Money for the harbour wall."))
    harness.server.broken_content.add("late-body")
    [report] = await harness.poll_after()
    assert report.new == ("late-body",) and report.posts == ()
    assert not (await harness.store.get("late-body")).story.complete

    harness.server.broken_content.clear()
    [report] = await harness.poll_after(INTERVAL * 1.2)  # the same feed bytes are ingested again
    assert report.updated == ("late-body",)
    assert [(p.story_id, p.channel_id) for p in report.posts] == [("late-body", CHANNEL_A1)]


async def test_a_story_whose_body_never_comes_is_posted_after_the_hold(harness: Harness) -> None:
    await harness.subscribe(GUILD_A, CHANNEL_A1)
    await harness.poller.poll_due()
    harness.server.entries.append(Entry("no-body", "Summary only", "Never fetched."))
    harness.server.broken_content.add("no-body")
    [report] = await harness.poll_after()
    assert report.posts == ()
    harness.clock.advance(HOLD_INCOMPLETE)
    [report] = await harness.poller.poll_due()
    assert [p.story_id for p in report.posts] == ["no-body"]


async def test_a_story_is_new_whatever_date_it_carries(harness: Harness) -> None:
    await harness.subscribe(GUILD_A, CHANNEL_A1)
    await harness.poller.poll_due()
    harness.server.entries.insert(
        0, Entry("old-news", "Old news", "From 2013.", updated="2013-01-28T00:00:00+00:00")
    )
    [report] = await harness.poll_after()
    assert [p.story_id for p in report.posts] == ["old-news"]


async def test_conditional_get_304_skips_ingest(harness: Harness) -> None:
    await harness.poller.poll_due()
    content_fetches = harness.server.content_requests()
    [report] = await harness.poll_after()
    assert report.ok and report.not_modified
    requests = harness.server.feed_requests()
    assert requests[0] is None and requests[1] is not None  # second poll sent If-None-Match
    assert harness.server.content_requests() == content_fetches  # nothing fetched again
    state = await harness.updates.feed(harness.poller.urls[0])
    assert state is not None and state.etag == requests[1] and state.failures == 0


async def test_stored_validators_make_the_poll_after_a_restart_conditional(harness: Harness) -> None:
    await harness.poller.poll_due()
    async with Fetcher(host_interval=0) as fresh:  # a restarted bot: nothing cached in memory
        ingest = IngestionService(harness.store, fresh, harness.server.base, extractor=extract_millions)
        restarted = FeedPoller(
            harness.poller.urls, fresh, ingest, harness.updates, harness.clock, POLL_MINUTES, random.Random(5)
        )
        harness.clock.advance(INTERVAL * 1.2)
        [report] = await restarted.poll_due()
    assert report.ok and report.not_modified and report.results == ()
    first, second = harness.server.feed_requests()
    assert first is None and second is not None  # the stored ETag was sent


async def test_failure_backs_off_is_announced_once_then_recovers(harness: Harness) -> None:
    await harness.subscribe(GUILD_A, CHANNEL_A1)
    await harness.poller.poll_due()
    url = harness.poller.urls[0]
    harness.server.fail_status = 503
    harness.server.entries.append(Entry("during-outage", "Published during the outage", "Text."))

    [report] = await harness.poll_after()
    assert not report.ok and "503" in (report.error or "")
    waits = []
    announcements = 0
    for _ in range(12):
        state = await harness.updates.feed(url)
        assert state is not None and state.next_poll_at is not None
        wait = state.next_poll_at - harness.clock.now()
        waits.append(wait)
        harness.clock.advance(wait - timedelta(seconds=1))
        assert await harness.poller.poll_due() == []  # not before the backoff is over
        [report] = await harness.poll_after(timedelta(seconds=1))
        assert not report.ok
        announcements += report.failing_announcement
    assert waits[:3] == [INTERVAL * 2, INTERVAL * 4, INTERVAL * 8]
    assert max(waits) == backoff(INTERVAL, 99) == timedelta(hours=1)
    assert announcements == 1
    state = await harness.updates.feed(url)
    assert state is not None and state.failures == 13 and state.announced_failure
    assert (
        state.failing_since is not None
        and harness.clock.now() - state.failing_since >= FAILING_ANNOUNCE_AFTER
    )

    harness.server.fail_status = None
    harness.clock.advance(timedelta(hours=1))
    [report] = await harness.poller.poll_due()
    assert report.ok and report.recovered
    assert [p.story_id for p in report.posts] == ["during-outage"]
    state = await harness.updates.feed(url)
    assert state is not None and (state.failures, state.failing_since, state.announced_failure) == (
        0,
        None,
        False,
    )


async def test_html_instead_of_a_feed_is_a_feed_failure(harness: Harness) -> None:
    await harness.poller.poll_due()
    harness.server.serve_html = True
    [report] = await harness.poll_after()
    assert not report.ok and report.error
    state = await harness.updates.feed(harness.poller.urls[0])
    assert state is not None and state.failures == 1 and state.last_error == report.error
    harness.server.serve_html = False
    harness.server.entries.append(Entry("after-error", "After the error page", "Text."))
    [report] = await harness.poll_after(INTERVAL * 3)
    assert report.ok and report.new == ("after-error",)


async def test_a_bug_in_one_feed_does_not_stop_the_others(harness: Harness) -> None:
    broken_url = f"{harness.server.base}/broken/feed.atom"

    class BrokenForOneFeed:
        def ingest_bytes(self, data: bytes, source: str) -> AsyncIterator[InputResult]:
            if source == broken_url:
                raise RuntimeError("a bug")
            return harness.ingest.ingest_bytes(data, source)

    harness.server.entries.append(Entry("fine", "A fine story", "Text."))
    poller = FeedPoller(
        [broken_url, harness.poller.urls[0]],
        harness.poller.fetcher,
        BrokenForOneFeed(),
        harness.updates,
        harness.clock,
    )
    reports = {r.url: r for r in await poller.poll_due()}
    assert reports[broken_url].error == "Unexpected error (details in the log)."
    assert reports[harness.poller.urls[0]].ok and reports[harness.poller.urls[0]].first_poll
    state = await harness.updates.feed(broken_url)
    assert state is not None and state.failures == 1 and state.next_poll_at is not None
    assert state.next_poll_at > harness.clock.now()  # backs off rather than spinning


async def test_updated_story_marks_its_sent_posts_for_edit(harness: Harness) -> None:
    await harness.subscribe(GUILD_A, CHANNEL_A1)
    await harness.poller.poll_due()
    harness.server.entries.append(Entry("grants", "Grants announced", "£5 million for parks."))
    [report] = await harness.poll_after()
    [post] = report.posts
    await harness.updates.mark_sent(post.id, 777)

    entry = harness.server.entries[-1]
    entry.updated, entry.body, entry.change_note = (
        "2026-11-21T09:00:00+00:00",
        "£6 million for parks.",
        "Figure corrected.",
    )
    [report] = await harness.poll_after()
    assert report.updated == ("grants",) and report.posts == ()
    [edit] = await harness.updates.pending_edits()
    assert (edit.id, edit.message_id) == (post.id, 777)
    stored = await harness.store.get("grants")
    assert stored.story.change_note == "Figure corrected."


async def test_story_stored_before_a_crash_is_still_fanned_out(harness: Harness) -> None:
    await harness.subscribe(GUILD_A, CHANNEL_A1)
    await harness.poller.poll_due()
    harness.server.entries.append(Entry("half-done", "Stored but not posted", "Text."))
    # A poll that stored the story and then died before its fan-out: only the ingest happened.
    results = [r async for r in harness.ingest.ingest([f"{harness.server.base}/feed.atom"])]
    assert [r.status for r in results if r.story_id == "half-done"] == ["new"]
    [report] = await harness.poll_after()
    assert report.new == ()  # "unchanged" to the ingester now...
    assert [p.story_id for p in report.posts] == ["half-done"]  # ...but never dispatched, so posted
    assert await harness.post_pairs() == [("half-done", CHANNEL_A1)]


async def test_min_funding_and_daily_mode(harness: Harness) -> None:
    await harness.subscribe(GUILD_A, CHANNEL_A1, min_funding="£5m")
    await harness.subscribe(GUILD_B, CHANNEL_B1, mode="daily", keywords="parks")
    await harness.poller.poll_due()
    harness.server.entries += [
        Entry("small-grant", "Small grant for parks", "£2 million for parks."),
        Entry("big-grant", "Big grant", "£40 million for hospitals."),
    ]
    [report] = await harness.poll_after()
    assert {(p.story_id, p.channel_id, p.mode) for p in report.posts} == {
        ("big-grant", CHANNEL_A1, Mode.IMMEDIATE),
        ("small-grant", CHANNEL_B1, Mode.DAILY),
    }
    assert [p.story_id for p in await harness.updates.pending_posts()] == ["big-grant"]


async def test_poll_intervals() -> None:
    assert poll_interval("https://www.gov.uk/search/news-and-communications.atom", 0.1) == timedelta(
        minutes=5
    )
    assert poll_interval("https://GOV.UK/feed", 1) == timedelta(minutes=5)
    assert poll_interval("https://www.gov.uk/x.atom", 10) == timedelta(minutes=10)
    assert poll_interval("http://127.0.0.1:8080/feed.atom", 0.1) == timedelta(seconds=6)
    assert poll_interval("https://notgov.uk.example/feed", 0.1) == timedelta(seconds=6)
    assert backoff(timedelta(minutes=10), 1) == timedelta(minutes=20)
    assert backoff(timedelta(minutes=10), 10) == timedelta(hours=1)
    assert backoff(timedelta(hours=2), 3) == timedelta(hours=2)  # never shorter than the interval


async def test_jitter_stays_within_a_tenth(harness: Harness) -> None:
    await harness.poller.poll_due()
    state = await harness.updates.feed(harness.poller.urls[0])
    assert state is not None and state.next_poll_at is not None
    delay = state.next_poll_at - harness.clock.now()
    assert INTERVAL - timedelta(seconds=1) <= delay <= INTERVAL * 1.1


@pytest.mark.skipif(not GOVUK.is_dir(), reason="../shared/fixtures/govuk is absent (shared test material)")
async def test_shared_govuk_feed_end_to_end(tmp_path: Path, server: FeedServer) -> None:
    clock = FakeClock()
    server.entries = []
    url = f"{server.base}/search/news-and-communications.atom"
    async with open_store(tmp_path / "shared.db") as store, Fetcher(host_interval=0) as fetcher:
        updates = UpdatesStore(store, clock)
        ingest = IngestionService(store, fetcher, server.base, extractor=extract_millions)
        poller = FeedPoller([url], fetcher, ingest, updates, clock, POLL_MINUTES, random.Random(1))
        await updates.add_subscription(
            GUILD_A, CHANNEL_A1, SubscriptionFilter.parse(), Mode.IMMEDIATE, None, 7
        )
        [report] = await poller.poll_due()
        assert report.ok and report.first_poll and len(report.new) == 6
        rows = await store.connection.execute_fetchall("SELECT count(*) FROM posts")
        assert rows[0][0] == 0
        latest = await store.latest(100)
        by_type = backtest(SubscriptionFilter.parse(types="World news story"), latest)
        assert by_type.matched == 1
        by_org = backtest(SubscriptionFilter.parse(organisation="home-office"), latest)
        assert [s.story.title for s in by_org.examples] == ["New FRANK adverts mark tenth anniversary"]
        phrase = backtest(SubscriptionFilter.parse(keywords='"driving limits"'), latest)
        assert phrase.checked == 6 and phrase.matched == 1
        excluded = backtest(SubscriptionFilter.parse(keywords='"driving limits" -cannabis'), latest)
        assert excluded.matched == 0  # the story's body names cannabis
        clock.advance(INTERVAL * 2)
        [again] = await poller.poll_due()
        assert again.ok and again.posts == ()


def test_json_filters_survive_the_database_format() -> None:
    rule = SubscriptionFilter.parse(keywords='"a b" -c', types="press release", min_funding="5 million")
    assert json.loads(rule.to_json())["min_funding"] == "5000000"
