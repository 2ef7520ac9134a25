/*
 * api_xfer: transfers that bring a new party into the call's conference: to an agent (cold
 * or warm) and warm ones to a number, sip: or client: endpoint.
 *
 * Start: a target agent must be available (else 409 with why) and is busy with the call from
 * then on. The caller is put on hold (Twilio's hold music) and the party is added to the
 * conference (Participants create). Cold, to an agent: once Twilio made the party's leg, the
 * transferring agent's leg leaves, that agent goes to wrap-up and the call is the new agent's;
 * the caller comes off hold when the new leg joins (if it fails instead, the caller waits
 * first in line, still on hold, as after a failed accept). Warm: the transferring agent talks
 * with the party (the caller on hold, or back in the talk through /unhold), then
 * /transfer/complete (once the party joined) takes the caller off hold and the agent's leg
 * out; an agent party takes the call over (hold, mute, hang-up and transfer become theirs), a
 * number stays with the caller, its leaving now ending the call; the transferring agent goes
 * to wrap-up. /transfer/cancel, or the party's leg ending first, hangs the party up and takes
 * the caller off hold. Every step is a call.transferred event with kind (cold, warm) and phase
 * (started, connected, completed, canceled, failed). The party's leg is stored as the call's
 * leg; the call is stored as the new agent's when it becomes theirs (a number leaves the last
 * agent who had it).
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
#include "dialtone/store_legs.h"
#include "dialtone/twilio.h"
#include "dialtone/util.h"
#include "server/api_int.h"
#include "server/server_int.h"

enum xf_phase {
    XF_DIALING,   /* the party's leg is being requested */
    XF_RINGING,   /* Twilio made it (warm) */
    XF_CONNECTED, /* it joined the conference (warm) */
    XF_HANDED,    /* cold: the call is the new agent's; the caller is held until they join */
};

struct api_xfer {
    unsigned serial;
    int warm;
    enum xf_phase phase;
    char by[136];      /* the transferring agent */
    char agent[136];   /* the target agent, "" for an endpoint */
    char to[300];      /* what was dialled */
    char party[72];    /* the party's leg once Twilio made it, else "" */
    char conf[72];     /* the conference's sid (CF...) */
    struct hold *hold; /* the caller's hold request, shared with its answer */
};

/* A Participants create in flight: finds its transfer again by call and serial. */
struct xop {
    struct api *api;
    char sid[72];
    unsigned serial;
};

/* The caller's hold request: the unhold waits for its answer, so that the two never cross.
 * Freed by the last of the transfer and the answer to let go of it. */
struct hold {
    int refs, answered, unhold;
    struct twilio *tw;
    struct store *st; /* for the day's figures */
    char conf[72], leg[72];
};

/* A leg leaving the conference without ending it: EndConferenceOnExit off, then hung up. */
struct drop {
    struct twilio *tw;
    char leg[72];
};

/* ---- Twilio requests whose answers are only logged ------------------------------------------ */

static void on_logged(const struct twilio_result *res, void *arg)
{
    char *what = arg;
    if (res->rc != DT_OK && res->rc != DT_ESTATE)
        log_warn("transfer: %s: Twilio answered %d: %s", what, res->status,
                 res->error.message[0] ? res->error.message : "no detail");
    free(what);
}

static void set_participant(struct api *api, const char *conf, const char *leg, const char *key,
                            const char *value)
{
    if (!api->srv->twilio || !conf[0] || !leg[0])
        return;
    struct form f;
    form_init(&f);
    form_add(&f, key, value);
    char *what = xasprintf("%s=%s for %s", key, value, leg);
    if (twilio_participant_update(api->srv->twilio, conf, leg, &f, on_logged, what) != DT_OK) {
        log_warn("transfer: %s could not be requested", what);
        free(what);
    }
    form_done(&f);
}

