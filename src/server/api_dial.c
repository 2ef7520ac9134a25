/*
 * api_dial: POST /api/v1/calls {"to": "+15551230000"}, an outbound call by an available agent.
 * The number is checked before anything reaches Twilio (400 with the reason). The call gets a
 * conference of its own ("out-" and random hex, its events and recording reported like an
 * inbound call's): the agent's leg is added first, then the customer's, with status callbacks
 * for every event, so the call is stored and pushed like any other. The agent is busy from the
 * request on; when the customer's leg ends, the agent's is hung up and the agent goes to
 * wrap-up. A leg Twilio refuses ends the attempt the same way. The customer's leg is the call
 * history shows, stored as the agent's; the agent's leg is stored as its leg. A do-not-call
 * number (store_numbers.h) is refused before Twilio, a flagged one answered with a warning, and
 * "retry": true hands the call to api_retry.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/rand.h>

#include "dialtone/config.h"
#include "dialtone/form.h"
#include "dialtone/httpd.h"
#include "dialtone/log.h"
#include "dialtone/routing.h"
#include "dialtone/store.h"
#include "dialtone/store_legs.h"
#include "dialtone/store_numbers.h"
#include "dialtone/twilio.h"
#include "dialtone/util.h"
#include "dialtone/valid.h"
#include "server/api_cost_int.h"
#include "server/api_int.h"
#include "server/server_int.h"

struct dial {
    struct api *api;
    char room[40], agent[136], to[40], endpoint[300];
    int step; /* 0: the agent's leg, 1: the customer's */
};

static void on_leg(const struct twilio_result *res, void *arg);

static int add_leg(struct dial *d, const char *to, const char *label, int customer)
{
    const struct config *cfg = d->api->srv->cfg;
    char *cb = xasprintf("%s/twilio/status", cfg->twilio.public_base_url);
    struct form f;
    form_init(&f);
    form_add(&f, "From", cfg->twilio.n_numbers ? cfg->twilio.numbers[0] : "");
    form_add(&f, "To", to);
    form_add(&f, "Label", label);
    form_add(&f, "StartConferenceOnEnter", "true");
    form_add(&f, "EndConferenceOnExit", "true");
    form_add(&f, "StatusCallback", cb);
    form_add(&f, "StatusCallbackEvent",
             customer ? "initiated ringing answered completed" : "completed");
    char *conf_cb = xasprintf("%s/twilio/conference", cfg->twilio.public_base_url);
    char *rec_cb = xasprintf("%s/twilio/recording", cfg->twilio.public_base_url);
    if (!customer) { /* the first leg makes the conference: its callbacks, its recording */
        form_add(&f, "ConferenceStatusCallback", conf_cb);
        form_add(&f, "ConferenceStatusCallbackMethod", "POST");
        form_add(&f, "ConferenceStatusCallbackEvent", "start end join leave mute hold");
        form_add(&f, "ConferenceRecord", "record-from-start");
        form_add(&f, "ConferenceRecordingStatusCallback", rec_cb);
        form_add(&f, "ConferenceRecordingStatusCallbackMethod", "POST");
    }
    d->step = customer;
    int rc = twilio_participant_create(d->api->srv->twilio, d->room, &f, on_leg, d);
    form_done(&f);
    free(cb);
    free(conf_cb);
    free(rec_cb);
    return rc;
}

/* The attempt failed before the customer's leg existed: the agent is free again. */
static void dial_failed(struct api *api, const char *room, const char *agent, const char *why)
{
    log_warn("dial from %s failed: %s", agent, why);
    api_agent_release(api, agent); /* stored available, after the wrap-up routing passes by */
    api_call_forget(api, room);
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "conference", room);
    cJSON_AddStringToObject(d, "agent", agent);
    cJSON_AddStringToObject(d, "reason", why);
    api_emit(api, "call.dial_failed", d);
}

/* The customer's leg sid is the call: the agent's, with the agent's first leg as its leg, and
 * the number it was placed to. */
