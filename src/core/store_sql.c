/*
 * store_sql: the text of every statement the store caches, in one table (history queries are
 * composed from fixed fragments in store_history.c). Values are always bound parameters.
 */
#include "store_int.h"

/*
 * Merging a callback into a call. The status and its sequence come decided by the merge rule
 * (store_calls.c). Identity fields keep their first value; the others are overwritten by the
 * values a callback carries, except that a stale callback (:fill = 1) only fills in what is
 * still NULL; a finished recording never goes back to in-progress. FILL(col, :param) is one
 * such overwrite-or-fill assignment.
 */
#define FILL(col, v)                                                                               \
    col " = CASE WHEN :fill THEN COALESCE(" col ", " v ") ELSE COALESCE(" v ", " col ") END, "

/* The assignments to the columns no index holds, and the status, shared by the upsert and
 * the update. The recording's final states are compared one by one: an IN list would make
 * SQLite build a temporary table at every run. */
/* clang-format off */
#define CALL_SET_PLAIN                                                                             \
    "account_sid = COALESCE(account_sid, :account_sid), "                                          \
    "caller_name = COALESCE(caller_name, :caller_name), "                                          \
    FILL("error_code", ":error_code")                                                              \
    FILL("error_message", ":error_message")                                                        \
    FILL("sip_code", ":sip_code")                                                                  \
    FILL("answered_by", ":answered_by")                                                            \
    FILL("queue_result", ":queue_result")                                                          \
    FILL("queue_time_s", ":queue_time_s")                                                          \
    FILL("duration_s", ":duration_s")                                                              \
    FILL("price", ":price")                                                                        \
    FILL("price_unit", ":price_unit")                                                              \
    FILL("recording_sid", ":recording_sid")                                                        \
    FILL("recording_url", ":recording_url")                                                        \
    FILL("recording_duration_s", ":recording_duration_s")                                          \
    FILL("recording_channels", ":recording_channels")                                              \
    FILL("recording_source", ":recording_source")                                                  \
    FILL("conference", ":conference")                                                              \
    "recording_status = CASE WHEN (recording_status = 'completed' OR "                              \
    "recording_status = 'absent' OR recording_status = 'failed') "                                 \
    "AND :recording_status = 'in-progress' THEN recording_status "                                 \
    "WHEN :fill THEN COALESCE(recording_status, :recording_status) "                               \
    "ELSE COALESCE(:recording_status, recording_status) END, "                                     \
    "answered_ms = CASE WHEN answered_ms IS NULL THEN :answered_ms "                               \
    "WHEN :answered_ms IS NULL THEN answered_ms ELSE MIN(answered_ms, :answered_ms) END, "         \
    "ended_ms = COALESCE(:ended_ms, ended_ms), "                                                   \
    "updated_ms = MAX(updated_ms, :ts), "                                                          \
    "status = :status, status_seq = :status_seq"

/* Inserts a call or merges a callback into it, every column. */
static const char call_upsert[] =
    "INSERT INTO calls (sid, parent_sid, account_sid, direction, from_number, to_number, "
    "caller_name, queue, agent, status, status_seq, error_code, error_message, sip_code, "
    "answered_by, queue_result, queue_time_s, duration_s, price, price_unit, recording_sid, "
    "recording_url, recording_duration_s, recording_status, created_ms, answered_ms, ended_ms, "
    "updated_ms, recording_channels, recording_source, conference, conference_sid) "
    "VALUES (:sid, :parent_sid, :account_sid, :direction, :from, :to, :caller_name, "
    ":queue, :agent, :status, :status_seq, :error_code, :error_message, :sip_code, "
    ":answered_by, :queue_result, :queue_time_s, :duration_s, :price, :price_unit, "
    ":recording_sid, :recording_url, :recording_duration_s, :recording_status, :ts, "
    ":answered_ms, :ended_ms, :ts, :recording_channels, :recording_source, :conference, "
    ":conference_sid) "
    "ON CONFLICT (sid) DO UPDATE SET "
    "parent_sid = COALESCE(parent_sid, :parent_sid), "
    "direction = COALESCE(direction, :direction), "
    "from_number = COALESCE(from_number, :from), "
    "to_number = COALESCE(to_number, :to), "
    FILL("queue", ":queue")
    FILL("agent", ":agent")
    FILL("conference_sid", ":conference_sid")
    "created_ms = MIN(created_ms, :ts), "
    CALL_SET_PLAIN;
/* clang-format on */

/* Merges a callback into an existing call when no indexed column but the status changes
 * (store_calls.c checks): SQLite rewrites the entries of every index whose columns an UPDATE
 * assigns, changed or not, and a call has ten. */
static const char call_update[] = "UPDATE calls SET " CALL_SET_PLAIN " WHERE sid = :sid";

#define AGENT_COLUMNS                                                                              \
    "id, name, role, endpoint, state, state_reason, state_since_ms, token_hash, created_ms"
