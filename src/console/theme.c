/*
 * theme: see console/theme.h. Files are read with inih through inifile (line numbers in
 * messages, long lines refused), each `role = FG BG [attributes]` checked here.
 * Roles a file leaves out inherit from their parent role, so a short theme file is a whole
 * theme. Pure: no curses (theme_curses.c turns the result into colour pairs).
 */
#include "console/theme.h"
#include "dialtone/inifile.h"
#include "dialtone/textfile.h"
#include "dialtone/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define THEME_LINE_MAX 199 /* what Debian's inih holds */
#define THEME_FILE_MAX (64 * 1024)

#define B          THEME_BOLD
#define U          THEME_UNDERLINE
#define RV         THEME_REVERSE
#define D          THEME_DIM
#define BADGE(cat) (TR_BADGE_FIRST + (cat))

/* Name, parent, and the attributes that keep a role apart without colours. */
static const struct {
    const char *name;
    enum theme_role parent;
    unsigned mono;
} roles[TR_COUNT] = {
    [TR_NORMAL] = {"normal", TR_NORMAL, 0},
    [TR_STATUS] = {"status", TR_NORMAL, RV},
    [TR_STATUS_LIVE] = {"status.live", TR_STATUS, RV | B},
    [TR_STATUS_WARN] = {"status.warn", TR_STATUS, RV | B},
    [TR_LEGEND_KEY] = {"legend.key", TR_NORMAL, B},
    [TR_LEGEND_TEXT] = {"legend.text", TR_STATUS, RV},
    [TR_HEADER] = {"header", TR_NORMAL, B | U},
    [TR_SELECTED] = {"selected", TR_NORMAL, RV},
    [TR_WAITING] = {"waiting", TR_NORMAL, 0},
    [TR_OFFER] = {"offer", TR_NORMAL, B},
    [TR_ACTIVE] = {"active", TR_NORMAL, B},
    [TR_HOLD] = {"hold", TR_WARNING, D},
    [TR_WARNING] = {"warning", TR_NORMAL, B},
    [TR_ERROR] = {"error", TR_NORMAL, B},
    [TR_OK] = {"ok", TR_NORMAL, 0},
    [TR_DIM] = {"dim", TR_NORMAL, D},
    [TR_POPUP] = {"popup", TR_NORMAL, 0},
    [TR_POPUP_TITLE] = {"popup.title", TR_POPUP, B | RV},
    [TR_TOAST] = {"toast", TR_POPUP, RV},
    [TR_BANNER] = {"banner", TR_WARNING, RV | B},
    [TR_INPUT] = {"input", TR_NORMAL, U},
    [BADGE(DT_ERRCAT_OTHER)] = {"badge.other", TR_ERROR, B},
    [BADGE(DT_ERRCAT_NETWORK)] = {"badge.network", TR_ERROR, B},
    [BADGE(DT_ERRCAT_BUSY)] = {"badge.busy", TR_ERROR, B},
    [BADGE(DT_ERRCAT_NO_ANSWER)] = {"badge.no-answer", TR_ERROR, B},
    [BADGE(DT_ERRCAT_DECLINED)] = {"badge.declined", TR_ERROR, B},
    [BADGE(DT_ERRCAT_CANCELED)] = {"badge.canceled", TR_ERROR, B},
    [BADGE(DT_ERRCAT_BAD_NUMBER)] = {"badge.bad-number", TR_ERROR, B},
    [BADGE(DT_ERRCAT_CARRIER)] = {"badge.carrier", TR_ERROR, B},
    [BADGE(DT_ERRCAT_BLOCKED)] = {"badge.blocked", TR_ERROR, B},
    [BADGE(DT_ERRCAT_ACCOUNT)] = {"badge.account", TR_ERROR, B},
    [BADGE(DT_ERRCAT_CONFIGURATION)] = {"badge.configuration", TR_ERROR, B},
    [BADGE(DT_ERRCAT_TWIML)] = {"badge.twiml", TR_ERROR, B},
    [BADGE(DT_ERRCAT_PLATFORM)] = {"badge.platform", TR_ERROR, B},
    [BADGE(DT_ERRCAT_RATE_LIMIT)] = {"badge.rate-limit", TR_ERROR, B},
    [BADGE(DT_ERRCAT_MEDIA)] = {"badge.media", TR_ERROR, B},
};

#define S(f, b, a)                                                                                 \
    {                                                                                              \
        .fg = (f), .bg = (b), .attrs = (a)                                                         \
    }
