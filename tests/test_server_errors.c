/*
 * Tests for GET /api/v1/errors against an in-process server on a database file: a fixture of
 * failed calls around a day that starts three hours ago at [wallboard] day_reset in
 * Asia/Kolkata, and the figures computed by hand: the top codes (a SIP 486 read as 31486)
 * with the dictionary's category, message, action and flags, their hourly trend today and
 * over seven days, the failures by outcome, calls outside the range left out; 401 and 400.
 * Agents' legs of failed calls (failing too) stay out of those figures, so that a call counts
 * once; legs=1 adds them apart, and /metrics counts calls and legs apart the same way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "check.h"
#include "dialtone/agents.h"
#include "dialtone/api.h"
#include "dialtone/config.h"
#include "dialtone/errors.h"
#include "dialtone/netloop.h"
#include "dialtone/server.h"
#include "dialtone/store.h"
#include "dialtone/store_legs.h"
#include "api_http.h"
#include "api_server.h"
#include "net_helper.h"

#define S   1000LL
#define MIN (60 * S)
#define DAY (1440 * MIN)

static struct {
    struct api_server s;
    char alice[AGENTS_TOKEN_SIZE];
    char dir[64], db[96];
    int64_t now, from; /* the day's start */
} ex;

static char err[256];

static int64_t wall_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* A call created at t that ended with status, Twilio's code and a SIP response (0: none). */
static void failed(const char *sid, int64_t t, const char *status, int64_t code, int64_t sip)
{
    struct store_call_update u;
    store_call_update_init(&u);
    u.sid = sid;
    u.type = "status";
    u.status = status;
    u.ts_ms = t;
    u.payload = "x";
    u.payload_len = 1;
    u.direction = "outbound-api";
    u.to = "+14155550123";
    u.error_code = code;
    u.sip_code = sip;
    CHECK_INT(store_call_apply(ex.s.st, &u, NULL, err, sizeof err), DT_OK);
}

static int setup(void)
{
    memset(&ex, 0, sizeof ex);
    ex.now = wall_ms();
    /* the day started three hours ago (to the minute) in Kolkata, UTC+05:30 all year */
    int local = (int)((ex.now / MIN + 330) % 1440);
    int reset = (local - 180 + 1440) % 1440;
    ex.from = ex.now / MIN * MIN - 180 * MIN;
    char conf[1024];
    snprintf(conf, sizeof conf,
             "[twilio]\naccount_sid = AC0123456789abcdef0123456789abcdef\nauth_token = t0k\n"
             "public_base_url = https://dialtone.example.com\n[server]\nport = 0\n"
             "[queue \"support\"]\n[wallboard]\nday_reset = %02d:%02d\ntimezone = Asia/Kolkata\n",
             reset / 60, reset % 60);
    snprintf(ex.dir, sizeof ex.dir, "%s", "/tmp/dt-errors.XXXXXX");
    if (!mkdtemp(ex.dir))
        return -1;
    snprintf(ex.db, sizeof ex.db, "%s/d.db", ex.dir);
    if (api_server_start(&ex.s, conf, ex.db, NULL, NULL) != 0)
        return -1;
    api_server_agent(&ex.s, "alice", DT_ROLE_AGENT, "client:alice", NULL, ex.alice);
    int64_t f = ex.from;
    failed("CA01", f + 5 * MIN, "completed", 0, 0);    /* not a failure */
    failed("CB01", f + 10 * MIN, "busy", 0, 486);      /* 31486, hour 0 */
    failed("CB02", f + 70 * MIN, "busy", 0, 486);      /* hour 1 */
    failed("CB03", f + 75 * MIN, "busy", 31486, 486);  /* hour 1 */
    failed("CN01", f + 20 * MIN, "no-answer", 0, 0);   /* an outcome, no code */
    failed("CC01", f + 25 * MIN, "canceled", 0, 0);    /* an outcome, no code */
    failed("CF01", f + 130 * MIN, "failed", 21217, 0); /* hour 2 */
    failed("CF02", f - 2 * DAY, "failed", 32205, 0);   /* two days ago: 7d only */
    failed("CF03", f - 8 * DAY, "failed", 21217, 0);   /* eight days ago: neither */
    failed("CF04", f - 5 * MIN, "busy", 0, 486);       /* yesterday: 7d only */
    /* alice's legs of CF01 and CB01, failing with them: legs, not calls */
    failed("CL01", f + 131 * MIN, "failed", 31005, 0);
    failed("CL02", f + 11 * MIN, "busy", 0, 486);
    CHECK_INT(
        store_call_assign(ex.s.st, "CF01", "alice", "CL01", 1, f + 131 * MIN, err, sizeof err),
        DT_OK);
    CHECK_INT(store_call_assign(ex.s.st, "CB01", "alice", "CL02", 1, f + 11 * MIN, err, sizeof err),
              DT_OK);
    return 0;
}

