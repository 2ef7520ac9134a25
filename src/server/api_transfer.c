/*
 * api_transfer: POST /api/v1/calls/{sid}/transfer, by the agent who has the call.
 * Cold, the caller leaves the agent: {"queue": "sales"} puts the caller back in a queue (its
 * <Enqueue>, the same wait and action URLs as a new call) where routing offers it again;
 * {"to": ENDPOINT} (an E.164 number, sip: or client:) dials it from the caller's leg. Either
 * way the caller's leg leaves the conference, which ends the agent's part: the agent goes to
 * wrap-up. {"agent": NAME} and every warm transfer ({"warm": true}) add the new party to the
 * call's conference instead (api_xfer.c), and /transfer/complete and /transfer/cancel end a
 * warm one. A warm transfer to a queue is refused: there is nobody to talk to yet.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dialtone/agents.h"
#include "dialtone/config.h"
#include "dialtone/form.h"
#include "dialtone/httpd.h"
#include "dialtone/log.h"
#include "dialtone/routing.h"
#include "dialtone/store.h"
#include "dialtone/twilio.h"
#include "dialtone/twiml.h"
#include "dialtone/util.h"
#include "server/api_int.h"
#include "server/server_int.h"

struct xfer {
    struct api *api;
    char sid[72], agent[136], queue[40], to[300];
};

static char *queue_twiml(const struct config *cfg, const char *queue)
{
    char *wait = xasprintf("%s/twilio/wait?queue=%s", cfg->twilio.public_base_url, queue);
    char *action = xasprintf("%s/twilio/enqueue?queue=%s", cfg->twilio.public_base_url, queue);
    const struct twiml_attr a[] = {{.name = "waitUrl", .value = wait},
                                   {.name = "waitUrlMethod", .value = "POST"},
                                   {.name = "action", .value = action},
                                   {.name = "method", .value = "POST"},
                                   {.name = NULL}};
    struct twiml *t = twiml_new();
    twiml_add(t, "Enqueue", queue, a);
    char *doc = twiml_finish(t, NULL, 0);
    twiml_free(t);
    free(wait);
    free(action);
    return doc;
}

static char *dial_twiml(const struct config *cfg, const char *to)
{
    const char *noun = strncmp(to, "sip:", 4) == 0      ? "Sip"
                       : strncmp(to, "client:", 7) == 0 ? "Client"
                                                        : "Number";
    const char *text = strcmp(noun, "Client") == 0 ? to + 7 : to;
    const struct twiml_attr a[] = {
        {.name = "callerId", .value = cfg->twilio.n_numbers ? cfg->twilio.numbers[0] : NULL},
        {.name = NULL}};
    struct twiml *t = twiml_new();
    twiml_open(t, "Dial", a);
    twiml_add(t, noun, text, NULL);
    twiml_close(t);
    char *doc = twiml_finish(t, NULL, 0);
    twiml_free(t);
    return doc;
}

static void on_done(const struct twilio_result *res, void *arg)
{
    struct xfer *x = arg;
    struct api *api = x->api;
    if (res->rc == DT_ESTATE) { /* the client is going away */
        free(x);
        return;
    }
    if (res->rc != DT_OK) {
        char why[600];
        snprintf(why, sizeof why, "Twilio answered %d: %s", res->status,
                 res->error.message[0] ? res->error.message : "no detail");
        log_warn("transfer of %s failed: %s", x->sid, why);
        cJSON *d = cJSON_CreateObject();
        cJSON_AddStringToObject(d, "call_sid", x->sid);
        cJSON_AddStringToObject(d, "agent", x->agent);
        cJSON_AddStringToObject(d, "kind", "cold");
        cJSON_AddStringToObject(d, "phase", "failed");
        cJSON_AddStringToObject(d, "reason", why);
        api_emit(api, "call.transferred", d);
        free(x);
        return;
    }
    struct routing_actions acts;
    routing_actions_init(&acts);
    char err[256];
    int64_t now = server_now_ms();
    routing_agent_call_ended(api->rt, x->agent, now, &acts, err, sizeof err);
    struct api_call *c = api_call_find(api, x->sid);
    if (c && x->queue[0]) {
        c->agent[0] = c->leg[0] = '\0';
        c->in_room = 0;
        dt_strlcpy(c->queue, x->queue, sizeof c->queue);
        c->enqueued_ms = now;
        routing_call_waiting(api->rt, x->sid, x->queue, now, &acts, err, sizeof err);
    } else if (c) {
        c->agent[0] = c->leg[0] = '\0'; /* no longer an agent's call */
    }
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "call_sid", x->sid);
    cJSON_AddStringToObject(d, "agent", x->agent);
    cJSON_AddStringToObject(d, "kind", "cold");
    cJSON_AddStringToObject(d, "phase", "completed");
    cJSON_AddStringToObject(d, x->queue[0] ? "queue" : "to", x->queue[0] ? x->queue : x->to);
    api_emit(api, "call.transferred", d);
    api_carry_out(api, &acts);
    routing_actions_done(&acts);
    free(x);
}

