/*
 * Tests of the console model's events: the snapshot, the websocket's events as the daemon frames
 * them, the pending poll, seq ordering, and text from outside made harmless.
 */
#include "console/sanitize.h"
#include "console_model_fixture.h"
#include "dialtone/errors.h"
#include "dialtone/util.h"

#define OFFER(sid, agent)                                                                          \
    "{\"call_sid\":\"" sid "\",\"agent\":\"" agent "\",\"queue\":\"support\",\"mode\":"            \
    "\"ringall\",\"expires_ms\":null}"

TEST(snapshot_fills_the_state)
{
    struct model *m = fx_new();
    CHECK(m->agent.known);
    CHECK_STR(m->agent.name, "alice");
    CHECK_STR(m->agent.state, "available");
    CHECK_INT(m->agent.n_queues, 2);
    CHECK_INT(m->n_waiting, 1);
    CHECK_STR(m->waiting[0].name, "Ann Lee");
    CHECK_STR(m->waiting[0].number, "+14155550123");
    CHECK_INT(m->waiting[0].position, 1);
    CHECK_INT(m->waiting[0].since_ms, FX_WALL - 20000);
    CHECK_INT(m->n_queues, 3);
    CHECK_INT(m->queues[0].waiting, 1);
    CHECK_INT(m->queues[2].waiting, 3); /* billing is not alice's: the daemon's figure stays */
    CHECK_INT(m->screen, MODEL_SCR_QUEUE);
    CHECK_INT(model_key_context(m), KM_QUEUE);
    model_free(m);
}

TEST(queued_callers_get_positions_per_queue)
{
    struct model *m = fx_new();
    const char *c2 =
        fx_call("CA2", "Bo", "+14155550124", "+15005550006", "support", "in-progress", NULL);
    CHECK_INT(FX_EV(m, 11, "call.queued", "{\"call\":%s}", c2), 0);
    CHECK_INT(FX_EV(m, 12, "call.queued", "{\"call\":%s}",
                    fx_call("CA3", NULL, "+14155550125", "+1500", "billing", "in-progress", NULL)),
              0);
    CHECK_INT(m->n_waiting, 2); /* billing is not one of alice's queues */
    CHECK_STR(m->waiting[1].sid, "CA2");
    CHECK_INT(m->waiting[1].position, 2);
    CHECK_INT(m->queues[0].waiting, 2);
    CHECK_INT(
        FX_EV(m, 13, "call.ended", "{\"call\":%s}",
              fx_call("CA1", "Ann Lee", "+14155550123", "+1500", "support", "completed", NULL)),
        0);
    CHECK_INT(m->n_waiting, 1);
    CHECK_STR(m->waiting[0].sid, "CA2");
    CHECK_INT(m->waiting[0].position, 1);
    model_free(m);
}

TEST(offer_appears_and_goes_when_taken_by_someone_else)
{
    struct model *m = fx_new();
    CHECK_INT(FX_EV(m, 11, "offer.created", "%s", OFFER("CA1", "alice")), 0);
    CHECK_INT(m->n_offers, 1);
    CHECK_STR(m->popup_sid, "CA1");
    CHECK_STR(m->offers[0].name, "Ann Lee");
    CHECK_STR(m->offers[0].number, "+14155550123");
    CHECK(m->waiting[0].offered);
    CHECK_INT(model_key_context(m), KM_OFFER);
    FX_EV(m, 12, "offer.withdrawn",
          "{\"call_sid\":\"CA1\",\"agent\":\"alice\",\"queue\":\"support\","
          "\"mode\":\"ringall\","
          "\"why\":\"taken\"}%s",
          "");
    CHECK_INT(m->n_offers, 0);
    CHECK_STR(m->popup_sid, "");
    CHECK(!m->waiting[0].offered);
    CHECK(fx_toast_has(m, "Another agent took the call from Ann Lee"));
    FX_EV(m, 13, "call.assigned",
          "{\"call_sid\":\"CA1\",\"agent\":\"bob\",\"queue\":\"support\","
          "\"mode\":\"ringall\"}%s",
          "");
    CHECK_INT(m->n_waiting, 0);
    CHECK_INT(m->call.phase, MODEL_CALL_NONE);
    CHECK_INT(model_key_context(m), KM_QUEUE);
    model_free(m);
}

