/*
 * Tests for GET /api/v1/wallboard against an in-process server (no Twilio client): a fixture
 * of calls stored as the daemon stores them (Twilio's callbacks and the day's facts) around a
 * day that starts two hours ago at [wallboard] day_reset in Asia/Kolkata, and the figures
 * computed by hand: handled, abandoned with a short abandon apart, service level against its
 * target, ASA, AHT, a caller waiting, a call of the day before left out; agents' states, the
 * call in hand, handled calls and missed offers; the warnings; 401 and 403; a wrap-up with the
 * queue's timer shown with when it ends and the call it follows, then ended by the timer and
 * stored with its length.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <sqlite3.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "check.h"
#include "dialtone/agents.h"
#include "dialtone/api.h"
#include "dialtone/config.h"
#include "dialtone/netloop.h"
#include "dialtone/server.h"
#include "dialtone/store.h"
#include "dialtone/store_kpi.h"
#include "api_http.h"
#include "net_helper.h"

#define S   1000LL
#define MIN (60 * S)

static struct {
    struct config cfg;
    struct store *st;
    struct netloop *loop;
    struct server *srv;
    struct api *api;
    char alice[AGENTS_TOKEN_SIZE], bob[AGENTS_TOKEN_SIZE], boss[AGENTS_TOKEN_SIZE];
    int64_t now;
} wx;

static char err[256];

static int64_t wall_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static void add_agent(const char *name, enum store_role role, const char *queue, char *token)
{
    char hash[AGENTS_HASH_SIZE];
    agents_token_new(token, NULL, 0);
    agents_token_hash(token, strlen(token), hash);
    CHECK_INT(store_agent_add(wx.st, name, role, "client:x", hash, 1000, NULL, err, sizeof err),
              DT_OK);
    if (queue) {
        char *q = sqlite3_mprintf("INSERT INTO agent_queues (agent_id, queue) SELECT id, %Q FROM "
                                  "agents WHERE name = %Q",
                                  queue, name);
        CHECK_INT(sqlite3_exec(store_db(wx.st), q, NULL, NULL, NULL), SQLITE_OK);
        sqlite3_free(q);
    }
}

/* ---- the fixture's calls ------------------------------------------------------------------- */

static void hook(const char *sid, const char *type, const char *status, int64_t ts,
                 const char *result, int64_t qtime)
{
    struct store_call_update u;
    store_call_update_init(&u);
    u.sid = sid;
    u.type = type;
    u.status = status;
    u.ts_ms = ts;
    u.payload = "x";
    u.payload_len = 1;
    u.direction = "inbound";
    u.from = "+14155550123";
    u.queue = "support";
    u.queue_result = result;
    u.queue_time_s = result ? qtime : 0;
    CHECK_INT(store_call_apply(wx.st, &u, NULL, err, sizeof err), DT_OK);
}

/* A caller in support from t: wait s in the queue, then answered by agent (NULL: hung up),
 * talk_s with hold_s of it on hold, wrap_s of wrap-up. */
static void call(const char *sid, int64_t t, int64_t wait, const char *agent, int64_t talk_s,
                 int64_t hold_s, int64_t wrap_s)
{
    hook(sid, "voice", "in-progress", t, NULL, 0);
    CHECK_INT(store_kpi_enqueued(wx.st, sid, t, err, sizeof err), DT_OK);
    int64_t out = t + wait * S;
    hook(sid, "enqueue", NULL, out, agent ? "redirected" : "hangup", wait);
    if (!agent) {
        hook(sid, "status", "completed", out, NULL, 0);
        return;
    }
    CHECK_INT(store_kpi_connected(wx.st, sid, agent, out, err, sizeof err), DT_OK);
    if (hold_s) {
        CHECK_INT(store_kpi_hold(wx.st, sid, 1, out + 5 * S, err, sizeof err), DT_OK);
        CHECK_INT(store_kpi_hold(wx.st, sid, 0, out + (5 + hold_s) * S, err, sizeof err), DT_OK);
    }
    hook(sid, "status", "completed", out + (talk_s + hold_s) * S, NULL, 0);
    CHECK_INT(store_kpi_wrapup(wx.st, sid, wrap_s, err, sizeof err), DT_OK);
}

static void offer(const char *sid, const char *agent, int64_t at, enum kpi_offer_end end)
{
    struct store_offer o = {.call_sid = sid,
                            .agent = agent,
                            .queue = "support",
                            .offered_ms = at,
                            .ended_ms = at + 10 * S,
                            .end = end};
    CHECK_INT(store_kpi_offer(wx.st, &o, err, sizeof err), DT_OK);
}

