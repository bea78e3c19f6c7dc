"""The story store: one aiosqlite connection, versioned migrations, queries that return models.

One connection does every write (aiosqlite runs its calls one at a time on its own thread); an
asyncio lock keeps one write transaction from interleaving with another coroutine's. Each story's
row, organisations and extraction rows are written in one transaction, or in one SAVEPOINT of a
batch's transaction (`save_many`), so none is ever half-saved.
The hot operations (save, get, search...) are plain sqlite3 functions run on that thread in one
call each, rather than one await per statement.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
import sqlite3
import unicodedata
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, TypeVar

import aiosqlite

from bot.errors import InvalidQuery, StoryNotFound
from bot.models import (
    Block,
    BlockKind,
    Change,
    DocType,
    Extraction,
    Image,
    Money,
    Organisation,
    Person,
    Quote,
    Sentence,
    StoredStory,
    Story,
)

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SHORT_ID_TARGET = 40  # typeable; Discord's hard limit for choice values is 100
MAX_QUERY_TERMS = 16
MAX_TERM_CHARS = 64
# bm25 over every match of a common word is slow at 100k stories: rank only the newest matches.
SEARCH_CANDIDATES = 1000
SUGGESTION_CANDIDATES = 300  # "did you mean" ranks fewer: it is a hint, and runs on every miss
MIN_SEARCH_PREFIX = 3  # "a*" over the whole body index would walk thousands of terms
TITLE_WEIGHT, DESCRIPTION_WEIGHT, BODY_WEIGHT = 10.0, 5.0, 1.0
GOVUK = "https://www.gov.uk"

# How many stories one save_many() call should carry (IngestionService batches by these): at most
# this many, and no longer than this after the first one was ready, so results are never held long.
SAVE_BATCH_STORIES = 200
SAVE_BATCH_SECONDS = 0.1

SaveStatus = Literal["new", "updated", "unchanged"]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SaveResult:
    status: SaveStatus
    story_id: str


@dataclass(frozen=True, slots=True)
class SearchHit:
    story_id: str
    title: str
    snippet: str  # matched words wrapped in ** for Markdown
    published_at: datetime | None
    url: str | None = None  # the story's public page (GOV.UK), when it has one


@dataclass(frozen=True, slots=True)
class QuoteHit:
    story_id: str
    story_title: str
    quote: Quote


@dataclass(frozen=True, slots=True)
class MoneyHit:
    story_id: str
    story_title: str
    money: Money


@asynccontextmanager
async def open_store(path: str | Path) -> AsyncIterator[Store]:
    """Open (creating if needed) and migrate the database at `path`; close it afterwards."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    # isolation_level=None: transactions are ours (BEGIN IMMEDIATE ... COMMIT), never implicit.
    conn = await aiosqlite.connect(str(path), isolation_level=None)
    try:
        conn.row_factory = sqlite3.Row
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute("PRAGMA busy_timeout=5000")
        await conn.execute("PRAGMA foreign_keys=ON")
        # In WAL mode NORMAL is still crash-safe for the database; it only skips an fsync per commit.
        await conn.execute("PRAGMA synchronous=NORMAL")
        store = Store(conn)
        await store.migrate()
        yield store
    finally:
        await conn.close()


