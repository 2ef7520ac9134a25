/*
 * api_restore: routing after a restart, and agents changed by another process.
 *
 * At start (api_restore_init, once routing has the agents and the waiting calls):
 * - offers the event log leaves open (made before the stop, never withdrawn) are withdrawn
 *   ("restart"), then the offers routing makes now are announced;
 * - an agent stored busy: their call is the one of their last call.assigned or call.dialing
 *   event. A call stored as over (or none at all) ended while the daemon was away: wrap-up
 *   with the queue's time counted from the call's end (available at once when it has run
 *   out; until done for outbound calls), or available when no call is known. A call not over
 *   keeps the agent busy with it, and Twilio is asked for its status: when Twilio says it is
 *   over, the status is stored and the call's end puts the agent in wrap-up as usual;
 * - an agent stored in wrap-up is put back in it, with the queue's wrap-up time counted from
 *   when it began, so the timer that was lost with the process fires as it would have;
 * - each call stored as waiting is checked with Twilio the same way: one that ended while the
 *   daemon was away leaves routing (and its offers are withdrawn). A call stored as waiting
 *   that a busy agent had accepted (the stop came before the queue said it left) is theirs:
 *   it leaves the queue before any offer is announced.
 * While running, a timer watches SQLite's data_version: when another process (dialtone agent)
 * wrote to the database, an agent routing knows and the store no longer has is removed from
 * routing at once (its offers withdrawn, the calls offered on; a busy agent once their call
 * ends), and queue memberships are brought in line with the store.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dialtone/calljson.h"
#include "dialtone/callstate.h"
#include "dialtone/config.h"
#include "dialtone/log.h"
#include "dialtone/netloop.h"
#include "dialtone/routing.h"
#include "dialtone/store.h"
#include "dialtone/store_agents.h"
#include "dialtone/twilio.h"
#include "dialtone/util.h"
#include "server/api_int.h"
#include "server/server_int.h"

#define AGENT_CHECK_MS 1000 /* how often data_version is read */
#define WAITING_MAX    1000

/* A Twilio GET of a call in flight; rs is NULL once the API is gone. */
struct fetch {
    struct api_restore *rs;
    struct fetch *next, **prev;
    char sid[72];
};

struct api_restore {
    struct api *api;
    struct netloop_timer *timer;
    int64_t data_version;
    int retry; /* a removal waits for a busy agent's call to end */
    struct fetch *fetches;
};

/* ---- helpers --------------------------------------------------------------------------------- */

static const char *json_str(const cJSON *o, const char *key)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
}

/* Stores agent name's state and announces it (routing does not for requested changes). */
static void set_stored(struct api *api, const char *name, const char *state)
{
    char err[256];
    struct store_agent a;
    if (store_agent_set_state(api->srv->store, name, state, NULL, server_now_ms(), err,
                              sizeof err) != DT_OK ||
        store_agent_get(api->srv->store, name, &a, err, sizeof err) != DT_OK) {
        log_error("restart: storing %s's state: %s", name, err);
        return;
    }
    api_emit(api, "agent.state", api_agent_json(api->srv->store, &a));
    store_agent_done(&a);
}

static int queue_wrapup_s(const struct api *api, const char *queue)
{
    const struct config_queue *q = queue ? config_queue_find(api->srv->cfg, queue) : NULL;
    return q ? q->wrapup : 0;
}

/* ---- Twilio: is the call over? --------------------------------------------------------------- */

static void fetch_free(struct fetch *f)
{
    if (f->rs) {
        *f->prev = f->next;
        if (f->next)
            f->next->prev = f->prev;
    }
    free(f);
}

/* Twilio knows nothing of the call: whatever routing holds for it goes. */
static void call_unknown(struct api *api, const char *sid)
{
    struct routing_actions acts;
    routing_actions_init(&acts);
    char err[256];
    int64_t now = server_now_ms();
    struct routing_call_info info;
    struct api_call *c = api_call_find(api, sid);
    if (routing_call_get(api->rt, sid, &info) == DT_OK)
        routing_call_gone(api->rt, sid, now, &acts, err, sizeof err);
    else if (c && c->agent[0])
        routing_agent_call_ended(api->rt, c->agent, now, &acts, err, sizeof err);
    if (c)
        api_call_forget(api, sid);
    api_carry_out(api, &acts);
    routing_actions_done(&acts);
}

