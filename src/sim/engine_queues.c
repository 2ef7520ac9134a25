/*
 * engine_queues: Twilio's call queues. <Enqueue> joins a queue by name (made on first use,
 * MaxSize 100) and polls its waitUrl; the call leaves by <Leave>, a dequeue through the REST
 * API (redirected), a <Dial><Queue> (bridged), hanging up, or a full queue, and its Enqueue
 * action is told with QueueResult and QueueTime. The Queues and Queue Members resources.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/engine_int.h"

#define QUEUE_NAME_MAX 64

static struct eng_queue *queue_new(struct sim *s, const char *name, int max_size)
{
    struct eng_queue *q = xcalloc(1, sizeof *q);
    eng_sid(s, "QU", q->pub.sid);
    q->pub.friendly_name = xstrdup(name);
    q->pub.max_size = max_size;
    q->pub.created_ms = q->pub.updated_ms = s->now;
    eng_vec_push(&s->queues, q);
    eng_map_put(&s->sids, q);
    eng_log(s, DT_LOG_INFO, "%s: queue \"%s\" created", q->pub.sid, name);
    return q;
}

struct eng_queue *eng_queue_by_name(struct sim *s, const char *name, int create)
{
    for (size_t i = 0; i < s->queues.n; i++) {
        struct eng_queue *q = s->queues.v[i];
        if (strcmp(q->pub.friendly_name, name) == 0)
            return q;
    }
    return create ? queue_new(s, name, ENG_DEFAULT_QUEUE) : NULL;
}

static struct eng_queue *queue_find(const struct sim *s, const char *sid)
{
    if (!sid || strncmp(sid, "QU", 2) != 0)
        return NULL;
    return eng_map_get(&s->sids, sid);
}

static int position(const struct eng_queue *q, const struct eng_call *c)
{
    for (size_t i = 0; i < q->members.n; i++)
        if (q->members.v[i] == c)
            return (int)i + 1;
    return 0;
}

void eng_queue_refresh(struct sim *s)
{
    for (size_t i = 0; i < s->queues.n; i++) {
        struct eng_queue *q = s->queues.v[i];
        int64_t sum = 0;
        for (size_t j = 0; j < q->members.n; j++) {
            const struct eng_call *c = q->members.v[j];
            sum += s->now - c->enq->enqueued_ms;
        }
        q->pub.average_wait_time_s = q->members.n ? (int)(sum / 1000 / (int64_t)q->members.n) : 0;
    }
}

void eng_wait_params(struct sim *s, const struct eng_call *c, struct form *f)
{
    if (!c->enq || !c->enq->q)
        return;
    const struct eng_queue *q = c->enq->q;
    eng_queue_refresh(s);
    eng_form_addf(f, "QueuePosition", "%d", position(q, c));
    eng_form_add(f, "QueueSid", q->pub.sid);
    eng_form_addf(f, "QueueTime", "%d", (int)((s->now - c->enq->enqueued_ms) / 1000));
    eng_form_addf(f, "AvgQueueTime", "%d", q->pub.average_wait_time_s);
    eng_form_addf(f, "CurrentQueueSize", "%zu", q->members.n);
    eng_form_addf(f, "MaxQueueSize", "%d", q->pub.max_size);
}

void eng_enqueue_free(struct eng_enqueue *e)
{
    if (!e)
        return;
    free(e->action);
    free(e->method);
    free(e->wait_url);
    free(e->wait_method);
    free(e);
}

/* Posts the Enqueue action of c (if any) and frees its Enqueue state. continue_call: the
 * action's TwiML (or the verb after <Enqueue>) drives the call; else the action is only told. */
static void enqueue_done(struct sim *s, struct eng_call *c, const char *result, int qtime,
                         int continue_call)
{
    struct eng_enqueue *e = c->enq;
    char qsid[DT_SIM_SID_LEN + 1] = "";
    if (e->q)
        dt_strlcpy(qsid, e->q->pub.sid, sizeof qsid);
    char *action = e->action, *method = e->method;
    e->action = e->method = NULL;
    eng_enqueue_free(e);
    c->enq = NULL;
    eng_log(s, DT_LOG_INFO, "%s: left the queue: %s after %d s", c->pub.sid, result, qtime);
    if (action) {
        struct form f;
        form_init(&f);
        eng_form_add(&f, "QueueResult", result);
        eng_form_add(&f, "QueueSid", qsid);
        eng_form_addf(&f, "QueueTime", "%d", qtime);
        if (continue_call) {
            eng_fetch_main(s, c, action, method, &f);
        } else {
            struct form all;
            form_init(&all);
            eng_call_params(s, c, &all);
            for (size_t i = 0; i < f.count; i++)
                form_add(&all, f.pairs[i].key, f.pairs[i].value);
            form_done(&f);
            eng_http(s, REQ_CALLBACK, c, action, method, &all);
        }
    } else if (continue_call) {
        eng_exec_next(s, c);
    }
    free(action);
    free(method);
}

