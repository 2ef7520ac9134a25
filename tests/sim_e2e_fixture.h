/*
 * sim_e2e_fixture: what the end-to-end tests of `dialtone sim` share. The emulator runs as a
 * child process ($DIALTONE_BIN sim --port 0 ...) on a free loopback port; the test is its
 * webhook receiver, an httpd on its own netloop thread that checks the signature of EVERY
 * request with the core's validator, records it, and answers TwiML from a table of paths. The
 * test's own thread drives the emulator's REST and control APIs with libcurl and waits for the
 * webhooks that follow.
 */
#ifndef DIALTONE_SIM_E2E_FIXTURE_H
#define DIALTONE_SIM_E2E_FIXTURE_H

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "check.h"
#include "dialtone/form.h"
#include "dialtone/httpd.h"
#include "dialtone/netloop.h"
#include "dialtone/sig.h"
#include "dialtone/util.h"

#define E2E_ACCOUNT   "AC0123456789abcdef0123456789abcdef"
#define E2E_TOKEN     "e2e-auth-token-7f3a"
#define E2E_NUMBER    "+14155550100"
#define E2E_BASE      "/2010-04-01/Accounts/" E2E_ACCOUNT
#define E2E_MAX_HOOKS 4096
#define E2E_MAX_TWIML 16

struct e2e_hook {
    char path[128];
    struct form params;
    int sig_ok;     /* the signature validated */
    int headers_ok; /* User-Agent, idempotency token and Content-Type as Twilio sends */
};

struct e2e_twiml {
    char path[64];
    char *twiml;
};

static struct {
    struct netloop *loop;
    struct httpd *httpd;
    pthread_t thread;
    int recv_port, sim_port;
    char recv_url[64]; /* http://127.0.0.1:PORT */
    pid_t child;
    char log_path[64];
    pthread_mutex_t mu;
    struct e2e_hook hooks[E2E_MAX_HOOKS];
    size_t nhooks;
    struct e2e_twiml twiml[E2E_MAX_TWIML];
    size_t ntwiml;
} e2e;

/* ---- the webhook receiver (on the loop thread) --------------------------------------------- */

static inline void e2e_on_hook(struct httpd_req *req, void *user)
{
    (void)user;
    size_t len;
    const char *body = httpd_req_body(req, &len);
    const char *path = httpd_req_path(req);
    struct e2e_hook h = {.sig_ok = 0};
    dt_strlcpy(h.path, path, sizeof h.path);
    form_init(&h.params);
    char url[256], err[128];
    snprintf(url, sizeof url, "%s%s", e2e.recv_url, path);
    int parsed = form_parse(&h.params, body, len, err, sizeof err) == 0;
    const char *sig = httpd_req_header(req, "x-twilio-signature");
    h.sig_ok = parsed && sig && strcmp(httpd_req_method(req), "POST") == 0 &&
               sig_validate(E2E_TOKEN, url, &h.params, sig, err, sizeof err) == 0;
    const char *ua = httpd_req_header(req, "user-agent");
    const char *idem = httpd_req_header(req, "i-twilio-idempotency-token");
    const char *ct = httpd_req_header(req, "content-type");
    h.headers_ok = ua && strcmp(ua, "TwilioProxy/1.1") == 0 && idem && idem[0] && ct &&
                   strncmp(ct, "application/x-www-form-urlencoded", 33) == 0;
    if (!h.sig_ok)
        printf("  receiver: bad signature on %s (%s)\n", path, err);
    const char *twiml = NULL;
    pthread_mutex_lock(&e2e.mu);
    if (e2e.nhooks < E2E_MAX_HOOKS)
        e2e.hooks[e2e.nhooks++] = h;
    else
        form_done(&h.params);
    for (size_t i = 0; i < e2e.ntwiml; i++)
        if (strcmp(e2e.twiml[i].path, path) == 0)
            twiml = e2e.twiml[i].twiml;
    char *copy = twiml ? xstrdup(twiml) : NULL;
    pthread_mutex_unlock(&e2e.mu);
    if (copy)
        httpd_respond_str(req, 200, "text/xml", copy);
    else
        httpd_respond_str(req, 200, "text/xml", "<Response/>");
    free(copy);
}

