/*
 * engine_calls: call legs. Each leg is a state machine on timers: an outbound leg goes queued,
 * initiated, ringing and then answers or fails as its endpoint's scenario says; an answered
 * leg runs TwiML (after answering machine detection when asked), bridges to its parent or
 * joins its conference. Ending a leg takes it out of wherever it is, prices it and sends its
 * final status callback.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialtone/errors.h"
#include "sim/engine_int.h"

static void far_fire(struct sim *s, struct eng_timer *t);
static void amd_fire(struct sim *s, struct eng_timer *t);

struct eng_call *eng_call_find(const struct sim *s, const char *sid)
{
    if (!sid || strncmp(sid, "CA", 2) != 0 || strlen(sid) != DT_SIM_SID_LEN)
        return NULL;
    return eng_map_get(&s->sids, sid);
}

struct eng_call *eng_call_new(struct sim *s, enum sim_direction dir, const char *to,
                              const char *from)
{
    struct eng_call *c = xcalloc(1, sizeof *c);
    struct sim_call *p = &c->pub;
    eng_sid(s, "CA", p->sid);
    dt_strlcpy(p->account_sid, s->sc->account_sid ? s->sc->account_sid : "", sizeof p->account_sid);
    p->to = xstrdup(to);
    p->from = xstrdup(from);
    p->direction = dir;
    p->status = DT_CALL_QUEUED;
    p->created_ms = p->updated_ms = s->now;
    p->price = -1;
    c->phase = PH_SETUP;
    c->timeout_s = 60;
    c->patience_s = c->talk_s = -1;
    c->t_step.fire = eng_exec_step_fire;
    c->t_far.fire = far_fire;
    c->t_amd.fire = amd_fire;
    c->t_wait.fire = eng_wait_fire;
    p->price_unit = s->price_unit;
    dt_buf_init(&c->pressed);
    eng_vec_push(&s->calls, c);
    eng_map_put(&s->sids, c);
    s->live++;
    return c;
}

void eng_call_free(struct sim *s, struct eng_call *c)
{
    if (!c)
        return;
    eng_timer_stop(s, &c->t_step);
    eng_timer_stop(s, &c->t_far);
    eng_timer_stop(s, &c->t_amd);
    eng_timer_stop(s, &c->t_wait);
    eng_exec_clear(s, &c->main);
    eng_exec_clear(s, &c->wait);
    eng_enqueue_free(c->enq);
    eng_dial_free(c->dial);
    struct sim_call *p = &c->pub;
    free(p->to);
    free(p->from);
    free(p->caller_name);
    free(p->answered_by);
    free(p->error_message);
    free(c->url);
    free(c->method);
    free(c->fallback_url);
    free(c->fallback_method);
    free(c->twiml);
    free(c->sc_url);
    free(c->sc_method);
    free(c->rec_cb_url);
    free(c->rec_cb_method);
    free(c->amd_cb_url);
    free(c->amd_cb_method);
    free(c->script);
    dt_buf_done(&c->pressed);
    free(c->rec_sid);
    free(c->verb_rec);
    free(c->wait_url);
    free(c->wait_method);
    free(c->conf_join);
    free(c);
}

/* ---- status and callbacks ------------------------------------------------------------------- */

static const char *final_error_message(int code, const char *msg)
{
    if (msg)
        return msg;
    const struct errors_entry *e = errors_lookup(code);
    return e ? e->message : "Unknown error";
}

void eng_status_callback(struct sim *s, struct eng_call *c, unsigned ev)
{
    if (!c->sc_url || !(c->sc_events & ev))
        return;
    struct sim_call *p = &c->pub;
    struct form f;
    form_init(&f);
    eng_call_params(s, c, &f);
    char ts[40];
    eng_rfc2822(s->now, ts);
    eng_form_add(&f, "CallbackSource", "call-progress-events");
    eng_form_addf(&f, "SequenceNumber", "%d", c->sc_seq++);
    eng_form_add(&f, "Timestamp", ts);
    eng_form_add(&f, "AnsweredBy", p->answered_by);
    if (ev == ENG_EV_COMPLETED) {
        eng_form_addf(&f, "CallDuration", "%d", p->duration_s);
        eng_form_addf(&f, "Duration", "%d", (p->duration_s + 59) / 60);
        if (p->sip_code)
            eng_form_addf(&f, "SipResponseCode", "%d", p->sip_code);
        if (p->error_code) {
            eng_form_addf(&f, "ErrorCode", "%d", p->error_code);
            eng_form_add(&f, "ErrorMessage", p->error_message);
        }
        struct eng_rec *r = c->rec_sid ? eng_rec_find(s, c->rec_sid) : NULL;
        if (r) {
            char url[256];
            eng_rec_url(s, r, url, sizeof url);
            eng_form_add(&f, "RecordingUrl", url);
            eng_form_add(&f, "RecordingSid", r->pub.sid);
            eng_form_addf(&f, "RecordingDuration", "%d", r->pub.duration_s);
        }
    }
    eng_http(s, REQ_CALLBACK, c, c->sc_url, c->sc_method, &f);
}

