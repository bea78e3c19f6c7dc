-- Each story's text was stored twice: as JSON blocks in `body` and joined in `body_text`, the
-- column the full-text index reads. Keep the text once, in body_text, and only each block's kind,
-- blockquote flag and length in `layout` (JSON [[kind, blockquote, length], ...]): the blocks are
-- body_text cut at those lengths, with the two-character "\n\n" between blocks. A row is about
-- 45 % smaller, and saving a story writes that much less (docs/benchmarks.md).
-- SQLite's length() counts characters, as Python's len() does.

ALTER TABLE stories ADD COLUMN layout TEXT NOT NULL DEFAULT '[]';

UPDATE stories SET layout = (
    SELECT json_group_array(json_array(kind, blockquote, length(text)))
    FROM (
        SELECT json_extract(value, '$[0]') AS kind, json_extract(value, '$[2]') AS blockquote,
            json_extract(value, '$[1]') AS text
        FROM json_each(stories.body) ORDER BY key
    )
);

ALTER TABLE stories DROP COLUMN body;
