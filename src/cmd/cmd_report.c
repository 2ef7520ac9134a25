/*
 * dialtone report NAME --from DATE --to DATE [--format table|csv|json] [--config FILE]: a
 * report over the daemon's stored calls, read-only: failure reasons, answer rate by hour of
 * day, top error codes with an hourly trend, cost by day and by queue, agent performance.
 * Each report is a row of the table below.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/report_common.h"
#include "dialtone/report_json.h"
#include "dialtone/store_report_agents.h"
#include "dialtone/store_report_cost.h"
#include "dialtone/util.h"

#define ERRLEN      512
#define SPARK_WIDTH 48

struct report_def {
    const char *name, *summary;
    int (*run)(struct report_ctx *ctx, const struct report_opts *o, char *err, size_t errlen);
};

static int run_failures(struct report_ctx *ctx, const struct report_opts *o, char *err,
                        size_t errlen);
static int run_answer_rate(struct report_ctx *ctx, const struct report_opts *o, char *err,
                           size_t errlen);
static int run_errors(struct report_ctx *ctx, const struct report_opts *o, char *err,
                      size_t errlen);

static int run_cost_by_day(struct report_ctx *ctx, const struct report_opts *o, char *err,
                           size_t errlen);
static int run_cost_by_queue(struct report_ctx *ctx, const struct report_opts *o, char *err,
                             size_t errlen);

static int run_agents(struct report_ctx *ctx, const struct report_opts *o, char *err,
                      size_t errlen);

static const struct report_def reports[] = {
    {.name = "failures",
     .summary = "failed calls by final status and error code (--legs: of the legs)",
     .run = run_failures},
    {.name = "answer-rate",
     .summary = "calls that ended and were answered, by hour of day",
     .run = run_answer_rate},
    {.name = "errors",
     .summary = "top error codes (--top N, default 10), hourly trend (--legs: of the legs)",
     .run = run_errors},
    {.name = "cost-by-day",
     .summary = "what the calls cost each day, and per successful call",
     .run = run_cost_by_day},
    {.name = "cost-by-queue",
     .summary = "what the calls cost by queue, and per successful call",
     .run = run_cost_by_queue},
    {.name = "agents",
     .summary = "per agent: calls, handled, average handle time, missed offers",
     .run = run_agents},
};

#define NREPORTS (sizeof reports / sizeof reports[0])

static void print_help(void)
{
    printf("usage: dialtone report %s\n\nreports:\n", cmd_report_entry.args);
    for (size_t i = 0; i < NREPORTS; i++)
        printf("  %-12s %s\n", reports[i].name, reports[i].summary);
    printf("\nDATE is YYYY-MM-DD, today or yesterday, in the wallboard's time zone (else\n"
           "[hours]'); --to's day is included. The database is read, never written.\n"
           "  --legs              failures and errors of the legs the daemon adds to calls\n"
           "                      (agents', supervisors', transfer parties') instead of the\n"
           "                      customers' calls\n"
           "  -c, --config FILE   the configuration naming the database (default "
           "./dialtone.conf\n"
           "                      when it exists; DIALTONE_DB overrides it)\n");
}

/* --top's value (default REPORT_JSON_TOP_DEFAULT); 0 when it is not a number from 1 to the maximum.
 */
static long parse_top(const char *s)
{
    if (!s)
        return REPORT_JSON_TOP_DEFAULT;
    char *end;
    long top = strtol(s, &end, 10);
    return *end || end == s || top < 1 || top > STORE_REPORT_TOP_MAX ? 0 : top;
}

/* The report as JSON (report_json.h, shared with the daemon's API), printed. */
static int run_json(struct report_ctx *ctx, const struct report_opts *o, char *err, size_t errlen)
{
    struct report_json_range rg = {.zone = ctx->zone,
                                   .from_ms = ctx->from_ms,
                                   .to_ms = ctx->to_ms,
                                   .top = (size_t)parse_top(o->top),
                                   .legs = o->legs};
    cJSON *doc;
    int rc = report_json_build(ctx->db, o->name, &rg, &doc, err, errlen);
    if (rc != DT_OK)
        return rc;
    char *s = cJSON_Print(doc);
    puts(s);
    free(s);
    cJSON_Delete(doc);
    return DT_OK;
}

