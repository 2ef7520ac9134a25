/*
 * twilio: the REST client's engine (see dialtone/twilio.h): building the URL and body,
 * sending attempts on httpc, deciding on retries with backoff and jitter, reading answers
 * and Twilio's error JSON. The operations themselves are in twilio_ops.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "dialtone/errors.h"
#include "dialtone/form.h"
#include "dialtone/httpc.h"
#include "dialtone/netloop.h"
#include "dialtone/twilio.h"
#include "dialtone/util.h"
#include "dialtone/valid.h"

struct twreq {
    struct twilio *tw;
    struct twreq *prev, *next;
    char *method, *url, *body;
    size_t body_len;
    twilio_done_fn fn;
    void *arg;
    int attempts;
    struct httpc_call *call;     /* the attempt in flight */
    struct netloop_timer *timer; /* waiting to retry */
};

struct twilio {
    struct netloop *loop;
    struct httpc *http;
    char *base_url, *account_sid, *user, *password;
    int max_attempts;
    unsigned backoff_ms, backoff_max_ms;
    long timeout_ms;
    uint64_t rng;
    struct twreq *head;
    size_t pending;
    struct twilio_stats st;
};

static int attempt(struct twreq *r, char *err, size_t errlen);
static void count_end(struct twilio *tw, const struct twilio_result *res);

/* ---- errors --------------------------------------------------------------------------------- */

static void copy_json_str(const cJSON *o, const char *key, char *dst, size_t n)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (cJSON_IsString(v) && v->valuestring)
        dt_strlcpy(dst, v->valuestring, n);
}

void twilio_parse_error(int status, const char *body, size_t len, struct twilio_error *out)
{
    *out = (struct twilio_error){.status = status};
    cJSON *j = body && len ? cJSON_ParseWithLength(body, len) : NULL;
    if (cJSON_IsObject(j)) {
        const cJSON *code = cJSON_GetObjectItemCaseSensitive(j, "code");
        const cJSON *st = cJSON_GetObjectItemCaseSensitive(j, "status");
        if (cJSON_IsNumber(code) && code->valuedouble > 0 && code->valuedouble < 1e7)
            out->code = code->valueint;
        if (cJSON_IsNumber(st) && st->valuedouble >= 100 && st->valuedouble < 600)
            out->status = st->valueint;
        copy_json_str(j, "message", out->message, sizeof out->message);
        copy_json_str(j, "more_info", out->more_info, sizeof out->more_info);
    }
    cJSON_Delete(j);
    if (!out->message[0])
        snprintf(out->message, sizeof out->message, "HTTP %d from Twilio", status);
    out->explain = out->code ? errors_explain(out->code) : NULL;
}

char *twilio_error_text(const struct twilio_error *e, char *buf, size_t len)
{
    if (!len)
        return buf;
    if (e->status == 0 && e->code == 0)
        snprintf(buf, len, "network: %s", e->message);
    else if (e->explain)
        snprintf(buf, len, "%d %s (%s: %s)", e->code, e->message,
                 errors_category_label(e->explain->category), e->explain->action);
    else
        snprintf(buf, len, "HTTP %d: %s", e->status, e->message);
    return buf;
}

/* ---- lifecycle ------------------------------------------------------------------------------ */

struct twilio *twilio_new(struct netloop *loop, struct httpc *http, const struct twilio_options *o,
                          char *err, size_t errlen)
{
    if (!loop || !http || !o || !o->base_url || !o->account_sid || !o->user || !o->password ||
        !o->account_sid[0] || !o->user[0] || !o->password[0]) {
        dt_seterr(err, errlen, DT_EINVAL,
                  "the Twilio client needs a base URL, an account sid "
                  "and credentials");
        return NULL;
    }
    if (!valid_url(o->base_url)) {
        dt_seterr(err, errlen, DT_EINVAL, "the Twilio API base URL must be an http(s) URL");
        return NULL;
    }
    if (o->max_attempts < 0 || o->max_attempts > TWILIO_ATTEMPTS_MAX) {
        dt_seterr(err, errlen, DT_EINVAL, "attempts must be 1 to %d", TWILIO_ATTEMPTS_MAX);
        return NULL;
    }
    struct twilio *tw = xcalloc(1, sizeof *tw);
    tw->loop = loop;
    tw->http = http;
    size_t n = strlen(o->base_url);
    while (n > 0 && o->base_url[n - 1] == '/')
        n--;
    tw->base_url = xstrndup(o->base_url, n);
    tw->account_sid = xstrdup(o->account_sid);
    tw->user = xstrdup(o->user);
    tw->password = xstrdup(o->password);
    tw->max_attempts = o->max_attempts ? o->max_attempts : TWILIO_ATTEMPTS_DEFAULT;
    tw->backoff_ms = o->backoff_ms ? o->backoff_ms : TWILIO_BACKOFF_DEFAULT;
    tw->backoff_max_ms = o->backoff_max_ms ? o->backoff_max_ms : TWILIO_BACKOFF_MAX;
    tw->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : TWILIO_TIMEOUT_DEFAULT;
    tw->rng = o->seed ? o->seed : (uint64_t)time(NULL) * 6364136223846793005ULL + 1;
    return tw;
}

