-- Stories, organisations, extraction results and full-text search.
-- Times are UTC ISO-8601 text; money is integer minor units (pence); JSON columns hold lists.

CREATE TABLE stories (
    id INTEGER PRIMARY KEY,
    short_id TEXT NOT NULL UNIQUE CHECK (length(short_id) BETWEEN 1 AND 100),
    identity_key TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    doc_type TEXT NOT NULL,
    description TEXT,
    published_at TEXT,
    updated_at TEXT,
    -- what "latest" sorts on: first published, else last updated, else when we first saw it
    listed_at TEXT NOT NULL,
    base_path TEXT,
    content_id TEXT,
    locale TEXT,
    url TEXT,
    source TEXT NOT NULL,
    source_format TEXT NOT NULL,
    body TEXT NOT NULL,            -- JSON: [[kind, text, blockquote], ...]
    body_text TEXT NOT NULL,       -- the blocks' text joined by blank lines, for search
    image TEXT,                    -- JSON: [url, alt_text, caption, credit]
    people TEXT NOT NULL,          -- JSON: [[name, role], ...]
    change_history TEXT NOT NULL,  -- JSON: [[at, note], ...], newest first
    withdrawn_at TEXT,
    withdrawn_note TEXT,
    complete INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    first_seen_at TEXT NOT NULL,
    last_changed_at TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('new', 'updated')),
    extractor_version INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX stories_listed ON stories (listed_at DESC, id DESC);
CREATE INDEX stories_content_id ON stories (content_id, locale) WHERE content_id IS NOT NULL;
CREATE INDEX stories_base_path ON stories (base_path) WHERE base_path IS NOT NULL;
CREATE INDEX stories_title ON stories (title COLLATE NOCASE);
CREATE INDEX stories_extractor_version ON stories (extractor_version);

CREATE TABLE organisations (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

-- listed_at is copied here so "latest stories from one organisation" is a single index range.
CREATE TABLE story_organisations (
    story_id INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    position INTEGER NOT NULL,
    listed_at TEXT NOT NULL,
    PRIMARY KEY (story_id, organisation_id)
) WITHOUT ROWID;

CREATE INDEX story_organisations_latest
    ON story_organisations (organisation_id, listed_at DESC, story_id DESC);

CREATE TABLE quotes (
    story_id INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    speaker TEXT NOT NULL,
    role TEXT,
    text TEXT NOT NULL,
    block_index INTEGER NOT NULL,
    PRIMARY KEY (story_id, position)
) WITHOUT ROWID;

CREATE INDEX quotes_speaker ON quotes (speaker COLLATE NOCASE);

CREATE TABLE money (
    story_id INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    surface TEXT NOT NULL,
    amount_minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    is_funding INTEGER NOT NULL,
    purpose TEXT,
    funder TEXT,
    period TEXT,
    qualifier TEXT,
    part_of TEXT,
    block_index INTEGER NOT NULL,
    PRIMARY KEY (story_id, position)
) WITHOUT ROWID;

CREATE INDEX money_amount ON money (is_funding, amount_minor DESC);

CREATE TABLE summary_sentences (
    story_id INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    rank INTEGER NOT NULL,
    text TEXT NOT NULL,
    block_index INTEGER NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (story_id, rank)
) WITHOUT ROWID;

-- Every speaker ever quoted, so autocomplete has a small table to search by word prefix.
-- Rows are never removed: a name whose quotes all went away is filtered out at query time.
CREATE TABLE speakers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE bot_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Full-text search over what a reader sees. External content: the text lives once, in stories.
CREATE VIRTUAL TABLE stories_fts USING fts5 (
    title, description, body_text,
    content = 'stories', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

-- Word-prefix autocomplete wants prefix indexes; keeping them off the big body index keeps
-- ingestion fast, so titles, speakers and organisations get small indexes of their own.
CREATE VIRTUAL TABLE titles_fts USING fts5 (
    title,
    content = 'stories', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3'
);

CREATE VIRTUAL TABLE speakers_fts USING fts5 (
    name,
    content = 'speakers', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3'
);

CREATE VIRTUAL TABLE organisations_fts USING fts5 (
    name,
    content = 'organisations', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3'
);

CREATE TRIGGER stories_fts_insert AFTER INSERT ON stories BEGIN
    INSERT INTO stories_fts (rowid, title, description, body_text)
        VALUES (new.id, new.title, new.description, new.body_text);
    INSERT INTO titles_fts (rowid, title) VALUES (new.id, new.title);
END;

CREATE TRIGGER stories_fts_delete AFTER DELETE ON stories BEGIN
    INSERT INTO stories_fts (stories_fts, rowid, title, description, body_text)
        VALUES ('delete', old.id, old.title, old.description, old.body_text);
    INSERT INTO titles_fts (titles_fts, rowid, title) VALUES ('delete', old.id, old.title);
END;

-- Only text changes touch the indexes; status and extractor bookkeeping updates do not.
CREATE TRIGGER stories_fts_update AFTER UPDATE OF title, description, body_text ON stories BEGIN
    INSERT INTO stories_fts (stories_fts, rowid, title, description, body_text)
        VALUES ('delete', old.id, old.title, old.description, old.body_text);
    INSERT INTO stories_fts (rowid, title, description, body_text)
        VALUES (new.id, new.title, new.description, new.body_text);
    INSERT INTO titles_fts (titles_fts, rowid, title) VALUES ('delete', old.id, old.title);
    INSERT INTO titles_fts (rowid, title) VALUES (new.id, new.title);
END;

CREATE TRIGGER speakers_fts_insert AFTER INSERT ON speakers BEGIN
    INSERT INTO speakers_fts (rowid, name) VALUES (new.id, new.name);
END;

CREATE TRIGGER organisations_fts_insert AFTER INSERT ON organisations BEGIN
    INSERT INTO organisations_fts (rowid, name) VALUES (new.id, new.name);
END;

CREATE TRIGGER organisations_fts_update AFTER UPDATE OF name ON organisations BEGIN
    INSERT INTO organisations_fts (organisations_fts, rowid, name) VALUES ('delete', old.id, old.name);
    INSERT INTO organisations_fts (rowid, name) VALUES (new.id, new.name);
END;
