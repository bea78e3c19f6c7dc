"""What every cog shares: the one error handler, private replies, cards as embeds, pagination.

The command layer (bot/) answers with `Answer`s of `Card`s already fitted to Discord's limits;
this module only translates them into discord.py objects and sends them.
"""

from __future__ import annotations

import asyncio
import logging
import math
import weakref
from collections.abc import Awaitable
from typing import Any

import discord
from discord import app_commands
from discord.app_commands import AppCommandError

from bot.errors import NewsBotError
from bot.presenting import Answer, Card, escape_markdown

log = logging.getLogger(__name__)

GOVUK_BLUE = discord.Colour(0x1D70B8)
PAGINATOR_TIMEOUT = 180.0  # seconds; well inside the 15 minutes an interaction token can edit for
# Lookups take milliseconds; if one ever takes this long (a busy database), defer so Discord's
# 3-second deadline for the first response is still met, with room for the network either side.
DEFER_AFTER = 1.5
NO_MENTIONS = discord.AllowedMentions.none()
SOMETHING_WENT_WRONG = "Something went wrong. It has been logged."
# Page buttons are named "newsbot:page:<interaction id>:<button>", so a press on buttons whose
# paginator is gone (the bot restarted since) can be recognised and answered.
PAGE_BUTTON_PREFIX = "newsbot:page:"
PAGES_EXPIRED = "These pages have expired. Run the command again to browse them."


class NewsTree(app_commands.CommandTree):
    """The command tree with the bot's one error handler."""

    async def on_error(self, interaction: discord.Interaction, error: AppCommandError) -> None:
        text = error_message(interaction, error)
        if interaction.type is discord.InteractionType.autocomplete:
            return  # nothing can be shown for a failed autocomplete; error_message logged it if needed
        await send_ephemeral(interaction, text)


def error_message(interaction: discord.Interaction, error: Exception) -> str:
    """What to tell the user about `error`; unexpected errors are logged here, once."""
    cause = getattr(error, "original", error)
    if isinstance(cause, NewsBotError):
        return escape_markdown(cause.user_message)
    if isinstance(error, app_commands.CommandOnCooldown):
        seconds = max(1, math.ceil(error.retry_after))
        return f"You're going a little fast. Try again in {seconds} second{'s' if seconds != 1 else ''}."
    if isinstance(error, app_commands.MissingPermissions):
        return "You need the Manage Server permission for that."
    if isinstance(error, app_commands.BotMissingPermissions):
        needed = ", ".join(p.replace("_", " ") for p in error.missing_permissions)
        return f"I need these permissions in this channel first: {needed}. Ask a moderator to add them."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "That command only works in a server, not in direct messages."
    if isinstance(error, app_commands.TransformerError):
        value = escape_markdown(str(error.value))[:100]
        return (
            f"I couldn't use “{value}” for that option. Check it, or pick one from the list, and try again."
        )
    if isinstance(error, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch):
        return "That command has just changed. Wait a minute for Discord to update it, then try again."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use that command here."
    name = getattr(interaction.command, "qualified_name", "?")
    log.exception(
        "command %s failed (guild=%s user=%s)",
        name,
        interaction.guild_id,
        interaction.user.id,
        exc_info=cause,
    )
    return SOMETHING_WENT_WRONG


