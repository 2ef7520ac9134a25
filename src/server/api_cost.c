/*
 * api_cost: prices fetched for ended calls, and the monthly budget. See server/api_cost_int.h.
 * Twilio fills a call's price some time after it ends and its status callbacks do not carry
 * it, so each call.ended (legs included: each is billed) starts a fetch of the Call resource.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dialtone/config.h"
#include "dialtone/kpi.h"
#include "dialtone/log.h"
#include "dialtone/netloop.h"
#include "dialtone/store.h"
#include "dialtone/store_report_cost.h"
#include "dialtone/store_report_live.h"
#include "dialtone/twilio.h"
#include "dialtone/util.h"
#include "dialtone/valid.h"
#include "server/api_alerts_int.h"
#include "server/api_cost_int.h"
#include "server/api_int.h"
#include "server/server_int.h"

#define FETCH_TRIES  6    /* the delay doubles after each try without a price */
#define FETCHES_MAX  4096 /* calls waiting for their price at once; more are not priced */
#define RETRY_MIN_MS 200  /* the shortest delay between two tries */
#define RETRY_MAX_MS 3600000
#define SID_SIZE     72
#define BUCKETS      8192 /* a power of two, twice FETCHES_MAX: chains of about one */

struct api_cost;

/* One call waiting for its price. */
struct fetch {
    struct api_cost *c; /* NULL once api_cost_done ran while the request was in flight */
    char sid[SID_SIZE];
    int tries;
    int64_t delay_ms;
    struct netloop_timer *timer;
    struct fetch *next, *prev; /* all of them, for api_cost_done */
    struct fetch *chain;       /* the next in its bucket */
};

struct api_cost {
    struct api *api;
    server_event_fn prev_sink;
    void *prev_user;
    struct fetch *fetches;
    struct fetch **buckets; /* BUCKETS chains, by the hash of sid */
    size_t n_fetches;
    size_t unpriced; /* calls not priced since the fetches reached FETCHES_MAX */
    int64_t month_start_ms, month_micros;
    int fresh; /* month_micros is up to date for month_start_ms */
};

static size_t bucket_of(const char *sid)
{
    return server_sid_hash(sid) & (BUCKETS - 1);
}

static struct fetch *find_fetch(const struct api_cost *c, const char *sid)
{
    for (struct fetch *f = c->buckets[bucket_of(sid)]; f; f = f->chain)
        if (strcmp(f->sid, sid) == 0)
            return f;
    return NULL;
}

static void link_fetch(struct api_cost *c, struct fetch *f)
{
    struct fetch **b = &c->buckets[bucket_of(f->sid)];
    f->chain = *b;
    *b = f;
    f->prev = NULL;
    f->next = c->fetches;
    if (c->fetches)
        c->fetches->prev = f;
    c->fetches = f;
    c->n_fetches++;
}

static void unlink_fetch(struct api_cost *c, struct fetch *f)
{
    for (struct fetch **p = &c->buckets[bucket_of(f->sid)]; *p; p = &(*p)->chain) {
        if (*p == f) {
            *p = f->chain;
            break;
        }
    }
    if (f->prev)
        f->prev->next = f->next;
    else
        c->fetches = f->next;
    if (f->next)
        f->next->prev = f->prev;
    c->n_fetches--;
    if (c->unpriced && c->n_fetches < FETCHES_MAX) {
        log_warn("cost: %zu calls that ended while %d waited for their price were not priced",
                 c->unpriced, FETCHES_MAX);
        c->unpriced = 0;
    }
}

static void fetch_free(struct fetch *f)
{
    if (f->c)
        unlink_fetch(f->c, f);
    netloop_timer_free(f->timer);
    free(f);
}

/* Stores what the Call resource says of its price; 1 when it had one. */
static int store_price(struct api_cost *c, const char *sid, const struct twilio_result *res)
{
    const cJSON *price = cJSON_GetObjectItemCaseSensitive(res->json, "price");
    const char *p = cJSON_GetStringValue(price), *unit, *dur;
    if (!p && cJSON_IsNumber(price))
        return 0; /* not Twilio's form */
    if (!p || !*p)
        return 0;
    int64_t micros;
    if (kpi_price_parse(p, &micros) != DT_OK || strlen(res->body) != res->body_len) {
        log_warn("cost: %s: an unreadable price", sid);
        return 1;
    }
    unit = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(res->json, "price_unit"));
    dur = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(res->json, "duration"));
    struct store_call_update u;
    store_call_update_init(&u);
    u.sid = sid;
    u.type = "price";
    u.ts_ms = server_now_ms();
    u.payload = res->body;
    u.payload_len = res->body_len;
    u.price = p;
    u.price_unit = unit && strlen(unit) < 8 ? unit : NULL;
    if (dur && *dur && strlen(dur) < 10 && strspn(dur, "0123456789") == strlen(dur))
        u.duration_s = atoll(dur);
    char err[256];
    if (store_call_apply(c->api->srv->store, &u, NULL, err, sizeof err) != DT_OK)
        log_warn("cost: storing the price of %s: %s", sid, err);
    else
        log_debug("cost: %s cost %s %s", sid, p, u.price_unit ? u.price_unit : "");
    api_alerts_price(c->api, micros); /* the call was fed to the alerts before its price */
    c->fresh = 0;
    return 1;
}

