/*
 * sim: the voice engine of `dialtone sim`, a faithful stand-in for Twilio Programmable Voice.
 * It owns the emulated account's calls, queues, conferences, participants and recordings,
 * runs every call leg as a state machine on timers, fetches and executes TwiML, and emits
 * Twilio's webhooks, signed. It does no I/O of its own: a host (the HTTP adapter of
 * `dialtone sim`, or a test) gives it the time, carries its HTTP requests and hands back the
 * answers, and calls the REST-level operations below. So the engine is deterministic: the same
 * scenario, seed, times and answers give the same calls, sids and webhooks.
 *
 * Times are emulated milliseconds since the Unix epoch (the host applies the speed factor;
 * dates in callbacks and JSON are rendered from them). Single-threaded: every call happens on
 * the host's loop thread. Objects returned as const pointers are borrowed and stay valid until
 * the next call that changes the engine (any non-const call).
 *
 * How calls end, where Twilio documents it and where the engine had to choose:
 * - A call whose TwiML cannot be had or run fails with Twilio's code: an answer that is not
 *   2xx 11200; no answer at all 11205 (11210 for a host name that does not resolve); a
 *   Content-Type other than text/xml, application/xml or text/html 12300 (an audio type is
 *   played and text/plain is said, as Twilio does); a body over 64 KB 11750; XML that is not well
 *   formed, holds a DTD or nests an element where TwiML does not allow it 12100; a root other
 *   than <Response> 12102; a URL that is not http(s) 11100. An element Twilio does not know is
 *   the 12200 warning: logged and skipped. The primary URL's FallbackUrl (or the number's
 *   voice fallback) is fetched first, with ErrorCode and ErrorUrl. A call that fails before
 *   it was answered ends `failed`; one that was answered ends `completed`; either way its
 *   error_code/error_message and its final status callback's ErrorCode/ErrorMessage say why.
 * - Outbound legs: queued -> initiated at once, ringing 100 ms later, then the endpoint's
 *   outcome after its ring time: busy (SIP 486), declined (busy, 603), failed (its
 *   error_code/sip_code), no-answer when the ring outlasts Timeout (SIP 487). An answered leg
 *   ends with SIP 200; a canceled one with 487. Duration is the answered time rounded up to
 *   the second; price is started minutes times sim_scenario_rate(To), set when the call ends.
 * - AMD: a person is recognised after 2 s, a fax after 2 s, a machine after 3 s (Enable,
 *   machine_start) or at the end of its greeting (DetectMessageEnd, machine_end_beep);
 *   "unknown" when MachineDetectionTimeout comes first.
 * - Inbound calls are `ringing` while the voice URL is fetched and `in-progress` once its
 *   TwiML runs (<Reject> first: busy with SIP 603, or 486 for reason="busy"); a number with no
 *   voice URL rejects the call the same way. A caller waiting in a queue hangs up after its
 *   patience (the Enqueue action gets QueueResult=hangup); once bridged or in a conference it
 *   hangs up after its talk time. At a <Gather> it types its scripted digits 1 s after the
 *   prompts, each Gather taking one entry (up to finishOnKey or numDigits); at a <Record> it
 *   speaks record_s and hangs up (the action is told, Digits=hangup). Other far parties
 *   speak record_s too, then stay silent until the Record's timeout ends it.
 * - A waitUrl is fetched again each time its document ends, at most once a second; a waitUrl
 *   document may hold Say, Play, Pause, Leave, Hangup and Redirect (others are skipped).
 * - Status callbacks number SequenceNumber from 0 per call and callback URL; conference
 *   events number theirs from 1 per conference. A conference takes its statusCallback,
 *   events (default "start end") and recording settings from the first participant that
 *   names them. ReasonParticipantLeft is participant_hung_up, participant_kicked,
 *   participant_updated_via_api, participant_not_answered or conference_ended.
 * - Kicking a participant (or ending its conference) hangs up a Participants-API leg; a call
 *   that joined with <Dial><Conference> goes on with the Dial action or the next verb.
 * - Sids are two letters and 32 hex digits from a PRNG seeded by the scenario's seed.
 * - Accepted but without effect: <Number url> whispers and sendDigits, answerOnBridge,
 *   hangupOnStar, <Queue url>, HoldUrl and AnnounceUrl (not fetched), beeps, speaker events,
 *   SendDigits on a call; <Start>, <Connect>, <Pay> and the like are skipped.
 * - Kept: the last 100,000 ended calls and 20,000 ended conferences and recordings.
 */
