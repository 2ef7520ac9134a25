/*
 * End-to-end test of `dialtone serve` across restarts, against `dialtone sim`: the daemon is
 * killed with SIGKILL and started again on the same database while
 * - a call is offered to an agent: the offer made before is withdrawn ("restart") and made
 *   again;
 * - an agent is busy and the caller hangs up while the daemon is away (its status callback
 *   lost): the restarted daemon learns the end from the emulator's REST API, stores it, and
 *   the agent goes through wrap-up to available;
 * - an agent is in timed wrap-up: the timer lost with the process fires again after the start;
 * - an agent is on a call that goes on: still busy after the start, the call still theirs;
 * - an agent has accepted a call the database still has waiting (the kill came before the
 *   queue's answer that it left): the call stays the agent's, offered to no one else;
 * and, with the daemon running, `dialtone agent remove` (another process) takes the agent's
 * pending reservation away at once and the call is offered to the next agent.
 */
#include "serve_e2e_fixture.h"

#define WAIT   20000
#define WRAPUP 5 /* seconds */

#define CONF_EXTRA                                                                                 \
    "[queue \"support\"]\nrouting = longest-idle\nmax_wait = 3600\nwrapup = 5\n"                   \
    "reservation_timeout = 600\n"

static struct se_agent agents[2] = {{.name = "alice", .endpoint = "client:alice"},
                                    {.name = "bob", .endpoint = "client:bob"}};

static long api(const struct se_agent *a, const char *method, const char *path, const char *body)
{
    struct se_resp r = se_api(a, method, path, body);
    long status = r.status;
    if (status >= 300)
        printf("  %s %s: %ld %s\n", method, path, status, r.body.data ? r.body.data : "");
    se_resp_done(&r);
    return status;
}

/* A caller from the emulator; its sid into sid. */
static void new_call(char *sid, size_t n)
{
    struct se_resp pc =
        se_ctl("POST", "/sim/calls", "{\"from\": \"+14155550123\", \"patience\": 0}");
    CHECK_INT(pc.status, 201);
    const cJSON *call = cJSON_GetObjectItemCaseSensitive(pc.json, "call");
    const char *s = call ? cJSON_GetStringValue(cJSON_GetObjectItem(call, "sid")) : NULL;
    dt_strlcpy(sid, s ? s : "", n);
    se_resp_done(&pc);
    CHECK(sid[0] == 'C');
}

/* How many events of type name call sid and agent (NULL: any). */
static const char *events(const char *type, const char *sid, const char *agent, const char *why)
{
    static char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM events WHERE type = '%s' AND json_extract(data, '$.call_sid') "
             "= '%s'%s%s%s%s%s%s",
             type, sid, agent ? " AND json_extract(data, '$.agent') = '" : "", agent ? agent : "",
             agent ? "'" : "", why ? " AND json_extract(data, '$.why') = '" : "", why ? why : "",
             why ? "'" : "");
    return sql;
}

static const char *state_of(const char *name)
{
    static char sql[128];
    snprintf(sql, sizeof sql, "SELECT state FROM agents WHERE name = '%s'", name);
    return sql;
}

static void restart(void)
{
    CHECK_INT(se_stop(&se.daemon, SIGKILL), 128 + SIGKILL);
    CHECK_INT(se_start_daemon(), 0);
}

/* The caller hangs up at the emulator; waits until the emulator has it completed. */
static void hang_up(const char *sid)
{
    char path[128];
    snprintf(path, sizeof path, "/sim/calls/%s/hangup", sid);
    struct se_resp r = se_ctl("POST", path, NULL);
    CHECK(r.status >= 200 && r.status < 300);
    se_resp_done(&r);
    snprintf(path, sizeof path, "/sim/calls/%s", sid);
    int done = 0;
    for (int i = 0; i < WAIT / 50 && !done; i++) {
        r = se_ctl("GET", path, NULL);
        const cJSON *call = cJSON_GetObjectItemCaseSensitive(r.json, "call");
        const char *st = cJSON_GetStringValue(cJSON_GetObjectItem(call ? call : r.json, "status"));
        done = st && strcmp(st, "completed") == 0;
        se_resp_done(&r);
        if (!done)
            usleep(50000);
    }
    CHECK(done);
}

/* Waits until the emulator's call sid has its member key (queue_sid, conference_sid) set to a
 * sid starting with prefix. */
static void sim_call_in(const char *sid, const char *key, const char *prefix)
{
    char path[128];
    snprintf(path, sizeof path, "/sim/calls/%s", sid);
    int in = 0;
    for (int i = 0; i < WAIT / 50 && !in; i++) {
        struct se_resp r = se_ctl("GET", path, NULL);
        const char *v = se_str(cJSON_GetObjectItemCaseSensitive(r.json, "call"), key);
        in = v && strncmp(v, prefix, strlen(prefix)) == 0;
        se_resp_done(&r);
        if (!in)
            usleep(50000);
    }
    if (!in)
        printf("  call %s: no %s\n", sid, key);
    CHECK(in);
}

