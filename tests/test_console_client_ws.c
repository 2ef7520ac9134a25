/*
 * Tests for the console's client without the daemon: server URLs and tokens checked, requests
 * refused before they are sent; against a scripted websocket endpoint: deduplication by seq,
 * the after_seq asked for on reconnect, resync and a restarted event log; an unreachable
 * daemon in words, and requests in flight ended at client_free. The client is freed in every
 * state, from inside its own callbacks too (ASan checks that nothing leaks).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "console/client.h"
#include "console_client_rec.h"
#include "ws_fixture.h"

TEST(bad_urls_and_tokens)
{
    struct netloop *loop = netloop_new(NULL, NULL, 0);
    static const char *const bad[] = {
        "https://127.0.0.1:8080",
        "ftp://x",
        "http://",
        "http://h:0",
        "http://h:70000",
        "http://h:",
        "http://h:80 x",
        "http://h:80?q",
        "http://us@h",
        "127.0.0.1:8080",
        "",
    };
    char err[256];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = 0;
        struct client *c = client_new(loop, bad[i], "dt_x", &rec_cb, NULL, err, sizeof err);
        CHECK(c == NULL);
        CHECK(err[0] != 0);
        client_free(c);
    }
    client_new(loop, "https://h:1", "dt_x", &rec_cb, NULL, err, sizeof err);
    CHECK(strstr(err, "TLS") != NULL);
    static const char *const tokens[] = {"", "dt_a b", "dt_a\nb", NULL};
    for (int i = 0; i < 4; i++)
        CHECK(client_new(loop, "http://127.0.0.1:1", tokens[i], &rec_cb, NULL, err, sizeof err) ==
              NULL);
    char big[CLIENT_MAX_TOKEN + 2];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = 0;
    CHECK(client_new(loop, "http://127.0.0.1:1", big, &rec_cb, NULL, err, sizeof err) == NULL);
    /* good ones, freed at once in CONNECTING: no callback has run */
    static const char *const good[] = {"http://127.0.0.1:8080", "http://localhost/",
                                       "HTTP://[::1]:9/dialtone/", "http://h.example:65535"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        struct rec r;
        CHECK(connect_rec(loop, good[i], "dt_x", &r) != NULL);
        CHECK_INT(client_state(r.c), CLIENT_CONNECTING);
        CHECK_INT(client_request(r.c, "get", "/x", NULL, on_res, NULL), DT_EINVAL);
        CHECK_INT(client_request(r.c, "GET", "x", NULL, on_res, NULL), DT_EINVAL);
        CHECK_INT(client_request(r.c, "GET", "/a b", NULL, on_res, NULL), DT_EINVAL);
        CHECK_INT(client_request(r.c, "GET", "/a\r\n", NULL, on_res, NULL), DT_EINVAL);
        CHECK_INT(client_request(r.c, "GET", "/a", NULL, NULL, NULL), DT_EINVAL);
        client_free(r.c);
        CHECK_INT(r.nconn, 0);
    }
    static const struct {
        const char *in, *base, *ws, *hp;
    } parts[] = {
        {"http://127.0.0.1:8080", "http://127.0.0.1:8080", "ws://127.0.0.1:8080/api/v1/events",
         "127.0.0.1:8080"},
        {"http://localhost/", "http://localhost", "ws://localhost/api/v1/events", "localhost"},
        {"HTTP://[::1]:9/dialtone//", "http://[::1]:9/dialtone",
         "ws://[::1]:9/dialtone/api/v1/events", "[::1]:9"},
    };
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        struct client_url u;
        CHECK_INT(client_url_parse(parts[i].in, &u, err, sizeof err), 0);
        CHECK_STR(u.base, parts[i].base);
        CHECK_STR(u.ws_url, parts[i].ws);
        CHECK_STR(u.hostport, parts[i].hp);
        client_url_done(&u);
        CHECK(u.base == NULL);
    }
    static const char *const bad_hosts[] = {"http://[::1",   "http://[]:80", "http://[::1]x",
                                            "http://a:b:80", "http://h/a b", "http://h/#x",
                                            "http://h\\x",   "http://:80"};
    char longhost[300] = "http://";
    memset(longhost + 7, 'a', 254);
    CHECK_INT(client_url_parse(longhost, &(struct client_url){0}, err, sizeof err), DT_EINVAL);
    for (size_t i = 0; i < sizeof bad_hosts / sizeof bad_hosts[0]; i++) {
        struct client_url u;
        CHECK_INT(client_url_parse(bad_hosts[i], &u, err, sizeof err), DT_EINVAL);
        CHECK(u.base == NULL);
    }
    CHECK_STR(client_conn_name(CLIENT_LIVE), "live");
    CHECK_STR(client_conn_name(CLIENT_RECONNECTING), "reconnecting");
    CHECK_STR(client_conn_name((enum client_conn)42), "?");
    netloop_free(loop);
}

