/*
 * server_hooks: the HTTP side of Twilio's webhooks. Each POST under /twilio/ is checked in
 * this order: a form body (415 otherwise) that parses (400), the X-Twilio-Signature over the
 * configured public base URL plus the path and query (403, a log line and the rejection
 * count, nothing else); then it goes into the webhook audit log and through the handler
 * (dialtone/webhooks.h), which stores it, and only then is the 200 with its TwiML sent.
 * Webhooks that arrive together are stored together, in one transaction (a group commit: see
 * below), which is what lets the daemon keep up with thousands a second. The body cap is the
 * listener's (httpd answers 413 past [server] max_body, 411 to a chunked body and 100 Continue
 * to "Expect: 100-continue").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "dialtone/config.h"
#include "dialtone/form.h"
#include "dialtone/httpd.h"
#include "dialtone/log.h"
#include "dialtone/sig.h"
#include "dialtone/store.h"
#include "dialtone/util.h"
#include "dialtone/webhooks.h"
#include "server/server_int.h"

#define FORM_CTYPE "application/x-www-form-urlencoded"

/* Answers status with a short text, counts it and logs it with the reason. */
static void refuse(struct server *s, struct httpd_req *req, int status, const char *text,
                   const char *why)
{
    if (status == 403)
        s->counters.webhooks_rejected++;
    else if (status >= 500)
        s->counters.webhooks_failed++;
    else
        s->counters.webhooks_invalid++;
    log_warn("webhook %s from %s refused with %d: %s", httpd_req_path(req), httpd_req_remote(req),
             status, why);
    httpd_respond_str(req, status, "text/plain", text);
}

static int form_ctype(const char *ct)
{
    size_t n = strlen(FORM_CTYPE);
    return ct && strncasecmp(ct, FORM_CTYPE, n) == 0 && (ct[n] == '\0' || ct[n] == ';');
}

/* Checks the signature of the request with its parsed body; 0 when good. */
static int check_signature(struct server *s, struct httpd_req *req, const struct form *params,
                           char *why, size_t whylen)
{
    const char *query = httpd_req_query(req);
    char *url = xasprintf("%s%s%s%s", s->cfg->twilio.public_base_url, httpd_req_path(req),
                          query[0] ? "?" : "", query);
    const char *sig = httpd_req_header(req, "x-twilio-signature");
    int rc = sig_validate(s->cfg->twilio.auth_token, url, params, sig, why, whylen);
    free(url);
    return rc;
}

const cJSON *server_event_tree(const struct store_event *ev, cJSON **own)
{
    *own = NULL;
    if (ev->json)
        return ev->json;
    *own = cJSON_ParseWithLength(ev->data, ev->data_len);
    return *own;
}

const struct store_call *server_event_call(struct server *s, const struct store_event *ev,
                                           const char *sid, struct store_call *own, int *rc,
                                           char *err, size_t errlen)
{
    *own = (struct store_call){0};
    *rc = DT_OK;
    if (ev->call && ev->call->sid && sid && strcmp(ev->call->sid, sid) == 0)
        return ev->call;
    *rc = store_call_get(s->store, sid, own, err, errlen);
    return *rc == DT_OK ? own : NULL;
}

/* ---- group commit ---------------------------------------------------------------------------
 * A good webhook is deferred into the current batch; the batch runs once a loop round has
 * read no more webhooks for it (httpd_flush_soon, on_flush), or when it is full: one
 * transaction in which each webhook is logged and handled. Handlers almost never refuse, so the
 * batch first runs without parts; should one refuse or fail, that transaction is rolled back and
 * the batch runs again with each webhook in a part of its own (store_tx_savepoint), so that the one
 * that fails is undone alone (a part costs its journal, about a tenth of a webhook's work). Only
 * after the commit are the answers and events released. When the transaction as a whole fails, each
 * webhook is tried again in a transaction of its own. */

/* An event appended inside the batch's transaction, for the sink once it commits, with the
 * tree its data was printed from (or NULL), which the sink's readers use instead of parsing. */
