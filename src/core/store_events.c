/*
 * store_events: the daemon's event log (append, read after a seq, the last seq) and the
 * figures /metrics shows (calls by status, callers waiting per queue), plus the calls of a
 * conference. See dialtone/store.h.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dialtone/util.h"
#include "store_int.h"

/* ---- figures ------------------------------------------------------------------------------ */

int store_call_counts(struct store *st, int64_t counts[DT_CALL_STATUS_COUNT], int64_t *no_status,
                      char *err, size_t errlen)
{
    memset(counts, 0, sizeof(int64_t) * DT_CALL_STATUS_COUNT);
    if (no_status)
        *no_status = 0;
    sqlite3_stmt *s = store_stmt(st, SQL_CALL_COUNTS, err, errlen);
    if (!s)
        return DT_EDB;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(s, 0);
        int64_t n = sqlite3_column_int64(s, 1);
        enum callstate_status cs;
        if (!name) {
            if (no_status)
                *no_status = n;
        } else if (callstate_parse(name, &cs) == DT_OK) {
            counts[cs] = n;
        }
    }
    int rc = step == SQLITE_DONE ? DT_OK : store_dberr(st, "counting calls", err, errlen);
    sqlite3_reset(s);
    if (rc != DT_OK)
        memset(counts, 0, sizeof(int64_t) * DT_CALL_STATUS_COUNT);
    return rc;
}

int store_queue_waiting(struct store *st, store_queue_wait_fn fn, void *ctx, char *err,
                        size_t errlen)
{
    sqlite3_stmt *s = store_stmt(st, SQL_QUEUE_WAITING, err, errlen);
    if (!s)
        return DT_EDB;
    int rc = DT_OK, step = SQLITE_DONE;
    while (rc == DT_OK && (step = sqlite3_step(s)) == SQLITE_ROW) {
        struct store_queue_wait w = {
            .queue = (const char *)sqlite3_column_text(s, 0),
            .waiting = sqlite3_column_int64(s, 1),
            .oldest_ms = sqlite3_column_int64(s, 2),
        };
        if (w.queue)
            rc = fn(&w, ctx);
    }
    if (rc == DT_OK && step != SQLITE_DONE)
        rc = store_dberr(st, "counting waiting calls", err, errlen);
    sqlite3_reset(s);
    return rc;
}

void store_sid_list_done(struct store_sid_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->count; i++)
        free(l->items[i]);
    free(l->items);
    *l = (struct store_sid_list){0};
}

int store_calls_in_conference(struct store *st, const char *conference_sid,
                              struct store_sid_list *out, char *err, size_t errlen)
{
    *out = (struct store_sid_list){0};
    int rc = store_check_text(conference_sid, STORE_SID_MAX, 1, "conference sid", err, errlen);
    if (rc != DT_OK)
        return rc;
    sqlite3_stmt *s = store_stmt(st, SQL_CALLS_IN_CONF, err, errlen);
    if (!s)
        return DT_EDB;
    store_bind_text(s, 1, conference_sid);
    sqlite3_bind_int(s, 2, STORE_HISTORY_MAX_LIMIT);
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        char *sid = store_col_dup(s, 0);
        if (!sid)
            continue;
        out->items = xrealloc(out->items, (out->count + 1) * sizeof *out->items);
        out->items[out->count++] = sid;
    }
    if (step != SQLITE_DONE) {
        rc = store_dberr(st, "reading a conference's calls", err, errlen);
        store_sid_list_done(out);
    }
    sqlite3_reset(s);
    return rc;
}

/* ---- the event log ------------------------------------------------------------------------ */

static int check_type(const char *type, char *err, size_t errlen)
{
    int rc = store_check_text(type, STORE_EVENT_TYPE_MAX, 1, "event type", err, errlen);
    for (const char *p = type; rc == DT_OK && *p; p++) {
        if (*p <= 0x20 || *p >= 0x7f)
            rc = dt_seterr(err, errlen, DT_EINVAL, "event type must be printable ASCII");
    }
    return rc;
}

