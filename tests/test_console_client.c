/*
 * Tests for the console's client: against the real daemon in process (server, push and agent
 * API on an in-memory store, on a loopback port): the snapshot, live events in order, REST
 * answers and errors in words, the pending poll, a bad token going OFFLINE, the daemon stopped
 * and started again with the missed events replayed once each, a resync when the client falls
 * behind; against a scripted websocket endpoint: deduplication by seq, the after_seq asked for,
 * resync and a restarted event log. The client is freed in every state (ASan checks that
 * nothing leaks).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "console/client.h"
#include "dialtone/agents.h"
#include "dialtone/api.h"
#include "dialtone/config.h"
#include "dialtone/push.h"
#include "dialtone/server.h"
#include "dialtone/store.h"
#include "dialtone/store_agents.h"
#include "ws_fixture.h"

#define WAIT_MS 8000 /* generous: the machine may be loaded */
#define MAX_REC 128

/* ---- what the callbacks saw ------------------------------------------------------------- */

struct rec {
    struct client *c;
    int nconn, connecting, live, reconnecting, offline;
    enum client_conn state;
    uint64_t retry_at, notified_at;
    uint64_t delays[MAX_REC]; /* retry_at - now of each RECONNECTING with a retry scheduled */
    int ndelays;
    char why[256];
    int nev;
    long long seq[MAX_REC];
    char type[MAX_REC][32];
    int npending;
    int free_when_live; /* client_free from inside on_conn(LIVE) */
};

static void rec_conn(enum client_conn st, uint64_t retry_at, const char *why, void *user)
{
    struct rec *r = user;
    r->nconn++;
    r->state = st;
    r->retry_at = retry_at;
    r->notified_at = netloop_now_ms();
    dt_strlcpy(r->why, why ? why : "", sizeof r->why);
    int *counts[] = {&r->connecting, &r->live, &r->reconnecting, &r->offline};
    (*counts[st])++;
    if (st == CLIENT_RECONNECTING && retry_at && r->ndelays < MAX_REC)
        r->delays[r->ndelays++] = retry_at - r->notified_at;
    if (st == CLIENT_LIVE && r->free_when_live) {
        client_free(r->c);
        r->c = NULL;
    }
}

static void rec_event(const cJSON *ev, void *user)
{
    struct rec *r = user;
    if (r->nev >= MAX_REC)
        return;
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(ev, "seq");
    r->seq[r->nev] = cJSON_IsNumber(s) ? (long long)s->valuedouble : -1;
    const char *t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ev, "type"));
    dt_strlcpy(r->type[r->nev], t ? t : "", sizeof r->type[0]);
    r->nev++;
}

static void rec_pending(const cJSON *body, void *user)
{
    struct rec *r = user;
    if (cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(body, "calls")) &&
        cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(body, "offers")))
        r->npending++;
}

static const struct client_callbacks rec_cb = {
    .on_conn = rec_conn,
    .on_event = rec_event,
    .on_pending = rec_pending,
};

/* A REST answer. */
struct res {
    int done, status, has_body;
    char err[256];
    char name[64];
    struct client **free_me; /* client_free(*free_me) from inside the callback */
};

static void on_res(int status, const cJSON *body, const char *err, void *arg)
{
    struct res *r = arg;
    r->done++;
    r->status = status;
    r->has_body = body != NULL;
    dt_strlcpy(r->err, err ? err : "(null)", sizeof r->err);
    const char *n = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(body, "name"));
    dt_strlcpy(r->name, n ? n : "", sizeof r->name);
    if (r->free_me) {
        client_free(*r->free_me);
        *r->free_me = NULL;
    }
}

/* The events of type t seen so far. */
static int count_type(const struct rec *r, const char *t)
{
    int n = 0;
    for (int i = 0; i < r->nev; i++)
        n += strcmp(r->type[i], t) == 0;
    return n;
}

/* Runs the loop until an event of type t was seen, or ms ran out. */
static int wait_type(struct netloop *loop, const struct rec *r, const char *t, int ms)
{
    uint64_t end = netloop_now_ms() + (uint64_t)ms;
    int never = 0;
    while (!count_type(r, t) && netloop_now_ms() < end)
        net_run_until(loop, &never, 5);
    return count_type(r, t) > 0;
}

