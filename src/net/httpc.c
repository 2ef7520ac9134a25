/*
 * httpc: the asynchronous HTTP client. See dialtone/httpc.h.
 *
 * A call is created on the loop thread and handed to the worker through a mutex-guarded
 * queue (the worker is woken with curl_multi_wakeup). Its state, under the mutex, moves
 * QUEUED -> ACTIVE (the worker took it) -> DONE (the worker finished it and posted it back to
 * the loop, which runs the callback and frees it). Only the loop thread frees calls, and the
 * worker only holds ACTIVE ones, so a cancel never races a free: a QUEUED call is unlinked and
 * freed at once, an ACTIVE one is flagged for the worker to abort, a DONE one is merely marked
 * so that its delivery skips the callback.
 */
#include "dialtone/httpc.h"
#include "dialtone/log.h"
#include "dialtone/netloop.h"
#include "dialtone/util.h"
#include "dialtone/version.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CONNECT_TIMEOUT_DEFAULT 10000

enum call_state { CALL_QUEUED, CALL_ACTIVE, CALL_DONE };

struct rheader {
    char *name;
    char *value;
};

struct httpc_call {
    struct httpc_response res; /* first: httpc_response_header finds the call from it */
    struct httpc *c;
    httpc_done_fn fn;
    void *arg;
    int cancelled;                    /* loop thread only */
    enum call_state state;            /* under c->mu */
    int abort_requested;              /* under c->mu */
    struct httpc_call *next;          /* the submit queue, under c->mu */
    struct httpc_call *wprev, *wnext; /* the worker's active list */

    char *method, *url, *user, *password, *body;
    size_t body_len;
    long timeout_ms;
    struct curl_slist *headers;

    CURL *easy;
    char errbuf[CURL_ERROR_SIZE];
    int over_cap;
    struct dt_buf rbody, rhdr;
    struct rheader *rheaders;
    size_t nrheaders;
    char *ctype, *errtext;
};

struct httpc {
    struct netloop *loop;
    size_t max_body;
    long connect_timeout_ms;
    char *user_agent;
    CURLM *multi;
    pthread_t worker;
    int started;

    pthread_mutex_t mu;
    struct httpc_call *qhead, *qtail;
    size_t aborts;
    int shutdown;

    size_t pending;            /* loop thread */
    int closing;               /* loop thread */
    struct httpc_call *active; /* worker thread */
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void curl_init(void)
{
    curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void call_free(struct httpc_call *call)
{
    free(call->method);
    free(call->url);
    free(call->user);
    if (call->password) {
        memset(call->password, 0, strlen(call->password));
        free(call->password);
    }
    free(call->body);
    curl_slist_free_all(call->headers);
    dt_buf_done(&call->rbody);
    dt_buf_done(&call->rhdr);
    for (size_t i = 0; i < call->nrheaders; i++) {
        free(call->rheaders[i].name);
        free(call->rheaders[i].value);
    }
    free(call->rheaders);
    free(call->ctype);
    free(call->errtext);
    free(call);
}

/* ---- the loop side ------------------------------------------------------------------------ */

static void deliver(void *arg)
{
    struct httpc_call *call = arg;
    if (!call->cancelled) {
        call->c->pending--;
        call->fn(&call->res, call->arg);
    }
    call_free(call);
}

static int has_ctl(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 1;
    return 0;
}

static int is_token(const char *s)
{
    if (!s || !*s)
        return 0;
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch <= 0x20 || ch >= 0x7f || strchr("\"(),/:;<=>?@[\\]{}", ch))
            return 0;
    }
    return 1;
}

static int check_url(const char *url, char *err, size_t errlen)
{
    if (!url || has_ctl(url) || strchr(url, ' '))
        return dt_seterr(err, errlen, DT_EINVAL, "bad URL");
    CURLU *u = curl_url();
    char *scheme = NULL;
    int ok = u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
             curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
             (strcasecmp(scheme, "http") == 0 || strcasecmp(scheme, "https") == 0);
    curl_free(scheme);
    curl_url_cleanup(u);
    return ok ? DT_OK : dt_seterr(err, errlen, DT_EINVAL, "bad or non-HTTP URL");
}

