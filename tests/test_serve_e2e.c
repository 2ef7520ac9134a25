/*
 * End-to-end tests of `dialtone serve` with `dialtone sim` as Twilio (test-failures.ini):
 * the daemon's queues created at Twilio at start; /healthz and /metrics; inbound calls
 * placed with the emulator's control API going through the IVR menu into a queue, the wait
 * URL polled, the call and its events stored, a hang-up in the queue, a caller who waits past
 * max_wait reaching voicemail; outbound calls made through the daemon's Twilio client to the
 * scenario's failing numbers ending with the right status, error code and category; and a
 * Twilio error from the REST API read and explained.
 */
#include <pthread.h>

#include "dialtone/errors.h"
#include "dialtone/httpc.h"
#include "dialtone/netloop.h"
#include "dialtone/twilio.h"
#include "serve_e2e_fixture.h"

#define WAIT 20000 /* real ms to wait for what the emulator does */

#define CONF_EXTRA                                                                                 \
    "[queue \"support\"]\nmax_wait = 3600\n"                                                       \
    "[queue \"short\"]\nmax_wait = 10\nhold_music_url = https://media.example.com/hold.mp3\n"      \
    "[ivr]\nprompt = \"For support press 1, to leave a message press 2.\"\ntimeout = 3\n"          \
    "1 = support\n2 = short\ndefault = support\n"

static char *sql(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *sql(const char *fmt, ...)
{
    static char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return buf;
}

TEST(health_and_metrics)
{
    struct se_resp r = se_get("/healthz");
    CHECK_INT(r.status, 200);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r.json, "db")), "ok");
    CHECK(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(r.json, "uptime_s")));
    se_resp_done(&r);
    r = se_get("/metrics");
    CHECK_INT(r.status, 200);
    const char *m = r.body.data ? r.body.data : "";
    CHECK(strstr(m, "# TYPE dialtone_calls gauge\n") != NULL);
    CHECK(strstr(m, "dialtone_webhooks_total{result=\"rejected\"} ") != NULL);
    CHECK(strstr(m, "dialtone_queue_waiting{queue=\"support\"} ") != NULL);
    CHECK(strstr(m, "dialtone_queue_waiting{queue=\"short\"} ") != NULL);
    CHECK(strstr(m, "dialtone_twilio_requests_total{result=\"ok\"} ") != NULL);
    se_resp_done(&r);
}

TEST(queues_made_at_twilio)
{
    SE_WAIT_Q("SELECT count(*) FROM queues WHERE twilio_sid LIKE 'QU%'", "2", WAIT);
    struct se_resp r = se_ctl("GET", "/sim/queues", NULL);
    const char *body = r.body.data ? r.body.data : "";
    char sid[64];
    dt_strlcpy(sid, se_q("SELECT twilio_sid FROM queues WHERE name = 'support'"), sizeof sid);
    CHECK(sid[0] && strstr(body, sid) != NULL);
    CHECK(strstr(body, "\"friendly_name\":\"short\"") != NULL);
    se_resp_done(&r);
    CHECK_STR(se_q("SELECT max_wait_s FROM queues WHERE name = 'short'"), "10");
}

/* Places an inbound call; its sid into sid. */
static void place_call(const char *json, char *sid, size_t n)
{
    struct se_resp r = se_ctl("POST", "/sim/calls", json);
    CHECK_INT(r.status, 201);
    const cJSON *call = cJSON_GetObjectItemCaseSensitive(r.json, "call");
    dt_strlcpy(sid, call ? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(call, "sid")) : "",
               n);
    se_resp_done(&r);
}

