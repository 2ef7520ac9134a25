/*
 * board: the wallboard's figures read out of the daemon's JSON, and the pure helpers the
 * reducer and the view share (see console/board.h).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "console/board.h"
#include "console/invariant.h"
#include "console/sanitize.h"
#include "dialtone/util.h"

#define BOARD_COUNT_MAX (INT64_C(1) << 40) /* counts and seconds beyond this are malformed */

static const char *const menu_states[BOARD_MENU_ITEMS] = {"available", "break", "offline"};

const char *board_menu_state(size_t i)
{
    return i < BOARD_MENU_ITEMS ? menu_states[i] : NULL;
}

/* ---- JSON ------------------------------------------------------------------------------------ */

static void copy_str(char *dst, size_t n, const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
    const char *s = cJSON_IsString(v) && v->valuestring ? v->valuestring : "";
    tx_sanitize(s, strlen(s), dst, n);
}

/* A whole number in [0, max], else dflt. */
static int64_t get_num(const cJSON *o, const char *key, int64_t max, int64_t dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsNumber(v))
        return dflt;
    double d = v->valuedouble;
    if (!(d >= 0 && d <= (double)max)) /* also false for NaN */
        return dflt;
    return (int64_t)d;
}

static int64_t get_int(const cJSON *o, const char *key, int64_t dflt)
{
    return get_num(o, key, BOARD_COUNT_MAX, dflt);
}

/* A figure in [0, max], else -1 (null, absent, malformed). */
static double get_fig(const cJSON *o, const char *key, double max)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsNumber(v))
        return -1;
    double d = v->valuedouble;
    return d >= 0 && d <= max ? d : -1;
}

static int has_string(const cJSON *arr, const char *s)
{
    const cJSON *v;
    cJSON_ArrayForEach(v, arr)
    {
        if (cJSON_IsString(v) && v->valuestring && strcmp(v->valuestring, s) == 0)
            return 1;
    }
    return 0;
}

static void queue_read(struct board_queue *q, const cJSON *o)
{
    memset(q, 0, sizeof *q);
    copy_str(q->name, sizeof q->name, o, "name");
    q->waiting = get_int(o, "waiting", 0);
    q->longest_wait_s = get_int(o, "longest_wait_s", 0);
    q->handled = get_int(o, "handled", 0);
    q->abandoned = get_int(o, "abandoned", 0);
    q->short_abandoned = get_int(o, "short_abandoned", 0);
    q->left = get_int(o, "left", 0);
    q->offered = get_int(o, "offered", 0);
    q->service_level = get_fig(o, "service_level", 100);
    q->service_level_target = get_int(o, "service_level_target", 0);
    if (q->service_level_target > 100)
        q->service_level_target = 100;
    q->service_level_s = get_int(o, "service_level_s", 0);
    q->long_wait_s = get_int(o, "long_wait_s", 0);
    q->asa_s = get_fig(o, "asa_s", (double)BOARD_COUNT_MAX);
    q->aht_s = get_fig(o, "aht_s", (double)BOARD_COUNT_MAX);
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(o, "warnings");
    if (cJSON_IsArray(w)) {
        if (has_string(w, "service_level"))
            q->warn |= BOARD_WARN_SL;
        if (has_string(w, "long_wait"))
            q->warn |= BOARD_WARN_LONG_WAIT;
    }
}

static void agent_read(struct board_agent *a, const cJSON *o)
{
    memset(a, 0, sizeof *a);
    copy_str(a->name, sizeof a->name, o, "name");
    copy_str(a->role, sizeof a->role, o, "role");
    copy_str(a->state, sizeof a->state, o, "state");
    copy_str(a->reason, sizeof a->reason, o, "reason");
    if (!a->state[0])
        dt_strlcpy(a->state, "offline", sizeof a->state);
    a->in_state_s = get_int(o, "in_state_s", 0);
    a->handled = get_int(o, "handled", 0);
    a->missed_offers = get_int(o, "missed_offers", 0);
    a->declined_offers = get_int(o, "declined_offers", 0);
    a->aht_s = get_fig(o, "aht_s", (double)BOARD_COUNT_MAX);
    a->call_duration_s = -1;
    a->wrapup_left_s = get_int(o, "wrapup_left_s", -1);
    a->wrapup_timed = a->wrapup_left_s >= 0;
    if (!a->wrapup_timed)
        a->wrapup_left_s = 0;
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(o, "call");
    if (!cJSON_IsObject(c))
        return;
    copy_str(a->call_sid, sizeof a->call_sid, c, "sid");
    if (!a->call_sid[0])
        return;
    a->has_call = 1;
    copy_str(a->party, sizeof a->party, c, "party");
    copy_str(a->caller_name, sizeof a->caller_name, c, "caller_name");
    a->call_duration_s = get_int(c, "duration_s", -1);
    a->call_ended = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "ended"));
}