static int queue_known(const struct config *cfg, const char *q)
{
    for (size_t i = 0; i < cfg->n_queues; i++)
        if (strcmp(cfg->queues[i].name, q) == 0)
            return 1;
    return 0;
}

/* The body's target: exactly one of queue, to and agent, and warm (a boolean, or absent). 0,
 * or answered 400. */
static int read_target(struct httpd_req *req, const cJSON *body, const char **queue,
                       const char **to, const char **agent, int *warm)
{
    const cJSON *wj = cJSON_GetObjectItem(body, "warm");
    *queue = cJSON_GetStringValue(cJSON_GetObjectItem(body, "queue"));
    *to = cJSON_GetStringValue(cJSON_GetObjectItem(body, "to"));
    *agent = cJSON_GetStringValue(cJSON_GetObjectItem(body, "agent"));
    *warm = cJSON_IsTrue(wj);
    if ((*queue != NULL) + (*to != NULL) + (*agent != NULL) != 1) {
        api_error(req, 400, "bad_request", "give exactly one of queue, to and agent");
        return -1;
    }
    if (wj && !cJSON_IsBool(wj)) {
        api_error(req, 400, "bad_request", "warm must be true or false");
        return -1;
    }
    if (*queue && *warm) {
        api_error(req, 400, "warm_queue",
                  "a warm transfer needs someone to talk to: give an agent or a number, or "
                  "send the caller to the queue cold");
        return -1;
    }
    return 0;
}

static void cold(struct api *api, struct httpd_req *req, const struct store_agent *a,
                 const char *sid, const char *queue, const char *to)
{
    char err[256];
    char *doc = NULL;
    if (queue && !queue_known(api->srv->cfg, queue))
        api_error(req, 400, "bad_queue", "no such queue");
    else if (to && agents_endpoint_check(to, err, sizeof err) != DT_OK)
        api_error(req, 400, "bad_endpoint", err);
    else if (!api->srv->twilio)
        api_error(req, 503, "unavailable", "no Twilio client");
    else if (!(doc = queue ? queue_twiml(api->srv->cfg, queue) : dial_twiml(api->srv->cfg, to)))
        api_error(req, 500, "internal", "cannot build the TwiML");
    if (!doc)
        return;
    struct xfer *x = xcalloc(1, sizeof *x);
    x->api = api;
    dt_strlcpy(x->sid, sid, sizeof x->sid);
    dt_strlcpy(x->agent, a->name, sizeof x->agent);
    dt_strlcpy(x->queue, queue ? queue : "", sizeof x->queue);
    dt_strlcpy(x->to, to ? to : "", sizeof x->to);
    struct form f;
    form_init(&f);
    form_add(&f, "Twiml", doc);
    int rc = twilio_call_update(api->srv->twilio, sid, &f, on_done, x);
    form_done(&f);
    free(doc);
    if (rc != DT_OK) {
        free(x);
        api_error(req, 503, "unavailable", "the request to Twilio could not be made");
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "call_sid", sid);
    cJSON_AddStringToObject(o, "result", "transferring");
    cJSON_AddStringToObject(o, "kind", "cold");
    api_json(req, 202, o);
    cJSON_Delete(o);
}

void api_transfer(struct api *api, struct httpd_req *req, const struct store_agent *a,
                  const char *sid, const char *step)
{
    struct api_call *c = api_call_find(api, sid);
    if (!c || strcmp(c->agent, a->name) != 0) {
        api_error(req, c ? 403 : 404, c ? "not_yours" : "not_found",
                  c ? "this call is another agent's" : "no call of yours by that sid");
        return;
    }
    if (strcmp(step, "/complete") == 0 || strcmp(step, "/cancel") == 0) {
        if (strcmp(step, "/complete") == 0)
            api_xfer_complete(api, req, c);
        else
            api_xfer_cancel(api, req, c);
        return;
    }
    if (*step) {
        api_error(req, 404, "not_found", "no such action");
        return;
    }
    cJSON *body = api_body(req);
    if (!body)
        return;
    const char *queue, *to, *agent;
    int warm;
    if (read_target(req, body, &queue, &to, &agent, &warm) != 0) {
        /* answered */
    } else if (c->xfer) {
        api_error(req, 409, "transfer_in_progress",
                  "a transfer of this call is under way: complete or cancel it first");
    } else if (agent || warm) {
        api_xfer_start(api, req, a, c, agent, to, warm);
    } else {
        cold(api, req, a, sid, queue, to);
    }
    cJSON_Delete(body);
}