static const char *const e2e_custom_headers[] = {"X-Twilio-Signature", "I-Twilio-Idempotency-Token",
                                                 NULL};
static const struct httpd_route e2e_routes[] = {
    {.path = "/", .prefix = 1, .fn = e2e_on_hook},
};

static inline void *e2e_loop_main(void *arg)
{
    (void)arg;
    netloop_run(e2e.loop);
    httpd_free(e2e.httpd);
    netloop_free(e2e.loop);
    return NULL;
}

/* text with every "{URL}" replaced by the receiver's URL; the caller frees. */
static inline char *e2e_expand(const char *text)
{
    struct dt_buf b;
    dt_buf_init(&b);
    for (const char *p = text; *p;) {
        if (strncmp(p, "{URL}", 5) == 0) {
            dt_buf_puts(&b, e2e.recv_url);
            p += 5;
        } else {
            dt_buf_putc(&b, *p++);
        }
    }
    return dt_buf_take(&b);
}

/* Sets the TwiML answered at path (a copy), with {URL} expanded. */
static inline void e2e_set_twiml(const char *path, const char *text)
{
    char *t = e2e_expand(text);
    pthread_mutex_lock(&e2e.mu);
    size_t i = 0;
    while (i < e2e.ntwiml && strcmp(e2e.twiml[i].path, path) != 0)
        i++;
    if (i == e2e.ntwiml && e2e.ntwiml < E2E_MAX_TWIML)
        dt_strlcpy(e2e.twiml[e2e.ntwiml++].path, path, sizeof e2e.twiml[0].path);
    if (i < E2E_MAX_TWIML) {
        free(e2e.twiml[i].twiml);
        e2e.twiml[i].twiml = t;
    } else {
        free(t);
    }
    pthread_mutex_unlock(&e2e.mu);
}

/* ---- the emulator (a child process) --------------------------------------------------------- */

/* Starts `dialtone sim` on scenario with the given speed; reads its port. 0 or -1. */
static inline int e2e_start_sim(const char *scenario, const char *speed)
{
    const char *bin = getenv("DIALTONE_BIN");
    if (!bin) {
        printf("  DIALTONE_BIN is not set (tests/run-tests.sh sets it)\n");
        return -1;
    }
    int out[2];
    if (pipe(out) < 0)
        return -1;
    snprintf(e2e.log_path, sizeof e2e.log_path, "/tmp/dialtone-sim-e2e-%d.log", (int)getpid());
    e2e.child = fork();
    if (e2e.child == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM); /* never outlive the test */
        dup2(out[1], 1);
        close(out[0]);
        close(out[1]);
        FILE *log = fopen(e2e.log_path, "w");
        if (log)
            dup2(fileno(log), 2);
        setenv("DIALTONE_URL", e2e.recv_url, 1);
        setenv("SIM_E2E_TOKEN", E2E_TOKEN, 1);
        execl(bin, bin, "sim", "--port", "0", "--scenario", scenario, "--account", E2E_ACCOUNT,
              "--auth-token-env", "SIM_E2E_TOKEN", "--speed", speed, "--log-level", "debug",
              (char *)NULL);
        _exit(127);
    }
    close(out[1]);
    char line[256];
    size_t n = 0;
    struct pollfd pfd = {.fd = out[0], .events = POLLIN};
    while (n < sizeof line - 1 && poll(&pfd, 1, 15000) > 0) {
        ssize_t r = read(out[0], line + n, 1);
        if (r <= 0 || line[n] == '\n')
            break;
        n++;
    }
    line[n] = '\0';
    close(out[0]);
    const char *p = strstr(line, "http://127.0.0.1:");
    e2e.sim_port = p ? atoi(p + strlen("http://127.0.0.1:")) : 0;
    if (e2e.sim_port <= 0) {
        printf("  the emulator did not say where it listens: '%s'\n", line);
        return -1;
    }
    return 0;
}

