/* Tests for httpc against an httpd in the same process and loop: round trips with exact
 * bytes and headers, errors (refused, timeout, caps), cancel, many concurrent requests,
 * shutdown with requests in flight, Expect handling with plain libcurl, bad input. */
#include "dialtone/httpc.h"
#include "dialtone/httpd.h"
#include "dialtone/netloop.h"
#include "dialtone/util.h"
#include "check.h"
#include "net_helper.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the server --------------------------------------------------------------------------- */

struct server {
    struct netloop *loop;
    struct httpd *h;
    struct httpc *c;
    char base[64];
    struct netloop_timer *timers[64]; /* deferred answers still pending */
    struct httpd_req *held[64];
};

static void on_hello(struct httpd_req *req, void *user)
{
    (void)user;
    httpd_req_add_header(req, "X-Served-By", "dialtone");
    httpd_respond_str(req, 200, "text/plain", "hello, world\n");
}

static void on_echo(struct httpd_req *req, void *user)
{
    (void)user;
    size_t len;
    const char *body = httpd_req_body(req, &len);
    const char *sig = httpd_req_header(req, "X-Twilio-Signature");
    const char *auth = httpd_req_header(req, "Authorization");
    const char *expect = httpd_req_header(req, "Expect");
    const char *ctype = httpd_req_header(req, "Content-Type");
    httpd_req_add_header(req, "X-Sig", sig ? sig : "(none)");
    httpd_req_add_header(req, "X-Auth", auth ? auth : "(none)");
    httpd_req_add_header(req, "X-Expect", expect ? expect : "(none)");
    httpd_req_add_header(req, "X-Method", httpd_req_method(req));
    httpd_req_add_header(req, "X-Query", httpd_req_query(req));
    httpd_respond(req, 200, ctype ? ctype : "application/octet-stream", body, len);
}

static void on_big(struct httpd_req *req, void *user)
{
    (void)user;
    size_t n = 300 * 1000;
    char *b = xmalloc(n);
    memset(b, 'x', n);
    httpd_respond(req, 200, "application/octet-stream", b, n);
    free(b);
}

static void answer_later(struct netloop_timer *t, void *user)
{
    struct server *s = user;
    for (int i = 0; i < 64; i++) {
        if (s->timers[i] == t) {
            httpd_respond_str(s->held[i], 200, "text/plain", "late\n");
            s->timers[i] = NULL;
            s->held[i] = NULL;
        }
    }
    netloop_timer_free(t);
}

static void on_defer(struct httpd_req *req, void *user)
{
    struct server *s = user;
    int ms = atoi(httpd_req_query(req) + 3); /* "ms=N" */
    for (int i = 0; i < 64; i++) {
        if (!s->timers[i]) {
            s->held[i] = req;
            s->timers[i] = netloop_timer_new(s->loop, answer_later, s);
            netloop_timer_start(s->timers[i], (uint64_t)ms);
            httpd_defer(req);
            return;
        }
    }
    httpd_respond_str(req, 503, NULL, "too many deferred\n");
}

static const struct httpd_route routes[] = {
    {.method = "GET", .path = "/hello", .fn = on_hello},
    {.method = NULL, .path = "/echo", .fn = on_echo},
    {.method = "GET", .path = "/big", .fn = on_big},
    {.method = "GET", .path = "/defer", .fn = on_defer},
};

static const char *const custom[] = {"X-Twilio-Signature", NULL};

static int server_init(struct server *s, size_t server_cap, const struct httpc_options *copt)
{
    memset(s, 0, sizeof *s);
    char err[256] = "";
    s->loop = netloop_new(NULL, err, sizeof err);
    struct httpd_options opt = {.max_body = server_cap, .custom_headers = custom};
    s->h = s->loop ? httpd_new(s->loop, &opt, err, sizeof err) : NULL;
    s->c = s->h ? httpc_new(s->loop, copt, err, sizeof err) : NULL;
    if (!s->c) {
        printf("setup: %s\n", err);
        return -1;
    }
    snprintf(s->base, sizeof s->base, "http://127.0.0.1:%d", httpd_port(s->h));
    return httpd_add_routes(s->h, routes, sizeof routes / sizeof routes[0], s);
}

