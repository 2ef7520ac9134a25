/*
 * Tests for the agent API against an in-process server (no Twilio client), with libcurl on a
 * thread: tokens refused with 401 and a JSON error, /me, state changes (bad states and
 * reasons refused, a break needs a reason, an agent.state event), pending calls of the
 * agent's queues only (a supervisor sees all), queues' figures, history with filters, dates,
 * keyset paging through an opaque cursor and bad input, and one call's detail with its
 * timeline (404 for an unknown sid).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "check.h"
#include "dialtone/agents.h"
#include "dialtone/api.h"
#include "dialtone/config.h"
#include "dialtone/netloop.h"
#include "dialtone/push.h"
#include "dialtone/server.h"
#include "dialtone/store.h"
#include "dialtone/store_agents.h"
#include "api_http.h"
#include "api_server.h"
#include "net_helper.h"

#define CONF                                                                                       \
    "[twilio]\naccount_sid = AC0123456789abcdef0123456789abcdef\nauth_token = api-t0ken\n"         \
    "public_base_url = https://dialtone.example.com\n"                                             \
    "[server]\nport = 0\n"                                                                         \
    "[queue \"support\"]\n[queue \"sales\"]\nrouting = longest-idle\nreservation_timeout = 5\n"    \
    "[dispositions]\nresolved = Resolved\nspam = Spam\n"

static struct {
    struct api_server s;
    char alice[AGENTS_TOKEN_SIZE], boss[AGENTS_TOKEN_SIZE];
    int nevents;
    char last_type[64];
    char types[64][32];
    char data[64][512];
} ax;

static void on_event(void *user, const struct store_event *ev)
{
    (void)user;
    if (ax.nevents < 64) {
        dt_strlcpy(ax.types[ax.nevents], ev->type, sizeof ax.types[0]);
        dt_strlcpy(ax.data[ax.nevents], ev->data, sizeof ax.data[0]);
    }
    ax.nevents++;
    dt_strlcpy(ax.last_type, ev->type, sizeof ax.last_type);
}

static void add_agent(const char *name, enum store_role role, const char *queue, char *token)
{
    api_server_agent(&ax.s, name, role, "+15551230001", queue, token);
}

static void add_call(const char *sid, const char *queue, const char *status, int64_t created,
                     const char *from)
{
    struct store_call_update u;
    store_call_update_init(&u);
    u.sid = sid;
    u.type = "voice";
    u.status = status;
    u.ts_ms = created;
    u.payload = "x=1";
    u.payload_len = 3;
    u.direction = "inbound";
    u.from = from;
    u.to = "+14155550100";
    u.queue = queue;
    char err[256];
    CHECK_INT(store_call_apply(ax.s.st, &u, NULL, err, sizeof err), DT_OK);
}

static int setup(void)
{
    memset(&ax, 0, sizeof ax);
    if (api_server_start(&ax.s, CONF, NULL, on_event, NULL) != 0) /* the API passes events on */
        return -1;
    add_agent("alice", DT_ROLE_AGENT, "support", ax.alice);
    add_agent("boss", DT_ROLE_SUPERVISOR, NULL, ax.boss);
    return 0;
}

static void teardown(void)
{
    api_server_stop(&ax.s);
}

/* ---- HTTP from a thread -------------------------------------------------------------------- */

static long http(const char *method, const char *path, const char *token, const char *body,
                 cJSON **out)
{
    return api_http(ax.s.loop, server_port(ax.s.srv), method, path, token, body, out);
}

static const char *str_at(const cJSON *o, const char *k)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

static const char *err_code(const cJSON *o)
{
    return str_at(cJSON_GetObjectItemCaseSensitive(o, "error"), "code");
}

