/*
 * webhooks_int: what the webhook handlers' files (webhooks.c, webhooks_voice.c,
 * webhooks_cb.c) share: reading Twilio's parameters into a store update, applying it and
 * emitting its event, and the daemon's own URLs for TwiML.
 */
#ifndef DIALTONE_WEBHOOKS_INT_H
#define DIALTONE_WEBHOOKS_INT_H

#include "dialtone/store.h"
#include "dialtone/webhooks.h"

/* A parameter of the request, or NULL when absent or empty. */
const char *hook_param(const struct webhooks_req *r, const char *key);

/* A parameter as a non-negative integer (at most 9 digits), or STORE_ABSENT when absent or
 * not such a number. */
int64_t hook_int(const struct webhooks_req *r, const char *key);

/*
 * Fills u (after store_call_update_init) for an event of type from the request: CallSid,
 * CallStatus, SequenceNumber, the raw body as payload, the time, identity fields (direction,
 * From, To, CallerName, AccountSid, ParentCallSid), ErrorCode, ErrorMessage, SipResponseCode,
 * AnsweredBy, CallDuration, Price and PriceUnit. Pointers borrow from r.
 */
void hook_update_init(const struct webhooks_ctx *c, const struct webhooks_req *r, const char *type,
                      struct store_call_update *u);

/*
 * Applies u and emits the event it calls for: none for a duplicate, "call.ended" when the
 * status became final, else event_type ("call.updated" or "call.queued"). Errors as
 * store_call_apply.
 */
int hook_apply(const struct webhooks_ctx *c, const struct store_call_update *u,
               const char *event_type, char *err, size_t errlen);

/* Emits type with data {"call": CALL} for the stored call sid (plus extra's members when
 * not NULL, which this takes over); logs a failure. */
struct cJSON;
void hook_emit_call(const struct webhooks_ctx *c, const char *type, const char *sid,
                    struct cJSON *extra);

/* The public URL of one of the daemon's webhooks, with ?queue=Q when queue is not NULL.
 * The caller frees it. */
char *hook_url(const struct webhooks_ctx *c, enum webhooks_kind kind, const char *queue);

/* <Say>message</Say><Record .../><Say>no message</Say><Hangup/> (webhooks_voice.c). */
struct twiml;
void hook_add_voicemail(const struct webhooks_ctx *c, struct twiml *t, const char *message);

/* Finishes t into *twiml and frees t; DT_EINVAL (a builder error) with the reason in err. */
int hook_finish(struct twiml *t, char **twiml, char *err, size_t errlen);

/* The handlers, by kind: each sets *twiml (the caller frees) or returns an error. */
int hook_voice(const struct webhooks_ctx *c, const struct webhooks_req *r, char **twiml, char *err,
               size_t errlen);
int hook_ivr(const struct webhooks_ctx *c, const struct webhooks_req *r, char **twiml, char *err,
             size_t errlen);
int hook_wait(const struct webhooks_ctx *c, const struct webhooks_req *r, char **twiml, char *err,
              size_t errlen);
int hook_enqueue(const struct webhooks_ctx *c, const struct webhooks_req *r, char **twiml,
                 char *err, size_t errlen);
int hook_voicemail(const struct webhooks_ctx *c, const struct webhooks_req *r, char **twiml,
                   char *err, size_t errlen);
int hook_status(const struct webhooks_ctx *c, const struct webhooks_req *r, char **twiml, char *err,
                size_t errlen);
int hook_conference(const struct webhooks_ctx *c, const struct webhooks_req *r, char **twiml,
                    char *err, size_t errlen);
int hook_recording(const struct webhooks_ctx *c, const struct webhooks_req *r, char **twiml,
                   char *err, size_t errlen);
int hook_amd(const struct webhooks_ctx *c, const struct webhooks_req *r, char **twiml, char *err,
             size_t errlen);
int hook_join(const struct webhooks_ctx *c, const struct webhooks_req *r, char **twiml, char *err,
              size_t errlen);

#endif