TEST(popup_goes_away_when_the_agent_goes_elsewhere)
{
    struct model *m = fx_new();
    struct model_cmd cmds[MODEL_CMDS_MAX];
    FX_EV(m, 11, "offer.created", "%s", OFFER("CA1", "alice"));
    CHECK_INT(fx_key(m, KM_KEY_F(3), KA_VIEW_DIALPAD, cmds), 0);
    CHECK_STR(m->popup_sid, "");
    CHECK_INT(m->n_offers, 1); /* not declined */
    CHECK_INT(m->screen, MODEL_SCR_DIALPAD);
    fx_type(m, "+1415");
    /* a new offer while a number is being typed does not pop up */
    FX_EV(m, 12, "call.queued", "{\"call\":%s}",
          fx_call("CA2", "Bo", "+14155550124", "+1500", "support", "in-progress", NULL));
    FX_EV(m, 13, "offer.created", "%s", OFFER("CA2", "alice"));
    CHECK_STR(m->popup_sid, "");
    CHECK_INT(m->n_offers, 2);
    CHECK_STR(m->dialpad.buf, "+1415");
    /* nor over the history's filter being typed */
    fx_key(m, KM_KEY_F(4), KA_VIEW_HISTORY, cmds);
    fx_key(m, '/', KA_FILTER, cmds);
    FX_EV(m, 14, "call.queued", "{\"call\":%s}",
          fx_call("CA3", "Cy", "+14155550125", "+1500", "support", "in-progress", NULL));
    FX_EV(m, 15, "offer.created", "%s", OFFER("CA3", "alice"));
    CHECK_STR(m->popup_sid, "");
    fx_key(m, KM_KEY_ESC, KA_BACK, cmds);
    /* back on the queue, Enter on the marked row shows it again */
    fx_key(m, KM_KEY_F(2), KA_VIEW_QUEUE, cmds);
    fx_key(m, 'j', KA_DOWN, cmds);
    fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds);
    CHECK_STR(m->popup_sid, m->waiting[1].sid);
    CHECK(m->popup_sid[0] != '\0');
    model_free(m);
}

TEST(queue_figures_follow_the_waiting_list)
{
    struct model *m = fx_new();
    CHECK_INT(m->queues[0].longest_wait_s, 20); /* Ann Lee came 20 s before */
    model_tick(m, FX_MONO + 10000, FX_WALL + 10000);
    CHECK_INT(m->queues[0].longest_wait_s, 30);
    CHECK_INT(m->queues[2].longest_wait_s, 9); /* billing is the daemon's figure */
    FX_EV(m, 11, "call.ended", "{\"call\":%s}",
          fx_call("CA1", "Ann Lee", "+14155550123", "+1500", "support", "completed", NULL));
    CHECK_INT(m->queues[0].waiting, 0);
    CHECK_INT(m->queues[0].longest_wait_s, 0);
    model_free(m);
}

TEST(offers_for_other_agents_are_ignored)
{
    struct model *m = fx_new();
    FX_EV(m, 11, "offer.created", "%s", OFFER("CA1", "bob"));
    CHECK_INT(m->n_offers, 0);
    CHECK_STR(m->popup_sid, "");
    FX_EV(m, 12, "agent.state", "%s",
          "{\"name\":\"bob\",\"role\":\"agent\",\"state\":\"break\",\"reason\":"
          "\"x\","
          "\"since_ms\":1,\"queues\":[]}");
    CHECK_STR(m->agent.state, "available");
    model_free(m);
}

TEST(accepted_call_connects)
{
    struct model *m = fx_new();
    struct model_cmd cmds[MODEL_CMDS_MAX];
    FX_EV(m, 11, "offer.created", "%s", OFFER("CA1", "alice"));
    int n = fx_key(m, 'a', KA_ACCEPT, cmds);
    CHECK_INT(n, 1);
    CHECK_INT(cmds[0].kind, MODEL_CMD_REQUEST);
    CHECK_STR(cmds[0].method, "POST");
    CHECK_STR(cmds[0].path, "/api/v1/calls/CA1/accept");
    CHECK_STR(cmds[0].body, "");
    CHECK_INT(MODEL_TAG_KIND(cmds[0].tag), MODEL_TAG_ACCEPT);
    CHECK_STR(m->popup_sid, "");
    /* ringall: winning withdraws the offer as taken, by this agent: no toast for that */
    FX_EV(m, 12, "offer.withdrawn",
          "{\"call_sid\":\"CA1\",\"agent\":\"alice\",\"queue\":\"support\","
          "\"why\":\"taken\"}%s",
          "");
    CHECK(!fx_toast_has(m, "Another agent"));
    FX_EV(m, 13, "call.assigned",
          "{\"call_sid\":\"CA1\",\"agent\":\"alice\",\"queue\":\"support\","
          "\"mode\":\"ringall\"}%s",
          "");
    CHECK_INT(m->call.phase, MODEL_CALL_CONNECTING);
    CHECK_STR(m->call.name, "Ann Lee");
    CHECK_STR(m->call.number, "+14155550123");
    CHECK_INT(m->screen, MODEL_SCR_CALL);
    CHECK_INT(model_key_context(m), KM_CALL);
    CHECK_INT(m->n_waiting, 0);
    FX_EV(m, 14, "call.connected",
          "{\"call_sid\":\"CA1\",\"agent\":\"alice\",\"agent_call_sid\":\"CA77\"}"
          "%s",
          "");
    CHECK_INT(m->call.phase, MODEL_CALL_CONNECTED);
    CHECK_INT(m->call.started_ms, FX_WALL + 678);
    model_free(m);
}

