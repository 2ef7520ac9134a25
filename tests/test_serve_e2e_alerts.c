/*
 * End-to-end test of the alerts with `dialtone serve` and `dialtone sim` (test-failures.ini):
 * outbound calls to a busy number push the answer rate under its threshold (a small minimum of
 * calls in the test's config): the alert fires (stored, alert.fired emitted, listed by
 * GET /api/v1/alerts for supervisors only, 1 on /metrics, the configured command run with the
 * alert in its environment, its JSON POSTed to the configured URL); the daemon is killed and
 * started again while the rule fires: it goes on firing (since kept) without firing again (no
 * second row, event, command or POST); then answered calls bring the rate back and it clears
 * the same ways, once.
 */
#include "dialtone/agents.h"
#include "serve_e2e_fixture.h"

#define WAIT 30000

#define BUSY    "+14155550300" /* busy in the scenario */
#define MACHINE "+14155550340" /* answered (by a machine) */

static char cmd_dir[64], ran_path[96], script_path[96];
static int hook_fd = -1; /* where webhook_url points: a socket this test listens on */

static struct se_agent agents[] = {
    {.name = "alice", .endpoint = "client:alice", .role = "agent"},
    {.name = "boss", .endpoint = "client:boss", .role = "supervisor"},
};
enum { ALICE, BOSS, NAGENTS };

static void add_agents(void)
{
    se_add_agents(agents, NAGENTS, "support");
}

static struct se_resp api(int who, const char *method, const char *path, const char *body)
{
    return se_api(&agents[who], method, path, body);
}

static int wait_sql(const char *sql, const char *want)
{
    char buf[128];
    return strcmp(se_wait_q(sql, want, WAIT, buf, sizeof buf), want) == 0;
}

static void wrap_up(int who)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT state FROM agents WHERE name = '%s'", agents[who].name);
    CHECK(wait_sql(sql, "wrap-up"));
    struct se_resp r = api(who, "POST", "/api/v1/me/wrapup", "{\"disposition\": \"resolved\"}");
    CHECK_INT(r.status, 200);
    se_resp_done(&r);
}

/* alice dials to; the customer's call ends (hung up by alice once answered) with status
 * want; then her wrap-up. */
static void dial(const char *to, const char *want)
{
    char body[64], room[64], sid[64], sql[300];
    snprintf(body, sizeof body, "{\"to\": \"%s\"}", to);
    struct se_resp r = api(ALICE, "POST", "/api/v1/calls", body);
    CHECK_INT(r.status, 202);
    dt_strlcpy(room, se_str(r.json, "conference") ? se_str(r.json, "conference") : "", sizeof room);
    se_resp_done(&r);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM events WHERE type = 'call.dialing' AND data LIKE '%%%s%%'",
             room);
    CHECK(room[0] && wait_sql(sql, "1"));
    dt_strlcpy(sid,
               se_q("SELECT json_extract(data, '$.call_sid') FROM events WHERE type = "
                    "'call.dialing' AND data LIKE '%%%s%%'",
                    room),
               sizeof sid);
    CHECK(sid[0] == 'C');
    snprintf(sql, sizeof sql,
             "SELECT status IN ('in-progress', 'completed', 'busy') FROM calls WHERE sid = '%s'",
             sid);
    CHECK(wait_sql(sql, "1"));
    snprintf(sql, sizeof sql, "SELECT status FROM calls WHERE sid = '%s'", sid);
    if (strcmp(se_q("%s", sql), "in-progress") == 0) {
        char path[160];
        snprintf(path, sizeof path, "/api/v1/calls/%s/hangup", sid);
        r = api(ALICE, "POST", path, NULL);
        CHECK_INT(r.status, 202);
        se_resp_done(&r);
    }
    CHECK(wait_sql(sql, want));
    wrap_up(ALICE);
}

/* The value of metric line prefix ("name{labels}") in /metrics, or -1. */
static long metric(const char *prefix)
{
    struct se_resp r = se_get("/metrics");
    const char *m = r.body.data ? r.body.data : "", *p = strstr(m, prefix);
    long v = p ? atol(p + strlen(prefix)) : -1;
    se_resp_done(&r);
    return v;
}

