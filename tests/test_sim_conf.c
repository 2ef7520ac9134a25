/*
 * test_sim_conf: conferences in the voice engine. A caller dequeued from a queue into a
 * conference, an agent added through the Participants API, hold, mute and coaching with their
 * conference events, the end of the conference when the caller hangs up, its recording, the
 * REST checks on participants, through a fake host that checks every signature.
 */
#include <string.h>

#include "check.h"
#include "sim_fake_host.h"

#define CALLER "+14085550199"
#define EVENTS FH_BASE "conf-events"

static const char conf_twiml[] =
    "<Response><Dial action=\"/after-conf\"><Conference statusCallback=\"/conf-events\" "
    "statusCallbackEvent=\"start end join leave mute hold modify\" endConferenceOnExit=\"true\" "
    "record=\"record-from-start\" recordingStatusCallback=\"/conf-rec\" "
    "participantLabel=\"customer\">room1</Conference></Dial><Say>still here</Say></Response>";

static void start(struct fake_host *h)
{
    fh_scenario(h);
    fh_add_endpoint(&h->sc, "client:alice", DT_SIM_ANSWER_HUMAN, 2);
    fh_add_endpoint(&h->sc, "client:bob", DT_SIM_ANSWER_HUMAN, 1);
    fh_add_endpoint(&h->sc, "+1510*", DT_SIM_ANSWER_BUSY, 3);
    fh_start(h);
    fh_twiml(h, FH_BASE "voice",
             "<Response><Enqueue waitUrl=\"/wait\">support</Enqueue></Response>");
    fh_twiml(h, FH_BASE "wait", "<Response><Play loop=\"0\">hold.mp3</Play></Response>");
    fh_twiml(h, FH_BASE "conf", conf_twiml);
    fh_twiml(h, FH_BASE "after-conf", "<Response><Say>thanks</Say></Response>");
}

/* An inbound caller, dequeued into room1 after 10 s. */
static void caller_in_room(struct fake_host *h, char sid[DT_SIM_SID_LEN + 1])
{
    const struct sim_call *c;
    struct sim_err e = {0};
    CHECK_INT(sim_inbound_call(h->sim, CALLER, FH_NUMBER, NULL, 0, NULL, &c, &e), 0);
    dt_strlcpy(sid, c->sid, DT_SIM_SID_LEN + 1);
    fh_run(h, 10);
    struct form f;
    struct sim_member m;
    fh_form(&f, (const char *[]){"Url=" FH_BASE "conf", NULL});
    CHECK_INT(
        sim_member_dequeue(h->sim, sim_queue_find(h->sim, "support")->sid, "Front", &f, &m, &e), 0);
    form_done(&f);
    fh_run(h, 1);
}

static int add_participant(struct fake_host *h, const char *conf, const char *const *pairs,
                           char sid[DT_SIM_SID_LEN + 1], struct sim_err *e)
{
    struct form f;
    const struct sim_participant *p = NULL;
    fh_form(&f, pairs);
    memset(e, 0, sizeof *e);
    int rc = sim_participant_create(h->sim, conf, &f, &p, e);
    form_done(&f);
    if (rc == 0)
        dt_strlcpy(sid, p->call_sid, DT_SIM_SID_LEN + 1);
    fh_pump(h);
    return rc;
}

static int update(struct fake_host *h, const char *conf, const char *call, const char *pair)
{
    struct form f;
    const struct sim_participant *p;
    struct sim_err e;
    fh_form(&f, (const char *[]){pair, NULL});
    int rc = sim_participant_update(h->sim, conf, call, &f, &p, &e);
    form_done(&f);
    fh_pump(h);
    return rc;
}

static const struct fh_req *event(const struct fake_host *h, const char *name, int nth)
{
    return fh_find(h, EVENTS, "StatusCallbackEvent", name, nth);
}