class Store:
    """Stories and what was extracted from them. Build it with `open_store`."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn
        self._write_lock = asyncio.Lock()

    # --- migrations ------------------------------------------------------------------------

    async def migrate(self, directory: Path = MIGRATIONS_DIR) -> list[str]:
        """Apply pending migrations in name order; returns the names applied."""
        await self._conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
        applied = {row[0] for row in await self._conn.execute_fetchall("SELECT name FROM schema_migrations")}
        migrations = await asyncio.to_thread(load_migrations, directory)
        done: list[str] = []
        for name, statements in migrations:
            if name in applied:
                continue
            async with self._transaction():
                for statement in statements:
                    await self._conn.execute(statement)
                await self._conn.execute(
                    "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)", (name, _now())
                )
            log.info("applied migration %s", name)
            done.append(name)
        unknown = applied - {name for name, _ in migrations}
        if unknown:
            log.warning("database has migrations this code does not know: %s", sorted(unknown))
        return done

    @property
    def connection(self) -> aiosqlite.Connection:
        """The one connection, for the storage layer's other modules (bot/updates_store.py)."""
        return self._conn

    def transaction(self) -> AbstractAsyncContextManager[None]:
        """A write transaction (BEGIN IMMEDIATE ... COMMIT) under the store's one write lock."""
        return self._transaction()

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[None]:
        async with self._write_lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                if self._conn.in_transaction:
                    await self._conn.execute("ROLLBACK")
                raise
            await self._conn.execute("COMMIT")

    async def _read(self, fn: Callable[..., T], *args: Any) -> T:
        """Run `fn(sqlite3_connection, *args)` on the connection's thread: one hop for a whole query.

        aiosqlite hands each call to its thread and back; under load a hop costs 0.1-0.5 ms, so a
        story saved statement by statement (~15 hops) spent most of its time hopping. Its
        `_execute` (the function every public aiosqlite method goes through) runs a whole
        operation in one hop; `aiosqlite>=0.20` has it, and the store's tests exercise it.
        """
        return await self._conn._execute(fn, self._conn._conn, *args)

    async def _write(self, fn: Callable[..., T], *args: Any) -> T:
        """Like `_read`, inside BEGIN IMMEDIATE ... COMMIT under the write lock: all or nothing."""
        async with self._write_lock:
            return await self._read(_in_transaction, fn, *args)

    # --- writing ---------------------------------------------------------------------------

    async def save(self, story: Story, extraction: Extraction) -> SaveResult:
        """Insert or update one story with its extraction, in one transaction.

        Same content hash as stored: unchanged, nothing touched. A different hash: updated in place
        under the same short id. A complete stored story is never replaced by an incomplete copy.
        """
        return await self._write(_save_one, story, extraction)

    async def save_many(self, items: Sequence[tuple[Story, Extraction]]) -> list[SaveResult | Exception]:
        """Save several stories in one transaction, each inside its own SAVEPOINT.

        A story whose save fails is rolled back to its savepoint alone (its slot holds the
        exception) while the others are kept; all are committed before this returns, so none is
        ever half-written or reported saved before it is. FTS5 writes a segment per commit, so one
        commit for many stories costs much less than one each (docs/benchmarks.md).
        """
        if not items:
            return []
        return await self._write(_save_many, items)

    async def save_extraction(self, story_id: str, extraction: Extraction) -> None:
        """Replace a stored story's quotes, money and summary (after the extractors improved)."""
        await self._write(_save_extraction, story_id, extraction)

    # --- key-value state -------------------------------------------------------------------

    async def get_state(self, key: str) -> str | None:
        rows = await self._conn.execute_fetchall("SELECT value FROM bot_state WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    async def set_state(self, key: str, value: str) -> None:
        async with self._transaction():
            await self._conn.execute(
                "INSERT INTO bot_state (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # --- reading ---------------------------------------------------------------------------

    async def count(self) -> int:
        rows = await self._conn.execute_fetchall("SELECT count(*) FROM stories")
        return int(rows[0][0])

    async def get(self, story_id: str) -> StoredStory:
        """The story with this short id; StoryNotFound when there is none."""
        return await self._read(_get, story_id)

    async def lookup(self, story: Story) -> StoredStory | None:
        """The stored copy of this story (matched as `save` would match it), if any."""
        return await self._read(_lookup, story)

    async def find_story(self, query: str) -> StoredStory:
        """Exact short id, else exact title (any case), else the one story whose title matches."""
        return await self._read(_find_story, query)

    async def latest(self, limit: int = 5, organisation: str | None = None) -> list[StoredStory]:
        """Newest first (by first publication). `organisation` is a slug."""
        return await self._read(_latest, limit, organisation)

    async def search(self, query: str, limit: int = 10) -> list[SearchHit]:
        """Ranked full-text search (`search_expression`: words, "phrases", OR, word*)."""
        expression = search_expression(query)
        if not expression:
            raise InvalidQuery("Type at least one word to search for.")
        return await self._read(_search, expression, limit)

    async def complete_stories(self, prefix: str, limit: int = 25) -> list[tuple[str, str]]:
        """(short id, title) of stories whose title has words starting with what was typed."""
        expression = match_expression(prefix, prefix=True, join=" ")
        if not expression:
            rows = await self._conn.execute_fetchall(
                "SELECT short_id, title FROM stories ORDER BY listed_at DESC, id DESC LIMIT ?", (limit,)
            )
        else:
            rows = await self._conn.execute_fetchall(
                "SELECT s.short_id, s.title FROM stories s WHERE s.id IN"
                " (SELECT rowid FROM titles_fts WHERE titles_fts MATCH ? ORDER BY rowid DESC LIMIT ?)"
                " ORDER BY s.id DESC",
                (expression, limit),
            )
        return [(row[0], row[1]) for row in rows]

    async def complete_speakers(self, prefix: str, limit: int = 25) -> list[str]:
        """Quoted people whose name has words starting with what was typed ("Johns" → "Jo Johnson")."""
        expression = match_expression(prefix, prefix=True, join=" ")
        if not expression:
            # nothing typed yet: the people quoted most recently
            recent = await self._conn.execute_fetchall(
                "SELECT speaker FROM quotes WHERE speaker != '' ORDER BY story_id DESC LIMIT ?", (limit * 20,)
            )
            return list(dict.fromkeys(row[0] for row in recent))[:limit]
        rows = await self._conn.execute_fetchall(
            "SELECT sp.name FROM speakers_fts f JOIN speakers sp ON sp.id = f.rowid"
            " WHERE speakers_fts MATCH ?"
            " AND EXISTS (SELECT 1 FROM quotes q WHERE q.speaker = sp.name COLLATE NOCASE)"
            " ORDER BY f.rank, sp.name LIMIT ?",
            (expression, limit),
        )
        return [row[0] for row in rows]

    async def complete_organisations(self, prefix: str, limit: int = 25) -> list[tuple[str, str]]:
        """(slug, name) of organisations whose name has words starting with what was typed."""
        expression = match_expression(prefix, prefix=True, join=" ")
        if not expression:
            rows = await self._conn.execute_fetchall(
                "SELECT slug, name FROM organisations ORDER BY name LIMIT ?", (limit,)
            )
        else:
            rows = await self._conn.execute_fetchall(
                "SELECT o.slug, o.name FROM organisations_fts f JOIN organisations o ON o.id = f.rowid"
                " WHERE organisations_fts MATCH ? ORDER BY f.rank, o.name LIMIT ?",
                (expression, limit),
            )
        return [(row[0], row[1]) for row in rows]

    async def quotes(
        self, story_id: str | None = None, speaker: str | None = None, limit: int = 25
    ) -> list[QuoteHit]:
        """Quotes, newest stories (by publication) first; `speaker` matches the whole name in any case."""
        return await self._read(_quotes, story_id, speaker, limit)

    async def funding(
        self,
        story_id: str | None = None,
        min_amount: Decimal | None = None,
        limit: int = 25,
        funding_only: bool = True,
    ) -> list[MoneyHit]:
        """Money figures (funding ones unless told otherwise); with `min_amount` (in pounds), biggest first."""
        return await self._read(_funding, story_id, min_amount, limit, funding_only)

    async def stories_needing_extraction(self, version: int, limit: int | None = None) -> list[Story]:
        """Stories extracted by an older extractor than `version`, oldest first."""
        rows = await self._conn.execute_fetchall(
            f"SELECT {_SELECT_STORY} WHERE s.extractor_version < ? ORDER BY s.id LIMIT ?",
            (version, -1 if limit is None else limit),
        )
        return [_story(row) for row in rows]


# --- the operations, run on the connection's thread ----------------------------------------------


def _in_transaction(conn: sqlite3.Connection, fn: Callable[..., T], *args: Any) -> T:
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = fn(conn, *args)
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return result


class SearchIndexWrites:
    """The full-text index rows of one write transaction, written together just before COMMIT.

    FTS5 flushes its pending terms to a new segment at every savepoint, and SQLite opens one for
    each story's SAVEPOINT and for every statement that fires a trigger. Indexed row by row as
    stories were saved, a story cost about 0.6 ms of index work; queued and written at the end of
    the batch, about 0.1 ms (docs/benchmarks.md). So every write to the stories, speakers and
    organisations tables queues its index rows here, and `write` runs after the last savepoint.
    """

    # One statement per index: the hidden first column is 'delete' (remove the row with these old
    # values, as external-content tables require) or NULL (index the row).
    _STATEMENTS = {
        "stories_fts": "INSERT INTO stories_fts (stories_fts, rowid, title, description, body_text)"
        " VALUES (?, ?, ?, ?, ?)",
        "titles_fts": "INSERT INTO titles_fts (titles_fts, rowid, title) VALUES (?, ?, ?)",
        "speakers_fts": "INSERT INTO speakers_fts (speakers_fts, rowid, name) VALUES (?, ?, ?)",
        "organisations_fts": "INSERT INTO organisations_fts (organisations_fts, rowid, name) VALUES (?, ?, ?)",
    }

    def __init__(self) -> None:
        self._rows: list[tuple[str, tuple[Any, ...]]] = []

    def story(
        self, rowid: int, title: str, description: str | None, body_text: str, *, delete: bool = False
    ) -> None:
        command = "delete" if delete else None
        self._rows.append(("stories_fts", (command, rowid, title, description, body_text)))
        self._rows.append(("titles_fts", (command, rowid, title)))

    def speaker(self, rowid: int, name: str) -> None:
        self._rows.append(("speakers_fts", (None, rowid, name)))

    def organisation(self, rowid: int, name: str, *, delete: bool = False) -> None:
        self._rows.append(("organisations_fts", ("delete" if delete else None, rowid, name)))

    def mark(self) -> int:
        """A point to `undo_to` when the writes queued after it were rolled back."""
        return len(self._rows)

    def undo_to(self, mark: int) -> None:
        del self._rows[mark:]

    def write(self, conn: sqlite3.Connection) -> None:
        """One executemany per index, each keeping its rows' order (a delete before its re-insert)."""
        for index, statement in self._STATEMENTS.items():
            rows = [row for name, row in self._rows if name == index]
            if rows:
                conn.executemany(statement, rows)
        self._rows.clear()


def _save_one(conn: sqlite3.Connection, story: Story, extraction: Extraction) -> SaveResult:
    [result] = _save_many(conn, [(story, extraction)])
    if isinstance(result, Exception):
        raise result
    return result


def _save_many(
    conn: sqlite3.Connection, items: Sequence[tuple[Story, Extraction]]
) -> list[SaveResult | Exception]:
    results: list[SaveResult | Exception] = []
    index = SearchIndexWrites()
    for story, extraction in items:
        conn.execute("SAVEPOINT story")
        mark = index.mark()
        try:
            results.append(_save(conn, index, story, extraction))
        except Exception as error:  # this story alone is undone; the caller reports it
            conn.execute("ROLLBACK TO story")
            index.undo_to(mark)
            results.append(error)
        conn.execute("RELEASE story")
    index.write(conn)
    return results


def _save(
    conn: sqlite3.Connection, index: SearchIndexWrites, story: Story, extraction: Extraction
) -> SaveResult:
    # Story's derived values are properties recomputed on every access: each is computed once here.
    identity_key = story.identity_key
    body_text = story.body_text
    layout = body_layout(story.blocks)
    story_hash = content_hash(story, body_text, layout)
    existing = _find_existing(conn, story, identity_key)
    now = _now()
    if existing is None:
        short_id = _free_short_id(conn, short_id_base(story))
        row = _story_row(story, identity_key, layout, body_text, story_hash)
        listed_at = _listed_at(story, now)
        cursor = conn.execute(
            f"INSERT INTO stories (short_id, {', '.join(row)}, first_seen_at, last_changed_at,"
            f" status, listed_at, extractor_version) VALUES (?, {', '.join('?' for _ in row)}, ?, ?, 'new', ?, ?)",
            (short_id, *row.values(), now, now, listed_at, extraction.version),
        )
        rowid = cursor.lastrowid
        assert rowid is not None
        index.story(rowid, story.title, story.description, body_text)
        _write_children(conn, index, rowid, story, extraction, listed_at, new=True)
        return SaveResult("new", short_id)

    rowid, short_id = existing["id"], existing["short_id"]
    if _same_content(existing["content_hash"], story, story_hash):
        return SaveResult("unchanged", short_id)
    if existing["complete"] and not story.complete:
        return SaveResult("unchanged", short_id)
    merged = _merge_with_stored(story, existing)  # same blocks, so the same body
    merged_key = merged.identity_key
    # The incoming copy's hash, not the merged one's, so the same copy again is "unchanged".
    row = _story_row(merged, merged_key, layout, body_text, story_hash)
    if _key_rank(existing["identity_key"]) > _key_rank(merged_key):
        row["identity_key"] = existing["identity_key"]
    listed_at = _listed_at(merged, existing["first_seen_at"])
    old = conn.execute("SELECT title, description, body_text FROM stories WHERE id = ?", (rowid,)).fetchone()
    conn.execute(
        f"UPDATE stories SET {', '.join(f'{name} = ?' for name in row)},"
        " last_changed_at = ?, status = 'updated', listed_at = ? WHERE id = ?",
        (*row.values(), now, listed_at, rowid),
    )
    if tuple(old) != (merged.title, merged.description, body_text):
        index.story(rowid, *old, delete=True)
        index.story(rowid, merged.title, merged.description, body_text)
    conn.execute("DELETE FROM story_organisations WHERE story_id = ?", (rowid,))
    _write_children(conn, index, rowid, merged, extraction, listed_at, new=False)
    return SaveResult("updated", short_id)


def _same_content(stored_hash: str, story: Story, story_hash: str) -> bool:
    """Whether the stored row already holds this content (its hash may predate migration 0006)."""
    if stored_hash == story_hash:
        return True
    return not stored_hash.startswith("2:") and stored_hash == legacy_content_hash(story)


def _save_extraction(conn: sqlite3.Connection, story_id: str, extraction: Extraction) -> None:
    rowid = _rowid(conn, story_id)
    listed_at = conn.execute("SELECT listed_at FROM stories WHERE id = ?", (rowid,)).fetchone()[0]
    index = SearchIndexWrites()
    _write_extraction(conn, index, rowid, extraction, listed_at, new=False)
    index.write(conn)


def _find_existing(
    conn: sqlite3.Connection, story: Story, identity_key: str | None = None
) -> sqlite3.Row | None:
    """The stored row for the same story arriving by any route: by content_id and locale first,
    then by base path, then by identity key (plain text). One indexed query (a multi-index OR)."""
    columns = "id, short_id, identity_key, content_hash, complete, first_seen_at, change_history, " + (
        ", ".join(_MERGED_COLUMNS)
    )
    return conn.execute(
        f"SELECT {columns} FROM stories"
        " WHERE (content_id = ?1 AND coalesce(locale, 'en') = ?2) OR base_path = ?3 OR identity_key = ?4"
        " ORDER BY content_id = ?1 AND coalesce(locale, 'en') = ?2 DESC, base_path = ?3 DESC LIMIT 1",
        (story.content_id, story.locale or "en", story.base_path, identity_key or story.identity_key),
    ).fetchone()


def _free_short_id(conn: sqlite3.Connection, base: str) -> str:
    if conn.execute("SELECT 1 FROM stories WHERE short_id = ?", (base,)).fetchone() is None:
        return base  # the usual case: one cheap lookup
    rows = conn.execute("SELECT short_id FROM stories WHERE short_id GLOB ?", (f"{base}-[0-9]*",)).fetchall()
    taken = {row[0] for row in rows}
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _write_children(
    conn: sqlite3.Connection,
    index: SearchIndexWrites,
    rowid: int,
    story: Story,
    extraction: Extraction,
    listed_at: str,
    *,
    new: bool,
) -> None:
    orgs = _unique_organisations(story.organisations)
    if orgs:
        conn.executemany(
            "INSERT INTO story_organisations (story_id, organisation_id, position, listed_at) VALUES (?, ?, ?, ?)",
            [
                (rowid, _organisation_id(conn, index, org), position, listed_at)
                for position, org in enumerate(orgs)
            ],
        )
    _write_extraction(conn, index, rowid, extraction, listed_at, new=new)


def _organisation_id(conn: sqlite3.Connection, index: SearchIndexWrites, org: Organisation) -> int:
    """The organisation's row id, adding it, or renaming it when its name changed."""
    row = conn.execute("SELECT id, name FROM organisations WHERE slug = ?", (org.slug,)).fetchone()
    if row is None:
        rowid = conn.execute(
            "INSERT INTO organisations (slug, name) VALUES (?, ?)", (org.slug, org.name)
        ).lastrowid
        assert rowid is not None
        index.organisation(rowid, org.name)
        return rowid
    if row["name"] != org.name:
        conn.execute("UPDATE organisations SET name = ? WHERE id = ?", (org.name, row["id"]))
        index.organisation(row["id"], row["name"], delete=True)
        index.organisation(row["id"], org.name)
    return int(row["id"])


def _write_extraction(
    conn: sqlite3.Connection,
    index: SearchIndexWrites,
    rowid: int,
    extraction: Extraction,
    listed_at: str,
    *,
    new: bool,
) -> None:
    if not new:
        for table in ("quotes", "money", "summary_sentences"):
            conn.execute(f"DELETE FROM {table} WHERE story_id = ?", (rowid,))
    if extraction.quotes:
        for name in sorted({q.speaker for q in extraction.quotes if q.speaker}):
            added = conn.execute(
                "INSERT INTO speakers (name) VALUES (?) ON CONFLICT (name) DO NOTHING RETURNING id", (name,)
            ).fetchone()
            if added is not None:
                index.speaker(added[0], name)
        conn.executemany(
            "INSERT INTO quotes (story_id, position, speaker, role, text, block_index, listed_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (rowid, i, q.speaker, q.role, q.text, q.block_index, listed_at)
                for i, q in enumerate(extraction.quotes)
            ],
        )
    if extraction.money:
        conn.executemany(
            "INSERT INTO money (story_id, position, surface, amount_minor, currency, is_funding,"
            " purpose, funder, period, qualifier, part_of, block_index)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    rowid,
                    i,
                    m.surface,
                    m.minor_units,
                    m.currency,
                    int(m.is_funding),
                    m.purpose,
                    m.funder,
                    m.period,
                    m.qualifier,
                    m.part_of,
                    m.block_index,
                )
                for i, m in enumerate(extraction.money)
            ],
        )
    if extraction.summary:
        conn.executemany(
            "INSERT INTO summary_sentences (story_id, rank, text, block_index, position) VALUES (?, ?, ?, ?, ?)",
            [(rowid, i, s.text, s.block_index, s.position) for i, s in enumerate(extraction.summary)],
        )
    if not new:  # a new row was inserted with its version
        conn.execute("UPDATE stories SET extractor_version = ? WHERE id = ?", (extraction.version, rowid))


