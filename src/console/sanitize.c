/*
 * sanitize: see console/sanitize.h. One decoder (next_cp) reads text the way the terminal
 * will be shown it: every unsafe byte or character already replaced. tx_sanitize encodes
 * what it yields, tx_width adds up its widths, tx_fit does both under a column budget.
 */
/* wcwidth is an X/Open function. */
#define _XOPEN_SOURCE 700

#include "console/sanitize.h"
#include "dialtone/util.h"

#include <string.h>
#include <wchar.h>

#define CP_REPLACEMENT 0xFFFDu

/* Decodes one well-formed UTF-8 sequence at p (before end) into *cp; returns its length, or
 * 0 when the byte at p does not start one (overlong, surrogate, over U+10FFFF, truncated). */
static size_t decode(const unsigned char *p, const unsigned char *end, uint32_t *cp)
{
    unsigned char c = p[0];
    size_t n;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        n = 2, v = c & 0x1Fu, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3, v = c & 0x0Fu, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4, v = c & 0x07u, min = 0x10000;
    } else {
        return 0;
    }
    if ((size_t)(end - p) < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (p[i] & 0x3Fu);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

/* safe_cp's answer for a code point that is left out altogether. */
#define CP_DROP UINT32_C(0xFFFFFFFF)

/*
 * The glue of emoji sequences: zero-width joiner, variation selectors 15 and 16, skin-tone
 * modifiers and tag characters. Terminals disagree with wcwidth (and with each other) on how
 * wide a joined or modified sequence is: "family" is 6 columns to wcwidth and 2 to tmux. One
 * such disagreement shifts everything curses draws after it on that row, so the glue goes and
 * each emoji stands alone, as wide everywhere.
 */
static int emoji_glue(uint32_t cp)
{
    return cp == 0x200D || cp == 0xFE0E || cp == 0xFE0F || (cp >= 0x1F3FB && cp <= 0x1F3FF) ||
           (cp >= 0xE0020 && cp <= 0xE007F);
}

/* What a decoded code point becomes on the terminal (CP_DROP: nothing). */
static uint32_t safe_cp(uint32_t cp)
{
    if (emoji_glue(cp))
        return CP_DROP;
    if (cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f' || cp == 0x2028 ||
        cp == 0x2029)
        return ' ';
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
        return CP_REPLACEMENT;
    if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E ||
        cp == 0x200F || cp == 0x061C)
        return CP_REPLACEMENT;
    return cp;
}

/* The next safe code point of [*p, end), advancing *p; 0 at the end. */
static int next_cp(const unsigned char **p, const unsigned char *end, uint32_t *cp)
{
    for (;;) {
        if (*p >= end)
            return 0;
        uint32_t v;
        size_t n = decode(*p, end, &v);
        if (n == 0) {
            *cp = CP_REPLACEMENT;
            (*p)++;
            return 1;
        }
        *p += n;
        *cp = safe_cp(v);
        if (*cp != CP_DROP)
            return 1;
    }
}

static size_t encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Appends cp to out[*len] when it fits with room for the NUL; 0 when it does not. */
static int put_cp(char *out, size_t outsz, size_t *len, uint32_t cp)
{
    char b[4];
    size_t n = encode(cp, b);
    if (outsz == 0 || *len + n >= outsz)
        return 0;
    memcpy(out + *len, b, n);
    *len += n;
    return 1;
}

size_t tx_sanitize(const char *in, size_t inlen, char *out, size_t outsz)
{
    size_t len = 0;
    if (outsz > 0)
        out[0] = '\0';
    if (!in || !out)
        return 0;
    const unsigned char *p = (const unsigned char *)in, *end = p + inlen;
    uint32_t cp;
    while (next_cp(&p, end, &cp) && put_cp(out, outsz, &len, cp))
        ;
    out[len] = '\0';
    return len;
}

char *tx_sanitize_dup(const char *in, size_t inlen)
{
    size_t sz = inlen * 3 + 1; /* one byte at most becomes the 3-byte U+FFFD */
    char *out = xmalloc(sz);
    tx_sanitize(in, inlen, out, sz);
    return out;
}

