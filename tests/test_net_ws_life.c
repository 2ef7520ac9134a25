/* Websocket life tests: dead peers found by pings (on both sides), connect timeouts and
 * refused connections, the server shutting down with clients connected, clients reconnecting
 * after the server restarts on the same port, and clients freed from their own callbacks. */
#include "check.h"
#include "ws_fixture.h"

/* ---- dead peers --------------------------------------------------------------------------- */

struct mute {
    int port;
    int status, pings, closed;
};

/* Upgrades, then reads without ever answering a ping, until the server lets go. */
static void mute_run(void *arg)
{
    struct mute *m = arg;
    struct raw_ws r;
    m->status = raw_ws_open(&r, m->port, "/events", "Authorization: Bearer good\r\n");
    struct dt_buf p;
    dt_buf_init(&p);
    int op, fin, rc = -1;
    while (m->status == 101 && (rc = raw_ws_read(&r, 5000, &op, &fin, &p)) == 1) {
        if (op == RAW_WS_PING)
            m->pings++;
        if (op == RAW_WS_CLOSE)
            break;
    }
    m->closed = rc != -1;
    dt_buf_done(&p);
    raw_ws_close(&r);
}

TEST(dead_peer_is_dropped_and_a_live_client_kept)
{
    struct wsfx fx;
    memset(&fx, 0, sizeof fx);
    struct wsd_options o = wsfx_options(&fx);
    o.ping_interval_ms = 100;
    o.ping_timeout_ms = 400;
    CHECK_INT(wsfx_init(&fx, &o), 0);
    /* a client that pings the server as often as the server pings it: lws answers pings */
    struct cli r;
    memset(&r, 0, sizeof r);
    struct wsc_options co = cli_options(&r, &good_auth);
    co.ping_interval_ms = 100;
    co.ping_timeout_ms = 400;
    CHECK_INT(cli_connect(&fx, &r, NULL, &co), 0);
    CHECK(run_until_ge(&fx, &fx.opens, 1, 5000));
    uint64_t t0 = netloop_now_ms();
    struct mute m = {.port = fx.port};
    CHECK(net_run_client(fx.loop, mute_run, &m, 20000));
    CHECK_INT(m.status, 101);
    CHECK(m.pings >= 1);
    CHECK_INT(m.closed, 1);
    /* Not before the timeout, as the server's loop saw it (the client thread's own clock would
     * count the time it waited for a core after the upgrade): the server's clock starts when
     * the client opens, in the same millisecond as the open callback or the one before. */
    CHECK_INT(fx.closes, 1);
    CHECK(fx.close_ms - fx.open_ms + 1 >= 400);
    CHECK_INT(fx.close_code, WSD_CLOSE_ABNORMAL);
    CHECK_STR(fx.close_reason, "no answer to ping");
    /* the live client stays, sending nothing but pings and pongs, past three timeouts */
    while (netloop_now_ms() - t0 < 1300)
        wsfx_spin(&fx, 50);
    CHECK_INT(r.closed, 0);
    CHECK_INT(wsd_client_count(fx.s), 1);
    CHECK(r.c && wsc_is_open(r.c));
    if (r.c)
        CHECK_INT(wsc_send(r.c, "still here", 10), 0);
    CHECK(run_until_ge(&fx, &fx.msgs.n, 1, 5000));
    cli_done(&r);
    wsfx_done(&fx);
}

struct silent_server {
    int lfd;
    int pings, eof;
};

/* Accepts one client, completes its handshake, then never sends another byte. */
static void silent_server_run(void *arg)
{
    struct silent_server *s = arg;
    struct pollfd pfd = {.fd = s->lfd, .events = POLLIN};
    if (poll(&pfd, 1, 5000) != 1)
        return;
    struct raw_ws r;
    memset(&r, 0, sizeof r);
    r.fd = accept(s->lfd, NULL, NULL);
    if (r.fd < 0 || raw_ws_accept(r.fd) != 0) {
        raw_ws_close(&r);
        return;
    }
    struct dt_buf p;
    dt_buf_init(&p);
    int op, fin, rc;
    while ((rc = raw_ws_read(&r, 5000, &op, &fin, &p)) == 1)
        s->pings += op == RAW_WS_PING;
    s->eof = rc == 0;
    dt_buf_done(&p);
    raw_ws_close(&r);
}

