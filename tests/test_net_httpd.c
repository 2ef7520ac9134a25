/* Tests for httpd, through raw sockets: exact bytes, headers, keep-alive, routing, the body
 * cap, chunked and Expect requests, deferred answers (also to clients that left). */
#include "dialtone/httpd.h"
#include "dialtone/netloop.h"
#include "dialtone/util.h"
#include "check.h"
#include "httpd_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- round trips -------------------------------------------------------------------------- */

TEST(get_exact_bytes)
{
    struct fixture fx;
    CHECK_INT(fixture_init(&fx, 0), 0);
    CHECK(fx.port > 0);
    struct exchange x = {.req = "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n"};
    CHECK(exchange(&fx, &x));
    CHECK_INT(x.rc, 1);
    CHECK(strncmp(x.out.data, "HTTP/1.1 200 OK\r\n", 17) == 0);
    CHECK(has(&x.out, "\r\ncontent-type: text/plain\r\n"));
    CHECK(has(&x.out, "\r\ncontent-length: 13\r\n"));
    CHECK(has(&x.out, "\r\nX-Served-By: dialtone\r\n"));
    CHECK(!has(&x.out, "X-Ctl") && !has(&x.out, "X-Del"));
    CHECK(has(&x.out, "\r\nX-Tab: a\tb\r\n"));
    CHECK_STR(raw_body(&x.out), "hello, world\n");
    dt_buf_done(&x.out);
    fixture_done(&fx);
}

TEST(post_echo_headers_query_and_binary_body)
{
    struct fixture fx;
    CHECK_INT(fixture_init(&fx, 0), 0);
    static const char req[] = "POST /echo?b=2&a=%26x+y&c HTTP/1.1\r\nHost: t\r\n"
                              "Content-Type: application/x-www-form-urlencoded\r\n"
                              "X-Twilio-Signature: abc+/def=\r\n"
                              "Authorization: Basic Zm9vOmJhcg==\r\n"
                              "Content-Length: 9\r\n\r\nA=1\0B=2\0!";
    struct exchange x = {.req = req, .reqlen = sizeof req - 1};
    CHECK(exchange(&fx, &x));
    CHECK_INT(x.rc, 1);
    CHECK(strncmp(x.out.data, "HTTP/1.1 200 OK\r\n", 17) == 0);
    CHECK(has(&x.out, "\r\ncontent-type: application/x-www-form-urlencoded\r\n"));
    CHECK(has(&x.out, "\r\nX-Sig: abc+/def=\r\n"));
    CHECK(has(&x.out, "\r\nX-Auth: Basic Zm9vOmJhcg==\r\n"));
    CHECK(has(&x.out, "\r\nX-Query: b=2&a=%26x%20y&c\r\n"));
    CHECK(has(&x.out, "\r\nX-Method: POST\r\n"));
    CHECK(has(&x.out, "\r\nX-Remote: 127.0.0.1\r\n"));
    CHECK(has(&x.out, "\r\nX-Expect: (none)\r\n"));
    CHECK(has(&x.out, "\r\ncontent-length: 9\r\n"));
    const char *body = raw_body(&x.out);
    CHECK(x.out.len >= 9 && (size_t)(x.out.data + x.out.len - body) == 9);
    if (x.out.len >= 9 && (size_t)(x.out.data + x.out.len - body) == 9)
        CHECK_MEM(body, "A=1\0B=2\0!", 9);
    dt_buf_done(&x.out);
    fixture_done(&fx);
}

TEST(headers_not_listed_read_as_absent)
{
    struct fixture fx;
    CHECK_INT(fixture_init(&fx, 0), 0);
    struct exchange x = {.req = "DELETE /echo HTTP/1.1\r\nHost: t\r\nX-Other: 1\r\n\r\n"};
    CHECK(exchange(&fx, &x));
    CHECK_INT(x.rc, 1);
    CHECK(has(&x.out, "\r\nX-Sig: (none)\r\n"));
    CHECK(has(&x.out, "\r\nX-Method: DELETE\r\n"));
    CHECK(has(&x.out, "\r\ncontent-length: 0\r\n"));
    dt_buf_done(&x.out);
    fixture_done(&fx);
}

