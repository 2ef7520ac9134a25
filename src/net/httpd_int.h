/*
 * httpd_int: the server and request structures shared by httpd.c (the lws side: listening,
 * reading, writing) and httpd_req.c (the request object: headers, query, answers). Not for
 * use outside src/net.
 */
#ifndef DIALTONE_HTTPD_INT_H
#define DIALTONE_HTTPD_INT_H

#include "dialtone/httpd.h"
#include "dialtone/util.h"

#include <libwebsockets.h>

#define HTTPD_MAX_CUSTOM  32
#define HTTPD_CUSTOM_NAME 64
#define HTTPD_REMOTE_MAX  64

struct route_set {
    const struct httpd_route *rows;
    size_t n;
    void *user;
};

struct httpd_link;

/* A websocket endpoint's upgrade handler (wsd.c): 0 when it accepts the upgrade (and set the
 * link's ws fields), else non-zero, having answered req or not (then 403 goes). */
typedef int (*httpd_upgrade_fn)(struct httpd_req *req, struct httpd_link *link, void *user);

struct httpd_upgrade {
    char *path;
    httpd_upgrade_fn fn;
    void *user;
};

struct httpd {
    struct netloop *loop;
    struct lws_vhost *vh; /* the loop's serving vhost: adopts what lfd accepts */
    int lfd;              /* our listening socket */
    struct netloop_fd *watch;
    struct netloop_timer *retry; /* watches lfd again after running out of descriptors */
    struct httpd_link *links;    /* every open connection, for httpd_free */
    int port;
    size_t max_body;
    char *custom[HTTPD_MAX_CUSTOM]; /* "x-twilio-signature:", as lws looks them up */
    size_t ncustom;
    /* lws's header tokens ("content-type:"), made once instead of at every request from all
     * of its tokens (methods, versions, pseudo-headers and the rest) */
    struct httpd_token {
        int tok;
        const char *name; /* lws's string: the name, then ':' */
        size_t namelen;   /* without the ':' */
    } tokens[WSI_TOKEN_COUNT];
    size_t ntokens;
    struct route_set *sets;
    size_t nsets;
    httpd_handler_fn fallback;
    void *fallback_user;
    struct httpd_req *reqs; /* every live request, for httpd_free */
    struct httpd_upgrade *upgrades;
    size_t nupgrades;
    struct netloop_timer *flush; /* httpd_flush_soon's timer, NULL until first armed */
    httpd_flush_fn flush_fn;
    void *flush_user;
};

/* lws's per-transaction data ("per session" in lws, but lws 4.1 frees and re-allocates it
 * for every request of a keep-alive connection), zeroed by lws. */
struct httpd_conn {
    struct httpd_req *req; /* the request in progress, or NULL */
    int complete_pending;  /* answered from BODY_COMPLETION: end the transaction next */
};

/* One open connection, from accept to LWS_CALLBACK_WSI_DESTROY; the wsi's opaque pointer. */
struct httpd_link {
    struct httpd *h;
    struct lws *wsi;
    char remote[HTTPD_REMOTE_MAX];
    struct httpd_link *prev, *next;
    struct netloop_timer *end; /* ends a transaction answered in BODY_COMPLETION */
    /* Set when the connection upgraded to a websocket: the lws callback gets every event
     * of the connection, and ws_gone(ws) runs when the link is removed. */
    void *ws;
    lws_callback_function *ws_callback;
    void (*ws_gone)(void *ws);
};

enum req_state {
    REQ_READING,    /* collecting the body */
    REQ_DISCARDING, /* reading an over-cap body to throw away, then 413 */
    REQ_HANDLING,   /* in its handler */
    REQ_DEFERRED,   /* handler returned; the answer comes later */
    REQ_ANSWERING,  /* answer set, to be written */
};

struct header {
    char *name;
    char *value;
};

struct httpd_req {
    struct httpd *h;
    struct lws *wsi;         /* NULL once the client has gone */
    struct httpd_conn *conn; /* NULL once the client has gone */
    struct httpd_req *prev, *next;
    enum req_state state;
    const char *method;
    char *path;
    char *query;
    char remote[HTTPD_REMOTE_MAX];
    struct header *headers;
    size_t nheaders;
    struct dt_buf body;
    size_t body_expected;
    int head;               /* HEAD: headers only */
    int deferred;           /* its handler deferred it */
    int64_t deferred_at_ms; /* when, on the monotonic clock */

    int status;
    char *ctype;
    struct header out[HTTPD_MAX_RESPONSE_HEADERS];
    size_t nout;
    char *rbody;
    size_t rlen;
    int close_after;
};

/* The lws protocol callback of the server's HTTP protocol (httpd.c). */
int httpd_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                   size_t len);

/* Adds a websocket endpoint at an exact path (httpd_server.c); DT_EEXIST if the path has one.
 * Removed by the user pointer. */
int httpd_add_upgrade(struct httpd *h, const char *path, httpd_upgrade_fn fn, void *user);
void httpd_remove_upgrade(struct httpd *h, void *user);

/* Forgets a connection that lws is destroying (httpd_server.c). */
void httpd_conn_forget(struct httpd *h, struct lws *wsi);

/* Ends the connection's transaction from a timer, before lws reads it again (httpd.c). */
void httpd_conn_end_later(struct httpd_link *link);

/* Creates a request for wsi and links it into the server and the connection. */
struct httpd_req *httpd_req_new(struct httpd *h, struct lws *wsi, struct httpd_conn *conn);

/* Unlinks and frees a request. */
void httpd_req_free(struct httpd_req *req);

/* Fills h->tokens with lws's header tokens, once, when the server is made. */
void httpd_req_tokens(struct httpd *h);

/* Copies method, path, query, headers and peer address from lws (inside LWS_CALLBACK_HTTP).
 * Returns 0, or an HTTP status to answer with (400, 501) when the request is unusable. */
int httpd_req_read_head(struct httpd_req *req, const char *uri, size_t urilen);

/* Sets the answer and asks lws for a writeable callback (the connection must be alive). */
void httpd_req_answer(struct httpd_req *req, int status, const char *ctype, const void *body,
                      size_t len, int close_after);

/* Answers with a short plain-text body for an error, closing the connection if asked. */
void httpd_req_fail(struct httpd_req *req, int status, const char *text, int close_after);

#endif
