"""IngestionService: files, folders and URLs, bad inputs, and feeds end to end against a local
server that serves the shared GOV.UK fixtures (feeds and Content API items) on 127.0.0.1."""

from __future__ import annotations

import json
import os
import sqlite3
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

import bot.ingest
from bot.extract import extract
from bot.fetch import Fetcher
from bot.ingest import THREAD_PARSE_BYTES, IngestionService, InputResult
from bot.models import Extraction, Quote, Story
from bot.storage import Store

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
SAMPLE_TEXT = """News story: Ministers open new cycle paths in Leeds

The Department for Transport has opened 12 miles of cycle paths.

Transport Minister Alex Example said:

We are making it easier to cycle to work.

The paths cost £3 million."""


def no_extraction(story: Story) -> Extraction:
    return Extraction(version=1)


async def collect(service: IngestionService, inputs: list[str]) -> list[InputResult]:
    return [result async for result in service.ingest(inputs)]


@dataclass
class FakeGovUk:
    """What the local server serves, and what it was asked for."""

    fixtures: Path
    content_api_status: int | None = None  # when set, every Content API request gets this status
    hits: Counter[str] = field(default_factory=Counter)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/api/content/government/news/{slug}", self.content_item)
        app.router.add_get("/api/content/{tail:.*}", self.not_found)
        app.router.add_get("/government/organisations/home-office.atom", self.feed("home-office.atom"))
        app.router.add_get(
            "/search/news-and-communications.atom", self.feed("search-news-and-communications.atom")
        )
        app.router.add_get("/html.atom", self.html)
        app.router.add_get("/gone", self.not_found)
        return app

    async def content_item(self, request: web.Request) -> web.Response:
        self.hits[request.path] += 1
        if self.content_api_status is not None:
            return web.Response(status=self.content_api_status, text="down for maintenance")
        file = self.fixtures / "content-api" / f"{request.match_info['slug']}.json"
        if not file.is_file():
            raise web.HTTPNotFound()
        return web.Response(body=file.read_bytes(), content_type="application/json", charset="utf-8")

    async def not_found(self, request: web.Request) -> web.Response:
        self.hits[request.path] += 1
        raise web.HTTPNotFound()

    def feed(self, name: str):  # noqa: ANN201 - an aiohttp handler
        async def handler(request: web.Request) -> web.Response:
            self.hits[request.path] += 1
            body = (self.fixtures / "atom" / name).read_bytes()
            return web.Response(body=body, content_type="application/atom+xml", charset="utf-8")

        return handler

    async def html(self, request: web.Request) -> web.Response:
        return web.Response(
            text="<!DOCTYPE html><html><body><h1>Sign in</h1></body></html>", content_type="text/html"
        )


@pytest.fixture
def govuk_fixtures(shared_dir: Path) -> Path:
    return shared_dir / "fixtures" / "govuk"


@pytest.fixture
async def govuk(govuk_fixtures: Path) -> AsyncIterator[tuple[FakeGovUk, str]]:
    fake = FakeGovUk(govuk_fixtures)
    server = TestServer(fake.app(), host="127.0.0.1", port=0)
    await server.start_server()
    try:
        yield fake, str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    async with Fetcher(total_timeout=5, read_timeout=2, host_interval=0) as f:
        yield f


@pytest.fixture
def service(store: Store, fetcher: Fetcher) -> IngestionService:
    return IngestionService(store, fetcher, "http://127.0.0.1:9", extractor=no_extraction)


# --- feeds end to end -----------------------------------------------------------------------------


