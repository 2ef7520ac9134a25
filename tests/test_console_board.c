/*
 * Tests of the console's wallboard: board_parse over answers shaped as api_board.c writes
 * them (and hostile or broken ones), the pure helpers (ticking times, warnings, the state
 * with its reason, a timed wrap-up counting down), and the reducer's part: F7 for supervisors
 * only, fetches after events at most once a second and every five seconds while open,
 * listen/whisper/barge/leave on the selected agent's call, and the agent-state menu, each
 * answered with a toast.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "console/board.h"
#include "console/model.h"
#include "console/sanitize.h"
#include "dialtone/util.h"

#define WALL INT64_C(1767323045000)
#define MONO UINT64_C(100000)

/* A wallboard as api_board_json writes it: support warns (service level under target and a
 * caller waiting too long), sales is quiet; ann busy with a call, bob on a break, cy in
 * wrap-up after a call that ended. */
static const char real_board[] =
    "{\"day\":{\"start\":\"2026-01-02T00:00:00.000Z\",\"start_ms\":1767312000000,"
    "\"end_ms\":1767398400000,\"timezone\":\"Europe/London\",\"reset\":\"00:00\"},"
    "\"now_ms\":1767323045000,\"queues\":["
    "{\"name\":\"support\",\"waiting\":2,\"longest_wait_s\":75,\"handled\":8,\"abandoned\":3,"
    "\"short_abandoned\":1,\"left\":1,\"offered\":12,\"answered_in_sl\":7,\"service_level\":58.3,"
    "\"service_level_target\":80,\"service_level_s\":20,\"short_abandon_s\":5,\"long_wait_s\":60,"
    "\"asa_s\":14.5,\"aht_s\":182.2,\"aht_calls\":7,\"warnings\":[\"service_level\","
    "\"long_wait\"]},"
    "{\"name\":\"sales\",\"waiting\":0,\"longest_wait_s\":0,\"handled\":0,\"abandoned\":0,"
    "\"short_abandoned\":0,\"left\":0,\"offered\":0,\"answered_in_sl\":0,\"service_level\":null,"
    "\"service_level_target\":90,\"service_level_s\":30,\"short_abandon_s\":5,\"long_wait_s\":0,"
    "\"asa_s\":null,\"aht_s\":null,\"aht_calls\":0,\"warnings\":[]}],"
    "\"agents\":["
    "{\"name\":\"ann\",\"role\":\"agent\",\"state\":\"busy\",\"reason\":null,"
    "\"since_ms\":1767323000000,\"in_state_s\":45,\"call\":{\"sid\":\"CAaaa\","
    "\"party\":\"+14155550123\",\"caller_name\":\"Maria Garc\xc3\xad"
    "a\",\"since_ms\":1767323010000,\"duration_s\":35,\"ended\":false},\"handled\":5,"
    "\"aht_s\":170,\"missed_offers\":1,\"declined_offers\":2,\"wrapup_ends_ms\":null,"
    "\"wrapup_left_s\":null},"
    "{\"name\":\"bob\",\"role\":\"agent\",\"state\":\"break\",\"reason\":\"lunch\","
    "\"since_ms\":1767322000000,\"in_state_s\":1045,\"call\":null,\"handled\":3,\"aht_s\":200,"
    "\"missed_offers\":0,\"declined_offers\":0},"
    "{\"name\":\"cy\",\"role\":\"agent\",\"state\":\"wrap-up\",\"reason\":null,"
    "\"since_ms\":1767323040000,\"in_state_s\":5,\"call\":{\"sid\":\"CAccc\","
    "\"party\":\"+442071838750\",\"since_ms\":1767323000000,\"duration_s\":40,\"ended\":true},"
    "\"handled\":0,\"aht_s\":null,\"missed_offers\":0,\"declined_offers\":0,"
    "\"wrapup_ends_ms\":1767323070000,\"wrapup_left_s\":25},"
    "{\"name\":\"sue\",\"role\":\"supervisor\",\"state\":\"offline\",\"reason\":null,"
    "\"since_ms\":0,\"in_state_s\":0,\"call\":null,\"handled\":0,\"aht_s\":null,"
    "\"missed_offers\":0,\"declined_offers\":0}],"
    "\"warnings\":[{\"queue\":\"support\",\"kind\":\"service_level\",\"message\":"
    "\"service level 58.3% under its target of 80%\"},{\"queue\":\"support\",\"kind\":"
    "\"long_wait\",\"message\":\"a caller has waited 75 s, over 60 s\"}]}";

