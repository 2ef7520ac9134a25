/*
 * control: the emulator's own control API under /sim/ (see sim_control.h): place an inbound
 * call, make a party hang up or press digits, look at calls, queues and conferences, load a
 * scenario, read the counters. JSON bodies, parsed with cJSON and checked field by field.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "dialtone/sim_control.h"
#include "dialtone/util.h"

#define CTL_PREFIX   "/sim/"
#define CTL_MAX_PATH 256

struct ctl {
    struct sim_control *c;
    const struct sim_rest_req *req;
    struct sim_rest_resp *resp;
    cJSON *body; /* the parsed JSON body of a POST ({} when empty) */
    char arg[CTL_MAX_PATH];
    int all; /* ?all=1 */
};

typedef void (*ctl_handler)(struct ctl *x);

/* ---- replies ------------------------------------------------------------------------------- */

static void reply(struct ctl *x, int status, cJSON *o)
{
    free(x->resp->body);
    x->resp->status = status;
    x->resp->body = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!x->resp->body) {
        fprintf(stderr, "dialtone: out of memory\n");
        abort();
    }
}

static void reply_error(struct ctl *x, int status, const char *code, int twilio_code,
                        const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void reply_error(struct ctl *x, int status, const char *code, int twilio_code,
                        const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cJSON *o = cJSON_CreateObject();
    cJSON *e = cJSON_AddObjectToObject(o, "error");
    cJSON_AddStringToObject(e, "code", code);
    cJSON_AddStringToObject(e, "message", msg);
    if (twilio_code)
        cJSON_AddNumberToObject(e, "twilio_code", twilio_code);
    reply(x, status, o);
}

static void reply_sim_err(struct ctl *x, const struct sim_err *e)
{
    int status = e->status >= 400 && e->status < 600 ? e->status : 400;
    reply_error(x, status, status == 404 ? "not_found" : "twilio", e->code, "%s",
                e->message[0] ? e->message : "refused");
}

/* ---- JSON views ---------------------------------------------------------------------------- */

static void add_str(cJSON *o, const char *key, const char *s)
{
    if (s && s[0])
        cJSON_AddStringToObject(o, key, s);
    else
        cJSON_AddNullToObject(o, key);
}

static void add_date(cJSON *o, const char *key, int64_t ms)
{
    char buf[32];
    add_str(o, key, ms ? sim_rest_date(ms, buf) : NULL);
}

static const char *direction_name(enum sim_direction d)
{
    return d == DT_SIM_INBOUND        ? "inbound"
           : d == DT_SIM_OUTBOUND_API ? "outbound-api"
                                      : "outbound-dial";
}

static cJSON *call_json(const struct sim *s, const struct sim_call *call)
{
    cJSON *o = cJSON_CreateObject();
    add_str(o, "sid", call->sid);
    add_str(o, "parent_call_sid", call->parent_sid);
    add_str(o, "direction", direction_name(call->direction));
    add_str(o, "from", call->from);
    add_str(o, "to", call->to);
    add_str(o, "caller_name", call->caller_name);
    add_str(o, "status", callstate_name(call->status));
    const struct sim_queue *q = call->queue_sid[0] ? sim_queue_get(s, call->queue_sid) : NULL;
    add_str(o, "queue_sid", call->queue_sid);
    add_str(o, "queue", q ? q->friendly_name : NULL);
    const struct sim_conference *cf =
        call->conference_sid[0] ? sim_conference_get(s, call->conference_sid) : NULL;
    add_str(o, "conference_sid", call->conference_sid);
    add_str(o, "conference", cf ? cf->friendly_name : NULL);
    add_str(o, "answered_by", call->answered_by);
    cJSON_AddNumberToObject(o, "duration", call->duration_s);
    cJSON_AddNumberToObject(o, "queue_time", call->queue_time_s);
    cJSON_AddNumberToObject(o, "error_code", call->error_code);
    cJSON_AddNumberToObject(o, "sip_code", call->sip_code);
    add_date(o, "date_created", call->created_ms);
    add_date(o, "start_time", call->start_ms);
    add_date(o, "end_time", call->end_ms);
    return o;
}

static void reply_call(struct ctl *x, int status, const struct sim_call *call)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "call", call_json(x->c->sim, call));
    reply(x, status, o);
}

/* ---- handlers ------------------------------------------------------------------------------ */

static void calls_list(struct ctl *x)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(o, "calls");
    size_t n = sim_call_count(x->c->sim);
    for (size_t i = 0; i < n; i++) {
        const struct sim_call *call = sim_call_at(x->c->sim, i);
        if (call && (x->all || !callstate_is_final(call->status)))
            cJSON_AddItemToArray(arr, call_json(x->c->sim, call));
    }
    reply(x, 200, o);
}

