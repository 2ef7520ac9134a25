/*
 * Tests of the emulator's REST layer over whole flows of the engine: queues and their members
 * (an inbound call enqueued, fetched by CallSid and Front, dequeued to a conference),
 * conferences and participants (create by friendly name, hold, mute, coaching, kick, end), and
 * recordings (per account, per call, per conference). Field names and formats follow Twilio's.
 */
#include "sim_rest_fixture.h"

#define ENQUEUE_TWIML "<Response><Enqueue>support</Enqueue></Response>"
#define AGENT_TWIML   "<Response><Dial><Conference>room-1</Conference></Dial></Response>"
#define RECORD_TWIML                                                                               \
    "<Response><Record maxLength=\"5\" "                                                           \
    "recordingStatusCallback=\"https://app.test/rec\"/></Response>"

static char qsid[40], caller[40], confsid[40];

static size_t array_size(const struct fx_resp *r, const char *key)
{
    return (size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r->json, key));
}

static const cJSON *first(const struct fx_resp *r, const char *key)
{
    return cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(r->json, key), 0);
}

/* A queue named support, and a caller waiting in it: fills qsid and caller. */
static void enqueue_caller(void)
{
    struct fx_resp r = fx_req("POST", FX_BASE "/Queues.json", "FriendlyName=support&MaxSize=20");
    CHECK_INT(r.status, 201);
    dt_strlcpy(qsid, fx_str(r.json, "sid") ? fx_str(r.json, "sid") : "", sizeof qsid);
    fx_resp_done(&r);
    fx_route_twiml("https://app.test/voice", ENQUEUE_TWIML);
    fx_route_twiml("https://app.test/agent", AGENT_TWIML);
    const struct sim_call *call = NULL;
    struct sim_err e = {0};
    CHECK_INT(sim_inbound_call(fx_sim, "+14155550111", FX_NUMBER, "Alice", -1, NULL, &call, &e), 0);
    dt_strlcpy(caller, call ? call->sid : "", sizeof caller);
    fx_run(5000);
}

TEST(test_queue_crud)
{
    fx_setup();
    struct fx_resp r = fx_req("POST", FX_BASE "/Queues.json", "FriendlyName=sales");
    CHECK_INT(r.status, 201);
    const char *sid = fx_str(r.json, "sid");
    CHECK(fx_is_sid(sid, "QU"));
    CHECK_STR(fx_str(r.json, "friendly_name"), "sales");
    CHECK_STR(fx_str(r.json, "account_sid"), FX_ACCOUNT);
    CHECK_INT(fx_num(r.json, "current_size"), 0);
    CHECK_INT(fx_num(r.json, "average_wait_time"), 0);
    CHECK_INT(fx_num(r.json, "max_size"), 100);
    CHECK_STR(fx_str(r.json, "date_created"), "Tue, 01 Dec 2026 10:00:00 +0000");
    CHECK(fx_str(r.json, "date_updated") != NULL);
    char path[160];
    snprintf(path, sizeof path, FX_BASE "/Queues/%s.json", sid ? sid : "");
    CHECK_STR(fx_str(r.json, "uri"), path);
    fx_resp_done(&r);

    r = fx_req("GET", path, NULL);
    CHECK_INT(r.status, 200);
    CHECK_STR(fx_str(r.json, "friendly_name"), "sales");
    fx_resp_done(&r);
    r = fx_req("POST", path, "MaxSize=10");
    CHECK_INT(r.status, 200);
    CHECK_INT(fx_num(r.json, "max_size"), 10);
    fx_resp_done(&r);
    r = fx_req("POST", path, "MaxSize=abc");
    CHECK_INT(r.status, 400);
    CHECK(fx_num(r.json, "code") > 20000);
    fx_resp_done(&r);
    r = fx_req("POST", path, "MaxSize=5001");
    CHECK_INT(r.status, 400);
    fx_resp_done(&r);
    r = fx_req("POST", FX_BASE "/Queues.json", "MaxSize=3");
    CHECK_INT(r.status, 400);
    CHECK(fx_num(r.json, "code") > 20000);
    fx_resp_done(&r);

    r = fx_req("GET", FX_BASE "/Queues.json", NULL);
    CHECK_INT(r.status, 200);
    CHECK_INT(array_size(&r, "queues"), 1);
    CHECK_STR(fx_str(first(&r, "queues"), "friendly_name"), "sales");
    CHECK_STR(fx_str(r.json, "uri"), FX_BASE "/Queues.json?PageSize=50&Page=0");
    fx_resp_done(&r);

    r = fx_req("DELETE", path, NULL);
    CHECK_INT(r.status, 204);
    CHECK(r.body == NULL);
    fx_resp_done(&r);
    r = fx_req("GET", path, NULL);
    FX_CHECK_ERROR(r, 404, 20404);
    fx_resp_done(&r);
    r = fx_req("DELETE", path, NULL);
    FX_CHECK_ERROR(r, 404, 20404);
    fx_resp_done(&r);
    fx_teardown();
}

