/*
 * api_kpi: the facts of the day's figures (dialtone/store_kpi.h), written as routing and the
 * agents act: every offer and how it ended (withdrawn for a reason, or won by the accept), an
 * agent's leg reaching the caller (call.connected, and a warm transfer's new owner), holds,
 * and each agent's wrap-up: its start (their part is not over until it ends) and its length,
 * from the agent's wrap-up state starting to it ending (by the agent's request, the queue's
 * timer or anything else), kept as that agent's (an agent who handed the call on wraps up
 * their part too) and summed into the call's; a call handed back with no wrap-up counts 0. Offers
 * and agents on a call are remembered here until they end. A fact that cannot be stored costs a
 * figure, never the call: it is logged.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dialtone/log.h"
#include "dialtone/routing.h"
#include "dialtone/store.h"
#include "dialtone/store_kpi.h"
#include "dialtone/util.h"
#include "server/api_int.h"
#include "server/server_int.h"

/* An offer made and not yet over, or an agent with a call (busy or in wrap-up). */
struct kpi_item {
    char sid[ROUTING_SID_MAX + 1], agent[ROUTING_AGENT_MAX + 1], queue[ROUTING_QUEUE_MAX + 1];
    int64_t since_ms;     /* offer: when made; agent: wrap-up start, 0 while busy */
    int64_t connected_ms; /* agent: when its leg reached the caller, 0 until then */
    int offer;
    int no_wrapup; /* agent: the attempt ended with nothing to wrap up (api_agent_release) */
    struct kpi_item *next;
};

struct api_kpi {
    struct kpi_item *items;
};

static struct kpi_item **find(struct api *api, int offer, const char *sid, const char *agent)
{
    if (!api->kpi)
        api->kpi = xcalloc(1, sizeof *api->kpi);
    for (struct kpi_item **p = &api->kpi->items; *p; p = &(*p)->next)
        if ((*p)->offer == offer && strcmp((*p)->agent, agent) == 0 &&
            (!sid || strcmp((*p)->sid, sid) == 0))
            return p;
    return NULL;
}

static struct kpi_item *add(struct api *api, int offer, const char *sid, const char *agent)
{
    struct kpi_item **p = find(api, offer, offer ? sid : NULL, agent);
    struct kpi_item *it = p ? *p : NULL;
    if (!it) {
        it = xcalloc(1, sizeof *it);
        it->next = api->kpi->items;
        api->kpi->items = it;
    }
    it->offer = offer;
    dt_strlcpy(it->sid, sid, sizeof it->sid);
    dt_strlcpy(it->agent, agent, sizeof it->agent);
    return it;
}

static void drop(struct kpi_item **p)
{
    struct kpi_item *it = *p;
    *p = it->next;
    free(it);
}

static void offer_ended(struct api *api, const struct routing_action *x, enum kpi_offer_end end)
{
    struct kpi_item **p = find(api, 1, x->call_sid, x->agent);
    struct store_offer o = {
        .call_sid = x->call_sid,
        .agent = x->agent,
        .queue = x->queue[0] ? x->queue : NULL,
        .offered_ms = p ? (*p)->since_ms : x->at_ms, /* made before a restart: unknown */
        .ended_ms = x->at_ms,
        .end = end,
    };
    if (p)
        drop(p);
    if (o.ended_ms < o.offered_ms)
        o.ended_ms = o.offered_ms;
    char err[256];
    if (store_kpi_offer(api->srv->store, &o, err, sizeof err) != DT_OK)
        log_warn("figures: the offer of %s to %s: %s", x->call_sid, x->agent, err);
}

static void wrapup_over(struct api *api, const char *sid, const char *agent, int64_t secs)
{
    char err[256];
    if (store_kpi_wrapup_by(api->srv->store, sid, agent, secs < 0 ? 0 : secs, err, sizeof err) !=
        DT_OK)
        log_warn("figures: the wrap-up of %s: %s", sid, err);
}

static void wrapup_began(struct api *api, const struct kpi_item *it)
{
    char err[256];
    if (store_kpi_wrapup_began(api->srv->store, it->sid, it->agent, it->since_ms, err,
                               sizeof err) != DT_OK)
        log_warn("figures: the wrap-up of %s by %s: %s", it->sid, it->agent, err);
}

