"""The updates feature's SQL: subscriptions, the outbox of posts, and feed state.

Part of the storage layer: it shares the `Store`'s one connection and write lock
(`UpdatesStore(store)`). Every query that a moderator's command reaches is scoped by guild id, so
a server never sees or changes another server's rows, whatever subscription id is typed.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from bot.errors import InvalidQuery, StoryNotFound
from bot.models import StoredStory
from bot.storage import Store
from bot.updates.clock import Clock, SystemClock, iso, parse_iso
from bot.updates.delivery import CATCH_UP_THRESHOLD, digest_nonce, post_nonce
from bot.updates.filters import Backtest, Mode, SearchableText, SubscriptionFilter, backtest
from bot.updates.models import (
    MAX_REFUSALS,
    PAUSED_BY_MODERATOR,
    DeliveryProblem,
    Digest,
    FeedState,
    Post,
    Subscription,
)

log = logging.getLogger(__name__)

MAX_SUBSCRIPTIONS_PER_GUILD = 50
# A channel mixing modes gets the story as soon as its most urgent subscription wants it.
_URGENCY = (Mode.IMMEDIATE, Mode.DAILY, Mode.WEEKLY)

_SUBSCRIPTION_COLUMNS = (
    "id, guild_id, channel_id, filters, mode, role_id, created_by, created_at, paused, paused_reason,"
    " last_post_at"
)
_POST_COLUMNS = (
    "p.id, s.short_id, p.guild_id, p.channel_id, p.mode, p.role_ids, p.nonce, p.state, p.message_id,"
    " p.attempts, p.last_error, p.created_at, p.sent_at, p.edit_pending"
)
_FEED_COLUMNS = (
    "url, etag, last_modified, last_checked_at, last_success_at, last_new_story_at, failures,"
    " failing_since, last_error, next_poll_at, announced_failure, body_hash, baseline_story_id"
)


@dataclass(frozen=True, slots=True)
class Enqueued:
    """What one story's fan-out wrote: the new outbox rows (one per channel)."""

    story_id: str
    posts: tuple[Post, ...]


