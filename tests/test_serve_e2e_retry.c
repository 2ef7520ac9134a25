/*
 * End-to-end test of retries and bad numbers with `dialtone serve` and `dialtone sim`
 * (test-failures.ini): a call placed with "retry" that fails with a connection error (31005,
 * retryable) is dialed again after [retry] delay, the retry linked to the first attempt, until
 * max_attempts; a busy callee turns into a callback, dropped with its reason when the agent is
 * not available when it is due; a bad number (13224) is never retried and is flagged, listed
 * for supervisors only, answered with a warning when dialed again, reviewed as do-not-call, and
 * then refused before Twilio.
 */
#include "dialtone/agents.h"
#include "serve_e2e_fixture.h"

#define WAIT 30000

#define CONN_ERROR "+14155550310" /* fails with 31005 */
#define BAD_NUMBER "+14155550311" /* fails with 13224 */
#define BUSY       "+14155550300"

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
    char buf[256];
    const char *got = se_wait_q(sql, want, WAIT, buf, sizeof buf);
    if (strcmp(got, want) != 0)
        printf("  %s: got '%s', want '%s'\n", sql, got, want);
    return strcmp(got, want) == 0;
}

static void set_available(void)
{
    struct se_resp r = api(ALICE, "POST", "/api/v1/me/state", "{\"state\":\"available\"}");
    CHECK_INT(r.status, 200);
    se_resp_done(&r);
}

static void wrap_up(void)
{
    CHECK(wait_sql("SELECT state FROM agents WHERE name = 'alice'", "wrap-up"));
    struct se_resp r = api(ALICE, "POST", "/api/v1/me/wrapup", "{\"disposition\": \"resolved\"}");
    CHECK_INT(r.status, 200);
    se_resp_done(&r);
    CHECK(wait_sql("SELECT state FROM agents WHERE name = 'alice'", "available"));
}

/* alice dials to (with retry when asked); the customer's call sid into sid once it exists;
 * the answer's warning (or "") into warning. */
static void dial(const char *to, int retry, char *sid, size_t sidsz, char *warning, size_t wsz)
{
    char body[96], room[64], sql[300];
    snprintf(body, sizeof body, "{\"to\": \"%s\", \"retry\": %s}", to, retry ? "true" : "false");
    struct se_resp r = api(ALICE, "POST", "/api/v1/calls", body);
    CHECK_INT(r.status, 202);
    dt_strlcpy(room, se_str(r.json, "conference") ? se_str(r.json, "conference") : "", sizeof room);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r.json, "retry")) == (retry != 0));
    if (warning)
        dt_strlcpy(warning, se_str(r.json, "warning") ? se_str(r.json, "warning") : "", wsz);
    se_resp_done(&r);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM events WHERE type = 'call.dialing' AND "
             "json_extract(data, '$.conference') = '%s'",
             room);
    CHECK(room[0] && wait_sql(sql, "1"));
    dt_strlcpy(sid,
               se_q("SELECT json_extract(data, '$.call_sid') FROM events WHERE type = "
                    "'call.dialing' AND json_extract(data, '$.conference') = '%s'",
                    room),
               sidsz);
    CHECK(sid[0] == 'C');
}

static const char *q_event(const char *type, const char *first, const char *field)
{
    return se_q("SELECT json_extract(data, '$.%s') FROM events WHERE type = '%s' AND "
                "json_extract(data, '$.retry_of') = '%s' ORDER BY seq DESC LIMIT 1",
                field, type, first);
}