/* A model with Ann Lee's call connected to alice. */
static struct model *connected(void)
{
    struct model *m = fx_new();
    FX_EV(m, 11, "call.assigned",
          "{\"call_sid\":\"CA1\",\"agent\":\"alice\",\"queue\":\"support\","
          "\"mode\":\"ringall\"}%s",
          "");
    FX_EV(m, 12, "call.connected",
          "{\"call_sid\":\"CA1\",\"agent\":\"alice\",\"agent_call_sid\":\"CA77\"}"
          "%s",
          "");
    return m;
}

TEST(hold_and_mute_follow_the_events)
{
    struct model *m = connected();
    struct model_cmd cmds[MODEL_CMDS_MAX];
    CHECK_INT(fx_key(m, 'h', KA_HOLD, cmds), 1);
    CHECK_STR(cmds[0].path, "/api/v1/calls/CA1/hold");
    CHECK_INT(MODEL_TAG_KIND(cmds[0].tag), MODEL_TAG_HOLD);
    CHECK_INT(m->call.on_hold, 0); /* until the daemon says so */
    FX_EV(m, 13, "call.action", "{\"call_sid\":\"CA1\",\"agent\":\"alice\",\"action\":\"%s\"}",
          "hold");
    CHECK_INT(m->call.on_hold, 1);
    CHECK_INT(fx_key(m, 'h', KA_HOLD, cmds), 1);
    CHECK_STR(cmds[0].path, "/api/v1/calls/CA1/unhold");
    FX_EV(m, 14, "call.action", "{\"call_sid\":\"CA1\",\"agent\":\"alice\",\"action\":\"%s\"}",
          "unhold");
    CHECK_INT(m->call.on_hold, 0);
    CHECK_INT(fx_key(m, 'm', KA_MUTE, cmds), 1);
    CHECK_STR(cmds[0].path, "/api/v1/calls/CA1/mute");
    /* the conference's own callback says it too */
    FX_EV(m, 15, "conference.updated",
          "{\"event\":\"participant-mute\",\"conference_sid\":\"CF1\","
          "\"conference\":"
          "\"call-CA1\",\"call_sid\":\"CA1\",\"call\":%s}",
          fx_call("CA1", "Ann Lee", "+14155550123", "+1500", "support", "in-progress", NULL));
    CHECK_INT(m->call.muted, 1);
    CHECK_INT(fx_key(m, 'm', KA_MUTE, cmds), 1);
    CHECK_STR(cmds[0].path, "/api/v1/calls/CA1/unmute");
    /* another agent's action on another call changes nothing */
    FX_EV(m, 16, "call.action", "{\"call_sid\":\"CA2\",\"agent\":\"bob\",\"action\":\"%s\"}",
          "unmute");
    CHECK_INT(m->call.muted, 1);
    model_free(m);
}

TEST(hang_up_then_wrap_up)
{
    struct model *m = connected();
    struct model_cmd cmds[MODEL_CMDS_MAX];
    CHECK_INT(fx_key(m, 'x', KA_HANGUP, cmds), 1);
    CHECK_STR(cmds[0].path, "/api/v1/calls/CA1/hangup");
    CHECK_INT(MODEL_TAG_KIND(cmds[0].tag), MODEL_TAG_HANGUP);
    FX_EV(m, 13, "call.ended", "{\"call\":%s}",
          fx_call("CA1", "Ann Lee", "+14155550123", "+1500", "support", "completed", NULL));
    CHECK(m->wrapup.open);
    CHECK_INT(m->call.phase, MODEL_CALL_ENDED);
    CHECK_STR(m->wrapup.party, "Ann Lee");
    CHECK_STR(m->wrapup.call_sid, "CA1");
    CHECK_INT(m->screen, MODEL_SCR_CALL);
    CHECK_INT(model_key_context(m), KM_WRAPUP);
    FX_EV(m, 14, "agent.state", "%s", fx_agent("wrap-up", NULL));
    CHECK(m->wrapup.open);
    CHECK_STR(m->agent.state, "wrap-up");
    FX_EV(m, 15, "call.wrapup",
          "{\"call_sid\":\"CA1\",\"agent\":\"alice\",\"disposition\":"
          "\"resolved\",\"notes\":"
          "\"\"}%s",
          "");
    CHECK(!m->wrapup.open);
    CHECK_INT(m->call.phase, MODEL_CALL_NONE);
    CHECK(fx_toast_has(m, "Wrap-up saved: resolved"));
    model_free(m);
}

#define XFER(seq, fmt, ...)                                                                        \
    FX_EV(m, seq, "call.transferred",                                                              \
          "{\"call_sid\":\"CA1\",\"agent\":\"%s\",\"kind\":\"%s\",\"phase\":\"%s\"" fmt "}",       \
          __VA_ARGS__)

