/*
 * Tests for the alert rules over synthetic streams of ended calls: each kind fires when its
 * figure passes the threshold (not before, and not without enough calls) and clears when the
 * failures stop, only once back past the clear level (no flapping at the threshold); an empty
 * window, a new day, the defaults, rules read from config values, unsound rules, a full output
 * array and a flood of calls.
 */
#include "check.h"
#include "dialtone/alerts.h"
#include "dialtone/util.h"

#include <stdint.h>
#include <string.h>

static char err[256];

#define S 1000LL /* ms in a second */

static struct alert_call call(int64_t t_s, int answered)
{
    struct alert_call c = {.ended_ms = t_s * S,
                           .answered = answered,
                           .duration_s = answered ? 120 : -1,
                           .cost_micros = -1};
    return c;
}

/* Feeds c and evaluates at its end time; the number of transitions, the first in *t. */
static size_t feed_eval(struct alerts *a, struct alert_call c, struct alert_transition *t)
{
    struct alert_transition out[ALERTS_MAX_RULES];
    size_t n = 0;
    CHECK_INT(alerts_feed(a, &c), 0);
    CHECK_INT(alerts_eval(a, c.ended_ms, 0, out, ALERTS_MAX_RULES, &n), 0);
    if (n > 0 && t)
        *t = out[0];
    return n;
}

static size_t eval_at(struct alerts *a, int64_t now_ms, int64_t day_ms, struct alert_transition *t)
{
    struct alert_transition out[ALERTS_MAX_RULES];
    size_t n = 0;
    CHECK_INT(alerts_eval(a, now_ms, day_ms, out, ALERTS_MAX_RULES, &n), 0);
    if (n > 0 && t)
        *t = out[0];
    return n;
}

/* One call every 30 s over a 10-minute window, 20 in it: 20 answered, then failures; the
 * rate goes under 80% at the 5th failure (15 of 20). Then answered calls again: it clears at
 * 90% (18 of 20), not at 80%. */
TEST(test_answer_rate)
{
    struct alert_rule r = {.name = "rate",
                           .kind = ALERT_ANSWER_RATE,
                           .window_s = 600,
                           .threshold = 0.8,
                           .clear = 0.9,
                           .min_calls = 10};
    struct alerts *a = alerts_new(&r, 1, err, sizeof err);
    CHECK(a != NULL);
    if (!a)
        return;
    struct alert_transition t;
    int64_t ts = 0;
    for (int i = 0; i < 20; i++)
        CHECK_INT(feed_eval(a, call(ts += 30, 1), &t), 0);
    for (int i = 1; i <= 20; i++) {
        size_t n = feed_eval(a, call(ts += 30, 0), &t);
        CHECK_INT(n, i == 5 ? 1 : 0);
        if (i == 5 && n == 1) {
            CHECK_INT(t.firing, 1);
            CHECK_STR(t.name, "rate");
            CHECK_INT(t.rule, 0);
            CHECK_INT(t.at_ms, ts * S);
            CHECK(t.value == 0.75);
            CHECK_STR(t.message, "answer rate 75% over the last 10 minutes (15 of 20 calls "
                                 "answered), under 80%");
        }
        CHECK_INT(alerts_firing(a, 0), i >= 5);
    }
    for (int i = 1; i <= 20; i++) {
        size_t n = feed_eval(a, call(ts += 30, 1), &t);
        CHECK_INT(n, i == 18 ? 1 : 0);
        if (i == 18 && n == 1) {
            CHECK_INT(t.firing, 0);
            CHECK(strstr(t.message, "back to 90%") != NULL);
        }
    }
    CHECK_INT(alerts_firing(a, 0), 0);
    alerts_free(a);

    /* Too few calls to judge: 9 failures do not fire; an empty window clears a firing rule. */
    a = alerts_new(&r, 1, err, sizeof err);
    ts = 0;
    for (int i = 0; i < 9; i++)
        CHECK_INT(feed_eval(a, call(ts += 10, 0), &t), 0);
    CHECK_INT(feed_eval(a, call(ts += 10, 0), &t), 1);
    CHECK_INT(t.firing, 1);
    CHECK_INT(eval_at(a, (ts + 599) * S, 0, &t), 0);
    CHECK_INT(eval_at(a, (ts + 600) * S, 0, &t), 1);
    CHECK_INT(t.firing, 0);
    CHECK_STR(t.message, "answer rate: no calls over the last 10 minutes");
    alerts_free(a);
}

