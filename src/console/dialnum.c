/*
 * dialnum: see console/dialnum.h. One row per country: calling code, trunk prefix (dialled
 * before national numbers at home, dropped abroad), international prefixes, and how many
 * digits a national significant number has there.
 */
#include "console/dialnum.h"
#include "dialtone/util.h"
#include "dialtone/valid.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

struct country {
    const char *iso, *cc, *trunk;
    const char *intl[2];
    unsigned char min, max; /* digits of a national significant number */
    unsigned char nanp;     /* North American plan: area code and exchange start 2-9 */
};

static const struct country countries[] = {
    {.iso = "US", .cc = "1", .trunk = "1", .intl = {"011"}, .min = 10, .max = 10, .nanp = 1},
    {.iso = "CA", .cc = "1", .trunk = "1", .intl = {"011"}, .min = 10, .max = 10, .nanp = 1},
    {.iso = "GB", .cc = "44", .trunk = "0", .intl = {"00"}, .min = 9, .max = 10},
    {.iso = "IE", .cc = "353", .trunk = "0", .intl = {"00"}, .min = 7, .max = 9},
    {.iso = "FR", .cc = "33", .trunk = "0", .intl = {"00"}, .min = 9, .max = 9},
    {.iso = "DE", .cc = "49", .trunk = "0", .intl = {"00"}, .min = 6, .max = 13},
    {.iso = "AT", .cc = "43", .trunk = "0", .intl = {"00"}, .min = 4, .max = 13},
    {.iso = "CH", .cc = "41", .trunk = "0", .intl = {"00"}, .min = 9, .max = 9},
    {.iso = "NL", .cc = "31", .trunk = "0", .intl = {"00"}, .min = 9, .max = 9},
    {.iso = "BE", .cc = "32", .trunk = "0", .intl = {"00"}, .min = 8, .max = 9},
    {.iso = "ES", .cc = "34", .trunk = "", .intl = {"00"}, .min = 9, .max = 9},
    {.iso = "IT", .cc = "39", .trunk = "", .intl = {"00"}, .min = 6, .max = 11},
    {.iso = "PT", .cc = "351", .trunk = "", .intl = {"00"}, .min = 9, .max = 9},
    {.iso = "SE", .cc = "46", .trunk = "0", .intl = {"00"}, .min = 7, .max = 9},
    {.iso = "AU", .cc = "61", .trunk = "0", .intl = {"0011"}, .min = 9, .max = 9},
    {.iso = "NZ", .cc = "64", .trunk = "0", .intl = {"00"}, .min = 8, .max = 10},
    {.iso = "JP", .cc = "81", .trunk = "0", .intl = {"010"}, .min = 9, .max = 10},
    {.iso = "IN", .cc = "91", .trunk = "0", .intl = {"00"}, .min = 10, .max = 10},
    {.iso = "MX", .cc = "52", .trunk = "", .intl = {"00"}, .min = 10, .max = 10},
};

#define NCOUNTRIES (sizeof countries / sizeof countries[0])

static const struct country *find_country(const char *iso)
{
    for (size_t i = 0; iso && i < NCOUNTRIES; i++)
        if (strcasecmp(countries[i].iso, iso) == 0)
            return &countries[i];
    return NULL;
}

int dialnum_country_known(const char *country)
{
    return find_country(country) != NULL;
}

const char *dialnum_calling_code(const char *country)
{
    const struct country *c = find_country(country);
    return c ? c->cc : NULL;
}

static int copy_out(const char *s, char *out, size_t outsz, char *why, size_t whylen)
{
    if (strlen(s) >= outsz)
        return dt_seterr(why, whylen, DT_ETOOBIG, "no room for the number");
    dt_strlcpy(out, s, outsz);
    return 0;
}

/* sip:user@host or client:identity, passed through when well-formed. */
static int address(const char *s, char *out, size_t outsz, char *why, size_t whylen)
{
    int sip = strncasecmp(s, "sip:", 4) == 0;
    const char *rest = s + (sip ? 4 : 7);
    if (!*rest)
        return dt_seterr(why, whylen, DT_EINVAL, "%s needs an address after the colon",
                         sip ? "sip:" : "client:");
    for (const char *p = rest; *p; p++) {
        unsigned char c = (unsigned char)*p;
        int ok = sip ? (c > 0x20 && c < 0x7f && c != '<' && c != '>' && c != '"' && c != '\\')
                     : ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' || c == '@');
        if (!ok)
            return dt_seterr(why, whylen, DT_EINVAL,
                             sip ? "a sip: address has no blanks, quotes, '<', '>' or '\\'"
                                 : "a client: identity is letters, digits, '_', '-', '.', '@'");
    }
    if (sip && !strchr(rest, '@') && !strchr(rest, '.'))
        return dt_seterr(why, whylen, DT_EINVAL, "a sip: address needs a host (sip:user@host)");
    char buf[DIALNUM_MAX + 8];
    snprintf(buf, sizeof buf, "%s%s", sip ? "sip:" : "client:", rest);
    return copy_out(buf, out, outsz, why, whylen);
}