TEST(cold_transfer_to_a_queue_goes_to_wrap_up)
{
    struct model *m = connected();
    XFER(13, ",\"queue\":\"sales\",\"owner\":null", "alice", "cold", "completed");
    CHECK(fx_toast_has(m, "Transferred to sales"));
    CHECK(m->wrapup.open);
    CHECK_INT(m->call.xfer_phase, MODEL_XFER_NONE);
    FX_EV(m, 14, "agent.state", "%s", fx_agent("available", NULL));
    CHECK(!m->wrapup.open); /* the queue's wrap-up time ran out */
    CHECK_INT(m->call.phase, MODEL_CALL_NONE);
    model_free(m);
}

TEST(a_failed_transfer_leaves_the_call)
{
    struct model *m = connected();
    XFER(13, ",\"to\":\"+14155550100\",\"reason\":\"Twilio answered 400: bad To\"", "alice", "cold",
         "failed");
    CHECK(fx_toast_has(m, "The transfer to +14155550100 failed: Twilio answered 400: bad To"));
    CHECK_INT(m->call.phase, MODEL_CALL_CONNECTED);
    CHECK(!m->wrapup.open);
    /* another call's transfer, or another agent's, is not ours */
    FX_EV(m, 14, "call.transferred",
          "{\"call_sid\":\"CA2\",\"agent\":\"alice\",\"phase\":\"completed\",\"to\":\"%s\"}", "+1");
    FX_EV(m, 15, "call.transferred",
          "{\"call_sid\":\"CA1\",\"agent\":\"bob\",\"phase\":\"completed\",\"to\":\"%s\"}", "+1");
    CHECK_INT(m->call.phase, MODEL_CALL_CONNECTED);
    model_free(m);
}

TEST(warm_transfer_as_the_transferring_agent)
{
    struct model *m = connected();
    XFER(13, ",\"to_agent\":\"bob\",\"party_call_sid\":null,\"owner\":\"alice\"", "alice", "warm",
         "started");
    CHECK_INT(m->call.xfer_phase, MODEL_XFER_STARTED);
    CHECK(m->call.xfer_warm);
    CHECK_STR(m->call.xfer_to, "bob");
    CHECK_INT(m->call.on_hold, 1);
    XFER(14, ",\"to_agent\":\"bob\",\"party_call_sid\":\"CA5\",\"owner\":\"alice\"", "alice",
         "warm", "connected");
    CHECK_INT(m->call.xfer_phase, MODEL_XFER_CONNECTED);
    CHECK(fx_toast_has(m, "bob answered"));
    XFER(15, ",\"to_agent\":\"bob\",\"reason\":\"the party's leg ended: completed\"", "alice",
         "warm", "canceled");
    CHECK_INT(m->call.xfer_phase, MODEL_XFER_NONE);
    CHECK_INT(m->call.on_hold, 0);
    CHECK(fx_toast_has(m, "The transfer to bob was canceled: the party's leg ended: completed"));
    CHECK_INT(m->call.phase, MODEL_CALL_CONNECTED);
    XFER(16, ",\"to_agent\":\"bob\",\"owner\":\"alice\"", "alice", "warm", "started");
    XFER(17, ",\"to_agent\":\"bob\",\"owner\":\"bob\"", "alice", "warm", "completed");
    CHECK(m->wrapup.open);
    CHECK(fx_toast_has(m, "Transferred to bob"));
    model_free(m);
}

TEST(a_call_transferred_to_me_becomes_mine)
{
    struct model *m = fx_new();
    XFER(11, ",\"to_agent\":\"alice\",\"party_call_sid\":null,\"owner\":\"bob\"", "bob", "cold",
         "started");
    CHECK_INT(m->call.phase, MODEL_CALL_CONNECTING);
    CHECK_STR(m->call.sid, "CA1");
    CHECK_STR(m->call.from_agent, "bob");
    CHECK_INT(m->screen, MODEL_SCR_CALL);
    CHECK(fx_toast_has(m, "bob is transferring a call to you"));
    XFER(12, ",\"to_agent\":\"alice\",\"party_call_sid\":\"CA8\",\"owner\":\"alice\"", "bob",
         "cold", "completed");
    FX_EV(m, 13, "call.connected",
          "{\"call_sid\":\"CA1\",\"agent\":\"alice\",\"agent_call_sid\":\"%s\"}", "CA8");
    CHECK_INT(m->call.phase, MODEL_CALL_CONNECTED);
    /* the caller's own events name the party */
    FX_EV(m, 14, "call.updated", "{\"call\":%s}",
          fx_call("CA1", "Ann Lee", "+14155550123", "+1500", "support", "in-progress", NULL));
    CHECK_STR(m->call.name, "Ann Lee");
    CHECK_STR(m->call.number, "+14155550123");
    struct model_cmd cmds[MODEL_CMDS_MAX];
    CHECK_INT(fx_key(m, 'm', KA_MUTE, cmds), 1);
    CHECK_STR(cmds[0].path, "/api/v1/calls/CA1/mute");
    model_free(m);
}

