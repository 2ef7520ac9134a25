/*
 * keymap: the console's key table, pure data (no curses). A key is an int: a Unicode code
 * point for a character, a KM_KEY_* value for a special key. Bindings are (context, key,
 * action) rows; a lookup tries the screen's own context first, then the global one. The
 * defaults follow htop, tig and mutt; the config file's [keys] section rebinds actions.
 */
#ifndef DIALTONE_CONSOLE_KEYMAP_H
#define DIALTONE_CONSOLE_KEYMAP_H

#include <stddef.h>

/* Special keys live above the Unicode range. */
#define KM_KEY_BASE 0x110000
enum {
    KM_KEY_UP = KM_KEY_BASE + 1,
    KM_KEY_DOWN,
    KM_KEY_LEFT,
    KM_KEY_RIGHT,
    KM_KEY_PGUP,
    KM_KEY_PGDN,
    KM_KEY_HOME,
    KM_KEY_END,
    KM_KEY_ENTER,
    KM_KEY_ESC,
    KM_KEY_BACKSPACE,
    KM_KEY_DELETE,
    KM_KEY_TAB,
    KM_KEY_BTAB, /* shift-tab */
    KM_KEY_RESIZE,
    KM_KEY_F0 = KM_KEY_BASE + 0x40 /* KM_KEY_F(n) = KM_KEY_F0 + n, n in 1..12 */
};
#define KM_KEY_F(n) (KM_KEY_F0 + (n))
#define KM_KEY_MAX  KM_KEY_F(12)
/* A control character as the terminal sends it: KM_CTRL('c') is 3. The app turns 9, 10, 13,
 * 27, 8 and 127 into KM_KEY_TAB, ENTER, ESC and BACKSPACE first (see km_key_from_char). */
#define KM_CTRL(c) ((c)&0x1f)

enum km_context {
    KM_GLOBAL,
    KM_QUEUE,
    KM_OFFER,
    KM_CALL,
    KM_WRAPUP,
    KM_DIALPAD,
    KM_HISTORY,
    KM_DETAIL,
    KM_MENU,
    KM_HELP,
    KM_BOARD,   /* the supervisors' wallboard */
    KM_ERRORS,  /* the errors screen */
    KM_ALERTS,  /* supervisors: the alerts */
    KM_NUMBERS, /* supervisors: the bad-number review */
    KM_REPORTS, /* supervisors: the reports */
    KM_COUNT
};

enum km_action {
    KA_NONE,
    KA_QUIT,
    KA_HELP,
    KA_COMMAND,
    KA_VIEW_QUEUE,
    KA_VIEW_DIALPAD,
    KA_VIEW_HISTORY,
    KA_VIEW_CALL,
    KA_STATE_MENU,
    KA_UP,
    KA_DOWN,
    KA_PAGE_UP,
    KA_PAGE_DOWN,
    KA_HOME,
    KA_END,
    KA_SELECT,
    KA_BACK,
    KA_ACCEPT,
    KA_DECLINE,
    KA_HOLD,
    KA_MUTE,
    KA_TRANSFER,
    KA_HANGUP,
    KA_FILTER,
    KA_REFRESH,
    KA_NEXT_THEME,
    KA_VIEW_BOARD, /* supervisors: the wallboard */
    KA_LISTEN,     /* listen, whisper, barge: in this order */
    KA_WHISPER,
    KA_BARGE,
    KA_LEAVE,
    KA_AGENT_STATE,  /* set the selected agent's state */
    KA_VIEW_ERRORS,  /* the errors screen */
    KA_ERR_RANGE,    /* the errors screen: today or the seven days */
    KA_VIEW_ALERTS,  /* supervisors: the alerts */
    KA_VIEW_NUMBERS, /* supervisors: the bad numbers to review */
    KA_NUM_FIXED,    /* the selected number is fixed: type its replacement */
    KA_NUM_DNC,      /* the selected number is do-not-call (asks y/n) */
    /* supervisors: the reports screen, the report shown (next, previous, or one of them), the
     * days (today, yesterday, the last 7, this month) */
    KA_VIEW_REPORTS,
    KA_REPORT_NEXT,
    KA_REPORT_PREV,
    KA_REPORT_ANSWER_RATE,
    KA_REPORT_FAILURES,
    KA_REPORT_COST_DAY,
    KA_REPORT_COST_QUEUE,
    KA_REPORT_AGENTS,
    KA_RANGE_TODAY,
    KA_RANGE_YESTERDAY,
    KA_RANGE_WEEK,
    KA_RANGE_MONTH,
    KA_COUNT
};

struct keymap;