def _rowid(conn: sqlite3.Connection, story_id: str) -> int:
    row = conn.execute(
        "SELECT id FROM stories WHERE short_id = ?", (clean_text(story_id).lower(),)
    ).fetchone()
    if row is None:
        raise StoryNotFound(story_id)
    return int(row[0])


def _get(conn: sqlite3.Connection, story_id: str) -> StoredStory:
    row = conn.execute(
        f"SELECT {_SELECT_STORY} WHERE s.short_id = ?", (clean_text(story_id).lower(),)
    ).fetchone()
    if row is None:
        raise StoryNotFound(story_id)
    return _stored(conn, row)


def _lookup(conn: sqlite3.Connection, story: Story) -> StoredStory | None:
    existing = _find_existing(conn, story)
    if existing is None:
        return None
    return _stored(conn, conn.execute(f"SELECT {_SELECT_STORY} WHERE s.id = ?", (existing["id"],)).fetchone())


def _find_story(conn: sqlite3.Connection, query: str) -> StoredStory:
    text = clean_text(query)
    if not text:
        raise StoryNotFound(query)
    row = conn.execute(f"SELECT {_SELECT_STORY} WHERE s.short_id = ?", (text.lower(),)).fetchone()
    if row is None:
        row = conn.execute(
            f"SELECT {_SELECT_STORY} WHERE s.title = ? COLLATE NOCASE ORDER BY s.id DESC LIMIT 1", (text,)
        ).fetchone()
    if row is not None:
        return _stored(conn, row)
    every_word = match_expression(text, prefix=True, join=" ")
    if every_word:
        rows = conn.execute(
            f"SELECT {_SELECT_STORY} WHERE s.id IN"
            " (SELECT rowid FROM titles_fts WHERE titles_fts MATCH ? ORDER BY rowid DESC LIMIT 2)",
            (every_word,),
        ).fetchall()
        if len(rows) == 1:
            return _stored(conn, rows[0])
    suggestions: list[str] = []
    any_word = match_expression(text, prefix=True, join=" OR ")
    if any_word:
        # rank only the newest matches, as search does, so a common word stays fast
        # rowids only while ranking: reading each candidate's title from `stories` doubled the cost
        ranked = [
            row[0]
            for row in conn.execute(
                "SELECT rowid FROM (SELECT rowid, rank FROM titles_fts WHERE titles_fts MATCH ?"
                " ORDER BY rowid DESC LIMIT ?) ORDER BY rank LIMIT 5",
                (any_word, SUGGESTION_CANDIDATES),
            )
        ]
        titles = dict(
            conn.execute(
                f"SELECT id, title FROM stories WHERE id IN ({', '.join('?' for _ in ranked)})", ranked
            ).fetchall()
        )
        suggestions = [titles[rowid] for rowid in ranked]
    raise StoryNotFound(query, suggestions)


