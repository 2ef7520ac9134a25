/*
 * alertlist: the alerts screen's lists (see console/alertlist.h).
 */
#include <math.h>
#include <string.h>

#include "console/alertlist.h"
#include "console/invariant.h"
#include "dialtone/util.h"

double alertlist_clamp(double value)
{
    if (isnan(value))
        return 0;
    if (value > ALERTLIST_VALUE_MAX)
        return ALERTLIST_VALUE_MAX;
    return value < -ALERTLIST_VALUE_MAX ? -ALERTLIST_VALUE_MAX : value;
}

static int firing_find(const struct alertlist *a, const char *rule)
{
    for (size_t i = 0; i < a->n_firing; i++)
        if (strcmp(a->firing[i].rule, rule) == 0)
            return (int)i;
    return -1;
}

int alertlist_fire(struct alertlist *a, const struct alertlist_change *c)
{
    if (!c->rule[0])
        return 0;
    size_t keep = a->n_recent < ALERTLIST_RECENT_MAX ? a->n_recent : ALERTLIST_RECENT_MAX - 1;
    memmove(&a->recent[1], &a->recent[0], keep * sizeof a->recent[0]);
    a->recent[0] = *c;
    a->recent[0].value = alertlist_clamp(c->value);
    a->n_recent = keep + 1;
    if (a->sel && a->sel + 1 < a->n_recent)
        a->sel++; /* the selection stays on its row */
    int i = firing_find(a, c->rule);
    if (c->fired) {
        if (i < 0 && a->n_firing == ALERTLIST_FIRING_MAX)
            return 1;
        struct alertlist_firing *f = &a->firing[i < 0 ? a->n_firing++ : (size_t)i];
        dt_strlcpy(f->rule, c->rule, sizeof f->rule);
        dt_strlcpy(f->kind, c->kind, sizeof f->kind);
        f->since_ms = c->at_ms;
        dt_strlcpy(f->message, c->message, sizeof f->message);
    } else if (i >= 0) {
        memmove(&a->firing[i], &a->firing[i + 1],
                (a->n_firing - (size_t)i - 1) * sizeof a->firing[0]);
        a->n_firing--;
    }
    return 1;
}

void alertlist_clear(struct alertlist *a)
{
    a->n_firing = a->n_recent = 0;
    a->sel = 0;
}

int alertlist_check(const struct alertlist *a, char *err, size_t errlen)
{
    INV(a->n_firing <= ALERTLIST_FIRING_MAX);
    INV(a->n_recent <= ALERTLIST_RECENT_MAX);
    INV(a->sel < a->n_recent || a->sel == 0);
    INV_STR(a->message);
    for (size_t i = 0; i < a->n_firing; i++) {
        const struct alertlist_firing *f = &a->firing[i];
        INV(f->rule[0]);
        INV(f->since_ms >= 0);
        INV_STR(f->rule);
        INV_STR(f->kind);
        INV_STR(f->message);
    }
    for (size_t i = 0; i < a->n_recent; i++) {
        const struct alertlist_change *c = &a->recent[i];
        INV(c->at_ms >= 0);
        INV(c->fired == 0 || c->fired == 1);
        INV(c->value <= ALERTLIST_VALUE_MAX && c->value >= -ALERTLIST_VALUE_MAX);
        INV_STR(c->rule);
        INV_STR(c->kind);
        INV_STR(c->message);
    }
    return DT_OK;
}