async def test_feed_entries_are_completed_from_the_content_api(
    store: Store, fetcher: Fetcher, govuk: tuple[FakeGovUk, str]
) -> None:
    fake, base = govuk
    service = IngestionService(store, fetcher, base, extractor=no_extraction)
    results = await collect(service, [f"{base}/search/news-and-communications.atom?organisations[]=x"])
    assert [r.status for r in results] == ["new"] * 6, results
    assert all(r.reason is None for r in results)
    for stored in await store.latest(10):
        assert stored.story.complete and stored.story.content_id and stored.story.blocks
        assert stored.story.source_format == "content_api"

    again = await collect(service, [f"{base}/search/news-and-communications.atom"])
    assert [r.status for r in again] == ["unchanged"] * 6
    assert [r.story_id for r in again] == [r.story_id for r in results]
    # the stored stories are complete at the feed's version, so the Content API is not asked again
    assert all(count == 1 for path, count in fake.hits.items() if path.startswith("/api/content"))


async def test_non_news_entries_are_skipped_without_fetching(
    store: Store, fetcher: Fetcher, govuk: tuple[FakeGovUk, str]
) -> None:
    fake, base = govuk
    service = IngestionService(store, fetcher, base, extractor=no_extraction)
    results = await collect(service, [f"{base}/government/organisations/home-office.atom"])
    assert sorted(r.status for r in results) == ["new", "skipped", "skipped", "skipped"]
    assert all(r.reason for r in results if r.status == "skipped")
    assert [p for p in fake.hits if p.startswith("/api/content")] == [
        "/api/content/government/news/new-frank-adverts-mark-tenth-anniversary--2"
    ]
    frank = next(r for r in results if r.status == "new")
    assert frank.input.endswith("» /government/news/new-frank-adverts-mark-tenth-anniversary--2")
    assert (await store.get(frank.story_id or "")).story.complete


async def test_content_api_down_keeps_the_feed_summary_then_completes_later(
    store: Store, fetcher: Fetcher, govuk: tuple[FakeGovUk, str]
) -> None:
    fake, base = govuk
    service = IngestionService(store, fetcher, base, extractor=no_extraction)
    feed = f"{base}/search/news-and-communications.atom"
    fake.content_api_status = 500
    first = await collect(service, [feed])
    assert [r.status for r in first] == ["new"] * 6
    assert all("HTTP 500 from" in (r.reason or "") for r in first)
    stored = await store.latest(10)
    assert len(stored) == 6 and not any(s.story.complete for s in stored)
    assert all(s.story.description for s in stored)

    fake.content_api_status = None
    second = await collect(service, [feed])
    assert [r.status for r in second] == ["updated"] * 6
    assert all(r.reason == "completed from the Content API" for r in second)
    assert [r.story_id for r in second] == [r.story_id for r in first]
    assert all(s.story.complete for s in await store.latest(10))

    # and if the Content API fails again, the full stories stay
    fake.content_api_status = 503
    third = await collect(service, [feed])
    assert [r.status for r in third] == ["unchanged"] * 6
    assert all(s.story.complete for s in await store.latest(10))


async def test_html_where_a_feed_was_expected_fails_clearly(
    service: IngestionService, govuk: tuple[FakeGovUk, str]
) -> None:
    _, base = govuk
    [result] = await collect(service, [f"{base}/html.atom"])
    assert result.status == "failed" and "feed" in (result.reason or "")


async def test_http_errors_fail_the_url_only(service: IngestionService, govuk: tuple[FakeGovUk, str]) -> None:
    _, base = govuk
    results = await collect(service, [f"{base}/gone", f"{base}/government/organisations/home-office.atom"])
    assert results[0] == InputResult(f"{base}/gone", "failed", f"HTTP 404 from {base}/gone.")
    assert len(results) == 5


