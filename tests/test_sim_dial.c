/*
 * test_sim_dial: <Dial> in the voice engine. Child legs (outbound-dial, ParentCallSid, their
 * own status callbacks) ringing at once, the first answer bridged and the others canceled,
 * the Dial action with DialCallStatus, DialCallSid and DialCallDuration in every ending, the
 * caller hanging up while the children ring, and the memory a thousand waiting calls take.
 */
#include <string.h>

#include "check.h"
#include "sim_fake_host.h"

#define CALLER "+14085550199"
#define DONE   FH_BASE "dial-done"
#define CHILD  FH_BASE "child"

static void start(struct fake_host *h, const char *dial_twiml)
{
    fh_scenario(h);
    fh_add_endpoint(&h->sc, "+15105550001", DT_SIM_ANSWER_HUMAN, 5);
    fh_add_endpoint(&h->sc, "client:bob", DT_SIM_ANSWER_HUMAN, 2)->talk_s = 30;
    fh_add_endpoint(&h->sc, "+15105550002", DT_SIM_ANSWER_BUSY, 1);
    fh_add_endpoint(&h->sc, "+15105550003", DT_SIM_ANSWER_NO_ANSWER, 1);
    fh_start(h);
    fh_twiml(h, FH_BASE "voice", dial_twiml);
    fh_twiml(h, DONE, "<Response><Say>back</Say></Response>");
}

static void inbound(struct fake_host *h, char sid[DT_SIM_SID_LEN + 1])
{
    const struct sim_call *c;
    struct sim_err e;
    CHECK_INT(sim_inbound_call(h->sim, CALLER, FH_NUMBER, NULL, -1, NULL, &c, &e), 0);
    dt_strlcpy(sid, c->sid, DT_SIM_SID_LEN + 1);
    fh_pump(h);
}

/* The child leg of parent dialled to `to`, or NULL. */
static const struct sim_call *child(const struct fake_host *h, const char *parent, const char *to)
{
    for (size_t i = 0; i < sim_call_count(h->sim); i++) {
        const struct sim_call *c = sim_call_at(h->sim, i);
        if (strcmp(c->parent_sid, parent) == 0 && strcmp(c->to, to) == 0)
            return c;
    }
    return NULL;
}

TEST(test_first_answer_wins)
{
    struct fake_host h = {0};
    start(&h, "<Response><Dial action=\"/dial-done\" timeout=\"20\">"
              "<Number statusCallback=\"/child\" statusCallbackEvent=\"ringing completed\">"
              "+15105550001</Number><Client>bob</Client></Dial></Response>");
    char sid[35];
    inbound(&h, sid);
    fh_run(&h, 60);
    const struct sim_call *num = child(&h, sid, "+15105550001");
    const struct sim_call *bob = child(&h, sid, "client:bob");
    CHECK(num && bob);
    if (!num || !bob) {
        fh_done(&h);
        return;
    }
    CHECK_INT(bob->direction, DT_SIM_OUTBOUND_DIAL);
    CHECK_STR(bob->from, CALLER); /* the caller's ID goes through */
    CHECK_INT(bob->status, DT_CALL_COMPLETED);
    CHECK_INT(bob->duration_s, 30);
    CHECK_INT(num->status, DT_CALL_CANCELED); /* stopped ringing when bob answered */
    CHECK_INT(num->end_ms - FH_T0, 2100);
    /* the Number's own status callbacks */
    const struct fh_req *r = fh_find(&h, CHILD, NULL, NULL, 0);
    CHECK_STR(fh_param(r, "CallStatus"), "ringing");
    CHECK_STR(fh_param(r, "ParentCallSid"), sid);
    CHECK_STR(fh_param(r, "Direction"), "outbound-dial");
    r = fh_find(&h, CHILD, NULL, NULL, 1);
    CHECK_STR(fh_param(r, "CallStatus"), "canceled");
    CHECK_STR(fh_param(r, "SipResponseCode"), "487");
    CHECK_INT(fh_count(&h, CHILD, NULL, NULL), 2);
    /* bob hung up after 30 s: the Dial action, then "back", then the end */
    r = fh_find(&h, DONE, NULL, NULL, 0);
    CHECK_STR(fh_param(r, "DialCallStatus"), "completed");
    CHECK_STR(fh_param(r, "DialCallSid"), bob->sid);
    CHECK_STR(fh_param(r, "DialCallDuration"), "30");
    CHECK_STR(fh_param(r, "CallStatus"), "in-progress");
    const struct sim_call *c = sim_call_get(h.sim, sid);
    CHECK_INT(c->status, DT_CALL_COMPLETED);
    CHECK_INT(c->end_ms - FH_T0, 2100 + 30000 + 400);
    CHECK_INT(h.bad_sigs, 0);
    fh_done(&h);
}

