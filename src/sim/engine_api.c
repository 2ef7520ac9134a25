/*
 * engine_api: the Calls resource and the control operations. Creating a call checks its
 * parameters with Twilio's error codes (and Twilio's magic test numbers), then dials the
 * endpoint; updating one redirects it to new TwiML, cancels it or hangs it up. The control API
 * places inbound calls, hangs up far parties and presses digits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/engine_int.h"

#define MAGIC_CALLER "+15005550006"

static const struct {
    const char *number;
    int code;
    const char *message;
} magic_to[] = {
    {"+15005550001", 21217, "Phone number does not appear to be valid"},
    {"+15005550002", 21214, "'To' phone number cannot be reached"},
    {"+15005550003", 21215, "Account not authorized to call this number"},
    {"+15005550004", 21216, "Call blocked by Twilio blocklist"},
};

static const struct {
    const char *name;
    unsigned bit;
} call_events[] = {
    {"initiated", ENG_EV_INITIATED},
    {"ringing", ENG_EV_RINGING},
    {"answered", ENG_EV_ANSWERED},
    {"completed", ENG_EV_COMPLETED},
};

/* Event names separated by spaces or commas; unknown names give ~0u. */
static unsigned parse_events(const char *list)
{
    unsigned bits = 0;
    while (list && *list) {
        size_t n = strcspn(list, " ,"), i;
        for (i = 0; i < sizeof call_events / sizeof *call_events; i++)
            if (n == strlen(call_events[i].name) && strncmp(list, call_events[i].name, n) == 0)
                break;
        if (i == sizeof call_events / sizeof *call_events)
            return ~0u;
        bits |= call_events[i].bit;
        list += n;
        list += strspn(list, " ,");
    }
    return bits;
}

unsigned eng_call_events(const char *list)
{
    unsigned bits = list ? parse_events(list) : 0;
    return bits == ~0u || bits == 0 ? ENG_EV_COMPLETED : bits;
}

static int is_e164ish(const char *n)
{
    const char *p = n[0] == '+' ? n + 1 : n;
    size_t len = strlen(p);
    if (len < 3 || len > 15 || p[0] == '0')
        return 0;
    return strspn(p, "0123456789") == len;
}

int eng_valid_endpoint(const char *to)
{
    if (strncmp(to, "client:", 7) == 0)
        return to[7] && !strpbrk(to + 7, " \t\r\n");
    if (strncmp(to, "sip:", 4) == 0)
        return strchr(to + 4, '@') && !strpbrk(to, " \t\r\n");
    for (size_t i = 0; i < sizeof magic_to / sizeof *magic_to; i++)
        if (strcmp(to, magic_to[i].number) == 0)
            return 0;
    return is_e164ish(to);
}

int eng_check_endpoints(struct sim *s, const char *to, const char *from, struct sim_err *e)
{
    if (!to || !*to) {
        eng_seterr(e, 400, 21201, "A 'To' phone number is required.");
        return DT_EINVAL;
    }
    if (!from || !*from) {
        eng_seterr(e, 400, 21213, "A 'From' phone number is required.");
        return DT_EINVAL;
    }
    if (strlen(from) > ENG_MAX_PARAM || strcmp(from, "+15005550001") == 0) {
        eng_seterr(e, 400, 21212, "The caller ID %.64s is not a valid phone number", from);
        return DT_EINVAL;
    }
    int client_from = strncmp(from, "client:", 7) == 0 && strncmp(to, "+", 1) != 0;
    if (!client_from && strcmp(from, MAGIC_CALLER) != 0 && !sim_scenario_number(s->sc, from)) {
        eng_seterr(e, 400, 21210,
                   "The source phone number provided, %.64s, is not yet verified for your "
                   "account. You may only make calls from phone numbers that you've verified or "
                   "purchased from Twilio.",
                   from);
        return DT_EINVAL;
    }
    for (size_t i = 0; i < sizeof magic_to / sizeof *magic_to; i++) {
        if (strcmp(to, magic_to[i].number) == 0) {
            eng_seterr(e, 400, magic_to[i].code, "%s: %s", magic_to[i].message, to);
            return DT_EINVAL;
        }
    }
    if (strlen(to) > ENG_MAX_PARAM || !eng_valid_endpoint(to)) {
        eng_seterr(e, 400, 21211, "The 'To' number %.64s is not a valid phone number.", to);
        return DT_EINVAL;
    }
    return 0;
}

