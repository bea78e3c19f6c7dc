"""/news: look up stored stories. Thin: read the options, ask bot.commands, send the answer."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.commands import NewsCommands
from bot.presenting import Answer
from cogs._common import answer_expired_pages, respond

if TYPE_CHECKING:
    from bot.client import NewsBot

# Per user: enough for a few refinements in a row, not enough for one person to load the bot.
SEARCH_RATE, SEARCH_PER = 3, 15.0
QUERY_MAX = 200

Choices = list[app_commands.Choice[str]]


def _choices(pairs: list[tuple[str, str]]) -> Choices:
    return [app_commands.Choice(name=name, value=value) for name, value in pairs]


class News(commands.GroupCog, group_name="news", group_description="UK government news stories"):
    """Stories, summaries, quotes, funding figures and search over the stored GOV.UK news."""

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot
        self.news: NewsCommands = bot.news  # the command layer, shared with anything else the bot runs
        super().__init__()

    async def _answer(self, interaction: discord.Interaction, work: Awaitable[Answer]) -> None:
        await respond(interaction, work, view_timeout=self.bot.view_timeout)

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        await answer_expired_pages(interaction)

    @app_commands.command(name="latest", description="The newest stories, newest first")
    @app_commands.describe(
        count="How many stories (1 to 25, default 5)", organisation="Only stories from this organisation"
    )
    async def latest(
        self,
        interaction: discord.Interaction,
        count: app_commands.Range[int, 1, 25] = 5,
        organisation: str | None = None,
    ) -> None:
        await self._answer(interaction, self.news.latest(count, organisation))

    @app_commands.command(name="story", description="One story: type, date, organisations, link and summary")
    @app_commands.describe(story="Start typing a title, or give a story's id")
    async def story(self, interaction: discord.Interaction, story: str) -> None:
        await self._answer(interaction, self.news.story(story))

    @app_commands.command(name="summary", description="The most telling sentences of a story")
    @app_commands.describe(
        story="Start typing a title, or give a story's id", sentences="How many sentences (1 to 5)"
    )
    async def summary(
        self, interaction: discord.Interaction, story: str, sentences: app_commands.Range[int, 1, 5] = 1
    ) -> None:
        await self._answer(interaction, self.news.summary(story, sentences))

    @app_commands.command(name="quotes", description="Quotes from a story, from one person, or the latest")
    @app_commands.describe(story="Only quotes from this story", speaker="Only quotes from this person")
    async def quotes(
        self, interaction: discord.Interaction, story: str | None = None, speaker: str | None = None
    ) -> None:
        await self._answer(interaction, self.news.quotes(story, speaker))

    @app_commands.command(
        name="funding", description="A story's funding figures, or the largest across stories"
    )
    @app_commands.describe(
        story="Only figures from this story",
        min_amount="Only figures of at least this much, e.g. 5000000, £5m or 5 million",
    )
    async def funding(
        self, interaction: discord.Interaction, story: str | None = None, min_amount: str | None = None
    ) -> None:
        await self._answer(interaction, self.news.funding(story, min_amount))

    @app_commands.command(name="search", description="Search the stories' text, best matches first")
    @app_commands.describe(query='Words to find; "an exact phrase"; OR between alternatives')
    @app_commands.checks.cooldown(SEARCH_RATE, SEARCH_PER, key=lambda i: i.user.id)
    async def search(
        self, interaction: discord.Interaction, query: app_commands.Range[str, 1, QUERY_MAX]
    ) -> None:
        await self._answer(interaction, self.news.search(query))

    # --- autocomplete: answered from the store's word-prefix indexes in milliseconds -------------

    @story.autocomplete("story")
    @summary.autocomplete("story")
    @quotes.autocomplete("story")
    @funding.autocomplete("story")
    async def story_choices(self, interaction: discord.Interaction, current: str) -> Choices:
        return _choices(await self.news.complete_story(current))

    @quotes.autocomplete("speaker")
    async def speaker_choices(self, interaction: discord.Interaction, current: str) -> Choices:
        return _choices(await self.news.complete_speaker(current))

    @latest.autocomplete("organisation")
    async def organisation_choices(self, interaction: discord.Interaction, current: str) -> Choices:
        return _choices(await self.news.complete_organisation(current))


async def setup(bot: NewsBot) -> None:
    await bot.add_cog(News(bot))
