/*
 * config_value: the table of configuration keys and the parser of each kind of value. A new
 * key is a new row in config_keys. See dialtone/config.h for the keys and their ranges.
 */
#include "core/config_internal.h"
#include "dialtone/inifile.h"
#include "dialtone/util.h"
#include "dialtone/valid.h"

#include <arpa/inet.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define INT_DIGITS 10 /* whole numbers: at most this many digits */

#define TW(f)                                                                                      \
    .sec = CONFIG_SEC_TWILIO, .off = offsetof(struct config, twilio.f),                            \
    .size = sizeof(((struct config *)0)->twilio.f)
#define SV(f)                                                                                      \
    .sec = CONFIG_SEC_SERVER, .off = offsetof(struct config, server.f),                            \
    .size = sizeof(((struct config *)0)->server.f)
#define QU(f)                                                                                      \
    .sec = CONFIG_SEC_QUEUE, .off = offsetof(struct config_queue, f),                              \
    .size = sizeof(((struct config_queue *)0)->f)
#define RT(f)                                                                                      \
    .sec = CONFIG_SEC_RETRY, .off = offsetof(struct config, retry.f),                              \
    .size = sizeof(((struct config *)0)->retry.f)
#define RN(f)                                                                                      \
    .sec = CONFIG_SEC_RETENTION, .off = offsetof(struct config, retention.f),                      \
    .size = sizeof(((struct config *)0)->retention.f)
#define IV(f)                                                                                      \
    .sec = CONFIG_SEC_IVR, .off = offsetof(struct config, ivr.f),                                  \
    .size = sizeof(((struct config *)0)->ivr.f)
/* The hours' keys point at the whole struct config_hours: of [hours] (HOURS, struct
 * config) or of a queue (QUEUE, struct config_queue). */
#define HK(S, T, n, k, d)                                                                          \
    {                                                                                              \
        .sec = CONFIG_SEC_##S, .off = offsetof(struct T, hours), .name = n, .kind = k, .min = d    \
    }
#define HOURS_KEYS(S, T)                                                                           \
    HK(S, T, "timezone", CONFIG_K_TZ, 0), HK(S, T, "sun", CONFIG_K_DAY, 0),                        \
        HK(S, T, "mon", CONFIG_K_DAY, 1), HK(S, T, "tue", CONFIG_K_DAY, 2),                        \
        HK(S, T, "wed", CONFIG_K_DAY, 3), HK(S, T, "thu", CONFIG_K_DAY, 4),                        \
        HK(S, T, "fri", CONFIG_K_DAY, 5), HK(S, T, "sat", CONFIG_K_DAY, 6),                        \
        HK(S, T, "holidays", CONFIG_K_HOLIDAYS, 0),                                                \
        HK(S, T, "closed_message", CONFIG_K_MESSAGE, 0)

