/*
 * reducer_keys: key actions (already looked up in the keymap) applied to the model, layer by layer:
 * the help, the state menu, the offer popup, the wrap-up form, then the screen's own actions, then
 * the global ones. Text fields get their keys first (reducer_text.c). Actions that need the daemon
 * become REST commands; their answers come back to reducer_results.c.
 */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "console/model.h"
#include "console/reducer.h"
#include "dialtone/util.h"

static const char *const themes[] = {"default", "light", "high-contrast", "monochrome"};
#define N_THEMES (sizeof themes / sizeof themes[0])

/* The state menu's items, in order (model.h: MODEL_MENU_ITEMS). */
static const char *const menu_states[MODEL_MENU_ITEMS] = {"available", "break", "offline"};

/* Moves *sel within count rows for a movement action; 1 when it was one. */
static int move(size_t *sel, size_t count, enum km_action a, size_t page)
{
    size_t last = count ? count - 1 : 0;
    switch (a) {
    case KA_UP:
        *sel = *sel > 0 ? *sel - 1 : 0;
        return 1;
    case KA_DOWN:
        *sel = *sel < last ? *sel + 1 : last;
        return 1;
    case KA_PAGE_UP:
        *sel = *sel > page ? *sel - page : 0;
        return 1;
    case KA_PAGE_DOWN:
        *sel = *sel + page < last ? *sel + page : last;
        return 1;
    case KA_HOME:
        *sel = 0;
        return 1;
    case KA_END:
        *sel = last;
        return 1;
    default:
        return 0;
    }
}

int rd_move(size_t *sel, size_t count, enum km_action a, size_t page)
{
    return move(sel, count, a, page);
}

/* Rows in a page: the terminal less the bars, at least 1. */
static size_t page_rows(const struct model *st)
{
    return st->rows > 8 ? (size_t)(st->rows - 6) : 1;
}

/* ---- requests -------------------------------------------------------------------------------- */

/* POST /api/v1/calls/SID/what with no body. */
static int call_post(struct model *st, struct rd_out *o, const char *sid, const char *what, int tag)
{
    char esc[MODEL_SID_SIZE * 3];
    return rd_request(st, o, "POST", tag, NULL, "/api/v1/calls/%s/%s", rd_esc(sid, esc, sizeof esc),
                      what);
}

int rd_state(struct model *st, struct rd_out *o, const char *state, const char *reason)
{
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "state", state);
    if (reason && *reason)
        cJSON_AddStringToObject(b, "reason", reason);
    int rc = rd_request(st, o, "POST", MODEL_TAG_STATE, b, "/api/v1/me/state");
    cJSON_Delete(b);
    return rc;
}

static void accept_offer(struct model *st, struct rd_out *o, const char *sid)
{
    char s[MODEL_SID_SIZE];
    dt_strlcpy(s, sid, sizeof s);
    if (st->call.phase != MODEL_CALL_NONE || st->wrapup.open) {
        model_toast(st, MODEL_WARN, "Finish the current call first");
        return;
    }
    if (call_post(st, o, s, "accept", MODEL_TAG_ACCEPT) == DT_OK) {
        dt_strlcpy(st->accepting_sid, s, sizeof st->accepting_sid);
        st->popup_sid[0] = '\0';
    }
}

static void decline_offer(struct model *st, struct rd_out *o, const char *sid)
{
    char s[MODEL_SID_SIZE];
    dt_strlcpy(s, sid, sizeof s);
    if (call_post(st, o, s, "decline", MODEL_TAG_DECLINE) != DT_OK)
        return;
    int i = rd_offer_find(st, s);
    if (i >= 0)
        rd_offer_remove(st, (size_t)i);
    rd_waiting_fixup(st);
}

static void submit_wrapup(struct model *st, struct rd_out *o)
{
    struct model_wrapup *w = &st->wrapup;
    if (w->submitting)
        return;
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "disposition", w->dispos[w->selected].code);
    cJSON_AddStringToObject(b, "notes", w->notes);
    if (rd_request(st, o, "POST", MODEL_TAG_WRAPUP, b, "/api/v1/me/wrapup") == DT_OK) {
        w->submitting = 1;
        w->message[0] = '\0';
    }
    cJSON_Delete(b);
}

