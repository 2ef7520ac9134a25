/*
 * push: the daemon's websocket /api/v1/events. A client shows an agent's token
 * (Authorization: Bearer TOKEN; refused with 401 otherwise), gets a snapshot (the agent, its
 * state, the calls waiting for it, the queues' figures), then with ?after_seq=N every stored
 * event after N in seq order, then each event as the daemon emits it, never one twice:
 *   {"seq": N, "type": "call.updated", "ts": "2026-01-02T03:04:05.678Z", "data": {...}}
 * A client too slow to keep up is sent {"type":"resync"} and closed (1008), and so is one whose
 * after_seq is older than the event log still holds (events are pruned after [retention]
 * events_days): it would miss the events pruned. Either starts afresh without after_seq.
 *
 * Threads: loop thread only.
 */
#ifndef DIALTONE_PUSH_H
#define DIALTONE_PUSH_H

#include <stddef.h>

struct server;
struct push;

#define PUSH_PATH "/api/v1/events"

/* Tuning for tests; zeroes mean wsd's defaults. */
struct push_options {
    size_t queue_msgs;
    unsigned int ping_interval_ms, ping_timeout_ms;
};

/* Adds the endpoint to srv's listener and becomes srv's event sink. opt may be NULL. Returns
 * NULL with err filled when the endpoint cannot be added. */
struct push *push_new(struct server *srv, const struct push_options *opt, char *err, size_t errlen);

/* Lets the clients go (close 1001), stops being the sink. Before server_free. NULL ignored. */
void push_free(struct push *p);

/* Clients connected (opened, not yet closed). */
size_t push_client_count(const struct push *p);

#endif
