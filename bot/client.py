"""NewsBot: the one module that wires Discord to the core.

Everything Discord-specific that is not a command lives here: intents, allowed mentions, loading the
cogs, syncing the command tree only when it changed, the REST base override, logging set-up and the
invite URL. The core (`bot/`) stays importable without discord; cogs turn its answers into replies.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import aiohttp
import discord
from discord.ext import commands

from bot.commands import NewsCommands
from bot.config import Settings
from bot.errors import ConfigError, NewsBotError
from bot.extract import reextract_stored
from bot.fetch import Fetcher
from bot.ingest import IngestionService
from bot.storage import Store, open_store
from bot.updates.clock import Clock, SystemClock
from bot.updates.commands import UpdatesCommands
from bot.updates.poller import FeedPoller
from bot.updates_store import UpdatesStore
from cogs._common import NewsTree

log = logging.getLogger(__name__)

# newsbot never joins voice: don't warn at every start that the voice libraries are missing.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False

EXTENSIONS: tuple[str, ...] = ("cogs.news", "cogs.updates", "cogs.poster")
# How often the poster polls the feeds that are due and sends the outbox: a cheap query when idle.
POSTER_SECONDS = 5.0

# Only what the bot does in a channel: see it, post, post in threads, and show embeds. Interaction
# replies need no permissions at all (they go through the interaction's webhook); these are for
# the channel updates the poster sends. No Read Message History: it never reads or fetches messages.
INVITE_PERMISSIONS = discord.Permissions(
    view_channel=True, send_messages=True, send_messages_in_threads=True, embed_links=True
)
INVITE_SCOPES = ("bot", "applications.commands")
TREE_HASH_KEY = "command_tree_hash"
# discord.py declares ready only after this long with no further GUILD_CREATE (default 2 s). A bot
# in a handful of servers gets them all within milliseconds of READY, and a late one is still
# handled (as guild_available); commands are answered before ready anyway.
GUILD_READY_TIMEOUT = 0.5
TOKEN_REFUSED = (
    "Discord refused DISCORD_TOKEN. Reset the token on the application's Bot page and update .env."
)


def bot_intents() -> discord.Intents:
    """Guilds only: slash commands arrive whatever the intents, and the guild and channel cache
    lets the poster find its channels. No message, member, presence or typing events: the bot reads
    no messages, and privileged intents would need approval once it is in 100 servers."""
    return discord.Intents(guilds=True)


def apply_api_base(settings: Settings) -> None:
    """NEWSBOT_DISCORD_API_BASE, for a shared rate-limit proxy (nirn-proxy, twilight-http-proxy):
    REST only, the gateway URL still comes from Discord. Unset: discord.py's URLs are left alone."""
    if settings.discord_api_base:
        discord.http.Route.BASE = settings.discord_api_base
        log.info("REST API base set to %s", settings.discord_api_base)