/* ---- the call -------------------------------------------------------------------------------- */

static void call_action(struct model *st, struct rd_out *o, enum km_action a)
{
    struct model_call *c = &st->call;
    if (c->phase == MODEL_CALL_NONE || c->phase == MODEL_CALL_ENDED) {
        model_toast(st, MODEL_INFO, "There is no call");
        return;
    }
    if (!c->sid[0] || (a != KA_HANGUP && c->phase != MODEL_CALL_CONNECTED)) {
        model_toast(st, MODEL_INFO, "The call is still being set up");
        return;
    }
    switch (a) {
    case KA_HOLD:
        call_post(st, o, c->sid, c->on_hold ? "unhold" : "hold",
                  c->on_hold ? MODEL_TAG_UNHOLD : MODEL_TAG_HOLD);
        break;
    case KA_MUTE:
        call_post(st, o, c->sid, c->muted ? "unmute" : "mute",
                  c->muted ? MODEL_TAG_UNMUTE : MODEL_TAG_MUTE);
        break;
    case KA_HANGUP:
        call_post(st, o, c->sid, "hangup", MODEL_TAG_HANGUP);
        break;
    case KA_TRANSFER:
        if (c->xfer_phase != MODEL_XFER_NONE) {
            rd_xfer_key(st, o);
            break;
        }
        st->transfer.open = 1;
        st->transfer.warm = 0;
        st->transfer.target[0] = '\0';
        st->transfer.message[0] = '\0';
        st->transfer.queue_pick = 0;
        rd_agents_ask(st, o);
        break;
    default:
        break;
    }
}

int rd_dial(struct model *st, struct rd_out *o, const char *e164)
{
    if (st->call.phase != MODEL_CALL_NONE || st->wrapup.open) {
        rd_copy(st->dialpad.message, sizeof st->dialpad.message, "Finish the current call first");
        st->dialpad.message_level = MODEL_WARN;
        model_toast(st, MODEL_WARN, "Finish the current call first");
        return DT_ESTATE;
    }
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "to", e164);
    int rc = rd_request(st, o, "POST", MODEL_TAG_DIAL, b, "/api/v1/calls");
    cJSON_Delete(b);
    if (rc != DT_OK)
        return rc;
    struct model_call *c = &st->call;
    memset(c, 0, sizeof *c);
    c->phase = MODEL_CALL_DIALING;
    c->outbound = 1;
    rd_copy(c->number, sizeof c->number, e164);
    rd_copy(c->progress, sizeof c->progress, "dialling");
    c->started_ms = st->clock.wall_ms;
    struct model_dialpad *d = &st->dialpad;
    size_t k = 0; /* the number first, without its older copy */
    char keep[MODEL_RECENT_MAX][MODEL_NUMBER_SIZE];
    for (size_t i = 0; i < d->n_recent && k < MODEL_RECENT_MAX - 1; i++)
        if (strcmp(d->recent[i], c->number) != 0)
            memcpy(keep[k++], d->recent[i], MODEL_NUMBER_SIZE);
    memcpy(d->recent[0], c->number, MODEL_NUMBER_SIZE);
    memcpy(d->recent[1], keep, k * MODEL_NUMBER_SIZE);
    d->n_recent = k + 1;
    d->recent_sel = -1;
    d->buf[0] = '\0';
    snprintf(d->message, sizeof d->message, "Calling %s", c->number);
    d->message_level = MODEL_INFO;
    st->screen = MODEL_SCR_CALL;
    st->dirty = 1;
    return DT_OK;
}

/* ---- layers ---------------------------------------------------------------------------------- */

