/*
 * report_json: each report's JSON document from the store_report queries; one row of the table
 * below per report. See dialtone/report_json.h.
 */
#include "dialtone/report_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "dialtone/config.h"
#include "dialtone/errors.h"
#include "dialtone/kpi.h"
#include "dialtone/store_report.h"
#include "dialtone/store_report_agents.h"
#include "dialtone/store_report_cost.h"
#include "dialtone/util.h"

typedef int (*report_fn)(struct store_report *db, const struct report_json_range *rg, cJSON *doc,
                         char *err, size_t errlen);

static int build_failures(struct store_report *db, const struct report_json_range *rg, cJSON *doc,
                          char *err, size_t errlen);
static int build_answer_rate(struct store_report *db, const struct report_json_range *rg,
                             cJSON *doc, char *err, size_t errlen);
static int build_errors(struct store_report *db, const struct report_json_range *rg, cJSON *doc,
                        char *err, size_t errlen);
static int build_cost_by_day(struct store_report *db, const struct report_json_range *rg,
                             cJSON *doc, char *err, size_t errlen);
static int build_cost_by_queue(struct store_report *db, const struct report_json_range *rg,
                               cJSON *doc, char *err, size_t errlen);
static int build_agents(struct store_report *db, const struct report_json_range *rg, cJSON *doc,
                        char *err, size_t errlen);

static const struct {
    const char *name;
    report_fn build;
    int legs; /* may be asked for the legs alone */
} reports[] = {
    {.name = "failures", .build = build_failures, .legs = 1},
    {.name = "answer-rate", .build = build_answer_rate},
    {.name = "errors", .build = build_errors, .legs = 1},
    {.name = "cost-by-day", .build = build_cost_by_day},
    {.name = "cost-by-queue", .build = build_cost_by_queue},
    {.name = "agents", .build = build_agents},
};

#define NREPORTS (sizeof reports / sizeof reports[0])

const char *report_json_name(size_t i)
{
    return i < NREPORTS ? reports[i].name : NULL;
}

static int find(const char *name)
{
    for (size_t i = 0; name && i < NREPORTS; i++)
        if (strcmp(reports[i].name, name) == 0)
            return (int)i;
    return -1;
}

int report_json_known(const char *name)
{
    return find(name) >= 0;
}

int report_json_has_legs(const char *name)
{
    int i = find(name);
    return i >= 0 && reports[i].legs;
}

/* Whose calls a failures or errors report counts. */
static enum store_report_scope scope_of(const struct report_json_range *rg)
{
    return rg->legs ? STORE_REPORT_LEGS : STORE_REPORT_CALLS;
}

/* The local date of ms in zone as "YYYY-MM-DD" under key. */
static void add_day(cJSON *doc, const char *key, const struct config_zone *zone, int64_t ms)
{
    struct config_local lt;
    char day[16];
    config_zone_local(zone, (ms >= 0 ? ms : ms - 999) / 1000, &lt);
    snprintf(day, sizeof day, "%04d-%02d-%02d", lt.year % 10000, lt.month % 100, lt.mday % 100);
    cJSON_AddStringToObject(doc, key, day);
}

int report_json_build(struct store_report *db, const char *name, const struct report_json_range *rg,
                      cJSON **out, char *err, size_t errlen)
{
    *out = NULL;
    int i = find(name);
    if (i < 0)
        return dt_seterr(err, errlen, DT_EINVAL, "no report is called '%.40s'", name ? name : "");
    if (rg->to_ms <= rg->from_ms)
        return dt_seterr(err, errlen, DT_EINVAL, "the range ends before it starts");
    if (rg->legs && !reports[i].legs)
        return dt_seterr(err, errlen, DT_EINVAL,
                         "the legs are counted apart in the failures and errors reports only");
    char a[32], b[32];
    report_json_time(rg->from_ms, a, sizeof a);
    report_json_time(rg->to_ms, b, sizeof b);
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "report", reports[i].name);
    cJSON_AddStringToObject(doc, "from", a);
    cJSON_AddStringToObject(doc, "to", b);
    add_day(doc, "first_day", rg->zone, rg->from_ms);
    add_day(doc, "last_day", rg->zone, rg->to_ms - 1);
    if (rg->legs)
        cJSON_AddTrueToObject(doc, "legs");
    int rc = reports[i].build(db, rg, doc, err, errlen);
    if (rc != DT_OK)
        cJSON_Delete(doc);
    else
        *out = doc;
    return rc;
}

/* ---- the reports ------------------------------------------------------------------------------
 */