static const struct config_key config_keys[] = {
    {TW(account_sid), .name = "account_sid", .kind = CONFIG_K_SID, .prefix = "AC"},
    {TW(auth_token), .name = "auth_token", .kind = CONFIG_K_SECRET},
    {TW(api_key_sid), .name = "api_key_sid", .kind = CONFIG_K_SID, .prefix = "SK"},
    {TW(api_key_secret), .name = "api_key_secret", .kind = CONFIG_K_SECRET},
    {TW(numbers), .name = "numbers", .kind = CONFIG_K_NUMBERS},
    {TW(public_base_url), .name = "public_base_url", .kind = CONFIG_K_URL},
    {TW(api_base_url), .name = "api_base_url", .kind = CONFIG_K_URL},
    {SV(listen), .name = "listen", .kind = CONFIG_K_LISTEN},
    {SV(port), .name = "port", .kind = CONFIG_K_INT, .min = 0, .max = 65535},
    {SV(database), .name = "database", .kind = CONFIG_K_TEXT},
    {SV(log_level), .name = "log_level", .kind = CONFIG_K_LEVEL},
    {SV(max_body), .name = "max_body", .kind = CONFIG_K_SIZE, .min = 1024, .max = 16777216},
    {QU(routing), .name = "routing", .kind = CONFIG_K_ROUTING},
    {QU(max_wait), .name = "max_wait", .kind = CONFIG_K_INT, .min = 10, .max = 86400},
    {QU(wrapup), .name = "wrapup", .kind = CONFIG_K_INT, .min = 0, .max = 3600},
    {QU(reservation_timeout), .name = "reservation_timeout", .kind = CONFIG_K_INT, .min = 5,
     .max = 600},
    {QU(service_level), .name = "service_level", .kind = CONFIG_K_INT, .min = 1, .max = 3600},
    {QU(service_level_target), .name = "service_level_target", .kind = CONFIG_K_INT, .min = 1,
     .max = 100},
    {QU(short_abandon), .name = "short_abandon", .kind = CONFIG_K_INT, .min = 0, .max = 3600},
    {QU(long_wait), .name = "long_wait", .kind = CONFIG_K_INT, .min = 0, .max = 86400},
    {QU(missed_offers_limit), .name = "missed_offers_limit", .kind = CONFIG_K_INT, .min = 0,
     .max = 100},
    {QU(hold_music_url), .name = "hold_music_url", .kind = CONFIG_K_URL},
    HOURS_KEYS(QUEUE, config_queue),
    HOURS_KEYS(HOURS, config),
    {IV(prompt), .name = "prompt", .kind = CONFIG_K_TEXT},
    {IV(timeout), .name = "timeout", .kind = CONFIG_K_INT, .min = 1, .max = 60},
    {IV(fallback), .name = "default", .kind = CONFIG_K_NAME},
    {.sec = CONFIG_SEC_WALLBOARD,
     .off = offsetof(struct config, wallboard.day_reset),
     .name = "day_reset",
     .kind = CONFIG_K_CLOCK},
    {.sec = CONFIG_SEC_WALLBOARD,
     .off = offsetof(struct config, wallboard),
     .name = "timezone",
     .kind = CONFIG_K_ZONE},
    {RT(policy.delay), .name = "delay", .kind = CONFIG_K_INT, .min = 0, .max = 86400},
    {RT(policy.max_attempts), .name = "max_attempts", .kind = CONFIG_K_INT, .min = 1,
     .max = RETRY_MAX_ATTEMPTS},
    {RT(policy.busy_callback), .name = "busy_callback", .kind = CONFIG_K_INT, .min = 0,
     .max = 86400},
    {RT(flag_after), .name = "flag_after", .kind = CONFIG_K_INT, .min = 0, .max = 100},
    {RN(events_days), .name = "events_days", .kind = CONFIG_K_DAYS, .min = 1,
     .max = DT_CONFIG_RETENTION_MAX_DAYS},
    {RN(webhook_log_days), .name = "webhook_log_days", .kind = CONFIG_K_DAYS, .min = 1,
     .max = DT_CONFIG_RETENTION_MAX_DAYS},
};

_Static_assert(sizeof config_keys / sizeof config_keys[0] <= 64, "seen-key mask is 64 bits");

const struct config_key *config_key_find(enum config_sec sec, const char *name, unsigned *index)
{
    for (unsigned i = 0; i < sizeof config_keys / sizeof config_keys[0]; i++) {
        if (config_keys[i].sec == sec && strcmp(config_keys[i].name, name) == 0) {
            if (index)
                *index = i;
            return &config_keys[i];
        }
    }
    return NULL;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_alnum(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int has_control(const char *s)
{
    for (; *s; s++) {
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 1;
    }
    return 0;
}

int config_name_ok(const char *s, size_t n)
{
    if (n == 0 || n >= DT_CONFIG_NAME_SIZE)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '_')
            return 0;
    }
    return 1;
}

void config_queue_defaults(struct config_queue *q, const char *name, size_t n)
{
    memset(q, 0, sizeof *q);
    if (n >= sizeof q->name)
        n = sizeof q->name - 1;
    memcpy(q->name, name, n);
    q->routing = DT_ROUTING_RINGALL;
    q->max_wait = 300;
    q->wrapup = 30;
    q->reservation_timeout = 30;
    q->service_level = 20;
    q->service_level_target = 80;
    q->short_abandon = 5;
    q->long_wait = 60;
    q->missed_offers_limit = 3;
}

static int set_text(char *dst, size_t size, const char *name, const char *v, char *why,
                    size_t whylen)
{
    if (has_control(v))
        return dt_seterr(why, whylen, DT_EINVAL, "%s contains a control character", name);
    if (strlen(v) >= size)
        return dt_seterr(why, whylen, DT_EINVAL, "%s is too long (at most %zu bytes)", name,
                         size - 1);
    dt_strlcpy(dst, v, size);
    return 0;
}