/* Runs the loop until the last message seen has this seq, or ms ran out. */
static int wait_seq(struct netloop *loop, const struct rec *r, long long seq, int ms)
{
    uint64_t end = netloop_now_ms() + (uint64_t)ms;
    int never = 0;
    while (!(r->nev && r->seq[r->nev - 1] == seq) && netloop_now_ms() < end)
        net_run_until(loop, &never, 5);
    return r->nev && r->seq[r->nev - 1] == seq;
}

/* ---- the daemon in process -------------------------------------------------------------- */

static struct {
    struct config cfg;
    struct store *st;
    struct netloop *loop;
    struct server *srv;
    struct push *push;
    struct api *api;
    char token[AGENTS_TOKEN_SIZE];
    char url[64];
    int port;
} dx;

static int daemon_start(int port, size_t queue_msgs)
{
    char conf[512], err[256] = "";
    snprintf(conf, sizeof conf,
             "[twilio]\naccount_sid = AC0123456789abcdef0123456789abcdef\n"
             "auth_token = client-t0ken\npublic_base_url = https://dialtone.example.com\n"
             "[server]\nport = %d\n[queue \"support\"]\n",
             port);
    config_init(&dx.cfg);
    if (config_load_string(&dx.cfg, "t.conf", conf, err, sizeof err) != DT_OK) {
        printf("  config: %s\n", err);
        return -1;
    }
    struct server_options so = {.cfg = &dx.cfg, .loop = dx.loop, .store = dx.st};
    dx.srv = server_new(&so, err, sizeof err);
    if (dx.srv)
        dx.push =
            push_new(dx.srv, &(struct push_options){.queue_msgs = queue_msgs}, err, sizeof err);
    if (dx.push)
        dx.api = api_new(dx.srv, err, sizeof err);
    if (!dx.api) {
        printf("  server/push: %s\n", err);
        return -1;
    }
    dx.port = server_port(dx.srv);
    snprintf(dx.url, sizeof dx.url, "http://127.0.0.1:%d", dx.port);
    return 0;
}

static void daemon_stop(void)
{
    api_free(dx.api);
    push_free(dx.push);
    int never = 0;
    net_run_until(dx.loop, &never, 20);
    server_free(dx.srv);
    config_done(&dx.cfg);
    dx.api = NULL;
    dx.push = NULL;
    dx.srv = NULL;
}

static int daemon_setup(size_t queue_msgs)
{
    char err[256] = "";
    memset(&dx, 0, sizeof dx);
    if (store_open(":memory:", &dx.st, err, sizeof err) != DT_OK ||
        !(dx.loop = netloop_new(NULL, err, sizeof err))) {
        printf("  setup: %s\n", err);
        return -1;
    }
    char hash[AGENTS_HASH_SIZE];
    agents_token_new(dx.token, NULL, 0);
    agents_token_hash(dx.token, strlen(dx.token), hash);
    store_agent_add(dx.st, "alice", DT_ROLE_AGENT, "+15551230001", hash, 1000, NULL, err,
                    sizeof err);
    const char *q[] = {"support"};
    store_agent_set_queues(dx.st, "alice", q, 1, err, sizeof err);
    return daemon_start(0, queue_msgs);
}

static void daemon_teardown(void)
{
    if (dx.srv)
        daemon_stop();
    int never = 0;
    net_run_until(dx.loop, &never, 20);
    netloop_free(dx.loop);
    store_close(dx.st);
}

static void emit(int n)
{
    for (int i = 0; i < n; i++)
        CHECK_INT(server_emit(dx.srv, "test.event", "{}", NULL), DT_OK);
}

static struct client *connect_rec(struct netloop *loop, const char *url, const char *token,
                                  struct rec *r)
{
    memset(r, 0, sizeof *r);
    char err[256] = "";
    r->c = client_new(loop, url, token, &rec_cb, r, err, sizeof err);
    if (!r->c)
        printf("  client_new: %s\n", err);
    return r->c;
}

/* ---- tests ------------------------------------------------------------------------------ */