static struct board_data *parse_ok(const char *text)
{
    struct board_data *d = xmalloc(sizeof *d);
    char err[200] = "";
    int rc = board_parse_text(text, strlen(text), d, err, sizeof err);
    if (rc != DT_OK)
        printf("  parse: %s\n", err);
    CHECK_INT(rc, DT_OK);
    return d;
}

static int clean(const char *s)
{
    return tx_is_clean(s, strlen(s));
}

TEST(parse_real)
{
    struct board_data *d = parse_ok(real_board);
    CHECK_INT(d->n_queues, 2);
    CHECK_INT(d->n_agents, 4);
    CHECK_INT(d->n_warnings, 2);
    CHECK_STR(d->timezone, "Europe/London");
    CHECK_STR(d->reset, "00:00");
    CHECK(d->now_ms == WALL);
    const struct board_queue *q = &d->queues[0];
    CHECK_STR(q->name, "support");
    CHECK_INT(q->waiting, 2);
    CHECK_INT(q->longest_wait_s, 75);
    CHECK_INT(q->handled, 8);
    CHECK_INT(q->abandoned, 3);
    CHECK_INT(q->offered, 12);
    CHECK(q->service_level > 58.2 && q->service_level < 58.4);
    CHECK_INT(q->service_level_target, 80);
    CHECK(q->asa_s > 14.4 && q->asa_s < 14.6);
    CHECK(q->aht_s > 182 && q->aht_s < 183);
    CHECK_INT(q->warn, BOARD_WARN_SL | BOARD_WARN_LONG_WAIT);
    q = &d->queues[1];
    CHECK(q->service_level < 0 && q->asa_s < 0 && q->aht_s < 0);
    CHECK_INT(q->warn, 0);
    CHECK_INT(q->service_level_target, 90);
    const struct board_agent *a = &d->agents[0];
    CHECK_STR(a->name, "ann");
    CHECK_STR(a->state, "busy");
    CHECK(a->has_call && !a->call_ended && board_live_call(a));
    CHECK_STR(a->call_sid, "CAaaa");
    CHECK_STR(a->party, "+14155550123");
    CHECK_STR(a->caller_name, "Maria Garc\xc3\xad"
                              "a");
    CHECK_INT(a->call_duration_s, 35);
    CHECK_INT(a->in_state_s, 45);
    CHECK_INT(a->handled, 5);
    CHECK_INT(a->missed_offers, 1);
    CHECK_INT(a->declined_offers, 2);
    CHECK(!d->agents[1].has_call && !board_live_call(&d->agents[1]));
    CHECK_STR(d->agents[1].reason, "lunch");
    CHECK(d->agents[2].has_call && d->agents[2].call_ended && !board_live_call(&d->agents[2]));
    CHECK_STR(d->agents[2].caller_name, "");
    /* cy's wrap-up has the queue's timer */
    CHECK(d->agents[2].wrapup_timed && d->agents[2].wrapup_left_s == 25);
    CHECK(!a->wrapup_timed && !d->agents[1].wrapup_timed); /* null, absent */
    char buf[64];
    CHECK_STR(board_state_text(&d->agents[2], buf, sizeof buf), "wrap-up: 25 s left");
    CHECK_STR(board_state_text_at(&d->agents[2], WALL, WALL + 10400, buf, sizeof buf),
              "wrap-up: 15 s left");
    CHECK_STR(board_state_text_at(&d->agents[1], WALL, WALL + 10400, buf, sizeof buf),
              "break: lunch");
    CHECK_STR(d->agents[3].role, "supervisor");
    CHECK_STR(d->warnings[1].kind, "long_wait");
    CHECK_STR(d->warnings[1].message, "a caller has waited 75 s, over 60 s");
    CHECK_INT(board_agent_find(d, "cy"), 2);
    CHECK_INT(board_agent_find(d, "zed"), -1);
    free(d);
}

