/*
 * Tests for the query worker behind GET /api/v1/reports/NAME (src/server/readq.c), against an
 * in-process server on a database file, with raw sockets so that several requests are open at
 * once. The worker is held with readq_hold, so a slow report is made without timing: the loop
 * answers /healthz while a report is held; GET /api/v1/errors waits for the worker too; 16 reports
 * wait beside the one held and the next gets 503 with Retry-After and words, then all 17 are
 * answered; clients that leave before their answer (one held, one waiting) cost nothing; stopping
 * with a report held and one waiting answers both 503 and joins the worker.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "dialtone/agents.h"
#include "dialtone/api.h"
#include "dialtone/config.h"
#include "dialtone/netloop.h"
#include "dialtone/server.h"
#include "dialtone/store.h"
#include "net_helper.h"
#include "reports_fixture.h"
#include "server/api_int.h"
#include "server/readq_int.h"

#define HOUR 3600000LL
/* 2026-03-10T00:00:00+05:30, the first instant of 2026-03-10 in Kolkata */
#define D0      1773081000000LL
#define REPORT  "/api/v1/reports/failures?from=2026-03-10&to=2026-03-10"
#define WAIT_MS 10000

static struct {
    struct config cfg;
    struct store *st;
    struct netloop *loop;
    struct server *srv;
    struct api *api;
    char boss[AGENTS_TOKEN_SIZE];
    struct rf_db db;
    int port;
} rx;

static char err[256];

static int setup(void)
{
    memset(&rx, 0, sizeof rx);
    static const char conf[] =
        "[twilio]\naccount_sid = AC0123456789abcdef0123456789abcdef\nauth_token = t0k\n"
        "public_base_url = https://dialtone.example.com\n[server]\nport = 0\n"
        "[queue \"support\"]\n[wallboard]\ntimezone = Asia/Kolkata\n";
    if (rf_db_make(&rx.db) != 0)
        return -1;
    config_init(&rx.cfg);
    if (config_load_string(&rx.cfg, "t.conf", conf, err, sizeof err) != DT_OK ||
        store_open(rx.db.path, &rx.st, err, sizeof err) != DT_OK ||
        !(rx.loop = netloop_new(NULL, err, sizeof err))) {
        printf("  setup: %s\n", err);
        return -1;
    }
    struct server_options so = {.cfg = &rx.cfg, .loop = rx.loop, .store = rx.st};
    rx.srv = server_new(&so, err, sizeof err);
    if (rx.srv)
        rx.api = api_new(rx.srv, err, sizeof err);
    if (!rx.api || !rx.api->readq) {
        printf("  server/api: %s %s\n", err, rx.api ? rx.api->readq_err : "");
        return -1;
    }
    rx.port = server_port(rx.srv);
    char hash[AGENTS_HASH_SIZE];
    agents_token_new(rx.boss, NULL, 0);
    agents_token_hash(rx.boss, strlen(rx.boss), hash);
    CHECK_INT(store_agent_add(rx.st, "boss", DT_ROLE_SUPERVISOR, "client:x", hash, 1000, NULL, err,
                              sizeof err),
              DT_OK);
    rf_call(rx.st, "CO1", D0 + 14 * HOUR, NULL, NULL, "busy", NULL, NULL, NULL);
    rf_call(rx.st, "CO2", D0 + 15 * HOUR, NULL, NULL, "failed", NULL, NULL, NULL);
    /* a minute ago, for the errors page's seven days */
    rf_call(rx.st, "CO3", (int64_t)time(NULL) * 1000 - 60000, NULL, NULL, "busy", NULL, NULL, NULL);
    return 0;
}

static void teardown(void)
{
    api_free(rx.api);
    server_free(rx.srv);
    netloop_free(rx.loop);
    store_close(rx.st);
    config_done(&rx.cfg);
    rf_db_remove(&rx.db);
}

/* ---- on the client thread -------------------------------------------------------------------- */

/* A GET of path sent on a new connection (with the supervisor's token); the socket, or -1. */
static int open_get(const char *path)
{
    int fd = raw_connect("127.0.0.1", rx.port);
    if (fd < 0)
        return -1;
    char req[512];
    snprintf(req, sizeof req,
             "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n\r\n", path,
             rx.boss);
    raw_send_str(fd, req);
    return fd;
}

static void nap(void)
{
    struct timespec ts = {0, 2000000};
    nanosleep(&ts, NULL);
}

