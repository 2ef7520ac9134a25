/*
 * theme: the console's colours, named by role ("selected", "badge.busy"), never by raw
 * colour. A theme file maps each role to a foreground, a background and attributes; a
 * compiled-in theme makes sure the console always starts. theme.c is pure (no curses):
 * loading, searching and degrading colours; theme_curses.c turns a theme into curses pairs.
 *
 * File format (themes/NAME.theme), one role per line, '#' or ';' starts a comment line:
 *     role = FG BG [bold] [underline] [reverse] [dim]
 * FG and BG are "default" (the terminal's own), a name (black red green yellow blue magenta
 * cyan white), "bright" + a name (brightred: colours 8-15), or a number 0-255. A role the
 * file leaves out takes its parent's style (see theme_role_parent): badge.* take "error",
 * status.* take "status", and so on up to "normal", which defaults to "default default".
 *
 * Search path for a theme NAME (letters, digits, '-', '_'): $DIALTONE_THEMES/NAME.theme,
 * $XDG_CONFIG_HOME/dialtone/themes/NAME.theme (else ~/.config/dialtone/themes/), then
 * ../share/dialtone/themes/ beside the executable (an install), then themes/ one and two
 * directories above the executable's (the source tree, for build/dialtone and
 * build/san/dialtone). "builtin" is the compiled-in theme.
 */
#ifndef DIALTONE_CONSOLE_THEME_H
#define DIALTONE_CONSOLE_THEME_H

#include <stddef.h>

#include "dialtone/errors.h"

enum theme_role {
    TR_NORMAL,
    TR_STATUS,
    TR_STATUS_LIVE,
    TR_STATUS_WARN,
    TR_LEGEND_KEY,
    TR_LEGEND_TEXT,
    TR_HEADER,
    TR_SELECTED,
    TR_WAITING,
    TR_OFFER,
    TR_ACTIVE,
    TR_HOLD,
    TR_WARNING,
    TR_ERROR,
    TR_OK,
    TR_DIM,
    TR_POPUP,
    TR_POPUP_TITLE,
    TR_TOAST,
    TR_BANNER,
    TR_INPUT,
    TR_BADGE_FIRST,
    /* one badge role per errors_category: TR_BADGE_FIRST + DT_ERRCAT_BUSY is "badge.busy" */
    TR_BADGE_LAST = TR_BADGE_FIRST + DT_ERRCAT_COUNT - 1,
    TR_COUNT
};

/* The badge role of an error category (TR_BADGE_FIRST + c; "badge.other" out of range). */
enum theme_role theme_badge_role(enum errors_category c);

/* Attributes, the theme's own bits (theme_curses.c maps them to A_*). */
enum {
    THEME_BOLD = 1u << 0,
    THEME_UNDERLINE = 1u << 1,
    THEME_REVERSE = 1u << 2,
    THEME_DIM = 1u << 3,
};

#define THEME_DEFAULT_COLOR (-1)
#define THEME_NAME_MAX      64

struct theme_style {
    short fg, bg;   /* THEME_DEFAULT_COLOR or 0-255 */
    unsigned attrs; /* THEME_* bits */
};

/* A theme: plain data, held by value. */
struct theme {
    char name[THEME_NAME_MAX];
    struct theme_style style[TR_COUNT];
};

/* Name of a role ("selected", "status.live", "badge.bad-number"); NULL out of range. */
const char *theme_role_name(enum theme_role r);
/* The role named name, or -1. */
int theme_role_from_name(const char *name);
/* The role whose style r takes when a file leaves r out; r itself for TR_NORMAL. */
enum theme_role theme_role_parent(enum theme_role r);

/* A colour name or number ("brightred", "default", "208") into *color. 0, or DT_EINVAL. */
int theme_color_parse(const char *s, short *color);

/* The compiled-in theme, named "builtin" (the same as themes/default.theme). */
void theme_builtin(struct theme *t);

/*
 * Parses theme text[0..len) named name (used as t->name and, with a line number, in errors:
 * "NAME:LINE: unknown role 'x'") into *t. Errors: unknown role, duplicate role, bad colour,
 * unknown attribute, missing background, a line too long (over 199 bytes), a control
 * character or a line that is not `role = ...`. 0, or DT_EINVAL with the message in err;
 * *t is unchanged on error.
 */
int theme_parse(const char *name, const char *text, size_t len, struct theme *t, char *err,
                size_t errlen);

/* Reads and parses the file at path (at most 64 KiB); t->name is the file name without its
 * directory and ".theme". 0, DT_EIO/DT_ETOOBIG (cannot read), or DT_EINVAL as theme_parse. */
int theme_load_file(const char *path, struct theme *t, char *err, size_t errlen);

/* The first file for name along the search path, into path (n bytes). 0, DT_EINVAL (bad
 * name) or DT_ENOTFOUND (with the directories tried in err). */
int theme_find(const char *name, char *path, size_t n, char *err, size_t errlen);

/* theme_find then theme_load_file; name "builtin" gives theme_builtin. On error *t is
 * unchanged, and the caller keeps its current theme (or theme_builtin) and says why. */
int theme_load(const char *name, struct theme *t, char *err, size_t errlen);

/* Calls fn for each theme name found along the search path, each once, sorted, "builtin"
 * not included (for :theme and the next-theme key). Returns the number of names. */
typedef void (*theme_name_fn)(const char *name, void *user);
int theme_list(theme_name_fn fn, void *user);

/* The theme name after current in theme_list order (wrapping), or "builtin" when there is
 * none; into out (n bytes). */
void theme_next_name(const char *current, char *out, size_t n);

/* 1 when NO_COLOR is set and not empty. */
int theme_no_color(void);

/*
 * The colours a terminal with ncolors colours can show: 256 and more as is; 16 to 255
 * maps 16-255 to the nearest of the 16 basic colours; 8 to 15 maps bright colours to their
 * base (a bright foreground adds bold); fewer than 8, or no_color, drops colours for
 * "default" and adds each role's monochrome attributes (reverse for selected rows and bars,
 * bold for errors...) so that roles stay apart. Writes the result into *out (may be t).
 */
void theme_resolve(const struct theme *t, int ncolors, int no_color, struct theme *out);

/* One colour (0-255) as the nearest one of the first ncolors (16 or 8); -1 stays -1. */
short theme_color_degrade(short color, int ncolors);

#endif
