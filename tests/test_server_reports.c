/*
 * Tests for GET /api/v1/reports/NAME against an in-process server on a database file: a fixture
 * of calls on 2026-03-10 and 2026-03-11 in Asia/Kolkata (the wallboard's zone) and the day
 * before, and the figures computed by hand: the answer rate by local hour, the failure reasons,
 * the cost by queue and by day with the cost per successful call; every report equal to what
 * `dialtone report NAME --format json` builds over the same range; 401, 403 for agents, and 400
 * with words for an unknown report, bad dates, a range backwards or over 366 days, a bad top;
 * legs=1: the failures and errors of the legs alone, as the CLI's --legs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "check.h"
#include "dialtone/agents.h"
#include "dialtone/api.h"
#include "dialtone/config.h"
#include "dialtone/netloop.h"
#include "dialtone/report_json.h"
#include "dialtone/server.h"
#include "dialtone/store.h"
#include "dialtone/store_kpi.h"
#include "dialtone/store_report.h"
#include "api_http.h"
#include "net_helper.h"
#include "readq_fixture.h"
#include "reports_fixture.h"

#define MIN  60000LL
#define HOUR (60 * MIN)
#define DAY  (24 * HOUR)
/* 2026-03-10T00:00:00+05:30, the first instant of 2026-03-10 in Kolkata */
#define D0 1773081000000LL

static struct rqf rx;
static char alice[AGENTS_TOKEN_SIZE];

static char err[256];

static void call(const char *sid, int64_t t, const char *queue, const char *qresult,
                 const char *status, const char *price)
{
    const char *agent = qresult && strcmp(qresult, "bridged") == 0 ? "alice" : NULL;
    rf_call(rx.s.st, sid, t, queue, qresult, status, agent, price, "USD");
}

static int setup(void)
{
    memset(&rx, 0, sizeof rx);
    static const char conf[] =
        "[twilio]\naccount_sid = AC0123456789abcdef0123456789abcdef\nauth_token = t0k\n"
        "public_base_url = https://dialtone.example.com\n[server]\nport = 0\n"
        "[queue \"support\"]\n[hours]\ntimezone = America/New_York\n"
        "[wallboard]\ntimezone = Asia/Kolkata\n";
    if (rqf_start(&rx, conf) != 0)
        return -1;
    api_server_agent(&rx.s, "alice", DT_ROLE_AGENT, "client:x", NULL, alice);
    /* 2026-03-10, local 09:10 and 09:40: one answered from the queue, one abandoned */
    call("CQ1", D0 + 9 * HOUR + 10 * MIN, "support", "bridged", "completed", "-0.01300");
    call("CQ2", D0 + 9 * HOUR + 40 * MIN, "support", "hangup", "completed", "-0.00500");
    /* alice took CQ1 two minutes before it ended and wrapped up in 30 s; she let CQ2 ring out */
    int64_t t1 = D0 + 9 * HOUR + 10 * MIN;
    CHECK_INT(store_kpi_enqueued(rx.s.st, "CQ1", t1 - 3 * MIN, err, sizeof err), DT_OK);
    CHECK_INT(store_kpi_connected(rx.s.st, "CQ1", "alice", t1 - 2 * MIN, err, sizeof err), DT_OK);
    CHECK_INT(store_kpi_wrapup(rx.s.st, "CQ1", 30, err, sizeof err), DT_OK);
    struct store_offer of = {.call_sid = "CQ2",
                             .agent = "alice",
                             .queue = "support",
                             .offered_ms = t1 + 30 * MIN,
                             .ended_ms = t1 + 30 * MIN + 20000,
                             .end = KPI_OFFER_TIMEOUT};
    CHECK_INT(store_kpi_offer(rx.s.st, &of, err, sizeof err), DT_OK);
    /* local 14:05 busy (SIP 486, so 31486), 14:20 answered */
    call("CO1", D0 + 14 * HOUR + 5 * MIN, NULL, NULL, "busy", NULL);
    call("CO2", D0 + 14 * HOUR + 20 * MIN, NULL, NULL, "completed", "-0.02000");
    /* 2026-03-11, local 10:00: a bad number */
    call("CO3", D0 + DAY + 10 * HOUR, NULL, NULL, "failed", NULL);
    /* 2026-03-09, local 23:50: before every range asked */
    call("CX1", D0 - 10 * MIN, NULL, NULL, "completed", "-1.00000");
    return 0;
}

