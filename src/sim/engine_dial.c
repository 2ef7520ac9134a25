/*
 * engine_dial: <Dial> and bridges. Number, Sip and Client nouns become child legs
 * (outbound-dial, with ParentCallSid) that ring at once; the first to answer is bridged to the
 * parent and the others are canceled. <Queue> takes the front caller of a queue; <Conference>
 * hands over to engine_conf.c. When the Dial ends its action is posted with DialCallStatus,
 * DialCallSid and DialCallDuration, and its TwiML (or the next verb) drives the parent on.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/engine_int.h"

void eng_dial_free(struct eng_dial *d)
{
    if (!d)
        return;
    free(d->action);
    free(d->method);
    free(d->rec_sid);
    free(d->kids.v);
    free(d);
}

static char *noun_target(const struct tw_node *n)
{
    const char *t = n->text ? n->text : "";
    if (n->el == TW_CLIENT)
        for (size_t i = 0; i < n->nkids; i++)
            if (n->kids[i]->el == TW_IDENTITY)
                t = n->kids[i]->text ? n->kids[i]->text : "";
    while (isspace((unsigned char)*t))
        t++;
    size_t len = strlen(t);
    while (len > 0 && isspace((unsigned char)t[len - 1]))
        len--;
    if (len > ENG_MAX_PARAM)
        len = ENG_MAX_PARAM;
    if (n->el == TW_CLIENT && strncmp(t, "client:", 7) != 0)
        return xasprintf("client:%.*s", (int)len, t);
    return xstrndup(t, len);
}

static void dial_child(struct sim *s, struct eng_call *c, const struct tw_node *n, const char *to,
                       const char *base)
{
    struct eng_dial *d = c->dial;
    const char *caller_id = tw_attr(d->node, "callerId");
    struct eng_call *k = eng_call_new(s, DT_SIM_OUTBOUND_DIAL, to,
                                      caller_id && *caller_id ? caller_id : c->pub.from);
    dt_strlcpy(k->pub.parent_sid, c->pub.sid, sizeof k->pub.parent_sid);
    k->parent = c;
    k->ep = *sim_scenario_endpoint(s->sc, to);
    k->ep.pattern = NULL;
    k->ep.digits = NULL;
    k->timeout_s = d->timeout_s;
    const char *cb = n ? tw_attr(n, "statusCallback") : NULL;
    if (cb && *cb) {
        k->sc_url = eng_resolve(base, cb);
        k->sc_method = eng_strdup(tw_attr(n, "statusCallbackMethod"));
        k->sc_events = eng_call_events(tw_attr(n, "statusCallbackEvent"));
    }
    eng_vec_push(&d->kids, k);
    eng_log(s, DT_LOG_INFO, "%s: dials %s as %s", c->pub.sid, to, k->pub.sid);
    eng_call_dial_out(s, k);
}

int eng_dial_verb(struct sim *s, struct eng_call *c, struct eng_exec *x, const struct tw_node *v)
{
    struct eng_dial *d = xcalloc(1, sizeof *d);
    const char *a = tw_attr(v, "action");
    d->action = a && *a ? eng_resolve(x->base, a) : NULL;
    d->method = eng_strdup(tw_attr(v, "method"));
    d->timeout_s = (int)tw_attr_int(v, "timeout", 30, 1, 600);
    d->time_limit_s = (int)tw_attr_int(v, "timeLimit", 14400, 1, 14400);
    d->started_ms = s->now;
    d->node = v;
    snprintf(d->last_status, sizeof d->last_status, "no-answer");
    eng_dial_free(c->dial);
    c->dial = d;
    c->phase = PH_DIAL;
    for (size_t i = 0; i < v->nkids; i++) {
        const struct tw_node *n = v->kids[i];
        if (n->el == TW_CONFERENCE) {
            d->conference = 1;
            eng_conf_dial(s, c, x, n);
            return 0;
        }
        if (n->el == TW_QUEUE) {
            char *name = noun_target(n);
            struct eng_queue *q = eng_queue_by_name(s, name, 0);
            free(name);
            if (!q) {
                eng_dial_finish(s, c, "failed");
                return 0;
            }
            eng_dial_queue(s, c, q);
            if (c->phase == PH_DIAL)
                eng_timer_arm(s, &c->t_step, s->now + d->timeout_s * 1000LL);
            return 0;
        }
    }
    for (size_t i = 0; i < v->nkids && c->phase == PH_DIAL; i++) {
        const struct tw_node *n = v->kids[i];
        if (n->el != TW_NUMBER && n->el != TW_SIP && n->el != TW_CLIENT)
            continue;
        char *to = noun_target(n);
        if (eng_valid_endpoint(to))
            dial_child(s, c, n, to, x->base);
        else
            eng_log(s, DT_LOG_WARN, "%s: <Dial> cannot call \"%.64s\" (13224)", c->pub.sid, to);
        free(to);
    }
    if (d->kids.n == 0 && c->phase == PH_DIAL) {
        char *to = noun_target(v); /* <Dial>+14155550100</Dial> */
        if (eng_valid_endpoint(to))
            dial_child(s, c, NULL, to, x->base);
        free(to);
    }
    if (d->kids.n == 0 && c->phase == PH_DIAL && !d->peer)
        eng_dial_finish(s, c, "failed");
    return 0;
}

