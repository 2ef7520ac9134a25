/*
 * engine_conf: conferences. A conference is made by the first <Dial><Conference> or
 * Participants request that names it, starts when a participant with startConferenceOnEnter
 * joins (the others hear its waitUrl until then), and ends when a participant with
 * endConferenceOnExit leaves, when the last one leaves, or through the REST API. Its
 * statusCallback hears of each event it asked for; record-from-start makes a recording.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/engine_int.h"

#define CONF_NAME_MAX 128

static const struct {
    const char *name;
    unsigned bit;
} conf_events[] = {
    {"start", ENG_CEV_START},   {"end", ENG_CEV_END},         {"join", ENG_CEV_JOIN},
    {"leave", ENG_CEV_LEAVE},   {"mute", ENG_CEV_MUTE},       {"hold", ENG_CEV_HOLD},
    {"modify", ENG_CEV_MODIFY}, {"speaker", ENG_CEV_SPEAKER}, {"announcement", ENG_CEV_ANNOUNCE},
};

/* Twilio's event list (spaces or commas between names); unknown names are ignored. */
unsigned eng_conf_events(const char *list)
{
    unsigned bits = 0;
    while (list && *list) {
        size_t n = strcspn(list, " ,");
        for (size_t i = 0; i < sizeof conf_events / sizeof *conf_events; i++)
            if (n == strlen(conf_events[i].name) && strncmp(list, conf_events[i].name, n) == 0)
                bits |= conf_events[i].bit;
        list += n;
        list += strspn(list, " ,");
    }
    return bits;
}

static void part_free(struct eng_part *p)
{
    free(p->pub.label);
    free(p->wait_url);
    free(p->wait_method);
    free(p);
}

void eng_conf_free(struct eng_conf *cf)
{
    if (!cf)
        return;
    for (size_t i = 0; i < cf->parts.n; i++)
        part_free(cf->parts.v[i]);
    free(cf->pub.friendly_name);
    free(cf->parts.v);
    free(cf->cb_url);
    free(cf->cb_method);
    free(cf->rec_cb_url);
    free(cf->rec_cb_method);
    free(cf->rec_cb_events);
    free(cf->rec_sid);
    free(cf);
}

struct eng_conf *eng_conf_find(const struct sim *s, const char *id, int live_only)
{
    if (!id)
        return NULL;
    struct eng_conf *cf = NULL;
    if (strncmp(id, "CF", 2) == 0 && strlen(id) == DT_SIM_SID_LEN) {
        cf = eng_map_get(&s->sids, id);
    } else {
        for (size_t i = s->confs.n; i-- > 0 && !cf;) {
            struct eng_conf *o = s->confs.v[i];
            if (!o->pub.reason_ended && strcmp(o->pub.friendly_name, id) == 0)
                cf = o;
        }
    }
    if (cf && live_only && cf->pub.reason_ended)
        return NULL;
    return cf;
}

struct eng_conf *eng_conf_by_name(struct sim *s, const char *name, int create)
{
    struct eng_conf *cf = eng_conf_find(s, name, 1);
    if (cf || !create)
        return cf;
    cf = xcalloc(1, sizeof *cf);
    eng_sid(s, "CF", cf->pub.sid);
    cf->pub.friendly_name = xstrdup(name);
    cf->pub.status = "init";
    cf->pub.created_ms = cf->pub.updated_ms = s->now;
    eng_vec_push(&s->confs, cf);
    eng_map_put(&s->sids, cf);
    eng_log(s, DT_LOG_INFO, "%s: conference \"%s\" created", cf->pub.sid, name);
    return cf;
}

/* The conference's callbacks come from the first participant that names them. */
void eng_conf_settings(struct eng_conf *cf, const char *cb, const char *cb_method,
                       const char *cb_events, const char *record, const char *rec_cb,
                       const char *rec_cb_method, const char *rec_cb_events)
{
    if (cb && *cb && !cf->cb_url) {
        cf->cb_url = xstrdup(cb);
        cf->cb_method = eng_strdup(cb_method);
        cf->cb_events = cb_events ? eng_conf_events(cb_events) : ENG_CEV_START | ENG_CEV_END;
    }
    if (record && strcmp(record, "record-from-start") == 0 && !cf->record) {
        cf->record = 1;
        cf->rec_cb_url = eng_strdup(rec_cb && *rec_cb ? rec_cb : NULL);
        cf->rec_cb_method = eng_strdup(rec_cb_method);
        cf->rec_cb_events = eng_strdup(rec_cb_events);
    }
}

static const char *tf(int b)
{
    return b ? "true" : "false";
}

