/*
 * reports: the reports screen (F11, `:reports`) as plain data. reports_parse reads the daemon's
 * answer to GET /api/v1/reports/NAME (README, "Reports and export") into fixed-size tables,
 * every string through tx_sanitize; money is kept in millionths of its unit. No curses, no
 * network. struct reports is what the console's model keeps: the figures, the report and the
 * range asked for, the scroll position and the fetch in flight.
 */
#ifndef DIALTONE_CONSOLE_REPORTS_H
#define DIALTONE_CONSOLE_REPORTS_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#define REPORTS_ROWS_MAX  400             /* rows kept: a year of days, and more; the rest is cut */
#define REPORTS_KEY_SIZE  136             /* a day, a queue's or an agent's name */
#define REPORTS_WORD_SIZE 32              /* statuses, categories, units, dates */
#define REPORTS_TEXT_SIZE 256             /* messages */
#define REPORTS_COUNT_MAX 1000000000000LL /* counts are capped here */
#define REPORTS_MONEY_MAX 1000000000000000LL /* a billion in millionths: amounts are capped */
#define REPORTS_DATE_SIZE 11                 /* "YYYY-MM-DD" */
#define REPORTS_CHROME    9 /* terminal rows that are not table rows (bars, titles, totals) */

/* The reports the screen shows, in the order of their number keys (1-5). */
enum reports_kind {
    REPORTS_ANSWER_RATE,
    REPORTS_FAILURES,
    REPORTS_COST_DAY,
    REPORTS_COST_QUEUE,
    REPORTS_AGENTS,
    REPORTS_KINDS
};

/* The days asked for: named (the daemon reads them in its zone), or two dates typed. */
enum reports_range {
    REPORTS_TODAY,
    REPORTS_YESTERDAY,
    REPORTS_WEEK,  /* the seven days ending today */
    REPORTS_MONTH, /* this month, to today */
    REPORTS_DATES, /* from and to as typed (`:report NAME FROM TO`) */
    REPORTS_RANGES
};

struct reports_hour {
    int64_t calls, answered;
};

struct reports_failure {
    char status[REPORTS_WORD_SIZE];
    int code, sip_code; /* 0 none */
    char category[REPORTS_WORD_SIZE];
    int64_t count;
    char message[REPORTS_TEXT_SIZE];
};

/* A day's or a queue's cost; money in millionths of unit, -1 when there is none. */
struct reports_cost {
    char key[REPORTS_KEY_SIZE]; /* "YYYY-MM-DD", a queue's name, "" for calls without one */
    int64_t calls, successful, priced;
    int64_t cost, per_success;
    char unit[REPORTS_WORD_SIZE];
};

struct reports_agent {
    char name[REPORTS_KEY_SIZE];
    int64_t calls, handled, aht_calls, missed, declined;
    int64_t aht_ms; /* average handle time, -1 when none */
};

/* One answer. Only the table of kind is filled. */
struct reports_data {
    enum reports_kind kind;
    char first_day[REPORTS_DATE_SIZE], last_day[REPORTS_DATE_SIZE]; /* "" unknown */
    size_t n;                  /* rows of kind's table (24 for the hours) */
    int cut;                   /* 1: the daemon sent more rows than REPORTS_ROWS_MAX */
    int64_t calls;             /* answer rate: calls; costs: calls; failures: the failed ones */
    int64_t answered;          /* answer rate: answered; costs: successful */
    struct reports_cost total; /* costs: the whole range ("" key) */
    struct reports_hour hours[24];
    struct reports_failure failures[REPORTS_ROWS_MAX];
    struct reports_cost costs[REPORTS_ROWS_MAX];
    struct reports_agent agents[REPORTS_ROWS_MAX];
};

/* What the console keeps. */
struct reports {
    struct reports_data data;
    int loaded;                   /* data answers the report and range shown */
    enum reports_kind kind;       /* the report asked for */
    enum reports_range range;     /* the days asked for */
    char from[REPORTS_DATE_SIZE]; /* with REPORTS_DATES: the dates typed */
    char to[REPORTS_DATE_SIZE];
    char message[REPORTS_TEXT_SIZE]; /* why the last fetch failed, "" none */
    int asking;                      /* a fetch is in flight */
    unsigned gen;                    /* numbers fetches: an older one's answer is dropped */
    size_t scroll;                   /* the first table row shown */
};

/* The report's name as the daemon spells it ("answer-rate"), its title ("Answer rate") and
 * its short tab label ("Answers"); NULL out of range. Static strings. */
const char *reports_name(enum reports_kind k);
const char *reports_title(enum reports_kind k);
/* The kind named name (the daemon's spelling), or -1. */
int reports_kind_from_name(const char *name);

/* The range's words ("today", "the last 7 days"); NULL out of range. Static. */
const char *reports_range_label(enum reports_range r);

/* 1 when s is a date the daemon reads: "YYYY-MM-DD" (digits where digits go; the daemon
 * checks the calendar), "today" or "yesterday". */
int reports_date_ok(const char *s);

/*
 * The request's path and query for r's report and range into out (n bytes): "/api/v1/reports/
 * answer-rate?range=7d" or "...?from=2026-03-01&to=2026-03-05". 0, or DT_ETOOBIG when it does
 * not fit, DT_EINVAL for a kind or range out of range or dates that reports_date_ok refuses.
 */
int reports_path(const struct reports *r, char *out, size_t n);

/*
 * Reads a reports answer (borrowed) for kind into *out (overwritten). Missing or malformed
 * numbers read as 0 (money and handle times as none), negative ones as 0, huge ones as the
 * caps; strings are sanitized and cut; rows past REPORTS_ROWS_MAX are dropped (cut set).
 * 0, or DT_EINVAL when body is not an object naming report kind with its table (err says
 * so; *out is empty).
 */
int reports_parse(const cJSON *body, enum reports_kind kind, struct reports_data *out, char *err,
                  size_t errlen);
/* reports_parse of JSON text (len bytes, NUL not needed): DT_EINVAL also for text that is not
 * JSON or holds a NUL. */
int reports_parse_text(const char *text, size_t len, enum reports_kind kind,
                       struct reports_data *out, char *err, size_t errlen);

/* Table rows that fit on a terminal of term_rows rows (at least 1). */
size_t reports_visible(int term_rows);

/* Millionths of unit as "12.3456 USD" (4 places) into buf; "-" for a negative amount. Returns
 * buf. */
char *reports_money(int64_t micros, const char *unit, char *buf, size_t n);

/* Checks the invariants (counts within caps, every string NUL-terminated and clean, the
 * selection of kind and range in range). 0, or DT_EINVAL with the first broken one in err. For
 * tests and the fuzz target. */
int reports_check(const struct reports *r, char *err, size_t errlen);

#endif
