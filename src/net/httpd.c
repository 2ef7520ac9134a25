/*
 * httpd: the lws side of the server. See dialtone/httpd.h; requests are in httpd_req.c.
 *
 * Per connection, lws gives LWS_CALLBACK_HTTP with the head, then (when Content-Length is
 * positive) the body in chunks and LWS_CALLBACK_HTTP_BODY_COMPLETION. The framing lws cannot
 * handle is answered here before any body is read: Transfer-Encoding gets 411 (lws would
 * never complete such a body), an expectation other than 100-continue gets 417, and
 * "Expect: 100-continue" gets its interim "100 Continue" (lws never sends one) or, when the
 * announced body is over the cap, an immediate 413. An over-cap body without Expect is read
 * and thrown away (up to DISCARD_FACTOR times the cap) before the 413, so that the client,
 * still sending, reads the answer rather than a connection reset.
 *
 * An answer is written in one lws_write (head and body together), then
 * lws_http_transaction_completed() keeps the connection for the next request (or it closes
 * when the answer said Connection: close). A handler's immediate answer is written in the
 * callback that completed the request, as lws's examples do: lws 4.1 cannot move on to a
 * pipelined request otherwise. A deferred answer is written from the writeable callback.
 */
#include "httpd_int.h"

#include "dialtone/log.h"
#include "dialtone/netloop.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define DISCARD_FACTOR 4
static const char continue_line[] = "HTTP/1.1 100 Continue\r\n\r\n";

static int send_answer(struct lws *wsi, struct httpd_req *req);

static void not_found(struct httpd_req *req, void *user)
{
    (void)user;
    httpd_respond_str(req, 404, "text/plain; charset=utf-8", "not found\n");
}

/* ---- routing ------------------------------------------------------------------------------ */

static int path_matches(const struct httpd_route *r, const char *path)
{
    if (r->prefix)
        return strncmp(path, r->path, strlen(r->path)) == 0;
    return strcmp(path, r->path) == 0;
}

/* NULL matches every method, and a GET route answers HEAD too. */
static int method_matches(const char *method, const struct httpd_req *req)
{
    return !method || strcmp(method, req->method) == 0 || (req->head && strcmp(method, "GET") == 0);
}

static void method_not_allowed(struct httpd_req *req)
{
    struct httpd *h = req->h;
    struct dt_buf allow;
    dt_buf_init(&allow);
    for (size_t s = 0; s < h->nsets; s++) {
        for (size_t i = 0; i < h->sets[s].n; i++) {
            const struct httpd_route *r = &h->sets[s].rows[i];
            if (!r->method || !path_matches(r, req->path))
                continue;
            if (allow.len)
                dt_buf_puts(&allow, ", ");
            dt_buf_puts(&allow, r->method);
        }
    }
    httpd_req_add_header(req, "Allow", allow.data ? allow.data : "");
    dt_buf_done(&allow);
    httpd_req_fail(req, 405, "method not allowed\n", 0);
}

/* Runs the handler; returns the lws callback's result. */
static int dispatch(struct httpd_req *req)
{
    struct httpd *h = req->h;
    httpd_handler_fn fn = h->fallback;
    void *user = h->fallback_user;
    int path_seen = 0, found = 0;
    for (size_t s = 0; s < h->nsets && !found; s++) {
        for (size_t i = 0; i < h->sets[s].n; i++) {
            const struct httpd_route *r = &h->sets[s].rows[i];
            if (!path_matches(r, req->path))
                continue;
            path_seen = 1;
            if (!method_matches(r->method, req))
                continue;
            fn = r->fn;
            user = h->sets[s].user;
            found = 1;
            break;
        }
    }
    if (!found && path_seen) {
        method_not_allowed(req);
        return send_answer(req->wsi, req);
    }
    req->state = REQ_HANDLING;
    fn(req, user); /* the connection cannot close meanwhile, so req lives on */
    if (req->state == REQ_DEFERRED) {
        lws_set_timeout(req->wsi, NO_PENDING_TIMEOUT, 0);
        return 0;
    }
    if (req->state == REQ_HANDLING) {
        log_error("httpd: %s %s: handler neither answered nor deferred", req->method, req->path);
        httpd_req_fail(req, 500, "internal error\n", 0);
    }
    return send_answer(req->wsi, req);
}

