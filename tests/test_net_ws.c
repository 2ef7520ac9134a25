/* Tests for the websocket server (wsd) and client (wsc) on one loop: the upgrade and its
 * accept callback, refusals (through the client and on the wire), messages both ways with
 * exact bytes, closing with a code and reason, the client's message cap, and bad options. */
#include "check.h"
#include "net/ws_int.h"
#include "ws_fixture.h"

/* ---- connecting and accepting ------------------------------------------------------------- */

TEST(connect_accept_sees_headers_and_query)
{
    struct wsfx fx;
    CHECK_INT(wsfx_init(&fx, NULL), 0);
    struct cli r;
    CHECK_INT(cli_connect(&fx, &r, "?after_seq=42&agent=a%20b", NULL), 0);
    CHECK_INT(r.opened, 0); /* nothing happens inside wsc_new */
    CHECK(run_until_ge(&fx, &r.opened, 1, 5000));
    CHECK(run_until_ge(&fx, &fx.opens, 1, 5000));
    CHECK_INT(fx.accepts, 1);
    CHECK_STR(fx.auth, "Bearer good");
    CHECK_STR(fx.query, "after_seq=42&agent=a%20b");
    CHECK_STR(fx.remote, "127.0.0.1");
    CHECK_STR(fx.asked, WS_PROTO);
    CHECK_INT(wsd_client_count(fx.s), 1);
    CHECK(r.c && wsc_is_open(r.c));
    if (!fx.clients[0] || !r.c) {
        cli_done(&r);
        wsfx_done(&fx);
        return;
    }
    CHECK_STR(wsd_client_remote(fx.clients[0]), "127.0.0.1");
    CHECK(wsd_client_user(fx.clients[0]) == &fx);

    /* both ways, exact bytes */
    static const char down[] = "{\"type\":\"snapshot\",\"name\":\"Zo\xc3\xab \xe2\x98\x8e\"}";
    CHECK_INT(wsd_send(fx.clients[0], down, sizeof down - 1), 0);
    CHECK_INT(wsc_send(r.c, "hello", 5), 0);
    CHECK(run_until_ge(&fx, &r.msgs.n, 1, 5000));
    CHECK(run_until_ge(&fx, &fx.msgs.n, 1, 5000));
    CHECK_INT(r.msgs.n, 1);
    if (r.msgs.n == 1) {
        CHECK_INT(r.msgs.len[0], sizeof down - 1);
        CHECK_STR(r.msgs.data[0], down);
    }
    CHECK_INT(fx.msgs.n, 1);
    if (fx.msgs.n == 1)
        CHECK_STR(fx.msgs.data[0], "hello");

    /* the client closes with a code and reason: both sides see them */
    CHECK_INT(wsc_close(r.c, 4000, "bye \xe2\x9c\x93"), 0);
    CHECK_INT(wsc_close(r.c, 4000, "again"), DT_ESTATE);
    CHECK_INT(wsc_send(r.c, "late", 4), DT_ESTATE);
    CHECK(run_until_ge(&fx, &r.closed, 1, 5000));
    CHECK(run_until_ge(&fx, &fx.closes, 1, 5000));
    CHECK_INT(fx.close_code, 4000);
    CHECK_STR(fx.close_reason, "bye \xe2\x9c\x93");
    CHECK_INT(r.info.opened, 1);
    CHECK_INT(r.info.code, 4000);
    CHECK_INT(r.closed, 1);
    CHECK_INT(wsd_client_count(fx.s), 0);
    cli_done(&r);
    wsfx_done(&fx);
}

