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
 *
 * Every attempt is a row of retry_attempts (store_retry.h) from the moment it is placed or
 * scheduled, so that a restart loses none: at start the pending attempts are armed again (those
 * already due placed at the first tick) and the placed ones whose call is known are followed
 * again. An attempt is claimed in the store (pending to placed) before Twilio is asked for
 * anything: a daemon that dies after the claim has placed it, or lost it, but never places it
 * again, so an attempt is placed at most once.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dialtone/callstate.h"
#include "dialtone/config.h"
#include "dialtone/errors.h"
#include "dialtone/log.h"
#include "dialtone/netloop.h"
#include "dialtone/retry.h"
#include "dialtone/store.h"
#include "dialtone/store_numbers.h"
#include "dialtone/store_retry.h"
#include "dialtone/util.h"
#include "server/api_int.h"
#include "server/server_int.h"

#define TICK_MS     500
#define MAX_CHAINS  1000
#define RECENT_SIDS 256 /* calls counted lately, so that a repeated end counts once */
#define SID_SIZE    72
#define DB_RETRY_MS 5000 /* a claim the database did not answer is tried again then */

/* One call being retried: its current attempt, and the first's sid. */
struct chain {
    char room[40], sid[SID_SIZE], first[SID_SIZE], key[40], to[40], agent[136];
    int attempt;
    int64_t id;     /* the current attempt's row in retry_attempts; 0 when it could not be stored */
    int64_t due_ms; /* the next attempt's time; 0 while one is under way */
    int reloaded;   /* read back at start with its call under way: looked at on the first tick */
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
    uint32_t counted_hash[RECENT_SIDS]; /* server_sid_hash of each, compared first */
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

/* Closes the chain's current attempt in the store as state ("dropped": never placed, "ended"). */
static void close_attempt(struct api_retry *r, struct chain *c, const char *state,
                          const char *reason)
{
    char err[256];
    int rc;
    if (c->id &&
        (rc = store_retry_finish(r->api->srv->store, c->id, state, reason, server_now_ms(), err,
                                 sizeof err)) != DT_OK &&
        rc != DT_ESTATE)
        log_warn("retry: closing attempt %d of %s: %s", c->attempt, c->to, err);
}

static void unlink_chain(struct api_retry *r, struct chain *c)
{
    for (struct chain **p = &r->chains; *p; p = &(*p)->next)
        if (*p == c) {
            *p = c->next;
            break;
        }
    r->n--;
    free(c);
}

/* The chain ends with reason: its attempt closed as state, call.retry_dropped emitted. */
static void drop(struct api_retry *r, struct chain *c, const char *state, const char *reason)
{
    close_attempt(r, c, state, reason);
    log_info("retry: %s (first call %s, attempt %d) ends: %s", c->to,
             c->first[0] ? c->first : "none", c->attempt, reason);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "retry_of", c->first);
    cJSON_AddStringToObject(o, "to", c->to);
    cJSON_AddStringToObject(o, "agent", c->agent);
    cJSON_AddNumberToObject(o, "attempt", c->attempt);
    cJSON_AddStringToObject(o, "reason", reason);
    unlink_chain(r, c);
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
    dt_strlcpy(c->key, room, sizeof c->key);
    c->attempt = 1;
    c->next = r->chains;
    r->chains = c;
    r->n++;
    struct store_retry row = {.attempt = 1, .due_ms = server_now_ms()};
    dt_strlcpy(row.chain, room, sizeof row.chain);
    dt_strlcpy(row.kind, "first", sizeof row.kind);
    dt_strlcpy(row.agent, agent, sizeof row.agent);
    dt_strlcpy(row.number, to, sizeof row.number);
    dt_strlcpy(row.state, "placed", sizeof row.state);
    dt_strlcpy(row.room, room, sizeof row.room);
    char err[256];
    if (store_retry_add(api->srv->store, &row, row.due_ms, &c->id, err, sizeof err) != DT_OK)
        log_warn("retry: storing the first attempt to %s: %s (a restart forgets it)", to, err);
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
    char err[256];
    if (c->id && store_retry_set(r->api->srv->store, c->id, NULL, sid, server_now_ms(), err,
                                 sizeof err) != DT_OK)
        log_warn("retry: recording %s as attempt %d: %s", sid, c->attempt, err);
    if (c->attempt == 1) {
        dt_strlcpy(c->first, sid, sizeof c->first);
        return;
    }
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

/* The chain's next attempt as decided by d after a failure with code: stored as pending (with
 * the current attempt ended, in one transaction), then armed. */
static void schedule(struct api_retry *r, struct chain *c, const struct retry_decision *d, int code)
{
    struct store_retry next = {.attempt = c->attempt + 1, .due_ms = d->at_ms, .code = code};
    dt_strlcpy(next.chain, c->key[0] ? c->key : c->room, sizeof next.chain);
    dt_strlcpy(next.first_sid, c->first, sizeof next.first_sid);
    dt_strlcpy(next.kind, retry_verdict_name(d->verdict), sizeof next.kind);
    dt_strlcpy(next.agent, c->agent, sizeof next.agent);
    dt_strlcpy(next.number, c->to, sizeof next.number);
    dt_strlcpy(next.reason, d->reason, sizeof next.reason);
    char err[256];
    int64_t now = server_now_ms(), id = 0;
    int rc = c->id ? store_retry_next(r->api->srv->store, c->id, &next, now, &id, err, sizeof err)
                   : store_retry_add(r->api->srv->store, &next, now, &id, err, sizeof err);
    if (rc != DT_OK)
        log_warn("retry: storing attempt %d to %s: %s (a restart forgets it)", next.attempt, c->to,
                 err);
    c->id = rc == DT_OK ? id : 0;
    c->due_ms = d->at_ms;
    c->sid[0] = '\0';
    c->attempt++;
}

/* The chain's attempt ended unanswered with e: the next one scheduled, or the chain over. */
static void decide(struct api_retry *r, struct chain *c, const struct store_call *call)
{
    if (call->status == DT_CALL_COMPLETED || call->answered_ms > 0) {
        drop(r, c, "ended", "answered");
        return;
    }
    struct retry_config policy;
    struct retry_decision d;
    api_retry_policy(r->api, &policy);
    int64_t now = server_now_ms();
    const struct errors_entry *e = call->status == DT_CALL_CANCELED ? NULL : api_call_failure(call);
    if (!e) {
        drop(r, c, "ended", "canceled");
        return;
    }
    if (retry_decide(e, c->attempt, now, &policy, &d) != DT_OK) {
        drop(r, c, "ended", "the [retry] policy is out of range");
        return;
    }
    if (d.verdict == RETRY_NEVER) {
        drop(r, c, "ended", d.reason);
        return;
    }
    schedule(r, c, &d, e->code);
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
    uint32_t h = server_sid_hash(sid);
    for (size_t i = 0; i < RECENT_SIDS; i++)
        if (r->counted_hash[i] == h && strcmp(r->counted[i], sid) == 0)
            return 1;
    r->counted_hash[r->counted_next] = h;
    dt_strlcpy(r->counted[r->counted_next], sid, SID_SIZE);
    r->counted_next = (r->counted_next + 1) % RECENT_SIDS;
    return 0;
}

static void ended(struct api_retry *r, const struct store_event *ev, const char *sid)
{
    if (!sid || !sid[0] || strlen(sid) >= SID_SIZE || counted(r, sid))
        return;
    struct store_call own;
    char err[256];
    int rc;
    const struct store_call *call =
        server_event_call(r->api->srv, ev, sid, &own, &rc, err, sizeof err);
    if (!call)
        return;
    api_numbers_call_ended(r->api, call);
    struct chain *c = find(r, NULL, sid);
    if (c)
        decide(r, c, call);
    store_call_done(&own);
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
    cJSON *own;
    const cJSON *root = server_event_tree(ev, &own);
    if (is_dialing) {
        dialing(r, root);
    } else if (is_failed) {
        const char *room =
            cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "conference"));
        struct chain *c = room ? find(r, room, NULL) : NULL;
        if (c)
            drop(r, c, "ended", "Twilio refused the attempt");
    } else {
        const cJSON *call = cJSON_GetObjectItemCaseSensitive(root, "call");
        const char *sid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(call, "sid"));
        ended(r, ev,
              sid ? sid : cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "sid")));
    }
    cJSON_Delete(own);
}

