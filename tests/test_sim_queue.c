/*
 * test_sim_queue: inbound calls through the voice engine. The voice URL, <Enqueue> with its
 * waitUrl fetched again and again, every way out of a queue (Leave, patience, a full queue,
 * a dequeue through the REST API, a <Dial><Queue> bridge), Gather with scripted and pressed
 * digits, Record and Redirect, through a fake host that checks every signature.
 */
#include <string.h>

#include "check.h"
#include "sim_fake_host.h"

#define CALLER "+14085550199"
#define ACTION FH_BASE "queue-action"
#define WAIT   FH_BASE "wait"

static const char enqueue_twiml[] =
    "<Response><Enqueue action=\"queue-action\" waitUrl=\"wait\">support</Enqueue>"
    "<Say>after</Say></Response>";

static void start(struct fake_host *h)
{
    fh_scenario(h);
    fh_start(h);
    fh_twiml(h, FH_BASE "voice", enqueue_twiml);
    fh_twiml(h, WAIT, "<Response><Play>http://example.com/hold.mp3</Play></Response>");
    fh_twiml(h, ACTION, "<Response><Say>bye</Say><Hangup/></Response>");
}

static const struct sim_call *inbound(struct fake_host *h, double patience, const char *digits,
                                      char sid[DT_SIM_SID_LEN + 1])
{
    const struct sim_call *c = NULL;
    struct sim_err e = {0};
    CHECK_INT(sim_inbound_call(h->sim, CALLER, FH_NUMBER, "Ada \x1b[31m", patience, digits, &c, &e),
              0);
    if (c)
        dt_strlcpy(sid, c->sid, DT_SIM_SID_LEN + 1);
    fh_pump(h);
    return c;
}

TEST(test_waiturl_polled)
{
    struct fake_host h = {0};
    start(&h);
    char sid[35];
    inbound(&h, -1, NULL, sid);
    const struct fh_req *v = fh_find(&h, FH_BASE "voice", NULL, NULL, 0);
    CHECK_STR(fh_param(v, "CallStatus"), "ringing");
    CHECK_STR(fh_param(v, "Direction"), "inbound");
    CHECK_STR(fh_param(v, "CallerName"), "Ada \x1b[31m");
    CHECK_STR(fh_param(v, "To"), FH_NUMBER);
    fh_run(&h, 35);
    const struct sim_call *c = sim_call_get(h.sim, sid);
    CHECK_INT(c->status, DT_CALL_IN_PROGRESS);
    const struct sim_queue *q = sim_queue_find(h.sim, "support");
    CHECK(q != NULL);
    CHECK_STR(c->queue_sid, q->sid);
    CHECK_INT(q->max_size, 100);
    CHECK_INT(sim_queue_size(h.sim, q->sid), 1);
    /* one Play of 10 s: fetched at 0, 10, 20 and 30 s */
    CHECK_INT(fh_count(&h, WAIT, NULL, NULL), 4);
    for (int i = 0; i < 4; i++) {
        const struct fh_req *w = fh_find(&h, WAIT, NULL, NULL, i);
        char t[16];
        snprintf(t, sizeof t, "%d", i * 10);
        CHECK_STR(fh_param(w, "QueueTime"), t);
        CHECK_STR(fh_param(w, "QueuePosition"), "1");
        CHECK_STR(fh_param(w, "QueueSid"), q->sid);
        CHECK_STR(fh_param(w, "CurrentQueueSize"), "1");
        CHECK_STR(fh_param(w, "MaxQueueSize"), "100");
        CHECK_STR(fh_param(w, "AvgQueueTime"), t);
        CHECK(w && w->at == FH_T0 + i * 10000);
    }
    /* a second caller is at position 2 */
    char sid2[35];
    inbound(&h, -1, NULL, sid2);
    fh_run(&h, 1);
    const struct fh_req *w = fh_find(&h, WAIT, "CallSid", sid2, 0);
    CHECK_STR(fh_param(w, "QueuePosition"), "2");
    CHECK_STR(fh_param(w, "CurrentQueueSize"), "2");
    struct sim_member m;
    CHECK_INT(sim_member_count(h.sim, q->sid), 2);
    CHECK_INT(sim_member_get(h.sim, q->sid, "Front", &m, NULL), 0);
    CHECK_STR(m.call_sid, sid);
    CHECK_INT(m.position, 1);
    CHECK_INT(m.wait_time_s, 36);
    CHECK_INT(sim_member_at(h.sim, q->sid, 1, &m), 0);
    CHECK_STR(m.call_sid, sid2);
    CHECK_INT(q->average_wait_time_s, 18);
    CHECK_INT(h.bad_sigs, 0);
    fh_done(&h);
}