/* ---- against a scripted endpoint -------------------------------------------------------- */

static void fx_send(struct wsfx *fx, int i, const char *text)
{
    CHECK(fx->clients[i] != NULL);
    if (fx->clients[i])
        CHECK_INT(wsd_send(fx->clients[i], text, strlen(text)), DT_OK);
}

TEST(dedupe_after_seq_and_resync)
{
    struct wsfx fx;
    memset(&fx, 0, sizeof fx);
    fx.loop = netloop_new(NULL, NULL, 0);
    struct wsd_options o = wsfx_options(&fx);
    o.path = "/api/v1/events";
    o.subprotocol = NULL;
    CHECK_INT(wsfx_serve(&fx, &o, 0), 0);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", fx.port);
    struct rec r;
    CHECK(connect_rec(fx.loop, url, "good", &r) != NULL);
    client_set_timings(r.c, 100, 400, 0, 0);
    CHECK(run_until_ge(&fx, &fx.opens, 1, WAIT_MS));
    CHECK_STR(fx.auth, "Bearer good");
    CHECK(strstr(fx.query, "after_seq") == NULL);
    fx_send(&fx, 0, "{\"type\":\"snapshot\",\"seq\":10,\"data\":{}}");
    fx_send(&fx, 0, "{\"seq\":11,\"type\":\"a\"}");
    fx_send(&fx, 0, "{\"seq\":12,\"type\":\"b\"}");
    fx_send(&fx, 0, "{\"seq\":12,\"type\":\"b\"}"); /* a repeat */
    fx_send(&fx, 0, "{\"seq\":9,\"type\":\"old\"}");
    fx_send(&fx, 0, "not json");
    fx_send(&fx, 0, "[1,2]");
    fx_send(&fx, 0, "{\"seq\":13,\"type\":\"c\"}");
    CHECK(run_until_ge(&fx, &r.nev, 4, WAIT_MS));
    wsfx_spin(&fx, 50);
    CHECK_INT(r.nev, 4);
    CHECK_INT(r.seq[3], 13);
    CHECK_INT(count_type(&r, "old"), 0);
    CHECK_INT(client_last_seq(r.c), 13);

    /* the server closes: the client comes back asking for what it missed */
    wsd_close(fx.clients[0], 1001, "going away");
    CHECK(run_until_ge(&fx, &fx.opens, 2, WAIT_MS));
    CHECK_STR(fx.query, "after_seq=13");
    fx_send(&fx, 1, "{\"type\":\"snapshot\",\"seq\":15,\"data\":{}}");
    fx_send(&fx, 1, "{\"seq\":13,\"type\":\"c\"}");
    fx_send(&fx, 1, "{\"seq\":14,\"type\":\"d\"}");
    fx_send(&fx, 1, "{\"seq\":15,\"type\":\"e\"}");
    CHECK(run_until_ge(&fx, &r.nev, 7, WAIT_MS));
    CHECK_STR(r.type[4], "snapshot");
    CHECK_INT(r.seq[5], 14);
    CHECK_INT(r.seq[6], 15);
    CHECK_INT(r.live, 2);

    /* resync: reconnect at once without after_seq; a snapshot sets the seq */
    fx_send(&fx, 1, "{\"type\":\"resync\"}");
    CHECK(run_until_ge(&fx, &fx.opens, 3, WAIT_MS));
    CHECK(strstr(fx.query, "after_seq") == NULL);
    CHECK(strstr(r.why, "afresh") != NULL || r.live == 3);
    fx_send(&fx, 2, "{\"type\":\"snapshot\",\"seq\":40,\"data\":{}}");
    CHECK(run_until_ge(&fx, &r.nev, 8, WAIT_MS));
    CHECK_INT(client_last_seq(r.c), 40);
    CHECK_INT(count_type(&r, "resync"), 0);

    /* an event log behind the client (a new database): start afresh */
    wsd_close(fx.clients[2], 1001, "going away");
    CHECK(run_until_ge(&fx, &fx.opens, 4, WAIT_MS));
    CHECK_STR(fx.query, "after_seq=40");
    fx_send(&fx, 3, "{\"type\":\"snapshot\",\"seq\":2,\"data\":{}}");
    CHECK(run_until_ge(&fx, &fx.opens, 5, WAIT_MS));
    CHECK(strstr(fx.query, "after_seq") == NULL);
    fx_send(&fx, 4, "{\"type\":\"snapshot\",\"seq\":2,\"data\":{}}");
    fx_send(&fx, 4, "{\"seq\":3,\"type\":\"f\"}");
    CHECK(run_until_ge(&fx, &r.nev, 10, WAIT_MS));
    CHECK_INT(r.seq[9], 3);
    CHECK_INT(client_last_seq(r.c), 3);
    client_free(r.c); /* freed while LIVE */

    /* freed from inside its own callback */
    CHECK(connect_rec(fx.loop, url, "good", &r) != NULL);
    r.free_when_live = 1;
    CHECK(run_until_ge(&fx, &r.live, 1, WAIT_MS));
    CHECK(r.c == NULL);
    wsfx_spin(&fx, 50);
    CHECK_INT(r.nconn, 2);
    wsfx_done(&fx);
}

