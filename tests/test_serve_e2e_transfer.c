/*
 * End-to-end test of transfers with `dialtone serve` and `dialtone sim` (test-failures.ini):
 * the agents list (endpoints for supervisors only) and the dispositions in /me; refusals (an
 * unknown, offline, busy or same target agent, a warm transfer to a queue, another agent's
 * call); a cold transfer to an agent (the caller with the new agent in the emulator's
 * conference, the first agent gone and in wrap-up, hold now the new agent's); a warm transfer
 * to a number completed (the caller with the number, the agent gone), one to a busy number
 * failing, and one to an agent canceled then completed (mute then the new agent's); a cold
 * transfer to an agent whose phone is busy (the caller back first in line, on hold, until the
 * next agent joins); a warm transfer of an outbound call (its conference lives on); and hold on a
 * call that went back to its queue and on to another agent, in a new conference of the same name
 * (the conference sid must follow), with signed conference callbacks that reuse sequence numbers.
 * The wallboard counts a call that alice answered and handed cold to bob as handled by both,
 * and by its queue once; for one that erin hands to fay, each agent's AHT is their own time
 * with the caller plus their own wrap-up (erin's too), and the queue's takes both wrap-ups.
 */
#include <math.h>

#include "dialtone/agents.h"
#include "serve_e2e_agent.h"

#define WAIT 20000

#define CONF_EXTRA                                                                                 \
    "[queue \"support\"]\nmax_wait = 3600\n"                                                       \
    "[dispositions]\nresolved = Resolved\nspam = Spam call\n"

#define PARTY "+14155550199" /* no endpoint in the scenario: answers as a person */

static struct se_agent agents[] = {
    {.name = "alice", .endpoint = "client:alice", .role = "agent"},
    {.name = "bob", .endpoint = "client:bob", .role = "agent"},
    {.name = "carol", .endpoint = "client:carol", .role = "agent"},
    {.name = "dan", .endpoint = "+14155550300", .role = "agent"}, /* busy */
    {.name = "sue", .endpoint = "client:sue", .role = "supervisor"},
    {.name = "erin", .endpoint = "client:erin", .role = "agent"}, /* one call, for the AHT */
    {.name = "fay", .endpoint = "client:fay", .role = "agent"},
};
enum { ALICE, BOB, CAROL, DAN, SUE, ERIN, FAY, NAGENTS };

static void add_agents(void)
{
    se_add_agents(agents, NAGENTS, "support");
}

static struct se_resp api(int who, const char *method, const char *path, const char *body)
{
    return se_api(&agents[who], method, path, body);
}

/* POSTs /api/v1/calls/{sid}/{action} as who; the status, and the error code in code. */
static long act(int who, const char *sid, const char *action, const char *body, char *code,
                size_t n)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/calls/%s/%s", sid, action);
    struct se_resp r = api(who, "POST", path, body);
    long st = r.status;
    const char *c =
        cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(r.json, "error"), "code"));
    if (code)
        dt_strlcpy(code, c ? c : "", n);
    se_resp_done(&r);
    return st;
}

static void set_state(int who, const char *json)
{
    CHECK_INT(se_post(&agents[who], "/api/v1/me/state", json), 200);
}

/* ---- the emulator's conferences ------------------------------------------------------------ */

/* Whether the live conference room has a participant whose call sid or "to" is who, with
 * "key":true when key is not NULL. */
static int in_room(const char *room, const char *who, const char *key)
{
    struct se_resp r = se_ctl("GET", "/sim/conferences", NULL);
    int found = 0;
    const cJSON *conf, *part;
    cJSON_ArrayForEach(conf, cJSON_GetObjectItemCaseSensitive(r.json, "conferences"))
    {
        const char *name = se_str(conf, "friendly_name"), *st = se_str(conf, "status");
        if (!name || strcmp(name, room) != 0 || (st && strcmp(st, "completed") == 0))
            continue;
        cJSON_ArrayForEach(part, cJSON_GetObjectItemCaseSensitive(conf, "participants"))
        {
            const char *sid = se_str(part, "call_sid"), *to = se_str(part, "to");
            if (((sid && strcmp(sid, who) == 0) || (to && strcmp(to, who) == 0)) &&
                (!key || cJSON_IsTrue(cJSON_GetObjectItem(part, key))))
                found = 1;
        }
    }
    se_resp_done(&r);
    return found;
}

