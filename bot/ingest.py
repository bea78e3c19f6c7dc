"""IngestionService: files, folders and URLs in; parsed, extracted and stored stories out.

Every input gets a result (new / updated / unchanged / skipped / failed, with the reason), and a
feed gets one per entry. One bad input never stops the batch: its problem becomes its result.
"""

from __future__ import annotations

import asyncio
import logging
import os
import stat
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from bot.config import DEFAULT_CONTENT_API_BASE
from bot.errors import FetchError, InputError, UnsupportedInput
from bot.fetch import Fetcher
from bot.models import Extraction, Story
from bot.parsing import MAX_INPUT_BYTES, FeedEntry, parse_document
from bot.storage import SAVE_BATCH_SECONDS, SAVE_BATCH_STORIES, Store

log = logging.getLogger(__name__)

InputStatus = Literal["new", "updated", "unchanged", "skipped", "failed"]
STATUSES: tuple[InputStatus, ...] = ("new", "updated", "unchanged", "skipped", "failed")
# Parsing is CPU work on the event loop's thread; big inputs go to a worker thread so a running
# bot keeps answering while a large feed or file is parsed.
THREAD_PARSE_BYTES = 256 * 1024
CONTENT_API_ACCEPT = "application/json"
FEED_SUFFIXES = (".atom", ".rss", ".xml")
# Skipped when walking a folder (named explicitly they are still tried): `ingest data` must not
# report newsbot's own database, which lives there, as a failed input.
NOT_STORIES = (".db", ".db-wal", ".db-shm", ".db-journal", ".sqlite", ".sqlite3", ".pyc")
NOT_STORY_NAMES = ("README", "LICENSE", "LICENCE")  # a folder's notes about its stories

# Stories are committed in batches (one SAVEPOINT each, see Store.save_many): at most this many,
# or this long after the first one waits, and always before anything that waits on the network and
# before ingest() ends. A result is yielded only once its story is committed.
BATCH_STORIES = SAVE_BATCH_STORIES
BATCH_SECONDS = SAVE_BATCH_SECONDS

Extractor = Callable[[Story], Extraction]


@dataclass(frozen=True, slots=True)
class InputResult:
    input: str  # the file path or URL; for a feed entry, "<feed> » <entry path>"
    status: InputStatus
    reason: str | None = None
    story_id: str | None = None
    title: str | None = None

    @property
    def failed(self) -> bool:
        return self.status == "failed"


@dataclass(frozen=True, slots=True)
class _Pending:
    """A parsed story waiting for its batch to be extracted and committed."""

    name: str
    story: Story


class _Flush:
    """Yielded by the inner steps before they wait on the network or read what was saved."""


FLUSH = _Flush()
_Step = InputResult | _Pending | _Flush


class _Batch:
    """Results in input order; pending saves are committed together by `flush`."""

    def __init__(self, store: Store, extract: Callable[[Story, str], tuple[Extraction, str | None]]) -> None:
        self.store = store
        self.extract = extract
        self.queue: list[InputResult | _Pending] = []
        self.pending = 0
        self.first_pending_at = 0.0

    def add(self, step: InputResult | _Pending) -> None:
        if isinstance(step, _Pending):
            if not self.pending:
                self.first_pending_at = time.monotonic()
            self.pending += 1
        self.queue.append(step)

    def due(self) -> bool:
        return self.pending >= BATCH_STORIES or (
            self.pending > 0 and time.monotonic() - self.first_pending_at >= BATCH_SECONDS
        )

    async def flush(self) -> list[InputResult]:
        """Extract and commit the pending stories; return every queued result, in order."""
        waiting = [step for step in self.queue if isinstance(step, _Pending)]
        # The whole batch is extracted back to back, after it was parsed: each phase keeps its code
        # and data in the CPU caches, 10-15 % faster than alternating (docs/benchmarks.md).
        extracted = [self.extract(p.story, p.name) for p in waiting]
        try:
            outcomes = await self.store.save_many(
                [(p.story, e) for p, (e, _) in zip(waiting, extracted, strict=True)]
            )
        except Exception as error:  # the COMMIT itself failed (disk full...): none of them was stored
            log.exception("storing a batch of %d stories failed", len(waiting))
            outcomes = [error] * len(waiting)
        saved = iter(zip(outcomes, extracted, strict=True))
        results: list[InputResult] = []
        for step in self.queue:
            if isinstance(step, InputResult):
                results.append(step)
                continue
            outcome, (_, reason) = next(saved)
            if isinstance(outcome, Exception):
                log.error("storing %s failed unexpectedly", step.name, exc_info=outcome)
                results.append(InputResult(step.name, "failed", "Unexpected error (details in the log)."))
            else:
                results.append(
                    InputResult(step.name, outcome.status, reason, outcome.story_id, step.story.title)
                )
        self.queue, self.pending = [], 0
        return results