TEST(test_dial_failures)
{
    static const struct {
        const char *twiml, *status;
        int64_t at_ms;
    } cases[] = {
        {"<Response><Dial action=\"/dial-done\"><Number>+15105550002</Number></Dial></Response>",
         "busy", 1100},
        {"<Response><Dial action=\"/dial-done\" timeout=\"7\">+15105550003</Dial></Response>",
         "no-answer", 7100},
        {"<Response><Dial action=\"/dial-done\"><Number>+15005550001x</Number></Dial></Response>",
         "failed", 0},
        {"<Response><Dial action=\"/dial-done\" timeout=\"3\"><Queue>nobody</Queue></Dial>"
         "</Response>",
         "failed", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct fake_host h = {0};
        start(&h, cases[i].twiml);
        char sid[35];
        inbound(&h, sid);
        fh_run(&h, 30);
        const struct fh_req *r = fh_find(&h, DONE, NULL, NULL, 0);
        CHECK_STR(fh_param(r, "DialCallStatus"), cases[i].status);
        CHECK_STR(fh_param(r, "DialCallDuration"), "0");
        CHECK(r && r->at == FH_T0 + cases[i].at_ms);
        CHECK_INT(sim_call_get(h.sim, sid)->status, DT_CALL_COMPLETED);
        fh_done(&h);
    }
    /* an existing queue with nobody in it: Dial waits for its timeout */
    struct fake_host h = {0};
    start(&h, "<Response><Dial action=\"/dial-done\" timeout=\"3\"><Queue>empty</Queue></Dial>"
              "</Response>");
    struct form f;
    const struct sim_queue *q;
    struct sim_err e;
    fh_form(&f, (const char *[]){"FriendlyName=empty", NULL});
    CHECK_INT(sim_queue_create(h.sim, &f, &q, &e), 0);
    form_done(&f);
    char sid[35];
    inbound(&h, sid);
    fh_run(&h, 30);
    const struct fh_req *r = fh_find(&h, DONE, NULL, NULL, 0);
    CHECK_STR(fh_param(r, "DialCallStatus"), "no-answer");
    CHECK(r && r->at == FH_T0 + 3000);
    fh_done(&h);
}

TEST(test_caller_hangs_up_while_ringing)
{
    struct fake_host h = {0};
    start(&h, "<Response><Dial action=\"/dial-done\"><Number>+15105550001</Number>"
              "<Number>+15105550003</Number></Dial></Response>");
    char sid[35];
    inbound(&h, sid);
    fh_run(&h, 2);
    struct sim_err e;
    CHECK_INT(sim_hangup(h.sim, sid, &e), 0);
    fh_run(&h, 30);
    CHECK_INT(child(&h, sid, "+15105550001")->status, DT_CALL_CANCELED);
    CHECK_INT(child(&h, sid, "+15105550003")->status, DT_CALL_CANCELED);
    const struct fh_req *r = fh_find(&h, DONE, NULL, NULL, 0);
    CHECK_STR(fh_param(r, "DialCallStatus"), "canceled");
    CHECK_STR(fh_param(r, "CallStatus"), "completed");
    CHECK_INT(sim_live_calls(h.sim), 0);
    fh_done(&h);
}

TEST(test_caller_hangs_up_when_bridged)
{
    struct fake_host h = {0};
    start(&h, "<Response><Dial action=\"/dial-done\" record=\"record-from-answer\" "
              "recordingStatusCallback=\"/rec\"><Client><Identity>bob</Identity></Client></Dial>"
              "</Response>");
    char sid[35];
    inbound(&h, sid);
    fh_run(&h, 12.1);
    struct sim_err e;
    CHECK_INT(sim_hangup(h.sim, sid, &e), 0);
    fh_run(&h, 5);
    const struct sim_call *bob = child(&h, sid, "client:bob");
    CHECK_INT(bob->status, DT_CALL_COMPLETED);
    CHECK_INT(bob->duration_s, 10);
    const struct fh_req *r = fh_find(&h, DONE, NULL, NULL, 0);
    CHECK_STR(fh_param(r, "DialCallStatus"), "completed");
    CHECK_STR(fh_param(r, "DialCallDuration"), "10");
    CHECK_STR(fh_param(r, "RecordingDuration"), "10");
    r = fh_find(&h, FH_BASE "rec", NULL, NULL, 0);
    CHECK_STR(fh_param(r, "RecordingSource"), "DialVerb");
    CHECK_STR(fh_param(r, "CallSid"), sid);
    fh_done(&h);
}

/* The benchmark's target: a thousand calls waiting in a queue hold far less than 50 MB. */
TEST(test_memory_per_call)
{
    struct fake_host h = {0};
    start(&h, "<Response><Say>Thanks for calling, please hold.</Say>"
              "<Enqueue waitUrl=\"/wait\" action=\"/act\">support</Enqueue></Response>");
    fh_twiml(&h, FH_BASE "wait",
             "<Response><Say>You are in the queue.</Say><Play>"
             "http://com.twilio.music.classical.s3.amazonaws.com/x.mp3</Play>"
             "</Response>");
    struct form f;
    const struct sim_queue *q;
    struct sim_err e;
    fh_form(&f, (const char *[]){"FriendlyName=support", "MaxSize=5000", NULL});
    CHECK_INT(sim_queue_create(h.sim, &f, &q, &e), 0);
    form_done(&f);
    size_t empty = sim_memory_bytes(h.sim);
    for (int i = 0; i < 1000; i++) {
        const struct sim_call *c;
        char from[32];
        snprintf(from, sizeof from, "+1408555%04d", i);
        CHECK_INT(sim_inbound_call(h.sim, from, FH_NUMBER, "A caller", 0, NULL, &c, &e), 0);
    }
    fh_run(&h, 30);
    CHECK_INT(sim_live_calls(h.sim), 1000);
    CHECK_INT(sim_queue_size(h.sim, q->sid), 1000);
    size_t per_call = (sim_memory_bytes(h.sim) - empty) / 1000;
    printf("  %zu bytes per waiting call\n", per_call);
    CHECK(per_call > 500);   /* it does count the calls */
    CHECK(per_call < 10000); /* 1,000 calls in 10 MB at most */
    fh_done(&h);
}

int main(void)
{
    RUN(test_first_answer_wins);
    RUN(test_dial_failures);
    RUN(test_caller_hangs_up_while_ringing);
    RUN(test_caller_hangs_up_when_bridged);
    RUN(test_memory_per_call);
    return check_done();
}
