/*
 * End-to-end test of an accept that comes before Twilio has the caller in its queue, with
 * `dialtone serve` and `dialtone sim` (test-basic.ini). The daemon offers a call as it answers
 * the call's voice webhook, a moment before Twilio runs the <Enqueue>; an accept in that moment
 * is answered 404 by Queue Members. Here the voice webhook is sent by the test for a call the
 * emulator never placed, so every dequeue is answered 404: the daemon must ask again for about
 * three seconds (every 200 ms, 15 times) before it gives the call back to the queue, and then
 * the agent is free again and the call is offered again.
 */
#include <time.h>

#include "dialtone/agents.h"
#include "serve_e2e_agent.h"

#define WAIT 20000
#define SID  "CA0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d"

#define CONF_EXTRA "[queue \"support\"]\nmax_wait = 3600\n"

static struct se_agent agents[] = {{.name = "alice", .endpoint = "client:alice"}};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 1 when alice's pending calls list SID. */
static int offered(void)
{
    struct se_resp r = se_api(&agents[0], "GET", "/api/v1/calls/pending", NULL);
    int yes = r.status == 200 && r.body.data && strstr(r.body.data, SID) != NULL;
    se_resp_done(&r);
    return yes;
}

static int wait_offered(void)
{
    for (int64_t end = now_ms() + WAIT; now_ms() < end;) {
        if (offered())
            return 1;
        struct timespec pause = {.tv_sec = 0, .tv_nsec = 50 * 1000000L};
        nanosleep(&pause, NULL);
    }
    return 0;
}

TEST(accept_before_the_queue_has_the_caller)
{
    se_add_agents(agents, 1, "support");
    CHECK_INT(se_post(&agents[0], "/api/v1/me/state", "{\"state\": \"available\"}"), 200);
    char *body = se_form("CallSid", SID, "AccountSid", SE_ACCOUNT, "From", "+14155550123", "To",
                         SE_NUMBER, "CallStatus", "ringing", "Direction", "inbound", NULL);
    struct se_resp r = se_hook("/twilio/voice", body, 1);
    free(body);
    CHECK_INT(r.status, 200);
    CHECK(r.body.data && strstr(r.body.data, "<Enqueue"));
    se_resp_done(&r);
    CHECK(wait_offered());

    int64_t t0 = now_ms();
    char path[96];
    snprintf(path, sizeof path, "/api/v1/calls/%s/accept", SID);
    long st = se_post(&agents[0], path, NULL);
    CHECK(st == 200 || st == 202);
    CHECK(se_wait_sql("SELECT count(*) FROM events WHERE type = 'call.connect_failed' AND "
                      "json_extract(data, '$.call_sid') = '" SID "'",
                      "1", WAIT));
    int64_t took = now_ms() - t0;
    /* 14 waits of 200 ms between 15 dequeues: never under 2.8 s; given back at once before */
    CHECK(took >= 2500);
    CHECK(strstr(se_q("SELECT json_extract(data, '$.reason') FROM events WHERE type = "
                      "'call.connect_failed' AND json_extract(data, '$.call_sid') = '" SID "'"),
                 "404") != NULL);
    /* the agent is free and the caller offered again, first in line */
    CHECK(wait_offered());
    struct se_resp me = se_api(&agents[0], "GET", "/api/v1/me", NULL);
    CHECK(me.body.data && strstr(me.body.data, "\"state\":\"available\""));
    se_resp_done(&me);
}

int main(void)
{
    if (se_setup("data/scenarios/test-basic.ini", "1", CONF_EXTRA) != 0) {
        printf("setup failed\n");
        se_teardown();
        return 1;
    }
    RUN(accept_before_the_queue_has_the_caller);
    se_teardown();
    return check_done();
}
