/*
 * api_common: the bearer token check, JSON answers and the JSON views the agent API and the
 * push share (see api_int.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "dialtone/agents.h"
#include "dialtone/calljson.h"
#include "dialtone/config.h"
#include "dialtone/httpd.h"
#include "dialtone/store.h"
#include "dialtone/store_agents.h"
#include "dialtone/util.h"
#include "dialtone/valid.h"
#include "server/api_int.h"
#include "server/server_int.h"

#define PENDING_MAX 200

int api_auth(struct store *st, struct httpd_req *req, struct store_agent *out)
{
    *out = (struct store_agent){0};
    const char *h = httpd_req_header(req, "authorization");
    if (!h || strncasecmp(h, "Bearer ", 7) != 0)
        return DT_EPERM;
    const char *tok = h + 7;
    while (*tok == ' ')
        tok++;
    char hash[AGENTS_HASH_SIZE];
    if (agents_token_hash(tok, strlen(tok), hash) != DT_OK)
        return DT_EPERM;
    char err[256];
    int rc = store_agent_get_by_token(st, hash, out, err, sizeof err);
    if (rc == DT_ENOTFOUND || rc == DT_EINVAL)
        return DT_EPERM;
    return rc;
}

void api_json(struct httpd_req *req, int status, const cJSON *o)
{
    char *body = cJSON_PrintUnformatted(o);
    httpd_respond_str(req, status, "application/json", body ? body : "{}");
    free(body);
}

void api_error(struct httpd_req *req, int status, const char *code, const char *message)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *e = cJSON_AddObjectToObject(o, "error");
    cJSON_AddStringToObject(e, "code", code);
    cJSON_AddStringToObject(e, "message", message);
    if (status == 401)
        httpd_req_add_header(req, "WWW-Authenticate", "Bearer");
    api_json(req, status, o);
    cJSON_Delete(o);
}

void api_iso_time(int64_t ms, char out[32])
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, 32 - n, ".%03dZ", (int)(ms % 1000));
}

static void add_opt_str(cJSON *o, const char *k, const char *v)
{
    if (v)
        cJSON_AddStringToObject(o, k, v);
    else
        cJSON_AddNullToObject(o, k);
}

cJSON *api_agent_json(struct store *st, const struct store_agent *a)
{
    cJSON *o = cJSON_CreateObject();
    char ts[32], err[256];
    cJSON_AddStringToObject(o, "name", a->name);
    cJSON_AddStringToObject(o, "role", store_role_name(a->role));
    add_opt_str(o, "endpoint", a->endpoint);
    add_opt_str(o, "state", a->state);
    add_opt_str(o, "reason", a->state_reason);
    api_iso_time(a->state_since_ms, ts);
    cJSON_AddStringToObject(o, "since", ts);
    cJSON_AddNumberToObject(o, "since_ms", (double)a->state_since_ms);
    cJSON *qs = cJSON_AddArrayToObject(o, "queues");
    char *list = NULL;
    if (store_agent_queues(st, a->name, &list, err, sizeof err) == DT_OK) {
        char *save = NULL;
        for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save))
            cJSON_AddItemToArray(qs, cJSON_CreateString(t));
    }
    free(list);
    return o;
}

void api_caller_id(struct api *api, const char *sid, char *out, size_t outsz)
{
    const struct config *cfg = api->srv->cfg;
    if (outsz)
        out[0] = '\0';
    if (cfg->twilio.n_numbers) {
        dt_strlcpy(out, cfg->twilio.numbers[0], outsz);
        return;
    }
    struct store_call c;
    char err[256];
    if (sid && store_call_get(api->srv->store, sid, &c, err, sizeof err) == DT_OK) {
        if (c.to && valid_e164(c.to, strlen(c.to)))
            dt_strlcpy(out, c.to, outsz);
        store_call_done(&c);
    }
}

void api_add_caller(struct api *api, const char *sid, cJSON *o)
{
    struct store_call c;
    char err[256];
    if (!sid || store_call_get(api->srv->store, sid, &c, err, sizeof err) != DT_OK)
        return;
    if (c.from)
        cJSON_AddStringToObject(o, "from", c.from);
    if (c.caller_name)
        cJSON_AddStringToObject(o, "caller_name", c.caller_name);
    store_call_done(&c);
}

cJSON *api_pending_json(struct store *st, const struct store_agent *a)
{
    cJSON *arr = cJSON_CreateArray();
    struct store_call_list l;
    char err[256];
    if (store_calls_waiting(st, NULL, PENDING_MAX, &l, err, sizeof err) != DT_OK)
        return arr;
    for (size_t i = 0; i < l.count; i++) {
        const struct store_call *c = &l.items[i];
        if (a->role != DT_ROLE_SUPERVISOR &&
            store_agent_in_queue(st, a->name, c->queue, err, sizeof err) != 1)
            continue;
        cJSON_AddItemToArray(arr, calljson_new(c));
    }
    store_call_list_done(&l);
    return arr;
}

struct queue_figures {
    const char *name;
    int64_t waiting, oldest_ms;
};

static int on_wait(const struct store_queue_wait *w, void *ctx)
{
    struct queue_figures *f = ctx;
    if (strcmp(w->queue, f->name) == 0) {
        f->waiting = w->waiting;
        f->oldest_ms = w->oldest_ms;
    }
    return 0;
}

cJSON *api_queues_json(struct store *st, const struct config *cfg, int64_t now_ms)
{
    cJSON *arr = cJSON_CreateArray();
    char err[256];
    for (size_t i = 0; i < cfg->n_queues; i++) {
        const struct config_queue *q = &cfg->queues[i];
        struct queue_figures f = {.name = q->name};
        store_queue_waiting(st, on_wait, &f, err, sizeof err);
        int64_t avail = 0;
        store_agents_available(st, q->name, &avail, err, sizeof err);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", q->name);
        cJSON_AddStringToObject(o, "routing",
                                q->routing == DT_ROUTING_LONGEST_IDLE ? "longest-idle" : "ringall");
        cJSON_AddNumberToObject(o, "waiting", (double)f.waiting);
        int64_t wait = f.waiting && now_ms > f.oldest_ms ? (now_ms - f.oldest_ms) / 1000 : 0;
        cJSON_AddNumberToObject(o, "longest_wait_s", (double)wait);
        cJSON_AddNumberToObject(o, "agents_available", (double)avail);
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}
