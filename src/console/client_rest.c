/*
 * client_rest: the client's REST side (see client.h): requests to the agent API through
 * httpc with the Bearer token, answers parsed as JSON with the daemon's error or the network
 * failure put in words, and the safety-net poll of GET /api/v1/calls/pending.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "console/client_int.h"
#include "dialtone/httpc.h"
#include "dialtone/netloop.h"
#include "dialtone/util.h"

#define PENDING_PATH "/api/v1/calls/pending"
#define SHUTDOWN_WHY "the console is shutting down"
#define MAX_METHOD   16
#define MAX_ERR_TEXT 300 /* bytes of the daemon's error message passed on */

struct status_phrase {
    int status;
    const char *words;
};

static const struct status_phrase phrases[] = {
    {.status = 400, .words = "the request was refused as malformed"},
    {.status = 401, .words = "the token was refused"},
    {.status = 403, .words = "that is not allowed for this agent"},
    {.status = 404, .words = "not found"},
    {.status = 405, .words = "the daemon does not allow that method there"},
    {.status = 409, .words = "a conflict: someone or something else came first"},
    {.status = 413, .words = "the request is too large"},
    {.status = 429, .words = "too many requests: try again in a moment"},
    {.status = 500, .words = "the daemon failed"},
    {.status = 502, .words = "a proxy could not reach the daemon"},
    {.status = 503, .words = "the daemon is unavailable"},
    {.status = 504, .words = "a proxy timed out waiting for the daemon"},
};

static const char *phrase_of(int status)
{
    for (size_t i = 0; i < sizeof phrases / sizeof phrases[0]; i++)
        if (phrases[i].status == status)
            return phrases[i].words;
    return status >= 500 ? "the daemon failed" : "the request was refused";
}

/* ---- answers ------------------------------------------------------------------------------ */

static void unlink_req(struct client_req *r)
{
    *r->prev = r->next;
    if (r->next)
        r->next->prev = r->prev;
    r->c->nreqs--;
}

/* What a failed transfer means, in words, into buf. */
static void network_words(const struct client *c, const struct httpc_response *res, char *buf,
                          size_t n)
{
    if (res->code == DT_ETOOBIG) {
        snprintf(buf, n, "the daemon's answer was too large");
        return;
    }
    const char *e = res->error ? res->error : "unknown failure";
    if (strstr(e, "timed out") || strstr(e, "Timeout")) {
        snprintf(buf, n, "the daemon at %s did not answer in time", c->url.hostport);
        return;
    }
    const char *last = e;
    for (const char *p = strstr(e, ": "); p; p = strstr(p + 2, ": "))
        last = p + 2;
    snprintf(buf, n, "cannot reach the daemon at %s: %c%s", c->url.hostport,
             tolower((unsigned char)last[0]), last[0] ? last + 1 : "");
}

/* The daemon's {"error": {"message"}} or the status in words, into buf. */
static void error_words(const cJSON *body, int status, char *buf, size_t n)
{
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(body, "error");
    const char *msg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "message"));
    if (!msg && cJSON_IsString(e))
        msg = e->valuestring;
    if (msg && *msg) {
        size_t len = strlen(msg);
        snprintf(buf, n, "%.*s%s", MAX_ERR_TEXT, msg, len > MAX_ERR_TEXT ? "..." : "");
        return;
    }
    snprintf(buf, n, "%s (HTTP %d)", phrase_of(status), status);
}

static void answer(struct client *c, struct client_req *r, const struct httpc_response *res)
{
    char words[MAX_ERR_TEXT + 128];
    if (c->freeing) {
        r->fn(0, NULL, SHUTDOWN_WHY, r->arg);
        return;
    }
    if (res->code != 0) {
        network_words(c, res, words, sizeof words);
        r->fn(res->code == DT_ETOOBIG ? res->status : 0, NULL, words, r->arg);
        return;
    }
    cJSON *body = res->body_len ? cJSON_ParseWithLength(res->body, res->body_len) : NULL;
    const char *err = NULL;
    if (res->status < 200 || res->status > 299) {
        error_words(body, res->status, words, sizeof words);
        err = words;
        if (res->status == 401)
            client_go_offline(c, NULL);
    } else if (res->body_len && !body) {
        err = "the daemon's answer is not JSON";
    }
    if (!c->doomed)
        r->fn(res->status, body, err, r->arg);
    cJSON_Delete(body);
}