TEST(tokens)
{
    CHECK_INT(setup(), 0);
    cJSON *o;
    CHECK_INT(http("GET", "/api/v1/me", NULL, NULL, &o), 401);
    CHECK_STR(err_code(o), "unauthorized");
    cJSON_Delete(o);
    CHECK_INT(http("GET", "/api/v1/me", "dt_wrong", NULL, &o), 401);
    cJSON_Delete(o);
    CHECK_INT(http("GET", "/api/v1/calls", "dt_wrong", NULL, &o), 401);
    cJSON_Delete(o);
    CHECK_INT(http("GET", "/api/v1/me", ax.alice, NULL, &o), 200);
    CHECK_STR(str_at(o, "name"), "alice");
    CHECK_STR(str_at(o, "role"), "agent");
    CHECK_STR(str_at(o, "state"), "offline");
    CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "queues"), 0)),
              "support");
    cJSON_Delete(o);
    CHECK_INT(http("GET", "/api/v1/me", ax.boss, NULL, &o), 200);
    CHECK_STR(str_at(o, "role"), "supervisor");
    cJSON_Delete(o);
    CHECK_INT(http("DELETE", "/api/v1/me", ax.alice, NULL, &o), 405);
    cJSON_Delete(o);
    teardown();
}

TEST(state_changes)
{
    CHECK_INT(setup(), 0);
    cJSON *o;
    static const char *const bad[] = {
        "",
        "[]",
        "{\"state\":\"busy\"}",
        "{\"state\":\"break\"}",
        "{\"state\":\"break\",\"reason\":\"\"}",
        "{\"state\":\"break\",\"reason\":\"a\\nb\"}",
        "{\"state\":\"break\",\"reason\":7}",
        "{\"state\":\"break\",\"reason\":\"0123456789012345678901234567890123456789012345678901"
        "2345678901234\"}",
        "{\"state\":3}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_INT(http("POST", "/api/v1/me/state", ax.alice, bad[i], &o), 400);
        CHECK(err_code(o) != NULL);
        cJSON_Delete(o);
    }
    CHECK_INT(ax.nevents, 0);
    CHECK_INT(http("POST", "/api/v1/me/state", ax.alice,
                   "{\"state\":\"break\",\"reason\":\"lunch\"}", &o),
              200);
    CHECK_STR(str_at(o, "state"), "break");
    CHECK_STR(str_at(o, "reason"), "lunch");
    cJSON_Delete(o);
    CHECK_INT(ax.nevents, 1);
    CHECK_STR(ax.last_type, "agent.state");
    CHECK_INT(http("POST", "/api/v1/me/state", ax.alice, "{\"state\":\"available\"}", &o), 200);
    CHECK_STR(str_at(o, "state"), "available");
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(o, "reason")));
    cJSON_Delete(o);
    struct store_agent a;
    char err[256];
    CHECK_INT(store_agent_get(ax.s.st, "alice", &a, err, sizeof err), DT_OK);
    CHECK_STR(a.state, "available");
    store_agent_done(&a);
    CHECK_INT(http("GET", "/api/v1/queues", ax.alice, NULL, &o), 200);
    const cJSON *q0 = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "queues"), 0);
    CHECK_STR(str_at(q0, "name"), "support");
    CHECK_INT((int)cJSON_GetNumberValue(cJSON_GetObjectItem(q0, "agents_available")), 1);
    cJSON_Delete(o);
    teardown();
}

