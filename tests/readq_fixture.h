/*
 * readq_fixture: what the tests of the query worker (readq) share: an in-process daemon
 * (api_server.h) on a database file of its own, so that its long queries go to the worker, with
 * a supervisor and its token; raw GETs each on a new connection, so that several are open at
 * once; waits for the worker's queue; and the steps its tests check alike with the worker held
 * (the queue filled and one more refused, a held job let go, stopping with two in flight).
 */
#ifndef DIALTONE_TEST_READQ_FIXTURE_H
#define DIALTONE_TEST_READQ_FIXTURE_H

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api_server.h"
#include "check.h"
#include "dialtone/agents.h"
#include "dialtone/util.h"
#include "net_helper.h"
#include "reports_fixture.h"
#include "server/api_int.h"
#include "server/readq_int.h"

/* How long a wait for the worker, or for an answer that must come, may take. */
#define RQF_WAIT_MS 10000

struct rqf {
    struct api_server s;
    struct rf_db db;
    int port;                     /* the daemon's */
    char boss[AGENTS_TOKEN_SIZE]; /* the token of the supervisor "boss" */
};

/*
 * Starts x (zeroed by the caller) from the configuration text conf on a new database file, and
 * adds the supervisor "boss" (endpoint client:x) with a new token in x->boss. 0, or -1 with the
 * reason printed (no worker among them); either way rqf_stop(x) undoes what was done.
 */
static inline int rqf_start(struct rqf *x, const char *conf)
{
    if (rf_db_make(&x->db) != 0 || api_server_start(&x->s, conf, x->db.path, NULL, NULL) != 0)
        return -1;
    if (!x->s.api->readq) {
        printf("  no query worker: %s\n", x->s.api->readq_err);
        return -1;
    }
    x->port = server_port(x->s.srv);
    api_server_agent(&x->s, "boss", DT_ROLE_SUPERVISOR, "client:x", NULL, x->boss);
    return 0;
}

/* Stops the daemon (its API may have been freed and set NULL already) and removes the file. */
static inline void rqf_stop(struct rqf *x)
{
    api_server_stop(&x->s);
    rf_db_remove(&x->db);
}

/* A GET of path with token sent on a new connection to the daemon; the socket, or -1. */
static inline int rqf_open_get(const struct rqf *x, const char *path, const char *token)
{
    int fd = raw_connect("127.0.0.1", x->port);
    if (fd < 0)
        return -1;
    char req[512];
    snprintf(req, sizeof req,
             "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n\r\n", path, token);
    raw_send_str(fd, req);
    return fd;
}

/* Reads one whole answer on fd: its status (0 when none came within timeout_ms), its text in
 * out (the caller's, initialised). */
static inline int rqf_answer(int fd, struct dt_buf *out, int timeout_ms)
{
    out->len = 0;
    if (raw_read(fd, out, 1, timeout_ms) != 1)
        return 0;
    dt_buf_putc(out, '\0');
    int status = 0;
    return sscanf(out->data, "HTTP/1.%*d %d", &status) == 1 ? status : 0;
}

/* The status of the answer on fd (0 when none came within RQF_WAIT_MS). */
static inline int rqf_status(int fd)
{
    struct dt_buf b;
    dt_buf_init(&b);
    int st = rqf_answer(fd, &b, RQF_WAIT_MS);
    dt_buf_done(&b);
    return st;
}

static inline void rqf_nap(void)
{
    struct timespec ts = {0, 2000000};
    nanosleep(&ts, NULL);
}

/* Waits until the worker holds busy jobs and waiting are queued; 1 when it came to that within
 * RQF_WAIT_MS, else 0 with what it was printed. */
static inline int rqf_wait_queue(const struct rqf *x, int busy, size_t waiting)
{
    struct readq_counts c;
    for (int i = 0; i < RQF_WAIT_MS / 2; i++, rqf_nap()) {
        readq_counts(x->s.api->readq, &c);
        if (c.busy == busy && c.waiting == waiting)
            return 1;
    }
    printf("  queue: busy %d waiting %zu, not %d and %zu\n", c.busy, c.waiting, busy, waiting);
    return 0;
}

/* Waits until the worker has answered at least answered jobs in all; 1 when it came to that
 * within RQF_WAIT_MS. */
static inline int rqf_wait_answered(const struct rqf *x, uint64_t answered)
{
    struct readq_counts c;
    for (int i = 0; i < RQF_WAIT_MS / 2; i++, rqf_nap()) {
        readq_counts(x->s.api->readq, &c);
        if (c.answered >= answered)
            return 1;
    }
    return 0;
}

/* Runs fn(arg) on a client thread with the worker held, and lets the worker go after; 1 when fn
 * returned within 4 * RQF_WAIT_MS. */
