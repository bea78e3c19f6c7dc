"""Settings, read from the environment and `.env` (python-dotenv) in one place."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.errors import ConfigError

DEFAULT_DB_PATH = Path("data/newsbot.db")
DEFAULT_CONTENT_API_BASE = "https://www.gov.uk"
# GOV.UK's news-and-communications feed, restricted to news stories and press releases.
DEFAULT_FEEDS = (
    "https://www.gov.uk/search/news-and-communications.atom"
    "?content_store_document_type[]=news_story&content_store_document_type[]=press_release",
)
DEFAULT_DIGEST_TIME = time(8, 30)
DEFAULT_TIMEZONE = "Europe/London"
_CLOCK_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class Settings:
    discord_token: str | None = field(default=None, repr=False)  # never printed or logged
    db_path: Path = DEFAULT_DB_PATH
    log_level: str = "INFO"
    dev_guild_id: int | None = None
    discord_api_base: str | None = None
    content_api_base: str = DEFAULT_CONTENT_API_BASE
    poll_minutes: float = 10.0
    feeds: tuple[str, ...] = DEFAULT_FEEDS
    digest_time: time = DEFAULT_DIGEST_TIME
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_TIMEZONE))

    @classmethod
    def from_env(cls, env_file: str | Path | None = ".env") -> Settings:
        """Read settings; values already in the environment win over `.env`."""
        if env_file is not None:
            from dotenv import load_dotenv

            load_dotenv(env_file, override=False)
        env = os.environ
        return cls(
            discord_token=env.get("DISCORD_TOKEN") or None,
            db_path=Path(env.get("NEWSBOT_DB_PATH") or DEFAULT_DB_PATH),
            log_level=(env.get("NEWSBOT_LOG_LEVEL") or "INFO").upper(),
            dev_guild_id=_int_or_none("NEWSBOT_DEV_GUILD_ID", env.get("NEWSBOT_DEV_GUILD_ID")),
            discord_api_base=(env.get("NEWSBOT_DISCORD_API_BASE") or "").rstrip("/") or None,
            content_api_base=(env.get("NEWSBOT_CONTENT_API_BASE") or DEFAULT_CONTENT_API_BASE).rstrip("/"),
            poll_minutes=_float("NEWSBOT_POLL_MINUTES", env.get("NEWSBOT_POLL_MINUTES"), 10.0),
            feeds=_feeds(env.get("NEWSBOT_FEEDS")),
            digest_time=_clock_time("NEWSBOT_DIGEST_TIME", env.get("NEWSBOT_DIGEST_TIME")),
            timezone=_timezone(env.get("NEWSBOT_TIMEZONE")),
        )


def _int_or_none(name: str, raw: str | None) -> int | None:
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number (a Discord id), not {raw!r}.") from None


def _float(name: str, raw: str | None, default: float) -> float:
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {raw!r}.") from None
    if value <= 0:
        raise ConfigError(f"{name} must be above zero, not {raw!r}.")
    return value


def _feeds(raw: str | None) -> tuple[str, ...]:
    """Comma-separated http(s) feed URLs; unset or empty means the GOV.UK default."""
    urls = tuple(dict.fromkeys(url.strip() for url in (raw or "").split(",") if url.strip()))
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"NEWSBOT_FEEDS must be comma-separated http(s) URLs; {url!r} is not one.")
    return urls or DEFAULT_FEEDS


def _clock_time(name: str, raw: str | None) -> time:
    if not raw or not raw.strip():
        return DEFAULT_DIGEST_TIME
    match = _CLOCK_TIME.match(raw.strip())
    if match is None:
        raise ConfigError(f"{name} must be a 24-hour time like 08:30, not {raw!r}.")
    return time(int(match.group(1)), int(match.group(2)))


def _timezone(raw: str | None) -> ZoneInfo:
    name = (raw or "").strip() or DEFAULT_TIMEZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"NEWSBOT_TIMEZONE must be an IANA time zone such as Europe/London, not {raw!r}."
        ) from None