static long get(const char *path, const char *token, cJSON **out)
{
    return api_http(rx.s.loop, rx.port, "GET", path, token, NULL, out);
}

static double num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : -12345;
}

static const char *str(const cJSON *o, const char *key)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
    return s ? s : "(none)";
}

static const cJSON *rows(const cJSON *o, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(o, key);
}

/* The error's code and message of a 4xx answer. */
static void check_error(const cJSON *o, const char *code, const char *words)
{
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(o, "error");
    CHECK_STR(str(e, "code"), code);
    const char *m = str(e, "message");
    if (!strstr(m, words))
        printf("  message: %s\n", m);
    CHECK(strstr(m, words) != NULL);
}

/* Checks that o is the report as `dialtone report NAME --format json` builds it from the same
 * file over [from, to). */
static void same_as_cli(const cJSON *o, const char *name, int64_t from, int64_t to)
{
    struct store_report *r;
    CHECK_INT(store_report_open(rx.db.path, &r, err, sizeof err), DT_OK);
    struct report_json_range rg = {.zone = config_wallboard_zone(&rx.s.cfg),
                                   .from_ms = from,
                                   .to_ms = to,
                                   .top = REPORT_JSON_TOP_DEFAULT};
    cJSON *doc = NULL;
    CHECK_INT(report_json_build(r, name, &rg, &doc, err, sizeof err), DT_OK);
    store_report_close(r);
    CHECK(cJSON_Compare(o, doc, 1));
    cJSON_Delete(doc);
}

TEST(who_may_read)
{
    cJSON *o;
    CHECK_INT(get("/api/v1/reports/failures?from=2026-03-10&to=2026-03-10", NULL, &o), 401);
    cJSON_Delete(o);
    CHECK_INT(get("/api/v1/reports/failures?from=2026-03-10&to=2026-03-10", alice, &o), 403);
    check_error(o, "forbidden", "supervisors");
    cJSON_Delete(o);
}

TEST(answer_rate_by_local_hour)
{
    cJSON *o;
    CHECK_INT(get("/api/v1/reports/answer-rate?from=2026-03-10&to=2026-03-10", rx.boss, &o), 200);
    CHECK_STR(str(o, "report"), "answer-rate");
    CHECK_STR(str(o, "from"), "2026-03-09T18:30:00Z");
    CHECK_STR(str(o, "to"), "2026-03-10T18:30:00Z");
    CHECK_INT((int)num(o, "calls"), 4);
    CHECK_INT((int)num(o, "answered"), 2);
    const cJSON *h = rows(o, "hours");
    CHECK_INT(cJSON_GetArraySize(h), 24);
    CHECK_INT((int)num(cJSON_GetArrayItem(h, 9), "calls"), 2);
    CHECK_INT((int)num(cJSON_GetArrayItem(h, 9), "answered"), 1);
    CHECK_INT((int)num(cJSON_GetArrayItem(h, 14), "calls"), 2);
    CHECK_INT((int)num(cJSON_GetArrayItem(h, 14), "answered"), 1);
    CHECK_INT((int)num(cJSON_GetArrayItem(h, 23), "calls"), 0); /* the day before's 23:50 */
    same_as_cli(o, "answer-rate", D0, D0 + DAY);
    cJSON_Delete(o);
}

TEST(failures_over_two_days)
{
    cJSON *o;
    CHECK_INT(get("/api/v1/reports/failures?from=2026-03-10&to=2026-03-11", rx.boss, &o), 200);
    CHECK_INT((int)num(o, "total"), 2);
    const cJSON *r = rows(o, "rows");
    CHECK_INT(cJSON_GetArraySize(r), 2);
    /* equal counts: by status, so busy first */
    CHECK_STR(str(cJSON_GetArrayItem(r, 0), "status"), "busy");
    CHECK_INT((int)num(cJSON_GetArrayItem(r, 0), "code"), 31486);
    CHECK_STR(str(cJSON_GetArrayItem(r, 0), "category"), "busy");
    CHECK_STR(str(cJSON_GetArrayItem(r, 1), "status"), "failed");
    CHECK_INT((int)num(cJSON_GetArrayItem(r, 1), "code"), 21217);
    same_as_cli(o, "failures", D0, D0 + 2 * DAY);
    cJSON_Delete(o);
}

