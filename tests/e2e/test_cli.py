"""The bot's command line, run as a user would: `python run.py`, `sync` and `invite`.

REST goes to the fake through NEWSBOT_DISCORD_API_BASE, the setting meant for rate-limit proxies.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tests.e2e.fake_discord import FakeDiscord

RUN_PY = Path(__file__).resolve().parents[2] / "run.py"
INVITE_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 14) | (1 << 38)  # view, send, embed links, threads


async def run(cwd: Path, *args: str, **env: str) -> tuple[int, str, str]:
    # cwd is an empty folder, so no .env is read; only the settings given here apply.
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "NEWSBOT_"))}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(RUN_PY),
        *args,
        cwd=cwd,
        env={**clean, "NEWSBOT_DB_PATH": str(cwd / "newsbot.db"), **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def test_no_token_explains_how_to_get_one(tmp_path: Path) -> None:
    code, out, err = await run(tmp_path)
    assert code == 2
    assert "DISCORD_TOKEN" in err and "Reset Token" in err and "python run.py console" in err
    assert len(err.splitlines()) <= 8


async def test_invite_with_a_client_id_needs_no_token(tmp_path: Path) -> None:
    code, out, _ = await run(tmp_path, "invite", "--client-id", "123456789012345678")
    assert code == 0
    query = parse_qs(urlsplit(out.strip()).query)
    assert query["client_id"] == ["123456789012345678"]
    assert query["scope"] == ["bot applications.commands"]
    assert query["permissions"] == [str(INVITE_PERMISSIONS)]


async def test_invite_asks_discord_for_the_application(fake: FakeDiscord, tmp_path: Path) -> None:
    code, out, err = await run(
        tmp_path, "invite", DISCORD_TOKEN=fake.token, NEWSBOT_DISCORD_API_BASE=fake.api_base
    )
    assert code == 0, err
    assert parse_qs(urlsplit(out.strip()).query)["client_id"] == [fake.app_id]


async def test_invite_with_a_refused_token(fake: FakeDiscord, tmp_path: Path) -> None:
    wrong = "wrong-token.for-testing"
    code, out, err = await run(
        tmp_path, "invite", DISCORD_TOKEN=wrong, NEWSBOT_DISCORD_API_BASE=fake.api_base
    )
    assert code == 1
    assert "Discord refused DISCORD_TOKEN" in err
    assert wrong not in out + err


async def test_sync_forces_a_sync_every_time(fake: FakeDiscord, tmp_path: Path) -> None:
    env = {"DISCORD_TOKEN": fake.token, "NEWSBOT_DISCORD_API_BASE": fake.api_base}
    for expected in (1, 2):
        code, out, err = await run(tmp_path, "-v", "sync", **env)
        assert code == 0, err
        assert "Synced the slash commands" in out
        assert fake.sync_count == expected
        assert fake.token not in out + err
    assert [c["name"] for c in fake.synced[None]] == ["news", "updates"]
    assert not fake.connections, "sync needs no gateway connection"