TEST(test_leave_and_queue_full)
{
    struct fake_host h = {0};
    start(&h);
    fh_twiml(&h, WAIT, "<Response><Say>hold on</Say><Leave/></Response>");
    char sid[35];
    inbound(&h, -1, NULL, sid);
    fh_run(&h, 30);
    const struct fh_req *a = fh_find(&h, ACTION, "CallSid", sid, 0);
    CHECK_STR(fh_param(a, "QueueResult"), "leave");
    CHECK_STR(fh_param(a, "QueueTime"), "0"); /* "hold on": 0.7 s */
    CHECK_STR(fh_param(a, "CallStatus"), "in-progress");
    const struct sim_call *c = sim_call_get(h.sim, sid);
    CHECK_INT(c->status, DT_CALL_COMPLETED); /* the action's TwiML said bye and hung up */
    CHECK_STR(c->queue_sid, "");
    /* the number's status callback: completed only */
    CHECK_INT(fh_count(&h, FH_BASE "number-status", "CallSid", sid), 1);
    CHECK_STR(fh_param(fh_find(&h, FH_BASE "number-status", NULL, NULL, 0), "CallStatus"),
              "completed");

    /* a queue of one: the second caller gets queue-full */
    struct form f;
    const struct sim_queue *q;
    struct sim_err e;
    fh_form(&f, (const char *[]){"FriendlyName=small", "MaxSize=1", NULL});
    CHECK_INT(sim_queue_create(h.sim, &f, &q, &e), 0);
    CHECK_INT(sim_queue_create(h.sim, &f, &q, &e), DT_EEXIST);
    form_done(&f);
    fh_twiml(&h, FH_BASE "voice",
             "<Response><Enqueue action=\"queue-action\">small</Enqueue></Response>");
    fh_twiml(&h, WAIT, "<Response><Play loop=\"0\">x.mp3</Play></Response>");
    char s1[35], s2[35];
    inbound(&h, -1, NULL, s1);
    inbound(&h, -1, NULL, s2);
    fh_run(&h, 5);
    a = fh_find(&h, ACTION, "CallSid", s2, 0);
    CHECK_STR(fh_param(a, "QueueResult"), "queue-full");
    CHECK(fh_find(&h, ACTION, "CallSid", s1, 0) == NULL);
    CHECK_INT(sim_call_get(h.sim, s1)->status, DT_CALL_IN_PROGRESS);
    CHECK_INT(sim_queue_delete(h.sim, sim_queue_find(h.sim, "small")->sid, &e), DT_ESTATE);
    fh_done(&h);
}

TEST(test_patience)
{
    struct fake_host h = {0};
    start(&h);
    char sid[35];
    inbound(&h, 30, NULL, sid);
    fh_run(&h, 60);
    const struct fh_req *a = fh_find(&h, ACTION, "CallSid", sid, 0);
    CHECK_STR(fh_param(a, "QueueResult"), "hangup");
    CHECK_STR(fh_param(a, "QueueTime"), "30");
    CHECK_STR(fh_param(a, "CallStatus"), "completed");
    const struct sim_call *c = sim_call_get(h.sim, sid);
    CHECK_INT(c->status, DT_CALL_COMPLETED);
    CHECK_INT(c->duration_s, 30);
    CHECK_INT(c->queue_time_s, 30);
    CHECK_INT(sim_queue_size(h.sim, sim_queue_find(h.sim, "support")->sid), 0);
    /* no wait fetch after the caller left */
    CHECK_INT(fh_count(&h, WAIT, NULL, NULL), 3);
    CHECK_INT(h.bad_sigs, 0);
    fh_done(&h);
}

