/*
 * api_route: the agent API's side of routing. The routing module decides (offers, accepts,
 * declines, reservations timing out on a loop timer); this file feeds it the daemon's events
 * (a call queued, a call gone), carries out the actions it hands back (stored agent states,
 * events for the consoles) and, for a won accept, hands the call to api_connect.c, which
 * does Twilio's part.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dialtone/config.h"
#include "dialtone/httpd.h"
#include "dialtone/log.h"
#include "dialtone/netloop.h"
#include "dialtone/routing.h"
#include "dialtone/store.h"
#include "dialtone/store_agents.h"
#include "dialtone/util.h"
#include "server/api_int.h"
#include "server/server_int.h"

#define WAITING_MAX 1000

/* ---- calls routing has seen ------------------------------------------------------------------ */

struct api_call *api_call_find(struct api *api, const char *sid)
{
    for (struct api_call *c = api->calls; c; c = c->next)
        if (strcmp(c->sid, sid) == 0)
            return c;
    return NULL;
}

struct api_call *api_call_add(struct api *api, const char *sid, const char *queue,
                              int64_t enqueued_ms)
{
    struct api_call *c = api_call_find(api, sid);
    if (!c) {
        c = xcalloc(1, sizeof *c);
        c->next = api->calls;
        api->calls = c;
    }
    dt_strlcpy(c->sid, sid, sizeof c->sid);
    dt_strlcpy(c->queue, queue, sizeof c->queue);
    snprintf(c->room, sizeof c->room, "call-%s", sid);
    c->enqueued_ms = enqueued_ms;
    return c;
}

static void call_remove(struct api *api, const char *sid)
{
    for (struct api_call **p = &api->calls; *p; p = &(*p)->next) {
        if (strcmp((*p)->sid, sid) == 0) {
            struct api_call *c = *p;
            *p = c->next;
            api_xfer_free(c->xfer);
            free(c);
            return;
        }
    }
}

/* ---- events and actions ---------------------------------------------------------------------- */

void api_emit(struct api *api, const char *type, cJSON *data)
{
    char *text = cJSON_PrintUnformatted(data);
    cJSON_Delete(data);
    if (text)
        server_emit(api->srv, type, text, NULL);
    free(text);
}

static void reschedule(struct api *api)
{
    int64_t now = server_now_ms(), due = routing_next_due(api->rt, now);
    if (due < 0)
        netloop_timer_stop(api->timer);
    else
        netloop_timer_start(api->timer, (uint64_t)(due - now));
}

static void on_timer(struct netloop_timer *t, void *user)
{
    (void)t;
    struct api *api = user;
    struct routing_actions acts;
    routing_actions_init(&acts);
    routing_tick(api->rt, server_now_ms(), &acts);
    api_carry_out(api, &acts);
    routing_actions_done(&acts);
}

static void agent_state_action(struct api *api, const struct routing_action *x)
{
    if (x->why == DT_ROUTE_REQUESTED)
        return; /* stored and announced by the request itself */
    const char *state = routing_state_name(x->state);
    char err[256];
    struct store_agent a;
    if (store_agent_set_state(api->srv->store, x->agent, state, x->note[0] ? x->note : NULL,
                              x->at_ms, err, sizeof err) != DT_OK ||
        store_agent_get(api->srv->store, x->agent, &a, err, sizeof err) != DT_OK) {
        log_error("routing: storing %s's state: %s", x->agent, err);
        return;
    }
    api_emit(api, "agent.state", api_agent_json(api->srv->store, &a));
    store_agent_done(&a);
}

/* From the accept on, the call is the agent's (until a failed leg puts it back). */
static void mark_assigned(struct api *api, const char *sid, const char *agent)
{
    struct api_call *c = api_call_find(api, sid);
    if (c)
        dt_strlcpy(c->agent, agent, sizeof c->agent);
}

