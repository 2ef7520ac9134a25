/*
 * fuzz_twilio: the daemon facing arbitrary answers from Twilio's REST API. The input is up to
 * 16 answers separated by the byte 0x1e, each a status line ("201"; anything else means 200)
 * and a body; a fake Twilio on the loop gives them, in turn and round again, to every request
 * the daemon's client makes over HTTP. The daemon (server, agent API, routing) is started
 * afresh for each input on a kept database and goes through a day's work that asks Twilio:
 * the restart's check of calls left waiting, the sync of the queues (pages and creations), an
 * outbound call (the agent's leg, then the customer's), a caller accepted (the dequeue, the
 * agent's leg), hold and unhold, a supervisor listening, a transfer to another agent and a
 * hang-up, and, for inputs whose length is a multiple of 8, the fetch of the ended call's
 * price; each agent API request is made through its real handler (as in fuzz_api).
 *
 * Each answer also goes through twilio_parse_error and twilio_error_text. Checks: every
 * request that changes something is to one of the account's resources, and every request
 * has a form body; every API answer is given at once and well-formed; every event is JSON;
 * an error read from an answer stays within its fields; no more than 160 requests per input
 * (nothing loops on Twilio's answers); the whole day ends within 8 seconds. Anything else
 * aborts.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "api_fuzz.h"
#include "dialtone/agents.h"
#include "dialtone/api.h"
#include "dialtone/config.h"
#include "dialtone/form.h"
#include "dialtone/httpc.h"
#include "dialtone/httpd.h"
#include "dialtone/log.h"
#include "dialtone/netloop.h"
#include "dialtone/server.h"
#include "dialtone/store.h"
#include "dialtone/store_agents.h"
#include "dialtone/twilio.h"
#include "dialtone/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fz_devnull = -1; /* where the daemon's log goes */

#define FZ_ACCOUNT       "AC0123456789abcdef0123456789abcdef"
#define FZ_MAX_ANSWERS   16
#define FZ_MAX_TWILIO    160  /* requests to Twilio in one input: 100 pages of queues and more */
#define FZ_DAY_MS        8000 /* the longest a day may take */
#define FZ_RESET_EVERY   50   /* inputs between fresh databases */
#define FZ_PRICE_WAIT_MS 300  /* the price is asked for 200 ms after the end at the earliest */

static const struct {
    const char *name;
    enum store_role role;
    const char *queue;
} fz_agents[] = {
    {.name = "alice", .role = DT_ROLE_AGENT, .queue = "support"},
    {.name = "bob", .role = DT_ROLE_AGENT, .queue = "support"},
    {.name = "boss", .role = DT_ROLE_SUPERVISOR, .queue = NULL},
    {.name = "carol", .role = DT_ROLE_AGENT, .queue = "support"},
};
#define FZ_NAGENTS 4
enum { FZ_ALICE, FZ_BOB, FZ_BOSS, FZ_CAROL };

static struct {
    int ready;
    unsigned runs;
    struct netloop *loop;
    struct httpc *http;
    struct httpd *fake; /* Twilio */
    struct config cfg;
    struct store *st;
    char tokens[FZ_NAGENTS][AGENTS_TOKEN_SIZE];
    /* the input's day */
    struct twilio *tw;
    struct server *srv;
    struct api *api;
    struct netloop_timer *tick;
    const char *body[FZ_MAX_ANSWERS];
    size_t len[FZ_MAX_ANSWERS];
    int status[FZ_MAX_ANSWERS];
    size_t nanswers, served;
    int step, synced;
    uint64_t start_ms;
    char sid[40];      /* the caller of the day */
    int price;         /* the day ends with the caller's price fetched */
    uint64_t ended_ms; /* when the caller's call ended */
} fz;

/* ---- the fake Twilio ------------------------------------------------------------------------ */

static void fz_twilio(struct httpd_req *req, void *user)
{
    (void)user;
    const char *path = httpd_req_path(req);
    const char *prefix = "/2010-04-01/Accounts/" FZ_ACCOUNT "/";
    const char *m = httpd_req_method(req);
    int get = strcmp(m, "GET") == 0;
    /* a GET may follow the next_page_uri an answer gave, wherever it points on the API host */
    if ((!get && (strncmp(path, prefix, strlen(prefix)) != 0 || !strstr(path, ".json"))) ||
        (!get && strcmp(m, "POST") != 0 && strcmp(m, "DELETE") != 0))
        abort(); /* not one of Twilio's resources */
    size_t blen;
    const char *body = httpd_req_body(req, &blen);
    struct form f;
    form_init(&f);
    if (form_parse(&f, body, blen, NULL, 0) != DT_OK)
        abort();
    form_done(&f);
    if (++fz.served > FZ_MAX_TWILIO) {
        fprintf(stderr, "fuzz_twilio: more than %d requests to Twilio (%s %s)\n", FZ_MAX_TWILIO, m,
                path);
        abort();
    }
    size_t k = fz.nanswers ? (fz.served - 1) % fz.nanswers : 0;
    if (!fz.nanswers)
        httpd_respond_str(req, 200, "application/json", "{}");
    else
        httpd_respond(req, fz.status[k], "application/json", fz.body[k], fz.len[k]);
}

