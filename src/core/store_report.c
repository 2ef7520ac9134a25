/*
 * store_report: read-only report queries over the calls table. See dialtone/store_report.h.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "dialtone/civil.h"
#include "dialtone/config.h"
#include "dialtone/kpi.h"
#include "dialtone/store.h"
#include "dialtone/store_report.h"
#include "store_report_int.h"

#define HOUR_MS 3600000LL

enum report_stmt {
    Q_FAILURES,
    Q_FAILURES_LEGS,
    Q_ANSWER,
    Q_ERRORS,
    Q_ERRORS_LEGS,
    Q_CALLS,
    Q_COUNT
};

/* Customer calls are the rows without a parent; legs, those with one. */
#define ONLY_CALLS "parent_sid IS NULL"
#define ONLY_LEGS  "parent_sid IS NOT NULL"
#define FAILURES_SQL(who)                                                                          \
    "SELECT status, error_code, sip_code, COUNT(*) FROM calls "                                    \
    "WHERE created_ms >= ?1 AND created_ms < ?2 AND " who " "                                      \
    "AND status IN ('busy', 'failed', 'no-answer', 'canceled') "                                   \
    "GROUP BY status, error_code, sip_code"
#define ERRORS_SQL(who)                                                                            \
    "SELECT created_ms, error_code, sip_code FROM calls "                                          \
    "WHERE created_ms >= ?1 AND created_ms < ?2 AND " who " "                                      \
    "AND (error_code > 0 OR sip_code >= 400)"

/* clang-format off */
static const char *const report_sql[Q_COUNT] = {
    [Q_FAILURES] = FAILURES_SQL(ONLY_CALLS),
    [Q_FAILURES_LEGS] = FAILURES_SQL(ONLY_LEGS),
    [Q_ANSWER] = "SELECT created_ms, queue, queue_result, status FROM calls "
                 "WHERE created_ms >= ?1 AND created_ms < ?2 AND parent_sid IS NULL "
                 "AND status IN ('completed', 'busy', 'failed', 'no-answer', 'canceled')",
    [Q_ERRORS] = ERRORS_SQL(ONLY_CALLS),
    [Q_ERRORS_LEGS] = ERRORS_SQL(ONLY_LEGS),
    [Q_CALLS] = "SELECT sid, parent_sid, direction, from_number, to_number, caller_name, queue, "
                "agent, status, error_message, price, price_unit, recording_sid, error_code, "
                "sip_code, queue_time_s, duration_s, created_ms, answered_ms, ended_ms "
                "FROM calls WHERE created_ms >= ?1 AND created_ms < ?2 ORDER BY created_ms, sid",
};
/* clang-format on */

struct store_report {
    sqlite3 *db;
    sqlite3_stmt *stmt[Q_COUNT];
};

static int dberr(struct store_report *r, const char *what, char *err, size_t errlen)
{
    return dt_seterr(err, errlen, DT_EDB, "%s: %s", what, sqlite3_errmsg(r->db));
}

