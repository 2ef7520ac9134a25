/*
 * model: the console's state (see model.h): its lifecycle, the small inputs (connection, size,
 * theme, country, clocks), toasts, the invariant check, and the helpers the reducer's files share
 * (reducer.h): sanitized copies out of JSON, commands, the keyboard's layer.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "console/model.h"
#include "console/reducer.h"
#include "console/invariant.h"
#include "console/sanitize.h"
#include "dialtone/util.h"

/* The daemon's dispositions when its configuration names none. */
static const struct model_disposition default_dispos[] = {
    {.code = "resolved", .label = "Resolved"},
    {.code = "follow-up", .label = "Follow-up needed"},
    {.code = "escalated", .label = "Escalated"},
    {.code = "wrong-number", .label = "Wrong number"},
};

struct model *model_new(void)
{
    struct model *st = xcalloc(1, sizeof *st);
    st->conn.state = CLIENT_CONNECTING;
    st->screen = MODEL_SCR_QUEUE;
    size_t n = sizeof default_dispos / sizeof default_dispos[0];
    memcpy(st->wrapup.dispos, default_dispos, sizeof default_dispos);
    st->wrapup.n_dispos = n;
    st->dialpad.recent_sel = -1;
    dt_strlcpy(st->theme, "default", sizeof st->theme);
    dt_strlcpy(st->country, "US", sizeof st->country);
    st->dirty = 1;
    return st;
}

void model_free(struct model *st)
{
    if (!st)
        return;
    free(st->history.rows);
    free(st);
}

void model_set_conn(struct model *st, enum client_conn state, uint64_t retry_at_ms, const char *why)
{
    st->conn.state = state;
    st->conn.retry_at_ms = retry_at_ms;
    rd_copy(st->conn.why, sizeof st->conn.why, why);
    st->dirty = 1;
}

void model_resize(struct model *st, int rows, int cols)
{
    st->rows = rows < 0 ? 0 : rows;
    st->cols = cols < 0 ? 0 : cols;
    st->dirty = 1;
}

void model_set_theme(struct model *st, const char *name)
{
    rd_copy(st->theme, sizeof st->theme, name);
    st->dirty = 1;
}

void model_set_country(struct model *st, const char *cc)
{
    if (!cc || strlen(cc) != 2)
        return;
    for (int i = 0; i < 2; i++) {
        char c = cc[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c < 'A' || c > 'Z')
            return;
        st->country[i] = c;
    }
    st->country[2] = '\0';
}

