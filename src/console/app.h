/*
 * app: the console's terminal side. app.c owns curses, the loop, the keyboard and the
 * redraws; the view_*.c files draw the model into a window and nothing else (they read the
 * state, never change it). This header is the contract between them, private to src/console.
 */
#ifndef DIALTONE_CONSOLE_APP_H
#define DIALTONE_CONSOLE_APP_H

#include <curses.h>
#include <stdint.h>
#include <time.h>

struct model;
struct keymap;

/* The smallest terminal the console lays out in; below it, a "too small" message. */
#define APP_MIN_COLS 80
#define APP_MIN_ROWS 24

/*
 * Turns what wget_wch returned (rc OK with a character, KEY_CODE_YES with a KEY_* code) into
 * a keymap key (keymap.h): a code point, KM_KEY_*, or KM_CTRL(c). 0 for nothing the console
 * knows (other control characters, unknown keys, ERR). Pure.
 */
int app_key_from_curses(int rc, unsigned int wch);

/* What every view is given: the window to draw into (its whole size is the screen), the
 * state, the live key table and the time. All borrowed; views never keep them. */
struct view_ctx {
    WINDOW *w;
    const struct model *m;
    const struct keymap *km;
    int rows, cols;
    time_t now;      /* wall clock, for the status bar's clock */
    uint64_t now_ms; /* netloop_now_ms(), the clock the model's timers use */
};

/* Draws the whole screen for ctx: the status bar, the screen of the model's mode, popups,
 * toasts, the command line and the connection banner; or the "too small" message below
 * APP_MIN_COLS x APP_MIN_ROWS. Does not refresh. */
void view_draw(const struct view_ctx *ctx);

#endif