static void hang_up(struct twilio *tw, const char *leg)
{
    if (!tw || !leg[0])
        return;
    struct form f;
    form_init(&f);
    form_add(&f, "Status", "completed");
    char *what = xasprintf("hanging up %s", leg);
    if (twilio_call_update(tw, leg, &f, on_logged, what) != DT_OK) {
        log_warn("transfer: %s could not be requested", what);
        free(what);
    }
    form_done(&f);
}

static void on_dropped(const struct twilio_result *res, void *arg)
{
    struct drop *d = arg;
    if (res->rc != DT_ESTATE)
        hang_up(d->tw, d->leg); /* even when the update failed: the leg must go */
    free(d);
}

/* Takes leg out of conference conf without ending it (an outbound call's agent leg ends the
 * conference on exit). */
static void drop_leg(struct api *api, const char *conf, const char *leg)
{
    struct twilio *tw = api->srv->twilio;
    if (!tw || !leg[0])
        return;
    struct drop *d = xcalloc(1, sizeof *d);
    d->tw = tw;
    dt_strlcpy(d->leg, leg, sizeof d->leg);
    struct form f;
    form_init(&f);
    form_add(&f, "EndConferenceOnExit", "false");
    if (!conf[0] || twilio_participant_update(tw, conf, leg, &f, on_dropped, d) != DT_OK) {
        hang_up(tw, leg);
        free(d);
    }
    form_done(&f);
}

static void hold_release(struct hold *h)
{
    if (h && --h->refs == 0)
        free(h);
}

static void unhold_now(struct hold *h)
{
    struct form f;
    form_init(&f);
    form_add(&f, "Hold", "false");
    char *what = xasprintf("taking %s off hold", h->leg);
    if (twilio_participant_update(h->tw, h->conf, h->leg, &f, on_logged, what) != DT_OK) {
        log_warn("transfer: %s could not be requested", what);
        free(what);
    }
    form_done(&f);
}

static void on_held(const struct twilio_result *res, void *arg)
{
    struct hold *h = arg;
    h->answered = 1;
    if (res->rc != DT_OK && res->rc != DT_ESTATE)
        log_warn("transfer: holding %s: Twilio answered %d: %s", h->leg, res->status,
                 res->error.message[0] ? res->error.message : "no detail");
    if (h->unhold && res->rc != DT_ESTATE)
        unhold_now(h);
    hold_release(h);
}

/* Puts the caller leg on hold in conf for transfer x. */
static void hold_caller(struct api *api, struct api_xfer *x, const char *leg)
{
    struct hold *h = xcalloc(1, sizeof *h);
    h->refs = 2;
    h->tw = api->srv->twilio;
    h->st = api->srv->store;
    dt_strlcpy(h->conf, x->conf, sizeof h->conf);
    dt_strlcpy(h->leg, leg, sizeof h->leg);
    struct form f;
    form_init(&f);
    form_add(&f, "Hold", "true");
    if (twilio_participant_update(h->tw, h->conf, h->leg, &f, on_held, h) != DT_OK) {
        log_warn("transfer: holding %s could not be requested", leg);
        h->refs = 1;
        h->answered = 1;
    }
    form_done(&f);
    x->hold = h;
    api_kpi_hold(h->st, leg, 1);
}

/* Takes the caller off hold: now, or once the hold was answered. */
static void unhold_caller(struct api_xfer *x)
{
    struct hold *h = x->hold;
    if (!h || !h->tw)
        return;
    api_kpi_hold(h->st, h->leg, 0);
    if (h->answered)
        unhold_now(h);
    else
        h->unhold = 1;
}

void api_xfer_free(struct api_xfer *x)
{
    if (!x)
        return;
    hold_release(x->hold);
    free(x);
}

/* ---- events and agents ---------------------------------------------------------------------- */

