/*
 * wsd: websocket endpoints on httpd. See dialtone/wsd.h; messages, queues and reassembly are
 * in ws_common.c.
 *
 * An upgrade comes to httpd as LWS_CALLBACK_HTTP_CONFIRM_UPGRADE, which hands it to the
 * endpoint registered for the path (on_upgrade here). Once accepted, the connection's httpd
 * link points at its struct wsd_client, and httpd's callback passes every later event of the
 * connection to ws_callback below, whichever vhost protocol lws bound it to (the endpoint's
 * subprotocol, or "http" when the client asked for none). The client lives as long as the
 * link: it is freed when lws destroys the connection (or httpd_free removes it), through the
 * link's ws_gone hook.
 *
 * States: PENDING from the accept to LWS_CALLBACK_ESTABLISHED; OPEN; CLOSING once a close
 * is decided (its queue drains, then the close frame goes); GONE once the owner was told
 * (on_close), which may come before lws has finished with the connection.
 */
#include "httpd_int.h"
#include "ws_int.h"

#include "dialtone/netloop.h"
#include "dialtone/wsd.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MIN_TICK_MS             5
#define WSD_WRITES_PER_CALLBACK 64          /* messages written in one writeable callback at most */
#define WSD_WRITE_BYTES         (64 * 1024) /* and bytes, unless the first alone is more */

enum cl_state { CL_PENDING, CL_OPEN, CL_CLOSING, CL_GONE };

struct wsd {
    struct httpd *h;
    struct wsd_options opt; /* path and subprotocol point to the copies below */
    char *path;
    char *subprotocol;
    struct ws_msg *overflow; /* NULL: none */
    struct netloop_timer *sweep;
    uint64_t tick_ms;
    struct wsd_client *clients; /* every client, pending and gone ones included */
    size_t nopen;
};

struct wsd_client {
    struct wsd *srv; /* NULL once wsd_free let it go */
    struct httpd_link *link;
    struct lws *wsi;
    enum cl_state state;
    int opened;
    struct wsd_client *prev, *next;
    struct ws_queue q;
    struct ws_rx rx;
    struct ws_close close; /* how it ended, or will end */
    uint64_t last_rx_ms, last_ping_ms, closing_ms;
    int ping_due;
    int close_sent; /* the writeable callback returned -1 to close */
    void *user;
    char remote[HTTPD_REMOTE_MAX];
};

/* ---- client life -------------------------------------------------------------------------- */

static void unlink_client(struct wsd_client *cl)
{
    struct wsd *s = cl->srv;
    if (!s)
        return;
    if (cl->prev)
        cl->prev->next = cl->next;
    else
        s->clients = cl->next;
    if (cl->next)
        cl->next->prev = cl->prev;
    cl->prev = cl->next = NULL;
    cl->srv = NULL;
}

static void free_client(struct wsd_client *cl)
{
    ws_queue_done(&cl->q);
    ws_rx_done(&cl->rx);
    free(cl);
}

/* Tells the owner, once, that an opened client is gone. */
static void report_gone(struct wsd_client *cl)
{
    if (cl->state == CL_GONE)
        return;
    int was_open = cl->opened;
    cl->state = CL_GONE;
    ws_queue_clear(&cl->q);
    struct wsd *s = cl->srv;
    if (!s || !was_open)
        return;
    s->nopen--;
    if (s->opt.on_close)
        s->opt.on_close(cl, cl->close.code, cl->close.reason, s->opt.user);
}

/* The link's ws_gone hook: lws destroyed the connection, or httpd_free removed it. */
static void client_gone(void *p)
{
    struct wsd_client *cl = p;
    report_gone(cl);
    unlink_client(cl);
    free_client(cl);
}

/* Cuts a client off at once, telling the owner with the code already set in cl->close. */
static void drop(struct wsd_client *cl)
{
    report_gone(cl);
    if (cl->wsi)
        ws_kill(cl->wsi);
}

