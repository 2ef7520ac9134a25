/*
 * keymap: see console/keymap.h. The table is a flat array of (context, key, action) rows in
 * the order they were bound, so that help lists keys as the defaults or the config file
 * gave them. A few hundred rows at most: lookups scan.
 */
#include "console/keymap.h"
#include "dialtone/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct km_binding {
    int key;
    unsigned char ctx;
    unsigned char action;
};

struct keymap {
    int n;
    struct km_binding b[KM_MAX_BINDINGS];
};

static const struct {
    const char *name, *desc, *label;
} actions[KA_COUNT] = {
    [KA_NONE] = {.name = "none", .desc = "nothing", .label = ""},
    [KA_QUIT] = {.name = "quit", .desc = "quit the console", .label = "Quit"},
    [KA_HELP] = {.name = "help", .desc = "show the keys", .label = "Help"},
    [KA_COMMAND] = {.name = "command",
                    .desc = "command line (:dial, :state, :theme, :q)",
                    .label = "Cmd"},
    [KA_VIEW_QUEUE] = {.name = "view-queue", .desc = "waiting callers", .label = "Queue"},
    [KA_VIEW_DIALPAD] = {.name = "view-dialpad", .desc = "dial a number", .label = "Dial"},
    [KA_VIEW_HISTORY] = {.name = "view-history", .desc = "call history", .label = "History"},
    [KA_VIEW_CALL] = {.name = "view-call", .desc = "the active call", .label = "Call"},
    [KA_STATE_MENU] = {.name = "state-menu",
                       .desc = "set my state (available, break, offline)",
                       .label = "State"},
    [KA_UP] = {.name = "up", .desc = "move up", .label = "Up"},
    [KA_DOWN] = {.name = "down", .desc = "move down", .label = "Down"},
    [KA_PAGE_UP] = {.name = "page-up", .desc = "one page up", .label = "PgUp"},
    [KA_PAGE_DOWN] = {.name = "page-down", .desc = "one page down", .label = "PgDn"},
    [KA_HOME] = {.name = "home", .desc = "go to the first row", .label = "Home"},
    [KA_END] = {.name = "end", .desc = "go to the last row", .label = "End"},
    [KA_SELECT] = {.name = "select", .desc = "open or choose the selected row", .label = "Select"},
    [KA_BACK] = {.name = "back", .desc = "close, go back", .label = "Back"},
    [KA_ACCEPT] = {.name = "accept", .desc = "accept the offered call", .label = "Accept"},
    [KA_DECLINE] = {.name = "decline", .desc = "decline the offered call", .label = "Decline"},
    [KA_HOLD] = {.name = "hold", .desc = "put the caller on hold, or take back", .label = "Hold"},
    [KA_MUTE] = {.name = "mute", .desc = "mute or unmute my line", .label = "Mute"},
    [KA_TRANSFER] = {.name = "transfer", .desc = "transfer the caller", .label = "Transfer"},
    [KA_HANGUP] = {.name = "hangup", .desc = "hang up the call", .label = "Hangup"},
    [KA_FILTER] = {.name = "filter", .desc = "filter the rows", .label = "Filter"},
    [KA_REFRESH] = {.name = "refresh", .desc = "fetch again from the daemon", .label = "Refresh"},
    [KA_NEXT_THEME] = {.name = "next-theme",
                       .desc = "switch to the next colour theme",
                       .label = "Theme"},
    [KA_VIEW_BOARD] = {.name = "view-board",
                       .desc = "the wallboard: queues and agents (supervisors)",
                       .label = "Board"},
    [KA_LISTEN] = {.name = "listen",
                   .desc = "listen to the selected agent's call (muted)",
                   .label = "Listen"},
    [KA_WHISPER] = {.name = "whisper",
                    .desc = "whisper to the selected agent (the caller does not hear)",
                    .label = "Whisper"},
    [KA_BARGE] = {.name = "barge",
                  .desc = "barge into the selected agent's call (both hear you)",
                  .label = "Barge"},
    [KA_LEAVE] = {.name = "leave", .desc = "leave the call you monitor", .label = "Leave"},
    [KA_AGENT_STATE] = {.name = "agent-state",
                        .desc = "set the selected agent's state",
                        .label = "AgState"},
    [KA_VIEW_ERRORS] = {.name = "view-errors",
                        .desc = "the errors screen: why calls fail, and what to do",
                        .label = "Errors"},
    [KA_ERR_RANGE] = {.name = "error-range",
                      .desc = "show today's errors or the last seven days'",
                      .label = "Range"},
    [KA_VIEW_ALERTS] = {.name = "view-alerts",
                        .desc = "the alerts: rules firing now, recent ones (supervisors)",
                        .label = "Alerts"},
    [KA_VIEW_NUMBERS] = {.name = "view-numbers",
                         .desc = "the bad numbers flagged for review (supervisors)",
                         .label = "Numbers"},
    [KA_NUM_FIXED] = {.name = "number-fixed",
                      .desc = "mark the selected number fixed, with its replacement",
                      .label = "Fixed"},
    [KA_NUM_DNC] = {.name = "number-dnc",
                    .desc = "mark the selected number do-not-call",
                    .label = "DNC"},
    [KA_VIEW_REPORTS] = {.name = "view-reports",
                         .desc = "the reports: answer rate, failures, costs, agents (supervisors)",
                         .label = "Reports"},
    [KA_REPORT_NEXT] = {.name = "report-next", .desc = "show the next report", .label = "Next"},
    [KA_REPORT_PREV] = {.name = "report-prev", .desc = "show the previous report", .label = "Prev"},
    [KA_REPORT_ANSWER_RATE] = {.name = "report-answer-rate",
                               .desc = "the answer rate by hour of day",
                               .label = "Answers"},
    [KA_REPORT_FAILURES] = {.name = "report-failures",
                            .desc = "the failure reasons",
                            .label = "Failures"},
    [KA_REPORT_COST_DAY] = {.name = "report-cost-by-day",
                            .desc = "the cost by day, and per successful call",
                            .label = "CostDay"},
    [KA_REPORT_COST_QUEUE] = {.name = "report-cost-by-queue",
                              .desc = "the cost by queue, and per successful call",
                              .label = "CostQ"},
    [KA_REPORT_AGENTS] = {.name = "report-agents",
                          .desc = "the agents: calls, handled, handle time, missed offers",
                          .label = "Agents"},
    [KA_RANGE_TODAY] = {.name = "range-today", .desc = "the report for today", .label = "Today"},
    [KA_RANGE_YESTERDAY] = {.name = "range-yesterday",
                            .desc = "the report for yesterday",
                            .label = "Yday"},
    [KA_RANGE_WEEK] = {.name = "range-week",
                       .desc = "the report for the last 7 days",
                       .label = "7 days"},
    [KA_RANGE_MONTH] = {.name = "range-month",
                        .desc = "the report for this month",
                        .label = "Month"},
};

