/*
 * wsc: a websocket client on the netloop (the console's event stream). It connects to
 * ws://host:port/path with extra request headers (Authorization) and a subprotocol, hands
 * over whole messages (reassembled from fragments under a cap), and queues what it sends
 * (bounded), writing one message per writeable callback. It pings a server it has not heard
 * from and gives up on one that stays silent. It never reconnects by itself: after on_close,
 * free it and create a new one when the owner's backoff says so.
 *
 * Threads: everything here is for the loop thread only; callbacks run there too.
 */
#ifndef DIALTONE_WSC_H
#define DIALTONE_WSC_H

#include <stddef.h>

struct netloop;
struct wsc;

#define WSC_MAX_HEADERS             16
#define WSC_MAX_HEADER_BYTES        2048              /* names and values together */
#define WSC_MAX_MESSAGE_DEFAULT     ((size_t)1 << 20) /* received message cap, bytes */
#define WSC_QUEUE_MSGS_DEFAULT      256
#define WSC_QUEUE_BYTES_DEFAULT     ((size_t)1 << 20)
#define WSC_CONNECT_TIMEOUT_DEFAULT 10000 /* ms, until the websocket is open */
#define WSC_PING_INTERVAL_DEFAULT   15000 /* ms */
#define WSC_PING_TIMEOUT_DEFAULT    45000 /* ms */
#define WSC_CLOSE_TIMEOUT_DEFAULT   5000  /* ms */

/* Close codes (RFC 6455) as on_close reports them. */
#define WSC_CLOSE_NORMAL     1000
#define WSC_CLOSE_GOING_AWAY 1001
#define WSC_CLOSE_NO_STATUS  1005 /* the server's close frame had no code */
#define WSC_CLOSE_ABNORMAL   1006 /* no close frame: never connected, lost, or timed out */
#define WSC_CLOSE_BAD_DATA   1007
#define WSC_CLOSE_TOO_BIG    1009

struct wsc_header {
    const char *name; /* "Authorization" */
    const char *value;
};

/* How the connection ended. Valid during the on_close call only. */
struct wsc_close_info {
    int opened;         /* 0: it never opened (unreachable, refused, handshake failed, timed out) */
    int http_status;    /* the server's answer when it refused the upgrade (401, 403...), else 0 */
    int code;           /* the close code: the server's, this side's, or WSC_CLOSE_ABNORMAL */
    const char *reason; /* the server's reason or what went wrong, in a short phrase */
};

typedef void (*wsc_open_fn)(struct wsc *c, void *user);

/* A whole message: data (NUL-terminated after len bytes) is valid during the call. Text
 * messages are valid UTF-8; binary is 1 for a binary message. */
typedef void (*wsc_message_fn)(struct wsc *c, const char *data, size_t len, int binary, void *user);

/* Called exactly once per client, unless it is freed first; nothing is called after it. The
 * client is dead then: free it (wsc_free may be called from inside this callback). */
typedef void (*wsc_close_fn)(struct wsc *c, const struct wsc_close_info *info, void *user);

struct wsc_options {
    const char *url;         /* ws://host[:port]/path[?query]; host a name, IPv4 or [IPv6] */
    const char *subprotocol; /* asked for in Sec-WebSocket-Protocol; NULL: none */
    const struct wsc_header *headers;
    size_t nheaders;    /* at most WSC_MAX_HEADERS, WSC_MAX_HEADER_BYTES in all */
    size_t max_message; /* 0: WSC_MAX_MESSAGE_DEFAULT; a larger message closes with 1009 */
    size_t queue_msgs;  /* 0: WSC_QUEUE_MSGS_DEFAULT */
    size_t queue_bytes; /* 0: WSC_QUEUE_BYTES_DEFAULT */
    unsigned int connect_timeout_ms; /* 0: WSC_CONNECT_TIMEOUT_DEFAULT */
    unsigned int ping_interval_ms;   /* 0: WSC_PING_INTERVAL_DEFAULT */
    unsigned int ping_timeout_ms;    /* 0: WSC_PING_TIMEOUT_DEFAULT; more than the interval */
    unsigned int close_timeout_ms;   /* 0: WSC_CLOSE_TIMEOUT_DEFAULT */
    wsc_open_fn on_open;
    wsc_message_fn on_message;
    wsc_close_fn on_close;
    void *user; /* passed to every callback */
};

/*
 * Creates the client and starts connecting from the loop (no callback runs before this
 * returns). opt is copied. The host name is resolved when the connection starts, on the loop
 * thread. Returns NULL with err filled for a URL that is not ws:// (wss is not supported),
 * has a bad host, port or path, a bad header (not a token name, CR, LF or NUL in a value,
 * too many or too long), or a ping timeout not above the interval. Every failure after that
 * comes through on_close.
 */
struct wsc *wsc_new(struct netloop *loop, const struct wsc_options *opt, char *err, size_t errlen);

/*
 * Frees the client; its connection, if any, is sent a close frame (1001) and let go. No
 * callback runs after this. Allowed from inside the client's own callbacks. NULL is ignored.
 */
void wsc_free(struct wsc *c);

/*
 * Queues a text message (copied). Returns 0; DT_ESTATE unless open (before on_open, while
 * closing, after on_close); DT_ETOOBIG when the queue has no room for it (nothing is queued
 * and the connection is unaffected).
 */
int wsc_send(struct wsc *c, const void *data, size_t len);

/*
 * Closes: what is queued goes first, then a close frame with code (1000, or 3000-4999) and
 * reason (cut to 123 bytes); on_close follows. Returns 0, DT_ESTATE unless open, DT_EINVAL for
 * a code a close frame cannot carry.
 */
int wsc_close(struct wsc *c, int code, const char *reason);

/* 1 between on_open and the start of closing, else 0. */
int wsc_is_open(const struct wsc *c);

/* Messages and bytes waiting to be sent (bytes may be NULL). */
size_t wsc_queued(const struct wsc *c, size_t *bytes);

#endif