/* Waits until the worker holds a job and waiting are queued, or answered answers were sent;
 * 1 when it came to that within WAIT_MS. */
static int wait_queue(int busy, size_t waiting)
{
    struct readq_counts c;
    for (int i = 0; i < WAIT_MS / 2; i++, nap()) {
        readq_counts(rx.api->readq, &c);
        if (c.busy == busy && c.waiting == waiting)
            return 1;
    }
    printf("  queue: busy %d waiting %zu, not %d and %zu\n", c.busy, c.waiting, busy, waiting);
    return 0;
}

static int wait_answered(uint64_t answered)
{
    struct readq_counts c;
    for (int i = 0; i < WAIT_MS / 2; i++, nap()) {
        readq_counts(rx.api->readq, &c);
        if (c.answered >= answered)
            return 1;
    }
    return 0;
}

/* Reads one whole answer on fd: its status (0 when none came), its text in out. */
static int answer_of(int fd, struct dt_buf *out, int timeout_ms)
{
    out->len = 0;
    if (raw_read(fd, out, 1, timeout_ms) != 1)
        return 0;
    dt_buf_putc(out, '\0');
    int status = 0;
    return sscanf(out->data, "HTTP/1.%*d %d", &status) == 1 ? status : 0;
}

static int status_of(int fd)
{
    struct dt_buf b;
    dt_buf_init(&b);
    int st = answer_of(fd, &b, WAIT_MS);
    dt_buf_done(&b);
    return st;
}

/* ---- the loop answers while a report is held ------------------------------------------------- */

static void healthz_client(void *arg)
{
    (void)arg;
    struct dt_buf b;
    dt_buf_init(&b);
    int rep = open_get(REPORT);
    CHECK(wait_queue(1, 0));
    int hz = open_get("/healthz");
    CHECK_INT(answer_of(hz, &b, WAIT_MS), 200);
    CHECK(strstr(b.data ? b.data : "", "\"status\":\"ok\"") != NULL);
    /* the report is still held: nothing has come for it */
    CHECK_INT(answer_of(rep, &b, 100), 0);
    readq_hold(rx.api->readq, 0);
    CHECK_INT(answer_of(rep, &b, WAIT_MS), 200);
    CHECK(strstr(b.data ? b.data : "", "\"report\":\"failures\"") != NULL);
    CHECK(strstr(b.data ? b.data : "", "\"total\":2") != NULL);
    close(hz);
    close(rep);
    dt_buf_done(&b);
}

TEST(loop_answers_while_a_report_runs)
{
    readq_hold(rx.api->readq, 1);
    CHECK(net_run_client(rx.loop, healthz_client, NULL, 4 * WAIT_MS));
    readq_hold(rx.api->readq, 0);
}

/* ---- the errors page goes the same way ------------------------------------------------------ */

static void errors_client(void *arg)
{
    (void)arg;
    struct dt_buf b;
    dt_buf_init(&b);
    int fd = open_get("/api/v1/errors?range=7d&legs=1");
    CHECK(wait_queue(1, 0));
    CHECK_INT(answer_of(fd, &b, 100), 0);
    readq_hold(rx.api->readq, 0);
    CHECK_INT(answer_of(fd, &b, WAIT_MS), 200);
    const char *t = b.data ? b.data : "";
    CHECK(strstr(t, "\"range\":\"7d\"") != NULL);
    CHECK(strstr(t, "\"legs\":{") != NULL);
    CHECK(strstr(t, "\"busy\":1") != NULL);
    close(fd);
    dt_buf_done(&b);
}

TEST(errors_page_on_the_worker)
{
    readq_hold(rx.api->readq, 1);
    CHECK(net_run_client(rx.loop, errors_client, NULL, 4 * WAIT_MS));
    readq_hold(rx.api->readq, 0);
}

/* ---- the queue's bound ----------------------------------------------------------------------- */

