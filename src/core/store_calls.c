/*
 * store_calls: the webhook audit log, and calls with their events: store_call_apply() (event,
 * merge rule and row upsert in one transaction), reading a call and walking its events.
 */
#include <stdlib.h>
#include <string.h>

#include "dialtone/util.h"
#include "store_int.h"

#define TYPE_MAX 64

static int check_payload(const char *p, size_t len, const char *what, char *err, size_t errlen)
{
    if (!p && len)
        return dt_seterr(err, errlen, DT_EINVAL, "%s is missing", what);
    if (len > STORE_PAYLOAD_MAX)
        return dt_seterr(err, errlen, DT_ETOOBIG, "%s is larger than %d bytes", what,
                         STORE_PAYLOAD_MAX);
    if (len && memchr(p, '\0', len))
        return dt_seterr(err, errlen, DT_EINVAL, "%s contains a NUL byte", what);
    return DT_OK;
}

static int bind_blobtext(sqlite3_stmt *s, int idx, const char *p, size_t len)
{
    return sqlite3_bind_text64(s, idx, p ? p : "", len, SQLITE_TRANSIENT, SQLITE_UTF8);
}

int store_webhook_log(struct store *st, const struct store_webhook *w, int64_t *id, char *err,
                      size_t errlen)
{
    int rc = store_check_text(w->path, STORE_TEXT_MAX, 1, "path", err, errlen);
    if (rc == DT_OK)
        rc = store_check_text(w->remote_addr, STORE_TEXT_MAX, 0, "remote address", err, errlen);
    if (rc == DT_OK)
        rc = check_payload(w->body, w->body_len, "body", err, errlen);
    if (rc != DT_OK)
        return rc;
    sqlite3_stmt *s = store_stmt(st, SQL_WEBHOOK_INSERT, err, errlen);
    if (!s)
        return DT_EDB;
    sqlite3_bind_int64(s, 1, w->received_ms);
    store_bind_text(s, 2, w->path);
    sqlite3_bind_int(s, 3, w->signature_ok ? 1 : 0);
    store_bind_text(s, 4, w->remote_addr);
    bind_blobtext(s, 5, w->body, w->body_len);
    rc = sqlite3_step(s) == SQLITE_DONE ? DT_OK : store_dberr(st, "webhook log", err, errlen);
    sqlite3_reset(s);
    if (rc == DT_OK && id)
        *id = sqlite3_last_insert_rowid(st->db);
    return rc;
}

void store_call_update_init(struct store_call_update *u)
{
    *u = (struct store_call_update){
        .seq = STORE_ABSENT,
        .error_code = STORE_ABSENT,
        .sip_code = STORE_ABSENT,
        .queue_time_s = STORE_ABSENT,
        .duration_s = STORE_ABSENT,
        .recording_duration_s = STORE_ABSENT,
        .recording_channels = STORE_ABSENT,
    };
}

/* The optional text fields of an update, with their parameter names, as a table. */
struct text_field {
    const char *param;
    size_t offset;
};

#define TF(p, f)                                                                                   \
    {                                                                                              \
        .param = p, .offset = offsetof(struct store_call_update, f)                                \
    }
static const struct text_field text_fields[] = {
    TF(":parent_sid", parent_sid),
    TF(":account_sid", account_sid),
    TF(":direction", direction),
    TF(":from", from),
    TF(":to", to),
    TF(":caller_name", caller_name),
    TF(":queue", queue),
    TF(":agent", agent),
    TF(":error_message", error_message),
    TF(":answered_by", answered_by),
    TF(":queue_result", queue_result),
    TF(":price", price),
    TF(":price_unit", price_unit),
    TF(":recording_sid", recording_sid),
    TF(":recording_url", recording_url),
    TF(":recording_status", recording_status),
    TF(":recording_source", recording_source),
    TF(":conference", conference),
    TF(":conference_sid", conference_sid),
};

static const char *text_field(const struct store_call_update *u, const struct text_field *f)
{
    return *(const char *const *)((const char *)u + f->offset);
}