TEST(pending_and_queues)
{
    CHECK_INT(setup(), 0);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    add_call("CA01", "support", "in-progress", now - 30000, "+15550000001");
    add_call("CA02", "sales", "in-progress", now - 20000, "+15550000002");
    add_call("CA03", "support", "completed", now - 10000, "+15550000003");
    cJSON *o;
    CHECK_INT(http("GET", "/api/v1/calls/pending", ax.alice, NULL, &o), 200);
    const cJSON *calls = cJSON_GetObjectItem(o, "calls");
    CHECK_INT(cJSON_GetArraySize(calls), 1);
    CHECK_STR(str_at(cJSON_GetArrayItem(calls, 0), "sid"), "CA01");
    CHECK(cJSON_IsArray(cJSON_GetObjectItem(o, "offers")));
    cJSON_Delete(o);
    CHECK_INT(http("GET", "/api/v1/calls/pending", ax.boss, NULL, &o), 200);
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(o, "calls")), 2);
    cJSON_Delete(o);
    CHECK_INT(http("GET", "/api/v1/queues", ax.alice, NULL, &o), 200);
    const cJSON *qs = cJSON_GetObjectItem(o, "queues");
    CHECK_INT(cJSON_GetArraySize(qs), 2);
    const cJSON *q = cJSON_GetArrayItem(qs, 0);
    CHECK_INT((int)cJSON_GetNumberValue(cJSON_GetObjectItem(q, "waiting")), 1);
    CHECK((int)cJSON_GetNumberValue(cJSON_GetObjectItem(q, "longest_wait_s")) >= 29);
    CHECK_INT((int)cJSON_GetNumberValue(cJSON_GetObjectItem(q, "agents_available")), 0);
    cJSON_Delete(o);
    teardown();
}

TEST(history_and_detail)
{
    CHECK_INT(setup(), 0);
    int64_t day = 1767225600000LL; /* 2026-01-01T00:00:00Z */
    char sid[8];
    for (int i = 0; i < 7; i++) {
        snprintf(sid, sizeof sid, "CA%02d", i);
        add_call(sid, i % 2 ? "sales" : "support", i < 5 ? "completed" : "failed",
                 day + i * 3600000LL, i == 3 ? "+15559990000" : "+15550000001");
    }
    cJSON *o;
    CHECK_INT(http("GET", "/api/v1/calls?limit=3", ax.alice, NULL, &o), 200);
    const cJSON *calls = cJSON_GetObjectItem(o, "calls");
    CHECK_INT(cJSON_GetArraySize(calls), 3);
    CHECK_STR(str_at(cJSON_GetArrayItem(calls, 0), "sid"), "CA06");
    char path[256];
    const char *cur = str_at(o, "next_cursor");
    CHECK(cur != NULL);
    snprintf(path, sizeof path, "/api/v1/calls?limit=3&cursor=%s", cur ? cur : "");
    cJSON_Delete(o);
    CHECK_INT(http("GET", path, ax.alice, NULL, &o), 200);
    calls = cJSON_GetObjectItem(o, "calls");
    CHECK_INT(cJSON_GetArraySize(calls), 3);
    CHECK_STR(str_at(cJSON_GetArrayItem(calls, 0), "sid"), "CA03");
    cJSON_Delete(o);
    CHECK_INT(http("GET", "/api/v1/calls?status=failed", ax.alice, NULL, &o), 200);
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(o, "calls")), 2);
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(o, "next_cursor")));
    cJSON_Delete(o);
    CHECK_INT(http("GET", "/api/v1/calls?number=%2B15559990000", ax.alice, NULL, &o), 200);
    calls = cJSON_GetObjectItem(o, "calls");
    CHECK_INT(cJSON_GetArraySize(calls), 1);
    CHECK_STR(str_at(cJSON_GetArrayItem(calls, 0), "sid"), "CA03");
    cJSON_Delete(o);
    CHECK_INT(http("GET", "/api/v1/calls?text=999&direction=inbound", ax.alice, NULL, &o), 200);
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(o, "calls")), 1);
    cJSON_Delete(o);
    CHECK_INT(http("GET", "/api/v1/calls?from=2026-01-01T02:00:00Z&to=2026-01-01T04:00:00Z",
                   ax.alice, NULL, &o),
              200);
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(o, "calls")), 2);
    cJSON_Delete(o);
    CHECK_INT(http("GET", "/api/v1/calls?to=2025-12-31", ax.alice, NULL, &o), 200);
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(o, "calls")), 0);
    cJSON_Delete(o);
    static const char *const bad[] = {
        "/api/v1/calls?limit=0",         "/api/v1/calls?limit=x",
        "/api/v1/calls?cursor=abc",      "/api/v1/calls?cursor=12.CA%3B1",
        "/api/v1/calls?from=2026-13-01", "/api/v1/calls?status=bogus"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_INT(http("GET", bad[i], ax.alice, NULL, &o), 400);
        CHECK(err_code(o) != NULL);
        cJSON_Delete(o);
    }
    CHECK_INT(http("GET", "/api/v1/calls/CA03", ax.alice, NULL, &o), 200);
    CHECK_STR(str_at(o, "sid"), "CA03");
    CHECK_STR(str_at(o, "from"), "+15559990000");
    const cJSON *tl = cJSON_GetObjectItem(o, "timeline");
    CHECK_INT(cJSON_GetArraySize(tl), 1);
    CHECK_STR(str_at(cJSON_GetArrayItem(tl, 0), "type"), "voice");
    cJSON_Delete(o);
    CHECK_INT(http("GET", "/api/v1/calls/CA99", ax.alice, NULL, &o), 404);
    CHECK_STR(err_code(o), "not_found");
    cJSON_Delete(o);
    CHECK_INT(http("GET", "/api/v1/calls/CA%3B1", ax.alice, NULL, &o), 404);
    cJSON_Delete(o);
    teardown();
}

