/*
 * engine_verbs: what each TwiML verb does to a call. Say, Play and Pause take emulated time;
 * Gather collects the digits the far party types (from its script, or pressed through the
 * control API) and posts them to its action; Record makes a recording of what the far party
 * says; Redirect, Hangup, Reject and Leave act at once. Enqueue and Dial hand over to
 * engine_queues.c, engine_dial.c and engine_conf.c.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/engine_int.h"

#define ENDLESS (-1)

static char *trimmed(const char *t)
{
    if (!t)
        return xstrdup("");
    while (isspace((unsigned char)*t))
        t++;
    size_t n = strlen(t);
    while (n > 0 && isspace((unsigned char)t[n - 1]))
        n--;
    return xstrndup(t, n);
}

/* How long a Say, Play or Pause lasts, in ms; ENDLESS for <Play loop="0">. */
static int64_t verb_ms(const struct sim *s, const struct tw_node *v)
{
    const struct sim_scenario *sc = s->sc;
    switch (v->el) {
    case TW_SAY: {
        long loops = tw_attr_int(v, "loop", 1, 0, 1000);
        if (loops == 0)
            loops = 1000; /* Twilio repeats a <Say loop="0"> 1,000 times */
        return eng_ms(eng_text_chars(v->text) * sc->say_s_per_char * (double)loops);
    }
    case TW_PLAY: {
        long loops = tw_attr_int(v, "loop", 1, 0, 1000);
        const char *digits = tw_attr(v, "digits");
        char *url = trimmed(v->text);
        int64_t ms;
        if (!*url && digits)
            ms = (int64_t)strlen(digits) * 500; /* DTMF tones, w pauses included */
        else if (loops == 0)
            ms = ENDLESS;
        else
            ms = eng_ms(sc->play_s * (double)loops);
        free(url);
        return ms;
    }
    case TW_PAUSE:
        return tw_attr_int(v, "length", 1, 0, 86400) * 1000;
    default:
        return 0;
    }
}

/* Runs a timed verb: 1 when it took no time, 0 when the call waits for its timer. */
static int timed(struct sim *s, struct eng_call *c, struct eng_exec *x, int64_t ms)
{
    if (ms == 0)
        return 1;
    int wait = x == &c->wait;
    if (!wait)
        c->phase = PH_RUN;
    if (ms != ENDLESS)
        eng_timer_arm(s, wait ? &c->t_wait : &c->t_step, s->now + ms);
    return 0;
}

/* An action URL: the attribute resolved against the document, or the document itself (Gather
 * and Record post to their own document when they name no action). NULL when neither. */
static char *action_url(const struct eng_exec *x, const struct tw_node *v, int self)
{
    const char *a = tw_attr(v, "action");
    if (a && *a)
        return eng_resolve(x->base, a);
    return self && x->base ? xstrdup(x->base) : NULL;
}

static int redirect(struct sim *s, struct eng_call *c, struct eng_exec *x, const struct tw_node *v)
{
    char *text = trimmed(v->text);
    if (!*text) {
        free(text);
        eng_log(s, DT_LOG_WARN, "%s: <Redirect> without a URL skipped", c->pub.sid);
        return 1;
    }
    char *url = eng_resolve(x->base, text);
    free(text);
    const char *method = tw_attr(v, "method");
    if (x == &c->wait) {
        /* a waitUrl document redirects to the next waitUrl document */
        eng_wait_start(s, c, url, method);
    } else {
        eng_fetch_main(s, c, url, method, NULL);
    }
    free(url);
    return 0;
}

static int reject(struct sim *s, struct eng_call *c, const struct tw_node *v)
{
    if (c->pub.answer_ms) {
        eng_call_end(s, c, DT_CALL_COMPLETED, 0, 0, NULL);
        return 0;
    }
    const char *reason = tw_attr(v, "reason");
    int busy = reason && strcmp(reason, "busy") == 0;
    eng_call_end(s, c, DT_CALL_BUSY, busy ? 486 : 603, 0, NULL);
    return 0;
}