TEST(parse_hostile_strings)
{
    /* escape sequences, a bidi override, C1 controls, invalid UTF-8, an embedded NUL, and a
     * name far over its size */
    char big[2000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    char *text = xasprintf(
        "{\"queues\":[{\"name\":\"\\u001b]0;pwned\\u0007sup\\u202eport\",\"waiting\":1}],"
        "\"agents\":[{\"name\":\"\\u001b[2Jann\\u0000x\",\"state\":\"break\",\"reason\":"
        "\"\\u009b31mred \xff\xfe lunch\\n\",\"call\":{\"sid\":\"CA\\u0007\",\"party\":"
        "\"\\u202e321\",\"caller_name\":\"%s\"}}],\"warnings\":[{\"queue\":\"q\",\"message\":"
        "\"\\u001b[31mhot\"}]}",
        big);
    struct board_data *d = parse_ok(text);
    CHECK_INT(d->n_queues, 1);
    CHECK_INT(d->n_agents, 1);
    const struct board_agent *a = &d->agents[0];
    CHECK(clean(d->queues[0].name) && strstr(d->queues[0].name, "pwned") != NULL);
    CHECK(strstr(d->queues[0].name, "\xe2\x80\xae") == NULL); /* no override */
    CHECK(clean(a->name) && strchr(a->name, '\x1b') == NULL);
    CHECK(strstr(a->name, "ann") != NULL);
    CHECK(clean(a->reason) && strstr(a->reason, "lunch") != NULL);
    CHECK(clean(a->call_sid) && clean(a->party) && clean(a->caller_name));
    CHECK(strlen(a->caller_name) < BOARD_NAME_SIZE);
    CHECK(clean(d->warnings[0].message));
    struct board *b = xcalloc(1, sizeof *b);
    memcpy(&b->data, d, sizeof *d);
    char err[200];
    CHECK_INT(board_check(b, err, sizeof err), DT_OK);
    free(b);
    free(d);
    free(text);
}

TEST(parse_bad)
{
    struct board_data *d = xmalloc(sizeof *d);
    char err[200];
    CHECK_INT(board_parse_text("[]", 2, d, err, sizeof err), DT_EINVAL);
    CHECK_INT(board_parse_text("{\"queues\":[]}", 13, d, err, sizeof err), DT_EINVAL);
    CHECK(strstr(err, "agents") != NULL);
    CHECK_INT(board_parse_text("{\"agents\":[]}", 13, d, err, sizeof err), DT_EINVAL);
    CHECK(strstr(err, "queues") != NULL);
    CHECK_INT(board_parse_text("{\"queues\":[],", 13, d, err, sizeof err), DT_EINVAL);
    CHECK_INT(board_parse_text("{\"queues\":[]\0,\"agents\":[]}", 26, d, err, sizeof err),
              DT_EINVAL);
    CHECK_INT(board_parse(NULL, d, err, sizeof err), DT_EINVAL);
    CHECK_INT(d->n_queues + d->n_agents, 0);
    /* items that are not objects or have no name are skipped; bad numbers read as none */
    const char *odd = "{\"queues\":[1,\"x\",{\"waiting\":3},{\"name\":\"q\",\"waiting\":-4,"
                      "\"longest_wait_s\":1e300,\"service_level\":250,\"service_level_target\":"
                      "900,\"asa_s\":-1,\"warnings\":\"service_level\"}],"
                      "\"agents\":[null,{\"name\":\"a\",\"state\":7,\"in_state_s\":\"5\","
                      "\"call\":{\"sid\":42}}]}";
    CHECK_INT(board_parse_text(odd, strlen(odd), d, err, sizeof err), DT_OK);
    CHECK_INT(d->n_queues, 1);
    CHECK_INT(d->queues[0].waiting, 0);
    CHECK_INT(d->queues[0].longest_wait_s, 0);
    CHECK(d->queues[0].service_level < 0);
    CHECK_INT(d->queues[0].service_level_target, 100);
    CHECK(d->queues[0].asa_s < 0);
    CHECK_INT(d->queues[0].warn, 0);
    CHECK_INT(d->n_agents, 1);
    CHECK_STR(d->agents[0].state, "offline");
    CHECK_INT(d->agents[0].in_state_s, 0);
    CHECK(!d->agents[0].has_call);
    free(d);
}

TEST(parse_caps)
{
    struct dt_buf bf;
    dt_buf_init(&bf);
    dt_buf_append(&bf, "{\"queues\":[", 11);
    for (int i = 0; i < BOARD_QUEUES_MAX + 5; i++) {
        char q[64];
        int n = snprintf(q, sizeof q, "%s{\"name\":\"q%d\"}", i ? "," : "", i);
        dt_buf_append(&bf, q, (size_t)n);
    }
    dt_buf_append(&bf, "],\"agents\":[", 12);
    for (int i = 0; i < BOARD_AGENTS_MAX + 20; i++) {
        char a[64];
        int n = snprintf(a, sizeof a, "%s{\"name\":\"a%d\",\"state\":\"busy\"}", i ? "," : "", i);
        dt_buf_append(&bf, a, (size_t)n);
    }
    dt_buf_append(&bf, "]}", 2);
    struct board_data *d = xmalloc(sizeof *d);
    char err[200];
    CHECK_INT(board_parse_text(bf.data, bf.len, d, err, sizeof err), DT_OK);
    CHECK_INT(d->n_queues, BOARD_QUEUES_MAX);
    CHECK_INT(d->n_agents, BOARD_AGENTS_MAX);
    CHECK_STR(d->agents[BOARD_AGENTS_MAX - 1].name, "a127");
    free(d);
    dt_buf_done(&bf);
}

TEST(helpers)
{
    CHECK_INT(board_tick(10, WALL, WALL + 2999), 12);
    CHECK_INT(board_tick(10, WALL, WALL - 5000), 10); /* the clock went back */
    CHECK_INT(board_tick(-1, WALL, WALL + 5000), -1);
    CHECK_INT(board_tick(10, 0, WALL), 10); /* never got */
    struct board_queue q = {.waiting = 1, .longest_wait_s = 50, .long_wait_s = 60};
    CHECK_INT(board_queue_warn(&q, 55), 0);
    CHECK_INT(board_queue_warn(&q, 61), BOARD_WARN_LONG_WAIT); /* crossed between answers */
    q.waiting = 0;
    CHECK_INT(board_queue_warn(&q, 61), 0);
    q.long_wait_s = 0;
    q.waiting = 1;
    CHECK_INT(board_queue_warn(&q, 9999), 0); /* 0: never */
    q.warn = BOARD_WARN_SL;
    CHECK_INT(board_queue_warn(&q, 0), BOARD_WARN_SL);
    struct board_agent a = {.state = "break", .reason = "lunch"};
    char buf[64];
    CHECK_STR(board_state_text(&a, buf, sizeof buf), "break: lunch");
    snprintf(a.state, sizeof a.state, "available");
    CHECK_STR(board_state_text(&a, buf, sizeof buf), "available");
    a.has_call = a.call_ended = 1; /* never shown as available with a call to wrap up */
    a.reason[0] = '\0';
    CHECK_STR(board_state_text(&a, buf, sizeof buf), "wrap-up");
    CHECK_INT(board_wrapup_left(&a, WALL, WALL + 5000), -1); /* no timer */
    CHECK(board_in_wrapup(&a));
    /* a timed wrap-up counts down between answers, to 0 and no further */
    a.wrapup_timed = 1;
    a.wrapup_left_s = 125;
    CHECK_STR(board_state_text_at(&a, WALL, WALL, buf, sizeof buf), "wrap-up: 2:05 left");
    CHECK_STR(board_state_text_at(&a, WALL, WALL + 66000, buf, sizeof buf), "wrap-up: 59 s left");
    CHECK_STR(board_state_text_at(&a, WALL, WALL + 200000, buf, sizeof buf), "wrap-up: 0 s left");
    CHECK_INT(board_wrapup_left(&a, WALL, WALL - 5000), 125); /* the clock went back */
    CHECK_INT(board_wrapup_left(&a, 0, WALL), 125);           /* never got */
    snprintf(a.state, sizeof a.state, "busy");                /* a stray figure outside a wrap-up */
    a.call_ended = 0;
    CHECK_INT(board_wrapup_left(&a, WALL, WALL), -1);
    CHECK_STR(board_state_text_at(&a, WALL, WALL, buf, sizeof buf), "busy");
    CHECK(!board_in_wrapup(&a));
    /* malformed times left read as none */
    const char *bad[] = {"-3", "\"25\"", "1e300", "true", "null"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[200];
        snprintf(text, sizeof text,
                 "{\"queues\":[],\"agents\":[{\"name\":\"x\",\"state\":\"wrap-up\","
                 "\"wrapup_left_s\":%s}]}",
                 bad[i]);
        struct board_data *bd = parse_ok(text);
        CHECK(!bd->agents[0].wrapup_timed && bd->agents[0].wrapup_left_s == 0);
        CHECK_STR(board_state_text(&bd->agents[0], buf, sizeof buf), "wrap-up");
        free(bd);
    }
    CHECK_STR(board_pct(58.25, buf, sizeof buf), "58.2%");
    CHECK_STR(board_pct(-1, buf, sizeof buf), "-");
    CHECK_STR(board_menu_state(1), "break");
    CHECK(board_menu_state(BOARD_MENU_ITEMS) == NULL);
}

/* ---- the reducer ----------------------------------------------------------------------------- */

static void event(struct model *m, const char *text)
{
    cJSON *j = cJSON_Parse(text);
    CHECK(j != NULL);
    model_apply_event(m, j);
    cJSON_Delete(j);
    char err[200] = "";
    int rc = model_check(m, err, sizeof err);
    if (rc)
        printf("  invariant: %s\n", err);
    CHECK_INT(rc, 0);
}

static struct model *with_role(const char *role)
{
    struct model *m = model_new();
    model_tick(m, MONO, WALL);
    model_resize(m, 40, 120);
    model_set_conn(m, CLIENT_LIVE, 0, NULL);
    char *snap = xasprintf(
        "{\"type\":\"snapshot\",\"seq\":3,\"ts\":\"2026-01-02T03:04:05.000Z\",\"data\":{"
        "\"agent\":{\"name\":\"sue\",\"role\":\"%s\",\"endpoint\":\"client:sue\",\"state\":"
        "\"offline\",\"reason\":null,\"since_ms\":1767323000000,\"queues\":[\"support\"]},"
        "\"pending\":[],\"queues\":[]}}",
        role);
    event(m, snap);
    free(snap);
    struct model_cmd cmds[MODEL_CMDS_MAX];
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 1); /* GET /api/v1/me, not ours */
    CHECK_STR(cmds[0].path, "/api/v1/me");
    return m;
}