/* ---- parameter checks ---------------------------------------------------------------------- */

static const struct {
    const char *key;
    int code;
} url_params[] = {
    {"Url", 21205},
    {"FallbackUrl", 21205},
    {"StatusCallback", 21609},
    {"AsyncAmdStatusCallback", 21609},
    {"RecordingStatusCallback", 21609},
};

static const char *const method_params[] = {"Method",
                                            "FallbackMethod",
                                            "StatusCallbackMethod",
                                            "AsyncAmdStatusCallbackMethod",
                                            "RecordingStatusCallbackMethod",
                                            NULL};

static int check_common(const struct form *params, struct sim_err *e)
{
    for (size_t i = 0; i < sizeof url_params / sizeof *url_params; i++) {
        const char *u = form_get(params, url_params[i].key);
        if (u && *u && !eng_is_url(u)) {
            eng_seterr(e, 400, url_params[i].code, "%s is not a valid URL: %.100s",
                       url_params[i].key, u);
            return DT_EINVAL;
        }
    }
    for (int i = 0; method_params[i]; i++) {
        const char *m = form_get(params, method_params[i]);
        if (m && !eng_is_method(m)) {
            eng_seterr(e, 400, 21209, "%s must be GET or POST", method_params[i]);
            return DT_EINVAL;
        }
    }
    for (size_t i = 0; i < params->count; i++) {
        const struct form_pair *p = &params->pairs[i];
        if (strcmp(p->key, "StatusCallbackEvent") == 0 && parse_events(p->value) == ~0u) {
            eng_seterr(e, 400, 21626, "Invalid StatusCallbackEvent: %.64s", p->value);
            return DT_EINVAL;
        }
    }
    const char *twiml = form_get(params, "Twiml");
    if (twiml && strlen(twiml) > ENG_MAX_INLINE) {
        eng_seterr(e, 400, 20001, "Twiml must be at most %d characters", ENG_MAX_INLINE);
        return DT_EINVAL;
    }
    return 0;
}

static int check_amd(const struct form *params, int *amd, int *async, long *timeout,
                     struct sim_err *e)
{
    const char *md = form_get(params, "MachineDetection");
    *amd = 0;
    if (md && strcmp(md, "Enable") == 0)
        *amd = 1;
    else if (md && strcmp(md, "DetectMessageEnd") == 0)
        *amd = 2;
    else if (md) {
        eng_seterr(e, 400, 21207, "MachineDetection must be Enable or DetectMessageEnd");
        return DT_EINVAL;
    }
    const char *t = form_get(params, "MachineDetectionTimeout");
    *timeout = 30;
    if (t && eng_parse_int(t, 3, 59, timeout) != 0) {
        eng_seterr(e, 400, 21207, "MachineDetectionTimeout must be between 3 and 59");
        return DT_EINVAL;
    }
    const char *a = form_get(params, "AsyncAmd");
    *async = 0;
    if (a && eng_parse_bool(a, async) != 0) {
        eng_seterr(e, 400, 21207, "AsyncAmd must be true or false");
        return DT_EINVAL;
    }
    return 0;
}

void eng_call_callbacks(struct eng_call *c, const struct form *params)
{
    const char *cb = form_get(params, "StatusCallback");
    if (cb && *cb) {
        if (!c->sc_url || strcmp(c->sc_url, cb) != 0)
            c->sc_seq = 0; /* SequenceNumber counts per callback URL */
        eng_setstr(&c->sc_url, cb);
        eng_setstr(&c->sc_method, form_get(params, "StatusCallbackMethod"));
        unsigned ev = 0;
        for (size_t i = 0; i < params->count; i++)
            if (strcmp(params->pairs[i].key, "StatusCallbackEvent") == 0)
                ev |= eng_call_events(params->pairs[i].value);
        c->sc_events = ev ? ev : ENG_EV_COMPLETED;
    }
    const char *rcb = form_get(params, "RecordingStatusCallback");
    if (rcb && *rcb) {
        eng_setstr(&c->rec_cb_url, rcb);
        eng_setstr(&c->rec_cb_method, form_get(params, "RecordingStatusCallbackMethod"));
        c->rec_cb_events = eng_rec_events(form_get(params, "RecordingStatusCallbackEvent"));
    }
}

