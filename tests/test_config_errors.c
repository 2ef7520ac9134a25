/* Tests for the config module's errors: every kind, each with its exact file:line message,
 * the caps on counts, and loads that fail leaving the struct as it was. */
#include "config_check.h"

#include <stdio.h>
#include <string.h>

TEST(test_structure_errors)
{
    EXPECT_ERR("[twilio]\nacount_sid = x\n", "t.conf:2: unknown key 'acount_sid' in [twilio]");
    EXPECT_ERR("[server]\n\n[twilo]\n", "t.conf:3: unknown section [twilo]");
    EXPECT_ERR("[ twilio ]\n", "t.conf:1: unknown section [ twilio ]");
    EXPECT_ERR("[queue \"q\"]\nport = 1\n", "t.conf:2: unknown key 'port' in [queue \"q\"]");
    EXPECT_ERR("port = 1\n", "t.conf:1: key 'port' outside any section");
    EXPECT_ERR("[server]\nport = 1\nport = 2\n", "t.conf:3: duplicate key 'port' in [server]");
    EXPECT_ERR("[server]\n[twilio]\n[server]\n", "t.conf:3: duplicate section [server]");
    EXPECT_ERR("[queue \"a\"]\n[queue \"b\"]\n[queue \"A\"]\n", "t.conf:3: duplicate queue 'A'");
    EXPECT_ERR("[twilio\n", "t.conf:1: section header without ']'");
    EXPECT_ERR("[twilio] junk\n", "t.conf:1: unexpected text after the section header");
    EXPECT_ERR("[twilio]\n\njust words\n",
               "t.conf:3: expected [section], key = value, or a comment");
    EXPECT_ERR("[twilio]\nauth_token = a\x01z\n",
               "t.conf:2: control character (byte 0x01) in line");
    EXPECT_ERR("[server]\nport = 1\rport = 2\n", "t.conf:2: control character (byte 0x0d) in line");
    EXPECT_ERR("[server]\ndatabase = a\x7f\n", "t.conf:2: control character (byte 0x7f) in line");
    EXPECT_ERR("[server]\nPort = 1\n", "t.conf:2: unknown key 'Port' in [server]");
    EXPECT_ERR("[server]\n\xc2\x9bkey = 1\n", "t.conf:2: unknown key '??key' in [server]");

    const char *heads[] = {
        "queue support",  "queue \"\"", "queue \"a b\"",
        "queue \"x\"y\"", "queue\"x\"", "queues \"x\"",
        "queue \"x",      "queue",      "queue \"abcdefghijabcdefghijabcdefghijabc\""};
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
        char text[128], want[256];
        snprintf(text, sizeof text, "\n[%s]\n", heads[i]);
        snprintf(want, sizeof want,
                 "t.conf:2: bad queue section [%s]: expected [queue \"NAME\"], NAME being 1-32 "
                 "letters, digits, '-' or '_'",
                 heads[i]);
        EXPECT_ERR(text, want);
    }
    char name32[64];
    snprintf(name32, sizeof name32, "[queue \"%s\"]\n", "abcdefghijabcdefghijabcdefghij-_");
    struct config c;
    config_init(&c);
    EXPECT_OK(&c, name32);
    config_done(&c);

    /* Line length: 199 bytes pass, 200 do not. */
    char line[256];
    snprintf(line, sizeof line, "[server]\ndatabase = %0188d\n", 7);
    CHECK_INT(strlen(line), 9 + 199 + 1);
    config_init(&c);
    EXPECT_OK(&c, line);
    CHECK_INT(strlen(c.server.database), 188);
    config_done(&c);
    snprintf(line, sizeof line, "[server]\ndatabase = %0189d\n", 7);
    EXPECT_ERR(line, "t.conf:2: line too long (at most 199 bytes)");
}

