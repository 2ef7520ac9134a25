/*
 * api_errors: GET /api/v1/errors?range=today|7d, why calls fail (README, "Errors"). Any agent
 * may read it: the figures name no caller. The top error codes of the calls created in the
 * range (dialtone/store_report.h, read on a read-only connection of its own) with the
 * dictionary's category, message, action and flags, each with its hourly trend; and the
 * failures by outcome (busy, no-answer, failed, canceled). "today" is the wallboard's day
 * ([wallboard] day_reset in its zone) in hourly buckets (23 to 25 when the clocks change);
 * "7d" is that day and the six before it, hourly (7 x 24 buckets, give or take an hour).
 * Customers' calls only: the legs the daemon adds to a call (an agent's, a supervisor's, a
 * transfer party's) would count its failure twice. With legs=1 the answer also carries a
 * "legs" section, the same figures for the legs alone (an agent's softphone failing). The
 * route's queries run on the query worker (server/readq_int.h), off the loop: seven days of a
 * busy center's calls take tens of milliseconds.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dialtone/config.h"
#include "dialtone/errors.h"
#include "dialtone/form.h"
#include "dialtone/httpd.h"
#include "dialtone/kpi.h"
#include "dialtone/store.h"
#include "dialtone/store_report.h"
#include "dialtone/store_report_live.h"
#include "dialtone/util.h"
#include "server/api_int.h"
#include "server/readq_int.h"
#include "server/server_int.h"

#define ERRORS_TOP   20
#define DAY_MS       86400000LL
#define ERRORS_DAYS7 7

static const char *const outcomes[] = {"busy", "no-answer", "failed", "canceled"};

/* The range's bounds at now: the wallboard's day, or the seven days that end with it. */
static int range_bounds(const struct config *cfg, int days, int64_t now, int64_t *from, int64_t *to)
{
    const struct config_zone *z = config_wallboard_zone(cfg);
    int64_t start, end;
    int rc = kpi_day_bounds(z, cfg->wallboard.day_reset, now, &start, &end);
    if (rc != DT_OK)
        return rc;
    *to = end;
    *from = start;
    if (days > 1) {
        /* half a day into the first day, so that a change of the clocks cannot miss it */
        int64_t mid = start - (int64_t)(days - 1) * DAY_MS + DAY_MS / 2, e;
        rc = kpi_day_bounds(z, cfg->wallboard.day_reset, mid, from, &e);
    }
    return rc;
}

static cJSON *code_json(const struct store_report_error *e, size_t n_buckets)
{
    const struct errors_entry *ent = errors_explain(e->code);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "code", e->code);
    cJSON_AddNumberToObject(o, "count", (double)e->count);
    cJSON_AddStringToObject(o, "category", errors_category_name(e->category));
    cJSON_AddStringToObject(o, "category_label", errors_category_label(e->category));
    cJSON_AddStringToObject(o, "message", ent->message);
    cJSON_AddStringToObject(o, "action", ent->action);
    cJSON_AddBoolToObject(o, "retryable", ent->retryable);
    cJSON_AddBoolToObject(o, "bad_number", ent->bad_number);
    cJSON *t = cJSON_AddArrayToObject(o, "trend");
    for (size_t i = 0; i < n_buckets; i++)
        cJSON_AddItemToArray(t, cJSON_CreateNumber((double)e->trend[i]));
    return o;
}

static cJSON *outcomes_json(const struct store_report_failure *f, size_t n)
{
    cJSON *o = cJSON_CreateObject();
    for (size_t k = 0; k < sizeof outcomes / sizeof outcomes[0]; k++) {
        int64_t c = 0;
        for (size_t i = 0; i < n; i++)
            if (strcmp(f[i].status, outcomes[k]) == 0)
                c += f[i].count;
        cJSON_AddNumberToObject(o, outcomes[k], (double)c);
    }
    return o;
}

/* The codes and outcomes of scope over [from, to) into o; DT_OK or an error with err. */
static int add_figures(struct store_report *r, enum store_report_scope scope, int64_t from,
                       int64_t to, cJSON *o, size_t *buckets, char *err, size_t errlen)
{
    struct store_report_errors top = {0};
    struct store_report_failure *f = NULL;
    size_t nf = 0;
    int rc;
    if ((rc = store_report_errors_of(r, scope, from, to, ERRORS_TOP, &top, err, errlen)) == DT_OK &&
        (rc = store_report_failures_of(r, scope, from, to, &f, &nf, err, errlen)) == DT_OK) {
        cJSON *codes = cJSON_AddArrayToObject(o, "codes");
        for (size_t i = 0; i < top.n; i++)
            cJSON_AddItemToArray(codes, code_json(&top.rows[i], top.n_buckets));
        cJSON_AddItemToObject(o, "outcomes", outcomes_json(f, nf));
        *buckets = top.n_buckets;
    }
    free(f);
    store_report_errors_done(&top);
    return rc;
}

