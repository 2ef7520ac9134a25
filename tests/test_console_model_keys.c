/*
 * Tests of the console model's keys and REST answers: text fields, the command line, the state
 * menu, the wrap-up form, the dialpad, transfers, offers, and what failed requests say. The
 * history's keys are in test_console_model_history.c.
 */
#include "console_model_fixture.h"
#include "dialtone/util.h"

static struct model_cmd cmds[MODEL_CMDS_MAX];

/* Runs a command line; returns the number of commands. */
static int command(struct model *m, const char *line)
{
    fx_key(m, ':', KA_COMMAND, cmds);
    CHECK(m->prompt.open);
    CHECK(model_text_focus(m));
    fx_type(m, line);
    int n = fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds);
    CHECK(!m->prompt.open);
    return n;
}

TEST(command_line)
{
    struct model *m = fx_new();
    CHECK_INT(command(m, "state break lunch"), 1);
    CHECK_STR(cmds[0].method, "POST");
    CHECK_STR(cmds[0].path, "/api/v1/me/state");
    CHECK_STR(cmds[0].body, "{\"state\":\"break\",\"reason\":\"lunch\"}");
    CHECK_INT(MODEL_TAG_KIND(cmds[0].tag), MODEL_TAG_STATE);
    CHECK_INT(command(m, "state available"), 1);
    CHECK_STR(cmds[0].body, "{\"state\":\"available\"}");
    CHECK_INT(command(m, "state break"), 0);
    CHECK(strstr(m->prompt.message, "needs a reason") != NULL);
    CHECK_INT(command(m, "theme light"), 1);
    CHECK_INT(cmds[0].kind, MODEL_CMD_THEME);
    CHECK_STR(cmds[0].arg, "light");
    CHECK_INT(command(m, "frobnicate now"), 0);
    CHECK_STR(m->prompt.message,
              "Unknown command: frobnicate (try dial, state, theme, complete, cancel, help, q)");
    /* the message goes with the next key */
    fx_key(m, 'j', KA_DOWN, cmds);
    CHECK_STR(m->prompt.message, "");
    CHECK_INT(command(m, "dial 12"), 0);
    CHECK(strncmp(m->prompt.message, "Cannot dial: ", 13) == 0);
    CHECK_INT(m->call.phase, MODEL_CALL_NONE);
    CHECK_INT(command(m, "q"), 1);
    CHECK_INT(cmds[0].kind, MODEL_CMD_QUIT);
    /* editing: backspace, C-u, Esc */
    fx_key(m, ':', KA_COMMAND, cmds);
    fx_type(m, "thx");
    fx_key(m, KM_KEY_BACKSPACE, KA_NONE, cmds);
    CHECK_STR(m->prompt.text, "th");
    fx_key(m, KM_CTRL('u'), KA_NONE, cmds);
    CHECK_STR(m->prompt.text, "");
    fx_key(m, 0x1b5b, KA_NONE, cmds); /* a code point, typed */
    fx_key(m, 0x202e, KA_NONE, cmds); /* a bidi override is not typed */
    fx_key(m, 0x7f, KA_NONE, cmds);
    CHECK_STR(m->prompt.text, "\xe1\xad\x9b");
    CHECK_INT(fx_key(m, KM_KEY_F(10), KA_QUIT, cmds), 0); /* the command line takes every key */
    fx_key(m, KM_KEY_ESC, KA_BACK, cmds);
    CHECK(!m->prompt.open);
    model_free(m);
}