TEST(test_contact_center_flow)
{
    struct fake_host h = {0};
    start(&h);
    char caller[35], alice[35], bob[35];
    caller_in_room(&h, caller);
    const struct sim_conference *cf = sim_conference_get(h.sim, "room1");
    CHECK(cf != NULL);
    if (!cf) {
        fh_done(&h);
        return;
    }
    char conf[35];
    dt_strlcpy(conf, cf->sid, sizeof conf);
    CHECK_STR(cf->status, "in-progress");
    CHECK_STR(sim_call_get(h.sim, caller)->conference_sid, conf);
    const struct fh_req *r = event(&h, "participant-join", 0);
    CHECK_STR(fh_param(r, "CallSid"), caller);
    CHECK_STR(fh_param(r, "ConferenceSid"), conf);
    CHECK_STR(fh_param(r, "FriendlyName"), "room1");
    CHECK_STR(fh_param(r, "EndConferenceOnExit"), "true");
    CHECK_STR(fh_param(r, "StartConferenceOnEnter"), "true");
    CHECK_STR(fh_param(r, "ParticipantLabel"), "customer");
    CHECK_STR(fh_param(r, "SequenceNumber"), "1");
    CHECK_STR(fh_param(event(&h, "conference-start", 0), "SequenceNumber"), "2");

    /* the agent */
    struct sim_err e;
    CHECK_INT(add_participant(&h, "room1",
                              (const char *[]){"From=" FH_NUMBER, "To=client:alice", "Label=agent",
                                               "StatusCallback=" FH_BASE "alice",
                                               "StatusCallbackEvent=initiated answered", NULL},
                              alice, &e),
              0);
    CHECK_STR(sim_participant_get(h.sim, conf, alice)->status, "queued");
    CHECK_INT(sim_participant_count(h.sim, conf), 2);
    fh_run(&h, 3);
    CHECK_STR(sim_participant_get(h.sim, conf, alice)->status, "connected");
    CHECK_STR(sim_participant_get(h.sim, conf, "agent")->call_sid, alice);
    r = event(&h, "participant-join", 1);
    CHECK_STR(fh_param(r, "CallSid"), alice);
    CHECK_STR(fh_param(r, "ParticipantLabel"), "agent");
    CHECK_STR(fh_param(fh_find(&h, FH_BASE "alice", NULL, NULL, 1), "CallStatus"), "in-progress");
    CHECK_STR(sim_call_get(h.sim, alice)->to, "client:alice");

    /* hold, mute, coaching */
    CHECK_INT(update(&h, conf, alice, "Hold=true"), 0);
    CHECK_STR(fh_param(event(&h, "participant-hold", 0), "Hold"), "true");
    CHECK_INT(update(&h, conf, alice, "Hold=false"), 0);
    CHECK_STR(fh_param(event(&h, "participant-unhold", 0), "Hold"), "false");
    CHECK_INT(update(&h, conf, caller, "Muted=true"), 0);
    r = event(&h, "participant-mute", 0);
    CHECK_STR(fh_param(r, "CallSid"), caller);
    CHECK_STR(fh_param(r, "Muted"), "true");
    CHECK(sim_participant_get(h.sim, conf, caller)->muted);
    CHECK_INT(update(&h, conf, alice, "Hold=maybe"), DT_EINVAL);
    CHECK_INT(add_participant(&h, conf,
                              (const char *[]){"From=" FH_NUMBER, "To=client:bob",
                                               "CallSidToCoach=CA0123", NULL},
                              bob, &e),
              DT_EINVAL);
    CHECK_INT(e.code, 16028);
    char to_coach[64];
    snprintf(to_coach, sizeof to_coach, "CallSidToCoach=%s", alice);
    CHECK_INT(add_participant(&h, conf,
                              (const char *[]){"From=" FH_NUMBER, "To=client:bob", to_coach,
                                               "Muted=true", NULL},
                              bob, &e),
              0);
    fh_run(&h, 2);
    const struct sim_participant *pb = sim_participant_get(h.sim, conf, bob);
    CHECK(pb && pb->coaching && strcmp(pb->call_sid_to_coach, alice) == 0);
    CHECK_STR(fh_param(event(&h, "participant-join", 2), "Coaching"), "true");
    CHECK_INT(update(&h, conf, bob, "Coaching=false"), 0);
    CHECK_STR(fh_param(event(&h, "participant-modify", 0), "Coaching"), "false");

    /* the caller hangs up: the conference ends for everyone */
    CHECK_INT(sim_hangup(h.sim, caller, &e), 0);
    fh_run(&h, 5);
    r = event(&h, "participant-leave", 0);
    CHECK_STR(fh_param(r, "CallSid"), caller);
    CHECK_STR(fh_param(r, "ParticipantCallStatus"), "completed");
    r = event(&h, "conference-end", 0);
    CHECK_STR(fh_param(r, "ReasonConferenceEnded"), "participant-with-end-conference-on-exit-left");
    CHECK_STR(fh_param(r, "CallSidEndingConference"), caller);
    CHECK_INT(fh_count(&h, EVENTS, "StatusCallbackEvent", "participant-leave"), 3);
    CHECK_INT(sim_call_get(h.sim, alice)->status, DT_CALL_COMPLETED);
    CHECK_INT(sim_call_get(h.sim, bob)->status, DT_CALL_COMPLETED);
    CHECK_STR(sim_conference_get(h.sim, conf)->status, "completed");
    CHECK_STR(sim_conference_get(h.sim, conf)->reason_ended,
              "participant-with-end-conference-on-exit-left");
    CHECK_INT(sim_participant_count(h.sim, conf), 0);
    /* SequenceNumber counts every event of the conference, from 1 */
    int n = fh_count(&h, EVENTS, NULL, NULL);
    CHECK_INT(n, 12);
    for (int i = 0; i < n; i++) {
        char seq[16];
        snprintf(seq, sizeof seq, "%d", i + 1);
        CHECK_STR(fh_param(fh_find(&h, EVENTS, NULL, NULL, i), "SequenceNumber"), seq);
    }
    /* the recording of the conference, from its start to its end */
    r = fh_find(&h, FH_BASE "conf-rec", NULL, NULL, 0);
    CHECK_STR(fh_param(r, "RecordingStatus"), "completed");
    CHECK_STR(fh_param(r, "ConferenceSid"), conf);
    CHECK_STR(fh_param(r, "RecordingSource"), "Conference");
    CHECK_STR(fh_param(r, "RecordingDuration"), "6"); /* from 10 s to 16 s */
    const struct sim_recording *rec = sim_recording_at(h.sim, 0);
    CHECK(rec && strcmp(rec->conference_sid, conf) == 0 && rec->duration_s == 6);
    /* the caller's Dial action is told, its TwiML is not run */
    r = fh_find(&h, FH_BASE "after-conf", NULL, NULL, 0);
    CHECK_STR(fh_param(r, "DialCallStatus"), "completed");
    CHECK_STR(fh_param(r, "CallStatus"), "completed");
    CHECK_INT(h.bad_sigs, 0);
    fh_done(&h);
}

