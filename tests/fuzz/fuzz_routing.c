/*
 * Fuzz target for routing. The input is a router's setup and then a sequence of events, three
 * bytes each, run against the module with six agents, three queues and eight call sids. The
 * target keeps its own record of live offers, built only from the actions, and aborts when an
 * invariant breaks: an action that makes no sense (withdrawing or assigning an offer that is
 * not live, offering one twice, two assigns for one call in one wait); after every step, an
 * offer whose call no longer waits, whose agent is not available or not in the call's queue,
 * or (longest-idle) that is past its expiry; more than one reservation per call or per agent;
 * counts that disagree with the module's; an assigned agent who is not busy with that call; a
 * waiting call with no offer while an agent who could take it is free; a wrong next_due.
 *
 * Setup bytes: [0] caps, [1..3] the queues' settings. Event bytes: op, x, y.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialtone/routing.h"
#include "dialtone/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NA 6
#define NQ 3
#define NC 8

static const char *const agents[NA] = {"a0", "a1", "a2", "a3", "a4", "a5"};
static const char *const queues[NQ] = {"q0", "q1", "q2"};
static const char *const calls[NC] = {"c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7"};

struct shadow {
    struct routing *r;
    struct routing_actions acts;
    int64_t now;    /* the time of the next event; no time passed is later */
    int64_t t;      /* the time passed with the last event */
    int64_t now_lo; /* a time the module has surely reached */
    int live[NC][NA];
    int li[NC][NA];
    int64_t expires[NC][NA];
    int assigned[NC];  /* assigned during the current wait */
    int busy_with[NA]; /* call assigned to the agent, -1 */
};

static int index_of(const char *const *names, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    abort(); /* a name the target never used */
}

static void apply_action(struct shadow *s, const struct routing_action *a)
{
    int ag = index_of(agents, NA, a->agent);
    if (a->at_ms > s->now)
        abort(); /* a time the module was never given */
    if (a->kind == DT_ROUTE_AGENT_STATE) {
        if (a->state != DT_ROUTE_BUSY)
            s->busy_with[ag] = -1;
        return;
    }
    int c = index_of(calls, NC, a->call_sid);
    switch (a->kind) {
    case DT_ROUTE_OFFER:
        if (s->live[c][ag] || s->assigned[c])
            abort();
        if ((a->mode == DT_ROUTE_LONGEST_IDLE) != (a->expires_ms != 0))
            abort();
        s->live[c][ag] = 1;
        s->li[c][ag] = a->mode == DT_ROUTE_LONGEST_IDLE;
        s->expires[c][ag] = a->expires_ms;
        break;
    case DT_ROUTE_WITHDRAW:
        if (!s->live[c][ag])
            abort();
        s->live[c][ag] = 0;
        break;
    case DT_ROUTE_ASSIGN:
        if (!s->live[c][ag] || s->assigned[c])
            abort();
        s->live[c][ag] = 0;
        s->assigned[c] = 1;
        s->busy_with[ag] = c;
        break;
    default:
        abort();
    }
}

/* Offers, reservations and counts agree with the module and with the rules. */
static void check_offers(struct shadow *s)
{
    int li_agent[NA] = {0}, ring_agent[NA] = {0};
    for (int c = 0; c < NC; c++) {
        struct routing_call_info ci;
        int waiting = routing_call_get(s->r, calls[c], &ci) == DT_OK;
        int n = 0, li_call = 0;
        for (int a = 0; a < NA; a++) {
            if (!s->live[c][a])
                continue;
            struct routing_agent_info ai;
            if (!waiting || routing_agent_get(s->r, agents[a], &ai) != DT_OK)
                abort(); /* an offer outlived its call or its agent */
            if (ai.state != DT_ROUTE_AVAILABLE ||
                !routing_agent_in_queue(s->r, agents[a], ci.queue))
                abort();
            if (s->li[c][a] != (ci.mode == DT_ROUTE_LONGEST_IDLE))
                abort();
            if (s->li[c][a] && s->expires[c][a] <= s->now_lo)
                abort(); /* an expired reservation still live */
            n++;
            li_call += s->li[c][a];
            li_agent[a] += s->li[c][a];
            ring_agent[a] += !s->li[c][a];
        }
        if (li_call > 1 || (waiting && ci.offers != n))
            abort();
    }
    for (int a = 0; a < NA; a++) {
        struct routing_agent_info ai;
        if (routing_agent_get(s->r, agents[a], &ai) != DT_OK) {
            if (li_agent[a] || ring_agent[a] || s->busy_with[a] >= 0)
                abort();
            continue;
        }
        if (li_agent[a] > 1 || ai.reserved != li_agent[a] || ai.ring_offers != ring_agent[a] ||
            ai.ring_offers > ROUTING_RING_OFFERS)
            abort();
        int c = s->busy_with[a];
        if (c >= 0 && (ai.state != DT_ROUTE_BUSY || strcmp(ai.call_sid, calls[c]) != 0))
            abort(); /* an assigned agent who is not busy with the call */
    }
}