/* Stores the final status Twilio gave and emits call.ended, which routing takes up. */
static void call_over(struct api *api, const char *sid, const char *status,
                      const struct twilio_result *res)
{
    struct store_call_update u;
    store_call_update_init(&u);
    u.sid = sid;
    u.type = "rest";
    u.status = status;
    u.ts_ms = server_now_ms();
    u.payload = res->body;
    u.payload_len = res->body_len;
    const char *dur = json_str(res->json, "duration");
    if (dur && *dur && strspn(dur, "0123456789") == strlen(dur) && strlen(dur) < 10)
        u.duration_s = atol(dur);
    char err[256];
    struct store_apply_result ar;
    struct store_call c;
    if (store_call_apply(api->srv->store, &u, &ar, err, sizeof err) != DT_OK ||
        store_call_get(api->srv->store, sid, &c, err, sizeof err) != DT_OK) {
        log_error("restart: storing %s's end: %s", sid, err);
        call_unknown(api, sid);
        return;
    }
    cJSON *d = cJSON_CreateObject();
    cJSON_AddItemToObject(d, "call", calljson_new(&c));
    char *text = cJSON_PrintUnformatted(d);
    cJSON_Delete(d);
    if (text)
        server_emit(api->srv, "call.ended", text, NULL);
    free(text);
    store_call_done(&c);
}

static void on_fetched(const struct twilio_result *res, void *arg)
{
    struct fetch *f = arg;
    struct api_restore *rs = f->rs;
    char sid[72];
    dt_strlcpy(sid, f->sid, sizeof sid);
    fetch_free(f);
    if (!rs)
        return;
    struct api *api = rs->api;
    if (res->rc == DT_ENOTFOUND) {
        log_warn("restart: Twilio does not know call %s: dropped", sid);
        call_unknown(api, sid);
        return;
    }
    if (res->rc != DT_OK) {
        char text[600];
        twilio_error_text(&res->error, text, sizeof text);
        log_warn("restart: the status of call %s is unknown: %s", sid, text);
        return;
    }
    const char *status = json_str(res->json, "status");
    enum callstate_status st;
    if (!status || callstate_parse(status, &st) != DT_OK || !callstate_is_final(st))
        return; /* still on: its callbacks will come */
    log_info("restart: call %s ended while the daemon was away (%s)", sid, status);
    call_over(api, sid, status, res);
}

/* Asks Twilio for call sid's status (sids are letters and digits only), once: a call both
 * stored as waiting and a busy agent's is asked about once, and ends once. */
static void fetch_call(struct api_restore *rs, const char *sid)
{
    struct twilio *tw = rs->api->srv->twilio;
    if (!tw || !sid[0] ||
        strspn(sid, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                    "0123456789") != strlen(sid) ||
        strlen(sid) >= sizeof((struct fetch *)0)->sid)
        return;
    for (const struct fetch *g = rs->fetches; g; g = g->next)
        if (strcmp(g->sid, sid) == 0)
            return;
    struct fetch *f = xcalloc(1, sizeof *f);
    f->rs = rs;
    dt_strlcpy(f->sid, sid, sizeof f->sid);
    f->next = rs->fetches;
    f->prev = &rs->fetches;
    if (rs->fetches)
        rs->fetches->prev = &f->next;
    rs->fetches = f;
    char *path = xasprintf("Calls/%s.json", sid);
    if (twilio_request(tw, "GET", path, NULL, on_fetched, f) != DT_OK)
        fetch_free(f);
    free(path);
}

/* ---- offers ---------------------------------------------------------------------------------- */

