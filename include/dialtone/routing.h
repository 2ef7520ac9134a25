/*
 * routing: who gets which waiting call. A pure state machine with no I/O and no clock of its
 * own: the daemon feeds it events (a call waits, an agent changes state, accepts, declines,
 * time passes) with the current time, and carries out the actions it hands back (offer a
 * call to an agent, withdraw an offer, assign a call, an agent's state changed). Single-
 * threaded by design, which is what makes "the first accept wins" atomic.
 *
 * The model
 * - Queues have a mode. ringall: every available agent of the queue sees the offer, with no
 *   expiry; the first accept wins and the other agents' offers are withdrawn in the same step.
 *   longest-idle: one reservation at a time, to the available agent of the queue who has been
 *   idle longest, expiring after the queue's reservation timeout; a decline or a timeout moves
 *   the call on to the next agent. An agent who lets missed_offers_limit reservations time out
 *   in a row (0: never) is put on break with the note "missed offers" (only longest-idle
 *   reservations expire, so only they count; an accept, a decline or becoming available again
 *   starts the count over; the limit of the queue whose reservation timed out applies).
 * - Agents have an id, the queues they belong to (skills) and a state: offline (when added),
 *   available, busy (holding one call), wrap-up or break (with a note). "Offered" and
 *   "reserved" are not states of their own: an available agent with offers is offered. Only
 *   available agents get offers. Idle since = when the agent last became available (from any
 *   other state, including the end of wrap-up).
 * - Offers per agent: at most one longest-idle reservation, plus up to ROUTING_RING_OFFERS
 *   ringall offers (one per waiting call, oldest calls first; the console lists them).
 *   Accepting any of them withdraws all the others. Offers to one agent from different
 *   queues can coexist.
 * - Waiting calls are served oldest first across all queues: calls put back at the front
 *   (routing_requeue_front) before all others, then by enqueue time, then by arrival order.
 * - Rounds: an agent who declines or lets an offer time out is skipped for that call until
 *   it has no live offer left and every available agent of the queue who could take it has
 *   been tried; then the call starts a new round (longest idle first, or everyone for
 *   ringall). A lone agent who
 *   declines is therefore offered the call again at once: the caller must be answered, and an
 *   agent who cannot take calls goes on break.
 * - Ties are broken by agent id (byte order): among agents idle equally long the smallest id
 *   is picked, and ringall offers for one call go out in agent id order.
 *
 * Time: milliseconds (since the Unix epoch, say), 0 to ROUTING_TIME_MAX. Every event takes
 * now_ms and first processes what fell due up to then (as routing_tick does), so an accept at
 * or after an offer's expiry finds the offer expired. A time earlier than one seen before
 * counts as the latest time seen. An offer is live while now < expires_ms.
 *
 * Actions: each event appends to a caller-owned struct routing_actions (NULL: discarded), in
 * the order the changes were made: what fell due by now_ms, the event's own result (assign, a
 * withdrawal, a state change), the withdrawals it causes, then new offers. Every change of an
 * agent's state is reported as an agent_state action, whether the daemon asked for it or the module
 * made it, so the daemon can store and push states from the actions alone. Actions appended before
 * an event fails (timeouts that fell due) are real and must still be carried out.
 */
#ifndef DIALTONE_ROUTING_H
#define DIALTONE_ROUTING_H

#include <stddef.h>
#include <stdint.h>

/* Longest strings accepted, in bytes (buffers below add the NUL). Agent ids, call sids and
 * queue names must not be empty; none of them, nor a note, may hold a control character. */
#define ROUTING_AGENT_MAX 128 /* agent ids: the store's agent names */
#define ROUTING_SID_MAX   64  /* call sids */
#define ROUTING_QUEUE_MAX 32  /* queue names */
#define ROUTING_NOTE_MAX  64  /* break/offline notes */

/* Hard caps on counts; struct routing_caps may set lower ones. */
#define ROUTING_MAX_AGENTS 1024
#define ROUTING_MAX_QUEUES 64
#define ROUTING_MAX_CALLS  4096
/* Most ringall offers one agent sees at once. */
#define ROUTING_RING_OFFERS 8
/* Largest time accepted (about the year 33,000 in ms since the epoch). */
#define ROUTING_TIME_MAX 1000000000000000LL

/* Queue settings ranges; routing_queue_defaults() gives 30 s, 30 s, 3. */
#define ROUTING_TIMEOUT_MIN_S 1
#define ROUTING_TIMEOUT_MAX_S 3600
#define ROUTING_WRAPUP_MAX_S  86400
#define ROUTING_MISSED_MAX    1000

struct routing;

enum routing_mode {
    DT_ROUTE_RINGALL,
    DT_ROUTE_LONGEST_IDLE,
};