def _latest(conn: sqlite3.Connection, limit: int, organisation: str | None) -> list[StoredStory]:
    if organisation is None:
        rows = conn.execute(
            f"SELECT {_SELECT_STORY} ORDER BY s.listed_at DESC, s.id DESC LIMIT ?", (limit,)
        ).fetchall()
    else:
        rows = conn.execute(
            f"SELECT {_SELECT_STORY} JOIN story_organisations so ON so.story_id = s.id"
            " WHERE so.organisation_id = (SELECT id FROM organisations WHERE slug = ?)"
            " ORDER BY so.listed_at DESC, so.story_id DESC LIMIT ?",
            (organisation, limit),
        ).fetchall()
    return _stored_many(conn, rows)


def _search(conn: sqlite3.Connection, expression: str, limit: int) -> list[SearchHit]:
    # The newest matches come cheaply in rowid order; bm25 then ranks only that bounded set (the
    # inner LIMIT stops FTS5 after SEARCH_CANDIDATES rows, so bm25 runs for those alone).
    ranked = [
        row[0]
        for row in conn.execute(
            "SELECT rowid FROM (SELECT rowid, bm25(stories_fts, ?, ?, ?) AS score FROM stories_fts"
            " WHERE stories_fts MATCH ? ORDER BY rowid DESC LIMIT ?) ORDER BY score LIMIT ?",
            (TITLE_WEIGHT, DESCRIPTION_WEIGHT, BODY_WEIGHT, expression, SEARCH_CANDIDATES, limit),
        )
    ]
    if not ranked:
        return []
    # snippet() for the ranked rows only, in one more MATCH: "+rowid" keeps the IN list a filter
    # rather than one FTS5 lookup per id (each of which would expand a prefix word again).
    marks = ", ".join("?" for _ in ranked)
    found = {
        row[0]: row[1:]
        for row in conn.execute(
            "SELECT f.rowid, s.short_id, s.title, s.published_at, s.description, s.url, s.base_path, s.source,"
            " snippet(stories_fts, 2, '**', '**', '…', 16)"
            " FROM stories_fts f JOIN stories s ON s.id = f.rowid"
            f" WHERE stories_fts MATCH ? AND f.rowid BETWEEN ? AND ? AND +f.rowid IN ({marks})",
            (expression, min(ranked), max(ranked), *ranked),
        )
    }
    hits: list[SearchHit] = []
    for rowid in ranked:
        short_id, title, published_at, description, url, base_path, source, snippet = found[rowid]
        if "**" not in snippet and description:
            snippet = description  # the words matched only the title or description
        hits.append(
            SearchHit(short_id, title, snippet, _dt(published_at), _public_url(url, base_path, source))
        )
    return hits


