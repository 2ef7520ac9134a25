/*
 * wsc: the websocket client. See dialtone/wsc.h; messages, queues and reassembly are in
 * ws_common.c, the URL and header checks in wsc_parse.c.
 *
 * Connections live on a vhost of their own ("dialtone-ws-client", created on a loop's first
 * client and destroyed with the loop) whose one protocol is ours: lws is told to ask the
 * server for the caller's subprotocol (connect info `protocol`) and to deliver the events to
 * our protocol (`local_protocol_name`), whatever the server picked.
 *
 * The connection's lws opaque pointer is the struct wsc while they belong together; finish()
 * detaches them before on_close, and events of a detached connection are ignored (or refused,
 * so that it closes). One timer per client starts the connection (so that no callback runs
 * inside wsc_new), then watches the connect timeout, the pings and the close timeout.
 */
#include "wsc_int.h"

#include "dialtone/netloop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLIENT_VHOST    "dialtone-ws-client"
#define CLIENT_PROTOCOL "dialtone-wsc"
#define RX_CHUNK        16384
#define MIN_TICK_MS     5

enum c_state { C_STARTING, C_CONNECTING, C_OPEN, C_CLOSING, C_DONE };

struct wsc {
    struct netloop *loop;
    struct lws *wsi;
    enum c_state state;
    struct wsc_options opt; /* url, subprotocol and headers are not kept */
    struct wsc_target t;
    struct ws_queue q;
    struct ws_rx rx;
    struct ws_close close;
    int http_status;
    struct netloop_timer *timer;
    uint64_t tick_ms, last_rx_ms, last_ping_ms, closing_ms;
    int ping_due;
    int close_sent; /* the writeable callback returned -1 to close */
    int depth;      /* user callbacks running */
    int freed;      /* wsc_free was called inside one */
};

static int wsc_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                        size_t len);

static const struct lws_protocols client_protocols[] = {
    {.name = CLIENT_PROTOCOL, .callback = wsc_callback, .rx_buffer_size = RX_CHUNK},
    {.name = NULL},
};

/* ---- life --------------------------------------------------------------------------------- */

/*
 * Frees the client and lets its connection go: an open one is sent a close frame. inside: we
 * are in one of the connection's own lws callbacks, which then returns -1 to close it (lws
 * sends the close frame); otherwise it is killed synchronously, which also sends it (an
 * asynchronous kill counts as a timeout, which lws ends without a close frame).
 */
static void release(struct wsc *c, int inside)
{
    if (c->wsi) {
        lws_set_opaque_user_data(c->wsi, NULL);
        if (c->state == C_OPEN || c->state == C_CLOSING) {
            struct ws_close bye;
            ws_close_set(&bye, WSC_CLOSE_GOING_AWAY, "client going away");
            ws_close_frame(c->wsi, &bye);
        }
        if (!inside)
            lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_SYNC);
    }
    netloop_timer_free(c->timer);
    ws_queue_done(&c->q);
    ws_rx_done(&c->rx);
    wsc_target_done(&c->t);
    free(c);
}

void wsc_free(struct wsc *c)
{
    if (!c)
        return;
    if (c->depth > 0) {
        c->freed = 1; /* released when the callback returns */
        return;
    }
    release(c, 0);
}

/* After a user callback: 1 when the client was freed in it (and is now gone). A user
 * callback runs inside an lws callback of the connection, if it still has one: the caller
 * then returns -1. */
static int leave(struct wsc *c)
{
    c->depth--;
    if (c->depth == 0 && c->freed) {
        release(c, 1);
        return 1;
    }
    return 0;
}

/* Ends the client's connection life and tells the owner. Returns 1 if it was freed then. */
static int finish(struct wsc *c, struct lws *wsi)
{
    if (c->state == C_DONE)
        return 0;
    int opened = c->state == C_OPEN || c->state == C_CLOSING;
    c->state = C_DONE;
    if (wsi)
        lws_set_opaque_user_data(wsi, NULL);
    c->wsi = NULL;
    netloop_timer_stop(c->timer);
    ws_queue_clear(&c->q);
    if (!c->opt.on_close)
        return 0;
    struct wsc_close_info info = {
        .opened = opened,
        .http_status = c->http_status,
        .code = c->close.code,
        .reason = c->close.reason,
    };
    c->depth++;
    c->opt.on_close(c, &info, c->opt.user);
    return leave(c);
}