static int setup(void)
{
    memset(&wx, 0, sizeof wx);
    wx.now = wall_ms();
    /* the day started two hours ago (to the minute) in Kolkata, UTC+05:30 all year */
    int local = (int)((wx.now / MIN + 330) % 1440);
    int reset = (local - 120 + 1440) % 1440;
    char conf[1024];
    snprintf(conf, sizeof conf,
             "[twilio]\naccount_sid = AC0123456789abcdef0123456789abcdef\nauth_token = t0k\n"
             "public_base_url = https://dialtone.example.com\n[server]\nport = 0\n"
             "[queue \"support\"]\nservice_level = 20\nservice_level_target = 80\n"
             "short_abandon = 5\nlong_wait = 60\nwrapup = 1\n"
             "[queue \"sales\"]\nservice_level_target = 90\n"
             "[hours]\ntimezone = America/New_York\n"
             "[wallboard]\nday_reset = %02d:%02d\ntimezone = Asia/Kolkata\n",
             reset / 60, reset % 60);
    config_init(&wx.cfg);
    if (config_load_string(&wx.cfg, "t.conf", conf, err, sizeof err) != DT_OK ||
        store_open(":memory:", &wx.st, err, sizeof err) != DT_OK ||
        !(wx.loop = netloop_new(NULL, err, sizeof err))) {
        printf("  setup: %s\n", err);
        return -1;
    }
    struct server_options so = {.cfg = &wx.cfg, .loop = wx.loop, .store = wx.st};
    wx.srv = server_new(&so, err, sizeof err);
    if (wx.srv)
        wx.api = api_new(wx.srv, err, sizeof err);
    if (!wx.api) {
        printf("  server/api: %s\n", err);
        return -1;
    }
    add_agent("alice", DT_ROLE_AGENT, "support", wx.alice);
    add_agent("bob", DT_ROLE_AGENT, "support", wx.bob);
    add_agent("boss", DT_ROLE_SUPERVISOR, NULL, wx.boss);

    int64_t n = wx.now;
    /* yesterday's (before the reset): answered by alice in 5 s, left out */
    call("CA0", n - 130 * MIN, 5, "alice", 60, 0, 0);
    /* answered in 10 s (within 20), 240 s talk + 60 s hold + 30 s wrap-up = 330 */
    call("CA1", n - 100 * MIN, 10, "alice", 240, 60, 30);
    /* answered in 30 s (over 20), 120 s talk + 10 s wrap-up = 130; alice missed it first */
    call("CA2", n - 80 * MIN, 30, "bob", 120, 0, 10);
    offer("CA2", "alice", n - 80 * MIN + S, KPI_OFFER_TIMEOUT);
    offer("CA2", "bob", n - 80 * MIN + 15 * S, KPI_OFFER_ACCEPTED);
    offer("CA0", "alice", n - 130 * MIN, KPI_OFFER_TIMEOUT); /* yesterday's */
    call("CA3", n - 60 * MIN, 40, NULL, 0, 0, 0);            /* abandoned after 40 s */
    call("CA4", n - 50 * MIN, 3, NULL, 0, 0, 0);             /* a short abandon (3 s < 5) */
    /* waiting for 90 s */
    hook("CA5", "voice", "in-progress", n - 90 * S, NULL, 0);
    CHECK_INT(store_kpi_enqueued(wx.st, "CA5", n - 90 * S, err, sizeof err), DT_OK);
    return 0;
}

static void teardown(void)
{
    api_free(wx.api);
    server_free(wx.srv);
    netloop_free(wx.loop);
    store_close(wx.st);
    config_done(&wx.cfg);
}

/* ---- HTTP from a thread -------------------------------------------------------------------- */

static long http(const char *method, const char *path, const char *token, const char *body,
                 cJSON **out)
{
    return api_http(wx.loop, server_port(wx.srv), method, path, token, body, out);
}

static const cJSON *named(const cJSON *arr, const char *name)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        const char *n = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "name"));
        if (n && strcmp(n, name) == 0)
            return it;
    }
    return NULL;
}

static double num(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : -12345;
}

static int is_null(const cJSON *o, const char *k)
{
    return cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(o, k));
}

static const char *str(const cJSON *o, const char *k)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

/* ---- tests --------------------------------------------------------------------------------- */

TEST(only_supervisors)
{
    cJSON *o;
    CHECK_INT(http("GET", "/api/v1/wallboard", NULL, NULL, &o), 401);
    cJSON_Delete(o);
    CHECK_INT(http("GET", "/api/v1/wallboard", wx.alice, NULL, &o), 403);
    CHECK_STR(str(cJSON_GetObjectItem(o, "error"), "code"), "forbidden");
    cJSON_Delete(o);
    CHECK_INT(http("POST", "/api/v1/wallboard", wx.boss, NULL, &o), 405);
    cJSON_Delete(o);
}

