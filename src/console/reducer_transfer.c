/*
 * reducer_transfer: transfers as the console follows them. The call.transferred events (kind
 * cold or warm; phase started, connected, completed, canceled or failed) seen by the agent who
 * transfers the call, and by the agent it is transferred to, who gets the call; the agents
 * offered as targets (GET /api/v1/agents); and completing or cancelling a warm transfer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "console/model.h"
#include "console/reducer.h"
#include "dialtone/util.h"

/* The party of a transfer event: the agent, the queue or the number. */
static void party_of(const cJSON *d, char *out, size_t n)
{
    const char *p = rd_str(d, "to_agent");
    if (!p)
        p = rd_str(d, "queue");
    if (!p)
        p = rd_str(d, "to");
    rd_copy(out, n, p ? p : "?");
}

static void xfer_clear(struct model_call *c)
{
    c->xfer_phase = MODEL_XFER_NONE;
    c->xfer_warm = 0;
    c->xfer_to[0] = '\0';
}

/* The agent who transfers the call. */
static void by_me(struct model *st, const cJSON *d, const char *phase, const char *party,
                  const char *reason)
{
    struct model_call *c = &st->call;
    int warm = rd_str(d, "kind") && strcmp(rd_str(d, "kind"), "warm") == 0;
    if (strcmp(phase, "started") == 0) {
        c->xfer_phase = MODEL_XFER_STARTED;
        c->xfer_warm = warm;
        rd_copy(c->xfer_to, sizeof c->xfer_to, party);
        if (warm || rd_str(d, "to_agent"))
            c->on_hold = 1; /* the daemon holds the caller while the party is dialled */
    } else if (strcmp(phase, "connected") == 0) {
        c->xfer_phase = MODEL_XFER_CONNECTED;
        model_toast(st, MODEL_INFO,
                    "%s answered: t completes the transfer, :cancel takes the "
                    "caller back",
                    party);
    } else if (strcmp(phase, "canceled") == 0 || strcmp(phase, "failed") == 0) {
        model_toast(st, MODEL_WARN, "The transfer to %s %s%s%s", party,
                    phase[0] == 'c' ? "was canceled" : "failed", reason[0] ? ": " : "", reason);
        if (c->xfer_phase != MODEL_XFER_NONE && (c->xfer_warm || c->on_hold))
            c->on_hold = 0; /* and the caller off hold */
        xfer_clear(c);
    } else { /* completed, or a daemon that names no phase */
        model_toast(st, MODEL_OK, "Transferred to %s", party);
        xfer_clear(c);
        rd_wrapup_open(st);
    }
}

/* The agent the call is transferred to. */
static void to_me(struct model *st, const cJSON *d, const char *sid, const char *phase, int64_t ts)
{
    struct model_call *c = &st->call;
    char by[MODEL_NAME_SIZE];
    rd_set(by, sizeof by, d, "agent");
    int same = c->phase != MODEL_CALL_NONE && strcmp(c->sid, sid) == 0;
    if (strcmp(phase, "canceled") == 0 || strcmp(phase, "failed") == 0) {
        if (same && c->from_agent[0]) {
            model_toast(st, MODEL_WARN, "%s's transfer to you was %s", by,
                        phase[0] == 'c' ? "canceled" : "not completed");
            rd_call_clear(st);
        }
        return;
    }
    if (!same) {
        if (c->phase != MODEL_CALL_NONE || st->wrapup.open)
            return; /* busy with another call: the daemon would not have chosen us */
        memset(c, 0, sizeof *c);
        c->phase = MODEL_CALL_CONNECTING;
        rd_copy(c->sid, sizeof c->sid, sid);
        memcpy(c->from_agent, by, sizeof c->from_agent);
        c->started_ms = ts ? ts : st->clock.wall_ms;
        c->on_hold = 1;
        snprintf(c->progress, sizeof c->progress, "transfer from %s", by);
        st->screen = MODEL_SCR_CALL;
        model_toast(st, MODEL_INFO, "%s is transferring a call to you", by);
    }
    if (strcmp(phase, "connected") == 0) { /* warm: talking with the agent, the caller holds */
        c->phase = MODEL_CALL_CONNECTED;
        c->started_ms = ts ? ts : st->clock.wall_ms;
    } else if (strcmp(phase, "completed") == 0) {
        if (rd_str(d, "kind") && strcmp(rd_str(d, "kind"), "warm") == 0)
            c->on_hold = 0; /* the transferring agent left: the caller is back */
        model_toast(st, MODEL_INFO, "The call is yours now (from %s)", by);
    }
}