int store_report_open(const char *path, struct store_report **out, char *err, size_t errlen)
{
    *out = NULL;
    struct store_report *r = xcalloc(1, sizeof *r);
    int rc = DT_OK;
    if (sqlite3_open_v2(path, &r->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        rc = dberr(r, path, err, errlen);
        goto fail;
    }
    sqlite3_busy_timeout(r->db, STORE_BUSY_TIMEOUT_MS);
    if (sqlite3_exec(r->db, "PRAGMA query_only = 1", NULL, NULL, NULL) != SQLITE_OK) {
        rc = dberr(r, path, err, errlen);
        goto fail;
    }
    for (int i = 0; i < Q_COUNT; i++) {
        if (sqlite3_prepare_v3(r->db, report_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &r->stmt[i],
                               NULL) != SQLITE_OK) {
            rc = dt_seterr(err, errlen, DT_EDB, "%s is not a dialtone database: %s", path,
                           sqlite3_errmsg(r->db));
            goto fail;
        }
    }
    *out = r;
    return DT_OK;
fail:
    store_report_close(r);
    return rc;
}

sqlite3 *store_report_sqlite(struct store_report *r)
{
    return r->db;
}

void store_report_close(struct store_report *r)
{
    if (!r)
        return;
    for (int i = 0; i < Q_COUNT; i++)
        sqlite3_finalize(r->stmt[i]);
    sqlite3_close(r->db);
    free(r);
}

/* The statement for q, reset and bound to the range; NULL (err set) on a bad range. */
static sqlite3_stmt *bind_range(struct store_report *r, enum report_stmt q, int64_t from_ms,
                                int64_t to_ms, char *err, size_t errlen)
{
    if (to_ms < from_ms) {
        dt_seterr(err, errlen, DT_EINVAL, "the range ends before it starts");
        return NULL;
    }
    sqlite3_stmt *s = r->stmt[q];
    sqlite3_reset(s);
    sqlite3_bind_int64(s, 1, from_ms);
    sqlite3_bind_int64(s, 2, to_ms);
    return s;
}

static int64_t col_int(sqlite3_stmt *s, int i)
{
    return sqlite3_column_type(s, i) == SQLITE_NULL ? STORE_REPORT_NONE
                                                    : sqlite3_column_int64(s, i);
}

static const char *col_text(sqlite3_stmt *s, int i)
{
    return (const char *)sqlite3_column_text(s, i);
}

/* The code a failure is counted under (0: none) and the dictionary's entry for it (NULL). */
static int read_code(int64_t error_code, int64_t sip_code, const struct errors_entry **ent)
{
    *ent = NULL;
    if (error_code > 0 && error_code <= ERRORS_TSV_CODE_MAX) {
        *ent = errors_explain((int)error_code);
        return (int)error_code;
    }
    if (sip_code >= 400 && sip_code <= 699) {
        *ent = errors_lookup_sip((int)sip_code);
        return *ent ? (*ent)->code : 0;
    }
    return 0;
}

static enum errors_category status_category(const char *status)
{
    if (strcmp(status, "busy") == 0)
        return DT_ERRCAT_BUSY;
    if (strcmp(status, "no-answer") == 0)
        return DT_ERRCAT_NO_ANSWER;
    if (strcmp(status, "canceled") == 0)
        return DT_ERRCAT_CANCELED;
    return DT_ERRCAT_OTHER;
}

static int failure_cmp(const void *pa, const void *pb)
{
    const struct store_report_failure *a = pa, *b = pb;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    int c = strcmp(a->status, b->status);
    if (c)
        return c;
    if (a->code != b->code)
        return a->code < b->code ? -1 : 1;
    return (a->sip_code > b->sip_code) - (a->sip_code < b->sip_code);
}

/* Adds count to the row for (status, code, sip), appending it when new. */
static void failure_add(struct store_report_failure **rows, size_t *n, size_t *cap,
                        const struct store_report_failure *f)
{
    for (size_t i = 0; i < *n; i++) {
        struct store_report_failure *x = &(*rows)[i];
        if (x->code == f->code && x->sip_code == f->sip_code && !strcmp(x->status, f->status)) {
            x->count += f->count;
            return;
        }
    }
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        *rows = xrealloc(*rows, *cap * sizeof **rows);
    }
    (*rows)[(*n)++] = *f;
}

int store_report_failures(struct store_report *r, int64_t from_ms, int64_t to_ms,
                          struct store_report_failure **rows, size_t *n, char *err, size_t errlen)
{
    return store_report_failures_of(r, STORE_REPORT_CALLS, from_ms, to_ms, rows, n, err, errlen);
}

int store_report_failures_of(struct store_report *r, enum store_report_scope scope, int64_t from_ms,
                             int64_t to_ms, struct store_report_failure **rows, size_t *n,
                             char *err, size_t errlen)
{
    *rows = NULL;
    *n = 0;
    if (scope != STORE_REPORT_CALLS && scope != STORE_REPORT_LEGS)
        return dt_seterr(err, errlen, DT_EINVAL, "calls or legs");
    sqlite3_stmt *s = bind_range(r, scope == STORE_REPORT_LEGS ? Q_FAILURES_LEGS : Q_FAILURES,
                                 from_ms, to_ms, err, errlen);
    if (!s)
        return DT_EINVAL;
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct store_report_failure f = {.count = sqlite3_column_int64(s, 3)};
        dt_strlcpy(f.status, col_text(s, 0), sizeof f.status);
        int64_t sip = col_int(s, 2);
        const struct errors_entry *ent;
        f.code = read_code(col_int(s, 1), sip, &ent);
        if (!f.code && sip >= 400 && sip <= 699)
            f.sip_code = (int)sip;
        f.category = ent ? ent->category : status_category(f.status);
        failure_add(rows, n, &cap, &f);
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        free(*rows);
        *rows = NULL;
        *n = 0;
        return dberr(r, "reading the failures", err, errlen);
    }
    if (*n)
        qsort(*rows, *n, sizeof **rows, failure_cmp);
    return DT_OK;
}