enum routing_agent_state {
    DT_ROUTE_OFFLINE,
    DT_ROUTE_AVAILABLE,
    DT_ROUTE_BUSY,
    DT_ROUTE_WRAPUP,
    DT_ROUTE_BREAK,
};

enum routing_action_kind {
    DT_ROUTE_OFFER,       /* offer call to agent until expires_ms (0: until withdrawn) */
    DT_ROUTE_WITHDRAW,    /* the offer of call to agent is gone, for why */
    DT_ROUTE_ASSIGN,      /* agent accepted call and won it (the accepted offer ends here) */
    DT_ROUTE_AGENT_STATE, /* agent is now in state, for why, with note */
};

/* Why an offer was withdrawn, or why an agent's state changed. */
enum routing_why {
    DT_ROUTE_TAKEN,         /* withdraw: another agent accepted the call */
    DT_ROUTE_TIMEOUT,       /* withdraw: the reservation expired */
    DT_ROUTE_DECLINED,      /* withdraw: the agent declined */
    DT_ROUTE_GONE,          /* withdraw: the call left (hung up, answered elsewhere...) */
    DT_ROUTE_AGENT_AWAY,    /* withdraw: the agent took another call, left the state
                               available or the queue, or was removed */
    DT_ROUTE_REROUTED,      /* withdraw: the queue's mode changed */
    DT_ROUTE_REQUESTED,     /* state: the daemon asked for it */
    DT_ROUTE_ASSIGNED,      /* state: busy after winning an accept */
    DT_ROUTE_CALL_ENDED,    /* state: wrap-up after the call */
    DT_ROUTE_WRAPUP_TIMER,  /* state: available again when the queue's wrap-up time ran out */
    DT_ROUTE_MISSED_OFFERS, /* state: break after missed_offers_limit timeouts in a row */
};

/* One action. Strings are copies: they stay valid whatever the module does next. */
struct routing_action {
    enum routing_action_kind kind;
    char call_sid[ROUTING_SID_MAX + 1]; /* agent_state: the agent's call when busy or in
                                           wrap-up, else "" */
    char agent[ROUTING_AGENT_MAX + 1];
    char queue[ROUTING_QUEUE_MAX + 1]; /* the call's queue; "" for agent_state */
    enum routing_mode mode;            /* the queue's mode (offer, withdraw, assign) */
    int64_t at_ms;                     /* when it happened (for an offer: when made) */
    int64_t expires_ms;                /* offer: when it times out, 0: never (ringall);
                                          agent_state wrap-up: when it ends, 0: on request */
    enum routing_why why;              /* withdraw, agent_state; assign: assigned */
    enum routing_agent_state state;    /* agent_state: the new state */
    char note[ROUTING_NOTE_MAX + 1];   /* agent_state: break/offline note, else "" */
};

/* A growable list of actions, held by value: routing_actions_init / routing_actions_done. */
struct routing_actions {
    struct routing_action *items;
    size_t count;
    size_t cap;
};

void routing_actions_init(struct routing_actions *a);
void routing_actions_done(struct routing_actions *a);
/* Empties the list, keeping its memory. */
void routing_actions_clear(struct routing_actions *a);

/* Lower caps than the hard ones (0 = the hard cap; larger values are clamped to it). */
struct routing_caps {
    size_t max_agents;
    size_t max_queues;
    size_t max_calls;
};

struct routing_queue_conf {
    enum routing_mode mode;
    int reservation_timeout_s; /* longest-idle reservations, 1-3600 */
    int wrapup_s;              /* 0: wrap-up lasts until routing_agent_wrapup_done */
    int missed_offers_limit;   /* 0: never set an agent unavailable */
};

/* A new, empty router with the given caps (NULL: the hard caps). Free with routing_free.
 * Never NULL (allocation aborts on out-of-memory). */
struct routing *routing_new(const struct routing_caps *caps);
/* Frees r and everything in it; NULL does nothing. */
void routing_free(struct routing *r);

/* Fills c with the defaults: ringall, 30 s reservations, 30 s wrap-up, 3 missed offers. */
void routing_queue_defaults(struct routing_queue_conf *c);

/*
 * Every event below: r and the strings are borrowed; actions are appended to out (may be
 * NULL). Errors: DT_EINVAL (bad id, sid, name, note, time or setting), DT_ETOOBIG (string too
 * long, count over its cap), DT_ENOTFOUND (unknown agent, queue or call), and those listed;
 * detail in err (may be NULL). A failed event changes nothing but what fell due by now_ms.
 */

/* Creates queue name or updates its settings. A changed mode withdraws the offers of the
 * queue's waiting calls (rerouted) and offers them again under the new mode; other changes
 * apply to later offers and wrap-ups. Errors also: DT_ETOOBIG when a new queue is over cap. */
