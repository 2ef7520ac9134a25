/*
 * calljson: a stored call as JSON (see dialtone/calljson.h).
 */
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "dialtone/calljson.h"
#include "dialtone/callstate.h"
#include "dialtone/errors.h"
#include "dialtone/store.h"
#include "dialtone/util.h"

static void put_str(cJSON *o, const char *key, const char *v)
{
    if (v)
        cJSON_AddStringToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

static void put_int(cJSON *o, const char *key, int64_t v)
{
    if (v >= 0)
        cJSON_AddNumberToObject(o, key, (double)v);
    else
        cJSON_AddNullToObject(o, key);
}

/* The dictionary's reading of the call's failure: its error code, else its SIP code. */
static const struct errors_entry *explain(const struct store_call *c)
{
    if (c->error_code > 0 && c->error_code < 1000000)
        return errors_explain((int)c->error_code);
    if (c->sip_code >= 400 && c->sip_code <= 699)
        return errors_lookup_sip((int)c->sip_code);
    return NULL;
}

static cJSON *error_json(const struct store_call *c)
{
    const struct errors_entry *e = explain(c);
    if (!e)
        return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    put_int(o, "code", c->error_code);
    put_str(o, "message", c->error_message ? c->error_message : e->message);
    put_int(o, "sip_code", c->sip_code);
    cJSON_AddStringToObject(o, "category", errors_category_name(e->category));
    cJSON_AddStringToObject(o, "category_label", errors_category_label(e->category));
    cJSON_AddStringToObject(o, "action", e->action);
    cJSON_AddBoolToObject(o, "retryable", e->retryable);
    cJSON_AddBoolToObject(o, "bad_number", e->bad_number);
    return o;
}

static cJSON *recording_json(const struct store_call *c)
{
    if (!c->recording_sid && !c->recording_url && !c->recording_status)
        return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    put_str(o, "sid", c->recording_sid);
    put_str(o, "url", c->recording_url);
    put_str(o, "status", c->recording_status);
    put_int(o, "duration", c->recording_duration_s);
    put_int(o, "channels", c->recording_channels);
    put_str(o, "source", c->recording_source);
    return o;
}

static const char *outcome_of(const struct store_call *c)
{
    if (!c->has_status)
        return NULL;
    struct callstate_facts f = {
        .status = c->status,
        .error_code = c->error_code > 0 && c->error_code < 1000000 ? (int)c->error_code : 0,
        .sip_code = c->sip_code > 0 && c->sip_code < 1000 ? (int)c->sip_code : 0,
        .answered_by = c->answered_by,
        .queue_result = c->queue_result,
    };
    return callstate_outcome_label(callstate_outcome(&f));
}

cJSON *calljson_new(const struct store_call *c)
{
    cJSON *o = cJSON_CreateObject();
    put_str(o, "sid", c->sid);
    put_str(o, "parent_sid", c->parent_sid);
    put_str(o, "direction", c->direction);
    put_str(o, "from", c->from);
    put_str(o, "to", c->to);
    put_str(o, "caller_name", c->caller_name);
    put_str(o, "queue", c->queue);
    put_str(o, "agent", c->agent);
    put_str(o, "conference", c->conference);
    put_str(o, "conference_sid", c->conference_sid);
    put_str(o, "status", c->has_status ? callstate_name(c->status) : NULL);
    put_str(o, "outcome", outcome_of(c));
    put_str(o, "answered_by", c->answered_by);
    put_str(o, "queue_result", c->queue_result);
    put_int(o, "queue_time", c->queue_time_s);
    put_int(o, "duration", c->duration_s);
    put_str(o, "price", c->price);
    put_str(o, "price_unit", c->price_unit);
    cJSON_AddItemToObject(o, "error", error_json(c));
    cJSON_AddItemToObject(o, "recording", recording_json(c));
    put_int(o, "created_ms", c->created_ms);
    put_int(o, "answered_ms", c->answered_ms);
    put_int(o, "ended_ms", c->ended_ms);
    put_int(o, "updated_ms", c->updated_ms);
    return o;
}
