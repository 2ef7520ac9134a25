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
 * Answers are written from LWS_CALLBACK_HTTP_WRITEABLE only: the head in one write, then the
 * body in HTTPD_WRITE_CHUNK pieces, then lws_http_transaction_completed() for keep-alive (or a
 * close when the answer said Connection: close).
 */
#include "httpd_int.h"

#include "dialtone/log.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define DISCARD_FACTOR 4
static const char continue_line[] = "HTTP/1.1 100 Continue\r\n\r\n";

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

static void dispatch(struct httpd_req *req)
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
        return;
    }
    struct lws *wsi = req->wsi;
    req->state = REQ_HANDLING;
    fn(req, user);
    /* The connection cannot close during the handler, so req is alive unless answered. */
    struct httpd_conn *conn = lws_wsi_user(wsi);
    if (!conn || conn->req != req)
        return;
    if (req->state == REQ_HANDLING) {
        log_error("httpd: %s %s: handler neither answered nor deferred", req->method, req->path);
        httpd_req_fail(req, 500, "internal error\n", 0);
    } else if (req->state == REQ_DEFERRED) {
        lws_set_timeout(wsi, NO_PENDING_TIMEOUT, 0);
    }
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

/* Decides how the body is framed; returns 0 to go on, -1 to drop the connection. */
static int check_framing(struct httpd_req *req)
{
    const char *te = httpd_req_header(req, "transfer-encoding");
    const char *expect = httpd_req_header(req, "expect");
    long long len = content_length(req);
    size_t cap = req->h->max_body;

    if (te) {
        httpd_req_fail(req, 411, "length required: send a Content-Length, not chunks\n", 1);
        return 0;
    }
    if (len < 0) {
        httpd_req_fail(req, 400, "bad Content-Length\n", 1);
        return 0;
    }
    if (expect && strcasecmp(expect, "100-continue") != 0) {
        httpd_req_fail(req, 417, "expectation not supported\n", 1);
        return 0;
    }
    if ((unsigned long long)len > cap) {
        if (expect || (unsigned long long)len > (unsigned long long)cap * DISCARD_FACTOR) {
            httpd_req_fail(req, 413, "request body too large\n", 1);
        } else {
            req->state = REQ_DISCARDING;
            req->body_expected = (size_t)len;
        }
        return 0;
    }
    req->body_expected = (size_t)len;
    req->state = REQ_READING;
    if (expect && len > 0)
        return send_continue(req->wsi);
    if (len == 0)
        dispatch(req);
    return 0;
}

static void on_closed(struct httpd_conn *conn);

static int on_http(struct httpd *h, struct lws *wsi, struct httpd_conn *conn, const char *uri,
                   size_t len)
{
    if (conn->req) /* lws starts no request before the last one completed; to be safe */
        on_closed(conn);
    struct httpd_req *req = httpd_req_new(h, wsi, conn);
    int bad = httpd_req_read_head(req, uri, len);
    if (bad) {
        httpd_req_fail(req, bad, bad == 501 ? "method not implemented\n" : "bad request\n", 1);
        return 0;
    }
    return check_framing(req);
}

static void on_body(struct httpd_conn *conn, const void *in, size_t len)
{
    struct httpd_req *req = conn->req;
    if (!req || req->state != REQ_READING)
        return;                                     /* discarding, or already answering an error */
    if (req->body.len + len > req->body_expected) { /* more than announced */
        httpd_req_fail(req, 400, "body longer than its Content-Length\n", 1);
        return;
    }
    dt_buf_append(&req->body, in, len);
}

static void on_body_done(struct httpd_conn *conn)
{
    struct httpd_req *req = conn->req;
    if (!req)
        return;
    if (req->state == REQ_DISCARDING)
        httpd_req_fail(req, 413, "request body too large\n", 1);
    else if (req->state == REQ_READING)
        dispatch(req);
}

/* ---- writing ------------------------------------------------------------------------------ */

static int write_head(struct httpd_req *req, struct lws *wsi)
{
    size_t size = LWS_PRE + 512 + strlen(req->ctype);
    for (size_t i = 0; i < req->nout; i++)
        size += strlen(req->out[i].name) + strlen(req->out[i].value) + 4;
    unsigned char *buf = xmalloc(size);
    unsigned char *start = buf + LWS_PRE, *p = start, *end = buf + size - 1;
    int rc = -1;
    if (lws_add_http_common_headers(wsi, (unsigned)req->status, req->ctype, req->rlen, &p, end))
        goto done;
    for (size_t i = 0; i < req->nout; i++) {
        if (lws_add_http_header_by_name(wsi, (const unsigned char *)req->out[i].name,
                                        (const unsigned char *)req->out[i].value,
                                        (int)strlen(req->out[i].value), &p, end))
            goto done;
    }
    if (req->close_after &&
        lws_add_http_header_by_token(wsi, WSI_TOKEN_CONNECTION, (const unsigned char *)"close", 5,
                                     &p, end))
        goto done;
    if (lws_finalize_write_http_header(wsi, start, &p, end))
        goto done;
    rc = 0;
done:
    free(buf);
    return rc;
}

/* Writes the next piece of the answer; returns -1 to close the connection. */
static int on_writeable(struct httpd *h, struct lws *wsi, struct httpd_conn *conn)
{
    struct httpd_req *req = conn->req;
    if (!req || req->state != REQ_ANSWERING)
        return 0;
    if (!req->headers_sent) {
        if (write_head(req, wsi))
            return -1;
        req->headers_sent = 1;
        if (req->head)
            req->rsent = req->rlen;
        if (req->rsent < req->rlen) {
            lws_callback_on_writable(wsi);
            return 0;
        }
    } else if (req->rsent < req->rlen) {
        size_t n = req->rlen - req->rsent;
        if (n > HTTPD_WRITE_CHUNK)
            n = HTTPD_WRITE_CHUNK;
        int last = req->rsent + n == req->rlen;
        memcpy(h->out + LWS_PRE, req->rbody + req->rsent, n);
        if (lws_write(wsi, h->out + LWS_PRE, n, last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) < 0)
            return -1;
        req->rsent += n;
        if (!last) {
            lws_callback_on_writable(wsi);
            return 0;
        }
    }
    int close_after = req->close_after;
    httpd_req_free(req); /* before lws may start the next request on this connection */
    if (close_after)
        return -1;
    return lws_http_transaction_completed(wsi) ? -1 : 0;
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

    switch (reason) {
    case LWS_CALLBACK_HTTP:
        return conn ? on_http(h, wsi, conn, in, len) : -1;
    case LWS_CALLBACK_HTTP_BODY:
        if (conn)
            on_body(conn, in, len);
        return 0;
    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
        if (conn)
            on_body_done(conn);
        return 0;
    case LWS_CALLBACK_HTTP_WRITEABLE:
        return conn ? on_writeable(h, wsi, conn) : 0;
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