TEST(test_members_and_dequeue)
{
    fx_setup();
    enqueue_caller();
    CHECK(fx_is_sid(caller, "CA"));
    char path[200];
    snprintf(path, sizeof path, FX_BASE "/Queues/%s.json", qsid);
    struct fx_resp r = fx_req("GET", path, NULL);
    CHECK_INT(fx_num(r.json, "current_size"), 1);
    CHECK(fx_num(r.json, "average_wait_time") >= 0);
    fx_resp_done(&r);

    snprintf(path, sizeof path, FX_BASE "/Queues/%s/Members.json", qsid);
    r = fx_req("GET", path, NULL);
    CHECK_INT(r.status, 200);
    CHECK_INT(array_size(&r, "queue_members"), 1);
    const cJSON *m = first(&r, "queue_members");
    CHECK_STR(fx_str(m, "call_sid"), caller);
    CHECK_STR(fx_str(m, "queue_sid"), qsid);
    CHECK_INT(fx_num(m, "position"), 1);
    CHECK(fx_num(m, "wait_time") >= 0);
    CHECK(fx_str(m, "date_enqueued") != NULL);
    char uri[200];
    snprintf(uri, sizeof uri, FX_BASE "/Queues/%s/Members/%s.json", qsid, caller);
    CHECK_STR(fx_str(m, "uri"), uri);
    fx_resp_done(&r);

    /* fetch by CallSid and by Front */
    r = fx_req("GET", uri, NULL);
    CHECK_INT(r.status, 200);
    CHECK_STR(fx_str(r.json, "call_sid"), caller);
    fx_resp_done(&r);
    snprintf(path, sizeof path, FX_BASE "/Queues/%s/Members/Front.json", qsid);
    r = fx_req("GET", path, NULL);
    CHECK_INT(r.status, 200);
    CHECK_STR(fx_str(r.json, "call_sid"), caller);
    fx_resp_done(&r);
    snprintf(path, sizeof path,
             FX_BASE "/Queues/%s/Members/CA00000000000000000000000000000000.json", qsid);
    r = fx_req("GET", path, NULL);
    FX_CHECK_ERROR(r, 404, 20404);
    fx_resp_done(&r);
    r = fx_req("GET", FX_BASE "/Queues/QU00000000000000000000000000000000/Members.json", NULL);
    FX_CHECK_ERROR(r, 404, 20404);
    fx_resp_done(&r);

    /* dequeue needs a Url */
    r = fx_req("POST", uri, "Method=POST");
    CHECK_INT(r.status, 400);
    fx_resp_done(&r);
    snprintf(path, sizeof path, FX_BASE "/Queues/%s/Members/Front.json", qsid);
    r = fx_req("POST", path, "Url=https%3A%2F%2Fapp.test%2Fagent&Method=POST");
    CHECK_INT(r.status, 200);
    CHECK_STR(fx_str(r.json, "call_sid"), caller);
    fx_resp_done(&r);
    fx_run(3000);
    snprintf(path, sizeof path, FX_BASE "/Queues/%s/Members.json", qsid);
    r = fx_req("GET", path, NULL);
    CHECK_INT(array_size(&r, "queue_members"), 0);
    fx_resp_done(&r);
    /* the call left the queue for the conference */
    r = fx_req("GET", FX_BASE "/Conferences.json", "FriendlyName=room-1");
    CHECK_INT(r.status, 200);
    CHECK_INT(array_size(&r, "conferences"), 1);
    fx_resp_done(&r);
    fx_teardown();
}

