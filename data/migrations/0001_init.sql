-- dialtone schema, version 1: calls, their callbacks, the webhook audit log, agents, queues.
-- Times are integer milliseconds since the Unix epoch (UTC), columns ending in _ms.
-- Durations are whole seconds as Twilio reports them, columns ending in _s.

-- One row per call leg. parent_sid has no foreign key: a child leg's callback can arrive
-- before its parent's. Status is NULL only while no callback has carried a CallStatus.
CREATE TABLE calls (
    sid                  TEXT PRIMARY KEY NOT NULL,
    parent_sid           TEXT,
    account_sid          TEXT,
    direction            TEXT,
    from_number          TEXT,
    to_number            TEXT,
    caller_name          TEXT,
    queue                TEXT,
    agent                TEXT,
    status               TEXT CHECK (status IN ('queued', 'initiated', 'ringing', 'in-progress',
                                                'completed', 'busy', 'failed', 'no-answer',
                                                'canceled')),
    status_seq           INTEGER NOT NULL DEFAULT -1,
    error_code           INTEGER,
    error_message        TEXT,
    sip_code             INTEGER,
    answered_by          TEXT,
    queue_result         TEXT,
    queue_time_s         INTEGER,
    duration_s           INTEGER,
    price                TEXT, -- Twilio's decimal string ("-0.01300"), kept exact
    price_unit           TEXT,
    recording_sid        TEXT,
    recording_url        TEXT,
    recording_duration_s INTEGER,
    recording_status     TEXT,
    created_ms           INTEGER NOT NULL,
    answered_ms          INTEGER,
    ended_ms             INTEGER,
    updated_ms           INTEGER NOT NULL
);

-- History is read newest first by (created_ms, sid) with keyset pagination; each filter that
-- selects by equality has an index whose tail is that order, so a page is one index seek.
CREATE INDEX calls_created   ON calls (created_ms, sid);
CREATE INDEX calls_status    ON calls (status, created_ms, sid);
CREATE INDEX calls_direction ON calls (direction, created_ms, sid);
CREATE INDEX calls_from      ON calls (from_number, created_ms, sid);
CREATE INDEX calls_to        ON calls (to_number, created_ms, sid);
CREATE INDEX calls_agent     ON calls (agent, created_ms, sid);
CREATE INDEX calls_queue     ON calls (queue, created_ms, sid);
CREATE INDEX calls_parent    ON calls (parent_sid);

-- Every callback about a call, payload kept byte for byte as received. A callback delivered
-- twice is stored once: (call_sid, type, seq, status) is unique, with seq -1 when Twilio sent
-- no SequenceNumber and status '' when the callback carried none.
CREATE TABLE call_events (
    id       INTEGER PRIMARY KEY,
    call_sid TEXT NOT NULL REFERENCES calls (sid) DEFERRABLE INITIALLY DEFERRED,
    type     TEXT NOT NULL,
    status   TEXT NOT NULL DEFAULT '',
    seq      INTEGER NOT NULL DEFAULT -1,
    ts_ms    INTEGER NOT NULL,
    payload  TEXT NOT NULL,
    UNIQUE (call_sid, type, seq, status)
);

-- Raw audit log of every webhook request, whether its signature was good or not.
CREATE TABLE webhook_log (
    id           INTEGER PRIMARY KEY,
    received_ms  INTEGER NOT NULL,
    path         TEXT NOT NULL,
    signature_ok INTEGER NOT NULL CHECK (signature_ok IN (0, 1)),
    remote_addr  TEXT,
    body         TEXT NOT NULL
);
CREATE INDEX webhook_log_received ON webhook_log (received_ms);

CREATE TABLE agents (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    role           TEXT NOT NULL CHECK (role IN ('agent', 'supervisor')),
    endpoint       TEXT,
    state          TEXT NOT NULL DEFAULT 'offline',
    state_reason   TEXT,
    state_since_ms INTEGER NOT NULL,
    token_hash     TEXT UNIQUE,
    created_ms     INTEGER NOT NULL
);

CREATE TABLE queues (
    id                    INTEGER PRIMARY KEY,
    name                  TEXT NOT NULL UNIQUE,
    twilio_sid            TEXT,
    routing               TEXT NOT NULL DEFAULT 'ringall'
                          CHECK (routing IN ('ringall', 'longest-idle')),
    max_wait_s            INTEGER NOT NULL DEFAULT 300 CHECK (max_wait_s >= 0),
    wrapup_s              INTEGER NOT NULL DEFAULT 0 CHECK (wrapup_s >= 0),
    reservation_timeout_s INTEGER NOT NULL DEFAULT 30 CHECK (reservation_timeout_s > 0),
    created_ms            INTEGER NOT NULL,
    updated_ms            INTEGER NOT NULL
);
