/*
 * api_board: GET /api/v1/wallboard, the supervisors' figures of the day (dialtone/kpi.h over
 * the facts of dialtone/store_kpi.h): per queue the callers waiting now and the longest wait,
 * handled, abandoned (short abandons apart), service level against its target, ASA and AHT,
 * with the warnings a wallboard colours; per agent the state, its reason and since when, the
 * call in hand (its sid, party and duration; ended during wrap-up), when a timed wrap-up ends,
 * and the day's handled calls. The day starts at [wallboard] day_reset in its time zone.
 * Agents get 403. The figures are not pushed: a console asks again after the events that move
 * them (README, "Supervisors").
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dialtone/config.h"
#include "dialtone/httpd.h"
#include "dialtone/kpi.h"
#include "dialtone/routing.h"
#include "dialtone/store.h"
#include "dialtone/store_kpi.h"
#include "dialtone/util.h"
#include "server/api_int.h"
#include "server/server_int.h"

/* v rounded to one decimal, or null when negative (no figure). */
static void add_fig(cJSON *o, const char *key, double v)
{
    if (v < 0)
        cJSON_AddNullToObject(o, key);
    else
        cJSON_AddNumberToObject(o, key, round(v * 10) / 10);
}

static void add_warning(cJSON *list, const char *queue, const char *kind, const char *msg)
{
    cJSON *w = cJSON_CreateObject();
    cJSON_AddStringToObject(w, "queue", queue);
    cJSON_AddStringToObject(w, "kind", kind);
    cJSON_AddStringToObject(w, "message", msg);
    cJSON_AddItemToArray(list, w);
}

static cJSON *queue_json(const struct kpi_queue_stats *s, const struct config_queue *q,
                         cJSON *warnings)
{
    int target = q ? q->service_level_target : 80, long_wait = q ? q->long_wait : 0;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", s->name);
    cJSON_AddNumberToObject(o, "waiting", (double)s->waiting);
    cJSON_AddNumberToObject(o, "longest_wait_s", (double)s->longest_wait_s);
    cJSON_AddNumberToObject(o, "handled", (double)s->handled);
    cJSON_AddNumberToObject(o, "abandoned", (double)s->abandoned);
    cJSON_AddNumberToObject(o, "short_abandoned", (double)s->short_abandoned);
    cJSON_AddNumberToObject(o, "left", (double)s->left);
    cJSON_AddNumberToObject(o, "offered", (double)s->offered);
    cJSON_AddNumberToObject(o, "answered_in_sl", (double)s->answered_in_sl);
    add_fig(o, "service_level", s->service_level < 0 ? -1 : s->service_level * 100);
    cJSON_AddNumberToObject(o, "service_level_target", target);
    cJSON_AddNumberToObject(o, "service_level_s", s->service_level_s);
    cJSON_AddNumberToObject(o, "short_abandon_s", s->short_abandon_s);
    cJSON_AddNumberToObject(o, "long_wait_s", long_wait);
    add_fig(o, "asa_s", s->asa_s);
    add_fig(o, "aht_s", s->aht_s);
    cJSON_AddNumberToObject(o, "aht_calls", (double)s->aht_calls);
    int w = kpi_queue_warnings(s, target / 100.0, long_wait);
    cJSON *wl = cJSON_AddArrayToObject(o, "warnings");
    char msg[160];
    if (w & KPI_WARN_SERVICE_LEVEL) {
        cJSON_AddItemToArray(wl, cJSON_CreateString("service_level"));
        snprintf(msg, sizeof msg, "service level %.1f%% under its target of %d%%",
                 s->service_level * 100, target);
        add_warning(warnings, s->name, "service_level", msg);
    }
    if (w & KPI_WARN_LONG_WAIT) {
        cJSON_AddItemToArray(wl, cJSON_CreateString("long_wait"));
        snprintf(msg, sizeof msg, "a caller has waited %lld s, over %d s",
                 (long long)s->longest_wait_s, long_wait);
        add_warning(warnings, s->name, "long_wait", msg);
    }
    return o;
}

