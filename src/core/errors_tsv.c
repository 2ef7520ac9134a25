/*
 * errors_tsv: the error dictionary's text form. Category names and labels, and the strict
 * parser of one line of data/twilio-errors.tsv. Shared by the core library, the build-time
 * generator (src/tools/gen_errors.c) and the fuzz target; it needs nothing but util.
 */
#include "dialtone/errors.h"

#include <string.h>

#include "dialtone/util.h"

struct category_names {
    const char *name;
    const char *label;
};

static const struct category_names categories[DT_ERRCAT_COUNT] = {
    [DT_ERRCAT_OTHER] = {"other", "other"},
    [DT_ERRCAT_NETWORK] = {"network", "network"},
    [DT_ERRCAT_BUSY] = {"busy", "busy"},
    [DT_ERRCAT_NO_ANSWER] = {"no-answer", "no answer"},
    [DT_ERRCAT_DECLINED] = {"declined", "declined"},
    [DT_ERRCAT_CANCELED] = {"canceled", "canceled"},
    [DT_ERRCAT_BAD_NUMBER] = {"bad-number", "bad number"},
    [DT_ERRCAT_CARRIER] = {"carrier", "carrier"},
    [DT_ERRCAT_BLOCKED] = {"blocked", "blocked"},
    [DT_ERRCAT_ACCOUNT] = {"account", "account"},
    [DT_ERRCAT_CONFIGURATION] = {"configuration", "configuration"},
    [DT_ERRCAT_TWIML] = {"twiml", "TwiML/webhook"},
    [DT_ERRCAT_PLATFORM] = {"platform", "Twilio platform"},
    [DT_ERRCAT_RATE_LIMIT] = {"rate-limit", "rate limit"},
    [DT_ERRCAT_MEDIA] = {"media", "media"},
};

const char *errors_category_name(enum errors_category c)
{
    if ((unsigned)c >= DT_ERRCAT_COUNT)
        c = DT_ERRCAT_OTHER;
    return categories[c].name;
}

const char *errors_category_label(enum errors_category c)
{
    if ((unsigned)c >= DT_ERRCAT_COUNT)
        c = DT_ERRCAT_OTHER;
    return categories[c].label;
}

int errors_category_from_name(const char *name, enum errors_category *out)
{
    if (!name)
        return DT_EINVAL;
    for (int c = 0; c < DT_ERRCAT_COUNT; c++) {
        if (strcmp(categories[c].name, name) == 0) {
            *out = (enum errors_category)c;
            return DT_OK;
        }
    }
    return DT_EINVAL;
}

const char *errors_level_name(enum errors_level level)
{
    return level == DT_ERRLEVEL_WARNING ? "WARNING" : "ERROR";
}

/* ---- line parser ------------------------------------------------------------------------- */

enum { F_CODE, F_LEVEL, F_PRODUCT, F_MESSAGE, F_CATEGORY, F_ACTION, F_RETRY, F_BAD, NFIELDS };

static const char *const field_names[NFIELDS] = {
    [F_CODE] = "code",       [F_LEVEL] = "level",       [F_PRODUCT] = "product",
    [F_MESSAGE] = "message", [F_CATEGORY] = "category", [F_ACTION] = "action",
    [F_RETRY] = "retryable", [F_BAD] = "bad_number",
};

/* Checks every byte: printable ASCII or tab. */
static int check_bytes(const char *line, size_t len, char *err, size_t errlen)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)line[i];
        if (ch == '\0')
            return dt_seterr(err, errlen, DT_EINVAL, "embedded NUL at byte %zu", i + 1);
        if (ch != '\t' && (ch < 0x20 || ch > 0x7e))
            return dt_seterr(err, errlen, DT_EINVAL,
                             "byte 0x%02x at byte %zu is not printable ASCII", ch, i + 1);
    }
    return DT_OK;
}

/* Splits line at tabs into exactly NFIELDS NUL-terminated fields. */
static int split_fields(char *line, char *fields[NFIELDS], char *err, size_t errlen)
{
    int n = 0;
    char *p = line;
    for (;;) {
        if (n < NFIELDS)
            fields[n] = p;
        n++;
        char *tab = strchr(p, '\t');
        if (!tab)
            break;
        *tab = '\0';
        p = tab + 1;
    }
    if (n != NFIELDS)
        return dt_seterr(err, errlen, DT_EINVAL, "expected %d tab-separated fields, found %d",
                         NFIELDS, n);
    return DT_OK;
}

