/*
 * test_console_sanitize: hostile text made safe for the terminal (escape sequences, C1
 * controls, bidi overrides, broken UTF-8, NULs), display widths of CJK and emoji, and fitting
 * into columns without ever splitting a character.
 */
#include "check.h"
#include "console/sanitize.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#define R TX_REPLACEMENT

static const char *san(const char *in, size_t len)
{
    static char out[512];
    tx_sanitize(in, len, out, sizeof out);
    return out;
}
#define SAN(lit) san(lit, sizeof(lit) - 1)

TEST(plain_text_unchanged)
{
    CHECK_STR(SAN("Alice Smith"), "Alice Smith");
    CHECK_STR(SAN("Zo\xc3\xab \xe5\xbc\xa0\xe4\xbc\x9f \xf0\x9f\x93\x9e"),
              "Zo\xc3\xab \xe5\xbc\xa0\xe4\xbc\x9f \xf0\x9f\x93\x9e");
    CHECK_STR(SAN(""), "");
    char out[8];
    CHECK_INT(tx_sanitize(NULL, 0, out, sizeof out), 0);
    CHECK_STR(out, "");
}

TEST(escape_sequences_defused)
{
    CHECK_STR(SAN("\x1b[2Jboom"), R "[2Jboom");
    CHECK_STR(SAN("a\x1b]52;c;aGVsbG8=\x07z"), "a" R "]52;c;aGVsbG8=" R "z");
    CHECK_STR(SAN("\x1b[31mred\x1b[0m"), R "[31mred" R "[0m");
    /* C1 controls, as UTF-8 (CSI U+009B, OSC U+009D) and as raw bytes */
    CHECK_STR(SAN("x\xc2\x9b"
                  "2Jy"),
              "x" R "2Jy");
    CHECK_STR(SAN("\xc2\x9d"
                  "52;c;x\xc2\x9c"),
              R "52;c;x" R);
    CHECK_STR(SAN("\x9b"
                  "2J"),
              R "2J");
    CHECK_STR(SAN("del\x7f"), "del" R);
    CHECK_STR(SAN("bell\x07"), "bell" R);
}

TEST(whitespace_becomes_space)
{
    CHECK_STR(SAN("a\tb\nc\r\nd\ve\ff"), "a b c  d e f");
    CHECK_STR(SAN("x\xe2\x80\xa8y\xe2\x80\xa9z"), "x y z");
}

TEST(nul_inside_length)
{
    const char in[] = {'a', '\0', 'b'};
    char out[16];
    size_t n = tx_sanitize(in, sizeof in, out, sizeof out);
    CHECK_STR(out, "a" R "b");
    CHECK_INT(n, 5);
    CHECK_INT(strlen(out), n);
}

TEST(bidi_overrides_replaced)
{
    /* "evil\u202Etxt.exe" and the isolates */
    CHECK_STR(SAN("evil\xe2\x80\xaetxt.exe"), "evil" R "txt.exe");
    CHECK_STR(SAN("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad"), R R R R);
    CHECK_STR(SAN("\xe2\x81\xa6x\xe2\x81\xa7y\xe2\x81\xa8z\xe2\x81\xa9"), R "x" R "y" R "z" R);
    CHECK_STR(SAN("\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c"), R R R);
    /* a right-to-left letter itself is fine */
    CHECK_STR(SAN("\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d"), "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d");
}

TEST(invalid_utf8)
{
    CHECK_STR(SAN("a\x80z"), "a" R "z");         /* stray continuation */
    CHECK_STR(SAN("\xc0\xaf"), R R);             /* overlong '/' */
    CHECK_STR(SAN("\xe0\x80\xaf"), R R R);       /* overlong, 3 bytes */
    CHECK_STR(SAN("\xf0\x80\x80\xaf"), R R R R); /* overlong, 4 bytes */
    CHECK_STR(SAN("\xed\xa0\x80"), R R R);       /* surrogate D800 */
    CHECK_STR(SAN("\xf4\x90\x80\x80"), R R R R); /* over U+10FFFF */
    CHECK_STR(SAN("ab\xe4\xbc"), "ab" R R);      /* truncated at the end */
    CHECK_STR(SAN("\xe4\xbc"
                  "x"),
              R R "x"); /* truncated in the middle */
    CHECK_STR(SAN("\xff\xfe"), R R);
    CHECK_STR(SAN("\xf4\x8f\xbf\xbf"), "\xf4\x8f\xbf\xbf"); /* U+10FFFF itself is valid */
}

