/*
 * ws_fixture: what the websocket tests share. A loop with an httpd server and a wsd endpoint
 * at /events whose callbacks record everything (the accept callback lets "Bearer good" in,
 * answers 401 to other tokens and refuses ?forbid with a bare 403), and websocket clients
 * (wsc) whose callbacks record their messages and how they closed.
 */
#ifndef DIALTONE_WS_FIXTURE_H
#define DIALTONE_WS_FIXTURE_H

#include "dialtone/httpd.h"
#include "dialtone/netloop.h"
#include "dialtone/util.h"
#include "dialtone/wsc.h"
#include "dialtone/wsd.h"
#include "ws_raw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WS_PROTO "dialtone-events.v1"
static const char *const ws_protos[] = {WS_PROTO, "other-proto.v1", NULL};

/* Messages as received, in order. */
struct msglog {
    char **data;
    size_t *len;
    int n, cap; /* int, so that run_until_ge can wait on n */
};

static inline void msglog_add(struct msglog *l, const char *data, size_t len)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 16;
        l->data = xrealloc(l->data, (size_t)l->cap * sizeof *l->data);
        l->len = xrealloc(l->len, (size_t)l->cap * sizeof *l->len);
    }
    l->data[l->n] = xmalloc(len + 1);
    memcpy(l->data[l->n], data, len + 1);
    l->len[l->n] = len;
    l->n++;
}

static inline void msglog_free(struct msglog *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->data[i]);
    free(l->data);
    free(l->len);
    memset(l, 0, sizeof *l);
}

/* ---- the server side ---------------------------------------------------------------------- */

#define WSFX_MAX_CLIENTS 512

struct wsfx {
    struct netloop *loop;
    struct httpd *h;
    struct wsd *s;
    int port;
    int accepts, refusals, opens, closes;
    char auth[128], query[256], remote[64], asked[64];
    int close_code;
    char close_reason[128];
    uint64_t open_ms, close_ms; /* the loop's clock at the last open and the last close */
    struct wsd_client *clients[WSFX_MAX_CLIENTS]; /* in the order they opened */
    int echo;                                     /* send every message back */
    struct msglog msgs;
};

static inline void copy_hdr(char *dst, size_t n, const char *v)
{
    dt_strlcpy(dst, v ? v : "(none)", n);
}

static inline int fx_accept(struct wsd_client *cl, struct httpd_req *req, void *user)
{
    struct wsfx *fx = user;
    fx->accepts++;
    copy_hdr(fx->auth, sizeof fx->auth, httpd_req_header(req, "authorization"));
    copy_hdr(fx->query, sizeof fx->query, httpd_req_query(req));
    copy_hdr(fx->remote, sizeof fx->remote, httpd_req_remote(req));
    copy_hdr(fx->asked, sizeof fx->asked, httpd_req_header(req, "sec-websocket-protocol"));
    wsd_client_set_user(cl, fx);
    if (strstr(httpd_req_query(req), "forbid")) {
        fx->refusals++;
        return -1; /* no answer: 403 */
    }
    const char *auth = httpd_req_header(req, "authorization");
    if (!auth || strcmp(auth, "Bearer good") != 0) {
        fx->refusals++;
        httpd_req_add_header(req, "WWW-Authenticate", "Bearer");
        httpd_respond_str(req, 401, "application/json", "{\"error\":\"unauthorized\"}");
        return -1;
    }
    return 0;
}

static inline void fx_open(struct wsd_client *cl, void *user)
{
    struct wsfx *fx = user;
    if (fx->opens < WSFX_MAX_CLIENTS)
        fx->clients[fx->opens] = cl;
    fx->opens++;
    fx->open_ms = netloop_now_ms();
}

static inline void fx_message(struct wsd_client *cl, const char *data, size_t len, int binary,
                              void *user)
{
    struct wsfx *fx = user;
    (void)binary;
    msglog_add(&fx->msgs, data, len);
    if (fx->echo)
        wsd_send(cl, data, len);
}

static inline void fx_close(struct wsd_client *cl, int code, const char *reason, void *user)
{
    struct wsfx *fx = user;
    fx->closes++;
    fx->close_ms = netloop_now_ms();
    fx->close_code = code;
    dt_strlcpy(fx->close_reason, reason, sizeof fx->close_reason);
    for (int i = 0; i < fx->opens && i < WSFX_MAX_CLIENTS; i++)
        if (fx->clients[i] == cl)
            fx->clients[i] = NULL;
}

/* The endpoint's options with the recording callbacks; tweak before wsfx_serve. */
static inline struct wsd_options wsfx_options(struct wsfx *fx)
{
    struct wsd_options o = {
        .path = "/events",
        .subprotocol = WS_PROTO,
        .accept = fx_accept,
        .on_open = fx_open,
        .on_message = fx_message,
        .on_close = fx_close,
        .user = fx,
    };
    return o;
}