/* ---- Calls --------------------------------------------------------------------------------- */

int sim_call_create(struct sim *s, const struct form *params, const struct sim_call **out,
                    struct sim_err *e)
{
    *out = NULL;
    const char *to = form_get(params, "To"), *from = form_get(params, "From");
    const char *url = form_get(params, "Url"), *twiml = form_get(params, "Twiml");
    const char *app = form_get(params, "ApplicationSid");
    if (eng_check_endpoints(s, to, from, e) != 0)
        return DT_EINVAL;
    if ((!url || !*url) && (!twiml || !*twiml)) {
        if (app && *app)
            eng_seterr(e, 400, 21218, "ApplicationSid %.40s is not a valid application", app);
        else
            eng_seterr(e, 400, 21205,
                       "Url parameter is required. Use Url, Twiml or ApplicationSid.");
        return DT_EINVAL;
    }
    if (check_common(params, e) != 0)
        return DT_EINVAL;
    long timeout = 60;
    const char *t = form_get(params, "Timeout");
    if (t && eng_parse_int(t, 1, 999999, &timeout) != 0) {
        eng_seterr(e, 400, 21208, "Timeout must be a positive number of seconds");
        return DT_EINVAL;
    }
    int record = 0, amd, async;
    long amd_timeout;
    const char *r = form_get(params, "Record");
    if (r && eng_parse_bool(r, &record) != 0) {
        eng_seterr(e, 400, 20001, "Record must be true or false");
        return DT_EINVAL;
    }
    const char *digits = form_get(params, "SendDigits");
    if (digits && (strlen(digits) > 32 || strspn(digits, "0123456789*#wW") != strlen(digits))) {
        eng_seterr(e, 400, 21206, "SendDigits may hold only 0-9, *, #, w and W");
        return DT_EINVAL;
    }
    if (check_amd(params, &amd, &async, &amd_timeout, e) != 0)
        return DT_EINVAL;

    struct eng_call *c = eng_call_new(s, DT_SIM_OUTBOUND_API, to, from);
    if (url && *url) {
        c->url = xstrdup(url);
        c->method = eng_strdup(form_get(params, "Method"));
    } else {
        c->twiml = xstrdup(twiml);
    }
    const char *fb = form_get(params, "FallbackUrl");
    if (fb && *fb) {
        c->fallback_url = xstrdup(fb);
        c->fallback_method = eng_strdup(form_get(params, "FallbackMethod"));
    }
    eng_call_callbacks(c, params);
    c->timeout_s = timeout > 600 ? 600 : (int)timeout;
    c->record = record;
    c->amd = amd;
    c->amd_async = async;
    c->amd_timeout_s = (int)amd_timeout;
    const char *acb = form_get(params, "AsyncAmdStatusCallback");
    c->amd_cb_url = acb && *acb ? xstrdup(acb) : NULL;
    c->amd_cb_method = eng_strdup(form_get(params, "AsyncAmdStatusCallbackMethod"));
    c->ep = *sim_scenario_endpoint(s->sc, to);
    c->script = eng_strdup(c->ep.digits);
    c->ep.pattern = c->ep.digits = NULL;
    eng_log(s, DT_LOG_INFO, "%s: outbound call %s -> %s", c->pub.sid, from, to);
    eng_call_dial_out(s, c);
    *out = &c->pub;
    return 0;
}

/* Ends whatever c is doing (queue, bridge, dial, conference, gather, record, wait music)
 * without letting it go on, so that new TwiML can take over. */
static void interrupt(struct sim *s, struct eng_call *c)
{
    c->redirecting = 1;
    eng_timer_stop(s, &c->t_step);
    eng_timer_stop(s, &c->t_amd);
    eng_queue_forget_waiter(s, c);
    if (c->enq)
        eng_queue_leave(s, c, c->enq->dequeuer ? "bridged" : "redirected", 0);
    if (c->part)
        eng_part_leave(s, c, "participant_updated_via_api", 0);
    eng_dial_detach(s, c);
    eng_wait_stop(s, c);
    if (c->verb_rec) {
        struct eng_rec *r = eng_rec_find(s, c->verb_rec);
        if (r && r->pub.duration_s < 0)
            eng_rec_stop(s, r, s->now - r->pub.start_ms);
        free(c->verb_rec);
        c->verb_rec = NULL;
    }
    c->redirecting = 0;
}

