/*
 * Tests of the emulator's REST layer (sim_rest): auth, routing, Twilio's error JSON, body and
 * query parsing, the Calls resource's fields and formats, filters and paging. Queues,
 * conferences, participants and recordings are in test_sim_rest_flow.c.
 */
#include "sim_rest_fixture.h"

#include "dialtone/form.h"

#define CALL_TWIML "<Response><Pause length=\"600\"/></Response>"

/* ---- auth ---------------------------------------------------------------------------------- */

TEST(test_auth_missing_and_wrong)
{
    fx_setup();
    const char *path = FX_BASE "/Calls.json";
    struct fx_resp r = fx_req_full("GET", path, NULL, NULL, 0, NULL, NULL);
    FX_CHECK_ERROR(r, 401, 20003);
    CHECK_STR(fx_str(r.json, "message"), "Authenticate");
    fx_resp_done(&r);

    static const char *const bad[][2] = {
        {FX_ACCOUNT, "wrong-token"},
        {FX_ACCOUNT, ""},
        {FX_ACCOUNT, FX_TOKEN "x"},
        {"AC0123456789abcdef0123456789abcdee", FX_TOKEN},
        {FX_KEY, FX_TOKEN},      /* the key with the account's token */
        {FX_ACCOUNT, FX_SECRET}, /* the account with the key's secret */
        {"", ""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fx_set_auth(bad[i][0], bad[i][1]);
        r = fx_req("GET", path, NULL);
        FX_CHECK_ERROR(r, 401, 20003);
        fx_resp_done(&r);
    }
    static const char *const malformed[] = {
        ("Bearer " FX_TOKEN),
        "Basic",
        "Basic !!!!",
        "Basic QUM=",     /* "AC": no colon */
        "Basic QUMAOnQ=", /* "AC\0:t": a NUL */
        "",
    };
    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
        r = fx_req_full("GET", path, NULL, NULL, 0, NULL, malformed[i]);
        FX_CHECK_ERROR(r, 401, 20003);
        fx_resp_done(&r);
    }
    /* every path needs credentials, unknown ones too */
    r = fx_req_full("GET", "/nowhere", NULL, NULL, 0, NULL, NULL);
    FX_CHECK_ERROR(r, 401, 20003);
    fx_resp_done(&r);
    fx_teardown();
}

TEST(test_auth_account_and_key)
{
    fx_setup();
    const char *path = FX_BASE "/Calls.json";
    struct fx_resp r = fx_req("GET", path, NULL);
    CHECK_INT(r.status, 200);
    fx_resp_done(&r);
    fx_set_auth(FX_KEY, FX_SECRET);
    r = fx_req("GET", path, NULL);
    CHECK_INT(r.status, 200);
    fx_resp_done(&r);
    /* lower-case scheme and surrounding blanks are accepted */
    char header[300];
    snprintf(header, sizeof header, "  basic   %s ", fx_auth + 6);
    r = fx_req_full("GET", path, NULL, NULL, 0, NULL, header);
    CHECK_INT(r.status, 200);
    fx_resp_done(&r);
    /* without a configured key, key credentials are refused */
    free(fx_sc.api_key_secret);
    fx_sc.api_key_secret = NULL;
    r = fx_req("GET", path, NULL);
    FX_CHECK_ERROR(r, 401, 20003);
    fx_resp_done(&r);
    /* a scenario without an auth token refuses everything */
    fx_set_auth(FX_ACCOUNT, "");
    free(fx_sc.auth_token);
    fx_sc.auth_token = xstrdup("");
    r = fx_req("GET", path, NULL);
    FX_CHECK_ERROR(r, 401, 20003);
    fx_resp_done(&r);
    fx_teardown();
}

TEST(test_auth_other_account)
{
    fx_setup();
    struct fx_resp r =
        fx_req("GET", "/2010-04-01/Accounts/ACffffffffffffffffffffffffffffffff/Calls.json", NULL);
    FX_CHECK_ERROR(r, 403, 20003);
    fx_resp_done(&r);
    r = fx_req("GET", "/2010-04-01/Accounts/ACshort/Calls.json", NULL);
    FX_CHECK_ERROR(r, 404, 20404);
    fx_resp_done(&r);
    fx_teardown();
}

/* ---- routing and request errors ------------------------------------------------------------- */

