/*
 * store_agents: what the store keeps about agents beyond store.h: the queues each agent takes
 * calls from (its skills), a new API token hash, removing an agent, and the calls waiting
 * for an agent (what the agent API calls pending). Same handle, same
 * error conventions as store.h; queue names are 1-32 letters, digits, '-' or '_'.
 */
#ifndef DIALTONE_STORE_AGENTS_H
#define DIALTONE_STORE_AGENTS_H

#include <stddef.h>

#include "dialtone/store.h"

#define STORE_AGENT_QUEUES_MAX 32 /* queues one agent may belong to */

/* 1 when s is a well-formed queue name (1-32 letters, digits, '-' or '_'), else 0. */
int store_queue_name_ok(const char *s);

/* Replaces agent name's queues with the n names in queues (duplicates kept once), all or
 * nothing. Errors: DT_ENOTFOUND (no such agent), DT_EINVAL (a bad name, n over the maximum),
 * DT_EDB. */
int store_agent_set_queues(struct store *st, const char *name, const char *const *queues, size_t n,
                           char *err, size_t errlen);

/* Agent name's queues as "a,b" in name order into *out (the caller frees it; "" for none).
 * Errors: DT_ENOTFOUND (*out NULL), DT_EDB. */
int store_agent_queues(struct store *st, const char *name, char **out, char *err, size_t errlen);

/* 1 when agent name belongs to queue, 0 when not (or no such agent), negative DT_EDB. */
int store_agent_in_queue(struct store *st, const char *name, const char *queue, char *err,
                         size_t errlen);

/* Sets agent name's token hash (NULL clears it). Errors: DT_ENOTFOUND, DT_EEXIST (hash
 * taken), DT_ETOOBIG, DT_EDB. */
int store_agent_set_token(struct store *st, const char *name, const char *token_hash, char *err,
                          size_t errlen);

/* Removes agent name and its queue memberships. Errors: DT_ENOTFOUND, DT_EDB. */
int store_agent_remove(struct store *st, const char *name, char *err, size_t errlen);

/* The calls waiting in a queue (a queue, no QueueResult yet, no final status), oldest first,
 * at most limit (1 to STORE_HISTORY_MAX_LIMIT); queue NULL for every queue. out is released
 * with store_call_list_done(). Errors: DT_EINVAL (bad limit), DT_EDB; out empty on error. */
int store_calls_waiting(struct store *st, const char *queue, int limit, struct store_call_list *out,
                        char *err, size_t errlen);

/* How many agents of queue are in state "available", into *n. Errors: DT_EDB (*n 0). */
int store_agents_available(struct store *st, const char *queue, int64_t *n, char *err,
                           size_t errlen);

/* ---- what a restart of the daemon reads back -------------------------------------------- */

#define STORE_AGENT_EVENT_TYPES 8    /* types one store_agent_last_event looks for */
#define STORE_OFFERS_OPEN_MAX   4096 /* offers store_offers_open returns at most */

/* One stored event; strings owned: store_agent_event_done(). */
struct store_agent_event {
    int64_t seq;
    char *type, *data; /* data: the event's JSON */
};

void store_agent_event_done(struct store_agent_event *e);

/* The newest event whose type is one of the n types (1 to STORE_AGENT_EVENT_TYPES) and whose
 * data has "agent": agent, into *out. Errors: DT_ENOTFOUND (none), DT_EINVAL, DT_EDB; *out
 * zeroed on error. */
int store_agent_last_event(struct store *st, const char *agent, const char *const *types, size_t n,
                           struct store_agent_event *out, char *err, size_t errlen);

/* An offer announced in the event log and never closed; strings owned (NULL when the event
 * lacked them). */
struct store_open_offer {
    char *call_sid, *agent, *queue, *mode;
};

struct store_open_offers {
    struct store_open_offer *items;
    size_t count;
};

void store_open_offers_done(struct store_open_offers *l);

/* Offers still open in the event log: for each call and agent, an "offer.created" with no
 * later "offer.withdrawn" or "call.assigned" for the same call and agent, ordered by call and
 * agent, at most STORE_OFFERS_OPEN_MAX. Reads the whole log: for the daemon's start. Errors:
 * DT_EDB (out empty). */
int store_offers_open(struct store *st, struct store_open_offers *out, char *err, size_t errlen);

/* SQLite's data_version into *v: it changes when another connection (dialtone agent, say)
 * commits to the database. Errors: DT_EDB (*v 0). */
int store_data_version(struct store *st, int64_t *v, char *err, size_t errlen);

#endif
