/*
 * sim_rest_fixture: what the REST layer's test binaries share: a scenario built in code, an
 * engine whose host records every HTTP request and answers TwiML fetches from a small table
 * of URL prefixes, a clock the test moves, and one-line REST requests with Basic auth whose
 * answers are parsed as JSON.
 */
#ifndef DIALTONE_SIM_REST_FIXTURE_H
#define DIALTONE_SIM_REST_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>

#include "check.h"
#include "dialtone/sim.h"
#include "dialtone/sim_rest.h"
#include "dialtone/sim_scenario.h"
#include "dialtone/util.h"

#define FX_ACCOUNT "AC0123456789abcdef0123456789abcdef"
#define FX_TOKEN   "fixture-auth-token-0001"
#define FX_KEY     "SKfedcba9876543210fedcba9876543210"
#define FX_SECRET  "fixture-key-secret"
#define FX_NUMBER  "+14155550100"
#define FX_BASE    "/2010-04-01/Accounts/" FX_ACCOUNT
/* Tue, 01 Dec 2026 10:00:00 +0000 */
#define FX_T0 1796119200000LL

struct fx_http {
    uint64_t id;
    char *method, *url, *body;
    int wants_twiml;
    int answered;
};

struct fx_route {
    const char *prefix;
    const char *twiml;
};

static struct sim_scenario fx_sc;
static struct sim *fx_sim;
static int64_t fx_now;
static struct fx_http fx_reqs[4096];
static size_t fx_nreqs;
static struct fx_route fx_routes[16];
static size_t fx_nroutes;
static char fx_auth[256];

static inline void fx_host_http(void *ctx, const struct sim_http_req *req)
{
    (void)ctx;
    if (fx_nreqs == sizeof fx_reqs / sizeof fx_reqs[0])
        return;
    struct fx_http *h = &fx_reqs[fx_nreqs++];
    h->id = req->id;
    h->method = xstrdup(req->method);
    h->url = xstrdup(req->url);
    h->body = xstrdup(req->body ? req->body : "");
    h->wants_twiml = req->wants_twiml;
    h->answered = 0;
}

static inline void fx_host_log(void *ctx, int level, const char *line)
{
    (void)ctx;
    (void)level;
    (void)line;
}

/* Basic credentials for the Authorization header, into fx_auth. */
static inline void fx_set_auth(const char *user, const char *pass)
{
    char raw[128];
    snprintf(raw, sizeof raw, "%s:%s", user, pass);
    memcpy(fx_auth, "Basic ", 6);
    EVP_EncodeBlock((unsigned char *)fx_auth + 6, (const unsigned char *)raw, (int)strlen(raw));
}

/* Answers every TwiML fetch whose URL starts with prefix with twiml (later rows win). */
static inline void fx_route_twiml(const char *prefix, const char *twiml)
{
    if (fx_nroutes < sizeof fx_routes / sizeof fx_routes[0])
        fx_routes[fx_nroutes++] = (struct fx_route){.prefix = prefix, .twiml = twiml};
}

static inline void fx_setup(void)
{
    sim_scenario_init(&fx_sc);
    free(fx_sc.account_sid);
    free(fx_sc.auth_token);
    fx_sc.account_sid = xstrdup(FX_ACCOUNT);
    fx_sc.auth_token = xstrdup(FX_TOKEN);
    fx_sc.api_key_sid = xstrdup(FX_KEY);
    fx_sc.api_key_secret = xstrdup(FX_SECRET);
    fx_sc.numbers = xcalloc(1, sizeof *fx_sc.numbers);
    fx_sc.n_numbers = 1;
    fx_sc.numbers[0].number = xstrdup(FX_NUMBER);
    fx_sc.numbers[0].friendly_name = xstrdup("Support line");
    fx_sc.numbers[0].voice_url = xstrdup("https://app.test/voice");
    fx_sc.numbers[0].voice_method = xstrdup("POST");
    fx_now = FX_T0;
    struct sim_host host = {.http = fx_host_http, .log = fx_host_log};
    fx_sim = sim_new(&fx_sc, &host, fx_now);
    fx_nreqs = 0;
    fx_nroutes = 0;
    fx_set_auth(FX_ACCOUNT, FX_TOKEN);
}

static inline void fx_teardown(void)
{
    sim_free(fx_sim);
    fx_sim = NULL;
    sim_scenario_done(&fx_sc);
    for (size_t i = 0; i < fx_nreqs; i++) {
        free(fx_reqs[i].method);
        free(fx_reqs[i].url);
        free(fx_reqs[i].body);
    }
    fx_nreqs = 0;
}

/* Answers what the engine asked for so far: TwiML fetches from the route table (404 when no
 * route matches), callbacks with 200. Returns how many were answered. */
