/*
 * fuzz_serve_http: raw HTTP requests to the daemon's listener over a loopback socket, so that
 * every layer between the wire and a handler is in play: lws's parsing, httpd (methods, the
 * body cap, Expect, chunked bodies, the rebuilt query), the webhooks' front (content type,
 * signature, the queue and room in the query, group commit) and their handlers, the agent
 * API's authentication and handlers, the websocket push's upgrade (its token and ?after_seq),
 * /healthz and /metrics. The daemon has an in-memory database and no Twilio client.
 *
 * The input is the request line ("POST /twilio/voice?queue=support"), header lines up to an
 * empty line, then the body. The target drops Content-Length and adds its own, with Host and
 * (unless the input has one) Connection: close; a header line "Sign:" is replaced by the
 * X-Twilio-Signature Twilio would send for the request (over the public URL with the query as the
 * daemon rebuilds it, and the body's form parameters), so that signed webhooks reach their
 * handlers; "Token: NAME" by the bearer token of agent alice or supervisor boss.
 *
 * The daemon must answer each request within 5 seconds, or close the connection; an answer
 * must be an HTTP/1.1 (or, from lws, 1.0) status line of 100-599. Anything else aborts.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../net_helper.h"
#include "api_fuzz.h"
#include "dialtone/agents.h"
#include "dialtone/api.h"
#include "dialtone/config.h"
#include "dialtone/form.h"
#include "dialtone/log.h"
#include "dialtone/netloop.h"
#include "dialtone/push.h"
#include "dialtone/server.h"
#include "dialtone/sig.h"
#include "dialtone/store.h"
#include "dialtone/store_agents.h"
#include "dialtone/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_TOKEN "fuzz-t0ken"
#define FZ_BASE  "https://dt.example.com"
#define FZ_CONF                                                                                    \
    "[twilio]\naccount_sid = AC0123456789abcdef0123456789abcdef\nauth_token = " FZ_TOKEN "\n"      \
    "public_base_url = " FZ_BASE "\n[server]\nport = 0\nmax_body = 8192\n"                         \
    "[queue \"support\"]\nmax_wait = 60\n[queue \"sales\"]\n"                                      \
    "[ivr]\nprompt = Press 1 or 2\n1 = sales\n2 = support\n"
#define FZ_RESET_EVERY 2000 /* requests between fresh daemons */
#define FZ_WAIT_MS     5000 /* the longest an answer may take */

static struct {
    int ready;
    unsigned runs;
    int devnull;
    struct config cfg;
    struct store *st;
    struct netloop *loop;
    struct server *srv;
    struct push *push;
    struct api *api;
    char alice[AGENTS_TOKEN_SIZE], boss[AGENTS_TOKEN_SIZE];
} fz = {.devnull = -1};

struct fz_client {
    int port;
    struct dt_buf req, answer;
    int read; /* raw_read's result */
};

static void fz_agent(const char *name, enum store_role role, char *token)
{
    char hash[AGENTS_HASH_SIZE], err[256];
    const char *queue = "support";
    if (agents_token_new(token, err, sizeof err) != DT_OK ||
        agents_token_hash(token, strlen(token), hash) != DT_OK ||
        store_agent_add(fz.st, name, role, "client:agent", hash, 1000, NULL, err, sizeof err) !=
            DT_OK ||
        store_agent_set_queues(fz.st, name, &queue, 1, err, sizeof err) != DT_OK)
        abort();
}

static void fz_down(void)
{
    api_free(fz.api);
    push_free(fz.push);
    server_free(fz.srv);
    netloop_free(fz.loop);
    store_close(fz.st);
    config_done(&fz.cfg);
    fz.ready = 0;
}

static void fz_up(void)
{
    char err[256] = "";
    config_init(&fz.cfg);
    if (config_load_string(&fz.cfg, "fuzz", FZ_CONF, err, sizeof err) != DT_OK ||
        store_open(":memory:", &fz.st, err, sizeof err) != DT_OK ||
        !(fz.loop = netloop_new(NULL, err, sizeof err))) {
        fprintf(stderr, "fuzz_serve_http: %s\n", err);
        abort();
    }
    struct server_options so = {.cfg = &fz.cfg, .loop = fz.loop, .store = fz.st};
    if (!(fz.srv = server_new(&so, err, sizeof err))) {
        fprintf(stderr, "fuzz_serve_http: %s\n", err);
        abort();
    }
    if (!(fz.push = push_new(fz.srv, NULL, err, sizeof err)) ||
        !(fz.api = api_new(fz.srv, err, sizeof err))) {
        fprintf(stderr, "fuzz_serve_http: %s\n", err);
        abort();
    }
    fz_agent("alice", DT_ROLE_AGENT, fz.alice);
    fz_agent("boss", DT_ROLE_SUPERVISOR, fz.boss);
    fz.ready = 1;
}

static void fz_exit(void)
{
    if (fz.ready)
        fz_down();
    if (fz.devnull >= 0) {
        log_set_output_fd(-1);
        close(fz.devnull);
    }
}

/* ---- the request ------------------------------------------------------------------------------
 */