void rd_on_transferred(struct model *st, const cJSON *d, int64_t ts)
{
    char sid[MODEL_SID_SIZE], phase[MODEL_WORD_SIZE], party[MODEL_NUMBER_SIZE];
    char reason[MODEL_TEXT_SIZE];
    rd_set(sid, sizeof sid, d, "call_sid");
    rd_set(phase, sizeof phase, d, "phase");
    rd_set(reason, sizeof reason, d, "reason");
    party_of(d, party, sizeof party);
    if (!sid[0])
        return;
    if (rd_is_me(st, rd_str(d, "agent"))) {
        if (st->call.phase != MODEL_CALL_NONE && strcmp(st->call.sid, sid) == 0)
            by_me(st, d, phase, party, reason);
    } else if (rd_is_me(st, rd_str(d, "to_agent")) || rd_is_me(st, rd_str(d, "owner"))) {
        to_me(st, d, sid, phase, ts);
    }
    st->dirty = 1;
}

/* ---- targets and warm transfers ------------------------------------------------------------- */

int rd_agents_ask(struct model *st, struct rd_out *o)
{
    return rd_request(st, o, "GET", MODEL_TAG_AGENTS, NULL, "/api/v1/agents");
}

void rd_agents_result(struct model *st, const cJSON *body)
{
    struct model_transfer *t = &st->transfer;
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(body, "agents"), *a;
    t->n_agents = 0;
    for (int pass = 0; pass < 2; pass++) { /* the available agents first */
        cJSON_ArrayForEach(a, arr)
        {
            const char *name = rd_str(a, "name"), *state = rd_str(a, "state");
            int avail = state && strcmp(state, "available") == 0;
            if (!name || !*name || rd_is_me(st, name) || avail != (pass == 0) ||
                t->n_agents == MODEL_AGENTS_MAX)
                continue;
            rd_copy(t->agents[t->n_agents], MODEL_NAME_SIZE, name);
            rd_copy(t->agent_states[t->n_agents], MODEL_WORD_SIZE, state);
            t->n_agents++;
        }
    }
    st->dirty = 1;
}

void rd_xfer_end(struct model *st, struct rd_out *o, int complete)
{
    struct model_call *c = &st->call;
    if (c->xfer_phase == MODEL_XFER_NONE || !c->sid[0]) {
        model_toast(st, MODEL_INFO, "There is no transfer under way");
        return;
    }
    if (complete && c->xfer_phase != MODEL_XFER_CONNECTED) {
        model_toast(st, MODEL_INFO, "%s has not answered yet", c->xfer_to);
        return;
    }
    char esc[MODEL_SID_SIZE * 3];
    rd_request(st, o, "POST", complete ? MODEL_TAG_XFER_COMPLETE : MODEL_TAG_XFER_CANCEL, NULL,
               "/api/v1/calls/%s/transfer/%s", rd_esc(c->sid, esc, sizeof esc),
               complete ? "complete" : "cancel");
}

void rd_xfer_key(struct model *st, struct rd_out *o)
{
    if (st->call.xfer_warm)
        rd_xfer_end(st, o, 1);
    else
        model_toast(st, MODEL_INFO, "The transfer to %s is under way", st->call.xfer_to);
}