static const struct httpd_route fz_twilio_routes[] = {
    {.method = NULL, .path = "/", .prefix = 1, .fn = fz_twilio},
};

/* ---- set-up ------------------------------------------------------------------------------------
 */

static void fz_event(void *user, const struct store_event *ev)
{
    (void)user;
    cJSON *j = cJSON_Parse(ev->data);
    if (!j || !ev->type || !ev->type[0])
        abort();
    cJSON_Delete(j);
}

static void fz_store(void)
{
    char err[256];
    store_close(fz.st);
    if (store_open(":memory:", &fz.st, err, sizeof err) != DT_OK)
        abort();
    for (size_t i = 0; i < FZ_NAGENTS; i++) {
        char hash[AGENTS_HASH_SIZE];
        char *tok = fz.tokens[i];
        if (agents_token_new(tok, err, sizeof err) != DT_OK ||
            agents_token_hash(tok, strlen(tok), hash) != DT_OK ||
            store_agent_add(fz.st, fz_agents[i].name, fz_agents[i].role, "client:agent", hash, 1000,
                            NULL, err, sizeof err) != DT_OK)
            abort();
        if (fz_agents[i].queue)
            store_agent_set_queues(fz.st, fz_agents[i].name, &fz_agents[i].queue, 1, err,
                                   sizeof err);
    }
    struct store_queue q = {.name = "support",
                            .twilio_sid = "QU00000000000000000000000000000001",
                            .reservation_timeout_s = 30};
    if (store_queue_upsert(fz.st, &q, 1000, err, sizeof err) != DT_OK)
        abort();
}

static void fz_exit(void)
{
    if (!fz.ready)
        return;
    httpd_free(fz.fake);
    httpc_free(fz.http);
    netloop_free(fz.loop);
    store_close(fz.st);
    config_done(&fz.cfg);
    if (fz_devnull >= 0) {
        log_set_output_fd(-1);
        close(fz_devnull);
    }
}

static void fz_init(void)
{
    char err[256] = "";
    log_set_level(getenv("FUZZ_API_TRACE") ? DT_LOG_DEBUG : DT_LOG_ERROR);
    if (!getenv("FUZZ_API_TRACE")) /* the daemon's complaints are expected here */
        log_set_output_fd(fz_devnull = open("/dev/null", O_WRONLY));
    struct httpd_options ho = {0};
    if (!(fz.loop = netloop_new(NULL, err, sizeof err)) ||
        !(fz.http = httpc_new(fz.loop, NULL, err, sizeof err)) ||
        !(fz.fake = httpd_new(fz.loop, &ho, err, sizeof err)) ||
        httpd_add_routes(fz.fake, fz_twilio_routes, 1, NULL) != DT_OK) {
        fprintf(stderr, "fuzz_twilio: %s\n", err);
        abort();
    }
    char *conf = xasprintf(
        "[twilio]\naccount_sid = " FZ_ACCOUNT "\nauth_token = fuzz-t0ken\n"
        "public_base_url = https://dt.example.com\napi_base_url = http://127.0.0.1:%d\n"
        "numbers = +14155550100\n[server]\nport = 0\n"
        "[queue \"support\"]\nreservation_timeout = 30\n[dispositions]\nresolved = Resolved\n"
        "[alerts]\nprice_delay = 0\n",
        httpd_port(fz.fake));
    config_init(&fz.cfg);
    if (config_load_string(&fz.cfg, "fuzz", conf, err, sizeof err) != DT_OK) {
        fprintf(stderr, "fuzz_twilio: %s\n", err);
        abort();
    }
    free(conf);
    fz.ready = 1;
    atexit(fz_exit);
}

/* ---- the day ----------------------------------------------------------------------------------
 */

