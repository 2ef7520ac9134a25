/*
 * End-to-end test of `dialtone sim` (test-basic.ini): the emulator as a child process on a
 * free loopback port, this test as its webhook receiver checking every signature. An inbound
 * call placed through the control API lands in a queue, is dequeued through REST into a
 * conference, an agent and a coaching supervisor join as participants, hold, mute and kick
 * work, the conference ends; an outbound call records and its recording callback and REST
 * views follow; answering-machine detection answers; bad REST input gets Twilio's error JSON.
 */
#include <stdarg.h>

#include "sim_e2e_fixture.h"

#define SPEED "20"
#define WAIT  15000 /* real ms to wait for a webhook */

/* A form body from key, value pairs ending in NULL; {URL} in values is expanded. */
static char *form_of(const char *key, ...)
{
    struct form f;
    form_init(&f);
    va_list ap;
    va_start(ap, key);
    for (const char *k = key; k; k = va_arg(ap, const char *)) {
        char *v = e2e_expand(va_arg(ap, const char *));
        form_add(&f, k, v);
        free(v);
    }
    va_end(ap);
    char *body = form_encode(&f);
    form_done(&f);
    return body;
}

static void dup_str(char *dst, size_t n, const char *src)
{
    dt_strlcpy(dst, src ? src : "", n);
}

/* Waits until the REST list at path (with query) has n items under key; returns the count. */
static int wait_list(const char *path, const char *query, const char *key, int n)
{
    int got = -1;
    for (int waited = 0; waited < WAIT; waited += 20) {
        struct e2e_resp r = e2e_rest("GET", path, query);
        got = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r.json, key));
        e2e_resp_done(&r);
        if (got == n)
            break;
        usleep(20000);
    }
    return got;
}

static char qsid[40], caller[40], confsid[40], agent[40], super[40];

TEST(test_inbound_to_queue)
{
    struct e2e_resp r = e2e_rest("POST", E2E_BASE "/Queues.json", "FriendlyName=support");
    CHECK_INT(r.status, 201);
    dup_str(qsid, sizeof qsid, e2e_str(r.json, "sid"));
    e2e_resp_done(&r);

    size_t mark = e2e_count();
    r = e2e_ctl("POST", "/sim/calls",
                "{\"from\":\"+14155550123\",\"caller_name\":\"Ann Lee\",\"patience\":0}");
    CHECK_INT(r.status, 201);
    dup_str(caller, sizeof caller,
            e2e_str(cJSON_GetObjectItemCaseSensitive(r.json, "call"), "sid"));
    e2e_resp_done(&r);
    long voice = e2e_wait(mark, "/twilio/voice", "CallSid", caller, WAIT);
    CHECK(voice >= 0);
    CHECK_STR(e2e_param(voice, "From"), "+14155550123");
    CHECK_STR(e2e_param(voice, "To"), E2E_NUMBER);
    CHECK_STR(e2e_param(voice, "AccountSid"), E2E_ACCOUNT);
    CHECK_STR(e2e_param(voice, "Direction"), "inbound");
    CHECK(e2e_wait(mark, "/twilio/wait", "CallSid", caller, WAIT) >= 0);

    char path[200];
    snprintf(path, sizeof path, E2E_BASE "/Queues/%s/Members.json", qsid);
    CHECK_INT(wait_list(path, NULL, "queue_members", 1), 1);
    snprintf(path, sizeof path, E2E_BASE "/Queues/%s.json", qsid);
    r = e2e_rest("GET", path, NULL);
    CHECK_INT(e2e_num(r.json, "current_size"), 1);
    e2e_resp_done(&r);
    snprintf(path, sizeof path, E2E_BASE "/Queues/%s/Members/%s.json", qsid, caller);
    r = e2e_rest("GET", path, NULL);
    CHECK_INT(r.status, 200);
    CHECK_INT(e2e_num(r.json, "position"), 1);
    e2e_resp_done(&r);
    r = e2e_ctl("GET", "/sim/queues", NULL);
    CHECK(r.body.data && strstr(r.body.data, caller));
    e2e_resp_done(&r);
}

