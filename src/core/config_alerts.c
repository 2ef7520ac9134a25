/*
 * config_alerts: the [alerts] section: each rule's threshold and settings (keys named after the
 * rule's kind, as listed in dialtone/config.h, their values read by alerts_rule_set), what to
 * run or call when one fires or clears, and the check of the whole set once the file is read.
 */
#include <string.h>

#include "core/config_internal.h"
#include "dialtone/kpi.h"
#include "dialtone/util.h"

/* The key prefix of each kind (the kind's name with '_' for '-'). */
static const char *const kind_keys[ALERT_KIND_COUNT] = {
    [ALERT_ANSWER_RATE] = "answer_rate",     [ALERT_ERROR_CODE] = "error_code",
    [ALERT_DURATION_DROP] = "duration_drop", [ALERT_RECORDING] = "recording",
    [ALERT_DAILY_COST] = "daily_cost",
};

/* What follows the prefix, and the alerts_rule_set key it stands for. */
static const struct {
    const char *suffix, *rule_key;
} suffixes[] = {
    {.suffix = "", .rule_key = "threshold"},
    {.suffix = "_clear", .rule_key = "clear"},
    {.suffix = "_window", .rule_key = "window"},
    {.suffix = "_baseline", .rule_key = "baseline"},
    {.suffix = "_min_calls", .rule_key = "min_calls"},
    {.suffix = "_code", .rule_key = "code"},
};
#define N_SUFFIXES (sizeof suffixes / sizeof suffixes[0])

enum { SEEN_COMMAND = 57, SEEN_URL, SEEN_TIMEOUT, SEEN_BUDGET, SEEN_STOP, SEEN_DELAY };

void config_alerts_defaults(struct config_alerts *al)
{
    memset(al, 0, sizeof *al);
    for (int k = 0; k < ALERT_KIND_COUNT; k++) {
        al->rules[k].name = alerts_kind_name((enum alert_kind)k);
        al->rules[k].kind = (enum alert_kind)k;
        al->enabled[k] = k != ALERT_DAILY_COST; /* it needs a budget */
    }
    al->command_timeout = 30;
    al->price_delay_ms = 60000;
}

static int text_ok(const char *v)
{
    for (const char *p = v; *p; p++)
        if ((unsigned char)*p <= 0x20 || *p == 0x7f)
            return 0;
    return 1;
}

/* Sets the budget and price keys; 1 when name is none of them. */
static int set_cost(struct config_alerts *al, const char *name, const char *v, int *bit, char *why,
                    size_t whylen)
{
    if (strcmp(name, "monthly_budget") == 0) {
        *bit = SEEN_BUDGET;
        int64_t m;
        if (kpi_price_parse(v, &m) != DT_OK || *v == '-' || *v == '+' || m <= 0)
            return dt_seterr(why, whylen, DT_EINVAL,
                             "monthly_budget in [alerts] must be an amount over 0, such as 250.00");
        al->monthly_budget_micros = m;
    } else if (strcmp(name, "stop_outbound_over_budget") == 0) {
        *bit = SEEN_STOP;
        if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
            al->stop_outbound_over_budget = 1;
        else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
            al->stop_outbound_over_budget = 0;
        else
            return dt_seterr(why, whylen, DT_EINVAL,
                             "stop_outbound_over_budget in [alerts] must be yes or no");
    } else if (strcmp(name, "price_delay") == 0) {
        *bit = SEEN_DELAY;
        int64_t m;
        if (kpi_price_parse(v, &m) != DT_OK || *v == '-' || *v == '+' || m > 3600000000LL)
            return dt_seterr(why, whylen, DT_EINVAL,
                             "price_delay in [alerts] must be 0-3600 seconds");
        al->price_delay_ms = m / 1000;
    } else {
        return 1;
    }
    return DT_OK;
}