#define DEF THEME_DEFAULT_COLOR

/* The compiled-in theme: the same as themes/default.theme (a test keeps them equal). */
static const struct theme_style builtin[TR_COUNT] = {
    [TR_NORMAL] = S(DEF, DEF, 0),
    [TR_STATUS] = S(0, 6, 0),
    [TR_STATUS_LIVE] = S(0, 2, B),
    [TR_STATUS_WARN] = S(0, 3, B),
    [TR_LEGEND_KEY] = S(7, DEF, B),
    [TR_LEGEND_TEXT] = S(0, 6, 0),
    [TR_HEADER] = S(6, DEF, B),
    [TR_SELECTED] = S(15, 4, B),
    [TR_WAITING] = S(3, DEF, 0),
    [TR_OFFER] = S(0, 3, B),
    [TR_ACTIVE] = S(2, DEF, B),
    [TR_HOLD] = S(5, DEF, B),
    [TR_WARNING] = S(3, DEF, B),
    [TR_ERROR] = S(1, DEF, B),
    [TR_OK] = S(2, DEF, 0),
    [TR_DIM] = S(8, DEF, 0),
    [TR_POPUP] = S(7, 4, 0),
    [TR_POPUP_TITLE] = S(11, 4, B),
    [TR_TOAST] = S(15, 1, B),
    [TR_BANNER] = S(0, 3, B),
    [TR_INPUT] = S(DEF, DEF, U),
    [BADGE(DT_ERRCAT_OTHER)] = S(15, 240, 0),
    [BADGE(DT_ERRCAT_NETWORK)] = S(0, 208, 0),
    [BADGE(DT_ERRCAT_BUSY)] = S(0, 214, 0),
    [BADGE(DT_ERRCAT_NO_ANSWER)] = S(0, 180, 0),
    [BADGE(DT_ERRCAT_DECLINED)] = S(0, 180, 0),
    [BADGE(DT_ERRCAT_CANCELED)] = S(15, 244, 0),
    [BADGE(DT_ERRCAT_BAD_NUMBER)] = S(15, 160, B),
    [BADGE(DT_ERRCAT_CARRIER)] = S(0, 208, 0),
    [BADGE(DT_ERRCAT_BLOCKED)] = S(15, 90, B),
    [BADGE(DT_ERRCAT_ACCOUNT)] = S(15, 90, B),
    [BADGE(DT_ERRCAT_CONFIGURATION)] = S(15, 125, B),
    [BADGE(DT_ERRCAT_TWIML)] = S(15, 125, B),
    [BADGE(DT_ERRCAT_PLATFORM)] = S(0, 208, 0),
    [BADGE(DT_ERRCAT_RATE_LIMIT)] = S(0, 220, 0),
    [BADGE(DT_ERRCAT_MEDIA)] = S(0, 117, 0),
};

static const char *const color_names[8] = {"black", "red",     "green", "yellow",
                                           "blue",  "magenta", "cyan",  "white"};

static const struct {
    const char *name;
    unsigned bit;
} attr_names[] = {
    {"bold", B},
    {"underline", U},
    {"reverse", RV},
    {"dim", D},
};

/* ---- names --------------------------------------------------------------------------------- */

const char *theme_role_name(enum theme_role r)
{
    return (unsigned)r < TR_COUNT ? roles[r].name : NULL;
}

int theme_role_from_name(const char *name)
{
    for (int r = 0; name && r < TR_COUNT; r++)
        if (strcmp(roles[r].name, name) == 0)
            return r;
    return -1;
}

enum theme_role theme_role_parent(enum theme_role r)
{
    return (unsigned)r < TR_COUNT ? roles[r].parent : TR_NORMAL;
}

enum theme_role theme_badge_role(enum errors_category c)
{
    return (unsigned)c < DT_ERRCAT_COUNT ? (enum theme_role)BADGE(c) : BADGE(DT_ERRCAT_OTHER);
}

int theme_color_parse(const char *s, short *color)
{
    if (!s || !*s)
        return DT_EINVAL;
    if (strcasecmp(s, "default") == 0) {
        *color = DEF;
        return 0;
    }
    if (s[0] >= '0' && s[0] <= '9') {
        int v = 0;
        for (const char *p = s; *p; p++) {
            if (*p < '0' || *p > '9' || p - s >= 3)
                return DT_EINVAL;
            v = v * 10 + (*p - '0');
        }
        if (v > 255 || (s[0] == '0' && s[1]))
            return DT_EINVAL;
        *color = (short)v;
        return 0;
    }
    int bright = strncasecmp(s, "bright", 6) == 0;
    const char *base = bright ? s + 6 : s;
    for (int i = 0; i < 8; i++) {
        if (strcasecmp(base, color_names[i]) == 0) {
            *color = (short)(i + (bright ? 8 : 0));
            return 0;
        }
    }
    return DT_EINVAL;
}

