/*
 * api_alerts: the alert rules of [alerts] at work in the daemon. Every call that ends
 * (call.ended; a call's own legs left out) is fed to dialtone/alerts.h. After a restart each
 * rule is put back as its latest stored transition left it (firing since then, or clear), and
 * then primed with the calls that ended recently, so that a rule still over its threshold goes
 * on firing without firing again, and one that is no longer clears once; the rules are evaluated
 * every second, and each rule that fires or clears is stored (store_alerts.h), emitted as
 * alert.fired or alert.cleared, handed to the configured command and URL (api_alerts_run.c), and
 * shown on /metrics as dialtone_alerts_firing{rule="..."}. GET /api/v1/alerts answers supervisors
 * with the rules firing now and the latest transitions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dialtone/alerts.h"
#include "dialtone/config.h"
#include "dialtone/httpd.h"
#include "dialtone/kpi.h"
#include "dialtone/log.h"
#include "dialtone/netloop.h"
#include "dialtone/store.h"
#include "dialtone/store_alerts.h"
#include "dialtone/store_kpi.h"
#include "dialtone/util.h"
#include "server/api_alerts_int.h"
#include "server/api_int.h"
#include "server/server_int.h"

#define EVAL_MS     1000
#define RECENT_SIDS 256 /* calls fed lately, so that a repeated end is fed once */
#define LIST_MAX    50
#define SID_SIZE    72

struct api_alerts {
    struct api *api;
    struct alerts *a; /* NULL when every rule is off */
    struct netloop_timer *timer;
    server_event_fn prev_sink;
    void *prev_user;
    char fed[RECENT_SIDS][SID_SIZE];
    uint32_t fed_hash[RECENT_SIDS]; /* server_sid_hash of each, compared first */
    size_t fed_next;
    int64_t since_ms[ALERTS_MAX_RULES]; /* firing since, per rule */
    char message[ALERTS_MAX_RULES][ALERTS_MESSAGE_MAX];
    struct api_alerts_run *run;
};

/* ---- facts ------------------------------------------------------------------------------------
 */

static int already_fed(struct api_alerts *al, const char *sid)
{
    uint32_t h = server_sid_hash(sid);
    for (size_t i = 0; i < RECENT_SIDS; i++)
        if (al->fed_hash[i] == h && strcmp(al->fed[i], sid) == 0)
            return 1;
    al->fed_hash[al->fed_next] = h;
    dt_strlcpy(al->fed[al->fed_next], sid, SID_SIZE);
    al->fed_next = (al->fed_next + 1) % RECENT_SIDS;
    return 0;
}

static void feed_call(struct api_alerts *al, const struct store_event *ev, const char *sid)
{
    struct store_call own;
    struct alert_call f;
    char err[256];
    int rc;
    if (!sid || !*sid || strlen(sid) >= SID_SIZE || already_fed(al, sid))
        return;
    const struct store_call *c =
        server_event_call(al->api->srv, ev, sid, &own, &rc, err, sizeof err);
    if (!c) {
        if (rc != DT_ENOTFOUND)
            log_warn("alerts: the call %s: %s", sid, err);
        return;
    }
    if ((!c->parent_sid || !*c->parent_sid) && store_kpi_alert_call(c, &f) == DT_OK)
        alerts_feed(al->a, &f);
    store_call_done(&own);
}

void api_alerts_price(struct api *api, int64_t cost_micros)
{
    if (api && api->alerts && api->alerts->a && cost_micros > 0)
        alerts_feed_cost(api->alerts->a, server_now_ms(), cost_micros);
}

static void on_event(void *user, const struct store_event *ev)
{
    struct api_alerts *al = user;
    if (al->prev_sink)
        al->prev_sink(al->prev_user, ev);
    if (!al->a || strcmp(ev->type, "call.ended") != 0)
        return;
    cJSON *own;
    const cJSON *root = server_event_tree(ev, &own);
    const cJSON *call = cJSON_GetObjectItemCaseSensitive(root, "call");
    const char *sid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(call, "sid"));
    if (!sid)
        sid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "sid"));
    feed_call(al, ev, sid);
    cJSON_Delete(own);
}

/* ---- transitions ------------------------------------------------------------------------------
 */

static int64_t day_start(const struct config *cfg, int64_t now)
{
    int64_t start = now, end;
    if (kpi_day_bounds(config_wallboard_zone(cfg), cfg->wallboard.day_reset, now, &start, &end) !=
        DT_OK)
        start = now - now % 86400000;
    return start;
}

