/*
 * routing_events.c: the events the daemon feeds the router. Each one checks its input, moves
 * time forward (processing what fell due), checks the state, makes its change and lets the
 * distribution pass make the offers that follow from it.
 */
#include <stdlib.h>
#include <string.h>

#include "dialtone/util.h"
#include "routing_int.h"

/* Checks now_ms and moves time to it. */
static int begin(struct routing *r, int64_t now_ms, struct routing_actions *out, char *err,
                 size_t errlen)
{
    int rc = rt_check_time(now_ms, err, errlen);
    if (rc != DT_OK)
        return rc;
    rt_advance(r, now_ms, out);
    return DT_OK;
}

int routing_tick(struct routing *r, int64_t now_ms, struct routing_actions *out)
{
    return begin(r, now_ms, out, NULL, 0);
}

/* ---- queues ------------------------------------------------------------------------------- */

static int check_conf(const struct routing_queue_conf *c, char *err, size_t errlen)
{
    if (!c)
        return dt_seterr(err, errlen, DT_EINVAL, "queue settings missing");
    if (c->mode != DT_ROUTE_RINGALL && c->mode != DT_ROUTE_LONGEST_IDLE)
        return dt_seterr(err, errlen, DT_EINVAL, "unknown routing mode");
    if (c->reservation_timeout_s < ROUTING_TIMEOUT_MIN_S ||
        c->reservation_timeout_s > ROUTING_TIMEOUT_MAX_S)
        return dt_seterr(err, errlen, DT_EINVAL, "reservation timeout must be %d-%d s",
                         ROUTING_TIMEOUT_MIN_S, ROUTING_TIMEOUT_MAX_S);
    if (c->wrapup_s < 0 || c->wrapup_s > ROUTING_WRAPUP_MAX_S)
        return dt_seterr(err, errlen, DT_EINVAL, "wrap-up must be 0-%d s", ROUTING_WRAPUP_MAX_S);
    if (c->missed_offers_limit < 0 || c->missed_offers_limit > ROUTING_MISSED_MAX)
        return dt_seterr(err, errlen, DT_EINVAL, "missed offers limit must be 0-%d",
                         ROUTING_MISSED_MAX);
    return DT_OK;
}

int routing_queue_set(struct routing *r, const char *name, const struct routing_queue_conf *conf,
                      int64_t now_ms, struct routing_actions *out, char *err, size_t errlen)
{
    int rc = rt_check_text(name, ROUTING_QUEUE_MAX, 0, "queue name", err, errlen);
    if (rc != DT_OK || (rc = check_conf(conf, err, errlen)) != DT_OK)
        return rc;
    int q = rt_find_queue(r, name);
    if (q < 0 && r->n_queues >= r->max_queues)
        return dt_seterr(err, errlen, DT_ETOOBIG, "more than %zu queues", r->max_queues);
    if ((rc = begin(r, now_ms, out, err, errlen)) != DT_OK)
        return rc;
    if (q < 0) {
        for (q = 0; r->queues[q].used; q++)
            ;
        r->queues[q].used = 1;
        dt_strlcpy(r->queues[q].name, name, sizeof(r->queues[q].name));
        r->queues[q].conf = *conf;
        r->n_queues++;
        return DT_OK;
    }
    enum routing_mode old = r->queues[q].conf.mode;
    r->queues[q].conf = *conf;
    if (old == conf->mode)
        return DT_OK;
    for (size_t i = 0; i < r->n_calls; i++) {
        int c = r->call_order[i];
        if (r->calls[c].queue != q)
            continue;
        rt_withdraw_call(r, c, DT_ROUTE_REROUTED, out);
        rt_round_reset(&r->calls[c]);
    }
    rt_distribute(r, out);
    return DT_OK;
}

