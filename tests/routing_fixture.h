/*
 * routing_fixture: helpers the routing tests share. A router with a fresh action list, queues
 * and agents made in one line, and lookups over the actions of the last step.
 */
#ifndef DIALTONE_ROUTING_FIXTURE_H
#define DIALTONE_ROUTING_FIXTURE_H

#include <string.h>

#include "check.h"
#include "dialtone/routing.h"
#include "dialtone/util.h"

#define OK(expr) CHECK_INT((expr), DT_OK)

struct fx {
    struct routing *r;
    struct routing_actions acts;
    char err[128];
};

static inline void fx_init(struct fx *f)
{
    f->r = routing_new(NULL);
    routing_actions_init(&f->acts);
    f->err[0] = '\0';
}

static inline void fx_done(struct fx *f)
{
    routing_free(f->r);
    routing_actions_done(&f->acts);
}

/* Starts a new step: forget the previous step's actions. */
static inline struct routing_actions *fx_step(struct fx *f)
{
    routing_actions_clear(&f->acts);
    f->err[0] = '\0';
    return &f->acts;
}

static inline int fx_queue(struct fx *f, const char *name, enum routing_mode mode, int timeout_s,
                           int wrapup_s, int missed_limit)
{
    struct routing_queue_conf c;
    routing_queue_defaults(&c);
    c.mode = mode;
    c.reservation_timeout_s = timeout_s;
    c.wrapup_s = wrapup_s;
    c.missed_offers_limit = missed_limit;
    return routing_queue_set(f->r, name, &c, 0, NULL, f->err, sizeof(f->err));
}

/* Adds agent id (offline) in queue and queue2 when they are not NULL, at now_ms. */
static inline int fx_member(struct fx *f, const char *id, const char *queue, const char *queue2,
                            int64_t now_ms)
{
    int rc = routing_agent_add(f->r, id, now_ms, NULL, f->err, sizeof(f->err));
    if (rc == DT_OK && queue)
        rc = routing_agent_join(f->r, id, queue, now_ms, NULL, f->err, sizeof(f->err));
    if (rc == DT_OK && queue2)
        rc = routing_agent_join(f->r, id, queue2, now_ms, NULL, f->err, sizeof(f->err));
    return rc;
}

/* Adds agent id in queue (and queue2 when not NULL), available since now_ms. */
static inline int fx_agent(struct fx *f, const char *id, const char *queue, const char *queue2,
                           int64_t now_ms)
{
    int rc = fx_member(f, id, queue, queue2, now_ms);
    if (rc == DT_OK)
        rc = routing_agent_set_state(f->r, id, DT_ROUTE_AVAILABLE, NULL, now_ms, NULL, f->err,
                                     sizeof(f->err));
    return rc;
}

/*
 * The usual start: a fresh router (fx_init, so fx_done it) with queue "sales" set up as
 * fx_queue does, agent amy available in it since 0 and, unless bob_ms is negative, agent bob
 * since bob_ms.
 */
static inline int fx_sales(struct fx *f, enum routing_mode mode, int timeout_s, int wrapup_s,
                           int missed_limit, int64_t bob_ms)
{
    fx_init(f);
    int rc = fx_queue(f, "sales", mode, timeout_s, wrapup_s, missed_limit);
    if (rc == DT_OK)
        rc = fx_agent(f, "amy", "sales", NULL, 0);
    if (rc == DT_OK && bob_ms >= 0)
        rc = fx_agent(f, "bob", "sales", NULL, bob_ms);
    return rc;
}

/* The first action of kind in the last step for call and agent (NULL: any), or NULL. */
static inline const struct routing_action *
fx_find(const struct fx *f, enum routing_action_kind kind, const char *call, const char *agent)
{
    for (size_t i = 0; i < f->acts.count; i++) {
        const struct routing_action *a = &f->acts.items[i];
        if (a->kind == kind && (!call || strcmp(a->call_sid, call) == 0) &&
            (!agent || strcmp(a->agent, agent) == 0))
            return a;
    }
    return NULL;
}

/* Index of that action in the last step, or -1. */
static inline int fx_index(const struct fx *f, enum routing_action_kind kind, const char *call,
                           const char *agent)
{
    const struct routing_action *a = fx_find(f, kind, call, agent);
    return a ? (int)(a - f->acts.items) : -1;
}

static inline size_t fx_count(const struct fx *f, enum routing_action_kind kind)
{
    size_t n = 0;
    for (size_t i = 0; i < f->acts.count; i++)
        n += f->acts.items[i].kind == kind;
    return n;
}

static inline enum routing_agent_state fx_state(const struct fx *f, const char *agent)
{
    struct routing_agent_info info;
    if (routing_agent_get(f->r, agent, &info) != DT_OK)
        return (enum routing_agent_state) - 1;
    return info.state;
}

#endif
