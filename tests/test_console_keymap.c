/*
 * test_console_keymap: the default bindings, lookups (the screen's context first, then the
 * global one), rebinding from config lines and their errors, key names both ways, and help
 * and the F-key legend following the live table.
 */
#include "check.h"
#include "console/keymap.h"
#include "dialtone/util.h"

#include <stdio.h>
#include <string.h>

TEST(defaults)
{
    struct keymap *km = km_new();
    CHECK_INT(km_lookup(km, KM_QUEUE, KM_KEY_F(1)), KA_HELP);
    CHECK_INT(km_lookup(km, KM_QUEUE, '?'), KA_HELP);
    CHECK_INT(km_lookup(km, KM_QUEUE, KM_KEY_F(2)), KA_VIEW_QUEUE);
    CHECK_INT(km_lookup(km, KM_QUEUE, KM_KEY_F(3)), KA_VIEW_DIALPAD);
    CHECK_INT(km_lookup(km, KM_QUEUE, KM_KEY_F(4)), KA_VIEW_HISTORY);
    CHECK_INT(km_lookup(km, KM_QUEUE, KM_KEY_F(5)), KA_STATE_MENU);
    CHECK_INT(km_lookup(km, KM_QUEUE, KM_KEY_F(10)), KA_QUIT);
    CHECK_INT(km_lookup(km, KM_QUEUE, 'q'), KA_QUIT);
    CHECK_INT(km_lookup(km, KM_QUEUE, ':'), KA_COMMAND);
    CHECK_INT(km_lookup(km, KM_HISTORY, '/'), KA_FILTER);
    CHECK_INT(km_lookup(km, KM_QUEUE, 'j'), KA_DOWN);
    CHECK_INT(km_lookup(km, KM_QUEUE, KM_KEY_DOWN), KA_DOWN);
    CHECK_INT(km_lookup(km, KM_QUEUE, 'k'), KA_UP);
    CHECK_INT(km_lookup(km, KM_QUEUE, KM_KEY_UP), KA_UP);
    CHECK_INT(km_lookup(km, KM_HISTORY, KM_KEY_PGDN), KA_PAGE_DOWN);
    CHECK_INT(km_lookup(km, KM_HISTORY, KM_KEY_PGUP), KA_PAGE_UP);
    CHECK_INT(km_lookup(km, KM_HISTORY, 'g'), KA_HOME);
    CHECK_INT(km_lookup(km, KM_HISTORY, 'G'), KA_END);
    CHECK_INT(km_lookup(km, KM_HISTORY, KM_KEY_ENTER), KA_SELECT);
    CHECK_INT(km_lookup(km, KM_HISTORY, KM_KEY_ESC), KA_BACK);
    CHECK_INT(km_lookup(km, KM_OFFER, 'a'), KA_ACCEPT);
    CHECK_INT(km_lookup(km, KM_OFFER, KM_KEY_ENTER), KA_ACCEPT);
    CHECK_INT(km_lookup(km, KM_OFFER, 'd'), KA_DECLINE);
    CHECK_INT(km_lookup(km, KM_OFFER, KM_KEY_ESC), KA_DECLINE);
    CHECK_INT(km_lookup(km, KM_CALL, 'h'), KA_HOLD);
    CHECK_INT(km_lookup(km, KM_CALL, 'm'), KA_MUTE);
    CHECK_INT(km_lookup(km, KM_CALL, 't'), KA_TRANSFER);
    CHECK_INT(km_lookup(km, KM_CALL, 'x'), KA_HANGUP);
    CHECK_INT(km_lookup(km, KM_CALL, 'r'), KA_REFRESH);
    CHECK_INT(km_lookup(km, KM_CALL, 'T'), KA_NEXT_THEME);
    /* call keys do nothing outside a call; unknown keys do nothing */
    CHECK_INT(km_lookup(km, KM_QUEUE, 'h'), KA_NONE);
    CHECK_INT(km_lookup(km, KM_QUEUE, 'Z'), KA_NONE);
    CHECK_INT(km_lookup(NULL, KM_QUEUE, 'q'), KA_NONE);
    km_free(km);
    km_free(NULL);
}