void eng_conf_event(struct sim *s, struct eng_conf *cf, unsigned ev, const char *name,
                    const struct eng_part *p, struct form *extra)
{
    if (!cf->cb_url || !(cf->cb_events & ev)) {
        if (extra)
            form_done(extra);
        return;
    }
    struct form f;
    form_init(&f);
    char ts[40];
    eng_rfc2822(s->now, ts);
    eng_form_add(&f, "AccountSid", s->sc->account_sid);
    eng_form_add(&f, "ConferenceSid", cf->pub.sid);
    eng_form_add(&f, "FriendlyName", cf->pub.friendly_name);
    eng_form_add(&f, "StatusCallbackEvent", name);
    eng_form_addf(&f, "SequenceNumber", "%d", ++cf->cb_seq);
    eng_form_add(&f, "Timestamp", ts);
    if (p) {
        const struct sim_participant *pp = &p->pub;
        eng_form_add(&f, "CallSid", pp->call_sid);
        eng_form_add(&f, "Muted", tf(pp->muted));
        eng_form_add(&f, "Hold", tf(pp->hold));
        eng_form_add(&f, "Coaching", tf(pp->coaching));
        eng_form_add(&f, "EndConferenceOnExit", tf(pp->end_conference_on_exit));
        eng_form_add(&f, "StartConferenceOnEnter", tf(pp->start_conference_on_enter));
        if (pp->call_sid_to_coach[0])
            eng_form_add(&f, "CallSidToCoach", pp->call_sid_to_coach);
        eng_form_add(&f, "ParticipantLabel", pp->label);
    }
    if (extra) {
        for (size_t i = 0; i < extra->count; i++)
            form_add(&f, extra->pairs[i].key, extra->pairs[i].value);
        form_done(extra);
    }
    eng_http(s, REQ_CALLBACK, p ? p->call : NULL, cf->cb_url, cf->cb_method, &f);
}

struct eng_part *eng_part_add(struct sim *s, struct eng_conf *cf, struct eng_call *c)
{
    struct eng_part *p = xcalloc(1, sizeof *p);
    dt_strlcpy(p->pub.call_sid, c->pub.sid, sizeof p->pub.call_sid);
    dt_strlcpy(p->pub.conference_sid, cf->pub.sid, sizeof p->pub.conference_sid);
    p->pub.status = "queued";
    p->pub.start_conference_on_enter = 1;
    p->pub.created_ms = p->pub.updated_ms = s->now;
    p->call = c;
    p->conf = cf;
    c->part = p;
    eng_vec_push(&cf->parts, p);
    return p;
}

static void conf_start(struct sim *s, struct eng_conf *cf)
{
    cf->started = 1;
    cf->pub.status = "in-progress";
    cf->pub.updated_ms = s->now;
    eng_log(s, DT_LOG_INFO, "%s: conference starts", cf->pub.sid);
    for (size_t i = 0; i < cf->parts.n; i++) {
        struct eng_part *p = cf->parts.v[i];
        if (p->joined)
            eng_wait_stop(s, p->call); /* the wait music stops for everyone */
    }
    if (cf->record && !cf->rec_sid) {
        struct eng_rec *r = eng_rec_start(s, "", cf->pub.sid, "Conference", 1);
        eng_rec_set_callback(s, r, cf->rec_cb_url, cf->rec_cb_method,
                             eng_rec_events(cf->rec_cb_events));
        cf->rec_sid = xstrdup(r->pub.sid);
    }
    eng_conf_event(s, cf, ENG_CEV_START, "conference-start", NULL, NULL);
}

void eng_part_join(struct sim *s, struct eng_part *p)
{
    struct eng_conf *cf = p->conf;
    struct eng_call *c = p->call;
    p->joined = 1;
    p->pub.status = "connected";
    p->pub.updated_ms = s->now;
    cf->ever_joined = 1;
    cf->pub.updated_ms = s->now;
    dt_strlcpy(c->pub.conference_sid, cf->pub.sid, sizeof c->pub.conference_sid);
    c->phase = PH_CONF;
    eng_log(s, DT_LOG_INFO, "%s: joins conference %s", c->pub.sid, cf->pub.sid);
    eng_conf_event(s, cf, ENG_CEV_JOIN, "participant-join", p, NULL);
    if (!cf->started && p->pub.start_conference_on_enter)
        conf_start(s, cf);
    else if (!cf->started)
        eng_wait_start(s, c, p->wait_url, p->wait_method);
    eng_far_arm_talk(s, c);
}