/* The actions every layer falls back to; 1 when handled. */
static int global_action(struct model *st, enum km_action a, struct rd_out *o)
{
    switch (a) {
    case KA_QUIT:
        rd_simple(o, MODEL_CMD_QUIT, NULL);
        return 1;
    case KA_HELP:
        st->help_open = !st->help_open;
        st->help_scroll = 0;
        return 1;
    case KA_COMMAND:
        st->prompt.open = 1;
        st->prompt.text[0] = '\0';
        st->prompt.message[0] = '\0';
        return 1;
    case KA_STATE_MENU:
        st->menu.open = !st->menu.open;
        st->menu.selected = 0;
        return 1;
    case KA_VIEW_QUEUE:
        st->screen = MODEL_SCR_QUEUE;
        return 1;
    case KA_VIEW_CALL:
        st->screen = MODEL_SCR_CALL;
        return 1;
    case KA_VIEW_DIALPAD:
        st->screen = MODEL_SCR_DIALPAD;
        return 1;
    case KA_VIEW_BOARD:
        return rd_board_open(st, o);
    case KA_VIEW_ERRORS:
        return rd_errors_open(st, o);
    case KA_VIEW_ALERTS:
        return rd_alerts_open(st, o);
    case KA_VIEW_NUMBERS:
        return rd_numbers_open(st, o);
    case KA_VIEW_REPORTS:
        return rd_reports_open(st, o);
    case KA_VIEW_HISTORY:
        st->screen = MODEL_SCR_HISTORY;
        if ((!st->history.loaded && !st->history.loading) || st->history.stale)
            rd_history_query(st, o);
        return 1;
    case KA_REFRESH:
        if (st->screen == MODEL_SCR_HISTORY)
            rd_history_query(st, o);
        else
            rd_simple(o, MODEL_CMD_REFRESH, NULL);
        return 1;
    case KA_NEXT_THEME: {
        size_t i = 0;
        while (i < N_THEMES && strcmp(themes[i], st->theme) != 0)
            i++;
        rd_simple(o, MODEL_CMD_THEME, themes[i < N_THEMES ? (i + 1) % N_THEMES : 0]);
        return 1;
    }
    default:
        return 0;
    }
}

static int help_action(struct model *st, enum km_action a)
{
    size_t max = 200;
    if (a == KA_HELP || a == KA_BACK || a == KA_SELECT) {
        st->help_open = 0;
        return 1;
    }
    return move(&st->help_scroll, max, a, page_rows(st));
}

static int menu_action(struct model *st, enum km_action a, struct rd_out *o)
{
    if (move(&st->menu.selected, MODEL_MENU_ITEMS, a, 1))
        return 1;
    if (a == KA_BACK || a == KA_STATE_MENU) {
        st->menu.open = 0;
        return 1;
    }
    if (a != KA_SELECT)
        return 0;
    st->menu.open = 0;
    const char *state = menu_states[st->menu.selected];
    if (strcmp(state, "break") == 0) { /* the reason is typed on the command line */
        st->prompt.open = 1;
        dt_strlcpy(st->prompt.text, "state break ", sizeof st->prompt.text);
        st->prompt.message[0] = '\0';
    } else {
        rd_state(st, o, state, NULL);
    }
    return 1;
}

static int popup_action(struct model *st, enum km_action a, struct rd_out *o)
{
    switch (a) {
    case KA_ACCEPT:
    case KA_SELECT:
        rd_popup_note(st);
        if (st->clock.mono_ms < st->popup_since_ms + MODEL_POPUP_GUARD_MS)
            return 1; /* it has just appeared: this key was meant for something else */
        accept_offer(st, o, st->popup_sid);
        return 1;
    case KA_DECLINE:
    case KA_BACK:
        decline_offer(st, o, st->popup_sid);
        return 1;
    case KA_VIEW_QUEUE:
    case KA_VIEW_DIALPAD:
    case KA_VIEW_HISTORY:
    case KA_VIEW_CALL:
    case KA_VIEW_BOARD:
    case KA_VIEW_ERRORS:
    case KA_VIEW_ALERTS:
    case KA_VIEW_NUMBERS:
    case KA_VIEW_REPORTS:
    case KA_COMMAND:
    case KA_STATE_MENU:
        /* going elsewhere puts the popup away; the offer stays, marked in the queue (Enter
         * there shows it again) */
        st->popup_sid[0] = '\0';
        return 0;
    default:
        return 0;
    }
}