static const char *const contexts[KM_COUNT] = {
    [KM_GLOBAL] = "global",   [KM_QUEUE] = "queue",     [KM_OFFER] = "offer",
    [KM_CALL] = "call",       [KM_WRAPUP] = "wrapup",   [KM_DIALPAD] = "dialpad",
    [KM_HISTORY] = "history", [KM_DETAIL] = "detail",   [KM_MENU] = "menu",
    [KM_HELP] = "help",       [KM_BOARD] = "board",     [KM_ERRORS] = "errors",
    [KM_ALERTS] = "alerts",   [KM_NUMBERS] = "numbers", [KM_REPORTS] = "reports",
};

static const struct km_binding defaults[] = {
    {.ctx = KM_GLOBAL, .key = KM_KEY_F(1), .action = KA_HELP},
    {.ctx = KM_GLOBAL, .key = '?', .action = KA_HELP},
    {.ctx = KM_GLOBAL, .key = KM_KEY_F(2), .action = KA_VIEW_QUEUE},
    {.ctx = KM_GLOBAL, .key = KM_KEY_F(3), .action = KA_VIEW_DIALPAD},
    {.ctx = KM_GLOBAL, .key = KM_KEY_F(4), .action = KA_VIEW_HISTORY},
    {.ctx = KM_GLOBAL, .key = KM_KEY_F(5), .action = KA_STATE_MENU},
    {.ctx = KM_GLOBAL, .key = KM_KEY_F(6), .action = KA_VIEW_CALL},
    {.ctx = KM_GLOBAL, .key = KM_KEY_F(7), .action = KA_VIEW_BOARD},
    {.ctx = KM_GLOBAL, .key = KM_KEY_F(8), .action = KA_VIEW_ERRORS},
    {.ctx = KM_GLOBAL, .key = KM_KEY_F(10), .action = KA_QUIT},
    {.ctx = KM_GLOBAL, .key = 'q', .action = KA_QUIT},
    {.ctx = KM_GLOBAL, .key = ':', .action = KA_COMMAND},
    {.ctx = KM_GLOBAL, .key = 'k', .action = KA_UP},
    {.ctx = KM_GLOBAL, .key = KM_KEY_UP, .action = KA_UP},
    {.ctx = KM_GLOBAL, .key = 'j', .action = KA_DOWN},
    {.ctx = KM_GLOBAL, .key = KM_KEY_DOWN, .action = KA_DOWN},
    {.ctx = KM_GLOBAL, .key = KM_KEY_PGUP, .action = KA_PAGE_UP},
    {.ctx = KM_GLOBAL, .key = KM_CTRL('b'), .action = KA_PAGE_UP},
    {.ctx = KM_GLOBAL, .key = KM_KEY_PGDN, .action = KA_PAGE_DOWN},
    {.ctx = KM_GLOBAL, .key = KM_CTRL('f'), .action = KA_PAGE_DOWN},
    {.ctx = KM_GLOBAL, .key = 'g', .action = KA_HOME},
    {.ctx = KM_GLOBAL, .key = KM_KEY_HOME, .action = KA_HOME},
    {.ctx = KM_GLOBAL, .key = 'G', .action = KA_END},
    {.ctx = KM_GLOBAL, .key = KM_KEY_END, .action = KA_END},
    {.ctx = KM_GLOBAL, .key = KM_KEY_ENTER, .action = KA_SELECT},
    {.ctx = KM_GLOBAL, .key = KM_KEY_ESC, .action = KA_BACK},
    {.ctx = KM_GLOBAL, .key = 'r', .action = KA_REFRESH},
    {.ctx = KM_GLOBAL, .key = KM_CTRL('l'), .action = KA_REFRESH},
    {.ctx = KM_GLOBAL, .key = 'T', .action = KA_NEXT_THEME},
    {.ctx = KM_QUEUE, .key = '/', .action = KA_FILTER},
    {.ctx = KM_HISTORY, .key = '/', .action = KA_FILTER},
    {.ctx = KM_OFFER, .key = 'a', .action = KA_ACCEPT},
    {.ctx = KM_OFFER, .key = KM_KEY_ENTER, .action = KA_ACCEPT},
    {.ctx = KM_OFFER, .key = 'd', .action = KA_DECLINE},
    {.ctx = KM_OFFER, .key = KM_KEY_ESC, .action = KA_DECLINE},
    {.ctx = KM_CALL, .key = 'h', .action = KA_HOLD},
    {.ctx = KM_CALL, .key = 'm', .action = KA_MUTE},
    {.ctx = KM_CALL, .key = 't', .action = KA_TRANSFER},
    {.ctx = KM_CALL, .key = 'x', .action = KA_HANGUP},
    {.ctx = KM_HELP, .key = 'q', .action = KA_BACK},
    {.ctx = KM_HELP, .key = '?', .action = KA_BACK},
    {.ctx = KM_DETAIL, .key = 'q', .action = KA_BACK},
    {.ctx = KM_MENU, .key = 'q', .action = KA_BACK},
    {.ctx = KM_BOARD, .key = 'l', .action = KA_LISTEN},
    {.ctx = KM_BOARD, .key = 'w', .action = KA_WHISPER},
    {.ctx = KM_BOARD, .key = 'b', .action = KA_BARGE},
    {.ctx = KM_BOARD, .key = 'L', .action = KA_LEAVE},
    {.ctx = KM_BOARD, .key = 's', .action = KA_AGENT_STATE},
    {.ctx = KM_ERRORS, .key = 'r', .action = KA_ERR_RANGE},
    {.ctx = KM_GLOBAL, .key = KM_KEY_F(9), .action = KA_VIEW_ALERTS},
    {.ctx = KM_ALERTS, .key = KM_KEY_TAB, .action = KA_VIEW_NUMBERS},
    {.ctx = KM_ERRORS, .key = 'b', .action = KA_VIEW_NUMBERS},
    {.ctx = KM_NUMBERS, .key = KM_KEY_TAB, .action = KA_VIEW_ALERTS},
    {.ctx = KM_NUMBERS, .key = 'f', .action = KA_NUM_FIXED},
    {.ctx = KM_NUMBERS, .key = 'n', .action = KA_NUM_DNC},
    {.ctx = KM_GLOBAL, .key = KM_KEY_F(11), .action = KA_VIEW_REPORTS},
    {.ctx = KM_REPORTS, .key = KM_KEY_TAB, .action = KA_REPORT_NEXT},
    {.ctx = KM_REPORTS, .key = KM_KEY_BTAB, .action = KA_REPORT_PREV},
    {.ctx = KM_REPORTS, .key = '1', .action = KA_REPORT_ANSWER_RATE},
    {.ctx = KM_REPORTS, .key = '2', .action = KA_REPORT_FAILURES},
    {.ctx = KM_REPORTS, .key = '3', .action = KA_REPORT_COST_DAY},
    {.ctx = KM_REPORTS, .key = '4', .action = KA_REPORT_COST_QUEUE},
    {.ctx = KM_REPORTS, .key = '5', .action = KA_REPORT_AGENTS},
    {.ctx = KM_REPORTS, .key = 't', .action = KA_RANGE_TODAY},
    {.ctx = KM_REPORTS, .key = 'y', .action = KA_RANGE_YESTERDAY},
    {.ctx = KM_REPORTS, .key = 'w', .action = KA_RANGE_WEEK},
    {.ctx = KM_REPORTS, .key = 'm', .action = KA_RANGE_MONTH},
};

