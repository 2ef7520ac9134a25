/*
 * ws_raw: a websocket peer made of a raw socket, for the websocket tests: an upgrade request
 * written by hand, frames built byte by byte (masked, fragmented, lying about their length)
 * and frames read back with their opcode and FIN bit; and the server half of a handshake, for
 * a fake server that accepts and then goes silent. Runs on a test's client thread.
 */
#ifndef DIALTONE_WS_RAW_H
#define DIALTONE_WS_RAW_H

#include "net_helper.h"

#include <libwebsockets.h>
#include <stdint.h>
#include <stdio.h>

#define RAW_WS_TEXT   0x1
#define RAW_WS_BINARY 0x2
#define RAW_WS_CONT   0x0
#define RAW_WS_CLOSE  0x8
#define RAW_WS_PING   0x9
#define RAW_WS_PONG   0xA

struct raw_ws {
    int fd;
    struct dt_buf in; /* bytes read and not yet taken as frames */
    size_t off;
    int status;         /* the upgrade's HTTP status */
    struct dt_buf head; /* the upgrade's response head (and body, for a refusal) */
};

/* Reads until the buffer holds "\r\n\r\n"; returns the offset past it, 0 on close/timeout. */
static inline size_t raw_ws_fill_head(int fd, struct dt_buf *b, int timeout_ms)
{
    for (;;) {
        const char *e = b->data ? strstr(b->data, "\r\n\r\n") : NULL;
        if (e)
            return (size_t)(e - b->data) + 4;
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (poll(&pfd, 1, timeout_ms) <= 0)
            return 0;
        char buf[4096];
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n <= 0)
            return 0;
        dt_buf_append(b, buf, (size_t)n);
    }
}

/*
 * Connects and asks for a websocket at path (with its query), with extra header lines (each
 * ending in "\r\n", or NULL). Returns the HTTP status of the answer (101 when upgraded), or -1.
 * r->head keeps the answer's head; bytes after it stay in r->in for raw_ws_read.
 */
static inline int raw_ws_open(struct raw_ws *r, int port, const char *path, const char *extra)
{
    memset(r, 0, sizeof *r);
    dt_buf_init(&r->in);
    dt_buf_init(&r->head);
    r->status = -1;
    r->fd = raw_connect("127.0.0.1", port);
    if (r->fd < 0)
        return -1;
    char req[2048];
    snprintf(req, sizeof req,
             "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
             "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
             "Sec-WebSocket-Version: 13\r\n%s\r\n",
             path, port, extra ? extra : "");
    if (raw_send_str(r->fd, req) != 0)
        return -1;
    size_t end = raw_ws_fill_head(r->fd, &r->in, 5000);
    if (end == 0)
        return -1;
    dt_buf_append(&r->head, r->in.data, end);
    r->off = end;
    /* lws 4.1 answers a refused upgrade as HTTP/1.0 (it has not noted the version yet) */
    if (strncmp(r->head.data, "HTTP/1.1 ", 9) == 0 || strncmp(r->head.data, "HTTP/1.0 ", 9) == 0)
        r->status = atoi(r->head.data + 9);
    return r->status;
}

static inline void raw_ws_close(struct raw_ws *r)
{
    if (r->fd >= 0)
        close(r->fd);
    r->fd = -1;
    dt_buf_done(&r->in);
    dt_buf_done(&r->head);
}

/* Writes a frame header announcing len payload bytes (masked, as clients must). */
static inline size_t raw_ws_header(unsigned char *h, int opcode, int fin, uint64_t len)
{
    size_t n = 0;
    h[n++] = (unsigned char)((fin ? 0x80 : 0) | (opcode & 0x0F));
    if (len < 126) {
        h[n++] = (unsigned char)(0x80 | len);
    } else if (len < 65536) {
        h[n++] = 0x80 | 126;
        h[n++] = (unsigned char)(len >> 8);
        h[n++] = (unsigned char)len;
    } else {
        h[n++] = 0x80 | 127;
        for (int i = 7; i >= 0; i--)
            h[n++] = (unsigned char)(len >> (8 * i));
    }
    static const unsigned char mask[4] = {0x37, 0xfa, 0x21, 0x3d};
    memcpy(h + n, mask, 4);
    return n + 4;
}