static void emit(struct api *api, const struct api_call *c, const struct api_xfer *x,
                 const char *phase, const char *reason)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "call_sid", c->sid);
    cJSON_AddStringToObject(d, "agent", x->by);
    cJSON_AddStringToObject(d, "kind", x->warm ? "warm" : "cold");
    cJSON_AddStringToObject(d, "phase", phase);
    if (x->agent[0])
        cJSON_AddStringToObject(d, "to_agent", x->agent);
    else
        cJSON_AddStringToObject(d, "to", x->to);
    if (x->party[0])
        cJSON_AddStringToObject(d, "party_call_sid", x->party);
    else
        cJSON_AddNullToObject(d, "party_call_sid");
    if (c->agent[0])
        cJSON_AddStringToObject(d, "owner", c->agent);
    else
        cJSON_AddNullToObject(d, "owner");
    if (reason)
        cJSON_AddStringToObject(d, "reason", reason);
    api_emit(api, "call.transferred", d);
}

static void store_state(struct api *api, const char *agent, const char *state)
{
    char err[256];
    struct store_agent a;
    if (store_agent_set_state(api->srv->store, agent, state, NULL, server_now_ms(), err,
                              sizeof err) == DT_OK &&
        store_agent_get(api->srv->store, agent, &a, err, sizeof err) == DT_OK) {
        api_emit(api, "agent.state", api_agent_json(api->srv->store, &a));
        store_agent_done(&a);
    }
}

/* The agent who handed the call on goes to wrap-up. */
static void handed_on(struct api *api, const char *agent)
{
    struct routing_actions acts;
    routing_actions_init(&acts);
    char err[256];
    routing_agent_call_ended(api->rt, agent, server_now_ms(), &acts, err, sizeof err);
    api_carry_out(api, &acts);
    routing_actions_done(&acts);
}

/* The transfer ends without the party taking the call: the party hung up (hangup), the caller
 * off hold, the target agent free again, the event; c->xfer freed. */
static void abort_xfer(struct api *api, struct api_call *c, const char *phase, const char *why,
                       int hangup)
{
    struct api_xfer *x = c->xfer;
    c->xfer = NULL;
    if (hangup)
        hang_up(api->srv->twilio, x->party);
    unhold_caller(x);
    if (x->agent[0])
        api_agent_release(api, x->agent);
    emit(api, c, x, phase, why);
    api_xfer_free(x);
}

/* Stores leg (or NULL) as call sid's, with agent (or NULL); own: the call is now agent's. */
static void record(struct api *api, const char *sid, const char *agent, const char *leg, int own)
{
    char err[256];
    if (store_call_assign(api->srv->store, sid, agent[0] ? agent : NULL, leg, own, server_now_ms(),
                          err, sizeof err) != DT_OK)
        log_warn("transfer: recording %s's new party: %s", sid, err);
}

/* Cold: the party's leg exists; the call becomes the target agent's. */
static void hand_over(struct api *api, struct api_call *c)
{
    struct api_xfer *x = c->xfer;
    x->phase = XF_HANDED;
    drop_leg(api, x->conf, c->leg);
    dt_strlcpy(c->agent, x->agent, sizeof c->agent);
    dt_strlcpy(c->leg, x->party, sizeof c->leg);
    handed_on(api, x->by);
    emit(api, c, x, "completed", NULL);
}

static void on_created(const struct twilio_result *res, void *arg)
{
    struct xop *op = arg;
    if (res->rc == DT_ESTATE) { /* the client is going away */
        free(op);
        return;
    }
    struct api *api = op->api;
    struct api_call *c = api_call_find(api, op->sid);
    struct api_xfer *x = c ? c->xfer : NULL;
    const cJSON *leg = cJSON_GetObjectItemCaseSensitive(res->json, "call_sid");
    const char *party = res->rc == DT_OK && cJSON_IsString(leg) ? leg->valuestring : "";
    if (!x || x->serial != op->serial) { /* canceled meanwhile, or the call is over */
        hang_up(api->srv->twilio, party);
    } else if (res->rc != DT_OK || !party[0]) {
        char why[600];
        snprintf(why, sizeof why, "Twilio answered %d: %s", res->status,
                 res->error.message[0] ? res->error.message : "no call sid");
        abort_xfer(api, c, "failed", why, 0);
    } else {
        dt_strlcpy(x->party, party, sizeof x->party);
        record(api, c->sid, x->agent, party, !x->warm && x->agent[0]);
        if (x->warm)
            x->phase = XF_RINGING;
        else
            hand_over(api, c);
    }
    free(op);
}