static const struct {
    const char *name;
    int key;
} special_keys[] = {
    {.name = "Enter", .key = KM_KEY_ENTER},
    {.name = "Esc", .key = KM_KEY_ESC},
    {.name = "Tab", .key = KM_KEY_TAB},
    {.name = "BTab", .key = KM_KEY_BTAB},
    {.name = "Backspace", .key = KM_KEY_BACKSPACE},
    {.name = "Delete", .key = KM_KEY_DELETE},
    {.name = "Up", .key = KM_KEY_UP},
    {.name = "Down", .key = KM_KEY_DOWN},
    {.name = "Left", .key = KM_KEY_LEFT},
    {.name = "Right", .key = KM_KEY_RIGHT},
    {.name = "PgUp", .key = KM_KEY_PGUP},
    {.name = "PgDn", .key = KM_KEY_PGDN},
    {.name = "Home", .key = KM_KEY_HOME},
    {.name = "End", .key = KM_KEY_END},
    {.name = "Resize", .key = KM_KEY_RESIZE},
    {.name = "Space", .key = ' '},
    {.name = "Comma", .key = ','},
    /* accepted when parsing, never printed: the first name of a key is its name */
    {.name = "Return", .key = KM_KEY_ENTER},
    {.name = "Escape", .key = KM_KEY_ESC},
    {.name = "Del", .key = KM_KEY_DELETE},
    {.name = "PageUp", .key = KM_KEY_PGUP},
    {.name = "PageDown", .key = KM_KEY_PGDN},
    /* ';' and '#' start comments in the config file */
    {.name = "Semicolon", .key = ';'},
    {.name = "Hash", .key = '#'},
    {.name = "S-Tab", .key = KM_KEY_BTAB},
};

