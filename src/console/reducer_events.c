/*
 * reducer_events: the daemon's messages applied to the model: the snapshot, every event of the
 * websocket (README "Events on a websocket"), and the pending poll that replaces the waiting list
 * and the offers. Events about other agents change only the waiting list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console/model.h"
#include "console/reducer.h"
#include "dialtone/errors.h"
#include "dialtone/util.h"

/* ---- the call -------------------------------------------------------------------------------- */

void rd_call_clear(struct model *st)
{
    memset(&st->call, 0, sizeof st->call);
    st->accepting_sid[0] = '\0';
    if (st->screen == MODEL_SCR_CALL && !st->wrapup.open)
        st->screen = MODEL_SCR_QUEUE;
    st->dirty = 1;
}

void rd_wrapup_open(struct model *st)
{
    struct model_wrapup *w = &st->wrapup;
    if (!w->open) {
        w->open = 1;
        memcpy(w->call_sid, st->call.sid, sizeof w->call_sid);
        const char *party = st->call.name[0] ? st->call.name : st->call.number;
        dt_strlcpy(w->party, party, sizeof w->party);
        w->selected = 0;
        w->notes_focus = 0;
        w->notes[0] = '\0';
        w->message[0] = '\0';
        w->submitting = 0;
        st->screen = MODEL_SCR_CALL;
    }
    if (st->call.phase != MODEL_CALL_NONE)
        st->call.phase = MODEL_CALL_ENDED;
    st->dirty = 1;
}

void rd_wrapup_close(struct model *st)
{
    st->wrapup.open = 0;
    st->wrapup.submitting = 0;
    memset(&st->call, 0, sizeof st->call);
    if (st->screen == MODEL_SCR_CALL)
        st->screen = MODEL_SCR_QUEUE;
    st->dirty = 1;
}

static int is_my_call(const struct model *st, const cJSON *call)
{
    const char *sid = rd_str(call, "sid");
    if (st->call.phase == MODEL_CALL_NONE || !sid)
        return 0;
    char s[MODEL_SID_SIZE];
    rd_copy(s, sizeof s, sid);
    if (st->call.sid[0] && strcmp(s, st->call.sid) == 0)
        return 1;
    if (!st->call.outbound)
        return 0;
    /* The customer's leg before call.dialing named it (its first callbacks may come first):
     * the leg to the number dialled, in the call's conference or not in one yet. */
    char room[MODEL_SID_SIZE], to[MODEL_NUMBER_SIZE];
    rd_set(room, sizeof room, call, "conference");
    rd_set(to, sizeof to, call, "to");
    if (strcmp(to, st->call.number) != 0)
        return 0;
    if (st->call.room[0] && strcmp(room, st->call.room) == 0)
        return 1;
    return st->call.phase == MODEL_CALL_DIALING && !st->call.sid[0] && !room[0];
}

static const char *progress_words(const char *status)
{
    static const struct {
        const char *status, *words;
    } words[] = {
        {"queued", "dialling"},      {"initiated", "dialling"}, {"ringing", "ringing"},
        {"in-progress", "answered"}, {"completed", "ended"},    {"busy", "busy"},
        {"no-answer", "no answer"},  {"failed", "failed"},      {"canceled", "canceled"},
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(words[i].status, status) == 0)
            return words[i].words;
    return status;
}

/* The toast of a failed outbound call, from the error the dictionary explained. */
static void dial_failure_toast(struct model *st, const cJSON *call)
{
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(call, "error");
    char reason[MODEL_TEXT_SIZE], action[MODEL_TEXT_SIZE];
    rd_set(reason, sizeof reason, e, "message");
    rd_set(action, sizeof action, e, "action");
    if (!reason[0])
        rd_set(reason, sizeof reason, call, "outcome");
    if (!reason[0])
        rd_copy(reason, sizeof reason, progress_words(st->call.status));
    size_t n = strlen(reason);
    if (n && reason[n - 1] == '.')
        reason[n - 1] = '\0';
    int64_t code = rd_int(e, "code", 1, 999999, 0);
    char codes[24] = "";
    int64_t sip = rd_int(e, "sip_code", 100, 699, 0);
    const struct errors_entry *known = !code && sip ? errors_lookup_sip((int)sip) : NULL;
    if (known && known->code)
        code = known->code; /* Twilio's code for the SIP response, as the history shows it */
    if (code)
        snprintf(codes, sizeof codes, " (%lld)", (long long)code);
    else if (sip)
        snprintf(codes, sizeof codes, " (SIP %lld)", (long long)sip);
    model_toast(st, MODEL_ERROR, "Call to %s failed: %s%s.%s%s", st->call.number, reason, codes,
                action[0] ? " " : "", action);
}