/* A string field of the body: 0 and *out (NULL when absent), or replies 400 and -1. */
static int body_str(struct ctl *x, const char *key, const char **out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(x->body, key);
    *out = NULL;
    if (!v || cJSON_IsNull(v))
        return 0;
    if (!cJSON_IsString(v)) {
        reply_error(x, 400, "bad_request", 0, "%s must be a string", key);
        return -1;
    }
    *out = v->valuestring;
    return 0;
}

static const char *default_to(const struct sim_scenario *sc)
{
    if (!sc)
        return NULL;
    if (sc->arrivals.to)
        return sc->arrivals.to;
    return sc->n_numbers ? sc->numbers[0].number : NULL;
}

static void calls_create(struct ctl *x)
{
    const char *from, *to, *name, *digits;
    if (body_str(x, "from", &from) < 0 || body_str(x, "to", &to) < 0 ||
        body_str(x, "caller_name", &name) < 0 || body_str(x, "digits", &digits) < 0)
        return;
    const cJSON *pv = cJSON_GetObjectItemCaseSensitive(x->body, "patience");
    double patience = -1;
    if (pv && !cJSON_IsNull(pv)) {
        if (!cJSON_IsNumber(pv) || pv->valuedouble < 0 || pv->valuedouble > 86400) {
            reply_error(x, 400, "bad_request", 0, "patience must be seconds from 0 to 86400");
            return;
        }
        patience = pv->valuedouble;
    }
    if (!from || !from[0]) {
        reply_error(x, 400, "bad_request", 0, "from is required");
        return;
    }
    if (!to)
        to = default_to(x->c->sc);
    if (!to) {
        reply_error(x, 400, "bad_request", 0, "to is required: the scenario has no number");
        return;
    }
    const struct sim_call *call = NULL;
    struct sim_err e = {0};
    if (sim_inbound_call(x->c->sim, from, to, name, patience, digits, &call, &e) < 0 || !call)
        reply_sim_err(x, &e);
    else
        reply_call(x, 201, call);
}

static void call_fetch(struct ctl *x)
{
    const struct sim_call *call = sim_call_get(x->c->sim, x->arg);
    if (!call)
        reply_error(x, 404, "not_found", 0, "no such call");
    else
        reply_call(x, 200, call);
}

static void call_hangup(struct ctl *x)
{
    struct sim_err e = {0};
    if (!sim_call_get(x->c->sim, x->arg))
        reply_error(x, 404, "not_found", 0, "no such call");
    else if (sim_hangup(x->c->sim, x->arg, &e) < 0)
        reply_sim_err(x, &e);
    else
        reply_call(x, 200, sim_call_get(x->c->sim, x->arg));
}

static void call_digits(struct ctl *x)
{
    const char *digits;
    struct sim_err e = {0};
    if (body_str(x, "digits", &digits) < 0)
        return;
    if (!digits || !digits[0])
        reply_error(x, 400, "bad_request", 0, "digits is required");
    else if (!sim_call_get(x->c->sim, x->arg))
        reply_error(x, 404, "not_found", 0, "no such call");
    else if (sim_press_digits(x->c->sim, x->arg, digits, &e) < 0)
        reply_sim_err(x, &e);
    else
        reply_call(x, 200, sim_call_get(x->c->sim, x->arg));
}

static cJSON *queue_json(const struct sim *s, const struct sim_queue *q)
{
    cJSON *o = cJSON_CreateObject();
    add_str(o, "sid", q->sid);
    add_str(o, "friendly_name", q->friendly_name);
    cJSON_AddNumberToObject(o, "size", sim_queue_size(s, q->sid));
    cJSON_AddNumberToObject(o, "max_size", q->max_size);
    cJSON_AddNumberToObject(o, "average_wait_time", q->average_wait_time_s);
    cJSON *arr = cJSON_AddArrayToObject(o, "members");
    size_t n = sim_member_count(s, q->sid);
    for (size_t i = 0; i < n; i++) {
        struct sim_member m;
        if (sim_member_at(s, q->sid, i, &m) < 0)
            continue;
        const struct sim_call *call = sim_call_get(s, m.call_sid);
        cJSON *mo = cJSON_CreateObject();
        add_str(mo, "call_sid", m.call_sid);
        cJSON_AddNumberToObject(mo, "position", m.position);
        cJSON_AddNumberToObject(mo, "wait_time", m.wait_time_s);
        add_str(mo, "from", call ? call->from : NULL);
        add_str(mo, "caller_name", call ? call->caller_name : NULL);
        cJSON_AddItemToArray(arr, mo);
    }
    return o;
}

static void queues_list(struct ctl *x)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(o, "queues");
    size_t n = sim_queue_count(x->c->sim);
    for (size_t i = 0; i < n; i++) {
        const struct sim_queue *q = sim_queue_at(x->c->sim, i);
        if (q)
            cJSON_AddItemToArray(arr, queue_json(x->c->sim, q));
    }
    reply(x, 200, o);
}