static void begin_closing(struct wsd_client *cl)
{
    cl->state = CL_CLOSING;
    cl->closing_ms = netloop_now_ms();
    lws_callback_on_writable(cl->wsi);
}

/* ---- sending ------------------------------------------------------------------------------ */

static void overflow(struct wsd_client *cl)
{
    struct wsd *s = cl->srv;
    ws_queue_clear(&cl->q);
    if (s->overflow && ws_queue_fits(&cl->q, s->overflow->len))
        ws_queue_push(&cl->q, s->overflow);
    ws_close_set(&cl->close, WSD_CLOSE_POLICY, "too slow: send queue overflowed");
    begin_closing(cl);
}

static int send_msg(struct wsd_client *cl, struct ws_msg *m)
{
    if (!cl->srv || cl->state != CL_OPEN)
        return DT_ESTATE;
    if (m->len > cl->q.max_bytes)
        return DT_EINVAL;
    if (!ws_queue_fits(&cl->q, m->len)) {
        overflow(cl);
        return DT_ETOOBIG;
    }
    ws_queue_push(&cl->q, m);
    lws_callback_on_writable(cl->wsi);
    return DT_OK;
}

int wsd_send(struct wsd_client *cl, const void *data, size_t len)
{
    struct ws_msg *m = ws_msg_new(data, len);
    int rc = send_msg(cl, m);
    ws_msg_unref(m);
    return rc;
}

/* struct wsd_msg is never defined: a handle is a struct ws_msg under another name. */
struct wsd_msg *wsd_msg_new(const void *data, size_t len)
{
    return (struct wsd_msg *)ws_msg_new(data, len);
}

int wsd_send_msg(struct wsd_client *cl, struct wsd_msg *msg)
{
    return send_msg(cl, (struct ws_msg *)msg);
}

void wsd_msg_free(struct wsd_msg *msg)
{
    ws_msg_unref((struct ws_msg *)msg);
}

size_t wsd_broadcast(struct wsd *s, const void *data, size_t len)
{
    struct ws_msg *m = ws_msg_new(data, len);
    size_t n = 0;
    for (struct wsd_client *cl = s->clients; cl; cl = cl->next)
        if (cl->state == CL_OPEN && send_msg(cl, m) == DT_OK)
            n++;
    ws_msg_unref(m);
    return n;
}

static int valid_close_code(int code)
{
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) ||
           (code >= 3000 && code <= 4999);
}

int wsd_close(struct wsd_client *cl, int code, const char *reason)
{
    if (!valid_close_code(code))
        return DT_EINVAL;
    if (!cl->srv || cl->state != CL_OPEN)
        return DT_ESTATE;
    ws_close_set(&cl->close, code, reason);
    begin_closing(cl);
    return DT_OK;
}

/* In a writeable callback: a ping that is due, else the queued messages in one write (up to
 * WSD_WRITES_PER_CALLBACK and WSD_WRITE_BYTES, so that one client cannot hold the loop), else
 * (when closing with nothing left) the close frame. One frame per callback would leave a
 * client that is sent an event per webhook further behind at every loop round, and one send
 * per frame costs the loop more than the frames themselves. */
static int on_writeable(struct wsd_client *cl, struct lws *wsi)
{
    if (cl->state == CL_GONE)
        return -1;
    if (cl->ping_due) {
        cl->ping_due = 0;
        cl->last_ping_ms = netloop_now_ms();
        if (ws_write_ping(wsi) < 0)
            return -1;
    } else if (cl->q.n == 0) {
        if (cl->state != CL_CLOSING || cl->close_sent)
            return 0;
        cl->close_sent = 1; /* lws goes on to send the close frame */
        ws_close_frame(wsi, &cl->close);
        return -1;
    } else {
        if (ws_write_queued(wsi, &cl->q, WSD_WRITES_PER_CALLBACK, WSD_WRITE_BYTES) < 0)
            return -1;
    }
    if (cl->q.n > 0 || cl->ping_due || cl->state == CL_CLOSING)
        lws_callback_on_writable(wsi);
    return 0;
}

