/*
 * report_json: the reports over the stored calls (dialtone/store_report*.h) as JSON documents,
 * built in one place for `dialtone report NAME --format json` and for the daemon's
 * GET /api/v1/reports/NAME, so both answer the same figures in the same shape. Also the local
 * dates ("YYYY-MM-DD", today, yesterday) both turn into a report's range.
 */
#ifndef DIALTONE_REPORT_JSON_H
#define DIALTONE_REPORT_JSON_H

#include <stddef.h>
#include <stdint.h>

struct cJSON;
struct config_zone;
struct store_report;
struct store_report_failure;

#define REPORT_JSON_TOP_DEFAULT 10 /* error codes the errors report lists unless told */

/* What a report is asked over: [from_ms, to_ms), the zone of its days and hours (NULL: UTC),
 * for the errors report the number of codes (1 to STORE_REPORT_TOP_MAX), and for the failures
 * and errors reports whose calls: the customers' (legs 0) or the legs' alone (legs 1: an
 * agent's, a supervisor's, a transfer party's, STORE_REPORT_LEGS). */
struct report_json_range {
    const struct config_zone *zone;
    int64_t from_ms, to_ms;
    size_t top;
    int legs;
};

/* 1 when report name can be asked for the legs (failures, errors), else 0. */
int report_json_has_legs(const char *name);

/* The i-th report's name ("failures", "answer-rate", "errors", "cost-by-day", "cost-by-queue",
 * "agents"), NULL past the last. Static string. */
const char *report_json_name(size_t i);

/* 1 when name is a report's name, else 0. */
int report_json_known(const char *name);

/*
 * Builds report name over rg from db into *out (new, the caller's to cJSON_Delete):
 * {"report", "from", "to", "first_day", "last_day", ...}: the range as UTC instants and as the
 * local dates it covers, ("legs": true for the legs' figures), then the report's rows and totals
 * (README, "Reports and export"). Errors: DT_EINVAL (unknown name, bad top or range, legs asked of
 * a report without them), DT_ETOOBIG (more rows than a report returns), DT_EDB;
 * detail in err, *out NULL.
 */
int report_json_build(struct store_report *db, const char *name, const struct report_json_range *rg,
                      struct cJSON **out, char *err, size_t errlen);

/* A failure reason in words: the dictionary's message for its code, the SIP response's reason,
 * or "no error code". Static string, never NULL. */
const char *report_json_failure_message(const struct store_report_failure *f);

/* 10000-01-01T00:00:00Z: a day must end before it. */
#define REPORT_JSON_DAY_END_MAX_MS 253402300800000LL

/*
 * The local day named by s in zone (NULL: UTC) as [*start_ms, *end_ms): "YYYY-MM-DD", or
 * "today" and "yesterday" around now_ms. Errors: DT_EINVAL (not such a day, or a day that
 * starts before 1970 or ends after 9999 in UTC, whose bounds a report could not print, so
 * 1970-01-02 to 9999-12-30 are the days every zone has); outputs untouched or partial.
 */
int report_json_day(const struct config_zone *zone, const char *s, int64_t now_ms,
                    int64_t *start_ms, int64_t *end_ms);

/* ms since the epoch as "YYYY-MM-DDTHH:MM:SSZ" (UTC) into buf (at least 24 bytes); "" for
 * negative ms or a buffer too small. */
void report_json_time(int64_t ms, char *buf, size_t len);

#endif