/* Name of an action as the config file spells it ("hold", "page-down", "view-queue"); "none"
 * for KA_NONE, NULL out of range. Static string. */
const char *km_action_name(enum km_action a);
/* The action named name (exact, lower case), or KA_NONE when there is none. */
enum km_action km_action_from_name(const char *name);
/* One-line description for the help screen ("put the caller on hold"); "" out of range. */
const char *km_action_desc(enum km_action a);
/* Short label for the F-key legend ("Help", "Queue"); "" out of range. */
const char *km_action_label(enum km_action a);

/* Name of a context as the config file spells it ("global", "offer", "call"); NULL out of
 * range. */
const char *km_context_name(enum km_context c);
/* The context named name, or -1 when there is none. */
int km_context_from_name(const char *name);

/* A new keymap with the default bindings; the caller frees it with km_free. Never NULL. */
struct keymap *km_new(void);
void km_free(struct keymap *km);

/* Binds key to action in ctx, replacing that key's binding in ctx; KA_NONE unbinds it.
 * 0, or DT_EINVAL (bad context, key or action) or DT_ETOOBIG (table full, KM_MAX_BINDINGS). */
#define KM_MAX_BINDINGS 512
int km_bind(struct keymap *km, enum km_context ctx, int key, enum km_action action);

/*
 * Applies one config line `action = keys`: action_name is an action ("hold"), optionally
 * with a context ("offer.accept"); keys is a comma-separated list of key names ("H, F7"), or
 * "none" to unbind. The action loses all its keys (in that context only, when one is named)
 * and gets the listed ones in each context where it had keys (the named context; KM_GLOBAL
 * when it had none). 0, or DT_EINVAL with the reason in err (unknown action or context, bad
 * key name, empty list, too many keys); km is unchanged on error.
 */
int km_parse_override(struct keymap *km, const char *action_name, const char *keys, char *err,
                      size_t errlen);

/*
 * Key names: "a", "?", "é" (the character itself, case-sensitive), "Space", "Comma",
 * "Semicolon", "Hash" (the config file's separator and comment characters), "F1".."F12",
 * "C-c" (also "Ctrl-c", "^C"), "Enter", "Esc", "Tab", "BTab", "Backspace", "Delete", "Up",
 * "Down", "Left", "Right", "PgUp", "PgDn", "Home", "End", "Resize" (names case-insensitive).
 * km_key_parse: 0 with *key set, or DT_EINVAL. km_key_name writes the canonical name into
 * buf (always NUL-terminated) and returns buf; "?" plus the number for an unknown key.
 */
int km_key_parse(const char *name, int *key);
#define KM_KEY_NAME_MAX 16
char *km_key_name(int key, char *buf, size_t n);

/* The key the app should use for a character read from the terminal (wget_wch's OK result):
 * 9 Tab, 10 and 13 Enter, 27 Esc, 8 and 127 Backspace, anything else itself. */
int km_key_from_char(unsigned ch);

/* The action bound to key in ctx, else in KM_GLOBAL, else KA_NONE. */
enum km_action km_lookup(const struct keymap *km, enum km_context ctx, int key);

/* All keys of action in ctx exactly (not global), comma-separated names ("a, Enter") into
 * buf (always NUL-terminated, "" when none). Returns the number of keys. */
int km_keys_of(const struct keymap *km, enum km_context ctx, enum km_action action, char *buf,
               size_t n);
/* The name of the first key that does action in ctx (its own keys first, then a global key the
 * context does not take for something else) into buf (always NUL-terminated, "" when none).
 * Returns 1 when there is such a key, else 0. */
int km_key_for(const struct keymap *km, enum km_context ctx, enum km_action action, char *buf,
               size_t n);

/*
 * Help from the live table: calls fn once per action bound in ctx (in action order), then,
 * when ctx is not KM_GLOBAL, once per global action that still has a key not shadowed by ctx.
 * where says which of the two; keys are the action's usable key names joined by ", ";
 * desc is km_action_desc. The strings are valid during the call only.
 */
typedef void (*km_help_fn)(enum km_context where, enum km_action action, const char *keys,
                           const char *desc, void *user);
void km_help(const struct keymap *km, enum km_context ctx, km_help_fn fn, void *user);

/* The F-key legend of ctx, as htop shows it: for F1..F10 in order, each key bound (in ctx or
 * globally) to an action, its name ("F1") and its action's label ("Help"). Fills at most max
 * items; returns how many. */
struct km_legend_item {
    char key[KM_KEY_NAME_MAX];
    enum km_action action;
    const char *label; /* static */
};
int km_legend(const struct keymap *km, enum km_context ctx, struct km_legend_item *items, int max);

#endif
