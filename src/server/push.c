/*
 * push: the websocket /api/v1/events (see dialtone/push.h). Each client remembers the last
 * seq it was sent, so that the stored events it asked for (after_seq) and the live ones meet
 * without a gap or a repeat: everything here runs on the loop thread, the backlog is read and
 * queued in one go when the client opens, and a live event goes only to clients behind it. A
 * client that asks for events already pruned from the log is told to resync instead.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dialtone/httpd.h"
#include "dialtone/log.h"
#include "dialtone/push.h"
#include "dialtone/store.h"
#include "dialtone/util.h"
#include "dialtone/wsd.h"
#include "server/api_int.h"
#include "server/server_int.h"

#define RESYNC_MSG    "{\"type\":\"resync\"}"
#define BACKLOG_BATCH 1000

struct push_client {
    struct push *p;
    struct wsd_client *cl;
    struct push_client *next, **prev;
    struct store_agent agent;
    int64_t last_seq; /* the newest event this client was sent or asked to skip */
    int opened, dropped;
};

struct push {
    struct server *srv;
    struct wsd *ws;
    struct push_client *clients; /* accepted: opened or about to be */
};

static void client_unlink(struct push_client *pc)
{
    *pc->prev = pc->next;
    if (pc->next)
        pc->next->prev = pc->prev;
    store_agent_done(&pc->agent);
    free(pc);
}

/* Reads ?after_seq=N: 1 with *seq set, 0 when absent, -1 when malformed. */
static int parse_after(const char *q, int64_t *seq)
{
    for (const char *p = q; p && *p;) {
        const char *amp = strchr(p, '&');
        size_t n = amp ? (size_t)(amp - p) : strlen(p);
        if (n > 10 && strncmp(p, "after_seq=", 10) == 0) {
            char *end = NULL;
            long long v = strtoll(p + 10, &end, 10);
            if (end != p + n || v < 0 || p[10] == '-' || p[10] == '+')
                return -1;
            *seq = v;
            return 1;
        } else if (n == 10 && strncmp(p, "after_seq=", 10) == 0) {
            return -1;
        }
        p = amp ? amp + 1 : NULL;
    }
    return 0;
}

static int on_accept(struct wsd_client *cl, struct httpd_req *req, void *user)
{
    struct push *p = user;
    struct store_agent a;
    int rc = api_auth(p->srv->store, req, &a);
    if (rc != DT_OK) {
        if (rc == DT_EPERM)
            api_error(req, 401, "unauthorized", "a valid agent token is needed");
        else
            api_error(req, 503, "unavailable", "the database is not answering");
        return -1;
    }
    int64_t after = -1;
    if (parse_after(httpd_req_query(req), &after) < 0) {
        store_agent_done(&a);
        api_error(req, 400, "bad_request", "after_seq must be a whole number");
        return -1;
    }
    struct push_client *pc = xcalloc(1, sizeof *pc);
    pc->p = p;
    pc->cl = cl;
    pc->agent = a;
    pc->last_seq = after; /* -1: no backlog */
    pc->next = p->clients;
    pc->prev = &p->clients;
    if (p->clients)
        p->clients->prev = &pc->next;
    p->clients = pc;
    wsd_client_set_user(cl, pc);
    return 0;
}

static void event_text(struct dt_buf *b, const struct store_event *ev)
{
    char ts[32];
    api_iso_time(ev->ts_ms, ts);
    cJSON *type = cJSON_CreateString(ev->type ? ev->type : "");
    char *t = cJSON_PrintUnformatted(type);
    cJSON_Delete(type);
    dt_buf_printf(b, "{\"seq\":%lld,\"type\":%s,\"ts\":\"%s\",\"data\":", (long long)ev->seq,
                  t ? t : "\"\"", ts);
    free(t);
    dt_buf_append(b, ev->data, ev->data_len);
    dt_buf_putc(b, '}');
}

/* Queues one event for pc; 0 to go on, 1 once the client was dropped. */
static int send_event(struct push_client *pc, const struct store_event *ev)
{
    struct dt_buf b;
    dt_buf_init(&b);
    event_text(&b, ev);
    int rc = wsd_send(pc->cl, b.data, b.len);
    dt_buf_done(&b);
    pc->last_seq = ev->seq;
    if (rc == DT_ETOOBIG || rc == DT_ESTATE) {
        pc->dropped = 1;
        return 1;
    }
    return 0;
}

static int on_backlog(const struct store_event *ev, void *ctx)
{
    return send_event(ctx, ev);
}

