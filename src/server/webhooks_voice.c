/*
 * webhooks_voice: the webhooks whose answers drive the caller: the voice entry (business
 * hours, the IVR menu, the queue), the menu's keys, the queue's wait URL and action, and
 * voicemail. See dialtone/webhooks.h. Business hours are those of the queue the caller is
 * routed to (config_open_at, at the webhook's now_ms): without a menu the first queue's at
 * the entry; with one, the menu plays while any queue it leads to is open, and the key's
 * queue decides. After hours: the queue's closed_message (else [hours]', else a built-in
 * one) and voicemail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialtone/config.h"
#include "dialtone/log.h"
#include "dialtone/store_kpi.h"
#include "dialtone/twiml.h"
#include "dialtone/util.h"
#include "server/webhooks_int.h"

#define VOICEMAIL_MAX_S 120 /* longest voicemail message */
#define HOLD_PAUSE_S    20  /* silence between announcements when there is no hold music */

static const char msg_closed[] = "Thank you for calling. We are closed right now. Please leave a "
                                 "message after the tone, and we will call you back.";
static const char msg_busy[] = "We are sorry, all of our agents are still busy. Please leave a "
                               "message after the tone, and we will call you back.";
static const char msg_no_message[] = "We did not receive a message. Goodbye.";
static const char msg_thanks[] = "Thank you. Your message has been recorded. Goodbye.";

int hook_finish(struct twiml *t, char **twiml, char *err, size_t errlen)
{
    char why[160];
    *twiml = twiml_finish(t, why, sizeof why);
    int rc = *twiml ? DT_OK : dt_seterr(err, errlen, twiml_error(t, NULL, 0), "TwiML: %s", why);
    twiml_free(t);
    return rc;
}

void hook_add_voicemail(const struct webhooks_ctx *c, struct twiml *t, const char *message)
{
    char *action = hook_url(c, DT_HOOK_VOICEMAIL, NULL);
    char *status = hook_url(c, DT_HOOK_RECORDING, NULL);
    char maxlen[16];
    snprintf(maxlen, sizeof maxlen, "%d", VOICEMAIL_MAX_S);
    const struct twiml_attr rec[] = {{.name = "action", .value = action},
                                     {.name = "method", .value = "POST"},
                                     {.name = "maxLength", .value = maxlen},
                                     {.name = "playBeep", .value = "true"},
                                     {.name = "finishOnKey", .value = "#"},
                                     {.name = "recordingStatusCallback", .value = status},
                                     {.name = "recordingStatusCallbackMethod", .value = "POST"},
                                     {.name = NULL}};
    twiml_say(t, message, NULL, NULL);
    twiml_record(t, rec);
    twiml_say(t, msg_no_message, NULL, NULL);
    twiml_hangup(t);
    free(action);
    free(status);
}

/* <Enqueue waitUrl=... action=...>queue</Enqueue> */
static void add_enqueue(const struct webhooks_ctx *c, struct twiml *t, const char *queue)
{
    char *wait = hook_url(c, DT_HOOK_WAIT, queue);
    char *action = hook_url(c, DT_HOOK_ENQUEUE, queue);
    const struct twiml_attr a[] = {{.name = "waitUrl", .value = wait},
                                   {.name = "waitUrlMethod", .value = "POST"},
                                   {.name = "action", .value = action},
                                   {.name = "method", .value = "POST"},
                                   {.name = NULL}};
    twiml_add(t, "Enqueue", queue, a);
    free(wait);
    free(action);
}

/* The queue called name, open now; NULL when there is none or it is after hours. */
static const struct config_queue *open_queue(const struct webhooks_ctx *c, const char *name)
{
    const struct config_queue *q = config_queue_find(c->cfg, name);
    return q && config_open_at(c->cfg, q, c->now_ms / 1000) ? q : NULL;
}

/* Voicemail after hours, with the message of queue q (NULL: [hours]'), else the built-in. */
static void add_closed(const struct webhooks_ctx *c, struct twiml *t, const struct config_queue *q)
{
    const char *msg = config_closed_message(c->cfg, q);
    hook_add_voicemail(c, t, msg ? msg : msg_closed);
}

