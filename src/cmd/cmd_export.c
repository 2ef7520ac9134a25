/*
 * dialtone export --from DATE --to DATE [--format csv|json] [--output FILE] [--config FILE]:
 * the stored calls of a date range, one per row or object, oldest first, read-only. CSV
 * follows RFC 4180 (CRLF line ends, fields quoted as needed) with a guard against cells that
 * a spreadsheet would run as formulas; JSON is one array of objects.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/report_common.h"
#include "dialtone/util.h"

#define ERRLEN 512

/* The exported columns, in order. */
/* clang-format off */
static const char *const columns[] = {
    "sid", "parent_sid", "direction", "from", "to", "caller_name", "queue", "agent", "status",
    "error_code", "sip_code", "error_message", "queue_time_s", "duration_s", "price",
    "price_unit", "recording_sid", "created", "answered", "ended",
};
/* clang-format on */
#define NCOLUMNS (sizeof columns / sizeof columns[0])

struct export_out {
    FILE *f;
    enum report_format format;
    size_t n;
};

static void print_help(void)
{
    printf("usage: dialtone export %s\n\n"
           "Writes the calls created from --from's day to the end of --to's day, oldest first.\n"
           "DATE is YYYY-MM-DD, today or yesterday, in the wallboard's time zone (else\n"
           "[hours]'). Times are written in UTC (ISO 8601), durations in seconds.\n"
           "  -o, --output FILE   write there instead of to stdout\n"
           "  -c, --config FILE   the configuration naming the database (default "
           "./dialtone.conf\n"
           "                      when it exists; DIALTONE_DB overrides it)\n",
           cmd_export_entry.args);
}

/* The call's fields as text, in column order; numbers into num (NCOLUMNS x 24 bytes). */
static void fields(const struct store_report_call *c, const char **v, char (*num)[24])
{
    const int64_t ints[] = {c->error_code, c->sip_code, c->queue_time_s, c->duration_s};
    const int64_t times[] = {c->created_ms, c->answered_ms, c->ended_ms};
    const char *text[] = {c->sid,         c->parent_sid, c->direction, c->from,  c->to,
                          c->caller_name, c->queue,      c->agent,     c->status};
    size_t k = 0;
    for (size_t i = 0; i < 9; i++)
        v[k++] = text[i];
    for (size_t i = 0; i < 2; i++, k++) {
        snprintf(num[k], sizeof num[k], "%lld", (long long)ints[i]);
        v[k] = ints[i] >= 0 ? num[k] : NULL;
    }
    v[k++] = c->error_message;
    for (size_t i = 2; i < 4; i++, k++) {
        snprintf(num[k], sizeof num[k], "%lld", (long long)ints[i]);
        v[k] = ints[i] >= 0 ? num[k] : NULL;
    }
    v[k++] = c->price;
    v[k++] = c->price_unit;
    v[k++] = c->recording_sid;
    for (size_t i = 0; i < 3; i++, k++) {
        report_iso_time(times[i], num[k], sizeof num[k]);
        v[k] = times[i] >= 0 ? num[k] : NULL;
    }
}

static int write_call(const struct store_report_call *c, void *ctx)
{
    struct export_out *out = ctx;
    const char *v[NCOLUMNS];
    char num[NCOLUMNS][24];
    fields(c, v, num);
    char *line;
    if (out->format == REPORT_CSV) {
        struct dt_buf b;
        dt_buf_init(&b);
        for (size_t i = 0; i < NCOLUMNS; i++) {
            if (i)
                dt_buf_putc(&b, ',');
            store_report_csv_field(&b, v[i]);
        }
        dt_buf_puts(&b, "\r\n");
        line = dt_buf_take(&b);
    } else {
        cJSON *o = cJSON_CreateObject();
        for (size_t i = 0; i < NCOLUMNS; i++) {
            int number = (i >= 9 && i <= 13 && i != 11) && v[i];
            if (number)
                cJSON_AddNumberToObject(o, columns[i], strtod(v[i], NULL));
            else if (v[i])
                cJSON_AddStringToObject(o, columns[i], v[i]);
            else
                cJSON_AddNullToObject(o, columns[i]);
        }
        char *s = cJSON_PrintUnformatted(o);
        cJSON_Delete(o);
        line = xasprintf("%s%s", out->n ? ",\n" : "", s);
        free(s);
    }
    int rc = fputs(line, out->f) < 0 ? DT_EIO : 0;
    free(line);
    out->n++;
    return rc;
}

static int export_run(struct report_ctx *ctx, FILE *f, char *err, size_t errlen)
{
    struct export_out out = {.f = f, .format = ctx->format};
    if (ctx->format == REPORT_CSV) {
        for (size_t i = 0; i < NCOLUMNS; i++)
            fprintf(f, "%s%s", i ? "," : "", columns[i]);
        fputs("\r\n", f);
    } else {
        fputs("[\n", f);
    }
    int rc = store_report_calls(ctx->db, ctx->from_ms, ctx->to_ms, write_call, &out, err, errlen);
    if (rc == DT_EIO)
        return dt_seterr(err, errlen, DT_EIO, "writing: %s", strerror(errno));
    if (rc == DT_OK && ctx->format == REPORT_JSON)
        fputs(out.n ? "\n]\n" : "]\n", f);
    if (rc == DT_OK && (fflush(f) != 0 || ferror(f)))
        return dt_seterr(err, errlen, DT_EIO, "writing: %s", strerror(errno));
    return rc;
}

static int cmd_export_main(int argc, char **argv)
{
    struct report_opts o;
    int rc = report_parse(&cmd_export_entry, argc, argv, 0, 1, 0, print_help, &o);
    if (rc >= 0)
        return rc;
    int fmt = report_format_parse(o.format, REPORT_CSV, "csv,json");
    if (fmt < 0)
        return cmd_usage_error(&cmd_export_entry, "--format is csv or json");
    struct report_ctx ctx;
    char err[ERRLEN] = "";
    rc = report_ctx_open(&ctx, &o, err, sizeof err);
    ctx.format = (enum report_format)fmt;
    FILE *f = stdout;
    if (rc == DT_OK && o.output && !(f = fopen(o.output, "w")))
        rc = dt_seterr(err, sizeof err, DT_EIO, "%s: %s", o.output, strerror(errno));
    if (rc == DT_OK)
        rc = export_run(&ctx, f, err, sizeof err);
    if (f && f != stdout && fclose(f) != 0 && rc == DT_OK)
        rc = dt_seterr(err, sizeof err, DT_EIO, "%s: %s", o.output, strerror(errno));
    if (rc != DT_OK && f && f != stdout)
        unlink(o.output); /* no half-written export left behind */
    report_ctx_done(&ctx);
    if (rc == DT_EINVAL)
        return cmd_usage_error(&cmd_export_entry, "%s", err);
    if (rc != DT_OK) {
        fprintf(stderr, "dialtone export: %s\n", err);
        return 1;
    }
    return 0;
}

const struct cmd_entry cmd_export_entry = {
    .name = "export",
    .args = "--from DATE --to DATE [--format csv|json] [--output FILE] [--config FILE]",
    .summary = "write the stored calls of a date range as CSV or JSON",
    .main = cmd_export_main,
};
