"""The connection itself: heartbeats, resuming after a dropped connection, 429s, channel messages."""

from __future__ import annotations

import asyncio

import discord
import pytest

from bot.client import NewsBot
from tests.e2e.conftest import Seeded
from tests.e2e.fake_discord import FakeDiscord


async def test_heartbeats_are_sent_and_acknowledged(fake: FakeDiscord, bot: NewsBot) -> None:
    # discord.py beats once at HELLO, then every heartbeat_interval; the fake ACKs each.
    await fake.wait_until(lambda: fake.connections[0].heartbeats >= 1)
    await fake.wait_until(lambda: bot.latency != float("inf") or None)  # measured from the ACK


@pytest.mark.parametrize("abrupt", [True, False], ids=["dead-tcp", "close-4000"])
async def test_resumes_after_a_dropped_connection(
    fake: FakeDiscord, bot: NewsBot, seeded: Seeded, abrupt: bool
) -> None:
    before = await fake.reply(await fake.slash("news story", story=seeded.science))
    session = fake.session_id

    await fake.drop_gateway(abrupt=abrupt)
    # Sent while the bot is away: Discord keeps it and replays it after the RESUME.
    during = await fake.slash("news story", story=seeded.cycling)
    answered = await fake.reply(during)
    after = await fake.reply(await fake.slash("news story", story=seeded.science))

    assert answered["embeds"][0]["title"] == "Plans to double cycling by 2025"
    assert after["embeds"] == before["embeds"]
    assert [c.path for c in fake.connections] == ["/gateway", "/resume-gateway"]  # READY's resume_gateway_url
    assert len(fake.identify_payloads) == 1, "the bot identified again instead of resuming"
    (resume,) = fake.resume_payloads
    assert resume["session_id"] == session and resume["token"] == fake.token
    assert fake.connections[1].resumed


async def test_a_session_that_cannot_resume_identifies_afresh(
    fake: FakeDiscord, bot: NewsBot, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def no_wait(shard_id: int | None, *, initial: bool = False) -> None:
        pass

    # discord.py waits 5 s before identifying again (its documented before_identify_hook).
    monkeypatch.setattr(bot, "before_identify_hook", no_wait)
    ready_again = asyncio.ensure_future(bot.wait_for("ready"))
    fake.session_id = "expired-session"  # Discord answers the RESUME with INVALID_SESSION (d: false)
    await fake.drop_gateway()
    await asyncio.wait_for(ready_again, fake.wait_seconds)  # READY + GUILD_CREATE again
    assert len(fake.identify_payloads) == 2
    message = await fake.reply(await fake.slash("news story", story=seeded.science))
    assert message["embeds"][0]["title"] == "Jo Johnson announces £40 million for science parks"


async def test_rate_limited_callbacks_are_retried(fake: FakeDiscord, bot: NewsBot, seeded: Seeded) -> None:
    fake.rate_limit_next(2, retry_after=0.05, match=lambda method, path: path.endswith("/callback"))
    inter = await fake.slash("news story", story=seeded.science)
    message = await fake.reply(inter)
    assert message["embeds"][0]["title"] == "Jo Johnson announces £40 million for science parks"
    statuses = [r.status for r in fake.requests if r.path.startswith(f"/interactions/{inter.id}/")]
    assert statuses == [429, 429, 200]
    assert inter.latency is not None and inter.latency < 3.0


async def test_global_rate_limit_is_waited_out(fake: FakeDiscord, bot: NewsBot, seeded: Seeded) -> None:
    fake.rate_limit_next(1, retry_after=0.05, is_global=True)
    channel = bot.get_channel(int(fake.channel_id))
    assert isinstance(channel, discord.TextChannel)
    sent = await channel.send("A new story was published.")
    assert [r.status for r in fake.requests if r.path.endswith("/messages")] == [429, 200]
    assert fake.messages[str(sent.id)]["content"] == "A new story was published."


async def test_rate_limited_follow_ups_are_retried(
    fake: FakeDiscord, bot: NewsBot, seeded: Seeded, held_story: asyncio.Event
) -> None:
    release = held_story
    inter = await fake.slash("news story", story=seeded.science)
    await fake.answered(inter)
    fake.rate_limit_next(1, match=lambda method, path: path.startswith("/webhooks/"))
    release.set()
    message = await fake.reply(inter)
    assert message["embeds"][0]["title"] == "Jo Johnson announces £40 million for science parks"
    assert [r.status for r in fake.requests if r.path.startswith("/webhooks/")] == [429, 200]


async def test_channel_messages_mention_nobody_and_nonces_are_enforced(
    fake: FakeDiscord, bot: NewsBot
) -> None:
    # What the poster relies on: a retried send with the same nonce returns the first message.
    channel = bot.get_channel(int(fake.channel_id))
    assert isinstance(channel, discord.TextChannel)
    first = await channel.send("@everyone story 1", nonce=12345)
    again = await channel.send("@everyone story 1", nonce=12345)
    assert first.id == again.id
    assert [m["content"] for m in fake.messages.values()] == ["@everyone story 1"]
    (body,) = {str(r.body) for r in fake.requests if r.method == "POST" and r.path.endswith("/messages")}
    assert "'enforce_nonce': True" in body and "'allowed_mentions': {'parse': []}" in body
    edited = await first.edit(content="story 1, edited")
    assert edited.content == "story 1, edited"
    fetched = await channel.fetch_message(first.id)
    assert fetched.content == "story 1, edited"
