/* Tests for valid: E.164 numbers, SIDs and URLs, good and bad. */
#include <string.h>

#include "check.h"
#include "dialtone/valid.h"

static int e164(const char *s)
{
    return valid_e164(s, strlen(s));
}

TEST(e164_numbers)
{
    CHECK(e164("+14155550100"));
    CHECK(e164("+12345678"));        /* 8 digits */
    CHECK(e164("+123456789012345")); /* 15 digits */
    CHECK(!e164("+1234567"));
    CHECK(!e164("+1234567890123456"));
    CHECK(!e164("14155550100"));
    CHECK(!e164("+04155550100"));
    CHECK(!e164("+1415555010a"));
    CHECK(!e164("+1 415555010"));
    CHECK(!e164(""));
    CHECK(valid_e164("+14155550100xyz", 12)); /* only the first n bytes count */
}

TEST(sids)
{
    CHECK(valid_sid("AC0123456789abcdef0123456789ABCDEF", "AC"));
    CHECK(!valid_sid("AC0123456789abcdef0123456789ABCDEF", "SK"));
    CHECK(!valid_sid("AC0123456789abcdef0123456789ABCDE", "AC"));
    CHECK(!valid_sid("AC0123456789abcdef0123456789ABCDEF0", "AC"));
    CHECK(!valid_sid("AC0123456789abcdef0123456789ABCDEG", "AC"));
    CHECK(!valid_sid("", "AC"));
}

TEST(urls)
{
    CHECK(valid_url("http://127.0.0.1:8080/twilio/voice"));
    CHECK(valid_url("HTTPS://example.com"));
    CHECK(valid_url("https://example.com/a?b=c&d=%20#x"));
    CHECK(!valid_url("ftp://example.com/"));
    CHECK(!valid_url("http://"));
    CHECK(!valid_url("http:///path"));
    CHECK(!valid_url("http://user:pw@example.com/"));
    CHECK(!valid_url("http://example.com/a b"));
    CHECK(!valid_url("http://example.com/\"x\""));
    CHECK(!valid_url("http://example.com/\x1b[31m"));
    CHECK(!valid_url("http://example.com/caf\xc3\xa9"));
    CHECK(!valid_url("example.com"));
}

int main(void)
{
    RUN(e164_numbers);
    RUN(sids);
    RUN(urls);
    return check_done();
}
