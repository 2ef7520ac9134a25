/*
 * errstats: the errors screen (F8) as plain data. errstats_parse reads the daemon's answer to
 * GET /api/v1/errors (README, "Errors screen") into fixed-size tables, every string through
 * tx_sanitize; errstats_sparkline draws an hourly trend in block characters (or ASCII). No
 * curses, no network. struct errstats is what the console's model keeps: the figures, the
 * range shown, the selection and the timing of the next fetch.
 */
#ifndef DIALTONE_CONSOLE_ERRSTATS_H
#define DIALTONE_CONSOLE_ERRSTATS_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "dialtone/errors.h"

#define ERRSTATS_CODES_MAX    32
#define ERRSTATS_BUCKETS_MAX  192 /* 7 x 24 hours, and a change of the clocks */
#define ERRSTATS_WORD_SIZE    32
#define ERRSTATS_MESSAGE_SIZE 256
#define ERRSTATS_ACTION_SIZE  256
#define ERRSTATS_TEXT_SIZE    256
#define ERRSTATS_COUNT_MAX    1000000000000LL /* counts are capped here */
#define ERRSTATS_REFRESH_MS   30000           /* fetched again this often while open */
#define ERRSTATS_STUCK_MS     30000 /* a fetch unanswered this long no longer holds the next */

/* The outcomes counted apart, in this order. */
enum errstats_outcome {
    ERRSTATS_BUSY,
    ERRSTATS_NO_ANSWER,
    ERRSTATS_FAILED,
    ERRSTATS_CANCELED,
    ERRSTATS_OUTCOMES
};

struct errstats_code {
    int code;
    int64_t count;
    enum errors_category category; /* DT_ERRCAT_OTHER for one the console does not know */
    char category_label[ERRSTATS_WORD_SIZE];
    char message[ERRSTATS_MESSAGE_SIZE]; /* Twilio's message, "" unknown */
    char action[ERRSTATS_ACTION_SIZE];   /* what to do, "" unknown */
    int retryable, bad_number;
    int64_t trend[ERRSTATS_BUCKETS_MAX]; /* calls per hour from the range's start */
    size_t n_trend;
};

/* One answer of GET /api/v1/errors. Lists longer than their maximum are cut. */
struct errstats_data {
    int week; /* 1: the seven days ("7d"), 0: today */
    char timezone[ERRSTATS_WORD_SIZE * 2];
    int64_t from_ms, to_ms;
    struct errstats_code codes[ERRSTATS_CODES_MAX];
    size_t n_codes;
    int64_t outcomes[ERRSTATS_OUTCOMES];
};

/* What the console keeps: the figures and the screen's own state. */
struct errstats {
    struct errstats_data data;
    int loaded;                       /* one answer came */
    int week;                         /* the range asked for: 1 seven days, 0 today */
    char message[ERRSTATS_TEXT_SIZE]; /* why the last fetch failed, "" none */
    size_t sel;                       /* the selected code */
    int asking;                       /* a fetch is in flight */
    uint64_t asked_mono_ms;           /* when the last fetch was sent (monotonic), 0 never */
};

/* The outcome's name as the daemon spells it ("no-answer"); NULL out of range. */
const char *errstats_outcome_name(enum errstats_outcome o);

/*
 * Reads an errors answer (borrowed) into *out (overwritten). Missing or malformed counts read
 * as 0, negative ones as 0 and huge ones as ERRSTATS_COUNT_MAX; codes outside 1-999999 are
 * skipped; an unknown category reads as "other"; strings are sanitized and cut. 0, or
 * DT_EINVAL when body is not an object with an array "codes" (err says so; *out is empty).
 */
int errstats_parse(const cJSON *body, struct errstats_data *out, char *err, size_t errlen);
/* errstats_parse of JSON text (len bytes, NUL not needed): DT_EINVAL also for text that is
 * not JSON or holds a NUL. */
int errstats_parse_text(const char *text, size_t len, struct errstats_data *out, char *err,
                        size_t errlen);

/*
 * The levels of a sparkline of n counts in at most width columns: the counts summed into
 * min(n, width) columns of (near) equal spans, each column's level 0 when its sum is 0, else
 * ceil(7 * sum / largest sum), so the largest gets 7 and a small nonzero one 1 at least.
 * Writes the levels into levels (width entries at most) and returns the columns, 0 when n or
 * width is 0.
 */
size_t errstats_spark_levels(const int64_t *counts, size_t n, size_t width, unsigned char *levels);

/*
 * The sparkline as text into out (outsz bytes, always NUL-terminated): one character per
 * column, the block characters U+2581-U+2588 when utf8 (level 0 is the lowest block), else
 * ASCII "_.:-=+*#". Stops before a character that does not fit. Returns out.
 */
char *errstats_sparkline(const int64_t *counts, size_t n, size_t width, int utf8, char *out,
                         size_t outsz);

/* Checks the invariants (counts within caps, every string NUL-terminated and clean). 0, or
 * DT_EINVAL with the first broken one in err. For tests and the fuzz target. */
int errstats_check(const struct errstats *e, char *err, size_t errlen);

#endif