/* a accepts the call sid once the emulator has the caller in its queue (the daemon offers
 * the call as it answers the webhook, before the emulator has run the Enqueue; an accept
 * before it fails, the queue not yet holding the caller), then waits for the call connected
 * in the database, a busy, and the caller in the call's conference at the emulator: the
 * daemon has answered the TwiML that joins it (a kill while that request is open leaves the
 * caller with no TwiML, and the emulator ends the call with error 11205, as Twilio does), so
 * the daemon may be killed next. */
static void accept_call(const struct se_agent *a, const char *sid)
{
    char path[128], sql[256];
    sim_call_in(sid, "queue_sid", "QU");
    snprintf(path, sizeof path, "/api/v1/calls/%s/accept", sid);
    CHECK_INT(api(a, "POST", path, NULL), 200);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM events WHERE type = 'call.connected' AND "
             "json_extract(data, '$.call_sid') = '%s'",
             sid);
    SE_WAIT_Q(sql, "1", WAIT);
    SE_WAIT_Q(state_of(a->name), "busy", WAIT);
    sim_call_in(sid, "conference_sid", "CF");
}

TEST(offer_busy_and_wrapup_across_restarts)
{
    SE_WAIT_Q("SELECT count(*) FROM queues WHERE twilio_sid LIKE 'QU%'", "1", WAIT);
    se_add_agents(agents, 2, "support");
    CHECK_INT(api(&agents[0], "POST", "/api/v1/me/state", "{\"state\":\"available\"}"), 200);

    /* an offer open at the kill: withdrawn for the restart, then made again */
    char c1[64], sql[512];
    new_call(c1, sizeof c1);
    SE_WAIT_Q(events("offer.created", c1, "alice", NULL), "1", WAIT);
    sim_call_in(c1, "queue_sid", "QU"); /* the voice webhook answered: no kill while it is */
    restart();
    SE_WAIT_Q(events("offer.withdrawn", c1, "alice", "restart"), "1", WAIT);
    SE_WAIT_Q(events("offer.created", c1, "alice", NULL), "2", WAIT);
    snprintf(sql, sizeof sql,
             "SELECT max(seq) = (SELECT max(seq) FROM events WHERE type = 'offer.created' AND "
             "json_extract(data, '$.call_sid') = '%s') FROM events WHERE type = 'offer.withdrawn' "
             "AND json_extract(data, '$.call_sid') = '%s'",
             c1, c1);
    CHECK_STR(se_q("%s", sql), "0"); /* withdrawn before made again */

    /* busy at the kill, the caller hangs up meanwhile: its status callback is lost */
    accept_call(&agents[0], c1);
    CHECK_INT(se_stop(&se.daemon, SIGKILL), 128 + SIGKILL);
    hang_up(c1);
    snprintf(sql, sizeof sql, "SELECT status FROM calls WHERE sid = '%s'", c1);
    CHECK(strcmp(se_q("%s", sql), "completed") != 0);
    CHECK_INT(se_start_daemon(), 0);
    SE_WAIT_Q(sql, "completed", WAIT); /* from the emulator's REST API */
    CHECK_STR(se_q("SELECT count(*) > 0 FROM events WHERE type = 'agent.state' AND "
                   "json_extract(data, '$.name') = 'alice' AND json_extract(data, '$.state') = "
                   "'wrap-up'"),
              "1");
    SE_WAIT_Q(state_of("alice"), "available", WAIT); /* the queue's wrap-up time ran out */

    /* in timed wrap-up at the kill: the timer is armed again by the new process */
    char c2[64];
    new_call(c2, sizeof c2);
    SE_WAIT_Q(events("offer.created", c2, "alice", NULL), "1", WAIT);
    accept_call(&agents[0], c2);
    hang_up(c2);
    SE_WAIT_Q(state_of("alice"), "wrap-up", WAIT);
    restart();
    CHECK_STR(se_q("%s", state_of("alice")), "wrap-up");
    SE_WAIT_Q(state_of("alice"), "available", WAIT);
    snprintf(sql, sizeof sql,
             "SELECT json_extract(data, '$.state') FROM events WHERE type = 'agent.state' AND "
             "json_extract(data, '$.name') = 'alice' ORDER BY seq DESC LIMIT 1");
    CHECK_STR(se_q("%s", sql), "available");

    /* busy at the kill with the call still on: still busy after the start, and the call is
     * still the agent's (hang-up through the API), whose end brings wrap-up */
    char c4[64], path[128];
    new_call(c4, sizeof c4);
    SE_WAIT_Q(events("offer.created", c4, "alice", NULL), "1", WAIT);
    accept_call(&agents[0], c4);
    restart();
    snprintf(path, sizeof path, "/api/v1/calls/%s/hangup", c4);
    CHECK_STR(se_q("%s", state_of("alice")), "busy");
    CHECK_INT(api(&agents[0], "POST", path, NULL), 202);
    snprintf(sql, sizeof sql, "SELECT status FROM calls WHERE sid = '%s'", c4);
    SE_WAIT_Q(sql, "completed", WAIT);
    SE_WAIT_Q(state_of("alice"), "wrap-up", WAIT);
    SE_WAIT_Q(state_of("alice"), "available", WAIT);
}

