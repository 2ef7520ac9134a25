/*
 * store_retry: the attempts of automatic retry chains (schema 9: retry_attempts), one row per
 * attempt from the first on, so that a restart finds the attempts still to place and the calls
 * still to follow. An attempt is pending (scheduled), placed (claimed for Twilio: never placed
 * again), dropped (never placed, with the reason) or ended (its call ended, or it was lost).
 * Errors as in dialtone/store.h.
 */
#ifndef DIALTONE_STORE_RETRY_H
#define DIALTONE_STORE_RETRY_H

#include <stddef.h>
#include <stdint.h>

#include "dialtone/store.h"

#define STORE_RETRY_ID_MAX   72   /* bytes of a chain, room or sid, NUL included */
#define STORE_RETRY_NAME_MAX 136  /* bytes of an agent's name, NUL included */
#define STORE_RETRY_NUM_MAX  40   /* bytes of a number, NUL included */
#define STORE_RETRY_TEXT_MAX 256  /* bytes of a reason or outcome, NUL included */
#define STORE_RETRY_OPEN_MAX 1000 /* most open attempts store_retry_open returns */

/* One attempt. kind: "first", "retry" or "callback"; state: "pending", "placed", "dropped" or
 * "ended"; texts "" when unset. */
struct store_retry {
    int64_t id;
    char chain[STORE_RETRY_ID_MAX], first_sid[STORE_RETRY_ID_MAX];
    int attempt;
    char kind[12];
    int64_t due_ms;
    char agent[STORE_RETRY_NAME_MAX], number[STORE_RETRY_NUM_MAX];
    char reason[STORE_RETRY_TEXT_MAX];
    int code;
    char state[12];
    char room[STORE_RETRY_ID_MAX], sid[STORE_RETRY_ID_MAX];
    char outcome[STORE_RETRY_TEXT_MAX];
    int64_t updated_ms;
};

/*
 * Stores the attempt r (its id ignored; state "pending" or "placed", "" meaning pending) at
 * now_ms; *id (may be NULL) gets its id. Errors: DT_EINVAL (empty chain, agent or number,
 * attempt < 1, an unknown kind or state, negative times), DT_ETOOBIG (a text too long for
 * its field), DT_EEXIST (the chain already has that attempt), DT_EDB.
 */
int store_retry_add(struct store *st, const struct store_retry *r, int64_t now_ms, int64_t *id,
                    char *err, size_t errlen);

/*
 * Claims pending attempt id for placing at now_ms: it is placed from then on, whatever happens
 * to the request, so that it is never placed twice. Errors: DT_ESTATE (not pending: claimed or
 * over already; do not place it), DT_ENOTFOUND, DT_EINVAL, DT_EDB.
 */
int store_retry_claim(struct store *st, int64_t id, int64_t now_ms, char *err, size_t errlen);

/* Records attempt id's conference room and its customer's call sid (NULL leaves either as it
 * is); the sid of a first attempt is also the chain's first_sid. Errors: DT_ENOTFOUND,
 * DT_EINVAL (nothing to record), DT_ETOOBIG, DT_EDB. */
int store_retry_set(struct store *st, int64_t id, const char *room, const char *sid, int64_t now_ms,
                    char *err, size_t errlen);

/*
 * Closes attempt id at now_ms as state ("dropped": never placed; "ended": its call ended or
 * was lost) with outcome (may be NULL). Only a pending or placed attempt closes. Errors:
 * DT_ESTATE (closed already), DT_ENOTFOUND, DT_EINVAL, DT_ETOOBIG, DT_EDB.
 */
int store_retry_finish(struct store *st, int64_t id, const char *state, const char *outcome,
                       int64_t now_ms, char *err, size_t errlen);

/*
 * In one transaction: attempt id ended (outcome "scheduled attempt N") and the next attempt
 * stored as pending, as in store_retry_add; *next_id (may be NULL) gets its id. Errors as in
 * store_retry_finish and store_retry_add; nothing is changed on error.
 */
int store_retry_next(struct store *st, int64_t id, const struct store_retry *next, int64_t now_ms,
                     int64_t *next_id, char *err, size_t errlen);

/* Attempt id into *out. DT_ENOTFOUND, DT_EDB; *out is then zeroed. */
int store_retry_get(struct store *st, int64_t id, struct store_retry *out, char *err,
                    size_t errlen);

/*
 * The open attempts (pending or placed), earliest due first, at most STORE_RETRY_OPEN_MAX,
 * into *rows (the caller's to free; NULL when *n is 0). Errors: DT_EDB; *rows NULL, *n 0.
 */
int store_retry_open(struct store *st, struct store_retry **rows, size_t *n, char *err,
                     size_t errlen);

#endif
