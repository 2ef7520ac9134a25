/*
 * routing_int: what the routing module's source files (routing.c: tables, lookups, queries;
 * routing_dist.c: offers, state changes, distribution and timers; routing_events.c: the public
 * events) share and nothing else sees: the struct behind the opaque handle and the helpers.
 */
#ifndef DIALTONE_ROUTING_INT_H
#define DIALTONE_ROUTING_INT_H

#include <stdint.h>

#include "dialtone/routing.h"

/* How many assigned or gone calls are remembered, to explain a late accept. */
#define RT_RECENT 128

/* Per call and agent, one byte: flags in the low bits, the last withdraw reason above. */
#define RT_M_EVER      0x01 /* the agent was offered this call since it started waiting */
#define RT_M_TRIED     0x02 /* declined or missed in the current round: skipped */
#define RT_M_LIVE      0x04 /* an offer is live */
#define RT_M_WHY_SHIFT 4

struct rt_queue {
    int used;
    char name[ROUTING_QUEUE_MAX + 1];
    struct routing_queue_conf conf;
};

struct rt_agent {
    int used;
    char id[ROUTING_AGENT_MAX + 1];
    enum routing_agent_state state;
    char note[ROUTING_NOTE_MAX + 1];
    int64_t since_ms, idle_ms;
    uint64_t queues; /* bit q: member of queue slot q */
    int missed;      /* reservations timed out in a row */
    int ring;        /* live ringall offers */
    int reserved;    /* call slot of the live longest-idle reservation, or -1 */
    char call_sid[ROUTING_SID_MAX + 1];
    int call_wrapup_s;
    int64_t wrap_due_ms; /* 0: none */
};

struct rt_call {
    int used;
    char sid[ROUTING_SID_MAX + 1];
    int queue; /* queue slot */
    int64_t enq_ms;
    int front;
    uint64_t seq;
    uint8_t *marks; /* indexed by agent slot; agents past n_marks have 0 */
    size_t n_marks;
    int offers; /* live offers */
};

struct rt_offer {
    int call, agent; /* slots */
    enum routing_mode mode;
    int64_t offered_ms, expires_ms; /* expires 0: never */
    uint64_t seq;
};

struct rt_recent {
    char sid[ROUTING_SID_MAX + 1];     /* "" when empty */
    char agent[ROUTING_AGENT_MAX + 1]; /* who won it; "" when the call went */
};

struct routing {
    size_t max_agents, max_queues, max_calls;
    int64_t now_ms;
    uint64_t seq;
    struct rt_queue queues[ROUTING_MAX_QUEUES];
    size_t n_queues;
    struct rt_agent *agents; /* slots; stable while the agent exists */
    size_t agent_slots, n_agents;
    int *agent_order; /* n_agents slots, sorted by id */
    struct rt_call *calls;
    size_t call_slots, n_calls;
    int *call_order;         /* n_calls slots, in serving order */
    struct rt_offer *offers; /* in the order they were made */
    size_t n_offers, cap_offers;
    struct rt_recent recent[RT_RECENT];
    size_t recent_next;
};

/* ---- routing.c ---- */
int rt_check_text(const char *s, size_t max, int allow_empty, const char *what, char *err,
                  size_t errlen);
int rt_check_time(int64_t t, char *err, size_t errlen);
int rt_find_agent(const struct routing *r, const char *id);
int rt_find_queue(const struct routing *r, const char *name);
int rt_find_call(const struct routing *r, const char *sid);
/* Looks up agent (and queue when queue is not NULL) after checking their text; -1s stay when
 * not asked. Errors: DT_EINVAL, DT_ETOOBIG, DT_ENOTFOUND. */
int rt_lookup(const struct routing *r, const char *agent, const char *queue, int *ai, int *qi,
              char *err, size_t errlen);
uint8_t rt_mark(const struct rt_call *c, int agent);
void rt_mark_set(struct rt_call *c, int agent, uint8_t m);
/* Appends a zeroed action of kind to out (not NULL) and returns it. */
struct routing_action *rt_emit(struct routing_actions *out, enum routing_action_kind kind);
/* Appends an offer, withdraw or assign action for offer o; nothing when out is NULL. */
void rt_emit_offer_like(const struct routing *r, struct routing_actions *out,
                        enum routing_action_kind kind, const struct rt_offer *o,
                        enum routing_why why);
void rt_recent_add(struct routing *r, const char *sid, const char *agent);
const struct rt_recent *rt_recent_find(const struct routing *r, const char *sid);

/* ---- routing_dist.c ---- */
/* Ends offer o (index into r->offers): withdraw action for why unless why < 0 (accepted). */
void rt_offer_end(struct routing *r, size_t o, int why, struct routing_actions *out);
/* Withdraws every live offer of call slot c (for agent slot -1: all agents), or of agent slot a
 * (queue slot -1: all queues). */
void rt_withdraw_call(struct routing *r, int c, enum routing_why why, struct routing_actions *out);
void rt_withdraw_agent(struct routing *r, int a, int queue, enum routing_why why,
                       struct routing_actions *out);
/* Changes an agent's state, with the action; leaving available withdraws their offers. */
void rt_set_state(struct routing *r, int a, enum routing_agent_state st, enum routing_why why,
                  const char *note, struct routing_actions *out);
/* Removes waiting call slot c (its offers must be gone). */
void rt_call_drop(struct routing *r, int c);
/* Makes every offer the rules call for. */
void rt_distribute(struct routing *r, struct routing_actions *out);
/* Clears the round of call slot c. */
void rt_round_reset(struct rt_call *c);
/* Moves time to now_ms (checked by the caller) and processes what fell due, then
 * distributes. */
void rt_advance(struct routing *r, int64_t now_ms, struct routing_actions *out);

#endif