void theme_builtin(struct theme *t)
{
    memset(t->name, 0, sizeof t->name);
    dt_strlcpy(t->name, "builtin", sizeof t->name);
    memcpy(t->style, builtin, sizeof t->style);
}

/* ---- parsing ------------------------------------------------------------------------------- */

struct tparse {
    struct inifile ini;
    struct theme_style style[TR_COUNT];
    unsigned char seen[TR_COUNT];
};

/* Outside text for a message: at most 40 bytes, anything but printable ASCII as '?'. */
static const char *shown(char *dst, size_t size, const char *s)
{
    inifile_printable(dst, size, s, strnlen(s, 40));
    return dst;
}

/* inifile's header hook. */
static int no_section(void *user, const char *line, size_t len)
{
    struct tparse *ps = user;
    (void)line;
    (void)len;
    return inifile_fail(&ps->ini,
                        "theme files have no sections: expected `role = FG BG [attributes]`");
}

static int on_pair(void *user, const char *section, const char *name, const char *value)
{
    struct tparse *ps = user;
    (void)section;
    char buf[48], v[THEME_LINE_MAX + 1];
    int r = theme_role_from_name(name);
    if (r < 0)
        return inifile_fail(&ps->ini, "unknown role '%s'", shown(buf, sizeof buf, name));
    if (ps->seen[r])
        return inifile_fail(&ps->ini, "duplicate role '%s'", name);
    dt_strlcpy(v, value, sizeof v);
    char *save = NULL, *tok[8];
    int n = 0;
    for (char *t = strtok_r(v, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
        if (n == 8)
            return inifile_fail(&ps->ini, "too many words for role '%s'", name);
        tok[n++] = t;
    }
    if (n < 2)
        return inifile_fail(&ps->ini,
                            "role '%s' needs a foreground and a background colour: `%s = FG BG "
                            "[bold|underline|reverse|dim]`",
                            name, name);
    struct theme_style st = {.attrs = 0};
    if (theme_color_parse(tok[0], &st.fg) != 0 || theme_color_parse(tok[1], &st.bg) != 0)
        return inifile_fail(
            &ps->ini, "unknown colour '%s' (default, a name such as red, brightred, or 0-255)",
            shown(buf, sizeof buf, theme_color_parse(tok[0], &st.fg) != 0 ? tok[0] : tok[1]));
    for (int i = 2; i < n; i++) {
        size_t a = 0;
        while (a < sizeof attr_names / sizeof attr_names[0] &&
               strcasecmp(attr_names[a].name, tok[i]) != 0)
            a++;
        if (a == sizeof attr_names / sizeof attr_names[0])
            return inifile_fail(&ps->ini, "unknown attribute '%s' (bold, underline, reverse, dim)",
                                shown(buf, sizeof buf, tok[i]));
        st.attrs |= attr_names[a].bit;
    }
    ps->style[r] = st;
    ps->seen[r] = 1;
    return 1;
}

/* Fills the roles the file left out from their parents. */
static void inherit(struct tparse *ps)
{
    if (!ps->seen[TR_NORMAL])
        ps->style[TR_NORMAL] = (struct theme_style){.fg = DEF, .bg = DEF, .attrs = 0};
    for (int r = 1; r < TR_COUNT; r++) {
        if (ps->seen[r])
            continue;
        enum theme_role p = roles[r].parent;
        for (int depth = 0; !ps->seen[p] && p != TR_NORMAL && depth < TR_COUNT; depth++)
            p = roles[p].parent;
        ps->style[r] = ps->style[p];
    }
}

static const struct inifile_ops theme_ini = {
    .line_max = THEME_LINE_MAX,
    .pair = on_pair,
    .header = no_section,
    .expected = "expected `role = FG BG [attributes]` or a comment",
};

int theme_parse(const char *name, const char *text, size_t len, struct theme *t, char *err,
                size_t errlen)
{
    if (!name)
        name = "<theme>";
    if (!text || !t)
        return dt_seterr(err, errlen, DT_EINVAL, "%s: no text", name);
    struct tparse *ps = xcalloc(1, sizeof *ps);
    if (inifile_parse(&ps->ini, text, len, &theme_ini, ps) != DT_OK) {
        int rc = inifile_error(&ps->ini, name, err, errlen);
        free(ps);
        return rc;
    }
    inherit(ps);
    memset(t->name, 0, sizeof t->name);
    dt_strlcpy(t->name, name, sizeof t->name);
    memcpy(t->style, ps->style, sizeof t->style);
    free(ps);
    return 0;
}

int theme_load_file(const char *path, struct theme *t, char *err, size_t errlen)
{
    if (!path || !t)
        return dt_seterr(err, errlen, DT_EINVAL, "no theme file name");
    struct dt_buf b;
    dt_buf_init(&b);
    int rc = textfile_read(path, THEME_FILE_MAX, &b, NULL, err, errlen);
    struct theme tmp;
    if (rc == 0)
        rc = theme_parse(path, b.data ? b.data : "", b.len, &tmp, err, errlen);
    dt_buf_done(&b);
    if (rc != 0)
        return rc;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > 6 && strcmp(base + n - 6, ".theme") == 0)
        n -= 6;
    if (n >= sizeof tmp.name)
        n = sizeof tmp.name - 1;
    memset(tmp.name, 0, sizeof tmp.name);
    memcpy(tmp.name, base, n);
    *t = tmp;
    return 0;
}

