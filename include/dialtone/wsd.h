/*
 * wsd: websocket endpoints on an httpd server. A GET at the endpoint's path that asks for a
 * websocket (with the endpoint's subprotocol, or none) is shown to an accept callback, which
 * may refuse it with any HTTP answer before the upgrade happens. Each client then has a
 * bounded send queue, written one message per writeable callback; a client that falls
 * behind past the bound is sent one last message of the owner's choosing and closed, never
 * buffered without end. Messages received are reassembled from their fragments under a cap.
 *
 * Dead peers: the endpoint pings (websocket ping frames, from one timer per endpoint) every
 * client it has heard nothing from for ping_interval_ms, and drops a client silent for
 * ping_timeout_ms. Any frame from the client, a pong included, counts as hearing from it.
 * This is done here rather than with lws's validity timers because those work in whole
 * seconds and per vhost, and the loop's servers share one vhost.
 *
 * Threads: everything here is for the loop thread only; callbacks run there too.
 */
#ifndef DIALTONE_WSD_H
#define DIALTONE_WSD_H

#include <stddef.h>

struct httpd;
struct httpd_req;
struct wsd;
struct wsd_client;
struct wsd_msg;

#define WSD_MAX_MESSAGE_DEFAULT   ((size_t)64 << 10) /* received message cap, bytes */
#define WSD_QUEUE_MSGS_DEFAULT    1000               /* per client send queue */
#define WSD_QUEUE_BYTES_DEFAULT   ((size_t)4 << 20)
#define WSD_PING_INTERVAL_DEFAULT 15000 /* ms */
#define WSD_PING_TIMEOUT_DEFAULT  45000 /* ms */
#define WSD_CLOSE_TIMEOUT_DEFAULT 5000  /* ms */

/* Close codes (RFC 6455) as on_close reports them. */
#define WSD_CLOSE_NORMAL     1000
#define WSD_CLOSE_GOING_AWAY 1001
#define WSD_CLOSE_NO_STATUS  1005 /* the peer's close frame had no code */
#define WSD_CLOSE_ABNORMAL   1006 /* no close frame: connection lost, or dropped as dead */
#define WSD_CLOSE_BAD_DATA   1007 /* a text message that was not UTF-8 */
#define WSD_CLOSE_POLICY     1008 /* dropped: its send queue overflowed */
#define WSD_CLOSE_TOO_BIG    1009 /* it sent a message over max_message */

/*
 * Decides on an upgrade request (its path, query, headers and peer address are read with the
 * httpd_req_* functions). Return 0 to accept. To refuse, answer req with httpd_respond (any
 * status, headers and body: 401 with WWW-Authenticate...) and return non-zero; returning
 * non-zero without answering sends 403. The connection closes after a refusal. cl is the
 * client to be: wsd_client_set_user may be called on it; when refused it is freed on return.
 */
typedef int (*wsd_accept_fn)(struct wsd_client *cl, struct httpd_req *req, void *user);

/* The websocket is open: sending may begin. */
typedef void (*wsd_open_fn)(struct wsd_client *cl, void *user);

/* A whole message from the client: data (NUL-terminated after len bytes) is valid during the
 * call. Text messages are valid UTF-8; binary is 1 for a binary message. */
typedef void (*wsd_message_fn)(struct wsd_client *cl, const char *data, size_t len, int binary,
                               void *user);

/*
 * The client is gone (called once for every client that was opened, never for one that was
 * refused or never opened): code is the peer's close code, the one this side closed with, or
 * WSD_CLOSE_ABNORMAL; reason a short text, never NULL. cl must not be used after the call.
 */
typedef void (*wsd_close_fn)(struct wsd_client *cl, int code, const char *reason, void *user);

