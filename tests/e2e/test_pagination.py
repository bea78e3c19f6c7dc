"""Pagination buttons: turning pages, only by the person who asked, removed on timeout or after a restart."""

from __future__ import annotations

from bot.client import NewsBot
from tests.e2e.conftest import VIEW_TIMEOUT, Seeded, StartBot
from tests.e2e.fake_discord import EPHEMERAL, UPDATE_MESSAGE, FakeDiscord, button, buttons


async def test_owner_turns_pages(fake: FakeDiscord, bot: NewsBot, seeded: Seeded) -> None:
    inter = await fake.slash("news latest", count=16)
    message = await fake.reply(inter)
    assert [b["label"] for b in buttons(message)] == ["Previous", "1 / 4", "Next"]
    assert button(message, "Previous")["disabled"] is True
    first_page = message["embeds"][0]["fields"][0]["name"]

    seen = [first_page]
    for page in (2, 3, 4):
        press = await fake.press(message, button(message, "Next")["custom_id"])
        callback = await fake.answered(press)
        assert callback["type"] == UPDATE_MESSAGE
        message = fake.messages[message["id"]]  # the same message, edited in place
        assert button(message, f"{page} / 4")
        seen.append(message["embeds"][0]["fields"][0]["name"])
    assert button(message, "Next")["disabled"] is True
    assert seen == [
        "Jo Johnson announces £40 million for science parks",
        "Rail update 1",
        "Rail update 6",
        "Rail update 11",
    ]

    press = await fake.press(message, button(message, "Previous")["custom_id"])
    await fake.answered(press)
    assert button(fake.messages[message["id"]], "3 / 4")


async def test_only_the_person_who_asked_can_press(fake: FakeDiscord, bot: NewsBot, seeded: Seeded) -> None:
    message = await fake.reply(await fake.slash("news latest", count=16))
    before = [dict(e) for e in message["embeds"]]
    press = await fake.press(message, button(message, "Next")["custom_id"], user=fake.user_b)
    answer = await fake.reply(press)
    assert answer["flags"] & EPHEMERAL
    assert answer["content"].startswith("Only the person who asked can turn these pages.")
    assert fake.messages[message["id"]]["embeds"] == before
    assert button(fake.messages[message["id"]], "1 / 4")


async def test_buttons_disappear_on_timeout(fake: FakeDiscord, start_bot: StartBot, seeded: Seeded) -> None:
    await start_bot(view_timeout=0.2)
    inter = await fake.slash("news quotes", story=seeded.long)
    message = await fake.reply(inter)
    assert buttons(message)
    # When the view times out the bot edits its original response to drop the buttons.
    await fake.wait_until(lambda: any(e.get("components") == [] for e in inter.edits))
    assert fake.messages[message["id"]]["components"] == []
    assert fake.messages[message["id"]]["embeds"] == message["embeds"]


async def test_timeout_after_turning_pages_keeps_the_page(
    fake: FakeDiscord, start_bot: StartBot, seeded: Seeded
) -> None:
    await start_bot(view_timeout=1.0)  # long enough to press once first, however loaded the machine
    inter = await fake.slash("news latest", count=16)
    message = await fake.reply(inter)
    press = await fake.press(message, button(message, "Next")["custom_id"])
    await fake.answered(press)
    page_two = fake.messages[message["id"]]["embeds"]
    await fake.wait_until(lambda: fake.messages[message["id"]]["components"] == [] or None)
    assert fake.messages[message["id"]]["embeds"] == page_two


async def test_pages_sent_before_a_restart_say_they_expired(
    fake: FakeDiscord, start_bot: StartBot, seeded: Seeded
) -> None:
    first = await start_bot(view_timeout=VIEW_TIMEOUT)
    message = await fake.reply(await fake.slash("news latest", count=16))
    assert button(message, "Next")["custom_id"].startswith("newsbot:page:")
    await first.close()

    await start_bot(view_timeout=VIEW_TIMEOUT)
    press = await fake.press(message, button(message, "Next")["custom_id"], user=fake.user_b)
    callback = await fake.answered(press)
    assert callback["type"] == UPDATE_MESSAGE
    assert fake.messages[message["id"]]["components"] == []  # the dead buttons are gone
    assert fake.messages[message["id"]]["embeds"] == message["embeds"]  # the page itself stays
    note = await fake.wait_until(lambda: press.followups[0] if press.followups else None)
    assert note["flags"] & EPHEMERAL
    assert note["content"] == "These pages have expired. Run the command again to browse them."

    # a list sent by the running bot still turns its pages
    live = await fake.reply(await fake.slash("news latest", count=16))
    turned = await fake.press(live, button(live, "Next")["custom_id"])
    await fake.answered(turned)
    assert button(fake.messages[live["id"]], "2 / 4")
    assert not turned.followups
