/*
 * httpd requests: what a handler reads and how it answers. See dialtone/httpd.h; the lws side
 * (reading bodies, writing answers, connection life) is in httpd.c.
 *
 * A request is created in LWS_CALLBACK_HTTP and copies everything it needs out of lws there,
 * since lws frees its header storage when the transaction ends. It lives until its answer is
 * written or its connection closes, except a deferred one, which the client's going away only
 * detaches (wsi and conn NULL): its holder's httpd_respond frees it.
 */
#include "httpd_int.h"

#include "dialtone/log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

static const struct {
    enum lws_token_indexes tok;
    const char *name;
} methods[] = {
    {.tok = WSI_TOKEN_GET_URI, .name = "GET"},
    {.tok = WSI_TOKEN_POST_URI, .name = "POST"},
    {.tok = WSI_TOKEN_PUT_URI, .name = "PUT"},
    {.tok = WSI_TOKEN_PATCH_URI, .name = "PATCH"},
    {.tok = WSI_TOKEN_DELETE_URI, .name = "DELETE"},
    {.tok = WSI_TOKEN_OPTIONS_URI, .name = "OPTIONS"},
    {.tok = WSI_TOKEN_HEAD_URI, .name = "HEAD"},
};

/* Headers the server writes itself; a handler may not add them. */
static const char *const reserved_headers[] = {"content-length", "connection", "transfer-encoding"};

struct httpd_req *httpd_req_new(struct httpd *h, struct lws *wsi, struct httpd_conn *conn)
{
    struct httpd_req *req = xcalloc(1, sizeof *req);
    req->h = h;
    req->wsi = wsi;
    req->conn = conn;
    req->method = "GET";
    dt_buf_init(&req->body);
    req->next = h->reqs;
    if (h->reqs)
        h->reqs->prev = req;
    h->reqs = req;
    if (conn) /* NULL for an upgrade request: lws has no per-session data for it yet */
        conn->req = req;
    return req;
}

void httpd_req_free(struct httpd_req *req)
{
    struct httpd *h = req->h;
    if (req->prev)
        req->prev->next = req->next;
    else
        h->reqs = req->next;
    if (req->next)
        req->next->prev = req->prev;
    if (req->conn && req->conn->req == req)
        req->conn->req = NULL;
    free(req->path);
    free(req->query);
    for (size_t i = 0; i < req->nheaders; i++) {
        free(req->headers[i].name);
        free(req->headers[i].value);
    }
    free(req->headers);
    dt_buf_done(&req->body);
    free(req->ctype);
    for (size_t i = 0; i < req->nout; i++) {
        free(req->out[i].name);
        free(req->out[i].value);
    }
    free(req->rbody);
    free(req);
}

/* ---- reading the head --------------------------------------------------------------------- */

static int is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

static void encode_into(struct dt_buf *out, const char *s, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_unreserved(c)) {
            dt_buf_putc(out, (char)c);
        } else {
            char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
            dt_buf_append(out, esc, 3);
        }
    }
}

void httpd_query_append(struct dt_buf *out, const char *fragment, size_t len)
{
    if (out->len > 0)
        dt_buf_putc(out, '&');
    const char *eq = memchr(fragment, '=', len);
    if (!eq) {
        encode_into(out, fragment, len);
        return;
    }
    encode_into(out, fragment, (size_t)(eq - fragment));
    dt_buf_putc(out, '=');
    encode_into(out, eq + 1, len - (size_t)(eq - fragment) - 1);
}

static void read_query(struct httpd_req *req, struct lws *wsi)
{
    struct dt_buf q;
    dt_buf_init(&q);
    dt_buf_puts(&q, "");
    for (int i = 0;; i++) {
        int flen = lws_hdr_fragment_length(wsi, WSI_TOKEN_HTTP_URI_ARGS, i);
        if (flen <= 0)
            break;
        char *frag = xmalloc((size_t)flen + 1);
        int n = lws_hdr_copy_fragment(wsi, frag, flen + 1, WSI_TOKEN_HTTP_URI_ARGS, i);
        if (n > 0)
            httpd_query_append(&q, frag, (size_t)n);
        free(frag);
    }
    req->query = dt_buf_take(&q);
}