TEST(state_menu)
{
    struct model *m = fx_new();
    fx_key(m, KM_KEY_F(5), KA_STATE_MENU, cmds);
    CHECK(m->menu.open);
    CHECK_INT(model_key_context(m), KM_MENU);
    fx_key(m, 'j', KA_DOWN, cmds);
    fx_key(m, 'j', KA_DOWN, cmds);
    fx_key(m, 'j', KA_DOWN, cmds);
    CHECK_INT(m->menu.selected, 2);
    CHECK_INT(fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds), 1);
    CHECK_STR(cmds[0].body, "{\"state\":\"offline\"}");
    CHECK(!m->menu.open);
    fx_key(m, KM_KEY_F(5), KA_STATE_MENU, cmds);
    fx_key(m, 'j', KA_DOWN, cmds);
    CHECK_INT(fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds), 0);
    CHECK(m->prompt.open); /* a break asks for its reason */
    CHECK_STR(m->prompt.text, "state break ");
    fx_type(m, "training");
    CHECK_INT(fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds), 1);
    CHECK_STR(cmds[0].body, "{\"state\":\"break\",\"reason\":\"training\"}");
    fx_result(m, cmds[0].tag, 409, NULL, "you are busy");
    CHECK(fx_toast_has(m, "Changing state failed: you are busy"));
    model_free(m);
}

TEST(screens_help_and_theme)
{
    struct model *m = fx_new();
    fx_key(m, KM_KEY_F(3), KA_VIEW_DIALPAD, cmds);
    CHECK_INT(m->screen, MODEL_SCR_DIALPAD);
    CHECK_INT(model_key_context(m), KM_DIALPAD);
    fx_key(m, KM_KEY_F(1), KA_HELP, cmds);
    CHECK(m->help_open);
    CHECK_INT(model_key_context(m), KM_HELP);
    CHECK(!model_text_focus(m));
    fx_key(m, KM_KEY_ESC, KA_BACK, cmds);
    CHECK(!m->help_open);
    fx_key(m, KM_KEY_F(2), KA_VIEW_QUEUE, cmds);
    CHECK_INT(m->screen, MODEL_SCR_QUEUE);
    CHECK_INT(fx_key(m, 'T', KA_NEXT_THEME, cmds), 1);
    CHECK_INT(cmds[0].kind, MODEL_CMD_THEME);
    CHECK_STR(cmds[0].arg, "light");
    model_set_theme(m, "monochrome");
    fx_key(m, 'T', KA_NEXT_THEME, cmds);
    CHECK_STR(cmds[0].arg, "default");
    CHECK_INT(fx_key(m, 'r', KA_REFRESH, cmds), 1);
    CHECK_INT(cmds[0].kind, MODEL_CMD_REFRESH);
    CHECK_INT(fx_key(m, 'q', KA_QUIT, cmds), 1);
    CHECK_INT(cmds[0].kind, MODEL_CMD_QUIT);
    CHECK_INT(fx_key(m, KM_KEY_RESIZE, KA_NONE, cmds), 0);
    /* no room for commands: nothing written, the reducer says so */
    CHECK_INT(model_apply_key(m, 'r', KA_REFRESH, NULL, 0), 0);
    model_free(m);
}

