/*
 * store_report: read-only queries over the stored calls for reports and export: failure
 * reasons, answer rate by hour of day, top error codes with an hourly trend, and the calls
 * themselves. It opens the daemon's database read-only (it never migrates or writes), so it
 * runs beside a daemon. Every query is a prepared statement bounded by [from_ms, to_ms) on the
 * calls' creation time. A customer's call is one call: the legs the daemon adds to it (an
 * agent's, a supervisor's, a transfer party's: rows with a parent_sid) are left out of the
 * calls' figures, and the failures and error codes can be asked for the legs alone.
 */
#ifndef DIALTONE_STORE_REPORT_H
#define DIALTONE_STORE_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "dialtone/errors.h"
#include "dialtone/util.h"

struct store_report;
struct config_zone;

#define STORE_REPORT_BUCKETS_MAX (24 * 62) /* hour buckets a trend may hold */
#define STORE_REPORT_TOP_MAX     100       /* most error codes a top list returns */

/*
 * Opens the database at path read-only (it must exist and hold the calls table). On success
 * *out is the caller's, for store_report_close. Errors: DT_EDB (cannot open, not a dialtone
 * database), with the reason in err; *out NULL.
 */
int store_report_open(const char *path, struct store_report **out, char *err, size_t errlen);

/* Closes r; NULL does nothing. */
void store_report_close(struct store_report *r);

/*
 * A failure reason: calls that ended busy, failed, no-answer or canceled, grouped by their
 * final status and code. code is the call's Twilio error code, else the code Twilio gives its
 * SIP response (errors_lookup_sip: 486 is 31486), else 0 (sip_code then says which SIP response,
 * or is 0 with none). category is the dictionary's for the code or SIP response, else the
 * status's own (busy, no-answer, canceled; other for failed).
 */
struct store_report_failure {
    char status[12];
    int code;
    int sip_code; /* 0 unless code is 0 and a SIP response is known */
    enum errors_category category;
    int64_t count;
};

/* What a failures or errors report counts: the customers' calls (rows without a parent), or
 * the legs alone (agents', supervisors' and transfer parties' legs: rows with a parent). */
enum store_report_scope { STORE_REPORT_CALLS = 0, STORE_REPORT_LEGS };

/*
 * The failure reasons of the calls created in [from_ms, to_ms), legs left out, most frequent
 * first (ties by status, then code). *rows (the caller's to free; NULL when *n is 0) gets *n
 * rows. Errors: DT_EINVAL (to before from), DT_EDB; *rows NULL and *n 0.
 */
int store_report_failures(struct store_report *r, int64_t from_ms, int64_t to_ms,
                          struct store_report_failure **rows, size_t *n, char *err, size_t errlen);

/* The same for scope: STORE_REPORT_CALLS as store_report_failures, STORE_REPORT_LEGS for the
 * legs alone. Errors as there, and DT_EINVAL for another scope. */
int store_report_failures_of(struct store_report *r, enum store_report_scope scope, int64_t from_ms,
                             int64_t to_ms, struct store_report_failure **rows, size_t *n,
                             char *err, size_t errlen);

/* Calls that ended, and those answered, in one hour of the day. */
struct store_report_hour {
    int64_t calls;
    int64_t answered;
};

/*
 * Answer rate by hour of day: for each call created in [from_ms, to_ms) that has ended
 * (completed, busy, failed, no-answer, canceled), hours[h] counts it at the local hour h of its
 * creation in zone (NULL: UTC), and as answered when an agent answered it (a call with a queue:
 * its QueueResult says so) or, without a queue, when it completed. Legs (an agent's or a
 * supervisor's leg of a call, a transfer's party: rows with a parent_sid) are not calls of
 * their own and are left out, or every answered call would count twice. Errors: DT_EINVAL,
 * DT_EDB; hours is then zeroed.
 */
int store_report_answer_rate(struct store_report *r, const struct config_zone *zone,
                             int64_t from_ms, int64_t to_ms, struct store_report_hour hours[24],
                             char *err, size_t errlen);

/* An error code with its count and its trend: trend[i] calls in the i-th hour of the range. */
struct store_report_error {
    int code;
    enum errors_category category;
    int64_t count;
    int64_t *trend; /* n_buckets counts, owned by the list */
};

/* The top error codes: store_report_errors_done. */
struct store_report_errors {
    struct store_report_error *rows;
    size_t n;
    size_t n_buckets; /* hours in the range, rounded up */
};

/*
 * The at most limit (1 to STORE_REPORT_TOP_MAX) most frequent error codes of the calls created
 * in [from_ms, to_ms) (legs left out), whatever their status, read as in store_report_failure (a
 * SIP response with no Twilio code is left out); most frequent first, ties by code. Each gets its
 * hourly counts from from_ms on. Errors: DT_EINVAL (bad limit, to before from), DT_ETOOBIG (over
 * STORE_REPORT_BUCKETS_MAX hours), DT_EDB; out is then empty.
 */
int store_report_errors(struct store_report *r, int64_t from_ms, int64_t to_ms, size_t limit,
                        struct store_report_errors *out, char *err, size_t errlen);

/* The same for scope (STORE_REPORT_LEGS: the legs' error codes alone). Errors as there, and
 * DT_EINVAL for another scope. */
int store_report_errors_of(struct store_report *r, enum store_report_scope scope, int64_t from_ms,
                           int64_t to_ms, size_t limit, struct store_report_errors *out, char *err,
                           size_t errlen);

/* Frees what out holds and empties it. */
void store_report_errors_done(struct store_report_errors *out);

/* A call for export. Strings borrowed for the callback's duration, NULL when absent; integers
 * STORE_REPORT_NONE when absent. */
#define STORE_REPORT_NONE (-1)
struct store_report_call {
    const char *sid, *parent_sid, *direction, *from, *to, *caller_name, *queue, *agent, *status;
    const char *error_message, *price, *price_unit, *recording_sid;
    int64_t error_code, sip_code, queue_time_s, duration_s;
    int64_t created_ms, answered_ms, ended_ms;
};

/* Called for each call; a nonzero return stops the walk and is returned. */
typedef int (*store_report_call_fn)(const struct store_report_call *c, void *ctx);

/*
 * Calls fn for every call created in [from_ms, to_ms), oldest first (ties by sid). Returns 0,
 * fn's nonzero return, DT_EINVAL or DT_EDB (detail in err).
 */
int store_report_calls(struct store_report *r, int64_t from_ms, int64_t to_ms,
                       store_report_call_fn fn, void *ctx, char *err, size_t errlen);

/*
 * Appends s (NULL: empty) as one CSV field per RFC 4180: quoted when it holds a comma, a
 * quote, CR or LF (quotes doubled). Other control bytes become spaces. A field starting with
 * = + - @ (or a tab) that is not a plain number gets a leading ' so that spreadsheets do not
 * run it as a formula; "+15551230000" and "-0.013" stay as they are.
 */
void store_report_csv_field(struct dt_buf *out, const char *s);

/*
 * The start of local day "YYYY-MM-DD" in zone (NULL: UTC) as ms since the epoch: the first
 * instant of that date there. Errors: DT_EINVAL (not such a date, year outside 1970-9999).
 */
int store_report_day_start(const struct config_zone *zone, const char *date, int64_t *ms);

#endif
