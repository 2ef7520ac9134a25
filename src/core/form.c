/* form: the application/x-www-form-urlencoded codec. See dialtone/form.h. */
#include "dialtone/form.h"

#include <stdlib.h>
#include <string.h>

#include "dialtone/util.h"

void form_init(struct form *f)
{
    f->pairs = NULL;
    f->count = 0;
    f->cap = 0;
}

void form_done(struct form *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->count; i++) {
        free(f->pairs[i].key);
        free(f->pairs[i].value);
    }
    free(f->pairs);
    form_init(f);
}

/* Appends a pair whose strings f now owns. The caller has checked the caps. */
static void form_push(struct form *f, char *key, char *value)
{
    if (f->count == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 8;
        f->pairs = xrealloc(f->pairs, f->cap * sizeof f->pairs[0]);
    }
    f->pairs[f->count].key = key;
    f->pairs[f->count].value = value;
    f->count++;
}

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Where a piece being decoded sits, for error messages. */
struct piece {
    const char *body; /* the whole body, for offsets */
    const char *s;    /* the piece */
    size_t len;
    size_t pair;      /* 1-based pair number */
    const char *what; /* "key" or "value" */
    size_t max;       /* cap on the decoded length */
};

/*
 * Decodes one key or value into a new string (*out, the caller's to free). Returns 0,
 * DT_EINVAL (bad escape, NUL) or DT_ETOOBIG; *out is NULL on error.
 */
static int decode_piece(const struct piece *p, char **out, char *err, size_t errlen)
{
    char *d = xmalloc(p->len + 1);
    size_t n = 0;
    int rc = 0;
    *out = NULL;
    for (size_t i = 0; i < p->len; i++) {
        unsigned char c = (unsigned char)p->s[i];
        size_t off = (size_t)(p->s - p->body) + i;
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            int hi = i + 1 < p->len ? hex_value((unsigned char)p->s[i + 1]) : -1;
            int lo = i + 2 < p->len ? hex_value((unsigned char)p->s[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                rc = dt_seterr(err, errlen, DT_EINVAL,
                               "pair %zu: invalid percent escape in %s at byte %zu", p->pair,
                               p->what, off);
                goto fail;
            }
            c = (unsigned char)(hi * 16 + lo);
            i += 2;
        }
        if (c == '\0') {
            rc = dt_seterr(err, errlen, DT_EINVAL, "pair %zu: NUL byte in %s at byte %zu", p->pair,
                           p->what, off);
            goto fail;
        }
        d[n++] = (char)c;
    }
    if (n > p->max) {
        rc = dt_seterr(err, errlen, DT_ETOOBIG, "pair %zu: %s is %zu bytes, over the %zu cap",
                       p->pair, p->what, n, p->max);
        goto fail;
    }
    d[n] = '\0';
    *out = d;
    return 0;
fail:
    free(d);
    return rc;
}

/* Parses one non-empty pair s[0..len) (no '&' in it) and appends it to f. */
static int parse_pair(struct form *f, const char *body, const char *s, size_t len, char *err,
                      size_t errlen)
{
    size_t pair = f->count + 1;
    if (f->count >= DT_FORM_MAX_PAIRS)
        return dt_seterr(err, errlen, DT_ETOOBIG, "pair %zu: more than %d pairs", pair,
                         DT_FORM_MAX_PAIRS);
    const char *eq = memchr(s, '=', len);
    size_t klen = eq ? (size_t)(eq - s) : len;
    struct piece k = {
        .body = body, .s = s, .len = klen, .pair = pair, .what = "key", .max = DT_FORM_MAX_KEY};
    struct piece v = {.body = body,
                      .s = eq ? eq + 1 : s + len,
                      .len = eq ? len - klen - 1 : 0,
                      .pair = pair,
                      .what = "value",
                      .max = DT_FORM_MAX_VALUE};
    char *key, *value;
    int rc = decode_piece(&k, &key, err, errlen);
    if (rc < 0)
        return rc;
    rc = decode_piece(&v, &value, err, errlen);
    if (rc < 0) {
        free(key);
        return rc;
    }
    form_push(f, key, value);
    return 0;
}

int form_parse(struct form *f, const char *body, size_t len, char *err, size_t errlen)
{
    form_done(f);
    if (len > DT_FORM_MAX_BODY)
        return dt_seterr(err, errlen, DT_ETOOBIG, "body is %zu bytes, over the %d-byte cap", len,
                         DT_FORM_MAX_BODY);
    if (len > 0 && !body)
        return dt_seterr(err, errlen, DT_EINVAL, "no body");
    size_t start = 0;
    while (start < len) {
        const char *amp = memchr(body + start, '&', len - start);
        size_t end = amp ? (size_t)(amp - body) : len;
        if (end > start) {
            int rc = parse_pair(f, body, body + start, end - start, err, errlen);
            if (rc < 0) {
                form_done(f);
                return rc;
            }
        }
        start = end + 1;
    }
    return 0;
}

int form_add(struct form *f, const char *key, const char *value)
{
    if (!key || !value)
        return DT_EINVAL;
    if (f->count >= DT_FORM_MAX_PAIRS || strlen(key) > DT_FORM_MAX_KEY ||
        strlen(value) > DT_FORM_MAX_VALUE)
        return DT_ETOOBIG;
    form_push(f, xstrdup(key), xstrdup(value));
    return 0;
}

const char *form_get(const struct form *f, const char *key)
{
    for (size_t i = 0; i < f->count; i++)
        if (strcmp(f->pairs[i].key, key) == 0)
            return f->pairs[i].value;
    return NULL;
}

size_t form_count(const struct form *f)
{
    return f->count;
}

const struct form_pair *form_at(const struct form *f, size_t i)
{
    return i < f->count ? &f->pairs[i] : NULL;
}

/* RFC 3986 section 2.3: ALPHA / DIGIT / "-" / "." / "_" / "~". */
static int is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

static void encode_piece(struct dt_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (is_unreserved(*p)) {
            dt_buf_putc(b, (char)*p);
        } else if (*p == ' ') {
            dt_buf_putc(b, '+');
        } else {
            char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            dt_buf_append(b, esc, sizeof esc);
        }
    }
}

char *form_encode(const struct form *f)
{
    struct dt_buf b;
    dt_buf_init(&b);
    for (size_t i = 0; i < f->count; i++) {
        if (i > 0)
            dt_buf_putc(&b, '&');
        encode_piece(&b, f->pairs[i].key);
        dt_buf_putc(&b, '=');
        encode_piece(&b, f->pairs[i].value);
    }
    return dt_buf_take(&b);
}