static int wait_room(const char *room, const char *who, const char *key, int want)
{
    for (int i = 0; i < WAIT / 50; i++) {
        if (in_room(room, who, key) == want)
            return 1;
        usleep(50000);
    }
    printf("  waited for %s %s %s in %s to be %d\n", who, key ? "with" : "", key ? key : "", room,
           want);
    return 0;
}

static int count_events(const char *type, const char *a, const char *b)
{
    return atoi(se_q("SELECT count(*) FROM events WHERE type = '%s' AND data LIKE '%%%s%%' AND "
                     "data LIKE '%%%s%%'",
                     type, a, b ? b : ""));
}

static int wait_event(const char *type, const char *a, const char *b, int want)
{
    for (int i = 0; i < WAIT / 50; i++) {
        if (count_events(type, a, b) >= want)
            return 1;
        usleep(50000);
    }
    printf("  no %s event with %s %s\n", type, a, b ? b : "");
    return 0;
}

static int wait_state(int who, const char *state)
{
    char sql[160], buf[64];
    snprintf(sql, sizeof sql, "SELECT state FROM agents WHERE name = '%s'", agents[who].name);
    return strcmp(se_wait_q(sql, state, WAIT, buf, sizeof buf), state) == 0;
}

/* A new caller taken by agent who: its sid in sid, its room in room; 0 or -1. */
static int call_for(int who, char *sid, size_t n, char *room, size_t rn)
{
    struct se_resp pc =
        se_ctl("POST", "/sim/calls", "{\"from\": \"+14155550123\", \"patience\": 0}");
    const cJSON *call = cJSON_GetObjectItemCaseSensitive(pc.json, "call");
    dt_strlcpy(sid, call && se_str(call, "sid") ? se_str(call, "sid") : "", n);
    se_resp_done(&pc);
    snprintf(room, rn, "call-%s", sid);
    if (sid[0] != 'C' || !wait_event("offer.created", sid, agents[who].name, 1))
        return -1;
    if (act(who, sid, "accept", NULL, NULL, 0) != 200)
        return -1;
    char sql[200], buf[64];
    snprintf(sql, sizeof sql, "SELECT conference_sid LIKE 'CF%%' FROM calls WHERE sid = '%s'", sid);
    if (strcmp(se_wait_q(sql, "1", WAIT, buf, sizeof buf), "1") != 0 ||
        !wait_event("call.connected", sid, agents[who].name, 1) ||
        !wait_room(room, agents[who].endpoint, NULL, 1))
        return -1;
    return 0;
}

/* ---- the wallboard ------------------------------------------------------------------------- */

/* Today's handled calls of agent name (NULL: of queue support) on the wallboard, or -1. */
static int board_handled(const char *name)
{
    struct se_resp r = api(SUE, "GET", "/api/v1/wallboard", NULL);
    int n = -1;
    const cJSON *o;
    cJSON_ArrayForEach(o, cJSON_GetObjectItem(r.json, name ? "agents" : "queues"))
    {
        const char *nm = se_str(o, "name");
        if (nm && strcmp(nm, name ? name : "support") == 0 &&
            cJSON_IsNumber(cJSON_GetObjectItem(o, "handled")))
            n = (int)cJSON_GetObjectItem(o, "handled")->valuedouble;
    }
    se_resp_done(&r);
    return n;
}

/* Waits for the wallboard to show want handled calls for name (as board_handled). */
static int wait_handled(const char *name, int want)
{
    int n = -1;
    for (int i = 0; i < WAIT / 50; i++) {
        if ((n = board_handled(name)) == want)
            return 1;
        usleep(50000);
    }
    printf("  %s: %d handled on the wallboard, not %d\n", name ? name : "support", n, want);
    return 0;
}

/* Figure key (aht_s...) of agent name (NULL: of queue support) on the wallboard; -1 when null
 * or missing. */
static double board_fig(const char *name, const char *key)
{
    struct se_resp r = api(SUE, "GET", "/api/v1/wallboard", NULL);
    double v = -1;
    const cJSON *o;
    cJSON_ArrayForEach(o, cJSON_GetObjectItem(r.json, name ? "agents" : "queues"))
    {
        const char *nm = se_str(o, "name");
        if (nm && strcmp(nm, name ? name : "support") == 0 &&
            cJSON_IsNumber(cJSON_GetObjectItem(o, key)))
            v = cJSON_GetObjectItem(o, key)->valuedouble;
    }
    se_resp_done(&r);
    return v;
}

