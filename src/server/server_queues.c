/*
 * server_queues: making sure every configured queue exists at Twilio (server_sync_queues):
 * list Twilio's queues page by page, match them by FriendlyName, create the missing ones one
 * at a time, and store each queue's settings and QU sid. The sync runs on Twilio client
 * callbacks; when the server goes first, the sync is detached and frees itself on the
 * callback still to come (twilio_free runs every callback).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dialtone/config.h"
#include "dialtone/log.h"
#include "dialtone/store.h"
#include "dialtone/twilio.h"
#include "dialtone/util.h"
#include "server/server_int.h"

#define QUEUE_SID_SIZE 64
#define MAX_PAGES      100

struct queue_sync {
    struct server *s; /* NULL once detached */
    server_synced_fn fn;
    void *user;
    char (*sids)[QUEUE_SID_SIZE]; /* per configured queue; "" until known */
    size_t creating;              /* the queue being created */
    int pages;
};

static void on_page(const struct twilio_result *res, void *arg);
static void on_created(const struct twilio_result *res, void *arg);

/* Ends the sync: its callback, then it is freed. */
static void sync_done(struct queue_sync *q, int ok, const char *why)
{
    struct server *s = q->s;
    server_synced_fn fn = q->fn;
    void *user = q->user;
    if (s)
        s->sync = NULL;
    free(q->sids);
    free(q);
    if (!ok)
        log_error("Twilio queues: %s", why);
    if (s && fn)
        fn(user, ok, why);
}

static void twilio_failed(struct queue_sync *q, const char *what, const struct twilio_result *res)
{
    char text[600], why[700];
    twilio_error_text(&res->error, text, sizeof text);
    snprintf(why, sizeof why, "%s: %s", what, text);
    sync_done(q, 0, why);
}

/* Stores every queue with its settings and sid. */
static int store_all(struct queue_sync *q, char *why, size_t whylen)
{
    const struct config *cfg = q->s->cfg;
    for (size_t i = 0; i < cfg->n_queues; i++) {
        const struct config_queue *c = &cfg->queues[i];
        char name[DT_CONFIG_NAME_SIZE];
        dt_strlcpy(name, c->name, sizeof name);
        struct store_queue sq = {
            .name = name,
            .twilio_sid = q->sids[i],
            .routing = c->routing == DT_ROUTING_LONGEST_IDLE ? DT_STORE_ROUTING_LONGEST_IDLE
                                                             : DT_STORE_ROUTING_RINGALL,
            .max_wait_s = c->max_wait,
            .wrapup_s = c->wrapup,
            .reservation_timeout_s = c->reservation_timeout,
        };
        int rc = store_queue_upsert(q->s->store, &sq, server_now_ms(), why, whylen);
        if (rc != DT_OK)
            return rc;
    }
    return DT_OK;
}

/* Creates the first queue still without a sid, or ends the sync when none is left. */
static void create_next(struct queue_sync *q)
{
    const struct config *cfg = q->s->cfg;
    for (size_t i = 0; i < cfg->n_queues; i++) {
        if (q->sids[i][0])
            continue;
        q->creating = i;
        int rc = twilio_queue_create(q->s->twilio, cfg->queues[i].name, 0, on_created, q);
        if (rc != DT_OK) {
            sync_done(q, 0, "cannot ask Twilio to create a queue");
            return;
        }
        return;
    }
    char why[256];
    if (store_all(q, why, sizeof why) != DT_OK) {
        sync_done(q, 0, why);
        return;
    }
    log_info("Twilio queues: %zu ready", cfg->n_queues);
    sync_done(q, 1, "");
}

/* Records sid for the configured queue called name (exactly), if any and if new. */
static void learn(struct queue_sync *q, const char *name, const char *sid)
{
    const struct config *cfg = q->s->cfg;
    if (!name || !sid || strlen(sid) >= QUEUE_SID_SIZE || strncmp(sid, "QU", 2) != 0)
        return;
    for (size_t i = 0; i < cfg->n_queues; i++) {
        if (!q->sids[i][0] && strcmp(cfg->queues[i].name, name) == 0)
            dt_strlcpy(q->sids[i], sid, sizeof q->sids[i]);
    }
}

static const char *json_str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void on_page(const struct twilio_result *res, void *arg)
{
    struct queue_sync *q = arg;
    if (!q->s) {
        sync_done(q, 0, "the server stopped");
        return;
    }
    if (res->rc != DT_OK) {
        twilio_failed(q, "cannot list the queues", res);
        return;
    }
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(res->json, "queues");
    const cJSON *item;
    cJSON_ArrayForEach(item, list)
    {
        learn(q, json_str(item, "friendly_name"), json_str(item, "sid"));
    }
    const char *next = json_str(res->json, "next_page_uri");
    if (next && next[0] == '/' && ++q->pages < MAX_PAGES) {
        if (twilio_queues_list(q->s->twilio, next, on_page, q) == DT_OK)
            return;
        sync_done(q, 0, "bad next_page_uri in Twilio's queue list");
        return;
    }
    create_next(q);
}

static void on_created(const struct twilio_result *res, void *arg)
{
    struct queue_sync *q = arg;
    if (!q->s) {
        sync_done(q, 0, "the server stopped");
        return;
    }
    if (res->rc != DT_OK) {
        twilio_failed(q, "cannot create a queue", res);
        return;
    }
    const char *sid = json_str(res->json, "sid");
    if (!sid || strncmp(sid, "QU", 2) != 0 || strlen(sid) >= QUEUE_SID_SIZE) {
        sync_done(q, 0, "Twilio's answer to a queue creation has no queue sid");
        return;
    }
    log_info("Twilio queues: created %s as %s", q->s->cfg->queues[q->creating].name, sid);
    dt_strlcpy(q->sids[q->creating], sid, sizeof q->sids[q->creating]);
    create_next(q);
}

int server_sync_queues(struct server *s, server_synced_fn fn, void *user)
{
    if (!s->twilio || s->sync)
        return DT_ESTATE;
    struct queue_sync *q = xcalloc(1, sizeof *q);
    q->s = s;
    q->fn = fn;
    q->user = user;
    q->sids = xcalloc(s->cfg->n_queues ? s->cfg->n_queues : 1, sizeof *q->sids);
    s->sync = q;
    int rc = twilio_queues_list(s->twilio, NULL, on_page, q);
    if (rc != DT_OK) {
        s->sync = NULL;
        free(q->sids);
        free(q);
    }
    return rc;
}

void server_queues_cancel(struct server *s)
{
    if (s->sync) {
        s->sync->s = NULL;
        s->sync = NULL;
    }
}