static cJSON *participant_json(const struct sim *s, const struct sim_participant *p)
{
    cJSON *o = cJSON_CreateObject();
    const struct sim_call *call = sim_call_get(s, p->call_sid);
    add_str(o, "call_sid", p->call_sid);
    add_str(o, "label", p->label);
    add_str(o, "status", p->status);
    cJSON_AddBoolToObject(o, "muted", p->muted != 0);
    cJSON_AddBoolToObject(o, "hold", p->hold != 0);
    cJSON_AddBoolToObject(o, "coaching", p->coaching != 0);
    add_str(o, "call_sid_to_coach", p->call_sid_to_coach);
    cJSON_AddBoolToObject(o, "start_conference_on_enter", p->start_conference_on_enter != 0);
    cJSON_AddBoolToObject(o, "end_conference_on_exit", p->end_conference_on_exit != 0);
    add_str(o, "from", call ? call->from : NULL);
    add_str(o, "to", call ? call->to : NULL);
    return o;
}

static void conferences_list(struct ctl *x)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(o, "conferences");
    const struct sim *s = x->c->sim;
    size_t n = sim_conference_count(s);
    for (size_t i = 0; i < n; i++) {
        const struct sim_conference *cf = sim_conference_at(s, i);
        if (!cf || (!x->all && cf->status && strcmp(cf->status, "completed") == 0))
            continue;
        cJSON *co = cJSON_CreateObject();
        add_str(co, "sid", cf->sid);
        add_str(co, "friendly_name", cf->friendly_name);
        add_str(co, "status", cf->status);
        add_str(co, "reason_ended", cf->reason_ended);
        cJSON *parts = cJSON_AddArrayToObject(co, "participants");
        size_t np = sim_participant_count(s, cf->sid);
        for (size_t k = 0; k < np; k++) {
            const struct sim_participant *p = sim_participant_at(s, cf->sid, k);
            if (p)
                cJSON_AddItemToArray(parts, participant_json(s, p));
        }
        cJSON_AddItemToArray(arr, co);
    }
    reply(x, 200, o);
}

static void scenario_load(struct ctl *x)
{
    const char *path, *text;
    if (body_str(x, "path", &path) < 0 || body_str(x, "text", &text) < 0)
        return;
    if (!x->c->load_scenario) {
        reply_error(x, 405, "method_not_allowed", 0, "this emulator cannot load scenarios");
        return;
    }
    if ((path != NULL) == (text != NULL)) {
        reply_error(x, 400, "bad_request", 0, "give either path or text");
        return;
    }
    char err[512] = "";
    if (x->c->load_scenario(x->c->ctx, path, text, err, sizeof err) < 0) {
        reply_error(x, 400, "scenario", 0, "%s", err[0] ? err : "the scenario did not load");
        return;
    }
    const struct sim_scenario *sc = x->c->sc;
    cJSON *o = cJSON_CreateObject();
    cJSON *so = cJSON_AddObjectToObject(o, "scenario");
    add_str(so, "file", sc ? sc->file : NULL);
    add_str(so, "account_sid", sc ? sc->account_sid : NULL);
    cJSON_AddNumberToObject(so, "numbers", sc ? (double)sc->n_numbers : 0);
    cJSON_AddNumberToObject(so, "endpoints", sc ? (double)sc->n_endpoints : 0);
    cJSON_AddNumberToObject(so, "callers", sc ? (double)sc->n_callers : 0);
    reply(x, 200, o);
}

size_t sim_control_rss_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long size = 0, rss = 0;
    if (!f)
        return 0;
    int n = fscanf(f, "%lu %lu", &size, &rss);
    fclose(f);
    long page = sysconf(_SC_PAGESIZE);
    return n == 2 && page > 0 ? (size_t)rss * (size_t)page : 0;
}

static void stats(struct ctl *x)
{
    struct sim_control_stats st = {0};
    if (x->c->stats)
        x->c->stats(x->c->ctx, &st);
    const struct sim *s = x->c->sim;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "live_calls", (double)sim_live_calls(s));
    cJSON_AddNumberToObject(o, "calls", (double)sim_call_count(s));
    cJSON_AddNumberToObject(o, "queues", (double)sim_queue_count(s));
    cJSON_AddNumberToObject(o, "conferences", (double)sim_conference_count(s));
    cJSON_AddNumberToObject(o, "recordings", (double)sim_recording_count(s));
    cJSON_AddNumberToObject(o, "memory_bytes", (double)sim_memory_bytes(s));
    cJSON_AddNumberToObject(o, "rss_bytes", (double)sim_control_rss_bytes());
    cJSON_AddNumberToObject(o, "emulated_ms", (double)st.now_ms);
    add_date(o, "emulated_time", st.now_ms);
    cJSON_AddNumberToObject(o, "speed", st.speed);
    cJSON_AddNumberToObject(o, "uptime_s", st.uptime_s);
    cJSON_AddNumberToObject(o, "rest_requests", (double)st.rest_requests);
    cJSON_AddNumberToObject(o, "control_requests", (double)st.control_requests);
    cJSON_AddNumberToObject(o, "webhooks_sent", (double)st.webhooks_sent);
    cJSON_AddNumberToObject(o, "webhooks_failed", (double)st.webhooks_failed);
    cJSON_AddNumberToObject(o, "webhooks_pending", (double)st.webhooks_pending);
    cJSON_AddNumberToObject(o, "arrivals", (double)st.arrivals);
    reply(x, 200, o);
}