TEST(test_unknown_paths)
{
    fx_setup();
    static const char *const paths[] = {
        "/",
        "/2010-04-01",
        "/2010-04-01/Accounts/",
        "/2010-04-01/Accounts/" FX_ACCOUNT,
        "/2010-04-01/Accounts/" FX_ACCOUNT "/",
        FX_BASE "/Calls",      /* no .json */
        FX_BASE "/calls.json", /* case matters */
        FX_BASE "/Messages.json",
        FX_BASE "/Calls/.json",
        FX_BASE "//Calls.json",
        FX_BASE "/Calls/CA0000000000000000000000000000000/Events.json",
        FX_BASE "/Calls/a/b/c/d/e/f.json",
        FX_BASE "/Calls/%zz.json",
        FX_BASE "/Calls/%00.json",
        FX_BASE "/Calls/%4.json",
        FX_BASE "/Calls/CA00000000000000000000000000000000.json",
        FX_BASE "/Queues/QU00000000000000000000000000000000.json",
        FX_BASE "/Conferences/CF00000000000000000000000000000000.json",
        FX_BASE "/Conferences/room/Participants.json",
        FX_BASE "/Recordings/RE00000000000000000000000000000000.json",
        "/2010-04-01/Accounts/" FX_ACCOUNT ".xml",
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        struct fx_resp r = fx_req("GET", paths[i], NULL);
        FX_CHECK_ERROR(r, 404, 20404);
        if (r.status != 404)
            printf("  path %s\n", paths[i]);
        fx_resp_done(&r);
    }
    struct fx_resp r =
        fx_req("GET", FX_BASE "/Calls/CA00000000000000000000000000000000.json", NULL);
    CHECK_STR(fx_str(r.json, "message"),
              "The requested resource " FX_BASE "/Calls/CA00000000000000000000000000000000.json "
              "was not found");
    fx_resp_done(&r);
    fx_teardown();
}

