/*
 * End-to-end test of the agent API and the push with `dialtone serve` and `dialtone sim`
 * (test-failures.ini): two agents made available through the API, a websocket client that
 * gets its snapshot and then the queued call and its offer, the call in both agents' pending
 * offers, both accepting at once (exactly one wins, the other gets 409), the emulator
 * showing the caller and the winner's endpoint in one conference named for the call, hold,
 * unhold, mute and hang-up by the winner (403 for the other) changing the emulator's state,
 * and the end of the call putting the winner in wrap-up until a disposition is given; and an
 * agent whose phone is busy: the caller, in its conference, offered again and connected to the
 * next agent who accepts, who then transfers it back to the queue, where a third agent takes
 * it into the same conference; an outbound call: a bad number refused before Twilio, an agent
 * on break refused, then a call to a busy number ending busy and the agent in wrap-up.
 */
#include <pthread.h>

#include "dialtone/agents.h"
#include "dialtone/netloop.h"
#include "dialtone/wsc.h"
#include "serve_e2e_agent.h"

#define WAIT 20000

#define CONF_EXTRA                                                                                 \
    "[queue \"support\"]\nmax_wait = 3600\n"                                                       \
    "[ivr]\nprompt = \"For support press 1.\"\ntimeout = 3\n1 = support\ndefault = support\n"

static struct se_agent agents[4] = {{.name = "alice", .endpoint = "client:alice"},
                                    {.name = "bob", .endpoint = "client:bob"},
                                    {.name = "carol", .endpoint = "+14155550300"}, /* busy */
                                    {.name = "dave", .endpoint = "client:dave"}};

static void add_agents(int from, int to)
{
    se_add_agents(agents + from, (size_t)(to - from), "support");
}

/* ---- the websocket client ------------------------------------------------------------------ */

static struct {
    struct netloop *loop;
    struct wsc *c;
    int opened, closed, n;
    char *msgs[256];
} ws;

static void ws_open(struct wsc *c, void *user)
{
    (void)c;
    (void)user;
    ws.opened = 1;
}

static void ws_message(struct wsc *c, const char *data, size_t len, int binary, void *user)
{
    (void)c;
    (void)len;
    (void)binary;
    (void)user;
    if (ws.n < 256)
        ws.msgs[ws.n++] = xstrdup(data);
}

static void ws_close(struct wsc *c, const struct wsc_close_info *info, void *user)
{
    (void)c;
    (void)info;
    (void)user;
    ws.closed = 1;
}

static void on_spin(struct netloop_timer *t, void *loop)
{
    (void)t;
    netloop_stop(loop);
}

static void spin(int ms)
{
    struct netloop_timer *t = netloop_timer_new(ws.loop, on_spin, ws.loop);
    netloop_timer_start(t, (uint64_t)ms);
    netloop_run(ws.loop);
    netloop_timer_free(t);
}

/* Spins until a message has type and mentions text; its index or -1. */
static int ws_wait(const char *type, const char *text, int ms)
{
    char want[80];
    snprintf(want, sizeof want, "\"type\":\"%s\"", type);
    for (int waited = 0; waited <= ms; waited += 20) {
        for (int i = 0; i < ws.n; i++)
            if (strstr(ws.msgs[i], want) && (!text || strstr(ws.msgs[i], text)))
                return i;
        spin(20);
    }
    return -1;
}

/* ---- two accepts at once ------------------------------------------------------------------- */

struct accept_run {
    const struct se_agent *a;
    char path[128];
    long status;
};

static void *accept_thread(void *p)
{
    struct accept_run *r = p;
    struct se_resp resp = se_api(r->a, "POST", r->path, NULL);
    r->status = resp.status;
    se_resp_done(&resp);
    return NULL;
}

