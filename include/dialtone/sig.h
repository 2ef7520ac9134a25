/*
 * sig: Twilio request signatures (X-Twilio-Signature). Computes the signature Twilio puts on
 * a webhook and validates a received one as Twilio's helper libraries do: base64 of the
 * HMAC-SHA1, keyed with the auth token, of the URL followed by the sorted parameters, or, for
 * a JSON body, of the URL alone with the body's SHA-256 carried in its `bodySHA256` query.
 */
#ifndef DIALTONE_SIG_H
#define DIALTONE_SIG_H

#include <stddef.h>

#include "dialtone/form.h"

/* A signature's length in base64 characters, and a buffer that holds one with its NUL. */
#define DT_SIG_LEN   28
#define DT_SIG_BUFSZ (DT_SIG_LEN + 1)
/* A SHA-256 in lower-case hex, and a buffer that holds one with its NUL. */
#define DT_SIG_SHA256_HEX_LEN   64
#define DT_SIG_SHA256_HEX_BUFSZ (DT_SIG_SHA256_HEX_LEN + 1)
/* Longest URL and longest auth token accepted, in bytes. */
#define DT_SIG_MAX_URL   8192
#define DT_SIG_MAX_TOKEN 1024

/*
 * Computes the signature of a request to url (used exactly as given) with params, into out.
 * The signed data is the URL followed, for each pair sorted by key in byte order (pairs with
 * the same key by value), by the key and then the value, with no separators. params NULL or
 * empty signs the URL alone (the JSON-body case). Returns 0; DT_EINVAL when token is NULL,
 * empty or over DT_SIG_MAX_TOKEN, or url is NULL or empty; DT_ETOOBIG when url is over
 * DT_SIG_MAX_URL; DT_EIO if OpenSSL fails. Detail in err never contains the token. out is ""
 * on error.
 */
int sig_compute(const char *token, const char *url, const struct form *params,
                char out[DT_SIG_BUFSZ], char *err, size_t errlen);

/*
 * Validates signature for a form POST to url with params. Like Twilio's helper libraries it
 * accepts a signature over the URL as given, over the URL with the scheme's default port
 * added when it has none (443 for https, 80 for http), and over the URL with its port
 * removed (a custom port too). Comparisons take constant time. Returns 0 when valid;
 * DT_EPERM when not (missing, empty or wrong signature); DT_EINVAL for a bad token (as for
 * sig_compute) or a URL that does not parse as scheme://[userinfo@]host[:port][rest], with
 * no space or control character; DT_ETOOBIG for a URL over DT_SIG_MAX_URL; DT_EIO if OpenSSL
 * fails. The reason goes into err, which never contains the token.
 */
int sig_validate(const char *token, const char *url, const struct form *params,
                 const char *signature, char *err, size_t errlen);

/*
 * Validates signature for a POST of a JSON (or any non-form) body of len bytes to url. The
 * URL must carry `bodySHA256=HEX` in its query, HEX being the body's SHA-256 (compared
 * without regard to case); the signature is over the URL alone, with the same port variants
 * as sig_validate. Returns 0 when both the hash and the signature match; DT_EPERM when either
 * does not; DT_EINVAL for a bad token or URL, or a URL without bodySHA256; DT_ETOOBIG for a
 * URL over DT_SIG_MAX_URL; DT_EIO if OpenSSL fails. The reason goes into err.
 */
int sig_validate_json(const char *token, const char *url, const void *body, size_t len,
                      const char *signature, char *err, size_t errlen);

/*
 * Writes the lower-case hex SHA-256 of body[0..len) into out (body may be NULL when len is 0).
 * Returns nothing: SHA-256 cannot fail with OpenSSL's default provider, so a failure aborts.
 */
void sig_sha256_hex(const void *body, size_t len, char out[DT_SIG_SHA256_HEX_BUFSZ]);

/*
 * Returns url with `bodySHA256=HEX` (the SHA-256 of body[0..len)) added to its query: after
 * '&' when it has a query, after '?' otherwise, before any '#fragment'. The caller frees the
 * result; aborts only on out-of-memory.
 */
char *sig_url_with_body_hash(const char *url, const void *body, size_t len);

#endif