void model_toast(struct model *st, enum model_level level, const char *fmt, ...)
{
    char raw[MODEL_TOAST_SIZE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    if (st->n_toasts == MODEL_TOASTS_MAX) {
        memmove(&st->toasts[0], &st->toasts[1], (MODEL_TOASTS_MAX - 1) * sizeof st->toasts[0]);
        st->n_toasts--;
    }
    struct model_toast *t = &st->toasts[st->n_toasts++];
    rd_copy(t->text, sizeof t->text, raw);
    t->level = level;
    t->expires_ms = st->clock.mono_ms + MODEL_TOAST_MS;
    st->dirty = 1;
}

int model_tick(struct model *st, uint64_t mono_ms, int64_t wall_ms)
{
    int changed = 0;
    st->clock.mono_ms = mono_ms;
    st->clock.wall_ms = wall_ms;
    size_t k = 0;
    for (size_t i = 0; i < st->n_toasts; i++) {
        if (st->toasts[i].expires_ms > mono_ms)
            st->toasts[k++] = st->toasts[i];
        else
            changed = 1;
    }
    st->n_toasts = k;
    for (size_t i = st->n_offers; i-- > 0;) {
        const struct model_offer *of = &st->offers[i];
        if (of->expires_ms > 0 && wall_ms > of->expires_ms + 2000) {
            rd_offer_remove(st, i);
            changed = 1;
        }
    }
    if (changed)
        rd_waiting_fixup(st);
    else
        rd_queue_figures(st); /* the waits grow */
    rd_popup_note(st);
    return changed;
}

/* ---- the layer that has the keyboard --------------------------------------------------------- */

enum rd_layer rd_layer(const struct model *st)
{
    if (st->help_open)
        return RD_HELP;
    if (st->prompt.open)
        return RD_PROMPT;
    if (st->menu.open)
        return RD_MENU;
    if (st->transfer.open)
        return RD_TRANSFER;
    if (st->popup_sid[0])
        return RD_POPUP;
    if ((st->screen == MODEL_SCR_HISTORY && st->history.filter_editing) ||
        (st->screen == MODEL_SCR_QUEUE && st->queue_filter_editing))
        return RD_FILTER;
    if (st->screen == MODEL_SCR_CALL && st->wrapup.open)
        return RD_WRAPUP;
    return RD_SCREEN;
}

enum km_context model_key_context(const struct model *st)
{
    static const enum km_context screens[] = {
        [MODEL_SCR_QUEUE] = KM_QUEUE,     [MODEL_SCR_CALL] = KM_CALL,
        [MODEL_SCR_DIALPAD] = KM_DIALPAD, [MODEL_SCR_HISTORY] = KM_HISTORY,
        [MODEL_SCR_DETAIL] = KM_DETAIL,   [MODEL_SCR_BOARD] = KM_BOARD,
        [MODEL_SCR_ERRORS] = KM_ERRORS,   [MODEL_SCR_ALERTS] = KM_ALERTS,
        [MODEL_SCR_NUMBERS] = KM_NUMBERS, [MODEL_SCR_REPORTS] = KM_REPORTS,
    };
    switch (rd_layer(st)) {
    case RD_HELP:
        return KM_HELP;
    case RD_MENU:
        return KM_MENU;
    case RD_POPUP:
        return KM_OFFER;
    case RD_WRAPUP:
        return KM_WRAPUP;
    case RD_PROMPT:
    case RD_TRANSFER:
        return KM_GLOBAL;
    case RD_FILTER:
        return st->screen == MODEL_SCR_QUEUE ? KM_QUEUE : KM_HISTORY;
    case RD_SCREEN:
        if (st->screen == MODEL_SCR_BOARD && st->board.menu_open)
            return KM_MENU;
        break;
    }
    return (unsigned)st->screen < sizeof screens / sizeof screens[0] ? screens[st->screen]
                                                                     : KM_GLOBAL;
}

int model_text_focus(const struct model *st)
{
    switch (rd_layer(st)) {
    case RD_PROMPT:
    case RD_TRANSFER:
    case RD_FILTER:
        return 1;
    case RD_WRAPUP:
        return st->wrapup.notes_focus;
    case RD_SCREEN:
        return st->screen == MODEL_SCR_DIALPAD;
    default:
        return 0;
    }
}

/* ---- strings and JSON ------------------------------------------------------------------------ */

void rd_copy(char *dst, size_t n, const char *src)
{
    if (!src)
        src = "";
    tx_sanitize(src, strlen(src), dst, n);
}

const char *rd_str(const cJSON *o, const char *key)
{
    if (!cJSON_IsObject(o))
        return NULL;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

void rd_set(char *dst, size_t n, const cJSON *o, const char *key)
{
    rd_copy(dst, n, rd_str(o, key));
}

int64_t rd_int(const cJSON *o, const char *key, int64_t lo, int64_t hi, int64_t dflt)
{
    if (!cJSON_IsObject(o))
        return dflt;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsNumber(v))
        return dflt;
    double d = v->valuedouble;
    if (!(d >= (double)lo && d <= (double)hi)) /* also false for NaN */
        return dflt;
    return (int64_t)d;
}

int64_t rd_iso_ms(const char *s)
{
    int y, mo, d, h, mi, se, ms = 0, n = 0;
    if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &se, &n) != 6)
        return 0;
    const char *p = s + n;
    if (*p == '.') {
        int k = 0;
        if (sscanf(p, ".%3d%n", &ms, &k) != 1 || ms < 0)
            return 0;
        p += k;
    }
    if (strcmp(p, "Z") != 0 || y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
        h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 60)
        return 0;
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = se};
    return (int64_t)timegm(&tm) * 1000 + ms;
}

int rd_my_queue(const struct model *st, const char *queue)
{
    if (!st->agent.known || st->agent.n_queues == 0 || strcmp(st->agent.role, "supervisor") == 0)
        return 1;
    char q[MODEL_QUEUE_SIZE];
    rd_copy(q, sizeof q, queue);
    for (size_t i = 0; i < st->agent.n_queues; i++)
        if (strcmp(st->agent.queues[i], q) == 0)
            return 1;
    return 0;
}

int rd_is_me(const struct model *st, const char *agent)
{
    if (!agent || !st->agent.known)
        return 0;
    char a[MODEL_NAME_SIZE];
    rd_copy(a, sizeof a, agent);
    return strcmp(a, st->agent.name) == 0;
}

