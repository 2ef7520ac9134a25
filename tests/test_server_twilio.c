/*
 * Tests for the daemon's Twilio REST client against a fake Twilio on httpd in the same
 * process and loop: the exact request bytes (method, path, query, body, Basic auth header,
 * content type), retries on 5xx, 429 and network failures and their bound, no retry on other
 * 4xx, Twilio's error JSON read and explained, path encoding, shutdown with requests waiting,
 * and bad input.
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "dialtone/errors.h"
#include "dialtone/form.h"
#include "dialtone/httpc.h"
#include "dialtone/httpd.h"
#include "dialtone/netloop.h"
#include "dialtone/twilio.h"
#include "dialtone/util.h"

#define ACCOUNT "AC0123456789abcdef0123456789abcdef"
#define TOKEN   "fake-auth-token"
#define BASE    "/2010-04-01/Accounts/" ACCOUNT

/* ---- the fake Twilio ------------------------------------------------------------------------ */

struct seen_req {
    char method[8], path[256], query[256], body[512], auth[160], ctype[80], accept[40];
};

struct answer {
    int status;
    const char *body;
    const char *retry_after;
};

static struct {
    struct netloop *loop;
    struct httpd *h;
    struct httpc *c;
    struct twilio *tw;
    int port;
    struct seen_req seen[16];
    int nseen;
    const struct answer *script; /* answers in turn; the last one repeats */
    int nscript;
    /* the client's result */
    int done;
    struct twilio_result res;
    char res_body[512];
    char sid[64];
    uint64_t t_start, t_end;
} fx;

static void copy_hdr(struct httpd_req *req, const char *name, char *dst, size_t n)
{
    const char *v = httpd_req_header(req, name);
    dt_strlcpy(dst, v ? v : "(none)", n);
}

static void on_any(struct httpd_req *req, void *user)
{
    (void)user;
    if (fx.nseen < 16) {
        struct seen_req *s = &fx.seen[fx.nseen];
        size_t len;
        const char *body = httpd_req_body(req, &len);
        dt_strlcpy(s->method, httpd_req_method(req), sizeof s->method);
        dt_strlcpy(s->path, httpd_req_path(req), sizeof s->path);
        dt_strlcpy(s->query, httpd_req_query(req), sizeof s->query);
        dt_strlcpy(s->body, body, sizeof s->body);
        copy_hdr(req, "authorization", s->auth, sizeof s->auth);
        copy_hdr(req, "content-type", s->ctype, sizeof s->ctype);
        copy_hdr(req, "accept", s->accept, sizeof s->accept);
    }
    int i = fx.nseen < fx.nscript ? fx.nseen : fx.nscript - 1;
    fx.nseen++;
    const struct answer *a = &fx.script[i];
    if (a->retry_after)
        httpd_req_add_header(req, "Retry-After", a->retry_after);
    httpd_respond_str(req, a->status, "application/json", a->body);
}

static const struct httpd_route routes[] = {{.path = "/", .prefix = 1, .fn = on_any}};

static void on_done(const struct twilio_result *res, void *arg)
{
    (void)arg;
    fx.done++;
    fx.res = *res;
    fx.res.json = NULL;
    dt_strlcpy(fx.res_body, res->body ? res->body : "", sizeof fx.res_body);
    const cJSON *sid = res->json ? cJSON_GetObjectItemCaseSensitive(res->json, "sid") : NULL;
    dt_strlcpy(fx.sid, cJSON_IsString(sid) ? sid->valuestring : "", sizeof fx.sid);
    fx.t_end = netloop_now_ms();
    netloop_stop(fx.loop);
}

static void on_tick(struct netloop_timer *t, void *user)
{
    (void)t;
    (void)user;
    netloop_stop(fx.loop);
}

static void on_watchdog(struct netloop_timer *t, void *user)
{
    (void)t;
    (void)user;
    printf("  watchdog: no result\n");
    netloop_stop(fx.loop);
}

/* Runs the loop until the client's callback ran (or 10 s passed). */
static void run_until_done(void)
{
    struct netloop_timer *w = netloop_timer_new(fx.loop, on_watchdog, NULL);
    netloop_timer_start(w, 10000);
    while (!fx.done && netloop_timer_pending(w))
        netloop_run(fx.loop);
    netloop_timer_free(w);
}