TEST(test_dequeue_to_conference)
{
    size_t mark = e2e_count();
    char path[200];
    snprintf(path, sizeof path, E2E_BASE "/Queues/%s/Members/Front.json", qsid);
    char *body = form_of("Url", "{URL}/twilio/agent", "Method", "POST", NULL);
    struct e2e_resp r = e2e_rest("POST", path, body);
    free(body);
    CHECK_INT(r.status, 200);
    CHECK_STR(e2e_str(r.json, "call_sid"), caller);
    e2e_resp_done(&r);
    CHECK(e2e_wait(mark, "/twilio/agent", "CallSid", caller, WAIT) >= 0);
    long leave = e2e_wait(mark, "/twilio/enqueue-action", "CallSid", caller, WAIT);
    CHECK(leave >= 0);
    CHECK_STR(e2e_param(leave, "QueueResult"), "redirected");
    long join = e2e_wait(mark, "/twilio/conf", "StatusCallbackEvent", "participant-join", WAIT);
    CHECK(join >= 0);
    CHECK_STR(e2e_param(join, "CallSid"), caller);
    CHECK_STR(e2e_param(join, "FriendlyName"), "room-1");
    dup_str(confsid, sizeof confsid, e2e_param(join, "ConferenceSid"));
    CHECK(e2e_wait(mark, "/twilio/conf", "StatusCallbackEvent", "conference-start", WAIT) >= 0);
    CHECK_INT(wait_list(E2E_BASE "/Conferences.json", "FriendlyName=room-1&Status=in-progress",
                        "conferences", 1),
              1);
}

TEST(test_participants)
{
    char list[200], path[240];
    snprintf(list, sizeof list, E2E_BASE "/Conferences/%s/Participants.json", confsid);
    size_t mark = e2e_count();
    /* the agent, by the conference's friendly name */
    char *body =
        form_of("From", E2E_NUMBER, "To", "client:alice", "Label", "agent", "StatusCallback",
                "{URL}/twilio/pstatus", "StatusCallbackEvent", "answered", NULL);
    struct e2e_resp r = e2e_rest("POST", E2E_BASE "/Conferences/room-1/Participants.json", body);
    free(body);
    CHECK_INT(r.status, 201);
    dup_str(agent, sizeof agent, e2e_str(r.json, "call_sid"));
    e2e_resp_done(&r);
    CHECK(e2e_wait(mark, "/twilio/pstatus", "CallSid", agent, WAIT) >= 0);
    CHECK_INT(wait_list(list, "Status=connected", "participants", 2), 2);

    /* a supervisor coaching the agent */
    body = form_of("From", E2E_NUMBER, "To", "client:sup", "Coaching", "true", "CallSidToCoach",
                   agent, NULL);
    r = e2e_rest("POST", list, body);
    free(body);
    CHECK_INT(r.status, 201);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r.json, "coaching")));
    dup_str(super, sizeof super, e2e_str(r.json, "call_sid"));
    e2e_resp_done(&r);
    CHECK_INT(wait_list(list, NULL, "participants", 3), 3);

    /* hold and mute the caller: conference events follow */
    mark = e2e_count();
    snprintf(path, sizeof path, E2E_BASE "/Conferences/%s/Participants/%s.json", confsid, caller);
    r = e2e_rest("POST", path, "Hold=true");
    CHECK_INT(r.status, 200);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r.json, "hold")));
    e2e_resp_done(&r);
    CHECK(e2e_wait(mark, "/twilio/conf", "StatusCallbackEvent", "participant-hold", WAIT) >= 0);
    r = e2e_rest("POST", path, "Muted=true");
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r.json, "muted")));
    e2e_resp_done(&r);
    CHECK(e2e_wait(mark, "/twilio/conf", "StatusCallbackEvent", "participant-mute", WAIT) >= 0);
    r = e2e_ctl("GET", "/sim/conferences", NULL);
    CHECK(r.body.data && strstr(r.body.data, "\"hold\":true") &&
          strstr(r.body.data, "\"muted\":true") && strstr(r.body.data, "\"coaching\":true"));
    e2e_resp_done(&r);
    r = e2e_rest("POST", path, "Hold=false&Muted=false");
    CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(r.json, "hold")));
    e2e_resp_done(&r);
    CHECK(e2e_wait(mark, "/twilio/conf", "StatusCallbackEvent", "participant-unhold", WAIT) >= 0);

    /* kick the supervisor */
    mark = e2e_count();
    snprintf(path, sizeof path, E2E_BASE "/Conferences/%s/Participants/%s.json", confsid, super);
    r = e2e_rest("DELETE", path, NULL);
    CHECK_INT(r.status, 204);
    e2e_resp_done(&r);
    CHECK(e2e_wait(mark, "/twilio/conf", "StatusCallbackEvent", "participant-leave", WAIT) >= 0);
    CHECK_INT(wait_list(list, NULL, "participants", 2), 2);
}

