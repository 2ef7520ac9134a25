/* util: error names, allocation helpers, the growable buffer. See dialtone/util.h. */
#include "dialtone/util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *dt_strerror(int code)
{
    switch (code) {
    case DT_OK:
        return "success";
    case DT_EINVAL:
        return "invalid input";
    case DT_ETOOBIG:
        return "input too large";
    case DT_ENOTFOUND:
        return "not found";
    case DT_EIO:
        return "input/output error";
    case DT_EPERM:
        return "not permitted";
    case DT_EDB:
        return "database error";
    case DT_ESTATE:
        return "not possible in the current state";
    case DT_EEXIST:
        return "already exists";
    default:
        return "unknown error";
    }
}

static void oom(size_t n)
{
    fprintf(stderr, "dialtone: out of memory allocating %zu bytes\n", n);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom(n);
    return p;
}

void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        oom(count * size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom(n);
    return q;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = xmalloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    if (n < 0) {
        fprintf(stderr, "dialtone: bad format string\n");
        abort();
    }
    char *p = xmalloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = xvasprintf(fmt, ap);
    va_end(ap);
    return p;
}

int dt_seterr(char *err, size_t errlen, int code, const char *fmt, ...)
{
    if (err && errlen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return code;
}

size_t dt_strlcpy(char *dst, const char *src, size_t n)
{
    size_t len = strlen(src);
    if (n > 0) {
        size_t c = len < n - 1 ? len : n - 1;
        memcpy(dst, src, c);
        dst[c] = '\0';
    }
    return len;
}

int dt_consttime_eq(const void *a, size_t alen, const void *b, size_t blen)
{
    const unsigned char *pa = a, *pb = b;
    /* Compare over the longer length so that timing reveals only the lengths. */
    size_t n = alen > blen ? alen : blen;
    unsigned diff = (unsigned)(alen ^ blen);
    for (size_t i = 0; i < n; i++) {
        unsigned ca = i < alen ? pa[i] : 0;
        unsigned cb = i < blen ? pb[i] : 0;
        diff |= ca ^ cb;
    }
    return diff == 0;
}

void dt_buf_init(struct dt_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void dt_buf_done(struct dt_buf *b)
{
    free(b->data);
    dt_buf_init(b);
}

void dt_buf_reset(struct dt_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

static void buf_reserve(struct dt_buf *b, size_t extra)
{
    if (extra >= SIZE_MAX / 2 - b->len)
        oom(extra);
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
}

void dt_buf_append(struct dt_buf *b, const void *p, size_t n)
{
    buf_reserve(b, n);
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void dt_buf_puts(struct dt_buf *b, const char *s)
{
    dt_buf_append(b, s, strlen(s));
}

void dt_buf_putc(struct dt_buf *b, char c)
{
    dt_buf_append(b, &c, 1);
}

void dt_buf_printf(struct dt_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    if (n > 0) {
        buf_reserve(b, (size_t)n);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
        b->len += (size_t)n;
    }
    va_end(ap);
}

char *dt_buf_take(struct dt_buf *b)
{
    char *p = b->data ? b->data : xstrdup("");
    dt_buf_init(b);
    return p;
}