static void unlink_req(struct twreq *r)
{
    struct twilio *tw = r->tw;
    if (r->prev)
        r->prev->next = r->next;
    else
        tw->head = r->next;
    if (r->next)
        r->next->prev = r->prev;
    tw->pending--;
}

static void free_req(struct twreq *r)
{
    netloop_timer_free(r->timer);
    free(r->method);
    free(r->url);
    free(r->body);
    free(r);
}

/* Delivers the result and frees the request. */
static void finish(struct twreq *r, struct twilio_result *res)
{
    unlink_req(r);
    res->attempts = r->attempts;
    twilio_done_fn fn = r->fn;
    void *arg = r->arg;
    free_req(r);
    fn(res, arg);
}

static void finish_estate(struct twreq *r)
{
    struct twilio_result res = {.rc = DT_ESTATE, .body = ""};
    dt_strlcpy(res.error.message, "the Twilio client shut down", sizeof res.error.message);
    finish(r, &res);
}

void twilio_free(struct twilio *tw)
{
    if (!tw)
        return;
    while (tw->head) {
        struct twreq *r = tw->head;
        if (r->call)
            httpc_cancel(tw->http, r->call);
        r->call = NULL;
        finish_estate(r);
    }
    free(tw->base_url);
    free(tw->account_sid);
    free(tw->user);
    free(tw->password);
    free(tw);
}

size_t twilio_pending(const struct twilio *tw)
{
    return tw->pending;
}

void twilio_get_stats(const struct twilio *tw, struct twilio_stats *out)
{
    *out = tw->st;
}

/* ---- retries -------------------------------------------------------------------------------- */

static uint64_t next_rand(struct twilio *tw)
{
    /* xorshift64* */
    uint64_t x = tw->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    tw->rng = x;
    return x * 2685821657736338717ULL;
}

/* The wait before attempt number `done + 1`: backoff doubled per attempt made, capped, then
 * "equal jitter" (half fixed, half random); at least what Retry-After asks, within the cap. */
static uint64_t retry_delay(struct twilio *tw, int done, long retry_after_s)
{
    uint64_t d = tw->backoff_ms;
    for (int i = 1; i < done && d < tw->backoff_max_ms; i++)
        d *= 2;
    if (d > tw->backoff_max_ms)
        d = tw->backoff_max_ms;
    d = d / 2 + next_rand(tw) % (d / 2 + 1);
    if (retry_after_s > 0) {
        uint64_t ra = (uint64_t)retry_after_s * 1000;
        if (ra > tw->backoff_max_ms)
            ra = tw->backoff_max_ms;
        if (ra > d)
            d = ra;
    }
    return d;
}

static void on_retry_timer(struct netloop_timer *t, void *user)
{
    (void)t;
    struct twreq *r = user;
    char err[160];
    int rc = attempt(r, err, sizeof err);
    if (rc != DT_OK) {
        struct twilio_result res = {.rc = rc, .body = ""};
        dt_strlcpy(res.error.message, err, sizeof res.error.message);
        count_end(r->tw, &res);
        finish(r, &res);
    }
}

static void schedule_retry(struct twreq *r, long retry_after_s)
{
    struct twilio *tw = r->tw;
    if (!r->timer)
        r->timer = netloop_timer_new(tw->loop, on_retry_timer, r);
    tw->st.retries++;
    netloop_timer_start(r->timer, retry_delay(tw, r->attempts, retry_after_s));
}

static long parse_retry_after(const char *v)
{
    if (!v)
        return 0;
    char *end;
    long s = strtol(v, &end, 10);
    return end != v && *end == '\0' && s > 0 && s < 86400 ? s : 0;
}

/* ---- answers -------------------------------------------------------------------------------- */

static int rc_of_status(int status)
{
    if (status == 401 || status == 403)
        return DT_EPERM;
    if (status == 404)
        return DT_ENOTFOUND;
    if (status == 429 || status >= 500)
        return DT_EIO;
    return DT_EINVAL;
}

