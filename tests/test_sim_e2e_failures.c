/*
 * End-to-end test of `dialtone sim` with test-failures.ini: outbound calls created through the
 * REST API to destinations that end in every failure kind (busy, busy with a SIP code,
 * no-answer, declined, failed with a Twilio error code, with a SIP code, with both) and to an
 * answering machine detected asynchronously. Each final status callback must carry Twilio's
 * CallStatus, ErrorCode and SipResponseCode, be signed, and agree with the REST resource.
 * Twilio's magic test numbers are refused with Twilio's codes.
 */
#include "sim_e2e_fixture.h"

#include "dialtone/callstate.h"

#define SPEED "20"
#define WAIT  15000

struct failure_case {
    const char *to;
    const char *status; /* final CallStatus */
    const char *error;  /* ErrorCode, NULL: none expected */
    const char *sip;    /* SipResponseCode, NULL: not checked */
};

static const struct failure_case cases[] = {
    {.to = "+14155550300", .status = "busy", .sip = "486"},
    {.to = "+14155550301", .status = "busy", .sip = "600"},
    {.to = "+14155550302", .status = "no-answer"},
    {.to = "+14155550303", .status = "no-answer", .sip = "408"},
    {.to = "+14155550304", .status = "busy", .sip = "603"},
    {.to = "+14155550310", .status = "failed", .error = "31005"},
    {.to = "+14155550311", .status = "failed", .error = "13224"},
    {.to = "+14155550312", .status = "failed", .error = "13227"},
    {.to = "+14155550313", .status = "failed", .error = "31002"},
    {.to = "+14155550314", .status = "failed", .error = "31003"},
    {.to = "+14155550315", .status = "failed", .error = "32011"},
    {.to = "+14155550320", .status = "failed", .sip = "404"},
    {.to = "+14155550321", .status = "failed", .sip = "408"},
    {.to = "+14155550322", .status = "failed", .sip = "480"},
    {.to = "+14155550323", .status = "failed", .sip = "484"},
    {.to = "+14155550324", .status = "failed", .sip = "500"},
    {.to = "+14155550325", .status = "failed", .sip = "502"},
    {.to = "+14155550326", .status = "failed", .sip = "503"},
    {.to = "+14155550330", .status = "failed", .error = "31005", .sip = "503"},
};

#define NCASES (sizeof cases / sizeof cases[0])

static char sids[NCASES][40];

/* 1 when s is a final call status. */
static int is_final(const char *s)
{
    enum callstate_status st;
    return s && callstate_parse(s, &st) == 0 && callstate_is_final(st);
}

/* Creates a call to `to` with the receiver's status callback; returns the HTTP status. */
static long create(const char *to, const char *extra, char *sid, size_t sidlen)
{
    char *cb = e2e_expand("{URL}");
    struct form f;
    form_init(&f);
    form_add(&f, "To", to);
    form_add(&f, "From", E2E_NUMBER);
    char url[128];
    snprintf(url, sizeof url, "%s/twilio/out", cb);
    form_add(&f, "Url", url);
    snprintf(url, sizeof url, "%s/twilio/ostatus", cb);
    form_add(&f, "StatusCallback", url);
    form_add(&f, "Timeout", "5");
    char *body = form_encode(&f);
    form_done(&f);
    char *full = xasprintf("%s%s", body, extra ? extra : "");
    struct e2e_resp r = e2e_rest("POST", E2E_BASE "/Calls.json", full);
    dt_strlcpy(sid, e2e_str(r.json, "sid") ? e2e_str(r.json, "sid") : "", sidlen);
    long status = r.status;
    e2e_resp_done(&r);
    free(full);
    free(body);
    free(cb);
    return status;
}