static int key(struct model *m, int k, enum km_action a, struct model_cmd *cmds)
{
    int n = model_apply_key(m, k, a, cmds, MODEL_CMDS_MAX);
    char err[200] = "";
    CHECK_INT(model_check(m, err, sizeof err), 0);
    return n;
}

static void answer(struct model *m, int tag, int status, const char *body, const char *err)
{
    cJSON *j = body ? cJSON_Parse(body) : NULL;
    model_apply_result(m, tag, status, j, err);
    cJSON_Delete(j);
    char e[200] = "";
    CHECK_INT(model_check(m, e, sizeof e), 0);
}

static int toasted(const struct model *m, const char *text)
{
    for (size_t i = 0; i < m->n_toasts; i++)
        if (strstr(m->toasts[i].text, text))
            return 1;
    return 0;
}

TEST(agents_never_see_it)
{
    struct model *m = with_role("agent");
    struct model_cmd cmds[MODEL_CMDS_MAX];
    CHECK_INT(key(m, KM_KEY_F(7), KA_VIEW_BOARD, cmds), 0);
    CHECK_INT(m->screen, MODEL_SCR_QUEUE);
    CHECK(toasted(m, "for supervisors"));
    event(m, "{\"seq\":4,\"type\":\"call.queued\",\"ts\":\"2026-01-02T03:04:06.000Z\","
             "\"data\":{\"call\":{\"sid\":\"CA1\",\"queue\":\"support\"}}}");
    CHECK(!m->board.due);
    model_tick(m, MONO + 10000, WALL + 10000);
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 0);
    model_free(m);
}

