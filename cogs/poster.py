"""The poster: polls the feeds and sends the outbox's posts and digests to their channels.

Each round (`run_once`) polls the feeds that are due, gathers the daily / weekly digests that are
due (and a catch-up digest where many posts wait), then sends every pending post: the outbox row
is already written, and its nonce (sent with `enforce_nonce`) makes Discord hand back the message it
created earlier instead of a second one, so a send repeated after a crash never duplicates. A 403 or
404 pauses that channel's subscriptions and tells the server's moderators once; any other failure is
recorded on the post and retried next round, and the other channels carry on either way. A post or
digest Discord refuses as a bad request (another 4xx) MAX_REFUSALS times is set aside, so it cannot
hold up its channel for ever; server errors and lost connections are outages and never set anything
aside. Posts of stories that changed since are edited in place ("Updated: <note>").
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

import discord
from discord.ext import commands, tasks

from bot.presenting import fit
from bot.updates.commands import (
    digest_cards,
    feed_failing_notice,
    feed_recovered_notice,
    lost_channel_notice,
    post_card,
    post_content,
    update_note,
)
from bot.updates.delivery import digest_nonce, digest_period, next_digest_at
from bot.updates.filters import Mode
from bot.updates.models import MAX_REFUSALS, PAUSED_FORBIDDEN, PAUSED_NOT_FOUND, Post, Subscription
from bot.updates.pacing import Pacer, fair_order
from cogs._common import NO_MENTIONS, card_to_embed

if TYPE_CHECKING:
    from bot.client import NewsBot

log = logging.getLogger(__name__)

# Channels sent to at once: enough to reach the global limit over Discord's round trip (~100 ms),
# few enough that stopping leaves only these sends in flight.
SEND_CONCURRENCY = 10
PENDING_BATCH = 2000  # outbox rows read per round: a story for 1,000 channels goes out in one
SHUTDOWN_GRACE = 10.0  # seconds the send in flight may take to finish when the bot stops


class Sent(enum.Enum):
    """What became of one post's send."""

    SENT = enum.auto()
    SET_ASIDE = enum.auto()  # refused as a bad request too often: its channel's next post may go
    FAILED = enum.auto()  # its channel's other posts wait for the next round


def _refused(error: discord.HTTPException) -> bool:
    """Discord refused the request itself (400, 413, ...): sending it again as it is will not help.
    403 and 404 are handled as a lost channel before this is asked; 429 is a rate limit."""
    return 400 <= error.status < 500 and error.status not in (403, 404, 429)