static void server_done(struct server *s)
{
    httpc_free(s->c);
    httpd_free(s->h); /* frees the held requests */
    for (int i = 0; i < 64; i++)
        netloop_timer_free(s->timers[i]);
    netloop_free(s->loop);
}

/* ---- one request at a time ---------------------------------------------------------------- */

struct result {
    struct netloop *loop;
    int calls;
    int code, status;
    char *error, *ctype, *body;
    size_t body_len;
    char *hdr[8];
    const char *want[8]; /* response headers to keep */
    uint64_t ms, start;
};

static void on_done(const struct httpc_response *res, void *arg)
{
    struct result *r = arg;
    r->calls++;
    r->code = res->code;
    r->status = res->status;
    r->error = res->error ? xstrdup(res->error) : NULL;
    r->ctype = xstrdup(res->content_type);
    r->body = xmalloc(res->body_len + 1);
    memcpy(r->body, res->body, res->body_len + 1);
    r->body_len = res->body_len;
    for (int i = 0; i < 8 && r->want[i]; i++) {
        const char *v = httpc_response_header(res, r->want[i]);
        r->hdr[i] = v ? xstrdup(v) : NULL;
    }
    r->ms = netloop_now_ms() - r->start;
    netloop_stop(r->loop);
}

static void result_done(struct result *r)
{
    free(r->error);
    free(r->ctype);
    free(r->body);
    for (int i = 0; i < 8; i++)
        free(r->hdr[i]);
}

/* Sends req and runs the loop until its callback ran. Returns httpc_send's result. */
static int roundtrip(struct server *s, struct httpc_request *req, struct result *r)
{
    r->loop = s->loop;
    r->start = netloop_now_ms();
    char err[256] = "";
    int rc = httpc_send(s->c, req, on_done, r, NULL, err, sizeof err);
    if (rc != DT_OK)
        return rc;
    struct netloop_timer *wd = netloop_timer_new(s->loop, net_watchdog_fire, s->loop);
    netloop_timer_start(wd, 15000);
    while (!r->calls && netloop_timer_pending(wd))
        netloop_run(s->loop);
    netloop_timer_free(wd);
    return DT_OK;
}

static char *url(struct server *s, const char *path)
{
    return xasprintf("%s%s", s->base, path);
}

TEST(get_round_trip)
{
    struct server s;
    CHECK_INT(server_init(&s, 0, NULL), 0);
    char *u = url(&s, "/hello");
    struct httpc_request req = {.url = u};
    struct result r = {.want = {"x-served-by", "Content-Length"}};
    CHECK_INT(roundtrip(&s, &req, &r), 0);
    CHECK_INT(r.calls, 1);
    CHECK_INT(r.code, 0);
    CHECK(r.error == NULL);
    CHECK_INT(r.status, 200);
    CHECK_STR(r.ctype, "text/plain");
    CHECK_STR(r.body, "hello, world\n");
    CHECK_STR(r.hdr[0], "dialtone");
    CHECK_STR(r.hdr[1], "13");
    CHECK_INT(httpc_pending(s.c), 0);
    result_done(&r);

    struct result nf = {0};
    free(u);
    u = url(&s, "/missing");
    req.url = u;
    CHECK_INT(roundtrip(&s, &req, &nf), 0);
    CHECK_INT(nf.code, 0); /* an HTTP error status is not a transfer error */
    CHECK_INT(nf.status, 404);
    CHECK_STR(nf.body, "not found\n");
    result_done(&nf);
    free(u);
    server_done(&s);
}

