/*
 * store_kpi: what the store keeps for the day's figures (call_kpi, agent_wrapups, offers) and the
 * query that loads a day's facts for dialtone/kpi.h. The daemon writes as things happen: the
 * caller joins its queue, an agent's leg reaches it, holds begin and end, a wrap-up ends, an
 * offer ends. Each write is one statement: inside a transaction of store_tx_begin it belongs
 * to it, and one that fails is undone alone. Errors as in dialtone/store.h.
 */
#ifndef DIALTONE_STORE_KPI_H
#define DIALTONE_STORE_KPI_H

#include <stddef.h>
#include <stdint.h>

#include "dialtone/alerts.h"
#include "dialtone/kpi.h"
#include "dialtone/store.h"

/* The caller sid joined its queue at ts_ms; only the first time is kept. Errors: DT_EINVAL
 * (empty or over-long sid, negative time), DT_EDB. The same for the writes below. */
int store_kpi_enqueued(struct store *st, const char *sid, int64_t ts_ms, char *err, size_t errlen);

/* An agent's leg joined caller sid at ts_ms: agent (1-128 bytes) has the call from now on
 * (a transfer names the next agent); the first time is kept as when the call was answered. */
int store_kpi_connected(struct store *st, const char *sid, const char *agent, int64_t ts_ms,
                        char *err, size_t errlen);

/* Caller sid went on hold (on 1) or came off it (on 0) at ts_ms. A second hold while on hold,
 * or an unhold while not on hold, changes nothing. Time on hold is kept in milliseconds. */
int store_kpi_hold(struct store *st, const char *sid, int on, int64_t ts_ms, char *err,
                   size_t errlen);

/* The wrap-up after call sid is over and lasted wrapup_s seconds (0 when the queue has none),
 * named by no agent: the call's wrap-up (call_kpi) alone, which a later call replaces; its
 * last agent's part takes it when they have no wrap-up of their own (store_kpi_wrapup_by). */
int store_kpi_wrapup(struct store *st, const char *sid, int64_t wrapup_s, char *err, size_t errlen);

/* agent (1-128 bytes) began wrapping up call sid at started_ms: until it ends, their part of
 * the call is not over. A start already recorded and not ended is kept (a restart tells it
 * again). Errors as store_kpi_wrapup, and DT_EINVAL for the agent. */
int store_kpi_wrapup_began(struct store *st, const char *sid, const char *agent, int64_t started_ms,
                           char *err, size_t errlen);

/* agent's wrap-up of call sid ended after wrapup_s seconds (0: none): added to that agent's
 * own (agent_wrapups; an agent who has the call again wraps it up again), their wrap-up no
 * longer going on. The call's wrap-up (call_kpi) becomes the sum of its agents' when agent has
 * the call (call_kpi's agent, or none yet), or when it is already known (a wrap-up of an agent
 * who handed the call on that ends after the last one's); until the last agent's ends it stays
 * unknown. Both rows or neither. Errors as store_kpi_wrapup, and DT_EINVAL for the agent. */
int store_kpi_wrapup_by(struct store *st, const char *sid, const char *agent, int64_t wrapup_s,
                        char *err, size_t errlen);

/* An offer that ended. Strings borrowed; queue may be NULL. */
struct store_offer {
    const char *call_sid;
    const char *agent;
    const char *queue;
    int64_t offered_ms, ended_ms;
    enum kpi_offer_end end;
};

/* Records one ended offer. Errors: DT_EINVAL (missing sid or agent, bad end, ended before
 * offered), DT_ETOOBIG, DT_EDB. */
int store_kpi_offer(struct store *st, const struct store_offer *o, char *err, size_t errlen);

/* The end of an offer as the routing module names why it was withdrawn ("timeout",
 * "declined"; "taken", "gone", "agent-away"... are KPI_OFFER_OTHER), or "accepted". */
enum kpi_offer_end store_kpi_offer_end(const char *why);

/* A day's facts, owning the strings its calls and offers point to: store_kpi_day_done. */
struct store_kpi_day {
    struct kpi_call *calls;
    size_t n_calls;
    struct kpi_offer *offers;
    size_t n_offers;
    struct kpi_part *parts; /* what the calls' parts point into */
    size_t n_parts;
    char **strings; /* what the facts' strings point into */
    size_t n_strings;
};

/*
 * Loads the facts of the calls and offers that matter for the day [start_ms, end_ms): calls
 * with a queue, an agent or a call_kpi row, created from one day before start_ms on and before
 * end_ms, with any change on or after start_ms; offers made within the day. How a row becomes
 * a struct kpi_call:
 *  - enqueued: call_kpi's time, else the Enqueue action's time less its QueueTime, else the
 *    first wait-URL request's time (an inbound call only).
 *  - queue result: Twilio's QueueResult through kpi_qresult_parse, except that an agent's
 *    leg having connected (call_kpi) means answered; a call that ended in the queue with no
 *    QueueResult was abandoned. Left the queue: the Enqueue action's time.
 *  - answered: when an agent's leg connected, else when it left the queue answered; outbound,
 *    when the called party answered. Talk: from then to the end, less hold.
 *  - hold: call_kpi's (a hold still on at the end counts until the end), 0 without a row;
 *    wrap-up: call_kpi's, the sum of its agents' wrap-ups once the last agent's is over,
 *    unknown (-1) until then. Cost: the call's price.
 *  - agent: call_kpi's (the last agent to have the call), else the call's; parts: one per
 *    agent who had the call and has a leg in it, from that leg: it reached the caller when
 *    both were first in the call together (the leg joined the conference, the caller was
 *    there: an inbound call from its start, an outbound one once answered), was with them
 *    while both were, and the wrap-up is the agent's own (agent_wrapups; -1 while one is
 *    going on); an agent with no row has the call's (call_kpi) when they are its last agent,
 *    else 0 (no wrap-up recorded).
 * A leg (a row with a parent) is part of its call: it brings its price and nothing else.
 * Errors: DT_EINVAL (end before start), DT_EDB; out is then empty.
 */
int store_kpi_load(struct store *st, int64_t start_ms, int64_t end_ms, struct store_kpi_day *out,
                   char *err, size_t errlen);

/* Frees what d owns and empties it; NULL or an empty day is fine. */
void store_kpi_day_done(struct store_kpi_day *d);

/*
 * A finished call (leg) as the alert rules see it (dialtone/alerts.h), into *out: answered
 * when it went through its queue to an agent (a call with a queue) or else completed (Twilio's
 * "completed" is a call that was answered); its duration when answered; Twilio's error code;
 * a recording that failed; its price. DT_ESTATE when the call has not ended (no final status
 * or no end time); *out is then zeroed.
 */
int store_kpi_alert_call(const struct store_call *c, struct alert_call *out);

/*
 * Feeds a every call created from one day before since_ms on that ended in (since_ms,
 * until_ms], oldest end first, so that alerts evaluated after a restart see the recent past
 * as the running daemon saw it: a leg (a row with a parent) is no call of its own and feeds
 * only its price (alerts_feed_cost), when it has one. *fed (may be NULL) gets the number of
 * facts fed. Errors: DT_EINVAL (until before since), DT_EDB.
 */
int store_kpi_alerts_prime(struct store *st, struct alerts *a, int64_t since_ms, int64_t until_ms,
                           size_t *fed, char *err, size_t errlen);

#endif