/* Waits for the file of the command's runs to hold line. */
static int command_ran(const char *line)
{
    for (int waited = 0; waited < WAIT; waited += 50) {
        FILE *f = fopen(ran_path, "r");
        char buf[256];
        int found = 0;
        while (f && fgets(buf, sizeof buf, f))
            found |= strcmp(buf, line) == 0;
        if (f)
            fclose(f);
        if (found)
            return 1;
        usleep(50000);
    }
    return 0;
}

/* How many lines of the command's runs are line. */
static int command_runs(const char *line)
{
    FILE *f = fopen(ran_path, "r");
    char buf[256];
    int n = 0;
    while (f && fgets(buf, sizeof buf, f))
        n += strcmp(buf, line) == 0;
    if (f)
        fclose(f);
    return n;
}

/* Accepts the daemon's POST to webhook_url, answers 200 and returns 1 when it carried the
 * alert in state. */
static int posted(const char *state)
{
    struct pollfd p = {.fd = hook_fd, .events = POLLIN};
    if (poll(&p, 1, WAIT) != 1)
        return 0;
    int c = accept(hook_fd, NULL, NULL);
    if (c < 0)
        return 0;
    char buf[4096] = "";
    size_t n = 0;
    char want[64];
    snprintf(want, sizeof want, "\"state\":\"%s\"", state);
    struct pollfd q = {.fd = c, .events = POLLIN};
    while (n < sizeof buf - 1 && !strstr(buf, want) && poll(&q, 1, WAIT) == 1) {
        ssize_t k = read(c, buf + n, sizeof buf - 1 - n);
        if (k <= 0)
            break;
        n += (size_t)k;
        buf[n] = '\0';
    }
    buf[n] = '\0';
    const char *ok = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    if (write(c, ok, strlen(ok)) < 0)
        n = 0;
    close(c);
    static const char line[] = "POST /alert HTTP/1.1\r\n";
    return strncmp(buf, line, strlen(line)) == 0 && strstr(buf, "Content-Type: application/json") &&
           strstr(buf, want) && strstr(buf, "\"rule\":\"answer-rate\"");
}

static void check_list(const char *state, int firing)
{
    struct se_resp r = api(BOSS, "GET", "/api/v1/alerts", NULL);
    CHECK_INT(r.status, 200);
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(r.json, "firing");
    CHECK_INT(cJSON_GetArraySize(f), firing);
    if (firing)
        CHECK_STR(se_str(cJSON_GetArrayItem(f, 0), "rule"), "answer-rate");
    const cJSON *t = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(r.json, "recent"), 0);
    CHECK_STR(se_str(t, "rule"), "answer-rate");
    CHECK_STR(se_str(t, "state"), state);
    CHECK(se_str(t, "message") && strlen(se_str(t, "message")) > 0);
    se_resp_done(&r);
}

