/*
 * api: the agent API's routes (see dialtone/api.h): who am I (with the configured wrap-up
 * dispositions), my state, the agents (to pick a transfer target), pending calls, queues.
 * The call history and detail are in api_calls.c.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dialtone/api.h"
#include "dialtone/config.h"
#include "dialtone/httpd.h"
#include "dialtone/routing.h"
#include "dialtone/store.h"
#include "dialtone/util.h"
#include "server/api_alerts_int.h"
#include "server/api_cost_int.h"
#include "server/api_int.h"
#include "server/api_reports_int.h"
#include "server/readq_int.h"
#include "server/server_int.h"

#define BODY_MAX   4096
#define REASON_MAX 64

static void on_me(struct httpd_req *req, void *user);
static void on_state(struct httpd_req *req, void *user);
static void on_pending(struct httpd_req *req, void *user);
static void on_queues(struct httpd_req *req, void *user);
static void on_agents(struct httpd_req *req, void *user);
static void on_agent_action(struct httpd_req *req, void *user);

static const struct httpd_route api_routes[] = {
    {.method = "GET", .path = "/api/v1/me", .fn = on_me},
    {.method = "POST", .path = "/api/v1/me/state", .fn = on_state},
    {.method = "POST", .path = "/api/v1/me/wrapup", .fn = api_on_wrapup},
    {.method = "GET", .path = "/api/v1/calls/pending", .fn = on_pending},
    {.method = "GET", .path = "/api/v1/calls", .fn = api_on_calls},
    {.method = "POST", .path = "/api/v1/calls", .fn = api_on_dial},
    {.method = "GET", .path = "/api/v1/calls/", .prefix = 1, .fn = api_on_call},
    {.method = "POST", .path = "/api/v1/calls/", .prefix = 1, .fn = api_on_call_action},
    {.method = "GET", .path = "/api/v1/queues", .fn = on_queues},
    {.method = "GET", .path = "/api/v1/agents", .fn = on_agents},
    {.method = "POST", .path = "/api/v1/agents/", .prefix = 1, .fn = on_agent_action},
    {.method = "GET", .path = "/api/v1/wallboard", .fn = api_on_wallboard},
    {.method = "GET", .path = "/api/v1/errors", .fn = api_on_errors},
    {.method = "GET", .path = "/api/v1/alerts", .fn = api_on_alerts},
    {.method = "GET", .path = "/api/v1/reports/", .prefix = 1, .fn = api_on_reports},
};

/* Authenticates req; 1 with *a filled, 0 when it was answered (401 or 503). */
int api_begin(struct api *api, struct httpd_req *req, struct store_agent *a)
{
    int rc = api_auth(api->srv->store, req, a);
    if (rc == DT_OK)
        return 1;
    if (rc == DT_EPERM)
        api_error(req, 401, "unauthorized", "a valid agent token is needed");
    else
        api_error(req, 503, "unavailable", "the database is not answering");
    return 0;
}

static void on_me(struct httpd_req *req, void *user)
{
    struct api *api = user;
    struct store_agent a;
    if (!api_begin(api, req, &a))
        return;
    cJSON *o = api_agent_json(api->srv->store, &a);
    const struct config *cfg = api->srv->cfg;
    cJSON *ds = cJSON_AddArrayToObject(o, "dispositions");
    for (size_t i = 0; i < cfg->n_dispositions; i++) {
        cJSON *d = cJSON_CreateObject();
        cJSON_AddStringToObject(d, "code", cfg->dispositions[i].code);
        cJSON_AddStringToObject(d, "label", cfg->dispositions[i].label);
        cJSON_AddItemToArray(ds, d);
    }
    api_json(req, 200, o);
    cJSON_Delete(o);
    store_agent_done(&a);
}

/* Every agent, by name, without tokens; endpoints only for a supervisor (a phone number is
 * personal). */
