/*
 * Tests of the console's alerts screen (alertlist.c, reducer_alerts.c): the list fetched once
 * a supervisor is connected and known from GET /api/v1/me (never for an agent), read from
 * answers shaped as api_alerts.c writes them, kept live by alert.fired and alert.cleared (a
 * rule fires once, clears out of the firing list, the recent list capped), fetched again after
 * a reconnection, on `r`, and when an event comes while a fetch is in flight; F9 and :alerts
 * for supervisors only; bad and hostile JSON (missing fields, wrong types, huge strings,
 * escape sequences) leaves a clean state; key overrides reach the new actions.
 */
#include <stdlib.h>

#include "console_alerts_fixture.h"
#include "dialtone/util.h"

#define EV_FIRED(rule, msg)                                                                        \
    "{\"rule\":\"" rule "\",\"kind\":\"" rule "\",\"state\":\"fired\",\"firing\":true,"            \
    "\"at_ms\":1767323040000,\"at\":\"2026-01-02T03:04:00.000Z\",\"value\":7,\"message\":\"" msg   \
    "\"}"
#define EV_CLEARED(rule)                                                                           \
    "{\"rule\":\"" rule "\",\"kind\":\"" rule "\",\"state\":\"cleared\",\"firing\":false,"         \
    "\"at_ms\":1767323044000,\"value\":0,\"message\":\"back to normal\"}"

TEST(fetched_once_a_supervisor_is_known)
{
    struct model *m = ax_supervisor(ax_alerts);
    const struct alertlist *a = &m->alerts;
    CHECK(a->fetch.loaded && !a->fetch.asking);
    CHECK_INT(a->n_firing, 2);
    CHECK_STR(a->firing[0].rule, "error_code");
    CHECK_STR(a->firing[0].kind, "error_code");
    CHECK(a->firing[0].since_ms == INT64_C(1767322985000));
    CHECK_STR(a->firing[1].message, "answer rate 40% under 80%");
    CHECK_INT(a->n_recent, 3);
    CHECK(a->recent[0].fired && a->recent[1].fired && !a->recent[2].fired);
    CHECK(a->recent[1].value > 0.39 && a->recent[1].value < 0.41);
    CHECK_STR(a->recent[2].rule, "recording");
    CHECK(a->recent[2].at_ms == INT64_C(1767322000000));
    /* nothing more is asked: the events keep it live */
    struct model_cmd cmds[MODEL_CMDS_MAX];
    model_tick(m, FX_MONO + 60000, FX_WALL + 60000);
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 0);
    /* F9 opens the screen on the list already there */
    CHECK_INT(ax_key(m, KM_KEY_F(9), cmds), 0);
    CHECK_INT(m->screen, MODEL_SCR_ALERTS);
    CHECK_INT(model_key_context(m), KM_ALERTS);
    /* r fetches again; moves select a transition */
    CHECK_INT(ax_key(m, 'r', cmds), 1);
    CHECK_STR(cmds[0].path, "/api/v1/alerts");
    CHECK_INT(ax_key(m, 'j', cmds), 0);
    CHECK_INT(ax_key(m, 'G', cmds), 0);
    CHECK_INT(a->sel, 2);
    fx_result(m, cmds[0].tag, 200, ax_alerts, NULL);
    CHECK_INT(a->n_recent, 3);
    model_free(m);
}

TEST(a_reconnection_fetches_again)
{
    struct model *m = ax_supervisor(ax_alerts);
    struct model_cmd cmds[MODEL_CMDS_MAX];
    model_set_conn(m, CLIENT_RECONNECTING, 0, "gone");
    CHECK_INT(FX_EV(m, 11, "alert.fired", "%s", EV_FIRED("duration_drop", "calls got short")), 0);
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 0); /* not while away */
    model_set_conn(m, CLIENT_LIVE, 0, NULL);
    fx_event(m, "{\"type\":\"snapshot\",\"seq\":20,\"ts\":\"" FX_TS "\",\"data\":{\"agent\":"
                "{\"name\":\"sue\",\"role\":\"supervisor\",\"state\":\"offline\"},"
                "\"pending\":[],\"queues\":[]}}");
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 1);
    CHECK_STR(cmds[0].path, "/api/v1/alerts");
    /* an event while the fetch is in flight: another fetch after the answer */
    CHECK_INT(FX_EV(m, 21, "alert.cleared", "%s", EV_CLEARED("error_code")), 0);
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 0);
    fx_result(m, MODEL_TAG_ALERTS, 200, ax_alerts, NULL);
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 1);
    CHECK_STR(cmds[0].path, "/api/v1/alerts");
    /* a fetch that never answers holds the next one 30 s at most */
    CHECK_INT(FX_EV(m, 22, "alert.fired", "%s", EV_FIRED("recording", "a recording failed")), 0);
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 0);
    model_tick(m, FX_MONO + 31000, FX_WALL + 31000);
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 1);
    model_free(m);
}

