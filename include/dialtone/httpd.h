/*
 * httpd: an HTTP/1.1 server on a netloop, served by lws. A route table maps a method and an
 * exact path or a path prefix to a handler; each request arrives with its headers and its
 * whole body, collected under a cap. A handler answers at once or defers and answers later
 * from the loop thread, even after the client has gone. No client is left waiting: bodies
 * sent chunked get 411 (lws cannot read them), "Expect: 100-continue" gets its 100 Continue
 * (or a 413 before the body is sent when it would be over the cap), other expectations 417,
 * unknown paths 404, other methods 405. Pipelined requests are answered in order, except that
 * lws 4.1 cannot go past a request with a body: the connection closes after that one's
 * answer, and the client retries the rest. A GET asking for a websocket goes to the endpoint
 * at its exact path (wsd.h), or gets 404; a refused upgrade is answered and the connection
 * closes.
 *
 * Threads: everything here is for the loop thread only.
 */
#ifndef DIALTONE_HTTPD_H
#define DIALTONE_HTTPD_H

#include <stddef.h>

struct netloop;
struct lws_vhost;
struct lws_protocols;
struct httpd;
struct httpd_req;

#define HTTPD_MAX_BODY_DEFAULT ((size_t)1 << 20)
/* Most extra headers a response may carry (httpd_req_add_header). */
#define HTTPD_MAX_RESPONSE_HEADERS 32

/*
 * A handler: called on the loop thread with a request whose body is complete. It must call
 * httpd_respond (now) or httpd_defer (and httpd_respond later). A handler that returns having
 * done neither gets a 500 sent in its place.
 */
typedef void (*httpd_handler_fn)(struct httpd_req *req, void *user);

/* One row of a route table. */
struct httpd_route {
    const char *method; /* "GET" (which answers HEAD too), "POST"...; NULL: every method */
    const char *path;   /* "/twilio/voice"; with prefix set, matches every path it begins */
    int prefix;
    httpd_handler_fn fn;
};

struct httpd_options {
    /* Numeric address to listen on: "127.0.0.1" when NULL; names such as "localhost" are
     * refused, so that where it listens never depends on name resolution. IPv4 only unless
     * ipv6 is set. */
    const char *iface;
    int port; /* 0 picks a free port: see httpd_port */
    int ipv6; /* 1: iface is an IPv6 address ("::1") and IPv6 is enabled */
    /* Request body cap in bytes; 0 means HTTPD_MAX_BODY_DEFAULT. A larger body gets 413 and
     * the connection closes; up to four times the cap is read and thrown away first, so that
     * a client still sending reads the 413 rather than a reset. */
    size_t max_body;
    /* Header names other than the standard ones (which are always kept) to keep from each
     * request, NULL-terminated: {"X-Twilio-Signature", NULL}. lws 4.1 can only look custom
     * headers up by name, so one not listed here reads as absent. At most 32, each shorter
     * than 64 bytes. */
    const char *const *custom_headers;
    /* More lws protocols for the same vhost (a websocket endpoint), ending with an entry
     * whose name is NULL; copied. The HTTP protocol stays first. Every server on a loop
     * shares one vhost (see netloop_server_vhost), so they must all give the same list. */
    const struct lws_protocols *protocols;
    /* Websocket subprotocols the servers of this loop speak ("dialtone-events.v1"), NULL-
     * terminated; the strings must outlive the loop. A wsd endpoint (wsd.h) may only use a
     * name listed here. Every server on a loop must give the same list, like protocols. */
    const char *const *ws_subprotocols;
};

/*
 * Creates the server and starts listening. The server binds its own socket to exactly iface
 * and port (an IPv4 socket unless ipv6 is set, then IPv6-only) and hands each connection it
 * accepts to lws, so it never listens wider than it was told: lws 4.1 left to listen itself
 * would also open "::" without LWS_SERVER_OPTION_DISABLE_IPV6, silently share a port another
 * server of the process holds, and keep listening after being freed. A port already in use
 * or an address the machine does not have is an error. Returns NULL with err filled.
 */
struct httpd *httpd_new(struct netloop *loop, const struct httpd_options *opt, char *err,
                        size_t errlen);

/*
 * Stops listening (new connections are refused at once) and closes every connection.
 * Requests still unanswered, deferred ones included, are freed: their holders must not answer
 * them afterwards (free the httpc clients whose completions answer requests first). Not from
 * one of the server's own handlers. NULL is ignored.
 */
void httpd_free(struct httpd *h);

/* The port actually listened on (the one picked when 0 was asked for). */
int httpd_port(const struct httpd *h);

/* The lws vhost the connections live on (shared by the loop's servers). Borrowed. */
struct lws_vhost *httpd_vhost(const struct httpd *h);