int httpd_add_routes(struct httpd *h, const struct httpd_route *routes, size_t n, void *user)
{
    for (size_t i = 0; i < n; i++)
        if (!routes[i].path || routes[i].path[0] != '/' || !routes[i].fn)
            return DT_EINVAL;
    h->sets = xrealloc(h->sets, (h->nsets + 1) * sizeof *h->sets);
    h->sets[h->nsets++] = (struct route_set){.rows = routes, .n = n, .user = user};
    return DT_OK;
}

void httpd_set_fallback(struct httpd *h, httpd_handler_fn fn, void *user)
{
    h->fallback = fn ? fn : not_found;
    h->fallback_user = fn ? user : NULL;
}

/* ---- writing ------------------------------------------------------------------------------ */

/* Head and body, one buffer: one lws_write, so nothing is ever written back to back. */
static unsigned char *build_answer(struct lws *wsi, const struct httpd_req *req, size_t *len)
{
    size_t body = req->head ? 0 : req->rlen;
    size_t size = LWS_PRE + 512 + strlen(req->ctype) + body;
    for (size_t i = 0; i < req->nout; i++)
        size += strlen(req->out[i].name) + strlen(req->out[i].value) + 4;
    unsigned char *buf = xmalloc(size);
    unsigned char *start = buf + LWS_PRE, *p = start, *end = buf + size - body - 1;
    if (lws_add_http_common_headers(wsi, (unsigned)req->status, req->ctype, req->rlen, &p, end))
        goto fail;
    for (size_t i = 0; i < req->nout; i++)
        if (lws_add_http_header_by_name(wsi, (const unsigned char *)req->out[i].name,
                                        (const unsigned char *)req->out[i].value,
                                        (int)strlen(req->out[i].value), &p, end))
            goto fail;
    if (req->close_after &&
        lws_add_http_header_by_token(wsi, WSI_TOKEN_CONNECTION, (const unsigned char *)"close", 5,
                                     &p, end))
        goto fail;
    if (lws_finalize_http_header(wsi, &p, end))
        goto fail;
    if (body)
        memcpy(p, req->rbody, body);
    *len = (size_t)(p - start) + body;
    return buf;
fail:
    free(buf);
    return NULL;
}

/*
 * Writes the answer at once (lws keeps what the socket does not take and sends it when it
 * can), frees the request and ends the transaction. Returns what the lws callback returns:
 * -1 closes the connection. Called in the callback that completed the request when the
 * handler answered there, as lws's own examples do (lws 4.1 cannot go on to a pipelined
 * request otherwise), and from the writeable callback for deferred answers.
 */
static int send_answer(struct lws *wsi, struct httpd_req *req)
{
    size_t len = 0;
    unsigned char *buf = build_answer(wsi, req, &len);
    int close_after = req->close_after;
    struct httpd_conn *conn = req->conn;
    int in_body_completion =
        req->state == REQ_ANSWERING && req->body_expected > 0 && !req->deferred;
    httpd_req_free(req); /* before lws may start the next request on this connection */
    /* The body goes with the head as "headers": lws counts only HTTP writes against the
     * Content-Length, and HTTP/2, where this would matter, is not offered. */
    int n = buf ? lws_write(wsi, buf + LWS_PRE, len, LWS_WRITE_HTTP_HEADERS) : -1;
    free(buf);
    if (n < 0 || close_after)
        return -1;
    struct httpd_link *link = lws_get_opaque_user_data(wsi);
    if (in_body_completion && conn && link) {
        /* Ending the transaction inside BODY_COMPLETION while a pipelined request sits in
         * lws's read buffer makes lws 4.1 spin on those bytes without a callback. So it
         * ends from a 0 ms timer, which runs before lws polls the socket again; if bytes
         * are pipelined, lws calls BODY_COMPLETION again first, and that closes the
         * connection instead (on_body_done). */
        conn->complete_pending = 1;
        httpd_conn_end_later(link);
        return 0;
    }
    return lws_http_transaction_completed(wsi) ? -1 : 0;
}

