import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from bot.errors import InvalidQuery
from bot.models import Block, BlockKind, DocType, Extraction, Money, Organisation, Story
from bot.storage import Store, open_store
from bot.updates.delivery import NONCE_LENGTH, post_nonce
from bot.updates.filters import Mode, SubscriptionFilter
from bot.updates.models import MAX_REFUSALS, PAUSED_NOT_FOUND, DeliveryProblem, FeedState
from bot.updates_store import MAX_SUBSCRIPTIONS_PER_GUILD, UpdatesStore

GUILD_A, GUILD_B = 1001, 2002
CHANNEL_A1, CHANNEL_A2, CHANNEL_B1 = 11, 12, 21


class FakeClock:
    def __init__(self) -> None:
        self.current = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with open_store(tmp_path / "test.db") as opened:
        yield opened


@pytest.fixture
def updates(store: Store) -> UpdatesStore:
    return UpdatesStore(store, FakeClock())


def story(
    slug: str, title: str, org: str = "home-office", doc_type: DocType = DocType.PRESS_RELEASE
) -> Story:
    return Story(
        title=title,
        blocks=(Block(BlockKind.PARAGRAPH, f"{title}. More words about it."),),
        source="test",
        source_format="content_api",
        doc_type=doc_type,
        base_path=f"/government/news/{slug}",
        organisations=(Organisation(org.replace("-", " ").title(), org),),
    )


async def save(store: Store, slug: str, title: str, funding: str | None = None, **kwargs: object) -> str:
    money = ()
    if funding:
        money = (Money(f"£{funding}", Decimal(funding), "GBP", True, 0),)
    result = await store.save(story(slug, title, **kwargs), Extraction(money=money))  # type: ignore[arg-type]
    return result.story_id


async def subscribe(
    updates: UpdatesStore,
    guild: int,
    channel: int,
    role: int | None = None,
    mode: str = "immediate",
    **filters: str,
) -> int:
    sub = await updates.add_subscription(
        guild, channel, SubscriptionFilter.parse(**filters), Mode(mode), role, 7
    )
    return sub.id


async def test_migration_creates_tables(store: Store) -> None:
    rows = await store.connection.execute_fetchall("SELECT name FROM schema_migrations ORDER BY name")
    assert "0002_updates.sql" in [r[0] for r in rows]


async def test_subscriptions_are_scoped_by_guild(updates: UpdatesStore) -> None:
    a = await subscribe(updates, GUILD_A, CHANNEL_A1, keywords="ferry")
    b = await subscribe(updates, GUILD_B, CHANNEL_B1)
    assert [s.id for s in await updates.list_subscriptions(GUILD_A)] == [a]
    assert [s.id for s in await updates.list_subscriptions(GUILD_B)] == [b]
    listed = (await updates.list_subscriptions(GUILD_A))[0]
    assert listed.filter == SubscriptionFilter.parse(keywords="ferry") and listed.health == "active"
    # Guild A typing guild B's subscription id (and even B's channel) changes nothing.
    assert await updates.remove_subscriptions(GUILD_A, CHANNEL_B1, b) == 0
    assert await updates.remove_subscriptions(GUILD_A, CHANNEL_A1, b) == 0
    assert await updates.remove_subscriptions(GUILD_A, CHANNEL_B1) == 0
    assert await updates.set_paused(GUILD_A, CHANNEL_B1, True) == 0
    assert [s.paused for s in await updates.list_subscriptions(GUILD_B)] == [False]
    assert await updates.remove_subscriptions(GUILD_B, CHANNEL_B1, b) == 1
    assert await updates.list_subscriptions(GUILD_B) == []
    assert len(await updates.list_subscriptions(GUILD_A)) == 1


async def test_pause_and_resume(updates: UpdatesStore) -> None:
    await subscribe(updates, GUILD_A, CHANNEL_A1)
    assert await updates.set_paused(GUILD_A, CHANNEL_A1, True) == 1
    assert await updates.set_paused(GUILD_A, CHANNEL_A1, True) == 0
    assert (await updates.list_subscriptions(GUILD_A))[0].health == "paused"
    assert await updates.set_paused(GUILD_A, CHANNEL_A1, False) == 1
    assert (await updates.list_subscriptions(GUILD_A))[0].health == "active"