/* The digits of s into d (at most DIALNUM_MAX), *plus when it starts with '+'. 0 or why. */
static int digits_of(const char *s, char *d, int *plus, char *why, size_t whylen)
{
    size_t n = 0;
    *plus = 0;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= '0' && c <= '9') {
            d[n++] = (char)c;
        } else if (c == '+' && n == 0 && !*plus) {
            *plus = 1;
        } else if (c == '+') {
            return dt_seterr(why, whylen, DT_EINVAL, "'+' can only come first");
        } else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/') {
            continue;
        } else if (c == '*' || c == '#') {
            return dt_seterr(why, whylen, DT_EINVAL,
                             "'%c' is for tones during a call, not for dialling", c);
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            return dt_seterr(why, whylen, DT_EINVAL,
                             "letters are not allowed ('%c'): type the digits, or use sip: or "
                             "client:",
                             c);
        } else if (c < 0x20 || c >= 0x7f) {
            return dt_seterr(why, whylen, DT_EINVAL,
                             "only digits, spaces, '-', '.', '(', ')' and a leading '+'");
        } else {
            return dt_seterr(why, whylen, DT_EINVAL, "'%c' is not allowed in a number", c);
        }
    }
    d[n] = '\0';
    if (n == 0)
        return dt_seterr(why, whylen, DT_EINVAL, "no digits to dial");
    return 0;
}

static int international(const char *d, char *out, size_t outsz, char *why, size_t whylen)
{
    size_t n = strlen(d);
    if (d[0] == '0')
        return dt_seterr(why, whylen, DT_EINVAL, "a country code never starts with 0");
    if (n < 8)
        return dt_seterr(why, whylen, DT_EINVAL,
                         "too short: an international number has 8 to 15 digits after the +, "
                         "this has %zu",
                         n);
    if (n > 15)
        return dt_seterr(why, whylen, DT_EINVAL,
                         "too long: an international number has at most 15 digits after the +, "
                         "this has %zu",
                         n);
    char buf[DIALNUM_MAX + 2];
    snprintf(buf, sizeof buf, "+%s", d);
    if (!valid_e164(buf, strlen(buf)))
        return dt_seterr(why, whylen, DT_EINVAL, "not a valid international number");
    return copy_out(buf, out, outsz, why, whylen);
}

static int national(const struct country *c, const char *d, char *out, size_t outsz, char *why,
                    size_t whylen)
{
    size_t tl = strlen(c->trunk), n = strlen(d);
    /* a NANP "1" is a trunk prefix only in front of ten digits; a "0" always is one */
    int had_trunk =
        tl && n > tl && strncmp(d, c->trunk, tl) == 0 && (!c->nanp || n == (size_t)c->max + 1);
    const char *nsn = had_trunk ? d + tl : d;
    size_t len = strlen(nsn);
    if (len < c->min || len > c->max) {
        char expect[32];
        if (c->min == c->max)
            snprintf(expect, sizeof expect, "%u", c->min);
        else
            snprintf(expect, sizeof expect, "%u to %u", c->min, c->max);
        return dt_seterr(why, whylen, DT_EINVAL, "too %s for %s: expected %s digits%s%s, got %zu",
                         len < c->min ? "short" : "long", c->iso, expect, tl ? " after the " : "",
                         tl ? c->trunk : "", len);
    }
    if (c->nanp && (nsn[0] < '2' || nsn[3] < '2'))
        return dt_seterr(why, whylen, DT_EINVAL,
                         "not a %s number: the area code and the exchange start with 2-9", c->iso);
    if (tl && c->trunk[0] == '0' && nsn[0] == '0')
        return dt_seterr(why, whylen, DT_EINVAL, "not a %s number", c->iso);
    char buf[DIALNUM_MAX + 8];
    snprintf(buf, sizeof buf, "%s%s", c->cc, nsn);
    return international(buf, out, outsz, why, whylen);
}

int dialnum_normalize(const char *typed, const char *country, char *out, size_t outsz, char *why,
                      size_t whylen)
{
    if (!typed || !out || outsz == 0)
        return dt_seterr(why, whylen, DT_EINVAL, "nothing to dial");
    if (strlen(typed) >= DIALNUM_MAX)
        return dt_seterr(why, whylen, DT_EINVAL, "too long to be a number");
    while (*typed == ' ' || *typed == '\t')
        typed++;
    char s[DIALNUM_MAX];
    dt_strlcpy(s, typed, sizeof s);
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    if (n == 0)
        return dt_seterr(why, whylen, DT_EINVAL, "nothing to dial");
    if (strncasecmp(s, "sip:", 4) == 0 || strncasecmp(s, "client:", 7) == 0)
        return address(s, out, outsz, why, whylen);

    char d[DIALNUM_MAX];
    int plus;
    int rc = digits_of(s, d, &plus, why, whylen);
    if (rc != 0)
        return rc;
    if (plus)
        return international(d, out, outsz, why, whylen);
    const struct country *c = NULL;
    if (country && *country) {
        c = find_country(country);
        if (!c)
            return dt_seterr(why, whylen, DT_EINVAL,
                             "unknown default country '%.8s': start the number with +", country);
    }
    for (size_t i = 0; c && i < 2 && c->intl[i]; i++) {
        size_t pl = strlen(c->intl[i]);
        if (strncmp(d, c->intl[i], pl) == 0 && d[pl])
            return international(d + pl, out, outsz, why, whylen);
    }
    if (!c)
        return dt_seterr(why, whylen, DT_EINVAL,
                         "a national number needs a default country: set country in "
                         "console.conf, or start with +");
    return national(c, d, out, outsz, why, whylen);
}