/* Whose calls --legs asks for. */
static enum store_report_scope scope(const struct report_opts *o)
{
    return o->legs ? STORE_REPORT_LEGS : STORE_REPORT_CALLS;
}

static int run_failures(struct report_ctx *ctx, const struct report_opts *o, char *err,
                        size_t errlen)
{
    struct store_report_failure *f;
    size_t n;
    int rc =
        store_report_failures_of(ctx->db, scope(o), ctx->from_ms, ctx->to_ms, &f, &n, err, errlen);
    if (rc != DT_OK)
        return rc;
    int64_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += f[i].count;
    if (ctx->format == REPORT_CSV)
        printf("status,code,sip_code,category,count,share,message\n");
    else
        printf("%-10s %6s %4s %-14s %7s %6s  %s\n", "STATUS", "CODE", "SIP", "CATEGORY", "COUNT",
               "SHARE", "MESSAGE");
    for (size_t i = 0; i < n; i++) {
        double share = total ? 100.0 * (double)f[i].count / (double)total : 0;
        const char *cat = errors_category_name(f[i].category);
        const char *msg = report_json_failure_message(&f[i]);
        if (ctx->format == REPORT_CSV) {
            struct dt_buf b;
            dt_buf_init(&b);
            store_report_csv_field(&b, msg);
            dt_buf_putc(&b, '\0');
            printf("%s,%d,%d,%s,%lld,%.1f,%s\n", f[i].status, f[i].code, f[i].sip_code, cat,
                   (long long)f[i].count, share, b.data);
            dt_buf_done(&b);
        } else {
            printf("%-10s %6d %4d %-14s %7lld %5.1f%%  %.60s\n", f[i].status, f[i].code,
                   f[i].sip_code, cat, (long long)f[i].count, share, msg);
        }
    }
    if (ctx->format == REPORT_TABLE)
        printf("%-10s %6s %4s %-14s %7lld\n", "total", "", "", "", (long long)total);
    free(f);
    return DT_OK;
}

static int run_answer_rate(struct report_ctx *ctx, const struct report_opts *o, char *err,
                           size_t errlen)
{
    (void)o;
    struct store_report_hour h[24];
    int rc = store_report_answer_rate(ctx->db, ctx->zone, ctx->from_ms, ctx->to_ms, h, err, errlen);
    if (rc != DT_OK)
        return rc;
    printf(ctx->format == REPORT_CSV ? "hour,calls,answered,rate\n"
                                     : "HOUR   CALLS  ANSWERED   RATE\n");
    int64_t calls = 0, answered = 0;
    for (int i = 0; i < 24; i++) {
        calls += h[i].calls;
        answered += h[i].answered;
        double rate = h[i].calls ? 100.0 * (double)h[i].answered / (double)h[i].calls : 0;
        if (ctx->format == REPORT_CSV)
            printf("%d,%lld,%lld,%.1f\n", i, (long long)h[i].calls, (long long)h[i].answered, rate);
        else if (h[i].calls)
            printf("%02d:00 %6lld %9lld %5.1f%%\n", i, (long long)h[i].calls,
                   (long long)h[i].answered, rate);
    }
    double rate = calls ? 100.0 * (double)answered / (double)calls : 0;
    if (ctx->format == REPORT_TABLE)
        printf("total %6lld %9lld %5.1f%%\n", (long long)calls, (long long)answered, rate);
    return DT_OK;
}

/* The trend as at most SPARK_WIDTH characters, adjacent hours summed: ' ' for none, then
 * ".:-=+*#" up to the busiest column. */
static void sparkline(const int64_t *trend, size_t n, char *out)
{
    static const char levels[] = ".:-=+*#";
    size_t per = (n + SPARK_WIDTH - 1) / SPARK_WIDTH, cols = (n + per - 1) / per;
    int64_t sum[SPARK_WIDTH] = {0}, max = 0;
    for (size_t i = 0; i < n; i++)
        sum[i / per] += trend[i];
    for (size_t c = 0; c < cols; c++)
        max = sum[c] > max ? sum[c] : max;
    for (size_t c = 0; c < cols; c++)
        out[c] = sum[c] ? levels[(sum[c] * 7 - 1) / max] : ' ';
    out[cols] = '\0';
}

