/*
 * store_agents: agents' queues, token hashes and removal, and what a restart of the daemon
 * reads back from the event log (see store_agents.h). Statements are
 * prepared per call: these run from the command line and the API, never per webhook.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialtone/store_agents.h"
#include "dialtone/util.h"
#include "store_int.h"

#define QUEUE_NAME_MAX 32
#define AGENT_NAME_MAX 128

int store_queue_name_ok(const char *s)
{
    if (!s || !*s || strlen(s) > QUEUE_NAME_MAX)
        return 0;
    for (const char *p = s; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return 0;
    }
    return 1;
}

static sqlite3_stmt *prep(struct store *st, const char *sql, char *err, size_t errlen)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
        store_dberr(st, "preparing", err, errlen);
        sqlite3_finalize(s);
        return NULL;
    }
    return s;
}

/* The first column of sql's row as an integer into *v (0 on error), with ?1 = text when sql
 * has a parameter. DT_EDB with what in err when there is no row. */
static int one_int(struct store *st, const char *sql, const char *text, const char *what,
                   int64_t *v, char *err, size_t errlen)
{
    *v = 0;
    sqlite3_stmt *s = prep(st, sql, err, errlen);
    if (!s)
        return DT_EDB;
    if (sqlite3_bind_parameter_count(s) >= 1)
        store_bind_text(s, 1, text);
    int rc = DT_OK;
    if (sqlite3_step(s) == SQLITE_ROW)
        *v = sqlite3_column_int64(s, 0);
    else
        rc = store_dberr(st, what, err, errlen);
    sqlite3_finalize(s);
    return rc;
}

/* The agent's id into *id. DT_ENOTFOUND, DT_EINVAL, DT_EDB. */
static int agent_id(struct store *st, const char *name, int64_t *id, char *err, size_t errlen)
{
    int rc = store_check_text(name, AGENT_NAME_MAX, 1, "agent name", err, errlen);
    if (rc != DT_OK)
        return rc;
    sqlite3_stmt *s = prep(st, "SELECT id FROM agents WHERE name = ?1", err, errlen);
    if (!s)
        return DT_EDB;
    store_bind_text(s, 1, name);
    rc = store_step_row(st, s, NULL, "reading agent", err, errlen);
    if (rc == DT_OK)
        *id = sqlite3_column_int64(s, 0);
    else if (rc == DT_ENOTFOUND)
        rc = dt_seterr(err, errlen, DT_ENOTFOUND, "no such agent: %s", name);
    sqlite3_finalize(s);
    return rc;
}

/* Runs sql with ?1 = id and ?2 = text (may be NULL); the count of changed rows into *changes. */
static int exec_id_text(struct store *st, const char *sql, int64_t id, const char *text,
                        int *changes, char *err, size_t errlen)
{
    sqlite3_stmt *s = prep(st, sql, err, errlen);
    if (!s)
        return DT_EDB;
    sqlite3_bind_int64(s, 1, id);
    if (sqlite3_bind_parameter_count(s) >= 2)
        store_bind_text(s, 2, text);
    int rc = sqlite3_step(s) == SQLITE_DONE ? DT_OK : store_dberr(st, "writing agent", err, errlen);
    sqlite3_finalize(s);
    if (changes)
        *changes = rc == DT_OK ? sqlite3_changes(st->db) : 0;
    return rc;
}

/* Agent name's id into *id, then, in a transaction begun here, the agent's queues deleted.
 * On error no transaction stays open. */
static int clear_queues(struct store *st, const char *name, int64_t *id, char *err, size_t errlen)
{
    int rc = agent_id(st, name, id, err, errlen);
    if (rc != DT_OK || (rc = store_begin(st, err, errlen)) != DT_OK)
        return rc;
    rc = exec_id_text(st, "DELETE FROM agent_queues WHERE agent_id = ?1", *id, NULL, NULL, err,
                      errlen);
    if (rc != DT_OK)
        store_rollback(st);
    return rc;
}

/* Ends the transaction: commits when rc is DT_OK, else rolls back and returns rc. */
static int end_tx(struct store *st, int rc, char *err, size_t errlen)
{
    if (rc == DT_OK)
        return store_commit(st, err, errlen);
    store_rollback(st);
    return rc;
}

