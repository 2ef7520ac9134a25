/*
 * Tests of the console's reports screen data and reducer: reports_parse over answers built by
 * the daemon's own code (report_json over a database of calls stored as the daemon stores
 * them), and over answers with missing fields, wrong types, hostile strings, huge numbers and
 * too many rows; the request paths; money in words; and the reducer: F11 for supervisors only,
 * a fetch on opening, Tab, Shift-Tab and 1-5 for the report, t y w m for the days, r again,
 * `:report NAME FROM TO` and its mistakes, an answer of a superseded fetch dropped, a failure
 * in words, scrolling within the table; and the keys rebound from the config file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "console/keymap.h"
#include "console/model.h"
#include "console/reports.h"
#include "console/sanitize.h"
#include "console_model_fixture.h"
#include "reports_fixture.h"
#include "dialtone/report_json.h"
#include "dialtone/store.h"
#include "dialtone/store_report.h"
#include "dialtone/util.h"

#define HOUR 3600000LL
/* 2026-03-10T00:00:00Z */
#define D0 1773100800000LL

static struct reports_data d;
static char err[256];

/* ---- answers as the daemon builds them ------------------------------------------------------ */

/* The answers of report name over 2026-03-10 (UTC) for a day of five calls. */
static cJSON *daemon_answer(const char *name)
{
    struct rf_db db;
    if (rf_db_make(&db) != 0)
        return NULL;
    struct store *st;
    CHECK_INT(store_open(db.path, &st, err, sizeof err), DT_OK);
    rf_call(st, "CQ1", D0 + 9 * HOUR, "support", "bridged", "completed", NULL, "-0.01300", "EUR");
    rf_call(st, "CQ2", D0 + 9 * HOUR + 1000, "support", "hangup", "completed", NULL, "-0.00500",
            "EUR");
    rf_call(st, "CO1", D0 + 14 * HOUR, NULL, NULL, "busy", NULL, NULL, "EUR");
    rf_call(st, "CO2", D0 + 14 * HOUR + 1000, NULL, NULL, "completed", NULL, "-0.02000", "EUR");
    rf_call(st, "CO3", D0 + 15 * HOUR, NULL, NULL, "failed", NULL, NULL, "EUR");
    struct store_report *r;
    CHECK_INT(store_report_open(db.path, &r, err, sizeof err), DT_OK);
    struct report_json_range rg = {.from_ms = D0, .to_ms = D0 + 24 * HOUR, .top = 10};
    cJSON *doc = NULL;
    CHECK_INT(report_json_build(r, name, &rg, &doc, err, sizeof err), DT_OK);
    store_report_close(r);
    store_close(st);
    rf_db_remove(&db);
    return doc;
}

static void parse_doc(cJSON *doc, enum reports_kind k)
{
    CHECK(doc != NULL);
    CHECK_INT(reports_parse(doc, k, &d, err, sizeof err), DT_OK);
    cJSON_Delete(doc);
}

TEST(parse_the_daemons_answers)
{
    parse_doc(daemon_answer("answer-rate"), REPORTS_ANSWER_RATE);
    CHECK_INT(d.n, 24);
    CHECK_STR(d.first_day, "2026-03-10");
    CHECK_STR(d.last_day, "2026-03-10");
    CHECK(d.calls == 5 && d.answered == 2);
    CHECK(d.hours[9].calls == 2 && d.hours[9].answered == 1);
    CHECK(d.hours[14].calls == 2 && d.hours[14].answered == 1);
    CHECK(d.hours[15].calls == 1 && d.hours[15].answered == 0);

    parse_doc(daemon_answer("failures"), REPORTS_FAILURES);
    CHECK_INT(d.n, 2);
    CHECK(d.calls == 2);
    CHECK_STR(d.failures[0].status, "busy");
    CHECK_INT(d.failures[0].code, 31486);
    CHECK_STR(d.failures[0].category, "busy");
    CHECK_STR(d.failures[1].status, "failed");
    CHECK_INT(d.failures[1].code, 21217);
    CHECK(d.failures[1].message[0] != '\0');

    parse_doc(daemon_answer("cost-by-queue"), REPORTS_COST_QUEUE);
    CHECK_INT(d.n, 2);
    CHECK_STR(d.costs[0].key, ""); /* the outbound calls: 0.02, the costliest */
    CHECK(d.costs[0].cost == 20000 && d.costs[0].per_success == 20000);
    CHECK_STR(d.costs[1].key, "support");
    CHECK(d.costs[1].cost == 18000 && d.costs[1].calls == 2 && d.costs[1].successful == 1);
    CHECK_STR(d.costs[1].unit, "EUR");
    CHECK(d.total.cost == 38000 && d.total.per_success == 19000);
    CHECK(d.calls == 5 && d.answered == 2);
    CHECK_STR(d.total.unit, "EUR");

    parse_doc(daemon_answer("cost-by-day"), REPORTS_COST_DAY);
    CHECK_INT(d.n, 1);
    CHECK_STR(d.costs[0].key, "2026-03-10");

    parse_doc(daemon_answer("agents"), REPORTS_AGENTS);
    CHECK_INT(d.n, 0);
}

