/*
 * test_console_views: the console's terminal side without a terminal. Keys as
 * curses returns them turned into keymap keys, and each view drawn from a
 * hand-made model into curses' screen on a null terminal (newterm on /dev/null
 * with a fixed size), then read back row by row: what an agent would see, cut
 * to the columns, with hostile and wide text.
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
#include "console/sanitize.h"
#include "console/theme_curses.h"
#include "console/view.h"
#include "console_view_fixture.h"

/* ---- keys
 * -----------------------------------------------------------------------------------
 */

TEST(keys_from_curses)
{
    CHECK_INT(app_key_from_curses(KEY_CODE_YES, KEY_F(1)), KM_KEY_F(1));
    CHECK_INT(app_key_from_curses(KEY_CODE_YES, KEY_F(10)), KM_KEY_F(10));
    CHECK_INT(app_key_from_curses(KEY_CODE_YES, KEY_UP), KM_KEY_UP);
    CHECK_INT(app_key_from_curses(KEY_CODE_YES, KEY_NPAGE), KM_KEY_PGDN);
    CHECK_INT(app_key_from_curses(KEY_CODE_YES, KEY_HOME), KM_KEY_HOME);
    CHECK_INT(app_key_from_curses(KEY_CODE_YES, KEY_FIND), KM_KEY_HOME);
    CHECK_INT(app_key_from_curses(KEY_CODE_YES, KEY_ENTER), KM_KEY_ENTER);
    CHECK_INT(app_key_from_curses(KEY_CODE_YES, KEY_BACKSPACE), KM_KEY_BACKSPACE);
    CHECK_INT(app_key_from_curses(KEY_CODE_YES, KEY_BTAB), KM_KEY_BTAB);
    CHECK_INT(app_key_from_curses(KEY_CODE_YES, KEY_RESIZE), KM_KEY_RESIZE);
    CHECK_INT(app_key_from_curses(KEY_CODE_YES, KEY_MOUSE), 0);
    CHECK_INT(app_key_from_curses(OK, '\r'), KM_KEY_ENTER);
    CHECK_INT(app_key_from_curses(OK, '\n'), KM_KEY_ENTER);
    CHECK_INT(app_key_from_curses(OK, 27), KM_KEY_ESC);
    CHECK_INT(app_key_from_curses(OK, 127), KM_KEY_BACKSPACE);
    CHECK_INT(app_key_from_curses(OK, '\t'), KM_KEY_TAB);
    CHECK_INT(app_key_from_curses(OK, 'a'), 'a');
    CHECK_INT(app_key_from_curses(OK, '?'), '?');
    CHECK_INT(app_key_from_curses(OK, 0xe9), 0xe9);     /* é */
    CHECK_INT(app_key_from_curses(OK, 0x5c71), 0x5c71); /* 山 */
    CHECK_INT(app_key_from_curses(OK, 3), KM_CTRL('c'));
    CHECK_INT(app_key_from_curses(OK, 21), KM_CTRL('u'));
    /* Controls that are no key: NUL, C1 (CSI), surrogates, past Unicode; ERR. */
    CHECK_INT(app_key_from_curses(OK, 0), 0);
    CHECK_INT(app_key_from_curses(OK, 0x9b), 0);
    CHECK_INT(app_key_from_curses(OK, 0xd800), 0);
    CHECK_INT(app_key_from_curses(OK, 0x110000), 0);
    CHECK_INT(app_key_from_curses(ERR, 'a'), 0);
    /* What the keymap then makes of them. */
    CHECK_INT(km_lookup(km, KM_GLOBAL, app_key_from_curses(KEY_CODE_YES, KEY_F(1))), KA_HELP);
    CHECK_INT(km_lookup(km, KM_OFFER, app_key_from_curses(OK, '\r')), KA_ACCEPT);
}

/* ---- views on a null terminal
 * --------------------------------------------------------------- */

static int64_t wall0 = 1767323045000; /* 2026-01-02T03:04:05Z */

static struct model *new_model(void)
{
    struct model *m = model_new();
    model_tick(m, 100000, wall0);
    model_set_conn(m, CLIENT_LIVE, 0, NULL);
    m->agent.known = 1;
    snprintf(m->agent.name, sizeof m->agent.name, "alice");
    snprintf(m->agent.state, sizeof m->agent.state, "available");
    m->agent.since_ms = wall0 - 75000;
    return m;
}

static void add_caller(struct model *m, const char *name, const char *number, int64_t ago_s,
                       int offered)
{
    struct model_caller *k = &m->waiting[m->n_waiting];
    snprintf(k->sid, sizeof k->sid, "CA%030zu", m->n_waiting);
    tx_sanitize(name, strlen(name), k->name, sizeof k->name);
    snprintf(k->number, sizeof k->number, "%s", number);
    snprintf(k->queue, sizeof k->queue, "support");
    k->since_ms = wall0 - ago_s * 1000;
    k->position = (int)++m->n_waiting;
    k->offered = offered;
}