/* Claims the chain's attempt in the store before anything is asked of Twilio: 1 to go on, 0 when
 * it must not be placed now (claimed or closed already: the chain is forgotten; the database
 * not answering: tried again later). */
static int claim(struct api_retry *r, struct chain *c)
{
    char err[256];
    if (!c->id)
        return 1;
    int rc = store_retry_claim(r->api->srv->store, c->id, server_now_ms(), err, sizeof err);
    if (rc == DT_OK)
        return 1;
    if (rc == DT_ESTATE || rc == DT_ENOTFOUND) {
        log_warn("retry: attempt %d to %s is not placed again: %s", c->attempt, c->to, err);
        unlink_chain(r, c);
    } else {
        log_warn("retry: claiming attempt %d to %s: %s (tried again)", c->attempt, c->to, err);
        c->due_ms = server_now_ms() + DB_RETRY_MS;
    }
    return 0;
}

/* Places the chain's due attempt for its agent, or drops the chain. */
static void place(struct api_retry *r, struct chain *c)
{
    struct store_agent a;
    char err[256], room[40], msg[200];
    const char *code = "";
    if (!claim(r, c))
        return;
    c->due_ms = 0;
    if (store_agent_get(r->api->srv->store, c->agent, &a, err, sizeof err) != DT_OK) {
        drop(r, c, "dropped", "the agent is gone");
        return;
    }
    int status = api_dial_place(r->api, &a, c->to, room, sizeof room, &code, msg, sizeof msg);
    store_agent_done(&a);
    if (status != 202) {
        char *why = xasprintf("attempt %d not placed: %s (%s)", c->attempt, msg, code);
        drop(r, c, "dropped", why);
        free(why);
        return;
    }
    dt_strlcpy(c->room, room, sizeof c->room);
    if (c->id && store_retry_set(r->api->srv->store, c->id, room, NULL, server_now_ms(), err,
                                 sizeof err) != DT_OK)
        log_warn("retry: recording attempt %d's conference: %s", c->attempt, err);
}

