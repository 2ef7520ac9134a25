/*
 * server_hooks: the HTTP side of Twilio's webhooks. Each POST under /twilio/ is checked in
 * this order: a form body (415 otherwise) that parses (400), the X-Twilio-Signature over the
 * configured public base URL plus the path and query (403, a log line and the rejection
 * count, nothing else); then it goes into the webhook audit log and through the handler
 * (dialtone/webhooks.h), which stores it, and only then is the 200 with its TwiML sent. The
 * body cap is the listener's (httpd answers 413 past [server] max_body, 411 to a chunked body
 * and 100 Continue to "Expect: 100-continue").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

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

static int emit(void *user, const char *type, const char *data)
{
    return server_emit(user, type, data, NULL);
}

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
 * Logs the webhook and runs its handler in one store transaction, so that the audit log, the
 * call and its events are durable together before the answer goes out. Returns the HTTP
 * status, with the TwiML in *twiml (to free) for a 200. A request the handler refuses (400)
 * is still kept in the audit log.
 */
static int store_and_handle(struct server *s, struct httpd_req *req, enum webhooks_kind kind,
                            const struct form *params, const struct form *query, char **twiml,
                            char *why, size_t whylen)
{
    size_t len;
    const char *body = httpd_req_body(req, &len);
    int64_t now = server_now_ms();
    struct store_webhook w = {.received_ms = now,
                              .path = httpd_req_path(req),
                              .signature_ok = 1,
                              .remote_addr = httpd_req_remote(req),
                              .body = body,
                              .body_len = len};
    int rc = store_tx_begin(s->store, why, whylen);
    if (rc != DT_OK)
        return 500;
    rc = store_webhook_log(s->store, &w, NULL, why, whylen);
    if (rc != DT_OK) {
        store_tx_rollback(s->store);
        return 500;
    }
    struct webhooks_ctx ctx = {
        .cfg = s->cfg, .store = s->store, .now_ms = now, .emit = emit, .emit_user = s};
    local_time(now, &ctx.wday, &ctx.minute);
    struct webhooks_req r = {.kind = kind,
                             .params = params,
                             .queue = form_get(query, "queue"),
                             .room = form_get(query, "room"),
                             .body = body,
                             .body_len = len};
    rc = webhooks_handle(&ctx, &r, twiml, why, whylen);
    if (rc == DT_OK)
        rc = store_tx_commit(s->store, why, whylen);
    else
        store_tx_rollback(s->store);
    if (rc == DT_OK) {
        server_events_release(s);
        return 200;
    }
    server_events_drop(s);
    free(*twiml);
    *twiml = NULL;
    int bad = rc == DT_EINVAL || rc == DT_ETOOBIG;
    char ignored[64];
    if (bad)
        store_webhook_log(s->store, &w, NULL, ignored, sizeof ignored);
    return bad ? 400 : 500;
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
        char *twiml = NULL;
        int status = store_and_handle(s, req, kind, &params, &query, &twiml, why, sizeof why);
        if (status == 200) {
            s->counters.webhooks_accepted++;
            httpd_respond_str(req, 200, "text/xml", twiml);
        } else {
            refuse(s, req, status, status == 400 ? "bad request\n" : "internal error\n", why);
        }
        free(twiml);
    }
    form_done(&params);
    form_done(&query);
}
