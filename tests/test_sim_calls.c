/*
 * test_sim_calls: the voice engine's outbound calls. Every way a call ends (answered, busy,
 * no-answer, declined, failed), the status callbacks and their SequenceNumber, answering
 * machine detection, Twilio's validation codes and magic numbers, updates, prices and
 * deterministic sids, all through a fake host that checks every signature.
 */
#include <string.h>

#include "check.h"
#include "sim_fake_host.h"

#define TO_PERSON  "+14155550123"
#define STATUS_URL FH_BASE "status"

static const struct sim_call *call_to(struct fake_host *h, const char *to, const char *extra1,
                                      const char *extra2, char sid[DT_SIM_SID_LEN + 1])
{
    char to_p[64];
    snprintf(to_p, sizeof to_p, "To=%s", to);
    const char *pairs[] = {to_p,
                           "From=" FH_NUMBER,
                           "Url=" FH_BASE "answer",
                           "StatusCallback=" STATUS_URL,
                           "StatusCallbackEvent=initiated ringing answered completed",
                           extra1,
                           extra2,
                           NULL};
    const struct sim_call *c = NULL;
    struct sim_err e;
    int rc = fh_call(h, &c, &e, pairs);
    CHECK_INT(rc, 0);
    if (c)
        dt_strlcpy(sid, c->sid, DT_SIM_SID_LEN + 1);
    return c;
}

static const struct fh_req *final_status(const struct fake_host *h)
{
    return fh_find(h, STATUS_URL, "CallbackSource", "call-progress-events",
                   fh_count(h, STATUS_URL, NULL, NULL) - 1);
}

TEST(test_answered_call)
{
    struct fake_host h = {0};
    fh_scenario(&h);
    fh_add_endpoint(&h.sc, TO_PERSON, DT_SIM_ANSWER_HUMAN, 4)->talk_s = 65;
    fh_start(&h);
    fh_twiml(&h, FH_BASE "answer",
             "<Response><Say>Hello there</Say><Pause length=\"100\"/></Response>");
    char sid[DT_SIM_SID_LEN + 1];
    const struct sim_call *c = call_to(&h, TO_PERSON, NULL, NULL, sid);
    CHECK_INT(c->status, DT_CALL_QUEUED);
    CHECK_INT(sim_live_calls(h.sim), 1);
    fh_run(&h, 120);
    c = sim_call_get(h.sim, sid);
    CHECK_INT(c->status, DT_CALL_COMPLETED);
    CHECK_INT(c->duration_s, 65);
    CHECK_INT(c->answer_ms - c->start_ms, 4100);
    CHECK(c->price > 0.0259 && c->price < 0.0261); /* two started minutes at 0.013 */
    CHECK_STR(c->price_unit, "USD");
    CHECK_INT(sim_live_calls(h.sim), 0);
    /* four status callbacks, in order, numbered from 0 */
    static const char *const statuses[] = {"initiated", "ringing", "in-progress", "completed"};
    CHECK_INT(fh_count(&h, STATUS_URL, NULL, NULL), 4);
    for (int i = 0; i < 4; i++) {
        const struct fh_req *r = fh_find(&h, STATUS_URL, NULL, NULL, i);
        char seq[16];
        snprintf(seq, sizeof seq, "%d", i);
        CHECK_STR(fh_param(r, "CallStatus"), statuses[i]);
        CHECK_STR(fh_param(r, "SequenceNumber"), seq);
        CHECK_STR(fh_param(r, "CallbackSource"), "call-progress-events");
        CHECK_STR(fh_param(r, "CallSid"), sid);
        CHECK_STR(fh_param(r, "Direction"), "outbound-api");
        CHECK_STR(fh_param(r, "ApiVersion"), "2010-04-01");
        CHECK_STR(fh_param(r, "AccountSid"), FH_ACCOUNT);
    }
    CHECK_STR(fh_param(fh_find(&h, STATUS_URL, NULL, NULL, 0), "Timestamp"),
              "Tue, 14 Nov 2023 22:13:20 +0000");
    const struct fh_req *fin = final_status(&h);
    CHECK_STR(fh_param(fin, "CallDuration"), "65");
    CHECK_STR(fh_param(fin, "Duration"), "2");
    CHECK_STR(fh_param(fin, "SipResponseCode"), "200");
    CHECK(fh_param(fin, "ErrorCode") == NULL);
    /* the answer URL: fetched once, at the answer, with the standard parameters */
    const struct fh_req *u = fh_find(&h, FH_BASE "answer", NULL, NULL, 0);
    CHECK(u != NULL);
    CHECK_STR(fh_param(u, "CallStatus"), "in-progress");
    CHECK_STR(fh_param(u, "From"), FH_NUMBER);
    CHECK_STR(fh_param(u, "To"), TO_PERSON);
    CHECK_STR(fh_param(u, "Caller"), FH_NUMBER);
    CHECK_STR(fh_param(u, "Called"), TO_PERSON);
    CHECK(u && u->at == FH_T0 + 4100);
    CHECK_INT(fh_count(&h, FH_BASE "answer", NULL, NULL), 1);
    CHECK_INT(h.bad_sigs, 0);
    fh_done(&h);
}