static void teardown(void)
{
    api_server_stop(&ex.s);
    static const char *const sfx[] = {"", "-wal", "-shm"};
    char p[128];
    for (size_t i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", ex.db, sfx[i]);
        unlink(p);
    }
    rmdir(ex.dir);
}

/* ---- HTTP from a thread -------------------------------------------------------------------- */

static long http(const char *path, const char *token, cJSON **out)
{
    return api_http(ex.s.loop, server_port(ex.s.srv), "GET", path, token, NULL, out);
}

static double num(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : -12345;
}

static const char *str(const cJSON *o, const char *k)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

/* The trend of o as a string of "i:n" for its nonzero buckets, and its length in *n. */
static void trend(const cJSON *o, char *buf, size_t len, int *n)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "trend");
    buf[0] = '\0';
    *n = cJSON_GetArraySize(t);
    for (int i = 0; i < *n; i++) {
        double v = cJSON_GetArrayItem(t, i)->valuedouble;
        if (v != 0)
            snprintf(buf + strlen(buf), len - strlen(buf), "%d:%g ", i, v);
    }
}

/* ---- tests --------------------------------------------------------------------------------- */

TEST(auth_and_range)
{
    cJSON *o;
    CHECK_INT(http("/api/v1/errors", NULL, &o), 401);
    cJSON_Delete(o);
    CHECK_INT(http("/api/v1/errors?range=month", ex.alice, &o), 400);
    CHECK_STR(str(cJSON_GetObjectItem(o, "error"), "code"), "bad_range");
    cJSON_Delete(o);
    CHECK_INT(http("/api/v1/errors?range=", ex.alice, &o), 400);
    cJSON_Delete(o);
}

TEST(today)
{
    cJSON *o;
    char t[256];
    int n;
    CHECK_INT(http("/api/v1/errors", ex.alice, &o), 200); /* today by default, any agent */
    CHECK_STR(str(o, "range"), "today");
    CHECK_STR(str(o, "timezone"), "Asia/Kolkata");
    CHECK(num(o, "from_ms") == (double)ex.from);
    CHECK(num(o, "to_ms") == (double)(ex.from + DAY));
    CHECK(num(o, "buckets") == 24 && num(o, "bucket_s") == 3600);
    const cJSON *codes = cJSON_GetObjectItem(o, "codes");
    CHECK_INT(cJSON_GetArraySize(codes), 2);
    const cJSON *c = cJSON_GetArrayItem(codes, 0);
    CHECK(num(c, "code") == 31486 && num(c, "count") == 3);
    CHECK_STR(str(c, "category"), "busy");
    CHECK_STR(str(c, "message"), errors_lookup(31486)->message);
    CHECK_STR(str(c, "action"), errors_lookup(31486)->action);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(c, "retryable")));
    CHECK(cJSON_IsFalse(cJSON_GetObjectItem(c, "bad_number")));
    trend(c, t, sizeof t, &n);
    CHECK_INT(n, 24);
    CHECK_STR(t, "0:1 1:2 ");
    c = cJSON_GetArrayItem(codes, 1);
    CHECK(num(c, "code") == 21217 && num(c, "count") == 1);
    CHECK_STR(str(c, "category"), "bad-number");
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(c, "bad_number")));
    CHECK(cJSON_IsFalse(cJSON_GetObjectItem(c, "retryable")));
    trend(c, t, sizeof t, &n);
    CHECK_STR(t, "2:1 ");
    const cJSON *oc = cJSON_GetObjectItem(o, "outcomes");
    CHECK(num(oc, "busy") == 3 && num(oc, "no-answer") == 1);
    CHECK(num(oc, "failed") == 1 && num(oc, "canceled") == 1);
    cJSON_Delete(o);
}

