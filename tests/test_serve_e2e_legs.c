/*
 * End-to-end test of a call's agent and legs with `dialtone serve` and `dialtone sim`
 * (test-failures.ini): an accepted call is the agent's in history (agent=alice finds it while
 * live and after), its agent leg is left out of history unless legs=1 and listed in the call's
 * detail, whose timeline says who took it; a cold transfer to another agent makes the call
 * theirs; an outbound dial is one history row, the customer's number, with the agent set.
 */
#include "dialtone/agents.h"
#include "serve_e2e_agent.h"

#define WAIT 20000

#define CONF_EXTRA "[queue \"support\"]\nmax_wait = 3600\n[dispositions]\nresolved = Resolved\n"

#define BUSY "+14155550300" /* busy in the scenario */

static struct se_agent agents[] = {
    {.name = "alice", .endpoint = "client:alice"},
    {.name = "bob", .endpoint = "client:bob"},
};
enum { ALICE, BOB, NAGENTS };

static void add_agents(void)
{
    se_add_agents(agents, NAGENTS, "support");
}

static struct se_resp api(int who, const char *method, const char *path, const char *body)
{
    return se_api(&agents[who], method, path, body);
}

static long act(int who, const char *sid, const char *action, const char *body)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/calls/%s/%s", sid, action);
    struct se_resp r = api(who, "POST", path, body);
    long st = r.status;
    se_resp_done(&r);
    return st;
}

static void set_state(int who, const char *json)
{
    CHECK_INT(se_post(&agents[who], "/api/v1/me/state", json), 200);
}

static void wrap_up(int who)
{
    se_end_wrapup(&agents[who], WAIT);
}

static int wait_sql(const char *sql, const char *want)
{
    return se_wait_sql(sql, want, WAIT);
}

/* The history page at path as who: the element of "calls" whose key is value (NULL when
 * none), and into *n how many of its calls have a "to" starting with prefix. r is the
 * caller's to release. */
static const cJSON *find_in(struct se_resp *r, const char *key, const char *value,
                            const char *prefix, int *n)
{
    const cJSON *c, *found = NULL;
    *n = 0;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(r->json, "calls"))
    {
        const char *v = se_str(c, key), *to = se_str(c, "to");
        if (v && strcmp(v, value) == 0)
            found = c;
        if (to && prefix && strncmp(to, prefix, strlen(prefix)) == 0)
            (*n)++;
    }
    return found;
}

/* A new caller accepted by who, connected: its sid in sid and the agent's leg in leg; 0 or -1. */
static int call_for(int who, char *sid, size_t n, char *leg, size_t ln)
{
    struct se_resp pc =
        se_ctl("POST", "/sim/calls", "{\"from\": \"+14155550123\", \"patience\": 0}");
    const cJSON *call = cJSON_GetObjectItemCaseSensitive(pc.json, "call");
    dt_strlcpy(sid, call && se_str(call, "sid") ? se_str(call, "sid") : "", n);
    se_resp_done(&pc);
    char sql[300];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM events WHERE type = 'offer.created' AND data LIKE '%%%s%%' "
             "AND data LIKE '%%%s%%'",
             sid, agents[who].name);
    if (sid[0] != 'C' || !wait_sql(sql, "1") || act(who, sid, "accept", NULL) != 200)
        return -1;
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM events WHERE type = 'call.connected' AND data LIKE '%%%s%%'",
             sid);
    if (!wait_sql(sql, "1"))
        return -1;
    dt_strlcpy(leg,
               se_q("SELECT json_extract(data, '$.agent_call_sid') FROM events WHERE type = "
                    "'call.connected' AND data LIKE '%%%s%%'",
                    sid),
               ln);
    return leg[0] == 'C' ? 0 : -1;
}