static int build_headers(struct httpc_call *call, const struct httpc_request *req, char *err,
                         size_t errlen)
{
    int expect = 0;
    if (req->nheaders > HTTPC_MAX_HEADERS)
        return dt_seterr(err, errlen, DT_EINVAL, "more than %d headers", HTTPC_MAX_HEADERS);
    for (size_t i = 0; i < req->nheaders; i++) {
        const struct httpc_header *h = &req->headers[i];
        if (!is_token(h->name) || !h->value || has_ctl(h->value))
            return dt_seterr(err, errlen, DT_EINVAL, "bad request header %zu", i);
        if (strcasecmp(h->name, "expect") == 0)
            expect = 1;
        /* curl sends "Name;" as a header with an empty value ("Name:" would remove it) */
        char *line =
            h->value[0] ? xasprintf("%s: %s", h->name, h->value) : xasprintf("%s;", h->name);
        call->headers = curl_slist_append(call->headers, line);
        free(line);
    }
    if (!expect)
        call->headers = curl_slist_append(call->headers, "Expect:");
    return DT_OK;
}

int httpc_send(struct httpc *c, const struct httpc_request *req, httpc_done_fn fn, void *arg,
               struct httpc_call **out, char *err, size_t errlen)
{
    if (c->closing || !netloop_on_loop_thread(c->loop))
        return dt_seterr(err, errlen, DT_ESTATE, "HTTP client closed or not on the loop thread");
    const char *method = req->method ? req->method : req->body_len ? "POST" : "GET";
    if (!fn || !is_token(method) || (req->body_len && !req->body) ||
        (req->user && (has_ctl(req->user) || (req->password && has_ctl(req->password)))))
        return dt_seterr(err, errlen, DT_EINVAL, "bad method, body or credentials");
    int rc = check_url(req->url, err, errlen);
    if (rc != DT_OK)
        return rc;

    struct httpc_call *call = xcalloc(1, sizeof *call);
    if (build_headers(call, req, err, errlen) != DT_OK) {
        call_free(call);
        return DT_EINVAL;
    }
    call->c = c;
    call->fn = fn;
    call->arg = arg;
    call->method = xstrdup(method);
    call->url = xstrdup(req->url);
    call->user = req->user ? xstrdup(req->user) : NULL;
    call->password = req->user ? xstrdup(req->password ? req->password : "") : NULL;
    call->body = xmalloc(req->body_len + 1);
    if (req->body_len)
        memcpy(call->body, req->body, req->body_len);
    call->body_len = req->body_len;
    call->timeout_ms = req->timeout_ms > 0 ? req->timeout_ms : HTTPC_TIMEOUT_DEFAULT;
    dt_buf_init(&call->rbody);
    dt_buf_init(&call->rhdr);

    pthread_mutex_lock(&c->mu);
    call->state = CALL_QUEUED;
    if (c->qtail)
        c->qtail->next = call;
    else
        c->qhead = call;
    c->qtail = call;
    pthread_mutex_unlock(&c->mu);
    curl_multi_wakeup(c->multi);
    c->pending++;
    if (out)
        *out = call;
    return DT_OK;
}

void httpc_cancel(struct httpc *c, struct httpc_call *call)
{
    if (!call || call->cancelled)
        return;
    call->cancelled = 1;
    c->pending--;
    pthread_mutex_lock(&c->mu);
    if (call->state == CALL_QUEUED) {
        struct httpc_call **pp = &c->qhead, *prev = NULL;
        while (*pp && *pp != call) {
            prev = *pp;
            pp = &(*pp)->next;
        }
        if (*pp)
            *pp = call->next;
        if (c->qtail == call)
            c->qtail = prev;
        pthread_mutex_unlock(&c->mu);
        call_free(call);
        return;
    }
    if (call->state == CALL_ACTIVE) {
        call->abort_requested = 1;
        c->aborts++;
    }
    pthread_mutex_unlock(&c->mu);
    curl_multi_wakeup(c->multi);
}

size_t httpc_pending(const struct httpc *c)
{
    return c->pending;
}

const char *httpc_response_header(const struct httpc_response *res, const char *name)
{
    const struct httpc_call *call = (const struct httpc_call *)res;
    for (size_t i = 0; i < call->nrheaders; i++)
        if (strcasecmp(call->rheaders[i].name, name) == 0)
            return call->rheaders[i].value;
    return NULL;
}

/* ---- the worker --------------------------------------------------------------------------- */

static size_t on_body(char *p, size_t size, size_t n, void *user)
{
    struct httpc_call *call = user;
    size_t len = size * n;
    if (call->rbody.len + len > call->c->max_body) {
        call->over_cap = 1;
        return 0;
    }
    dt_buf_append(&call->rbody, p, len);
    return len;
}