void eng_call_status(struct sim *s, struct eng_call *c, enum callstate_status st)
{
    struct sim_call *p = &c->pub;
    if (p->status == st || callstate_is_final(p->status))
        return;
    eng_log(s, DT_LOG_INFO, "%s: %s -> %s", p->sid, callstate_name(p->status), callstate_name(st));
    p->status = st;
    p->updated_ms = s->now;
    if (c->part && !c->part->joined)
        c->part->pub.status = st == DT_CALL_INITIATED ? "connecting" : "ringing";
    if (st == DT_CALL_INITIATED) {
        p->start_ms = s->now;
        eng_status_callback(s, c, ENG_EV_INITIATED);
    } else if (st == DT_CALL_RINGING) {
        if (!p->start_ms)
            p->start_ms = s->now;
        eng_status_callback(s, c, ENG_EV_RINGING);
    } else if (st == DT_CALL_IN_PROGRESS) {
        p->answer_ms = s->now;
        eng_status_callback(s, c, ENG_EV_ANSWERED);
    }
}

void eng_call_end(struct sim *s, struct eng_call *c, enum callstate_status st, int sip, int code,
                  const char *msg)
{
    struct sim_call *p = &c->pub;
    if (c->phase == PH_ENDED || c->ending)
        return;
    c->ending = 1;
    eng_timer_stop(s, &c->t_step);
    eng_timer_stop(s, &c->t_far);
    eng_timer_stop(s, &c->t_amd);
    eng_timer_stop(s, &c->t_wait);
    c->gen++;
    c->wait_gen++;
    if (st == DT_CALL_COMPLETED && !p->answer_ms)
        st = DT_CALL_CANCELED;
    eng_log(s, DT_LOG_INFO, "%s: %s -> %s", p->sid, callstate_name(p->status), callstate_name(st));
    p->status = st;
    p->updated_ms = p->end_ms = s->now;
    if (!p->start_ms)
        p->start_ms = s->now;
    p->duration_s = p->answer_ms ? (int)((s->now - p->answer_ms + 999) / 1000) : 0;
    if (!sip && st == DT_CALL_COMPLETED)
        sip = 200;
    p->sip_code = sip;
    if (code) {
        p->error_code = code;
        eng_setstr(&p->error_message, final_error_message(code, msg));
    }
    int minutes = (p->duration_s + 59) / 60;
    p->price = minutes * sim_scenario_rate(s->sc, p->to);
    c->phase = PH_ENDED;
    s->live--;

    /* take the leg out of wherever it is; the others hear of it */
    eng_queue_forget_waiter(s, c);
    if (c->enq)
        eng_queue_leave(s, c, c->enq->dequeuer ? "bridged" : "hangup", 0);
    if (c->part)
        eng_part_leave(s, c, c->part->joined ? "participant_hung_up" : "participant_not_answered",
                       0);
    eng_dial_detach(s, c);
    const char *recs[] = {c->verb_rec, c->rec_sid};
    for (int i = 0; i < 2; i++) {
        struct eng_rec *r = recs[i] ? eng_rec_find(s, recs[i]) : NULL;
        if (r && r->pub.duration_s < 0)
            eng_rec_stop(s, r, s->now - r->pub.start_ms);
    }
    eng_exec_clear(s, &c->main);
    eng_exec_clear(s, &c->wait);
    eng_status_callback(s, c, ENG_EV_COMPLETED);
    /* an ended call is kept for listing: what only a live call needs goes now */
    char **drop[] = {&c->url,           &c->method,      &c->fallback_url,  &c->fallback_method,
                     &c->twiml,         &c->sc_url,      &c->sc_method,     &c->rec_cb_url,
                     &c->rec_cb_method, &c->amd_cb_url,  &c->amd_cb_method, &c->script,
                     &c->wait_url,      &c->wait_method, &c->conf_join};
    for (size_t i = 0; i < sizeof drop / sizeof *drop; i++) {
        free(*drop[i]);
        *drop[i] = NULL;
    }
    dt_buf_done(&c->pressed);
    c->ending = 0;
}