TEST(parse_agents_and_nulls)
{
    static const char a[] =
        "{\"report\":\"agents\",\"rows\":[{\"agent\":\"alice\",\"calls\":4,\"handled\":3,"
        "\"aht_s\":150.4,\"aht_calls\":3,\"missed_offers\":1,\"declined_offers\":2},"
        "{\"agent\":\"bob\",\"calls\":0,\"handled\":0,\"aht_s\":null,\"aht_calls\":0,"
        "\"missed_offers\":0,\"declined_offers\":0}]}";
    CHECK_INT(reports_parse_text(a, strlen(a), REPORTS_AGENTS, &d, err, sizeof err), DT_OK);
    CHECK_INT(d.n, 2);
    CHECK_STR(d.agents[0].name, "alice");
    CHECK(d.agents[0].aht_ms == 150400 && d.agents[0].missed == 1 && d.agents[0].declined == 2);
    CHECK(d.agents[1].aht_ms == -1); /* no handled call: none, not 0 */
    static const char c[] =
        "{\"report\":\"cost-by-day\",\"rows\":[{\"day\":\"2026-03-11\",\"calls\":1,"
        "\"successful\":0,\"cost\":0,\"cost_per_success\":null,\"unit\":\"USD\"}],"
        "\"cost\":0,\"unit\":\"USD\",\"calls\":1,\"successful\":0,\"cost_per_success\":null}";
    CHECK_INT(reports_parse_text(c, strlen(c), REPORTS_COST_DAY, &d, err, sizeof err), DT_OK);
    CHECK(d.costs[0].cost == 0 && d.costs[0].per_success == -1 && d.total.per_success == -1);
}

TEST(parse_missing_and_wrong)
{
    /* not the report asked for, no table, not an object: refused with words */
    static const char *const bad[] = {
        "{\"report\":\"failures\",\"rows\":[]}", /* asked for agents */
        "{\"report\":\"agents\"}",               /* no rows */
        "{\"report\":\"agents\",\"rows\":{}}",   /* rows not an array */
        "{\"rows\":[]}",                         /* no name */
        "[1,2]",
        "\"agents\"",
        "{\"report\":7,\"rows\":[]}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        CHECK_INT(reports_parse_text(bad[i], strlen(bad[i]), REPORTS_AGENTS, &d, err, sizeof err),
                  DT_EINVAL);
        CHECK(strstr(err, "not the agents report") != NULL);
        CHECK_INT(d.n, 0);
    }
    CHECK_INT(reports_parse_text("{", 1, REPORTS_AGENTS, &d, err, sizeof err), DT_EINVAL);
    CHECK_STR(err, "the answer is not JSON");
    CHECK_INT(reports_parse_text("{\"a\":1}\0x", 9, REPORTS_AGENTS, &d, err, sizeof err),
              DT_EINVAL);
    CHECK_STR(err, "the answer holds a NUL byte");
    /* wrong types inside: read as nothing, never trusted */
    static const char w[] =
        "{\"report\":\"answer-rate\",\"calls\":\"9\",\"answered\":-3,\"first_day\":\"2026-3-1\","
        "\"hours\":[{\"hour\":\"9\",\"calls\":5},{\"hour\":24,\"calls\":5},{\"hour\":-1},"
        "{\"hour\":10,\"calls\":2,\"answered\":7},{\"hour\":11,\"calls\":1e300,\"answered\":"
        "\"x\"},7,null]}";
    CHECK_INT(reports_parse_text(w, strlen(w), REPORTS_ANSWER_RATE, &d, err, sizeof err), DT_OK);
    CHECK(d.calls == 0 && d.answered == 0);
    CHECK_STR(d.first_day, "");
    CHECK(d.hours[9].calls == 0);
    CHECK(d.hours[10].calls == 2 && d.hours[10].answered == 2); /* never more than the calls */
    CHECK(d.hours[11].calls == REPORTS_COUNT_MAX && d.hours[11].answered == 0);
    static const char m[] = "{\"report\":\"cost-by-queue\",\"rows\":[{\"queue\":5,\"cost\":"
                            "-1,\"cost_per_success\":1e30,\"calls\":true},\"x\",[]]}";
    CHECK_INT(reports_parse_text(m, strlen(m), REPORTS_COST_QUEUE, &d, err, sizeof err), DT_OK);
    CHECK_INT(d.n, 1);
    CHECK_STR(d.costs[0].key, "");
    CHECK(d.costs[0].cost == -1 && d.costs[0].per_success == REPORTS_MONEY_MAX);
    CHECK(d.costs[0].calls == 0);
}

