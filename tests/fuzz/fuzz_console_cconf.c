/*
 * fuzz_console_cconf: the console's config file (console.conf) on arbitrary text, over a
 * config already holding a server, a token and a theme. cconf_parse must refuse cleanly
 * (DT_EINVAL, "fuzz.conf:LINE: reason", the config unchanged) or give settings within their
 * rules (an http(s) server, a token of printable ASCII without blanks, a country of two
 * capitals, at most CCONF_MAX_KEYS overrides); what it took is applied to a default keymap,
 * saved as `dialtone login` saves it and read back, and must come back the same. The first
 * line also goes through km_key_parse, and a key it names must come back from its own name.
 * abort() on any breach.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "console/cconf.h"
#include "console/keymap.h"
#include "dialtone/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_BASE                                                                                    \
    "server = http://127.0.0.1:8080\ntoken = dt_base\ntheme = default\n[keys]\nhold = H\n"

static char fz_dir[256], fz_path[300];

static void fz_exit(void)
{
    unlink(fz_path);
    rmdir(fz_dir);
}

static void fz_init(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(fz_dir, sizeof fz_dir, "%s/dt-fuzz-cconf-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(fz_dir))
        abort();
    snprintf(fz_path, sizeof fz_path, "%s/console.conf", fz_dir);
    atexit(fz_exit);
}

static int fz_printable(const char *s, int blanks)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f || (!blanks && *s == ' '))
            return 0;
    return 1;
}

static void fz_check_settings(const struct cconf *c)
{
    if (c->server[0] && strncasecmp(c->server, "http://", 7) != 0 &&
        strncasecmp(c->server, "https://", 8) != 0)
        abort();
    if (!fz_printable(c->server, 0) || !fz_printable(c->token, 0) || !fz_printable(c->theme, 0))
        abort();
    if (c->country[0] && (strlen(c->country) != 2 || c->country[0] < 'A' || c->country[0] > 'Z' ||
                          c->country[1] < 'A' || c->country[1] > 'Z'))
        abort();
    if (c->nkeys < 0 || c->nkeys > CCONF_MAX_KEYS)
        abort();
    for (int i = 0; i < c->nkeys; i++)
        if (!c->keys[i].action[0] || !c->keys[i].keys[0] ||
            strnlen(c->keys[i].action, sizeof c->keys[i].action) == sizeof c->keys[i].action ||
            strnlen(c->keys[i].keys, sizeof c->keys[i].keys) == sizeof c->keys[i].keys)
            abort();
}

/* 1 when a and b hold the same settings. */
static int fz_same(const struct cconf *a, const struct cconf *b)
{
    if (strcmp(a->server, b->server) != 0 || strcmp(a->token, b->token) != 0 ||
        strcmp(a->theme, b->theme) != 0 || strcmp(a->country, b->country) != 0 ||
        a->nkeys != b->nkeys)
        return 0;
    for (int i = 0; i < a->nkeys; i++)
        if (strcmp(a->keys[i].action, b->keys[i].action) != 0 ||
            strcmp(a->keys[i].keys, b->keys[i].keys) != 0)
            return 0;
    return 1;
}

/* Saved and read back, c must come back the same. */
static void fz_round_trip(const struct cconf *c)
{
    char err[512];
    if (cconf_save(c, fz_path, err, sizeof err) != 0)
        abort();
    struct cconf back;
    cconf_init(&back);
    if (cconf_load_any(&back, fz_path, err, sizeof err) != 0) {
        fprintf(stderr, "fuzz_console_cconf: a saved config does not read back: %s\n", err);
        abort();
    }
    if (!fz_same(&back, c))
        abort();
    cconf_done(&back);
}

static void fz_key_name(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t n = nl ? (size_t)(nl - data) : size;
    char *name = xstrndup((const char *)data, n);
    int key, again;
    if (km_key_parse(name, &key) == 0) {
        char buf[64];
        km_key_name(key, buf, sizeof buf);
        if (km_key_parse(buf, &again) != 0 || again != key)
            abort();
    }
    free(name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fz_dir[0])
        fz_init();
    char err[512];
    struct cconf c, before;
    cconf_init(&c);
    if (cconf_parse(&c, "base.conf", FZ_BASE, strlen(FZ_BASE), err, sizeof err) != 0)
        abort();
    before = c;
    int rc = cconf_parse(&c, "fuzz.conf", (const char *)data, size, err, sizeof err);
    if (rc != 0) {
        if (rc != DT_EINVAL || strncmp(err, "fuzz.conf:", 10) != 0 || !fz_same(&c, &before))
            abort();
    } else {
        fz_check_settings(&c);
        struct keymap *km = km_new();
        if (cconf_apply_keys(&c, km, err, sizeof err) != 0 && !strstr(err, ":"))
            abort();
        km_free(km);
        fz_round_trip(&c);
    }
    cconf_done(&c);
    cconf_done(&before);
    fz_key_name(data, size);
    return 0;
}
