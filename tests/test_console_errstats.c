/*
 * Tests of the console's errors screen data: errstats_parse over answers shaped as
 * api_errors.c writes them (and hostile or broken ones), and the sparkline: scaling into the
 * block characters and the ASCII fallback, all zeros, one huge bucket, more buckets than
 * columns summed, a buffer too small; and the reducer's part: F8 for any agent, a fetch on
 * opening and every 30 s while open, `r` switching the range, an answer for the other range
 * dropped, the selection kept in range, a failure shown and the last figures kept.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "console/errstats.h"
#include "console/model.h"
#include "console/sanitize.h"
#include "dialtone/util.h"

/* An answer as api_errors_json writes it: 31486 three times (hours 0 and 1), 21217 once. */
static const char real_errors[] =
    "{\"range\":\"today\",\"from\":\"2026-01-02T00:00:00.000Z\",\"from_ms\":1767312000000,"
    "\"to_ms\":1767398400000,\"timezone\":\"Europe/London\",\"now_ms\":1767323045000,"
    "\"bucket_s\":3600,\"buckets\":24,\"codes\":["
    "{\"code\":31486,\"count\":3,\"category\":\"busy\",\"category_label\":\"busy\","
    "\"message\":\"Busy Here\",\"action\":\"The line was busy; try again later.\","
    "\"retryable\":true,\"bad_number\":false,"
    "\"trend\":[1,2,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]},"
    "{\"code\":21217,\"count\":1,\"category\":\"bad-number\",\"category_label\":\"bad number\","
    "\"message\":\"Phone number does not appear to be valid\","
    "\"action\":\"Check the number with the customer and update it.\","
    "\"retryable\":false,\"bad_number\":true,"
    "\"trend\":[0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}],"
    "\"outcomes\":{\"busy\":3,\"no-answer\":1,\"failed\":1,\"canceled\":2}}";

static struct errstats_data d;
static char err[256];

TEST(parse_real)
{
    CHECK_INT(errstats_parse_text(real_errors, strlen(real_errors), &d, err, sizeof err), DT_OK);
    CHECK_INT(d.week, 0);
    CHECK_STR(d.timezone, "Europe/London");
    CHECK(d.from_ms == INT64_C(1767312000000) && d.to_ms == INT64_C(1767398400000));
    CHECK_INT(d.n_codes, 2);
    const struct errstats_code *c = &d.codes[0];
    CHECK_INT(c->code, 31486);
    CHECK(c->count == 3);
    CHECK_INT(c->category, DT_ERRCAT_BUSY);
    CHECK_STR(c->message, "Busy Here");
    CHECK_STR(c->action, "The line was busy; try again later.");
    CHECK_INT(c->retryable, 1);
    CHECK_INT(c->bad_number, 0);
    CHECK_INT(c->n_trend, 24);
    CHECK(c->trend[0] == 1 && c->trend[1] == 2 && c->trend[2] == 0);
    c = &d.codes[1];
    CHECK_INT(c->category, DT_ERRCAT_BAD_NUMBER);
    CHECK_STR(c->category_label, "bad number");
    CHECK_INT(c->bad_number, 1);
    CHECK(d.outcomes[ERRSTATS_BUSY] == 3 && d.outcomes[ERRSTATS_NO_ANSWER] == 1);
    CHECK(d.outcomes[ERRSTATS_FAILED] == 1 && d.outcomes[ERRSTATS_CANCELED] == 2);
    CHECK_STR(errstats_outcome_name(ERRSTATS_NO_ANSWER), "no-answer");
    CHECK(errstats_outcome_name(ERRSTATS_OUTCOMES) == NULL);
    struct errstats e = {.data = d, .loaded = 1};
    CHECK_INT(errstats_check(&e, err, sizeof err), DT_OK);
}