/* Waits for name's aht_s on the wallboard to be want, within tol seconds. */
static int wait_aht(const char *name, double want, double tol)
{
    double v = -1;
    for (int i = 0; i < WAIT / 50; i++) {
        if ((v = board_fig(name, "aht_s")) >= 0 && fabs(v - want) <= tol)
            return 1;
        usleep(50000);
    }
    printf("  %s: AHT %.1f s on the wallboard, not %.1f +- %.1f\n", name, v, want, tol);
    return 0;
}

static long long wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for the daemon to have stored that who's leg in call sid joined the conference (their
 * phone answered). */
static int wait_leg_joined(const char *sid, int who)
{
    char sql[400], buf[16];
    snprintf(sql, sizeof sql,
             "SELECT count(*) > 0 FROM calls l JOIN call_events e ON e.call_sid = l.sid "
             "WHERE l.parent_sid = '%s' AND l.agent = '%s' "
             "AND e.payload LIKE '%%StatusCallbackEvent=participant-join%%'",
             sid, agents[who].name);
    return strcmp(se_wait_q(sql, "1", WAIT, buf, sizeof buf), "1") == 0;
}

/* ---- the tests ----------------------------------------------------------------------------- */

TEST(agents_list_and_dispositions)
{
    SE_WAIT_Q("SELECT count(*) FROM queues WHERE twilio_sid LIKE 'QU%'", "1", WAIT);
    add_agents();
    struct se_resp r = api(ALICE, "GET", "/api/v1/agents", NULL);
    CHECK_INT(r.status, 200);
    const cJSON *arr = cJSON_GetObjectItem(r.json, "agents");
    CHECK_INT(cJSON_GetArraySize(arr), NAGENTS);
    const cJSON *a0 = cJSON_GetArrayItem(arr, 0);
    CHECK_STR(se_str(a0, "name"), "alice");
    CHECK_STR(se_str(a0, "state"), "offline");
    CHECK(cJSON_GetObjectItem(a0, "since") != NULL);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(cJSON_GetObjectItem(a0, "queues"), 0)),
              "support");
    CHECK(cJSON_GetObjectItem(a0, "endpoint") == NULL); /* not for an agent */
    CHECK(r.body.data && !strstr(r.body.data, "token") && !strstr(r.body.data, "client:"));
    se_resp_done(&r);
    r = api(SUE, "GET", "/api/v1/agents", NULL);
    CHECK_INT(r.status, 200);
    CHECK_STR(se_str(cJSON_GetArrayItem(cJSON_GetObjectItem(r.json, "agents"), 0), "endpoint"),
              "client:alice");
    se_resp_done(&r);
    r = se_get("/api/v1/agents");
    CHECK_INT(r.status, 401);
    se_resp_done(&r);

    r = api(BOB, "GET", "/api/v1/me", NULL);
    const cJSON *ds = cJSON_GetObjectItem(r.json, "dispositions");
    CHECK_INT(cJSON_GetArraySize(ds), 2);
    CHECK_STR(se_str(cJSON_GetArrayItem(ds, 1), "code"), "spam");
    CHECK_STR(se_str(cJSON_GetArrayItem(ds, 1), "label"), "Spam call");
    se_resp_done(&r);
}

