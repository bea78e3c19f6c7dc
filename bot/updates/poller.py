"""Polls the configured feeds, stores what they hold, and fans new stories out to the outbox.

Rules (issue 5):
* each feed is polled every `poll_minutes` (never faster than 5 minutes for gov.uk) plus a random
  jitter of up to a tenth of that, so several bots, or several feeds, do not poll in lockstep;
* the first successful poll of a feed stores what it holds and posts nothing (no flood);
* a story is new when it was not stored before, whatever date it carries; an updated story marks
  its sent posts for an edit;
* failures back off exponentially (capped), and a feed failing for an hour is announced once;
* a new story whose body could not be fetched waits (up to HOLD_INCOMPLETE) for it, so keyword
  filters see the body; the wait is kept in memory, so a restart only makes it longer.

Nothing here sleeps: a loop (the poster cog) calls `poll_due()` and waits `seconds_until_due()`;
tests advance a fake clock and call `poll_due()` directly.
"""

from __future__ import annotations

import hashlib
import logging
import random
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Protocol
from urllib.parse import urlsplit

from bot.errors import FetchError
from bot.fetch import FetchResult
from bot.ingest import InputResult
from bot.updates.clock import Clock
from bot.updates.models import FeedState, Post
from bot.updates_store import UpdatesStore

log = logging.getLogger(__name__)

GOV_UK_MIN_MINUTES = 5.0
FAILING_ANNOUNCE_AFTER = timedelta(hours=1)
MAX_BACKOFF = timedelta(hours=1)
# A story whose body could not be fetched yet waits this long for it before it is posted with
# only the feed's summary: keyword filters need the body, and the next poll usually completes it.
HOLD_INCOMPLETE = timedelta(minutes=30)
FEED_ACCEPT = "application/atom+xml, application/rss+xml;q=0.9, application/xml;q=0.8, */*;q=0.1"


