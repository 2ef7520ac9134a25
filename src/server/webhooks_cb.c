/*
 * webhooks_cb: the callbacks Twilio sends to tell rather than ask: call status, conference,
 * recording and answering-machine detection. Each is stored (and an event emitted) and
 * answered with an empty <Response/>. See dialtone/webhooks.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dialtone/util.h"
#include "server/webhooks_int.h"

#define TYPE_BUF 64

static int empty(char **twiml)
{
    *twiml = xstrdup(webhooks_empty_twiml);
    return DT_OK;
}

int hook_status(const struct webhooks_ctx *c, const struct webhooks_req *r, char **twiml, char *err,
                size_t errlen)
{
    struct store_call_update u;
    hook_update_init(c, r, "status", &u);
    if (!u.sid)
        return dt_seterr(err, errlen, DT_EINVAL, "no CallSid");
    if (!u.status)
        return dt_seterr(err, errlen, DT_EINVAL, "no CallStatus");
    u.recording_sid = hook_param(r, "RecordingSid");
    u.recording_url = hook_param(r, "RecordingUrl");
    u.recording_duration_s = hook_int(r, "RecordingDuration");
    int rc = hook_apply(c, &u, "call.updated", err, errlen);
    return rc == DT_OK ? empty(twiml) : rc;
}

int hook_amd(const struct webhooks_ctx *c, const struct webhooks_req *r, char **twiml, char *err,
             size_t errlen)
{
    struct store_call_update u;
    hook_update_init(c, r, "amd", &u);
    if (!u.sid)
        return dt_seterr(err, errlen, DT_EINVAL, "no CallSid");
    if (!u.answered_by)
        return dt_seterr(err, errlen, DT_EINVAL, "no AnsweredBy");
    u.status = NULL; /* the detection's view of the call is not a status callback */
    int rc = hook_apply(c, &u, "call.updated", err, errlen);
    return rc == DT_OK ? empty(twiml) : rc;
}

/*
 * Conference callbacks carry the participant's CallSid (not on conference-start and -end),
 * the ConferenceSid, the FriendlyName (the daemon's room) and a SequenceNumber per
 * conference. A participant's call learns its conference from every callback but its leaving
 * (a late leave from a conference the call left must not take it back there); every callback
 * is an event. The stored event's type names the conference: a call that leaves for a queue
 * and comes back joins a new conference of the same name whose numbers start over, and its
 * callbacks are not repeats of the old one's.
 */
int hook_conference(const struct webhooks_ctx *c, const struct webhooks_req *r, char **twiml,
                    char *err, size_t errlen)
{
    const char *event = hook_param(r, "StatusCallbackEvent");
    const char *csid = hook_param(r, "ConferenceSid");
    if (!event || !csid)
        return dt_seterr(err, errlen, DT_EINVAL, "no StatusCallbackEvent or ConferenceSid");
    const char *sid = hook_param(r, "CallSid");
    struct store_apply_result res = {.duplicate = 0};
    if (sid) {
        char type[TYPE_BUF];
        snprintf(type, sizeof type, "conference:%.40s", csid);
        int leave = strcmp(event, "participant-leave") == 0;
        struct store_call_update u;
        hook_update_init(c, r, type, &u);
        u.status = NULL; /* ParticipantCallStatus is the participant's, not a CallStatus */
        u.error_code = u.sip_code = STORE_ABSENT;
        u.conference = leave ? NULL : hook_param(r, "FriendlyName");
        u.conference_sid = leave ? NULL : csid;
        int rc = store_call_apply(c->store, &u, &res, err, errlen);
        if (rc != DT_OK)
            return rc;
    }
    if (!res.duplicate) {
        cJSON *extra = cJSON_CreateObject();
        cJSON_AddStringToObject(extra, "event", event);
        cJSON_AddStringToObject(extra, "conference_sid", csid);
        const char *name = hook_param(r, "FriendlyName");
        if (name)
            cJSON_AddStringToObject(extra, "conference", name);
        else
            cJSON_AddNullToObject(extra, "conference");
        if (sid)
            cJSON_AddStringToObject(extra, "call_sid", sid);
        else
            cJSON_AddNullToObject(extra, "call_sid");
        hook_emit_call(c, "conference.updated", sid, extra);
    }
    return empty(twiml);
}

/* Applies a recording callback to call sid. The event type names the recording, so that two
 * recordings of one call that both complete are two events, not a duplicate. */
static int apply_recording(const struct webhooks_ctx *c, const struct webhooks_req *r,
                           const char *sid, char *err, size_t errlen)
{
    char type[TYPE_BUF];
    const char *rsid = hook_param(r, "RecordingSid");
    snprintf(type, sizeof type, "recording%s%.40s", rsid ? ":" : "", rsid ? rsid : "");
    struct store_call_update u;
    hook_update_init(c, r, type, &u);
    u.sid = sid;
    u.status = NULL;
    u.error_code = u.sip_code = STORE_ABSENT; /* a recording's error is not the call's */
    u.error_message = NULL;
    u.recording_sid = rsid;
    u.recording_url = hook_param(r, "RecordingUrl");
    u.recording_status = hook_param(r, "RecordingStatus");
    u.recording_duration_s = hook_int(r, "RecordingDuration");
    u.recording_channels = hook_int(r, "RecordingChannels");
    u.recording_source = hook_param(r, "RecordingSource");
    u.conference_sid = hook_param(r, "ConferenceSid");
    return hook_apply(c, &u, "call.updated", err, errlen);
}

int hook_recording(const struct webhooks_ctx *c, const struct webhooks_req *r, char **twiml,
                   char *err, size_t errlen)
{
    if (!hook_param(r, "RecordingSid") || !hook_param(r, "RecordingStatus"))
        return dt_seterr(err, errlen, DT_EINVAL, "no RecordingSid or RecordingStatus");
    const char *sid = hook_param(r, "CallSid");
    const char *csid = hook_param(r, "ConferenceSid");
    if (sid) {
        int rc = apply_recording(c, r, sid, err, errlen);
        return rc == DT_OK ? empty(twiml) : rc;
    }
    if (!csid)
        return dt_seterr(err, errlen, DT_EINVAL, "no CallSid or ConferenceSid");
    /* A conference's recording: every call known to have been in it gets it. */
    struct store_sid_list l;
    int rc = store_calls_in_conference(c->store, csid, &l, err, errlen);
    for (size_t i = 0; rc == DT_OK && i < l.count; i++)
        rc = apply_recording(c, r, l.items[i], err, errlen);
    store_sid_list_done(&l);
    return rc == DT_OK ? empty(twiml) : rc;
}