#define NSPECIAL (sizeof special_keys / sizeof special_keys[0])

/* ---- names --------------------------------------------------------------------------------- */

const char *km_action_name(enum km_action a)
{
    return (unsigned)a < KA_COUNT ? actions[a].name : NULL;
}

enum km_action km_action_from_name(const char *name)
{
    for (int a = KA_NONE + 1; name && a < KA_COUNT; a++)
        if (strcmp(actions[a].name, name) == 0)
            return (enum km_action)a;
    return KA_NONE;
}

const char *km_action_desc(enum km_action a)
{
    return (unsigned)a < KA_COUNT ? actions[a].desc : "";
}

const char *km_action_label(enum km_action a)
{
    return (unsigned)a < KA_COUNT ? actions[a].label : "";
}

const char *km_context_name(enum km_context c)
{
    return (unsigned)c < KM_COUNT ? contexts[c] : NULL;
}

int km_context_from_name(const char *name)
{
    for (int c = 0; name && c < KM_COUNT; c++)
        if (strcmp(contexts[c], name) == 0)
            return c;
    return -1;
}

static int key_ok(int key)
{
    if (key >= KM_KEY_UP && key <= KM_KEY_RESIZE)
        return 1;
    if (key >= KM_KEY_F(1) && key <= KM_KEY_F(12))
        return 1;
    if (key < 0 || key >= 0x110000 || (key >= 0xD800 && key <= 0xDFFF))
        return 0;
    return key != 0x7f && !(key >= 0x80 && key <= 0x9f);
}