def _quotes(
    conn: sqlite3.Connection, story_id: str | None, speaker: str | None, limit: int
) -> list[QuoteHit]:
    """Newest story first by publication (listed_at), each story's quotes in reading order.

    Each listing is one range of an index in that order (quotes_latest, quotes_speaker), so the
    first `limit` rows come without sorting every quote.
    """
    where, params = ["1"], []
    if story_id is not None:
        where.append("q.story_id = ?")
        params.append(_rowid(conn, story_id))
    if speaker is not None:
        where.append("q.speaker = ? COLLATE NOCASE")
        params.append(clean_text(speaker))
    rows = conn.execute(
        "SELECT s.short_id, s.title, q.speaker, q.role, q.text, q.block_index"
        " FROM quotes q JOIN stories s ON s.id = q.story_id"
        f" WHERE {' AND '.join(where)} ORDER BY q.listed_at DESC, q.story_id DESC, q.position LIMIT ?",
        (*params, limit),
    ).fetchall()
    return [QuoteHit(row[0], row[1], Quote(row[2], row[3], row[4], row[5])) for row in rows]


def _funding(
    conn: sqlite3.Connection, story_id: str | None, min_amount: Decimal | None, limit: int, funding_only: bool
) -> list[MoneyHit]:
    """With `min_amount`, biggest first; otherwise newest story first, in reading order."""
    where, params = ["1"], []
    newest = min_amount is None and story_id is None
    if funding_only:
        # "+" keeps SQLite off the amount index when listing newest first: from the primary key the
        # first `limit` stories are enough, from the amount index every funding row would be sorted
        where.append("+m.is_funding = 1" if newest else "m.is_funding = 1")
    if story_id is not None:
        where.append("m.story_id = ?")
        params.append(_rowid(conn, story_id))
    if min_amount is not None:
        where.append("m.amount_minor >= ?")
        params.append(int((min_amount * 100).to_integral_value()))
    if newest:
        where.append(
            "m.story_id IN (SELECT DISTINCT story_id FROM money WHERE +is_funding >= ?"
            " ORDER BY story_id DESC LIMIT ?)"
        )
        params.extend([int(funding_only), limit])
    order = (
        "m.amount_minor DESC, m.story_id DESC, m.position"
        if min_amount is not None
        else "m.story_id DESC, m.position"
    )
    rows = conn.execute(
        f"SELECT s.short_id, s.title, {_MONEY_COLUMNS}"
        " FROM money m JOIN stories s ON s.id = m.story_id"
        f" WHERE {' AND '.join(where)} ORDER BY {order} LIMIT ?",
        (*params, limit),
    ).fetchall()
    return [MoneyHit(row[0], row[1], _money(row, 2)) for row in rows]


