"""Discord's embed limits with a 10,000-character story, and story text that tries to ping.

The fake answers 400 (and records it) for anything Discord would refuse, and the fixture fails any
test where that happened; these tests also check the limits directly on what was sent.
"""

from __future__ import annotations

from typing import Any

from bot.client import NewsBot
from tests.e2e.conftest import Seeded
from tests.e2e.fake_discord import FakeDiscord, Interaction, button, embed_length, message_problems, units


def check_limits(message: dict[str, Any]) -> None:
    assert message_problems(message) == []
    for embed in message["embeds"]:
        assert units(embed.get("title") or "") <= 256
        assert units(embed.get("description") or "") <= 4096
        assert len(embed.get("fields") or []) <= 25
        assert all(units(f["value"]) <= 1024 and units(f["name"]) <= 256 for f in embed.get("fields") or [])
    assert sum(embed_length(e) for e in message["embeds"]) <= 6000


async def every_page(fake: FakeDiscord, inter: Interaction) -> list[dict[str, Any]]:
    """The reply and every further page, pressing Next until it is disabled."""
    message = await fake.reply(inter)
    pages = [dict(message)]
    while message["components"] and not button(message, "Next")["disabled"]:
        await fake.answered(await fake.press(message, button(message, "Next")["custom_id"]))
        message = fake.messages[message["id"]]
        pages.append(dict(message))
    return pages


async def test_long_story_card_fits(fake: FakeDiscord, bot: NewsBot, seeded: Seeded) -> None:
    message = await fake.reply(await fake.slash("news story", story=seeded.long))
    check_limits(message)
    (embed,) = message["embeds"]
    assert embed["title"].startswith("A very long announcement about local government finance")
    assert embed["title"].endswith("…")
    assert embed["url"] == "https://www.gov.uk/government/news/a-very-long-announcement"


async def test_long_summary_fits(fake: FakeDiscord, bot: NewsBot, seeded: Seeded) -> None:
    pages = await every_page(fake, await fake.slash("news summary", story=seeded.long, sentences=5))
    for page in pages:
        check_limits(page)
    text = "".join(p["embeds"][0].get("description") or "" for p in pages)
    assert "Councils will receive further support" in text


async def test_thirty_long_quotes_are_paged_and_fit(fake: FakeDiscord, bot: NewsBot, seeded: Seeded) -> None:
    pages = await every_page(fake, await fake.slash("news quotes", story=seeded.long))
    assert len(pages) >= 6
    speakers = [f["name"] for p in pages for f in p["embeds"][0]["fields"]]
    assert len(speakers) == 30
    assert speakers[0].startswith("Minister Number 0,")
    for page in pages:
        check_limits(page)
        assert all(f["value"].endswith("…”") for f in page["embeds"][0]["fields"])


async def test_forty_funding_figures_fit(fake: FakeDiscord, bot: NewsBot, seeded: Seeded) -> None:
    pages = await every_page(fake, await fake.slash("news funding", story=seeded.long))
    for page in pages:
        check_limits(page)
    text = "\n".join(p["embeds"][0].get("description") or "" for p in pages)
    assert len(pages) > 1  # split across pages rather than cut
    assert all(f"**£{n} million**" in text for n in range(1, 41))


async def test_latest_with_long_titles_fits(fake: FakeDiscord, bot: NewsBot, seeded: Seeded) -> None:
    for page in await every_page(fake, await fake.slash("news latest", count=25)):
        check_limits(page)


async def test_search_in_the_long_story_fits(fake: FakeDiscord, bot: NewsBot, seeded: Seeded) -> None:
    message = await fake.reply(await fake.slash("news search", query="councils roads"))
    check_limits(message)
    assert seeded.long in message["embeds"][0]["fields"][0]["value"]


# --- pings ------------------------------------------------------------------------------------


async def test_story_text_never_pings(fake: FakeDiscord, bot: NewsBot, seeded: Seeded) -> None:
    for command, options in [
        ("news story", {"story": seeded.pings}),
        ("news summary", {"story": seeded.pings, "sentences": 2}),
        ("news quotes", {"story": seeded.pings}),
        ("news latest", {}),
        ("news search", {"query": "council meeting"}),
    ]:
        message = await fake.reply(await fake.slash(command, **options))
        assert message["allowed_mentions"] == {"parse": []}, command
        text = str(message["embeds"])
        # Escaped as well as suppressed: no live mention syntax is shown, and Markdown stays text.
        assert "@everyone" not in text and "@here" not in text and "<@&" not in text, command
    card = await fake.reply(await fake.slash("news story", story=seeded.pings))
    description = card["embeds"][0]["description"]
    assert "\\*\\*Bold\\*\\*" in description and "\\[links\\]" in description


async def test_no_such_story_echo_never_pings(fake: FakeDiscord, bot: NewsBot, seeded: Seeded) -> None:
    message = await fake.reply(await fake.slash("news story", story="@everyone <@&123456789012345678>"))
    assert message["allowed_mentions"] == {"parse": []}
    assert "@everyone" not in message["content"]