/* Each failure kind of the scenario: the final status, its SIP code and error code. */
TEST(test_failure_kinds)
{
    static const struct {
        enum sim_answer answer;
        int error_code, sip_code;
        const char *extra;
        enum callstate_status status;
        const char *sip, *error;
        int64_t ends_ms;
    } cases[] = {
        {DT_SIM_ANSWER_BUSY, 0, 0, NULL, DT_CALL_BUSY, "486", NULL, 2100},
        {DT_SIM_ANSWER_DECLINE, 0, 0, NULL, DT_CALL_BUSY, "603", NULL, 2100},
        {DT_SIM_ANSWER_NO_ANSWER, 0, 0, "Timeout=10", DT_CALL_NO_ANSWER, "487", NULL, 10100},
        {DT_SIM_ANSWER_FAIL, 31005, 503, NULL, DT_CALL_FAILED, "503", "31005", 2100},
        {DT_SIM_ANSWER_FAIL, 0, 404, NULL, DT_CALL_FAILED, "404", NULL, 2100},
        {DT_SIM_ANSWER_HUMAN, 0, 0, "Timeout=1", DT_CALL_NO_ANSWER, "487", NULL, 1100},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct fake_host h = {0};
        fh_scenario(&h);
        struct sim_endpoint *ep = fh_add_endpoint(&h.sc, "+4420*", cases[i].answer, 2);
        ep->error_code = cases[i].error_code;
        ep->sip_code = cases[i].sip_code;
        fh_start(&h);
        char sid[DT_SIM_SID_LEN + 1];
        call_to(&h, "+442071234567", cases[i].extra, NULL, sid);
        fh_run(&h, 700);
        const struct sim_call *c = sim_call_get(h.sim, sid);
        CHECK_INT(c->status, cases[i].status);
        CHECK_INT(c->end_ms - FH_T0, cases[i].ends_ms);
        CHECK_INT(c->duration_s, 0);
        CHECK(c->price == 0);
        const struct fh_req *fin = final_status(&h);
        CHECK_STR(fh_param(fin, "CallStatus"), callstate_name(cases[i].status));
        CHECK_STR(fh_param(fin, "SipResponseCode"), cases[i].sip);
        if (cases[i].error)
            CHECK_STR(fh_param(fin, "ErrorCode"), cases[i].error);
        else
            CHECK(fh_param(fin, "ErrorCode") == NULL);
        CHECK_STR(fh_param(fin, "CallDuration"), "0");
        CHECK_INT(fh_count(&h, FH_BASE "answer", NULL, NULL), 0); /* never answered */
        CHECK_INT(h.bad_sigs, 0);
        fh_done(&h);
    }
}