TEST(cold_transfer_to_an_agent)
{
    set_state(ALICE, "{\"state\":\"available\"}");
    char sid[64], room[96], code[64];
    CHECK_INT(call_for(ALICE, sid, sizeof sid, room, sizeof room), 0);

    /* refusals */
    CHECK_INT(act(BOB, sid, "transfer", "{\"agent\": \"carol\"}", code, sizeof code), 403);
    CHECK_INT(act(ALICE, sid, "transfer", "{\"agent\": \"zed\"}", code, sizeof code), 404);
    CHECK_STR(code, "unknown_agent");
    CHECK_INT(act(ALICE, sid, "transfer", "{\"agent\": \"carol\"}", code, sizeof code), 409);
    CHECK_STR(code, "agent_unavailable"); /* carol is offline */
    CHECK_INT(act(ALICE, sid, "transfer", "{\"agent\": \"alice\"}", code, sizeof code), 400);
    CHECK_INT(
        act(ALICE, sid, "transfer", "{\"queue\": \"support\", \"warm\": true}", code, sizeof code),
        400);
    CHECK_STR(code, "warm_queue");
    CHECK_INT(act(ALICE, sid, "transfer", "{\"agent\": \"bob\", \"to\": \"+14155550199\"}", code,
                  sizeof code),
              400);
    CHECK_INT(act(ALICE, sid, "transfer/complete", NULL, code, sizeof code), 409);
    CHECK_STR(code, "no_transfer");
    CHECK_INT(count_events("call.transferred", sid, NULL), 0);

    /* bob takes it: the caller with bob, alice out and wrapping up */
    set_state(BOB, "{\"state\":\"available\"}");
    CHECK_INT(act(ALICE, sid, "transfer", "{\"agent\": \"bob\"}", code, sizeof code), 202);
    CHECK(wait_event("call.transferred", sid, "\"phase\":\"completed\"", 1));
    CHECK(wait_state(ALICE, "wrap-up"));
    CHECK(wait_state(BOB, "busy"));
    CHECK(wait_room(room, "client:bob", NULL, 1));
    CHECK(wait_room(room, "client:alice", NULL, 0));
    CHECK(wait_event("call.connected", sid, "bob", 1));
    CHECK(wait_room(room, sid, "hold", 0)); /* off hold once bob joined */
    CHECK(in_room(room, sid, NULL));

    /* the call is bob's now */
    CHECK_INT(act(ALICE, sid, "hold", NULL, code, sizeof code), 403);
    CHECK_INT(act(BOB, sid, "hold", NULL, code, sizeof code), 202);
    CHECK(wait_room(room, sid, "hold", 1));
    CHECK_INT(act(BOB, sid, "unhold", NULL, code, sizeof code), 202);
    CHECK(wait_room(room, sid, "hold", 0));

    /* bob is busy: not a target for alice's next call */
    CHECK_INT(se_wrapup(&agents[ALICE], "resolved"), 200);
    char sid2[64], room2[96];
    CHECK_INT(call_for(ALICE, sid2, sizeof sid2, room2, sizeof room2), 0);
    CHECK_INT(act(ALICE, sid2, "transfer", "{\"agent\": \"bob\"}", code, sizeof code), 409);
    CHECK_STR(code, "agent_unavailable");
    CHECK_INT(act(BOB, sid, "hangup", NULL, code, sizeof code), 202);
    CHECK(wait_state(BOB, "wrap-up"));
    se_wrapup(&agents[BOB], "resolved");

    /* a warm transfer of that call to a number, completed: the caller with the number */
    CHECK_INT(
        act(ALICE, sid2, "transfer", "{\"to\": \"" PARTY "\", \"warm\": true}", code, sizeof code),
        202);
    CHECK(wait_event("call.transferred", sid2, "\"phase\":\"started\"", 1));
    CHECK_INT(act(ALICE, sid2, "transfer", "{\"to\": \"" PARTY "\"}", code, sizeof code), 409);
    CHECK_STR(code, "transfer_in_progress");
    CHECK(wait_room(room2, sid2, "hold", 1)); /* the caller waits on hold */
    CHECK(wait_event("call.transferred", sid2, "\"phase\":\"connected\"", 1));
    CHECK(in_room(room2, PARTY, NULL) && in_room(room2, "client:alice", NULL));
    CHECK_INT(act(ALICE, sid2, "transfer/complete", NULL, code, sizeof code), 200);
    CHECK(wait_event("call.transferred", sid2, "\"phase\":\"completed\"", 1));
    CHECK(wait_room(room2, "client:alice", NULL, 0));
    CHECK(wait_room(room2, sid2, "hold", 0));
    CHECK(in_room(room2, PARTY, NULL) && in_room(room2, sid2, NULL));
    CHECK(wait_state(ALICE, "wrap-up"));
    CHECK_INT(act(ALICE, sid2, "hold", NULL, code, sizeof code), 403); /* nobody's call now */
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT status FROM calls WHERE sid = '%s'", sid2);
    CHECK_STR(se_q("%s", sql), "in-progress");
    CHECK_INT(se_wrapup(&agents[ALICE], "resolved"), 200);
}

/* alice talks to a caller, then hands the call to bob cold: the wallboard counts it handled
 * by both, the queue once. */