/* Starts the server and the endpoint on port (0: any). Returns 0 or -1. */
static inline int wsfx_serve(struct wsfx *fx, const struct wsd_options *o, int port)
{
    char err[256] = "";
    struct httpd_options ho = {.port = port, .ws_subprotocols = ws_protos};
    fx->h = httpd_new(fx->loop, &ho, err, sizeof err);
    if (!fx->h) {
        printf("  httpd_new: %s\n", err);
        return -1;
    }
    fx->port = httpd_port(fx->h);
    struct wsd_options def = wsfx_options(fx);
    fx->s = wsd_new(fx->h, o ? o : &def, err, sizeof err);
    if (!fx->s) {
        printf("  wsd_new: %s\n", err);
        return -1;
    }
    return 0;
}

static inline int wsfx_init(struct wsfx *fx, const struct wsd_options *o)
{
    memset(fx, 0, sizeof *fx);
    fx->loop = netloop_new(NULL, NULL, 0);
    if (!fx->loop)
        return -1;
    return wsfx_serve(fx, o, 0);
}

static inline void wsfx_stop(struct wsfx *fx)
{
    wsd_free(fx->s);
    httpd_free(fx->h);
    fx->s = NULL;
    fx->h = NULL;
}

/* Lets the loop run for ms milliseconds. */
static inline void wsfx_spin(struct wsfx *fx, int ms)
{
    int never = 0;
    net_run_until(fx->loop, &never, ms);
}

static inline void wsfx_done(struct wsfx *fx)
{
    wsfx_stop(fx);
    wsfx_spin(fx, 20); /* let closing connections go before the loop does */
    netloop_free(fx->loop);
    msglog_free(&fx->msgs);
}

/* ---- clients ------------------------------------------------------------------------------ */

struct cli {
    struct wsc *c;
    int opened, closed;
    struct wsc_close_info info;
    char reason[128];
    struct msglog msgs;
    int free_in_open;    /* wsc_free from inside on_open */
    int free_in_close;   /* wsc_free from inside on_close */
    int free_after_msgs; /* wsc_free from inside on_message once this many arrived */
    uint64_t opened_ms, closed_ms;
};

static inline void cli_open(struct wsc *c, void *user)
{
    struct cli *r = user;
    r->opened++;
    r->opened_ms = netloop_now_ms();
    if (r->free_in_open) {
        wsc_free(c);
        r->c = NULL;
    }
}

static inline void cli_message(struct wsc *c, const char *data, size_t len, int binary, void *user)
{
    struct cli *r = user;
    (void)binary;
    msglog_add(&r->msgs, data, len);
    if (r->free_after_msgs && r->msgs.n == r->free_after_msgs) {
        wsc_free(c);
        r->c = NULL;
    }
}

static inline void cli_close(struct wsc *c, const struct wsc_close_info *info, void *user)
{
    struct cli *r = user;
    r->closed++;
    r->info = *info;
    dt_strlcpy(r->reason, info->reason, sizeof r->reason);
    r->info.reason = r->reason;
    r->closed_ms = netloop_now_ms();
    if (r->free_in_close) {
        wsc_free(c);
        r->c = NULL;
    }
}

/* Options for a client of the fixture's server at path (with query), with the token and
 * subprotocol given (NULL: none). */
static inline struct wsc_options cli_options(struct cli *r, const struct wsc_header *auth)
{
    struct wsc_options o = {
        .subprotocol = WS_PROTO,
        .headers = auth,
        .nheaders = auth ? 1 : 0,
        .on_open = cli_open,
        .on_message = cli_message,
        .on_close = cli_close,
        .user = r,
    };
    return o;
}

static const struct wsc_header good_auth = {.name = "Authorization", .value = "Bearer good"};

/* Connects a client with the good token to the fixture's /events (plus query). */
static inline int cli_connect(struct wsfx *fx, struct cli *r, const char *query,
                              struct wsc_options *o)
{
    if (!o) /* else r's flags were set up with its options */
        memset(r, 0, sizeof *r);
    char url[256];
    snprintf(url, sizeof url, "ws://127.0.0.1:%d/events%s", fx->port, query ? query : "");
    struct wsc_options def = cli_options(r, &good_auth);
    if (!o)
        o = &def;
    o->url = url;
    char err[256] = "";
    r->c = wsc_new(fx->loop, o, err, sizeof err);
    if (!r->c)
        printf("  wsc_new: %s\n", err);
    return r->c ? 0 : -1;
}

static inline void cli_done(struct cli *r)
{
    wsc_free(r->c);
    r->c = NULL;
    msglog_free(&r->msgs);
}

/* Runs the loop until the counter at *p reaches want or ms pass; returns whether it did.
 * (net_run_until alone would only look at the flag when the loop stops.) */
static inline int loop_until_ge(struct netloop *loop, const int *p, int want, int ms)
{
    uint64_t end = netloop_now_ms() + (uint64_t)ms;
    int never = 0;
    while (*p < want && netloop_now_ms() < end)
        net_run_until(loop, &never, 5);
    return *p >= want;
}

static inline int run_until_ge(struct wsfx *fx, const int *p, int want, int ms)
{
    return loop_until_ge(fx->loop, p, want, ms);
}

#endif