void eng_bridge(struct sim *s, struct eng_call *a, struct eng_call *b)
{
    struct eng_dial *d = a->dial;
    a->peer = b;
    b->peer = a;
    a->phase = b->phase = PH_BRIDGED;
    d->peer = b;
    d->bridged_ms = s->now;
    dt_strlcpy(d->peer_sid, b->pub.sid, sizeof d->peer_sid);
    eng_timer_arm(s, &a->t_step, s->now + d->time_limit_s * 1000LL);
    eng_log(s, DT_LOG_INFO, "%s: bridged to %s", a->pub.sid, b->pub.sid);
    const char *rec = tw_attr(d->node, "record");
    if (rec && strncmp(rec, "record-from-", 12) == 0) {
        struct eng_rec *r =
            eng_rec_start(s, a->pub.sid, "", "DialVerb", strstr(rec, "dual") ? 2 : 1);
        const char *cb = tw_attr(d->node, "recordingStatusCallback");
        char *abs = cb ? eng_resolve(a->main.base, cb) : NULL;
        eng_rec_set_callback(s, r, abs, tw_attr(d->node, "recordingStatusCallbackMethod"),
                             eng_rec_events(tw_attr(d->node, "recordingStatusCallbackEvent")));
        free(abs);
        d->rec_sid = xstrdup(r->pub.sid);
    }
    eng_far_arm_talk(s, a);
    eng_far_arm_talk(s, b);
}

void eng_child_answered(struct sim *s, struct eng_call *k)
{
    struct eng_call *c = k->parent;
    struct eng_dial *d = c ? c->dial : NULL;
    if (!d || d->peer) {
        k->parent = NULL;
        eng_call_end(s, k, DT_CALL_COMPLETED, 0, 0, NULL);
        return;
    }
    eng_vec_remove(&d->kids, k);
    d->peer = k;
    while (d->kids.n) { /* the others stop ringing */
        struct eng_call *o = d->kids.v[--d->kids.n];
        o->parent = NULL;
        eng_call_end(s, o, DT_CALL_CANCELED, 487, 0, NULL);
    }
    eng_bridge(s, c, k);
}

void eng_child_final(struct sim *s, struct eng_call *k)
{
    struct eng_call *c = k->parent;
    k->parent = NULL;
    struct eng_dial *d = c ? c->dial : NULL;
    if (!d)
        return;
    eng_vec_remove(&d->kids, k);
    dt_strlcpy(d->last_status, callstate_name(k->pub.status), sizeof d->last_status);
    dt_strlcpy(d->peer_sid, k->pub.sid, sizeof d->peer_sid);
    if (!d->peer && d->kids.n == 0 && c->phase == PH_DIAL)
        eng_dial_finish(s, c, d->last_status);
}

