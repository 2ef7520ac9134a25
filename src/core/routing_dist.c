/*
 * routing_dist.c: the routing rules. Making and ending offers, agents' state changes, the
 * distribution pass that makes every offer the rules call for (waiting calls in serving order;
 * longest-idle: one reservation to the eligible agent idle longest; ringall: an offer to every
 * eligible agent; a new round when everyone who could take the call was tried), and the
 * timers (reservation expiry, timed wrap-up).
 */
#include <stdlib.h>
#include <string.h>

#include "dialtone/util.h"
#include "routing_int.h"

/* ---- offers ------------------------------------------------------------------------------- */

static void offer_make(struct routing *r, int c, int a, struct routing_actions *out)
{
    struct rt_call *cl = &r->calls[c];
    const struct routing_queue_conf *conf = &r->queues[cl->queue].conf;
    if (r->n_offers == r->cap_offers) {
        r->cap_offers = r->cap_offers ? r->cap_offers * 2 : 16;
        r->offers = xrealloc(r->offers, r->cap_offers * sizeof(*r->offers));
    }
    struct rt_offer *o = &r->offers[r->n_offers++];
    o->call = c;
    o->agent = a;
    o->mode = conf->mode;
    o->offered_ms = r->now_ms;
    o->expires_ms = 0;
    if (conf->mode == DT_ROUTE_LONGEST_IDLE) {
        o->expires_ms = r->now_ms + (int64_t)conf->reservation_timeout_s * 1000;
        r->agents[a].reserved = c;
    } else {
        r->agents[a].ring++;
    }
    o->seq = ++r->seq;
    cl->offers++;
    rt_mark_set(cl, a, (uint8_t)(rt_mark(cl, a) | RT_M_EVER | RT_M_LIVE));
    rt_emit_offer_like(r, out, DT_ROUTE_OFFER, o, DT_ROUTE_TAKEN);
}

void rt_offer_end(struct routing *r, size_t o, int why, struct routing_actions *out)
{
    struct rt_offer of = r->offers[o];
    struct rt_call *cl = &r->calls[of.call];
    struct rt_agent *ag = &r->agents[of.agent];
    if (why >= 0)
        rt_emit_offer_like(r, out, DT_ROUTE_WITHDRAW, &of, (enum routing_why)why);
    memmove(&r->offers[o], &r->offers[o + 1], (r->n_offers - o - 1) * sizeof(*r->offers));
    r->n_offers--;
    cl->offers--;
    if (of.mode == DT_ROUTE_LONGEST_IDLE)
        ag->reserved = -1;
    else
        ag->ring--;
    uint8_t m = (uint8_t)(rt_mark(cl, of.agent) & ~RT_M_LIVE & ((1u << RT_M_WHY_SHIFT) - 1));
    if (why >= 0)
        m = (uint8_t)(m | (unsigned)why << RT_M_WHY_SHIFT);
    if (why == DT_ROUTE_DECLINED || why == DT_ROUTE_TIMEOUT)
        m |= RT_M_TRIED;
    rt_mark_set(cl, of.agent, m);
}

void rt_withdraw_call(struct routing *r, int c, enum routing_why why, struct routing_actions *out)
{
    for (size_t o = 0; o < r->n_offers;) {
        if (r->offers[o].call == c)
            rt_offer_end(r, o, (int)why, out);
        else
            o++;
    }
}

void rt_withdraw_agent(struct routing *r, int a, int queue, enum routing_why why,
                       struct routing_actions *out)
{
    for (size_t o = 0; o < r->n_offers;) {
        const struct rt_offer *of = &r->offers[o];
        if (of->agent == a && (queue < 0 || r->calls[of->call].queue == queue))
            rt_offer_end(r, o, (int)why, out);
        else
            o++;
    }
}

/* ---- agents and calls --------------------------------------------------------------------- */