static cJSON *transition_json(const char *rule, const char *kind, int firing, int64_t at_ms,
                              double value, const char *message)
{
    cJSON *o = cJSON_CreateObject();
    char iso[32];
    api_iso_time(at_ms, iso);
    cJSON_AddStringToObject(o, "rule", rule);
    cJSON_AddStringToObject(o, "kind", kind);
    cJSON_AddStringToObject(o, "state", firing ? "fired" : "cleared");
    cJSON_AddBoolToObject(o, "firing", firing);
    cJSON_AddNumberToObject(o, "at_ms", (double)at_ms);
    cJSON_AddStringToObject(o, "at", iso);
    cJSON_AddNumberToObject(o, "value", value);
    cJSON_AddStringToObject(o, "message", message);
    return o;
}

static void transition(struct api_alerts *al, const struct alert_transition *t)
{
    const char *kind = alerts_kind_name(t->kind);
    char err[256];
    if (t->rule < ALERTS_MAX_RULES) {
        al->since_ms[t->rule] = t->firing ? t->at_ms : 0;
        dt_strlcpy(al->message[t->rule], t->message, ALERTS_MESSAGE_MAX);
    }
    if (t->firing)
        log_warn("alert %s fired: %s", t->name, t->message);
    else
        log_info("alert %s cleared: %s", t->name, t->message);
    if (store_alert_add(al->api->srv->store, t->name, kind, t->firing, t->at_ms, t->value,
                        t->message, NULL, err, sizeof err) != DT_OK)
        log_warn("alerts: storing %s: %s", t->name, err);
    api_emit(al->api, t->firing ? "alert.fired" : "alert.cleared",
             transition_json(t->name, kind, t->firing, t->at_ms, t->value, t->message));
    cJSON *o = transition_json(t->name, kind, t->firing, t->at_ms, t->value, t->message);
    char *body = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    api_alerts_run_notify(al->run, t, kind, body);
    free(body);
}

static void on_timer(struct netloop_timer *tm, void *user)
{
    struct api_alerts *al = user;
    struct alert_transition out[ALERTS_MAX_RULES];
    size_t n = 0;
    int64_t now = server_now_ms();
    if (al->a && alerts_eval(al->a, now, day_start(al->api->srv->cfg, now), out, ALERTS_MAX_RULES,
                             &n) == DT_OK)
        for (size_t i = 0; i < n; i++)
            transition(al, &out[i]);
    api_alerts_run_tick(al->run);
    netloop_timer_start(tm, EVAL_MS);
}

/* ---- /metrics and GET /api/v1/alerts ----------------------------------------------------------
 */

static void put_metrics(void *user, struct dt_buf *b)
{
    struct api_alerts *al = user;
    dt_buf_printf(b, "# HELP dialtone_alerts_firing 1 while an alert rule is firing, else 0.\n"
                     "# TYPE dialtone_alerts_firing gauge\n");
    for (size_t i = 0; al->a && i < alerts_count(al->a); i++)
        dt_buf_printf(b, "dialtone_alerts_firing{rule=\"%s\"} %d\n", alerts_rule(al->a, i)->name,
                      alerts_firing(al->a, i));
}

static cJSON *firing_json(struct api_alerts *al)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; al && al->a && i < alerts_count(al->a) && i < ALERTS_MAX_RULES; i++) {
        if (!alerts_firing(al->a, i))
            continue;
        const struct alert_rule *r = alerts_rule(al->a, i);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "rule", r->name);
        cJSON_AddStringToObject(o, "kind", alerts_kind_name(r->kind));
        cJSON_AddNumberToObject(o, "since_ms", (double)al->since_ms[i]);
        cJSON_AddStringToObject(o, "message", al->message[i]);
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

void api_on_alerts(struct httpd_req *req, void *user)
{
    struct api *api = user;
    struct store_agent a;
    if (!api_begin(api, req, &a))
        return;
    struct store_alert_list l;
    char err[256];
    if (a.role != DT_ROLE_SUPERVISOR) {
        api_error(req, 403, "forbidden", "alerts are for supervisors");
    } else if (store_alert_recent(api->srv->store, LIST_MAX, &l, err, sizeof err) != DT_OK) {
        api_error(req, 503, "unavailable", "the database is not answering");
    } else {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToObject(o, "firing", firing_json(api->alerts));
        cJSON *recent = cJSON_AddArrayToObject(o, "recent");
        for (size_t i = 0; i < l.count; i++) {
            const struct store_alert *x = &l.items[i];
            cJSON *t = transition_json(x->rule ? x->rule : "", x->kind ? x->kind : "", x->firing,
                                       x->at_ms, x->value, x->message ? x->message : "");
            cJSON_AddNumberToObject(t, "id", (double)x->id);
            cJSON_AddItemToArray(recent, t);
        }
        store_alert_list_done(&l);
        api_json(req, 200, o);
        cJSON_Delete(o);
    }
    store_agent_done(&a);
}