static void send_snapshot(struct push_client *pc)
{
    struct server *s = pc->p->srv;
    char err[256];
    int64_t last = 0;
    store_event_last_seq(s->store, &last, err, sizeof err);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", "snapshot");
    cJSON_AddNumberToObject(o, "seq", (double)last);
    char ts[32];
    int64_t now = server_now_ms();
    api_iso_time(now, ts);
    cJSON_AddStringToObject(o, "ts", ts);
    cJSON *d = cJSON_AddObjectToObject(o, "data");
    cJSON_AddItemToObject(d, "agent", api_agent_json(s->store, &pc->agent));
    cJSON_AddItemToObject(d, "pending", api_pending_json(s->store, &pc->agent));
    cJSON_AddItemToObject(d, "queues", api_queues_json(s->store, s->cfg, now));
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (text && wsd_send(pc->cl, text, strlen(text)) != DT_OK)
        pc->dropped = 1;
    free(text);
    if (pc->last_seq < 0) /* no backlog asked: live events from here on */
        pc->last_seq = last;
}

static int on_first(const struct store_event *ev, void *ctx)
{
    *(int64_t *)ctx = ev->seq;
    return 1;
}

/* 1 when events after the seq pc asked for are gone from the log (pruned: see [retention]):
 * the first one kept after it is not the next one. A client sent them would miss some without
 * knowing, so it is told to resync, as a client that fell behind is. */
static int backlog_pruned(struct push_client *pc)
{
    int64_t first = -1;
    char err[256];
    int rc =
        store_events_after(pc->p->srv->store, pc->last_seq, 1, on_first, &first, err, sizeof err);
    return rc == 1 && first > pc->last_seq + 1;
}

static void on_open(struct wsd_client *cl, void *user)
{
    (void)user;
    struct push_client *pc = wsd_client_user(cl);
    pc->opened = 1;
    if (pc->last_seq >= 0 && backlog_pruned(pc)) {
        wsd_send(cl, RESYNC_MSG, strlen(RESYNC_MSG));
        wsd_close(cl, WSD_CLOSE_POLICY, "the events after after_seq were pruned");
        pc->dropped = 1;
        return;
    }
    send_snapshot(pc);
    char err[256];
    while (!pc->dropped) {
        int64_t before = pc->last_seq;
        int rc = store_events_after(pc->p->srv->store, before, BACKLOG_BATCH, on_backlog, pc, err,
                                    sizeof err);
        if (rc < 0) {
            log_error("push: reading the event log: %s", err);
            wsd_close(cl, 1011, "event log unavailable");
            pc->dropped = 1;
        }
        if (pc->last_seq == before)
            break;
    }
}

static void on_close(struct wsd_client *cl, int code, const char *reason, void *user)
{
    (void)code;
    (void)reason;
    (void)user;
    struct push_client *pc = wsd_client_user(cl);
    if (pc)
        client_unlink(pc);
}

static void on_event(void *user, const struct store_event *ev)
{
    struct push *p = user;
    struct wsd_msg *msg = NULL;
    for (struct push_client *pc = p->clients; pc; pc = pc->next) {
        if (!pc->opened || pc->dropped || ev->seq <= pc->last_seq)
            continue;
        if (!msg) {
            struct dt_buf b;
            dt_buf_init(&b);
            event_text(&b, ev);
            msg = wsd_msg_new(b.data, b.len);
            dt_buf_done(&b);
        }
        pc->last_seq = ev->seq;
        int rc = wsd_send_msg(pc->cl, msg);
        if (rc == DT_ETOOBIG || rc == DT_ESTATE)
            pc->dropped = 1;
    }
    wsd_msg_free(msg);
}

struct push *push_new(struct server *srv, const struct push_options *opt, char *err, size_t errlen)
{
    struct push *p = xcalloc(1, sizeof *p);
    p->srv = srv;
    struct wsd_options wo = {
        .path = PUSH_PATH,
        .overflow_message = RESYNC_MSG,
        .queue_msgs = opt ? opt->queue_msgs : 0,
        .ping_interval_ms = opt ? opt->ping_interval_ms : 0,
        .ping_timeout_ms = opt ? opt->ping_timeout_ms : 0,
        .accept = on_accept,
        .on_open = on_open,
        .on_close = on_close,
        .user = p,
    };
    p->ws = wsd_new(server_httpd(srv), &wo, err, errlen);
    if (!p->ws) {
        free(p);
        return NULL;
    }
    server_set_event_sink(srv, on_event, p);
    srv->push = p;
    return p;
}

void push_free(struct push *p)
{
    if (!p)
        return;
    server_set_event_sink(p->srv, NULL, NULL);
    p->srv->push = NULL;
    wsd_free(p->ws);
    while (p->clients)
        client_unlink(p->clients);
    free(p);
}

size_t push_client_count(const struct push *p)
{
    return p ? wsd_client_count(p->ws) : 0;
}