async def test_the_same_subscription_twice_is_refused(updates: UpdatesStore) -> None:
    await subscribe(updates, GUILD_A, CHANNEL_A1, role=5, keywords="ferry")
    with pytest.raises(InvalidQuery, match="already has that subscription"):
        await subscribe(updates, GUILD_A, CHANNEL_A1, role=5, keywords="FERRY ferry")
    await subscribe(updates, GUILD_A, CHANNEL_A1, role=6, keywords="ferry")  # another role is another one
    await subscribe(updates, GUILD_A, CHANNEL_A1, keywords="ferry")


async def test_backtest_over_the_latest_stories_and_organisation_names(
    store: Store, updates: UpdatesStore
) -> None:
    for i in range(4):
        await save(store, f"ferry-{i}", f"Ferry news {i}")
    await save(store, "rail", "Rail news", org="department-for-transport")
    result = await updates.backtest(SubscriptionFilter.parse(keywords="ferry"), limit=100, examples=2)
    assert (result.checked, result.matched, len(result.examples)) == (5, 4, 2)
    assert await updates.organisation_name("department-for-transport") == "Department For Transport"
    assert await updates.organisation_name("ministry-of-magic") is None


async def test_subscription_limit(updates: UpdatesStore) -> None:
    for role in range(MAX_SUBSCRIPTIONS_PER_GUILD):
        await subscribe(updates, GUILD_A, CHANNEL_A1, role=role)
    with pytest.raises(InvalidQuery, match="unsubscribe"):
        await subscribe(updates, GUILD_A, CHANNEL_A1)
    await subscribe(updates, GUILD_B, CHANNEL_B1)  # another guild is unaffected


async def test_enqueue_one_post_per_channel_with_every_role(store: Store, updates: UpdatesStore) -> None:
    await subscribe(updates, GUILD_A, CHANNEL_A1, role=501, keywords="ferry")
    await subscribe(updates, GUILD_A, CHANNEL_A1, role=502, organisation="home-office")
    await subscribe(updates, GUILD_A, CHANNEL_A1, role=501, types="press release")  # same role again
    await subscribe(updates, GUILD_A, CHANNEL_A1, role=503, keywords="rail")  # does not match
    await subscribe(updates, GUILD_A, CHANNEL_A2, keywords="bus")  # does not match
    await subscribe(updates, GUILD_B, CHANNEL_B1, mode="daily")
    story_id = await save(store, "ferry", "New ferry link")

    enqueued = await updates.enqueue(await store.get(story_id))
    posts = {p.channel_id: p for p in enqueued.posts}
    assert set(posts) == {CHANNEL_A1, CHANNEL_B1}
    assert posts[CHANNEL_A1].role_ids == (501, 502)
    assert posts[CHANNEL_A1].mode is Mode.IMMEDIATE and posts[CHANNEL_B1].mode is Mode.DAILY
    assert posts[CHANNEL_B1].guild_id == GUILD_B
    assert all(len(p.nonce) <= NONCE_LENGTH and p.state == "pending" for p in posts.values())
    assert posts[CHANNEL_A1].nonce != posts[CHANNEL_B1].nonce

    # Enqueueing the same story again writes nothing: each pair at most once, ever.
    assert (await updates.enqueue(await store.get(story_id))).posts == ()
    assert len(await updates.posts_for_story(story_id)) == 2
    # Only immediate posts are waiting for the poster; the daily one waits for its digest.
    assert [p.channel_id for p in await updates.pending_posts()] == [CHANNEL_A1]


async def test_paused_subscriptions_get_nothing(store: Store, updates: UpdatesStore) -> None:
    await subscribe(updates, GUILD_A, CHANNEL_A1)
    await updates.set_paused(GUILD_A, CHANNEL_A1, True)
    story_id = await save(store, "ferry", "New ferry link")
    assert (await updates.enqueue(await store.get(story_id))).posts == ()


