/*
 * view_history: the call history (F4), newest first, paged from the daemon as the selection
 * moves down. Columns: time, direction, number, name, duration, outcome and an error badge
 * ("[31486 busy]") in its category's colour; the filter above the list; whether more rows
 * are coming below it.
 */
#include <stdio.h>

#include "console/view.h"

#define COL_TIME  15
#define COL_DIR   5
#define COL_NUM   18
#define COL_DUR   9
#define COL_OUT   13
#define COL_BADGE 22

size_t view_history_top(const struct model_history *h, int rows)
{
    size_t top = h->top;
    if (rows <= 0)
        return h->selected;
    if (h->selected < top)
        top = h->selected;
    if (h->selected >= top + (size_t)rows)
        top = h->selected - (size_t)rows + 1;
    if (top > h->count)
        top = h->count;
    return top;
}

static int name_width(int w)
{
    int n = w - 2 - COL_TIME - COL_DIR - COL_NUM - COL_DUR - COL_OUT - COL_BADGE;
    return n < 4 ? 4 : n;
}

static void draw_header(const struct view_ctx *c, int y, int w)
{
    static const char *const titles[] = {"Time",     "Dir",     "Number", "Name",
                                         "Duration", "Outcome", "Error"};
    const int widths[] = {COL_TIME, COL_DIR, COL_NUM, name_width(w), COL_DUR, COL_OUT, COL_BADGE};
    view_fill(c, y, 0, w, TR_HEADER);
    int x = 1;
    for (int i = 0; i < 7; i++) {
        view_text(c, y, x, widths[i] - 1, 0, TR_HEADER, titles[i]);
        x += widths[i];
    }
}

static void draw_row(const struct view_ctx *c, int y, int w, const struct model_hist_row *row,
                     int selected)
{
    enum theme_role role = selected ? TR_SELECTED : TR_NORMAL;
    char buf[64];
    int nw = name_width(w);
    view_fill(c, y, 0, w, role);
    int x = 1;
    view_text(c, y, x, COL_TIME - 1, 0, role, view_clock(c, row->created_ms, buf, sizeof buf));
    x += COL_TIME;
    view_text(c, y, x, COL_DIR - 1, 0, role, row->outbound ? "out" : "in");
    x += COL_DIR;
    view_text(c, y, x, COL_NUM - 1, 0, role, row->number);
    x += COL_NUM;
    view_text(c, y, x, nw - 1, 0, role, row->name);
    x += nw;
    view_text(c, y, x, COL_DUR - 1, 0, role, view_duration(row->duration_s, buf, sizeof buf));
    x += COL_DUR;
    view_text(c, y, x, COL_OUT - 1, 0, role, row->outcome[0] ? row->outcome : row->status);
    x += COL_OUT;
    if (row->badge[0])
        view_textf(c, y, x, COL_BADGE - 1, 0, theme_badge_role((enum errors_category)row->category),
                   "[%s]", row->badge);
}

static void draw_filter(const struct view_ctx *c, int y, int w)
{
    const struct model_history *h = &c->m->history;
    int x = 1;
    if (h->filter_editing) {
        x += view_text(c, y, x, w, 0, TR_NORMAL, "Filter: ");
        x += view_text(c, y, x, w - x - 1, 0, TR_INPUT, h->filter_edit);
        view_text(c, y, x, 1, 0, TR_SELECTED, " ");
        view_text(c, y, x + 2, w - x - 3, 0, TR_DIM,
                  "  (number, name, outcome, error code or text; Enter applies, Esc cancels)");
    } else if (h->filter[0]) {
        view_textf(c, y, x, w - 2, 0, TR_NORMAL, "Filter: %s   (/ changes it)", h->filter);
    } else {
        view_text(c, y, x, w - 2, 0, TR_DIM, "All calls, newest first   (/ filters)");
    }
}

void view_history_draw(const struct view_ctx *c, struct view_rect r)
{
    const struct model_history *h = &c->m->history;
    if (r.h < 5)
        return;
    view_textf(c, r.y, 1, r.w - 2, 0, TR_HEADER, "Call history%s", h->loading ? "  (loading)" : "");
    draw_filter(c, r.y + 1, r.w);
    draw_header(c, r.y + 2, r.w);
    int y = r.y + 3, rows = r.h - 4;
    int searching = h->loaded && (h->loading || h->follow_due);
    char msg[256];
    if (h->count == 0) {
        if (h->message[0])
            snprintf(msg, sizeof msg, "%s", h->message);
        else if (!h->loaded)
            snprintf(msg, sizeof msg, "Loading...");
        else if (searching)
            snprintf(msg, sizeof msg, "Searching older calls... (%d pages read)", h->searched);
        else if (h->filter[0] && h->has_more)
            snprintf(msg, sizeof msg,
                     "No match in the newest %d pages of calls: Down searches older ones.",
                     h->searched);
        else
            snprintf(msg, sizeof msg, "%s",
                     h->filter[0] ? "No call matches the filter." : "No calls yet.");
        view_text(c, y + 1, 3, r.w - 4, 0, h->message[0] ? TR_ERROR : TR_DIM, msg);
        return;
    }
    size_t top = view_history_top(h, rows);
    for (size_t i = top; i < h->count && y < r.y + 3 + rows; i++, y++)
        draw_row(c, y, r.w, &h->rows[i], i == h->selected);
    char foot[1024];
    if (h->message[0])
        snprintf(foot, sizeof foot, "%s", h->message);
    else
        snprintf(foot, sizeof foot, "row %zu of %zu%s", h->dropped + h->selected + 1,
                 h->dropped + h->count,
                 searching && h->searched > 1 ? ", searching older calls..."
                 : h->loading                 ? ", loading more"
                 : h->has_more                ? ", more below"
                                              : ", the end");
    view_text(c, r.y + r.h - 1, 1, r.w - 2, 0, h->message[0] ? TR_ERROR : TR_DIM, foot);
}