struct held {
    int64_t seq, ts_ms;
    char *type, *data;
    cJSON *json;
    struct store_call *call; /* the event's call as read for it, or NULL */
};

/* A webhook waiting for its batch's commit. */
struct pending {
    struct httpd_req *req; /* deferred */
    enum webhooks_kind kind;
    int64_t received_ms;
    struct form params, query;
    int status; /* 200, 400 or 500 once run */
    char *twiml;
    char why[160];
};

/* Its items grow with it (at most SERVER_HOOK_BATCH): most batches hold a few webhooks, and
 * room for all of them, zeroed, cost more than storing a webhook. */
struct hook_batch {
    struct server *s;
    size_t n, cap;
    size_t seen; /* items when the loop last came round to it */
    int rounds;  /* loop rounds it has waited for more */
    struct pending *items;
    struct held *events;
    size_t nevents, capevents;
};

static void drop_events(struct hook_batch *b, size_t from)
{
    for (size_t i = from; i < b->nevents; i++) {
        free(b->events[i].type);
        free(b->events[i].data);
        cJSON_Delete(b->events[i].json);
        store_call_done(b->events[i].call);
        free(b->events[i].call);
    }
    b->nevents = from;
}

/* The handlers' event function inside a batch: appended now, handed to the sink later with
 * json and call, which it takes over. */
static int batch_emit_json(void *user, const char *type, const char *data, cJSON *json,
                           struct store_call *call)
{
    struct hook_batch *b = user;
    struct server *s = b->s;
    char err[256];
    int64_t seq = 0, now = server_now_ms();
    int rc = store_event_append_printed(s->store, type, now, data, &seq, err, sizeof err);
    if (rc != DT_OK) {
        cJSON_Delete(json);
        store_call_done(call);
        free(call);
        s->counters.event_errors++;
        log_error("event %s lost: %s", type ? type : "(none)", err);
        return rc;
    }
    s->counters.events++;
    if (b->nevents == b->capevents) {
        b->capevents = b->capevents ? 2 * b->capevents : 16;
        b->events = xrealloc(b->events, b->capevents * sizeof *b->events);
    }
    b->events[b->nevents++] = (struct held){.seq = seq,
                                            .ts_ms = now,
                                            .type = xstrdup(type),
                                            .data = xstrdup(data),
                                            .json = json,
                                            .call = call};
    return DT_OK;
}