TEST(truncation_never_splits)
{
    char out[6];
    /* "ab" then U+4F1F (3 bytes) does not fit in 6 with the NUL after "ab" + 3 = 5: fits */
    CHECK_INT(tx_sanitize("ab\xe4\xbc\x9f"
                          "c",
                          6, out, sizeof out),
              5);
    CHECK_STR(out, "ab\xe4\xbc\x9f");
    char small[5];
    CHECK_INT(tx_sanitize("ab\xe4\xbc\x9f", 5, small, sizeof small), 2);
    CHECK_STR(small, "ab");
    /* a replacement that does not fit is left out whole */
    CHECK_INT(tx_sanitize("abc\x1b", 4, small, sizeof small), 3);
    CHECK_STR(small, "abc");
    char one[1] = {'x'};
    CHECK_INT(tx_sanitize("abc", 3, one, 1), 0);
    CHECK_INT(one[0], 0);
    CHECK_INT(tx_sanitize("abc", 3, one, 0), 0);
}

TEST(dup_worst_case)
{
    char in[64];
    memset(in, 0x80, sizeof in);
    char *s = tx_sanitize_dup(in, sizeof in);
    CHECK_INT(strlen(s), 3 * sizeof in);
    CHECK(tx_is_clean(s, strlen(s)));
    free(s);
}

TEST(widths)
{
    CHECK_INT(tx_width("hello"), 5);
    CHECK_INT(tx_width(""), 0);
    CHECK_INT(tx_width(NULL), 0);
    CHECK_INT(tx_width("\xe5\xbc\xa0\xe4\xbc\x9f"), 4); /* two CJK characters */
    CHECK_INT(tx_width("\xed\x95\x9c"), 2);             /* Hangul */
    CHECK_INT(tx_width("\xf0\x9f\x93\x9e"), 2);         /* emoji telephone receiver */
    CHECK_INT(tx_width("e\xcc\x81"), 1);                /* e + combining acute */
    CHECK_INT(tx_width("\xef\xbc\xa1"), 2);             /* fullwidth A */
    CHECK_INT(tx_width("\x1b[2J"), 4);                  /* as sanitized: U+FFFD[2J */
    CHECK_INT(tx_width("a\xff"
                       "b"),
              3);
    CHECK_INT(tx_cp_width(0x4E00), 2);
    CHECK_INT(tx_cp_width(0x0301), 0);
    CHECK_INT(tx_cp_width(0x1F600), 2);
    CHECK_INT(tx_cp_width('A'), 1);
    CHECK_INT(tx_cp_width(0x1B), 1);
}

static const char *fit(const char *s, int cols, int pad)
{
    static char out[256];
    tx_fit(s, cols, pad, out, sizeof out);
    return out;
}

TEST(fit_basic)
{
    CHECK_STR(fit("hello", 10, 0), "hello");
    CHECK_STR(fit("hello", 10, 1), "hello     ");
    CHECK_STR(fit("hello", 5, 0), "hello");
    CHECK_STR(fit("hello world", 5, 0), "hell" TX_ELLIPSIS);
    CHECK_STR(fit("hello world", 1, 0), TX_ELLIPSIS);
    CHECK_STR(fit("hello", 0, 1), "");
    CHECK_STR(fit("hello", -3, 1), "");
    CHECK_STR(fit(NULL, 3, 1), "   ");
    CHECK_STR(fit("a\x1b[2J", 10, 0), "a" R "[2J");
}