class UpdatesStore:
    def __init__(self, store: Store, clock: Clock | None = None) -> None:
        self._store = store
        self._conn = store.connection
        self._clock = clock or SystemClock()

    # --- subscriptions (moderator commands: always scoped by guild) --------------------------

    async def add_subscription(
        self,
        guild_id: int,
        channel_id: int,
        rule: SubscriptionFilter,
        mode: Mode,
        role_id: int | None,
        created_by: int,
    ) -> Subscription:
        async with self._store.transaction():
            rows = await self._conn.execute_fetchall(
                "SELECT count(*) FROM subscriptions WHERE guild_id = ?", (guild_id,)
            )
            if rows[0][0] >= MAX_SUBSCRIPTIONS_PER_GUILD:
                raise InvalidQuery(
                    f"This server already has {MAX_SUBSCRIPTIONS_PER_GUILD} subscriptions."
                    " Remove one with /updates unsubscribe first."
                )
            rows = await self._conn.execute_fetchall(
                f"SELECT {_SUBSCRIPTION_COLUMNS} FROM subscriptions"
                " WHERE guild_id = ? AND channel_id = ? AND mode = ? AND role_id IS ?",
                (guild_id, channel_id, mode.value, role_id),
            )
            for row in rows:
                if _subscription(row).filter.same_as(rule):
                    raise InvalidQuery(
                        f"This channel already has that subscription (id {row['id']}); see /updates list."
                    )
            cursor = await self._conn.execute(
                "INSERT INTO subscriptions (guild_id, channel_id, filters, mode, role_id, created_by,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (guild_id, channel_id, rule.to_json(), mode.value, role_id, created_by, self._now()),
            )
            rows = await self._conn.execute_fetchall(
                f"SELECT {_SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE id = ?", (cursor.lastrowid,)
            )
        log.info("subscribed guild=%s channel=%s mode=%s", guild_id, channel_id, mode.value)
        return _subscription(rows[0])

    async def backtest(self, rule: SubscriptionFilter, limit: int = 100, examples: int = 3) -> Backtest:
        """How many of the latest `limit` stored stories the filter would have matched."""
        return backtest(rule, await self._store.latest(limit), examples)

    async def organisation_name(self, slug: str) -> str | None:
        """The name of a stored organisation, to check a typed one (None: no story names it yet)."""
        rows = await self._conn.execute_fetchall("SELECT name FROM organisations WHERE slug = ?", (slug,))
        return rows[0][0] if rows else None

    async def list_subscriptions(self, guild_id: int, channel_id: int | None = None) -> list[Subscription]:
        """This guild's subscriptions (optionally one channel's), oldest first."""
        if channel_id is None:
            rows = await self._conn.execute_fetchall(
                f"SELECT {_SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE guild_id = ? ORDER BY id",
                (guild_id,),
            )
        else:
            rows = await self._conn.execute_fetchall(
                f"SELECT {_SUBSCRIPTION_COLUMNS} FROM subscriptions"
                " WHERE guild_id = ? AND channel_id = ? ORDER BY id",
                (guild_id, channel_id),
            )
        return [_subscription(row) for row in rows]

    async def delivery_problems(self, guild_id: int) -> dict[int, DeliveryProblem]:
        """By channel: the posts and digests still waiting after a failed send, and those set aside after
        Discord refused them in the last week, for /updates list."""
        posts = await self._failed_by_channel("posts", guild_id)
        digests = await self._failed_by_channel("digests", guild_id)
        nothing = (0, 0, None)
        return {
            channel_id: DeliveryProblem(
                posts.get(channel_id, nothing)[0],
                digests.get(channel_id, nothing)[0],
                posts.get(channel_id, nothing)[2] or digests.get(channel_id, nothing)[2],
                posts.get(channel_id, nothing)[1] + digests.get(channel_id, nothing)[1],
            )
            for channel_id in posts.keys() | digests.keys()
        }

    async def _failed_by_channel(self, table: str, guild_id: int) -> dict[int, tuple[int, int, str | None]]:
        """`table` ("posts" or "digests"): per channel, how many pending rows failed and wait for another try,
        how many were set aside in the last week, and the newest error of either."""
        week_ago = iso(self._clock.now() - timedelta(days=7))
        rows = await self._conn.execute_fetchall(
            "SELECT channel_id, SUM(refused_at IS NULL), COUNT(refused_at),"
            f" (SELECT last_error FROM {table} q WHERE q.channel_id = t.channel_id AND q.state = 'pending'"
            "  AND q.attempts > 0 AND (q.refused_at IS NULL OR q.refused_at >= ?) ORDER BY q.id DESC LIMIT 1)"
            f" FROM {table} t WHERE guild_id = ? AND state = 'pending' AND attempts > 0"
            " AND (refused_at IS NULL OR refused_at >= ?) GROUP BY channel_id",
            (week_ago, guild_id, week_ago),
        )
        return {channel_id: (waiting, refused, error) for channel_id, waiting, refused, error in rows}

    async def remove_subscriptions(
        self, guild_id: int, channel_id: int, subscription_id: int | None = None
    ) -> int:
        """Unsubscribe a channel (or one of its subscriptions); returns how many were removed.

        Pending posts that no remaining subscription of the channel wants go too.
        """
        async with self._store.transaction():
            if subscription_id is None:
                cursor = await self._conn.execute(
                    "DELETE FROM subscriptions WHERE guild_id = ? AND channel_id = ?", (guild_id, channel_id)
                )
            else:
                cursor = await self._conn.execute(
                    "DELETE FROM subscriptions WHERE id = ? AND guild_id = ? AND channel_id = ?",
                    (subscription_id, guild_id, channel_id),
                )
            removed = cursor.rowcount
            await self._drop_orphan_pending(guild_id=guild_id, channel_id=channel_id)
        return removed

    async def set_paused(self, guild_id: int, channel_id: int, paused: bool) -> int:
        """A moderator pauses or resumes a channel's subscriptions; returns how many changed."""
        async with self._store.transaction():
            if paused:
                cursor = await self._conn.execute(
                    "UPDATE subscriptions SET paused = 1, paused_reason = ?, paused_at = ?,"
                    " pause_announced = 1 WHERE guild_id = ? AND channel_id = ? AND paused = 0",
                    (PAUSED_BY_MODERATOR, self._now(), guild_id, channel_id),
                )
            else:
                cursor = await self._conn.execute(
                    "UPDATE subscriptions SET paused = 0, paused_reason = NULL, paused_at = NULL,"
                    " pause_announced = 0 WHERE guild_id = ? AND channel_id = ? AND paused = 1",
                    (guild_id, channel_id),
                )
        return cursor.rowcount

    # --- what Discord tells the bot (ids come from Discord, not from users) -------------------

    async def channel_lost(self, channel_id: int, reason: str) -> list[Subscription]:
        """A 403/404 for the channel: pause its subscriptions. Returns those not yet announced,
        so the moderators hear about it once."""
        async with self._store.transaction():
            await self._conn.execute(
                "UPDATE subscriptions SET paused = 1, paused_reason = ?, paused_at = ?"
                " WHERE channel_id = ? AND (paused = 0 OR paused_reason = ?)",
                (reason, self._now(), channel_id, PAUSED_BY_MODERATOR),
            )
            rows = await self._conn.execute_fetchall(
                f"SELECT {_SUBSCRIPTION_COLUMNS} FROM subscriptions"
                " WHERE channel_id = ? AND pause_announced = 0 ORDER BY id",
                (channel_id,),
            )
            await self._conn.execute(
                "UPDATE subscriptions SET pause_announced = 1 WHERE channel_id = ?", (channel_id,)
            )
        return [_subscription(row) for row in rows]

    async def remove_channel(self, channel_id: int) -> int:
        """The channel was deleted: its subscriptions and pending posts go."""
        async with self._store.transaction():
            cursor = await self._conn.execute("DELETE FROM subscriptions WHERE channel_id = ?", (channel_id,))
            await self._drop_orphan_pending(channel_id=channel_id)
        return cursor.rowcount

    async def remove_guild(self, guild_id: int) -> int:
        """The bot left the server: its subscriptions and pending posts go."""
        async with self._store.transaction():
            cursor = await self._conn.execute("DELETE FROM subscriptions WHERE guild_id = ?", (guild_id,))
            await self._drop_orphan_pending(guild_id=guild_id)
        return cursor.rowcount

    async def _drop_orphan_pending(self, guild_id: int | None = None, channel_id: int | None = None) -> None:
        """Delete pending posts and digests whose channel has no subscription left (sent posts stay:
        they are never posted twice)."""
        await self._conn.execute(
            "DELETE FROM posts WHERE state = 'pending'"
            " AND (? IS NULL OR guild_id = ?) AND (? IS NULL OR channel_id = ?)"
            " AND NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.channel_id = posts.channel_id)",
            (guild_id, guild_id, channel_id, channel_id),
        )
        await self._conn.execute(
            "DELETE FROM digests WHERE state = 'pending'"
            " AND (? IS NULL OR guild_id = ?) AND (? IS NULL OR channel_id = ?)"
            " AND NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.channel_id = digests.channel_id)",
            (guild_id, guild_id, channel_id, channel_id),
        )

    # --- fan-out ----------------------------------------------------------------------------

    async def enqueue(self, stored: StoredStory) -> Enqueued:
        """Write one outbox row per channel with an active subscription matching the story, in one
        transaction with the record that the story was dispatched (so it never fans out twice)."""
        async with self._store.transaction():
            rowid = await self._story_rowid(stored.story.id)
            done = await self._conn.execute_fetchall(
                "SELECT 1 FROM dispatched_stories WHERE story_id = ?", (rowid,)
            )
            if done:
                return Enqueued(stored.story.id, ())
            rows = await self._conn.execute_fetchall(
                "SELECT id, guild_id, channel_id, filters, mode, role_id FROM subscriptions"
                " WHERE paused = 0 ORDER BY id"
            )
            text = SearchableText(stored)
            by_channel: dict[int, list[sqlite3.Row]] = {}
            for row in rows:
                if _filter(row["filters"]).matches(stored, text):
                    by_channel.setdefault(row["channel_id"], []).append(row)
            now = self._now()
            values = []
            for channel_id, matching in by_channel.items():
                roles = list(dict.fromkeys(r["role_id"] for r in matching if r["role_id"] is not None))
                mode = min((Mode(r["mode"]) for r in matching), key=_URGENCY.index)
                nonce = post_nonce(rowid, channel_id)
                values.append(
                    (rowid, matching[0]["guild_id"], channel_id, mode.value, json.dumps(roles), nonce, now)
                )
            # One statement for every channel: a story can fan out to a thousand of them.
            await self._conn.executemany(
                "INSERT INTO posts (story_id, guild_id, channel_id, mode, role_ids, nonce, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (story_id, channel_id) DO NOTHING",
                values,
            )
            await self._conn.execute(
                "INSERT INTO dispatched_stories (story_id, dispatched_at, posts) VALUES (?, ?, ?)",
                (rowid, now, len(values)),
            )
            # Never dispatched before, so every post the story has was written just now.
            rows = await self._conn.execute_fetchall(
                f"SELECT {_POST_COLUMNS} FROM posts p JOIN stories s ON s.id = p.story_id"
                " WHERE p.story_id = ? ORDER BY p.id",
                (rowid,),
            )
            posts = [_post(row) for row in rows]
        log.info("story=%s enqueued for %d channel(s)", stored.story.id, len(posts))
        return Enqueued(stored.story.id, tuple(posts))

    async def mark_dispatched(self, story_ids: Iterable[str]) -> None:
        """Record stories as fanned out with no posts (a feed's first poll: no flood)."""
        ids = list(dict.fromkeys(story_ids))
        if not ids:
            return
        async with self._store.transaction():
            await self._conn.executemany(
                "INSERT INTO dispatched_stories (story_id, dispatched_at, posts)"
                " SELECT id, ?, 0 FROM stories WHERE short_id = ? ON CONFLICT (story_id) DO NOTHING",
                [(self._now(), story_id) for story_id in ids],
            )

    async def undispatched(self, story_ids: Iterable[str], after_rowid: int) -> list[str]:
        """Of these stories, those stored after `after_rowid` and not yet fanned out, oldest
        published first (a feed lists newest first, so that is not the order they were stored)."""
        ids = list(dict.fromkeys(story_ids))
        if not ids:
            return []
        rows = await self._conn.execute_fetchall(
            "SELECT s.short_id FROM stories s WHERE s.short_id IN (SELECT value FROM json_each(?))"
            " AND s.id > ? AND NOT EXISTS (SELECT 1 FROM dispatched_stories d WHERE d.story_id = s.id)"
            " ORDER BY s.listed_at, s.id",
            (json.dumps(ids), after_rowid),
        )
        return [row[0] for row in rows]

    async def incomplete(self, story_ids: Iterable[str]) -> int:
        """How many of these stories are stored without their body (to be completed later)."""
        ids = list(dict.fromkeys(story_ids))
        if not ids:
            return 0
        rows = await self._conn.execute_fetchall(
            "SELECT count(*) FROM stories WHERE short_id IN (SELECT value FROM json_each(?)) AND complete = 0",
            (json.dumps(ids),),
        )
        return int(rows[0][0])

    async def stored_story(self, story_id: str) -> StoredStory:
        return await self._store.get(story_id)

    async def latest_story_rowid(self) -> int:
        rows = await self._conn.execute_fetchall("SELECT coalesce(max(id), 0) FROM stories")
        return int(rows[0][0])

    async def mark_story_updated(self, story_id: str) -> int:
        """The story changed: its posts need an edit. Returns how many were marked.

        Pending posts are marked too: one may be in flight with the old text right now, and an
        edit that changes nothing costs one request, while a missed edit leaves a stale post.
        """
        async with self._store.transaction():
            cursor = await self._conn.execute(
                "UPDATE posts SET edit_pending = 1"
                " WHERE story_id = (SELECT id FROM stories WHERE short_id = ?)",
                (story_id,),
            )
        return cursor.rowcount

    # --- the outbox ---------------------------------------------------------------------------

    async def pending_posts(self, limit: int = 100) -> list[Post]:
        """Immediate posts still to send, oldest first, for channels with an active subscription."""
        rows = await self._conn.execute_fetchall(
            f"SELECT {_POST_COLUMNS} FROM posts p JOIN stories s ON s.id = p.story_id"
            " WHERE p.state = 'pending' AND p.mode = 'immediate' AND p.digest_id IS NULL AND p.refused_at IS NULL"
            " AND EXISTS (SELECT 1 FROM subscriptions u WHERE u.channel_id = p.channel_id AND u.paused = 0)"
            " ORDER BY p.id LIMIT ?",
            (limit,),
        )
        return [_post(row) for row in rows]

    async def pending_edits(self, limit: int = 100) -> list[Post]:
        """Sent posts whose story changed since, oldest first; none in a channel whose
        subscriptions are all paused (the bot lost access, or a moderator paused it)."""
        rows = await self._conn.execute_fetchall(
            f"SELECT {_POST_COLUMNS} FROM posts p JOIN stories s ON s.id = p.story_id"
            " WHERE p.edit_pending = 1 AND p.state = 'sent'"
            " AND (EXISTS (SELECT 1 FROM subscriptions u WHERE u.channel_id = p.channel_id AND u.paused = 0)"
            "  OR NOT EXISTS (SELECT 1 FROM subscriptions u WHERE u.channel_id = p.channel_id))"
            " ORDER BY p.id LIMIT ?",
            (limit,),
        )
        return [_post(row) for row in rows]

    async def mark_sent(self, post_id: int, message_id: int) -> None:
        async with self._store.transaction():
            now = self._now()
            await self._conn.execute(
                "UPDATE posts SET state = 'sent', message_id = ?, sent_at = ?, last_error = NULL"
                " WHERE id = ?",
                (message_id, now, post_id),
            )
            await self._conn.execute(
                "UPDATE subscriptions SET last_post_at = ?"
                " WHERE channel_id = (SELECT channel_id FROM posts WHERE id = ?)",
                (now, post_id),
            )

    async def mark_edited(self, post_id: int) -> None:
        async with self._store.transaction():
            await self._conn.execute("UPDATE posts SET edit_pending = 0 WHERE id = ?", (post_id,))

    async def record_attempt_failed(self, post_id: int, error: str, refused: bool = False) -> bool:
        """Count a failed send or edit. A post Discord `refused` as a bad request that has now failed
        MAX_REFUSALS times is set aside (never sent); returns whether it was."""
        return await self._record_failure("posts", post_id, error, refused)

    async def _record_failure(self, table: str, row_id: int, error: str, refused: bool) -> bool:
        async with self._store.transaction():
            cursor = await self._conn.execute(
                f"UPDATE {table} SET attempts = attempts + 1, last_error = ?,"
                " refused_at = CASE WHEN ? AND attempts + 1 >= ? THEN ? ELSE refused_at END"
                " WHERE id = ? RETURNING refused_at",
                (error[:500], refused, MAX_REFUSALS, self._now(), row_id),
            )
            row = await cursor.fetchone()
        return row is not None and row[0] is not None

    async def posts_for_story(self, story_id: str) -> list[Post]:
        rows = await self._conn.execute_fetchall(
            f"SELECT {_POST_COLUMNS} FROM posts p JOIN stories s ON s.id = p.story_id"
            " WHERE s.short_id = ? ORDER BY p.id",
            (story_id,),
        )
        return [_post(row) for row in rows]

    # --- digests ------------------------------------------------------------------------------

    async def create_digests(self, mode: Mode, period: str) -> list[Digest]:
        """Gather every channel's pending `mode` (daily or weekly) posts into one digest for
        `period`, in one transaction. A period already gathered for a channel is not made twice."""
        return await self._gather(mode.value, period, "p.mode = ?", (mode.value,))

    async def create_catch_ups(self, threshold: int = CATCH_UP_THRESHOLD) -> list[Digest]:
        """After downtime: channels with more than `threshold` immediate posts waiting get them as
        one catch-up digest instead of a burst of messages."""
        period = self._now()
        return await self._gather(
            "catch_up",
            period,
            "p.mode = 'immediate' AND p.channel_id IN (SELECT channel_id FROM posts"
            " WHERE state = 'pending' AND mode = 'immediate' AND digest_id IS NULL AND refused_at IS NULL"
            " GROUP BY channel_id HAVING count(*) > ?)",
            (threshold,),
        )

    async def _gather(self, kind: str, period: str, where: str, params: tuple[object, ...]) -> list[Digest]:
        async with self._store.transaction():
            rows = await self._conn.execute_fetchall(
                "SELECT DISTINCT p.guild_id, p.channel_id FROM posts p"
                f" WHERE p.state = 'pending' AND p.digest_id IS NULL AND p.refused_at IS NULL AND {where}"
                " AND EXISTS (SELECT 1 FROM subscriptions u WHERE u.channel_id = p.channel_id AND u.paused = 0)"
                " ORDER BY p.channel_id",
                params,
            )
            made = []
            for guild_id, channel_id in rows:
                cursor = await self._conn.execute(
                    "INSERT INTO digests (guild_id, channel_id, kind, period, nonce, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (channel_id, kind, period) DO NOTHING",
                    (guild_id, channel_id, kind, period, digest_nonce(channel_id, kind, period), self._now()),
                )
                if not cursor.rowcount:
                    continue
                await self._conn.execute(
                    f"UPDATE posts AS p SET digest_id = ? WHERE p.channel_id = ? AND p.state = 'pending'"
                    f" AND p.digest_id IS NULL AND p.refused_at IS NULL AND {where}",
                    (cursor.lastrowid, channel_id, *params),
                )
                made.append(cursor.lastrowid)
            digests = [await self._digest(digest_id) for digest_id in made if digest_id is not None]
        for digest in digests:
            log.info(
                "digest=%s %s for channel=%s: %d stories",
                digest.id,
                kind,
                digest.channel_id,
                len(digest.story_ids),
            )
        return digests

    async def pending_digests(self) -> list[Digest]:
        """Digests not fully sent, oldest first, for channels with an active subscription."""
        rows = await self._conn.execute_fetchall(
            "SELECT d.id FROM digests d WHERE d.state = 'pending' AND d.refused_at IS NULL AND EXISTS"
            " (SELECT 1 FROM subscriptions u WHERE u.channel_id = d.channel_id AND u.paused = 0) ORDER BY d.id"
        )
        return [await self._digest(row[0]) for row in rows]

    async def digest_page_sent(self, digest_id: int, message_id: int) -> None:
        """Record one page as sent, so a restart resumes at the next page."""
        async with self._store.transaction():
            await self._conn.execute(
                "UPDATE digests SET message_ids = json_insert(message_ids, '$[#]', ?) WHERE id = ?",
                (message_id, digest_id),
            )

    async def record_digest_failed(self, digest_id: int, error: str, refused: bool = False) -> bool:
        """A page could not be sent: the digest stays pending (the next round resumes it) and the
        failure is kept with it, as a post's is; set aside as a post is. Returns whether it was."""
        return await self._record_failure("digests", digest_id, error, refused)

    async def mark_digest_sent(self, digest_id: int) -> None:
        """Every page is out: the digest and the posts it gathered are sent (never again)."""
        async with self._store.transaction():
            now = self._now()
            await self._conn.execute(
                "UPDATE digests SET state = 'sent', sent_at = ? WHERE id = ?", (now, digest_id)
            )
            await self._conn.execute(
                "UPDATE posts SET state = 'sent', sent_at = ?,"
                " message_id = (SELECT json_extract(message_ids, '$[0]') FROM digests WHERE id = ?)"
                " WHERE digest_id = ?",
                (now, digest_id, digest_id),
            )
            await self._conn.execute(
                "UPDATE subscriptions SET last_post_at = ?"
                " WHERE channel_id = (SELECT channel_id FROM digests WHERE id = ?)",
                (now, digest_id),
            )

    async def _digest(self, digest_id: int) -> Digest:
        rows = await self._conn.execute_fetchall(
            "SELECT id, guild_id, channel_id, kind, period, state, message_ids, created_at, attempts, last_error"
            " FROM digests WHERE id = ?",
            (digest_id,),
        )
        row = rows[0]
        posts = await self._conn.execute_fetchall(
            "SELECT s.short_id, p.role_ids FROM posts p JOIN stories s ON s.id = p.story_id"
            " WHERE p.digest_id = ? ORDER BY p.id",
            (digest_id,),
        )
        roles = dict.fromkeys(role for post in posts for role in json.loads(post[1]))
        return Digest(
            id=row["id"],
            guild_id=row["guild_id"],
            channel_id=row["channel_id"],
            kind=row["kind"],
            period=row["period"],
            state=row["state"],
            message_ids=tuple(json.loads(row["message_ids"])),
            story_ids=tuple(post[0] for post in posts),
            role_ids=tuple(roles),
            created_at=datetime.fromisoformat(row["created_at"]),
            attempts=row["attempts"],
            last_error=row["last_error"],
        )

    # --- feeds --------------------------------------------------------------------------------

    async def ensure_feeds(self, urls: Iterable[str], first_poll_at: datetime) -> None:
        """Make a row for every configured feed; a new one is due at `first_poll_at`."""
        async with self._store.transaction():
            await self._conn.executemany(
                "INSERT INTO feeds (url, next_poll_at) VALUES (?, ?) ON CONFLICT (url) DO NOTHING",
                [(url, iso(first_poll_at)) for url in urls],
            )

    async def feeds(self, urls: Iterable[str] | None = None) -> list[FeedState]:
        """Every feed's state (or these feeds'), in URL order."""
        if urls is None:
            rows = await self._conn.execute_fetchall(f"SELECT {_FEED_COLUMNS} FROM feeds ORDER BY url")
        else:
            rows = await self._conn.execute_fetchall(
                f"SELECT {_FEED_COLUMNS} FROM feeds WHERE url IN (SELECT value FROM json_each(?))"
                " ORDER BY url",
                (json.dumps(list(urls)),),
            )
        return [_feed(row) for row in rows]

    async def feed(self, url: str) -> FeedState | None:
        rows = await self._conn.execute_fetchall(f"SELECT {_FEED_COLUMNS} FROM feeds WHERE url = ?", (url,))
        return _feed(rows[0]) if rows else None

    async def save_feed(self, state: FeedState) -> None:
        async with self._store.transaction():
            await self._conn.execute(
                f"INSERT OR REPLACE INTO feeds ({_FEED_COLUMNS}) VALUES ({', '.join('?' * 13)})",
                (
                    state.url,
                    state.etag,
                    state.last_modified,
                    iso(state.last_checked_at),
                    iso(state.last_success_at),
                    iso(state.last_new_story_at),
                    state.failures,
                    iso(state.failing_since),
                    state.last_error,
                    iso(state.next_poll_at),
                    int(state.announced_failure),
                    state.body_hash,
                    state.baseline_story_id,
                ),
            )

    # --- helpers ------------------------------------------------------------------------------

    async def _story_rowid(self, story_id: str) -> int:
        rows = await self._conn.execute_fetchall("SELECT id FROM stories WHERE short_id = ?", (story_id,))
        if not rows:
            raise StoryNotFound(story_id)
        return int(rows[0][0])

    def _now(self) -> str:
        return iso(self._clock.now()) or ""