TEST(accepted_call_is_the_agents_and_its_leg_a_leg)
{
    SE_WAIT_Q("SELECT count(*) FROM queues WHERE twilio_sid LIKE 'QU%'", "1", WAIT);
    add_agents();
    set_state(ALICE, "{\"state\":\"available\"}");
    char sid[64], leg[64], sql[200];
    CHECK_INT(call_for(ALICE, sid, sizeof sid, leg, sizeof leg), 0);

    /* live: the agent's call, found as a console restoring a busy agent asks */
    struct se_resp r = api(ALICE, "GET", "/api/v1/calls?agent=alice&limit=5", NULL);
    CHECK_INT(r.status, 200);
    int n;
    const cJSON *c = find_in(&r, "sid", sid, NULL, &n);
    CHECK(c != NULL);
    CHECK(c && se_str(c, "status") && strcmp(se_str(c, "status"), "in-progress") == 0);
    CHECK(find_in(&r, "sid", leg, NULL, &n) == NULL);
    se_resp_done(&r);

    /* the detail lists the leg; the timeline says who took the call */
    char path[160];
    snprintf(path, sizeof path, "/api/v1/calls/%s", sid);
    r = api(ALICE, "GET", path, NULL);
    CHECK_INT(r.status, 200);
    CHECK_STR(se_str(r.json, "agent"), "alice");
    const cJSON *legs = cJSON_GetObjectItemCaseSensitive(r.json, "legs");
    CHECK_INT(cJSON_GetArraySize(legs), 1);
    const cJSON *l0 = cJSON_GetArrayItem(legs, 0);
    CHECK_STR(se_str(l0, "sid"), leg);
    CHECK_STR(se_str(l0, "agent"), "alice");
    int assigned = 0;
    const cJSON *ev;
    cJSON_ArrayForEach(ev, cJSON_GetObjectItemCaseSensitive(r.json, "timeline"))
    {
        if (se_str(ev, "type") && strcmp(se_str(ev, "type"), "assign") == 0) {
            assigned++;
            CHECK_STR(se_str(ev, "agent"), "alice");
            CHECK_STR(se_str(ev, "leg"), leg);
            CHECK(cJSON_GetObjectItem(ev, "seq") == NULL);
        }
    }
    CHECK_INT(assigned, 1);
    se_resp_done(&r);
    snprintf(path, sizeof path, "/api/v1/calls/%s", leg);
    r = api(ALICE, "GET", path, NULL);
    CHECK_INT(r.status, 200);
    CHECK_STR(se_str(r.json, "parent_sid"), sid);
    CHECK_STR(se_str(r.json, "agent"), "alice");
    se_resp_done(&r);

    /* after the call: still the agent's; the leg only with legs=1 */
    CHECK_INT(act(ALICE, sid, "hangup", NULL), 202);
    snprintf(sql, sizeof sql, "SELECT status FROM calls WHERE sid = '%s'", sid);
    CHECK(wait_sql(sql, "completed"));
    snprintf(sql, sizeof sql, "SELECT to_number FROM calls WHERE sid = '%s'", leg);
    CHECK(wait_sql(sql, "client:alice"));
    wrap_up(ALICE);
    r = api(ALICE, "GET", "/api/v1/calls?agent=alice&limit=5", NULL);
    c = find_in(&r, "sid", sid, NULL, &n);
    CHECK(c && se_str(c, "status") && strcmp(se_str(c, "status"), "completed") == 0);
    se_resp_done(&r);
    r = api(ALICE, "GET", "/api/v1/calls?limit=200", NULL);
    CHECK(find_in(&r, "sid", sid, "client:", &n) != NULL);
    CHECK_INT(n, 0);
    se_resp_done(&r);
    r = api(ALICE, "GET", "/api/v1/calls?limit=200&legs=1", NULL);
    c = find_in(&r, "sid", leg, "client:", &n);
    CHECK(c != NULL);
    CHECK_INT(n, 1);
    CHECK(c && se_str(c, "parent_sid") && strcmp(se_str(c, "parent_sid"), sid) == 0);
    se_resp_done(&r);
    r = api(ALICE, "GET", "/api/v1/calls?legs=yes", NULL);
    CHECK_INT(r.status, 400);
    se_resp_done(&r);
}

