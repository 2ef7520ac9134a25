/*
 * Tests of the emulator's control API (sim_control): routes and errors, placing an inbound
 * call, digits and hangup, the views of calls, queues and conferences, loading a scenario
 * through the host's callback, and the counters.
 */
#include "sim_rest_fixture.h"

#include "dialtone/sim_control.h"

static struct sim_control fx_ctl;
static char loaded_path[256], loaded_text[256];
static int load_calls;

static int fake_load(void *ctx, const char *path, const char *text, char *err, size_t errlen)
{
    (void)ctx;
    load_calls++;
    dt_strlcpy(loaded_path, path ? path : "", sizeof loaded_path);
    dt_strlcpy(loaded_text, text ? text : "", sizeof loaded_text);
    if ((path && strstr(path, "bad")) || (text && strstr(text, "bad")))
        return dt_seterr(err, errlen, DT_EINVAL, "bad.ini:3: unknown key 'speeed'");
    return 0;
}

static void fake_stats(void *ctx, struct sim_control_stats *out)
{
    (void)ctx;
    out->now_ms = FX_T0;
    out->speed = 10;
    out->rest_requests = 7;
    out->webhooks_sent = 3;
    out->arrivals = 2;
}

static void ctl_setup(void)
{
    fx_setup();
    fx_ctl = (struct sim_control){
        .sim = fx_sim, .sc = &fx_sc, .load_scenario = fake_load, .stats = fake_stats};
    load_calls = 0;
}

static struct fx_resp ctl(const char *method, const char *path, const char *query, const char *body)
{
    struct sim_rest_req rq = {.method = method,
                              .path = path,
                              .query = query,
                              .body = body,
                              .body_len = body ? strlen(body) : 0};
    struct sim_rest_resp rs;
    sim_control_handle(&fx_ctl, &rq, &rs);
    struct fx_resp r = {.status = rs.status, .body = rs.body};
    r.json = rs.body ? cJSON_Parse(rs.body) : NULL;
    while (fx_answer())
        sim_advance(fx_sim, fx_now);
    return r;
}

static const char *err_code(const struct fx_resp *r)
{
    return fx_str(cJSON_GetObjectItemCaseSensitive(r->json, "error"), "code");
}

TEST(test_routes_and_errors)
{
    ctl_setup();
    struct fx_resp r = ctl("GET", "/sim/nothing", NULL, NULL);
    CHECK_INT(r.status, 404);
    CHECK_STR(err_code(&r), "not_found");
    CHECK(fx_str(cJSON_GetObjectItemCaseSensitive(r.json, "error"), "message") != NULL);
    fx_resp_done(&r);
    r = ctl("GET", "/other", NULL, NULL);
    CHECK_INT(r.status, 404);
    fx_resp_done(&r);
    r = ctl("DELETE", "/sim/calls", NULL, NULL);
    CHECK_INT(r.status, 405);
    CHECK_STR(err_code(&r), "method_not_allowed");
    fx_resp_done(&r);
    r = ctl("GET", "/sim/calls/CA1/hangup", NULL, NULL);
    CHECK_INT(r.status, 405);
    fx_resp_done(&r);
    r = ctl("POST", "/sim/calls//hangup", NULL, NULL);
    CHECK_INT(r.status, 404);
    fx_resp_done(&r);
    static const char *const bad_bodies[] = {"{",
                                             "[1]",
                                             "\"x\"",
                                             "{\"from\": 5}",
                                             "{\"from\": \"+14155550111\", \"patience\": \"x\"}",
                                             "{\"from\": \"+14155550111\", \"patience\": -1}",
                                             "{}",
                                             "{\"to\": \"+14155550100\"}"};
    for (size_t i = 0; i < sizeof bad_bodies / sizeof bad_bodies[0]; i++) {
        r = ctl("POST", "/sim/calls", NULL, bad_bodies[i]);
        CHECK_INT(r.status, 400);
        CHECK_STR(err_code(&r), "bad_request");
        fx_resp_done(&r);
    }
    struct sim_rest_req rq = {
        .method = "POST", .path = "/sim/calls", .body = "{\"a\":\0}", .body_len = 7};
    struct sim_rest_resp rs;
    sim_control_handle(&fx_ctl, &rq, &rs);
    CHECK_INT(rs.status, 400);
    sim_rest_resp_done(&rs);
    rq.body_truncated = 1;
    sim_control_handle(&fx_ctl, &rq, &rs);
    CHECK_INT(rs.status, 413);
    sim_rest_resp_done(&rs);
    r = ctl("POST", "/sim/calls/CA00000000000000000000000000000000/hangup", NULL, NULL);
    CHECK_INT(r.status, 404);
    fx_resp_done(&r);
    r = ctl("POST", "/sim/calls/CA00000000000000000000000000000000/digits", NULL,
            "{\"digits\":\"1\"}");
    CHECK_INT(r.status, 404);
    fx_resp_done(&r);
    r = ctl("GET", "/sim/calls/CA00000000000000000000000000000000", NULL, NULL);
    CHECK_INT(r.status, 404);
    fx_resp_done(&r);
    fx_teardown();
}