TEST(a_warm_transfer_to_me_that_is_canceled)
{
    struct model *m = fx_new();
    XFER(11, ",\"to_agent\":\"alice\",\"owner\":\"bob\"", "bob", "warm", "started");
    XFER(12, ",\"to_agent\":\"alice\",\"party_call_sid\":\"CA8\",\"owner\":\"bob\"", "bob", "warm",
         "connected");
    CHECK_INT(m->call.phase, MODEL_CALL_CONNECTED);
    XFER(13, ",\"to_agent\":\"alice\",\"owner\":\"bob\",\"reason\":\"x\"", "bob", "warm",
         "canceled");
    CHECK_INT(m->call.phase, MODEL_CALL_NONE);
    CHECK(fx_toast_has(m, "bob's transfer to you was canceled"));
    model_free(m);
}

TEST(connect_failure_is_told)
{
    struct model *m = fx_new();
    FX_EV(m, 11, "call.assigned", "{\"call_sid\":\"CA1\",\"agent\":\"alice\",\"queue\":\"%s\"}",
          "support");
    FX_EV(m, 12, "call.connect_failed",
          "{\"call_sid\":\"CA1\",\"agent\":\"alice\",\"reason\":\"the agent's "
          "leg ended: %s\"}",
          "busy");
    CHECK_INT(m->call.phase, MODEL_CALL_NONE);
    CHECK(fx_toast_has(m, "Connecting to Ann Lee failed: the agent's leg ended: busy"));
    CHECK_INT(m->screen, MODEL_SCR_QUEUE);
    model_free(m);
}

/* The error object calljson writes for code, from the compiled dictionary. */
static const char *error_json(int code, int sip)
{
    static char b[1024];
    const struct errors_entry *e = errors_explain(code);
    snprintf(b, sizeof b,
             "{\"code\":%d,\"message\":\"%s\",\"sip_code\":%d,\"category\":\"%s\","
             "\"category_label\":\"%s\",\"action\":\"%s\",\"retryable\":%s,\"bad_"
             "number\":%s}",
             code, e->message, sip, errors_category_name(e->category),
             errors_category_label(e->category), e->action, e->retryable ? "true" : "false",
             e->bad_number ? "true" : "false");
    return b;
}

/* Dials +14155550100 from the command line; the daemon starts the customer's leg CA9. */
static struct model *dialling(void)
{
    struct model *m = fx_new();
    struct model_cmd cmds[MODEL_CMDS_MAX];
    fx_key(m, ':', KA_COMMAND, cmds);
    fx_type(m, "dial +14155550100");
    CHECK_INT(fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds), 1);
    CHECK_STR(cmds[0].path, "/api/v1/calls");
    CHECK_STR(cmds[0].body, "{\"to\":\"+14155550100\"}");
    fx_result(m, cmds[0].tag, 202,
              "{\"conference\":\"out-0011223344556677\",\"to\":\"+14155550100\","
              "\"result\":"
              "\"dialing\"}",
              NULL);
    CHECK_STR(m->call.room, "out-0011223344556677");
    FX_EV(m, 11, "call.dialing",
          "{\"call_sid\":\"CA9\",\"conference\":\"out-0011223344556677\","
          "\"agent\":\"alice\","
          "\"to\":\"%s\"}",
          "+14155550100");
    return m;
}

TEST(failed_outbound_call_toasts_the_dictionary_words)
{
    struct model *m = dialling();
    CHECK_INT(m->call.phase, MODEL_CALL_DIALING);
    CHECK_STR(m->call.sid, "CA9");
    CHECK_INT(m->screen, MODEL_SCR_CALL);
    FX_EV(m, 12, "call.updated", "{\"call\":%s}",
          fx_call("CA9", NULL, "+15005550006", "+14155550100", NULL, "ringing", NULL));
    CHECK_STR(m->call.progress, "ringing");
    FX_EV(
        m, 13, "call.ended", "{\"call\":%s}",
        fx_call("CA9", NULL, "+15005550006", "+14155550100", NULL, "busy", error_json(31486, 486)));
    const struct errors_entry *e = errors_lookup(31486);
    CHECK(e != NULL);
    char want[512];
    snprintf(want, sizeof want, "Call to +14155550100 failed: %s (31486). %s", e->message,
             e->action);
    CHECK(fx_toast_has(m, want));
    CHECK_INT(m->toasts[m->n_toasts - 1].level, MODEL_ERROR);
    model_free(m);
}

TEST(fast_busy_before_call_dialing_still_toasts)
{
    struct model *m = fx_new();
    struct model_cmd cmds[MODEL_CMDS_MAX];
    fx_key(m, ':', KA_COMMAND, cmds);
    fx_type(m, "dial +14155550100");
    fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds);
    /* the agent's own leg is not the call */
    FX_EV(m, 11, "call.updated", "{\"call\":%s}",
          fx_call("CA7", NULL, "+15005550006", "client:alice", NULL, "ringing", NULL));
    CHECK_STR(m->call.sid, "");
    FX_EV(
        m, 12, "call.ended", "{\"call\":%s}",
        fx_call("CA9", NULL, "+15005550006", "+14155550100", NULL, "busy", error_json(31486, 486)));
    CHECK(fx_toast_has(m, "Call to +14155550100 failed: Busy Here (31486)."));
    CHECK(m->wrapup.open);
    FX_EV(m, 13, "call.dialing",
          "{\"call_sid\":\"CA9\",\"conference\":\"out-1\",\"agent\":\"alice\",\"to\":\"%s\"}",
          "+14155550100");
    CHECK_INT(m->call.phase, MODEL_CALL_ENDED);
    FX_EV(m, 14, "agent.removed", "{\"agent\":\"%s\"}", "alice");
    CHECK(fx_toast_has(m, "This agent was removed"));
    model_free(m);
}