/* Makes a request to the agent API as who, answered at once and well-formed. */
static void fz_api(int who, const char *method, const char *path, const char *body)
{
    char *auth = xasprintf("Bearer %s", fz.tokens[who]);
    struct httpd_req *req =
        fz_request(server_httpd(fz.srv), method, path, "", auth, body, body ? strlen(body) : 0);
    free(auth);
    if (fz_dispatch(req) != 0)
        abort(); /* every path here is a route */
    if (getenv("FUZZ_API_TRACE"))
        fprintf(stderr, "%s %s -> %d %.*s\n", method, path, req->status,
                (int)(req->rlen < 200 ? req->rlen : 200), req->rbody ? req->rbody : "");
    if (!fz_check_answer(req))
        abort();
    httpd_req_free(req);
}

/* A callback about the caller, as the webhooks store it: a voice one (queue set), or a
 * conference one (room and conference sid set). */
static void fz_callback(const char *type, const char *queue, const char *room)
{
    struct store_call_update u;
    store_call_update_init(&u);
    u.sid = fz.sid;
    u.type = type;
    u.status = "in-progress";
    u.ts_ms = (int64_t)netloop_now_ms();
    u.payload = "x=1";
    u.payload_len = 3;
    u.direction = "inbound";
    u.from = "+15559990000";
    u.to = "+14155550100";
    u.queue = queue;
    u.conference = room;
    u.conference_sid = room ? "CF0123456789abcdef0123456789abcdef" : NULL;
    char err[256];
    if (store_call_apply(fz.st, &u, NULL, err, sizeof err) != DT_OK)
        abort();
}

static void fz_queue(const char *sid)
{
    char *text = xasprintf("{\"call\":{\"sid\":\"%s\",\"queue\":\"support\",\"status\":"
                           "\"in-progress\",\"queue_result\":null}}",
                           sid);
    server_emit(fz.srv, "call.queued", text, NULL);
    free(text);
}

static void fz_synced(void *user, int ok, const char *why)
{
    (void)user;
    (void)ok;
    (void)why;
    fz.synced = 1;
}

/* One step of the day once Twilio has answered everything asked so far; 0 at the end. */
static int fz_step(void)
{
    char path[96];
    switch (fz.step++) {
    case 0:
        if (server_sync_queues(fz.srv, fz_synced, NULL) != DT_OK)
            abort();
        return 1;
    case 1:
        fz_api(FZ_ALICE, "POST", "/api/v1/me/state", "{\"state\":\"available\"}");
        fz_api(FZ_BOB, "POST", "/api/v1/me/state", "{\"state\":\"available\"}");
        fz_api(FZ_ALICE, "POST", "/api/v1/calls", "{\"to\":\"+14155550199\",\"retry\":true}");
        return 1;
    case 2:
        fz_callback("voice", "support", NULL);
        fz_queue(fz.sid);
        snprintf(path, sizeof path, "/api/v1/calls/%s/accept", fz.sid);
        fz_api(FZ_BOB, "POST", path, NULL);
        return 1;
    case 3:
        snprintf(path, sizeof path, "call-%s", fz.sid);
        fz_callback("conference", NULL, path);
        snprintf(path, sizeof path, "/api/v1/calls/%s/hold", fz.sid);
        fz_api(FZ_BOB, "POST", path, NULL);
        snprintf(path, sizeof path, "/api/v1/calls/%s/monitor", fz.sid);
        fz_api(FZ_BOSS, "POST", path, "{\"mode\":\"listen\"}");
        return 1;
    case 4:
        snprintf(path, sizeof path, "/api/v1/calls/%s/unhold", fz.sid);
        fz_api(FZ_BOB, "POST", path, NULL);
        fz_api(FZ_CAROL, "POST", "/api/v1/me/state", "{\"state\":\"available\"}");
        snprintf(path, sizeof path, "/api/v1/calls/%s/transfer", fz.sid);
        fz_api(FZ_BOB, "POST", path, "{\"agent\":\"carol\",\"warm\":true}");
        return 1;
    case 5:
        snprintf(path, sizeof path, "/api/v1/calls/%s/hangup", fz.sid);
        fz_api(FZ_BOB, "POST", path, NULL);
        snprintf(path, sizeof path, "/api/v1/calls/%s/monitor/leave", fz.sid);
        fz_api(FZ_BOSS, "POST", path, NULL);
        return 1;
    case 6: /* the caller's price, asked for [alerts] price_delay after the end */
        if (!fz.price)
            return 0;
        snprintf(path, sizeof path, "{\"call\":{\"sid\":\"%s\",\"status\":\"completed\"}}", fz.sid);
        server_emit(fz.srv, "call.ended", path, NULL);
        fz.ended_ms = netloop_now_ms();
        return 1;
    case 7: /* the fetch has gone out and been answered */
        if (netloop_now_ms() - fz.ended_ms < FZ_PRICE_WAIT_MS) {
            fz.step--;
            return 1;
        }
        return 0;
    default:
        return 0;
    }
}