TEST(test_end_conference)
{
    size_t mark = e2e_count();
    char path[200];
    snprintf(path, sizeof path, E2E_BASE "/Conferences/%s.json", confsid);
    struct e2e_resp r = e2e_rest("POST", path, "Status=completed");
    CHECK_INT(r.status, 200);
    e2e_resp_done(&r);
    CHECK(e2e_wait(mark, "/twilio/conf", "StatusCallbackEvent", "conference-end", WAIT) >= 0);
    long done = e2e_wait(mark, "/twilio/status", "CallStatus", "completed", WAIT);
    CHECK(done >= 0);
    CHECK(e2e_param(done, "CallDuration") != NULL);
    CHECK(e2e_param(done, "SequenceNumber") != NULL);
    CHECK(e2e_param(done, "Timestamp") != NULL);
    CHECK_STR(e2e_param(done, "CallbackSource"), "call-progress-events");
    r = e2e_rest("GET", path, NULL);
    CHECK_STR(e2e_str(r.json, "status"), "completed");
    e2e_resp_done(&r);
}

TEST(test_recording)
{
    size_t mark = e2e_count();
    char *twiml = e2e_expand("<Response><Record maxLength=\"3\" "
                             "recordingStatusCallback=\"{URL}/twilio/rec\"/></Response>");
    char *body = form_of("To", "+14155550200", "From", E2E_NUMBER, "Twiml", twiml, "StatusCallback",
                         "{URL}/twilio/ostatus", NULL);
    free(twiml);
    struct e2e_resp r = e2e_rest("POST", E2E_BASE "/Calls.json", body);
    free(body);
    CHECK_INT(r.status, 201);
    char call[40];
    dup_str(call, sizeof call, e2e_str(r.json, "sid"));
    e2e_resp_done(&r);
    long rec = e2e_wait(mark, "/twilio/rec", "CallSid", call, WAIT);
    CHECK(rec >= 0);
    CHECK_STR(e2e_param(rec, "RecordingStatus"), "completed");
    char rsid[40];
    dup_str(rsid, sizeof rsid, e2e_param(rec, "RecordingSid"));
    CHECK(strncmp(rsid, "RE", 2) == 0);
    CHECK(e2e_param(rec, "RecordingUrl") != NULL);
    CHECK(e2e_param(rec, "RecordingDuration") != NULL);
    char path[200];
    snprintf(path, sizeof path, E2E_BASE "/Calls/%s/Recordings.json", call);
    CHECK_INT(wait_list(path, NULL, "recordings", 1), 1);
    snprintf(path, sizeof path, E2E_BASE "/Recordings/%s.json", rsid);
    r = e2e_rest("GET", path, NULL);
    CHECK_INT(r.status, 200);
    CHECK_STR(e2e_str(r.json, "call_sid"), call);
    e2e_resp_done(&r);
}

