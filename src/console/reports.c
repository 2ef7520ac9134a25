/*
 * reports: the reports screen's figures read out of the daemon's JSON, the request for a report
 * and a range, and money in words (see console/reports.h).
 */
#include <stdio.h>
#include <string.h>

#include "console/invariant.h"
#include "console/reports.h"
#include "console/sanitize.h"
#include "dialtone/util.h"

static const struct {
    const char *name, *title;
} kinds[REPORTS_KINDS] = {
    [REPORTS_ANSWER_RATE] = {.name = "answer-rate", .title = "Answer rate"},
    [REPORTS_FAILURES] = {.name = "failures", .title = "Failures"},
    [REPORTS_COST_DAY] = {.name = "cost-by-day", .title = "Cost by day"},
    [REPORTS_COST_QUEUE] = {.name = "cost-by-queue", .title = "Cost by queue"},
    [REPORTS_AGENTS] = {.name = "agents", .title = "Agents"},
};

static const struct {
    const char *label, *query; /* query: the daemon's range=, NULL for typed dates */
} ranges[REPORTS_RANGES] = {
    [REPORTS_TODAY] = {.label = "today", .query = "today"},
    [REPORTS_YESTERDAY] = {.label = "yesterday", .query = "yesterday"},
    [REPORTS_WEEK] = {.label = "the last 7 days", .query = "7d"},
    [REPORTS_MONTH] = {.label = "this month", .query = "month"},
    [REPORTS_DATES] = {.label = "dates", .query = NULL},
};

const char *reports_name(enum reports_kind k)
{
    return (unsigned)k < REPORTS_KINDS ? kinds[k].name : NULL;
}

const char *reports_title(enum reports_kind k)
{
    return (unsigned)k < REPORTS_KINDS ? kinds[k].title : NULL;
}

int reports_kind_from_name(const char *name)
{
    for (int k = 0; name && k < REPORTS_KINDS; k++)
        if (strcmp(kinds[k].name, name) == 0)
            return k;
    return -1;
}

const char *reports_range_label(enum reports_range r)
{
    return (unsigned)r < REPORTS_RANGES ? ranges[r].label : NULL;
}

int reports_date_ok(const char *s)
{
    static const char shape[] = "dddd-dd-dd";
    if (strcmp(s, "today") == 0 || strcmp(s, "yesterday") == 0)
        return 1;
    if (strlen(s) != sizeof shape - 1)
        return 0;
    for (size_t i = 0; shape[i]; i++)
        if (shape[i] == 'd' ? s[i] < '0' || s[i] > '9' : s[i] != shape[i])
            return 0;
    return 1;
}

int reports_path(const struct reports *r, char *out, size_t n)
{
    if ((unsigned)r->kind >= REPORTS_KINDS || (unsigned)r->range >= REPORTS_RANGES)
        return DT_EINVAL;
    int len;
    if (ranges[r->range].query) {
        len = snprintf(out, n, "/api/v1/reports/%s?range=%s", kinds[r->kind].name,
                       ranges[r->range].query);
    } else {
        if (!reports_date_ok(r->from) || !reports_date_ok(r->to))
            return DT_EINVAL;
        len = snprintf(out, n, "/api/v1/reports/%s?from=%s&to=%s", kinds[r->kind].name, r->from,
                       r->to);
    }
    return len < 0 || (size_t)len >= n ? DT_ETOOBIG : DT_OK;
}

size_t reports_visible(int term_rows)
{
    return term_rows > REPORTS_CHROME + 1 ? (size_t)(term_rows - REPORTS_CHROME) : 1;
}

char *reports_money(int64_t micros, const char *unit, char *buf, size_t n)
{
    if (micros < 0)
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, "%lld.%04lld%s%s", (long long)(micros / 1000000),
                 (long long)((micros % 1000000 + 50) / 100), unit[0] ? " " : "", unit);
    return buf;
}

/* ---- JSON ------------------------------------------------------------------------------------ */

static void copy_str(char *dst, size_t n, const cJSON *o, const char *key)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
    s = s ? s : "";
    tx_sanitize(s, strlen(s), dst, n);
}

