"""Settings, read from the environment and `.env` (python-dotenv) in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bot.errors import ConfigError

DEFAULT_DB_PATH = Path("data/newsbot.db")
DEFAULT_CONTENT_API_BASE = "https://www.gov.uk"


@dataclass(frozen=True)
class Settings:
    discord_token: str | None = None
    db_path: Path = DEFAULT_DB_PATH
    log_level: str = "INFO"
    dev_guild_id: int | None = None
    discord_api_base: str | None = None
    content_api_base: str = DEFAULT_CONTENT_API_BASE
    poll_minutes: float = 10.0

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