/* Sets up a caller in conference room-1; fills confsid. */
static void caller_in_conference(void)
{
    enqueue_caller();
    char path[200];
    snprintf(path, sizeof path, FX_BASE "/Queues/%s/Members/Front.json", qsid);
    struct fx_resp r = fx_req("POST", path, "Url=https%3A%2F%2Fapp.test%2Fagent");
    CHECK_INT(r.status, 200);
    fx_resp_done(&r);
    fx_run(3000);
    r = fx_req("GET", FX_BASE "/Conferences.json", "FriendlyName=room-1&Status=in-progress");
    const cJSON *cf = first(&r, "conferences");
    dt_strlcpy(confsid, cf && fx_str(cf, "sid") ? fx_str(cf, "sid") : "", sizeof confsid);
    fx_resp_done(&r);
}

TEST(test_conferences)
{
    fx_setup();
    caller_in_conference();
    CHECK(fx_is_sid(confsid, "CF"));
    char path[200];
    snprintf(path, sizeof path, FX_BASE "/Conferences/%s.json", confsid);
    struct fx_resp r = fx_req("GET", path, NULL);
    CHECK_INT(r.status, 200);
    CHECK_STR(fx_str(r.json, "friendly_name"), "room-1");
    CHECK_STR(fx_str(r.json, "status"), "in-progress");
    CHECK_STR(fx_str(r.json, "api_version"), "2010-04-01");
    CHECK_STR(fx_str(r.json, "region"), "us1");
    CHECK(fx_is_null(r.json, "reason_conference_ended"));
    CHECK(fx_is_null(r.json, "call_sid_ending_conference"));
    CHECK_STR(fx_str(r.json, "uri"), path);
    char sub[200];
    snprintf(sub, sizeof sub, FX_BASE "/Conferences/%s/Participants.json", confsid);
    CHECK_STR(fx_str(cJSON_GetObjectItemCaseSensitive(r.json, "subresource_uris"), "participants"),
              sub);
    fx_resp_done(&r);

    /* filters */
    r = fx_req("GET", FX_BASE "/Conferences.json", "Status=completed");
    CHECK_INT(array_size(&r, "conferences"), 0);
    fx_resp_done(&r);
    r = fx_req("GET", FX_BASE "/Conferences.json", "FriendlyName=room-2");
    CHECK_INT(array_size(&r, "conferences"), 0);
    fx_resp_done(&r);
    r = fx_req("GET", FX_BASE "/Conferences.json", "DateCreated=2026-12-01");
    CHECK_INT(array_size(&r, "conferences"), 1);
    fx_resp_done(&r);
    r = fx_req("GET", FX_BASE "/Conferences.json", "DateCreated%3E=2026-12-02");
    CHECK_INT(array_size(&r, "conferences"), 0);
    fx_resp_done(&r);
    r = fx_req("GET", FX_BASE "/Conferences.json", "Status=over");
    FX_CHECK_ERROR(r, 400, 20422);
    fx_resp_done(&r);

    /* end it */
    r = fx_req("POST", path, "Status=completed");
    CHECK_INT(r.status, 200);
    fx_resp_done(&r);
    fx_run(2000);
    r = fx_req("GET", path, NULL);
    CHECK_STR(fx_str(r.json, "status"), "completed");
    CHECK_STR(fx_str(r.json, "reason_conference_ended"), "conference-ended-via-api");
    fx_resp_done(&r);
    r = fx_req("GET", FX_BASE "/Conferences.json", "Status=completed");
    CHECK_INT(array_size(&r, "conferences"), 1);
    fx_resp_done(&r);
    fx_teardown();
}