/* ---- start ---------------------------------------------------------------------------------- */

static int queue_wrapup(const struct config *cfg, const char *queue)
{
    for (size_t i = 0; i < cfg->n_queues; i++)
        if (strcmp(cfg->queues[i].name, queue) == 0)
            return cfg->queues[i].wrapup;
    return 0;
}

/* Checks target agent name for a transfer by a: 0 with *t filled (store_agent_done), or
 * answered. */
static int check_agent(struct api *api, struct httpd_req *req, const struct store_agent *a,
                       const char *name, struct store_agent *t)
{
    char err[256], why[400];
    struct routing_agent_info info;
    int rc = store_agent_get(api->srv->store, name, t, err, sizeof err);
    if (rc == DT_ENOTFOUND || rc == DT_EINVAL) {
        api_error(req, 404, "unknown_agent", "no agent by that name");
        return -1;
    }
    if (rc != DT_OK) {
        api_error(req, 503, "unavailable", "the database is not answering");
        return -1;
    }
    if (strcmp(t->name, a->name) == 0) {
        api_error(req, 400, "bad_agent", "the call is already yours");
    } else if (!t->endpoint || !t->endpoint[0]) {
        snprintf(why, sizeof why, "%.128s has no endpoint to call", t->name);
        api_error(req, 409, "agent_unavailable", why);
    } else if (api_route_ensure(api, t) != DT_OK ||
               routing_agent_get(api->rt, t->name, &info) != DT_OK) {
        api_error(req, 503, "unavailable", "routing does not know the agent");
    } else if (info.state != DT_ROUTE_AVAILABLE) {
        static const char *const words[] = {[DT_ROUTE_OFFLINE] = "offline",
                                            [DT_ROUTE_BUSY] = "busy with a call",
                                            [DT_ROUTE_WRAPUP] = "in wrap-up",
                                            [DT_ROUTE_BREAK] = "on a break"};
        const char *w = (size_t)info.state < sizeof words / sizeof words[0] && words[info.state]
                            ? words[info.state]
                            : routing_state_name(info.state);
        snprintf(why, sizeof why, "%.128s is %s%s%.64s: only an available agent can take a call",
                 t->name, w, info.note[0] ? ": " : "", info.note);
        api_error(req, 409, "agent_unavailable", why);
    } else {
        return 0;
    }
    store_agent_done(t);
    return -1;
}

/* Asks Twilio for the party's leg in c's conference. */
static int add_party(struct api *api, const struct api_call *c, const struct api_xfer *x)
{
    const struct config *cfg = api->srv->cfg;
    char *cb = xasprintf("%s/twilio/status", cfg->twilio.public_base_url);
    struct form f;
    form_init(&f);
    char from[40];
    api_caller_id(api, c->sid, from, sizeof from);
    form_add(&f, "From", from);
    form_add(&f, "To", x->to);
    form_add(&f, "StartConferenceOnEnter", "true");
    form_add(&f, "EndConferenceOnExit", "false");
    form_add(&f, "StatusCallback", cb);
    form_add(&f, "StatusCallbackEvent", "initiated ringing answered completed");
    struct xop *op = xcalloc(1, sizeof *op);
    op->api = api;
    dt_strlcpy(op->sid, c->sid, sizeof op->sid);
    op->serial = x->serial;
    int rc = twilio_participant_create(api->srv->twilio, c->room, &f, on_created, op);
    if (rc != DT_OK)
        free(op);
    form_done(&f);
    free(cb);
    return rc;
}