/* A chain read back at start with an attempt placed: its call ended while the daemon was
 * away (decided now), is still under way (followed), or was never known (lost). */
static void look_again(struct api_retry *r, struct chain *c)
{
    c->reloaded = 0;
    if (!c->sid[0]) {
        drop(r, c, "ended", "the daemon stopped before the attempt's call was known");
        return;
    }
    struct store_call call;
    char err[256];
    if (store_call_get(r->api->srv->store, c->sid, &call, err, sizeof err) != DT_OK)
        return; /* no callback yet: followed when it ends */
    if (call.has_status && callstate_is_final(call.status))
        decide(r, c, &call);
    store_call_done(&call);
}

/* The first chain with something to do at now, or NULL. */
static struct chain *due(struct api_retry *r, int64_t now)
{
    for (struct chain *c = r->chains; c; c = c->next)
        if (c->reloaded || (c->due_ms && c->due_ms <= now))
            return c;
    return NULL;
}

static void on_tick(struct netloop_timer *t, void *user)
{
    struct api_retry *r = user;
    int64_t now = server_now_ms();
    struct chain *c;
    while ((c = due(r, now)) != NULL) { /* each changes the list: look again after it */
        if (c->reloaded)
            look_again(r, c);
        else
            place(r, c);
    }
    netloop_timer_start(t, TICK_MS);
}

/* Puts the open attempts of retry_attempts back: pending ones armed, placed ones followed. */
static void reload(struct api_retry *r)
{
    struct store_retry *rows = NULL;
    size_t n = 0;
    char err[256];
    if (store_retry_open(r->api->srv->store, &rows, &n, err, sizeof err) != DT_OK) {
        log_warn("retry: reading the attempts back: %s", err);
        return;
    }
    for (size_t i = 0; i < n && r->n < MAX_CHAINS; i++) {
        const struct store_retry *x = &rows[i];
        struct chain *c = xcalloc(1, sizeof *c);
        dt_strlcpy(c->key, x->chain, sizeof c->key);
        dt_strlcpy(c->first, x->first_sid, sizeof c->first);
        dt_strlcpy(c->to, x->number, sizeof c->to);
        dt_strlcpy(c->agent, x->agent, sizeof c->agent);
        dt_strlcpy(c->room, x->room, sizeof c->room);
        c->attempt = x->attempt;
        c->id = x->id;
        if (strcmp(x->state, "pending") == 0) {
            c->due_ms = x->due_ms > 0 ? x->due_ms : 1;
        } else {
            dt_strlcpy(c->sid, x->sid, sizeof c->sid);
            c->reloaded = 1;
        }
        c->next = r->chains;
        r->chains = c;
        r->n++;
    }
    if (n)
        log_info("retry: %zu attempts read back", n);
    free(rows);
}

int api_retry_init(struct api *api, char *err, size_t errlen)
{
    struct api_retry *r = xcalloc(1, sizeof *r);
    r->api = api;
    api->retry = r;
    reload(r);
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
