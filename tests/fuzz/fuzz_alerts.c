/*
 * fuzz_alerts: alert rules read from text and run over a stream of calls made of the input's
 * bytes. Lines before a "--" line are "[name]" (a new rule) or "key=value" for
 * alerts_rule_set (each value also goes through kpi_price_parse); the bytes after it are calls,
 * 6 bytes each, with an evaluation after every call. Unsound rules must be refused cleanly;
 * sound ones must report each change once, in agreement with alerts_firing (abort()
 * otherwise).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dialtone/alerts.h"
#include "dialtone/kpi.h"
#include "dialtone/util.h"

#define MAX_RULES 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char names[MAX_RULES][ALERTS_NAME_MAX + 2];

static int same(const struct alert_rule *a, const struct alert_rule *b)
{
    return a->name == b->name && a->kind == b->kind && a->window_s == b->window_s &&
           a->baseline_s == b->baseline_s && a->threshold == b->threshold && a->clear == b->clear &&
           a->min_calls == b->min_calls && a->code == b->code;
}

/* Reads the rule lines into rules; returns how many, *rest at the calls. */
static size_t read_rules(const uint8_t *data, size_t size, struct alert_rule *rules,
                         const uint8_t **rest, size_t *rest_len)
{
    size_t n = 0, i = 0;
    char line[256], err[128];
    *rest = data + size;
    *rest_len = 0;
    while (i < size) {
        size_t j = i;
        while (j < size && data[j] != '\n')
            j++;
        size_t len = j - i < sizeof line - 1 ? j - i : sizeof line - 1;
        memcpy(line, data + i, len);
        line[len] = '\0';
        i = j + 1;
        if (strcmp(line, "--") == 0) {
            *rest = data + (i < size ? i : size);
            *rest_len = i < size ? size - i : 0;
            break;
        }
        char *eq = strchr(line, '=');
        if (line[0] == '[' && n < MAX_RULES) {
            dt_strlcpy(names[n], line + 1, sizeof names[n]);
            char *end = strchr(names[n], ']');
            if (end)
                *end = '\0';
            rules[n] = (struct alert_rule){.name = names[n]};
            n++;
        } else if (eq && n > 0) {
            *eq = '\0';
            struct alert_rule before = rules[n - 1];
            if (alerts_rule_set(&rules[n - 1], line, eq + 1, err, sizeof err) != DT_OK &&
                !same(&before, &rules[n - 1]))
                abort();
            int64_t micros;
            if (kpi_price_parse(eq + 1, &micros) == DT_OK && micros < 0)
                abort();
        }
    }
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct alert_rule rules[MAX_RULES];
    const uint8_t *calls;
    size_t calls_len;
    size_t n = read_rules(data, size, rules, &calls, &calls_len);
    char err[128];
    struct alerts *a = alerts_new(rules, n, err, sizeof err);
    if (!a)
        return 0;
    int was[MAX_RULES] = {0};
    int64_t now = 0, day = 0;
    for (size_t i = 0; i + 6 <= calls_len; i += 6) {
        const uint8_t *b = calls + i;
        now += (int64_t)b[0] * 1000;
        if (b[1] == 0xff)
            day = now;
        struct alert_call c = {.ended_ms = now - (b[1] & 0x0f) * 1000,
                               .answered = b[2] & 1,
                               .error_code = b[3] < 16 ? 30000 + b[3] : 0,
                               .duration_s = b[4],
                               .recording_failed = (b[2] & 2) != 0,
                               .cost_micros = (int64_t)b[5] * 10000};
        if (c.ended_ms < 0)
            c.ended_ms = 0;
        if (alerts_feed(a, &c) != DT_OK)
            abort();
        struct alert_transition t[MAX_RULES];
        size_t nt;
        if (alerts_eval(a, now, day, t, MAX_RULES, &nt) != DT_OK || nt > n)
            abort();
        for (size_t k = 0; k < nt; k++) {
            if (t[k].rule >= n || t[k].firing == was[t[k].rule] || !t[k].message[0] ||
                alerts_firing(a, t[k].rule) != t[k].firing)
                abort();
            was[t[k].rule] = t[k].firing;
        }
        for (size_t k = 0; k < n; k++)
            if (alerts_firing(a, k) != was[k])
                abort();
    }
    alerts_free(a);
    return 0;
}
