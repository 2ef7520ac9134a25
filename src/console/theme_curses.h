/*
 * theme_curses: a theme (console/theme.h) turned into curses colour pairs and attributes.
 * The only theme file that includes curses; the loop thread alone calls it, after
 * start_color(). Pair numbers are 1 + the role.
 */
#ifndef DIALTONE_CONSOLE_THEME_CURSES_H
#define DIALTONE_CONSOLE_THEME_CURSES_H

#include <curses.h>

#include "console/theme.h"

/*
 * Makes t the current theme: resolves it for ncolors (COLORS, or 0 for none) and NO_COLOR
 * (theme_resolve), and with colours calls use_default_colors() and init_pair() for each
 * role. Call it again after a :theme switch and redraw everything. Never fails: a terminal
 * that refuses a pair keeps the role's attributes only.
 */
void theme_apply(const struct theme *t, int ncolors);

/* The attributes (A_BOLD...) and colour pair of role r in the applied theme, for wattr_set;
 * *pair (may be NULL) is 0 when colours are off. Before any theme_apply: A_NORMAL, 0. */
attr_t theme_attr(enum theme_role r, short *pair);

/* The same as one value for wattron/wbkgdset: attributes | COLOR_PAIR(pair). */
attr_t theme_attr_pair(enum theme_role r);

#endif