static void on_fetched(const struct twilio_result *res, void *arg)
{
    struct fetch *f = arg;
    struct api_cost *c = f->c;
    if (!c || res->rc == DT_ESTATE) {
        fetch_free(f);
        return;
    }
    if (res->rc == DT_OK && store_price(c, f->sid, res)) {
        fetch_free(f);
        return;
    }
    if (res->rc == DT_ENOTFOUND || res->rc == DT_EPERM || ++f->tries >= FETCH_TRIES) {
        log_info("cost: no price for %s after %d tries", f->sid, f->tries + (res->rc != DT_OK));
        fetch_free(f);
        return;
    }
    f->delay_ms = f->delay_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : f->delay_ms * 2;
    netloop_timer_start(f->timer, (uint64_t)f->delay_ms);
}

static void on_timer(struct netloop_timer *t, void *user)
{
    (void)t;
    struct fetch *f = user;
    char path[SID_SIZE + 16];
    snprintf(path, sizeof path, "Calls/%s.json", f->sid);
    struct twilio *tw = f->c->api->srv->twilio;
    if (!tw || twilio_request(tw, "GET", path, NULL, on_fetched, f) != DT_OK) {
        log_warn("cost: cannot ask Twilio for the price of %s", f->sid);
        fetch_free(f);
    }
}

static void start_fetch(struct api_cost *c, const char *sid)
{
    if (!sid || strlen(sid) >= SID_SIZE || !valid_sid(sid, "CA"))
        return;
    if (find_fetch(c, sid))
        return;
    if (c->n_fetches >= FETCHES_MAX) {
        /* said once when it starts and once with the count when it ends, not for every call:
         * a line costs more than a webhook */
        if (c->unpriced++ == 0)
            log_warn("cost: %zu calls wait for their price; %s and those that end until one is "
                     "priced will not be",
                     c->n_fetches, sid);
        return;
    }
    struct fetch *f = xcalloc(1, sizeof *f);
    f->c = c;
    dt_strlcpy(f->sid, sid, sizeof f->sid);
    int64_t delay = c->api->srv->cfg->alerts.price_delay_ms;
    f->delay_ms = delay < RETRY_MIN_MS ? RETRY_MIN_MS : delay;
    f->timer = netloop_timer_new(c->api->srv->loop, on_timer, f);
    link_fetch(c, f);
    netloop_timer_start(f->timer, (uint64_t)(delay > 0 ? delay : 0));
}

static void on_event(void *user, const struct store_event *ev)
{
    struct api_cost *c = user;
    if (c->prev_sink)
        c->prev_sink(c->prev_user, ev);
    if (!c->api->srv->twilio || strcmp(ev->type, "call.ended") != 0)
        return;
    cJSON *own;
    const cJSON *root = server_event_tree(ev, &own);
    const cJSON *call = cJSON_GetObjectItemCaseSensitive(root, "call");
    const char *sid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(call, "sid"));
    if (!sid)
        sid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "sid"));
    start_fetch(c, sid);
    cJSON_Delete(own);
}

int api_cost_init(struct api *api, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    struct api_cost *c = xcalloc(1, sizeof *c);
    c->api = api;
    c->buckets = xcalloc(BUCKETS, sizeof *c->buckets);
    api->cost = c;
    c->prev_sink = api->srv->sink;
    c->prev_user = api->srv->sink_user;
    server_set_event_sink(api->srv, on_event, c);
    return DT_OK;
}

void api_cost_done(struct api *api)
{
    struct api_cost *c = api->cost;
    if (!c)
        return;
    if (api->srv->sink_user == c)
        server_set_event_sink(api->srv, c->prev_sink, c->prev_user);
    struct fetch *f = c->fetches, *next;
    for (; f; f = next) {
        next = f->next;
        f->c = NULL;
        if (netloop_timer_pending(f->timer)) /* waiting: not in flight */
            fetch_free(f);
    }
    free(c->buckets);
    free(c);
    api->cost = NULL;
}

/* The first instant of the month containing now in the wallboard's zone. */
static int64_t month_start(const struct config *cfg, int64_t now)
{
    const struct config_zone *zone = config_wallboard_zone(cfg);
    struct config_local lt;
    config_zone_local(zone, now / 1000, &lt);
    char date[16];
    snprintf(date, sizeof date, "%04d-%02d-01", lt.year % 10000, lt.month % 100);
    int64_t ms;
    return store_report_day_start(zone, date, &ms) == DT_OK ? ms : now - now % 86400000;
}

int api_cost_over_budget(struct api *api, int64_t *micros)
{
    struct api_cost *c = api->cost;
    const struct config_alerts *al = &api->srv->cfg->alerts;
    if (micros)
        *micros = c ? c->month_micros : 0;
    if (!c || !al->stop_outbound_over_budget || al->monthly_budget_micros <= 0)
        return 0;
    int64_t now = server_now_ms(), start = month_start(api->srv->cfg, now);
    if (!c->fresh || start != c->month_start_ms) {
        struct store_report *r;
        char err[256];
        int64_t m = 0;
        int rc = store_report_open_store(api->srv->store, &r, err, sizeof err);
        if (rc == DT_OK) {
            rc = store_report_cost_total(r, start, INT64_MAX, &m, err, sizeof err);
            store_report_close(r);
        }
        if (rc != DT_OK) {
            log_warn("cost: the month's cost cannot be read: %s", err);
            return 0;
        }
        c->month_micros = m;
        c->month_start_ms = start;
        c->fresh = 1;
    }
    if (micros)
        *micros = c->month_micros;
    return c->month_micros >= al->monthly_budget_micros;
}