TEST(unreachable_and_requests_at_free)
{
    struct netloop *loop = netloop_new(NULL, NULL, 0);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", net_free_port());
    struct rec r;
    CHECK(connect_rec(loop, url, "dt_x", &r) != NULL);
    CHECK(loop_until_ge(loop, &r.connecting, 1, WAIT_MS));
    client_free(r.c); /* freed with its first attempt under way */
    CHECK(connect_rec(loop, url, "dt_x", &r) != NULL);
    CHECK(loop_until_ge(loop, &r.reconnecting, 1, WAIT_MS));
    CHECK(strstr(r.why, "cannot reach the daemon at 127.0.0.1:") != NULL);
    CHECK(r.retry_at > r.notified_at);
    struct res a = {0}, b = {0};
    CHECK_INT(client_request(r.c, "GET", "/api/v1/me", NULL, on_res, &a), 0);
    CHECK(loop_until_ge(loop, &a.done, 1, WAIT_MS));
    CHECK_INT(a.status, 0);
    CHECK(strstr(a.err, "cannot reach the daemon at 127.0.0.1:") != NULL);
    CHECK(!a.has_body);
    /* a request still in flight ends at client_free */
    CHECK_INT(client_request(r.c, "DELETE", "/api/v1/x?y=1", NULL, on_res, &b), 0);
    client_free(r.c); /* freed while RECONNECTING */
    CHECK_INT(b.done, 1);
    CHECK_INT(b.status, 0);
    CHECK_STR(b.err, "the console is shutting down");

    /* freed from inside a request's callback */
    CHECK(connect_rec(loop, url, "dt_x", &r) != NULL);
    struct res c = {.free_me = &r.c};
    CHECK_INT(client_request(r.c, "GET", "/api/v1/me", NULL, on_res, &c), 0);
    CHECK(loop_until_ge(loop, &c.done, 1, WAIT_MS));
    CHECK(r.c == NULL);
    netloop_free(loop);
}

int main(void)
{
    RUN(bad_urls_and_tokens);
    RUN(dedupe_after_seq_and_resync);
    RUN(unreachable_and_requests_at_free);
    return check_done();
}