TEST(parse_hostile)
{
    static const char hostile[] =
        "{\"range\":\"7d\",\"timezone\":\"\\u001b[31mEvil\",\"codes\":["
        "{\"code\":12345,\"count\":-5,\"category\":\"nonsense\",\"message\":"
        "\"line\\nbreak \\u001b]0;title\\u0007 \\u202eevil\",\"action\":\"\\u0000cut\","
        "\"trend\":[1e300,-1,\"x\",null,3.7]},"
        "{\"code\":0,\"count\":1},{\"code\":1e9,\"count\":1},{\"code\":\"31486\"},7,"
        "{\"code\":31486,\"count\":1e300,\"category\":\"busy\"}],"
        "\"outcomes\":{\"busy\":\"many\",\"failed\":-3,\"canceled\":1e300}}";
    CHECK_INT(errstats_parse_text(hostile, strlen(hostile), &d, err, sizeof err), DT_OK);
    CHECK_INT(d.week, 1);
    CHECK(tx_is_clean(d.timezone, strlen(d.timezone)));
    CHECK(strchr(d.timezone, '\x1b') == NULL);
    CHECK_INT(d.n_codes, 2); /* 0, 1e9 and the string code skipped */
    const struct errstats_code *c = &d.codes[0];
    CHECK_INT(c->code, 12345);
    CHECK(c->count == 0);
    CHECK_INT(c->category, DT_ERRCAT_OTHER);
    CHECK_STR(c->category_label, errors_category_label(DT_ERRCAT_OTHER));
    CHECK(strchr(c->message, '\n') == NULL && strchr(c->message, '\x1b') == NULL);
    CHECK(strstr(c->message, "\u202e") == NULL);
    CHECK(tx_is_clean(c->message, strlen(c->message)));
    CHECK_INT(c->n_trend, 5);
    CHECK(c->trend[0] == ERRSTATS_COUNT_MAX && c->trend[1] == 0 && c->trend[2] == 0);
    CHECK(c->trend[4] == 3);
    CHECK(d.codes[1].count == ERRSTATS_COUNT_MAX);
    CHECK(d.outcomes[ERRSTATS_BUSY] == 0 && d.outcomes[ERRSTATS_FAILED] == 0);
    CHECK(d.outcomes[ERRSTATS_CANCELED] == ERRSTATS_COUNT_MAX);
    struct errstats e = {.data = d};
    CHECK_INT(errstats_check(&e, err, sizeof err), DT_OK);
}

TEST(parse_broken)
{
    CHECK_INT(errstats_parse_text("[]", 2, &d, err, sizeof err), DT_EINVAL);
    CHECK_INT(errstats_parse_text("{\"codes\":{}}", 12, &d, err, sizeof err), DT_EINVAL);
    CHECK_INT(errstats_parse_text("{\"codes\":[", 10, &d, err, sizeof err), DT_EINVAL);
    CHECK_INT(errstats_parse_text("{\"codes\":[]}\0x", 14, &d, err, sizeof err), DT_EINVAL);
    CHECK_INT(d.n_codes, 0);
    /* more codes and buckets than kept: cut */
    struct dt_buf b;
    dt_buf_init(&b);
    dt_buf_printf(&b, "{\"codes\":[");
    for (int i = 0; i < ERRSTATS_CODES_MAX + 5; i++) {
        dt_buf_printf(&b, "%s{\"code\":%d,\"count\":1,\"trend\":[", i ? "," : "", 30000 + i);
        for (int j = 0; j < ERRSTATS_BUCKETS_MAX + 10; j++)
            dt_buf_printf(&b, "%s1", j ? "," : "");
        dt_buf_printf(&b, "]}");
    }
    dt_buf_printf(&b, "]}");
    CHECK_INT(errstats_parse_text(b.data, b.len, &d, err, sizeof err), DT_OK);
    CHECK_INT(d.n_codes, ERRSTATS_CODES_MAX);
    CHECK_INT(d.codes[0].n_trend, ERRSTATS_BUCKETS_MAX);
    dt_buf_done(&b);
}

