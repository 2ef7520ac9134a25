/*
 * test_console_view_reports: the reports screen drawn from a supervisor's model that got the
 * daemon's answers, on a null terminal, read back as a person would see it in 80x24: the tabs
 * with the report shown in reverse, the days, the loading line while a fetch runs, the
 * daemon's error in words, the answer rate with a bar per hour as long as its rate (block
 * characters, '#' in the C locale; under 80% in the warning role), the failure reasons, the
 * costs with their currency and the cost per successful call, the agents' handle time, the
 * table scrolled, hostile names drawn harmlessly, and the help listing the screen's keys.
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

static const int64_t wall0 = 1773140000000;

static const char rate_json[] =
    "{\"report\":\"answer-rate\",\"first_day\":\"2026-03-04\",\"last_day\":\"2026-03-10\","
    "\"calls\":14,\"answered\":11,\"hours\":["
    "{\"hour\":8,\"calls\":4,\"answered\":4},{\"hour\":9,\"calls\":10,\"answered\":7}]}";

static const char cost_json[] =
    "{\"report\":\"cost-by-queue\",\"first_day\":\"2026-03-10\",\"last_day\":\"2026-03-10\","
    "\"rows\":[{\"queue\":\"\",\"calls\":2,\"successful\":1,\"priced\":1,\"cost\":0.02,"
    "\"cost_per_success\":0.02,\"unit\":\"USD\"},{\"queue\":\"support\",\"calls\":2,"
    "\"successful\":0,\"priced\":2,\"cost\":0.018,\"cost_per_success\":null,\"unit\":\"USD\"}],"
    "\"cost\":0.038,\"unit\":\"USD\",\"calls\":4,\"successful\":1,\"cost_per_success\":0.038}";

static struct model *sup_model(void)
{
    struct model *m = model_new();
    model_tick(m, 100000, wall0);
    model_set_conn(m, CLIENT_LIVE, 0, NULL);
    m->agent.known = 1;
    snprintf(m->agent.name, sizeof m->agent.name, "sue");
    snprintf(m->agent.role, sizeof m->agent.role, "supervisor");
    snprintf(m->agent.state, sizeof m->agent.state, "available");
    return m;
}

/* Opens the screen with key/action (after F11) and answers the fetch with body. */
static struct model *shown(int key, enum km_action a, const char *body)
{
    struct model *m = sup_model();
    struct model_cmd cmds[MODEL_CMDS_MAX];
    model_resize(m, 24, 80);
    model_apply_key(m, KM_KEY_F(11), KA_VIEW_REPORTS, cmds, MODEL_CMDS_MAX);
    if (key)
        model_apply_key(m, key, a, cmds, MODEL_CMDS_MAX);
    cJSON *j = cJSON_Parse(body);
    model_apply_result(m, cmds[0].tag, 200, j, NULL);
    cJSON_Delete(j);
    return m;
}

TEST(answer_rate_bars)
{
    struct model *m = shown('w', KA_RANGE_WEEK, rate_json);
    CHECK(m->reports.loaded);
    draw(m, 24, 80);
    CHECK(strstr(row(0), "Reports") != NULL); /* the status bar names the screen */
    int t = find("1 Answer rate");
    CHECK(t > 0);
    CHECK(strstr(row(t), "2 Failures") && strstr(row(t), "5 Agents"));
    CHECK(cell_is(t, col_of(t, "1 Answer rate"), TR_SELECTED));
    CHECK(!cell_is(t, col_of(t, "2 Failures"), TR_SELECTED));
    CHECK(find("Days: the last 7 days  (2026-03-04 to 2026-03-10)") == t + 1);
    CHECK(find("14 calls ended, 11 answered: 78.6%") > t);
    int h8 = find("08:00"), h9 = find("09:00");
    CHECK(h8 > t && h9 == h8 + 1);
    CHECK(strstr(row(h8), "100.0%") && strstr(row(h9), "70.0%"));
    /* 100% fills the bar's columns, 70% seven tenths of them */
    int bx = col_of(h8, "100.0%") + 7, full = 0, part = 0;
    for (const char *p = strstr(row(h8), "\u2588"); p && (p = strstr(p, "\u2588")); p += 3)
        full++;
    for (const char *p = strstr(row(h9), "\u2588"); p && (p = strstr(p, "\u2588")); p += 3)
        part++;
    CHECK(full >= 30 && part == (int)(full * 0.7 + 0.5));
    CHECK(cell_is(h8, bx, TR_OK));
    CHECK(cell_is(h9, bx, TR_WARNING));
    CHECK(find("00:00") > 0 && strstr(row(find("00:00")), " -") != NULL); /* no calls */
    /* the C locale: '#' bars */
    setlocale(LC_ALL, "C");
    draw(m, 24, 80);
    CHECK(strstr(row(h8), "##########") != NULL);
    setlocale(LC_ALL, "C.UTF-8");
    /* 24 hours do not fit: End shows the evening */
    struct model_cmd cmds[MODEL_CMDS_MAX];
    CHECK(find("23:00") < 0);
    model_apply_key(m, 'G', KA_END, cmds, MODEL_CMDS_MAX);
    draw(m, 24, 80);
    CHECK(find("23:00") > 0 && find("00:00") < 0);
    model_free(m);
}

