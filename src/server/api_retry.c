/*
 * api_retry: automatic retries of the outbound calls the daemon places with "retry": true
 * (POST /api/v1/calls). When such a call's customer leg ends unanswered, dialtone/retry.h
 * decides from the dictionary's entry for its failure: a retryable failure is dialed again
 * after [retry] delay, a busy callee is called back after busy_callback, up to max_attempts in
 * all; bad numbers, declines and failures that are not retryable never are. A loop timer
 * places each attempt when it is due, for the same agent, who must be available then:
 * otherwise the attempt is dropped with the reason. Each retry's call is linked to the first
 * attempt's (store_retry_link) and announced: call.retry_scheduled, call.retry (placed, with
 * retry_of), call.retry_dropped (the chain ends, with its reason). This file also feeds every
 * ended call to the bad-number bookkeeping (api_numbers.c).
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dialtone/config.h"
#include "dialtone/errors.h"
#include "dialtone/log.h"
#include "dialtone/netloop.h"
#include "dialtone/retry.h"
#include "dialtone/store.h"
#include "dialtone/store_numbers.h"
#include "dialtone/util.h"
#include "server/api_int.h"
#include "server/server_int.h"

#define TICK_MS     500
#define MAX_CHAINS  1000
#define RECENT_SIDS 256 /* calls counted lately, so that a repeated end counts once */
#define SID_SIZE    72

/* One call being retried: its current attempt, and the first's sid. */
struct chain {
    char room[40], sid[SID_SIZE], first[SID_SIZE], to[40], agent[136];
    int attempt;
    int64_t due_ms; /* the next attempt's time; 0 while one is under way */
    struct chain *next;
};

struct api_retry {
    struct api *api;
    server_event_fn prev_sink;
    void *prev_user;
    struct netloop_timer *timer;
    struct chain *chains;
    size_t n;
    char counted[RECENT_SIDS][SID_SIZE];
    size_t counted_next;
};

void api_retry_policy(const struct api *api, struct retry_config *out)
{
    *out = api->srv->cfg->retry.policy;
}

int api_numbers_flag_after(const struct api *api)
{
    return api->srv->cfg->retry.flag_after;
}

static struct chain *find(struct api_retry *r, const char *room, const char *sid)
{
    for (struct chain *c = r->chains; c; c = c->next)
        if ((room && strcmp(c->room, room) == 0) || (sid && c->sid[0] && strcmp(c->sid, sid) == 0))
            return c;
    return NULL;
}

static void drop(struct api_retry *r, struct chain *c, const char *reason)
{
    log_info("retry: %s (first call %s, attempt %d) ends: %s", c->to,
             c->first[0] ? c->first : "none", c->attempt, reason);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "retry_of", c->first);
    cJSON_AddStringToObject(o, "to", c->to);
    cJSON_AddStringToObject(o, "agent", c->agent);
    cJSON_AddNumberToObject(o, "attempt", c->attempt);
    cJSON_AddStringToObject(o, "reason", reason);
    for (struct chain **p = &r->chains; *p; p = &(*p)->next)
        if (*p == c) {
            *p = c->next;
            break;
        }
    r->n--;
    free(c);
    api_emit(r->api, "call.retry_dropped", o);
}

void api_retry_follow(struct api *api, const char *room, const char *to, const char *agent,
                      struct cJSON *o)
{
    struct api_retry *r = api->retry;
    if (!r || r->n >= MAX_CHAINS) {
        cJSON_AddBoolToObject(o, "retry", 0);
        return;
    }
    struct chain *c = xcalloc(1, sizeof *c);
    dt_strlcpy(c->room, room, sizeof c->room);
    dt_strlcpy(c->to, to, sizeof c->to);
    dt_strlcpy(c->agent, agent, sizeof c->agent);
    c->attempt = 1;
    c->next = r->chains;
    r->chains = c;
    r->n++;
    cJSON_AddBoolToObject(o, "retry", 1);
}

/* The chain's attempt got its customer's leg: sid; a retry is linked to the first. */
static void dialing(struct api_retry *r, const cJSON *data)
{
    const char *room = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(data, "conference"));
    const char *sid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(data, "call_sid"));
    struct chain *c = room ? find(r, room, NULL) : NULL;
    if (!c || !sid || !sid[0] || strlen(sid) >= SID_SIZE)
        return;
    dt_strlcpy(c->sid, sid, sizeof c->sid);
    if (c->attempt == 1) {
        dt_strlcpy(c->first, sid, sizeof c->first);
        return;
    }
    char err[256];
    if (store_retry_link(r->api->srv->store, sid, c->first, c->attempt, server_now_ms(), err,
                         sizeof err) != DT_OK)
        log_warn("retry: linking %s to %s: %s", sid, c->first, err);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "call_sid", sid);
    cJSON_AddStringToObject(o, "retry_of", c->first);
    cJSON_AddNumberToObject(o, "attempt", c->attempt);
    cJSON_AddStringToObject(o, "to", c->to);
    cJSON_AddStringToObject(o, "agent", c->agent);
    api_emit(r->api, "call.retry", o);
}

