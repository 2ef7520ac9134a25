/* store_people: agents and queues in the store. See dialtone/store.h. */
#include <stdlib.h>
#include <string.h>

#include "dialtone/util.h"
#include "store_int.h"

#define NAME_MAX_LEN  128
#define STATE_MAX_LEN 64

static const char *const role_names[] = {
    [DT_ROLE_AGENT] = "agent",
    [DT_ROLE_SUPERVISOR] = "supervisor",
};

static const char *const routing_names[] = {
    [DT_STORE_ROUTING_RINGALL] = "ringall",
    [DT_STORE_ROUTING_LONGEST_IDLE] = "longest-idle",
};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static int lookup(const char *const *names, int n, const char *s)
{
    for (int i = 0; s && i < n; i++) {
        if (strcmp(s, names[i]) == 0)
            return i;
    }
    return -1;
}

const char *store_role_name(enum store_role r)
{
    return (int)r >= 0 && (int)r < COUNT(role_names) ? role_names[r] : "unknown";
}

int store_role_parse(const char *s, enum store_role *out)
{
    int i = lookup(role_names, COUNT(role_names), s);
    if (i < 0)
        return DT_EINVAL;
    *out = (enum store_role)i;
    return DT_OK;
}

const char *store_routing_name(enum store_routing r)
{
    return (int)r >= 0 && (int)r < COUNT(routing_names) ? routing_names[r] : "unknown";
}

int store_routing_parse(const char *s, enum store_routing *out)
{
    int i = lookup(routing_names, COUNT(routing_names), s);
    if (i < 0)
        return DT_EINVAL;
    *out = (enum store_routing)i;
    return DT_OK;
}

/* ---- agents -------------------------------------------------------------------------------- */

void store_agent_done(struct store_agent *a)
{
    if (!a)
        return;
    free(a->name);
    free(a->endpoint);
    free(a->state);
    free(a->state_reason);
    free(a->token_hash);
    *a = (struct store_agent){0};
}

void store_agent_list_done(struct store_agent_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->count; i++)
        store_agent_done(&l->items[i]);
    free(l->items);
    *l = (struct store_agent_list){0};
}

static void read_agent(sqlite3_stmt *s, struct store_agent *a)
{
    enum store_role role = DT_ROLE_AGENT;
    store_role_parse((const char *)sqlite3_column_text(s, 2), &role);
    *a = (struct store_agent){
        .id = sqlite3_column_int64(s, 0),
        .name = store_col_dup(s, 1),
        .role = role,
        .endpoint = store_col_dup(s, 3),
        .state = store_col_dup(s, 4),
        .state_reason = store_col_dup(s, 5),
        .state_since_ms = store_col_int(s, 6),
        .token_hash = store_col_dup(s, 7),
        .created_ms = store_col_int(s, 8),
    };
}

int store_agent_add(struct store *st, const char *name, enum store_role role, const char *endpoint,
                    const char *token_hash, int64_t now_ms, int64_t *id, char *err, size_t errlen)
{
    int rc = store_check_text(name, NAME_MAX_LEN, 1, "agent name", err, errlen);
    if (rc == DT_OK)
        rc = store_check_text(endpoint, STORE_TEXT_MAX, 0, "endpoint", err, errlen);
    if (rc == DT_OK)
        rc = store_check_text(token_hash, STORE_TEXT_MAX, 0, "token hash", err, errlen);
    if (rc == DT_OK && strcmp(store_role_name(role), "unknown") == 0)
        rc = dt_seterr(err, errlen, DT_EINVAL, "bad role");
    if (rc != DT_OK)
        return rc;
    sqlite3_stmt *s = store_stmt(st, SQL_AGENT_INSERT, err, errlen);
    if (!s)
        return DT_EDB;
    store_bind_text(s, 1, name);
    store_bind_text(s, 2, store_role_name(role));
    store_bind_text(s, 3, endpoint);
    sqlite3_bind_int64(s, 4, now_ms);
    store_bind_text(s, 5, token_hash);
    rc = sqlite3_step(s) == SQLITE_DONE ? DT_OK : store_dberr(st, "adding agent", err, errlen);
    sqlite3_reset(s);
    if (rc == DT_OK && id)
        *id = sqlite3_last_insert_rowid(st->db);
    return rc;
}