/* 1 when the emulator's conferences show call sid with "key":true. */
static int conf_flag(const char *sid, const char *key)
{
    struct se_resp r = se_ctl("GET", "/sim/conferences", NULL);
    int found = 0;
    const cJSON *conf, *part;
    cJSON_ArrayForEach(conf, cJSON_GetObjectItemCaseSensitive(r.json, "conferences"))
    {
        cJSON_ArrayForEach(part, cJSON_GetObjectItemCaseSensitive(conf, "participants"))
        {
            const char *ps = cJSON_GetStringValue(cJSON_GetObjectItem(part, "call_sid"));
            if (ps && strcmp(ps, sid) == 0 && cJSON_IsTrue(cJSON_GetObjectItem(part, key)))
                found = 1;
        }
    }
    se_resp_done(&r);
    return found;
}

static int wait_flag(const char *sid, const char *key, int want)
{
    for (int i = 0; i < WAIT / 50; i++) {
        if (conf_flag(sid, key) == want)
            return 1;
        usleep(50000);
    }
    return 0;
}

static int in_one_conference(const char *caller, const char *room)
{
    struct se_resp r = se_ctl("GET", "/sim/conferences", NULL);
    int ok = 0;
    const cJSON *conf, *part;
    cJSON_ArrayForEach(conf, cJSON_GetObjectItemCaseSensitive(r.json, "conferences"))
    {
        const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(conf, "friendly_name"));
        if (!name || strcmp(name, room) != 0)
            continue;
        int has_caller = 0, has_agent = 0;
        cJSON_ArrayForEach(part, cJSON_GetObjectItemCaseSensitive(conf, "participants"))
        {
            const char *sid = cJSON_GetStringValue(cJSON_GetObjectItem(part, "call_sid"));
            const char *to = cJSON_GetStringValue(cJSON_GetObjectItem(part, "to"));
            has_caller |= sid && strcmp(sid, caller) == 0;
            has_agent |= to && strncmp(to, "client:", 7) == 0;
        }
        ok = has_caller && has_agent;
    }
    se_resp_done(&r);
    return ok;
}