static int check_update(const struct store_call_update *u, char *err, size_t errlen)
{
    int rc = store_check_text(u->sid, STORE_SID_MAX, 1, "call sid", err, errlen);
    if (rc == DT_OK)
        rc = store_check_text(u->type, TYPE_MAX, 1, "event type", err, errlen);
    if (rc == DT_OK && !u->payload)
        rc = dt_seterr(err, errlen, DT_EINVAL, "payload is required");
    if (rc == DT_OK)
        rc = check_payload(u->payload, u->payload_len, "payload", err, errlen);
    for (size_t i = 0; rc == DT_OK && i < sizeof text_fields / sizeof text_fields[0]; i++)
        rc = store_check_text(text_field(u, &text_fields[i]), STORE_TEXT_MAX, 0,
                              text_fields[i].param + 1, err, errlen);
    enum callstate_status status;
    if (rc == DT_OK && u->status && callstate_parse(u->status, &status) != DT_OK)
        rc = dt_seterr(err, errlen, DT_EINVAL, "unknown call status");
    return rc;
}

/* Inserts the event; *dup is 1 if it was stored before, else *id is its row. */
static int insert_event(struct store *st, const struct store_call_update *u, int *dup, int64_t *id,
                        char *err, size_t errlen)
{
    sqlite3_stmt *s = store_stmt(st, SQL_EVENT_INSERT, err, errlen);
    if (!s)
        return DT_EDB;
    const char *status = u->status ? u->status : u->recording_status ? u->recording_status : "";
    store_bind_text(s, 1, u->sid);
    store_bind_text(s, 2, u->type);
    store_bind_text(s, 3, status);
    sqlite3_bind_int64(s, 4, u->seq < 0 ? -1 : u->seq);
    sqlite3_bind_int64(s, 5, u->ts_ms);
    bind_blobtext(s, 6, u->payload, u->payload_len);
    int rc = sqlite3_step(s) == SQLITE_DONE ? DT_OK : store_dberr(st, "call event", err, errlen);
    sqlite3_reset(s);
    *dup = rc == DT_OK && sqlite3_changes(st->db) == 0;
    if (rc == DT_OK && !*dup)
        *id = sqlite3_last_insert_rowid(st->db);
    return rc;
}

/* What read_pos learns of a call besides its position: whether an update would leave its
 * indexed columns (all but the status) as they are, for a stale one (:fill) and a fresh one. */
struct call_keys {
    int same_fill, same_apply;
};

/* Whether COALESCE(old, new) (identity columns) leaves the column as it is. */
static int keeps_first(const unsigned char *old, const char *new)
{
    return old || !new;
}

/* Whether an update of an overwritable column keeps it, when only filling in and when not. */
static void keeps_value(const unsigned char *old, const char *new, struct call_keys *k)
{
    if (!new)
        return;
    if (!old)
        k->same_fill = k->same_apply = 0;
    else if (strcmp((const char *)old, new) != 0)
        k->same_apply = 0;
}

static void read_keys(sqlite3_stmt *s, const struct store_call_update *u, struct call_keys *k)
{
    const char *first[] = {u->parent_sid, u->direction, u->from, u->to};
    const char *over[] = {u->queue, u->agent, u->conference_sid};
    k->same_fill = k->same_apply = sqlite3_column_int64(s, 9) <= u->ts_ms;
    for (int i = 0; i < 4; i++)
        if (!keeps_first(sqlite3_column_text(s, 2 + i), first[i]))
            k->same_fill = k->same_apply = 0;
    for (int i = 0; i < 3; i++)
        keeps_value(sqlite3_column_text(s, 6 + i), over[i], k);
}

/* Reads the call's current status and sequence; *exists 0 for a new call, *has_status 0 when
 * the row has no status yet; *keys for an existing call. */
static int read_pos(struct store *st, const struct store_call_update *u, int *exists,
                    int *has_status, struct callstate_pos *pos, struct call_keys *keys, char *err,
                    size_t errlen)
{
    sqlite3_stmt *s = store_stmt(st, SQL_CALL_POS, err, errlen);
    if (!s)
        return DT_EDB;
    store_bind_text(s, 1, u->sid);
    int step = sqlite3_step(s), rc = DT_OK;
    *exists = *has_status = 0;
    pos->seq = -1;
    *keys = (struct call_keys){0};
    if (step == SQLITE_ROW) {
        *exists = 1;
        const char *t = (const char *)sqlite3_column_text(s, 0);
        *has_status = t && callstate_parse(t, &pos->status) == DT_OK;
        pos->seq = sqlite3_column_int64(s, 1);
        read_keys(s, u, keys);
    } else if (step != SQLITE_DONE) {
        rc = store_dberr(st, "reading call", err, errlen);
    }
    sqlite3_reset(s);
    return rc;
}