/* ---- receiving ---------------------------------------------------------------------------- */

static int on_receive(struct wsd_client *cl, struct lws *wsi, const void *in, size_t len)
{
    cl->last_rx_ms = netloop_now_ms();
    if (cl->state != CL_OPEN)
        return 0; /* closing: what still comes in is not read */
    switch (ws_rx_feed(&cl->rx, wsi, in, len, cl->srv->opt.max_message)) {
    case WS_RX_MORE:
        return 0;
    case WS_RX_TOO_BIG:
        ws_close_set(&cl->close, WSD_CLOSE_TOO_BIG, "message too big");
        break;
    case WS_RX_BAD_UTF8:
        ws_close_set(&cl->close, WSD_CLOSE_BAD_DATA, "text message is not UTF-8");
        break;
    case WS_RX_DONE: {
        struct wsd *s = cl->srv;
        if (s->opt.on_message)
            s->opt.on_message(cl, cl->rx.buf.data ? cl->rx.buf.data : "", cl->rx.buf.len,
                              cl->rx.binary, s->opt.user);
        ws_rx_reset(&cl->rx);
        return 0;
    }
    }
    cl->state = CL_CLOSING;
    ws_close_frame(wsi, &cl->close);
    return -1;
}

/* ---- the lws callback for accepted connections -------------------------------------------- */

static void arm_sweep(struct wsd *s)
{
    if (!netloop_timer_pending(s->sweep))
        netloop_timer_start(s->sweep, s->tick_ms);
}

static int on_established(struct wsd_client *cl, struct lws *wsi)
{
    struct wsd *s = cl->srv;
    cl->wsi = wsi;
    cl->state = CL_OPEN;
    cl->opened = 1;
    cl->last_rx_ms = cl->last_ping_ms = netloop_now_ms();
    s->nopen++;
    arm_sweep(s);
    if (s->opt.on_open)
        s->opt.on_open(cl, s->opt.user);
    return 0;
}

/* The client asked for a subprotocol: lws must have bound the endpoint's. */
static int check_protocol(const struct wsd_client *cl, struct lws *wsi)
{
    if (lws_hdr_total_length(wsi, WSI_TOKEN_PROTOCOL) <= 0)
        return 0;
    const struct lws_protocols *p = lws_get_protocol(wsi);
    const char *want = cl->srv->subprotocol;
    return p && p->name && want && strcmp(p->name, want) == 0 ? 0 : -1;
}

static int ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                       size_t len)
{
    struct httpd_link *link = lws_get_opaque_user_data(wsi);
    struct wsd_client *cl = link ? link->ws : NULL;
    if (reason == LWS_CALLBACK_WSI_DESTROY) {
        if (link)
            httpd_conn_forget(link->h, wsi); /* frees cl through client_gone */
        return 0;
    }
    if (!cl || !cl->srv)
        return lws_callback_http_dummy(wsi, reason, user, in, len);

    switch (reason) {
    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
        return check_protocol(cl, wsi);
    case LWS_CALLBACK_ESTABLISHED:
        return on_established(cl, wsi);
    case LWS_CALLBACK_RECEIVE:
        return on_receive(cl, wsi, in, len);
    case LWS_CALLBACK_RECEIVE_PONG:
        cl->last_rx_ms = netloop_now_ms();
        return 0;
    case LWS_CALLBACK_SERVER_WRITEABLE:
        return on_writeable(cl, wsi);
    case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
        if (cl->state == CL_OPEN)
            ws_close_from_frame(&cl->close, in, len);
        return 0; /* lws answers with its own close frame */
    case LWS_CALLBACK_CLOSED:
        report_gone(cl);
        return 0;
    default:
        return lws_callback_http_dummy(wsi, reason, user, in, len);
    }
}