TEST(test_amd)
{
    size_t mark = e2e_count();
    char *body = form_of("To", "+14155550201", "From", E2E_NUMBER, "Url", "{URL}/twilio/amd",
                         "MachineDetection", "Enable", NULL);
    struct e2e_resp r = e2e_rest("POST", E2E_BASE "/Calls.json", body);
    free(body);
    CHECK_INT(r.status, 201);
    char call[40];
    dup_str(call, sizeof call, e2e_str(r.json, "sid"));
    e2e_resp_done(&r);
    long amd = e2e_wait(mark, "/twilio/amd", "CallSid", call, WAIT);
    CHECK(amd >= 0);
    const char *by = e2e_param(amd, "AnsweredBy");
    CHECK(by && strncmp(by, "machine", 7) == 0);
    char path[200];
    snprintf(path, sizeof path, E2E_BASE "/Calls/%s.json", call);
    r = e2e_rest("GET", path, NULL);
    by = e2e_str(r.json, "answered_by");
    CHECK(by && strncmp(by, "machine", 7) == 0);
    e2e_resp_done(&r);
}

TEST(test_rest_sweep)
{
    /* a call redirected through REST, then hung up through REST */
    size_t mark = e2e_count();
    char *body = form_of("To", "client:bob", "From", E2E_NUMBER, "Url", "{URL}/twilio/long",
                         "StatusCallback", "{URL}/twilio/bstatus", "StatusCallbackEvent",
                         "initiated ringing answered completed", NULL);
    struct e2e_resp r = e2e_rest("POST", E2E_BASE "/Calls.json", body);
    free(body);
    CHECK_INT(r.status, 201);
    char call[40], path[200];
    dup_str(call, sizeof call, e2e_str(r.json, "sid"));
    e2e_resp_done(&r);
    CHECK(e2e_wait(mark, "/twilio/long", "CallSid", call, WAIT) >= 0);
    CHECK(e2e_wait(mark, "/twilio/bstatus", "CallStatus", "in-progress", WAIT) >= 0);
    snprintf(path, sizeof path, E2E_BASE "/Calls/%s.json", call);
    body = form_of("Url", "{URL}/twilio/redirected", "Method", "POST", NULL);
    r = e2e_rest("POST", path, body);
    free(body);
    CHECK_INT(r.status, 200);
    e2e_resp_done(&r);
    CHECK(e2e_wait(mark, "/twilio/redirected", "CallSid", call, WAIT) >= 0);
    r = e2e_rest("POST", path, "Status=completed");
    CHECK_INT(r.status, 200);
    e2e_resp_done(&r);
    long done = e2e_wait(mark, "/twilio/bstatus", "CallStatus", "completed", WAIT);
    CHECK(done >= 0);
    CHECK(e2e_param(done, "CallDuration") != NULL);
    r = e2e_rest("GET", E2E_BASE "/Calls.json", "To=client%3Abob&Status=completed");
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r.json, "calls")), 1);
    e2e_resp_done(&r);

    /* the queue: list, update, delete */
    r = e2e_rest("GET", E2E_BASE "/Queues.json", NULL);
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r.json, "queues")), 1);
    e2e_resp_done(&r);
    snprintf(path, sizeof path, E2E_BASE "/Queues/%s.json", qsid);
    r = e2e_rest("POST", path, "MaxSize=7");
    CHECK_INT(e2e_num(r.json, "max_size"), 7);
    e2e_resp_done(&r);
    r = e2e_rest("DELETE", path, NULL);
    CHECK_INT(r.status, 204);
    e2e_resp_done(&r);
    r = e2e_rest("GET", path, NULL);
    E2E_CHECK_ERROR(r, 404, 20404);
    e2e_resp_done(&r);

    /* recordings of the account, conferences by sid */
    r = e2e_rest("GET", E2E_BASE "/Recordings.json", NULL);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r.json, "recordings")) >= 1);
    e2e_resp_done(&r);
    snprintf(path, sizeof path, E2E_BASE "/Conferences/%s/Participants.json", confsid);
    r = e2e_rest("GET", path, NULL);
    CHECK_INT(r.status, 200);
    e2e_resp_done(&r);
}