/* The merge as the upsert needs it: the resulting position, whether stale fields only fill
 * in, and when the call ended. */
struct merged {
    int has_status;
    struct callstate_pos pos;
    int fill;
    int64_t ended_ms;
};

static void merge_status(const struct store_call_update *u, int had_status,
                         const struct callstate_pos *cur, struct store_apply_result *res,
                         struct merged *m)
{
    struct callstate_pos in = {DT_CALL_QUEUED, u->seq < 0 ? -1 : u->seq};
    m->has_status = had_status;
    m->pos = *cur;
    m->fill = 0;
    m->ended_ms = STORE_ABSENT;
    if (!u->status || callstate_parse(u->status, &in.status) != DT_OK)
        return;
    res->has_status = 1;
    if (had_status) {
        res->merge = callstate_merge(cur, &in, &m->pos);
    } else {
        res->merge = DT_MERGE_APPLY;
        m->pos = in;
        if (cur->seq > in.seq)
            m->pos.seq = cur->seq;
    }
    m->has_status = 1;
    m->fill = res->merge == DT_MERGE_STALE || res->merge == DT_MERGE_FINAL_KEPT;
    if (res->merge == DT_MERGE_APPLY && callstate_is_final(m->pos.status))
        m->ended_ms = u->ts_ms;
}

/* The optional integer parameters (NULL when negative) of the upsert and the update, after
 * :sid, :status, :status_seq and the text fields (text_fields) in the cached indexes. */
static const char *const int_params[] = {
    ":error_code",         ":sip_code", ":queue_time_s", ":duration_s", ":recording_duration_s",
    ":recording_channels", ":ts",       ":answered_ms",  ":ended_ms",   ":fill",
};

#define N_TEXT (sizeof text_fields / sizeof text_fields[0])
#define N_INT  (sizeof int_params / sizeof int_params[0])
_Static_assert(3 + N_TEXT + N_INT <= STORE_CALL_PARAMS, "STORE_CALL_PARAMS is too small");

/* The statement's index of each parameter (0 when it has none), looked up on first use: by
 * name, each lookup is a walk over the names. */
static const int *param_index(struct store *st, int light, sqlite3_stmt *s)
{
    int *idx = st->call_params[light];
    if (!st->call_params_ready[light]) {
        idx[0] = sqlite3_bind_parameter_index(s, ":sid");
        idx[1] = sqlite3_bind_parameter_index(s, ":status");
        idx[2] = sqlite3_bind_parameter_index(s, ":status_seq");
        for (size_t i = 0; i < N_TEXT; i++)
            idx[3 + i] = sqlite3_bind_parameter_index(s, text_fields[i].param);
        for (size_t i = 0; i < N_INT; i++)
            idx[3 + N_TEXT + i] = sqlite3_bind_parameter_index(s, int_params[i]);
        st->call_params_ready[light] = 1;
    }
    return idx;
}

/* Writes the merged call: the plain update when it leaves the indexed columns alone (light),
 * else the upsert. The update lacks some of the upsert's parameters: those bind nowhere. */
static int upsert_call(struct store *st, const struct store_call_update *u, const struct merged *m,
                       int light, char *err, size_t errlen)
{
    sqlite3_stmt *s = store_stmt(st, light ? SQL_CALL_UPDATE : SQL_CALL_UPSERT, err, errlen);
    if (!s)
        return DT_EDB;
    const int *idx = param_index(st, light, s);
    int answered = u->status && strcmp(u->status, "in-progress") == 0;
    const int64_t ints[N_INT] = {
        u->error_code,
        u->sip_code,
        u->queue_time_s,
        u->duration_s,
        u->recording_duration_s,
        u->recording_channels,
        u->ts_ms,
        answered ? u->ts_ms : STORE_ABSENT,
        m->ended_ms,
        m->fill,
    };
    store_bind_text(s, idx[0], u->sid);
    store_bind_text(s, idx[1], m->has_status ? callstate_name(m->pos.status) : NULL);
    sqlite3_bind_int64(s, idx[2], m->pos.seq);
    for (size_t i = 0; i < N_TEXT; i++)
        if (idx[3 + i])
            store_bind_text(s, idx[3 + i], text_field(u, &text_fields[i]));
    for (size_t i = 0; i < N_INT; i++)
        if (idx[3 + N_TEXT + i])
            store_bind_opt_int(s, idx[3 + N_TEXT + i], ints[i]);
    int rc = sqlite3_step(s) == SQLITE_DONE ? DT_OK : store_dberr(st, "saving call", err, errlen);
    sqlite3_reset(s);
    return rc;
}

