/*
 * reducer_errors: the errors screen (F8) in the reducer, for every agent. Opening it asks for
 * GET /api/v1/errors?range=today (or 7d); one goes out every 30 s while the screen is open
 * (model_take_cmds, called after every event and every tick). `r` switches between today and
 * the seven days and fetches at once; the moves select a code, whose explanation and action
 * the view shows. An answer for the range no longer shown is dropped and asked again.
 */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "console/errstats.h"
#include "console/model.h"
#include "console/reducer.h"
#include "dialtone/util.h"

static int errors_fetch(struct model *st, struct rd_out *o)
{
    struct errstats *e = &st->errors;
    if (rd_request(st, o, "GET", MODEL_TAG_ERRORS, NULL, "/api/v1/errors?range=%s",
                   e->week ? "7d" : "today") != DT_OK)
        return DT_ETOOBIG;
    e->asking = 1;
    e->asked_mono_ms = st->clock.mono_ms ? st->clock.mono_ms : 1;
    return DT_OK;
}

int rd_errors_open(struct model *st, struct rd_out *o)
{
    st->screen = MODEL_SCR_ERRORS;
    if (!st->errors.asking)
        errors_fetch(st, o);
    return 1;
}

int rd_errors_take(struct model *st, struct rd_out *o)
{
    struct errstats *e = &st->errors;
    if (st->screen != MODEL_SCR_ERRORS || st->conn.state != CLIENT_LIVE)
        return 0;
    uint64_t now = st->clock.mono_ms, last = e->asked_mono_ms;
    if (e->asking && now < last + ERRSTATS_STUCK_MS)
        return 0;
    return (!last || now >= last + ERRSTATS_REFRESH_MS) && errors_fetch(st, o) == DT_OK;
}

int rd_errors_key(struct model *st, int key, enum km_action a, struct rd_out *o)
{
    struct errstats *e = &st->errors;
    size_t n = e->data.n_codes, last = n ? n - 1 : 0;
    (void)key;
    switch (a) {
    case KA_UP:
        e->sel = e->sel > 0 ? e->sel - 1 : 0;
        return 1;
    case KA_DOWN:
        e->sel = e->sel < last ? e->sel + 1 : last;
        return 1;
    case KA_PAGE_UP:
    case KA_HOME:
        e->sel = 0;
        return 1;
    case KA_PAGE_DOWN:
    case KA_END:
        e->sel = last;
        return 1;
    case KA_ERR_RANGE:
        e->week = !e->week;
        e->sel = 0;
        errors_fetch(st, o);
        return 1;
    case KA_REFRESH:
        errors_fetch(st, o);
        return 1;
    default:
        return 0;
    }
}

int rd_errors_result(struct model *st, enum model_tag kind, int status, const cJSON *body,
                     const char *err)
{
    struct errstats *e = &st->errors;
    if (kind != MODEL_TAG_ERRORS)
        return 0;
    st->dirty = 1;
    e->asking = 0;
    char why[ERRSTATS_TEXT_SIZE];
    if (status >= 200 && status < 300 && !err) {
        const char *range = rd_str(body, "range");
        if ((range && strcmp(range, "7d") == 0) != e->week) {
            e->asked_mono_ms = 0; /* the other range's: ask again for this one */
        } else if (errstats_parse(body, &e->data, why, sizeof why) != DT_OK) {
            e->loaded = 0;
            rd_copy(e->message, sizeof e->message, why);
        } else {
            e->loaded = 1;
            e->message[0] = '\0';
        }
        if (e->sel >= e->data.n_codes)
            e->sel = e->data.n_codes ? e->data.n_codes - 1 : 0;
        return 1;
    }
    if (err && *err)
        rd_copy(why, sizeof why, err);
    else if (status)
        snprintf(why, sizeof why, "the daemon answered %d", status);
    else
        rd_copy(why, sizeof why, "no answer from the daemon");
    rd_copy(e->message, sizeof e->message, why);
    return 1;
}