/* Ranges for when wcwidth has no answer; sorted, inclusive. */
struct range {
    uint32_t lo, hi;
};

static const struct range zero_width[] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x0610, 0x061A}, {0x064B, 0x065F},
    {0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x200B, 0x200D},
    {0x20D0, 0x20FF}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF}, {0xE0000, 0xE0FFF},
};

static const struct range wide[] = {
    {0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},   {0x23E9, 0x23EC},
    {0x25FD, 0x25FE},   {0x2614, 0x2615},   {0x2648, 0x2653},   {0x26AA, 0x26AB},
    {0x26BD, 0x26BE},   {0x26F5, 0x26F5},   {0x26FA, 0x26FA},   {0x2705, 0x2705},
    {0x270A, 0x270B},   {0x2728, 0x2728},   {0x274C, 0x274C},   {0x2753, 0x2755},
    {0x2795, 0x2797},   {0x2B1B, 0x2B1C},   {0x2E80, 0x303E},   {0x3041, 0x33FF},
    {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},   {0xA960, 0xA97F},
    {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},   {0xFE10, 0xFE19},   {0xFE30, 0xFE6F},
    {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},   {0x16FE0, 0x18AFF}, {0x1B000, 0x1B2FF},
    {0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF}, {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A},
    {0x1F200, 0x1F2FF}, {0x1F300, 0x1F64F}, {0x1F680, 0x1F6FF}, {0x1F7E0, 0x1F7EB},
    {0x1F90C, 0x1F9FF}, {0x1FA70, 0x1FAFF}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
};

static int in_ranges(uint32_t cp, const struct range *r, size_t n)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cp < r[mid].lo)
            hi = mid;
        else if (cp > r[mid].hi)
            lo = mid + 1;
        else
            return 1;
    }
    return 0;
}

int tx_cp_width(uint32_t cp)
{
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
        return 1; /* shown as U+FFFD */
    if (cp < 0x7F)
        return 1;
    int w = wcwidth((wchar_t)cp);
    if (w >= 0)
        return w > 2 ? 2 : w;
    if (in_ranges(cp, zero_width, sizeof zero_width / sizeof zero_width[0]))
        return 0;
    if (in_ranges(cp, wide, sizeof wide / sizeof wide[0]))
        return 2;
    return 1;
}

int tx_width(const char *utf8)
{
    if (!utf8)
        return 0;
    const unsigned char *p = (const unsigned char *)utf8, *end = p + strlen(utf8);
    uint32_t cp;
    long w = 0;
    while (next_cp(&p, end, &cp) && w < 1000000000L)
        w += tx_cp_width(cp);
    return (int)w;
}

size_t tx_fit(const char *utf8, int cols, int pad, char *out, size_t outsz)
{
    size_t len = 0;
    if (outsz > 0)
        out[0] = '\0';
    if (!out || outsz == 0 || cols <= 0)
        return 0;
    if (!utf8)
        utf8 = "";
    const unsigned char *start = (const unsigned char *)utf8, *end = start + strlen(utf8);
    int total = 0, fits = 1;
    uint32_t cp;
    for (const unsigned char *p = start; fits && next_cp(&p, end, &cp);) {
        total += tx_cp_width(cp);
        fits = total <= cols;
    }
    int budget = fits ? cols : cols - 1, used = 0;
    for (const unsigned char *p = start; next_cp(&p, end, &cp);) {
        int w = tx_cp_width(cp);
        if (used + w > budget || !put_cp(out, outsz, &len, cp))
            break;
        used += w;
    }
    if (!fits && put_cp(out, outsz, &len, 0x2026))
        used += tx_cp_width(0x2026);
    while (pad && used < cols && put_cp(out, outsz, &len, ' '))
        used++;
    out[len] = '\0';
    return len;
}

int tx_is_clean(const char *s, size_t len)
{
    if (!s)
        return len == 0;
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        uint32_t cp;
        size_t n = decode(p, end, &cp);
        if (n == 0 || safe_cp(cp) != cp)
            return 0;
        p += n;
    }
    return 1;
}
