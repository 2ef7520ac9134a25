/*
 * test_console_theme_curses: a theme applied to a real curses screen (newterm on a file, with
 * an explicit terminal type): one colour pair per role with the theme's colours, attributes
 * as A_* bits, 8-colour and NO_COLOR terminals falling back as theme_resolve says.
 */
#include "check.h"
#include "console/theme_curses.h"

#include <stdio.h>
#include <stdlib.h>

static SCREEN *open_screen(const char *term, FILE **out, FILE **in)
{
    *out = tmpfile();
    *in = tmpfile();
    if (!*out || !*in)
        return NULL;
    SCREEN *s = newterm(term, *out, *in);
    if (s) {
        start_color();
    }
    return s;
}

static void close_screen(SCREEN *s, FILE *out, FILE *in)
{
    endwin();
    delscreen(s);
    fclose(out);
    fclose(in);
}

TEST(pairs_for_256_colours)
{
    FILE *out, *in;
    SCREEN *s = open_screen("xterm-256color", &out, &in);
    CHECK(s != NULL);
    if (!s)
        return;
    CHECK(COLORS >= 256);
    struct theme t;
    theme_builtin(&t);
    theme_apply(&t, COLORS);
    short pair = -1;
    attr_t a = theme_attr(TR_SELECTED, &pair);
    CHECK_INT(pair, TR_SELECTED + 1);
    CHECK(a & A_BOLD);
    short fg, bg;
    CHECK_INT(pair_content(pair, &fg, &bg), OK);
    CHECK_INT(fg, 15);
    CHECK_INT(bg, 4);
    enum theme_role busy = theme_badge_role(DT_ERRCAT_BUSY);
    theme_attr(busy, &pair);
    CHECK_INT(pair_content(pair, &fg, &bg), OK);
    CHECK_INT(bg, 214);
    CHECK(theme_attr_pair(TR_SELECTED) == (A_BOLD | (attr_t)COLOR_PAIR(TR_SELECTED + 1)));
    /* out of range: nothing */
    CHECK(theme_attr(TR_COUNT, &pair) == A_NORMAL);
    CHECK_INT(pair, 0);
    close_screen(s, out, in);
}

TEST(eight_colours_and_no_color)
{
    FILE *out, *in;
    SCREEN *s = open_screen("xterm", &out, &in);
    CHECK(s != NULL);
    if (!s)
        return;
    struct theme t;
    theme_builtin(&t);
    theme_apply(&t, COLORS < 16 ? COLORS : 8);
    short pair = -1, fg, bg;
    theme_attr(theme_badge_role(DT_ERRCAT_BUSY), &pair);
    CHECK(pair > 0);
    CHECK_INT(pair_content(pair, &fg, &bg), OK);
    CHECK(bg >= 0 && bg < 8);
    setenv("NO_COLOR", "1", 1);
    theme_apply(&t, COLORS);
    attr_t a = theme_attr(TR_SELECTED, &pair);
    CHECK_INT(pair, 0);
    CHECK(a & A_REVERSE);
    unsetenv("NO_COLOR");
    close_screen(s, out, in);
}

TEST(no_colours_terminal)
{
    FILE *out, *in;
    SCREEN *s = open_screen("vt100", &out, &in);
    CHECK(s != NULL);
    if (!s)
        return;
    struct theme t;
    theme_builtin(&t);
    theme_apply(&t, has_colors() ? COLORS : 0);
    short pair = -1;
    attr_t a = theme_attr(TR_STATUS, &pair);
    CHECK_INT(pair, 0);
    CHECK(a & A_REVERSE);
    close_screen(s, out, in);
}

int main(void)
{
    unsetenv("NO_COLOR");
    RUN(pairs_for_256_colours);
    RUN(eight_colours_and_no_color);
    RUN(no_colours_terminal);
    return check_done();
}
