"""Time as the updates feature sees it: injectable, so tests advance a fake clock instead of sleeping."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def iso(value: datetime | None) -> str | None:
    """UTC ISO-8601 text, fixed width to the millisecond (poll times can be seconds apart)."""
    return value.astimezone(UTC).isoformat(timespec="milliseconds") if value is not None else None


def parse_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