static int status_failed(const char *s)
{
    return strcmp(s, "busy") == 0 || strcmp(s, "no-answer") == 0 || strcmp(s, "failed") == 0 ||
           strcmp(s, "canceled") == 0;
}

/* call.updated, conference.updated, call.ended: the waiting list and my call. */
static void on_call(struct model *st, const cJSON *d, int ended)
{
    const cJSON *call = cJSON_GetObjectItemCaseSensitive(d, "call");
    const char *sid = rd_str(call, "sid");
    if (!sid)
        return;
    char s[MODEL_SID_SIZE];
    rd_copy(s, sizeof s, sid);
    if (ended) {
        rd_caller_remove(st, s);
        int o = rd_offer_find(st, s);
        if (o >= 0)
            rd_offer_remove(st, (size_t)o);
        st->history.stale = 1;
    } else if (rd_caller_find(st, s) >= 0) {
        rd_caller_put(st, call);
    }
    rd_waiting_fixup(st);
    if (!is_my_call(st, call))
        return;
    struct model_call *c = &st->call;
    if (!c->sid[0])
        memcpy(c->sid, s, sizeof c->sid);
    if (!c->name[0])
        rd_set(c->name, sizeof c->name, call, "caller_name");
    if (!c->number[0]) {
        const char *dir = rd_str(call, "direction");
        rd_set(c->number, sizeof c->number, call,
               dir && strncmp(dir, "outbound", 8) == 0 ? "to" : "from");
    }
    rd_set(c->status, sizeof c->status, call, "status");
    const char *ev = rd_str(d, "event");
    if (ev && strcmp(ev, "participant-hold") == 0)
        c->on_hold = 1;
    else if (ev && strcmp(ev, "participant-unhold") == 0)
        c->on_hold = 0;
    else if (ev && strcmp(ev, "participant-mute") == 0)
        c->muted = 1;
    else if (ev && strcmp(ev, "participant-unmute") == 0)
        c->muted = 0;
    if (c->outbound && c->status[0] && c->phase != MODEL_CALL_ENDED) {
        rd_copy(c->progress, sizeof c->progress, progress_words(c->status));
        if (strcmp(c->status, "in-progress") == 0 && c->phase == MODEL_CALL_DIALING) {
            c->phase = MODEL_CALL_CONNECTED;
            c->started_ms = st->clock.wall_ms;
        }
    }
    if (ended && c->phase != MODEL_CALL_ENDED) {
        if (c->outbound && c->phase == MODEL_CALL_DIALING && status_failed(c->status))
            dial_failure_toast(st, call);
        rd_wrapup_open(st);
    }
}

/* call.queued: a new caller waits. */
static void on_queued(struct model *st, const cJSON *d)
{
    rd_caller_put(st, cJSON_GetObjectItemCaseSensitive(d, "call"));
    rd_waiting_fixup(st);
}

/* ---- the agent ------------------------------------------------------------------------------- */

