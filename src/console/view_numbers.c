/*
 * view_numbers: the supervisors' bad-number review screen (Tab from the alerts). The numbers
 * flagged for review, latest failure first: the number, why it was flagged, the last
 * failure's code as a badge in its category's colour (as the history shows it), the failures
 * in all and in a row, and when the last one was. Under the list, the review under way: the
 * replacement being typed (with why it is refused), or the do-not-call question.
 */
#include <stdio.h>

#include "console/numlist.h"
#include "console/view.h"

#define COL_NUM   17
#define COL_CODE  21
#define COL_COUNT 7
#define COL_INROW 9
#define COL_LAST  13
#define COL_FIXED (COL_NUM + COL_CODE + COL_COUNT + COL_INROW + COL_LAST)

static int reason_width(int w)
{
    int n = w - 2 - COL_FIXED;
    return n < 8 ? 8 : n;
}

static void header(const struct view_ctx *c, int y, int w)
{
    int x = 1, rw = reason_width(w);
    view_fill(c, y, 0, w, TR_HEADER);
    view_text(c, y, x, COL_NUM - 1, 0, TR_HEADER, "Number");
    view_text(c, y, x += COL_NUM, rw - 1, 0, TR_HEADER, "Reason");
    view_text(c, y, x += rw, COL_CODE - 1, 0, TR_HEADER, "Code");
    view_textf(c, y, x += COL_CODE, COL_COUNT - 1, 0, TR_HEADER, "%*s", COL_COUNT - 1, "Count");
    view_textf(c, y, x += COL_COUNT, COL_INROW - 1, 0, TR_HEADER, "%*s", COL_INROW - 1, "In a row");
    view_text(c, y, x + COL_INROW + 1, COL_LAST - 1, 0, TR_HEADER, "Last seen");
}

static void number_row(const struct view_ctx *c, int y, int w, const struct numlist_row *n, int sel)
{
    enum theme_role base = sel ? TR_SELECTED : TR_NORMAL;
    char buf[32];
    int x = 1, rw = reason_width(w);
    view_fill(c, y, 0, w, base);
    view_text(c, y, x, COL_NUM - 1, 0, base, n->number);
    view_text(c, y, x += COL_NUM, rw - 1, 0, base, n->reason);
    x += rw;
    if (n->badge[0])
        view_textf(c, y, x, COL_CODE - 1, 0,
                   sel ? base : theme_badge_role((enum errors_category)n->category), "[%s]",
                   n->badge);
    else
        view_text(c, y, x, COL_CODE - 1, 0, base, "-");
    view_textf(c, y, x += COL_CODE, COL_COUNT - 1, 0, base, "%*lld", COL_COUNT - 1,
               (long long)n->count);
    view_textf(c, y, x += COL_COUNT, COL_INROW - 1, 0, base, "%*lld", COL_INROW - 1,
               (long long)n->in_row);
    view_text(c, y, x + COL_INROW + 1, COL_LAST - 1, 0, base,
              view_clock(c, n->last_ms, buf, sizeof buf));
}

/* The review under way, on row y. */
static void review_row(const struct view_ctx *c, int y, int w)
{
    const struct numlist *l = &c->m->numbers;
    int x = 1;
    if (l->mode == NUMLIST_CONFIRM) {
        view_textf(c, y, x, w - 2, 0, TR_WARNING,
                   "Mark %s do-not-call? Dialing it will be refused. (y/n)", l->target);
        return;
    }
    x += view_textf(c, y, x, w - 2, 0, TR_NORMAL, "Replacement for %s: ", l->target);
    view_fill(c, y, x, 24, TR_INPUT);
    int n = view_text(c, y, x, 23, 0, TR_INPUT, l->input);
    view_text(c, y, x + n, 1, 0, TR_SELECTED, " ");
    x += 25;
    if (l->input_msg[0])
        view_text(c, y, x, w - x - 1, 0, TR_ERROR, l->input_msg);
    else
        view_text(c, y, x, w - x - 1, 0, TR_DIM, "Enter saves, Esc cancels");
}

void view_numbers_draw(const struct view_ctx *c, struct view_rect r)
{
    const struct numlist *l = &c->m->numbers;
    if (r.h < 8)
        return;
    int y = r.y, bottom = r.y + r.h - 1;
    int x = 1 + view_text(c, y, 1, r.w - 2, 0, TR_HEADER, "Bad numbers");
    if (l->fetch.loaded)
        x += view_textf(c, y, x, r.w - x - 1, 0, l->n ? TR_WARNING : TR_OK,
                        "   %zu flagged for review", l->n);
    if (l->fetch.asking)
        view_text(c, y, x, r.w - x - 1, 0, TR_DIM, "   updating...");
    y++;
    static const struct view_hint hints[] = {
        {KA_NUM_FIXED, "fixed (new number)"},
        {KA_NUM_DNC, "do-not-call"},
        {KA_REFRESH, "refresh"},
        {KA_VIEW_ALERTS, "alerts"},
    };
    view_hints(c, bottom, 1, r.w - 2, KM_NUMBERS, hints, sizeof hints / sizeof hints[0]);
    if (l->mode != NUMLIST_IDLE)
        review_row(c, bottom - 1, r.w);
    if (!view_alerts_state(c, &y, r.w, "flagged numbers", &l->fetch, l->message))
        return;
    header(c, y++, r.w);
    if (l->n == 0) {
        view_text(c, y, 3, r.w - 4, 0, TR_DIM, "No number is waiting for review.");
        return;
    }
    int rows = bottom - 2 - y;
    if (rows < 1)
        rows = 1;
    size_t top = l->sel >= (size_t)rows ? l->sel - (size_t)rows + 1 : 0;
    for (size_t i = top; i < l->n && (int)(i - top) < rows; i++)
        number_row(c, y++, r.w, &l->rows[i], i == l->sel);
}