static void record_legs(struct api *api, const char *sid, const char *agent, const char *to)
{
    const struct api_call *c = api_call_find(api, sid);
    char err[256];
    if (sid[0] && store_call_dialed(api->srv->store, sid, agent, c && c->leg[0] ? c->leg : NULL, to,
                                    server_now_ms(), err, sizeof err) != DT_OK)
        log_warn("dial: recording %s as %s's call: %s", sid, agent, err);
}

static void on_leg(const struct twilio_result *res, void *arg)
{
    struct dial *d = arg;
    struct api *api = d->api;
    if (res->rc == DT_ESTATE) { /* the client is going away */
        free(d);
        return;
    }
    if (res->rc != DT_OK) {
        char why[600];
        snprintf(why, sizeof why, "Twilio answered %d: %s", res->status,
                 res->error.message[0] ? res->error.message : "no detail");
        if (d->step == 1) /* the agent is in the room alone: end it */
            api_hangup_leg(api, d->room);
        dial_failed(api, d->room, d->agent, why);
        free(d);
        return;
    }
    const cJSON *sid = cJSON_GetObjectItemCaseSensitive(res->json, "call_sid");
    const char *s = cJSON_IsString(sid) ? sid->valuestring : "";
    if (d->step == 0) {
        api_call_set_leg(api, d->room, s);
        if (add_leg(d, d->to, "customer", 1) != DT_OK) {
            api_hangup_leg(api, d->room);
            dial_failed(api, d->room, d->agent, "the customer's leg could not be requested");
            free(d);
        }
        return;
    }
    api_call_rename(api, d->room, s);
    record_legs(api, s, d->agent, d->to);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "call_sid", s);
    cJSON_AddStringToObject(o, "conference", d->room);
    cJSON_AddStringToObject(o, "agent", d->agent);
    cJSON_AddStringToObject(o, "to", d->to);
    api_emit(api, "call.dialing", o);
    free(d);
}

static void mark_busy(struct api *api, const char *agent)
{
    char err[256];
    struct store_agent a;
    if (store_agent_set_state(api->srv->store, agent, "busy", NULL, server_now_ms(), err,
                              sizeof err) == DT_OK &&
        store_agent_get(api->srv->store, agent, &a, err, sizeof err) == DT_OK) {
        api_emit(api, "agent.state", api_agent_json(api->srv->store, &a));
        store_agent_done(&a);
    }
}

/* Refuses with status, code and message; returns status. */
static int refuse(const char **code, char *msg, size_t msglen, int status, const char *c,
                  const char *m)
{
    *code = c;
    dt_strlcpy(msg, m, msglen);
    return status;
}

