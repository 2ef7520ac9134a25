/*
 * api_numbers: numbers under review in the daemon (dialtone/store_numbers.h). Each outbound
 * customer's call that ends (not an agent's or a supervisor's leg) counts for its number: a
 * failure with a code the dictionary calls a bad number flags it at once, [retry] flag_after
 * failures in a row (busy, no answer or failed) flag it too, an answered call starts the count
 * again. Supervisors list the flagged numbers (GET /api/v1/numbers/flagged) and review them
 * (POST /api/v1/numbers/{number}/review {"action": "fixed", "replacement": N} or
 * {"action": "dnc"}), stored with who and when and emitted as number.reviewed; a number
 * flagged by this emits number.flagged. Dialing a do-not-call number is refused in api_dial.c.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dialtone/callstate.h"
#include "dialtone/config.h"
#include "dialtone/errors.h"
#include "dialtone/httpd.h"
#include "dialtone/log.h"
#include "dialtone/store.h"
#include "dialtone/store_numbers.h"
#include "dialtone/util.h"
#include "dialtone/valid.h"
#include "server/api_int.h"
#include "server/server_int.h"

#define LIST_MAX 200

const struct errors_entry *api_call_failure(const struct store_call *c)
{
    if (c->error_code > 0 && c->error_code < 1000000)
        return errors_explain((int)c->error_code);
    if (c->sip_code >= 400 && c->sip_code <= 699)
        return errors_lookup_sip((int)c->sip_code);
    switch (c->status) {
    case DT_CALL_BUSY:
        return errors_lookup_sip(486);
    case DT_CALL_NO_ANSWER:
        return errors_lookup_sip(480);
    default:
        return errors_explain(0);
    }
}

/* The customer's side of an outbound call: outbound, no parent, an E.164 number. */
static int customer_call(const struct store_call *c)
{
    return c->direction && strncmp(c->direction, "outbound", 8) == 0 &&
           (!c->parent_sid || !c->parent_sid[0]) && c->to && valid_e164(c->to, strlen(c->to));
}

static cJSON *number_json(const struct store_number *n)
{
    cJSON *o = cJSON_CreateObject();
    char iso[32];
    cJSON_AddStringToObject(o, "number", n->number);
    cJSON_AddStringToObject(o, "state", n->state);
    cJSON_AddStringToObject(o, "reason", n->reason);
    cJSON_AddNumberToObject(o, "code", n->code);
    cJSON_AddNumberToObject(o, "count", n->count);
    cJSON_AddNumberToObject(o, "in_row", n->in_row);
    api_iso_time(n->first_ms, iso);
    cJSON_AddStringToObject(o, "first_seen", iso);
    api_iso_time(n->last_ms, iso);
    cJSON_AddStringToObject(o, "last_seen", iso);
    if (n->reviewer[0]) {
        cJSON_AddStringToObject(o, "reviewer", n->reviewer);
        api_iso_time(n->reviewed_ms, iso);
        cJSON_AddStringToObject(o, "reviewed", iso);
    }
    if (n->replacement[0])
        cJSON_AddStringToObject(o, "replacement", n->replacement);
    return o;
}

void api_numbers_call_ended(struct api *api, const struct store_call *c)
{
    if (!customer_call(c))
        return;
    struct store *st = api->srv->store;
    char err[256];
    int rc = DT_OK, flagged = 0;
    if (c->status == DT_CALL_COMPLETED || c->answered_ms > 0) {
        rc = store_number_succeeded(st, c->to, err, sizeof err);
    } else if (c->status == DT_CALL_FAILED || c->status == DT_CALL_BUSY ||
               c->status == DT_CALL_NO_ANSWER) {
        const struct errors_entry *e = api_call_failure(c);
        int code = e->code ? e->code : (int)(c->error_code > 0 ? c->error_code : 0);
        rc = store_number_failed(st, c->to, code, e->bad_number, api_numbers_flag_after(api),
                                 server_now_ms(), &flagged, err, sizeof err);
    }
    if (rc != DT_OK) {
        log_warn("numbers: counting the call %s: %s", c->sid, err);
        return;
    }
    struct store_number n;
    if (flagged && store_number_get(st, c->to, &n, err, sizeof err) == DT_OK) {
        log_info("numbers: %s flagged for review: %s", c->to, n.reason);
        cJSON *o = number_json(&n);
        cJSON_AddStringToObject(o, "call_sid", c->sid);
        api_emit(api, "number.flagged", o);
        store_number_done(&n);
    }
}

void api_numbers_warn(struct api *api, const char *to, struct cJSON *o)
{
    struct store_number n;
    if (store_number_get(api->srv->store, to, &n, NULL, 0) != DT_OK)
        return;
    if (strcmp(n.state, "flagged") == 0) {
        char *w = xasprintf("this number is flagged for review: %s", n.reason);
        cJSON_AddStringToObject(o, "warning", w);
        free(w);
    } else if (strcmp(n.state, "fixed") == 0 && n.replacement[0]) {
        char *w = xasprintf("this number was replaced by %s", n.replacement);
        cJSON_AddStringToObject(o, "warning", w);
        free(w);
    }
    store_number_done(&n);
}

