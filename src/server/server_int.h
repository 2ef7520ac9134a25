/*
 * server_int: what the daemon's files (server.c, server_http.c, server_hooks.c,
 * server_queues.c) share: the struct behind struct server and the route handlers that the
 * route table in server.c lists.
 */
#ifndef DIALTONE_SERVER_INT_H
#define DIALTONE_SERVER_INT_H

#include <stdint.h>

#include "dialtone/server.h"

struct httpd_req;
struct queue_sync;

struct server {
    const struct config *cfg;
    struct netloop *loop;
    struct store *store;
    struct twilio *twilio;
    struct httpd *httpd;
    server_event_fn sink;
    void *sink_user;
    uint64_t started_ms; /* netloop_now_ms at start */
    struct server_counters counters;
    struct queue_sync *sync; /* a server_sync_queues in progress, or NULL */
};

/* Wall-clock time in ms since the epoch. */
int64_t server_now_ms(void);

/* GET /healthz, GET /metrics (server_http.c). */
void server_on_healthz(struct httpd_req *req, void *user);
void server_on_metrics(struct httpd_req *req, void *user);

/* POST /twilio/... (server_hooks.c). */
void server_on_webhook(struct httpd_req *req, void *user);

/* Cancels a queue sync in progress, without calling its callback (server_queues.c). */
void server_queues_cancel(struct server *s);

#endif