/* How many recorded events are of type and mention text. */
static int count_events(const char *type, const char *text)
{
    int n = 0;
    for (int i = 0; i < ax.nevents && i < 64; i++)
        if (strcmp(ax.types[i], type) == 0 && (!text || strstr(ax.data[i], text)))
            n++;
    return n;
}

static void queue_call(const char *sid, const char *queue)
{
    char data[256];
    snprintf(data, sizeof data,
             "{\"call\":{\"sid\":\"%s\",\"queue\":\"%s\",\"status\":\"in-progress\","
             "\"queue_result\":null}}",
             sid, queue);
    CHECK_INT(server_emit(ax.s.srv, "call.queued", data, NULL), DT_OK);
}

TEST(ringall_first_accept_wins)
{
    CHECK_INT(setup(), 0);
    char bob[AGENTS_TOKEN_SIZE], carol[AGENTS_TOKEN_SIZE];
    add_agent("bob", DT_ROLE_AGENT, "support", bob);
    add_agent("carol", DT_ROLE_AGENT, "sales", carol);
    cJSON *o;
    const char *avail = "{\"state\":\"available\"}";
    CHECK_INT(http("POST", "/api/v1/me/state", ax.alice, avail, &o), 200);
    cJSON_Delete(o);
    CHECK_INT(http("POST", "/api/v1/me/state", bob, avail, &o), 200);
    cJSON_Delete(o);
    queue_call("CA1000", "support");
    CHECK_INT(count_events("offer.created", "CA1000"), 2);
    CHECK_INT(http("GET", "/api/v1/calls/pending", bob, NULL, &o), 200);
    const cJSON *offers = cJSON_GetObjectItem(o, "offers");
    CHECK_INT(cJSON_GetArraySize(offers), 1);
    CHECK_STR(str_at(cJSON_GetArrayItem(offers, 0), "call_sid"), "CA1000");
    CHECK_STR(str_at(cJSON_GetArrayItem(offers, 0), "mode"), "ringall");
    cJSON_Delete(o);
    /* carol is in another queue: never offered, so she cannot take it */
    CHECK_INT(http("POST", "/api/v1/calls/CA1000/accept", carol, NULL, &o), 403);
    CHECK_STR(err_code(o), "not_offered");
    cJSON_Delete(o);
    CHECK_INT(http("POST", "/api/v1/calls/CA1000/accept", bob, NULL, &o), 200);
    CHECK_STR(str_at(o, "result"), "accepted");
    CHECK_STR(str_at(o, "conference"), "call-CA1000");
    cJSON_Delete(o);
    CHECK_INT(http("POST", "/api/v1/calls/CA1000/accept", ax.alice, NULL, &o), 409);
    CHECK_STR(err_code(o), "conflict");
    cJSON_Delete(o);
    CHECK_INT(count_events("call.assigned", "\"bob\""), 1);
    CHECK_INT(count_events("offer.withdrawn", "\"taken\""), 1);
    struct store_agent a;
    char err[256];
    CHECK_INT(store_agent_get(ax.s.st, "bob", &a, err, sizeof err), DT_OK);
    CHECK_STR(a.state, "busy");
    store_agent_done(&a);
    /* busy: no break until the call ends */
    CHECK_INT(http("POST", "/api/v1/me/state", bob, "{\"state\":\"break\",\"reason\":\"x\"}", &o),
              409);
    cJSON_Delete(o);
    CHECK_INT(http("POST", "/api/v1/calls/CA9999/decline", ax.alice, NULL, &o), 404);
    cJSON_Delete(o);
    CHECK_INT(http("POST", "/api/v1/calls/CA1000/hold", ax.alice, NULL, &o), 403);
    cJSON_Delete(o);
    CHECK_INT(http("POST", "/api/v1/calls/CA1000/bogus", bob, NULL, &o), 404);
    cJSON_Delete(o);
    /* a call that leaves before anyone takes it: its offers go */
    queue_call("CA1001", "support");
    CHECK_INT(count_events("offer.created", "CA1001"), 1);
    CHECK_INT(server_emit(ax.s.srv, "call.ended",
                          "{\"call\":{\"sid\":\"CA1001\",\"queue\":\"support\","
                          "\"status\":\"completed\"}}",
                          NULL),
              DT_OK);
    CHECK_INT(count_events("offer.withdrawn", "\"gone\""), 1);
    teardown();
}