TEST(test_dequeue_redirect)
{
    struct fake_host h = {0};
    start(&h);
    fh_twiml(&h, FH_BASE "agent", "<Response><Say>connecting</Say></Response>");
    char sid[35];
    inbound(&h, -1, NULL, sid);
    fh_run(&h, 12);
    struct form f;
    struct sim_member m;
    struct sim_err e = {0};
    const char *qsid = sim_queue_find(h.sim, "support")->sid;
    fh_form(&f, (const char *[]){"Method=POST", NULL});
    CHECK_INT(sim_member_dequeue(h.sim, qsid, "Front", &f, &m, &e), DT_EINVAL);
    CHECK_INT(e.code, 21205);
    form_done(&f);
    fh_form(&f, (const char *[]){"Url=" FH_BASE "agent", NULL});
    CHECK_INT(sim_member_dequeue(h.sim, qsid, "CA00000000000000000000000000000000", &f, &m, &e),
              DT_ENOTFOUND);
    CHECK_INT(sim_member_dequeue(h.sim, qsid, sid, &f, &m, &e), 0);
    form_done(&f);
    CHECK_STR(m.call_sid, sid);
    CHECK_INT(sim_member_count(h.sim, qsid), 0);
    fh_run(&h, 10);
    const struct fh_req *a = fh_find(&h, ACTION, "CallSid", sid, 0);
    CHECK_STR(fh_param(a, "QueueResult"), "redirected");
    CHECK_STR(fh_param(a, "QueueTime"), "12");
    const struct fh_req *g = fh_find(&h, FH_BASE "agent", "CallSid", sid, 0);
    CHECK(g && a && g > a);
    /* the action's TwiML is ignored: the call ran "connecting" and ended */
    const struct sim_call *c = sim_call_get(h.sim, sid);
    CHECK_INT(c->status, DT_CALL_COMPLETED);
    CHECK_INT(c->end_ms - FH_T0, 12000 + 1000);
    fh_done(&h);
}

TEST(test_dial_queue_bridge)
{
    struct fake_host h = {0};
    start(&h);
    fh_add_endpoint(&h.sc, "client:*", DT_SIM_ANSWER_HUMAN, 2);
    char sid[35];
    inbound(&h, -1, NULL, sid);
    fh_run(&h, 5);
    const struct sim_call *agent;
    struct sim_err e;
    CHECK_INT(fh_call(&h, &agent, &e,
                      (const char *[]){"To=client:alice", "From=" FH_NUMBER,
                                       "Twiml=<Response><Dial action=\"" FH_BASE
                                       "dial-action\"><Queue>support</Queue></Dial></Response>",
                                       NULL}),
              0);
    char asid[35];
    dt_strlcpy(asid, agent->sid, sizeof asid);
    fh_twiml(&h, FH_BASE "dial-action", "<Response><Hangup/></Response>");
    fh_run(&h, 10);
    CHECK_INT(sim_call_get(h.sim, sid)->status, DT_CALL_IN_PROGRESS);
    CHECK_INT(sim_member_count(h.sim, sim_queue_find(h.sim, "support")->sid), 0);
    int waits = fh_count(&h, WAIT, NULL, NULL);
    CHECK(fh_find(&h, ACTION, NULL, NULL, 0) == NULL); /* bridged: the action waits */
    CHECK_INT(sim_hangup(h.sim, asid, &e), 0);
    fh_run(&h, 10);
    CHECK_INT(fh_count(&h, WAIT, NULL, NULL), waits);
    const struct fh_req *a = fh_find(&h, ACTION, "CallSid", sid, 0);
    CHECK_STR(fh_param(a, "QueueResult"), "bridged");
    CHECK_STR(fh_param(a, "QueueTime"), "7"); /* until the agent answered */
    CHECK_STR(fh_param(a, "CallStatus"), "in-progress");
    /* the caller went on with the action's TwiML */
    const struct sim_call *c = sim_call_get(h.sim, sid);
    CHECK_INT(c->status, DT_CALL_COMPLETED);
    const struct fh_req *d = fh_find(&h, FH_BASE "dial-action", NULL, NULL, 0);
    CHECK_STR(fh_param(d, "DialCallStatus"), "completed");
    CHECK_STR(fh_param(d, "DialCallSid"), sid);
    CHECK_STR(fh_param(d, "DialCallDuration"), "8");
    CHECK_INT(h.bad_sigs, 0);
    fh_done(&h);
}