static void withdraw_old_offers(struct api *api)
{
    struct store_open_offers l;
    char err[256];
    if (store_offers_open(api->srv->store, &l, err, sizeof err) != DT_OK) {
        log_error("restart: reading the offers: %s", err);
        return;
    }
    for (size_t i = 0; i < l.count; i++) {
        const struct store_open_offer *o = &l.items[i];
        cJSON *d = cJSON_CreateObject();
        cJSON_AddStringToObject(d, "call_sid", o->call_sid);
        cJSON_AddStringToObject(d, "agent", o->agent);
        cJSON_AddStringToObject(d, "queue", o->queue ? o->queue : "");
        cJSON_AddStringToObject(d, "mode", o->mode ? o->mode : "");
        cJSON_AddStringToObject(d, "why", "restart");
        api_emit(api, "offer.withdrawn", d);
    }
    if (l.count)
        log_info("restart: %zu offers made before the restart withdrawn", l.count);
    store_open_offers_done(&l);
}

static void announce_offers(struct api *api)
{
    for (size_t i = 0; i < routing_agent_count(api->rt); i++) {
        const char *name = routing_agent_at(api->rt, i);
        struct routing_offer_info offers[ROUTING_RING_OFFERS + 1];
        size_t n = routing_agent_offers(api->rt, name, offers, ROUTING_RING_OFFERS + 1);
        for (size_t k = 0; k < n && k < ROUTING_RING_OFFERS + 1; k++) {
            cJSON *d = cJSON_CreateObject();
            cJSON_AddStringToObject(d, "call_sid", offers[k].call_sid);
            cJSON_AddStringToObject(d, "agent", name);
            cJSON_AddStringToObject(d, "queue", offers[k].queue);
            cJSON_AddStringToObject(d, "mode", routing_mode_name(offers[k].mode));
            if (offers[k].expires_ms)
                cJSON_AddNumberToObject(d, "expires_ms", (double)offers[k].expires_ms);
            else
                cJSON_AddNullToObject(d, "expires_ms");
            api_add_caller(api, offers[k].call_sid, d);
            api_emit(api, "offer.created", d);
        }
    }
}

/* ---- agents found busy or in wrap-up --------------------------------------------------------- */

/* Agent a's last call: its sid, queue (inbound) or room (outbound), from the event log. */
struct last_call {
    char sid[72], queue[40], room[80];
    int outbound;
};

static int last_call(struct api *api, const char *name, struct last_call *out)
{
    static const char *const types[] = {"call.assigned", "call.dialing"};
    struct store_agent_event e;
    char err[256];
    memset(out, 0, sizeof *out);
    if (store_agent_last_event(api->srv->store, name, types, 2, &e, err, sizeof err) != DT_OK)
        return 0;
    cJSON *d = cJSON_Parse(e.data);
    const char *sid = json_str(d, "call_sid");
    if (sid)
        dt_strlcpy(out->sid, sid, sizeof out->sid);
    out->outbound = strcmp(e.type, "call.dialing") == 0;
    const char *q = json_str(d, out->outbound ? "conference" : "queue");
    dt_strlcpy(out->outbound ? out->room : out->queue, q ? q : "",
               out->outbound ? sizeof out->room : sizeof out->queue);
    cJSON_Delete(d);
    store_agent_event_done(&e);
    return out->sid[0] != '\0';
}

/* The agent's leg in call sid, from their last call.connected. */
static void find_leg(struct api *api, const char *name, const char *sid, struct api_call *c)
{
    static const char *const types[] = {"call.connected"};
    struct store_agent_event e;
    char err[256];
    if (store_agent_last_event(api->srv->store, name, types, 1, &e, err, sizeof err) != DT_OK)
        return;
    cJSON *d = cJSON_Parse(e.data);
    const char *s = json_str(d, "call_sid"), *leg = json_str(d, "agent_call_sid");
    if (s && leg && strcmp(s, sid) == 0)
        dt_strlcpy(c->leg, leg, sizeof c->leg);
    cJSON_Delete(d);
    store_agent_event_done(&e);
}

