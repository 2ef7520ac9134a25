/*
 * ws_common: messages, send queues, reassembly, UTF-8 and close frames, for both the
 * websocket server and client. See ws_int.h.
 */
#include "ws_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* A reassembly buffer larger than this is given back after its message. */
#define RX_KEEP_BYTES   16384
#define QUEUE_FIRST_CAP 16

/* ---- messages ----------------------------------------------------------------------------- */

struct ws_msg *ws_msg_new(const void *data, size_t len)
{
    struct ws_msg *m = xmalloc(sizeof *m + LWS_PRE + len + 1);
    m->refs = 1;
    m->len = len;
    if (len)
        memcpy(m->data + LWS_PRE, data, len);
    m->data[LWS_PRE + len] = '\0';
    return m;
}

struct ws_msg *ws_msg_ref(struct ws_msg *m)
{
    m->refs++;
    return m;
}

void ws_msg_unref(struct ws_msg *m)
{
    if (m && --m->refs == 0)
        free(m);
}

/* ---- queues ------------------------------------------------------------------------------- */

void ws_queue_init(struct ws_queue *q, size_t max_msgs, size_t max_bytes)
{
    memset(q, 0, sizeof *q);
    q->max_msgs = max_msgs;
    q->max_bytes = max_bytes;
}

void ws_queue_done(struct ws_queue *q)
{
    ws_queue_clear(q);
    free(q->ring);
    q->ring = NULL;
    q->cap = 0;
}

int ws_queue_fits(const struct ws_queue *q, size_t len)
{
    return q->n < q->max_msgs && len <= q->max_bytes && q->bytes <= q->max_bytes - len;
}

static void grow(struct ws_queue *q)
{
    size_t cap = q->cap ? q->cap * 2 : QUEUE_FIRST_CAP;
    struct ws_msg **ring = xmalloc(cap * sizeof *ring);
    for (size_t i = 0; i < q->n; i++)
        ring[i] = q->ring[(q->head + i) % q->cap];
    free(q->ring);
    q->ring = ring;
    q->cap = cap;
    q->head = 0;
}

void ws_queue_push(struct ws_queue *q, struct ws_msg *m)
{
    if (q->n == q->cap)
        grow(q);
    q->ring[(q->head + q->n) % q->cap] = ws_msg_ref(m);
    q->n++;
    q->bytes += m->len;
}

struct ws_msg *ws_queue_pop(struct ws_queue *q)
{
    if (q->n == 0)
        return NULL;
    struct ws_msg *m = q->ring[q->head];
    q->head = (q->head + 1) % q->cap;
    q->n--;
    q->bytes -= m->len;
    return m;
}

void ws_queue_clear(struct ws_queue *q)
{
    struct ws_msg *m;
    while ((m = ws_queue_pop(q)) != NULL)
        ws_msg_unref(m);
    q->head = 0;
}

/* ---- writing ------------------------------------------------------------------------------ */

int ws_write_msg(struct lws *wsi, struct ws_msg *m)
{
    int n = lws_write(wsi, m->data + LWS_PRE, m->len, LWS_WRITE_TEXT);
    return n < 0 ? -1 : 0;
}

/* Appends the header of an unmasked final text frame of len bytes; returns its size. */
static size_t frame_head(unsigned char *p, size_t len)
{
    p[0] = 0x81;
    if (len < 126) {
        p[1] = (unsigned char)len;
        return 2;
    }
    if (len <= 0xffff) {
        p[1] = 126;
        p[2] = (unsigned char)(len >> 8);
        p[3] = (unsigned char)len;
        return 4;
    }
    p[1] = 127;
    for (int i = 0; i < 8; i++)
        p[2 + i] = (unsigned char)((uint64_t)len >> (56 - 8 * i));
    return 10;
}

int ws_write_queued(struct lws *wsi, struct ws_queue *q, size_t max_msgs, size_t max_bytes)
{
    if (q->n == 1 || max_msgs < 2) {
        struct ws_msg *m = ws_queue_pop(q);
        int rc = m ? ws_write_msg(wsi, m) : 0;
        ws_msg_unref(m);
        return rc;
    }
    size_t k = 0, total = 0;
    for (; k < q->n && k < max_msgs; k++) {
        size_t len = q->ring[(q->head + k) % q->cap]->len;
        if (k > 0 && total + len + 10 > max_bytes)
            break;
        total += len + 10;
    }
    unsigned char *buf = xmalloc(LWS_PRE + total), *p = buf + LWS_PRE;
    for (size_t i = 0; i < k; i++) {
        struct ws_msg *m = ws_queue_pop(q);
        p += frame_head(p, m->len);
        memcpy(p, m->data + LWS_PRE, m->len);
        p += m->len;
        ws_msg_unref(m);
    }
    size_t len = (size_t)(p - (buf + LWS_PRE));
    int n = lws_write(wsi, buf + LWS_PRE, len, LWS_WRITE_RAW);
    free(buf);
    return n < 0 ? -1 : 0;
}