/* A whole count cut to [0, REPORTS_COUNT_MAX] (NaN and non-numbers: 0). */
static int64_t count(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsNumber(v) || !(v->valuedouble > 0))
        return 0;
    return v->valuedouble >= (double)REPORTS_COUNT_MAX ? REPORTS_COUNT_MAX
                                                       : (int64_t)v->valuedouble;
}

/* An amount (money, seconds) times scale, rounded, cut to [0, REPORTS_MONEY_MAX]; -1 when it is
 * not a number or negative (none). */
static int64_t scaled(const cJSON *o, const char *key, double scale)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0))
        return -1;
    double d = v->valuedouble * scale;
    return d >= (double)REPORTS_MONEY_MAX ? REPORTS_MONEY_MAX : (int64_t)(d + 0.5);
}

/* An error code in 1-999999, else 0. */
static int code(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) && v->valuedouble >= 1 && v->valuedouble <= 999999
               ? (int)v->valuedouble
               : 0;
}

static void read_hours(const cJSON *arr, struct reports_data *out)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        const cJSON *h = cJSON_GetObjectItemCaseSensitive(it, "hour");
        if (!cJSON_IsNumber(h) || !(h->valuedouble >= 0 && h->valuedouble < 24))
            continue;
        struct reports_hour *x = &out->hours[(int)h->valuedouble];
        x->calls = count(it, "calls");
        x->answered = count(it, "answered");
        if (x->answered > x->calls)
            x->answered = x->calls;
    }
    out->n = 24;
}

static void read_failure(const cJSON *o, struct reports_failure *f)
{
    copy_str(f->status, sizeof f->status, o, "status");
    f->code = code(o, "code");
    f->sip_code = code(o, "sip_code");
    copy_str(f->category, sizeof f->category, o, "category");
    f->count = count(o, "count");
    copy_str(f->message, sizeof f->message, o, "message");
}

static void read_cost(const cJSON *o, const char *keyname, struct reports_cost *c)
{
    copy_str(c->key, sizeof c->key, o, keyname);
    c->calls = count(o, "calls");
    c->successful = count(o, "successful");
    c->priced = count(o, "priced");
    c->cost = scaled(o, "cost", 1e6);
    c->per_success = scaled(o, "cost_per_success", 1e6);
    copy_str(c->unit, sizeof c->unit, o, "unit");
}

static void read_agent(const cJSON *o, struct reports_agent *a)
{
    copy_str(a->name, sizeof a->name, o, "agent");
    a->calls = count(o, "calls");
    a->handled = count(o, "handled");
    a->aht_calls = count(o, "aht_calls");
    a->missed = count(o, "missed_offers");
    a->declined = count(o, "declined_offers");
    a->aht_ms = scaled(o, "aht_s", 1e3);
}

/* Reads the rows of arr into the table of out->kind. */
static void read_rows(const cJSON *arr, struct reports_data *out)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        if (!cJSON_IsObject(it))
            continue;
        if (out->n == REPORTS_ROWS_MAX) {
            out->cut = 1;
            break;
        }
        switch (out->kind) {
        case REPORTS_FAILURES:
            read_failure(it, &out->failures[out->n]);
            break;
        case REPORTS_COST_DAY:
        case REPORTS_COST_QUEUE:
            read_cost(it, out->kind == REPORTS_COST_DAY ? "day" : "queue", &out->costs[out->n]);
            break;
        case REPORTS_AGENTS:
            read_agent(it, &out->agents[out->n]);
            break;
        default:
            return;
        }
        out->n++;
    }
}

/* Sets the date dst from key when it has a date's shape, else "". */
static void read_day(char *dst, const cJSON *o, const char *key)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
    if (s && strlen(s) == REPORTS_DATE_SIZE - 1 && reports_date_ok(s))
        memcpy(dst, s, REPORTS_DATE_SIZE);
    else
        dst[0] = '\0';
}

