/*
 * test_console_cconf: the console's config file: parsing with file:line errors, the
 * environment over the file, refusing a token others can read, key overrides applied to a
 * keymap, and writing the file 0600 in fresh 0700 directories. HOME and XDG_CONFIG_HOME point
 * into a temporary directory, never the real home.
 */
#include "check.h"
#include "console/cconf.h"
#include "dialtone/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/dt_cconf_XXXXXX";

static const char *tmp_path(const char *rel)
{
    static char buf[4][512];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], "%s/%s", tmpdir, rel);
    return buf[i];
}

static void write_file(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    chmod(path, mode);
}

static int parse(struct cconf *c, const char *text, char *err, size_t errlen)
{
    return cconf_parse(c, "console.conf", text, strlen(text), err, errlen);
}

TEST(parse_file)
{
    struct cconf c;
    cconf_init(&c);
    char err[256] = "";
    CHECK_INT(parse(&c,
                    "# console\n"
                    "server = http://127.0.0.1:8080/\n"
                    "token = dt_abc123\n"
                    "theme = light\n"
                    "country = gb\n"
                    "\n[keys]\n"
                    "hold = H, F7\n"
                    "offer.accept = y\n",
                    err, sizeof err),
              0);
    CHECK_STR(err, "");
    CHECK_STR(c.server, "http://127.0.0.1:8080"); /* trailing slash dropped */
    CHECK_STR(c.token, "dt_abc123");
    CHECK_STR(c.theme, "light");
    CHECK_STR(c.country, "GB");
    CHECK_INT(c.nkeys, 2);
    CHECK_STR(c.keys[0].action, "hold");
    CHECK_STR(c.keys[0].keys, "H, F7");
    CHECK_INT(c.keys[0].line, 8);
    CHECK_STR(c.keys[1].action, "offer.accept");

    struct keymap *km = km_new();
    CHECK_INT(cconf_apply_keys(&c, km, err, sizeof err), 0);
    CHECK_INT(km_lookup(km, KM_CALL, 'H'), KA_HOLD);
    CHECK_INT(km_lookup(km, KM_CALL, KM_KEY_F(7)), KA_HOLD);
    CHECK_INT(km_lookup(km, KM_CALL, 'h'), KA_NONE);
    CHECK_INT(km_lookup(km, KM_OFFER, 'y'), KA_ACCEPT);
    km_free(km);
    cconf_done(&c);
    CHECK_STR(c.token, "");
}

