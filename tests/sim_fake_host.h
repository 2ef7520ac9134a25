/*
 * sim_fake_host: a test host for the voice engine (dialtone/sim.h). It records every HTTP
 * request the engine makes, checks each signature with the core's sig_validate, answers TwiML
 * fetches from a per-URL script and callbacks with 200, and advances emulated time explicitly.
 * It also builds small scenarios by hand. Header only, like check.h.
 */
#ifndef DIALTONE_SIM_FAKE_HOST_H
#define DIALTONE_SIM_FAKE_HOST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialtone/form.h"
#include "dialtone/sig.h"
#include "dialtone/sim.h"
#include "dialtone/util.h"

#define FH_ACCOUNT "AC0123456789abcdef0123456789abcdef"
#define FH_TOKEN   "test-auth-token"
#define FH_T0      1700000000000LL /* 2023-11-14T22:13:20Z */
#define FH_NUMBER  "+14155550100"  /* the scenario's Twilio number */
#define FH_BASE    "https://app.example.com/"
#define FH_ROUTES  64

struct fh_req {
    uint64_t id;
    char *method, *url, *body;
    int wants_twiml;
    int64_t at;
    struct form params; /* body (POST) or query (GET) parameters */
    int answered;
};

struct fh_route {
    char *url; /* exact URL without its query, or a prefix ending in '*' */
    int status;
    char *ctype, *body, *neterr;
};

struct fake_host {
    struct sim *sim;
    struct sim_scenario sc;
    int64_t now;
    struct fh_req *reqs;
    size_t n, cap;
    struct fh_route routes[FH_ROUTES];
    size_t nroutes;
    int bad_sigs;
};

static inline void fh_on_http(void *ctx, const struct sim_http_req *r)
{
    struct fake_host *h = ctx;
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 64;
        h->reqs = xrealloc(h->reqs, h->cap * sizeof *h->reqs);
    }
    struct fh_req *q = &h->reqs[h->n++];
    memset(q, 0, sizeof *q);
    q->id = r->id;
    q->method = xstrdup(r->method);
    q->url = xstrdup(r->url);
    q->body = xstrdup(r->body);
    q->wants_twiml = r->wants_twiml;
    q->at = h->now;
    form_init(&q->params);
    int sig_ok;
    if (strcmp(r->method, "GET") == 0) {
        const char *qs = strchr(r->url, '?');
        if (qs)
            form_parse(&q->params, qs + 1, strlen(qs + 1), NULL, 0);
        struct form none;
        form_init(&none);
        sig_ok = sig_validate(FH_TOKEN, r->url, &none, r->signature, NULL, 0) == 0;
    } else {
        form_parse(&q->params, r->body, strlen(r->body), NULL, 0);
        sig_ok = sig_validate(FH_TOKEN, r->url, &q->params, r->signature, NULL, 0) == 0;
    }
    if (!sig_ok) {
        h->bad_sigs++;
        printf("  bad signature on %s %s\n", r->method, r->url);
    }
}

static inline void fh_on_log(void *ctx, int level, const char *line)
{
    (void)ctx, (void)level;
    if (getenv("FH_LOG"))
        printf("    log: %s\n", line);
}

/* Sets the answer for url (exact, without query; or a prefix ending in '*'). */
static inline void fh_route(struct fake_host *h, const char *url, int status, const char *ctype,
                            const char *body)
{
    struct fh_route *r = NULL;
    for (size_t i = 0; i < h->nroutes; i++)
        if (strcmp(h->routes[i].url, url) == 0)
            r = &h->routes[i];
    if (!r) {
        if (h->nroutes == FH_ROUTES)
            abort();
        r = &h->routes[h->nroutes++];
        r->url = xstrdup(url);
    } else {
        free(r->ctype);
        free(r->body);
        free(r->neterr);
    }
    r->status = status;
    r->ctype = ctype ? xstrdup(ctype) : NULL;
    r->body = xstrdup(body ? body : "");
    r->neterr = NULL;
}