/* --top was checked before the database was opened. */
static int run_errors(struct report_ctx *ctx, const struct report_opts *o, char *err, size_t errlen)
{
    long top = parse_top(o->top);
    struct store_report_errors e;
    int rc = store_report_errors_of(ctx->db, scope(o), ctx->from_ms, ctx->to_ms, (size_t)top, &e,
                                    err, errlen);
    if (rc != DT_OK)
        return rc;
    printf(ctx->format == REPORT_CSV ? "code,category,count,message,hourly\n"
                                     : "CODE   CATEGORY       COUNT  TREND (hourly)\n");
    for (size_t i = 0; i < e.n; i++) {
        const struct store_report_error *x = &e.rows[i];
        const char *cat = errors_category_name(x->category);
        const char *msg = errors_explain(x->code)->message;
        if (ctx->format == REPORT_CSV) {
            struct dt_buf b;
            dt_buf_init(&b);
            store_report_csv_field(&b, msg);
            dt_buf_putc(&b, ',');
            for (size_t k = 0; k < e.n_buckets; k++)
                dt_buf_printf(&b, "%s%lld", k ? " " : "", (long long)x->trend[k]);
            dt_buf_putc(&b, '\0');
            printf("%d,%s,%lld,%s\n", x->code, cat, (long long)x->count, b.data);
            dt_buf_done(&b);
        } else {
            char spark[SPARK_WIDTH + 1];
            sparkline(x->trend, e.n_buckets, spark);
            printf("%-6d %-14s %5lld  |%s|  %.40s\n", x->code, cat, (long long)x->count, spark,
                   msg);
        }
    }
    store_report_errors_done(&e);
    return DT_OK;
}

/* Millionths as a decimal amount with 4 places; "" for -1 (none). */
static void money(int64_t micros, char *buf, size_t len)
{
    if (micros < 0)
        buf[0] = '\0';
    else
        snprintf(buf, len, "%lld.%04lld", (long long)(micros / 1000000),
                 (long long)((micros % 1000000 + 50) / 100));
}

/* One cost row in ctx's format. */
static void cost_row(const struct report_ctx *ctx, const struct store_report_cost *c)
{
    char cost[32], per[32];
    money(c->cost_micros, cost, sizeof cost);
    money(store_report_cost_per_success(c), per, sizeof per);
    if (ctx->format == REPORT_CSV) {
        struct dt_buf b;
        dt_buf_init(&b);
        store_report_csv_field(&b, c->key);
        dt_buf_putc(&b, '\0');
        printf("%s,%lld,%lld,%lld,%lld,%s,%s,%s\n", b.data, (long long)c->calls,
               (long long)c->successful, (long long)c->priced, (long long)c->billable_s, cost, per,
               c->unit);
        dt_buf_done(&b);
    } else {
        printf("%-20.20s %6lld %6lld %6lld %9lld %11s %10s %s\n", *c->key ? c->key : "-",
               (long long)c->calls, (long long)c->successful, (long long)c->priced,
               (long long)c->billable_s, cost, *per ? per : "-", c->unit);
    }
}

static int run_cost(struct report_ctx *ctx, int by_day, char *err, size_t errlen)
{
    struct store_report_cost *c;
    size_t n;
    int rc =
        by_day ? store_report_cost_by_day(ctx->db, ctx->zone, ctx->from_ms, ctx->to_ms, &c, &n, err,
                                          errlen)
               : store_report_cost_by_queue(ctx->db, ctx->from_ms, ctx->to_ms, &c, &n, err, errlen);
    if (rc != DT_OK)
        return rc;
    if (ctx->format == REPORT_CSV)
        printf("%s,calls,successful,priced,billable_s,cost,cost_per_success,unit\n",
               by_day ? "day" : "queue");
    else
        printf("%-20s %6s %6s %6s %9s %11s %10s %s\n", by_day ? "DAY" : "QUEUE", "CALLS", "OK",
               "PRICED", "BILLABLE", "COST", "PER OK", "UNIT");
    struct store_report_cost total = {.key = "total"};
    for (size_t i = 0; i < n; i++) {
        cost_row(ctx, &c[i]);
        total.calls += c[i].calls;
        total.successful += c[i].successful;
        total.priced += c[i].priced;
        total.billable_s += c[i].billable_s;
        total.cost_micros += c[i].cost_micros;
        if (!total.unit[0])
            memcpy(total.unit, c[i].unit, sizeof total.unit);
    }
    if (ctx->format == REPORT_TABLE)
        cost_row(ctx, &total);
    free(c);
    return DT_OK;
}