#ifndef DIALTONE_SIM_H
#define DIALTONE_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "dialtone/callstate.h"
#include "dialtone/form.h"
#include "dialtone/sim_scenario.h"

#define DT_SIM_SID_LEN 34 /* two letters and 32 hex digits */

struct sim; /* the engine: opaque */

/* A Twilio-style failure of a REST-level operation: HTTP status, Twilio error code and message
 * (the REST layer renders {code, message, more_info, status}). */
struct sim_err {
    int status;        /* 400, 401, 404, 405, 409, 413, 429... */
    int code;          /* Twilio's code: 20404, 21201, 21210, 21217... */
    char message[256];
};

/* ---- what the host does for the engine -------------------------------------------------- */

/*
 * One HTTP request the engine wants made: a TwiML fetch (voice URL, action, waitUrl...) or a
 * callback (status, conference, recording, AMD). body is the form-encoded body for POST and ""
 * for GET (whose parameters are already in url). signature is X-Twilio-Signature over exactly
 * url (+ body parameters). The host sends it with Content-Type
 * application/x-www-form-urlencoded, User-Agent TwilioProxy/1.1, and I-Twilio-Idempotency-Token
 * = idempotency, then calls sim_http_done with the same id. For a callback the engine ignores
 * the answer but the host still reports it (the engine logs failed deliveries). The host must
 * not call into the engine from inside http(): it queues the request and answers later (an
 * answer given from inside http() is ignored). The strings are valid during the call only.
 */
struct sim_http_req {
    uint64_t id;
    const char *method;  /* "POST" or "GET" */
    const char *url;
    const char *body;
    const char *signature;
    const char *idempotency;
    int wants_twiml;     /* 1: the answer is TwiML the call will execute */
};

struct sim_host {
    void *ctx;
    void (*http)(void *ctx, const struct sim_http_req *req);
    /* one line of what happened ("CA12..: ringing -> in-progress"), for the emulator's log;
     * level is an enum log_level (dialtone/log.h). May be NULL. */
    void (*log)(void *ctx, int level, const char *line);
};

/* ---- the emulated objects (read-only for the host) --------------------------------------- */

enum sim_direction { DT_SIM_INBOUND, DT_SIM_OUTBOUND_API, DT_SIM_OUTBOUND_DIAL };

struct sim_call {
    char sid[DT_SIM_SID_LEN + 1];         /* CA... */
    char parent_sid[DT_SIM_SID_LEN + 1];  /* "" when none */
    char account_sid[DT_SIM_SID_LEN + 1];
    char *to, *from;
    char *caller_name;                    /* NULL when none */
    enum sim_direction direction;
    enum callstate_status status;
    int64_t created_ms, updated_ms;
    int64_t start_ms;                     /* dialled (initiated), 0 = not yet */
    int64_t answer_ms;                    /* answered, 0 = never */
    int64_t end_ms;                       /* ended, 0 = not yet */
    int duration_s;                       /* answered seconds once ended, else 0 */
    double price;                         /* negative while unknown (null in JSON) */
    const char *price_unit;
    char *answered_by;                    /* AMD result, NULL when none */
    int queue_time_s;                     /* seconds spent in a queue */
    int error_code;                       /* 0 = none */
    char *error_message;
    int sip_code;                         /* SIP response code of the final status, 0 = none */
    char queue_sid[DT_SIM_SID_LEN + 1];   /* the queue it waits in now, "" when none */
    char conference_sid[DT_SIM_SID_LEN + 1]; /* the conference it is in now, "" when none */
};

struct sim_queue {
    char sid[DT_SIM_SID_LEN + 1];         /* QU... */
    char *friendly_name;
    int max_size;                         /* default 100, at most 5000 */
    int64_t created_ms, updated_ms;
    int average_wait_time_s;              /* over its members now (Twilio's definition), as of
                                             the last change or sim_advance */
};

struct sim_member {
    char call_sid[DT_SIM_SID_LEN + 1];
    char queue_sid[DT_SIM_SID_LEN + 1];
    int64_t enqueued_ms;
    int position;                         /* 1 = front */
    int wait_time_s;
};

