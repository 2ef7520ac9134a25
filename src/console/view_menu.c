/*
 * view_menu: the agent state menu (F5): available, on a break (the reason is asked on the
 * command line), offline; the current state marked.
 */
#include <string.h>

#include "console/view.h"

void view_menu_draw(const struct view_ctx *c)
{
    static const struct {
        const char *state, *label;
    } items[MODEL_MENU_ITEMS] = {
        {.state = "available", .label = "Available: take calls"},
        {.state = "break", .label = "Break (with a reason)"},
        {.state = "offline", .label = "Offline"},
    };
    const struct model *m = c->m;
    struct view_rect in = view_box(c, MODEL_MENU_ITEMS + 4, 40, TR_POPUP, "Your state");
    for (int i = 0; i < MODEL_MENU_ITEMS; i++) {
        int sel = (size_t)i == m->menu.selected;
        int cur = strcmp(m->agent.state, items[i].state) == 0;
        view_textf(c, in.y + i, in.x, in.w, 1, sel ? TR_SELECTED : TR_POPUP, "%s%s %s",
                   sel ? ">" : " ", cur ? "*" : " ", items[i].label);
    }
    view_text(c, in.y + in.h - 1, in.x, in.w, 0, TR_DIM, "Enter sets it, Esc closes");
}
