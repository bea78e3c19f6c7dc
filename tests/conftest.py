"""Fixtures shared by every test: the shared fixtures folder and a fresh store per test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage import Store, open_store

SHARED_DIR = Path(__file__).resolve().parents[1] / ".." / "shared"


@pytest.fixture
def shared_dir() -> Path:
    """../shared beside the repo root (fixtures and corpus); skips the test when it is absent."""
    if not SHARED_DIR.is_dir():
        pytest.skip(
            f"shared fixtures not found at {SHARED_DIR.resolve()} (expected ../shared beside the repo)"
        )
    return SHARED_DIR.resolve()


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with open_store(tmp_path / "newsbot.db") as opened:
        yield opened