/* ---- colours a terminal can show ----------------------------------------------------------- */

static void rgb_of(int c, int rgb[3])
{
    static const unsigned char basic[16][3] = {
        {0, 0, 0},       {205, 0, 0},   {0, 205, 0},   {205, 205, 0},
        {0, 0, 238},     {205, 0, 205}, {0, 205, 205}, {229, 229, 229},
        {127, 127, 127}, {255, 0, 0},   {0, 255, 0},   {255, 255, 0},
        {92, 92, 255},   {255, 0, 255}, {0, 255, 255}, {255, 255, 255},
    };
    static const unsigned char level[6] = {0, 95, 135, 175, 215, 255};
    if (c < 16) {
        for (int i = 0; i < 3; i++)
            rgb[i] = basic[c][i];
    } else if (c < 232) {
        c -= 16;
        rgb[0] = level[c / 36];
        rgb[1] = level[(c / 6) % 6];
        rgb[2] = level[c % 6];
    } else {
        rgb[0] = rgb[1] = rgb[2] = 8 + 10 * (c - 232);
    }
}

static short nearest(int c, int among)
{
    int rgb[3], best = 0;
    long best_d = -1;
    rgb_of(c, rgb);
    for (int i = 0; i < among; i++) {
        int o[3];
        rgb_of(i, o);
        long d = 0;
        for (int k = 0; k < 3; k++)
            d += (long)(rgb[k] - o[k]) * (rgb[k] - o[k]);
        if (best_d < 0 || d < best_d) {
            best_d = d;
            best = i;
        }
    }
    return (short)best;
}

short theme_color_degrade(short color, int ncolors)
{
    if (color < 0 || color > 255 || ncolors >= 256)
        return color;
    if (ncolors >= 16)
        return color < 16 ? color : nearest(color, 16);
    return color < 16 ? (short)(color & 7) : nearest(color, 8);
}

/* Black or white, whichever shows on bg. */
static short contrast(short bg, int ncolors)
{
    int rgb[3];
    rgb_of(bg, rgb);
    int light = rgb[0] * 3 + rgb[1] * 6 + rgb[2] > 1280;
    return light ? 0 : (ncolors >= 16 ? 15 : 7);
}

int theme_no_color(void)
{
    const char *v = getenv("NO_COLOR");
    return v && *v;
}

void theme_resolve(const struct theme *t, int ncolors, int no_color, struct theme *out)
{
    if (out != t)
        *out = *t;
    for (int r = 0; r < TR_COUNT; r++) {
        struct theme_style *s = &out->style[r];
        if (no_color || ncolors < 8) {
            s->fg = s->bg = DEF;
            s->attrs |= roles[r].mono;
            continue;
        }
        if (ncolors < 16 && s->fg >= 8 && s->fg < 16)
            s->attrs |= B;
        s->fg = theme_color_degrade(s->fg, ncolors);
        s->bg = theme_color_degrade(s->bg, ncolors);
        if (s->fg == s->bg && s->fg >= 0)
            s->fg = contrast(s->bg, ncolors);
    }
}
