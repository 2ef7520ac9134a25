/*
 * fuzz_api: arbitrary requests to the daemon's HTTP routes (the agent API, /healthz, /metrics)
 * through their real handlers, on an in-process server without a Twilio client. Requests are
 * made the way httpd makes them from what lws read (a decoded path, the query rebuilt from its
 * decoded fragments, the headers, the whole body) and routed through the server's own tables;
 * no socket is used. The /twilio/ webhooks are left to fuzz_webhooks.
 *
 * The input is up to 8 requests separated by the byte 0x1e; each is three lines and a body:
 * "WHO METHOD", PATH, QUERY, then the BODY (the rest). WHO is alice or bob (agents of support
 * and sales), boss (a supervisor), "-" (no Authorization header) or anything else (sent as the
 * bearer token). METHOD QUEUE instead emits call.queued for the call PATH in the queue QUERY,
 * so that routing has calls to offer.
 *
 * Every request must be answered at once with a status of 200-599; a JSON answer must parse,
 * and an error (4xx, 5xx) must be {"error": {"code", "message"}}; /api/v1/ never answers 2xx
 * without a known token, nor an agent on the supervisors' routes; every event emitted must be
 * JSON. Anything else aborts.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "dialtone/agents.h"
#include "dialtone/api.h"
#include "dialtone/config.h"
#include "dialtone/log.h"
#include "dialtone/netloop.h"
#include "dialtone/server.h"
#include "dialtone/store.h"
#include "dialtone/store_agents.h"
#include "dialtone/util.h"
#include "api_fuzz.h"
#include "server/api_int.h"
#include "server/readq_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fz_devnull = -1; /* where the daemon's log goes */

#define FZ_CONF                                                                                    \
    "[twilio]\naccount_sid = AC0123456789abcdef0123456789abcdef\nauth_token = fuzz-t0ken\n"        \
    "public_base_url = https://dt.example.com\nnumbers = +14155550100\n"                           \
    "[server]\nport = 0\n"                                                                         \
    "[queue \"support\"]\n[queue \"sales\"]\nrouting = longest-idle\nreservation_timeout = 5\n"    \
    "[dispositions]\nresolved = Resolved\nspam = Spam\n"
#define FZ_MAX_REQ     8
#define FZ_RESET_EVERY 1000 /* inputs between fresh servers and databases */

static const struct {
    const char *name;
    enum store_role role;
    const char *queue;
} fz_agents[] = {
    {.name = "alice", .role = DT_ROLE_AGENT, .queue = "support"},
    {.name = "bob", .role = DT_ROLE_AGENT, .queue = "sales"},
    {.name = "boss", .role = DT_ROLE_SUPERVISOR, .queue = NULL},
};
#define FZ_NAGENTS (sizeof fz_agents / sizeof fz_agents[0])

static struct {
    int ready;
    unsigned runs;
    char dir[200], db[240]; /* a file database, so that the reports have one to read */
    struct config cfg;
    struct store *st;
    struct netloop *loop;
    struct server *srv;
    struct api *api;
    char tokens[FZ_NAGENTS][AGENTS_TOKEN_SIZE];
} fz;

static void fz_event(void *user, const struct store_event *ev)
{
    (void)user;
    cJSON *j = cJSON_Parse(ev->data);
    if (!j || !ev->type || !ev->type[0])
        abort();
    cJSON_Delete(j);
}

static void fz_add_call(const char *sid, const char *queue, const char *status, int64_t created)
{
    struct store_call_update u;
    store_call_update_init(&u);
    u.sid = sid;
    u.type = "voice";
    u.status = status;
    u.ts_ms = created;
    u.payload = "x=1";
    u.payload_len = 3;
    u.direction = "inbound";
    u.from = "+15559990000";
    u.to = "+14155550100";
    u.queue = queue;
    char err[256];
    if (store_call_apply(fz.st, &u, NULL, err, sizeof err) != DT_OK)
        abort();
}

static void fz_down(void)
{
    api_free(fz.api);
    server_free(fz.srv);
    netloop_free(fz.loop);
    store_close(fz.st);
    config_done(&fz.cfg);
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        char path[256];
        snprintf(path, sizeof path, "%s%s", fz.db, suffixes[i]);
        unlink(path);
    }
    fz.api = NULL;
    fz.srv = NULL;
    fz.loop = NULL;
    fz.st = NULL;
    fz.ready = 0;
}

