/*
 * engine: the voice engine's core (skeleton): lifecycle, time and the REST-level entry points.
 * Every operation not yet implemented answers "not found" or a Twilio-style error.
 */
#include <stdlib.h>
#include <string.h>

#include "dialtone/sim.h"
#include "dialtone/util.h"

struct sim {
    const struct sim_scenario *sc;
    struct sim_host host;
    int64_t now_ms;
};

static int unimplemented(struct sim_err *e)
{
    if (e) {
        e->status = 404;
        e->code = 20404;
        dt_strlcpy(e->message, "The requested resource was not found", sizeof e->message);
    }
    return DT_ENOTFOUND;
}

struct sim *sim_new(const struct sim_scenario *sc, const struct sim_host *host, int64_t now_ms)
{
    struct sim *s = xcalloc(1, sizeof *s);
    s->sc = sc;
    if (host)
        s->host = *host;
    s->now_ms = now_ms;
    return s;
}

void sim_free(struct sim *s)
{
    free(s);
}

void sim_set_scenario(struct sim *s, const struct sim_scenario *sc)
{
    s->sc = sc;
}

void sim_advance(struct sim *s, int64_t now_ms)
{
    if (now_ms > s->now_ms)
        s->now_ms = now_ms;
}

int64_t sim_next_due(const struct sim *s)
{
    (void)s;
    return -1;
}

void sim_http_done(struct sim *s, uint64_t id, int status, const char *content_type,
                   const char *body, size_t len, const char *neterr)
{
    (void)s, (void)id, (void)status, (void)content_type, (void)body, (void)len, (void)neterr;
}

int sim_call_create(struct sim *s, const struct form *params, const struct sim_call **out,
                    struct sim_err *e)
{
    (void)s, (void)params;
    *out = NULL;
    return unimplemented(e);
}

int sim_call_update(struct sim *s, const char *sid, const struct form *params,
                    const struct sim_call **out, struct sim_err *e)
{
    (void)s, (void)sid, (void)params;
    *out = NULL;
    return unimplemented(e);
}

const struct sim_call *sim_call_get(const struct sim *s, const char *sid)
{
    (void)s, (void)sid;
    return NULL;
}

size_t sim_call_count(const struct sim *s)
{
    (void)s;
    return 0;
}

const struct sim_call *sim_call_at(const struct sim *s, size_t i)
{
    (void)s, (void)i;
    return NULL;
}

int sim_queue_create(struct sim *s, const struct form *params, const struct sim_queue **out,
                     struct sim_err *e)
{
    (void)s, (void)params;
    *out = NULL;
    return unimplemented(e);
}

int sim_queue_update(struct sim *s, const char *sid, const struct form *params,
                     const struct sim_queue **out, struct sim_err *e)
{
    (void)s, (void)sid, (void)params;
    *out = NULL;
    return unimplemented(e);
}

int sim_queue_delete(struct sim *s, const char *sid, struct sim_err *e)
{
    (void)s, (void)sid;
    return unimplemented(e);
}

const struct sim_queue *sim_queue_get(const struct sim *s, const char *sid)
{
    (void)s, (void)sid;
    return NULL;
}

const struct sim_queue *sim_queue_find(const struct sim *s, const char *friendly_name)
{
    (void)s, (void)friendly_name;
    return NULL;
}

size_t sim_queue_count(const struct sim *s)
{
    (void)s;
    return 0;
}

const struct sim_queue *sim_queue_at(const struct sim *s, size_t i)
{
    (void)s, (void)i;
    return NULL;
}

int sim_queue_size(const struct sim *s, const char *queue_sid)
{
    (void)s, (void)queue_sid;
    return DT_ENOTFOUND;
}

size_t sim_member_count(const struct sim *s, const char *queue_sid)
{
    (void)s, (void)queue_sid;
    return 0;
}

int sim_member_at(const struct sim *s, const char *queue_sid, size_t i, struct sim_member *out)
{
    (void)s, (void)queue_sid, (void)i, (void)out;
    return DT_ENOTFOUND;
}

int sim_member_get(const struct sim *s, const char *queue_sid, const char *member_id,
                   struct sim_member *out, struct sim_err *e)
{
    (void)s, (void)queue_sid, (void)member_id, (void)out;
    return unimplemented(e);
}

int sim_member_dequeue(struct sim *s, const char *queue_sid, const char *member_id,
                       const struct form *params, struct sim_member *out, struct sim_err *e)
{
    (void)s, (void)queue_sid, (void)member_id, (void)params, (void)out;
    return unimplemented(e);
}

const struct sim_conference *sim_conference_get(const struct sim *s, const char *conf_id)
{
    (void)s, (void)conf_id;
    return NULL;
}

size_t sim_conference_count(const struct sim *s)
{
    (void)s;
    return 0;
}

const struct sim_conference *sim_conference_at(const struct sim *s, size_t i)
{
    (void)s, (void)i;
    return NULL;
}

int sim_conference_update(struct sim *s, const char *sid, const struct form *params,
                          const struct sim_conference **out, struct sim_err *e)
{
    (void)s, (void)sid, (void)params;
    *out = NULL;
    return unimplemented(e);
}

size_t sim_participant_count(const struct sim *s, const char *conference_sid)
{
    (void)s, (void)conference_sid;
    return 0;
}

const struct sim_participant *sim_participant_at(const struct sim *s, const char *conference_sid,
                                                 size_t i)
{
    (void)s, (void)conference_sid, (void)i;
    return NULL;
}

const struct sim_participant *sim_participant_get(const struct sim *s, const char *conference_sid,
                                                  const char *call_sid)
{
    (void)s, (void)conference_sid, (void)call_sid;
    return NULL;
}

int sim_participant_create(struct sim *s, const char *conf_id, const struct form *params,
                           const struct sim_participant **out, struct sim_err *e)
{
    (void)s, (void)conf_id, (void)params;
    *out = NULL;
    return unimplemented(e);
}

int sim_participant_update(struct sim *s, const char *conference_sid, const char *call_sid,
                           const struct form *params, const struct sim_participant **out,
                           struct sim_err *e)
{
    (void)s, (void)conference_sid, (void)call_sid, (void)params;
    *out = NULL;
    return unimplemented(e);
}

int sim_participant_delete(struct sim *s, const char *conference_sid, const char *call_sid,
                           struct sim_err *e)
{
    (void)s, (void)conference_sid, (void)call_sid;
    return unimplemented(e);
}

size_t sim_recording_count(const struct sim *s)
{
    (void)s;
    return 0;
}

const struct sim_recording *sim_recording_at(const struct sim *s, size_t i)
{
    (void)s, (void)i;
    return NULL;
}

const struct sim_recording *sim_recording_get(const struct sim *s, const char *sid)
{
    (void)s, (void)sid;
    return NULL;
}

int sim_inbound_call(struct sim *s, const char *from, const char *to, const char *caller_name,
                     double patience_s, const char *digits, const struct sim_call **out,
                     struct sim_err *e)
{
    (void)s, (void)from, (void)to, (void)caller_name, (void)patience_s, (void)digits;
    *out = NULL;
    return unimplemented(e);
}

int sim_hangup(struct sim *s, const char *call_sid, struct sim_err *e)
{
    (void)s, (void)call_sid;
    return unimplemented(e);
}

int sim_press_digits(struct sim *s, const char *call_sid, const char *digits, struct sim_err *e)
{
    (void)s, (void)call_sid, (void)digits;
    return unimplemented(e);
}

size_t sim_live_calls(const struct sim *s)
{
    (void)s;
    return 0;
}

size_t sim_memory_bytes(const struct sim *s)
{
    return sizeof *s;
}