static void count_end(struct twilio *tw, const struct twilio_result *res)
{
    if (res->rc == DT_OK)
        tw->st.ok++;
    else if (res->status >= 500)
        tw->st.server_errors++;
    else if (res->status >= 400)
        tw->st.client_errors++;
    else if (res->rc != DT_ESTATE)
        tw->st.network_errors++;
}

static void on_answer(const struct httpc_response *hr, void *arg)
{
    struct twreq *r = arg;
    struct twilio *tw = r->tw;
    r->call = NULL;
    int transient =
        (hr->code == DT_EIO) || (hr->code == 0 && (hr->status == 429 || hr->status >= 500));
    if (transient && r->attempts < tw->max_attempts) {
        schedule_retry(r, hr->status == 429 || hr->status == 503
                              ? parse_retry_after(httpc_response_header(hr, "retry-after"))
                              : 0);
        return;
    }
    struct twilio_result res = {.status = hr->status, .body = hr->body, .body_len = hr->body_len};
    cJSON *json = NULL;
    if (hr->code != 0) {
        res.rc = hr->code;
        res.error.status = hr->status;
        dt_strlcpy(res.error.message, hr->error ? hr->error : "transfer failed",
                   sizeof res.error.message);
    } else {
        json = hr->body_len ? cJSON_ParseWithLength(hr->body, hr->body_len) : NULL;
        res.json = json;
        if (hr->status < 200 || hr->status > 299) {
            res.rc = rc_of_status(hr->status);
            twilio_parse_error(hr->status, hr->body, hr->body_len, &res.error);
        }
    }
    count_end(tw, &res);
    finish(r, &res);
    cJSON_Delete(json);
}

/* Sends the next attempt; DT_E* with err filled if httpc refuses it. */
static int attempt(struct twreq *r, char *err, size_t errlen)
{
    struct twilio *tw = r->tw;
    struct httpc_header hdr[2] = {
        {.name = "Accept", .value = "application/json"},
        {.name = "Content-Type", .value = "application/x-www-form-urlencoded"}};
    struct httpc_request req = {
        .method = r->method,
        .url = r->url,
        .headers = hdr,
        .nheaders = r->body ? 2 : 1,
        .body = r->body,
        .body_len = r->body_len,
        .timeout_ms = tw->timeout_ms,
        .user = tw->user,
        .password = tw->password,
    };
    r->attempts++;
    int rc = httpc_send(tw->http, &req, on_answer, r, &r->call, err, errlen);
    if (rc != DT_OK)
        r->call = NULL;
    return rc;
}

/* ---- requests ------------------------------------------------------------------------------- */

static int method_ok(const char *m)
{
    return m && (strcmp(m, "GET") == 0 || strcmp(m, "POST") == 0 || strcmp(m, "DELETE") == 0);
}

/* 1 if path is printable ASCII without spaces, '#' or "..". */
static int path_ok(const char *p)
{
    if (!p || !*p || strlen(p) > 2048 || strstr(p, ".."))
        return 0;
    for (; *p; p++)
        if (*p <= 0x20 || *p >= 0x7f || *p == '#')
            return 0;
    return 1;
}

int twilio_request(struct twilio *tw, const char *method, const char *path,
                   const struct form *params, twilio_done_fn fn, void *arg)
{
    if (!method_ok(method) || !path_ok(path) || !fn)
        return DT_EINVAL;
    if (!netloop_on_loop_thread(tw->loop))
        return DT_ESTATE;
    struct twreq *r = xcalloc(1, sizeof *r);
    r->tw = tw;
    r->fn = fn;
    r->arg = arg;
    r->method = xstrdup(method);
    char *enc = params && form_count(params) ? form_encode(params) : NULL;
    int post = strcmp(method, "POST") == 0;
    const char *sep = !enc || post ? "" : strchr(path, '?') ? "&" : "?";
    if (path[0] == '/')
        r->url = xasprintf("%s%s%s%s", tw->base_url, path, sep, !enc || post ? "" : enc);
    else
        r->url = xasprintf("%s/" TWILIO_API_VERSION "/Accounts/%s/%s%s%s", tw->base_url,
                           tw->account_sid, path, sep, !enc || post ? "" : enc);
    if (post) {
        r->body = enc ? enc : xstrdup("");
        r->body_len = strlen(r->body);
    } else {
        free(enc);
    }
    r->next = tw->head;
    if (tw->head)
        tw->head->prev = r;
    tw->head = r;
    tw->pending++;
    char err[160];
    int rc = attempt(r, err, sizeof err);
    if (rc != DT_OK) {
        unlink_req(r);
        free_req(r);
        return rc;
    }
    tw->st.requests++;
    return DT_OK;
}
