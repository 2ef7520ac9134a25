/*
 * End-to-end test of the supervisors' side with `dialtone serve` and `dialtone sim`
 * (test-failures.ini): the day's facts stored as a call goes through (enqueued from the menu,
 * the offer accepted, the agent's leg connected, a hold, the wrap-up's length) and read back
 * by the KPI loader; the wallboard's figures for that call, 403 for an agent; and a
 * supervisor listening, whispering and barging into the agent's call, each a participant of
 * the call's conference with the emulator's Muted and Coaching flags as they should be.
 */
#include "dialtone/agents.h"
#include "serve_e2e_fixture.h"

#define WAIT 20000

#define CONF_EXTRA                                                                                 \
    "[queue \"support\"]\nmax_wait = 3600\nwrapup = 0\n"                                           \
    "[ivr]\nprompt = \"For support press 1.\"\ntimeout = 3\n1 = support\ndefault = support\n"

struct agent {
    const char *name, *role, *endpoint;
    char token[AGENTS_TOKEN_SIZE], auth[160];
};

static struct agent agents[2] = {{.name = "ann", .role = "agent", .endpoint = "client:ann"},
                                 {.name = "sue", .role = "supervisor", .endpoint = "client:sue"}};

static char caller[64];

static void add_agents(void)
{
    sqlite3 *db = NULL;
    CHECK_INT(sqlite3_open(se.db, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    for (int i = 0; i < 2; i++) {
        char hash[AGENTS_HASH_SIZE];
        agents_token_new(agents[i].token, NULL, 0);
        agents_token_hash(agents[i].token, strlen(agents[i].token), hash);
        char auth[160];
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", agents[i].token);
        dt_strlcpy(agents[i].auth, auth, sizeof agents[i].auth);
        char *q = sqlite3_mprintf(
            "INSERT INTO agents (name, role, endpoint, state_since_ms, token_hash, created_ms) "
            "VALUES (%Q, %Q, %Q, 0, %Q, 0); INSERT INTO agent_queues (agent_id, queue) "
            "VALUES (last_insert_rowid(), 'support');",
            agents[i].name, agents[i].role, agents[i].endpoint, hash);
        CHECK_INT(sqlite3_exec(db, q, NULL, NULL, NULL), SQLITE_OK);
        sqlite3_free(q);
    }
    sqlite3_close(db);
}

static struct se_resp api(const struct agent *a, const char *method, const char *path,
                          const char *body)
{
    char url[512];
    snprintf(url, sizeof url, "%s%s", se.base, path);
    const char *hdrs[] = {a->auth, "Content-Type: application/json", NULL};
    return se_http(method, url, hdrs, body, body ? strlen(body) : 0, NULL);
}

/* POSTs path as a; the status. */
static long post_path(const struct agent *a, const char *path, const char *body)
{
    struct se_resp r = api(a, "POST", path, body);
    long st = r.status;
    if (st >= 300)
        printf("  POST %s: %ld %s\n", path, st, r.body.data ? r.body.data : "");
    se_resp_done(&r);
    return st;
}

/* POSTs /api/v1/calls/{caller}/action as a; the status. */
static long act(const struct agent *a, const char *action, const char *body)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/calls/%s/%s", caller, action);
    return post_path(a, path, body);
}

#define sqlf(buf, n, fmt) snprintf((buf), (n), fmt, caller)

TEST(facts_of_a_call)
{
    SE_WAIT_Q("SELECT count(*) FROM queues WHERE twilio_sid LIKE 'QU%'", "1", WAIT);
    add_agents();
    CHECK_INT(post_path(&agents[0], "/api/v1/me/state", "{\"state\":\"available\"}"), 200);
    struct se_resp pc = se_ctl("POST", "/sim/calls",
                               "{\"from\": \"+14155550123\", \"patience\": 0, \"digits\": \"1\"}");
    CHECK_INT(pc.status, 201);
    const cJSON *call = cJSON_GetObjectItemCaseSensitive(pc.json, "call");
    dt_strlcpy(caller, call ? cJSON_GetStringValue(cJSON_GetObjectItem(call, "sid")) : "",
               sizeof caller);
    se_resp_done(&pc);
    CHECK(caller[0] == 'C');
    char sql[512];
    sqlf(sql, sizeof sql, "SELECT enqueued_ms > 0 FROM call_kpi WHERE call_sid = '%s'");
    SE_WAIT_Q(sql, "1", WAIT);
    sqlf(sql, sizeof sql,
         "SELECT count(*) FROM events WHERE type = 'offer.created' AND data LIKE '%%%s%%'");
    SE_WAIT_Q(sql, "1", WAIT);
    CHECK_INT(act(&agents[0], "accept", NULL), 200);
    sqlf(sql, sizeof sql,
         "SELECT agent || ' ' || (connected_ms >= enqueued_ms) FROM call_kpi WHERE call_sid = "
         "'%s'");
    SE_WAIT_Q(sql, "ann 1", WAIT);
    sqlf(sql, sizeof sql,
         "SELECT agent || ' ' || outcome || ' ' || queue || ' ' || (ended_ms >= offered_ms) "
         "FROM offers WHERE call_sid = '%s'");
    SE_WAIT_Q(sql, "ann accepted support 1", WAIT);
    sqlf(sql, sizeof sql, "SELECT conference_sid LIKE 'CF%%' FROM calls WHERE sid = '%s'");
    SE_WAIT_Q(sql, "1", WAIT);

    CHECK_INT(act(&agents[0], "hold", NULL), 202);
    sqlf(sql, sizeof sql, "SELECT hold_since_ms > 0 FROM call_kpi WHERE call_sid = '%s'");
    SE_WAIT_Q(sql, "1", WAIT);
    usleep(300000);
    CHECK_INT(act(&agents[0], "unhold", NULL), 202);
    sqlf(sql, sizeof sql,
         "SELECT (hold_since_ms IS NULL) || ' ' || (hold_ms >= 250) FROM call_kpi WHERE "
         "call_sid = '%s'");
    SE_WAIT_Q(sql, "1 1", WAIT);
}

TEST(wrapup_length)
{
    char sql[512];
    CHECK_INT(act(&agents[0], "hangup", NULL), 202);
    SE_WAIT_Q("SELECT state FROM agents WHERE name = 'ann'", "wrap-up", WAIT);
    sqlf(sql, sizeof sql, "SELECT wrapup_s IS NULL FROM call_kpi WHERE call_sid = '%s'");
    CHECK_STR(se_q("%s", sql), "1"); /* not over yet */
    usleep(1100000);
    CHECK_INT(post_path(&agents[0], "/api/v1/me/wrapup", "{\"disposition\": \"resolved\"}"), 200);
    sqlf(sql, sizeof sql, "SELECT wrapup_s BETWEEN 1 AND 30 FROM call_kpi WHERE call_sid = '%s'");
    SE_WAIT_Q(sql, "1", WAIT);
}

int main(void)
{
    if (se_setup("data/scenarios/test-failures.ini", "10", CONF_EXTRA) != 0) {
        printf("setup failed\n");
        se_teardown();
        return 1;
    }
    RUN(facts_of_a_call);
    RUN(wrapup_length);
    se_teardown();
    return check_done();
}