static void end_transaction(struct netloop_timer *t, void *user)
{
    (void)t;
    struct httpd_link *link = user;
    struct httpd_conn *conn = lws_wsi_user(link->wsi);
    if (!conn || !conn->complete_pending)
        return;
    conn->complete_pending = 0;
    if (lws_http_transaction_completed(link->wsi))
        lws_set_timeout(link->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
}

void httpd_conn_end_later(struct httpd_link *link)
{
    if (!link->end)
        link->end = netloop_timer_new(link->h->loop, end_transaction, link);
    netloop_timer_start(link->end, 0);
}

/* Sends an error answer now and closes the connection after it. */
static int fail_now(struct httpd_req *req, int status, const char *text)
{
    httpd_req_fail(req, status, text, 1);
    return send_answer(req->wsi, req);
}

/* ---- reading ------------------------------------------------------------------------------ */

/* Parses Content-Length: digits only, no overflow. -1 when malformed. */
static long long content_length(const struct httpd_req *req)
{
    const char *v = httpd_req_header(req, "content-length");
    if (!v)
        return 0;
    if (!*v)
        return -1;
    long long n = 0;
    for (; *v; v++) {
        if (!isdigit((unsigned char)*v) || n > (LLONG_MAX - 9) / 10)
            return -1;
        n = n * 10 + (*v - '0');
    }
    return n;
}

static int send_continue(struct lws *wsi)
{
    unsigned char buf[LWS_PRE + sizeof continue_line];
    memcpy(buf + LWS_PRE, continue_line, sizeof continue_line - 1);
    int n = lws_write(wsi, buf + LWS_PRE, sizeof continue_line - 1, LWS_WRITE_HTTP_HEADERS);
    return n < 0 ? -1 : 0;
}

/* Decides how the body is framed, before any of it is read. Returns the callback's result. */
static int check_framing(struct httpd_req *req)
{
    const char *te = httpd_req_header(req, "transfer-encoding");
    const char *expect = httpd_req_header(req, "expect");
    long long len = content_length(req);
    size_t cap = req->h->max_body;

    if (te)
        return fail_now(req, 411, "length required: send a Content-Length, not chunks\n");
    if (len < 0)
        return fail_now(req, 400, "bad Content-Length\n");
    if (expect && strcasecmp(expect, "100-continue") != 0)
        return fail_now(req, 417, "expectation not supported\n");
    if ((unsigned long long)len > cap) {
        if (expect || (unsigned long long)len > (unsigned long long)cap * DISCARD_FACTOR)
            return fail_now(req, 413, "request body too large\n");
        req->state = REQ_DISCARDING;
        req->body_expected = (size_t)len;
        return 0;
    }
    req->body_expected = (size_t)len;
    req->state = REQ_READING;
    if (len == 0)
        return dispatch(req);
    return expect ? send_continue(req->wsi) : 0;
}

static void on_closed(struct httpd_conn *conn);

static int on_http(struct httpd *h, struct lws *wsi, struct httpd_conn *conn, const char *uri,
                   size_t len)
{
    if (conn->req) /* lws starts no request before the last one completed; to be safe */
        on_closed(conn);
    struct httpd_req *req = httpd_req_new(h, wsi, conn);
    int bad = httpd_req_read_head(req, uri, len);
    if (bad)
        return fail_now(req, bad, bad == 501 ? "method not implemented\n" : "bad request\n");
    return check_framing(req);
}

static int on_body(struct httpd_conn *conn, const void *in, size_t len)
{
    struct httpd_req *req = conn->req;
    if (!req || req->state != REQ_READING)
        return 0; /* discarding an over-cap body */
    if (req->body.len + len > req->body_expected)
        return fail_now(req, 400, "body longer than its Content-Length\n");
    dt_buf_append(&req->body, in, len);
    return 0;
}

static int on_body_done(struct lws *wsi, struct httpd_conn *conn)
{
    struct httpd_req *req = conn->req;
    (void)wsi;
    if (conn->complete_pending)
        return -1; /* pipelined after a body: see send_answer */
    if (req && req->state == REQ_DISCARDING)
        return fail_now(req, 413, "request body too large\n");
    if (req && req->state == REQ_READING)
        return dispatch(req);
    /* Called again while the request waits for its answer: lws 4.1 holds pipelined bytes
     * behind it and would call this forever. Drop the connection; the request is orphaned
     * like any whose client left, and a pipelining client retries what went unanswered. */
    return -1;
}

static int on_writeable(struct lws *wsi, struct httpd_conn *conn)
{
    struct httpd_req *req = conn->req;
    if (!req || req->state != REQ_ANSWERING)
        return 0;
    return send_answer(wsi, req);
}

/* ---- websocket upgrades -------------------------------------------------------------------- */

static const struct httpd_upgrade *find_upgrade(const struct httpd *h, const char *path)
{
    for (size_t i = 0; i < h->nupgrades; i++)
        if (strcmp(h->upgrades[i].path, path) == 0)
            return &h->upgrades[i];
    return NULL;
}

/*
 * LWS_CALLBACK_HTTP_CONFIRM_UPGRADE: the endpoint at the path decides, with the request's
 * head in hand. A refusal is answered here and the connection closes (returning -1 after
 * writing, rather than 1 and a kept-alive transaction, which lws 4.1 handles badly).
 */
static int on_upgrade(struct httpd *h, struct httpd_link *link, struct lws *wsi, const char *what)
{
    if (!what || strcasecmp(what, "websocket") != 0)
        return 0; /* not ours to judge */
    /* lws allocates no per-session data before the upgrade: the request stands alone */
    struct httpd_req *req = httpd_req_new(h, wsi, NULL);
    int ulen = lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI);
    if (ulen <= 0)
        return fail_now(req, 400, "websocket upgrades use GET\n");
    char *uri = xmalloc((size_t)ulen + 1);
    int n = lws_hdr_copy(wsi, uri, ulen + 1, WSI_TOKEN_GET_URI);
    int bad = n == ulen ? httpd_req_read_head(req, uri, (size_t)n) : 400;
    free(uri);
    if (bad)
        return fail_now(req, bad, "bad request\n");
    const struct httpd_upgrade *up = find_upgrade(h, req->path);
    if (!up)
        return fail_now(req, 404, "no websocket here\n");
    req->state = REQ_HANDLING;
    if (up->fn(req, link, up->user) == 0) {
        httpd_req_free(req);
        return 0;
    }
    if (req->state != REQ_ANSWERING)
        httpd_req_fail(req, 403, "forbidden\n", 1);
    req->close_after = 1;
    return send_answer(wsi, req);
}

