/*
 * api_reports: GET /api/v1/reports/NAME for supervisors (see server/api_reports_int.h). The
 * dates are local days in the wallboard's zone ([wallboard] timezone, else [hours]'), as the
 * CLI reads them; to's day is included. Instead of from and to, range=today, yesterday, 7d (the
 * seven days ending today) or month (this month up to today) names the days as the console's
 * keys do. legs=1 asks the failures and errors of the legs alone. The report is a read-only query
 * run by the query worker (server/readq_int.h) on a connection of its own, off the loop thread; the
 * range is still capped, so that one report holds the queue behind it only so long (README,
 * "Reports and export", gives the times measured on 100,000 calls).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dialtone/config.h"
#include "dialtone/form.h"
#include "dialtone/httpd.h"
#include "dialtone/kpi.h"
#include "dialtone/report_json.h"
#include "dialtone/store.h"
#include "dialtone/store_report.h"
#include "dialtone/util.h"
#include "server/api_int.h"
#include "server/api_reports_int.h"
#include "server/readq_int.h"
#include "server/server_int.h"

#define PREFIX     "/api/v1/reports/"
#define DAY_MS     86400000LL
#define DATE_SHOWN 24 /* bytes of a bad date repeated in an error */

/* What the query asks, checked: 0, or 400 answered (then 1 is returned). */
struct ask {
    const char *name;
    struct report_json_range rg;
};