TEST(test_end_via_api_and_kick)
{
    struct fake_host h = {0};
    start(&h);
    char caller[35], alice[35];
    caller_in_room(&h, caller);
    const struct sim_conference *cf = sim_conference_get(h.sim, "room1");
    char conf[35];
    dt_strlcpy(conf, cf->sid, sizeof conf);
    struct sim_err e;
    CHECK_INT(add_participant(&h, conf,
                              (const char *[]){"From=" FH_NUMBER, "To=client:alice", NULL}, alice,
                              &e),
              0);
    fh_run(&h, 3);
    /* kicking the agent hangs its leg up */
    CHECK_INT(sim_participant_delete(h.sim, conf, alice, &e), 0);
    fh_pump(&h);
    CHECK_INT(sim_call_get(h.sim, alice)->status, DT_CALL_COMPLETED);
    const struct fh_req *r = fh_find(&h, EVENTS, "CallSid", alice, 1);
    CHECK_STR(fh_param(r, "StatusCallbackEvent"), "participant-leave");
    CHECK_STR(fh_param(r, "ReasonParticipantLeft"), "participant_kicked");
    CHECK_INT(sim_participant_delete(h.sim, conf, alice, &e), DT_ENOTFOUND);
    /* ending the conference: the caller goes on with its Dial action */
    struct form f;
    const struct sim_conference *out;
    fh_form(&f, (const char *[]){"Status=completed", NULL});
    CHECK_INT(sim_conference_update(h.sim, conf, &f, &out, &e), 0);
    form_done(&f);
    fh_run(&h, 5);
    CHECK_STR(out->reason_ended, "conference-ended-via-api");
    CHECK_STR(fh_param(fh_find(&h, EVENTS, "StatusCallbackEvent", "conference-end", 0),
                       "ReasonConferenceEnded"),
              "conference-ended-via-api");
    r = fh_find(&h, FH_BASE "after-conf", NULL, NULL, 0);
    CHECK_STR(fh_param(r, "CallStatus"), "in-progress");
    const struct sim_call *c = sim_call_get(h.sim, caller);
    CHECK_INT(c->status, DT_CALL_COMPLETED); /* "thanks", then the end of the TwiML */
    CHECK_STR(c->conference_sid, "");
    /* a completed conference takes no participants */
    CHECK_INT(add_participant(&h, conf, (const char *[]){"From=" FH_NUMBER, "To=client:bob", NULL},
                              alice, &e),
              DT_ESTATE);
    CHECK_INT(e.code, 16022);
    fh_done(&h);
}