TEST(context_before_global)
{
    struct keymap *km = km_new();
    /* Enter selects globally, accepts in an offer; q quits, but closes help */
    CHECK_INT(km_lookup(km, KM_QUEUE, KM_KEY_ENTER), KA_SELECT);
    CHECK_INT(km_lookup(km, KM_OFFER, KM_KEY_ENTER), KA_ACCEPT);
    CHECK_INT(km_lookup(km, KM_HELP, 'q'), KA_BACK);
    CHECK_INT(km_lookup(km, KM_GLOBAL, 'q'), KA_QUIT);
    CHECK_INT(km_bind(km, KM_CALL, 'q', KA_HANGUP), 0);
    CHECK_INT(km_lookup(km, KM_CALL, 'q'), KA_HANGUP);
    CHECK_INT(km_lookup(km, KM_DIALPAD, 'q'), KA_QUIT);
    /* unbinding in the context falls back to global */
    CHECK_INT(km_bind(km, KM_CALL, 'q', KA_NONE), 0);
    CHECK_INT(km_lookup(km, KM_CALL, 'q'), KA_QUIT);
    CHECK_INT(km_bind(km, KM_COUNT, 'q', KA_QUIT), DT_EINVAL);
    CHECK_INT(km_bind(km, KM_CALL, -5, KA_QUIT), DT_EINVAL);
    CHECK_INT(km_bind(km, KM_CALL, 'q', KA_COUNT), DT_EINVAL);
    km_free(km);
}

TEST(action_names)
{
    for (int a = KA_NONE + 1; a < KA_COUNT; a++) {
        const char *n = km_action_name((enum km_action)a);
        CHECK(n != NULL && *n);
        CHECK_INT(km_action_from_name(n), a);
        CHECK(*km_action_desc((enum km_action)a));
        CHECK(*km_action_label((enum km_action)a));
    }
    CHECK_STR(km_action_name(KA_PAGE_DOWN), "page-down");
    CHECK_STR(km_action_name(KA_HOLD), "hold");
    CHECK(km_action_name(KA_COUNT) == NULL);
    CHECK_INT(km_action_from_name("Hold"), KA_NONE);
    CHECK_INT(km_action_from_name("none"), KA_NONE);
    CHECK_INT(km_action_from_name(NULL), KA_NONE);
    for (int c = 0; c < KM_COUNT; c++)
        CHECK_INT(km_context_from_name(km_context_name((enum km_context)c)), c);
    CHECK_INT(km_context_from_name("nowhere"), -1);
}

TEST(key_names_round_trip)
{
    static const char *const names[] = {
        "a",      "?",         "G",      "F1",       "F10",          "F12",   "C-c",       "C-x",
        "Enter",  "Esc",       "Tab",    "BTab",     "Up",           "Down",  "Left",      "Right",
        "PgUp",   "PgDn",      "Home",   "End",      "Space",        "Comma", "Semicolon", "Hash",
        "Delete", "Backspace", "Resize", "\xc3\xa9", "\xe5\xbc\xa0", ":",     "/"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        int key = -1;
        char buf[KM_KEY_NAME_MAX];
        CHECK_INT(km_key_parse(names[i], &key), 0);
        CHECK_STR(km_key_name(key, buf, sizeof buf), names[i]);
    }
    int key;
    CHECK_INT(km_key_parse("enter", &key), 0);
    CHECK_INT(key, KM_KEY_ENTER);
    CHECK_INT(km_key_parse("Ctrl-C", &key), 0);
    CHECK_INT(key, 3);
    CHECK_INT(km_key_parse("^C", &key), 0);
    CHECK_INT(key, KM_CTRL('c'));
    CHECK_INT(km_key_parse("f5", &key), 0);
    CHECK_INT(key, KM_KEY_F(5));
    CHECK_INT(km_key_parse("PageDown", &key), 0);
    CHECK_INT(key, KM_KEY_PGDN);
    /* every key of the default table prints a name that parses back to it */
    char buf[KM_KEY_NAME_MAX];
    for (int k = KM_KEY_UP; k <= KM_KEY_RESIZE; k++) {
        int back = -1;
        CHECK_INT(km_key_parse(km_key_name(k, buf, sizeof buf), &back), 0);
        CHECK_INT(back, k);
    }
}

TEST(bad_key_names)
{
    static const char *const bad[] = {"",     "F0",   "F13",      "F1x",   "Foo", "C-",
                                      "C-1",  "C-i",  "C-m",      "C-[",   "ab",  "\x01",
                                      "\x7f", "\xc3", "\xc0\xaf", "Ctrl-", "^1",  "C-cc"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int key = 12345;
        CHECK_INT(km_key_parse(bad[i], &key), DT_EINVAL);
        CHECK_INT(key, 12345);
    }
    int key;
    CHECK_INT(km_key_parse(NULL, &key), DT_EINVAL);
    char buf[KM_KEY_NAME_MAX];
    CHECK_STR(km_key_name(-1, buf, sizeof buf), "?-1");
}

