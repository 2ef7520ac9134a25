/*
 * fuzz_sig: the input's first line is a URL, the rest a body. Signature validation runs over
 * several URL shapes built from it, the body as form parameters and as a JSON body, and
 * garbage signatures; it must never crash. A signature sig_compute made must validate
 * whenever the URL parses (abort() otherwise).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dialtone/form.h"
#include "dialtone/sig.h"
#include "dialtone/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TOKEN "12345"

static const char *const prefixes[] = {
    "", "https://", "http://h.example:", "https://[", "https://u:p@h.example", "wss://",
};

/* A result that is neither success nor a refusal of the URL breaks the contract. */
static void expect_valid(int rc)
{
    if (rc != 0 && rc != DT_EINVAL && rc != DT_ETOOBIG)
        abort();
}

static void run_url(const char *url, const struct form *params, const char *body, size_t len,
                    const char *garbage)
{
    char sig[DT_SIG_BUFSZ], err[128];
    if (sig_compute(TOKEN, url, params, sig, err, sizeof err) == 0)
        expect_valid(sig_validate(TOKEN, url, params, sig, err, sizeof err));
    if (sig_validate(TOKEN, url, params, garbage, err, sizeof err) == 0 && strcmp(garbage, sig))
        abort();
    sig_validate_json(TOKEN, url, body, len, garbage, err, sizeof err);
    char *hashed = sig_url_with_body_hash(url, body, len);
    if (!strstr(url, "bodySHA256=") && sig_compute(TOKEN, hashed, NULL, sig, err, sizeof err) == 0)
        expect_valid(sig_validate_json(TOKEN, hashed, body, len, sig, err, sizeof err));
    free(hashed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t ulen = nl ? (size_t)(nl - data) : size;
    const char *body = nl ? (const char *)nl + 1 : "";
    size_t blen = nl ? size - ulen - 1 : 0;
    if (ulen > 2 * DT_SIG_MAX_URL)
        return 0;
    struct form params;
    form_init(&params);
    char err[128];
    int have_params = form_parse(&params, body, blen, err, sizeof err) == 0;
    /* The body as a NUL-terminated string doubles as a garbage signature. */
    char *garbage = strndup(body, blen < 64 ? blen : 64);
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        size_t plen = strlen(prefixes[i]);
        char *url = malloc(plen + ulen + 1);
        if (!url || !garbage)
            abort();
        memcpy(url, prefixes[i], plen);
        memcpy(url + plen, data, ulen);
        url[plen + ulen] = '\0';
        run_url(url, have_params ? &params : NULL, body, blen, garbage);
        free(url);
    }
    free(garbage);
    form_done(&params);
    return 0;
}
