/*
 * rest: the entry of the emulator's Twilio REST API. Checks the body size and HTTP Basic auth,
 * splits the path under /2010-04-01/Accounts/{AccountSid}/, finds the route in a table, parses
 * the query or the form body, and hands the request to the resource's handler. Errors are
 * Twilio's JSON, built here.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "dialtone/util.h"
#include "sim/rest_int.h"

#define REST_PREFIX       "/2010-04-01/Accounts/"
#define REST_MAX_SEGMENTS 5
#define REST_MAX_AUTH     1024

/* A route: segments relative to the account, "*" for a variable one; the last segment is
 * matched without its ".json". */
struct route {
    const char *pattern;
    rest_handler get, post, del;
};

static const struct route routes[] = {
    {.pattern = "Calls", .get = rest_calls_list, .post = rest_calls_create},
    {.pattern = "Calls/*", .get = rest_call_fetch, .post = rest_call_update},
    {.pattern = "Calls/*/Recordings", .get = rest_call_recordings_list},
    {.pattern = "Calls/*/Recordings/*", .get = rest_call_recording_fetch},
    {.pattern = "Queues", .get = rest_queues_list, .post = rest_queues_create},
    {.pattern = "Queues/*",
     .get = rest_queue_fetch,
     .post = rest_queue_update,
     .del = rest_queue_delete},
    {.pattern = "Queues/*/Members", .get = rest_members_list},
    {.pattern = "Queues/*/Members/*", .get = rest_member_fetch, .post = rest_member_update},
    {.pattern = "Conferences", .get = rest_conferences_list},
    {.pattern = "Conferences/*", .get = rest_conference_fetch, .post = rest_conference_update},
    {.pattern = "Conferences/*/Participants",
     .get = rest_participants_list,
     .post = rest_participants_create},
    {.pattern = "Conferences/*/Participants/*",
     .get = rest_participant_fetch,
     .post = rest_participant_update,
     .del = rest_participant_delete},
    {.pattern = "Conferences/*/Recordings", .get = rest_conf_recordings_list},
    {.pattern = "Conferences/*/Recordings/*", .get = rest_conf_recording_fetch},
    {.pattern = "Recordings", .get = rest_recordings_list},
    {.pattern = "Recordings/*", .get = rest_recording_fetch},
};

#define NROUTES (sizeof routes / sizeof routes[0])

/* ---- replies ------------------------------------------------------------------------------- */

void sim_rest_resp_done(struct sim_rest_resp *resp)
{
    if (!resp)
        return;
    free(resp->body);
    resp->body = NULL;
}

static void set_body(struct sim_rest_resp *resp, int status, cJSON *obj)
{
    free(resp->body);
    resp->status = status;
    resp->body = cJSON_PrintUnformatted(obj);
    cJSON_Delete(obj);
    if (!resp->body) {
        fprintf(stderr, "dialtone: out of memory\n");
        abort();
    }
}

void sim_rest_error(struct sim_rest_resp *resp, int status, int code, const char *message)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "code", code);
    cJSON_AddStringToObject(o, "message", message ? message : "");
    char more[80];
    snprintf(more, sizeof more, "https://www.twilio.com/docs/errors/%d", code);
    cJSON_AddStringToObject(o, "more_info", more);
    cJSON_AddNumberToObject(o, "status", status);
    if (status == 401)
        cJSON_AddStringToObject(o, "detail", "Your AccountSid or AuthToken was incorrect.");
    set_body(resp, status, o);
}

void rest_reply(struct rest_ctx *c, int status, cJSON *obj)
{
    set_body(c->resp, status, obj);
}

void rest_reply_empty(struct rest_ctx *c)
{
    free(c->resp->body);
    c->resp->body = NULL;
    c->resp->status = 204;
}

void rest_reply_error(struct rest_ctx *c, int status, int code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    sim_rest_error(c->resp, status, code, msg);
}

void rest_reply_sim_err(struct rest_ctx *c, const struct sim_err *e)
{
    if (!e->status || !e->code)
        rest_reply_error(c, 400, 20422, "Invalid Parameter");
    else
        sim_rest_error(c->resp, e->status, e->code, e->message);
}

void rest_not_found(struct rest_ctx *c)
{
    rest_reply_error(c, 404, 20404, "The requested resource %.400s was not found", c->path);
}

/* ---- auth ---------------------------------------------------------------------------------- */

static int eq(const char *a, const char *b)
{
    return dt_consttime_eq(a, strlen(a), b, strlen(b));
}