static void keepalive_run(void *arg)
{
    struct exchange *x = arg;
    int fd = raw_connect("127.0.0.1", x->port);
    x->rc = -2;
    if (fd < 0)
        return;
    raw_send_str(fd, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
    int a = raw_read(fd, &x->out, 1, 3000);
    raw_send_str(fd, "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nagain");
    int b = raw_read(fd, &x->out, 2, 3000);
    raw_send_str(fd, "HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n");
    /* HEAD: headers only, and the connection still serves the next request */
    raw_send_str(fd, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
    int c = raw_read(fd, &x->out, 3, 3000);
    /* the raw reader counts the HEAD answer's Content-Length as a body: read to the end */
    int d = raw_read(fd, &x->out, 5, 500);
    x->rc = a == 1 && b == 1 && c == 1 ? d : -3;
    close(fd);
}

TEST(keep_alive_serves_several_requests_on_one_connection)
{
    struct fixture fx;
    CHECK_INT(fixture_init(&fx, 0), 0);
    struct exchange x = {.port = fx.port};
    dt_buf_init(&x.out);
    CHECK(net_run_client(fx.loop, keepalive_run, &x, 10000));
    CHECK_INT(x.rc, -1); /* no close: the last read only timed out */
    const char *second = x.out.data ? strstr(x.out.data + 1, "HTTP/1.1 200") : NULL;
    CHECK(second != NULL);
    CHECK(has(&x.out, "\r\n\r\nhello, world\nHTTP/1.1 200 OK"));
    CHECK(has(&x.out, "X-Path: /echo\r\n"));
    CHECK(has(&x.out, "\r\n\r\nagainHTTP/1.1 200 OK"));
    /* the HEAD answer: a Content-Length of 13 and no body, then the GET's answer */
    CHECK(has(&x.out, "content-length: 13\r\nX-Tab: a\tb\r\nX-Served-By: dialtone\r\n\r\nHTTP/1.1 "
                      "200 OK"));
    CHECK(x.out.len > 13 && strcmp(x.out.data + x.out.len - 13, "hello, world\n") == 0);
    dt_buf_done(&x.out);
    fixture_done(&fx);
}

struct burst {
    int port, answered, closed_early;
};

/* One connection, each request sent the moment the previous answer is read. */
static void burst_run(void *arg)
{
    struct burst *b = arg;
    int fd = raw_connect("127.0.0.1", b->port);
    for (int i = 0; fd >= 0 && i < 300; i++) {
        struct dt_buf out;
        dt_buf_init(&out);
        raw_send_str(fd, i % 3 ? "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nping"
                               : "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
        int rc = raw_read(fd, &out, 1, 3000);
        if (rc == 1 && strncmp(out.data, "HTTP/1.1 200 OK", 15) == 0)
            b->answered++;
        dt_buf_done(&out);
        if (rc != 1) {
            b->closed_early = 1;
            break;
        }
    }
    if (fd >= 0)
        close(fd);
}

TEST(keep_alive_back_to_back_requests)
{
    struct fixture fx;
    CHECK_INT(fixture_init(&fx, 0), 0);
    struct burst b = {.port = fx.port};
    CHECK(net_run_client(fx.loop, burst_run, &b, 60000));
    CHECK_INT(b.answered, 300);
    CHECK_INT(b.closed_early, 0);
    fixture_done(&fx);
}

TEST(big_response_arrives_whole)
{
    struct fixture fx;
    CHECK_INT(fixture_init(&fx, 0), 0);
    struct exchange x = {.req = "GET /big HTTP/1.1\r\nHost: t\r\n\r\n"};
    CHECK(exchange(&fx, &x));
    CHECK_INT(x.rc, 1);
    CHECK(has(&x.out, "\r\ncontent-length: 300007\r\n"));
    const char *body = raw_body(&x.out);
    size_t n = (size_t)(x.out.data + x.out.len - body);
    CHECK_INT(n, 300007);
    int ok = 1;
    for (size_t i = 0; i < n && ok; i++)
        ok = body[i] == (char)('a' + i % 26);
    CHECK(ok);
    dt_buf_done(&x.out);
    fixture_done(&fx);
}

static int count_responses(const struct dt_buf *b)
{
    int n = 0;
    for (const char *p = b->data; p && (p = strstr(p, "HTTP/1.1 ")) != NULL; p++)
        n++;
    return n;
}

TEST(pipelined_requests_never_hang_the_server)
{
    struct fixture fx;
    CHECK_INT(fixture_init(&fx, 0), 0);
    /* without a body, pipelined requests are all answered in order */
    struct exchange a = {.req = "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n"
                                "GET /files/two HTTP/1.1\r\nHost: t\r\n\r\n",
                         .responses = 2};
    CHECK(exchange(&fx, &a));
    CHECK_INT(a.rc, 1);
    CHECK_INT(count_responses(&a.out), 2);
    CHECK(has(&a.out, "X-Path: /files/two\r\n"));
    dt_buf_done(&a.out);
    /* behind a request with a body, lws 4.1 cannot go on: the first is answered, then the
     * connection closes (the client retries the rest), and nothing spins */
    struct exchange b = {.req = "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc"
                                "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n",
                         .responses = 2};
    CHECK(exchange(&fx, &b));
    CHECK_INT(b.rc, 0); /* closed */
    CHECK_INT(count_responses(&b.out), 1);
    CHECK(has(&b.out, "\r\n\r\nabc"));
    dt_buf_done(&b.out);
    struct exchange c = {.req =
                             "POST /defer?ms=50 HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhi"
                             "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n",
                         .responses = 2};
    CHECK(exchange(&fx, &c));
    CHECK_INT(c.rc, 0);
    dt_buf_done(&c.out);
    /* and the server goes on */
    struct exchange d = {.req = "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n"};
    CHECK(exchange(&fx, &d));
    CHECK_STR(raw_body(&d.out), "hello, world\n");
    dt_buf_done(&d.out);
    struct exchange e = {.req = "GET /defer?ms=300 HTTP/1.1\r\nHost: t\r\n\r\n"};
    CHECK(exchange(&fx, &e)); /* let the orphaned deferred answer go out before freeing */
    dt_buf_done(&e.out);
    fixture_done(&fx);
}

/* ---- routing ------------------------------------------------------------------------------ */

static void on_teapot(struct httpd_req *req, void *user)
{
    CHECK_STR(user, "mine");
    httpd_respond_str(req, 418, NULL, httpd_req_path(req));
}

TEST(unknown_paths_methods_and_silent_handlers)
{
    struct fixture fx;
    CHECK_INT(fixture_init(&fx, 0), 0);
    struct exchange x = {.req = "GET /nowhere HTTP/1.1\r\nHost: t\r\n\r\n"};
    CHECK(exchange(&fx, &x));
    CHECK(strncmp(x.out.data, "HTTP/1.1 404 Not Found\r\n", 24) == 0);
    CHECK_STR(raw_body(&x.out), "not found\n");
    dt_buf_done(&x.out);

    struct exchange y = {.req = "POST /hello HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\n\r\nx"};
    CHECK(exchange(&fx, &y));
    CHECK(strncmp(y.out.data, "HTTP/1.1 405 ", 13) == 0);
    CHECK(has(&y.out, "\r\nAllow: GET\r\n"));
    dt_buf_done(&y.out);

    struct exchange z = {.req = "GET /silent HTTP/1.1\r\nHost: t\r\n\r\n"};
    CHECK(exchange(&fx, &z));
    CHECK(strncmp(z.out.data, "HTTP/1.1 500 ", 13) == 0);
    dt_buf_done(&z.out);

    struct exchange p = {.req = "GET /files/a/b.txt HTTP/1.1\r\nHost: t\r\n\r\n"};
    CHECK(exchange(&fx, &p));
    CHECK(has(&p.out, "\r\nX-Path: /files/a/b.txt\r\n"));
    dt_buf_done(&p.out);

    httpd_set_fallback(fx.h, on_teapot, "mine");
    struct exchange t = {.req = "GET /elsewhere HTTP/1.1\r\nHost: t\r\n\r\n"};
    CHECK(exchange(&fx, &t));
    CHECK(strncmp(t.out.data, "HTTP/1.1 418 ", 13) == 0);
    CHECK(has(&t.out, "\r\ncontent-type: text/plain\r\n"));
    CHECK_STR(raw_body(&t.out), "/elsewhere");
    dt_buf_done(&t.out);

    static const struct httpd_route bad[] = {{.method = "GET", .path = "nope", .fn = on_hello}};
    CHECK_INT(httpd_add_routes(fx.h, bad, 1, NULL), DT_EINVAL);
    fixture_done(&fx);
}

/* A NUL that lws decodes and passes on (%00 right after a '/' in the path) is refused: text
 * must not hold one. (A %00 anywhere else, the query included, lws 4.1 refuses itself while
 * parsing, closing the connection before the server sees the request.) */
TEST(nul_in_the_path_gets_400_and_the_server_goes_on)
{
    struct fixture fx;
    CHECK_INT(fixture_init(&fx, 0), 0);
    static const char *const reqs[] = {
        "GET /files/x/%00/y HTTP/1.1\r\nHost: t\r\n\r\n",
        "POST /echo/%00/x HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nab",
    };
    for (size_t i = 0; i < sizeof reqs / sizeof reqs[0]; i++) {
        struct exchange x = {.req = reqs[i]};
        CHECK(exchange(&fx, &x));
        CHECK_INT(x.rc, 1);
        CHECK(x.out.data && strncmp(x.out.data, "HTTP/1.1 400 ", 13) == 0);
        CHECK(has(&x.out, "\r\nconnection: close\r\n"));
        CHECK_STR(raw_body(&x.out), "bad request\n");
        dt_buf_done(&x.out);
    }
    struct exchange h = {.req = "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n"};
    CHECK(exchange(&fx, &h));
    CHECK_STR(raw_body(&h.out), "hello, world\n");
    dt_buf_done(&h.out);
    fixture_done(&fx);
}

/* ---- framing: cap, chunked, Expect -------------------------------------------------------- */

TEST(body_over_the_cap_gets_413_and_the_server_stays_healthy)
{
    struct fixture fx;
    CHECK_INT(fixture_init(&fx, 1000), 0);
    char *req =
        xasprintf("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3000\r\n\r\n%3000d", 7);
    struct exchange x = {.req = req};
    CHECK(exchange(&fx, &x));
    CHECK(strncmp(x.out.data, "HTTP/1.1 413 ", 13) == 0);
    CHECK(has(&x.out, "\r\nconnection: close\r\n"));
    CHECK_INT(x.rc, 1);
    dt_buf_done(&x.out);
    free(req);

    /* far over the cap: answered without reading the body, connection closed */
    struct exchange y = {.req =
                             "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 99999999\r\n\r\n"};
    CHECK(exchange(&fx, &y));
    CHECK(strncmp(y.out.data, "HTTP/1.1 413 ", 13) == 0);
    dt_buf_done(&y.out);

    /* exactly at the cap is fine */
    req = xasprintf("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n%1000d", 7);
    struct exchange z = {.req = req};
    CHECK(exchange(&fx, &z));
    CHECK(strncmp(z.out.data, "HTTP/1.1 200 ", 13) == 0);
    CHECK(has(&z.out, "\r\ncontent-length: 1000\r\n"));
    dt_buf_done(&z.out);
    free(req);

    struct exchange g = {.req = "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n"};
    CHECK(exchange(&fx, &g));
    CHECK_STR(raw_body(&g.out), "hello, world\n");
    dt_buf_done(&g.out);

    struct exchange b = {.req = "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1x\r\n\r\n"};
    CHECK(exchange(&fx, &b));
    CHECK(strncmp(b.out.data, "HTTP/1.1 400 ", 13) == 0);
    dt_buf_done(&b.out);
    fixture_done(&fx);
}

TEST(chunked_request_gets_411_at_once)
{
    struct fixture fx;
    CHECK_INT(fixture_init(&fx, 0), 0);
    struct exchange x = {.req = "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
                                "\r\n5\r\nhello\r\n0\r\n\r\n",
                         .timeout_ms = 2000};
    CHECK(exchange(&fx, &x));
    CHECK_INT(x.rc, 1);
    CHECK(x.out.data && strncmp(x.out.data, "HTTP/1.1 411 ", 13) == 0);
    CHECK(has(&x.out, "\r\nconnection: close\r\n"));
    dt_buf_done(&x.out);
    fixture_done(&fx);
}

TEST(expect_100_continue_is_answered)
{
    struct fixture fx;
    CHECK_INT(fixture_init(&fx, 1000), 0);
    struct exchange x = {.req = "POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
                                "Content-Length: 5\r\n\r\n",
                         .after_continue = "hello",
                         .responses = 2,
                         .timeout_ms = 2000};
    CHECK(exchange(&fx, &x));
    CHECK_INT(x.rc, 1);
    CHECK(x.out.data &&
          strncmp(x.out.data, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK", 40) == 0);
    CHECK(has(&x.out, "\r\nX-Expect: 100-continue\r\n"));
    CHECK_STR(raw_body(&x.out), "hello");
    dt_buf_done(&x.out);

    /* over the cap: 413 before any body is sent */
    struct exchange y = {.req = "POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
                                "Content-Length: 5000\r\n\r\n",
                         .timeout_ms = 2000};
    CHECK(exchange(&fx, &y));
    CHECK_INT(y.rc, 1);
    CHECK(y.out.data && strncmp(y.out.data, "HTTP/1.1 413 ", 13) == 0);
    dt_buf_done(&y.out);

    struct exchange z = {.req = "POST /echo HTTP/1.1\r\nHost: t\r\nExpect: teapot\r\n"
                                "Content-Length: 5\r\n\r\nhello",
                         .timeout_ms = 2000};
    CHECK(exchange(&fx, &z));
    CHECK(z.out.data && strncmp(z.out.data, "HTTP/1.1 417 ", 13) == 0);
    dt_buf_done(&z.out);
    fixture_done(&fx);
}

/* ---- deferred answers --------------------------------------------------------------------- */

TEST(deferred_answer_after_a_timer)
{
    struct fixture fx;
    CHECK_INT(fixture_init(&fx, 0), 0);
    struct exchange x = {.req = "GET /defer?ms=150 HTTP/1.1\r\nHost: t\r\n\r\n"};
    CHECK(exchange(&fx, &x));
    CHECK_INT(x.rc, 1);
    CHECK_STR(raw_body(&x.out), "deferred\n");
    CHECK(x.ms >= 150);
    CHECK_INT(fx.gone_answers, 0);
    dt_buf_done(&x.out);
    fixture_done(&fx);
}

static void leave_early_run(void *arg)
{
    struct exchange *x = arg;
    int fd = raw_connect("127.0.0.1", x->port);
    x->rc = -2;
    if (fd < 0)
        return;
    raw_send_str(fd, "POST /defer?ms=200 HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhi");
    usleep(50 * 1000);
    close(fd); /* gone before the answer */
    usleep(400 * 1000);
    fd = raw_connect("127.0.0.1", x->port);
    raw_send_str(fd, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
    x->rc = raw_read(fd, &x->out, 1, 3000);
    close(fd);
}

/* A client that leaves at once: its request is answered without looking (deferred for less
 * than 10 ms) or found gone; either way the write to a closed socket harms nothing. */
static void leave_at_once_run(void *arg)
{
    struct exchange *x = arg;
    x->rc = -2;
    for (int i = 0; i < 20; i++) {
        int fd = raw_connect("127.0.0.1", x->port);
        if (fd < 0)
            return;
        raw_send_str(fd, "POST /defer?ms=0 HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhi");
        close(fd);
    }
    usleep(200 * 1000);
    int fd = raw_connect("127.0.0.1", x->port);
    raw_send_str(fd, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
    x->rc = raw_read(fd, &x->out, 1, 3000);
    close(fd);
}

TEST(deferred_answer_at_once_to_a_client_that_left)
{
    struct fixture fx;
    CHECK_INT(fixture_init(&fx, 0), 0);
    struct exchange x = {.port = fx.port};
    dt_buf_init(&x.out);
    CHECK(net_run_client(fx.loop, leave_at_once_run, &x, 10000));
    CHECK_INT(x.rc, 1);
    CHECK_STR(raw_body(&x.out), "hello, world\n");
    CHECK_INT(fx.deferred_done, 20); /* every one answered and freed */
    dt_buf_done(&x.out);
    fixture_done(&fx);
}

TEST(deferred_answer_to_a_client_that_left)
{
    struct fixture fx;
    CHECK_INT(fixture_init(&fx, 0), 0);
    struct exchange x = {.port = fx.port};
    dt_buf_init(&x.out);
    CHECK(net_run_client(fx.loop, leave_early_run, &x, 10000));
    CHECK_INT(x.rc, 1);
    CHECK_STR(raw_body(&x.out), "hello, world\n");
    CHECK_INT(fx.deferred_done, 1);
    CHECK_INT(fx.gone_answers, 101); /* seen as gone, and httpd_respond said so */
    dt_buf_done(&x.out);
    fixture_done(&fx);
}

TEST(query_is_rebuilt_canonically)
{
    struct dt_buf b;
    dt_buf_init(&b);
    httpd_query_append(&b, "a=1", 3);
    httpd_query_append(&b, "b=x&y", 5);
    httpd_query_append(&b, "flag", 4);
    httpd_query_append(&b, "c==d", 4);
    httpd_query_append(&b, "sp=a b\xc3\xa9~", 9);
    httpd_query_append(&b, "n\0l=1", 5);
    CHECK_STR(b.data, "a=1&b=x%26y&flag&c=%3Dd&sp=a%20b%C3%A9~&n%00l=1");
    dt_buf_done(&b);
}

int main(void)
{
    net_raise_fd_limit();
    RUN(get_exact_bytes);
    RUN(post_echo_headers_query_and_binary_body);
    RUN(headers_not_listed_read_as_absent);
    RUN(keep_alive_serves_several_requests_on_one_connection);
    RUN(keep_alive_back_to_back_requests);
    RUN(big_response_arrives_whole);
    RUN(pipelined_requests_never_hang_the_server);
    RUN(unknown_paths_methods_and_silent_handlers);
    RUN(nul_in_the_path_gets_400_and_the_server_goes_on);
    RUN(body_over_the_cap_gets_413_and_the_server_stays_healthy);
    RUN(chunked_request_gets_411_at_once);
    RUN(expect_100_continue_is_answered);
    RUN(deferred_answer_after_a_timer);
    RUN(deferred_answer_at_once_to_a_client_that_left);
    RUN(deferred_answer_to_a_client_that_left);
    RUN(query_is_rebuilt_canonically);
    return check_done();
}
