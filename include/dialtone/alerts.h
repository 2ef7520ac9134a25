/*
 * alerts: alert rules evaluated over sliding windows of call-end facts, without clock or I/O.
 * The caller feeds each call as it ends (alerts_feed) and evaluates now and then
 * (alerts_eval), which returns the rules that fired or cleared, with a message in words. Each
 * rule is firing or clear; it fires past its threshold and clears only back past a separate
 * clear level (hysteresis), so that a figure hovering at the threshold does not flap.
 *
 * Kinds, with what threshold and clear mean (windows end at the time of evaluation):
 *  - answer rate: answered / calls ended in the window, as a fraction. Fires under threshold
 *    (default 0.8) once the window holds min_calls calls; clears at or over clear (default
 *    threshold + 0.05, at most 1), or when the window holds no call.
 *  - error code: the same error code (code, or any when 0) more than threshold times in the
 *    window. Clears when that code's count is at or under clear (default threshold / 2,
 *    rounded down).
 *  - duration drop: the average duration of answered calls in the window against the
 *    average over the baseline (baseline_s before the window). Fires when it fell by more
 *    than threshold (0.5: under half), both holding min_calls calls; clears when the drop is
 *    at or under clear (default threshold / 2) or the window holds no answered call.
 *  - recording failures: more than threshold in the window (default 0: any). Clears at or
 *    under clear (default threshold / 2, rounded down).
 *  - daily cost: the cost of calls that ended since the start of the day (in currency units;
 *    the caller says when the day starts) over threshold, the budget. Clears at or under
 *    clear (default: the budget), as at the next day.
 */
#ifndef DIALTONE_ALERTS_H
#define DIALTONE_ALERTS_H

#include <stddef.h>
#include <stdint.h>

#define ALERTS_MAX_RULES   64
#define ALERTS_MAX_FACTS   200000 /* calls kept; the oldest go first */
#define ALERTS_NAME_MAX    32
#define ALERTS_MESSAGE_MAX 200
#define ALERTS_WINDOW_MAX  (7 * 86400) /* longest window or baseline, seconds */

enum alert_kind {
    ALERT_ANSWER_RATE,
    ALERT_ERROR_CODE,
    ALERT_DURATION_DROP,
    ALERT_RECORDING,
    ALERT_DAILY_COST,
    ALERT_KIND_COUNT
};

/* A rule; name is borrowed (alerts_new copies it). Fields left 0 take the kind's default
 * where one is given above (so a clear level of 0 cannot be asked for when its default is
 * another). */
struct alert_rule {
    const char *name; /* 1 to ALERTS_NAME_MAX printable bytes */
    enum alert_kind kind;
    int64_t window_s;   /* the sliding window; default 900 (daily cost: unused) */
    int64_t baseline_s; /* duration drop: default 7200 */
    double threshold;
    double clear;
    int64_t min_calls; /* answer rate default 20, duration drop default 10 */
    int64_t code;      /* error code: the one code watched, 0 any */
};

/* One call as it ended. */
struct alert_call {
    int64_t ended_ms;
    int answered;         /* 1 when it connected */
    int64_t error_code;   /* 0 when none */
    int64_t duration_s;   /* talk time of an answered call, -1 unknown */
    int recording_failed; /* 1 when its recording failed */
    int64_t cost_micros;  /* millionths of the currency unit, -1 unknown */
    int cost_only;        /* 1: a price learnt after the call was fed (alerts_feed_cost): it
                           * counts for the daily cost and nothing else */
};

/* A rule that fired or cleared. */
struct alert_transition {
    size_t rule;      /* index in the rules given to alerts_new */
    const char *name; /* the rule's name, borrowed from the alerts */
    enum alert_kind kind;
    int firing; /* 1 fired, 0 cleared */
    int64_t at_ms;
    double value; /* the figure that crossed: rate, count, drop or cost */
    char message[ALERTS_MESSAGE_MAX];
};

struct alerts;

/* "answer-rate", "error-code", "duration-drop", "recording", "daily-cost"; "unknown"
 * outside the enum. alerts_kind_parse reads them back: DT_EINVAL for another word. */
const char *alerts_kind_name(enum alert_kind k);
int alerts_kind_parse(const char *s, enum alert_kind *out);

/* The rules that apply when none are configured (answer rate, error code, duration drop,
 * recording failures; daily cost needs a budget); static, *n gets their count. */
const struct alert_rule *alerts_default_rules(size_t *n);

/*
 * Sets one key of r from a config value, for rules read from a file: "kind" (a kind name),
 * "window" and "baseline" (seconds), "threshold" and "clear" (numbers; a trailing % divides
 * by 100), "min_calls", "code" (integers). DT_EINVAL for an unknown key or a bad value, with
 * the reason in err; r is then unchanged. alerts_new checks the rule as a whole.
 */
int alerts_rule_set(struct alert_rule *r, const char *key, const char *value, char *err,
                    size_t errlen);

/*
 * A new set of n rules (1 to ALERTS_MAX_RULES), all clear, with the defaults filled in. NULL
 * when a rule is unsound (empty or duplicate name, unknown kind, window or baseline out of
 * range, threshold or clear out of range or on the wrong side of each other), with "rule
 * NAME: reason" in err. Free with alerts_free (NULL does nothing).
 */
struct alerts *alerts_new(const struct alert_rule *rules, size_t n, char *err, size_t errlen);
void alerts_free(struct alerts *a);

/* Adds one ended call. DT_EINVAL for a negative time; past ALERTS_MAX_FACTS the oldest call
 * is forgotten. */
int alerts_feed(struct alerts *a, const struct alert_call *c);

/* Adds the price (cost_micros, millionths of the unit) of a call already fed without one, as
 * Twilio prices a call some time after it ended: it counts for the daily cost rule at at_ms
 * and for no other rule. DT_EINVAL for a negative time or cost. */
int alerts_feed_cost(struct alerts *a, int64_t at_ms, int64_t cost_micros);

/*
 * Puts rule name (of kind, alerts_kind_name's word) back in the state a previous run left it:
 * firing (1) or clear (0); an error-code rule watching any code fires for code (the rule's own
 * code when it has one). Nothing is returned as a transition: fed the calls of its window, a
 * rule restored firing stays firing silently while its figure is not back past its clear
 * level, and clears (one transition) at the next alerts_eval otherwise. Errors: DT_ENOTFOUND
 * (no rule of that name), DT_ESTATE (the rule is of another kind now: it is left clear),
 * DT_EINVAL (NULL name or kind, negative code).
 */
int alerts_restore(struct alerts *a, const char *name, const char *kind, int firing, int64_t code);

/*
 * Evaluates every rule at now_ms, the day having started at day_start_ms, and writes the
 * rules that changed state into out (room for cap, which should be alerts_count: each rule
 * changes at most once a call) and their number into *n. Calls older than every window (and
 * the day) are forgotten. DT_ETOOBIG when out is too small: the rules that did not fit keep
 * their state and change at the next call.
 */
int alerts_eval(struct alerts *a, int64_t now_ms, int64_t day_start_ms,
                struct alert_transition *out, size_t cap, size_t *n);

/* The number of rules; rule i as filled in (borrowed); 1 if rule i is firing, else 0 (also
 * out of range). */
size_t alerts_count(const struct alerts *a);
const struct alert_rule *alerts_rule(const struct alerts *a, size_t i);
int alerts_firing(const struct alerts *a, size_t i);

#endif