/* No waiting call lacks an offer while an agent who could take it is free. */
static void check_work_conserving(struct shadow *s)
{
    for (int c = 0; c < NC; c++) {
        struct routing_call_info ci;
        if (routing_call_get(s->r, calls[c], &ci) != DT_OK || ci.offers > 0)
            continue;
        for (int a = 0; a < NA; a++) {
            struct routing_agent_info ai;
            if (routing_agent_get(s->r, agents[a], &ai) != DT_OK ||
                ai.state != DT_ROUTE_AVAILABLE ||
                !routing_agent_in_queue(s->r, agents[a], ci.queue))
                continue;
            if (ci.mode == DT_ROUTE_LONGEST_IDLE ? !ai.reserved
                                                 : ai.ring_offers < ROUTING_RING_OFFERS)
                abort();
        }
    }
}

static void check_next_due(struct shadow *s)
{
    int64_t due = -1;
    for (int c = 0; c < NC; c++)
        for (int a = 0; a < NA; a++)
            if (s->live[c][a] && s->li[c][a] && (due < 0 || s->expires[c][a] < due))
                due = s->expires[c][a];
    for (int a = 0; a < NA; a++) {
        struct routing_agent_info ai;
        if (routing_agent_get(s->r, agents[a], &ai) != DT_OK || ai.wrapup_due_ms == 0)
            continue;
        if (ai.state != DT_ROUTE_WRAPUP || ai.wrapup_due_ms <= s->now_lo)
            abort();
        if (due < 0 || ai.wrapup_due_ms < due)
            due = ai.wrapup_due_ms;
    }
    if (due >= 0 && due < s->now_lo)
        due = s->now_lo;
    if (routing_next_due(s->r, s->now_lo) != due)
        abort();
}

static void setup(struct shadow *s, const uint8_t *d)
{
    struct routing_caps caps = {.max_agents = 1 + d[0] % NA, .max_calls = 1 + (d[0] >> 3) % NC};
    s->r = routing_new(&caps);
    routing_actions_init(&s->acts);
    s->now = 1000;
    s->now_lo = 0;
    for (int a = 0; a < NA; a++)
        s->busy_with[a] = -1;
    for (int q = 0; q < NQ; q++) {
        struct routing_queue_conf c = {
            .mode = d[1 + q] & 1 ? DT_ROUTE_LONGEST_IDLE : DT_ROUTE_RINGALL,
            .reservation_timeout_s = 1 + (d[1 + q] >> 1) % 4,
            .wrapup_s = (d[1 + q] >> 3) % 4,
            .missed_offers_limit = (d[1 + q] >> 5) % 4,
        };
        if (routing_queue_set(s->r, queues[q], &c, 0, NULL, NULL, 0) != DT_OK)
            abort();
    }
}

