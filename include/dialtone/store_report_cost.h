/*
 * store_report_cost: what the stored calls cost, read-only beside store_report: by local day,
 * by queue, and the cost per successful call. A call's cost is its price as Twilio gives it
 * (negative, "-0.01300") turned positive; every row with a price counts, legs included (each
 * is billed), and a leg's cost goes to its parent call's queue.
 */
#ifndef DIALTONE_STORE_REPORT_COST_H
#define DIALTONE_STORE_REPORT_COST_H

#include <stddef.h>
#include <stdint.h>

#include "dialtone/store_report.h"

#define STORE_REPORT_COST_ROWS_MAX 4096 /* most days or queues a cost report returns */

/*
 * One day's or one queue's figures. calls counts the calls (rows without a parent) created in
 * the range; successful those answered (by an agent when queued: its QueueResult; else
 * completed); priced the rows (calls and legs) with a price; cost_micros their cost in
 * millionths of unit (the first price unit seen; "" with none).
 */
struct store_report_cost {
    char key[72]; /* "YYYY-MM-DD" local day, or the queue's name ("" for none) */
    char unit[8];
    int64_t calls, successful, priced, billable_s, cost_micros;
};

/*
 * The rows created in [from_ms, to_ms), grouped by the local day (zone NULL: UTC) of their
 * creation, oldest first. *rows (the caller's to free; NULL when *n is 0) gets *n rows.
 * Errors: DT_EINVAL (to before from), DT_ETOOBIG (over STORE_REPORT_COST_ROWS_MAX groups),
 * DT_EDB; *rows NULL and *n 0.
 */
int store_report_cost_by_day(struct store_report *r, const struct config_zone *zone,
                             int64_t from_ms, int64_t to_ms, struct store_report_cost **rows,
                             size_t *n, char *err, size_t errlen);

/* As store_report_cost_by_day, grouped by queue (a leg: its parent's), costliest first, ties
 * by name. */
int store_report_cost_by_queue(struct store_report *r, int64_t from_ms, int64_t to_ms,
                               struct store_report_cost **rows, size_t *n, char *err,
                               size_t errlen);

/*
 * Into *micros the cost of every row (calls and legs) created in [from_ms, to_ms) that has a
 * price, in millionths of its unit. Errors: DT_EINVAL (to before from), DT_EDB; *micros 0.
 */
int store_report_cost_total(struct store_report *r, int64_t from_ms, int64_t to_ms, int64_t *micros,
                            char *err, size_t errlen);

/* The cost per successful call of a row in millionths; -1 when it had no successful call. */
int64_t store_report_cost_per_success(const struct store_report_cost *c);

#endif
