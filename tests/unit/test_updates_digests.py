from collections.abc import AsyncIterator
from datetime import UTC, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.models import Block, BlockKind, Extraction, Story
from bot.storage import Store, open_store
from bot.updates.delivery import NONCE_LENGTH, digest_nonce, digest_period, next_digest_at
from bot.updates.filters import Mode, SubscriptionFilter
from bot.updates_store import UpdatesStore

LONDON = ZoneInfo("Europe/London")
AT = time(8, 30)
GUILD, CHANNEL, OTHER = 1, 11, 12


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("after", "daily", "weekly"),
    [
        # Winter: London is UTC. Wednesday 25 November 2026; the Saturday is the 28th.
        ("2026-11-25T08:29:00", "2026-11-25T08:30:00", "2026-11-28T08:30:00"),
        ("2026-11-25T08:30:00", "2026-11-26T08:30:00", "2026-11-28T08:30:00"),
        ("2026-11-28T08:30:00", "2026-11-29T08:30:00", "2026-12-05T08:30:00"),
        # Summer: 08:30 in London is 07:30 UTC.
        ("2026-07-01T07:00:00", "2026-07-01T07:30:00", "2026-07-04T07:30:00"),
        # The night the clocks go forward (29 March 2026): 08:30 BST is 07:30 UTC that morning.
        ("2026-03-29T00:30:00", "2026-03-29T07:30:00", "2026-04-04T07:30:00"),
    ],
)
def test_next_digest_time_in_local_wall_clock(after: str, daily: str, weekly: str) -> None:
    assert next_digest_at(utc(after), Mode.DAILY, AT, LONDON) == utc(daily)
    assert next_digest_at(utc(after), Mode.WEEKLY, AT, LONDON) == utc(weekly)


def test_digest_period_is_the_local_date() -> None:
    assert digest_period(utc("2026-07-03T23:30:00"), LONDON) == "2026-07-04"  # 00:30 BST
    assert len(digest_nonce(2**63 - 1, "catch_up", "2026-11-25T09:00:00.000+00:00", 12)) == NONCE_LENGTH


def test_immediate_has_no_digest_time() -> None:
    with pytest.raises(ValueError):
        next_digest_at(utc("2026-11-25T08:00:00"), Mode.IMMEDIATE, AT, LONDON)


class FakeClock:
    def now(self) -> datetime:
        return utc("2026-11-25T09:00:00")


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with open_store(tmp_path / "digests.db") as opened:
        yield opened


async def enqueue_stories(
    store: Store, updates: UpdatesStore, count: int, prefix: str = "story"
) -> list[str]:
    ids = []
    for i in range(count):
        story = Story(
            title=f"{prefix} {i}",
            blocks=(Block(BlockKind.PARAGRAPH, "Text."),),
            source="test",
            source_format="content_api",
            base_path=f"/government/news/{prefix}-{i}",
        )
        saved = await store.save(story, Extraction())
        await updates.enqueue(await store.get(saved.story_id))
        ids.append(saved.story_id)
    return ids


async def test_daily_digest_gathers_pending_posts_once(store: Store) -> None:
    updates = UpdatesStore(store, FakeClock())
    await updates.add_subscription(GUILD, CHANNEL, SubscriptionFilter(), Mode.DAILY, 501, 7)
    await updates.add_subscription(GUILD, OTHER, SubscriptionFilter(), Mode.IMMEDIATE, None, 7)
    ids = await enqueue_stories(store, updates, 3)
    [digest] = await updates.create_digests(Mode.DAILY, "2026-11-26")
    assert (digest.channel_id, digest.kind, digest.story_ids, digest.role_ids) == (
        CHANNEL,
        "daily",
        tuple(ids),
        (501,),
    )
    assert await updates.create_digests(Mode.DAILY, "2026-11-26") == []  # same period: not twice
    assert await updates.create_digests(Mode.WEEKLY, "2026-11-28") == []
    assert [p.channel_id for p in await updates.pending_posts()] == [OTHER] * 3

    await updates.digest_page_sent(digest.id, 900)
    [resumed] = await updates.pending_digests()
    assert resumed.message_ids == (900,)  # a restart carries on at page 2
    await updates.digest_page_sent(digest.id, 901)
    await updates.mark_digest_sent(digest.id)
    assert await updates.pending_digests() == []
    posts = await updates.posts_for_story(ids[0])
    assert {(p.channel_id, p.state, p.message_id) for p in posts} == {
        (CHANNEL, "sent", 900),
        (OTHER, "pending", None),
    }


async def test_catch_up_after_downtime(store: Store) -> None:
    updates = UpdatesStore(store, FakeClock())
    await updates.add_subscription(GUILD, CHANNEL, SubscriptionFilter(), Mode.IMMEDIATE, None, 7)
    await enqueue_stories(store, updates, 6)
    await updates.add_subscription(GUILD, OTHER, SubscriptionFilter(), Mode.IMMEDIATE, None, 7)
    await enqueue_stories(store, updates, 2, prefix="later")
    [digest] = await updates.create_catch_ups(threshold=5)
    assert digest.kind == "catch_up" and digest.channel_id == CHANNEL and len(digest.story_ids) == 8
    assert [p.channel_id for p in await updates.pending_posts()] == [OTHER, OTHER]
    assert await updates.create_catch_ups(threshold=5) == []


async def test_removed_channel_loses_its_pending_digest_posts(store: Store) -> None:
    updates = UpdatesStore(store, FakeClock())
    await updates.add_subscription(GUILD, CHANNEL, SubscriptionFilter(), Mode.WEEKLY, None, 7)
    await enqueue_stories(store, updates, 2)
    [digest] = await updates.create_digests(Mode.WEEKLY, "2026-11-28")
    await updates.set_paused(GUILD, CHANNEL, True)
    assert await updates.pending_digests() == []  # held while paused
    await updates.set_paused(GUILD, CHANNEL, False)
    assert [d.id for d in await updates.pending_digests()] == [digest.id]
    await updates.remove_channel(CHANNEL)
    assert await updates.pending_digests() == []
    assert (await store.connection.execute_fetchall("SELECT count(*) FROM posts"))[0][0] == 0