TEST(key_from_char)
{
    CHECK_INT(km_key_from_char(9), KM_KEY_TAB);
    CHECK_INT(km_key_from_char(10), KM_KEY_ENTER);
    CHECK_INT(km_key_from_char(13), KM_KEY_ENTER);
    CHECK_INT(km_key_from_char(27), KM_KEY_ESC);
    CHECK_INT(km_key_from_char(127), KM_KEY_BACKSPACE);
    CHECK_INT(km_key_from_char(8), KM_KEY_BACKSPACE);
    CHECK_INT(km_key_from_char(3), KM_CTRL('c'));
    CHECK_INT(km_key_from_char('a'), 'a');
}

TEST(overrides)
{
    struct keymap *km = km_new();
    char err[200] = "";
    CHECK_INT(km_parse_override(km, "hold", "H, F7", err, sizeof err), 0);
    CHECK_INT(km_lookup(km, KM_CALL, 'H'), KA_HOLD);
    CHECK_INT(km_lookup(km, KM_CALL, KM_KEY_F(7)), KA_HOLD);
    CHECK_INT(km_lookup(km, KM_CALL, 'h'), KA_NONE); /* the old key is gone */
    char keys[64];
    CHECK_INT(km_keys_of(km, KM_CALL, KA_HOLD, keys, sizeof keys), 2);
    CHECK_STR(keys, "H, F7");
    /* quit had F10 and q in global: replaced there; help keeps its q */
    CHECK_INT(km_parse_override(km, "quit", "C-q", err, sizeof err), 0);
    CHECK_INT(km_lookup(km, KM_QUEUE, 'q'), KA_NONE);
    CHECK_INT(km_lookup(km, KM_QUEUE, KM_CTRL('q')), KA_QUIT);
    CHECK_INT(km_lookup(km, KM_HELP, 'q'), KA_BACK);
    /* a context-qualified override only touches that context */
    CHECK_INT(km_parse_override(km, "offer.accept", "y", err, sizeof err), 0);
    CHECK_INT(km_lookup(km, KM_OFFER, 'y'), KA_ACCEPT);
    CHECK_INT(km_lookup(km, KM_OFFER, 'a'), KA_NONE);
    CHECK_INT(km_parse_override(km, "back", "none", err, sizeof err), 0);
    CHECK_INT(km_lookup(km, KM_QUEUE, KM_KEY_ESC), KA_NONE);
    CHECK_INT(km_lookup(km, KM_OFFER, KM_KEY_ESC), KA_DECLINE);
    /* an action never bound goes global */
    CHECK_INT(km_parse_override(km, "view-call", "c", err, sizeof err), 0);
    CHECK_INT(km_lookup(km, KM_HISTORY, 'c'), KA_VIEW_CALL);
    km_free(km);
}

TEST(key_for_an_action)
{
    struct keymap *km = km_new();
    char k[KM_KEY_NAME_MAX];
    CHECK_INT(km_key_for(km, KM_CALL, KA_HOLD, k, sizeof k), 1);
    CHECK_STR(k, "h");
    CHECK_INT(km_key_for(km, KM_ALERTS, KA_REFRESH, k, sizeof k), 1); /* a global key */
    CHECK_STR(k, "r");
    CHECK_INT(km_key_for(km, KM_ERRORS, KA_REFRESH, k, sizeof k), 1); /* r is taken there */
    CHECK_STR(k, "C-l");
    CHECK_INT(km_key_for(km, KM_QUEUE, KA_HOLD, k, sizeof k), 0); /* not in that context */
    CHECK_STR(k, "");
    CHECK_INT(km_key_for(km, KM_COUNT, KA_HOLD, k, sizeof k), 0);
    km_free(km);
}