const char *report_json_failure_message(const struct store_report_failure *f)
{
    if (f->code)
        return errors_explain(f->code)->message;
    if (f->sip_code) {
        const char *r = errors_sip_reason(f->sip_code);
        return r ? r : "SIP response";
    }
    return "no error code";
}

static int build_failures(struct store_report *db, const struct report_json_range *rg, cJSON *doc,
                          char *err, size_t errlen)
{
    struct store_report_failure *f;
    size_t n;
    int rc =
        store_report_failures_of(db, scope_of(rg), rg->from_ms, rg->to_ms, &f, &n, err, errlen);
    if (rc != DT_OK)
        return rc;
    int64_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += f[i].count;
    cJSON_AddNumberToObject(doc, "total", (double)total);
    cJSON *rows = cJSON_AddArrayToObject(doc, "rows");
    for (size_t i = 0; i < n; i++) {
        cJSON *r = cJSON_CreateObject();
        cJSON_AddStringToObject(r, "status", f[i].status);
        cJSON_AddNumberToObject(r, "code", f[i].code);
        cJSON_AddNumberToObject(r, "sip_code", f[i].sip_code);
        cJSON_AddStringToObject(r, "category", errors_category_name(f[i].category));
        cJSON_AddNumberToObject(r, "count", (double)f[i].count);
        cJSON_AddStringToObject(r, "message", report_json_failure_message(&f[i]));
        cJSON_AddItemToArray(rows, r);
    }
    free(f);
    return DT_OK;
}

static int build_answer_rate(struct store_report *db, const struct report_json_range *rg,
                             cJSON *doc, char *err, size_t errlen)
{
    struct store_report_hour h[24];
    int rc = store_report_answer_rate(db, rg->zone, rg->from_ms, rg->to_ms, h, err, errlen);
    if (rc != DT_OK)
        return rc;
    cJSON *rows = cJSON_AddArrayToObject(doc, "hours");
    int64_t calls = 0, answered = 0;
    for (int i = 0; i < 24; i++) {
        calls += h[i].calls;
        answered += h[i].answered;
        cJSON *r = cJSON_CreateObject();
        cJSON_AddNumberToObject(r, "hour", i);
        cJSON_AddNumberToObject(r, "calls", (double)h[i].calls);
        cJSON_AddNumberToObject(r, "answered", (double)h[i].answered);
        cJSON_AddItemToArray(rows, r);
    }
    cJSON_AddNumberToObject(doc, "calls", (double)calls);
    cJSON_AddNumberToObject(doc, "answered", (double)answered);
    return DT_OK;
}

static int build_errors(struct store_report *db, const struct report_json_range *rg, cJSON *doc,
                        char *err, size_t errlen)
{
    struct store_report_errors e;
    int rc =
        store_report_errors_of(db, scope_of(rg), rg->from_ms, rg->to_ms, rg->top, &e, err, errlen);
    if (rc != DT_OK)
        return rc;
    cJSON *rows = cJSON_AddArrayToObject(doc, "rows");
    for (size_t i = 0; i < e.n; i++) {
        const struct store_report_error *x = &e.rows[i];
        cJSON *r = cJSON_CreateObject();
        cJSON_AddNumberToObject(r, "code", x->code);
        cJSON_AddStringToObject(r, "category", errors_category_name(x->category));
        cJSON_AddNumberToObject(r, "count", (double)x->count);
        cJSON_AddStringToObject(r, "message", errors_explain(x->code)->message);
        cJSON *t = cJSON_AddArrayToObject(r, "hourly");
        for (size_t k = 0; k < e.n_buckets; k++)
            cJSON_AddItemToArray(t, cJSON_CreateNumber((double)x->trend[k]));
        cJSON_AddItemToArray(rows, r);
    }
    store_report_errors_done(&e);
    return DT_OK;
}

/* A cost per successful call in millionths as a number, or null when there was no success. */
static void add_per_success(cJSON *o, const struct store_report_cost *c)
{
    int64_t per = store_report_cost_per_success(c);
    if (per >= 0)
        cJSON_AddNumberToObject(o, "cost_per_success", (double)per / 1e6);
    else
        cJSON_AddNullToObject(o, "cost_per_success");
}