void eng_part_leave(struct sim *s, struct eng_call *c, const char *reason, int kicked)
{
    struct eng_part *p = c->part;
    if (!p)
        return;
    struct eng_conf *cf = p->conf;
    eng_vec_remove(&cf->parts, p);
    c->part = NULL;
    c->pub.conference_sid[0] = '\0';
    eng_wait_stop(s, c);
    p->pub.status = p->joined ? "complete" : "failed";
    eng_log(s, DT_LOG_INFO, "%s: leaves conference %s (%s)", c->pub.sid, cf->pub.sid, reason);
    struct form extra;
    form_init(&extra);
    eng_form_add(&extra, "ReasonParticipantLeft", reason);
    eng_form_add(&extra, "ParticipantCallStatus", callstate_name(c->pub.status));
    eng_conf_event(s, cf, ENG_CEV_LEAVE, "participant-leave", p, &extra);
    if (!cf->pub.reason_ended) {
        if (p->joined && p->pub.end_conference_on_exit)
            eng_conf_end(s, cf,
                         kicked ? "participant-with-end-conference-on-exit-kicked"
                                : "participant-with-end-conference-on-exit-left",
                         c->pub.sid);
        else if (cf->parts.n == 0)
            eng_conf_end(s, cf, kicked ? "last-participant-kicked" : "last-participant-left",
                         c->pub.sid);
    }
    int api = p->api;
    part_free(p);
    /* the call goes on: a Participants leg hangs up, a <Dial><Conference> goes on after it */
    if (c->phase == PH_ENDED || !api || c->redirecting)
        eng_dial_finish(s, c, "completed");
    else
        eng_call_end(s, c, DT_CALL_COMPLETED, 0, 0, NULL);
}

void eng_conf_end(struct sim *s, struct eng_conf *cf, const char *reason, const char *by_sid)
{
    if (cf->pub.reason_ended)
        return;
    cf->pub.reason_ended = reason;
    cf->pub.status = "completed";
    cf->pub.updated_ms = s->now;
    if (by_sid)
        dt_strlcpy(cf->pub.call_sid_ending, by_sid, sizeof cf->pub.call_sid_ending);
    eng_log(s, DT_LOG_INFO, "%s: conference ends: %s", cf->pub.sid, reason);
    while (cf->parts.n) {
        struct eng_part *p = cf->parts.v[0];
        eng_part_leave(s, p->call, "conference_ended", 0);
    }
    struct eng_rec *r = cf->rec_sid ? eng_rec_find(s, cf->rec_sid) : NULL;
    if (r && r->pub.duration_s < 0)
        eng_rec_stop(s, r, s->now - r->pub.start_ms);
    struct form extra;
    form_init(&extra);
    eng_form_add(&extra, "ReasonConferenceEnded", reason);
    if (cf->pub.call_sid_ending[0])
        eng_form_add(&extra, "CallSidEndingConference", cf->pub.call_sid_ending);
    eng_conf_event(s, cf, ENG_CEV_END, "conference-end", NULL, &extra);
}

static char *trim_name(const char *t)
{
    while (t && isspace((unsigned char)*t))
        t++;
    size_t n = t ? strlen(t) : 0;
    while (n > 0 && isspace((unsigned char)t[n - 1]))
        n--;
    return xstrndup(t ? t : "", n);
}

/* <Dial><Conference>NAME</Conference></Dial> */
void eng_conf_dial(struct sim *s, struct eng_call *c, struct eng_exec *x, const struct tw_node *n)
{
    char *name = trim_name(n->text);
    if (!*name || strlen(name) > CONF_NAME_MAX) {
        free(name);
        eng_log(s, DT_LOG_WARN, "%s: invalid conference name (13237)", c->pub.sid);
        eng_dial_finish(s, c, "failed");
        return;
    }
    struct eng_conf *cf = eng_conf_by_name(s, name, 1);
    free(name);
    if (cf->parts.n >= ENG_MAX_PARTS) {
        eng_log(s, DT_LOG_WARN, "%s: conference %s is full (16020)", c->pub.sid, cf->pub.sid);
        eng_dial_finish(s, c, "failed");
        return;
    }
    char *cb =
        tw_attr(n, "statusCallback") ? eng_resolve(x->base, tw_attr(n, "statusCallback")) : NULL;
    char *rcb = tw_attr(n, "recordingStatusCallback")
                    ? eng_resolve(x->base, tw_attr(n, "recordingStatusCallback"))
                    : NULL;
    eng_conf_settings(cf, cb, tw_attr(n, "statusCallbackMethod"), tw_attr(n, "statusCallbackEvent"),
                      tw_attr(n, "record"), rcb, tw_attr(n, "recordingStatusCallbackMethod"),
                      tw_attr(n, "recordingStatusCallbackEvent"));
    free(cb);
    free(rcb);
    struct eng_part *p = eng_part_add(s, cf, c);
    p->pub.muted = tw_attr_bool(n, "muted", 0);
    p->pub.start_conference_on_enter = tw_attr_bool(n, "startConferenceOnEnter", 1);
    p->pub.end_conference_on_exit = tw_attr_bool(n, "endConferenceOnExit", 0);
    const char *label = tw_attr(n, "participantLabel"), *coach = tw_attr(n, "coach");
    if (label && *label && strlen(label) <= 128)
        p->pub.label = xstrdup(label);
    if (coach && eng_call_find(s, coach)) {
        p->pub.coaching = 1;
        dt_strlcpy(p->pub.call_sid_to_coach, coach, sizeof p->pub.call_sid_to_coach);
    }
    const char *w = tw_attr(n, "waitUrl");
    p->wait_url = w ? eng_resolve(x->base, w) : NULL;
    p->wait_method = eng_strdup(tw_attr(n, "waitMethod"));
    eng_part_join(s, p);
}
