/*
 * routing.c: the router's lifecycle, its name tables, input checks, lookups, the action list
 * and the queries. The rules themselves are in routing_dist.c and routing_events.c.
 */
#include <stdlib.h>
#include <string.h>

#include "dialtone/util.h"
#include "routing_int.h"

static const char *const mode_names[] = {
    [DT_ROUTE_RINGALL] = "ringall",
    [DT_ROUTE_LONGEST_IDLE] = "longest-idle",
};

static const char *const state_names[] = {
    [DT_ROUTE_OFFLINE] = "offline", [DT_ROUTE_AVAILABLE] = "available", [DT_ROUTE_BUSY] = "busy",
    [DT_ROUTE_WRAPUP] = "wrap-up",  [DT_ROUTE_BREAK] = "break",
};

static const char *const why_names[] = {
    [DT_ROUTE_TAKEN] = "taken",
    [DT_ROUTE_TIMEOUT] = "timeout",
    [DT_ROUTE_DECLINED] = "declined",
    [DT_ROUTE_GONE] = "gone",
    [DT_ROUTE_AGENT_AWAY] = "agent-away",
    [DT_ROUTE_REROUTED] = "rerouted",
    [DT_ROUTE_REQUESTED] = "requested",
    [DT_ROUTE_ASSIGNED] = "assigned",
    [DT_ROUTE_CALL_ENDED] = "call-ended",
    [DT_ROUTE_WRAPUP_TIMER] = "wrapup-timer",
    [DT_ROUTE_MISSED_OFFERS] = "missed-offers",
};

static const char *const action_names[] = {
    [DT_ROUTE_OFFER] = "offer",
    [DT_ROUTE_WITHDRAW] = "withdraw",
    [DT_ROUTE_ASSIGN] = "assign",
    [DT_ROUTE_AGENT_STATE] = "agent-state",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *name_of(const char *const *names, size_t n, int v)
{
    return v >= 0 && (size_t)v < n && names[v] ? names[v] : "unknown";
}

static int parse_of(const char *const *names, size_t n, const char *s, int *out)
{
    for (size_t i = 0; s && i < n; i++)
        if (names[i] && strcmp(names[i], s) == 0) {
            *out = (int)i;
            return DT_OK;
        }
    return DT_EINVAL;
}

const char *routing_mode_name(enum routing_mode m)
{
    return name_of(mode_names, COUNT(mode_names), (int)m);
}

const char *routing_state_name(enum routing_agent_state s)
{
    return name_of(state_names, COUNT(state_names), (int)s);
}

const char *routing_why_name(enum routing_why w)
{
    return name_of(why_names, COUNT(why_names), (int)w);
}

const char *routing_action_name(enum routing_action_kind k)
{
    return name_of(action_names, COUNT(action_names), (int)k);
}

int routing_mode_parse(const char *s, enum routing_mode *out)
{
    int v;
    if (parse_of(mode_names, COUNT(mode_names), s, &v) != DT_OK)
        return DT_EINVAL;
    *out = (enum routing_mode)v;
    return DT_OK;
}

int routing_state_parse(const char *s, enum routing_agent_state *out)
{
    int v;
    if (parse_of(state_names, COUNT(state_names), s, &v) != DT_OK)
        return DT_EINVAL;
    *out = (enum routing_agent_state)v;
    return DT_OK;
}

/* ---- lifecycle ---------------------------------------------------------------------------- */

static size_t cap_of(size_t asked, size_t hard)
{
    return asked == 0 || asked > hard ? hard : asked;
}

struct routing *routing_new(const struct routing_caps *caps)
{
    struct routing *r = xcalloc(1, sizeof(*r));
    struct routing_caps none = {0};
    if (!caps)
        caps = &none;
    r->max_agents = cap_of(caps->max_agents, ROUTING_MAX_AGENTS);
    r->max_queues = cap_of(caps->max_queues, ROUTING_MAX_QUEUES);
    r->max_calls = cap_of(caps->max_calls, ROUTING_MAX_CALLS);
    return r;
}

void routing_free(struct routing *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->call_slots; i++)
        free(r->calls[i].marks);
    free(r->calls);
    free(r->call_order);
    free(r->agents);
    free(r->agent_order);
    free(r->offers);
    free(r);
}

void routing_queue_defaults(struct routing_queue_conf *c)
{
    c->mode = DT_ROUTE_RINGALL;
    c->reservation_timeout_s = 30;
    c->wrapup_s = 30;
    c->missed_offers_limit = 3;
}

/* ---- actions ------------------------------------------------------------------------------ */

void routing_actions_init(struct routing_actions *a)
{
    a->items = NULL;
    a->count = a->cap = 0;
}

void routing_actions_done(struct routing_actions *a)
{
    free(a->items);
    routing_actions_init(a);
}

