/*
 * api_server: an in-process daemon for the tests of its agent API: a configuration from text,
 * a store (in memory, or a file), an event loop, the server (no Twilio client) and its API, and
 * agents added with new tokens. Requests go through api_http.h.
 */
#ifndef DIALTONE_TEST_API_SERVER_H
#define DIALTONE_TEST_API_SERVER_H

#include <stdio.h>
#include <string.h>

#include "check.h"
#include "dialtone/agents.h"
#include "dialtone/api.h"
#include "dialtone/config.h"
#include "dialtone/netloop.h"
#include "dialtone/server.h"
#include "dialtone/store.h"
#include "dialtone/store_agents.h"

struct api_server {
    struct config cfg;
    struct store *st;
    struct netloop *loop;
    struct server *srv;
    struct api *api;
};

/*
 * Starts x (zeroed by the caller) from the configuration text conf on the database file db (in
 * memory when NULL), the server passing its events to sink (with user) when sink is not NULL.
 * 0, or -1 with the reason printed; either way api_server_stop(x) undoes what was done.
 */
static inline int api_server_start(struct api_server *x, const char *conf, const char *db,
                                   server_event_fn sink, void *user)
{
    char err[256] = "";
    config_init(&x->cfg);
    if (config_load_string(&x->cfg, "t.conf", conf, err, sizeof err) != DT_OK ||
        store_open(db ? db : ":memory:", &x->st, err, sizeof err) != DT_OK ||
        !(x->loop = netloop_new(NULL, err, sizeof err))) {
        printf("  setup: %s\n", err);
        return -1;
    }
    struct server_options so = {.cfg = &x->cfg, .loop = x->loop, .store = x->st};
    x->srv = server_new(&so, err, sizeof err);
    if (x->srv) {
        if (sink)
            server_set_event_sink(x->srv, sink, user);
        x->api = api_new(x->srv, err, sizeof err);
    }
    if (!x->api) {
        printf("  server/api: %s\n", err);
        return -1;
    }
    return 0;
}

static inline void api_server_stop(struct api_server *x)
{
    api_free(x->api);
    server_free(x->srv);
    netloop_free(x->loop);
    store_close(x->st);
    config_done(&x->cfg);
}

/* Adds agent name with role and endpoint (created at 1000 ms), in queue unless it is NULL,
 * with a new token into token (AGENTS_TOKEN_SIZE bytes); each step checked. */
static inline void api_server_agent(struct api_server *x, const char *name, enum store_role role,
                                    const char *endpoint, const char *queue, char *token)
{
    char hash[AGENTS_HASH_SIZE], err[256];
    agents_token_new(token, NULL, 0);
    agents_token_hash(token, strlen(token), hash);
    CHECK_INT(store_agent_add(x->st, name, role, endpoint, hash, 1000, NULL, err, sizeof err),
              DT_OK);
    if (queue)
        CHECK_INT(store_agent_set_queues(x->st, name, &queue, 1, err, sizeof err), DT_OK);
}

#endif
