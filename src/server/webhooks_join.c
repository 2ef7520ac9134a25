/*
 * webhooks_join: /twilio/join?room=R, the TwiML a caller taken out of a queue is sent to (the
 * Queue Members update's Url): the caller joins conference R, recorded from the start, with
 * the conference's and the recording's callbacks coming back to the daemon. The caller does
 * not start the conference (it waits with Twilio's hold music until the agent's leg, who
 * does, arrives) and ends it on leaving. See dialtone/webhooks.h.
 */
#include <stdlib.h>
#include <string.h>

#include "dialtone/twiml.h"
#include "dialtone/util.h"
#include "server/webhooks_int.h"

static int room_ok(const char *room)
{
    size_t n = room ? strlen(room) : 0;
    if (n == 0 || n > WEBHOOKS_ROOM_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char ch = room[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '-' || ch == '_' || ch == '.'))
            return 0;
    }
    return 1;
}

int hook_join(const struct webhooks_ctx *c, const struct webhooks_req *r, char **twiml, char *err,
              size_t errlen)
{
    if (!hook_param(r, "CallSid"))
        return dt_seterr(err, errlen, DT_EINVAL, "no CallSid");
    if (!room_ok(r->room))
        return dt_seterr(err, errlen, DT_EINVAL,
                         "room= must be 1-%d letters, digits, '-', '_' "
                         "or '.'",
                         WEBHOOKS_ROOM_MAX);
    struct store_call_update u;
    hook_update_init(c, r, "join", &u);
    u.conference = r->room;
    int rc = hook_apply(c, &u, "call.updated", err, errlen);
    if (rc != DT_OK)
        return rc;
    char *conf_cb = hook_url(c, DT_HOOK_CONFERENCE, NULL);
    char *rec_cb = hook_url(c, DT_HOOK_RECORDING, NULL);
    const struct twiml_attr conf[] = {
        {.name = "startConferenceOnEnter", .value = "false"},
        {.name = "endConferenceOnExit", .value = "true"},
        {.name = "beep", .value = "false"},
        {.name = "record", .value = "record-from-start"},
        {.name = "recordingStatusCallback", .value = rec_cb},
        {.name = "recordingStatusCallbackMethod", .value = "POST"},
        {.name = "statusCallback", .value = conf_cb},
        {.name = "statusCallbackMethod", .value = "POST"},
        {.name = "statusCallbackEvent", .value = "start end join leave mute hold"},
        {.name = NULL}};
    struct twiml *t = twiml_new();
    twiml_dial_conference(t, r->room, NULL, conf);
    free(conf_cb);
    free(rec_cb);
    return hook_finish(t, twiml, err, errlen);
}
