"""/updates subscribe, unsubscribe, list, pause, resume and status through real discord.py and the
fake Discord: moderators only, the bot's own channel permissions, one server never sees another's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from bot.client import NewsBot
from bot.presenting import OGL_ATTRIBUTION
from tests.e2e.conftest import Seeded, StartBot
from tests.e2e.fake_discord import (
    EMBED_LINKS,
    EPHEMERAL,
    MODERATOR_PERMISSIONS,
    SEND_MESSAGES,
    FakeDiscord,
    embed_texts,
)

MOD = {"permissions": MODERATOR_PERMISSIONS}


@dataclass(frozen=True)
class Servers:
    """The fake's first guild plus a second one, with channels the bot may or may not post in."""

    locked: str  # first guild: the bot may not embed links here
    mute: str  # first guild: the bot may neither send nor embed here
    role: str  # first guild: a role to ping
    other_guild: str
    other_channel: str
    announcements: str  # first guild: an announcement channel


@pytest.fixture
def servers(fake: FakeDiscord) -> Servers:
    locked = fake.add_channel("locked", deny=EMBED_LINKS)
    mute = fake.add_channel("mute", deny=SEND_MESSAGES | EMBED_LINKS)
    role = fake.add_role("news-watchers")
    other_guild, other_channel = fake.add_guild("Other Server")
    announcements = fake.add_channel("announcements", kind=5)
    return Servers(locked, mute, role, other_guild, other_channel, announcements)


@pytest.fixture
async def updates_bot(start_bot: StartBot, seeded: Seeded, servers: Servers) -> NewsBot:
    return await start_bot()


async def private_reply(fake: FakeDiscord, command: str, **options: Any) -> dict[str, Any]:
    message = await fake.reply(await fake.slash(command, **options))
    assert message["flags"] & EPHEMERAL, message
    assert message["allowed_mentions"] == {"parse": []}
    return message


async def test_subscribe_saves_and_shows_the_backtest(
    fake: FakeDiscord, updates_bot: NewsBot, servers: Servers
) -> None:
    message = await private_reply(
        fake,
        "updates subscribe",
        **MOD,
        channel=fake.channel_id,
        keywords="cycling -tram",
        role=servers.role,
    )
    (embed,) = message["embeds"]
    assert embed["title"] == "Channel subscribed"
    assert f"<#{fake.channel_id}>" in embed["description"]
    assert "keywords: cycling -tram" in embed["description"]
    assert f"<@&{servers.role}>" in embed["description"]
    assert embed["footer"]["text"] == OGL_ATTRIBUTION
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Backtest"].startswith("These filters match **1** of the last 16 stored stories")
    assert "Plans to double cycling by 2025" in fields
    assert (
        "https://www.gov.uk/government/news/plans-to-double-cycling"
        in fields["Plans to double cycling by 2025"]
    )

    [saved] = await updates_bot.updates.list_subscriptions(int(fake.guild_id))
    assert saved.channel_id == int(fake.channel_id)
    assert saved.role_id == int(servers.role)
    assert saved.created_by == int(fake.user_a["id"])


async def test_subscribe_with_every_filter(fake: FakeDiscord, updates_bot: NewsBot) -> None:
    message = await private_reply(
        fake,
        "updates subscribe",
        **MOD,
        channel=fake.other_channel_id,
        organisation="department-for-transport",
        types="news story, press releases",
        min_funding="£100m",
        mode="daily",
    )
    text = embed_texts(message)
    assert "a daily digest" in text
    assert "funding from £100 million" in text
    assert "These filters match **1** of the last 16" in text  # the cycling story's £300 million


async def test_subscribe_needs_manage_server(fake: FakeDiscord, updates_bot: NewsBot) -> None:
    message = await fake.reply(await fake.slash("updates subscribe", channel=fake.channel_id))
    assert message["flags"] & EPHEMERAL
    assert message["content"] == "You need the Manage Server permission for that."
    assert await updates_bot.updates.list_subscriptions(int(fake.guild_id)) == []
    for command in ("updates list", "updates status"):
        message = await fake.reply(await fake.slash(command))
        assert message["content"] == "You need the Manage Server permission for that."