TEST(post_round_trip_exact_bytes_headers_and_auth)
{
    struct server s;
    CHECK_INT(server_init(&s, 0, NULL), 0);
    size_t n = 100 * 1000 + 3;
    char *body = xmalloc(n);
    for (size_t i = 0; i < n; i++)
        body[i] = (char)(i * 7 % 256); /* NULs and high bytes included */
    char *u = url(&s, "/echo?CallSid=CA1&x=a%20b");
    static const struct httpc_header hdrs[] = {
        {.name = "Content-Type", .value = "application/x-www-form-urlencoded"},
        {.name = "X-Twilio-Signature", .value = "sig+/="},
    };
    struct httpc_request req = {.url = u,
                                .headers = hdrs,
                                .nheaders = 2,
                                .body = body,
                                .body_len = n,
                                .user = "AC123",
                                .password = "s3cret"};
    struct result r = {.want = {"X-Sig", "X-Auth", "X-Expect", "X-Method", "X-Query"}};
    CHECK_INT(roundtrip(&s, &req, &r), 0);
    CHECK_INT(r.code, 0);
    CHECK_INT(r.status, 200);
    CHECK_STR(r.ctype, "application/x-www-form-urlencoded");
    CHECK_INT(r.body_len, n);
    if (r.body_len == n)
        CHECK_MEM(r.body, body, n);
    CHECK_STR(r.hdr[0], "sig+/=");
    CHECK_STR(r.hdr[1], "Basic QUMxMjM6czNjcmV0"); /* base64("AC123:s3cret") */
    CHECK_STR(r.hdr[2], "(none)");                 /* no Expect: 100-continue from httpc */
    CHECK_STR(r.hdr[3], "POST");
    CHECK_STR(r.hdr[4], "CallSid=CA1&x=a%20b");
    result_done(&r);

    static const char *const methods[] = {"PUT", "PATCH", "DELETE"};
    for (int i = 0; i < 3; i++) {
        struct httpc_request m = {.url = u, .method = methods[i], .body = "k=v", .body_len = 3};
        struct result mr = {.want = {"X-Method"}};
        CHECK_INT(roundtrip(&s, &m, &mr), 0);
        CHECK_STR(mr.hdr[0], methods[i]);
        CHECK_STR(mr.body, "k=v");
        result_done(&mr);
    }
    free(u);
    free(body);
    server_done(&s);
}

/* ---- errors ------------------------------------------------------------------------------- */

TEST(connection_refused_and_timeout)
{
    struct server s;
    CHECK_INT(server_init(&s, 0, NULL), 0);
    char *u = xasprintf("http://127.0.0.1:%d/", net_free_port());
    struct httpc_request req = {.url = u};
    struct result r = {0};
    CHECK_INT(roundtrip(&s, &req, &r), 0);
    CHECK_INT(r.calls, 1);
    CHECK_INT(r.code, DT_EIO);
    CHECK_INT(r.status, 0);
    CHECK(r.error && r.error[0]);
    result_done(&r);
    free(u);

    u = url(&s, "/defer?ms=2000");
    struct httpc_request slow = {.url = u, .timeout_ms = 200};
    struct result t = {0};
    CHECK_INT(roundtrip(&s, &slow, &t), 0);
    CHECK_INT(t.code, DT_EIO);
    CHECK(t.error && strstr(t.error, "timed out"));
    CHECK(t.ms >= 200);
    result_done(&t);
    free(u);
    server_done(&s);
}

