/*
 * alerts_rules: the alert rules themselves: kind names, the default rules, setting a rule's
 * keys from config values, and filling in and checking a rule before alerts_new takes it.
 * See dialtone/alerts.h.
 */
#include <errno.h>
#include <stddef.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alerts_int.h"
#include "dialtone/util.h"

static const char *const kind_names[ALERT_KIND_COUNT] = {
    [ALERT_ANSWER_RATE] = "answer-rate",     [ALERT_ERROR_CODE] = "error-code",
    [ALERT_DURATION_DROP] = "duration-drop", [ALERT_RECORDING] = "recording",
    [ALERT_DAILY_COST] = "daily-cost",
};

/* Each kind's defaults, for the fields a rule leaves 0. */
static const struct alert_rule kind_defaults[ALERT_KIND_COUNT] = {
    [ALERT_ANSWER_RATE] = {.window_s = 900, .threshold = 0.8, .min_calls = 20},
    [ALERT_ERROR_CODE] = {.window_s = 900, .threshold = 5},
    [ALERT_DURATION_DROP] = {.window_s = 900,
                             .baseline_s = 7200,
                             .threshold = 0.5,
                             .min_calls = 10},
    [ALERT_RECORDING] = {.window_s = 3600},
    [ALERT_DAILY_COST] = {.window_s = 0},
};

static const struct alert_rule default_rules[] = {
    {.name = "answer-rate", .kind = ALERT_ANSWER_RATE},
    {.name = "error-code", .kind = ALERT_ERROR_CODE},
    {.name = "duration-drop", .kind = ALERT_DURATION_DROP},
    {.name = "recording", .kind = ALERT_RECORDING},
};

const char *alerts_kind_name(enum alert_kind k)
{
    return (unsigned)k < ALERT_KIND_COUNT ? kind_names[k] : "unknown";
}

int alerts_kind_parse(const char *s, enum alert_kind *out)
{
    for (int k = 0; s && k < ALERT_KIND_COUNT; k++)
        if (strcmp(s, kind_names[k]) == 0) {
            *out = (enum alert_kind)k;
            return DT_OK;
        }
    return DT_EINVAL;
}

const struct alert_rule *alerts_default_rules(size_t *n)
{
    *n = sizeof default_rules / sizeof default_rules[0];
    return default_rules;
}

/* ---- config values ------------------------------------------------------------------------ */

static int parse_int(const char *v, int64_t *out)
{
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (errno || end == v || *end || *v == ' ' || *v == '\t')
        return DT_EINVAL;
    *out = x;
    return DT_OK;
}

static int parse_num(const char *v, double *out)
{
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (errno || end == v || *v == ' ' || *v == '\t' || !isfinite(x))
        return DT_EINVAL;
    if (*end == '%') {
        x /= 100;
        end++;
    }
    if (*end)
        return DT_EINVAL;
    *out = x;
    return DT_OK;
}

enum key_type { KEY_KIND, KEY_INT, KEY_NUM };

static const struct {
    const char *key;
    enum key_type type;
    size_t off;
} rule_keys[] = {
    {.key = "kind", .type = KEY_KIND, .off = offsetof(struct alert_rule, kind)},
    {.key = "window", .type = KEY_INT, .off = offsetof(struct alert_rule, window_s)},
    {.key = "baseline", .type = KEY_INT, .off = offsetof(struct alert_rule, baseline_s)},
    {.key = "threshold", .type = KEY_NUM, .off = offsetof(struct alert_rule, threshold)},
    {.key = "clear", .type = KEY_NUM, .off = offsetof(struct alert_rule, clear)},
    {.key = "min_calls", .type = KEY_INT, .off = offsetof(struct alert_rule, min_calls)},
    {.key = "code", .type = KEY_INT, .off = offsetof(struct alert_rule, code)},
};

