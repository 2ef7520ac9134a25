/*
 * api_calls: GET /api/v1/calls (the history: filters status, outcome, direction, number,
 * agent, queue, from, to, text; limit; keyset paging with an opaque cursor) and
 * GET /api/v1/calls/{sid} (a call with its timeline and its error explained). History leaves
 * out legs (agents' and transfer parties' legs of a call, which have a parent) unless legs=1;
 * a call's detail lists its legs.
 *
 * Where a page is read: the pages one index seek reads (store_history_seeks: no text and at
 * most one of status, direction, number, agent and queue) are read on the loop, as they take
 * well under a millisecond however deep. The others may read most calls to fill a page of rare
 * matches (text=Rossi&status=failed reads them all: tens of milliseconds on a million calls),
 * so they run on the query worker (server/readq_int.h) with its read-only connection, and the
 * loop answers them when it is done: the same JSON, cursor and 400s (the filter is checked
 * before it is queued), plus the worker's 503 with Retry-After when 16 queries wait already.
 * A daemon on an in-memory database has no worker: it reads them all on the loop.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "dialtone/calljson.h"
#include "dialtone/callstate.h"
#include "dialtone/form.h"
#include "dialtone/httpd.h"
#include "dialtone/store.h"
#include "dialtone/store_history_ro.h"
#include "dialtone/store_legs.h"
#include "dialtone/util.h"
#include "server/api_int.h"
#include "server/readq_int.h"
#include "server/server_int.h"

#define LIMIT_DEFAULT 50
#define LIMIT_MAX     200
#define DAY_MS        86400000LL

static int sid_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > STORE_SID_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return 0;
    }
    return 1;
}

/* "YYYY-MM-DD" (with day 1 added when end is set), "YYYY-MM-DDTHH:MM:SSZ" or milliseconds. */
static int parse_time(const char *s, int end, int64_t *out)
{
    int y, mo, d, h = 0, mi = 0, se = 0, n = 0;
    size_t len = strlen(s);
    if (len > 0 && len <= 15 && strspn(s, "0123456789") == len) {
        *out = strtoll(s, NULL, 10);
        return 1;
    }
    if (len == 10 && sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 && n == 10) {
    } else if (len == 20 &&
               sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &mo, &d, &h, &mi, &se, &n) == 6 &&
               n == 20) {
        end = 0;
    } else {
        return 0;
    }
    if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
        se > 60)
        return 0;
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = se};
    *out = (int64_t)timegm(&tm) * 1000 + (end ? DAY_MS : 0);
    return 1;
}

static int parse_cursor(const char *s, struct store_cursor *c)
{
    const char *dot = strchr(s, '.');
    if (!dot || dot == s || dot - s > 15)
        return 0;
    for (const char *p = s; p < dot; p++)
        if (*p < '0' || *p > '9')
            return 0;
    if (!sid_ok(dot + 1))
        return 0;
    c->created_ms = strtoll(s, NULL, 10);
    dt_strlcpy(c->sid, dot + 1, sizeof c->sid);
    return 1;
}

static const char *nonempty(const struct form *f, const char *k)
{
    const char *v = form_get(f, k);
    return v && *v ? v : NULL;
}

/* Reads the filters; 0 when req was answered 400. */
static int read_filters(struct httpd_req *req, const struct form *q, struct store_history_filter *f,
                        struct store_cursor *cur, int *has_cur, int *limit)
{
    *f = (struct store_history_filter){
        .status = nonempty(q, "status"),
        .direction = nonempty(q, "direction"),
        .number = nonempty(q, "number"),
        .agent = nonempty(q, "agent"),
        .queue = nonempty(q, "queue"),
        .text = nonempty(q, "text"),
    };
    const char *from = nonempty(q, "from"), *to = nonempty(q, "to");
    const char *lim = nonempty(q, "limit"), *c = nonempty(q, "cursor");
    const char *legs = nonempty(q, "legs");
    if (legs && strcmp(legs, "0") != 0 && strcmp(legs, "1") != 0) {
        api_error(req, 400, "bad_legs", "legs must be 0 or 1");
        return 0;
    }
    f->no_legs = !legs || strcmp(legs, "1") != 0;
    if ((from && !parse_time(from, 0, &f->since_ms)) || (to && !parse_time(to, 1, &f->until_ms))) {
        api_error(req, 400, "bad_date", "from and to are YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or ms");
        return 0;
    }
    *limit = LIMIT_DEFAULT;
    if (lim) {
        char *end = NULL;
        long v = strtol(lim, &end, 10);
        if (*end || v < 1 || v > LIMIT_MAX) {
            api_error(req, 400, "bad_limit", "limit must be 1 to 200");
            return 0;
        }
        *limit = (int)v;
    }
    *has_cur = 0;
    if (c) {
        if (!parse_cursor(c, cur)) {
            api_error(req, 400, "bad_cursor", "the cursor is not one this API gave");
            return 0;
        }
        *has_cur = 1;
    }
    return 1;
}

