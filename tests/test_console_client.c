/*
 * Tests for the console's client against the real daemon in process (server, push and agent
 * API on an in-memory store, on a loopback port): the snapshot, live events in order, REST
 * answers and errors in words, the pending poll, a bad token going OFFLINE, the daemon stopped
 * and started again with the missed events replayed once each, and a resync when the client
 * falls behind. The client is freed in several states (ASan checks that nothing leaks).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "console/client.h"
#include "console_client_rec.h"
#include "dialtone/agents.h"
#include "dialtone/api.h"
#include "dialtone/config.h"
#include "dialtone/push.h"
#include "dialtone/server.h"
#include "dialtone/store.h"
#include "dialtone/store_agents.h"
#include "ws_fixture.h"

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

/* ---- tests ------------------------------------------------------------------------------ */

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

int main(void)
{
    RUN(live_events_rest_and_poll);
    RUN(bad_token_goes_offline);
    RUN(daemon_restart_replays_missed_events);
    RUN(daemon_resync_starts_afresh);
    return check_done();
}
