/*
 * form: the application/x-www-form-urlencoded codec. Parses a request body (a Twilio webhook)
 * into an ordered list of key/value pairs, repeated keys kept in order, and encodes such a
 * list back into a body (a Twilio REST request). Input sizes are capped by the DT_FORM_MAX_*
 * limits below; keys and values are NUL-terminated strings, so an embedded NUL is an error.
 */
#ifndef DIALTONE_FORM_H
#define DIALTONE_FORM_H

#include <stddef.h>

/* Largest body form_parse accepts, in bytes as received (encoded). */
#define DT_FORM_MAX_BODY 65536
/* Most pairs in one form, parsed or added. Twilio's webhooks carry a few dozen. */
#define DT_FORM_MAX_PAIRS 512
/* Longest key, in bytes after decoding. */
#define DT_FORM_MAX_KEY 256
/* Longest value, in bytes after decoding (Twilio caps a Twiml parameter at 4,000). */
#define DT_FORM_MAX_VALUE 16384

/* One pair. Both strings are NUL-terminated and owned by the form. */
struct form_pair {
    char *key;
    char *value;
};

/*
 * An ordered list of pairs, held by value: form_init before use, form_done after. The fields
 * are readable (pairs[0..count)); change them only through the functions below.
 */
struct form {
    struct form_pair *pairs;
    size_t count;
    size_t cap;
};

/* Makes f an empty form. Never fails. */
void form_init(struct form *f);

/* Frees everything f owns and leaves it empty (usable again). f may be NULL. */
void form_done(struct form *f);

/*
 * Parses a body of len bytes (need not be NUL-terminated) into f, replacing what f held.
 * Pairs are separated by '&'; empty pairs (`a=1&&b=2`, a trailing '&') are skipped; a pair
 * without '=' has the value ""; the first '=' splits, later ones belong to the value. '+'
 * decodes to a space and %XX (either case) to its byte; any other byte is kept as it is.
 * Errors, with detail in err naming the pair (1-based) and the byte offset in the body:
 * DT_EINVAL for a bad escape (`%4`, `%G1`) or a NUL byte, raw or as %00; DT_ETOOBIG for a
 * body, key, value or pair count over its cap. On error f is left empty.
 */
int form_parse(struct form *f, const char *body, size_t len, char *err, size_t errlen);

/*
 * Appends a copy of key and value to f. Returns 0, DT_EINVAL when either is NULL, or
 * DT_ETOOBIG when key or value is over its cap or f already has DT_FORM_MAX_PAIRS pairs.
 * f is unchanged on error.
 */
int form_add(struct form *f, const char *key, const char *value);

/* The value of the first pair whose key is key, or NULL. Borrowed from f. */
const char *form_get(const struct form *f, const char *key);

/* Number of pairs in f. */
size_t form_count(const struct form *f);

/* Pair i (0-based, in order), or NULL when i >= form_count(f). Borrowed from f. */
const struct form_pair *form_at(const struct form *f, size_t i);

/*
 * Encodes f as a body: key=value pairs joined by '&', each byte of RFC 3986's unreserved set
 * (A-Z a-z 0-9 - . _ ~) as it is, space as '+', every other byte as %XX in upper case.
 * Parsing the result gives f's pairs back. Returns a NUL-terminated string the caller frees
 * ("" for an empty form); aborts only on out-of-memory. The result is not capped: a full
 * form of long values can be longer than DT_FORM_MAX_BODY.
 */
char *form_encode(const struct form *f);

#endif