int routing_queue_set(struct routing *r, const char *name, const struct routing_queue_conf *conf,
                      int64_t now_ms, struct routing_actions *out, char *err, size_t errlen);
/* Removes a queue (agents leave it). Errors also: DT_ESTATE while calls wait in it. */
int routing_queue_remove(struct routing *r, const char *name, int64_t now_ms,
                         struct routing_actions *out, char *err, size_t errlen);

/* Adds an agent, offline, in no queue. Errors also: DT_EEXIST, DT_ETOOBIG over cap. */
int routing_agent_add(struct routing *r, const char *agent, int64_t now_ms,
                      struct routing_actions *out, char *err, size_t errlen);
/* Removes an agent; their offers are withdrawn (agent-away) and the calls offered on.
 * Errors also: DT_ESTATE while the agent is busy. */
int routing_agent_remove(struct routing *r, const char *agent, int64_t now_ms,
                         struct routing_actions *out, char *err, size_t errlen);
/* The agent joins or leaves a queue. Joining twice or leaving a queue one is not in does
 * nothing. Leaving withdraws the agent's offers for that queue's calls (agent-away). */
int routing_agent_join(struct routing *r, const char *agent, const char *queue, int64_t now_ms,
                       struct routing_actions *out, char *err, size_t errlen);
int routing_agent_leave(struct routing *r, const char *agent, const char *queue, int64_t now_ms,
                        struct routing_actions *out, char *err, size_t errlen);
/*
 * Sets an agent available, on break or offline, with a note (NULL: ""; kept for break and
 * offline, ignored for available). Leaving available withdraws the agent's offers
 * (agent-away) and the calls go on to other agents; becoming available sets idle since to now
 * and may bring offers; from wrap-up it ends wrap-up. The same state and note again does
 * nothing. Errors also: DT_EINVAL for busy or wrap-up (those come from accept and
 * routing_agent_call_ended), DT_ESTATE while the agent is busy.
 */
int routing_agent_set_state(struct routing *r, const char *agent, enum routing_agent_state state,
                            const char *note, int64_t now_ms, struct routing_actions *out,
                            char *err, size_t errlen);
/* The agent is busy with call_sid outside routing (an outbound call), with wrapup_s seconds
 * of wrap-up after it (0: until wrap-up done). Their offers are withdrawn (agent-away).
 * Errors also: DT_ESTATE when the agent is already busy. */
int routing_agent_busy(struct routing *r, const char *agent, const char *call_sid, int wrapup_s,
                       int64_t now_ms, struct routing_actions *out, char *err, size_t errlen);
/* The agent's call ended: busy -> wrap-up. With the call's queue wrap-up time > 0 the agent
 * becomes available by themselves when it runs out (a tick), else on routing_agent_wrapup_done.
 * Errors also: DT_ESTATE when the agent is not busy. */
int routing_agent_call_ended(struct routing *r, const char *agent, int64_t now_ms,
                             struct routing_actions *out, char *err, size_t errlen);
/* Wrap-up done: wrap-up -> available. Errors also: DT_ESTATE when not in wrap-up. */
int routing_agent_wrapup_done(struct routing *r, const char *agent, int64_t now_ms,
                              struct routing_actions *out, char *err, size_t errlen);

/*
 * At a restart: puts an agent who is not busy back in wrap-up after call_sid (may be ""), as
 * the store had them, until due_ms (0: until routing_agent_wrapup_done), the wrap-up time
 * counted from when it began rather than from now. A due_ms at or before now makes them
 * available at once (wrapup-timer). Their offers are withdrawn (agent-away). Errors also:
 * DT_ESTATE while the agent is busy.
 */
int routing_agent_wrapup_restore(struct routing *r, const char *agent, const char *call_sid,
                                 int64_t due_ms, int64_t now_ms, struct routing_actions *out,
                                 char *err, size_t errlen);

/* A call starts waiting in queue, enqueued now. Errors also: DT_EEXIST when it already waits,
 * DT_ETOOBIG over cap. */
int routing_call_waiting(struct routing *r, const char *call_sid, const char *queue, int64_t now_ms,
                         struct routing_actions *out, char *err, size_t errlen);
/* A call comes back (its agent leg failed) and waits at the front: ahead of every call not put
 * back, and among those put back by enqueued_ms (its first enqueue time). The agent who had
 * it is not touched: end their call with routing_agent_call_ended or set their state.
 * Errors also: DT_EEXIST when it already waits, DT_ETOOBIG over cap. */
int routing_requeue_front(struct routing *r, const char *call_sid, const char *queue,
                          int64_t enqueued_ms, int64_t now_ms, struct routing_actions *out,
                          char *err, size_t errlen);
/* A waiting call left: its offers are withdrawn (gone). Errors: DT_ENOTFOUND when it does not
 * wait (never did, was assigned, or left already). */