/* The event, then the call. *event is the event's row once inserted (0 before). */
static int apply_locked(struct store *st, const struct store_call_update *u,
                        struct store_apply_result *res, int64_t *event, char *err, size_t errlen)
{
    int dup = 0, exists, had_status;
    struct callstate_pos cur = {DT_CALL_QUEUED, -1};
    struct call_keys keys;
    struct merged m;
    int rc = insert_event(st, u, &dup, event, err, errlen);
    if (rc != DT_OK || dup) {
        res->duplicate = dup;
        return rc;
    }
    rc = read_pos(st, u, &exists, &had_status, &cur, &keys, err, errlen);
    if (rc != DT_OK)
        return rc;
    merge_status(u, had_status, &cur, res, &m);
    int light = exists && (m.fill ? keys.same_fill : keys.same_apply);
    return upsert_call(st, u, &m, light, err, errlen);
}

/*
 * Inside the caller's transaction (store_tx_begin), without a savepoint around the apply: a
 * savepoint journals every page the apply then changes, the call's and its indexes', which
 * cost more than the rest of the apply. Each statement is atomic by itself, so an apply that
 * fails after its event went in is undone by deleting that row again; should even that fail,
 * the whole transaction is rolled back, and the caller's commit reports it.
 */
static int apply_in_tx(struct store *st, const struct store_call_update *u,
                       struct store_apply_result *res, char *err, size_t errlen)
{
    if (sqlite3_get_autocommit(st->db))
        return dt_seterr(err, errlen, DT_EDB, "the transaction was rolled back by the database");
    int64_t event = 0;
    int rc = apply_locked(st, u, res, &event, err, errlen);
    if (rc == DT_OK)
        return DT_OK;
    *res = (struct store_apply_result){.merge = DT_MERGE_INVALID};
    if (event > 0) {
        sqlite3_stmt *s = NULL;
        int undone = sqlite3_prepare_v2(st->db, "DELETE FROM call_events WHERE id = ?1", -1, &s,
                                        NULL) == SQLITE_OK &&
                     sqlite3_bind_int64(s, 1, event) == SQLITE_OK &&
                     sqlite3_step(s) == SQLITE_DONE && sqlite3_changes(st->db) == 1;
        sqlite3_finalize(s);
        if (!undone && !sqlite3_get_autocommit(st->db))
            sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    }
    return rc;
}

int store_call_apply(struct store *st, const struct store_call_update *u,
                     struct store_apply_result *res, char *err, size_t errlen)
{
    struct store_apply_result local;
    if (!res)
        res = &local;
    *res = (struct store_apply_result){.merge = DT_MERGE_INVALID};
    int64_t event = 0;
    int rc = check_update(u, err, errlen);
    if (rc == DT_OK && st->in_tx)
        return apply_in_tx(st, u, res, err, errlen);
    if (rc == DT_OK)
        rc = store_begin(st, err, errlen);
    if (rc != DT_OK)
        return rc;
    rc = apply_locked(st, u, res, &event, err, errlen);
    if (rc == DT_OK)
        rc = store_commit(st, err, errlen);
    if (rc != DT_OK) {
        store_rollback(st);
        *res = (struct store_apply_result){.merge = DT_MERGE_INVALID};
    }
    return rc;
}