async def test_pending_oldest_first_and_mark_sent(store: Store, updates: UpdatesStore) -> None:
    await subscribe(updates, GUILD_A, CHANNEL_A1)
    first = await save(store, "one", "First story")
    second = await save(store, "two", "Second story")
    await updates.enqueue(await store.get(second))
    await updates.enqueue(await store.get(first))
    pending = await updates.pending_posts()
    assert [p.story_id for p in pending] == [second, first]  # in the order they were enqueued
    await updates.mark_sent(pending[0].id, 9001)
    assert [p.story_id for p in await updates.pending_posts()] == [first]
    sent = (await updates.posts_for_story(second))[0]
    assert (sent.state, sent.message_id) == ("sent", 9001)
    assert (await updates.list_subscriptions(GUILD_A))[0].last_post_at is not None


async def test_delivery_problems_count_what_waits_after_a_failed_send(
    store: Store, updates: UpdatesStore
) -> None:
    await subscribe(updates, GUILD_A, CHANNEL_A1)
    await subscribe(updates, GUILD_A, CHANNEL_A2)
    await subscribe(updates, GUILD_B, CHANNEL_B1)
    for slug in ("one", "two", "three"):
        await updates.enqueue(await store.get(await save(store, slug, f"Story {slug}")))
    pending = await updates.pending_posts()
    assert await updates.delivery_problems(GUILD_A) == {}  # waiting, but nothing failed yet
    a1 = [p for p in pending if p.channel_id == CHANNEL_A1]
    await updates.record_attempt_failed(a1[0].id, "503 Service Unavailable")
    await updates.record_attempt_failed(a1[1].id, "500 Internal Server Error")
    await updates.record_attempt_failed(next(p.id for p in pending if p.channel_id == CHANNEL_B1), "x")
    assert await updates.delivery_problems(GUILD_A) == {
        CHANNEL_A1: DeliveryProblem(posts=2, digests=0, last_error="500 Internal Server Error")
    }
    await updates.mark_sent(a1[1].id, 7)
    assert await updates.delivery_problems(GUILD_A) == {
        CHANNEL_A1: DeliveryProblem(posts=1, digests=0, last_error="503 Service Unavailable")
    }


async def test_only_a_post_discord_keeps_refusing_is_set_aside(store: Store, updates: UpdatesStore) -> None:
    await subscribe(updates, GUILD_A, CHANNEL_A1)
    for slug in ("one", "two"):
        await updates.enqueue(await store.get(await save(store, slug, f"Story {slug}")))
    outage, refused = await updates.pending_posts()
    for _ in range(MAX_REFUSALS + 2):  # an outage: never set aside, however long
        assert not await updates.record_attempt_failed(outage.id, "503 Service Unavailable")
    for attempt in range(1, MAX_REFUSALS + 1):
        set_aside = await updates.record_attempt_failed(refused.id, "400 Bad Request", refused=True)
        assert set_aside is (attempt == MAX_REFUSALS)
    assert [p.id for p in await updates.pending_posts()] == [outage.id]
    assert await updates.delivery_problems(GUILD_A) == {
        CHANNEL_A1: DeliveryProblem(posts=1, digests=0, last_error="400 Bad Request", refused=1)
    }
    [catch_up] = await updates.create_catch_ups(threshold=0)  # the waiting post, not the refused one
    assert catch_up.story_ids == (outage.story_id,)


async def test_updated_story_marks_sent_posts_for_edit(store: Store, updates: UpdatesStore) -> None:
    await subscribe(updates, GUILD_A, CHANNEL_A1)
    await subscribe(updates, GUILD_A, CHANNEL_A2)
    story_id = await save(store, "one", "First story")
    posts = (await updates.enqueue(await store.get(story_id))).posts
    await updates.mark_sent(posts[0].id, 1)
    assert await updates.mark_story_updated(story_id) == 2
    edits = await updates.pending_edits()
    assert [(p.id, p.message_id) for p in edits] == [(posts[0].id, 1)]  # only sent posts are edited
    await updates.mark_sent(posts[1].id, 2)  # it may have been in flight with the old text
    assert [p.id for p in await updates.pending_edits()] == [posts[0].id, posts[1].id]
    await updates.mark_edited(posts[1].id)
    await updates.mark_edited(posts[0].id)
    assert await updates.pending_edits() == []


