/*
 * api_monitor: a supervisor in an agent's call. POST /api/v1/calls/{sid}/monitor with
 * {"mode": "listen" | "whisper" | "barge"} adds the supervisor's endpoint to the call's
 * conference as a participant: muted (listen), heard by the agent only (whisper: Coaching with
 * CallSidToCoach the agent's leg) or heard by both (barge); asked again with another mode once
 * joined, it updates that participant; POST .../monitor/leave hangs the supervisor's leg up.
 * Supervisors only (403). Each action is a supervisor.action event, stored with the others.
 * The supervisor's legs are forgotten (and hung up) when the call ends.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dialtone/config.h"
#include "dialtone/form.h"
#include "dialtone/httpd.h"
#include "dialtone/log.h"
#include "dialtone/store.h"
#include "dialtone/store_legs.h"
#include "dialtone/twilio.h"
#include "dialtone/util.h"
#include "server/api_int.h"
#include "server/server_int.h"

enum mon_mode { MON_LISTEN, MON_WHISPER, MON_BARGE };

static const char *const mode_names[] = {
    [MON_LISTEN] = "listen", [MON_WHISPER] = "whisper", [MON_BARGE] = "barge"};

/* A supervisor's leg in a call's conference; api NULL once the API is gone while the
 * participant's creation is still in flight (its answer then frees it). */
struct api_monitor {
    struct api *api;
    struct api_monitor *next;
    char call[72], supervisor[136], conf[72], leg[72];
    enum mon_mode mode;
    int joining; /* the participant's creation is in flight */
    int gone;    /* left or the call ended while joining: hang up on the answer */
};

static int parse_mode(const char *s, enum mon_mode *m)
{
    for (size_t i = 0; s && i < sizeof mode_names / sizeof mode_names[0]; i++)
        if (strcmp(s, mode_names[i]) == 0) {
            *m = (enum mon_mode)i;
            return 1;
        }
    return 0;
}

static struct api_monitor **mon_find(struct api *api, const char *call, const char *supervisor)
{
    for (struct api_monitor **p = &api->monitors; *p; p = &(*p)->next)
        if (strcmp((*p)->call, call) == 0 &&
            (!supervisor || strcmp((*p)->supervisor, supervisor) == 0))
            return p;
    return NULL;
}

/* Takes m out of the API's list; frees it unless its creation is in flight. */
static void mon_unlink(struct api_monitor **p)
{
    struct api_monitor *m = *p;
    *p = m->next;
    m->next = NULL;
    if (m->joining) {
        m->gone = 1;
        return;
    }
    free(m);
}

static void on_logged(const struct twilio_result *res, void *arg)
{
    char *what = arg;
    if (res->rc != DT_OK && res->rc != DT_ESTATE)
        log_warn("monitor: %s: Twilio answered %d: %s", what, res->status,
                 res->error.message[0] ? res->error.message : "no detail");
    free(what);
}

static void hang_up(struct twilio *tw, const char *leg)
{
    if (!tw || !leg[0])
        return;
    struct form f;
    form_init(&f);
    form_add(&f, "Status", "completed");
    char *what = xasprintf("hanging up %s", leg);
    if (twilio_call_update(tw, leg, &f, on_logged, what) != DT_OK)
        free(what);
    form_done(&f);
}

/* The participant's flags for mode: Muted, Coaching and whom it coaches. */
static void mode_form(struct form *f, enum mon_mode mode, const char *agent_leg)
{
    form_add(f, "Muted", mode == MON_LISTEN ? "true" : "false");
    form_add(f, "Coaching", mode == MON_WHISPER ? "true" : "false");
    if (mode == MON_WHISPER)
        form_add(f, "CallSidToCoach", agent_leg);
}

