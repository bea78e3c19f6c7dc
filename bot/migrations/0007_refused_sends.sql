-- A post or digest that Discord refuses as a bad request (a 4xx other than 403, 404 or 429) a few times
-- running is set aside: it no longer holds up its channel's other posts or costs a request every round.
-- Server errors and lost connections never set anything aside: an outage ends, and the post goes then.
ALTER TABLE posts ADD COLUMN refused_at TEXT;
ALTER TABLE digests ADD COLUMN refused_at TEXT;
