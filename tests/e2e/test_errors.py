"""Every error path: a short private reply saying what to do next; unexpected ones logged once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import pytest

from bot.client import NewsBot
from bot.commands import NewsCommands
from bot.presenting import Answer
from tests.e2e.conftest import Seeded
from tests.e2e.fake_discord import (
    DEFERRED_CHANNEL_MESSAGE,
    EPHEMERAL,
    FakeDiscord,
    Interaction,
)

Errors = Callable[[], list[logging.LogRecord]]


async def private_text(fake: FakeDiscord, inter: Interaction) -> str:
    """The reply, checked to be a private plain-text message."""
    message = await fake.reply(inter)
    assert message["flags"] & EPHEMERAL, f"public error reply: {message}"
    assert message["allowed_mentions"] == {"parse": []}
    assert not message["embeds"]
    return str(message["content"])


async def test_no_such_story_suggests_the_closest(
    fake: FakeDiscord, bot: NewsBot, seeded: Seeded, errors_logged: Errors
) -> None:
    text = await private_text(fake, await fake.slash("news story", story="science museum"))
    assert text.startswith("No stored story matches “science museum”.")
    assert "Did you mean: Jo Johnson announces £40 million for science parks" in text
    text = await private_text(fake, await fake.slash("news summary", story="zebra crossings"))
    assert text == "No stored story matches “zebra crossings”. Try /news latest or /news search to find one."
    assert errors_logged() == []


@pytest.mark.parametrize(
    ("command", "options", "expected"),
    [
        ("news latest", {"count": 30}, "count must be a whole number from 1 to 25."),
        ("news latest", {"count": 0}, "count must be a whole number from 1 to 25."),
        (
            "news summary",
            {"story": "SCIENCE", "sentences": 9},
            "sentences must be a whole number from 1 to 5.",
        ),
        (
            "news latest",
            {"organisation": "Ministry of Magic"},
            "No organisation matches “Ministry of Magic”.",
        ),
        ("news quotes", {"speaker": "Nobody Atall"}, "No stored quotes from “Nobody Atall”."),
        ("news quotes", {"story": "SCIENCE", "speaker": "Grayling"}, "No quotes from Grayling were found in"),
        ("news funding", {"min_amount": "lots of money"}, "I couldn't read “lots of money” as an amount."),
        ("news funding", {"min_amount": "-5"}, "I couldn't read “-5” as an amount."),
        ("news funding", {"story": "PINGS"}, "No money figures were found in"),
        ("news funding", {"min_amount": "£900 million"}, "No stored funding figure is £900"),
        ("news search", {"query": "   "}, "Type some words to search for"),
        ("news search", {"query": "xylophones"}, "Nothing matches “xylophones”."),
    ],
)
async def test_expected_problems_get_a_private_hint(
    fake: FakeDiscord,
    bot: NewsBot,
    seeded: Seeded,
    errors_logged: Errors,
    command: str,
    options: dict[str, Any],
    expected: str,
) -> None:
    # Discord's client enforces min/max itself; the bot checks again in case an old definition is cached.
    ids = {"SCIENCE": seeded.science, "PINGS": seeded.pings}
    options = {k: ids.get(v, v) if isinstance(v, str) else v for k, v in options.items()}
    text = await private_text(fake, await fake.slash(command, **options))
    assert text.startswith(expected), text
    assert errors_logged() == []


async def test_empty_store_says_how_to_add_stories(fake: FakeDiscord, start_bot: Callable[..., Any]) -> None:
    await start_bot()
    for command in ("news latest", "news quotes", "news funding"):
        text = await private_text(fake, await fake.slash(command))
        assert "python run.py ingest data/samples" in text


async def test_search_cooldown_per_user(fake: FakeDiscord, bot: NewsBot, seeded: Seeded) -> None:
    for _ in range(3):
        message = await fake.reply(await fake.slash("news search", query="cycling"))
        assert message["embeds"]
    text = await private_text(fake, await fake.slash("news search", query="cycling"))
    assert text.startswith("You're going a little fast. Try again in ")
    # Someone else is not held back by alice's searches.
    message = await fake.reply(await fake.slash("news search", query="cycling", user=fake.user_b))
    assert message["embeds"]


async def test_unexpected_error_is_private_and_logged_once(
    fake: FakeDiscord, bot: NewsBot, seeded: Seeded, errors_logged: Errors, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(self: NewsCommands, story: str) -> Answer:
        raise RuntimeError("the database caught fire")

    monkeypatch.setattr(NewsCommands, "story", broken)
    text = await private_text(fake, await fake.slash("news story", story=seeded.science))
    assert text == "Something went wrong. It has been logged."
    (record,) = errors_logged()
    assert "news story" in record.getMessage()
    assert record.exc_info is not None and "caught fire" in str(record.exc_info[1])


async def test_unknown_subcommand(fake: FakeDiscord, bot: NewsBot, errors_logged: Errors) -> None:
    # What a user sees when Discord still shows a command the bot no longer has.
    payload = fake.interaction_payload(
        2,
        {
            "id": fake.ids(),
            "name": "news",
            "type": 1,
            "options": [{"type": 1, "name": "gone", "options": []}],
        },
        None,
    )
    text = await private_text(fake, await fake.send_interaction(payload))
    assert text.startswith("That command has just changed.")
    assert errors_logged() == []


async def test_slow_answers_are_deferred_publicly(
    fake: FakeDiscord, bot: NewsBot, seeded: Seeded, held_story: asyncio.Event
) -> None:
    release = held_story
    inter = await fake.slash("news story", story=seeded.science)
    callback = await fake.answered(inter)
    assert callback["type"] == DEFERRED_CHANNEL_MESSAGE
    assert not int(callback.get("data", {}).get("flags") or 0) & EPHEMERAL
    release.set()
    message = await fake.reply(inter)
    # The follow-up replaced the "thinking" message rather than adding a second one.
    assert inter.followups == [] and len(inter.edits) == 1
    assert not message["flags"] & EPHEMERAL
    assert message["embeds"][0]["title"] == "Jo Johnson announces £40 million for science parks"


async def test_an_error_after_a_public_defer_replaces_the_thinking_message(
    fake: FakeDiscord, bot: NewsBot, seeded: Seeded, held_story: asyncio.Event
) -> None:
    release = held_story
    inter = await fake.slash("news story", story="no such story at all")
    await fake.answered(inter)
    release.set()
    message = await fake.reply(inter)
    # As on Discord: after a public defer the first follow-up stays public, whatever it asks.
    assert message["content"].startswith("No stored story matches")
    assert not message["flags"] & EPHEMERAL
    assert inter.callback is not None and inter.callback["type"] == DEFERRED_CHANNEL_MESSAGE
    assert message["embeds"] == []