TEST(call_offered_pushed_and_accepted_once)
{
    SE_WAIT_Q("SELECT count(*) FROM queues WHERE twilio_sid LIKE 'QU%'", "1", WAIT);
    add_agents(0, 2);
    for (int i = 0; i < 2; i++) {
        struct se_resp r =
            se_api(&agents[i], "POST", "/api/v1/me/state", "{\"state\":\"available\"}");
        CHECK_INT(r.status, 200);
        se_resp_done(&r);
    }
    struct se_resp r = se_api(&agents[0], "GET", "/api/v1/me", NULL);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(r.json, "state")), "available");
    se_resp_done(&r);

    char err[256], url[256], auth[160];
    ws.loop = netloop_new(NULL, err, sizeof err);
    snprintf(url, sizeof url, "ws://127.0.0.1:%d/api/v1/events", se.port);
    snprintf(auth, sizeof auth, "Bearer %s", agents[0].token);
    struct wsc_header h = {.name = "Authorization", .value = auth};
    struct wsc_options o = {.url = url,
                            .headers = &h,
                            .nheaders = 1,
                            .on_open = ws_open,
                            .on_message = ws_message,
                            .on_close = ws_close};
    ws.c = wsc_new(ws.loop, &o, err, sizeof err);
    CHECK(ws.c != NULL);
    CHECK(ws_wait("snapshot", "\"alice\"", WAIT) == 0);

    struct se_resp pc = se_ctl("POST", "/sim/calls",
                               "{\"from\": \"+14155550123\", \"patience\": 0, \"digits\": \"1\"}");
    CHECK_INT(pc.status, 201);
    char caller[64], room[96], path[128];
    const cJSON *call = cJSON_GetObjectItemCaseSensitive(pc.json, "call");
    dt_strlcpy(caller, call ? cJSON_GetStringValue(cJSON_GetObjectItem(call, "sid")) : "",
               sizeof caller);
    se_resp_done(&pc);
    CHECK(caller[0] == 'C');
    snprintf(room, sizeof room, "call-%s", caller);

    /* pushed: the call queued, then alice's offer */
    int q = ws_wait("call.queued", caller, WAIT);
    int off = ws_wait("offer.created", "\"alice\"", WAIT);
    CHECK(q >= 0 && off > q);
    /* the offer says who is calling, so a popup needs no other list */
    CHECK(off >= 0 && strstr(ws.msgs[off], "\"from\":\"+14155550123\""));
    for (int i = 1; i < ws.n; i++) { /* in seq order */
        cJSON *a = cJSON_Parse(ws.msgs[i - 1]), *b = cJSON_Parse(ws.msgs[i]);
        if (i > 1)
            CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(a, "seq")) <
                  cJSON_GetNumberValue(cJSON_GetObjectItem(b, "seq")));
        cJSON_Delete(a);
        cJSON_Delete(b);
    }
    for (int i = 0; i < 2; i++) {
        r = se_api(&agents[i], "GET", "/api/v1/calls/pending", NULL);
        CHECK_INT(r.status, 200);
        CHECK(r.body.data && strstr(r.body.data, caller));
        CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "offers")), 1);
        se_resp_done(&r);
    }

    /* both accept at once: exactly one wins */
    snprintf(path, sizeof path, "/api/v1/calls/%s/accept", caller);
    struct accept_run runs[2] = {{.a = &agents[0]}, {.a = &agents[1]}};
    pthread_t th[2];
    for (int i = 0; i < 2; i++) {
        dt_strlcpy(runs[i].path, path, sizeof runs[i].path);
        pthread_create(&th[i], NULL, accept_thread, &runs[i]);
    }
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    CHECK((runs[0].status == 200 && runs[1].status == 409) ||
          (runs[0].status == 409 && runs[1].status == 200));
    const char *winner = runs[0].status == 200 ? "alice" : "bob";
    char want[64];
    snprintf(want, sizeof want, "\"agent\":\"%s\"", winner);
    CHECK(ws_wait("call.assigned", want, WAIT) >= 0);

    /* the caller left Twilio's queue for the room, the winner's leg joined it */
    char sqlbuf[256];
    snprintf(sqlbuf, sizeof sqlbuf, "SELECT conference FROM calls WHERE sid = '%s'", caller);
    SE_WAIT_Q(sqlbuf, room, WAIT);
    CHECK(ws_wait("call.connected", caller, WAIT) >= 0);
    int ok = 0;
    for (int i = 0; i < WAIT / 100 && !ok; i++) {
        ok = in_one_conference(caller, room);
        if (!ok)
            usleep(100000);
    }
    CHECK(ok);
    r = se_api(&agents[runs[0].status == 200 ? 0 : 1], "GET", "/api/v1/me", NULL);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(r.json, "state")), "busy");
    se_resp_done(&r);
    r = se_get("/metrics");
    CHECK(r.body.data && strstr(r.body.data, "dialtone_push_clients 1\n"));
    CHECK(r.body.data && strstr(r.body.data, "dialtone_agents{state=\"busy\"} 1\n"));
    CHECK(r.body.data && strstr(r.body.data, "dialtone_agents{state=\"available\"} 1\n"));
    se_resp_done(&r);

    /* in the call: hold, mute and hang up through the API change the emulator's state */
    const struct se_agent *w = &agents[runs[0].status == 200 ? 0 : 1];
    const struct se_agent *l = &agents[runs[0].status == 200 ? 1 : 0];
    char act[160];
    snprintf(sqlbuf, sizeof sqlbuf, "SELECT conference_sid LIKE 'CF%%' FROM calls WHERE sid = '%s'",
             caller);
    SE_WAIT_Q(sqlbuf, "1", WAIT);
    snprintf(act, sizeof act, "/api/v1/calls/%s/hold", caller);
    r = se_api(l, "POST", act, NULL);
    CHECK_INT(r.status, 403); /* not the loser's call */
    se_resp_done(&r);
    r = se_api(w, "POST", act, NULL);
    CHECK_INT(r.status, 202);
    se_resp_done(&r);
    CHECK(wait_flag(caller, "hold", 1));
    snprintf(act, sizeof act, "/api/v1/calls/%s/unhold", caller);
    r = se_api(w, "POST", act, NULL);
    se_resp_done(&r);
    CHECK(wait_flag(caller, "hold", 0));
    snprintf(act, sizeof act, "/api/v1/calls/%s/mute", caller);
    r = se_api(w, "POST", act, NULL);
    CHECK_INT(r.status, 202);
    se_resp_done(&r);
    CHECK(wait_flag(caller, "muted", 1));
    snprintf(act, sizeof act, "/api/v1/calls/%s/hangup", caller);
    r = se_api(w, "POST", act, NULL);
    CHECK_INT(r.status, 202);
    se_resp_done(&r);
    snprintf(sqlbuf, sizeof sqlbuf, "SELECT status FROM calls WHERE sid = '%s'", caller);
    SE_WAIT_Q(sqlbuf, "completed", WAIT);
    int wrap = 0;
    for (int i = 0; i < WAIT / 50 && !wrap; i++) {
        r = se_api(w, "GET", "/api/v1/me", NULL);
        const char *st = cJSON_GetStringValue(cJSON_GetObjectItem(r.json, "state"));
        wrap = st && strcmp(st, "wrap-up") == 0;
        se_resp_done(&r);
        if (!wrap)
            usleep(50000);
    }
    CHECK(wrap);
    r = se_api(w, "POST", "/api/v1/me/wrapup",
               "{\"disposition\": \"resolved\", \"notes\": \"ok\"}");
    CHECK_INT(r.status, 200);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(r.json, "state")), "available");
    se_resp_done(&r);

    wsc_free(ws.c);
    spin(20);
    for (int i = 0; i < ws.n; i++)
        free(ws.msgs[i]);
    netloop_free(ws.loop);
}

