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

static struct se_agent agents[2] = {
    {.name = "ann", .role = "agent", .endpoint = "client:ann"},
    {.name = "sue", .role = "supervisor", .endpoint = "client:sue"}};

static char caller[64];

static void add_agents(void)
{
    se_add_agents(agents, 2, "support");
}

/* POSTs path as a; the status. */
static long post_path(const struct se_agent *a, const char *path, const char *body)
{
    struct se_resp r = se_api(a, "POST", path, body);
    long st = r.status;
    if (st >= 300)
        printf("  POST %s: %ld %s\n", path, st, r.body.data ? r.body.data : "");
    se_resp_done(&r);
    return st;
}

/* POSTs /api/v1/calls/{caller}/action as a; the status. */
static long act(const struct se_agent *a, const char *action, const char *body)
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

/* The flags of the participant whose call goes to `to` in the emulator's conferences, as
 * "muted coaching coach-or-dash"; "" when there is none. */
static const char *part_flags(const char *to, char *leg, size_t legsz)
{
    static char out[160];
    out[0] = '\0';
    struct se_resp r = se_ctl("GET", "/sim/conferences", NULL);
    const cJSON *conf, *part;
    cJSON_ArrayForEach(conf, cJSON_GetObjectItemCaseSensitive(r.json, "conferences"))
    {
        cJSON_ArrayForEach(part, cJSON_GetObjectItemCaseSensitive(conf, "participants"))
        {
            const char *t = cJSON_GetStringValue(cJSON_GetObjectItem(part, "to"));
            const char *st = cJSON_GetStringValue(cJSON_GetObjectItem(part, "status"));
            if (!t || strcmp(t, to) != 0 || (st && strcmp(st, "connected") != 0))
                continue;
            const char *coach =
                cJSON_GetStringValue(cJSON_GetObjectItem(part, "call_sid_to_coach"));
            snprintf(out, sizeof out, "%d %d %s", cJSON_IsTrue(cJSON_GetObjectItem(part, "muted")),
                     cJSON_IsTrue(cJSON_GetObjectItem(part, "coaching")),
                     coach && coach[0] ? coach : "-");
            if (leg)
                dt_strlcpy(leg, cJSON_GetStringValue(cJSON_GetObjectItem(part, "call_sid")) ?: "",
                           legsz);
        }
    }
    se_resp_done(&r);
    return out;
}

static int wait_flags(const char *to, const char *want)
{
    for (int i = 0; i < WAIT / 50; i++) {
        if (strcmp(part_flags(to, NULL, 0), want) == 0)
            return 1;
        usleep(50000);
    }
    printf("  %s: '%s', not '%s'\n", to, part_flags(to, NULL, 0), want);
    return 0;
}

/* Asks for mode until the supervisor's leg has joined (409 "joining" meanwhile). */
static long monitor(const char *mode)
{
    char body[64];
    snprintf(body, sizeof body, "{\"mode\": \"%s\"}", mode);
    long st = 0;
    for (int i = 0; i < WAIT / 100; i++) {
        char path[256];
        snprintf(path, sizeof path, "/api/v1/calls/%s/monitor", caller);
        struct se_resp r = se_api(&agents[1], "POST", path, body);
        st = r.status;
        const char *code =
            cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(r.json, "error"), "code"));
        int joining = st == 409 && code && strcmp(code, "joining") == 0;
        se_resp_done(&r);
        if (!joining)
            break;
        usleep(100000);
    }
    return st;
}

TEST(wallboard_live)
{
    struct se_resp r = se_api(&agents[0], "GET", "/api/v1/wallboard", NULL);
    CHECK_INT(r.status, 403);
    se_resp_done(&r);
    r = se_api(&agents[1], "GET", "/api/v1/wallboard", NULL);
    CHECK_INT(r.status, 200);
    const cJSON *q = cJSON_GetArrayItem(cJSON_GetObjectItem(r.json, "queues"), 0);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(q, "name")), "support");
    CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(q, "handled")) == 1);
    CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(q, "offered")) == 1);
    CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(q, "waiting")) == 0);
    CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(q, "service_level")) == 100);
    const cJSON *ag, *ann = NULL;
    cJSON_ArrayForEach(ag, cJSON_GetObjectItem(r.json, "agents"))
    {
        const char *n = cJSON_GetStringValue(cJSON_GetObjectItem(ag, "name"));
        if (n && strcmp(n, "ann") == 0)
            ann = ag;
    }
    CHECK(ann != NULL);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(ann, "state")), "busy");
    const cJSON *c = cJSON_GetObjectItem(ann, "call");
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(c, "sid")), caller);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(c, "party")), "+14155550123");
    CHECK(cJSON_IsNumber(cJSON_GetObjectItem(c, "duration_s")));
    se_resp_done(&r);
}

