/*
 * engine: the voice engine's core. Lifecycle, emulated time (a heap of timers run in due
 * order), sids from a PRNG seeded by the scenario, the maps that find objects, small helpers
 * every part shares, and the read-only views the REST layer lists and pages.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/engine_int.h"

void eng_sid(struct sim *s, const char *prefix, char out[DT_SIM_SID_LEN + 1])
{
    do {
        snprintf(out, DT_SIM_SID_LEN + 1, "%.2s%016llx%016llx", prefix,
                 (unsigned long long)rng_next(&s->rng), (unsigned long long)rng_next(&s->rng));
    } while (eng_map_get(&s->sids, out));
}

int64_t eng_ms(double seconds)
{
    if (!(seconds > 0))
        return 0;
    if (seconds > ENG_MAX_SECONDS)
        seconds = ENG_MAX_SECONDS;
    return (int64_t)(seconds * 1000.0);
}

double eng_uniform(struct sim *s, double lo, double hi)
{
    double u = rng_uniform(&s->rng);
    return hi > lo ? lo + (hi - lo) * u : lo;
}

/* ---- maps ----------------------------------------------------------------------------------- */

/* Objects in the sid map start with their NUL-terminated sid; pending requests with their id.
 * Both kinds hash their leading bytes: the sid string, or the 8 bytes of the id. */
static uint64_t hash_key(const void *obj, int is_id)
{
    if (is_id) {
        uint64_t id;
        memcpy(&id, obj, sizeof id);
        return (id + 1) * 0x9e3779b97f4a7c15ULL;
    }
    uint64_t h = 1469598103934665603ULL;
    for (const unsigned char *p = obj; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return h;
}

static int key_eq(const void *obj, const void *key, int is_id)
{
    return is_id ? memcmp(obj, key, sizeof(uint64_t)) == 0 : strcmp(obj, key) == 0;
}

static void map_grow(struct eng_map *m)
{
    size_t ncap = m->cap ? m->cap * 2 : 64;
    void **old = m->slots;
    size_t ocap = m->cap;
    int is_id = m->by_id;
    m->slots = xcalloc(ncap, sizeof *m->slots);
    m->cap = ncap;
    for (size_t i = 0; i < ocap; i++) {
        if (!old[i])
            continue;
        size_t j = hash_key(old[i], is_id) & (ncap - 1);
        while (m->slots[j])
            j = (j + 1) & (ncap - 1);
        m->slots[j] = old[i];
    }
    free(old);
}

void *eng_map_get(const struct eng_map *m, const char *key)
{
    if (!m->cap)
        return NULL;
    int is_id = m->by_id;
    for (size_t j = hash_key(key, is_id) & (m->cap - 1);; j = (j + 1) & (m->cap - 1)) {
        if (!m->slots[j])
            return NULL;
        if (key_eq(m->slots[j], key, is_id))
            return m->slots[j];
    }
}

void eng_map_put(struct eng_map *m, void *obj)
{
    if ((m->n + 1) * 4 > m->cap * 3)
        map_grow(m);
    int is_id = m->by_id;
    size_t j = hash_key(obj, is_id) & (m->cap - 1);
    while (m->slots[j])
        j = (j + 1) & (m->cap - 1);
    m->slots[j] = obj;
    m->n++;
}

void eng_map_del(struct eng_map *m, const char *key)
{
    if (!m->cap)
        return;
    int is_id = m->by_id;
    size_t mask = m->cap - 1, j = hash_key(key, is_id) & mask;
    while (m->slots[j] && !key_eq(m->slots[j], key, is_id))
        j = (j + 1) & mask;
    if (!m->slots[j])
        return;
    m->slots[j] = NULL;
    m->n--;
    /* backward-shift deletion keeps every probe chain unbroken */
    for (size_t k = (j + 1) & mask; m->slots[k]; k = (k + 1) & mask) {
        size_t home = hash_key(m->slots[k], is_id) & mask;
        if (((k - home) & mask) >= ((k - j) & mask)) {
            m->slots[j] = m->slots[k];
            m->slots[k] = NULL;
            j = k;
        }
    }
}

void eng_map_done(struct eng_map *m)
{
    free(m->slots);
    m->slots = NULL;
    m->cap = m->n = 0;
}

void eng_vec_push(struct eng_vec *a, void *p)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 8;
        a->v = xrealloc(a->v, a->cap * sizeof *a->v);
    }
    a->v[a->n++] = p;
}