TEST(test_participants)
{
    fx_setup();
    caller_in_conference();
    char list[200], path[240];
    snprintf(list, sizeof list, FX_BASE "/Conferences/%s/Participants.json", confsid);
    struct fx_resp r = fx_req("GET", list, NULL);
    CHECK_INT(r.status, 200);
    CHECK_INT(array_size(&r, "participants"), 1);
    const cJSON *p = first(&r, "participants");
    CHECK_STR(fx_str(p, "call_sid"), caller);
    CHECK_STR(fx_str(p, "conference_sid"), confsid);
    CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(p, "hold")));
    CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(p, "muted")));
    CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(p, "coaching")));
    CHECK(cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(p, "start_conference_on_enter")));
    CHECK(cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(p, "end_conference_on_exit")));
    CHECK_STR(fx_str(p, "status"), "connected");
    fx_resp_done(&r);

    /* an agent joins by the conference's friendly name, as Twilio allows for create */
    r = fx_req("POST", FX_BASE "/Conferences/room-1/Participants.json",
               "From=%2B14155550100&To=client%3Aalice&Label=agent&EndConferenceOnExit=true");
    CHECK_INT(r.status, 201);
    char agent[40];
    dt_strlcpy(agent, fx_str(r.json, "call_sid") ? fx_str(r.json, "call_sid") : "", sizeof agent);
    CHECK(fx_is_sid(agent, "CA"));
    CHECK_STR(fx_str(r.json, "conference_sid"), confsid);
    CHECK_STR(fx_str(r.json, "label"), "agent");
    CHECK_STR(fx_str(r.json, "queue_time"), "0");
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r.json, "end_conference_on_exit")));
    fx_resp_done(&r);
    r = fx_req("POST", FX_BASE "/Conferences/room-1/Participants.json", "To=client%3Abob");
    CHECK_INT(r.status, 400);
    fx_resp_done(&r);
    fx_run(10000);

    /* a supervisor coaches the agent */
    char body[200];
    snprintf(body, sizeof body,
             "From=%%2B14155550100&To=client%%3Asuper&Coaching=true"
             "&CallSidToCoach=%s",
             agent);
    r = fx_req("POST", list, body);
    CHECK_INT(r.status, 201);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r.json, "coaching")));
    CHECK_STR(fx_str(r.json, "call_sid_to_coach"), agent);
    char super[40];
    dt_strlcpy(super, fx_str(r.json, "call_sid") ? fx_str(r.json, "call_sid") : "", sizeof super);
    fx_resp_done(&r);
    fx_run(10000);
    r = fx_req("GET", list, NULL);
    CHECK_INT(array_size(&r, "participants"), 3);
    fx_resp_done(&r);

    /* hold and mute the caller */
    snprintf(path, sizeof path, FX_BASE "/Conferences/%s/Participants/%s.json", confsid, caller);
    r = fx_req("POST", path, "Hold=true&Muted=true");
    CHECK_INT(r.status, 200);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r.json, "hold")));
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r.json, "muted")));
    CHECK_STR(fx_str(r.json, "uri"), path);
    fx_resp_done(&r);
    r = fx_req("GET", list, "Hold=true");
    CHECK_INT(array_size(&r, "participants"), 1);
    CHECK_STR(fx_str(first(&r, "participants"), "call_sid"), caller);
    fx_resp_done(&r);
    r = fx_req("GET", list, "Coaching=true");
    CHECK_INT(array_size(&r, "participants"), 1);
    CHECK_STR(fx_str(first(&r, "participants"), "call_sid"), super);
    fx_resp_done(&r);
    r = fx_req("GET", list, "Muted=maybe");
    FX_CHECK_ERROR(r, 400, 20422);
    fx_resp_done(&r);
    r = fx_req("POST", path, "Hold=false");
    CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(r.json, "hold")));
    fx_resp_done(&r);
    r = fx_req("GET", path, NULL);
    CHECK_INT(r.status, 200);
    CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(r.json, "hold")));
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r.json, "muted")));
    fx_resp_done(&r);

    /* the supervisor stops coaching, then is kicked */
    snprintf(path, sizeof path, FX_BASE "/Conferences/%s/Participants/%s.json", confsid, super);
    r = fx_req("POST", path, "Coaching=false");
    CHECK_INT(r.status, 200);
    CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(r.json, "coaching")));
    fx_resp_done(&r);
    r = fx_req("DELETE", path, NULL);
    CHECK_INT(r.status, 204);
    fx_resp_done(&r);
    fx_run(2000);
    r = fx_req("GET", list, NULL);
    CHECK_INT(array_size(&r, "participants"), 2);
    fx_resp_done(&r);
    r = fx_req("GET", path, NULL);
    FX_CHECK_ERROR(r, 404, 20404);
    fx_resp_done(&r);
    r = fx_req("DELETE", path, NULL);
    FX_CHECK_ERROR(r, 404, 20404);
    fx_resp_done(&r);
    fx_teardown();
}