int routing_queue_remove(struct routing *r, const char *name, int64_t now_ms,
                         struct routing_actions *out, char *err, size_t errlen)
{
    int rc = rt_check_text(name, ROUTING_QUEUE_MAX, 0, "queue name", err, errlen);
    if (rc != DT_OK)
        return rc;
    int q = rt_find_queue(r, name);
    if (q < 0)
        return dt_seterr(err, errlen, DT_ENOTFOUND, "unknown queue");
    for (size_t i = 0; i < r->n_calls; i++)
        if (r->calls[r->call_order[i]].queue == q)
            return dt_seterr(err, errlen, DT_ESTATE, "calls are waiting in the queue");
    if ((rc = begin(r, now_ms, out, err, errlen)) != DT_OK)
        return rc;
    for (size_t i = 0; i < r->agent_slots; i++)
        r->agents[i].queues &= ~((uint64_t)1 << q);
    memset(&r->queues[q], 0, sizeof(r->queues[q]));
    r->n_queues--;
    return DT_OK;
}

/* ---- agents ------------------------------------------------------------------------------- */

/*
 * Grows a table of *slots items of size bytes, and its order array, to twice as many slots
 * (8 at first, at most max), the new ones zeroed. Returns the table; *slots gets the new count,
 * the first new slot being its old value.
 */
static void *grow_slots(void *items, size_t size, int **order, size_t *slots, size_t max)
{
    size_t n = *slots ? *slots * 2 : 8;
    if (n > max)
        n = max;
    items = xrealloc(items, n * size);
    *order = xrealloc(*order, n * sizeof(**order));
    memset((char *)items + *slots * size, 0, (n - *slots) * size);
    *slots = n;
    return items;
}

/* Puts v at order[pos], moving order[pos..n) up one. */
static void order_insert(int *order, size_t n, size_t pos, int v)
{
    memmove(&order[pos + 1], &order[pos], (n - pos) * sizeof(*order));
    order[pos] = v;
}

/* A free agent slot, growing the table when all are taken (the caller checked the cap). */
static int agent_slot(struct routing *r)
{
    for (size_t i = 0; i < r->agent_slots; i++)
        if (!r->agents[i].used)
            return (int)i;
    int a = (int)r->agent_slots;
    r->agents =
        grow_slots(r->agents, sizeof(*r->agents), &r->agent_order, &r->agent_slots, r->max_agents);
    return a;
}

int routing_agent_add(struct routing *r, const char *agent, int64_t now_ms,
                      struct routing_actions *out, char *err, size_t errlen)
{
    int rc = rt_check_text(agent, ROUTING_AGENT_MAX, 0, "agent id", err, errlen);
    if (rc != DT_OK)
        return rc;
    if (rt_find_agent(r, agent) >= 0)
        return dt_seterr(err, errlen, DT_EEXIST, "agent already exists");
    if (r->n_agents >= r->max_agents)
        return dt_seterr(err, errlen, DT_ETOOBIG, "more than %zu agents", r->max_agents);
    if ((rc = begin(r, now_ms, out, err, errlen)) != DT_OK)
        return rc;
    int a = agent_slot(r);
    struct rt_agent *ag = &r->agents[a];
    memset(ag, 0, sizeof(*ag));
    ag->used = 1;
    dt_strlcpy(ag->id, agent, sizeof(ag->id));
    ag->state = DT_ROUTE_OFFLINE;
    ag->since_ms = ag->idle_ms = r->now_ms;
    ag->reserved = -1;
    size_t pos = 0;
    while (pos < r->n_agents && strcmp(r->agents[r->agent_order[pos]].id, agent) < 0)
        pos++;
    order_insert(r->agent_order, r->n_agents, pos, a);
    r->n_agents++;
    return DT_OK;
}