TEST(bad_overrides)
{
    struct keymap *km = km_new();
    char err[200];
    static const struct {
        const char *action, *keys, *why;
    } bad[] = {
        {"hodl", "H", "unknown action 'hodl'"},
        {"phone.hold", "H", "unknown context 'phone'"},
        {"hold", "", "empty key"},
        {"hold", "H,", "empty key"},
        {"hold", "H,,J", "empty key"},
        {"hold", "Hyper", "unknown key 'Hyper'"},
        {"hold", "none, H", "'none' cannot"},
        {"hold", "a,b,c,d,e,f,g,h,i", "too many keys"},
        {"", "H", "unknown action"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        CHECK_INT(km_parse_override(km, bad[i].action, bad[i].keys, err, sizeof err), DT_EINVAL);
        if (!strstr(err, bad[i].why))
            CHECK_STR(err, bad[i].why);
    }
    /* nothing changed */
    CHECK_INT(km_lookup(km, KM_CALL, 'h'), KA_HOLD);
    CHECK_INT(km_lookup(km, KM_CALL, 'H'), KA_NONE);
    km_free(km);
}

struct help_rec {
    char text[2048];
};

static void on_help(enum km_context where, enum km_action action, const char *keys,
                    const char *desc, void *user)
{
    struct help_rec *r = user;
    size_t len = strlen(r->text);
    snprintf(r->text + len, sizeof r->text - len, "%s:%s=%s (%s)\n", km_context_name(where),
             km_action_name(action), keys, desc);
}

TEST(help_follows_rebinding)
{
    struct keymap *km = km_new();
    struct help_rec r = {""};
    km_help(km, KM_CALL, on_help, &r);
    CHECK(strstr(r.text, "call:hold=h (") != NULL);
    CHECK(strstr(r.text, "global:help=F1, ? (") != NULL);
    CHECK(strstr(r.text, "global:quit=F10, q (") != NULL);
    char err[200];
    CHECK_INT(km_parse_override(km, "hold", "H, F7", err, sizeof err), 0);
    CHECK_INT(km_bind(km, KM_CALL, '?', KA_MUTE), 0);
    r.text[0] = '\0';
    km_help(km, KM_CALL, on_help, &r);
    CHECK(strstr(r.text, "call:hold=H, F7 (") != NULL);
    CHECK(strstr(r.text, "call:hold=h") == NULL);
    CHECK(strstr(r.text, "call:mute=m, ? (") != NULL);
    /* '?' is shadowed in a call: global help lists F1 alone */
    CHECK(strstr(r.text, "global:help=F1 (") != NULL);
    km_free(km);
}

TEST(legend_follows_rebinding)
{
    struct keymap *km = km_new();
    struct km_legend_item it[10];
    int n = km_legend(km, KM_QUEUE, it, 10);
    CHECK_INT(n, 10); /* F1-F10 */
    CHECK_STR(it[7].key, "F8");
    CHECK_STR(it[7].label, "Errors");
    CHECK_STR(it[8].key, "F9");
    CHECK_STR(it[8].label, "Alerts");
    CHECK_STR(it[0].key, "F1");
    CHECK_STR(it[0].label, "Help");
    CHECK_STR(it[1].label, "Queue");
    CHECK_STR(it[n - 1].key, "F10");
    CHECK_STR(it[n - 1].label, "Quit");
    char err[200];
    CHECK_INT(km_parse_override(km, "hold", "F7", err, sizeof err), 0);
    CHECK_INT(km_parse_override(km, "quit", "F9", err, sizeof err), 0);
    n = km_legend(km, KM_CALL, it, 10);
    CHECK_INT(n, 9);
    CHECK_STR(it[6].key, "F7");
    CHECK_STR(it[6].label, "Hold");
    CHECK_STR(it[8].key, "F9");
    CHECK_STR(it[8].label, "Quit");
    CHECK_INT(km_legend(km, KM_QUEUE, it, 3), 3);
    km_free(km);
}

TEST(table_full)
{
    struct keymap *km = km_new();
    int rc = 0, k = 0x4E00;
    while (rc == 0)
        rc = km_bind(km, KM_QUEUE, k++, KA_REFRESH);
    CHECK_INT(rc, DT_ETOOBIG);
    char err[200];
    CHECK_INT(km_parse_override(km, "hold", "a, b", err, sizeof err), DT_ETOOBIG);
    CHECK_INT(km_lookup(km, KM_CALL, 'h'), KA_HOLD);
    km_free(km);
}

int main(void)
{
    RUN(defaults);
    RUN(context_before_global);
    RUN(action_names);
    RUN(key_names_round_trip);
    RUN(bad_key_names);
    RUN(key_from_char);
    RUN(overrides);
    RUN(key_for_an_action);
    RUN(bad_overrides);
    RUN(help_follows_rebinding);
    RUN(legend_follows_rebinding);
    RUN(table_full);
    return check_done();
}