async def test_the_commands_ask_discord_for_manage_server(fake: FakeDiscord, updates_bot: NewsBot) -> None:
    [updates] = [c for c in fake.synced[None] if c["name"] == "updates"]
    assert int(updates["default_member_permissions"]) == 1 << 5
    assert updates["dm_permission"] is False


async def test_subscribe_refuses_a_channel_the_bot_cannot_post_in(
    fake: FakeDiscord, updates_bot: NewsBot, servers: Servers
) -> None:
    message = await private_reply(fake, "updates subscribe", **MOD, channel=servers.locked)
    assert "Embed Links permission" in message["content"]
    assert "Send Messages" not in message["content"]
    message = await private_reply(fake, "updates subscribe", **MOD, channel=servers.mute)
    assert "Send Messages, Embed Links permissions" in message["content"]
    assert await updates_bot.updates.list_subscriptions(int(fake.guild_id)) == []


async def test_subscribe_reports_bad_filters(fake: FakeDiscord, updates_bot: NewsBot) -> None:
    message = await private_reply(
        fake, "updates subscribe", **MOD, channel=fake.channel_id, min_funding="lots"
    )
    assert "min\\_funding must be an amount" in message["content"]
    message = await private_reply(fake, "updates subscribe", **MOD, channel=fake.channel_id, types="speech")
    assert "is not a story type" in message["content"]
    assert await updates_bot.updates.list_subscriptions(int(fake.guild_id)) == []


async def test_the_same_subscription_twice_is_refused(fake: FakeDiscord, updates_bot: NewsBot) -> None:
    await private_reply(fake, "updates subscribe", **MOD, channel=fake.channel_id, keywords="rail")
    message = await private_reply(fake, "updates subscribe", **MOD, channel=fake.channel_id, keywords="RAIL")
    assert "already has that subscription" in message["content"]


async def test_list_unsubscribe_pause_and_resume(fake: FakeDiscord, updates_bot: NewsBot) -> None:
    message = await private_reply(fake, "updates list", **MOD)
    assert "no subscriptions yet" in message["content"]
    await private_reply(fake, "updates subscribe", **MOD, channel=fake.channel_id, keywords="rail")
    await private_reply(fake, "updates subscribe", **MOD, channel=fake.channel_id, keywords="cycling")
    await private_reply(fake, "updates subscribe", **MOD, channel=fake.other_channel_id, mode="weekly")

    message = await private_reply(fake, "updates list", **MOD)
    fields = {f["name"]: f["value"] for f in message["embeds"][0]["fields"]}
    assert list(fields) == ["Subscription 1", "Subscription 2", "Subscription 3"]
    assert f"Channel: <#{fake.channel_id}>" in fields["Subscription 1"]
    assert "Filters: keywords: rail" in fields["Subscription 1"]
    assert "Mode: weekly" in fields["Subscription 3"] and "Filters: every story" in fields["Subscription 3"]
    assert all("Health: active" in value and "Last post: none yet" in value for value in fields.values())

    message = await private_reply(fake, "updates pause", **MOD, channel=fake.channel_id)
    assert message["content"].startswith("Paused 2 subscriptions")
    message = await private_reply(fake, "updates pause", **MOD, channel=fake.channel_id)
    assert "no active subscriptions" in message["content"]
    fields = {
        f["name"]: f["value"]
        for f in (await private_reply(fake, "updates list", **MOD))["embeds"][0]["fields"]
    }
    assert "Health: paused" in fields["Subscription 1"] and "Health: active" in fields["Subscription 3"]
    message = await private_reply(fake, "updates resume", **MOD, channel=fake.channel_id)
    assert message["content"].startswith("Resumed 2 subscriptions")

    message = await private_reply(fake, "updates unsubscribe", **MOD, channel=fake.channel_id, subscription=2)
    assert message["content"] == f"Removed 1 subscription from <#{fake.channel_id}>."
    message = await private_reply(fake, "updates unsubscribe", **MOD, channel=fake.channel_id, subscription=2)
    assert "has no subscription 2" in message["content"]
    message = await private_reply(fake, "updates unsubscribe", **MOD, channel=fake.other_channel_id)
    assert message["content"] == f"Removed 1 subscription from <#{fake.other_channel_id}>."
    remaining = await updates_bot.updates.list_subscriptions(int(fake.guild_id))
    assert [s.id for s in remaining] == [1]


