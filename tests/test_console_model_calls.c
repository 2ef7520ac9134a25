/*
 * Tests of the console model's calls as the daemon's events tell them: accepted and connected,
 * hold and mute, hang-up and wrap-up, transfers either way, outbound calls that are answered or
 * fail (the toast in the error dictionary's words), and a reconnect in the middle of one.
 */
#include "console_model_fixture.h"
#include "dialtone/errors.h"
#include "dialtone/util.h"

#define OFFER(sid, agent)                                                                          \
    "{\"call_sid\":\"" sid "\",\"agent\":\"" agent "\",\"queue\":\"support\",\"mode\":"            \
    "\"ringall\",\"expires_ms\":null}"

/* An Enter (or `a`) typed just as an offer pops up does not take the call: accept keys are
 * ignored for MODEL_POPUP_GUARD_MS after the popup first shows, by the clock of model_tick;
 * decline keys are not. */
TEST(accept_keys_just_after_the_popup_are_ignored)
{
    struct model *m = fx_new();
    struct model_cmd cmds[MODEL_CMDS_MAX];
    model_tick(m, FX_MONO + 10000, FX_WALL + 10000);
    FX_EV(m, 11, "offer.created", "%s", OFFER("CA1", "alice"));
    CHECK_STR(m->popup_sid, "CA1");
    CHECK_INT(fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds), 0);
    model_tick(m, FX_MONO + 10000 + MODEL_POPUP_GUARD_MS - 1, FX_WALL + 10399);
    CHECK_INT(fx_key(m, 'a', KA_ACCEPT, cmds), 0);
    CHECK_STR(m->popup_sid, "CA1");
    CHECK_STR(m->accepting_sid, "");
    model_tick(m, FX_MONO + 10000 + MODEL_POPUP_GUARD_MS, FX_WALL + 10400);
    CHECK_INT(fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds), 1);
    CHECK_STR(cmds[0].path, "/api/v1/calls/CA1/accept");
    /* a second offer popping up later starts its own guard; a decline goes through at once */
    fx_result(m, cmds[0].tag, 409, NULL, "taken");
    model_tick(m, FX_MONO + 20000, FX_WALL + 20000);
    FX_EV(m, 12, "offer.created", "%s", OFFER("CA2", "alice"));
    CHECK_STR(m->popup_sid, "CA2");
    CHECK_INT(fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds), 0);
    CHECK_INT(fx_key(m, 'd', KA_DECLINE, cmds), 1);
    CHECK_STR(cmds[0].path, "/api/v1/calls/CA2/decline");
    fx_check(m);
    model_free(m);
}

/* A snapshot saying busy (or wrap-up) without a call: the console asks for the agent's
 * newest calls at once and restores the live call (or the wrap-up form's party) from them;
 * the agent's own leg to its phone is skipped. */
TEST(a_busy_snapshot_restores_the_call)
{
    struct model *m = fx_new();
    struct model_cmd cmds[MODEL_CMDS_MAX];
    fx_snapshot(m, 20, "busy", "");
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 1);
    CHECK_STR(cmds[0].path, "/api/v1/calls?agent=alice&limit=5");
    CHECK_INT(MODEL_TAG_KIND(cmds[0].tag), MODEL_TAG_RESTORE);
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 0); /* asked once */
    char body[8192];
    snprintf(body, sizeof body, "{\"calls\":[%s,%s,%s],\"next_cursor\":null}",
             fx_call("CA8", NULL, "+14155550100", "client:alice", NULL, "in-progress", NULL),
             fx_call("CA9", "Dee Lane", "+14155550177", "+14155550100", "support", "in-progress",
                     NULL),
             fx_call("CA7", "Old Call", "+14155550111", "+14155550100", "support", "completed",
                     NULL));
    cJSON *b = cJSON_Parse(body);
    model_apply_result(m, cmds[0].tag, 200, b, NULL);
    CHECK_INT(m->call.phase, MODEL_CALL_CONNECTED);
    CHECK_STR(m->call.sid, "CA9");
    CHECK_STR(m->call.name, "Dee Lane");
    CHECK_STR(m->call.number, "+14155550177");
    CHECK_STR(m->call.queue, "support");
    CHECK_INT(m->screen, MODEL_SCR_CALL);
    /* a later snapshot with the call known asks nothing */
    fx_snapshot(m, 21, "busy", "");
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 0);
    fx_check(m);
    model_free(m);

    /* in wrap-up: the newest call, ended, names the form; a failure leaves it for next time */
    m = fx_new();
    fx_snapshot(m, 20, "wrap-up", "");
    CHECK(m->wrapup.open);
    CHECK_STR(m->wrapup.party, "");
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 1);
    model_apply_result(m, cmds[0].tag, 0, NULL, "no answer from the daemon");
    CHECK_STR(m->wrapup.party, "");
    fx_snapshot(m, 21, "wrap-up", "");
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 1);
    model_apply_result(m, cmds[0].tag, 200, b, NULL);
    CHECK(m->wrapup.open);
    CHECK_STR(m->wrapup.party, "Dee Lane");
    CHECK_STR(m->wrapup.call_sid, "CA9");
    cJSON_Delete(b);
    fx_check(m);
    model_free(m);

    /* available: nothing to restore */
    m = fx_new();
    fx_snapshot(m, 20, "available", "");
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 0);
    model_free(m);
}

TEST(accepted_call_connects)
{
    struct model *m = fx_new();
    struct model_cmd cmds[MODEL_CMDS_MAX];
    FX_EV(m, 11, "offer.created", "%s", OFFER("CA1", "alice"));
    model_tick(m, FX_MONO + MODEL_POPUP_GUARD_MS, FX_WALL); /* past the popup's guard */
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
    CHECK(fx_toast_has(m, "Call to +14155550100 failed: Temporarily Unavailable (31480). Try "
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

int main(void)
{
    RUN(accept_keys_just_after_the_popup_are_ignored);
    RUN(a_busy_snapshot_restores_the_call);
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
    RUN(reconnect_snapshot_ends_a_call_that_ended_meanwhile);
    return check_done();
}
