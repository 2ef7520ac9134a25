/*
 * fuzz_log: log_sanitize (redaction and escaping) on arbitrary bytes with a few registered
 * secrets. Checks that the output is NUL-terminated, fits, contains no control character
 * and never a registered secret.
 */
#include "dialtone/log.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Each starts with an upper-case letter and has no '\\', '[' or ' ', so that no escape or
 * marker in the output can form one; a secret in the output is then a real leak. */
static const char *const secrets[] = {"Q0123456789abcdef", "Ktok", "Zz9"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++)
            log_add_secret(secrets[i]);
        ready = 1;
    }
    size_t outlen = size ? (size_t)data[0] * 4 + 1 : 64;
    char *out = malloc(outlen);
    if (!out)
        return 0;
    size_t n = log_sanitize((const char *)data, size, out, outlen);
    if (n >= outlen || out[n] != '\0' || strlen(out) != n)
        abort();
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)out[i];
        if (c < 0x20 || c == 0x7f)
            abort();
    }
    for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++) {
        if (strstr(out, secrets[i]))
            abort();
    }
    free(out);
    return 0;
}