TEST(spark_scaling)
{
    char out[128];
    int64_t v[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    unsigned char lv[8];
    CHECK_INT(errstats_spark_levels(v, 8, 8, lv), 8);
    CHECK(lv[0] == 0 && lv[7] == 7 && lv[1] >= 1);
    for (int i = 1; i < 8; i++)
        CHECK(lv[i] >= lv[i - 1]);
    CHECK_STR(errstats_sparkline(v, 8, 8, 1, out, sizeof out),
              "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588");
    CHECK_STR(errstats_sparkline(v, 8, 8, 0, out, sizeof out), "_.:-=+*#");
    /* all zeros: a flat baseline */
    int64_t z[24] = {0};
    CHECK_STR(errstats_sparkline(z, 24, 24, 0, out, sizeof out), "________________________");
    errstats_sparkline(z, 24, 24, 1, out, sizeof out);
    CHECK_INT(strlen(out), 24 * 3);
    CHECK(strstr(out, "\u2582") == NULL);
    /* one huge bucket: it is the top, a single call still shows above the zeros */
    int64_t h[6] = {0, 1, ERRSTATS_COUNT_MAX, 0, 1, 0};
    CHECK_STR(errstats_sparkline(h, 6, 6, 0, out, sizeof out), "_.#_._");
    /* nothing to draw */
    CHECK_INT(errstats_spark_levels(v, 0, 8, lv), 0);
    CHECK_STR(errstats_sparkline(v, 8, 0, 1, out, sizeof out), "");
}

TEST(spark_columns)
{
    char out[64];
    /* 168 hours into 7 columns: each a day's sum; day 3 has the most */
    int64_t w[168] = {0};
    w[0] = 1;       /* day 0: 1 */
    w[24 * 3] = 10; /* day 3: 10 */
    w[24 * 3 + 5] = 10;
    w[24 * 6 + 23] = 20; /* day 6: 20 */
    unsigned char lv[7];
    CHECK_INT(errstats_spark_levels(w, 168, 7, lv), 7);
    CHECK(lv[0] == 1 && lv[1] == 0 && lv[3] == 7 && lv[6] == 7);
    CHECK_STR(errstats_sparkline(w, 168, 7, 0, out, sizeof out), ".__#__#");
    /* 24 hours into 10 columns: spans of 2 or 3 hours, every hour counted once */
    int64_t t[24];
    for (int i = 0; i < 24; i++)
        t[i] = 1;
    CHECK_STR(errstats_sparkline(t, 24, 10, 0, out, sizeof out), "++#+#++#+#");
}

TEST(spark_small_buffer)
{
    int64_t v[10] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    char out[8];
    /* two whole block characters fit in 8 bytes (3 each, and the NUL), never half a one */
    errstats_sparkline(v, 10, 10, 1, out, sizeof out);
    CHECK_INT(strlen(out), 6);
    CHECK(tx_is_clean(out, strlen(out)));
    errstats_sparkline(v, 10, 10, 0, out, sizeof out);
    CHECK_STR(out, "#######");
}

#define WALL INT64_C(1767323045000)
#define MONO UINT64_C(100000)

static void check_model(const struct model *m)
{
    char e[200] = "";
    int rc = model_check(m, e, sizeof e);
    if (rc)
        printf("  invariant: %s\n", e);
    CHECK_INT(rc, 0);
}

static struct model *agent_model(void)
{
    struct model *m = model_new();
    model_tick(m, MONO, WALL);
    model_resize(m, 40, 120);
    model_set_conn(m, CLIENT_LIVE, 0, NULL);
    cJSON *snap = cJSON_Parse(
        "{\"type\":\"snapshot\",\"seq\":3,\"ts\":\"2026-01-02T03:04:05.000Z\",\"data\":{"
        "\"agent\":{\"name\":\"ann\",\"role\":\"agent\",\"endpoint\":\"client:ann\",\"state\":"
        "\"offline\",\"reason\":null,\"since_ms\":1767323000000,\"queues\":[\"support\"]},"
        "\"pending\":[],\"queues\":[]}}");
    model_apply_event(m, snap);
    cJSON_Delete(snap);
    struct model_cmd cmds[MODEL_CMDS_MAX];
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 1); /* GET /api/v1/me, not ours */
    return m;
}

static void answer(struct model *m, int tag, int status, const char *body, const char *e)
{
    cJSON *j = body ? cJSON_Parse(body) : NULL;
    model_apply_result(m, tag, status, j, e);
    cJSON_Delete(j);
    check_model(m);
}

static int key(struct model *m, int k, enum km_action a, struct model_cmd *cmds)
{
    int n = model_apply_key(m, k, a, cmds, MODEL_CMDS_MAX);
    check_model(m);
    return n;
}

