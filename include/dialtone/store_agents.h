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

#endif