class NewsBot(commands.Bot):
    """The bot `python run.py` starts. Dependencies are built outside and passed in."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        *,
        force_sync: bool = False,
        view_timeout: float = 180.0,
        poller: FeedPoller | None = None,
        clock: Clock | None = None,
        poster_seconds: float | None = POSTER_SECONDS,
        **options: Any,
    ) -> None:
        options.setdefault("guild_ready_timeout", GUILD_READY_TIMEOUT)
        super().__init__(
            command_prefix=commands.when_mentioned,  # no prefix commands; when_mentioned needs no intent
            help_command=None,
            tree_cls=NewsTree,
            intents=bot_intents(),
            allowed_mentions=discord.AllowedMentions.none(),  # story text can contain @everyone
            **options,
        )
        self.settings = settings
        self.store = store
        self.news = NewsCommands(store)  # Bot.commands is taken (prefix commands)
        self.force_sync = force_sync
        self.view_timeout = view_timeout  # seconds before pagination buttons go (tests shorten it)
        self.clock = clock or SystemClock()
        self.updates = UpdatesStore(store, self.clock)
        self.updates_commands = UpdatesCommands(self.updates, self.news)
        self.poller = poller  # None: no feeds are polled (the outbox is still sent)
        self.poster_seconds = poster_seconds  # None: the poster runs only when called (tests)
        apply_api_base(settings)

    async def setup_hook(self) -> None:
        """Runs once after login, before the gateway connects: never wait for ready here."""
        for name in EXTENSIONS:
            await self.load_extension(name)  # a broken cog stops startup loudly
        await self.sync_commands(force=self.force_sync)

    def tree_hash(self, guild: discord.abc.Snowflake | None = None) -> str:
        """A hash of exactly what a sync would send for `guild` (None: the global commands)."""
        payload = [command.to_dict(self.tree) for command in self.tree.get_commands(guild=guild)]
        encoded = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(encoded.encode()).hexdigest()

    def tree_hash_key(self, guild_id: int | None) -> str:
        # Keyed by application (and guild) so a database reused with another application still syncs.
        key = f"{TREE_HASH_KEY}:{self.application_id}"
        return key if guild_id is None else f"{key}:guild:{guild_id}"

    async def sync_commands(self, *, force: bool = False) -> bool:
        """Sync the command tree when it differs from the last one synced; True when it synced.

        With NEWSBOT_DEV_GUILD_ID the global commands are copied to that guild and synced there,
        where changes show at once (global ones can take a while to reach every client).
        """
        guild_id = self.settings.dev_guild_id
        guild = discord.Object(id=guild_id) if guild_id is not None else None
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        key = self.tree_hash_key(guild_id)
        digest = self.tree_hash(guild)
        if not force and await self.store.get_state(key) == digest:
            log.info(
                "command tree unchanged since the last sync (application=%s guild=%s)",
                self.application_id,
                guild_id,
            )
            return False
        try:
            synced = await self.tree.sync(guild=guild)
        except discord.HTTPException as exc:
            if force:
                raise
            # The bot still answers the commands Discord already knows; the next start retries.
            log.error("command sync failed (guild=%s): %s; run `python run.py sync` to retry", guild_id, exc)
            return False
        await self.store.set_state(key, digest)
        log.info("synced %d commands (application=%s guild=%s)", len(synced), self.application_id, guild_id)
        return True

    async def on_ready(self) -> None:
        assert self.user is not None
        log.info("ready as %s (id=%s) in %d guilds", self.user, self.user.id, len(self.guilds))


# --- what run.py runs (bot/cli_bot.py calls these so that it needs no discord import) ------------


async def serve(settings: Settings) -> None:
    """Open the store and run the bot until it is stopped."""
    token = _token(settings)
    settings.db_path.parent.mkdir(parents=True, exist_ok=True)
    async with open_store(settings.db_path) as store, Fetcher() as fetcher:
        clock = SystemClock()
        ingest = IngestionService(store, fetcher, settings.content_api_base)
        poller = FeedPoller(
            settings.feeds, fetcher, ingest, UpdatesStore(store, clock), clock, settings.poll_minutes
        )
        await _run(settings, token, NewsBot(settings, store, poller=poller, clock=clock))


async def _run(settings: Settings, token: str, bot: NewsBot) -> None:
    async with bot:
        # Stories extracted by an older extractor version are brought up to date in the background:
        # at 100,000 stories that takes minutes, and the bot should answer meanwhile.
        refresh = asyncio.create_task(reextract_stored(bot.store), name="newsbot-reextract")
        try:
            with _discord_errors(settings):
                await bot.start(token)
        finally:
            refresh.cancel()


async def sync_now(settings: Settings) -> None:
    """Log in over REST (no gateway), load the cogs and sync whatever the stored hash says."""
    token = _token(settings)
    settings.db_path.parent.mkdir(parents=True, exist_ok=True)
    async with open_store(settings.db_path) as store, NewsBot(settings, store, force_sync=True) as bot:
        with _discord_errors(settings):
            await bot.login(token)  # setup_hook loads the cogs and syncs


async def fetch_application_id(settings: Settings) -> int:
    """Ask Discord which application the token belongs to (REST only, no gateway)."""
    token = _token(settings)
    apply_api_base(settings)
    client = discord.Client(intents=bot_intents())
    async with client:
        with _discord_errors(settings):
            await client.login(token)
        assert client.application_id is not None
        return client.application_id


@contextmanager
def _discord_errors(settings: Settings) -> Iterator[None]:
    """Discord's refusals and network failures as errors whose message a person can act on."""
    try:
        yield
    except discord.LoginFailure:
        raise ConfigError(TOKEN_REFUSED) from None
    except discord.HTTPException as exc:
        raise NewsBotError(f"Discord answered with an error: {exc}") from None
    except (aiohttp.ClientError, OSError) as exc:
        where = settings.discord_api_base or "discord.com"
        raise NewsBotError(
            f"Could not reach Discord at {where}: {exc}. Check the network and try again."
        ) from None


def invite_url(client_id: int) -> str:
    return discord.utils.oauth_url(client_id, permissions=INVITE_PERMISSIONS, scopes=INVITE_SCOPES)


def _token(settings: Settings) -> str:
    if not settings.discord_token:
        raise ConfigError("DISCORD_TOKEN is not set.")
    return settings.discord_token


class RedactSecrets(logging.Filter):
    """Replaces the token wherever it might appear in a record, exception text included."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        exc_text = record.exc_text or ""
        if any(s in message or s in exc_text for s in self.secrets):
            for secret in self.secrets:
                message = message.replace(secret, "[token]")
                exc_text = exc_text.replace(secret, "[token]")
            record.msg, record.args = message, None
            record.exc_text = exc_text or None
        return True


def configure_logging(level: str, secrets: list[str | None] | None = None) -> None:
    """discord.py's usual stderr format for every logger; discord.http quietened; secrets redacted."""
    numeric = logging.getLevelNamesMapping().get(level.upper(), logging.INFO)
    discord.utils.setup_logging(level=numeric, root=True)
    logging.getLogger("discord.http").setLevel(logging.WARNING)
    redact_logs(secrets)


def redact_logs(secrets: list[str | None] | None) -> None:
    """Make every handler on the root logger (as configured by whoever set logging up) redact secrets."""
    redactor = RedactSecrets([s for s in secrets or [] if s])
    for handler in logging.getLogger().handlers:
        handler.addFilter(redactor)