TEST(no_subprotocol_and_server_close_after_queued_messages)
{
    struct wsfx fx;
    CHECK_INT(wsfx_init(&fx, NULL), 0);
    struct cli r;
    memset(&r, 0, sizeof r);
    struct wsc_options o = cli_options(&r, &good_auth);
    o.subprotocol = NULL;
    CHECK_INT(cli_connect(&fx, &r, NULL, &o), 0);
    CHECK(run_until_ge(&fx, &fx.opens, 1, 5000));
    CHECK(run_until_ge(&fx, &r.opened, 1, 5000));
    CHECK_STR(fx.asked, "(none)");
    CHECK_INT(wsc_send(r.c, "up", 2), 0);
    CHECK(run_until_ge(&fx, &fx.msgs.n, 1, 5000));
    struct wsd_client *cl = fx.clients[0];
    CHECK(cl != NULL);
    if (!cl) {
        cli_done(&r);
        wsfx_done(&fx);
        return;
    }
    CHECK_INT(wsd_send(cl, "one", 3), 0);
    CHECK_INT(wsd_send(cl, "two", 3), 0);
    CHECK_INT(wsd_close(cl, 999, "bad code"), DT_EINVAL);
    CHECK_INT(wsd_close(cl, 4001, "done for today"), 0);
    CHECK_INT(wsd_close(cl, 4001, "twice"), DT_ESTATE);
    CHECK_INT(wsd_send(cl, "three", 5), DT_ESTATE);
    CHECK(run_until_ge(&fx, &r.closed, 1, 5000));
    CHECK_INT(r.msgs.n, 2);
    if (r.msgs.n == 2) {
        CHECK_STR(r.msgs.data[0], "one");
        CHECK_STR(r.msgs.data[1], "two");
    }
    CHECK_INT(r.info.opened, 1);
    CHECK_INT(r.info.code, 4001);
    CHECK_STR(r.info.reason, "done for today");
    CHECK(run_until_ge(&fx, &fx.closes, 1, 5000));
    CHECK_INT(fx.close_code, 4001);
    cli_done(&r);
    wsfx_done(&fx);
}

/* Connects a client with the given token (or none) and query, runs until it closes. */
static void refused_client(struct wsfx *fx, struct cli *r, const char *token, const char *query,
                           const char *proto)
{
    struct wsc_header h = {.name = "Authorization", .value = token};
    memset(r, 0, sizeof *r);
    struct wsc_options o = cli_options(r, token ? &h : NULL);
    o.subprotocol = proto;
    CHECK_INT(cli_connect(fx, r, query, &o), 0);
    CHECK(run_until_ge(fx, &r->closed, 1, 5000));
    CHECK_INT(r->opened, 0);
    CHECK_INT(r->info.opened, 0);
    CHECK_INT(r->info.code, WSC_CLOSE_ABNORMAL);
}

TEST(refusals_reach_the_client_as_http_status)
{
    struct wsfx fx;
    CHECK_INT(wsfx_init(&fx, NULL), 0);
    struct cli r;
    refused_client(&fx, &r, "Bearer bad", NULL, WS_PROTO);
    CHECK_INT(r.info.http_status, 401);
    CHECK(strstr(r.reason, "401") != NULL);
    cli_done(&r);
    refused_client(&fx, &r, NULL, NULL, WS_PROTO);
    CHECK_INT(r.info.http_status, 401);
    CHECK_STR(fx.auth, "(none)");
    cli_done(&r);
    refused_client(&fx, &r, "Bearer good", "?forbid=1", WS_PROTO);
    CHECK_INT(r.info.http_status, 403);
    cli_done(&r);
    /* a subprotocol the server has, but not at this path: refused before accept */
    int accepts = fx.accepts;
    refused_client(&fx, &r, "Bearer good", NULL, "other-proto.v1");
    CHECK_INT(r.info.http_status, 400);
    CHECK_INT(fx.accepts, accepts);
    cli_done(&r);
    /* a long token gets through the handshake whole (and is refused, being wrong) */
    char token[1600];
    memset(token, 'k', sizeof token);
    memcpy(token, "Bearer ", 7);
    token[sizeof token - 1] = '\0';
    refused_client(&fx, &r, token, NULL, WS_PROTO);
    CHECK_INT(r.info.http_status, 401);
    CHECK_INT(strlen(fx.auth), sizeof fx.auth - 1); /* the copy is cut; the header was not */
    CHECK(strncmp(fx.auth, token, sizeof fx.auth - 1) == 0);
    cli_done(&r);
    CHECK_INT(fx.opens, 0);
    CHECK_INT(fx.closes, 0);
    CHECK_INT(fx.refusals, 4);
    CHECK_INT(wsd_client_count(fx.s), 0);
    wsfx_done(&fx);
}

struct raw_refusal {
    int port;
    const char *path, *extra;
    int status, eof;
    struct dt_buf head;
};

static void raw_refusal_run(void *arg)
{
    struct raw_refusal *x = arg;
    struct raw_ws r;
    x->status = raw_ws_open(&r, x->port, x->path, x->extra);
    dt_buf_init(&x->head);
    if (r.head.data)
        dt_buf_append(&x->head, r.head.data, r.head.len);
    if (r.head.data && x->status != 101) {
        /* the body follows the head; then the server closes */
        struct dt_buf rest;
        dt_buf_init(&rest);
        dt_buf_append(&rest, r.in.data + r.off, r.in.len - r.off);
        x->eof = raw_read(r.fd, &rest, 1000, 3000) == 0;
        dt_buf_append(&x->head, rest.data, rest.len);
        dt_buf_done(&rest);
    }
    raw_ws_close(&r);
}

