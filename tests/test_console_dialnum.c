/*
 * test_console_dialnum: what agents type in the dialpad turned into E.164 for a few
 * countries, in national and international forms; sip: and client: addresses; garbage
 * refused with a reason.
 */
#include "check.h"
#include "console/dialnum.h"
#include "dialtone/util.h"

#include <string.h>

static const char *norm(const char *typed, const char *country)
{
    static char out[DIALNUM_MAX];
    char why[200] = "";
    int rc = dialnum_normalize(typed, country, out, sizeof out, why, sizeof why);
    if (rc != 0) {
        printf("  '%s' (%s): %s\n", typed, country ? country : "-", why);
        return "(refused)";
    }
    return out;
}

TEST(national_forms)
{
    CHECK_STR(norm("(415) 555-0100", "US"), "+14155550100");
    CHECK_STR(norm("415.555.0100", "us"), "+14155550100");
    CHECK_STR(norm("1 415 555 0100", "US"), "+14155550100");
    CHECK_STR(norm("  4155550100  ", "CA"), "+14155550100");
    CHECK_STR(norm("020 7946 0018", "GB"), "+442079460018");
    CHECK_STR(norm("07700 900123", "GB"), "+447700900123");
    CHECK_STR(norm("01 23 45 67 89", "FR"), "+33123456789");
    CHECK_STR(norm("030 1234567", "DE"), "+49301234567");
    CHECK_STR(norm("912 345 678", "ES"), "+34912345678");
    CHECK_STR(norm("06 1234 5678", "IT"), "+390612345678"); /* Italy keeps its 0 */
    CHECK_STR(norm("(02) 9876 5432", "AU"), "+61298765432");
    CHECK_STR(norm("03-1234-5678", "JP"), "+81312345678");
}

TEST(international_forms)
{
    CHECK_STR(norm("+44 20 7946 0018", NULL), "+442079460018");
    CHECK_STR(norm("+1 (415) 555-0100", "GB"), "+14155550100");
    CHECK_STR(norm("0044 20 7946 0018", "FR"), "+442079460018");
    CHECK_STR(norm("011 44 20 7946 0018", "US"), "+442079460018");
    CHECK_STR(norm("0011 1 415 555 0100", "AU"), "+14155550100");
    CHECK_STR(norm("010-1-415-555-0100", "JP"), "+14155550100");
    CHECK_STR(norm("+81312345678", ""), "+81312345678");
}

TEST(addresses)
{
    CHECK_STR(norm("sip:alice@example.com", NULL), "sip:alice@example.com");
    CHECK_STR(norm("SIP:alice@example.com", "US"), "sip:alice@example.com");
    CHECK_STR(norm("client:agent_7", "US"), "client:agent_7");
}

static void refused(const char *typed, const char *country, const char *reason)
{
    char out[DIALNUM_MAX] = "untouched", why[200] = "";
    int rc = dialnum_normalize(typed, country, out, sizeof out, why, sizeof why);
    CHECK_INT(rc, DT_EINVAL);
    if (!strstr(why, reason))
        CHECK_STR(why, reason);
}

TEST(garbage_refused)
{
    refused("", "US", "nothing to dial");
    refused("   ", "US", "nothing to dial");
    refused("- ( ) .", "US", "no digits");
    refused("555-0100", NULL, "needs a default country");
    refused("1-800-FLOWERS", "US", "letters are not allowed ('F')");
    refused("555 0100", "US", "too short for US: expected 10 digits");
    refused("415 555 0100 99", "US", "too long for US");
    refused("(015) 555-0100", "US", "area code and the exchange start with 2-9");
    refused("415 155 0100", "US", "area code and the exchange start with 2-9");
    refused("020 7946", "GB", "too short for GB: expected 9 to 10 digits after the 0, got 6");
    refused("+0 123 456 789", NULL, "never starts with 0");
    refused("+1 234", NULL, "too short: an international number");
    refused("+1 2345 6789 0123 4567", NULL, "too long");
    refused("4+155550100", "US", "'+' can only come first");
    refused("*67 415 555 0100", "US", "'*' is for tones");
    refused("415;555", "US", "';' is not allowed");
    refused("415\x1b[2J", "US", "only digits");
    refused("\xef\xbc\x94\xef\xbc\x91\xef\xbc\x95", "US", "only digits"); /* fullwidth digits */
    refused("4155550100", "ZZ", "unknown default country 'ZZ'");
    refused("sip:", NULL, "needs an address");
    refused("sip:alice bob@example.com", NULL, "no blanks");
    refused("sip:alice", NULL, "needs a host");
    refused("client:a b", NULL, "client: identity is");
    char big[400];
    memset(big, '1', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    refused(big, "US", "too long");
}

TEST(small_output)
{
    char out[8], why[100];
    CHECK_INT(dialnum_normalize("+14155550100", NULL, out, sizeof out, why, sizeof why),
              DT_ETOOBIG);
    CHECK_INT(dialnum_normalize(NULL, NULL, out, sizeof out, why, sizeof why), DT_EINVAL);
}

TEST(countries)
{
    CHECK(dialnum_country_known("US"));
    CHECK(dialnum_country_known("gb"));
    CHECK(!dialnum_country_known("ZZ"));
    CHECK(!dialnum_country_known(NULL));
    CHECK_STR(dialnum_calling_code("GB"), "44");
    CHECK(dialnum_calling_code("XX") == NULL);
}

int main(void)
{
    RUN(national_forms);
    RUN(international_forms);
    RUN(addresses);
    RUN(garbage_refused);
    RUN(small_output);
    RUN(countries);
    return check_done();
}