void eng_queue_leave(struct sim *s, struct eng_call *c, const char *result, int continue_call)
{
    struct eng_enqueue *e = c->enq;
    if (!e)
        return;
    if (e->dequeuer) {
        /* the bridge that took it out of the queue ends now */
        e->dequeuer = NULL;
        enqueue_done(s, c, "bridged", c->pub.queue_time_s, continue_call);
        return;
    }
    if (e->q)
        eng_vec_remove(&e->q->members, c);
    int qtime = (int)((s->now - e->enqueued_ms) / 1000);
    c->pub.queue_time_s = qtime;
    c->pub.queue_sid[0] = '\0';
    c->pub.updated_ms = s->now;
    if (c->phase != PH_ENDED)
        eng_timer_stop(s, &c->t_far); /* patience only counts in the queue */
    eng_wait_stop(s, c);
    if (strcmp(result, "bridged") == 0)
        return; /* the action waits for the bridge to end; see eng_queue_bridge */
    enqueue_done(s, c, result, qtime, continue_call);
}

/* ---- <Enqueue> --------------------------------------------------------------------------------
 */

static char *name_of(const char *text)
{
    while (text && isspace((unsigned char)*text))
        text++;
    size_t n = text ? strlen(text) : 0;
    while (n > 0 && isspace((unsigned char)text[n - 1]))
        n--;
    return xstrndup(text ? text : "", n);
}

int eng_enqueue_verb(struct sim *s, struct eng_call *c, struct eng_exec *x, const struct tw_node *v)
{
    char *name = name_of(v->text);
    const char *a = tw_attr(v, "action"), *w = tw_attr(v, "waitUrl");
    struct eng_enqueue *e = xcalloc(1, sizeof *e);
    e->action = a && *a ? eng_resolve(x->base, a) : NULL;
    e->method = eng_strdup(tw_attr(v, "method"));
    e->wait_url = w ? eng_resolve(x->base, w) : NULL;
    e->wait_method = eng_strdup(tw_attr(v, "waitUrlMethod"));
    e->enqueued_ms = s->now;
    c->enq = e;
    size_t n = strlen(name);
    struct eng_queue *q = n && n <= QUEUE_NAME_MAX ? eng_queue_by_name(s, name, 1) : NULL;
    free(name);
    if (!q) {
        eng_log(s, DT_LOG_WARN, "%s: <Enqueue>: queue name too %s (%d)", c->pub.sid,
                n ? "long" : "short", n ? 14205 : 14204);
        enqueue_done(s, c, "error", 0, 1);
        return 0;
    }
    e->q = q;
    if ((int)q->members.n >= q->pub.max_size) {
        eng_log(s, DT_LOG_WARN, "%s: queue %s is full (14207)", c->pub.sid, q->pub.sid);
        enqueue_done(s, c, "queue-full", 0, 1);
        return 0;
    }
    eng_vec_push(&q->members, c);
    dt_strlcpy(c->pub.queue_sid, q->pub.sid, sizeof c->pub.queue_sid);
    c->phase = PH_QUEUE;
    eng_log(s, DT_LOG_INFO, "%s: enqueued in %s at position %zu", c->pub.sid, q->pub.sid,
            q->members.n);
    if (c->patience_s > 0)
        eng_timer_arm(s, &c->t_far, s->now + eng_ms(c->patience_s));
    if (q->waiters.n > 0) {
        struct eng_call *agent = q->waiters.v[0];
        eng_vec_remove(&q->waiters, agent);
        eng_queue_connect(s, agent, c);
        return 0;
    }
    eng_wait_start(s, c, e->wait_url, e->wait_method);
    return 0;
}

