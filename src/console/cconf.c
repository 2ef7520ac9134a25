/*
 * cconf: see console/cconf.h. The file is read with inih through inifile (line numbers in
 * messages, lines over 199 bytes refused), as dialtone.conf is; the [keys] lines are checked
 * against a scratch keymap as they are read, so that a bad override is reported with its line
 * before the console starts. The token never appears in a message.
 */
#include "console/cconf.h"
#include "console/dialnum.h"
#include "dialtone/inifile.h"
#include "dialtone/textfile.h"
#include "dialtone/util.h"
#include "dialtone/valid.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CCONF_LINE_MAX 199 /* what Debian's inih holds */

static void wipe(void *p, size_t n)
{
    volatile unsigned char *v = p;
    while (p && n--)
        *v++ = 0;
}

void cconf_init(struct cconf *c)
{
    memset(c, 0, sizeof *c);
}

void cconf_done(struct cconf *c)
{
    if (c)
        wipe(c->token, sizeof c->token);
}

int cconf_default_path(char *buf, size_t n, char *err, size_t errlen)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    int w;
    if (xdg && xdg[0] == '/')
        w = snprintf(buf, n, "%s/dialtone/console.conf", xdg);
    else if (home && home[0])
        w = snprintf(buf, n, "%s/.config/dialtone/console.conf", home);
    else
        return dt_seterr(err, errlen, DT_ENOTFOUND,
                         "neither XDG_CONFIG_HOME nor HOME is set: no place for console.conf");
    if (w < 0 || (size_t)w >= n)
        return dt_seterr(err, errlen, DT_ETOOBIG, "the path of console.conf is too long");
    return 0;
}

/* ---- checks shared by the file and the environment ----------------------------------------- */

/* NULL when value is good for key, else why not. */
static const char *check_value(const char *key, const char *v)
{
    size_t n = strlen(v);
    if (strcmp(key, "server") == 0) {
        if (n >= CCONF_SERVER_MAX || !valid_url(v))
            return "server must be an http:// or https:// URL";
    } else if (strcmp(key, "token") == 0) {
        if (n == 0 || n >= CCONF_TOKEN_MAX)
            return "token must be 1-255 characters";
        /* a leading ';' would read back as a comment from the file cconf_save writes */
        for (size_t i = 0; i < n; i++)
            if (v[i] <= 0x20 || v[i] >= 0x7f || v[0] == ';')
                return "token must be printable ASCII without blanks, not beginning with ';'";
    } else if (strcmp(key, "theme") == 0) {
        if (n == 0 || n >= CCONF_THEME_MAX)
            return "theme must name a theme: 1-63 letters, digits, '-' or '_'";
        for (size_t i = 0; i < n; i++) {
            char ch = v[i];
            if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '-' || ch == '_'))
                return "theme must name a theme: 1-63 letters, digits, '-' or '_'";
        }
    } else if (strcmp(key, "country") == 0) {
        if (n != 2 || !dialnum_country_known(v))
            return "country must be a known two-letter code (US, CA, GB, IE, FR, DE, AT, CH, NL, "
                   "BE, ES, IT, PT, SE, AU, NZ, JP, IN, MX)";
    } else {
        return "unknown key";
    }
    return NULL;
}

static void set_value(struct cconf *c, const char *key, const char *v)
{
    if (strcmp(key, "server") == 0) {
        dt_strlcpy(c->server, v, sizeof c->server);
        size_t n = strlen(c->server);
        while (n > 0 && c->server[n - 1] == '/')
            c->server[--n] = '\0';
    } else if (strcmp(key, "token") == 0) {
        dt_strlcpy(c->token, v, sizeof c->token);
    } else if (strcmp(key, "theme") == 0) {
        dt_strlcpy(c->theme, v, sizeof c->theme);
    } else if (strcmp(key, "country") == 0) {
        c->country[0] = (char)(v[0] & ~0x20);
        c->country[1] = (char)(v[1] & ~0x20);
        c->country[2] = '\0';
    }
}