TEST(fit_wide_never_split)
{
    /* four CJK characters, 8 columns */
    const char *s = "\xe5\xbc\xa0\xe4\xbc\x9f\xe5\xbc\xa0\xe4\xbc\x9f";
    CHECK_STR(fit(s, 8, 0), s);
    /* 5 columns: 4 for two characters, then the ellipsis */
    CHECK_STR(fit(s, 5, 0), "\xe5\xbc\xa0\xe4\xbc\x9f" TX_ELLIPSIS);
    CHECK_INT(tx_width(fit(s, 5, 0)), 5);
    /* 4 columns: one character (2) + ellipsis, one column short, padded with pad */
    CHECK_STR(fit(s, 4, 0), "\xe5\xbc\xa0" TX_ELLIPSIS);
    CHECK_STR(fit(s, 4, 1), "\xe5\xbc\xa0" TX_ELLIPSIS " ");
    CHECK_INT(tx_width(fit(s, 4, 1)), 4);
    /* an emoji at the cut */
    CHECK_STR(fit("ab\xf0\x9f\x93\x9e"
                  "cd",
                  4, 0),
              "ab" TX_ELLIPSIS);
    /* a combining mark stays with its letter */
    CHECK_STR(fit("e\xcc\x81"
                  "abc",
                  3, 0),
              "e\xcc\x81"
              "a" TX_ELLIPSIS);
}

TEST(fit_small_buffer)
{
    char out[5];
    /* "hello" needs 6 bytes: the result is shorter, whole characters only */
    CHECK_INT(tx_fit("hello", 5, 0, out, sizeof out), 4);
    CHECK_STR(out, "hell");
    CHECK_INT(tx_fit("\xe5\xbc\xa0\xe4\xbc\x9f", 4, 0, out, sizeof out), 3);
    CHECK_STR(out, "\xe5\xbc\xa0");
    CHECK(tx_is_clean(out, strlen(out)));
}

/* Joined and modified emoji lose their glue, so every terminal agrees on their width. */
TEST(emoji_glue_dropped)
{
    /* woman ZWJ woman ZWJ girl: three people, each two columns */
    const char family[] = "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d"
                          "\xf0\x9f\x91\xa7 The Smiths";
    CHECK_STR(SAN(family), "\xf0\x9f\x91\xa9\xf0\x9f\x91\xa9\xf0\x9f\x91\xa7 The Smiths");
    CHECK_INT(tx_width(family), 6 + 11);
    /* heart with VS16, thumbs up with a skin tone */
    CHECK_STR(SAN("\xe2\x9d\xa4\xef\xb8\x8f!"), "\xe2\x9d\xa4!");
    CHECK_STR(SAN("\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd"), "\xf0\x9f\x91\x8d");
    /* only glue: nothing left */
    CHECK_STR(SAN("\xe2\x80\x8d\xef\xb8\x8f"), "");
    CHECK(!tx_is_clean("a\xe2\x80\x8d"
                       "b",
                       5));
    char out[64];
    tx_fit(family, 5, 1, out, sizeof out);
    CHECK_INT(tx_width(out), 5);
    CHECK(tx_is_clean(out, strlen(out)));
}

TEST(is_clean)
{
    CHECK(tx_is_clean("abc \xe5\xbc\xa0", 7));
    CHECK(!tx_is_clean("a\x1b", 2));
    CHECK(!tx_is_clean("a\tb", 3));
    CHECK(!tx_is_clean("\xe2\x80\xae", 3));
    CHECK(!tx_is_clean("\xc0\xaf", 2));
    CHECK(!tx_is_clean("ab\0", 3));
    CHECK(tx_is_clean(NULL, 0));
}

int main(void)
{
    /* widths as the console sees them: a UTF-8 locale, whichever one exists */
    if (!setlocale(LC_CTYPE, "C.UTF-8"))
        setlocale(LC_CTYPE, "en_US.UTF-8");
    RUN(plain_text_unchanged);
    RUN(escape_sequences_defused);
    RUN(whitespace_becomes_space);
    RUN(nul_inside_length);
    RUN(bidi_overrides_replaced);
    RUN(invalid_utf8);
    RUN(truncation_never_splits);
    RUN(dup_worst_case);
    RUN(widths);
    RUN(fit_basic);
    RUN(fit_wide_never_split);
    RUN(fit_small_buffer);
    RUN(emoji_glue_dropped);
    RUN(is_clean);
    /* the built-in table when the C library cannot tell (a C locale) */
    setlocale(LC_CTYPE, "C");
    RUN(widths);
    RUN(fit_wide_never_split);
    return check_done();
}