int routing_agent_remove(struct routing *r, const char *agent, int64_t now_ms,
                         struct routing_actions *out, char *err, size_t errlen)
{
    int a, q;
    int rc = rt_lookup(r, agent, NULL, &a, &q, err, errlen);
    if (rc != DT_OK)
        return rc;
    if (r->agents[a].state == DT_ROUTE_BUSY)
        return dt_seterr(err, errlen, DT_ESTATE, "agent is on a call");
    if ((rc = begin(r, now_ms, out, err, errlen)) != DT_OK)
        return rc;
    rt_withdraw_agent(r, a, -1, DT_ROUTE_AGENT_AWAY, out);
    for (size_t i = 0; i < r->n_calls; i++)
        rt_mark_set(&r->calls[r->call_order[i]], a, 0);
    for (size_t i = 0; i < r->n_agents; i++) {
        if (r->agent_order[i] != a)
            continue;
        memmove(&r->agent_order[i], &r->agent_order[i + 1],
                (r->n_agents - i - 1) * sizeof(*r->agent_order));
        break;
    }
    r->n_agents--;
    memset(&r->agents[a], 0, sizeof(r->agents[a]));
    rt_distribute(r, out);
    return DT_OK;
}

static int membership(struct routing *r, const char *agent, const char *queue, int join,
                      int64_t now_ms, struct routing_actions *out, char *err, size_t errlen)
{
    int a, q;
    int rc = rt_lookup(r, agent, queue, &a, &q, err, errlen);
    if (rc != DT_OK || (rc = begin(r, now_ms, out, err, errlen)) != DT_OK)
        return rc;
    uint64_t bit = (uint64_t)1 << q;
    if (join) {
        r->agents[a].queues |= bit;
    } else if (r->agents[a].queues & bit) {
        rt_withdraw_agent(r, a, q, DT_ROUTE_AGENT_AWAY, out);
        r->agents[a].queues &= ~bit;
    }
    rt_distribute(r, out);
    return DT_OK;
}

int routing_agent_join(struct routing *r, const char *agent, const char *queue, int64_t now_ms,
                       struct routing_actions *out, char *err, size_t errlen)
{
    return membership(r, agent, queue, 1, now_ms, out, err, errlen);
}

int routing_agent_leave(struct routing *r, const char *agent, const char *queue, int64_t now_ms,
                        struct routing_actions *out, char *err, size_t errlen)
{
    return membership(r, agent, queue, 0, now_ms, out, err, errlen);
}

int routing_agent_set_state(struct routing *r, const char *agent, enum routing_agent_state state,
                            const char *note, int64_t now_ms, struct routing_actions *out,
                            char *err, size_t errlen)
{
    int a, q;
    int rc = rt_lookup(r, agent, NULL, &a, &q, err, errlen);
    if (rc != DT_OK)
        return rc;
    if (state != DT_ROUTE_AVAILABLE && state != DT_ROUTE_BREAK && state != DT_ROUTE_OFFLINE)
        return dt_seterr(err, errlen, DT_EINVAL, "an agent can be set available, break or offline");
    if ((rc = rt_check_text(note, ROUTING_NOTE_MAX, 1, "note", err, errlen)) != DT_OK)
        return rc;
    if ((rc = begin(r, now_ms, out, err, errlen)) != DT_OK)
        return rc;
    struct rt_agent *ag = &r->agents[a];
    if (ag->state == DT_ROUTE_BUSY)
        return dt_seterr(err, errlen, DT_ESTATE, "agent is on a call");
    const char *keep = state == DT_ROUTE_AVAILABLE || !note ? "" : note;
    if (ag->state == state && strcmp(ag->note, keep) == 0)
        return DT_OK;
    rt_set_state(r, a, state, DT_ROUTE_REQUESTED, keep, out);
    rt_distribute(r, out);
    return DT_OK;
}

int routing_agent_busy(struct routing *r, const char *agent, const char *call_sid, int wrapup_s,
                       int64_t now_ms, struct routing_actions *out, char *err, size_t errlen)
{
    int a, q;
    int rc = rt_lookup(r, agent, NULL, &a, &q, err, errlen);
    if (rc != DT_OK || (rc = rt_check_text(call_sid, ROUTING_SID_MAX, 0, "call sid", err, errlen)))
        return rc;
    if (wrapup_s < 0 || wrapup_s > ROUTING_WRAPUP_MAX_S)
        return dt_seterr(err, errlen, DT_EINVAL, "wrap-up must be 0-%d s", ROUTING_WRAPUP_MAX_S);
    if ((rc = begin(r, now_ms, out, err, errlen)) != DT_OK)
        return rc;
    struct rt_agent *ag = &r->agents[a];
    if (ag->state == DT_ROUTE_BUSY)
        return dt_seterr(err, errlen, DT_ESTATE, "agent is already on a call");
    dt_strlcpy(ag->call_sid, call_sid, sizeof(ag->call_sid));
    ag->call_wrapup_s = wrapup_s;
    rt_set_state(r, a, DT_ROUTE_BUSY, DT_ROUTE_REQUESTED, NULL, out);
    rt_distribute(r, out);
    return DT_OK;
}