/* ---- accepting ---------------------------------------------------------------------------- */

/* 1 when the comma-separated list names proto. */
static int lists_protocol(const char *list, const char *proto)
{
    size_t plen = proto ? strlen(proto) : 0;
    while (plen && *list) {
        list += strspn(list, " \t,");
        size_t n = strcspn(list, " \t,");
        if (n == plen && strncmp(list, proto, n) == 0)
            return 1;
        list += n;
    }
    return 0;
}

static int on_upgrade(struct httpd_req *req, struct httpd_link *link, void *user)
{
    struct wsd *s = user;
    const char *asked = httpd_req_header(req, "sec-websocket-protocol");
    if (asked && !lists_protocol(asked, s->subprotocol)) {
        httpd_respond_str(req, 400, "text/plain; charset=utf-8",
                          "unsupported websocket subprotocol\n");
        return -1;
    }
    struct wsd_client *cl = xcalloc(1, sizeof *cl);
    cl->srv = s;
    cl->link = link;
    cl->state = CL_PENDING;
    ws_queue_init(&cl->q, s->opt.queue_msgs, s->opt.queue_bytes);
    ws_rx_init(&cl->rx);
    ws_close_set(&cl->close, WSD_CLOSE_ABNORMAL, "connection lost");
    dt_strlcpy(cl->remote, httpd_req_remote(req), sizeof cl->remote);
    if (s->opt.accept && (s->opt.accept(cl, req, s->opt.user) != 0 || req->state != REQ_HANDLING)) {
        free_client(cl);
        return -1;
    }
    cl->next = s->clients;
    if (s->clients)
        s->clients->prev = cl;
    s->clients = cl;
    link->ws = cl;
    link->ws_callback = ws_callback;
    link->ws_gone = client_gone;
    return 0;
}

/* ---- pings and timeouts ------------------------------------------------------------------- */

static void sweep(struct netloop_timer *t, void *user)
{
    struct wsd *s = user;
    uint64_t now = netloop_now_ms();
    int live = 0;
    struct wsd_client *next;
    for (struct wsd_client *cl = s->clients; cl; cl = next) {
        next = cl->next;
        if (cl->state == CL_CLOSING && now - cl->closing_ms >= s->opt.close_timeout_ms) {
            drop(cl);
        } else if (cl->state == CL_OPEN && now - cl->last_rx_ms >= s->opt.ping_timeout_ms) {
            ws_close_set(&cl->close, WSD_CLOSE_ABNORMAL, "no answer to ping");
            drop(cl);
        } else if (cl->state == CL_OPEN && now - cl->last_rx_ms >= s->opt.ping_interval_ms &&
                   now - cl->last_ping_ms >= s->opt.ping_interval_ms) {
            cl->ping_due = 1;
            lws_callback_on_writable(cl->wsi);
        }
        live |= cl->state == CL_OPEN || cl->state == CL_CLOSING;
    }
    if (live)
        netloop_timer_start(t, s->tick_ms);
}

/* ---- the endpoint ------------------------------------------------------------------------- */

static uint64_t min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