#define QUEUE_COLUMNS                                                                              \
    "id, name, twilio_sid, routing, max_wait_s, wrapup_s, reservation_timeout_s, created_ms, "     \
    "updated_ms"

const char *const store_sql_text[STORE_SQL_COUNT] = {
    [SQL_BEGIN] = "BEGIN IMMEDIATE",
    [SQL_COMMIT] = "COMMIT",
    [SQL_ROLLBACK] = "ROLLBACK",
    [SQL_SAVEPOINT] = "SAVEPOINT store_write",
    [SQL_RELEASE] = "RELEASE store_write",
    [SQL_ROLLBACK_TO] = "ROLLBACK TO store_write",
    [SQL_TX_SAVEPOINT] = "SAVEPOINT store_part",
    [SQL_TX_RELEASE] = "RELEASE store_part",
    [SQL_TX_ROLLBACK_TO] = "ROLLBACK TO store_part",
    [SQL_WEBHOOK_INSERT] = "INSERT INTO webhook_log (received_ms, path, signature_ok, "
                           "remote_addr, body) VALUES (?1, ?2, ?3, ?4, ?5)",
    [SQL_EVENT_INSERT] = "INSERT INTO call_events (call_sid, type, status, seq, ts_ms, payload) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                         "ON CONFLICT (call_sid, type, seq, status) DO NOTHING",
    [SQL_CALL_POS] = "SELECT status, status_seq, parent_sid, direction, from_number, to_number, "
                     "queue, agent, conference_sid, created_ms FROM calls WHERE sid = ?1",
    [SQL_CALL_UPSERT] = call_upsert,
    [SQL_CALL_UPDATE] = call_update,
    [SQL_CALL_GET] = "SELECT " STORE_CALL_COLUMNS " FROM calls WHERE sid = ?1",
    [SQL_CALL_EVENTS] = "SELECT id, call_sid, type, status, seq, ts_ms, payload FROM call_events "
                        "WHERE call_sid = ?1 ORDER BY id",
    [SQL_AGENT_INSERT] = "INSERT INTO agents (name, role, endpoint, state, state_since_ms, "
                         "token_hash, created_ms) VALUES (?1, ?2, ?3, 'offline', ?4, ?5, ?4)",
    [SQL_AGENT_BY_NAME] = "SELECT " AGENT_COLUMNS " FROM agents WHERE name = ?1",
    [SQL_AGENT_BY_TOKEN] = "SELECT " AGENT_COLUMNS " FROM agents WHERE token_hash = ?1",
    [SQL_AGENT_LIST] = "SELECT " AGENT_COLUMNS " FROM agents ORDER BY name",
    [SQL_AGENT_SET_STATE] = "UPDATE agents SET state = ?2, state_reason = ?3, "
                            "state_since_ms = CASE WHEN state = ?2 THEN state_since_ms "
                            "ELSE ?4 END WHERE name = ?1",
    [SQL_QUEUE_UPSERT] =
        "INSERT INTO queues (name, twilio_sid, routing, max_wait_s, wrapup_s, "
        "reservation_timeout_s, created_ms, updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7) "
        "ON CONFLICT (name) DO UPDATE SET twilio_sid = COALESCE(excluded.twilio_sid, twilio_sid), "
        "routing = excluded.routing, max_wait_s = excluded.max_wait_s, "
        "wrapup_s = excluded.wrapup_s, reservation_timeout_s = excluded.reservation_timeout_s, "
        "updated_ms = excluded.updated_ms",
    [SQL_QUEUE_GET] = "SELECT " QUEUE_COLUMNS " FROM queues WHERE name = ?1",
    [SQL_QUEUE_LIST] = "SELECT " QUEUE_COLUMNS " FROM queues ORDER BY name",
    [SQL_CALL_COUNTS] = "SELECT status, count(*) FROM calls GROUP BY status",
    [SQL_QUEUE_WAITING] =
        "SELECT queue, count(*), MIN(created_ms) FROM calls WHERE queue IS NOT NULL AND "
        "queue_result IS NULL AND (status IS NULL OR status IN ('queued', 'initiated', "
        "'ringing', 'in-progress')) GROUP BY queue ORDER BY queue",
    [SQL_CALLS_IN_CONF] = "SELECT sid FROM calls WHERE conference_sid = ?1 ORDER BY created_ms, "
                          "sid LIMIT ?2",
    [SQL_LOG_EVENT_INSERT] = "INSERT INTO events (type, ts_ms, data) VALUES (?1, ?2, ?3)",
    [SQL_LOG_EVENTS_AFTER] = "SELECT seq, type, ts_ms, data FROM events WHERE seq > ?1 "
                             "ORDER BY seq LIMIT ?2",
    [SQL_LOG_EVENT_LAST] = "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE "
                           "name = 'events'), 0)",
};