/* The end of a call and of its wrap-up: agent moves from state `from` to `to`, or err says
 * not_from; an agent made available may take a waiting call. */
static int step(struct routing *r, const char *agent, enum routing_agent_state from,
                enum routing_agent_state to, enum routing_why why, const char *not_from,
                int64_t now_ms, struct routing_actions *out, char *err, size_t errlen)
{
    int a, q;
    int rc = rt_lookup(r, agent, NULL, &a, &q, err, errlen);
    if (rc != DT_OK || (rc = begin(r, now_ms, out, err, errlen)) != DT_OK)
        return rc;
    if (r->agents[a].state != from)
        return dt_seterr(err, errlen, DT_ESTATE, "%s", not_from);
    rt_set_state(r, a, to, why, NULL, out);
    if (to == DT_ROUTE_AVAILABLE)
        rt_distribute(r, out);
    return DT_OK;
}

int routing_agent_call_ended(struct routing *r, const char *agent, int64_t now_ms,
                             struct routing_actions *out, char *err, size_t errlen)
{
    return step(r, agent, DT_ROUTE_BUSY, DT_ROUTE_WRAPUP, DT_ROUTE_CALL_ENDED,
                "agent is not on a call", now_ms, out, err, errlen);
}

int routing_agent_wrapup_done(struct routing *r, const char *agent, int64_t now_ms,
                              struct routing_actions *out, char *err, size_t errlen)
{
    return step(r, agent, DT_ROUTE_WRAPUP, DT_ROUTE_AVAILABLE, DT_ROUTE_REQUESTED,
                "agent is not in wrap-up", now_ms, out, err, errlen);
}

int routing_agent_wrapup_restore(struct routing *r, const char *agent, const char *call_sid,
                                 int64_t due_ms, int64_t now_ms, struct routing_actions *out,
                                 char *err, size_t errlen)
{
    int a, q;
    int rc = rt_lookup(r, agent, NULL, &a, &q, err, errlen);
    if (rc != DT_OK ||
        (rc = rt_check_text(call_sid, ROUTING_SID_MAX, 1, "call sid", err, errlen)) != DT_OK)
        return rc;
    if (due_ms != 0 && (rc = rt_check_time(due_ms, err, errlen)) != DT_OK)
        return rc;
    if ((rc = begin(r, now_ms, out, err, errlen)) != DT_OK)
        return rc;
    struct rt_agent *ag = &r->agents[a];
    if (ag->state == DT_ROUTE_BUSY)
        return dt_seterr(err, errlen, DT_ESTATE, "agent is on a call");
    if (due_ms != 0 && due_ms <= r->now_ms) {
        rt_set_state(r, a, DT_ROUTE_AVAILABLE, DT_ROUTE_WRAPUP_TIMER, NULL, out);
        rt_distribute(r, out);
        return DT_OK;
    }
    size_t first = out ? out->count : 0;
    dt_strlcpy(ag->call_sid, call_sid, sizeof(ag->call_sid));
    ag->call_wrapup_s = 0; /* the due time is given, not counted from now */
    rt_set_state(r, a, DT_ROUTE_WRAPUP, DT_ROUTE_CALL_ENDED, NULL, out);
    ag->wrap_due_ms = due_ms;
    if (out && out->count > first) /* the state action comes first, then the withdrawals */
        out->items[first].expires_ms = due_ms;
    return DT_OK;
}

/* ---- calls -------------------------------------------------------------------------------- */