TEST(test_error_code)
{
    struct alert_rule rules[] = {
        {.name = "any-code", .kind = ALERT_ERROR_CODE, .window_s = 300, .threshold = 3},
        {.name = "13227", .kind = ALERT_ERROR_CODE, .window_s = 300, .threshold = 1, .code = 13227},
    };
    struct alerts *a = alerts_new(rules, 2, err, sizeof err);
    CHECK(a != NULL);
    if (!a)
        return;
    CHECK(alerts_rule(a, 0)->clear == 1); /* 3 / 2 rounded down */
    struct alert_call c = call(0, 0);
    struct alert_transition t;
    static const struct {
        int64_t at, code;
        size_t n;
    } stream[] = {{5, 13227, 0},  {10, 32009, 0}, {20, 32009, 0}, {25, 13227, 1},
                  {30, 32009, 0}, {35, 21211, 0}, {40, 32009, 1}};
    for (size_t i = 0; i < sizeof stream / sizeof stream[0]; i++) {
        c.ended_ms = stream[i].at * S;
        c.error_code = stream[i].code;
        CHECK_INT(feed_eval(a, c, &t), stream[i].n);
        if (stream[i].at == 25)
            CHECK(t.rule == 1 && t.firing && strstr(t.message, "error 13227 2 times") != NULL);
    }
    CHECK(t.rule == 0 && t.firing && t.value == 4);
    CHECK_STR(t.message, "error 32009 4 times in the last 5 minutes, more than 3");
    /* The window slides: 3, then 2 of 32009 left: still firing; 1 left: clears. 13227's two
     * calls (at 5 and 25) leave the window at 305 and 325: under its clear level of 0 then. */
    CHECK_INT(eval_at(a, 310 * S, 0, &t), 0);
    CHECK_INT(eval_at(a, 325 * S, 0, &t), 1);
    CHECK(t.rule == 1 && !t.firing);
    CHECK_INT(alerts_firing(a, 0), 1);
    CHECK_INT(eval_at(a, 335 * S, 0, &t), 1);
    CHECK(t.rule == 0 && !t.firing);
    CHECK_STR(t.message, "error 32009 down to 1 times in the last 5 minutes");
    alerts_free(a);
}

/* A baseline of 20 calls of 200 s, then 5 of 60 s: a 70% drop fires. Calls of 200 s again:
 * without hysteresis the rule would clear at 3100 s (106.7 s against 193.3 s, a 45% drop);
 * it clears once the drop is at most 25%: at 3300 s, 153.3 s against 181.7 s (16%), not at
 * 3200 s (130 s against 187.3 s, 31%). */