struct wsd_options {
    const char *path;        /* exact path, "/api/v1/events" */
    const char *subprotocol; /* listed in the server's httpd_options.ws_subprotocols */
    size_t max_message;      /* 0: WSD_MAX_MESSAGE_DEFAULT; a larger message closes with 1009 */
    size_t queue_msgs;       /* 0: WSD_QUEUE_MSGS_DEFAULT */
    size_t queue_bytes;      /* 0: WSD_QUEUE_BYTES_DEFAULT */
    /* Sent to a client whose queue overflowed, in place of what was queued, before it is
     * closed with WSD_CLOSE_POLICY ("{\"type\":\"resync\"}"); copied; NULL: none. A client
     * that does not take it within close_timeout_ms is cut off. */
    const char *overflow_message;
    unsigned int ping_interval_ms; /* 0: WSD_PING_INTERVAL_DEFAULT */
    unsigned int ping_timeout_ms;  /* 0: WSD_PING_TIMEOUT_DEFAULT; more than the interval */
    /* How long a closing client has to take its last messages and the close frame before
     * its connection is cut; 0: WSD_CLOSE_TIMEOUT_DEFAULT. */
    unsigned int close_timeout_ms;
    wsd_accept_fn accept; /* NULL: accept everyone */
    wsd_open_fn on_open;
    wsd_message_fn on_message;
    wsd_close_fn on_close;
    void *user; /* passed to every callback */
};

/*
 * Adds an endpoint to server h. opt is copied. Returns NULL with err filled for a path that
 * does not start with '/' or already has an endpoint, a subprotocol the server's loop was not
 * given (httpd_options.ws_subprotocols), or a ping timeout not above the interval.
 */
struct wsd *wsd_new(struct httpd *h, const struct wsd_options *opt, char *err, size_t errlen);

/*
 * Removes the endpoint: new upgrades to its path get 404, and every client is let go with a
 * close frame (1001, "server shutting down") that lws sends as the loop runs on; on_close is
 * not called for them. httpd_free cuts whatever is still open at once, so run the loop a
 * moment between the two for the clients to read the frame (they notice either way). Free
 * endpoints before their server, and not from one of their own callbacks. NULL is ignored.
 */
void wsd_free(struct wsd *s);

/* Clients that are open: opened and not yet closed (on_open called, on_close not yet). */
size_t wsd_client_count(const struct wsd *s);

/*
 * Queues a text message (copied) for one client. Returns 0; DT_ESTATE when the client is
 * closing (its last message and close frame are on their way); DT_EINVAL when len is over the
 * queue's byte bound (the client is unaffected); DT_ETOOBIG when the queue overflowed: the
 * client was sent the overflow message in place of its queue and is being closed.
 */
int wsd_send(struct wsd_client *cl, const void *data, size_t len);

/*
 * A message to send to many clients: one buffer, shared by reference, whatever the number of
 * clients it is queued for. wsd_msg_new copies data (aborts on out-of-memory only);
 * wsd_send_msg queues it for one client, with wsd_send's results; wsd_msg_free drops the
 * caller's reference (the queues keep theirs). NULL is ignored.
 */
struct wsd_msg *wsd_msg_new(const void *data, size_t len);
int wsd_send_msg(struct wsd_client *cl, struct wsd_msg *msg);
void wsd_msg_free(struct wsd_msg *msg);

/* Queues one shared copy of a text message for every open client that is not closing.
 * Returns how many clients it was queued for (clients it overflowed are not counted). */
size_t wsd_broadcast(struct wsd *s, const void *data, size_t len);

/*
 * Closes a client: what is queued goes first, then a close frame with code (1000-1003,
 * 1007-1011, or 3000-4999 for the application's own) and reason (cut to 123 bytes at a
 * character boundary). on_close follows when the connection is closed. Returns 0, DT_ESTATE if
 * already closing, DT_EINVAL for another code.
 */
int wsd_close(struct wsd_client *cl, int code, const char *reason);

/* The owner's pointer for this client (NULL until set). */
void wsd_client_set_user(struct wsd_client *cl, void *user);
void *wsd_client_user(const struct wsd_client *cl);

/* The peer's numeric address. Borrowed, valid as cl. */
const char *wsd_client_remote(const struct wsd_client *cl);

/* Messages and bytes waiting in the client's send queue (bytes may be NULL). */
size_t wsd_client_queued(const struct wsd_client *cl, size_t *bytes);

#endif