void api_carry_out(struct api *api, struct routing_actions *acts)
{
    for (size_t i = 0; i < acts->count; i++) {
        const struct routing_action *x = &acts->items[i];
        api_kpi_action(api, x);
        cJSON *d = cJSON_CreateObject();
        cJSON_AddStringToObject(d, "call_sid", x->call_sid);
        cJSON_AddStringToObject(d, "agent", x->agent);
        cJSON_AddStringToObject(d, "queue", x->queue);
        cJSON_AddStringToObject(d, "mode", routing_mode_name(x->mode));
        switch (x->kind) {
        case DT_ROUTE_OFFER:
            if (x->expires_ms)
                cJSON_AddNumberToObject(d, "expires_ms", (double)x->expires_ms);
            else
                cJSON_AddNullToObject(d, "expires_ms");
            api_add_caller(api, x->call_sid, d); /* the popup needs no list to show who */
            api_emit(api, "offer.created", d);
            break;
        case DT_ROUTE_WITHDRAW:
            cJSON_AddStringToObject(d, "why", routing_why_name(x->why));
            api_emit(api, "offer.withdrawn", d);
            break;
        case DT_ROUTE_ASSIGN:
            api_emit(api, "call.assigned", d);
            mark_assigned(api, x->call_sid, x->agent);
            api_connect_start(api, x->call_sid, x->agent);
            break;
        case DT_ROUTE_AGENT_STATE:
            cJSON_Delete(d);
            agent_state_action(api, x);
            break;
        }
    }
    routing_actions_clear(acts);
    reschedule(api);
}

/* ---- the daemon's events into routing -------------------------------------------------------- */

static int still_waiting(const cJSON *call)
{
    const char *st = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(call, "status"));
    const cJSON *qr = cJSON_GetObjectItemCaseSensitive(call, "queue_result");
    if (qr && !cJSON_IsNull(qr))
        return 0;
    return !st || strcmp(st, "queued") == 0 || strcmp(st, "initiated") == 0 ||
           strcmp(st, "ringing") == 0 || strcmp(st, "in-progress") == 0;
}

static int call_over(const cJSON *call)
{
    const char *st = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(call, "status"));
    return st &&
           (strcmp(st, "completed") == 0 || strcmp(st, "busy") == 0 || strcmp(st, "failed") == 0 ||
            strcmp(st, "no-answer") == 0 || strcmp(st, "canceled") == 0);
}

static struct api_call *leg_find(struct api *api, const char *sid)
{
    for (struct api_call *c = api->calls; c; c = c->next)
        if (c->leg[0] && !c->outbound && strcmp(c->leg, sid) == 0)
            return c;
    return NULL;
}

/* The agent's leg ended without being answered (busy, no answer, failed): the caller, waiting
 * in its conference, goes back to the front of the line. */
static void leg_event(struct api *api, struct api_call *c, const cJSON *leg)
{
    const char *st = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(leg, "status"));
    const cJSON *ans = cJSON_GetObjectItemCaseSensitive(leg, "answered_ms");
    if (!st || (ans && cJSON_IsNumber(ans)) ||
        (strcmp(st, "busy") != 0 && strcmp(st, "no-answer") != 0 && strcmp(st, "failed") != 0))
        return; /* answered, or ended by the conference's end (canceled, completed) */
    char sid[72], agent[136], why[96];
    dt_strlcpy(sid, c->sid, sizeof sid);
    dt_strlcpy(agent, c->agent, sizeof agent);
    snprintf(why, sizeof why, "the agent's leg ended: %s", st ? st : "unknown");
    api_connect_failed(api, sid, agent, why);
}

static void on_event(void *user, const struct store_event *ev)
{
    struct api *api = user;
    if (api->prev_sink)
        api->prev_sink(api->prev_user, ev);
    api_kpi_event(api, ev);
    int conf = strcmp(ev->type, "conference.updated") == 0;
    if (!conf &&
        (strncmp(ev->type, "call.", 5) != 0 || strcmp(ev->type, "call.assigned") == 0 ||
         strcmp(ev->type, "call.connected") == 0 || strcmp(ev->type, "call.connect_failed") == 0 ||
         strcmp(ev->type, "call.transferred") == 0))
        return;
    cJSON *own;
    const cJSON *root = server_event_tree(ev, &own);
    const cJSON *call = cJSON_GetObjectItemCaseSensitive(root, "call");
    int party = api_xfer_event(api, ev->type, root);
    if (conf || party) {
        cJSON_Delete(own);
        return;
    }
    const char *sid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(call, "sid"));
    const char *queue = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(call, "queue"));
    struct routing_actions acts;
    routing_actions_init(&acts);
    char err[256];
    int64_t now = server_now_ms();
    struct routing_call_info info;
    struct api_call *byleg = sid ? leg_find(api, sid) : NULL;
    if (!sid) {
        /* not about one call */
    } else if (byleg) {
        leg_event(api, byleg, call);
    } else if (strcmp(ev->type, "call.queued") == 0 && queue && still_waiting(call)) {
        if (routing_call_get(api->rt, sid, &info) != DT_OK &&
            routing_call_waiting(api->rt, sid, queue, now, &acts, err, sizeof err) == DT_OK)
            api_call_add(api, sid, queue, now);
    } else if (!still_waiting(call) && routing_call_get(api->rt, sid, &info) == DT_OK) {
        routing_call_gone(api->rt, sid, now, &acts, err, sizeof err);
        call_remove(api, sid);
    } else if (call_over(call)) {
        struct api_call *c = api_call_find(api, sid);
        api_monitor_call_over(api, sid);
        if (c)
            api_xfer_call_over(api, c);
        if (c && c->outbound)
            api_hangup_leg(api, sid);
        if (c && c->agent[0])
            routing_agent_call_ended(api->rt, c->agent, now, &acts, err, sizeof err);
        if (c)
            call_remove(api, sid);
    }
    cJSON_Delete(own);
    api_carry_out(api, &acts);
    routing_actions_done(&acts);
}