void store_read_call(sqlite3_stmt *s, struct store_call *c)
{
    *c = (struct store_call){0};
    char **strs[] = {&c->sid, &c->parent_sid,  &c->account_sid, &c->direction, &c->from,
                     &c->to,  &c->caller_name, &c->queue,       &c->agent};
    int i = 0;
    for (; i < 9; i++)
        *strs[i] = store_col_dup(s, i);
    const char *status = (const char *)sqlite3_column_text(s, i++);
    c->has_status = status && callstate_parse(status, &c->status) == DT_OK;
    c->status_seq = store_col_int(s, i++);
    c->error_code = store_col_int(s, i++);
    c->error_message = store_col_dup(s, i++);
    c->sip_code = store_col_int(s, i++);
    c->answered_by = store_col_dup(s, i++);
    c->queue_result = store_col_dup(s, i++);
    c->queue_time_s = store_col_int(s, i++);
    c->duration_s = store_col_int(s, i++);
    c->price = store_col_dup(s, i++);
    c->price_unit = store_col_dup(s, i++);
    c->recording_sid = store_col_dup(s, i++);
    c->recording_url = store_col_dup(s, i++);
    c->recording_duration_s = store_col_int(s, i++);
    c->recording_status = store_col_dup(s, i++);
    c->created_ms = store_col_int(s, i++);
    c->answered_ms = store_col_int(s, i++);
    c->ended_ms = store_col_int(s, i++);
    c->updated_ms = store_col_int(s, i++);
    c->recording_channels = store_col_int(s, i++);
    c->recording_source = store_col_dup(s, i++);
    c->conference = store_col_dup(s, i++);
    c->conference_sid = store_col_dup(s, i++);
}

void store_call_done(struct store_call *c)
{
    if (!c)
        return;
    char *strs[] = {c->sid,
                    c->parent_sid,
                    c->account_sid,
                    c->direction,
                    c->from,
                    c->to,
                    c->caller_name,
                    c->queue,
                    c->agent,
                    c->error_message,
                    c->answered_by,
                    c->queue_result,
                    c->price,
                    c->price_unit,
                    c->recording_sid,
                    c->recording_url,
                    c->recording_status,
                    c->recording_source,
                    c->conference,
                    c->conference_sid};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        free(strs[i]);
    *c = (struct store_call){0};
}

int store_call_get(struct store *st, const char *sid, struct store_call *out, char *err,
                   size_t errlen)
{
    *out = (struct store_call){0};
    int rc = store_check_text(sid, STORE_SID_MAX, 1, "call sid", err, errlen);
    if (rc != DT_OK)
        return rc;
    sqlite3_stmt *s = store_stmt(st, SQL_CALL_GET, err, errlen);
    if (!s)
        return DT_EDB;
    store_bind_text(s, 1, sid);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        store_read_call(s, out);
    else if (step == SQLITE_DONE)
        rc = dt_seterr(err, errlen, DT_ENOTFOUND, "no such call");
    else
        rc = store_dberr(st, "reading call", err, errlen);
    sqlite3_reset(s);
    return rc;
}

int store_call_events(struct store *st, const char *sid, store_event_fn fn, void *ctx, char *err,
                      size_t errlen)
{
    int rc = store_check_text(sid, STORE_SID_MAX, 1, "call sid", err, errlen);
    if (rc != DT_OK)
        return rc;
    sqlite3_stmt *s = store_stmt(st, SQL_CALL_EVENTS, err, errlen);
    if (!s)
        return DT_EDB;
    store_bind_text(s, 1, sid);
    int step = SQLITE_DONE;
    while (rc == DT_OK && (step = sqlite3_step(s)) == SQLITE_ROW) {
        struct store_call_event ev = {
            .id = sqlite3_column_int64(s, 0),
            .call_sid = (const char *)sqlite3_column_text(s, 1),
            .type = (const char *)sqlite3_column_text(s, 2),
            .status = (const char *)sqlite3_column_text(s, 3),
            .seq = sqlite3_column_int64(s, 4),
            .ts_ms = sqlite3_column_int64(s, 5),
            .payload = (const char *)sqlite3_column_text(s, 6),
        };
        ev.payload_len = (size_t)sqlite3_column_bytes(s, 6);
        if (!ev.payload)
            ev.payload = "";
        rc = fn(&ev, ctx);
    }
    if (rc == DT_OK && step != SQLITE_DONE)
        rc = store_dberr(st, "reading call events", err, errlen);
    sqlite3_reset(s);
    return rc;
}