TEST(test_value_errors)
{
    EXPECT_ERR("[server]\nport = 65536\n", "t.conf:2: port must be a whole number from 0 to 65535");
    EXPECT_ERR("[server]\nport = -1\n", "t.conf:2: port must be a whole number from 0 to 65535");
    EXPECT_ERR("[server]\nport = 80a\n", "t.conf:2: port must be a whole number from 0 to 65535");
    EXPECT_ERR("[server]\nport =\n", "t.conf:2: port must be a whole number from 0 to 65535");
    EXPECT_ERR("[server]\nport = 99999999999\n",
               "t.conf:2: port must be a whole number from 0 to 65535");
    EXPECT_ERR("[server]\nmax_body = 1023\n",
               "t.conf:2: max_body must be a whole number from 1024 to 16777216");
    EXPECT_ERR("[queue \"q\"]\nmax_wait = 9\n",
               "t.conf:2: max_wait must be a whole number from 10 to 86400");
    EXPECT_ERR("[queue \"q\"]\nwrapup = 3601\n",
               "t.conf:2: wrapup must be a whole number from 0 to 3600");
    EXPECT_ERR("[queue \"q\"]\nreservation_timeout = 4\n",
               "t.conf:2: reservation_timeout must be a whole number from 5 to 600");
    EXPECT_ERR("[queue \"q\"]\nservice_level = 0\n",
               "t.conf:2: service_level must be a whole number from 1 to 3600");
    EXPECT_ERR("[queue \"q\"]\nmissed_offers_limit = 101\n",
               "t.conf:2: missed_offers_limit must be a whole number from 0 to 100");
    EXPECT_ERR("[queue \"q\"]\nrouting = random\n",
               "t.conf:2: routing must be ringall or longest-idle");
    EXPECT_ERR("[queue \"q\"]\nhold_music_url = music.mp3\n",
               "t.conf:2: hold_music_url must be an http:// or https:// URL with a host, without "
               "spaces or user:password@");
    EXPECT_ERR("[server]\nlog_level = loud\n",
               "t.conf:2: log_level must be error, warn, info or debug");
    EXPECT_ERR("[server]\nlisten = localhost\n",
               "t.conf:2: listen must be an IPv4 or IPv6 address, such as 127.0.0.1");
    EXPECT_ERR("[server]\ndatabase =\n", "t.conf:2: database must not be empty");

    char big[256];
    snprintf(big, sizeof big, "[twilio]\nauth_token = %0128d\n", 1);
    EXPECT_ERR(big, "t.conf:2: auth_token is too long (at most 127 bytes)");

    const char *sid_msg = "t.conf:2: account_sid must be AC followed by 32 hex digits";
    EXPECT_ERR("[twilio]\naccount_sid = AC123\n", sid_msg);
    EXPECT_ERR("[twilio]\naccount_sid = " KEY "\n", sid_msg);
    EXPECT_ERR("[twilio]\naccount_sid = AC0123456789abcdef0123456789abcdeg\n", sid_msg);
    EXPECT_ERR("[twilio]\naccount_sid = " SID "0\n", sid_msg);
    EXPECT_ERR("[twilio]\napi_key_sid = " SID "\n",
               "t.conf:2: api_key_sid must be SK followed by 32 hex digits");

    const char *url_msg = "t.conf:2: public_base_url must be an http:// or https:// URL with a "
                          "host, without spaces or user:password@";
    const char *urls[] = {"ftp://x.example.com",
                          "https://",
                          "https:///path",
                          "http//x",
                          "https://user:pw@x.example.com",
                          "https://x.example.com/a b",
                          "https://x.example.com/\xc3\xa9"};
    for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
        char text[128];
        snprintf(text, sizeof text, "[twilio]\npublic_base_url = %s\n", urls[i]);
        EXPECT_ERR(text, url_msg);
    }

    const struct {
        const char *v;
        int entry;
    } nums[] = {{"+1555000", 1},
                {"15550000001", 1},
                {"+1555000000123456", 1},
                {"+05550000001", 1},
                {"+15550000001, +1555x0000000", 2},
                {"+15550000001,,+15550000002", 2},
                {"+15550000001,", 2},
                {"+1 5550000001", 1},
                {"", 1}};
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        char text[128], want[160];
        snprintf(text, sizeof text, "[twilio]\nnumbers = %s\n", nums[i].v);
        snprintf(want, sizeof want,
                 "t.conf:2: numbers: entry %d is not an E.164 number ('+' and 8-15 digits)",
                 nums[i].entry);
        EXPECT_ERR(text, want);
    }
    EXPECT_ERR("[twilio]\nnumbers = +15550000001\nnumbers = +15550000002, +15550000001\n",
               "t.conf:3: numbers: entry 2 repeats an earlier number");

    const char *day_msg = "t.conf:2: mon must be closed or up to 4 ranges HH:MM-HH:MM in ascending "
                          "order";
    const char *days[] = {"9-5",
                          "9:00-17:00",
                          "17:00-09:00",
                          "09:00-09:00",
                          "24:30-25:00",
                          "09:00-24:01",
                          "09:60-10:00",
                          "Closed",
                          "09:00-12:00, 11:00-13:00",
                          "09:00-12:00;13:00-14:00",
                          "09:00-17:00,",
                          "01:00-02:00,03:00-04:00,05:00-06:00,07:00-08:00,09:00-10:00"};
    for (size_t i = 0; i < sizeof days / sizeof days[0]; i++) {
        char text[128];
        snprintf(text, sizeof text, "[hours]\nmon = %s\n", days[i]);
        EXPECT_ERR(text, day_msg);
    }
    const char *tz_msg = "t.conf:2: timezone must be a time zone name such as UTC or Europe/London";
    EXPECT_ERR("[hours]\ntimezone = ../etc/passwd\n", tz_msg);
    EXPECT_ERR("[hours]\ntimezone = /UTC\n", tz_msg);
    EXPECT_ERR("[hours]\ntimezone =\n", tz_msg);
    EXPECT_ERR("[hours]\nmonday = 09:00-17:00\n", "t.conf:2: unknown key 'monday' in [hours]");

    EXPECT_ERR("[dispositions]\nok = fine\nok = again\n", "t.conf:3: duplicate disposition 'ok'");
    EXPECT_ERR("[dispositions]\nnot ok = x\n",
               "t.conf:2: disposition code 'not ok' must be 1-32 letters, digits, '-' or '_'");
    snprintf(big, sizeof big, "[dispositions]\nlong = %065d\n", 1);
    EXPECT_ERR(big, "t.conf:2: label of disposition 'long' is too long (at most 64 bytes)");
}

