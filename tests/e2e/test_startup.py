"""Starting the real bot: login, intents, command sync only when the tree changed, REST base, logs."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging

import discord
import pytest
import yarl

from bot.client import NewsBot, RedactSecrets, bot_intents, serve
from bot.config import Settings
from bot.errors import ConfigError
from bot.storage import Store
from tests.e2e.conftest import Seeded, StartBot
from tests.e2e.fake_discord import PRIVILEGED_INTENTS, FakeDiscord, Interaction


async def test_identifies_with_the_guilds_intent_only(fake: FakeDiscord, start_bot: StartBot) -> None:
    bot = await start_bot()
    (identify,) = fake.identify_payloads
    assert identify["intents"] == discord.Intents(guilds=True).value
    assert identify["intents"] & PRIVILEGED_INTENTS == 0
    assert bot.intents.value == bot_intents().value
    assert bot.allowed_mentions is not None and bot.allowed_mentions.to_dict() == {"parse": []}
    # GUILD_CREATE arrived and was cached, so channel look-ups work without any REST call.
    assert bot.get_channel(int(fake.channel_id)) is not None


async def test_first_start_syncs_and_the_next_does_not(fake: FakeDiscord, start_bot: StartBot) -> None:
    first = await start_bot()
    assert fake.sync_count == 1
    assert [c["name"] for c in fake.synced[None]] == ["news", "updates"]
    await first.close()

    await start_bot()
    assert fake.sync_count == 1, "an unchanged tree was synced again"


async def test_a_changed_tree_is_synced_again(fake: FakeDiscord, start_bot: StartBot, store: Store) -> None:
    first = await start_bot()
    key, digest = first.tree_hash_key(None), first.tree_hash()
    await first.close()
    await store.set_state(key, "the hash of an older tree")

    await start_bot()
    assert fake.sync_count == 2
    assert await store.get_state(key) == digest


async def test_another_application_on_the_same_database_syncs(fake: FakeDiscord, start_bot: StartBot) -> None:
    first = await start_bot()
    await first.close()
    fake.app_id = fake.ids()  # the same database, now used with a different application's token
    fake.bot_user = fake.user(fake.app_id, "otherbot", bot=True)

    second = await start_bot()
    assert second.application_id == int(fake.app_id)
    assert fake.sync_count == 2


async def test_dev_guild_sync_goes_to_the_guild_only(
    fake: FakeDiscord, start_bot: StartBot, settings: Settings, store: Store
) -> None:
    dev = Settings(**{**settings.__dict__, "dev_guild_id": int(fake.guild_id)})
    bot = await start_bot(settings=dev)
    assert None not in fake.synced, "a dev-guild start must not touch the global commands"
    assert [c["name"] for c in fake.synced[fake.guild_id]] == ["news", "updates"]
    assert await store.get_state(f"command_tree_hash:{fake.app_id}:guild:{fake.guild_id}") == bot.tree_hash(
        discord.Object(int(fake.guild_id))
    )
    assert await store.get_state(f"command_tree_hash:{fake.app_id}") is None


async def test_a_refused_sync_does_not_stop_the_bot(
    fake: FakeDiscord,
    start_bot: StartBot,
    settings: Settings,
    store: Store,
    seeded: Seeded,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A dev guild the bot was invited to without the applications.commands scope.
    fake.sync_error = (403, {"message": "Missing Access", "code": 50001})
    dev = Settings(**{**settings.__dict__, "dev_guild_id": int(fake.guild_id)})
    await start_bot(settings=dev)
    assert any("command sync failed" in r.getMessage() and r.levelno == logging.ERROR for r in caplog.records)
    assert await store.get_state(f"command_tree_hash:{fake.app_id}:guild:{fake.guild_id}") is None
    # Commands Discord already knows (from an earlier sync) still work: they are resolved by name.
    message = await fake.reply(await _slash_without_sync(fake, seeded))
    assert message["embeds"][0]["title"] == "Plans to double cycling by 2025"


async def _slash_without_sync(fake: FakeDiscord, seeded: Seeded) -> Interaction:
    data = {
        "id": fake.ids(),
        "name": "news",
        "type": 1,
        "options": [
            {"type": 1, "name": "story", "options": [{"type": 3, "name": "story", "value": seeded.cycling}]}
        ],
    }
    return await fake.send_interaction(fake.interaction_payload(2, data, None))


async def test_api_base_setting_routes_rest_only(
    fake: FakeDiscord, start_bot: StartBot, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Nothing listens on port 9: the bot reaches the fake's REST API only through the setting.
    monkeypatch.setattr(discord.http.Route, "BASE", "http://127.0.0.1:9/api/v10")
    proxied = Settings(**{**settings.__dict__, "discord_api_base": fake.api_base})
    bot = await start_bot(settings=proxied)
    route_base = discord.http.Route.BASE
    assert route_base == fake.api_base
    assert bot.is_ready()
    assert fake.connections[0].path == "/gateway"  # the gateway URL is not derived from it


async def test_api_base_unset_leaves_discord_urls_alone(settings: Settings, store: Store) -> None:
    before = discord.http.Route.BASE
    NewsBot(settings, store)
    after = discord.http.Route.BASE
    assert after == before


async def test_the_token_is_never_logged(
    fake: FakeDiscord, start_bot: StartBot, seeded: Seeded, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await start_bot()
    inter = await fake.slash("news latest")
    await fake.reply(inter)
    await fake.drop_gateway()
    inter = await fake.slash("news story", story=seeded.science)
    await fake.reply(inter)
    formatted = "\n".join(logging.Formatter().format(r) for r in caplog.records)
    assert len(caplog.records) > 20  # debug logging really was on
    assert fake.token not in formatted


async def test_serve_runs_the_bot_python_run_py_starts(
    fake: FakeDiscord, settings: Settings, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    # bot.client.serve is what `python run.py` runs: it opens the store itself and starts NewsBot.
    monkeypatch.setattr(discord.http.Route, "BASE", fake.api_base)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url))
    running = asyncio.create_task(serve(settings))
    try:
        await fake.wait_until(lambda: fake.live_connection)
        message = await fake.reply(await fake.slash("news story", story=seeded.cycling))
        assert message["embeds"][0]["title"] == "Plans to double cycling by 2025"
    finally:
        running.cancel()  # Ctrl-C: asyncio.run cancels the task; serve closes the bot and the store
        with contextlib.suppress(asyncio.CancelledError):
            await running
    await fake.wait_until(lambda: fake.connections[0].ws.closed)


def test_log_records_never_show_the_token() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactSecrets(["secret-token-value"]))
    logger = logging.getLogger("tests.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("request with %s failed", "Bot secret-token-value")
        try:
            raise RuntimeError("header was Bot secret-token-value")
        except RuntimeError:
            logger.exception("boom")
    finally:
        logger.removeHandler(handler)
    assert "secret-token-value" not in stream.getvalue()
    assert (
        "Bot [token] failed" in stream.getvalue()
        and "RuntimeError: header was Bot [token]" in stream.getvalue()
    )


async def test_serve_with_a_refused_token_says_so(
    fake: FakeDiscord, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(discord.http.Route, "BASE", fake.api_base)
    wrong = Settings(**{**settings.__dict__, "discord_token": "not.the.token"})
    with pytest.raises(ConfigError, match="Discord refused DISCORD_TOKEN"):
        await serve(wrong)
    assert not fake.connections
