/*
 * reducer_results: the answers to the model's REST requests, and the queries that page through the
 * history (GET /api/v1/calls, keyset cursors) and open one call (GET /api/v1/calls/SID). An answer
 * to a superseded history or detail query is dropped by its tag's generation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "console/model.h"
#include "console/reducer.h"
#include "dialtone/errors.h"
#include "dialtone/util.h"

#define GEN_MASK 0x7fffff /* a generation fits in the tag above its 8 kind bits */

static int make_tag(enum model_tag kind, unsigned gen)
{
    return (int)(((gen & GEN_MASK) << 8) | (unsigned)kind);
}

/* ---- history --------------------------------------------------------------------------------- */

/* The filter's words mapped onto the API's parameters. */
static const struct {
    const char *word, *param, *value;
} outcome_words[] = {
    {"answered", "outcome", "answered"},   {"busy", "outcome", "busy"},
    {"no-answer", "outcome", "no answer"}, {"declined", "outcome", "declined"},
    {"canceled", "outcome", "canceled"},   {"abandoned", "outcome", "abandoned"},
    {"voicemail", "outcome", "voicemail"}, {"failed", "outcome", "failed"},
};

static const char *const filter_keys[] = {"number", "outcome", "status", "direction", "queue",
                                          "agent",  "text",    "from",   "to"};

static void add_param(char *q, size_t n, const char *key, const char *value)
{
    char esc[MODEL_INPUT_SIZE * 3];
    size_t len = strlen(q);
    snprintf(q + len, n - len, "&%s=%s", key, rd_esc(value, esc, sizeof esc));
}

static int all_digits(const char *s)
{
    return *s && strspn(s, "0123456789") == strlen(s);
}

/* Turns the filter into query parameters: `key:value` words for the API's filters, outcome words,
 * numbers (+E.164 or typed nationally), a bare 1-6 digit error code (matched here), and the other
 * words as text. */
static void filter_query(struct model *st, char *q, size_t n)
{
    struct model_history *h = &st->history;
    char text[MODEL_INPUT_SIZE] = "", buf[MODEL_INPUT_SIZE];
    h->filter_code = 0;
    dt_strlcpy(buf, h->filter, sizeof buf);
    char *save = NULL;
    for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        char *colon = strchr(w, ':');
        int done = 0;
        for (size_t i = 0; colon && i < sizeof filter_keys / sizeof filter_keys[0]; i++) {
            size_t k = strlen(filter_keys[i]);
            if ((size_t)(colon - w) == k && strncmp(w, filter_keys[i], k) == 0 && colon[1]) {
                add_param(q, n, filter_keys[i], colon + 1);
                done = 1;
            }
        }
        for (size_t i = 0; !done && i < sizeof outcome_words / sizeof outcome_words[0]; i++) {
            if (strcmp(w, outcome_words[i].word) == 0) {
                add_param(q, n, outcome_words[i].param, outcome_words[i].value);
                done = 1;
            }
        }
        char e164[MODEL_NUMBER_SIZE], why[8];
        if (!done && all_digits(w) && strlen(w) <= 6) {
            h->filter_code = atoi(w);
            done = 1;
        } else if (!done && (w[0] == '+' || all_digits(w)) &&
                   rd_dialnum(st, w, e164, sizeof e164, why, sizeof why) == DT_OK) {
            add_param(q, n, "number", e164);
            done = 1;
        }
        if (!done) {
            size_t len = strlen(text);
            snprintf(text + len, sizeof text - len, "%s%s", len ? " " : "", w);
        }
    }
    if (text[0])
        add_param(q, n, "text", text);
}

static int history_get(struct model *st, struct rd_out *o, const char *cursor)
{
    struct model_history *h = &st->history;
    char q[MODEL_PATH_SIZE - 64] = "";
    filter_query(st, q, sizeof q);
    if (cursor)
        add_param(q, sizeof q, "cursor", cursor);
    int rc = rd_request(st, o, "GET", make_tag(MODEL_TAG_HISTORY, h->gen), NULL,
                        "/api/v1/calls?limit=%d%s", MODEL_HISTORY_PAGE, q);
    if (rc == DT_OK)
        h->loading = 1;
    return rc;
}