TEST(dialpad_validates_and_dials)
{
    struct model *m = fx_new();
    fx_key(m, KM_KEY_F(3), KA_VIEW_DIALPAD, cmds);
    CHECK(model_text_focus(m));
    CHECK_INT(fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds), 0);
    CHECK_STR(m->dialpad.message, "Type a number first");
    fx_type(m, "+1 415 555");
    CHECK_STR(m->dialpad.buf, "+1 415 555");
    CHECK_STR(m->dialpad.message, "");
    CHECK_INT(fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds), 0);
    CHECK(m->dialpad.message[0] != '\0'); /* dialnum's words */
    CHECK_INT(m->dialpad.message_level, MODEL_ERROR);
    fx_type(m, "-0100");
    CHECK_INT(fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds), 1);
    CHECK_STR(cmds[0].path, "/api/v1/calls");
    CHECK_STR(cmds[0].body, "{\"to\":\"+14155550100\"}");
    CHECK_INT(MODEL_TAG_KIND(cmds[0].tag), MODEL_TAG_DIAL);
    CHECK_INT(m->call.phase, MODEL_CALL_DIALING);
    CHECK_INT(m->screen, MODEL_SCR_CALL);
    CHECK_INT(m->dialpad.n_recent, 1);
    CHECK_STR(m->dialpad.recent[0], "+14155550100");
    CHECK_STR(m->dialpad.buf, "");
    /* the daemon refuses: the call is forgotten, the toast and the dialpad say why */
    fx_result(m, cmds[0].tag, 409, NULL, "only an available agent can dial");
    CHECK_INT(m->call.phase, MODEL_CALL_NONE);
    CHECK(fx_toast_has(m, "Call to +14155550100 failed: only an available agent can dial."));
    CHECK_STR(m->dialpad.message, "only an available agent can dial");
    /* recent numbers: newest first, no repeats, at most MODEL_RECENT_MAX */
    for (int i = 0; i < MODEL_RECENT_MAX + 2; i++) {
        char num[32];
        snprintf(num, sizeof num, "+1415555%04d", i % 11);
        fx_key(m, KM_KEY_F(3), KA_VIEW_DIALPAD, cmds);
        fx_type(m, num);
        CHECK_INT(fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds), 1);
        fx_result(m, cmds[0].tag, 0, NULL, "could not reach the daemon");
    }
    CHECK_INT(m->dialpad.n_recent, MODEL_RECENT_MAX);
    CHECK_STR(m->dialpad.recent[0], "+14155550000");
    CHECK_STR(m->dialpad.recent[1], "+14155550010");
    fx_key(m, KM_KEY_F(3), KA_VIEW_DIALPAD, cmds);
    fx_key(m, KM_KEY_DOWN, KA_DOWN, cmds);
    fx_key(m, KM_KEY_DOWN, KA_DOWN, cmds);
    CHECK_STR(m->dialpad.buf, "+14155550010");
    fx_key(m, KM_KEY_ESC, KA_BACK, cmds);
    CHECK_STR(m->dialpad.buf, "");
    fx_key(m, KM_KEY_ESC, KA_BACK, cmds);
    CHECK_INT(m->screen, MODEL_SCR_QUEUE);
    model_free(m);
}

TEST(dialling_during_a_call_is_refused)
{
    struct model *m = fx_new();
    FX_EV(m, 11, "call.assigned", "{\"call_sid\":\"CA1\",\"agent\":\"alice\",\"queue\":\"%s\"}",
          "support");
    CHECK_INT(command(m, "dial +14155550100"), 0);
    CHECK_STR(m->call.sid, "CA1");
    CHECK(fx_toast_has(m, "Finish the current call first"));
    model_free(m);
}

/* Ann Lee's call connected to alice. */
static struct model *connected(void)
{
    struct model *m = fx_new();
    FX_EV(m, 11, "call.assigned", "{\"call_sid\":\"CA1\",\"agent\":\"alice\",\"queue\":\"%s\"}",
          "support");
    FX_EV(m, 12, "call.connected", "{\"call_sid\":\"CA1\",\"agent\":\"alice\",\"x\":%d}", 0);
    return m;
}

TEST(call_keys_need_a_call)
{
    struct model *m = fx_new();
    fx_key(m, KM_KEY_F(2), KA_VIEW_CALL, cmds);
    CHECK_INT(fx_key(m, 'h', KA_HOLD, cmds), 0);
    CHECK(fx_toast_has(m, "There is no call"));
    FX_EV(m, 11, "call.assigned", "{\"call_sid\":\"CA1\",\"agent\":\"alice\",\"queue\":\"%s\"}",
          "support");
    CHECK_INT(fx_key(m, 'h', KA_HOLD, cmds), 0);
    CHECK(fx_toast_has(m, "still being set up"));
    CHECK_INT(fx_key(m, 'x', KA_HANGUP, cmds), 1); /* hanging up works at once */
    CHECK_STR(cmds[0].path, "/api/v1/calls/CA1/hangup");
    fx_result(m, cmds[0].tag, 503, NULL, "no Twilio client");
    CHECK(fx_toast_has(m, "Hanging up failed: no Twilio client"));
    model_free(m);
}

