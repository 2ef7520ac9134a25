/*
 * rest_json: the emulator's resources as Twilio's JSON: field names, RFC 2822 dates, prices and
 * durations as strings, `uri` and `subresource_uris`, null where Twilio has null.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dialtone/sig.h"
#include "dialtone/util.h"
#include "sim/rest_int.h"

/* ---- formats ------------------------------------------------------------------------------ */

char *sim_rest_date(long long ms, char out[32])
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    struct tm tm;
    if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 0) {
        dt_strlcpy(out, "Thu, 01 Jan 1970 00:00:00 +0000", 32);
        return out;
    }
    char buf[96];
    snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday % 7],
             tm.tm_mday, months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
             tm.tm_sec);
    dt_strlcpy(out, buf, 32);
    return out;
}

void rest_add_date(cJSON *o, const char *key, int64_t ms)
{
    char buf[32];
    if (ms == 0)
        cJSON_AddNullToObject(o, key);
    else
        cJSON_AddStringToObject(o, key, sim_rest_date(ms, buf));
}

void rest_add_str(cJSON *o, const char *key, const char *s)
{
    if (!s || !s[0])
        cJSON_AddNullToObject(o, key);
    else
        cJSON_AddStringToObject(o, key, s);
}

void rest_add_int(cJSON *o, const char *key, long long v)
{
    cJSON_AddNumberToObject(o, key, (double)v);
}

void rest_add_bool(cJSON *o, const char *key, int v)
{
    cJSON_AddBoolToObject(o, key, v ? 1 : 0);
}

void rest_add_price(cJSON *o, const char *key, double price)
{
    char buf[48];
    if (price < 0 || price != price || price > 1e12) {
        cJSON_AddNullToObject(o, key);
        return;
    }
    /* Twilio reports what a call cost as a negative amount */
    snprintf(buf, sizeof buf, price == 0 ? "%.5f" : "-%.5f", price);
    cJSON_AddStringToObject(o, key, buf);
}

