/*
 * cconf: the console's own config file, $XDG_CONFIG_HOME/dialtone/console.conf (else
 * ~/.config/dialtone/console.conf): the daemon's URL, the agent's token, the theme, the
 * default country for national numbers, and key overrides. `dialtone login` writes it.
 *
 *     server = http://127.0.0.1:8080
 *     token = dt_...
 *     theme = default
 *     country = US
 *     [keys]
 *     hold = H, F7
 *     offer.accept = y
 *
 * Comments are lines starting with '#' or ';'. [keys] lines are km_parse_override's
 * `action = keys`, an action optionally prefixed by its context.
 * DIALTONE_SERVER, DIALTONE_TOKEN, DIALTONE_THEME and DIALTONE_COUNTRY override the file.
 * A file holding a token that group or others may read is refused.
 */
#ifndef DIALTONE_CONSOLE_CCONF_H
#define DIALTONE_CONSOLE_CCONF_H

#include <stddef.h>

#include "console/keymap.h"

#define CCONF_SERVER_MAX 512
#define CCONF_TOKEN_MAX  256
#define CCONF_THEME_MAX  64
#define CCONF_MAX_KEYS   64
#define CCONF_FILE_MAX   (64 * 1024)

struct cconf_key {
    char action[48]; /* "hold", "offer.accept" */
    char keys[128];  /* "H, F7" */
    int line;        /* in the file, for messages */
};

/* Plain data, held by value: cconf_init / cconf_done. Strings are "" when unset. */
struct cconf {
    char server[CCONF_SERVER_MAX];
    char token[CCONF_TOKEN_MAX];
    char theme[CCONF_THEME_MAX];
    char country[3]; /* ISO 3166 alpha-2, upper case, or "" */
    struct cconf_key keys[CCONF_MAX_KEYS];
    int nkeys;
    char path[1024]; /* the file loaded last, "" when none */
};

void cconf_init(struct cconf *c);
/* Wipes the token. c may be used again after cconf_init. */
void cconf_done(struct cconf *c);

/* The default path into buf (n bytes): $XDG_CONFIG_HOME/dialtone/console.conf when that is
 * set and absolute, else $HOME/.config/dialtone/console.conf. 0, or DT_ENOTFOUND (neither
 * set) / DT_ETOOBIG (does not fit) with the reason in err. */
int cconf_default_path(char *buf, size_t n, char *err, size_t errlen);

/*
 * Parses text[0..len) (name is used in messages "NAME:LINE: ...") over *c: each key set in
 * the text replaces c's; [keys] lines are added (and checked: the action must exist, the keys
 * must parse). Errors: unknown key or section, a bad server URL (http:// or https://), theme
 * name, country, token (printable ASCII without blanks), bad override, a duplicate key, a
 * line over 199 bytes. 0, or DT_EINVAL with "NAME:LINE: reason" in err; *c unchanged then.
 */
int cconf_parse(struct cconf *c, const char *name, const char *text, size_t len, char *err,
                size_t errlen);

/*
 * Reads path (NULL: cconf_default_path) with cconf_parse and records it in c->path.
 * DT_ENOTFOUND when the file does not exist (not an error for the console: it runs on
 * flags), DT_EPERM when it holds a token and group or others may access it (or it is not
 * the user's own), DT_EIO / DT_ETOOBIG when it cannot be read, DT_EINVAL as cconf_parse.
 */
int cconf_load(struct cconf *c, const char *path, char *err, size_t errlen);

/* Sets key ("server", "token", "theme" or "country") to value with the file's checks. 0, or
 * DT_EINVAL with the reason in err (never quoting a token); c unchanged then. */
int cconf_set(struct cconf *c, const char *key, const char *value, char *err, size_t errlen);

/* cconf_load without the permission check, for `dialtone login`, which rewrites the file
 * with mode 0600 and keeps its other settings. */
int cconf_load_any(struct cconf *c, const char *path, char *err, size_t errlen);

/* Applies DIALTONE_SERVER, DIALTONE_TOKEN, DIALTONE_THEME, DIALTONE_COUNTRY when set and not
 * empty. 0, or DT_EINVAL naming the bad variable (c unchanged then). */
int cconf_apply_env(struct cconf *c, char *err, size_t errlen);

/* Applies c's [keys] overrides to km in file order. 0, or DT_EINVAL with "PATH:LINE: reason"
 * for the first that fails (those before it stay applied). */
int cconf_apply_keys(const struct cconf *c, struct keymap *km, char *err, size_t errlen);

/*
 * Writes c to path (NULL: cconf_default_path) with mode 0600, creating missing parent
 * directories with mode 0700: through a temporary file in the same directory, renamed over
 * the old one, so that a crash never leaves half a file. 0, or DT_EIO / DT_ENOTFOUND with
 * the reason in err.
 */
int cconf_save(const struct cconf *c, const char *path, char *err, size_t errlen);

#endif
