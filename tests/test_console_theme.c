/*
 * test_console_theme: every shipped theme loads; malformed lines are reported with file and
 * line; roles inherit; colours degrade 256 -> 16 -> 8; NO_COLOR leaves attributes only; the
 * search path and the theme list. HOME and XDG_CONFIG_HOME point into a temporary directory.
 */
#include "check.h"
#include "console/theme.h"
#include "dialtone/util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/dt_theme_XXXXXX";

static const char *const shipped[] = {"default", "light", "high-contrast", "monochrome"};

static int parse(const char *text, struct theme *t, char *err, size_t errlen)
{
    return theme_parse("t.theme", text, strlen(text), t, err, errlen);
}

TEST(shipped_themes_load)
{
    char err[256], path[512];
    for (size_t i = 0; i < sizeof shipped / sizeof shipped[0]; i++) {
        struct theme t;
        snprintf(path, sizeof path, "themes/%s.theme", shipped[i]);
        err[0] = '\0';
        CHECK_INT(theme_load_file(path, &t, err, sizeof err), 0);
        if (err[0])
            printf("  %s\n", err);
        CHECK_STR(t.name, shipped[i]);
        /* found by name along the search path too */
        struct theme u;
        CHECK_INT(theme_load(shipped[i], &u, err, sizeof err), 0);
        CHECK(memcmp(&t, &u, sizeof t) == 0);
    }
}

TEST(builtin_is_default_theme)
{
    struct theme def, b;
    char err[256];
    CHECK_INT(theme_load_file("themes/default.theme", &def, err, sizeof err), 0);
    theme_builtin(&b);
    CHECK_STR(b.name, "builtin");
    for (int r = 0; r < TR_COUNT; r++) {
        if (memcmp(&def.style[r], &b.style[r], sizeof b.style[r]) != 0)
            CHECK_STR(theme_role_name((enum theme_role)r), "differs from the built-in theme");
    }
    struct theme t;
    CHECK_INT(theme_load("builtin", &t, err, sizeof err), 0);
    CHECK(memcmp(&t, &b, sizeof t) == 0);
}

TEST(monochrome_has_no_colours)
{
    struct theme t;
    char err[256];
    CHECK_INT(theme_load_file("themes/monochrome.theme", &t, err, sizeof err), 0);
    for (int r = 0; r < TR_COUNT; r++) {
        CHECK_INT(t.style[r].fg, THEME_DEFAULT_COLOR);
        CHECK_INT(t.style[r].bg, THEME_DEFAULT_COLOR);
    }
    CHECK(t.style[TR_SELECTED].attrs & THEME_REVERSE);
    CHECK(t.style[theme_badge_role(DT_ERRCAT_BUSY)].attrs & THEME_BOLD); /* inherited */
}

TEST(parse_and_inherit)
{
    struct theme t;
    char err[256] = "";
    CHECK_INT(parse("# comment\n; another\n\nnormal = white black\n"
                    "  error = brightred default bold underline\n"
                    "status=0 6\nbadge.busy = 214 0 reverse\n",
                    &t, err, sizeof err),
              0);
    CHECK_STR(err, "");
    CHECK_INT(t.style[TR_NORMAL].fg, 7);
    CHECK_INT(t.style[TR_NORMAL].bg, 0);
    CHECK_INT(t.style[TR_ERROR].fg, 9);
    CHECK_INT(t.style[TR_ERROR].bg, THEME_DEFAULT_COLOR);
    CHECK_INT(t.style[TR_ERROR].attrs, THEME_BOLD | THEME_UNDERLINE);
    CHECK_INT(t.style[theme_badge_role(DT_ERRCAT_BUSY)].fg, 214);
    CHECK_INT(t.style[theme_badge_role(DT_ERRCAT_BUSY)].attrs, THEME_REVERSE);
    /* left out: badges take error, status.live takes status, hold takes warning takes normal */
    CHECK(memcmp(&t.style[theme_badge_role(DT_ERRCAT_MEDIA)], &t.style[TR_ERROR],
                 sizeof t.style[0]) == 0);
    CHECK(memcmp(&t.style[TR_STATUS_LIVE], &t.style[TR_STATUS], sizeof t.style[0]) == 0);
    CHECK(memcmp(&t.style[TR_HOLD], &t.style[TR_NORMAL], sizeof t.style[0]) == 0);
    CHECK_STR(t.name, "t.theme");
    /* an empty file is "default default" everywhere */
    CHECK_INT(parse("", &t, err, sizeof err), 0);
    CHECK_INT(t.style[TR_SELECTED].fg, THEME_DEFAULT_COLOR);
}