TEST(open_fetch_and_throttle)
{
    struct model *m = with_role("supervisor");
    struct model_cmd cmds[MODEL_CMDS_MAX];
    CHECK_INT(key(m, KM_KEY_F(7), KA_VIEW_BOARD, cmds), 1);
    CHECK_INT(m->screen, MODEL_SCR_BOARD);
    CHECK_INT(model_key_context(m), KM_BOARD);
    CHECK_STR(cmds[0].method, "GET");
    CHECK_STR(cmds[0].path, "/api/v1/wallboard");
    answer(m, cmds[0].tag, 200, real_board, NULL);
    CHECK(m->board.loaded && !m->board.asking);
    CHECK_INT(m->board.data.n_agents, 4);
    /* an event makes a fetch due, but not within a second of the last */
    event(m, "{\"seq\":4,\"type\":\"agent.state\",\"ts\":\"2026-01-02T03:04:06.000Z\","
             "\"data\":{\"agent\":{\"name\":\"bob\",\"state\":\"available\"}}}");
    CHECK(m->board.due);
    model_tick(m, MONO + 500, WALL + 500);
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 0);
    model_tick(m, MONO + 1000, WALL + 1000);
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 1);
    CHECK_STR(cmds[0].path, "/api/v1/wallboard");
    /* none while one is in flight, even with more events */
    event(m, "{\"seq\":5,\"type\":\"call.ended\",\"ts\":\"2026-01-02T03:04:07.000Z\","
             "\"data\":{\"call\":{\"sid\":\"CAaaa\"}}}");
    model_tick(m, MONO + 3000, WALL + 3000);
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 0);
    answer(m, MODEL_TAG_BOARD, 0, NULL, "connection refused");
    CHECK_STR(m->board.message, "connection refused");
    CHECK(m->board.loaded); /* the last figures stay */
    model_tick(m, MONO + 3100, WALL + 3100);
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 1); /* the due one */
    answer(m, cmds[0].tag, 200, real_board, NULL);
    CHECK_STR(m->board.message, "");
    /* no events: every five seconds anyway */
    model_tick(m, MONO + 7000, WALL + 7000);
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 0);
    model_tick(m, MONO + 8100, WALL + 8100);
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 1);
    answer(m, cmds[0].tag, 200, real_board, NULL);
    /* not while the screen is closed or the daemon is away */
    CHECK_INT(key(m, KM_KEY_F(2), KA_VIEW_QUEUE, cmds), 0);
    model_tick(m, MONO + 20000, WALL + 20000);
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 0);
    m->screen = MODEL_SCR_BOARD;
    model_set_conn(m, CLIENT_RECONNECTING, 0, "gone");
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 0);
    model_free(m);
}

