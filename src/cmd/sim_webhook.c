/*
 * sim_webhook: see sim_webhook.h. A thin layer over httpc: Twilio's headers on each request,
 * the engine's request id carried to the completion, and failures that happen before a
 * request leaves (a URL httpc refuses) reported later from the loop like any other.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd/sim_webhook.h"
#include "dialtone/httpc.h"
#include "dialtone/netloop.h"
#include "dialtone/util.h"

/* Twilio gives a webhook 15 seconds. */
#define WEBHOOK_TIMEOUT_MS 15000

struct sim_webhooks {
    struct netloop *loop;
    struct httpc *client;
    sim_webhook_done_fn done;
    void *user;
    size_t refused; /* refused at send, failure not reported yet */
    int closing;
};

struct hook_call {
    struct sim_webhooks *w;
    uint64_t id;
    char err[160];
};

struct sim_webhooks *sim_webhooks_new(struct netloop *loop, sim_webhook_done_fn done, void *user,
                                      char *err, size_t errlen)
{
    struct httpc_options o = {.user_agent = "TwilioProxy/1.1"};
    struct httpc *client = httpc_new(loop, &o, err, errlen);
    if (!client)
        return NULL;
    struct sim_webhooks *w = xcalloc(1, sizeof *w);
    w->loop = loop;
    w->client = client;
    w->done = done;
    w->user = user;
    return w;
}

void sim_webhooks_free(struct sim_webhooks *w)
{
    if (!w)
        return;
    w->closing = 1;
    httpc_free(w->client);  /* completions run now, and are dropped */
    netloop_flush(w->loop); /* refusals posted earlier, dropped too */
    free(w);
}

static void on_done(const struct httpc_response *res, void *arg)
{
    struct hook_call *hc = arg;
    struct sim_webhooks *w = hc->w;
    if (!w->closing)
        w->done(w->user, hc->id, res->code ? 0 : res->status,
                res->content_type && res->content_type[0] ? res->content_type : NULL,
                res->body ? res->body : "", res->body ? res->body_len : 0,
                res->code ? (res->error ? res->error : "request failed") : NULL);
    free(hc);
}

static void on_refused(void *arg)
{
    struct hook_call *hc = arg;
    struct sim_webhooks *w = hc->w;
    w->refused--;
    if (!w->closing)
        w->done(w->user, hc->id, 0, NULL, "", 0, hc->err);
    free(hc);
}

void sim_webhooks_send(struct sim_webhooks *w, const struct sim_http_req *req)
{
    int post = strcmp(req->method, "POST") == 0;
    struct httpc_header h[3];
    size_t nh = 0;
    h[nh++] = (struct httpc_header){.name = "X-Twilio-Signature", .value = req->signature};
    h[nh++] =
        (struct httpc_header){.name = "I-Twilio-Idempotency-Token", .value = req->idempotency};
    if (post)
        h[nh++] = (struct httpc_header){.name = "Content-Type",
                                        .value = "application/x-www-form-urlencoded"};
    struct httpc_request r = {.method = req->method,
                              .url = req->url,
                              .headers = h,
                              .nheaders = nh,
                              .body = post ? req->body : NULL,
                              .body_len = post && req->body ? strlen(req->body) : 0,
                              .timeout_ms = WEBHOOK_TIMEOUT_MS};
    struct hook_call *hc = xcalloc(1, sizeof *hc);
    hc->w = w;
    hc->id = req->id;
    if (httpc_send(w->client, &r, on_done, hc, NULL, hc->err, sizeof hc->err) < 0) {
        if (!hc->err[0])
            dt_strlcpy(hc->err, "request refused", sizeof hc->err);
        w->refused++;
        netloop_post(w->loop, on_refused, hc);
    }
}

size_t sim_webhooks_pending(const struct sim_webhooks *w)
{
    return httpc_pending(w->client) + w->refused;
}
