/* Tests for where httpd listens (IPv4 loopback only unless IPv6 is asked for, never wider),
 * refused options and busy ports, servers sharing a loop, and freeing a server with
 * connections and requests in flight. */
#include "dialtone/httpd.h"
#include "dialtone/netloop.h"
#include "dialtone/util.h"
#include "check.h"
#include "httpd_fixture.h"

#include <ifaddrs.h>
#include <libwebsockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- where it listens --------------------------------------------------------------------- */

/* 1 if /proc/net/FILE lists a socket in LISTEN state (0A) on port, on any address. */
static int proc_listening(const char *file, int port)
{
    char path[64], line[512], want[8];
    snprintf(path, sizeof path, "/proc/net/%s", file);
    snprintf(want, sizeof want, ":%04X", port);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    int found = 0;
    while (fgets(line, sizeof line, f)) {
        char local[128], remote[128], state[8];
        if (sscanf(line, "%*s %127s %127s %7s", local, remote, state) != 3)
            continue;
        size_t n = strlen(local);
        if (strcmp(state, "0A") == 0 && n >= 5 && strcmp(local + n - 5, want) == 0)
            found = 1;
    }
    fclose(f);
    return found;
}

struct probe {
    int port;
    int v6_connected, other_connected;
    char other[64];
};

static void probe_run(void *arg)
{
    struct probe *p = arg;
    int fd = raw_connect("::1", p->port);
    p->v6_connected = fd >= 0;
    if (fd >= 0)
        close(fd);
    if (p->other[0]) {
        fd = raw_connect(p->other, p->port);
        p->other_connected = fd >= 0;
        if (fd >= 0)
            close(fd);
    }
}

TEST(listens_on_ipv4_loopback_only)
{
    struct fixture fx;
    CHECK_INT(fixture_init(&fx, 0), 0);
    char want[32];
    snprintf(want, sizeof want, "0100007F:%04X", fx.port);
    FILE *f = fopen("/proc/net/tcp", "r");
    int v4 = 0;
    char line[512];
    while (f && fgets(line, sizeof line, f))
        if (strstr(line, want) && strstr(line, " 0A "))
            v4 = 1;
    if (f)
        fclose(f);
    CHECK(v4);
    CHECK(!proc_listening("tcp6", fx.port));

    struct probe p = {.port = fx.port};
    struct ifaddrs *ifs = NULL, *i;
    if (getifaddrs(&ifs) == 0) {
        for (i = ifs; i; i = i->ifa_next) {
            if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET)
                continue;
            struct sockaddr_in *a = (struct sockaddr_in *)i->ifa_addr;
            if ((ntohl(a->sin_addr.s_addr) >> 24) == 127)
                continue;
            inet_ntop(AF_INET, &a->sin_addr, p.other, sizeof p.other);
            break;
        }
        freeifaddrs(ifs);
    }
    CHECK(net_run_client(fx.loop, probe_run, &p, 10000));
    CHECK(!p.v6_connected);
    CHECK(!p.other_connected);
    fixture_done(&fx);
}

TEST(bad_listen_options_and_busy_ports_fail)
{
    char err[256] = "";
    struct netloop *loop = netloop_new(NULL, err, sizeof err);
    struct httpd_options opt = {.iface = "localhost"};
    CHECK(httpd_new(loop, &opt, err, sizeof err) == NULL);
    CHECK(strstr(err, "numeric") != NULL);
    opt.iface = "::1"; /* IPv6 without asking for it */
    CHECK(httpd_new(loop, &opt, err, sizeof err) == NULL);
    opt = (struct httpd_options){.port = 70000};
    CHECK(httpd_new(loop, &opt, err, sizeof err) == NULL);
    static const char *const bad_custom[] = {"X Bad", NULL};
    opt = (struct httpd_options){.custom_headers = bad_custom};
    CHECK(httpd_new(loop, &opt, err, sizeof err) == NULL);

    struct httpd *a = httpd_new(loop, NULL, err, sizeof err);
    CHECK(a != NULL);
    opt = (struct httpd_options){.port = a ? httpd_port(a) : 1};
    err[0] = '\0';
    struct httpd *b = httpd_new(loop, &opt, err, sizeof err);
    CHECK(b == NULL);
    CHECK(strstr(err, "cannot listen") != NULL);
    httpd_free(b);
    /* every server of a loop shares one vhost, hence one protocol list */
    static const struct lws_protocols extra[] = {{.name = "events", .callback = NULL}, {0}};
    opt = (struct httpd_options){.protocols = extra};
    CHECK(httpd_new(loop, &opt, err, sizeof err) == NULL);
    httpd_free(a);
    netloop_free(loop);
}

struct v6probe {
    int port;
    int v6_ok, v4_connected;
    struct dt_buf out;
};

static void v6_run(void *arg)
{
    struct v6probe *p = arg;
    int fd = raw_connect("::1", p->port);
    if (fd >= 0) {
        raw_send_str(fd, "GET /files/x HTTP/1.1\r\nHost: t\r\n\r\n");
        p->v6_ok = raw_read(fd, &p->out, 1, 3000) == 1;
        close(fd);
    }
    fd = raw_connect("127.0.0.1", p->port);
    p->v4_connected = fd >= 0;
    if (fd >= 0)
        close(fd);
}