TEST(caps_on_both_sides)
{
    struct httpc_options copt = {.max_body = 1000};
    struct server s;
    CHECK_INT(server_init(&s, 4096, &copt), 0);
    char *u = url(&s, "/big");
    struct httpc_request req = {.url = u};
    struct result r = {0};
    CHECK_INT(roundtrip(&s, &req, &r), 0);
    CHECK_INT(r.code, DT_ETOOBIG);
    CHECK(r.error != NULL);
    result_done(&r);
    free(u);

    /* the server's cap: 413, then the same client and server go on */
    char big[5000];
    memset(big, 'b', sizeof big);
    u = url(&s, "/echo");
    struct httpc_request post = {.url = u, .body = big, .body_len = sizeof big};
    struct result p = {0};
    CHECK_INT(roundtrip(&s, &post, &p), 0);
    CHECK_INT(p.code, 0);
    CHECK_INT(p.status, 413);
    result_done(&p);
    post.body_len = 1000; /* within both caps */
    struct result ok = {0};
    CHECK_INT(roundtrip(&s, &post, &ok), 0);
    CHECK_INT(ok.code, 0);
    CHECK_INT(ok.status, 200);
    CHECK_INT(ok.body_len, 1000);
    result_done(&ok);
    free(u);
    server_done(&s);
}

TEST(bad_requests_are_refused_before_sending)
{
    struct server s;
    CHECK_INT(server_init(&s, 0, NULL), 0);
    struct result r = {0};
    char err[128];
    static const char *const bad_urls[] = {"ftp://127.0.0.1/", "http://a b/", "not a url",
                                           "file:///etc/passwd", "http://x/\r\nX: y"};
    for (size_t i = 0; i < sizeof bad_urls / sizeof bad_urls[0]; i++) {
        struct httpc_request req = {.url = bad_urls[i]};
        CHECK_INT(httpc_send(s.c, &req, on_done, &r, NULL, err, sizeof err), DT_EINVAL);
    }
    char *u = url(&s, "/hello");
    struct httpc_header bad_name[] = {{.name = "X Bad", .value = "1"}};
    struct httpc_header bad_value[] = {{.name = "X-Ok", .value = "a\r\nInjected: 1"}};
    struct httpc_request req = {.url = u, .headers = bad_name, .nheaders = 1};
    CHECK_INT(httpc_send(s.c, &req, on_done, &r, NULL, err, sizeof err), DT_EINVAL);
    req.headers = bad_value;
    CHECK_INT(httpc_send(s.c, &req, on_done, &r, NULL, err, sizeof err), DT_EINVAL);
    struct httpc_request m = {.url = u, .method = "GE T"};
    CHECK_INT(httpc_send(s.c, &m, on_done, &r, NULL, err, sizeof err), DT_EINVAL);
    CHECK_INT(httpc_pending(s.c), 0);
    CHECK_INT(r.calls, 0);
    free(u);
    server_done(&s);
}

struct offthread {
    struct server *s;
    int rc;
};

static void send_from_thread(void *arg)
{
    struct offthread *o = arg;
    struct httpc_request req = {.url = "http://127.0.0.1:1/"};
    struct result r = {0};
    o->rc = httpc_send(o->s->c, &req, on_done, &r, NULL, NULL, 0);
}

TEST(send_off_the_loop_thread_is_refused)
{
    struct server s;
    CHECK_INT(server_init(&s, 0, NULL), 0);
    struct offthread o = {.s = &s};
    CHECK(net_run_client(s.loop, send_from_thread, &o, 5000));
    CHECK_INT(o.rc, DT_ESTATE);
    server_done(&s);
}

/* ---- cancel, many, shutdown --------------------------------------------------------------- */

static void stop_loop(struct netloop_timer *t, void *loop)
{
    (void)t;
    netloop_stop(loop);
}

static void cancel_later(struct netloop_timer *t, void *arg)
{
    (void)t;
    void **pair = arg; /* the client, the call */
    httpc_cancel(pair[0], pair[1]);
}

