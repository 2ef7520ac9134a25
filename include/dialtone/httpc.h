/*
 * httpc: an asynchronous HTTP client on libcurl. One worker thread runs a curl multi handle
 * with every transfer in flight (thousands at once); requests are submitted from the loop
 * thread and each completion comes back on the loop thread through netloop_post, with the
 * status, the headers, the body (capped) or the reason it failed.
 *
 * Threads: every function here is for the loop thread only; callbacks run there too.
 */
#ifndef DIALTONE_HTTPC_H
#define DIALTONE_HTTPC_H

#include <stddef.h>

struct netloop;
struct httpc;
struct httpc_call;

#define HTTPC_MAX_BODY_DEFAULT ((size_t)1 << 20)
#define HTTPC_TIMEOUT_DEFAULT  30000 /* ms, for the whole transfer */
#define HTTPC_MAX_HEADER_BYTES 65536 /* response headers, all together */
#define HTTPC_MAX_HEADERS      64    /* request headers */

struct httpc_options {
    size_t max_body;         /* response body cap; 0 means HTTPC_MAX_BODY_DEFAULT */
    long connect_timeout_ms; /* 0 means 10 s */
    const char *user_agent;  /* NULL means "dialtone/VERSION" */
};

struct httpc_header {
    const char *name;
    const char *value;
};

/* A request, copied by httpc_send: nothing in it needs to outlive the call. */
struct httpc_request {
    const char *method; /* NULL: GET, or POST when there is a body */
    const char *url;    /* http:// or https:// only */
    const struct httpc_header *headers;
    size_t nheaders; /* at most HTTPC_MAX_HEADERS */
    const void *body;
    size_t body_len;
    long timeout_ms;      /* whole transfer; 0 means HTTPC_TIMEOUT_DEFAULT */
    const char *user;     /* HTTP Basic auth when set */
    const char *password; /* with user */
};

/*
 * What came back. Valid during the callback only (copy what you keep). On a transfer that
 * completed, whatever its HTTP status, code is 0 and error NULL. Otherwise code is DT_EIO
 * (network: refused, reset, timed out, name not resolved...), DT_ETOOBIG (the body or the
 * headers went over their cap) or DT_ESTATE (the client shut down first), status is 0 unless
 * the headers had already arrived, and error says what happened in a short phrase.
 */
struct httpc_response {
    int code;
    const char *error;
    int status;
    const char *content_type; /* "" when absent */
    const char *body;         /* NUL-terminated after body_len bytes; "" when empty */
    size_t body_len;
    double seconds; /* total time of the transfer */
};

/* Called on the loop thread once per request that was not cancelled. */
typedef void (*httpc_done_fn)(const struct httpc_response *res, void *arg);

/*
 * Creates the client and starts its worker thread. curl_global_init runs once per process,
 * whatever the number of clients; its state lasts until exit. Returns NULL with err filled.
 */
struct httpc *httpc_new(struct netloop *loop, const struct httpc_options *opt, char *err,
                        size_t errlen);

/*
 * Shuts down: aborts every transfer still in flight and calls its callback with code
 * DT_ESTATE, before returning (nothing is called afterwards and nothing leaks). Callbacks run
 * from inside this call must not send new requests (they get DT_ESTATE). NULL is ignored.
 */
void httpc_free(struct httpc *c);

/*
 * Sends a request. Always sends an empty "Expect:" (so curl never waits for a 100 Continue)
 * unless the caller gives an Expect header. fn(res, arg) runs later on the loop thread, exactly
 * once, unless the request is cancelled. *out, if out is not NULL, receives a handle that is
 * valid until fn has run or httpc_cancel was called. Returns 0, DT_EINVAL for a bad URL,
 * method or header (CR or LF in a name or value...) or DT_ESTATE when shutting down or not
 * on the loop thread; fn is never called then.
 */
int httpc_send(struct httpc *c, const struct httpc_request *req, httpc_done_fn fn, void *arg,
               struct httpc_call **out, char *err, size_t errlen);

/*
 * Cancels a request: its callback will not run, and its transfer is aborted soon. The caller
 * keeps ownership of what arg points to. call must be a live handle (its callback not run
 * yet); NULL is ignored.
 */
void httpc_cancel(struct httpc *c, struct httpc_call *call);

/* A response header by name, any case, or NULL. The headers are those of the final response
 * (not of a 100 Continue or a redirect). Valid like the response itself. */
const char *httpc_response_header(const struct httpc_response *res, const char *name);

/* Requests sent and not yet completed or cancelled. */
size_t httpc_pending(const struct httpc *c);

#endif
