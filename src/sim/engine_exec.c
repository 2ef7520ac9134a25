/*
 * engine_exec: running TwiML. Fetches a call's documents (with its fallback URL when the
 * primary one fails), turns every failure into Twilio's error code, and runs a document verb
 * by verb: the main document on the call's step timer, and a waitUrl document (in a queue or
 * a conference that has not started) on its wait timer, fetched again each time it finishes.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/engine_int.h"

void eng_exec_clear(struct sim *s, struct eng_exec *x)
{
    (void)s;
    tw_free(x->doc);
    free(x->base);
    memset(x, 0, sizeof *x);
}

/* ---- fetching ------------------------------------------------------------------------------- */

static void add_extra(struct form *f, struct form *extra)
{
    if (!extra)
        return;
    for (size_t i = 0; i < extra->count; i++)
        form_add(f, extra->pairs[i].key, extra->pairs[i].value);
    form_done(extra);
}

void eng_fetch_main(struct sim *s, struct eng_call *c, const char *url_in, const char *method_in,
                    struct form *extra)
{
    if (c->phase == PH_ENDED) {
        if (extra)
            form_done(extra);
        return;
    }
    /* url and method may point into the document about to be dropped */
    char *url = eng_strdup(url_in), *method = eng_strdup(method_in);
    eng_exec_clear(s, &c->main);
    eng_timer_stop(s, &c->t_step);
    c->phase = PH_FETCH;
    if (!eng_is_url(url)) {
        if (extra)
            form_done(extra);
        eng_call_fail(s, c, 11100, NULL);
    } else {
        struct form f;
        form_init(&f);
        eng_call_params(s, c, &f);
        add_extra(&f, extra);
        if (c->url && strcmp(url, c->url) == 0 && c->fallback_url)
            eng_http_fallback(s, c, url, method, c->fallback_url, c->fallback_method, &f);
        else
            eng_http(s, REQ_MAIN, c, url, method, &f);
    }
    free(url);
    free(method);
}

void eng_wait_start(struct sim *s, struct eng_call *c, const char *url_in, const char *method_in)
{
    /* url and method may point into the wait document about to be dropped */
    char *url = eng_strdup(url_in), *method = eng_strdup(method_in);
    eng_exec_clear(s, &c->wait);
    eng_timer_stop(s, &c->t_wait);
    c->wait_refetch = 0;
    if (url && *url) { /* no waitUrl: Twilio's own hold music, nothing to fetch */
        eng_setstr(&c->wait_url, url);
        eng_setstr(&c->wait_method, method);
        c->in_wait = 1;
        c->wait_fetched_ms = s->now;
        struct form f;
        form_init(&f);
        eng_call_params(s, c, &f);
        eng_wait_params(s, c, &f);
        if (eng_is_url(url)) {
            eng_http(s, REQ_WAIT, c, url, method, &f);
        } else {
            form_done(&f);
            eng_log(s, DT_LOG_WARN, "%s: waitUrl %s is not a valid URL (11100)", c->pub.sid, url);
        }
    }
    free(url);
    free(method);
}

void eng_wait_stop(struct sim *s, struct eng_call *c)
{
    eng_exec_clear(s, &c->wait);
    eng_timer_stop(s, &c->t_wait);
    free(c->wait_url);
    free(c->wait_method);
    c->wait_url = c->wait_method = NULL;
    c->in_wait = 0;
    c->wait_refetch = 0;
    c->wait_gen++; /* a waitUrl fetch in flight is stale now */
}

/* ---- answers -------------------------------------------------------------------------------- */

static int neterr_code(const char *neterr)
{
    if (strstr(neterr, "refused"))
        return 11205;
    if (strstr(neterr, "resolve") || strstr(neterr, "host"))
        return 11210;
    if (strstr(neterr, "redirect"))
        return 11215;
    return 11205;
}

/* 0 when the Content-Type is TwiML, 1 for audio (played), 2 for text/plain (said), -1 else. */
static int content_kind(const char *ctype)
{
    if (!ctype)
        return -1;
    while (*ctype == ' ')
        ctype++;
    size_t n = strcspn(ctype, "; \t");
    static const char *const twiml[] = {"text/xml", "application/xml", "text/html", NULL};
    for (int i = 0; twiml[i]; i++)
        if (n == strlen(twiml[i]) && strncasecmp(ctype, twiml[i], n) == 0)
            return 0;
    if (n > 6 && strncasecmp(ctype, "audio/", 6) == 0)
        return 1;
    if (n == 10 && strncasecmp(ctype, "text/plain", 10) == 0)
        return 2;
    return -1;
}