static void on_agents(struct httpd_req *req, void *user)
{
    struct api *api = user;
    struct store_agent a;
    if (!api_begin(api, req, &a))
        return;
    struct store_agent_list l;
    char err[256];
    if (store_agent_list(api->srv->store, &l, err, sizeof err) != DT_OK) {
        api_error(req, 503, "unavailable", "the database is not answering");
        store_agent_done(&a);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(o, "agents");
    for (size_t i = 0; i < l.count; i++) {
        cJSON *j = api_agent_json(api->srv->store, &l.items[i]);
        if (a.role != DT_ROLE_SUPERVISOR)
            cJSON_DeleteItemFromObjectCaseSensitive(j, "endpoint");
        cJSON_AddItemToArray(arr, j);
    }
    api_json(req, 200, o);
    cJSON_Delete(o);
    store_agent_list_done(&l);
    store_agent_done(&a);
}

/* A note: 1-64 bytes without control characters. */
static int reason_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > REASON_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return 0;
    return 1;
}

/* Parses the body as a JSON object; NULL when it was answered 400. */
cJSON *api_body(struct httpd_req *req)
{
    size_t len = 0;
    const char *body = httpd_req_body(req, &len);
    if (len > BODY_MAX || memchr(body, '\0', len)) {
        api_error(req, 400, "bad_request", "the body must be a JSON object of at most 4 KiB");
        return NULL;
    }
    cJSON *o = cJSON_ParseWithLength(body, len);
    if (!cJSON_IsObject(o)) {
        cJSON_Delete(o);
        api_error(req, 400, "bad_request", "the body must be a JSON object");
        return NULL;
    }
    return o;
}

static void emit_state(struct api *api, const struct store_agent *a)
{
    cJSON *o = api_agent_json(api->srv->store, a);
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (text)
        server_emit(api->srv, "agent.state", text, NULL);
    free(text);
}

/* Sets who's state from req's body, answered; by (NULL: who itself) is a supervisor, whose
 * action is recorded. */
static void set_state(struct api *api, struct httpd_req *req, const struct store_agent *who,
                      const struct store_agent *by)
{
    cJSON *body = api_body(req);
    const char *state = body ? cJSON_GetStringValue(cJSON_GetObjectItem(body, "state")) : NULL;
    const cJSON *rj = body ? cJSON_GetObjectItem(body, "reason") : NULL;
    const char *reason = cJSON_GetStringValue(rj);
    char err[256];
    if (!body) {
        /* answered */
    } else if (!state || (strcmp(state, "available") != 0 && strcmp(state, "break") != 0 &&
                          strcmp(state, "offline") != 0)) {
        api_error(req, 400, "bad_state", "state must be available, break or offline");
    } else if ((rj && !cJSON_IsNull(rj) && !reason) || (reason && !reason_ok(reason))) {
        api_error(req, 400, "bad_reason", "reason must be 1-64 characters of text");
    } else if (strcmp(state, "break") == 0 && !reason) {
        api_error(req, 400, "bad_reason", "a break needs a reason");
    } else if (api_route_state(api, who, state, reason, err, sizeof err) != DT_OK) {
        api_error(req, 409, "conflict", err);
    } else if (store_agent_set_state(api->srv->store, who->name, state,
                                     strcmp(state, "available") == 0 ? NULL : reason,
                                     server_now_ms(), err, sizeof err) != DT_OK) {
        api_error(req, 503, "unavailable", err);
    } else {
        struct store_agent now;
        if (store_agent_get(api->srv->store, who->name, &now, err, sizeof err) == DT_OK) {
            emit_state(api, &now);
            if (by)
                api_supervisor_action(api, by->name, "state", NULL, who->name, state);
            cJSON *o = api_agent_json(api->srv->store, &now);
            api_json(req, 200, o);
            cJSON_Delete(o);
            store_agent_done(&now);
        } else {
            api_error(req, 503, "unavailable", err);
        }
    }
    cJSON_Delete(body);
}

static void on_state(struct httpd_req *req, void *user)
{
    struct api *api = user;
    struct store_agent a;
    if (!api_begin(api, req, &a))
        return;
    set_state(api, req, &a, NULL);
    store_agent_done(&a);
}