void eng_dial_finish(struct sim *s, struct eng_call *c, const char *status_in)
{
    struct eng_dial *d = c->dial;
    if (!d)
        return;
    char status[16]; /* status_in may be d->last_status, freed below */
    dt_strlcpy(status, status_in, sizeof status);
    c->dial = NULL;
    eng_timer_stop(s, &c->t_step);
    struct form f;
    form_init(&f);
    eng_form_add(&f, "DialCallStatus", status);
    if (d->peer_sid[0] && !d->conference)
        eng_form_add(&f, "DialCallSid", d->peer_sid);
    if (!d->conference)
        eng_form_addf(&f, "DialCallDuration", "%d",
                      d->bridged_ms ? (int)((s->now - d->bridged_ms + 999) / 1000) : 0);
    struct eng_rec *r = d->rec_sid ? eng_rec_find(s, d->rec_sid) : NULL;
    if (r) {
        if (r->pub.duration_s < 0)
            eng_rec_stop(s, r, s->now - r->pub.start_ms);
        char url[256];
        eng_rec_url(s, r, url, sizeof url);
        eng_form_add(&f, "RecordingUrl", url);
        eng_form_add(&f, "RecordingSid", r->pub.sid);
        eng_form_addf(&f, "RecordingDuration", "%d", r->pub.duration_s);
    }
    char *action = d->action, *method = d->method;
    d->action = d->method = NULL;
    eng_dial_free(d);
    eng_log(s, DT_LOG_INFO, "%s: <Dial> ended: %s", c->pub.sid, status);
    if (c->phase == PH_ENDED || c->redirecting) {
        if (action) {
            struct form all;
            form_init(&all);
            eng_call_params(s, c, &all);
            for (size_t i = 0; i < f.count; i++)
                form_add(&all, f.pairs[i].key, f.pairs[i].value);
            eng_http(s, REQ_CALLBACK, c, action, method, &all);
        }
        form_done(&f);
    } else if (action) {
        eng_fetch_main(s, c, action, method, &f);
    } else {
        form_done(&f);
        eng_exec_next(s, c);
    }
    free(action);
    free(method);
}

/* c is ending: whoever it dials or talks to hears of it. */
void eng_dial_detach(struct sim *s, struct eng_call *c)
{
    struct eng_dial *d = c->dial;
    if (d) {
        eng_queue_forget_waiter(s, c);
        while (d->kids.n) {
            struct eng_call *k = d->kids.v[--d->kids.n];
            k->parent = NULL;
            eng_call_end(s, k, DT_CALL_CANCELED, 487, 0, NULL);
        }
    }
    struct eng_call *p = c->peer;
    if (p) {
        c->peer = p->peer = NULL;
        if (p->parent == c) {
            p->parent = NULL;
            eng_call_end(s, p, DT_CALL_COMPLETED, 0, 0, NULL); /* the dialled party */
        } else if (p->enq) {
            eng_queue_leave(s, p, "bridged", 1); /* a dequeued caller goes on with its TwiML */
        } else if (p->dial) {
            eng_dial_finish(s, p, "completed"); /* the parent goes on after its Dial */
        }
    }
    if (c->dial)
        eng_dial_finish(s, c, p ? "completed" : "canceled");
    if (c->parent)
        eng_child_final(s, c);
}

/* <Dial><Queue> found no caller within its timeout. */
void eng_dial_timeout(struct sim *s, struct eng_call *c)
{
    if (!c->dial || !c->dial->waiting)
        return;
    eng_queue_forget_waiter(s, c);
    eng_dial_finish(s, c, "no-answer");
}

/* The bridge reached the Dial's timeLimit: the dialled party is hung up. */
void eng_dial_time_limit(struct sim *s, struct eng_call *c)
{
    struct eng_call *p = c->peer;
    if (!p || !c->dial)
        return;
    c->peer = p->peer = NULL;
    if (p->parent == c) {
        p->parent = NULL;
        eng_call_end(s, p, DT_CALL_COMPLETED, 0, 0, NULL);
    } else if (p->enq) {
        eng_queue_leave(s, p, "bridged", 1);
    }
    eng_dial_finish(s, c, "completed");
}
