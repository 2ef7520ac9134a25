/*
 * report_common: options, configuration, dates and the database for `dialtone report` and
 * `dialtone export`. See report_common.h.
 */
#include "cmd/report_common.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "dialtone/report_json.h"
#include "dialtone/util.h"

#define DEFAULT_CONFIG "dialtone.conf"

static const struct option report_options[] = {
    {.name = "from", .has_arg = required_argument, .val = 'f'},
    {.name = "to", .has_arg = required_argument, .val = 't'},
    {.name = "format", .has_arg = required_argument, .val = 'F'},
    {.name = "config", .has_arg = required_argument, .val = 'c'},
    {.name = "output", .has_arg = required_argument, .val = 'o'},
    {.name = "top", .has_arg = required_argument, .val = 'n'},
    {.name = "legs", .has_arg = no_argument, .val = 'L'},
    {.name = "help", .has_arg = no_argument, .val = 'h'},
    {.name = NULL},
};

int report_parse(const struct cmd_entry *e, int argc, char **argv, int want_name, int with_output,
                 int with_top, void (*help)(void), struct report_opts *o)
{
    *o = (struct report_opts){0};
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":c:o:h", report_options, NULL)) != -1) {
        const char **slot = NULL;
        switch (c) {
        case 'f':
            slot = &o->from;
            break;
        case 't':
            slot = &o->to;
            break;
        case 'F':
            slot = &o->format;
            break;
        case 'c':
            slot = &o->config;
            break;
        case 'o':
            if (!with_output)
                return cmd_usage_error(e, "--output goes with export only");
            slot = &o->output;
            break;
        case 'n':
            if (!with_top)
                return cmd_usage_error(e, "--top goes with the errors report only");
            slot = &o->top;
            break;
        case 'L':
            if (!with_top)
                return cmd_usage_error(e, "--legs goes with the failures and errors reports only");
            o->legs = 1;
            continue;
        case 'h':
            help();
            return 0;
        case ':':
            return cmd_usage_error(e, "%s needs a value", argv[optind - 1]);
        default:
            return cmd_usage_error(e, "unknown option '%s'", argv[optind - 1]);
        }
        if (*slot)
            return cmd_usage_error(e, "%s given twice", argv[optind - 1]);
        *slot = optarg;
    }
    int operands = argc - optind;
    if (operands != (want_name ? 1 : 0))
        return cmd_usage_error(e, want_name ? "one report NAME is needed" : "no operand expected");
    if (want_name)
        o->name = argv[optind];
    if (!o->from || !o->to)
        return cmd_usage_error(e, "--from and --to are needed");
    return -1;
}

int report_format_parse(const char *s, enum report_format dflt, const char *allowed)
{
    static const char *const names[] = {
        [REPORT_TABLE] = "table", [REPORT_CSV] = "csv", [REPORT_JSON] = "json"};
    if (!s)
        return (int)dflt;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *hit = strstr(allowed, names[i]);
        if (strcmp(s, names[i]) == 0 && hit)
            return (int)i;
    }
    return -1;
}

static int load_config(struct config *cfg, const char *path, char *err, size_t errlen)
{
    struct stat sb;
    int rc = DT_OK;
    if (path || stat(DEFAULT_CONFIG, &sb) == 0)
        rc = config_load_file(cfg, path ? path : DEFAULT_CONFIG, err, errlen);
    if (rc == DT_OK)
        rc = config_apply_env(cfg, config_getenv, NULL, err, errlen);
    return rc;
}

/* The local day named by s: [*start, *end). */
static int day_of(const struct config_zone *zone, const char *s, int64_t *start, int64_t *end)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return report_json_day(zone, s, (int64_t)ts.tv_sec * 1000, start, end);
}

int report_ctx_open(struct report_ctx *ctx, const struct report_opts *o, char *err, size_t errlen)
{
    memset(ctx, 0, sizeof *ctx);
    config_init(&ctx->cfg);
    int rc = load_config(&ctx->cfg, o->config, err, errlen);
    if (rc != DT_OK)
        return rc == DT_EINVAL ? DT_EIO : rc; /* a bad file is no usage error */
    ctx->zone = config_wallboard_zone(&ctx->cfg);
    int64_t s, e;
    if (day_of(ctx->zone, o->from, &ctx->from_ms, &e) != DT_OK)
        return dt_seterr(err, errlen, DT_EINVAL,
                         "--from '%s' is not a date from 1970-01-02 to "
                         "9999-12-30 (YYYY-MM-DD)",
                         o->from);
    if (day_of(ctx->zone, o->to, &s, &ctx->to_ms) != DT_OK)
        return dt_seterr(err, errlen, DT_EINVAL,
                         "--to '%s' is not a date from 1970-01-02 to "
                         "9999-12-30 (YYYY-MM-DD)",
                         o->to);
    if (ctx->to_ms <= ctx->from_ms)
        return dt_seterr(err, errlen, DT_EINVAL, "--to %s is before --from %s", o->to, o->from);
    return store_report_open(ctx->cfg.server.database, &ctx->db, err, errlen);
}

void report_ctx_done(struct report_ctx *ctx)
{
    store_report_close(ctx->db);
    ctx->db = NULL;
    config_done(&ctx->cfg);
}

void report_iso_time(int64_t ms, char *buf, size_t len)
{
    report_json_time(ms, buf, len);
}