static struct twilio *make_client(const char *base_url, const char *user, const char *password)
{
    char err[200], url[64];
    if (!base_url) {
        snprintf(url, sizeof url, "http://127.0.0.1:%d", fx.port);
        base_url = url;
    }
    struct twilio_options o = {.base_url = base_url,
                               .account_sid = ACCOUNT,
                               .user = user ? user : ACCOUNT,
                               .password = password ? password : TOKEN,
                               .backoff_ms = 20,
                               .backoff_max_ms = 80,
                               .timeout_ms = 5000,
                               .seed = 1};
    struct twilio *tw = twilio_new(fx.loop, fx.c, &o, err, sizeof err);
    if (!tw)
        printf("  twilio_new: %s\n", err);
    return tw;
}

/* Starts a test: a fresh script and client. */
static void begin(const struct answer *script, int n)
{
    fx.script = script;
    fx.nscript = n;
    fx.nseen = 0;
    fx.done = 0;
    memset(&fx.res, 0, sizeof fx.res);
    fx.sid[0] = '\0';
    fx.tw = make_client(NULL, NULL, NULL);
    fx.t_start = netloop_now_ms();
}

static void end(void)
{
    twilio_free(fx.tw);
    fx.tw = NULL;
}

static void basic_of(const char *user, const char *pass, char *out, size_t n)
{
    char plain[200];
    unsigned char b64[300];
    int len = snprintf(plain, sizeof plain, "%s:%s", user, pass);
    EVP_EncodeBlock(b64, (const unsigned char *)plain, len);
    snprintf(out, n, "Basic %s", (const char *)b64);
}

/* ---- tests ---------------------------------------------------------------------------------- */

TEST(queue_create_exact_request)
{
    static const struct answer a[] = {
        {201, "{\"sid\":\"QU0123456789abcdef0123456789abcdef\",\"friendly_name\":\"support line\"}",
         NULL}};
    begin(a, 1);
    CHECK_INT(twilio_queue_create(fx.tw, "support line", 50, on_done, NULL), DT_OK);
    CHECK_INT(twilio_pending(fx.tw), 1);
    run_until_done();
    CHECK_INT(fx.done, 1);
    CHECK_INT(fx.res.rc, DT_OK);
    CHECK_INT(fx.res.status, 201);
    CHECK_INT(fx.res.attempts, 1);
    CHECK_STR(fx.sid, "QU0123456789abcdef0123456789abcdef");
    CHECK_INT(fx.nseen, 1);
    CHECK_STR(fx.seen[0].method, "POST");
    CHECK_STR(fx.seen[0].path, BASE "/Queues.json");
    CHECK_STR(fx.seen[0].body, "FriendlyName=support+line&MaxSize=50");
    CHECK_STR(fx.seen[0].ctype, "application/x-www-form-urlencoded");
    CHECK_STR(fx.seen[0].accept, "application/json");
    char want[256];
    basic_of(ACCOUNT, TOKEN, want, sizeof want);
    CHECK_STR(fx.seen[0].auth, want);
    CHECK_INT(twilio_pending(fx.tw), 0);
    struct twilio_stats st;
    twilio_get_stats(fx.tw, &st);
    CHECK_INT(st.requests, 1);
    CHECK_INT(st.ok, 1);
    CHECK_INT(st.retries, 0);
    end();
}

TEST(api_key_auth_and_paths)
{
    static const struct answer a[] = {{200, "{}", NULL}};
    begin(a, 1);
    twilio_free(fx.tw);
    fx.tw = make_client(NULL, "SK0123456789abcdef0123456789abcdef", "key-secret");
    struct form f;
    form_init(&f);
    form_add(&f, "Hold", "true");
    form_add(&f, "HoldUrl", "http://x/y?a=b c");
    CHECK_INT(twilio_participant_update(fx.tw, "room 1/x", "CA1", &f, on_done, NULL), DT_OK);
    run_until_done();
    CHECK_INT(fx.res.rc, DT_OK);
    CHECK_STR(fx.seen[0].path, BASE "/Conferences/room 1/x/Participants/CA1.json");
    CHECK_STR(fx.seen[0].body, "Hold=true&HoldUrl=http%3A%2F%2Fx%2Fy%3Fa%3Db+c");
    char want[256];
    basic_of("SK0123456789abcdef0123456789abcdef", "key-secret", want, sizeof want);
    CHECK_STR(fx.seen[0].auth, want);

    /* DELETE and GET put their parameters in the query, none in the body */
    fx.done = 0;
    CHECK_INT(twilio_participant_delete(fx.tw, "CF1", "CA2", on_done, NULL), DT_OK);
    run_until_done();
    CHECK_STR(fx.seen[1].method, "DELETE");
    CHECK_STR(fx.seen[1].path, BASE "/Conferences/CF1/Participants/CA2.json");
    CHECK_STR(fx.seen[1].body, "");
    fx.done = 0;
    CHECK_INT(twilio_request(fx.tw, "GET", "Calls.json", &f, on_done, NULL), DT_OK);
    run_until_done();
    CHECK_STR(fx.seen[2].method, "GET");
    CHECK_STR(fx.seen[2].query, "Hold=true&HoldUrl=http%3A%2F%2Fx%2Fy%3Fa%3Db%20c");
    fx.done = 0;
    CHECK_INT(twilio_queues_list(fx.tw, NULL, on_done, NULL), DT_OK);
    run_until_done();
    CHECK_STR(fx.seen[3].path, BASE "/Queues.json");
    CHECK_STR(fx.seen[3].query, "PageSize=1000");
    fx.done = 0;
    CHECK_INT(twilio_member_dequeue(fx.tw, "QU1", "Front", "http://d/agent", "POST", on_done, NULL),
              DT_OK);
    run_until_done();
    CHECK_STR(fx.seen[4].path, BASE "/Queues/QU1/Members/Front.json");
    CHECK_STR(fx.seen[4].body, "Url=http%3A%2F%2Fd%2Fagent&Method=POST");
    form_done(&f);
    end();
}