static size_t on_header(char *p, size_t size, size_t n, void *user)
{
    struct httpc_call *call = user;
    size_t len = size * n;
    if (len >= 5 && strncmp(p, "HTTP/", 5) == 0)
        dt_buf_reset(&call->rhdr); /* a new response: an interim one or a redirect came first */
    if (call->rhdr.len + len > HTTPC_MAX_HEADER_BYTES) {
        call->over_cap = 2;
        return 0;
    }
    dt_buf_append(&call->rhdr, p, len);
    return len;
}

/* Splits the final response's header block into name/value pairs (status line skipped). */
static void parse_headers(struct httpc_call *call)
{
    const char *p = call->rhdr.data, *end = p ? p + call->rhdr.len : NULL;
    while (p && p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *next = eol ? eol + 1 : end;
        const char *colon = memchr(p, ':', (size_t)((eol ? eol : end) - p));
        if (colon && colon > p && strncmp(p, "HTTP/", 5) != 0) {
            const char *v = colon + 1, *ve = eol ? eol : end;
            while (v < ve && (*v == ' ' || *v == '\t'))
                v++;
            while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' || ve[-1] == '\t'))
                ve--;
            call->rheaders =
                xrealloc(call->rheaders, (call->nrheaders + 1) * sizeof *call->rheaders);
            call->rheaders[call->nrheaders].name = xstrndup(p, (size_t)(colon - p));
            call->rheaders[call->nrheaders].value = xstrndup(v, (size_t)(ve - v));
            call->nrheaders++;
        }
        p = next;
    }
}

static void set_error(struct httpc_call *call, int code, const char *what)
{
    call->res.code = code;
    call->errtext = xstrdup(what);
    call->res.error = call->errtext;
}

/* Ends a transfer (or a call that never started one) and posts it back to the loop. */
static void finish(struct httpc *c, struct httpc_call *call, CURLcode rc, int code, const char *why)
{
    if (call->easy) {
        long status = 0;
        const char *ctype = NULL;
        curl_easy_getinfo(call->easy, CURLINFO_RESPONSE_CODE, &status);
        curl_easy_getinfo(call->easy, CURLINFO_CONTENT_TYPE, &ctype);
        curl_easy_getinfo(call->easy, CURLINFO_TOTAL_TIME, &call->res.seconds);
        call->res.status = (int)status;
        call->ctype = xstrdup(ctype ? ctype : "");
        curl_multi_remove_handle(c->multi, call->easy);
        curl_easy_cleanup(call->easy);
        call->easy = NULL;
        if (call->wprev)
            call->wprev->wnext = call->wnext;
        else
            c->active = call->wnext;
        if (call->wnext)
            call->wnext->wprev = call->wprev;
    }
    if (why)
        set_error(call, code, why);
    else if (call->over_cap)
        set_error(call, DT_ETOOBIG,
                  call->over_cap == 1 ? "response body over the cap" : "response headers too big");
    else if (rc != CURLE_OK)
        set_error(call, DT_EIO, call->errbuf[0] ? call->errbuf : curl_easy_strerror(rc));
    parse_headers(call);
    call->res.content_type = call->ctype ? call->ctype : "";
    call->res.body = call->rbody.data ? call->rbody.data : "";
    call->res.body_len = call->rbody.len;
    pthread_mutex_lock(&c->mu);
    call->state = CALL_DONE;
    pthread_mutex_unlock(&c->mu);
    netloop_post(c->loop, deliver, call);
}

static void set_method(CURL *e, struct httpc_call *call)
{
    if (strcmp(call->method, "HEAD") == 0) {
        curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
        return;
    }
    if (strcmp(call->method, "GET") == 0 && call->body_len == 0) {
        curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
        return;
    }
    if (strcmp(call->method, "POST") != 0)
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, call->method);
    if (strcmp(call->method, "POST") == 0 || call->body_len) {
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, call->body);
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)call->body_len);
    }
}

static void start(struct httpc *c, struct httpc_call *call)
{
    CURL *e = curl_easy_init();
    if (!e) {
        finish(c, call, CURLE_OK, DT_EIO, "cannot create a transfer");
        return;
    }
    curl_easy_setopt(e, CURLOPT_PRIVATE, call);
    curl_easy_setopt(e, CURLOPT_URL, call->url);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, call->timeout_ms);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms);
    curl_easy_setopt(e, CURLOPT_USERAGENT, c->user_agent);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, call->headers);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, call->errbuf);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, call);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, call);
    if (call->user) {
        curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(e, CURLOPT_USERNAME, call->user);
        curl_easy_setopt(e, CURLOPT_PASSWORD, call->password);
    }
    set_method(e, call);
    call->easy = e;
    if (curl_multi_add_handle(c->multi, e) != CURLM_OK) {
        curl_easy_cleanup(e);
        call->easy = NULL;
        finish(c, call, CURLE_OK, DT_EIO, "cannot start a transfer");
        return;
    }
    call->wprev = NULL;
    call->wnext = c->active;
    if (c->active)
        c->active->wprev = call;
    c->active = call;
}