TEST(sip_only_failure_names_the_sip_code)
{
    struct model *m = dialling();
    FX_EV(m, 12, "call.ended", "{\"call\":%s}",
          fx_call("CA9", NULL, "+15005550006", "+14155550100", NULL, "no-answer",
                  "{\"code\":null,\"message\":\"Temporarily Unavailable\",\"sip_code\":480,"
                  "\"category\":\"no-answer\",\"category_label\":\"no answer\",\"action\":"
                  "\"Try again later.\",\"retryable\":true,\"bad_number\":false}"));
    CHECK(fx_toast_has(m, "Call to +14155550100 failed: Temporarily Unavailable (SIP 480). Try "
                          "again later."));
    model_free(m);
}

TEST(answered_outbound_call_connects)
{
    struct model *m = dialling();
    FX_EV(m, 12, "call.updated", "{\"call\":%s}",
          fx_call("CA9", NULL, "+15005550006", "+14155550100", NULL, "in-progress", NULL));
    CHECK_INT(m->call.phase, MODEL_CALL_CONNECTED);
    CHECK_STR(m->call.progress, "answered");
    FX_EV(m, 13, "call.ended", "{\"call\":%s}",
          fx_call("CA9", NULL, "+15005550006", "+14155550100", NULL, "completed", NULL));
    CHECK_INT(m->n_toasts, 0);
    CHECK(m->wrapup.open);
    CHECK_STR(m->wrapup.party, "+14155550100");
    model_free(m);
}

TEST(dial_failed_event_toasts_the_reason)
{
    struct model *m = fx_new();
    struct model_cmd cmds[MODEL_CMDS_MAX];
    fx_key(m, ':', KA_COMMAND, cmds);
    fx_type(m, "dial +14155550100");
    fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds);
    FX_EV(m, 11, "agent.state", "%s", fx_agent("available", NULL)); /* sent first */
    CHECK_INT(m->call.phase, MODEL_CALL_DIALING);
    FX_EV(m, 12, "call.dial_failed",
          "{\"conference\":\"out-1\",\"agent\":\"alice\",\"reason\":\"Twilio "
          "answered 400: %s\"}",
          "bad To");
    CHECK_INT(m->call.phase, MODEL_CALL_NONE);
    CHECK(fx_toast_has(m, "Call to +14155550100 failed: Twilio answered 400: bad To."));
    model_free(m);
}

TEST(hostile_caller_name_is_made_harmless)
{
    struct model *m = fx_new();
    const char *name = "\\u001b[2J\\u001b]52;c;AAAA\\u0007Evil\\u202eman\\u0000x\\u009b1m";
    FX_EV(m, 11, "call.queued", "{\"call\":%s}",
          fx_call("CA2", name, "+1415\\u001b[31m", "+1500", "support", "in-progress", NULL));
    CHECK_INT(m->n_waiting, 2);
    const struct model_caller *c = &m->waiting[1];
    CHECK_STR(c->sid, "CA2");
    CHECK(tx_is_clean(c->name, strlen(c->name)));
    CHECK(tx_is_clean(c->number, strlen(c->number)));
    CHECK(strchr(c->name, 0x1b) == NULL);
    CHECK(strchr(c->name, 0x07) == NULL);
    CHECK(strstr(c->name, "\xe2\x80\xae") == NULL); /* U+202E */
    CHECK(strstr(c->name, "\xc2\x9b") == NULL);     /* U+009B, CSI */
    CHECK(strstr(c->name, "Evil") != NULL);
    CHECK(strchr(c->number, 0x1b) == NULL);
    /* the offer and the call copy the clean text */
    FX_EV(m, 12, "offer.created", "%s", OFFER("CA2", "alice"));
    CHECK_STR(m->offers[0].name, c->name);
    model_free(m);
}

