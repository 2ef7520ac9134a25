/*
 * report_common: what `dialtone report` and `dialtone export` share: their options, the
 * configuration naming the database (as `dialtone agent` reads it), the report's time zone,
 * local dates turned into a range, and the database opened read-only.
 */
#ifndef DIALTONE_CMD_REPORT_COMMON_H
#define DIALTONE_CMD_REPORT_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "cmd/cmd.h"
#include "dialtone/config.h"
#include "dialtone/store_report.h"

enum report_format { REPORT_TABLE, REPORT_CSV, REPORT_JSON };

struct report_opts {
    const char *name; /* the report's NAME operand; NULL for export */
    const char *from, *to, *format, *config, *output, *top;
    int legs; /* --legs: the legs' failures or errors instead of the customers' calls' */
};

/* An open report: held by value, report_ctx_done. */
struct report_ctx {
    struct config cfg;
    const struct config_zone *zone; /* borrowed from cfg; NULL: UTC */
    struct store_report *db;
    int64_t from_ms, to_ms; /* [from, to): from's first instant to the end of to's day */
    enum report_format format;
};

/*
 * Parses argv for entry e (options --from, --to, --format, --config, and --output with
 * with_output, --top and --legs with with_top (the reports); operands into o->name when one is
 * wanted). Returns -1 to go on, else the exit status (0 after --help, printed by help(), 2 on a
 * usage error).
 */
int report_parse(const struct cmd_entry *e, int argc, char **argv, int want_name, int with_output,
                 int with_top, void (*help)(void), struct report_opts *o);

/* The format named by s (NULL: dflt); -1 for a name not in allowed ("table,csv,json"). */
int report_format_parse(const char *s, enum report_format dflt, const char *allowed);

/*
 * Loads the configuration, its zone, the range (DATE is YYYY-MM-DD, today or yesterday, local
 * in the zone; to is included whole) and opens the database read-only. DT_EINVAL on a bad
 * date (usage), else DT_* with the reason in err. ctx must be report_ctx_done'd either way.
 */
int report_ctx_open(struct report_ctx *ctx, const struct report_opts *o, char *err, size_t errlen);
void report_ctx_done(struct report_ctx *ctx);

/* ms since the epoch as "YYYY-MM-DDTHH:MM:SSZ" (UTC) into buf (at least 24 bytes); "" for
 * negative ms. */
void report_iso_time(int64_t ms, char *buf, size_t len);

#endif