TEST(cold_transfer_makes_the_call_the_new_agents)
{
    set_state(ALICE, "{\"state\":\"available\"}");
    char sid[64], leg[64], sql[300];
    CHECK_INT(call_for(ALICE, sid, sizeof sid, leg, sizeof leg), 0);
    set_state(BOB, "{\"state\":\"available\"}");
    CHECK_INT(act(ALICE, sid, "transfer", "{\"agent\": \"bob\"}"), 202);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM events WHERE type = 'call.transferred' AND data LIKE '%%%s%%' "
             "AND data LIKE '%%\"phase\":\"completed\"%%'",
             sid);
    CHECK(wait_sql(sql, "1"));
    char path[160];
    snprintf(path, sizeof path, "/api/v1/calls/%s", sid);
    struct se_resp r = api(BOB, "GET", path, NULL);
    CHECK_STR(se_str(r.json, "agent"), "bob");
    const cJSON *legs = cJSON_GetObjectItemCaseSensitive(r.json, "legs");
    CHECK_INT(cJSON_GetArraySize(legs), 2);
    CHECK_STR(se_str(cJSON_GetArrayItem(legs, 0), "agent"), "alice");
    CHECK_STR(se_str(cJSON_GetArrayItem(legs, 1), "agent"), "bob");
    int assigned = 0;
    const cJSON *ev;
    cJSON_ArrayForEach(ev, cJSON_GetObjectItemCaseSensitive(r.json, "timeline")) assigned +=
        se_str(ev, "type") && strcmp(se_str(ev, "type"), "assign") == 0;
    CHECK_INT(assigned, 2);
    se_resp_done(&r);
    r = api(BOB, "GET", "/api/v1/calls?agent=bob&limit=5", NULL);
    int n;
    CHECK(find_in(&r, "sid", sid, NULL, &n) != NULL);
    se_resp_done(&r);
    wrap_up(ALICE);
    CHECK_INT(act(BOB, sid, "hangup", NULL), 202);
    snprintf(sql, sizeof sql, "SELECT status FROM calls WHERE sid = '%s'", sid);
    CHECK(wait_sql(sql, "completed"));
    wrap_up(BOB);
    snprintf(sql, sizeof sql, "SELECT agent FROM calls WHERE sid = '%s'", sid);
    CHECK_STR(se_q("%s", sql), "bob");
}

TEST(outbound_dial_is_the_customers_row)
{
    set_state(ALICE, "{\"state\":\"available\"}");
    char room[64], sid[64], sql[300];
    se_dial(&agents[ALICE], BUSY, sid, sizeof sid, room, sizeof room, WAIT);
    snprintf(sql, sizeof sql, "SELECT status FROM calls WHERE sid = '%s'", sid);
    CHECK(wait_sql(sql, "busy"));
    wrap_up(ALICE);
    /* the agent's leg: the customer's call's, ended when the customer's did */
    snprintf(sql, sizeof sql,
             "SELECT to_number || ' ' || agent FROM calls WHERE parent_sid = '%s' AND status = "
             "'completed'",
             sid);
    CHECK(wait_sql(sql, "client:alice alice"));
    struct se_resp r = api(ALICE, "GET", "/api/v1/calls?agent=alice&limit=5", NULL);
    const cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(r.json, "calls"), 0);
    CHECK_STR(se_str(first, "sid"), sid);
    CHECK_STR(se_str(first, "to"), BUSY);
    CHECK_STR(se_str(first, "agent"), "alice");
    se_resp_done(&r);
    r = api(ALICE, "GET", "/api/v1/calls?limit=200", NULL);
    int n;
    CHECK(find_in(&r, "sid", sid, "client:", &n) != NULL);
    CHECK_INT(n, 0);
    se_resp_done(&r);
}

int main(void)
{
    if (se_setup("data/scenarios/test-failures.ini", "10", CONF_EXTRA) != 0) {
        printf("setup failed\n");
        se_teardown();
        return 1;
    }
    RUN(accepted_call_is_the_agents_and_its_leg_a_leg);
    RUN(cold_transfer_makes_the_call_the_new_agents);
    RUN(outbound_dial_is_the_customers_row);
    se_teardown();
    return check_done();
}