TEST(transfer_handled_by_both_on_the_wallboard)
{
    set_state(BOB, "{\"state\":\"offline\"}");
    set_state(ALICE, "{\"state\":\"available\"}");
    int alice0 = board_handled("alice"), bob0 = board_handled("bob"), q0 = board_handled(NULL);
    CHECK(alice0 >= 0 && bob0 >= 0 && q0 >= 0);
    char sid[64], room[96], code[64];
    CHECK_INT(call_for(ALICE, sid, sizeof sid, room, sizeof room), 0);
    CHECK(wait_leg_joined(sid, ALICE));
    CHECK(wait_handled("alice", alice0 + 1));
    CHECK_INT(board_handled("bob"), bob0);

    set_state(BOB, "{\"state\":\"available\"}");
    CHECK_INT(act(ALICE, sid, "transfer", "{\"agent\": \"bob\"}", code, sizeof code), 202);
    CHECK(wait_event("call.transferred", sid, "\"phase\":\"completed\"", 1));
    CHECK(wait_leg_joined(sid, BOB));
    CHECK(wait_handled("bob", bob0 + 1));
    CHECK(wait_handled("alice", alice0 + 1));
    CHECK(wait_handled(NULL, q0 + 1));

    CHECK_INT(act(BOB, sid, "hangup", NULL, code, sizeof code), 202);
    CHECK(wait_state(BOB, "wrap-up"));
    CHECK_INT(se_wrapup(&agents[BOB], "resolved"), 200);
    CHECK_INT(se_wrapup(&agents[ALICE], "resolved"), 200);
    CHECK_INT(board_handled("alice"), alice0 + 1);
    CHECK_INT(board_handled("bob"), bob0 + 1);
    CHECK_INT(board_handled(NULL), q0 + 1);
    CHECK_INT(board_handled("sue"), 0);
}

/* who's time with caller sid in seconds, from their leg's join to its end (both waited for). */
static double leg_with_s(const char *sid, int who)
{
    char sql[400], buf[32];
    snprintf(sql, sizeof sql,
             "SELECT count(*) > 0 FROM calls WHERE parent_sid = '%s' AND agent = '%s' AND "
             "ended_ms IS NOT NULL",
             sid, agents[who].name);
    CHECK_STR(se_wait_q(sql, "1", WAIT, buf, sizeof buf), "1");
    long long join = atoll(se_q("SELECT min(e.ts_ms) FROM calls l JOIN call_events e ON "
                                "e.call_sid = l.sid WHERE l.parent_sid = '%s' AND l.agent = '%s' "
                                "AND e.payload LIKE '%%StatusCallbackEvent=participant-join%%'",
                                sid, agents[who].name));
    long long end = atoll(se_q("SELECT max(ended_ms) FROM calls WHERE parent_sid = '%s' AND "
                               "agent = '%s'",
                               sid, agents[who].name));
    CHECK(join > 0 && end > join);
    return (double)(end - join) / 1000.0;
}

/* who, in wrap-up after call sid, saves it after about secs: their stored wrap-up (checked
 * against the time it took), in seconds. */
static double timed_wrapup(const char *sid, int who, int secs)
{
    char sql[300], buf[32];
    CHECK(wait_state(who, "wrap-up"));
    snprintf(sql, sizeof sql,
             "SELECT started_ms > 0 FROM agent_wrapups WHERE call_sid = '%s' AND agent = '%s'", sid,
             agents[who].name);
    CHECK_STR(se_wait_q(sql, "1", WAIT, buf, sizeof buf), "1");
    long long started = atoll(se_q("SELECT started_ms FROM agent_wrapups WHERE call_sid = '%s' "
                                   "AND agent = '%s'",
                                   sid, agents[who].name));
    usleep((useconds_t)secs * 1000000);
    long long before = wall_ms();
    CHECK_INT(se_wrapup(&agents[who], "resolved"), 200);
    long long after = wall_ms();
    snprintf(sql, sizeof sql,
             "SELECT started_ms IS NULL FROM agent_wrapups WHERE call_sid = '%s' AND agent = '%s'",
             sid, agents[who].name);
    CHECK_STR(se_wait_q(sql, "1", WAIT, buf, sizeof buf), "1");
    long long w = atoll(se_q("SELECT wrapup_s FROM agent_wrapups WHERE call_sid = '%s' AND "
                             "agent = '%s'",
                             sid, agents[who].name));
    CHECK(w >= secs && w * 1000 <= after - started && (w + 1) * 1000 > before - started);
    return (double)w;
}

/* erin takes a caller and hands it to fay cold, then wraps up for about 3 s; fay talks on, hangs
 * up and wraps up for about 1 s. Each one's AHT on the wallboard (their only call) is their own
 * time with the caller plus their own wrap-up, within a second and a half of what the store
 * says of their leg and wrap-up; the call's wrap-up (the queue's) is both of theirs. */