struct sim_conference {
    char sid[DT_SIM_SID_LEN + 1];         /* CF... */
    char *friendly_name;
    const char *status;                   /* "init", "in-progress", "completed" */
    int64_t created_ms, updated_ms;
    const char *reason_ended;             /* NULL while live; Twilio's reason strings */
    char call_sid_ending[DT_SIM_SID_LEN + 1];
};

struct sim_participant {
    char call_sid[DT_SIM_SID_LEN + 1];
    char conference_sid[DT_SIM_SID_LEN + 1];
    char *label;                          /* NULL when none */
    int muted, hold, coaching;
    char call_sid_to_coach[DT_SIM_SID_LEN + 1];
    int start_conference_on_enter, end_conference_on_exit;
    const char *status;                   /* "queued", "connecting", "ringing", "connected",
                                             "complete", "failed" */
    int64_t created_ms, updated_ms;
};

struct sim_recording {
    char sid[DT_SIM_SID_LEN + 1];         /* RE... */
    char call_sid[DT_SIM_SID_LEN + 1];
    char conference_sid[DT_SIM_SID_LEN + 1]; /* "" when not a conference recording */
    const char *source;                   /* "RecordVerb", "DialVerb", "Conference",
                                             "OutboundAPI" */
    const char *status;                   /* "in-progress", "completed", "failed" */
    int channels;
    int64_t created_ms, start_ms;
    int duration_s;                       /* -1 while in progress */
    double price;                         /* negative while unknown */
    int error_code;
};

/* ---- lifecycle and time ------------------------------------------------------------------ */

/* A new engine for scenario sc (borrowed: it must outlive the engine, or be replaced with
 * sim_set_scenario), host callbacks (copied) and the current emulated time. */
struct sim *sim_new(const struct sim_scenario *sc, const struct sim_host *host, int64_t now_ms);
void sim_free(struct sim *s);

/* Replaces the scenario (for the control API's "load scenario"); calls in progress keep going
 * under the new endpoint behaviours. */
void sim_set_scenario(struct sim *s, const struct sim_scenario *sc);

/* Runs everything due at or before now_ms, in order. */
void sim_advance(struct sim *s, int64_t now_ms);

/* The emulated time of the next thing due, or -1 when nothing is scheduled. The host arms one
 * timer for it and calls sim_advance when it fires. */
int64_t sim_next_due(const struct sim *s);

/* The answer to the request with that id: HTTP status (0 when the request failed before any
 * answer), Content-Type (may be NULL), body (borrowed), and neterr (NULL, or what went wrong:
 * "connection refused", "timeout"...). Unknown ids are ignored. */
void sim_http_done(struct sim *s, uint64_t id, int status, const char *content_type,
                   const char *body, size_t len, const char *neterr);

/* ---- REST-level operations (Twilio's semantics and error codes) ---------------------------- */

/*
 * Calls: params are the request's form parameters with Twilio's names. Errors (0 or a
 * negative DT_E*, with e filled): To missing 21201, From missing 21213, neither Url nor Twiml
 * 21205 (an ApplicationSid alone 21218: the emulator has no applications), a URL that is not
 * http(s) 21205 (a callback URL 21609), a method other than GET/POST 21209, Timeout not a
 * positive integer 21208 (over 600 is taken as 600), To not E.164, client: or sip: 21211, From
 * not a scenario number nor +15005550006 21210, StatusCallbackEvent unknown 21626,
 * MachineDetection other than Enable/DetectMessageEnd 21207, SendDigits 21206, Twilio's magic
 * numbers (To +15005550001..4: 21217, 21214, 21215, 21216; From +15005550001: 21212). Update:
 * unknown sid 404/20404, an ended call 400/21220; Status=canceled ends a call not yet
 * answered (no effect on one in progress), Status=completed ends any; Url/Twiml redirects a
 * call in progress (it leaves its queue with QueueResult=redirected, its conference, its
 * bridge) or replaces the instructions of one still ringing.
 */
int sim_call_create(struct sim *s, const struct form *params, const struct sim_call **out,
                    struct sim_err *e);
int sim_call_update(struct sim *s, const char *sid, const struct form *params,
                    const struct sim_call **out, struct sim_err *e);
const struct sim_call *sim_call_get(const struct sim *s, const char *sid);
/* All calls, newest first (index 0 = the most recent): for listing and paging. */
size_t sim_call_count(const struct sim *s);
const struct sim_call *sim_call_at(const struct sim *s, size_t i);

