/*
 * test_console_view_alerts: the supervisors' alerts and bad-number screens drawn on a null
 * terminal and read back: the rules firing now in the error role above the recent
 * transitions (fired in the error role, cleared in the ok one), the count of firing alerts in
 * the status bar on every screen (supervisors only), the flagged numbers with their code's
 * badge in its category's colour, the replacement prompt with its refusal and the
 * do-not-call question, hostile text drawn harmlessly, the F9 legend within 80 columns, the
 * help listing the new keys, and the loading and failed states.
 */
#include "check.h"

#include <locale.h>

#include "console_alerts_fixture.h"
#include "console_view_fixture.h"

static struct model *alerts_model(void)
{
    struct model *m = ax_supervisor(ax_alerts);
    struct model_cmd cmds[MODEL_CMDS_MAX];
    ax_key(m, KM_KEY_F(9), cmds);
    return m;
}

TEST(alerts_screen)
{
    struct model *m = alerts_model();
    draw(m, 40, 120);
    CHECK(find("2 firing now") == 1);
    int y = find("error 31005 ended 3 calls");
    CHECK(y > 1);
    CHECK(cell_is(y, col_of(y, "error_code"), TR_ERROR));
    CHECK(cell_is(y, col_of(y, "error 31005"), TR_ERROR));
    int r = find("Recent transitions");
    CHECK(r > y);
    int fired = find("recordings back to normal");
    CHECK(fired > r);
    CHECK(cell_is(fired, col_of(fired, "cleared"), TR_OK));
    int a = find("answer rate 40% under 80%");
    CHECK(a > 0);
    /* the selected transition (the first) in reverse, its state too */
    int first = r + 2;
    CHECK(strstr(row(first), "fired") != NULL && strstr(row(first), "error_code") != NULL);
    CHECK(cell_is(first, col_of(first, "fired"), TR_SELECTED));
    CHECK(strstr(row(first + 1), "0.4") != NULL);
    CHECK(cell_is(first + 1, col_of(first + 1, "fired"), TR_ERROR));
    /* the status bar counts them, here and elsewhere */
    CHECK(strstr(row(0), "2 alerts") != NULL);
    CHECK(cell_is(0, col_of(0, "2 alerts"), TR_STATUS_WARN));
    CHECK(strstr(row(0), "Alerts") != NULL);
    m->screen = MODEL_SCR_QUEUE;
    draw(m, 24, 80);
    CHECK(strstr(row(0), "2 alerts") != NULL);
    /* the legend: F9 there, and F10 still whole within 80 columns */
    CHECK(strstr(row(23), "F9Alerts") != NULL);
    CHECK(strstr(row(23), "F10Quit") != NULL);
    CHECK(strstr(row(23), "F7Board") != NULL);
    m->screen = MODEL_SCR_ALERTS;
    draw(m, 24, 80);
    CHECK(find("2 firing now") == 1);
    CHECK(find("Tab bad numbers") == 21);
    model_free(m);
}

TEST(nothing_firing_hostile_and_agents)
{
    struct model *m = alerts_model();
    fx_result(m, MODEL_TAG_ALERTS, 200, "{\"firing\":[],\"recent\":[]}", NULL);
    FX_EV(m, 11, "alert.cleared", "%s",
          "{\"rule\":\"\\u001b]0;pwned\\u0007ev\\u202eil\",\"message\":\"\\u001b[2Jback\"}");
    draw(m, 24, 80);
    CHECK(find("No rule is firing.") > 0);
    CHECK(find("0 firing now") == 1);
    CHECK(strstr(row(0), "alert") == NULL); /* no count when none fires */
    int y = find("back");
    CHECK(y > 0);
    CHECK(strchr(row(y), '\x1b') == NULL && strstr(row(y), "\xe2\x80\xae") == NULL);
    /* an agent: no count, no F9 in the legend, none of it in the help */
    FX_EV(m, 12, "alert.fired", "%s", "{\"rule\":\"x\",\"message\":\"y\"}");
    draw(m, 24, 80);
    CHECK(strstr(row(0), "1 alert ") != NULL);
    snprintf(m->agent.role, sizeof m->agent.role, "agent");
    m->screen = MODEL_SCR_QUEUE;
    m->help_open = 1;
    draw(m, 40, 100);
    CHECK(strstr(row(0), "alert") == NULL);
    CHECK(strstr(row(39), "F9") == NULL);
    CHECK(strstr(row(39), "F8Errors") != NULL);
    CHECK(find("the alerts: rules firing now") < 0);
    model_free(m);
}

