/*
 * rest_queues: the REST handlers for Queues and their Members (fetched by CallSid or "Front";
 * an update is a dequeue to Url).
 */
#include <stdlib.h>
#include <string.h>

#include "dialtone/util.h"
#include "sim/rest_int.h"

static const char *queue_sid(const void *e)
{
    return (*(const struct sim_queue *const *)e)->sid;
}

static cJSON *queue_render(const struct rest_ctx *c, const void *e)
{
    return rest_queue_json(c, *(const struct sim_queue *const *)e);
}

void rest_queues_list(struct rest_ctx *c)
{
    size_t n = sim_queue_count(c->s), k = 0;
    const struct sim_queue **qs = xcalloc(n ? n : 1, sizeof *qs);
    for (size_t i = 0; i < n; i++)
        if ((qs[k] = sim_queue_at(c->s, i)) != NULL)
            k++;
    struct rest_list l = {.key = "queues",
                          .items = qs,
                          .n = k,
                          .elem_size = sizeof *qs,
                          .sid = queue_sid,
                          .render = queue_render};
    rest_reply_page(c, "/Queues.json", &l);
    free(qs);
}

void rest_queues_create(struct rest_ctx *c)
{
    const struct sim_queue *q = NULL;
    struct sim_err e = {0};
    if (sim_queue_create(c->s, &c->params, &q, &e) < 0 || !q)
        rest_reply_sim_err(c, &e);
    else
        rest_reply(c, 201, rest_queue_json(c, q));
}

void rest_queue_fetch(struct rest_ctx *c)
{
    const struct sim_queue *q = sim_queue_get(c->s, c->args[0]);
    if (!q)
        rest_not_found(c);
    else
        rest_reply(c, 200, rest_queue_json(c, q));
}

void rest_queue_update(struct rest_ctx *c)
{
    const struct sim_queue *q = NULL;
    struct sim_err e = {0};
    if (!sim_queue_get(c->s, c->args[0]))
        rest_not_found(c);
    else if (sim_queue_update(c->s, c->args[0], &c->params, &q, &e) < 0 || !q)
        rest_reply_sim_err(c, &e);
    else
        rest_reply(c, 200, rest_queue_json(c, q));
}

void rest_queue_delete(struct rest_ctx *c)
{
    struct sim_err e = {0};
    if (!sim_queue_get(c->s, c->args[0]))
        rest_not_found(c);
    else if (sim_queue_delete(c->s, c->args[0], &e) < 0)
        rest_reply_sim_err(c, &e);
    else
        rest_reply_empty(c);
}

/* ---- members ------------------------------------------------------------------------------- */

static const char *member_sid(const void *e)
{
    return ((const struct sim_member *)e)->call_sid;
}

static cJSON *member_render(const struct rest_ctx *c, const void *e)
{
    return rest_member_json(c, e);
}

void rest_members_list(struct rest_ctx *c)
{
    const struct sim_queue *q = sim_queue_get(c->s, c->args[0]);
    if (!q) {
        rest_not_found(c);
        return;
    }
    size_t n = sim_member_count(c->s, q->sid), k = 0;
    struct sim_member *ms = xcalloc(n ? n : 1, sizeof *ms);
    for (size_t i = 0; i < n; i++)
        if (sim_member_at(c->s, q->sid, i, &ms[k]) == 0)
            k++;
    char *path = xasprintf("/Queues/%s/Members.json", q->sid);
    struct rest_list l = {.key = "queue_members",
                          .items = ms,
                          .n = k,
                          .elem_size = sizeof *ms,
                          .sid = member_sid,
                          .render = member_render};
    rest_reply_page(c, path, &l);
    free(path);
    free(ms);
}

void rest_member_fetch(struct rest_ctx *c)
{
    struct sim_member m;
    struct sim_err e = {0};
    if (!sim_queue_get(c->s, c->args[0])) {
        rest_not_found(c);
        return;
    }
    if (sim_member_get(c->s, c->args[0], c->args[1], &m, &e) == 0)
        rest_reply(c, 200, rest_member_json(c, &m));
    else if (e.status)
        rest_reply_sim_err(c, &e);
    else
        rest_not_found(c);
}

void rest_member_update(struct rest_ctx *c)
{
    struct sim_member m;
    struct sim_err e = {0};
    if (!sim_queue_get(c->s, c->args[0]))
        rest_not_found(c);
    else if (sim_member_dequeue(c->s, c->args[0], c->args[1], &c->params, &m, &e) < 0)
        rest_reply_sim_err(c, &e);
    else
        rest_reply(c, 200, rest_member_json(c, &m));
}
