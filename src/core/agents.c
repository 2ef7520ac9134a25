/*
 * agents: tokens, their hashes and endpoints (see agents.h).
 */
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <string.h>

#include "dialtone/agents.h"
#include "dialtone/util.h"
#include "dialtone/valid.h"

#define TOKEN_RANDOM  32
#define SIP_MAX       256
#define CLIENT_ID_MAX 121

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int agents_token_new(char out[AGENTS_TOKEN_SIZE], char *err, size_t errlen)
{
    unsigned char r[TOKEN_RANDOM + 1] = {0}; /* one spare zero byte for the last group */
    out[0] = '\0';
    if (RAND_bytes(r, TOKEN_RANDOM) != 1)
        return dt_seterr(err, errlen, DT_EIO, "no random bytes from OpenSSL");
    size_t o = 0;
    memcpy(out, "dt_", 3);
    o = 3;
    for (size_t i = 0; i < TOKEN_RANDOM; i += 3) {
        unsigned v =
            (unsigned)r[i] << 16 | (unsigned)r[i + 1] << 8 | (i + 2 < TOKEN_RANDOM ? r[i + 2] : 0);
        size_t chars = i + 3 <= TOKEN_RANDOM ? 4 : (TOKEN_RANDOM - i) + 1;
        for (size_t k = 0; k < chars; k++)
            out[o++] = b64url[(v >> (18 - 6 * k)) & 63];
    }
    out[o] = '\0';
    return DT_OK;
}

int agents_token_hash(const char *token, size_t n, char out[AGENTS_HASH_SIZE])
{
    out[0] = '\0';
    if (!token || n == 0 || n > AGENTS_TOKEN_MAX || memchr(token, '\0', n))
        return DT_EINVAL;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (EVP_Digest(token, n, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
        return DT_EINVAL;
    static const char hex[] = "0123456789abcdef";
    for (unsigned i = 0; i < mdlen; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[2 * mdlen] = '\0';
    return DT_OK;
}

static int client_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.' || c == '@';
}

static int check_sip(const char *s, char *err, size_t errlen)
{
    size_t n = strlen(s);
    if (n > SIP_MAX)
        return dt_seterr(err, errlen, DT_EINVAL, "sip: URI longer than %d bytes", SIP_MAX);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f)
            return dt_seterr(err, errlen, DT_EINVAL, "sip: URI with a space or control byte");
    const char *at = strchr(s + 4, '@');
    if (!at || at == s + 4 || at[1] == '\0')
        return dt_seterr(err, errlen, DT_EINVAL, "sip: URI must be sip:user@host");
    return DT_OK;
}

int agents_endpoint_check(const char *s, char *err, size_t errlen)
{
    if (!s || !*s)
        return dt_seterr(err, errlen, DT_EINVAL, "empty endpoint");
    if (s[0] == '+') {
        if (valid_e164(s, strlen(s)))
            return DT_OK;
        return dt_seterr(err, errlen, DT_EINVAL, "not an E.164 number (+, then 8-15 digits)");
    }
    if (strncmp(s, "sip:", 4) == 0)
        return check_sip(s, err, errlen);
    if (strncmp(s, "client:", 7) == 0) {
        const char *id = s + 7;
        size_t n = strlen(id);
        if (n == 0 || n > CLIENT_ID_MAX)
            return dt_seterr(err, errlen, DT_EINVAL, "client: identity of 1-%d characters",
                             CLIENT_ID_MAX);
        for (size_t i = 0; i < n; i++)
            if (!client_char(id[i]))
                return dt_seterr(err, errlen, DT_EINVAL,
                                 "client: identity of letters, digits, '_', '-', '.', '@'");
        return DT_OK;
    }
    return dt_seterr(err, errlen, DT_EINVAL,
                     "endpoint must be an E.164 number, sip:user@host or client:identity");
}