TEST(transfer_dialog)
{
    struct model *m = connected();
    CHECK_INT(fx_key(m, 't', KA_TRANSFER, cmds), 1);
    CHECK_STR(cmds[0].method, "GET");
    CHECK_STR(cmds[0].path, "/api/v1/agents");
    CHECK(m->transfer.open);
    CHECK(model_text_focus(m));
    fx_result(m, cmds[0].tag, 200,
              "{\"agents\":[{\"name\":\"alice\",\"state\":\"available\"},{\"name\":\"carol\","
              "\"state\":\"busy\"},{\"name\":\"bob\",\"state\":\"available\"},{\"name\":7},"
              "{\"state\":\"available\"}]}",
              NULL);
    CHECK_INT(m->transfer.n_agents, 2);
    CHECK_STR(m->transfer.agents[0], "bob"); /* available first, never oneself */
    CHECK_STR(m->transfer.agents[1], "carol");
    CHECK_INT(fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds), 0);
    CHECK(m->transfer.message[0] != '\0');
    fx_key(m, KM_KEY_TAB, KA_NONE, cmds);
    CHECK_STR(m->transfer.target, "support");
    fx_key(m, KM_KEY_TAB, KA_NONE, cmds);
    CHECK_STR(m->transfer.target, "sales");
    CHECK_INT(fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds), 1);
    CHECK_STR(cmds[0].path, "/api/v1/calls/CA1/transfer");
    CHECK_STR(cmds[0].body, "{\"queue\":\"sales\"}");
    fx_result(m, cmds[0].tag, 400, NULL, "no such queue");
    CHECK(m->transfer.open);
    CHECK_STR(m->transfer.message, "no such queue");
    fx_key(m, KM_CTRL('u'), KA_NONE, cmds);
    fx_type(m, "(415) 555-0100");
    CHECK_INT(fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds), 1);
    CHECK_STR(cmds[0].body, "{\"to\":\"+14155550100\"}");
    fx_result(m, cmds[0].tag, 202, "{\"call_sid\":\"CA1\",\"result\":\"transferring\"}", NULL);
    CHECK(!m->transfer.open);
    fx_key(m, 't', KA_TRANSFER, cmds);
    fx_key(m, KM_KEY_ESC, KA_BACK, cmds);
    CHECK(!m->transfer.open);
    model_free(m);
}

TEST(transfer_to_an_agent_cold_or_warm)
{
    struct model *m = connected();
    CHECK_INT(fx_key(m, 't', KA_TRANSFER, cmds), 1);
    fx_result(m, cmds[0].tag, 200,
              "{\"agents\":[{\"name\":\"bob\",\"state\":\"available\"},{\"name\":\"carol\","
              "\"state\":\"break\"}]}",
              NULL);
    for (int i = 0; i < 4; i++) /* support, sales, billing, then bob */
        fx_key(m, KM_KEY_TAB, KA_NONE, cmds);
    CHECK_STR(m->transfer.target, "bob");
    fx_key(m, KM_KEY_TAB, KA_NONE, cmds);
    CHECK_STR(m->transfer.target, "support"); /* carol is on a break: not offered */
    CHECK_INT(fx_key(m, KM_CTRL('w'), KA_NONE, cmds), 0);
    CHECK(m->transfer.warm);
    CHECK_INT(fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds), 0);
    CHECK_STR(m->transfer.message, "a warm transfer needs an agent or a number");
    fx_key(m, KM_CTRL('u'), KA_NONE, cmds);
    fx_type(m, "bob");
    CHECK_INT(fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds), 1);
    CHECK_STR(cmds[0].body, "{\"agent\":\"bob\",\"warm\":true}");
    fx_key(m, KM_CTRL('u'), KA_NONE, cmds);
    fx_type(m, "agent:dave");
    fx_key(m, KM_CTRL('w'), KA_NONE, cmds);
    CHECK_INT(fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds), 1);
    CHECK_STR(cmds[0].body, "{\"agent\":\"dave\"}");
    model_free(m);
}

