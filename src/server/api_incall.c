/*
 * api_incall: what an agent does with the call it is connected to, and after it:
 * POST /api/v1/calls/{sid}/hangup, /hold, /unhold, /mute, /unmute (the caller's leg: a call
 * update, or a participant update in the call's conference), and POST /api/v1/me/wrapup with
 * a disposition from the configuration and notes, which makes the agent available again.
 * Only the agent connected to a call may touch it (403 otherwise).
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dialtone/config.h"
#include "dialtone/form.h"
#include "dialtone/httpd.h"
#include "dialtone/log.h"
#include "dialtone/routing.h"
#include "dialtone/store.h"
#include "dialtone/twilio.h"
#include "dialtone/util.h"
#include "server/api_int.h"
#include "server/server_int.h"

#define NOTES_MAX 2000

struct incall {
    const char *action;
    const char *key; /* the participant's setting; NULL: hang the call up */
    const char *value;
};

static const struct incall incall_actions[] = {
    {.action = "hangup"},
    {.action = "hold", .key = "Hold", .value = "true"},
    {.action = "unhold", .key = "Hold", .value = "false"},
    {.action = "mute", .key = "Muted", .value = "true"},
    {.action = "unmute", .key = "Muted", .value = "false"},
};

/* The Twilio answer is logged: the console sees the result in the call's events. */
static void on_done(const struct twilio_result *res, void *arg)
{
    char *what = arg;
    if (res->rc != DT_OK && res->rc != DT_ESTATE)
        log_warn("in-call %s: Twilio answered %d: %s", what, res->status,
                 res->error.message[0] ? res->error.message : "no detail");
    free(what);
}

int api_incall_action(struct api *api, struct httpd_req *req, const struct store_agent *a,
                      const char *sid, const char *action)
{
    if (strncmp(action, "transfer", 8) == 0 && (action[8] == '\0' || action[8] == '/')) {
        api_transfer(api, req, a, sid, action + 8);
        return 1;
    }
    if (strncmp(action, "monitor", 7) == 0 && (action[7] == '\0' || action[7] == '/')) {
        api_monitor(api, req, a, sid, action + 7);
        return 1;
    }
    const struct incall *ic = NULL;
    for (size_t i = 0; i < sizeof incall_actions / sizeof incall_actions[0]; i++)
        if (strcmp(incall_actions[i].action, action) == 0)
            ic = &incall_actions[i];
    if (!ic)
        return 0;
    const struct api_call *c = api_call_find(api, sid);
    if (!c || strcmp(c->agent, a->name) != 0) {
        api_error(req, c ? 403 : 404, c ? "not_yours" : "not_found",
                  c ? "this call is another agent's" : "no call of yours by that sid");
        return 1;
    }
    if (!api->srv->twilio) {
        api_error(req, 503, "unavailable", "no Twilio client");
        return 1;
    }
    struct store_call call = {0};
    char err[256];
    if (ic->key && (store_call_get(api->srv->store, sid, &call, err, sizeof err) != DT_OK ||
                    !call.conference_sid)) {
        store_call_done(&call);
        api_error(req, 409, "not_in_conference", "the call is not in its conference yet");
        return 1;
    }
    struct form f;
    form_init(&f);
    char *what = xasprintf("%s %s", action, sid);
    int rc;
    if (ic->key) {
        form_add(&f, ic->key, ic->value);
        rc = twilio_participant_update(api->srv->twilio, call.conference_sid, sid, &f, on_done,
                                       what);
        store_call_done(&call);
    } else {
        form_add(&f, "Status", "completed");
        rc = twilio_call_update(api->srv->twilio, sid, &f, on_done, what);
    }
    form_done(&f);
    if (rc != DT_OK) {
        free(what);
        api_error(req, 503, "unavailable", "the request to Twilio could not be made");
        return 1;
    }
    if (ic->key && strcmp(ic->key, "Hold") == 0)
        api_kpi_hold(api->srv->store, sid, strcmp(ic->value, "true") == 0);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "call_sid", sid);
    cJSON_AddStringToObject(o, "result", action);
    api_json(req, 202, o);
    cJSON_Delete(o);
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "call_sid", sid);
    cJSON_AddStringToObject(d, "agent", a->name);
    cJSON_AddStringToObject(d, "action", action);
    api_emit(api, "call.action", d);
    return 1;
}

static int disposition_ok(const struct config *cfg, const char *code)
{
    for (size_t i = 0; i < cfg->n_dispositions; i++)
        if (strcmp(cfg->dispositions[i].code, code) == 0)
            return 1;
    return cfg->n_dispositions == 0;
}

static int notes_ok(const char *s)
{
    size_t n = strlen(s);
    if (n > NOTES_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 && s[i] != '\n' && s[i] != '\t')
            return 0;
    return 1;
}

static void finish_wrapup(struct api *api, struct httpd_req *req, const struct store_agent *a,
                          const char *disposition, const char *notes)
{
    struct routing_actions acts;
    routing_actions_init(&acts);
    char err[256];
    struct routing_agent_info info;
    const char *call = "";
    if (routing_agent_get(api->rt, a->name, &info) == DT_OK)
        call = info.call_sid;
    char sid[72];
    dt_strlcpy(sid, call, sizeof sid);
    int rc = routing_agent_wrapup_done(api->rt, a->name, server_now_ms(), &acts, err, sizeof err);
    if (rc != DT_OK) {
        api_error(req, 409, "not_in_wrapup", "there is no call to wrap up");
    } else if (store_agent_set_state(api->srv->store, a->name, "available", NULL, server_now_ms(),
                                     err, sizeof err) != DT_OK) {
        api_error(req, 503, "unavailable", err);
    } else {
        cJSON *d = cJSON_CreateObject();
        cJSON_AddStringToObject(d, "call_sid", sid);
        cJSON_AddStringToObject(d, "agent", a->name);
        cJSON_AddStringToObject(d, "disposition", disposition);
        cJSON_AddStringToObject(d, "notes", notes ? notes : "");
        api_emit(api, "call.wrapup", d);
        struct store_agent now;
        if (store_agent_get(api->srv->store, a->name, &now, err, sizeof err) == DT_OK) {
            cJSON *o = api_agent_json(api->srv->store, &now);
            api_emit(api, "agent.state", cJSON_Duplicate(o, 1));
            api_json(req, 200, o);
            cJSON_Delete(o);
            store_agent_done(&now);
        } else {
            api_error(req, 503, "unavailable", err);
        }
    }
    api_carry_out(api, &acts);
    routing_actions_done(&acts);
}

void api_on_wrapup(struct httpd_req *req, void *user)
{
    struct api *api = user;
    struct store_agent a;
    if (!api_begin(api, req, &a))
        return;
    cJSON *body = api_body(req);
    const char *disp = body ? cJSON_GetStringValue(cJSON_GetObjectItem(body, "disposition")) : NULL;
    const cJSON *nj = body ? cJSON_GetObjectItem(body, "notes") : NULL;
    const char *notes = cJSON_GetStringValue(nj);
    if (!body) {
        /* answered */
    } else if (!disp || !disposition_ok(api->srv->cfg, disp)) {
        api_error(req, 400, "bad_disposition", "disposition must be one of the configured codes");
    } else if ((nj && !cJSON_IsNull(nj) && !notes) || (notes && !notes_ok(notes))) {
        api_error(req, 400, "bad_notes", "notes must be text of at most 2000 bytes");
    } else {
        finish_wrapup(api, req, &a, disp, notes);
    }
    cJSON_Delete(body);
    store_agent_done(&a);
}