static void raw_refusal(struct wsfx *fx, struct raw_refusal *x, const char *path, const char *extra)
{
    memset(x, 0, sizeof *x);
    x->port = fx->port;
    x->path = path;
    x->extra = extra;
    CHECK(net_run_client(fx->loop, raw_refusal_run, x, 10000));
}

TEST(refusals_on_the_wire)
{
    struct wsfx fx;
    CHECK_INT(wsfx_init(&fx, NULL), 0);
    struct raw_refusal x;
    raw_refusal(&fx, &x, "/events", "Authorization: Bearer nope\r\n");
    CHECK_INT(x.status, 401);
    CHECK(x.head.data && strstr(x.head.data, "\r\nWWW-Authenticate: Bearer\r\n"));
    CHECK(x.head.data && strstr(x.head.data, "\r\ncontent-type: application/json\r\n"));
    CHECK(x.head.data && strstr(x.head.data, "\r\n\r\n{\"error\":\"unauthorized\"}"));
    CHECK_INT(x.eof, 1);
    dt_buf_done(&x.head);
    raw_refusal(&fx, &x, "/events?forbid", "Authorization: Bearer good\r\n");
    CHECK_INT(x.status, 403);
    CHECK_INT(x.eof, 1);
    dt_buf_done(&x.head);
    raw_refusal(&fx, &x, "/nowhere", "Authorization: Bearer good\r\n");
    CHECK_INT(x.status, 404);
    dt_buf_done(&x.head);
    raw_refusal(&fx, &x, "/events",
                "Authorization: Bearer good\r\nSec-WebSocket-Protocol: nope\r\n");
    CHECK_INT(x.status, 400);
    dt_buf_done(&x.head);
    /* a list naming ours is fine, and the answer names it */
    raw_refusal(&fx, &x, "/events",
                "Authorization: Bearer good\r\nSec-WebSocket-Protocol: nope, " WS_PROTO "\r\n");
    CHECK_INT(x.status, 101);
    CHECK(x.head.data && strstr(x.head.data, "\r\nSec-WebSocket-Protocol: " WS_PROTO "\r\n"));
    dt_buf_done(&x.head);
    CHECK_INT(fx.opens, 1);
    wsfx_done(&fx);
}

/* ---- exact bytes -------------------------------------------------------------------------- */

/* len bytes of UTF-8 text: ASCII, then 2-, 3- and 4-byte characters in turn. */
static char *utf8_text(size_t len)
{
    static const char *const parts[] = {"abc", "\xc3\xa9", "\xe2\x98\x8e", "\xf0\x9f\x98\x80"};
    char *s = xmalloc(len + 1);
    size_t n = 0;
    for (int i = 0; n < len; i++) {
        const char *p = parts[i % 4];
        size_t k = strlen(p);
        if (n + k > len)
            p = "z", k = 1;
        memcpy(s + n, p, k);
        n += k;
    }
    s[len] = '\0';
    return s;
}

TEST(large_utf8_and_empty_messages_both_ways)
{
    struct wsfx fx;
    CHECK_INT(wsfx_init(&fx, NULL), 0);
    struct cli r;
    CHECK_INT(cli_connect(&fx, &r, NULL, NULL), 0);
    CHECK(run_until_ge(&fx, &fx.opens, 1, 5000));
    CHECK(run_until_ge(&fx, &r.opened, 1, 5000));
    size_t big = 60 * 1024 + 3;
    char *text = utf8_text(big);
    CHECK(ws_utf8_valid(text, big));
    if (fx.clients[0] && r.c) {
        CHECK_INT(wsd_send(fx.clients[0], text, big), 0);
        CHECK_INT(wsd_send(fx.clients[0], "", 0), 0);
        CHECK_INT(wsc_send(r.c, text, big), 0);
        CHECK_INT(wsc_send(r.c, "", 0), 0);
        CHECK_INT(wsc_send(r.c, "after", 5), 0);
    }
    CHECK(run_until_ge(&fx, &r.msgs.n, 2, 5000));
    CHECK(run_until_ge(&fx, &fx.msgs.n, 3, 5000));
    CHECK_INT(r.msgs.n, 2);
    CHECK_INT(fx.msgs.n, 3);
    if (r.msgs.n == 2) {
        CHECK_INT(r.msgs.len[0], big);
        CHECK(r.msgs.len[0] == big && memcmp(r.msgs.data[0], text, big) == 0);
        CHECK_INT(r.msgs.len[1], 0);
        CHECK_STR(r.msgs.data[1], "");
    }
    if (fx.msgs.n == 3) {
        CHECK(fx.msgs.len[0] == big && memcmp(fx.msgs.data[0], text, big) == 0);
        CHECK_INT(fx.msgs.len[1], 0);
        CHECK_STR(fx.msgs.data[2], "after");
    }
    free(text);
    cli_done(&r);
    wsfx_done(&fx);
}

