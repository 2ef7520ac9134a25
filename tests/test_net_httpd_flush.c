/* Tests for httpd_flush_soon, through raw sockets: requests deferred by their handlers in one
 * loop round are answered together by the flush that runs after them (once, however often it
 * was armed), and a server freed while a flush is still armed calls it to let go of the
 * requests without answering them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "dialtone/httpd.h"
#include "dialtone/netloop.h"
#include "dialtone/util.h"
#include "net_helper.h"

#define N_REQS 12

static struct {
    struct netloop *loop;
    struct httpd *h;
    struct httpd_req *held[N_REQS];
    int nheld, handled, flushes, freed, stop_in_handler;
    int batch_sizes[N_REQS];
} fx;

static void on_flush(void *user, int freeing)
{
    (void)user;
    if (freeing) {
        fx.freed++;
        fx.nheld = 0; /* httpd frees them */
        return;
    }
    fx.batch_sizes[fx.flushes < N_REQS ? fx.flushes : N_REQS - 1] = fx.nheld;
    fx.flushes++;
    char body[32];
    snprintf(body, sizeof body, "batch of %d\n", fx.nheld);
    for (int i = 0; i < fx.nheld; i++)
        httpd_respond_str(fx.held[i], 200, "text/plain", body);
    fx.nheld = 0;
}

static void on_req(struct httpd_req *req, void *user)
{
    (void)user;
    fx.handled++;
    httpd_defer(req);
    if (fx.nheld < N_REQS)
        fx.held[fx.nheld++] = req;
    httpd_flush_soon(fx.h, on_flush, NULL);
    httpd_flush_soon(fx.h, on_flush, NULL); /* armed already: nothing more */
    if (fx.stop_in_handler)
        netloop_stop(fx.loop);
}

static const struct httpd_route routes[] = {{.method = "GET", .path = "/held", .fn = on_req}};

static int setup(void)
{
    memset(&fx, 0, sizeof fx);
    char err[256] = "";
    fx.loop = netloop_new(NULL, err, sizeof err);
    struct httpd_options o = {.port = 0};
    fx.h = fx.loop ? httpd_new(fx.loop, &o, err, sizeof err) : NULL;
    if (!fx.h) {
        printf("  setup: %s\n", err);
        return -1;
    }
    return httpd_add_routes(fx.h, routes, 1, NULL);
}

TEST(deferred_together_answered_by_one_flush)
{
    CHECK_INT(setup(), 0);
    int fds[N_REQS];
    for (int i = 0; i < N_REQS; i++) {
        fds[i] = raw_connect("127.0.0.1", httpd_port(fx.h));
        CHECK_INT(raw_send_str(fds[i], "GET /held HTTP/1.1\r\nHost: t\r\n\r\n"), 0);
    }
    int never = 0;
    for (int waited = 0; fx.handled < N_REQS && waited < 10000; waited += 10)
        net_run_until(fx.loop, &never, 10);
    net_run_until(fx.loop, &never, 50);
    CHECK_INT(fx.handled, N_REQS);
    CHECK(fx.flushes >= 1 && fx.flushes < N_REQS); /* several answered by one flush */
    printf("  %d requests, %d flushes, the first of %d\n", N_REQS, fx.flushes, fx.batch_sizes[0]);
    for (int i = 0; i < N_REQS; i++) {
        struct dt_buf b;
        dt_buf_init(&b);
        CHECK_INT(raw_read(fds[i], &b, 1, 5000), 1);
        CHECK(b.data && strncmp(b.data, "HTTP/1.1 200", 12) == 0);
        CHECK(strstr(raw_body(&b), "batch of ") != NULL);
        dt_buf_done(&b);
        close(fds[i]);
    }
    CHECK_INT(fx.freed, 0);
    httpd_free(fx.h);
    CHECK_INT(fx.freed, 0); /* nothing armed any more */
    netloop_free(fx.loop);
}

TEST(freed_while_armed_lets_go_unanswered)
{
    CHECK_INT(setup(), 0);
    fx.stop_in_handler = 1;
    int fd = raw_connect("127.0.0.1", httpd_port(fx.h));
    CHECK_INT(raw_send_str(fd, "GET /held HTTP/1.1\r\nHost: t\r\n\r\n"), 0);
    /* the handler stops the loop, and handled being set keeps it from running again */
    CHECK_INT(net_run_until(fx.loop, &fx.handled, 10000), 1);
    CHECK_INT(fx.flushes, 0); /* the loop stopped in the handler, before the flush */
    httpd_free(fx.h);
    CHECK_INT(fx.freed, 1);
    CHECK_INT(fx.flushes, 0);
    struct dt_buf b;
    dt_buf_init(&b);
    CHECK(raw_read(fd, &b, 1, 2000) != 1); /* closed, never answered */
    dt_buf_done(&b);
    close(fd);
    netloop_free(fx.loop);
}

int main(void)
{
    RUN(deferred_together_answered_by_one_flush);
    RUN(freed_while_armed_lets_go_unanswered);
    return check_done();
}