void routing_actions_clear(struct routing_actions *a)
{
    a->count = 0;
}

struct routing_action *rt_emit(struct routing_actions *out, enum routing_action_kind kind)
{
    if (out->count == out->cap) {
        out->cap = out->cap ? out->cap * 2 : 16;
        out->items = xrealloc(out->items, out->cap * sizeof(*out->items));
    }
    struct routing_action *act = &out->items[out->count++];
    memset(act, 0, sizeof(*act));
    act->kind = kind;
    return act;
}

void rt_emit_offer_like(const struct routing *r, struct routing_actions *out,
                        enum routing_action_kind kind, const struct rt_offer *o,
                        enum routing_why why)
{
    if (!out)
        return;
    const struct rt_call *c = &r->calls[o->call];
    struct routing_action *act = rt_emit(out, kind);
    dt_strlcpy(act->call_sid, c->sid, sizeof(act->call_sid));
    dt_strlcpy(act->agent, r->agents[o->agent].id, sizeof(act->agent));
    dt_strlcpy(act->queue, r->queues[c->queue].name, sizeof(act->queue));
    act->mode = o->mode;
    act->at_ms = r->now_ms;
    act->expires_ms = o->expires_ms;
    act->why = why;
}

/* ---- checks and lookups ------------------------------------------------------------------- */

int rt_check_text(const char *s, size_t max, int allow_empty, const char *what, char *err,
                  size_t errlen)
{
    if (!s)
        return allow_empty ? DT_OK : dt_seterr(err, errlen, DT_EINVAL, "%s is missing", what);
    size_t n = strnlen(s, max + 1);
    if (n > max)
        return dt_seterr(err, errlen, DT_ETOOBIG, "%s is longer than %zu bytes", what, max);
    if (n == 0 && !allow_empty)
        return dt_seterr(err, errlen, DT_EINVAL, "%s is empty", what);
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch < 0x20 || ch == 0x7f)
            return dt_seterr(err, errlen, DT_EINVAL, "%s contains a control character", what);
    }
    return DT_OK;
}

int rt_check_time(int64_t t, char *err, size_t errlen)
{
    if (t < 0 || t > ROUTING_TIME_MAX)
        return dt_seterr(err, errlen, DT_EINVAL, "time out of range");
    return DT_OK;
}

