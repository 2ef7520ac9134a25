/*
 * reducer_board: the supervisors' wallboard screen (F7) in the reducer. Opening it asks for
 * GET /api/v1/wallboard; the events that move the figures make a fetch due, sent at most once
 * a second (model_take_cmds, called after every event and every tick), and one goes out every
 * five seconds anyway while the screen is open. Keys on the selected agent's call: listen,
 * whisper, barge and leave (POST /api/v1/calls/SID/monitor[/leave]); `s` opens a small menu
 * that sets the agent's state (POST /api/v1/agents/NAME/state). Each answer is a toast; a
 * refusal says the daemon's reason. Agents never get here: the screen and its requests are
 * for supervisors only.
 */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "console/board.h"
#include "console/model.h"
#include "console/reducer.h"
#include "dialtone/util.h"

/* The events after which the figures may have moved (README, "Supervisors"). */
static const char *const moving_events[] = {
    "call.queued",     "call.updated",     "call.ended",     "offer.created",
    "offer.withdrawn", "call.assigned",    "call.connected", "agent.state",
    "call.wrapup",     "call.transferred", "agent.removed",
};

static const struct {
    const char *mode, *doing, *verb;
} modes[] = {
    {.mode = "listen", .doing = "Listening to", .verb = "Listen to"},
    {.mode = "whisper", .doing = "Whispering to the agent of", .verb = "Whisper into"},
    {.mode = "barge", .doing = "Barged into", .verb = "Barge into"},
};

int rd_is_supervisor(const struct model *st)
{
    return st->agent.known && strcmp(st->agent.role, "supervisor") == 0;
}

static int board_fetch(struct model *st, struct rd_out *o)
{
    struct board *b = &st->board;
    if (rd_request(st, o, "GET", MODEL_TAG_BOARD, NULL, "/api/v1/wallboard") != DT_OK)
        return DT_ETOOBIG;
    b->asking = 1;
    b->due = 0;
    b->asked_mono_ms = st->clock.mono_ms ? st->clock.mono_ms : 1;
    return DT_OK;
}

int rd_board_open(struct model *st, struct rd_out *o)
{
    if (!rd_is_supervisor(st)) {
        model_toast(st, MODEL_INFO, "The wallboard is for supervisors");
        return 1;
    }
    st->screen = MODEL_SCR_BOARD;
    if (!st->board.asking)
        board_fetch(st, o);
    return 1;
}

void rd_board_event(struct model *st, const char *type, const cJSON *d)
{
    struct board *b = &st->board;
    if (!rd_is_supervisor(st))
        return;
    for (size_t i = 0; i < sizeof moving_events / sizeof moving_events[0]; i++)
        if (strcmp(type, moving_events[i]) == 0)
            b->due = 1;
    if (strcmp(type, "call.ended") == 0 && b->mon_sid[0]) {
        const cJSON *call = cJSON_GetObjectItemCaseSensitive(d, "call");
        char sid[BOARD_SID_SIZE];
        rd_set(sid, sizeof sid, cJSON_IsObject(call) ? call : d,
               cJSON_IsObject(call) ? "sid" : "call_sid");
        if (strcmp(sid, b->mon_sid) == 0) {
            b->mon_sid[0] = b->mon_agent[0] = b->mon_mode[0] = '\0';
            st->dirty = 1;
        }
    }
}

int rd_board_take(struct model *st, struct rd_out *o)
{
    struct board *b = &st->board;
    if (st->screen != MODEL_SCR_BOARD || !rd_is_supervisor(st) || st->conn.state != CLIENT_LIVE)
        return 0;
    uint64_t now = st->clock.mono_ms, last = b->asked_mono_ms;
    if (b->asking && now < last + BOARD_STUCK_MS)
        return 0;
    int due =
        !last || (b->due && now >= last + BOARD_FETCH_MIN_MS) || now >= last + BOARD_FETCH_MAX_MS;
    return due && board_fetch(st, o) == DT_OK;
}

/* ---- actions --------------------------------------------------------------------------------- */

static const struct board_agent *selected(const struct model *st)
{
    const struct board *b = &st->board;
    return b->sel < b->data.n_agents ? &b->data.agents[b->sel] : NULL;
}

static void ask_note(struct board *b, const char *sid, const char *agent, const char *what)
{
    dt_strlcpy(b->ask_sid, sid, sizeof b->ask_sid);
    dt_strlcpy(b->ask_agent, agent, sizeof b->ask_agent);
    dt_strlcpy(b->ask_what, what, sizeof b->ask_what);
}

static void monitor(struct model *st, struct rd_out *o, size_t m)
{
    const struct board_agent *a = selected(st);
    if (!a || !board_live_call(a)) {
        model_toast(st, MODEL_WARN, "%s has no call in progress", a ? a->name : "No agent");
        return;
    }
    char esc[BOARD_SID_SIZE * 3];
    cJSON *body = cJSON_CreateObject();
    cJSON_AddStringToObject(body, "mode", modes[m].mode);
    if (rd_request(st, o, "POST", MODEL_TAG_MONITOR, body, "/api/v1/calls/%s/monitor",
                   rd_esc(a->call_sid, esc, sizeof esc)) == DT_OK)
        ask_note(&st->board, a->call_sid, a->name, modes[m].mode);
    cJSON_Delete(body);
}