int rd_history_query(struct model *st, struct rd_out *o)
{
    struct model_history *h = &st->history;
    h->gen = (h->gen + 1) & GEN_MASK;
    h->count = 0;
    h->selected = h->top = h->dropped = 0;
    h->next_cursor[0] = '\0';
    h->has_more = 0;
    h->loaded = 0;
    h->stale = 0;
    h->follow_due = 0;
    h->searched = 0;
    h->message[0] = '\0';
    return history_get(st, o, NULL);
}

int rd_history_more(struct model *st, struct rd_out *o)
{
    struct model_history *h = &st->history;
    if (!h->has_more || h->loading || h->selected + 10 < h->count)
        return DT_OK;
    h->follow_due = 0;
    h->searched = 0; /* a new run of following */
    return history_get(st, o, h->next_cursor);
}

int rd_history_follow(struct model *st, struct rd_out *o)
{
    struct model_history *h = &st->history;
    if (!h->follow_due || h->loading)
        return DT_OK;
    h->follow_due = 0;
    if (!h->has_more)
        return DT_OK;
    return history_get(st, o, h->next_cursor);
}

/* After a page: when the rows from the selection down do not fill the screen and there are
 * older calls, the next page is due at once, up to MODEL_HISTORY_FOLLOW pages in a row. */
static void history_follow_check(struct model *st)
{
    struct model_history *h = &st->history;
    size_t want = st->rows > 12 ? (size_t)st->rows - 8 : 4;
    h->searched++;
    h->follow_due =
        h->has_more && h->count - h->selected < want && h->searched < MODEL_HISTORY_FOLLOW;
}

/* A call's error object (calljson's "error") as the console shows it. A failure known only by
 * its SIP response (a busy callee: code null, sip_code 486) is given Twilio's code for that
 * response (31486) from the error dictionary, so it reads like every other badge; the texts
 * the daemon left out come from the dictionary too. */
struct rd_error {
    int code, sip_code;
    enum errors_category category;
    const char *message, *action; /* the daemon's, else the dictionary's; "" none */
};

static int error_read(const cJSON *e, struct rd_error *out)
{
    memset(out, 0, sizeof *out);
    if (!cJSON_IsObject(e))
        return 0;
    out->code = (int)rd_int(e, "code", 0, 999999, 0);
    out->sip_code = (int)rd_int(e, "sip_code", 0, 999, 0);
    const struct errors_entry *ent = NULL;
    if (out->code)
        ent = errors_lookup(out->code);
    else if (out->sip_code >= 100 && out->sip_code <= 699)
        ent = errors_lookup_sip(out->sip_code);
    if (ent && !out->code)
        out->code = ent->code; /* 0 when the dictionary has no code for this SIP response */
    const char *name = rd_str(e, "category");
    if (!name || errors_category_from_name(name, &out->category) != DT_OK)
        out->category = ent ? ent->category : DT_ERRCAT_OTHER;
    out->message = rd_str(e, "message");
    if (!out->message || !out->message[0])
        out->message = ent ? ent->message : "";
    out->action = rd_str(e, "action");
    if (!out->action || !out->action[0])
        out->action = ent ? ent->action : "";
    return 1;
}

