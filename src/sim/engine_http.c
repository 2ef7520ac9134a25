/*
 * engine_http: the engine's webhooks. Builds Twilio's standard voice parameters, signs each
 * request as Twilio does (X-Twilio-Signature over the exact URL, with the body parameters for
 * a POST and the query already in the URL for a GET), hands it to the host and routes the
 * host's answer back: TwiML to the call that asked for it, callbacks to the log when they fail.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialtone/sig.h"
#include "sim/engine_int.h"

static const char *direction_name(enum sim_direction d)
{
    static const char *const names[] = {
        [DT_SIM_INBOUND] = "inbound",
        [DT_SIM_OUTBOUND_API] = "outbound-api",
        [DT_SIM_OUTBOUND_DIAL] = "outbound-dial",
    };
    return (unsigned)d < 3 ? names[d] : "inbound";
}

void eng_form_add(struct form *f, const char *key, const char *value)
{
    if (value)
        form_add(f, key, value); /* values are capped where they enter the engine */
}

void eng_form_addf(struct form *f, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *v = xvasprintf(fmt, ap);
    va_end(ap);
    form_add(f, key, v);
    free(v);
}

void eng_call_params(struct sim *s, const struct eng_call *c, struct form *f)
{
    const struct sim_call *p = &c->pub;
    eng_form_add(f, "AccountSid", p->account_sid);
    eng_form_add(f, "ApiVersion", "2010-04-01");
    eng_form_add(f, "CallSid", p->sid);
    eng_form_add(f, "CallStatus", callstate_name(p->status));
    eng_form_add(f, "Called", p->to);
    eng_form_add(f, "Caller", p->from);
    eng_form_add(f, "CallerName", p->caller_name);
    eng_form_add(f, "Direction", direction_name(p->direction));
    eng_form_add(f, "From", p->from);
    eng_form_add(f, "To", p->to);
    if (p->parent_sid[0])
        eng_form_add(f, "ParentCallSid", p->parent_sid);
    (void)s;
}

void eng_pending_free(struct eng_pending *p)
{
    if (!p)
        return;
    free(p->url);
    free(p->fallback);
    free(p->fallback_method);
    free(p);
}

static struct eng_pending *send(struct sim *s, enum eng_req kind, struct eng_call *c,
                                const char *url, const char *method, struct form *f)
{
    if (!method || strcmp(method, "GET") != 0)
        method = "POST";
    char *body = form_encode(f);
    char *full = NULL;
    const struct form *signed_params = f;
    if (strcmp(method, "GET") == 0) {
        full = *body ? xasprintf("%s%c%s", url, strchr(url, '?') ? '&' : '?', body) : xstrdup(url);
        body[0] = '\0';
        signed_params = NULL;
    }
    const char *req_url = full ? full : url;
    char sig[DT_SIG_BUFSZ] = "";
    if (s->sc->auth_token && *s->sc->auth_token &&
        sig_compute(s->sc->auth_token, req_url, signed_params, sig, NULL, 0) != 0)
        sig[0] = '\0';
    uint64_t id = s->http_id++;
    char idem[64];
    snprintf(idem, sizeof idem, "%s-%llu", c ? c->pub.sid : "AC", (unsigned long long)id);

    struct eng_pending *p = NULL;
    if (kind != REQ_CALLBACK || s->pending.n < ENG_MAX_PENDING) {
        p = xcalloc(1, sizeof *p);
        p->id = id;
        p->kind = kind;
        if (c) {
            dt_strlcpy(p->call_sid, c->pub.sid, sizeof p->call_sid);
            p->gen = kind == REQ_WAIT ? ++c->wait_gen : kind == REQ_CALLBACK ? 0 : ++c->gen;
        }
        p->url = xstrdup(url);
        p->sent_ms = s->now;
        eng_map_put(&s->pending, p);
    }
    struct sim_http_req req = {
        .id = id,
        .method = method,
        .url = req_url,
        .body = body,
        .signature = sig,
        .idempotency = idem,
        .wants_twiml = kind != REQ_CALLBACK,
    };
    eng_log(s, DT_LOG_DEBUG, "%s %s %s", c ? c->pub.sid : "-", method, req_url);
    if (s->host.http) {
        s->in_host++;
        s->host.http(s->host.ctx, &req);
        s->in_host--;
    }
    free(full);
    free(body);
    form_done(f);
    return p;
}

void eng_http(struct sim *s, enum eng_req kind, struct eng_call *c, const char *url,
              const char *method, struct form *f)
{
    send(s, kind, c, url, method, f);
}

void eng_http_fallback(struct sim *s, struct eng_call *c, const char *url, const char *method,
                       const char *fb, const char *fb_method, struct form *f)
{
    struct eng_pending *p = send(s, REQ_MAIN, c, url, method, f);
    if (p && fb) {
        p->fallback = xstrdup(fb);
        p->fallback_method = eng_strdup(fb_method);
    }
}

void sim_http_done(struct sim *s, uint64_t id, int status, const char *content_type,
                   const char *body, size_t len, const char *neterr)
{
    if (!s || s->in_host)
        return; /* an answer from inside http() would re-enter the engine: refused */
    struct eng_pending *p = eng_map_get(&s->pending, (const char *)&id);
    if (!p)
        return;
    eng_map_del(&s->pending, (const char *)&id);
    int ok = !neterr && status >= 200 && status < 300;
    if (p->kind == REQ_CALLBACK) {
        if (!ok)
            eng_log(s, DT_LOG_WARN, "%s: callback to %s failed: %s",
                    p->call_sid[0] ? p->call_sid : "-", p->url,
                    neterr ? neterr : "HTTP error status");
        eng_pending_free(p);
        return;
    }
    struct eng_call *c = eng_call_find(s, p->call_sid);
    if (!c || (p->kind == REQ_WAIT ? c->wait_gen : c->gen) != p->gen || c->phase == PH_ENDED) {
        eng_log(s, DT_LOG_DEBUG, "%s: stale answer from %s ignored", p->call_sid, p->url);
        eng_pending_free(p);
        return;
    }
    eng_twiml_answer(s, c, p, status, content_type, body ? body : "", body ? len : 0, neterr);
    eng_pending_free(p);
    eng_queue_refresh(s);
}