/* Checks what the transfer needs of the call; 0, or answered. conf gets its conference. */
static int check_call(struct api *api, struct httpd_req *req, const struct api_call *c,
                      char conf[72])
{
    struct store_call call = {0};
    char err[256];
    int ok = 0;
    if (!api->srv->twilio)
        api_error(req, 503, "unavailable", "no Twilio client");
    else if (!c->leg[0])
        api_error(req, 409, "not_connected", "your leg is not in the call yet");
    else if (store_call_get(api->srv->store, c->sid, &call, err, sizeof err) != DT_OK ||
             !call.conference_sid)
        api_error(req, 409, "not_in_conference", "the call is not in its conference yet");
    else
        ok = 1;
    if (ok)
        dt_strlcpy(conf, call.conference_sid, 72);
    store_call_done(&call);
    return ok ? 0 : -1;
}

void api_xfer_start(struct api *api, struct httpd_req *req, const struct store_agent *a,
                    struct api_call *c, const char *agent, const char *to, int warm)
{
    char err[256], conf[72];
    struct store_agent t = {0};
    if (to && agents_endpoint_check(to, err, sizeof err) != DT_OK) {
        api_error(req, 400, "bad_endpoint", err);
        return;
    }
    if (check_call(api, req, c, conf) != 0 || (agent && check_agent(api, req, a, agent, &t) != 0))
        return;
    struct api_xfer *x = xcalloc(1, sizeof *x);
    x->serial = ++api->xfer_serial;
    x->warm = warm;
    dt_strlcpy(x->by, a->name, sizeof x->by);
    dt_strlcpy(x->agent, agent ? t.name : "", sizeof x->agent);
    dt_strlcpy(x->to, agent ? t.endpoint : to, sizeof x->to);
    dt_strlcpy(x->conf, conf, sizeof x->conf);
    store_agent_done(&t);
    if (add_party(api, c, x) != DT_OK) {
        api_xfer_free(x);
        api_error(req, 503, "unavailable", "the request to Twilio could not be made");
        return;
    }
    c->xfer = x;
    if (x->agent[0]) {
        struct routing_actions acts;
        routing_actions_init(&acts);
        routing_agent_busy(api->rt, x->agent, c->sid, queue_wrapup(api->srv->cfg, c->queue),
                           server_now_ms(), &acts, err, sizeof err);
        store_state(api, x->agent, "busy");
        api_carry_out(api, &acts);
        routing_actions_done(&acts);
    }
    hold_caller(api, x, c->sid);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "call_sid", c->sid);
    cJSON_AddStringToObject(o, "result", "transferring");
    cJSON_AddStringToObject(o, "kind", warm ? "warm" : "cold");
    api_json(req, 202, o);
    cJSON_Delete(o);
    emit(api, c, x, "started", NULL);
}

/* ---- complete and cancel -------------------------------------------------------------------- */

void api_xfer_complete(struct api *api, struct httpd_req *req, struct api_call *c)
{
    struct api_xfer *x = c->xfer;
    if (!x || !x->warm) {
        api_error(req, 409, "no_transfer", "no warm transfer of this call is under way");
        return;
    }
    if (x->phase != XF_CONNECTED) {
        api_error(req, 409, "not_connected", "the party has not answered yet: wait or cancel");
        return;
    }
    c->xfer = NULL;
    drop_leg(api, x->conf, c->leg);
    unhold_caller(x);
    if (x->agent[0]) {
        dt_strlcpy(c->agent, x->agent, sizeof c->agent);
        dt_strlcpy(c->leg, x->party, sizeof c->leg);
        api_kpi_connected(api, c->sid, c->agent, server_now_ms());
        record(api, c->sid, x->agent, NULL, 1);
    } else { /* nobody's call now: the party leaving ends it */
        set_participant(api, x->conf, x->party, "EndConferenceOnExit", "true");
        c->agent[0] = c->leg[0] = '\0';
    }
    handed_on(api, x->by);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "call_sid", c->sid);
    cJSON_AddStringToObject(o, "result", "transferred");
    if (c->agent[0])
        cJSON_AddStringToObject(o, "owner", c->agent);
    else
        cJSON_AddNullToObject(o, "owner");
    api_json(req, 200, o);
    cJSON_Delete(o);
    emit(api, c, x, "completed", NULL);
    api_xfer_free(x);
}

