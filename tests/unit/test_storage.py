"""Store: migrations, the upsert rules, short ids, search, autocomplete and the lookups."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import aiosqlite
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bot.storage
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
    Story,
)
from bot.storage import (
    SHORT_ID_TARGET,
    Store,
    legacy_content_hash,
    load_migrations,
    open_store,
    search_expression,
    slugify,
    split_sql,
)

HOME_OFFICE = Organisation("Home Office", "home-office")
DFT = Organisation("Department for Transport", "department-for-transport")


def blocks_json(blocks: tuple[Block, ...]) -> str:
    """The body as the store kept it before migration 0006: JSON [[kind, text, blockquote], ...]."""
    return json.dumps([block.to_json() for block in blocks], ensure_ascii=False)


def make_story(
    title: str = "Minister for London meets officers", body: str = "Jo Johnson met officers.", **kw: object
) -> Story:
    fields: dict[str, object] = {
        "title": title,
        "blocks": tuple(Block(BlockKind.PARAGRAPH, text) for text in body.split("\n\n")),
        "source": "tests",
        "source_format": "content_api",
        "doc_type": DocType.NEWS_STORY,
        "published_at": datetime(2018, 7, 5, 9, 0, tzinfo=UTC),
        "organisations": (HOME_OFFICE,),
    }
    fields.update(kw)
    return Story(**fields)  # type: ignore[arg-type]


def news(slug: str, **kw: object) -> Story:
    kw.setdefault("base_path", f"/government/news/{slug}")
    return make_story(**kw)


EXTRACTION = Extraction(
    quotes=(
        Quote("Jo Johnson", "Minister for London", "We are determined to tackle gang crime.", 1),
        Quote("Sadiq Khan", None, "London is safer.", 2),
    ),
    money=(
        Money("£40 million", Decimal("40000000"), "GBP", True, 1, purpose="to tackle gangs", qualifier="new"),
        Money("£580.17", Decimal("580.17"), "GBP", False, 2),
        Money("£3.6 million", Decimal("3600000"), "GBP", True, 2, part_of="£40 million"),
    ),
    summary=(Sentence("Jo Johnson met officers.", 0, 0), Sentence("They talked.", 1, 1)),
    version=3,
)


# --- migrations ------------------------------------------------------------------------------


async def test_migrating_from_empty_creates_the_schema(store: Store) -> None:
    conn = store._conn
    names = {row[0] for row in await conn.execute_fetchall("SELECT name FROM sqlite_master")}
    for table in ("stories", "organisations", "story_organisations", "quotes", "money", "summary_sentences"):
        assert table in names
    assert {"stories_fts", "titles_fts", "speakers_fts", "organisations_fts", "bot_state"} <= names
    applied = [
        row[0] for row in await conn.execute_fetchall("SELECT name FROM schema_migrations ORDER BY name")
    ]
    assert applied == [name for name, _ in load_migrations()]


async def test_pragmas_are_set_on_connect(store: Store) -> None:
    conn = store._conn
    assert (await conn.execute_fetchall("PRAGMA journal_mode"))[0][0] == "wal"
    assert (await conn.execute_fetchall("PRAGMA foreign_keys"))[0][0] == 1
    assert (await conn.execute_fetchall("PRAGMA busy_timeout"))[0][0] == 5000


async def test_reapplying_migrations_is_a_no_op(tmp_path: Path) -> None:
    db = tmp_path / "again.db"
    async with open_store(db) as store:
        await store.save(make_story(), EXTRACTION)
        schema = await store._conn.execute_fetchall("SELECT sql FROM sqlite_master ORDER BY name")
    async with open_store(db) as store:
        assert await store.migrate() == []
        assert await store._conn.execute_fetchall("SELECT sql FROM sqlite_master ORDER BY name") == schema
        assert await store.count() == 1


async def test_a_failing_migration_leaves_nothing_behind(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "9001_half.sql").write_text(
        "CREATE TABLE half_done (x);\nINSERT INTO no_such_table VALUES (1);\n"
    )
    with pytest.raises(Exception, match="no_such_table"):
        await store.migrate(folder)
    names = {row[0] for row in await store._conn.execute_fetchall("SELECT name FROM sqlite_master")}
    assert "half_done" not in names
    recorded = await store._conn.execute_fetchall(
        "SELECT 1 FROM schema_migrations WHERE name = '9001_half.sql'"
    )
    assert recorded == []


def test_split_sql_keeps_triggers_whole() -> None:
    script = """
    -- a comment
    CREATE TABLE t (x);
    CREATE TRIGGER t_ai AFTER INSERT ON t BEGIN
        INSERT INTO t VALUES (1);
        INSERT INTO t VALUES (2);
    END;
    """
    statements = split_sql(script)
    assert len(statements) == 2
    assert statements[1].startswith("CREATE TRIGGER") and statements[1].endswith("END;")


def test_split_sql_refuses_an_unfinished_statement() -> None:
    with pytest.raises(ValueError, match="incomplete"):
        split_sql("CREATE TABLE t (x);\nCREATE TABLE u (")


# --- saving ----------------------------------------------------------------------------------


async def test_save_then_get_round_trips_every_field(store: Store) -> None:
    story = news(
        "minister-for-london-meets-officers",
        body="Intro paragraph.\n\nA quoted paragraph.",
        description="The minister met officers.  ",
        updated_at=datetime(2018, 7, 6, 10, 30, tzinfo=UTC),
        content_id="5c8f1a2e-0000-4000-8000-000000000001",
        locale="en",
        url="https://www.gov.uk/government/news/minister-for-london-meets-officers",
        organisations=(HOME_OFFICE, DFT),
        people=(Person("Jo Johnson MP", "Minister for London"),),
        change_history=(Change(datetime(2018, 7, 6, 10, 30, tzinfo=UTC), "Added a quote"),),
        image=Image("https://assets/x.jpg", "", "Officers", "Home Office"),
    )
    story = replace(story, blocks=(story.blocks[0], Block(BlockKind.PARAGRAPH, "A quoted paragraph.", True)))
    saved = await store.save(story, EXTRACTION)
    assert saved.status == "new" and saved.story_id == "minister-for-london-meets-officers"
    got = await store.get(saved.story_id)
    assert got.story == replace(story, id=saved.story_id)
    assert got.extraction == EXTRACTION
    assert got.status == "new" and got.first_seen_at is not None
    assert got.extraction.money[1].amount == Decimal("580.17")


async def test_saving_the_same_story_twice_is_unchanged(store: Store) -> None:
    first = await store.save(make_story(), EXTRACTION)
    before = await store._conn.execute_fetchall("SELECT * FROM stories")
    second = await store.save(make_story(source="elsewhere.txt"), Extraction())
    assert (second.status, second.story_id) == ("unchanged", first.story_id)
    assert await store._conn.execute_fetchall("SELECT * FROM stories") == before
    assert (await store.get(first.story_id)).extraction == EXTRACTION  # nothing touched


async def test_a_changed_story_is_updated_in_place_keeping_its_id_and_change_note(store: Store) -> None:
    original = news("drug-driving", title="Drug driving limits", body="Old body.")
    first = await store.save(original, EXTRACTION)
    changed = replace(
        original,
        blocks=(Block(BlockKind.PARAGRAPH, "New body."),),
        updated_at=datetime(2019, 1, 1, tzinfo=UTC),
        change_history=(Change(datetime(2019, 1, 1, tzinfo=UTC), "Corrected the figures"),),
    )
    second = await store.save(changed, Extraction(version=4))
    assert (second.status, second.story_id) == ("updated", first.story_id)
    got = await store.get(first.story_id)
    assert got.status == "updated"
    assert got.story.body_text == "New body."
    assert got.story.change_note == "Corrected the figures"
    assert got.extraction == Extraction(version=4)
    assert await store.count() == 1
    assert [hit.story_id for hit in await store.search("new body")] == [first.story_id]
    assert await store.search("old") == []


async def test_an_incomplete_story_is_completed_and_never_downgraded(store: Store) -> None:
    feed_copy = news("frank", title="New FRANK adverts", body="Summary only.", complete=False)
    full = replace(
        feed_copy, blocks=(Block(BlockKind.PARAGRAPH, "The full body."),), complete=True, content_id="c-1"
    )
    first = await store.save(feed_copy, Extraction())
    assert first.status == "new"
    assert (await store.save(full, EXTRACTION)) == type(first)("updated", first.story_id)
    # the same entry from the feed again, with the Content API down: the full body stays
    assert (await store.save(feed_copy, Extraction())).status == "unchanged"
    got = await store.get(first.story_id)
    assert got.story.complete and got.story.body_text == "The full body." and got.story.content_id == "c-1"
    assert got.extraction == EXTRACTION


async def test_the_same_story_by_path_then_content_id_is_one_story(store: Store) -> None:
    by_path = news("frank", title="New FRANK adverts", content_id=None)
    by_id = news("frank", title="New FRANK adverts", content_id="c-1", description="Now with a description")
    first = await store.save(by_path, Extraction())
    second = await store.save(by_id, Extraction())
    assert second.story_id == first.story_id and await store.count() == 1
    key = await store._conn.execute_fetchall("SELECT identity_key FROM stories")
    assert key[0][0] == "content_id:c-1:en"
    # and the weaker copy again does not take the stronger key away
    await store.save(replace(by_path, description="Changed"), Extraction())
    key = await store._conn.execute_fetchall("SELECT identity_key FROM stories")
    assert key[0][0] == "content_id:c-1:en"


async def test_a_story_is_saved_whole_or_not_at_all(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(bot.storage, "_write_extraction", broken)
    with pytest.raises(RuntimeError):
        await store.save(make_story(), EXTRACTION)
    assert await store.count() == 0
    assert await store._conn.execute_fetchall("SELECT * FROM story_organisations") == []
    assert (
        await store._conn.execute_fetchall("SELECT * FROM stories_fts WHERE stories_fts MATCH 'officers'")
        == []
    )


async def test_short_ids_collide_into_numbered_suffixes(store: Store) -> None:
    ids = []
    for day in range(1, 5):
        story = make_story(title="Weekly update", published_at=datetime(2020, 1, day, tzinfo=UTC))
        ids.append((await store.save(story, Extraction())).story_id)
    assert ids == ["weekly-update", "weekly-update-2", "weekly-update-3", "weekly-update-4"]


@settings(max_examples=200)
@given(st.text(max_size=300))
def test_slugify_is_short_and_typeable(text: str) -> None:
    slug = slugify(text)
    assert 1 <= len(slug) <= SHORT_ID_TARGET
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(titles=st.lists(st.text(min_size=1, max_size=200), min_size=1, max_size=8))
async def test_short_ids_are_unique_and_at_most_100_chars(tmp_path: Path, titles: list[str]) -> None:
    async with open_store(tmp_path / f"ids-{abs(hash(tuple(titles)))}.db") as store:
        ids = set()
        for i, title in enumerate(titles):
            story = make_story(
                title=title + f" {i}" * (i % 2), published_at=datetime(2020, 1, 1 + i, tzinfo=UTC)
            )
            ids.add((await store.save(story, Extraction())).story_id)
        assert len(ids) == len(titles)
        assert all(len(i) <= 100 for i in ids)


# --- reading ---------------------------------------------------------------------------------


async def fill(store: Store) -> dict[str, str]:
    stories = {
        "gangs": news(
            "minister-for-london-meets-officers",
            title="Minister for London meets officers at forefront of tackling gang crime",
            body="Jo Johnson met officers tackling gang crime.\n\nThe Mayor funds youth workers.",
            published_at=datetime(2018, 7, 5, tzinfo=UTC),
        ),
        "drugs": news(
            "public-approval-for-driving-limits",
            title="Public approval for driving limits for 16 drugs",
            body="Drug driving limits for 16 drugs were approved.",
            organisations=(DFT,),
            published_at=datetime(2014, 3, 27, tzinfo=UTC),
        ),
        "frank": news(
            "new-frank-adverts",
            title="New FRANK adverts mark tenth anniversary",
            body="FRANK gives young people drugs advice. Crime is not the focus.",
            published_at=datetime(2013, 1, 28, tzinfo=UTC),
        ),
    }
    extractions = {"gangs": EXTRACTION, "drugs": Extraction(), "frank": Extraction()}
    return {key: (await store.save(story, extractions[key])).story_id for key, story in stories.items()}


async def test_latest_is_newest_first_and_filters_by_organisation(store: Store) -> None:
    ids = await fill(store)
    assert [s.story.id for s in await store.latest(10)] == [ids["gangs"], ids["drugs"], ids["frank"]]
    assert [s.story.id for s in await store.latest(1)] == [ids["gangs"]]
    home = await store.latest(10, organisation="home-office")
    assert [s.story.id for s in home] == [ids["gangs"], ids["frank"]]
    assert await store.latest(10, organisation="no-such-org") == []


async def test_search_ranks_and_highlights(store: Store) -> None:
    ids = await fill(store)
    hits = await store.search("drugs")
    assert hits[0].story_id == ids["drugs"]  # in the title and the body
    assert {hit.story_id for hit in hits} == {ids["drugs"], ids["frank"]}
    assert "**drugs**" in hits[0].snippet
    assert hits[0].published_at == datetime(2014, 3, 27, tzinfo=UTC)
    assert hits[0].url == "https://www.gov.uk/government/news/public-approval-for-driving-limits"
    assert [hit.story_id for hit in await store.search("gang crime")] == [ids["gangs"]]
    assert [hit.story_id for hit in await store.search("offic*")] == [ids["gangs"]]


HOSTILE = [
    '"',
    '""',
    '"unbalanced',
    "OR",
    "drugs OR",
    "AND NOT",
    "NEAR(",
    "NEAR(drugs crime, 2)",
    "*",
    "drug*",
    "^drugs",
    "title:drugs",
    "{title body}: drugs",
    "(drugs",
    "drugs)",
    "-drugs",
    "+drugs",
    "😀",
    "😀 drugs 🚀",
    "'; DROP TABLE stories; --",
    "\x00",
    "drugs" * 400,
    "a " * 1000,
    "Ｄｒｕｇｓ",
    "\u202e",
    "\ud800 drugs",
    "drugs\x00crime",
]


@pytest.mark.parametrize("query", HOSTILE)
async def test_hostile_queries_never_raise_fts_errors(store: Store, query: str) -> None:
    await fill(store)
    with contextlib.suppress(InvalidQuery):
        await store.search(query)
    await store.complete_stories(query)
    await store.complete_speakers(query)
    await store.complete_organisations(query)
    with pytest.raises(StoryNotFound):
        await store.find_story(query + " zzqx")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(st.characters(exclude_categories=()), max_size=2000))
async def test_any_text_is_a_safe_search(store: Store, query: str) -> None:
    try:
        await store.search(query)
    except InvalidQuery:
        assert not search_expression(query)
    await store.complete_stories(query)
    await store.complete_speakers(query)
    await store.complete_organisations(query)
    await store.quotes(speaker=query)
    with contextlib.suppress(StoryNotFound):
        await store.find_story(query)


async def test_search_takes_phrases_and_or(store: Store) -> None:
    for slug, body in (
        ("potholes", "Pothole repairs on rural roads."),
        ("rescue", "New vehicles for rescue teams."),
        ("roads", "Repairs to roads and bridges, not potholes."),
    ):
        await store.save(news(slug, title=slug.capitalize(), body=body), Extraction())

    async def titles(query: str) -> set[str]:
        return {hit.title for hit in await store.search(query)}

    assert await titles("pothole OR rescue") == {"Potholes", "Rescue"}
    assert await titles("OR pothole OR OR rescue OR") == {"Potholes", "Rescue"}
    assert await titles("roads repairs") == {"Potholes", "Roads"}
    assert await titles('"roads and bridges"') == await titles("“roads and bridges”") == {"Roads"}
    assert await titles('"rural roads') == {"Potholes"}  # an unclosed quotation mark runs to the end
    assert await titles('"roads rural"') == set()
    assert await titles("rescue OR roads bridges") == {"Rescue", "Roads"}
    assert await titles("pothole or") == set()  # lower-case "or" is a word to find
    assert search_expression('a "b c" OR d*') == '("a" "b c") OR ("d")'
    assert search_expression("regen* OR") == '"regen"*'
    with pytest.raises(InvalidQuery):
        await store.search("OR OR")


@pytest.mark.parametrize("query", ["", "   ", "***", '""', "😀", "!!"])
async def test_search_with_nothing_usable_is_an_invalid_query(store: Store, query: str) -> None:
    with pytest.raises(InvalidQuery):
        await store.search(query)


async def test_autocomplete_matches_word_prefixes(store: Store) -> None:
    ids = await fill(store)
    assert await store.complete_stories("tack") == [
        (ids["gangs"], (await store.get(ids["gangs"])).story.title)
    ]
    assert [i for i, _ in await store.complete_stories("dr")] == [ids["drugs"]]
    assert {i for i, _ in await store.complete_stories("")} == set(ids.values())
    assert await store.complete_speakers("Johns") == ["Jo Johnson"]
    assert await store.complete_speakers("jo JOHN") == ["Jo Johnson"]
    assert await store.complete_speakers("kha") == ["Sadiq Khan"]
    assert set(await store.complete_speakers("")) == {"Jo Johnson", "Sadiq Khan"}
    assert await store.complete_organisations("off") == [("home-office", "Home Office")]
    assert await store.complete_organisations("transp") == [
        ("department-for-transport", "Department for Transport")
    ]
    assert len(await store.complete_stories("", limit=2)) == 2


async def test_speakers_whose_quotes_went_away_are_not_offered(store: Store) -> None:
    ids = await fill(store)
    await store.save_extraction(ids["gangs"], Extraction(version=9))
    assert await store.complete_speakers("Johns") == []


async def test_find_story_by_id_title_and_unique_words(store: Store) -> None:
    ids = await fill(store)
    assert (await store.find_story(ids["frank"])).story.id == ids["frank"]
    assert (await store.find_story(ids["frank"].upper())).story.id == ids["frank"]
    title = "public approval for DRIVING limits for 16 drugs"
    assert (await store.find_story(title)).story.id == ids["drugs"]
    assert (await store.find_story("frank adverts")).story.id == ids["frank"]
    assert (await store.find_story("drugs")).story.id == ids["drugs"]
    with pytest.raises(StoryNotFound) as raised:
        await store.find_story("for")  # in two titles: ambiguous
    assert len(raised.value.suggestions) == 2


async def test_find_story_suggests_close_titles(store: Store) -> None:
    await fill(store)
    with pytest.raises(StoryNotFound) as raised:
        await store.find_story("minister frank zebra")
    assert len(raised.value.suggestions) >= 2
    assert "Did you mean" in raised.value.user_message
    with pytest.raises(StoryNotFound):
        await store.find_story("")


async def test_quotes_by_story_and_speaker(store: Store) -> None:
    ids = await fill(store)
    hits = await store.quotes(story_id=ids["gangs"])
    assert [h.quote.speaker for h in hits] == ["Jo Johnson", "Sadiq Khan"]
    assert hits[0].story_title.startswith("Minister for London")
    assert [h.quote.text for h in await store.quotes(speaker="jo  johnson")] == [EXTRACTION.quotes[0].text]
    assert await store.quotes(speaker="Nobody") == []
    with pytest.raises(StoryNotFound):
        await store.quotes(story_id="no-such-story")


async def test_funding_filters_by_amount_exactly(store: Store) -> None:
    ids = await fill(store)
    figures = await store.funding()
    assert [h.money.surface for h in figures] == ["£40 million", "£3.6 million"]
    big = await store.funding(min_amount=Decimal("5000000"))
    assert [h.money.surface for h in big] == ["£40 million"]
    every = await store.funding(story_id=ids["gangs"], funding_only=False)
    assert [h.money.amount for h in every] == [Decimal("40000000"), Decimal("580.17"), Decimal("3600000")]
    assert every[0].money == EXTRACTION.money[0]


async def test_extraction_bookkeeping(store: Store) -> None:
    ids = await fill(store)
    needing = await store.stories_needing_extraction(3)
    assert {s.id for s in needing} == {ids["drugs"], ids["frank"]}
    await store.save_extraction(ids["drugs"], Extraction(summary=(Sentence("Approved.", 0, 0),), version=3))
    assert {s.id for s in await store.stories_needing_extraction(3)} == {ids["frank"]}
    assert (await store.get(ids["drugs"])).extraction.summary_text() == "Approved."


async def test_state_is_a_small_key_value_table(store: Store) -> None:
    assert await store.get_state("tree-hash") is None
    await store.set_state("tree-hash", "abc")
    await store.set_state("tree-hash", "def")
    assert await store.get_state("tree-hash") == "def"


async def test_get_unknown_story(store: Store) -> None:
    with pytest.raises(StoryNotFound):
        await store.get("nope")


async def test_listings_are_newest_story_first_in_reading_order(store: Store) -> None:
    ids = []
    for n in range(3):
        extraction = Extraction(
            quotes=(Quote("Jo Johnson", None, f"first {n}", 0), Quote("Sam Khan", None, f"second {n}", 1)),
            money=(
                Money(f"£{n + 1} million", Decimal((n + 1) * 1_000_000), "GBP", True, 0),
                Money(f"£{n + 1}0", Decimal((n + 1) * 10), "GBP", True, 1),
            ),
        )
        ids.append((await store.save(news(f"story-{n}", title=f"Story {n}"), extraction)).story_id)
    quotes = await store.quotes(limit=3)
    assert [(h.story_id, h.quote.text) for h in quotes] == [
        (ids[2], "first 2"),
        (ids[2], "second 2"),
        (ids[1], "first 1"),
    ]
    assert [h.quote.text for h in await store.quotes(speaker="sam khan", limit=2)] == ["second 2", "second 1"]
    figures = await store.funding(limit=3)
    assert [h.money.surface for h in figures] == ["£3 million", "£30", "£2 million"]
    biggest = await store.funding(min_amount=Decimal(0), limit=3)
    assert [h.money.surface for h in biggest] == ["£3 million", "£2 million", "£1 million"]
    assert sorted(await store.complete_speakers("")) == ["Jo Johnson", "Sam Khan"]


async def test_later_migrations_carry_existing_stories_along(tmp_path: Path) -> None:
    first = tmp_path / "first"
    first.mkdir()
    shutil.copy(bot.storage.MIGRATIONS_DIR / "0001_init.sql", first / "0001_init.sql")
    async with open_store(tmp_path / "new.db") as new:
        harbour = make_story(title="Harbour walls rebuilt", body="Jo Johnson said:\n\nThe walls are safe 🎉")
        saved = await new.save(harbour, EXTRACTION)
    conn = await aiosqlite.connect(str(tmp_path / "old.db"), isolation_level=None)
    conn.row_factory = sqlite3.Row
    try:
        old = Store(conn)
        await old.migrate(first)
        # the rows as 0001's schema held them: the columns it has, copied from a current database
        await conn.execute("ATTACH DATABASE ? AS new", (str(tmp_path / "new.db"),))
        for table in ("stories", "organisations", "story_organisations", "speakers", "quotes", "money"):
            columns = [row[1] for row in await conn.execute_fetchall(f"PRAGMA main.table_info({table})")]
            # 0001 kept the body as JSON; today's store keeps its layout instead (migration 0006)
            values = [f"'{blocks_json(harbour.blocks)}'" if name == "body" else name for name in columns]
            await conn.execute(
                f"INSERT INTO main.{table} ({', '.join(columns)}) SELECT {', '.join(values)} FROM new.{table}"
            )
        await conn.execute("DETACH DATABASE new")
        assert await old.migrate() == [name for name, _ in load_migrations()][1:]
        assert await old.complete_stories("harb") == [(saved.story_id, "Harbour walls rebuilt")]
        assert (await old.get(saved.story_id)).story.blocks == harbour.blocks
        assert [h.quote.speaker for h in await old.quotes(speaker="jo johnson")] == ["Jo Johnson"]
        assert [h.money.surface for h in await old.funding(min_amount=Decimal(1))] == [
            "£40 million",
            "£3.6 million",
        ]
    finally:
        await conn.close()


async def test_migration_0006_keeps_every_block_of_stories_stored_as_json(tmp_path: Path) -> None:
    """Stories saved while the body was JSON come back block for block after 0006 keeps the text
    once, and their old content hash still recognises the same story arriving again."""
    before = tmp_path / "before"
    before.mkdir()
    for name, _ in load_migrations():
        if name < "0006":
            shutil.copy(bot.storage.MIGRATIONS_DIR / name, before / name)
    blocks = (
        Block(BlockKind.HEADING, "Émigré café 🎉 “quoted”"),
        Block(BlockKind.PARAGRAPH, ""),
        Block(BlockKind.PARAGRAPH, "Two\n\nparagraphs in one block, and a tab\t", blockquote=True),
        Block(BlockKind.LIST_ITEM, "£40 million\u00a0over 2 years"),
    )
    story = news("old-body", title="Old body", blocks=blocks, organisations=())
    # what the store before 0006 computed for this story (so the formula kept for old rows is pinned)
    assert legacy_content_hash(story) == "38b42d0591ba1224136ae73aed387ffa4ba6448c50c46c690bb31b0d9b3f84cc"
    conn = await aiosqlite.connect(str(tmp_path / "old.db"), isolation_level=None)
    conn.row_factory = sqlite3.Row
    try:
        old = Store(conn)
        await old.migrate(before)
        when = "2018-07-05T09:00:00+00:00"
        # the row as the store wrote it before 0006
        await conn.execute(
            "INSERT INTO stories (short_id, identity_key, title, doc_type, published_at, listed_at,"
            " base_path, source, source_format, body, body_text, people, change_history, complete,"
            " content_hash, first_seen_at, last_changed_at, status)"
            " VALUES ('old-body', ?, 'Old body', 'news_story', ?, ?, ?, 'tests', 'text', ?, ?, '[]', '[]', 1,"
            " ?, ?, ?, 'new')",
            (
                story.identity_key,
                when,
                when,
                story.base_path,
                blocks_json(blocks),
                story.body_text,
                legacy_content_hash(story),
                when,
                when,
            ),
        )
        await conn.execute(
            "INSERT INTO stories_fts (rowid, title, description, body_text)"
            " SELECT id, title, description, body_text FROM stories"
        )
        await conn.execute("INSERT INTO titles_fts (rowid, title) SELECT id, title FROM stories")
        assert (await old.migrate())[0] == "0006_body_stored_once.sql"
        assert (await old.get("old-body")).story.blocks == blocks
        assert (await old.save(story, Extraction())).status == "unchanged"
        changed = replace(story, blocks=(*blocks[:3], Block(BlockKind.LIST_ITEM, "£41 million")))
        assert (await old.save(changed, Extraction())).status == "updated"
        assert (await old.get("old-body")).story.blocks == changed.blocks
        assert (await old.save(changed, Extraction())).status == "unchanged"
    finally:
        await conn.close()


async def test_save_many_rolls_back_only_the_failing_story(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = bot.storage._write_children

    def fail_for_roads(
        conn: sqlite3.Connection, index: object, rowid: int, story: Story, *args: object, **kw: bool
    ) -> None:
        real(conn, index, rowid, story, *args, **kw)  # type: ignore[arg-type]
        if story.title == "Roads":
            raise RuntimeError("boom")  # after its row and children were written

    monkeypatch.setattr(bot.storage, "_write_children", fail_for_roads)
    results = await store.save_many([(make_story(title), EXTRACTION) for title in ("Parks", "Roads", "Rail")])
    assert [getattr(r, "status", None) for r in results] == ["new", None, "new"]
    assert isinstance(results[1], RuntimeError)
    assert await store.count() == 2
    with pytest.raises(StoryNotFound):
        await store.get("roads")
    stored = await store.get("rail")
    assert stored.extraction.quotes == EXTRACTION.quotes  # the one after the failure is whole
    # its search index rows were dropped with it; the others' were written
    assert [[hit.title for hit in await store.search(word)] for word in ("roads", "rail", "parks")] == [
        [],
        ["Rail"],
        ["Parks"],
    ]
    assert [title for _, title in await store.complete_stories("r")] == ["Rail"]
    assert await store.save_many([]) == []


async def test_the_search_indexes_follow_every_kind_of_save(store: Store) -> None:
    """The storage layer writes the FTS5 rows itself (no triggers): after new stories, updates that
    change the title and body, a renamed organisation, new speakers and a re-extraction, every
    index agrees with its table (FTS5's own integrity check) and answers with the new words only."""
    first = await store.save(news("harbour", title="Harbour walls rebuilt", body="Stone walls."), EXTRACTION)
    await store.save(news("rail", title="Rail fares frozen", organisations=(DFT,)), Extraction())
    renamed = Organisation("Home Office (UK)", "home-office")
    await store.save(
        news("harbour", title="Harbour gates rebuilt", body="Iron gates.", organisations=(renamed,)),
        Extraction(quotes=(Quote("Ada Lovelace", None, "Engines.", 0),)),
    )
    await store.save_extraction(first.story_id, Extraction(quotes=(Quote("Grace Hopper", None, "Bugs.", 0),)))
    for table in ("stories_fts", "titles_fts", "speakers_fts", "organisations_fts"):
        await store.connection.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 1)")
    assert [hit.title for hit in await store.search("gates")] == ["Harbour gates rebuilt"]
    assert await store.search("stone") == []
    assert [title for _, title in await store.complete_stories("harb")] == ["Harbour gates rebuilt"]
    assert await store.complete_stories("walls") == []
    assert await store.complete_organisations("uk") == [("home-office", "Home Office (UK)")]
    assert await store.complete_speakers("grac") == ["Grace Hopper"]


