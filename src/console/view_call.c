/*
 * view_call: the active call. The other party, the call's phase and progress in words, a
 * timer, hold and mute as the daemon's events report them, and the keys for hold, mute,
 * transfer and hang-up from the live keymap; who transferred the call here; a transfer under
 * way (the party ringing, or answered: how to finish or cancel a warm one). Also the transfer
 * dialog: a number, endpoint, agent or queue typed in, Tab for the next queue or agent, the
 * other agents and their states, cold or warm (C-w).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "console/keymap.h"
#include "console/view.h"

static const char *phase_text(const struct model_call *k)
{
    static const char *const texts[] = {
        [MODEL_CALL_NONE] = "No call",          [MODEL_CALL_DIALING] = "Dialling",
        [MODEL_CALL_CONNECTING] = "Connecting", [MODEL_CALL_CONNECTED] = "Connected",
        [MODEL_CALL_ENDED] = "Ended",
    };
    return (unsigned)k->phase < sizeof texts / sizeof texts[0] ? texts[k->phase] : "";
}

/* "h hold" for each action in the call context, in a row. */
static void draw_keys(const struct view_ctx *c, int y, int x, int w)
{
    static const enum km_action acts[] = {KA_HOLD, KA_MUTE, KA_TRANSFER, KA_HANGUP};
    static const char *const words[] = {"hold", "mute", "transfer", "hang up"};
    int x0 = x;
    for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++) {
        char keys[64];
        if (km_keys_of(c->km, KM_CALL, acts[i], keys, sizeof keys) == 0)
            continue;
        x += view_text(c, y, x, w - (x - x0), 0, TR_LEGEND_KEY, keys);
        x += view_textf(c, y, x, w - (x - x0), 0, TR_NORMAL, " %s   ", words[i]);
    }
}

/* A transfer of the call under way. */
static void draw_xfer(const struct view_ctx *c, int y, int x, int w)
{
    const struct model_call *k = &c->m->call;
    const char *kind = k->xfer_warm ? "warm" : "cold";
    if (k->xfer_phase == MODEL_XFER_STARTED) {
        view_textf(c, y, x, w, 0, TR_WARNING, "Transferring (%s) to %s: ringing...", kind,
                   k->xfer_to);
        if (k->xfer_warm)
            view_text(c, y + 1, x, w, 0, TR_DIM, ":cancel takes the caller back");
    } else if (k->xfer_phase == MODEL_XFER_CONNECTED) {
        view_textf(c, y, x, w, 0, TR_ACTIVE, "Transfer (%s): %s answered", kind, k->xfer_to);
        view_text(c, y + 1, x, w, 0, TR_NORMAL,
                  "t or :complete to finish, :cancel takes the caller back");
    }
}

void view_call_draw(const struct view_ctx *c, struct view_rect r)
{
    const struct model_call *k = &c->m->call;
    int y = r.y + 1, x = 3, w = r.w - 6;
    if (k->phase == MODEL_CALL_NONE) {
        view_text(c, y, x, w, 0, TR_HEADER, "No active call");
        view_text(c, y + 2, x, w, 0, TR_DIM,
                  "Accept an offer from the queue (F2), or dial a number (F3).");
        return;
    }
    enum theme_role role = k->on_hold                         ? TR_HOLD
                           : k->phase == MODEL_CALL_CONNECTED ? TR_ACTIVE
                                                              : TR_NORMAL;
    view_textf(c, y++, x, w, 0, TR_HEADER, "%s call", k->outbound ? "Outbound" : "Inbound");
    y++;
    view_text(c, y++, x, w, 0, role, k->name[0] ? k->name : k->number);
    if (k->name[0])
        view_text(c, y, x, w, 0, TR_NORMAL, k->number);
    y++;
    if (k->queue[0])
        view_textf(c, y, x, w, 0, TR_DIM, "from queue %s", k->queue);
    y++;
    if (k->from_agent[0])
        view_textf(c, y, x, w, 0, TR_DIM, "transferred to you by %s", k->from_agent);
    y++;
    char dur[32];
    int64_t secs = view_since_s(c, k->started_ms);
    int cx = x;
    cx += view_textf(c, y, cx, w, 0, role, " %s ", phase_text(k));
    if (k->phase == MODEL_CALL_CONNECTED || k->phase == MODEL_CALL_DIALING)
        cx += view_textf(c, y, cx, w - (cx - x), 0, TR_NORMAL, "  %s",
                         view_duration(secs, dur, sizeof dur));
    if (k->progress[0] && strcasecmp(k->progress, phase_text(k)) != 0)
        cx += view_textf(c, y, cx, w - (cx - x), 0, TR_DIM, "  %s", k->progress);
    y += 2;
    cx = x;
    if (k->on_hold)
        cx += view_text(c, y, cx, w, 0, TR_HOLD, " ON HOLD ") + 2;
    if (k->muted)
        cx += view_text(c, y, cx, w - (cx - x), 0, TR_WARNING, " MUTED ") + 2;
    (void)cx;
    y += 2;
    draw_xfer(c, y, x, w);
    if (k->phase != MODEL_CALL_ENDED)
        draw_keys(c, r.y + r.h - 2, x, w);
}

void view_transfer_draw(const struct view_ctx *c)
{
    const struct model *m = c->m;
    const struct model_transfer *t = &m->transfer;
    size_t shown = t->n_agents < 5 ? t->n_agents : 5;
    struct view_rect in = view_box(c, 9 + (int)shown, 64, TR_POPUP, "Transfer the caller");
    int y = in.y;
    view_text(c, y++, in.x, in.w, 0, TR_POPUP,
              "To a number, sip:/client: endpoint, agent or queue:");
    y++;
    int x = in.x;
    x += view_text(c, y, x, in.w, 0, TR_POPUP, "> ");
    x += view_text(c, y, x, in.w - 3, 0, TR_INPUT, t->target);
    view_text(c, y, x, 1, 0, TR_SELECTED, " ");
    y += 2;
    char queues[256] = "";
    size_t len = 0;
    for (size_t i = 0; i < m->n_queues && len < sizeof queues; i++)
        len += (size_t)snprintf(queues + len, sizeof queues - len, "%s%s", i ? ", " : "",
                                m->queues[i].name);
    view_textf(c, y++, in.x, in.w, 0, TR_DIM, "Tab: a queue%s%s%s or an agent",
               queues[0] ? " (" : "", queues, queues[0] ? ")" : "");
    for (size_t i = 0; i < shown; i++) {
        int avail = strcmp(t->agent_states[i], "available") == 0;
        view_textf(c, y++, in.x + 2, in.w - 2, 0, avail ? TR_OK : TR_DIM, "%-20s %s", t->agents[i],
                   t->agent_states[i]);
    }
    if (t->n_agents > shown)
        view_textf(c, y - 1, in.x + 40, in.w - 40, 0, TR_DIM, "+%zu more", t->n_agents - shown);
    if (t->message[0])
        view_text(c, y, in.x, in.w, 0, TR_ERROR, t->message);
    view_textf(c, in.y + in.h - 1, in.x, in.w, 0, TR_DIM,
               "Enter transfers (%s), C-w makes it %s, Esc cancels", t->warm ? "warm" : "cold",
               t->warm ? "cold" : "warm");
}
