/*
 * bench_util: what the daemon's benchmark needs besides the daemon: a clock, a process's
 * memory and CPU from /proc, quantiles, and a blocking keep-alive HTTP/1.1 connection to a
 * loopback port. See bench_util.h.
 */
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