/*
 * Adds routes, tried in the order added: the first whose method and path match handles the
 * request. A path that matches a route but no method gets 405 with an Allow header. The
 * table is borrowed and must outlive the server (a static const table); user is passed to
 * every handler of the table. Returns 0, or DT_EINVAL for a row without a path starting
 * with '/' or without a handler (nothing is added then).
 */
int httpd_add_routes(struct httpd *h, const struct httpd_route *routes, size_t n, void *user);

/* Replaces the handler for paths no route matches (by default: 404, "not found"). */
void httpd_set_fallback(struct httpd *h, httpd_handler_fn fn, void *user);

/* ---- reading a request (valid until it is answered) --------------------------------------- */

/* "GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS" or "HEAD". */
const char *httpd_req_method(const struct httpd_req *req);

/* The path, percent-decoded by lws and normalised ("/a/../b" is "/b"); no query. */
const char *httpd_req_path(const struct httpd_req *req);

/*
 * The query string without '?', or "" when there is none. lws decodes the query before we
 * see it, so this is rebuilt: each name and value re-encoded (unreserved characters as they
 * are, everything else as %XX, space as %20) and joined with '&'. A query made only of
 * unreserved characters, '=' and '&' comes back exactly as sent.
 */
const char *httpd_req_query(const struct httpd_req *req);

/* A request header by name, any case ("content-type"), or NULL when absent. Repeated
 * headers are joined by lws with ", ". Only standard and listed custom headers are kept. */
const char *httpd_req_header(const struct httpd_req *req, const char *name);

/* The peer's numeric address ("127.0.0.1"). */
const char *httpd_req_remote(const struct httpd_req *req);

/* The body (NUL-terminated after len bytes, which may hold NULs), "" with len 0 if none. */
const char *httpd_req_body(const struct httpd_req *req, size_t *len);

/* ---- answering ---------------------------------------------------------------------------- */

/*
 * Adds a response header (name and value copied). Returns 0, DT_EINVAL for a name that is
 * not an HTTP token or a value with a control byte other than a tab (CR, LF, DEL...), or one of
 * Content-Length, Connection or Transfer-Encoding (the server writes those), DT_ETOOBIG past
 * HTTPD_MAX_RESPONSE_HEADERS.
 */
int httpd_req_add_header(struct httpd_req *req, const char *name, const char *value);

/*
 * Answers: status (200-599), content type (NULL means "text/plain"; control bytes but a tab
 * are refused), body of len bytes (copied; NULL with len 0 for none; dropped for 204 and 304 and
 * not sent to HEAD), with Content-Length and keep-alive. The
 * request is no longer the caller's after this call, whatever it returns: it is freed once
 * the answer is written or the connection closes. Returns 0; DT_ESTATE when the client of a
 * request deferred 10 ms or more before had already gone (one answered sooner is written
 * without looking: should its client have left, the write fails and the connection closes);
 * DT_EINVAL for a bad status or content type, in which case a 500 is sent instead.
 */
int httpd_respond(struct httpd_req *req, int status, const char *content_type, const void *body,
                  size_t len);

/* httpd_respond with a NUL-terminated body. */
int httpd_respond_str(struct httpd_req *req, int status, const char *content_type,
                      const char *body);

/*
 * Keeps the request open after the handler returns: answer it later with httpd_respond, on
 * the loop thread. lws's own timeouts are lifted for it; the holder must answer eventually
 * (the client going away does not free it: httpd_respond does). Only the handler may call
 * this, before it returns.
 */
void httpd_defer(struct httpd_req *req);

/* 1 when the client of a deferred request has closed its connection (looked up on the
 * socket at each call), else 0. */
int httpd_req_gone(const struct httpd_req *req);

/*
 * For a handler that gathers deferred requests to answer them together (the daemon stores
 * the webhooks of one loop round in one transaction): httpd_flush_soon arms fn(user, 0) to
 * run once on the loop thread after the requests read so far in this loop round have gone
 * through their handlers (a 0 ms timer, before the loop next waits). Arming it again before
 * it ran does nothing; the server has one such slot, for one holder. httpd_free calls
 * fn(user, 1) when it is still armed, before it frees the requests: the holder must then let
 * go of them without answering.
 */
typedef void (*httpd_flush_fn)(void *user, int freeing);
void httpd_flush_soon(struct httpd *h, httpd_flush_fn fn, void *user);

/*
 * Rebuilds a decoded query the way httpd_req_query does, from its fragments as lws hands
 * them over ("a=b c"): appends to out (a struct dt_buf) the '&'-joined re-encoded pairs.
 * Exposed for tests and fuzzing. Never fails.
 */
struct dt_buf;
void httpd_query_append(struct dt_buf *out, const char *fragment, size_t len);

#endif