static void restore_busy(struct api_restore *rs, const struct store_agent *a,
                         struct routing_actions *acts)
{
    struct api *api = rs->api;
    struct last_call lc;
    struct store_call call;
    char err[256];
    int64_t now = server_now_ms();
    if (!last_call(api, a->name, &lc) ||
        store_call_get(api->srv->store, lc.sid, &call, err, sizeof err) != DT_OK) {
        log_info("restart: %s was busy with no known call: available", a->name);
        if (routing_agent_set_state(api->rt, a->name, DT_ROUTE_AVAILABLE, NULL, now, acts, err,
                                    sizeof err) == DT_OK)
            set_stored(api, a->name, "available");
        return;
    }
    int wrapup = lc.outbound ? 0 : queue_wrapup_s(api, lc.queue);
    if (call.has_status && callstate_is_final(call.status)) {
        int64_t end = call.ended_ms > 0 ? call.ended_ms : now;
        log_info("restart: %s's call %s ended while the daemon was away: wrap-up", a->name, lc.sid);
        routing_agent_wrapup_restore(api->rt, a->name, lc.sid,
                                     wrapup > 0 ? end + (int64_t)wrapup * 1000 : 0, now, acts, err,
                                     sizeof err);
        store_call_done(&call);
        return;
    }
    if (routing_agent_busy(api->rt, a->name, lc.sid, wrapup, now, acts, err, sizeof err) == DT_OK) {
        struct api_call *c;
        if (lc.outbound) {
            api_call_outbound(api, lc.room, a->name);
            api_call_rename(api, lc.room, lc.sid);
            c = api_call_find(api, lc.sid);
        } else {
            c = api_call_add(api, lc.sid, lc.queue, call.created_ms);
            dt_strlcpy(c->agent, a->name, sizeof c->agent);
            c->in_room = 1;
            find_leg(api, a->name, lc.sid, c);
        }
        fetch_call(rs, lc.sid);
    }
    store_call_done(&call);
}

/*
 * A busy agent's inbound call still stored as waiting (the process stopped after the accept
 * and before the queue's answer that the call left it) is the agent's, not the queue's: it
 * leaves routing's queue before any offer is announced, so it is offered to no one else and
 * its end puts the agent in wrap-up. Nothing of the offers routing made for it was said yet.
 */
static void drop_taken_calls(struct api *api)
{
    struct store_agent_list l;
    char err[256];
    if (store_agent_list(api->srv->store, &l, err, sizeof err) != DT_OK) {
        log_error("restart: reading the agents: %s", err);
        return;
    }
    struct routing_actions acts;
    routing_actions_init(&acts);
    for (size_t i = 0; i < l.count; i++) {
        const struct store_agent *a = &l.items[i];
        struct last_call lc;
        struct routing_call_info info;
        if (!a->state || strcmp(a->state, "busy") != 0 || !last_call(api, a->name, &lc) ||
            lc.outbound || routing_call_get(api->rt, lc.sid, &info) != DT_OK)
            continue;
        if (routing_call_gone(api->rt, lc.sid, server_now_ms(), &acts, err, sizeof err) == DT_OK)
            log_info("restart: call %s stored as waiting is %s's: out of the queue", lc.sid,
                     a->name);
    }
    routing_actions_clear(&acts); /* announced below from routing's state */
    routing_actions_done(&acts);
    store_agent_list_done(&l);
}

static void restore_wrapup(struct api *api, const struct store_agent *a,
                           struct routing_actions *acts)
{
    struct last_call lc;
    char err[256];
    int found = last_call(api, a->name, &lc);
    int wrapup = found && !lc.outbound ? queue_wrapup_s(api, lc.queue) : 0;
    int64_t due = wrapup > 0 ? a->state_since_ms + (int64_t)wrapup * 1000 : 0;
    if (routing_agent_wrapup_restore(api->rt, a->name, found ? lc.sid : "", due, server_now_ms(),
                                     acts, err, sizeof err) != DT_OK)
        log_error("restart: %s's wrap-up: %s", a->name, err);
}

static void restore_agents(struct api_restore *rs, struct routing_actions *acts)
{
    struct api *api = rs->api;
    struct store_agent_list l;
    char err[256];
    if (store_agent_list(api->srv->store, &l, err, sizeof err) != DT_OK) {
        log_error("restart: reading the agents: %s", err);
        return;
    }
    for (size_t i = 0; i < l.count; i++) {
        const struct store_agent *a = &l.items[i];
        if (!a->state || api_route_ensure(api, a) != DT_OK)
            continue;
        if (strcmp(a->state, "busy") == 0)
            restore_busy(rs, a, acts);
        else if (strcmp(a->state, "wrap-up") == 0)
            restore_wrapup(api, a, acts);
    }
    store_agent_list_done(&l);
}