/* The wrap-up began when the stored state says so after a restart, else now. */
static int64_t wrapup_start(struct api *api, const char *agent, int64_t at_ms)
{
    struct store_agent a;
    char err[256];
    int64_t since = at_ms;
    if (store_agent_get(api->srv->store, agent, &a, err, sizeof err) == DT_OK) {
        if (a.state && strcmp(a.state, "wrap-up") == 0 && a.state_since_ms > 0)
            since = a.state_since_ms;
        store_agent_done(&a);
    }
    return since;
}

static void agent_state(struct api *api, const struct routing_action *x)
{
    struct kpi_item **p = find(api, 0, NULL, x->agent);
    struct kpi_item *it = p ? *p : NULL;
    if (x->state == DT_ROUTE_BUSY && x->call_sid[0]) {
        if (it && strcmp(it->sid, x->call_sid) != 0 && !it->no_wrapup && it->sid[0])
            wrapup_over(api, it->sid, it->agent,
                        it->since_ms ? (x->at_ms - it->since_ms) / 1000 : 0);
        if (!it || strcmp(it->sid, x->call_sid) != 0) {
            it = add(api, 0, x->call_sid, x->agent);
            it->connected_ms = 0;
            it->no_wrapup = 0;
        }
        it->since_ms = 0;
    } else if (x->state == DT_ROUTE_WRAPUP && x->call_sid[0]) {
        if (!it || strcmp(it->sid, x->call_sid) != 0 || !it->since_ms) {
            it = add(api, 0, x->call_sid, x->agent);
            it->since_ms = wrapup_start(api, x->agent, x->at_ms);
            if (!it->no_wrapup)
                wrapup_began(api, it);
        }
    } else if (it) {
        if (!it->no_wrapup && it->sid[0])
            wrapup_over(api, it->sid, it->agent,
                        it->since_ms ? (x->at_ms - it->since_ms) / 1000 : 0);
        drop(p);
    }
}

void api_kpi_action(struct api *api, const struct routing_action *x)
{
    switch (x->kind) {
    case DT_ROUTE_OFFER:
        add(api, 1, x->call_sid, x->agent)->since_ms = x->at_ms;
        break;
    case DT_ROUTE_WITHDRAW:
        offer_ended(api, x, store_kpi_offer_end(routing_why_name(x->why)));
        break;
    case DT_ROUTE_ASSIGN:
        offer_ended(api, x, KPI_OFFER_ACCEPTED);
        break;
    case DT_ROUTE_AGENT_STATE:
        agent_state(api, x);
        break;
    }
}

void api_kpi_connected(struct api *api, const char *sid, const char *agent, int64_t ts_ms)
{
    struct kpi_item **p = agent ? find(api, 0, NULL, agent) : NULL;
    if (p && sid && strcmp((*p)->sid, sid) == 0 && !(*p)->connected_ms)
        (*p)->connected_ms = ts_ms;
    char err[256];
    if (sid && sid[0] && agent && agent[0] &&
        store_kpi_connected(api->srv->store, sid, agent, ts_ms, err, sizeof err) != DT_OK)
        log_warn("figures: %s connected to %s: %s", agent, sid, err);
}

void api_kpi_event(struct api *api, const struct store_event *ev)
{
    if (strcmp(ev->type, "call.connected") != 0)
        return;
    cJSON *own;
    const cJSON *d = server_event_tree(ev, &own);
    api_kpi_connected(api, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(d, "call_sid")),
                      cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(d, "agent")),
                      ev->ts_ms);
    cJSON_Delete(own);
}

void api_kpi_no_wrapup(struct api *api, const char *agent)
{
    struct kpi_item **p = find(api, 0, NULL, agent);
    (p ? *p : add(api, 0, "", agent))->no_wrapup = 1;
}

int64_t api_kpi_connected_at(struct api *api, const char *agent, const char *sid)
{
    struct kpi_item **p = find(api, 0, NULL, agent);
    return p && strcmp((*p)->sid, sid) == 0 ? (*p)->connected_ms : 0;
}

void api_kpi_hold(struct store *st, const char *sid, int on)
{
    char err[256];
    if (store_kpi_hold(st, sid, on, server_now_ms(), err, sizeof err) != DT_OK)
        log_warn("figures: %s %s: %s", on ? "holding" : "unholding", sid, err);
}

void api_kpi_done(struct api *api)
{
    if (!api->kpi)
        return;
    while (api->kpi->items)
        drop(&api->kpi->items);
    free(api->kpi);
    api->kpi = NULL;
}
