"""run.py: help, exit codes, ingest output and the stories listing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import run

REPO = Path(__file__).resolve().parents[2]

STORY = """News story: Ministers open new cycle paths in {town}

The Department for Transport has opened 12 miles of cycle paths in {town}.

The paths cost £3 million."""


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in an empty folder (no .env) with the database in tmp_path."""
    monkeypatch.chdir(tmp_path)
    for name in ("NEWSBOT_DB_PATH", "NEWSBOT_CONTENT_API_BASE", "DISCORD_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NEWSBOT_DB_PATH", str(tmp_path / "cli.db"))
    monkeypatch.setenv("NEWSBOT_CONTENT_API_BASE", "http://127.0.0.1:9")
    return tmp_path


def write_story(folder: Path, town: str) -> Path:
    path = folder / f"{town.lower()}.txt"
    path.write_text(STORY.format(town=town), encoding="utf-8")
    return path


def test_help_documents_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        run.main(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    for word in ("ingest", "stories", "NEWSBOT_DB_PATH", "NEWSBOT_CONTENT_API_BASE", "--db"):
        assert word in out


@pytest.mark.parametrize("command", ["ingest", "stories"])
def test_each_subcommand_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        run.main([command, "--help"])
    assert done.value.code == 0
    assert command in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv", [["ingest"], ["stories", "--limit", "0"], ["stories", "--limit", "many"], ["frobnicate"]]
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        run.main(argv)
    assert done.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_ingest_then_again_then_list(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    leeds, york = write_story(isolated, "Leeds"), write_story(isolated, "York")
    assert run.main(["ingest", str(leeds), str(york)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert (
        out[0].startswith("new")
        and str(leeds) in out[0]
        and "→ ministers-open-new-cycle-paths-in-leeds" in out[0]
    )
    assert out[-1] == "2 results: 2 new, 0 updated, 0 unchanged, 0 skipped, 0 failed"

    assert run.main(["ingest", str(isolated)]) == 0
    assert "2 unchanged" in capsys.readouterr().out

    assert run.main(["stories", "--limit", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    assert "ministers-open-new-cycle-paths-in" in lines[0] and "Ministers open new cycle paths in" in lines[0]


def test_a_failed_input_exits_1_and_the_rest_are_stored(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    leeds = write_story(isolated, "Leeds")
    (isolated / "empty.txt").write_bytes(b"")
    assert run.main(["ingest", str(isolated / "missing.txt"), str(isolated / "empty.txt"), str(leeds)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("failed") and "missing.txt: " in out[0]
    assert out[1].startswith("failed") and "empty.txt: " in out[1]
    assert out[2].startswith("new")
    assert out[-1].endswith("1 new, 0 updated, 0 unchanged, 0 skipped, 2 failed")


def test_stories_on_an_empty_database(capsys: pytest.CaptureFixture[str]) -> None:
    assert run.main(["stories"]) == 0
    assert "No stories stored yet" in capsys.readouterr().out


def test_db_option_overrides_the_setting(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = isolated / "other" / "db.sqlite"
    assert run.main(["--db", str(other), "ingest", str(write_story(isolated, "Leeds"))]) == 0
    assert other.exists() and not (isolated / "cli.db").exists()


def test_progress_bar_on_a_terminal_for_large_batches(
    isolated: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = isolated / "many"
    folder.mkdir()
    for i in range(run.PROGRESS_MIN_INPUTS):
        write_story(folder, f"Town{i}")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert run.main(["ingest", str(folder)]) == 0
    captured = capsys.readouterr()
    assert f"{run.PROGRESS_MIN_INPUTS}/{run.PROGRESS_MIN_INPUTS}" in captured.err
    assert captured.out.count("\nnew") == run.PROGRESS_MIN_INPUTS - 1


def test_run_py_as_a_script(isolated: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "run.py"), "ingest"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2 and "required: PATH|URL" in done.stderr
    done = subprocess.run(
        [sys.executable, str(REPO / "run.py"), "stories", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and "newest first" in done.stdout


def test_a_reader_that_stops_early_gets_no_traceback(isolated: Path) -> None:
    # `run.py stories | head -1`: the reading end is closed before run.py (still importing) writes.
    proc = subprocess.Popen(
        [sys.executable, str(REPO / "run.py"), "stories"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    errors = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 1
    assert "Traceback" not in errors and "BrokenPipeError" not in errors