static inline void fh_twiml(struct fake_host *h, const char *url, const char *twiml)
{
    fh_route(h, url, 200, "text/xml", twiml);
}

static inline void fh_neterr(struct fake_host *h, const char *url, const char *err)
{
    fh_route(h, url, 0, NULL, "");
    for (size_t i = 0; i < h->nroutes; i++)
        if (strcmp(h->routes[i].url, url) == 0)
            h->routes[i].neterr = xstrdup(err);
}

static inline const struct fh_route *fh_match(const struct fake_host *h, const char *url)
{
    size_t n = strcspn(url, "?");
    const struct fh_route *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; i < h->nroutes; i++) {
        const char *u = h->routes[i].url;
        size_t len = strlen(u);
        if (len && u[len - 1] == '*') {
            if (len - 1 <= n && strncmp(u, url, len - 1) == 0 && len > best_len)
                best = &h->routes[i], best_len = len;
        } else if (len == n && strncmp(u, url, n) == 0) {
            return &h->routes[i];
        }
    }
    return best;
}

/* Answers every request not yet answered, in order, until none is left. */
static inline void fh_pump(struct fake_host *h)
{
    for (size_t i = 0; i < h->n && i < 1000000; i++) {
        if (h->reqs[i].answered)
            continue;
        h->reqs[i].answered = 1;
        const struct fh_route *r = h->reqs[i].wants_twiml ? fh_match(h, h->reqs[i].url) : NULL;
        uint64_t id = h->reqs[i].id;
        if (!h->reqs[i].wants_twiml)
            sim_http_done(h->sim, id, 200, "text/plain", "", 0, NULL);
        else if (!r)
            sim_http_done(h->sim, id, 404, "text/html", "not found", 9, NULL);
        else
            sim_http_done(h->sim, id, r->status, r->ctype, r->body, strlen(r->body), r->neterr);
    }
}

/* Runs the engine until emulated time until_ms, answering requests as they come. */
static inline void fh_run_until(struct fake_host *h, int64_t until_ms)
{
    fh_pump(h);
    for (int guard = 0; guard < 1000000; guard++) {
        int64_t due = sim_next_due(h->sim);
        if (due < 0 || due > until_ms)
            break;
        if (due > h->now)
            h->now = due;
        sim_advance(h->sim, h->now);
        fh_pump(h);
    }
    if (until_ms > h->now)
        h->now = until_ms;
    sim_advance(h->sim, h->now);
    fh_pump(h);
}

/* Runs for sec more seconds. */
static inline void fh_run(struct fake_host *h, double sec)
{
    fh_run_until(h, h->now + (int64_t)(sec * 1000));
}

static inline void fh_add_number(struct sim_scenario *sc, const char *number, const char *url,
                                 const char *status_cb)
{
    sc->numbers = xrealloc(sc->numbers, (sc->n_numbers + 1) * sizeof *sc->numbers);
    struct sim_number *n = &sc->numbers[sc->n_numbers++];
    memset(n, 0, sizeof *n);
    n->number = xstrdup(number);
    n->voice_url = url ? xstrdup(url) : NULL;
    n->status_callback = status_cb ? xstrdup(status_cb) : NULL;
}

static inline struct sim_endpoint *fh_add_endpoint(struct sim_scenario *sc, const char *pattern,
                                                   enum sim_answer answer, double ring_s)
{
    sc->endpoints = xrealloc(sc->endpoints, (sc->n_endpoints + 1) * sizeof *sc->endpoints);
    struct sim_endpoint *e = &sc->endpoints[sc->n_endpoints++];
    memset(e, 0, sizeof *e);
    e->pattern = xstrdup(pattern);
    e->answer = answer;
    e->ring_s = e->ring_max_s = ring_s;
    return e;
}