int cconf_set(struct cconf *c, const char *key, const char *value, char *err, size_t errlen)
{
    if (!c || !key || !value)
        return dt_seterr(err, errlen, DT_EINVAL, "no key or value");
    const char *why = check_value(key, value);
    if (why)
        return dt_seterr(err, errlen, DT_EINVAL, "%s", why);
    set_value(c, key, value);
    return 0;
}

/* ---- parsing ------------------------------------------------------------------------------- */

struct cparse {
    struct cconf c; /* the copy being filled */
    struct inifile ini;
    struct keymap *km; /* scratch, to check overrides */
    int in_keys;
    unsigned seen; /* top-level keys met, by bit */
};

/* Outside text for a message: at most 40 bytes, anything but printable ASCII as '?'. */
static const char *shown(char *dst, size_t size, const char *s)
{
    inifile_printable(dst, size, s, strnlen(s, 40));
    return dst;
}

/* inifile's header hook: [keys] is the only section. */
static int open_section(void *user, const char *s, size_t len)
{
    struct cparse *ps = user;
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (len == 6 && memcmp(s, "[keys]", 6) == 0) {
        if (ps->in_keys)
            return inifile_fail(&ps->ini, "duplicate section [keys]");
        ps->in_keys = 1;
        return 1;
    }
    char b[48];
    char line[64];
    size_t k = len < sizeof line - 1 ? len : sizeof line - 1;
    memcpy(line, s, k);
    line[k] = '\0';
    return inifile_fail(&ps->ini, "unknown section %s (the only section is [keys])",
                        shown(b, sizeof b, line));
}

static int on_key_override(struct cparse *ps, const char *name, const char *value)
{
    char why[160], b[48];
    for (int i = 0; i < ps->c.nkeys; i++)
        if (strcmp(ps->c.keys[i].action, name) == 0)
            return inifile_fail(&ps->ini, "duplicate override of '%s'", shown(b, sizeof b, name));
    if (ps->c.nkeys == CCONF_MAX_KEYS)
        return inifile_fail(&ps->ini, "too many key overrides (at most %d)", CCONF_MAX_KEYS);
    struct cconf_key *k = &ps->c.keys[ps->c.nkeys];
    if (strlen(name) >= sizeof k->action || strlen(value) >= sizeof k->keys)
        return inifile_fail(&ps->ini, "key override too long");
    if (km_parse_override(ps->km, name, value, why, sizeof why) != 0)
        return inifile_fail(&ps->ini, "%s", why);
    dt_strlcpy(k->action, name, sizeof k->action);
    dt_strlcpy(k->keys, value, sizeof k->keys);
    k->line = ps->ini.lines.lineno;
    ps->c.nkeys++;
    return 1;
}

static int on_pair(void *user, const char *section, const char *name, const char *value)
{
    struct cparse *ps = user;
    (void)section; /* open_section tracks the section */
    char v[CCONF_LINE_MAX + 1], b[48];
    inifile_unquote(v, sizeof v, value);
    if (ps->in_keys) {
        int rc = on_key_override(ps, name, v);
        wipe(v, sizeof v);
        return rc;
    }
    static const char *const keys[] = {"server", "token", "theme", "country"};
    unsigned bit = 0;
    for (unsigned i = 0; i < 4; i++)
        if (strcmp(keys[i], name) == 0)
            bit = 1u << i;
    int rc;
    if (!bit) {
        rc = inifile_fail(&ps->ini,
                          "unknown key '%s' (server, token, theme, country, or a [keys] section)",
                          shown(b, sizeof b, name));
    } else if (ps->seen & bit) {
        rc = inifile_fail(&ps->ini, "duplicate key '%s'", name);
    } else {
        const char *why = check_value(name, v);
        ps->seen |= bit;
        if (why) {
            rc = inifile_fail(&ps->ini, "%s", why);
        } else {
            set_value(&ps->c, name, v);
            rc = 1;
        }
    }
    wipe(v, sizeof v);
    return rc;
}

