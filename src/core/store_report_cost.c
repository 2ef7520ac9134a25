/*
 * store_report_cost: the calls' cost by day and by queue. See dialtone/store_report_cost.h.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialtone/config.h"
#include "dialtone/kpi.h"
#include "dialtone/store_report_cost.h"
#include "store_report_int.h"

enum cost_col { C_CREATED, C_LEG, C_QUEUE, C_QRESULT, C_STATUS, C_PRICE, C_UNIT, C_DURATION };

static const char cost_sql[] =
    "SELECT c.created_ms, c.parent_sid IS NOT NULL, COALESCE(c.queue, p.queue, ''), "
    "c.queue_result, c.status, c.price, c.price_unit, c.duration_s FROM calls c "
    "LEFT JOIN calls p ON p.sid = c.parent_sid "
    "WHERE c.created_ms >= ?1 AND c.created_ms < ?2";

/* The rows gathered so far. */
struct cost_acc {
    struct store_report_cost *rows;
    size_t n, cap;
};

/* The row for key, appended when new; NULL past STORE_REPORT_COST_ROWS_MAX. */
static struct store_report_cost *acc_row(struct cost_acc *a, const char *key)
{
    for (size_t i = a->n; i > 0; i--)
        if (strcmp(a->rows[i - 1].key, key) == 0)
            return &a->rows[i - 1];
    if (a->n == STORE_REPORT_COST_ROWS_MAX)
        return NULL;
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 16;
        a->rows = xrealloc(a->rows, a->cap * sizeof *a->rows);
    }
    struct store_report_cost *c = &a->rows[a->n++];
    memset(c, 0, sizeof *c);
    dt_strlcpy(c->key, key, sizeof c->key);
    return c;
}

/* Counts the current row of s into c. */
static void acc_add(struct store_report_cost *c, sqlite3_stmt *s)
{
    const char *queue = (const char *)sqlite3_column_text(s, C_QUEUE);
    const char *qresult = (const char *)sqlite3_column_text(s, C_QRESULT);
    const char *status = (const char *)sqlite3_column_text(s, C_STATUS);
    const char *price = (const char *)sqlite3_column_text(s, C_PRICE);
    const char *unit = (const char *)sqlite3_column_text(s, C_UNIT);
    if (!sqlite3_column_int(s, C_LEG)) {
        c->calls++;
        if (queue && *queue)
            c->successful += kpi_qresult_parse(qresult) == KPI_Q_ANSWERED;
        else
            c->successful += status && strcmp(status, "completed") == 0;
    }
    int64_t micros;
    if (!price || kpi_price_parse(price, &micros) != DT_OK)
        return;
    c->priced++;
    c->cost_micros += micros;
    if (sqlite3_column_type(s, C_DURATION) != SQLITE_NULL)
        c->billable_s += sqlite3_column_int64(s, C_DURATION);
    if (!c->unit[0] && unit)
        dt_strlcpy(c->unit, unit, sizeof c->unit);
}

/* The local day of created ms as "YYYY-MM-DD". */
static void day_key(const struct config_zone *zone, int64_t ms, char *key, size_t len)
{
    struct config_local lt;
    int64_t sec = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
    config_zone_local(zone, sec, &lt);
    snprintf(key, len, "%04d-%02d-%02d", lt.year % 10000, lt.month, lt.mday);
}

/* Walks the range into a, grouped by day (by_day) or by queue. */
static int cost_walk(struct store_report *r, const struct config_zone *zone, int by_day,
                     int64_t from_ms, int64_t to_ms, struct cost_acc *a, char *err, size_t errlen)
{
    if (to_ms < from_ms)
        return dt_seterr(err, errlen, DT_EINVAL, "the range ends before it starts");
    sqlite3 *db = store_report_sqlite(r);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, cost_sql, -1, &s, NULL) != SQLITE_OK)
        return dt_seterr(err, errlen, DT_EDB, "reading the costs: %s", sqlite3_errmsg(db));
    sqlite3_bind_int64(s, 1, from_ms);
    sqlite3_bind_int64(s, 2, to_ms);
    int rc, ret = DT_OK;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        char key[sizeof a->rows->key];
        if (by_day) {
            day_key(zone, sqlite3_column_int64(s, C_CREATED), key, sizeof key);
        } else {
            const char *q = (const char *)sqlite3_column_text(s, C_QUEUE);
            dt_strlcpy(key, q ? q : "", sizeof key);
        }
        struct store_report_cost *c = acc_row(a, key);
        if (!c) {
            ret =
                dt_seterr(err, errlen, DT_ETOOBIG, "more than %d rows", STORE_REPORT_COST_ROWS_MAX);
            break;
        }
        acc_add(c, s);
    }
    if (ret == DT_OK && rc != SQLITE_DONE)
        ret = dt_seterr(err, errlen, DT_EDB, "reading the costs: %s", sqlite3_errmsg(db));
    sqlite3_finalize(s);
    return ret;
}

static int day_cmp(const void *pa, const void *pb)
{
    return strcmp(((const struct store_report_cost *)pa)->key,
                  ((const struct store_report_cost *)pb)->key);
}

static int queue_cmp(const void *pa, const void *pb)
{
    const struct store_report_cost *a = pa, *b = pb;
    if (a->cost_micros != b->cost_micros)
        return a->cost_micros > b->cost_micros ? -1 : 1;
    return strcmp(a->key, b->key);
}

static int cost_report(struct store_report *r, const struct config_zone *zone, int by_day,
                       int64_t from_ms, int64_t to_ms, struct store_report_cost **rows, size_t *n,
                       char *err, size_t errlen)
{
    struct cost_acc a = {0};
    int rc = cost_walk(r, zone, by_day, from_ms, to_ms, &a, err, errlen);
    if (rc != DT_OK) {
        free(a.rows);
        a.rows = NULL;
        a.n = 0;
    } else if (a.n) {
        qsort(a.rows, a.n, sizeof *a.rows, by_day ? day_cmp : queue_cmp);
    }
    *rows = a.rows;
    *n = a.n;
    return rc;
}

int store_report_cost_by_day(struct store_report *r, const struct config_zone *zone,
                             int64_t from_ms, int64_t to_ms, struct store_report_cost **rows,
                             size_t *n, char *err, size_t errlen)
{
    return cost_report(r, zone, 1, from_ms, to_ms, rows, n, err, errlen);
}

int store_report_cost_by_queue(struct store_report *r, int64_t from_ms, int64_t to_ms,
                               struct store_report_cost **rows, size_t *n, char *err, size_t errlen)
{
    return cost_report(r, NULL, 0, from_ms, to_ms, rows, n, err, errlen);
}

int64_t store_report_cost_per_success(const struct store_report_cost *c)
{
    return c->successful > 0 ? (c->cost_micros + c->successful / 2) / c->successful : -1;
}

int store_report_cost_total(struct store_report *r, int64_t from_ms, int64_t to_ms, int64_t *micros,
                            char *err, size_t errlen)
{
    *micros = 0;
    struct store_report_cost *rows;
    size_t n;
    int rc = cost_report(r, NULL, 0, from_ms, to_ms, &rows, &n, err, errlen);
    for (size_t i = 0; i < n; i++)
        *micros += rows[i].cost_micros;
    free(rows);
    return rc;
}