/* <Dial><Queue>: the agent call a takes member m out of its queue and talks to it. */
void eng_queue_connect(struct sim *s, struct eng_call *a, struct eng_call *m)
{
    eng_queue_leave(s, m, "bridged", 0);
    m->enq->dequeuer = a;
    a->dial->waiting = NULL;
    m->phase = PH_BRIDGED;
    eng_bridge(s, a, m);
}

int eng_dial_queue(struct sim *s, struct eng_call *c, struct eng_queue *q)
{
    if (q->members.n > 0) {
        eng_queue_connect(s, c, q->members.v[0]);
        return 0;
    }
    eng_vec_push(&q->waiters, c);
    c->dial->waiting = q;
    return 0;
}

void eng_queue_forget_waiter(struct sim *s, struct eng_call *c)
{
    (void)s;
    if (c->dial && c->dial->waiting) {
        eng_vec_remove(&c->dial->waiting->waiters, c);
        c->dial->waiting = NULL;
    }
}

/* ---- Queues -------------------------------------------------------------------------------- */

static int parse_max_size(const struct form *params, int *out, struct sim_err *e)
{
    const char *v = form_get(params, "MaxSize");
    long n;
    if (!v)
        return 1;
    if (eng_parse_int(v, 1, ENG_MAX_QUEUE, &n) != 0) {
        eng_seterr(e, 400, 20001, "MaxSize must be between 1 and %d", ENG_MAX_QUEUE);
        return 0;
    }
    *out = (int)n;
    return 1;
}

int sim_queue_create(struct sim *s, const struct form *params, const struct sim_queue **out,
                     struct sim_err *e)
{
    *out = NULL;
    const char *name = form_get(params, "FriendlyName");
    int max = ENG_DEFAULT_QUEUE;
    if (!name || !*name) {
        eng_seterr(e, 400, 20001, "Missing required parameter FriendlyName in the post body");
        return DT_EINVAL;
    }
    if (strlen(name) > QUEUE_NAME_MAX) {
        eng_seterr(e, 400, 20002, "FriendlyName must be at most %d characters", QUEUE_NAME_MAX);
        return DT_EINVAL;
    }
    if (!parse_max_size(params, &max, e))
        return DT_EINVAL;
    if (eng_queue_by_name(s, name, 0)) {
        eng_seterr(e, 400, 20002, "A queue named '%.64s' already exists", name);
        return DT_EEXIST;
    }
    *out = &queue_new(s, name, max)->pub;
    return 0;
}

int sim_queue_update(struct sim *s, const char *sid, const struct form *params,
                     const struct sim_queue **out, struct sim_err *e)
{
    *out = NULL;
    struct eng_queue *q = queue_find(s, sid);
    if (!q) {
        eng_seterr(e, 404, 20404, "The requested resource was not found");
        return DT_ENOTFOUND;
    }
    const char *name = form_get(params, "FriendlyName");
    int max = q->pub.max_size;
    if (name && (!*name || strlen(name) > QUEUE_NAME_MAX)) {
        eng_seterr(e, 400, 20002, "FriendlyName must be 1 to %d characters", QUEUE_NAME_MAX);
        return DT_EINVAL;
    }
    struct eng_queue *other = name ? eng_queue_by_name(s, name, 0) : NULL;
    if (other && other != q) {
        eng_seterr(e, 400, 20002, "A queue named '%.64s' already exists", name);
        return DT_EEXIST;
    }
    if (!parse_max_size(params, &max, e))
        return DT_EINVAL;
    if (name)
        eng_setstr(&q->pub.friendly_name, name);
    q->pub.max_size = max;
    q->pub.updated_ms = s->now;
    *out = &q->pub;
    return 0;
}

int sim_queue_delete(struct sim *s, const char *sid, struct sim_err *e)
{
    struct eng_queue *q = queue_find(s, sid);
    if (!q) {
        eng_seterr(e, 404, 20404, "The requested resource was not found");
        return DT_ENOTFOUND;
    }
    if (q->members.n || q->waiters.n) {
        eng_seterr(e, 400, 20001, "Queue %s has %zu member(s); it can be deleted once empty",
                   q->pub.sid, q->members.n);
        return DT_ESTATE;
    }
    eng_vec_remove(&s->queues, q);
    eng_map_del(&s->sids, q->pub.sid);
    free(q->pub.friendly_name);
    free(q->members.v);
    free(q->waiters.v);
    free(q);
    return 0;
}

