/*
 * view_board: the supervisors' wallboard (F7). The day's figures per queue (waiting now, the
 * longest wait, handled, abandoned, service level against its target, ASA, AHT), a cell in
 * the warning role when the daemon warns (service level under target, a caller waiting too
 * long; the longest wait also turns once it passes the limit between two answers), the
 * daemon's warnings in words, then the agents: state with its reason, time in it, the call in
 * hand and its duration, handled today and missed offers, the selected one in reverse. Times
 * tick from the answer's arrival until the next one. And the selected agent's state menu.
 */
#include <stdio.h>
#include <string.h>

#include "console/board.h"
#include "console/view.h"

#define WARN_LINES 3 /* the daemon's warnings shown in words, at most */

/* A table's column: its title and width; width 0 shares what is left. */
struct col {
    const char *title;
    int w;
    int right; /* figures are aligned right */
};

static const struct col queue_cols[] = {
    {.title = "Queue", .w = 0},
    {.title = "Waiting", .w = 8, .right = 1},
    {.title = "Longest", .w = 8, .right = 1},
    {.title = "Handled", .w = 8, .right = 1},
    {.title = "Abandoned", .w = 10, .right = 1},
    {.title = "SL", .w = 8, .right = 1},
    {.title = "Target", .w = 7, .right = 1},
    {.title = "ASA", .w = 7, .right = 1},
    {.title = "AHT", .w = 7, .right = 1},
};
#define N_QCOLS (sizeof queue_cols / sizeof queue_cols[0])

static const struct col agent_cols[] = {
    {.title = "Agent", .w = 0},
    {.title = "State", .w = 20},
    {.title = "In state", .w = 9, .right = 1},
    {.title = "  Call", .w = 0},
    {.title = "Duration", .w = 9, .right = 1},
    {.title = "Handled", .w = 8, .right = 1},
    {.title = "Missed", .w = 7, .right = 1},
};
#define N_ACOLS (sizeof agent_cols / sizeof agent_cols[0])

/* The widths of a table's columns in w columns (the margin of one column at the left taken
 * off): the flexible ones share what is left, the first flexible one a third of it when there
 * are two. */
static void widths(const struct col *cols, size_t n, int w, int *out)
{
    int fixed = 0, flex = 0;
    for (size_t i = 0; i < n; i++) {
        fixed += cols[i].w;
        flex += cols[i].w == 0;
    }
    int rest = w - 2 - fixed, first = 1;
    if (rest < flex * 4)
        rest = flex * 4;
    for (size_t i = 0; i < n; i++) {
        if (cols[i].w) {
            out[i] = cols[i].w;
        } else if (flex == 1) {
            out[i] = rest;
        } else {
            out[i] = first ? rest / 3 : rest - rest / 3;
            first = 0;
        }
    }
}

/* One cell: s in role r, fitted into width w less a gap column, aligned as the column says. */
static void cell(const struct view_ctx *c, int y, int x, int w, const struct col *col,
                 enum theme_role r, const char *s)
{
    if (col->right)
        view_textf(c, y, x, w - 1, 0, r, "%*s", w - 1, s);
    else
        view_text(c, y, x, w - 1, 1, r, s);
}

static void header(const struct view_ctx *c, int y, int w, const struct col *cols, size_t n,
                   const int *ws)
{
    view_fill(c, y, 0, w, TR_HEADER);
    for (size_t i = 0, x = 1; i < n; x += (size_t)ws[i], i++)
        cell(c, y, (int)x, ws[i], &cols[i], TR_HEADER, cols[i].title);
}