TEST(cancelled_requests_never_call_back)
{
    struct server s;
    CHECK_INT(server_init(&s, 0, NULL), 0);
    char *u = url(&s, "/defer?ms=300");
    struct httpc_request req = {.url = u};
    struct result r = {.loop = s.loop};
    struct httpc_call *queued = NULL, *active = NULL;
    CHECK_INT(httpc_send(s.c, &req, on_done, &r, &queued, NULL, 0), 0);
    CHECK_INT(httpc_send(s.c, &req, on_done, &r, &active, NULL, 0), 0);
    CHECK_INT(httpc_pending(s.c), 2);
    httpc_cancel(s.c, queued); /* most likely still queued */
    CHECK_INT(httpc_pending(s.c), 1);
    void *pair[2] = {s.c, active};
    struct netloop_timer *c = netloop_timer_new(s.loop, cancel_later, pair);
    netloop_timer_start(c, 100); /* in flight by then */
    struct netloop_timer *end = netloop_timer_new(s.loop, stop_loop, s.loop);
    netloop_timer_start(end, 700);
    netloop_run(s.loop);
    CHECK_INT(r.calls, 0);
    CHECK_INT(httpc_pending(s.c), 0);
    httpc_cancel(s.c, NULL);
    netloop_timer_free(c);
    netloop_timer_free(end);
    free(u);
    server_done(&s);
}

/* 2,000 at once where the descriptor limit allows (each takes one on each side), else 500 */
enum { MANY = 2000, FEWER = 500 };

struct many {
    struct netloop *loop;
    int n, done, ok, wrong;
    char bodies[MANY][24];
};

struct many_arg {
    struct many *m;
    int i;
};

static void on_many(const struct httpc_response *res, void *arg)
{
    struct many_arg *a = arg;
    struct many *m = a->m;
    if (res->code == 0 && res->status == 200 && res->body_len == strlen(m->bodies[a->i]) &&
        memcmp(res->body, m->bodies[a->i], res->body_len) == 0)
        m->ok++;
    else
        m->wrong++;
    if (++m->done == m->n)
        netloop_stop(m->loop);
}

TEST(thousands_of_concurrent_requests)
{
    struct server s;
    CHECK_INT(server_init(&s, 0, NULL), 0);
    struct many *m = xcalloc(1, sizeof *m);
    struct many_arg *args = xcalloc(MANY, sizeof *args);
    m->loop = s.loop;
    struct rlimit rl;
    m->n = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur >= 2 * MANY + 256 ? MANY : FEWER;
    char *u = url(&s, "/echo");
    for (int i = 0; i < m->n; i++) {
        snprintf(m->bodies[i], sizeof m->bodies[i], "body-%d", i);
        args[i] = (struct many_arg){.m = m, .i = i};
        struct httpc_request req = {
            .url = u, .body = m->bodies[i], .body_len = strlen(m->bodies[i])};
        CHECK_INT(httpc_send(s.c, &req, on_many, &args[i], NULL, NULL, 0), 0);
    }
    CHECK_INT(httpc_pending(s.c), m->n);
    struct netloop_timer *wd = netloop_timer_new(s.loop, stop_loop, s.loop);
    netloop_timer_start(wd, 60000);
    netloop_run(s.loop);
    CHECK_INT(m->done, m->n);
    CHECK_INT(m->ok, m->n);
    CHECK_INT(m->wrong, 0);
    CHECK_INT(httpc_pending(s.c), 0);
    netloop_timer_free(wd);
    free(u);
    free(args);
    free(m);
    server_done(&s);
}

struct shut {
    int calls, estate;
};

static void on_shut(const struct httpc_response *res, void *arg)
{
    struct shut *sh = arg;
    sh->calls++;
    if (res->code == DT_ESTATE && res->error)
        sh->estate++;
}

