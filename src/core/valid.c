/* valid: well-formedness checks for numbers, SIDs and URLs. See dialtone/valid.h. */
#include "dialtone/valid.h"

#include <string.h>
#include <strings.h>

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_hex(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int valid_e164(const char *s, size_t n)
{
    if (n < 9 || n > 16 || s[0] != '+' || s[1] == '0')
        return 0;
    for (size_t i = 1; i < n; i++) {
        if (!is_digit(s[i]))
            return 0;
    }
    return 1;
}

int valid_sid(const char *s, const char *prefix)
{
    if (strncmp(s, prefix, 2) != 0 || strlen(s) != 34)
        return 0;
    for (size_t i = 2; i < 34; i++) {
        if (!is_hex(s[i]))
            return 0;
    }
    return 1;
}

int valid_url(const char *s)
{
    size_t skip;
    if (strncasecmp(s, "https://", 8) == 0)
        skip = 8;
    else if (strncasecmp(s, "http://", 7) == 0)
        skip = 7;
    else
        return 0;
    size_t host = strcspn(s + skip, "/?#");
    if (host == 0 || memchr(s + skip, '@', host))
        return 0;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= 0x20 || c >= 0x7f || strchr("\"'<>\\`{}|^", c))
            return 0;
    }
    return 1;
}