TEST(inbound_call_queued_then_hangs_up)
{
    char sid[64];
    place_call("{\"from\": \"+14155550123\", \"caller_name\": \"Ann <Lee> & Co\", "
               "\"patience\": 0, \"digits\": \"1\"}",
               sid, sizeof sid);
    CHECK(sid[0] == 'C');
    SE_WAIT_Q(sql("SELECT queue FROM calls WHERE sid = '%s'", sid), "support", WAIT);
    /* the wait URL was fetched, signed, and logged */
    SE_WAIT_Q(sql("SELECT count(*) > 0 FROM webhook_log WHERE path = '/twilio/wait' AND "
                  "body LIKE '%%%s%%'",
                  sid),
              "1", WAIT);
    CHECK_STR(se_q("SELECT caller_name FROM calls WHERE sid = '%s'", sid), "Ann <Lee> & Co");
    CHECK_STR(se_q("SELECT direction FROM calls WHERE sid = '%s'", sid), "inbound");
    CHECK_STR(se_q("SELECT from_number FROM calls WHERE sid = '%s'", sid), "+14155550123");
    CHECK_STR(
        se_q("SELECT count(*) FROM events WHERE type = 'call.queued' AND data LIKE '%%%s%%'", sid),
        "1");
    CHECK_STR(se_q("SELECT count(*) FROM call_events WHERE call_sid = '%s' AND type = 'ivr'", sid),
              "1");
    /* the emulator has it in the queue the daemon made */
    struct se_resp r = se_ctl("GET", "/sim/queues", NULL);
    CHECK(r.body.data && strstr(r.body.data, sid));
    se_resp_done(&r);
    r = se_get("/metrics");
    CHECK(r.body.data && strstr(r.body.data, "dialtone_queue_waiting{queue=\"support\"} 1\n"));
    se_resp_done(&r);

    char path[128];
    snprintf(path, sizeof path, "/sim/calls/%s/hangup", sid);
    r = se_ctl("POST", path, NULL);
    CHECK_INT(r.status, 200);
    se_resp_done(&r);
    SE_WAIT_Q(sql("SELECT status FROM calls WHERE sid = '%s'", sid), "completed", WAIT);
    SE_WAIT_Q(sql("SELECT queue_result FROM calls WHERE sid = '%s'", sid), "hangup", WAIT);
    CHECK(atol(se_q("SELECT queue_time_s FROM calls WHERE sid = '%s'", sid)) >= 0);
    CHECK_STR(
        se_q("SELECT count(*) FROM events WHERE type = 'call.ended' AND data LIKE '%%%s%%'", sid),
        "1");
    /* events are numbered one by one */
    CHECK_STR(se_q("SELECT MAX(seq) = COUNT(*) FROM events"), "1");
}

TEST(caller_past_max_wait_leaves_a_voicemail)
{
    char sid[64];
    place_call("{\"from\": \"+14155550124\", \"patience\": 0, \"digits\": \"2\"}", sid, sizeof sid);
    SE_WAIT_Q(sql("SELECT queue FROM calls WHERE sid = '%s'", sid), "short", WAIT);
    SE_WAIT_Q(sql("SELECT queue_result FROM calls WHERE sid = '%s'", sid), "leave", WAIT);
    SE_WAIT_Q(sql("SELECT recording_status FROM calls WHERE sid = '%s'", sid), "completed", WAIT);
    SE_WAIT_Q(sql("SELECT status FROM calls WHERE sid = '%s'", sid), "completed", WAIT);
    CHECK(se_q("SELECT recording_sid FROM calls WHERE sid = '%s'", sid)[0] == 'R');
    CHECK_STR(se_q("SELECT recording_source FROM calls WHERE sid = '%s'", sid), "RecordVerb");
    CHECK(atol(se_q("SELECT queue_time_s FROM calls WHERE sid = '%s'", sid)) >= 10);
    SE_WAIT_Q(
        sql("SELECT count(*) FROM call_events WHERE call_sid = '%s' AND type = 'voicemail'", sid),
        "1", WAIT);
}

/* ---- outbound calls through the daemon's Twilio client ----------------------------------------
 */

static struct {
    struct netloop *loop;
    struct httpc *http;
    struct twilio *tw;
    int done;
    int rc, code;
    char sid[64];
} out;

