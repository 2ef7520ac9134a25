/*
 * engine_int: the voice engine's private types, shared by src/sim/engine*.c. The public view of
 * each object (struct sim_call...) is the first member of the private one, so the sid leads
 * every object and a borrowed public pointer is the object itself.
 */
#ifndef DIALTONE_SIM_ENGINE_INT_H
#define DIALTONE_SIM_ENGINE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "dialtone/form.h"
#include "dialtone/log.h"
#include "dialtone/rng.h"
#include "dialtone/sim.h"
#include "dialtone/util.h"

/* ---- caps --------------------------------------------------------------------------------- */
#define ENG_MAX_TWIML      65536  /* Twilio's limit on a TwiML document (11750 above it) */
#define ENG_MAX_INLINE     4000   /* Twilio's limit on the Twiml parameter */
#define ENG_MAX_URL        4000   /* longest URL accepted in a parameter or attribute */
#define ENG_MAX_PARAM      1024   /* longest To, From, CallerName, Label... */
#define ENG_MAX_NODES      4096   /* elements in one TwiML document */
#define ENG_MAX_DEPTH      16     /* nesting depth of a TwiML document */
#define ENG_KEEP_CALLS     100000 /* ended calls kept for listing; the oldest go first */
#define ENG_KEEP_OTHERS    20000  /* ended conferences, recordings kept */
#define ENG_MAX_PENDING    65536  /* outstanding HTTP requests remembered */
#define ENG_MAX_QUEUE      5000   /* Twilio's largest MaxSize */
#define ENG_DEFAULT_QUEUE  100    /* MaxSize of a queue made by <Enqueue> */
#define ENG_MAX_PARTS      250    /* participants in one conference */
#define ENG_STEPS_PER_CALL 1000
#define ENG_MAX_SECONDS                                                                            \
    (366.0 * 86400) /* no timing beyond a year */ /* zero-time verbs run in a row before yielding  \
                                                   */

/* Fixed timings (emulated ms) where Twilio documents none; see sim.h. */
#define ENG_SETUP_MS     100  /* queued -> initiated -> ringing, each */
#define ENG_DIGIT_MS     1000 /* a scripted caller starts typing this long after the prompts */
#define ENG_WAIT_MIN_MS  1000 /* a waitUrl is fetched at most once per second */
#define ENG_AMD_HUMAN_MS 2000 /* AMD recognises a person after this long */
#define ENG_AMD_FAX_MS   2000
#define ENG_AMD_MACH_MS  3000 /* Enable: machine_start after this long */

/* ---- timers ------------------------------------------------------------------------------- */
struct eng_timer {
    int64_t due;
    uint64_t seq;
    size_t idx; /* heap position + 1; 0 when not armed */
    void (*fire)(struct sim *s, struct eng_timer *t);
};

#define ENG_CONTAINER(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

void eng_timer_arm(struct sim *s, struct eng_timer *t, int64_t due);
void eng_timer_stop(struct sim *s, struct eng_timer *t);

/* ---- sid map: objects whose first bytes are their sid --------------------------------------- */
struct eng_map {
    void **slots;
    size_t cap, n;
    int by_id; /* keyed by a leading uint64_t instead of a sid */
};
void *eng_map_get(const struct eng_map *m, const char *key);
void eng_map_put(struct eng_map *m, void *obj);
void eng_map_del(struct eng_map *m, const char *key);
void eng_map_done(struct eng_map *m);

/* A growable array of pointers, in creation order. */
struct eng_vec {
    void **v;
    size_t n, cap;
};
void eng_vec_push(struct eng_vec *a, void *p);
void eng_vec_remove(struct eng_vec *a, void *p); /* keeps the order */

/* ---- TwiML documents ------------------------------------------------------------------------ */
enum tw_el {
    TW_RESPONSE,
    TW_SAY,
    TW_PLAY,
    TW_PAUSE,
    TW_GATHER,
    TW_RECORD,
    TW_ENQUEUE,
    TW_LEAVE,
    TW_DIAL,
    TW_NUMBER,
    TW_SIP,
    TW_CLIENT,
    TW_CONFERENCE,
    TW_QUEUE,
    TW_REDIRECT,
    TW_HANGUP,
    TW_REJECT,
    TW_IDENTITY,
    TW_PARAMETER,
    TW_OTHER, /* a TwiML verb the emulator does not run (Start, Connect, Pay...): skipped */
    TW_SSML,  /* markup inside <Say> */
    TW_NELEMS
};

