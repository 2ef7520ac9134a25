/*
 * valid: checks of the identifiers and addresses dialtone reads from files, requests and the
 * command line: E.164 phone numbers, Twilio SIDs and the http(s) URLs given to Twilio.
 * Each returns 1 when the text is well-formed, 0 otherwise; none allocates.
 */
#ifndef DIALTONE_VALID_H
#define DIALTONE_VALID_H

#include <stddef.h>

/* s[0..n) is an E.164 number: '+', then 8-15 digits, the first not 0. */
int valid_e164(const char *s, size_t n);

/* s is the two letters prefix ("AC", "SK", "CA"...) followed by exactly 32 hex digits. */
int valid_sid(const char *s, const char *prefix);

/* s is an http:// or https:// URL with a host and no user:password@, made only of printable
 * ASCII without blanks, quotes, backslashes or the characters "<>`{}|^". */
int valid_url(const char *s);

#endif