TEST(retryable_failure_is_retried_and_linked)
{
    char sid[64], sql[400], second[64];
    set_available();
    dial(CONN_ERROR, 1, sid, sizeof sid, NULL, 0);
    snprintf(sql, sizeof sql, "SELECT status || ' ' || error_code FROM calls WHERE sid = '%s'",
             sid);
    CHECK(wait_sql(sql, "failed 31005"));
    snprintf(sql, sizeof sql,
             "SELECT json_extract(data, '$.kind') || ' ' || json_extract(data, '$.attempt') FROM "
             "events WHERE type = 'call.retry_scheduled' AND json_extract(data, '$.retry_of') = "
             "'%s'",
             sid);
    CHECK(wait_sql(sql, "retry 2"));
    CHECK_STR(q_event("call.retry_scheduled", sid, "reason"), "retryable");
    wrap_up(); /* alice is available before the delay is over */
    snprintf(sql, sizeof sql, "SELECT count(*) FROM call_retries WHERE retry_of = '%s'", sid);
    CHECK(wait_sql(sql, "1"));
    dt_strlcpy(second, se_q("SELECT sid FROM call_retries WHERE retry_of = '%s'", sid),
               sizeof second);
    CHECK(second[0] == 'C' && strcmp(second, sid) != 0);
    CHECK_STR(se_q("SELECT attempt FROM call_retries WHERE sid = '%s'", second), "2");
    /* the number comes with the attempt's first status callback, which may follow the link */
    snprintf(sql, sizeof sql, "SELECT to_number FROM calls WHERE sid = '%s'", second);
    CHECK(wait_sql(sql, CONN_ERROR));
    CHECK_STR(q_event("call.retry", sid, "call_sid"), second);
    /* max_attempts = 2: the second failure ends it */
    snprintf(sql, sizeof sql, "SELECT status FROM calls WHERE sid = '%s'", second);
    CHECK(wait_sql(sql, "failed"));
    snprintf(sql, sizeof sql,
             "SELECT json_extract(data, '$.reason') FROM events WHERE type = "
             "'call.retry_dropped' AND json_extract(data, '$.retry_of') = '%s'",
             sid);
    CHECK(wait_sql(sql, "attempts exhausted"));
    wrap_up();
    /* two failures in a row, under flag_after = 3: not flagged */
    CHECK_STR(se_q("SELECT state || ' ' || in_row FROM numbers WHERE number = '%s'", CONN_ERROR),
              "ok 2");
}

TEST(busy_turns_into_a_callback_dropped_without_an_agent)
{
    char sid[64], sql[400];
    dial(BUSY, 1, sid, sizeof sid, NULL, 0);
    snprintf(sql, sizeof sql,
             "SELECT json_extract(data, '$.kind') FROM events WHERE type = "
             "'call.retry_scheduled' AND json_extract(data, '$.retry_of') = '%s'",
             sid);
    CHECK(wait_sql(sql, "callback"));
    CHECK_STR(q_event("call.retry_scheduled", sid, "code"), "31486");
    /* alice stays in wrap-up: the callback is dropped when due, with the reason */
    snprintf(sql, sizeof sql,
             "SELECT json_extract(data, '$.reason') LIKE '%%not_available%%' FROM events WHERE "
             "type = 'call.retry_dropped' AND json_extract(data, '$.retry_of') = '%s'",
             sid);
    CHECK(wait_sql(sql, "1"));
    snprintf(sql, sizeof sql, "SELECT count(*) FROM call_retries WHERE retry_of = '%s'", sid);
    CHECK_STR(se_q("%s", sql), "0");
    wrap_up();
}