/* Decodes "Basic base64(user:pass)" into buf and points *user and *pass into it. 0 or -1. */
static int parse_basic(const char *h, char *buf, size_t buflen, char **user, char **pass)
{
    while (*h == ' ')
        h++;
    if (strncasecmp(h, "Basic ", 6) != 0)
        return -1;
    h += 6;
    while (*h == ' ')
        h++;
    size_t n = strlen(h);
    while (n > 0 && h[n - 1] == ' ')
        n--;
    if (n == 0 || n % 4 != 0 || n / 4 * 3 + 1 > buflen)
        return -1;
    int len = EVP_DecodeBlock((unsigned char *)buf, (const unsigned char *)h, (int)n);
    if (len < 0)
        return -1;
    for (size_t i = n; i > 0 && h[i - 1] == '='; i--)
        len--;
    if (len < 0 || memchr(buf, '\0', (size_t)len))
        return -1;
    buf[len] = '\0';
    char *colon = strchr(buf, ':');
    if (!colon)
        return -1;
    *colon = '\0';
    *user = buf;
    *pass = colon + 1;
    return 0;
}

/* 1 when the header carries the scenario's credentials. Both pairs are always compared. */
static int authorized(const struct sim_scenario *sc, const char *header)
{
    if (!sc || !header || !sc->account_sid || !sc->auth_token || !sc->auth_token[0] ||
        strlen(header) > REST_MAX_AUTH)
        return 0;
    char buf[REST_MAX_AUTH];
    char *user, *pass;
    if (parse_basic(header, buf, sizeof buf, &user, &pass) < 0)
        return 0;
    int ok = eq(user, sc->account_sid) & eq(pass, sc->auth_token);
    int has_key =
        sc->api_key_sid && sc->api_key_sid[0] && sc->api_key_secret && sc->api_key_secret[0];
    int key_ok = has_key ? eq(user, sc->api_key_sid) & eq(pass, sc->api_key_secret) : 0;
    OPENSSL_cleanse(buf, sizeof buf);
    return ok | key_ok;
}

/* ---- routing ------------------------------------------------------------------------------- */

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* Percent-decodes src[0..n) into dst (REST_MAX_SEGMENT bytes). 0, or -1 for a bad escape, a NUL,
 * an empty or an over-long segment. */
static int decode_segment(const char *src, size_t n, char *dst)
{
    size_t o = 0;
    if (n == 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        int ch = (unsigned char)src[i];
        if (ch == '%') {
            if (i + 2 >= n || hexval(src[i + 1]) < 0 || hexval(src[i + 2]) < 0)
                return -1;
            ch = hexval(src[i + 1]) * 16 + hexval(src[i + 2]);
            i += 2;
        }
        if (ch == 0 || o + 1 >= REST_MAX_SEGMENT)
            return -1;
        dst[o++] = (char)ch;
    }
    dst[o] = '\0';
    return 0;
}

struct split {
    char seg[REST_MAX_SEGMENTS][REST_MAX_SEGMENT];
    size_t n;
};

/* Splits rel ("Calls/CA.../Recordings.json") into decoded segments without the ".json" of the
 * last one. 0, or -1 when it does not look like a resource path. */
static int split_path(const char *rel, struct split *sp)
{
    size_t len = strlen(rel);
    if (len < 6 || strcmp(rel + len - 5, ".json") != 0)
        return -1;
    len -= 5;
    sp->n = 0;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && rel[i] != '/')
            continue;
        if (sp->n == REST_MAX_SEGMENTS || decode_segment(rel + start, i - start, sp->seg[sp->n]))
            return -1;
        sp->n++;
        start = i + 1;
    }
    return 0;
}

/* Matches sp against a pattern; fills args with the variable segments. */
static int match(const char *pattern, const struct split *sp, const char **args)
{
    size_t k = 0, nargs = 0;
    const char *p = pattern;
    for (size_t i = 0; i < REST_MAX_ARGS; i++)
        args[i] = NULL;
    while (*p) {
        const char *slash = strchr(p, '/');
        size_t plen = slash ? (size_t)(slash - p) : strlen(p);
        if (k == sp->n)
            return 0;
        if (plen == 1 && p[0] == '*') {
            if (nargs == REST_MAX_ARGS)
                return 0;
            args[nargs++] = sp->seg[k];
        } else if (strlen(sp->seg[k]) != plen || strncmp(sp->seg[k], p, plen) != 0) {
            return 0;
        }
        k++;
        p += plen + (slash ? 1 : 0);
    }
    return k == sp->n;
}

static rest_handler method_handler(const struct route *r, const char *method)
{
    if (strcmp(method, "GET") == 0)
        return r->get;
    if (strcmp(method, "POST") == 0)
        return r->post;
    if (strcmp(method, "DELETE") == 0)
        return r->del;
    return NULL;
}

