/*
 * console_view_fixture: the console's views drawn from a model into curses' screen on a null
 * terminal (newterm on /dev/null with a fixed size) and read back as a person would see them:
 * a row as UTF-8, the row holding a text, a text's column, a cell's colour role.
 */
#ifndef DIALTONE_TEST_CONSOLE_VIEW_FIXTURE_H
#define DIALTONE_TEST_CONSOLE_VIEW_FIXTURE_H

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "console/keymap.h"
#include "console/model.h"
#include "console/theme.h"
#include "console/theme_curses.h"
#include "console/view.h"

static struct keymap *km; /* the key table the views draw their legends and help from */
static SCREEN *vf_scr;
static FILE *vf_out, *vf_in;

/* Opens the null terminal with the built-in theme; exits when curses cannot. */
static inline void screen_open(void)
{
    vf_out = fopen("/dev/null", "w");
    vf_in = fopen("/dev/null", "r");
    vf_scr = newterm("xterm-256color", vf_out, vf_in);
    if (!vf_scr) {
        printf("newterm failed\n");
        exit(1);
    }
    set_term(vf_scr);
    start_color();
    struct theme t;
    theme_builtin(&t);
    theme_apply(&t, COLORS);
}

static inline void screen_close(void)
{
    endwin();
    delscreen(vf_scr);
    fclose(vf_out);
    fclose(vf_in);
}

/* Row y of the screen as UTF-8, trailing blanks dropped (a static buffer). */
static inline const char *row(int y)
{
    static char out[2048];
    wchar_t w[512];
    int n = mvwinnwstr(stdscr, y, 0, w, 511);
    if (n < 0)
        n = 0;
    w[n] = L'\0';
    size_t k = wcstombs(out, w, sizeof out - 1);
    if (k == (size_t)-1)
        k = 0;
    out[k] = '\0';
    while (k > 0 && out[k - 1] == ' ')
        out[--k] = '\0';
    return out;
}

/* The first row holding s, or -1. */
static inline int find(const char *s)
{
    for (int y = 0; y < LINES; y++)
        if (strstr(row(y), s))
            return y;
    return -1;
}

/* The column where s starts on row y, or -1 (s ASCII, the row before it too). */
static inline int col_of(int y, const char *s)
{
    const char *r = row(y), *p = strstr(r, s);
    return p ? (int)(p - r) : -1;
}

/* 1 when the cell at (y, x) is drawn in role r's colour pair. */
static inline int cell_is(int y, int x, enum theme_role r)
{
    cchar_t cc;
    if (y < 0 || x < 0 || mvwin_wch(stdscr, y, x, &cc) == ERR)
        return 0;
    wchar_t wch[CCHARW_MAX + 1];
    attr_t attrs;
    short pair, want;
    getcchar(&cc, wch, &attrs, &pair, NULL);
    theme_attr(r, &want);
    return pair == want;
}

/* Draws m at rows x cols; DIALTONE_VIEWS_DUMP set prints the screen, to look at it while
 * changing a view. */
static inline void draw(struct model *m, int rows, int cols)
{
    resizeterm(rows, cols);
    model_resize(m, rows, cols);
    struct view_ctx c = {
        .w = stdscr,
        .m = m,
        .km = km,
        .rows = LINES,
        .cols = COLS,
        .now = (time_t)(m->clock.wall_ms / 1000),
        .now_ms = m->clock.mono_ms,
    };
    werase(stdscr);
    view_draw(&c);
    if (getenv("DIALTONE_VIEWS_DUMP"))
        for (int y = 0; y < LINES; y++)
            printf("%2d|%s\n", y, row(y));
}

#endif
