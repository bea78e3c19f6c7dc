-- Channel updates: subscriptions, the outbox of posts, digests and the state of each polled feed.
-- Discord ids (guild, channel, role, user, message) are 64-bit integers; times are UTC ISO-8601 text.

CREATE TABLE subscriptions (
    id INTEGER PRIMARY KEY,
    guild_id INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    filters TEXT NOT NULL,            -- JSON: SubscriptionFilter.to_json()
    mode TEXT NOT NULL CHECK (mode IN ('immediate', 'daily', 'weekly')),
    role_id INTEGER,                  -- pinged on each post; the only mention the bot makes
    created_by INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    paused INTEGER NOT NULL DEFAULT 0,
    paused_reason TEXT,               -- 'moderator', 'forbidden' or 'not_found' (channel lost)
    paused_at TEXT,
    pause_announced INTEGER NOT NULL DEFAULT 0,  -- moderators told once, not on every failure
    last_post_at TEXT
);

CREATE INDEX subscriptions_guild ON subscriptions (guild_id, channel_id);
CREATE INDEX subscriptions_channel ON subscriptions (channel_id);

-- One message per daily/weekly digest (or catch-up) for one channel; a long one has several pages.
CREATE TABLE digests (
    id INTEGER PRIMARY KEY,
    guild_id INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('daily', 'weekly', 'catch_up')),
    period TEXT NOT NULL,             -- '2026-11-25' (daily), '2026-11-28' (weekly), a time (catch-up)
    nonce TEXT NOT NULL CHECK (length(nonce) <= 25),
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent')),
    message_ids TEXT NOT NULL DEFAULT '[]',  -- JSON: one id per page sent so far
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    UNIQUE (channel_id, kind, period)
);

CREATE INDEX digests_pending ON digests (id) WHERE state = 'pending';

-- The outbox: written before a post is sent, marked with Discord's message id after, so a restart
-- resumes without duplicates. UNIQUE (story_id, channel_id): each pair is posted at most once, ever.
CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    story_id INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    guild_id INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('immediate', 'daily', 'weekly')),
    role_ids TEXT NOT NULL DEFAULT '[]',     -- JSON: every matching subscription's role, once each
    nonce TEXT NOT NULL CHECK (length(nonce) <= 25),  -- Discord's idempotency key for the send
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent')),
    message_id INTEGER,
    digest_id INTEGER REFERENCES digests (id) ON DELETE SET NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    edit_pending INTEGER NOT NULL DEFAULT 0,  -- the story changed after it was posted
    UNIQUE (story_id, channel_id)
);

CREATE INDEX posts_pending ON posts (id) WHERE state = 'pending';
CREATE INDEX posts_edits ON posts (id) WHERE edit_pending = 1;
CREATE INDEX posts_channel ON posts (channel_id, state);
CREATE INDEX posts_digest ON posts (digest_id) WHERE digest_id IS NOT NULL;

-- Stories already considered for fan-out. A feed's first poll records what it held with no posts,
-- and a story stored but not yet fanned out when the bot stopped is picked up on the next poll.
CREATE TABLE dispatched_stories (
    story_id INTEGER PRIMARY KEY REFERENCES stories (id) ON DELETE CASCADE,
    dispatched_at TEXT NOT NULL,
    posts INTEGER NOT NULL
);

CREATE TABLE feeds (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    last_checked_at TEXT,
    last_success_at TEXT,             -- NULL until the first poll stored what the feed held
    last_new_story_at TEXT,
    failures INTEGER NOT NULL DEFAULT 0,  -- in a row
    failing_since TEXT,
    last_error TEXT,
    next_poll_at TEXT,
    announced_failure INTEGER NOT NULL DEFAULT 0,
    -- sha256 of the last body fully ingested: the same bytes again need no second ingest
    body_hash TEXT,
    -- stories with a higher row id were stored after the feed's first poll: candidates to post
    baseline_story_id INTEGER
);
