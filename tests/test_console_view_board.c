/*
 * test_console_view_board: the wallboard screen drawn from a model that got a wallboard
 * answer, on a null terminal (newterm on /dev/null), read back row by row and cell by cell:
 * the queue and agent figures, the warning role on the cells the daemon warns about (and on
 * a wait that passes its limit between answers), times that tick, states with their reasons,
 * a timed wrap-up's time left counting down, hostile names drawn harmlessly, the state menu,
 * the F7 legend for supervisors only, and everything within 80 columns.
 */
#include "check.h"

#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "console/app.h"
#include "console/keymap.h"
#include "console/model.h"
#include "console/theme_curses.h"
#include "console/view.h"
#include "console_view_fixture.h"

static const int64_t wall0 = 1767323045000;

static const char board_json[] =
    "{\"day\":{\"start\":\"2026-01-02T00:00:00.000Z\",\"timezone\":\"UTC\",\"reset\":\"00:00\"},"
    "\"now_ms\":1767323045000,\"queues\":["
    "{\"name\":\"support\",\"waiting\":2,\"longest_wait_s\":75,\"handled\":8,\"abandoned\":3,"
    "\"offered\":12,\"service_level\":58.3,\"service_level_target\":80,\"long_wait_s\":60,"
    "\"asa_s\":14.5,\"aht_s\":182.2,\"warnings\":[\"service_level\",\"long_wait\"]},"
    "{\"name\":\"sales\",\"waiting\":1,\"longest_wait_s\":55,\"handled\":4,\"abandoned\":0,"
    "\"offered\":4,\"service_level\":100,\"service_level_target\":80,\"long_wait_s\":60,"
    "\"asa_s\":3,\"aht_s\":61,\"warnings\":[]}],"
    "\"agents\":["
    "{\"name\":\"ann\",\"role\":\"agent\",\"state\":\"busy\",\"in_state_s\":45,\"call\":{"
    "\"sid\":\"CAaaa\",\"party\":\"+14155550123\",\"caller_name\":\"Maria Garc\xc3\xad"
    "a\",\"duration_s\":35,\"ended\":false},\"handled\":5,\"missed_offers\":1},"
    "{\"name\":\"bob\",\"role\":\"agent\",\"state\":\"break\",\"reason\":\"lunch\","
    "\"in_state_s\":1045,\"call\":null,\"handled\":3,\"missed_offers\":0},"
    "{\"name\":\"cy\",\"role\":\"agent\",\"state\":\"wrap-up\",\"in_state_s\":5,\"call\":{"
    "\"sid\":\"CAccc\",\"party\":\"+442071838750\",\"duration_s\":40,\"ended\":true},"
    "\"handled\":0,\"missed_offers\":0,\"wrapup_ends_ms\":1767323070000,\"wrapup_left_s\":25},"
    "{\"name\":\"\\u001b]0;pwned\\u0007ev\\u202eil\",\"role\":\"agent\",\"state\":"
    "\"available\",\"in_state_s\":1,\"call\":null,\"handled\":0,\"missed_offers\":0}],"
    "\"warnings\":[{\"queue\":\"support\",\"kind\":\"long_wait\",\"message\":"
    "\"a caller has waited 75 s, over 60 s\"}]}";

static struct model *board_model(const char *role)
{
    struct model *m = model_new();
    model_tick(m, 100000, wall0);
    model_set_conn(m, CLIENT_LIVE, 0, NULL);
    m->agent.known = 1;
    snprintf(m->agent.name, sizeof m->agent.name, "sue");
    snprintf(m->agent.role, sizeof m->agent.role, "%s", role);
    snprintf(m->agent.state, sizeof m->agent.state, "offline");
    m->screen = MODEL_SCR_BOARD;
    cJSON *j = cJSON_Parse(board_json);
    model_apply_result(m, MODEL_TAG_BOARD, 200, j, NULL);
    cJSON_Delete(j);
    return m;
}