/* Gives up on the connection from the timer: cut it and report. */
static void give_up(struct wsc *c, const char *reason)
{
    if (reason)
        ws_close_set(&c->close, WSC_CLOSE_ABNORMAL, reason);
    struct lws *wsi = c->wsi;
    if (wsi) {
        lws_set_opaque_user_data(wsi, NULL);
        ws_kill(wsi);
    }
    finish(c, NULL);
}

/* ---- connecting --------------------------------------------------------------------------- */

static struct lws_vhost *client_vhost(struct lws_context *ctx)
{
    struct lws_vhost *vh = lws_get_vhost_by_name(ctx, CLIENT_VHOST);
    if (vh)
        return vh;
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.port = CONTEXT_PORT_NO_LISTEN;
    info.vhost_name = CLIENT_VHOST;
    info.protocols = client_protocols;
    return lws_create_vhost(ctx, &info);
}

static void start(struct wsc *c)
{
    struct lws_context *ctx = netloop_context(c->loop);
    struct lws_vhost *vh = client_vhost(ctx);
    if (!vh) {
        give_up(c, "cannot create the client vhost");
        return;
    }
    struct lws_client_connect_info i;
    memset(&i, 0, sizeof i);
    i.context = ctx;
    i.vhost = vh;
    i.address = c->t.host;
    i.port = c->t.port;
    i.path = c->t.path;
    i.host = c->t.hosthdr;
    i.origin = c->t.hosthdr;
    i.protocol = c->t.subprotocol;
    i.local_protocol_name = CLIENT_PROTOCOL;
    i.ietf_version_or_minus_one = -1;
    i.opaque_user_data = c;
    c->state = C_CONNECTING;
    netloop_timer_start(c->timer, c->opt.connect_timeout_ms);
    c->depth++; /* lws may report a failure from inside the call */
    struct lws *wsi = lws_client_connect_via_info(&i);
    if (c->state == C_CONNECTING) {
        if (wsi)
            c->wsi = wsi;
        else
            give_up(c, "cannot connect");
    }
    leave(c);
}

/* ---- the timer ---------------------------------------------------------------------------- */

static void on_timer(struct netloop_timer *t, void *user)
{
    struct wsc *c = user;
    uint64_t now = netloop_now_ms();
    switch (c->state) {
    case C_STARTING:
        start(c);
        return;
    case C_CONNECTING:
        give_up(c, "timed out connecting");
        return;
    case C_CLOSING:
        if (now - c->closing_ms >= c->opt.close_timeout_ms) {
            give_up(c, NULL);
            return;
        }
        break;
    case C_OPEN:
        if (now - c->last_rx_ms >= c->opt.ping_timeout_ms) {
            give_up(c, "no answer to ping");
            return;
        }
        if (now - c->last_rx_ms >= c->opt.ping_interval_ms &&
            now - c->last_ping_ms >= c->opt.ping_interval_ms) {
            c->ping_due = 1;
            lws_callback_on_writable(c->wsi);
        }
        break;
    case C_DONE:
        return;
    }
    netloop_timer_start(t, c->tick_ms);
}

/* ---- sending ------------------------------------------------------------------------------ */

int wsc_send(struct wsc *c, const void *data, size_t len)
{
    if (c->state != C_OPEN)
        return DT_ESTATE;
    if (!ws_queue_fits(&c->q, len))
        return DT_ETOOBIG;
    struct ws_msg *m = ws_msg_new(data, len);
    ws_queue_push(&c->q, m);
    ws_msg_unref(m);
    lws_callback_on_writable(c->wsi);
    return DT_OK;
}

int wsc_close(struct wsc *c, int code, const char *reason)
{
    if (code != WSC_CLOSE_NORMAL && (code < 3000 || code > 4999))
        return DT_EINVAL;
    if (c->state != C_OPEN)
        return DT_ESTATE;
    ws_close_set(&c->close, code, reason);
    c->state = C_CLOSING;
    c->closing_ms = netloop_now_ms();
    lws_callback_on_writable(c->wsi);
    return DT_OK;
}