static int add_numbers(struct config_twilio *tw, const char *v, char *why, size_t whylen)
{
    int entry = 0;
    const char *p = v;
    for (;;) {
        entry++;
        size_t n = strcspn(p, ",");
        const char *s = p;
        size_t len = n;
        while (len > 0 && (*s == ' ' || *s == '\t')) {
            s++;
            len--;
        }
        while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
            len--;
        if (!valid_e164(s, len))
            return dt_seterr(why, whylen, DT_EINVAL,
                             "numbers: entry %d is not an E.164 number ('+' and 8-15 digits)",
                             entry);
        for (size_t i = 0; i < tw->n_numbers; i++) {
            if (strlen(tw->numbers[i]) == len && memcmp(tw->numbers[i], s, len) == 0)
                return dt_seterr(why, whylen, DT_EINVAL,
                                 "numbers: entry %d repeats an earlier number", entry);
        }
        if (tw->n_numbers == DT_CONFIG_MAX_NUMBERS)
            return dt_seterr(why, whylen, DT_EINVAL, "numbers: more than %d numbers",
                             DT_CONFIG_MAX_NUMBERS);
        memcpy(tw->numbers[tw->n_numbers], s, len);
        tw->numbers[tw->n_numbers++][len] = '\0';
        if (p[n] == '\0')
            return 0;
        p += n + 1;
    }
}

/* "HH:MM" (00:00-24:00) at s, 5 bytes; minutes after midnight or -1. */
static int parse_hhmm(const char *s)
{
    if (!is_digit(s[0]) || !is_digit(s[1]) || s[2] != ':' || !is_digit(s[3]) || !is_digit(s[4]))
        return -1;
    int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
    if (h > 24 || m > 59 || (h == 24 && m != 0))
        return -1;
    return h * 60 + m;
}

static int parse_day(struct config_day *day, const char *v)
{
    struct config_day d = {0};
    if (strcmp(v, "closed") == 0) {
        *day = d;
        return 0;
    }
    const char *p = v;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (strlen(p) < 11 || p[5] != '-' || d.n_ranges == DT_CONFIG_MAX_RANGES)
            return -1;
        int start = parse_hhmm(p), end = parse_hhmm(p + 6);
        int prev_end = d.n_ranges ? d.ranges[d.n_ranges - 1].end : -1;
        if (start < 0 || end < 0 || start >= end || start < prev_end)
            return -1;
        d.ranges[d.n_ranges++] = (struct config_range){.start = start, .end = end};
        p += 11;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0')
            break;
        if (*p++ != ',')
            return -1;
    }
    *day = d;
    return 0;
}

int config_tz_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= DT_CONFIG_TZ_SIZE || s[0] == '/' || s[n - 1] == '/' || strstr(s, "//"))
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_alnum(s[i]) && !strchr("_+-/", s[i]))
            return 0;
    }
    return 1;
}

static int set_url(char *dst, size_t size, const char *name, const char *v, char *why,
                   size_t whylen)
{
    if (*v && !valid_url(v))
        return dt_seterr(why, whylen, DT_EINVAL,
                         "%s must be an http:// or https:// URL with a host, without spaces "
                         "or user:password@",
                         name);
    int rc = set_text(dst, size, name, v, why, whylen);
    if (rc == 0) {
        size_t n = strlen(dst);
        while (n > 0 && dst[n - 1] == '/') /* the host, which has no '/', stays */
            dst[--n] = '\0';
    }
    return rc;
}