void api_supervisor_action(struct api *api, const char *supervisor, const char *action,
                           const char *call, const char *agent, const char *mode)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "supervisor", supervisor);
    cJSON_AddStringToObject(d, "action", action);
    if (call)
        cJSON_AddStringToObject(d, "call_sid", call);
    if (agent && agent[0])
        cJSON_AddStringToObject(d, "agent", agent);
    if (mode)
        cJSON_AddStringToObject(d, "mode", mode);
    api_emit(api, "supervisor.action", d);
}

static void on_joined(const struct twilio_result *res, void *arg)
{
    struct api_monitor *m = arg;
    m->joining = 0;
    const cJSON *leg =
        res->rc == DT_OK ? cJSON_GetObjectItemCaseSensitive(res->json, "call_sid") : NULL;
    if (cJSON_IsString(leg))
        dt_strlcpy(m->leg, leg->valuestring, sizeof m->leg);
    if (!m->api || m->gone) { /* left, or the call or the API went, meanwhile */
        if (m->api)
            hang_up(m->api->srv->twilio, m->leg);
        free(m);
        return;
    }
    if (!m->leg[0]) {
        log_warn("monitor: %s could not join %s: Twilio answered %d: %s", m->supervisor, m->call,
                 res->status, res->error.message[0] ? res->error.message : "no detail");
        struct api_monitor **p = mon_find(m->api, m->call, m->supervisor);
        if (p)
            mon_unlink(p);
        return;
    }
    /* the supervisor's leg is the call's, not a call of its own: out of history, in the
     * call's detail; the call keeps its agent */
    char err[256];
    if (store_call_assign(m->api->srv->store, m->call, m->supervisor, m->leg, 0, server_now_ms(),
                          err, sizeof err) != DT_OK)
        log_warn("monitor: recording %s's leg of %s: %s", m->supervisor, m->call, err);
}

static void join(struct api *api, struct httpd_req *req, const struct store_agent *sup,
                 struct api_call *c, const char *conf, enum mon_mode mode)
{
    struct form f;
    form_init(&f);
    char from[40];
    api_caller_id(api, c->sid, from, sizeof from);
    char *cb = xasprintf("%s/twilio/status", api->srv->cfg->twilio.public_base_url);
    form_add(&f, "From", from);
    form_add(&f, "To", sup->endpoint);
    form_add(&f, "StartConferenceOnEnter", "false");
    form_add(&f, "EndConferenceOnExit", "false");
    mode_form(&f, mode, c->leg);
    form_add(&f, "StatusCallback", cb);
    form_add(&f, "StatusCallbackEvent", "completed");
    struct api_monitor *m = xcalloc(1, sizeof *m);
    m->api = api;
    dt_strlcpy(m->call, c->sid, sizeof m->call);
    dt_strlcpy(m->supervisor, sup->name, sizeof m->supervisor);
    dt_strlcpy(m->conf, conf, sizeof m->conf);
    m->mode = mode;
    m->joining = 1;
    int rc = twilio_participant_create(api->srv->twilio, conf, &f, on_joined, m);
    form_done(&f);
    free(cb);
    if (rc != DT_OK) {
        free(m);
        api_error(req, 503, "unavailable", "the request to Twilio could not be made");
        return;
    }
    m->next = api->monitors;
    api->monitors = m;
}

static void answer(struct httpd_req *req, int status, const char *sid, const char *result,
                   const char *mode)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "call_sid", sid);
    cJSON_AddStringToObject(o, "result", result);
    if (mode)
        cJSON_AddStringToObject(o, "mode", mode);
    api_json(req, status, o);
    cJSON_Delete(o);
}

static void leave(struct api *api, struct httpd_req *req, const struct store_agent *sup,
                  const char *sid)
{
    struct api_monitor **p = mon_find(api, sid, sup->name);
    if (!p) {
        api_error(req, 404, "not_monitoring", "you are not in this call");
        return;
    }
    hang_up(api->srv->twilio, (*p)->leg);
    mon_unlink(p);
    answer(req, 200, sid, "left", NULL);
    const struct api_call *c = api_call_find(api, sid);
    api_supervisor_action(api, sup->name, "leave", sid, c ? c->agent : NULL, NULL);
}

