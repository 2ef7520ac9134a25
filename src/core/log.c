/*
 * log: the process-wide logger. See dialtone/log.h.
 *
 * One mutex guards the output, the registered secrets and the static work buffers, so a line
 * is formatted, redacted, escaped and written in one piece. The threshold is an atomic so that
 * a dropped message costs no lock. Redaction marks the bytes to hide in a mask first
 * (registered secrets, then credential shapes), and escaping then turns every masked run
 * into one DT_LOG_REDACTED while it copies the rest.
 */
#include "dialtone/log.h"
#include "dialtone/util.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

/* The formatted message is scanned up to this size; longer ones are cut (see sanitize). */
#define SCAN_MAX 16384

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int log_threshold = DT_LOG_INFO;
static FILE *log_file; /* NULL and log_fd < 0: stderr */
static int log_fd = -1;
static char *log_secrets[DT_LOG_SECRETS];
static size_t log_secret_lens[DT_LOG_SECRETS];
static size_t log_nsecrets;
/* Work buffers, used only with log_lock held. */
static char scan_buf[SCAN_MAX];
static unsigned char scan_mask[SCAN_MAX];
static char line_buf[DT_LOG_LINE_MAX + 1];

static const struct {
    const char *name;
    const char *tag; /* as printed in a line, padded to five */
} level_names[] = {
    [DT_LOG_ERROR] = {.name = "error", .tag = "ERROR"},
    [DT_LOG_WARN] = {.name = "warn", .tag = "WARN "},
    [DT_LOG_INFO] = {.name = "info", .tag = "INFO "},
    [DT_LOG_DEBUG] = {.name = "debug", .tag = "DEBUG"},
};

/* Keys whose value is always hidden when followed by '=' or ':'; matched case-insensitively
 * as the end of a word, so "AuthToken", "auth_token" and "X-Auth-Token" all end in "token". */
static const char *const secret_keys[] = {"token", "secret", "password"};

static enum log_level clamp_level(enum log_level level)
{
    if ((int)level < DT_LOG_ERROR)
        return DT_LOG_ERROR;
    if ((int)level > DT_LOG_DEBUG)
        return DT_LOG_DEBUG;
    return level;
}

int log_level_parse(const char *name, enum log_level *out)
{
    if (!name)
        return DT_EINVAL;
    for (int i = DT_LOG_ERROR; i <= DT_LOG_DEBUG; i++) {
        if (strcasecmp(name, level_names[i].name) == 0) {
            *out = (enum log_level)i;
            return DT_OK;
        }
    }
    if (strcasecmp(name, "warning") == 0) {
        *out = DT_LOG_WARN;
        return DT_OK;
    }
    return DT_EINVAL;
}

const char *log_level_name(enum log_level level)
{
    if ((int)level < DT_LOG_ERROR || (int)level > DT_LOG_DEBUG)
        return "unknown";
    return level_names[level].name;
}

void log_set_level(enum log_level level)
{
    atomic_store(&log_threshold, (int)clamp_level(level));
}

enum log_level log_get_level(void)
{
    return (enum log_level)atomic_load(&log_threshold);
}

int log_enabled(enum log_level level)
{
    return (int)level <= atomic_load(&log_threshold);
}

void log_set_output(FILE *f)
{
    pthread_mutex_lock(&log_lock);
    log_file = f;
    log_fd = -1;
    pthread_mutex_unlock(&log_lock);
}

void log_set_output_fd(int fd)
{
    pthread_mutex_lock(&log_lock);
    log_file = NULL;
    log_fd = fd;
    pthread_mutex_unlock(&log_lock);
}

static void wipe(void *p, size_t n)
{
    volatile unsigned char *v = p;
    while (n--)
        *v++ = 0;
}