TEST(parse_hostile_and_long)
{
    static const char h[] =
        "{\"report\":\"failures\",\"total\":1,\"rows\":[{\"status\":\"busy\\u001b[2J\","
        "\"code\":1e9,\"category\":\"\\u202eevil\",\"count\":1,\"message\":"
        "\"\\u001b]0;pwned\\u0007Busy \\u0000Here\"}]}";
    CHECK_INT(reports_parse_text(h, strlen(h), REPORTS_FAILURES, &d, err, sizeof err), DT_OK);
    CHECK_INT(d.failures[0].code, 0); /* out of the codes' range */
    CHECK(strchr(d.failures[0].status, '\x1b') == NULL);
    CHECK(strchr(d.failures[0].message, '\x1b') == NULL &&
          strchr(d.failures[0].message, 7) == NULL);
    CHECK(strstr(d.failures[0].category, "\xe2\x80\xae") == NULL);
    CHECK(tx_is_clean(d.failures[0].message, strlen(d.failures[0].message)));
    /* more rows than kept: cut, and said */
    struct dt_buf b;
    dt_buf_init(&b);
    dt_buf_printf(&b, "{\"report\":\"agents\",\"rows\":[");
    for (int i = 0; i < REPORTS_ROWS_MAX + 5; i++)
        dt_buf_printf(&b, "%s{\"agent\":\"a%d%0300d\",\"calls\":%d}", i ? "," : "", i, 0, i);
    dt_buf_printf(&b, "]}");
    CHECK_INT(reports_parse_text(b.data, b.len, REPORTS_AGENTS, &d, err, sizeof err), DT_OK);
    CHECK_INT(d.n, REPORTS_ROWS_MAX);
    CHECK_INT(d.cut, 1);
    CHECK_INT(strlen(d.agents[3].name) < REPORTS_KEY_SIZE, 1);
    CHECK(strncmp(d.agents[3].name, "a3000", 5) == 0);
    dt_buf_done(&b);
}

TEST(paths_and_money)
{
    struct reports r = {.kind = REPORTS_COST_QUEUE, .range = REPORTS_WEEK};
    char p[128], m[64];
    CHECK_INT(reports_path(&r, p, sizeof p), DT_OK);
    CHECK_STR(p, "/api/v1/reports/cost-by-queue?range=7d");
    r.range = REPORTS_DATES;
    snprintf(r.from, sizeof r.from, "2026-03-01");
    snprintf(r.to, sizeof r.to, "today");
    CHECK_INT(reports_path(&r, p, sizeof p), DT_OK);
    CHECK_STR(p, "/api/v1/reports/cost-by-queue?from=2026-03-01&to=today");
    snprintf(r.to, sizeof r.to, "2026-3-1");
    CHECK_INT(reports_path(&r, p, sizeof p), DT_EINVAL);
    snprintf(r.to, sizeof r.to, "2026-03-0&");
    CHECK_INT(reports_path(&r, p, sizeof p), DT_EINVAL);
    r.range = REPORTS_TODAY;
    CHECK_INT(reports_path(&r, p, 20), DT_ETOOBIG);
    CHECK_STR(reports_money(38000, "USD", m, sizeof m), "0.0380 USD");
    CHECK_STR(reports_money(1234567890, "EUR", m, sizeof m), "1234.5679 EUR");
    CHECK_STR(reports_money(-1, "USD", m, sizeof m), "-");
    CHECK_STR(reports_money(50, "", m, sizeof m), "0.0001");
}