TEST(test_validation_codes)
{
    static const struct {
        const char *pairs[6];
        int status, code;
    } cases[] = {
        {{"From=" FH_NUMBER, "Url=" FH_BASE "a"}, 400, 21201},
        {{"To=+14155550123", "Url=" FH_BASE "a"}, 400, 21213},
        {{"To=+14155550123", "From=" FH_NUMBER}, 400, 21205},
        {{"To=+14155550123", "From=" FH_NUMBER, "Url=ftp://x/y"}, 400, 21205},
        {{"To=+14155550123", "From=" FH_NUMBER, "ApplicationSid=AP123"}, 400, 21218},
        {{"To=+14155550123", "From=" FH_NUMBER, "Url=" FH_BASE "a", "Method=PUT"}, 400, 21209},
        {{"To=+14155550123", "From=" FH_NUMBER, "Url=" FH_BASE "a", "Timeout=abc"}, 400, 21208},
        {{"To=+14155550123", "From=" FH_NUMBER, "Url=" FH_BASE "a", "Timeout=0"}, 400, 21208},
        {{"To=hello", "From=" FH_NUMBER, "Url=" FH_BASE "a"}, 400, 21211},
        {{"To=+14155550123", "From=+19995550100", "Url=" FH_BASE "a"}, 400, 21210},
        {{"To=+14155550123", "From=" FH_NUMBER, "Url=" FH_BASE "a", "StatusCallback=nope"},
         400,
         21609},
        {{"To=+14155550123", "From=" FH_NUMBER, "Url=" FH_BASE "a", "StatusCallbackEvent=bogus"},
         400,
         21626},
        {{"To=+14155550123", "From=" FH_NUMBER, "Url=" FH_BASE "a", "MachineDetection=Maybe"},
         400,
         21207},
        {{"To=+14155550123", "From=" FH_NUMBER, "Url=" FH_BASE "a", "SendDigits=12a"}, 400, 21206},
        /* Twilio's magic test numbers */
        {{"To=+15005550001", "From=+15005550006", "Url=" FH_BASE "a"}, 400, 21217},
        {{"To=+15005550002", "From=+15005550006", "Url=" FH_BASE "a"}, 400, 21214},
        {{"To=+15005550003", "From=+15005550006", "Url=" FH_BASE "a"}, 400, 21215},
        {{"To=+15005550004", "From=+15005550006", "Url=" FH_BASE "a"}, 400, 21216},
        {{"To=+14155550123", "From=+15005550001", "Url=" FH_BASE "a"}, 400, 21212},
    };
    struct fake_host h = {0};
    fh_scenario(&h);
    fh_start(&h);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const struct sim_call *c = (const struct sim_call *)&h;
        struct sim_err e;
        int rc = fh_call(&h, &c, &e, cases[i].pairs);
        CHECK(rc < 0);
        CHECK(c == NULL);
        CHECK_INT(e.status, cases[i].status);
        CHECK_INT(e.code, cases[i].code);
        CHECK(e.message[0] != '\0');
    }
    CHECK_INT(sim_call_count(h.sim), 0);
    /* the magic caller ID may call anyone; Timeout over 600 is taken as 600 */
    const struct sim_call *c;
    struct sim_err e;
    CHECK_INT(
        fh_call(&h, &c, &e,
                (const char *[]){"To=+14155550123", "From=+15005550006",
                                 "Twiml=<Response><Hangup/></Response>", "Timeout=900", NULL}),
        0);
    CHECK_INT(sim_call_count(h.sim), 1);
    CHECK_INT(h.n, 0); /* nothing sent before the engine runs */
    fh_done(&h);
}

