-- dialtone schema, version 9: the attempts of each automatic retry chain (an outbound call
-- placed with "retry": true), so that a restart neither forgets a scheduled retry nor places
-- an attempt twice. One row per attempt, the first included.

CREATE TABLE retry_attempts (
    id         INTEGER PRIMARY KEY,
    chain      TEXT NOT NULL,              -- the first attempt's conference: names the chain
    first_sid  TEXT NOT NULL DEFAULT '',   -- the first attempt's call, once Twilio made it
    attempt    INTEGER NOT NULL CHECK (attempt >= 1),
    kind       TEXT NOT NULL CHECK (kind IN ('first', 'retry', 'callback')),
    due_ms     INTEGER NOT NULL,           -- when it is (or was) to be placed
    agent      TEXT NOT NULL,
    number     TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',   -- why it was scheduled
    code       INTEGER NOT NULL DEFAULT 0, -- the failure of the attempt before
    state      TEXT NOT NULL DEFAULT 'pending'
               CHECK (state IN ('pending', 'placed', 'dropped', 'ended')),
    room       TEXT NOT NULL DEFAULT '',   -- its conference, once placed
    sid        TEXT NOT NULL DEFAULT '',   -- its customer's call, once Twilio made it
    outcome    TEXT NOT NULL DEFAULT '',   -- why it was dropped, or how its call ended
    updated_ms INTEGER NOT NULL,
    UNIQUE (chain, attempt)
);
CREATE INDEX retry_attempts_open ON retry_attempts (state, due_ms)
    WHERE state IN ('pending', 'placed');