TEST(events_keep_it_live)
{
    struct model *m = ax_supervisor(ax_alerts);
    const struct alertlist *a = &m->alerts;
    CHECK_INT(FX_EV(m, 11, "alert.fired", "%s", EV_FIRED("duration_drop", "calls got short")), 0);
    CHECK_INT(a->n_firing, 3);
    CHECK_STR(a->firing[2].rule, "duration_drop");
    CHECK(a->firing[2].since_ms == INT64_C(1767323040000));
    CHECK_INT(a->n_recent, 4);
    CHECK_STR(a->recent[0].rule, "duration_drop");
    CHECK(a->recent[0].fired);
    CHECK(a->recent[0].value > 6.9 && a->recent[0].value < 7.1);
    /* the same rule firing again is one row, with the new message */
    CHECK_INT(FX_EV(m, 12, "alert.fired", "%s", EV_FIRED("duration_drop", "shorter still")), 0);
    CHECK_INT(a->n_firing, 3);
    CHECK_STR(a->firing[2].message, "shorter still");
    /* cleared: out of the firing list, into the recent one */
    CHECK_INT(FX_EV(m, 13, "alert.cleared", "%s", EV_CLEARED("error_code")), 0);
    CHECK_INT(a->n_firing, 2);
    CHECK_STR(a->firing[0].rule, "answer_rate");
    CHECK_STR(a->firing[1].rule, "duration_drop");
    CHECK_INT(a->n_recent, 6);
    CHECK(!a->recent[0].fired);
    CHECK_STR(a->recent[0].message, "back to normal");
    /* an old event (seq seen) changes nothing */
    CHECK_INT(FX_EV(m, 13, "alert.fired", "%s", EV_FIRED("error_code", "again")), 0);
    CHECK_INT(a->n_firing, 2);
    /* the recent list keeps the newest ALERTLIST_RECENT_MAX */
    for (int i = 0; i < 60; i++)
        FX_EV(m, 100 + i, i % 2 ? "alert.cleared" : "alert.fired",
              "{\"rule\":\"r%d\",\"kind\":\"error_code\",\"at_ms\":%d,\"message\":\"m%d\"}", i % 5,
              i, i);
    CHECK_INT(a->n_recent, ALERTLIST_RECENT_MAX);
    CHECK_STR(a->recent[0].message, "m59");
    CHECK(a->n_firing <= 2 + 5);
    /* the selection stays on its row as new ones come in above it */
    struct model_cmd cmds[MODEL_CMDS_MAX];
    ax_key(m, KM_KEY_F(9), cmds);
    ax_key(m, 'j', cmds);
    ax_key(m, 'j', cmds);
    CHECK_INT(a->sel, 2);
    FX_EV(m, 200, "alert.fired", "%s", EV_FIRED("x", "y"));
    CHECK_INT(a->sel, 3);
    CHECK_STR(a->recent[3].message, "m57");
    model_free(m);
}