class IngestionService:
    """Parse, extract and store. `extractor` defaults to `bot.extract.extract`."""

    def __init__(
        self,
        store: Store,
        fetcher: Fetcher,
        content_api_base: str = DEFAULT_CONTENT_API_BASE,
        *,
        extractor: Extractor | None = None,
        max_file_bytes: int = MAX_INPUT_BYTES,
    ) -> None:
        if extractor is None:
            from bot.extract import extract as extractor
        self.store = store
        self.fetcher = fetcher
        self.content_api_base = content_api_base.rstrip("/")
        self.extractor: Extractor = extractor
        self.max_file_bytes = max_file_bytes

    async def plan(self, inputs: Iterable[str]) -> list[str]:
        """The inputs with each folder replaced by its files (recursively, hidden ones skipped).

        URLs, files and missing paths stay as they are; an empty folder stays so it is reported.
        """
        return await asyncio.to_thread(_expand, list(inputs))

    async def ingest(self, inputs: Iterable[str]) -> AsyncIterator[InputResult]:
        """One result per input (per entry for feeds); never raises for a bad input.

        Inputs are handled in order, except that feed entries wait until every other input of the
        batch is stored, then come feed by feed in input order: an entry that needs its body from
        the Content API then finds it already stored when the batch supplied it too (a Content API
        JSON file beside the feed) instead of fetching it. A feed that cannot be read at all still
        gets its line in its turn.

        Each result comes once its story is committed: stories are committed in small batches
        (BATCH_STORIES, BATCH_SECONDS), each story in its own savepoint.
        """
        batch = _Batch(self.store, self._extract)
        deferred: list[tuple[str, FeedEntry]] = []
        for name in await self.plan(inputs):
            steps = self._ingest_url(name, deferred) if _is_url(name) else self._ingest_path(name, deferred)
            try:
                async for step in steps:
                    for result in await _take(batch, step):
                        yield result
            except Exception:
                # A bug in a parser or extractor must not lose the rest of the batch.
                log.exception("ingesting %s failed unexpectedly", name)
                batch.add(InputResult(name, "failed", "Unexpected error (details in the log)."))
        for source, entry in deferred:
            async for step in self._entry(source, entry):
                for result in await _take(batch, step):
                    yield result
        for result in await batch.flush():
            yield result

    async def ingest_bytes(self, data: bytes, source: str) -> AsyncIterator[InputResult]:
        """Ingest a document already in memory (an upload, a fetched page)."""
        batch = _Batch(self.store, self._extract)
        async for step in self._ingest_document(data, source):
            for result in await _take(batch, step):
                yield result
        for result in await batch.flush():
            yield result

    async def _ingest_url(
        self, url: str, deferred: list[tuple[str, FeedEntry]] | None = None
    ) -> AsyncIterator[_Step]:
        yield FLUSH  # commit and report what came before while the network is awaited
        try:
            fetched = await self.fetcher.get(url)
        except FetchError as error:
            yield InputResult(url, "failed", error.user_message)
            return
        async for result in self._ingest_document(fetched.body, url, deferred):
            yield result

    async def _ingest_path(
        self, name: str, deferred: list[tuple[str, FeedEntry]] | None = None
    ) -> AsyncIterator[_Step]:
        path = Path(name)
        try:
            data = await _read_file(path, self.max_file_bytes)
        except InputError as error:
            yield InputResult(name, "failed", error.user_message)
            return
        async for result in self._ingest_document(data, name, deferred):
            yield result

    async def _ingest_document(
        self, data: bytes, source: str, deferred: list[tuple[str, FeedEntry]] | None = None
    ) -> AsyncIterator[_Step]:
        """The document's stories, then its feed entries (or, given `deferred`, add them to it)."""
        try:
            expected = "feed" if _looks_like_feed(source) else None
            if len(data) > THREAD_PARSE_BYTES:
                document = await asyncio.to_thread(parse_document, data, source, expected)
            else:
                document = parse_document(data, source, expected)
        except UnsupportedInput as error:
            yield InputResult(source, "skipped", error.user_message)
            return
        except InputError as error:
            yield InputResult(source, "failed", error.user_message)
            return
        if not document.stories and not document.feed_entries:
            yield InputResult(source, "failed", f"No news stories found in {source}.")
            return
        for story in document.stories:
            yield _Pending(source, story)
        if deferred is not None:
            deferred.extend((source, entry) for entry in document.feed_entries)
            return
        for entry in document.feed_entries:
            async for step in self._entry(source, entry):
                yield step

    async def _entry(self, source: str, entry: FeedEntry) -> AsyncIterator[_Step]:
        name = f"{source} » {entry.base_path or entry.story.url or entry.story.title}"
        if entry.skip_reason:
            yield InputResult(name, "skipped", entry.skip_reason, title=entry.story.title)
        elif not entry.needs_body or not entry.base_path:
            yield _Pending(name, entry.story)
        else:
            yield FLUSH  # it reads what was stored before it, and may wait on the Content API
            yield await self._guarded(name, self._ingest_entry(entry, name))

    async def _guarded(self, name: str, work: Awaitable[InputResult]) -> InputResult:
        """One story's result; a bug while handling it fails that story, not the feed it came in."""
        try:
            return await work
        except Exception:
            log.exception("ingesting %s failed unexpectedly", name)
            return InputResult(name, "failed", "Unexpected error (details in the log).")

    async def _ingest_entry(self, entry: FeedEntry, name: str) -> InputResult:
        """A feed entry whose body comes from the Content API (saved on its own, at once)."""
        known = await self.store.lookup(entry.story)
        if (
            known is not None
            and known.story.complete
            and entry.story.updated_at is not None
            and known.story.updated_at == entry.story.updated_at
        ):
            # Already stored in full at this version: no need to ask the Content API again.
            return InputResult(name, "unchanged", story_id=known.story.id, title=known.story.title)
        url = f"{self.content_api_base}/api/content{entry.base_path}"
        try:
            fetched = await self.fetcher.get(url, accept=CONTENT_API_ACCEPT)
            document = parse_document(fetched.body, url)
            if not document.stories:
                raise InputError(f"{url} did not contain a news story.")
        except UnsupportedInput as error:
            return InputResult(name, "skipped", error.user_message, title=entry.story.title)
        except InputError as error:  # FetchError included
            kept = await self._save(entry.story, name)
            if kept.status == "unchanged" and known is not None and known.story.complete:
                note = "kept the full story already stored"
            else:
                note = "stored the feed's summary for now; ingesting again later completes it"
            return _with_reason(kept, f"Body not fetched ({error.user_message.rstrip('.')}); {note}.")
        completed = known is not None and not known.story.complete
        result = await self._save(document.stories[0], name)
        return _with_reason(result, "completed from the Content API") if completed else result

    def _extract(self, story: Story, name: str) -> tuple[Extraction, str | None]:
        """The story's extraction, and the reason to report when the extractors failed on it."""
        try:
            return self.extractor(story), None
        except Exception:
            # The story matters more than its extras: store it; `reextract` can try again later.
            log.exception("extraction failed for %s", name)
            return (
                Extraction(),
                "extraction failed (details in the log); stored without quotes, money or summary",
            )

    async def _save(self, story: Story, name: str) -> InputResult:
        extraction, reason = self._extract(story, name)
        saved = await self.store.save(story, extraction)
        return InputResult(name, saved.status, reason, saved.story_id, story.title)