int log_add_secret(const char *s)
{
    if (!s || !*s)
        return DT_EINVAL;
    size_t len = strnlen(s, DT_LOG_SECRET_MAX + 1);
    if (len > DT_LOG_SECRET_MAX)
        return DT_ETOOBIG;
    int rc = DT_OK;
    pthread_mutex_lock(&log_lock);
    size_t i;
    for (i = 0; i < log_nsecrets; i++) {
        if (log_secret_lens[i] == len && memcmp(log_secrets[i], s, len) == 0)
            break;
    }
    if (i == log_nsecrets) {
        if (log_nsecrets == DT_LOG_SECRETS) {
            rc = DT_ETOOBIG;
        } else {
            log_secrets[log_nsecrets] = xstrndup(s, len);
            log_secret_lens[log_nsecrets++] = len;
        }
    }
    pthread_mutex_unlock(&log_lock);
    return rc;
}

void log_clear_secrets(void)
{
    pthread_mutex_lock(&log_lock);
    for (size_t i = 0; i < log_nsecrets; i++) {
        wipe(log_secrets[i], log_secret_lens[i]);
        free(log_secrets[i]);
        log_secrets[i] = NULL;
        log_secret_lens[i] = 0;
    }
    log_nsecrets = 0;
    pthread_mutex_unlock(&log_lock);
}

/* ---- redaction ----------------------------------------------------------------------------- */

static void mask_secrets(const char *s, size_t n, unsigned char *m)
{
    for (size_t k = 0; k < log_nsecrets; k++) {
        const char *sec = log_secrets[k];
        size_t len = log_secret_lens[k];
        for (size_t i = 0; len <= n && i <= n - len; i++) {
            if (s[i] == sec[0] && memcmp(s + i, sec, len) == 0)
                memset(m + i, 1, len);
        }
    }
}

