/*
 * kpi: the day's queue and agent figures from call and offer facts, as defined in
 * dialtone/kpi.h. Sums are kept in integers (milliseconds, seconds, micros) and divided once
 * at the end.
 */
#include "dialtone/kpi.h"

#include <stdlib.h>
#include <string.h>

#include "dialtone/util.h"

/* Running sums of one queue or agent, beside its public figures. */
struct qacc {
    struct kpi_queue_stats s;
    int64_t wait_ms_sum;  /* handled calls' waits */
    int64_t handle_s_sum; /* complete handled calls' talk + hold + wrap-up */
};

struct aacc {
    struct kpi_agent_stats s;
    int64_t handle_s_sum;
};

struct acc {
    const struct kpi_params *p;
    int64_t start, end, now;
    struct qacc *q;
    size_t nq, capq;
    struct aacc *a;
    size_t na, capa;
    int64_t cost;
    char *err;
    size_t errlen;
};

static int in_day(const struct acc *c, int64_t t)
{
    return t >= 0 && t >= c->start && t < c->end;
}

static int named(const char *s)
{
    return s && *s;
}

static int name_ok(const char *s, const char *what, char *err, size_t errlen)
{
    if (strlen(s) > KPI_NAME_MAX)
        return dt_seterr(err, errlen, DT_EINVAL, "%s name over %d bytes", what, KPI_NAME_MAX);
    return DT_OK;
}

static int add_queue(struct acc *c, const char *name, int sl, int sa, struct qacc **out)
{
    int rc = name_ok(name, "queue", c->err, c->errlen);
    if (rc != DT_OK)
        return rc;
    if (sl < 0 || sa < 0)
        return dt_seterr(c->err, c->errlen, DT_EINVAL, "queue %s: negative threshold", name);
    if (c->nq >= KPI_MAX_QUEUES)
        return dt_seterr(c->err, c->errlen, DT_ETOOBIG, "more than %d queues", KPI_MAX_QUEUES);
    if (c->nq == c->capq) {
        c->capq = c->capq ? c->capq * 2 : 8;
        c->q = xrealloc(c->q, c->capq * sizeof *c->q);
    }
    struct qacc *q = &c->q[c->nq++];
    memset(q, 0, sizeof *q);
    dt_strlcpy(q->s.name, name, sizeof q->s.name);
    q->s.service_level_s = sl;
    q->s.short_abandon_s = sa;
    *out = q;
    return DT_OK;
}

static struct qacc *queue_named(struct acc *c, const char *name)
{
    for (size_t i = 0; i < c->nq; i++)
        if (strcmp(c->q[i].s.name, name) == 0)
            return &c->q[i];
    return NULL;
}

/* A queue of params->queues, with its own thresholds. */
static int add_listed(struct acc *c, const struct kpi_queue_conf *qc)
{
    struct qacc *q;
    if (!named(qc->name))
        return dt_seterr(c->err, c->errlen, DT_EINVAL, "a queue without a name");
    if (queue_named(c, qc->name))
        return dt_seterr(c->err, c->errlen, DT_EINVAL, "queue %s listed twice", qc->name);
    return add_queue(c, qc->name, qc->service_level_s, qc->short_abandon_s, &q);
}

/* The queue named name, added with the defaults when new. */
static int find_queue(struct acc *c, const char *name, struct qacc **out)
{
    if ((*out = queue_named(c, name)) != NULL)
        return DT_OK;
    return add_queue(c, name, c->p->service_level_s, c->p->short_abandon_s, out);
}

static int find_agent(struct acc *c, const char *name, struct aacc **out)
{
    for (size_t i = 0; i < c->na; i++)
        if (strcmp(c->a[i].s.name, name) == 0) {
            *out = &c->a[i];
            return DT_OK;
        }
    int rc = name_ok(name, "agent", c->err, c->errlen);
    if (rc != DT_OK)
        return rc;
    if (c->na >= KPI_MAX_AGENTS)
        return dt_seterr(c->err, c->errlen, DT_ETOOBIG, "more than %d agents", KPI_MAX_AGENTS);
    if (c->na == c->capa) {
        c->capa = c->capa ? c->capa * 2 : 16;
        c->a = xrealloc(c->a, c->capa * sizeof *c->a);
    }
    *out = &c->a[c->na++];
    memset(*out, 0, sizeof **out);
    dt_strlcpy((*out)->s.name, name, sizeof(*out)->s.name);
    return DT_OK;
}

/* talk + hold + wrap-up, or -1 while any is unknown. */
static int64_t handle_s(const struct kpi_call *k)
{
    if (k->talk_s < 0 || k->hold_s < 0 || k->wrapup_s < 0)
        return -1;
    return k->talk_s + k->hold_s + k->wrapup_s;
}

/* An agent's part: time with the caller + wrap-up, or -1 while either is unknown. */
static int64_t part_handle_s(const struct kpi_part *p)
{
    if (p->with_s < 0 || p->wrapup_s < 0)
        return -1;
    return p->with_s + p->wrapup_s;
}