TEST(test_inbound_call_to_queue)
{
    ctl_setup();
    fx_route_twiml("https://app.test/voice", "<Response><Enqueue>support</Enqueue></Response>");
    struct fx_resp r = ctl("POST", "/sim/calls", NULL,
                           "{\"from\":\"+14155550111\",\"caller_name\":\"Zoë \\u001b[2J\","
                           "\"patience\":600}");
    CHECK_INT(r.status, 201);
    const cJSON *call = cJSON_GetObjectItemCaseSensitive(r.json, "call");
    char sid[40];
    dt_strlcpy(sid, fx_str(call, "sid") ? fx_str(call, "sid") : "", sizeof sid);
    CHECK(fx_is_sid(sid, "CA"));
    CHECK_STR(fx_str(call, "to"), FX_NUMBER); /* the scenario's number by default */
    CHECK_STR(fx_str(call, "direction"), "inbound");
    CHECK_STR(fx_str(call, "caller_name"), "Zoë \x1b[2J");
    fx_resp_done(&r);
    fx_run(5000);

    r = ctl("GET", "/sim/calls", NULL, NULL);
    CHECK_INT(r.status, 200);
    const cJSON *calls = cJSON_GetObjectItemCaseSensitive(r.json, "calls");
    CHECK_INT(cJSON_GetArraySize(calls), 1);
    const cJSON *c0 = cJSON_GetArrayItem(calls, 0);
    CHECK_STR(fx_str(c0, "sid"), sid);
    CHECK_STR(fx_str(c0, "status"), "in-progress");
    CHECK_STR(fx_str(c0, "queue"), "support");
    CHECK(fx_is_sid(fx_str(c0, "queue_sid"), "QU"));
    fx_resp_done(&r);

    r = ctl("GET", "/sim/queues", NULL, NULL);
    const cJSON *q = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(r.json, "queues"), 0);
    CHECK_STR(fx_str(q, "friendly_name"), "support");
    CHECK_INT(fx_num(q, "size"), 1);
    const cJSON *m = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(q, "members"), 0);
    CHECK_STR(fx_str(m, "call_sid"), sid);
    CHECK_INT(fx_num(m, "position"), 1);
    CHECK_STR(fx_str(m, "from"), "+14155550111");
    fx_resp_done(&r);

    char path[100];
    snprintf(path, sizeof path, "/sim/calls/%s/digits", sid);
    r = ctl("POST", path, NULL, "{\"digits\":\"\"}");
    CHECK_INT(r.status, 400);
    fx_resp_done(&r);
    r = ctl("POST", path, NULL, "{\"digits\":\"12#\"}");
    CHECK_INT(r.status, 200);
    fx_resp_done(&r);
    snprintf(path, sizeof path, "/sim/calls/%s/hangup", sid);
    r = ctl("POST", path, NULL, NULL);
    CHECK_INT(r.status, 200);
    fx_resp_done(&r);
    fx_run(2000);
    r = ctl("GET", "/sim/calls", NULL, NULL);
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r.json, "calls")), 0);
    fx_resp_done(&r);
    r = ctl("GET", "/sim/calls", "all=1", NULL);
    c0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(r.json, "calls"), 0);
    CHECK_STR(fx_str(c0, "status"), "completed");
    fx_resp_done(&r);
    snprintf(path, sizeof path, "/sim/calls/%s", sid);
    r = ctl("GET", path, NULL, NULL);
    CHECK_INT(r.status, 200);
    CHECK_STR(fx_str(cJSON_GetObjectItemCaseSensitive(r.json, "call"), "status"), "completed");
    fx_resp_done(&r);
    fx_teardown();
}