TEST(listen_whisper_barge)
{
    char path[256], ann_leg[64] = "", sue_leg[64] = "", sql[512];
    snprintf(path, sizeof path, "/api/v1/calls/%s/monitor", caller);
    struct se_resp r = se_api(&agents[0], "POST", path, "{\"mode\": \"listen\"}");
    CHECK_INT(r.status, 403); /* an agent */
    se_resp_done(&r);
    r = se_api(&agents[1], "POST", path, "{\"mode\": \"spy\"}");
    CHECK_INT(r.status, 400);
    se_resp_done(&r);
    r = se_api(&agents[1], "POST", "/api/v1/calls/CA00000000000000000000000000000000/monitor",
               "{\"mode\": \"listen\"}");
    CHECK_INT(r.status, 404);
    se_resp_done(&r);
    part_flags("client:ann", ann_leg, sizeof ann_leg);
    CHECK(strncmp(ann_leg, "CA", 2) == 0);

    CHECK_INT(monitor("listen"), 202);
    CHECK(wait_flags("client:sue", "1 0 -")); /* muted, not coaching */
    part_flags("client:sue", sue_leg, sizeof sue_leg);
    CHECK(sue_leg[0] && strcmp(sue_leg, ann_leg) != 0);
    /* sue's leg is the call's: marked as its leg, the call still ann's, and out of history */
    snprintf(sql, sizeof sql, "SELECT parent_sid || ' ' || agent FROM calls WHERE sid = '%s'",
             sue_leg);
    char want_leg[128];
    snprintf(want_leg, sizeof want_leg, "%s sue", caller);
    SE_WAIT_Q(sql, want_leg, WAIT);
    sqlf(sql, sizeof sql, "SELECT agent FROM calls WHERE sid = '%s'");
    CHECK_STR(se_q("%s", sql), "ann");
    r = se_api(&agents[1], "GET", "/api/v1/calls?limit=50", NULL);
    CHECK_INT(r.status, 200);
    CHECK(r.body.data && !strstr(r.body.data, sue_leg));
    se_resp_done(&r);
    CHECK_INT(monitor("whisper"), 202);
    char want[96];
    snprintf(want, sizeof want, "0 1 %s", ann_leg); /* heard by ann only */
    CHECK(wait_flags("client:sue", want));
    CHECK_INT(monitor("barge"), 202);
    int barged = 0;
    for (int i = 0; i < WAIT / 50 && !barged; i++) {
        barged = strncmp(part_flags("client:sue", NULL, 0), "0 0", 3) == 0;
        if (!barged)
            usleep(50000);
    }
    CHECK(barged);                                         /* unmuted, not coaching */
    CHECK_STR(part_flags("client:ann", NULL, 0), "0 0 -"); /* ann untouched */

    /* every action stored */
    sqlf(sql, sizeof sql,
         "SELECT group_concat(json_extract(data, '$.mode'), ',') FROM events WHERE type = "
         "'supervisor.action' AND json_extract(data, '$.call_sid') = '%s' AND "
         "json_extract(data, '$.supervisor') = 'sue' AND json_extract(data, '$.agent') = 'ann'");
    SE_WAIT_Q(sql, "listen,whisper,barge", WAIT);
    CHECK_INT(act(&agents[1], "monitor/leave", NULL), 200);
    CHECK(wait_flags("client:sue", ""));
    CHECK_INT(act(&agents[1], "monitor/leave", NULL), 404);
    SE_WAIT_Q("SELECT count(*) FROM events WHERE type = 'supervisor.action' AND "
              "json_extract(data, '$.action') = 'leave'",
              "1", WAIT);
    CHECK_STR(part_flags("client:ann", NULL, 0), "0 0 -"); /* the call goes on */
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

TEST(supervisor_sets_state)
{
    const char *brk = "{\"state\": \"break\", \"reason\": \"meeting\"}";
    CHECK_INT(post_path(&agents[0], "/api/v1/agents/sue/state", brk), 403);
    CHECK_INT(post_path(&agents[1], "/api/v1/agents/nobody/state", brk), 404);
    CHECK_INT(post_path(&agents[1], "/api/v1/agents/ann/state", "{\"state\": \"busy\"}"), 400);
    CHECK_INT(post_path(&agents[1], "/api/v1/agents/ann/mood", brk), 404);
    CHECK_INT(post_path(&agents[1], "/api/v1/agents/ann/state", brk), 200);
    SE_WAIT_Q("SELECT state || ' ' || state_reason FROM agents WHERE name = 'ann'", "break meeting",
              WAIT);
    SE_WAIT_Q("SELECT count(*) FROM events WHERE type = 'supervisor.action' AND "
              "json_extract(data, '$.action') = 'state' AND json_extract(data, '$.agent') = 'ann' "
              "AND json_extract(data, '$.mode') = 'break'",
              "1", WAIT);
}

int main(void)
{
    if (se_setup("data/scenarios/test-failures.ini", "10", CONF_EXTRA) != 0) {
        printf("setup failed\n");
        se_teardown();
        return 1;
    }
    RUN(facts_of_a_call);
    RUN(wallboard_live);
    RUN(listen_whisper_barge);
    RUN(wrapup_length);
    RUN(supervisor_sets_state);
    se_teardown();
    return check_done();
}
