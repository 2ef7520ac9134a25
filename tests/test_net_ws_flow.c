/* Websocket flow tests: ordering of many messages both ways, a consumer too slow to keep up
 * (dropped, told to resync, while a normal client keeps receiving), and broadcast to 200
 * clients from one shared buffer. */
#include "check.h"
#include "ws_fixture.h"

#define N_ORDER 10000

/* ---- ordering ----------------------------------------------------------------------------- */

struct pacer {
    struct cli *r;
    int sent;
};

/* Sends the client's messages as fast as its queue takes them. */
static void pace(struct netloop_timer *t, void *user)
{
    struct pacer *p = user;
    char m[32];
    while (p->sent < N_ORDER && p->r->c && wsc_queued(p->r->c, NULL) < 200) {
        snprintf(m, sizeof m, "c%05d", p->sent);
        if (wsc_send(p->r->c, m, strlen(m)) != 0)
            break;
        p->sent++;
    }
    if (p->sent < N_ORDER)
        netloop_timer_start(t, 1);
}

static int in_order(const struct msglog *l, char prefix, int n)
{
    if (l->n != n)
        return 0;
    char m[32];
    for (int i = 0; i < n; i++) {
        snprintf(m, sizeof m, "%c%05d", prefix, i);
        if (strcmp(l->data[i], m) != 0) {
            printf("  message %d is \"%s\", not \"%s\"\n", i, l->data[i], m);
            return 0;
        }
    }
    return 1;
}

TEST(ten_thousand_messages_keep_their_order_both_ways)
{
    struct wsfx fx;
    memset(&fx, 0, sizeof fx);
    struct wsd_options o = wsfx_options(&fx);
    o.queue_msgs = N_ORDER;
    CHECK_INT(wsfx_init(&fx, &o), 0);
    struct cli r;
    CHECK_INT(cli_connect(&fx, &r, NULL, NULL), 0);
    CHECK(run_until_ge(&fx, &fx.opens, 1, 5000));
    CHECK(run_until_ge(&fx, &r.opened, 1, 5000));
    int queued = 0;
    char m[32];
    for (int i = 0; i < N_ORDER && fx.clients[0]; i++) {
        snprintf(m, sizeof m, "m%05d", i);
        queued += wsd_send(fx.clients[0], m, strlen(m)) == DT_OK;
    }
    CHECK_INT(queued, N_ORDER);
    struct pacer p = {.r = &r};
    struct netloop_timer *t = netloop_timer_new(fx.loop, pace, &p);
    netloop_timer_start(t, 0);
    CHECK(run_until_ge(&fx, &r.msgs.n, N_ORDER, 60000));
    CHECK(run_until_ge(&fx, &fx.msgs.n, N_ORDER, 60000));
    CHECK(in_order(&r.msgs, 'm', N_ORDER));
    CHECK(in_order(&fx.msgs, 'c', N_ORDER));
    CHECK_INT(r.closed, 0);
    netloop_timer_free(t);
    cli_done(&r);
    wsfx_done(&fx);
}

/* ---- a slow consumer ---------------------------------------------------------------------- */

#define PAYLOAD 4096
#define RESYNC  "{\"type\":\"resync\"}"

struct raw_hold {
    int port;
    struct raw_ws r;
    int status;
};

static void raw_hold_open(void *arg)
{
    struct raw_hold *h = arg;
    h->status = raw_ws_open(&h->r, h->port, "/events", "Authorization: Bearer good\r\n");
}

/* A message numbered seq, PAYLOAD bytes long. */
static size_t numbered(char *buf, int seq)
{
    int n = snprintf(buf, PAYLOAD + 1, "seq:%06d:", seq);
    memset(buf + n, 'p', PAYLOAD - (size_t)n);
    buf[PAYLOAD] = '\0';
    return PAYLOAD;
}

struct producer {
    struct wsfx *fx;
    struct wsd_client *normal, *slow;
    int sent, after_drop, limit, stalled;
    uint64_t overflow_ms; /* when the slow client's queue overflowed */
    char buf[PAYLOAD + 1];
};