/*
 * Killed after alice's accept and before the queue's answer that the call left it (Twilio's
 * Enqueue action with QueueResult=redirected, lost with the process): the database still has
 * the call waiting, and the caller hangs up while the daemon is away. The new process knows
 * the call is alice's: not offered to bob, who is available, and its end (learnt once from
 * the emulator's REST API) puts alice in wrap-up. The lost answer is made so by clearing the
 * stored queue result, which is the state such a kill leaves.
 */
TEST(accepted_call_stored_waiting_at_the_kill)
{
    char c5[64], sql[512];
    new_call(c5, sizeof c5);
    SE_WAIT_Q(events("offer.created", c5, "alice", NULL), "1", WAIT);
    accept_call(&agents[0], c5);
    CHECK_INT(api(&agents[1], "POST", "/api/v1/me/state", "{\"state\":\"available\"}"), 200);
    SE_WAIT_Q(state_of("bob"), "available", WAIT);
    CHECK_INT(se_stop(&se.daemon, SIGKILL), 128 + SIGKILL);
    snprintf(sql, sizeof sql, "SELECT queue_result IS NOT NULL FROM calls WHERE sid = '%s'", c5);
    CHECK_STR(se_q("%s", sql), "1");
    se_q("UPDATE calls SET queue_result = NULL WHERE sid = '%s'", c5);
    CHECK_STR(se_q("%s", sql), "0");
    hang_up(c5);
    CHECK_INT(se_start_daemon(), 0);
    snprintf(sql, sizeof sql, "SELECT status FROM calls WHERE sid = '%s'", c5);
    SE_WAIT_Q(sql, "completed", WAIT); /* from the emulator's REST API */
    SE_WAIT_Q(state_of("alice"), "wrap-up", WAIT);
    SE_WAIT_Q(state_of("alice"), "available", WAIT);
    CHECK_STR(se_q("%s", events("offer.created", c5, "bob", NULL)), "0");
    CHECK_STR(se_q("SELECT count(*) FROM events WHERE type = 'call.ended' AND "
                   "json_extract(data, '$.call.sid') = '%s'",
                   c5),
              "1");
    /* bob offline again: in the next test alice is the longest idle */
    CHECK_INT(api(&agents[1], "POST", "/api/v1/me/state", "{\"state\":\"offline\"}"), 200);
    SE_WAIT_Q(state_of("bob"), "offline", WAIT);
}

/* `dialtone agent remove` in another process: the reservation moves on at once. */
TEST(removed_agent_loses_offers)
{
    CHECK_INT(api(&agents[1], "POST", "/api/v1/me/state", "{\"state\":\"available\"}"), 200);
    char c3[64];
    new_call(c3, sizeof c3);
    /* longest idle: alice, available before bob */
    SE_WAIT_Q(events("offer.created", c3, "alice", NULL), "1", WAIT);
    CHECK_STR(se_q("%s", events("offer.created", c3, "bob", NULL)), "0");
    const char *bin = se_bin();
    char *cmd =
        xasprintf("'%s' agent remove alice --config '%s' >/dev/null", bin ? bin : "false", se.conf);
    CHECK_INT(system(cmd), 0);
    free(cmd);
    /* well before the 600 s reservation timeout */
    SE_WAIT_Q(events("offer.withdrawn", c3, "alice", "agent-away"), "1", 5000);
    SE_WAIT_Q(events("offer.created", c3, "bob", NULL), "1", 5000);
    CHECK_STR(se_q("SELECT count(*) FROM events WHERE type = 'agent.removed' AND "
                   "json_extract(data, '$.agent') = 'alice'"),
              "1");
    CHECK_INT(api(&agents[0], "GET", "/api/v1/me", NULL), 401);
    accept_call(&agents[1], c3);
    hang_up(c3);
    SE_WAIT_Q(state_of("bob"), "wrap-up", WAIT);
}

int main(void)
{
    if (se_setup("data/scenarios/test-failures.ini", "10", CONF_EXTRA) != 0) {
        printf("setup failed\n");
        se_teardown();
        return 1;
    }
    RUN(offer_busy_and_wrapup_across_restarts);
    RUN(accepted_call_stored_waiting_at_the_kill);
    RUN(removed_agent_loses_offers);
    se_teardown();
    return check_done();
}