TEST(screen_fetches)
{
    struct model *m = agent_model();
    struct model_cmd cmds[MODEL_CMDS_MAX];
    CHECK_INT(key(m, KM_KEY_F(8), KA_VIEW_ERRORS, cmds), 1); /* any agent */
    CHECK_INT(m->screen, MODEL_SCR_ERRORS);
    CHECK_INT(model_key_context(m), KM_ERRORS);
    CHECK_STR(cmds[0].method, "GET");
    CHECK_STR(cmds[0].path, "/api/v1/errors?range=today");
    CHECK(m->errors.asking);
    answer(m, cmds[0].tag, 200, real_errors, NULL);
    CHECK(m->errors.loaded && !m->errors.asking);
    CHECK_INT(m->errors.data.n_codes, 2);
    /* the moves select a code, within the list */
    CHECK_INT(key(m, 'j', KA_DOWN, cmds), 0);
    CHECK_INT(key(m, 'j', KA_DOWN, cmds), 0);
    CHECK_INT(m->errors.sel, 1);
    CHECK_INT(key(m, 'g', KA_HOME, cmds), 0);
    CHECK_INT(m->errors.sel, 0);
    /* every 30 s while open, not before */
    model_tick(m, MONO + 29000, WALL + 29000);
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 0);
    model_tick(m, MONO + 30000, WALL + 30000);
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 1);
    CHECK_STR(cmds[0].path, "/api/v1/errors?range=today");
    /* a failure is shown, the last figures stay */
    answer(m, cmds[0].tag, 503, NULL, "the database is not answering");
    CHECK_STR(m->errors.message, "the database is not answering");
    CHECK(m->errors.loaded && m->errors.data.n_codes == 2);
    /* not while the screen is closed */
    CHECK_INT(key(m, KM_KEY_F(2), KA_VIEW_QUEUE, cmds), 0);
    model_tick(m, MONO + 90000, WALL + 90000);
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 0);
    model_free(m);
}

TEST(range_switch)
{
    struct model *m = agent_model();
    struct model_cmd cmds[MODEL_CMDS_MAX];
    CHECK_INT(key(m, KM_KEY_F(8), KA_VIEW_ERRORS, cmds), 1);
    int today_tag = cmds[0].tag;
    /* r: the seven days, at once, even with today's answer outstanding */
    CHECK_INT(key(m, 'r', KA_ERR_RANGE, cmds), 1);
    CHECK_STR(cmds[0].path, "/api/v1/errors?range=7d");
    CHECK_INT(m->errors.week, 1);
    /* today's answer comes late: dropped, and asked again for the seven days */
    answer(m, today_tag, 200, real_errors, NULL);
    CHECK(!m->errors.loaded);
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 1);
    CHECK_STR(cmds[0].path, "/api/v1/errors?range=7d");
    char *week = xasprintf("%s", real_errors);
    memcpy(strstr(week, "\"today\""), "\"7d\"   ", 7);
    answer(m, cmds[0].tag, 200, week, NULL);
    CHECK(m->errors.loaded && m->errors.data.week);
    /* a shorter list keeps the selection on a code */
    m->errors.sel = 1;
    answer(m, cmds[0].tag, 200, "{\"range\":\"7d\",\"codes\":[{\"code\":31486,\"count\":1}]}",
           NULL);
    CHECK_INT(m->errors.sel, 0);
    /* r again: today */
    CHECK_INT(key(m, 'r', KA_ERR_RANGE, cmds), 1);
    CHECK_STR(cmds[0].path, "/api/v1/errors?range=today");
    free(week);
    model_free(m);
}

TEST(keymap_binds)
{
    struct keymap *km = km_new();
    CHECK_INT(km_lookup(km, KM_GLOBAL, KM_KEY_F(8)), KA_VIEW_ERRORS);
    CHECK_INT(km_lookup(km, KM_ERRORS, 'r'), KA_ERR_RANGE);
    CHECK_INT(km_lookup(km, KM_QUEUE, 'r'), KA_REFRESH); /* elsewhere r still refreshes */
    CHECK_STR(km_action_name(KA_VIEW_ERRORS), "view-errors");
    CHECK_INT(km_action_from_name("error-range"), KA_ERR_RANGE);
    CHECK_STR(km_context_name(KM_ERRORS), "errors");
    km_free(km);
}

int main(void)
{
    RUN(parse_real);
    RUN(parse_hostile);
    RUN(parse_broken);
    RUN(spark_scaling);
    RUN(spark_columns);
    RUN(spark_small_buffer);
    RUN(screen_fetches);
    RUN(range_switch);
    RUN(keymap_binds);
    return check_done();
}
