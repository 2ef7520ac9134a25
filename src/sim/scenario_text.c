/*
 * scenario_text: reading the values of a scenario file. Quoted strings with C escapes, bare
 * text, blank-separated tokens, decimal numbers (parsed by hand, so that no locale can turn
 * "0.5" into 0), durations, ranges, digits, ${NAME} expansion and endpoint patterns.
 */
#include "sim/scenario_int.h"
#include "dialtone/valid.h"

#include <stdio.h>
#include <string.h>

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static int hex_value(char c)
{
    if (is_digit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* n hex digits at p (within end) into *out; 0 or -1. */
static int read_hex(const char *p, const char *end, int n, unsigned long *out)
{
    unsigned long v = 0;
    if (end - p < n)
        return -1;
    for (int i = 0; i < n; i++) {
        int h = hex_value(p[i]);
        if (h < 0)
            return -1;
        v = v * 16 + (unsigned long)h;
    }
    *out = v;
    return 0;
}

static void put_utf8(struct dt_buf *out, unsigned long cp)
{
    char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xc0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xe0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        b[0] = (char)(0xf0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    dt_buf_append(out, b, n);
}

static const struct {
    char name;
    char byte;
} simple_escapes[] = {
    {.name = '\\', .byte = '\\'}, {.name = '"', .byte = '"'},  {.name = 'e', .byte = 0x1b},
    {.name = 'a', .byte = '\a'},  {.name = 'b', .byte = '\b'}, {.name = 'f', .byte = '\f'},
    {.name = 'n', .byte = '\n'},  {.name = 'r', .byte = '\r'}, {.name = 't', .byte = '\t'},
    {.name = 'v', .byte = '\v'},
};

/* One escape after the backslash at *pp; appends its bytes. 0 or -1 with why. */
static int escape(const char **pp, const char *end, const char *what, struct dt_buf *out, char *why,
                  size_t whylen)
{
    const char *p = *pp;
    char c = *p++;
    for (size_t i = 0; i < sizeof simple_escapes / sizeof simple_escapes[0]; i++) {
        if (simple_escapes[i].name == c) {
            dt_buf_putc(out, simple_escapes[i].byte);
            *pp = p;
            return 0;
        }
    }
    unsigned long v;
    int digits = c == 'x' ? 2 : c == 'u' ? 4 : c == 'U' ? 8 : 0;
    if (digits == 0) {
        char shown = (c > 0x20 && c < 0x7f) ? c : '?';
        return dt_seterr(why, whylen, DT_EINVAL,
                         "unknown escape '\\%c' in %s (write \\\\ for a backslash)", shown, what);
    }
    if (read_hex(p, end, digits, &v) != 0)
        return dt_seterr(why, whylen, DT_EINVAL, "'\\%c' in %s needs %d hex digits", c, what,
                         digits);
    if (v == 0)
        return dt_seterr(why, whylen, DT_EINVAL, "%s may not hold a NUL byte", what);
    if (c == 'x') {
        dt_buf_putc(out, (char)v);
    } else {
        if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
            return dt_seterr(why, whylen, DT_EINVAL, "'\\%c' in %s is not a Unicode code point", c,
                             what);
        put_utf8(out, v);
    }
    *pp = p + digits;
    return 0;
}

int scen_quoted(const char **pp, const char *end, const char *what, size_t cap, struct dt_buf *out,
                char *why, size_t whylen)
{
    const char *p = *pp + 1;
    size_t start = out->len;
    dt_buf_append(out, "", 0);
    while (p < end && *p != '"') {
        if (*p != '\\') {
            dt_buf_putc(out, *p++);
        } else if (++p >= end) {
            break;
        } else if (escape(&p, end, what, out, why, whylen) != 0) {
            return -1;
        }
        if (out->len - start > cap)
            return dt_seterr(why, whylen, DT_EINVAL, "%s is longer than %zu bytes", what, cap);
    }
    if (p >= end)
        return dt_seterr(why, whylen, DT_EINVAL, "%s: missing closing quote", what);
    *pp = p + 1;
    return 0;
}

/* After a value: only blanks, then the end or a comment. */
static int rest_is_empty(const char *p, const char *end)
{
    while (p < end && is_blank(*p))
        p++;
    return p == end || *p == ';' || *p == '#';
}

int scen_value(const char *p, const char *end, const char *what, size_t cap, struct dt_buf *out,
               int *quoted, char *why, size_t whylen)
{
    dt_buf_reset(out);
    dt_buf_append(out, "", 0);
    while (p < end && is_blank(*p))
        p++;
    *quoted = p < end && *p == '"';
    if (*quoted) {
        if (scen_quoted(&p, end, what, cap, out, why, whylen) != 0)
            return -1;
        if (!rest_is_empty(p, end))
            return dt_seterr(why, whylen, DT_EINVAL, "unexpected text after the quoted %s", what);
        return 0;
    }
    /* Bare text ends where inih's inline comments begin: a ';' after a blank. */
    const char *e = p;
    while (e < end && !(*e == ';' && e > p && is_blank(e[-1])))
        e++;
    while (e > p && is_blank(e[-1]))
        e--;
    if ((size_t)(e - p) > cap)
        return dt_seterr(why, whylen, DT_EINVAL, "%s is longer than %zu bytes", what, cap);
    dt_buf_append(out, p, (size_t)(e - p));
    return 0;
}

int scen_tokens(const char *p, const char *end, size_t cap, struct dt_buf *out, size_t *starts,
                int *quoted, int max, char *why, size_t whylen)
{
    int n = 0;
    dt_buf_reset(out);
    for (;;) {
        while (p < end && is_blank(*p))
            p++;
        if (p == end || *p == ';' || *p == '#')
            return n;
        if (n == max)
            return dt_seterr(why, whylen, DT_EINVAL, "too many words (at most %d)", max);
        starts[n] = out->len;
        quoted[n] = *p == '"';
        if (quoted[n]) {
            if (scen_quoted(&p, end, "name", cap, out, why, whylen) != 0)
                return -1;
            if (p < end && !is_blank(*p))
                return dt_seterr(why, whylen, DT_EINVAL, "unexpected text after a quoted name");
        } else {
            const char *s = p;
            while (p < end && !is_blank(*p))
                p++;
            dt_buf_append(out, s, (size_t)(p - s));
        }
        dt_buf_putc(out, '\0');
        n++;
    }
}

int scen_number(const char *s, double min, double max, double *out)
{
    double v = 0, scale = 1;
    int digits = 0, dot = 0;
    for (; *s; s++) {
        if (*s == '.' && !dot) {
            dot = 1;
        } else if (is_digit(*s) && digits < 15) {
            digits++;
            if (dot) {
                scale /= 10;
                v += (*s - '0') * scale;
            } else {
                v = v * 10 + (*s - '0');
            }
        } else {
            return -1;
        }
    }
    if (digits == 0 || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int scen_duration(const char *s, double max, double *out)
{
    char num[32];
    size_t n = strlen(s);
    double unit = 1;
    if (n > 0 && strchr("smh", s[n - 1])) {
        unit = s[n - 1] == 's' ? 1 : s[n - 1] == 'm' ? 60 : 3600;
        n--;
    }
    if (n == 0 || n >= sizeof num)
        return -1;
    memcpy(num, s, n);
    num[n] = '\0';
    double v;
    if (scen_number(num, 0, max / unit, &v) != 0)
        return -1;
    *out = v * unit;
    return 0;
}

int scen_range(const char *s, double min, double max, double *lo, double *hi)
{
    char a[32];
    const char *dash = strchr(s, '-');
    if (!dash)
        return scen_number(s, min, max, lo) == 0 ? (*hi = *lo, 0) : -1;
    size_t n = (size_t)(dash - s);
    if (n >= sizeof a)
        return -1;
    memcpy(a, s, n);
    a[n] = '\0';
    /* Blanks around the dash are allowed: "20 - 90". */
    while (n > 0 && is_blank(a[n - 1]))
        a[--n] = '\0';
    const char *b = dash + 1;
    while (is_blank(*b))
        b++;
    double x, y;
    if (scen_number(a, min, max, &x) != 0 || scen_number(b, min, max, &y) != 0 || x > y)
        return -1;
    *lo = x;
    *hi = y;
    return 0;
}

int scen_digits_ok(const char *s)
{
    size_t n = strlen(s);
    return n > 0 && n <= DT_SIM_DIGITS_MAX && strspn(s, "0123456789*#") == n;
}

static int name_char(char c, int first)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || (!first && is_digit(c));
}

int scen_expand(const char *s, sim_scenario_lookup_fn lookup, void *ctx, struct dt_buf *out,
                char *why, size_t whylen)
{
    dt_buf_reset(out);
    dt_buf_append(out, "", 0);
    while (*s) {
        if (s[0] != '$' || s[1] != '{') {
            dt_buf_putc(out, *s++);
            continue;
        }
        const char *name = s + 2, *e = name;
        while (name_char(*e, e == name))
            e++;
        size_t n = (size_t)(e - name);
        const char *def = NULL, *close;
        if (e[0] == ':' && e[1] == '-') {
            def = e + 2;
            close = strchr(def, '}');
        } else {
            close = *e == '}' ? e : NULL;
        }
        if (n == 0 || n > 64 || !close)
            return dt_seterr(why, whylen, DT_EINVAL,
                             "bad variable: write ${NAME} or ${NAME:-default}");
        char var[65];
        memcpy(var, name, n);
        var[n] = '\0';
        const char *v = lookup ? lookup(var, ctx) : NULL;
        if (v && *v)
            dt_buf_puts(out, v);
        else if (def)
            dt_buf_append(out, def, (size_t)(close - def));
        else
            return dt_seterr(why, whylen, DT_EINVAL,
                             "variable %s is not set (write ${%s:-default})", var, var);
        s = close + 1;
        if (out->len > DT_SIM_URL_MAX)
            break;
    }
    return 0;
}

/* 1 if s[0..n) is 1-256 characters of a client identity. */
static int identity_ok(const char *s, size_t n)
{
    if (n == 0 || n > 256)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!name_char(c, 0) && !strchr(".-@", c))
            return 0;
    }
    return 1;
}

/* 1 if s[0..n) is the part of a SIP URI after "sip:": 1-256 printable ASCII characters,
 * none of blanks, quotes, '<', '>' or '*'. */
static int sip_ok(const char *s, size_t n)
{
    if (n == 0 || n > 256)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c >= 0x7f || strchr("\"'<>*\\", c))
            return 0;
    }
    return 1;
}

int scen_pattern_ok(const char *s)
{
    size_t n = strlen(s);
    int star = n > 0 && s[n - 1] == '*';
    size_t m = star ? n - 1 : n; /* without the star */
    if (star && m == 0)
        return 1; /* "*": every destination */
    if (s[0] == '+') {
        if (!star)
            return valid_e164(s, n);
        if (m > 16 || (m > 1 && s[1] == '0'))
            return 0;
        return strspn(s + 1, "0123456789") == m - 1;
    }
    if (strncmp(s, "client:", 7) == 0)
        return (star && m == 7) || identity_ok(s + 7, m - 7);
    if (strncmp(s, "sip:", 4) == 0)
        return (star && m == 4) || sip_ok(s + 4, m - 4);
    return 0;
}