int store_agent_set_queues(struct store *st, const char *name, const char *const *queues, size_t n,
                           char *err, size_t errlen)
{
    if (n > STORE_AGENT_QUEUES_MAX)
        return dt_seterr(err, errlen, DT_EINVAL, "at most %d queues per agent",
                         STORE_AGENT_QUEUES_MAX);
    for (size_t i = 0; i < n; i++)
        if (!store_queue_name_ok(queues[i]))
            return dt_seterr(err, errlen, DT_EINVAL,
                             "bad queue name (1-32 letters, digits, '-' or '_')");
    int64_t id = 0;
    int rc = clear_queues(st, name, &id, err, errlen);
    if (rc != DT_OK)
        return rc;
    for (size_t i = 0; rc == DT_OK && i < n; i++)
        rc =
            exec_id_text(st, "INSERT OR IGNORE INTO agent_queues (agent_id, queue) VALUES (?1, ?2)",
                         id, queues[i], NULL, err, errlen);
    return end_tx(st, rc, err, errlen);
}

int store_agent_queues(struct store *st, const char *name, char **out, char *err, size_t errlen)
{
    *out = NULL;
    int64_t id = 0;
    int rc = agent_id(st, name, &id, err, errlen);
    if (rc != DT_OK)
        return rc;
    sqlite3_stmt *s =
        prep(st, "SELECT queue FROM agent_queues WHERE agent_id = ?1 ORDER BY queue", err, errlen);
    if (!s)
        return DT_EDB;
    sqlite3_bind_int64(s, 1, id);
    struct dt_buf b;
    dt_buf_init(&b);
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        if (b.len)
            dt_buf_putc(&b, ',');
        const char *q = (const char *)sqlite3_column_text(s, 0);
        dt_buf_puts(&b, q ? q : "");
    }
    if (step != SQLITE_DONE) {
        rc = store_dberr(st, "reading agent queues", err, errlen);
        dt_buf_done(&b);
    } else {
        *out = dt_buf_take(&b);
    }
    sqlite3_finalize(s);
    return rc;
}

int store_agent_in_queue(struct store *st, const char *name, const char *queue, char *err,
                         size_t errlen)
{
    sqlite3_stmt *s = prep(st,
                           "SELECT 1 FROM agent_queues JOIN agents ON agents.id = agent_id "
                           "WHERE agents.name = ?1 AND queue = ?2",
                           err, errlen);
    if (!s)
        return DT_EDB;
    store_bind_text(s, 1, name);
    store_bind_text(s, 2, queue);
    int rc = store_step_row(st, s, NULL, "reading agent queues", err, errlen);
    sqlite3_finalize(s);
    if (rc == DT_ENOTFOUND)
        return 0;
    return rc == DT_OK ? 1 : rc;
}

int store_agent_set_token(struct store *st, const char *name, const char *token_hash, char *err,
                          size_t errlen)
{
    int rc = store_check_text(token_hash, STORE_TEXT_MAX, 0, "token hash", err, errlen);
    int64_t id = 0;
    if (rc == DT_OK)
        rc = agent_id(st, name, &id, err, errlen);
    if (rc == DT_OK)
        rc = exec_id_text(st, "UPDATE agents SET token_hash = ?2 WHERE id = ?1", id, token_hash,
                          NULL, err, errlen);
    return rc;
}

int store_agent_remove(struct store *st, const char *name, char *err, size_t errlen)
{
    int64_t id = 0;
    int rc = clear_queues(st, name, &id, err, errlen);
    if (rc != DT_OK)
        return rc;
    rc = exec_id_text(st, "DELETE FROM agents WHERE id = ?1", id, NULL, NULL, err, errlen);
    return end_tx(st, rc, err, errlen);
}

int store_calls_waiting(struct store *st, const char *queue, int limit, struct store_call_list *out,
                        char *err, size_t errlen)
{
    *out = (struct store_call_list){0};
    if (limit < 1 || limit > STORE_HISTORY_MAX_LIMIT)
        return dt_seterr(err, errlen, DT_EINVAL, "bad limit");
    sqlite3_stmt *s = prep(st,
                           "SELECT " STORE_CALL_COLUMNS " FROM calls WHERE queue IS NOT NULL AND "
                           "(?1 IS NULL OR queue = ?1) AND queue_result IS NULL AND "
                           "(status IS NULL OR status IN ('queued', 'initiated', 'ringing', "
                           "'in-progress')) ORDER BY created_ms, sid LIMIT ?2",
                           err, errlen);
    if (!s)
        return DT_EDB;
    store_bind_text(s, 1, queue);
    sqlite3_bind_int(s, 2, limit);
    out->items = xcalloc((size_t)limit, sizeof *out->items);
    int step, rc = DT_OK;
    while ((step = sqlite3_step(s)) == SQLITE_ROW)
        store_read_call(s, &out->items[out->count++]);
    if (step != SQLITE_DONE) {
        rc = store_dberr(st, "reading waiting calls", err, errlen);
        store_call_list_done(out);
    }
    sqlite3_finalize(s);
    return rc;
}

