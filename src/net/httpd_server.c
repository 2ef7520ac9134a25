/*
 * httpd_server: creating and freeing a server, its listening socket and its connections. See
 * dialtone/httpd.h; requests are read and answered in httpd.c.
 *
 * The server opens its own listening socket and hands each accepted connection to lws with
 * lws_adopt_socket_vhost(), on the loop's one serving vhost (netloop_server_vhost), which
 * listens nowhere. lws 4.1 listening by itself has traps this avoids: without DISABLE_IPV6 it
 * listens on "::" whatever the iface says, a second vhost on a port already in use silently
 * shares the first one's socket instead of failing, and lws_vhost_destroy() leaves the socket
 * open (and unserviced) until the context dies. Here the address is bound exactly (an AF_INET
 * socket, or AF_INET6 with IPV6_V6ONLY), a busy port is EADDRINUSE, and httpd_free closes the
 * socket and every connection at once.
 *
 * Each connection's lws opaque pointer is its struct httpd_link, which names its server: lws
 * may move a request to another vhost by its Host header, so the vhost cannot say whose it is.
 */
#include "httpd_int.h"

#include "dialtone/log.h"
#include "dialtone/netloop.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define ACCEPTS_PER_WAKEUP 256
#define ACCEPT_RETRY_MS    100

/* ---- connections -------------------------------------------------------------------------- */

static void link_remove(struct httpd *h, struct httpd_link *l)
{
    if (l->prev)
        l->prev->next = l->next;
    else
        h->links = l->next;
    if (l->next)
        l->next->prev = l->prev;
    lws_set_opaque_user_data(l->wsi, NULL);
    if (l->ws_gone)
        l->ws_gone(l->ws);
    netloop_timer_free(l->end);
    free(l);
}

void httpd_conn_forget(struct httpd *h, struct lws *wsi)
{
    (void)h;
    struct httpd_link *l = lws_get_opaque_user_data(wsi);
    if (l)
        link_remove(l->h, l);
}

/* ---- accepting ---------------------------------------------------------------------------- */

static int on_listen_readable(struct netloop_fd *w, int fd, void *user);

static void watch_again(struct netloop_timer *t, void *user)
{
    struct httpd *h = user;
    if (netloop_fd_add(h->loop, h->lfd, on_listen_readable, h, &h->watch, NULL, 0) != DT_OK)
        netloop_timer_start(t, ACCEPT_RETRY_MS);
}

static void adopt(struct httpd *h, int cfd, const struct sockaddr_storage *ss)
{
    int one = 1;
    setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct lws *wsi = lws_adopt_socket_vhost(h->vh, cfd); /* closes cfd on failure */
    if (!wsi)
        return;
    struct httpd_link *l = xcalloc(1, sizeof *l);
    l->h = h;
    l->wsi = wsi;
    if (ss->ss_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, l->remote,
                  sizeof l->remote);
    else
        inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, l->remote,
                  sizeof l->remote);
    l->next = h->links;
    if (h->links)
        h->links->prev = l;
    h->links = l;
    lws_set_opaque_user_data(wsi, l);
}

static int on_listen_readable(struct netloop_fd *w, int fd, void *user)
{
    (void)w;
    struct httpd *h = user;
    for (int i = 0; i < ACCEPTS_PER_WAKEUP; i++) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        memset(&ss, 0, sizeof ss);
        int cfd = accept(fd, (struct sockaddr *)&ss, &sl);
        if (cfd >= 0) {
            fcntl(cfd, F_SETFD, FD_CLOEXEC);
            fcntl(cfd, F_SETFL, O_NONBLOCK);
            adopt(h, cfd, &ss);
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            break;
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
            /* Out of descriptors: the socket stays readable, so stop watching it for a
             * while instead of spinning; pending clients wait in the backlog. */
            log_warn("httpd: port %d: cannot accept: %s", h->port, strerror(errno));
            h->watch = NULL;
            netloop_timer_start(h->retry, ACCEPT_RETRY_MS);
            return 1;
        }
        /* ECONNABORTED and the like: that client is gone, the next may be fine */
    }
    return 0;
}