TEST(warm_transfer_complete_and_cancel)
{
    struct model *m = connected();
    CHECK_INT(command(m, "complete"), 0);
    CHECK(fx_toast_has(m, "There is no transfer under way"));
    FX_EV(m, 13, "call.transferred",
          "{\"call_sid\":\"CA1\",\"agent\":\"alice\",\"kind\":\"warm\",\"phase\":\"started\","
          "\"to\":\"+14155550100\",\"party_call_sid\":null,\"owner\":\"alice\"%s}",
          "");
    CHECK_INT(m->call.xfer_phase, MODEL_XFER_STARTED);
    CHECK_INT(fx_key(m, 't', KA_TRANSFER, cmds), 0); /* not answered yet */
    CHECK(fx_toast_has(m, "+14155550100 has not answered yet"));
    CHECK(!m->transfer.open);
    FX_EV(m, 14, "call.transferred",
          "{\"call_sid\":\"CA1\",\"agent\":\"alice\",\"kind\":\"warm\",\"phase\":"
          "\"connected\",\"to\":\"+14155550100\",\"party_call_sid\":\"CA5\",\"owner\":"
          "\"alice\"%s}",
          "");
    CHECK_INT(fx_key(m, 't', KA_TRANSFER, cmds), 1);
    CHECK_STR(cmds[0].path, "/api/v1/calls/CA1/transfer/complete");
    CHECK_INT(MODEL_TAG_KIND(cmds[0].tag), MODEL_TAG_XFER_COMPLETE);
    fx_result(m, cmds[0].tag, 409, NULL, "the party has not answered");
    CHECK(fx_toast_has(m, "Completing the transfer failed: the party has not answered"));
    CHECK_INT(command(m, "cancel"), 1);
    CHECK_STR(cmds[0].path, "/api/v1/calls/CA1/transfer/cancel");
    model_free(m);
}

TEST(wrap_up_form)
{
    struct model *m = connected();
    FX_EV(m, 13, "call.ended", "{\"call\":%s}",
          fx_call("CA1", "Ann Lee", "+14155550123", "+1500", "support", "completed", NULL));
    CHECK_INT(model_key_context(m), KM_WRAPUP);
    CHECK(!model_text_focus(m));
    CHECK_INT(m->wrapup.n_dispos, 4);
    fx_key(m, 'j', KA_DOWN, cmds);
    CHECK_INT(m->wrapup.selected, 1);
    fx_key(m, KM_KEY_TAB, KA_NONE, cmds);
    CHECK(model_text_focus(m));
    fx_type(m, "call back \"Tuesday\"");
    fx_key(m, KM_KEY_BACKSPACE, KA_NONE, cmds);
    CHECK_STR(m->wrapup.notes, "call back \"Tuesday");
    CHECK_INT(fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds), 1);
    CHECK_STR(cmds[0].method, "POST");
    CHECK_STR(cmds[0].path, "/api/v1/me/wrapup");
    CHECK_STR(cmds[0].body, "{\"disposition\":\"follow-up\",\"notes\":\"call back \\\"Tuesday\"}");
    CHECK(m->wrapup.submitting);
    CHECK_INT(fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds), 0); /* one at a time */
    fx_result(m, cmds[0].tag, 400, NULL, "disposition must be one of the configured codes");
    CHECK(m->wrapup.open);
    CHECK(!m->wrapup.submitting);
    CHECK_STR(m->wrapup.message, "disposition must be one of the configured codes");
    CHECK_INT(fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds), 1);
    fx_result(m, cmds[0].tag, 200, fx_agent("available", NULL), NULL);
    CHECK(!m->wrapup.open);
    CHECK_INT(m->call.phase, MODEL_CALL_NONE);
    CHECK_INT(m->screen, MODEL_SCR_QUEUE);
    model_free(m);
}

TEST(typing_in_the_wrap_up_list_starts_the_notes)
{
    struct model *m = connected();
    FX_EV(m, 13, "agent.state", "%s", fx_agent("wrap-up", NULL));
    CHECK(m->wrapup.open);
    CHECK_INT(model_key_context(m), KM_WRAPUP);
    fx_key(m, 'j', KA_DOWN, cmds); /* bound: moves */
    fx_key(m, 'N', KA_NONE, cmds); /* not bound: typed */
    CHECK(m->wrapup.notes_focus);
    fx_type(m, "o answer");
    CHECK_STR(m->wrapup.notes, "No answer");
    fx_key(m, KM_KEY_ESC, KA_BACK, cmds);
    CHECK(!m->wrapup.notes_focus);
    CHECK_INT(m->wrapup.selected, 1);
    model_free(m);
}

