/*
 * engine_part: the Conferences and Participants resources. Adding a participant dials a new
 * leg that joins the conference when answered (or leaves it with its failure); updating one
 * holds, mutes or makes it coach another, each with its conference event; deleting one hangs
 * its leg up. Ending a conference through the API ends it for everyone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/engine_int.h"

static int not_found(struct sim_err *e)
{
    eng_seterr(e, 404, 20404, "The requested resource was not found");
    return DT_ENOTFOUND;
}

const struct sim_conference *sim_conference_get(const struct sim *s, const char *conf_id)
{
    const struct eng_conf *cf = eng_conf_find(s, conf_id, 0);
    return cf ? &cf->pub : NULL;
}

size_t sim_conference_count(const struct sim *s)
{
    return s->confs.n;
}

const struct sim_conference *sim_conference_at(const struct sim *s, size_t i)
{
    if (i >= s->confs.n)
        return NULL;
    const struct eng_conf *cf = s->confs.v[s->confs.n - 1 - i];
    return &cf->pub;
}

int sim_conference_update(struct sim *s, const char *sid, const struct form *params,
                          const struct sim_conference **out, struct sim_err *e)
{
    *out = NULL;
    struct eng_conf *cf = sid && strncmp(sid, "CF", 2) == 0 ? eng_conf_find(s, sid, 0) : NULL;
    if (!cf)
        return not_found(e);
    const char *st = form_get(params, "Status");
    if (st && strcmp(st, "completed") != 0) {
        eng_seterr(e, 400, 20001, "Status must be 'completed'");
        return DT_EINVAL;
    }
    const char *au = form_get(params, "AnnounceUrl");
    if (au && *au && !eng_is_url(au)) {
        eng_seterr(e, 400, 21205, "AnnounceUrl is not a valid URL");
        return DT_EINVAL;
    }
    if (st)
        eng_conf_end(s, cf, "conference-ended-via-api", NULL);
    *out = &cf->pub;
    return 0;
}

static struct eng_part *part_find(const struct sim *s, const char *conf_sid, const char *call_sid)
{
    const struct eng_conf *cf = conf_sid ? eng_conf_find(s, conf_sid, 0) : NULL;
    for (size_t i = 0; cf && call_sid && i < cf->parts.n; i++) {
        struct eng_part *p = cf->parts.v[i];
        if (strcmp(p->pub.call_sid, call_sid) == 0 ||
            (p->pub.label && strcmp(p->pub.label, call_sid) == 0))
            return p;
    }
    return NULL;
}

size_t sim_participant_count(const struct sim *s, const char *conference_sid)
{
    const struct eng_conf *cf = eng_conf_find(s, conference_sid, 0);
    return cf ? cf->parts.n : 0;
}

const struct sim_participant *sim_participant_at(const struct sim *s, const char *conference_sid,
                                                 size_t i)
{
    const struct eng_conf *cf = eng_conf_find(s, conference_sid, 0);
    if (!cf || i >= cf->parts.n)
        return NULL;
    const struct eng_part *p = cf->parts.v[i];
    return &p->pub;
}

const struct sim_participant *sim_participant_get(const struct sim *s, const char *conference_sid,
                                                  const char *call_sid)
{
    const struct eng_part *p = part_find(s, conference_sid, call_sid);
    return p ? &p->pub : NULL;
}

/* ---- flags shared by create and update ---------------------------------------------------- */

struct flags {
    int muted, hold, coaching, eoe, soe;
    const char *coach;
};

static int get_bool(const struct form *params, const char *key, int *v, struct sim_err *e)
{
    const char *s = form_get(params, key);
    if (s && eng_parse_bool(s, v) != 0) {
        eng_seterr(e, 400, 20001, "%s must be true or false", key);
        return 0;
    }
    return 1;
}

/* Reads the flags over what f holds; checks coaching against conference cf. */
static int read_flags(const struct form *params, const struct eng_conf *cf, const char *self,
                      struct flags *f, struct sim_err *e)
{
    if (!get_bool(params, "Muted", &f->muted, e) || !get_bool(params, "Hold", &f->hold, e) ||
        !get_bool(params, "Coaching", &f->coaching, e) ||
        !get_bool(params, "EndConferenceOnExit", &f->eoe, e) ||
        !get_bool(params, "StartConferenceOnEnter", &f->soe, e))
        return 0;
    const char *coach = form_get(params, "CallSidToCoach");
    if (coach) {
        int present = 0;
        for (size_t i = 0; i < cf->parts.n; i++) {
            const struct eng_part *p = cf->parts.v[i];
            present |= strcmp(p->pub.call_sid, coach) == 0 && strcmp(coach, self) != 0;
        }
        if (!present) {
            eng_seterr(e, 400, 16028, "CallSidToCoach %.40s is not a participant of %s", coach,
                       cf->pub.sid);
            return 0;
        }
        f->coach = coach;
        if (!form_get(params, "Coaching"))
            f->coaching = 1;
    }
    if (f->coaching && !f->coach) {
        eng_seterr(e, 400, 20001, "CallSidToCoach is required when Coaching is true");
        return 0;
    }
    return 1;
}

