/*
 * reducer_waiting: the callers waiting in the agent's queues and the offers made to the agent: kept
 * sorted by queue and arrival with positions, offers filled in from the waiting list, the popup on
 * the newest offer, and both lists replaced whole by the snapshot and the poll.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "console/model.h"
#include "console/reducer.h"
#include "dialtone/util.h"

/* ---- the waiting list ------------------------------------------------------------------------ */

static int caller_cmp(const void *a, const void *b)
{
    const struct model_caller *x = a, *y = b;
    int c = strcmp(x->queue, y->queue);
    if (c)
        return c;
    if (x->since_ms != y->since_ms)
        return x->since_ms < y->since_ms ? -1 : 1;
    return strcmp(x->sid, y->sid);
}

int rd_offer_find(const struct model *st, const char *sid)
{
    for (size_t i = 0; i < st->n_offers; i++)
        if (strcmp(st->offers[i].sid, sid) == 0)
            return (int)i;
    return -1;
}

int rd_caller_find(const struct model *st, const char *sid)
{
    for (size_t i = 0; i < st->n_waiting; i++)
        if (strcmp(st->waiting[i].sid, sid) == 0)
            return (int)i;
    return -1;
}

void rd_queue_figures(struct model *st)
{
    for (size_t q = 0; q < st->n_queues; q++) {
        struct model_queue *mq = &st->queues[q];
        if (!rd_my_queue(st, mq->name))
            continue; /* the waiting list has only the agent's queues: the daemon's figures */
        int n = 0;
        int64_t oldest = 0;
        for (size_t i = 0; i < st->n_waiting; i++) {
            const struct model_caller *c = &st->waiting[i];
            if (strcmp(c->queue, mq->name) != 0)
                continue;
            n++;
            if (c->since_ms > 0 && (oldest == 0 || c->since_ms < oldest))
                oldest = c->since_ms;
        }
        mq->waiting = n;
        if (n == 0)
            mq->longest_wait_s = 0;
        else if (oldest > 0 && st->clock.wall_ms > oldest)
            mq->longest_wait_s = (st->clock.wall_ms - oldest) / 1000;
    }
}

void rd_waiting_fixup(struct model *st)
{
    qsort(st->waiting, st->n_waiting, sizeof st->waiting[0], caller_cmp);
    for (size_t i = 0; i < st->n_waiting; i++) {
        struct model_caller *c = &st->waiting[i];
        int same = i > 0 && strcmp(st->waiting[i - 1].queue, c->queue) == 0;
        c->position = same ? st->waiting[i - 1].position + 1 : 1;
        c->offered = rd_offer_find(st, c->sid) >= 0;
    }
    rd_queue_figures(st);
    if (st->queue_sel >= st->n_waiting)
        st->queue_sel = st->n_waiting ? st->n_waiting - 1 : 0;
    rd_queue_sel_fix(st);
    rd_popup_note(st);
    st->dirty = 1;
}

/* 1 when needle (ASCII letters in any case) is in hay. */
static int has_text(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return 1;
    return n == 0;
}

int model_caller_shown(const struct model *st, size_t i)
{
    const char *f = st->queue_filter;
    if (i >= st->n_waiting)
        return 0;
    const struct model_caller *c = &st->waiting[i];
    return !f[0] || has_text(c->name, f) || has_text(c->number, f) || has_text(c->queue, f);
}

void rd_queue_sel_fix(struct model *st)
{
    if (st->n_waiting == 0 || model_caller_shown(st, st->queue_sel))
        return;
    for (size_t i = 0; i < st->n_waiting; i++) {
        if (model_caller_shown(st, i)) {
            st->queue_sel = i;
            return;
        }
    }
}

void rd_popup_note(struct model *st)
{
    if (strcmp(st->popup_seen, st->popup_sid) == 0)
        return;
    memcpy(st->popup_seen, st->popup_sid, sizeof st->popup_seen);
    st->popup_since_ms = st->clock.mono_ms;
}

/* Fills c from a call's JSON (calljson). */
static void caller_from_json(struct model_caller *c, const cJSON *call)
{
    rd_set(c->sid, sizeof c->sid, call, "sid");
    rd_set(c->name, sizeof c->name, call, "caller_name");
    rd_set(c->number, sizeof c->number, call, "from");
    rd_set(c->queue, sizeof c->queue, call, "queue");
    c->since_ms = rd_int(call, "created_ms", 0, INT64_C(1) << 52, 0);
}

void rd_caller_remove(struct model *st, const char *sid)
{
    int i = rd_caller_find(st, sid);
    if (i < 0)
        return;
    memmove(&st->waiting[i], &st->waiting[i + 1],
            (st->n_waiting - (size_t)i - 1) * sizeof st->waiting[0]);
    st->n_waiting--;
}