/* POST /api/v1/agents/{name}/state: a supervisor sets an agent's state. */
static void on_agent_action(struct httpd_req *req, void *user)
{
    struct api *api = user;
    struct store_agent a, who = {0};
    if (!api_begin(api, req, &a))
        return;
    const char *rest = httpd_req_path(req) + strlen("/api/v1/agents/");
    const char *slash = strchr(rest, '/');
    char name[136], err[256];
    int rc;
    if (!slash || slash == rest || (size_t)(slash - rest) >= sizeof name ||
        strcmp(slash, "/state") != 0) {
        api_error(req, 404, "not_found", "no such action");
    } else if (a.role != DT_ROLE_SUPERVISOR) {
        api_error(req, 403, "forbidden", "setting another agent's state is for supervisors");
    } else {
        memcpy(name, rest, (size_t)(slash - rest));
        name[slash - rest] = '\0';
        rc = store_agent_get(api->srv->store, name, &who, err, sizeof err);
        if (rc == DT_ENOTFOUND)
            api_error(req, 404, "not_found", "no agent by that name");
        else if (rc != DT_OK)
            api_error(req, 503, "unavailable", "the database is not answering");
        else
            set_state(api, req, &who, &a);
    }
    store_agent_done(&who);
    store_agent_done(&a);
}

static void on_pending(struct httpd_req *req, void *user)
{
    struct api *api = user;
    struct store_agent a;
    if (!api_begin(api, req, &a))
        return;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "calls", api_pending_json(api->srv->store, &a));
    cJSON_AddItemToObject(o, "offers", api_offers_json(api, a.name));
    api_json(req, 200, o);
    cJSON_Delete(o);
    store_agent_done(&a);
}

static void on_queues(struct httpd_req *req, void *user)
{
    struct api *api = user;
    struct store_agent a;
    if (!api_begin(api, req, &a))
        return;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "queues",
                          api_queues_json(api->srv->store, api->srv->cfg, server_now_ms()));
    api_json(req, 200, o);
    cJSON_Delete(o);
    store_agent_done(&a);
}

cJSON *api_offers_json(struct api *api, const char *name)
{
    cJSON *arr = cJSON_CreateArray();
    struct routing_offer_info offers[ROUTING_RING_OFFERS + 1];
    size_t n = routing_agent_offers(api->rt, name, offers, ROUTING_RING_OFFERS + 1);
    for (size_t i = 0; i < n && i < ROUTING_RING_OFFERS + 1; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "call_sid", offers[i].call_sid);
        cJSON_AddStringToObject(o, "queue", offers[i].queue);
        cJSON_AddStringToObject(o, "mode", routing_mode_name(offers[i].mode));
        cJSON_AddNumberToObject(o, "offered_ms", (double)offers[i].offered_ms);
        if (offers[i].expires_ms)
            cJSON_AddNumberToObject(o, "expires_ms", (double)offers[i].expires_ms);
        else
            cJSON_AddNullToObject(o, "expires_ms");
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

struct api *api_new(struct server *srv, char *err, size_t errlen)
{
    struct api *api = xcalloc(1, sizeof *api);
    api->srv = srv;
    api->readq = readq_new(srv->loop, srv->store, api->readq_err, sizeof api->readq_err);
    if (api_route_init(api, err, errlen) != DT_OK || api_alerts_init(api, err, errlen) != DT_OK ||
        api_retry_init(api, err, errlen) != DT_OK || api_cost_init(api, err, errlen) != DT_OK) {
        api_free(api);
        return NULL;
    }
    if (httpd_add_routes(server_httpd(srv), api_routes, sizeof api_routes / sizeof api_routes[0],
                         api) != DT_OK) {
        dt_seterr(err, errlen, DT_EINVAL, "bad API route table");
        api_free(api);
        return NULL;
    }
    return api;
}

void api_free(struct api *api)
{
    if (!api)
        return;
    readq_free(api->readq);
    api_cost_done(api);
    api_retry_done(api);
    api_alerts_done(api);
    api_route_done(api);
    free(api);
}
