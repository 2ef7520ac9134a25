/*
 * rest_list: what every list of the REST API shares. Twilio's paging (Page, PageSize and
 * PageToken in; page, page_size, start, end, uri, first_page_uri, next_page_uri,
 * previous_page_uri out) and the date and boolean filters. A page token is "PA" + the sid of
 * the last item of the previous page (next) or "PB" + the first of the next page (previous),
 * so that paging stays put while new items arrive at the front; a token whose sid is gone falls
 * back to Page * PageSize.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "dialtone/util.h"
#include "sim/rest_int.h"

#define REST_MAX_PAGE 10000000L

/* ---- filters ------------------------------------------------------------------------------- */

static int parse_digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* Parses YYYY-MM-DD (whole day: *span_ms = one day) or YYYY-MM-DDTHH:MM:SS(Z|+HH:MM|-HH:MM)
 * (*span_ms = one second) into *ms. 0 or -1. */
static int parse_time(const char *s, int64_t *ms, int64_t *span_ms)
{
    int y, mo, d, h = 0, mi = 0, sec = 0, off = 0;
    size_t n = strlen(s);
    if (n < 10 || parse_digits(s, 4, &y) || s[4] != '-' || parse_digits(s + 5, 2, &mo) ||
        s[7] != '-' || parse_digits(s + 8, 2, &d))
        return -1;
    *span_ms = 86400000;
    if (n > 10) {
        if (n < 19 || (s[10] != 'T' && s[10] != ' ') || parse_digits(s + 11, 2, &h) ||
            s[13] != ':' || parse_digits(s + 14, 2, &mi) || s[16] != ':' ||
            parse_digits(s + 17, 2, &sec))
            return -1;
        const char *z = s + 19;
        if (strcmp(z, "Z") == 0 || z[0] == '\0') {
            off = 0;
        } else if ((z[0] == '+' || z[0] == '-') && strlen(z) == 6 && z[3] == ':') {
            int oh, om;
            if (parse_digits(z + 1, 2, &oh) || parse_digits(z + 4, 2, &om) || oh > 23 || om > 59)
                return -1;
            off = (oh * 60 + om) * 60 * (z[0] == '-' ? -1 : 1);
        } else {
            return -1;
        }
        *span_ms = 1000;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 || y < 1970)
        return -1;
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = sec};
    time_t t = timegm(&tm);
    if (t == (time_t)-1 || tm.tm_mday != d)
        return -1;
    *ms = ((int64_t)t - off) * 1000;
    return 0;
}

int rest_time_filter_parse(struct rest_ctx *c, const char *key, struct rest_time_filter *f)
{
    static const char ops[] = {'\0', '<', '>'};
    f->set = 0;
    f->lo_ms = INT64_MIN;
    f->hi_ms = INT64_MAX;
    for (size_t i = 0; i < sizeof ops; i++) {
        char name[64];
        snprintf(name, sizeof name, "%s%c", key, ops[i]);
        const char *v = form_get(&c->params, name);
        if (!v)
            continue;
        int64_t t, span;
        if (parse_time(v, &t, &span) < 0) {
            rest_reply_error(c, 400, 20422, "Invalid Parameter: %s must be a date (YYYY-MM-DD)",
                             name);
            return -1;
        }
        f->set = 1;
        if (ops[i] != '<' && t > f->lo_ms)
            f->lo_ms = t;
        if (ops[i] != '>' && t + span - 1 < f->hi_ms)
            f->hi_ms = t + span - 1;
    }
    return 0;
}

int rest_time_filter_match(const struct rest_time_filter *f, int64_t t)
{
    return !f->set || (t != 0 && t >= f->lo_ms && t <= f->hi_ms);
}

int rest_bool_param(struct rest_ctx *c, const char *key, int *out)
{
    const char *v = form_get(&c->params, key);
    *out = -1;
    if (!v)
        return 0;
    if (strcasecmp(v, "true") == 0)
        *out = 1;
    else if (strcasecmp(v, "false") == 0)
        *out = 0;
    else {
        rest_reply_error(c, 400, 20422, "Invalid Parameter: %s must be true or false", key);
        return -1;
    }
    return 0;
}

/* ---- paging -------------------------------------------------------------------------------- */

struct paging {
    long page, size;
    const char *token; /* NULL when none */
};