TEST(reconnect_snapshot_replaces_the_state)
{
    struct model *m = fx_new();
    FX_EV(m, 11, "offer.created", "%s", OFFER("CA1", "alice"));
    CHECK_STR(m->popup_sid, "CA1");
    /* away for a while: Ann Lee was served, Cy waits, alice went on a break elsewhere */
    fx_event(m,
             "{\"type\":\"snapshot\",\"seq\":40,\"ts\":\"" FX_TS "\",\"data\":{\"agent\":%s,"
             "\"pending\":[%s],\"queues\":[{\"name\":\"sales\",\"routing\":"
             "\"ringall\","
             "\"waiting\":1,\"longest_wait_s\":3,\"agents_available\":0}]}}",
             fx_agent("break", "lunch"),
             fx_call("CA5", "Cy", "+14155550199", "+1500", "sales", "in-progress", NULL));
    CHECK_INT(m->n_waiting, 1);
    CHECK_STR(m->waiting[0].sid, "CA5");
    CHECK_INT(m->n_offers, 0);
    CHECK_STR(m->popup_sid, "");
    CHECK_STR(m->agent.state, "break");
    CHECK_STR(m->agent.reason, "lunch");
    CHECK_INT(m->n_queues, 1);
    CHECK_INT(m->queues[0].waiting, 1);
    /* the events missed meanwhile still apply after it (client.h: seqs after the last seen) */
    FX_EV(m, 12, "call.queued", "{\"call\":%s}",
          fx_call("CA6", "Di", "+14155550198", "+1500", "sales", "in-progress", NULL));
    CHECK_INT(m->n_waiting, 2);
    model_free(m);
}

TEST(reconnect_snapshot_ends_a_call_that_ended_meanwhile)
{
    struct model *m = connected();
    fx_snapshot(m, 50, "available", "");
    CHECK_INT(m->call.phase, MODEL_CALL_NONE);
    CHECK(!m->wrapup.open);
    fx_snapshot(m, 51, "wrap-up", "");
    CHECK(m->wrapup.open);
    model_free(m);
}

TEST(events_apply_in_seq_order_once)
{
    struct model *m = fx_new();
    const char *c2 = fx_call("CA2", "Bo", "+14155550124", "+1500", "support", "in-progress", NULL);
    FX_EV(m, 11, "call.queued", "{\"call\":%s}", c2);
    CHECK_INT(m->last_seq, 11);
    CHECK_INT(m->n_waiting, 2);
    /* a repeat, and an older one, change nothing */
    FX_EV(m, 11, "call.ended", "{\"call\":%s}", c2);
    FX_EV(m, 9, "call.ended", "{\"call\":%s}", c2);
    CHECK_INT(m->n_waiting, 2);
    CHECK_INT(m->last_seq, 11);
    FX_EV(m, 12, "call.ended", "{\"call\":%s}", c2);
    CHECK_INT(m->n_waiting, 1);
    /* an event without a seq is not one */
    fx_event(m, "{\"type\":\"call.queued\",\"data\":{\"call\":%s}}", c2);
    CHECK_INT(m->n_waiting, 1);
    /* a daemon whose log started again: its snapshot's seq is below ours */
    fx_snapshot(m, 2, "available", "");
    CHECK_INT(m->last_seq, 2);
    FX_EV(m, 3, "call.queued", "{\"call\":%s}", c2);
    CHECK_INT(m->n_waiting, 1);
    CHECK_INT(m->last_seq, 3);
    model_free(m);
}

TEST(pending_poll_replaces_waiting_and_offers)
{
    struct model *m = fx_new();
    FX_EV(m, 11, "offer.created", "%s", OFFER("CA1", "alice"));
    /* the offer's withdrawal and a new caller's events were lost; the poll knows */
    int rc = fx_pending(
        m,
        "{\"calls\":[%s,%s],\"offers\":[{\"call_sid\":\"CA5\","
        "\"queue\":\"sales\",\"mode\":"
        "\"longest-idle\",\"offered_ms\":%lld,\"expires_ms\":%lld}]}",
        fx_call("CA1", "Ann Lee", "+14155550123", "+1500", "support", "in-progress", NULL),
        fx_call("CA5", "Cy", "+14155550199", "+1500", "sales", "in-progress", NULL),
        (long long)FX_WALL, (long long)FX_WALL + 15000);
    CHECK_INT(rc, 0);
    CHECK_INT(m->n_waiting, 2);
    CHECK_INT(m->n_offers, 1);
    CHECK_STR(m->offers[0].sid, "CA5");
    CHECK_STR(m->offers[0].name, "Cy");
    CHECK_INT(m->offers[0].expires_ms, FX_WALL + 15000);
    CHECK_STR(m->popup_sid, "CA5");
    CHECK_INT(fx_pending(m, "{\"calls\":[]}"), DT_EINVAL);
    CHECK_INT(m->n_waiting, 2);
    /* the same poll again: no new popup after the agent looked away */
    m->popup_sid[0] = '\0';
    fx_pending(m,
               "{\"calls\":[%s],\"offers\":[{\"call_sid\":\"CA5\",\"queue\":\"sales\","
               "\"expires_ms\":null}]}",
               fx_call("CA5", "Cy", "+14155550199", "+1500", "sales", "in-progress", NULL));
    CHECK_STR(m->popup_sid, "");
    model_free(m);
}