static void on_created(const struct twilio_result *res, void *arg)
{
    (void)arg;
    out.done = 1;
    out.rc = res->rc;
    out.code = res->error.code;
    const cJSON *sid = res->json ? cJSON_GetObjectItemCaseSensitive(res->json, "sid") : NULL;
    dt_strlcpy(out.sid, cJSON_IsString(sid) ? sid->valuestring : "", sizeof out.sid);
    netloop_stop(out.loop);
}

static void on_deadline(struct netloop_timer *t, void *user)
{
    (void)t;
    (void)user;
    netloop_stop(out.loop);
}

/* Creates a call to `to` with status callbacks to the daemon; waits for the REST answer. */
static void dial(const char *to)
{
    char cb[128];
    snprintf(cb, sizeof cb, "%s/twilio/status", se.base);
    struct form f;
    form_init(&f);
    form_add(&f, "To", to);
    form_add(&f, "From", SE_NUMBER);
    form_add(&f, "Twiml", "<Response><Say>Hello</Say></Response>");
    form_add(&f, "StatusCallback", cb);
    form_add(&f, "StatusCallbackEvent", "initiated");
    form_add(&f, "StatusCallbackEvent", "ringing");
    form_add(&f, "StatusCallbackEvent", "answered");
    form_add(&f, "StatusCallbackEvent", "completed");
    out.done = 0;
    out.sid[0] = '\0';
    CHECK_INT(twilio_call_create(out.tw, &f, on_created, NULL), 0);
    form_done(&f);
    struct netloop_timer *t = netloop_timer_new(out.loop, on_deadline, NULL);
    netloop_timer_start(t, WAIT);
    while (!out.done && netloop_timer_pending(t))
        netloop_run(out.loop);
    netloop_timer_free(t);
    CHECK_INT(out.done, 1);
}

struct expect {
    const char *to, *status;
    int error_code, sip_code;
    const char *category;
};

TEST(outbound_failures)
{
    CHECK(out.tw != NULL);
    if (!out.tw)
        return;
    static const struct expect cases[] = {
        {.to = "+14155550310", .status = "failed", .error_code = 31005, .category = "network"},
        {.to = "+14155550311", .status = "failed", .error_code = 13224, .category = "bad-number"},
        {.to = "+14155550300", .status = "busy", .sip_code = 486, .category = "busy"},
        {.to = "+14155550304", .status = "busy", .sip_code = 603, .category = "declined"},
        {.to = "+14155550320", .status = "failed", .sip_code = 404, .category = "bad-number"},
    };
    char sids[5][64];
    for (int i = 0; i < 5; i++) {
        dial(cases[i].to);
        CHECK_INT(out.rc, 0);
        dt_strlcpy(sids[i], out.sid, sizeof sids[i]);
    }
    for (int i = 0; i < 5; i++) {
        const struct expect *e = &cases[i];
        SE_WAIT_Q(sql("SELECT status FROM calls WHERE sid = '%s'", sids[i]), e->status, WAIT);
        CHECK_STR(se_q("SELECT direction FROM calls WHERE sid = '%s'", sids[i]), "outbound-api");
        CHECK_STR(se_q("SELECT to_number FROM calls WHERE sid = '%s'", sids[i]), e->to);
        if (e->error_code) {
            CHECK_INT(atol(se_q("SELECT error_code FROM calls WHERE sid = '%s'", sids[i])),
                      e->error_code);
            CHECK(se_q("SELECT error_message FROM calls WHERE sid = '%s'", sids[i])[0] != '\0');
        }
        if (e->sip_code)
            CHECK_INT(atol(se_q("SELECT sip_code FROM calls WHERE sid = '%s'", sids[i])),
                      e->sip_code);
        /* the call.ended event carries the dictionary's reading */
        const char *data = se_q(
            "SELECT data FROM events WHERE type = 'call.ended' AND data LIKE '%%%s%%'", sids[i]);
        cJSON *j = cJSON_Parse(data);
        const cJSON *er =
            cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "call"), "error");
        CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(er, "category")),
                  e->category);
        CHECK(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(er, "action")) != NULL);
        cJSON_Delete(j);
        /* initiated, ringing and the final status: each stored once */
        CHECK(se_qi(sql("SELECT count(*) FROM call_events WHERE call_sid = '%s' AND type = "
                        "'status'",
                        sids[i])) >= 2);
    }

    /* Twilio refusing the request: its error JSON read and explained */
    dial("+15005550001");
    CHECK_INT(out.rc, DT_EINVAL);
    CHECK_INT(out.code, 21217);
    CHECK(errors_lookup(21217) != NULL);
}