/* A document of one verb: the audio an answer played, or the text/plain it carried. */
static struct tw_doc *synthetic(enum tw_el el, const char *text, size_t len)
{
    struct tw_doc *d = xcalloc(1, sizeof *d);
    struct tw_node *root = xcalloc(1, sizeof *root), *v = xcalloc(1, sizeof *v);
    root->el = TW_RESPONSE;
    root->text = xstrdup("");
    root->kids = xmalloc(sizeof *root->kids);
    root->kids[0] = v;
    root->nkids = 1;
    v->el = el;
    v->text = xstrndup(text, len > 4096 ? 4096 : len);
    d->root = root;
    d->bytes = sizeof *d + 2 * sizeof *v + strlen(v->text) + 16;
    return d;
}

static int parse_answer(struct sim *s, struct eng_call *c, int status, const char *ctype,
                        const char *body, size_t len, const char *neterr, struct tw_doc **doc,
                        char *msg, size_t msglen)
{
    *doc = NULL;
    msg[0] = '\0';
    if (neterr) {
        snprintf(msg, msglen, "%s", neterr);
        return neterr_code(neterr);
    }
    if (status < 200 || status > 299) {
        snprintf(msg, msglen, "HTTP retrieval failure: status %d", status);
        return 11200;
    }
    if (len > ENG_MAX_TWIML) {
        snprintf(msg, msglen, "TwiML response body too large (%zu bytes)", len);
        return 11750;
    }
    if (memchr(body, '\0', len) && content_kind(ctype) != 1) {
        snprintf(msg, msglen, "document holds a NUL byte");
        return 12100;
    }
    switch (content_kind(ctype)) {
    case 0:
        break;
    case 1:
        *doc = synthetic(TW_PLAY, "", 0);
        return 0;
    case 2:
        *doc = synthetic(TW_SAY, body, len);
        return 0;
    default:
        snprintf(msg, msglen, "Invalid Content-Type: %.100s", ctype ? ctype : "(none)");
        return 12300;
    }
    int code = tw_parse(body, len, doc, msg, msglen);
    if (!code && (*doc)->warnings)
        eng_log(s, DT_LOG_WARN, "%s: warning 12200: %d unknown TwiML element(s) skipped",
                c->pub.sid, (*doc)->warnings);
    return code;
}

static void start_main(struct sim *s, struct eng_call *c, struct tw_doc *doc, const char *base)
{
    eng_exec_clear(s, &c->main);
    c->main.doc = doc;
    c->main.base = eng_strdup(base);
    if (c->pub.direction == DT_SIM_INBOUND &&
        !(doc->root->nkids > 0 && doc->root->kids[0]->el == TW_REJECT))
        eng_call_answer_inbound(s, c);
    c->phase = PH_RUN;
    eng_exec_run(s, c);
}

void eng_run_inline(struct sim *s, struct eng_call *c, const char *twiml)
{
    struct tw_doc *doc;
    char msg[200];
    int code = tw_parse(twiml, strlen(twiml), &doc, msg, sizeof msg);
    if (code) {
        eng_call_fail(s, c, code, NULL);
        return;
    }
    start_main(s, c, doc, NULL);
}

void eng_twiml_answer(struct sim *s, struct eng_call *c, const struct eng_pending *p, int status,
                      const char *ctype, const char *body, size_t len, const char *neterr)
{
    struct tw_doc *doc;
    char msg[200];
    int code = parse_answer(s, c, status, ctype, body, len, neterr, &doc, msg, sizeof msg);
    if (p->kind == REQ_WAIT) {
        if (code) {
            eng_log(s, DT_LOG_WARN, "%s: waitUrl %s: error %d: %s", c->pub.sid, p->url, code, msg);
            eng_wait_finished(s, c);
            return;
        }
        eng_exec_clear(s, &c->wait);
        c->wait.doc = doc;
        c->wait.base = xstrdup(p->url);
        eng_wait_run(s, c);
        return;
    }
    if (code) {
        eng_log(s, DT_LOG_WARN, "%s: %s: error %d: %s", c->pub.sid, p->url, code, msg);
        if (p->fallback) {
            struct form extra;
            form_init(&extra);
            eng_form_addf(&extra, "ErrorCode", "%d", code);
            eng_form_add(&extra, "ErrorUrl", p->url);
            c->phase = PH_FETCH;
            struct form f;
            form_init(&f);
            eng_call_params(s, c, &f);
            add_extra(&f, &extra);
            eng_http(s, REQ_MAIN_FB, c, p->fallback, p->fallback_method, &f);
            return;
        }
        eng_call_fail(s, c, code, msg[0] ? msg : NULL);
        return;
    }
    start_main(s, c, doc, p->url);
}

