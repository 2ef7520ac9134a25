/*
 * alerts: the evaluation of alert rules over the calls that ended lately. The calls are kept
 * in one array in the order they were fed, pruned at each evaluation of those older than
 * every window (and than the day, for a cost rule); each evaluation walks them once per rule.
 * See dialtone/alerts.h.
 */
#include "dialtone/alerts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alerts_int.h"
#include "dialtone/util.h"

struct rule_state {
    struct alert_rule r; /* r.name points at name */
    char name[ALERTS_NAME_MAX + 1];
    int firing;
    int64_t code; /* error code: the code it fired for */
};

struct alerts {
    struct rule_state *rules;
    size_t n;
    struct alert_call *facts;
    size_t nf, capf;
    int64_t keep_ms; /* the longest window (with its baseline) */
    int has_cost;
};

/* What one rule sees of the calls at one evaluation. */
struct view {
    int64_t now, from; /* the window: (from, now] */
    int64_t base_from; /* duration drop: the baseline (base_from, from] */
    int64_t day_start;
    int64_t n, hits; /* calls in the window; answered / failed recordings / code's */
    int64_t dur_n, dur_sum, base_n, base_sum;
    int64_t cost;
};

struct alerts *alerts_new(const struct alert_rule *rules, size_t n, char *err, size_t errlen)
{
    if (n == 0 || n > ALERTS_MAX_RULES) {
        dt_seterr(err, errlen, DT_EINVAL, "between 1 and %d rules", ALERTS_MAX_RULES);
        return NULL;
    }
    struct alerts *a = xcalloc(1, sizeof *a);
    a->rules = xcalloc(n, sizeof *a->rules);
    a->n = n;
    for (size_t i = 0; i < n; i++) {
        struct rule_state *s = &a->rules[i];
        s->r = rules[i];
        if (alerts_rule_fill(&s->r, err, errlen) != DT_OK)
            goto fail;
        for (size_t j = 0; j < i; j++)
            if (strcmp(a->rules[j].name, rules[i].name) == 0) {
                dt_seterr(err, errlen, DT_EINVAL, "rule %s: the name is taken", rules[i].name);
                goto fail;
            }
        dt_strlcpy(s->name, rules[i].name, sizeof s->name);
        s->r.name = s->name;
        int64_t keep = s->r.window_s + (s->r.kind == ALERT_DURATION_DROP ? s->r.baseline_s : 0);
        if (keep * 1000 > a->keep_ms)
            a->keep_ms = keep * 1000;
        a->has_cost |= s->r.kind == ALERT_DAILY_COST;
    }
    return a;
fail:
    alerts_free(a);
    return NULL;
}

void alerts_free(struct alerts *a)
{
    if (!a)
        return;
    free(a->rules);
    free(a->facts);
    free(a);
}

int alerts_feed(struct alerts *a, const struct alert_call *c)
{
    if (c->ended_ms < 0)
        return DT_EINVAL;
    if (a->nf >= ALERTS_MAX_FACTS) { /* forget the oldest tenth at once */
        size_t drop = ALERTS_MAX_FACTS / 10;
        memmove(a->facts, a->facts + drop, (a->nf - drop) * sizeof *a->facts);
        a->nf -= drop;
    }
    if (a->nf == a->capf) {
        a->capf = a->capf ? a->capf * 2 : 64;
        if (a->capf > ALERTS_MAX_FACTS)
            a->capf = ALERTS_MAX_FACTS;
        a->facts = xrealloc(a->facts, a->capf * sizeof *a->facts);
    }
    a->facts[a->nf++] = *c;
    return DT_OK;
}

int alerts_feed_cost(struct alerts *a, int64_t at_ms, int64_t cost_micros)
{
    if (cost_micros < 0)
        return DT_EINVAL;
    struct alert_call c = {
        .ended_ms = at_ms, .duration_s = -1, .cost_micros = cost_micros, .cost_only = 1};
    return alerts_feed(a, &c);
}

size_t alerts_count(const struct alerts *a)
{
    return a->n;
}

const struct alert_rule *alerts_rule(const struct alerts *a, size_t i)
{
    return i < a->n ? &a->rules[i].r : NULL;
}

int alerts_firing(const struct alerts *a, size_t i)
{
    return i < a->n && a->rules[i].firing;
}

int alerts_restore(struct alerts *a, const char *name, const char *kind, int firing, int64_t code)
{
    if (!name || !kind || code < 0)
        return DT_EINVAL;
    for (size_t i = 0; i < a->n; i++) {
        struct rule_state *s = &a->rules[i];
        if (strcmp(s->name, name) != 0)
            continue;
        if (strcmp(alerts_kind_name(s->r.kind), kind) != 0)
            return DT_ESTATE; /* the name is another kind's now: it starts clear */
        s->firing = firing != 0;
        if (s->r.kind == ALERT_ERROR_CODE)
            s->code = s->r.code ? s->r.code : firing ? code : 0;
        return DT_OK;
    }
    return DT_ENOTFOUND;
}

