/*
 * errstats: the errors screen's figures read out of the daemon's JSON, and the sparkline of a
 * trend (see console/errstats.h).
 */
#include <stdio.h>
#include <string.h>

#include "console/errstats.h"
#include "console/invariant.h"
#include "console/sanitize.h"
#include "dialtone/util.h"

static const char *const outcome_names[ERRSTATS_OUTCOMES] = {
    [ERRSTATS_BUSY] = "busy",
    [ERRSTATS_NO_ANSWER] = "no-answer",
    [ERRSTATS_FAILED] = "failed",
    [ERRSTATS_CANCELED] = "canceled",
};

/* Level 0-7 as a block character (U+2581 + level) and in ASCII. */
static const char *const blocks[8] = {"\u2581", "\u2582", "\u2583", "\u2584",
                                      "\u2585", "\u2586", "\u2587", "\u2588"};
static const char ascii_levels[8] = {'_', '.', ':', '-', '=', '+', '*', '#'};

const char *errstats_outcome_name(enum errstats_outcome o)
{
    return (unsigned)o < ERRSTATS_OUTCOMES ? outcome_names[o] : NULL;
}

/* ---- JSON ------------------------------------------------------------------------------------ */

static void copy_str(char *dst, size_t n, const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    const char *s = cJSON_IsString(v) && v->valuestring ? v->valuestring : "";
    tx_sanitize(s, strlen(s), dst, n);
}

/* A count: a number cut to [0, ERRSTATS_COUNT_MAX] (NaN and non-numbers: 0). */
static int64_t count_of(const cJSON *v)
{
    if (!cJSON_IsNumber(v))
        return 0;
    double d = v->valuedouble;
    if (!(d > 0))
        return 0;
    return d >= (double)ERRSTATS_COUNT_MAX ? ERRSTATS_COUNT_MAX : (int64_t)d;
}

static int64_t get_count(const cJSON *o, const char *key)
{
    return count_of(cJSON_GetObjectItemCaseSensitive(o, key));
}

/* A time in ms: 0 unless a number in [0, 2^50]. */
static int64_t get_ms(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0 && v->valuedouble <= 1125899906842624.0))
        return 0;
    return (int64_t)v->valuedouble;
}

/* Reads one code; 0 when it is to be skipped. */
static int code_read(struct errstats_code *c, const cJSON *o)
{
    const cJSON *code = cJSON_GetObjectItemCaseSensitive(o, "code");
    if (!cJSON_IsNumber(code) || !(code->valuedouble >= 1 && code->valuedouble <= 999999))
        return 0;
    memset(c, 0, sizeof *c);
    c->code = (int)code->valuedouble;
    c->count = get_count(o, "count");
    const char *cat = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "category"));
    if (!cat || errors_category_from_name(cat, &c->category) != DT_OK)
        c->category = DT_ERRCAT_OTHER;
    copy_str(c->category_label, sizeof c->category_label, o, "category_label");
    if (!c->category_label[0])
        dt_strlcpy(c->category_label, errors_category_label(c->category), sizeof c->category_label);
    copy_str(c->message, sizeof c->message, o, "message");
    copy_str(c->action, sizeof c->action, o, "action");
    c->retryable = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "retryable"));
    c->bad_number = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "bad_number"));
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "trend"), *v;
    if (cJSON_IsArray(t)) {
        cJSON_ArrayForEach(v, t)
        {
            if (c->n_trend >= ERRSTATS_BUCKETS_MAX)
                break;
            c->trend[c->n_trend++] = count_of(v);
        }
    }
    return 1;
}

int errstats_parse(const cJSON *body, struct errstats_data *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    const cJSON *codes = cJSON_GetObjectItemCaseSensitive(body, "codes"), *it;
    if (!cJSON_IsObject(body) || !cJSON_IsArray(codes))
        return dt_seterr(err, errlen, DT_EINVAL, "the answer has no list of codes");
    const char *range = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(body, "range"));
    out->week = range && strcmp(range, "7d") == 0;
    copy_str(out->timezone, sizeof out->timezone, body, "timezone");
    out->from_ms = get_ms(body, "from_ms");
    out->to_ms = get_ms(body, "to_ms");
    cJSON_ArrayForEach(it, codes)
    {
        if (out->n_codes >= ERRSTATS_CODES_MAX)
            break;
        if (cJSON_IsObject(it) && code_read(&out->codes[out->n_codes], it))
            out->n_codes++;
    }
    const cJSON *oc = cJSON_GetObjectItemCaseSensitive(body, "outcomes");
    for (int i = 0; i < ERRSTATS_OUTCOMES; i++)
        out->outcomes[i] = get_count(oc, outcome_names[i]);
    return DT_OK;
}