TEST(agents_never_see_it)
{
    struct model *m = fx_new(); /* alice, an agent, /me answered */
    struct model_cmd cmds[MODEL_CMDS_MAX];
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 0);
    CHECK_INT(ax_key(m, KM_KEY_F(9), cmds), 0);
    CHECK_INT(m->screen, MODEL_SCR_QUEUE);
    CHECK(fx_toast_has(m, "The alerts are for supervisors"));
    fx_key(m, ':', KA_COMMAND, cmds);
    fx_type(m, "numbers");
    CHECK_INT(fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds), 0);
    CHECK_INT(m->screen, MODEL_SCR_QUEUE);
    CHECK(fx_toast_has(m, "The bad-number review is for supervisors"));
    /* events are not kept for them */
    CHECK_INT(FX_EV(m, 11, "alert.fired", "%s", EV_FIRED("error_code", "x")), 0);
    CHECK_INT(m->alerts.n_firing, 0);
    CHECK_INT(m->alerts.n_recent, 0);
    CHECK_INT(FX_EV(m, 12, "number.flagged", "%s",
                    ax_number("+14155550311", "bad number", 13224, 1, FX_TS)),
              0);
    CHECK_INT(m->numbers.n, 0);
    /* a snapshot makes nothing due */
    fx_snapshot(m, 20, "available", "");
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 0);
    model_free(m);
}

TEST(hostile_answers_and_events)
{
    struct model *m = ax_supervisor(NULL);
    const struct alertlist *a = &m->alerts;
    /* refused, not JSON, or without the lists: said, nothing loaded */
    fx_result(m, MODEL_TAG_ALERTS, 403, NULL, "alerts are for supervisors");
    CHECK_STR(a->message, "alerts are for supervisors");
    CHECK(!a->fetch.loaded && !a->fetch.asking);
    fx_result(m, MODEL_TAG_ALERTS, 200, "[1,2]", NULL);
    CHECK_STR(a->message, "the daemon's answer is not JSON");
    fx_result(m, MODEL_TAG_ALERTS, 200, "{\"firing\":{},\"recent\":[]}", NULL);
    CHECK_STR(a->message, "the answer has no lists of alerts");
    fx_result(m, MODEL_TAG_ALERTS, 0, NULL, NULL);
    CHECK_STR(a->message, "no answer from the daemon");
    CHECK(!a->fetch.loaded);
    /* rows without a rule or with wrong types: skipped or read as nothing */
    fx_result(m, MODEL_TAG_ALERTS, 200,
              "{\"firing\":[{\"kind\":\"x\"},{\"rule\":7},\"str\",null,{\"rule\":\"ok\","
              "\"since_ms\":-5,\"message\":[1],\"kind\":{}}],"
              "\"recent\":[{\"rule\":\"ok\",\"at_ms\":\"soon\",\"value\":\"big\",\"state\":9},"
              "{\"rule\":\"\"},{\"rule\":\"v\",\"value\":1e300,\"firing\":true},"
              "{\"rule\":\"w\",\"value\":-1e300,\"at_ms\":1e300}]}",
              NULL);
    CHECK(a->fetch.loaded);
    CHECK_STR(a->message, "");
    CHECK_INT(a->n_firing, 1);
    CHECK_STR(a->firing[0].rule, "ok");
    CHECK(a->firing[0].since_ms == 0);
    CHECK_STR(a->firing[0].message, "");
    CHECK_INT(a->n_recent, 3);
    CHECK(!a->recent[0].fired && a->recent[0].at_ms == 0 && a->recent[0].value == 0);
    CHECK(a->recent[1].fired && a->recent[1].value == ALERTLIST_VALUE_MAX);
    CHECK(a->recent[2].value == -ALERTLIST_VALUE_MAX && a->recent[2].at_ms == 0);
    /* events: no rule, wrong types, escapes and a huge message */
    size_t before = a->n_recent;
    CHECK_INT(FX_EV(m, 11, "alert.fired", "%s", "{\"message\":\"no rule\"}"), 0);
    CHECK_INT(FX_EV(m, 12, "alert.fired", "%s", "{\"rule\":[\"a\"],\"message\":\"x\"}"), 0);
    CHECK_INT(FX_EV(m, 13, "alert.cleared", "%s", "{\"rule\":null}"), 0);
    CHECK_INT(a->n_recent, before);
    const char *huge = ax_huge('A', 3000);
    CHECK_INT(FX_EV(m, 14, "alert.fired",
                    "{\"rule\":\"\\u001b]0;pwned\\u0007r\\u202e\",\"kind\":\"%s\",\"message\":"
                    "\"\\u001b[2J\\u001b[31mred\\r\\nline %s\"}",
                    huge, huge),
              0);
    CHECK_INT(a->n_recent, before + 1);
    CHECK(strchr(a->recent[0].rule, 0x1b) == NULL && strchr(a->recent[0].rule, 0x07) == NULL);
    CHECK(strstr(a->recent[0].rule, "\xe2\x80\xae") == NULL); /* no bidi override */
    CHECK(strchr(a->recent[0].message, 0x1b) == NULL);
    CHECK(strchr(a->recent[0].message, '\n') == NULL);
    CHECK(strstr(a->recent[0].message, "red") != NULL);
    CHECK(strlen(a->recent[0].message) < ALERTLIST_TEXT_SIZE);
    CHECK(strlen(a->recent[0].kind) < ALERTLIST_WORD_SIZE);
    CHECK_INT(a->n_firing, 2);
    /* an alert without a data object: ignored */
    CHECK_INT(fx_event(m, "{\"seq\":15,\"type\":\"alert.fired\",\"data\":\"x\"}"), 0);
    CHECK_INT(a->n_recent, before + 1);
    /* too many firing rules: the list stops at its cap */
    for (int i = 0; i < ALERTLIST_FIRING_MAX + 5; i++)
        FX_EV(m, 100 + i, "alert.fired", "{\"rule\":\"r%d\",\"message\":\"m\"}", i);
    CHECK_INT(a->n_firing, ALERTLIST_FIRING_MAX);
    model_free(m);
}