TEST(test_conference_view)
{
    ctl_setup();
    struct fx_resp r = fx_req("POST", FX_BASE "/Conferences/room-9/Participants.json",
                              "From=%2B14155550100&To=client%3Aalice&Muted=true");
    CHECK_INT(r.status, 201);
    fx_resp_done(&r);
    fx_run(10000);
    r = ctl("GET", "/sim/conferences", NULL, NULL);
    CHECK_INT(r.status, 200);
    const cJSON *cf =
        cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(r.json, "conferences"), 0);
    CHECK_STR(fx_str(cf, "friendly_name"), "room-9");
    const cJSON *p = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(cf, "participants"), 0);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p, "muted")));
    CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(p, "hold")));
    CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(p, "coaching")));
    CHECK_STR(fx_str(p, "to"), "client:alice");
    fx_resp_done(&r);
    fx_teardown();
}

TEST(test_scenario_load)
{
    ctl_setup();
    struct fx_resp r = ctl("POST", "/sim/scenario", NULL, "{\"path\":\"data/x.ini\"}");
    CHECK_INT(r.status, 200);
    CHECK_STR(loaded_path, "data/x.ini");
    CHECK_INT(fx_num(cJSON_GetObjectItemCaseSensitive(r.json, "scenario"), "numbers"), 1);
    fx_resp_done(&r);
    r = ctl("POST", "/sim/scenario", NULL, "{\"text\":\"[scenario]\\nspeed = 2\\n\"}");
    CHECK_INT(r.status, 200);
    CHECK_STR(loaded_text, "[scenario]\nspeed = 2\n");
    fx_resp_done(&r);
    r = ctl("POST", "/sim/scenario", NULL, "{\"path\":\"bad.ini\"}");
    CHECK_INT(r.status, 400);
    CHECK_STR(err_code(&r), "scenario");
    CHECK_STR(fx_str(cJSON_GetObjectItemCaseSensitive(r.json, "error"), "message"),
              "bad.ini:3: unknown key 'speeed'");
    fx_resp_done(&r);
    CHECK_INT(load_calls, 3);
    r = ctl("POST", "/sim/scenario", NULL, "{\"path\":\"a\",\"text\":\"b\"}");
    CHECK_INT(r.status, 400);
    fx_resp_done(&r);
    r = ctl("POST", "/sim/scenario", NULL, "{}");
    CHECK_INT(r.status, 400);
    fx_resp_done(&r);
    CHECK_INT(load_calls, 3);
    fx_ctl.load_scenario = NULL;
    r = ctl("POST", "/sim/scenario", NULL, "{\"path\":\"a\"}");
    CHECK_INT(r.status, 405);
    fx_resp_done(&r);
    fx_teardown();
}

TEST(test_stats)
{
    ctl_setup();
    struct fx_resp r = ctl("GET", "/sim/stats", NULL, NULL);
    CHECK_INT(r.status, 200);
    CHECK_INT(fx_num(r.json, "live_calls"), 0);
    CHECK_INT(fx_num(r.json, "rest_requests"), 7);
    CHECK_INT(fx_num(r.json, "webhooks_sent"), 3);
    CHECK_INT(fx_num(r.json, "arrivals"), 2);
    CHECK_INT(fx_num(r.json, "speed"), 10);
    CHECK_STR(fx_str(r.json, "emulated_time"), "Tue, 01 Dec 2026 10:00:00 +0000");
    CHECK(fx_num(r.json, "rss_bytes") > 1e6);
    CHECK(fx_num(r.json, "memory_bytes") >= 0);
    fx_resp_done(&r);
    CHECK(sim_control_rss_bytes() > 0);
    fx_teardown();
}

int main(void)
{
    RUN(test_routes_and_errors);
    RUN(test_inbound_call_to_queue);
    RUN(test_conference_view);
    RUN(test_scenario_load);
    RUN(test_stats);
    return check_done();
}