TEST(each_agents_wrapup_in_their_aht)
{
    for (int i = ALICE; i < NAGENTS; i++) /* no one else takes the call */
        if (i != ERIN && strcmp(se_q("SELECT state FROM agents WHERE name = '%s'", agents[i].name),
                                "available") == 0)
            set_state(i, "{\"state\":\"offline\"}");
    set_state(ERIN, "{\"state\":\"available\"}");
    char sid[64], room[96], code[64];
    CHECK_INT(call_for(ERIN, sid, sizeof sid, room, sizeof room), 0);
    CHECK(wait_leg_joined(sid, ERIN));
    usleep(1500000);
    set_state(FAY, "{\"state\":\"available\"}");
    CHECK_INT(act(ERIN, sid, "transfer", "{\"agent\": \"fay\"}", code, sizeof code), 202);
    CHECK(wait_event("call.transferred", sid, "\"phase\":\"completed\"", 1));
    CHECK(wait_leg_joined(sid, FAY));
    double erin_wrap = timed_wrapup(sid, ERIN, 3);
    double erin_with = leg_with_s(sid, ERIN);
    CHECK(wait_aht("erin", erin_with + erin_wrap, 1.5));
    CHECK(board_fig("erin", "aht_s") > erin_with + 1.5); /* her wrap-up is in it */

    CHECK_INT(act(FAY, sid, "hangup", NULL, code, sizeof code), 202);
    double fay_wrap = timed_wrapup(sid, FAY, 1);
    double fay_with = leg_with_s(sid, FAY);
    CHECK(wait_aht("fay", fay_with + fay_wrap, 1.5));

    /* the call's wrap-up, which the queue's AHT reads, is both of theirs */
    char want[32];
    snprintf(want, sizeof want, "%lld", (long long)(erin_wrap + fay_wrap));
    CHECK_STR(se_q("SELECT wrapup_s FROM call_kpi WHERE call_sid = '%s'", sid), want);
    set_state(ERIN, "{\"state\":\"offline\"}");
    set_state(FAY, "{\"state\":\"offline\"}");
}

TEST(warm_transfer_to_an_agent_canceled_then_completed)
{
    set_state(BOB, "{\"state\":\"offline\"}");
    char sid[64], room[96], code[64];
    CHECK_INT(call_for(ALICE, sid, sizeof sid, room, sizeof room), 0);
    /* a busy number: the transfer fails, the caller is alice's again, off hold */
    CHECK_INT(act(ALICE, sid, "transfer", "{\"to\": \"+14155550300\", \"warm\": true}", code,
                  sizeof code),
              202);
    CHECK(wait_event("call.transferred", sid, "\"phase\":\"failed\"", 1));
    CHECK(wait_room(room, sid, "hold", 0));
    CHECK(in_room(room, "client:alice", NULL));
    CHECK_INT(act(ALICE, sid, "transfer/complete", NULL, code, sizeof code), 409);
    set_state(CAROL, "{\"state\":\"available\"}");
    CHECK_INT(
        act(ALICE, sid, "transfer", "{\"agent\": \"carol\", \"warm\": true}", code, sizeof code),
        202);
    CHECK(wait_state(CAROL, "busy"));
    CHECK(wait_event("call.transferred", sid, "\"phase\":\"connected\"", 1));
    CHECK(in_room(room, "client:carol", NULL) && in_room(room, "client:alice", NULL));
    CHECK(wait_room(room, sid, "hold", 1));
    CHECK_INT(act(CAROL, sid, "transfer/cancel", NULL, code, sizeof code), 403);
    CHECK_INT(act(ALICE, sid, "transfer/cancel", NULL, code, sizeof code), 200);
    CHECK(wait_event("call.transferred", sid, "\"phase\":\"canceled\"", 1));
    CHECK(wait_room(room, "client:carol", NULL, 0));
    CHECK(wait_room(room, sid, "hold", 0));
    CHECK(wait_state(CAROL, "available"));
    CHECK(in_room(room, "client:alice", NULL));
    CHECK_INT(act(ALICE, sid, "transfer/cancel", NULL, code, sizeof code), 409);

    /* again, completed: the call is carol's, mute is hers */
    CHECK_INT(
        act(ALICE, sid, "transfer", "{\"agent\": \"carol\", \"warm\": true}", code, sizeof code),
        202);
    CHECK(wait_event("call.transferred", sid, "\"phase\":\"connected\"", 2));
    CHECK_INT(act(ALICE, sid, "transfer/complete", NULL, code, sizeof code), 200);
    CHECK(wait_room(room, "client:alice", NULL, 0));
    CHECK(wait_room(room, sid, "hold", 0));
    CHECK(in_room(room, "client:carol", NULL));
    CHECK(wait_state(ALICE, "wrap-up"));
    CHECK_STR(se_q("SELECT state FROM agents WHERE name = 'carol'"), "busy");
    CHECK_INT(act(ALICE, sid, "mute", NULL, code, sizeof code), 403);
    CHECK_INT(act(CAROL, sid, "mute", NULL, code, sizeof code), 202);
    CHECK(wait_room(room, sid, "muted", 1));
    CHECK_INT(act(CAROL, sid, "hangup", NULL, code, sizeof code), 202);
    CHECK(wait_state(CAROL, "wrap-up"));
    CHECK_INT(se_wrapup(&agents[ALICE], "spam"), 200);
    CHECK_INT(se_wrapup(&agents[CAROL], "resolved"), 200);
}