void eng_vec_remove(struct eng_vec *a, void *p)
{
    for (size_t i = 0; i < a->n; i++) {
        if (a->v[i] == p) {
            memmove(&a->v[i], &a->v[i + 1], (a->n - i - 1) * sizeof *a->v);
            a->n--;
            return;
        }
    }
}

/* ---- timers --------------------------------------------------------------------------------- */

static int timer_less(const struct eng_timer *a, const struct eng_timer *b)
{
    return a->due < b->due || (a->due == b->due && a->seq < b->seq);
}

static void heap_set(struct sim *s, size_t i, struct eng_timer *t)
{
    s->heap[i] = t;
    t->idx = i + 1;
}

static void heap_up(struct sim *s, size_t i)
{
    struct eng_timer *t = s->heap[i];
    while (i > 0 && timer_less(t, s->heap[(i - 1) / 2])) {
        heap_set(s, i, s->heap[(i - 1) / 2]);
        i = (i - 1) / 2;
    }
    heap_set(s, i, t);
}

static void heap_down(struct sim *s, size_t i)
{
    struct eng_timer *t = s->heap[i];
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        const struct eng_timer *best = t;
        if (l < s->nheap && timer_less(s->heap[l], best))
            m = l, best = s->heap[l];
        if (l + 1 < s->nheap && timer_less(s->heap[l + 1], best))
            m = l + 1;
        if (m == i)
            break;
        heap_set(s, i, s->heap[m]);
        i = m;
    }
    heap_set(s, i, t);
}

void eng_timer_stop(struct sim *s, struct eng_timer *t)
{
    if (!t->idx)
        return;
    size_t i = t->idx - 1;
    t->idx = 0;
    struct eng_timer *last = s->heap[--s->nheap];
    if (i == s->nheap)
        return;
    heap_set(s, i, last);
    heap_up(s, i);
    heap_down(s, last->idx - 1);
}

void eng_timer_arm(struct sim *s, struct eng_timer *t, int64_t due)
{
    eng_timer_stop(s, t);
    if (s->nheap == s->capheap) {
        s->capheap = s->capheap ? s->capheap * 2 : 256;
        s->heap = xrealloc(s->heap, s->capheap * sizeof *s->heap);
    }
    t->due = due < s->now ? s->now : due;
    t->seq = s->timer_seq++;
    s->heap[s->nheap] = t;
    t->idx = ++s->nheap;
    heap_up(s, s->nheap - 1);
}

/* ---- helpers -------------------------------------------------------------------------------- */

void eng_log(struct sim *s, int level, const char *fmt, ...)
{
    if (!s->host.log)
        return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    s->host.log(s->host.ctx, level, line);
}

void eng_rfc2822(int64_t ms, char out[40])
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (ms < 0 || !gmtime_r(&t, &tm)) {
        t = 0;
        gmtime_r(&t, &tm);
    }
    snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday % 7], tm.tm_mday,
             months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void eng_seterr(struct sim_err *e, int status, int code, const char *fmt, ...)
{
    if (!e)
        return;
    e->status = status;
    e->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
}