void api_xfer_cancel(struct api *api, struct httpd_req *req, struct api_call *c)
{
    if (!c->xfer || !c->xfer->warm) {
        api_error(req, 409, "no_transfer", "no warm transfer of this call is under way");
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "call_sid", c->sid);
    cJSON_AddStringToObject(o, "result", "canceled");
    api_json(req, 200, o);
    cJSON_Delete(o);
    abort_xfer(api, c, "canceled", "canceled by the agent", 1);
}

/* ---- what Twilio tells ---------------------------------------------------------------------- */

static int final_status(const char *st)
{
    return st &&
           (strcmp(st, "completed") == 0 || strcmp(st, "busy") == 0 || strcmp(st, "failed") == 0 ||
            strcmp(st, "no-answer") == 0 || strcmp(st, "canceled") == 0);
}

/* A participant joined: a warm party is connected; a cold transfer's new agent is with the
 * caller, who comes off hold. */
static void on_join(struct api *api, const char *sid)
{
    for (struct api_call *c = api->calls; c; c = c->next) {
        struct api_xfer *x = c->xfer;
        if (!x)
            continue;
        if (x->warm && x->phase == XF_RINGING && strcmp(x->party, sid) == 0) {
            x->phase = XF_CONNECTED;
            emit(api, c, x, "connected", NULL);
            return;
        }
        if (x->phase == XF_HANDED && c->leg[0] && strcmp(c->leg, sid) == 0) {
            c->xfer = NULL;
            unhold_caller(x);
            cJSON *d = cJSON_CreateObject();
            cJSON_AddStringToObject(d, "call_sid", c->sid);
            cJSON_AddStringToObject(d, "agent", c->agent);
            cJSON_AddStringToObject(d, "agent_call_sid", c->leg);
            api_emit(api, "call.connected", d);
            api_xfer_free(x);
            return;
        }
    }
}

int api_xfer_event(struct api *api, const char *type, const cJSON *data)
{
    if (strcmp(type, "conference.updated") == 0) {
        const char *ev = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(data, "event"));
        const char *sid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(data, "call_sid"));
        if (ev && sid && strcmp(ev, "participant-join") == 0)
            on_join(api, sid);
        return 0;
    }
    const cJSON *call = cJSON_GetObjectItemCaseSensitive(data, "call");
    const char *sid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(call, "sid"));
    const char *st = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(call, "status"));
    if (!sid)
        return 0;
    for (struct api_call *c = api->calls; c; c = c->next) {
        struct api_xfer *x = c->xfer;
        if (!x || !x->warm || !x->party[0] || strcmp(x->party, sid) != 0)
            continue;
        if (final_status(st)) {
            char why[96];
            snprintf(why, sizeof why, "the party's leg ended: %s", st);
            abort_xfer(api, c, x->phase == XF_CONNECTED ? "canceled" : "failed", why, 0);
        }
        return 1;
    }
    return 0;
}

void api_xfer_call_over(struct api *api, struct api_call *c)
{
    struct api_xfer *x = c->xfer;
    if (!x)
        return;
    c->xfer = NULL;
    if (x->phase != XF_HANDED) { /* the conference ended with the caller: the party went too */
        if (x->agent[0])
            api_agent_release(api, x->agent);
        emit(api, c, x, "canceled", "the caller hung up");
    }
    api_xfer_free(x);
}