TEST(cold_transfer_to_an_agent_whose_phone_is_busy)
{
    set_state(CAROL, "{\"state\":\"offline\"}");
    char sid[64], room[96], code[64];
    CHECK_INT(call_for(ALICE, sid, sizeof sid, room, sizeof room), 0);
    set_state(DAN, "{\"state\":\"available\"}");
    CHECK_INT(act(ALICE, sid, "transfer", "{\"agent\": \"dan\"}", code, sizeof code), 202);
    CHECK(wait_event("call.transferred", sid, "\"phase\":\"completed\"", 1));
    CHECK(wait_state(ALICE, "wrap-up"));
    /* dan's leg is busy: dan is free again, the caller waits first in line, on hold */
    CHECK(wait_event("call.connect_failed", sid, "dan", 1));
    CHECK(wait_state(DAN, "available"));
    CHECK(in_room(room, sid, "hold"));
    CHECK(wait_room(room, "client:alice", NULL, 0));
    set_state(DAN, "{\"state\":\"break\",\"reason\":\"phone\"}");
    set_state(CAROL, "{\"state\":\"available\"}");
    CHECK(wait_event("offer.created", sid, "carol", 1));
    CHECK_INT(act(CAROL, sid, "accept", NULL, code, sizeof code), 200);
    CHECK(wait_event("call.connected", sid, "carol", 1));
    CHECK(wait_room(room, "client:carol", NULL, 1));
    CHECK(wait_room(room, sid, "hold", 0)); /* with carol, off hold */
    CHECK_INT(act(CAROL, sid, "hangup", NULL, code, sizeof code), 202);
    CHECK(wait_state(CAROL, "wrap-up"));
    CHECK_INT(se_wrapup(&agents[CAROL], "resolved"), 200);
    CHECK_INT(se_wrapup(&agents[ALICE], "resolved"), 200);
}

/* An outbound call's legs end the conference on leaving: the transfer must take the agent's
 * out without ending it. */
TEST(warm_transfer_of_an_outbound_call)
{
    set_state(CAROL, "{\"state\":\"offline\"}");
    struct se_resp r = api(ALICE, "POST", "/api/v1/calls", "{\"to\": \"" PARTY "\"}");
    CHECK_INT(r.status, 202);
    char room[64], sid[64], code[64], sql[200];
    dt_strlcpy(room, se_str(r.json, "conference") ? se_str(r.json, "conference") : "", sizeof room);
    se_resp_done(&r);
    CHECK(wait_event("call.dialing", room, NULL, 1));
    dt_strlcpy(sid,
               se_q("SELECT json_extract(data, '$.call_sid') FROM events WHERE type = "
                    "'call.dialing' AND data LIKE '%%%s%%'",
                    room),
               sizeof sid);
    CHECK(sid[0] == 'C');
    snprintf(sql, sizeof sql, "SELECT conference_sid LIKE 'CF%%' FROM calls WHERE sid = '%s'", sid);
    SE_WAIT_Q(sql, "1", WAIT);
    CHECK(wait_room(room, sid, NULL, 1));
    set_state(CAROL, "{\"state\":\"available\"}");
    CHECK_INT(
        act(ALICE, sid, "transfer", "{\"agent\": \"carol\", \"warm\": true}", code, sizeof code),
        202);
    CHECK(wait_event("call.transferred", sid, "\"phase\":\"connected\"", 1));
    CHECK_INT(act(ALICE, sid, "transfer/complete", NULL, code, sizeof code), 200);
    CHECK(wait_room(room, "client:alice", NULL, 0));
    CHECK(wait_room(room, sid, "hold", 0));
    CHECK(in_room(room, "client:carol", NULL) && in_room(room, sid, NULL));
    snprintf(sql, sizeof sql, "SELECT status FROM calls WHERE sid = '%s'", sid);
    CHECK_STR(se_q("%s", sql), "in-progress");
    CHECK(wait_state(ALICE, "wrap-up"));
    CHECK_INT(act(CAROL, sid, "hangup", NULL, code, sizeof code), 202);
    SE_WAIT_Q(sql, "completed", WAIT);
    CHECK(wait_state(CAROL, "wrap-up"));
    CHECK(wait_room(room, "client:carol", NULL, 0));
    CHECK_INT(se_wrapup(&agents[CAROL], "resolved"), 200);
    CHECK_INT(se_wrapup(&agents[ALICE], "resolved"), 200);
}

