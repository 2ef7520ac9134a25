-- dialtone schema, version 5: callers still waiting, found without reading every call. The
-- pending list (oldest first) and the queues' figures (per queue) ask for calls in a queue
-- with no queue result yet and a live status; once ANALYZE has seen a million finished calls,
-- SQLite read them through calls_queue or calls_created, which took most of a second. These
-- partial indexes hold only the waiting rows, one in each order the two queries read, under
-- the very condition both state (SQLite uses a partial index only when the query's WHERE
-- repeats the index's terms).
CREATE INDEX calls_waiting ON calls (created_ms, sid)
    WHERE queue IS NOT NULL AND queue_result IS NULL AND
          (status IS NULL OR status IN ('queued', 'initiated', 'ringing', 'in-progress'));
CREATE INDEX calls_waiting_queue ON calls (queue, created_ms, sid)
    WHERE queue IS NOT NULL AND queue_result IS NULL AND
          (status IS NULL OR status IN ('queued', 'initiated', 'ringing', 'in-progress'));