void eng_call_fail(struct sim *s, struct eng_call *c, int code, const char *msg)
{
    eng_log(s, DT_LOG_WARN, "%s: error %d: %s", c->pub.sid, code, final_error_message(code, msg));
    eng_call_end(s, c, c->pub.answer_ms ? DT_CALL_COMPLETED : DT_CALL_FAILED, 0, code, msg);
}

/* ---- the far party -------------------------------------------------------------------------- */

static void far_fire(struct sim *s, struct eng_timer *t)
{
    struct eng_call *c = ENG_CONTAINER(t, struct eng_call, t_far);
    eng_log(s, DT_LOG_INFO, "%s: the far party hangs up", c->pub.sid);
    eng_call_end(s, c, DT_CALL_COMPLETED, 0, 0, NULL);
}

/* Once connected (bridged, in a conference, or an answered outbound leg), the far party hangs
 * up after its talk time; armed once per leg. */
void eng_far_arm_talk(struct sim *s, struct eng_call *c)
{
    if (c->talk_s > 0 && !c->t_far.idx)
        eng_timer_arm(s, &c->t_far, s->now + eng_ms(c->talk_s));
}

/* ---- outbound legs ------------------------------------------------------------------------ */

static int64_t ring_ms(struct sim *s, const struct eng_call *c)
{
    double lo = c->ep.ring_s, hi = c->ep.ring_max_s > lo ? c->ep.ring_max_s : lo;
    return eng_ms(eng_uniform(s, lo, hi));
}

void eng_call_dial_out(struct sim *s, struct eng_call *c)
{
    c->phase = PH_SETUP;
    eng_timer_arm(s, &c->t_step, s->now);
}

static void answered(struct sim *s, struct eng_call *c);

static void ring_outcome(struct sim *s, struct eng_call *c)
{
    const struct sim_endpoint *ep = &c->ep;
    switch (ep->answer) {
    case DT_SIM_ANSWER_HUMAN:
    case DT_SIM_ANSWER_MACHINE:
    case DT_SIM_ANSWER_FAX:
        answered(s, c);
        break;
    case DT_SIM_ANSWER_BUSY:
        eng_call_end(s, c, DT_CALL_BUSY, ep->sip_code ? ep->sip_code : 486, 0, NULL);
        break;
    case DT_SIM_ANSWER_DECLINE:
        eng_call_end(s, c, DT_CALL_BUSY, ep->sip_code ? ep->sip_code : 603, 0, NULL);
        break;
    case DT_SIM_ANSWER_FAIL:
        eng_call_end(s, c, DT_CALL_FAILED, ep->sip_code, ep->error_code, NULL);
        break;
    case DT_SIM_ANSWER_NO_ANSWER:
    default:
        eng_call_end(s, c, DT_CALL_NO_ANSWER, ep->sip_code ? ep->sip_code : 487, 0, NULL);
        break;
    }
}

/* t_step while PH_SETUP: queued -> initiated -> ringing -> the endpoint's outcome, or no-answer
 * when the ring outlasts Timeout. */
void eng_setup_step(struct sim *s, struct eng_call *c)
{
    struct sim_call *p = &c->pub;
    if (p->status == DT_CALL_QUEUED) {
        eng_call_status(s, c, DT_CALL_INITIATED);
        eng_timer_arm(s, &c->t_step, s->now + ENG_SETUP_MS);
    } else if (p->status == DT_CALL_INITIATED) {
        eng_call_status(s, c, DT_CALL_RINGING);
        int64_t ring = ring_ms(s, c), limit = (int64_t)c->timeout_s * 1000;
        if (c->ep.answer == DT_SIM_ANSWER_NO_ANSWER || ring > limit)
            ring = limit, c->ep.answer = DT_SIM_ANSWER_NO_ANSWER;
        eng_timer_arm(s, &c->t_step, s->now + ring);
    } else if (p->status == DT_CALL_RINGING) {
        ring_outcome(s, c);
    }
}

/* ---- answering machine detection ---------------------------------------------------------- */

/* When AMD reaches its answer for this endpoint, and what it says. */
static int64_t amd_result(const struct eng_call *c, const char **what)
{
    int64_t limit = (int64_t)c->amd_timeout_s * 1000, at;
    switch (c->ep.answer) {
    case DT_SIM_ANSWER_MACHINE:
        if (c->amd == 2) {
            at = eng_ms(c->ep.machine_greeting_s > 0 ? c->ep.machine_greeting_s : 10);
            *what = "machine_end_beep";
        } else {
            at = ENG_AMD_MACH_MS;
            *what = "machine_start";
        }
        break;
    case DT_SIM_ANSWER_FAX:
        at = ENG_AMD_FAX_MS;
        *what = "fax";
        break;
    default:
        at = ENG_AMD_HUMAN_MS;
        *what = "human";
        break;
    }
    if (at > limit) {
        at = limit;
        *what = "unknown";
    }
    return at;
}

