/*
 * view_prompt: the bottom of the screen above the legend. The `:` command line while it is
 * open (else what the last command said), and the toasts stacked above it, newest lowest,
 * in their level's colour.
 */
#include "console/sanitize.h"
#include "console/view.h"

void view_prompt_draw(const struct view_ctx *c, int y)
{
    const struct model_prompt *p = &c->m->prompt;
    if (p->open) {
        int x = view_text(c, y, 0, c->cols, 0, TR_INPUT, ":");
        x += view_text(c, y, x, c->cols - x - 1, 0, TR_INPUT, p->text);
        view_text(c, y, x, 1, 0, TR_SELECTED, " ");
    } else if (p->message[0]) {
        view_text(c, y, 0, c->cols, 0, view_level_role(p->message_level), p->message);
    }
}

void view_toasts_draw(const struct view_ctx *c, int bottom)
{
    const struct model *m = c->m;
    int maxw = c->cols - 2;
    int y = bottom;
    for (size_t i = m->n_toasts; i-- > 0 && y > 1; y--) {
        const struct model_toast *t = &m->toasts[i];
        int w = tx_width(t->text) + 2;
        if (w > maxw)
            w = maxw;
        int x = c->cols - w - 1;
        /* what the toast covers is not left half-cut beside it: a wide toast takes its row,
         * a narrow one keeps a blank column to its left */
        if (w > c->cols / 2)
            view_fill(c, y, 0, x, TR_NORMAL);
        else if (x > 0)
            view_fill(c, y, x - 1, 1, TR_NORMAL);
        view_fill(c, y, x, w, view_level_role(t->level));
        view_text(c, y, x + 1, w - 2, 0, view_level_role(t->level), t->text);
    }
}