TEST(malformed_messages_are_refused)
{
    struct model *m = fx_new();
    CHECK_INT(fx_event(m, "[1,2]"), DT_EINVAL);
    CHECK_INT(fx_event(m, "{\"seq\":11}"), DT_EINVAL);
    CHECK_INT(fx_event(m, "{\"type\":7,\"seq\":11}"), DT_EINVAL);
    CHECK_INT(model_apply_event(m, NULL), DT_EINVAL);
    /* wrong types inside are ignored field by field */
    CHECK_INT(fx_event(m, "{\"type\":\"offer.created\",\"seq\":11,\"data\":{\"call_sid\":5,"
                          "\"agent\":\"alice\",\"expires_ms\":\"soon\"}}"),
              0);
    CHECK_INT(m->n_offers, 0);
    CHECK_INT(fx_event(m, "{\"type\":\"call.queued\",\"seq\":12,\"data\":{\"call\":{\"sid\":"
                          "\"CA8\",\"queue\":\"support\",\"created_ms\":1e300,\"from\":[1]}}}"),
              0);
    CHECK_INT(m->n_waiting, 2);
    CHECK_INT(m->waiting[0].since_ms, 0);
    CHECK_STR(m->waiting[0].number, "");
    CHECK_INT(fx_event(m, "{\"type\":\"snapshot\",\"data\":7}"), 0);
    CHECK_INT(m->n_waiting, 2);
    model_free(m);
}

TEST(tick_expires_toasts_and_offers)
{
    struct model *m = fx_new();
    FX_EV(m, 11, "offer.created",
          "{\"call_sid\":\"CA1\",\"agent\":\"alice\",\"queue\":\"support\","
          "\"mode\":"
          "\"longest-idle\",\"expires_ms\":%lld}",
          (long long)FX_WALL + 10000);
    model_toast(m, MODEL_INFO, "hello %d", 1);
    CHECK_INT(m->n_toasts, 1);
    CHECK_INT(model_tick(m, FX_MONO + 1000, FX_WALL + 1000), 0);
    CHECK_INT(m->n_toasts, 1);
    CHECK_INT(m->n_offers, 1);
    CHECK_INT(model_tick(m, FX_MONO + MODEL_TOAST_MS, FX_WALL + 13000), 1);
    CHECK_INT(m->n_toasts, 0);
    CHECK_INT(m->n_offers, 0);
    CHECK_STR(m->popup_sid, "");
    fx_check(m);
    for (int i = 0; i < MODEL_TOASTS_MAX + 3; i++)
        model_toast(m, MODEL_WARN, "toast %d", i);
    CHECK_INT(m->n_toasts, MODEL_TOASTS_MAX);
    CHECK_STR(m->toasts[MODEL_TOASTS_MAX - 1].text, "toast 6");
    model_free(m);
}

TEST(connection_state_is_kept_clean)
{
    struct model *m = fx_new();
    model_set_conn(m, CLIENT_RECONNECTING, 9000, "connection refused\x1b[2J");
    CHECK_INT(m->conn.state, CLIENT_RECONNECTING);
    CHECK_INT(m->conn.retry_at_ms, 9000);
    CHECK(strchr(m->conn.why, 0x1b) == NULL);
    model_set_conn(m, CLIENT_LIVE, 0, NULL);
    CHECK_STR(m->conn.why, "");
    model_set_country(m, "gb");
    CHECK_STR(m->country, "GB");
    model_set_country(m, "G1");
    CHECK_STR(m->country, "GB");
    fx_check(m);
    model_free(m);
    model_free(NULL);
}

int main(void)
{
    RUN(snapshot_fills_the_state);
    RUN(queued_callers_get_positions_per_queue);
    RUN(offer_appears_and_goes_when_taken_by_someone_else);
    RUN(popup_goes_away_when_the_agent_goes_elsewhere);
    RUN(queue_figures_follow_the_waiting_list);
    RUN(offers_for_other_agents_are_ignored);
    RUN(accepted_call_connects);
    RUN(hold_and_mute_follow_the_events);
    RUN(hang_up_then_wrap_up);
    RUN(cold_transfer_to_a_queue_goes_to_wrap_up);
    RUN(a_failed_transfer_leaves_the_call);
    RUN(warm_transfer_as_the_transferring_agent);
    RUN(a_call_transferred_to_me_becomes_mine);
    RUN(a_warm_transfer_to_me_that_is_canceled);
    RUN(connect_failure_is_told);
    RUN(failed_outbound_call_toasts_the_dictionary_words);
    RUN(fast_busy_before_call_dialing_still_toasts);
    RUN(sip_only_failure_names_the_sip_code);
    RUN(answered_outbound_call_connects);
    RUN(dial_failed_event_toasts_the_reason);
    RUN(hostile_caller_name_is_made_harmless);
    RUN(reconnect_snapshot_replaces_the_state);
    RUN(reconnect_snapshot_ends_a_call_that_ended_meanwhile);
    RUN(events_apply_in_seq_order_once);
    RUN(pending_poll_replaces_waiting_and_offers);
    RUN(malformed_messages_are_refused);
    RUN(tick_expires_toasts_and_offers);
    RUN(connection_state_is_kept_clean);
    return check_done();
}