TEST(test_recordings)
{
    fx_setup();
    char call[40];
    dt_strlcpy(call, fx_create_call("+14155550401", RECORD_TWIML), sizeof call);
    CHECK(fx_is_sid(call, "CA"));
    fx_run(30000);
    struct fx_resp r = fx_req("GET", FX_BASE "/Recordings.json", NULL);
    CHECK_INT(r.status, 200);
    CHECK_INT(array_size(&r, "recordings"), 1);
    const cJSON *rec = first(&r, "recordings");
    char rsid[40];
    dt_strlcpy(rsid, fx_str(rec, "sid") ? fx_str(rec, "sid") : "", sizeof rsid);
    CHECK(fx_is_sid(rsid, "RE"));
    CHECK_STR(fx_str(rec, "call_sid"), call);
    CHECK_STR(fx_str(rec, "source"), "RecordVerb");
    CHECK_STR(fx_str(rec, "status"), "completed");
    CHECK(fx_str(rec, "duration") != NULL);
    CHECK(fx_is_null(rec, "conference_sid"));
    CHECK(fx_str(rec, "media_url") != NULL);
    CHECK_INT(fx_num(rec, "channels"), 1);
    char uri[200];
    snprintf(uri, sizeof uri, FX_BASE "/Recordings/%s.json", rsid);
    CHECK_STR(fx_str(rec, "uri"), uri);
    fx_resp_done(&r);
    /* the recording callback went out */
    CHECK(fx_find_req(0, "https://app.test/rec") >= 0);

    r = fx_req("GET", uri, NULL);
    CHECK_INT(r.status, 200);
    CHECK_STR(fx_str(r.json, "sid"), rsid);
    fx_resp_done(&r);
    snprintf(uri, sizeof uri, FX_BASE "/Recordings.json");
    char q[100];
    snprintf(q, sizeof q, "CallSid=%s", call);
    r = fx_req("GET", uri, q);
    CHECK_INT(array_size(&r, "recordings"), 1);
    fx_resp_done(&r);
    r = fx_req("GET", uri, "CallSid=CA00000000000000000000000000000000");
    CHECK_INT(array_size(&r, "recordings"), 0);
    fx_resp_done(&r);
    r = fx_req("GET", uri, "DateCreated%3E=2026-12-02T00:00:00Z");
    CHECK_INT(array_size(&r, "recordings"), 0);
    fx_resp_done(&r);

    /* per call */
    snprintf(uri, sizeof uri, FX_BASE "/Calls/%s/Recordings.json", call);
    r = fx_req("GET", uri, NULL);
    CHECK_INT(r.status, 200);
    CHECK_INT(array_size(&r, "recordings"), 1);
    rec = first(&r, "recordings");
    CHECK_STR(fx_str(rec, "track"), "both");
    CHECK(fx_str(rec, "media_url") == NULL);
    fx_resp_done(&r);
    snprintf(uri, sizeof uri, FX_BASE "/Calls/%s/Recordings/%s.json", call, rsid);
    r = fx_req("GET", uri, NULL);
    CHECK_INT(r.status, 200);
    CHECK_STR(fx_str(r.json, "uri"), uri);
    fx_resp_done(&r);
    snprintf(uri, sizeof uri,
             FX_BASE "/Calls/CA00000000000000000000000000000000/Recordings/%s.json", rsid);
    r = fx_req("GET", uri, NULL);
    FX_CHECK_ERROR(r, 404, 20404);
    fx_resp_done(&r);
    r = fx_req("GET", FX_BASE "/Calls/CA00000000000000000000000000000000/Recordings.json", NULL);
    FX_CHECK_ERROR(r, 404, 20404);
    fx_resp_done(&r);
    r = fx_req("GET", FX_BASE "/Conferences/CF00000000000000000000000000000000/Recordings.json",
               NULL);
    FX_CHECK_ERROR(r, 404, 20404);
    fx_resp_done(&r);
    fx_teardown();
}

int main(void)
{
    RUN(test_queue_crud);
    RUN(test_members_and_dequeue);
    RUN(test_conferences);
    RUN(test_participants);
    RUN(test_recordings);
    return check_done();
}