/* Runs the client's loop until the request in flight is answered. */
static void wait_answer(void)
{
    struct netloop_timer *t = netloop_timer_new(out.loop, on_deadline, NULL);
    netloop_timer_start(t, WAIT);
    while (!out.done && netloop_timer_pending(t))
        netloop_run(out.loop);
    netloop_timer_free(t);
    CHECK_INT(out.done, 1);
    CHECK_INT(out.rc, 0);
    out.done = 0;
}

static void on_part(const struct twilio_result *res, void *arg)
{
    (void)arg;
    out.done = 1;
    out.rc = res->rc;
    if (res->rc != 0)
        printf("  Twilio: %d %s\n", res->status, res->body);
    const cJSON *sid = res->json ? cJSON_GetObjectItemCaseSensitive(res->json, "call_sid") : NULL;
    dt_strlcpy(out.sid, cJSON_IsString(sid) ? sid->valuestring : "", sizeof out.sid);
    netloop_stop(out.loop);
}

/* 1 when the emulator's conferences show call sid with "key":true. */
static int conf_flag(const char *sid, const char *key)
{
    struct se_resp r = se_ctl("GET", "/sim/conferences", NULL);
    int found = 0;
    const cJSON *conf, *part;
    cJSON_ArrayForEach(conf, cJSON_GetObjectItemCaseSensitive(r.json, "conferences"))
    {
        cJSON_ArrayForEach(part, cJSON_GetObjectItemCaseSensitive(conf, "participants"))
        {
            const char *ps =
                cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(part, "call_sid"));
            if (ps && strcmp(ps, sid) == 0 &&
                cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(part, key)))
                found = 1;
        }
    }
    se_resp_done(&r);
    return found;
}

