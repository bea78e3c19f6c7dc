"""Every /news command and option, run through real discord.py against the fake Discord."""

from __future__ import annotations

from typing import Any

from bot.client import NewsBot
from bot.presenting import OGL_ATTRIBUTION
from tests.e2e.conftest import Seeded
from tests.e2e.fake_discord import (
    CHANNEL_MESSAGE,
    EPHEMERAL,
    FakeDiscord,
    Interaction,
    button,
    buttons,
    embed_texts,
)


async def public_reply(fake: FakeDiscord, inter: Interaction) -> dict[str, Any]:
    """The answer, checked to be an immediate, public message with embeds that mentions nobody."""
    message = await fake.reply(inter)
    assert inter.callback is not None and inter.callback["type"] == CHANNEL_MESSAGE
    assert not message["flags"] & EPHEMERAL, message["content"]
    assert message["allowed_mentions"] == {"parse": []}
    assert message["embeds"], message["content"]
    return message


def field_names(message: dict[str, Any]) -> list[str]:
    return [f["name"] for f in message["embeds"][0].get("fields", [])]


# --- /news latest ------------------------------------------------------------------------------


async def test_latest_shows_the_five_newest_first(fake: FakeDiscord, bot: NewsBot, seeded: Seeded) -> None:
    message = await public_reply(fake, await fake.slash("news latest"))
    (embed,) = message["embeds"]
    assert embed["title"] == "Latest stories"
    assert field_names(message)[:2] == [
        "Jo Johnson announces £40 million for science parks",
        "Plans to double cycling by 2025",
    ]
    assert len(embed["fields"]) == 5
    assert embed["footer"]["text"] == OGL_ATTRIBUTION
    text = embed_texts(message)
    assert text.index(seeded.science) < text.index(seeded.cycling) < text.index(seeded.long)
    assert "https://www.gov.uk/government/news/jo-johnson-announces-science-parks" in text
    assert buttons(message) == []  # one page: no pagination


async def test_latest_count(fake: FakeDiscord, bot: NewsBot, seeded: Seeded) -> None:
    message = await public_reply(fake, await fake.slash("news latest", count=2))
    assert field_names(message) == [
        "Jo Johnson announces £40 million for science parks",
        "Plans to double cycling by 2025",
    ]
    message = await public_reply(fake, await fake.slash("news latest", count=25))
    assert len(message["embeds"][0]["fields"]) == 5  # first page of all 16 stored stories
    assert button(message, "1 / 4")["disabled"] is True


async def test_latest_organisation_by_slug_and_by_name(
    fake: FakeDiscord, bot: NewsBot, seeded: Seeded
) -> None:
    for organisation in ("department-for-transport", "Department for Transport"):
        message = await public_reply(
            fake, await fake.slash("news latest", count=3, organisation=organisation)
        )
        assert message["embeds"][0]["title"] == "Latest stories from Department for Transport"
        assert field_names(message) == ["Plans to double cycling by 2025", "Rail update 0", "Rail update 1"]


# --- /news story and /news summary --------------------------------------------------------------


async def test_story_card(fake: FakeDiscord, bot: NewsBot, seeded: Seeded) -> None:
    message = await public_reply(fake, await fake.slash("news story", story=seeded.science))
    (embed,) = message["embeds"]
    assert embed["title"] == "Jo Johnson announces £40 million for science parks"
    assert embed["url"] == "https://www.gov.uk/government/news/jo-johnson-announces-science-parks"
    assert embed["footer"]["text"] == OGL_ATTRIBUTION
    assert embed["timestamp"].startswith("2026-03-01")
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Type"] == "Press release"
    assert fields["Published"] == "1 March 2026"
    assert fields["Organisations"] == "Department for Business, Innovation and Skills"
    assert fields["Quotes"].startswith("1 ")
    assert fields["Funding figures"].startswith("2 ") and "1 other amount" in fields["Funding figures"]
    assert "science parks across England" in embed["description"]


async def test_story_by_exact_title(fake: FakeDiscord, bot: NewsBot, seeded: Seeded) -> None:
    message = await public_reply(
        fake, await fake.slash("news story", story="Plans to double cycling by 2025")
    )
    assert message["embeds"][0]["title"] == "Plans to double cycling by 2025"


async def test_summary_sentences(fake: FakeDiscord, bot: NewsBot, seeded: Seeded) -> None:
    one = await public_reply(fake, await fake.slash("news summary", story=seeded.science))
    assert one["embeds"][0]["description"] == (
        "Universities and Science Minister Jo Johnson has announced £40 million for science parks across England."
    )
    assert {
        "name": "The department's description",
        "value": "Funding to help science parks grow.",
        "inline": False,
    } in one["embeds"][0]["fields"]
    three = await public_reply(fake, await fake.slash("news summary", story=seeded.science, sentences=3))
    assert three["embeds"][0]["description"].endswith("This investment backs them.”")
    five = await public_reply(fake, await fake.slash("news summary", story=seeded.cycling, sentences=5))
    assert "only has 2 sentences" in embed_texts(five)


# --- /news quotes ------------------------------------------------------------------------------


async def test_quotes_of_a_story(fake: FakeDiscord, bot: NewsBot, seeded: Seeded) -> None:
    message = await public_reply(fake, await fake.slash("news quotes", story=seeded.science))
    (embed,) = message["embeds"]
    assert embed["title"] == "Quotes: Jo Johnson announces £40 million for science parks"
    assert embed["fields"] == [
        {
            "name": "Jo Johnson, Universities and Science Minister",
            "value": "“Science parks turn good ideas into jobs. This investment backs them.”",
            "inline": False,
        }
    ]