/* ---- what a rule sees --------------------------------------------------------------------- */

static void prune(struct alerts *a, int64_t now, int64_t day_start)
{
    int64_t cutoff = now - a->keep_ms;
    if (a->has_cost && day_start < cutoff)
        cutoff = day_start;
    size_t k = 0;
    for (size_t i = 0; i < a->nf; i++)
        if (a->facts[i].ended_ms > cutoff)
            a->facts[k++] = a->facts[i];
    a->nf = k;
}

static int in(int64_t t, int64_t from, int64_t to)
{
    return t > from && t <= to;
}

static int by_code(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return (a > b) - (a < b);
}

/* The error code seen most often in the window (the lowest of a tie), into *code; its count. */
static int64_t top_code(const struct alerts *a, const struct view *v, int64_t *code)
{
    int64_t *codes = xmalloc((a->nf ? a->nf : 1) * sizeof *codes);
    size_t n = 0;
    for (size_t i = 0; i < a->nf; i++)
        if (a->facts[i].error_code > 0 && !a->facts[i].cost_only &&
            in(a->facts[i].ended_ms, v->from, v->now))
            codes[n++] = a->facts[i].error_code;
    qsort(codes, n, sizeof *codes, by_code);
    int64_t best = 0;
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i; j < n && codes[j] == codes[i]; j++)
            ;
        if ((int64_t)(j - i) > best) {
            best = (int64_t)(j - i);
            *code = codes[i];
        }
    }
    free(codes);
    return best;
}

/* Counts what rule s needs into v. */
static void look(const struct alerts *a, const struct rule_state *s, struct view *v)
{
    for (size_t i = 0; i < a->nf; i++) {
        const struct alert_call *c = &a->facts[i];
        if (c->cost_micros > 0 && c->ended_ms >= v->day_start && c->ended_ms <= v->now)
            v->cost += c->cost_micros;
        if (c->cost_only)
            continue;
        int dur = c->answered && c->duration_s >= 0;
        if (dur && in(c->ended_ms, v->base_from, v->from)) {
            v->base_n++;
            v->base_sum += c->duration_s;
        }
        if (!in(c->ended_ms, v->from, v->now))
            continue;
        v->n++;
        if (dur) {
            v->dur_n++;
            v->dur_sum += c->duration_s;
        }
        if (s->r.kind == ALERT_ANSWER_RATE)
            v->hits += c->answered != 0;
        else if (s->r.kind == ALERT_RECORDING)
            v->hits += c->recording_failed != 0;
        else if (s->r.kind == ALERT_ERROR_CODE)
            v->hits += c->error_code > 0 && c->error_code == s->code;
    }
}

/* "15 minutes", "hour", "90 seconds": the span after "the last". */
static void span(char *buf, size_t n, int64_t s)
{
    const char *unit = "second";
    int64_t k = s;
    if (s % 3600 == 0)
        unit = "hour", k = s / 3600;
    else if (s % 60 == 0)
        unit = "minute", k = s / 60;
    if (k == 1)
        snprintf(buf, n, "%s", unit);
    else
        snprintf(buf, n, "%lld %ss", (long long)k, unit);
}

/* ---- judging: each kind says whether rule s changes state, and in what words ------------- */

static int judge_rate(const struct rule_state *s, const struct view *v, const char *win,
                      struct alert_transition *t)
{
    double rate = v->n ? (double)v->hits / (double)v->n : 1;
    t->value = rate;
    if (s->firing && v->n == 0) {
        snprintf(t->message, sizeof t->message, "answer rate: no calls over the last %s", win);
        return 1;
    }
    if (s->firing ? rate < s->r.clear : (v->n < s->r.min_calls || rate >= s->r.threshold))
        return 0;
    t->firing = !s->firing;
    snprintf(t->message, sizeof t->message,
             "answer rate %s%.0f%% over the last %s (%lld of %lld calls answered)%s%.0f%%",
             t->firing ? "" : "back to ", rate * 100, win, (long long)v->hits, (long long)v->n,
             t->firing ? ", under " : ", at or over ",
             t->firing ? s->r.threshold * 100 : s->r.clear * 100);
    return 1;
}