int board_parse(const cJSON *body, struct board_data *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    const cJSON *qs =
        cJSON_IsObject(body) ? cJSON_GetObjectItemCaseSensitive(body, "queues") : NULL;
    const cJSON *as =
        cJSON_IsObject(body) ? cJSON_GetObjectItemCaseSensitive(body, "agents") : NULL;
    if (!cJSON_IsArray(qs) || !cJSON_IsArray(as))
        return dt_seterr(err, errlen, DT_EINVAL, "the wallboard has no %s list",
                         cJSON_IsArray(qs) ? "agents" : "queues");
    const cJSON *v;
    cJSON_ArrayForEach(v, qs)
    {
        if (out->n_queues == BOARD_QUEUES_MAX)
            break;
        if (!cJSON_IsObject(v))
            continue;
        struct board_queue *q = &out->queues[out->n_queues];
        queue_read(q, v);
        if (q->name[0])
            out->n_queues++;
    }
    cJSON_ArrayForEach(v, as)
    {
        if (out->n_agents == BOARD_AGENTS_MAX)
            break;
        if (!cJSON_IsObject(v))
            continue;
        struct board_agent *a = &out->agents[out->n_agents];
        agent_read(a, v);
        if (a->name[0])
            out->n_agents++;
    }
    cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(body, "warnings"))
    {
        if (out->n_warnings == BOARD_WARNINGS_MAX)
            break;
        if (!cJSON_IsObject(v))
            continue;
        struct board_warning *w = &out->warnings[out->n_warnings];
        copy_str(w->queue, sizeof w->queue, v, "queue");
        copy_str(w->kind, sizeof w->kind, v, "kind");
        copy_str(w->message, sizeof w->message, v, "message");
        if (w->message[0])
            out->n_warnings++;
    }
    const cJSON *day = cJSON_GetObjectItemCaseSensitive(body, "day");
    copy_str(out->day_start, sizeof out->day_start, day, "start");
    copy_str(out->timezone, sizeof out->timezone, day, "timezone");
    copy_str(out->reset, sizeof out->reset, day, "reset");
    out->now_ms = get_num(body, "now_ms", INT64_C(1) << 53, 0);
    return DT_OK;
}

int board_parse_text(const char *text, size_t len, struct board_data *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!text || memchr(text, '\0', len))
        return dt_seterr(err, errlen, DT_EINVAL, "the wallboard is not JSON text");
    cJSON *j = cJSON_ParseWithLength(text, len);
    if (!j)
        return dt_seterr(err, errlen, DT_EINVAL, "the wallboard is not JSON");
    int rc = board_parse(j, out, err, errlen);
    cJSON_Delete(j);
    return rc;
}

/* ---- helpers --------------------------------------------------------------------------------- */

int64_t board_tick(int64_t base_s, int64_t got_ms, int64_t now_ms)
{
    if (base_s < 0 || now_ms <= got_ms || got_ms <= 0)
        return base_s;
    return base_s + (now_ms - got_ms) / 1000;
}

int board_queue_warn(const struct board_queue *q, int64_t longest_now_s)
{
    int w = q->warn;
    if (q->long_wait_s > 0 && q->waiting > 0 && longest_now_s > q->long_wait_s)
        w |= BOARD_WARN_LONG_WAIT;
    return w;
}

