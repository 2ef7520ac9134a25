/*
 * webhooks: the table of webhook paths and handlers, and what the handlers share: Twilio's
 * parameters read into a store update, applying it with its event, the daemon's URLs. See
 * dialtone/webhooks.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dialtone/calljson.h"
#include "dialtone/config.h"
#include "dialtone/form.h"
#include "dialtone/log.h"
#include "dialtone/util.h"
#include "server/server_int.h"
#include "server/webhooks_int.h"

typedef int (*hook_fn)(const struct webhooks_ctx *c, const struct webhooks_req *r, char **twiml,
                       char *err, size_t errlen);

static const struct {
    const char *path;
    hook_fn fn;
} hooks[DT_HOOK_COUNT] = {
    [DT_HOOK_VOICE] = {.path = "/twilio/voice", .fn = hook_voice},
    [DT_HOOK_IVR] = {.path = "/twilio/ivr", .fn = hook_ivr},
    [DT_HOOK_WAIT] = {.path = "/twilio/wait", .fn = hook_wait},
    [DT_HOOK_ENQUEUE] = {.path = "/twilio/enqueue", .fn = hook_enqueue},
    [DT_HOOK_VOICEMAIL] = {.path = "/twilio/voicemail", .fn = hook_voicemail},
    [DT_HOOK_STATUS] = {.path = "/twilio/status", .fn = hook_status},
    [DT_HOOK_CONFERENCE] = {.path = "/twilio/conference", .fn = hook_conference},
    [DT_HOOK_RECORDING] = {.path = "/twilio/recording", .fn = hook_recording},
    [DT_HOOK_AMD] = {.path = "/twilio/amd", .fn = hook_amd},
    [DT_HOOK_JOIN] = {.path = "/twilio/join", .fn = hook_join},
};

const char webhooks_empty_twiml[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";

const char *webhooks_path(enum webhooks_kind kind)
{
    return (unsigned)kind < DT_HOOK_COUNT ? hooks[kind].path : "";
}

int webhooks_kind_of(const char *path, enum webhooks_kind *out)
{
    for (int i = 0; path && i < DT_HOOK_COUNT; i++) {
        if (strcmp(hooks[i].path, path) == 0) {
            *out = (enum webhooks_kind)i;
            return DT_OK;
        }
    }
    return DT_ENOTFOUND;
}

int webhooks_handle(const struct webhooks_ctx *c, const struct webhooks_req *r, char **twiml,
                    char *err, size_t errlen)
{
    *twiml = NULL;
    if ((unsigned)r->kind >= DT_HOOK_COUNT || !r->params)
        return dt_seterr(err, errlen, DT_EINVAL, "unknown webhook");
    return hooks[r->kind].fn(c, r, twiml, err, errlen);
}

/* ---- parameters ------------------------------------------------------------------------------ */

const char *hook_param(const struct webhooks_req *r, const char *key)
{
    const char *v = form_get(r->params, key);
    return v && *v ? v : NULL;
}

int64_t hook_int(const struct webhooks_req *r, const char *key)
{
    const char *v = hook_param(r, key);
    if (!v || strlen(v) > 9)
        return STORE_ABSENT;
    int64_t n = 0;
    for (const char *p = v; *p; p++) {
        if (*p < '0' || *p > '9')
            return STORE_ABSENT;
        n = n * 10 + (*p - '0');
    }
    return n;
}

void hook_update_init(const struct webhooks_ctx *c, const struct webhooks_req *r, const char *type,
                      struct store_call_update *u)
{
    store_call_update_init(u);
    u->sid = hook_param(r, "CallSid");
    u->type = type;
    u->status = hook_param(r, "CallStatus");
    u->seq = hook_int(r, "SequenceNumber");
    u->ts_ms = c->now_ms;
    u->payload = r->body ? r->body : "";
    u->payload_len = r->body ? r->body_len : 0;
    u->parent_sid = hook_param(r, "ParentCallSid");
    u->account_sid = hook_param(r, "AccountSid");
    u->direction = hook_param(r, "Direction");
    u->from = hook_param(r, "From");
    u->to = hook_param(r, "To");
    u->caller_name = hook_param(r, "CallerName");
    u->error_code = hook_int(r, "ErrorCode");
    u->error_message = hook_param(r, "ErrorMessage");
    u->sip_code = hook_int(r, "SipResponseCode");
    u->answered_by = hook_param(r, "AnsweredBy");
    u->duration_s = hook_int(r, "CallDuration");
    u->price = hook_param(r, "Price");
    u->price_unit = hook_param(r, "PriceUnit");
}

/* ---- applying and events --------------------------------------------------------------------- */

void hook_emit_call(const struct webhooks_ctx *c, const char *type, const char *sid, cJSON *extra)
{
    if (!c->emit && !c->emit_json) {
        cJSON_Delete(extra);
        return;
    }
    cJSON *data = extra ? extra : cJSON_CreateObject();
    struct store_call *call = xmalloc(sizeof *call);
    char err[256];
    if (sid && store_call_get(c->store, sid, call, err, sizeof err) == DT_OK) {
        cJSON_AddItemToObject(data, "call", calljson_new(call));
    } else {
        free(call);
        call = NULL;
        cJSON_AddNullToObject(data, "call");
    }
    char *text = server_json_print(data, NULL);
    if (!text)
        text = cJSON_PrintUnformatted(data);
    if (!text)
        abort(); /* cJSON fails only on out-of-memory */
    int rc;
    if (c->emit_json) {
        /* the tree and the call go with the event */
        rc = c->emit_json(c->emit_user, type, text, data, call);
    } else {
        cJSON_Delete(data);
        store_call_done(call);
        free(call);
        rc = c->emit(c->emit_user, type, text);
    }
    if (rc != DT_OK)
        log_error("webhooks: cannot emit %s for %s: %s", type, sid ? sid : "-", dt_strerror(rc));
    free(text);
}

int hook_apply(const struct webhooks_ctx *c, const struct store_call_update *u,
               const char *event_type, char *err, size_t errlen)
{
    struct store_apply_result res;
    int rc = store_call_apply(c->store, u, &res, err, errlen);
    if (rc != DT_OK || res.duplicate)
        return rc;
    const char *type = event_type;
    if (res.has_status && res.merge == DT_MERGE_APPLY) {
        enum callstate_status st;
        if (callstate_parse(u->status, &st) == DT_OK && callstate_is_final(st))
            type = "call.ended";
    }
    hook_emit_call(c, type, u->sid, NULL);
    return DT_OK;
}

char *hook_url(const struct webhooks_ctx *c, enum webhooks_kind kind, const char *queue)
{
    if (queue)
        return xasprintf("%s%s?queue=%s", c->cfg->twilio.public_base_url, webhooks_path(kind),
                         queue);
    return xasprintf("%s%s", c->cfg->twilio.public_base_url, webhooks_path(kind));
}