int routing_call_gone(struct routing *r, const char *call_sid, int64_t now_ms,
                      struct routing_actions *out, char *err, size_t errlen);

/*
 * An agent accepts an offered call. On success: assign, the agent's state (busy), then the
 * withdrawals (the call's other offers: taken; the agent's other offers: agent-away). Errors
 * also: DT_ESTATE "taken by another agent" (already assigned), "offer expired" (timed out),
 * "offer declined", "offer withdrawn" (agent left available or the queue...), "call is gone";
 * DT_EPERM when the call was never offered to this agent. A call is assigned at most once per
 * time it waits.
 */
int routing_accept(struct routing *r, const char *call_sid, const char *agent, int64_t now_ms,
                   struct routing_actions *out, char *err, size_t errlen);
/* An agent declines an offer: withdrawn (declined), the call moves on. Errors as for accept. */
int routing_decline(struct routing *r, const char *call_sid, const char *agent, int64_t now_ms,
                    struct routing_actions *out, char *err, size_t errlen);

/* Time passes: expires reservations due by now_ms (withdraw: timeout, the call moves on, the
 * missed-offers count), ends timed wrap-ups. Errors: DT_EINVAL for a bad time. */
int routing_tick(struct routing *r, int64_t now_ms, struct routing_actions *out);
/* When routing_tick should run next: the earliest pending expiry or wrap-up end, never earlier
 * than now_ms (overdue: now_ms), or -1 when nothing is pending. */
int64_t routing_next_due(const struct routing *r, int64_t now_ms);

/* ---- queries: borrowed strings in the results point into r until its next event ---------- */

struct routing_agent_info {
    enum routing_agent_state state;
    const char *note;      /* "" when none */
    int64_t since_ms;      /* last state change */
    int64_t idle_since_ms; /* last time the agent became available (or was added) */
    const char *call_sid;  /* busy or wrap-up: the call, else "" */
    int64_t wrapup_due_ms; /* wrap-up with a time: when it ends, else 0 */
    int missed_in_row;     /* reservations timed out in a row */
    int ring_offers;       /* live ringall offers */
    int reserved;          /* 1 when holding a longest-idle reservation */
    int queues;            /* how many queues the agent is in */
};

struct routing_call_info {
    const char *queue;
    enum routing_mode mode;
    int64_t enqueued_ms;
    int front;    /* 1 when put back at the front */
    int position; /* 1-based place among the waiting calls of its queue */
    int offers;   /* live offers */
};

struct routing_offer_info {
    const char *call_sid;
    const char *queue;
    enum routing_mode mode;
    int64_t offered_ms, expires_ms;
};

/* An agent's state and offers. Errors: DT_ENOTFOUND (unknown agent; *out untouched). */
int routing_agent_get(const struct routing *r, const char *agent, struct routing_agent_info *out);
/* 1 when agent is in queue, 0 when not or either is unknown. */
int routing_agent_in_queue(const struct routing *r, const char *agent, const char *queue);
/* A waiting call. Errors: DT_ENOTFOUND (the call is not waiting; *out untouched). */
int routing_call_get(const struct routing *r, const char *call_sid, struct routing_call_info *out);
/* A queue's settings. Errors: DT_ENOTFOUND (unknown queue; *out untouched). */
int routing_queue_get(const struct routing *r, const char *name, struct routing_queue_conf *out);
/* An agent's live offers, oldest call first: fills up to max entries of out (may be NULL
 * when max is 0) and returns how many there are; 0 for an unknown agent. */
size_t routing_agent_offers(const struct routing *r, const char *agent,
                            struct routing_offer_info *out, size_t max);
/* How many agents, queues and waiting calls there are. */
size_t routing_agent_count(const struct routing *r);
size_t routing_queue_count(const struct routing *r);
/* The id of the i-th agent in id order (i below routing_agent_count), or NULL. */
const char *routing_agent_at(const struct routing *r, size_t i);
size_t routing_call_count(const struct routing *r);

/* Names: "ringall"/"longest-idle"; "offline", "available", "busy", "wrap-up", "break";
 * "taken", "timeout", "declined", "gone", "agent-away", "rerouted", "requested", "assigned",
 * "call-ended", "wrapup-timer", "missed-offers"; "offer", "withdraw", "assign",
 * "agent-state". Static strings; "unknown" outside the enums. */
const char *routing_mode_name(enum routing_mode m);
const char *routing_state_name(enum routing_agent_state s);
const char *routing_why_name(enum routing_why w);
const char *routing_action_name(enum routing_action_kind k);
/* Parse the exact names above; DT_EINVAL (and *out untouched) otherwise. */
int routing_mode_parse(const char *s, enum routing_mode *out);
int routing_state_parse(const char *s, enum routing_agent_state *out);

#endif
