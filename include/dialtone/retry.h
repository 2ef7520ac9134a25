/*
 * retry: what to do after an outbound attempt failed, decided from the error dictionary's entry
 * for the failure (dialtone/errors.h), the attempt's number and the [retry] policy. Pure: no
 * clock, no I/O; the caller passes the time and acts on the answer.
 */
#ifndef DIALTONE_RETRY_H
#define DIALTONE_RETRY_H

#include <stdint.h>

#include "dialtone/errors.h"

#define RETRY_MAX_ATTEMPTS 20 /* the highest max_attempts accepted */

/* The [retry] policy. delay and busy_callback in seconds; max_attempts counts every attempt,
 * the first included (1: never retry). busy_callback 0: a busy callee is not called back. */
struct retry_config {
    int delay;
    int max_attempts;
    int busy_callback;
};

enum retry_verdict {
    RETRY_NEVER = 0, /* leave it: reason says why */
    RETRY_AGAIN,     /* dial again, unchanged, at at_ms */
    RETRY_CALLBACK   /* the callee was busy: call back at at_ms */
};

struct retry_decision {
    enum retry_verdict verdict;
    int64_t at_ms;      /* when to dial next; 0 with RETRY_NEVER */
    const char *reason; /* static text: why ("retryable", "bad number", "declined", ...) */
};

/* The defaults: delay 60 s, 3 attempts, busy callback after 600 s. Cannot fail. */
void retry_config_defaults(struct retry_config *cfg);

/* Name of a verdict ("never", "retry", "callback"); static string. */
const char *retry_verdict_name(enum retry_verdict v);

/*
 * Decides after attempt number attempt (1 for the first) failed with the dictionary entry e,
 * at now_ms. Never retried: a bad number (flag or category), a decline, a cancel, an entry
 * that is not retryable, the last allowed attempt. Busy turns into a callback when
 * busy_callback is set. Errors: DT_EINVAL (NULL argument, attempt < 1, negative time, a policy
 * out of range: delay or busy_callback negative or over a day, max_attempts outside
 * 1-RETRY_MAX_ATTEMPTS); *out is then a RETRY_NEVER.
 */
int retry_decide(const struct errors_entry *e, int attempt, int64_t now_ms,
                 const struct retry_config *cfg, struct retry_decision *out);

#endif
