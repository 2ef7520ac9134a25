/*
 * reducer_alerts: the supervisors' alerts screen (F9) in the reducer, and the entry points
 * the bad-number review screen (reducer_numbers.c) shares with it. GET /api/v1/alerts is asked
 * once connected (after each snapshot, once GET /api/v1/me has answered), when the screen
 * opens without a list and on `r`; from then on alert.fired and alert.cleared keep the lists
 * live, so the status bar's count of firing rules is right on every screen. An event that
 * comes while a fetch is in flight makes another one due, since the answer may predate it.
 * Agents never get here: the screen, its requests and its events are for supervisors only.
 */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "console/alertlist.h"
#include "console/model.h"
#include "console/reducer.h"
#include "dialtone/util.h"

#define ALERTS_STUCK_MS 30000 /* a fetch unanswered this long no longer holds the next */

int rd_alerts_why(int status, const cJSON *body, const char *err, char *why, size_t n)
{
    if (status >= 200 && status < 300 && !err) {
        if (cJSON_IsObject(body))
            return 1;
        err = "the daemon's answer is not JSON";
    }
    if (err && *err)
        rd_copy(why, n, err);
    else if (status)
        snprintf(why, n, "the daemon answered %d", status);
    else
        rd_copy(why, n, "no answer from the daemon");
    return 0;
}

/* The two lists: where each is shown, how it is asked for, what an agent is told. */
static const struct {
    enum model_screen screen;
    enum model_tag tag;
    const char *path, *refusal;
} lists[] = {
    {.screen = MODEL_SCR_ALERTS,
     .tag = MODEL_TAG_ALERTS,
     .path = "/api/v1/alerts",
     .refusal = "The alerts are for supervisors"},
    {.screen = MODEL_SCR_NUMBERS,
     .tag = MODEL_TAG_NUMBERS,
     .path = "/api/v1/numbers/flagged",
     .refusal = "The bad-number review is for supervisors"},
};
#define NLISTS (sizeof lists / sizeof lists[0])

static struct alertlist_fetch *fetch_of(struct model *st, size_t i)
{
    return i == 0 ? &st->alerts.fetch : &st->numbers.fetch;
}

static int fetch(struct model *st, struct rd_out *o, size_t i)
{
    struct alertlist_fetch *f = fetch_of(st, i);
    if (rd_request(st, o, "GET", lists[i].tag, NULL, "%s", lists[i].path) != DT_OK)
        return DT_ETOOBIG;
    f->asking = 1;
    f->due = 0;
    f->asked_mono_ms = st->clock.mono_ms ? st->clock.mono_ms : 1;
    return DT_OK;
}

static int open_list(struct model *st, struct rd_out *o, size_t i)
{
    const struct alertlist_fetch *f = fetch_of(st, i);
    if (!rd_is_supervisor(st)) {
        model_toast(st, MODEL_INFO, "%s", lists[i].refusal);
        return 1;
    }
    st->screen = lists[i].screen;
    if (!f->loaded && !f->asking)
        fetch(st, o, i);
    return 1;
}

int rd_alerts_open(struct model *st, struct rd_out *o)
{
    return open_list(st, o, 0);
}

int rd_numbers_open(struct model *st, struct rd_out *o)
{
    return open_list(st, o, 1);
}

int rd_alerts_refresh(struct model *st, struct rd_out *o)
{
    size_t i = st->screen == MODEL_SCR_NUMBERS;
    if (!fetch_of(st, i)->asking)
        fetch(st, o, i);
    return 1;
}

void rd_alerts_snapshot(struct model *st)
{
    if (!rd_is_supervisor(st))
        return;
    st->alerts.fetch.due = 1; /* (re)connected: events may have been missed */
    if (st->numbers.fetch.loaded || st->screen == MODEL_SCR_NUMBERS)
        st->numbers.fetch.due = 1;
}

int rd_alerts_take(struct model *st, struct rd_out *o)
{
    int n = 0;
    if (!rd_is_supervisor(st) || !st->me_loaded || st->conn.state != CLIENT_LIVE)
        return 0;
    for (size_t i = 0; i < NLISTS && o->n < o->max; i++) {
        const struct alertlist_fetch *f = fetch_of(st, i);
        if (f->due && (!f->asking || st->clock.mono_ms >= f->asked_mono_ms + ALERTS_STUCK_MS))
            n += fetch(st, o, i) == DT_OK;
    }
    return n;
}

/* ---- reading the daemon's JSON --------------------------------------------------------------- */