TEST(test_participant_errors_and_failures)
{
    struct fake_host h = {0};
    start(&h);
    char sid[35], busy[35];
    struct sim_err e;
    CHECK_INT(add_participant(&h, "CF00000000000000000000000000000000",
                              (const char *[]){"From=" FH_NUMBER, "To=client:bob", NULL}, sid, &e),
              DT_ENOTFOUND);
    CHECK_INT(e.status, 404);
    CHECK_INT(add_participant(&h, "room2", (const char *[]){"From=" FH_NUMBER, NULL}, sid, &e),
              DT_EINVAL);
    CHECK_INT(e.code, 21201);
    CHECK_INT(add_participant(
                  &h, "room2",
                  (const char *[]){"From=" FH_NUMBER, "To=client:bob", "Label=a/b", NULL}, sid, &e),
              DT_EINVAL);
    CHECK_INT(e.code, 16024);
    CHECK_INT(sim_conference_count(h.sim), 0); /* nothing made by a refused request */
    CHECK_INT(
        add_participant(&h, "room2",
                        (const char *[]){"From=" FH_NUMBER, "To=client:bob", "Label=x",
                                         "ConferenceStatusCallback=" EVENTS,
                                         "ConferenceStatusCallbackEvent=join leave end", NULL},
                        sid, &e),
        0);
    CHECK_INT(
        add_participant(&h, "room2",
                        (const char *[]){"From=" FH_NUMBER, "To=client:alice", "Label=x", NULL},
                        busy, &e),
        DT_EINVAL);
    CHECK_INT(e.code, 16026);
    CHECK_INT(add_participant(&h, "room2",
                              (const char *[]){"From=" FH_NUMBER, "To=+15105550100", NULL}, busy,
                              &e),
              0);
    fh_run(&h, 10);
    /* the busy leg leaves with its call status; the conference goes on */
    const struct fh_req *r = fh_find(&h, EVENTS, "CallSid", busy, 0);
    CHECK_STR(fh_param(r, "StatusCallbackEvent"), "participant-leave");
    CHECK_STR(fh_param(r, "ParticipantCallStatus"), "busy");
    CHECK(sim_participant_get(h.sim, "room2", busy) == NULL);
    CHECK_INT(sim_participant_count(h.sim, "room2"), 1);
    CHECK_STR(sim_conference_get(h.sim, "room2")->status, "in-progress");
    CHECK_INT(sim_call_get(h.sim, busy)->status, DT_CALL_BUSY);
    /* its last participant hangs up: the conference ends */
    CHECK_INT(sim_hangup(h.sim, sid, &e), 0);
    fh_pump(&h);
    r = fh_find(&h, EVENTS, "StatusCallbackEvent", "conference-end", 0);
    CHECK_STR(fh_param(r, "ReasonConferenceEnded"), "last-participant-left");
    CHECK_INT(h.bad_sigs, 0);
    fh_done(&h);
}

TEST(test_wait_until_moderator)
{
    struct fake_host h = {0};
    start(&h);
    fh_twiml(&h, FH_BASE "voice",
             "<Response><Dial><Conference startConferenceOnEnter=\"false\" waitUrl=\"/cwait\" "
             "statusCallback=\"/conf-events\">room9</Conference></Dial></Response>");
    fh_twiml(&h, FH_BASE "cwait", "<Response><Play>m.mp3</Play></Response>");
    const struct sim_call *c;
    struct sim_err e;
    CHECK_INT(sim_inbound_call(h.sim, CALLER, FH_NUMBER, NULL, -1, NULL, &c, &e), 0);
    fh_run(&h, 25);
    CHECK_INT(fh_count(&h, FH_BASE "cwait", NULL, NULL), 3);
    CHECK_STR(sim_conference_get(h.sim, "room9")->status, "init");
    CHECK(fh_find(&h, EVENTS, "StatusCallbackEvent", "conference-start", 0) == NULL);
    char alice[35];
    CHECK_INT(add_participant(&h, "room9",
                              (const char *[]){"From=" FH_NUMBER, "To=client:alice", NULL}, alice,
                              &e),
              0);
    fh_run(&h, 40);
    const struct fh_req *r = fh_find(&h, EVENTS, "StatusCallbackEvent", "conference-start", 0);
    CHECK(r && r->at == FH_T0 + 25000 + 2100);
    CHECK_STR(sim_conference_get(h.sim, "room9")->status, "in-progress");
    CHECK_INT(fh_count(&h, FH_BASE "cwait", NULL, NULL), 3); /* the music stopped */
    CHECK_INT(h.bad_sigs, 0);
    fh_done(&h);
}

int main(void)
{
    RUN(test_contact_center_flow);
    RUN(test_end_via_api_and_kick);
    RUN(test_participant_errors_and_failures);
    RUN(test_wait_until_moderator);
    return check_done();
}
