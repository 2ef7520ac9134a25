/*
 * ws_int: what the websocket server (wsd*.c) and client (wsc.c) share. Messages carry lws's
 * LWS_PRE bytes of headroom and a reference count, so that one message can sit in many send
 * queues at once; send queues are bounded rings of such messages; received fragments are
 * reassembled under a cap and text is checked for UTF-8; close codes and reasons are kept
 * the way both sides report them. Not for use outside src/net.
 */
#ifndef DIALTONE_WS_INT_H
#define DIALTONE_WS_INT_H

#include "dialtone/util.h"

#include <libwebsockets.h>
#include <stddef.h>

/* The most bytes of reason text a close frame can carry (125 bytes of payload less the code). */
#define WS_REASON_MAX 123

/* A message to send: refs holders, len bytes at data + LWS_PRE, then a NUL. */
struct ws_msg {
    unsigned int refs;
    size_t len;
    unsigned char data[];
};

/* A message holding a copy of data, with one reference (the caller's). Aborts on OOM. */
struct ws_msg *ws_msg_new(const void *data, size_t len);

/* Takes one more reference; returns m. */
struct ws_msg *ws_msg_ref(struct ws_msg *m);

/* Drops one reference, freeing the message with the last. NULL is ignored. */
void ws_msg_unref(struct ws_msg *m);

/* A bounded FIFO of message references: at most max_msgs messages and max_bytes bytes. */
struct ws_queue {
    struct ws_msg **ring;
    size_t head, n, cap;
    size_t bytes;
    size_t max_msgs, max_bytes;
};

void ws_queue_init(struct ws_queue *q, size_t max_msgs, size_t max_bytes);

/* Drops every reference the queue holds and frees the ring. */
void ws_queue_done(struct ws_queue *q);

/* 1 when a message of len bytes can be added without going over either bound. */
int ws_queue_fits(const struct ws_queue *q, size_t len);

/* Adds m at the end, taking a new reference. The caller checked ws_queue_fits. */
void ws_queue_push(struct ws_queue *q, struct ws_msg *m);

/* The oldest message, or NULL when empty; the caller now holds the queue's reference. */
struct ws_msg *ws_queue_pop(struct ws_queue *q);

/* Drops every message (the ring is kept). */
void ws_queue_clear(struct ws_queue *q);

/*
 * Writes m as one text frame from a writeable callback. lws writes the frame header into the
 * headroom and, on the server side, leaves the payload alone, so the same message can be
 * written to many connections; a client masks the payload in place, so a client's messages
 * are never shared. lws keeps whatever the socket does not take and sends it before the next
 * writeable callback. Returns 0, or -1 when the connection failed.
 */
int ws_write_msg(struct lws *wsi, struct ws_msg *m);

/*
 * The server's side only (its frames are not masked): writes the oldest queued messages, up
 * to max_msgs of them and max_bytes (at least one), as text frames in one write from a
 * writeable callback, so that a client behind by several messages costs one send, not one
 * each. lws keeps what the socket does not take, as for ws_write_msg. Returns 0, or -1 when
 * the connection failed.
 */
int ws_write_queued(struct lws *wsi, struct ws_queue *q, size_t max_msgs, size_t max_bytes);

/* Writes a ping frame from a writeable callback (with a few bytes of payload: lws 4.1 does
 * not report an empty pong). Returns 0 or -1. */
int ws_write_ping(struct lws *wsi);

/* A message being received, fragment by fragment. */
struct ws_rx {
    struct dt_buf buf;
    int active; /* a message has begun */
    int binary;
};

enum ws_rx_result {
    WS_RX_MORE = 0,      /* wait for more fragments */
    WS_RX_DONE = 1,      /* rx->buf holds a whole message (NUL-terminated) */
    WS_RX_TOO_BIG = -1,  /* it would be over the cap: close with 1009 */
    WS_RX_BAD_UTF8 = -2, /* a text message that is not UTF-8: close with 1007 */
};

void ws_rx_init(struct ws_rx *rx);
void ws_rx_done(struct ws_rx *rx);

/* Forgets the message received (after WS_RX_DONE), keeping the buffer for the next one. */
void ws_rx_reset(struct ws_rx *rx);

/* Adds what one RECEIVE callback brought. Never allocates more than cap bytes. */
enum ws_rx_result ws_rx_feed(struct ws_rx *rx, struct lws *wsi, const void *in, size_t len,
                             size_t cap);

/* 1 when p[0..len) is well-formed UTF-8 (no overlong forms, surrogates or values past
 * U+10FFFF), else 0. */
int ws_utf8_valid(const void *p, size_t len);

/* How a connection ended, as reported to its owner. */
struct ws_close {
    int code;
    char reason[WS_REASON_MAX + 1];
};

/* Sets code and reason (cut to WS_REASON_MAX bytes at a character boundary). */
void ws_close_set(struct ws_close *c, int code, const char *reason);

/* Reads a peer's close frame payload (2-byte code, then UTF-8 text). A payload without a
 * code reads as 1005; a reason that is not clean UTF-8 text is dropped. */
void ws_close_from_frame(struct ws_close *c, const void *in, size_t len);

/* Tells lws which code and reason to put in the close frame it sends when the callback
 * returns -1 (a code lws may not send, such as 1005 or 1006, is sent as 1000). */
void ws_close_frame(struct lws *wsi, const struct ws_close *c);

/* Ends a connection now, without a closing handshake: for peers that stopped reading or
 * answering. The socket is shut down at once and lws closes it in its next round. */
void ws_kill(struct lws *wsi);

#endif