static void bound_client(void *arg)
{
    (void)arg;
    int fds[READQ_WAITING_MAX + 1];
    struct readq_counts before;
    readq_counts(rx.api->readq, &before);
    fds[0] = open_get(REPORT);
    CHECK(wait_queue(1, 0));
    for (int i = 1; i <= READQ_WAITING_MAX; i++)
        fds[i] = open_get(REPORT);
    CHECK(wait_queue(1, READQ_WAITING_MAX));
    /* one more: refused at once, with when to come back and why */
    struct dt_buf b;
    dt_buf_init(&b);
    int extra = open_get(REPORT);
    CHECK_INT(answer_of(extra, &b, WAIT_MS), 503);
    const char *t = b.data ? b.data : "";
    CHECK(strstr(t, "\r\nretry-after: " READQ_RETRY_AFTER "\r\n") != NULL ||
          strstr(t, "\r\nRetry-After: " READQ_RETRY_AFTER "\r\n") != NULL);
    CHECK(strstr(t, "\"code\":\"busy\"") != NULL);
    CHECK(strstr(t, "16 long queries (reports, errors pages, history searches) are waiting") !=
          NULL);
    struct readq_counts c;
    readq_counts(rx.api->readq, &c);
    CHECK_INT((int)(c.refused - before.refused), 1);
    CHECK_INT((int)c.waiting, READQ_WAITING_MAX);
    close(extra);
    /* let go: every one of them is answered, in full */
    readq_hold(rx.api->readq, 0);
    int ok = 0;
    for (int i = 0; i <= READQ_WAITING_MAX; i++) {
        ok += status_of(fds[i]) == 200;
        close(fds[i]);
    }
    CHECK_INT(ok, READQ_WAITING_MAX + 1);
    dt_buf_done(&b);
}

TEST(queue_bound)
{
    readq_hold(rx.api->readq, 1);
    CHECK(net_run_client(rx.loop, bound_client, NULL, 4 * WAIT_MS));
    readq_hold(rx.api->readq, 0);
}

/* ---- clients that leave ---------------------------------------------------------------------- */

static void gone_client(void *arg)
{
    (void)arg;
    struct readq_counts before, c;
    readq_counts(rx.api->readq, &before);
    int held = open_get(REPORT);
    CHECK(wait_queue(1, 0));
    int waiting = open_get(REPORT);
    CHECK(wait_queue(1, 1));
    close(held);
    close(waiting);
    /* the loop goes on meanwhile */
    int hz = open_get("/healthz");
    CHECK_INT(status_of(hz), 200);
    close(hz);
    readq_hold(rx.api->readq, 0);
    CHECK(wait_answered(before.answered + 2));
    readq_counts(rx.api->readq, &c);
    CHECK_INT((int)(c.answered - before.answered), 2);
    CHECK_INT((int)(c.gone - before.gone), 2);
    /* and the daemon goes on: a report after them */
    int again = open_get(REPORT);
    CHECK_INT(status_of(again), 200);
    close(again);
}

TEST(client_gone_before_the_answer)
{
    readq_hold(rx.api->readq, 1);
    CHECK(net_run_client(rx.loop, gone_client, NULL, 4 * WAIT_MS));
    readq_hold(rx.api->readq, 0);
}

/* ---- stopping with a report in flight -------------------------------------------------------- */

static int stop_fds[2];

static void stop_open(void *arg)
{
    (void)arg;
    stop_fds[0] = open_get(REPORT);
    CHECK(wait_queue(1, 0));
    stop_fds[1] = open_get(REPORT);
    CHECK(wait_queue(1, 1));
}

static void stop_read(void *arg)
{
    (void)arg;
    struct dt_buf b;
    dt_buf_init(&b);
    for (int i = 0; i < 2; i++) {
        CHECK_INT(answer_of(stop_fds[i], &b, WAIT_MS), 503);
        CHECK(strstr(b.data ? b.data : "", "the daemon is stopping") != NULL);
        close(stop_fds[i]);
    }
    dt_buf_done(&b);
}

TEST(stop_with_a_report_in_flight)
{
    readq_hold(rx.api->readq, 1);
    CHECK(net_run_client(rx.loop, stop_open, NULL, 4 * WAIT_MS));
    /* the worker holds one and one waits: freeing the API joins it and answers both */
    api_free(rx.api);
    rx.api = NULL;
    CHECK(net_run_client(rx.loop, stop_read, NULL, 4 * WAIT_MS));
}

int main(void)
{
    net_raise_fd_limit();
    if (setup() != 0)
        return 1;
    RUN(loop_answers_while_a_report_runs);
    RUN(errors_page_on_the_worker);
    RUN(queue_bound);
    RUN(client_gone_before_the_answer);
    RUN(stop_with_a_report_in_flight);
    teardown();
    return check_done();
}