/* Queues and their members. member_id is a CallSid or "Front". */
int sim_queue_create(struct sim *s, const struct form *params, const struct sim_queue **out,
                     struct sim_err *e);
int sim_queue_update(struct sim *s, const char *sid, const struct form *params,
                     const struct sim_queue **out, struct sim_err *e);
int sim_queue_delete(struct sim *s, const char *sid, struct sim_err *e);
const struct sim_queue *sim_queue_get(const struct sim *s, const char *sid);
const struct sim_queue *sim_queue_find(const struct sim *s, const char *friendly_name);
size_t sim_queue_count(const struct sim *s);
const struct sim_queue *sim_queue_at(const struct sim *s, size_t i); /* in creation order */
int sim_queue_size(const struct sim *s, const char *queue_sid);
/* Members in queue order (position 1 first); out is filled with a copy (positions and wait
 * times computed at the current time). */
size_t sim_member_count(const struct sim *s, const char *queue_sid);
int sim_member_at(const struct sim *s, const char *queue_sid, size_t i, struct sim_member *out);
int sim_member_get(const struct sim *s, const char *queue_sid, const char *member_id,
                   struct sim_member *out, struct sim_err *e);
/* Dequeue: redirects the member's call to Url (Method) as Twilio does. */
int sim_member_dequeue(struct sim *s, const char *queue_sid, const char *member_id,
                       const struct form *params, struct sim_member *out, struct sim_err *e);

/*
 * Conferences: conf_id is a CF sid or, where Twilio allows it (participant create), a
 * friendly name (the live conference of that name, made when there is none). Participant
 * create: To/From as for calls (21201, 21213, 21210...), Timeout 5-600 (21208), a Label of at
 * most 128 characters without '/' (16024) unique in the conference (16026), CallSidToCoach a
 * participant of that conference (16028; Coaching=true needs it), a completed conference
 * 16022, a full one (250) 16020. Update changes Hold, Muted, Coaching, CallSidToCoach and
 * EndConferenceOnExit, each change with its conference event; delete kicks.
 */
const struct sim_conference *sim_conference_get(const struct sim *s, const char *conf_id);
size_t sim_conference_count(const struct sim *s);
const struct sim_conference *sim_conference_at(const struct sim *s, size_t i); /* newest first */
int sim_conference_update(struct sim *s, const char *sid, const struct form *params,
                          const struct sim_conference **out, struct sim_err *e);

size_t sim_participant_count(const struct sim *s, const char *conference_sid);
const struct sim_participant *sim_participant_at(const struct sim *s, const char *conference_sid,
                                                 size_t i);
const struct sim_participant *sim_participant_get(const struct sim *s, const char *conference_sid,
                                                  const char *call_sid);
int sim_participant_create(struct sim *s, const char *conf_id, const struct form *params,
                           const struct sim_participant **out, struct sim_err *e);
int sim_participant_update(struct sim *s, const char *conference_sid, const char *call_sid,
                           const struct form *params, const struct sim_participant **out,
                           struct sim_err *e);
int sim_participant_delete(struct sim *s, const char *conference_sid, const char *call_sid,
                           struct sim_err *e);

/* Recordings, newest first. */
size_t sim_recording_count(const struct sim *s);
const struct sim_recording *sim_recording_at(const struct sim *s, size_t i);
const struct sim_recording *sim_recording_get(const struct sim *s, const char *sid);

/* ---- the control API's operations (not Twilio's) ------------------------------------------ */

/* Places an inbound call now from `from` to the account's number `to`, with an optional
 * caller name; patience_s < 0 and digits NULL take the scenario's values. */
int sim_inbound_call(struct sim *s, const char *from, const char *to, const char *caller_name,
                     double patience_s, const char *digits, const struct sim_call **out,
                     struct sim_err *e);
/* The far party of a call hangs up now (a caller, or an agent's phone). */
int sim_hangup(struct sim *s, const char *call_sid, struct sim_err *e);
/* The far party presses digits now (delivered to a <Gather> in progress, else remembered for
 * the next one). */
int sim_press_digits(struct sim *s, const char *call_sid, const char *digits, struct sim_err *e);

/* Counts for the benchmark and the control API: live calls (not final), and the memory the
 * engine holds, in bytes, as it accounts it. */
size_t sim_live_calls(const struct sim *s);
size_t sim_memory_bytes(const struct sim *s);

#endif