async def test_search_hits_link_to_the_story_when_it_has_a_page(store: Store) -> None:
    await store.save(make_story("Harbour walls rebuilt", url="https://www.gov.uk/news/harbour"), Extraction())
    await store.save(make_story("Harbour lights fixed", source="notes.txt"), Extraction())
    await store.save(make_story("Harbour fees cut", source="https://example.org/fees"), Extraction())
    urls = {hit.title: hit.url for hit in await store.search("harbour")}
    assert urls == {
        "Harbour walls rebuilt": "https://www.gov.uk/news/harbour",
        "Harbour lights fixed": None,
        "Harbour fees cut": "https://example.org/fees",
    }


async def test_latest_quotes_go_by_publication_date_not_ingest_order(store: Store) -> None:
    quote = Extraction(
        quotes=(Quote("Jo Johnson", None, "Old words.", 0), Quote("Sam Khan", None, "More.", 1))
    )
    await store.save(news("archive", title="Archive", published_at=datetime(2012, 1, 1, tzinfo=UTC)), quote)
    await store.save(news("recent", title="Recent", published_at=datetime(2026, 1, 1, tzinfo=UTC)), quote)
    await store.save(news("middle", title="Middle", published_at=datetime(2019, 1, 1, tzinfo=UTC)), quote)
    order = ["Recent", "Recent", "Middle", "Middle", "Archive", "Archive"]
    assert [h.story_title for h in await store.quotes()] == order
    assert [h.quote.text for h in await store.quotes(limit=2)] == ["Old words.", "More."]  # reading order
    assert [h.story_title for h in await store.quotes(speaker="jo johnson")] == order[::2]
    # a story re-dated by an update moves with its quotes
    moved = news("archive", title="Archive", published_at=datetime(2027, 1, 1, tzinfo=UTC), body="New.")
    assert (await store.save(moved, quote)).status == "updated"
    assert [h.story_title for h in await store.quotes(limit=1)] == ["Archive"]


async def test_listings_use_an_index_not_a_sort(store: Store) -> None:
    conn = store.connection
    for speaker in (None, "Jo Johnson"):
        where = "WHERE q.speaker = ? COLLATE NOCASE" if speaker else ""
        plan = await conn.execute_fetchall(
            "EXPLAIN QUERY PLAN SELECT s.short_id FROM quotes q JOIN stories s ON s.id = q.story_id"
            f" {where} ORDER BY q.listed_at DESC, q.story_id DESC, q.position LIMIT 25",
            (speaker,) if speaker else (),
        )
        details = " ".join(row[3] for row in plan)
        assert "TEMP B-TREE" not in details, details