TEST(too_small)
{
    struct model *m = new_model();
    draw(m, 20, 70);
    CHECK(find("Terminal too small") >= 0);
    CHECK(find("70x20: dialtone needs at least 80x24.") >= 0);
    CHECK(find("alice") < 0); /* nothing else is drawn */
    draw(m, 24, 79);
    CHECK(find("Terminal too small") >= 0);
    draw(m, 24, 80);
    CHECK(find("Terminal too small") < 0);
    CHECK(find("alice") == 0);
    model_free(m);
}

TEST(status_bar_and_legend)
{
    struct model *m = new_model();
    draw(m, 30, 100);
    const char *top = row(0);
    CHECK(strstr(top, "alice") != NULL);
    CHECK(strstr(top, "available 1:15") != NULL);
    CHECK(strstr(top, "live") != NULL);
    char clock[16];
    time_t t = (time_t)(wall0 / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(clock, sizeof clock, "%H:%M:%S", &tm);
    CHECK(strstr(top, clock) != NULL);
    CHECK(strstr(top, "Queue") != NULL);
    const char *legend = row(29);
    CHECK(strstr(legend, "F1Help") != NULL);
    CHECK(strstr(legend, "F10Quit") != NULL);
    /* Not live: a banner under the status bar, with the countdown. */
    model_set_conn(m, CLIENT_RECONNECTING, 100000 + 4500, "connection refused");
    draw(m, 30, 100);
    CHECK(strstr(row(0), "reconnecting in 5s") != NULL);
    CHECK(strstr(row(1), "Reconnecting in 5 s (r: now). Lost the daemon: connection refused") !=
          NULL);
    model_set_conn(m, CLIENT_OFFLINE, 0, "the daemon refused the token (401)");
    draw(m, 30, 100);
    CHECK(strstr(row(1), "Offline: the daemon refused the token (401)") != NULL);
    model_free(m);
}

TEST(queue_rows)
{
    struct model *m = new_model();
    add_caller(m, "Ann Lee", "+14155550123", 65, 0);
    add_caller(m, "Jos\xc3\xa9 \xe5\xb1\xb1\xe7\x94\xb0", "+442071234567", 5, 1);
    add_caller(m, "\x1b]52;c;aGk=\x07\x1b[2JEvil", "+15550000000", 1, 0);
    draw(m, 30, 100);
    CHECK(find("Waiting callers: 3") >= 0);
    int y = find("Ann Lee");
    CHECK(y > 0);
    CHECK(strstr(row(y), "+14155550123") != NULL);
    CHECK(strstr(row(y), "1:05") != NULL);
    CHECK(strstr(row(y), "support") != NULL);
    y = find("Jos\xc3\xa9 \xe5\xb1\xb1\xe7\x94\xb0");
    CHECK(y > 0);
    CHECK(strstr(row(y), "0:05") != NULL);
    y = find("Evil");
    CHECK(y > 0);
    CHECK(strstr(row(y), "\x1b") == NULL);
    CHECK(strstr(row(y), TX_REPLACEMENT) != NULL);
    /* A name too long for its column is cut with an ellipsis, the columns stay.
     */
    add_caller(m,
               "Bartholomew Maximilian Featherstonehaugh-Cholmondeley the Third "
               "of Nowhere",
               "+15551112222", 3, 0);
    draw(m, 30, 100);
    y = find("Bartholomew");
    CHECK(y > 0);
    CHECK(strstr(row(y), TX_ELLIPSIS) != NULL);
    CHECK(strstr(row(y), "+15551112222") != NULL);
    /* A filter: only the callers it matches, and how many. */
    snprintf(m->queue_filter, sizeof m->queue_filter, "+44");
    m->queue_filter_editing = 1;
    draw(m, 30, 100);
    CHECK(find("1 shown, filter: +44") >= 0);
    CHECK(find("Jos\xc3\xa9") > 0);
    CHECK(find("Ann Lee") < 0);
    CHECK(find("Bartholomew") < 0);
    snprintf(m->queue_filter, sizeof m->queue_filter, "nobody");
    draw(m, 30, 100);
    CHECK(find("No waiting caller matches the filter.") >= 0);
    model_free(m);
}

TEST(offer_popup)
{
    struct model *m = new_model();
    add_caller(m, "Ann Lee", "+14155550123", 42, 1);
    struct model_offer *of = &m->offers[m->n_offers++];
    snprintf(of->sid, sizeof of->sid, "%s", m->waiting[0].sid);
    snprintf(of->name, sizeof of->name, "Ann Lee");
    snprintf(of->number, sizeof of->number, "+14155550123");
    snprintf(of->queue, sizeof of->queue, "support");
    of->since_ms = wall0 - 42000;
    of->expires_ms = wall0 + 17500;
    snprintf(m->popup_sid, sizeof m->popup_sid, "%s", of->sid);
    draw(m, 30, 100);
    CHECK(find("Incoming call") >= 0);
    CHECK(find("Queue support, waited 0:42") >= 0);
    CHECK(find("Reserved for you: 18 s left") >= 0);
    int y = find("accept");
    CHECK(y >= 0);
    CHECK(y >= 0 && strstr(row(y), "a, Enter accept") != NULL);
    CHECK(y >= 0 && strstr(row(y), "decline") != NULL);
    /* The legend follows the popup's context. */
    CHECK(strstr(row(29), "F1Help") != NULL);
    model_free(m);
}

TEST(call_and_wrapup)
{
    struct model *m = new_model();
    m->screen = MODEL_SCR_CALL;
    draw(m, 30, 100);
    CHECK(find("No active call") >= 0);
    struct model_call *k = &m->call;
    k->phase = MODEL_CALL_CONNECTED;
    snprintf(k->name, sizeof k->name, "Ann Lee");
    snprintf(k->number, sizeof k->number, "+14155550123");
    snprintf(k->queue, sizeof k->queue, "support");
    k->started_ms = wall0 - 125000;
    k->on_hold = 1;
    k->muted = 1;
    draw(m, 30, 100);
    CHECK(find("Inbound call") >= 0);
    CHECK(find("Ann Lee") >= 0);
    int y = find("Connected");
    CHECK(y >= 0 && strstr(row(y), "2:05") != NULL);
    y = find("ON HOLD");
    CHECK(y >= 0 && strstr(row(y), "MUTED") != NULL);
    y = find("hold");
    CHECK(find("x hang up") >= 0);
    m->wrapup.open = 1;
    snprintf(m->wrapup.party, sizeof m->wrapup.party, "Ann Lee");
    m->wrapup.selected = 1;
    draw(m, 30, 100);
    CHECK(find("Wrap-up: call with Ann Lee") >= 0);
    y = find("> ");
    CHECK(y >= 0);
    CHECK(y >= 0 && strstr(row(y), m->wrapup.dispos[1].label) != NULL);
    model_free(m);
}

/* A call transferred here names who sent it; a transfer under way shows its party and, once a
 * warm party answered, how to finish or cancel it; the transfer dialog lists the agents. */
TEST(call_transfer_views)
{
    struct model *m = new_model();
    m->screen = MODEL_SCR_CALL;
    struct model_call *k = &m->call;
    k->phase = MODEL_CALL_CONNECTED;
    snprintf(k->name, sizeof k->name, "Ann Lee");
    snprintf(k->number, sizeof k->number, "+14155550123");
    snprintf(k->from_agent, sizeof k->from_agent, "bob");
    k->started_ms = wall0 - 5000;
    draw(m, 30, 100);
    CHECK(find("transferred to you by bob") >= 0);
    CHECK(find("Transferring") < 0);
    k->xfer_phase = MODEL_XFER_STARTED;
    k->xfer_warm = 1;
    snprintf(k->xfer_to, sizeof k->xfer_to, "carol");
    draw(m, 30, 100);
    CHECK(find("Transferring (warm) to carol: ringing...") >= 0);
    k->xfer_phase = MODEL_XFER_CONNECTED;
    draw(m, 30, 100);
    CHECK(find("Transfer (warm): carol answered") >= 0);
    CHECK(find("t or :complete to finish, :cancel takes the caller back") >= 0);
    /* the dialog: the agents and their states, cold or warm */
    struct model_transfer *t = &m->transfer;
    t->open = 1;
    static const char *const names[][2] = {{"carol", "available"}, {"dave", "break"}};
    for (size_t i = 0; i < 2; i++) {
        snprintf(t->agents[i], sizeof t->agents[i], "%s", names[i][0]);
        snprintf(t->agent_states[i], sizeof t->agent_states[i], "%s", names[i][1]);
    }
    t->n_agents = 2;
    draw(m, 30, 100);
    int y = find("carol");
    CHECK(y >= 0 && strstr(row(y), "available") != NULL);
    y = find("dave");
    CHECK(y >= 0 && strstr(row(y), "break") != NULL);
    CHECK(find("Enter transfers (cold), C-w makes it warm") >= 0);
    t->warm = 1;
    draw(m, 30, 100);
    CHECK(find("Enter transfers (warm), C-w makes it cold") >= 0);
    model_free(m);
}

TEST(history_rows)
{
    struct model *m = new_model();
    m->screen = MODEL_SCR_HISTORY;
    m->history.loaded = 1;
    m->history.cap = 4;
    m->history.rows = calloc(4, sizeof *m->history.rows);
    struct model_hist_row *r = &m->history.rows[0];
    snprintf(r->sid, sizeof r->sid, "CA1");
    r->created_ms = wall0 - 3600000;
    r->outbound = 1;
    snprintf(r->number, sizeof r->number, "+15005550003");
    snprintf(r->name, sizeof r->name, "Bob");
    r->duration_s = 0;
    snprintf(r->outcome, sizeof r->outcome, "failed");
    r->has_error = 1;
    r->error_code = 31486;
    r->category = DT_ERRCAT_BUSY;
    snprintf(r->badge, sizeof r->badge, "31486 busy");
    m->history.count = 1;
    m->history.has_more = 1;
    draw(m, 30, 120);
    CHECK(find("Call history") >= 0);
    int y = find("+15005550003");
    CHECK(y > 0);
    CHECK(y > 0 && strstr(row(y), "[31486 busy]") != NULL);
    CHECK(y > 0 && strstr(row(y), "out") != NULL);
    CHECK(y > 0 && strstr(row(y), "failed") != NULL);
    CHECK(find("row 1 of 1, more below") >= 0);
    /* The filter being typed. */
    m->history.filter_editing = 1;
    snprintf(m->history.filter_edit, sizeof m->history.filter_edit, "busy");
    draw(m, 30, 120);
    CHECK(find("Filter: busy") >= 0);
    model_free(m);
}

TEST(history_top_follows_selection)
{
    struct model_history h = {.count = 100, .selected = 0, .top = 0};
    CHECK_INT(view_history_top(&h, 10), 0);
    h.selected = 9;
    CHECK_INT(view_history_top(&h, 10), 0);
    h.selected = 10;
    CHECK_INT(view_history_top(&h, 10), 1);
    h.selected = 99;
    CHECK_INT(view_history_top(&h, 10), 90);
    h.top = 50;
    h.selected = 40;
    CHECK_INT(view_history_top(&h, 10), 40);
}

TEST(help_from_live_keymap)
{
    struct model *m = new_model();
    m->help_open = 1;
    m->screen = MODEL_SCR_CALL;
    draw(m, 30, 100);
    CHECK(find("Keys") >= 0);
    CHECK(find("put the caller on hold") >= 0);
    CHECK(find("Everywhere:") >= 0);
    /* A rebinding shows at once. */
    char err[128];
    CHECK_INT(km_parse_override(km, "hold", "H, F7", err, sizeof err), 0);
    draw(m, 30, 100);
    int y = find("put the caller on hold");
    CHECK(y >= 0 && strstr(row(y), "H, F7") != NULL);
    model_free(m);
}

TEST(toasts_and_prompt)
{
    struct model *m = new_model();
    model_toast(m, MODEL_ERROR, "Call to +15005550003 failed: number busy.");
    m->prompt.open = 1;
    snprintf(m->prompt.text, sizeof m->prompt.text, "dial +1415");
    draw(m, 30, 100);
    CHECK(find("Call to +15005550003 failed: number busy.") == 27);
    CHECK(strncmp(row(28), ":dial +1415", 11) == 0);
    /* A toast wider than half the screen over the history's last row takes the row: no
     * half-cut text of the row beside it. */
    m->prompt.open = 0;
    m->screen = MODEL_SCR_HISTORY;
    m->history.loaded = 1;
    m->history.cap = 1;
    m->history.rows = calloc(1, sizeof *m->history.rows);
    snprintf(m->history.rows[0].sid, sizeof m->history.rows[0].sid, "CA1");
    m->history.count = 1;
    model_toast(m, MODEL_ERROR,
                "Call to +14155550203 failed: Busy Here (31486). The line was busy; try again.");
    draw(m, 30, 100);
    int y = find("The line was busy");
    CHECK(y > 0);
    CHECK(y > 0 && strstr(row(y), "row 1 of 1") == NULL);
    CHECK(y > 0 && strstr(row(y), "Call to") == row(y) + strspn(row(y), " "));
    model_free(m);
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    km = km_new();
    RUN(keys_from_curses);
    screen_open();
    RUN(too_small);
    RUN(status_bar_and_legend);
    RUN(queue_rows);
    RUN(offer_popup);
    RUN(call_and_wrapup);
    RUN(call_transfer_views);
    RUN(history_rows);
    RUN(history_top_follows_selection);
    RUN(help_from_live_keymap);
    RUN(toasts_and_prompt);
    screen_close();
    km_free(km);
    return check_done();
}