TEST(dequeued_into_a_conference)
{
    CHECK(out.tw != NULL);
    if (!out.tw)
        return;
    char caller[64], agent[64], room[96], qsid[64], conf[64], url[256];
    out.done = 0;
    place_call("{\"from\": \"+14155550123\", \"patience\": 0, \"digits\": \"1\"}", caller,
               sizeof caller);
    SE_WAIT_Q(
        sql("SELECT count(*) FROM call_events WHERE call_sid = '%s' AND type = 'wait'", caller),
        "1", WAIT);
    dt_strlcpy(qsid, se_q("SELECT twilio_sid FROM queues WHERE name = 'support'"), sizeof qsid);
    snprintf(room, sizeof room, "room-%s", caller);
    snprintf(url, sizeof url, "%s/twilio/join?room=%s", se.base, room);

    /* take the caller out of the queue into the room */
    CHECK_INT(twilio_member_dequeue(out.tw, qsid, caller, url, "POST", on_part, NULL), 0);
    wait_answer();
    SE_WAIT_Q(sql("SELECT conference FROM calls WHERE sid = '%s'", caller), room, WAIT);
    SE_WAIT_Q(sql("SELECT queue_result FROM calls WHERE sid = '%s'", caller), "redirected", WAIT);
    SE_WAIT_Q(sql("SELECT conference_sid LIKE 'CF%%' FROM calls WHERE sid = '%s'", caller), "1",
              WAIT);
    dt_strlcpy(conf, se_q("SELECT conference_sid FROM calls WHERE sid = '%s'", caller),
               sizeof conf);

    /* the agent's leg, by the room's name */
    char cb[128];
    snprintf(cb, sizeof cb, "%s/twilio/status", se.base);
    struct form f;
    form_init(&f);
    form_add(&f, "From", SE_NUMBER);
    form_add(&f, "To", "client:alice");
    form_add(&f, "Label", "agent");
    form_add(&f, "StartConferenceOnEnter", "true");
    form_add(&f, "StatusCallback", cb);
    form_add(&f, "StatusCallbackEvent", "completed");
    CHECK_INT(twilio_participant_create(out.tw, room, &f, on_part, NULL), 0);
    form_done(&f);
    wait_answer();
    dt_strlcpy(agent, out.sid, sizeof agent);
    CHECK(agent[0] == 'C');
    SE_WAIT_Q(sql("SELECT conference_sid FROM calls WHERE sid = '%s'", agent), conf, WAIT);

    /* hold the caller, mute the agent */
    form_init(&f);
    form_add(&f, "Hold", "true");
    CHECK_INT(twilio_participant_update(out.tw, conf, caller, &f, on_part, NULL), 0);
    form_done(&f);
    wait_answer();
    CHECK(conf_flag(caller, "hold"));
    form_init(&f);
    form_add(&f, "Muted", "true");
    CHECK_INT(twilio_participant_update(out.tw, conf, agent, &f, on_part, NULL), 0);
    form_done(&f);
    wait_answer();
    CHECK(conf_flag(agent, "muted"));
    SE_WAIT_Q(sql("SELECT count(*) > 0 FROM events WHERE type = 'conference.updated' AND "
                  "data LIKE '%%participant-hold%%'"),
              "1", WAIT);

    /* the agent leaves; the conference is ended */
    CHECK_INT(twilio_participant_delete(out.tw, conf, agent, on_part, NULL), 0);
    wait_answer();
    SE_WAIT_Q(sql("SELECT status FROM calls WHERE sid = '%s'", agent), "completed", WAIT);
    form_init(&f);
    form_add(&f, "Status", "completed");
    CHECK_INT(twilio_conference_update(out.tw, conf, &f, on_part, NULL), 0);
    form_done(&f);
    wait_answer();
    SE_WAIT_Q(sql("SELECT status FROM calls WHERE sid = '%s'", caller), "completed", WAIT);
    /* the conference's recording reached the caller's call */
    SE_WAIT_Q(sql("SELECT recording_source FROM calls WHERE sid = '%s'", caller), "Conference",
              WAIT);
    CHECK(se_q("SELECT recording_sid FROM calls WHERE sid = '%s'", caller)[0] == 'R');
}

int main(void)
{
    if (se_setup("data/scenarios/test-failures.ini", "10", CONF_EXTRA) != 0) {
        printf("setup failed\n");
        se_teardown();
        return 1;
    }
    RUN(health_and_metrics);
    RUN(queues_made_at_twilio);
    RUN(inbound_call_queued_then_hangs_up);
    RUN(caller_past_max_wait_leaves_a_voicemail);
    char err[256];
    out.loop = netloop_new(NULL, err, sizeof err);
    out.http = out.loop ? httpc_new(out.loop, NULL, err, sizeof err) : NULL;
    struct twilio_options o = {.base_url = se.sim_base,
                               .account_sid = SE_ACCOUNT,
                               .user = SE_ACCOUNT,
                               .password = SE_TOKEN};
    out.tw = out.http ? twilio_new(out.loop, out.http, &o, err, sizeof err) : NULL;
    RUN(outbound_failures);
    RUN(dequeued_into_a_conference);
    twilio_free(out.tw);
    httpc_free(out.http);
    netloop_free(out.loop);
    se_teardown();
    return check_done();
}