static void fz_up(void)
{
    char err[256] = "";
    if (!fz.dir[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(fz.dir, sizeof fz.dir, "%s/dt-fuzz-api-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (strlen(fz.dir) >= sizeof fz.dir - 1 || !mkdtemp(fz.dir))
            abort();
        snprintf(fz.db, sizeof fz.db, "%s/dialtone.db", fz.dir);
        log_set_level(DT_LOG_ERROR);
        if (!getenv("FUZZ_API_TRACE")) /* the daemon's complaints are expected here */
            log_set_output_fd(fz_devnull = open("/dev/null", O_WRONLY));
    }
    config_init(&fz.cfg);
    if (config_load_string(&fz.cfg, "fuzz", FZ_CONF, err, sizeof err) != DT_OK ||
        store_open(fz.db, &fz.st, err, sizeof err) != DT_OK ||
        !(fz.loop = netloop_new(NULL, err, sizeof err))) {
        fprintf(stderr, "fuzz_api: %s\n", err);
        abort();
    }
    struct server_options so = {.cfg = &fz.cfg, .loop = fz.loop, .store = fz.st};
    if (!(fz.srv = server_new(&so, err, sizeof err))) {
        fprintf(stderr, "fuzz_api: %s\n", err);
        abort();
    }
    server_set_event_sink(fz.srv, fz_event, NULL);
    if (!(fz.api = api_new(fz.srv, err, sizeof err))) {
        fprintf(stderr, "fuzz_api: %s\n", err);
        abort();
    }
    if (fz.api->readq) /* the loop never runs here: reports are read and answered at once */
        readq_run_now(fz.api->readq, 1);
    for (size_t i = 0; i < FZ_NAGENTS; i++) {
        char hash[AGENTS_HASH_SIZE];
        char *tok = fz.tokens[i];
        if (agents_token_new(tok, err, sizeof err) != DT_OK ||
            agents_token_hash(tok, strlen(tok), hash) != DT_OK ||
            store_agent_add(fz.st, fz_agents[i].name, fz_agents[i].role, "+15551230001", hash, 1000,
                            NULL, err, sizeof err) != DT_OK)
            abort();
        if (fz_agents[i].queue)
            store_agent_set_queues(fz.st, fz_agents[i].name, &fz_agents[i].queue, 1, err,
                                   sizeof err);
    }
    fz_add_call("CA01", "support", "completed", 1700000000000LL);
    fz_add_call("CA02", "sales", "busy", 1700000100000LL);
    fz_add_call("CA03", "support", "in-progress", 1700000200000LL);
    fz.ready = 1;
}

static void fz_exit(void)
{
    if (fz.ready)
        fz_down();
    if (fz.dir[0])
        rmdir(fz.dir);
    if (fz_devnull >= 0) {
        log_set_output_fd(-1);
        close(fz_devnull);
    }
}

/* ---- checking the answer ------------------------------------------------------------------ */

static int fz_supervisors_only(const char *path)
{
    static const char *const prefixes[] = {"/api/v1/agents/", "/api/v1/wallboard", "/api/v1/alerts",
                                           "/api/v1/reports/", "/api/v1/numbers/"};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (strncmp(path, prefixes[i], strlen(prefixes[i])) == 0)
            return 1;
    return 0;
}

static void fz_check(const struct httpd_req *req, int who, int routed)
{
    int json = fz_check_answer(req);
    int api = strncmp(req->path, "/api/v1/", 8) == 0;
    int ok = req->status >= 200 && req->status <= 299;
    if (api && ok && who < 0)
        abort(); /* no token, or not one the daemon gave */
    if (api && ok && who >= 0 && fz_agents[who].role != DT_ROLE_SUPERVISOR &&
        fz_supervisors_only(req->path))
        abort();
    if (!json && api && routed && req->status != 204)
        abort(); /* the agent API's routes answer JSON */
}

/* ---- one request ---------------------------------------------------------------------------- */

static const char *fz_line(const char *p, const char *end, char **line)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *stop = nl ? nl : end;
    *line = xstrndup(p, (size_t)(stop - p));
    return nl ? nl + 1 : end;
}

static void fz_queue(const char *sid, const char *queue)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *c = cJSON_AddObjectToObject(o, "call");
    cJSON_AddStringToObject(c, "sid", sid);
    cJSON_AddStringToObject(c, "queue", queue);
    cJSON_AddStringToObject(c, "status", "in-progress");
    cJSON_AddNullToObject(c, "queue_result");
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (text)
        server_emit(fz.srv, "call.queued", text, NULL);
    free(text);
}

static int fz_method_ok(const char *m)
{
    static const char *const methods[] = {"GET",    "POST",    "PUT", "PATCH",
                                          "DELETE", "OPTIONS", "HEAD"};
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
        if (strcmp(m, methods[i]) == 0)
            return 1;
    return 0;
}

static void fz_one(const char *p, const char *end)
{
    char *first, *path, *query;
    p = fz_line(p, end, &first);
    p = fz_line(p, end, &path);
    p = fz_line(p, end, &query);
    char *sp = strchr(first, ' ');
    const char *method = sp ? sp + 1 : "";
    if (sp)
        *sp = '\0';
    int who = -1;
    for (size_t i = 0; i < FZ_NAGENTS; i++)
        if (strcmp(first, fz_agents[i].name) == 0)
            who = (int)i;
    if (strcmp(method, "QUEUE") == 0) {
        fz_queue(path, query);
    } else if (fz_method_ok(method) && path[0] == '/' && strncmp(path, "/twilio/", 8) != 0) {
        char *auth = NULL;
        if (who >= 0)
            auth = xasprintf("Bearer %s", fz.tokens[who]);
        else if (strcmp(first, "-") != 0)
            auth = xasprintf("Bearer %s", first);
        struct httpd_req *req =
            fz_request(server_httpd(fz.srv), method, path, query, auth, p, (size_t)(end - p));
        free(auth);
        int d = fz_dispatch(req);
        if (d != 1) {
            if (getenv("FUZZ_API_TRACE")) /* to see what seeds reach */
                fprintf(stderr, "%s %s?%s -> %d %.*s\n", req->method, req->path, req->query,
                        req->status, (int)(req->rlen < 200 ? req->rlen : 200),
                        req->rbody ? req->rbody : "");
            fz_check(req, who, d == 0);
        }
        if (req->state == REQ_DEFERRED)
            abort(); /* the API answers at once; nothing would ever answer this one */
        httpd_req_free(req);
    }
    free(first);
    free(path);
    free(query);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int registered;
    if (!registered) {
        registered = 1;
        atexit(fz_exit);
    }
    if (fz.ready && ++fz.runs % FZ_RESET_EVERY == 0)
        fz_down();
    if (!fz.ready)
        fz_up();
    const char *p = (const char *)data, *end = p + size;
    for (int n = 0; n < FZ_MAX_REQ && p < end; n++) {
        const char *sep = memchr(p, 0x1e, (size_t)(end - p));
        const char *stop = sep ? sep : end;
        fz_one(p, stop);
        p = sep ? sep + 1 : end;
    }
    return 0;
}
