/*
 * util: what every dialtone module shares. Error codes (0 is success, a negative DT_E* value
 * is failure), allocation helpers that abort on out-of-memory (sizes that come from input are
 * capped and checked by the caller instead), a growable byte buffer, and the helper that
 * writes error detail into a caller's buffer without allocating.
 */
#ifndef DIALTONE_UTIL_H
#define DIALTONE_UTIL_H

#include <stdarg.h>
#include <stddef.h>

enum dt_err {
    DT_OK = 0,
    DT_EINVAL = -1,    /* malformed or invalid input */
    DT_ETOOBIG = -2,   /* input over a size cap */
    DT_ENOTFOUND = -3, /* no such item */
    DT_EIO = -4,       /* file or system error (errno-based detail in err) */
    DT_EPERM = -5,     /* refused: permissions, wrong signature, wrong owner */
    DT_EDB = -6,       /* database error */
    DT_ESTATE = -7,    /* operation not valid in the current state */
    DT_EEXIST = -8,    /* already exists */
};

/* Short English name of a DT_E* code ("invalid input"...); never NULL. */
const char *dt_strerror(int code);

/* Allocation helpers: on out-of-memory they print a message and abort(). */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a newly allocated string; the caller frees it. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/*
 * Writes a formatted message into err (of errlen bytes, always NUL-terminated when errlen > 0)
 * and returns code, so that error paths read `return dt_seterr(err, errlen, DT_EINVAL, ...)`.
 * err may be NULL. Never allocates.
 */
int dt_seterr(char *err, size_t errlen, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Copies src into dst (size n > 0), truncating; always NUL-terminates. Returns strlen(src). */
size_t dt_strlcpy(char *dst, const char *src, size_t n);

/* Compares two byte strings in time that depends only on their lengths. 1 if equal. */
int dt_consttime_eq(const void *a, size_t alen, const void *b, size_t blen);

/*
 * A growable byte buffer, always NUL-terminated after data[len] once anything was added.
 * Held by value: dt_buf_init / dt_buf_done. Appends abort on out-of-memory only.
 */
struct dt_buf {
    char *data;
    size_t len;
    size_t cap;
};

void dt_buf_init(struct dt_buf *b);
void dt_buf_done(struct dt_buf *b);
void dt_buf_reset(struct dt_buf *b);
void dt_buf_append(struct dt_buf *b, const void *p, size_t n);
void dt_buf_puts(struct dt_buf *b, const char *s);
void dt_buf_putc(struct dt_buf *b, char c);
void dt_buf_printf(struct dt_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands the contents to the caller (to free) and leaves b empty; "" when nothing was added. */
char *dt_buf_take(struct dt_buf *b);

#endif