TEST(retries_5xx_then_success)
{
    static const struct answer a[] = {
        {503, "{\"code\":20503,\"message\":\"Service unavailable\",\"status\":503}", NULL},
        {500, "oops", NULL},
        {201, "{\"sid\":\"CA1\"}", NULL}};
    begin(a, 3);
    struct form f;
    form_init(&f);
    form_add(&f, "To", "+14155550100");
    form_add(&f, "From", "+14155550101");
    CHECK_INT(twilio_call_create(fx.tw, &f, on_done, NULL), DT_OK);
    form_done(&f);
    run_until_done();
    CHECK_INT(fx.res.rc, DT_OK);
    CHECK_INT(fx.res.attempts, 3);
    CHECK_INT(fx.nseen, 3);
    CHECK_STR(fx.sid, "CA1");
    /* every attempt carried the same request */
    for (int i = 0; i < 3 && i < fx.nseen; i++) {
        CHECK_STR(fx.seen[i].path, BASE "/Calls.json");
        CHECK_STR(fx.seen[i].body, "To=%2B14155550100&From=%2B14155550101");
    }
    /* two waits of at least half the backoff each: 10 ms then 20 ms */
    CHECK(fx.t_end - fx.t_start >= 30);
    struct twilio_stats st;
    twilio_get_stats(fx.tw, &st);
    CHECK_INT(st.retries, 2);
    CHECK_INT(st.ok, 1);
    end();
}

TEST(retry_429_honours_retry_after_within_cap)
{
    static const struct answer a[] = {
        {429, "{\"code\":20429,\"message\":\"Too Many Requests\",\"status\":429}", "1"},
        {200, "{\"sid\":\"CA2\"}", NULL}};
    begin(a, 2);
    CHECK_INT(twilio_call_update(fx.tw, "CA2", NULL, on_done, NULL), DT_OK);
    run_until_done();
    CHECK_INT(fx.res.rc, DT_OK);
    CHECK_INT(fx.res.attempts, 2);
    CHECK_STR(fx.seen[1].path, BASE "/Calls/CA2.json");
    /* Retry-After 1 s, capped at backoff_max_ms (80) */
    CHECK(fx.t_end - fx.t_start >= 80);
    CHECK(fx.t_end - fx.t_start < 1000);
    end();
}