TEST(answer_rate_fires_and_clears)
{
    struct se_resp r = api(ALICE, "POST", "/api/v1/me/state", "{\"state\":\"available\"}");
    CHECK_INT(r.status, 200);
    se_resp_done(&r);
    CHECK_INT(metric("dialtone_alerts_firing{rule=\"answer-rate\"} "), 0);
    r = api(BOSS, "GET", "/api/v1/alerts", NULL);
    CHECK_INT(r.status, 200);
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r.json, "recent")), 0);
    se_resp_done(&r);
    r = api(ALICE, "GET", "/api/v1/alerts", NULL);
    CHECK_INT(r.status, 403);
    se_resp_done(&r);

    dial(BUSY, "busy");
    /* one failed call is under the minimum: nothing fires */
    usleep(1500000);
    CHECK_STR(se_q("SELECT count(*) FROM alerts"), "0");
    dial(BUSY, "busy");
    CHECK(wait_sql("SELECT firing FROM alerts WHERE rule = 'answer-rate' ORDER BY id DESC", "1"));
    CHECK(wait_sql("SELECT count(*) FROM events WHERE type = 'alert.fired' AND "
                   "json_extract(data, '$.rule') = 'answer-rate'",
                   "1"));
    CHECK_INT(metric("dialtone_alerts_firing{rule=\"answer-rate\"} "), 1);
    check_list("fired", 1);
    CHECK(command_ran("answer-rate fired\n"));
    CHECK(posted("fired"));

    /* a restart while it fires: still firing, since kept, nothing fired again */
    char since[32];
    dt_strlcpy(since, se_q("SELECT at_ms FROM alerts WHERE rule = 'answer-rate'"), sizeof since);
    CHECK_INT(se_stop(&se.daemon, SIGKILL), 128 + SIGKILL);
    CHECK_INT(se_start_daemon(), 0);
    CHECK_INT(metric("dialtone_alerts_firing{rule=\"answer-rate\"} "), 1);
    usleep(3000000); /* three evaluations */
    check_list("fired", 1);
    r = api(BOSS, "GET", "/api/v1/alerts", NULL);
    const cJSON *f0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(r.json, "firing"), 0);
    const cJSON *since_ms = cJSON_GetObjectItemCaseSensitive(f0, "since_ms");
    CHECK(cJSON_IsNumber(since_ms) && (long long)since_ms->valuedouble == atoll(since));
    CHECK(se_str(f0, "message") && strstr(se_str(f0, "message"), "answer rate") != NULL);
    se_resp_done(&r);
    CHECK_STR(se_q("SELECT count(*) FROM alerts"), "1");
    CHECK_STR(se_q("SELECT count(*) FROM events WHERE type LIKE 'alert.%%'"), "1");
    CHECK_INT(command_runs("answer-rate fired\n"), 1);
    struct pollfd hp = {.fd = hook_fd, .events = POLLIN};
    CHECK_INT(poll(&hp, 1, 500), 0); /* no second POST */

    /* answered calls bring the rate back to 50% */
    dial(MACHINE, "completed");
    dial(MACHINE, "completed");
    CHECK(wait_sql("SELECT firing FROM alerts WHERE rule = 'answer-rate' ORDER BY id DESC", "0"));
    CHECK(wait_sql("SELECT count(*) FROM events WHERE type = 'alert.cleared'", "1"));
    CHECK_INT(metric("dialtone_alerts_firing{rule=\"answer-rate\"} "), 0);
    check_list("cleared", 0);
    CHECK(command_ran("answer-rate cleared\n"));
    CHECK(posted("cleared"));
    CHECK_STR(se_q("SELECT count(*) FROM alerts"), "2");
    CHECK_INT(command_runs("answer-rate fired\n"), 1);
    CHECK_INT(command_runs("answer-rate cleared\n"), 1);
}

int main(void)
{
    dt_strlcpy(cmd_dir, "/tmp/dialtone-alerts-XXXXXX", sizeof cmd_dir);
    if (!mkdtemp(cmd_dir))
        return 1;
    snprintf(ran_path, sizeof ran_path, "%s/ran", cmd_dir);
    snprintf(script_path, sizeof script_path, "%s/notify", cmd_dir);
    FILE *f = fopen(script_path, "w");
    if (!f)
        return 1;
    fprintf(f, "#!/bin/sh\necho \"$DIALTONE_ALERT_RULE $DIALTONE_ALERT_STATE\" >> '%s'\n",
            ran_path);
    fclose(f);
    chmod(script_path, 0700);
    hook_fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof a;
    if (hook_fd < 0 || bind(hook_fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        listen(hook_fd, 4) != 0 || getsockname(hook_fd, (struct sockaddr *)&a, &alen) != 0)
        return 1;
    char conf[1024];
    snprintf(conf, sizeof conf,
             "[queue \"support\"]\nmax_wait = 3600\n[dispositions]\nresolved = Resolved\n"
             "[alerts]\nanswer_rate = 50%%\nanswer_rate_clear = 50%%\nanswer_rate_min_calls = 2\n"
             "answer_rate_window = 600\nerror_code = off\nduration_drop = off\nrecording = off\n"
             "command = %s\ncommand_timeout = 10\nwebhook_url = http://127.0.0.1:%d/alert\n",
             script_path, ntohs(a.sin_port));
    int rc = se_setup("data/scenarios/test-failures.ini", "10", conf);
    if (rc != 0) {
        printf("setup failed\n");
    } else {
        add_agents();
        RUN(answer_rate_fires_and_clears);
    }
    se_teardown();
    close(hook_fd);
    unlink(ran_path);
    unlink(script_path);
    rmdir(cmd_dir);
    return rc != 0 ? 1 : check_done();
}