struct tw_node {
    enum tw_el el;
    char **attrs; /* name, value, ..., NULL; NULL when none */
    char *text;   /* character data, "" when none */
    struct tw_node **kids;
    size_t nkids;
};

struct tw_doc {
    struct tw_node *root;
    size_t bytes; /* what the tree holds, for sim_memory_bytes */
    int warnings; /* 12200 warnings met while parsing */
};

/*
 * Parses a TwiML body into *out. Returns 0, or a Twilio error code with a reason in msg:
 * 11750 (over ENG_MAX_TWIML), 12100 (not well formed, a DTD, too deep or large, or an element
 * where TwiML does not allow it), 12102 (the root is not Response). Unknown verbs are counted
 * as 12200 warnings and skipped.
 */
int tw_parse(const char *body, size_t len, struct tw_doc **out, char *msg, size_t msglen);
void tw_free(struct tw_doc *d);
const char *tw_attr(const struct tw_node *n, const char *name); /* NULL when absent */
/* An attribute as an integer in [lo, hi], def when absent or malformed. */
long tw_attr_int(const struct tw_node *n, const char *name, long def, long lo, long hi);
int tw_attr_bool(const struct tw_node *n, const char *name, int def);
const char *tw_el_name(enum tw_el el);

/* ---- objects -------------------------------------------------------------------------------- */
struct eng_queue;
struct eng_conf;
struct eng_part;

/* Where a call is in its life; see engine_calls.c and engine_exec.c. */
enum eng_phase {
    PH_SETUP,   /* outbound, before the answer (queued, initiated, ringing) */
    PH_AMD,     /* answered, synchronous AMD running before the first fetch */
    PH_FETCH,   /* waiting for TwiML */
    PH_RUN,     /* a timed verb of the main document (Say, Play, Pause) */
    PH_GATHER,  /* a <Gather> collecting digits */
    PH_RECORD,  /* a <Record> */
    PH_QUEUE,   /* waiting in a queue (its waitUrl document may run) */
    PH_DIAL,    /* a <Dial> ringing its children, or waiting for a queue member */
    PH_BRIDGED, /* talking to its peer (Dial parent, dialled child, dequeued member) */
    PH_CONF,    /* in a conference */
    PH_LEG,     /* a child or participant leg without TwiML of its own, answered */
    PH_ENDED,
};

/* An executing document and where it is. */
struct eng_exec {
    struct tw_doc *doc;
    char *base;                 /* the URL it came from, NULL for inline TwiML */
    size_t pc;                  /* next verb of the root */
    const struct tw_node *verb; /* the verb in progress */
    size_t sub;                 /* next child of a <Gather> in progress */
    int stage;                  /* where a <Gather> or <Record> is */
};

struct eng_enqueue {
    struct eng_queue *q;
    char *action, *method;
    char *wait_url, *wait_method;
    int64_t enqueued_ms;
    struct eng_call *dequeuer; /* bridged to this call (<Dial><Queue>) */
};

struct eng_dial {
    char *action, *method;
    int timeout_s, time_limit_s;
    int64_t started_ms, bridged_ms;
    struct eng_vec kids;       /* child legs ringing */
    struct eng_call *peer;     /* the connected child or dequeued member */
    struct eng_queue *waiting; /* <Dial><Queue> on an empty queue */
    char last_status[16];      /* DialCallStatus of the last child to fail */
    char peer_sid[DT_SIM_SID_LEN + 1];
    int conference;             /* the Dial is a <Conference> */
    const struct tw_node *node; /* the <Dial>, in the main document (kept while it runs) */
    char *rec_sid;              /* recording of the bridge */
};

struct eng_call {
    struct sim_call pub;
    /* how to run it */
    char *url, *method, *fallback_url, *fallback_method;
    char *twiml;              /* inline TwiML for the answer */
    char *sc_url, *sc_method; /* status callback */
    unsigned sc_events;       /* ENG_EV_* */
    int sc_seq;
    int timeout_s;
    int record; /* Record=true: a recording from the answer */
    char *rec_cb_url, *rec_cb_method;
    unsigned rec_cb_events;
    int amd; /* 0 none, 1 Enable, 2 DetectMessageEnd */
    int amd_async, amd_timeout_s;
    char *amd_cb_url, *amd_cb_method;
    int amd_ms; /* MachineDetectionDuration */
    /* the far party */
    struct sim_endpoint ep;    /* copied: the scenario may be replaced (strings borrowed NULL) */
    double patience_s, talk_s; /* inbound caller; < 0 = never */
    char *script;              /* digits still to type at Gathers */
    struct dt_buf pressed;     /* digits typed and not yet taken */
    /* running */
    enum eng_phase phase;
    uint32_t gen, wait_gen; /* bump when a pending main or waitUrl fetch goes stale */
    struct eng_exec main, wait;
    int in_wait;      /* a waitUrl (queue, conference) is playing */
    int wait_refetch; /* t_wait fetches the waitUrl again */
    char *wait_url, *wait_method;
    int64_t wait_fetched_ms;
    struct eng_timer t_step, t_far, t_amd, t_wait;
    struct eng_enqueue *enq;
    struct eng_dial *dial;
    struct eng_call *parent; /* for a dialled child: the parent while it rings or talks */
    struct eng_call *peer;   /* the call it is bridged to */
    struct eng_part *part;
    char *rec_sid;  /* the call's recording (Record=true) */
    char *verb_rec; /* the recording of a <Record> in progress */
    int ending, redirecting;
    char *conf_join; /* a Participants leg: the conference it joins when answered */
};