static int parse_long(const char *s, long lo, long hi, long *out)
{
    if (!s[0] || strlen(s) > 12)
        return -1;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9')
            return -1;
    errno = 0;
    long v = strtol(s, NULL, 10);
    if (errno || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int parse_paging(struct rest_ctx *c, struct paging *pg)
{
    const char *size = form_get(&c->params, "PageSize");
    const char *page = form_get(&c->params, "Page");
    pg->size = DT_SIM_REST_PAGE_SIZE;
    pg->page = 0;
    pg->token = form_get(&c->params, "PageToken");
    if (size && parse_long(size, 1, 1000000000L, &pg->size) < 0) {
        rest_reply_error(c, 400, 20422, "Invalid Parameter: PageSize must be an integer from 1");
        return -1;
    }
    if (pg->size > DT_SIM_REST_PAGE_SIZE_MAX) {
        rest_reply_error(c, 400, 20007, "Page size too large: the maximum is %d",
                         DT_SIM_REST_PAGE_SIZE_MAX);
        return -1;
    }
    if (page && parse_long(page, 0, REST_MAX_PAGE, &pg->page) < 0) {
        rest_reply_error(c, 400, 20422, "Invalid Parameter: Page must be an integer from 0");
        return -1;
    }
    if (pg->token && (strlen(pg->token) < 3 || pg->token[0] != 'P' ||
                      (pg->token[1] != 'A' && pg->token[1] != 'B'))) {
        rest_reply_error(c, 400, 20422, "Invalid Parameter: PageToken");
        return -1;
    }
    return 0;
}

static const void *elem(const struct rest_list *l, size_t i)
{
    return (const char *)l->items + i * l->elem_size;
}

/* Index of the item whose sid is sid, or l->n. */
static size_t find_sid(const struct rest_list *l, const char *sid)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->sid(elem(l, i)), sid) == 0)
            return i;
    return l->n;
}

/* The list's path with the filters (every parameter but the paging ones), then '?' or '&' ready
 * for more. The caller frees. */
static char *base_uri(const struct rest_ctx *c, const char *list_path)
{
    struct form f;
    form_init(&f);
    for (size_t i = 0; i < form_count(&c->params); i++) {
        const struct form_pair *p = form_at(&c->params, i);
        if (strcmp(p->key, "Page") && strcmp(p->key, "PageSize") && strcmp(p->key, "PageToken"))
            form_add(&f, p->key, p->value);
    }
    char *q = form_encode(&f);
    form_done(&f);
    char *u = rest_uri(c, "%s?%s%s", list_path, q, q[0] ? "&" : "");
    free(q);
    return u;
}

static void add_page_uri(cJSON *o, const char *key, const char *base, long size, long page,
                         const char *token_kind, const char *sid)
{
    char *u =
        sid ? xasprintf("%sPageSize=%ld&Page=%ld&PageToken=%s%s", base, size, page, token_kind, sid)
            : xasprintf("%sPageSize=%ld&Page=%ld", base, size, page);
    cJSON_AddStringToObject(o, key, u);
    free(u);
}

void rest_reply_page(struct rest_ctx *c, const char *list_path, const struct rest_list *l)
{
    struct paging pg;
    if (parse_paging(c, &pg) < 0)
        return;
    size_t size = (size_t)pg.size;
    size_t start = (size_t)pg.page * size;
    if (pg.token) {
        size_t at = find_sid(l, pg.token + 2);
        if (at < l->n && pg.token[1] == 'A')
            start = at + 1;
        else if (at < l->n)
            start = at > size ? at - size : 0;
    }
    if (start > l->n)
        start = l->n;
    size_t count = l->n - start < size ? l->n - start : size;

    cJSON *o = cJSON_CreateObject();
    cJSON *items = cJSON_AddArrayToObject(o, l->key);
    for (size_t i = 0; i < count; i++)
        cJSON_AddItemToArray(items, l->render(c, elem(l, start + i)));
    long first = pg.page * pg.size;
    rest_add_int(o, "end", count ? first + (long)count - 1 : first);
    char *base = base_uri(c, list_path);
    add_page_uri(o, "first_page_uri", base, pg.size, 0, NULL, NULL);
    if (start + count < l->n)
        add_page_uri(o, "next_page_uri", base, pg.size, pg.page + 1, "PA",
                     l->sid(elem(l, start + count - 1)));
    else
        cJSON_AddNullToObject(o, "next_page_uri");
    rest_add_int(o, "page", pg.page);
    rest_add_int(o, "page_size", pg.size);
    if (pg.page > 0 && start > 0 && start < l->n)
        add_page_uri(o, "previous_page_uri", base, pg.size, pg.page - 1, "PB",
                     l->sid(elem(l, start)));
    else if (pg.page > 0)
        add_page_uri(o, "previous_page_uri", base, pg.size, pg.page - 1, NULL, NULL);
    else
        cJSON_AddNullToObject(o, "previous_page_uri");
    rest_add_int(o, "start", first);
    if (pg.token)
        add_page_uri(o, "uri", base, pg.size, pg.page, "", pg.token);
    else
        add_page_uri(o, "uri", base, pg.size, pg.page, NULL, NULL);
    free(base);
    rest_reply(c, 200, o);
}