static const struct inifile_ops cconf_ini = {
    .line_max = CCONF_LINE_MAX,
    .pair = on_pair,
    .header = open_section,
    .expected = "expected `key = value`, [keys] or a comment",
};

int cconf_parse(struct cconf *c, const char *name, const char *text, size_t len, char *err,
                size_t errlen)
{
    if (!name)
        name = "<console.conf>";
    if (!c || !text)
        return dt_seterr(err, errlen, DT_EINVAL, "%s: no text", name);
    struct cparse *ps = xcalloc(1, sizeof *ps);
    ps->c = *c;
    ps->km = km_new();
    int rc = inifile_parse(&ps->ini, text, len, &cconf_ini, ps);
    if (rc != DT_OK)
        rc = inifile_error(&ps->ini, name, err, errlen);
    else
        *c = ps->c;
    km_free(ps->km);
    wipe(ps, sizeof *ps);
    free(ps);
    return rc;
}

/* ---- the file ------------------------------------------------------------------------------ */

/* *path, or when it is NULL the default path written into def (size n). */
static int or_default(const char **path, char *def, size_t n, char *err, size_t errlen)
{
    if (*path)
        return 0;
    int rc = cconf_default_path(def, n, err, errlen);
    if (rc == 0)
        *path = def;
    return rc;
}

static int load(struct cconf *c, const char *path, int check_mode, char *err, size_t errlen)
{
    char def[1024];
    int rc = or_default(&path, def, sizeof def, err, errlen);
    if (rc != 0)
        return rc;
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT)
            return dt_seterr(err, errlen, DT_ENOTFOUND, "%s: no such file", path);
        return dt_seterr(err, errlen, DT_EIO, "%s: %s", path, strerror(errno));
    }
    struct dt_buf b;
    dt_buf_init(&b);
    unsigned mode = 0;
    struct cconf tmp = *c;
    rc = textfile_read(path, CCONF_FILE_MAX, &b, &mode, err, errlen);
    if (rc == 0)
        rc = cconf_parse(&tmp, path, b.data ? b.data : "", b.len, err, errlen);
    if (rc == 0 && check_mode && tmp.token[0] && (mode & 077))
        rc = dt_seterr(err, errlen, DT_EPERM,
                       "%s: holds a token but group or others may read it (mode %04o); run: "
                       "chmod 600 %s",
                       path, mode & 07777, path);
    if (rc == 0 && check_mode && tmp.token[0] && st.st_uid != geteuid())
        rc =
            dt_seterr(err, errlen, DT_EPERM, "%s: holds a token but belongs to another user", path);
    if (rc == 0) {
        dt_strlcpy(tmp.path, path, sizeof tmp.path);
        *c = tmp;
    }
    wipe(&tmp, sizeof tmp);
    wipe(b.data, b.cap);
    dt_buf_done(&b);
    return rc;
}

int cconf_load(struct cconf *c, const char *path, char *err, size_t errlen)
{
    return load(c, path, 1, err, errlen);
}

int cconf_load_any(struct cconf *c, const char *path, char *err, size_t errlen)
{
    return load(c, path, 0, err, errlen);
}

int cconf_apply_env(struct cconf *c, char *err, size_t errlen)
{
    static const struct {
        const char *var, *key;
    } env[] = {
        {"DIALTONE_SERVER", "server"},
        {"DIALTONE_TOKEN", "token"},
        {"DIALTONE_THEME", "theme"},
        {"DIALTONE_COUNTRY", "country"},
    };
    for (size_t i = 0; i < sizeof env / sizeof env[0]; i++) {
        const char *v = getenv(env[i].var);
        const char *why = v && *v ? check_value(env[i].key, v) : NULL;
        if (why)
            return dt_seterr(err, errlen, DT_EINVAL, "%s: %s", env[i].var, why);
    }
    for (size_t i = 0; i < sizeof env / sizeof env[0]; i++) {
        const char *v = getenv(env[i].var);
        if (v && *v)
            set_value(c, env[i].key, v);
    }
    return 0;
}