TEST(parse_errors)
{
    static const struct {
        const char *text, *msg;
    } bad[] = {
        {"server = ftp://x\n", "console.conf:1: server must be an http:// or https:// URL"},
        {"\nserver = http://a b\n", "console.conf:2: server must be"},
        {"token = has space\n", "console.conf:1: token must be printable ASCII"},
        {"theme = ../x\n", "console.conf:1: theme must name a theme"},
        {"country = ZZ\n", "console.conf:1: country must be a known two-letter code"},
        {"country = USA\n", "console.conf:1: country must be"},
        {"colour = red\n", "console.conf:1: unknown key 'colour'"},
        {"theme = a\ntheme = b\n", "console.conf:2: duplicate key 'theme'"},
        {"[console]\n", "console.conf:1: unknown section [console]"},
        {"[keys]\nhodl = H\n", "console.conf:2: unknown action 'hodl'"},
        {"[keys]\nhold = Hyper\n", "console.conf:2: unknown key 'Hyper'"},
        {"[keys]\nhold = H\nhold = J\n", "console.conf:3: duplicate override of 'hold'"},
        {"[keys]\n[keys]\n", "console.conf:2: duplicate section [keys]"},
        {"just some words\n", "console.conf:1: expected `key = value`"},
        {"token = a\x01b\n", "console.conf:1: control character"},
        /* written back as "token = ;dt_x" it would read as a comment */
        {"token =;dt_x\n", "console.conf:1: token must be printable ASCII without blanks, not "
                           "beginning with ';'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct cconf c;
        cconf_init(&c);
        dt_strlcpy(c.theme, "keep", sizeof c.theme);
        char err[256] = "";
        CHECK_INT(parse(&c, bad[i].text, err, sizeof err), DT_EINVAL);
        if (strncmp(err, bad[i].msg, strlen(bad[i].msg)) != 0)
            CHECK_STR(err, bad[i].msg);
        CHECK_STR(c.theme, "keep"); /* unchanged on error */
    }
    /* a token never appears in a message */
    struct cconf c;
    cconf_init(&c);
    char err[256];
    CHECK_INT(parse(&c, "token = secret_value\ntoken = secret_value\n", err, sizeof err),
              DT_EINVAL);
    CHECK(strstr(err, "secret_value") == NULL);
}

TEST(long_line)
{
    char text[400] = "token = ";
    size_t n = strlen(text);
    memset(text + n, 'a', 200);
    strcpy(text + n + 200, "\n");
    struct cconf c;
    cconf_init(&c);
    char err[256];
    CHECK_INT(parse(&c, text, err, sizeof err), DT_EINVAL);
    CHECK(strstr(err, "console.conf:1: line too long") != NULL);
}

TEST(default_path)
{
    char buf[512], err[256];
    CHECK_INT(cconf_default_path(buf, sizeof buf, err, sizeof err), 0);
    CHECK_STR(buf, tmp_path("xdg/dialtone/console.conf"));
    char *xdg = xstrdup(getenv("XDG_CONFIG_HOME"));
    setenv("XDG_CONFIG_HOME", "relative/not/used", 1);
    CHECK_INT(cconf_default_path(buf, sizeof buf, err, sizeof err), 0);
    CHECK_STR(buf, tmp_path(".config/dialtone/console.conf"));
    unsetenv("XDG_CONFIG_HOME");
    char *home = xstrdup(getenv("HOME"));
    unsetenv("HOME");
    CHECK_INT(cconf_default_path(buf, sizeof buf, err, sizeof err), DT_ENOTFOUND);
    setenv("HOME", home, 1);
    setenv("XDG_CONFIG_HOME", xdg, 1);
    char tiny[8];
    CHECK_INT(cconf_default_path(tiny, sizeof tiny, err, sizeof err), DT_ETOOBIG);
    free(xdg);
    free(home);
}

TEST(save_then_load)
{
    struct cconf c;
    cconf_init(&c);
    dt_strlcpy(c.server, "http://127.0.0.1:9000", sizeof c.server);
    dt_strlcpy(c.token, "dt_tok", sizeof c.token);
    dt_strlcpy(c.theme, "monochrome", sizeof c.theme);
    dt_strlcpy(c.country, "US", sizeof c.country);
    c.nkeys = 1;
    dt_strlcpy(c.keys[0].action, "hangup", sizeof c.keys[0].action);
    dt_strlcpy(c.keys[0].keys, "X, C-x", sizeof c.keys[0].keys);
    char err[512] = "";
    /* the default place, with its directories missing */
    CHECK_INT(cconf_save(&c, NULL, err, sizeof err), 0);
    CHECK_STR(err, "");
    struct stat st;
    CHECK_INT(stat(tmp_path("xdg/dialtone/console.conf"), &st), 0);
    CHECK_INT(st.st_mode & 07777, 0600);
    CHECK_INT(stat(tmp_path("xdg/dialtone"), &st), 0);
    CHECK_INT(st.st_mode & 0777, 0700);
    CHECK_INT(stat(tmp_path("xdg"), &st), 0);
    CHECK_INT(st.st_mode & 0777, 0700);

    struct cconf d;
    cconf_init(&d);
    CHECK_INT(cconf_load(&d, NULL, err, sizeof err), 0);
    CHECK_STR(d.server, c.server);
    CHECK_STR(d.token, c.token);
    CHECK_STR(d.theme, c.theme);
    CHECK_STR(d.country, c.country);
    CHECK_INT(d.nkeys, 1);
    CHECK_STR(d.keys[0].keys, "X, C-x");
    CHECK_STR(d.path, tmp_path("xdg/dialtone/console.conf"));

    /* saving again replaces the file, still 0600, even over a file that was 0644 */
    chmod(tmp_path("xdg/dialtone/console.conf"), 0644);
    dt_strlcpy(c.token, "dt_new", sizeof c.token);
    CHECK_INT(cconf_save(&c, NULL, err, sizeof err), 0);
    CHECK_INT(stat(tmp_path("xdg/dialtone/console.conf"), &st), 0);
    CHECK_INT(st.st_mode & 07777, 0600);
    cconf_init(&d);
    CHECK_INT(cconf_load(&d, NULL, err, sizeof err), 0);
    CHECK_STR(d.token, "dt_new");
    cconf_done(&d);
    cconf_done(&c);
}

/* What cconf_set and the file take is what cconf_save writes and the file gives back: a
 * token may hold ';' but not begin with one, which would read back as a comment. */
TEST(token_reads_back)
{
    struct cconf c, d;
    cconf_init(&c);
    char err[512] = "";
    CHECK_INT(cconf_set(&c, "token", ";dt_x", err, sizeof err), DT_EINVAL);
    CHECK_STR(c.token, "");
    CHECK_INT(cconf_set(&c, "token", "dt_a;b#c", err, sizeof err), 0);
    CHECK_INT(cconf_save(&c, tmp_path("back.conf"), err, sizeof err), 0);
    cconf_init(&d);
    CHECK_INT(cconf_load(&d, tmp_path("back.conf"), err, sizeof err), 0);
    CHECK_STR(d.token, "dt_a;b#c");
    cconf_done(&d);
    cconf_done(&c);
}

TEST(permission_refusal)
{
    const char *p = tmp_path("open.conf");
    write_file(p, "server = http://127.0.0.1:1\ntoken = dt_x\n", 0644);
    struct cconf c;
    cconf_init(&c);
    char err[512];
    CHECK_INT(cconf_load(&c, p, err, sizeof err), DT_EPERM);
    CHECK(strstr(err, "chmod 600") != NULL);
    CHECK(strstr(err, "dt_x") == NULL);
    CHECK_STR(c.token, "");
    chmod(p, 0640);
    CHECK_INT(cconf_load(&c, p, err, sizeof err), DT_EPERM);
    /* login reads it anyway, to keep its settings */
    CHECK_INT(cconf_load_any(&c, p, err, sizeof err), 0);
    CHECK_STR(c.token, "dt_x");
    cconf_init(&c);
    chmod(p, 0600);
    CHECK_INT(cconf_load(&c, p, err, sizeof err), 0);
    CHECK_STR(c.token, "dt_x");
    /* no token: any mode is fine */
    const char *q = tmp_path("notoken.conf");
    write_file(q, "theme = light\n", 0644);
    cconf_init(&c);
    CHECK_INT(cconf_load(&c, q, err, sizeof err), 0);
    CHECK_STR(c.theme, "light");
    CHECK_INT(cconf_load(&c, tmp_path("missing.conf"), err, sizeof err), DT_ENOTFOUND);
    CHECK_INT(cconf_load(&c, tmpdir, err, sizeof err), DT_EINVAL); /* a directory */
}

TEST(env_overrides)
{
    struct cconf c;
    cconf_init(&c);
    char err[256];
    CHECK_INT(
        parse(&c, "server = http://127.0.0.1:1\ntoken = file\ntheme = light\n", err, sizeof err),
        0);
    setenv("DIALTONE_SERVER", "https://dialtone.example.com", 1);
    setenv("DIALTONE_TOKEN", "from_env", 1);
    setenv("DIALTONE_THEME", "", 1); /* empty: ignored */
    setenv("DIALTONE_COUNTRY", "fr", 1);
    CHECK_INT(cconf_apply_env(&c, err, sizeof err), 0);
    CHECK_STR(c.server, "https://dialtone.example.com");
    CHECK_STR(c.token, "from_env");
    CHECK_STR(c.theme, "light");
    CHECK_STR(c.country, "FR");
    setenv("DIALTONE_SERVER", "not a url", 1);
    setenv("DIALTONE_TOKEN", "changed", 1);
    CHECK_INT(cconf_apply_env(&c, err, sizeof err), DT_EINVAL);
    CHECK(strstr(err, "DIALTONE_SERVER") != NULL);
    CHECK_STR(c.token, "from_env"); /* unchanged on error */
    unsetenv("DIALTONE_SERVER");
    unsetenv("DIALTONE_TOKEN");
    unsetenv("DIALTONE_THEME");
    unsetenv("DIALTONE_COUNTRY");
}

TEST(apply_keys_error_names_line)
{
    struct cconf c;
    cconf_init(&c);
    dt_strlcpy(c.path, "/x/console.conf", sizeof c.path);
    c.nkeys = 1;
    dt_strlcpy(c.keys[0].action, "hold", sizeof c.keys[0].action);
    dt_strlcpy(c.keys[0].keys, "Nope", sizeof c.keys[0].keys);
    c.keys[0].line = 7;
    struct keymap *km = km_new();
    char err[256];
    CHECK_INT(cconf_apply_keys(&c, km, err, sizeof err), DT_EINVAL);
    CHECK(strncmp(err, "/x/console.conf:7: unknown key 'Nope'", 36) == 0);
    km_free(km);
}

int main(void)
{
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    setenv("HOME", tmpdir, 1);
    setenv("XDG_CONFIG_HOME", tmp_path("xdg"), 1);
    static const char *const vars[] = {"DIALTONE_SERVER", "DIALTONE_TOKEN", "DIALTONE_THEME",
                                       "DIALTONE_COUNTRY"};
    for (size_t i = 0; i < 4; i++)
        unsetenv(vars[i]);
    umask(022);

    RUN(parse_file);
    RUN(parse_errors);
    RUN(long_line);
    RUN(default_path);
    RUN(save_then_load);
    RUN(token_reads_back);
    RUN(permission_refusal);
    RUN(env_overrides);
    RUN(apply_keys_error_names_line);

    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        printf("could not remove %s\n", tmpdir);
    return check_done();
}