/* Status callback events. */
#define ENG_EV_INITIATED 1u
#define ENG_EV_RINGING   2u
#define ENG_EV_ANSWERED  4u
#define ENG_EV_COMPLETED 8u

struct eng_queue {
    struct sim_queue pub;
    struct eng_vec members; /* eng_call *, front first */
    struct eng_vec waiters; /* calls whose <Dial><Queue> waits for a member */
};

/* Conference callback events. */
#define ENG_CEV_START    1u
#define ENG_CEV_END      2u
#define ENG_CEV_JOIN     4u
#define ENG_CEV_LEAVE    8u
#define ENG_CEV_MUTE     16u
#define ENG_CEV_HOLD     32u
#define ENG_CEV_MODIFY   64u
#define ENG_CEV_SPEAKER  128u
#define ENG_CEV_ANNOUNCE 256u

struct eng_conf {
    struct sim_conference pub;
    struct eng_vec parts; /* eng_part *, in join order */
    char *cb_url, *cb_method;
    unsigned cb_events;
    int cb_seq;
    int record; /* record-from-start */
    char *rec_cb_url, *rec_cb_method, *rec_cb_events;
    char *rec_sid;
    int started, ever_joined;
};

struct eng_part {
    struct sim_participant pub;
    struct eng_call *call;
    struct eng_conf *conf;
    int api; /* added through the Participants API */
    int joined;
    char *action, *method; /* the <Dial> action of a TwiML join */
    char *wait_url, *wait_method;
};

/* Recording callback events. */
#define ENG_REV_IN_PROGRESS 1u
#define ENG_REV_COMPLETED   2u
#define ENG_REV_ABSENT      4u

struct eng_rec {
    struct sim_recording pub;
    char *cb_url, *cb_method;
    unsigned cb_events;
    char *action, *action_method; /* <Record> action */
};

/* ---- the engine --------------------------------------------------------------------------- */
struct sim {
    const struct sim_scenario *sc;
    struct sim_host host;
    int64_t now;
    struct dt_rng rng;
    uint64_t timer_seq, http_id;
    struct eng_timer **heap;
    size_t nheap, capheap;
    struct eng_map sids;                       /* every object by sid */
    struct eng_map pending;                    /* outstanding requests by id */
    struct eng_vec calls, queues, confs, recs; /* creation order, oldest first */
    size_t live;
    char price_unit[8];
    int in_host; /* guards against a host calling back from inside http() */
};