int rd_text_add(char *buf, size_t n, int cp)
{
    char u[5];
    size_t k;
    if (cp < 0x20 || cp == 0x7f || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    if (cp < 0x80) {
        u[0] = (char)cp;
        k = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xc0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3f));
        k = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xe0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[2] = (char)(0x80 | (cp & 0x3f));
        k = 3;
    } else {
        u[0] = (char)(0xf0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[3] = (char)(0x80 | (cp & 0x3f));
        k = 4;
    }
    u[k] = '\0';
    size_t len = strlen(buf);
    if (!tx_is_clean(u, k) || len + k >= n)
        return 0;
    memcpy(buf + len, u, k + 1);
    return 1;
}

void rd_text_backspace(char *buf)
{
    size_t len = strlen(buf);
    while (len > 0 && ((unsigned char)buf[len - 1] & 0xc0) == 0x80)
        len--;
    if (len > 0)
        len--;
    buf[len] = '\0';
}

/* ---- commands -------------------------------------------------------------------------------- */

char *rd_esc(const char *s, char *out, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t k = 0;
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        int plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.' || c == '~';
        if (k + (plain ? 1 : 3) >= n)
            break;
        if (plain) {
            out[k++] = (char)c;
        } else {
            out[k++] = '%';
            out[k++] = hex[c >> 4];
            out[k++] = hex[c & 15];
        }
    }
    if (n > 0)
        out[k] = '\0';
    return out;
}

int rd_request(struct model *st, struct rd_out *o, const char *method, int tag, const cJSON *body,
               const char *fmt, ...)
{
    if (o->n >= o->max) {
        model_toast(st, MODEL_ERROR, "Too much at once: press the key again");
        return DT_ETOOBIG;
    }
    struct model_cmd *c = &o->cmds[o->n];
    memset(c, 0, sizeof *c);
    c->kind = MODEL_CMD_REQUEST;
    dt_strlcpy(c->method, method, sizeof c->method);
    c->tag = tag;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(c->path, sizeof c->path, fmt, ap);
    va_end(ap);
    char *text = body ? cJSON_PrintUnformatted(body) : NULL;
    int bad = k < 0 || (size_t)k >= sizeof c->path || (body && !text) ||
              (text && strlen(text) >= sizeof c->body);
    if (!bad && text)
        memcpy(c->body, text, strlen(text) + 1);
    free(text);
    if (bad) {
        model_toast(st, MODEL_ERROR, "The request is too long to send");
        return DT_ETOOBIG;
    }
    o->n++;
    return DT_OK;
}

int rd_simple(struct rd_out *o, enum model_cmd_kind kind, const char *arg)
{
    if (o->n >= o->max)
        return DT_ETOOBIG;
    struct model_cmd *c = &o->cmds[o->n++];
    memset(c, 0, sizeof *c);
    c->kind = kind;
    if (arg)
        rd_copy(c->arg, sizeof c->arg, arg);
    return DT_OK;
}

/* ---- invariants ------------------------------------------------------------------------------ */

static int check_lists(const struct model *st, char *err, size_t errlen)
{
    INV(st->n_queues <= MODEL_QUEUES_MAX && st->n_waiting <= MODEL_WAITING_MAX);
    INV(st->n_offers <= MODEL_OFFERS_MAX && st->n_toasts <= MODEL_TOASTS_MAX);
    INV(st->agent.n_queues <= MODEL_QUEUES_MAX);
    INV(st->queue_sel < st->n_waiting || st->queue_sel == 0);
    for (size_t i = 0; i < st->agent.n_queues; i++)
        INV_STR(st->agent.queues[i]);
    for (size_t i = 0; i < st->n_queues; i++) {
        INV_STR(st->queues[i].name);
        INV_STR(st->queues[i].routing);
    }
    for (size_t i = 0; i < st->n_waiting; i++) {
        const struct model_caller *c = &st->waiting[i];
        INV_STR(c->sid);
        INV_STR(c->name);
        INV_STR(c->number);
        INV_STR(c->queue);
        INV(c->position >= 1);
        INV(c->offered == (rd_offer_find(st, c->sid) >= 0));
    }
    int popup_found = st->popup_sid[0] == '\0';
    for (size_t i = 0; i < st->n_offers; i++) {
        const struct model_offer *o = &st->offers[i];
        INV_STR(o->sid);
        INV_STR(o->name);
        INV_STR(o->number);
        INV_STR(o->queue);
        INV_STR(o->mode);
        INV(o->sid[0] != '\0');
        if (strcmp(o->sid, st->popup_sid) == 0)
            popup_found = 1;
    }
    INV(popup_found);
    for (size_t i = 0; i < st->n_toasts; i++)
        INV_STR(st->toasts[i].text);
    return DT_OK;
}