int km_key_from_char(unsigned ch)
{
    switch (ch) {
    case 9:
        return KM_KEY_TAB;
    case 10:
    case 13:
        return KM_KEY_ENTER;
    case 27:
        return KM_KEY_ESC;
    case 8:
    case 127:
        return KM_KEY_BACKSPACE;
    default:
        return (int)ch;
    }
}

/* Decodes exactly one UTF-8 character making up all of s; -1 otherwise. */
static int one_char(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s);
    int n = p[0] < 0x80                    ? 1
            : p[0] >= 0xC2 && p[0] <= 0xDF ? 2
            : p[0] >= 0xE0 && p[0] <= 0xEF ? 3
            : p[0] >= 0xF0 && p[0] <= 0xF4 ? 4
                                           : 0;
    if (n == 0 || len != (size_t)n)
        return -1;
    int v = n == 1 ? p[0] : p[0] & (0x7F >> n);
    for (int i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return -1;
        v = (v << 6) | (p[i] & 0x3F);
    }
    static const int min[] = {0, 0, 0x80, 0x800, 0x10000};
    return v < min[n] ? -1 : v;
}

int km_key_parse(const char *name, int *key)
{
    if (!name || !*name || strlen(name) > 32)
        return DT_EINVAL;
    int v = one_char(name);
    if (v >= 0) {
        if (v < 0x20 || !key_ok(v))
            return DT_EINVAL;
        *key = v;
        return 0;
    }
    for (size_t i = 0; i < NSPECIAL; i++) {
        if (strcasecmp(special_keys[i].name, name) == 0) {
            *key = special_keys[i].key;
            return 0;
        }
    }
    if ((name[0] == 'F' || name[0] == 'f') && name[1] >= '1' && name[1] <= '9') {
        int n = name[1] - '0';
        if (name[2] >= '0' && name[2] <= '9' && !name[3])
            n = n * 10 + (name[2] - '0');
        else if (name[2])
            return DT_EINVAL;
        if (n > 12)
            return DT_EINVAL;
        *key = KM_KEY_F(n);
        return 0;
    }
    const char *c = NULL;
    if (strncasecmp(name, "C-", 2) == 0)
        c = name + 2;
    else if (strncasecmp(name, "Ctrl-", 5) == 0)
        c = name + 5;
    else if (name[0] == '^')
        c = name + 1;
    if (!c || !c[0] || c[1])
        return DT_EINVAL;
    int ch = (unsigned char)*c;
    if (ch >= 'A' && ch <= 'Z')
        ch += 'a' - 'A';
    if (!((ch >= 'a' && ch <= 'z') || ch == '@' || ch == '\\' || ch == ']' || ch == '^' ||
          ch == '_'))
        return DT_EINVAL;
    v = KM_CTRL(ch);
    if (km_key_from_char((unsigned)v) != v) /* C-i is Tab, C-m Enter...: use those names */
        return DT_EINVAL;
    *key = v;
    return 0;
}