TEST(cost_by_queue_and_day)
{
    cJSON *o;
    CHECK_INT(get("/api/v1/reports/cost-by-queue?from=2026-03-10&to=2026-03-10", rx.boss, &o), 200);
    const cJSON *r = rows(o, "rows");
    CHECK_INT(cJSON_GetArraySize(r), 2);
    /* costliest first: the outbound calls (no queue) 0.02, then support 0.013 + 0.005 */
    const cJSON *none = cJSON_GetArrayItem(r, 0), *sup = cJSON_GetArrayItem(r, 1);
    CHECK_STR(str(none, "queue"), "");
    CHECK_INT((int)(num(none, "cost") * 1e6 + 0.5), 20000);
    CHECK_INT((int)num(none, "calls"), 2);
    CHECK_INT((int)num(none, "successful"), 1);
    CHECK_STR(str(sup, "queue"), "support");
    CHECK_INT((int)(num(sup, "cost") * 1e6 + 0.5), 18000);
    CHECK_INT((int)(num(sup, "cost_per_success") * 1e6 + 0.5), 18000);
    CHECK_STR(str(sup, "unit"), "USD");
    /* the totals: 0.038 over 2 successful calls */
    CHECK_INT((int)(num(o, "cost") * 1e6 + 0.5), 38000);
    CHECK_INT((int)num(o, "successful"), 2);
    CHECK_INT((int)(num(o, "cost_per_success") * 1e6 + 0.5), 19000);
    same_as_cli(o, "cost-by-queue", D0, D0 + DAY);
    cJSON_Delete(o);

    CHECK_INT(get("/api/v1/reports/cost-by-day?from=2026-03-10&to=2026-03-11", rx.boss, &o), 200);
    r = rows(o, "rows");
    CHECK_INT(cJSON_GetArraySize(r), 2);
    CHECK_STR(str(cJSON_GetArrayItem(r, 0), "day"), "2026-03-10");
    CHECK_INT((int)(num(cJSON_GetArrayItem(r, 0), "cost") * 1e6 + 0.5), 38000);
    CHECK_STR(str(cJSON_GetArrayItem(r, 1), "day"), "2026-03-11");
    CHECK(cJSON_IsNull(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(r, 1), "cost_per_success")));
    same_as_cli(o, "cost-by-day", D0, D0 + 2 * DAY);
    cJSON_Delete(o);
}

TEST(agents_and_errors_as_the_cli)
{
    cJSON *o;
    CHECK_INT(get("/api/v1/reports/agents?from=2026-03-10&to=2026-03-11", rx.boss, &o), 200);
    const cJSON *al = cJSON_GetArrayItem(rows(o, "rows"), 0);
    CHECK_STR(str(al, "agent"), "alice");
    CHECK_INT((int)num(al, "calls"), 1);
    CHECK_INT((int)num(al, "handled"), 1);
    CHECK_INT((int)num(al, "aht_s"), 150); /* 120 s to the end, 30 s of wrap-up */
    CHECK_INT((int)num(al, "missed_offers"), 1);
    same_as_cli(o, "agents", D0, D0 + 2 * DAY);
    cJSON_Delete(o);
    CHECK_INT(get("/api/v1/reports/errors?from=2026-03-10&to=2026-03-11&top=1", rx.boss, &o), 200);
    CHECK_INT(cJSON_GetArraySize(rows(o, "rows")), 1);
    CHECK_INT(cJSON_GetArraySize(rows(cJSON_GetArrayItem(rows(o, "rows"), 0), "hourly")), 48);
    cJSON_Delete(o);
}

