/*
 * webhooks: what the daemon does with each of Twilio's webhooks under /twilio/, as functions
 * of the request's parameters, the configuration, the store and the time, with no network:
 * the call is recorded (store_call_apply, through the core's merge rule, so a callback sent
 * twice or late changes nothing), an event is emitted for each change, and the TwiML answer
 * is built with the core's builder (which XML-escapes every text from outside). The HTTP side
 * (body cap, signature, audit log, status codes) is the server's.
 *
 *   /twilio/voice       a call arrives: after hours, voicemail (<Say> and <Record>); with an
 *                       [ivr] menu, <Gather> (and the default queue if no key comes); else
 *                       <Enqueue> into the first queue
 *   /twilio/ivr         the menu's keys (Digits): <Enqueue> into the queue they lead to
 *   /twilio/wait        ?queue=Q, the Enqueue waitUrl: position and estimated wait (<Say>),
 *                       hold music (<Play>, else a <Pause>); <Leave/> past the queue's max_wait
 *   /twilio/enqueue     ?queue=Q, the Enqueue action: QueueResult and QueueTime stored; after
 *                       leave, queue-full, error or system-shutdown: voicemail
 *   /twilio/voicemail   the voicemail <Record> action: the recording kept, goodbye
 *   /twilio/join        ?room=R, where a caller taken out of a queue (Queue Members update
 *                       with this Url) goes: <Dial><Conference>R</Conference></Dial>,
 *                       recorded from the start, with conference and recording callbacks;
 *                       the conference ends when the caller leaves
 *   /twilio/status      call status callbacks (status, SIP code, error, duration, price...)
 *   /twilio/conference  conference status callbacks (the call's conference name and sid)
 *   /twilio/recording   recording status callbacks (sid, URL, duration, channels, source)
 *   /twilio/amd         asynchronous answering-machine detection (AnsweredBy)
 *
 * Events: "call.queued" when a call is answered with <Enqueue>, "call.ended" when a callback
 * makes a call's status final, "call.updated" for any other stored change, and
 * "conference.updated" for each conference callback; data is {"call": CALL} (dialtone/calljson.h)
 * or, for conferences, {"event", "conference_sid", "conference", "call_sid", "call": CALL or
 * null}. A duplicate callback emits nothing.
 */
#ifndef DIALTONE_WEBHOOKS_H
#define DIALTONE_WEBHOOKS_H

#include <stddef.h>
#include <stdint.h>

struct config;
struct store;
struct form;

enum webhooks_kind {
    DT_HOOK_VOICE,
    DT_HOOK_IVR,
    DT_HOOK_WAIT,
    DT_HOOK_ENQUEUE,
    DT_HOOK_VOICEMAIL,
    DT_HOOK_STATUS,
    DT_HOOK_CONFERENCE,
    DT_HOOK_RECORDING,
    DT_HOOK_AMD,
    DT_HOOK_JOIN,
};
#define DT_HOOK_COUNT 10

/* The path of a kind ("/twilio/voice"); static, "" outside the enum. */
const char *webhooks_path(enum webhooks_kind kind);

/* The kind served at path (exact); DT_ENOTFOUND for any other path. */
int webhooks_kind_of(const char *path, enum webhooks_kind *out);

/* Emits one event (type, data as JSON text); returns 0 or a DT_E* code. */
typedef int (*webhooks_emit_fn)(void *user, const char *type, const char *data);

/* The same, with data also as the cJSON tree it was printed from, and the call the event is
 * about as read for it (a heap copy, or NULL), both of which the function takes over (whatever
 * it returns; the call is freed with store_call_done and free): it may hand them on with the
 * event so that its readers need not parse the text or read the call again. */
struct cJSON;
struct store_call;
typedef int (*webhooks_emit_json_fn)(void *user, const char *type, const char *data,
                                     struct cJSON *json, struct store_call *call);

/* What a handler works with; everything borrowed. */
struct webhooks_ctx {
    const struct config *cfg;
    struct store *store;
    int64_t now_ms; /* wall clock, ms since the epoch: the time events are stored with */
    int wday;       /* local day (0 Sunday) and minute of the day, in [hours]' time zone */
    int minute;
    webhooks_emit_fn emit;           /* NULL: no events */
    webhooks_emit_json_fn emit_json; /* used instead of emit when not NULL */
    void *emit_user;
};

/* One verified request. */
struct webhooks_req {
    enum webhooks_kind kind;
    const struct form *params; /* the form body */
    const char *queue;         /* the URL's queue= parameter, or NULL */
    const char *room;          /* the URL's room= parameter, or NULL */
    const char *body;          /* the raw body, body_len bytes (stored as the payload) */
    size_t body_len;
};

/*
 * Handles one webhook: stores what it says, emits its events, and sets *twiml to the TwiML
 * answer (the caller frees it). Returns 0; DT_EINVAL when the request lacks what its kind
 * needs (a CallSid; a valid queue on wait and enqueue...) or carries a bad value (an unknown
 * CallStatus): the server answers 400; DT_EDB (or another code) when the store failed: 500.
 * *twiml is NULL on error. An event that cannot be emitted is logged, not an error: the
 * webhook is stored.
 */
int webhooks_handle(const struct webhooks_ctx *c, const struct webhooks_req *r, char **twiml,
                    char *err, size_t errlen);

/* The largest conference room name /twilio/join accepts: 1 to this many letters, digits, '-',
 * '_' or '.'. */
#define WEBHOOKS_ROOM_MAX 64

/* The answer to a callback whose TwiML Twilio ignores: an empty <Response/>. Static. */
extern const char webhooks_empty_twiml[];

#endif