TEST(bad_urls_and_tokens)
{
    struct netloop *loop = netloop_new(NULL, NULL, 0);
    static const char *const bad[] = {
        "https://127.0.0.1:8080",
        "ftp://x",
        "http://",
        "http://h:0",
        "http://h:70000",
        "http://h:",
        "http://h:80 x",
        "http://h:80?q",
        "http://us@h",
        "127.0.0.1:8080",
        "",
    };
    char err[256];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = 0;
        struct client *c = client_new(loop, bad[i], "dt_x", &rec_cb, NULL, err, sizeof err);
        CHECK(c == NULL);
        CHECK(err[0] != 0);
        client_free(c);
    }
    client_new(loop, "https://h:1", "dt_x", &rec_cb, NULL, err, sizeof err);
    CHECK(strstr(err, "TLS") != NULL);
    static const char *const tokens[] = {"", "dt_a b", "dt_a\nb", NULL};
    for (int i = 0; i < 4; i++)
        CHECK(client_new(loop, "http://127.0.0.1:1", tokens[i], &rec_cb, NULL, err, sizeof err) ==
              NULL);
    char big[CLIENT_MAX_TOKEN + 2];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = 0;
    CHECK(client_new(loop, "http://127.0.0.1:1", big, &rec_cb, NULL, err, sizeof err) == NULL);
    /* good ones, freed at once in CONNECTING: no callback has run */
    static const char *const good[] = {"http://127.0.0.1:8080", "http://localhost/",
                                       "HTTP://[::1]:9/dialtone/", "http://h.example:65535"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        struct rec r;
        CHECK(connect_rec(loop, good[i], "dt_x", &r) != NULL);
        CHECK_INT(client_state(r.c), CLIENT_CONNECTING);
        CHECK_INT(client_request(r.c, "get", "/x", NULL, on_res, NULL), DT_EINVAL);
        CHECK_INT(client_request(r.c, "GET", "x", NULL, on_res, NULL), DT_EINVAL);
        CHECK_INT(client_request(r.c, "GET", "/a b", NULL, on_res, NULL), DT_EINVAL);
        CHECK_INT(client_request(r.c, "GET", "/a\r\n", NULL, on_res, NULL), DT_EINVAL);
        CHECK_INT(client_request(r.c, "GET", "/a", NULL, NULL, NULL), DT_EINVAL);
        client_free(r.c);
        CHECK_INT(r.nconn, 0);
    }
    static const struct {
        const char *in, *base, *ws, *hp;
    } parts[] = {
        {"http://127.0.0.1:8080", "http://127.0.0.1:8080", "ws://127.0.0.1:8080/api/v1/events",
         "127.0.0.1:8080"},
        {"http://localhost/", "http://localhost", "ws://localhost/api/v1/events", "localhost"},
        {"HTTP://[::1]:9/dialtone//", "http://[::1]:9/dialtone",
         "ws://[::1]:9/dialtone/api/v1/events", "[::1]:9"},
    };
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        struct client_url u;
        CHECK_INT(client_url_parse(parts[i].in, &u, err, sizeof err), 0);
        CHECK_STR(u.base, parts[i].base);
        CHECK_STR(u.ws_url, parts[i].ws);
        CHECK_STR(u.hostport, parts[i].hp);
        client_url_done(&u);
        CHECK(u.base == NULL);
    }
    static const char *const bad_hosts[] = {"http://[::1",   "http://[]:80", "http://[::1]x",
                                            "http://a:b:80", "http://h/a b", "http://h/#x",
                                            "http://h\\x",   "http://:80"};
    char longhost[300] = "http://";
    memset(longhost + 7, 'a', 254);
    CHECK_INT(client_url_parse(longhost, &(struct client_url){0}, err, sizeof err), DT_EINVAL);
    for (size_t i = 0; i < sizeof bad_hosts / sizeof bad_hosts[0]; i++) {
        struct client_url u;
        CHECK_INT(client_url_parse(bad_hosts[i], &u, err, sizeof err), DT_EINVAL);
        CHECK(u.base == NULL);
    }
    CHECK_STR(client_conn_name(CLIENT_LIVE), "live");
    CHECK_STR(client_conn_name(CLIENT_RECONNECTING), "reconnecting");
    CHECK_STR(client_conn_name((enum client_conn)42), "?");
    netloop_free(loop);
}