void rt_set_state(struct routing *r, int a, enum routing_agent_state st, enum routing_why why,
                  const char *note, struct routing_actions *out)
{
    struct rt_agent *ag = &r->agents[a];
    enum routing_agent_state prev = ag->state;
    if (prev != st)
        ag->since_ms = r->now_ms;
    ag->state = st;
    dt_strlcpy(ag->note, (st == DT_ROUTE_BREAK || st == DT_ROUTE_OFFLINE) && note ? note : "",
               sizeof(ag->note));
    if (st == DT_ROUTE_AVAILABLE && prev != DT_ROUTE_AVAILABLE) {
        ag->idle_ms = r->now_ms;
        ag->missed = 0;
    }
    ag->wrap_due_ms = 0;
    if (st == DT_ROUTE_WRAPUP && ag->call_wrapup_s > 0)
        ag->wrap_due_ms = r->now_ms + (int64_t)ag->call_wrapup_s * 1000;
    if (st != DT_ROUTE_BUSY && st != DT_ROUTE_WRAPUP)
        ag->call_sid[0] = '\0';
    if (out) {
        struct routing_action *act = rt_emit(out, DT_ROUTE_AGENT_STATE);
        dt_strlcpy(act->agent, ag->id, sizeof(act->agent));
        dt_strlcpy(act->call_sid, ag->call_sid, sizeof(act->call_sid));
        dt_strlcpy(act->note, ag->note, sizeof(act->note));
        act->state = st;
        act->why = why;
        act->at_ms = r->now_ms;
        act->expires_ms = ag->wrap_due_ms;
    }
    if (prev == DT_ROUTE_AVAILABLE && st != DT_ROUTE_AVAILABLE)
        rt_withdraw_agent(r, a, -1, DT_ROUTE_AGENT_AWAY, out);
}

void rt_call_drop(struct routing *r, int c)
{
    for (size_t i = 0; i < r->n_calls; i++) {
        if (r->call_order[i] != c)
            continue;
        memmove(&r->call_order[i], &r->call_order[i + 1],
                (r->n_calls - i - 1) * sizeof(*r->call_order));
        break;
    }
    r->n_calls--;
    struct rt_call *cl = &r->calls[c];
    free(cl->marks);
    memset(cl, 0, sizeof(*cl));
}

void rt_round_reset(struct rt_call *c)
{
    for (size_t i = 0; i < c->n_marks; i++)
        c->marks[i] = (uint8_t)(c->marks[i] & ~RT_M_TRIED);
}

/* ---- distribution ------------------------------------------------------------------------- */

/* Whether agent slot a may be offered call c now; tried agents count when ignore_tried. */
static int eligible(const struct routing *r, const struct rt_call *c, int a, int ignore_tried)
{
    const struct rt_agent *ag = &r->agents[a];
    if (ag->state != DT_ROUTE_AVAILABLE || !(ag->queues >> c->queue & 1))
        return 0;
    uint8_t m = rt_mark(c, a);
    if ((m & RT_M_LIVE) || (!ignore_tried && (m & RT_M_TRIED)))
        return 0;
    if (r->queues[c->queue].conf.mode == DT_ROUTE_LONGEST_IDLE)
        return ag->reserved < 0;
    return ag->ring < ROUTING_RING_OFFERS;
}

/* The eligible agent idle longest; on a tie the first in id order. -1 when none. */
static int pick_longest_idle(const struct routing *r, const struct rt_call *c, int ignore_tried)
{
    int best = -1;
    for (size_t i = 0; i < r->n_agents; i++) {
        int a = r->agent_order[i];
        if (eligible(r, c, a, ignore_tried) &&
            (best < 0 || r->agents[a].idle_ms < r->agents[best].idle_ms))
            best = a;
    }
    return best;
}

static void serve_longest_idle(struct routing *r, int c, struct routing_actions *out)
{
    struct rt_call *cl = &r->calls[c];
    if (cl->offers > 0)
        return;
    int a = pick_longest_idle(r, cl, 0);
    if (a < 0 && (a = pick_longest_idle(r, cl, 1)) >= 0)
        rt_round_reset(cl);
    if (a >= 0)
        offer_make(r, c, a, out);
}

/* Offers call c to every eligible agent, in id order; returns how many could have had it had
 * the round started over (tried agents included). */
static int ring_pass(struct routing *r, int c, int ignore_tried, struct routing_actions *out)
{
    int tried_eligible = 0;
    for (size_t i = 0; i < r->n_agents; i++) {
        int a = r->agent_order[i];
        if (eligible(r, &r->calls[c], a, ignore_tried))
            offer_make(r, c, a, out);
        else if (eligible(r, &r->calls[c], a, 1))
            tried_eligible++;
    }
    return tried_eligible;
}

