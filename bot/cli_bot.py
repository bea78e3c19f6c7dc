"""The bot's part of the command line: `python run.py` (start), `sync` and `invite`.

run.py wires these in. Only `bot.client` imports discord, and this module imports it lazily, when a
bot command runs, so `run.py ingest` and the console start without loading discord.py. Output here is
for the person at the terminal, hence print.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.config import Settings
from bot.errors import NewsBotError

EXIT_NO_TOKEN = 2

NO_TOKEN_HELP = """\
newsbot needs a Discord bot token, and DISCORD_TOKEN is not set.
  1. Open https://discord.com/developers/applications and press New Application.
  2. On its Bot page press Reset Token and copy the token (Discord shows it once).
  3. Put it in .env beside run.py:  DISCORD_TOKEN=<the token>   (.env.example lists every setting)
  4. Run `python run.py invite` and open the link it prints to add the bot to your server.
No token yet? Try every command offline on the sample stories:
  python run.py ingest data/samples && python run.py console
"""


def add_bot_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `sync` and `invite`; each sets `handler(settings, args) -> exit code`."""
    sync = subparsers.add_parser("sync", help="sync the slash commands to Discord now")
    sync.set_defaults(handler=cmd_sync)
    invite = subparsers.add_parser("invite", help="print the link that adds the bot to a server")
    invite.add_argument(
        "--client-id", type=int, help="the application id (default: asked from Discord with DISCORD_TOKEN)"
    )
    invite.set_defaults(handler=cmd_invite)


def run_bot(settings: Settings) -> int:
    """`python run.py` with no subcommand: start the bot and run until stopped."""
    if not settings.discord_token:
        return _no_token()
    from bot.client import configure_logging, serve

    configure_logging(settings.log_level, secrets=[settings.discord_token])
    try:
        asyncio.run(serve(settings))
    except NewsBotError as exc:
        print(exc.user_message, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


def cmd_sync(settings: Settings, args: argparse.Namespace) -> int:
    """Sync the command tree now, whatever the stored hash says."""
    if not settings.discord_token:
        return _no_token()
    from bot.client import redact_logs, sync_now

    redact_logs([settings.discord_token])  # run.py has set logging up (-v shows it)
    try:
        asyncio.run(sync_now(settings))
    except NewsBotError as exc:
        print(exc.user_message, file=sys.stderr)
        return 1
    where = f"guild {settings.dev_guild_id}" if settings.dev_guild_id else "every server (global commands)"
    print(f"Synced the slash commands to {where}.")
    return 0


def cmd_invite(settings: Settings, args: argparse.Namespace) -> int:
    from bot.client import fetch_application_id, invite_url, redact_logs

    redact_logs([settings.discord_token])

    client_id: int | None = args.client_id
    if client_id is None:
        if not settings.discord_token:
            print(
                "Give --client-id (the Application ID on the developer portal's General Information page),\n"
                "or set DISCORD_TOKEN so it can be asked from Discord.\n",
                file=sys.stderr,
            )
            return _no_token()
        try:
            client_id = asyncio.run(fetch_application_id(settings))
        except NewsBotError as exc:
            print(exc.user_message, "Or give --client-id.", file=sys.stderr)
            return 1
    print(invite_url(client_id))
    return 0


def _no_token() -> int:
    print(NO_TOKEN_HELP, end="", file=sys.stderr)
    return EXIT_NO_TOKEN