def _stored_many(conn: sqlite3.Connection, rows: Sequence[sqlite3.Row]) -> list[StoredStory]:
    """Like `_stored` for each row, with three queries for all of them rather than three each."""
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    marks = ", ".join("?" for _ in ids)
    quotes: dict[int, list[Quote]] = {}
    for q in conn.execute(
        f"SELECT story_id, speaker, role, text, block_index FROM quotes WHERE story_id IN ({marks})"
        " ORDER BY story_id, position",
        ids,
    ):
        quotes.setdefault(q[0], []).append(Quote(q[1], q[2], q[3], q[4]))
    money: dict[int, list[Money]] = {}
    for m in conn.execute(
        f"SELECT m.story_id, {_MONEY_COLUMNS} FROM money m WHERE m.story_id IN ({marks})"
        " ORDER BY m.story_id, m.position",
        ids,
    ):
        money.setdefault(m[0], []).append(_money(m, 1))
    summary: dict[int, list[Sentence]] = {}
    for s in conn.execute(
        f"SELECT story_id, text, block_index, position FROM summary_sentences WHERE story_id IN ({marks})"
        " ORDER BY story_id, rank",
        ids,
    ):
        summary.setdefault(s[0], []).append(Sentence(s[1], s[2], s[3]))
    return [
        StoredStory(
            story=_story(row),
            extraction=Extraction(
                quotes=tuple(quotes.get(row["id"], ())),
                money=tuple(money.get(row["id"], ())),
                summary=tuple(summary.get(row["id"], ())),
                version=row["extractor_version"],
            ),
            status=row["status"],
            first_seen_at=_dt(row["first_seen_at"]),
        )
        for row in rows
    ]


def _stored(conn: sqlite3.Connection, row: sqlite3.Row) -> StoredStory:
    rowid = row["id"]
    quotes = conn.execute(
        "SELECT speaker, role, text, block_index FROM quotes WHERE story_id = ? ORDER BY position", (rowid,)
    ).fetchall()
    money = conn.execute(
        f"SELECT {_MONEY_COLUMNS} FROM money m WHERE story_id = ? ORDER BY position", (rowid,)
    ).fetchall()
    summary = conn.execute(
        "SELECT text, block_index, position FROM summary_sentences WHERE story_id = ? ORDER BY rank", (rowid,)
    ).fetchall()
    extraction = Extraction(
        quotes=tuple(Quote(q[0], q[1], q[2], q[3]) for q in quotes),
        money=tuple(_money(m, 0) for m in money),
        summary=tuple(Sentence(s[0], s[1], s[2]) for s in summary),
        version=row["extractor_version"],
    )
    return StoredStory(
        story=_story(row),
        extraction=extraction,
        status=row["status"],
        first_seen_at=_dt(row["first_seen_at"]),
    )


# --- helpers: rows <-> models ------------------------------------------------------------------


def body_layout(blocks: tuple[Block, ...]) -> str:
    """JSON [[kind, blockquote, length], ...]: with `Story.body_text`, the body as the store keeps
    it (the text once, not again inside JSON). `blocks_from_layout` reverses it."""
    # `_value_` rather than `.value`: the enum property costs more than the rest of the row
    return json.dumps([[b.kind._value_, int(b.blockquote), len(b.text)] for b in blocks])


def blocks_from_layout(layout: str, body_text: str) -> tuple[Block, ...]:
    """The blocks `body_layout` described: `body_text` cut at each block's length, skipping the
    blank line ("\n\n") that `Story.body_text` puts between blocks."""
    blocks = []
    start = 0
    for kind, blockquote, length in json.loads(layout):
        blocks.append(Block(BlockKind(kind), body_text[start : start + length], bool(blockquote)))
        start += length + 2
    return tuple(blocks)


def content_hash(story: Story, body_text: str, layout: str) -> str:
    """A hash of what a reader sees, given the story's `body_text` and `body_layout` (the save path
    has them): metadata-only noise (source path, feed ids) is left out, so the same story arriving
    by another route is "unchanged".

    "2:" marks hashes of this payload; `legacy_content_hash` made the ones stored before it. The
    JSON parts delimit themselves, so the body text can end the payload as it is.
    """
    head = json.dumps(_hashed_fields(story), ensure_ascii=False)
    payload = f"{head}\n{layout}\n{body_text}"
    return "2:" + hashlib.sha256(payload.encode()).hexdigest()