/* Sends one masked frame. Returns 0 or -1. */
static inline int raw_ws_send(int fd, int opcode, int fin, const void *data, size_t len)
{
    unsigned char *f = xmalloc(len + 14);
    size_t n = raw_ws_header(f, opcode, fin, len);
    const unsigned char *mask = f + n - 4;
    for (size_t i = 0; i < len; i++)
        f[n + i] = ((const unsigned char *)data)[i] ^ mask[i & 3];
    int rc = raw_send(fd, f, n + len);
    free(f);
    return rc;
}

/*
 * Reads one frame (masked, as clients send them, or not, as servers do): opcode, FIN and
 * payload (unmasked into out, which is reset first). Returns 1, 0 when the peer closed or
 * reset the connection, -1 on timeout.
 */
static inline int raw_ws_read(struct raw_ws *r, int timeout_ms, int *opcode, int *fin,
                              struct dt_buf *out)
{
    dt_buf_reset(out);
    for (;;) {
        const unsigned char *p = (const unsigned char *)r->in.data + r->off;
        size_t avail = r->in.len - r->off;
        if (avail >= 2) {
            uint64_t len = p[1] & 0x7F;
            size_t hl = 2;
            if (len == 126) {
                hl = 4;
                len = avail >= 4 ? ((uint64_t)p[2] << 8) | p[3] : 0;
            } else if (len == 127) {
                hl = 10;
                len = 0;
                for (int i = 0; i < 8 && avail >= 10; i++)
                    len = (len << 8) | p[2 + i];
            }
            int masked = (p[1] & 0x80) != 0;
            const unsigned char *mask = p + hl;
            if (masked)
                hl += 4;
            if (avail >= hl && avail - hl >= len) {
                *opcode = p[0] & 0x0F;
                *fin = (p[0] & 0x80) != 0;
                dt_buf_append(out, p + hl, (size_t)len);
                for (size_t i = 0; masked && i < len; i++)
                    out->data[i] ^= (char)mask[i & 3];
                r->off += hl + (size_t)len;
                return 1;
            }
        }
        struct pollfd pfd = {.fd = r->fd, .events = POLLIN};
        int pr = poll(&pfd, 1, timeout_ms);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0)
            return -1;
        char buf[65536];
        ssize_t n = recv(r->fd, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return 0;
        dt_buf_append(&r->in, buf, (size_t)n);
    }
}

/* The close code in a close frame's payload, or -1. */
static inline int raw_ws_close_code(const struct dt_buf *payload)
{
    if (payload->len < 2)
        return -1;
    const unsigned char *p = (const unsigned char *)payload->data;
    return (p[0] << 8) | p[1];
}

/* ---- the server half ---------------------------------------------------------------------- */

/* Reads an upgrade request on fd and answers 101 with the right accept key. Returns 0 or -1. */
static inline int raw_ws_accept(int fd)
{
    struct dt_buf req;
    dt_buf_init(&req);
    int rc = -1;
    if (raw_ws_fill_head(fd, &req, 5000) == 0)
        goto out;
    const char *k = req.data;
    while ((k = strstr(k, "\r\n")) != NULL && strncasecmp(k, "\r\nsec-websocket-key:", 20) != 0)
        k += 2;
    if (!k)
        goto out;
    k += 20;
    while (*k == ' ')
        k++;
    char key[128];
    size_t kl = strcspn(k, "\r\n");
    if (kl == 0 || kl > 64)
        goto out;
    snprintf(key, sizeof key, "%.*s258EAFA5-E914-47DA-95CA-C5AB0DC85B11", (int)kl, k);
    unsigned char sha[20];
    lws_SHA1((const unsigned char *)key, strlen(key), sha);
    char b64[64];
    lws_b64_encode_string((const char *)sha, 20, b64, sizeof b64);
    char resp[256];
    snprintf(resp, sizeof resp,
             "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
             "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n",
             b64);
    rc = raw_send_str(fd, resp);
out:
    dt_buf_done(&req);
    return rc;
}

/* A listening socket on 127.0.0.1 and a free port; returns the socket, *port set. */
static inline int raw_listen(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 16) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &sl) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

#endif