TEST(test_gather)
{
    struct fake_host h = {0};
    start(&h);
    fh_twiml(&h, FH_BASE "voice",
             "<Response><Gather action=\"/menu\" numDigits=\"1\"><Say>press</Say></Gather>"
             "<Gather action=\"/acct\"><Say>account</Say></Gather><Say>none</Say></Response>");
    fh_twiml(&h, FH_BASE "menu",
             "<Response><Gather action=\"/acct\"><Say>account</Say></Gather></Response>");
    fh_twiml(&h, FH_BASE "acct", "<Response/>");
    char scripted[35], pressed[35], silent[35];
    inbound(&h, -1, "31234#", scripted);
    inbound(&h, -1, "", pressed);
    inbound(&h, -1, "", silent);
    CHECK_INT(sim_press_digits(h.sim, pressed, "7", NULL), 0);
    fh_run(&h, 30);
    /* scripted: each Gather takes its entry from the script, in turn */
    const struct fh_req *r = fh_find(&h, FH_BASE "menu", "CallSid", scripted, 0);
    CHECK_STR(fh_param(r, "Digits"), "3");
    CHECK(r && r->at == FH_T0 + 500 + 1000);
    /* pressed before the Gather: taken at once */
    r = fh_find(&h, FH_BASE "menu", "CallSid", pressed, 0);
    CHECK_STR(fh_param(r, "Digits"), "7");
    CHECK(r && r->at == FH_T0);
    /* nothing typed: after the 5 s timeout the next verb runs, no action */
    CHECK(fh_find(&h, FH_BASE "menu", "CallSid", silent, 0) == NULL);
    CHECK_INT(sim_call_get(h.sim, silent)->status, DT_CALL_COMPLETED);
    /* the scripted caller's second Gather */
    CHECK_STR(fh_param(fh_find(&h, FH_BASE "acct", "CallSid", scripted, 0), "Digits"), "1234");
    CHECK_STR(fh_param(fh_find(&h, FH_BASE "acct", "CallSid", scripted, 0), "FinishedOnKey"), "#");
    /* digits pressed during a Gather with no finishing key end at the timeout */
    char late[35];
    fh_twiml(&h, FH_BASE "voice",
             "<Response><Gather action=\"/late\" finishOnKey=\"\"/></Response>");
    fh_twiml(&h, FH_BASE "late", "<Response/>");
    inbound(&h, -1, "", late);
    fh_run(&h, 2);
    CHECK_INT(sim_press_digits(h.sim, late, "42", NULL), 0);
    CHECK_INT(sim_press_digits(h.sim, late, "x", NULL), DT_EINVAL);
    fh_run(&h, 10);
    r = fh_find(&h, FH_BASE "late", "CallSid", late, 0);
    CHECK_STR(fh_param(r, "Digits"), "42");
    CHECK(r && r->at == FH_T0 + 32000 + 5000);
    fh_done(&h);
}