/* ---- agents ---------------------------------------------------------------------------------- */

/* Makes sure routing knows agent a (added with the command line after the start). */
static int ensure_agent(struct api *api, const struct store_agent *a, struct routing_actions *acts)
{
    struct routing_agent_info info;
    if (routing_agent_get(api->rt, a->name, &info) == DT_OK)
        return DT_OK;
    char err[256], *qs = NULL;
    int64_t now = server_now_ms();
    int rc = routing_agent_add(api->rt, a->name, now, acts, err, sizeof err);
    if (rc != DT_OK)
        return rc;
    if (store_agent_queues(api->srv->store, a->name, &qs, err, sizeof err) == DT_OK) {
        char *save = NULL;
        for (char *t = strtok_r(qs, ",", &save); t; t = strtok_r(NULL, ",", &save))
            routing_agent_join(api->rt, a->name, t, now, acts, err, sizeof err);
    }
    free(qs);
    return DT_OK;
}

int api_route_state(struct api *api, const struct store_agent *a, const char *state,
                    const char *reason, char *err, size_t errlen)
{
    enum routing_agent_state s;
    if (routing_state_parse(state, &s) != DT_OK)
        return dt_seterr(err, errlen, DT_EINVAL, "unknown state");
    struct routing_actions acts;
    routing_actions_init(&acts);
    int rc = ensure_agent(api, a, &acts);
    if (rc == DT_OK)
        rc = routing_agent_set_state(api->rt, a->name, s, reason, server_now_ms(), &acts, err,
                                     errlen);
    if (rc == DT_ESTATE)
        dt_seterr(err, errlen, rc, "busy with a call: end it first");
    api_carry_out(api, &acts); /* what fell due is real even when the change was refused */
    routing_actions_done(&acts);
    return rc;
}

/* ---- accept and decline ---------------------------------------------------------------------- */

static void answer_refusal(struct httpd_req *req, int rc, const char *err)
{
    if (rc == DT_ESTATE)
        api_error(req, 409, "conflict", err);
    else if (rc == DT_EPERM)
        api_error(req, 403, "not_offered", "this call was not offered to you");
    else if (rc == DT_ENOTFOUND)
        api_error(req, 404, "not_found", "no such waiting call");
    else
        api_error(req, 400, "bad_request", err);
}

void api_on_call_action(struct httpd_req *req, void *user)
{
    struct api *api = user;
    struct store_agent a;
    if (!api_begin(api, req, &a))
        return;
    const char *rest = httpd_req_path(req) + strlen("/api/v1/calls/");
    const char *slash = strchr(rest, '/');
    char sid[72];
    if (!slash || slash == rest || (size_t)(slash - rest) >= sizeof sid) {
        api_error(req, 404, "not_found", "no such action");
        store_agent_done(&a);
        return;
    }
    memcpy(sid, rest, (size_t)(slash - rest));
    sid[slash - rest] = '\0';
    if (strcmp(slash, "/accept") != 0 && strcmp(slash, "/decline") != 0) {
        if (!api_incall_action(api, req, &a, sid, slash + 1))
            api_error(req, 404, "not_found", "no such action");
        store_agent_done(&a);
        return;
    }
    int accept = strcmp(slash, "/accept") == 0;
    struct routing_actions acts;
    routing_actions_init(&acts);
    char err[256] = "";
    int rc = ensure_agent(api, &a, &acts);
    int64_t now = server_now_ms();
    if (rc == DT_OK)
        rc = accept ? routing_accept(api->rt, sid, a.name, now, &acts, err, sizeof err)
                    : routing_decline(api->rt, sid, a.name, now, &acts, err, sizeof err);
    if (rc == DT_OK) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "call_sid", sid);
        cJSON_AddStringToObject(o, "result", accept ? "accepted" : "declined");
        struct api_call *c = api_call_find(api, sid);
        if (accept && c)
            cJSON_AddStringToObject(o, "conference", c->room);
        api_json(req, 200, o);
        cJSON_Delete(o);
    } else {
        answer_refusal(req, rc, err);
    }
    api_carry_out(api, &acts);
    routing_actions_done(&acts);
    store_agent_done(&a);
}

