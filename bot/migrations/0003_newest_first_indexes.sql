-- Quotes by a speaker and funding by amount, newest story first, straight from an index: at
-- 100,000 stories the 0001 indexes made SQLite sort every match before taking the first 25.

DROP INDEX quotes_speaker;
CREATE INDEX quotes_speaker ON quotes (speaker COLLATE NOCASE, story_id DESC, position);

DROP INDEX money_amount;
CREATE INDEX money_amount ON money (is_funding, amount_minor DESC, story_id DESC, position);
