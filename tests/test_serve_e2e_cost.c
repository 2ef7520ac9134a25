/*
 * End-to-end test of call costs with `dialtone serve` and `dialtone sim` (test-failures.ini,
 * whose rates price an agent's leg at 0.05 a started minute): an outbound dial to a busy number
 * ends; the daemon fetches both legs' Call resources after [alerts] price_delay and stores
 * their price, unit and billable duration; `dialtone report cost-by-day` shows the day's cost;
 * with a monthly budget of 0.01 spent, the next dial is refused with 409 over_budget before
 * anything reaches Twilio; and the daily-cost alert, fed the prices as they come, fires.
 */
#include "dialtone/agents.h"
#include "serve_e2e_agent.h"

#define WAIT 20000

#define CONF_EXTRA                                                                                 \
    "[queue \"support\"]\nmax_wait = 3600\n[dispositions]\nresolved = Resolved\n[alerts]\n"        \
    "monthly_budget = 0.01\nstop_outbound_over_budget = yes\nprice_delay = 0.2\n"                  \
    "daily_cost = 0.02\n"

#define BUSY "+14155550300" /* busy in the scenario */

static struct se_agent alice = {.name = "alice", .endpoint = "client:alice"};

static void add_agent(void)
{
    se_add_agents(&alice, 1, "support");
}

static struct se_resp api(const char *method, const char *path, const char *body)
{
    return se_api(&alice, method, path, body);
}

static int wait_sql(const char *sql, const char *want)
{
    return se_wait_sql(sql, want, WAIT);
}

/* The line of `dialtone report NAME --from today --to today --format csv` starting with
 * prefix, into line; 0 or -1. */
static int report_line(const char *name, const char *prefix, char *line, size_t n)
{
    char *cmd = xasprintf("'%s' report %s --from today --to today --format csv --config '%s'",
                          se_bin(), name, se.conf);
    FILE *p = popen(cmd, "r");
    free(cmd);
    int found = -1;
    char buf[512];
    while (p && fgets(buf, sizeof buf, p)) {
        if (found != 0 && strncmp(buf, prefix, strlen(prefix)) == 0) {
            buf[strcspn(buf, "\r\n")] = '\0';
            dt_strlcpy(line, buf, n);
            found = 0;
        }
    }
    if (!p || pclose(p) != 0)
        return -1;
    return found;
}

TEST(a_finished_calls_price_is_fetched_and_the_budget_stops_dialing)
{
    CHECK_INT(se_post(&alice, "/api/v1/me/state", "{\"state\":\"available\"}"), 200);
    char room[64], sid[64], sql[300];
    se_dial(&alice, BUSY, sid, sizeof sid, room, sizeof room, WAIT);
    snprintf(sql, sizeof sql, "SELECT status FROM calls WHERE sid = '%s'", sid);
    CHECK(wait_sql(sql, "busy"));
    se_end_wrapup(&alice, WAIT);
    /* the agent's leg: one started minute at the default rate; the busy leg costs nothing */
    snprintf(sql, sizeof sql,
             "SELECT price || ' ' || price_unit || ' ' || (duration_s > 0) FROM calls WHERE "
             "parent_sid = '%s'",
             sid);
    CHECK(wait_sql(sql, "-0.05000 USD 1"));
    snprintf(sql, sizeof sql, "SELECT price || ' ' || price_unit FROM calls WHERE sid = '%s'", sid);
    CHECK(wait_sql(sql, "0.00000 USD"));
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM call_events WHERE type = 'price' AND call_sid IN "
             "(SELECT sid FROM calls WHERE sid = '%s' OR parent_sid = '%s')",
             sid, sid);
    CHECK_STR(se_q("%s", sql), "2");

    char line[512] = "";
    CHECK_INT(report_line("cost-by-day", "20", line, sizeof line), 0);
    /* day,calls,successful,priced,billable_s,cost,cost_per_success,unit */
    char *f[8] = {0};
    size_t nf = 0;
    for (char *s = line, *tok; nf < 8 && (tok = strsep(&s, ",")) != NULL;)
        f[nf++] = tok;
    CHECK_INT(nf, 8);
    if (nf == 8) {
        CHECK_STR(f[1], "1");
        CHECK_STR(f[2], "0");
        CHECK_STR(f[3], "2");
        CHECK_STR(f[5], "0.0500");
        CHECK_STR(f[6], "");
        CHECK_STR(f[7], "USD");
    }

    /* the prices came after the calls ended, and still count for today's cost: 0.05 is over
     * the daily budget of 0.02 */
    SE_WAIT_Q("SELECT firing FROM alerts WHERE rule = 'daily-cost' ORDER BY id DESC LIMIT 1", "1",
              WAIT);

    /* 0.05 spent of a 0.01 budget: refused before Twilio, the agent left available */
    long calls_before = se_qi("SELECT count(*) FROM calls");
    se_post(&alice, "/api/v1/me/state", "{\"state\":\"available\"}");
    struct se_resp r = api("POST", "/api/v1/calls", "{\"to\": \"" BUSY "\"}");
    CHECK_INT(r.status, 409);
    CHECK_STR(se_str(cJSON_GetObjectItemCaseSensitive(r.json, "error"), "code"), "over_budget");
    se_resp_done(&r);
    CHECK_STR(se_q("SELECT state FROM agents WHERE name = 'alice'"), "available");
    usleep(300000);
    CHECK_INT(se_qi("SELECT count(*) FROM calls"), calls_before);
}

int main(void)
{
    if (se_setup("data/scenarios/test-failures.ini", "10", CONF_EXTRA) != 0) {
        printf("setup failed\n");
        se_teardown();
        return 1;
    }
    add_agent();
    RUN(a_finished_calls_price_is_fetched_and_the_budget_stops_dialing);
    se_teardown();
    return check_done();
}