int rt_find_agent(const struct routing *r, const char *id)
{
    /* Binary search of the id-sorted order. */
    size_t lo = 0, hi = r->n_agents;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp(r->agents[r->agent_order[mid]].id, id);
        if (cmp == 0)
            return r->agent_order[mid];
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

int rt_find_queue(const struct routing *r, const char *name)
{
    for (size_t i = 0; i < ROUTING_MAX_QUEUES; i++)
        if (r->queues[i].used && strcmp(r->queues[i].name, name) == 0)
            return (int)i;
    return -1;
}

int rt_find_call(const struct routing *r, const char *sid)
{
    for (size_t i = 0; i < r->n_calls; i++)
        if (strcmp(r->calls[r->call_order[i]].sid, sid) == 0)
            return r->call_order[i];
    return -1;
}

int rt_lookup(const struct routing *r, const char *agent, const char *queue, int *ai, int *qi,
              char *err, size_t errlen)
{
    int rc;
    *ai = *qi = -1;
    if ((rc = rt_check_text(agent, ROUTING_AGENT_MAX, 0, "agent id", err, errlen)) != DT_OK)
        return rc;
    if (queue && (rc = rt_check_text(queue, ROUTING_QUEUE_MAX, 0, "queue name", err, errlen)))
        return rc;
    if ((*ai = rt_find_agent(r, agent)) < 0)
        return dt_seterr(err, errlen, DT_ENOTFOUND, "unknown agent");
    if (queue && (*qi = rt_find_queue(r, queue)) < 0)
        return dt_seterr(err, errlen, DT_ENOTFOUND, "unknown queue");
    return DT_OK;
}

uint8_t rt_mark(const struct rt_call *c, int agent)
{
    return (size_t)agent < c->n_marks ? c->marks[agent] : 0;
}

void rt_mark_set(struct rt_call *c, int agent, uint8_t m)
{
    if ((size_t)agent >= c->n_marks) {
        if (m == 0)
            return;
        size_t n = (size_t)agent + 1 > c->n_marks * 2 ? (size_t)agent + 1 : c->n_marks * 2;
        c->marks = xrealloc(c->marks, n);
        memset(c->marks + c->n_marks, 0, n - c->n_marks);
        c->n_marks = n;
    }
    c->marks[agent] = m;
}

void rt_recent_add(struct routing *r, const char *sid, const char *agent)
{
    struct rt_recent *e = &r->recent[r->recent_next];
    r->recent_next = (r->recent_next + 1) % RT_RECENT;
    dt_strlcpy(e->sid, sid, sizeof(e->sid));
    dt_strlcpy(e->agent, agent ? agent : "", sizeof(e->agent));
}

const struct rt_recent *rt_recent_find(const struct routing *r, const char *sid)
{
    /* Newest first: a call that waited twice is known by its last outcome. */
    for (size_t k = 1; k <= RT_RECENT; k++) {
        const struct rt_recent *e = &r->recent[(r->recent_next + RT_RECENT - k) % RT_RECENT];
        if (e->sid[0] && strcmp(e->sid, sid) == 0)
            return e;
    }
    return NULL;
}

/* ---- queries ------------------------------------------------------------------------------ */

static int popcount64(uint64_t v)
{
    int n = 0;
    for (; v; v &= v - 1)
        n++;
    return n;
}

int routing_agent_get(const struct routing *r, const char *agent, struct routing_agent_info *out)
{
    int a = agent ? rt_find_agent(r, agent) : -1;
    if (a < 0)
        return DT_ENOTFOUND;
    const struct rt_agent *ag = &r->agents[a];
    out->state = ag->state;
    out->note = ag->note;
    out->since_ms = ag->since_ms;
    out->idle_since_ms = ag->idle_ms;
    out->call_sid = ag->call_sid;
    out->wrapup_due_ms = ag->wrap_due_ms;
    out->missed_in_row = ag->missed;
    out->ring_offers = ag->ring;
    out->reserved = ag->reserved >= 0;
    out->queues = popcount64(ag->queues);
    return DT_OK;
}

int routing_agent_in_queue(const struct routing *r, const char *agent, const char *queue)
{
    int a = agent ? rt_find_agent(r, agent) : -1;
    int q = queue ? rt_find_queue(r, queue) : -1;
    return a >= 0 && q >= 0 && (r->agents[a].queues >> q & 1);
}

int routing_call_get(const struct routing *r, const char *call_sid, struct routing_call_info *out)
{
    int c = call_sid ? rt_find_call(r, call_sid) : -1;
    if (c < 0)
        return DT_ENOTFOUND;
    const struct rt_call *cl = &r->calls[c];
    int pos = 0;
    for (size_t i = 0; i < r->n_calls; i++) {
        if (r->calls[r->call_order[i]].queue == cl->queue)
            pos++;
        if (r->call_order[i] == c)
            break;
    }
    out->queue = r->queues[cl->queue].name;
    out->mode = r->queues[cl->queue].conf.mode;
    out->enqueued_ms = cl->enq_ms;
    out->front = cl->front;
    out->position = pos;
    out->offers = cl->offers;
    return DT_OK;
}

int routing_queue_get(const struct routing *r, const char *name, struct routing_queue_conf *out)
{
    int q = name ? rt_find_queue(r, name) : -1;
    if (q < 0)
        return DT_ENOTFOUND;
    *out = r->queues[q].conf;
    return DT_OK;
}

size_t routing_agent_offers(const struct routing *r, const char *agent,
                            struct routing_offer_info *out, size_t max)
{
    int a = agent ? rt_find_agent(r, agent) : -1;
    size_t n = 0;
    if (a < 0)
        return 0;
    for (size_t i = 0; i < r->n_calls; i++) {
        int c = r->call_order[i];
        if (!(rt_mark(&r->calls[c], a) & RT_M_LIVE))
            continue;
        for (size_t o = 0; o < r->n_offers; o++) {
            const struct rt_offer *of = &r->offers[o];
            if (of->call != c || of->agent != a)
                continue;
            if (n < max) {
                out[n].call_sid = r->calls[c].sid;
                out[n].queue = r->queues[r->calls[c].queue].name;
                out[n].mode = of->mode;
                out[n].offered_ms = of->offered_ms;
                out[n].expires_ms = of->expires_ms;
            }
            n++;
            break;
        }
    }
    return n;
}

size_t routing_agent_count(const struct routing *r)
{
    return r->n_agents;
}

const char *routing_agent_at(const struct routing *r, size_t i)
{
    return i < r->n_agents ? r->agents[r->agent_order[i]].id : NULL;
}

size_t routing_queue_count(const struct routing *r)
{
    return r->n_queues;
}

size_t routing_call_count(const struct routing *r)
{
    return r->n_calls;
}

int64_t routing_next_due(const struct routing *r, int64_t now_ms)
{
    int64_t due = -1;
    for (size_t o = 0; o < r->n_offers; o++) {
        int64_t t = r->offers[o].expires_ms;
        if (t > 0 && (due < 0 || t < due))
            due = t;
    }
    for (size_t i = 0; i < r->n_agents; i++) {
        int64_t t = r->agents[r->agent_order[i]].wrap_due_ms;
        if (t > 0 && (due < 0 || t < due))
            due = t;
    }
    return due >= 0 && due < now_ms ? now_ms : due;
}