static void on_closed(struct httpd_conn *conn)
{
    struct httpd_req *req = conn->req;
    if (!req)
        return;
    conn->req = NULL;
    if (req->state == REQ_DEFERRED) { /* its holder answers (and frees) it later */
        req->wsi = NULL;
        req->conn = NULL;
        return;
    }
    req->conn = NULL;
    httpd_req_free(req);
}

int httpd_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                   size_t len)
{
    /* The connection says which server it belongs to: all servers share one vhost. */
    struct httpd_link *link = lws_get_opaque_user_data(wsi);
    struct httpd *h = link ? link->h : NULL;
    struct httpd_conn *conn = user;
    if (!h)
        return reason == LWS_CALLBACK_HTTP ? -1
                                           : lws_callback_http_dummy(wsi, reason, user, in, len);
    if (link->ws && link->ws_callback) /* an accepted websocket: its endpoint's business */
        return link->ws_callback(wsi, reason, user, in, len);

    switch (reason) {
    case LWS_CALLBACK_HTTP:
        return conn ? on_http(h, wsi, conn, in, len) : -1;
    case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
        return on_upgrade(h, link, wsi, in);
    case LWS_CALLBACK_HTTP_BODY:
        return conn ? on_body(conn, in, len) : 0;
    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
        return conn ? on_body_done(wsi, conn) : 0;
    case LWS_CALLBACK_HTTP_WRITEABLE:
        return conn ? on_writeable(wsi, conn) : 0;
    case LWS_CALLBACK_CLOSED_HTTP:
    case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
        if (conn)
            on_closed(conn);
        return 0;
    case LWS_CALLBACK_WSI_DESTROY:
        httpd_conn_forget(h, wsi);
        return 0;
    default:
        return lws_callback_http_dummy(wsi, reason, user, in, len);
    }
}
