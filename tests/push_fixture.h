/*
 * push_fixture: what the tests of the websocket push against an in-process server share: the
 * server (no Twilio client) and its push on a configuration and store the test made, the agent
 * alice with her token as an Authorization header, wsc clients connected to /api/v1/events on
 * the server's loop, and the tear-down.
 */
#ifndef DIALTONE_PUSH_FIXTURE_H
#define DIALTONE_PUSH_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "check.h"
#include "dialtone/agents.h"
#include "dialtone/config.h"
#include "dialtone/push.h"
#include "dialtone/server.h"
#include "dialtone/store.h"
#include "dialtone/store_agents.h"
#include "ws_fixture.h"

struct push_fixture {
    struct config *cfg; /* the test's; loaded */
    struct store *st;   /* the test's; open */
    struct netloop *loop;
    struct server *srv;
    struct push *push;
    char token[AGENTS_TOKEN_SIZE]; /* alice's */
    char auth[128];
    struct wsc_header hdr; /* Authorization: Bearer alice's token */
};

/* Starts the server and its push (queue_msgs as push_options has it, 0 for the default) on
 * cfg and st, which stay the test's, and adds alice (an agent of the queue support) with a
 * token. 0, or -1 with the reason printed. */
static inline int push_fixture_start(struct push_fixture *x, struct config *cfg, struct store *st,
                                     size_t queue_msgs)
{
    char err[256] = "";
    memset(x, 0, sizeof *x);
    x->cfg = cfg;
    x->st = st;
    if (!(x->loop = netloop_new(NULL, err, sizeof err))) {
        printf("  loop: %s\n", err);
        return -1;
    }
    struct server_options so = {.cfg = cfg, .loop = x->loop, .store = st};
    x->srv = server_new(&so, err, sizeof err);
    struct push_options po = {.queue_msgs = queue_msgs};
    if (x->srv)
        x->push = push_new(x->srv, &po, err, sizeof err);
    if (!x->push) {
        printf("  server/push: %s\n", err);
        return -1;
    }
    char hash[AGENTS_HASH_SIZE];
    agents_token_new(x->token, NULL, 0);
    agents_token_hash(x->token, strlen(x->token), hash);
    const char *q[] = {"support"};
    if (store_agent_add(st, "alice", DT_ROLE_AGENT, "+15551230001", hash, 1000, NULL, err,
                        sizeof err) != DT_OK ||
        store_agent_set_queues(st, "alice", q, 1, err, sizeof err) != DT_OK) {
        printf("  alice: %s\n", err);
        return -1;
    }
    snprintf(x->auth, sizeof x->auth, "Bearer %s", x->token);
    x->hdr = (struct wsc_header){.name = "Authorization", .value = x->auth};
    return 0;
}

/* Stops the push (letting its clients' closes go out) and the server; the store and
 * configuration stay the test's to close. */
static inline void push_fixture_stop(struct push_fixture *x)
{
    push_free(x->push);
    if (x->loop) {
        int never = 0;
        net_run_until(x->loop, &never, 20);
    }
    server_free(x->srv);
    netloop_free(x->loop);
    x->push = NULL;
    x->srv = NULL;
    x->loop = NULL;
}

/* Connects r to the push endpoint with auth (or none) and query (or none) appended to its path;
 * 0, or -1 with the reason printed. */
static inline int push_fixture_connect(struct push_fixture *x, struct cli *r,
                                       const struct wsc_header *auth, const char *query)
{
    memset(r, 0, sizeof *r);
    char url[256], err[256] = "";
    snprintf(url, sizeof url, "ws://127.0.0.1:%d%s%s", server_port(x->srv), PUSH_PATH,
             query ? query : "");
    struct wsc_options o = cli_options(r, auth);
    o.subprotocol = NULL;
    o.url = url;
    r->c = wsc_new(x->loop, &o, err, sizeof err);
    if (!r->c)
        printf("  wsc_new: %s\n", err);
    return r->c ? 0 : -1;
}

#endif
