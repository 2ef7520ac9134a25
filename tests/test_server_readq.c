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

#include "check.h"
#include "dialtone/store.h"
#include "net_helper.h"
#include "readq_fixture.h"
#include "reports_fixture.h"

#define HOUR 3600000LL
/* 2026-03-10T00:00:00+05:30, the first instant of 2026-03-10 in Kolkata */
#define D0     1773081000000LL
#define REPORT "/api/v1/reports/failures?from=2026-03-10&to=2026-03-10"

static struct rqf rx;

static int setup(void)
{
    memset(&rx, 0, sizeof rx);
    static const char conf[] =
        "[twilio]\naccount_sid = AC0123456789abcdef0123456789abcdef\nauth_token = t0k\n"
        "public_base_url = https://dialtone.example.com\n[server]\nport = 0\n"
        "[queue \"support\"]\n[wallboard]\ntimezone = Asia/Kolkata\n";
    if (rqf_start(&rx, conf) != 0)
        return -1;
    rf_call(rx.s.st, "CO1", D0 + 14 * HOUR, NULL, NULL, "busy", NULL, NULL, NULL);
    rf_call(rx.s.st, "CO2", D0 + 15 * HOUR, NULL, NULL, "failed", NULL, NULL, NULL);
    /* a minute ago, for the errors page's seven days */
    rf_call(rx.s.st, "CO3", (int64_t)time(NULL) * 1000 - 60000, NULL, NULL, "busy", NULL, NULL,
            NULL);
    return 0;
}

/* ---- on the client thread -------------------------------------------------------------------- */

/* A GET of path sent on a new connection (with the supervisor's token); the socket, or -1. */
static int open_get(const char *path)
{
    return rqf_open_get(&rx, path, rx.boss);
}

/* ---- the loop answers while a report is held ------------------------------------------------- */

static void healthz_client(void *arg)
{
    (void)arg;
    struct dt_buf b;
    dt_buf_init(&b);
    int rep = open_get(REPORT);
    CHECK(rqf_wait_queue(&rx, 1, 0));
    rqf_check_healthz(&rx, rx.boss, &b);
    /* the report is still held: nothing has come for it */
    rqf_check_let_go(&rx, rep, &b);
    CHECK(strstr(b.data ? b.data : "", "\"report\":\"failures\"") != NULL);
    CHECK(strstr(b.data ? b.data : "", "\"total\":2") != NULL);
    close(rep);
    dt_buf_done(&b);
}

TEST(loop_answers_while_a_report_runs)
{
    CHECK(rqf_run_held(&rx, healthz_client, NULL));
}

/* ---- the errors page goes the same way ------------------------------------------------------ */

static void errors_client(void *arg)
{
    (void)arg;
    struct dt_buf b;
    dt_buf_init(&b);
    int fd = open_get("/api/v1/errors?range=7d&legs=1");
    CHECK(rqf_wait_queue(&rx, 1, 0));
    rqf_check_let_go(&rx, fd, &b);
    const char *t = b.data ? b.data : "";
    CHECK(strstr(t, "\"range\":\"7d\"") != NULL);
    CHECK(strstr(t, "\"legs\":{") != NULL);
    CHECK(strstr(t, "\"busy\":1") != NULL);
    close(fd);
    dt_buf_done(&b);
}

TEST(errors_page_on_the_worker)
{
    CHECK(rqf_run_held(&rx, errors_client, NULL));
}

/* ---- the queue's bound ----------------------------------------------------------------------- */

static void bound_client(void *arg)
{
    (void)arg;
    int fds[READQ_WAITING_MAX + 1];
    struct readq_counts before;
    readq_counts(rx.s.api->readq, &before);
    rqf_fill(&rx, REPORT, rx.boss, fds);
    /* one more: refused at once, with when to come back and why */
    struct dt_buf b;
    dt_buf_init(&b);
    rqf_check_refused(&rx, REPORT, rx.boss, &b);
    CHECK(strstr(b.data ? b.data : "",
                 "16 long queries (reports, errors pages, history searches) are waiting") != NULL);
    struct readq_counts c;
    readq_counts(rx.s.api->readq, &c);
    CHECK_INT((int)(c.refused - before.refused), 1);
    CHECK_INT((int)c.waiting, READQ_WAITING_MAX);
    /* let go: every one of them is answered, in full */
    readq_hold(rx.s.api->readq, 0);
    int ok = 0;
    for (int i = 0; i <= READQ_WAITING_MAX; i++) {
        ok += rqf_status(fds[i]) == 200;
        close(fds[i]);
    }
    CHECK_INT(ok, READQ_WAITING_MAX + 1);
    dt_buf_done(&b);
}

TEST(queue_bound)
{
    CHECK(rqf_run_held(&rx, bound_client, NULL));
}

/* ---- clients that leave ---------------------------------------------------------------------- */

static void gone_client(void *arg)
{
    (void)arg;
    struct readq_counts before, c;
    readq_counts(rx.s.api->readq, &before);
    int fds[2];
    rqf_open_two(&rx, REPORT, REPORT, rx.boss, fds);
    close(fds[0]);
    close(fds[1]);
    /* the loop goes on meanwhile */
    int hz = open_get("/healthz");
    CHECK_INT(rqf_status(hz), 200);
    close(hz);
    readq_hold(rx.s.api->readq, 0);
    CHECK(rqf_wait_answered(&rx, before.answered + 2));
    readq_counts(rx.s.api->readq, &c);
    CHECK_INT((int)(c.answered - before.answered), 2);
    CHECK_INT((int)(c.gone - before.gone), 2);
    /* and the daemon goes on: a report after them */
    int again = open_get(REPORT);
    CHECK_INT(rqf_status(again), 200);
    close(again);
}

TEST(client_gone_before_the_answer)
{
    CHECK(rqf_run_held(&rx, gone_client, NULL));
}

/* ---- stopping with a report in flight -------------------------------------------------------- */

TEST(stop_with_a_report_in_flight)
{
    /* the worker holds one and one waits: freeing the API joins it and answers both */
    rqf_stop_in_flight(&rx, REPORT, REPORT, rx.boss);
}

int main(void)
{
    net_raise_fd_limit();
    if (setup() != 0) {
        rqf_stop(&rx);
        return 1;
    }
    RUN(loop_answers_while_a_report_runs);
    RUN(errors_page_on_the_worker);
    RUN(queue_bound);
    RUN(client_gone_before_the_answer);
    RUN(stop_with_a_report_in_flight);
    rqf_stop(&rx);
    return check_done();
}