static inline void fh_add_rate(struct sim_scenario *sc, const char *prefix, double per_min)
{
    sc->rates = xrealloc(sc->rates, (sc->n_rates + 1) * sizeof *sc->rates);
    sc->rates[sc->n_rates].prefix = xstrdup(prefix);
    sc->rates[sc->n_rates++].per_min = per_min;
}

/* A scenario with the account, one number whose voice URL is FH_BASE "voice", and a rate. */
static inline void fh_scenario(struct fake_host *h)
{
    sim_scenario_init(&h->sc);
    h->sc.account_sid = xstrdup(FH_ACCOUNT);
    h->sc.auth_token = xstrdup(FH_TOKEN);
    h->sc.seed = 42;
    h->sc.say_s_per_char = 0.1;
    h->sc.play_s = 10;
    fh_add_number(&h->sc, FH_NUMBER, FH_BASE "voice", FH_BASE "number-status");
    fh_add_rate(&h->sc, "+1", 0.013);
}

/* Starts the engine on h->sc (after the test has finished setting it up). */
static inline void fh_start(struct fake_host *h)
{
    struct sim_host host = {.ctx = h, .http = fh_on_http, .log = fh_on_log};
    h->now = FH_T0;
    h->sim = sim_new(&h->sc, &host, h->now);
}

static inline void fh_done(struct fake_host *h)
{
    sim_free(h->sim);
    for (size_t i = 0; i < h->n; i++) {
        free(h->reqs[i].method);
        free(h->reqs[i].url);
        free(h->reqs[i].body);
        form_done(&h->reqs[i].params);
    }
    free(h->reqs);
    for (size_t i = 0; i < h->nroutes; i++) {
        free(h->routes[i].url);
        free(h->routes[i].ctype);
        free(h->routes[i].body);
        free(h->routes[i].neterr);
    }
    sim_scenario_done(&h->sc);
    memset(h, 0, sizeof *h);
}

static inline const char *fh_param(const struct fh_req *r, const char *key)
{
    return r ? form_get(&r->params, key) : NULL;
}

/* The nth request (0 = first) whose URL starts with url and, when key is not NULL, whose
 * parameter key equals value; NULL when there is none. */
static inline const struct fh_req *fh_find(const struct fake_host *h, const char *url,
                                           const char *key, const char *value, int nth)
{
    for (size_t i = 0; i < h->n; i++) {
        const struct fh_req *r = &h->reqs[i];
        if (strncmp(r->url, url, strlen(url)) != 0)
            continue;
        if (key && (!fh_param(r, key) || strcmp(fh_param(r, key), value) != 0))
            continue;
        if (nth-- == 0)
            return r;
    }
    return NULL;
}

static inline int fh_count(const struct fake_host *h, const char *url, const char *key,
                           const char *value)
{
    int n = 0;
    while (fh_find(h, url, key, value, n))
        n++;
    return n;
}

/* Creates a call from form pairs "K=V" (NULL-terminated). */
static inline int fh_call(struct fake_host *h, const struct sim_call **out, struct sim_err *e,
                          const char *const *pairs)
{
    struct form f;
    form_init(&f);
    for (size_t i = 0; pairs[i]; i++) {
        const char *eq = strchr(pairs[i], '=');
        char *k = xstrndup(pairs[i], (size_t)(eq - pairs[i]));
        form_add(&f, k, eq + 1);
        free(k);
    }
    memset(e, 0, sizeof *e);
    int rc = sim_call_create(h->sim, &f, out, e);
    form_done(&f);
    fh_pump(h);
    return rc;
}

static inline void fh_form(struct form *f, const char *const *pairs)
{
    form_init(f);
    for (size_t i = 0; pairs[i]; i++) {
        const char *eq = strchr(pairs[i], '=');
        char *k = xstrndup(pairs[i], (size_t)(eq - pairs[i]));
        form_add(f, k, eq + 1);
        free(k);
    }
}

#endif