static int bad(struct httpd_req *req, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int bad(struct httpd_req *req, const char *code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    api_error(req, 400, code, msg);
    return 1;
}

/* The names of the reports, comma-separated, into buf. */
static const char *names(char *buf, size_t n)
{
    size_t k = 0;
    buf[0] = '\0';
    for (size_t i = 0; report_json_name(i) && k < n; i++)
        k += (size_t)snprintf(buf + k, n - k, "%s%s", i ? ", " : "", report_json_name(i));
    return buf;
}

/* A range named as the console's keys name them: today, yesterday, the 7 days ending today
 * (7d) or this month from its 1st to today (month), local days in zone at now. */
static int named_range(const struct config_zone *zone, const char *range, int64_t now,
                       int64_t *from, int64_t *to)
{
    int64_t e;
    if (strcmp(range, "today") == 0 || strcmp(range, "yesterday") == 0)
        return report_json_day(zone, range, now, from, to);
    if (report_json_day(zone, "today", now, from, to) != DT_OK)
        return DT_EINVAL;
    if (strcmp(range, "7d") == 0) /* half a day into the first day: a change of the clocks */
        return kpi_day_bounds(zone, 0, *from - 6 * DAY_MS + DAY_MS / 2, from, &e);
    if (strcmp(range, "month") != 0)
        return DT_EINVAL;
    struct config_local lt;
    char first[16];
    config_zone_local(zone, now / 1000, &lt);
    snprintf(first, sizeof first, "%04d-%02d-01", lt.year % 10000, lt.month % 100);
    return store_report_day_start(zone, first, from);
}

static int read_ask(struct api *api, struct httpd_req *req, const struct form *q, struct ask *a)
{
    char list[160];
    a->name = httpd_req_path(req) + strlen(PREFIX);
    if (!report_json_known(a->name))
        return bad(req, "bad_report", "no report is called '%.40s'; the reports are %s", a->name,
                   names(list, sizeof list));
    const char *from = form_get(q, "from"), *to = form_get(q, "to"), *top = form_get(q, "top");
    const char *range = form_get(q, "range"), *legs = form_get(q, "legs");
    a->rg.zone = config_wallboard_zone(api->srv->cfg);
    int64_t now = server_now_ms(), s, e;
    if (range && (from || to))
        return bad(req, "bad_range", "give a range or from and to, not both");
    if (range && named_range(a->rg.zone, range, now, &a->rg.from_ms, &a->rg.to_ms) != DT_OK)
        return bad(req, "bad_range", "range is today, yesterday, 7d or month");
    if (!range && (!from || !to))
        return bad(req, "bad_range", "from and to are needed (YYYY-MM-DD, today or yesterday)");
    if (!range && report_json_day(a->rg.zone, from, now, &a->rg.from_ms, &e) != DT_OK)
        return bad(req, "bad_date",
                   "from '%.*s' is not a date from 1970-01-02 to "
                   "9999-12-30 (YYYY-MM-DD, today or yesterday)",
                   DATE_SHOWN, from);
    if (!range && report_json_day(a->rg.zone, to, now, &s, &a->rg.to_ms) != DT_OK)
        return bad(req, "bad_date",
                   "to '%.*s' is not a date from 1970-01-02 to "
                   "9999-12-30 (YYYY-MM-DD, today or yesterday)",
                   DATE_SHOWN, to);
    if (!range && a->rg.to_ms <= a->rg.from_ms)
        return bad(req, "bad_range", "to %.*s is before from %.*s", DATE_SHOWN, to, DATE_SHOWN,
                   from);
    int64_t days = (a->rg.to_ms - a->rg.from_ms + DAY_MS / 2) / DAY_MS;
    if (days > API_REPORTS_DAYS_MAX)
        return bad(req, "bad_range", "the range is %lld days; a report covers %d days at most",
                   (long long)days, API_REPORTS_DAYS_MAX);
    if (legs && strcmp(legs, "0") != 0 && strcmp(legs, "1") != 0)
        return bad(req, "bad_request", "legs must be 0 or 1");
    a->rg.legs = legs && strcmp(legs, "1") == 0;
    if (a->rg.legs && !report_json_has_legs(a->name))
        return bad(req, "bad_request", "legs=1 goes with the failures and errors reports only");
    a->rg.top = REPORT_JSON_TOP_DEFAULT;
    if (top) {
        char *end;
        long v = strtol(top, &end, 10);
        if (end == top || *end || v < 1 || v > STORE_REPORT_TOP_MAX)
            return bad(req, "bad_top", "top is a number from 1 to %d", STORE_REPORT_TOP_MAX);
        a->rg.top = (size_t)v;
    }
    return 0;
}

/* A report for the query worker: what is asked, then the document or the reason. */
struct report_job {
    struct readq_job base;
    char name[32];
    struct report_json_range rg;
    cJSON *doc;
};

/* On the worker: builds the report. */
static void run_report(struct readq_job *j, struct store_report *db)
{
    struct report_job *r = (struct report_job *)j;
    j->rc = report_json_build(db, r->name, &r->rg, &r->doc, j->err, sizeof j->err);
}

/* On the loop: answers it. */
static void answer_report(struct readq_job *j, struct httpd_req *req)
{
    struct report_job *r = (struct report_job *)j;
    if (j->rc == DT_EINVAL || j->rc == DT_ETOOBIG)
        api_error(req, 400, "bad_range", j->err);
    else if (j->rc != DT_OK)
        api_error(req, 503, "unavailable", j->err[0] ? j->err : "the database cannot be read");
    else
        api_json(req, 200, r->doc);
}

static void free_report(struct readq_job *j)
{
    struct report_job *r = (struct report_job *)j;
    cJSON_Delete(r->doc);
    free(r);
}

/* Hands the report to the query worker, which answers it; or answers 503 now. */
static void answer(struct api *api, struct httpd_req *req, const struct ask *a)
{
    if (!api->readq) {
        api_error(req, 503, "unavailable", api->readq_err);
        return;
    }
    struct report_job *r = xcalloc(1, sizeof *r);
    r->base.run = run_report;
    r->base.answer = answer_report;
    r->base.free = free_report;
    dt_strlcpy(r->name, a->name, sizeof r->name);
    r->rg = a->rg;
    if (readq_submit(api->readq, req, &r->base) != DT_OK)
        free_report(&r->base);
}

void api_on_reports(struct httpd_req *req, void *user)
{
    struct api *api = user;
    struct store_agent who;
    if (!api_begin(api, req, &who))
        return;
    if (who.role != DT_ROLE_SUPERVISOR) {
        api_error(req, 403, "forbidden", "the reports are for supervisors");
        store_agent_done(&who);
        return;
    }
    struct form q;
    form_init(&q);
    const char *qs = httpd_req_query(req);
    char err[256];
    struct ask a = {0};
    if (form_parse(&q, qs, strlen(qs), err, sizeof err) != DT_OK)
        bad(req, "bad_query", "the query cannot be read: %s", err);
    else if (read_ask(api, req, &q, &a) == 0)
        answer(api, req, &a);
    form_done(&q);
    store_agent_done(&who);
}