/* ---- lifecycle --------------------------------------------------------------------------------
 */

/* Puts each rule back as its latest stored transition left it: firing (with its since and its
 * message) or clear. An error-code rule's code is read back from its message ("error N ..."). */
static void restore(struct api_alerts *al)
{
    struct store_alert_list l;
    char err[256];
    if (store_alert_latest(al->api->srv->store, &l, err, sizeof err) != DT_OK) {
        log_warn("alerts: the rules' last states: %s", err);
        return;
    }
    size_t firing = 0;
    for (size_t i = 0; i < l.count; i++) {
        const struct store_alert *x = &l.items[i];
        long long code = 0;
        if (x->firing && x->kind && strcmp(x->kind, "error-code") == 0 && x->message &&
            sscanf(x->message, "error %lld", &code) != 1)
            code = 0;
        if (!x->rule || alerts_restore(al->a, x->rule, x->kind, x->firing, code) != DT_OK ||
            !x->firing)
            continue;
        for (size_t k = 0; k < alerts_count(al->a) && k < ALERTS_MAX_RULES; k++)
            if (strcmp(alerts_rule(al->a, k)->name, x->rule) == 0) {
                al->since_ms[k] = x->at_ms;
                dt_strlcpy(al->message[k], x->message ? x->message : "", ALERTS_MESSAGE_MAX);
                firing++;
            }
    }
    if (firing)
        log_info("alerts: %zu rules firing before the restart", firing);
    store_alert_list_done(&l);
}

/* Feeds the calls that ended within the longest window (or since the day began) before now. */
static void prime(struct api_alerts *al)
{
    int64_t now = server_now_ms(), span = 0;
    for (size_t i = 0; i < alerts_count(al->a); i++) {
        const struct alert_rule *r = alerts_rule(al->a, i);
        if (r->window_s + r->baseline_s > span)
            span = r->window_s + r->baseline_s;
    }
    int64_t since = now - span * 1000, day = day_start(al->api->srv->cfg, now);
    if (day < since)
        since = day;
    size_t fed = 0;
    char err[256];
    if (store_kpi_alerts_prime(al->api->srv->store, al->a, since < 0 ? 0 : since, now, &fed, err,
                               sizeof err) != DT_OK)
        log_warn("alerts: the calls that ended lately: %s", err);
    else if (fed)
        log_info("alerts: %zu recent calls read back", fed);
}

int api_alerts_init(struct api *api, char *err, size_t errlen)
{
    const struct config *cfg = api->srv->cfg;
    struct alert_rule rules[ALERT_KIND_COUNT];
    size_t n = config_alerts_rules(cfg, rules);
    struct api_alerts *al = xcalloc(1, sizeof *al);
    al->api = api;
    api->alerts = al;
    if (n > 0) {
        char why[200];
        al->a = alerts_new(rules, n, why, sizeof why);
        if (!al->a)
            return dt_seterr(err, errlen, DT_EINVAL, "[alerts]: %s", why);
        restore(al);
        prime(al);
    }
    al->run = api_alerts_run_new(api->srv->loop, &cfg->alerts, err, errlen);
    if (!al->run)
        return DT_EIO;
    al->timer = netloop_timer_new(api->srv->loop, on_timer, al);
    netloop_timer_start(al->timer, EVAL_MS);
    al->prev_sink = api->srv->sink;
    al->prev_user = api->srv->sink_user;
    server_set_event_sink(api->srv, on_event, al);
    api->srv->metrics_extra = put_metrics;
    api->srv->metrics_user = al;
    return DT_OK;
}

void api_alerts_done(struct api *api)
{
    struct api_alerts *al = api->alerts;
    if (!al)
        return;
    if (api->srv->sink_user == al)
        server_set_event_sink(api->srv, al->prev_sink, al->prev_user);
    if (api->srv->metrics_user == al) {
        api->srv->metrics_extra = NULL;
        api->srv->metrics_user = NULL;
    }
    netloop_timer_free(al->timer);
    api_alerts_run_free(al->run);
    alerts_free(al->a);
    free(al);
    api->alerts = NULL;
}