async def test_quotes_of_a_speaker_across_stories(fake: FakeDiscord, bot: NewsBot, seeded: Seeded) -> None:
    message = await public_reply(fake, await fake.slash("news quotes", speaker="Chris Grayling"))
    assert message["embeds"][0]["title"] == "Quotes from Chris Grayling"
    (field,) = message["embeds"][0]["fields"]
    assert field["name"] == "Chris Grayling, Transport Secretary"
    assert "Cycling is good for health" in field["value"] and seeded.cycling in field["value"]
    # A word prefix finds the speaker too, as autocomplete does.
    message = await public_reply(fake, await fake.slash("news quotes", speaker="Johns"))
    assert message["embeds"][0]["title"] == "Quotes from Jo Johnson"


async def test_quotes_of_a_speaker_in_a_story(fake: FakeDiscord, bot: NewsBot, seeded: Seeded) -> None:
    message = await public_reply(fake, await fake.slash("news quotes", story=seeded.science, speaker="jo"))
    assert field_names(message) == ["Jo Johnson, Universities and Science Minister"]


async def test_latest_quotes_with_neither_option(fake: FakeDiscord, bot: NewsBot, seeded: Seeded) -> None:
    message = await public_reply(fake, await fake.slash("news quotes"))
    assert message["embeds"][0]["title"] == "Latest quotes"
    fields = message["embeds"][0]["fields"]
    assert len(fields) == 5 and all(", " in f["name"] and "From “" in f["value"] for f in fields)
    assert button(message, "Next")  # 33 quotes are stored: more than one page


# --- /news funding -----------------------------------------------------------------------------


async def test_funding_of_a_story_is_a_tree(fake: FakeDiscord, bot: NewsBot, seeded: Seeded) -> None:
    message = await public_reply(fake, await fake.slash("news funding", story=seeded.science))
    (embed,) = message["embeds"]
    assert embed["title"] == "Funding: Jo Johnson announces £40 million for science parks"
    total, part = embed["description"].split("\n")
    assert total.startswith("**£40 million** — science parks")
    assert part.lstrip("\u2003 ").startswith(
        "└ **£10 million** — an incubator in Leeds · over the next 3 years"
    )
    assert embed["fields"] == [
        {
            "name": "Other amounts mentioned (not funding)",
            "value": "**£580.17** — a visitor day ticket",
            "inline": False,
        }
    ]


async def test_funding_across_stories_with_min_amount(
    fake: FakeDiscord, bot: NewsBot, seeded: Seeded
) -> None:
    for min_amount in ("£35m", "35 million", "35000000"):
        message = await public_reply(fake, await fake.slash("news funding", min_amount=min_amount))
        embed = message["embeds"][0]
        assert embed["title"].startswith("Largest funding figures of £35")
        names = field_names(message)
        assert names[:2] == ["£300 million", "£40 million"]  # largest first
        assert "£34 million" not in embed_texts(message)


async def test_funding_of_a_story_with_min_amount(fake: FakeDiscord, bot: NewsBot, seeded: Seeded) -> None:
    message = await public_reply(
        fake, await fake.slash("news funding", story=seeded.science, min_amount="£20m")
    )
    assert "£40 million" in message["embeds"][0]["description"]
    assert "£10 million" not in embed_texts(message)


async def test_largest_funding_with_no_options(fake: FakeDiscord, bot: NewsBot, seeded: Seeded) -> None:
    message = await public_reply(fake, await fake.slash("news funding"))
    assert message["embeds"][0]["title"] == "Largest funding figures"
    assert field_names(message)[0] == "£300 million"
    assert button(message, "Next")


# --- /news search ------------------------------------------------------------------------------


async def test_search_highlights_matches(fake: FakeDiscord, bot: NewsBot, seeded: Seeded) -> None:
    message = await public_reply(fake, await fake.slash("news search", query="cycling"))
    (embed,) = message["embeds"]
    assert embed["title"] == "Search: cycling"
    assert field_names(message)[0] == "Plans to double cycling by 2025"
    assert "**cycling**" in embed["fields"][0]["value"] and seeded.cycling in embed["fields"][0]["value"]


async def test_search_obeys_or_and_treats_other_operators_as_plain_words(
    fake: FakeDiscord, bot: NewsBot, seeded: Seeded
) -> None:
    message = await public_reply(fake, await fake.slash("news search", query='cycling" *'))
    assert field_names(message)[0] == "Plans to double cycling by 2025"
    message = await public_reply(fake, await fake.slash("news search", query="zzqx OR cycling"))
    assert field_names(message)[0] == "Plans to double cycling by 2025"
    # AND, NOT and NEAR( are searched for as words (and are in no story), not obeyed as operators.
    inter = await fake.slash("news search", query="cycling AND NOT NEAR(")
    message = await fake.reply(inter)
    assert message["flags"] & EPHEMERAL
    assert message["content"].startswith("Nothing matches “cycling AND NOT NEAR(”.")


async def test_commands_work_in_direct_messages(fake: FakeDiscord, bot: NewsBot, seeded: Seeded) -> None:
    message = await public_reply(fake, await fake.slash("news story", story=seeded.cycling, dm=True))
    assert message["embeds"][0]["title"] == "Plans to double cycling by 2025"
    text = (await fake.reply(await fake.slash("news story", story="no such thing", dm=True)))["content"]
    assert text.startswith("No stored story matches")