/* Prints the emulator's log (on failure). */
static inline void e2e_dump_log(void)
{
    FILE *f = fopen(e2e.log_path, "r");
    char buf[512];
    int lines = 0;
    while (f && fgets(buf, sizeof buf, f) && lines++ < 400)
        printf("    | %s", buf);
    if (f)
        fclose(f);
}

/* Stops the emulator with SIGTERM; returns its exit status (or -1 when it had to be killed). */
static inline int e2e_stop_sim(void)
{
    if (e2e.child <= 0)
        return -1;
    kill(e2e.child, SIGTERM);
    int status = 0;
    for (int i = 0; i < 1000; i++) {
        pid_t r = waitpid(e2e.child, &status, WNOHANG);
        if (r == e2e.child) {
            e2e.child = 0;
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        usleep(10000);
    }
    kill(e2e.child, SIGKILL);
    waitpid(e2e.child, &status, 0);
    e2e.child = 0;
    return -1;
}

/* A test that hangs fails instead: the watchdog stops the emulator and exits. */
static inline void e2e_watchdog(int sig)
{
    (void)sig;
    static const char msg[] = "FAIL watchdog: the test hung\n0 passed, 1 failed\n";
    if (e2e.child > 0)
        kill(e2e.child, SIGKILL);
    (void)!write(1, msg, sizeof msg - 1);
    _exit(1);
}

/* Starts the receiver, then the emulator. 0 or -1. */
static inline int e2e_setup(const char *scenario, const char *speed)
{
    char err[256];
    signal(SIGALRM, e2e_watchdog);
    alarm(300);
    pthread_mutex_init(&e2e.mu, NULL);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    e2e.loop = netloop_new(NULL, err, sizeof err);
    struct httpd_options o = {.iface = "127.0.0.1", .custom_headers = e2e_custom_headers};
    e2e.httpd = e2e.loop ? httpd_new(e2e.loop, &o, err, sizeof err) : NULL;
    if (!e2e.httpd || httpd_add_routes(e2e.httpd, e2e_routes, 1, NULL) < 0) {
        printf("  receiver: %s\n", err);
        return -1;
    }
    e2e.recv_port = httpd_port(e2e.httpd);
    snprintf(e2e.recv_url, sizeof e2e.recv_url, "http://127.0.0.1:%d", e2e.recv_port);
    pthread_create(&e2e.thread, NULL, e2e_loop_main, NULL);
    return e2e_start_sim(scenario, speed);
}

static inline void e2e_teardown(void)
{
    if (e2e.child > 0)
        e2e_stop_sim();
    netloop_stop(e2e.loop);
    pthread_join(e2e.thread, NULL);
    for (size_t i = 0; i < e2e.nhooks; i++)
        form_done(&e2e.hooks[i].params);
    for (size_t i = 0; i < e2e.ntwiml; i++)
        free(e2e.twiml[i].twiml);
    unlink(e2e.log_path);
    curl_global_cleanup();
}

/* ---- waiting for webhooks ------------------------------------------------------------------- */

/* The index of the first hook at or after from on path (NULL: any) whose parameter key is
 * value (key NULL: any), or -1. */
static inline long e2e_find(size_t from, const char *path, const char *key, const char *value)
{
    long found = -1;
    pthread_mutex_lock(&e2e.mu);
    for (size_t i = from; i < e2e.nhooks && found < 0; i++) {
        const struct e2e_hook *h = &e2e.hooks[i];
        const char *v = key ? form_get(&h->params, key) : NULL;
        if ((!path || strcmp(h->path, path) == 0) && (!key || (v && strcmp(v, value) == 0)))
            found = (long)i;
    }
    pthread_mutex_unlock(&e2e.mu);
    return found;
}

/* e2e_find, waiting up to ms real milliseconds. */
static inline long e2e_wait(size_t from, const char *path, const char *key, const char *value,
                            int ms)
{
    for (int waited = 0;; waited += 10) {
        long i = e2e_find(from, path, key, value);
        if (i >= 0 || waited >= ms)
            return i;
        usleep(10000);
    }
}

/* A parameter of hook i (borrowed; hooks are never removed), or NULL. */
static inline const char *e2e_param(long i, const char *key)
{
    if (i < 0)
        return NULL;
    pthread_mutex_lock(&e2e.mu);
    const char *v = (size_t)i < e2e.nhooks ? form_get(&e2e.hooks[i].params, key) : NULL;
    pthread_mutex_unlock(&e2e.mu);
    return v;
}

static inline size_t e2e_count(void)
{
    pthread_mutex_lock(&e2e.mu);
    size_t n = e2e.nhooks;
    pthread_mutex_unlock(&e2e.mu);
    return n;
}

/* ---- the REST and control client ------------------------------------------------------------ */

struct e2e_resp {
    long status;
    struct dt_buf body;
    cJSON *json;
};

static inline size_t e2e_write(char *p, size_t sz, size_t n, void *user)
{
    dt_buf_append(user, p, sz * n);
    return sz * n;
}

/*
 * One request to the emulator: method, path (with its query), a body (form or JSON as ctype
 * says; NULL for none) and credentials ("user:pass", NULL for none). Parses a JSON answer.
 */
static inline struct e2e_resp e2e_http(const char *method, const char *path, const char *ctype,
                                       const char *body, size_t body_len, const char *userpwd)
{
    struct e2e_resp r = {.status = 0};
    dt_buf_init(&r.body);
    CURL *c = curl_easy_init();
    char url[2048];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", e2e.sim_port, path);
    struct curl_slist *hdr = curl_slist_append(NULL, "Expect:");
    if (ctype) {
        char h[128];
        snprintf(h, sizeof h, "Content-Type: %s", ctype);
        hdr = curl_slist_append(hdr, h);
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, e2e_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)body_len);
    }
    if (userpwd) {
        curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(c, CURLOPT_USERPWD, userpwd);
    }
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(hdr);
    curl_easy_cleanup(c);
    r.json = r.body.len ? cJSON_ParseWithLength(r.body.data, r.body.len) : NULL;
    return r;
}