TEST(test_wrong_methods)
{
    fx_setup();
    static const char *const cases[][2] = {
        {"DELETE", FX_BASE "/Calls.json"},
        {"PUT", FX_BASE "/Calls.json"},
        {"PATCH", FX_BASE "/Queues.json"},
        {"DELETE", FX_BASE "/Calls/CA00000000000000000000000000000000.json"},
        {"POST", FX_BASE "/Conferences.json"},
        {"DELETE", FX_BASE "/Conferences/CF00000000000000000000000000000000.json"},
        {"POST", FX_BASE "/Recordings.json"},
        {"DELETE", FX_BASE "/Queues/QU00000000000000000000000000000000/Members.json"},
        {"POST", FX_BASE ".json"},
        {"get", FX_BASE "/Calls.json"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct fx_resp r = fx_req(cases[i][0], cases[i][1], NULL);
        FX_CHECK_ERROR(r, 405, 20004);
        fx_resp_done(&r);
    }
    fx_teardown();
}

TEST(test_bodies)
{
    fx_setup();
    const char *path = FX_BASE "/Queues.json";
    /* over the cap, as received or as the server marked it */
    size_t big = DT_SIM_REST_MAX_BODY + 1;
    char *huge = xmalloc(big);
    memset(huge, 'a', big);
    struct fx_resp r =
        fx_req_full("POST", path, NULL, huge, big, "application/x-www-form-urlencoded", fx_auth);
    FX_CHECK_ERROR(r, 413, 20413);
    fx_resp_done(&r);
    free(huge);
    struct sim_rest_req rq = {.method = "POST",
                              .path = path,
                              .body = "a=b",
                              .body_len = 3,
                              .authorization = fx_auth,
                              .body_truncated = 1};
    struct sim_rest_resp rs;
    sim_rest_handle(fx_sim, &fx_sc, &rq, &rs);
    CHECK_INT(rs.status, 413);
    sim_rest_resp_done(&rs);
    CHECK(rs.body == NULL);
    /* a value over the form codec's cap inside a body under the cap */
    size_t vlen = 20000;
    char *longval = xmalloc(vlen + 20);
    memcpy(longval, "FriendlyName=", 13);
    memset(longval + 13, 'x', vlen);
    r = fx_req_full("POST", path, NULL, longval, vlen + 13, NULL, fx_auth);
    FX_CHECK_ERROR(r, 413, 20413);
    fx_resp_done(&r);
    free(longval);
    /* malformed bodies and queries */
    static const char *const bad[] = {"FriendlyName=%zz", "a=%4", "a=%00", "%=1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = fx_req("POST", path, bad[i]);
        FX_CHECK_ERROR(r, 400, 20422);
        fx_resp_done(&r);
        r = fx_req("GET", path, bad[i]);
        FX_CHECK_ERROR(r, 400, 20422);
        fx_resp_done(&r);
    }
    /* an embedded NUL in the raw body */
    r = fx_req_full("POST", path, NULL, "FriendlyName=a\0b", 16, NULL, fx_auth);
    FX_CHECK_ERROR(r, 400, 20422);
    fx_resp_done(&r);
    /* JSON is not what Twilio takes */
    r = fx_req_full("POST", path, NULL, "{\"FriendlyName\":\"a\"}", 20, "application/json",
                    fx_auth);
    FX_CHECK_ERROR(r, 400, 20422);
    fx_resp_done(&r);
    /* a charset parameter is fine */
    r = fx_req_full("POST", path, NULL, "FriendlyName=ok", 15,
                    "application/x-www-form-urlencoded; charset=utf-8", fx_auth);
    CHECK_INT(r.status, 201);
    fx_resp_done(&r);
    fx_teardown();
}

TEST(test_error_helper_and_date)
{
    struct sim_rest_resp rs = {0};
    sim_rest_error(&rs, 404, 20404, "gone \"quoted\"");
    CHECK_INT(rs.status, 404);
    cJSON *j = cJSON_Parse(rs.body);
    CHECK_STR(fx_str(j, "message"), "gone \"quoted\"");
    CHECK_INT(fx_num(j, "code"), 20404);
    CHECK_INT(cJSON_GetArraySize(j), 4);
    cJSON_Delete(j);
    sim_rest_resp_done(&rs);
    sim_rest_resp_done(NULL);
    char d[32];
    CHECK_STR(sim_rest_date(FX_T0, d), "Tue, 01 Dec 2026 10:00:00 +0000");
    CHECK_STR(sim_rest_date(FX_T0 + 999, d), "Tue, 01 Dec 2026 10:00:00 +0000");
    CHECK_STR(sim_rest_date(0, d), "Thu, 01 Jan 1970 00:00:00 +0000");
    CHECK_STR(sim_rest_date(951782400000LL, d), "Tue, 29 Feb 2000 00:00:00 +0000");
}

/* ---- calls --------------------------------------------------------------------------------- */

TEST(test_call_create_fields)
{
    fx_setup();
    struct fx_resp r = fx_req("POST", FX_BASE "/Calls.json",
                              "To=%2B14155550199&From=%2B14155550100&Url=https%3A%2F%2Fapp.test%2Fo"
                              "&StatusCallback=https%3A%2F%2Fapp.test%2Fs"
                              "&StatusCallbackEvent=initiated&StatusCallbackEvent=answered");
    CHECK_INT(r.status, 201);
    const cJSON *j = r.json;
    const char *sid = fx_str(j, "sid");
    CHECK(fx_is_sid(sid, "CA"));
    CHECK_STR(fx_str(j, "account_sid"), FX_ACCOUNT);
    CHECK_STR(fx_str(j, "api_version"), "2010-04-01");
    CHECK_STR(fx_str(j, "to"), "+14155550199");
    CHECK_STR(fx_str(j, "to_formatted"), "(415) 555-0199");
    CHECK_STR(fx_str(j, "from"), "+14155550100");
    CHECK_STR(fx_str(j, "from_formatted"), "(415) 555-0100");
    CHECK(fx_is_sid(fx_str(j, "phone_number_sid"), "PN"));
    CHECK_STR(fx_str(j, "direction"), "outbound-api");
    CHECK_STR(fx_str(j, "status"), "queued");
    CHECK_STR(fx_str(j, "date_created"), "Tue, 01 Dec 2026 10:00:00 +0000");
    CHECK(fx_str(j, "date_updated") != NULL);
    CHECK(fx_is_null(j, "duration"));
    CHECK(fx_is_null(j, "price"));
    CHECK(fx_is_null(j, "end_time"));
    CHECK(fx_is_null(j, "parent_call_sid"));
    CHECK(fx_is_null(j, "answered_by"));
    CHECK(fx_is_null(j, "trunk_sid"));
    CHECK(fx_is_null(j, "group_sid"));
    CHECK(fx_is_null(j, "forwarded_from"));
    CHECK(fx_str(j, "queue_time") != NULL);
    CHECK_STR(fx_str(j, "price_unit"), "USD");
    char uri[160];
    snprintf(uri, sizeof uri, FX_BASE "/Calls/%s.json", sid ? sid : "");
    CHECK_STR(fx_str(j, "uri"), uri);
    const cJSON *sub = cJSON_GetObjectItemCaseSensitive(j, "subresource_uris");
    snprintf(uri, sizeof uri, FX_BASE "/Calls/%s/Recordings.json", sid ? sid : "");
    CHECK_STR(fx_str(sub, "recordings"), uri);
    CHECK(fx_str(sub, "notifications") != NULL);
    char keep[40];
    dt_strlcpy(keep, sid ? sid : "", sizeof keep);
    fx_resp_done(&r);

    /* it rings, is answered, and the fetch follows */
    fx_route_twiml("https://app.test/o", CALL_TWIML);
    fx_run(30000);
    snprintf(uri, sizeof uri, FX_BASE "/Calls/%s.json", keep);
    r = fx_req("GET", uri, NULL);
    CHECK_INT(r.status, 200);
    CHECK_STR(fx_str(r.json, "sid"), keep);
    CHECK_STR(fx_str(r.json, "status"), "in-progress");
    CHECK(fx_str(r.json, "start_time") != NULL);
    fx_resp_done(&r);

    /* hang it up through the API: completed, with a duration and a price as strings */
    r = fx_req("POST", uri, "Status=completed");
    CHECK_INT(r.status, 200);
    fx_resp_done(&r);
    fx_run(1000);
    r = fx_req("GET", uri, NULL);
    CHECK_STR(fx_str(r.json, "status"), "completed");
    CHECK(fx_str(r.json, "duration") != NULL);
    CHECK(fx_str(r.json, "end_time") != NULL);
    const char *price = fx_str(r.json, "price");
    CHECK(price == NULL || price[0] == '-' || strcmp(price, "0.00000") == 0);
    fx_resp_done(&r);
    fx_teardown();
}

TEST(test_call_create_errors)
{
    fx_setup();
    static const struct {
        const char *body;
        int status, code;
    } cases[] = {
        {"From=%2B14155550100&Url=https%3A%2F%2Fapp.test%2Fo", 400, 21201},
        {"To=%2B14155550199&Url=https%3A%2F%2Fapp.test%2Fo", 400, 21213},
        {"To=%2B14155550199&From=%2B14155550100", 400, 21205},
        {"To=%2B14155550199&From=%2B19995550000&Url=https%3A%2F%2Fapp.test%2Fo", 400, 21210},
        {"To=%2B15005550001&From=%2B14155550100&Url=https%3A%2F%2Fapp.test%2Fo", 400, 21217},
        {"To=%2B15005550002&From=%2B14155550100&Url=https%3A%2F%2Fapp.test%2Fo", 400, 21214},
        {"To=%2B15005550003&From=%2B14155550100&Url=https%3A%2F%2Fapp.test%2Fo", 400, 21215},
        {"To=%2B15005550004&From=%2B14155550100&Url=https%3A%2F%2Fapp.test%2Fo", 400, 21216},
        {"To=%2B14155550199&From=%2B15005550001&Url=https%3A%2F%2Fapp.test%2Fo", 400, 21212},
        {"", 400, 21201},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct fx_resp r = fx_req("POST", FX_BASE "/Calls.json", cases[i].body);
        FX_CHECK_ERROR(r, cases[i].status, cases[i].code);
        if (r.status != cases[i].status)
            printf("  body %s: %s\n", cases[i].body, r.body ? r.body : "(none)");
        fx_resp_done(&r);
    }
    /* the magic caller ID works */
    struct fx_resp r = fx_req("POST", FX_BASE "/Calls.json",
                              "To=%2B14155550199&From=%2B15005550006&Twiml=%3CResponse%2F%3E");
    CHECK_INT(r.status, 201);
    fx_resp_done(&r);
    /* update of an unknown call, bad status */
    r = fx_req("POST", FX_BASE "/Calls/CA00000000000000000000000000000000.json",
               "Status=completed");
    FX_CHECK_ERROR(r, 404, 20404);
    fx_resp_done(&r);
    fx_teardown();
}

/* Collects the "calls" array's sids of r, in order, into out (a string joined by ','). */
static void sids_of(const struct fx_resp *r, const char *key, char *out, size_t len)
{
    out[0] = '\0';
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(r->json, key);
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        const char *sid = fx_str(it, "sid");
        if (!sid)
            sid = fx_str(it, "call_sid");
        if (out[0])
            strncat(out, ",", len - strlen(out) - 1);
        strncat(out, sid ? sid : "?", len - strlen(out) - 1);
    }
}