TEST(client_message_cap_closes_with_1009)
{
    struct wsfx fx;
    CHECK_INT(wsfx_init(&fx, NULL), 0);
    struct cli r;
    memset(&r, 0, sizeof r);
    struct wsc_options o = cli_options(&r, &good_auth);
    o.max_message = 1000;
    CHECK_INT(cli_connect(&fx, &r, NULL, &o), 0);
    CHECK(run_until_ge(&fx, &fx.opens, 1, 5000));
    char *text = xmalloc(1001);
    memset(text, 'q', 1001);
    if (fx.clients[0]) {
        CHECK_INT(wsd_send(fx.clients[0], text, 1000), 0); /* at the cap: fine */
        CHECK_INT(wsd_send(fx.clients[0], text, 1001), 0);
    }
    CHECK(run_until_ge(&fx, &r.closed, 1, 5000));
    CHECK_INT(r.msgs.n, 1);
    CHECK_INT(r.info.opened, 1);
    CHECK_INT(r.info.code, WSC_CLOSE_TOO_BIG);
    CHECK(run_until_ge(&fx, &fx.closes, 1, 5000));
    CHECK_INT(fx.close_code, WSD_CLOSE_TOO_BIG);
    free(text);
    cli_done(&r);
    wsfx_done(&fx);
}

/* ---- options ------------------------------------------------------------------------------ */

static int plain_accept(struct wsd_client *cl, struct httpd_req *req, void *user)
{
    (void)cl;
    (void)req;
    (*(int *)user)++;
    return 0;
}

TEST(endpoint_without_a_subprotocol)
{
    struct wsfx fx;
    CHECK_INT(wsfx_init(&fx, NULL), 0);
    int accepted = 0;
    struct wsd_options po = {.path = "/plain", .accept = plain_accept, .user = &accepted};
    char err[256] = "";
    struct wsd *plain = wsd_new(fx.h, &po, err, sizeof err);
    CHECK(plain != NULL);
    char url[128];
    snprintf(url, sizeof url, "ws://127.0.0.1:%d/plain", fx.port);
    struct cli a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    struct wsc_options oa = cli_options(&a, NULL);
    oa.url = url;
    oa.subprotocol = NULL;
    a.c = wsc_new(fx.loop, &oa, NULL, 0);
    struct wsc_options ob = cli_options(&b, NULL);
    ob.url = url; /* asks for WS_PROTO, which /plain does not speak */
    b.c = wsc_new(fx.loop, &ob, NULL, 0);
    CHECK(run_until_ge(&fx, &a.opened, 1, 5000));
    CHECK(run_until_ge(&fx, &b.closed, 1, 5000));
    CHECK_INT(b.info.opened, 0);
    CHECK_INT(b.info.http_status, 400);
    CHECK_INT(accepted, 1);
    CHECK_INT(plain ? wsd_client_count(plain) : 0, 1);
    CHECK_INT(wsd_client_count(fx.s), 0); /* the other endpoint is not involved */
    CHECK_INT(plain ? wsd_broadcast(plain, "hi", 2) : 0, 1);
    CHECK(run_until_ge(&fx, &a.msgs.n, 1, 5000));
    cli_done(&a);
    cli_done(&b);
    wsd_free(plain);
    wsfx_done(&fx);
}

TEST(bad_server_options_are_refused)
{
    struct wsfx fx;
    CHECK_INT(wsfx_init(&fx, NULL), 0);
    char err[256];
    struct wsd_options o = wsfx_options(&fx);
    o.path = "/other";
    o.subprotocol = "unknown.v1";
    CHECK(wsd_new(fx.h, &o, err, sizeof err) == NULL);
    CHECK(strstr(err, "unknown.v1") != NULL);
    o.subprotocol = WS_PROTO;
    o.path = "events";
    CHECK(wsd_new(fx.h, &o, err, sizeof err) == NULL);
    o.path = "/events"; /* taken */
    CHECK(wsd_new(fx.h, &o, err, sizeof err) == NULL);
    o.path = "/other";
    o.ping_interval_ms = 1000;
    o.ping_timeout_ms = 1000;
    CHECK(wsd_new(fx.h, &o, err, sizeof err) == NULL);
    o.ping_timeout_ms = 0; /* default 45 s, above 1 s */
    o.subprotocol = "other-proto.v1";
    struct wsd *s2 = wsd_new(fx.h, &o, err, sizeof err);
    CHECK(s2 != NULL);
    wsd_free(s2);
    wsd_free(NULL);
    wsfx_done(&fx);
}