static void serve_ringall(struct routing *r, int c, struct routing_actions *out)
{
    if (ring_pass(r, c, 0, out) > 0 && r->calls[c].offers == 0) {
        rt_round_reset(&r->calls[c]);
        ring_pass(r, c, 1, out);
    }
}

/* Whether some available agent could take one more offer of some kind. */
static int anyone_has_room(const struct routing *r)
{
    for (size_t i = 0; i < r->n_agents; i++) {
        const struct rt_agent *ag = &r->agents[r->agent_order[i]];
        if (ag->state == DT_ROUTE_AVAILABLE && ag->queues &&
            (ag->reserved < 0 || ag->ring < ROUTING_RING_OFFERS))
            return 1;
    }
    return 0;
}

void rt_distribute(struct routing *r, struct routing_actions *out)
{
    if (!anyone_has_room(r))
        return;
    for (size_t i = 0; i < r->n_calls; i++) {
        int c = r->call_order[i];
        if (r->queues[r->calls[c].queue].conf.mode == DT_ROUTE_LONGEST_IDLE)
            serve_longest_idle(r, c, out);
        else
            serve_ringall(r, c, out);
    }
}

/* ---- timers ------------------------------------------------------------------------------- */

static void expire(struct routing *r, size_t o, struct routing_actions *out)
{
    int a = r->offers[o].agent;
    int limit = r->queues[r->calls[r->offers[o].call].queue].conf.missed_offers_limit;
    rt_offer_end(r, o, DT_ROUTE_TIMEOUT, out);
    struct rt_agent *ag = &r->agents[a];
    ag->missed++;
    if (limit > 0 && ag->missed >= limit && ag->state == DT_ROUTE_AVAILABLE)
        rt_set_state(r, a, DT_ROUTE_BREAK, DT_ROUTE_MISSED_OFFERS, "missed offers", out);
}

/* The earliest due offer (by expiry, then age), or SIZE_MAX. */
static size_t due_offer(const struct routing *r, int64_t now_ms)
{
    size_t best = (size_t)-1;
    for (size_t o = 0; o < r->n_offers; o++) {
        const struct rt_offer *of = &r->offers[o];
        if (of->expires_ms == 0 || of->expires_ms > now_ms)
            continue;
        if (best == (size_t)-1 || of->expires_ms < r->offers[best].expires_ms ||
            (of->expires_ms == r->offers[best].expires_ms && of->seq < r->offers[best].seq))
            best = o;
    }
    return best;
}

/* The agent whose timed wrap-up ends first (ties: id order), or -1. */
static int due_wrapup(const struct routing *r, int64_t now_ms)
{
    int best = -1;
    for (size_t i = 0; i < r->n_agents; i++) {
        int a = r->agent_order[i];
        int64_t t = r->agents[a].wrap_due_ms;
        if (t > 0 && t <= now_ms && (best < 0 || t < r->agents[best].wrap_due_ms))
            best = a;
    }
    return best;
}

void rt_advance(struct routing *r, int64_t now_ms, struct routing_actions *out)
{
    int any = 0;
    if (now_ms < r->now_ms)
        now_ms = r->now_ms;
    for (;;) {
        size_t o = due_offer(r, now_ms);
        int a = due_wrapup(r, now_ms);
        if (o == (size_t)-1 && a < 0)
            break;
        any = 1;
        /* Each item is handled at its own time, so times recorded are exact. */
        if (o != (size_t)-1 && (a < 0 || r->offers[o].expires_ms <= r->agents[a].wrap_due_ms)) {
            if (r->offers[o].expires_ms > r->now_ms)
                r->now_ms = r->offers[o].expires_ms;
            expire(r, o, out);
        } else {
            if (r->agents[a].wrap_due_ms > r->now_ms)
                r->now_ms = r->agents[a].wrap_due_ms;
            rt_set_state(r, a, DT_ROUTE_AVAILABLE, DT_ROUTE_WRAPUP_TIMER, NULL, out);
        }
    }
    r->now_ms = now_ms;
    if (any)
        rt_distribute(r, out);
}