/* Accepts sid as a; the status. */
static long accept_as(const struct se_agent *a, const char *sid)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/calls/%s/accept", sid);
    return se_post(a, path, NULL);
}

static void set_state(const struct se_agent *a, const char *json)
{
    CHECK_INT(se_post(a, "/api/v1/me/state", json), 200);
}

TEST(failed_agent_leg_puts_the_caller_back)
{
    add_agents(2, 4);
    set_state(&agents[0], "{\"state\":\"offline\"}");
    set_state(&agents[1], "{\"state\":\"break\",\"reason\":\"coffee\"}");
    set_state(&agents[2], "{\"state\":\"available\"}");
    struct se_resp pc = se_ctl("POST", "/sim/calls",
                               "{\"from\": \"+14155550124\", \"patience\": 0, \"digits\": \"1\"}");
    CHECK_INT(pc.status, 201);
    char caller[64], room[96], sqlbuf[256];
    const cJSON *call = cJSON_GetObjectItemCaseSensitive(pc.json, "call");
    dt_strlcpy(caller, call ? cJSON_GetStringValue(cJSON_GetObjectItem(call, "sid")) : "",
               sizeof caller);
    se_resp_done(&pc);
    snprintf(room, sizeof room, "call-%s", caller);
    snprintf(sqlbuf, sizeof sqlbuf,
             "SELECT count(*) FROM events WHERE type = 'offer.created' AND data LIKE '%%%s%%'",
             caller);
    SE_WAIT_Q(sqlbuf, "1", WAIT);
    /* carol's phone is busy: the caller, already in its room, is offered again */
    CHECK_INT(accept_as(&agents[2], caller), 200);
    snprintf(sqlbuf, sizeof sqlbuf,
             "SELECT count(*) FROM events WHERE type = 'call.connect_failed' AND data LIKE "
             "'%%%s%%'",
             caller);
    SE_WAIT_Q(sqlbuf, "1", WAIT);
    snprintf(sqlbuf, sizeof sqlbuf, "SELECT conference FROM calls WHERE sid = '%s'", caller);
    CHECK_STR(se_q("%s", sqlbuf), room);
    set_state(&agents[2], "{\"state\":\"break\",\"reason\":\"phone\"}");
    set_state(&agents[3], "{\"state\":\"available\"}");
    struct se_resp r = se_api(&agents[3], "GET", "/api/v1/calls/pending", NULL);
    CHECK(r.body.data && strstr(r.body.data, caller));
    se_resp_done(&r);
    CHECK_INT(accept_as(&agents[3], caller), 200);
    int ok = 0;
    for (int i = 0; i < WAIT / 100 && !ok; i++) {
        ok = in_one_conference(caller, room);
        if (!ok)
            usleep(100000);
    }
    CHECK(ok);
    snprintf(sqlbuf, sizeof sqlbuf,
             "SELECT count(*) FROM events WHERE type = 'call.connected' AND data LIKE '%%%s%%' "
             "AND data LIKE '%%dave%%'",
             caller);
    SE_WAIT_Q(sqlbuf, "1", WAIT);

    /* dave sends the caller back to the queue: he wraps up, bob gets it and is connected */
    char path[128];
    snprintf(path, sizeof path, "/api/v1/calls/%s/transfer", caller);
    r = se_api(&agents[3], "POST", path, "{\"queue\": \"support\"}");
    CHECK_INT(r.status, 202);
    se_resp_done(&r);
    snprintf(sqlbuf, sizeof sqlbuf,
             "SELECT count(*) FROM events WHERE type = 'call.transferred' AND data LIKE '%%%s%%'",
             caller);
    SE_WAIT_Q(sqlbuf, "1", WAIT);
    SE_WAIT_Q("SELECT state FROM agents WHERE name = 'dave'", "wrap-up", WAIT);
    int queued = 0;
    for (int i = 0; i < WAIT / 100 && !queued; i++) {
        struct se_resp qr = se_ctl("GET", "/sim/queues", NULL);
        queued = qr.body.data && strstr(qr.body.data, caller);
        se_resp_done(&qr);
        if (!queued)
            usleep(100000);
    }
    CHECK(queued);
    set_state(&agents[1], "{\"state\":\"available\"}");
    CHECK_INT(accept_as(&agents[1], caller), 200);
    snprintf(sqlbuf, sizeof sqlbuf,
             "SELECT count(*) FROM events WHERE type = 'call.connected' AND data LIKE '%%%s%%' "
             "AND data LIKE '%%bob%%'",
             caller);
    SE_WAIT_Q(sqlbuf, "1", WAIT);
    ok = 0;
    for (int i = 0; i < WAIT / 100 && !ok; i++) {
        ok = in_one_conference(caller, room);
        if (!ok)
            usleep(100000);
    }
    CHECK(ok);
}