TEST(test_duration_drop)
{
    struct alert_rule r = {.name = "short-calls",
                           .kind = ALERT_DURATION_DROP,
                           .window_s = 600,
                           .baseline_s = 3600,
                           .threshold = 0.5,
                           .min_calls = 5};
    struct alerts *a = alerts_new(&r, 1, err, sizeof err);
    CHECK(a != NULL);
    if (!a)
        return;
    CHECK(alerts_rule(a, 0)->clear == 0.25);
    struct alert_transition t;
    struct alert_call c = call(0, 1);
    c.duration_s = 200;
    for (int64_t at = 100; at <= 2000; at += 100) {
        c.ended_ms = at * S;
        CHECK_INT(feed_eval(a, c, &t), 0);
    }
    c.duration_s = 60;
    for (int64_t at = 2500; at <= 2900; at += 100) {
        c.ended_ms = at * S;
        size_t n = feed_eval(a, c, &t);
        CHECK_INT(n, at == 2900);
    }
    CHECK(t.firing && t.value > 0.69 && t.value < 0.71);
    CHECK_STR(t.message, "average call 60 s over the last 10 minutes against 200 s over the hour "
                         "before (down 70%)");
    /* failed calls do not count */
    struct alert_call f = call(2950, 0);
    CHECK_INT(feed_eval(a, f, &t), 0);
    c.duration_s = 200;
    for (int64_t at = 3000; at <= 3400; at += 100) {
        c.ended_ms = at * S;
        size_t n = feed_eval(a, c, &t);
        CHECK_INT(n, at == 3300);
        if (at == 3300)
            CHECK(!t.firing && strstr(t.message, "back to 153 s") != NULL);
    }
    alerts_free(a);
}

TEST(test_recording_and_cost)
{
    struct alert_rule rules[] = {
        {.name = "recording", .kind = ALERT_RECORDING, .window_s = 3600},
        {.name = "budget", .kind = ALERT_DAILY_COST, .threshold = 1.0},
    };
    struct alerts *a = alerts_new(rules, 2, err, sizeof err);
    CHECK(a != NULL);
    if (!a)
        return;
    struct alert_transition out[2];
    size_t n;
    int64_t day = 86400 * S, now = day + 1000 * S;
    struct alert_call c = call(0, 1);
    c.cost_micros = 300000;
    c.ended_ms = day - 10 * S; /* yesterday: not in today's cost */
    CHECK_INT(alerts_feed(a, &c), 0);
    for (int i = 1; i <= 3; i++) {
        c.ended_ms = day + i * S;
        CHECK_INT(alerts_feed(a, &c), 0);
    }
    CHECK_INT(alerts_eval(a, now, day, out, 2, &n), 0);
    CHECK_INT(n, 0); /* 0.90 */
    c.recording_failed = 1;
    c.ended_ms = day + 500 * S;
    CHECK_INT(alerts_feed(a, &c), 0);
    CHECK_INT(alerts_eval(a, now, day, out, 2, &n), 0);
    CHECK_INT(n, 2);
    CHECK(n == 2 && out[0].rule == 0 && out[0].firing && out[1].rule == 1 && out[1].firing);
    CHECK_STR(out[0].message, "1 recording failure in the last hour, more than 0");
    CHECK_STR(out[1].message, "today's cost 1.20 is over the budget of 1.00");
    /* the failed recording leaves the window; the next day starts */
    CHECK_INT(alerts_eval(a, day + 4099 * S, day, out, 2, &n), 0);
    CHECK_INT(n, 0);
    CHECK_INT(alerts_eval(a, day + 4100 * S, day, out, 2, &n), 0);
    CHECK(n == 1 && out[0].rule == 0 && !out[0].firing);
    CHECK_INT(alerts_eval(a, 2 * day + 10 * S, 2 * day, out, 2, &n), 0);
    CHECK(n == 1 && out[0].rule == 1 && !out[0].firing);
    CHECK_STR(out[0].message, "today's cost 0.00 is back within the budget of 1.00");
    alerts_free(a);
}

/* Prices Twilio gives after a call ended count for the daily cost, and as no call at all. */
TEST(test_cost_learnt_later)
{
    struct alert_rule rules[] = {
        {.name = "answer", .kind = ALERT_ANSWER_RATE, .window_s = 3600, .min_calls = 2},
        {.name = "budget", .kind = ALERT_DAILY_COST, .threshold = 1.0},
    };
    struct alerts *a = alerts_new(rules, 2, err, sizeof err);
    CHECK(a != NULL);
    if (!a)
        return;
    struct alert_transition out[2];
    size_t n;
    int64_t day = 86400 * S, now = day + 1000 * S;
    struct alert_call c = call(0, 1);
    c.ended_ms = day + 10 * S; /* one answered call, fed before its price was known */
    CHECK_INT(alerts_feed(a, &c), 0);
    CHECK_INT(alerts_feed_cost(a, day + 70 * S, 800000), 0);
    CHECK_INT(alerts_feed_cost(a, day + 80 * S, 300000), 0);
    CHECK_INT(alerts_feed_cost(a, day + 90 * S, -1), DT_EINVAL);
    CHECK_INT(alerts_eval(a, now, day, out, 2, &n), 0);
    /* the budget is passed; the answer rate still has one call, under its minimum of two */
    CHECK(n == 1 && out[0].rule == 1 && out[0].firing);
    CHECK_STR(out[0].message, "today's cost 1.10 is over the budget of 1.00");
    alerts_free(a);
}