/* A text field: length within [min, max], no leading, trailing or doubled space. */
static int check_text(const char *s, int field, size_t min, size_t max, char *err, size_t errlen)
{
    size_t n = strlen(s);
    if (n < min)
        return dt_seterr(err, errlen, DT_EINVAL, "%s is empty", field_names[field]);
    if (n > max)
        return dt_seterr(err, errlen, DT_EINVAL, "%s longer than %zu bytes", field_names[field],
                         max);
    if (n > 0 && (s[0] == ' ' || s[n - 1] == ' '))
        return dt_seterr(err, errlen, DT_EINVAL, "%s has leading or trailing spaces",
                         field_names[field]);
    if (strstr(s, "  "))
        return dt_seterr(err, errlen, DT_EINVAL, "%s has doubled spaces", field_names[field]);
    return DT_OK;
}

static int parse_code(const char *s, int *out, char *err, size_t errlen)
{
    size_t n = strlen(s);
    if (n == 0 || n > 6 || s[0] == '0')
        return dt_seterr(err, errlen, DT_EINVAL, "code '%.16s' is not a number from 1 to %d", s,
                         ERRORS_TSV_CODE_MAX);
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return dt_seterr(err, errlen, DT_EINVAL, "code '%.16s' is not a number from 1 to %d", s,
                             ERRORS_TSV_CODE_MAX);
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return DT_OK;
}

static int parse_flag(const char *s, int field, unsigned char *out, char *err, size_t errlen)
{
    if (strcmp(s, "0") != 0 && strcmp(s, "1") != 0)
        return dt_seterr(err, errlen, DT_EINVAL, "%s must be 0 or 1, not '%.16s'",
                         field_names[field], s);
    *out = (unsigned char)(s[0] - '0');
    return DT_OK;
}

static int parse_fields(char *f[NFIELDS], struct errors_entry *out, char *err, size_t errlen)
{
    int rc = parse_code(f[F_CODE], &out->code, err, errlen);
    if (rc)
        return rc;
    if (strcmp(f[F_LEVEL], "ERROR") == 0)
        out->level = DT_ERRLEVEL_ERROR;
    else if (strcmp(f[F_LEVEL], "WARNING") == 0)
        out->level = DT_ERRLEVEL_WARNING;
    else
        return dt_seterr(err, errlen, DT_EINVAL, "level must be ERROR or WARNING, not '%.16s'",
                         f[F_LEVEL]);
    if ((rc = check_text(f[F_PRODUCT], F_PRODUCT, 0, ERRORS_TSV_PRODUCT_MAX, err, errlen)) ||
        (rc = check_text(f[F_MESSAGE], F_MESSAGE, 1, ERRORS_TSV_MESSAGE_MAX, err, errlen)) ||
        (rc = check_text(f[F_ACTION], F_ACTION, 1, ERRORS_TSV_ACTION_MAX, err, errlen)))
        return rc;
    if (errors_category_from_name(f[F_CATEGORY], &out->category) != DT_OK)
        return dt_seterr(err, errlen, DT_EINVAL, "unknown category '%.32s'", f[F_CATEGORY]);
    if ((rc = parse_flag(f[F_RETRY], F_RETRY, &out->retryable, err, errlen)) ||
        (rc = parse_flag(f[F_BAD], F_BAD, &out->bad_number, err, errlen)))
        return rc;
    if (out->retryable && out->bad_number)
        return dt_seterr(err, errlen, DT_EINVAL, "a bad number cannot be retryable");
    out->product = f[F_PRODUCT];
    out->message = f[F_MESSAGE];
    out->action = f[F_ACTION];
    return DT_OK;
}

int errors_tsv_parse_line(char *line, size_t len, struct errors_entry *out, char *err,
                          size_t errlen)
{
    if (!line || !out)
        return dt_seterr(err, errlen, DT_EINVAL, "no line");
    if (len > ERRORS_TSV_LINE_MAX)
        return dt_seterr(err, errlen, DT_ETOOBIG, "line longer than %d bytes", ERRORS_TSV_LINE_MAX);
    if (line[len] != '\0')
        return dt_seterr(err, errlen, DT_EINVAL, "line is not NUL-terminated at its length");
    int rc = check_bytes(line, len, err, errlen);
    if (rc)
        return rc;
    char *fields[NFIELDS];
    if ((rc = split_fields(line, fields, err, errlen)))
        return rc;
    return parse_fields(fields, out, err, errlen);
}