static void row_from_json(struct model_hist_row *r, const cJSON *c)
{
    memset(r, 0, sizeof *r);
    rd_set(r->sid, sizeof r->sid, c, "sid");
    r->created_ms = rd_int(c, "created_ms", 0, INT64_C(1) << 52, 0);
    rd_set(r->direction, sizeof r->direction, c, "direction");
    r->outbound = strncmp(r->direction, "outbound", 8) == 0;
    rd_set(r->number, sizeof r->number, c, r->outbound ? "to" : "from");
    rd_set(r->name, sizeof r->name, c, "caller_name");
    r->duration_s = rd_int(c, "duration", 0, INT64_C(1) << 40, -1);
    rd_set(r->status, sizeof r->status, c, "status");
    rd_set(r->outcome, sizeof r->outcome, c, "outcome");
    struct rd_error er;
    if (!error_read(cJSON_GetObjectItemCaseSensitive(c, "error"), &er))
        return;
    r->has_error = 1;
    r->error_code = er.code;
    r->sip_code = er.sip_code;
    r->category = (int)er.category;
    const char *cat = errors_category_name(er.category);
    if (er.code)
        snprintf(r->badge, sizeof r->badge, "%d %s", er.code, cat);
    else if (er.sip_code)
        snprintf(r->badge, sizeof r->badge, "SIP %d %s", er.sip_code, cat);
    else
        snprintf(r->badge, sizeof r->badge, "%s", cat);
}

static void history_append(struct model *st, const cJSON *body)
{
    struct model_history *h = &st->history;
    const cJSON *calls = cJSON_GetObjectItemCaseSensitive(body, "calls");
    const cJSON *c;
    cJSON_ArrayForEach(c, calls)
    {
        struct model_hist_row r;
        row_from_json(&r, c);
        if (!r.sid[0] ||
            (h->filter_code && r.error_code != h->filter_code && r.sip_code != h->filter_code))
            continue;
        if (h->count == MODEL_HISTORY_MAX) { /* drop the oldest page at the top */
            size_t drop = MODEL_HISTORY_PAGE;
            memmove(h->rows, h->rows + drop, (h->count - drop) * sizeof *h->rows);
            h->count -= drop;
            h->dropped += drop;
            h->selected = h->selected > drop ? h->selected - drop : 0;
            h->top = h->top > drop ? h->top - drop : 0;
        }
        if (h->count == h->cap) {
            h->cap = h->cap ? h->cap * 2 : 64;
            if (h->cap > MODEL_HISTORY_MAX)
                h->cap = MODEL_HISTORY_MAX;
            h->rows = xrealloc(h->rows, h->cap * sizeof *h->rows);
        }
        h->rows[h->count++] = r;
    }
    const char *next = rd_str(body, "next_cursor");
    rd_copy(h->next_cursor, sizeof h->next_cursor, next);
    h->has_more = h->next_cursor[0] != '\0';
    h->loaded = 1;
    h->message[0] = '\0';
}

/* ---- detail ---------------------------------------------------------------------------------- */

int rd_detail_open(struct model *st, struct rd_out *o, const char *sid)
{
    struct model_detail *d = &st->detail;
    char s[MODEL_SID_SIZE], esc[MODEL_SID_SIZE * 3];
    dt_strlcpy(s, sid, sizeof s);
    unsigned gen = (d->gen + 1) & GEN_MASK;
    memset(d, 0, sizeof *d);
    d->gen = gen;
    memcpy(d->sid, s, sizeof d->sid);
    d->loading = 1;
    st->screen = MODEL_SCR_DETAIL;
    return rd_request(st, o, "GET", make_tag(MODEL_TAG_DETAIL, gen), NULL, "/api/v1/calls/%s",
                      rd_esc(s, esc, sizeof esc));
}