int alerts_rule_set(struct alert_rule *r, const char *key, const char *value, char *err,
                    size_t errlen)
{
    for (size_t i = 0; key && value && i < sizeof rule_keys / sizeof rule_keys[0]; i++) {
        if (strcmp(key, rule_keys[i].key) != 0)
            continue;
        char *field = (char *)r + rule_keys[i].off;
        enum alert_kind k;
        int64_t iv;
        double dv;
        switch (rule_keys[i].type) {
        case KEY_KIND:
            if (alerts_kind_parse(value, &k) != DT_OK)
                return dt_seterr(err, errlen, DT_EINVAL,
                                 "%s: not a kind of alert (answer-rate, error-code, "
                                 "duration-drop, recording, daily-cost)",
                                 key);
            memcpy(field, &k, sizeof k);
            return DT_OK;
        case KEY_INT:
            if (parse_int(value, &iv) != DT_OK || iv < 0)
                return dt_seterr(err, errlen, DT_EINVAL, "%s: not a whole number", key);
            memcpy(field, &iv, sizeof iv);
            return DT_OK;
        case KEY_NUM:
            if (parse_num(value, &dv) != DT_OK || dv < 0)
                return dt_seterr(err, errlen, DT_EINVAL, "%s: not a number", key);
            memcpy(field, &dv, sizeof dv);
            return DT_OK;
        }
    }
    return dt_seterr(err, errlen, DT_EINVAL, "%s: unknown key of an alert rule",
                     key ? key : "(none)");
}

/* ---- checking ----------------------------------------------------------------------------- */

static int name_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > ALERTS_NAME_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
            return 0;
    return 1;
}

/* The checks of a filled-in rule, one per kind; NULL when sound, else the reason. */
static const char *check_rate(const struct alert_rule *r)
{
    if (r->threshold <= 0 || r->threshold > 1)
        return "threshold must be a fraction above 0 and at most 1 (or 1-100%)";
    if (r->clear < r->threshold || r->clear > 1)
        return "clear must be between the threshold and 1";
    return NULL;
}

static const char *check_count(const struct alert_rule *r)
{
    if (r->threshold != floor(r->threshold) || r->threshold > 1e9)
        return "threshold must be a whole number of calls";
    if (r->clear != floor(r->clear) || r->clear > r->threshold)
        return "clear must be a whole number at most the threshold";
    return NULL;
}

static const char *check_drop(const struct alert_rule *r)
{
    if (r->threshold <= 0 || r->threshold >= 1)
        return "threshold must be a fraction between 0 and 1 (the drop, 50% = half)";
    if (r->clear > r->threshold)
        return "clear must be at most the threshold";
    if (r->baseline_s < r->window_s || r->baseline_s > ALERTS_WINDOW_MAX)
        return "baseline must be at least the window and at most 7 days";
    return NULL;
}

static const char *check_cost(const struct alert_rule *r)
{
    if (r->threshold <= 0 || r->threshold > 1e9)
        return "threshold (the daily budget) must be above 0";
    if (r->clear > r->threshold)
        return "clear must be at most the budget";
    return NULL;
}

/* Fills in r's defaults and checks it: DT_OK, or DT_EINVAL with the reason in err. */
int alerts_rule_fill(struct alert_rule *r, char *err, size_t errlen)
{
    const char *name = name_ok(r->name) ? r->name : "?";
    if (!name_ok(r->name))
        return dt_seterr(err, errlen, DT_EINVAL, "a rule needs a name of 1-%d printable bytes",
                         ALERTS_NAME_MAX);
    if ((unsigned)r->kind >= ALERT_KIND_COUNT)
        return dt_seterr(err, errlen, DT_EINVAL, "rule %s: unknown kind", name);
    const struct alert_rule *d = &kind_defaults[r->kind];
    if (r->window_s == 0)
        r->window_s = d->window_s;
    if (r->baseline_s == 0)
        r->baseline_s = d->baseline_s;
    if (r->threshold == 0)
        r->threshold = d->threshold;
    if (r->min_calls == 0)
        r->min_calls = d->min_calls;
    if (r->clear == 0) {
        if (r->kind == ALERT_ANSWER_RATE)
            r->clear = fmin(r->threshold + 0.05, 1);
        else if (r->kind == ALERT_DAILY_COST)
            r->clear = r->threshold;
        else if (r->kind == ALERT_DURATION_DROP)
            r->clear = r->threshold / 2;
        else
            r->clear = floor(r->threshold / 2);
    }
    const char *why = NULL;
    if (r->kind != ALERT_DAILY_COST && (r->window_s <= 0 || r->window_s > ALERTS_WINDOW_MAX))
        why = "window must be 1 second to 7 days";
    else if (r->min_calls < 0 || r->code < 0 || r->threshold < 0 || r->clear < 0)
        why = "negative value";
    else if (r->kind == ALERT_ANSWER_RATE)
        why = check_rate(r);
    else if (r->kind == ALERT_DURATION_DROP)
        why = check_drop(r);
    else if (r->kind == ALERT_DAILY_COST)
        why = check_cost(r);
    else
        why = check_count(r);
    return why ? dt_seterr(err, errlen, DT_EINVAL, "rule %s: %s", name, why) : DT_OK;
}
