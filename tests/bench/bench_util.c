/*
 * bench_util: what the daemon's benchmark needs besides the daemon: a clock, a process's
 * memory and CPU from /proc, quantiles, a blocking keep-alive HTTP/1.1 connection to a
 * loopback port and a bare websocket client. See bench_util.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>

#include "bench_util.h"

uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

double rss_mb(pid_t pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    double kb = 0;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0)
            kb = strtod(line + 6, NULL);
    if (f)
        fclose(f);
    return kb / 1024;
}

/* CPU seconds (user and system) the process pid has used, from /proc; 0 if unknown. */
double cpu_s(pid_t pid)
{
    char path[64], line[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    double s = 0;
    if (f && fgets(line, sizeof line, f)) {
        const char *p = strrchr(line, ')'); /* the command name may hold spaces */
        unsigned long ut = 0, st = 0;
        if (p &&
            sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) == 2)
            s = (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
    }
    if (f)
        fclose(f);
    return s;
}

void stop_child(pid_t pid)
{
    if (pid <= 0)
        return;
    kill(pid, SIGTERM);
    for (int i = 0; i < 500; i++) {
        if (waitpid(pid, NULL, WNOHANG) == pid)
            return;
        usleep(10000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* The q-quantile of v[0..n) (sorted in place), 0 when empty. */
float quantile(float *v, size_t n, double q)
{
    if (!n)
        return 0;
    return v[(size_t)(q * (double)(n - 1))];
}

int conn_open(struct conn *c)
{
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)c->port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int one = 1;
    if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&a, sizeof a) < 0) {
        if (c->fd >= 0)
            close(c->fd);
        c->fd = -1;
        return -1;
    }
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct timeval tv = {.tv_sec = 10};
    setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return 0;
}

void conn_drop(struct conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

/* Content-Length of the header block h (NUL-terminated), 0 when absent. */
static size_t content_length(const char *h)
{
    for (const char *p = strstr(h, "\r\n"); p; p = strstr(p + 2, "\r\n"))
        if (strncasecmp(p + 2, "Content-Length:", 15) == 0)
            return strtoul(p + 17, NULL, 10);
    return 0;
}

/* Reads one response; returns its status, -1 when the connection failed (then dropped). */
static int read_response(struct conn *c)
{
    size_t len = 0;
    char *end = NULL;
    while (!end) {
        if (len >= sizeof c->buf - 1)
            return conn_drop(c), -1;
        ssize_t n = recv(c->fd, c->buf + len, sizeof c->buf - 1 - len, 0);
        if (n <= 0)
            return conn_drop(c), -1;
        len += (size_t)n;
        c->buf[len] = '\0';
        end = strstr(c->buf, "\r\n\r\n");
    }
    int status = atoi(c->buf + 9);
    size_t head = (size_t)(end + 4 - c->buf);
    size_t body = content_length(c->buf);
    int closing = strstr(c->buf, "Connection: close") != NULL;
    while (len < head + body) {
        size_t want = head + body - len;
        ssize_t n = recv(c->fd, c->buf, want < sizeof c->buf ? want : sizeof c->buf, 0);
        if (n <= 0)
            return conn_drop(c), -1;
        len += (size_t)n;
    }
    if (closing)
        conn_drop(c);
    return status;
}

int conn_request(struct conn *c, const char *req, size_t len)
{
    if (c->fd < 0 && conn_open(c) < 0)
        return -1;
    size_t off = 0;
    while (off < len) {
        ssize_t n = send(c->fd, req + off, len - off, MSG_NOSIGNAL);
        if (n <= 0) {
            conn_drop(c);
            return -1;
        }
        off += (size_t)n;
    }
    return read_response(c);
}

/* ---- a bare websocket client ------------------------------------------------------------- */

int rws_open(struct rws *c, int port, const char *path, const char *extra)
{
    *c = (struct rws){.fd = -1};
    struct conn k = {.fd = -1, .port = port};
    if (conn_open(&k) < 0)
        return -1;
    c->fd = k.fd;
    char req[1024];
    int n = snprintf(req, sizeof req,
                     "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                     "Sec-WebSocket-Version: 13\r\n%s\r\n\r\n",
                     path, port, extra);
    if (n <= 0 || (size_t)n >= sizeof req || send(c->fd, req, (size_t)n, MSG_NOSIGNAL) != n) {
        rws_close(c);
        return -1;
    }
    /* the 101's headers, byte by byte so that no frame after them is read here */
    char head[2048];
    size_t len = 0;
    while (len < sizeof head - 1) {
        if (recv(c->fd, head + len, 1, 0) != 1)
            break;
        len++;
        if (len >= 4 && memcmp(head + len - 4, "\r\n\r\n", 4) == 0)
            break;
    }
    head[len] = '\0';
    if (strncmp(head, "HTTP/1.1 101", 12) != 0) {
        rws_close(c);
        return -1;
    }
    fcntl(c->fd, F_SETFL, O_NONBLOCK);
    return 0;
}

/* Sends a pong (masked with a zero key, as a client must) with the ping's payload. */
static void pong(struct rws *c, const unsigned char *payload, size_t len)
{
    unsigned char f[2 + 4 + 125];
    if (len > 125)
        return;
    f[0] = 0x8a;
    f[1] = (unsigned char)(0x80 | len);
    memset(f + 2, 0, 4);
    memcpy(f + 6, payload, len);
    send(c->fd, f, 6 + len, MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* Hands over the whole frames at the start of the buffer; returns how many were messages. */
static int rws_frames(struct rws *c, rws_msg_fn fn, void *user)
{
    int msgs = 0;
    size_t off = 0;
    for (;;) {
        const unsigned char *p = (const unsigned char *)c->buf + off;
        size_t avail = c->len - off, head = 2;
        if (avail < 2)
            break;
        uint64_t plen = p[1] & 0x7f;
        if (plen == 126) {
            head = 4;
            if (avail < head)
                break;
            plen = (uint64_t)p[2] << 8 | p[3];
        } else if (plen == 127) {
            head = 10;
            if (avail < head)
                break;
            plen = 0;
            for (int i = 0; i < 8; i++)
                plen = plen << 8 | p[2 + i];
        }
        if (plen > (1u << 26)) {
            c->closed = 1;
            break;
        }
        if (avail < head + plen)
            break;
        int op = p[0] & 0x0f;
        char *data = c->buf + off + head;
        if (op == 0x1 || op == 0x2 || op == 0x0) {
            char keep = data[plen]; /* the next frame's first byte, or past the end */
            data[plen] = '\0';
            fn(c, data, (size_t)plen, user);
            data[plen] = keep;
            msgs++;
        } else if (op == 0x8) {
            c->closed = 1;
            c->close_code = plen >= 2 ? ((unsigned char)data[0] << 8 | (unsigned char)data[1]) : 0;
        } else if (op == 0x9) {
            pong(c, (const unsigned char *)data, (size_t)plen);
        }
        off += head + (size_t)plen;
    }
    memmove(c->buf, c->buf + off, c->len - off);
    c->len -= off;
    return msgs;
}

int rws_read(struct rws *c, rws_msg_fn fn, void *user)
{
    int msgs = 0;
    while (!c->closed) {
        if (c->cap - c->len < 65536) {
            c->cap = c->cap ? c->cap * 2 : 262144;
            c->buf = realloc(c->buf, c->cap + 1);
            if (!c->buf)
                abort();
        }
        ssize_t n = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (n <= 0) {
            c->closed = 1;
            break;
        }
        size_t room = c->cap - c->len;
        c->len += (size_t)n;
        msgs += rws_frames(c, fn, user);
        if ((size_t)n < room)
            break; /* drained: a level-triggered poll reports the socket again if more came */
    }
    return c->closed ? -1 : msgs;
}

void rws_close(struct rws *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    free(c->buf);
    c->buf = NULL;
    c->len = c->cap = 0;
}