TEST(client_gives_up_on_a_silent_server)
{
    struct netloop *loop = netloop_new(NULL, NULL, 0);
    struct silent_server s = {.lfd = -1};
    int port = 0;
    s.lfd = raw_listen(&port);
    CHECK(s.lfd >= 0);
    struct cli r;
    memset(&r, 0, sizeof r);
    struct wsc_options o = cli_options(&r, NULL);
    char url[64];
    snprintf(url, sizeof url, "ws://127.0.0.1:%d/quiet", port);
    o.url = url;
    o.ping_interval_ms = 100;
    o.ping_timeout_ms = 400;
    r.c = wsc_new(loop, &o, NULL, 0);
    CHECK(r.c != NULL);
    CHECK(net_run_client(loop, silent_server_run, &s, 20000));
    CHECK(loop_until_ge(loop, &r.closed, 1, 5000));
    CHECK_INT(r.opened, 1);
    CHECK_INT(r.closed, 1);
    CHECK_INT(r.info.opened, 1);
    CHECK_INT(r.info.code, WSC_CLOSE_ABNORMAL);
    CHECK_STR(r.reason, "no answer to ping");
    CHECK(r.closed_ms - r.opened_ms >= 400);
    CHECK(s.pings >= 1);
    CHECK_INT(s.eof, 1);
    cli_done(&r);
    close(s.lfd);
    netloop_free(loop);
}

/* ---- failing to connect ------------------------------------------------------------------- */

TEST(connect_timeout_and_refused_connection)
{
    struct netloop *loop = netloop_new(NULL, NULL, 0);
    int port = 0;
    int lfd = raw_listen(&port); /* listens, never accepts: the handshake never comes */
    CHECK(lfd >= 0);
    struct cli r;
    memset(&r, 0, sizeof r);
    struct wsc_options o = cli_options(&r, NULL);
    char url[64];
    snprintf(url, sizeof url, "ws://127.0.0.1:%d/", port);
    o.url = url;
    o.connect_timeout_ms = 300;
    uint64_t t0 = netloop_now_ms();
    r.c = wsc_new(loop, &o, NULL, 0);
    CHECK(loop_until_ge(loop, &r.closed, 1, 5000));
    CHECK_INT(r.closed, 1);
    CHECK_INT(r.info.opened, 0);
    CHECK_INT(r.info.http_status, 0);
    CHECK_STR(r.reason, "timed out connecting");
    CHECK(r.closed_ms - t0 >= 300);
    cli_done(&r);
    close(lfd);

    /* nothing listening at all */
    memset(&r, 0, sizeof r);
    o = cli_options(&r, NULL);
    snprintf(url, sizeof url, "ws://127.0.0.1:%d/", net_free_port());
    o.url = url;
    r.free_in_close = 1;
    r.c = wsc_new(loop, &o, NULL, 0);
    CHECK(loop_until_ge(loop, &r.closed, 1, 5000));
    CHECK_INT(r.closed, 1);
    CHECK_INT(r.info.opened, 0);
    CHECK(r.c == NULL); /* freed in its on_close */
    CHECK(strncmp(r.reason, "connection failed", 17) == 0 ||
          strcmp(r.reason, "cannot connect") == 0);
    cli_done(&r);
    netloop_free(loop);
}

/* ---- the server going away ---------------------------------------------------------------- */

static int all_closed(const struct cli *rs, int n)
{
    for (int i = 0; i < n; i++)
        if (!rs[i].closed)
            return 0;
    return 1;
}

static void wait_closed(struct wsfx *fx, struct cli *rs, int n)
{
    uint64_t end = netloop_now_ms() + 5000;
    while (!all_closed(rs, n) && netloop_now_ms() < end)
        wsfx_spin(fx, 5);
}

TEST(server_shutdown_with_clients_connected)
{
    struct wsfx fx;
    CHECK_INT(wsfx_init(&fx, NULL), 0);
    struct cli rs[3];
    for (int i = 0; i < 3; i++)
        CHECK_INT(cli_connect(&fx, &rs[i], NULL, NULL), 0);
    CHECK(run_until_ge(&fx, &fx.opens, 3, 5000));
    if (fx.clients[1])
        CHECK_INT(wsd_send(fx.clients[1], "unsent, maybe", 13), 0);
    /* the endpoint goes first and the loop runs on: the clients read its close frame */
    wsd_free(fx.s);
    fx.s = NULL;
    wait_closed(&fx, rs, 3);
    httpd_free(fx.h);
    fx.h = NULL;
    for (int i = 0; i < 3; i++) {
        CHECK_INT(rs[i].closed, 1);
        CHECK_INT(rs[i].info.opened, 1);
        CHECK_INT(rs[i].info.code, WSC_CLOSE_GOING_AWAY);
        CHECK_STR(rs[i].reason, "server shutting down");
        cli_done(&rs[i]);
    }
    CHECK_INT(fx.closes, 0); /* wsd_free does not call back */

    /* endpoint and server at once: the connections are cut, the clients notice */
    CHECK_INT(wsfx_serve(&fx, NULL, 0), 0);
    for (int i = 0; i < 3; i++)
        CHECK_INT(cli_connect(&fx, &rs[i], NULL, NULL), 0);
    CHECK(run_until_ge(&fx, &fx.opens, 6, 5000));
    wsfx_stop(&fx);
    wait_closed(&fx, rs, 3);
    for (int i = 0; i < 3; i++) {
        CHECK_INT(rs[i].closed, 1);
        CHECK_INT(rs[i].info.opened, 1);
        cli_done(&rs[i]);
    }
    CHECK_INT(fx.closes, 0);
    wsfx_done(&fx);
}