static void leave(struct model *st, struct rd_out *o)
{
    struct board *b = &st->board;
    const struct board_agent *a = selected(st);
    char sid[BOARD_SID_SIZE], agent[BOARD_NAME_SIZE];
    if (b->mon_sid[0]) {
        dt_strlcpy(sid, b->mon_sid, sizeof sid);
        dt_strlcpy(agent, b->mon_agent, sizeof agent);
    } else if (a && a->has_call) {
        dt_strlcpy(sid, a->call_sid, sizeof sid);
        dt_strlcpy(agent, a->name, sizeof agent);
    } else {
        model_toast(st, MODEL_WARN, "You are in no call to leave");
        return;
    }
    char esc[BOARD_SID_SIZE * 3];
    if (rd_request(st, o, "POST", MODEL_TAG_MON_LEAVE, NULL, "/api/v1/calls/%s/monitor/leave",
                   rd_esc(sid, esc, sizeof esc)) == DT_OK)
        ask_note(b, sid, agent, "leave");
}

static void set_state(struct model *st, struct rd_out *o, const char *state, const char *reason)
{
    struct board *b = &st->board;
    char esc[BOARD_NAME_SIZE * 3];
    cJSON *body = cJSON_CreateObject();
    cJSON_AddStringToObject(body, "state", state);
    if (reason && reason[0])
        cJSON_AddStringToObject(body, "reason", reason);
    if (rd_request(st, o, "POST", MODEL_TAG_AGENT_STATE, body, "/api/v1/agents/%s/state",
                   rd_esc(b->menu_agent, esc, sizeof esc)) == DT_OK)
        ask_note(b, "", b->menu_agent, state);
    cJSON_Delete(body);
}

static void menu_close(struct board *b)
{
    b->menu_open = b->reason_editing = 0;
    b->reason[0] = '\0';
}

/* The reason of a break, typed: 1 when the key was consumed. */
static int reason_key(struct model *st, int key, struct rd_out *o)
{
    struct board *b = &st->board;
    if (key == KM_KEY_ESC) {
        b->reason_editing = 0;
    } else if (key == KM_KEY_BACKSPACE) {
        rd_text_backspace(b->reason);
    } else if (key == KM_CTRL('u')) {
        b->reason[0] = '\0';
    } else if (key == KM_KEY_ENTER) {
        if (!b->reason[0]) {
            model_toast(st, MODEL_WARN, "A break needs a reason");
            return 1;
        }
        set_state(st, o, "break", b->reason);
        menu_close(b);
    } else if (key >= 0x20 && key < KM_KEY_BASE) {
        rd_text_add(b->reason, sizeof b->reason, key);
    }
    return 1;
}

static int menu_key(struct model *st, int key, enum km_action a, struct rd_out *o)
{
    struct board *b = &st->board;
    if (b->reason_editing)
        return reason_key(st, key, o);
    switch (a) {
    case KA_UP:
        b->menu_sel = b->menu_sel > 0 ? b->menu_sel - 1 : 0;
        return 1;
    case KA_DOWN:
        b->menu_sel = b->menu_sel + 1 < BOARD_MENU_ITEMS ? b->menu_sel + 1 : b->menu_sel;
        return 1;
    case KA_BACK:
    case KA_AGENT_STATE:
        menu_close(b);
        return 1;
    case KA_SELECT:
        if (b->menu_sel == 1) {
            b->reason_editing = 1;
        } else {
            set_state(st, o, board_menu_state(b->menu_sel), NULL);
            menu_close(b);
        }
        return 1;
    default:
        menu_close(b); /* another action goes on as if the menu were not there */
        return 0;
    }
}

static void move_sel(struct model *st, enum km_action a)
{
    struct board *b = &st->board;
    size_t n = b->data.n_agents, last = n ? n - 1 : 0;
    size_t page = st->rows > 20 ? (size_t)(st->rows - 20) : 1;
    if (a == KA_UP)
        b->sel = b->sel > 0 ? b->sel - 1 : 0;
    else if (a == KA_DOWN)
        b->sel = b->sel < last ? b->sel + 1 : last;
    else if (a == KA_PAGE_UP)
        b->sel = b->sel > page ? b->sel - page : 0;
    else if (a == KA_PAGE_DOWN)
        b->sel = b->sel + page < last ? b->sel + page : last;
    else if (a == KA_HOME)
        b->sel = 0;
    else
        b->sel = last;
}