static void fetch_answer_url(struct sim *s, struct eng_call *c)
{
    if (c->twiml) {
        char *t = c->twiml;
        c->twiml = NULL;
        eng_run_inline(s, c, t);
        free(t);
        return;
    }
    struct form extra;
    form_init(&extra);
    if (c->pub.answered_by && !c->amd_async) {
        eng_form_add(&extra, "AnsweredBy", c->pub.answered_by);
        eng_form_addf(&extra, "MachineDetectionDuration", "%d", c->amd_ms);
    }
    eng_fetch_main(s, c, c->url, c->method, &extra);
}

static void amd_fire(struct sim *s, struct eng_timer *t)
{
    struct eng_call *c = ENG_CONTAINER(t, struct eng_call, t_amd);
    const char *what;
    c->amd_ms = (int)amd_result(c, &what);
    eng_setstr(&c->pub.answered_by, what);
    eng_log(s, DT_LOG_INFO, "%s: AMD: %s", c->pub.sid, what);
    if (!c->amd_async) {
        fetch_answer_url(s, c);
        return;
    }
    if (!c->amd_cb_url)
        return;
    struct form f;
    form_init(&f);
    eng_form_add(&f, "AccountSid", c->pub.account_sid);
    eng_form_add(&f, "CallSid", c->pub.sid);
    eng_form_add(&f, "AnsweredBy", what);
    eng_form_addf(&f, "MachineDetectionDuration", "%d", c->amd_ms);
    eng_http(s, REQ_CALLBACK, c, c->amd_cb_url, c->amd_cb_method, &f);
}

static void answered(struct sim *s, struct eng_call *c)
{
    eng_call_status(s, c, DT_CALL_IN_PROGRESS);
    c->talk_s = c->ep.talk_s > 0 ? c->ep.talk_s : -1;
    eng_far_arm_talk(s, c);
    if (c->parent) {
        eng_child_answered(s, c);
        return;
    }
    if (c->record && !c->rec_sid) {
        struct eng_rec *r = eng_rec_start(s, c->pub.sid, "", "OutboundAPI", 1);
        eng_rec_set_callback(s, r, c->rec_cb_url, c->rec_cb_method, c->rec_cb_events);
        c->rec_sid = xstrdup(r->pub.sid);
    }
    if (c->conf_join) {
        struct eng_conf *cf = eng_conf_find(s, c->conf_join, 1);
        if (!cf || !c->part) {
            eng_call_end(s, c, DT_CALL_COMPLETED, 0, 16022, NULL);
            return;
        }
        c->phase = PH_CONF;
        eng_part_join(s, c->part);
        return;
    }
    if (c->amd) {
        const char *what;
        eng_timer_arm(s, &c->t_amd, s->now + amd_result(c, &what));
        if (!c->amd_async) {
            c->phase = PH_AMD;
            return;
        }
    }
    fetch_answer_url(s, c);
}

void eng_call_answer_inbound(struct sim *s, struct eng_call *c)
{
    if (c->pub.status == DT_CALL_RINGING)
        eng_call_status(s, c, DT_CALL_IN_PROGRESS);
}

size_t eng_call_bytes(const struct eng_call *c)
{
    const struct sim_call *p = &c->pub;
    size_t n = sizeof *c + c->pressed.cap;
    const char *strs[] = {p->to,
                          p->from,
                          p->caller_name,
                          p->answered_by,
                          p->error_message,
                          c->url,
                          c->method,
                          c->fallback_url,
                          c->fallback_method,
                          c->twiml,
                          c->sc_url,
                          c->sc_method,
                          c->rec_cb_url,
                          c->rec_cb_method,
                          c->amd_cb_url,
                          c->amd_cb_method,
                          c->script,
                          c->rec_sid,
                          c->conf_join,
                          c->verb_rec,
                          c->wait_url,
                          c->wait_method};
    for (size_t i = 0; i < sizeof strs / sizeof *strs; i++)
        if (strs[i])
            n += strlen(strs[i]) + 1;
    if (c->main.doc)
        n += c->main.doc->bytes;
    if (c->wait.doc)
        n += c->wait.doc->bytes;
    if (c->enq)
        n += sizeof *c->enq + 64;
    if (c->dial)
        n += sizeof *c->dial + c->dial->kids.cap * sizeof(void *);
    return n;
}
