/*
 * inifile: see dialtone/inifile.h. inih hands its handler no line number and reads lines
 * through a callback, so the reader below takes them from textfile (which counts them) and the
 * handler goes through a stop that skips every pair once an error is recorded.
 */
#include "dialtone/inifile.h"
#include "dialtone/util.h"

#include <ini.h>
#include <stdio.h>
#include <string.h>

int inifile_vfail_at(struct inifile *f, int line, const char *fmt, va_list ap)
{
    if (!f->failed) {
        vsnprintf(f->msg, sizeof f->msg, fmt, ap);
        f->failed = 1;
        f->fail_line = line;
    }
    return 0;
}

int inifile_fail(struct inifile *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    inifile_vfail_at(f, f->lines.lineno, fmt, ap);
    va_end(ap);
    return 0;
}

int inifile_fail_at(struct inifile *f, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    inifile_vfail_at(f, line, fmt, ap);
    va_end(ap);
    return 0;
}

/* inih's reader: one line per call, stripped by the caller's hook or of its leading blanks
 * (which turns inih's continuation lines off); section headers go to the caller's hook. */
static char *read_line(char *str, int num, void *stream)
{
    struct inifile *f = stream;
    if (f->failed)
        return NULL;
    const char *s;
    size_t len;
    char why[sizeof f->msg];
    int rc = textfile_line_next(&f->lines, &s, &len, why, sizeof why);
    if (rc < 0)
        inifile_fail(f, "%s", why);
    if (rc <= 0)
        return NULL;
    if (f->ops->line) {
        if (!f->ops->line(f->user, &s, &len))
            return NULL;
    } else {
        while (len > 0 && (*s == ' ' || *s == '\t')) {
            s++;
            len--;
        }
    }
    if (num <= 0 || len >= (size_t)num) {
        inifile_fail(f, "line too long (at most %d bytes)", num - 1);
        return NULL;
    }
    memcpy(str, s, len);
    str[len] = '\0';
    if (len > 0 && str[0] == '[' && f->ops->header && !f->ops->header(f->user, str, len))
        return NULL;
    return str;
}

static int on_pair(void *user, const char *section, const char *name, const char *value)
{
    struct inifile *f = user;
    if (f->failed)
        return 0;
    return f->ops->pair(f->user, section, name, value);
}

/* inih's result (0, the first line it could not read, or negative) over what was recorded. */
static void settle(struct inifile *f, int rc)
{
    const char *msg = NULL;
    int line = 0;
    if (rc > 0 && (!f->failed || rc < f->fail_line)) {
        line = rc;
        msg = f->ops->expected ? f->ops->expected : "cannot parse";
    } else if (!f->failed && rc != 0) {
        line = f->lines.lineno;
        msg = "cannot parse";
    }
    if (msg) {
        dt_strlcpy(f->msg, msg, sizeof f->msg);
        f->failed = 1;
        f->fail_line = line;
    }
}

int inifile_parse(struct inifile *f, const char *text, size_t len, const struct inifile_ops *ops,
                  void *user)
{
    textfile_lines_init(&f->lines, text, len, ops->line_max);
    f->failed = 0;
    f->fail_line = 0;
    f->msg[0] = '\0';
    f->ops = ops;
    f->user = user;
    settle(f, ini_parse_stream(read_line, f, on_pair, f));
    return f->failed ? DT_EINVAL : DT_OK;
}

int inifile_error(const struct inifile *f, const char *name, char *err, size_t errlen)
{
    if (!f->failed)
        return DT_OK;
    return dt_seterr(err, errlen, DT_EINVAL, "%s:%d: %s", name, f->fail_line, f->msg);
}

int inifile_section(struct inifile *f, const char *line, size_t len, const char **name, size_t *n)
{
    const char *close = memchr(line, ']', len);
    if (!close)
        return inifile_fail(f, "section header without ']'");
    const char *rest = close + 1;
    while (*rest == ' ' || *rest == '\t')
        rest++;
    if (*rest && *rest != ';' && *rest != '#')
        return inifile_fail(f, "unexpected text after the section header");
    *name = line + 1;
    *n = (size_t)(close - *name);
    return 1;
}

size_t inifile_unquote(char *dst, size_t size, const char *value)
{
    size_t n = strlen(value);
    if (n >= 2 && value[0] == '"' && value[n - 1] == '"') {
        value++;
        n -= 2;
    }
    if (n >= size)
        n = size - 1;
    memcpy(dst, value, n);
    dst[n] = '\0';
    return n;
}

void inifile_printable(char *dst, size_t size, const char *s, size_t n)
{
    size_t i, max = n > 60 ? 60 : n;
    for (i = 0; i < max && i + 4 < size; i++)
        dst[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
    if (max < n && i + 4 <= size) {
        memcpy(dst + i, "...", 3);
        i += 3;
    }
    dst[i] = '\0';
}

int inifile_long(const char *s, size_t max_digits, long min, long max, long *out)
{
    size_t n = strlen(s);
    if (max_digits > 18)
        max_digits = 18; /* no overflow */
    if (n == 0 || n > max_digits)
        return -1;
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    if (v < min || v > max)
        return -1;
    *out = v;
    return 0;
}