static int set_other(struct config_alerts *al, const char *name, const char *v, uint64_t *seen,
                     char *why, size_t whylen)
{
    int bit;
    if (strcmp(name, "command") == 0) {
        bit = SEEN_COMMAND;
        if (v[0] != '/' || !text_ok(v) || strlen(v) >= sizeof al->command)
            return dt_seterr(why, whylen, DT_EINVAL,
                             "command in [alerts] must be an absolute path without spaces, "
                             "shorter than %zu bytes",
                             sizeof al->command);
        dt_strlcpy(al->command, v, sizeof al->command);
    } else if (strcmp(name, "webhook_url") == 0) {
        bit = SEEN_URL;
        if ((strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0) || !text_ok(v) ||
            strlen(v) >= sizeof al->webhook_url || strlen(v) < 9)
            return dt_seterr(why, whylen, DT_EINVAL,
                             "webhook_url in [alerts] must be an http(s) URL shorter than %zu "
                             "bytes",
                             sizeof al->webhook_url);
        dt_strlcpy(al->webhook_url, v, sizeof al->webhook_url);
    } else if (strcmp(name, "command_timeout") == 0) {
        bit = SEEN_TIMEOUT;
        long t = 0;
        const char *p = v;
        while (*p >= '0' && *p <= '9' && t <= 3600)
            t = t * 10 + (*p++ - '0');
        if (p == v || *p || t < 1 || t > 3600)
            return dt_seterr(why, whylen, DT_EINVAL,
                             "command_timeout in [alerts] must be 1-3600 seconds");
        al->command_timeout = (int)t;
    } else {
        int rc = set_cost(al, name, v, &bit, why, whylen);
        if (rc == 1)
            return dt_seterr(why, whylen, DT_EINVAL, "unknown key '%s' in [alerts]", name);
        if (rc != DT_OK)
            return rc;
    }
    if (*seen & ((uint64_t)1 << bit))
        return dt_seterr(why, whylen, DT_EINVAL, "duplicate key '%s' in [alerts]", name);
    *seen |= (uint64_t)1 << bit;
    return DT_OK;
}

int config_alerts_set(struct config_alerts *al, const char *name, const char *v, uint64_t *seen,
                      char *why, size_t whylen)
{
    for (int k = 0; k < ALERT_KIND_COUNT; k++) {
        size_t n = strlen(kind_keys[k]);
        if (strncmp(name, kind_keys[k], n) != 0)
            continue;
        for (size_t i = 0; i < N_SUFFIXES; i++) {
            if (strcmp(name + n, suffixes[i].suffix) != 0)
                continue;
            unsigned bit = (unsigned)k * N_SUFFIXES + (unsigned)i;
            if (*seen & ((uint64_t)1 << bit))
                return dt_seterr(why, whylen, DT_EINVAL, "duplicate key '%s' in [alerts]", name);
            *seen |= (uint64_t)1 << bit;
            if (i == 0 && strcmp(v, "off") == 0) {
                al->enabled[k] = 0;
                return DT_OK;
            }
            char e[160];
            if (alerts_rule_set(&al->rules[k], suffixes[i].rule_key, v, e, sizeof e) != DT_OK)
                return dt_seterr(why, whylen, DT_EINVAL,
                                 "key '%s' in [alerts]: expected %s (a number, or a percentage "
                                 "with %%%s)",
                                 name, i == 0 ? "a threshold" : "a value",
                                 i == 0 ? ", or off" : "");
            if (i == 0)
                al->enabled[k] = 1;
            return DT_OK;
        }
    }
    return set_other(al, name, v, seen, why, whylen);
}

size_t config_alerts_rules(const struct config *cfg, struct alert_rule out[ALERT_KIND_COUNT])
{
    size_t n = 0;
    for (int k = 0; k < ALERT_KIND_COUNT; k++)
        if (cfg->alerts.enabled[k])
            out[n++] = cfg->alerts.rules[k];
    return n;
}

int config_alerts_check(const struct config *cfg, char *why, size_t whylen)
{
    struct alert_rule r[ALERT_KIND_COUNT];
    size_t n = config_alerts_rules(cfg, r);
    if (n == 0)
        return DT_OK;
    char e[160];
    struct alerts *a = alerts_new(r, n, e, sizeof e);
    if (!a)
        return dt_seterr(why, whylen, DT_EINVAL, "[alerts]: %s", e);
    alerts_free(a);
    return DT_OK;
}