static const char *fz_line(const char *p, const char *end, const char **line, size_t *len)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *stop = nl ? nl : end;
    *line = p;
    *len = (size_t)(stop - p);
    if (*len && p[*len - 1] == '\r')
        (*len)--;
    return nl ? nl + 1 : end;
}

/* X-Twilio-Signature for target (PATH?QUERY as sent) with body, as Twilio would sign it. */
static void fz_sign(struct dt_buf *out, const char *target, size_t tlen, const char *body,
                    size_t blen)
{
    char *t = xstrndup(target, tlen);
    char *q = strchr(t, '?');
    if (q)
        *q++ = '\0';
    char *query = fz_query(q ? q : "");
    char *url = xasprintf("%s%s%s%s", FZ_BASE, t, query[0] ? "?" : "", query);
    struct form f;
    form_init(&f);
    char sig[DT_SIG_BUFSZ];
    if (form_parse(&f, body, blen, NULL, 0) == DT_OK &&
        sig_compute(FZ_TOKEN, url, &f, sig, NULL, 0) == DT_OK)
        dt_buf_printf(out, "X-Twilio-Signature: %s\r\n", sig);
    form_done(&f);
    free(url);
    free(query);
    free(t);
}

/* The bytes to send for the input. */
static void fz_build(struct dt_buf *out, const char *p, const char *end)
{
    const char *line, *reqline;
    size_t len, reqlen;
    p = fz_line(p, end, &reqline, &reqlen);
    dt_buf_append(out, reqline, reqlen);
    dt_buf_puts(out, " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    int connection = 0;
    const char *headers = p;
    while (p < end) { /* find the body first: a signature covers it */
        p = fz_line(p, end, &line, &len);
        if (len == 0)
            break;
    }
    const char *body = p;
    size_t blen = (size_t)(end - body);
    const char *target = memchr(reqline, ' ', reqlen);
    size_t tlen = target ? reqlen - (size_t)(target + 1 - reqline) : 0;
    for (const char *h = headers; h < body;) {
        h = fz_line(h, body, &line, &len);
        if (len == 0)
            break;
        if (len >= 15 && strncasecmp(line, "content-length:", 15) == 0)
            continue;
        if (len == 5 && strncasecmp(line, "Sign:", 5) == 0) {
            if (target)
                fz_sign(out, target + 1, tlen, body, blen);
            continue;
        }
        if (len > 7 && strncasecmp(line, "Token: ", 7) == 0) {
            int boss = len == 11 && strncmp(line + 7, "boss", 4) == 0;
            dt_buf_printf(out, "Authorization: Bearer %s\r\n", boss ? fz.boss : fz.alice);
            continue;
        }
        connection |= len >= 11 && strncasecmp(line, "connection:", 11) == 0;
        dt_buf_append(out, line, len);
        dt_buf_puts(out, "\r\n");
    }
    if (!connection)
        dt_buf_puts(out, "Connection: close\r\n");
    dt_buf_printf(out, "Content-Length: %zu\r\n\r\n", blen);
    dt_buf_append(out, body, blen);
}

static void fz_client(void *arg)
{
    struct fz_client *c = arg;
    int fd = raw_connect("127.0.0.1", c->port);
    if (fd < 0)
        abort();
    raw_send(fd, c->req.data, c->req.len);
    c->read = raw_read(fd, &c->answer, 1, FZ_WAIT_MS);
    close(fd);
}

static void fz_check(const struct fz_client *c)
{
    if (c->read < 0) {
        fprintf(stderr, "fuzz_serve_http: no answer within %d ms\n", FZ_WAIT_MS);
        abort();
    }
    if (c->answer.len == 0)
        return; /* closed without an answer: lws gives up on what it cannot parse */
    const char *a = c->answer.data;
    if (c->answer.len < 12 ||
        (strncmp(a, "HTTP/1.1 ", 9) != 0 && strncmp(a, "HTTP/1.0 ", 9) != 0) || a[9] < '1' ||
        a[9] > '5' || a[10] < '0' || a[10] > '9' || a[11] < '0' || a[11] > '9')
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int once;
    if (!once) {
        once = 1;
        log_set_level(DT_LOG_ERROR);
        if (!getenv("FUZZ_API_TRACE")) /* the daemon's complaints are expected here */
            log_set_output_fd(fz.devnull = open("/dev/null", O_WRONLY));
        atexit(fz_exit);
    }
    if (fz.ready && ++fz.runs % FZ_RESET_EVERY == 0)
        fz_down();
    if (!fz.ready)
        fz_up();
    struct fz_client c = {.port = server_port(fz.srv)};
    dt_buf_init(&c.req);
    dt_buf_init(&c.answer);
    fz_build(&c.req, (const char *)data, (const char *)data + size);
    if (!net_run_client(fz.loop, fz_client, &c, FZ_WAIT_MS * 2))
        abort();
    if (getenv("FUZZ_API_TRACE"))
        fprintf(stderr, "%.*s\n", (int)(c.answer.len < 300 ? c.answer.len : 300),
                c.answer.data ? c.answer.data : "");
    fz_check(&c);
    dt_buf_done(&c.req);
    dt_buf_done(&c.answer);
    return 0;
}