static void fz_on_tick(struct netloop_timer *t, void *user)
{
    (void)user;
    if (netloop_now_ms() - fz.start_ms > FZ_DAY_MS) {
        fprintf(stderr, "fuzz_twilio: the day did not end (step %d, %zu requests pending)\n",
                fz.step, twilio_pending(fz.tw));
        abort();
    }
    int idle = twilio_pending(fz.tw) == 0 && (fz.step < 1 || fz.synced);
    if (idle && !fz_step()) {
        netloop_stop(fz.loop);
        return;
    }
    netloop_timer_start(t, 1);
}

static void fz_check_error(int status, const char *body, size_t len)
{
    struct twilio_error e;
    twilio_parse_error(status, body, len, &e);
    if (strnlen(e.message, sizeof e.message) == sizeof e.message ||
        strnlen(e.more_info, sizeof e.more_info) == sizeof e.more_info || !e.message[0] ||
        e.code < 0 || e.code >= 10000000 || (e.explain && !e.code))
        abort();
    char small[16], big[1024];
    twilio_error_text(&e, small, sizeof small);
    twilio_error_text(&e, big, sizeof big);
    if (strnlen(small, sizeof small) == sizeof small || strnlen(big, sizeof big) == sizeof big)
        abort();
}

/* Splits the input into answers (borrowed from data). */
static void fz_answers(const char *p, const char *end)
{
    fz.nanswers = 0;
    while (p < end && fz.nanswers < FZ_MAX_ANSWERS) {
        const char *sep = memchr(p, 0x1e, (size_t)(end - p));
        const char *stop = sep ? sep : end;
        const char *nl = memchr(p, '\n', (size_t)(stop - p));
        const char *b = nl ? nl + 1 : stop;
        int st = 0;
        for (const char *q = p; q < (nl ? nl : stop) && st < 1000; q++)
            st = *q >= '0' && *q <= '9' ? st * 10 + (*q - '0') : 1000;
        fz.status[fz.nanswers] = st >= 100 && st <= 599 ? st : 200;
        fz.body[fz.nanswers] = b;
        fz.len[fz.nanswers] = (size_t)(stop - b);
        fz_check_error(fz.status[fz.nanswers], b, (size_t)(stop - b));
        fz.nanswers++;
        p = sep ? sep + 1 : end;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fz.ready)
        fz_init();
    if (fz.runs++ % FZ_RESET_EVERY == 0)
        fz_store();
    fz_answers((const char *)data, (const char *)data + size);
    fz.served = 0;
    fz.step = 0;
    fz.price = size % 8 == 0; /* a few days only: waiting for the price is slow */
    fz.synced = 0;
    snprintf(fz.sid, sizeof fz.sid, "CA%032u", fz.runs);
    char err[256] = "";
    struct twilio_options to = {.base_url = fz.cfg.twilio.api_base_url,
                                .account_sid = FZ_ACCOUNT,
                                .user = FZ_ACCOUNT,
                                .password = "fuzz-t0ken",
                                .max_attempts = 1,
                                .timeout_ms = 5000,
                                .seed = 1};
    if (!(fz.tw = twilio_new(fz.loop, fz.http, &to, err, sizeof err))) {
        fprintf(stderr, "fuzz_twilio: %s\n", err);
        abort();
    }
    struct server_options so = {.cfg = &fz.cfg, .loop = fz.loop, .store = fz.st, .twilio = fz.tw};
    if (!(fz.srv = server_new(&so, err, sizeof err))) {
        fprintf(stderr, "fuzz_twilio: %s\n", err);
        abort();
    }
    server_set_event_sink(fz.srv, fz_event, NULL);
    if (!(fz.api = api_new(fz.srv, err, sizeof err))) {
        fprintf(stderr, "fuzz_twilio: %s\n", err);
        abort();
    }
    fz.start_ms = netloop_now_ms();
    fz.tick = netloop_timer_new(fz.loop, fz_on_tick, NULL);
    netloop_timer_start(fz.tick, 0);
    if (netloop_run(fz.loop) != DT_OK)
        abort();
    netloop_timer_free(fz.tick);
    api_free(fz.api);
    server_free(fz.srv);
    twilio_free(fz.tw);
    return 0;
}