static void detail_fill(struct model_detail *d, const cJSON *c)
{
    rd_set(d->direction, sizeof d->direction, c, "direction");
    rd_set(d->from, sizeof d->from, c, "from");
    rd_set(d->to, sizeof d->to, c, "to");
    rd_set(d->name, sizeof d->name, c, "caller_name");
    rd_set(d->queue, sizeof d->queue, c, "queue");
    rd_set(d->agent, sizeof d->agent, c, "agent");
    rd_set(d->status, sizeof d->status, c, "status");
    rd_set(d->outcome, sizeof d->outcome, c, "outcome");
    rd_set(d->price, sizeof d->price, c, "price");
    rd_set(d->price_unit, sizeof d->price_unit, c, "price_unit");
    int64_t big = INT64_C(1) << 52;
    d->created_ms = rd_int(c, "created_ms", 0, big, 0);
    d->answered_ms = rd_int(c, "answered_ms", 0, big, 0);
    d->ended_ms = rd_int(c, "ended_ms", 0, big, 0);
    d->duration_s = rd_int(c, "duration", 0, INT64_C(1) << 40, -1);
    d->queue_time_s = rd_int(c, "queue_time", 0, INT64_C(1) << 40, -1);
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(c, "error");
    struct rd_error er;
    if (error_read(e, &er)) {
        d->has_error = 1;
        d->error_code = er.code;
        d->sip_code = er.sip_code;
        d->category = (int)er.category;
        rd_copy(d->error_message, sizeof d->error_message, er.message);
        rd_copy(d->category_label, sizeof d->category_label, errors_category_label(er.category));
        rd_copy(d->action, sizeof d->action, er.action);
        d->retryable = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "retryable"));
        d->bad_number = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "bad_number"));
    }
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(c, "recording");
    if (cJSON_IsObject(r)) {
        d->has_recording = 1;
        rd_set(d->rec_sid, sizeof d->rec_sid, r, "sid");
        rd_set(d->rec_status, sizeof d->rec_status, r, "status");
        rd_set(d->rec_url, sizeof d->rec_url, r, "url");
        d->rec_duration_s = rd_int(r, "duration", 0, INT64_C(1) << 40, -1);
    }
    const cJSON *tl = cJSON_GetObjectItemCaseSensitive(c, "timeline"), *ev;
    cJSON_ArrayForEach(ev, tl)
    {
        if (d->n_events == MODEL_DETAIL_EVENTS)
            break;
        struct model_detail_event *x = &d->events[d->n_events++];
        rd_set(x->ts, sizeof x->ts, ev, "ts");
        rd_set(x->type, sizeof x->type, ev, "type");
        rd_set(x->status, sizeof x->status, ev, "status");
    }
    d->loaded = 1;
}

/* ---- answers --------------------------------------------------------------------------------- */

static const char *const tag_what[MODEL_TAG_COUNT] = {
    [MODEL_TAG_ACCEPT] = "Accepting the call",
    [MODEL_TAG_DECLINE] = "Declining the call",
    [MODEL_TAG_HOLD] = "Hold",
    [MODEL_TAG_UNHOLD] = "Taking off hold",
    [MODEL_TAG_MUTE] = "Mute",
    [MODEL_TAG_UNMUTE] = "Unmute",
    [MODEL_TAG_HANGUP] = "Hanging up",
    [MODEL_TAG_TRANSFER] = "Transfer",
    [MODEL_TAG_WRAPUP] = "Saving the wrap-up",
    [MODEL_TAG_STATE] = "Changing state",
    [MODEL_TAG_DIAL] = "Dialling",
    [MODEL_TAG_HISTORY] = "Loading the history",
    [MODEL_TAG_DETAIL] = "Loading the call",
    [MODEL_TAG_XFER_COMPLETE] = "Completing the transfer",
    [MODEL_TAG_XFER_CANCEL] = "Cancelling the transfer",
};