int store_report_answer_rate(struct store_report *r, const struct config_zone *zone,
                             int64_t from_ms, int64_t to_ms, struct store_report_hour hours[24],
                             char *err, size_t errlen)
{
    memset(hours, 0, 24 * sizeof *hours);
    sqlite3_stmt *s = bind_range(r, Q_ANSWER, from_ms, to_ms, err, errlen);
    if (!s)
        return DT_EINVAL;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t created = sqlite3_column_int64(s, 0);
        const char *queue = col_text(s, 1), *qresult = col_text(s, 2), *status = col_text(s, 3);
        struct config_local lt;
        int64_t sec = created >= 0 ? created / 1000 : -((-created + 999) / 1000);
        config_zone_local(zone, sec, &lt);
        struct store_report_hour *h = &hours[lt.minute / 60];
        h->calls++;
        if (queue && *queue)
            h->answered += kpi_qresult_parse(qresult) == KPI_Q_ANSWERED;
        else
            h->answered += strcmp(status, "completed") == 0;
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        memset(hours, 0, 24 * sizeof *hours);
        return dberr(r, "reading the answer rate", err, errlen);
    }
    return DT_OK;
}

/* The row of code in out, appended (with its trend) when new. */
static struct store_report_error *error_row(struct store_report_errors *out, size_t *cap, int code)
{
    for (size_t i = 0; i < out->n; i++)
        if (out->rows[i].code == code)
            return &out->rows[i];
    if (out->n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        out->rows = xrealloc(out->rows, *cap * sizeof *out->rows);
    }
    struct store_report_error *e = &out->rows[out->n++];
    *e = (struct store_report_error){.code = code,
                                     .category = errors_explain(code)->category,
                                     .trend = xcalloc(out->n_buckets, sizeof *e->trend)};
    return e;
}

static int error_cmp(const void *pa, const void *pb)
{
    const struct store_report_error *a = pa, *b = pb;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return (a->code > b->code) - (a->code < b->code);
}

int store_report_errors(struct store_report *r, int64_t from_ms, int64_t to_ms, size_t limit,
                        struct store_report_errors *out, char *err, size_t errlen)
{
    return store_report_errors_of(r, STORE_REPORT_CALLS, from_ms, to_ms, limit, out, err, errlen);
}

int store_report_errors_of(struct store_report *r, enum store_report_scope scope, int64_t from_ms,
                           int64_t to_ms, size_t limit, struct store_report_errors *out, char *err,
                           size_t errlen)
{
    *out = (struct store_report_errors){0};
    if (limit < 1 || limit > STORE_REPORT_TOP_MAX)
        return dt_seterr(err, errlen, DT_EINVAL, "the limit is outside 1-%d", STORE_REPORT_TOP_MAX);
    if (scope != STORE_REPORT_CALLS && scope != STORE_REPORT_LEGS)
        return dt_seterr(err, errlen, DT_EINVAL, "calls or legs");
    sqlite3_stmt *s = bind_range(r, scope == STORE_REPORT_LEGS ? Q_ERRORS_LEGS : Q_ERRORS, from_ms,
                                 to_ms, err, errlen);
    if (!s)
        return DT_EINVAL;
    int64_t buckets = (to_ms - from_ms + HOUR_MS - 1) / HOUR_MS;
    if (to_ms - from_ms > (int64_t)STORE_REPORT_BUCKETS_MAX * HOUR_MS)
        return dt_seterr(err, errlen, DT_ETOOBIG, "a trend covers at most %d hours",
                         STORE_REPORT_BUCKETS_MAX);
    out->n_buckets = (size_t)buckets;
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const struct errors_entry *ent;
        int code = read_code(col_int(s, 1), col_int(s, 2), &ent);
        if (!code)
            continue;
        struct store_report_error *e = error_row(out, &cap, code);
        e->count++;
        e->trend[(sqlite3_column_int64(s, 0) - from_ms) / HOUR_MS]++;
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        store_report_errors_done(out);
        return dberr(r, "reading the error codes", err, errlen);
    }
    if (out->n)
        qsort(out->rows, out->n, sizeof *out->rows, error_cmp);
    while (out->n > limit)
        free(out->rows[--out->n].trend);
    return DT_OK;
}