TEST(queue_figures)
{
    cJSON *o;
    CHECK_INT(http("GET", "/api/v1/wallboard", wx.boss, NULL, &o), 200);
    const cJSON *day = cJSON_GetObjectItem(o, "day");
    CHECK_STR(str(day, "timezone"), "Asia/Kolkata");
    double start = num(day, "start_ms");
    CHECK(start > (double)(wx.now - 121 * MIN) && start <= (double)(wx.now - 120 * MIN));
    CHECK(num(day, "end_ms") - start == 86400000.0); /* no clock change in Kolkata */
    const cJSON *qs = cJSON_GetObjectItem(o, "queues");
    CHECK_INT(cJSON_GetArraySize(qs), 2);
    CHECK_STR(str(cJSON_GetArrayItem(qs, 0), "name"), "support"); /* in the file's order */
    const cJSON *q = named(qs, "support");
    CHECK(q != NULL);
    CHECK(num(q, "handled") == 2);         /* CA1, CA2 (CA0 is yesterday's) */
    CHECK(num(q, "abandoned") == 1);       /* CA3 */
    CHECK(num(q, "short_abandoned") == 1); /* CA4 */
    CHECK(num(q, "left") == 0);
    CHECK(num(q, "offered") == 3);
    CHECK(num(q, "answered_in_sl") == 1); /* CA1 */
    CHECK(num(q, "service_level") == 33.3);
    CHECK(num(q, "service_level_target") == 80);
    CHECK(num(q, "service_level_s") == 20);
    CHECK(num(q, "short_abandon_s") == 5);
    CHECK(num(q, "asa_s") == 20);  /* (10 + 30) / 2 */
    CHECK(num(q, "aht_s") == 230); /* (330 + 130) / 2 */
    CHECK(num(q, "aht_calls") == 2);
    CHECK(num(q, "waiting") == 1); /* CA5 */
    CHECK(num(q, "longest_wait_s") >= 90 && num(q, "longest_wait_s") < 120);
    const cJSON *w = cJSON_GetObjectItem(q, "warnings");
    CHECK_INT(cJSON_GetArraySize(w), 2);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(w, 0)), "service_level");
    CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(w, 1)), "long_wait");
    const cJSON *all = cJSON_GetObjectItem(o, "warnings");
    CHECK_INT(cJSON_GetArraySize(all), 2);
    CHECK_STR(str(cJSON_GetArrayItem(all, 0), "queue"), "support");
    CHECK(strstr(str(cJSON_GetArrayItem(all, 0), "message") ?: "", "33.3%") != NULL);

    q = named(qs, "sales"); /* nothing today: no figures, no warnings */
    CHECK(q != NULL);
    CHECK(num(q, "offered") == 0 && num(q, "waiting") == 0);
    CHECK(is_null(q, "service_level") && is_null(q, "asa_s") && is_null(q, "aht_s"));
    CHECK(num(q, "service_level_target") == 90);
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(q, "warnings")), 0);
    cJSON_Delete(o);
}

TEST(agent_figures)
{
    cJSON *o;
    /* alice takes the waiting call: busy with it */
    CHECK_INT(http("POST", "/api/v1/me/state", wx.alice, "{\"state\":\"available\"}", &o), 200);
    cJSON_Delete(o);
    CHECK_INT(
        http("POST", "/api/v1/me/state", wx.bob, "{\"state\":\"break\",\"reason\":\"lunch\"}", &o),
        200);
    cJSON_Delete(o);
    CHECK_INT(server_emit(wx.srv, "call.queued",
                          "{\"call\":{\"sid\":\"CA5\",\"queue\":\"support\",\"status\":"
                          "\"in-progress\",\"queue_result\":null}}",
                          NULL),
              DT_OK);
    CHECK_INT(http("POST", "/api/v1/calls/CA5/accept", wx.alice, NULL, &o), 200);
    cJSON_Delete(o);
    CHECK_INT(http("GET", "/api/v1/wallboard", wx.boss, NULL, &o), 200);
    const cJSON *as = cJSON_GetObjectItem(o, "agents");
    CHECK_INT(cJSON_GetArraySize(as), 3);
    const cJSON *a = named(as, "alice");
    CHECK(a != NULL);
    CHECK_STR(str(a, "state"), "busy");
    CHECK(is_null(a, "wrapup_ends_ms") && is_null(a, "wrapup_left_s"));
    CHECK(num(a, "handled") == 1); /* CA1 */
    CHECK(num(a, "aht_s") == 330);
    CHECK(num(a, "missed_offers") == 1); /* CA2's, not yesterday's */
    CHECK(num(a, "in_state_s") >= 0 && num(a, "in_state_s") < 60);
    const cJSON *c = cJSON_GetObjectItem(a, "call");
    CHECK_STR(str(c, "sid"), "CA5");
    CHECK_STR(str(c, "party"), "+14155550123");
    CHECK(is_null(c, "duration_s")); /* not answered yet */
    a = named(as, "bob");
    CHECK_STR(str(a, "state"), "break");
    CHECK_STR(str(a, "reason"), "lunch");
    CHECK(num(a, "handled") == 1 && num(a, "aht_s") == 130 && num(a, "missed_offers") == 0);
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(a, "call")));
    a = named(as, "boss");
    CHECK_STR(str(a, "role"), "supervisor");
    CHECK(num(a, "handled") == 0 && is_null(a, "aht_s"));
    cJSON_Delete(o);
    /* the accepted offer is a fact of its own */
    CHECK_INT(http("GET", "/api/v1/wallboard", wx.boss, NULL, &o), 200);
    CHECK(num(named(cJSON_GetObjectItem(o, "agents"), "alice"), "missed_offers") == 1);
    cJSON_Delete(o);
}

