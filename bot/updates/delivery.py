"""Delivery rules that need no Discord: idempotency keys for sends and when digests are due."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.updates.filters import Mode

NONCE_LENGTH = 25  # Discord's limit for a message nonce
SATURDAY = 5  # datetime.weekday()
# More missed posts than this for one channel (after downtime) become one catch-up digest.
CATCH_UP_THRESHOLD = 5


def post_nonce(story_rowid: int, channel_id: int) -> str:
    """The same key for the same (story, channel) every time, so a resend after a crash is
    recognised by Discord (`enforce_nonce`) instead of creating a second message."""
    return _nonce(f"post:{story_rowid}:{channel_id}")


def digest_nonce(channel_id: int, kind: str, period: str, page: int = 0) -> str:
    """One key per page of one channel's digest for one period."""
    return _nonce(f"digest:{channel_id}:{kind}:{period}:{page}")


def next_digest_at(after: datetime, mode: Mode, at: time, zone: ZoneInfo) -> datetime:
    """The first daily (or, for weekly, Saturday) digest time strictly after `after`, in UTC.

    `at` is wall-clock time in `zone`, so 08:30 stays 08:30 across summer time. On the night the
    clocks go forward a time that does not exist falls an hour later, as zoneinfo reads it.
    """
    if mode is Mode.IMMEDIATE:
        raise ValueError("immediate subscriptions have no digest")
    day = after.astimezone(zone).date()
    for offset in range(9):
        candidate_day = day + timedelta(days=offset)
        if mode is Mode.WEEKLY and candidate_day.weekday() != SATURDAY:
            continue
        candidate = datetime.combine(candidate_day, at, tzinfo=zone).astimezone(UTC)
        if candidate > after:
            return candidate
    raise AssertionError("a digest time always falls within 8 days")


def digest_period(due: datetime, zone: ZoneInfo) -> str:
    """The local date a digest is for ("2026-11-28"): its key, so it is made once per channel."""
    return due.astimezone(zone).date().isoformat()


def _nonce(key: str) -> str:
    digest = hashlib.sha256(key.encode()).digest()
    return base64.b32encode(digest).decode().lower()[:NONCE_LENGTH]
