/*
 * config_tz: time zones for business hours, read from the system's TZif files (RFC 8536)
 * without touching the process's TZ, so that each queue can have its own zone. A zone is its
 * list of transitions (the 64-bit block of a version 2+ file) and the POSIX TZ rule of the
 * file's footer ("GMT0BST,M3.5.0/1,M10.5.0"), which gives the offset after the last listed
 * transition (slim files list few). See dialtone/config.h.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/config_internal.h"
#include "dialtone/civil.h"
#include "dialtone/textfile.h"
#include "dialtone/util.h"

#define TZ_FILE_MAX   (512 * 1024)
#define TZ_TRANS_MAX  20000
#define TZ_TYPES_MAX  256
#define DEFAULT_TZDIR "/usr/share/zoneinfo"

/* A POSIX TZ rule date: Jn (julian, no Feb 29), n (zero-based, with Feb 29) or Mm.w.d. */
struct tz_date {
    char kind; /* 'J', 'N' or 'M' */
    int n, m, w, d;
    int32_t secs; /* local time of the change, seconds after midnight (may be negative) */
};

struct tz_rule {
    int32_t std_off, dst_off; /* seconds east of UTC (the opposite of POSIX's sign) */
    int has_dst;
    struct tz_date start, end;
};

struct config_zone {
    size_t n;
    int64_t *at;       /* transitions, ascending */
    int32_t *off;      /* the offset from each transition on */
    int32_t first_off; /* before the first transition */
    int has_rule;      /* rule applies after the last transition */
    struct tz_rule rule;
    int64_t data[]; /* at[n], then off[n] (as int64_t slots) */
};

/* ---- calendar ------------------------------------------------------------------------------ */