static inline int rqf_run_held(struct rqf *x, void (*fn)(void *), void *arg)
{
    readq_hold(x->s.api->readq, 1);
    int ok = net_run_client(x->s.loop, fn, arg, 4 * RQF_WAIT_MS);
    readq_hold(x->s.api->readq, 0);
    return ok;
}

/* On the client thread, the worker held: GETs held_path and checks the worker comes to hold it,
 * then waiting_path and checks it is queued; their sockets in fds. */
static inline void rqf_open_two(const struct rqf *x, const char *held_path,
                                const char *waiting_path, const char *token, int fds[2])
{
    fds[0] = rqf_open_get(x, held_path, token);
    CHECK(rqf_wait_queue(x, 1, 0));
    fds[1] = rqf_open_get(x, waiting_path, token);
    CHECK(rqf_wait_queue(x, 1, 1));
}

/* On the client thread, the worker held: GETs path until the worker holds one and the queue is
 * full, each step checked; the READQ_WAITING_MAX + 1 sockets in fds. */
static inline void rqf_fill(const struct rqf *x, const char *path, const char *token,
                            int fds[READQ_WAITING_MAX + 1])
{
    fds[0] = rqf_open_get(x, path, token);
    CHECK(rqf_wait_queue(x, 1, 0));
    for (int i = 1; i <= READQ_WAITING_MAX; i++)
        fds[i] = rqf_open_get(x, path, token);
    CHECK(rqf_wait_queue(x, 1, READQ_WAITING_MAX));
}

/* On the client thread, the queue full: one more GET of path, checked refused at once with 503,
 * Retry-After and the code busy; its answer left in out (initialised) for more checks. */
static inline void rqf_check_refused(const struct rqf *x, const char *path, const char *token,
                                     struct dt_buf *out)
{
    int fd = rqf_open_get(x, path, token);
    CHECK_INT(rqf_answer(fd, out, RQF_WAIT_MS), 503);
    const char *t = out->data ? out->data : "";
    CHECK(strstr(t, "\r\nretry-after: " READQ_RETRY_AFTER "\r\n") != NULL ||
          strstr(t, "\r\nRetry-After: " READQ_RETRY_AFTER "\r\n") != NULL);
    CHECK(strstr(t, "\"code\":\"busy\"") != NULL);
    close(fd);
}

/* On the client thread, the worker holding a job: checks GET /healthz is answered 200 with
 * status ok meanwhile (its answer left in out, initialised). */
static inline void rqf_check_healthz(const struct rqf *x, const char *token, struct dt_buf *out)
{
    int fd = rqf_open_get(x, "/healthz", token);
    CHECK_INT(rqf_answer(fd, out, RQF_WAIT_MS), 200);
    CHECK(strstr(out->data ? out->data : "", "\"status\":\"ok\"") != NULL);
    close(fd);
}

/* On the client thread, the worker holding the job of the GET on fd: checks nothing has come for
 * it yet, lets the worker go and checks the job is answered 200 (the answer in out, initialised;
 * fd left open). */
static inline void rqf_check_let_go(const struct rqf *x, int fd, struct dt_buf *out)
{
    CHECK_INT(rqf_answer(fd, out, 100), 0);
    readq_hold(x->s.api->readq, 0);
    CHECK_INT(rqf_answer(fd, out, RQF_WAIT_MS), 200);
}

/* What rqf_stop_in_flight's two client runs share. */
struct rqf_in_flight {
    const struct rqf *x;
    const char *held, *waiting, *token;
    int fds[2];
};

static inline void rqf_in_flight_open(void *arg)
{
    struct rqf_in_flight *f = arg;
    rqf_open_two(f->x, f->held, f->waiting, f->token, f->fds);
}

static inline void rqf_in_flight_read(void *arg)
{
    struct rqf_in_flight *f = arg;
    struct dt_buf b;
    dt_buf_init(&b);
    for (int i = 0; i < 2; i++) {
        CHECK_INT(rqf_answer(f->fds[i], &b, RQF_WAIT_MS), 503);
        CHECK(strstr(b.data ? b.data : "", "the daemon is stopping") != NULL);
        close(f->fds[i]);
    }
    dt_buf_done(&b);
}

/*
 * Stopping with work in flight: the worker holds a GET of held_path and one of waiting_path
 * waits; freeing the daemon's API (x->s.api is NULL after) joins the worker, and both are
 * checked answered 503 with "the daemon is stopping".
 */
static inline void rqf_stop_in_flight(struct rqf *x, const char *held_path,
                                      const char *waiting_path, const char *token)
{
    struct rqf_in_flight f = {.x = x, .held = held_path, .waiting = waiting_path, .token = token};
    readq_hold(x->s.api->readq, 1);
    CHECK(net_run_client(x->s.loop, rqf_in_flight_open, &f, 4 * RQF_WAIT_MS));
    api_free(x->s.api);
    x->s.api = NULL;
    CHECK(net_run_client(x->s.loop, rqf_in_flight_read, &f, 4 * RQF_WAIT_MS));
}

#endif