TEST(dispositions_from_the_agent)
{
    struct model *m = model_new();
    fx_event(m, "{\"type\":\"snapshot\",\"seq\":1,\"data\":{\"agent\":{\"name\":"
                "\"alice\",\"state\":"
                "\"available\",\"dispositions\":[{\"code\":\"sold\",\"label\":"
                "\"Sold\"},\"spam\","
                "7,{\"label\":\"x\"}]},\"pending\":[],\"queues\":[]}}");
    CHECK_INT(m->wrapup.n_dispos, 2);
    CHECK_STR(m->wrapup.dispos[0].code, "sold");
    CHECK_STR(m->wrapup.dispos[1].label, "spam");
    model_free(m);
}

TEST(me_is_asked_after_the_first_snapshot)
{
    struct model *m = model_new();
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 0);
    fx_snapshot(m, 1, "available", "");
    /* the app did not take it: the next key hands it out first */
    CHECK_INT(fx_key(m, 'r', KA_REFRESH, cmds), 2);
    CHECK_STR(cmds[0].path, "/api/v1/me");
    CHECK_INT(MODEL_TAG_KIND(cmds[0].tag), MODEL_TAG_ME);
    CHECK_INT(cmds[1].kind, MODEL_CMD_REFRESH);
    fx_snapshot(m, 2, "available", ""); /* asked already */
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 0);
    fx_result(m, MODEL_TAG_ME, 0, NULL, "could not reach the daemon");
    CHECK_INT(m->n_toasts, 0);
    fx_snapshot(m, 3, "available", ""); /* asked again after a failure */
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 1);
    fx_result(m, cmds[0].tag, 200,
              "{\"name\":\"alice\",\"state\":\"available\",\"dispositions\":[{\"code\":"
              "\"sold\",\"label\":\"Sold\"}]}",
              NULL);
    CHECK(m->me_loaded);
    CHECK_INT(m->wrapup.n_dispos, 1);
    CHECK_STR(m->wrapup.dispos[0].label, "Sold");
    fx_snapshot(m, 4, "available", "");
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 0);
    model_free(m);
}

/* `/` on the queue screen filters the waiting callers by name, number or queue as it is typed
 * (any case); moves skip the hidden ones; Enter keeps the filter, Esc clears it. */
TEST(queue_filter)
{
    struct model *m = fx_new();
    char pending[4096];
    snprintf(pending, sizeof pending, "%s,%s,%s",
             fx_call("CA1", "Ann Lee", "+14155550123", "+1500", "support", "in-progress", NULL),
             fx_call("CA2", "Bob Marsh", "+442071838750", "+1500", "sales", "in-progress", NULL),
             fx_call("CA3", "Cy Lee", "+14155550999", "+1500", "sales", "in-progress", NULL));
    fx_snapshot(m, 20, "available", pending);
    CHECK_INT(m->n_waiting, 3);
    CHECK_INT(fx_key(m, '/', KA_FILTER, cmds), 0);
    CHECK(model_text_focus(m));
    CHECK_INT(model_key_context(m), KM_QUEUE);
    fx_type(m, "LEE");
    CHECK_STR(m->queue_filter, "LEE");
    size_t shown = 0;
    for (size_t i = 0; i < m->n_waiting; i++)
        shown += (size_t)model_caller_shown(m, i);
    CHECK_INT(shown, 2);
    CHECK(model_caller_shown(m, m->queue_sel));
    fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds);
    CHECK(!model_text_focus(m));
    CHECK_STR(m->queue_filter, "LEE");
    /* moves go from one shown caller to the next */
    fx_key(m, 'g', KA_HOME, cmds);
    const char *first = m->waiting[m->queue_sel].name;
    CHECK(strstr(first, "Lee") != NULL);
    fx_key(m, 'j', KA_DOWN, cmds);
    CHECK(strstr(m->waiting[m->queue_sel].name, "Lee") != NULL);
    CHECK(strcmp(m->waiting[m->queue_sel].name, first) != 0);
    fx_key(m, 'j', KA_DOWN, cmds); /* the last shown one stays selected */
    CHECK(strstr(m->waiting[m->queue_sel].name, "Lee") != NULL);
    /* by number and by queue */
    fx_key(m, '/', KA_FILTER, cmds);
    fx_key(m, KM_CTRL('u'), KA_NONE, cmds);
    fx_type(m, "+44");
    CHECK_STR(m->waiting[m->queue_sel].name, "Bob Marsh");
    fx_key(m, KM_CTRL('u'), KA_NONE, cmds);
    fx_type(m, "support");
    CHECK_STR(m->waiting[m->queue_sel].name, "Ann Lee");
    CHECK(!model_caller_shown(m, 1) || !model_caller_shown(m, 2));
    /* Esc clears it: everyone again */
    fx_key(m, KM_KEY_ESC, KA_BACK, cmds);
    CHECK_STR(m->queue_filter, "");
    CHECK(!model_text_focus(m));
    for (size_t i = 0; i < m->n_waiting; i++)
        CHECK(model_caller_shown(m, i));
    fx_check(m);
    model_free(m);
}