TEST(live_events_rest_and_poll)
{
    CHECK_INT(daemon_setup(0), 0);
    struct rec r;
    CHECK(connect_rec(dx.loop, dx.url, dx.token, &r) != NULL);
    CHECK_INT(r.nconn, 0); /* nothing from inside client_new */
    CHECK(loop_until_ge(dx.loop, &r.nev, 1, WAIT_MS));
    CHECK_INT(r.connecting, 1);
    CHECK_INT(r.live, 1);
    CHECK_INT(client_state(r.c), CLIENT_LIVE);
    CHECK_INT(client_retry_at(r.c), 0);
    CHECK_STR(r.type[0], "snapshot");
    CHECK(loop_until_ge(dx.loop, &r.npending, 1, WAIT_MS)); /* the poll at connect */
    emit(3);
    CHECK(loop_until_ge(dx.loop, &r.nev, 4, WAIT_MS));
    for (int i = 1; i < 4; i++) {
        CHECK_INT(r.seq[i], i);
        CHECK_STR(r.type[i], "test.event");
    }
    CHECK_INT(client_last_seq(r.c), 3);

    struct res me = {0}, nf = {0}, conflict = {0}, state = {0};
    CHECK_INT(client_request(r.c, "GET", "/api/v1/me", NULL, on_res, &me), 0);
    CHECK_INT(client_request(r.c, "GET", "/api/v1/calls/CA0000", NULL, on_res, &nf), 0);
    cJSON *wrap = cJSON_CreateObject();
    cJSON_AddStringToObject(wrap, "disposition", "resolved");
    CHECK_INT(client_request(r.c, "POST", "/api/v1/me/wrapup", wrap, on_res, &conflict), 0);
    cJSON_Delete(wrap);
    CHECK_INT(me.done + nf.done + conflict.done, 0); /* never from inside client_request */
    CHECK(loop_until_ge(dx.loop, &me.done, 1, WAIT_MS));
    CHECK(loop_until_ge(dx.loop, &nf.done, 1, WAIT_MS));
    CHECK(loop_until_ge(dx.loop, &conflict.done, 1, WAIT_MS));
    CHECK_INT(me.status, 200);
    CHECK_STR(me.err, "(null)");
    CHECK_STR(me.name, "alice");
    CHECK_INT(nf.status, 404);
    CHECK_STR(nf.err, "no such call");
    CHECK_INT(conflict.status, 409);
    CHECK_STR(conflict.err, "there is no call to wrap up");
    CHECK(conflict.has_body);

    /* a state change answered over REST and pushed as an event after the others */
    cJSON *av = cJSON_CreateObject();
    cJSON_AddStringToObject(av, "state", "available");
    CHECK_INT(client_request(r.c, "POST", "/api/v1/me/state", av, on_res, &state), 0);
    cJSON_Delete(av);
    CHECK(loop_until_ge(dx.loop, &state.done, 1, WAIT_MS));
    CHECK_INT(state.status, 200);
    CHECK(wait_type(dx.loop, &r, "agent.state", WAIT_MS));
    CHECK_INT(count_type(&r, "agent.state"), 1);
    CHECK(r.seq[r.nev - 1] > 3);

    /* the poll goes on by itself */
    client_set_timings(r.c, 0, 0, 0, 100);
    client_retry_now(r.c); /* polls at once and re-arms with the new period */
    int p = r.npending;
    CHECK(loop_until_ge(dx.loop, &r.npending, p + 3, WAIT_MS));
    CHECK_INT(r.live, 1); /* never dropped */
    client_free(r.c);
    daemon_teardown();
}

