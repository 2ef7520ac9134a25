/*
 * Tests of the console model's events: the snapshot, the waiting list and the offers as the
 * daemon's events and the pending poll change them, seq ordering, clocks, and text from outside
 * made harmless. The calls' own events are in test_console_model_calls.c.
 */
#include "console/sanitize.h"
#include "console_model_fixture.h"
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
    RUN(hostile_caller_name_is_made_harmless);
    RUN(reconnect_snapshot_replaces_the_state);
    RUN(events_apply_in_seq_order_once);
    RUN(pending_poll_replaces_waiting_and_offers);
    RUN(malformed_messages_are_refused);
    RUN(tick_expires_toasts_and_offers);
    RUN(connection_state_is_kept_clean);
    return check_done();
}