void rd_agent_from_json(struct model *st, const cJSON *a, int whole)
{
    struct model_agent *ag = &st->agent;
    if (whole) {
        rd_set(ag->name, sizeof ag->name, a, "name");
        rd_set(ag->role, sizeof ag->role, a, "role");
        ag->known = 1;
    }
    rd_set(ag->state, sizeof ag->state, a, "state");
    rd_set(ag->reason, sizeof ag->reason, a, "reason");
    if (rd_str(a, "endpoint"))
        rd_set(ag->endpoint, sizeof ag->endpoint, a, "endpoint");
    ag->since_ms = rd_int(a, "since_ms", 0, INT64_C(1) << 52, 0);
    const cJSON *qs = cJSON_GetObjectItemCaseSensitive(a, "queues");
    if (cJSON_IsArray(qs)) {
        ag->n_queues = 0;
        const cJSON *q;
        cJSON_ArrayForEach(q, qs)
        {
            if (ag->n_queues < MODEL_QUEUES_MAX && cJSON_IsString(q))
                rd_copy(ag->queues[ag->n_queues++], MODEL_QUEUE_SIZE, q->valuestring);
        }
    }
    const cJSON *ds = cJSON_GetObjectItemCaseSensitive(a, "dispositions");
    if (cJSON_IsArray(ds) && cJSON_GetArraySize(ds) > 0 && (!st->wrapup.open || !st->me_loaded)) {
        struct model_wrapup *w = &st->wrapup;
        size_t n = 0;
        const cJSON *x;
        cJSON_ArrayForEach(x, ds)
        {
            const char *code = cJSON_IsString(x) ? x->valuestring : rd_str(x, "code");
            if (n == MODEL_DISPOS_MAX || !code || !*code)
                continue;
            rd_copy(w->dispos[n].code, sizeof w->dispos[n].code, code);
            const char *label = rd_str(x, "label");
            rd_copy(w->dispos[n].label, sizeof w->dispos[n].label, label ? label : code);
            n++;
        }
        if (n) {
            w->n_dispos = n;
            w->selected = 0;
        }
    }
    /* The state decides the forms: wrap-up opens the form, the others close it. */
    if (strcmp(ag->state, "wrap-up") == 0) {
        rd_wrapup_open(st);
    } else if (strcmp(ag->state, "busy") != 0) {
        if (st->wrapup.open)
            rd_wrapup_close(st);
        else if (st->call.phase != MODEL_CALL_NONE && st->call.phase != MODEL_CALL_DIALING)
            rd_call_clear(st);
    }
    st->dirty = 1;
}

static void on_agent_state(struct model *st, const cJSON *d)
{
    if (rd_is_me(st, rd_str(d, "name")))
        rd_agent_from_json(st, d, 0);
}

static void on_snapshot(struct model *st, const cJSON *ev)
{
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(ev, "data");
    int64_t seq = rd_int(ev, "seq", 0, INT64_C(1) << 53, 0);
    if (seq < st->last_seq) /* the daemon's log started again */
        st->last_seq = seq;
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(d, "agent");
    if (cJSON_IsObject(a)) {
        rd_agent_from_json(st, a, 1);
        if (!st->me_loaded && !st->me_asked)
            st->me_asked = 1; /* the dispositions come with GET /api/v1/me */
    }
    rd_restore_check(st);
    const cJSON *qs = cJSON_GetObjectItemCaseSensitive(d, "queues");
    if (cJSON_IsArray(qs)) {
        st->n_queues = 0;
        const cJSON *q;
        cJSON_ArrayForEach(q, qs)
        {
            if (st->n_queues == MODEL_QUEUES_MAX || !rd_str(q, "name"))
                continue;
            struct model_queue *mq = &st->queues[st->n_queues++];
            rd_set(mq->name, sizeof mq->name, q, "name");
            rd_set(mq->routing, sizeof mq->routing, q, "routing");
            mq->waiting = (int)rd_int(q, "waiting", 0, 1000000, 0);
            mq->longest_wait_s = rd_int(q, "longest_wait_s", 0, INT64_C(1) << 40, 0);
            mq->agents_available = (int)rd_int(q, "agents_available", 0, 1000000, 0);
        }
    }
    const cJSON *pending = cJSON_GetObjectItemCaseSensitive(d, "pending");
    if (cJSON_IsArray(pending)) {
        rd_waiting_replace(st, pending);
        for (size_t i = st->n_offers; i-- > 0;) /* an offer's caller is waiting */
            if (rd_caller_find(st, st->offers[i].sid) < 0)
                rd_offer_remove(st, i);
    }
    rd_waiting_fixup(st);
}

