/*
 * fuzz_console_sanitize: tx_sanitize, tx_width and tx_fit on arbitrary bytes. Invariants:
 * the output is valid UTF-8 with no byte below 0x20 and no DEL (tx_is_clean), never longer
 * than the buffer, sanitizing is idempotent, widths agree between the raw and the sanitized
 * text, and a fitted string is at most cols wide (exactly cols when padded, unless the
 * buffer ran out).
 */
#include "console/sanitize.h"

#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_clean(const char *s, size_t n)
{
    if (strlen(s) != n || !tx_is_clean(s, n))
        abort();
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7f)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int init;
    if (!init) {
        if (!setlocale(LC_CTYPE, "C.UTF-8"))
            setlocale(LC_CTYPE, "en_US.UTF-8");
        init = 1;
    }
    if (size < 2 || size > 4096)
        return 0;
    /* the first two bytes choose the column budget and the output size */
    int cols = data[0] % 64;
    size_t outsz = 1 + data[1] * 4u;
    const char *in = (const char *)data + 2;
    size_t inlen = size - 2;

    char *full = tx_sanitize_dup(in, inlen);
    size_t flen = strlen(full);
    check_clean(full, flen);

    char *small = malloc(outsz);
    if (!small)
        abort();
    size_t n = tx_sanitize(in, inlen, small, outsz);
    if (n >= outsz)
        abort();
    check_clean(small, n);
    if (memcmp(small, full, n) != 0)
        abort(); /* a shorter buffer gives a prefix */

    char *again = tx_sanitize_dup(full, flen);
    if (strcmp(again, full) != 0)
        abort(); /* idempotent */
    free(again);

    /* the raw text (up to its first NUL) is as wide as its sanitized form */
    char *raw = malloc(inlen + 1);
    if (!raw)
        abort();
    memcpy(raw, in, inlen);
    raw[inlen] = '\0';
    char *rawsan = tx_sanitize_dup(raw, strlen(raw));
    if (tx_width(raw) != tx_width(rawsan))
        abort();

    for (int pad = 0; pad < 2; pad++) {
        n = tx_fit(raw, cols, pad, small, outsz);
        if (n >= outsz || strlen(small) != n)
            abort();
        check_clean(small, n);
        int w = tx_width(small);
        if (w > cols)
            abort();
        if (pad && n + 5 < outsz && w != cols)
            abort();
        if (!pad && cols > 0 && tx_width(rawsan) <= cols && outsz > flen + 1 &&
            strcmp(small, rawsan) != 0)
            abort(); /* what fits is unchanged */
    }
    free(rawsan);
    free(raw);
    free(small);
    free(full);
    return 0;
}