TEST(test_amd_sync_and_async)
{
    struct fake_host h = {0};
    fh_scenario(&h);
    fh_add_endpoint(&h.sc, "+15105550001", DT_SIM_ANSWER_MACHINE, 3)->machine_greeting_s = 8;
    fh_add_endpoint(&h.sc, "+15105550002", DT_SIM_ANSWER_HUMAN, 3);
    fh_add_endpoint(&h.sc, "+15105550003", DT_SIM_ANSWER_MACHINE, 3);
    fh_start(&h);
    fh_twiml(&h, FH_BASE "answer", "<Response><Pause length=\"5\"/></Response>");
    char m[35], p[35], a[35];
    call_to(&h, "+15105550001", "MachineDetection=DetectMessageEnd", NULL, m);
    call_to(&h, "+15105550002", "MachineDetection=Enable", NULL, p);
    call_to(&h, "+15105550003", "MachineDetection=Enable", "AsyncAmd=true", a);
    const char *pairs[] = {"To=+15105550003",
                           "From=" FH_NUMBER,
                           "Url=" FH_BASE "answer",
                           "MachineDetection=Enable",
                           "AsyncAmd=true",
                           "AsyncAmdStatusCallback=" FH_BASE "amd",
                           NULL};
    const struct sim_call *c;
    struct sim_err e;
    CHECK_INT(fh_call(&h, &c, &e, pairs), 0);
    char a2[35];
    dt_strlcpy(a2, c->sid, sizeof a2);
    fh_run(&h, 60);
    /* sync: the Url waits for the result and carries it */
    const struct fh_req *r = fh_find(&h, FH_BASE "answer", "CallSid", m, 0);
    CHECK_STR(fh_param(r, "AnsweredBy"), "machine_end_beep");
    CHECK_STR(fh_param(r, "MachineDetectionDuration"), "8000");
    CHECK(r && r->at == FH_T0 + 3100 + 8000);
    r = fh_find(&h, FH_BASE "answer", "CallSid", p, 0);
    CHECK_STR(fh_param(r, "AnsweredBy"), "human");
    CHECK_STR(sim_call_get(h.sim, p)->answered_by, "human");
    /* async: the Url comes at the answer, the result to AsyncAmdStatusCallback */
    r = fh_find(&h, FH_BASE "answer", "CallSid", a2, 0);
    CHECK(r && r->at == FH_T0 + 3100);
    CHECK(fh_param(r, "AnsweredBy") == NULL);
    r = fh_find(&h, FH_BASE "amd", "CallSid", a2, 0);
    CHECK_STR(fh_param(r, "AnsweredBy"), "machine_start");
    CHECK(r && r->at == FH_T0 + 3100 + 3000);
    /* the final status callback tells what AMD said */
    int n = fh_count(&h, STATUS_URL, "CallSid", m);
    r = fh_find(&h, STATUS_URL, "CallSid", m, n - 1);
    CHECK_STR(fh_param(r, "CallStatus"), "completed");
    CHECK_STR(fh_param(r, "AnsweredBy"), "machine_end_beep");
    CHECK_INT(h.bad_sigs, 0);
    fh_done(&h);
}