TEST(longest_idle_reservation_times_out)
{
    CHECK_INT(setup(), 0);
    char carol[AGENTS_TOKEN_SIZE], dave[AGENTS_TOKEN_SIZE];
    add_agent("carol", DT_ROLE_AGENT, "sales", carol);
    add_agent("dave", DT_ROLE_AGENT, "sales", dave);
    cJSON *o;
    const char *avail = "{\"state\":\"available\"}";
    CHECK_INT(http("POST", "/api/v1/me/state", carol, avail, &o), 200);
    cJSON_Delete(o);
    CHECK_INT(http("POST", "/api/v1/me/state", dave, avail, &o), 200);
    cJSON_Delete(o);
    queue_call("CA2000", "sales");
    CHECK_INT(count_events("offer.created", "CA2000"), 1);    /* one at a time */
    CHECK_INT(count_events("offer.created", "\"carol\""), 1); /* idle longest */
    CHECK_INT(http("POST", "/api/v1/calls/CA2000/accept", dave, NULL, &o), 403);
    cJSON_Delete(o);
    int never = 0;
    net_run_until(ax.s.loop, &never, 5600); /* the 5 s reservation runs out on the loop's timer */
    CHECK_INT(count_events("offer.withdrawn", "\"timeout\""), 1);
    CHECK_INT(count_events("offer.created", "\"dave\""), 1);
    CHECK_INT(http("POST", "/api/v1/calls/CA2000/decline", dave, NULL, &o), 200);
    CHECK_STR(str_at(o, "result"), "declined");
    cJSON_Delete(o);
    CHECK_INT(count_events("offer.withdrawn", "\"declined\""), 1);
    teardown();
}