TEST(outbound_dial)
{
    set_state(&agents[0], "{\"state\":\"available\"}");
    struct se_resp r = se_api(&agents[0], "POST", "/api/v1/calls", "{\"to\": \"+0123\"}");
    CHECK_INT(r.status, 400);
    CHECK_STR(
        cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(r.json, "error"), "code")),
        "bad_number");
    se_resp_done(&r);
    CHECK_STR(se_q("SELECT count(*) FROM calls WHERE to_number = '+0123'"), "0");
    r = se_api(&agents[2], "POST", "/api/v1/calls", "{\"to\": \"+14155550300\"}");
    CHECK_INT(r.status, 409); /* carol is on break */
    se_resp_done(&r);
    r = se_api(&agents[0], "POST", "/api/v1/calls", "{\"to\": \"+14155550300\"}");
    CHECK_INT(r.status, 202);
    const char *room = cJSON_GetStringValue(cJSON_GetObjectItem(r.json, "conference"));
    CHECK(room && strncmp(room, "out-", 4) == 0);
    se_resp_done(&r);
    SE_WAIT_Q("SELECT state FROM agents WHERE name = 'alice'", "busy", 2000);
    SE_WAIT_Q("SELECT count(*) FROM events WHERE type = 'call.dialing' AND data LIKE "
              "'%+14155550300%'",
              "1", WAIT);
    /* the customer is busy: the call ends so, the agent's leg is hung up, alice wraps up */
    SE_WAIT_Q("SELECT status FROM calls WHERE to_number = '+14155550300' AND direction = "
              "'outbound-api' ORDER BY created_ms DESC LIMIT 1",
              "busy", WAIT);
    SE_WAIT_Q("SELECT state FROM agents WHERE name = 'alice'", "wrap-up", WAIT);
}