/* The call agent name has in hand (busy or in wrap-up), or null. */
static cJSON *agent_call_json(struct api *api, const char *name, int64_t now)
{
    struct routing_agent_info info;
    if (routing_agent_get(api->rt, name, &info) != DT_OK || !info.call_sid[0])
        return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "sid", info.call_sid);
    struct store_call c;
    char err[256];
    if (store_call_get(api->srv->store, info.call_sid, &c, err, sizeof err) != DT_OK) {
        cJSON_AddNullToObject(o, "party");
        cJSON_AddNullToObject(o, "duration_s");
        return o;
    }
    int out = c.direction && strncmp(c.direction, "outbound", 8) == 0;
    const char *party = out ? c.to : c.from;
    if (party)
        cJSON_AddStringToObject(o, "party", party);
    else
        cJSON_AddNullToObject(o, "party");
    if (c.caller_name && !out)
        cJSON_AddStringToObject(o, "caller_name", c.caller_name);
    /* with the agent since its leg connected; an outbound call since the party answered */
    int64_t since = api_kpi_connected_at(api, name, info.call_sid);
    if (!since && out)
        since = c.answered_ms;
    if (since > 0) {
        int64_t end = c.ended_ms > 0 ? c.ended_ms : now;
        cJSON_AddNumberToObject(o, "since_ms", (double)since);
        cJSON_AddNumberToObject(o, "duration_s", (double)((end > since ? end - since : 0) / 1000));
    } else {
        cJSON_AddNullToObject(o, "duration_s");
    }
    cJSON_AddBoolToObject(o, "ended", c.ended_ms > 0);
    store_call_done(&c);
    return o;
}

/* A wrap-up with a time (the queue's wrapup): when it ends and the seconds left, rounded up;
 * both null in any other state or a wrap-up that lasts until the agent ends it. */
static void add_wrapup(cJSON *o, struct api *api, const struct store_agent *a, int64_t now)
{
    struct routing_agent_info info;
    int64_t due = 0;
    if (a->state && strcmp(a->state, "wrap-up") == 0 &&
        routing_agent_get(api->rt, a->name, &info) == DT_OK && info.state == DT_ROUTE_WRAPUP)
        due = info.wrapup_due_ms;
    if (due <= 0) {
        cJSON_AddNullToObject(o, "wrapup_ends_ms");
        cJSON_AddNullToObject(o, "wrapup_left_s");
        return;
    }
    cJSON_AddNumberToObject(o, "wrapup_ends_ms", (double)due);
    cJSON_AddNumberToObject(o, "wrapup_left_s", (double)(due > now ? (due - now + 999) / 1000 : 0));
}

