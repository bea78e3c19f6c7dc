-- Quotes listed across stories come newest story first by publication date (the story's
-- listed_at), not by when they were ingested: an archive ingested after this week's news must not
-- come first. listed_at is copied here, as in story_organisations, so each listing is one index
-- range at 100,000 stories rather than a sort of every quote.

ALTER TABLE quotes ADD COLUMN listed_at TEXT NOT NULL DEFAULT '';

UPDATE quotes SET listed_at = (SELECT s.listed_at FROM stories s WHERE s.id = quotes.story_id);

CREATE INDEX quotes_latest ON quotes (listed_at DESC, story_id DESC, position);

DROP INDEX quotes_speaker;
CREATE INDEX quotes_speaker ON quotes (speaker COLLATE NOCASE, listed_at DESC, story_id DESC, position);
