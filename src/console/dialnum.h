/*
 * dialnum: what an agent typed in the dialpad turned into a number Twilio can dial. E.164
 * ("+14155550100") from international forms ("+44 20 7946 0018", "0044...", "011 44...")
 * and from national forms with the default country's trunk prefix ("(415) 555-0100",
 * "020 7946 0018"); spaces, dashes, dots and parentheses are ignored. "sip:" and "client:"
 * addresses pass through, checked. When a number cannot be made, says why in words.
 */
#ifndef DIALTONE_CONSOLE_DIALNUM_H
#define DIALTONE_CONSOLE_DIALNUM_H

#include <stddef.h>

#define DIALNUM_MAX 256 /* longest input and output, with the NUL */

/*
 * Normalises typed for the default country (ISO 3166 alpha-2, any case: "US", "gb"; NULL or
 * "" when none: then only international forms work) into out (outsz bytes). 0 with out set,
 * or DT_EINVAL with a reason meant for the agent in why ("a national number needs a default
 * country: set country in console.conf, or start with +", "too short for GB: expected 9 to 10
 * digits after the 0, got 7", "letters are not allowed ('O'): ..."). DT_ETOOBIG when out is too
 * small.
 */
int dialnum_normalize(const char *typed, const char *country, char *out, size_t outsz, char *why,
                      size_t whylen);

/* 1 when the country code (ISO alpha-2, any case) is one dialnum knows, 0 otherwise. */
int dialnum_country_known(const char *country);

/* The calling code of a known country ("1" for US, "44" for GB) or NULL. Static string. */
const char *dialnum_calling_code(const char *country);

#endif