/* The local day and minute of the day, for business hours. */
static void local_time(int64_t now_ms, int *wday, int *minute)
{
    time_t t = (time_t)(now_ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    *wday = tm.tm_wday;
    *minute = tm.tm_hour * 60 + tm.tm_min;
}

/*
 * Logs and handles p in the open transaction, setting p->status: 200 (with p->twiml), 400
 * (refused by its handler, undone but still kept in the audit log) or 500. With parts, p runs
 * in a part of its own, undone alone when it fails; without, a failure only sets *again (p's
 * writes stay: the caller rolls the transaction back). Returns 0, or an error when the
 * transaction as a whole can no longer be committed.
 */
static int run_one(struct hook_batch *b, struct pending *p, int parts, int *again, char *err,
                   size_t errlen)
{
    struct server *s = b->s;
    size_t len, ev0 = b->nevents, held0 = s->nheld;
    const char *body = httpd_req_body(p->req, &len);
    struct store_webhook w = {.received_ms = p->received_ms,
                              .path = httpd_req_path(p->req),
                              .signature_ok = 1,
                              .remote_addr = httpd_req_remote(p->req),
                              .body = body,
                              .body_len = len};
    int rc = parts ? store_tx_savepoint(s->store, err, errlen) : DT_OK;
    if (rc != DT_OK)
        return rc;
    int hrc = store_webhook_log(s->store, &w, NULL, p->why, sizeof p->why);
    if (hrc == DT_OK) {
        struct webhooks_ctx ctx = {.cfg = s->cfg,
                                   .store = s->store,
                                   .now_ms = p->received_ms,
                                   .emit_json = batch_emit_json,
                                   .emit_user = b};
        local_time(p->received_ms, &ctx.wday, &ctx.minute);
        struct webhooks_req r = {.kind = p->kind,
                                 .params = &p->params,
                                 .queue = form_get(&p->query, "queue"),
                                 .room = form_get(&p->query, "room"),
                                 .body = body,
                                 .body_len = len};
        hrc = webhooks_handle(&ctx, &r, &p->twiml, p->why, sizeof p->why);
    }
    if (hrc == DT_OK) {
        p->status = 200;
        return parts ? store_tx_release(s->store, err, errlen) : DT_OK;
    }
    free(p->twiml);
    p->twiml = NULL;
    if (!parts) {
        *again = 1;
        return DT_OK;
    }
    rc = store_tx_undo(s->store, err, errlen);
    if (rc == DT_OK && s->nheld != held0) /* events held elsewhere cannot be undone alone */
        rc = dt_seterr(err, errlen, DT_ESTATE, "a handler emitted outside its webhook");
    if (rc != DT_OK)
        return rc;
    drop_events(b, ev0);
    p->status = hrc == DT_EINVAL || hrc == DT_ETOOBIG ? 400 : 500;
    if (p->status == 400) {
        char ignored[64];
        store_webhook_log(s->store, &w, NULL, ignored, sizeof ignored);
    }
    return DT_OK;
}

/* Runs items [from, to) in one transaction, each in a part of its own with parts. Returns 0
 * once it committed (each item with its status); 1 when, without parts, an item failed:
 * nothing of them is stored and their events are dropped, to be run again with parts;
 * otherwise an error: nothing of them is stored, their events are dropped and each is a 500. */
static int run_items(struct hook_batch *b, size_t from, size_t to, int parts, char *err,
                     size_t errlen)
{
    struct server *s = b->s;
    size_t ev0 = b->nevents;
    int again = 0;
    int rc = store_tx_begin(s->store, err, errlen);
    for (size_t i = from; rc == DT_OK && !again && i < to; i++)
        rc = run_one(b, &b->items[i], parts, &again, err, errlen);
    if (rc == DT_OK && !again)
        rc = store_tx_commit(s->store, err, errlen);
    else
        store_tx_rollback(s->store);
    if (rc == DT_OK && !again) {
        s->counters.webhook_commits++;
        server_events_release(s);
        return DT_OK;
    }
    server_events_drop(s);
    drop_events(b, ev0);
    if (rc == DT_OK) { /* again, with parts */
        for (size_t i = from; i < to; i++) {
            free(b->items[i].twiml);
            b->items[i].twiml = NULL;
            b->items[i].status = 500;
        }
        return 1;
    }
    for (size_t i = from; i < to; i++) {
        free(b->items[i].twiml);
        b->items[i].twiml = NULL;
        b->items[i].status = 500;
        dt_strlcpy(b->items[i].why, err, sizeof b->items[i].why);
    }
    return rc;
}

static void batch_free(struct hook_batch *b)
{
    for (size_t i = 0; i < b->n; i++) {
        form_done(&b->items[i].params);
        form_done(&b->items[i].query);
        free(b->items[i].twiml);
    }
    drop_events(b, 0);
    free(b->events);
    free(b->items);
    free(b);
}

/* Stores the batch, then answers its webhooks and hands its events to the sink. */
static void batch_run(struct hook_batch *b)
{
    struct server *s = b->s;
    char err[256];
    int rc = run_items(b, 0, b->n, 0, err, sizeof err);
    if (rc > 0)
        rc = run_items(b, 0, b->n, 1, err, sizeof err);
    if (rc != DT_OK && b->n > 1) {
        log_warn("webhooks: a batch of %zu failed (%s); storing them one by one", b->n, err);
        for (size_t i = 0; i < b->n; i++)
            run_items(b, i, i + 1, 1, err, sizeof err);
    }
    for (size_t i = 0; i < b->n; i++) {
        struct pending *p = &b->items[i];
        if (p->status == 200) {
            s->counters.webhooks_accepted++;
            httpd_respond_str(p->req, 200, "text/xml", p->twiml);
        } else {
            refuse(s, p->req, p->status, p->status == 400 ? "bad request\n" : "internal error\n",
                   p->why);
        }
    }
    for (size_t i = 0; s->sink && i < b->nevents; i++) {
        const struct held *h = &b->events[i];
        struct store_event ev = {.seq = h->seq,
                                 .type = h->type,
                                 .ts_ms = h->ts_ms,
                                 .data = h->data,
                                 .data_len = strlen(h->data),
                                 .json = h->json,
                                 .call = h->call};
        s->sink(s->sink_user, &ev);
    }
    batch_free(b);
}

/*
 * The batch is stored once a loop round has read no more webhooks for it (or after
 * HOOK_WAIT_ROUNDS rounds, or when full): a loop round is a poll that does not wait, so a
 * webhook alone waits microseconds, while under load the webhooks that arrive during a
 * commit join the next one instead of each few paying for a commit of their own (about 15
 * WAL frames, whatever the batch).
 */
#define HOOK_WAIT_ROUNDS 4
static void on_flush(void *user, int freeing)
{
    struct server *s = user;
    struct hook_batch *b = s->batch;
    if (b && !freeing && b->n > b->seen && b->n < SERVER_HOOK_BATCH &&
        b->rounds < HOOK_WAIT_ROUNDS) {
        b->seen = b->n;
        b->rounds++;
        httpd_flush_soon(s->httpd, on_flush, s);
        return;
    }
    s->batch = NULL;
    if (!b)
        return;
    if (freeing)
        batch_free(b); /* the server is going: its requests are freed unanswered */
    else
        batch_run(b);
}

/* Defers req into the current batch, which takes over params and query. */
static void batch_add(struct server *s, struct httpd_req *req, enum webhooks_kind kind,
                      struct form *params, struct form *query)
{
    if (s->batch && s->batch->n == SERVER_HOOK_BATCH)
        on_flush(s, 0); /* full: its requests are all deferred, so they may be answered now */
    if (!s->batch) {
        s->batch = xcalloc(1, sizeof *s->batch);
        s->batch->s = s;
    }
    struct hook_batch *b = s->batch;
    if (b->n == b->cap) {
        b->cap = b->cap ? 2 * b->cap : 2;
        b->items = xrealloc(b->items, b->cap * sizeof *b->items);
    }
    struct pending *p = &b->items[b->n++];
    *p = (struct pending){.req = req, .kind = kind, .received_ms = server_now_ms(), .status = 500};
    p->params = *params;
    p->query = *query;
    form_init(params);
    form_init(query);
    httpd_defer(req);
    httpd_flush_soon(s->httpd, on_flush, s);
}

void server_on_webhook(struct httpd_req *req, void *user)
{
    struct server *s = user;
    enum webhooks_kind kind;
    if (webhooks_kind_of(httpd_req_path(req), &kind) != DT_OK) {
        refuse(s, req, 404, "not found\n", "no such webhook");
        return;
    }
    if (!form_ctype(httpd_req_header(req, "content-type"))) {
        refuse(s, req, 415, "webhooks are " FORM_CTYPE "\n", "not a form body");
        return;
    }
    size_t len;
    const char *body = httpd_req_body(req, &len);
    struct form params, query;
    form_init(&params);
    form_init(&query);
    char why[256];
    const char *q = httpd_req_query(req);
    if (form_parse(&params, body, len, why, sizeof why) != DT_OK ||
        form_parse(&query, q, strlen(q), why, sizeof why) != DT_OK) {
        refuse(s, req, 400, "malformed form body or query\n", why);
    } else if (check_signature(s, req, &params, why, sizeof why) != DT_OK) {
        refuse(s, req, 403, "bad signature\n", why);
    } else {
        batch_add(s, req, kind, &params, &query);
    }
    form_done(&params);
    form_done(&query);
}