/* Sends each message to both clients (one shared buffer) while the normal client keeps up.
 * The slow client's queue is kept short until it has not drained for 200 rounds of the loop
 * (its socket is full for good: it does not read), then allowed to overflow. Goes on until the slow
 * one was dropped and 200 more messages went out, or the limit. */
static void produce(struct netloop_timer *t, void *user)
{
    struct producer *p = user;
    size_t slowq = p->slow && !p->overflow_ms ? wsd_client_queued(p->slow, NULL) : 0;
    p->stalled = slowq >= 8 ? p->stalled + 1 : 0;
    while (p->sent < p->limit && wsd_client_queued(p->normal, NULL) < 32) {
        if (!p->overflow_ms && p->stalled < 200 && wsd_client_queued(p->slow, NULL) >= 8)
            break;
        struct wsd_msg *m = wsd_msg_new(p->buf, numbered(p->buf, p->sent));
        int rc = wsd_send_msg(p->normal, m);
        if (!p->overflow_ms && wsd_send_msg(p->slow, m) == DT_ETOOBIG)
            p->overflow_ms = netloop_now_ms();
        wsd_msg_free(m);
        if (rc != DT_OK)
            return;
        p->sent++;
        if (p->fx->closes > 0 && ++p->after_drop >= 200)
            return;
    }
    netloop_timer_start(t, 1);
}

static int numbered_in_order(const struct msglog *l, int n)
{
    char want[PAYLOAD + 1];
    if (l->n != n)
        return 0;
    for (int i = 0; i < n; i++) {
        numbered(want, i);
        if (l->len[i] != PAYLOAD || memcmp(l->data[i], want, PAYLOAD) != 0) {
            printf("  message %d differs\n", i);
            return 0;
        }
    }
    return 1;
}

TEST(slow_consumer_is_dropped_while_a_normal_client_keeps_receiving)
{
    struct wsfx fx;
    memset(&fx, 0, sizeof fx);
    struct wsd_options o = wsfx_options(&fx);
    o.queue_msgs = 64;
    o.queue_bytes = 1 << 20;
    o.overflow_message = RESYNC;
    o.close_timeout_ms = 300;
    CHECK_INT(wsfx_init(&fx, &o), 0);
    struct cli r;
    CHECK_INT(cli_connect(&fx, &r, NULL, NULL), 0);
    CHECK(run_until_ge(&fx, &fx.opens, 1, 5000));
    struct raw_hold slow = {.port = fx.port};
    CHECK(net_run_client(fx.loop, raw_hold_open, &slow, 10000));
    CHECK_INT(slow.status, 101);
    CHECK(run_until_ge(&fx, &fx.opens, 2, 5000));
    CHECK_INT(wsd_client_count(fx.s), 2);

    struct producer p = {.fx = &fx, .normal = fx.clients[0], .slow = fx.clients[1], .limit = 40000};
    struct netloop_timer *t = netloop_timer_new(fx.loop, produce, &p);
    if (p.normal && p.slow)
        netloop_timer_start(t, 0);
    CHECK(run_until_ge(&fx, &fx.closes, 1, 120000));
    uint64_t dropped_ms = netloop_now_ms();
    CHECK(run_until_ge(&fx, &p.after_drop, 200, 60000));
    CHECK(run_until_ge(&fx, &r.msgs.n, p.sent, 60000));
    CHECK_INT(fx.closes, 1);
    CHECK_INT(fx.close_code, WSD_CLOSE_POLICY);
    CHECK(fx.clients[1] == NULL && fx.clients[0] != NULL); /* the slow one went */
    CHECK_INT(wsd_client_count(fx.s), 1);
    CHECK(p.overflow_ms > 0);
    CHECK(p.sent < p.limit);
    CHECK(numbered_in_order(&r.msgs, p.sent));
    CHECK_INT(r.closed, 0);
    /* it could not take its last message: cut off when its close timeout ran out */
    CHECK(dropped_ms - p.overflow_ms >= 300);
    printf("  (slow consumer dropped after %d messages of %d bytes)\n", p.sent - p.after_drop,
           PAYLOAD);
    netloop_timer_free(t);
    raw_ws_close(&slow.r);
    cli_done(&r);
    wsfx_done(&fx);
}

