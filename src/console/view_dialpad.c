/*
 * view_dialpad: the dialpad (F3). The number being typed, the validation or progress
 * message, the progress of an outbound call in words, and the recent numbers (Up/Down put
 * one in).
 */
#include <stdio.h>

#include "console/view.h"

void view_dialpad_draw(const struct view_ctx *c, struct view_rect r)
{
    const struct model *m = c->m;
    const struct model_dialpad *d = &m->dialpad;
    int x = 3, w = r.w - 6, y = r.y + 1;
    view_textf(c, y++, x, w, 0, TR_HEADER, "Dial a number (default country %s)", m->country);
    y++;
    int cx = x + view_text(c, y, x, w, 0, TR_NORMAL, "Number: ");
    view_fill(c, y, cx, 32, TR_INPUT);
    int n = view_text(c, y, cx, 31, 0, TR_INPUT, d->buf);
    view_text(c, y, cx + n, 1, 0, TR_SELECTED, " ");
    y += 2;
    if (d->message[0])
        view_text(c, y, x, w, 0, view_level_role(d->message_level), d->message);
    y++;
    const struct model_call *k = &m->call;
    if (k->outbound && k->phase != MODEL_CALL_NONE)
        view_textf(c, y, x, w, 0, k->phase == MODEL_CALL_CONNECTED ? TR_ACTIVE : TR_NORMAL,
                   "Call to %s: %s", k->number, k->progress[0] ? k->progress : k->status);
    y += 2;
    view_text(c, y++, x, w, 0, TR_HEADER, "Recent numbers");
    if (d->n_recent == 0)
        view_text(c, y, x, w, 0, TR_DIM, "(none yet)");
    for (size_t i = 0; i < d->n_recent && y < r.y + r.h - 1; i++, y++) {
        int sel = d->recent_sel == (int)i;
        view_textf(c, y, x, 32 < w ? 32 : w, 1, sel ? TR_SELECTED : TR_NORMAL, " %s", d->recent[i]);
    }
    view_text(c, r.y + r.h - 1, x, w, 0, TR_DIM,
              "Enter dials, Up/Down recent numbers, C-u clears, Esc goes back");
}
