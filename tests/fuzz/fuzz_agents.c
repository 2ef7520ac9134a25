/*
 * fuzz_agents: agents_endpoint_check and agents_token_hash on arbitrary bytes: the check must
 * accept only what its rules allow (an accepted endpoint is printable ASCII with one of the
 * three forms) and the hash must be 64 lowercase hex digits or refused (abort() otherwise).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dialtone/agents.h"
#include "dialtone/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = xmalloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    char err[128];
    if (agents_endpoint_check(s, err, sizeof err) == DT_OK) {
        size_t n = strlen(s); /* the check reads a C string: up to the first NUL */
        if (n == 0)
            abort();
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f)
                abort();
        if (s[0] != '+' && strncmp(s, "sip:", 4) != 0 && strncmp(s, "client:", 7) != 0)
            abort();
    }
    char h[AGENTS_HASH_SIZE];
    if (agents_token_hash(s, size, h) == DT_OK) {
        if (strlen(h) != 64 || strspn(h, "0123456789abcdef") != 64)
            abort();
    } else if (h[0] != '\0') {
        abort();
    }
    free(s);
    return 0;
}
