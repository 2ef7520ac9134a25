/*
 * store_report_agents: agent performance. See dialtone/store_report_agents.h. Calls handled
 * and their handle times come from the agents' parts in the calls (store_kpi_int.h), as on
 * the wallboard; a call's last agent with no leg of theirs recorded counts by call_kpi.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "dialtone/store_report_agents.h"
#include "store_kpi_int.h"
#include "store_report_int.h"

#define LOOKBACK_MS (86400 * 1000LL) /* calls created this long before the range still count */

enum { Q_CALLS, Q_HANDLED, Q_OFFERS, Q_N };

/* Each gives the agent, then its figures. */
static const char *const agent_sql[Q_N] = {
    [Q_CALLS] = "SELECT agent, COUNT(*) FROM calls WHERE parent_sid IS NULL AND agent <> '' "
                "AND created_ms >= ?1 AND created_ms < ?2 GROUP BY agent",
    [Q_HANDLED] = "SELECT k.agent, COUNT(*), "
                  "SUM(c.ended_ms >= k.connected_ms AND k.wrapup_s IS NOT NULL), "
                  "SUM(CASE WHEN c.ended_ms >= k.connected_ms AND k.wrapup_s IS NOT NULL "
                  "THEN c.ended_ms - k.connected_ms + k.wrapup_s * 1000 ELSE 0 END) "
                  "FROM call_kpi k LEFT JOIN calls c ON c.sid = k.call_sid "
                  "WHERE k.agent <> '' AND k.connected_ms >= ?1 AND k.connected_ms < ?2 "
                  "AND NOT EXISTS (SELECT 1 FROM call_events e WHERE e.call_sid = k.call_sid "
                  "AND e.type IN ('assign', 'leg') AND json_valid(e.payload) "
                  "AND json_extract(e.payload, '$.leg') IS NOT NULL "
                  "AND json_extract(e.payload, '$.agent') = k.agent) "
                  "GROUP BY k.agent",
    [Q_OFFERS] = "SELECT agent, SUM(outcome = 'timeout'), SUM(outcome = 'declined') FROM offers "
                 "WHERE agent <> '' AND offered_ms >= ?1 AND offered_ms < ?2 GROUP BY agent",
};

struct agent_acc {
    struct store_report_agent *rows;
    size_t n, cap;
    int64_t *handle_ms; /* per row: the sum of the handle times */
};

static struct store_report_agent *agent_row(struct agent_acc *a, const char *name)
{
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->rows[i].name, name) == 0)
            return &a->rows[i];
    if (a->n == STORE_REPORT_AGENTS_MAX)
        return NULL;
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 16;
        a->rows = xrealloc(a->rows, a->cap * sizeof *a->rows);
        a->handle_ms = xrealloc(a->handle_ms, a->cap * sizeof *a->handle_ms);
    }
    struct store_report_agent *r = &a->rows[a->n];
    memset(r, 0, sizeof *r);
    dt_strlcpy(r->name, name, sizeof r->name);
    a->handle_ms[a->n++] = 0;
    return r;
}

static void agent_add(struct agent_acc *a, struct store_report_agent *r, int q, sqlite3_stmt *s)
{
    if (q == Q_CALLS) {
        r->calls += sqlite3_column_int64(s, 1);
    } else if (q == Q_HANDLED) {
        r->handled += sqlite3_column_int64(s, 1);
        r->aht_calls += sqlite3_column_int64(s, 2);
        a->handle_ms[r - a->rows] += sqlite3_column_int64(s, 3);
    } else {
        r->missed_offers += sqlite3_column_int64(s, 1);
        r->declined_offers += sqlite3_column_int64(s, 2);
    }
}

static int run_query(sqlite3 *db, int q, int64_t from_ms, int64_t to_ms, struct agent_acc *a,
                     char *err, size_t errlen)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, agent_sql[q], -1, &s, NULL) != SQLITE_OK)
        return dt_seterr(err, errlen, DT_EDB, "reading the agents: %s", sqlite3_errmsg(db));
    sqlite3_bind_int64(s, 1, from_ms);
    sqlite3_bind_int64(s, 2, to_ms);
    int rc, ret = DT_OK;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(s, 0);
        if (!name)
            continue;
        struct store_report_agent *r = agent_row(a, name);
        if (!r) {
            ret =
                dt_seterr(err, errlen, DT_ETOOBIG, "more than %d agents", STORE_REPORT_AGENTS_MAX);
            break;
        }
        agent_add(a, r, q, s);
    }
    if (ret == DT_OK && rc != SQLITE_DONE)
        ret = dt_seterr(err, errlen, DT_EDB, "reading the agents: %s", sqlite3_errmsg(db));
    sqlite3_finalize(s);
    return ret;
}

/* The agents' parts that reached the caller in [from_ms, to_ms). */
static int add_parts(sqlite3 *db, int64_t from_ms, int64_t to_ms, struct agent_acc *a, char *err,
                     size_t errlen)
{
    struct store_kpi_day d = {0};
    const char **sids = NULL;
    int64_t created = from_ms > LOOKBACK_MS ? from_ms - LOOKBACK_MS : 0;
    int rc = store_kpi_parts_load(db, created, to_ms, from_ms, &d, &sids, err, errlen);
    for (size_t i = 0; rc == DT_OK && i < d.n_parts; i++) {
        const struct kpi_part *p = &d.parts[i];
        if (p->reached_ms < from_ms || p->reached_ms >= to_ms)
            continue;
        struct store_report_agent *r = agent_row(a, p->agent);
        if (!r) {
            rc = dt_seterr(err, errlen, DT_ETOOBIG, "more than %d agents", STORE_REPORT_AGENTS_MAX);
            break;
        }
        r->handled++;
        if (p->with_s >= 0 && p->wrapup_s >= 0) {
            r->aht_calls++;
            a->handle_ms[r - a->rows] += (p->with_s + p->wrapup_s) * 1000;
        }
    }
    free(sids);
    store_kpi_day_done(&d);
    return rc;
}

static int name_cmp(const void *pa, const void *pb)
{
    return strcmp(((const struct store_report_agent *)pa)->name,
                  ((const struct store_report_agent *)pb)->name);
}

int store_report_agents(struct store_report *r, int64_t from_ms, int64_t to_ms,
                        struct store_report_agent **rows, size_t *n, char *err, size_t errlen)
{
    *rows = NULL;
    *n = 0;
    if (to_ms < from_ms)
        return dt_seterr(err, errlen, DT_EINVAL, "the range ends before it starts");
    struct agent_acc a = {0};
    int rc = DT_OK;
    for (int q = 0; q < Q_N && rc == DT_OK; q++)
        rc = run_query(store_report_sqlite(r), q, from_ms, to_ms, &a, err, errlen);
    if (rc == DT_OK)
        rc = add_parts(store_report_sqlite(r), from_ms, to_ms, &a, err, errlen);
    for (size_t i = 0; rc == DT_OK && i < a.n; i++)
        a.rows[i].aht_s = a.rows[i].aht_calls
                              ? (double)a.handle_ms[i] / 1000.0 / (double)a.rows[i].aht_calls
                              : -1;
    free(a.handle_ms);
    if (rc != DT_OK) {
        free(a.rows);
        return rc;
    }
    if (a.n)
        qsort(a.rows, a.n, sizeof *a.rows, name_cmp);
    *rows = a.rows;
    *n = a.n;
    return DT_OK;
}
