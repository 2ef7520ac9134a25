-- dialtone schema, version 8: numbers under review (a bad-number failure, or failures in a
-- row), and the link from each automatic retry of an outbound call to its first attempt.

CREATE TABLE numbers (
    number      TEXT PRIMARY KEY,
    state       TEXT NOT NULL DEFAULT 'ok'
                CHECK (state IN ('ok', 'flagged', 'fixed', 'dnc')),
    reason      TEXT NOT NULL DEFAULT '',   -- why it was flagged
    code        INTEGER NOT NULL DEFAULT 0, -- the last failure's error code
    first_ms    INTEGER NOT NULL,           -- first failure seen
    last_ms     INTEGER NOT NULL,           -- last failure seen
    count       INTEGER NOT NULL DEFAULT 0, -- failures seen in all
    in_row      INTEGER NOT NULL DEFAULT 0, -- failures since the last success
    reviewer    TEXT,
    reviewed_ms INTEGER,
    replacement TEXT
);
CREATE INDEX numbers_state ON numbers (state, last_ms);

CREATE TABLE call_retries (
    sid      TEXT PRIMARY KEY, -- the retry's call
    retry_of TEXT NOT NULL,    -- the first attempt's call
    attempt  INTEGER NOT NULL, -- 2 for the first retry
    at_ms    INTEGER NOT NULL
);
CREATE INDEX call_retries_first ON call_retries (retry_of);
