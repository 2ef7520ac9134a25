/*
 * server: the daemon's context (see dialtone/server.h): its lifecycle, the route table of its
 * one HTTP listener, and the event function. A new endpoint is a new row in server_routes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "dialtone/config.h"
#include "dialtone/httpd.h"
#include "dialtone/log.h"
#include "dialtone/netloop.h"
#include "dialtone/store.h"
#include "dialtone/util.h"
#include "dialtone/webhooks.h"
#include "server/retention_int.h"
#include "server/server_int.h"

/* Headers read beyond the standard ones: lws keeps only those it is told about. */
static const char *const server_custom_headers[] = {"X-Twilio-Signature",
                                                    "I-Twilio-Idempotency-Token", NULL};

/* Every route of the listener; the handlers get the struct server. Webhook paths are exact,
 * so an unknown /twilio/ path is a 404 and a GET on a webhook a 405. */
static const struct httpd_route server_routes[] = {
    {.method = "GET", .path = "/healthz", .fn = server_on_healthz},
    {.method = "GET", .path = "/metrics", .fn = server_on_metrics},
    {.method = "POST", .path = "/twilio/voice", .fn = server_on_webhook},
    {.method = "POST", .path = "/twilio/ivr", .fn = server_on_webhook},
    {.method = "POST", .path = "/twilio/wait", .fn = server_on_webhook},
    {.method = "POST", .path = "/twilio/enqueue", .fn = server_on_webhook},
    {.method = "POST", .path = "/twilio/voicemail", .fn = server_on_webhook},
    {.method = "POST", .path = "/twilio/status", .fn = server_on_webhook},
    {.method = "POST", .path = "/twilio/conference", .fn = server_on_webhook},
    {.method = "POST", .path = "/twilio/recording", .fn = server_on_webhook},
    {.method = "POST", .path = "/twilio/amd", .fn = server_on_webhook},
    {.method = "POST", .path = "/twilio/join", .fn = server_on_webhook},
};

int64_t server_now_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* The daemon's local time is [hours]' zone. Business hours no longer depend on it: each queue's
 * are read in its own zone by the config module (config_open_at). */
static void set_zone(const char *tz)
{
    setenv("TZ", tz && tz[0] ? tz : "UTC", 1);
    tzset();
}

struct server *server_new(const struct server_options *o, char *err, size_t errlen)
{
    if (!o || !o->cfg || !o->loop || !o->store) {
        dt_seterr(err, errlen, DT_EINVAL, "the server needs a configuration, a loop and a store");
        return NULL;
    }
    const struct config *cfg = o->cfg;
    if (!cfg->twilio.auth_token[0]) {
        dt_seterr(err, errlen, DT_EINVAL,
                  "no auth token: Twilio signs its webhooks with the account's auth token, "
                  "so the daemon needs it (auth_token in [twilio] or TWILIO_AUTH_TOKEN) even "
                  "when it calls the API with an API key");
        return NULL;
    }
    struct httpd_options ho = {
        .iface = cfg->server.listen,
        .port = cfg->server.port,
        .ipv6 = strchr(cfg->server.listen, ':') != NULL,
        .max_body = cfg->server.max_body,
        .custom_headers = server_custom_headers,
        .protocols = o->protocols,
    };
    struct httpd *h = httpd_new(o->loop, &ho, err, errlen);
    if (!h)
        return NULL;
    struct server *s = xcalloc(1, sizeof *s);
    s->cfg = cfg;
    s->loop = o->loop;
    s->store = o->store;
    s->twilio = o->twilio;
    s->httpd = h;
    s->started_ms = netloop_now_ms();
    if (httpd_add_routes(h, server_routes, sizeof server_routes / sizeof server_routes[0], s) !=
        DT_OK) {
        dt_seterr(err, errlen, DT_EINVAL, "bad route table");
        server_free(s);
        return NULL;
    }
    set_zone(cfg->hours.timezone);
    s->retention = server_retention_new(s);
    return s;
}

void server_free(struct server *s)
{
    if (!s)
        return;
    server_retention_free(s->retention);
    server_events_drop(s);
    free(s->held);
    server_queues_cancel(s);
    httpd_free(s->httpd);
    free(s);
}

int server_port(const struct server *s)
{
    return httpd_port(s->httpd);
}

struct httpd *server_httpd(struct server *s)
{
    return s->httpd;
}

void server_get_counters(const struct server *s, struct server_counters *out)
{
    *out = s->counters;
}

void server_set_event_sink(struct server *s, server_event_fn fn, void *user)
{
    s->sink = fn;
    s->sink_user = user;
}

/* An event stored inside a transaction, waiting for its commit. */
struct held_event {
    int64_t seq, ts_ms;
    char *type, *data;
};

static void to_sink(struct server *s, int64_t seq, const char *type, int64_t ts, const char *data)
{
    struct store_event ev = {
        .seq = seq, .type = type, .ts_ms = ts, .data = data, .data_len = strlen(data)};
    s->sink(s->sink_user, &ev);
}

void server_events_release(struct server *s)
{
    for (size_t i = 0; i < s->nheld; i++) {
        struct held_event *h = &s->held[i];
        if (s->sink)
            to_sink(s, h->seq, h->type, h->ts_ms, h->data);
        free(h->type);
        free(h->data);
    }
    s->nheld = 0;
}

void server_events_drop(struct server *s)
{
    for (size_t i = 0; i < s->nheld; i++) {
        free(s->held[i].type);
        free(s->held[i].data);
    }
    s->nheld = 0;
}

int server_emit(struct server *s, const char *type, const char *data, int64_t *seq)
{
    char err[256];
    int64_t n = 0, now = server_now_ms();
    int rc = store_event_append(s->store, type, now, data, &n, err, sizeof err);
    if (rc != DT_OK) {
        s->counters.event_errors++;
        log_error("event %s lost: %s", type ? type : "(none)", err);
        return rc;
    }
    s->counters.events++;
    if (seq)
        *seq = n;
    if (store_tx_open(s->store)) {
        if (s->nheld == s->capheld) {
            s->capheld = s->capheld ? 2 * s->capheld : 8;
            s->held = xrealloc(s->held, s->capheld * sizeof *s->held);
        }
        s->held[s->nheld++] = (struct held_event){
            .seq = n, .ts_ms = now, .type = xstrdup(type), .data = xstrdup(data)};
    } else if (s->sink) {
        to_sink(s, n, type, now, data);
    }
    return DT_OK;
}