TEST(bad_client_options_are_refused)
{
    struct netloop *loop = netloop_new(NULL, NULL, 0);
    static const char *const bad_urls[] = {
        NULL,          "http://127.0.0.1/",   "wss://127.0.0.1/", "ws://",
        "ws:///path",  "ws://127.0.0.1:0/",   "ws://h:65536/",    "ws://h:12a/",
        "ws://h/a b",  "ws://h/p#frag",       "ws://u@h/",        "ws://[::1/",
        "ws://h/\x01", "ws://h\xc3\xa9.com/", "ws://h:/",         "ws://h/p\xc3\xa9",
    };
    char err[256];
    struct cli r;
    memset(&r, 0, sizeof r);
    for (size_t i = 0; i < sizeof bad_urls / sizeof bad_urls[0]; i++) {
        struct wsc_options o = cli_options(&r, NULL);
        o.url = bad_urls[i];
        err[0] = '\0';
        struct wsc *c = wsc_new(loop, &o, err, sizeof err);
        CHECK(c == NULL);
        if (c) {
            printf("  accepted %s\n", bad_urls[i]);
            wsc_free(c);
        }
        CHECK(err[0] != '\0');
    }
    static const struct wsc_header bad_headers[] = {
        {.name = "X-Bad", .value = "a\r\nInjected: yes"},
        {.name = "Bad Name", .value = "v"},
        {.name = "", .value = "v"},
        {.name = "Host", .value = "elsewhere"},
        {.name = "Sec-WebSocket-Key", .value = "x"},
        {.name = "X-Null", .value = NULL},
    };
    for (size_t i = 0; i < sizeof bad_headers / sizeof bad_headers[0]; i++) {
        struct wsc_options o = cli_options(&r, &bad_headers[i]);
        o.url = "ws://127.0.0.1:1/";
        CHECK(wsc_new(loop, &o, err, sizeof err) == NULL);
    }
    struct wsc_header many[WSC_MAX_HEADERS + 1];
    for (int i = 0; i <= WSC_MAX_HEADERS; i++)
        many[i] = (struct wsc_header){.name = "X-A", .value = "b"};
    struct wsc_options o = cli_options(&r, NULL);
    o.url = "ws://127.0.0.1:1/";
    o.headers = many;
    o.nheaders = WSC_MAX_HEADERS + 1;
    CHECK(wsc_new(loop, &o, err, sizeof err) == NULL);
    o.nheaders = WSC_MAX_HEADERS; /* at the limit: fine */
    struct wsc *c = wsc_new(loop, &o, err, sizeof err);
    CHECK(c != NULL);
    wsc_free(c); /* before it ever started: no callback */
    o.nheaders = 0;
    o.subprotocol = "bad proto";
    CHECK(wsc_new(loop, &o, err, sizeof err) == NULL);
    o.subprotocol = NULL;
    o.ping_interval_ms = 500;
    o.ping_timeout_ms = 400;
    CHECK(wsc_new(loop, &o, err, sizeof err) == NULL);
    /* good ones: IPv6 literal, name, no path, query only */
    static const char *const good_urls[] = {"ws://[::1]:9/", "ws://localhost", "ws://h?x=1",
                                            "WS://H.example:80/a/b?c=d&e"};
    o.ping_interval_ms = o.ping_timeout_ms = 0;
    for (size_t i = 0; i < sizeof good_urls / sizeof good_urls[0]; i++) {
        o.url = good_urls[i];
        c = wsc_new(loop, &o, err, sizeof err);
        CHECK(c != NULL);
        wsc_free(c);
    }
    int never = 0;
    net_run_until(loop, &never, 50);
    CHECK_INT(r.opened + r.closed, 0); /* freed clients never call back */
    netloop_free(loop);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    RUN(connect_accept_sees_headers_and_query);
    RUN(no_subprotocol_and_server_close_after_queued_messages);
    RUN(refusals_reach_the_client_as_http_status);
    RUN(refusals_on_the_wire);
    RUN(large_utf8_and_empty_messages_both_ways);
    RUN(client_message_cap_closes_with_1009);
    RUN(endpoint_without_a_subprotocol);
    RUN(bad_server_options_are_refused);
    RUN(bad_client_options_are_refused);
    return check_done();
}