TEST(malformed_lines)
{
    static const struct {
        const char *text, *msg;
    } bad[] = {
        {"normal = white black\nselcted = red blue\n", "t.theme:2: unknown role 'selcted'"},
        {"error = red\n", "t.theme:1: role 'error' needs a foreground and a background"},
        {"\n\nerror = red blakc\n", "t.theme:3: unknown colour 'blakc'"},
        {"error = 256 black\n", "t.theme:1: unknown colour '256'"},
        {"error = -1 black\n", "t.theme:1: unknown colour '-1'"},
        {"error = 007 black\n", "t.theme:1: unknown colour '007'"},
        {"error = brightdefault black\n", "t.theme:1: unknown colour"},
        {"error = red black blink\n", "t.theme:1: unknown attribute 'blink'"},
        {"error = red black\nerror = red black\n", "t.theme:2: duplicate role 'error'"},
        {"normal = red black\njust words\n", "t.theme:2: expected `role = FG BG"},
        {"[colors]\nerror = red black\n", "t.theme:1: theme files have no sections"},
        {"error = red\tblack\x01\n", "t.theme:1: control character"},
        {"badge.nope = red black\n", "t.theme:1: unknown role 'badge.nope'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct theme t;
        memset(&t, 0x5a, sizeof t);
        char err[256] = "";
        CHECK_INT(parse(bad[i].text, &t, err, sizeof err), DT_EINVAL);
        if (strncmp(err, bad[i].msg, strlen(bad[i].msg)) != 0)
            CHECK_STR(err, bad[i].msg);
        CHECK_INT(t.style[0].fg, 0x5a5a); /* untouched */
    }
}

TEST(long_lines_refused)
{
    char text[400];
    /* 199 bytes is the longest line: a comment of exactly 199 passes, 200 does not */
    memset(text, '#', 199);
    strcpy(text + 199, "\nerror = red black\n");
    struct theme t;
    char err[256] = "";
    CHECK_INT(parse(text, &t, err, sizeof err), 0);
    memset(text, '#', 200);
    strcpy(text + 200, "\nerror = red black\n");
    CHECK_INT(parse(text, &t, err, sizeof err), DT_EINVAL);
    CHECK(strstr(err, "t.theme:1: line too long") != NULL);
    /* a long line that is not the first */
    char text2[400] = "normal = red black\nerror = red black";
    size_t n = strlen(text2);
    memset(text2 + n, ' ', 250);
    strcpy(text2 + n + 250, "bold\n");
    CHECK_INT(parse(text2, &t, err, sizeof err), DT_EINVAL);
    CHECK(strstr(err, "t.theme:2: line too long") != NULL);
}

TEST(role_names)
{
    for (int r = 0; r < TR_COUNT; r++) {
        const char *n = theme_role_name((enum theme_role)r);
        CHECK(n != NULL);
        CHECK_INT(theme_role_from_name(n), r);
    }
    CHECK_STR(theme_role_name(theme_badge_role(DT_ERRCAT_BUSY)), "badge.busy");
    CHECK_STR(theme_role_name(theme_badge_role(DT_ERRCAT_BAD_NUMBER)), "badge.bad-number");
    CHECK_STR(theme_role_name(theme_badge_role(DT_ERRCAT_COUNT)), "badge.other");
    CHECK(theme_role_name(TR_COUNT) == NULL);
    CHECK_INT(theme_role_from_name("Selected"), -1);
    CHECK_INT(theme_role_parent(TR_STATUS_LIVE), TR_STATUS);
    CHECK_INT(theme_role_parent(theme_badge_role(DT_ERRCAT_BUSY)), TR_ERROR);
}

TEST(colour_names)
{
    short c;
    CHECK_INT(theme_color_parse("red", &c), 0);
    CHECK_INT(c, 1);
    CHECK_INT(theme_color_parse("BrightCyan", &c), 0);
    CHECK_INT(c, 14);
    CHECK_INT(theme_color_parse("default", &c), 0);
    CHECK_INT(c, -1);
    CHECK_INT(theme_color_parse("0", &c), 0);
    CHECK_INT(c, 0);
    CHECK_INT(theme_color_parse("255", &c), 0);
    CHECK_INT(c, 255);
    CHECK_INT(theme_color_parse("purple", &c), DT_EINVAL);
    CHECK_INT(theme_color_parse("12a", &c), DT_EINVAL);
    CHECK_INT(theme_color_parse("1000", &c), DT_EINVAL);
    CHECK_INT(theme_color_parse("", &c), DT_EINVAL);
}

TEST(degrade)
{
    /* 256: as is; 16: the cube and grey ramp to the nearest basic colour; 8: to the base */
    CHECK_INT(theme_color_degrade(208, 256), 208);
    CHECK_INT(theme_color_degrade(196, 16), 9);  /* pure red -> bright red */
    CHECK_INT(theme_color_degrade(21, 16), 4);   /* pure blue -> blue (0,0,238) */
    CHECK_INT(theme_color_degrade(231, 16), 15); /* white */
    CHECK_INT(theme_color_degrade(16, 16), 0);   /* black */
    CHECK_INT(theme_color_degrade(244, 16), 8);  /* mid grey */
    CHECK_INT(theme_color_degrade(9, 16), 9);
    CHECK_INT(theme_color_degrade(9, 8), 1);
    CHECK_INT(theme_color_degrade(15, 8), 7);
    CHECK_INT(theme_color_degrade(196, 8), 1);
    CHECK_INT(theme_color_degrade(-1, 8), -1);
    for (int c = 0; c < 256; c++) {
        CHECK(theme_color_degrade((short)c, 16) < 16);
        CHECK(theme_color_degrade((short)c, 8) < 8);
    }
}

TEST(resolve_every_theme)
{
    char err[256];
    for (size_t i = 0; i < sizeof shipped / sizeof shipped[0]; i++) {
        struct theme t, r;
        CHECK_INT(theme_load(shipped[i], &t, err, sizeof err), 0);
        static const int ncolors[] = {256, 16, 8};
        for (size_t k = 0; k < 3; k++) {
            theme_resolve(&t, ncolors[k], 0, &r);
            for (int role = 0; role < TR_COUNT; role++) {
                CHECK(r.style[role].fg < ncolors[k] && r.style[role].bg < ncolors[k]);
                /* never invisible text */
                if (r.style[role].fg >= 0 && r.style[role].fg == r.style[role].bg)
                    CHECK_STR(shipped[i], theme_role_name((enum theme_role)role));
            }
        }
    }
    struct theme t, r;
    theme_builtin(&t);
    theme_resolve(&t, 256, 0, &r);
    CHECK(memcmp(&t, &r, sizeof t) == 0);
    /* 8 colours: brightwhite on blue becomes bold white on blue */
    theme_resolve(&t, 8, 0, &r);
    CHECK_INT(r.style[TR_SELECTED].fg, 7);
    CHECK_INT(r.style[TR_SELECTED].bg, 4);
    CHECK(r.style[TR_SELECTED].attrs & THEME_BOLD);
    /* in place */
    theme_resolve(&t, 16, 0, &t);
    CHECK_INT(t.style[theme_badge_role(DT_ERRCAT_BUSY)].bg, theme_color_degrade(214, 16));
}

TEST(no_color_attributes_only)
{
    struct theme t, r;
    theme_builtin(&t);
    theme_resolve(&t, 256, 1, &r);
    for (int role = 0; role < TR_COUNT; role++) {
        CHECK_INT(r.style[role].fg, -1);
        CHECK_INT(r.style[role].bg, -1);
        /* the theme's own attributes stay */
        CHECK((r.style[role].attrs & t.style[role].attrs) == t.style[role].attrs);
    }
    CHECK(r.style[TR_SELECTED].attrs & THEME_REVERSE);
    CHECK(r.style[TR_STATUS].attrs & THEME_REVERSE);
    CHECK(r.style[TR_ERROR].attrs & THEME_BOLD);
    CHECK(r.style[theme_badge_role(DT_ERRCAT_BUSY)].attrs & THEME_BOLD);
    /* a terminal without colours: the same */
    struct theme r2;
    theme_resolve(&t, 2, 0, &r2);
    CHECK(memcmp(&r, &r2, sizeof r) == 0);
    setenv("NO_COLOR", "1", 1);
    CHECK_INT(theme_no_color(), 1);
    setenv("NO_COLOR", "", 1);
    CHECK_INT(theme_no_color(), 0);
    unsetenv("NO_COLOR");
    CHECK_INT(theme_no_color(), 0);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void on_name(const char *name, void *user)
{
    char *acc = user;
    strcat(acc, name);
    strcat(acc, ",");
}

TEST(search_path_and_list)
{
    char dir[256], path[600], err[512];
    /* a theme in $XDG_CONFIG_HOME/dialtone/themes shadows nothing shipped, adds "mine" */
    snprintf(dir, sizeof dir, "%s/xdg/dialtone/themes", tmpdir);
    char mk[300];
    snprintf(mk, sizeof mk, "%s/xdg", tmpdir);
    mkdir(mk, 0700);
    snprintf(mk, sizeof mk, "%s/xdg/dialtone", tmpdir);
    mkdir(mk, 0700);
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/mine.theme", dir);
    write_file(path, "selected = red blue\n");
    snprintf(path, sizeof path, "%s/broken.theme", dir);
    write_file(path, "selected = red\n");
    snprintf(path, sizeof path, "%s/bad name.theme", dir);
    write_file(path, "selected = red blue\n");

    struct theme t;
    CHECK_INT(theme_load("mine", &t, err, sizeof err), 0);
    CHECK_STR(t.name, "mine");
    CHECK_INT(t.style[TR_SELECTED].fg, 1);
    struct theme keep;
    theme_builtin(&keep);
    t = keep;
    CHECK_INT(theme_load("broken", &t, err, sizeof err), DT_EINVAL);
    CHECK(strstr(err, "broken.theme:1: role 'selected' needs") != NULL);
    CHECK(memcmp(&t, &keep, sizeof t) == 0);
    CHECK_INT(theme_load("nothere", &t, err, sizeof err), DT_ENOTFOUND);
    CHECK(strstr(err, "no theme 'nothere'") != NULL);
    CHECK_INT(theme_load("../etc/passwd", &t, err, sizeof err), DT_EINVAL);
    CHECK_INT(theme_load("", &t, err, sizeof err), DT_EINVAL);
    CHECK_INT(theme_find("mine", path, sizeof path, err, sizeof err), 0);
    CHECK(strstr(path, "/xdg/dialtone/themes/mine.theme") != NULL);

    char names[1024] = "";
    int n = theme_list(on_name, names);
    CHECK_STR(names, "broken,default,high-contrast,light,mine,monochrome,");
    CHECK_INT(n, 6);
    char next[64];
    theme_next_name("default", next, sizeof next);
    CHECK_STR(next, "high-contrast");
    theme_next_name("monochrome", next, sizeof next);
    CHECK_STR(next, "broken");
    theme_next_name("builtin", next, sizeof next);
    CHECK_STR(next, "broken");
}

int main(void)
{
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    char buf[300];
    setenv("HOME", tmpdir, 1);
    snprintf(buf, sizeof buf, "%s/xdg", tmpdir);
    setenv("XDG_CONFIG_HOME", buf, 1);
    char cwd[512];
    if (!getcwd(cwd, sizeof cwd - 8))
        return 1;
    strcat(cwd, "/themes");
    setenv("DIALTONE_THEMES", cwd, 1);
    unsetenv("NO_COLOR");

    RUN(shipped_themes_load);
    RUN(builtin_is_default_theme);
    RUN(monochrome_has_no_colours);
    RUN(parse_and_inherit);
    RUN(malformed_lines);
    RUN(long_lines_refused);
    RUN(role_names);
    RUN(colour_names);
    RUN(degrade);
    RUN(resolve_every_theme);
    RUN(no_color_attributes_only);
    RUN(search_path_and_list);

    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        printf("could not remove %s\n", tmpdir);
    return check_done();
}