TEST(bad_asks_in_words)
{
    static const struct {
        const char *path, *code, *words;
    } cases[] = {
        {"/api/v1/reports/nope?from=2026-03-10&to=2026-03-10", "bad_report",
         "no report is called 'nope'; the reports are failures, answer-rate"},
        {"/api/v1/reports/?from=2026-03-10&to=2026-03-10", "bad_report", "no report is called ''"},
        {"/api/v1/reports/failures?from=2026-03-10", "bad_range", "from and to are needed"},
        {"/api/v1/reports/failures?from=2026-02-30&to=2026-03-10", "bad_date",
         "from '2026-02-30' is not a date"},
        {"/api/v1/reports/failures?from=2026-03-10&to=tomorrow", "bad_date",
         "to 'tomorrow' is not a date"},
        /* in Asia/Kolkata, 1970-01-01 starts before 1970 in UTC */
        {"/api/v1/reports/failures?from=1970-01-01&to=1970-01-02", "bad_date",
         "from '1970-01-01' is not a date from 1970-01-02 to 9999-12-30"},
        {"/api/v1/reports/failures?from=2026-03-10&to=2026-03-09", "bad_range",
         "to 2026-03-09 is before from 2026-03-10"},
        {"/api/v1/reports/failures?from=2025-01-01&to=2026-03-10", "bad_range",
         "the range is 434 days"},
        {"/api/v1/reports/errors?from=2026-01-01&to=2026-03-10", "bad_range", "hour"},
        {"/api/v1/reports/errors?from=2026-03-10&to=2026-03-10&top=0", "bad_top",
         "top is a number from 1 to 100"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *o;
        long st = get(cases[i].path, rx.boss, &o);
        if (st != 400)
            printf("  %s: %ld\n", cases[i].path, st);
        CHECK_INT(st, 400);
        check_error(o, cases[i].code, cases[i].words);
        cJSON_Delete(o);
    }
}

TEST(range_limits)
{
    cJSON *o;
    /* 2024 is a leap year: 366 days is the most a report covers */
    CHECK_INT(get("/api/v1/reports/failures?from=2024-01-01&to=2024-12-31", rx.boss, &o), 200);
    cJSON_Delete(o);
    CHECK_INT(get("/api/v1/reports/failures?from=2024-01-01&to=2025-01-01", rx.boss, &o), 400);
    check_error(o, "bad_range", "the range is 367 days; a report covers 366 days at most");
    cJSON_Delete(o);
    /* words for days, as the CLI takes them */
    CHECK_INT(get("/api/v1/reports/answer-rate?from=yesterday&to=today", rx.boss, &o), 200);
    CHECK_INT((int)num(o, "calls"), 0);
    cJSON_Delete(o);
}

/* An ISO time of the answer ("2026-03-09T18:30:00Z") as ms. */
static int64_t iso_ms(const char *s)
{
    struct tm tm = {0};
    if (sscanf(s, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec) != 6)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (int64_t)timegm(&tm) * 1000;
}

TEST(named_ranges)
{
    cJSON *o;
    CHECK_INT(get("/api/v1/reports/failures?from=2026-03-10&to=2026-03-11", rx.boss, &o), 200);
    CHECK_STR(str(o, "first_day"), "2026-03-10");
    CHECK_STR(str(o, "last_day"), "2026-03-11");
    cJSON_Delete(o);
    cJSON *today;
    CHECK_INT(get("/api/v1/reports/failures?range=today", rx.boss, &today), 200);
    CHECK_STR(str(today, "first_day"), str(today, "last_day"));
    CHECK_INT(iso_ms(str(today, "to")) - iso_ms(str(today, "from")), DAY); /* Kolkata: no DST */
    /* the seven days ending today */
    CHECK_INT(get("/api/v1/reports/failures?range=7d", rx.boss, &o), 200);
    CHECK_STR(str(o, "last_day"), str(today, "last_day"));
    CHECK_INT(iso_ms(str(o, "to")) - iso_ms(str(o, "from")), 7 * DAY);
    cJSON_Delete(o);
    /* yesterday: the day before today */
    CHECK_INT(get("/api/v1/reports/failures?range=yesterday", rx.boss, &o), 200);
    CHECK_INT(iso_ms(str(today, "from")) - iso_ms(str(o, "from")), DAY);
    cJSON_Delete(o);
    /* this month: from its 1st to today */
    CHECK_INT(get("/api/v1/reports/failures?range=month", rx.boss, &o), 200);
    CHECK(strncmp(str(o, "first_day"), str(today, "first_day"), 8) == 0);
    CHECK(strcmp(str(o, "first_day") + 8, "01") == 0);
    CHECK_STR(str(o, "to"), str(today, "to"));
    cJSON_Delete(o);
    cJSON_Delete(today);
    CHECK_INT(get("/api/v1/reports/failures?range=week", rx.boss, &o), 400);
    check_error(o, "bad_range", "range is today, yesterday, 7d or month");
    cJSON_Delete(o);
    CHECK_INT(get("/api/v1/reports/failures?range=today&from=2026-03-10", rx.boss, &o), 400);
    check_error(o, "bad_range", "not both");
    cJSON_Delete(o);
}

/* A leg of parent created at t, ended with status (busy: SIP 486; failed: 21217). */
static void leg(const char *sid, const char *parent, int64_t t, const char *status)
{
    struct store_call_update u;
    store_call_update_init(&u);
    u.sid = sid;
    u.parent_sid = parent;
    u.type = "status";
    u.ts_ms = t;
    u.payload = "x";
    u.payload_len = 1;
    u.direction = "outbound-api";
    u.to = "client:alice";
    u.status = status;
    u.sip_code = strcmp(status, "busy") == 0 ? 486 : STORE_ABSENT;
    u.error_code = strcmp(status, "failed") == 0 ? 21217 : STORE_ABSENT;
    CHECK_INT(store_call_apply(rx.s.st, &u, NULL, err, sizeof err), DT_OK);
}

TEST(legs_apart)
{
    /* 2026-03-12: a completed call whose agent's legs failed twice, then was answered */
    call("CP1", D0 + 2 * DAY + 10 * HOUR, "support", "bridged", "completed", NULL);
    leg("CL1", "CP1", D0 + 2 * DAY + 10 * HOUR + MIN, "busy");
    leg("CL2", "CP1", D0 + 2 * DAY + 10 * HOUR + 2 * MIN, "failed");
    leg("CL3", "CP1", D0 + 2 * DAY + 10 * HOUR + 3 * MIN, "completed");
    cJSON *o;
    CHECK_INT(get("/api/v1/reports/failures?from=2026-03-12&to=2026-03-12", rx.boss, &o), 200);
    CHECK_INT((int)num(o, "total"), 0);
    CHECK(!cJSON_GetObjectItemCaseSensitive(o, "legs"));
    cJSON_Delete(o);
    CHECK_INT(get("/api/v1/reports/failures?from=2026-03-12&to=2026-03-12&legs=1", rx.boss, &o),
              200);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "legs")));
    CHECK_INT((int)num(o, "total"), 2);
    const cJSON *r = rows(o, "rows");
    CHECK_INT(cJSON_GetArraySize(r), 2);
    CHECK_STR(str(cJSON_GetArrayItem(r, 0), "status"), "busy");
    CHECK_INT((int)num(cJSON_GetArrayItem(r, 0), "code"), 31486);
    CHECK_STR(str(cJSON_GetArrayItem(r, 1), "status"), "failed");
    /* as the CLI's --legs builds it */
    struct store_report *db;
    CHECK_INT(store_report_open(rx.db.path, &db, err, sizeof err), DT_OK);
    struct report_json_range rg = {.zone = config_wallboard_zone(&rx.s.cfg),
                                   .from_ms = D0 + 2 * DAY,
                                   .to_ms = D0 + 3 * DAY,
                                   .top = REPORT_JSON_TOP_DEFAULT,
                                   .legs = 1};
    cJSON *doc = NULL;
    CHECK_INT(report_json_build(db, "failures", &rg, &doc, err, sizeof err), DT_OK);
    CHECK(cJSON_Compare(o, doc, 1));
    cJSON_Delete(doc);
    store_report_close(db);
    cJSON_Delete(o);
    CHECK_INT(get("/api/v1/reports/errors?from=2026-03-12&to=2026-03-12&legs=1", rx.boss, &o), 200);
    CHECK_INT(cJSON_GetArraySize(rows(o, "rows")), 2);
    cJSON_Delete(o);
    CHECK_INT(get("/api/v1/reports/errors?from=2026-03-12&to=2026-03-12&legs=0", rx.boss, &o), 200);
    CHECK_INT(cJSON_GetArraySize(rows(o, "rows")), 0);
    cJSON_Delete(o);
    CHECK_INT(get("/api/v1/reports/answer-rate?from=2026-03-12&to=2026-03-12&legs=1", rx.boss, &o),
              400);
    check_error(o, "bad_request", "legs=1 goes with the failures and errors reports only");
    cJSON_Delete(o);
    CHECK_INT(get("/api/v1/reports/failures?from=2026-03-12&to=2026-03-12&legs=yes", rx.boss, &o),
              400);
    check_error(o, "bad_request", "legs must be 0 or 1");
    cJSON_Delete(o);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (setup() != 0) {
        rqf_stop(&rx);
        curl_global_cleanup();
        return 1;
    }
    RUN(who_may_read);
    RUN(answer_rate_by_local_hour);
    RUN(failures_over_two_days);
    RUN(cost_by_queue_and_day);
    RUN(agents_and_errors_as_the_cli);
    RUN(bad_asks_in_words);
    RUN(range_limits);
    RUN(named_ranges);
    RUN(legs_apart);
    rqf_stop(&rx);
    curl_global_cleanup();
    return check_done();
}