TEST(test_call_list_envelope_and_paging)
{
    fx_setup();
    char sids[5][40];
    for (int i = 0; i < 5; i++) {
        char to[32];
        snprintf(to, sizeof to, "+1415555020%d", i % 10);
        dt_strlcpy(sids[i], fx_create_call(to, CALL_TWIML), sizeof sids[i]);
        CHECK(fx_is_sid(sids[i], "CA"));
        fx_run(1000);
    }
    struct fx_resp r = fx_req("GET", FX_BASE "/Calls.json", NULL);
    CHECK_INT(r.status, 200);
    CHECK_INT(fx_num(r.json, "page"), 0);
    CHECK_INT(fx_num(r.json, "page_size"), 50);
    CHECK_INT(fx_num(r.json, "start"), 0);
    CHECK_INT(fx_num(r.json, "end"), 4);
    CHECK_STR(fx_str(r.json, "uri"), FX_BASE "/Calls.json?PageSize=50&Page=0");
    CHECK_STR(fx_str(r.json, "first_page_uri"), FX_BASE "/Calls.json?PageSize=50&Page=0");
    CHECK(fx_is_null(r.json, "next_page_uri"));
    CHECK(fx_is_null(r.json, "previous_page_uri"));
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r.json, "calls")), 5);
    char all[256], want[256];
    sids_of(&r, "calls", all, sizeof all);
    snprintf(want, sizeof want, "%s,%s,%s,%s,%s", sids[4], sids[3], sids[2], sids[1], sids[0]);
    CHECK_STR(all, want); /* newest first */
    fx_resp_done(&r);

    /* pages of two, following next_page_uri */
    r = fx_req("GET", FX_BASE "/Calls.json", "PageSize=2");
    sids_of(&r, "calls", all, sizeof all);
    snprintf(want, sizeof want, "%s,%s", sids[4], sids[3]);
    CHECK_STR(all, want);
    char next[300];
    snprintf(next, sizeof next, FX_BASE "/Calls.json?PageSize=2&Page=1&PageToken=PA%s", sids[3]);
    CHECK_STR(fx_str(r.json, "next_page_uri"), next);
    fx_resp_done(&r);
    /* a new call arriving does not shift the next page */
    fx_create_call("+14155550299", CALL_TWIML);
    const char *q = strchr(next, '?') + 1;
    r = fx_req("GET", FX_BASE "/Calls.json", q);
    sids_of(&r, "calls", all, sizeof all);
    snprintf(want, sizeof want, "%s,%s", sids[2], sids[1]);
    CHECK_STR(all, want);
    CHECK_INT(fx_num(r.json, "page"), 1);
    CHECK_INT(fx_num(r.json, "start"), 2);
    CHECK_INT(fx_num(r.json, "end"), 3);
    CHECK(fx_str(r.json, "previous_page_uri") != NULL);
    const char *nx = fx_str(r.json, "next_page_uri");
    CHECK(nx != NULL);
    char next2[300];
    dt_strlcpy(next2, nx ? strchr(nx, '?') + 1 : "", sizeof next2);
    fx_resp_done(&r);
    r = fx_req("GET", FX_BASE "/Calls.json", next2);
    sids_of(&r, "calls", all, sizeof all);
    CHECK_STR(all, sids[0]);
    CHECK(fx_is_null(r.json, "next_page_uri"));
    fx_resp_done(&r);
    /* Page without a token is an offset; past the end is an empty page */
    r = fx_req("GET", FX_BASE "/Calls.json", "PageSize=2&Page=5");
    CHECK_INT(r.status, 200);
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r.json, "calls")), 0);
    CHECK(fx_is_null(r.json, "next_page_uri"));
    CHECK(fx_str(r.json, "previous_page_uri") != NULL);
    fx_resp_done(&r);
    fx_teardown();
}