/* ---- the reducer ------------------------------------------------------------------------------
 */

static struct model *supervisor(void)
{
    struct model *m = model_new();
    model_tick(m, FX_MONO, FX_WALL);
    model_resize(m, 24, 80);
    model_set_conn(m, CLIENT_LIVE, 0, NULL);
    fx_event(m, "{\"type\":\"snapshot\",\"seq\":3,\"ts\":\"" FX_TS "\",\"data\":{\"agent\":"
                "{\"name\":\"sue\",\"role\":\"supervisor\",\"endpoint\":\"client:sue\","
                "\"state\":\"offline\",\"reason\":null,\"since_ms\":1767323000000,\"queues\":[]},"
                "\"pending\":[],\"queues\":[]}}");
    struct model_cmd cmds[MODEL_CMDS_MAX];
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 1); /* GET /api/v1/me, not ours */
    return m;
}

static const char agents_two[] =
    "{\"report\":\"agents\",\"first_day\":\"2026-03-04\",\"last_day\":\"2026-03-10\",\"rows\":["
    "{\"agent\":\"alice\",\"calls\":4},{\"agent\":\"bob\",\"calls\":2}]}";

TEST(agents_get_a_toast)
{
    struct model *m = fx_new();
    struct model_cmd cmds[MODEL_CMDS_MAX];
    CHECK_INT(fx_key(m, KM_KEY_F(11), KA_VIEW_REPORTS, cmds), 0);
    CHECK(m->screen != MODEL_SCR_REPORTS);
    CHECK(fx_toast_has(m, "The reports are for supervisors"));
    m->prompt.open = 1;
    fx_type(m, "report agents");
    CHECK_INT(fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds), 0);
    CHECK_STR(m->prompt.message, "The reports are for supervisors");
    model_free(m);
}

