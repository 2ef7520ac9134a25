/*
 * theme_curses: see console/theme_curses.h. Keeps the applied theme's attributes and pairs
 * in a table of this file, read by the views through theme_attr.
 */
#include "console/theme_curses.h"

#include <stdlib.h>

static struct {
    attr_t attrs;
    short pair;
} applied[TR_COUNT];

static attr_t curses_attrs(unsigned a)
{
    attr_t r = A_NORMAL;
    if (a & THEME_BOLD)
        r |= A_BOLD;
    if (a & THEME_UNDERLINE)
        r |= A_UNDERLINE;
    if (a & THEME_REVERSE)
        r |= A_REVERSE;
    if (a & THEME_DIM)
        r |= A_DIM;
    return r;
}

void theme_apply(const struct theme *t, int ncolors)
{
    struct theme r;
    int colors = ncolors >= 8 && has_colors() && !theme_no_color();
    theme_resolve(t, colors ? ncolors : 0, !colors, &r);
    /* Without the terminal's own colours, "default" is white on black. */
    int defaults = colors && use_default_colors() == OK;
    for (int i = 0; i < TR_COUNT; i++) {
        applied[i].attrs = curses_attrs(r.style[i].attrs);
        applied[i].pair = 0;
        if (!colors || i + 1 >= COLOR_PAIRS)
            continue;
        short fg = r.style[i].fg, bg = r.style[i].bg;
        if (!defaults) {
            fg = fg < 0 ? COLOR_WHITE : fg;
            bg = bg < 0 ? COLOR_BLACK : bg;
        }
        if (init_pair((short)(i + 1), fg, bg) == OK)
            applied[i].pair = (short)(i + 1);
    }
}

attr_t theme_attr(enum theme_role r, short *pair)
{
    if ((unsigned)r >= TR_COUNT) {
        if (pair)
            *pair = 0;
        return A_NORMAL;
    }
    if (pair)
        *pair = applied[r].pair;
    return applied[r].attrs;
}

attr_t theme_attr_pair(enum theme_role r)
{
    short pair;
    attr_t a = theme_attr(r, &pair);
    return a | (attr_t)COLOR_PAIR(pair);
}
