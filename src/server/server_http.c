/*
 * server_http: the daemon's own endpoints: GET /healthz (is the database answering) and
 * GET /metrics (Prometheus text format, version 0.0.4). Each group of figures is one writer
 * in metric_writers: a new figure is a new function and a new row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dialtone/callstate.h"
#include "dialtone/config.h"
#include "dialtone/httpd.h"
#include "dialtone/netloop.h"
#include "dialtone/push.h"
#include "dialtone/store.h"
#include "dialtone/store_totals.h"
#include "dialtone/twilio.h"
#include "dialtone/util.h"
#include "dialtone/version.h"
#include "server/retention_int.h"
#include "server/server_int.h"

#define PROM_CTYPE "text/plain; version=0.0.4; charset=utf-8"

static double uptime_s(const struct server *s)
{
    return (double)(netloop_now_ms() - s->started_ms) / 1000.0;
}

void server_on_healthz(struct httpd_req *req, void *user)
{
    struct server *s = user;
    char err[256];
    int64_t seq = 0;
    int rc = store_event_last_seq(s->store, &seq, err, sizeof err);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "status", rc == DT_OK ? "ok" : "error");
    cJSON_AddStringToObject(o, "db", rc == DT_OK ? "ok" : "error");
    cJSON_AddNumberToObject(o, "uptime_s", (double)(int64_t)uptime_s(s));
    cJSON_AddNumberToObject(o, "event_seq", (double)seq);
    cJSON_AddStringToObject(o, "version", DIALTONE_VERSION);
    char *body = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    httpd_respond_str(req, rc == DT_OK ? 200 : 503, "application/json", body ? body : "{}");
    free(body);
}

/* ---- /metrics -------------------------------------------------------------------------------- */