static int is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int64_t y, int m)
{
    static const int n[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : n[m - 1];
}

/* Days since the epoch of rule date r in year y. */
static int64_t rule_day(const struct tz_date *r, int64_t y)
{
    int64_t jan1 = civil_days_from(y, 1, 1);
    if (r->kind == 'J')
        return jan1 + r->n - 1 + (is_leap(y) && r->n >= 60);
    if (r->kind == 'N')
        return jan1 + r->n;
    int64_t first = civil_days_from(y, r->m, 1);
    int wday = (int)(first + 4 - civil_floor_div(first + 4, 7) * 7); /* 1970-01-01 was a Thursday */
    int day = 1 + (r->d - wday + 7) % 7 + 7 * (r->w - 1);
    while (day > month_days(y, r->m))
        day -= 7;
    return first + day - 1;
}

/* ---- the POSIX TZ rule ----------------------------------------------------------------------- */

static const char *skip_name(const char *p)
{
    if (*p == '<') {
        const char *e = strchr(p, '>');
        return e && e - p >= 4 ? e + 1 : NULL;
    }
    const char *s = p;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
        p++;
    return p - s >= 3 ? p : NULL;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* [+-]h[h[h]][:mm[:ss]] into seconds; hours up to max_h. */
static const char *parse_secs(const char *p, int max_h, int32_t *out)
{
    int sign = 1;
    if (*p == '+' || *p == '-')
        sign = *p++ == '-' ? -1 : 1;
    if (!is_digit(*p))
        return NULL;
    int h = 0, m = 0, s = 0, nd = 0;
    while (is_digit(*p) && nd < 3)
        h = h * 10 + (*p++ - '0'), nd++;
    if (h > max_h)
        return NULL;
    for (int part = 0; part < 2 && *p == ':'; part++) {
        p++;
        if (!is_digit(p[0]) || !is_digit(p[1]))
            return NULL;
        int v = (p[0] - '0') * 10 + (p[1] - '0');
        if (v > 59)
            return NULL;
        *(part ? &s : &m) = v;
        p += 2;
    }
    *out = sign * (h * 3600 + m * 60 + s);
    return p;
}

static const char *parse_num(const char *p, int min, int max, int *out)
{
    if (!is_digit(*p))
        return NULL;
    int v = 0;
    for (int nd = 0; is_digit(*p) && nd < 4; nd++)
        v = v * 10 + (*p++ - '0');
    if (v < min || v > max)
        return NULL;
    *out = v;
    return p;
}

static const char *parse_date(const char *p, struct tz_date *d)
{
    memset(d, 0, sizeof *d);
    if (*p == 'J') {
        d->kind = 'J';
        p = parse_num(p + 1, 1, 365, &d->n);
    } else if (*p == 'M') {
        d->kind = 'M';
        p = parse_num(p + 1, 1, 12, &d->m);
        p = p && *p == '.' ? parse_num(p + 1, 1, 5, &d->w) : NULL;
        p = p && *p == '.' ? parse_num(p + 1, 0, 6, &d->d) : NULL;
    } else {
        d->kind = 'N';
        p = parse_num(p, 0, 365, &d->n);
    }
    d->secs = 7200;
    if (p && *p == '/')
        p = parse_secs(p + 1, 167, &d->secs);
    return p;
}

/* Parses a POSIX TZ string; 0 or -1. */
static int parse_rule(const char *s, struct tz_rule *r)
{
    memset(r, 0, sizeof *r);
    int32_t v;
    const char *p = skip_name(s);
    if (!p || !(p = parse_secs(p, 24, &v)))
        return -1;
    r->std_off = -v;
    if (*p == '\0')
        return 0;
    if (!(p = skip_name(p)))
        return -1;
    r->has_dst = 1;
    r->dst_off = r->std_off + 3600;
    if (*p && *p != ',') {
        if (!(p = parse_secs(p, 24, &v)))
            return -1;
        r->dst_off = -v;
    }
    if (*p != ',' || !(p = parse_date(p + 1, &r->start)) || *p != ',' ||
        !(p = parse_date(p + 1, &r->end)) || *p != '\0')
        return -1;
    return 0;
}

static int32_t rule_offset(const struct tz_rule *r, int64_t t)
{
    if (!r->has_dst)
        return r->std_off;
    int year, month, mday;
    civil_from_days(civil_floor_div(t + r->std_off, 86400), &year, &month, &mday);
    int64_t start = rule_day(&r->start, year) * 86400 + r->start.secs - r->std_off;
    int64_t end = rule_day(&r->end, year) * 86400 + r->end.secs - r->dst_off;
    int dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
    return dst ? r->dst_off : r->std_off;
}

/* ---- TZif files ------------------------------------------------------------------------------ */

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct tzif_head {
    uint32_t isut, isstd, leap, time, type, chars;
};

static int read_head(const unsigned char *p, size_t len, struct tzif_head *h)
{
    if (len < 44 || memcmp(p, "TZif", 4) != 0)
        return -1;
    h->isut = be32(p + 20);
    h->isstd = be32(p + 24);
    h->leap = be32(p + 28);
    h->time = be32(p + 32);
    h->type = be32(p + 36);
    h->chars = be32(p + 40);
    if (h->time > TZ_TRANS_MAX || h->type == 0 || h->type > TZ_TYPES_MAX || h->chars > 4096 ||
        h->leap > 1000 || (h->isut && h->isut != h->type) || (h->isstd && h->isstd != h->type))
        return -1;
    return 0;
}

static size_t block_size(const struct tzif_head *h, size_t tsize)
{
    return h->time * tsize + h->time + h->type * 6 + h->chars + h->leap * (tsize + 4) + h->isstd +
           h->isut;
}

struct config_zone *config_zone_parse(const unsigned char *p, size_t len)
{
    struct tzif_head h;
    size_t tsize = 4;
    if (read_head(p, len, &h) != 0)
        return NULL;
    size_t need = 44 + block_size(&h, 4);
    if (need > len)
        return NULL;
    if (p[4] >= '2') { /* skip the 32-bit block for the 64-bit one */
        p += need;
        len -= need;
        tsize = 8;
        if (read_head(p, len, &h) != 0 || 44 + block_size(&h, 8) > len)
            return NULL;
    }
    const unsigned char *times = p + 44, *idx = times + h.time * tsize, *types = idx + h.time;
    const unsigned char *end = p + 44 + block_size(&h, tsize);
    struct config_zone *z = xcalloc(1, sizeof *z + 2 * h.time * sizeof(int64_t));
    z->n = h.time;
    z->at = z->data;
    z->off = (int32_t *)(z->data + h.time);
    z->first_off = (int32_t)be32(types);
    for (size_t i = 0; i < h.time; i++) {
        z->at[i] = tsize == 8 ? be64(times + 8 * i) : (int32_t)be32(times + 4 * i);
        if (idx[i] >= h.type || (i > 0 && z->at[i] <= z->at[i - 1])) {
            free(z);
            return NULL;
        }
        z->off[i] = (int32_t)be32(types + 6 * idx[i]);
    }
    /* The footer: "\nRULE\n" after the 64-bit block. */
    size_t rest = (size_t)(p + len - end);
    if (tsize == 8 && rest >= 2 && end[0] == '\n') {
        const unsigned char *nl = memchr(end + 1, '\n', rest - 1);
        char rule[128];
        size_t n = nl ? (size_t)(nl - end - 1) : 0;
        if (nl && n > 0 && n < sizeof rule) {
            memcpy(rule, end + 1, n);
            rule[n] = '\0';
            z->has_rule = parse_rule(rule, &z->rule) == 0;
        }
    }
    return z;
}

static int utc_name(const char *name)
{
    static const char *const v[] = {"UTC", "GMT", "Etc/UTC", "Etc/GMT"};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        if (strcmp(name, v[i]) == 0)
            return 1;
    return 0;
}

int config_zone_load(const char *name, struct config_zone **out, char *err, size_t errlen)
{
    *out = NULL;
    if (!name || !config_tz_name_ok(name))
        return dt_seterr(err, errlen, DT_EINVAL, "not a time zone name");
    const char *dir = getenv("TZDIR");
    if (!dir || !*dir)
        dir = DEFAULT_TZDIR;
    char *path = xasprintf("%s/%s", dir, name);
    struct dt_buf b;
    dt_buf_init(&b);
    char why[256];
    int rc = textfile_read(path, TZ_FILE_MAX, &b, NULL, why, sizeof why);
    free(path);
    if (rc != DT_OK) {
        dt_buf_done(&b);
        if (utc_name(name))
            return DT_OK;
        return dt_seterr(err, errlen, rc == DT_EIO ? DT_ENOTFOUND : rc,
                         "no such time zone in the time zone database (%s)", dir);
    }
    *out = config_zone_parse((const unsigned char *)b.data, b.len);
    dt_buf_done(&b);
    if (!*out)
        return dt_seterr(err, errlen, DT_EINVAL, "the time zone's file is not a TZif file");
    return DT_OK;
}

void config_zone_free(struct config_zone *z)
{
    free(z);
}

struct config_zone *config_zone_dup(const struct config_zone *z)
{
    if (!z)
        return NULL;
    size_t size = sizeof *z + 2 * z->n * sizeof(int64_t);
    struct config_zone *c = xmalloc(size);
    memcpy(c, z, size);
    c->at = c->data;
    c->off = (int32_t *)(c->data + c->n);
    return c;
}

int config_zone_rule_test(const char *rule, int64_t unix_s, int32_t *off)
{
    struct tz_rule r;
    if (parse_rule(rule, &r) != 0)
        return DT_EINVAL;
    *off = rule_offset(&r, unix_s);
    return DT_OK;
}

static int32_t zone_offset(const struct config_zone *z, int64_t t)
{
    if (!z)
        return 0;
    if (z->n == 0 || t < z->at[0])
        return z->n == 0 && z->has_rule ? rule_offset(&z->rule, t) : z->first_off;
    if (t >= z->at[z->n - 1] && z->has_rule)
        return rule_offset(&z->rule, t);
    size_t lo = 0, hi = z->n; /* the last transition at or before t */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (z->at[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return z->off[lo];
}

void config_zone_local(const struct config_zone *z, int64_t unix_s, struct config_local *out)
{
    int64_t local = unix_s + zone_offset(z, unix_s);
    int64_t days = civil_floor_div(local, 86400);
    civil_from_days(days, &out->year, &out->month, &out->mday);
    out->wday = (int)(days + 4 - civil_floor_div(days + 4, 7) * 7);
    out->minute = (int)((local - days * 86400) / 60);
}