static void queue_row(const struct view_ctx *c, int y, const struct board_queue *q, const int *ws)
{
    const struct board *b = &c->m->board;
    int64_t now = c->m->clock.wall_ms;
    int64_t longest = q->waiting > 0 ? board_tick(q->longest_wait_s, b->got_wall_ms, now) : 0;
    int warn = board_queue_warn(q, longest);
    char v[N_QCOLS][48];
    snprintf(v[0], sizeof v[0], "%s", q->name);
    snprintf(v[1], sizeof v[1], "%lld", (long long)q->waiting);
    view_duration(q->waiting > 0 ? longest : -1, v[2], sizeof v[2]);
    snprintf(v[3], sizeof v[3], "%lld", (long long)q->handled);
    snprintf(v[4], sizeof v[4], "%lld", (long long)q->abandoned);
    board_pct(q->service_level, v[5], sizeof v[5]);
    snprintf(v[6], sizeof v[6], "%lld%%", (long long)q->service_level_target);
    view_duration(q->asa_s < 0 ? -1 : (int64_t)(q->asa_s + 0.5), v[7], sizeof v[7]);
    view_duration(q->aht_s < 0 ? -1 : (int64_t)(q->aht_s + 0.5), v[8], sizeof v[8]);
    enum theme_role roles[N_QCOLS];
    for (size_t i = 0; i < N_QCOLS; i++)
        roles[i] = TR_NORMAL;
    if (warn)
        roles[0] = TR_WARNING;
    if (warn & BOARD_WARN_LONG_WAIT)
        roles[1] = roles[2] = TR_WARNING;
    if (warn & BOARD_WARN_SL)
        roles[5] = TR_WARNING;
    for (size_t i = 0, x = 1; i < N_QCOLS; x += (size_t)ws[i], i++)
        cell(c, y, (int)x, ws[i], &queue_cols[i], roles[i], v[i]);
}

static enum theme_role state_role(const struct board_agent *a)
{
    if (strcmp(a->state, "available") == 0 && !(a->has_call && a->call_ended))
        return TR_OK;
    if (strcmp(a->state, "busy") == 0)
        return TR_ACTIVE;
    if (strcmp(a->state, "break") == 0 || strcmp(a->state, "wrap-up") == 0 || a->call_ended)
        return TR_HOLD;
    return TR_DIM;
}

static void agent_row(const struct view_ctx *c, int y, int w, const struct board_agent *a, int sel,
                      const int *ws)
{
    const struct board *b = &c->m->board;
    int64_t now = c->m->clock.wall_ms;
    char v[N_ACOLS][BOARD_NAME_SIZE * 2 + 8];
    snprintf(v[0], sizeof v[0], "%s", a->name);
    board_state_text_at(a, b->got_wall_ms, now, v[1], sizeof v[1]);
    view_duration(board_tick(a->in_state_s, b->got_wall_ms, now), v[2], sizeof v[2]);
    v[3][0] = '\0';
    v[4][0] = '\0';
    if (a->has_call) {
        int mon = strcmp(a->call_sid, b->mon_sid) == 0;
        if (a->caller_name[0])
            snprintf(v[3], sizeof v[3], "%s%s %s", mon ? "* " : "  ", a->caller_name, a->party);
        else
            snprintf(v[3], sizeof v[3], "%s%s", mon ? "* " : "  ", a->party[0] ? a->party : "-");
        int64_t d = a->call_duration_s;
        view_duration(a->call_ended || d < 0 ? d : board_tick(d, b->got_wall_ms, now), v[4],
                      sizeof v[4]);
        if (a->call_ended)
            snprintf(v[4] + strlen(v[4]), sizeof v[4] - strlen(v[4]), " end");
    }
    snprintf(v[5], sizeof v[5], "%lld", (long long)a->handled);
    snprintf(v[6], sizeof v[6], "%lld", (long long)a->missed_offers);
    enum theme_role base = sel ? TR_SELECTED : TR_NORMAL;
    view_fill(c, y, 0, w, base);
    for (size_t i = 0, x = 1; i < N_ACOLS; x += (size_t)ws[i], i++) {
        enum theme_role r = base;
        if (!sel && i == 1)
            r = state_role(a);
        if (!sel && i == 6 && a->missed_offers > 0)
            r = TR_WARNING;
        cell(c, y, (int)x, ws[i], &agent_cols[i], r, v[i]);
    }
}

static void title_row(const struct view_ctx *c, int y, int w)
{
    const struct board *b = &c->m->board;
    int x = 1 + view_text(c, y, 1, w - 2, 0, TR_HEADER, "Wallboard");
    char buf[512], dur[32];
    if (b->data.reset[0])
        x += view_textf(c, y, x, w - x - 1, 0, TR_DIM, "   today from %s %s", b->data.reset,
                        b->data.timezone);
    if (b->loaded) {
        int64_t ago = board_tick(0, b->got_wall_ms, c->m->clock.wall_ms);
        x += view_textf(c, y, x, w - x - 1, 0, TR_DIM, "   updated %s ago",
                        view_duration(ago, dur, sizeof dur));
    }
    if (b->mon_sid[0]) {
        snprintf(buf, sizeof buf, "   you: %s, %s's call (L leaves)", b->mon_mode, b->mon_agent);
        view_text(c, y, x, w - x - 1, 0, TR_ACTIVE, buf);
    }
}