TEST(bad_token_goes_offline)
{
    CHECK_INT(daemon_setup(0), 0);
    struct rec r;
    CHECK(connect_rec(dx.loop, dx.url, "dt_not-a-token", &r) != NULL);
    CHECK(loop_until_ge(dx.loop, &r.offline, 1, WAIT_MS));
    CHECK_INT(client_state(r.c), CLIENT_OFFLINE);
    CHECK(strstr(r.why, "401") != NULL);
    CHECK(r.retry_at >= r.notified_at + CLIENT_UNAUTH_RETRY_MS - 10);
    CHECK_INT(r.live, 0);
    CHECK_INT(r.nev, 0);
    struct res me = {0};
    CHECK_INT(client_request(r.c, "GET", "/api/v1/me", NULL, on_res, &me), 0);
    CHECK(loop_until_ge(dx.loop, &me.done, 1, WAIT_MS));
    CHECK_INT(me.status, 401);
    CHECK_STR(me.err, "a valid agent token is needed");
    CHECK_INT(r.offline, 1); /* already offline: not reported again */
    client_free(r.c);        /* freed while OFFLINE */

    /* a REST 401 while live also goes OFFLINE: the agent's token is changed under it */
    CHECK(connect_rec(dx.loop, dx.url, dx.token, &r) != NULL);
    CHECK(loop_until_ge(dx.loop, &r.live, 1, WAIT_MS));
    char hash[AGENTS_HASH_SIZE], tok[AGENTS_TOKEN_SIZE], err[256];
    agents_token_new(tok, NULL, 0);
    agents_token_hash(tok, strlen(tok), hash);
    CHECK_INT(store_agent_set_token(dx.st, "alice", hash, err, sizeof err), DT_OK);
    struct res again = {0};
    CHECK_INT(client_request(r.c, "GET", "/api/v1/me", NULL, on_res, &again), 0);
    CHECK(loop_until_ge(dx.loop, &r.offline, 1, WAIT_MS));
    CHECK(loop_until_ge(dx.loop, &again.done, 1, WAIT_MS));
    CHECK_INT(again.status, 401);
    CHECK_INT(client_state(r.c), CLIENT_OFFLINE);
    client_free(r.c);
    daemon_teardown();
}

TEST(daemon_restart_replays_missed_events)
{
    CHECK_INT(daemon_setup(0), 0);
    struct rec r;
    CHECK(connect_rec(dx.loop, dx.url, dx.token, &r) != NULL);
    CHECK(loop_until_ge(dx.loop, &r.nev, 1, WAIT_MS));
    emit(2);
    CHECK(loop_until_ge(dx.loop, &r.nev, 3, WAIT_MS));
    int port = dx.port;
    daemon_stop();
    CHECK(loop_until_ge(dx.loop, &r.reconnecting, 1, WAIT_MS));
    CHECK_INT(client_state(r.c), CLIENT_RECONNECTING);
    CHECK(strstr(r.why, "lost the connection") != NULL);
    /* two failed attempts: the backoff grows (80-120 % of 1 s, then of 2 s) */
    CHECK(loop_until_ge(dx.loop, &r.ndelays, 3, WAIT_MS));
    CHECK(strstr(r.why, "cannot reach") != NULL);
    CHECK(r.delays[0] >= 800 && r.delays[0] <= 1200);
    CHECK(r.delays[1] >= 1600 && r.delays[1] <= 2400);
    CHECK(r.delays[2] >= 3200 && r.delays[2] <= 4800);
    CHECK(r.retry_at > netloop_now_ms());
    CHECK_INT(client_retry_at(r.c), r.retry_at);
    /* back on the same port, with events the client has not seen */
    CHECK_INT(daemon_start(port, 0), 0);
    emit(3);
    client_retry_now(r.c); /* the `r` key: no need to wait for the backoff */
    CHECK(loop_until_ge(dx.loop, &r.live, 2, WAIT_MS));
    CHECK(loop_until_ge(dx.loop, &r.nev, 7, WAIT_MS));
    emit(1); /* live again */
    CHECK(loop_until_ge(dx.loop, &r.nev, 8, WAIT_MS));
    int never = 0;
    net_run_until(dx.loop, &never, 100);
    CHECK_INT(r.nev, 8);
    CHECK_STR(r.type[3], "snapshot");
    CHECK_INT(r.seq[3], 5);
    static const long long want[] = {2, 1, 2, 5, 3, 4, 5, 6};
    for (int i = 1; i < 8; i++)
        CHECK_INT(r.seq[i], want[i]);
    CHECK_INT(client_last_seq(r.c), 6);
    daemon_stop(); /* freed while RECONNECTING */
    CHECK(loop_until_ge(dx.loop, &r.reconnecting, 2, WAIT_MS));
    client_free(r.c);
    daemon_teardown();
}

