-- The full-text indexes are written by the storage layer at the end of each save transaction
-- (bot/storage.py, SearchIndexWrites), no longer by triggers row by row. FTS5 flushes its pending
-- terms to a new segment at every savepoint, and SQLite opens one for each story's SAVEPOINT and
-- for every statement that fires a trigger: indexed by triggers, a story cost about 0.6 ms of
-- index work; queued and written together before COMMIT, about 0.1 ms (docs/benchmarks.md).
-- stories_fts_delete stays: nothing deletes stories, but a row deleted by hand keeps the index right.

DROP TRIGGER stories_fts_insert;
DROP TRIGGER stories_fts_update;
DROP TRIGGER speakers_fts_insert;
DROP TRIGGER organisations_fts_insert;
DROP TRIGGER organisations_fts_update;