TEST(costs_with_currency)
{
    struct model *m = shown('4', KA_REPORT_COST_QUEUE, cost_json);
    draw(m, 24, 80);
    int t = find("4 Cost by queue");
    CHECK(cell_is(t, col_of(t, "4 Cost by queue"), TR_SELECTED));
    CHECK(find("Days: today  (2026-03-10)") > 0);
    CHECK(find("0.0380 USD for 4 calls, 1 successful: 0.0380 USD per successful call") > 0);
    int hd = find("Per successful call");
    CHECK(hd > 0 && strstr(row(hd), "Queue") != NULL);
    int a = find("(no queue)"), b = find("support");
    CHECK(a > hd && b == a + 1);
    CHECK(strstr(row(a), "0.0200 USD") != NULL);
    CHECK(strstr(row(b), "0.0180 USD") != NULL);
    CHECK(strstr(row(b), "0.0180 USD") && row(b)[strlen(row(b)) - 1] == '-'); /* none answered */
    model_free(m);
}

TEST(failures_agents_and_hostile)
{
    static const char f[] =
        "{\"report\":\"failures\",\"total\":3,\"rows\":[{\"status\":\"busy\",\"code\":31486,"
        "\"sip_code\":486,\"category\":\"busy\",\"count\":2,\"message\":\"Busy Here\"},"
        "{\"status\":\"failed\",\"code\":21217,\"category\":\"bad-number\",\"count\":1,"
        "\"message\":\"\\u001b]0;pwned\\u0007Phone number \\u202einvalid\"}]}";
    struct model *m = shown('2', KA_REPORT_FAILURES, f);
    draw(m, 24, 80);
    CHECK(find("3 failed calls") > 0);
    int y = find("31486");
    CHECK(y > 0 && strstr(row(y), "busy") && strstr(row(y), "66.7%") &&
          strstr(row(y), "Busy Here"));
    int z = find("21217");
    CHECK(z == y + 1 && strstr(row(z), "pwned") && strchr(row(z), '\x1b') == NULL &&
          strstr(row(z), "\xe2\x80\xae") == NULL);
    model_free(m);
    static const char a[] =
        "{\"report\":\"agents\",\"rows\":[{\"agent\":\"alice\",\"calls\":4,\"handled\":3,"
        "\"aht_s\":150.4,\"missed_offers\":1,\"declined_offers\":0},{\"agent\":\"bob\\u001b[2J\","
        "\"calls\":1,\"handled\":0,\"aht_s\":null,\"missed_offers\":2,\"declined_offers\":1}]}";
    m = shown('5', KA_REPORT_AGENTS, a);
    draw(m, 24, 80);
    CHECK(find("Avg handle") > 0);
    y = find("alice");
    CHECK(y > 0 && strstr(row(y), "2:30") != NULL);
    z = find("bob");
    CHECK(z == y + 1 && strchr(row(z), '\x1b') == NULL);
    model_free(m);
}

TEST(loading_error_and_help)
{
    struct model *m = sup_model();
    struct model_cmd cmds[MODEL_CMDS_MAX];
    model_apply_key(m, KM_KEY_F(11), KA_VIEW_REPORTS, cmds, MODEL_CMDS_MAX);
    draw(m, 24, 80);
    CHECK(find("Loading Answer rate for today...") > 0);
    model_apply_key(m, 'm', KA_RANGE_MONTH, cmds, MODEL_CMDS_MAX);
    draw(m, 24, 80);
    CHECK(find("Loading Answer rate for this month...") > 0);
    model_apply_result(m, cmds[0].tag, 503, NULL, "the database is not answering");
    draw(m, 24, 80);
    CHECK(find("The report could not be loaded: the database is not answering") > 0);
    CHECK(find("Loading") < 0);
    /* no calls at all */
    model_apply_key(m, 'r', KA_REFRESH, cmds, MODEL_CMDS_MAX);
    cJSON *j = cJSON_Parse("{\"report\":\"answer-rate\",\"hours\":[],\"calls\":0}");
    model_apply_result(m, cmds[0].tag, 200, j, NULL);
    cJSON_Delete(j);
    draw(m, 24, 80);
    CHECK(find("could not be loaded") < 0);
    CHECK(find("No call ended in these days.") > 0);
    CHECK(find("0.0%") < 0);
    /* the help lists the screen's keys from the live table */
    m->help_open = 1;
    draw(m, 24, 80);
    CHECK(find("On this screen (reports):") > 0);
    CHECK(find("the report for the last 7 days") > 0);
    CHECK(find("show the next report") > 0);
    model_free(m);
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    km = km_new();
    screen_open();
    RUN(answer_rate_bars);
    RUN(costs_with_currency);
    RUN(failures_agents_and_hostile);
    RUN(loading_error_and_help);
    screen_close();
    km_free(km);
    return check_done();
}
