/*
 * End-to-end test of retries across restarts of `dialtone serve`, against `dialtone sim`
 * (test-failures.ini): a call placed with "retry" fails with a connection error (31005,
 * retryable), its retry is scheduled, and the daemon is stopped:
 * - with SIGTERM before the retry is due: the restarted daemon arms it again and places it at
 *   its time, once, linked to the first call;
 * - with SIGKILL, started again only after the retry fell due: placed at once after the start,
 *   once;
 * - with SIGKILL right after the retry was placed (its call exists): the restarted daemon does
 *   not place it again, follows its call, and ends the chain (once) when it is over.
 */
#include <time.h>

#include "serve_e2e_fixture.h"

#define WAIT       30000
#define CONN_ERROR "+14155550310" /* fails with 31005 */

static struct se_agent agents[] = {{.name = "alice", .endpoint = "client:alice", .role = "agent"}};

static int wait_sql(const char *sql, const char *want)
{
    char buf[256];
    const char *got = se_wait_q(sql, want, WAIT, buf, sizeof buf);
    if (strcmp(got, want) != 0)
        printf("  %s: got '%s', want '%s'\n", sql, got, want);
    return strcmp(got, want) == 0;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void wrap_up(void)
{
    CHECK(wait_sql("SELECT state FROM agents WHERE name = 'alice'", "wrap-up"));
    struct se_resp r =
        se_api(&agents[0], "POST", "/api/v1/me/wrapup", "{\"disposition\": \"resolved\"}");
    CHECK_INT(r.status, 200);
    se_resp_done(&r);
    CHECK(wait_sql("SELECT state FROM agents WHERE name = 'alice'", "available"));
}

/* alice dials CONN_ERROR with retry; the first call's sid into sid once it failed and its
 * retry is stored as pending. */
static void first_attempt(char *sid, size_t sidsz)
{
    char room[64], sql[400];
    struct se_resp r = se_api(&agents[0], "POST", "/api/v1/calls",
                              "{\"to\": \"" CONN_ERROR "\", \"retry\": true}");
    CHECK_INT(r.status, 202);
    dt_strlcpy(room, se_str(r.json, "conference") ? se_str(r.json, "conference") : "", sizeof room);
    se_resp_done(&r);
    snprintf(sql, sizeof sql,
             "SELECT sid FROM retry_attempts WHERE chain = '%s' AND attempt = 1 AND sid <> ''",
             room);
    for (int i = 0; i < WAIT / 20 && !se_q("%s", sql)[0]; i++)
        usleep(20000);
    dt_strlcpy(sid, se_q("%s", sql), sidsz);
    CHECK(sid[0] == 'C');
    snprintf(sql, sizeof sql,
             "SELECT state || ' ' || kind || ' ' || first_sid || ' ' || code FROM retry_attempts "
             "WHERE chain = '%s' AND attempt = 2",
             room);
    char want[200];
    snprintf(want, sizeof want, "pending retry %s 31005", sid);
    CHECK(wait_sql(sql, want));
    snprintf(sql, sizeof sql, "SELECT state FROM retry_attempts WHERE chain = '%s' AND attempt = 1",
             room);
    CHECK_STR(se_q("%s", sql), "ended");
}

static long retries_of(const char *first)
{
    return atol(se_q("SELECT count(*) FROM call_retries WHERE retry_of = '%s'", first));
}

static long calls_to(void)
{
    return se_qi("SELECT count(*) FROM calls WHERE to_number = '" CONN_ERROR "'");
}

/* The chain of first ends after the second attempt (max_attempts 2), announced once, with
 * reason (NULL: any); nothing of it is left open. */
static void chain_over(const char *first, const char *reason)
{
    char sql[400];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM events WHERE type = 'call.retry_dropped' AND "
             "json_extract(data, '$.retry_of') = '%s'",
             first);
    CHECK(wait_sql(sql, "1"));
    if (reason)
        CHECK_STR(se_q("SELECT json_extract(data, '$.reason') FROM events WHERE type = "
                       "'call.retry_dropped' AND json_extract(data, '$.retry_of') = '%s'",
                       first),
                  reason);
    CHECK_STR(se_q("SELECT count(*) FROM retry_attempts WHERE first_sid = '%s' AND state IN "
                   "('pending', 'placed')",
                   first),
              "0");
    wrap_up();
}