int reports_parse(const cJSON *body, enum reports_kind kind, struct reports_data *out, char *err,
                  size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->total.cost = out->total.per_success = -1;
    if ((unsigned)kind >= REPORTS_KINDS)
        return dt_seterr(err, errlen, DT_EINVAL, "no such report");
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(body, "report"));
    const cJSON *rows =
        cJSON_GetObjectItemCaseSensitive(body, kind == REPORTS_ANSWER_RATE ? "hours" : "rows");
    if (!cJSON_IsObject(body) || !name || strcmp(name, kinds[kind].name) != 0 ||
        !cJSON_IsArray(rows))
        return dt_seterr(err, errlen, DT_EINVAL, "the answer is not the %s report",
                         kinds[kind].name);
    out->kind = kind;
    read_day(out->first_day, body, "first_day");
    read_day(out->last_day, body, "last_day");
    if (kind == REPORTS_ANSWER_RATE) {
        read_hours(rows, out);
        out->calls = count(body, "calls");
        out->answered = count(body, "answered");
    } else {
        read_rows(rows, out);
    }
    if (kind == REPORTS_FAILURES)
        out->calls = count(body, "total");
    if (kind == REPORTS_COST_DAY || kind == REPORTS_COST_QUEUE) {
        read_cost(body, "-", &out->total);
        out->calls = out->total.calls;
        out->answered = out->total.successful;
    }
    return DT_OK;
}

int reports_parse_text(const char *text, size_t len, enum reports_kind kind,
                       struct reports_data *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (memchr(text, '\0', len))
        return dt_seterr(err, errlen, DT_EINVAL, "the answer holds a NUL byte");
    cJSON *o = cJSON_ParseWithLength(text, len);
    if (!o)
        return dt_seterr(err, errlen, DT_EINVAL, "the answer is not JSON");
    int rc = reports_parse(o, kind, out, err, errlen);
    cJSON_Delete(o);
    return rc;
}

/* ---- invariants ------------------------------------------------------------------------------ */

static int check_cost(const struct reports_cost *c, char *err, size_t errlen)
{
    INV_STR(c->key);
    INV_STR(c->unit);
    INV(c->calls >= 0 && c->calls <= REPORTS_COUNT_MAX);
    INV(c->successful >= 0 && c->successful <= REPORTS_COUNT_MAX);
    INV(c->cost >= -1 && c->cost <= REPORTS_MONEY_MAX);
    INV(c->per_success >= -1 && c->per_success <= REPORTS_MONEY_MAX);
    return DT_OK;
}

static int check_rows(const struct reports_data *d, char *err, size_t errlen)
{
    for (size_t i = 0; i < d->n && d->kind != REPORTS_ANSWER_RATE; i++) {
        const struct reports_failure *f = &d->failures[i];
        const struct reports_agent *a = &d->agents[i];
        if (d->kind == REPORTS_FAILURES) {
            INV_STR(f->status);
            INV_STR(f->category);
            INV_STR(f->message);
            INV(f->count >= 0 && f->count <= REPORTS_COUNT_MAX);
        } else if (d->kind == REPORTS_AGENTS) {
            INV_STR(a->name);
            INV(a->calls >= 0 && a->handled >= 0 && a->missed >= 0 && a->declined >= 0);
            INV(a->aht_ms >= -1 && a->aht_ms <= REPORTS_MONEY_MAX);
        } else if (check_cost(&d->costs[i], err, errlen) != DT_OK) {
            return DT_EINVAL;
        }
    }
    return DT_OK;
}

int reports_check(const struct reports *r, char *err, size_t errlen)
{
    const struct reports_data *d = &r->data;
    INV((unsigned)r->kind < REPORTS_KINDS);
    INV((unsigned)r->range < REPORTS_RANGES);
    INV((unsigned)d->kind < REPORTS_KINDS);
    INV(d->n <= REPORTS_ROWS_MAX);
    INV(d->kind != REPORTS_ANSWER_RATE || d->n == 24 || d->n == 0);
    INV(r->scroll <= REPORTS_ROWS_MAX);
    INV_STR(r->from);
    INV_STR(r->to);
    INV_STR(r->message);
    INV_STR(d->first_day);
    INV_STR(d->last_day);
    INV(d->calls >= 0 && d->calls <= REPORTS_COUNT_MAX);
    INV(d->answered >= 0 && d->answered <= REPORTS_COUNT_MAX);
    for (int h = 0; h < 24; h++)
        INV(d->hours[h].answered >= 0 && d->hours[h].answered <= d->hours[h].calls);
    if (check_cost(&d->total, err, errlen) != DT_OK)
        return DT_EINVAL;
    return check_rows(d, err, errlen);
}