/* Verbs a waitUrl document may hold (Twilio: Play, Say, Pause, Hangup, Redirect, Leave). */
static int wait_verb(struct sim *s, struct eng_call *c, struct eng_exec *x, const struct tw_node *v)
{
    switch (v->el) {
    case TW_SAY:
    case TW_PLAY:
    case TW_PAUSE:
        return timed(s, c, x, verb_ms(s, v));
    case TW_HANGUP:
        eng_call_end(s, c, DT_CALL_COMPLETED, 0, 0, NULL);
        return 0;
    case TW_REDIRECT:
        return redirect(s, c, x, v);
    case TW_LEAVE:
        if (c->enq) {
            eng_queue_leave(s, c, "leave", 1);
            return 0;
        }
        return 1;
    default:
        eng_log(s, DT_LOG_WARN, "%s: <%s> is not allowed in a waitUrl document (13238)", c->pub.sid,
                tw_el_name(v->el));
        return 1;
    }
}

int eng_verb(struct sim *s, struct eng_call *c, struct eng_exec *x, const struct tw_node *v)
{
    if (x == &c->wait)
        return wait_verb(s, c, x, v);
    switch (v->el) {
    case TW_SAY:
    case TW_PLAY:
    case TW_PAUSE:
        return timed(s, c, x, verb_ms(s, v));
    case TW_HANGUP:
        eng_call_end(s, c, DT_CALL_COMPLETED, 0, 0, NULL);
        return 0;
    case TW_REJECT:
        return reject(s, c, v);
    case TW_REDIRECT:
        return redirect(s, c, x, v);
    case TW_LEAVE:
        return 1; /* only a waitUrl document can leave a queue */
    case TW_GATHER:
        eng_gather_start(s, c, x, v);
        return 0;
    case TW_RECORD:
        eng_record_start(s, c, x, v);
        return 0;
    case TW_ENQUEUE:
        return eng_enqueue_verb(s, c, x, v);
    case TW_DIAL:
        return eng_dial_verb(s, c, x, v);
    default:
        eng_log(s, DT_LOG_DEBUG, "%s: <%s> skipped", c->pub.sid, tw_el_name(v->el));
        return 1;
    }
}

/* ---- <Gather> -------------------------------------------------------------------------------- */

enum { G_PROMPTS, G_TYPING, G_INPUT };

static void gather_finish(struct sim *s, struct eng_call *c, const char *digits, char key)
{
    struct eng_exec *x = &c->main;
    const struct tw_node *v = x->verb;
    eng_timer_stop(s, &c->t_step);
    eng_log(s, DT_LOG_INFO, "%s: <Gather> got \"%s\"", c->pub.sid, digits);
    if (!*digits && !tw_attr_bool(v, "actionOnEmptyResult", 0)) {
        eng_exec_next(s, c);
        return;
    }
    char *url = action_url(x, v, 1);
    if (!url) {
        eng_exec_next(s, c);
        return;
    }
    struct form extra;
    form_init(&extra);
    eng_form_add(&extra, "Digits", digits);
    if (key)
        eng_form_addf(&extra, "FinishedOnKey", "%c", key);
    eng_fetch_main(s, c, url, tw_attr(v, "method"), &extra);
    free(url);
}

/* Takes a complete entry from the digits typed so far: 1 when the Gather ended. */
static int gather_try(struct sim *s, struct eng_call *c)
{
    const struct tw_node *v = c->main.verb;
    const char *fk = tw_attr(v, "finishOnKey");
    char key = fk ? fk[0] : '#';
    long num = tw_attr_int(v, "numDigits", 0, 1, 1000);
    const char *d = c->pressed.data ? c->pressed.data : "";
    for (size_t i = 0; d[i]; i++) {
        int done_key = key && d[i] == key, done_num = num > 0 && (long)i + 1 == num;
        if (done_key || done_num) {
            char *digits = xstrndup(d, done_key ? i : i + 1);
            size_t used = i + 1;
            memmove(c->pressed.data, d + used, c->pressed.len - used + 1);
            c->pressed.len -= used;
            gather_finish(s, c, digits, done_key ? key : 0);
            free(digits);
            return 1;
        }
    }
    return 0;
}

