"""Fixtures that run the real NewsBot, with real discord.py, against tests/e2e/fake_discord.py.

`fake` is a started FakeDiscord; `bot` is a NewsBot connected to it through real sockets, ready,
with the stories in `seeded` stored in a fresh database. Teardown closes the bot and asserts that it
never sent anything Discord would have refused with a 400.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import discord
import pytest
import yarl

from bot.client import NewsBot
from bot.commands import NewsCommands
from bot.config import Settings
from bot.models import (
    Block,
    BlockKind,
    DocType,
    Extraction,
    Money,
    Organisation,
    Quote,
    Sentence,
    Story,
)
from bot.presenting import Answer
from bot.storage import Store, open_store
from tests.e2e.fake_discord import LOADING, FakeDiscord

READY_SECONDS = 10.0  # generous: startup takes well under a second
VIEW_TIMEOUT = 60.0  # pagination buttons outlive any test; the timeout tests shorten it

StartBot = Callable[..., Awaitable[NewsBot]]


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    try:
        yield server
    finally:
        await server.close()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "newsbot.db"


@pytest.fixture
async def store(db_path: Path) -> AsyncIterator[Store]:
    async with open_store(db_path) as opened:
        yield opened


@pytest.fixture
def settings(fake: FakeDiscord, db_path: Path) -> Settings:
    return Settings(discord_token=fake.token, db_path=db_path, log_level="DEBUG")


@pytest.fixture
async def start_bot(
    fake: FakeDiscord, store: Store, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[StartBot]:
    """start_bot(**options) -> a ready NewsBot; every bot started is closed at teardown."""
    monkeypatch.setattr(discord.http.Route, "BASE", fake.api_base)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url))
    started: list[tuple[NewsBot, asyncio.Task[None]]] = []

    async def start(*, settings: Settings = settings, **options: Any) -> NewsBot:
        options.setdefault("guild_ready_timeout", 0.05)  # the 2 s default slows every test
        options.setdefault("poster_seconds", None)  # tests drive the poster with run_once()
        bot = NewsBot(settings, store, **options)
        await bot.__aenter__()  # sets up the loop-bound parts, so wait_until_ready() can be awaited
        task = asyncio.create_task(bot.start(fake.token))
        started.append((bot, task))
        ready = asyncio.create_task(bot.wait_until_ready())
        done, _ = await asyncio.wait(
            {task, ready}, timeout=READY_SECONDS, return_when=asyncio.FIRST_COMPLETED
        )
        if ready not in done:
            ready.cancel()
            if task in done:
                task.result()  # raises why the bot stopped
            raise TimeoutError(f"the bot did not become ready; the fake noted: {fake.invalid}")
        return bot

    yield start

    for bot, task in started:
        await bot.close()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await bot.__aexit__(None, None, None)
    # Let event handlers dispatched while closing (on_disconnect...) run before the loop closes.
    leftovers = [t for t in asyncio.all_tasks() if t.get_name().startswith("discord.py")]
    if leftovers:
        await asyncio.wait(leftovers, timeout=READY_SECONDS)
    assert fake.invalid == [], "the bot sent messages Discord would refuse with a 400"
    slow = {i.id: i.latency for i in fake.interactions.values() if i.latency is not None and i.latency >= 3.0}
    assert not slow, f"first responses later than Discord's 3 seconds: {slow}"
    unanswered = [i.id for i in fake.interactions.values() if i.payload["type"] == 2 and not i.callbacks]
    assert not unanswered, (
        "slash commands the bot never answered (Discord: 'The application did not respond')"
    )
    pinging = [
        m["id"]
        for m in fake.messages.values()
        if not _mentions_only_its_roles(m) and not m["flags"] & LOADING
    ]
    assert not pinging, "messages sent without allowed_mentions {'parse': []} (plus the roles they name)"


def _mentions_only_its_roles(message: dict[str, Any]) -> bool:
    """allowed_mentions {"parse": []}, or that plus "roles" naming only roles the content mentions
    (a channel update pinging its subscriptions' roles, the only mention the bot makes)."""
    allowed = message["allowed_mentions"] or {}
    if allowed.get("parse") != [] or set(allowed) - {"parse", "roles"}:
        return False
    return all(f"<@&{role}>" in (message["content"] or "") for role in allowed.get("roles", []))


@dataclass(frozen=True)
class Seeded:
    """Short ids of the stories stored for the tests, by role."""

    science: str  # quotes from Jo Johnson, a funding tree, one non-funding amount
    cycling: str  # quotes from Chris Grayling, Department for Transport
    long: str  # a 10,000-character story with everything over Discord's limits
    pings: str  # @everyone, @here and mention syntax in its title, text and quotes
    ids: tuple[str, ...]  # every stored story, newest first


@pytest.fixture
async def seeded(store: Store) -> Seeded:
    return await seed(store)


@pytest.fixture
async def bot(start_bot: StartBot, seeded: Seeded) -> NewsBot:
    return await start_bot(view_timeout=VIEW_TIMEOUT)


@pytest.fixture
def held_story(monkeypatch: pytest.MonkeyPatch) -> asyncio.Event:
    """/news story answers only once the returned event is set, and the cog defers after 10 ms:
    the way to drive "slow answer" paths without sleeping."""
    release = asyncio.Event()
    real_story = NewsCommands.story

    async def held(self: NewsCommands, story: str) -> Answer:
        await release.wait()
        return await real_story(self, story)

    monkeypatch.setattr("cogs._common.DEFER_AFTER", 0.01)
    monkeypatch.setattr(NewsCommands, "story", held)
    return release


@pytest.fixture
def errors_logged(caplog: pytest.LogCaptureFixture) -> Callable[[], list[logging.LogRecord]]:
    """Records logged at ERROR or above (with tracebacks) while the test ran."""
    caplog.set_level(logging.INFO)
    return lambda: [r for r in caplog.records if r.levelno >= logging.ERROR]


# --- the stories --------------------------------------------------------------------------------

BIS = Organisation(
    "Department for Business, Innovation and Skills", "department-for-business-innovation-skills"
)
DFT = Organisation("Department for Transport", "department-for-transport")
COUNCIL = Organisation("Ministry of Housing, Communities and Local Government", "ministry-of-housing")
BASE_DAY = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _story(
    title: str, paragraphs: list[str], *, slug: str, day: int, org: Organisation, **extra: Any
) -> Story:
    return Story(
        title=title,
        blocks=tuple(Block(BlockKind.PARAGRAPH, p) for p in paragraphs),
        source=f"tests/e2e/{slug}.txt",
        source_format="text",
        doc_type=extra.pop("doc_type", DocType.PRESS_RELEASE),
        published_at=BASE_DAY - timedelta(days=day),
        base_path=f"/government/news/{slug}",
        organisations=(org,),
        **extra,
    )


def _sentences(paragraphs: list[str], count: int) -> tuple[Sentence, ...]:
    return tuple(Sentence(p, i, i) for i, p in enumerate(paragraphs[:count]))


async def seed(store: Store) -> Seeded:
    science_text = [
        "Universities and Science Minister Jo Johnson has announced £40 million for science parks across England.",
        "The money includes £10 million for a new incubator in Leeds over the next 3 years.",
        "Jo Johnson said: “Science parks turn good ideas into jobs. This investment backs them.”",
        "A visitor day ticket costs £580.17 for businesses.",
    ]
    science = _story(
        "Jo Johnson announces £40 million for science parks",
        science_text,
        slug="jo-johnson-announces-science-parks",
        day=1,
        org=BIS,
        description="Funding to help science parks grow.",
    )
    science_x = Extraction(
        quotes=(
            Quote(
                "Jo Johnson",
                "Universities and Science Minister",
                "Science parks turn good ideas into jobs. This investment backs them.",
                2,
            ),
        ),
        money=(
            Money(
                "£40 million",
                Decimal("40000000"),
                "GBP",
                True,
                0,
                purpose="science parks",
                funder="government",
            ),
            Money(
                "£10 million",
                Decimal("10000000"),
                "GBP",
                True,
                1,
                purpose="an incubator in Leeds",
                period="over the next 3 years",
                part_of="£40 million",
            ),
            Money("£580.17", Decimal("580.17"), "GBP", False, 3, purpose="a visitor day ticket"),
        ),
        summary=_sentences(science_text, 3),
        version=1,
    )
    cycling_text = [
        "Transport Secretary Chris Grayling has set out plans to double cycling by 2025.",
        "Chris Grayling said: “Cycling is good for health and for cities.”",
        "The plan includes £300 million for cycle lanes.",
    ]
    cycling = _story(
        "Plans to double cycling by 2025",
        cycling_text,
        slug="plans-to-double-cycling",
        day=2,
        org=DFT,
        doc_type=DocType.NEWS_STORY,
        description="A cycling and walking investment strategy.",
    )
    cycling_x = Extraction(
        quotes=(
            Quote("Chris Grayling", "Transport Secretary", "Cycling is good for health and for cities.", 1),
        ),
        money=(Money("£300 million", Decimal("300000000"), "GBP", True, 2, purpose="cycle lanes"),),
        summary=_sentences(cycling_text, 2),
        version=1,
    )

    # 10,000 characters of text, a title and description over the limits, 30 long quotes, 40
    # funding figures and summary sentences of 1,500 characters: every limit is exceeded somewhere.
    long_paragraph = (
        "Councils will receive further support to build homes and repair roads in every region. " * 17
    )[:1500]
    long_text = [f"{i}. {long_paragraph}" for i in range(7)]
    assert sum(len(p) for p in long_text) > 10_000
    long = _story(
        "A very long announcement " + "about local government finance " * 12,
        long_text,
        slug="a-very-long-announcement",
        day=3,
        org=COUNCIL,
        description="An unusually long description. " * 20,
    )
    long_x = Extraction(
        quotes=tuple(
            Quote(f"Minister Number {i}", "Minister for Local Government " * 3, long_paragraph, i % 7)
            for i in range(30)
        ),
        money=tuple(
            Money(
                f"£{i + 1} million",
                Decimal((i + 1) * 1_000_000),
                "GBP",
                True,
                i % 7,
                purpose=long_paragraph[:300],
                period="in 2026 to 2027",
            )
            for i in range(40)
        ),
        summary=_sentences(long_text, 5),
        version=1,
    )

    ping_text = [
        "@everyone the council meeting is at noon, @here too, and <@&123456789012345678> and <@123456789012345678>.",
        "Councillor Smith said: “@everyone should come. **Bold** claims and [links](https://example.com) stay text.”",
    ]
    pings = _story(
        "@everyone: council meeting <@&123456789012345678>",
        ping_text,
        slug="everyone-council-meeting",
        day=4,
        org=COUNCIL,
        description="@here a notice for everyone.",
    )
    pings_x = Extraction(
        quotes=(
            Quote(
                "Councillor Smith",
                "@everyone's councillor",
                "@everyone should come. **Bold** claims and [links](https://example.com) stay text.",
                1,
            ),
        ),
        summary=_sentences(ping_text, 2),
        version=1,
    )

    ids = [
        (await store.save(science, science_x)).story_id,
        (await store.save(cycling, cycling_x)).story_id,
        (await store.save(long, long_x)).story_id,
        (await store.save(pings, pings_x)).story_id,
    ]
    for n in range(12):  # enough stories for /news latest count:25 to need pages
        text = [f"Routine announcement number {n} about rail services in the north.", "Nothing else to add."]
        story = _story(f"Rail update {n}", text, slug=f"rail-update-{n}", day=10 + n, org=DFT)
        ids.append((await store.save(story, Extraction(summary=_sentences(text, 1), version=1))).story_id)
    return Seeded(science=ids[0], cycling=ids[1], long=ids[2], pings=ids[3], ids=tuple(ids))