/* ---- running -------------------------------------------------------------------------------- */

void eng_exec_run(struct sim *s, struct eng_call *c)
{
    for (int steps = 0;; steps++) {
        struct eng_exec *x = &c->main;
        if (c->phase != PH_RUN)
            return;
        if (!x->doc) {
            eng_call_end(s, c, DT_CALL_COMPLETED, 0, 0, NULL);
            return;
        }
        if (steps >= ENG_STEPS_PER_CALL) {
            eng_timer_arm(s, &c->t_step, s->now); /* yield to other calls */
            return;
        }
        if (x->pc >= x->doc->root->nkids) {
            /* the document ran out of verbs: Twilio hangs up */
            eng_call_end(s, c, DT_CALL_COMPLETED, 0, 0, NULL);
            return;
        }
        const struct tw_node *v = x->doc->root->kids[x->pc++];
        x->verb = v;
        if (!eng_verb(s, c, x, v))
            return;
    }
}

/* Deferred to the step timer (at the same emulated time) rather than run here: callers are
 * often deep inside a verb, and a document of verbs that end at once must not recurse. */
void eng_exec_next(struct sim *s, struct eng_call *c)
{
    if (c->phase == PH_ENDED)
        return;
    c->phase = PH_RUN;
    eng_timer_arm(s, &c->t_step, s->now);
}

void eng_wait_run(struct sim *s, struct eng_call *c)
{
    for (int steps = 0;; steps++) {
        struct eng_exec *x = &c->wait;
        if (c->phase == PH_ENDED || !c->in_wait || !x->doc)
            return;
        if (steps >= ENG_STEPS_PER_CALL) {
            eng_timer_arm(s, &c->t_wait, s->now);
            return;
        }
        if (x->pc >= x->doc->root->nkids) {
            eng_wait_finished(s, c);
            return;
        }
        const struct tw_node *v = x->doc->root->kids[x->pc++];
        x->verb = v;
        if (!eng_verb(s, c, x, v))
            return;
    }
}

/* The waitUrl document ended (or failed): fetch it again, at most once per ENG_WAIT_MIN_MS. */
void eng_wait_finished(struct sim *s, struct eng_call *c)
{
    eng_exec_clear(s, &c->wait);
    c->wait_refetch = 1;
    eng_timer_arm(s, &c->t_wait, c->wait_fetched_ms + ENG_WAIT_MIN_MS);
}

void eng_wait_fire(struct sim *s, struct eng_timer *t)
{
    struct eng_call *c = ENG_CONTAINER(t, struct eng_call, t_wait);
    if (c->phase == PH_ENDED || !c->in_wait)
        return;
    if (c->wait_refetch) {
        char *url = eng_strdup(c->wait_url), *method = eng_strdup(c->wait_method);
        eng_wait_start(s, c, url, method);
        free(url);
        free(method);
        return;
    }
    eng_wait_run(s, c);
}

void eng_exec_step_fire(struct sim *s, struct eng_timer *t)
{
    struct eng_call *c = ENG_CONTAINER(t, struct eng_call, t_step);
    switch (c->phase) {
    case PH_SETUP:
        eng_setup_step(s, c);
        break;
    case PH_RUN:
        eng_exec_run(s, c);
        break;
    case PH_GATHER:
        eng_gather_step(s, c);
        break;
    case PH_RECORD:
        eng_record_step(s, c);
        break;
    case PH_DIAL:
        eng_dial_timeout(s, c);
        break;
    case PH_BRIDGED:
        eng_dial_time_limit(s, c);
        break;
    default:
        break;
    }
}

/* The number of characters <Say> speaks: UTF-8 code points of the trimmed text. */
size_t eng_text_chars(const char *t)
{
    if (!t)
        return 0;
    while (isspace((unsigned char)*t))
        t++;
    size_t n = 0, trailing = 0;
    for (const unsigned char *p = (const unsigned char *)t; *p; p++) {
        if ((*p & 0xC0) == 0x80)
            continue;
        n++;
        trailing = isspace(*p) ? trailing + 1 : 0;
    }
    return n - trailing;
}
