/*
 * bench_util: helpers of the benchmarks in tests/bench: a monotonic clock, a
 * process's memory and CPU from /proc, stopping a child, quantiles, and a blocking keep-alive
 * HTTP/1.1 connection to a loopback port. Not part of dialtone's libraries.
 */
#ifndef DIALTONE_BENCH_UTIL_H
#define DIALTONE_BENCH_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t now_ns(void);
/* VmRSS of pid in MB, from /proc; 0 if unknown. */
double rss_mb(pid_t pid);
/* CPU seconds (user and system) the process pid has used, from /proc; 0 if unknown. */
double cpu_s(pid_t pid);
/* Stops the child pid: SIGTERM, up to 5 s to exit, then SIGKILL; reaps it. pid <= 0: nothing. */
void stop_child(pid_t pid);
/* qsort comparison of floats. */
int cmp_float(const void *a, const void *b);
/* The q-quantile of v[0..n), which must be sorted; 0 when empty. */
float quantile(float *v, size_t n, double q);

/* A keep-alive connection to 127.0.0.1:port; fd -1 until opened (conn_request opens it). */
struct conn {
    int fd;
    int port;
    char buf[4096];
};

/* Connects c->fd (TCP_NODELAY, 10 s receive timeout); 0, or -1 with fd -1. */
int conn_open(struct conn *c);
/* Closes the connection, if open. */
void conn_drop(struct conn *c);
/* Sends the whole request (reconnecting first when closed) and reads the response; returns
 * its HTTP status, or -1 when the connection failed (it is then closed). The body is read
 * and dropped; a response that closes the connection closes c. */
int conn_request(struct conn *c, const char *req, size_t len);

/*
 * A bare websocket client for measuring the daemon rather than a client library: an upgrade
 * over a blocking socket, then frames read from a non-blocking one (the caller polls it with
 * epoll) and handed over whole. The server's frames are never masked; its pings are answered.
 */
struct rws {
    int fd;
    char *buf; /* bytes read and not yet used */
    size_t len, cap;
    int closed;     /* a close frame came, or the connection ended */
    int close_code; /* from the close frame, 0 when none */
};

/* Called with each text or binary message (NUL-terminated after len). */
typedef void (*rws_msg_fn)(struct rws *c, const char *data, size_t len, void *user);

/* Connects to 127.0.0.1:port, asks for path with the header line extra ("Authorization:
 * Bearer ..."), waits up to 10 s for the 101 and leaves the socket non-blocking. 0, or -1 with
 * the connection closed. */
int rws_open(struct rws *c, int port, const char *path, const char *extra);
/* Reads what the socket has (until a read comes back short) and hands over each whole
 * message; returns the messages handed over, or -1 once the connection is over (closed set).
 * Poll the socket level-triggered: bytes that came after the last read are left for the
 * next call. */
int rws_read(struct rws *c, rws_msg_fn fn, void *user);
/* Closes the connection and frees the buffer. */
void rws_close(struct rws *c);

#endif
