/*
 * fuzz_console_dialnum: what an agent types in the dialpad, for a default country. The first
 * two bytes are the country, two letters as console.conf allows (known or not; none when the
 * first byte is '-'); the rest, up to a NUL, is what was typed. dialnum_normalize must refuse
 * with a reason in words (never empty, no control character) or give an E.164 number, a sip: or a
 * client: address of printable ASCII without blanks, which normalises to itself again; an output
 * buffer too small must be refused, not overrun. abort() on any breach.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "console/dialnum.h"
#include "dialtone/util.h"
#include "dialtone/valid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fz_no_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
            return 0;
    return 1;
}

static int fz_printable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    char country[3] = {(char)('A' + (data[0] + 13) % 26), (char)('A' + (data[1] + 13) % 26), '\0'};
    const char *cc = data[0] == '-' ? NULL : country;
    char *typed = xstrndup((const char *)data + 2, size - 2);
    char out[DIALNUM_MAX], again[DIALNUM_MAX], why[256] = "", small[8];
    int rc = dialnum_normalize(typed, cc, out, sizeof out, why, sizeof why);
    if (rc != 0) {
        if ((rc != DT_EINVAL && rc != DT_ETOOBIG) || !why[0] || !fz_no_control(why))
            abort();
    } else {
        int addr = strncmp(out, "sip:", 4) == 0 || strncmp(out, "client:", 7) == 0;
        if (!addr && !valid_e164(out, strlen(out)))
            abort();
        if (!fz_printable(out) || strchr(out, ' '))
            abort();
        if (dialnum_normalize(out, cc, again, sizeof again, why, sizeof why) != 0 ||
            strcmp(again, out) != 0)
            abort();
        memset(small, 'x', sizeof small);
        rc = dialnum_normalize(typed, cc, small, sizeof small, why, sizeof why);
        if (strlen(out) >= sizeof small ? rc != DT_ETOOBIG : (rc != 0 || strcmp(small, out) != 0))
            abort();
    }
    free(typed);
    return 0;
}
