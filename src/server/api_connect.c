/*
 * api_connect: Twilio's part of a won accept. The caller is taken out of Twilio's queue into
 * a conference named for the call (/twilio/join?room=R) and the agent's endpoint is added to
 * it; if the agent's leg cannot be made the caller goes back to the front of the line, still
 * in its conference with hold music rather than in silence. Once the agent's leg exists, the
 * call is stored as the agent's and the leg as the call's (dialtone/store_legs.h).
 *
 * A call is offered as soon as the daemon answers its voice webhook with <Enqueue>, a moment
 * before Twilio has put the caller in the queue; an accept in that moment gets 404 from Queue
 * Members. Such a dequeue is asked again every DEQUEUE_RETRY_MS, DEQUEUE_TRIES times in all,
 * while the call is still the agent's; after that (or on any other error) the call waits again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dialtone/config.h"
#include "dialtone/form.h"
#include "dialtone/log.h"
#include "dialtone/netloop.h"
#include "dialtone/routing.h"
#include "dialtone/store.h"
#include "dialtone/store_agents.h"
#include "dialtone/store_legs.h"
#include "dialtone/twilio.h"
#include "dialtone/util.h"
#include "server/api_int.h"
#include "server/server_int.h"

#define DEQUEUE_RETRY_MS 200
#define DEQUEUE_TRIES    15

/* A Twilio request in flight; api is NULL once the API is gone. */
struct api_op {
    struct api *api;
    struct api_op *next, **prev;
    char sid[72], agent[136];
    int step;                    /* 0: dequeue, 1: agent leg */
    int tries;                   /* dequeues asked so far */
    struct netloop_timer *again; /* the next dequeue; no request in flight while it runs */
};

/* ---- Twilio: the caller into its room, the agent's leg --------------------------------------- */

static void op_free(struct api_op *op)
{
    netloop_timer_free(op->again);
    if (op->api) {
        *op->prev = op->next;
        if (op->next)
            op->next->prev = op->prev;
    }
    free(op);
}

static struct api_op *op_new(struct api *api, const char *sid, const char *agent, int step)
{
    struct api_op *op = xcalloc(1, sizeof *op);
    op->api = api;
    dt_strlcpy(op->sid, sid, sizeof op->sid);
    dt_strlcpy(op->agent, agent, sizeof op->agent);
    op->step = step;
    op->next = api->ops;
    op->prev = &api->ops;
    if (api->ops)
        api->ops->prev = &op->next;
    api->ops = op;
    return op;
}

/* The agent's leg failed (or the caller could not be moved): the call waits again, first in
 * line; the agent is free again. */
void api_connect_failed(struct api *api, const char *sid, const char *agent, const char *why)
{
    log_warn("routing: connecting %s to %s failed: %s", sid, agent, why);
    api_agent_release(api, agent);
    struct api_call *c = api_call_find(api, sid);
    struct routing_actions acts;
    routing_actions_init(&acts);
    int64_t now = server_now_ms();
    char err[256];
    if (c) {
        c->agent[0] = '\0';
        c->leg[0] = '\0';
        routing_requeue_front(api->rt, sid, c->queue, c->enqueued_ms, now, &acts, err, sizeof err);
    }
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "call_sid", sid);
    cJSON_AddStringToObject(d, "agent", agent);
    cJSON_AddStringToObject(d, "reason", why);
    api_emit(api, "call.connect_failed", d);
    api_carry_out(api, &acts);
    routing_actions_done(&acts);
}

void api_agent_release(struct api *api, const char *agent)
{
    api_kpi_no_wrapup(api, agent);
    struct routing_actions acts;
    routing_actions_init(&acts);
    char err[256];
    struct store_agent a;
    if (routing_agent_call_ended(api->rt, agent, server_now_ms(), &acts, err, sizeof err) == DT_OK)
        api_carry_out(api, &acts); /* stores wrap-up: the step below is the daemon's own */
    int64_t now = server_now_ms();
    if (routing_agent_wrapup_done(api->rt, agent, now, &acts, err, sizeof err) == DT_OK &&
        store_agent_set_state(api->srv->store, agent, "available", NULL, now, err, sizeof err) ==
            DT_OK &&
        store_agent_get(api->srv->store, agent, &a, err, sizeof err) == DT_OK) {
        api_emit(api, "agent.state", api_agent_json(api->srv->store, &a));
        store_agent_done(&a);
    }
    api_carry_out(api, &acts);
    routing_actions_done(&acts);
}

static void on_twilio(const struct twilio_result *res, void *arg);
static int dequeue(struct api *api, struct api_op *op, char *why, size_t whylen);

static void add_agent_leg(struct api *api, const char *sid, const char *agent)
{
    struct api_call *c = api_call_find(api, sid);
    struct store_agent a;
    char err[256];
    if (!c || store_agent_get(api->srv->store, agent, &a, err, sizeof err) != DT_OK) {
        api_connect_failed(api, sid, agent, "the agent or the call is gone");
        return;
    }
    const struct config *cfg = api->srv->cfg;
    char *cb = xasprintf("%s/twilio/status", cfg->twilio.public_base_url);
    struct form f;
    form_init(&f);
    char from[40];
    api_caller_id(api, sid, from, sizeof from);
    form_add(&f, "From", from);
    form_add(&f, "To", a.endpoint ? a.endpoint : "");
    form_add(&f, "Label", "agent");
    form_add(&f, "StartConferenceOnEnter", "true");
    form_add(&f, "StatusCallback", cb);
    form_add(&f, "StatusCallbackEvent", "completed");
    struct api_op *op = op_new(api, sid, agent, 1);
    int rc = twilio_participant_create(api->srv->twilio, c->room, &f, on_twilio, op);
    form_done(&f);
    free(cb);
    store_agent_done(&a);
    if (rc != DT_OK) {
        op_free(op);
        api_connect_failed(api, sid, agent, "the agent's leg could not be requested");
    }
}