async def test_removing_a_channel_or_guild_drops_pending_posts(store: Store, updates: UpdatesStore) -> None:
    await subscribe(updates, GUILD_A, CHANNEL_A1)
    await subscribe(updates, GUILD_A, CHANNEL_A2)
    await subscribe(updates, GUILD_B, CHANNEL_B1)
    story_id = await save(store, "one", "First story")
    await updates.enqueue(await store.get(story_id))
    assert len(await updates.pending_posts()) == 3
    assert await updates.remove_channel(CHANNEL_A2) == 1
    assert {p.channel_id for p in await updates.pending_posts()} == {CHANNEL_A1, CHANNEL_B1}
    assert await updates.remove_guild(GUILD_B) == 1
    assert {p.channel_id for p in await updates.pending_posts()} == {CHANNEL_A1}
    assert await updates.remove_subscriptions(GUILD_A, CHANNEL_A1) == 1
    assert await updates.pending_posts() == []
    rows = await store.connection.execute_fetchall("SELECT count(*) FROM posts")
    assert rows[0][0] == 0


async def test_channel_lost_pauses_and_is_announced_once(store: Store, updates: UpdatesStore) -> None:
    await subscribe(updates, GUILD_A, CHANNEL_A1)
    story_id = await save(store, "one", "First story")
    await updates.enqueue(await store.get(story_id))
    lost = await updates.channel_lost(CHANNEL_A1, PAUSED_NOT_FOUND)
    assert [s.channel_id for s in lost] == [CHANNEL_A1]
    assert await updates.channel_lost(CHANNEL_A1, PAUSED_NOT_FOUND) == []  # told once
    listed = (await updates.list_subscriptions(GUILD_A))[0]
    assert listed.paused and "lost" in listed.health
    assert await updates.pending_posts() == []  # held, not sent, while the channel is lost


async def test_nonce_is_deterministic_and_short() -> None:
    assert post_nonce(1, 2**63 - 1) == post_nonce(1, 2**63 - 1)
    assert post_nonce(1, 2) != post_nonce(2, 1)
    assert len(post_nonce(10**12, 2**63 - 1)) == NONCE_LENGTH


async def test_feed_state_round_trip(updates: UpdatesStore) -> None:
    start = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    await updates.ensure_feeds(["http://a/feed.atom", "http://b/feed.atom"], start)
    await updates.ensure_feeds(["http://a/feed.atom"], start + timedelta(days=1))  # existing rows kept
    states = await updates.feeds()
    assert [(s.url, s.next_poll_at, s.baselined) for s in states] == [
        ("http://a/feed.atom", start, False),
        ("http://b/feed.atom", start, False),
    ]
    changed = FeedState(
        "http://a/feed.atom", etag='"x"', failures=2, failing_since=start, last_success_at=start
    )
    await updates.save_feed(changed)
    assert await updates.feed("http://a/feed.atom") == changed
    assert [s.url for s in await updates.feeds(["http://b/feed.atom"])] == ["http://b/feed.atom"]


async def test_undispatched_only_after_baseline(store: Store, updates: UpdatesStore) -> None:
    old = await save(store, "old", "Old story")
    baseline = await updates.latest_story_rowid()
    newer = await save(store, "new", "New story")
    also = await save(store, "also", "Also new")
    await updates.mark_dispatched([also])
    assert await updates.undispatched([old, newer, also], baseline) == [newer]
    rows = await store.connection.execute_fetchall("SELECT posts FROM dispatched_stories")
    assert json.dumps([r[0] for r in rows]) == "[0]"