/* The queue's wrap-up timer ends alice's wrap-up after CA5: the wallboard says when, with
 * the call it follows; its length is a fact. */
TEST(wrapup_timer)
{
    int64_t t0 = wall_ms();
    CHECK_INT(server_emit(wx.srv, "call.ended",
                          "{\"call\":{\"sid\":\"CA5\",\"queue\":\"support\",\"status\":"
                          "\"completed\"}}",
                          NULL),
              DT_OK);
    cJSON *b;
    CHECK_INT(http("GET", "/api/v1/wallboard", wx.boss, NULL, &b), 200);
    const cJSON *a = named(cJSON_GetObjectItem(b, "agents"), "alice");
    double now = num(b, "now_ms"), ends = num(a, "wrapup_ends_ms");
    if (now < (double)t0 + 900) { /* the queue's 1 s is not over yet */
        CHECK_STR(str(a, "state"), "wrap-up");
        CHECK(is_null(a, "reason"));
        CHECK(ends >= (double)t0 + 1000 && ends <= now + 1000);
        CHECK(num(a, "wrapup_left_s") == 1); /* rounded up */
        /* the call it follows (its end is only an event here: no callback stored it) */
        CHECK_STR(str(cJSON_GetObjectItem(a, "call"), "sid"), "CA5");
    } else {
        printf("  (the answer came %.0f ms late: the wrap-up is over)\n", now - (double)t0);
    }
    a = named(cJSON_GetObjectItem(b, "agents"), "bob"); /* a break has no wrap-up time */
    CHECK(is_null(a, "wrapup_ends_ms") && is_null(a, "wrapup_left_s"));
    cJSON_Delete(b);
    const char *sql = "SELECT coalesce(wrapup_s, -1) FROM call_kpi WHERE call_sid = 'CA5'";
    sqlite3_stmt *q = NULL;
    CHECK_INT(sqlite3_prepare_v2(store_db(wx.st), sql, -1, &q, NULL), SQLITE_OK);
    int64_t wrap = -1;
    for (int i = 0; i < 100 && wrap < 0; i++) {
        cJSON *o;
        http("GET", "/api/v1/me", wx.alice, NULL, &o); /* runs the loop and its timers */
        cJSON_Delete(o);
        sqlite3_reset(q);
        if (sqlite3_step(q) == SQLITE_ROW)
            wrap = sqlite3_column_int64(q, 0);
        if (wrap < 0)
            usleep(50000);
    }
    sqlite3_finalize(q);
    CHECK(wrap == 1 || wrap == 2); /* the queue's 1 s, give or take the clock's second */
    cJSON *o;
    CHECK_INT(http("GET", "/api/v1/me", wx.alice, NULL, &o), 200);
    CHECK_STR(str(o, "state"), "available");
    cJSON_Delete(o);
    CHECK_INT(http("GET", "/api/v1/wallboard", wx.boss, NULL, &b), 200);
    a = named(cJSON_GetObjectItem(b, "agents"), "alice");
    CHECK_STR(str(a, "state"), "available");
    CHECK(is_null(a, "wrapup_ends_ms") && is_null(a, "wrapup_left_s"));
    cJSON_Delete(b);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (setup() != 0) {
        teardown();
        return 1;
    }
    RUN(only_supervisors);
    RUN(queue_figures);
    RUN(agent_figures);
    RUN(wrapup_timer);
    teardown();
    curl_global_cleanup();
    return check_done();
}