static void on_failure(struct model *st, enum model_tag kind, int status, const char *why)
{
    switch (kind) {
    case MODEL_TAG_ACCEPT: {
        int i = rd_offer_find(st, st->accepting_sid);
        if (status == 409)
            model_toast(st, MODEL_INFO, "Another agent took the call first");
        else
            model_toast(st, MODEL_ERROR, "Accepting the call failed: %s", why);
        if (i >= 0 && (status == 409 || status == 404))
            rd_offer_remove(st, (size_t)i);
        st->accepting_sid[0] = '\0';
        rd_waiting_fixup(st);
        break;
    }
    case MODEL_TAG_TRANSFER:
        rd_copy(st->transfer.message, sizeof st->transfer.message, why);
        break;
    case MODEL_TAG_WRAPUP:
        st->wrapup.submitting = 0;
        rd_copy(st->wrapup.message, sizeof st->wrapup.message, why);
        break;
    case MODEL_TAG_DIAL:
        if (st->call.outbound && st->call.phase == MODEL_CALL_DIALING) {
            model_toast(st, MODEL_ERROR, "Call to %s failed: %s.", st->call.number, why);
            rd_copy(st->dialpad.message, sizeof st->dialpad.message, why);
            st->dialpad.message_level = MODEL_ERROR;
            rd_call_clear(st);
        }
        break;
    case MODEL_TAG_HISTORY:
        st->history.loading = 0;
        st->history.follow_due = 0;
        rd_copy(st->history.message, sizeof st->history.message, why);
        break;
    case MODEL_TAG_DETAIL:
        st->detail.loading = 0;
        rd_copy(st->detail.message, sizeof st->detail.message, why);
        break;
    case MODEL_TAG_ME: /* the default dispositions stay; the next snapshot asks again */
        st->me_asked = 0;
        break;
    case MODEL_TAG_AGENTS: /* Tab offers the queues only */
        break;
    case MODEL_TAG_RESTORE:
        rd_restore_result(st, 0, NULL);
        break;
    default:
        model_toast(st, MODEL_ERROR, "%s failed: %s",
                    tag_what[kind] ? tag_what[kind] : "The request", why);
        break;
    }
}

static void on_success(struct model *st, enum model_tag kind, const cJSON *body)
{
    switch (kind) {
    case MODEL_TAG_TRANSFER:
        st->transfer.open = 0;
        model_toast(st, MODEL_INFO, "Transferring %s...", st->transfer.target);
        break;
    case MODEL_TAG_WRAPUP:
        if (st->wrapup.open)
            rd_wrapup_close(st);
        break;
    case MODEL_TAG_DIAL:
        if (st->call.outbound && st->call.phase == MODEL_CALL_DIALING && !st->call.room[0])
            rd_set(st->call.room, sizeof st->call.room, body, "conference");
        break;
    case MODEL_TAG_HISTORY:
        st->history.loading = 0;
        history_append(st, body);
        history_follow_check(st);
        break;
    case MODEL_TAG_DETAIL:
        st->detail.loading = 0;
        detail_fill(&st->detail, body);
        break;
    case MODEL_TAG_ME:
        st->me_asked = 0;
        if (cJSON_IsObject(body) && rd_is_me(st, rd_str(body, "name"))) {
            rd_agent_from_json(st, body, 0);
            st->me_loaded = 1;
        }
        break;
    case MODEL_TAG_AGENTS:
        rd_agents_result(st, body);
        break;
    case MODEL_TAG_RESTORE:
        rd_restore_result(st, 1, body);
        break;
    default:
        break;
    }
}

void model_apply_result(struct model *st, int tag, int status, const cJSON *body, const char *err)
{
    enum model_tag kind = MODEL_TAG_KIND(tag);
    unsigned gen = ((unsigned)tag >> 8) & GEN_MASK;
    if (kind <= MODEL_TAG_NONE || kind >= MODEL_TAG_COUNT)
        return;
    if ((kind == MODEL_TAG_HISTORY && gen != st->history.gen) ||
        (kind == MODEL_TAG_DETAIL && gen != st->detail.gen))
        return; /* a superseded query */
    if (rd_board_result(st, kind, status, body, err) ||
        rd_errors_result(st, kind, status, body, err) ||
        rd_alerts_result(st, kind, status, body, err) ||
        rd_reports_result(st, tag, status, body, err))
        return;
    st->dirty = 1;
    int ok = status >= 200 && status < 300 && !err;
    if (ok && (kind == MODEL_TAG_HISTORY || kind == MODEL_TAG_DETAIL) && !cJSON_IsObject(body)) {
        ok = 0;
        err = "the daemon's answer is not JSON";
    }
    if (ok) {
        on_success(st, kind, body);
        return;
    }
    char why[MODEL_TEXT_SIZE];
    if (err && *err)
        rd_copy(why, sizeof why, err);
    else if (status)
        snprintf(why, sizeof why, "the daemon answered %d", status);
    else
        rd_copy(why, sizeof why, "no answer from the daemon");
    on_failure(st, kind, status, why);
}
