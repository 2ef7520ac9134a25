/*
 * sanitize: text from outside (caller names, numbers, notes, error messages) made safe for the
 * terminal, and measured in display columns. Pure: no curses. The three functions read text
 * the same way, so a string's width, its sanitized form and its fitted form always agree.
 */
#ifndef DIALTONE_CONSOLE_SANITIZE_H
#define DIALTONE_CONSOLE_SANITIZE_H

#include <stddef.h>
#include <stdint.h>

/* U+FFFD REPLACEMENT CHARACTER, what unsafe input becomes, and the ellipsis tx_fit appends. */
#define TX_REPLACEMENT "\xef\xbf\xbd"
#define TX_ELLIPSIS    "\xe2\x80\xa6"

/*
 * Copies in[0..inlen) into out (outsz bytes) made safe for a terminal:
 *  - each byte that does not start a valid UTF-8 sequence (stray continuation bytes, overlong
 *    forms, surrogates, values over U+10FFFF, truncated sequences) becomes U+FFFD, one per
 *    byte;
 *  - C0 controls (NUL included: in[] may hold NULs inside inlen), DEL and C1 controls
 *    (U+0080-U+009F) become U+FFFD, except tab, newline, carriage return, vertical tab, form
 *    feed and U+2028/U+2029, which become one space each. So ESC becomes U+FFFD and what
 *    followed it ("[2J", "]52;...") stays as plain, harmless text that shows the attempt;
 *  - bidirectional overrides, embeddings and isolates (U+202A-U+202E, U+2066-U+2069) and
 *    the marks U+200E, U+200F, U+061C become U+FFFD, so no name can reorder what follows;
 *  - the glue of emoji sequences is left out: zero-width joiner U+200D, variation selectors
 *    U+FE0E/U+FE0F, skin-tone modifiers U+1F3FB-U+1F3FF and tags U+E0020-U+E007F. Terminals
 *    size joined sequences differently from wcwidth, which would shift the rest of a row;
 *    alone, each emoji is as wide on every terminal ("family" shows as its three people).
 * Everything else is copied unchanged. Stops before a character that does not fit whole, so
 * out never ends inside a UTF-8 sequence. Always NUL-terminates when outsz > 0. Returns the
 * number of bytes written, without the NUL. in may be NULL when inlen is 0.
 */
size_t tx_sanitize(const char *in, size_t inlen, char *out, size_t outsz);

/* tx_sanitize into a newly allocated string (the caller frees it); never NULL (aborts on
 * out-of-memory). The result is at most 3 * inlen + 1 bytes. */
char *tx_sanitize_dup(const char *in, size_t inlen);

/*
 * Display columns of one code point: wcwidth() in the current locale (the console calls
 * setlocale(LC_ALL, "") at start). When wcwidth has no answer (-1: a C locale, or a code
 * point the C library does not know), a built-in table decides: 0 for combining marks and
 * zero-width characters, 2 for East Asian wide and fullwidth ranges and emoji, 1 otherwise.
 * Controls, which tx_sanitize turns into U+FFFD, count 1.
 */
int tx_cp_width(uint32_t cp);

/* Display columns of the NUL-terminated utf8 as tx_sanitize would render it (each unsafe
 * byte or character counting as one U+FFFD). 0 for NULL. */
int tx_width(const char *utf8);

/*
 * Fits the NUL-terminated utf8 (sanitized on the way, as tx_sanitize does) into at most cols
 * display columns: unchanged when it fits; otherwise cut before the first character that
 * would pass cols - 1 columns and ended with "…" (so a wide character is never split and
 * the result may be one column short). With pad non-zero, spaces fill it to exactly cols
 * columns. Never writes a partial UTF-8 sequence: when out is too small the result is
 * shorter (still at most cols columns). Always NUL-terminates when outsz > 0. cols <= 0
 * gives "". Returns the number of bytes written, without the NUL.
 */
size_t tx_fit(const char *utf8, int cols, int pad, char *out, size_t outsz);

/* 1 when s[0..len) is valid UTF-8 with no byte below 0x20, no DEL and none of the characters
 * tx_sanitize replaces (what tx_sanitize and tx_fit produce), 0 otherwise. */
int tx_is_clean(const char *s, size_t len);

#endif