/* ---- routing and in-call events (with "agent") ----------------------------------------------- */

static void on_offer(struct model *st, const cJSON *d, int created)
{
    if (!rd_is_me(st, rd_str(d, "agent")))
        return;
    if (created) {
        rd_offer_put(st, d, 1);
    } else {
        char sid[MODEL_SID_SIZE], why[MODEL_WORD_SIZE];
        rd_set(sid, sizeof sid, d, "call_sid");
        rd_set(why, sizeof why, d, "why");
        int i = rd_offer_find(st, sid);
        if (i >= 0) {
            const struct model_offer *of = &st->offers[i];
            const char *who = of->name[0] ? of->name : of->number[0] ? of->number : "the caller";
            if (strcmp(why, "taken") == 0 && strcmp(st->accepting_sid, sid) != 0)
                model_toast(st, MODEL_INFO, "Another agent took the call from %s", who);
            else if (strcmp(why, "timeout") == 0)
                model_toast(st, MODEL_WARN, "The offer of %s timed out", who);
            rd_offer_remove(st, (size_t)i);
        }
    }
    rd_waiting_fixup(st);
}

static void on_assigned(struct model *st, const cJSON *d)
{
    char sid[MODEL_SID_SIZE];
    rd_set(sid, sizeof sid, d, "call_sid");
    int mine = rd_is_me(st, rd_str(d, "agent"));
    if (mine) {
        struct model_call c = {.phase = MODEL_CALL_CONNECTING};
        memcpy(c.sid, sid, sizeof c.sid);
        rd_set(c.queue, sizeof c.queue, d, "queue");
        int w = rd_caller_find(st, sid), o = rd_offer_find(st, sid);
        if (w >= 0) {
            memcpy(c.name, st->waiting[w].name, sizeof c.name);
            memcpy(c.number, st->waiting[w].number, sizeof c.number);
        } else if (o >= 0) {
            memcpy(c.name, st->offers[o].name, sizeof c.name);
            memcpy(c.number, st->offers[o].number, sizeof c.number);
        }
        rd_copy(c.progress, sizeof c.progress, "connecting");
        c.started_ms = st->clock.wall_ms;
        st->call = c;
        st->accepting_sid[0] = '\0';
        st->screen = MODEL_SCR_CALL;
        st->wrapup.open = 0;
    }
    rd_caller_remove(st, sid);
    int o = rd_offer_find(st, sid);
    if (o >= 0)
        rd_offer_remove(st, (size_t)o);
    rd_waiting_fixup(st);
}

/* Events of my own call; ts is the event's time. */
static void on_mine(struct model *st, const char *type, const cJSON *d, int64_t ts)
{
    struct model_call *c = &st->call;
    char sid[MODEL_SID_SIZE], reason[MODEL_TEXT_SIZE];
    rd_set(sid, sizeof sid, d, "call_sid");
    rd_set(reason, sizeof reason, d, "reason");
    int same = c->phase != MODEL_CALL_NONE && c->sid[0] && strcmp(sid, c->sid) == 0;
    if (strcmp(type, "call.connected") == 0 && same) {
        c->phase = MODEL_CALL_CONNECTED;
        c->started_ms = ts ? ts : st->clock.wall_ms;
        rd_copy(c->progress, sizeof c->progress, "connected");
    } else if (strcmp(type, "call.connect_failed") == 0 && same) {
        model_toast(st, MODEL_ERROR, "Connecting to %s failed: %s",
                    c->name[0] ? c->name : c->number, reason);
        rd_call_clear(st);
    } else if (strcmp(type, "call.action") == 0 && same) {
        static const struct {
            const char *action;
            int hold, mute;
        } acts[] = {
            {"hold", 1, -1},
            {"unhold", 0, -1},
            {"mute", -1, 1},
            {"unmute", -1, 0},
        };
        const char *a = rd_str(d, "action");
        for (size_t i = 0; a && i < sizeof acts / sizeof acts[0]; i++) {
            if (strcmp(acts[i].action, a) != 0)
                continue;
            if (acts[i].hold >= 0)
                c->on_hold = acts[i].hold;
            if (acts[i].mute >= 0)
                c->muted = acts[i].mute;
        }
        if (a && strcmp(a, "hangup") == 0)
            rd_copy(c->progress, sizeof c->progress, "hanging up");
    } else if (strcmp(type, "call.dialing") == 0 && c->outbound && c->phase == MODEL_CALL_DIALING) {
        memcpy(c->sid, sid, sizeof c->sid);
        rd_set(c->room, sizeof c->room, d, "conference");
        rd_copy(c->progress, sizeof c->progress, "calling");
    } else if (strcmp(type, "call.dial_failed") == 0 && c->outbound &&
               c->phase == MODEL_CALL_DIALING) {
        model_toast(st, MODEL_ERROR, "Call to %s failed: %s.", c->number, reason);
        rd_call_clear(st);
    } else if (strcmp(type, "call.wrapup") == 0) {
        char disp[MODEL_WORD_SIZE];
        rd_set(disp, sizeof disp, d, "disposition");
        if (st->wrapup.open)
            rd_wrapup_close(st);
        model_toast(st, MODEL_OK, "Wrap-up saved: %s", disp);
    }
    st->dirty = 1;
}

