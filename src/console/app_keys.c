/*
 * app_keys: what curses' wget_wch returns, turned into the keymap's keys (keymap.h): a
 * Unicode code point for a character, a KM_KEY_* constant for a special key, KM_CTRL(c) for a
 * control character. A table, so that a terminal's odd key is one more row.
 */
#include <curses.h>

#include "console/app.h"
#include "console/keymap.h"

struct key_row {
    int curses; /* a KEY_* code from keypad mode */
    int key;    /* a KM_KEY_* */
};

static const struct key_row key_rows[] = {
    {.curses = KEY_UP, .key = KM_KEY_UP},
    {.curses = KEY_DOWN, .key = KM_KEY_DOWN},
    {.curses = KEY_LEFT, .key = KM_KEY_LEFT},
    {.curses = KEY_RIGHT, .key = KM_KEY_RIGHT},
    {.curses = KEY_PPAGE, .key = KM_KEY_PGUP},
    {.curses = KEY_NPAGE, .key = KM_KEY_PGDN},
    {.curses = KEY_HOME, .key = KM_KEY_HOME},
    {.curses = KEY_END, .key = KM_KEY_END},
    /* Home and End as some terminals send them (vt220 Find/Select, keypad corners). */
    {.curses = KEY_FIND, .key = KM_KEY_HOME},
    {.curses = KEY_SELECT, .key = KM_KEY_END},
    {.curses = KEY_A1, .key = KM_KEY_HOME},
    {.curses = KEY_C1, .key = KM_KEY_END},
    {.curses = KEY_A3, .key = KM_KEY_PGUP},
    {.curses = KEY_C3, .key = KM_KEY_PGDN},
    {.curses = KEY_ENTER, .key = KM_KEY_ENTER},
    {.curses = KEY_BACKSPACE, .key = KM_KEY_BACKSPACE},
    {.curses = KEY_DC, .key = KM_KEY_DELETE},
    {.curses = KEY_BTAB, .key = KM_KEY_BTAB},
    {.curses = KEY_RESIZE, .key = KM_KEY_RESIZE},
};

#define NROWS(a) (sizeof(a) / sizeof((a)[0]))

int app_key_from_curses(int rc, unsigned int wch)
{
    if (rc == KEY_CODE_YES) {
        if (wch >= (unsigned)KEY_F(1) && wch <= (unsigned)KEY_F(12))
            return KM_KEY_F((int)(wch - (unsigned)KEY_F(0)));
        for (size_t i = 0; i < NROWS(key_rows); i++)
            if ((unsigned)key_rows[i].curses == wch)
                return key_rows[i].key;
        return 0;
    }
    if (rc != OK)
        return 0;
    int key = km_key_from_char(wch); /* Tab, Enter, Esc, Backspace */
    if (key != (int)wch)
        return key;
    if (wch >= 1 && wch <= 26)
        return KM_CTRL((int)('a' + wch - 1));
    /* Other C0 and C1 controls, surrogates and out-of-range values are no key at all. */
    if (wch < 32 || (wch >= 0x7f && wch < 0xa0) || (wch >= 0xd800 && wch <= 0xdfff) ||
        wch >= 0x110000)
        return 0;
    return (int)wch;
}