static int wrapup_action(struct model *st, enum km_action a, struct rd_out *o)
{
    struct model_wrapup *w = &st->wrapup;
    if (move(&w->selected, w->n_dispos, a, page_rows(st)))
        return 1;
    if (a == KA_SELECT) {
        submit_wrapup(st, o);
        return 1;
    }
    return 0;
}

/* A move over the callers the queue filter shows. */
static int queue_move(struct model *st, enum km_action a)
{
    size_t shown[MODEL_WAITING_MAX], n = 0, pos = 0;
    for (size_t i = 0; i < st->n_waiting; i++) {
        if (!model_caller_shown(st, i))
            continue;
        if (i == st->queue_sel)
            pos = n;
        shown[n++] = i;
    }
    if (!move(&pos, n, a, page_rows(st)))
        return 0;
    if (n)
        st->queue_sel = shown[pos];
    return 1;
}

static int queue_action(struct model *st, enum km_action a, struct rd_out *o)
{
    if (queue_move(st, a))
        return 1;
    if (a == KA_FILTER) {
        st->queue_filter_editing = 1;
        return 1;
    }
    if ((a == KA_SELECT || a == KA_ACCEPT) && st->queue_sel < st->n_waiting) {
        const struct model_caller *c = &st->waiting[st->queue_sel];
        if (!c->offered) {
            model_toast(st, MODEL_INFO, "That call is not offered to you");
        } else if (a == KA_ACCEPT) {
            accept_offer(st, o, c->sid);
        } else {
            dt_strlcpy(st->popup_sid, c->sid, sizeof st->popup_sid);
            /* shown on purpose: no guard against the next Enter */
            memcpy(st->popup_seen, st->popup_sid, sizeof st->popup_seen);
            st->popup_since_ms = 0;
        }
        return 1;
    }
    return 0;
}

static int dialpad_action(struct model *st, enum km_action a)
{
    struct model_dialpad *d = &st->dialpad;
    if (d->n_recent == 0 || (a != KA_UP && a != KA_DOWN))
        return 0;
    if (a == KA_DOWN)
        d->recent_sel = d->recent_sel + 1 < (int)d->n_recent ? d->recent_sel + 1 : d->recent_sel;
    else
        d->recent_sel = d->recent_sel > 0 ? d->recent_sel - 1 : 0;
    dt_strlcpy(d->buf, d->recent[d->recent_sel], sizeof d->buf);
    d->message[0] = '\0';
    return 1;
}

static int history_action(struct model *st, enum km_action a, struct rd_out *o)
{
    struct model_history *h = &st->history;
    if (move(&h->selected, h->count, a, page_rows(st))) {
        rd_history_more(st, o); /* also with no rows: a filter may search older calls */
        return 1;
    }
    switch (a) {
    case KA_SELECT:
        if (h->selected < h->count)
            rd_detail_open(st, o, h->rows[h->selected].sid);
        return 1;
    case KA_FILTER:
        h->filter_editing = 1;
        dt_strlcpy(h->filter_edit, h->filter, sizeof h->filter_edit);
        return 1;
    case KA_BACK:
        st->screen = MODEL_SCR_QUEUE;
        return 1;
    default:
        return 0;
    }
}

