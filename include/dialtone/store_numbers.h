/*
 * store_numbers: numbers under review (schema 8: numbers). A number is flagged when a call to
 * it fails with a bad-number code, or fails a number of times in a row; a reviewer marks it
 * fixed (with its replacement) or do-not-call. Also the link from an automatic retry's call to
 * its first attempt (call_retries). Errors as in dialtone/store.h.
 */
#ifndef DIALTONE_STORE_NUMBERS_H
#define DIALTONE_STORE_NUMBERS_H

#include <stddef.h>
#include <stdint.h>

#include "dialtone/store.h"

#define STORE_NUMBERS_TEXT_MAX 256 /* bytes of a number, reason or reviewer */

/* A number's record; strings owned (store_number_done). state: "ok" (failures counted, not
 * flagged), "flagged", "fixed" or "dnc"; reviewer and replacement "" when unset. */
struct store_number {
    char *number, *state, *reason, *reviewer, *replacement;
    int code;
    int64_t first_ms, last_ms, reviewed_ms;
    int count, in_row;
};

/*
 * Records a failed call to number with error code at at_ms: counts it, and flags the number
 * (unless it is do-not-call) when bad_number is set or when this makes in_row failures in a
 * row reach threshold (0: never by count). *flagged (may be NULL) is 1 when this call flagged
 * it (it was not flagged before). Errors: DT_EINVAL (empty number, negative time or
 * threshold), DT_ETOOBIG, DT_EDB.
 */
int store_number_failed(struct store *st, const char *number, int code, int bad_number,
                        int threshold, int64_t at_ms, int *flagged, char *err, size_t errlen);

/* A call to number went through: its failures in a row start again from 0 (the state stays).
 * A number never seen is fine. Errors: DT_EINVAL, DT_ETOOBIG, DT_EDB. */
int store_number_succeeded(struct store *st, const char *number, char *err, size_t errlen);

/* The record of number into *out (store_number_done). DT_ENOTFOUND when never seen; DT_EINVAL,
 * DT_ETOOBIG, DT_EDB; *out is then zeroed. */
int store_number_get(struct store *st, const char *number, struct store_number *out, char *err,
                     size_t errlen);

/* Frees what n owns; NULL is fine. */
void store_number_done(struct store_number *n);

struct store_number_list {
    struct store_number *items;
    size_t count;
};

/* The flagged numbers (up to limit, 1-1000), latest failure first, into *out
 * (store_number_list_done). Errors: DT_EINVAL, DT_EDB; *out is then empty. */
int store_number_flagged(struct store *st, size_t limit, struct store_number_list *out, char *err,
                         size_t errlen);

/* Frees what l owns and empties it; NULL is fine. */
void store_number_list_done(struct store_number_list *l);

/*
 * A review of number by reviewer at at_ms: action "fixed" (replacement required, a different
 * number) or "dnc" (replacement ignored). Errors: DT_ENOTFOUND (never seen), DT_EINVAL (an
 * unknown action, a missing replacement, empty reviewer), DT_ETOOBIG, DT_EDB.
 */
int store_number_review(struct store *st, const char *number, const char *action,
                        const char *replacement, const char *reviewer, int64_t at_ms, char *err,
                        size_t errlen);

/* Whether number is do-not-call: 1 yes, 0 no (or never seen), negative DT_E* on error. */
int store_number_is_dnc(struct store *st, const char *number, char *err, size_t errlen);

/* Links the retry call sid (attempt 2 and up) to the first attempt's call first_sid. Errors:
 * DT_EINVAL (empty sid, attempt < 2, negative time), DT_ETOOBIG, DT_EEXIST (sid already
 * linked), DT_EDB. */
int store_retry_link(struct store *st, const char *sid, const char *first_sid, int attempt,
                     int64_t at_ms, char *err, size_t errlen);

/* The first attempt's sid of the retry sid into first (size firstlen) and its attempt number
 * into *attempt (may be NULL). DT_ENOTFOUND when sid is not a retry; DT_EINVAL, DT_EDB. */
int store_retry_first(struct store *st, const char *sid, char *first, size_t firstlen, int *attempt,
                      char *err, size_t errlen);

#endif