TEST(clients_reconnect_after_the_server_restarts_on_its_port)
{
    struct wsfx fx;
    CHECK_INT(wsfx_init(&fx, NULL), 0);
    int port = fx.port;
    for (int round = 0; round < 3; round++) {
        struct cli a;
        CHECK_INT(cli_connect(&fx, &a, NULL, NULL), 0);
        CHECK(run_until_ge(&fx, &a.opened, 1, 5000));
        wsfx_stop(&fx);
        CHECK(run_until_ge(&fx, &a.closed, 1, 5000));
        CHECK_INT(a.info.opened, 1);
        cli_done(&a);

        /* while it is down: refused, and the client frees itself in on_close */
        struct cli b;
        memset(&b, 0, sizeof b);
        struct wsc_options o = cli_options(&b, &good_auth);
        b.free_in_close = 1;
        CHECK_INT(cli_connect(&fx, &b, NULL, &o), 0);
        CHECK(run_until_ge(&fx, &b.closed, 1, 5000));
        CHECK_INT(b.info.opened, 0);
        CHECK(b.c == NULL);
        cli_done(&b);

        CHECK_INT(wsfx_serve(&fx, NULL, port), 0);
        CHECK_INT(fx.port, port);
        struct cli c;
        CHECK_INT(cli_connect(&fx, &c, "?after_seq=7", NULL), 0);
        CHECK(run_until_ge(&fx, &c.opened, 1, 5000));
        CHECK_STR(fx.query, "after_seq=7");
        CHECK(run_until_ge(&fx, &fx.opens, 2 * round + 2, 5000));
        int before = c.msgs.n;
        CHECK_INT(wsd_broadcast(fx.s, "missed events", 13), 1);
        CHECK(run_until_ge(&fx, &c.msgs.n, before + 1, 5000));
        CHECK(c.msgs.n > 0 && strcmp(c.msgs.data[c.msgs.n - 1], "missed events") == 0);
        cli_done(&c);
        CHECK(run_until_ge(&fx, &fx.closes, round + 1, 5000));
    }
    wsfx_done(&fx);
}

/* ---- freeing from callbacks --------------------------------------------------------------- */

TEST(clients_freed_from_their_own_callbacks)
{
    struct wsfx fx;
    CHECK_INT(wsfx_init(&fx, NULL), 0);
    struct cli r;
    memset(&r, 0, sizeof r);
    struct wsc_options o = cli_options(&r, &good_auth);
    r.free_after_msgs = 2;
    CHECK_INT(cli_connect(&fx, &r, NULL, &o), 0);
    CHECK(run_until_ge(&fx, &fx.opens, 1, 5000));
    for (int i = 0; i < 5 && fx.clients[0]; i++)
        CHECK_INT(wsd_send(fx.clients[0], "tick", 4), 0);
    CHECK(run_until_ge(&fx, &fx.closes, 1, 5000));
    CHECK_INT(r.msgs.n, 2);
    CHECK_INT(r.closed, 0); /* freed: no on_close */
    CHECK(r.c == NULL);
    CHECK_INT(fx.close_code, WSC_CLOSE_GOING_AWAY);
    cli_done(&r);

    memset(&r, 0, sizeof r);
    o = cli_options(&r, &good_auth);
    r.free_in_open = 1;
    CHECK_INT(cli_connect(&fx, &r, NULL, &o), 0);
    CHECK(run_until_ge(&fx, &fx.closes, 2, 5000));
    CHECK_INT(r.opened, 1);
    CHECK_INT(r.closed, 0);
    CHECK(r.c == NULL);
    cli_done(&r);

    /* freed before it started, and while connecting */
    CHECK_INT(cli_connect(&fx, &r, NULL, NULL), 0);
    cli_done(&r);
    wsfx_spin(&fx, 50);
    CHECK_INT(r.opened + r.closed, 0);
    CHECK_INT(cli_connect(&fx, &r, NULL, NULL), 0);
    wsfx_spin(&fx, 1);
    int seen = r.opened + r.closed;
    cli_done(&r);
    wsfx_spin(&fx, 100);
    CHECK_INT(r.opened + r.closed, seen); /* nothing after the free */
    CHECK_INT(wsd_client_count(fx.s), 0);
    wsfx_done(&fx);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    RUN(dead_peer_is_dropped_and_a_live_client_kept);
    RUN(client_gives_up_on_a_silent_server);
    RUN(connect_timeout_and_refused_connection);
    RUN(server_shutdown_with_clients_connected);
    RUN(clients_reconnect_after_the_server_restarts_on_its_port);
    RUN(clients_freed_from_their_own_callbacks);
    return check_done();
}