async def _take(batch: _Batch, step: _Step) -> list[InputResult]:
    """Queue one step; returns the results ready to yield (after a commit, when one was due)."""
    if not isinstance(step, _Flush):
        batch.add(step)
        if not batch.due() and batch.pending:
            return []  # wait for more stories to commit with this one
    return await batch.flush()


def _with_reason(result: InputResult, reason: str) -> InputResult:
    combined = f"{result.reason}; {reason}" if result.reason else reason
    return InputResult(result.input, result.status, combined, result.story_id, result.title)


def _looks_like_feed(name: str) -> bool:
    """Named like a feed, so an HTML page there is an error page or a wrong URL, not a story."""
    path = urlsplit(name).path if _is_url(name) else name
    return path.lower().endswith(FEED_SUFFIXES) or path.rstrip("/").endswith("/feed")


def _is_url(name: str) -> bool:
    return name.lower().startswith(("http://", "https://"))


def _expand(inputs: list[str]) -> list[str]:
    expanded: list[str] = []
    for name in inputs:
        path = Path(name)
        if _is_url(name) or not path.is_dir():
            expanded.append(name)
            continue
        files = _walk(path)
        expanded.extend(files if files else [name])
    return expanded


def _walk(folder: Path) -> list[str]:
    found: list[str] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(str(Path(root) / f) for f in sorted(files) if _may_be_a_story(f))
    return found


def _may_be_a_story(name: str) -> bool:
    upper = name.upper()
    return not (name.startswith(".") or name.endswith(NOT_STORIES) or upper.startswith(NOT_STORY_NAMES))


async def _read_file(path: Path, limit: int) -> bytes:
    """The file's bytes, reading at most `limit` + 1 of them: a small file on the event loop's
    thread (a hop to a worker thread costs more than the read), a large one in a worker thread.

    InputError with a reason; the caller's report line already names the file.
    """
    try:
        info = path.stat()  # noqa: ASYNC240 - one stat of a local path; ingest parses small files inline too
    except FileNotFoundError:
        raise InputError("no such file or folder; check the path.") from None
    except OSError as error:
        raise InputError(f"cannot read it: {error.strerror or error}.") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError("a folder with no story files in it.")
    if not stat.S_ISREG(info.st_mode):
        raise InputError("not a regular file.")
    if info.st_size > limit:
        raise InputError(f"larger than {_megabytes(limit)}; not reading it.")
    if info.st_size > THREAD_PARSE_BYTES:
        return await asyncio.to_thread(_read_bytes, path, limit)
    return _read_bytes(path, limit)


def _read_bytes(path: Path, limit: int) -> bytes:
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        raise InputError(f"cannot read it: {error.strerror or error}.") from None
    if len(data) > limit:  # the file grew, or stat() did not know its size
        raise InputError(f"larger than {_megabytes(limit)}; not reading it.")
    return data


def _megabytes(limit: int) -> str:
    return f"{limit / (1024 * 1024):g} MB"