TEST(test_counts_and_atomicity)
{
    struct dt_buf b;
    dt_buf_init(&b);
    for (int i = 0; i < DT_CONFIG_MAX_QUEUES + 1; i++)
        dt_buf_printf(&b, "[queue \"q%d\"]\n", i);
    EXPECT_ERR(b.data, "t.conf:65: too many queues (at most 64)");
    dt_buf_reset(&b);
    dt_buf_puts(&b, "[twilio]\n");
    for (int i = 0; i < DT_CONFIG_MAX_NUMBERS + 1; i++)
        dt_buf_printf(&b, "numbers = +1555000%04d\n", i);
    EXPECT_ERR(b.data, "t.conf:34: numbers: more than 32 numbers");
    dt_buf_reset(&b);
    dt_buf_puts(&b, "[dispositions]\n");
    for (int i = 0; i < DT_CONFIG_MAX_DISPOS + 1; i++)
        dt_buf_printf(&b, "d%d = D\n", i);
    EXPECT_ERR(b.data, "t.conf:34: too many dispositions (at most 32)");
    dt_buf_done(&b);

    /* A failed load leaves the struct as it was; a good one layers on top. */
    struct config c;
    config_init(&c);
    EXPECT_OK(&c, "[server]\nport = 9000\n[queue \"a\"]\n");
    CHECK_INT(config_load_string(&c, NULL, "[server]\nport = 9001\n[queue \"b\"]\nbad = 1\n", err,
                                 sizeof err),
              DT_EINVAL);
    CHECK_STR(err, "<string>:4: unknown key 'bad' in [queue \"b\"]");
    CHECK_INT(c.server.port, 9000);
    CHECK_INT(c.n_queues, 1);
    EXPECT_OK(&c, "[server]\nport = 9002\n[queue \"b\"]\n");
    CHECK_INT(c.server.port, 9002);
    CHECK_INT(c.n_queues, 2);
    EXPECT_ERR("[queue \"a\"]\n[queue \"a\"]\n", "t.conf:2: duplicate queue 'a'");
    CHECK_INT(config_load_string(&c, "t2.conf", "[queue \"A\"]\n", err, sizeof err), DT_EINVAL);
    CHECK_STR(err, "t2.conf:1: duplicate queue 'A'");
    CHECK_INT(config_load_string(&c, "x", NULL, err, sizeof err), DT_EINVAL);
    /* An error after a syntax error reports the earlier line. */
    CHECK_INT(config_load_string(&c, "t.conf", "[server]\nnope\nport = x\n", err, sizeof err),
              DT_EINVAL);
    CHECK_STR(err, "t.conf:2: expected [section], key = value, or a comment");
    config_done(&c);
}

int main(void)
{
    RUN(test_structure_errors);
    RUN(test_value_errors);
    RUN(test_counts_and_atomicity);
    return check_done();
}