struct overfill {
    struct wsd_client *cl;
    int accepted, overflowed, stalled;
    char buf[PAYLOAD + 1];
};

/* Keeps a few messages queued for one client; once the queue has stopped draining for a
 * while (the socket is full), fills it until it overflows. */
static void overfill(struct netloop_timer *t, void *user)
{
    struct overfill *f = user;
    size_t queued = wsd_client_queued(f->cl, NULL);
    f->stalled = queued >= 8 ? f->stalled + 1 : 0;
    while (f->stalled >= 20 || wsd_client_queued(f->cl, NULL) < 8) {
        size_t n = numbered(f->buf, f->accepted);
        int rc = wsd_send(f->cl, f->buf, n);
        if (rc == DT_ETOOBIG) {
            f->overflowed = 1;
            return;
        }
        if (rc != DT_OK)
            return;
        f->accepted++;
    }
    netloop_timer_start(t, 1);
}

struct drain {
    struct raw_hold *h;
    int in_order, resync, after_resync, close_code;
    char close_reason[128];
};

static void drain_run(void *arg)
{
    struct drain *d = arg;
    struct dt_buf p;
    dt_buf_init(&p);
    char want[PAYLOAD + 1];
    int op, fin;
    d->close_code = -1;
    while (raw_ws_read(&d->h->r, 5000, &op, &fin, &p) == 1) {
        if (op == RAW_WS_CLOSE) {
            d->close_code = raw_ws_close_code(&p);
            if (p.len > 2)
                snprintf(d->close_reason, sizeof d->close_reason, "%.*s", (int)p.len - 2,
                         p.data + 2);
            raw_ws_send(d->h->r.fd, RAW_WS_CLOSE, 1, p.data, p.len);
            break;
        }
        if (op != RAW_WS_TEXT)
            continue;
        if (d->resync) {
            d->after_resync++;
        } else if (p.len == strlen(RESYNC) && memcmp(p.data, RESYNC, p.len) == 0) {
            d->resync = 1;
        } else {
            numbered(want, d->in_order);
            if (p.len == PAYLOAD && memcmp(p.data, want, PAYLOAD) == 0)
                d->in_order++;
            else
                d->after_resync += 1000; /* out of order: fails the test */
        }
    }
    dt_buf_done(&p);
}

TEST(overflow_sends_the_resync_message_then_closes)
{
    struct wsfx fx;
    memset(&fx, 0, sizeof fx);
    struct wsd_options o = wsfx_options(&fx);
    o.queue_msgs = 16;
    o.overflow_message = RESYNC;
    o.close_timeout_ms = 20000; /* time for the reader to wake up */
    CHECK_INT(wsfx_init(&fx, &o), 0);
    struct raw_hold h = {.port = fx.port};
    CHECK(net_run_client(fx.loop, raw_hold_open, &h, 10000));
    CHECK_INT(h.status, 101);
    CHECK(run_until_ge(&fx, &fx.opens, 1, 5000));
    struct overfill f = {.cl = fx.clients[0]};
    struct netloop_timer *t = netloop_timer_new(fx.loop, overfill, &f);
    if (f.cl)
        netloop_timer_start(t, 0);
    CHECK(run_until_ge(&fx, &f.overflowed, 1, 60000));
    if (f.cl) {
        CHECK_INT(wsd_send(f.cl, "x", 1), DT_ESTATE); /* closing now */
        CHECK_INT(wsd_client_queued(f.cl, NULL), 1);  /* only the resync message */
    }
    CHECK_INT(fx.closes, 0); /* not yet: it still has its close timeout */
    struct drain d = {.h = &h};
    CHECK(net_run_client(fx.loop, drain_run, &d, 60000));
    /* what lws had taken arrives whole and in order; the 16 queued ones were dropped */
    CHECK_INT(d.in_order, f.accepted - 16);
    CHECK_INT(d.resync, 1);
    CHECK_INT(d.after_resync, 0);
    CHECK_INT(d.close_code, WSD_CLOSE_POLICY);
    CHECK(strstr(d.close_reason, "too slow") != NULL);
    CHECK(run_until_ge(&fx, &fx.closes, 1, 10000));
    CHECK_INT(fx.close_code, WSD_CLOSE_POLICY);
    netloop_timer_free(t);
    raw_ws_close(&h.r);
    wsfx_done(&fx);
}