static int check_label(const struct eng_conf *cf, const char *label, struct sim_err *e)
{
    if (!label)
        return 1;
    if (!*label || strlen(label) > 128 || strchr(label, '/') ||
        (strncmp(label, "CA", 2) == 0 && strlen(label) == DT_SIM_SID_LEN)) {
        eng_seterr(e, 400, 16024,
                   "Invalid participant label, must not exceed 128 characters, must not be a "
                   "CallSid, must not contain '/'");
        return 0;
    }
    for (size_t i = 0; i < cf->parts.n; i++) {
        const struct eng_part *p = cf->parts.v[i];
        if (p->pub.label && strcmp(p->pub.label, label) == 0) {
            eng_seterr(e, 400, 16026, "Participant label is in use by another participant");
            return 0;
        }
    }
    return 1;
}

static int check_urls(const struct form *params, struct sim_err *e)
{
    static const char *const urls[] = {
        "StatusCallback",          "ConferenceStatusCallback",          "WaitUrl", "HoldUrl",
        "RecordingStatusCallback", "ConferenceRecordingStatusCallback", NULL};
    static const char *const methods[] = {"StatusCallbackMethod", "ConferenceStatusCallbackMethod",
                                          "WaitMethod", "HoldMethod", NULL};
    for (int i = 0; urls[i]; i++) {
        const char *u = form_get(params, urls[i]);
        if (u && *u && !eng_is_url(u)) {
            eng_seterr(e, 400, i == 0 ? 21609 : 21205, "%s is not a valid URL", urls[i]);
            return 0;
        }
    }
    for (int i = 0; methods[i]; i++) {
        const char *m = form_get(params, methods[i]);
        if (m && !eng_is_method(m)) {
            eng_seterr(e, 400, 21209, "%s must be GET or POST", methods[i]);
            return 0;
        }
    }
    return 1;
}

/* ---- create ------------------------------------------------------------------------------- */

/* 0 with *out the live conference conf_id names, or NULL for a name to create once the
 * request is valid; else the error. */
static int conf_for_create(struct sim *s, const char *conf_id, struct eng_conf **out,
                           struct sim_err *e)
{
    *out = NULL;
    if (!conf_id || !*conf_id || strlen(conf_id) > 128)
        return not_found(e);
    if (strncmp(conf_id, "CF", 2) == 0 && strlen(conf_id) == DT_SIM_SID_LEN) {
        struct eng_conf *cf = eng_conf_find(s, conf_id, 0);
        if (!cf)
            return not_found(e);
        if (cf->pub.reason_ended) {
            eng_seterr(e, 400, 16022, "Conference does not exist or is completed");
            return DT_ESTATE;
        }
        *out = cf;
        return 0;
    }
    *out = eng_conf_by_name(s, conf_id, 0);
    return 0;
}