async def test_bodies_supplied_in_the_batch_are_used_instead_of_fetched(
    store: Store, fetcher: Fetcher
) -> None:
    # data/samples holds feeds whose entries point at Content API items that are also there as JSON
    # files, and the feeds sort first: no entry may go to the network for a body the batch holds.
    requests: list[str] = []

    async def record(request: web.Request) -> web.Response:
        requests.append(request.path)
        raise web.HTTPServiceUnavailable()

    app = web.Application()
    app.router.add_get("/{tail:.*}", record)
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    try:
        base = str(server.make_url("")).rstrip("/")
        service = IngestionService(store, fetcher, base, extractor=no_extraction)
        results = await collect(service, [str(SAMPLES)])
    finally:
        await server.close()
    assert requests == []
    assert not any(r.failed or "not fetched" in (r.reason or "") for r in results), results
    # Every other input first, then each feed's entries, feed by feed in input order.
    entries = [i for i, r in enumerate(results) if " » " in r.input]
    assert entries == list(range(len(results) - len(entries), len(results)))
    feeds = [r.input.split(" » ")[0] for r in results[entries[0] :]]
    assert feeds == sorted(feeds)
    assert all(s.story.complete for s in await store.latest(100) if s.story.content_id)


# --- files and folders ----------------------------------------------------------------------------


async def test_fixture_files_twice(service: IngestionService, govuk_fixtures: Path) -> None:
    inputs = [str(govuk_fixtures / "content-api"), str(govuk_fixtures / "seed-news-story.txt")]
    first = await collect(service, inputs)
    assert [r.status for r in first] == ["new"] * 7, first
    assert len({r.story_id for r in first}) == 7
    assert all(r.story_id and len(r.story_id) <= 40 for r in first)
    second = await collect(service, inputs)
    assert [r.status for r in second] == ["unchanged"] * 7


async def test_bad_inputs_each_get_a_clear_line_and_the_rest_are_stored(
    store: Store, fetcher: Fetcher, tmp_path: Path
) -> None:
    good = tmp_path / "good.txt"
    good.write_text(SAMPLE_TEXT, encoding="utf-8")
    (tmp_path / "empty-folder").mkdir()
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.bin").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "latin1.txt").write_bytes("News story: Caf\xe9 opens\n\nA caf\xe9 opened.".encode("latin-1"))
    (tmp_path / "truncated.json").write_text(
        '{"schema_name": "news_article", "title": "Half', encoding="utf-8"
    )
    (tmp_path / "bomb.xml").write_text(
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>&lol2;</title></feed>',
        encoding="utf-8",
    )
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:  # sparse: 50 MB on paper, nothing on disk
        handle.truncate(50 * 1024 * 1024)
    os.mkfifo(tmp_path / "pipe")  # reading it would wait forever for a writer
    names = [
        "missing.txt",
        "pipe",
        "empty-folder",
        "empty.txt",
        "binary.bin",
        "latin1.txt",
        "truncated.json",
        "bomb.xml",
        "big.txt",
    ]
    service = IngestionService(store, fetcher, "http://127.0.0.1:9", extractor=no_extraction)
    results = await collect(service, [str(tmp_path / n) for n in names] + [str(good)])
    assert [r.input for r in results] == [str(tmp_path / n) for n in names] + [str(good)]
    *bad, ok = results
    for result in bad:
        assert result.status == "failed", result
        assert result.reason and len(result.reason) < 300
    reasons = {Path(r.input).name: r.reason or "" for r in bad}
    assert "no such file" in reasons["missing.txt"]
    assert "no story files" in reasons["empty-folder"]
    assert "not a regular file" in reasons["pipe"]
    assert "larger than 20 MB" in reasons["big.txt"]
    assert "UTF-8" in reasons["latin1.txt"]
    assert ok.status == "new" and ok.title == "Ministers open new cycle paths in Leeds"
    assert await store.count() == 1


async def test_files_larger_than_the_cap_are_not_read(store: Store, fetcher: Fetcher, tmp_path: Path) -> None:
    file = tmp_path / "story.txt"
    file.write_text(SAMPLE_TEXT, encoding="utf-8")
    service = IngestionService(store, fetcher, extractor=no_extraction, max_file_bytes=100)
    [result] = await collect(service, [str(file)])
    assert result.status == "failed" and "larger than" in (result.reason or "")