# Filters are immutable, so one parsed copy per distinct JSON is shared by every fan-out.
_filter = lru_cache(maxsize=4096)(SubscriptionFilter.from_json)


def _subscription(row: sqlite3.Row) -> Subscription:
    return Subscription(
        id=row["id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        filter=_filter(row["filters"]),
        mode=Mode(row["mode"]),
        role_id=row["role_id"],
        created_by=row["created_by"],
        created_at=datetime.fromisoformat(row["created_at"]),
        paused=bool(row["paused"]),
        paused_reason=row["paused_reason"],
        last_post_at=parse_iso(row["last_post_at"]),
    )


def _post(row: sqlite3.Row) -> Post:
    return Post(
        id=row["id"],
        story_id=row["short_id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        mode=Mode(row["mode"]),
        role_ids=tuple(json.loads(row["role_ids"])),
        nonce=row["nonce"],
        state=row["state"],
        message_id=row["message_id"],
        attempts=row["attempts"],
        last_error=row["last_error"],
        created_at=datetime.fromisoformat(row["created_at"]),
        sent_at=parse_iso(row["sent_at"]),
        edit_pending=bool(row["edit_pending"]),
    )


def _feed(row: sqlite3.Row) -> FeedState:
    return FeedState(
        url=row["url"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        last_checked_at=parse_iso(row["last_checked_at"]),
        last_success_at=parse_iso(row["last_success_at"]),
        last_new_story_at=parse_iso(row["last_new_story_at"]),
        failures=row["failures"],
        failing_since=parse_iso(row["failing_since"]),
        last_error=row["last_error"],
        next_poll_at=parse_iso(row["next_poll_at"]),
        announced_failure=bool(row["announced_failure"]),
        body_hash=row["body_hash"],
        baseline_story_id=row["baseline_story_id"],
    )
