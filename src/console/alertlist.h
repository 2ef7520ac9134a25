/*
 * alertlist: the supervisors' alerts screen as plain data: the rules firing now and the
 * latest transitions (fired or cleared), newest first, as GET /api/v1/alerts answers them and
 * as alert.fired and alert.cleared change them (README, "Alerts"). No curses, no network, no
 * JSON: the reducer (reducer_alerts.c) reads the daemon's messages into these rows, every
 * string through tx_sanitize, and keeps the lists here consistent with alertlist_fire.
 */
#ifndef DIALTONE_CONSOLE_ALERTLIST_H
#define DIALTONE_CONSOLE_ALERTLIST_H

#include <stddef.h>
#include <stdint.h>

#define ALERTLIST_FIRING_MAX 32   /* rules firing at once (the daemon has far fewer) */
#define ALERTLIST_RECENT_MAX 50   /* transitions kept, as the daemon lists */
#define ALERTLIST_RULE_SIZE  64   /* a rule's name */
#define ALERTLIST_WORD_SIZE  32   /* a rule's kind */
#define ALERTLIST_TEXT_SIZE  256  /* a message; why a fetch failed */
#define ALERTLIST_VALUE_MAX  1e15 /* values are clamped to +/- this */

/* A rule firing now. */
struct alertlist_firing {
    char rule[ALERTLIST_RULE_SIZE];
    char kind[ALERTLIST_WORD_SIZE];
    int64_t since_ms; /* wall ms it fired, 0 unknown */
    char message[ALERTLIST_TEXT_SIZE];
};

/* A transition: a rule fired or cleared. */
struct alertlist_change {
    int64_t at_ms; /* wall ms, 0 unknown */
    int fired;     /* 1 fired, 0 cleared */
    char rule[ALERTLIST_RULE_SIZE];
    char kind[ALERTLIST_WORD_SIZE];
    double value; /* the rule's figure then, clamped */
    char message[ALERTLIST_TEXT_SIZE];
};

/* Where a list's fetch stands (the alerts', the bad numbers'). */
struct alertlist_fetch {
    int loaded;             /* an answer came */
    int asking;             /* a fetch is in flight */
    int due;                /* fetch when possible: (re)connected, or an event came while a
                               fetch was in flight */
    uint64_t asked_mono_ms; /* when the last fetch went out (monotonic), 0 never */
};

/* What the console keeps: the lists and the screen's own state. */
struct alertlist {
    struct alertlist_firing firing[ALERTLIST_FIRING_MAX];
    size_t n_firing;
    struct alertlist_change recent[ALERTLIST_RECENT_MAX]; /* newest first */
    size_t n_recent;
    size_t sel; /* the selected transition (the list scrolls with it) */
    struct alertlist_fetch fetch;
    char message[ALERTLIST_TEXT_SIZE]; /* why the last fetch failed, "" none */
};

/*
 * Applies a transition (borrowed; its strings already sanitized) to the lists: it goes first
 * in recent (the oldest drops out when full); a fired rule enters the firing list, or has its
 * since and message replaced when it is there already; a cleared one leaves it. A change
 * with an empty rule is ignored. Returns 1 when the lists changed.
 */
int alertlist_fire(struct alertlist *a, const struct alertlist_change *c);

/* Empties both lists (before an answer fills them again); the screen's state stays. */
void alertlist_clear(struct alertlist *a);

/* value clamped to [-ALERTLIST_VALUE_MAX, ALERTLIST_VALUE_MAX]; NaN reads as 0. */
double alertlist_clamp(double value);

/* Checks the invariants (counts within caps, selection in range, every string terminated and
 * clean). 0, or DT_EINVAL with the first broken one in err. For tests and model_check. */
int alertlist_check(const struct alertlist *a, char *err, size_t errlen);

#endif
