/*
 * Tests of the console's errors screen data: errstats_parse over answers shaped as
 * api_errors.c writes them (and hostile or broken ones), and the sparkline: scaling into the
 * block characters and the ASCII fallback, all zeros, one huge bucket, more buckets than
 * columns summed, a buffer too small.
 */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "console/errstats.h"
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

int main(void)
{
    RUN(parse_real);
    RUN(parse_hostile);
    RUN(parse_broken);
    RUN(spark_scaling);
    RUN(spark_columns);
    RUN(spark_small_buffer);
    return check_done();
}