/* ---- engine.c: core helpers ----------------------------------------------------------------- */
void eng_sid(struct sim *s, const char *prefix, char out[DT_SIM_SID_LEN + 1]);
double eng_uniform(struct sim *s, double lo, double hi);
/* Seconds (from a scenario or a caller) as ms: 0 for NaN or <= 0, capped at ENG_MAX_SECONDS. */
int64_t eng_ms(double seconds);
void eng_log(struct sim *s, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void eng_rfc2822(int64_t ms, char out[40]);
void eng_seterr(struct sim_err *e, int status, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
char *eng_strdup(const char *s); /* NULL stays NULL */
void eng_setstr(char **dst, const char *s);
int eng_parse_bool(const char *v, int *out);
int eng_parse_int(const char *v, long lo, long hi, long *out);
int eng_is_method(const char *m);
int eng_is_url(const char *u);
/* url resolved against base (NULL: url as it is); the caller frees it. */
char *eng_resolve(const char *base, const char *url);
void eng_prune(struct sim *s);

/* ---- engine_http.c: webhooks ---------------------------------------------------------------- */
enum eng_req {
    REQ_CALLBACK, /* fire and forget */
    REQ_MAIN,     /* TwiML for the call's main document */
    REQ_MAIN_FB,  /* the same from a fallback URL: no further fallback */
    REQ_WAIT,     /* a waitUrl document (queue or conference) */
};

struct eng_pending {
    uint64_t id; /* first: the map hashes it */
    enum eng_req kind;
    char call_sid[DT_SIM_SID_LEN + 1];
    uint32_t gen;
    char *url; /* as requested, without GET parameters */
    char *fallback, *fallback_method;
    int64_t sent_ms;
};

/* The standard voice parameters of call c. */
void eng_call_params(struct sim *s, const struct eng_call *c, struct form *f);
/* Sends a request; f is consumed. A TwiML fetch makes earlier fetches of c stale. */
void eng_http(struct sim *s, enum eng_req kind, struct eng_call *c, const char *url,
              const char *method, struct form *f);
void eng_http_fallback(struct sim *s, struct eng_call *c, const char *url, const char *method,
                       const char *fb, const char *fb_method, struct form *f);
void eng_pending_free(struct eng_pending *p);
void eng_form_addf(struct form *f, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void eng_form_add(struct form *f, const char *key, const char *value); /* skips NULL values */

/* ---- engine_calls.c: legs ------------------------------------------------------------------- */
struct eng_call *eng_call_new(struct sim *s, enum sim_direction dir, const char *to,
                              const char *from);
struct eng_call *eng_call_find(const struct sim *s, const char *sid);
void eng_call_free(struct sim *s, struct eng_call *c);
void eng_call_status(struct sim *s, struct eng_call *c, enum callstate_status st);
/* Ends c with a final status; sip and code 0 = none; msg NULL = the dictionary's message. */
void eng_call_end(struct sim *s, struct eng_call *c, enum callstate_status st, int sip, int code,
                  const char *msg);
/* Ends c because of a TwiML or webhook error: failed before the answer, completed after. */
void eng_call_fail(struct sim *s, struct eng_call *c, int code, const char *msg);
void eng_call_dial_out(struct sim *s, struct eng_call *c); /* starts ringing the endpoint */
void eng_setup_step(struct sim *s, struct eng_call *c);
void eng_call_answer_inbound(struct sim *s, struct eng_call *c);
void eng_far_arm_talk(struct sim *s, struct eng_call *c);
void eng_status_callback(struct sim *s, struct eng_call *c, unsigned ev);
size_t eng_call_bytes(const struct eng_call *c);

/* ---- engine_api.c -----------------------------------------------------------------------------
 */
int eng_check_endpoints(struct sim *s, const char *to, const char *from, struct sim_err *e);
/* 1 for E.164 (or bare digits), client:NAME or sip:USER@HOST; Twilio's magic numbers not. */
int eng_valid_endpoint(const char *to);
unsigned eng_call_events(const char *list); /* completed when empty or unknown */
void eng_call_callbacks(struct eng_call *c, const struct form *params);

/* ---- engine_exec.c: TwiML ------------------------------------------------------------------- */
void eng_exec_clear(struct sim *s, struct eng_exec *x);
/* Fetches the main document of c from url (resolved already), with extra parameters
 * (consumed). The call may have ended when it returns. */
void eng_fetch_main(struct sim *s, struct eng_call *c, const char *url, const char *method,
                    struct form *extra);
/* Runs inline TwiML as c's main document. */
void eng_run_inline(struct sim *s, struct eng_call *c, const char *twiml);
/* The answer to a TwiML request of c. */
void eng_twiml_answer(struct sim *s, struct eng_call *c, const struct eng_pending *p, int status,
                      const char *ctype, const char *body, size_t len, const char *neterr);
void eng_exec_run(struct sim *s, struct eng_call *c);
/* Continues the main document of c after the verb in progress. */
void eng_exec_next(struct sim *s, struct eng_call *c);
void eng_exec_step_fire(struct sim *s, struct eng_timer *t);
void eng_wait_start(struct sim *s, struct eng_call *c, const char *url, const char *method);
void eng_wait_stop(struct sim *s, struct eng_call *c);
void eng_wait_run(struct sim *s, struct eng_call *c);
void eng_wait_finished(struct sim *s, struct eng_call *c);
void eng_wait_fire(struct sim *s, struct eng_timer *t);
size_t eng_text_chars(const char *t);

/* ---- engine_verbs.c ------------------------------------------------------------------------- */
/* Runs one verb of document x of c: 1 to go on with the next verb now, 0 when the call waits
 * (a timer, a fetch, a peer) or ended. */
int eng_verb(struct sim *s, struct eng_call *c, struct eng_exec *x, const struct tw_node *v);
void eng_gather_start(struct sim *s, struct eng_call *c, struct eng_exec *x,
                      const struct tw_node *v);
void eng_gather_step(struct sim *s, struct eng_call *c);
void eng_gather_digits(struct sim *s, struct eng_call *c);
void eng_record_start(struct sim *s, struct eng_call *c, struct eng_exec *x,
                      const struct tw_node *v);
void eng_record_step(struct sim *s, struct eng_call *c);
void eng_record_key(struct sim *s, struct eng_call *c);
int eng_record_hangup(struct sim *s, struct eng_call *c);

/* ---- engine_queues.c ------------------------------------------------------------------------ */
struct eng_queue *eng_queue_by_name(struct sim *s, const char *name, int create);
/* Takes c out of its queue and tells the Enqueue action; "bridged" keeps the Enqueue pending
 * until the bridge ends. continue_call: the action's TwiML (or the next verb) runs. */
void eng_queue_leave(struct sim *s, struct eng_call *c, const char *result, int continue_call);
void eng_queue_refresh(struct sim *s);
void eng_wait_params(struct sim *s, const struct eng_call *c, struct form *f);
void eng_enqueue_free(struct eng_enqueue *q);
int eng_enqueue_verb(struct sim *s, struct eng_call *c, struct eng_exec *x,
                     const struct tw_node *v);
void eng_queue_connect(struct sim *s, struct eng_call *agent, struct eng_call *member);
int eng_dial_queue(struct sim *s, struct eng_call *c, struct eng_queue *q);
void eng_queue_forget_waiter(struct sim *s, struct eng_call *c);

/* ---- engine_dial.c: <Dial> and bridges ------------------------------------------------------ */
void eng_dial_free(struct eng_dial *d);
int eng_dial_verb(struct sim *s, struct eng_call *c, struct eng_exec *x, const struct tw_node *v);
/* c is ending: its children, its peer and its parent hear of it. */
void eng_dial_detach(struct sim *s, struct eng_call *c);
void eng_dial_finish(struct sim *s, struct eng_call *c, const char *dial_status);
void eng_child_final(struct sim *s, struct eng_call *child);
void eng_child_answered(struct sim *s, struct eng_call *child);
void eng_bridge(struct sim *s, struct eng_call *parent, struct eng_call *peer);
void eng_dial_timeout(struct sim *s, struct eng_call *c);
void eng_dial_time_limit(struct sim *s, struct eng_call *c);

/* ---- engine_conf.c -------------------------------------------------------------------------- */
struct eng_conf *eng_conf_find(const struct sim *s, const char *id, int live_only);
struct eng_conf *eng_conf_by_name(struct sim *s, const char *name, int create);
void eng_conf_settings(struct eng_conf *cf, const char *cb, const char *cb_method,
                       const char *cb_events, const char *record, const char *rec_cb,
                       const char *rec_cb_method, const char *rec_cb_events);
struct eng_part *eng_part_add(struct sim *s, struct eng_conf *cf, struct eng_call *c);
void eng_part_join(struct sim *s, struct eng_part *p);
/* c leaves its conference; reason is ReasonParticipantLeft; kicked 1 for the API. */
void eng_part_leave(struct sim *s, struct eng_call *c, const char *reason, int kicked);
void eng_conf_end(struct sim *s, struct eng_conf *cf, const char *reason, const char *by_sid);
void eng_conf_event(struct sim *s, struct eng_conf *cf, unsigned ev, const char *name,
                    const struct eng_part *p, struct form *extra);
void eng_conf_free(struct eng_conf *cf);
unsigned eng_conf_events(const char *list);
void eng_conf_dial(struct sim *s, struct eng_call *c, struct eng_exec *x, const struct tw_node *n);

/* ---- engine_rec.c --------------------------------------------------------------------------- */
struct eng_rec *eng_rec_start(struct sim *s, const char *call_sid, const char *conf_sid,
                              const char *source, int channels);
void eng_rec_set_callback(struct sim *s, struct eng_rec *r, const char *url, const char *method,
                          unsigned events);
unsigned eng_rec_events(const char *list); /* completed when empty */
void eng_rec_stop(struct sim *s, struct eng_rec *r, int64_t duration_ms);
struct eng_rec *eng_rec_find(const struct sim *s, const char *sid);
void eng_rec_url(const struct sim *s, const struct eng_rec *r, char *out, size_t n);
void eng_rec_free(struct eng_rec *r);

#endif