static int screen_action(struct model *st, enum km_action a, struct rd_out *o)
{
    switch (st->screen) {
    case MODEL_SCR_QUEUE:
        return queue_action(st, a, o);
    case MODEL_SCR_CALL:
        if (a == KA_HOLD || a == KA_MUTE || a == KA_HANGUP || a == KA_TRANSFER) {
            call_action(st, o, a);
            return 1;
        }
        if (a == KA_BACK) {
            st->screen = MODEL_SCR_QUEUE;
            return 1;
        }
        return 0;
    case MODEL_SCR_DIALPAD:
        return dialpad_action(st, a);
    case MODEL_SCR_HISTORY:
        return history_action(st, a, o);
    case MODEL_SCR_DETAIL:
        if (a == KA_BACK) {
            st->screen = MODEL_SCR_HISTORY;
            return 1;
        }
        return move(&st->detail.scroll, MODEL_DETAIL_EVENTS + 24, a, page_rows(st));
    case MODEL_SCR_BOARD:
        return 0; /* model_apply_key gave it to reducer_board.c first */
    case MODEL_SCR_ERRORS:
        return 0; /* and this one to reducer_errors.c */
    case MODEL_SCR_ALERTS:
    case MODEL_SCR_NUMBERS:
        return 0; /* and these to reducer_alerts.c */
    case MODEL_SCR_REPORTS:
        return 0; /* and this one to reducer_reports.c */
    }
    return 0;
}

int model_apply_key(struct model *st, int key, enum km_action action, struct model_cmd *out,
                    size_t max)
{
    struct rd_out o = {.cmds = out, .max = out ? max : 0, .n = 0};
    o.n = (size_t)model_take_cmds(st, out, o.max);
    if (key == KM_KEY_RESIZE)
        return (int)o.n;
    st->dirty = 1;
    if (!st->prompt.open)
        st->prompt.message[0] = '\0';
    if (model_text_focus(st) && rd_text_key(st, key, &o))
        return (int)o.n;
    enum rd_layer layer = rd_layer(st);
    if (layer == RD_SCREEN && st->screen == MODEL_SCR_BOARD && rd_board_key(st, key, action, &o))
        return (int)o.n;
    if (layer == RD_SCREEN && st->screen == MODEL_SCR_ERRORS && rd_errors_key(st, key, action, &o))
        return (int)o.n;
    if (layer == RD_SCREEN && (st->screen == MODEL_SCR_ALERTS || st->screen == MODEL_SCR_NUMBERS) &&
        rd_alerts_key(st, key, action, &o))
        return (int)o.n;
    if (layer == RD_SCREEN && st->screen == MODEL_SCR_REPORTS &&
        rd_reports_key(st, key, action, &o))
        return (int)o.n;
    int done = 0;
    if (layer == RD_WRAPUP && (key == KM_KEY_TAB || key == KM_KEY_BTAB)) {
        st->wrapup.notes_focus = !st->wrapup.notes_focus;
        return (int)o.n;
    }
    if (layer == RD_WRAPUP && action == KA_NONE && key >= 0x20 && key < KM_KEY_BASE) {
        st->wrapup.notes_focus = 1; /* a character no key is bound to starts the notes */
        return rd_text_key(st, key, &o);
    }
    switch (layer) {
    case RD_HELP:
        done = help_action(st, action);
        break;
    case RD_MENU:
        done = menu_action(st, action, &o);
        break;
    case RD_POPUP:
        done = popup_action(st, action, &o);
        break;
    case RD_WRAPUP:
        done = wrapup_action(st, action, &o);
        break;
    case RD_SCREEN:
        done = screen_action(st, action, &o);
        break;
    default:
        break;
    }
    if (!done) {
        if (layer == RD_HELP)
            st->help_open = 0;
        if (layer == RD_MENU)
            st->menu.open = 0;
        global_action(st, action, &o);
    }
    return (int)o.n;
}

int model_take_cmds(struct model *st, struct model_cmd *out, size_t max)
{
    struct rd_out o = {.cmds = out, .max = out ? max : 0, .n = 0};
    if (st->me_asked == 1 && o.n < o.max &&
        rd_request(st, &o, "GET", MODEL_TAG_ME, NULL, "/api/v1/me") == DT_OK)
        st->me_asked = 2;
    if (st->restore.step == 1 && o.n < o.max)
        rd_restore_take(st, &o);
    if (st->history.follow_due && o.n < o.max)
        rd_history_follow(st, &o);
    if (o.n < o.max)
        rd_board_take(st, &o);
    if (o.n < o.max)
        rd_errors_take(st, &o);
    if (o.n < o.max)
        rd_alerts_take(st, &o);
    return (int)o.n;
}