char *km_key_name(int key, char *buf, size_t n)
{
    if (!buf || n == 0)
        return buf;
    for (size_t i = 0; i < NSPECIAL; i++) {
        if (special_keys[i].key == key) {
            dt_strlcpy(buf, special_keys[i].name, n);
            return buf;
        }
    }
    if (key >= KM_KEY_F(1) && key <= KM_KEY_F(12)) {
        snprintf(buf, n, "F%d", key - KM_KEY_F0);
    } else if (key >= 0 && key < 0x20) {
        snprintf(buf, n, "C-%c", key == 0 ? '@' : key < 27 ? 'a' + key - 1 : '@' + key);
    } else if (key_ok(key) && key < 0x110000) {
        char u[5] = {0};
        if (key < 0x80) {
            u[0] = (char)key;
        } else if (key < 0x800) {
            u[0] = (char)(0xC0 | (key >> 6));
            u[1] = (char)(0x80 | (key & 0x3F));
        } else if (key < 0x10000) {
            u[0] = (char)(0xE0 | (key >> 12));
            u[1] = (char)(0x80 | ((key >> 6) & 0x3F));
            u[2] = (char)(0x80 | (key & 0x3F));
        } else {
            u[0] = (char)(0xF0 | (key >> 18));
            u[1] = (char)(0x80 | ((key >> 12) & 0x3F));
            u[2] = (char)(0x80 | ((key >> 6) & 0x3F));
            u[3] = (char)(0x80 | (key & 0x3F));
        }
        if (strlen(u) >= n)
            buf[0] = '\0';
        else
            memcpy(buf, u, strlen(u) + 1);
    } else {
        snprintf(buf, n, "?%d", key);
    }
    return buf;
}

/* ---- the table ----------------------------------------------------------------------------- */

struct keymap *km_new(void)
{
    struct keymap *km = xcalloc(1, sizeof *km);
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
        km_bind(km, defaults[i].ctx, defaults[i].key, defaults[i].action);
    return km;
}

void km_free(struct keymap *km)
{
    free(km);
}

int km_bind(struct keymap *km, enum km_context ctx, int key, enum km_action action)
{
    if (!km || (unsigned)ctx >= KM_COUNT || (unsigned)action >= KA_COUNT || !key_ok(key))
        return DT_EINVAL;
    for (int i = 0; i < km->n; i++) {
        if (km->b[i].ctx != ctx || km->b[i].key != key)
            continue;
        if (action == KA_NONE) {
            memmove(&km->b[i], &km->b[i + 1], (size_t)(km->n - i - 1) * sizeof km->b[0]);
            km->n--;
        } else {
            km->b[i].action = (unsigned char)action;
        }
        return 0;
    }
    if (action == KA_NONE)
        return 0;
    if (km->n == KM_MAX_BINDINGS)
        return DT_ETOOBIG;
    km->b[km->n++] =
        (struct km_binding){.ctx = (unsigned char)ctx, .key = key, .action = (unsigned char)action};
    return 0;
}

static enum km_action lookup_in(const struct keymap *km, int ctx, int key)
{
    for (int i = 0; i < km->n; i++)
        if (km->b[i].ctx == ctx && km->b[i].key == key)
            return (enum km_action)km->b[i].action;
    return KA_NONE;
}