TEST(call_end_wrapup_and_incall)
{
    CHECK_INT(setup(), 0);
    char bob[AGENTS_TOKEN_SIZE];
    add_agent("bob", DT_ROLE_AGENT, "support", bob);
    cJSON *o;
    CHECK_INT(http("POST", "/api/v1/me/state", bob, "{\"state\":\"available\"}", &o), 200);
    cJSON_Delete(o);
    CHECK_INT(http("POST", "/api/v1/me/state", ax.alice, "{\"state\":\"available\"}", &o), 200);
    cJSON_Delete(o);
    CHECK_INT(http("POST", "/api/v1/me/wrapup", bob, "{\"disposition\":\"resolved\"}", &o), 409);
    CHECK_STR(err_code(o), "not_in_wrapup");
    cJSON_Delete(o);
    queue_call("CA3000", "support");
    CHECK_INT(http("POST", "/api/v1/calls/CA3000/accept", bob, NULL, &o), 200);
    cJSON_Delete(o);
    /* the call is bob's: alice may not touch it */
    CHECK_INT(http("POST", "/api/v1/calls/CA3000/hangup", ax.alice, NULL, &o), 403);
    CHECK_STR(err_code(o), "not_yours");
    cJSON_Delete(o);
    CHECK_INT(http("POST", "/api/v1/calls/CA3000/mute", ax.alice, NULL, &o), 403);
    cJSON_Delete(o);
    CHECK_INT(http("POST", "/api/v1/calls/CA3999/hold", bob, NULL, &o), 404);
    cJSON_Delete(o);
    CHECK_INT(http("POST", "/api/v1/calls/CA3000/hold", bob, NULL, &o), 503); /* no Twilio */
    cJSON_Delete(o);
    static const char *const bad_xfer[] = {"{}", "{\"queue\":\"nope\"}", "{\"to\":\"5551\"}",
                                           "{\"queue\":\"sales\",\"to\":\"+15551230009\"}", "[1]"};
    for (size_t i = 0; i < sizeof bad_xfer / sizeof bad_xfer[0]; i++) {
        CHECK_INT(http("POST", "/api/v1/calls/CA3000/transfer", bob, bad_xfer[i], &o), 400);
        cJSON_Delete(o);
    }
    CHECK_INT(http("POST", "/api/v1/calls/CA3000/transfer", ax.alice, "{\"queue\":\"sales\"}", &o),
              403);
    cJSON_Delete(o);
    CHECK_INT(http("POST", "/api/v1/calls/CA3000/transfer", bob, "{\"queue\":\"sales\"}", &o),
              503); /* valid, but there is no Twilio client */
    cJSON_Delete(o);
    /* the caller hangs up: bob goes to wrap-up */
    CHECK_INT(server_emit(ax.s.srv, "call.ended",
                          "{\"call\":{\"sid\":\"CA3000\",\"queue\":\"support\","
                          "\"status\":\"completed\",\"queue_result\":\"redirected\"}}",
                          NULL),
              DT_OK);
    struct store_agent a;
    char err[256];
    CHECK_INT(store_agent_get(ax.s.st, "bob", &a, err, sizeof err), DT_OK);
    CHECK_STR(a.state, "wrap-up");
    store_agent_done(&a);
    CHECK_INT(http("POST", "/api/v1/calls/CA3000/hangup", bob, NULL, &o), 404); /* over */
    cJSON_Delete(o);
    static const char *const bad[] = {"{}", "{\"disposition\":\"bogus\"}",
                                      "{\"disposition\":\"resolved\",\"notes\":5}",
                                      "{\"disposition\":\"resolved\",\"notes\":\"a\\u0001\"}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_INT(http("POST", "/api/v1/me/wrapup", bob, bad[i], &o), 400);
        cJSON_Delete(o);
    }
    CHECK_INT(http("POST", "/api/v1/me/wrapup", bob,
                   "{\"disposition\":\"resolved\",\"notes\":\"asked for a refund\"}", &o),
              200);
    CHECK_STR(str_at(o, "state"), "available");
    cJSON_Delete(o);
    CHECK_INT(count_events("call.wrapup", "asked for a refund"), 1);
    CHECK_INT(count_events("call.wrapup", "\"resolved\""), 1);
    CHECK_INT(http("POST", "/api/v1/me/wrapup", bob, "{\"disposition\":\"resolved\"}", &o), 409);
    cJSON_Delete(o);
    teardown();
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    RUN(tokens);
    RUN(state_changes);
    RUN(pending_and_queues);
    RUN(history_and_detail);
    RUN(ringall_first_accept_wins);
    RUN(longest_idle_reservation_times_out);
    RUN(call_end_wrapup_and_incall);
    curl_global_cleanup();
    return check_done();
}