async def send_ephemeral(interaction: discord.Interaction, text: str) -> None:
    """A private reply, through the initial response if it is still open, else a follow-up."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
    except discord.HTTPException:
        # The interaction expired or was deleted; the error itself was already handled or logged.
        log.warning("could not send a private reply (interaction=%s)", interaction.id)


def card_to_embed(card: Card) -> discord.Embed:
    """A fitted Card as an Embed, field for field."""
    embed = discord.Embed(
        title=card.title or None,
        description=card.description or None,
        url=card.url,
        timestamp=card.timestamp,
        colour=GOVUK_BLUE,
    )
    for field in card.fields:
        embed.add_field(name=field.name, value=field.value, inline=field.inline)
    if card.footer:
        embed.set_footer(text=card.footer)
    return embed


async def respond(
    interaction: discord.Interaction, work: Awaitable[Answer], *, view_timeout: float = PAGINATOR_TIMEOUT
) -> None:
    """Send what `work` answers: at once when it is quick, after a defer when it is slow.

    Errors propagate to the tree's handler. The answers are public, so a slow one gets a public
    defer; the decision is made before deferring, as Discord requires.
    """
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=DEFER_AFTER)
    if not done and not interaction.response.is_done():
        await interaction.response.defer(thinking=True)
    await send_answer(interaction, await task, view_timeout=view_timeout)


async def send_answer(
    interaction: discord.Interaction, answer: Answer, *, view_timeout: float = PAGINATOR_TIMEOUT
) -> None:
    """The first page (with Previous/Next buttons when there are more), by response or follow-up."""
    embeds = [card_to_embed(card) for card in answer.pages]
    kwargs: dict[str, Any] = {"ephemeral": answer.ephemeral, "allowed_mentions": NO_MENTIONS}
    if answer.content:
        kwargs["content"] = answer.content
    if embeds:
        kwargs["embed"] = embeds[0]
    view = Paginator(interaction, embeds, timeout=view_timeout) if len(embeds) > 1 else None
    if view is not None:
        kwargs["view"] = view
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)
    else:
        await interaction.response.send_message(**kwargs)


class Paginator(discord.ui.View):
    """Previous / page counter / Next under a multi-page answer.

    Only the person who asked can turn the pages; when the view times out its buttons are removed
    by editing the original response (the interaction token stays valid for 15 minutes).
    """

    def __init__(
        self,
        interaction: discord.Interaction,
        pages: list[discord.Embed],
        *,
        timeout: float = PAGINATOR_TIMEOUT,
    ) -> None:
        super().__init__(timeout=timeout)
        self.interaction = interaction
        self.owner_id = interaction.user.id
        self.pages = pages
        self.index = 0
        self.key = f"{PAGE_BUTTON_PREFIX}{interaction.id}"
        for button, name in ((self.previous, "previous"), (self.counter, "counter"), (self.next, "next")):
            button.custom_id = f"{self.key}:{name}"
        _live_pages.setdefault(interaction.client, set()).add(self.key)
        self._refresh()

    def _refresh(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.pages) - 1
        self.counter.label = f"{self.index + 1} / {len(self.pages)}"

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(
            "Only the person who asked can turn these pages. Run the command yourself to browse.",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )
        return False

    async def _show(self, interaction: discord.Interaction, index: int) -> None:
        self.index = max(0, min(index, len(self.pages) - 1))
        self._refresh()
        await interaction.response.edit_message(embed=self.pages[self.index], view=self)

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, button: discord.ui.Button[Paginator]) -> None:
        await self._show(interaction, self.index - 1)

    @discord.ui.button(label="1 / 1", style=discord.ButtonStyle.secondary, disabled=True)
    async def counter(self, interaction: discord.Interaction, button: discord.ui.Button[Paginator]) -> None:
        await interaction.response.defer()  # disabled, so never pressed; defer if a client sends it anyway

    @discord.ui.button(label="Next", style=discord.ButtonStyle.primary)
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button[Paginator]) -> None:
        await self._show(interaction, self.index + 1)

    async def on_timeout(self) -> None:
        _live_pages.get(self.interaction.client, set()).discard(self.key)
        try:
            await self.interaction.edit_original_response(view=None)
        except discord.HTTPException:
            # Deleted, or the token expired: there are no buttons left to remove either way.
            log.debug("paginator could not remove its buttons (interaction=%s)", self.interaction.id)

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await send_ephemeral(interaction, error_message(interaction, error))


# The keys of each client's paginators that are still running (per client: tests run several bots).
_live_pages: weakref.WeakKeyDictionary[discord.Client, set[str]] = weakref.WeakKeyDictionary()


async def answer_expired_pages(interaction: discord.Interaction) -> None:
    """A press on page buttons that no running paginator owns: remove the dead buttons and say why.

    Without this, Discord shows the user "This interaction failed" for every press on a list the
    bot sent before it restarted. Presses on live buttons are left to their paginator.
    """
    if interaction.type is not discord.InteractionType.component:
        return
    custom_id = str((interaction.data or {}).get("custom_id", ""))
    if not custom_id.startswith(PAGE_BUTTON_PREFIX):
        return
    if custom_id.rpartition(":")[0] in _live_pages.get(interaction.client, set()):
        return
    try:
        await interaction.response.edit_message(view=None)
    except discord.HTTPException:
        log.debug("could not remove expired page buttons (interaction=%s)", interaction.id)
    await send_ephemeral(interaction, PAGES_EXPIRED)