/* ---- routing ------------------------------------------------------------------------------- */

/* "*" matches one segment (copied into arg); everything else is literal. */
struct ctl_route {
    const char *method, *pattern;
    ctl_handler fn;
};

static const struct ctl_route ctl_routes[] = {
    {.method = "GET", .pattern = "calls", .fn = calls_list},
    {.method = "POST", .pattern = "calls", .fn = calls_create},
    {.method = "GET", .pattern = "calls/*", .fn = call_fetch},
    {.method = "POST", .pattern = "calls/*/hangup", .fn = call_hangup},
    {.method = "POST", .pattern = "calls/*/digits", .fn = call_digits},
    {.method = "GET", .pattern = "queues", .fn = queues_list},
    {.method = "GET", .pattern = "conferences", .fn = conferences_list},
    {.method = "POST", .pattern = "scenario", .fn = scenario_load},
    {.method = "GET", .pattern = "stats", .fn = stats},
};

static int ctl_match(const char *pattern, const char *rel, char *arg)
{
    const char *star = strchr(pattern, '*');
    if (!star)
        return strcmp(pattern, rel) == 0;
    size_t pre = (size_t)(star - pattern);
    if (strncmp(pattern, rel, pre) != 0)
        return 0;
    const char *seg = rel + pre;
    size_t n = strcspn(seg, "/");
    if (n == 0 || n >= CTL_MAX_PATH || strcmp(seg + n, star + 1) != 0)
        return 0;
    memcpy(arg, seg, n);
    arg[n] = '\0';
    return 1;
}

/* Parses the POST body as a JSON object into x->body. 0, or replies and -1. */
static int parse_body(struct ctl *x)
{
    const struct sim_rest_req *r = x->req;
    if (!r->body || r->body_len == 0) {
        x->body = cJSON_CreateObject();
        return 0;
    }
    if (memchr(r->body, '\0', r->body_len)) {
        reply_error(x, 400, "bad_request", 0, "the body holds a NUL byte");
        return -1;
    }
    x->body = cJSON_ParseWithLength(r->body, r->body_len);
    if (!cJSON_IsObject(x->body)) {
        reply_error(x, 400, "bad_request", 0, "the body must be a JSON object");
        return -1;
    }
    return 0;
}

void sim_control_handle(struct sim_control *c, const struct sim_rest_req *req,
                        struct sim_rest_resp *resp)
{
    struct ctl x = {.c = c, .req = req, .resp = resp};
    resp->status = 500;
    resp->body = NULL;
    if (!c || !c->sim || !req || !req->method || !req->path ||
        strncmp(req->path, CTL_PREFIX, strlen(CTL_PREFIX)) != 0) {
        reply_error(&x, 404, "not_found", 0, "no such resource");
        return;
    }
    if (req->body_truncated || req->body_len > DT_SIM_REST_MAX_BODY) {
        reply_error(&x, 413, "too_big", 0, "the body is over %d bytes", DT_SIM_REST_MAX_BODY);
        return;
    }
    x.all = req->query && (strcmp(req->query, "all=1") == 0 || strcmp(req->query, "all=true") == 0);
    const char *rel = req->path + strlen(CTL_PREFIX);
    const struct ctl_route *found = NULL;
    int path_known = 0;
    for (size_t i = 0; i < sizeof ctl_routes / sizeof ctl_routes[0] && !found; i++) {
        if (!ctl_match(ctl_routes[i].pattern, rel, x.arg))
            continue;
        path_known = 1;
        if (strcmp(ctl_routes[i].method, req->method) == 0)
            found = &ctl_routes[i];
    }
    if (!found) {
        if (path_known)
            reply_error(&x, 405, "method_not_allowed", 0, "%s is not allowed here",
                        strcmp(req->method, "POST") == 0 ? "POST" : "this method");
        else
            reply_error(&x, 404, "not_found", 0, "no such resource");
        return;
    }
    if (strcmp(req->method, "POST") == 0 && parse_body(&x) < 0) {
        cJSON_Delete(x.body);
        return;
    }
    found->fn(&x);
    cJSON_Delete(x.body);
}