TEST(keys_are_rebound_like_the_others)
{
    struct keymap *km = km_new();
    char err[200] = "", buf[64];
    CHECK_INT(km_lookup(km, KM_QUEUE, KM_KEY_F(9)), KA_VIEW_ALERTS);
    CHECK_INT(km_lookup(km, KM_ALERTS, KM_KEY_TAB), KA_VIEW_NUMBERS);
    CHECK_INT(km_lookup(km, KM_ERRORS, 'b'), KA_VIEW_NUMBERS);
    CHECK_INT(km_lookup(km, KM_NUMBERS, KM_KEY_TAB), KA_VIEW_ALERTS);
    CHECK_INT(km_lookup(km, KM_NUMBERS, 'f'), KA_NUM_FIXED);
    CHECK_INT(km_lookup(km, KM_NUMBERS, 'n'), KA_NUM_DNC);
    CHECK_INT(km_lookup(km, KM_QUEUE, 'n'), KA_NONE);
    CHECK_INT(km_action_from_name("view-alerts"), KA_VIEW_ALERTS);
    CHECK_INT(km_action_from_name("number-dnc"), KA_NUM_DNC);
    CHECK_INT(km_context_from_name("numbers"), KM_NUMBERS);
    CHECK_INT(km_parse_override(km, "view-alerts", "F11, A", err, sizeof err), 0);
    CHECK_INT(km_lookup(km, KM_QUEUE, KM_KEY_F(11)), KA_VIEW_ALERTS);
    CHECK_INT(km_lookup(km, KM_QUEUE, KM_KEY_F(9)), KA_NONE);
    CHECK_INT(km_parse_override(km, "numbers.number-dnc", "D", err, sizeof err), 0);
    CHECK_INT(km_lookup(km, KM_NUMBERS, 'D'), KA_NUM_DNC);
    CHECK_INT(km_lookup(km, KM_NUMBERS, 'n'), KA_NONE);
    CHECK_INT(km_keys_of(km, KM_NUMBERS, KA_NUM_DNC, buf, sizeof buf), 1);
    CHECK_STR(buf, "D");
    CHECK(km_parse_override(km, "alertz.view-alerts", "x", err, sizeof err) != 0);
    CHECK(strstr(err, "alerts, numbers") != NULL);
    km_free(km);
}

int main(void)
{
    RUN(fetched_once_a_supervisor_is_known);
    RUN(a_reconnection_fetches_again);
    RUN(events_keep_it_live);
    RUN(agents_never_see_it);
    RUN(hostile_answers_and_events);
    RUN(keys_are_rebound_like_the_others);
    km_free(ax_km);
    return check_done();
}