static struct model *board_open(void)
{
    struct model *m = with_role("supervisor");
    struct model_cmd cmds[MODEL_CMDS_MAX];
    key(m, KM_KEY_F(7), KA_VIEW_BOARD, cmds);
    answer(m, cmds[0].tag, 200, real_board, NULL);
    return m;
}

TEST(monitor_keys)
{
    struct model *m = board_open();
    struct model_cmd cmds[MODEL_CMDS_MAX];
    CHECK_INT(m->board.sel, 0); /* ann, busy with CAaaa */
    CHECK_INT(key(m, 'l', KA_LISTEN, cmds), 1);
    CHECK_STR(cmds[0].method, "POST");
    CHECK_STR(cmds[0].path, "/api/v1/calls/CAaaa/monitor");
    CHECK(strstr(cmds[0].body, "\"mode\":\"listen\"") != NULL);
    answer(m, cmds[0].tag, 202, "{\"call_sid\":\"CAaaa\",\"result\":\"joining\"}", NULL);
    CHECK(toasted(m, "Listening to ann's call"));
    CHECK_STR(m->board.mon_sid, "CAaaa");
    CHECK_STR(m->board.mon_mode, "listen");
    CHECK_INT(key(m, 'w', KA_WHISPER, cmds), 1);
    CHECK(strstr(cmds[0].body, "\"mode\":\"whisper\"") != NULL);
    answer(m, cmds[0].tag, 409, NULL, "your leg is still joining the call: try again");
    CHECK(toasted(m, "Whisper into ann's call failed: your leg is still joining"));
    CHECK_STR(m->board.mon_mode, "listen"); /* unchanged */
    CHECK_INT(key(m, 'b', KA_BARGE, cmds), 1);
    CHECK(strstr(cmds[0].body, "\"mode\":\"barge\"") != NULL);
    answer(m, cmds[0].tag, 202, "{\"call_sid\":\"CAaaa\",\"result\":\"updated\"}", NULL);
    CHECK_STR(m->board.mon_mode, "barge");
    CHECK_INT(key(m, 'L', KA_LEAVE, cmds), 1);
    CHECK_STR(cmds[0].path, "/api/v1/calls/CAaaa/monitor/leave");
    answer(m, cmds[0].tag, 200, "{\"result\":\"left\"}", NULL);
    CHECK(toasted(m, "You left ann's call"));
    CHECK_STR(m->board.mon_sid, "");
    /* bob has no call: nothing is asked */
    CHECK_INT(key(m, 'j', KA_DOWN, cmds), 0);
    CHECK_INT(m->board.sel, 1);
    CHECK_INT(key(m, 'l', KA_LISTEN, cmds), 0);
    CHECK(toasted(m, "bob has no call in progress"));
    /* cy's call is over (wrap-up): not live either */
    key(m, 'j', KA_DOWN, cmds);
    CHECK_INT(key(m, 'b', KA_BARGE, cmds), 0);
    /* the selection follows the agent by name across answers */
    const char *moved = "{\"queues\":[],\"agents\":[{\"name\":\"abe\",\"state\":\"busy\"},"
                        "{\"name\":\"cy\",\"state\":\"available\"}]}";
    answer(m, MODEL_TAG_BOARD, 200, moved, NULL);
    CHECK_INT(m->board.sel, 1);
    CHECK_STR(m->board.data.agents[m->board.sel].name, "cy");
    model_free(m);
}