int errstats_parse_text(const char *text, size_t len, struct errstats_data *out, char *err,
                        size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (memchr(text, '\0', len))
        return dt_seterr(err, errlen, DT_EINVAL, "the answer holds a NUL byte");
    cJSON *o = cJSON_ParseWithLength(text, len);
    if (!o)
        return dt_seterr(err, errlen, DT_EINVAL, "the answer is not JSON");
    int rc = errstats_parse(o, out, err, errlen);
    cJSON_Delete(o);
    return rc;
}

/* ---- the sparkline --------------------------------------------------------------------------- */

size_t errstats_spark_levels(const int64_t *counts, size_t n, size_t width, unsigned char *levels)
{
    size_t cols = n < width ? n : width;
    int64_t sums[ERRSTATS_BUCKETS_MAX], max = 0;
    if (cols > ERRSTATS_BUCKETS_MAX)
        cols = ERRSTATS_BUCKETS_MAX;
    for (size_t j = 0; j < cols; j++) {
        int64_t s = 0;
        for (size_t i = j * n / cols; i < (j + 1) * n / cols; i++)
            s += counts[i] > 0 ? counts[i] : 0; /* each under 2^40: no overflow */
        sums[j] = s;
        if (s > max)
            max = s;
    }
    for (size_t j = 0; j < cols; j++) {
        if (sums[j] <= 0) {
            levels[j] = 0;
            continue;
        }
        /* ceil(7 * s / max) in floating point: s and max may be large */
        double f = 7.0 * (double)sums[j] / (double)max;
        int l = (int)f + ((double)(int)f < f);
        levels[j] = (unsigned char)(l < 1 ? 1 : l > 7 ? 7 : l);
    }
    return cols;
}

char *errstats_sparkline(const int64_t *counts, size_t n, size_t width, int utf8, char *out,
                         size_t outsz)
{
    unsigned char levels[ERRSTATS_BUCKETS_MAX];
    size_t cols = errstats_spark_levels(counts, n, width, levels), used = 0;
    if (!outsz)
        return out;
    for (size_t j = 0; j < cols; j++) {
        const char *s = blocks[levels[j]];
        size_t len = utf8 ? strlen(s) : 1;
        if (used + len >= outsz)
            break;
        if (utf8)
            memcpy(out + used, s, len);
        else
            out[used] = ascii_levels[levels[j]];
        used += len;
    }
    out[used] = '\0';
    return out;
}

/* ---- invariants ------------------------------------------------------------------------------ */

int errstats_check(const struct errstats *e, char *err, size_t errlen)
{
    const struct errstats_data *d = &e->data;
    INV(d->n_codes <= ERRSTATS_CODES_MAX);
    INV(e->sel < d->n_codes || e->sel == 0);
    INV_STR(d->timezone);
    INV_STR(e->message);
    for (size_t i = 0; i < d->n_codes; i++) {
        const struct errstats_code *c = &d->codes[i];
        INV(c->code >= 1 && c->code <= 999999);
        INV(c->count >= 0 && c->count <= ERRSTATS_COUNT_MAX);
        INV((unsigned)c->category < DT_ERRCAT_COUNT);
        INV(c->n_trend <= ERRSTATS_BUCKETS_MAX);
        for (size_t j = 0; j < c->n_trend; j++)
            INV(c->trend[j] >= 0 && c->trend[j] <= ERRSTATS_COUNT_MAX);
        INV_STR(c->category_label);
        INV_STR(c->message);
        INV_STR(c->action);
    }
    for (int i = 0; i < ERRSTATS_OUTCOMES; i++)
        INV(d->outcomes[i] >= 0 && d->outcomes[i] <= ERRSTATS_COUNT_MAX);
    return DT_OK;
}