enum km_action km_lookup(const struct keymap *km, enum km_context ctx, int key)
{
    if (!km)
        return KA_NONE;
    enum km_action a = (unsigned)ctx < KM_COUNT ? lookup_in(km, ctx, key) : KA_NONE;
    return a != KA_NONE ? a : lookup_in(km, KM_GLOBAL, key);
}

/* Joins the names of action's keys in ctx, skipping those bound in shadow (or -1). */
static int join_keys(const struct keymap *km, int ctx, enum km_action action, int shadow, char *buf,
                     size_t n)
{
    int count = 0;
    size_t len = 0;
    if (n > 0)
        buf[0] = '\0';
    for (int i = 0; i < km->n; i++) {
        if (km->b[i].ctx != ctx || km->b[i].action != action)
            continue;
        if (shadow >= 0 && lookup_in(km, shadow, km->b[i].key) != KA_NONE)
            continue;
        char name[KM_KEY_NAME_MAX];
        km_key_name(km->b[i].key, name, sizeof name);
        if (n > 0 && len < n - 1) {
            int w = snprintf(buf + len, n - len, "%s%s", count ? ", " : "", name);
            len = w < 0 ? len : len + (size_t)w >= n ? n - 1 : len + (size_t)w;
        }
        count++;
    }
    return count;
}

int km_keys_of(const struct keymap *km, enum km_context ctx, enum km_action action, char *buf,
               size_t n)
{
    if (!km || (unsigned)ctx >= KM_COUNT) {
        if (n > 0)
            buf[0] = '\0';
        return 0;
    }
    return join_keys(km, ctx, action, -1, buf, n);
}

int km_key_for(const struct keymap *km, enum km_context ctx, enum km_action action, char *buf,
               size_t n)
{
    if (n > 0)
        buf[0] = '\0';
    if (!km || (unsigned)ctx >= KM_COUNT)
        return 0;
    for (int pass = 0; pass < 2; pass++) {
        int where = pass == 0 ? (int)ctx : KM_GLOBAL;
        if (pass == 1 && ctx == KM_GLOBAL)
            break;
        for (int i = 0; i < km->n; i++) {
            if (km->b[i].ctx != where || km->b[i].action != action)
                continue;
            if (pass == 1 && lookup_in(km, ctx, km->b[i].key) != KA_NONE)
                continue; /* shadowed by the context's own binding of that key */
            km_key_name(km->b[i].key, buf, n);
            return 1;
        }
    }
    return 0;
}

void km_help(const struct keymap *km, enum km_context ctx, km_help_fn fn, void *user)
{
    if (!km || !fn || (unsigned)ctx >= KM_COUNT)
        return;
    char keys[160];
    for (int a = KA_NONE + 1; a < KA_COUNT; a++)
        if (join_keys(km, ctx, (enum km_action)a, -1, keys, sizeof keys) > 0)
            fn(ctx, (enum km_action)a, keys, actions[a].desc, user);
    if (ctx == KM_GLOBAL)
        return;
    for (int a = KA_NONE + 1; a < KA_COUNT; a++)
        if (join_keys(km, KM_GLOBAL, (enum km_action)a, ctx, keys, sizeof keys) > 0)
            fn(KM_GLOBAL, (enum km_action)a, keys, actions[a].desc, user);
}

int km_legend(const struct keymap *km, enum km_context ctx, struct km_legend_item *items, int max)
{
    int count = 0;
    for (int f = 1; km && f <= 10 && count < max; f++) {
        enum km_action a = km_lookup(km, ctx, KM_KEY_F(f));
        if (a == KA_NONE)
            continue;
        snprintf(items[count].key, sizeof items[count].key, "F%d", f);
        items[count].action = a;
        items[count].label = actions[a].label;
        count++;
    }
    return count;
}

/* ---- overrides from the config file -------------------------------------------------------- */

#define KM_OVERRIDE_MAX_KEYS 8

