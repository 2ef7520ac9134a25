/*
 * test_console_view_errors: the errors screen drawn from a model that got an errors answer,
 * on a null terminal (newterm on /dev/null), read back row by row and cell by cell: the
 * failures by outcome, each code's row with its badge in the category's theme role, its count
 * and its sparkline (block characters in a UTF-8 locale, ASCII in the C locale), the selected
 * code's action, a hostile message drawn harmlessly, F8 in the legend, everything in 80x24.
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

static const char errors_json[] =
    "{\"range\":\"today\",\"from_ms\":1767312000000,\"to_ms\":1767398400000,"
    "\"timezone\":\"Europe/London\",\"codes\":["
    "{\"code\":31486,\"count\":3,\"category\":\"busy\",\"category_label\":\"busy\","
    "\"message\":\"Busy Here\",\"action\":\"The line was busy; try again later.\","
    "\"retryable\":true,\"bad_number\":false,"
    "\"trend\":[1,2,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]},"
    "{\"code\":21217,\"count\":1,\"category\":\"bad-number\",\"category_label\":\"bad number\","
    "\"message\":\"\\u001b]0;pwned\\u0007Phone number \\u202einvalid\","
    "\"action\":\"Check the number with the customer and update it.\","
    "\"retryable\":false,\"bad_number\":true,"
    "\"trend\":[0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}],"
    "\"outcomes\":{\"busy\":3,\"no-answer\":1,\"failed\":1,\"canceled\":2}}";

static struct model *errors_model(void)
{
    struct model *m = model_new();
    model_tick(m, 100000, wall0);
    model_set_conn(m, CLIENT_LIVE, 0, NULL);
    m->agent.known = 1;
    snprintf(m->agent.name, sizeof m->agent.name, "ann");
    snprintf(m->agent.role, sizeof m->agent.role, "agent");
    snprintf(m->agent.state, sizeof m->agent.state, "available");
    m->screen = MODEL_SCR_ERRORS;
    cJSON *j = cJSON_Parse(errors_json);
    model_apply_result(m, MODEL_TAG_ERRORS, 200, j, NULL);
    cJSON_Delete(j);
    return m;
}

TEST(table_and_detail)
{
    struct model *m = errors_model();
    CHECK(m->errors.loaded);
    draw(m, 24, 80);
    CHECK(find("Errors   today (Europe/London)") >= 0);
    int o = find("Failures by outcome:");
    CHECK(o > 0);
    CHECK(strstr(row(o), "[busy] 3") && strstr(row(o), "[no-answer] 1") &&
          strstr(row(o), "[failed] 1") && strstr(row(o), "[canceled] 2"));
    int y = find(" 31486 ");
    CHECK(y > o);
    const char *r = row(y);
    CHECK(strstr(r, "[busy]") && strstr(r, " 3 ") && strstr(r, "Busy Here"));
    /* hour 0 has 1 of the top 2: ceil(7/2) = 4, hour 1 the top, the rest on the baseline */
    CHECK(strstr(r, "\u2585\u2588\u2581\u2581") != NULL);
    CHECK(cell_is(y, 1, TR_SELECTED)); /* the first code is selected */
    int b = find(" 21217 ");
    CHECK(b == y + 1);
    CHECK(cell_is(b, col_of(b, "[bad"), theme_badge_role(DT_ERRCAT_BAD_NUMBER)));
    CHECK(!cell_is(b, col_of(b, "[bad"), theme_badge_role(DT_ERRCAT_BUSY)));
    /* the hostile message: its text, not its escapes */
    CHECK(strstr(row(b), "pwned") && strchr(row(b), '\x1b') == NULL &&
          strstr(row(b), "\xe2\x80\xae") == NULL);
    CHECK(find("What to do: The line was busy; try again later.") > b);
    CHECK(find("A later retry may succeed.") > b);
    CHECK(strstr(row(23), "F8Errors") != NULL);
    CHECK(strstr(row(0), "Errors") != NULL); /* the status bar names the screen */
    /* j: the second code's explanation */
    struct model_cmd cmds[MODEL_CMDS_MAX];
    model_apply_key(m, 'j', KA_DOWN, cmds, MODEL_CMDS_MAX);
    draw(m, 24, 80);
    CHECK(cell_is(b, 1, TR_SELECTED));
    CHECK(find("What to do: Check the number with the customer and update it.") > b);
    CHECK(find("Check the number with the customer.") > b);
    /* the help lists the screen's own key */
    m->help_open = 1;
    draw(m, 24, 80);
    CHECK(find("show today's errors or the last seven days'") > 0);
    model_free(m);
}

TEST(ascii_fallback)
{
    struct model *m = errors_model();
    setlocale(LC_ALL, "C");
    draw(m, 24, 80);
    int y = find(" 31486 ");
    setlocale(LC_ALL, "C.UTF-8");
    CHECK(y > 0);
    CHECK(strstr(row(y), "=#__") != NULL);
    model_free(m);
}

TEST(not_loaded_and_empty)
{
    struct model *m = model_new();
    model_tick(m, 100000, wall0);
    m->screen = MODEL_SCR_ERRORS;
    draw(m, 24, 80);
    CHECK(find("Loading the errors...") > 0);
    model_apply_result(m, MODEL_TAG_ERRORS, 503, NULL, "the database is not answering");
    draw(m, 24, 80);
    CHECK(find("could not be loaded: the database is not answering") > 0);
    cJSON *j = cJSON_Parse("{\"range\":\"today\",\"codes\":[],\"outcomes\":{}}");
    model_apply_result(m, MODEL_TAG_ERRORS, 200, j, NULL);
    cJSON_Delete(j);
    draw(m, 24, 80);
    CHECK(find("No failed calls with an error code.") > 0);
    CHECK(find("could not be loaded") < 0);
    model_free(m);
}

TEST(hints_follow_the_keymap)
{
    struct model *m = errors_model();
    draw(m, 24, 80);
    /* r is the range here, so refresh shows its other key; b opens the bad numbers */
    int y = find("today / 7 days");
    CHECK(y > 0);
    CHECK(strstr(row(y), "r today / 7 days") && strstr(row(y), "b bad numbers") &&
          strstr(row(y), "C-l refresh"));
    CHECK(cell_is(y, col_of(y, "r today"), TR_LEGEND_KEY));
    char err[128];
    CHECK_INT(km_parse_override(km, "view-numbers", "N", err, sizeof err), 0);
    CHECK_INT(km_parse_override(km, "refresh", "none", err, sizeof err), 0);
    draw(m, 24, 80);
    CHECK(strstr(row(y), "N bad numbers") && !strstr(row(y), "b bad numbers"));
    CHECK(strstr(row(y), "refresh") == NULL); /* no key: left out */
    km_free(km);
    km = km_new();
    model_free(m);
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    km = km_new();
    screen_open();
    RUN(table_and_detail);
    RUN(ascii_fallback);
    RUN(not_loaded_and_empty);
    RUN(hints_follow_the_keymap);
    screen_close();
    km_free(km);
    return check_done();
}