TEST(bad_number_flagged_not_retried_then_do_not_call)
{
    char sid[64], sql[400], warning[256], again[64];
    dial(BAD_NUMBER, 1, sid, sizeof sid, warning, sizeof warning);
    CHECK_STR(warning, "");
    snprintf(sql, sizeof sql,
             "SELECT json_extract(data, '$.reason') FROM events WHERE type = "
             "'call.retry_dropped' AND json_extract(data, '$.retry_of') = '%s'",
             sid);
    CHECK(wait_sql(sql, "bad number"));
    CHECK_STR(se_q("SELECT count(*) FROM events WHERE type = 'call.retry_scheduled' AND "
                   "json_extract(data, '$.retry_of') = '%s'",
                   sid),
              "0");
    CHECK(wait_sql(
        "SELECT state || ' ' || reason || ' ' || code FROM numbers WHERE number = '" BAD_NUMBER "'",
        "flagged bad number 13224"));
    CHECK(wait_sql("SELECT count(*) FROM events WHERE type = 'number.flagged'", "1"));
    wrap_up();

    struct se_resp r = api(ALICE, "GET", "/api/v1/numbers/flagged", NULL);
    CHECK_INT(r.status, 403);
    se_resp_done(&r);
    r = api(BOSS, "GET", "/api/v1/numbers/flagged", NULL);
    CHECK_INT(r.status, 200);
    const cJSON *nums = cJSON_GetObjectItemCaseSensitive(r.json, "numbers");
    CHECK_INT(cJSON_GetArraySize(nums), 1);
    CHECK_STR(se_str(cJSON_GetArrayItem(nums, 0), "number"), BAD_NUMBER);
    CHECK_STR(se_str(cJSON_GetArrayItem(nums, 0), "reason"), "bad number");
    se_resp_done(&r);

    /* dialing a flagged number still works, with a warning */
    dial(BAD_NUMBER, 0, again, sizeof again, warning, sizeof warning);
    CHECK(strstr(warning, "flagged for review") != NULL);
    snprintf(sql, sizeof sql, "SELECT status FROM calls WHERE sid = '%s'", again);
    CHECK(wait_sql(sql, "failed"));
    wrap_up();

    r = api(ALICE, "POST", "/api/v1/numbers/" BAD_NUMBER "/review", "{\"action\": \"dnc\"}");
    CHECK_INT(r.status, 403);
    se_resp_done(&r);
    r = api(BOSS, "POST", "/api/v1/numbers/" BAD_NUMBER "/review", "{\"action\": \"delete\"}");
    CHECK_INT(r.status, 400);
    se_resp_done(&r);
    r = api(BOSS, "POST", "/api/v1/numbers/" BAD_NUMBER "/review", "{\"action\": \"fixed\"}");
    CHECK_INT(r.status, 400);
    se_resp_done(&r);
    r = api(BOSS, "POST", "/api/v1/numbers/+14155550999/review", "{\"action\": \"dnc\"}");
    CHECK_INT(r.status, 404);
    se_resp_done(&r);
    r = api(BOSS, "POST", "/api/v1/numbers/" BAD_NUMBER "/review", "{\"action\": \"dnc\"}");
    CHECK_INT(r.status, 200);
    CHECK_STR(se_str(r.json, "state"), "dnc");
    CHECK_STR(se_str(r.json, "reviewer"), "boss");
    se_resp_done(&r);
    CHECK(wait_sql("SELECT json_extract(data, '$.state') || ' ' || json_extract(data, "
                   "'$.reviewer') FROM events WHERE type = 'number.reviewed'",
                   "dnc boss"));
    CHECK_STR(se_q("SELECT reviewer || ' ' || (reviewed_ms > 0) FROM numbers WHERE number = "
                   "'%s'",
                   BAD_NUMBER),
              "boss 1");

    long calls = se_qi("SELECT count(*) FROM calls");
    r = api(ALICE, "POST", "/api/v1/calls", "{\"to\": \"" BAD_NUMBER "\"}");
    CHECK_INT(r.status, 409);
    CHECK_STR(se_str(cJSON_GetObjectItemCaseSensitive(r.json, "error"), "code"), "do_not_call");
    se_resp_done(&r);
    r = api(BOSS, "GET", "/api/v1/numbers/flagged", NULL);
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r.json, "numbers")), 0);
    se_resp_done(&r);
    CHECK_STR(se_q("SELECT state FROM agents WHERE name = 'alice'"), "available");
    CHECK(se_qi("SELECT count(*) FROM calls") == calls);
    r = api(ALICE, "POST", "/api/v1/calls", "{\"to\": \"" BUSY "\", \"retry\": 1}");
    CHECK_INT(r.status, 400);
    se_resp_done(&r);
}

int main(void)
{
    int rc = se_setup("data/scenarios/test-failures.ini", "10",
                      "[queue \"support\"]\nmax_wait = 3600\n[dispositions]\nresolved = "
                      "Resolved\n[retry]\ndelay = 8\nmax_attempts = 2\nbusy_callback = 2\n"
                      "flag_after = 3\n");
    if (rc != 0) {
        printf("setup failed\n");
    } else {
        add_agents();
        RUN(retryable_failure_is_retried_and_linked);
        RUN(busy_turns_into_a_callback_dropped_without_an_agent);
        RUN(bad_number_flagged_not_retried_then_do_not_call);
    }
    se_teardown();
    return rc != 0 ? 1 : check_done();
}