static int set_simple(void *field, const struct config_key *k, const char *v, char *why,
                      size_t whylen)
{
    long n;
    switch (k->kind) {
    case CONFIG_K_INT:
        if (inifile_long(v, INT_DIGITS, k->min, k->max, &n) != 0)
            return dt_seterr(why, whylen, DT_EINVAL, "%s must be a whole number from %ld to %ld",
                             k->name, k->min, k->max);
        *(int *)field = (int)n;
        return 0;
    case CONFIG_K_DAYS:
        if (inifile_long(v, INT_DIGITS, 0, k->max, &n) != 0 || (n != 0 && n < k->min))
            return dt_seterr(why, whylen, DT_EINVAL,
                             "%s must be a whole number of days from %ld to %ld, or 0 to keep "
                             "for ever",
                             k->name, k->min, k->max);
        *(int *)field = (int)n;
        return 0;
    case CONFIG_K_SIZE:
        if (inifile_long(v, INT_DIGITS, k->min, k->max, &n) != 0)
            return dt_seterr(why, whylen, DT_EINVAL, "%s must be a whole number from %ld to %ld",
                             k->name, k->min, k->max);
        *(size_t *)field = (size_t)n;
        return 0;
    case CONFIG_K_LEVEL:
        if (log_level_parse(v, (enum log_level *)field) != 0)
            return dt_seterr(why, whylen, DT_EINVAL, "%s must be error, warn, info or debug",
                             k->name);
        return 0;
    case CONFIG_K_ROUTING:
        if (strcmp(v, "ringall") == 0)
            *(enum config_routing *)field = DT_ROUTING_RINGALL;
        else if (strcmp(v, "longest-idle") == 0)
            *(enum config_routing *)field = DT_ROUTING_LONGEST_IDLE;
        else
            return dt_seterr(why, whylen, DT_EINVAL, "%s must be ringall or longest-idle", k->name);
        return 0;
    default:
        return dt_seterr(why, whylen, DT_EINVAL, "%s: unsupported key", k->name);
    }
}

static int set_string(char *field, const struct config_key *k, const char *v, char *why,
                      size_t whylen)
{
    unsigned char addr[16];
    switch (k->kind) {
    case CONFIG_K_TEXT:
        if (*v == '\0')
            return dt_seterr(why, whylen, DT_EINVAL, "%s must not be empty", k->name);
        return set_text(field, k->size, k->name, v, why, whylen);
    case CONFIG_K_SECRET:
        return set_text(field, k->size, k->name, v, why, whylen);
    case CONFIG_K_SID:
        if (*v && !valid_sid(v, k->prefix))
            return dt_seterr(why, whylen, DT_EINVAL, "%s must be %s followed by 32 hex digits",
                             k->name, k->prefix);
        return set_text(field, k->size, k->name, v, why, whylen);
    case CONFIG_K_URL:
        return set_url(field, k->size, k->name, v, why, whylen);
    case CONFIG_K_LISTEN:
        if (inet_pton(AF_INET, v, addr) != 1 && inet_pton(AF_INET6, v, addr) != 1)
            return dt_seterr(why, whylen, DT_EINVAL,
                             "%s must be an IPv4 or IPv6 address, such as 127.0.0.1", k->name);
        return set_text(field, k->size, k->name, v, why, whylen);
    case CONFIG_K_NAME:
        if (!config_name_ok(v, strlen(v)))
            return dt_seterr(why, whylen, DT_EINVAL,
                             "%s must be a queue name: 1-%d letters, digits, '-' or '_'", k->name,
                             DT_CONFIG_NAME_SIZE - 1);
        return set_text(field, k->size, k->name, v, why, whylen);
    default:
        return dt_seterr(why, whylen, DT_EINVAL, "%s: unsupported key", k->name);
    }
}

/* Loads zone v into *zone and its name into name (DT_CONFIG_TZ_SIZE bytes). */
static int load_zone(char *name, struct config_zone **zone, const struct config_key *k,
                     const char *v, char *why, size_t whylen)
{
    if (!config_tz_name_ok(v) || strlen(v) >= DT_CONFIG_TZ_SIZE)
        return dt_seterr(why, whylen, DT_EINVAL,
                         "%s must be a time zone name such as UTC or Europe/London", k->name);
    struct config_zone *z;
    char reason[160];
    if (config_zone_load(v, &z, reason, sizeof reason) != DT_OK)
        return dt_seterr(why, whylen, DT_EINVAL, "%s: %s", k->name, reason);
    config_zone_free(*zone);
    *zone = z;
    dt_strlcpy(name, v, DT_CONFIG_TZ_SIZE);
    return 0;
}

static int set_zone(struct config_hours *h, const struct config_key *k, const char *v, char *why,
                    size_t whylen)
{
    return load_zone(h->timezone, &h->zone, k, v, why, whylen);
}

/* "HH:MM" (00:00-23:59) as a minute of the day, or -1. */
static int parse_clock(const char *s)
{
    if (strlen(s) != 5 || !is_digit(s[0]) || !is_digit(s[1]) || s[2] != ':' || !is_digit(s[3]) ||
        !is_digit(s[4]))
        return -1;
    int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
    return h < 24 && m < 60 ? h * 60 + m : -1;
}