/* A transition as api_alerts.c writes it (an event's data or a row of recent); fired is the
 * event's, or -1 to read it from the object. */
static void change_read(struct alertlist_change *c, const cJSON *o, int fired)
{
    memset(c, 0, sizeof *c);
    if (fired < 0) {
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, "firing");
        const char *state = rd_str(o, "state");
        fired = cJSON_IsBool(f) ? cJSON_IsTrue(f) : state && strcmp(state, "fired") == 0;
    }
    c->fired = fired;
    rd_set(c->rule, sizeof c->rule, o, "rule");
    rd_set(c->kind, sizeof c->kind, o, "kind");
    rd_set(c->message, sizeof c->message, o, "message");
    c->at_ms = rd_int(o, "at_ms", 0, INT64_C(1) << 52, 0);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "value");
    c->value = cJSON_IsNumber(v) ? alertlist_clamp(v->valuedouble) : 0;
}

/* The answer to GET /api/v1/alerts into the lists; DT_EINVAL (lists unchanged) without them. */
static int lists_read(struct alertlist *a, const cJSON *body)
{
    const cJSON *firing = cJSON_GetObjectItemCaseSensitive(body, "firing");
    const cJSON *recent = cJSON_GetObjectItemCaseSensitive(body, "recent"), *it;
    if (!cJSON_IsArray(firing) || !cJSON_IsArray(recent))
        return DT_EINVAL;
    alertlist_clear(a);
    cJSON_ArrayForEach(it, recent)
    {
        if (a->n_recent == ALERTLIST_RECENT_MAX)
            break;
        change_read(&a->recent[a->n_recent], it, -1);
        a->n_recent += a->recent[a->n_recent].rule[0] != '\0';
    }
    cJSON_ArrayForEach(it, firing)
    {
        if (a->n_firing == ALERTLIST_FIRING_MAX)
            break;
        struct alertlist_firing *f = &a->firing[a->n_firing];
        rd_set(f->rule, sizeof f->rule, it, "rule");
        rd_set(f->kind, sizeof f->kind, it, "kind");
        rd_set(f->message, sizeof f->message, it, "message");
        f->since_ms = rd_int(it, "since_ms", 0, INT64_C(1) << 52, 0);
        a->n_firing += f->rule[0] != '\0';
    }
    return DT_OK;
}

void rd_alerts_event(struct model *st, const char *type, const cJSON *d)
{
    if (!rd_is_supervisor(st))
        return;
    if (strncmp(type, "number.", 7) == 0) {
        rd_numbers_event(st, type, d);
        return;
    }
    int fired = strcmp(type, "alert.fired") == 0;
    if (!fired && strcmp(type, "alert.cleared") != 0)
        return;
    struct alertlist *a = &st->alerts;
    struct alertlist_change c;
    change_read(&c, d, fired);
    if (alertlist_fire(a, &c))
        st->dirty = 1;
    if (a->fetch.asking)
        a->fetch.due = 1; /* the answer on its way may not hold this one */
}

/* ---- keys and answers ------------------------------------------------------------------------ */

int rd_alerts_key(struct model *st, int key, enum km_action act, struct rd_out *o)
{
    if (st->screen == MODEL_SCR_NUMBERS)
        return rd_numbers_key(st, key, act, o);
    size_t page = st->rows > 16 ? (size_t)(st->rows - 16) : 1;
    if (rd_move(&st->alerts.sel, st->alerts.n_recent, act, page))
        return 1;
    return act == KA_REFRESH && rd_alerts_refresh(st, o);
}

int rd_alerts_result(struct model *st, enum model_tag kind, int status, const cJSON *body,
                     const char *err)
{
    if (kind == MODEL_TAG_NUMBERS || kind == MODEL_TAG_NUM_REVIEW)
        return rd_numbers_result(st, kind, status, body, err);
    if (kind != MODEL_TAG_ALERTS)
        return 0;
    struct alertlist *a = &st->alerts;
    char why[ALERTLIST_TEXT_SIZE];
    st->dirty = 1;
    a->fetch.asking = 0;
    if (!rd_alerts_why(status, body, err, why, sizeof why)) {
        rd_copy(a->message, sizeof a->message, why);
    } else if (lists_read(a, body) != DT_OK) {
        rd_copy(a->message, sizeof a->message, "the answer has no lists of alerts");
    } else {
        a->fetch.loaded = 1;
        a->message[0] = '\0';
    }
    return 1;
}
