/*
 * view_help: the `?` help, built from the live keymap (so overrides from the config file
 * show): the keys of the context under the help first, then the global ones, each with its
 * description. Scrolled with Up/Down when it does not fit.
 */
#include <stdio.h>
#include <string.h>

#include "console/keymap.h"
#include "console/view.h"

#define HELP_LINES 96

struct help_lines {
    char text[HELP_LINES][160];
    int global[HELP_LINES];
    int n;
    int no_board; /* an agent: the supervisors' screens' keys are not for them */
};

static void add_line(enum km_context where, enum km_action action, const char *keys,
                     const char *desc, void *user)
{
    struct help_lines *h = user;
    if (h->n == HELP_LINES ||
        (h->no_board && (action == KA_VIEW_BOARD || action == KA_VIEW_ALERTS ||
                         action == KA_VIEW_NUMBERS || action == KA_VIEW_REPORTS)))
        return;
    snprintf(h->text[h->n], sizeof h->text[h->n], "%-18s %s", keys, desc);
    h->global[h->n] = where == KM_GLOBAL;
    h->n++;
}

/* The context the help is about: what has the keyboard under it. */
static enum km_context under_help(const struct model *m)
{
    static const enum km_context screens[] = {
        [MODEL_SCR_QUEUE] = KM_QUEUE,     [MODEL_SCR_CALL] = KM_CALL,
        [MODEL_SCR_DIALPAD] = KM_DIALPAD, [MODEL_SCR_HISTORY] = KM_HISTORY,
        [MODEL_SCR_DETAIL] = KM_DETAIL,   [MODEL_SCR_BOARD] = KM_BOARD,
        [MODEL_SCR_ERRORS] = KM_ERRORS,   [MODEL_SCR_ALERTS] = KM_ALERTS,
        [MODEL_SCR_NUMBERS] = KM_NUMBERS, [MODEL_SCR_REPORTS] = KM_REPORTS,
    };
    if (m->menu.open || (m->screen == MODEL_SCR_BOARD && m->board.menu_open))
        return KM_MENU;
    if (m->popup_sid[0])
        return KM_OFFER;
    if (m->screen == MODEL_SCR_CALL && m->wrapup.open)
        return KM_WRAPUP;
    return (unsigned)m->screen < sizeof screens / sizeof screens[0] ? screens[m->screen]
                                                                    : KM_GLOBAL;
}

void view_help_draw(const struct view_ctx *c)
{
    static struct help_lines h; /* the loop thread's only: too big for the stack */
    h.n = 0;
    h.no_board = strcmp(c->m->agent.role, "supervisor") != 0;
    enum km_context ctx = under_help(c->m);
    km_help(c->km, ctx, add_line, &h);
    struct view_rect in = view_box(c, c->rows - 4, 76, TR_POPUP, "Keys");
    int y = in.y;
    view_textf(c, y++, in.x, in.w, 0, TR_POPUP_TITLE, "On this screen (%s):", km_context_name(ctx));
    int was_global = 0;
    int rows = in.h - 2;
    size_t skip = c->m->help_scroll;
    for (int i = 0; i < h.n && y < in.y + rows; i++) {
        if (h.global[i] && !was_global) {
            was_global = 1;
            if (skip == 0) {
                y++;
                view_text(c, y++, in.x, in.w, 0, TR_POPUP_TITLE, "Everywhere:");
            }
        }
        if (skip > 0) {
            skip--;
            continue;
        }
        if (y < in.y + rows)
            view_text(c, y++, in.x, in.w, 0, TR_POPUP, h.text[i]);
    }
    view_text(c, in.y + in.h - 1, in.x, in.w, 0, TR_DIM,
              "Up/Down scroll, Esc closes; console.conf [keys] rebinds keys");
}