/* ---- entry points ---------------------------------------------------------------------------- */

int model_apply_event(struct model *st, const cJSON *ev)
{
    const char *type = rd_str(ev, "type");
    if (!type)
        return DT_EINVAL;
    if (strcmp(type, "snapshot") == 0) {
        on_snapshot(st, ev);
        rd_alerts_snapshot(st);
        return DT_OK;
    }
    int64_t seq = rd_int(ev, "seq", 1, INT64_C(1) << 53, 0);
    if (!seq || seq <= st->last_seq)
        return DT_OK; /* not an event, or seen already */
    st->last_seq = seq;
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(ev, "data");
    if (!cJSON_IsObject(d))
        return DT_OK;
    int64_t ts = rd_iso_ms(rd_str(ev, "ts"));
    rd_board_event(st, type, d);
    rd_alerts_event(st, type, d);
    if (strcmp(type, "call.queued") == 0)
        on_queued(st, d);
    else if (strcmp(type, "call.updated") == 0 || strcmp(type, "conference.updated") == 0)
        on_call(st, d, 0);
    else if (strcmp(type, "call.ended") == 0)
        on_call(st, d, 1);
    else if (strcmp(type, "agent.state") == 0)
        on_agent_state(st, d);
    else if (strcmp(type, "offer.created") == 0 || strcmp(type, "offer.withdrawn") == 0)
        on_offer(st, d, type[6] == 'c');
    else if (strcmp(type, "call.assigned") == 0)
        on_assigned(st, d);
    else if (strcmp(type, "call.transferred") == 0)
        rd_on_transferred(st, d, ts);
    else if (strcmp(type, "agent.removed") == 0 && rd_is_me(st, rd_str(d, "agent")))
        model_toast(st, MODEL_ERROR, "This agent was removed from the daemon: ask an admin");
    else if (strncmp(type, "alert.", 6) == 0 && rd_str(d, "message") &&
             strcmp(st->agent.role, "supervisor") == 0)
        model_toast(st, strcmp(type, "alert.fired") == 0 ? MODEL_ERROR : MODEL_OK, "Alert %s: %s",
                    strcmp(type, "alert.fired") == 0 ? "fired" : "cleared", rd_str(d, "message"));
    else if (strncmp(type, "call.", 5) == 0 && rd_is_me(st, rd_str(d, "agent")))
        on_mine(st, type, d, ts);
    return DT_OK;
}

int model_apply_pending(struct model *st, const cJSON *body)
{
    const cJSON *calls = cJSON_GetObjectItemCaseSensitive(body, "calls");
    const cJSON *offers = cJSON_GetObjectItemCaseSensitive(body, "offers");
    if (!cJSON_IsArray(calls) || !cJSON_IsArray(offers))
        return DT_EINVAL;
    rd_waiting_replace(st, calls);
    rd_offers_replace(st, offers);
    rd_waiting_fixup(st);
    return DT_OK;
}