/* The call's stored conference sid follows it into a new conference of the same name. */
TEST(hold_after_the_call_moved_to_a_new_conference)
{
    set_state(CAROL, "{\"state\":\"offline\"}");
    char sid[64], room[96], code[64], sql[200];
    CHECK_INT(call_for(ALICE, sid, sizeof sid, room, sizeof room), 0);
    snprintf(sql, sizeof sql, "SELECT conference_sid FROM calls WHERE sid = '%s'", sid);
    char first[64];
    dt_strlcpy(first, se_q("%s", sql), sizeof first);
    CHECK_INT(act(ALICE, sid, "transfer", "{\"queue\": \"support\"}", code, sizeof code), 202);
    CHECK(wait_state(ALICE, "wrap-up"));
    set_state(BOB, "{\"state\":\"available\"}");
    CHECK(wait_event("offer.created", sid, "bob", 1));
    CHECK_INT(act(BOB, sid, "accept", NULL, code, sizeof code), 200);
    CHECK(wait_event("call.connected", sid, "bob", 1));
    CHECK(wait_room(room, "client:bob", NULL, 1));
    for (int i = 0; i < WAIT / 50 && strcmp(se_q("%s", sql), first) == 0; i++)
        usleep(50000);
    CHECK(strcmp(se_q("%s", sql), first) != 0); /* the new conference's sid */
    CHECK_INT(act(BOB, sid, "hold", NULL, code, sizeof code), 202);
    CHECK(wait_room(room, sid, "hold", 1));
    CHECK_INT(act(BOB, sid, "mute", NULL, code, sizeof code), 202);
    CHECK(wait_room(room, sid, "muted", 1));

    /* signed callbacks: a new conference numbering from 1 again is not a repeat, a late leave
     * from the old one does not take the call back */
    const char *const steps[][3] = {
        {"CF00000000000000000000000000000001", "participant-join", "1"},
        {"CF00000000000000000000000000000002", "participant-join", "1"},
        {"CF00000000000000000000000000000001", "participant-leave", "2"}};
    for (size_t i = 0; i < 3; i++) {
        char *body = se_form("AccountSid", SE_ACCOUNT, "ConferenceSid", steps[i][0], "FriendlyName",
                             "call-CAfeed", "StatusCallbackEvent", steps[i][1], "SequenceNumber",
                             steps[i][2], "CallSid", "CA000000000000000000000000000000fe", NULL);
        struct se_resp r = se_hook("/twilio/conference", body, 1);
        CHECK_INT(r.status, 200);
        se_resp_done(&r);
        free(body);
    }
    CHECK_STR(se_q("SELECT conference_sid FROM calls WHERE sid = "
                   "'CA000000000000000000000000000000fe'"),
              "CF00000000000000000000000000000002");
    CHECK_STR(se_q("SELECT count(*) FROM call_events WHERE call_sid = "
                   "'CA000000000000000000000000000000fe'"),
              "3");
}

int main(void)
{
    if (se_setup("data/scenarios/test-failures.ini", "10", CONF_EXTRA) != 0) {
        printf("setup failed\n");
        se_teardown();
        return 1;
    }
    RUN(agents_list_and_dispositions);
    RUN(cold_transfer_to_an_agent);
    RUN(transfer_handled_by_both_on_the_wallboard);
    RUN(warm_transfer_to_an_agent_canceled_then_completed);
    RUN(cold_transfer_to_an_agent_whose_phone_is_busy);
    RUN(warm_transfer_of_an_outbound_call);
    RUN(hold_after_the_call_moved_to_a_new_conference);
    RUN(each_agents_wrapup_in_their_aht);
    se_teardown();
    return check_done();
}