TEST(monitor_ends_with_the_call)
{
    struct model *m = board_open();
    struct model_cmd cmds[MODEL_CMDS_MAX];
    key(m, 'l', KA_LISTEN, cmds);
    answer(m, cmds[0].tag, 202, "{\"result\":\"joining\"}", NULL);
    CHECK_STR(m->board.mon_sid, "CAaaa");
    event(m, "{\"seq\":9,\"type\":\"call.ended\",\"ts\":\"2026-01-02T03:04:07.000Z\","
             "\"data\":{\"call\":{\"sid\":\"CAaaa\",\"status\":\"completed\"}}}");
    CHECK_STR(m->board.mon_sid, "");
    CHECK(m->board.due);
    model_free(m);
}

TEST(state_menu)
{
    struct model *m = board_open();
    struct model_cmd cmds[MODEL_CMDS_MAX];
    key(m, 'j', KA_DOWN, cmds); /* bob */
    CHECK_INT(key(m, 's', KA_AGENT_STATE, cmds), 0);
    CHECK(m->board.menu_open);
    CHECK_STR(m->board.menu_agent, "bob");
    CHECK_INT(model_key_context(m), KM_MENU);
    /* Enter on "available" sets it */
    CHECK_INT(key(m, KM_KEY_ENTER, KA_SELECT, cmds), 1);
    CHECK_STR(cmds[0].path, "/api/v1/agents/bob/state");
    CHECK(strstr(cmds[0].body, "\"state\":\"available\"") != NULL);
    CHECK(!m->board.menu_open);
    answer(m, cmds[0].tag, 200, "{}", NULL);
    CHECK(toasted(m, "bob is now available"));
    CHECK(m->board.due);
    /* a break asks for a reason, typed in the menu ('q' is text there) */
    key(m, 's', KA_AGENT_STATE, cmds);
    key(m, 'j', KA_DOWN, cmds);
    CHECK_INT(key(m, KM_KEY_ENTER, KA_SELECT, cmds), 0);
    CHECK(m->board.reason_editing);
    CHECK_INT(key(m, KM_KEY_ENTER, KA_SELECT, cmds), 0);
    CHECK(toasted(m, "A break needs a reason"));
    const char *typed = "quiz\x01";
    for (const char *p = typed; *p; p++)
        key(m, (unsigned char)*p, KA_NONE, cmds);
    key(m, KM_KEY_BACKSPACE, KA_NONE, cmds);
    key(m, 'x', KA_NONE, cmds);
    CHECK_STR(m->board.reason, "quix");
    CHECK(m->board.menu_open && m->screen == MODEL_SCR_BOARD);
    CHECK_INT(key(m, KM_KEY_ENTER, KA_SELECT, cmds), 1);
    CHECK(strstr(cmds[0].body, "\"state\":\"break\"") && strstr(cmds[0].body, "\"quix\""));
    answer(m, cmds[0].tag, 409, NULL, "bob is on a call");
    CHECK(toasted(m, "Setting bob to break failed: bob is on a call"));
    /* Esc closes without asking */
    key(m, 's', KA_AGENT_STATE, cmds);
    CHECK_INT(key(m, KM_KEY_ESC, KA_BACK, cmds), 0);
    CHECK(!m->board.menu_open);
    model_free(m);
}