TEST(test_output_full)
{
    struct alert_rule rules[] = {
        {.name = "a", .kind = ALERT_RECORDING, .window_s = 60},
        {.name = "b", .kind = ALERT_RECORDING, .window_s = 120},
    };
    struct alerts *a = alerts_new(rules, 2, err, sizeof err);
    struct alert_call c = call(10, 1);
    c.recording_failed = 1;
    CHECK_INT(alerts_feed(a, &c), 0);
    struct alert_transition out[2];
    size_t n = 9;
    CHECK_INT(alerts_eval(a, 20 * S, 0, out, 1, &n), DT_ETOOBIG);
    CHECK_INT(n, 1);
    CHECK(alerts_firing(a, 0) && !alerts_firing(a, 1));
    CHECK_INT(alerts_eval(a, 20 * S, 0, out, 2, &n), 0);
    CHECK(n == 1 && out[0].rule == 1);
    CHECK(alerts_firing(a, 1));
    CHECK_INT(alerts_firing(a, 2), 0);
    CHECK(alerts_rule(a, 2) == NULL);
    c.ended_ms = -1;
    CHECK_INT(alerts_feed(a, &c), DT_EINVAL);
    alerts_free(a);
    alerts_free(NULL);
}

/* More calls than are kept: the oldest go, the rule still sees at most the cap. */
TEST(test_flood)
{
    struct alert_rule r = {.name = "codes",
                           .kind = ALERT_ERROR_CODE,
                           .window_s = 86400,
                           .threshold = ALERTS_MAX_FACTS};
    struct alerts *a = alerts_new(&r, 1, err, sizeof err);
    struct alert_call c = call(0, 0);
    c.error_code = 31005;
    for (int i = 0; i < ALERTS_MAX_FACTS + 1000; i++) {
        c.ended_ms = 1000 + i;
        CHECK_INT(alerts_feed(a, &c), 0);
    }
    size_t n;
    struct alert_transition t;
    CHECK_INT(alerts_eval(a, 10 * 60 * S, 0, &t, 1, &n), 0);
    CHECK_INT(n, 0);
    alerts_free(a);
}