const struct sim_queue *sim_queue_get(const struct sim *s, const char *sid)
{
    const struct eng_queue *q = queue_find(s, sid);
    return q ? &q->pub : NULL;
}

const struct sim_queue *sim_queue_find(const struct sim *s, const char *friendly_name)
{
    for (size_t i = 0; friendly_name && i < s->queues.n; i++) {
        const struct eng_queue *q = s->queues.v[i];
        if (strcmp(q->pub.friendly_name, friendly_name) == 0)
            return &q->pub;
    }
    return NULL;
}

size_t sim_queue_count(const struct sim *s)
{
    return s->queues.n;
}

const struct sim_queue *sim_queue_at(const struct sim *s, size_t i)
{
    if (i >= s->queues.n)
        return NULL;
    const struct eng_queue *q = s->queues.v[i];
    return &q->pub;
}

int sim_queue_size(const struct sim *s, const char *queue_sid)
{
    const struct eng_queue *q = queue_find(s, queue_sid);
    return q ? (int)q->members.n : DT_ENOTFOUND;
}

/* ---- Queue Members ----------------------------------------------------------------------------
 */

static void member_fill(const struct sim *s, const struct eng_queue *q, size_t i,
                        struct sim_member *out)
{
    const struct eng_call *c = q->members.v[i];
    memset(out, 0, sizeof *out);
    dt_strlcpy(out->call_sid, c->pub.sid, sizeof out->call_sid);
    dt_strlcpy(out->queue_sid, q->pub.sid, sizeof out->queue_sid);
    out->enqueued_ms = c->enq->enqueued_ms;
    out->position = (int)i + 1;
    out->wait_time_s = (int)((s->now - c->enq->enqueued_ms) / 1000);
}

size_t sim_member_count(const struct sim *s, const char *queue_sid)
{
    const struct eng_queue *q = queue_find(s, queue_sid);
    return q ? q->members.n : 0;
}

int sim_member_at(const struct sim *s, const char *queue_sid, size_t i, struct sim_member *out)
{
    const struct eng_queue *q = queue_find(s, queue_sid);
    if (!q || i >= q->members.n)
        return DT_ENOTFOUND;
    member_fill(s, q, i, out);
    return 0;
}

static int member_index(const struct sim *s, const char *queue_sid, const char *member_id,
                        struct eng_queue **qout, size_t *iout, struct sim_err *e)
{
    struct eng_queue *q = queue_find(s, queue_sid);
    if (q && member_id) {
        for (size_t i = 0; i < q->members.n; i++) {
            const struct eng_call *c = q->members.v[i];
            if ((i == 0 && strcmp(member_id, "Front") == 0) || strcmp(member_id, c->pub.sid) == 0) {
                *qout = q;
                *iout = i;
                return 0;
            }
        }
    }
    eng_seterr(e, 404, 20404, "The requested resource was not found");
    return DT_ENOTFOUND;
}

int sim_member_get(const struct sim *s, const char *queue_sid, const char *member_id,
                   struct sim_member *out, struct sim_err *e)
{
    struct eng_queue *q;
    size_t i;
    int rc = member_index(s, queue_sid, member_id, &q, &i, e);
    if (rc == 0)
        member_fill(s, q, i, out);
    return rc;
}

int sim_member_dequeue(struct sim *s, const char *queue_sid, const char *member_id,
                       const struct form *params, struct sim_member *out, struct sim_err *e)
{
    struct eng_queue *q;
    size_t i;
    int rc = member_index(s, queue_sid, member_id, &q, &i, e);
    if (rc)
        return rc;
    const char *url = form_get(params, "Url"), *method = form_get(params, "Method");
    if (!url || !*url) {
        eng_seterr(e, 400, 21205, "Url parameter is required");
        return DT_EINVAL;
    }
    if (!eng_is_url(url)) {
        eng_seterr(e, 400, 21205, "Url is not a valid URL");
        return DT_EINVAL;
    }
    if (method && !eng_is_method(method)) {
        eng_seterr(e, 400, 21209, "Method must be GET or POST");
        return DT_EINVAL;
    }
    if (out)
        member_fill(s, q, i, out);
    struct eng_call *c = q->members.v[i];
    char *u = xstrdup(url), *m = eng_strdup(method);
    eng_queue_leave(s, c, "redirected", 0);
    eng_fetch_main(s, c, u, m, NULL);
    free(u);
    free(m);
    eng_queue_refresh(s);
    return 0;
}