TEST(daemon_resync_starts_afresh)
{
    CHECK_INT(daemon_setup(4), 0); /* a queue of 4 messages per client */
    struct rec r;
    CHECK(connect_rec(dx.loop, dx.url, dx.token, &r) != NULL);
    CHECK(loop_until_ge(dx.loop, &r.nev, 1, WAIT_MS));
    emit(40); /* more than the queue holds at once: the daemon says resync and closes */
    CHECK(loop_until_ge(dx.loop, &r.live, 2, WAIT_MS));
    CHECK(wait_seq(dx.loop, &r, 40, WAIT_MS));
    CHECK_INT(count_type(&r, "snapshot"), 2);
    CHECK_STR(r.type[r.nev - 1], "snapshot");
    CHECK_INT(client_last_seq(r.c), 40);
    CHECK(r.nev < 40); /* the events it could not take are not replayed: the snapshot has them */
    for (int i = 2; i < r.nev - 1; i++)
        CHECK(r.seq[i] > r.seq[i - 1]);
    emit(1);
    CHECK(wait_seq(dx.loop, &r, 41, WAIT_MS));
    CHECK_STR(r.type[r.nev - 1], "test.event");
    CHECK_INT(client_state(r.c), CLIENT_LIVE);
    client_free(r.c);
    daemon_teardown();
}

/* ---- against a scripted endpoint -------------------------------------------------------- */

static void fx_send(struct wsfx *fx, int i, const char *text)
{
    CHECK(fx->clients[i] != NULL);
    if (fx->clients[i])
        CHECK_INT(wsd_send(fx->clients[i], text, strlen(text)), DT_OK);
}

TEST(dedupe_after_seq_and_resync)
{
    struct wsfx fx;
    memset(&fx, 0, sizeof fx);
    fx.loop = netloop_new(NULL, NULL, 0);
    struct wsd_options o = wsfx_options(&fx);
    o.path = "/api/v1/events";
    o.subprotocol = NULL;
    CHECK_INT(wsfx_serve(&fx, &o, 0), 0);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", fx.port);
    struct rec r;
    CHECK(connect_rec(fx.loop, url, "good", &r) != NULL);
    client_set_timings(r.c, 100, 400, 0, 0);
    CHECK(run_until_ge(&fx, &fx.opens, 1, WAIT_MS));
    CHECK_STR(fx.auth, "Bearer good");
    CHECK(strstr(fx.query, "after_seq") == NULL);
    fx_send(&fx, 0, "{\"type\":\"snapshot\",\"seq\":10,\"data\":{}}");
    fx_send(&fx, 0, "{\"seq\":11,\"type\":\"a\"}");
    fx_send(&fx, 0, "{\"seq\":12,\"type\":\"b\"}");
    fx_send(&fx, 0, "{\"seq\":12,\"type\":\"b\"}"); /* a repeat */
    fx_send(&fx, 0, "{\"seq\":9,\"type\":\"old\"}");
    fx_send(&fx, 0, "not json");
    fx_send(&fx, 0, "[1,2]");
    fx_send(&fx, 0, "{\"seq\":13,\"type\":\"c\"}");
    CHECK(run_until_ge(&fx, &r.nev, 4, WAIT_MS));
    wsfx_spin(&fx, 50);
    CHECK_INT(r.nev, 4);
    CHECK_INT(r.seq[3], 13);
    CHECK_INT(count_type(&r, "old"), 0);
    CHECK_INT(client_last_seq(r.c), 13);

    /* the server closes: the client comes back asking for what it missed */
    wsd_close(fx.clients[0], 1001, "going away");
    CHECK(run_until_ge(&fx, &fx.opens, 2, WAIT_MS));
    CHECK_STR(fx.query, "after_seq=13");
    fx_send(&fx, 1, "{\"type\":\"snapshot\",\"seq\":15,\"data\":{}}");
    fx_send(&fx, 1, "{\"seq\":13,\"type\":\"c\"}");
    fx_send(&fx, 1, "{\"seq\":14,\"type\":\"d\"}");
    fx_send(&fx, 1, "{\"seq\":15,\"type\":\"e\"}");
    CHECK(run_until_ge(&fx, &r.nev, 7, WAIT_MS));
    CHECK_STR(r.type[4], "snapshot");
    CHECK_INT(r.seq[5], 14);
    CHECK_INT(r.seq[6], 15);
    CHECK_INT(r.live, 2);

    /* resync: reconnect at once without after_seq; a snapshot sets the seq */
    fx_send(&fx, 1, "{\"type\":\"resync\"}");
    CHECK(run_until_ge(&fx, &fx.opens, 3, WAIT_MS));
    CHECK(strstr(fx.query, "after_seq") == NULL);
    CHECK(strstr(r.why, "afresh") != NULL || r.live == 3);
    fx_send(&fx, 2, "{\"type\":\"snapshot\",\"seq\":40,\"data\":{}}");
    CHECK(run_until_ge(&fx, &r.nev, 8, WAIT_MS));
    CHECK_INT(client_last_seq(r.c), 40);
    CHECK_INT(count_type(&r, "resync"), 0);

    /* an event log behind the client (a new database): start afresh */
    wsd_close(fx.clients[2], 1001, "going away");
    CHECK(run_until_ge(&fx, &fx.opens, 4, WAIT_MS));
    CHECK_STR(fx.query, "after_seq=40");
    fx_send(&fx, 3, "{\"type\":\"snapshot\",\"seq\":2,\"data\":{}}");
    CHECK(run_until_ge(&fx, &fx.opens, 5, WAIT_MS));
    CHECK(strstr(fx.query, "after_seq") == NULL);
    fx_send(&fx, 4, "{\"type\":\"snapshot\",\"seq\":2,\"data\":{}}");
    fx_send(&fx, 4, "{\"seq\":3,\"type\":\"f\"}");
    CHECK(run_until_ge(&fx, &r.nev, 10, WAIT_MS));
    CHECK_INT(r.seq[9], 3);
    CHECK_INT(client_last_seq(r.c), 3);
    client_free(r.c); /* freed while LIVE */

    /* freed from inside its own callback */
    CHECK(connect_rec(fx.loop, url, "good", &r) != NULL);
    r.free_when_live = 1;
    CHECK(run_until_ge(&fx, &r.live, 1, WAIT_MS));
    CHECK(r.c == NULL);
    wsfx_spin(&fx, 50);
    CHECK_INT(r.nconn, 2);
    wsfx_done(&fx);
}