async def test_a_file_larger_than_the_inline_limit_is_read_in_a_thread(
    store: Store, fetcher: Fetcher, tmp_path: Path
) -> None:
    file = tmp_path / "long.txt"
    filler = "\n\nThe council met again to discuss the cycle paths." * 6000
    file.write_text(SAMPLE_TEXT + filler, encoding="utf-8")
    assert file.stat().st_size > THREAD_PARSE_BYTES
    service = IngestionService(store, fetcher, extractor=no_extraction)
    [result] = await collect(service, [str(file)])
    assert result.status == "new" and result.title == "Ministers open new cycle paths in Leeds"


async def test_folders_are_recursive_and_skip_hidden_files(service: IngestionService, tmp_path: Path) -> None:
    tmp_path = tmp_path / "inputs"
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    (tmp_path / "a" / "b" / "one.txt").write_text(SAMPLE_TEXT, encoding="utf-8")
    (tmp_path / "a" / "two.txt").write_text(SAMPLE_TEXT.replace("Leeds", "York"), encoding="utf-8")
    (tmp_path / "a" / ".hidden.txt").write_text(SAMPLE_TEXT.replace("Leeds", "Hull"), encoding="utf-8")
    (tmp_path / ".git" / "config.txt").write_text(SAMPLE_TEXT.replace("Leeds", "Ely"), encoding="utf-8")
    (tmp_path / "a" / "newsbot.db").write_bytes(b"SQLite format 3\x00")
    (tmp_path / "a" / "README.md").write_text(
        "# Stories for the demo\n\nThese are samples.\n", encoding="utf-8"
    )
    results = await collect(service, [str(tmp_path)])
    assert sorted(Path(r.input).name for r in results) == ["one.txt", "two.txt"]
    assert sorted(await service.plan([str(tmp_path)])) == [
        str(tmp_path / "a" / "b" / "one.txt"),
        str(tmp_path / "a" / "two.txt"),
    ]


async def test_extraction_runs_and_is_stored(store: Store, fetcher: Fetcher, tmp_path: Path) -> None:
    file = tmp_path / "story.txt"
    file.write_text(SAMPLE_TEXT, encoding="utf-8")
    quote = Quote("Alex Example", "Transport Minister", "We are making it easier to cycle to work.", 3)
    service = IngestionService(store, fetcher, extractor=lambda s: Extraction(quotes=(quote,), version=7))
    [result] = await collect(service, [str(file)])
    stored = await store.get(result.story_id or "")
    assert stored.extraction.quotes == (quote,) and stored.extraction.version == 7


async def test_a_crashing_extractor_still_stores_the_story(
    store: Store, fetcher: Fetcher, tmp_path: Path
) -> None:
    def broken(story: Story) -> Extraction:
        raise ZeroDivisionError

    file = tmp_path / "story.txt"
    file.write_text(SAMPLE_TEXT, encoding="utf-8")
    service = IngestionService(store, fetcher, extractor=broken)
    [result] = await collect(service, [str(file)])
    assert result.status == "new" and "extraction failed" in (result.reason or "")
    assert await store.stories_needing_extraction(1)  # left for `reextract`


async def test_an_extractor_crashing_on_one_story_of_a_batch_leaves_the_others_whole(
    store: Store, fetcher: Fetcher, tmp_path: Path
) -> None:
    def fussy(story: Story) -> Extraction:
        if "Bridges" in story.title:
            raise ZeroDivisionError
        return extract(story)

    for title in ("Roads", "Bridges", "Tunnels"):
        (tmp_path / f"{title}.txt").write_text(
            SAMPLE_TEXT.replace("Ministers open new cycle paths in Leeds", f"{title} repaired"),
            encoding="utf-8",
        )
    service = IngestionService(store, fetcher, extractor=fussy)
    results = {r.title: r for r in await collect(service, [str(tmp_path)])}
    assert {title: r.status for title, r in results.items()} == {
        "Roads repaired": "new",
        "Bridges repaired": "new",
        "Tunnels repaired": "new",
    }
    assert "extraction failed" in (results["Bridges repaired"].reason or "")
    assert results["Roads repaired"].reason is None and results["Tunnels repaired"].reason is None
    stale = await store.stories_needing_extraction(1)
    assert [story.title for story in stale] == ["Bridges repaired"]