static void add_header(struct httpd_req *req, const char *name, size_t namelen, char *value)
{
    req->headers = xrealloc(req->headers, (req->nheaders + 1) * sizeof *req->headers);
    req->headers[req->nheaders].name = xstrndup(name, namelen);
    req->headers[req->nheaders].value = value;
    req->nheaders++;
}

void httpd_req_tokens(struct httpd *h)
{
    h->ntokens = 0;
    for (int t = 0; t < WSI_TOKEN_COUNT; t++) {
        const char *name = (const char *)lws_token_to_string((enum lws_token_indexes)t);
        size_t nlen = name ? strlen(name) : 0;
        /* header tokens read "name:"; methods, versions and pseudo-headers do not */
        if (nlen < 2 || name[0] == ':' || name[nlen - 1] != ':')
            continue;
        h->tokens[h->ntokens++] = (struct httpd_token){.tok = t, .name = name, .namelen = nlen - 1};
    }
}

static void read_headers(struct httpd_req *req, struct lws *wsi)
{
    for (size_t i = 0; i < req->h->ntokens; i++) {
        const struct httpd_token *k = &req->h->tokens[i];
        int len = lws_hdr_total_length(wsi, (enum lws_token_indexes)k->tok);
        if (len <= 0)
            continue;
        char *value = xmalloc((size_t)len + 1);
        if (lws_hdr_copy(wsi, value, len + 1, (enum lws_token_indexes)k->tok) < 0) {
            free(value);
            continue;
        }
        add_header(req, k->name, k->namelen, value);
    }
    for (size_t i = 0; i < req->h->ncustom; i++) {
        const char *name = req->h->custom[i];
        int nlen = (int)strlen(name);
        int len = lws_hdr_custom_length(wsi, name, nlen);
        if (len < 0)
            continue;
        char *value = xmalloc((size_t)len + 1);
        if (lws_hdr_custom_copy(wsi, value, len + 1, name, nlen) < 0) {
            free(value);
            continue;
        }
        add_header(req, name, (size_t)nlen - 1, value);
    }
}

int httpd_req_read_head(struct httpd_req *req, const char *uri, size_t urilen)
{
    struct lws *wsi = req->wsi;
    size_t m;
    for (m = 0; m < sizeof methods / sizeof methods[0]; m++)
        if (lws_hdr_total_length(wsi, methods[m].tok) > 0)
            break;
    if (m == sizeof methods / sizeof methods[0])
        return 501;
    req->method = methods[m].name;
    req->head = methods[m].tok == WSI_TOKEN_HEAD_URI;
    if (!uri || strnlen(uri, urilen) != urilen || urilen == 0 || uri[0] != '/')
        return 400;
    req->path = xstrndup(uri, urilen);
    read_query(req, wsi);
    read_headers(req, wsi);
    struct httpd_link *link = lws_get_opaque_user_data(wsi);
    dt_strlcpy(req->remote, link ? link->remote : "", sizeof req->remote);
    return 0;
}

/* ---- accessors ---------------------------------------------------------------------------- */

const char *httpd_req_method(const struct httpd_req *req)
{
    return req->method;
}

const char *httpd_req_path(const struct httpd_req *req)
{
    return req->path;
}

const char *httpd_req_query(const struct httpd_req *req)
{
    return req->query;
}

const char *httpd_req_header(const struct httpd_req *req, const char *name)
{
    for (size_t i = 0; i < req->nheaders; i++)
        if (strcasecmp(req->headers[i].name, name) == 0)
            return req->headers[i].value;
    return NULL;
}

const char *httpd_req_remote(const struct httpd_req *req)
{
    return req->remote;
}

const char *httpd_req_body(const struct httpd_req *req, size_t *len)
{
    if (len)
        *len = req->body.len;
    return req->body.data ? req->body.data : "";
}