/* Splits keys on commas into key codes; returns the count, 0 for "none", or -1 (err set). */
static int parse_key_list(const char *keys, int *out, char *err, size_t errlen)
{
    char tok[40];
    int count = 0, none = 0;
    const char *p = keys;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        while (len > 0 && (*p == ' ' || *p == '\t'))
            p++, len--;
        while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        if (len == 0) {
            dt_seterr(err, errlen, DT_EINVAL, "empty key name in '%.60s'", keys);
            return -1;
        }
        if (len >= sizeof tok) {
            dt_seterr(err, errlen, DT_EINVAL, "key name too long: '%.20s...'", p);
            return -1;
        }
        memcpy(tok, p, len);
        tok[len] = '\0';
        if (strcasecmp(tok, "none") == 0) {
            none = 1;
        } else if (count == KM_OVERRIDE_MAX_KEYS) {
            dt_seterr(err, errlen, DT_EINVAL, "too many keys (at most %d)", KM_OVERRIDE_MAX_KEYS);
            return -1;
        } else if (km_key_parse(tok, &out[count]) != 0) {
            dt_seterr(err, errlen, DT_EINVAL,
                      "unknown key '%s' (a character, F1-F12, C-x, Enter, Esc, Tab, Up, PgDn...)",
                      tok);
            return -1;
        } else {
            count++;
        }
        if (!comma)
            break;
        p = comma + 1;
    }
    if (none && count > 0) {
        dt_seterr(err, errlen, DT_EINVAL, "'none' cannot be listed with keys");
        return -1;
    }
    return count;
}

int km_parse_override(struct keymap *km, const char *action_name, const char *keys, char *err,
                      size_t errlen)
{
    if (!km || !action_name || !keys)
        return dt_seterr(err, errlen, DT_EINVAL, "no action or no keys");
    char name[48];
    if (strlen(action_name) >= sizeof name)
        return dt_seterr(err, errlen, DT_EINVAL, "unknown action '%.40s...'", action_name);
    dt_strlcpy(name, action_name, sizeof name);
    const char *aname = name;
    int ctx = -1;
    char *dot = strchr(name, '.');
    if (dot) {
        *dot = '\0';
        aname = dot + 1;
        ctx = km_context_from_name(name);
        if (ctx < 0)
            return dt_seterr(err, errlen, DT_EINVAL,
                             "unknown context '%s' (global, queue, offer, call, wrapup, dialpad, "
                             "history, detail, menu, help, board, errors, alerts, numbers)",
                             name);
    }
    enum km_action a = km_action_from_name(aname);
    if (a == KA_NONE)
        return dt_seterr(err, errlen, DT_EINVAL, "unknown action '%s'", aname);
    int list[KM_OVERRIDE_MAX_KEYS];
    int nkeys = parse_key_list(keys, list, err, errlen);
    if (nkeys < 0)
        return DT_EINVAL;

    int in[KM_COUNT] = {0}, any = 0;
    if (ctx >= 0) {
        in[ctx] = any = 1;
    } else {
        for (int i = 0; i < km->n; i++)
            if (km->b[i].action == a)
                in[km->b[i].ctx] = any = 1;
        if (!any)
            in[KM_GLOBAL] = 1;
    }
    struct keymap *tmp = xmalloc(sizeof *tmp);
    memcpy(tmp, km, sizeof *tmp);
    int j = 0;
    for (int i = 0; i < tmp->n; i++)
        if (!(tmp->b[i].action == a && in[tmp->b[i].ctx]))
            tmp->b[j++] = tmp->b[i];
    tmp->n = j;
    int rc = 0;
    for (int c = 0; c < KM_COUNT && rc == 0; c++)
        for (int k = 0; in[c] && k < nkeys && rc == 0; k++)
            rc = km_bind(tmp, (enum km_context)c, list[k], a);
    if (rc == 0)
        memcpy(km, tmp, sizeof *tmp);
    free(tmp);
    if (rc != 0)
        return dt_seterr(err, errlen, rc, "too many key bindings (at most %d)", KM_MAX_BINDINGS);
    return 0;
}