class FeedFetcher(Protocol):
    async def get(
        self,
        url: str,
        accept: str | None = None,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> FetchResult: ...


class FeedIngester(Protocol):
    def ingest_bytes(self, data: bytes, source: str) -> AsyncIterator[InputResult]: ...


@dataclass(frozen=True, slots=True)
class PollReport:
    """What one poll of one feed did, for logs, `/updates status` and announcements."""

    url: str
    ok: bool
    first_poll: bool = False
    not_modified: bool = False
    new: tuple[str, ...] = ()  # story ids stored for the first time
    updated: tuple[str, ...] = ()
    posts: tuple[Post, ...] = ()  # outbox rows written
    error: str | None = None
    # Set once per outage: the feed has been failing for an hour (tell subscribers now).
    failing_announcement: bool = False
    recovered: bool = False  # the first success after an announced outage
    results: tuple[InputResult, ...] = field(default=(), repr=False)


def poll_interval(url: str, poll_minutes: float) -> timedelta:
    """The configured interval, raised to 5 minutes for gov.uk hosts (fractions allowed elsewhere)."""
    host = (urlsplit(url).hostname or "").lower()
    minutes = poll_minutes
    if host == "gov.uk" or host.endswith(".gov.uk"):
        minutes = max(minutes, GOV_UK_MIN_MINUTES)
    return timedelta(minutes=minutes)


def backoff(interval: timedelta, failures: int) -> timedelta:
    """Wait after the n-th failure in a row: the interval doubled n times, capped at an hour
    (or at the interval itself, when that is longer)."""
    cap = max(MAX_BACKOFF, interval)
    return min(interval * (2 ** min(failures, 20)), cap)


class FeedPoller:
    def __init__(
        self,
        urls: Sequence[str],
        fetcher: FeedFetcher,
        ingester: FeedIngester,
        updates: UpdatesStore,
        clock: Clock,
        poll_minutes: float = 10.0,
        rng: random.Random | None = None,
    ) -> None:
        self.urls = list(dict.fromkeys(urls))
        self.fetcher = fetcher
        self.ingester = ingester
        self.updates = updates
        self.clock = clock
        self.poll_minutes = poll_minutes
        self._rng = rng or random.Random()
        self._started = False
        self._held: dict[str, datetime] = {}  # incomplete story id -> when it was first held

    async def start(self) -> None:
        """Register the configured feeds; new ones are due at once."""
        await self.updates.ensure_feeds(self.urls, self.clock.now())
        self._started = True

    async def poll_due(self) -> list[PollReport]:
        """Poll every feed whose time has come, one after another (feeds are few)."""
        if not self._started:
            await self.start()
        now = self.clock.now()
        reports = []
        for state in await self.updates.feeds(self.urls):
            if state.next_poll_at is None or state.next_poll_at <= now:
                try:
                    reports.append(await self.poll(state))
                except Exception:
                    # A bug must not stop the other feeds; the feed backs off as if it had failed.
                    log.exception("polling feed=%s failed unexpectedly", state.url)
                    interval = poll_interval(state.url, self.poll_minutes)
                    error = "Unexpected error (details in the log)."
                    reports.append(await self._failed(state, now, interval, error))
        return reports

    async def seconds_until_due(self) -> float:
        """How long a loop may wait before the next feed is due (0 when one already is)."""
        states = await self.updates.feeds(self.urls)
        if not states:
            return self.poll_minutes * 60
        now = self.clock.now()
        soonest = min((s.next_poll_at or now) for s in states)
        return max(0.0, (soonest - now).total_seconds())

    async def poll(self, state: FeedState) -> PollReport:
        url = state.url
        now = self.clock.now()
        interval = poll_interval(url, self.poll_minutes)
        # The stored validators make the GET conditional, across restarts too; only for a settled
        # feed, since one with a failed or incomplete entry must be read again even if unchanged.
        conditional = state.baselined and state.body_hash is not None
        try:
            fetched = await self.fetcher.get(
                url,
                accept=FEED_ACCEPT,
                etag=state.etag if conditional else None,
                last_modified=state.last_modified if conditional else None,
            )
        except FetchError as error:
            return await self._failed(state, now, interval, error.user_message)
        not_modified = fetched.status == 304
        body_hash = state.body_hash if not_modified else hashlib.sha256(fetched.body).hexdigest()
        etag = fetched.headers.get("ETag")
        last_modified = fetched.headers.get("Last-Modified")
        if not_modified:  # a 304 need not restate them; a 200 without them has none
            etag = etag or state.etag
            last_modified = last_modified or state.last_modified
        recovered = state.announced_failure
        succeeded = replace(
            state,
            etag=etag,
            last_modified=last_modified,
            last_checked_at=now,
            last_success_at=now,
            failures=0,
            failing_since=None,
            last_error=None,
            announced_failure=False,
            next_poll_at=self._next_poll(now, interval),
        )
        if not_modified or (state.baselined and body_hash == state.body_hash):
            # A 304, or the same bytes again (the fetcher's cached copy, or no validators): nothing new.
            await self.updates.save_feed(succeeded)
            log.debug("feed=%s not modified", url)
            return PollReport(url, ok=True, not_modified=True, recovered=recovered)

        results = [result async for result in self.ingester.ingest_bytes(fetched.body, url)]
        if len(results) == 1 and results[0].failed and results[0].input == url:
            # The document itself was unusable (an HTML error page, malformed XML): a feed failure.
            return await self._failed(state, now, interval, results[0].reason or "the feed could not be read")
        stored_ids = [r.story_id for r in results if r.story_id]
        new = tuple(r.story_id for r in results if r.status == "new" and r.story_id)
        updated = tuple(r.story_id for r in results if r.status == "updated" and r.story_id)
        # Only a fully ingested body may be skipped next time: a failed or incomplete entry must
        # be tried again on the next poll even when the feed's bytes have not changed.
        settled = not any(r.failed for r in results) and not await self.updates.incomplete(stored_ids)
        succeeded = replace(succeeded, body_hash=body_hash if settled else None)

        if not state.baselined:
            await self.updates.mark_dispatched(stored_ids)
            baseline = await self.updates.latest_story_rowid()
            await self.updates.save_feed(replace(succeeded, baseline_story_id=baseline))
            log.info("feed=%s first poll: stored %d stories, posting none", url, len(stored_ids))
            return PollReport(url, ok=True, first_poll=True, new=new, updated=updated, results=tuple(results))

        for story_id in updated:
            marked = await self.updates.mark_story_updated(story_id)
            if marked:
                log.info("story=%s updated: %d post(s) to edit", story_id, marked)
        posts: list[Post] = []
        # Not just this poll's "new" ones: a story stored by a poll that stopped before its
        # fan-out (the bot was killed) is picked up here, because it was never dispatched.
        for story_id in await self.updates.undispatched(stored_ids, state.baseline_story_id or 0):
            stored = await self.updates.stored_story(story_id)
            if not stored.story.complete and now - self._held.setdefault(story_id, now) < HOLD_INCOMPLETE:
                log.info("story=%s held until its body can be fetched", story_id)
                continue
            self._held.pop(story_id, None)
            enqueued = await self.updates.enqueue(stored)
            posts.extend(enqueued.posts)
        if new:
            succeeded = replace(succeeded, last_new_story_at=now)
        await self.updates.save_feed(succeeded)
        log.info("feed=%s new=%d updated=%d posts=%d", url, len(new), len(updated), len(posts))
        return PollReport(
            url,
            ok=True,
            new=new,
            updated=updated,
            posts=tuple(posts),
            recovered=recovered,
            results=tuple(results),
        )

    async def _failed(self, state: FeedState, now: datetime, interval: timedelta, error: str) -> PollReport:
        failures = state.failures + 1
        since = state.failing_since or now
        announce = not state.announced_failure and now - since >= FAILING_ANNOUNCE_AFTER
        await self.updates.save_feed(
            replace(
                state,
                last_checked_at=now,
                failures=failures,
                failing_since=since,
                last_error=error,
                announced_failure=state.announced_failure or announce,
                next_poll_at=now + backoff(interval, failures),
            )
        )
        log.warning("feed=%s failed (%d in a row): %s", state.url, failures, error)
        return PollReport(state.url, ok=False, error=error, failing_announcement=announce)

    def _next_poll(self, now: datetime, interval: timedelta) -> datetime:
        return now + interval + interval * (self._rng.random() / 10)
