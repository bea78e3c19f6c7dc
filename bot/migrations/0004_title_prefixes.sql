-- Title autocomplete: index 2- and 3-letter prefixes, not 1-letter ones. The 1-letter prefix
-- doclists cover nearly every title and were rewritten on every story's commit: about a third of
-- the cost of saving a story (docs/benchmarks.md). A 1-letter word prefix selects nearly every
-- title anyway, so the store leaves single letters out of title matches.

DROP TRIGGER stories_fts_insert;
DROP TRIGGER stories_fts_delete;
DROP TRIGGER stories_fts_update;
DROP TABLE titles_fts;

CREATE VIRTUAL TABLE titles_fts USING fts5 (
    title,
    content = 'stories', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
INSERT INTO titles_fts (titles_fts) VALUES ('rebuild');

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

CREATE TRIGGER stories_fts_update AFTER UPDATE OF title, description, body_text ON stories BEGIN
    INSERT INTO stories_fts (stories_fts, rowid, title, description, body_text)
        VALUES ('delete', old.id, old.title, old.description, old.body_text);
    INSERT INTO stories_fts (rowid, title, description, body_text)
        VALUES (new.id, new.title, new.description, new.body_text);
    INSERT INTO titles_fts (titles_fts, rowid, title) VALUES ('delete', old.id, old.title);
    INSERT INTO titles_fts (rowid, title) VALUES (new.id, new.title);
END;