static void gather_wait_input(struct sim *s, struct eng_call *c)
{
    c->main.stage = G_INPUT;
    long timeout = tw_attr_int(c->main.verb, "timeout", 5, 0, 600);
    eng_timer_arm(s, &c->t_step, s->now + timeout * 1000);
}

static void gather_prompts(struct sim *s, struct eng_call *c)
{
    struct eng_exec *x = &c->main;
    const struct tw_node *g = x->verb;
    while (x->sub < g->nkids) {
        int64_t ms = verb_ms(s, g->kids[x->sub++]);
        if (ms == ENDLESS)
            return; /* an endless prompt: only typed digits end this Gather */
        if (ms > 0) {
            eng_timer_arm(s, &c->t_step, s->now + ms);
            return;
        }
    }
    if (c->script && *c->script) {
        x->stage = G_TYPING;
        eng_timer_arm(s, &c->t_step, s->now + ENG_DIGIT_MS);
        return;
    }
    gather_wait_input(s, c);
}

void eng_gather_start(struct sim *s, struct eng_call *c, struct eng_exec *x,
                      const struct tw_node *v)
{
    (void)v;
    c->phase = PH_GATHER;
    x->sub = 0;
    x->stage = G_PROMPTS;
    if (c->pressed.len && gather_try(s, c))
        return;
    gather_prompts(s, c);
}

void eng_gather_step(struct sim *s, struct eng_call *c)
{
    struct eng_exec *x = &c->main;
    if (x->stage == G_PROMPTS) {
        gather_prompts(s, c);
    } else if (x->stage == G_TYPING) {
        dt_buf_puts(&c->pressed, c->script);
        free(c->script);
        c->script = NULL;
        if (!gather_try(s, c))
            gather_wait_input(s, c);
    } else {
        /* timeout: what was typed without a finishing key is the entry */
        char *digits = xstrdup(c->pressed.data ? c->pressed.data : "");
        dt_buf_reset(&c->pressed);
        gather_finish(s, c, digits, 0);
        free(digits);
    }
}

void eng_gather_digits(struct sim *s, struct eng_call *c)
{
    if (c->phase == PH_GATHER) {
        /* a digit stops the prompts (bargeIn) and restarts the timeout */
        if (!gather_try(s, c))
            gather_wait_input(s, c);
    } else if (c->phase == PH_RECORD) {
        eng_record_key(s, c);
    }
}

/* ---- <Record> -------------------------------------------------------------------------------- */

enum { R_SPEAKING, R_SILENCE };

static double speak_s(const struct sim *s)
{
    return s->sc->arrivals.record_s > 0 ? s->sc->arrivals.record_s : 0;
}

void eng_record_start(struct sim *s, struct eng_call *c, struct eng_exec *x,
                      const struct tw_node *v)
{
    c->phase = PH_RECORD;
    long max_len = tw_attr_int(v, "maxLength", 3600, 1, 14400);
    long timeout = tw_attr_int(v, "timeout", 5, 0, 600);
    int64_t speak = eng_ms(speak_s(s));
    if (speak <= 0) {
        x->stage = R_SILENCE;
        eng_timer_arm(s, &c->t_step, s->now + (timeout ? timeout : max_len) * 1000);
        return;
    }
    struct eng_rec *r = eng_rec_start(s, c->pub.sid, "", "RecordVerb", 1);
    const char *cb = tw_attr(v, "recordingStatusCallback");
    char *abs = cb ? eng_resolve(x->base, cb) : NULL;
    eng_rec_set_callback(s, r, abs, tw_attr(v, "recordingStatusCallbackMethod"),
                         eng_rec_events(tw_attr(v, "recordingStatusCallbackEvent")));
    free(abs);
    eng_setstr(&c->verb_rec, r->pub.sid);
    x->stage = R_SPEAKING;
    eng_timer_arm(s, &c->t_step, s->now + (speak < max_len * 1000 ? speak : max_len * 1000));
}