TEST(test_bad_input)
{
    struct e2e_resp r = e2e_rest("GET", E2E_BASE "/Nothing.json", NULL);
    E2E_CHECK_ERROR(r, 404, 20404);
    e2e_resp_done(&r);
    r = e2e_rest("POST", E2E_BASE "/Calls.json", "From=%2B14155550100&Url=http%3A%2F%2Fa.b%2F");
    E2E_CHECK_ERROR(r, 400, 21201);
    e2e_resp_done(&r);
    r = e2e_rest("POST", E2E_BASE "/Calls.json", "To=%ZZ");
    E2E_CHECK_ERROR(r, 400, 20422);
    e2e_resp_done(&r);
    r = e2e_rest("DELETE", E2E_BASE "/Calls.json", NULL);
    E2E_CHECK_ERROR(r, 405, 20004);
    e2e_resp_done(&r);
    r = e2e_http("GET", E2E_BASE "/Calls.json", NULL, NULL, 0, E2E_ACCOUNT ":wrong");
    E2E_CHECK_ERROR(r, 401, 20003);
    e2e_resp_done(&r);
    r = e2e_http("GET", E2E_BASE "/Calls.json", NULL, NULL, 0, NULL);
    E2E_CHECK_ERROR(r, 401, 20003);
    e2e_resp_done(&r);
    size_t big = 200000;
    char *huge = xmalloc(big);
    memset(huge, 'a', big);
    memcpy(huge, "To=", 3);
    r = e2e_http("POST", E2E_BASE "/Calls.json", "application/x-www-form-urlencoded", huge, big,
                 E2E_ACCOUNT ":" E2E_TOKEN);
    E2E_CHECK_ERROR(r, 413, 20413);
    e2e_resp_done(&r);
    free(huge);
    r = e2e_ctl("POST", "/sim/calls", "{not json");
    CHECK_INT(r.status, 400);
    e2e_resp_done(&r);
    r = e2e_ctl("POST", "/sim/scenario", "{\"text\":\"[scenario]\\nspeeed = 2\\n\"}");
    CHECK_INT(r.status, 400);
    const char *msg = e2e_str(cJSON_GetObjectItemCaseSensitive(r.json, "error"), "message");
    CHECK(msg && strstr(msg, ":2:"));
    e2e_resp_done(&r);
    /* still alive and well */
    r = e2e_ctl("GET", "/sim/stats", NULL);
    CHECK_INT(r.status, 200);
    CHECK(e2e_num(r.json, "rest_requests") > 10);
    e2e_resp_done(&r);
}

TEST(test_every_webhook_signed)
{
    size_t n = e2e_check_all_signed();
    printf("  %zu webhooks received, every signature valid\n", n);
    CHECK(n >= 15);
}

TEST(test_clean_stop)
{
    /* SIGTERM: a clean stop, and no leak under the sanitizers */
    CHECK_INT(e2e_stop_sim(), 0);
}

int main(void)
{
    if (e2e_setup("data/scenarios/test-basic.ini", SPEED) < 0) {
        printf("FAIL setup\n");
        e2e_dump_log();
        e2e_teardown();
        printf("0 passed, 1 failed\n");
        return 1;
    }
    e2e_set_twiml("/twilio/voice",
                  "<Response><Enqueue waitUrl=\"{URL}/twilio/wait\" "
                  "action=\"{URL}/twilio/enqueue-action\">support</Enqueue></Response>");
    e2e_set_twiml("/twilio/wait", "<Response><Pause length=\"10\"/></Response>");
    e2e_set_twiml("/twilio/agent",
                  "<Response><Dial><Conference statusCallback=\"{URL}/twilio/conf\" "
                  "statusCallbackEvent=\"start end join leave mute hold\">room-1</Conference>"
                  "</Dial></Response>");
    e2e_set_twiml("/twilio/amd", "<Response><Hangup/></Response>");
    e2e_set_twiml("/twilio/long", "<Response><Pause length=\"60\"/></Response>");
    e2e_set_twiml("/twilio/redirected", "<Response><Pause length=\"60\"/></Response>");
    RUN(test_inbound_to_queue);
    RUN(test_dequeue_to_conference);
    RUN(test_participants);
    RUN(test_end_conference);
    RUN(test_recording);
    RUN(test_amd);
    RUN(test_rest_sweep);
    RUN(test_bad_input);
    RUN(test_every_webhook_signed);
    RUN(test_clean_stop);
    if (check_tests_failed)
        e2e_dump_log();
    e2e_teardown();
    return check_done();
}