/* The agent's participant in room, from the emulator: its "from" into out, 1 when found. */
static int agent_leg_from(const char *room, char *out, size_t outsz)
{
    struct se_resp r = se_ctl("GET", "/sim/conferences", NULL);
    int found = 0;
    const cJSON *conf, *part;
    cJSON_ArrayForEach(conf, cJSON_GetObjectItemCaseSensitive(r.json, "conferences"))
    {
        const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(conf, "friendly_name"));
        if (!name || strcmp(name, room) != 0)
            continue;
        cJSON_ArrayForEach(part, cJSON_GetObjectItemCaseSensitive(conf, "participants"))
        {
            const char *to = cJSON_GetStringValue(cJSON_GetObjectItem(part, "to"));
            const char *from = cJSON_GetStringValue(cJSON_GetObjectItem(part, "from"));
            if (to && strncmp(to, "client:", 7) == 0 && from) {
                dt_strlcpy(out, from, outsz);
                found = 1;
            }
        }
    }
    se_resp_done(&r);
    return found;
}

/* Without [twilio] numbers: an agent's leg shows the number the caller dialled; dialing out
 * is refused in words before Twilio is asked. */
TEST(no_numbers_configured)
{
    CHECK(se_stop(&se.daemon, SIGTERM) >= 0);
    se.no_numbers = 1;
    CHECK_INT(se_write_config(), 0);
    CHECK_INT(se_start_daemon(), 0);
    set_state(&agents[0], "{\"state\":\"available\"}");
    struct se_resp r = se_api(&agents[0], "POST", "/api/v1/calls", "{\"to\": \"+14155550300\"}");
    CHECK_INT(r.status, 409);
    CHECK(r.body.data && strstr(r.body.data, "no_caller_id"));
    se_resp_done(&r);

    struct se_resp pc = se_ctl("POST", "/sim/calls",
                               "{\"from\": \"+14155550126\", \"patience\": 0, \"digits\": \"1\"}");
    CHECK_INT(pc.status, 201);
    char caller[64], room[96], sqlbuf[256], from[64] = "";
    const cJSON *call = cJSON_GetObjectItemCaseSensitive(pc.json, "call");
    dt_strlcpy(caller, call ? cJSON_GetStringValue(cJSON_GetObjectItem(call, "sid")) : "",
               sizeof caller);
    se_resp_done(&pc);
    snprintf(room, sizeof room, "call-%s", caller);
    snprintf(sqlbuf, sizeof sqlbuf,
             "SELECT count(*) FROM events WHERE type = 'offer.created' AND data LIKE '%%%s%%' "
             "AND data LIKE '%%alice%%'",
             caller);
    SE_WAIT_Q(sqlbuf, "1", WAIT);
    CHECK_INT(accept_as(&agents[0], caller), 200);
    int ok = 0;
    for (int i = 0; i < WAIT / 100 && !ok; i++) {
        ok = agent_leg_from(room, from, sizeof from);
        if (!ok)
            usleep(100000);
    }
    CHECK(ok);
    snprintf(sqlbuf, sizeof sqlbuf, "SELECT to_number FROM calls WHERE sid = '%s'", caller);
    CHECK_STR(from, se_q("%s", sqlbuf));
    CHECK(from[0] == '+');
}

int main(void)
{
    if (se_setup("data/scenarios/test-failures.ini", "10", CONF_EXTRA) != 0) {
        printf("setup failed\n");
        se_teardown();
        return 1;
    }
    RUN(call_offered_pushed_and_accepted_once);
    RUN(failed_agent_leg_puts_the_caller_back);
    RUN(outbound_dial);
    RUN(no_numbers_configured);
    se_teardown();
    return check_done();
}