static int check_forms(const struct model *st, char *err, size_t errlen)
{
    const struct model_wrapup *w = &st->wrapup;
    INV(w->n_dispos >= 1 && w->n_dispos <= MODEL_DISPOS_MAX && w->selected < w->n_dispos);
    for (size_t i = 0; i < w->n_dispos; i++) {
        INV_STR(w->dispos[i].code);
        INV_STR(w->dispos[i].label);
    }
    INV_STR(w->call_sid);
    INV_STR(w->party);
    INV_STR(w->notes);
    INV_STR(w->message);
    const struct model_dialpad *d = &st->dialpad;
    INV(d->n_recent <= MODEL_RECENT_MAX);
    INV(d->recent_sel >= -1 && d->recent_sel < (int)d->n_recent);
    INV_STR(d->buf);
    INV_STR(d->message);
    for (size_t i = 0; i < d->n_recent; i++)
        INV_STR(d->recent[i]);
    INV(st->menu.selected < MODEL_MENU_ITEMS);
    INV_STR(st->transfer.target);
    INV_STR(st->transfer.message);
    INV_STR(st->prompt.text);
    INV_STR(st->prompt.message);
    const struct model_call *c = &st->call;
    INV_STR(c->sid);
    INV_STR(c->room);
    INV_STR(c->name);
    INV_STR(c->number);
    INV_STR(c->queue);
    INV_STR(c->status);
    INV_STR(c->progress);
    INV(c->phase >= MODEL_CALL_NONE && c->phase <= MODEL_CALL_ENDED);
    INV((unsigned)st->screen <= MODEL_SCR_REPORTS);
    return DT_OK;
}

static int check_history(const struct model *st, char *err, size_t errlen)
{
    const struct model_history *h = &st->history;
    INV(h->count <= h->cap && h->count <= MODEL_HISTORY_MAX);
    INV(h->selected < h->count || h->selected == 0);
    INV(h->has_more == (h->next_cursor[0] != '\0'));
    INV_STR(h->next_cursor);
    INV_STR(h->filter);
    INV_STR(h->filter_edit);
    INV_STR(h->message);
    for (size_t i = 0; i < h->count; i++) {
        const struct model_hist_row *r = &h->rows[i];
        INV_STR(r->sid);
        INV_STR(r->direction);
        INV_STR(r->number);
        INV_STR(r->name);
        INV_STR(r->status);
        INV_STR(r->outcome);
        INV_STR(r->badge);
    }
    const struct model_detail *d = &st->detail;
    INV(d->n_events <= MODEL_DETAIL_EVENTS);
    INV_STR(d->sid);
    INV_STR(d->from);
    INV_STR(d->to);
    INV_STR(d->name);
    INV_STR(d->error_message);
    INV_STR(d->action);
    INV_STR(d->rec_url);
    INV_STR(d->message);
    for (size_t i = 0; i < d->n_events; i++) {
        INV_STR(d->events[i].ts);
        INV_STR(d->events[i].type);
        INV_STR(d->events[i].status);
    }
    return DT_OK;
}

int model_check(const struct model *st, char *err, size_t errlen)
{
    INV_STR(st->agent.name);
    INV_STR(st->agent.role);
    INV_STR(st->agent.state);
    INV_STR(st->agent.reason);
    INV_STR(st->conn.why);
    INV_STR(st->theme);
    INV_STR(st->popup_sid);
    INV_STR(st->popup_seen);
    INV_STR(st->queue_filter);
    INV_STR(st->agent.endpoint);
    int rc = check_lists(st, err, errlen);
    if (rc == DT_OK)
        rc = check_forms(st, err, errlen);
    if (rc == DT_OK)
        rc = check_history(st, err, errlen);
    if (rc == DT_OK)
        rc = board_check(&st->board, err, errlen);
    if (rc == DT_OK)
        rc = errstats_check(&st->errors, err, errlen);
    if (rc == DT_OK)
        rc = alertlist_check(&st->alerts, err, errlen);
    if (rc == DT_OK)
        rc = numlist_check(&st->numbers, err, errlen);
    if (rc == DT_OK)
        rc = reports_check(&st->reports, err, errlen);
    return rc;
}
