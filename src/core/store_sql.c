/*
 * store_sql: the text of every statement the store caches, in one table (history queries are
 * composed from fixed fragments in store_history.c). Values are always bound parameters.
 */
#include "store_int.h"

/*
 * Inserts a call or merges a callback into it. The status and its sequence come decided by the
 * merge rule (store_calls.c). Identity fields keep their first value; the others are
 * overwritten by the values a callback carries, except that a stale callback (:fill = 1) only
 * fills in what is still NULL; a finished recording never goes back to in-progress.
 */
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
    "parent_sid = COALESCE(parent_sid, excluded.parent_sid), "
    "account_sid = COALESCE(account_sid, excluded.account_sid), "
    "direction = COALESCE(direction, excluded.direction), "
    "from_number = COALESCE(from_number, excluded.from_number), "
    "to_number = COALESCE(to_number, excluded.to_number), "
    "caller_name = COALESCE(caller_name, excluded.caller_name), "
    "queue = CASE WHEN :fill THEN COALESCE(queue, excluded.queue) "
    "ELSE COALESCE(excluded.queue, queue) END, "
    "agent = CASE WHEN :fill THEN COALESCE(agent, excluded.agent) "
    "ELSE COALESCE(excluded.agent, agent) END, "
    "error_code = CASE WHEN :fill THEN COALESCE(error_code, excluded.error_code) "
    "ELSE COALESCE(excluded.error_code, error_code) END, "
    "error_message = CASE WHEN :fill THEN COALESCE(error_message, excluded.error_message) "
    "ELSE COALESCE(excluded.error_message, error_message) END, "
    "sip_code = CASE WHEN :fill THEN COALESCE(sip_code, excluded.sip_code) "
    "ELSE COALESCE(excluded.sip_code, sip_code) END, "
    "answered_by = CASE WHEN :fill THEN COALESCE(answered_by, excluded.answered_by) "
    "ELSE COALESCE(excluded.answered_by, answered_by) END, "
    "queue_result = CASE WHEN :fill THEN COALESCE(queue_result, excluded.queue_result) "
    "ELSE COALESCE(excluded.queue_result, queue_result) END, "
    "queue_time_s = CASE WHEN :fill THEN COALESCE(queue_time_s, excluded.queue_time_s) "
    "ELSE COALESCE(excluded.queue_time_s, queue_time_s) END, "
    "duration_s = CASE WHEN :fill THEN COALESCE(duration_s, excluded.duration_s) "
    "ELSE COALESCE(excluded.duration_s, duration_s) END, "
    "price = CASE WHEN :fill THEN COALESCE(price, excluded.price) "
    "ELSE COALESCE(excluded.price, price) END, "
    "price_unit = CASE WHEN :fill THEN COALESCE(price_unit, excluded.price_unit) "
    "ELSE COALESCE(excluded.price_unit, price_unit) END, "
    "recording_sid = CASE WHEN :fill THEN COALESCE(recording_sid, excluded.recording_sid) "
    "ELSE COALESCE(excluded.recording_sid, recording_sid) END, "
    "recording_url = CASE WHEN :fill THEN COALESCE(recording_url, excluded.recording_url) "
    "ELSE COALESCE(excluded.recording_url, recording_url) END, "
    "recording_duration_s = CASE WHEN :fill THEN COALESCE(recording_duration_s, "
    "excluded.recording_duration_s) "
    "ELSE COALESCE(excluded.recording_duration_s, recording_duration_s) END, "
    "recording_channels = CASE WHEN :fill THEN COALESCE(recording_channels, "
    "excluded.recording_channels) "
    "ELSE COALESCE(excluded.recording_channels, recording_channels) END, "
    "recording_source = CASE WHEN :fill THEN COALESCE(recording_source, excluded.recording_source) "
    "ELSE COALESCE(excluded.recording_source, recording_source) END, "
    "conference = CASE WHEN :fill THEN COALESCE(conference, excluded.conference) "
    "ELSE COALESCE(excluded.conference, conference) END, "
    "conference_sid = CASE WHEN :fill THEN COALESCE(conference_sid, excluded.conference_sid) "
    "ELSE COALESCE(excluded.conference_sid, conference_sid) END, "
    "recording_status = CASE WHEN recording_status IN ('completed', 'absent', 'failed') "
    "AND excluded.recording_status = 'in-progress' THEN recording_status "
    "WHEN :fill THEN COALESCE(recording_status, excluded.recording_status) "
    "ELSE COALESCE(excluded.recording_status, recording_status) END, "
    "status = excluded.status, "
    "status_seq = excluded.status_seq, "
    "created_ms = MIN(created_ms, excluded.created_ms), "
    "answered_ms = CASE WHEN answered_ms IS NULL THEN excluded.answered_ms "
    "WHEN excluded.answered_ms IS NULL THEN answered_ms "
    "ELSE MIN(answered_ms, excluded.answered_ms) END, "
    "ended_ms = COALESCE(excluded.ended_ms, ended_ms), "
    "updated_ms = MAX(updated_ms, excluded.updated_ms)";

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
    [SQL_WEBHOOK_INSERT] = "INSERT INTO webhook_log (received_ms, path, signature_ok, "
                           "remote_addr, body) VALUES (?1, ?2, ?3, ?4, ?5)",
    [SQL_EVENT_INSERT] = "INSERT INTO call_events (call_sid, type, status, seq, ts_ms, payload) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                         "ON CONFLICT (call_sid, type, seq, status) DO NOTHING",
    [SQL_CALL_POS] = "SELECT status, status_seq FROM calls WHERE sid = ?1",
    [SQL_CALL_UPSERT] = call_upsert,
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