/* Whether data (NUL-terminated) is one JSON value and nothing after it. */
static int is_json(const char *data)
{
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithOpts(data, &end, 1);
    cJSON_Delete(j);
    return j != NULL;
}

int store_event_append(struct store *st, const char *type, int64_t ts_ms, const char *data,
                       int64_t *seq, char *err, size_t errlen)
{
    if (data && *data && strnlen(data, STORE_PAYLOAD_MAX + 1) <= STORE_PAYLOAD_MAX &&
        !is_json(data))
        return dt_seterr(err, errlen, DT_EINVAL, "event data is not JSON");
    return store_event_append_printed(st, type, ts_ms, data, seq, err, errlen);
}

int store_event_append_printed(struct store *st, const char *type, int64_t ts_ms, const char *data,
                               int64_t *seq, char *err, size_t errlen)
{
    int rc = check_type(type, err, errlen);
    if (rc != DT_OK)
        return rc;
    if (!data || !*data)
        return dt_seterr(err, errlen, DT_EINVAL, "event data is required");
    if (strnlen(data, STORE_PAYLOAD_MAX + 1) > STORE_PAYLOAD_MAX)
        return dt_seterr(err, errlen, DT_ETOOBIG, "event data is larger than %d bytes",
                         STORE_PAYLOAD_MAX);
    sqlite3_stmt *s = store_stmt(st, SQL_LOG_EVENT_INSERT, err, errlen);
    if (!s)
        return DT_EDB;
    store_bind_text(s, 1, type);
    sqlite3_bind_int64(s, 2, ts_ms);
    store_bind_text(s, 3, data);
    if (sqlite3_step(s) == SQLITE_DONE) {
        if (seq)
            *seq = sqlite3_last_insert_rowid(st->db);
    } else if (sqlite3_extended_errcode(st->db) == SQLITE_CONSTRAINT_CHECK) {
        rc = dt_seterr(err, errlen, DT_EINVAL, "event data is not JSON");
    } else {
        rc = store_dberr(st, "appending an event", err, errlen);
    }
    sqlite3_reset(s);
    return rc;
}

int store_events_after(struct store *st, int64_t after, int limit, store_event_log_fn fn, void *ctx,
                       char *err, size_t errlen)
{
    if (limit < 1 || limit > STORE_EVENTS_MAX_LIMIT)
        return dt_seterr(err, errlen, DT_EINVAL, "limit must be 1 to %d", STORE_EVENTS_MAX_LIMIT);
    sqlite3_stmt *s = store_stmt(st, SQL_LOG_EVENTS_AFTER, err, errlen);
    if (!s)
        return DT_EDB;
    sqlite3_bind_int64(s, 1, after);
    sqlite3_bind_int(s, 2, limit);
    int rc = DT_OK, step = SQLITE_DONE;
    while (rc == DT_OK && (step = sqlite3_step(s)) == SQLITE_ROW) {
        struct store_event ev = {
            .seq = sqlite3_column_int64(s, 0),
            .type = (const char *)sqlite3_column_text(s, 1),
            .ts_ms = sqlite3_column_int64(s, 2),
            .data = (const char *)sqlite3_column_text(s, 3),
        };
        ev.data_len = (size_t)sqlite3_column_bytes(s, 3);
        if (!ev.type)
            ev.type = "";
        if (!ev.data)
            ev.data = "null";
        rc = fn(&ev, ctx);
    }
    if (rc == DT_OK && step != SQLITE_DONE)
        rc = store_dberr(st, "reading events", err, errlen);
    sqlite3_reset(s);
    return rc;
}

int store_event_last_seq(struct store *st, int64_t *seq, char *err, size_t errlen)
{
    *seq = 0;
    sqlite3_stmt *s = store_stmt(st, SQL_LOG_EVENT_LAST, err, errlen);
    if (!s)
        return DT_EDB;
    int rc = DT_OK;
    if (sqlite3_step(s) == SQLITE_ROW)
        *seq = sqlite3_column_int64(s, 0);
    else
        rc = store_dberr(st, "reading the last event", err, errlen);
    sqlite3_reset(s);
    return rc;
}