static void check_waiting(struct api_restore *rs)
{
    struct store_call_list l;
    char err[256];
    if (store_calls_waiting(rs->api->srv->store, NULL, WAITING_MAX, &l, err, sizeof err) != DT_OK)
        return;
    for (size_t i = 0; i < l.count; i++)
        fetch_call(rs, l.items[i].sid);
    store_call_list_done(&l);
}

/* ---- agents changed by another process ------------------------------------------------------- */

/* Queue memberships of a known agent as the store has them. */
static void sync_queues(struct api *api, const char *name, struct routing_actions *acts)
{
    const struct config *cfg = api->srv->cfg;
    char err[256];
    int64_t now = server_now_ms();
    for (size_t q = 0; q < cfg->n_queues; q++) {
        const char *queue = cfg->queues[q].name;
        int want = store_agent_in_queue(api->srv->store, name, queue, err, sizeof err);
        int have = routing_agent_in_queue(api->rt, name, queue);
        if (want == 1 && !have)
            routing_agent_join(api->rt, name, queue, now, acts, err, sizeof err);
        else if (want == 0 && have)
            routing_agent_leave(api->rt, name, queue, now, acts, err, sizeof err);
    }
}

static void check_agents(struct api_restore *rs)
{
    struct api *api = rs->api;
    struct routing_actions acts;
    routing_actions_init(&acts);
    char err[256];
    rs->retry = 0;
    for (size_t i = routing_agent_count(api->rt); i-- > 0;) {
        char name[ROUTING_AGENT_MAX + 1];
        dt_strlcpy(name, routing_agent_at(api->rt, i), sizeof name);
        struct store_agent a;
        int rc = store_agent_get(api->srv->store, name, &a, err, sizeof err);
        if (rc == DT_OK) {
            sync_queues(api, name, &acts);
            store_agent_done(&a);
            continue;
        }
        if (rc != DT_ENOTFOUND)
            continue;
        rc = routing_agent_remove(api->rt, name, server_now_ms(), &acts, err, sizeof err);
        if (rc == DT_ESTATE) { /* on a call: once it ends */
            rs->retry = 1;
            continue;
        }
        if (rc == DT_OK) {
            log_info("agent %s was removed: their offers are withdrawn", name);
            cJSON *d = cJSON_CreateObject();
            cJSON_AddStringToObject(d, "agent", name);
            api_emit(api, "agent.removed", d);
        }
    }
    api_carry_out(api, &acts);
    routing_actions_done(&acts);
}

static void on_check(struct netloop_timer *t, void *user)
{
    struct api_restore *rs = user;
    int64_t v;
    char err[256];
    if (store_data_version(rs->api->srv->store, &v, err, sizeof err) == DT_OK &&
        (v != rs->data_version || rs->retry)) {
        rs->data_version = v;
        check_agents(rs);
    }
    netloop_timer_start(t, AGENT_CHECK_MS);
}

/* ---- set-up ---------------------------------------------------------------------------------- */

void api_restore_init(struct api *api)
{
    struct api_restore *rs = xcalloc(1, sizeof *rs);
    rs->api = api;
    api->restore = rs;
    char err[256];
    store_data_version(api->srv->store, &rs->data_version, err, sizeof err);
    withdraw_old_offers(api);
    drop_taken_calls(api);
    announce_offers(api);
    struct routing_actions acts;
    routing_actions_init(&acts);
    restore_agents(rs, &acts);
    api_carry_out(api, &acts);
    routing_actions_done(&acts);
    check_waiting(rs);
    rs->timer = netloop_timer_new(api->srv->loop, on_check, rs);
    netloop_timer_start(rs->timer, AGENT_CHECK_MS);
}

void api_restore_done(struct api *api)
{
    struct api_restore *rs = api->restore;
    if (!rs)
        return;
    for (struct fetch *f = rs->fetches; f; f = f->next)
        f->rs = NULL; /* freed by their callbacks, which twilio_free runs */
    netloop_timer_free(rs->timer);
    free(rs);
    api->restore = NULL;
}