TEST(test_failure_kinds)
{
    size_t mark = e2e_count();
    for (size_t i = 0; i < NCASES; i++)
        CHECK_INT(create(cases[i].to, NULL, sids[i], sizeof sids[i]), 201);
    for (size_t i = 0; i < NCASES; i++) {
        const struct failure_case *c = &cases[i];
        long h = e2e_wait(mark, "/twilio/ostatus", "CallSid", sids[i], WAIT);
        while (h >= 0 && !is_final(e2e_param(h, "CallStatus")))
            h = e2e_wait((size_t)h + 1, "/twilio/ostatus", "CallSid", sids[i], WAIT);
        CHECK(h >= 0);
        const char *st = e2e_param(h, "CallStatus");
        CHECK_STR(st, c->status);
        if (c->error)
            CHECK_STR(e2e_param(h, "ErrorCode"), c->error);
        else
            CHECK(e2e_param(h, "ErrorCode") == NULL);
        if (c->sip)
            CHECK_STR(e2e_param(h, "SipResponseCode"), c->sip);
        if (!st || strcmp(st, c->status) != 0)
            printf("  %s: got %s\n", c->to, st ? st : "(none)");
        CHECK(e2e_param(h, "SequenceNumber") != NULL);
        CHECK_STR(e2e_param(h, "CallbackSource"), "call-progress-events");
        /* the REST resource agrees */
        char path[160];
        snprintf(path, sizeof path, E2E_BASE "/Calls/%s.json", sids[i]);
        struct e2e_resp r = e2e_rest("GET", path, NULL);
        CHECK_STR(e2e_str(r.json, "status"), c->status);
        CHECK(e2e_str(r.json, "end_time") != NULL);
        e2e_resp_done(&r);
    }
    /* nothing answered, so the TwiML was never fetched */
    for (size_t i = 0; i < NCASES; i++)
        CHECK(e2e_find(mark, "/twilio/out", "CallSid", sids[i]) < 0);
    /* the list filters by status */
    struct e2e_resp r = e2e_rest("GET", E2E_BASE "/Calls.json", "Status=busy&PageSize=2");
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r.json, "calls")), 2);
    CHECK(e2e_str(r.json, "next_page_uri") != NULL);
    e2e_resp_done(&r);
}

TEST(test_async_amd)
{
    size_t mark = e2e_count();
    char sid[40];
    char *extra = e2e_expand("&MachineDetection=DetectMessageEnd&AsyncAmd=true"
                             "&AsyncAmdStatusCallback={URL}/twilio/amd");
    CHECK_INT(create("+14155550340", extra, sid, sizeof sid), 201);
    free(extra);
    long amd = e2e_wait(mark, "/twilio/amd", "CallSid", sid, WAIT);
    CHECK(amd >= 0);
    const char *by = e2e_param(amd, "AnsweredBy");
    CHECK(by && strncmp(by, "machine_end", 11) == 0);
    CHECK(e2e_param(amd, "MachineDetectionDuration") != NULL);
    /* asynchronous: the call's TwiML was fetched without waiting for the answer */
    CHECK(e2e_wait(mark, "/twilio/out", "CallSid", sid, WAIT) >= 0);
}

TEST(test_magic_numbers)
{
    static const struct {
        const char *to, *from;
        int code;
    } magic[] = {
        {"+15005550001", E2E_NUMBER, 21217},     {"+15005550002", E2E_NUMBER, 21214},
        {"+15005550003", E2E_NUMBER, 21215},     {"+15005550004", E2E_NUMBER, 21216},
        {"+14155550399", "+15005550001", 21212}, {"+14155550399", "+19998887777", 21210},
    };
    for (size_t i = 0; i < sizeof magic / sizeof magic[0]; i++) {
        struct form f;
        form_init(&f);
        form_add(&f, "To", magic[i].to);
        form_add(&f, "From", magic[i].from);
        form_add(&f, "Url", "http://127.0.0.1:1/x");
        char *enc = form_encode(&f);
        form_done(&f);
        struct e2e_resp r = e2e_rest("POST", E2E_BASE "/Calls.json", enc);
        free(enc);
        E2E_CHECK_ERROR(r, 400, magic[i].code);
        e2e_resp_done(&r);
    }
}

TEST(test_every_webhook_signed)
{
    size_t n = e2e_check_all_signed();
    printf("  %zu webhooks received, every signature valid\n", n);
    CHECK(n >= NCASES);
}

TEST(test_clean_stop)
{
    CHECK_INT(e2e_stop_sim(), 0);
}

int main(void)
{
    if (e2e_setup("data/scenarios/test-failures.ini", SPEED) < 0) {
        printf("FAIL setup\n");
        e2e_dump_log();
        e2e_teardown();
        printf("0 passed, 1 failed\n");
        return 1;
    }
    e2e_set_twiml("/twilio/out", "<Response><Pause length=\"60\"/></Response>");
    RUN(test_failure_kinds);
    RUN(test_async_amd);
    RUN(test_magic_numbers);
    RUN(test_every_webhook_signed);
    RUN(test_clean_stop);
    if (check_tests_failed)
        e2e_dump_log();
    e2e_teardown();
    return check_done();
}