static int check_update(const struct eng_call *c, const struct form *params, struct sim_err *e)
{
    const char *st = form_get(params, "Status");
    if (st && strcmp(st, "canceled") != 0 && strcmp(st, "completed") != 0) {
        eng_seterr(e, 400, 20001, "Status must be canceled or completed");
        return DT_EINVAL;
    }
    if (check_common(params, e) != 0)
        return DT_EINVAL;
    if (c->phase == PH_ENDED) {
        eng_seterr(e, 400, 21220, "Call is not in-progress. Cannot redirect.");
        return DT_ESTATE;
    }
    return 0;
}

int sim_call_update(struct sim *s, const char *sid, const struct form *params,
                    const struct sim_call **out, struct sim_err *e)
{
    *out = NULL;
    struct eng_call *c = eng_call_find(s, sid);
    if (!c) {
        eng_seterr(e, 404, 20404, "The requested resource was not found");
        return DT_ENOTFOUND;
    }
    int rc = check_update(c, params, e);
    if (rc)
        return rc;
    const char *st = form_get(params, "Status");
    const char *url = form_get(params, "Url"), *twiml = form_get(params, "Twiml");
    eng_call_callbacks(c, params);
    int answered = c->pub.answer_ms != 0;
    if (st && strcmp(st, "canceled") == 0) {
        if (!answered)
            eng_call_end(s, c, DT_CALL_CANCELED, 487, 0, NULL);
    } else if (st) {
        eng_call_end(s, c, answered ? DT_CALL_COMPLETED : DT_CALL_CANCELED, answered ? 0 : 487, 0,
                     NULL);
    } else if ((url && *url) || (twiml && *twiml)) {
        if (!answered) {
            /* not answered yet: the new instructions run at the answer */
            eng_setstr(&c->url, url && *url ? url : NULL);
            eng_setstr(&c->method, form_get(params, "Method"));
            eng_setstr(&c->twiml, url && *url ? NULL : twiml);
        } else {
            interrupt(s, c);
            if (url && *url)
                eng_fetch_main(s, c, url, form_get(params, "Method"), NULL);
            else
                eng_run_inline(s, c, twiml);
        }
    }
    eng_queue_refresh(s);
    *out = &c->pub;
    return 0;
}

/* ---- control operations -------------------------------------------------------------------- */

static double patience_or_talk(struct sim *s, double given, double lo, double hi)
{
    if (given >= 0)
        return given > 0 ? given : -1;
    if (lo <= 0 && hi <= 0)
        return -1;
    return eng_uniform(s, lo, hi);
}

int sim_inbound_call(struct sim *s, const char *from, const char *to, const char *caller_name,
                     double patience_s, const char *digits, const struct sim_call **out,
                     struct sim_err *e)
{
    *out = NULL;
    if (!from || !*from || strlen(from) > ENG_MAX_PARAM) {
        eng_seterr(e, 400, 21213, "A caller number (from) is required.");
        return DT_EINVAL;
    }
    const struct sim_number *num = to ? sim_scenario_number(s->sc, to) : NULL;
    if (!num) {
        eng_seterr(e, 404, 20404, "%.64s is not a number of this account", to ? to : "(none)");
        return DT_ENOTFOUND;
    }
    if ((caller_name && strlen(caller_name) > ENG_MAX_PARAM) ||
        (digits && (strlen(digits) > 64 || strspn(digits, "0123456789*#") != strlen(digits)))) {
        eng_seterr(e, 400, 20001, "caller_name or digits is too long or malformed");
        return DT_EINVAL;
    }
    const struct sim_arrivals *ar = &s->sc->arrivals;
    struct eng_call *c = eng_call_new(s, DT_SIM_INBOUND, to, from);
    c->pub.caller_name = caller_name && *caller_name ? xstrdup(caller_name) : NULL;
    c->patience_s = patience_or_talk(s, patience_s, ar->patience_min_s, ar->patience_max_s);
    c->talk_s = patience_or_talk(s, -1, ar->talk_min_s, ar->talk_max_s);
    c->script = eng_strdup(digits ? digits : ar->digits);
    c->url = eng_strdup(num->voice_url);
    c->method = eng_strdup(num->voice_method);
    c->fallback_url = eng_strdup(num->voice_fallback_url);
    if (num->status_callback && *num->status_callback) {
        c->sc_url = xstrdup(num->status_callback);
        c->sc_method = eng_strdup(num->status_callback_method);
        c->sc_events = ENG_EV_COMPLETED;
    }
    c->pub.status = DT_CALL_RINGING;
    c->pub.start_ms = s->now;
    eng_log(s, DT_LOG_INFO, "%s: inbound call %s -> %s", c->pub.sid, from, to);
    *out = &c->pub;
    if (!c->url) {
        eng_call_end(s, c, DT_CALL_BUSY, 603, 0, NULL); /* the number takes no calls */
        return 0;
    }
    eng_fetch_main(s, c, c->url, c->method, NULL);
    return 0;
}