/* Takes the submitted calls, and the calls whose abort was asked for. */
static int take_work(struct httpc *c, struct httpc_call **queued, struct httpc_call **aborted)
{
    pthread_mutex_lock(&c->mu);
    *queued = c->qhead;
    c->qhead = c->qtail = NULL;
    for (struct httpc_call *q = *queued; q; q = q->next)
        q->state = CALL_ACTIVE;
    *aborted = NULL;
    if (c->aborts) {
        for (struct httpc_call *a = c->active; a; a = a->wnext) {
            if (a->abort_requested) {
                a->abort_requested = 0;
                a->next = *aborted; /* next is free once a call left the queue */
                *aborted = a;
            }
        }
        c->aborts = 0;
    }
    int shutdown = c->shutdown;
    pthread_mutex_unlock(&c->mu);
    return shutdown;
}

static void *worker_main(void *arg)
{
    struct httpc *c = arg;
    for (;;) {
        struct httpc_call *queued, *aborted;
        int shutdown = take_work(c, &queued, &aborted);
        while (queued) {
            struct httpc_call *call = queued;
            queued = call->next;
            call->next = NULL;
            if (shutdown)
                finish(c, call, CURLE_OK, DT_ESTATE, "HTTP client shut down");
            else
                start(c, call);
        }
        while (aborted) {
            struct httpc_call *call = aborted;
            aborted = call->next;
            finish(c, call, CURLE_OK, DT_ESTATE, "cancelled");
        }
        if (shutdown) {
            while (c->active)
                finish(c, c->active, CURLE_OK, DT_ESTATE, "HTTP client shut down");
            return NULL;
        }
        int running = 0, left = 0;
        curl_multi_perform(c->multi, &running);
        CURLMsg *msg;
        while ((msg = curl_multi_info_read(c->multi, &left)) != NULL) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            struct httpc_call *call = NULL;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&call);
            finish(c, call, msg->data.result, 0, NULL);
        }
        curl_multi_poll(c->multi, NULL, 0, 1000, NULL);
    }
}

/* ---- life --------------------------------------------------------------------------------- */

struct httpc *httpc_new(struct netloop *loop, const struct httpc_options *opt, char *err,
                        size_t errlen)
{
    pthread_once(&curl_once, curl_init);
    if (curl_init_rc != CURLE_OK) {
        dt_seterr(err, errlen, DT_EIO, "curl_global_init: %s", curl_easy_strerror(curl_init_rc));
        return NULL;
    }
    struct httpc *c = xcalloc(1, sizeof *c);
    c->loop = loop;
    c->max_body = opt && opt->max_body ? opt->max_body : HTTPC_MAX_BODY_DEFAULT;
    c->connect_timeout_ms =
        opt && opt->connect_timeout_ms > 0 ? opt->connect_timeout_ms : CONNECT_TIMEOUT_DEFAULT;
    c->user_agent =
        xstrdup(opt && opt->user_agent ? opt->user_agent : "dialtone/" DIALTONE_VERSION);
    pthread_mutex_init(&c->mu, NULL);
    c->multi = curl_multi_init();
    if (!c->multi || pthread_create(&c->worker, NULL, worker_main, c) != 0) {
        dt_seterr(err, errlen, DT_EIO, "cannot start the HTTP client");
        httpc_free(c);
        return NULL;
    }
    c->started = 1;
    return c;
}

void httpc_free(struct httpc *c)
{
    if (!c)
        return;
    c->closing = 1;
    pthread_mutex_lock(&c->mu);
    c->shutdown = 1;
    pthread_mutex_unlock(&c->mu);
    if (c->started) {
        curl_multi_wakeup(c->multi);
        pthread_join(c->worker, NULL);
    }
    /* Every call is DONE now and its delivery posted: run them while c is alive. */
    netloop_flush(c->loop);
    if (c->multi)
        curl_multi_cleanup(c->multi);
    pthread_mutex_destroy(&c->mu);
    free(c->user_agent);
    free(c);
}