TEST(figures_and_warnings)
{
    struct model *m = board_model("supervisor");
    CHECK(m->board.loaded);
    draw(m, 30, 110);
    CHECK(find("Wallboard") >= 0);
    int y = find(" support ");
    CHECK(y > 0);
    const char *r = row(y);
    CHECK(strstr(r, "58.3%") && strstr(r, "80%") && strstr(r, "1:15") && strstr(r, "0:15") &&
          strstr(r, "3:02"));
    /* support warns on its name, waits and service level; sales does not */
    CHECK(cell_is(y, col_of(y, "support"), TR_WARNING));
    CHECK(cell_is(y, col_of(y, "58.3%"), TR_WARNING));
    CHECK(cell_is(y, col_of(y, "1:15"), TR_WARNING));
    CHECK(!cell_is(y, col_of(y, "80%"), TR_WARNING));
    int s = find(" sales ");
    CHECK(s > y);
    CHECK(!cell_is(s, col_of(s, "sales"), TR_WARNING));
    CHECK(!cell_is(s, col_of(s, "100.0%"), TR_WARNING));
    CHECK(find("! support: a caller has waited 75 s, over 60 s") > 0);
    /* agents: state and reason, the call, never available in wrap-up */
    int a = find(" ann ");
    CHECK(a > s);
    CHECK(strstr(row(a), "busy") &&
          strstr(row(a), "Maria Garc\xc3\xad"
                         "a +14155550123") &&
          strstr(row(a), "0:35") && strstr(row(a), "0:45"));
    CHECK(strstr(row(find(" bob ")), "break: lunch") != NULL);
    CHECK(strstr(row(find(" cy ")), "wrap-up: 25 s left") != NULL); /* the queue's timer */
    CHECK(strstr(row(find(" cy ")), "available") == NULL);
    CHECK(cell_is(find(" cy "), col_of(find(" cy "), "wrap-up"), TR_HOLD));
    CHECK(cell_is(a, 1, TR_SELECTED)); /* the selection starts on the first agent */
    /* the hostile name: its text is there, its escapes and override are not */
    int e = find("pwned");
    CHECK(e > 0);
    CHECK(strchr(row(e), '\x1b') == NULL && strstr(row(e), "\xe2\x80\xae") == NULL);
    model_free(m);
}

TEST(times_tick)
{
    struct model *m = board_model("supervisor");
    model_tick(m, 110000, wall0 + 10000);
    draw(m, 30, 110);
    int y = find(" sales ");
    /* 55 s + 10 s passes its 60 s limit between answers: the wait turns by itself */
    CHECK(y > 0 && strstr(row(y), "1:05") != NULL);
    CHECK(cell_is(y, col_of(y, "1:05"), TR_WARNING));
    int a = find(" ann ");
    CHECK(strstr(row(a), "0:55") && strstr(row(a), "0:45")); /* in state 45+10, call 35+10 */
    int c = find(" cy ");
    CHECK(strstr(row(c), "0:40"));               /* an ended call's duration stays */
    CHECK(strstr(row(c), "wrap-up: 15 s left")); /* the wrap-up's time left counts down */
    CHECK(find("updated 0:10 ago") >= 0);
    model_tick(m, 140000, wall0 + 40000);
    draw(m, 30, 110);
    CHECK(strstr(row(find(" cy ")), "wrap-up: 0 s left")); /* and stops at 0 */
    model_free(m);
}

TEST(legend_and_menu)
{
    struct model *m = board_model("supervisor");
    draw(m, 24, 80);
    CHECK(strstr(row(23), "F7Board") != NULL);
    CHECK(find(" ann ") > 0);
    struct model_cmd cmds[MODEL_CMDS_MAX];
    model_apply_key(m, 's', KA_AGENT_STATE, cmds, MODEL_CMDS_MAX);
    model_apply_key(m, 'j', KA_DOWN, cmds, MODEL_CMDS_MAX);
    model_apply_key(m, KM_KEY_ENTER, KA_SELECT, cmds, MODEL_CMDS_MAX);
    model_apply_key(m, 'q', KA_BACK, cmds, MODEL_CMDS_MAX); /* text in the reason */
    draw(m, 24, 80);
    CHECK(find("State of ann") > 0);
    CHECK(find("Reason: q") > 0);
    CHECK(find("Break (with a reason)") > 0);
    model_free(m);
    m = board_model("agent");
    m->screen = MODEL_SCR_QUEUE;
    draw(m, 24, 80);
    CHECK(strstr(row(23), "F6Call") != NULL);
    CHECK(strstr(row(23), "Board") == NULL);
    model_free(m);
}

TEST(not_loaded)
{
    struct model *m = model_new();
    model_tick(m, 100000, wall0);
    m->agent.known = 1;
    snprintf(m->agent.role, sizeof m->agent.role, "supervisor");
    m->screen = MODEL_SCR_BOARD;
    draw(m, 24, 80);
    CHECK(find("Loading the wallboard...") > 0);
    model_apply_result(m, MODEL_TAG_BOARD, 403, NULL, "the wallboard is for supervisors");
    draw(m, 24, 80);
    CHECK(find("could not be loaded: the wallboard is for supervisors") > 0);
    model_free(m);
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    km = km_new();
    screen_open();
    RUN(figures_and_warnings);
    RUN(times_tick);
    RUN(legend_and_menu);
    RUN(not_loaded);
    screen_close();
    km_free(km);
    return check_done();
}
