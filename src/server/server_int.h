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
struct held_event;
struct hook_batch;
struct server_retention;
struct dt_buf;
struct store_event;
struct cJSON;

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
    const struct push *push; /* the websocket push, for /metrics (set by push_new), or NULL */
    /* Events emitted inside a store transaction, for the sink once it commits. */
    struct held_event *held;
    size_t nheld, capheld;
    /* Webhooks waiting for their group commit (server_hooks.c), or NULL. */
    struct hook_batch *batch;
    /* More /metrics lines, written after the server's own (the alerts), or NULL. */
    void (*metrics_extra)(void *user, struct dt_buf *b);
    void *metrics_user;
    /* The pruning of the old log rows (server_retention.c). */
    struct server_retention *retention;
};

/* Wall-clock time in ms since the epoch. */
int64_t server_now_ms(void);

/* GET /healthz, GET /metrics (server_http.c). */
void server_on_healthz(struct httpd_req *req, void *user);
void server_on_metrics(struct httpd_req *req, void *user);

/* POST /twilio/... (server_hooks.c). A webhook whose signature holds joins the current batch,
 * which is stored in one transaction once a loop round reads no more webhooks for it (it waits
 * at most a few rounds) or once it holds this many; its webhooks are answered, and its events
 * handed to the sink, only after that transaction commits. */
#define SERVER_HOOK_BATCH 64
void server_on_webhook(struct httpd_req *req, void *user);

/* After the store transaction that emitted them committed: hands the held events to the sink.
 * After it was rolled back: forgets them (their seqs were never stored). */
void server_events_release(struct server *s);
void server_events_drop(struct server *s);

/* The data of an event handed to the sink as a cJSON tree, for reading only: the tree it came
 * with (*own set to NULL), else parsed from its text into *own, which the caller deletes
 * (cJSON_Delete(NULL) does nothing). NULL when the text is not JSON. */
const struct cJSON *server_event_tree(const struct store_event *ev, struct cJSON **own);

/* The call sid of an event handed to the sink: the one the event carries when it is that
 * call (borrowed), else read from the store into *own (the caller then frees it with
 * store_call_done, which a zeroed *own also allows). NULL when neither, *rc the store's error
 * (DT_ENOTFOUND for a call it does not have) with err set. */
const struct store_call *server_event_call(struct server *s, const struct store_event *ev,
                                           const char *sid, struct store_call *own, int *rc,
                                           char *err, size_t errlen);

/* A cJSON tree as text, the same bytes as cJSON_PrintUnformatted gives, faster (server_json.c).
 * Returns the text (the caller's to free; its length in *len, which may be NULL), or NULL when
 * item is NULL, holds a value cJSON cannot print, or nests deeper than 1,000. */
char *server_json_print(const struct cJSON *item, size_t *len);

/* FNV-1a of a NUL-terminated sid: for the tables and filters keyed by call sid. */
static inline uint32_t server_sid_hash(const char *sid)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)sid; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h;
}

/* Cancels a queue sync in progress, without calling its callback (server_queues.c). */
void server_queues_cancel(struct server *s);

#endif