/* Input is held while a request waits, so lws cannot see the client leave: look. */
static int peer_closed(struct lws *wsi)
{
    char c;
    ssize_t n = recv(lws_get_socket_fd(wsi), &c, 1, MSG_PEEK | MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Whether an answer should first look whether the client left: not for a request deferred
 * less than HTTPD_LOOK_AFTER_MS ago (a batch of webhooks answered after their commit), where
 * the look, a system call per answer, would cost more than the write that a departed client
 * only makes fail. */
#define HTTPD_LOOK_AFTER_MS 10
static int worth_looking(const struct httpd_req *req)
{
    return mono_ms() - req->deferred_at_ms >= HTTPD_LOOK_AFTER_MS;
}

int httpd_req_gone(const struct httpd_req *req)
{
    return req->wsi == NULL || peer_closed(req->wsi);
}

/* ---- answering ---------------------------------------------------------------------------- */

static int is_token(const char *s)
{
    static const char extra[] = "!#$%&'*+-.^_`|~";
    if (!*s)
        return 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              (c && strchr(extra, c))))
            return 0;
    }
    return 1;
}

/* A field value: visible bytes, spaces and tabs; no other control byte (CR and LF would end
 * the header, the others are not HTTP). */
static int is_header_value(const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return 0;
    }
    return 1;
}

int httpd_req_add_header(struct httpd_req *req, const char *name, const char *value)
{
    if (!name || !value || !is_token(name) || !is_header_value(value))
        return DT_EINVAL;
    for (size_t i = 0; i < sizeof reserved_headers / sizeof reserved_headers[0]; i++)
        if (strcasecmp(name, reserved_headers[i]) == 0)
            return DT_EINVAL;
    if (req->nout == HTTPD_MAX_RESPONSE_HEADERS)
        return DT_ETOOBIG;
    req->out[req->nout].name = xasprintf("%s:", name);
    req->out[req->nout].value = xstrdup(value);
    req->nout++;
    return DT_OK;
}

void httpd_req_answer(struct httpd_req *req, int status, const char *ctype, const void *body,
                      size_t len, int close_after)
{
    if (status == 204 || status == 304)
        len = 0;
    req->state = REQ_ANSWERING;
    req->status = status;
    free(req->ctype);
    req->ctype = xstrdup(ctype ? ctype : "text/plain");
    free(req->rbody);
    req->rbody = xmalloc(len + 1);
    if (len)
        memcpy(req->rbody, body, len);
    req->rlen = len;
    req->close_after = req->close_after || close_after;
}

void httpd_req_fail(struct httpd_req *req, int status, const char *text, int close_after)
{
    httpd_req_answer(req, status, "text/plain; charset=utf-8", text, strlen(text), close_after);
}

int httpd_respond(struct httpd_req *req, int status, const char *content_type, const void *body,
                  size_t len)
{
    if (!req->wsi) {
        httpd_req_free(req);
        return DT_ESTATE;
    }
    if (req->state == REQ_DEFERRED && worth_looking(req) && peer_closed(req->wsi)) {
        struct lws *wsi = req->wsi;
        httpd_req_free(req);
        lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
        return DT_ESTATE;
    }
    if (status < 200 || status > 599 || (content_type && !is_header_value(content_type)) ||
        (len && !body)) {
        log_error("httpd: %s %s: handler answered with a bad status, type or body", req->method,
                  req->path);
        int deferred = req->state == REQ_DEFERRED;
        httpd_req_fail(req, 500, "internal error\n", 0);
        if (deferred)
            lws_callback_on_writable(req->wsi);
        return DT_EINVAL;
    }
    int deferred = req->state == REQ_DEFERRED;
    httpd_req_answer(req, status, content_type, body, len, 0);
    if (deferred) /* else the handler is running: the answer goes when it returns */
        lws_callback_on_writable(req->wsi);
    return DT_OK;
}

int httpd_respond_str(struct httpd_req *req, int status, const char *content_type, const char *body)
{
    return httpd_respond(req, status, content_type, body, body ? strlen(body) : 0);
}

void httpd_defer(struct httpd_req *req)
{
    if (req->state == REQ_HANDLING) {
        req->state = REQ_DEFERRED;
        req->deferred = 1;
        req->deferred_at_ms = mono_ms();
    }
}