int rd_board_key(struct model *st, int key, enum km_action a, struct rd_out *o)
{
    struct board *b = &st->board;
    if (b->menu_open)
        return menu_key(st, key, a, o);
    switch (a) {
    case KA_UP:
    case KA_DOWN:
    case KA_PAGE_UP:
    case KA_PAGE_DOWN:
    case KA_HOME:
    case KA_END:
        move_sel(st, a);
        return 1;
    case KA_LISTEN:
    case KA_WHISPER:
    case KA_BARGE:
        monitor(st, o, (size_t)(a - KA_LISTEN));
        return 1;
    case KA_LEAVE:
        leave(st, o);
        return 1;
    case KA_AGENT_STATE:
        if (!selected(st)) {
            model_toast(st, MODEL_WARN, "No agent is selected");
            return 1;
        }
        b->menu_open = 1;
        b->menu_sel = 0;
        b->reason_editing = 0;
        b->reason[0] = '\0';
        dt_strlcpy(b->menu_agent, selected(st)->name, sizeof b->menu_agent);
        return 1;
    case KA_REFRESH:
        if (!b->asking)
            board_fetch(st, o);
        return 1;
    default:
        return 0;
    }
}

/* ---- answers --------------------------------------------------------------------------------- */

static void figures(struct model *st, const cJSON *body)
{
    struct board *b = &st->board;
    char sel[BOARD_NAME_SIZE] = "", err[BOARD_TEXT_SIZE];
    if (b->sel < b->data.n_agents)
        dt_strlcpy(sel, b->data.agents[b->sel].name, sizeof sel);
    if (board_parse(body, &b->data, err, sizeof err) != DT_OK) {
        rd_copy(b->message, sizeof b->message, err);
        b->sel = 0;
        return;
    }
    b->loaded = 1;
    b->message[0] = '\0';
    b->got_wall_ms = st->clock.wall_ms;
    int i = board_agent_find(&b->data, sel);
    b->sel = i >= 0 ? (size_t)i : b->sel < b->data.n_agents ? b->sel : 0;
}

static const char *doing(const char *mode)
{
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
        if (strcmp(modes[i].mode, mode) == 0)
            return modes[i].doing;
    return mode;
}

static const char *verb(const char *mode)
{
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
        if (strcmp(modes[i].mode, mode) == 0)
            return modes[i].verb;
    return "Leave";
}

static void on_ok(struct model *st, enum model_tag kind, const cJSON *body)
{
    struct board *b = &st->board;
    switch (kind) {
    case MODEL_TAG_BOARD:
        b->asking = 0;
        figures(st, body);
        break;
    case MODEL_TAG_MONITOR: {
        dt_strlcpy(b->mon_sid, b->ask_sid, sizeof b->mon_sid);
        dt_strlcpy(b->mon_agent, b->ask_agent, sizeof b->mon_agent);
        dt_strlcpy(b->mon_mode, b->ask_what, sizeof b->mon_mode);
        const char *r = rd_str(body, "result");
        model_toast(st, MODEL_OK, "%s %s's call%s", doing(b->mon_mode), b->mon_agent,
                    r && strcmp(r, "joining") == 0 ? " (your phone joins)" : "");
        break;
    }
    case MODEL_TAG_MON_LEAVE:
        model_toast(st, MODEL_OK, "You left %s's call", b->ask_agent);
        b->mon_sid[0] = b->mon_agent[0] = b->mon_mode[0] = '\0';
        break;
    case MODEL_TAG_AGENT_STATE:
        model_toast(st, MODEL_OK, "%s is now %s", b->ask_agent, b->ask_what);
        b->due = 1;
        break;
    default:
        break;
    }
}

int rd_board_result(struct model *st, enum model_tag kind, int status, const cJSON *body,
                    const char *err)
{
    struct board *b = &st->board;
    if (kind != MODEL_TAG_BOARD && kind != MODEL_TAG_MONITOR && kind != MODEL_TAG_MON_LEAVE &&
        kind != MODEL_TAG_AGENT_STATE)
        return 0;
    st->dirty = 1;
    if (status >= 200 && status < 300 && !err) {
        on_ok(st, kind, body);
        return 1;
    }
    char why[BOARD_TEXT_SIZE];
    if (err && *err)
        rd_copy(why, sizeof why, err);
    else if (status)
        snprintf(why, sizeof why, "the daemon answered %d", status);
    else
        rd_copy(why, sizeof why, "no answer from the daemon");
    if (kind == MODEL_TAG_BOARD) {
        b->asking = 0;
        rd_copy(b->message, sizeof b->message, why);
    } else if (kind == MODEL_TAG_AGENT_STATE) {
        model_toast(st, MODEL_ERROR, "Setting %s to %s failed: %s", b->ask_agent, b->ask_what, why);
    } else {
        if (kind == MODEL_TAG_MON_LEAVE && status == 404) /* not in it (any more) */
            b->mon_sid[0] = b->mon_agent[0] = b->mon_mode[0] = '\0';
        model_toast(st, MODEL_ERROR, "%s %s's call failed: %s", verb(b->ask_what), b->ask_agent,
                    why);
    }
    return 1;
}