/* Joins, or changes the mode of the supervisor's participant. */
static void monitor(struct api *api, struct httpd_req *req, const struct store_agent *sup,
                    const char *sid)
{
    cJSON *body = api_body(req);
    if (!body)
        return;
    enum mon_mode mode;
    int ok = parse_mode(cJSON_GetStringValue(cJSON_GetObjectItem(body, "mode")), &mode);
    cJSON_Delete(body);
    if (!ok) {
        api_error(req, 400, "bad_mode", "mode must be listen, whisper or barge");
        return;
    }
    struct api_call *c = api_call_find(api, sid);
    struct store_call call = {0};
    char err[256];
    if (!c || !c->agent[0]) {
        api_error(req, 404, "not_found", "no call with an agent by that sid");
        return;
    }
    if (!api->srv->twilio) {
        api_error(req, 503, "unavailable", "no Twilio client");
        return;
    }
    if (store_call_get(api->srv->store, sid, &call, err, sizeof err) != DT_OK ||
        !call.conference_sid) {
        store_call_done(&call);
        api_error(req, 409, "not_in_conference", "the call is not in its conference yet");
        return;
    }
    char conf[72];
    dt_strlcpy(conf, call.conference_sid, sizeof conf);
    store_call_done(&call);
    if (mode == MON_WHISPER && !c->leg[0]) {
        api_error(req, 409, "no_agent_leg", "the agent's leg is not in the call yet");
        return;
    }
    if (!sup->endpoint || !sup->endpoint[0]) {
        api_error(req, 409, "no_endpoint", "you have no endpoint to join with");
        return;
    }
    struct api_monitor **p = mon_find(api, sid, sup->name);
    if (p && (*p)->joining) {
        api_error(req, 409, "joining", "your leg is still joining the call: try again");
        return;
    }
    if (p) {
        struct form f;
        form_init(&f);
        mode_form(&f, mode, c->leg);
        char *what = xasprintf("%s for %s", mode_names[mode], (*p)->leg);
        if (twilio_participant_update(api->srv->twilio, (*p)->conf, (*p)->leg, &f, on_logged,
                                      what) != DT_OK) {
            free(what);
            form_done(&f);
            api_error(req, 503, "unavailable", "the request to Twilio could not be made");
            return;
        }
        form_done(&f);
        (*p)->mode = mode;
        answer(req, 202, sid, "updated", mode_names[mode]);
    } else {
        join(api, req, sup, c, conf, mode);
        if (!mon_find(api, sid, sup->name))
            return; /* answered */
        answer(req, 202, sid, "joining", mode_names[mode]);
    }
    api_supervisor_action(api, sup->name, "monitor", sid, c->agent, mode_names[mode]);
}

void api_monitor(struct api *api, struct httpd_req *req, const struct store_agent *a,
                 const char *sid, const char *step)
{
    if (a->role != DT_ROLE_SUPERVISOR)
        api_error(req, 403, "forbidden", "monitoring is for supervisors");
    else if (strcmp(step, "") == 0)
        monitor(api, req, a, sid);
    else if (strcmp(step, "/leave") == 0)
        leave(api, req, a, sid);
    else
        api_error(req, 404, "not_found", "no such action");
}

void api_monitor_call_over(struct api *api, const char *sid)
{
    for (struct api_monitor **p = &api->monitors; *p;) {
        int call = strcmp((*p)->call, sid) == 0, own = strcmp((*p)->leg, sid) == 0;
        if (!call && !own) {
            p = &(*p)->next;
            continue;
        }
        if (call) /* the supervisor's leg goes with the call; its own end needs nothing */
            hang_up(api->srv->twilio, (*p)->leg);
        mon_unlink(p);
    }
}

void api_monitor_done(struct api *api)
{
    while (api->monitors) {
        struct api_monitor *m = api->monitors;
        api->monitors = m->next;
        if (m->joining)
            m->api = NULL; /* the answer frees it */
        else
            free(m);
    }
}