/* The chain's attempt ended unanswered with e: the next one scheduled, or the chain over. */
static void decide(struct api_retry *r, struct chain *c, const struct store_call *call)
{
    if (call->status == DT_CALL_COMPLETED || call->answered_ms > 0) {
        drop(r, c, "answered");
        return;
    }
    struct retry_config policy;
    struct retry_decision d;
    api_retry_policy(r->api, &policy);
    int64_t now = server_now_ms();
    const struct errors_entry *e = call->status == DT_CALL_CANCELED ? NULL : api_call_failure(call);
    if (!e) {
        drop(r, c, "canceled");
        return;
    }
    if (retry_decide(e, c->attempt, now, &policy, &d) != DT_OK) {
        drop(r, c, "the [retry] policy is out of range");
        return;
    }
    if (d.verdict == RETRY_NEVER) {
        drop(r, c, d.reason);
        return;
    }
    c->due_ms = d.at_ms;
    c->sid[0] = '\0';
    c->attempt++;
    cJSON *o = cJSON_CreateObject();
    char iso[32];
    api_iso_time(d.at_ms, iso);
    cJSON_AddStringToObject(o, "retry_of", c->first);
    cJSON_AddStringToObject(o, "to", c->to);
    cJSON_AddStringToObject(o, "agent", c->agent);
    cJSON_AddNumberToObject(o, "attempt", c->attempt);
    cJSON_AddStringToObject(o, "kind", retry_verdict_name(d.verdict));
    cJSON_AddStringToObject(o, "reason", d.reason);
    cJSON_AddNumberToObject(o, "code", e->code);
    cJSON_AddStringToObject(o, "at", iso);
    cJSON_AddNumberToObject(o, "at_ms", (double)d.at_ms);
    api_emit(r->api, "call.retry_scheduled", o);
}

static int counted(struct api_retry *r, const char *sid)
{
    for (size_t i = 0; i < RECENT_SIDS; i++)
        if (strcmp(r->counted[i], sid) == 0)
            return 1;
    dt_strlcpy(r->counted[r->counted_next], sid, SID_SIZE);
    r->counted_next = (r->counted_next + 1) % RECENT_SIDS;
    return 0;
}

static void ended(struct api_retry *r, const char *sid)
{
    if (!sid || !sid[0] || strlen(sid) >= SID_SIZE || counted(r, sid))
        return;
    struct store_call call;
    char err[256];
    if (store_call_get(r->api->srv->store, sid, &call, err, sizeof err) != DT_OK)
        return;
    api_numbers_call_ended(r->api, &call);
    struct chain *c = find(r, NULL, sid);
    if (c)
        decide(r, c, &call);
    store_call_done(&call);
}

static void on_event(void *user, const struct store_event *ev)
{
    struct api_retry *r = user;
    if (r->prev_sink)
        r->prev_sink(r->prev_user, ev);
    int is_ended = strcmp(ev->type, "call.ended") == 0;
    int is_dialing = strcmp(ev->type, "call.dialing") == 0;
    int is_failed = strcmp(ev->type, "call.dial_failed") == 0;
    if (!is_ended && !is_dialing && !is_failed)
        return;
    cJSON *root = cJSON_ParseWithLength(ev->data, ev->data_len);
    if (is_dialing) {
        dialing(r, root);
    } else if (is_failed) {
        const char *room =
            cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "conference"));
        struct chain *c = room ? find(r, room, NULL) : NULL;
        if (c)
            drop(r, c, "Twilio refused the attempt");
    } else {
        const cJSON *call = cJSON_GetObjectItemCaseSensitive(root, "call");
        const char *sid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(call, "sid"));
        ended(r, sid ? sid : cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "sid")));
    }
    cJSON_Delete(root);
}

/* Places the chain's due attempt for its agent, or drops the chain. */
static void place(struct api_retry *r, struct chain *c)
{
    struct store_agent a;
    char err[256], room[40], msg[200];
    const char *code = "";
    c->due_ms = 0;
    if (store_agent_get(r->api->srv->store, c->agent, &a, err, sizeof err) != DT_OK) {
        drop(r, c, "the agent is gone");
        return;
    }
    int status = api_dial_place(r->api, &a, c->to, room, sizeof room, &code, msg, sizeof msg);
    store_agent_done(&a);
    if (status != 202) {
        char *why = xasprintf("attempt %d not placed: %s (%s)", c->attempt, msg, code);
        drop(r, c, why);
        free(why);
        return;
    }
    dt_strlcpy(c->room, room, sizeof c->room);
}

static void on_tick(struct netloop_timer *t, void *user)
{
    struct api_retry *r = user;
    int64_t now = server_now_ms();
    int placed;
    do { /* placing changes the list: start again after each */
        placed = 0;
        for (struct chain *c = r->chains; c; c = c->next)
            if (c->due_ms && c->due_ms <= now) {
                place(r, c);
                placed = 1;
                break;
            }
    } while (placed);
    netloop_timer_start(t, TICK_MS);
}

int api_retry_init(struct api *api, char *err, size_t errlen)
{
    struct api_retry *r = xcalloc(1, sizeof *r);
    r->api = api;
    api->retry = r;
    r->timer = netloop_timer_new(api->srv->loop, on_tick, r);
    netloop_timer_start(r->timer, TICK_MS);
    r->prev_sink = api->srv->sink;
    r->prev_user = api->srv->sink_user;
    server_set_event_sink(api->srv, on_event, r);
    return api_numbers_routes(api, err, errlen);
}

void api_retry_done(struct api *api)
{
    struct api_retry *r = api->retry;
    if (!r)
        return;
    if (api->srv->sink_user == r)
        server_set_event_sink(api->srv, r->prev_sink, r->prev_user);
    netloop_timer_free(r->timer);
    while (r->chains) {
        struct chain *c = r->chains;
        r->chains = c->next;
        free(c);
    }
    free(r);
    api->retry = NULL;
}