static int judge_error(const struct alerts *a, struct rule_state *s, const struct view *v,
                       const char *win, struct alert_transition *t)
{
    int64_t count = v->hits, code = s->code;
    if (!s->firing && s->r.code == 0)
        count = top_code(a, v, &code);
    t->value = (double)count;
    if (s->firing ? count > s->r.clear : count <= s->r.threshold)
        return 0;
    t->firing = !s->firing;
    if (t->firing) {
        s->code = code;
        snprintf(t->message, sizeof t->message,
                 "error %lld %lld times in the last %s, more than %.0f", (long long)code,
                 (long long)count, win, s->r.threshold);
    } else {
        snprintf(t->message, sizeof t->message, "error %lld down to %lld times in the last %s",
                 (long long)code, (long long)count, win);
    }
    return 1;
}

static int judge_drop(const struct rule_state *s, const struct view *v, const char *win,
                      struct alert_transition *t)
{
    double avg = v->dur_n ? (double)v->dur_sum / (double)v->dur_n : 0;
    double base = v->base_n ? (double)v->base_sum / (double)v->base_n : 0;
    double drop = base > 0 ? 1 - avg / base : 0;
    t->value = drop;
    char bwin[48];
    span(bwin, sizeof bwin, s->r.baseline_s);
    if (s->firing && v->dur_n == 0) {
        snprintf(t->message, sizeof t->message, "call duration: no answered calls over the last %s",
                 win);
        return 1;
    }
    if (s->firing ? (base > 0 && drop > s->r.clear)
                  : (v->dur_n < s->r.min_calls || v->base_n < s->r.min_calls || base <= 0 ||
                     drop <= s->r.threshold))
        return 0;
    t->firing = !s->firing;
    snprintf(t->message, sizeof t->message,
             "average call %s%.0f s over the last %s against %.0f s over the %s before (%s%.0f%%)",
             t->firing ? "" : "back to ", avg, win, base, bwin, drop >= 0 ? "down " : "up ",
             (drop >= 0 ? drop : -drop) * 100);
    return 1;
}

static int judge_count(const struct rule_state *s, const struct view *v, const char *win,
                       struct alert_transition *t)
{
    t->value = (double)v->hits;
    if (s->firing ? v->hits > s->r.clear : v->hits <= s->r.threshold)
        return 0;
    t->firing = !s->firing;
    if (t->firing)
        snprintf(t->message, sizeof t->message,
                 "%lld recording failure%s in the last %s, more than %.0f", (long long)v->hits,
                 v->hits == 1 ? "" : "s", win, s->r.threshold);
    else
        snprintf(t->message, sizeof t->message, "recording failures down to %lld in the last %s",
                 (long long)v->hits, win);
    return 1;
}

static int judge_cost(const struct rule_state *s, const struct view *v, struct alert_transition *t)
{
    double cost = (double)v->cost / 1e6;
    t->value = cost;
    if (s->firing ? cost > s->r.clear : cost <= s->r.threshold)
        return 0;
    t->firing = !s->firing;
    snprintf(t->message, sizeof t->message, "today's cost %.2f is %s the budget of %.2f", cost,
             t->firing ? "over" : "back within", s->r.threshold);
    return 1;
}

/* 1 when rule s changes state at this evaluation, with t filled in. */
static int judge(const struct alerts *a, struct rule_state *s, const struct view *v,
                 struct alert_transition *t)
{
    char win[48];
    span(win, sizeof win, s->r.window_s);
    switch (s->r.kind) {
    case ALERT_ANSWER_RATE:
        return judge_rate(s, v, win, t);
    case ALERT_ERROR_CODE:
        return judge_error(a, s, v, win, t);
    case ALERT_DURATION_DROP:
        return judge_drop(s, v, win, t);
    case ALERT_RECORDING:
        return judge_count(s, v, win, t);
    case ALERT_DAILY_COST:
        return judge_cost(s, v, t);
    case ALERT_KIND_COUNT:
        break;
    }
    return 0;
}

int alerts_eval(struct alerts *a, int64_t now_ms, int64_t day_start_ms,
                struct alert_transition *out, size_t cap, size_t *n)
{
    *n = 0;
    prune(a, now_ms, day_start_ms);
    for (size_t i = 0; i < a->n; i++) {
        struct rule_state *s = &a->rules[i];
        int64_t w = s->r.window_s * 1000;
        struct view v = {.now = now_ms,
                         .from = now_ms - w,
                         .base_from = now_ms - w - s->r.baseline_s * 1000,
                         .day_start = day_start_ms};
        if (s->r.kind == ALERT_ERROR_CODE && !s->firing)
            s->code = s->r.code;
        look(a, s, &v);
        struct alert_transition t = {
            .rule = i, .name = s->name, .kind = s->r.kind, .at_ms = now_ms};
        if (!judge(a, s, &v, &t))
            continue;
        if (*n >= cap)
            return DT_ETOOBIG;
        s->firing = t.firing;
        out[(*n)++] = t;
    }
    return DT_OK;
}