TEST(seven_days)
{
    cJSON *o;
    char t[256];
    int n;
    CHECK_INT(http("/api/v1/errors?range=7d", ex.alice, &o), 200);
    CHECK_STR(str(o, "range"), "7d");
    CHECK(num(o, "from_ms") == (double)(ex.from - 6 * DAY));
    CHECK(num(o, "buckets") == 7 * 24);
    const cJSON *codes = cJSON_GetObjectItem(o, "codes");
    CHECK_INT(cJSON_GetArraySize(codes), 3);
    const cJSON *c = cJSON_GetArrayItem(codes, 0);
    CHECK(num(c, "code") == 31486 && num(c, "count") == 4); /* yesterday's too */
    trend(c, t, sizeof t, &n);
    CHECK_INT(n, 168);
    CHECK_STR(t, "143:1 144:1 145:2 ");
    /* ties by code: 21217 (CF03 is eight days old) before 32205 */
    c = cJSON_GetArrayItem(codes, 1);
    CHECK(num(c, "code") == 21217 && num(c, "count") == 1);
    c = cJSON_GetArrayItem(codes, 2);
    CHECK(num(c, "code") == 32205 && num(c, "count") == 1);
    CHECK_STR(str(c, "category"), "blocked");
    trend(c, t, sizeof t, &n);
    CHECK_STR(t, "96:1 "); /* four days after the range's start */
    const cJSON *oc = cJSON_GetObjectItem(o, "outcomes");
    CHECK(num(oc, "busy") == 4 && num(oc, "failed") == 2);
    cJSON_Delete(o);
}

TEST(legs_apart)
{
    cJSON *o;
    char t[256];
    int n;
    CHECK_INT(http("/api/v1/errors?legs=2", ex.alice, &o), 400);
    cJSON_Delete(o);
    CHECK_INT(http("/api/v1/errors?range=today", ex.alice, &o), 200);
    CHECK(cJSON_GetObjectItem(o, "legs") == NULL);
    cJSON_Delete(o);
    CHECK_INT(http("/api/v1/errors?range=today&legs=1", ex.alice, &o), 200);
    /* the calls' figures as without legs */
    const cJSON *c = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "codes"), 0);
    CHECK(num(c, "code") == 31486 && num(c, "count") == 3);
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(o, "codes")), 2);
    const cJSON *oc = cJSON_GetObjectItem(o, "outcomes");
    CHECK(num(oc, "busy") == 3 && num(oc, "failed") == 1);
    /* the legs alone */
    const cJSON *legs = cJSON_GetObjectItem(o, "legs");
    const cJSON *codes = cJSON_GetObjectItem(legs, "codes");
    CHECK_INT(cJSON_GetArraySize(codes), 2);
    c = cJSON_GetArrayItem(codes, 0);
    CHECK(num(c, "code") == 31005 && num(c, "count") == 1);
    trend(c, t, sizeof t, &n);
    CHECK_INT(n, 24);
    CHECK_STR(t, "2:1 ");
    c = cJSON_GetArrayItem(codes, 1);
    CHECK(num(c, "code") == 31486 && num(c, "count") == 1);
    oc = cJSON_GetObjectItem(legs, "outcomes");
    CHECK(num(oc, "busy") == 1 && num(oc, "failed") == 1 && num(oc, "no-answer") == 0);
    cJSON_Delete(o);
}

/* The value of line prefix in /metrics, or -1. */
static long metric(const char *prefix)
{
    struct api_http_req r = {.port = server_port(ex.s.srv), .method = "GET", .path = "/metrics"};
    dt_buf_init(&r.out);
    net_run_client(ex.s.loop, api_http_run, &r, 15000);
    const char *m = r.out.data ? r.out.data : "", *p = strstr(m, prefix);
    long v = p ? atol(p + strlen(prefix)) : -1;
    dt_buf_done(&r.out);
    return v;
}

TEST(metrics_legs_apart)
{
    /* failed: CF01, CF02, CF03 (CL01 is CF01's leg); busy: CB01-03, CF04 (CL02 is a leg) */
    CHECK_INT(metric("dialtone_calls{status=\"failed\"} "), 3);
    CHECK_INT(metric("dialtone_calls{status=\"busy\"} "), 4);
    CHECK_INT(metric("dialtone_calls{status=\"completed\"} "), 1);
    CHECK_INT(metric("dialtone_legs{kind=\"agent\",status=\"failed\"} "), 1);
    CHECK_INT(metric("dialtone_legs{kind=\"agent\",status=\"busy\"} "), 1);
    CHECK_INT(metric("dialtone_legs{kind=\"party\",status=\"failed\"} "), 0);
    CHECK_INT(metric("dialtone_legs{kind=\"supervisor\",status=\"busy\"} "), 0);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (setup() != 0) {
        teardown();
        return 1;
    }
    RUN(auth_and_range);
    RUN(today);
    RUN(seven_days);
    RUN(legs_apart);
    RUN(metrics_legs_apart);
    teardown();
    curl_global_cleanup();
    return check_done();
}