TEST(unreachable_and_requests_at_free)
{
    struct netloop *loop = netloop_new(NULL, NULL, 0);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", net_free_port());
    struct rec r;
    CHECK(connect_rec(loop, url, "dt_x", &r) != NULL);
    CHECK(loop_until_ge(loop, &r.reconnecting, 1, WAIT_MS));
    CHECK(strstr(r.why, "cannot reach the daemon at 127.0.0.1:") != NULL);
    CHECK(r.retry_at > r.notified_at);
    struct res a = {0}, b = {0};
    CHECK_INT(client_request(r.c, "GET", "/api/v1/me", NULL, on_res, &a), 0);
    CHECK(loop_until_ge(loop, &a.done, 1, WAIT_MS));
    CHECK_INT(a.status, 0);
    CHECK(strstr(a.err, "cannot reach the daemon at 127.0.0.1:") != NULL);
    CHECK(!a.has_body);
    /* a request still in flight ends at client_free */
    CHECK_INT(client_request(r.c, "DELETE", "/api/v1/x?y=1", NULL, on_res, &b), 0);
    client_free(r.c); /* freed while RECONNECTING */
    CHECK_INT(b.done, 1);
    CHECK_INT(b.status, 0);
    CHECK_STR(b.err, "the console is shutting down");

    /* freed from inside a request's callback */
    CHECK(connect_rec(loop, url, "dt_x", &r) != NULL);
    struct res c = {.free_me = &r.c};
    CHECK_INT(client_request(r.c, "GET", "/api/v1/me", NULL, on_res, &c), 0);
    CHECK(loop_until_ge(loop, &c.done, 1, WAIT_MS));
    CHECK(r.c == NULL);
    netloop_free(loop);
}

int main(void)
{
    RUN(bad_urls_and_tokens);
    RUN(live_events_rest_and_poll);
    RUN(bad_token_goes_offline);
    RUN(daemon_restart_replays_missed_events);
    RUN(daemon_resync_starts_afresh);
    RUN(dedupe_after_seq_and_resync);
    RUN(unreachable_and_requests_at_free);
    return check_done();
}