TEST(client_error_not_retried_and_explained)
{
    static const struct answer a[] = {
        {400,
         "{\"code\":21211,\"message\":\"The 'To' number 123 is not a valid phone number.\","
         "\"more_info\":\"https://www.twilio.com/docs/errors/21211\",\"status\":400}",
         NULL}};
    begin(a, 1);
    CHECK_INT(twilio_call_create(fx.tw, NULL, on_done, NULL), DT_OK);
    run_until_done();
    CHECK_INT(fx.nseen, 1);
    CHECK_INT(fx.res.rc, DT_EINVAL);
    CHECK_INT(fx.res.status, 400);
    CHECK_INT(fx.res.attempts, 1);
    CHECK_INT(fx.res.error.code, 21211);
    CHECK_INT(fx.res.error.status, 400);
    CHECK_STR(fx.res.error.message, "The 'To' number 123 is not a valid phone number.");
    CHECK_STR(fx.res.error.more_info, "https://www.twilio.com/docs/errors/21211");
    CHECK(fx.res.error.explain != NULL);
    if (fx.res.error.explain) {
        CHECK_STR(errors_category_name(fx.res.error.explain->category), "bad-number");
        CHECK_INT(fx.res.error.explain->bad_number, 1);
    }
    char text[300];
    twilio_error_text(&fx.res.error, text, sizeof text);
    CHECK(strncmp(text, "21211 The 'To' number", 21) == 0);
    CHECK(strstr(text, "bad number") != NULL);
    struct twilio_stats st;
    twilio_get_stats(fx.tw, &st);
    CHECK_INT(st.client_errors, 1);
    CHECK_INT(st.retries, 0);
    end();

    static const struct answer b[] = {{404, "{\"code\":20404,\"message\":\"Not found\"}", NULL}};
    begin(b, 1);
    CHECK_INT(twilio_call_update(fx.tw, "CA9", NULL, on_done, NULL), DT_OK);
    run_until_done();
    CHECK_INT(fx.res.rc, DT_ENOTFOUND);
    CHECK_INT(fx.res.error.code, 20404);
    CHECK_INT(fx.res.error.status, 404); /* the answer's status when the JSON has none */
    CHECK_INT(fx.nseen, 1);
    end();

    static const struct answer c[] = {{401, "{\"code\":20003,\"message\":\"Authenticate\"}", NULL}};
    begin(c, 1);
    CHECK_INT(twilio_call_update(fx.tw, "CA9", NULL, on_done, NULL), DT_OK);
    run_until_done();
    CHECK_INT(fx.res.rc, DT_EPERM);
    CHECK_INT(fx.nseen, 1);
    end();
}

TEST(server_errors_bounded)
{
    static const struct answer a[] = {{502, "<html>bad gateway</html>", NULL}};
    begin(a, 1);
    CHECK_INT(twilio_call_update(fx.tw, "CA3", NULL, on_done, NULL), DT_OK);
    run_until_done();
    CHECK_INT(fx.res.rc, DT_EIO);
    CHECK_INT(fx.res.status, 502);
    CHECK_INT(fx.res.attempts, TWILIO_ATTEMPTS_DEFAULT);
    CHECK_INT(fx.nseen, TWILIO_ATTEMPTS_DEFAULT);
    CHECK_INT(fx.res.error.code, 0);
    CHECK_STR(fx.res.error.message, "HTTP 502 from Twilio");
    CHECK(fx.res.error.explain == NULL);
    struct twilio_stats st;
    twilio_get_stats(fx.tw, &st);
    CHECK_INT(st.server_errors, 1);
    CHECK_INT(st.retries, TWILIO_ATTEMPTS_DEFAULT - 1);
    end();
}

TEST(network_errors_retried_then_reported)
{
    static const struct answer a[] = {{200, "{}", NULL}};
    begin(a, 1);
    twilio_free(fx.tw);
    /* a port nobody listens on: httpd's own, freed */
    char err[128];
    struct httpd_options o = {.iface = "127.0.0.1"};
    struct httpd *tmp = httpd_new(fx.loop, &o, err, sizeof err);
    int port = tmp ? httpd_port(tmp) : 1;
    httpd_free(tmp);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    fx.tw = make_client(url, NULL, NULL);
    CHECK_INT(twilio_conference_update(fx.tw, "CF1", NULL, on_done, NULL), DT_OK);
    run_until_done();
    CHECK_INT(fx.res.rc, DT_EIO);
    CHECK_INT(fx.res.status, 0);
    CHECK_INT(fx.res.attempts, TWILIO_ATTEMPTS_DEFAULT);
    CHECK(fx.res.error.message[0] != '\0');
    char text[300];
    twilio_error_text(&fx.res.error, text, sizeof text);
    CHECK(strncmp(text, "network: ", 9) == 0);
    struct twilio_stats st;
    twilio_get_stats(fx.tw, &st);
    CHECK_INT(st.network_errors, 1);
    end();
}

TEST(free_with_requests_waiting)
{
    static const struct answer a[] = {{503, "{}", NULL}};
    begin(a, 1);
    twilio_free(fx.tw);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", fx.port);
    struct twilio_options o = {.base_url = url,
                               .account_sid = ACCOUNT,
                               .user = ACCOUNT,
                               .password = TOKEN,
                               .backoff_ms = 5000,
                               .seed = 3};
    char err[128];
    fx.tw = twilio_new(fx.loop, fx.c, &o, err, sizeof err);
    CHECK_INT(twilio_call_update(fx.tw, "CA4", NULL, on_done, NULL), DT_OK);
    /* run until the first 503 came back and a retry waits */
    for (int i = 0; i < 200 && fx.nseen < 1; i++) {
        struct netloop_timer *t = netloop_timer_new(fx.loop, on_tick, NULL);
        netloop_timer_start(t, 10);
        netloop_run(fx.loop);
        netloop_timer_free(t);
    }
    CHECK_INT(fx.nseen, 1);
    CHECK_INT(fx.done, 0);
    CHECK_INT(twilio_pending(fx.tw), 1);
    twilio_free(fx.tw);
    fx.tw = NULL;
    CHECK_INT(fx.done, 1);
    CHECK_INT(fx.res.rc, DT_ESTATE);
    netloop_flush(fx.loop);
}