char *eng_strdup(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

void eng_setstr(char **dst, const char *s)
{
    char *n = eng_strdup(s);
    free(*dst);
    *dst = n;
}

int eng_parse_bool(const char *v, int *out)
{
    if (!v)
        return DT_EINVAL;
    if (strcmp(v, "true") == 0 || strcmp(v, "True") == 0 || strcmp(v, "TRUE") == 0)
        *out = 1;
    else if (strcmp(v, "false") == 0 || strcmp(v, "False") == 0 || strcmp(v, "FALSE") == 0)
        *out = 0;
    else
        return DT_EINVAL;
    return 0;
}

int eng_parse_int(const char *v, long lo, long hi, long *out)
{
    if (!v || !*v || strlen(v) > 12)
        return DT_EINVAL;
    const char *p = v;
    if (*p == '-' || *p == '+')
        p++;
    if (!*p)
        return DT_EINVAL;
    for (const char *q = p; *q; q++)
        if (!isdigit((unsigned char)*q))
            return DT_EINVAL;
    long n = strtol(v, NULL, 10);
    if (n < lo || n > hi)
        return DT_EINVAL;
    *out = n;
    return 0;
}

int eng_is_method(const char *m)
{
    return m && (strcmp(m, "GET") == 0 || strcmp(m, "POST") == 0);
}

int eng_is_url(const char *u)
{
    if (!u || strlen(u) > ENG_MAX_URL)
        return 0;
    const char *h = strncmp(u, "http://", 7) == 0    ? u + 7
                    : strncmp(u, "https://", 8) == 0 ? u + 8
                                                     : NULL;
    if (!h || !*h || *h == '/' || *h == '?' || *h == '#')
        return 0;
    for (const char *p = u; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f)
            return 0;
    return 1;
}

/* The end of scheme://authority in an absolute URL (where its path starts). */
static const char *url_path_start(const char *u)
{
    const char *h = strstr(u, "://");
    if (!h)
        return u + strlen(u);
    h += 3;
    return h + strcspn(h, "/?#");
}

char *eng_resolve(const char *base, const char *url)
{
    if (!url)
        return NULL;
    if (!base || strstr(url, "://") || !eng_is_url(base))
        return xstrdup(url);
    if (url[0] == '/' && url[1] == '/') {
        const char *colon = strchr(base, ':');
        return xasprintf("%.*s:%s", (int)(colon - base), base, url);
    }
    const char *path = url_path_start(base);
    if (url[0] == '/')
        return xasprintf("%.*s%s", (int)(path - base), base, url);
    size_t pathlen = strcspn(path, "?#");
    if (url[0] == '?')
        return xasprintf("%.*s%s", (int)(path - base + pathlen), base, url);
    if (url[0] == '\0' || url[0] == '#')
        return xasprintf("%.*s%s", (int)(path - base + strcspn(path, "#")), base, url);
    /* a relative path replaces the last segment of the base's path */
    size_t dir = pathlen;
    while (dir > 0 && path[dir - 1] != '/')
        dir--;
    if (dir == 0)
        return xasprintf("%.*s/%s", (int)(path - base), base, url);
    return xasprintf("%.*s%s", (int)(path - base + dir), base, url);
}

/* ---- lifecycle and time --------------------------------------------------------------------- */

struct sim *sim_new(const struct sim_scenario *sc, const struct sim_host *host, int64_t now_ms)
{
    if (!sc)
        return NULL;
    struct sim *s = xcalloc(1, sizeof *s);
    s->sc = sc;
    if (host)
        s->host = *host;
    s->now = now_ms;
    s->http_id = 1;
    s->pending.by_id = 1;
    uint64_t seed = sc->seed;
    rng_seed_from(&s->rng, &seed);
    dt_strlcpy(s->price_unit, sc->price_unit && *sc->price_unit ? sc->price_unit : "USD",
               sizeof s->price_unit);
    return s;
}

void sim_free(struct sim *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->calls.n; i++)
        eng_call_free(s, s->calls.v[i]);
    for (size_t i = 0; i < s->queues.n; i++) {
        struct eng_queue *q = s->queues.v[i];
        free(q->pub.friendly_name);
        free(q->members.v);
        free(q->waiters.v);
        free(q);
    }
    for (size_t i = 0; i < s->confs.n; i++)
        eng_conf_free(s->confs.v[i]);
    for (size_t i = 0; i < s->recs.n; i++)
        eng_rec_free(s->recs.v[i]);
    for (size_t i = 0; i < s->pending.cap; i++)
        if (s->pending.slots[i])
            eng_pending_free(s->pending.slots[i]);
    free(s->calls.v);
    free(s->queues.v);
    free(s->confs.v);
    free(s->recs.v);
    free(s->heap);
    eng_map_done(&s->sids);
    eng_map_done(&s->pending);
    free(s);
}