TEST(test_twiml_failures)
{
    static const struct {
        int status;
        const char *ctype, *body, *neterr;
        const char *error;
    } cases[] = {
        {200, "text/xml", "<Response><Say>unclosed</Response>", NULL, "12100"},
        {200, "text/xml", "<Response><Dial><Say>x</Say></Dial></Response>", NULL, "12100"},
        {200, "text/xml", "<Reply><Say>x</Say></Reply>", NULL, "12102"},
        {200, "application/json", "{}", NULL, "12300"},
        {500, "text/html", "oops", NULL, "11200"},
        {0, NULL, "", "connection refused", "11205"},
        {200, "text/xml", "<!DOCTYPE r [<!ENTITY a \"b\">]><Response/>", NULL, "12100"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct fake_host h = {0};
        fh_scenario(&h);
        fh_start(&h);
        fh_route(&h, FH_BASE "answer", cases[i].status, cases[i].ctype, cases[i].body);
        if (cases[i].neterr)
            fh_neterr(&h, FH_BASE "answer", cases[i].neterr);
        char sid[35];
        call_to(&h, TO_PERSON, NULL, NULL, sid);
        fh_run(&h, 60);
        const struct sim_call *c = sim_call_get(h.sim, sid);
        /* answered before the fetch: it ends completed, with the error */
        CHECK_INT(c->status, DT_CALL_COMPLETED);
        char code[16];
        snprintf(code, sizeof code, "%d", c->error_code);
        CHECK_STR(code, cases[i].error);
        const struct fh_req *fin = final_status(&h);
        CHECK_STR(fh_param(fin, "ErrorCode"), cases[i].error);
        CHECK(fh_param(fin, "ErrorMessage") && *fh_param(fin, "ErrorMessage"));
        fh_done(&h);
    }
}

TEST(test_body_too_large_and_unknown_verb)
{
    struct fake_host h = {0};
    fh_scenario(&h);
    fh_start(&h);
    struct dt_buf big;
    dt_buf_init(&big);
    dt_buf_puts(&big, "<Response>");
    while (big.len < 70000)
        dt_buf_puts(&big, "<Pause length=\"0\"/>");
    dt_buf_puts(&big, "</Response>");
    fh_twiml(&h, FH_BASE "big", big.data);
    dt_buf_done(&big);
    fh_twiml(&h, FH_BASE "answer", "<Response><Foo>x</Foo><Say>ok</Say><Hangup/></Response>");
    char big_sid[35], ok_sid[35];
    const struct sim_call *c;
    struct sim_err e;
    CHECK_INT(
        fh_call(&h, &c, &e,
                (const char *[]){"To=+14155550123", "From=" FH_NUMBER, "Url=" FH_BASE "big", NULL}),
        0);
    dt_strlcpy(big_sid, c->sid, sizeof big_sid);
    call_to(&h, TO_PERSON, NULL, NULL, ok_sid);
    fh_run(&h, 60);
    CHECK_INT(sim_call_get(h.sim, big_sid)->error_code, 11750);
    c = sim_call_get(h.sim, ok_sid);
    CHECK_INT(c->status, DT_CALL_COMPLETED);
    CHECK_INT(c->error_code, 0);              /* an unknown verb is a warning: skipped */
    CHECK_INT(c->end_ms - c->answer_ms, 200); /* "ok" said, then hung up */
    fh_done(&h);
}

TEST(test_fallback_url)
{
    struct fake_host h = {0};
    fh_scenario(&h);
    fh_start(&h);
    fh_route(&h, FH_BASE "answer", 503, "text/html", "down");
    fh_twiml(&h, FH_BASE "fallback", "<Response><Pause length=\"2\"/></Response>");
    char sid[35];
    call_to(&h, TO_PERSON, "FallbackUrl=" FH_BASE "fallback", NULL, sid);
    fh_run(&h, 60);
    const struct fh_req *r = fh_find(&h, FH_BASE "fallback", NULL, NULL, 0);
    CHECK_STR(fh_param(r, "ErrorCode"), "11200");
    CHECK_STR(fh_param(r, "ErrorUrl"), FH_BASE "answer");
    const struct sim_call *c = sim_call_get(h.sim, sid);
    CHECK_INT(c->status, DT_CALL_COMPLETED);
    CHECK_INT(c->error_code, 0);
    CHECK_INT(c->duration_s, 2);
    fh_done(&h);
}

TEST(test_updates)
{
    struct fake_host h = {0};
    fh_scenario(&h);
    fh_add_endpoint(&h.sc, "+1510*", DT_SIM_ANSWER_HUMAN, 20);
    fh_start(&h);
    fh_twiml(&h, FH_BASE "answer", "<Response><Play loop=\"0\">music.mp3</Play></Response>");
    fh_twiml(&h, FH_BASE "other", "<Response><Say>bye</Say></Response>");
    char ringing[35], live[35];
    call_to(&h, "+15105550009", NULL, NULL, ringing);
    call_to(&h, TO_PERSON, NULL, NULL, live);
    fh_run(&h, 10);
    struct form f;
    const struct sim_call *c;
    struct sim_err e = {0};
    fh_form(&f, (const char *[]){"Status=canceled", NULL});
    CHECK_INT(sim_call_update(h.sim, ringing, &f, &c, &e), 0);
    CHECK_INT(c->status, DT_CALL_CANCELED);
    /* canceled has no effect on a call in progress */
    CHECK_INT(sim_call_update(h.sim, live, &f, &c, &e), 0);
    CHECK_INT(c->status, DT_CALL_IN_PROGRESS);
    form_done(&f);
    /* an endless Play is redirected to new TwiML */
    fh_form(&f, (const char *[]){"Url=" FH_BASE "other", "Method=GET", NULL});
    CHECK_INT(sim_call_update(h.sim, live, &f, &c, &e), 0);
    form_done(&f);
    fh_run(&h, 10);
    const struct fh_req *r = fh_find(&h, FH_BASE "other", NULL, NULL, 0);
    CHECK(r && strcmp(r->method, "GET") == 0 && strstr(r->url, "CallSid="));
    CHECK_INT(sim_call_get(h.sim, live)->status, DT_CALL_COMPLETED);
    /* an ended call cannot be updated */
    fh_form(&f, (const char *[]){"Status=completed", NULL});
    CHECK_INT(sim_call_update(h.sim, live, &f, &c, &e), DT_ESTATE);
    CHECK_INT(e.status, 400);
    CHECK_INT(e.code, 21220);
    CHECK_INT(sim_call_update(h.sim, "CA00000000000000000000000000000000", &f, &c, &e),
              DT_ENOTFOUND);
    CHECK_INT(e.code, 20404);
    form_done(&f);
    CHECK_INT(h.bad_sigs, 0);
    fh_done(&h);
}

static void first_sids(uint64_t seed, char sid[3][35])
{
    struct fake_host h = {0};
    fh_scenario(&h);
    h.sc.seed = seed;
    fh_start(&h);
    for (int i = 0; i < 3; i++) {
        char tmp[35];
        call_to(&h, TO_PERSON, NULL, NULL, tmp);
        memcpy(sid[i], tmp, 35);
    }
    fh_done(&h);
}

TEST(test_sids_deterministic)
{
    char a[3][35], b[3][35], c[3][35];
    first_sids(7, a);
    first_sids(7, b);
    first_sids(8, c);
    for (int i = 0; i < 3; i++) {
        CHECK_STR(a[i], b[i]);
        CHECK(strcmp(a[i], c[i]) != 0);
        CHECK_INT(strlen(a[i]), 34);
        CHECK(strncmp(a[i], "CA", 2) == 0);
        CHECK_INT(strspn(a[i] + 2, "0123456789abcdef"), 32);
    }
    CHECK(strcmp(a[0], a[1]) != 0);
}

/* Status callbacks replayed through the core's merge rule end on the final status. */
TEST(test_sequence_merges)
{
    struct fake_host h = {0};
    fh_scenario(&h);
    fh_start(&h);
    fh_twiml(&h, FH_BASE "answer", "<Response><Say>one two three</Say></Response>");
    char sid[35];
    call_to(&h, TO_PERSON, NULL, NULL, sid);
    fh_run(&h, 60);
    int n = fh_count(&h, STATUS_URL, NULL, NULL);
    CHECK_INT(n, 4);
    struct callstate_pos pos = {DT_CALL_QUEUED, -1};
    for (int i = n - 1; i >= 0; i--) { /* delivered in reverse: the merge rule sorts it out */
        const struct fh_req *r = fh_find(&h, STATUS_URL, NULL, NULL, i);
        struct callstate_pos in = {DT_CALL_QUEUED, atoll(fh_param(r, "SequenceNumber"))};
        CHECK_INT(callstate_parse(fh_param(r, "CallStatus"), &in.status), 0);
        callstate_merge(&pos, &in, &pos);
    }
    CHECK_INT(pos.status, DT_CALL_COMPLETED);
    CHECK_INT(pos.seq, 3);
    fh_done(&h);
}

TEST(test_recorded_call)
{
    struct fake_host h = {0};
    fh_scenario(&h);
    fh_add_endpoint(&h.sc, TO_PERSON, DT_SIM_ANSWER_HUMAN, 1)->talk_s = 42;
    fh_start(&h);
    fh_twiml(&h, FH_BASE "answer", "<Response><Play loop=\"0\">x.mp3</Play></Response>");
    char sid[35];
    call_to(&h, TO_PERSON, "Record=true", "RecordingStatusCallback=" FH_BASE "rec", sid);
    fh_run(&h, 60);
    CHECK_INT(sim_recording_count(h.sim), 1);
    const struct sim_recording *r = sim_recording_at(h.sim, 0);
    CHECK_STR(r->call_sid, sid);
    CHECK_STR(r->source, "OutboundAPI");
    CHECK_STR(r->status, "completed");
    CHECK_INT(r->duration_s, 42);
    CHECK(strncmp(r->sid, "RE", 2) == 0);
    const struct fh_req *cb = fh_find(&h, FH_BASE "rec", NULL, NULL, 0);
    CHECK_STR(fh_param(cb, "RecordingSid"), r->sid);
    CHECK_STR(fh_param(cb, "RecordingDuration"), "42");
    CHECK_STR(fh_param(cb, "RecordingStatus"), "completed");
    const struct fh_req *fin = final_status(&h);
    CHECK_STR(fh_param(fin, "RecordingSid"), r->sid);
    CHECK_STR(fh_param(fin, "RecordingDuration"), "42");
    CHECK_INT(h.bad_sigs, 0);
    fh_done(&h);
}

int main(void)
{
    RUN(test_answered_call);
    RUN(test_failure_kinds);
    RUN(test_validation_codes);
    RUN(test_amd_sync_and_async);
    RUN(test_twiml_failures);
    RUN(test_body_too_large_and_unknown_verb);
    RUN(test_fallback_url);
    RUN(test_updates);
    RUN(test_sids_deterministic);
    RUN(test_sequence_merges);
    RUN(test_recorded_call);
    return check_done();
}
