/*
 * view_queue: the queue screen (F2). A line of figures per queue (waiting, longest wait,
 * agents available), then the waiting callers: position, name, number, queue and a wait
 * time that ticks; the agent's own offers highlighted, the selected row in reverse; with a
 * filter (`/`), only the callers whose name, number or queue hold it.
 */
#include <stdio.h>
#include <string.h>

#include "console/view.h"

#define COL_POS   5
#define COL_WAIT  9
#define COL_QUEUE 16
#define COL_NUM   20

static void draw_figures(const struct view_ctx *c, int y, int w)
{
    const struct model *m = c->m;
    char line[1024] = "", part[256], dur[32];
    size_t len = 0;
    for (size_t i = 0; i < m->n_queues && len < sizeof line - 1; i++) {
        const struct model_queue *q = &m->queues[i];
        snprintf(part, sizeof part, "%s%s: %d waiting, longest %s, %d available", i ? "   " : "",
                 q->name, q->waiting, view_duration(q->longest_wait_s, dur, sizeof dur),
                 q->agents_available);
        len += (size_t)snprintf(line + len, sizeof line - len, "%s", part);
    }
    if (m->n_queues == 0)
        snprintf(line, sizeof line, "%s", m->agent.known ? "No queue figures yet." : "");
    view_text(c, y, 1, w - 2, 0, TR_DIM, line);
}

static void draw_row(const struct view_ctx *c, int y, int w, const struct model_caller *k,
                     int selected)
{
    enum theme_role role = selected ? TR_SELECTED : k->offered ? TR_OFFER : TR_WAITING;
    char dur[32];
    int name_w = w - 2 - COL_POS - COL_NUM - COL_QUEUE - COL_WAIT;
    view_fill(c, y, 0, w, role);
    int x = 1;
    view_textf(c, y, x, COL_POS, 1, role, "%3d", k->position);
    x += COL_POS;
    view_text(c, y, x, name_w - 1, 1, role, k->name[0] ? k->name : "(unknown)");
    x += name_w;
    view_text(c, y, x, COL_NUM - 1, 1, role, k->number);
    x += COL_NUM;
    view_text(c, y, x, COL_QUEUE - 1, 1, role, k->queue);
    x += COL_QUEUE;
    view_text(c, y, x, COL_WAIT, 0, role,
              view_duration(view_since_s(c, k->since_ms), dur, sizeof dur));
    if (k->offered)
        view_text(c, y, 0, 1, 0, selected ? TR_SELECTED : TR_OFFER, ">");
}

void view_queue_draw(const struct view_ctx *c, struct view_rect r)
{
    const struct model *m = c->m;
    if (r.h < 4)
        return;
    int y = r.y;
    size_t shown = 0;
    for (size_t i = 0; i < m->n_waiting; i++)
        shown += (size_t)model_caller_shown(m, i);
    int x = 1 + view_textf(c, y, 1, r.w - 2, 0, TR_HEADER, "Waiting callers: %zu", m->n_waiting);
    if (m->queue_filter_editing || m->queue_filter[0]) {
        x += view_textf(c, y, x, r.w - x - 1, 0, TR_NORMAL, "   %zu shown, filter: ", shown);
        x += view_text(c, y, x, r.w - x - 1, 0, TR_INPUT, m->queue_filter);
        if (m->queue_filter_editing) {
            view_text(c, y, x, 1, 0, TR_SELECTED, " ");
            view_text(c, y, x + 2, r.w - x - 3, 0, TR_DIM, " (name, number or queue; Esc clears)");
        }
    } else if (m->n_offers) {
        view_text(c, y, x, r.w - x - 1, 0, TR_NORMAL, "   (offers to you are marked >)");
    }
    y++;
    draw_figures(c, y++, r.w);
    int name_w = r.w - 2 - COL_POS - COL_NUM - COL_QUEUE - COL_WAIT;
    view_fill(c, y, 0, r.w, TR_HEADER);
    view_text(c, y, 1, COL_POS, 0, TR_HEADER, "Pos");
    view_text(c, y, 1 + COL_POS, name_w, 0, TR_HEADER, "Caller");
    view_text(c, y, 1 + COL_POS + name_w, COL_NUM, 0, TR_HEADER, "Number");
    view_text(c, y, 1 + COL_POS + name_w + COL_NUM, COL_QUEUE, 0, TR_HEADER, "Queue");
    view_text(c, y, 1 + COL_POS + name_w + COL_NUM + COL_QUEUE, COL_WAIT, 0, TR_HEADER, "Wait");
    y++;
    int rows = r.y + r.h - y;
    if (shown == 0) {
        view_text(c, y + 1, 3, r.w - 4, 0, TR_DIM,
                  m->n_waiting ? "No waiting caller matches the filter." : "No one is waiting.");
        return;
    }
    size_t sel = 0; /* the selection's place among the shown callers */
    for (size_t i = 0; i < m->queue_sel && i < m->n_waiting; i++)
        sel += (size_t)model_caller_shown(m, i);
    size_t top = rows > 0 && sel >= (size_t)rows ? sel - (size_t)rows + 1 : 0, k = 0;
    for (size_t i = 0; i < m->n_waiting && y < r.y + r.h; i++) {
        if (!model_caller_shown(m, i) || k++ < top)
            continue;
        draw_row(c, y++, r.w, &m->waiting[i], i == m->queue_sel);
    }
}