async def test_a_crashing_parser_fails_that_input_only(
    service: IngestionService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = bot.ingest.parse_document

    def flaky(data: bytes, source: str, expected: str | None = None) -> object:
        if "bad" in source:
            raise RuntimeError("parser bug")
        return real(data, source, expected)  # type: ignore[arg-type]

    monkeypatch.setattr(bot.ingest, "parse_document", flaky)
    (tmp_path / "bad.txt").write_text(SAMPLE_TEXT, encoding="utf-8")
    (tmp_path / "good.txt").write_text(SAMPLE_TEXT, encoding="utf-8")
    results = await collect(service, [str(tmp_path / "bad.txt"), str(tmp_path / "good.txt")])
    assert [r.status for r in results] == ["failed", "new"]
    assert results[0].reason == "Unexpected error (details in the log)."


async def test_ingest_bytes(service: IngestionService, govuk_fixtures: Path) -> None:
    item = json.loads(
        (govuk_fixtures / "content-api" / "christmas-2016-prime-ministers-message.json").read_text()
    )
    results = [r async for r in service.ingest_bytes(json.dumps(item).encode(), "upload.json")]
    assert [r.status for r in results] == ["new"]


def test_default_extractor_is_bot_extract(store: Store, fetcher: Fetcher) -> None:
    extract = getattr(pytest.importorskip("bot.extract"), "extract", None)
    if extract is None:
        pytest.skip("bot.extract.extract has not landed yet")
    assert IngestionService(store, fetcher).extractor is extract


async def test_stories_commit_in_batches_in_order_and_a_failing_save_fails_alone(
    service: IngestionService, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "inputs"
    folder.mkdir()
    towns = [f"Town{i}" for i in range(7)]
    for i, town in enumerate(towns):
        (folder / f"{i}.txt").write_text(SAMPLE_TEXT.replace("Leeds", town), encoding="utf-8")
    (folder / "3b.txt").write_text("", encoding="utf-8")  # a bad input among them
    monkeypatch.setattr(bot.ingest, "BATCH_STORIES", 3)
    calls: list[int] = []
    real = store.save_many

    async def save_many(items: list[tuple[Story, Extraction]]) -> list[object]:
        calls.append(len(items))
        if any("Town5" in story.title for story, _ in items):
            # a story that fails inside the batch: the others of that batch are still saved
            kept = await real([item for item in items if "Town5" not in item[0].title])
            index = next(i for i, (story, _) in enumerate(items) if "Town5" in story.title)
            return [*kept[:index], RuntimeError("boom"), *kept[index:]]
        return await real(items)

    monkeypatch.setattr(store, "save_many", save_many)
    results = await collect(service, [str(folder)])
    assert [Path(r.input).name for r in results] == sorted(p.name for p in folder.iterdir())
    assert [r.status for r in results] == ["new"] * 4 + ["failed"] + ["new", "failed", "new"]
    assert calls and max(calls) <= 3 and sum(calls) == 7
    assert await store.count() == 6


async def test_a_batch_that_cannot_be_committed_fails_its_stories_and_ingest_goes_on(
    service: IngestionService, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for town in ("Leeds", "York"):
        (tmp_path / f"{town}.txt").write_text(SAMPLE_TEXT.replace("Leeds", town), encoding="utf-8")

    async def disk_full(items: list[tuple[Story, Extraction]]) -> list[object]:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(store, "save_many", disk_full)
    results = await collect(service, [str(tmp_path / "Leeds.txt"), str(tmp_path / "York.txt")])
    assert [(Path(r.input).name, r.status) for r in results] == [
        ("Leeds.txt", "failed"),
        ("York.txt", "failed"),
    ]
