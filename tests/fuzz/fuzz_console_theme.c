/*
 * fuzz_console_theme: theme_parse on arbitrary text. Must never crash, read out of bounds or
 * leak; a parse error always names the file and line; a parsed theme has every colour in
 * range and degrades into range for 16 and 8 colours, and to no colour without them.
 */
#include "console/theme.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    struct theme t, r;
    char err[256];
    theme_builtin(&t);
    if (theme_parse("fuzz.theme", (const char *)data, size, &t, err, sizeof err) != 0) {
        if (strncmp(err, "fuzz.theme:", 11) != 0)
            abort(); /* every error names the file and line */
        return 0;
    }
    static const int ncolors[] = {256, 16, 8, 0};
    for (size_t k = 0; k < sizeof ncolors / sizeof ncolors[0]; k++) {
        theme_resolve(&t, ncolors[k], 0, &r);
        for (int role = 0; role < TR_COUNT; role++) {
            short fg = r.style[role].fg, bg = r.style[role].bg;
            int max = ncolors[k] >= 8 ? ncolors[k] : 0;
            if (fg < -1 || bg < -1 || fg >= (max ? max : 1) || bg >= (max ? max : 1))
                abort();
            if (!max && (fg != -1 || bg != -1))
                abort();
            if (fg >= 0 && fg == bg)
                abort(); /* never invisible */
            if (r.style[role].attrs & ~0xfu)
                abort();
        }
    }
    return 0;
}