TEST(keys_pick_report_and_days)
{
    struct model *m = supervisor();
    struct model_cmd cmds[MODEL_CMDS_MAX];
    CHECK_INT(fx_key(m, KM_KEY_F(11), KA_VIEW_REPORTS, cmds), 1);
    CHECK_INT(m->screen, MODEL_SCR_REPORTS);
    CHECK_INT(model_key_context(m), KM_REPORTS);
    CHECK_STR(cmds[0].method, "GET");
    CHECK_STR(cmds[0].path, "/api/v1/reports/answer-rate?range=today");
    CHECK(m->reports.asking);
    /* 5: the agents at once; the answer-rate fetch is superseded */
    int old = cmds[0].tag;
    CHECK_INT(fx_key(m, '5', KA_REPORT_AGENTS, cmds), 1);
    CHECK_STR(cmds[0].path, "/api/v1/reports/agents?range=today");
    fx_result(m, old, 200, "{\"report\":\"answer-rate\",\"hours\":[]}", NULL);
    CHECK(!m->reports.loaded && m->reports.asking); /* dropped */
    /* w: the last 7 days */
    CHECK_INT(fx_key(m, 'w', KA_RANGE_WEEK, cmds), 1);
    CHECK_STR(cmds[0].path, "/api/v1/reports/agents?range=7d");
    fx_result(m, cmds[0].tag, 200, agents_two, NULL);
    CHECK(m->reports.loaded && !m->reports.asking);
    CHECK_INT(m->reports.data.n, 2);
    CHECK_STR(m->reports.data.first_day, "2026-03-04");
    /* Tab wraps to the first report, Shift-Tab back; the days stay */
    CHECK_INT(fx_key(m, KM_KEY_TAB, KA_REPORT_NEXT, cmds), 1);
    CHECK_STR(cmds[0].path, "/api/v1/reports/answer-rate?range=7d");
    CHECK(!m->reports.loaded);
    CHECK_INT(fx_key(m, KM_KEY_BTAB, KA_REPORT_PREV, cmds), 1);
    CHECK_STR(cmds[0].path, "/api/v1/reports/agents?range=7d");
    static const struct {
        int key;
        enum km_action a;
        const char *path;
    } more[] = {
        {'1', KA_REPORT_ANSWER_RATE, "/api/v1/reports/answer-rate?range=7d"},
        {'2', KA_REPORT_FAILURES, "/api/v1/reports/failures?range=7d"},
        {'3', KA_REPORT_COST_DAY, "/api/v1/reports/cost-by-day?range=7d"},
        {'4', KA_REPORT_COST_QUEUE, "/api/v1/reports/cost-by-queue?range=7d"},
        {'y', KA_RANGE_YESTERDAY, "/api/v1/reports/cost-by-queue?range=yesterday"},
        {'m', KA_RANGE_MONTH, "/api/v1/reports/cost-by-queue?range=month"},
        {'t', KA_RANGE_TODAY, "/api/v1/reports/cost-by-queue?range=today"},
        {'r', KA_REFRESH, "/api/v1/reports/cost-by-queue?range=today"},
    };
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++) {
        CHECK_INT(fx_key(m, more[i].key, more[i].a, cmds), 1);
        CHECK_STR(cmds[0].path, more[i].path);
    }
    /* a failure: in words, and the screen still asks again on r */
    fx_result(m, cmds[0].tag, 400, NULL, "the range is 400 days; a report covers 366 days at most");
    CHECK_STR(m->reports.message, "the range is 400 days; a report covers 366 days at most");
    CHECK(!m->reports.asking);
    fx_result(m, cmds[0].tag + 256, 0, NULL, NULL); /* a tag never sent: ignored */
    CHECK_STR(m->reports.message, "the range is 400 days; a report covers 366 days at most");
    /* leaving and coming back keeps what is shown without asking again */
    CHECK_INT(fx_key(m, KM_KEY_F(2), KA_VIEW_QUEUE, cmds), 0);
    CHECK_INT(fx_key(m, 'r', KA_REFRESH, cmds), 1);
    CHECK_INT(cmds[0].kind, MODEL_CMD_REFRESH); /* r elsewhere is the usual refresh */
    model_free(m);
}

TEST(command_line)
{
    struct model *m = supervisor();
    struct model_cmd cmds[MODEL_CMDS_MAX];
    static const struct {
        const char *line, *path, *message;
    } cases[] = {
        {"report cost-by-day 2026-03-01 2026-03-10",
         "/api/v1/reports/cost-by-day?from=2026-03-01&to=2026-03-10", ""},
        {"report failures yesterday", "/api/v1/reports/failures?from=yesterday&to=yesterday", ""},
        {"report agents", "/api/v1/reports/agents?from=yesterday&to=yesterday", ""},
        {"reports", NULL, ""},
        {"report nope", NULL, "Usage: :report answer-rate|failures"},
        {"report agents 2026-03-01 2026-03-10 x", NULL, "Usage: :report"},
        {"report agents 1st-of-march", NULL, "Usage: :report"},
        {"report agents 2026-03-01 '&x=1'", NULL, "Usage: :report"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK_INT(fx_key(m, ':', KA_COMMAND, cmds), 0);
        fx_type(m, cases[i].line);
        int n = fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds);
        if (cases[i].path) {
            CHECK_INT(n, 1);
            CHECK_STR(cmds[0].path, cases[i].path);
            CHECK_INT(m->screen, MODEL_SCR_REPORTS);
        } else {
            CHECK_INT(n, 0);
        }
        if (!strstr(m->prompt.message, cases[i].message))
            printf("  %s: %s\n", cases[i].line, m->prompt.message);
        CHECK(strstr(m->prompt.message, cases[i].message) != NULL);
        CHECK(m->reports.range == REPORTS_DATES);
    }
    model_free(m);
}

