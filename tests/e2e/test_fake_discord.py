"""The fake's own checks: it must refuse what Discord refuses, or the limit tests prove nothing."""

from __future__ import annotations

import discord
import pytest

from bot.client import NewsBot
from tests.e2e.fake_discord import FakeDiscord, choice_problems, message_problems


def test_embed_limits_are_enforced() -> None:
    assert message_problems({"embeds": [{"title": "t" * 256, "description": "d" * 4096}]}) == []
    assert message_problems({"embeds": [{"title": "t" * 257}]})
    assert message_problems({"embeds": [{"description": "d" * 4097}]})
    assert message_problems({"embeds": [{"fields": [{"name": "n", "value": "v"}] * 26}]})
    assert message_problems({"embeds": [{"fields": [{"name": "n", "value": "v" * 1025}]}]})
    assert message_problems({"embeds": [{"fields": [{"name": "n", "value": ""}]}]})
    assert message_problems({"embeds": [{"description": "d" * 4000}, {"description": "d" * 2001}]})
    assert message_problems({"embeds": [{"description": "😀" * 2049}]}), "emoji count as two UTF-16 units"
    assert message_problems({"content": "c" * 2001})
    assert message_problems({"embeds": [{"url": "javascript:alert(1)"}]})


def test_component_and_choice_limits_are_enforced() -> None:
    button = {"type": 2, "style": 1, "label": "Next", "custom_id": "a"}
    assert message_problems({"components": [{"type": 1, "components": [button]}]}) == []
    assert message_problems({"components": [{"type": 1, "components": [button, button]}]})  # duplicate ids
    assert message_problems({"components": [{"type": 1, "components": [{**button, "label": "x" * 81}]}]})
    assert choice_problems([{"name": "a", "value": "b"}] * 25) == []
    assert choice_problems([{"name": "a", "value": "b"}] * 26)
    assert choice_problems([{"name": "a" * 101, "value": "b"}])
    assert choice_problems([{"name": "a", "value": "b" * 101}])


async def test_an_oversized_message_gets_a_400_and_is_recorded(fake: FakeDiscord, bot: NewsBot) -> None:
    channel = bot.get_channel(int(fake.channel_id))
    assert isinstance(channel, discord.TextChannel)
    with pytest.raises(discord.HTTPException) as raised:
        await channel.send(embed=discord.Embed(title="t" * 300))
    assert raised.value.status == 400 and raised.value.code == 50035
    assert fake.invalid == ["embeds[0].title is 300 characters (max 256)"]
    fake.invalid.clear()  # deliberate here; the fixture fails any other test that sends one
