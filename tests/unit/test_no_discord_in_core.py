"""bot/ is the core: nothing in it but client.py may import discord (see STYLE.md)."""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parents[2] / "bot"
ALLOWED = {BOT / "client.py"}


def discord_imports(path: Path) -> list[int]:
    """Line numbers of `import discord...` / `from discord... import` anywhere in the file."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        else:
            continue
        if any(name == "discord" or name.startswith("discord.") for name in names):
            lines.append(node.lineno)
    return sorted(lines)


def test_only_client_imports_discord() -> None:
    offenders = [
        f"{path.relative_to(BOT.parent)}:{line}"
        for path in sorted(BOT.rglob("*.py"))
        if path not in ALLOWED
        for line in discord_imports(path)
    ]
    assert not offenders, f"discord imported outside bot/client.py: {offenders}"


def test_the_scan_finds_imports(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import os\nif True:\n    from discord.ext import commands\nimport discord as d\n")
    assert discord_imports(sample) == [3, 4]
