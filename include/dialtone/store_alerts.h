/*
 * store_alerts: the alert transitions the daemon stores (schema 7: alerts), each rule firing or
 * clearing with its figure and message, and the latest of them read back for the alerts list.
 * Errors as in dialtone/store.h.
 */
#ifndef DIALTONE_STORE_ALERTS_H
#define DIALTONE_STORE_ALERTS_H

#include <stddef.h>
#include <stdint.h>

#include "dialtone/store.h"

#define STORE_ALERTS_TEXT_MAX   256 /* bytes of a rule, kind or message */
#define STORE_ALERTS_LATEST_MAX 256 /* most rules store_alert_latest returns */

/* One transition; strings borrowed when given to store_alert_add, owned by a list else. */
struct store_alert {
    int64_t id;
    char *rule, *kind;
    int firing; /* 1 fired, 0 cleared */
    int64_t at_ms;
    double value;
    char *message;
};

/* Appends a transition; *id (may be NULL) gets its id. Errors: DT_EINVAL (empty rule or kind,
 * negative time, a value that is not finite), DT_ETOOBIG (a text over STORE_ALERTS_TEXT_MAX),
 * DT_EDB. */
int store_alert_add(struct store *st, const char *rule, const char *kind, int firing, int64_t at_ms,
                    double value, const char *message, int64_t *id, char *err, size_t errlen);

struct store_alert_list {
    struct store_alert *items;
    size_t count;
};

/* The latest limit transitions (1-1000), newest first, into *out (store_alert_list_done).
 * Errors: DT_EINVAL (limit out of range), DT_EDB; *out is then empty. */
int store_alert_recent(struct store *st, size_t limit, struct store_alert_list *out, char *err,
                       size_t errlen);

/* The latest transition of each rule ever stored (at most STORE_ALERTS_LATEST_MAX rules, by
 * name), into *out (store_alert_list_done): what a restart puts the rules back to. Errors:
 * DT_EDB; *out is then empty. */
int store_alert_latest(struct store *st, struct store_alert_list *out, char *err, size_t errlen);

/* Frees what l owns and empties it; NULL is fine. */
void store_alert_list_done(struct store_alert_list *l);

#endif