/* The timer of a dequeue to ask again: the call must still be the agent's. */
static void dequeue_again(struct netloop_timer *t, void *user)
{
    (void)t;
    struct api_op *op = user;
    struct api *api = op->api;
    char sid[72], agent[136], why[160];
    dt_strlcpy(sid, op->sid, sizeof sid);
    dt_strlcpy(agent, op->agent, sizeof agent);
    struct api_call *c = api_call_find(api, sid);
    if (!c || strcmp(c->agent, agent) != 0) {
        log_info("routing: %s is no longer %s's to connect", sid, agent);
        op_free(op);
        return;
    }
    if (dequeue(api, op, why, sizeof why) != DT_OK) {
        op_free(op);
        api_connect_failed(api, sid, agent, why);
    }
}

static void on_twilio(const struct twilio_result *res, void *arg)
{
    struct api_op *op = arg;
    struct api *api = op->api;
    if (!api) {
        op_free(op); /* the API is gone: op is unlinked already */
        return;
    }
    char sid[72], agent[136];
    int step = op->step;
    dt_strlcpy(sid, op->sid, sizeof sid);
    dt_strlcpy(agent, op->agent, sizeof agent);
    struct api_call *live = api_call_find(api, sid);
    if (res->rc != DT_OK && step == 0 && res->status == 404 && op->tries < DEQUEUE_TRIES && live &&
        strcmp(live->agent, agent) == 0) {
        /* not in Twilio's queue yet: ask again in a moment */
        if (!op->again)
            op->again = netloop_timer_new(api->srv->loop, dequeue_again, op);
        netloop_timer_start(op->again, DEQUEUE_RETRY_MS);
        return;
    }
    op_free(op);
    if (res->rc != DT_OK) {
        char why[600];
        snprintf(why, sizeof why, "Twilio answered %d: %s", res->status,
                 res->error.message[0] ? res->error.message : "no detail");
        api_connect_failed(api, sid, agent, why);
        return;
    }
    if (step == 0) {
        struct api_call *c = api_call_find(api, sid);
        if (c)
            c->in_room = 1;
        add_agent_leg(api, sid, agent);
        return;
    }
    const cJSON *leg = cJSON_GetObjectItemCaseSensitive(res->json, "call_sid");
    struct api_call *c = api_call_find(api, sid);
    if (c && cJSON_IsString(leg))
        dt_strlcpy(c->leg, leg->valuestring, sizeof c->leg);
    char err[256];
    if (store_call_assign(api->srv->store, sid, agent,
                          cJSON_IsString(leg) ? leg->valuestring : NULL, 1, server_now_ms(), err,
                          sizeof err) != DT_OK)
        log_warn("routing: recording %s as %s's call: %s", sid, agent, err);
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "call_sid", sid);
    cJSON_AddStringToObject(d, "agent", agent);
    cJSON_AddStringToObject(d, "agent_call_sid", cJSON_IsString(leg) ? leg->valuestring : "");
    api_emit(api, "call.connected", d);
}

void api_connect_start(struct api *api, const char *sid, const char *agent)
{
    struct api_call *c = api_call_find(api, sid);
    if (!api->srv->twilio || !c) {
        log_warn("routing: %s accepted %s, but there is no Twilio client to connect them", agent,
                 sid);
        return;
    }
    if (c->in_room) { /* put back after a failed agent leg: it waits in its room */
        add_agent_leg(api, sid, agent);
        return;
    }
    struct api_op *op = op_new(api, sid, agent, 0);
    char why[160];
    if (dequeue(api, op, why, sizeof why) != DT_OK) {
        op_free(op);
        api_connect_failed(api, sid, agent, why);
    }
}

/* Asks Twilio to move op's caller from its queue into its room. Errors: DT_ENOTFOUND, DT_EIO
 * (why says it; op is the caller's to free). */
static int dequeue(struct api *api, struct api_op *op, char *why, size_t whylen)
{
    struct api_call *c = api_call_find(api, op->sid);
    struct store_queue q;
    char err[256];
    if (!c)
        return dt_seterr(why, whylen, DT_ENOTFOUND, "the call is gone");
    if (store_queue_get(api->srv->store, c->queue, &q, err, sizeof err) != DT_OK || !q.twilio_sid) {
        store_queue_done(&q);
        return dt_seterr(why, whylen, DT_ENOTFOUND, "the queue has no Twilio sid yet");
    }
    char *url = xasprintf("%s/twilio/join?room=%s", api->srv->cfg->twilio.public_base_url, c->room);
    op->tries++;
    int rc =
        twilio_member_dequeue(api->srv->twilio, q.twilio_sid, op->sid, url, "POST", on_twilio, op);
    free(url);
    store_queue_done(&q);
    return rc == DT_OK ? DT_OK
                       : dt_seterr(why, whylen, DT_EIO, "the dequeue could not be requested");
}

void api_connect_done(struct api *api)
{
    struct api_op *op = api->ops, *next;
    api->ops = NULL;
    for (; op; op = next) {
        next = op->next;
        op->api = NULL;
        if (op->again && netloop_timer_pending(op->again)) /* no request in flight: ours */
            op_free(op);
    }
}