static int fill_options(struct wsd *s, const struct wsd_options *opt, char *err, size_t errlen)
{
    s->opt = *opt;
    struct wsd_options *o = &s->opt;
    if (!o->max_message)
        o->max_message = WSD_MAX_MESSAGE_DEFAULT;
    if (!o->queue_msgs)
        o->queue_msgs = WSD_QUEUE_MSGS_DEFAULT;
    if (!o->queue_bytes)
        o->queue_bytes = WSD_QUEUE_BYTES_DEFAULT;
    if (!o->ping_interval_ms)
        o->ping_interval_ms = WSD_PING_INTERVAL_DEFAULT;
    if (!o->ping_timeout_ms)
        o->ping_timeout_ms = WSD_PING_TIMEOUT_DEFAULT;
    if (!o->close_timeout_ms)
        o->close_timeout_ms = WSD_CLOSE_TIMEOUT_DEFAULT;
    if (!o->path || o->path[0] != '/')
        return dt_seterr(err, errlen, DT_EINVAL, "websocket path must start with '/'");
    if (o->ping_timeout_ms <= o->ping_interval_ms)
        return dt_seterr(err, errlen, DT_EINVAL, "ping timeout must be above the ping interval");
    if (o->subprotocol &&
        (!o->subprotocol[0] || !lws_vhost_name_to_protocol(s->h->vh, o->subprotocol)))
        return dt_seterr(err, errlen, DT_EINVAL,
                         "subprotocol \"%s\" is not in the server's ws_subprotocols",
                         o->subprotocol);
    s->path = xstrdup(o->path);
    s->subprotocol = o->subprotocol ? xstrdup(o->subprotocol) : NULL;
    o->path = s->path;
    o->subprotocol = s->subprotocol;
    if (o->overflow_message)
        s->overflow = ws_msg_new(o->overflow_message, strlen(o->overflow_message));
    o->overflow_message = NULL;
    uint64_t tick = min_u64(o->ping_interval_ms, o->ping_timeout_ms - o->ping_interval_ms);
    s->tick_ms = min_u64(tick, o->close_timeout_ms) / 2;
    if (s->tick_ms < MIN_TICK_MS)
        s->tick_ms = MIN_TICK_MS;
    return DT_OK;
}

static void free_endpoint(struct wsd *s)
{
    netloop_timer_free(s->sweep);
    ws_msg_unref(s->overflow);
    free(s->path);
    free(s->subprotocol);
    free(s);
}

struct wsd *wsd_new(struct httpd *h, const struct wsd_options *opt, char *err, size_t errlen)
{
    struct wsd *s = xcalloc(1, sizeof *s);
    s->h = h;
    if (fill_options(s, opt, err, errlen) != DT_OK)
        goto fail;
    if (httpd_add_upgrade(h, s->path, on_upgrade, s) != DT_OK) {
        dt_seterr(err, errlen, DT_EEXIST, "%s already has a websocket endpoint", s->path);
        goto fail;
    }
    s->sweep = netloop_timer_new(h->loop, sweep, s);
    return s;
fail:
    free_endpoint(s);
    return NULL;
}

void wsd_free(struct wsd *s)
{
    if (!s)
        return;
    httpd_remove_upgrade(s->h, s);
    struct ws_close bye;
    ws_close_set(&bye, WSD_CLOSE_GOING_AWAY, "server shutting down");
    while (s->clients) {
        struct wsd_client *cl = s->clients;
        unlink_client(cl);
        struct httpd_link *link = cl->link;
        link->ws = NULL;
        link->ws_callback = NULL;
        link->ws_gone = NULL;
        if (cl->state == CL_OPEN || cl->state == CL_CLOSING) {
            /* A synchronous kill closes as a callback returning -1 would: lws sends the close
             * frame (an asynchronous one is a "timeout", which lws ends without a word). */
            ws_close_frame(link->wsi, &bye);
            lws_set_timeout(link->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_SYNC);
        } else if (cl->state == CL_PENDING) {
            ws_kill(link->wsi);
        }
        free_client(cl);
    }
    free_endpoint(s);
}

size_t wsd_client_count(const struct wsd *s)
{
    return s->nopen;
}

void wsd_client_set_user(struct wsd_client *cl, void *user)
{
    cl->user = user;
}

void *wsd_client_user(const struct wsd_client *cl)
{
    return cl->user;
}

const char *wsd_client_remote(const struct wsd_client *cl)
{
    return cl->remote;
}

size_t wsd_client_queued(const struct wsd_client *cl, size_t *bytes)
{
    if (bytes)
        *bytes = cl->q.bytes;
    return cl->q.n;
}
