"""/updates: moderators subscribe channels to new stories. Thin: read the options, work out what only
Discord knows (the bot's permissions in the chosen channel), ask bot.updates.commands, send the answer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, TypeVar

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import NewsBotError
from bot.updates.commands import UpdatesCommands
from cogs._common import send_answer

if TYPE_CHECKING:
    from bot.client import NewsBot

Choices = list[app_commands.Choice[str]]
T = TypeVar("T")
# Text and announcement channels (discord.TextChannel covers both) and their threads.
PostChannel = discord.TextChannel | discord.Thread


def _in_server(interaction: discord.Interaction) -> bool:
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()  # a user-installed app can still be asked in a DM
    return True


def moderator_only(command: T) -> T:
    """The checks that actually run, on every command (discord.py applies no class-level checks):
    in a server, first, then Manage Server."""
    return app_commands.checks.has_permissions(manage_guild=True)(app_commands.check(_in_server)(command))


MODE_HELP = "immediate: one post per story (default); daily or weekly: one digest"


def missing_permissions(interaction: discord.Interaction, channel: PostChannel) -> list[str]:
    """What the bot lacks to post a story card in `channel`, named as Discord's settings name it.

    The guild cache (guilds intent) holds the channel's overwrites and the bot's roles; for the
    channel the command was typed in, Discord also sends the bot's permissions with the interaction.
    """
    guild = interaction.guild
    me = guild.me if guild is not None else None
    if me is not None:
        permissions = channel.permissions_for(me)
    elif channel.id == interaction.channel_id:
        permissions = interaction.app_permissions
    else:
        return []  # unknown here; a 403 on the first post pauses the subscription and says so
    thread = isinstance(channel, discord.Thread)
    needed = (
        ("View Channel", permissions.view_channel),
        (
            "Send Messages in Threads" if thread else "Send Messages",
            permissions.send_messages_in_threads if thread else permissions.send_messages,
        ),
        ("Embed Links", permissions.embed_links),
    )
    return [name for name, granted in needed if not granted]


@app_commands.guild_only()
@app_commands.default_permissions(
    manage_guild=True
)  # a hint to Discord's client; server admins can change it
class Updates(
    commands.GroupCog, group_name="updates", group_description="Post new government stories in channels"
):
    """Channel subscriptions: Manage Server only, and each server sees only its own."""

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot
        self.commands: UpdatesCommands = bot.updates_commands
        super().__init__()

    @staticmethod
    def _guild_id(interaction: discord.Interaction) -> int:
        if interaction.guild_id is None:  # guild_only() stops this first; kept for the type checker
            raise NewsBotError("That command only works in a server, not in direct messages.")
        return interaction.guild_id

    @moderator_only
    @app_commands.command(
        name="subscribe", description="Post new stories matching these filters in a channel"
    )
    @app_commands.describe(
        channel="The text channel, announcement channel or thread to post in",
        keywords='Words that must appear: "quoted phrases", -excluded, prefix*',
        organisation="Only stories from this organisation (start typing its name)",
        types="One or more of: news story, press release, government response, world news story",
        min_funding="Only stories announcing at least this much, e.g. 5000000, £5m or 5 million",
        mode=MODE_HELP,
        role="A role to mention in each post (the only mention the bot makes)",
    )
    async def subscribe(
        self,
        interaction: discord.Interaction,
        channel: PostChannel,
        keywords: app_commands.Range[str, 1, 300] | None = None,
        organisation: app_commands.Range[str, 1, 100] | None = None,
        types: app_commands.Range[str, 1, 200] | None = None,
        min_funding: app_commands.Range[str, 1, 40] | None = None,
        mode: Literal["immediate", "daily", "weekly"] = "immediate",
        role: discord.Role | None = None,
    ) -> None:
        answer = await self.commands.subscribe(
            self._guild_id(interaction),
            channel.id,
            interaction.user.id,
            missing_permissions=missing_permissions(interaction, channel),
            keywords=keywords,
            organisation=organisation,
            types=types,
            min_funding=min_funding,
            mode=mode,
            role_id=role.id if role is not None else None,
        )
        await send_answer(interaction, answer)

    @moderator_only
    @app_commands.command(name="unsubscribe", description="Stop a channel's updates")
    @app_commands.describe(
        channel="The channel to stop posting in",
        subscription="Only this subscription (its id from /updates list); default: all of the channel's",
    )
    async def unsubscribe(
        self,
        interaction: discord.Interaction,
        channel: PostChannel,
        subscription: app_commands.Range[int, 1] | None = None,
    ) -> None:
        answer = await self.commands.unsubscribe(self._guild_id(interaction), channel.id, subscription)
        await send_answer(interaction, answer)

    @moderator_only
    @app_commands.command(name="list", description="This server's subscriptions, their filters and health")
    async def list(self, interaction: discord.Interaction) -> None:
        await send_answer(interaction, await self.commands.list(self._guild_id(interaction)))

    @moderator_only
    @app_commands.command(name="pause", description="Pause a channel's updates")
    @app_commands.describe(channel="The channel to pause")
    async def pause(self, interaction: discord.Interaction, channel: PostChannel) -> None:
        await send_answer(interaction, await self.commands.pause(self._guild_id(interaction), channel.id))

    @moderator_only
    @app_commands.command(name="resume", description="Resume a channel's paused updates")
    @app_commands.describe(channel="The channel to resume")
    async def resume(self, interaction: discord.Interaction, channel: PostChannel) -> None:
        await send_answer(interaction, await self.commands.resume(self._guild_id(interaction), channel.id))

    @moderator_only
    @app_commands.command(name="status", description="Each feed's last check, last new story and failures")
    async def status(self, interaction: discord.Interaction) -> None:
        await send_answer(interaction, await self.commands.status())

    @subscribe.autocomplete("organisation")
    async def organisation_choices(self, interaction: discord.Interaction, current: str) -> Choices:
        pairs = await self.commands.complete_organisation(current)
        return [app_commands.Choice(name=name, value=value) for name, value in pairs]


async def setup(bot: NewsBot) -> None:
    await bot.add_cog(Updates(bot))
