/*
 * agents: small pure helpers about agents shared by the command line and the daemon's API:
 * making an API token, the hash stored in its place (the token itself is never stored), and
 * checking an agent's endpoint (an E.164 number, a sip: URI or a client: identity).
 */
#ifndef DIALTONE_AGENTS_H
#define DIALTONE_AGENTS_H

#include <stddef.h>

#define AGENTS_TOKEN_SIZE 48  /* "dt_" + 43 base64url characters + NUL */
#define AGENTS_HASH_SIZE  65  /* 64 hex digits + NUL */
#define AGENTS_TOKEN_MAX  256 /* longest token accepted from a client */

/* Writes a new random token (32 bytes from OpenSSL's RAND_bytes, base64url, "dt_" prefix) into
 * out (AGENTS_TOKEN_SIZE bytes). Errors: DT_EIO when the random source fails (out is ""). */
int agents_token_new(char out[AGENTS_TOKEN_SIZE], char *err, size_t errlen);

/* Writes the lowercase hex SHA-256 of token[0..n) into out. Errors: DT_EINVAL when n is 0 or
 * over AGENTS_TOKEN_MAX or the token holds a NUL (out is ""). */
int agents_token_hash(const char *token, size_t n, char out[AGENTS_HASH_SIZE]);

/* 0 when s is an acceptable endpoint: an E.164 number, "sip:user@host" (printable, no spaces,
 * up to 256 bytes) or "client:identity" (1-121 letters, digits, '_', '-', '.', '@'); else
 * DT_EINVAL with the reason in err. */
int agents_endpoint_check(const char *s, char *err, size_t errlen);

#endif