int wsc_is_open(const struct wsc *c)
{
    return c->state == C_OPEN;
}

size_t wsc_queued(const struct wsc *c, size_t *bytes)
{
    if (bytes)
        *bytes = c->q.bytes;
    return c->q.n;
}

static int on_writeable(struct wsc *c, struct lws *wsi)
{
    if (c->ping_due) {
        c->ping_due = 0;
        c->last_ping_ms = netloop_now_ms();
        if (ws_write_ping(wsi) < 0)
            return -1;
    } else {
        struct ws_msg *m = ws_queue_pop(&c->q);
        if (!m) {
            if (c->state != C_CLOSING || c->close_sent)
                return 0;
            c->close_sent = 1; /* lws goes on to send the close frame */
            ws_close_frame(wsi, &c->close);
            return -1;
        }
        int rc = ws_write_msg(wsi, m); /* masks m in place: it is never shared */
        ws_msg_unref(m);
        if (rc < 0)
            return -1;
    }
    if (c->q.n > 0 || c->ping_due || c->state == C_CLOSING)
        lws_callback_on_writable(wsi);
    return 0;
}

/* ---- events ------------------------------------------------------------------------------- */

static int on_established(struct wsc *c, struct lws *wsi)
{
    c->wsi = wsi;
    c->state = C_OPEN;
    c->last_rx_ms = c->last_ping_ms = netloop_now_ms();
    netloop_timer_start(c->timer, c->tick_ms);
    if (!c->opt.on_open)
        return 0;
    c->depth++;
    c->opt.on_open(c, c->opt.user);
    return leave(c) ? -1 : 0;
}

static int on_receive(struct wsc *c, struct lws *wsi, const void *in, size_t len)
{
    c->last_rx_ms = netloop_now_ms();
    if (c->state != C_OPEN)
        return 0;
    switch (ws_rx_feed(&c->rx, wsi, in, len, c->opt.max_message)) {
    case WS_RX_MORE:
        return 0;
    case WS_RX_TOO_BIG:
        ws_close_set(&c->close, WSC_CLOSE_TOO_BIG, "message too big");
        break;
    case WS_RX_BAD_UTF8:
        ws_close_set(&c->close, WSC_CLOSE_BAD_DATA, "text message is not UTF-8");
        break;
    case WS_RX_DONE:
        if (c->opt.on_message) {
            c->depth++;
            c->opt.on_message(c, c->rx.buf.data ? c->rx.buf.data : "", c->rx.buf.len, c->rx.binary,
                              c->opt.user);
            if (leave(c))
                return -1;
        }
        ws_rx_reset(&c->rx);
        return 0;
    }
    c->state = C_CLOSING;
    ws_close_frame(wsi, &c->close);
    return -1;
}

static void on_connection_error(struct wsc *c, struct lws *wsi, const char *in, size_t len)
{
    c->http_status = (int)lws_http_client_http_response(wsi);
    char what[96];
    snprintf(what, sizeof what, "%.*s", (int)(in ? len : 0), in ? in : "");
    char reason[WS_REASON_MAX + 1];
    if (c->http_status && c->http_status != 101)
        snprintf(reason, sizeof reason, "upgrade refused: HTTP %d", c->http_status);
    else
        snprintf(reason, sizeof reason, "connection failed%s%s", what[0] ? ": " : "", what);
    ws_close_set(&c->close, WSC_CLOSE_ABNORMAL, reason);
    finish(c, wsi);
}

static int add_headers(struct wsc *c, struct lws *wsi, char **p, size_t len)
{
    unsigned char **up = (unsigned char **)p;
    unsigned char *end = *up + len;
    for (size_t i = 0; i < c->t.nheaders; i++) {
        const struct wsc_target_header *hd = &c->t.headers[i];
        if (lws_add_http_header_by_name(wsi, (const unsigned char *)hd->name,
                                        (const unsigned char *)hd->value, (int)strlen(hd->value),
                                        up, end))
            return -1;
    }
    return 0;
}