TEST(test_call_list_paging_errors)
{
    fx_setup();
    static const struct {
        const char *query;
        int code;
    } cases[] = {
        {"PageSize=1001", 20007},
        {"PageSize=0", 20422},
        {"PageSize=abc", 20422},
        {"PageSize=-1", 20422},
        {"Page=-1", 20422},
        {"Page=x", 20422},
        {"PageToken=XX", 20422},
        {"PageSize=", 20422},
        {"Page=99999999999", 20422},
        {"Status=ringingg", 20422},
        {"StartTime=2026-13-01", 20422},
        {"StartTime%3C=yesterday", 20422},
        {"EndTime%3E=2026-12-01T25:00:00Z", 20422},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct fx_resp r = fx_req("GET", FX_BASE "/Calls.json", cases[i].query);
        FX_CHECK_ERROR(r, 400, cases[i].code);
        if (r.status != 400)
            printf("  query %s\n", cases[i].query);
        fx_resp_done(&r);
    }
    struct fx_resp r = fx_req("GET", FX_BASE "/Calls.json", "PageSize=1000&Page=0");
    CHECK_INT(r.status, 200);
    fx_resp_done(&r);
    fx_teardown();
}

TEST(test_call_list_filters)
{
    fx_setup();
    char a[40], b[40];
    dt_strlcpy(a, fx_create_call("+14155550301", CALL_TWIML), sizeof a);
    fx_run(30000);
    dt_strlcpy(b, fx_create_call("+442071838750", CALL_TWIML), sizeof b);
    struct fx_resp r = fx_req("GET", FX_BASE "/Calls.json", "To=%2B14155550301");
    char got[256];
    sids_of(&r, "calls", got, sizeof got);
    CHECK_STR(got, a);
    CHECK_STR(fx_str(r.json, "uri"), FX_BASE "/Calls.json?To=%2B14155550301&PageSize=50&Page=0");
    fx_resp_done(&r);
    r = fx_req("GET", FX_BASE "/Calls.json", "Status=in-progress");
    sids_of(&r, "calls", got, sizeof got);
    CHECK_STR(got, a);
    fx_resp_done(&r);
    r = fx_req("GET", FX_BASE "/Calls.json", "Status=queued&From=%2B14155550100");
    sids_of(&r, "calls", got, sizeof got);
    CHECK_STR(got, b);
    fx_resp_done(&r);
    r = fx_req("GET", FX_BASE "/Calls.json", "From=%2B19999999999");
    sids_of(&r, "calls", got, sizeof got);
    CHECK_STR(got, "");
    fx_resp_done(&r);
    /* dates: a's start is on 2026-12-01; b has not started */
    r = fx_req("GET", FX_BASE "/Calls.json", "StartTime=2026-12-01");
    sids_of(&r, "calls", got, sizeof got);
    CHECK_STR(got, a);
    fx_resp_done(&r);
    r = fx_req("GET", FX_BASE "/Calls.json", "StartTime%3E=2026-12-02");
    sids_of(&r, "calls", got, sizeof got);
    CHECK_STR(got, "");
    fx_resp_done(&r);
    r = fx_req("GET", FX_BASE "/Calls.json", "StartTime%3C=2026-12-01T09:59:59Z");
    sids_of(&r, "calls", got, sizeof got);
    CHECK_STR(got, "");
    fx_resp_done(&r);
    r = fx_req("GET", FX_BASE "/Calls.json",
               "StartTime%3E=2026-12-01T09:00:00Z&StartTime%3C=2026-12-01T11:00:00%2B01:00");
    sids_of(&r, "calls", got, sizeof got);
    CHECK_STR(got, a);
    fx_resp_done(&r);
    r = fx_req("GET", FX_BASE "/Calls.json", "EndTime=2026-12-01");
    sids_of(&r, "calls", got, sizeof got);
    CHECK_STR(got, "");
    fx_resp_done(&r);
    r = fx_req("GET", FX_BASE "/Calls.json", "ParentCallSid=CA00000000000000000000000000000000");
    sids_of(&r, "calls", got, sizeof got);
    CHECK_STR(got, "");
    fx_resp_done(&r);
    fx_teardown();
}

TEST(test_account_fetch)
{
    fx_setup();
    struct fx_resp r = fx_req("GET", "/2010-04-01/Accounts/" FX_ACCOUNT ".json", NULL);
    CHECK_INT(r.status, 200);
    CHECK_STR(fx_str(r.json, "sid"), FX_ACCOUNT);
    CHECK_STR(fx_str(r.json, "status"), "active");
    CHECK_STR(fx_str(r.json, "uri"), "/2010-04-01/Accounts/" FX_ACCOUNT ".json");
    CHECK(r.body && !strstr(r.body, FX_TOKEN));
    fx_resp_done(&r);
    fx_teardown();
}

int main(void)
{
    RUN(test_auth_missing_and_wrong);
    RUN(test_auth_account_and_key);
    RUN(test_auth_other_account);
    RUN(test_unknown_paths);
    RUN(test_wrong_methods);
    RUN(test_bodies);
    RUN(test_error_helper_and_date);
    RUN(test_call_create_fields);
    RUN(test_call_create_errors);
    RUN(test_call_list_envelope_and_paging);
    RUN(test_call_list_paging_errors);
    RUN(test_call_list_filters);
    RUN(test_account_fetch);
    return check_done();
}