TEST(shutdown_completes_everything_in_flight)
{
    struct server s;
    CHECK_INT(server_init(&s, 0, NULL), 0);
    char *u = url(&s, "/defer?ms=5000");
    struct shut sh = {0};
    for (int i = 0; i < 20; i++) {
        struct httpc_request req = {.url = u};
        CHECK_INT(httpc_send(s.c, &req, on_shut, &sh, NULL, NULL, 0), 0);
    }
    struct netloop_timer *t = netloop_timer_new(s.loop, stop_loop, s.loop);
    netloop_timer_start(t, 200); /* let them reach the server */
    netloop_run(s.loop);
    netloop_timer_free(t);
    CHECK_INT(sh.calls, 0);
    httpc_free(s.c);
    s.c = NULL;
    CHECK_INT(sh.calls, 20);
    CHECK_INT(sh.estate, 20);
    free(u);
    server_done(&s);
}

/* ---- Expect: 100-continue from plain libcurl ---------------------------------------------- */

struct curl_probe {
    const char *url;
    size_t len;
    long status;
    double secs;
    struct dt_buf got;
};

static size_t probe_write(char *p, size_t size, size_t n, void *user)
{
    dt_buf_append(user, p, size * n);
    return size * n;
}

static void curl_probe_run(void *arg)
{
    struct curl_probe *p = arg;
    char *body = xmalloc(p->len);
    memset(body, 'e', p->len);
    CURL *e = curl_easy_init();
    curl_easy_setopt(e, CURLOPT_URL, p->url);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)p->len);
    /* curl adds Expect: 100-continue to bodies over 1 KiB; if the server never answered
     * it, curl would wait this long before sending the body anyway */
    curl_easy_setopt(e, CURLOPT_EXPECT_100_TIMEOUT_MS, 10000L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 20000L);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, probe_write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &p->got);
    if (curl_easy_perform(e) == CURLE_OK) {
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &p->status);
        curl_easy_getinfo(e, CURLINFO_TOTAL_TIME, &p->secs);
    }
    curl_easy_cleanup(e);
    free(body);
}

TEST(plain_curl_with_expect_does_not_wait)
{
    struct server s;
    CHECK_INT(server_init(&s, 4096, NULL), 0); /* also initialises curl */
    char *u = url(&s, "/echo");
    struct curl_probe p = {.url = u, .len = 2048};
    dt_buf_init(&p.got);
    CHECK(net_run_client(s.loop, curl_probe_run, &p, 30000));
    CHECK_INT(p.status, 200);
    CHECK_INT(p.got.len, 2048);
    CHECK(p.secs < 5.0); /* far below the 10 s curl would wait without a 100 Continue */
    dt_buf_done(&p.got);

    struct curl_probe big = {.url = u, .len = 100000};
    dt_buf_init(&big.got);
    CHECK(net_run_client(s.loop, curl_probe_run, &big, 30000));
    CHECK_INT(big.status, 413);
    CHECK(big.secs < 5.0);
    dt_buf_done(&big.got);

    /* httpc with an explicit Expect header gets the same treatment */
    static const struct httpc_header ex[] = {{.name = "Expect", .value = "100-continue"}};
    char body[3000];
    memset(body, 'q', sizeof body);
    struct httpc_request req = {
        .url = u, .headers = ex, .nheaders = 1, .body = body, .body_len = sizeof body};
    struct result r = {.want = {"X-Expect"}};
    CHECK_INT(roundtrip(&s, &req, &r), 0);
    CHECK_INT(r.status, 200);
    CHECK_STR(r.hdr[0], "100-continue");
    CHECK_INT(r.body_len, sizeof body);
    CHECK(r.ms < 5000);
    result_done(&r);
    free(u);
    server_done(&s);
}

int main(void)
{
    net_raise_fd_limit();
    RUN(get_round_trip);
    RUN(post_round_trip_exact_bytes_headers_and_auth);
    RUN(connection_refused_and_timeout);
    RUN(caps_on_both_sides);
    RUN(bad_requests_are_refused_before_sending);
    RUN(send_off_the_loop_thread_is_refused);
    RUN(cancelled_requests_never_call_back);
    RUN(thousands_of_concurrent_requests);
    RUN(shutdown_completes_everything_in_flight);
    RUN(plain_curl_with_expect_does_not_wait);
    return check_done();
}