/* Runs one event; returns its result. */
static int run_event(struct shadow *s, uint8_t op, uint8_t x, uint8_t y)
{
    struct routing *r = s->r;
    struct routing_actions *out = &s->acts;
    const char *ag = agents[x % NA], *call = calls[x % NC], *q = queues[y % NQ];
    int64_t t = s->t = y & 0x80 ? s->now - 500 : s->now; /* sometimes a time from the past */
    char sid[8];
    switch (op % 19) {
    case 0:
        return routing_call_waiting(r, call, q, t, out, NULL, 0);
    case 1:
        return routing_requeue_front(r, call, q, s->now - (y & 0x7f) * 10, t, out, NULL, 0);
    case 2:
        return routing_call_gone(r, call, t, out, NULL, 0);
    case 3:
        return routing_agent_add(r, ag, t, out, NULL, 0);
    case 4:
        return routing_agent_remove(r, ag, t, out, NULL, 0);
    case 5:
        return routing_agent_join(r, ag, q, t, out, NULL, 0);
    case 6:
        return routing_agent_leave(r, ag, q, t, out, NULL, 0);
    case 7:
        return routing_agent_set_state(r, ag, (enum routing_agent_state)(y % 5),
                                       y & 0x40 ? "away" : NULL, t, out, NULL, 0);
    case 8:
        return routing_accept(r, calls[y % NC], ag, t, out, NULL, 0);
    case 9:
        return routing_decline(r, calls[y % NC], ag, t, out, NULL, 0);
    case 10:
        s->now += (int64_t)x * 40;
        return routing_tick(r, s->t = s->now, out);
    case 11:
        return routing_agent_call_ended(r, ag, t, out, NULL, 0);
    case 12:
        return routing_agent_wrapup_done(r, ag, t, out, NULL, 0);
    case 13:
        snprintf(sid, sizeof(sid), "o%d", x % NC);
        return routing_agent_busy(r, ag, sid, y % 3, t, out, NULL, 0);
    case 14: {
        struct routing_queue_conf c = {
            .mode = (enum routing_mode)(y & 1),
            .reservation_timeout_s = 1 + (y >> 1) % 4,
            .wrapup_s = (y >> 3) % 4,
            .missed_offers_limit = (y >> 5) % 4,
        };
        return routing_queue_set(r, queues[x % NQ], &c, t, out, NULL, 0);
    }
    case 15:
        return routing_queue_remove(r, queues[x % NQ], t, out, NULL, 0);
    case 16:
    case 17: {
        /* Accept or decline the k-th live offer, so that the rules get exercised. */
        int k = x, n = 0;
        for (int c = 0; c < NC; c++)
            for (int a = 0; a < NA; a++)
                n += s->live[c][a];
        for (int c = 0; n && c < NC; c++)
            for (int a = 0; a < NA; a++)
                if (s->live[c][a] && k-- % n == 0)
                    return op % 19 == 16 ? routing_accept(r, calls[c], agents[a], t, out, NULL, 0)
                                         : routing_decline(r, calls[c], agents[a], t, out, NULL, 0);
        return DT_ENOTFOUND;
    }
    default: {
        int64_t due = routing_next_due(r, s->now);
        if (due > s->now)
            s->now = due;
        return routing_tick(r, s->t = s->now, out);
    }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct shadow s;
    if (size < 4)
        return 0;
    memset(&s, 0, sizeof(s));
    setup(&s, data);
    for (size_t i = 4; i + 2 < size && i < 4 + 3 * 2000; i += 3) {
        uint8_t op = data[i], x = data[i + 1], y = data[i + 2];
        int c_before = -1;
        if (op % 19 == 0 || op % 19 == 1)
            c_before = x % NC;
        routing_actions_clear(&s.acts);
        int rc = run_event(&s, op, x, y);
        if ((op % 19 == 0 || op % 19 == 1) && rc == DT_OK)
            s.assigned[c_before] = 0; /* a new wait: it may be assigned again */
        size_t assigns = 0;
        for (size_t k = 0; k < s.acts.count; k++) {
            assigns += s.acts.items[k].kind == DT_ROUTE_ASSIGN;
            apply_action(&s, &s.acts.items[k]);
        }
        int is_accept = op % 19 == 8 || op % 19 == 16;
        if (assigns != (size_t)(is_accept && rc == DT_OK))
            abort(); /* an assign without a winning accept, or an accept without one */
        if (rc == DT_OK && s.t > s.now_lo)
            s.now_lo = s.t;
        check_offers(&s);
        check_work_conserving(&s);
        check_next_due(&s);
        if (op % 19 >= 18 && routing_next_due(s.r, s.now) == s.now)
            abort(); /* a tick at the due time left something due */
    }
    routing_actions_done(&s.acts);
    routing_free(s.r);
    return 0;
}