/* 1 when a key of the menu (or its default) leads to a queue open now. */
static int menu_open(const struct webhooks_ctx *c)
{
    const struct config_ivr *ivr = &c->cfg->ivr;
    for (int i = 0; i < DT_CONFIG_IVR_KEYS; i++)
        if (ivr->keys[i][0] && open_queue(c, ivr->keys[i]))
            return 1;
    return open_queue(c, config_ivr_route(c->cfg, NULL)) != NULL;
}

/* The caller joins its queue now (for the day's figures); a failure costs a figure only. */
static void record_enqueued(const struct webhooks_ctx *c, const struct webhooks_req *r)
{
    char err[256];
    if (store_kpi_enqueued(c->store, hook_param(r, "CallSid"), c->now_ms, err, sizeof err) != DT_OK)
        log_warn("figures: %s", err);
}

static int need_sid(const struct webhooks_req *r, char *err, size_t errlen)
{
    if (!hook_param(r, "CallSid"))
        return dt_seterr(err, errlen, DT_EINVAL, "no CallSid");
    return DT_OK;
}

int hook_voice(const struct webhooks_ctx *c, const struct webhooks_req *r, char **twiml, char *err,
               size_t errlen)
{
    int rc = need_sid(r, err, errlen);
    if (rc != DT_OK)
        return rc;
    const struct config *cfg = c->cfg;
    struct twiml *t = twiml_new();
    struct store_call_update u;
    hook_update_init(c, r, "voice", &u);
    const char *event = "call.updated";
    const char *queue = config_ivr_route(cfg, NULL);
    const struct config_queue *first = config_queue_find(cfg, queue);
    if (!queue) {
        hook_add_voicemail(c, t, msg_closed);
    } else if (cfg->ivr.configured ? !menu_open(c) : !open_queue(c, queue)) {
        add_closed(c, t, cfg->ivr.configured ? NULL : first);
    } else if (cfg->ivr.configured) {
        char *action = hook_url(c, DT_HOOK_IVR, NULL);
        char timeout[16];
        snprintf(timeout, sizeof timeout, "%d", cfg->ivr.timeout);
        const struct twiml_attr g[] = {{.name = "numDigits", .value = "1"},
                                       {.name = "timeout", .value = timeout},
                                       {.name = "action", .value = action},
                                       {.name = "method", .value = "POST"},
                                       {.name = NULL}};
        twiml_gather_say(t, cfg->ivr.prompt, g);
        free(action);
        if (open_queue(c, queue)) /* no key pressed */
            add_enqueue(c, t, queue);
        else
            add_closed(c, t, first);
    } else {
        add_enqueue(c, t, queue);
        u.queue = queue;
        event = "call.queued";
    }
    rc = hook_apply(c, &u, event, err, errlen);
    if (rc != DT_OK) {
        twiml_free(t);
        return rc;
    }
    if (u.queue)
        record_enqueued(c, r);
    return hook_finish(t, twiml, err, errlen);
}

int hook_ivr(const struct webhooks_ctx *c, const struct webhooks_req *r, char **twiml, char *err,
             size_t errlen)
{
    int rc = need_sid(r, err, errlen);
    if (rc != DT_OK)
        return rc;
    const char *queue = config_ivr_route(c->cfg, hook_param(r, "Digits"));
    struct twiml *t = twiml_new();
    struct store_call_update u;
    hook_update_init(c, r, "ivr", &u);
    if (queue && open_queue(c, queue)) {
        add_enqueue(c, t, queue);
        u.queue = queue;
    } else {
        /* after hours: no queue stored, or routing would offer the call to agents */
        add_closed(c, t, queue ? config_queue_find(c->cfg, queue) : NULL);
        queue = NULL;
    }
    rc = hook_apply(c, &u, queue ? "call.queued" : "call.updated", err, errlen);
    if (rc != DT_OK) {
        twiml_free(t);
        return rc;
    }
    if (queue)
        record_enqueued(c, r);
    return hook_finish(t, twiml, err, errlen);
}

/* The queue of the URL, which must be a configured one. */
static const struct config_queue *url_queue(const struct webhooks_ctx *c,
                                            const struct webhooks_req *r, char *err, size_t errlen)
{
    const struct config_queue *q = r->queue ? config_queue_find(c->cfg, r->queue) : NULL;
    if (!q)
        dt_seterr(err, errlen, DT_EINVAL, "%s names no configured queue",
                  r->queue ? "queue=" : "the URL's query");
    return q;
}