async def test_servers_never_see_each_others_subscriptions(
    fake: FakeDiscord, updates_bot: NewsBot, servers: Servers
) -> None:
    await private_reply(fake, "updates subscribe", **MOD, channel=fake.channel_id, keywords="rail")
    other = {"guild": servers.other_guild, **MOD}
    message = await private_reply(fake, "updates list", **other)
    assert "no subscriptions yet" in message["content"]
    # Subscription 1 belongs to the first server: typing its id elsewhere changes nothing.
    message = await private_reply(
        fake, "updates unsubscribe", **other, channel=servers.other_channel, subscription=1
    )
    assert "has no subscription 1" in message["content"]
    message = await private_reply(fake, "updates pause", **other, channel=servers.other_channel)
    assert "no active subscriptions" in message["content"]

    message = await private_reply(fake, "updates subscribe", **other, channel=servers.other_channel)
    assert "Subscription **2** is saved" in message["embeds"][0]["description"]
    listed = await private_reply(fake, "updates list", **other)
    assert [f["name"] for f in listed["embeds"][0]["fields"]] == ["Subscription 2"]
    listed = await private_reply(fake, "updates list", **MOD)
    assert [f["name"] for f in listed["embeds"][0]["fields"]] == ["Subscription 1"]
    [first] = await updates_bot.updates.list_subscriptions(int(fake.guild_id))
    assert not first.paused


async def test_status_before_and_after_a_feed_is_known(fake: FakeDiscord, updates_bot: NewsBot) -> None:
    message = await private_reply(fake, "updates status", **MOD)
    assert "No feed has been checked yet" in message["content"]
    await updates_bot.updates.ensure_feeds(["http://127.0.0.1:9/feed.atom"], updates_bot.clock.now())
    message = await private_reply(fake, "updates status", **MOD)
    (field,) = message["embeds"][0]["fields"]
    assert field["name"] == "http://127.0.0.1:9/feed.atom"
    assert "Last check: not yet" in field["value"]


async def test_organisation_autocomplete(fake: FakeDiscord, updates_bot: NewsBot) -> None:
    inter = await fake.autocomplete("updates subscribe", "organisation", organisation="transp", **MOD)
    choices = await fake.choices(inter)
    assert {"name": "Department for Transport", "value": "department-for-transport"} in choices


async def test_subscribe_an_announcement_channel_but_not_with_everyone(
    fake: FakeDiscord, updates_bot: NewsBot, servers: Servers
) -> None:
    message = await private_reply(fake, "updates subscribe", **MOD, channel=servers.announcements)
    assert "is saved" in message["embeds"][0]["description"]
    message = await private_reply(
        fake, "updates subscribe", **MOD, channel=fake.channel_id, role=fake.guild_id
    )
    assert "other than @\u200beveryone" in message["content"]  # escaped: it can never ping


async def test_updates_in_direct_messages(fake: FakeDiscord, updates_bot: NewsBot) -> None:
    message = await fake.reply(await fake.slash("updates list", dm=True, **MOD))
    assert message["flags"] & EPHEMERAL
    assert message["content"] == "That command only works in a server, not in direct messages."