int board_in_wrapup(const struct board_agent *a)
{
    /* a call just over is wrap-up, whatever a stale state string says */
    return strcmp(a->state, "wrap-up") == 0 ||
           (a->has_call && a->call_ended && strcmp(a->state, "available") == 0);
}

int64_t board_wrapup_left(const struct board_agent *a, int64_t got_ms, int64_t now_ms)
{
    if (!board_in_wrapup(a) || !a->wrapup_timed)
        return -1;
    int64_t gone = board_tick(0, got_ms, now_ms);
    return gone < a->wrapup_left_s ? a->wrapup_left_s - gone : 0;
}

char *board_state_text_at(const struct board_agent *a, int64_t got_ms, int64_t now_ms, char *buf,
                          size_t n)
{
    int64_t left = board_wrapup_left(a, got_ms, now_ms);
    if (left >= 60)
        snprintf(buf, n, "wrap-up: %lld:%02lld left", (long long)(left / 60),
                 (long long)(left % 60));
    else if (left >= 0)
        snprintf(buf, n, "wrap-up: %lld s left", (long long)left);
    else if (board_in_wrapup(a) && a->reason[0])
        snprintf(buf, n, "wrap-up: %s", a->reason);
    else if (board_in_wrapup(a))
        snprintf(buf, n, "wrap-up");
    else if (a->reason[0] && strcmp(a->state, "break") == 0)
        snprintf(buf, n, "break: %s", a->reason);
    else
        snprintf(buf, n, "%s", a->state);
    return buf;
}

char *board_state_text(const struct board_agent *a, char *buf, size_t n)
{
    return board_state_text_at(a, 0, 0, buf, n);
}

int board_live_call(const struct board_agent *a)
{
    return a->has_call && !a->call_ended;
}

int board_agent_find(const struct board_data *b, const char *name)
{
    for (size_t i = 0; name && i < b->n_agents; i++)
        if (strcmp(b->agents[i].name, name) == 0)
            return (int)i;
    return -1;
}

char *board_pct(double v, char *buf, size_t n)
{
    if (v < 0 || isnan(v))
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, "%.1f%%", v);
    return buf;
}

/* ---- invariants ------------------------------------------------------------------------------ */

int board_check(const struct board *b, char *err, size_t errlen)
{
    const struct board_data *d = &b->data;
    INV(d->n_queues <= BOARD_QUEUES_MAX && d->n_agents <= BOARD_AGENTS_MAX);
    INV(d->n_warnings <= BOARD_WARNINGS_MAX);
    INV(b->sel < d->n_agents || b->sel == 0);
    INV(b->menu_sel < BOARD_MENU_ITEMS);
    INV_STR(d->day_start);
    INV_STR(d->timezone);
    INV_STR(d->reset);
    for (size_t i = 0; i < d->n_queues; i++) {
        const struct board_queue *q = &d->queues[i];
        INV_STR(q->name);
        INV(q->name[0] && q->waiting >= 0 && q->longest_wait_s >= 0);
        INV(q->service_level <= 100);
    }
    for (size_t i = 0; i < d->n_agents; i++) {
        const struct board_agent *a = &d->agents[i];
        INV_STR(a->name);
        INV_STR(a->role);
        INV_STR(a->state);
        INV_STR(a->reason);
        INV_STR(a->call_sid);
        INV_STR(a->party);
        INV_STR(a->caller_name);
        INV(a->name[0] && a->state[0] && a->in_state_s >= 0);
        INV(a->has_call == (a->call_sid[0] != '\0'));
        INV(a->wrapup_left_s >= 0 && (a->wrapup_timed || a->wrapup_left_s == 0));
    }
    for (size_t i = 0; i < d->n_warnings; i++) {
        INV_STR(d->warnings[i].queue);
        INV_STR(d->warnings[i].kind);
        INV_STR(d->warnings[i].message);
    }
    INV_STR(b->message);
    INV_STR(b->reason);
    INV_STR(b->menu_agent);
    INV_STR(b->mon_sid);
    INV_STR(b->mon_agent);
    INV_STR(b->mon_mode);
    INV_STR(b->ask_sid);
    INV_STR(b->ask_agent);
    INV_STR(b->ask_what);
    return DT_OK;
}