void view_board_draw(const struct view_ctx *c, struct view_rect r)
{
    const struct board *b = &c->m->board;
    const struct board_data *d = &b->data;
    if (r.h < 8)
        return;
    int y = r.y, bottom = r.y + r.h - 1; /* the last row: the keys */
    title_row(c, y++, r.w);
    if (b->message[0])
        view_textf(c, y++, 1, r.w - 2, 0, TR_ERROR, "The wallboard could not be loaded: %s",
                   b->message);
    if (!b->loaded) {
        view_text(c, y + 1, 3, r.w - 4, 0, TR_DIM, "Loading the wallboard...");
        return;
    }
    int qw[N_QCOLS], aw[N_ACOLS];
    widths(queue_cols, N_QCOLS, r.w, qw);
    widths(agent_cols, N_ACOLS, r.w, aw);
    header(c, y++, r.w, queue_cols, N_QCOLS, qw);
    int qmax = (bottom - y) / 2; /* the queues take at most half of what is left */
    for (size_t i = 0; i < d->n_queues && (int)i < qmax; i++)
        queue_row(c, y++, &d->queues[i], qw);
    if (d->n_queues == 0)
        view_text(c, y++, 3, r.w - 4, 0, TR_DIM, "No queue is configured.");
    for (size_t i = 0; i < d->n_warnings && i < WARN_LINES && y < bottom - 3; i++)
        view_textf(c, y++, 1, r.w - 2, 0, TR_WARNING, "! %s: %s", d->warnings[i].queue,
                   d->warnings[i].message);
    y++;
    header(c, y++, r.w, agent_cols, N_ACOLS, aw);
    int rows = bottom - y;
    size_t top = rows > 0 && b->sel >= (size_t)rows ? b->sel - (size_t)rows + 1 : 0;
    for (size_t i = top; i < d->n_agents && y < bottom; i++)
        agent_row(c, y++, r.w, &d->agents[i], i == b->sel, aw);
    if (d->n_agents == 0)
        view_text(c, y, 3, r.w - 4, 0, TR_DIM, "No agents.");
    static const struct view_hint hints[] = {
        {KA_LISTEN, "listen"}, {KA_WHISPER, "whisper"},       {KA_BARGE, "barge"},
        {KA_LEAVE, "leave"},   {KA_AGENT_STATE, "set state"}, {KA_REFRESH, "refresh"},
    };
    view_hints(c, bottom, 1, r.w - 2, KM_BOARD, hints, sizeof hints / sizeof hints[0]);
}

void view_board_menu_draw(const struct view_ctx *c)
{
    static const char *const labels[BOARD_MENU_ITEMS] = {
        "Available: take calls",
        "Break (with a reason)",
        "Offline",
    };
    const struct board *b = &c->m->board;
    char title[BOARD_NAME_SIZE + 16];
    snprintf(title, sizeof title, "State of %s", b->menu_agent);
    struct view_rect in = view_box(c, BOARD_MENU_ITEMS + 6, 44, TR_POPUP, title);
    for (size_t i = 0; i < BOARD_MENU_ITEMS; i++) {
        int sel = i == b->menu_sel;
        view_textf(c, in.y + (int)i, in.x, in.w, 1, sel ? TR_SELECTED : TR_POPUP, "%s %s",
                   sel ? ">" : " ", labels[i]);
    }
    int y = in.y + BOARD_MENU_ITEMS + 1;
    if (b->reason_editing) {
        int x = in.x + view_text(c, y, in.x, in.w, 0, TR_POPUP, "Reason: ");
        x += view_text(c, y, x, in.x + in.w - x - 1, 0, TR_INPUT, b->reason);
        view_text(c, y, x, 1, 0, TR_SELECTED, " ");
        view_text(c, in.y + in.h - 1, in.x, in.w, 0, TR_DIM, "Enter sets the break, Esc back");
    } else {
        view_text(c, in.y + in.h - 1, in.x, in.w, 0, TR_DIM, "Enter sets it, Esc closes");
    }
}