static int wsc_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                        size_t len)
{
    struct wsc *c = lws_get_opaque_user_data(wsi);
    if (!c) { /* detached, and told to close: lws sends the close frame by itself */
        switch (reason) {
        case LWS_CALLBACK_CLIENT_ESTABLISHED:
        case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
            return -1;
        case LWS_CALLBACK_CLIENT_RECEIVE:
        case LWS_CALLBACK_CLIENT_WRITEABLE:
            return 0;
        default:
            return lws_callback_http_dummy(wsi, reason, user, in, len);
        }
    }
    switch (reason) {
    case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
        return add_headers(c, wsi, in, len);
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
        return on_established(c, wsi);
    case LWS_CALLBACK_CLIENT_RECEIVE:
        return on_receive(c, wsi, in, len);
    case LWS_CALLBACK_CLIENT_RECEIVE_PONG:
        c->last_rx_ms = netloop_now_ms();
        return 0;
    case LWS_CALLBACK_CLIENT_WRITEABLE:
        return on_writeable(c, wsi);
    case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
        if (c->state == C_OPEN)
            ws_close_from_frame(&c->close, in, len);
        return 0;
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
        on_connection_error(c, wsi, in, len);
        return 0;
    case LWS_CALLBACK_CLIENT_CLOSED:
    case LWS_CALLBACK_WSI_DESTROY:
        finish(c, wsi);
        return 0;
    default:
        return lws_callback_http_dummy(wsi, reason, user, in, len);
    }
}

/* ---- creating ----------------------------------------------------------------------------- */

static uint64_t min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

static int fill_options(struct wsc *c, const struct wsc_options *opt, char *err, size_t errlen)
{
    c->opt = *opt;
    struct wsc_options *o = &c->opt;
    o->max_message = o->max_message ? o->max_message : WSC_MAX_MESSAGE_DEFAULT;
    o->queue_msgs = o->queue_msgs ? o->queue_msgs : WSC_QUEUE_MSGS_DEFAULT;
    o->queue_bytes = o->queue_bytes ? o->queue_bytes : WSC_QUEUE_BYTES_DEFAULT;
    if (!o->connect_timeout_ms)
        o->connect_timeout_ms = WSC_CONNECT_TIMEOUT_DEFAULT;
    if (!o->ping_interval_ms)
        o->ping_interval_ms = WSC_PING_INTERVAL_DEFAULT;
    if (!o->ping_timeout_ms)
        o->ping_timeout_ms = WSC_PING_TIMEOUT_DEFAULT;
    if (!o->close_timeout_ms)
        o->close_timeout_ms = WSC_CLOSE_TIMEOUT_DEFAULT;
    if (o->ping_timeout_ms <= o->ping_interval_ms)
        return dt_seterr(err, errlen, DT_EINVAL, "ping timeout must be above the ping interval");
    o->url = NULL;
    o->subprotocol = NULL;
    o->headers = NULL;
    o->nheaders = 0;
    uint64_t tick = min_u64(o->ping_interval_ms, o->ping_timeout_ms - o->ping_interval_ms);
    c->tick_ms = min_u64(tick, o->close_timeout_ms) / 2;
    if (c->tick_ms < MIN_TICK_MS)
        c->tick_ms = MIN_TICK_MS;
    return DT_OK;
}

struct wsc *wsc_new(struct netloop *loop, const struct wsc_options *opt, char *err, size_t errlen)
{
    struct wsc *c = xcalloc(1, sizeof *c);
    c->loop = loop;
    if (wsc_target_init(&c->t, opt->url, opt->subprotocol, opt->headers, opt->nheaders, err,
                        errlen) != DT_OK) {
        free(c);
        return NULL;
    }
    if (fill_options(c, opt, err, errlen) != DT_OK) {
        wsc_target_done(&c->t);
        free(c);
        return NULL;
    }
    ws_queue_init(&c->q, c->opt.queue_msgs, c->opt.queue_bytes);
    ws_rx_init(&c->rx);
    ws_close_set(&c->close, WSC_CLOSE_ABNORMAL, "connection lost");
    c->state = C_STARTING;
    c->timer = netloop_timer_new(loop, on_timer, c);
    netloop_timer_start(c->timer, 0);
    return c;
}