static int open_listener(struct httpd *h, const char *iface, int port, char *err, size_t errlen)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
    socklen_t sl;
    if (inet_pton(AF_INET, iface, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons((unsigned short)port);
        sl = sizeof *a4;
    } else {
        inet_pton(AF_INET6, iface, &a6->sin6_addr); /* checked by the caller */
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((unsigned short)port);
        sl = sizeof *a6;
    }
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return dt_seterr(err, errlen, DT_EIO, "socket: %s", strerror(errno));
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (ss.ss_family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&ss, sl) != 0 || listen(fd, SOMAXCONN) != 0 ||
        getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) {
        int e = errno;
        close(fd);
        return dt_seterr(err, errlen, DT_EIO, "cannot listen on %s port %d: %s", iface, port,
                         strerror(e));
    }
    h->lfd = fd;
    h->port = ntohs(ss.ss_family == AF_INET ? a4->sin_port : a6->sin6_port);
    return DT_OK;
}

/* ---- options ------------------------------------------------------------------------------ */

static int is_token_char(int c)
{
    return isalnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static int set_custom_headers(struct httpd *h, const char *const *names, char *err, size_t errlen)
{
    for (size_t i = 0; names && names[i]; i++) {
        size_t n = strlen(names[i]);
        if (h->ncustom == HTTPD_MAX_CUSTOM)
            return dt_seterr(err, errlen, DT_EINVAL, "more than %d custom headers",
                             HTTPD_MAX_CUSTOM);
        if (n == 0 || n + 2 > HTTPD_CUSTOM_NAME)
            return dt_seterr(err, errlen, DT_EINVAL, "bad custom header name length");
        char *lower = xmalloc(n + 2);
        for (size_t k = 0; k < n; k++) {
            if (!is_token_char((unsigned char)names[i][k])) {
                free(lower);
                return dt_seterr(err, errlen, DT_EINVAL, "bad custom header name \"%s\"", names[i]);
            }
            lower[k] = (char)tolower((unsigned char)names[i][k]);
        }
        memcpy(lower + n, ":", 2);
        h->custom[h->ncustom++] = lower;
    }
    return DT_OK;
}

/* Our HTTP protocol first, then the websocket subprotocols (served by the same callback,
 * which hands an upgraded connection's events to its endpoint), then the caller's, on the
 * loop's serving vhost. */
static struct lws_vhost *serving_vhost(struct netloop *loop, const struct httpd_options *opt,
                                       char *err, size_t errlen)
{
    const struct lws_protocols *extra = opt->protocols;
    const char *const *ws = opt->ws_subprotocols;
    size_t n = 0, nws = 0;
    while (extra && extra[n].name)
        n++;
    while (ws && ws[nws])
        nws++;
    struct lws_protocols *list = xcalloc(n + nws + 2, sizeof *list);
    list[0] = (struct lws_protocols){
        .name = "http",
        .callback = httpd_callback,
        .per_session_data_size = sizeof(struct httpd_conn),
    };
    for (size_t i = 0; i < nws; i++)
        list[i + 1] = (struct lws_protocols){
            .name = ws[i],
            .callback = httpd_callback,
            .per_session_data_size = sizeof(struct httpd_conn),
        };
    for (size_t i = 0; i < n; i++)
        list[i + 1 + nws] = extra[i];
    struct lws_vhost *vh = netloop_server_vhost(loop, list, err, errlen);
    free(list);
    return vh;
}

static int check_iface(const char *iface, int ipv6, char *err, size_t errlen)
{
    unsigned char addr[16];
    if (inet_pton(AF_INET, iface, addr) == 1 || (ipv6 && inet_pton(AF_INET6, iface, addr) == 1))
        return DT_OK;
    return dt_seterr(err, errlen, DT_EINVAL, "listen address \"%s\" is not a numeric %s address",
                     iface, ipv6 ? "IPv4 or IPv6" : "IPv4");
}

/* ---- the server --------------------------------------------------------------------------- */

int httpd_add_upgrade(struct httpd *h, const char *path, httpd_upgrade_fn fn, void *user)
{
    for (size_t i = 0; i < h->nupgrades; i++)
        if (strcmp(h->upgrades[i].path, path) == 0)
            return DT_EEXIST;
    h->upgrades = xrealloc(h->upgrades, (h->nupgrades + 1) * sizeof *h->upgrades);
    h->upgrades[h->nupgrades++] =
        (struct httpd_upgrade){.path = xstrdup(path), .fn = fn, .user = user};
    return DT_OK;
}

void httpd_remove_upgrade(struct httpd *h, void *user)
{
    size_t k = 0;
    for (size_t i = 0; i < h->nupgrades; i++) {
        if (h->upgrades[i].user == user)
            free(h->upgrades[i].path);
        else
            h->upgrades[k++] = h->upgrades[i];
    }
    h->nupgrades = k;
}

static void free_server(struct httpd *h)
{
    for (size_t i = 0; i < h->nupgrades; i++)
        free(h->upgrades[i].path);
    free(h->upgrades);
    for (size_t i = 0; i < h->ncustom; i++)
        free(h->custom[i]);
    free(h->sets);
    free(h);
}

struct httpd *httpd_new(struct netloop *loop, const struct httpd_options *opt, char *err,
                        size_t errlen)
{
    static const struct httpd_options defaults = {0};
    if (!opt)
        opt = &defaults;
    const char *iface = opt->iface ? opt->iface : opt->ipv6 ? "::1" : "127.0.0.1";
    if (check_iface(iface, opt->ipv6, err, errlen) != DT_OK)
        return NULL;
    if (opt->port < 0 || opt->port > 65535) {
        dt_seterr(err, errlen, DT_EINVAL, "port %d out of range", opt->port);
        return NULL;
    }

    struct httpd *h = xcalloc(1, sizeof *h);
    h->loop = loop;
    h->lfd = -1;
    h->max_body = opt->max_body ? opt->max_body : HTTPD_MAX_BODY_DEFAULT;
    httpd_set_fallback(h, NULL, NULL);
    httpd_req_tokens(h);
    if (set_custom_headers(h, opt->custom_headers, err, errlen) != DT_OK ||
        !(h->vh = serving_vhost(loop, opt, err, errlen)) ||
        open_listener(h, iface, opt->port, err, errlen) != DT_OK) {
        free_server(h);
        return NULL;
    }
    h->retry = netloop_timer_new(loop, watch_again, h);
    if (netloop_fd_add(loop, h->lfd, on_listen_readable, h, &h->watch, err, errlen) != DT_OK) {
        httpd_free(h);
        return NULL;
    }
    return h;
}

void httpd_free(struct httpd *h)
{
    if (!h)
        return;
    netloop_fd_remove(h->watch);
    netloop_timer_free(h->retry);
    if (h->flush && netloop_timer_pending(h->flush) && h->flush_fn)
        h->flush_fn(h->flush_user, 1);
    netloop_timer_free(h->flush);
    if (h->lfd >= 0) {
        shutdown(h->lfd, SHUT_RDWR); /* refuse at once, even before the loop's copy closes */
        close(h->lfd);
    }
    while (h->reqs) {
        struct httpd_req *req = h->reqs;
        if (req->conn)
            req->conn->req = NULL;
        httpd_req_free(req);
    }
    /* Unlinked first, so that the callbacks of the closing connections find no server. */
    while (h->links) {
        struct lws *wsi = h->links->wsi;
        link_remove(h, h->links);
        lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_SYNC);
    }
    free_server(h);
}

static void on_flush(struct netloop_timer *t, void *user)
{
    (void)t;
    struct httpd *h = user;
    if (h->flush_fn)
        h->flush_fn(h->flush_user, 0);
}

void httpd_flush_soon(struct httpd *h, httpd_flush_fn fn, void *user)
{
    if (!h->flush)
        h->flush = netloop_timer_new(h->loop, on_flush, h);
    if (netloop_timer_pending(h->flush))
        return;
    h->flush_fn = fn;
    h->flush_user = user;
    netloop_timer_start(h->flush, 0);
}

int httpd_port(const struct httpd *h)
{
    return h->port;
}

struct lws_vhost *httpd_vhost(const struct httpd *h)
{
    return h->vh;
}
