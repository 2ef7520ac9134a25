-- dialtone schema, version 4: what the day's figures (wallboard, agent report) need beyond a
-- call's row, written by the daemon as things happen: when the caller joined its queue and when
-- an agent's leg reached it (and whose), time on hold and in wrap-up; and each offer of a call
-- to an agent with how it ended. Rows name calls by sid without a foreign key, as call legs do.

CREATE TABLE call_kpi (
    call_sid      TEXT PRIMARY KEY NOT NULL,
    agent         TEXT,                        -- the agent who has the call (the last one)
    enqueued_ms   INTEGER,                     -- the caller first joined its queue
    connected_ms  INTEGER,                     -- an agent's leg first joined the caller
    hold_ms       INTEGER NOT NULL DEFAULT 0 CHECK (hold_ms >= 0), -- holds that are over
    hold_since_ms INTEGER,                     -- on hold now, since then
    wrapup_s      INTEGER CHECK (wrapup_s >= 0) -- NULL until the wrap-up is over; 0 for none
) WITHOUT ROWID;

-- One row per offer, written when the offer ends.
CREATE TABLE offers (
    id         INTEGER PRIMARY KEY,
    call_sid   TEXT NOT NULL,
    agent      TEXT NOT NULL,
    queue      TEXT,
    offered_ms INTEGER NOT NULL,
    ended_ms   INTEGER NOT NULL,
    outcome    TEXT NOT NULL CHECK (outcome IN ('accepted', 'timeout', 'declined', 'withdrawn'))
);
CREATE INDEX offers_offered ON offers (offered_ms);
CREATE INDEX offers_agent   ON offers (agent, offered_ms);