class Poster(commands.Cog):
    """Runs `run_once` every `bot.poster_seconds` (None: only when called, as tests do)."""

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot
        self.updates = bot.updates
        self._round = asyncio.Lock()  # one round at a time, and shutdown waits for it
        self.pacer = Pacer()  # every channel send and edit waits its turn here
        self.concurrency = SEND_CONCURRENCY
        self._stopping = False
        # The latest digest time up to a day (a week) ago: a digest missed while the bot was down is
        # made in the first round; one already made for that period is not made again.
        now, settings = bot.clock.now(), bot.settings
        self._digest_due = {
            mode: next_digest_at(now - span, mode, settings.digest_time, settings.timezone)
            for mode, span in ((Mode.DAILY, timedelta(days=1)), (Mode.WEEKLY, timedelta(days=7)))
        }

    async def cog_load(self) -> None:
        if self.bot.poster_seconds is not None:
            self.loop.change_interval(seconds=self.bot.poster_seconds)
            self.loop.start()

    async def cog_unload(self) -> None:
        """On shutdown (SIGINT/SIGTERM close the bot): the send in flight finishes and is recorded,
        no other starts; the rest stays in the outbox for the next start."""
        self.stop_sending()
        self.loop.stop()
        try:
            async with asyncio.timeout(SHUTDOWN_GRACE), self._round:
                pass
        except TimeoutError:
            # Cut short: an unrecorded send is resent with its nonce next time, so never twice.
            log.warning("poster: a round was still running after %s s; stopping it", SHUTDOWN_GRACE)
        self.loop.cancel()

    def stop_sending(self) -> None:
        """Start no further send or edit (the one in flight completes)."""
        self._stopping = True

    @tasks.loop(seconds=5.0)
    async def loop(self) -> None:
        try:
            await self.run_once()
        except Exception:
            # One bad round must not end the loop: log it and try again next time.
            log.exception("poster round failed")

    @loop.before_loop
    async def before_loop(self) -> None:
        await self.bot.wait_until_ready()

    async def run_once(self) -> int:
        """Poll the feeds that are due, then send pending posts and digests and make pending edits.
        Returns how many posts and digests were sent."""
        async with self._round:
            if self._stopping:
                return 0
            if self.bot.poller is not None:
                for report in await self.bot.poller.poll_due():
                    if report.failing_announcement:
                        await self._tell_subscribers(feed_failing_notice(report.url, report.error))
                    elif report.recovered:
                        await self._tell_subscribers(feed_recovered_notice(report.url))
            await self._gather_digests()
            sent = await self.send_pending()
            sent += await self.send_digests()
            await self.edit_updated()
            return sent

    async def _gather_digests(self) -> None:
        """Make the daily and weekly digests that are due, and a catch-up digest for any channel
        with more than a handful of posts waiting (after downtime) instead of a burst of messages."""
        now = self.bot.clock.now()
        settings = self.bot.settings
        for mode in (Mode.DAILY, Mode.WEEKLY):
            due = self._digest_due[mode]
            if due <= now:
                await self.updates.create_digests(mode, digest_period(due, settings.timezone))
                self._digest_due[mode] = next_digest_at(
                    max(now, due), mode, settings.digest_time, settings.timezone
                )
        await self.updates.create_catch_ups()

    async def send_pending(self) -> int:
        """Send the outbox: each channel's posts in order, up to `concurrency` channels at once,
        channels taken server by server, every request paced under the global limit."""
        queues: dict[int, list[Post]] = {}
        posts = await self.updates.pending_posts(PENDING_BATCH)
        for post in posts:
            queues.setdefault(post.channel_id, []).append(post)
        order = fair_order((post.guild_id, post.channel_id) for post in posts)
        slots = asyncio.Semaphore(self.concurrency)
        sent = 0

        async def send_channel(channel_posts: list[Post]) -> None:
            nonlocal sent
            async with slots:
                for post in channel_posts:
                    if self._stopping:
                        return
                    await self.pacer.wait()
                    outcome = await self._send(post)
                    if outcome is Sent.FAILED:
                        return  # this channel failed: its other posts wait for the next round
                    sent += outcome is Sent.SENT

        async with asyncio.TaskGroup() as group:
            for channel_id in order:
                group.create_task(send_channel(queues[channel_id]))
        return sent

    async def send_digests(self) -> int:
        """Send each pending digest page by page; a restart resumes at the first unsent page."""
        sent = 0
        for digest in await self.updates.pending_digests():
            if self._stopping:
                break
            stories = [await self.updates.stored_story(story_id) for story_id in digest.story_ids]
            pages = digest_cards(digest.kind, digest.period, stories)
            channel = self.bot.get_partial_messageable(digest.channel_id, guild_id=digest.guild_id)
            try:
                for number in range(len(digest.message_ids), len(pages)):
                    await self.pacer.wait()
                    roles = digest.role_ids if number == 0 else ()
                    message = await channel.send(
                        content=post_content(roles),
                        embed=card_to_embed(pages[number]),
                        allowed_mentions=_roles_only(roles),
                        nonce=digest_nonce(digest.channel_id, digest.kind, digest.period, number),
                    )
                    await self.updates.digest_page_sent(digest.id, message.id)
            except discord.Forbidden as error:
                await self._lost(digest.guild_id, digest.channel_id, PAUSED_FORBIDDEN, error)
                continue
            except discord.NotFound as error:
                await self._lost(digest.guild_id, digest.channel_id, PAUSED_NOT_FOUND, error)
                continue
            except discord.HTTPException as error:
                log.warning("digest=%s to channel=%s failed: %s", digest.id, digest.channel_id, error)
                if await self.updates.record_digest_failed(digest.id, str(error), refused=_refused(error)):
                    log.warning("digest=%s set aside: Discord refused it %s times", digest.id, MAX_REFUSALS)
                continue
            await self.updates.mark_digest_sent(digest.id)
            log.info("sent digest=%s (%s) to channel=%s", digest.id, digest.kind, digest.channel_id)
            sent += 1
        return sent

    async def edit_updated(self) -> int:
        """Edit the posts whose story changed since: the card again, with "Updated: <note>" when the
        change has a note, marked withdrawn when GOV.UK withdrew the story."""
        edited = 0
        for post in await self.updates.pending_edits():
            if self._stopping:
                break
            assert post.message_id is not None  # pending_edits() returns sent posts only
            stored = await self.updates.stored_story(post.story_id)
            embed = card_to_embed(fit(post_card(stored, update_note=update_note(stored.story)))[0])
            channel = self.bot.get_partial_messageable(post.channel_id, guild_id=post.guild_id)
            await self.pacer.wait()
            try:
                # Only the embed changes: the role mention in the content is not sent again.
                await channel.get_partial_message(post.message_id).edit(embed=embed)
            except discord.NotFound:
                log.info("post=%s: message %s is gone, nothing to edit", post.id, post.message_id)
            except discord.Forbidden as error:
                # The bot lost access to the channel: paused like a refused send, the edit waits
                # for /updates resume instead of being refused again on every round.
                await self.updates.record_attempt_failed(post.id, str(error))
                await self._lost(post.guild_id, post.channel_id, PAUSED_FORBIDDEN, error)
                continue
            except discord.HTTPException as error:
                log.warning("editing post=%s in channel=%s failed: %s", post.id, post.channel_id, error)
                if await self.updates.record_attempt_failed(post.id, str(error), refused=_refused(error)):
                    log.warning("post=%s: edit given up, Discord refused it %s times", post.id, MAX_REFUSALS)
                    await self.updates.mark_edited(post.id)
                continue
            else:
                edited += 1
            await self.updates.mark_edited(post.id)
        return edited

    async def _send(self, post: Post) -> Sent:
        stored = await self.updates.stored_story(post.story_id)
        embed = card_to_embed(fit(post_card(stored))[0])  # the card is sized to fit one embed
        channel = self.bot.get_partial_messageable(post.channel_id, guild_id=post.guild_id)
        try:
            message = await channel.send(
                content=post_content(post.role_ids),
                embed=embed,
                allowed_mentions=_roles_only(post.role_ids),
                nonce=post.nonce,  # discord.py sends enforce_nonce with it
            )
        except discord.Forbidden as error:
            await self.updates.record_attempt_failed(post.id, str(error))
            await self._lost(post.guild_id, post.channel_id, PAUSED_FORBIDDEN, error)
            return Sent.FAILED
        except discord.NotFound as error:
            await self.updates.record_attempt_failed(post.id, str(error))
            await self._lost(post.guild_id, post.channel_id, PAUSED_NOT_FOUND, error)
            return Sent.FAILED
        except discord.HTTPException as error:
            log.warning("post=%s to channel=%s failed: %s", post.id, post.channel_id, error)
            if await self.updates.record_attempt_failed(post.id, str(error), refused=_refused(error)):
                log.warning("post=%s set aside: Discord refused it %s times", post.id, MAX_REFUSALS)
                return Sent.SET_ASIDE
            return Sent.FAILED
        await self.updates.mark_sent(post.id, message.id)
        log.info("posted story=%s to channel=%s message=%s", post.story_id, post.channel_id, message.id)
        return Sent.SENT

    async def _lost(self, guild_id: int, channel_id: int, reason: str, error: discord.HTTPException) -> None:
        log.warning("channel=%s guild=%s lost (%s): pausing its subscriptions", channel_id, guild_id, error)
        unannounced = await self.updates.channel_lost(channel_id, reason)
        if unannounced:
            await self._tell_moderators(guild_id, channel_id, unannounced, reason)

    async def _tell_subscribers(self, text: str) -> None:
        """Once per server: in the channel of its oldest active subscription (where the bot posts)."""
        for guild in self.bot.guilds:
            active = [s for s in await self.updates.list_subscriptions(guild.id) if not s.paused]
            if not active:
                continue
            channel = self.bot.get_partial_messageable(active[0].channel_id, guild_id=guild.id)
            try:
                await channel.send(text, allowed_mentions=NO_MENTIONS)
            except discord.HTTPException as error:
                log.warning("could not tell guild=%s about a feed: %s", guild.id, error)

    async def _tell_moderators(
        self, guild_id: int, channel_id: int, subscriptions: list[Subscription], reason: str
    ) -> None:
        """Once per loss, in the server's system channel when the bot may post there; either way
        `/updates list` shows the subscriptions as paused."""
        guild = self.bot.get_guild(guild_id)
        system = guild.system_channel if guild is not None else None
        if guild is None or system is None or system.id == channel_id:
            return
        if not system.permissions_for(guild.me).send_messages:
            return
        try:
            await system.send(
                lost_channel_notice(channel_id, len(subscriptions), reason), allowed_mentions=NO_MENTIONS
            )
        except discord.HTTPException as error:
            log.warning("could not tell guild=%s about channel=%s: %s", guild_id, channel_id, error)

    # --- the server changed: its subscriptions and pending posts go with it -----------------------

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        removed = await self.updates.remove_guild(guild.id)
        log.info("left guild=%s: removed %d subscription(s)", guild.id, removed)
        self.bot.dispatch("subscriptions_removed", guild.id, removed)  # observable, for tests

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        await self._channel_gone(channel.id)

    @commands.Cog.listener()
    async def on_raw_thread_delete(self, payload: discord.RawThreadDeleteEvent) -> None:
        await self._channel_gone(payload.thread_id)

    async def _channel_gone(self, channel_id: int) -> None:
        removed = await self.updates.remove_channel(channel_id)
        if removed:
            log.info("channel=%s deleted: removed %d subscription(s)", channel_id, removed)
        self.bot.dispatch("subscriptions_removed", channel_id, removed)  # observable, for tests


def _roles_only(role_ids: Sequence[int]) -> discord.AllowedMentions:
    """Mentions off except these roles (a subscription's role is the only mention the bot makes)."""
    if not role_ids:
        return NO_MENTIONS
    return discord.AllowedMentions(everyone=False, users=False, roles=[discord.Object(r) for r in role_ids])


async def setup(bot: NewsBot) -> None:
    await bot.add_cog(Poster(bot))