static int agent_get(struct store *st, enum store_sql id, const char *key, struct store_agent *out,
                     char *err, size_t errlen)
{
    *out = (struct store_agent){0};
    sqlite3_stmt *s = store_stmt(st, id, err, errlen);
    if (!s)
        return DT_EDB;
    store_bind_text(s, 1, key);
    int rc = store_step_row(st, s, "no such agent", "reading agent", err, errlen);
    if (rc == DT_OK)
        read_agent(s, out);
    sqlite3_reset(s);
    return rc;
}

int store_agent_get(struct store *st, const char *name, struct store_agent *out, char *err,
                    size_t errlen)
{
    *out = (struct store_agent){0};
    int rc = store_check_text(name, NAME_MAX_LEN, 1, "agent name", err, errlen);
    return rc != DT_OK ? rc : agent_get(st, SQL_AGENT_BY_NAME, name, out, err, errlen);
}

int store_agent_get_by_token(struct store *st, const char *token_hash, struct store_agent *out,
                             char *err, size_t errlen)
{
    *out = (struct store_agent){0};
    int rc = store_check_text(token_hash, STORE_TEXT_MAX, 1, "token hash", err, errlen);
    return rc != DT_OK ? rc : agent_get(st, SQL_AGENT_BY_TOKEN, token_hash, out, err, errlen);
}

int store_agent_list(struct store *st, struct store_agent_list *out, char *err, size_t errlen)
{
    *out = (struct store_agent_list){0};
    sqlite3_stmt *s = store_stmt(st, SQL_AGENT_LIST, err, errlen);
    if (!s)
        return DT_EDB;
    size_t cap = 0;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        out->items = store_list_room(out->items, out->count, &cap, sizeof *out->items, 16);
        read_agent(s, &out->items[out->count++]);
    }
    int rc = step == SQLITE_DONE ? DT_OK : store_dberr(st, "listing agents", err, errlen);
    sqlite3_reset(s);
    if (rc != DT_OK)
        store_agent_list_done(out);
    return rc;
}

int store_agent_set_state(struct store *st, const char *name, const char *state, const char *reason,
                          int64_t now_ms, char *err, size_t errlen)
{
    int rc = store_check_text(name, NAME_MAX_LEN, 1, "agent name", err, errlen);
    if (rc == DT_OK)
        rc = store_check_text(state, STATE_MAX_LEN, 1, "agent state", err, errlen);
    if (rc == DT_OK)
        rc = store_check_text(reason, STORE_TEXT_MAX, 0, "state reason", err, errlen);
    if (rc != DT_OK)
        return rc;
    sqlite3_stmt *s = store_stmt(st, SQL_AGENT_SET_STATE, err, errlen);
    if (!s)
        return DT_EDB;
    store_bind_text(s, 1, name);
    store_bind_text(s, 2, state);
    store_bind_text(s, 3, reason);
    sqlite3_bind_int64(s, 4, now_ms);
    rc = sqlite3_step(s) == SQLITE_DONE ? DT_OK : store_dberr(st, "agent state", err, errlen);
    sqlite3_reset(s);
    if (rc == DT_OK && sqlite3_changes(st->db) == 0)
        rc = dt_seterr(err, errlen, DT_ENOTFOUND, "no such agent");
    return rc;
}

/* ---- queues -------------------------------------------------------------------------------- */

void store_queue_done(struct store_queue *q)
{
    if (!q)
        return;
    free(q->name);
    free(q->twilio_sid);
    *q = (struct store_queue){0};
}

void store_queue_list_done(struct store_queue_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->count; i++)
        store_queue_done(&l->items[i]);
    free(l->items);
    *l = (struct store_queue_list){0};
}