/* The recording of the <Record> in progress ends; its action follows. digits is what Twilio
 * reports as Digits: the finishing key, "hangup", or NULL. */
static void record_done(struct sim *s, struct eng_call *c, const char *digits, int hangup)
{
    struct eng_exec *x = &c->main;
    struct eng_rec *r = c->verb_rec ? eng_rec_find(s, c->verb_rec) : NULL;
    free(c->verb_rec);
    c->verb_rec = NULL;
    eng_timer_stop(s, &c->t_step);
    if (!r) {
        if (hangup)
            eng_call_end(s, c, DT_CALL_COMPLETED, 0, 0, NULL);
        else
            eng_exec_next(s, c); /* nothing was said: Twilio goes on without the action */
        return;
    }
    if (r->pub.duration_s < 0)
        eng_rec_stop(s, r, s->now - r->pub.start_ms);
    char *url = action_url(x, x->verb, 1), *method = eng_strdup(tw_attr(x->verb, "method"));
    char rurl[256];
    eng_rec_url(s, r, rurl, sizeof rurl);
    struct form extra;
    form_init(&extra);
    eng_form_add(&extra, "RecordingUrl", rurl);
    eng_form_add(&extra, "RecordingSid", r->pub.sid);
    eng_form_addf(&extra, "RecordingDuration", "%d", r->pub.duration_s);
    eng_form_add(&extra, "Digits", digits);
    if (hangup) {
        /* the call is over: the action is told, its TwiML is not run */
        eng_call_end(s, c, DT_CALL_COMPLETED, 0, 0, NULL);
        if (url) {
            struct form f;
            form_init(&f);
            eng_call_params(s, c, &f);
            for (size_t i = 0; i < extra.count; i++)
                form_add(&f, extra.pairs[i].key, extra.pairs[i].value);
            eng_http(s, REQ_CALLBACK, c, url, method, &f);
        }
        form_done(&extra);
    } else if (url) {
        eng_fetch_main(s, c, url, method, &extra);
    } else {
        form_done(&extra);
        eng_exec_next(s, c);
    }
    free(url);
    free(method);
}

void eng_record_step(struct sim *s, struct eng_call *c)
{
    struct eng_exec *x = &c->main;
    if (x->stage == R_SPEAKING) {
        struct eng_rec *r = c->verb_rec ? eng_rec_find(s, c->verb_rec) : NULL;
        if (r && r->pub.duration_s < 0)
            eng_rec_stop(s, r, s->now - r->pub.start_ms);
        if (c->pub.direction == DT_SIM_INBOUND) {
            /* a caller leaves a message and hangs up */
            record_done(s, c, "hangup", 1);
            return;
        }
        x->stage = R_SILENCE;
        long timeout = tw_attr_int(x->verb, "timeout", 5, 0, 600);
        eng_timer_arm(s, &c->t_step, s->now + timeout * 1000);
        return;
    }
    record_done(s, c, NULL, 0);
}

void eng_record_key(struct sim *s, struct eng_call *c)
{
    const char *fk = tw_attr(c->main.verb, "finishOnKey");
    if (!fk)
        fk = "1234567890*#";
    for (size_t i = 0; i < c->pressed.len; i++) {
        if (strchr(fk, c->pressed.data[i]) && c->pressed.data[i]) {
            char key[2] = {c->pressed.data[i], 0};
            dt_buf_reset(&c->pressed);
            record_done(s, c, key, 0);
            return;
        }
    }
}

/* The far party hangs up during a <Record>: the recording ends and the action is told. */
int eng_record_hangup(struct sim *s, struct eng_call *c)
{
    if (c->phase != PH_RECORD || !c->verb_rec)
        return 0;
    record_done(s, c, "hangup", 1);
    return 1;
}