int store_agents_available(struct store *st, const char *queue, int64_t *n, char *err,
                           size_t errlen)
{
    return one_int(st,
                   "SELECT count(*) FROM agents JOIN agent_queues ON agent_id = agents.id "
                   "WHERE queue = ?1 AND state = 'available'",
                   queue, "counting available agents", n, err, errlen);
}

/* ---- what a restart needs ------------------------------------------------------------------ */

void store_agent_event_done(struct store_agent_event *e)
{
    if (!e)
        return;
    free(e->type);
    free(e->data);
    *e = (struct store_agent_event){0};
}

int store_agent_last_event(struct store *st, const char *agent, const char *const *types, size_t n,
                           struct store_agent_event *out, char *err, size_t errlen)
{
    *out = (struct store_agent_event){0};
    if (n == 0 || n > STORE_AGENT_EVENT_TYPES)
        return dt_seterr(err, errlen, DT_EINVAL, "1 to %d event types", STORE_AGENT_EVENT_TYPES);
    int rc = store_check_text(agent, AGENT_NAME_MAX, 1, "agent name", err, errlen);
    for (size_t i = 0; rc == DT_OK && i < n; i++)
        rc = store_check_text(types[i], STORE_EVENT_TYPE_MAX, 1, "event type", err, errlen);
    if (rc != DT_OK)
        return rc;
    char sql[256] = "SELECT seq, type, data FROM events WHERE type IN (?2";
    for (size_t i = 1; i < n; i++)
        snprintf(sql + strlen(sql), sizeof sql - strlen(sql), ", ?%zu", i + 2);
    snprintf(sql + strlen(sql), sizeof sql - strlen(sql),
             ") AND json_extract(data, '$.agent') = ?1 ORDER BY seq DESC LIMIT 1");
    sqlite3_stmt *s = prep(st, sql, err, errlen);
    if (!s)
        return DT_EDB;
    store_bind_text(s, 1, agent);
    for (size_t i = 0; i < n; i++)
        store_bind_text(s, (int)i + 2, types[i]);
    rc = store_step_row(st, s, "no such event", "reading events", err, errlen);
    if (rc == DT_OK) {
        out->seq = sqlite3_column_int64(s, 0);
        out->type = store_col_dup(s, 1);
        out->data = store_col_dup(s, 2);
    }
    sqlite3_finalize(s);
    return rc;
}

void store_open_offers_done(struct store_open_offers *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->count; i++) {
        free(l->items[i].call_sid);
        free(l->items[i].agent);
        free(l->items[i].queue);
        free(l->items[i].mode);
    }
    free(l->items);
    *l = (struct store_open_offers){0};
}

int store_offers_open(struct store *st, struct store_open_offers *out, char *err, size_t errlen)
{
    *out = (struct store_open_offers){0};
    sqlite3_stmt *s = prep(
        st,
        "SELECT c, a, q, m FROM (SELECT json_extract(data, '$.call_sid') AS c, "
        "json_extract(data, '$.agent') AS a, json_extract(data, '$.queue') AS q, "
        "json_extract(data, '$.mode') AS m, type, row_number() OVER (PARTITION BY "
        "json_extract(data, '$.call_sid'), json_extract(data, '$.agent') ORDER BY seq DESC) AS rn "
        "FROM events WHERE type IN ('offer.created', 'offer.withdrawn', 'call.assigned')) "
        "WHERE rn = 1 AND type = 'offer.created' AND c IS NOT NULL AND a IS NOT NULL "
        "ORDER BY c, a LIMIT ?1",
        err, errlen);
    if (!s)
        return DT_EDB;
    sqlite3_bind_int(s, 1, STORE_OFFERS_OPEN_MAX);
    int step, rc = DT_OK;
    size_t cap = 0;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        out->items = store_list_room(out->items, out->count, &cap, sizeof *out->items, 16);
        struct store_open_offer *o = &out->items[out->count++];
        o->call_sid = store_col_dup(s, 0);
        o->agent = store_col_dup(s, 1);
        o->queue = store_col_dup(s, 2);
        o->mode = store_col_dup(s, 3);
    }
    if (step != SQLITE_DONE) {
        rc = store_dberr(st, "reading offers", err, errlen);
        store_open_offers_done(out);
    }
    sqlite3_finalize(s);
    return rc;
}

int store_data_version(struct store *st, int64_t *v, char *err, size_t errlen)
{
    return one_int(st, "PRAGMA data_version", NULL, "reading the data version", v, err, errlen);
}