TEST(f7_puts_a_popup_away)
{
    struct model *m = with_role("supervisor");
    struct model_cmd cmds[MODEL_CMDS_MAX];
    event(m, "{\"seq\":4,\"type\":\"offer.created\",\"ts\":\"2026-01-02T03:04:06.000Z\","
             "\"data\":{\"call_sid\":\"CA9\",\"agent\":\"sue\",\"queue\":\"support\","
             "\"mode\":\"ringall\",\"expires_ms\":null}}");
    CHECK_STR(m->popup_sid, "CA9");
    CHECK_INT(key(m, KM_KEY_F(7), KA_VIEW_BOARD, cmds), 1);
    CHECK_STR(m->popup_sid, ""); /* the offer stays, marked in the queue */
    CHECK_INT(m->n_offers, 1);
    CHECK_INT(m->screen, MODEL_SCR_BOARD);
    CHECK_STR(cmds[0].path, "/api/v1/wallboard");
    model_free(m);
}

int main(void)
{
    RUN(parse_real);
    RUN(parse_hostile_strings);
    RUN(parse_bad);
    RUN(parse_caps);
    RUN(helpers);
    RUN(agents_never_see_it);
    RUN(open_fetch_and_throttle);
    RUN(monitor_keys);
    RUN(monitor_ends_with_the_call);
    RUN(state_menu);
    RUN(f7_puts_a_popup_away);
    return check_done();
}