TEST(loading_and_failed)
{
    struct model *m = ax_supervisor(NULL);
    struct model_cmd cmds[MODEL_CMDS_MAX];
    ax_key(m, KM_KEY_F(9), cmds);
    draw(m, 24, 80);
    CHECK(find("Loading the alerts...") > 0);
    CHECK(find("updating...") == 1);
    fx_result(m, MODEL_TAG_ALERTS, 503, NULL, "the database is not answering");
    draw(m, 24, 80);
    CHECK(find("The alerts could not be loaded: the database is not answering") > 0);
    ax_key(m, KM_KEY_TAB, cmds);
    draw(m, 24, 80);
    CHECK(find("Loading the flagged numbers...") > 0);
    CHECK(strstr(row(1), "Bad numbers") != NULL);
    CHECK(strstr(row(0), "Bad numbers") != NULL);
    fx_result(m, MODEL_TAG_NUMBERS, 200, "{\"numbers\":[]}", NULL);
    draw(m, 24, 80);
    CHECK(find("No number is waiting for review.") > 0);
    CHECK(find("0 flagged for review") == 1);
    model_free(m);
}

TEST(numbers_screen)
{
    struct model *m = alerts_model();
    struct model_cmd cmds[MODEL_CMDS_MAX];
    ax_key(m, KM_KEY_TAB, cmds);
    char body[2048];
    snprintf(
        body, sizeof body, "{\"numbers\":[%s,%s]}",
        ax_number("+14155550311", "bad number", 13224, 1, "2026-01-02T03:04:00.000Z"),
        ax_number("+14155550300", "3 failures in a row", 31486, 3, "2026-01-02T03:00:00.000Z"));
    fx_result(m, MODEL_TAG_NUMBERS, 200, body, NULL);
    draw(m, 24, 80);
    CHECK(find("2 flagged for review") == 1);
    int h = find("Number");
    CHECK(h > 1 && col_of(h, "Reason") > col_of(h, "Number"));
    CHECK(col_of(h, "Code") > col_of(h, "Reason") && col_of(h, "Last seen") > col_of(h, "Count"));
    int y = find("+14155550311");
    CHECK(y == h + 1);
    CHECK(strstr(row(y), "[13224 bad-number]") != NULL);
    CHECK(cell_is(y, 1, TR_SELECTED));
    int b = find("+14155550300");
    CHECK(strstr(row(b), "[31486 busy]") != NULL);
    CHECK(cell_is(b, col_of(b, "[31486 busy]"), theme_badge_role(DT_ERRCAT_BUSY)));
    CHECK(strstr(row(b), "03:00:00") != NULL); /* today, in UTC */
    /* f: the replacement prompt, and its refusal in words */
    ax_key(m, 'f', cmds);
    ax_type(m, "12");
    ax_key(m, KM_KEY_ENTER, cmds);
    draw(m, 24, 80);
    int p = find("Replacement for +14155550311: 12");
    CHECK(p > 0 && p == find("f fixed (new number)") - 1);
    CHECK(cell_is(p, col_of(p, "12"), TR_INPUT));
    CHECK(strlen(m->numbers.input_msg) > 0);
    CHECK(cell_is(p, 1 + 25 + (int)strlen("Replacement for +14155550311: "), TR_ERROR));
    ax_key(m, KM_KEY_ESC, cmds);
    /* n: the question */
    ax_key(m, 'j', cmds);
    ax_key(m, 'n', cmds);
    draw(m, 24, 80);
    p = find("Mark +14155550300 do-not-call?");
    CHECK(p > 0 && p == find("f fixed (new number)") - 1 && strstr(row(p), "(y/n)") != NULL);
    CHECK(cell_is(p, 1, TR_WARNING));
    /* the help lists the screen's keys */
    ax_key(m, 'n', cmds);
    m->help_open = 1;
    draw(m, 40, 100);
    CHECK(find("mark the selected number do-not-call") > 0);
    CHECK(find("mark the selected number fixed, with its replacement") > 0);
    CHECK(find("On this screen (numbers)") > 0);
    model_free(m);
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    setenv("TZ", "UTC", 1);
    tzset();
    km = km_new();
    screen_open();
    RUN(alerts_screen);
    RUN(nothing_firing_hostile_and_agents);
    RUN(loading_and_failed);
    RUN(numbers_screen);
    screen_close();
    km_free(km);
    km_free(ax_km);
    return check_done();
}
