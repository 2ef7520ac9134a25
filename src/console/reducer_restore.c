/*
 * reducer_restore: the call in hand after the console starts or reconnects. The daemon's
 * snapshot says the agent is busy or in wrap-up but carries no call, so the console asks for
 * the agent's newest calls (GET /api/v1/calls?agent=NAME) and takes the newest live one (busy)
 * or the newest one (wrap-up): the active call, or the wrap-up form's title, is filled from it.
 */
#include <stdio.h>
#include <string.h>

#include "console/model.h"
#include "console/reducer.h"
#include "dialtone/util.h"

#define RESTORE_NEWEST 5 /* the agent's newest calls looked at */

static int state_is(const struct model *st, const char *s)
{
    return strcmp(st->agent.state, s) == 0;
}

static int live_status(const char *s)
{
    static const char *const live[] = {"queued", "initiated", "ringing", "in-progress"};
    for (size_t i = 0; i < sizeof live / sizeof live[0]; i++)
        if (s && strcmp(s, live[i]) == 0)
            return 1;
    return 0;
}

/* 1 when nothing is known of the call the agent's state speaks of. */
static int call_missing(const struct model *st)
{
    if (state_is(st, "busy"))
        return st->call.phase == MODEL_CALL_NONE;
    if (state_is(st, "wrap-up"))
        return st->wrapup.open && !st->wrapup.party[0];
    return 0;
}

void rd_restore_check(struct model *st)
{
    if (st->restore.step == 0 && st->agent.name[0] && call_missing(st))
        st->restore.step = 1;
}

int rd_restore_take(struct model *st, struct rd_out *o)
{
    char esc[MODEL_NAME_SIZE * 3];
    if (st->restore.step == 1 &&
        rd_request(st, o, "GET", MODEL_TAG_RESTORE, NULL, "/api/v1/calls?agent=%s&limit=%d",
                   rd_esc(st->agent.name, esc, sizeof esc), RESTORE_NEWEST) == DT_OK)
        st->restore.step = 2;
    return DT_OK;
}

static void fill(struct model *st, const cJSON *c)
{
    struct model_call k = {.phase = MODEL_CALL_CONNECTED};
    const char *dir = rd_str(c, "direction");
    k.outbound = dir && strncmp(dir, "outbound", 8) == 0;
    rd_set(k.sid, sizeof k.sid, c, "sid");
    rd_set(k.room, sizeof k.room, c, "conference");
    rd_set(k.name, sizeof k.name, c, "caller_name");
    rd_set(k.number, sizeof k.number, c, k.outbound ? "to" : "from");
    rd_set(k.queue, sizeof k.queue, c, "queue");
    rd_set(k.status, sizeof k.status, c, "status");
    int64_t big = INT64_C(1) << 52;
    int64_t answered = rd_int(c, "answered_ms", 1, big, 0);
    k.started_ms = answered ? answered : rd_int(c, "created_ms", 1, big, st->clock.wall_ms);
    if (k.outbound && strcmp(k.status, "in-progress") != 0)
        k.phase = MODEL_CALL_DIALING;
    rd_copy(k.progress, sizeof k.progress, k.phase == MODEL_CALL_DIALING ? "ringing" : "connected");
    if (state_is(st, "busy")) {
        st->call = k;
        st->screen = MODEL_SCR_CALL;
        model_toast(st, MODEL_INFO, "Back to your call with %s", k.name[0] ? k.name : k.number);
    } else {
        k.phase = MODEL_CALL_ENDED;
        st->call = k;
        memcpy(st->wrapup.call_sid, k.sid, sizeof st->wrapup.call_sid);
        dt_strlcpy(st->wrapup.party, k.name[0] ? k.name : k.number, sizeof st->wrapup.party);
    }
}

/* The newest call of the agent's: live while busy; not a leg to its own phone. */
static void on_calls(struct model *st, const cJSON *body)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(body, "calls"))
    {
        char v[MODEL_NUMBER_SIZE];
        rd_set(v, sizeof v, c, "to");
        if (st->agent.endpoint[0] && strcmp(v, st->agent.endpoint) == 0)
            continue;
        if (!rd_str(c, "sid") || (state_is(st, "busy") && !live_status(rd_str(c, "status"))))
            continue;
        fill(st, c);
        return;
    }
}

void rd_restore_result(struct model *st, int ok, const cJSON *body)
{
    st->restore.step = 0; /* after a failure, the next snapshot tries again */
    if (ok && cJSON_IsObject(body) && call_missing(st))
        on_calls(st, body);
    st->dirty = 1;
}