TEST(test_record_and_redirect)
{
    struct fake_host h = {0};
    start(&h);
    h.sc.arrivals.record_s = 7;
    fh_twiml(&h, FH_BASE "voice",
             "<Response><Redirect method=\"GET\">ivr/start?x=1</Redirect></Response>");
    fh_twiml(&h, FH_BASE "ivr/start",
             "<Response><Record action=\"done\" recordingStatusCallback=\"/rec\" maxLength=\"60\"/>"
             "</Response>");
    fh_twiml(&h, FH_BASE "ivr/done", "<Response/>");
    char sid[35];
    inbound(&h, -1, NULL, sid);
    fh_run(&h, 30);
    const struct fh_req *g = fh_find(&h, FH_BASE "ivr/start", NULL, NULL, 0);
    CHECK(g && strcmp(g->method, "GET") == 0 && strncmp(g->url, FH_BASE "ivr/start?x=1&", 34) == 0);
    CHECK_STR(fh_param(g, "x"), "1");
    const struct fh_req *a = fh_find(&h, FH_BASE "ivr/done", NULL, NULL, 0);
    CHECK_STR(fh_param(a, "RecordingDuration"), "7");
    CHECK_STR(fh_param(a, "Digits"), "hangup");
    const char *rsid = fh_param(a, "RecordingSid");
    CHECK(rsid && strncmp(rsid, "RE", 2) == 0);
    const struct sim_recording *rec = rsid ? sim_recording_get(h.sim, rsid) : NULL;
    CHECK(rec != NULL);
    if (rec) {
        CHECK_STR(rec->call_sid, sid);
        CHECK_STR(rec->source, "RecordVerb");
        CHECK_STR(rec->status, "completed");
        CHECK_INT(rec->duration_s, 7);
        CHECK_INT(rec->channels, 1);
        CHECK(rec->price > 0);
    }
    const struct fh_req *cb = fh_find(&h, FH_BASE "rec", NULL, NULL, 0);
    CHECK_STR(fh_param(cb, "RecordingStatus"), "completed");
    CHECK_STR(fh_param(cb, "RecordingSid"), rsid);
    CHECK_STR(fh_param(cb, "RecordingSource"), "RecordVerb");
    CHECK_STR(fh_param(cb, "RecordingChannels"), "1");
    CHECK_STR(fh_param(cb, "CallSid"), sid);
    CHECK(fh_param(cb, "RecordingUrl") && strstr(fh_param(cb, "RecordingUrl"), rsid));
    CHECK_INT(sim_call_get(h.sim, sid)->status, DT_CALL_COMPLETED);
    CHECK_INT(sim_recording_count(h.sim), 1);
    CHECK_INT(h.bad_sigs, 0);
    fh_done(&h);
}

TEST(test_inbound_failures)
{
    struct fake_host h = {0};
    start(&h);
    fh_route(&h, FH_BASE "voice", 500, "text/html", "boom");
    char sid[35];
    inbound(&h, -1, NULL, sid);
    fh_run(&h, 5);
    const struct sim_call *c = sim_call_get(h.sim, sid);
    CHECK_INT(c->status, DT_CALL_FAILED); /* never answered */
    CHECK_INT(c->error_code, 11200);
    const struct fh_req *r = fh_find(&h, FH_BASE "number-status", NULL, NULL, 0);
    CHECK_STR(fh_param(r, "CallStatus"), "failed");
    CHECK_STR(fh_param(r, "ErrorCode"), "11200");
    fh_twiml(&h, FH_BASE "voice", "<Response><Say>x</Say><Bogus/>");
    inbound(&h, -1, NULL, sid);
    fh_run(&h, 5);
    CHECK_INT(sim_call_get(h.sim, sid)->status, DT_CALL_FAILED);
    CHECK_INT(sim_call_get(h.sim, sid)->error_code, 12100);
    /* a caller hanging up while ringing */
    fh_twiml(&h, FH_BASE "voice", enqueue_twiml);
    struct sim_err e = {0};
    CHECK_INT(sim_hangup(h.sim, "CAnope", &e), DT_ENOTFOUND);
    CHECK_INT(sim_hangup(h.sim, sid, &e), DT_ESTATE);
    CHECK_INT(e.code, 21220);
    const struct sim_call *c2;
    CHECK_INT(sim_inbound_call(h.sim, CALLER, "+19999999999", NULL, -1, NULL, &c2, &e),
              DT_ENOTFOUND);
    fh_done(&h);
}

int main(void)
{
    RUN(test_waiturl_polled);
    RUN(test_leave_and_queue_full);
    RUN(test_patience);
    RUN(test_dequeue_redirect);
    RUN(test_dial_queue_bridge);
    RUN(test_gather);
    RUN(test_record_and_redirect);
    RUN(test_inbound_failures);
    return check_done();
}