/* ---- broadcast ---------------------------------------------------------------------------- */

#define N_CLIENTS 200

static int all_got(struct cli *rs, int n, int msgs)
{
    for (int i = 0; i < n; i++)
        if (rs[i].msgs.n < msgs)
            return 0;
    return 1;
}

static int wait_all(struct wsfx *fx, struct cli *rs, int n, int msgs)
{
    uint64_t end = netloop_now_ms() + 30000;
    while (!all_got(rs, n, msgs) && netloop_now_ms() < end)
        wsfx_spin(fx, 5);
    return all_got(rs, n, msgs);
}

TEST(broadcast_reaches_two_hundred_clients)
{
    struct wsfx fx;
    CHECK_INT(wsfx_init(&fx, NULL), 0);
    struct cli *rs = xcalloc(N_CLIENTS, sizeof *rs);
    for (int i = 0; i < N_CLIENTS; i++)
        CHECK_INT(cli_connect(&fx, &rs[i], NULL, NULL), 0);
    CHECK(run_until_ge(&fx, &fx.opens, N_CLIENTS, 30000));
    CHECK_INT(wsd_client_count(fx.s), N_CLIENTS);
    char *big = xmalloc(10001);
    memset(big, 'b', 10000);
    big[10000] = '\0';
    CHECK_INT(wsd_broadcast(fx.s, "{\"seq\":1}", 9), N_CLIENTS);
    CHECK_INT(wsd_broadcast(fx.s, big, 10000), N_CLIENTS);
    CHECK_INT(wsd_broadcast(fx.s, "{\"seq\":3}", 9), N_CLIENTS);
    /* one shared message for every other client */
    struct wsd_msg *m = wsd_msg_new("{\"seq\":4}", 9);
    int sent = 0;
    for (int i = 0; i < N_CLIENTS; i += 2)
        sent += fx.clients[i] && wsd_send_msg(fx.clients[i], m) == DT_OK;
    wsd_msg_free(m); /* the queues keep their references */
    CHECK_INT(sent, N_CLIENTS / 2);
    CHECK(wait_all(&fx, rs, N_CLIENTS, 3));
    wsfx_spin(&fx, 50);
    int exact = 0, fourth = 0;
    for (int i = 0; i < N_CLIENTS; i++) {
        struct msglog *l = &rs[i].msgs;
        exact += l->n >= 3 && strcmp(l->data[0], "{\"seq\":1}") == 0 &&
                 strcmp(l->data[1], big) == 0 && strcmp(l->data[2], "{\"seq\":3}") == 0;
        fourth += l->n == 4 && strcmp(l->data[3], "{\"seq\":4}") == 0;
    }
    CHECK_INT(exact, N_CLIENTS);
    CHECK_INT(fourth, N_CLIENTS / 2);
    /* clients leaving: the server counts them down */
    for (int i = 0; i < N_CLIENTS; i++)
        cli_done(&rs[i]);
    CHECK(run_until_ge(&fx, &fx.closes, N_CLIENTS, 30000));
    CHECK_INT(fx.close_code, WSC_CLOSE_GOING_AWAY);
    CHECK_INT(wsd_client_count(fx.s), 0);
    CHECK_INT(wsd_broadcast(fx.s, "nobody", 6), 0);
    free(big);
    free(rs);
    wsfx_done(&fx);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    net_raise_fd_limit();
    RUN(ten_thousand_messages_keep_their_order_both_ways);
    RUN(slow_consumer_is_dropped_while_a_normal_client_keeps_receiving);
    RUN(overflow_sends_the_resync_message_then_closes);
    RUN(broadcast_reaches_two_hundred_clients);
    return check_done();
}