void store_report_errors_done(struct store_report_errors *out)
{
    for (size_t i = 0; i < out->n; i++)
        free(out->rows[i].trend);
    free(out->rows);
    *out = (struct store_report_errors){0};
}

int store_report_calls(struct store_report *r, int64_t from_ms, int64_t to_ms,
                       store_report_call_fn fn, void *ctx, char *err, size_t errlen)
{
    sqlite3_stmt *s = bind_range(r, Q_CALLS, from_ms, to_ms, err, errlen);
    if (!s)
        return DT_EINVAL;
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *t[13];
        for (int i = 0; i < 13; i++)
            t[i] = col_text(s, i);
        struct store_report_call c = {.sid = t[0],
                                      .parent_sid = t[1],
                                      .direction = t[2],
                                      .from = t[3],
                                      .to = t[4],
                                      .caller_name = t[5],
                                      .queue = t[6],
                                      .agent = t[7],
                                      .status = t[8],
                                      .error_message = t[9],
                                      .price = t[10],
                                      .price_unit = t[11],
                                      .recording_sid = t[12],
                                      .error_code = col_int(s, 13),
                                      .sip_code = col_int(s, 14),
                                      .queue_time_s = col_int(s, 15),
                                      .duration_s = col_int(s, 16),
                                      .created_ms = col_int(s, 17),
                                      .answered_ms = col_int(s, 18),
                                      .ended_ms = col_int(s, 19)};
        stop = fn(&c, ctx);
    }
    sqlite3_reset(s);
    if (stop)
        return stop;
    if (rc != SQLITE_DONE)
        return dberr(r, "reading the calls", err, errlen);
    return DT_OK;
}

/* 1 when s is a plain number: an optional sign, digits, at most one dot among them. */
static int plain_number(const char *s)
{
    if (*s == '+' || *s == '-')
        s++;
    int digits = 0, dots = 0;
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9')
            digits++;
        else if (*s == '.' && !dots)
            dots++;
        else
            return 0;
    }
    return digits > 0;
}

void store_report_csv_field(struct dt_buf *out, const char *s)
{
    if (!s)
        return;
    int quote = strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        dt_buf_putc(out, '"');
    if (strchr("=+-@\t", *s) && *s && !plain_number(s))
        dt_buf_putc(out, '\'');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"')
            dt_buf_puts(out, "\"\"");
        else if ((*p < 0x20 && *p != '\r' && *p != '\n') || *p == 0x7f)
            dt_buf_putc(out, ' ');
        else
            dt_buf_putc(out, (char)*p);
    }
    if (quote)
        dt_buf_putc(out, '"');
}

int store_report_day_start(const struct config_zone *zone, const char *date, int64_t *ms)
{
    int y = 0, m = 0, d = 0;
    if (!date || strlen(date) != 10 || date[4] != '-' || date[7] != '-')
        return DT_EINVAL;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (date[i] < '0' || date[i] > '9'))
            return DT_EINVAL;
    y = atoi(date);
    m = atoi(date + 5);
    d = atoi(date + 8);
    if (y < 1970 || m < 1 || m > 12 || d < 1)
        return DT_EINVAL;
    /* A date past its month's end counts on into the next month: such a date is not one. */
    int64_t days = civil_days_from(y, m, d);
    int cy, cm, cd;
    civil_from_days(days, &cy, &cm, &cd);
    if (cy != y || cm != m || cd != d)
        return DT_EINVAL;
    /* Local noon of that date, near enough: the day containing it starts at its midnight. */
    int64_t noon = days * 86400 + 43200;
    struct config_local lt;
    config_zone_local(zone, noon, &lt);
    int64_t wall = civil_days_from(lt.year, lt.month, lt.mday) * 86400 + lt.minute * 60;
    int64_t start, end;
    if (kpi_day_bounds(zone, 0, (noon - (wall - noon)) * 1000, &start, &end) != DT_OK)
        return DT_EINVAL;
    *ms = start;
    return DT_OK;
}