static void read_queue(sqlite3_stmt *s, struct store_queue *q)
{
    enum store_routing routing = DT_STORE_ROUTING_RINGALL;
    store_routing_parse((const char *)sqlite3_column_text(s, 3), &routing);
    *q = (struct store_queue){
        .id = sqlite3_column_int64(s, 0),
        .name = store_col_dup(s, 1),
        .twilio_sid = store_col_dup(s, 2),
        .routing = routing,
        .max_wait_s = sqlite3_column_int(s, 4),
        .wrapup_s = sqlite3_column_int(s, 5),
        .reservation_timeout_s = sqlite3_column_int(s, 6),
        .created_ms = sqlite3_column_int64(s, 7),
        .updated_ms = sqlite3_column_int64(s, 8),
    };
}

static int check_queue(const struct store_queue *q, char *err, size_t errlen)
{
    int rc = store_check_text(q->name, NAME_MAX_LEN, 1, "queue name", err, errlen);
    if (rc == DT_OK)
        rc = store_check_text(q->twilio_sid, STORE_SID_MAX, 0, "queue sid", err, errlen);
    if (rc != DT_OK)
        return rc;
    if (strcmp(store_routing_name(q->routing), "unknown") == 0)
        return dt_seterr(err, errlen, DT_EINVAL, "bad routing");
    if (q->max_wait_s < 0 || q->wrapup_s < 0 || q->reservation_timeout_s < 1)
        return dt_seterr(err, errlen, DT_EINVAL, "bad queue timing");
    return DT_OK;
}

int store_queue_upsert(struct store *st, const struct store_queue *q, int64_t now_ms, char *err,
                       size_t errlen)
{
    int rc = check_queue(q, err, errlen);
    if (rc != DT_OK)
        return rc;
    sqlite3_stmt *s = store_stmt(st, SQL_QUEUE_UPSERT, err, errlen);
    if (!s)
        return DT_EDB;
    store_bind_text(s, 1, q->name);
    store_bind_text(s, 2, q->twilio_sid);
    store_bind_text(s, 3, store_routing_name(q->routing));
    sqlite3_bind_int(s, 4, q->max_wait_s);
    sqlite3_bind_int(s, 5, q->wrapup_s);
    sqlite3_bind_int(s, 6, q->reservation_timeout_s);
    sqlite3_bind_int64(s, 7, now_ms);
    rc = sqlite3_step(s) == SQLITE_DONE ? DT_OK : store_dberr(st, "saving queue", err, errlen);
    sqlite3_reset(s);
    return rc;
}

int store_queue_get(struct store *st, const char *name, struct store_queue *out, char *err,
                    size_t errlen)
{
    *out = (struct store_queue){0};
    int rc = store_check_text(name, NAME_MAX_LEN, 1, "queue name", err, errlen);
    if (rc != DT_OK)
        return rc;
    sqlite3_stmt *s = store_stmt(st, SQL_QUEUE_GET, err, errlen);
    if (!s)
        return DT_EDB;
    store_bind_text(s, 1, name);
    rc = store_step_row(st, s, "no such queue", "reading queue", err, errlen);
    if (rc == DT_OK)
        read_queue(s, out);
    sqlite3_reset(s);
    return rc;
}

int store_queue_list(struct store *st, struct store_queue_list *out, char *err, size_t errlen)
{
    *out = (struct store_queue_list){0};
    sqlite3_stmt *s = store_stmt(st, SQL_QUEUE_LIST, err, errlen);
    if (!s)
        return DT_EDB;
    size_t cap = 0;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        out->items = store_list_room(out->items, out->count, &cap, sizeof *out->items, 8);
        read_queue(s, &out->items[out->count++]);
    }
    int rc = step == SQLITE_DONE ? DT_OK : store_dberr(st, "listing queues", err, errlen);
    sqlite3_reset(s);
    if (rc != DT_OK)
        store_queue_list_done(out);
    return rc;
}
