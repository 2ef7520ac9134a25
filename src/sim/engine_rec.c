/*
 * engine_rec: recordings. A call recorded from its answer (Record=true), a <Record> verb, a
 * recorded <Dial> and a conference recorded from its start each make one, with its sid, length,
 * channels, source, status and price, and its recordingStatusCallback hears of the events it
 * asked for (completed by default).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/engine_int.h"

/* Twilio's recording price per started minute, in the scenario's price unit. */
#define REC_PRICE_PER_MIN 0.0025

static const struct {
    const char *name;
    unsigned bit;
} rec_events[] = {
    {"in-progress", ENG_REV_IN_PROGRESS},
    {"completed", ENG_REV_COMPLETED},
    {"absent", ENG_REV_ABSENT},
};

unsigned eng_rec_events(const char *list)
{
    unsigned bits = 0;
    while (list && *list) {
        size_t n = strcspn(list, " ,");
        for (size_t i = 0; i < sizeof rec_events / sizeof *rec_events; i++)
            if (n == strlen(rec_events[i].name) && strncmp(list, rec_events[i].name, n) == 0)
                bits |= rec_events[i].bit;
        list += n;
        list += strspn(list, " ,");
    }
    return bits ? bits : ENG_REV_COMPLETED;
}

struct eng_rec *eng_rec_find(const struct sim *s, const char *sid)
{
    if (!sid || strncmp(sid, "RE", 2) != 0 || strlen(sid) != DT_SIM_SID_LEN)
        return NULL;
    return eng_map_get(&s->sids, sid);
}

void eng_rec_free(struct eng_rec *r)
{
    if (!r)
        return;
    free(r->cb_url);
    free(r->cb_method);
    free(r);
}

void eng_rec_url(const struct sim *s, const struct eng_rec *r, char *out, size_t n)
{
    snprintf(out, n, "https://api.twilio.com/2010-04-01/Accounts/%s/Recordings/%s",
             s->sc->account_sid ? s->sc->account_sid : "", r->pub.sid);
}

static void rec_callback(struct sim *s, const struct eng_rec *r, unsigned ev)
{
    if (!r->cb_url || !(r->cb_events & ev))
        return;
    const struct sim_recording *p = &r->pub;
    struct form f;
    form_init(&f);
    char url[256], ts[40];
    eng_rec_url(s, r, url, sizeof url);
    eng_rfc2822(p->start_ms, ts);
    eng_form_add(&f, "AccountSid", s->sc->account_sid);
    if (p->call_sid[0])
        eng_form_add(&f, "CallSid", p->call_sid);
    if (p->conference_sid[0])
        eng_form_add(&f, "ConferenceSid", p->conference_sid);
    eng_form_add(&f, "RecordingSid", p->sid);
    eng_form_add(&f, "RecordingUrl", url);
    eng_form_add(&f, "RecordingStatus", p->status);
    if (p->duration_s >= 0)
        eng_form_addf(&f, "RecordingDuration", "%d", p->duration_s);
    eng_form_addf(&f, "RecordingChannels", "%d", p->channels);
    eng_form_add(&f, "RecordingSource", p->source);
    eng_form_add(&f, "RecordingStartTime", ts);
    if (p->error_code)
        eng_form_addf(&f, "ErrorCode", "%d", p->error_code);
    struct eng_call *c = p->call_sid[0] ? eng_call_find(s, p->call_sid) : NULL;
    eng_http(s, REQ_CALLBACK, c, r->cb_url, r->cb_method, &f);
}

struct eng_rec *eng_rec_start(struct sim *s, const char *call_sid, const char *conf_sid,
                              const char *source, int channels)
{
    struct eng_rec *r = xcalloc(1, sizeof *r);
    struct sim_recording *p = &r->pub;
    eng_sid(s, "RE", p->sid);
    dt_strlcpy(p->call_sid, call_sid ? call_sid : "", sizeof p->call_sid);
    dt_strlcpy(p->conference_sid, conf_sid ? conf_sid : "", sizeof p->conference_sid);
    p->source = source;
    p->status = "in-progress";
    p->channels = channels;
    p->created_ms = p->start_ms = s->now;
    p->duration_s = -1;
    p->price = -1;
    eng_vec_push(&s->recs, r);
    eng_map_put(&s->sids, r);
    eng_log(s, DT_LOG_INFO, "%s: recording starts (%s)", p->sid, source);
    return r;
}

void eng_rec_set_callback(struct sim *s, struct eng_rec *r, const char *url, const char *method,
                          unsigned events)
{
    if (!url || !*url)
        return;
    eng_setstr(&r->cb_url, url);
    eng_setstr(&r->cb_method, method);
    r->cb_events = events ? events : ENG_REV_COMPLETED;
    rec_callback(s, r, ENG_REV_IN_PROGRESS);
}

void eng_rec_stop(struct sim *s, struct eng_rec *r, int64_t duration_ms)
{
    struct sim_recording *p = &r->pub;
    if (p->duration_s >= 0)
        return;
    p->duration_s = duration_ms > 0 ? (int)((duration_ms + 999) / 1000) : 0;
    p->status = "completed";
    p->price = ((p->duration_s + 59) / 60) * REC_PRICE_PER_MIN;
    eng_log(s, DT_LOG_INFO, "%s: recording completed, %d s", p->sid, p->duration_s);
    rec_callback(s, r, p->duration_s > 0 ? ENG_REV_COMPLETED : ENG_REV_ABSENT);
}