/* A REST request with the account's credentials; params form-encoded (body for POST). */
static inline struct e2e_resp e2e_rest(const char *method, const char *path, const char *params)
{
    int post = strcmp(method, "POST") == 0;
    char full[2048];
    snprintf(full, sizeof full, "%s%s%s", path, !post && params ? "?" : "",
             !post && params ? params : "");
    return e2e_http(method, full, post ? "application/x-www-form-urlencoded" : NULL,
                    post ? (params ? params : "") : NULL, post && params ? strlen(params) : 0,
                    E2E_ACCOUNT ":" E2E_TOKEN);
}

/* A control API request with a JSON body (NULL for none). */
static inline struct e2e_resp e2e_ctl(const char *method, const char *path, const char *json)
{
    return e2e_http(method, path, json ? "application/json" : NULL, json, json ? strlen(json) : 0,
                    NULL);
}

static inline void e2e_resp_done(struct e2e_resp *r)
{
    dt_buf_done(&r->body);
    cJSON_Delete(r->json);
    r->json = NULL;
}

static inline const char *e2e_str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static inline double e2e_num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : -12345;
}

/* Checks Twilio's error JSON with this HTTP status and code. */
#define E2E_CHECK_ERROR(r, st, cd)                                                                 \
    do {                                                                                           \
        CHECK_INT((r).status, (st));                                                               \
        CHECK((r).json != NULL);                                                                   \
        CHECK_INT(e2e_num((r).json, "code"), (cd));                                                \
        CHECK_INT(e2e_num((r).json, "status"), (st));                                              \
        CHECK(e2e_str((r).json, "message") != NULL);                                               \
        CHECK(e2e_str((r).json, "more_info") != NULL);                                             \
    } while (0)

/* Every hook so far had a valid signature and Twilio's headers; returns how many there were. */
static inline size_t e2e_check_all_signed(void)
{
    size_t bad = 0, badh = 0, n;
    pthread_mutex_lock(&e2e.mu);
    n = e2e.nhooks;
    for (size_t i = 0; i < n; i++) {
        bad += !e2e.hooks[i].sig_ok;
        badh += !e2e.hooks[i].headers_ok;
    }
    pthread_mutex_unlock(&e2e.mu);
    CHECK_INT(bad, 0);
    CHECK_INT(badh, 0);
    return n;
}

#endif
