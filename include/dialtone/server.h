/*
 * server: the running daemon of `dialtone serve`. It owns the HTTP listener (one httpd whose
 * routes are one table: /healthz, /metrics, the /twilio/ webhooks), the in-memory counters
 * of /metrics, and the event function every change goes through: server_emit appends the
 * event to the store's log, which gives it the daemon-wide seq, then hands it to the event
 * sink (the websocket push, once there is one). It borrows the configuration, the loop, the
 * store and the Twilio REST client.
 *
 * Threads: loop thread only.
 */
#ifndef DIALTONE_SERVER_H
#define DIALTONE_SERVER_H

#include <stddef.h>
#include <stdint.h>

struct config;
struct netloop;
struct store;
struct store_event;
struct twilio;
struct httpd;
struct lws_protocols;
struct server;

struct server_options {
    const struct config *cfg; /* validated; needs an auth token to check signatures */
    struct netloop *loop;
    struct store *store;
    struct twilio *twilio; /* NULL: the daemon makes no REST call (server_sync_queues fails) */
    /* More lws protocols on the listener (the websocket push), as httpd_options.protocols;
     * NULL for none. */
    const struct lws_protocols *protocols;
};

/*
 * Starts serving on cfg's [server] listen and port. Sets the process's time zone (TZ) to
 * [hours] timezone, the zone business hours are read in. Returns NULL with err filled: no
 * auth token (webhook signatures cannot be checked without it), an address or port that
 * cannot be listened on.
 */
struct server *server_new(const struct server_options *o, char *err, size_t errlen);

/* Stops listening and frees the server. Free it before the store, the Twilio client and the
 * loop. NULL is ignored. */
void server_free(struct server *s);

/* The port listened on (the one picked when port 0 was asked for). */
int server_port(const struct server *s);

/* The HTTP server, for modules that add their own routes (httpd_add_routes). Borrowed. */
struct httpd *server_httpd(struct server *s);

/* ---- events ---------------------------------------------------------------------------------- */

/* Receives every event once it is stored (ev and its strings valid during the call only). */
typedef void (*server_event_fn)(void *user, const struct store_event *ev);

/* Sets the event sink (fn NULL: none). */
void server_set_event_sink(struct server *s, server_event_fn fn, void *user);

/*
 * Emits one event: type ("call.updated"), data one JSON value as text. Appends it to the
 * store's event log with the current time, which gives it the next seq (into *seq, may be
 * NULL), then calls the sink; inside a store transaction (a webhook is logged, applied and
 * its events appended in one) the sink gets it once the transaction committed, and never if
 * it was rolled back. Returns 0, or the store's error (the event is then lost and counted;
 * the sink is not called).
 */
int server_emit(struct server *s, const char *type, const char *data, int64_t *seq);

/* ---- Twilio's queues ------------------------------------------------------------------------- */

/* Called once server_sync_queues is done: ok 1 when every configured queue has its Twilio
 * sid (stored in the queues table), else 0 with why. */
typedef void (*server_synced_fn)(void *user, int ok, const char *why);

/*
 * Makes sure every configured queue exists at Twilio: lists Twilio's queues (every page),
 * looks each configured queue up by FriendlyName, creates the missing ones, and stores each
 * queue's settings and QU sid (store_queue_upsert). fn (may be NULL) runs on the loop thread
 * when done. Returns 0, DT_ESTATE when there is no Twilio client or a sync is running.
 */
int server_sync_queues(struct server *s, server_synced_fn fn, void *user);

/* ---- counters -------------------------------------------------------------------------------- */

struct server_counters {
    uint64_t webhooks_accepted; /* answered 2xx */
    uint64_t webhooks_rejected; /* bad signature: 403 */
    uint64_t webhooks_invalid;  /* other 4xx: malformed, over the cap, wrong content type */
    uint64_t webhooks_failed;   /* 500: the store failed */
    uint64_t events;            /* emitted */
    uint64_t event_errors;      /* could not be stored */
    uint64_t webhook_commits;   /* transactions that stored webhooks: a batch of them in one */
};

void server_get_counters(const struct server *s, struct server_counters *out);

#endif