TEST(offer_keys)
{
    struct model *m = fx_new();
    FX_EV(m, 11, "offer.created",
          "{\"call_sid\":\"CA1\",\"agent\":\"alice\",\"queue\":\"support\","
          "\"expires_ms\":%d}",
          0);
    CHECK_INT(fx_key(m, 'd', KA_DECLINE, cmds), 1);
    CHECK_STR(cmds[0].path, "/api/v1/calls/CA1/decline");
    CHECK_INT(m->n_offers, 0);
    CHECK_STR(m->popup_sid, "");
    FX_EV(m, 12, "offer.created",
          "{\"call_sid\":\"CA1\",\"agent\":\"alice\",\"queue\":\"support\","
          "\"expires_ms\":%d}",
          0);
    m->popup_sid[0] = '\0'; /* the popup was put away; the queue's row still accepts */
    CHECK(m->waiting[0].offered);
    CHECK_INT(fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds), 0);
    CHECK_STR(m->popup_sid, "CA1");
    CHECK_INT(fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds), 1);
    CHECK_STR(cmds[0].path, "/api/v1/calls/CA1/accept");
    fx_result(m, cmds[0].tag, 409, NULL, "the call was taken");
    CHECK(fx_toast_has(m, "Another agent took the call first"));
    CHECK_INT(m->n_offers, 0);
    CHECK_STR(m->accepting_sid, "");
    model_free(m);
}

TEST(hostile_sids_are_escaped_in_paths)
{
    struct model *m = fx_new();
    FX_EV(m, 11, "offer.created",
          "{\"call_sid\":\"../../me/state?x=1 "
          "#\",\"agent\":\"alice\",\"queue\":\"%s\"}",
          "support");
    model_tick(m, FX_MONO + MODEL_POPUP_GUARD_MS, FX_WALL);
    CHECK_INT(fx_key(m, 'a', KA_ACCEPT, cmds), 1);
    CHECK_STR(cmds[0].path, "/api/v1/calls/..%2F..%2Fme%2Fstate%3Fx%3D1%20%23/accept");
    model_free(m);
}

TEST(unknown_tags_are_ignored)
{
    struct model *m = fx_new();
    model_apply_result(m, 0, 200, NULL, NULL);
    model_apply_result(m, 255, 200, NULL, NULL);
    model_apply_result(m, -1, 500, NULL, "x");
    CHECK_INT(m->n_toasts, 0);
    fx_check(m);
    model_free(m);
}

int main(void)
{
    RUN(command_line);
    RUN(state_menu);
    RUN(screens_help_and_theme);
    RUN(dialpad_validates_and_dials);
    RUN(dialling_during_a_call_is_refused);
    RUN(call_keys_need_a_call);
    RUN(transfer_dialog);
    RUN(transfer_to_an_agent_cold_or_warm);
    RUN(warm_transfer_complete_and_cancel);
    RUN(wrap_up_form);
    RUN(typing_in_the_wrap_up_list_starts_the_notes);
    RUN(dispositions_from_the_agent);
    RUN(me_is_asked_after_the_first_snapshot);
    RUN(queue_filter);
    RUN(offer_keys);
    RUN(hostile_sids_are_escaped_in_paths);
    RUN(unknown_tags_are_ignored);
    return check_done();
}
