"""Delivery rules that need no Discord: idempotency keys for sends."""

from __future__ import annotations

import base64
import hashlib

NONCE_LENGTH = 25  # Discord's limit for a message nonce


def post_nonce(story_rowid: int, channel_id: int) -> str:
    """The same key for the same (story, channel) every time, so a resend after a crash is
    recognised by Discord (`enforce_nonce`) instead of creating a second message."""
    return _nonce(f"post:{story_rowid}:{channel_id}")


def digest_nonce(channel_id: int, kind: str, period: str, page: int = 0) -> str:
    return _nonce(f"digest:{channel_id}:{kind}:{period}:{page}")


def _nonce(key: str) -> str:
    digest = hashlib.sha256(key.encode()).digest()
    return base64.b32encode(digest).decode().lower()[:NONCE_LENGTH]