static cJSON *agents_json(struct api *api, const struct kpi_report *rep, int64_t now)
{
    cJSON *arr = cJSON_CreateArray();
    struct store_agent_list l;
    char err[256];
    if (store_agent_list(api->srv->store, &l, err, sizeof err) != DT_OK)
        return arr;
    for (size_t i = 0; i < l.count; i++) {
        const struct store_agent *a = &l.items[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", a->name);
        cJSON_AddStringToObject(o, "role", store_role_name(a->role));
        cJSON_AddStringToObject(o, "state", a->state ? a->state : "offline");
        if (a->state_reason)
            cJSON_AddStringToObject(o, "reason", a->state_reason);
        else
            cJSON_AddNullToObject(o, "reason");
        cJSON_AddNumberToObject(o, "since_ms", (double)a->state_since_ms);
        int64_t in = now > a->state_since_ms ? (now - a->state_since_ms) / 1000 : 0;
        cJSON_AddNumberToObject(o, "in_state_s", (double)in);
        cJSON_AddItemToObject(o, "call", agent_call_json(api, a->name, now));
        add_wrapup(o, api, a, now);
        const struct kpi_agent_stats *s = kpi_report_agent(rep, a->name);
        cJSON_AddNumberToObject(o, "handled", s ? (double)s->handled : 0);
        add_fig(o, "aht_s", s ? s->aht_s : -1);
        cJSON_AddNumberToObject(o, "missed_offers", s ? (double)s->missed_offers : 0);
        cJSON_AddNumberToObject(o, "declined_offers", s ? (double)s->declined_offers : 0);
        cJSON_AddItemToArray(arr, o);
    }
    store_agent_list_done(&l);
    return arr;
}

/* The day's report at now into *rep (kpi_report_done) and its bounds. */
static int day_report(struct api *api, int64_t now, struct kpi_report *rep, char *err,
                      size_t errlen)
{
    const struct config *cfg = api->srv->cfg;
    struct kpi_queue_conf qc[DT_CONFIG_MAX_QUEUES];
    size_t nq = 0;
    for (size_t i = 0; i < cfg->n_queues && nq < DT_CONFIG_MAX_QUEUES; i++, nq++)
        qc[nq] = (struct kpi_queue_conf){.name = cfg->queues[i].name,
                                         .service_level_s = cfg->queues[i].service_level,
                                         .short_abandon_s = cfg->queues[i].short_abandon};
    struct kpi_params p = {.zone = config_wallboard_zone(cfg),
                           .reset_minute = cfg->wallboard.day_reset,
                           .queues = qc,
                           .n_queues = nq,
                           .service_level_s = KPI_SERVICE_LEVEL_DFLT,
                           .short_abandon_s = KPI_SHORT_ABANDON_DFLT};
    int64_t start, end;
    int rc = kpi_day_bounds(p.zone, p.reset_minute, now, &start, &end);
    if (rc != DT_OK)
        return dt_seterr(err, errlen, rc, "bad day_reset");
    struct store_kpi_day day = {0};
    rc = store_kpi_load(api->srv->store, start, end, &day, err, errlen);
    if (rc == DT_OK)
        rc = kpi_compute(&p, day.calls, day.n_calls, day.offers, day.n_offers, now, rep, err,
                         errlen);
    store_kpi_day_done(&day);
    return rc;
}

cJSON *api_board_json(struct api *api, int64_t now, char *err, size_t errlen)
{
    struct kpi_report rep = {0};
    if (day_report(api, now, &rep, err, errlen) != DT_OK)
        return NULL;
    const struct config *cfg = api->srv->cfg;
    cJSON *o = cJSON_CreateObject();
    char ts[32], reset[8];
    cJSON *day = cJSON_AddObjectToObject(o, "day");
    api_iso_time(rep.day_start_ms, ts);
    cJSON_AddStringToObject(day, "start", ts);
    cJSON_AddNumberToObject(day, "start_ms", (double)rep.day_start_ms);
    cJSON_AddNumberToObject(day, "end_ms", (double)rep.day_end_ms);
    cJSON_AddStringToObject(day, "timezone",
                            cfg->wallboard.timezone[0] ? cfg->wallboard.timezone
                                                       : cfg->hours.timezone);
    snprintf(reset, sizeof reset, "%02d:%02d", cfg->wallboard.day_reset / 60 % 24,
             cfg->wallboard.day_reset % 60);
    cJSON_AddStringToObject(day, "reset", reset);
    cJSON_AddNumberToObject(o, "now_ms", (double)now);
    cJSON *qs = cJSON_AddArrayToObject(o, "queues");
    cJSON *warnings = cJSON_CreateArray();
    for (size_t i = 0; i < rep.n_queues; i++)
        cJSON_AddItemToArray(
            qs, queue_json(&rep.queues[i], config_queue_find(cfg, rep.queues[i].name), warnings));
    cJSON_AddItemToObject(o, "agents", agents_json(api, &rep, now));
    cJSON_AddItemToObject(o, "warnings", warnings);
    kpi_report_done(&rep);
    return o;
}

void api_on_wallboard(struct httpd_req *req, void *user)
{
    struct api *api = user;
    struct store_agent a;
    if (!api_begin(api, req, &a))
        return;
    char err[256];
    cJSON *o = NULL;
    if (a.role != DT_ROLE_SUPERVISOR)
        api_error(req, 403, "forbidden", "the wallboard is for supervisors");
    else if (!(o = api_board_json(api, server_now_ms(), err, sizeof err)))
        api_error(req, 503, "unavailable", err);
    else
        api_json(req, 200, o);
    cJSON_Delete(o);
    store_agent_done(&a);
}
