import json
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

import run
from bot.cli_extract import extraction_record, format_extraction
from bot.extract import EXTRACTOR_VERSION, ReextractReport, extract, reextract_stored
from bot.models import Block, BlockKind, Extraction, Money, Quote, Sentence, Story
from bot.storage import open_store

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"

STORY_TEXT = """Press release: Harbour towns get £12 million for a ferry link

The Department for Transport has awarded £12 million to build two electric ferries, the Transport Secretary announced today (3 March 2025).

Transport Secretary Ann Smith said:

This link will cut journeys in half for thousands of people.

The ferries will enter service in May 2026.
"""

ATOM = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>tag:example,2005:/feed</id><title>Example</title><updated>2025-03-03T10:00:00Z</updated>
  <entry>
    <id>https://www.gov.uk/government/news/one#2025-03-03T10:00:00Z</id>
    <title>First story</title><updated>2025-03-03T10:00:00Z</updated>
    <link rel="alternate" type="text/html" href="https://www.gov.uk/government/news/one"/>
    <summary>The first story.</summary>
  </entry>
  <entry>
    <id>https://www.gov.uk/government/news/two#2025-03-02T10:00:00Z</id>
    <title>Second story</title><updated>2025-03-02T10:00:00Z</updated>
    <link rel="alternate" type="text/html" href="https://www.gov.uk/government/news/two"/>
    <summary>The second story.</summary>
  </entry>
</feed>
"""


def _run(argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("NEWSBOT_DB_PATH", str(tmp_path / "unused.db"))
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    return run.main(argv)


def test_extract_json_prints_one_object_per_story_with_the_agreed_fields(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    story_file = tmp_path / "ferry.txt"
    story_file.write_text(STORY_TEXT, encoding="utf-8")
    assert _run(["extract", "--json", str(story_file)], tmp_path, monkeypatch) == 0
    [line] = capsys.readouterr().out.splitlines()
    record = json.loads(line)
    assert list(record) == ["file", "title", "published", "summary", "quotes", "money"]
    assert record["file"] == str(story_file)
    assert record["published"] == "2025-03-03"
    assert record["summary"].startswith("The Department for Transport has awarded £12 million")
    assert [q["speaker"] for q in record["quotes"]] == ["Ann Smith"]
    assert set(record["quotes"][0]) == {"speaker", "role", "text"}
    [money] = record["money"]
    assert set(money) == {
        "surface",
        "amount",
        "currency",
        "is_funding",
        "purpose",
        "funder",
        "period",
        "part_of",
    }
    assert (money["surface"], money["amount"], money["currency"]) == ("£12 million", 12000000, "GBP")
    assert not (tmp_path / "unused.db").exists()


def test_extract_goes_on_after_a_bad_file_and_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "ferry.txt"
    good.write_text(STORY_TEXT, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "image.bin"
    binary.write_bytes(bytes(range(256)) * 4)
    missing = tmp_path / "missing.txt"
    argv = ["extract", str(empty), str(missing), str(good), str(binary)]
    assert _run(argv, tmp_path, monkeypatch) == 1
    captured = capsys.readouterr()
    errors = captured.err.splitlines()
    assert len(errors) == 3
    assert all(line.startswith("error: ") for line in errors)
    assert str(missing) in captured.err and "no such file" in captured.err
    assert "== Harbour towns get £12 million for a ferry link" in captured.out


def test_extract_gives_one_object_per_feed_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = tmp_path / "news.atom"
    feed.write_text(ATOM, encoding="utf-8")
    assert _run(["extract", "--json", str(feed)], tmp_path, monkeypatch) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["title"] for r in records] == ["First story", "Second story"]
    assert [r["published"] for r in records] == ["2025-03-03", "2025-03-02"]


def test_readable_report_lists_everything() -> None:
    story = Story("A title", (Block(BlockKind.PARAGRAPH, "Text."),), "a.txt", "text")
    extraction = Extraction(
        quotes=(Quote("Ann Smith", "Minister", "We will act.", 0),),
        money=(Money("£5m", Decimal(5000000), "GBP", True, 0, purpose="ferries", part_of="£12m"),),
        summary=(Sentence("The summary sentence.", 0, 1),),
    )
    report = format_extraction("a.txt", story, extraction)
    assert "The summary sentence." in report and "Ann Smith, Minister" in report
    assert "£5m = 5,000,000 GBP [funding] purpose: ferries; part of: £12m" in report
    record = extraction_record("a.txt", story, extraction)
    assert record["money"][0]["amount"] == 5000000 and record["published"] is None


@pytest.mark.skipif(not (SHARED / "fixtures" / "govuk").is_dir(), reason="../shared/fixtures is not present")
def test_extract_reads_every_fixture(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    files = sorted(
        str(p) for p in (SHARED / "fixtures" / "govuk").rglob("*") if p.suffix in {".txt", ".json", ".atom"}
    )
    assert _run(["extract", "--json", *files], tmp_path, monkeypatch) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    seed = next(r for r in records if r["file"].endswith("seed-news-story.txt"))
    assert [m["part_of"] for m in seed["money"]] == [None, "£40 million", "£40 million"]


def _stored_story(title: str) -> Story:
    blocks = (Block(BlockKind.PARAGRAPH, f"The council has announced £2 million for {title.lower()} today."),)
    return Story(title, blocks, f"{title}.txt", "text", published_at=datetime(2025, 1, 1, tzinfo=UTC))


async def test_reextract_updates_only_stale_stories(tmp_path: Path) -> None:
    async with open_store(tmp_path / "news.db") as store:
        stale = await store.save(_stored_story("Parks"), Extraction(version=0))
        current = await store.save(_stored_story("Roads"), extract(_stored_story("Roads")))
        report = await reextract_stored(store)
        assert report == ReextractReport(updated=1, failed=0)
        assert (await store.get(stale.story_id)).extraction.money[0].surface == "£2 million"
        assert (await store.get(current.story_id)).extraction.version == EXTRACTOR_VERSION
        assert await reextract_stored(store) == ReextractReport(0, 0)


async def test_reextract_keeps_going_when_one_story_fails(tmp_path: Path) -> None:
    def flaky(story: Story) -> Extraction:
        if story.title == "Parks":
            raise ValueError("extractor bug")
        return replace(extract(story), version=EXTRACTOR_VERSION)

    async with open_store(tmp_path / "news.db") as store:
        await store.save(_stored_story("Parks"), Extraction(version=0))
        await store.save(_stored_story("Roads"), Extraction(version=0))
        assert await reextract_stored(store, extractor=flaky) == ReextractReport(updated=1, failed=1)
        [still_stale] = await store.stories_needing_extraction(EXTRACTOR_VERSION)
        assert still_stale.title == "Parks"


def test_reextract_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(["--db", str(tmp_path / "news.db"), "reextract"], tmp_path, monkeypatch) == 0
    assert "Nothing to do" in capsys.readouterr().out


async def test_reextract_reads_in_batches_past_failures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.extract.REEXTRACT_BATCH", 2)

    def fails_on_a(story: Story) -> Extraction:
        if story.title.startswith("A"):
            raise ValueError("extractor bug")
        return extract(story)

    async with open_store(tmp_path / "news.db") as store:
        for title in ("A1", "A2", "B1", "A3", "B2", "B3", "B4"):
            await store.save(_stored_story(title), Extraction(version=0))
        assert await reextract_stored(store, extractor=fails_on_a) == ReextractReport(updated=4, failed=3)
        assert sorted(s.title for s in await store.stories_needing_extraction(EXTRACTOR_VERSION)) == [
            "A1",
            "A2",
            "A3",
        ]