def legacy_content_hash(story: Story) -> str:
    """The content hash stored before migration 0006, which hashed the body as JSON blocks after
    the title, description and document type."""
    fields = _hashed_fields(story)
    blocks = [block.to_json() for block in story.blocks]
    payload = json.dumps([*fields[:3], blocks, *fields[3:]], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def _hashed_fields(story: Story) -> list[object]:
    """The metadata a content hash covers, besides the body."""
    return [
        story.title,
        story.description,
        story.doc_type._value_,
        story.updated_at.isoformat() if story.updated_at else None,
        [[o.name, o.slug] for o in story.organisations],
        story.withdrawn_at.isoformat() if story.withdrawn_at else None,
        story.complete,
    ]


# Fields where a copy that lacks them (a plain-text or feed copy) should not erase what we know.
_MERGED_COLUMNS = ("description", "published_at", "base_path", "content_id", "locale", "url", "image")

_SELECT_STORY = (
    "s.id, s.short_id, s.title, s.doc_type, s.description, s.published_at, s.updated_at, s.base_path,"
    " s.content_id, s.locale, s.url, s.source, s.source_format, s.layout, s.body_text, s.image, s.people,"
    " s.change_history, s.withdrawn_at, s.withdrawn_note, s.complete, s.status, s.first_seen_at,"
    " s.extractor_version,"
    " (SELECT json_group_array(json_array(name, slug)) FROM (SELECT o.name, o.slug"
    "  FROM story_organisations so JOIN organisations o ON o.id = so.organisation_id"
    "  WHERE so.story_id = s.id ORDER BY so.position)) AS organisations"
    " FROM stories s"
)

_MONEY_COLUMNS = (
    "m.surface, m.amount_minor, m.currency, m.is_funding, m.block_index, m.purpose, m.funder,"
    " m.period, m.qualifier, m.part_of"
)


def _story_row(
    story: Story, identity_key: str, layout: str, body_text: str, story_hash: str
) -> dict[str, Any]:
    """Column values for a story, in a fixed order (the keys are trusted column names), given its
    identity key, `body_layout`, body text and the content hash to store."""
    image = story.image
    return {
        "identity_key": identity_key,
        "title": story.title,
        "doc_type": story.doc_type.value,
        "description": story.description,
        "published_at": _iso(story.published_at),
        "updated_at": _iso(story.updated_at),
        "base_path": story.base_path,
        "content_id": story.content_id,
        "locale": story.locale,
        "url": story.url,
        "source": story.source,
        "source_format": story.source_format,
        "layout": layout,
        "body_text": body_text,
        "image": (
            json.dumps([image.url, image.alt_text, image.caption, image.credit], ensure_ascii=False)
            if image
            else None
        ),
        "people": json.dumps([[p.name, p.role] for p in story.people], ensure_ascii=False),
        "change_history": json.dumps(
            [[_iso(c.at), c.note] for c in story.change_history], ensure_ascii=False
        ),
        "withdrawn_at": _iso(story.withdrawn_at),
        "withdrawn_note": story.withdrawn_note,
        "complete": int(story.complete),
        "content_hash": story_hash,
    }


def _merge_with_stored(story: Story, stored: sqlite3.Row) -> Story:
    """Keep stored metadata the new copy lacks, and the change history when it brings none."""
    image = story.image
    if image is None and stored["image"]:
        image = Image(*json.loads(stored["image"]))
    history = story.change_history or _changes(stored["change_history"])
    return replace(
        story,
        description=story.description if story.description is not None else stored["description"],
        published_at=story.published_at or _dt(stored["published_at"]),
        base_path=story.base_path or stored["base_path"],
        content_id=story.content_id or stored["content_id"],
        locale=story.locale or stored["locale"],
        url=story.url or stored["url"],
        image=image,
        change_history=history,
    )


def _story(row: sqlite3.Row) -> Story:
    image = json.loads(row["image"]) if row["image"] else None
    return Story(
        title=row["title"],
        blocks=blocks_from_layout(row["layout"], row["body_text"]),
        source=row["source"],
        source_format=row["source_format"],
        doc_type=DocType(row["doc_type"]),
        description=row["description"],
        published_at=_dt(row["published_at"]),
        updated_at=_dt(row["updated_at"]),
        base_path=row["base_path"],
        content_id=row["content_id"],
        locale=row["locale"],
        url=row["url"],
        organisations=tuple(Organisation(name, slug) for name, slug in json.loads(row["organisations"])),
        people=tuple(Person(name, role) for name, role in json.loads(row["people"])),
        change_history=_changes(row["change_history"]),
        image=Image(*image) if image else None,
        withdrawn_at=_dt(row["withdrawn_at"]),
        withdrawn_note=row["withdrawn_note"],
        complete=bool(row["complete"]),
        id=row["short_id"],
    )


def _changes(raw: str) -> tuple[Change, ...]:
    changes = []
    for at, note in json.loads(raw):
        when = _dt(at)
        if when is not None:
            changes.append(Change(when, note))
    return tuple(changes)


def _money(row: Sequence[Any], start: int) -> Money:
    surface, minor, currency, is_funding, block_index, purpose, funder, period, qualifier, part_of = row[
        start : start + 10
    ]
    return Money(
        surface=surface,
        amount=Decimal(minor) / 100,
        currency=currency,
        is_funding=bool(is_funding),
        block_index=block_index,
        purpose=purpose,
        funder=funder,
        period=period,
        qualifier=qualifier,
        part_of=part_of,
    )


def _unique_organisations(orgs: Iterable[Organisation]) -> list[Organisation]:
    seen: set[str] = set()
    unique = []
    for org in orgs:
        if org.slug and org.slug not in seen:
            seen.add(org.slug)
            unique.append(org)
    return unique


def _key_rank(identity_key: str) -> int:
    """content_id keys beat path keys beat text keys: a stored key is only ever upgraded."""
    return {"content_id": 3, "path": 2}.get(identity_key.split(":", 1)[0], 1)


def _public_url(url: str | None, base_path: str | None, source: str) -> str | None:
    """The story's own URL, else its GOV.UK path, else the web address it was ingested from."""
    if url:
        return url
    if base_path:
        return GOVUK + base_path
    return source if source.startswith(("https://", "http://")) else None


def _listed_at(story: Story, fallback: str) -> str:
    return _iso(story.published_at) or _iso(story.updated_at) or fallback


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:  # parsers promise aware datetimes; treat a stray naive one as UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="seconds")


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# --- helpers: ids and queries -------------------------------------------------------------------

_TRAILING_STOP_WORDS = frozenset(
    ["a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to", "with"]
)
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_WORD = re.compile(r"[^\W_]", re.UNICODE)


def short_id_base(story: Story) -> str:
    """A typeable id from the GOV.UK slug, else the title: lowercase ASCII words joined by '-'."""
    return slugify(story.slug or story.title)


def slugify(text: str, limit: int = SHORT_ID_TARGET) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    slug = _NOT_SLUG.sub("-", ascii_text).strip("-")
    if len(slug) > limit:
        cut = slug[: limit + 1]
        # cut at a word boundary when one is reasonably near the end
        slug = cut.rsplit("-", 1)[0] if "-" in cut[limit // 2 :] else slug[:limit]
        words = slug.strip("-").split("-")
        # "...-meets-officers-at" reads badly; a cut id should end on a content word
        while len(words) > 2 and words[-1] in _TRAILING_STOP_WORDS:
            words.pop()
        slug = "-".join(words)
    return slug or "story"


def match_expression(text: str, *, prefix: bool, join: str, min_prefix: int = 1) -> str:
    """An FTS5 MATCH expression in which everything the user typed is a quoted string.

    Each whitespace-separated token becomes a double-quoted phrase (inner quotes doubled), so
    `OR`, `NEAR(`, `*`, `:` and stray quotes are plain text. `prefix=True` makes every token a
    word prefix (autocomplete); otherwise only tokens the user ended with `*` are prefixes, and only
    when at least `min_prefix` characters long. Tokens with no letters or digits are dropped, as
    FTS5 would ignore them anyway. Returns "" when nothing usable remains.
    """
    terms: list[str] = []
    for token in clean_text(text).split():
        starred = token.endswith("*")
        token = token.strip("*")[:MAX_TERM_CHARS]
        phrase = _quoted(token)
        if not phrase:
            continue
        word_chars = sum(1 for ch in token if _WORD.match(ch))
        if (prefix or starred) and word_chars >= min_prefix:
            phrase += "*"
        terms.append(phrase)
        if len(terms) == MAX_QUERY_TERMS:
            break
    return join.join(terms)


_QUERY_TOKEN = re.compile(r'"([^"]*)"?|(\S+)')
MAX_PHRASE_CHARS = 200
_CURLY_DOUBLE_QUOTES = str.maketrans(dict.fromkeys("“”„‟", '"'))


def search_expression(text: str) -> str:
    """The FTS5 MATCH expression for a search box: every word must appear, a "quoted phrase" must
    appear as written (an unclosed quotation mark runs to the end), OR in capitals between words
    or phrases means either side, and `word*` (three or more letters) matches words starting so.

    Everything else typed is plain text, as in `match_expression`: each word and phrase becomes a
    quoted FTS5 string, so no input is FTS syntax. Returns "" when nothing usable remains.
    """
    groups: list[list[str]] = [[]]
    terms = 0
    # Phones type “curly” quotation marks: they mark phrases as straight ones do.
    for match in _QUERY_TOKEN.finditer(clean_text(text).translate(_CURLY_DOUBLE_QUOTES)):
        phrase, word = match.groups()
        if word == "OR":
            if groups[-1]:
                groups.append([])
            continue
        term = (
            _quoted(phrase[:MAX_PHRASE_CHARS])
            if phrase is not None
            else match_expression(word, prefix=False, join=" ", min_prefix=MIN_SEARCH_PREFIX)
        )
        if term:
            groups[-1].append(term)
            terms += 1
            if terms == MAX_QUERY_TERMS:
                break
    groups = [group for group in groups if group]
    if len(groups) == 1:
        return " ".join(groups[0])
    return " OR ".join(f"({' '.join(group)})" for group in groups)


def _quoted(phrase: str) -> str:
    """A phrase as one FTS5 string, or "" when it has no word in it."""
    return '"' + phrase.replace('"', '""') + '"' if _WORD.search(phrase) else ""


def clean_text(text: str) -> str:
    """User text without control, format and lone surrogate characters (NUL ends an FTS5 string,
    a lone surrogate cannot even be encoded for SQLite), with runs of whitespace made single spaces."""
    return " ".join("".join(ch for ch in text if unicodedata.category(ch)[0] != "C").split())


def load_migrations(directory: Path = MIGRATIONS_DIR) -> list[tuple[str, list[str]]]:
    """(file name, statements) of every migration, in the order they apply."""
    return [
        (file.name, split_sql(file.read_text(encoding="utf-8"))) for file in sorted(directory.glob("*.sql"))
    ]


def split_sql(script: str) -> list[str]:
    """Split a migration into statements with sqlite3.complete_statement (triggers stay whole)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statement = buffer.strip()
            if _strip_comments(statement):
                statements.append(statement)
            buffer = ""
    if _strip_comments(buffer).strip():
        raise ValueError(f"migration ends with an incomplete statement: {buffer.strip()[:80]!r}")
    return statements


def _strip_comments(sql: str) -> str:
    return "\n".join(line for line in sql.splitlines() if not line.strip().startswith("--")).strip()