/* Answers a page read with rc (err its reason) the same from the loop or the worker: the
 * calls whose outcome is outcome (NULL: all) and the cursor of the next page. */
static void answer_page(struct httpd_req *req, int rc, const char *err,
                        const struct store_call_list *l, int more, const struct store_cursor *next,
                        const char *outcome)
{
    if (rc == DT_EINVAL || rc == DT_ETOOBIG) {
        api_error(req, 400, "bad_filter", err);
        return;
    }
    if (rc != DT_OK) {
        api_error(req, 503, "unavailable", err);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(o, "calls");
    for (size_t i = 0; i < l->count; i++) {
        cJSON *c = calljson_new(&l->items[i]);
        const char *oc = cJSON_GetStringValue(cJSON_GetObjectItem(c, "outcome"));
        if (outcome && (!oc || strcmp(oc, outcome) != 0))
            cJSON_Delete(c);
        else
            cJSON_AddItemToArray(arr, c);
    }
    if (more) {
        char *cs = xasprintf("%lld.%s", (long long)next->created_ms, next->sid);
        cJSON_AddStringToObject(o, "next_cursor", cs);
        free(cs);
    } else {
        cJSON_AddNullToObject(o, "next_cursor");
    }
    api_json(req, 200, o);
    cJSON_Delete(o);
}

/* A page for the query worker (server/readq_int.h): what is asked, with its own copies of the
 * query's strings (the request's form is gone by then), then what was read. */
struct page_job {
    struct readq_job base;
    struct store_history_filter f; /* its strings are own's */
    char *own[6];
    char *outcome;
    struct store_cursor cur;
    int has_cur, limit;
    struct store_call_list l;
    int more;
    struct store_cursor next;
};

static void run_page(struct readq_job *j, struct store_report *db)
{
    struct page_job *p = (struct page_job *)j;
    (void)db; /* readq_history(j) holds db's statements */
    j->rc = store_history_ro_page(readq_history(j), &p->f, p->has_cur ? &p->cur : NULL, p->limit,
                                  &p->l, &p->more, &p->next, j->err, sizeof j->err);
}

static void answer_job_page(struct readq_job *j, struct httpd_req *req)
{
    struct page_job *p = (struct page_job *)j;
    answer_page(req, j->rc, j->err, &p->l, p->more, &p->next, p->outcome);
}

static char *dup_opt(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

/* Points p->f's strings at copies of f's, kept in p->own. */
static void copy_filter(struct page_job *p, const struct store_history_filter *f)
{
    p->f = *f;
    const char **fields[] = {&p->f.status, &p->f.direction, &p->f.number,
                             &p->f.agent,  &p->f.queue,     &p->f.text};
    _Static_assert(sizeof fields / sizeof fields[0] == sizeof p->own / sizeof p->own[0],
                   "a copy for each string of the filter");
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        p->own[i] = dup_opt(*fields[i]);
        *fields[i] = p->own[i];
    }
}

static void free_page(struct readq_job *j)
{
    struct page_job *p = (struct page_job *)j;
    for (size_t i = 0; i < sizeof p->own / sizeof p->own[0]; i++)
        free(p->own[i]);
    free(p->outcome);
    store_call_list_done(&p->l);
    free(p);
}

/* Hands the page to the query worker, which answers it (or readq_submit answers 503). */
static void submit_page(struct api *api, struct httpd_req *req,
                        const struct store_history_filter *f, const struct store_cursor *cur,
                        int limit, const char *outcome)
{
    struct page_job *p = xcalloc(1, sizeof *p);
    p->base.run = run_page;
    p->base.answer = answer_job_page;
    p->base.free = free_page;
    copy_filter(p, f);
    p->outcome = dup_opt(outcome);
    if (cur) {
        p->cur = *cur;
        p->has_cur = 1;
    }
    p->limit = limit;
    if (readq_submit(api->readq, req, &p->base) != DT_OK)
        free_page(&p->base);
}

static void history(struct api *api, struct httpd_req *req, const struct form *q)
{
    struct store_history_filter f;
    struct store_cursor cur, next;
    int has_cur, limit, more = 0;
    if (!read_filters(req, q, &f, &cur, &has_cur, &limit))
        return;
    const char *outcome = nonempty(q, "outcome");
    const struct store_cursor *after = has_cur ? &cur : NULL;
    struct store_call_list l;
    char err[256];
    int rc;
    if (api->readq && !store_history_seeks(&f)) {
        /* a scan: off the loop, once the worker could not refuse it for what it asks */
        rc = store_history_check(&f, after, limit, err, sizeof err);
        if (rc == DT_OK)
            submit_page(api, req, &f, after, limit, outcome);
        else
            answer_page(req, rc, err, NULL, 0, NULL, NULL);
        return;
    }
    rc = store_history(api->srv->store, &f, after, limit, &l, &more, &next, err, sizeof err);
    answer_page(req, rc, err, &l, more, &next, outcome);
    store_call_list_done(&l);
}

void api_on_calls(struct httpd_req *req, void *user)
{
    struct api *api = user;
    struct store_agent a;
    if (!api_begin(api, req, &a))
        return;
    store_agent_done(&a);
    struct form q;
    form_init(&q);
    const char *qs = httpd_req_query(req);
    char err[128];
    if (form_parse(&q, qs, strlen(qs), err, sizeof err) != DT_OK)
        api_error(req, 400, "bad_query", err);
    else
        history(api, req, &q);
    form_done(&q);
}

static void put_opt(cJSON *o, const char *k, const char *v)
{
    if (v)
        cJSON_AddStringToObject(o, k, v);
    else
        cJSON_AddNullToObject(o, k);
}

/* The daemon's own events about who has the call and its legs (dialtone/store_legs.h): their
 * sequence is only a time, so the timeline shows what they say instead. */
static int is_assignment(const char *type)
{
    return type &&
           (strcmp(type, "assign") == 0 || strcmp(type, "leg") == 0 || strcmp(type, "leg_of") == 0);
}

static void add_assignment(cJSON *o, const char *payload)
{
    static const char *const keys[] = {"agent", "leg", "parent_sid"};
    cJSON *p = cJSON_Parse(payload);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, keys[i]));
        if (v)
            cJSON_AddStringToObject(o, keys[i], v);
    }
    cJSON_Delete(p);
}

