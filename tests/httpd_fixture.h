/*
 * httpd_fixture: the test server the httpd tests share: a loop and an httpd on a free port
 * with a small route table (hello, echo that reflects what it read, a silent handler, a big
 * answer, deferred answers from timers), and a raw exchange run on a client thread.
 */
#ifndef DIALTONE_HTTPD_FIXTURE_H
#define DIALTONE_HTTPD_FIXTURE_H

#include "dialtone/httpd.h"
#include "dialtone/netloop.h"
#include "dialtone/util.h"
#include "net_helper.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fixture {
    struct netloop *loop;
    struct httpd *h;
    int port;
    int gone_answers; /* deferred answers that found the client gone */
    int deferred_done;
    struct deferred *pending[16]; /* deferred requests not answered yet */
};

struct deferred {
    struct fixture *fx;
    struct httpd_req *req;
    struct netloop_timer *t;
};

static inline void on_hello(struct httpd_req *req, void *user)
{
    (void)user;
    /* values with control bytes are refused (neither goes out); a tab is a value's own */
    httpd_req_add_header(req, "X-Ctl",
                         "a\x01"
                         "b");
    httpd_req_add_header(req, "X-Del",
                         "a\x7f"
                         "b");
    httpd_req_add_header(req, "X-Tab", "a\tb");
    httpd_req_add_header(req, "X-Served-By", "dialtone");
    httpd_respond_str(req, 200, "text/plain", "hello, world\n");
}

static inline void on_echo(struct httpd_req *req, void *user)
{
    (void)user;
    size_t len;
    const char *body = httpd_req_body(req, &len);
    const char *sig = httpd_req_header(req, "X-Twilio-Signature");
    const char *auth = httpd_req_header(req, "authorization");
    httpd_req_add_header(req, "X-Sig", sig ? sig : "(none)");
    httpd_req_add_header(req, "X-Auth", auth ? auth : "(none)");
    httpd_req_add_header(req, "X-Query", httpd_req_query(req));
    httpd_req_add_header(req, "X-Method", httpd_req_method(req));
    httpd_req_add_header(req, "X-Path", httpd_req_path(req));
    httpd_req_add_header(req, "X-Remote", httpd_req_remote(req));
    const char *expect = httpd_req_header(req, "expect");
    httpd_req_add_header(req, "X-Expect", expect ? expect : "(none)");
    const char *ctype = httpd_req_header(req, "content-type");
    httpd_respond(req, 200, ctype ? ctype : "application/octet-stream", body, len);
}

static inline void on_silent(struct httpd_req *req, void *user)
{
    (void)req;
    (void)user; /* neither answers nor defers */
}

static inline void on_big(struct httpd_req *req, void *user)
{
    (void)user;
    size_t n = 300 * 1000 + 7;
    char *b = xmalloc(n);
    for (size_t i = 0; i < n; i++)
        b[i] = (char)('a' + i % 26);
    httpd_respond(req, 200, "application/octet-stream", b, n);
    free(b);
}

static inline void forget(struct deferred *d)
{
    struct fixture *fx = d->fx;
    for (int i = 0; i < 16; i++)
        if (fx->pending[i] == d)
            fx->pending[i] = NULL;
    netloop_timer_free(d->t);
    free(d);
}

static inline void answer_later(struct netloop_timer *t, void *user)
{
    (void)t;
    struct deferred *d = user;
    if (httpd_req_gone(d->req))
        d->fx->gone_answers++;
    if (httpd_respond_str(d->req, 200, "text/plain", "deferred\n") == DT_ESTATE)
        d->fx->gone_answers += 100;
    d->fx->deferred_done++;
    forget(d);
}

static inline void on_defer(struct httpd_req *req, void *user)
{
    struct deferred *d = xcalloc(1, sizeof *d);
    d->fx = user;
    d->req = req;
    int ms = atoi(httpd_req_query(req) + (strncmp(httpd_req_query(req), "ms=", 3) ? 0 : 3));
    for (int i = 0; i < 16; i++) {
        if (!d->fx->pending[i]) {
            d->fx->pending[i] = d;
            break;
        }
    }
    d->t = netloop_timer_new(d->fx->loop, answer_later, d);
    netloop_timer_start(d->t, (uint64_t)ms);
    httpd_defer(req);
}

static const struct httpd_route fixture_routes[] = {
    {.method = "GET", .path = "/hello", .fn = on_hello},
    {.method = "POST", .path = "/echo", .fn = on_echo},
    {.method = "PUT", .path = "/echo", .fn = on_echo},
    {.method = "DELETE", .path = "/echo", .fn = on_echo},
    {.method = "GET", .path = "/silent", .fn = on_silent},
    {.method = "GET", .path = "/big", .fn = on_big},
    {.method = NULL, .path = "/defer", .fn = on_defer},
    {.method = "GET", .path = "/files/", .prefix = 1, .fn = on_echo},
};

static const char *const custom[] = {"X-Twilio-Signature", NULL};

static inline int fixture_init(struct fixture *fx, size_t max_body)
{
    memset(fx, 0, sizeof *fx);
    char err[256] = "";
    fx->loop = netloop_new(NULL, err, sizeof err);
    if (!fx->loop)
        return -1;
    struct httpd_options opt = {.port = 0, .max_body = max_body, .custom_headers = custom};
    fx->h = httpd_new(fx->loop, &opt, err, sizeof err);
    if (!fx->h) {
        printf("httpd_new: %s\n", err);
        return -1;
    }
    fx->port = httpd_port(fx->h);
    return httpd_add_routes(fx->h, fixture_routes, sizeof fixture_routes / sizeof fixture_routes[0],
                            fx);
}

static inline void fixture_done(struct fixture *fx)
{
    httpd_free(fx->h); /* frees unanswered requests: their holders must let them be */
    for (int i = 0; i < 16; i++)
        if (fx->pending[i])
            forget(fx->pending[i]);
    netloop_free(fx->loop);
}

/* One raw exchange on its own connection: send req (and body after a 100 Continue when
 * asked), read `responses` responses. */
struct exchange {
    int port;
    const char *req;
    size_t reqlen; /* 0: strlen(req) */
    const char *after_continue;
    int responses;
    int timeout_ms;
    struct dt_buf out;
    int rc;
    uint64_t ms;
};

static inline void exchange_run(void *arg)
{
    struct exchange *x = arg;
    uint64_t start = netloop_now_ms();
    int fd = raw_connect("127.0.0.1", x->port);
    x->rc = -2;
    if (fd < 0)
        return;
    raw_send(fd, x->req, x->reqlen ? x->reqlen : strlen(x->req));
    if (x->after_continue) {
        x->rc = raw_read(fd, &x->out, 1, x->timeout_ms);
        if (x->rc == 1 && strncmp(x->out.data, "HTTP/1.1 100 Continue\r\n\r\n", 25) == 0)
            raw_send_str(fd, x->after_continue);
    }
    x->rc = raw_read(fd, &x->out, x->responses, x->timeout_ms);
    x->ms = netloop_now_ms() - start;
    close(fd);
}

static inline int exchange(struct fixture *fx, struct exchange *x)
{
    x->port = fx->port;
    if (!x->responses)
        x->responses = 1;
    if (!x->timeout_ms)
        x->timeout_ms = 3000;
    dt_buf_init(&x->out);
    return net_run_client(fx->loop, exchange_run, x, 10000);
}

static inline int has(const struct dt_buf *b, const char *s)
{
    return b->data && strstr(b->data, s) != NULL;
}

#endif