/* ---- set-up ---------------------------------------------------------------------------------- */

static void load_agents(struct api *api, struct routing_actions *acts)
{
    struct store_agent_list l;
    char err[256];
    if (store_agent_list(api->srv->store, &l, err, sizeof err) != DT_OK)
        return;
    int64_t now = server_now_ms();
    for (size_t i = 0; i < l.count; i++) {
        const struct store_agent *a = &l.items[i];
        enum routing_agent_state s;
        if (ensure_agent(api, a, acts) != DT_OK || !a->state ||
            routing_state_parse(a->state, &s) != DT_OK ||
            (s != DT_ROUTE_AVAILABLE && s != DT_ROUTE_BREAK))
            continue;
        routing_agent_set_state(api->rt, a->name, s, a->state_reason, now, acts, err, sizeof err);
    }
    store_agent_list_done(&l);
}

static void load_calls(struct api *api, struct routing_actions *acts)
{
    struct store_call_list l;
    char err[256];
    if (store_calls_waiting(api->srv->store, NULL, WAITING_MAX, &l, err, sizeof err) != DT_OK)
        return;
    int64_t now = server_now_ms();
    for (size_t i = 0; i < l.count; i++) {
        const struct store_call *c = &l.items[i];
        if (routing_call_waiting(api->rt, c->sid, c->queue, now, acts, err, sizeof err) == DT_OK)
            api_call_add(api, c->sid, c->queue, c->created_ms);
    }
    store_call_list_done(&l);
}

int api_route_init(struct api *api, char *err, size_t errlen)
{
    api->rt = routing_new(NULL);
    const struct config *cfg = api->srv->cfg;
    struct routing_actions acts;
    routing_actions_init(&acts);
    int64_t now = server_now_ms();
    for (size_t i = 0; i < cfg->n_queues; i++) {
        const struct config_queue *q = &cfg->queues[i];
        struct routing_queue_conf qc;
        routing_queue_defaults(&qc);
        qc.mode = q->routing == DT_ROUTING_LONGEST_IDLE ? DT_ROUTE_LONGEST_IDLE : DT_ROUTE_RINGALL;
        if (q->reservation_timeout > 0)
            qc.reservation_timeout_s = q->reservation_timeout;
        qc.wrapup_s = q->wrapup;
        qc.missed_offers_limit = q->missed_offers_limit;
        if (routing_queue_set(api->rt, q->name, &qc, now, &acts, err, errlen) != DT_OK) {
            routing_actions_done(&acts);
            return DT_EINVAL;
        }
    }
    api->timer = netloop_timer_new(api->srv->loop, on_timer, api);
    load_agents(api, &acts);
    load_calls(api, &acts);
    routing_actions_clear(&acts); /* nothing to announce at start: consoles get snapshots */
    routing_actions_done(&acts);
    reschedule(api);
    api->prev_sink = api->srv->sink;
    api->prev_user = api->srv->sink_user;
    server_set_event_sink(api->srv, on_event, api);
    api_restore_init(api);
    return DT_OK;
}

void api_route_done(struct api *api)
{
    api_restore_done(api);
    api_monitor_done(api);
    if (api->srv && api->srv->sink_user == api)
        server_set_event_sink(api->srv, api->prev_sink, api->prev_user);
    api_connect_done(api);
    while (api->calls)
        call_remove(api, api->calls->sid);
    netloop_timer_free(api->timer);
    routing_free(api->rt);
    api_kpi_done(api);
}

int api_route_ensure(struct api *api, const struct store_agent *a)
{
    struct routing_actions acts;
    routing_actions_init(&acts);
    int rc = ensure_agent(api, a, &acts);
    api_carry_out(api, &acts);
    routing_actions_done(&acts);
    return rc;
}

void api_call_forget(struct api *api, const char *sid)
{
    call_remove(api, sid);
}