/* Whether call x is served before call y: put back first, then older, then earlier. */
static int call_before(const struct rt_call *x, const struct rt_call *y)
{
    if (x->front != y->front)
        return x->front > y->front;
    if (x->enq_ms != y->enq_ms)
        return x->enq_ms < y->enq_ms;
    return x->seq < y->seq;
}

/* A free call slot, growing the table when all are taken (the caller checked the cap). */
static int call_slot(struct routing *r)
{
    for (size_t i = 0; i < r->call_slots; i++)
        if (!r->calls[i].used)
            return (int)i;
    int c = (int)r->call_slots;
    r->calls =
        grow_slots(r->calls, sizeof(*r->calls), &r->call_order, &r->call_slots, r->max_calls);
    return c;
}

static int enqueue(struct routing *r, const char *sid, const char *queue, int front, int64_t enq_ms,
                   int64_t now_ms, struct routing_actions *out, char *err, size_t errlen)
{
    int rc = rt_check_text(sid, ROUTING_SID_MAX, 0, "call sid", err, errlen);
    if (rc != DT_OK || (rc = rt_check_text(queue, ROUTING_QUEUE_MAX, 0, "queue name", err, errlen)))
        return rc;
    if ((rc = rt_check_time(enq_ms, err, errlen)) != DT_OK)
        return rc;
    int q = rt_find_queue(r, queue);
    if (q < 0)
        return dt_seterr(err, errlen, DT_ENOTFOUND, "unknown queue");
    if (rt_find_call(r, sid) >= 0)
        return dt_seterr(err, errlen, DT_EEXIST, "call is already waiting");
    if (r->n_calls >= r->max_calls)
        return dt_seterr(err, errlen, DT_ETOOBIG, "more than %zu waiting calls", r->max_calls);
    if ((rc = begin(r, now_ms, out, err, errlen)) != DT_OK)
        return rc;
    int c = call_slot(r);
    struct rt_call *cl = &r->calls[c];
    memset(cl, 0, sizeof(*cl));
    cl->used = 1;
    dt_strlcpy(cl->sid, sid, sizeof(cl->sid));
    cl->queue = q;
    cl->front = front;
    cl->enq_ms = front ? enq_ms : r->now_ms;
    cl->seq = ++r->seq;
    size_t pos = r->n_calls;
    while (pos > 0 && call_before(cl, &r->calls[r->call_order[pos - 1]]))
        pos--;
    order_insert(r->call_order, r->n_calls, pos, c);
    r->n_calls++;
    rt_distribute(r, out);
    return DT_OK;
}

int routing_call_waiting(struct routing *r, const char *call_sid, const char *queue, int64_t now_ms,
                         struct routing_actions *out, char *err, size_t errlen)
{
    return enqueue(r, call_sid, queue, 0, 0, now_ms, out, err, errlen);
}

int routing_requeue_front(struct routing *r, const char *call_sid, const char *queue,
                          int64_t enqueued_ms, int64_t now_ms, struct routing_actions *out,
                          char *err, size_t errlen)
{
    return enqueue(r, call_sid, queue, 1, enqueued_ms, now_ms, out, err, errlen);
}

int routing_call_gone(struct routing *r, const char *call_sid, int64_t now_ms,
                      struct routing_actions *out, char *err, size_t errlen)
{
    int rc = rt_check_text(call_sid, ROUTING_SID_MAX, 0, "call sid", err, errlen);
    if (rc != DT_OK)
        return rc;
    int c = rt_find_call(r, call_sid);
    if (c < 0)
        return dt_seterr(err, errlen, DT_ENOTFOUND, "call is not waiting");
    if ((rc = begin(r, now_ms, out, err, errlen)) != DT_OK)
        return rc;
    rt_withdraw_call(r, c, DT_ROUTE_GONE, out);
    rt_recent_add(r, call_sid, NULL);
    rt_call_drop(r, c);
    rt_distribute(r, out);
    return DT_OK;
}

/* ---- accept and decline ------------------------------------------------------------------- */