/* "YYYY-MM-DD" (10 bytes) or "MM-DD" (5 bytes) at s: YYYYMMDD or MMDD, -1 if neither. */
static int parse_date(const char *s, size_t n)
{
    int y = 0;
    if (n == 10) {
        for (int i = 0; i < 4; i++) {
            if (!is_digit(s[i]))
                return -1;
            y = y * 10 + (s[i] - '0');
        }
        if (s[4] != '-' || y < 1970)
            return -1;
        s += 5;
        n -= 5;
    }
    if (n != 5 || !is_digit(s[0]) || !is_digit(s[1]) || s[2] != '-' || !is_digit(s[3]) ||
        !is_digit(s[4]))
        return -1;
    int m = (s[0] - '0') * 10 + (s[1] - '0'), d = (s[3] - '0') * 10 + (s[4] - '0');
    static const int max_day[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1 || d > max_day[m])
        return -1;
    if (y && m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return -1;
    return y * 10000 + m * 100 + d;
}

static int add_holidays(struct config_hours *h, const char *v, char *why, size_t whylen)
{
    int entry = 0;
    for (const char *p = v;; p++) {
        entry++;
        size_t n = strcspn(p, ",");
        const char *s = p;
        size_t len = n;
        while (len > 0 && (*s == ' ' || *s == '\t'))
            s++, len--;
        while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
            len--;
        int date = parse_date(s, len);
        if (date < 0)
            return dt_seterr(why, whylen, DT_EINVAL,
                             "holidays: entry %d is not a date YYYY-MM-DD or MM-DD", entry);
        if (h->n_holidays == DT_CONFIG_MAX_HOLIDAYS)
            return dt_seterr(why, whylen, DT_EINVAL, "holidays: more than %d dates",
                             DT_CONFIG_MAX_HOLIDAYS);
        h->holidays[h->n_holidays++] = date;
        p += n;
        if (*p == '\0')
            return 0;
    }
}

/* The hours' keys, on the struct config_hours h. */
static int set_hours(struct config_hours *h, const struct config_key *k, const char *v, char *why,
                     size_t whylen)
{
    switch (k->kind) {
    case CONFIG_K_TZ:
        return set_zone(h, k, v, why, whylen);
    case CONFIG_K_DAY:
        if (parse_day(&h->days[k->min], v) != 0)
            return dt_seterr(why, whylen, DT_EINVAL,
                             "%s must be closed or up to %d ranges HH:MM-HH:MM in ascending order",
                             k->name, DT_CONFIG_MAX_RANGES);
        h->configured = 1;
        return 0;
    case CONFIG_K_HOLIDAYS:
        return add_holidays(h, v, why, whylen);
    default: /* CONFIG_K_MESSAGE */
        if (*v == '\0')
            return dt_seterr(why, whylen, DT_EINVAL, "%s must not be empty", k->name);
        return set_text(h->closed_message, sizeof h->closed_message, k->name, v, why, whylen);
    }
}

int config_key_set(struct config *cfg, size_t queue, const struct config_key *k, const char *value,
                   char *why, size_t whylen)
{
    char *base = k->sec == CONFIG_SEC_QUEUE ? (char *)&cfg->queues[queue] : (char *)cfg;
    char *field = base + k->off;
    switch (k->kind) {
    case CONFIG_K_NUMBERS:
        return add_numbers(&cfg->twilio, value, why, whylen);
    case CONFIG_K_TZ:
    case CONFIG_K_DAY:
    case CONFIG_K_HOLIDAYS:
    case CONFIG_K_MESSAGE:
        return set_hours((struct config_hours *)field, k, value, why, whylen);
    case CONFIG_K_INT:
    case CONFIG_K_DAYS:
    case CONFIG_K_SIZE:
    case CONFIG_K_LEVEL:
    case CONFIG_K_ROUTING:
        return set_simple(field, k, value, why, whylen);
    case CONFIG_K_CLOCK: {
        int m = parse_clock(value);
        if (m < 0)
            return dt_seterr(why, whylen, DT_EINVAL, "%s must be a time HH:MM from 00:00 to 23:59",
                             k->name);
        *(int *)field = m;
        return 0;
    }
    case CONFIG_K_ZONE: {
        struct config_wallboard *w = (struct config_wallboard *)field;
        return load_zone(w->timezone, &w->zone, k, value, why, whylen);
    }
    default:
        return set_string(field, k, value, why, whylen);
    }
}
