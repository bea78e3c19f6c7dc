"""What the updates feature keeps: subscriptions, outbox posts and the state of each feed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.updates.filters import Mode, SubscriptionFilter

# Why a subscription is paused: a moderator asked, or the bot lost the channel (403 / 404).
PAUSED_BY_MODERATOR = "moderator"
PAUSED_FORBIDDEN = "forbidden"
PAUSED_NOT_FOUND = "not_found"


@dataclass(frozen=True, slots=True)
class Subscription:
    id: int
    guild_id: int
    channel_id: int
    filter: SubscriptionFilter
    mode: Mode
    role_id: int | None
    created_by: int
    created_at: datetime
    paused: bool = False
    paused_reason: str | None = None
    last_post_at: datetime | None = None

    @property
    def health(self) -> str:
        """ "active", "paused", or "paused: the channel was lost" for `/updates list`."""
        if not self.paused:
            return "active"
        if self.paused_reason in (PAUSED_FORBIDDEN, PAUSED_NOT_FOUND):
            return "paused: the bot lost access to the channel"
        return "paused"


# A send Discord refuses as a bad request (a 4xx other than 403, 404 or 429) is tried this many times
# in all, in case the refusal was a blip; then the post or digest is set aside.
MAX_REFUSALS = 3


@dataclass(frozen=True, slots=True)
class DeliveryProblem:
    """One channel's posts and digests still waiting after a send Discord refused or failed (each
    is tried again every round), those set aside after MAX_REFUSALS refusals in the last week, and the
    error of the latest failed one (a post's first)."""

    posts: int
    digests: int
    last_error: str | None
    refused: int = 0


@dataclass(frozen=True, slots=True)
class Post:
    """One outbox row: a story to post (or already posted) in one channel."""

    id: int
    story_id: str  # the story's short id
    guild_id: int
    channel_id: int
    mode: Mode
    role_ids: tuple[int, ...]
    nonce: str
    state: str  # pending | sent
    message_id: int | None
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
    edit_pending: bool


@dataclass(frozen=True, slots=True)
class FeedState:
    url: str
    etag: str | None = None
    last_modified: str | None = None
    last_checked_at: datetime | None = None
    last_success_at: datetime | None = None
    last_new_story_at: datetime | None = None
    failures: int = 0
    failing_since: datetime | None = None
    last_error: str | None = None
    next_poll_at: datetime | None = None
    announced_failure: bool = False
    body_hash: str | None = None
    baseline_story_id: int | None = None

    @property
    def baselined(self) -> bool:
        """True once a first poll has stored what the feed held (and posted none of it)."""
        return self.last_success_at is not None


@dataclass(frozen=True, slots=True)
class Digest:
    """One channel's daily, weekly or catch-up message, listing its stories oldest first."""

    id: int
    guild_id: int
    channel_id: int
    kind: str  # daily | weekly | catch_up
    period: str
    state: str  # pending | sent
    message_ids: tuple[int, ...]  # pages already sent, in order
    story_ids: tuple[str, ...]
    role_ids: tuple[int, ...]  # every role of the posts it gathers, once each
    created_at: datetime
    attempts: int = 0  # failed sends so far (it stays pending and is tried again each round)
    last_error: str | None = None
