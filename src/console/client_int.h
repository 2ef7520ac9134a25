/*
 * client_int: what client.c (life, state, the event websocket) and client_rest.c (REST
 * requests and the pending poll) share. Private to the client module.
 */
#ifndef DIALTONE_CONSOLE_CLIENT_INT_H
#define DIALTONE_CONSOLE_CLIENT_INT_H

#include <stdint.h>

#include "console/client.h"
#include "dialtone/rng.h"

struct httpc;
struct httpc_call;
struct netloop_timer;
struct wsc;

/* A REST request in flight (the poll's too). */
struct client_req {
    struct client *c;
    struct httpc_call *call;
    client_result_fn fn; /* NULL for the pending poll */
    void *arg;
    struct client_req *next, **prev;
};

struct client {
    struct netloop *loop;
    struct httpc *http;
    struct client_callbacks cb;
    void *user;
    struct client_url url;
    char *auth; /* "Bearer TOKEN" */

    struct wsc *ws;
    enum client_conn state;
    int connected_once; /* an attempt was made: later ones are reconnects */
    int have_seq;       /* last_seq is meaningful: reconnect with after_seq */
    int fresh_next;     /* reconnect without after_seq (resync) */
    int conn_after;     /* the current connection asked for after_seq */
    int64_t last_seq;
    uint64_t retry_at;  /* netloop_now_ms of the scheduled attempt, 0 if none */
    uint64_t afresh_at; /* when a resync (or a restarted event log) last made it start afresh */
    unsigned int backoff_ms, backoff_min_ms, backoff_max_ms, unauth_ms, poll_ms;
    struct netloop_timer *retry_timer, *poll_timer;
    struct dt_rng rng;

    struct client_req *reqs;
    size_t nreqs;
    struct client_req *poll_req; /* the pending poll in flight, if any */

    int depth;   /* entry points from the loop under way */
    int doomed;  /* client_free was called from a callback: free when depth is 0 */
    int freeing; /* client_free is under way: requests end with "shutting down" */
};

/* Entry points from the loop bracket their work with these; client_leave frees a client
 * doomed during the work and returns 1 then (touch nothing afterwards). */
void client_enter(struct client *c);
int client_leave(struct client *c);

/* The token was refused (a 401 anywhere): closes the websocket, OFFLINE, slow retries. */
void client_go_offline(struct client *c, const char *why);

/* client_rest.c: the poll timer's creation (armed for poll_ms; the first poll goes when the
 * websocket opens), the pending poll now (unless one is in flight or OFFLINE; the timer
 * re-armed), and ending every request at client_free (their fn run with "shutting down"). */
void client_poll_init(struct client *c);
void client_poll_now(struct client *c);
void client_rest_done(struct client *c);

#endif