static inline size_t fx_answer(void)
{
    size_t done = 0;
    for (size_t i = 0; i < fx_nreqs; i++) {
        struct fx_http *h = &fx_reqs[i];
        if (h->answered)
            continue;
        h->answered = 1;
        done++;
        const char *twiml = NULL;
        for (size_t r = 0; r < fx_nroutes && h->wants_twiml; r++)
            if (strncmp(h->url, fx_routes[r].prefix, strlen(fx_routes[r].prefix)) == 0)
                twiml = fx_routes[r].twiml;
        if (h->wants_twiml && !twiml)
            sim_http_done(fx_sim, h->id, 404, "text/plain", "nope", 4, NULL);
        else if (twiml)
            sim_http_done(fx_sim, h->id, 200, "text/xml", twiml, strlen(twiml), NULL);
        else
            sim_http_done(fx_sim, h->id, 200, "text/plain", "", 0, NULL);
    }
    return done;
}

/* Moves the clock ms forward in 100 ms steps, answering requests at every step. */
static inline void fx_run(int64_t ms)
{
    int64_t end = fx_now + ms;
    fx_answer();
    while (fx_now < end) {
        fx_now = fx_now + 100 < end ? fx_now + 100 : end;
        sim_advance(fx_sim, fx_now);
        while (fx_answer())
            sim_advance(fx_sim, fx_now);
    }
}

/* The index of the first request at or after from whose URL starts with prefix, or -1. */
static inline long fx_find_req(size_t from, const char *prefix)
{
    for (size_t i = from; i < fx_nreqs; i++)
        if (strncmp(fx_reqs[i].url, prefix, strlen(prefix)) == 0)
            return (long)i;
    return -1;
}

/* The answer to one request, and its body parsed (NULL for none or not JSON). */
struct fx_resp {
    int status;
    char *body;
    cJSON *json;
};

static inline struct fx_resp fx_req_full(const char *method, const char *path, const char *query,
                                         const char *body, size_t body_len, const char *ctype,
                                         const char *auth)
{
    struct sim_rest_req rq = {.method = method,
                              .path = path,
                              .query = query,
                              .body = body,
                              .body_len = body_len,
                              .content_type = ctype,
                              .authorization = auth};
    struct sim_rest_resp rs;
    sim_rest_handle(fx_sim, &fx_sc, &rq, &rs);
    struct fx_resp r = {.status = rs.status, .body = rs.body};
    r.json = rs.body ? cJSON_Parse(rs.body) : NULL;
    /* answer what the request made the engine ask for */
    while (fx_answer())
        sim_advance(fx_sim, fx_now);
    return r;
}

/* A request with the fixture's credentials: GET/DELETE take query, POST takes a form body. */
static inline struct fx_resp fx_req(const char *method, const char *path, const char *params)
{
    int post = strcmp(method, "POST") == 0;
    return fx_req_full(method, path, post ? NULL : params, post ? params : NULL,
                       post && params ? strlen(params) : 0,
                       post ? "application/x-www-form-urlencoded" : NULL, fx_auth);
}

static inline void fx_resp_done(struct fx_resp *r)
{
    free(r->body);
    cJSON_Delete(r->json);
    r->body = NULL;
    r->json = NULL;
}

/* A string member of o, or NULL when absent or not a string. */
static inline const char *fx_str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static inline double fx_num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : -12345;
}

static inline int fx_is_null(const cJSON *o, const char *key)
{
    return cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(o, key));
}

/* 1 when s is prefix followed by 32 lower-case hex digits. */
static inline int fx_is_sid(const char *s, const char *prefix)
{
    if (!s || strlen(s) != 34 || strncmp(s, prefix, 2) != 0)
        return 0;
    for (int i = 2; i < 34; i++)
        if (!strchr("0123456789abcdef", s[i]))
            return 0;
    return 1;
}

/* Checks that r is Twilio's error JSON with this status and code. */
#define FX_CHECK_ERROR(r, st, cd)                                                                  \
    do {                                                                                           \
        CHECK_INT((r).status, (st));                                                               \
        CHECK((r).json != NULL);                                                                   \
        CHECK_INT(fx_num((r).json, "code"), (cd));                                                 \
        CHECK_INT(fx_num((r).json, "status"), (st));                                               \
        CHECK(fx_str((r).json, "message") != NULL && fx_str((r).json, "message")[0]);              \
        char fx_more_[80];                                                                         \
        snprintf(fx_more_, sizeof fx_more_, "https://www.twilio.com/docs/errors/%d", (int)(cd));   \
        CHECK_STR(fx_str((r).json, "more_info"), fx_more_);                                        \
    } while (0)

/* Creates an outbound call to `to` whose TwiML is twiml (inline); returns its sid (static). */
static inline const char *fx_create_call(const char *to, const char *twiml)
{
    static char sid[40];
    char *body = NULL;
    struct form f;
    form_init(&f);
    form_add(&f, "To", to);
    form_add(&f, "From", FX_NUMBER);
    form_add(&f, "Twiml", twiml);
    body = form_encode(&f);
    form_done(&f);
    struct fx_resp r = fx_req("POST", FX_BASE "/Calls.json", body);
    free(body);
    sid[0] = '\0';
    if (r.status == 201 && fx_str(r.json, "sid"))
        dt_strlcpy(sid, fx_str(r.json, "sid"), sizeof sid);
    fx_resp_done(&r);
    return sid;
}

#endif