static int has_part(const struct kpi_call *k, const char *agent)
{
    for (size_t i = 0; i < k->n_parts; i++)
        if (named(k->parts[i].agent) && strcmp(k->parts[i].agent, agent) == 0)
            return 1;
    return 0;
}

/* agent handled one more call, whose handle time is secs (-1: not over). */
static int agent_handled(struct acc *c, const char *agent, int64_t secs)
{
    struct aacc *a;
    int rc = find_agent(c, agent, &a);
    if (rc != DT_OK)
        return rc;
    a->s.handled++;
    if (secs >= 0) {
        a->s.aht_calls++;
        a->handle_s_sum += secs;
    }
    return DT_OK;
}

static void queue_outcome(struct qacc *q, const struct kpi_call *k)
{
    int64_t wait = k->enqueued_ms >= 0 && k->dequeued_ms >= k->enqueued_ms
                       ? k->dequeued_ms - k->enqueued_ms
                       : 0;
    struct kpi_queue_stats *s = &q->s;
    switch (k->result) {
    case KPI_Q_ANSWERED:
        s->handled++;
        q->wait_ms_sum += wait;
        if (wait <= (int64_t)s->service_level_s * 1000)
            s->answered_in_sl++;
        if (handle_s(k) >= 0) {
            s->aht_calls++;
            q->handle_s_sum += handle_s(k);
        }
        break;
    case KPI_Q_ABANDONED:
        if (wait < (int64_t)s->short_abandon_s * 1000)
            s->short_abandoned++;
        else
            s->abandoned++;
        break;
    case KPI_Q_LEFT:
        s->left++;
        break;
    case KPI_Q_NONE:
        break;
    }
}

static int add_call(struct acc *c, const struct kpi_call *k)
{
    struct qacc *q = NULL;
    int rc = DT_OK;
    if (named(k->queue)) {
        rc = find_queue(c, k->queue, &q);
        if (rc != DT_OK)
            return rc;
        if (k->result != KPI_Q_NONE && in_day(c, k->dequeued_ms))
            queue_outcome(q, k);
        if (k->enqueued_ms >= 0 && k->enqueued_ms <= c->now &&
            (k->result == KPI_Q_NONE && k->dequeued_ms < 0 && k->ended_ms < 0)) {
            q->s.waiting++;
            int64_t w = (c->now - k->enqueued_ms) / 1000;
            if (w > q->s.longest_wait_s)
                q->s.longest_wait_s = w;
        }
    }
    if (k->cost_micros >= 0 && in_day(c, k->ended_ms)) {
        c->cost += k->cost_micros;
        if (q)
            q->s.cost_micros += k->cost_micros;
    }
    for (size_t i = 0; i < k->n_parts && rc == DT_OK; i++)
        if (named(k->parts[i].agent) && in_day(c, k->parts[i].reached_ms))
            rc = agent_handled(c, k->parts[i].agent, part_handle_s(&k->parts[i]));
    if (rc == DT_OK && named(k->agent) && !has_part(k, k->agent) && in_day(c, k->answered_ms))
        rc = agent_handled(c, k->agent, handle_s(k));
    return rc;
}

static int add_offer(struct acc *c, const struct kpi_offer *o)
{
    if (!named(o->agent) || !in_day(c, o->offered_ms))
        return DT_OK;
    struct aacc *a;
    int rc = find_agent(c, o->agent, &a);
    if (rc != DT_OK)
        return rc;
    if (o->end == KPI_OFFER_TIMEOUT)
        a->s.missed_offers++;
    else if (o->end == KPI_OFFER_DECLINED)
        a->s.declined_offers++;
    return DT_OK;
}

static double mean(int64_t sum, int64_t n, double scale)
{
    return n > 0 ? (double)sum / (double)n / scale : -1;
}

static int by_queue_name(const void *x, const void *y)
{
    return strcmp(((const struct kpi_queue_stats *)x)->name,
                  ((const struct kpi_queue_stats *)y)->name);
}

static int by_agent_name(const void *x, const void *y)
{
    return strcmp(((const struct kpi_agent_stats *)x)->name,
                  ((const struct kpi_agent_stats *)y)->name);
}

/* Turns the sums into the report's figures and hands the arrays over. */
static void finish(struct acc *c, size_t n_listed, struct kpi_report *out)
{
    out->queues = xcalloc(c->nq ? c->nq : 1, sizeof *out->queues);
    for (size_t i = 0; i < c->nq; i++) {
        struct kpi_queue_stats *s = &c->q[i].s;
        s->offered = s->handled + s->abandoned + s->left;
        s->service_level = s->offered ? (double)s->answered_in_sl / (double)s->offered : -1;
        s->asa_s = mean(c->q[i].wait_ms_sum, s->handled, 1000.0);
        s->aht_s = mean(c->q[i].handle_s_sum, s->aht_calls, 1.0);
        out->queues[i] = *s;
    }
    out->n_queues = c->nq;
    if (c->nq > n_listed)
        qsort(out->queues + n_listed, c->nq - n_listed, sizeof *out->queues, by_queue_name);
    out->agents = xcalloc(c->na ? c->na : 1, sizeof *out->agents);
    for (size_t i = 0; i < c->na; i++) {
        c->a[i].s.aht_s = mean(c->a[i].handle_s_sum, c->a[i].s.aht_calls, 1.0);
        out->agents[i] = c->a[i].s;
    }
    out->n_agents = c->na;
    qsort(out->agents, c->na, sizeof *out->agents, by_agent_name);
    out->cost_micros = c->cost;
}