/* "You are caller number 2. The estimated wait is about 3 minutes." The estimate is rough:
 * the callers ahead (and this one) times the average time the queue's callers have waited so
 * far (AvgQueueTime), one minute when Twilio has no figure yet. */
static void add_position(struct twiml *t, const struct webhooks_req *r)
{
    int64_t pos = hook_int(r, "QueuePosition");
    if (pos <= 0)
        return;
    int64_t avg = hook_int(r, "AvgQueueTime");
    if (avg <= 0)
        avg = 60;
    int64_t minutes = (pos * avg + 59) / 60;
    if (minutes > 600)
        minutes = 600;
    char text[200];
    snprintf(text, sizeof text,
             "You are caller number %lld in line. The estimated wait is about %lld minute%s.",
             (long long)pos, (long long)minutes, minutes == 1 ? "" : "s");
    twiml_say(t, text, NULL, NULL);
}

int hook_wait(const struct webhooks_ctx *c, const struct webhooks_req *r, char **twiml, char *err,
              size_t errlen)
{
    int rc = need_sid(r, err, errlen);
    const struct config_queue *q = rc == DT_OK ? url_queue(c, r, err, errlen) : NULL;
    if (!q)
        return rc != DT_OK ? rc : DT_EINVAL;
    struct store_call_update u;
    hook_update_init(c, r, "wait", &u);
    u.queue = q->name;
    rc = hook_apply(c, &u, "call.updated", err, errlen);
    if (rc != DT_OK)
        return rc;
    struct twiml *t = twiml_new();
    int64_t waited = hook_int(r, "QueueTime");
    if (waited >= q->max_wait) {
        twiml_leave(t);
    } else {
        add_position(t, r);
        if (q->hold_music_url[0]) {
            twiml_play(t, q->hold_music_url, -1);
        } else {
            int64_t left = q->max_wait - (waited > 0 ? waited : 0);
            twiml_pause(t, left < HOLD_PAUSE_S ? (int)left : HOLD_PAUSE_S);
        }
    }
    return hook_finish(t, twiml, err, errlen);
}

/* QueueResult values after which the caller is still on the line with nobody to talk to. */
static int left_alone(const char *result)
{
    static const char *const v[] = {"leave", "queue-full", "error", "system-shutdown"};
    for (size_t i = 0; result && i < sizeof v / sizeof v[0]; i++)
        if (strcmp(result, v[i]) == 0)
            return 1;
    return 0;
}

int hook_enqueue(const struct webhooks_ctx *c, const struct webhooks_req *r, char **twiml,
                 char *err, size_t errlen)
{
    int rc = need_sid(r, err, errlen);
    const struct config_queue *q = rc == DT_OK ? url_queue(c, r, err, errlen) : NULL;
    if (!q)
        return rc != DT_OK ? rc : DT_EINVAL;
    const char *result = hook_param(r, "QueueResult");
    if (!result)
        return dt_seterr(err, errlen, DT_EINVAL, "no QueueResult");
    struct store_call_update u;
    hook_update_init(c, r, "enqueue", &u);
    u.queue = q->name;
    u.queue_result = result;
    u.queue_time_s = hook_int(r, "QueueTime");
    rc = hook_apply(c, &u, "call.updated", err, errlen);
    if (rc != DT_OK)
        return rc;
    struct twiml *t = twiml_new();
    if (left_alone(result))
        hook_add_voicemail(c, t, msg_busy);
    return hook_finish(t, twiml, err, errlen);
}

int hook_voicemail(const struct webhooks_ctx *c, const struct webhooks_req *r, char **twiml,
                   char *err, size_t errlen)
{
    int rc = need_sid(r, err, errlen);
    if (rc != DT_OK)
        return rc;
    struct store_call_update u;
    hook_update_init(c, r, "voicemail", &u);
    u.recording_sid = hook_param(r, "RecordingSid");
    u.recording_url = hook_param(r, "RecordingUrl");
    u.recording_duration_s = hook_int(r, "RecordingDuration");
    rc = hook_apply(c, &u, "call.updated", err, errlen);
    if (rc != DT_OK)
        return rc;
    struct twiml *t = twiml_new();
    twiml_say(t, u.recording_sid || u.recording_url ? msg_thanks : msg_no_message, NULL, NULL);
    twiml_hangup(t);
    return hook_finish(t, twiml, err, errlen);
}