void sim_set_scenario(struct sim *s, const struct sim_scenario *sc)
{
    if (!sc)
        return;
    s->sc = sc;
    dt_strlcpy(s->price_unit, sc->price_unit && *sc->price_unit ? sc->price_unit : "USD",
               sizeof s->price_unit);
}

void sim_advance(struct sim *s, int64_t now_ms)
{
    while (s->nheap > 0 && s->heap[0]->due <= now_ms) {
        struct eng_timer *t = s->heap[0];
        if (t->due > s->now)
            s->now = t->due;
        eng_timer_stop(s, t);
        t->fire(s, t);
    }
    if (now_ms > s->now)
        s->now = now_ms;
    eng_queue_refresh(s);
    eng_prune(s);
}

int64_t sim_next_due(const struct sim *s)
{
    return s->nheap ? s->heap[0]->due : -1;
}

/* Drops the oldest ended calls, conferences and recordings beyond what is kept. */
void eng_prune(struct sim *s)
{
    if (s->calls.n > ENG_KEEP_CALLS + ENG_KEEP_CALLS / 16) {
        size_t drop = s->calls.n - ENG_KEEP_CALLS, j = 0;
        for (size_t i = 0; i < s->calls.n; i++) {
            struct eng_call *c = s->calls.v[i];
            if (drop && c->phase == PH_ENDED) {
                eng_map_del(&s->sids, c->pub.sid);
                eng_call_free(s, c);
                drop--;
            } else {
                s->calls.v[j++] = c;
            }
        }
        s->calls.n = j;
    }
    while (s->confs.n > ENG_KEEP_OTHERS) {
        struct eng_conf *cf = s->confs.v[0];
        if (!cf->pub.reason_ended)
            break;
        eng_map_del(&s->sids, cf->pub.sid);
        eng_vec_remove(&s->confs, cf);
        eng_conf_free(cf);
    }
    while (s->recs.n > ENG_KEEP_OTHERS) {
        struct eng_rec *r = s->recs.v[0];
        if (r->pub.duration_s < 0)
            break;
        eng_map_del(&s->sids, r->pub.sid);
        eng_vec_remove(&s->recs, r);
        eng_rec_free(r);
    }
}

/* ---- read-only views ------------------------------------------------------------------------ */

const struct sim_call *sim_call_get(const struct sim *s, const char *sid)
{
    const struct eng_call *c = eng_call_find(s, sid);
    return c ? &c->pub : NULL;
}

size_t sim_call_count(const struct sim *s)
{
    return s->calls.n;
}

const struct sim_call *sim_call_at(const struct sim *s, size_t i)
{
    if (i >= s->calls.n)
        return NULL;
    const struct eng_call *c = s->calls.v[s->calls.n - 1 - i];
    return &c->pub;
}

size_t sim_recording_count(const struct sim *s)
{
    return s->recs.n;
}

const struct sim_recording *sim_recording_at(const struct sim *s, size_t i)
{
    if (i >= s->recs.n)
        return NULL;
    const struct eng_rec *r = s->recs.v[s->recs.n - 1 - i];
    return &r->pub;
}

const struct sim_recording *sim_recording_get(const struct sim *s, const char *sid)
{
    const struct eng_rec *r = eng_rec_find(s, sid);
    return r ? &r->pub : NULL;
}

size_t sim_live_calls(const struct sim *s)
{
    return s->live;
}