static int run_cost_by_day(struct report_ctx *ctx, const struct report_opts *o, char *err,
                           size_t errlen)
{
    (void)o;
    return run_cost(ctx, 1, err, errlen);
}

static int run_cost_by_queue(struct report_ctx *ctx, const struct report_opts *o, char *err,
                             size_t errlen)
{
    (void)o;
    return run_cost(ctx, 0, err, errlen);
}

static int run_agents(struct report_ctx *ctx, const struct report_opts *o, char *err, size_t errlen)
{
    (void)o;
    struct store_report_agent *a;
    size_t n;
    int rc = store_report_agents(ctx->db, ctx->from_ms, ctx->to_ms, &a, &n, err, errlen);
    if (rc != DT_OK)
        return rc;
    printf(ctx->format == REPORT_CSV
               ? "agent,calls,handled,aht_s,aht_calls,missed_offers,declined_offers\n"
               : "AGENT                 CALLS HANDLED    AHT  MISSED DECLINED\n");
    for (size_t i = 0; i < n; i++) {
        const struct store_report_agent *x = &a[i];
        char aht[32] = "";
        if (x->aht_s >= 0)
            snprintf(aht, sizeof aht, "%.1f", x->aht_s);
        if (ctx->format == REPORT_CSV) {
            struct dt_buf b;
            dt_buf_init(&b);
            store_report_csv_field(&b, x->name);
            dt_buf_putc(&b, '\0');
            printf("%s,%lld,%lld,%s,%lld,%lld,%lld\n", b.data, (long long)x->calls,
                   (long long)x->handled, aht, (long long)x->aht_calls, (long long)x->missed_offers,
                   (long long)x->declined_offers);
            dt_buf_done(&b);
        } else {
            printf("%-20.20s %6lld %7lld %6s %7lld %8lld\n", x->name, (long long)x->calls,
                   (long long)x->handled, *aht ? aht : "-", (long long)x->missed_offers,
                   (long long)x->declined_offers);
        }
    }
    free(a);
    return DT_OK;
}

static int cmd_report_main(int argc, char **argv)
{
    struct report_opts o;
    int rc = report_parse(&cmd_report_entry, argc, argv, 1, 0, 1, print_help, &o);
    if (rc >= 0)
        return rc;
    const struct report_def *def = NULL;
    for (size_t i = 0; i < NREPORTS; i++)
        if (strcmp(reports[i].name, o.name) == 0)
            def = &reports[i];
    if (!def)
        return cmd_usage_error(&cmd_report_entry, "unknown report '%s'", o.name);
    if (o.top && strcmp(def->name, "errors") != 0)
        return cmd_usage_error(&cmd_report_entry, "--top goes with the errors report only");
    if (o.legs && !report_json_has_legs(def->name))
        return cmd_usage_error(&cmd_report_entry,
                               "--legs goes with the failures and errors reports only");
    if (!parse_top(o.top))
        return cmd_usage_error(&cmd_report_entry, "--top is a number from 1 to %d",
                               STORE_REPORT_TOP_MAX);
    int fmt = report_format_parse(o.format, REPORT_TABLE, "table,csv,json");
    if (fmt < 0)
        return cmd_usage_error(&cmd_report_entry, "--format is table, csv or json");
    struct report_ctx ctx;
    char err[ERRLEN] = "";
    rc = report_ctx_open(&ctx, &o, err, sizeof err);
    ctx.format = (enum report_format)fmt;
    if (rc == DT_OK)
        rc = fmt == REPORT_JSON ? run_json(&ctx, &o, err, sizeof err)
                                : def->run(&ctx, &o, err, sizeof err);
    report_ctx_done(&ctx);
    if (rc == DT_EINVAL)
        return cmd_usage_error(&cmd_report_entry, "%s", err);
    if (rc != DT_OK) {
        fprintf(stderr, "dialtone report %s: %s\n", o.name, err);
        return 1;
    }
    return fflush(stdout) == 0 ? 0 : 1;
}

const struct cmd_entry cmd_report_entry = {
    .name = "report",
    .args = "failures|answer-rate|errors|cost-by-day|cost-by-queue|agents --from DATE --to DATE "
            "[--format "
            "table|csv|json] "
            "[--top N] [--legs] [--config FILE]",
    .summary = "reports over the stored calls",
    .main = cmd_report_main,
};