static int on_call_event(const struct store_call_event *ev, void *ctx)
{
    cJSON *o = cJSON_CreateObject();
    char ts[32];
    api_iso_time(ev->ts_ms, ts);
    cJSON_AddStringToObject(o, "ts", ts);
    cJSON_AddStringToObject(o, "type", ev->type ? ev->type : "");
    if (ev->status && *ev->status)
        cJSON_AddStringToObject(o, "status", ev->status);
    else
        cJSON_AddNullToObject(o, "status");
    if (is_assignment(ev->type))
        add_assignment(o, ev->payload);
    else if (ev->seq >= 0)
        cJSON_AddNumberToObject(o, "seq", (double)ev->seq);
    cJSON_AddItemToArray(ctx, o);
    return 0;
}

/* "legs": [{"sid", "to", "status", "duration_s", "agent"}] of call sid; nothing on error. */
static void add_legs(struct api *api, cJSON *o, const char *sid)
{
    struct store_call_list l;
    char err[256];
    cJSON *arr = cJSON_AddArrayToObject(o, "legs");
    if (store_call_legs(api->srv->store, sid, &l, err, sizeof err) != DT_OK)
        return;
    for (size_t i = 0; i < l.count; i++) {
        const struct store_call *c = &l.items[i];
        cJSON *leg = cJSON_CreateObject();
        cJSON_AddStringToObject(leg, "sid", c->sid);
        put_opt(leg, "to", c->to);
        put_opt(leg, "status", c->has_status ? callstate_name(c->status) : NULL);
        if (c->duration_s >= 0)
            cJSON_AddNumberToObject(leg, "duration_s", (double)c->duration_s);
        else
            cJSON_AddNullToObject(leg, "duration_s");
        put_opt(leg, "agent", c->agent);
        cJSON_AddItemToArray(arr, leg);
    }
    store_call_list_done(&l);
}

void api_on_call(struct httpd_req *req, void *user)
{
    struct api *api = user;
    struct store_agent a;
    if (!api_begin(api, req, &a))
        return;
    store_agent_done(&a);
    const char *sid = httpd_req_path(req) + strlen("/api/v1/calls/");
    if (!sid_ok(sid)) {
        api_error(req, 404, "not_found", "no such call");
        return;
    }
    struct store_call c;
    char err[256];
    int rc = store_call_get(api->srv->store, sid, &c, err, sizeof err);
    if (rc == DT_ENOTFOUND) {
        api_error(req, 404, "not_found", "no such call");
        return;
    }
    if (rc != DT_OK) {
        api_error(req, 503, "unavailable", err);
        return;
    }
    cJSON *o = calljson_new(&c);
    cJSON *tl = cJSON_AddArrayToObject(o, "timeline");
    store_call_events(api->srv->store, sid, on_call_event, tl, err, sizeof err);
    add_legs(api, o, sid);
    api_json(req, 200, o);
    cJSON_Delete(o);
    store_call_done(&c);
}
