-- dialtone schema, version 2: the daemon's event log, and what the daemon's webhooks learn
-- about a call's conference and recording.

-- Every change the daemon pushes to consoles, in order. seq is the daemon-wide event number:
-- AUTOINCREMENT never reuses a number, so a console that saw seq N asks for the events after N
-- and misses nothing. data is one JSON value.
CREATE TABLE events (
    seq   INTEGER PRIMARY KEY AUTOINCREMENT,
    type  TEXT NOT NULL,
    ts_ms INTEGER NOT NULL,
    data  TEXT NOT NULL CHECK (json_valid(data))
);

-- The conference a call is in (the daemon's room name, and Twilio's CF sid once a conference
-- callback told it), and the recording's channels and source (RecordVerb, Conference...).
ALTER TABLE calls ADD COLUMN conference TEXT;
ALTER TABLE calls ADD COLUMN conference_sid TEXT;
ALTER TABLE calls ADD COLUMN recording_channels INTEGER;
ALTER TABLE calls ADD COLUMN recording_source TEXT;
CREATE INDEX calls_conference_sid ON calls (conference_sid);