TEST(test_defaults_and_config)
{
    size_t n;
    const struct alert_rule *d = alerts_default_rules(&n);
    CHECK_INT(n, 4);
    struct alerts *a = alerts_new(d, n, err, sizeof err);
    CHECK(a != NULL);
    if (a) {
        const struct alert_rule *r = alerts_rule(a, 0);
        CHECK_INT(r->kind, ALERT_ANSWER_RATE);
        CHECK(r->threshold == 0.8 && r->min_calls == 20 && r->window_s == 900);
        CHECK(r->clear > 0.849 && r->clear < 0.851);
        CHECK_STR(r->name, "answer-rate");
        CHECK_INT(alerts_rule(a, 2)->baseline_s, 7200);
        alerts_free(a);
    }

    struct alert_rule r = {.name = "mine"};
    CHECK_INT(alerts_rule_set(&r, "kind", "daily-cost", err, sizeof err), 0);
    CHECK_INT(r.kind, ALERT_DAILY_COST);
    CHECK_INT(alerts_rule_set(&r, "threshold", "150.5", err, sizeof err), 0);
    CHECK(r.threshold == 150.5);
    CHECK_INT(alerts_rule_set(&r, "kind", "answer-rate", err, sizeof err), 0);
    CHECK_INT(alerts_rule_set(&r, "threshold", "75%", err, sizeof err), 0);
    CHECK(r.threshold == 0.75);
    CHECK_INT(alerts_rule_set(&r, "window", "1800", err, sizeof err), 0);
    CHECK_INT(alerts_rule_set(&r, "min_calls", "7", err, sizeof err), 0);
    CHECK_INT(alerts_rule_set(&r, "code", "32009", err, sizeof err), 0);
    CHECK(r.window_s == 1800 && r.min_calls == 7 && r.code == 32009);
    struct alert_rule before = r;
    static const char *const bad[][2] = {
        {"kind", "rate"},    {"window", "-5"},
        {"window", "10s"},   {"window", ""},
        {"threshold", "x"},  {"threshold", "-1"},
        {"clear", "1e999"},  {"colour", "red"},
        {"min_calls", " 3"}, {"code", "99999999999999999999"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_INT(alerts_rule_set(&r, bad[i][0], bad[i][1], err, sizeof err), DT_EINVAL);
        CHECK(strstr(err, bad[i][0]) != NULL);
    }
    CHECK_INT(alerts_rule_set(&r, NULL, "1", err, sizeof err), DT_EINVAL);
    CHECK(memcmp(&r, &before, sizeof r) == 0);
    CHECK_STR(alerts_kind_name(ALERT_RECORDING), "recording");
    CHECK_STR(alerts_kind_name(ALERT_KIND_COUNT), "unknown");
}

TEST(test_bad_rules)
{
    static const struct {
        struct alert_rule r;
        const char *why;
    } bad[] = {
        {{.name = "", .kind = ALERT_RECORDING}, "name"},
        {{.name = "two words", .kind = ALERT_RECORDING}, "name"},
        {{.name = "k", .kind = ALERT_KIND_COUNT}, "kind"},
        {{.name = "r", .kind = ALERT_ANSWER_RATE, .threshold = 1.5}, "threshold"},
        {{.name = "r", .kind = ALERT_ANSWER_RATE, .threshold = 0.8, .clear = 0.7}, "clear"},
        {{.name = "w", .kind = ALERT_RECORDING, .window_s = 8 * 86400}, "window"},
        {{.name = "e", .kind = ALERT_ERROR_CODE, .threshold = 2.5}, "whole"},
        {{.name = "e", .kind = ALERT_ERROR_CODE, .threshold = 2, .clear = 3}, "clear"},
        {{.name = "d", .kind = ALERT_DURATION_DROP, .window_s = 900, .baseline_s = 600},
         "baseline"},
        {{.name = "d", .kind = ALERT_DURATION_DROP, .threshold = 1.2}, "threshold"},
        {{.name = "c", .kind = ALERT_DAILY_COST}, "budget"},
        {{.name = "c", .kind = ALERT_DAILY_COST, .threshold = 10, .clear = 12}, "clear"},
        {{.name = "m", .kind = ALERT_ANSWER_RATE, .min_calls = -2}, "negative"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        struct alerts *a = alerts_new(&bad[i].r, 1, err, sizeof err);
        CHECK(a == NULL);
        alerts_free(a);
        if (!strstr(err, bad[i].why))
            CHECK_FAIL_("rule %zu: \"%s\" lacks \"%s\"", i, err, bad[i].why);
    }
    struct alert_rule twice[] = {{.name = "x", .kind = ALERT_RECORDING},
                                 {.name = "x", .kind = ALERT_ERROR_CODE}};
    CHECK(alerts_new(twice, 2, err, sizeof err) == NULL);
    CHECK(strstr(err, "taken") != NULL);
    CHECK(alerts_new(twice, 0, err, sizeof err) == NULL);
}

/* A restart: the rules put back as they were (alerts_restore), then fed the window's calls. A
 * rule restored firing and still over its threshold gives no transition (it does not fire
 * again); one no longer over it clears once; an error-code rule keeps the code it fired for. */
TEST(test_restore)
{
    struct alert_rule rules[] = {
        {.name = "rate", .kind = ALERT_ANSWER_RATE, .window_s = 600, .min_calls = 10},
        {.name = "code", .kind = ALERT_ERROR_CODE, .window_s = 600, .threshold = 3},
        {.name = "rec", .kind = ALERT_RECORDING, .window_s = 600}};
    struct alerts *a = alerts_new(rules, 3, err, sizeof err);
    CHECK(a != NULL);
    if (!a)
        return;
    CHECK_INT(alerts_restore(a, "rate", "answer-rate", 1, 0), DT_OK);
    CHECK_INT(alerts_restore(a, "code", "error-code", 1, 31005), DT_OK);
    CHECK_INT(alerts_restore(a, "rec", "recording", 1, 0), DT_OK);
    CHECK_INT(alerts_restore(a, "gone", "recording", 1, 0), DT_ENOTFOUND);
    CHECK_INT(alerts_restore(a, "rate", NULL, 1, 0), DT_EINVAL);
    CHECK_INT(alerts_restore(a, "code", "error-code", 1, -1), DT_EINVAL);
    CHECK_INT(alerts_firing(a, 0), 1);
    CHECK_INT(alerts_firing(a, 1), 1);
    /* the window still holds 10 calls, 5 answered, and 4 failures with 31005; no recording
     * failure any more */
    for (int i = 0; i < 10; i++) {
        struct alert_call c = call(100 + i, i % 2);
        if (i % 2 == 0 && i < 8)
            c.error_code = 31005;
        CHECK_INT(alerts_feed(a, &c), 0);
    }
    struct alert_transition out[ALERTS_MAX_RULES];
    size_t n = 9;
    CHECK_INT(alerts_eval(a, 110 * S, 0, out, ALERTS_MAX_RULES, &n), 0);
    CHECK_INT(n, 1); /* rec clears; rate and code go on firing, silently */
    if (n == 1) {
        CHECK_STR(out[0].name, "rec");
        CHECK_INT(out[0].firing, 0);
    }
    CHECK_INT(alerts_firing(a, 0), 1);
    CHECK_INT(alerts_firing(a, 1), 1);
    CHECK_INT(alerts_firing(a, 2), 0);
    CHECK_INT(eval_at(a, 111 * S, 0, NULL), 0); /* cleared once only */
    /* the code it fired for is the restored one: once 31005 has left the window, it clears */
    CHECK_INT(eval_at(a, 703 * S, 0, NULL), 0); /* 104 and 106 */
    CHECK_INT(eval_at(a, 704 * S, 0, out), 1);  /* 106 alone */
    CHECK_STR(out[0].name, "code");
    CHECK(strstr(out[0].message, "error 31005 down to 1") != NULL);
    CHECK_INT(alerts_firing(a, 0), 1);
    CHECK_INT(alerts_firing(a, 1), 0);
    alerts_free(a);

    /* a rule of the same name that is another kind now starts clear */
    struct alert_rule other = {.name = "rate", .kind = ALERT_RECORDING, .window_s = 600};
    a = alerts_new(&other, 1, err, sizeof err);
    CHECK(a != NULL);
    if (!a)
        return;
    CHECK_INT(alerts_restore(a, "rate", "answer-rate", 1, 0), DT_ESTATE);
    CHECK_INT(alerts_firing(a, 0), 0);
    CHECK_INT(eval_at(a, 1000 * S, 0, NULL), 0);
    alerts_free(a);
}

int main(void)
{
    RUN(test_answer_rate);
    RUN(test_error_code);
    RUN(test_duration_drop);
    RUN(test_recording_and_cost);
    RUN(test_cost_learnt_later);
    RUN(test_output_full);
    RUN(test_flood);
    RUN(test_defaults_and_config);
    RUN(test_bad_rules);
    RUN(test_restore);
    return check_done();
}