int kpi_compute(const struct kpi_params *p, const struct kpi_call *calls, size_t n,
                const struct kpi_offer *offers, size_t n_offers, int64_t now_ms,
                struct kpi_report *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (p->service_level_s < 0 || p->short_abandon_s < 0)
        return dt_seterr(err, errlen, DT_EINVAL, "negative threshold");
    struct acc c = {.p = p, .now = now_ms, .err = err, .errlen = errlen};
    int rc = kpi_day_bounds(p->zone, p->reset_minute, now_ms, &c.start, &c.end);
    if (rc != DT_OK)
        return dt_seterr(err, errlen, rc, "reset time must be a minute of the day (0-1439)");
    for (size_t i = 0; i < p->n_queues && rc == DT_OK; i++)
        rc = add_listed(&c, &p->queues[i]);
    for (size_t i = 0; i < n && rc == DT_OK; i++)
        rc = add_call(&c, &calls[i]);
    for (size_t i = 0; i < n_offers && rc == DT_OK; i++)
        rc = add_offer(&c, &offers[i]);
    if (rc == DT_OK) {
        out->day_start_ms = c.start;
        out->day_end_ms = c.end;
        finish(&c, p->n_queues, out);
    }
    free(c.q);
    free(c.a);
    return rc;
}

void kpi_report_done(struct kpi_report *r)
{
    if (!r)
        return;
    free(r->queues);
    free(r->agents);
    memset(r, 0, sizeof *r);
}

const struct kpi_queue_stats *kpi_report_queue(const struct kpi_report *r, const char *name)
{
    for (size_t i = 0; name && i < r->n_queues; i++)
        if (strcmp(r->queues[i].name, name) == 0)
            return &r->queues[i];
    return NULL;
}

const struct kpi_agent_stats *kpi_report_agent(const struct kpi_report *r, const char *name)
{
    for (size_t i = 0; name && i < r->n_agents; i++)
        if (strcmp(r->agents[i].name, name) == 0)
            return &r->agents[i];
    return NULL;
}

int kpi_queue_warnings(const struct kpi_queue_stats *q, double sl_target, int64_t max_wait_s)
{
    int w = 0;
    if (q->service_level >= 0 && q->service_level < sl_target)
        w |= KPI_WARN_SERVICE_LEVEL;
    if (max_wait_s > 0 && q->waiting > 0 && q->longest_wait_s > max_wait_s)
        w |= KPI_WARN_LONG_WAIT;
    return w;
}

/* QueueResult values by what they mean for the figures. dialtone takes a caller out of the
 * queue for an agent through the Queue Members API, which Twilio reports as "redirected". */
static const struct {
    const char *name;
    enum kpi_qresult r;
} qresults[] = {
    {.name = "bridged", .r = KPI_Q_ANSWERED},
    {.name = "bridging-in-process", .r = KPI_Q_ANSWERED},
    {.name = "redirected-from-bridged", .r = KPI_Q_ANSWERED},
    {.name = "hangup", .r = KPI_Q_ABANDONED},
    {.name = "leave", .r = KPI_Q_LEFT},
    {.name = "queue-full", .r = KPI_Q_LEFT},
    {.name = "error", .r = KPI_Q_LEFT},
    {.name = "redirected", .r = KPI_Q_ANSWERED},
    {.name = "system-shutdown", .r = KPI_Q_LEFT},
};

enum kpi_qresult kpi_qresult_parse(const char *s)
{
    for (size_t i = 0; s && i < sizeof qresults / sizeof qresults[0]; i++)
        if (strcmp(s, qresults[i].name) == 0)
            return qresults[i].r;
    return KPI_Q_NONE;
}

#define PRICE_MAX_UNITS 1000000000LL

int kpi_price_parse(const char *s, int64_t *micros)
{
    if (!s)
        return DT_EINVAL;
    if (*s == '-' || *s == '+')
        s++;
    int64_t units = 0, frac = 0;
    int nd = 0, nf = 0, round_up = 0;
    for (; *s >= '0' && *s <= '9'; s++, nd++) {
        units = units * 10 + (*s - '0');
        if (units > PRICE_MAX_UNITS)
            return DT_EINVAL;
    }
    if (*s == '.') {
        for (s++; *s >= '0' && *s <= '9'; s++, nf++) {
            if (nf < 6)
                frac = frac * 10 + (*s - '0');
            else if (nf == 6)
                round_up = *s >= '5';
        }
        if (nf == 0)
            return DT_EINVAL;
    }
    if (*s != '\0' || nd == 0)
        return DT_EINVAL;
    for (int i = nf; i < 6; i++)
        frac *= 10;
    *micros = units * 1000000 + frac + round_up;
    return DT_OK;
}