static int build_cost(struct store_report *db, const struct report_json_range *rg, int by_day,
                      cJSON *doc, char *err, size_t errlen)
{
    struct store_report_cost *c;
    size_t n;
    int rc =
        by_day ? store_report_cost_by_day(db, rg->zone, rg->from_ms, rg->to_ms, &c, &n, err, errlen)
               : store_report_cost_by_queue(db, rg->from_ms, rg->to_ms, &c, &n, err, errlen);
    if (rc != DT_OK)
        return rc;
    cJSON *rows = cJSON_AddArrayToObject(doc, "rows");
    struct store_report_cost total = {.key = "total"};
    for (size_t i = 0; i < n; i++) {
        cJSON *r = cJSON_CreateObject();
        cJSON_AddStringToObject(r, by_day ? "day" : "queue", c[i].key);
        cJSON_AddNumberToObject(r, "calls", (double)c[i].calls);
        cJSON_AddNumberToObject(r, "successful", (double)c[i].successful);
        cJSON_AddNumberToObject(r, "priced", (double)c[i].priced);
        cJSON_AddNumberToObject(r, "billable_s", (double)c[i].billable_s);
        cJSON_AddNumberToObject(r, "cost", (double)c[i].cost_micros / 1e6);
        add_per_success(r, &c[i]);
        cJSON_AddStringToObject(r, "unit", c[i].unit);
        cJSON_AddItemToArray(rows, r);
        total.calls += c[i].calls;
        total.successful += c[i].successful;
        total.cost_micros += c[i].cost_micros;
        if (!total.unit[0])
            memcpy(total.unit, c[i].unit, sizeof total.unit);
    }
    cJSON_AddNumberToObject(doc, "cost", (double)total.cost_micros / 1e6);
    cJSON_AddStringToObject(doc, "unit", total.unit);
    cJSON_AddNumberToObject(doc, "calls", (double)total.calls);
    cJSON_AddNumberToObject(doc, "successful", (double)total.successful);
    add_per_success(doc, &total);
    free(c);
    return DT_OK;
}

static int build_cost_by_day(struct store_report *db, const struct report_json_range *rg,
                             cJSON *doc, char *err, size_t errlen)
{
    return build_cost(db, rg, 1, doc, err, errlen);
}

static int build_cost_by_queue(struct store_report *db, const struct report_json_range *rg,
                               cJSON *doc, char *err, size_t errlen)
{
    return build_cost(db, rg, 0, doc, err, errlen);
}

static int build_agents(struct store_report *db, const struct report_json_range *rg, cJSON *doc,
                        char *err, size_t errlen)
{
    struct store_report_agent *a;
    size_t n;
    int rc = store_report_agents(db, rg->from_ms, rg->to_ms, &a, &n, err, errlen);
    if (rc != DT_OK)
        return rc;
    cJSON *rows = cJSON_AddArrayToObject(doc, "rows");
    for (size_t i = 0; i < n; i++) {
        const struct store_report_agent *x = &a[i];
        cJSON *r = cJSON_CreateObject();
        cJSON_AddStringToObject(r, "agent", x->name);
        cJSON_AddNumberToObject(r, "calls", (double)x->calls);
        cJSON_AddNumberToObject(r, "handled", (double)x->handled);
        if (x->aht_s >= 0)
            cJSON_AddNumberToObject(r, "aht_s", x->aht_s);
        else
            cJSON_AddNullToObject(r, "aht_s");
        cJSON_AddNumberToObject(r, "aht_calls", (double)x->aht_calls);
        cJSON_AddNumberToObject(r, "missed_offers", (double)x->missed_offers);
        cJSON_AddNumberToObject(r, "declined_offers", (double)x->declined_offers);
        cJSON_AddItemToArray(rows, r);
    }
    free(a);
    return DT_OK;
}

/* ---- dates ------------------------------------------------------------------------------------
 */

int report_json_day(const struct config_zone *zone, const char *s, int64_t now_ms,
                    int64_t *start_ms, int64_t *end_ms)
{
    int64_t at = now_ms;
    int today = strcmp(s, "today") == 0, yesterday = strcmp(s, "yesterday") == 0;
    if (!today && !yesterday && store_report_day_start(zone, s, &at) != DT_OK)
        return DT_EINVAL;
    if (kpi_day_bounds(zone, 0, at, start_ms, end_ms) != DT_OK)
        return DT_EINVAL;
    if (yesterday && kpi_day_bounds(zone, 0, *start_ms - 1, start_ms, end_ms) != DT_OK)
        return DT_EINVAL;
    /* the reports print their bounds as UTC times from 1970 to year 9999 */
    if (*start_ms < 0 || *end_ms >= REPORT_JSON_DAY_END_MAX_MS)
        return DT_EINVAL;
    return DT_OK;
}

void report_json_time(int64_t ms, char *buf, size_t len)
{
    struct tm tm;
    time_t t = (time_t)(ms / 1000);
    if (len == 0)
        return;
    if (ms < 0 || !gmtime_r(&t, &tm) || strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        buf[0] = '\0';
}