static struct eng_call *live_call(struct sim *s, const char *sid, struct sim_err *e)
{
    struct eng_call *c = eng_call_find(s, sid);
    if (!c) {
        eng_seterr(e, 404, 20404, "The requested resource was not found");
        return NULL;
    }
    if (c->phase == PH_ENDED) {
        eng_seterr(e, 400, 21220, "Call is not in-progress.");
        return NULL;
    }
    return c;
}

int sim_hangup(struct sim *s, const char *call_sid, struct sim_err *e)
{
    struct eng_call *c = live_call(s, call_sid, e);
    if (!c)
        return e && e->status == 404 ? DT_ENOTFOUND : DT_ESTATE;
    if (eng_record_hangup(s, c))
        return 0;
    if (c->pub.answer_ms || c->pub.direction == DT_SIM_INBOUND)
        eng_call_end(s, c, DT_CALL_COMPLETED, 0, 0, NULL);
    else
        eng_call_end(s, c, DT_CALL_BUSY, 603, 0, NULL); /* the callee rejects it */
    eng_queue_refresh(s);
    return 0;
}

int sim_press_digits(struct sim *s, const char *call_sid, const char *digits, struct sim_err *e)
{
    struct eng_call *c = live_call(s, call_sid, e);
    if (!c)
        return e && e->status == 404 ? DT_ENOTFOUND : DT_ESTATE;
    if (!digits || !*digits || strlen(digits) > 64 ||
        strspn(digits, "0123456789*#") != strlen(digits)) {
        eng_seterr(e, 400, 21206, "Digits may hold only 0-9, * and #");
        return DT_EINVAL;
    }
    if (c->pressed.len + strlen(digits) > 256)
        dt_buf_reset(&c->pressed);
    dt_buf_puts(&c->pressed, digits);
    eng_gather_digits(s, c);
    return 0;
}

size_t sim_memory_bytes(const struct sim *s)
{
    size_t n = sizeof *s + s->capheap * sizeof *s->heap;
    n += (s->sids.cap + s->pending.cap) * sizeof(void *);
    n += (s->calls.cap + s->queues.cap + s->confs.cap + s->recs.cap) * sizeof(void *);
    for (size_t i = 0; i < s->calls.n; i++)
        n += eng_call_bytes(s->calls.v[i]);
    for (size_t i = 0; i < s->queues.n; i++) {
        const struct eng_queue *q = s->queues.v[i];
        n += sizeof *q + strlen(q->pub.friendly_name) + 1 +
             (q->members.cap + q->waiters.cap) * sizeof(void *);
    }
    for (size_t i = 0; i < s->confs.n; i++) {
        const struct eng_conf *cf = s->confs.v[i];
        n += sizeof *cf + strlen(cf->pub.friendly_name) + 1 +
             cf->parts.n * (sizeof(struct eng_part) + 64) + cf->parts.cap * sizeof(void *);
    }
    n += s->recs.n * (sizeof(struct eng_rec) + 128);
    n += s->pending.n * (sizeof(struct eng_pending) + 128);
    return n;
}
