/*
 * numlist: the supervisors' bad-number review screen as plain data: the numbers flagged for
 * review, latest failure first, as GET /api/v1/numbers/flagged answers them and as
 * number.flagged and number.reviewed change them (README, "Bad numbers and retries"), and the
 * review being typed or confirmed. No curses, no network, no JSON: reducer_numbers.c reads
 * the daemon's messages into these rows, every string through tx_sanitize.
 */
#ifndef DIALTONE_CONSOLE_NUMLIST_H
#define DIALTONE_CONSOLE_NUMLIST_H

#include <stddef.h>
#include <stdint.h>

#include "console/alertlist.h"

#define NUMLIST_MAX         200          /* rows kept (the daemon lists at most 200) */
#define NUMLIST_NUMBER_SIZE 24           /* an E.164 number: + and at most 15 digits */
#define NUMLIST_WORD_SIZE   32           /* a state; a badge's category */
#define NUMLIST_TEXT_SIZE   256          /* a reason; a message */
#define NUMLIST_INPUT_SIZE  64           /* the replacement as typed */
#define NUMLIST_COUNT_MAX   1000000000LL /* counts are capped here */

/* A number flagged for review. */
struct numlist_row {
    char number[NUMLIST_NUMBER_SIZE];
    char reason[NUMLIST_TEXT_SIZE];    /* "bad number", "3 failures in a row" */
    int code;                          /* the last failure's Twilio code, 0 none */
    int category;                      /* enum errors_category of code (dialtone/errors.h) */
    char badge[NUMLIST_WORD_SIZE + 8]; /* "13224 bad-number", "" when no code */
    int64_t count, in_row;             /* failures in all, and in a row */
    int64_t last_ms;                   /* wall ms of the last failure, 0 unknown */
};

/* What the review of the selected number is doing. */
enum numlist_mode {
    NUMLIST_IDLE,
    NUMLIST_INPUT,   /* `f`: the replacement number is being typed */
    NUMLIST_CONFIRM, /* `n`: do-not-call, asking y/n */
};

struct numlist {
    struct numlist_row rows[NUMLIST_MAX]; /* latest failure first */
    size_t n, sel;
    struct alertlist_fetch fetch;
    char message[NUMLIST_TEXT_SIZE]; /* why the last fetch failed, "" none */
    enum numlist_mode mode;
    char target[NUMLIST_NUMBER_SIZE];     /* the number under review (input, confirm) */
    char input[NUMLIST_INPUT_SIZE];       /* the replacement as typed */
    char input_msg[NUMLIST_TEXT_SIZE];    /* why the typed replacement is refused, "" none */
    char ask_number[NUMLIST_NUMBER_SIZE]; /* the review in flight, for its answer */
    char ask_repl[NUMLIST_NUMBER_SIZE];   /* its replacement, "" for do-not-call */
};

/* The row of number, or -1. */
int numlist_find(const struct numlist *l, const char *number);

/* Puts row (borrowed, strings already clean) first, removing an older row of the same
 * number; the last row drops out when the list is full. The selection stays on the number it
 * was on. */
void numlist_put(struct numlist *l, const struct numlist_row *row);

/* Removes number's row, if any; the selection stays in range. 1 when one was removed. */
int numlist_remove(struct numlist *l, const char *number);

/* Checks the invariants (counts within caps, selection in range, strings terminated and
 * clean, the mode with a target). 0, or DT_EINVAL with the first broken one in err. */
int numlist_check(const struct numlist *l, char *err, size_t errlen);

#endif