TEST(bad_input)
{
    static const struct answer a[] = {{200, "{}", NULL}};
    begin(a, 1);
    CHECK_INT(twilio_call_update(fx.tw, "", NULL, on_done, NULL), DT_EINVAL);
    CHECK_INT(twilio_call_update(fx.tw, NULL, NULL, on_done, NULL), DT_EINVAL);
    CHECK_INT(twilio_call_update(fx.tw, "CA\n1", NULL, on_done, NULL), DT_EINVAL);
    char longsid[TWILIO_SEGMENT_MAX + 2];
    memset(longsid, 'a', sizeof longsid - 1);
    longsid[sizeof longsid - 1] = '\0';
    CHECK_INT(twilio_call_update(fx.tw, longsid, NULL, on_done, NULL), DT_EINVAL);
    CHECK_INT(twilio_request(fx.tw, "PATCH", "Calls.json", NULL, on_done, NULL), DT_EINVAL);
    CHECK_INT(twilio_request(fx.tw, "GET", "../x", NULL, on_done, NULL), DT_EINVAL);
    CHECK_INT(twilio_request(fx.tw, "GET", "a b", NULL, on_done, NULL), DT_EINVAL);
    CHECK_INT(twilio_queues_list(fx.tw, "no-slash", on_done, NULL), DT_EINVAL);
    CHECK_INT(twilio_queue_create(fx.tw, "", 0, on_done, NULL), DT_EINVAL);
    CHECK_INT(twilio_member_dequeue(fx.tw, "QU1", "CA1", NULL, NULL, on_done, NULL), DT_EINVAL);
    CHECK_INT(twilio_pending(fx.tw), 0);
    CHECK_INT(fx.done, 0);
    end();

    char err[128];
    struct twilio_options o = {
        .base_url = "ftp://x", .account_sid = ACCOUNT, .user = "u", .password = "p"};
    CHECK(twilio_new(fx.loop, fx.c, &o, err, sizeof err) == NULL);
    o.base_url = "http://127.0.0.1:1";
    o.password = "";
    CHECK(twilio_new(fx.loop, fx.c, &o, err, sizeof err) == NULL);
    o.password = "p";
    o.max_attempts = TWILIO_ATTEMPTS_MAX + 1;
    CHECK(twilio_new(fx.loop, fx.c, &o, err, sizeof err) == NULL);
    twilio_free(NULL);

    struct twilio_error e;
    twilio_parse_error(500, "not json", 8, &e);
    CHECK_INT(e.code, 0);
    CHECK_INT(e.status, 500);
    CHECK_STR(e.message, "HTTP 500 from Twilio");
    twilio_parse_error(400, "{\"code\":\"21211\",\"message\":7}", 28, &e);
    CHECK_INT(e.code, 0); /* a code that is not a number is not a code */
    twilio_parse_error(400, "{\"code\":-5,\"status\":99999}", 26, &e);
    CHECK_INT(e.code, 0);
    CHECK_INT(e.status, 400);
}

int main(void)
{
    char err[256];
    fx.loop = netloop_new(NULL, err, sizeof err);
    struct httpd_options o = {.iface = "127.0.0.1"};
    fx.h = fx.loop ? httpd_new(fx.loop, &o, err, sizeof err) : NULL;
    fx.c = fx.loop ? httpc_new(fx.loop, NULL, err, sizeof err) : NULL;
    if (!fx.h || !fx.c || httpd_add_routes(fx.h, routes, 1, NULL) != 0) {
        printf("setup: %s\n", err);
        return 1;
    }
    fx.port = httpd_port(fx.h);
    RUN(queue_create_exact_request);
    RUN(api_key_auth_and_paths);
    RUN(retries_5xx_then_success);
    RUN(retry_429_honours_retry_after_within_cap);
    RUN(client_error_not_retried_and_explained);
    RUN(server_errors_bounded);
    RUN(network_errors_retried_then_reported);
    RUN(free_with_requests_waiting);
    RUN(bad_input);
    httpc_free(fx.c);
    httpd_free(fx.h);
    netloop_free(fx.loop);
    return check_done();
}