TEST(scrolling)
{
    struct model *m = supervisor();
    struct model_cmd cmds[MODEL_CMDS_MAX];
    fx_key(m, KM_KEY_F(11), KA_VIEW_REPORTS, cmds);
    fx_key(m, '3', KA_REPORT_COST_DAY, cmds);
    struct dt_buf b;
    dt_buf_init(&b);
    dt_buf_printf(&b, "{\"report\":\"cost-by-day\",\"rows\":[");
    for (int i = 0; i < 31; i++)
        dt_buf_printf(&b, "%s{\"day\":\"2026-03-%02d\",\"calls\":%d}", i ? "," : "", i + 1, i);
    dt_buf_printf(&b, "]}");
    fx_result(m, cmds[0].tag, 200, b.data, NULL);
    dt_buf_done(&b);
    CHECK_INT(m->reports.data.n, 31);
    size_t page = reports_visible(24), last = 31 - page;
    CHECK_INT(page, 15);
    fx_key(m, 'j', KA_DOWN, cmds);
    CHECK_INT(m->reports.scroll, 1);
    fx_key(m, 'G', KA_END, cmds);
    CHECK_INT(m->reports.scroll, last);
    fx_key(m, 'j', KA_DOWN, cmds); /* no further than the last page */
    CHECK_INT(m->reports.scroll, last);
    fx_key(m, KM_KEY_PGUP, KA_PAGE_UP, cmds);
    CHECK_INT(m->reports.scroll, last - page);
    fx_key(m, 'g', KA_HOME, cmds);
    CHECK_INT(m->reports.scroll, 0);
    fx_key(m, KM_KEY_PGDN, KA_PAGE_DOWN, cmds);
    CHECK_INT(m->reports.scroll, page);
    /* a shorter answer brings the scroll back within it */
    fx_key(m, 'r', KA_REFRESH, cmds);
    fx_result(m, cmds[0].tag, 200, "{\"report\":\"cost-by-day\",\"rows\":[{\"day\":\"x\"}]}", NULL);
    CHECK_INT(m->reports.scroll, 0);
    model_free(m);
}

TEST(keymap_binds_and_overrides)
{
    struct keymap *km = km_new();
    CHECK_INT(km_lookup(km, KM_GLOBAL, KM_KEY_F(11)), KA_VIEW_REPORTS);
    CHECK_INT(km_lookup(km, KM_REPORTS, KM_KEY_TAB), KA_REPORT_NEXT);
    CHECK_INT(km_lookup(km, KM_REPORTS, '3'), KA_REPORT_COST_DAY);
    CHECK_INT(km_lookup(km, KM_REPORTS, 'w'), KA_RANGE_WEEK);
    CHECK_INT(km_lookup(km, KM_REPORTS, 'r'), KA_REFRESH);
    CHECK_INT(km_lookup(km, KM_CALL, 'm'), KA_MUTE); /* m is the month on this screen only */
    CHECK_STR(km_context_name(KM_REPORTS), "reports");
    CHECK_INT(km_action_from_name("view-reports"), KA_VIEW_REPORTS);
    CHECK_INT(km_action_from_name("range-month"), KA_RANGE_MONTH);
    char e[200];
    CHECK_INT(km_parse_override(km, "view-reports", "F12, R", e, sizeof e), 0);
    CHECK_INT(km_lookup(km, KM_GLOBAL, KM_KEY_F(12)), KA_VIEW_REPORTS);
    CHECK_INT(km_lookup(km, KM_GLOBAL, KM_KEY_F(11)), KA_NONE);
    CHECK_INT(km_parse_override(km, "reports.range-week", "7", e, sizeof e), 0);
    CHECK_INT(km_lookup(km, KM_REPORTS, '7'), KA_RANGE_WEEK);
    CHECK_INT(km_lookup(km, KM_REPORTS, 'w'), KA_NONE);
    km_free(km);
}

int main(void)
{
    RUN(parse_the_daemons_answers);
    RUN(parse_agents_and_nulls);
    RUN(parse_missing_and_wrong);
    RUN(parse_hostile_and_long);
    RUN(paths_and_money);
    RUN(agents_get_a_toast);
    RUN(keys_pick_report_and_days);
    RUN(command_line);
    RUN(scrolling);
    RUN(keymap_binds_and_overrides);
    return check_done();
}
