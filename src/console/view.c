/*
 * view: the screen's layout. The status bar on the first row, the connection banner under it
 * when the daemon is not live, the current screen in the middle, the command line (or the
 * last command's message) and the F-key legend at the bottom; then, on top, in the order the
 * keyboard sees them from below: the wrap-up form, the offer popup, the transfer dialog, the
 * state menu, toasts and the help. Below APP_MIN_COLS x APP_MIN_ROWS only a "terminal too
 * small" message. Resizing is just drawing again with the new size.
 */
#include <stdio.h>

#include "console/sanitize.h"
#include "console/theme_curses.h"
#include "console/view.h"

void view_small_draw(const struct view_ctx *c)
{
    char size[128];
    snprintf(size, sizeof size, "%dx%d: dialtone needs at least %dx%d.", c->cols, c->rows,
             APP_MIN_COLS, APP_MIN_ROWS);
    const char *const lines[] = {"Terminal too small", size,
                                 "Enlarge the window, or press F10 to quit."};
    int y = c->rows / 2 - 1;
    if (y < 0)
        y = 0;
    for (int i = 0; i < 3; i++, y++) {
        int w = tx_width(lines[i]);
        int x = w < c->cols ? (c->cols - w) / 2 : 0;
        view_text(c, y, x, c->cols - x, 0, i == 0 ? TR_WARNING : TR_NORMAL, lines[i]);
    }
}

static void draw_screen(const struct view_ctx *c, struct view_rect body)
{
    const struct model *m = c->m;
    switch (m->screen) {
    case MODEL_SCR_QUEUE:
        view_queue_draw(c, body);
        break;
    case MODEL_SCR_CALL:
        if (m->wrapup.open)
            view_wrapup_draw(c, body);
        else
            view_call_draw(c, body);
        break;
    case MODEL_SCR_DIALPAD:
        view_dialpad_draw(c, body);
        break;
    case MODEL_SCR_HISTORY:
        view_history_draw(c, body);
        break;
    case MODEL_SCR_DETAIL:
        view_detail_draw(c, body);
        break;
    case MODEL_SCR_BOARD:
        view_board_draw(c, body);
        break;
    case MODEL_SCR_ERRORS:
        view_errors_draw(c, body);
        break;
    case MODEL_SCR_ALERTS:
        view_alerts_draw(c, body);
        break;
    case MODEL_SCR_NUMBERS:
        view_numbers_draw(c, body);
        break;
    case MODEL_SCR_REPORTS:
        view_reports_draw(c, body);
        break;
    }
}

void view_draw(const struct view_ctx *c)
{
    const struct model *m = c->m;
    wbkgdset(c->w, ' ' | theme_attr_pair(TR_NORMAL));
    if (c->rows < APP_MIN_ROWS || c->cols < APP_MIN_COLS) {
        view_small_draw(c);
        return;
    }
    for (int y = 0; y < c->rows; y++)
        view_fill(c, y, 0, c->cols, TR_NORMAL);
    view_status_draw(c, 0);
    int top = 1;
    if (m->conn.state != CLIENT_LIVE)
        view_banner_draw(c, top++);
    struct view_rect body = {.y = top, .x = 0, .h = c->rows - 2 - top, .w = c->cols};
    draw_screen(c, body);
    if (m->popup_sid[0])
        view_offer_draw(c);
    if (m->transfer.open)
        view_transfer_draw(c);
    if (m->menu.open)
        view_menu_draw(c);
    if (m->screen == MODEL_SCR_BOARD && m->board.menu_open)
        view_board_menu_draw(c);
    view_toasts_draw(c, c->rows - 3);
    view_prompt_draw(c, c->rows - 2);
    view_legend_draw(c, c->rows - 1);
    if (m->help_open)
        view_help_draw(c);
}