/* 1 when the request's Content-Type is absent or form-encoded. */
static int is_form(const char *ct)
{
    if (!ct)
        return 1;
    while (*ct == ' ')
        ct++;
    size_t n = strlen("application/x-www-form-urlencoded");
    return strncasecmp(ct, "application/x-www-form-urlencoded", n) == 0 &&
           (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* Parses the query (GET, DELETE) or the body (POST) into c->params. 0, or replies and -1. */
static int parse_params(struct rest_ctx *c, const struct sim_rest_req *req, int is_post)
{
    char err[160];
    const char *src = is_post ? req->body : req->query;
    size_t len = is_post ? req->body_len : (req->query ? strlen(req->query) : 0);
    if (is_post && len > 0 && !is_form(req->content_type)) {
        rest_reply_error(c, 400, 20422,
                         "Invalid Parameter: Content-Type must be "
                         "application/x-www-form-urlencoded");
        return -1;
    }
    if (!src || len == 0)
        return 0;
    int rc = form_parse(&c->params, src, len, err, sizeof err);
    if (rc == DT_ETOOBIG) {
        rest_reply_error(c, 413, 20413, "Request Entity Too Large: %s", err);
        return -1;
    }
    if (rc < 0) {
        rest_reply_error(c, 400, 20422, "Invalid Parameter: malformed %s: %s",
                         is_post ? "form body" : "query string", err);
        return -1;
    }
    return 0;
}

/* Finds the handler for the path relative to the account ("Calls/CA....json"): 0 and *h (NULL
 * when the resource exists but not the method), or -1 when no route matches. */
static int find_handler(struct rest_ctx *c, const char *rel, const char *method, rest_handler *h)
{
    struct split sp;
    if (split_path(rel, &sp) < 0)
        return -1;
    for (size_t i = 0; i < NROUTES; i++) {
        if (match(routes[i].pattern, &sp, c->args)) {
            /* the segments live in sp: copy them where the handler can read them */
            for (size_t k = 0; k < REST_MAX_ARGS; k++) {
                if (!c->args[k])
                    continue;
                dt_strlcpy(c->argbuf[k], c->args[k], sizeof c->argbuf[k]);
                c->args[k] = c->argbuf[k];
            }
            *h = method_handler(&routes[i], method);
            return 0;
        }
    }
    return -1;
}

/* Checks the path's account: 0 when it is the scenario's, else replies and returns -1. Sets
 * *rel to what follows it (NULL for the account resource itself). */
static int check_account(struct rest_ctx *c, const char *path, const char **rel)
{
    if (strncmp(path, REST_PREFIX, strlen(REST_PREFIX)) != 0) {
        rest_not_found(c);
        return -1;
    }
    const char *acct = path + strlen(REST_PREFIX);
    size_t alen = strcspn(acct, "/");
    *rel = acct[alen] ? acct + alen + 1 : NULL;
    if (!acct[alen]) { /* the account resource: {AccountSid}.json */
        if (alen < 6 || strcmp(acct + alen - 5, ".json") != 0) {
            rest_not_found(c);
            return -1;
        }
        alen -= 5;
    }
    if (alen == strlen(c->sc->account_sid) && strncmp(acct, c->sc->account_sid, alen) == 0) {
        c->account = c->sc->account_sid;
        return 0;
    }
    if (alen == 34 && strncmp(acct, "AC", 2) == 0)
        rest_reply_error(c, 403, 20003, "Permission Denied");
    else
        rest_not_found(c);
    return -1;
}

/* Routes a request whose credentials were accepted. */
static void route(struct rest_ctx *c, const struct sim_rest_req *req)
{
    const char *rel;
    if (check_account(c, req->path, &rel) < 0)
        return;
    rest_handler h = NULL;
    if (!rel) {
        h = strcmp(req->method, "GET") == 0 ? rest_account_fetch : NULL;
    } else if (find_handler(c, rel, req->method, &h) < 0) {
        rest_not_found(c);
        return;
    }
    if (!h) {
        rest_reply_error(c, 405, 20004, "Method not allowed");
        return;
    }
    if (parse_params(c, req, strcmp(req->method, "POST") == 0) < 0)
        return;
    h(c);
}

void sim_rest_handle(struct sim *s, const struct sim_scenario *sc, const struct sim_rest_req *req,
                     struct sim_rest_resp *resp)
{
    resp->status = 500;
    resp->body = NULL;
    if (!s || !req || !req->method || !req->path) {
        sim_rest_error(resp, 400, 20422, "Invalid Parameter: incomplete request");
        return;
    }
    if (req->body_truncated || req->body_len > DT_SIM_REST_MAX_BODY) {
        sim_rest_error(resp, 413, 20413, "Request Entity Too Large");
        return;
    }
    if (!authorized(sc, req->authorization)) {
        sim_rest_error(resp, 401, 20003, "Authenticate");
        return;
    }
    struct rest_ctx c = {.s = s, .sc = sc, .path = req->path, .resp = resp};
    form_init(&c.params);
    route(&c, req);
    form_done(&c.params);
    if (!resp->body && resp->status != 204)
        sim_rest_error(resp, 500, 20500, "Internal Server Error");
}