static void poll_answer(struct client *c, const struct httpc_response *res)
{
    c->poll_req = NULL;
    if (c->freeing || res->code != 0)
        return;
    if (res->status == 401) {
        client_go_offline(c, NULL);
        return;
    }
    if (res->status < 200 || res->status > 299)
        return;
    cJSON *body = cJSON_ParseWithLength(res->body, res->body_len);
    if (cJSON_IsObject(body) && c->cb.on_pending && !c->doomed && c->state != CLIENT_OFFLINE)
        c->cb.on_pending(body, c->user);
    cJSON_Delete(body);
}

static void req_done(const struct httpc_response *res, void *arg)
{
    struct client_req *r = arg;
    struct client *c = r->c;
    unlink_req(r);
    client_enter(c);
    if (r->fn)
        answer(c, r, res);
    else
        poll_answer(c, res);
    free(r);
    client_leave(c);
}

/* ---- requests ----------------------------------------------------------------------------- */

static int send_req(struct client *c, const char *method, const char *path, const char *body,
                    client_result_fn fn, void *arg, struct client_req **out)
{
    char *url = xasprintf("%s%s", c->url.base, path);
    struct httpc_header h[3] = {
        {.name = "Authorization", .value = c->auth},
        {.name = "Accept", .value = "application/json"},
        {.name = "Content-Type", .value = "application/json"},
    };
    struct httpc_request rq = {
        .method = method,
        .url = url,
        .headers = h,
        .nheaders = body ? 3 : 2,
        .body = body,
        .body_len = body ? strlen(body) : 0,
        .timeout_ms = CLIENT_REQUEST_MS,
    };
    struct client_req *r = xcalloc(1, sizeof *r);
    r->c = c;
    r->fn = fn;
    r->arg = arg;
    int rc = httpc_send(c->http, &rq, req_done, r, &r->call, NULL, 0);
    free(url);
    if (rc != DT_OK) {
        free(r);
        return rc;
    }
    r->next = c->reqs;
    r->prev = &c->reqs;
    if (c->reqs)
        c->reqs->prev = &r->next;
    c->reqs = r;
    c->nreqs++;
    if (out)
        *out = r;
    return DT_OK;
}

static int bad_method(const char *m)
{
    size_t n = m ? strlen(m) : 0;
    if (n == 0 || n > MAX_METHOD)
        return 1;
    for (; *m; m++)
        if (*m < 'A' || *m > 'Z')
            return 1;
    return 0;
}

static int bad_path(const char *p)
{
    if (!p || p[0] != '/' || strlen(p) > CLIENT_MAX_PATH)
        return 1;
    for (; *p; p++)
        if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || *p == '#')
            return 1;
    return 0;
}

int client_request(struct client *c, const char *method, const char *path_and_query,
                   const cJSON *body, client_result_fn fn, void *arg)
{
    if (!c || !fn || bad_method(method) || bad_path(path_and_query))
        return DT_EINVAL;
    if (c->freeing || c->doomed)
        return DT_ESTATE;
    if (c->nreqs >= CLIENT_MAX_REQUESTS)
        return DT_ETOOBIG;
    char *text = body ? cJSON_PrintUnformatted(body) : NULL;
    if (body && !text)
        return DT_EINVAL;
    int rc = send_req(c, method, path_and_query, text, fn, arg, NULL);
    free(text);
    return rc;
}

/* ---- the pending poll --------------------------------------------------------------------- */

static void on_poll(struct netloop_timer *t, void *user)
{
    (void)t;
    struct client *c = user;
    client_enter(c);
    client_poll_now(c);
    client_leave(c);
}

void client_poll_init(struct client *c)
{
    c->poll_timer = netloop_timer_new(c->loop, on_poll, c);
    netloop_timer_start(c->poll_timer, c->poll_ms);
}

void client_poll_now(struct client *c)
{
    if (c->freeing || c->doomed || !c->poll_timer)
        return;
    netloop_timer_start(c->poll_timer, c->poll_ms);
    if (c->state == CLIENT_OFFLINE || c->poll_req)
        return;
    send_req(c, "GET", PENDING_PATH, NULL, NULL, NULL, &c->poll_req);
}

void client_rest_done(struct client *c)
{
    httpc_free(c->http); /* every request's req_done runs now, with c->freeing set */
    c->http = NULL;
}