/* The answer over r, with the legs' section when legs is set; NULL with err. */
static cJSON *errors_doc(struct store_report *r, const struct config *cfg, int days, int legs,
                         int64_t now, char *err, size_t errlen)
{
    int64_t from, to;
    if (range_bounds(cfg, days, now, &from, &to) != DT_OK) {
        dt_seterr(err, errlen, DT_EINVAL, "bad day_reset");
        return NULL;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "range", days > 1 ? "7d" : "today");
    char ts[32];
    api_iso_time(from, ts);
    cJSON_AddStringToObject(o, "from", ts);
    cJSON_AddNumberToObject(o, "from_ms", (double)from);
    cJSON_AddNumberToObject(o, "to_ms", (double)to);
    cJSON_AddStringToObject(
        o, "timezone", cfg->wallboard.timezone[0] ? cfg->wallboard.timezone : cfg->hours.timezone);
    cJSON_AddNumberToObject(o, "now_ms", (double)now);
    cJSON_AddNumberToObject(o, "bucket_s", 3600);
    cJSON *buckets = cJSON_AddNumberToObject(o, "buckets", 0);
    size_t n = 0, nl = 0;
    int rc = add_figures(r, STORE_REPORT_CALLS, from, to, o, &n, err, errlen);
    cJSON_SetNumberValue(buckets, (double)n);
    if (rc == DT_OK && legs)
        rc = add_figures(r, STORE_REPORT_LEGS, from, to, cJSON_AddObjectToObject(o, "legs"), &nl,
                         err, errlen);
    if (rc != DT_OK) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* The same on a connection of its own. */
static cJSON *errors_json(struct api *api, int days, int legs, int64_t now, char *err,
                          size_t errlen)
{
    struct store_report *r = NULL;
    if (store_report_open_store(api->srv->store, &r, err, errlen) != DT_OK)
        return NULL;
    cJSON *o = errors_doc(r, api->srv->cfg, days, legs, now, err, errlen);
    store_report_close(r);
    return o;
}

/* The page for the query worker (server/readq_int.h): what is asked, then the answer. */
struct errors_job {
    struct readq_job base;
    const struct config *cfg;
    int days, legs;
    int64_t now;
    cJSON *doc;
};

static void run_errors(struct readq_job *j, struct store_report *db)
{
    struct errors_job *e = (struct errors_job *)j;
    e->doc = errors_doc(db, e->cfg, e->days, e->legs, e->now, j->err, sizeof j->err);
    j->rc = e->doc ? DT_OK : DT_EDB;
}

static void answer_errors(struct readq_job *j, struct httpd_req *req)
{
    struct errors_job *e = (struct errors_job *)j;
    if (e->doc)
        api_json(req, 200, e->doc);
    else
        api_error(req, 503, "unavailable", j->err);
}

static void free_errors(struct readq_job *j)
{
    struct errors_job *e = (struct errors_job *)j;
    cJSON_Delete(e->doc);
    free(e);
}

/* Hands the page to the query worker, which answers it; or answers 503 now. */
static void submit(struct api *api, struct httpd_req *req, int days, int legs)
{
    if (!api->readq) {
        api_error(req, 503, "unavailable", api->readq_err);
        return;
    }
    struct errors_job *e = xcalloc(1, sizeof *e);
    e->base.run = run_errors;
    e->base.answer = answer_errors;
    e->base.free = free_errors;
    e->cfg = api->srv->cfg;
    e->days = days;
    e->legs = legs;
    e->now = server_now_ms();
    if (readq_submit(api->readq, req, &e->base) != DT_OK)
        free_errors(&e->base);
}

cJSON *api_errors_json(struct api *api, int days, int64_t now, char *err, size_t errlen)
{
    return errors_json(api, days, 0, now, err, errlen);
}

void api_on_errors(struct httpd_req *req, void *user)
{
    struct api *api = user;
    struct store_agent a;
    if (!api_begin(api, req, &a))
        return;
    struct form q;
    form_init(&q);
    const char *qs = httpd_req_query(req);
    char err[256];
    int ok = form_parse(&q, qs, strlen(qs), err, sizeof err) == DT_OK;
    const char *range = ok ? form_get(&q, "range") : NULL;
    const char *legs = ok ? form_get(&q, "legs") : NULL;
    int days = !range || strcmp(range, "today") == 0 ? 1 : strcmp(range, "7d") == 0 ? 7 : 0;
    int with_legs = legs && strcmp(legs, "1") == 0;
    if (!ok || !days)
        api_error(req, 400, "bad_range", "range must be today or 7d");
    else if (legs && !with_legs && strcmp(legs, "0") != 0)
        api_error(req, 400, "bad_request", "legs must be 0 or 1");
    else
        submit(api, req, days, with_legs);
    form_done(&q);
    store_agent_done(&a);
}