TEST(ipv6_only_when_asked)
{
    char err[256] = "";
    struct netloop *loop = netloop_new(NULL, err, sizeof err);
    struct httpd_options opt = {.ipv6 = 1}; /* "::1" */
    struct httpd *h = httpd_new(loop, &opt, err, sizeof err);
    if (!h) { /* a machine without IPv6 loopback */
        printf("  (skipped: %s)\n", err);
        netloop_free(loop);
        return;
    }
    CHECK_INT(
        httpd_add_routes(h, fixture_routes, sizeof fixture_routes / sizeof fixture_routes[0], NULL),
        0);
    struct v6probe p = {.port = httpd_port(h)};
    dt_buf_init(&p.out);
    CHECK(net_run_client(loop, v6_run, &p, 10000));
    CHECK(p.v6_ok);
    CHECK(has(&p.out, "\r\nX-Remote: ::1\r\n"));
    CHECK(has(&p.out, "\r\nX-Path: /files/x\r\n"));
    CHECK(!p.v4_connected);
    CHECK(proc_listening("tcp6", p.port));
    CHECK(!proc_listening("tcp", p.port));
    dt_buf_done(&p.out);
    httpd_free(h);
    netloop_free(loop);
}

struct two {
    int port[2];
    int ok[2];
};

static void two_run(void *arg)
{
    struct two *t = arg;
    for (int i = 0; i < 2; i++) {
        int fd = raw_connect("127.0.0.1", t->port[i]);
        struct dt_buf b;
        dt_buf_init(&b);
        raw_send_str(fd, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
        t->ok[i] = raw_read(fd, &b, 1, 3000) == 1 && strcmp(raw_body(&b), "hello, world\n") == 0;
        dt_buf_done(&b);
        close(fd);
    }
}

TEST(two_servers_on_one_loop)
{
    char err[256] = "";
    struct netloop *loop = netloop_new(NULL, err, sizeof err);
    struct httpd *a = httpd_new(loop, NULL, err, sizeof err);
    struct httpd *b = httpd_new(loop, NULL, err, sizeof err);
    CHECK(a && b);
    if (a && b) {
        httpd_add_routes(a, fixture_routes, sizeof fixture_routes / sizeof fixture_routes[0], NULL);
        httpd_add_routes(b, fixture_routes, sizeof fixture_routes / sizeof fixture_routes[0], NULL);
        struct two t = {.port = {httpd_port(a), httpd_port(b)}};
        CHECK(t.port[0] != t.port[1]);
        CHECK(net_run_client(loop, two_run, &t, 10000));
        CHECK(t.ok[0] && t.ok[1]);
    }
    httpd_free(a);
    httpd_free(b);
    netloop_free(loop);
}

struct abandon {
    int port;
    int fds[3];
};

static void abandon_run(void *arg)
{
    struct abandon *x = arg;
    for (int i = 0; i < 3; i++) { /* connections that never send anything */
        int quiet = raw_connect("127.0.0.1", x->port);
        if (quiet >= 0)
            close(quiet);
    }
    x->fds[0] = raw_connect("127.0.0.1", x->port);
    raw_send_str(x->fds[0], "GET /hello HTTP/1.1\r\nHo");
    x->fds[1] = raw_connect("127.0.0.1", x->port);
    raw_send_str(x->fds[1], "GET /defer?ms=60000 HTTP/1.1\r\nHost: t\r\n\r\n");
    x->fds[2] = raw_connect("127.0.0.1", x->port);
    raw_send_str(x->fds[2], "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nhalf");
    usleep(200 * 1000);
}

struct probe_close {
    int port, ms;
};

static void probe_close_run(void *arg)
{
    struct probe_close *p = arg;
    uint64_t start = netloop_now_ms();
    p->ms = -1;
    while (netloop_now_ms() - start < 5000) {
        int fd = raw_connect("127.0.0.1", p->port);
        if (fd < 0) {
            p->ms = (int)(netloop_now_ms() - start);
            return;
        }
        close(fd);
        usleep(20 * 1000);
    }
}

TEST(free_with_requests_in_flight)
{
    struct fixture fx;
    CHECK_INT(fixture_init(&fx, 0), 0);
    struct abandon x = {.port = fx.port};
    CHECK(net_run_client(fx.loop, abandon_run, &x, 10000));
    CHECK(fx.pending[0] != NULL);
    /* open: one connection with half a head, one deferred request, one half-read body.
     * httpd_free closes them all and frees both requests, then the loop goes on */
    httpd_free(fx.h);
    fx.h = NULL;
    for (int i = 0; i < 3; i++) {
        struct dt_buf b;
        dt_buf_init(&b);
        CHECK_INT(raw_read(x.fds[i], &b, 1, 2000), 0); /* closed by the server */
        dt_buf_done(&b);
        close(x.fds[i]);
    }
    struct probe_close pc = {.port = fx.port};
    CHECK(net_run_client(fx.loop, probe_close_run, &pc, 10000));
    CHECK(pc.ms >= 0);            /* refused at once, while the loop goes on */
    CHECK(fx.pending[0] != NULL); /* still held, never to be answered */
    fixture_done(&fx);
}

int main(void)
{
    net_raise_fd_limit();
    RUN(listens_on_ipv4_loopback_only);
    RUN(ipv6_only_when_asked);
    RUN(bad_listen_options_and_busy_ports_fail);
    RUN(two_servers_on_one_loop);
    RUN(free_with_requests_in_flight);
    return check_done();
}