static char *vuri(const struct rest_ctx *c, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static char *vuri(const struct rest_ctx *c, const char *fmt, va_list ap)
{
    char *rest = xvasprintf(fmt, ap);
    char *u = xasprintf("/%s/Accounts/%s%s", REST_API_VERSION, c->account, rest);
    free(rest);
    return u;
}

char *rest_uri(const struct rest_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *u = vuri(c, fmt, ap);
    va_end(ap);
    return u;
}

void rest_add_uri(cJSON *o, const char *key, const struct rest_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *u = vuri(c, fmt, ap);
    va_end(ap);
    cJSON_AddStringToObject(o, key, u);
    free(u);
}

void rest_add_formatted(cJSON *o, const char *key, const char *number)
{
    if (!number) {
        cJSON_AddNullToObject(o, key);
        return;
    }
    int nanp = strlen(number) == 12 && number[0] == '+' && number[1] == '1';
    for (size_t i = 2; nanp && i < 12; i++)
        nanp = number[i] >= '0' && number[i] <= '9';
    if (!nanp) {
        cJSON_AddStringToObject(o, key, number);
        return;
    }
    char buf[20];
    snprintf(buf, sizeof buf, "(%.3s) %.3s-%.4s", number + 2, number + 5, number + 8);
    cJSON_AddStringToObject(o, key, buf);
}

const char *rest_call_status(enum callstate_status st)
{
    return st == DT_CALL_INITIATED ? "queued" : callstate_name(st);
}

const char *rest_direction(enum sim_direction d)
{
    switch (d) {
    case DT_SIM_INBOUND:
        return "inbound";
    case DT_SIM_OUTBOUND_API:
        return "outbound-api";
    case DT_SIM_OUTBOUND_DIAL:
        return "outbound-dial";
    }
    return "inbound";
}

/* A phone number's PN sid: derived from the account and the number, so it is stable. */
static void add_phone_number_sid(cJSON *o, const struct rest_ctx *c, const char *number)
{
    if (!number || !c->sc || !sim_scenario_number(c->sc, number)) {
        cJSON_AddNullToObject(o, "phone_number_sid");
        return;
    }
    char *seed = xasprintf("%s:%s", c->account, number);
    char hex[DT_SIG_SHA256_HEX_BUFSZ];
    sig_sha256_hex(seed, strlen(seed), hex);
    free(seed);
    char sid[DT_SIM_SID_LEN + 1];
    snprintf(sid, sizeof sid, "PN%.32s", hex);
    cJSON_AddStringToObject(o, "phone_number_sid", sid);
}

/* ---- resources ----------------------------------------------------------------------------- */

static const char *const call_subresources[][2] = {
    {"feedback", "Feedback"},
    {"user_defined_messages", "UserDefinedMessages"},
    {"notifications", "Notifications"},
    {"recordings", "Recordings"},
    {"streams", "Streams"},
    {"payments", "Payments"},
    {"user_defined_message_subscriptions", "UserDefinedMessageSubscriptions"},
    {"siprec", "Siprec"},
    {"events", "Events"},
};

cJSON *rest_call_json(const struct rest_ctx *c, const struct sim_call *call)
{
    cJSON *o = cJSON_CreateObject();
    char buf[32];
    rest_add_str(o, "account_sid", c->account);
    rest_add_str(o, "answered_by", call->answered_by);
    rest_add_str(o, "api_version", REST_API_VERSION);
    rest_add_str(o, "caller_name", call->caller_name);
    rest_add_date(o, "date_created", call->created_ms);
    rest_add_date(o, "date_updated", call->updated_ms ? call->updated_ms : call->created_ms);
    rest_add_str(o, "direction", rest_direction(call->direction));
    if (call->end_ms) {
        snprintf(buf, sizeof buf, "%d", call->duration_s);
        rest_add_str(o, "duration", buf);
    } else {
        cJSON_AddNullToObject(o, "duration");
    }
    rest_add_date(o, "end_time", call->end_ms);
    cJSON_AddNullToObject(o, "forwarded_from");
    rest_add_str(o, "from", call->from);
    rest_add_formatted(o, "from_formatted", call->from);
    cJSON_AddNullToObject(o, "group_sid");
    rest_add_str(o, "parent_call_sid", call->parent_sid);
    add_phone_number_sid(o, c, call->direction == DT_SIM_INBOUND ? call->to : call->from);
    rest_add_price(o, "price", call->end_ms ? call->price : -1);
    rest_add_str(o, "price_unit", call->price_unit ? call->price_unit : "USD");
    /* Twilio's queue_time: milliseconds the call waited before it was placed */
    snprintf(buf, sizeof buf, "%lld",
             call->start_ms > call->created_ms ? (long long)(call->start_ms - call->created_ms)
                                               : 0LL);
    rest_add_str(o, "queue_time", buf);
    rest_add_str(o, "sid", call->sid);
    rest_add_date(o, "start_time", call->start_ms);
    rest_add_str(o, "status", rest_call_status(call->status));
    cJSON *sub = cJSON_AddObjectToObject(o, "subresource_uris");
    for (size_t i = 0; i < sizeof call_subresources / sizeof call_subresources[0]; i++)
        rest_add_uri(sub, call_subresources[i][0], c, "/Calls/%s/%s.json", call->sid,
                     call_subresources[i][1]);
    rest_add_str(o, "to", call->to);
    rest_add_formatted(o, "to_formatted", call->to);
    cJSON_AddNullToObject(o, "trunk_sid");
    rest_add_uri(o, "uri", c, "/Calls/%s.json", call->sid);
    return o;
}

/* Twilio's average_wait_time: over the members waiting now, at the time of the request. */
static int average_wait(const struct rest_ctx *c, const char *queue_sid)
{
    size_t n = sim_member_count(c->s, queue_sid);
    long long sum = 0;
    size_t got = 0;
    for (size_t i = 0; i < n; i++) {
        struct sim_member m;
        if (sim_member_at(c->s, queue_sid, i, &m) == 0) {
            sum += m.wait_time_s;
            got++;
        }
    }
    return got ? (int)(sum / (long long)got) : 0;
}

cJSON *rest_queue_json(const struct rest_ctx *c, const struct sim_queue *q)
{
    cJSON *o = cJSON_CreateObject();
    rest_add_str(o, "account_sid", c->account);
    rest_add_int(o, "average_wait_time", average_wait(c, q->sid));
    rest_add_int(o, "current_size", sim_queue_size(c->s, q->sid));
    rest_add_date(o, "date_created", q->created_ms);
    rest_add_date(o, "date_updated", q->updated_ms ? q->updated_ms : q->created_ms);
    rest_add_str(o, "friendly_name", q->friendly_name);
    rest_add_int(o, "max_size", q->max_size);
    rest_add_str(o, "sid", q->sid);
    rest_add_uri(o, "uri", c, "/Queues/%s.json", q->sid);
    return o;
}

cJSON *rest_member_json(const struct rest_ctx *c, const struct sim_member *m)
{
    cJSON *o = cJSON_CreateObject();
    rest_add_str(o, "call_sid", m->call_sid);
    rest_add_date(o, "date_enqueued", m->enqueued_ms);
    rest_add_int(o, "position", m->position);
    rest_add_str(o, "queue_sid", m->queue_sid);
    rest_add_uri(o, "uri", c, "/Queues/%s/Members/%s.json", m->queue_sid, m->call_sid);
    rest_add_int(o, "wait_time", m->wait_time_s);
    return o;
}

cJSON *rest_conference_json(const struct rest_ctx *c, const struct sim_conference *cf)
{
    cJSON *o = cJSON_CreateObject();
    rest_add_str(o, "account_sid", c->account);
    rest_add_str(o, "api_version", REST_API_VERSION);
    rest_add_str(o, "call_sid_ending_conference", cf->call_sid_ending);
    rest_add_date(o, "date_created", cf->created_ms);
    rest_add_date(o, "date_updated", cf->updated_ms ? cf->updated_ms : cf->created_ms);
    rest_add_str(o, "friendly_name", cf->friendly_name);
    rest_add_str(o, "reason_conference_ended", cf->reason_ended);
    rest_add_str(o, "region", "us1");
    rest_add_str(o, "sid", cf->sid);
    rest_add_str(o, "status", cf->status);
    cJSON *sub = cJSON_AddObjectToObject(o, "subresource_uris");
    rest_add_uri(sub, "participants", c, "/Conferences/%s/Participants.json", cf->sid);
    rest_add_uri(sub, "recordings", c, "/Conferences/%s/Recordings.json", cf->sid);
    rest_add_uri(o, "uri", c, "/Conferences/%s.json", cf->sid);
    return o;
}

cJSON *rest_participant_json(const struct rest_ctx *c, const struct sim_participant *p)
{
    cJSON *o = cJSON_CreateObject();
    rest_add_str(o, "account_sid", c->account);
    rest_add_str(o, "call_sid", p->call_sid);
    rest_add_str(o, "call_sid_to_coach", p->call_sid_to_coach);
    rest_add_bool(o, "coaching", p->coaching);
    rest_add_str(o, "conference_sid", p->conference_sid);
    rest_add_date(o, "date_created", p->created_ms);
    rest_add_date(o, "date_updated", p->updated_ms ? p->updated_ms : p->created_ms);
    rest_add_bool(o, "end_conference_on_exit", p->end_conference_on_exit);
    rest_add_bool(o, "hold", p->hold);
    rest_add_str(o, "label", p->label);
    rest_add_bool(o, "muted", p->muted);
    cJSON_AddNullToObject(o, "queue_time");
    rest_add_bool(o, "start_conference_on_enter", p->start_conference_on_enter);
    rest_add_str(o, "status", p->status);
    rest_add_uri(o, "uri", c, "/Conferences/%s/Participants/%s.json", p->conference_sid,
                 p->call_sid);
    return o;
}

cJSON *rest_recording_json(const struct rest_ctx *c, const struct sim_recording *r,
                           enum rest_rec_view view)
{
    cJSON *o = cJSON_CreateObject();
    char buf[32];
    int64_t updated = r->created_ms;
    if (r->duration_s >= 0 && r->start_ms + (int64_t)r->duration_s * 1000 > updated)
        updated = r->start_ms + (int64_t)r->duration_s * 1000;
    rest_add_str(o, "account_sid", c->account);
    rest_add_str(o, "api_version", REST_API_VERSION);
    rest_add_str(o, "call_sid", r->call_sid);
    rest_add_int(o, "channels", r->channels > 0 ? r->channels : 1);
    rest_add_str(o, "conference_sid", r->conference_sid);
    rest_add_date(o, "date_created", r->created_ms);
    rest_add_date(o, "date_updated", updated);
    snprintf(buf, sizeof buf, "%d", r->duration_s < 0 ? -1 : r->duration_s);
    rest_add_str(o, "duration", buf);
    cJSON_AddNullToObject(o, "encryption_details");
    if (r->error_code)
        rest_add_int(o, "error_code", r->error_code);
    else
        cJSON_AddNullToObject(o, "error_code");
    if (view == REST_REC_CALL) {
        /* this view's price is a number in Twilio's description */
        if (r->price < 0)
            cJSON_AddNullToObject(o, "price");
        else
            cJSON_AddNumberToObject(o, "price", -r->price);
    } else {
        rest_add_price(o, "price", r->price);
    }
    rest_add_str(o, "price_unit", "USD");
    rest_add_str(o, "sid", r->sid);
    rest_add_str(o, "source", r->source);
    rest_add_date(o, "start_time", r->start_ms ? r->start_ms : r->created_ms);
    rest_add_str(o, "status", r->status);
    if (view == REST_REC_CALL) {
        rest_add_str(o, "track", "both");
        rest_add_uri(o, "uri", c, "/Calls/%s/Recordings/%s.json", r->call_sid, r->sid);
    } else if (view == REST_REC_CONFERENCE) {
        rest_add_uri(o, "uri", c, "/Conferences/%s/Recordings/%s.json", r->conference_sid, r->sid);
    } else {
        char *u = xasprintf("https://api.twilio.com/%s/Accounts/%s/Recordings/%s", REST_API_VERSION,
                            c->account, r->sid);
        cJSON_AddStringToObject(o, "media_url", u);
        free(u);
        cJSON *sub = cJSON_AddObjectToObject(o, "subresource_uris");
        rest_add_uri(sub, "add_on_results", c, "/Recordings/%s/AddOnResults.json", r->sid);
        rest_add_uri(sub, "transcriptions", c, "/Recordings/%s/Transcriptions.json", r->sid);
        rest_add_uri(o, "uri", c, "/Recordings/%s.json", r->sid);
    }
    return o;
}

static const char *const account_subresources[][2] = {
    {"calls", "Calls"},
    {"conferences", "Conferences"},
    {"queues", "Queues"},
    {"recordings", "Recordings"},
};

cJSON *rest_account_json(const struct rest_ctx *c)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNullToObject(o, "date_created");
    cJSON_AddNullToObject(o, "date_updated");
    rest_add_str(o, "friendly_name", "dialtone sim");
    rest_add_str(o, "owner_account_sid", c->account);
    rest_add_str(o, "sid", c->account);
    rest_add_str(o, "status", "active");
    cJSON *sub = cJSON_AddObjectToObject(o, "subresource_uris");
    for (size_t i = 0; i < sizeof account_subresources / sizeof account_subresources[0]; i++)
        rest_add_uri(sub, account_subresources[i][0], c, "/%s.json", account_subresources[i][1]);
    rest_add_str(o, "type", "Full");
    rest_add_uri(o, "uri", c, ".json");
    return o;
}