static void head(struct dt_buf *b, const char *name, const char *type, const char *help)
{
    dt_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void put_process(struct server *s, struct dt_buf *b)
{
    head(b, "dialtone_uptime_seconds", "gauge", "Seconds since the daemon started.");
    dt_buf_printf(b, "dialtone_uptime_seconds %.3f\n", uptime_s(s));
}

/* Customers' calls by status, and the legs added to them apart, by kind and status: a call
 * whose agent's leg failed counts once in dialtone_calls, its leg once in dialtone_legs. */
static void put_calls(struct server *s, struct dt_buf *b)
{
    struct store_totals t;
    char err[256];
    if (store_totals_read(s->store, &t, err, sizeof err) != DT_OK)
        return;
    head(b, "dialtone_calls", "gauge",
         "Customers' calls in the database by status (their legs apart: dialtone_legs).");
    for (int i = 0; i < DT_CALL_STATUS_COUNT; i++)
        dt_buf_printf(b, "dialtone_calls{status=\"%s\"} %lld\n",
                      callstate_name((enum callstate_status)i), (long long)t.calls[i]);
    dt_buf_printf(b, "dialtone_calls{status=\"none\"} %lld\n", (long long)t.calls_none);
    head(b, "dialtone_legs", "gauge",
         "Legs of calls in the database (agent, supervisor, party) by status.");
    for (int k = 0; k < STORE_LEG_KINDS; k++) {
        const char *kind = store_leg_kind_name((enum store_leg_kind)k);
        for (int i = 0; i < DT_CALL_STATUS_COUNT; i++)
            dt_buf_printf(b, "dialtone_legs{kind=\"%s\",status=\"%s\"} %lld\n", kind,
                          callstate_name((enum callstate_status)i), (long long)t.legs[k][i]);
        dt_buf_printf(b, "dialtone_legs{kind=\"%s\",status=\"none\"} %lld\n", kind,
                      (long long)t.legs_none[k]);
    }
}

static void put_webhooks(struct server *s, struct dt_buf *b)
{
    const struct server_counters *c = &s->counters;
    head(b, "dialtone_webhooks_total", "counter",
         "Twilio webhooks by result: accepted, rejected (bad signature), invalid, failed.");
    dt_buf_printf(b, "dialtone_webhooks_total{result=\"accepted\"} %llu\n",
                  (unsigned long long)c->webhooks_accepted);
    dt_buf_printf(b, "dialtone_webhooks_total{result=\"rejected\"} %llu\n",
                  (unsigned long long)c->webhooks_rejected);
    dt_buf_printf(b, "dialtone_webhooks_total{result=\"invalid\"} %llu\n",
                  (unsigned long long)c->webhooks_invalid);
    dt_buf_printf(b, "dialtone_webhooks_total{result=\"failed\"} %llu\n",
                  (unsigned long long)c->webhooks_failed);
    head(b, "dialtone_webhook_commits_total", "counter",
         "Transactions that stored webhooks; those that arrive together share one.");
    dt_buf_printf(b, "dialtone_webhook_commits_total %llu\n",
                  (unsigned long long)c->webhook_commits);
    head(b, "dialtone_events_total", "counter", "Events emitted, and events that were lost.");
    dt_buf_printf(b, "dialtone_events_total{result=\"stored\"} %llu\n",
                  (unsigned long long)c->events);
    dt_buf_printf(b, "dialtone_events_total{result=\"lost\"} %llu\n",
                  (unsigned long long)c->event_errors);
}

struct waits {
    const struct config *cfg;
    int64_t waiting[DT_CONFIG_MAX_QUEUES];
    int64_t oldest[DT_CONFIG_MAX_QUEUES];
};

static int on_wait(const struct store_queue_wait *w, void *ctx)
{
    struct waits *ws = ctx;
    for (size_t i = 0; i < ws->cfg->n_queues && i < DT_CONFIG_MAX_QUEUES; i++) {
        if (strcmp(ws->cfg->queues[i].name, w->queue) == 0) {
            ws->waiting[i] = w->waiting;
            ws->oldest[i] = w->oldest_ms;
        }
    }
    return 0;
}

static void put_queues(struct server *s, struct dt_buf *b)
{
    struct waits ws = {.cfg = s->cfg};
    char err[256];
    if (store_queue_waiting(s->store, on_wait, &ws, err, sizeof err) != DT_OK)
        return;
    int64_t now = server_now_ms();
    head(b, "dialtone_queue_waiting", "gauge", "Callers waiting in each queue.");
    for (size_t i = 0; i < s->cfg->n_queues && i < DT_CONFIG_MAX_QUEUES; i++)
        dt_buf_printf(b, "dialtone_queue_waiting{queue=\"%s\"} %lld\n", s->cfg->queues[i].name,
                      (long long)ws.waiting[i]);
    head(b, "dialtone_queue_longest_wait_seconds", "gauge",
         "How long the longest waiting caller of each queue has been waiting.");
    for (size_t i = 0; i < s->cfg->n_queues && i < DT_CONFIG_MAX_QUEUES; i++) {
        int64_t w = ws.waiting[i] && now > ws.oldest[i] ? (now - ws.oldest[i]) / 1000 : 0;
        dt_buf_printf(b, "dialtone_queue_longest_wait_seconds{queue=\"%s\"} %lld\n",
                      s->cfg->queues[i].name, (long long)w);
    }
}

static void put_twilio(struct server *s, struct dt_buf *b)
{
    struct twilio_stats st = {0};
    if (s->twilio)
        twilio_get_stats(s->twilio, &st);
    head(b, "dialtone_twilio_requests_total", "counter",
         "Twilio REST operations by result (after retries).");
    dt_buf_printf(b, "dialtone_twilio_requests_total{result=\"ok\"} %llu\n",
                  (unsigned long long)st.ok);
    dt_buf_printf(b, "dialtone_twilio_requests_total{result=\"client_error\"} %llu\n",
                  (unsigned long long)st.client_errors);
    dt_buf_printf(b, "dialtone_twilio_requests_total{result=\"server_error\"} %llu\n",
                  (unsigned long long)st.server_errors);
    dt_buf_printf(b, "dialtone_twilio_requests_total{result=\"network_error\"} %llu\n",
                  (unsigned long long)st.network_errors);
    head(b, "dialtone_twilio_retries_total", "counter", "Twilio REST attempts after the first.");
    dt_buf_printf(b, "dialtone_twilio_retries_total %llu\n", (unsigned long long)st.retries);
    head(b, "dialtone_twilio_pending", "gauge", "Twilio REST operations in flight.");
    dt_buf_printf(b, "dialtone_twilio_pending %zu\n", s->twilio ? twilio_pending(s->twilio) : 0);
}

static void put_push(struct server *s, struct dt_buf *b)
{
    head(b, "dialtone_push_clients", "gauge", "Websocket clients of /api/v1/events.");
    dt_buf_printf(b, "dialtone_push_clients %zu\n", push_client_count(s->push));
}

static void put_agents(struct server *s, struct dt_buf *b)
{
    static const char *const states[] = {"offline", "available", "busy", "wrap-up", "break"};
    size_t n[sizeof states / sizeof states[0]] = {0};
    struct store_agent_list l;
    char err[256];
    if (store_agent_list(s->store, &l, err, sizeof err) != DT_OK)
        return;
    for (size_t i = 0; i < l.count; i++)
        for (size_t k = 0; k < sizeof states / sizeof states[0]; k++)
            if (l.items[i].state && strcmp(l.items[i].state, states[k]) == 0)
                n[k]++;
    store_agent_list_done(&l);
    head(b, "dialtone_agents", "gauge", "Agents by state.");
    for (size_t k = 0; k < sizeof states / sizeof states[0]; k++)
        dt_buf_printf(b, "dialtone_agents{state=\"%s\"} %zu\n", states[k], n[k]);
}

static void (*const metric_writers[])(struct server *s, struct dt_buf *b) = {
    put_process, put_calls, put_webhooks, put_queues,
    put_twilio,  put_push,  put_agents,   server_retention_metrics,
};

void server_on_metrics(struct httpd_req *req, void *user)
{
    struct server *s = user;
    struct dt_buf b;
    dt_buf_init(&b);
    for (size_t i = 0; i < sizeof metric_writers / sizeof metric_writers[0]; i++)
        metric_writers[i](s, &b);
    if (s->metrics_extra)
        s->metrics_extra(s->metrics_user, &b);
    httpd_respond(req, 200, PROM_CTYPE, b.data, b.len);
    dt_buf_done(&b);
}