/* Adds or updates the waiting caller of call (calljson) in one of my queues. */
void rd_caller_put(struct model *st, const cJSON *call)
{
    const char *sid = rd_str(call, "sid"), *queue = rd_str(call, "queue");
    if (!sid || !*sid || !queue || !*queue || !rd_my_queue(st, queue))
        return;
    struct model_caller c = {0};
    caller_from_json(&c, call);
    int i = rd_caller_find(st, c.sid);
    if (i >= 0)
        st->waiting[i] = c;
    else if (st->n_waiting < MODEL_WAITING_MAX)
        st->waiting[st->n_waiting++] = c;
}

/* Replaces the waiting list with the array calls. */
void rd_waiting_replace(struct model *st, const cJSON *calls)
{
    st->n_waiting = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, calls)
    {
        if (st->n_waiting == MODEL_WAITING_MAX)
            break;
        const char *sid = rd_str(c, "sid");
        if (!sid || !*sid)
            continue;
        struct model_caller w = {0};
        caller_from_json(&w, c);
        if (rd_caller_find(st, w.sid) < 0)
            st->waiting[st->n_waiting++] = w;
    }
}

/* ---- offers ---------------------------------------------------------------------------------- */

void rd_offer_remove(struct model *st, size_t i)
{
    if (i >= st->n_offers)
        return;
    int was_popup = strcmp(st->offers[i].sid, st->popup_sid) == 0;
    memmove(&st->offers[i], &st->offers[i + 1], (st->n_offers - i - 1) * sizeof st->offers[0]);
    st->n_offers--;
    if (was_popup) {
        if (st->n_offers)
            dt_strlcpy(st->popup_sid, st->offers[st->n_offers - 1].sid, sizeof st->popup_sid);
        else
            st->popup_sid[0] = '\0';
    }
    st->dirty = 1;
}

/* Copies what the waiting list knows of the caller into the offer. */
static void offer_fill(const struct model *st, struct model_offer *of)
{
    int w = rd_caller_find(st, of->sid);
    if (w < 0)
        return;
    const struct model_caller *c = &st->waiting[w];
    memcpy(of->name, c->name, sizeof of->name);
    memcpy(of->number, c->number, sizeof of->number);
    if (!of->queue[0])
        memcpy(of->queue, c->queue, sizeof of->queue);
    of->since_ms = c->since_ms;
}

/* An offer from {"call_sid", "queue", "mode", "expires_ms"}; the newest shows in the popup. */
void rd_offer_put(struct model *st, const cJSON *d, int popup)
{
    struct model_offer of = {0};
    rd_set(of.sid, sizeof of.sid, d, "call_sid");
    if (!of.sid[0])
        return;
    rd_set(of.queue, sizeof of.queue, d, "queue");
    rd_set(of.mode, sizeof of.mode, d, "mode");
    of.expires_ms = rd_int(d, "expires_ms", 0, INT64_C(1) << 52, 0);
    offer_fill(st, &of);
    int i = rd_offer_find(st, of.sid);
    if (i >= 0) {
        st->offers[i] = of;
    } else {
        if (st->n_offers == MODEL_OFFERS_MAX)
            rd_offer_remove(st, 0);
        st->offers[st->n_offers++] = of;
    }
    /* no popup over text being typed (a number, a filter...): the offer shows in the queue
     * meanwhile */
    int typing = (st->screen == MODEL_SCR_DIALPAD && st->dialpad.buf[0]) ||
                 (st->screen == MODEL_SCR_HISTORY && st->history.filter_editing) ||
                 st->prompt.open || st->transfer.open;
    if (popup && !typing && strcmp(st->accepting_sid, of.sid) != 0)
        dt_strlcpy(st->popup_sid, of.sid, sizeof st->popup_sid);
}

void rd_offers_replace(struct model *st, const cJSON *offers)
{
    char old[MODEL_OFFERS_MAX][MODEL_SID_SIZE];
    size_t n_old = st->n_offers;
    for (size_t i = 0; i < n_old; i++)
        memcpy(old[i], st->offers[i].sid, MODEL_SID_SIZE);
    st->n_offers = 0;
    const cJSON *o;
    cJSON_ArrayForEach(o, offers)
    {
        const char *sid = rd_str(o, "call_sid");
        if (!sid || !*sid)
            continue;
        char s[MODEL_SID_SIZE];
        rd_copy(s, sizeof s, sid);
        int known = 0;
        for (size_t i = 0; i < n_old; i++)
            known |= strcmp(old[i], s) == 0;
        rd_offer_put(st, o, !known);
    }
    if (st->popup_sid[0] && rd_offer_find(st, st->popup_sid) < 0)
        st->popup_sid[0] = '\0';
}
