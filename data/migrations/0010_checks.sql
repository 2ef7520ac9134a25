-- dialtone schema, version 10: two checks that cost SQLite more than the writes they guard,
-- each of which it ran at almost every webhook.
-- The calls' status check, as plain comparisons. SQLite evaluates "status IN (nine values)" by
-- building a small temporary table at each statement that writes a status; "status =
-- 'queued' OR ..." costs nothing of the kind. A check cannot be altered in place, so the table
-- is built again: the same columns in the same order (those of versions 1 and 2), every row
-- copied, the indexes of versions 1 to 6 made again. call_events refers to calls by name, which
-- the new table takes over. The store runs migrations with foreign key enforcement off and
-- checks the keys before committing.
CREATE TABLE calls_v10 (
    sid                  TEXT PRIMARY KEY NOT NULL,
    parent_sid           TEXT,
    account_sid          TEXT,
    direction            TEXT,
    from_number          TEXT,
    to_number            TEXT,
    caller_name          TEXT,
    queue                TEXT,
    agent                TEXT,
    status               TEXT CHECK (status = 'queued' OR status = 'initiated' OR
                                     status = 'ringing' OR status = 'in-progress' OR
                                     status = 'completed' OR status = 'busy' OR
                                     status = 'failed' OR status = 'no-answer' OR
                                     status = 'canceled'),
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
    updated_ms           INTEGER NOT NULL,
    conference           TEXT,
    conference_sid       TEXT,
    recording_channels   INTEGER,
    recording_source     TEXT
);

INSERT INTO calls_v10 (sid, parent_sid, account_sid, direction, from_number, to_number,
                       caller_name, queue, agent, status, status_seq, error_code, error_message,
                       sip_code, answered_by, queue_result, queue_time_s, duration_s, price,
                       price_unit, recording_sid, recording_url, recording_duration_s,
                       recording_status, created_ms, answered_ms, ended_ms, updated_ms,
                       conference, conference_sid, recording_channels, recording_source)
SELECT sid, parent_sid, account_sid, direction, from_number, to_number, caller_name, queue, agent,
       status, status_seq, error_code, error_message, sip_code, answered_by, queue_result,
       queue_time_s, duration_s, price, price_unit, recording_sid, recording_url,
       recording_duration_s, recording_status, created_ms, answered_ms, ended_ms, updated_ms,
       conference, conference_sid, recording_channels, recording_source
FROM calls;

DROP TABLE calls;
ALTER TABLE calls_v10 RENAME TO calls;

CREATE INDEX calls_created   ON calls (created_ms, sid);
CREATE INDEX calls_status    ON calls (status, created_ms, sid);
CREATE INDEX calls_direction ON calls (direction, created_ms, sid);
CREATE INDEX calls_from      ON calls (from_number, created_ms, sid);
CREATE INDEX calls_to        ON calls (to_number, created_ms, sid);
CREATE INDEX calls_agent     ON calls (agent, created_ms, sid);
CREATE INDEX calls_queue     ON calls (queue, created_ms, sid);
CREATE INDEX calls_conference_sid ON calls (conference_sid);
-- as in version 5 (the queries that read by them say it the same way); for a call without a
-- queue, as most of those the daemon writes, SQLite stops at "queue IS NOT NULL"
CREATE INDEX calls_waiting ON calls (created_ms, sid)
    WHERE queue IS NOT NULL AND queue_result IS NULL AND
          (status IS NULL OR status IN ('queued', 'initiated', 'ringing', 'in-progress'));
CREATE INDEX calls_waiting_queue ON calls (queue, created_ms, sid)
    WHERE queue IS NOT NULL AND queue_result IS NULL AND
          (status IS NULL OR status IN ('queued', 'initiated', 'ringing', 'in-progress'));

-- The event log without its json_valid check, which parsed every event's data once more (the
-- daemon prints it from a JSON tree; the store checks the data it is handed as text itself).
-- Built again with every event and its seq, and the last seq handed out kept, so that none is
-- ever handed out twice.
CREATE TEMP TABLE events_seq_v10 AS SELECT seq FROM sqlite_sequence WHERE name = 'events';
CREATE TABLE events_v10 (
    seq   INTEGER PRIMARY KEY AUTOINCREMENT,
    type  TEXT NOT NULL,
    ts_ms INTEGER NOT NULL,
    data  TEXT NOT NULL
);
INSERT INTO events_v10 (seq, type, ts_ms, data) SELECT seq, type, ts_ms, data FROM events;
DROP TABLE events;
ALTER TABLE events_v10 RENAME TO events;
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'events', seq FROM events_seq_v10
    WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'events');
UPDATE sqlite_sequence SET seq = max(seq, COALESCE((SELECT seq FROM events_seq_v10), 0))
    WHERE name = 'events';
DROP TABLE events_seq_v10;