/* Finds agent a's live offer of call_sid (index *o), or says why there is none. */
static int find_offer(const struct routing *r, const char *call_sid, int a, size_t *o, char *err,
                      size_t errlen)
{
    int c = rt_find_call(r, call_sid);
    if (c < 0) {
        const struct rt_recent *e = rt_recent_find(r, call_sid);
        if (!e)
            return dt_seterr(err, errlen, DT_ENOTFOUND, "no such waiting call");
        if (!e->agent[0])
            return dt_seterr(err, errlen, DT_ESTATE, "call is gone");
        if (strcmp(e->agent, r->agents[a].id) == 0)
            return dt_seterr(err, errlen, DT_ESTATE, "already assigned to this agent");
        return dt_seterr(err, errlen, DT_ESTATE, "taken by another agent");
    }
    uint8_t m = rt_mark(&r->calls[c], a);
    if (m & RT_M_LIVE) {
        for (*o = 0; *o < r->n_offers; (*o)++)
            if (r->offers[*o].call == c && r->offers[*o].agent == a)
                return DT_OK;
        abort(); /* a live mark without its offer: the module's own bug */
    }
    if (!(m & RT_M_EVER))
        return dt_seterr(err, errlen, DT_EPERM, "call not offered to this agent");
    switch (m >> RT_M_WHY_SHIFT) {
    case DT_ROUTE_TIMEOUT:
        return dt_seterr(err, errlen, DT_ESTATE, "offer expired");
    case DT_ROUTE_DECLINED:
        return dt_seterr(err, errlen, DT_ESTATE, "offer declined");
    default:
        return dt_seterr(err, errlen, DT_ESTATE, "offer withdrawn");
    }
}

/* What accepting and declining check first: the agent, the call sid, the time, then agent
 * *a's live offer *o of the call. */
static int answer_offer(struct routing *r, const char *call_sid, const char *agent, int64_t now_ms,
                        struct routing_actions *out, int *a, size_t *o, char *err, size_t errlen)
{
    int q;
    int rc = rt_lookup(r, agent, NULL, a, &q, err, errlen);
    if (rc != DT_OK || (rc = rt_check_text(call_sid, ROUTING_SID_MAX, 0, "call sid", err, errlen)))
        return rc;
    if ((rc = begin(r, now_ms, out, err, errlen)) != DT_OK)
        return rc;
    return find_offer(r, call_sid, *a, o, err, errlen);
}

int routing_accept(struct routing *r, const char *call_sid, const char *agent, int64_t now_ms,
                   struct routing_actions *out, char *err, size_t errlen)
{
    int a;
    size_t o;
    int rc = answer_offer(r, call_sid, agent, now_ms, out, &a, &o, err, errlen);
    if (rc != DT_OK)
        return rc;
    int c = r->offers[o].call;
    struct rt_agent *ag = &r->agents[a];
    rt_emit_offer_like(r, out, DT_ROUTE_ASSIGN, &r->offers[o], DT_ROUTE_ASSIGNED);
    rt_offer_end(r, o, -1, out);
    ag->missed = 0;
    ag->call_wrapup_s = r->queues[r->calls[c].queue].conf.wrapup_s;
    dt_strlcpy(ag->call_sid, call_sid, sizeof(ag->call_sid));
    rt_set_state(r, a, DT_ROUTE_BUSY, DT_ROUTE_ASSIGNED, NULL, out);
    rt_withdraw_call(r, c, DT_ROUTE_TAKEN, out);
    rt_recent_add(r, call_sid, ag->id);
    rt_call_drop(r, c);
    rt_distribute(r, out);
    return DT_OK;
}

int routing_decline(struct routing *r, const char *call_sid, const char *agent, int64_t now_ms,
                    struct routing_actions *out, char *err, size_t errlen)
{
    int a;
    size_t o;
    int rc = answer_offer(r, call_sid, agent, now_ms, out, &a, &o, err, errlen);
    if (rc != DT_OK)
        return rc;
    rt_offer_end(r, o, DT_ROUTE_DECLINED, out);
    r->agents[a].missed = 0;
    rt_distribute(r, out);
    return DT_OK;
}
