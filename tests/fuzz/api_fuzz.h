/*
 * api_fuzz: what the fuzz targets of the daemon's HTTP routes share. A request made the way
 * httpd makes one from what lws read (a decoded path, the query rebuilt from its decoded
 * fragments, the headers, the whole body), without a socket, and routed through a server's
 * own route tables to its real handler; the answer's general checks.
 */
#ifndef DIALTONE_API_FUZZ_H
#define DIALTONE_API_FUZZ_H

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dialtone/httpd.h"
#include "dialtone/util.h"
#include "net/httpd_int.h"

/* Stands for the connection of a request that is answered from inside its handler; never
 * handed to lws (only a deferred answer would be, and the API never defers). */
static char fz_wsi_stand_in;
#define FZ_WSI ((struct lws *)(void *)&fz_wsi_stand_in)

/* ---- making a request as httpd makes it --------------------------------------------------- */

static inline int fz_hex(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decodes s[0..n) into out (at least n bytes); returns the decoded length. */
static inline size_t fz_decode(const char *s, size_t n, char *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int hi, lo;
        if (s[i] == '%' && i + 2 < n && (hi = fz_hex(s[i + 1])) >= 0 &&
            (lo = fz_hex(s[i + 2])) >= 0) {
            out[k++] = (char)(hi * 16 + lo);
            i += 2;
        } else if (s[i] == '+') {
            out[k++] = ' ';
        } else {
            out[k++] = s[i];
        }
    }
    return k;
}

/* The query as httpd_req_query gives it: lws decodes each '&'-separated fragment. */
static inline char *fz_query(const char *q)
{
    struct dt_buf b;
    dt_buf_init(&b);
    dt_buf_puts(&b, "");
    size_t n = strlen(q);
    char *tmp = xmalloc(n + 1);
    for (const char *p = q; *p;) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        size_t k = fz_decode(p, len, tmp);
        if (k)
            httpd_query_append(&b, tmp, k);
        p += len + (amp ? 1 : 0);
    }
    free(tmp);
    return dt_buf_take(&b);
}

static inline void fz_header(struct httpd_req *req, const char *name, const char *value)
{
    req->headers = xrealloc(req->headers, (req->nheaders + 1) * sizeof *req->headers);
    req->headers[req->nheaders].name = xstrdup(name);
    req->headers[req->nheaders].value = xstrdup(value);
    req->nheaders++;
}

static inline int fz_path_matches(const struct httpd_route *r, const char *path)
{
    if (r->prefix)
        return strncmp(path, r->path, strlen(r->path)) == 0;
    return strcmp(path, r->path) == 0;
}

/* Runs the handler the server's tables give (as httpd's dispatch): 0 when a route took it, 2
 * when the fallback did (no route has the path), 1 when only another method's route matched
 * (httpd answers 405). */
static inline int fz_dispatch(struct httpd_req *req)
{
    struct httpd *h = req->h;
    httpd_handler_fn fn = h->fallback;
    void *user = h->fallback_user;
    int path_seen = 0, found = 0;
    for (size_t s = 0; s < h->nsets && !found; s++) {
        for (size_t i = 0; i < h->sets[s].n && !found; i++) {
            const struct httpd_route *r = &h->sets[s].rows[i];
            if (!fz_path_matches(r, req->path))
                continue;
            path_seen = 1;
            if (r->method && strcmp(r->method, req->method) != 0 &&
                !(req->head && strcmp(r->method, "GET") == 0))
                continue;
            fn = r->fn;
            user = h->sets[s].user;
            found = 1;
        }
    }
    if (!found && (path_seen || !fn))
        return 1;
    req->state = REQ_HANDLING;
    fn(req, user);
    return found ? 0 : 2;
}

/* A request to h: method (one lws knows), path (beginning with '/'), the query as sent
 * (decoded and rebuilt here), an Authorization header unless auth is NULL, the body. Not yet
 * dispatched; httpd_req_free it. */
static inline struct httpd_req *fz_request(struct httpd *h, const char *method, const char *path,
                                           const char *query, const char *auth, const void *body,
                                           size_t len)
{
    struct httpd_req *req = httpd_req_new(h, FZ_WSI, NULL);
    req->head = strcmp(method, "HEAD") == 0;
    req->method = method;
    req->path = xstrdup(path);
    req->query = fz_query(query);
    dt_strlcpy(req->remote, "127.0.0.1", sizeof req->remote);
    if (auth)
        fz_header(req, "authorization", auth);
    fz_header(req, "content-type", "application/json");
    dt_buf_append(&req->body, body, len);
    return req;
}

/* Aborts unless req, dispatched, was answered at once with a status of 200-599, a JSON answer
 * parses, and a JSON error is {"error": {"code", "message"}}. Returns 1 when the answer is
 * JSON. */
static inline int fz_check_answer(const struct httpd_req *req)
{
    if (req->state != REQ_ANSWERING || req->status < 200 || req->status > 599)
        abort();
    if (!req->ctype || strncmp(req->ctype, "application/json", 16) != 0)
        return 0;
    if (req->rlen == 0 || memchr(req->rbody, '\0', req->rlen))
        abort();
    cJSON *j = cJSON_ParseWithLength(req->rbody, req->rlen);
    if (!j)
        abort();
    if (req->status >= 400) {
        const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
        if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(e, "code")) ||
            !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(e, "message")))
            abort();
    }
    cJSON_Delete(j);
    return 1;
}

#endif