/* A supervisor, or 0 after answering 403. */
static int supervisor(struct httpd_req *req, const struct store_agent *a)
{
    if (a->role == DT_ROLE_SUPERVISOR)
        return 1;
    api_error(req, 403, "forbidden", "only a supervisor reviews numbers");
    return 0;
}

static void on_flagged(struct httpd_req *req, void *user)
{
    struct api *api = user;
    struct store_agent a;
    if (!api_begin(api, req, &a))
        return;
    struct store_number_list l;
    char err[256];
    if (!supervisor(req, &a)) {
        /* answered */
    } else if (store_number_flagged(api->srv->store, LIST_MAX, &l, err, sizeof err) != DT_OK) {
        api_error(req, 503, "unavailable", "the database is not answering");
    } else {
        cJSON *o = cJSON_CreateObject();
        cJSON *arr = cJSON_AddArrayToObject(o, "numbers");
        for (size_t i = 0; i < l.count; i++)
            cJSON_AddItemToArray(arr, number_json(&l.items[i]));
        api_json(req, 200, o);
        cJSON_Delete(o);
        store_number_list_done(&l);
    }
    store_agent_done(&a);
}

/* The {number} of /api/v1/numbers/{number}/review into out; 0 when it is not one. */
static int path_number(const char *path, char *out, size_t outsz)
{
    const char *prefix = "/api/v1/numbers/", *suffix = "/review";
    size_t np = strlen(prefix), ns = strlen(suffix), n = strlen(path);
    if (n <= np + ns || strncmp(path, prefix, np) != 0 || strcmp(path + n - ns, suffix) != 0)
        return 0;
    size_t len = n - np - ns;
    const char *num = path + np;
    if (len >= 4 && strncmp(num, "%2B", 3) == 0) { /* a '+' escaped */
        if (len - 2 >= outsz)
            return 0;
        out[0] = '+';
        memcpy(out + 1, num + 3, len - 3);
        out[len - 2] = '\0';
    } else {
        if (len >= outsz)
            return 0;
        memcpy(out, num, len);
        out[len] = '\0';
    }
    return valid_e164(out, strlen(out));
}

static void review(struct api *api, struct httpd_req *req, const struct store_agent *a,
                   const char *number, const cJSON *body)
{
    const char *action = cJSON_GetStringValue(cJSON_GetObjectItem(body, "action"));
    const char *repl = cJSON_GetStringValue(cJSON_GetObjectItem(body, "replacement"));
    int fixed = action && strcmp(action, "fixed") == 0;
    char err[256];
    if (!action || (!fixed && strcmp(action, "dnc") != 0)) {
        api_error(req, 400, "bad_request", "action must be \"fixed\" or \"dnc\"");
        return;
    }
    if (fixed && (!repl || !valid_e164(repl, strlen(repl)) || strcmp(repl, number) == 0)) {
        api_error(req, 400, "bad_number", "fixed needs a replacement: another E.164 number");
        return;
    }
    int rc = store_number_review(api->srv->store, number, action, fixed ? repl : NULL, a->name,
                                 server_now_ms(), err, sizeof err);
    if (rc == DT_ENOTFOUND) {
        api_error(req, 404, "not_found", "no call to that number has failed");
        return;
    }
    struct store_number n;
    if (rc != DT_OK || store_number_get(api->srv->store, number, &n, err, sizeof err) != DT_OK) {
        api_error(req, 503, "unavailable", "the database is not answering");
        return;
    }
    cJSON *o = number_json(&n);
    api_json(req, 200, o);
    api_emit(api, "number.reviewed", o); /* taken */
    store_number_done(&n);
}

static void on_review(struct httpd_req *req, void *user)
{
    struct api *api = user;
    struct store_agent a;
    if (!api_begin(api, req, &a))
        return;
    char number[40];
    cJSON *body = NULL;
    if (!path_number(httpd_req_path(req), number, sizeof number))
        api_error(req, 404, "not_found", "no such resource: /api/v1/numbers/{number}/review");
    else if (supervisor(req, &a) && (body = api_body(req)) != NULL)
        review(api, req, &a, number, body);
    cJSON_Delete(body);
    store_agent_done(&a);
}

static const struct httpd_route routes[] = {
    {.method = "GET", .path = "/api/v1/numbers/flagged", .fn = on_flagged},
    {.method = "POST", .path = "/api/v1/numbers/", .prefix = 1, .fn = on_review},
};

int api_numbers_routes(struct api *api, char *err, size_t errlen)
{
    if (httpd_add_routes(server_httpd(api->srv), routes, sizeof routes / sizeof routes[0], api) !=
        DT_OK)
        return dt_seterr(err, errlen, DT_EINVAL, "bad numbers route table");
    return DT_OK;
}
