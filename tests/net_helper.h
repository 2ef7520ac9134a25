/*
 * net_helper: what the network tests share. A raw-socket HTTP client (connect, send bytes,
 * read until a whole response, a close or a deadline), and a way to run such a client on its
 * own thread while the test's netloop runs on the main one, with a watchdog so that a hang
 * fails the test instead of stalling it.
 */
#ifndef DIALTONE_NET_HELPER_H
#define DIALTONE_NET_HELPER_H

#include "dialtone/netloop.h"
#include "dialtone/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

/* Connects to a numeric IPv4 or IPv6 address; returns the socket or -1. */
static inline int raw_connect(const char *addr, int port)
{
    struct sockaddr_storage ss;
    socklen_t sl;
    memset(&ss, 0, sizeof ss);
    struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, addr, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons((unsigned short)port);
        sl = sizeof *a4;
    } else if (inet_pton(AF_INET6, addr, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((unsigned short)port);
        sl = sizeof *a6;
    } else {
        return -1;
    }
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&ss, sl) != 0) {
        close(fd);
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

static inline int raw_send(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static inline int raw_send_str(int fd, const char *s)
{
    return raw_send(fd, s, strlen(s));
}

/* Where a response that starts at b[from] ends (headers plus Content-Length body), or 0 when
 * it is not complete yet. A response without Content-Length ends at the close. */
static inline size_t raw_response_end(const char *b, size_t len, size_t from)
{
    if (from >= len)
        return 0;
    const char *start = b + from;
    const char *eoh = NULL;
    for (size_t i = from; i + 3 < len; i++) {
        if (memcmp(b + i, "\r\n\r\n", 4) == 0) {
            eoh = b + i + 4;
            break;
        }
    }
    if (!eoh)
        return 0;
    size_t body = 0;
    for (const char *p = start; p < eoh; p++) {
        if ((p == start || p[-1] == '\n') && strncasecmp(p, "content-length:", 15) == 0) {
            body = strtoul(p + 15, NULL, 10);
            break;
        }
    }
    /* an interim 1xx response has no body */
    if (strncmp(start, "HTTP/1.1 1", 10) == 0)
        body = 0;
    size_t end = (size_t)(eoh - b) + body;
    return end <= len ? end : 0;
}

/* Reads into out until `responses` whole responses (interim 1xx ones count), the peer's
 * close, or timeout_ms. Returns 1 when complete, 0 on close, -1 on timeout. */
static inline int raw_read(int fd, struct dt_buf *out, int responses, int timeout_ms)
{
    size_t done = 0;
    int got = 0;
    dt_buf_puts(out, "");
    for (;;) {
        size_t end;
        while (got < responses && (end = raw_response_end(out->data, out->len, done)) != 0) {
            done = end;
            got++;
        }
        if (got >= responses)
            return 1;
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int pr = poll(&pfd, 1, timeout_ms);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0)
            return -1;
        char buf[16384];
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return 0;
        dt_buf_append(out, buf, (size_t)n);
    }
}

/* The body of the last response in a buffer holding whole responses ("" if none). */
static inline const char *raw_body(const struct dt_buf *b)
{
    const char *last = NULL;
    for (const char *p = b->data; p && (p = strstr(p, "\r\n\r\n")) != NULL; p += 4)
        last = p + 4;
    return last ? last : "";
}

/* ---- running a client thread beside the loop ---------------------------------------------- */

struct net_client_run {
    struct netloop *loop;
    void (*fn)(void *arg);
    void *arg;
    int finished;
};

static inline void *net_client_thread(void *p)
{
    struct net_client_run *r = p;
    r->fn(r->arg);
    __atomic_store_n(&r->finished, 1, __ATOMIC_SEQ_CST);
    netloop_stop(r->loop);
    return NULL;
}

static inline void net_watchdog_fire(struct netloop_timer *t, void *loop)
{
    (void)t;
    netloop_stop(loop);
}

static inline void net_deadline_passed(struct netloop_timer *t, void *flag)
{
    (void)t;
    *(int *)flag = 1;
}

/*
 * Runs fn(arg) on a new thread while the loop runs here, until fn returns; fn must end by
 * itself (every raw_read has its own deadline), and its end stops the loop. Returns 1 if fn
 * finished within timeout_ms, 0 if it took longer.
 */
static inline int net_run_client(struct netloop *loop, void (*fn)(void *), void *arg,
                                 int timeout_ms)
{
    struct net_client_run r = {.loop = loop, .fn = fn, .arg = arg};
    int late = 0;
    struct netloop_timer *wd = netloop_timer_new(loop, net_deadline_passed, &late);
    netloop_timer_start(wd, (uint64_t)timeout_ms);
    pthread_t th;
    pthread_create(&th, NULL, net_client_thread, &r);
    while (!__atomic_load_n(&r.finished, __ATOMIC_SEQ_CST))
        netloop_run(loop);
    pthread_join(th, NULL);
    netloop_timer_free(wd);
    return !late;
}

/* Runs the loop until *done becomes non-zero or timeout_ms pass. Returns *done. */
static inline int net_run_until(struct netloop *loop, const int *done, int timeout_ms)
{
    struct netloop_timer *wd = netloop_timer_new(loop, net_watchdog_fire, loop);
    netloop_timer_start(wd, (uint64_t)timeout_ms);
    while (!*done && netloop_timer_pending(wd))
        netloop_run(loop);
    netloop_timer_free(wd);
    return *done;
}

/* A port that nothing listens on (bound, read, closed). */
static inline int net_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof a;
    int port = -1;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &sl) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

/* Raises the descriptor limit to its maximum, for tests with many connections. */
static inline void net_raise_fd_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

#endif
