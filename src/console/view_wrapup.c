/*
 * view_wrapup: the wrap-up form after a call. The dispositions as a list (the chosen one
 * selected), the notes being typed, and what the daemon said if it refused the form.
 */
#include <stdio.h>

#include "console/view.h"

void view_wrapup_draw(const struct view_ctx *c, struct view_rect r)
{
    const struct model_wrapup *wu = &c->m->wrapup;
    int x = 3, w = r.w - 6, y = r.y + 1;
    view_textf(c, y++, x, w, 0, TR_HEADER, "Wrap-up: call with %s",
               wu->party[0] ? wu->party : "(unknown)");
    y++;
    view_text(c, y++, x, w, 0, wu->notes_focus ? TR_DIM : TR_NORMAL, "Disposition:");
    int list_h = r.y + r.h - y - 6;
    if (list_h < 1)
        list_h = 1;
    size_t top = wu->selected >= (size_t)list_h ? wu->selected - (size_t)list_h + 1 : 0;
    for (size_t i = top; i < wu->n_dispos && (int)(i - top) < list_h; i++, y++) {
        int sel = i == wu->selected;
        enum theme_role role = sel ? (wu->notes_focus ? TR_ACTIVE : TR_SELECTED) : TR_NORMAL;
        view_fill(c, y, x, 40 < w ? 40 : w, role);
        view_textf(c, y, x, 40 < w ? 40 : w, 0, role, "%s %s", sel ? ">" : " ",
                   wu->dispos[i].label[0] ? wu->dispos[i].label : wu->dispos[i].code);
    }
    y++;
    view_text(c, y++, x, w, 0, wu->notes_focus ? TR_NORMAL : TR_DIM, "Notes:");
    int nx = x + view_text(c, y, x, w, 0, TR_INPUT, wu->notes);
    if (wu->notes_focus)
        view_text(c, y, nx, 1, 0, TR_SELECTED, " ");
    else if (!wu->notes[0])
        view_text(c, y, x, w, 0, TR_DIM, "(Tab to type notes)");
    y += 2;
    if (wu->submitting)
        view_text(c, y, x, w, 0, TR_DIM, "Saving...");
    else if (wu->message[0])
        view_text(c, y, x, w, 0, TR_ERROR, wu->message);
    view_text(c, r.y + r.h - 1, x, w, 0, TR_DIM,
              "Up/Down choose, Tab notes, Enter saves and makes you available");
}
