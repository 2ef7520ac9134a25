/*
 * theme_path: where theme files are found (the search path of console/theme.h), loading one
 * by name, and listing the names for :theme and the next-theme key.
 */
#include "console/theme.h"
#include "dialtone/util.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define THEME_DIRS     6
#define THEME_LIST_MAX 64

struct dirs {
    int n;
    char d[THEME_DIRS][PATH_MAX];
};

static void add_dir(struct dirs *ds, const char *a, const char *b)
{
    if (ds->n == THEME_DIRS || !a || !*a)
        return;
    int w = snprintf(ds->d[ds->n], sizeof ds->d[0], "%s%s", a, b);
    if (w > 0 && (size_t)w < sizeof ds->d[0])
        ds->n++;
}

/* The search path, in order. */
static void theme_dirs(struct dirs *ds)
{
    ds->n = 0;
    add_dir(ds, getenv("DIALTONE_THEMES"), "");
    const char *xdg = getenv("XDG_CONFIG_HOME");
    if (xdg && xdg[0] == '/')
        add_dir(ds, xdg, "/dialtone/themes");
    else
        add_dir(ds, getenv("HOME"), "/.config/dialtone/themes");
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/'); /* exe: .../build/dialtone -> .../build */
    if (!slash)
        return;
    *slash = '\0';
    char dir[PATH_MAX];
    dt_strlcpy(dir, exe, sizeof dir);
    add_dir(ds, dir, "/../share/dialtone/themes");
    for (int up = 0; up < 2; up++) { /* build/ and build/san/ both reach the tree */
        slash = strrchr(dir, '/');
        if (!slash)
            return;
        *slash = '\0';
        add_dir(ds, dir, "/themes");
    }
}

static int name_ok(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n >= THEME_NAME_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return 0;
    }
    return 1;
}

int theme_find(const char *name, char *path, size_t n, char *err, size_t errlen)
{
    if (!name_ok(name))
        return dt_seterr(err, errlen, DT_EINVAL,
                         "bad theme name (1-%d letters, digits, '-' or '_')", THEME_NAME_MAX - 1);
    struct dirs ds;
    theme_dirs(&ds);
    char tried[512] = "";
    size_t tlen = 0;
    for (int i = 0; i < ds.n; i++) {
        char p[PATH_MAX + THEME_NAME_MAX + 8];
        snprintf(p, sizeof p, "%s/%s.theme", ds.d[i], name);
        struct stat st;
        if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
            if (strlen(p) >= n)
                return dt_seterr(err, errlen, DT_ETOOBIG, "theme path too long: %s", p);
            dt_strlcpy(path, p, n);
            return 0;
        }
        if (tlen < sizeof tried) {
            int w = snprintf(tried + tlen, sizeof tried - tlen, "%s%s", tlen ? ", " : "", ds.d[i]);
            tlen = w < 0 ? tlen : tlen + (size_t)w;
        }
    }
    return dt_seterr(err, errlen, DT_ENOTFOUND, "no theme '%s' (looked in %s)", name,
                     tlen ? tried : "no directory");
}

int theme_load(const char *name, struct theme *t, char *err, size_t errlen)
{
    if (name && strcmp(name, "builtin") == 0) {
        theme_builtin(t);
        return 0;
    }
    char path[PATH_MAX + THEME_NAME_MAX + 8];
    int rc = theme_find(name, path, sizeof path, err, errlen);
    return rc ? rc : theme_load_file(path, t, err, errlen);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted, distinct names along the search path; the caller frees each and the array. */
static int collect(char ***out)
{
    struct dirs ds;
    theme_dirs(&ds);
    char **names = xcalloc(THEME_LIST_MAX, sizeof *names);
    int count = 0;
    for (int i = 0; i < ds.n && count < THEME_LIST_MAX; i++) {
        DIR *d = opendir(ds.d[i]);
        if (!d)
            continue;
        struct dirent *e;
        while ((e = readdir(d)) != NULL && count < THEME_LIST_MAX) {
            size_t n = strlen(e->d_name);
            if (n <= 6 || strcmp(e->d_name + n - 6, ".theme") != 0)
                continue;
            char *name = xstrndup(e->d_name, n - 6);
            int dup = !name_ok(name);
            for (int k = 0; k < count && !dup; k++)
                dup = strcmp(names[k], name) == 0;
            if (dup)
                free(name);
            else
                names[count++] = name;
        }
        closedir(d);
    }
    qsort(names, (size_t)count, sizeof *names, cmp_names);
    *out = names;
    return count;
}

static void free_names(char **names, int count)
{
    for (int i = 0; i < count; i++)
        free(names[i]);
    free(names);
}

int theme_list(theme_name_fn fn, void *user)
{
    char **names;
    int count = collect(&names);
    for (int i = 0; fn && i < count; i++)
        fn(names[i], user);
    free_names(names, count);
    return count;
}

void theme_next_name(const char *current, char *out, size_t n)
{
    char **names;
    int count = collect(&names);
    const char *next = "builtin";
    if (count > 0) {
        int i = 0;
        while (i < count && (!current || strcmp(names[i], current) != 0))
            i++;
        next = names[i < count ? (i + 1) % count : 0];
    }
    dt_strlcpy(out, next, n);
    free_names(names, count);
}