static int match_ci(const char *s, size_t n, size_t i, const char *word)
{
    size_t len = strlen(word);
    return len <= n - i && strncasecmp(s + i, word, len) == 0;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static int is_quote(char c)
{
    return c == '"' || c == '\'';
}

/* Ends an unquoted credential: whitespace, controls, quotes and list separators. */
static int ends_value(char c)
{
    unsigned char u = (unsigned char)c;
    return u <= 0x20 || u == 0x7f || is_quote(c) || c == '&' || c == ',' || c == ';';
}

static size_t skip_blanks(const char *s, size_t n, size_t j)
{
    while (j < n && is_blank(s[j]))
        j++;
    return j;
}

/* From just after a key: an optional closing quote, then '=' or ':'. Returns the index after
 * the separator and the blanks that follow it, or 0 when there is no separator. */
static size_t after_separator(const char *s, size_t n, size_t j)
{
    if (j < n && is_quote(s[j]))
        j++;
    j = skip_blanks(s, n, j);
    if (j >= n || (s[j] != '=' && s[j] != ':'))
        return 0;
    return skip_blanks(s, n, j + 1);
}

/* Masks the value starting at j: up to the matching quote when quoted, else to ends_value(). */
static void mask_value(const char *s, size_t n, size_t j, unsigned char *m)
{
    size_t start = j;
    if (j < n && is_quote(s[j])) {
        char q = s[j];
        start = ++j;
        while (j < n && s[j] != q && (unsigned char)s[j] >= 0x20)
            j++;
    } else {
        while (j < n && !ends_value(s[j]))
            j++;
    }
    memset(m + start, 1, j - start);
}

/* After "Authorization": keeps a scheme word (Basic, Bearer...) and masks the credentials. */
static void mask_authorization(const char *s, size_t n, size_t j, unsigned char *m)
{
    j = after_separator(s, n, j);
    if (j == 0)
        return;
    if (j < n && is_quote(s[j]))
        j++;
    size_t w = j;
    while (j < n && j - w <= 16 && ((s[j] >= 'A' && s[j] <= 'Z') || (s[j] >= 'a' && s[j] <= 'z')))
        j++;
    size_t v = skip_blanks(s, n, j);
    if (j > w && v > j && v < n && !ends_value(s[v]))
        w = v;
    j = w;
    while (j < n && !ends_value(s[j]))
        j++;
    memset(m + w, 1, j - w);
}

/* After "://": masks the password in "user:password@host". */
static void mask_userinfo(const char *s, size_t n, size_t j, unsigned char *m)
{
    size_t k = j, colon = 0;
    while (k < n && s[k] != '@' && s[k] != '/' && s[k] != '?' && s[k] != '#' && !ends_value(s[k])) {
        if (s[k] == ':' && !colon)
            colon = k;
        k++;
    }
    if (k < n && s[k] == '@' && colon)
        memset(m + colon + 1, 1, k - colon - 1);
}

static void mask_shapes(const char *s, size_t n, unsigned char *m)
{
    for (size_t i = 0; i < n; i++) {
        if (match_ci(s, n, i, "authorization")) {
            mask_authorization(s, n, i + 13, m);
            continue;
        }
        if (match_ci(s, n, i, "://")) {
            mask_userinfo(s, n, i + 3, m);
            continue;
        }
        for (size_t k = 0; k < sizeof secret_keys / sizeof secret_keys[0]; k++) {
            if (match_ci(s, n, i, secret_keys[k])) {
                size_t j = after_separator(s, n, i + strlen(secret_keys[k]));
                if (j)
                    mask_value(s, n, j, m);
            }
        }
    }
}

/* ---- escaping ------------------------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at s (none of it masked), or 0. */
static size_t utf8_len(const unsigned char *s, const unsigned char *m, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    unsigned char lo = 0x80, hi = 0xbf; /* allowed range of the second byte */
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        if (c == 0xe0)
            lo = 0xa0; /* overlong */
        if (c == 0xed)
            hi = 0x9f; /* surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        if (c == 0xf0)
            lo = 0x90;
        if (c == 0xf4)
            hi = 0x8f;
    } else {
        return 0;
    }
    if (len > n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80 || m[i])
            return 0;
    }
    return len;
}

struct out {
    char *p;
    size_t cap; /* bytes usable before the NUL */
    size_t len;
    size_t mark; /* last token boundary that leaves room for DT_LOG_TRUNCATED */
    int full;
};

static void put(struct out *o, const char *s, size_t n)
{
    if (o->full)
        return;
    if (n > o->cap - o->len) {
        o->full = 1;
        return;
    }
    memcpy(o->p + o->len, s, n);
    o->len += n;
    if (o->len + strlen(DT_LOG_TRUNCATED) <= o->cap)
        o->mark = o->len;
}

/* Writes "\xHH" for each of the n bytes as one piece, so a cut never splits it. */
static void put_hex(struct out *o, const unsigned char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    char e[16];
    for (size_t i = 0; i < n && i < 4; i++) {
        e[4 * i] = '\\';
        e[4 * i + 1] = 'x';
        e[4 * i + 2] = hex[s[i] >> 4];
        e[4 * i + 3] = hex[s[i] & 15];
    }
    put(o, e, 4 * (n < 4 ? n : 4));
}

/* Copies one character (or masked run) from s; returns how many input bytes it took. */
static size_t put_char(struct out *o, const unsigned char *s, const unsigned char *m, size_t n)
{
    if (m[0]) {
        size_t k = 1;
        while (k < n && m[k])
            k++;
        put(o, DT_LOG_REDACTED, strlen(DT_LOG_REDACTED));
        return k;
    }
    unsigned char c = s[0];
    if (c == '\\' || c == '\n' || c == '\r' || c == '\t') {
        char e[2] = {'\\', c == '\\' ? '\\' : c == '\n' ? 'n' : c == '\r' ? 'r' : 't'};
        put(o, e, 2);
        return 1;
    }
    if (c < 0x20 || c == 0x7f) {
        put_hex(o, s, 1);
        return 1;
    }
    if (c < 0x80) {
        put(o, (const char *)s, 1);
        return 1;
    }
    size_t len = utf8_len(s, m, n);
    if (len == 0) {
        put_hex(o, s, 1);
        return 1;
    }
    if (len == 2 && c == 0xc2 && s[1] < 0xa0) { /* C1 control, U+0080..U+009F */
        put_hex(o, s, 2);
        return 2;
    }
    put(o, (const char *)s, len);
    return len;
}

/*
 * Redacts and escapes msg[0..len) into out. When cut is set the message was already cut at
 * len, so the last DT_LOG_SECRET_MAX bytes are dropped too (a secret that straddled the cut
 * would not be recognised there) and the result is marked as truncated. Lock held.
 */
static size_t sanitize_locked(const char *msg, size_t len, int cut, char *out, size_t outlen)
{
    if (outlen == 0)
        return 0;
    memset(scan_mask, 0, len);
    mask_secrets(msg, len, scan_mask);
    mask_shapes(msg, len, scan_mask);
    struct out o = {.p = out, .cap = outlen - 1};
    size_t limit = len;
    if (cut)
        limit = len > DT_LOG_SECRET_MAX ? len - DT_LOG_SECRET_MAX : 0;
    const unsigned char *s = (const unsigned char *)msg;
    for (size_t i = 0; i < limit && !o.full;)
        i += put_char(&o, s + i, scan_mask + i, limit - i);
    if (o.full || cut) {
        o.full = 0;
        o.len = o.mark;
        put(&o, DT_LOG_TRUNCATED, strlen(DT_LOG_TRUNCATED));
        if (o.full) /* outlen too small even for the marker */
            o.len = 0;
    }
    out[o.len] = '\0';
    return o.len;
}

size_t log_sanitize(const char *msg, size_t len, char *out, size_t outlen)
{
    int cut = 0;
    if (len > SCAN_MAX) {
        len = SCAN_MAX;
        cut = 1;
    }
    pthread_mutex_lock(&log_lock);
    size_t n = sanitize_locked(msg, len, cut, out, outlen);
    pthread_mutex_unlock(&log_lock);
    return n;
}

/* ---- output -------------------------------------------------------------------------------- */

static void write_locked(const char *p, size_t n)
{
    if (log_file || log_fd < 0) {
        FILE *f = log_file ? log_file : stderr;
        fwrite(p, 1, n, f);
        fflush(f);
        return;
    }
    while (n > 0) {
        ssize_t w = write(log_fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

/* "2025-01-02T03:04:05.678Z INFO  " into buf; returns its length. */
static size_t format_header(char *buf, size_t size, enum log_level level)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    int n = snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ %s ", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                     (int)(ts.tv_nsec / 1000000), level_names[level].tag);
    return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

void log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
    level = clamp_level(level);
    if (!log_enabled(level))
        return;
    int saved_errno = errno;
    char header[64];
    size_t hl = format_header(header, sizeof header, level);

    pthread_mutex_lock(&log_lock);
    int n = vsnprintf(scan_buf, sizeof scan_buf, fmt, ap);
    size_t len = n < 0 ? 0 : (size_t)n;
    int cut = 0;
    if (len >= sizeof scan_buf) {
        len = sizeof scan_buf - 1;
        cut = 1;
    }
    if (!cut && len > 0 && scan_buf[len - 1] == '\n')
        len--;
    memcpy(line_buf, header, hl);
    size_t m = sanitize_locked(scan_buf, len, cut, line_buf + hl, DT_LOG_LINE_MAX - hl);
    line_buf[hl + m] = '\n';
    write_locked(line_buf, hl + m + 1);
    pthread_mutex_unlock(&log_lock);
    errno = saved_errno;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vmsg(level, fmt, ap);
    va_end(ap);
}

#define LOG_AT(fn, level)                                                                          \
    void fn(const char *fmt, ...)                                                                  \
    {                                                                                              \
        va_list ap;                                                                                \
        va_start(ap, fmt);                                                                         \
        log_vmsg(level, fmt, ap);                                                                  \
        va_end(ap);                                                                                \
    }

LOG_AT(log_error, DT_LOG_ERROR)
LOG_AT(log_warn, DT_LOG_WARN)
LOG_AT(log_info, DT_LOG_INFO)
LOG_AT(log_debug, DT_LOG_DEBUG)