TEST(pending_retry_survives_a_clean_stop)
{
    char sid[64], sql[300];
    first_attempt(sid, sizeof sid);
    long before = calls_to();
    int64_t due = atoll(se_q("SELECT due_ms FROM retry_attempts WHERE first_sid = '%s' AND "
                             "attempt = 2",
                             sid));
    wrap_up();
    CHECK_INT(se_stop(&se.daemon, SIGTERM), 0);
    CHECK_INT(se_start_daemon(), 0);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM call_retries WHERE retry_of = '%s'", sid);
    CHECK(wait_sql(sql, "1"));
    /* placed at its time, not before */
    CHECK(atoll(se_q("SELECT at_ms FROM call_retries WHERE retry_of = '%s'", sid)) >= due);
    CHECK_STR(se_q("SELECT attempt FROM call_retries WHERE retry_of = '%s'", sid), "2");
    CHECK(calls_to() == before + 1);
    chain_over(sid, "attempts exhausted");
    CHECK(retries_of(sid) == 1);
    CHECK(calls_to() == before + 1);
}

TEST(due_retry_placed_after_a_kill)
{
    char sid[64], sql[300];
    first_attempt(sid, sizeof sid);
    long before = calls_to();
    int64_t due = atoll(se_q("SELECT due_ms FROM retry_attempts WHERE first_sid = '%s' AND "
                             "attempt = 2",
                             sid));
    wrap_up();
    CHECK_INT(se_stop(&se.daemon, SIGKILL), 128 + SIGKILL);
    while (now_ms() < due + 500) /* it falls due while the daemon is away */
        usleep(50000);
    CHECK_INT(se_start_daemon(), 0);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM call_retries WHERE retry_of = '%s'", sid);
    CHECK(wait_sql(sql, "1"));
    CHECK_STR(se_q("SELECT count(*) FROM events WHERE type = 'call.retry' AND "
                   "json_extract(data, '$.retry_of') = '%s'",
                   sid),
              "1");
    chain_over(sid, "attempts exhausted");
    CHECK(retries_of(sid) == 1);
    CHECK(calls_to() == before + 1);
}

TEST(placed_retry_not_placed_again_after_a_kill)
{
    char sid[64], sql[300];
    first_attempt(sid, sizeof sid);
    long before = calls_to();
    wrap_up();
    /* killed as soon as the retry's call exists */
    snprintf(sql, sizeof sql,
             "SELECT state || ' ' || (sid <> '') FROM retry_attempts WHERE first_sid = '%s' AND "
             "attempt = 2",
             sid);
    CHECK(wait_sql(sql, "placed 1"));
    CHECK_INT(se_stop(&se.daemon, SIGKILL), 128 + SIGKILL);
    CHECK_INT(se_start_daemon(), 0);
    /* the call's end may be learnt from Twilio's Call resource, which has no error code: the
     * chain then ends as "not retryable" rather than "attempts exhausted" */
    chain_over(sid, NULL);
    CHECK(retries_of(sid) == 1);
    CHECK(calls_to() == before + 1);
    /* and a while later, still once */
    usleep(2000 * 1000);
    CHECK(calls_to() == before + 1);
    CHECK_STR(se_q("SELECT count(*) FROM events WHERE type = 'call.retry_scheduled' AND "
                   "json_extract(data, '$.retry_of') = '%s'",
                   sid),
              "1");
}

int main(void)
{
    int rc = se_setup("data/scenarios/test-failures.ini", "10",
                      "[queue \"support\"]\nmax_wait = 3600\n[dispositions]\nresolved = "
                      "Resolved\n[retry]\ndelay = 10\n"
                      "max_attempts = 2\nbusy_callback = 2\nflag_after = 0\n");
    if (rc != 0) {
        printf("setup failed\n");
    } else {
        se_add_agents(agents, 1, "support");
        struct se_resp r =
            se_api(&agents[0], "POST", "/api/v1/me/state", "{\"state\":\"available\"}");
        CHECK_INT(r.status, 200);
        se_resp_done(&r);
        RUN(pending_retry_survives_a_clean_stop);
        RUN(due_retry_placed_after_a_kill);
        RUN(placed_retry_not_placed_again_after_a_kill);
    }
    se_teardown();
    return rc != 0 ? 1 : check_done();
}