int cconf_apply_keys(const struct cconf *c, struct keymap *km, char *err, size_t errlen)
{
    for (int i = 0; i < c->nkeys; i++) {
        char why[160];
        if (km_parse_override(km, c->keys[i].action, c->keys[i].keys, why, sizeof why) != 0)
            return dt_seterr(err, errlen, DT_EINVAL, "%s:%d: %s",
                             c->path[0] ? c->path : "console.conf", c->keys[i].line, why);
    }
    return 0;
}

/* Creates the missing directories of path's parent, each 0700. */
static int make_parents(const char *path, char *err, size_t errlen)
{
    char dir[1024];
    if (strlen(path) >= sizeof dir)
        return dt_seterr(err, errlen, DT_ETOOBIG, "%s: path too long", path);
    dt_strlcpy(dir, path, sizeof dir);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return 0;
    *slash = '\0';
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST)
            return dt_seterr(err, errlen, DT_EIO, "%s: %s", dir, strerror(errno));
        *p = '/';
    }
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return dt_seterr(err, errlen, DT_EIO, "%s: %s", dir, strerror(errno));
    return 0;
}

static void render(const struct cconf *c, struct dt_buf *b)
{
    dt_buf_puts(b, "# dialtone console configuration (written by `dialtone login`).\n"
                   "# It holds the agent's token: keep it mode 0600.\n");
    if (c->server[0])
        dt_buf_printf(b, "server = %s\n", c->server);
    if (c->token[0])
        dt_buf_printf(b, "token = %s\n", c->token);
    if (c->theme[0])
        dt_buf_printf(b, "theme = %s\n", c->theme);
    if (c->country[0])
        dt_buf_printf(b, "country = %s\n", c->country);
    if (c->nkeys > 0)
        dt_buf_puts(b, "\n[keys]\n");
    for (int i = 0; i < c->nkeys; i++)
        dt_buf_printf(b, "%s = %s\n", c->keys[i].action, c->keys[i].keys);
}

int cconf_save(const struct cconf *c, const char *path, char *err, size_t errlen)
{
    char def[1024];
    int rc = or_default(&path, def, sizeof def, err, errlen);
    if (rc != 0)
        return rc;
    rc = make_parents(path, err, errlen);
    if (rc != 0)
        return rc;
    char tmp[1100];
    if (snprintf(tmp, sizeof tmp, "%s.XXXXXX", path) >= (int)sizeof tmp)
        return dt_seterr(err, errlen, DT_ETOOBIG, "%s: path too long", path);
    int fd = mkstemp(tmp); /* mode 0600 */
    if (fd < 0)
        return dt_seterr(err, errlen, DT_EIO, "%s: cannot create a file beside it: %s", path,
                         strerror(errno));
    struct dt_buf b;
    dt_buf_init(&b);
    render(c, &b);
    size_t off = 0;
    while (off < b.len) {
        ssize_t w = write(fd, b.data + off, b.len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    int bad = off < b.len || fchmod(fd, 0600) != 0 || fsync(fd) != 0;
    int saved = errno;
    if (close(fd) != 0 && !bad) {
        bad = 1;
        saved = errno;
    }
    wipe(b.data, b.cap);
    dt_buf_done(&b);
    if (!bad && rename(tmp, path) != 0) {
        bad = 1;
        saved = errno;
    }
    if (bad) {
        unlink(tmp);
        return dt_seterr(err, errlen, DT_EIO, "%s: %s", path, strerror(saved));
    }
    return 0;
}