int api_dial_place(struct api *api, const struct store_agent *a, const char *to, char *room,
                   size_t roomlen, const char **code, char *msg, size_t msglen)
{
    struct routing_agent_info info;
    struct routing_actions acts;
    char err[256];
    unsigned char rnd[8];
    int dnc = 0;
    if (!to || !valid_e164(to, strlen(to)))
        return refuse(code, msg, msglen, 400, "bad_number",
                      "to must be an E.164 number: +, then 8 to 15 digits, the first not 0");
    if ((dnc = store_number_is_dnc(api->srv->store, to, err, sizeof err)) < 0)
        return refuse(code, msg, msglen, 503, "unavailable", "the database is not answering");
    if (dnc)
        return refuse(code, msg, msglen, 409, "do_not_call",
                      "the number is marked do-not-call by a reviewer");
    if (api_cost_over_budget(api, NULL))
        return refuse(code, msg, msglen, 409, "over_budget",
                      "this month's calls have spent the monthly budget");
    if (!api->srv->twilio)
        return refuse(code, msg, msglen, 503, "unavailable", "no Twilio client");
    if (api->srv->cfg->twilio.n_numbers == 0)
        return refuse(
            code, msg, msglen, 409, "no_caller_id",
            "dialing out needs a caller ID: set numbers in the daemon's [twilio] section");
    if (api_route_ensure(api, a) != DT_OK || routing_agent_get(api->rt, a->name, &info) != DT_OK ||
        info.state != DT_ROUTE_AVAILABLE)
        return refuse(code, msg, msglen, 409, "not_available", "only an available agent can dial");
    if (RAND_bytes(rnd, sizeof rnd) != 1)
        return refuse(code, msg, msglen, 503, "unavailable", "no random bytes");
    routing_actions_init(&acts);
    struct dial *d = xcalloc(1, sizeof *d);
    d->api = api;
    snprintf(d->room, sizeof d->room, "out-%02x%02x%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1],
             rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
    dt_strlcpy(d->agent, a->name, sizeof d->agent);
    dt_strlcpy(d->to, to, sizeof d->to);
    routing_agent_busy(api->rt, a->name, d->room, 0, server_now_ms(), &acts, err, sizeof err);
    api_call_outbound(api, d->room, a->name);
    mark_busy(api, a->name);
    dt_strlcpy(room, d->room, roomlen);
    int status = 202;
    if (add_leg(d, a->endpoint ? a->endpoint : "", "agent", 0) != DT_OK) {
        char r[40];
        dt_strlcpy(r, d->room, sizeof r);
        free(d);
        status = refuse(code, msg, msglen, 503, "unavailable",
                        "the request to Twilio could not be made");
        api_carry_out(api, &acts);
        dial_failed(api, r, a->name, "the agent's leg could not be requested");
    }
    api_carry_out(api, &acts);
    routing_actions_done(&acts);
    return status;
}

void api_on_dial(struct httpd_req *req, void *user)
{
    struct api *api = user;
    struct store_agent a;
    if (!api_begin(api, req, &a))
        return;
    cJSON *body = api_body(req);
    const char *to = body ? cJSON_GetStringValue(cJSON_GetObjectItem(body, "to")) : NULL;
    const cJSON *retry = body ? cJSON_GetObjectItem(body, "retry") : NULL;
    char room[40] = "", msg[200];
    const char *code = "";
    if (!body) {
        /* answered */
    } else if (retry && !cJSON_IsBool(retry)) {
        api_error(req, 400, "bad_request", "retry must be true or false");
    } else {
        int status = api_dial_place(api, &a, to, room, sizeof room, &code, msg, sizeof msg);
        if (status != 202) {
            api_error(req, status, code, msg);
        } else {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "conference", room);
            cJSON_AddStringToObject(o, "to", to);
            cJSON_AddStringToObject(o, "result", "dialing");
            api_numbers_warn(api, to, o);
            if (cJSON_IsTrue(retry))
                api_retry_follow(api, room, to, a.name, o);
            api_json(req, 202, o);
            cJSON_Delete(o);
        }
    }
    cJSON_Delete(body);
    store_agent_done(&a);
}

/* ---- outbound calls' bookkeeping ------------------------------------------------------------- */

void api_call_outbound(struct api *api, const char *room, const char *agent)
{
    struct api_call *c = api_call_add(api, room, "", server_now_ms());
    c->outbound = 1;
    dt_strlcpy(c->room, room, sizeof c->room);
    dt_strlcpy(c->agent, agent, sizeof c->agent);
}

void api_call_set_leg(struct api *api, const char *sid, const char *leg)
{
    struct api_call *c = api_call_find(api, sid);
    if (c)
        dt_strlcpy(c->leg, leg, sizeof c->leg);
}

void api_call_rename(struct api *api, const char *sid, const char *new_sid)
{
    struct api_call *c = api_call_find(api, sid);
    if (c && new_sid[0])
        dt_strlcpy(c->sid, new_sid, sizeof c->sid);
}

static void on_hung_up(const struct twilio_result *res, void *arg)
{
    (void)arg;
    if (res->rc != DT_OK && res->rc != DT_ESTATE)
        log_warn("hanging up an agent's leg: Twilio answered %d", res->status);
}

void api_hangup_leg(struct api *api, const char *sid)
{
    struct api_call *c = api_call_find(api, sid);
    if (!c || !c->leg[0] || !api->srv->twilio)
        return;
    struct form f;
    form_init(&f);
    form_add(&f, "Status", "completed");
    twilio_call_update(api->srv->twilio, c->leg, &f, on_hung_up, NULL);
    form_done(&f);
    c->leg[0] = '\0';
}