int sim_participant_create(struct sim *s, const char *conf_id, const struct form *params,
                           const struct sim_participant **out, struct sim_err *e)
{
    *out = NULL;
    struct eng_conf *cf;
    int rc = conf_for_create(s, conf_id, &cf, e);
    if (rc)
        return rc;
    const char *to = form_get(params, "To"), *from = form_get(params, "From");
    if (eng_check_endpoints(s, to, from, e) != 0 || !check_urls(params, e))
        return DT_EINVAL;
    struct eng_conf empty = {0};
    struct flags f = {.soe = 1};
    const char *label = form_get(params, "Label");
    if (!read_flags(params, cf ? cf : &empty, "", &f, e) ||
        !check_label(cf ? cf : &empty, label, e))
        return DT_EINVAL;
    long timeout = 60;
    const char *t = form_get(params, "Timeout");
    if (t && eng_parse_int(t, 5, 600, &timeout) != 0) {
        eng_seterr(e, 400, 21208, "Timeout must be between 5 and 600");
        return DT_EINVAL;
    }
    int record = 0;
    if (!get_bool(params, "Record", &record, e))
        return DT_EINVAL;
    if (!cf)
        cf = eng_conf_by_name(s, conf_id, 1);
    if (cf->parts.n >= ENG_MAX_PARTS) {
        eng_seterr(e, 400, 16020, "Conference is full");
        return DT_ESTATE;
    }
    eng_conf_settings(cf, form_get(params, "ConferenceStatusCallback"),
                      form_get(params, "ConferenceStatusCallbackMethod"),
                      form_get(params, "ConferenceStatusCallbackEvent"),
                      form_get(params, "ConferenceRecord"),
                      form_get(params, "ConferenceRecordingStatusCallback"),
                      form_get(params, "ConferenceRecordingStatusCallbackMethod"),
                      form_get(params, "ConferenceRecordingStatusCallbackEvent"));

    const char *caller_id = form_get(params, "CallerId");
    struct eng_call *c =
        eng_call_new(s, DT_SIM_OUTBOUND_API, to, caller_id && *caller_id ? caller_id : from);
    c->ep = *sim_scenario_endpoint(s->sc, to);
    c->ep.pattern = c->ep.digits = NULL;
    c->timeout_s = (int)timeout;
    c->record = record;
    eng_call_callbacks(c, params);
    c->conf_join = xstrdup(cf->pub.sid);
    struct eng_part *p = eng_part_add(s, cf, c);
    p->api = 1;
    p->pub.muted = f.muted;
    p->pub.hold = f.hold;
    p->pub.coaching = f.coaching;
    p->pub.end_conference_on_exit = f.eoe;
    p->pub.start_conference_on_enter = f.soe;
    if (f.coach)
        dt_strlcpy(p->pub.call_sid_to_coach, f.coach, sizeof p->pub.call_sid_to_coach);
    p->pub.label = eng_strdup(label);
    p->wait_url = eng_strdup(form_get(params, "WaitUrl"));
    p->wait_method = eng_strdup(form_get(params, "WaitMethod"));
    eng_log(s, DT_LOG_INFO, "%s: participant %s dials %s", cf->pub.sid, c->pub.sid, to);
    eng_call_dial_out(s, c);
    *out = &p->pub;
    return 0;
}

/* ---- update and delete -------------------------------------------------------------------- */

int sim_participant_update(struct sim *s, const char *conference_sid, const char *call_sid,
                           const struct form *params, const struct sim_participant **out,
                           struct sim_err *e)
{
    *out = NULL;
    struct eng_part *p = part_find(s, conference_sid, call_sid);
    if (!p)
        return not_found(e);
    struct eng_conf *cf = p->conf;
    struct sim_participant *pp = &p->pub;
    struct flags f = {.muted = pp->muted,
                      .hold = pp->hold,
                      .coaching = pp->coaching,
                      .eoe = pp->end_conference_on_exit,
                      .soe = pp->start_conference_on_enter,
                      .coach = pp->call_sid_to_coach[0] ? pp->call_sid_to_coach : NULL};
    if (!check_urls(params, e) || !read_flags(params, cf, pp->call_sid, &f, e))
        return DT_EINVAL;
    int mute_changed = f.muted != pp->muted, hold_changed = f.hold != pp->hold;
    int modified = f.coaching != pp->coaching || f.eoe != pp->end_conference_on_exit ||
                   (f.coach && strcmp(f.coach, pp->call_sid_to_coach) != 0);
    char coach[DT_SIM_SID_LEN + 1] = "";
    if (f.coach)
        dt_strlcpy(coach, f.coach, sizeof coach);
    pp->muted = f.muted;
    pp->hold = f.hold;
    pp->coaching = f.coaching;
    pp->end_conference_on_exit = f.eoe;
    dt_strlcpy(pp->call_sid_to_coach, coach, sizeof pp->call_sid_to_coach);
    pp->updated_ms = s->now;
    if (mute_changed)
        eng_conf_event(s, cf, ENG_CEV_MUTE, f.muted ? "participant-mute" : "participant-unmute", p,
                       NULL);
    if (hold_changed)
        eng_conf_event(s, cf, ENG_CEV_HOLD, f.hold ? "participant-hold" : "participant-unhold", p,
                       NULL);
    if (modified)
        eng_conf_event(s, cf, ENG_CEV_MODIFY, "participant-modify", p, NULL);
    *out = pp;
    return 0;
}

int sim_participant_delete(struct sim *s, const char *conference_sid, const char *call_sid,
                           struct sim_err *e)
{
    struct eng_part *p = part_find(s, conference_sid, call_sid);
    if (!p)
        return not_found(e);
    eng_part_leave(s, p->call, "participant_kicked", 1);
    return 0;
}
