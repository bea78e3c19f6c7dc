"""Autocomplete for the story, speaker and organisation options: word prefixes, at most 25 choices."""

from __future__ import annotations

import asyncio

import pytest

from bot.client import NewsBot
from bot.commands import NewsCommands
from tests.e2e.conftest import Seeded
from tests.e2e.fake_discord import AUTOCOMPLETE_RESULT, FakeDiscord


@pytest.mark.parametrize("command", ["news story", "news summary", "news quotes", "news funding"])
async def test_story_choices_match_word_prefixes(
    fake: FakeDiscord, bot: NewsBot, seeded: Seeded, command: str
) -> None:
    choices = await fake.choices(await fake.autocomplete(command, "story", story="Johns"))
    assert choices == [
        {"name": "Jo Johnson announces £40 million for science parks", "value": seeded.science}
    ]


async def test_story_choice_value_is_the_id_the_command_accepts(
    fake: FakeDiscord, bot: NewsBot, seeded: Seeded
) -> None:
    (choice,) = await fake.choices(await fake.autocomplete("news summary", "story", story="double cyc"))
    message = await fake.reply(await fake.slash("news summary", story=choice["value"]))
    assert message["embeds"][0]["title"] == "Plans to double cycling by 2025"


async def test_other_options_are_sent_along(fake: FakeDiscord, bot: NewsBot, seeded: Seeded) -> None:
    # Discord sends the options typed so far with the focused one; only the focused one matters.
    inter = await fake.autocomplete("news summary", "story", story="plans", sentences=3)
    assert [c["value"] for c in await fake.choices(inter)] == [seeded.cycling]


async def test_at_most_25_choices(fake: FakeDiscord, bot: NewsBot, seeded: Seeded) -> None:
    choices = await fake.choices(await fake.autocomplete("news story", "story", story=""))
    assert 0 < len(choices) <= 25
    choices = await fake.choices(await fake.autocomplete("news story", "story", story="rail"))
    assert len(choices) == 12 and all(c["name"].startswith("Rail update") for c in choices)


async def test_long_titles_are_shortened_in_choices(fake: FakeDiscord, bot: NewsBot, seeded: Seeded) -> None:
    (choice,) = await fake.choices(
        await fake.autocomplete("news story", "story", story="very long announcement")
    )
    assert choice["value"] == seeded.long
    assert len(choice["name"]) <= 100 and choice["name"].endswith("…")


async def test_speaker_choices(fake: FakeDiscord, bot: NewsBot, seeded: Seeded) -> None:
    choices = await fake.choices(await fake.autocomplete("news quotes", "speaker", speaker="gray"))
    assert choices == [{"name": "Chris Grayling", "value": "Chris Grayling"}]
    choices = await fake.choices(await fake.autocomplete("news quotes", "speaker", speaker="Johns"))
    assert choices == [{"name": "Jo Johnson", "value": "Jo Johnson"}]


async def test_organisation_choices(fake: FakeDiscord, bot: NewsBot, seeded: Seeded) -> None:
    choices = await fake.choices(
        await fake.autocomplete("news latest", "organisation", organisation="transp")
    )
    assert choices == [{"name": "Department for Transport", "value": "department-for-transport"}]
    message = await fake.reply(await fake.slash("news latest", organisation=choices[0]["value"], count=1))
    assert message["embeds"][0]["title"] == "Latest stories from Department for Transport"


async def test_nothing_matches_gives_no_choices(fake: FakeDiscord, bot: NewsBot, seeded: Seeded) -> None:
    assert await fake.choices(await fake.autocomplete("news story", "story", story="xylophone")) == []
    assert await fake.choices(await fake.autocomplete("news story", "story", story='"OR NOT *')) == []


async def test_a_failing_autocomplete_is_logged_and_the_bot_carries_on(
    fake: FakeDiscord,
    bot: NewsBot,
    seeded: Seeded,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    called = asyncio.Event()
    working = NewsCommands.complete_story

    async def broken(self: NewsCommands, prefix: str) -> list[tuple[str, str]]:
        called.set()
        raise RuntimeError("index missing")

    monkeypatch.setattr(NewsCommands, "complete_story", broken)
    failed = await fake.autocomplete("news story", "story", story="jo")
    await called.wait()
    monkeypatch.setattr(NewsCommands, "complete_story", working)
    # The bot keeps answering. The failed one got no choices or no answer at all (Discord then
    # shows "Loading options failed"), never anything invalid; its traceback was logged.
    later = await fake.autocomplete("news story", "story", story="gray")
    assert (await fake.answered(later))["type"] == AUTOCOMPLETE_RESULT
    assert failed.callback is None or failed.callback["data"]["choices"] == []
    assert any(r.exc_info and "index missing" in str(r.exc_info[1]) for r in caplog.records)