/* The ping carries a payload: lws 4.1 does not report an empty pong to the pinging side. */
int ws_write_ping(struct lws *wsi)
{
    unsigned char buf[LWS_PRE + 4];
    memcpy(buf + LWS_PRE, "ping", 4);
    int n = lws_write(wsi, buf + LWS_PRE, 4, LWS_WRITE_PING);
    return n < 0 ? -1 : 0;
}

/* ---- receiving ---------------------------------------------------------------------------- */

void ws_rx_init(struct ws_rx *rx)
{
    dt_buf_init(&rx->buf);
    rx->active = 0;
    rx->binary = 0;
}

void ws_rx_done(struct ws_rx *rx)
{
    dt_buf_done(&rx->buf);
    rx->active = 0;
}

void ws_rx_reset(struct ws_rx *rx)
{
    rx->active = 0;
    if (rx->buf.cap > RX_KEEP_BYTES)
        dt_buf_done(&rx->buf);
    else
        dt_buf_reset(&rx->buf);
}

enum ws_rx_result ws_rx_feed(struct ws_rx *rx, struct lws *wsi, const void *in, size_t len,
                             size_t cap)
{
    if (!rx->active) {
        rx->active = 1;
        rx->binary = lws_frame_is_binary(wsi) != 0;
        dt_buf_reset(&rx->buf);
    }
    /* What this frame still announces counts too: a frame header claiming a gigabyte is
     * refused at its first bytes. */
    size_t room = cap - rx->buf.len;
    size_t announced = lws_remaining_packet_payload(wsi);
    if (len > room || announced > room - len)
        return WS_RX_TOO_BIG;
    dt_buf_append(&rx->buf, in, len);
    if (!lws_is_final_fragment(wsi))
        return WS_RX_MORE;
    if (!rx->binary && !ws_utf8_valid(rx->buf.data, rx->buf.len))
        return WS_RX_BAD_UTF8;
    return WS_RX_DONE;
}

int ws_utf8_valid(const void *p, size_t len)
{
    const unsigned char *s = p;
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        unsigned int cp;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return 0; /* continuation byte, C0/C1 overlong lead, or past U+10FFFF */
        }
        if (len - i <= n)
            return 0;
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += n + 1;
    }
    return 1;
}

/* ---- closing ------------------------------------------------------------------------------ */

/* The longest prefix of s, at most max bytes, that does not cut a UTF-8 sequence. */
static size_t utf8_prefix(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

void ws_close_set(struct ws_close *c, int code, const char *reason)
{
    c->code = code;
    size_t n = reason ? utf8_prefix(reason, strlen(reason), WS_REASON_MAX) : 0;
    if (n)
        memcpy(c->reason, reason, n);
    c->reason[n] = '\0';
}

void ws_close_from_frame(struct ws_close *c, const void *in, size_t len)
{
    const unsigned char *p = in;
    c->code = LWS_CLOSE_STATUS_NO_STATUS;
    c->reason[0] = '\0';
    if (len < 2 || !p)
        return;
    c->code = (p[0] << 8) | p[1];
    size_t n = utf8_prefix((const char *)p + 2, len - 2, WS_REASON_MAX);
    if (n && ws_utf8_valid(p + 2, n) && !memchr(p + 2, '\0', n)) {
        memcpy(c->reason, p + 2, n);
        c->reason[n] = '\0';
    }
}

void ws_close_frame(struct lws *wsi, const struct ws_close *c)
{
    int code = c->code;
    /* 1005, 1006 and 1015 name situations, never a frame's content */
    if (code < 1000 || code == 1004 || code == 1005 || code == 1006 || code == 1015 || code > 4999)
        code = LWS_CLOSE_STATUS_NORMAL;
    unsigned char reason[WS_REASON_MAX + 1];
    size_t n = strlen(c->reason);
    memcpy(reason, c->reason, n);
    lws_close_reason(wsi, (enum lws_close_status)code, reason, n);
}

void ws_kill(struct lws *wsi)
{
    int fd = lws_get_socket_fd(wsi);
    if (fd >= 0)
        shutdown(fd, SHUT_RDWR);
    lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
}
