/*
 * fuzz_errors_tsv: errors_tsv_parse_line on arbitrary bytes must fail cleanly, or give an
 * entry within every cap whose strings lie inside the line and are printable ASCII, and which
 * written back as a TSV line parses to the same entry (abort() otherwise).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialtone/errors.h"
#include "dialtone/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const char *s, const char *buf, size_t size, size_t max)
{
    if (s < buf || s > buf + size)
        abort();
    size_t n = strlen(s);
    if (n > max || s + n > buf + size)
        abort();
    for (size_t i = 0; i < n; i++)
        if (s[i] < 0x20 || s[i] > 0x7e)
            abort();
}

static void check_entry(const struct errors_entry *e, const char *buf, size_t size)
{
    if (e->code < 1 || e->code > ERRORS_TSV_CODE_MAX)
        abort();
    if ((unsigned)e->category >= DT_ERRCAT_COUNT || e->retryable > 1 || e->bad_number > 1)
        abort();
    if (e->level != DT_ERRLEVEL_ERROR && e->level != DT_ERRLEVEL_WARNING)
        abort();
    check_text(e->product, buf, size, ERRORS_TSV_PRODUCT_MAX);
    check_text(e->message, buf, size, ERRORS_TSV_MESSAGE_MAX);
    check_text(e->action, buf, size, ERRORS_TSV_ACTION_MAX);
    if (!e->message[0] || !e->action[0])
        abort();
}

static void check_round_trip(const struct errors_entry *e)
{
    char line[ERRORS_TSV_LINE_MAX + 64], err[128];
    int n = snprintf(line, sizeof line, "%d\t%s\t%s\t%s\t%s\t%s\t%d\t%d", e->code,
                     errors_level_name(e->level), e->product, e->message,
                     errors_category_name(e->category), e->action, e->retryable, e->bad_number);
    if (n < 0 || (size_t)n >= sizeof line)
        abort();
    struct errors_entry f;
    if (errors_tsv_parse_line(line, (size_t)n, &f, err, sizeof err) != 0)
        abort();
    if (f.code != e->code || f.level != e->level || f.category != e->category ||
        f.retryable != e->retryable || f.bad_number != e->bad_number ||
        strcmp(f.product, e->product) || strcmp(f.message, e->message) ||
        strcmp(f.action, e->action))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    struct errors_entry e;
    char err[128];
    err[0] = '\0';
    int rc = errors_tsv_parse_line(buf, size, &e, err, sizeof err);
    if (rc == 0) {
        check_entry(&e, buf, size);
        check_round_trip(&e);
    } else if ((rc != DT_EINVAL && rc != DT_ETOOBIG) || !err[0]) {
        abort();
    }
    free(buf);
    return 0;
}
