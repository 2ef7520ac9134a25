/* Tests for the config module: defaults, every key, every error with its file:line message,
 * environment overrides, the permission check, validation and the shipped example file. */
#include "dialtone/config.h"
#include "dialtone/util.h"
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SID     "AC0123456789abcdef0123456789ABCDEF"
#define KEY     "SK0123456789abcdef0123456789abcdef"
#define EXAMPLE "data/dialtone.conf.example"

static char err[512];

/* Loads text as "t.conf" into fresh defaults and expects exactly the message want. */
#define EXPECT_ERR(text, want)                                                                     \
    do {                                                                                           \
        struct config c_;                                                                          \
        config_init(&c_);                                                                          \
        err[0] = '\0';                                                                             \
        CHECK_INT(config_load_string(&c_, "t.conf", text, err, sizeof err), DT_EINVAL);            \
        CHECK_STR(err, want);                                                                      \
        config_done(&c_);                                                                          \
    } while (0)

#define EXPECT_OK(cfg, text)                                                                       \
    do {                                                                                           \
        err[0] = '\0';                                                                             \
        int rc_ = config_load_string(cfg, "t.conf", text, err, sizeof err);                        \
        CHECK_INT(rc_, 0);                                                                         \
        if (rc_ != 0)                                                                              \
            printf("    error: %s\n", err);                                                        \
    } while (0)

TEST(test_defaults)
{
    struct config c;
    config_init(&c);
    CHECK_STR(c.twilio.account_sid, "");
    CHECK_STR(c.twilio.auth_token, "");
    CHECK_STR(c.twilio.api_base_url, "https://api.twilio.com");
    CHECK_STR(c.twilio.public_base_url, "");
    CHECK_INT(c.twilio.n_numbers, 0);
    CHECK_STR(c.server.listen, "127.0.0.1");
    CHECK_INT(c.server.port, 8080);
    CHECK_STR(c.server.database, "dialtone.db");
    CHECK_INT(c.server.log_level, DT_LOG_INFO);
    CHECK_INT(c.server.max_body, 65536);
    CHECK_INT(c.n_queues, 0);
    CHECK(config_queue_find(&c, "support") == NULL);
    CHECK_INT(c.hours.configured, 0);
    CHECK_STR(c.hours.timezone, "UTC");
    CHECK(config_hours_open(&c.hours, 0, 3 * 60));
    CHECK_INT(c.n_dispositions, 4);
    CHECK_STR(c.dispositions[0].code, "resolved");
    CHECK_STR(c.dispositions[3].code, "wrong-number");
    /* An empty file changes nothing. */
    EXPECT_OK(&c, "");
    EXPECT_OK(&c, "# only a comment\n\n; another\n");
    CHECK_INT(c.server.port, 8080);
    /* A queue section with no keys gets the queue defaults. */
    EXPECT_OK(&c, "[queue \"support\"]\n");
    const struct config_queue *q = config_queue_find(&c, "support");
    CHECK(q != NULL);
    if (q) {
        CHECK_INT(q->routing, DT_ROUTING_RINGALL);
        CHECK_INT(q->max_wait, 300);
        CHECK_INT(q->wrapup, 30);
        CHECK_INT(q->reservation_timeout, 30);
        CHECK_INT(q->service_level, 20);
        CHECK_INT(q->missed_offers_limit, 3);
        CHECK_STR(q->hold_music_url, "");
    }
    config_done(&c);
    config_done(&c); /* twice is harmless */
}

static const char full_text[] = "\xef\xbb\xbf# every key\r\n"
                                "[twilio]\r\n"
                                "account_sid = " SID "\n"
                                "auth_token = tok-1234\n"
                                "api_key_sid = " KEY "\n"
                                "api_key_secret = \"sec ret\"\n"
                                "numbers = +15550000001,+442071838750 , +4930123456\n"
                                "numbers = +61212345678\n"
                                "public_base_url = https://pbx.example.com:8443/dt/\n"
                                "api_base_url = http://127.0.0.1:8081 ; the emulator\n"
                                "[server]\n"
                                "  listen = ::1\n"
                                "port = 0\n"
                                "database = /var/lib/dialtone/calls.db\n"
                                "log_level = debug\n"
                                "max_body = 1048576\n"
                                "[queue \"support\"]\n"
                                "routing = longest-idle\n"
                                "max_wait = 120\n"
                                "wrapup = 0\n"
                                "reservation_timeout = 15\n"
                                "service_level = 45\n"
                                "missed_offers_limit = 0\n"
                                "hold_music_url = https://media.example.com/hold.mp3\n"
                                "[queue  \"Sales_2\"] ; second\n"
                                "[hours]\n"
                                "timezone = Europe/Berlin\n"
                                "mon = 08:00-12:00, 13:00-24:00\n"
                                "tue = 00:00-24:00\n"
                                "sun = closed\n"
                                "[dispositions]\n"
                                "sold = Sale made\n"
                                "no_sale =\n";

TEST(test_every_key)
{
    struct config c;
    config_init(&c);
    EXPECT_OK(&c, full_text);
    CHECK_STR(c.twilio.account_sid, SID);
    CHECK_STR(c.twilio.auth_token, "tok-1234");
    CHECK_STR(c.twilio.api_key_sid, KEY);
    CHECK_STR(c.twilio.api_key_secret, "sec ret");
    CHECK_INT(c.twilio.n_numbers, 4);
    CHECK_STR(c.twilio.numbers[0], "+15550000001");
    CHECK_STR(c.twilio.numbers[1], "+442071838750");
    CHECK_STR(c.twilio.numbers[2], "+4930123456");
    CHECK_STR(c.twilio.numbers[3], "+61212345678");
    CHECK_STR(c.twilio.public_base_url, "https://pbx.example.com:8443/dt");
    CHECK_STR(c.twilio.api_base_url, "http://127.0.0.1:8081");
    CHECK_STR(c.server.listen, "::1");
    CHECK_INT(c.server.port, 0);
    CHECK_STR(c.server.database, "/var/lib/dialtone/calls.db");
    CHECK_INT(c.server.log_level, DT_LOG_DEBUG);
    CHECK_INT(c.server.max_body, 1048576);
    CHECK_INT(c.n_queues, 2);
    const struct config_queue *q = config_queue_find(&c, "SUPPORT");
    CHECK(q == &c.queues[0]);
    if (q) {
        CHECK_STR(q->name, "support");
        CHECK_INT(q->routing, DT_ROUTING_LONGEST_IDLE);
        CHECK_INT(q->max_wait, 120);
        CHECK_INT(q->wrapup, 0);
        CHECK_INT(q->reservation_timeout, 15);
        CHECK_INT(q->service_level, 45);
        CHECK_INT(q->missed_offers_limit, 0);
        CHECK_STR(q->hold_music_url, "https://media.example.com/hold.mp3");
    }
    CHECK(config_queue_find(&c, "sales_2") == &c.queues[1]);
    CHECK_INT(c.queues[1].max_wait, 300);
    CHECK(config_queue_find(&c, "sales") == NULL);
    CHECK(config_queue_find(&c, NULL) == NULL);
    CHECK_STR(c.hours.timezone, "Europe/Berlin");
    CHECK_INT(c.hours.configured, 1);
    CHECK_INT(c.hours.days[1].n_ranges, 2);
    CHECK_INT(c.hours.days[1].ranges[1].start, 13 * 60);
    CHECK_INT(c.hours.days[1].ranges[1].end, 1440);
    CHECK(config_hours_open(&c.hours, 1, 8 * 60));
    CHECK(!config_hours_open(&c.hours, 1, 12 * 60 + 30));
    CHECK(config_hours_open(&c.hours, 1, 1439));
    CHECK(!config_hours_open(&c.hours, 1, 7 * 60 + 59));
    CHECK(config_hours_open(&c.hours, 2, 0));
    CHECK(!config_hours_open(&c.hours, 0, 12 * 60)); /* sun = closed */
    CHECK(!config_hours_open(&c.hours, 3, 12 * 60)); /* wed not listed */
    CHECK(!config_hours_open(&c.hours, 7, 0));
    CHECK(!config_hours_open(&c.hours, 2, 1440));
    CHECK_INT(c.n_dispositions, 2);
    CHECK_STR(c.dispositions[0].code, "sold");
    CHECK_STR(c.dispositions[0].label, "Sale made");
    CHECK_STR(c.dispositions[1].label, "no_sale");
    CHECK_INT(config_validate(&c, err, sizeof err), 0);
    config_done(&c);
}

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

struct env {
    const char *names[12];
    const char *values[12];
};

static const char *env_lookup(const char *name, void *ctx)
{
    struct env *e = ctx;
    for (int i = 0; i < 12 && e->names[i]; i++) {
        if (strcmp(e->names[i], name) == 0)
            return e->values[i];
    }
    return NULL;
}

TEST(test_env)
{
    struct config c;
    config_init(&c);
    EXPECT_OK(&c, "[twilio]\naccount_sid = AC00000000000000000000000000000000\nauth_token = file\n"
                  "[server]\nport = 1000\nlog_level = error\n");
    struct env e = {
        .names = {"TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_KEY", "TWILIO_API_SECRET",
                  "DIALTONE_PUBLIC_URL", "DIALTONE_TWILIO_API_URL", "DIALTONE_DB", "DIALTONE_PORT",
                  "DIALTONE_LOG_LEVEL", "UNRELATED"},
        .values = {SID, "env-token", KEY, "env-secret", "https://env.example.com/",
                   "http://127.0.0.1:9999", "env.db", "2000", "warn", "x"},
    };
    CHECK_INT(config_apply_env(&c, env_lookup, &e, err, sizeof err), 0);
    CHECK_STR(c.twilio.account_sid, SID);
    CHECK_STR(c.twilio.auth_token, "env-token");
    CHECK_STR(c.twilio.api_key_sid, KEY);
    CHECK_STR(c.twilio.api_key_secret, "env-secret");
    CHECK_STR(c.twilio.public_base_url, "https://env.example.com");
    CHECK_STR(c.twilio.api_base_url, "http://127.0.0.1:9999");
    CHECK_STR(c.server.database, "env.db");
    CHECK_INT(c.server.port, 2000);
    CHECK_INT(c.server.log_level, DT_LOG_WARN);
    CHECK_INT(config_validate(&c, err, sizeof err), 0);

    /* Empty values count as unset; a bad value names the variable and changes nothing. */
    struct env e2 = {.names = {"DIALTONE_PORT", "TWILIO_AUTH_TOKEN"}, .values = {"", ""}};
    CHECK_INT(config_apply_env(&c, env_lookup, &e2, err, sizeof err), 0);
    CHECK_INT(c.server.port, 2000);
    CHECK_STR(c.twilio.auth_token, "env-token");
    struct env e3 = {.names = {"DIALTONE_DB", "DIALTONE_PORT"}, .values = {"/tmp/x.db", "http"}};
    CHECK_INT(config_apply_env(&c, env_lookup, &e3, err, sizeof err), DT_EINVAL);
    CHECK_STR(err, "DIALTONE_PORT: port must be a whole number from 0 to 65535");
    CHECK_STR(c.server.database, "env.db");

    char longv[400];
    memset(longv, 'a', sizeof longv - 1);
    longv[sizeof longv - 1] = '\0';
    memcpy(longv, "https://", 8);
    struct env e4 = {.names = {"DIALTONE_PUBLIC_URL"}, .values = {longv}};
    CHECK_INT(config_apply_env(&c, env_lookup, &e4, err, sizeof err), DT_EINVAL);
    CHECK_STR(err, "DIALTONE_PUBLIC_URL: public_base_url is too long (at most 191 bytes)");
    struct env e5 = {.names = {"DIALTONE_DB"}, .values = {"a\nb"}};
    CHECK_INT(config_apply_env(&c, env_lookup, &e5, err, sizeof err), DT_EINVAL);
    CHECK_STR(err, "DIALTONE_DB: database contains a control character");
    struct env e6 = {.names = {"TWILIO_ACCOUNT_SID", "DIALTONE_LOG_LEVEL"},
                     .values = {"ACnope", "loud"}};
    CHECK_INT(config_apply_env(&c, env_lookup, &e6, err, sizeof err), DT_EINVAL);
    CHECK_STR(err, "TWILIO_ACCOUNT_SID: account_sid must be AC followed by 32 hex digits");
    CHECK_STR(c.twilio.account_sid, SID);
    CHECK_INT(config_apply_env(&c, NULL, NULL, err, sizeof err), DT_EINVAL);

    /* The real environment, through config_getenv. */
    setenv("DIALTONE_PORT", "4321", 1);
    CHECK_INT(config_apply_env(&c, config_getenv, NULL, err, sizeof err), 0);
    unsetenv("DIALTONE_PORT");
    CHECK_INT(c.server.port, 4321);
    config_done(&c);
}

TEST(test_validate)
{
    struct config c;
    config_init(&c);
    CHECK_INT(config_validate(&c, err, sizeof err), DT_EINVAL);
    CHECK_STR(err, "account_sid is not set (account_sid in [twilio] or TWILIO_ACCOUNT_SID)");
    EXPECT_OK(&c, "[twilio]\naccount_sid = " SID "\n");
    CHECK_INT(config_validate(&c, err, sizeof err), DT_EINVAL);
    CHECK(strncmp(err, "no Twilio credentials: set auth_token", 37) == 0);
    EXPECT_OK(&c, "[twilio]\napi_key_sid = " KEY "\n");
    CHECK_INT(config_validate(&c, err, sizeof err), DT_EINVAL);
    CHECK(strncmp(err, "api_key_sid and api_key_secret go together", 42) == 0);
    EXPECT_OK(&c, "[twilio]\napi_key_secret = s\n");
    CHECK_INT(config_validate(&c, err, sizeof err), DT_EINVAL);
    CHECK(strncmp(err, "public_base_url is not set", 26) == 0);
    EXPECT_OK(&c, "[twilio]\npublic_base_url = http://localhost:8080\n");
    CHECK_INT(config_validate(&c, err, sizeof err), 0); /* API key only */
    /* Values placed in the struct by hand are checked too. */
    c.twilio.account_sid[5] = 'x';
    CHECK_INT(config_validate(&c, err, sizeof err), DT_EINVAL);
    CHECK_STR(err, "account_sid must be AC followed by 32 hex digits");
    dt_strlcpy(c.twilio.account_sid, SID, sizeof c.twilio.account_sid);
    dt_strlcpy(c.twilio.public_base_url, "ftp://x", sizeof c.twilio.public_base_url);
    CHECK_INT(config_validate(&c, err, sizeof err), DT_EINVAL);
    CHECK_STR(err, "public_base_url must be an http(s) URL");
    dt_strlcpy(c.twilio.public_base_url, "https://x", sizeof c.twilio.public_base_url);
    c.twilio.api_base_url[0] = '\0';
    CHECK_INT(config_validate(&c, err, sizeof err), DT_EINVAL);
    CHECK(strncmp(err, "api_base_url must be", 20) == 0);
    config_done(&c);
}

static char *write_temp(const char *dir, const char *name, const char *text, mode_t mode)
{
    char *path = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    chmod(path, mode);
    return path;
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct dt_buf b;
    dt_buf_init(&b);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        dt_buf_append(&b, chunk, n);
    fclose(f);
    return dt_buf_take(&b);
}

static char *make_temp_dir(void)
{
    const char *tmp = getenv("TMPDIR");
    char *dir = xasprintf("%s/dialtone-config-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        free(dir);
        return NULL;
    }
    return dir;
}

TEST(test_permissions)
{
    char *dir = make_temp_dir();
    CHECK(dir != NULL);
    if (!dir)
        return;
    const char *secret_text = "[twilio]\nauth_token = abc\n";
    char *p600 = write_temp(dir, "a600.conf", secret_text, 0600);
    char *p644 = write_temp(dir, "a644.conf", secret_text, 0644);
    char *p640 = write_temp(dir, "a640.conf", "[twilio]\napi_key_secret = s\n", 0640);
    char *plain = write_temp(dir, "plain.conf", "[twilio]\n;auth_token = x\nauth_token =\n", 0644);
    struct config c;
    config_init(&c);
    CHECK_INT(config_load_file(&c, p600, err, sizeof err), 0);
    CHECK_STR(c.twilio.auth_token, "abc");
    CHECK_INT(config_load_file(&c, p644, err, sizeof err), DT_EPERM);
    char want[512];
    snprintf(want, sizeof want,
             "%s: holds a secret (auth_token or api_key_secret) but group or others may access "
             "it (mode 0644); run: chmod 600 %s",
             p644, p644);
    CHECK_STR(err, want);
    CHECK_INT(config_load_file(&c, p640, err, sizeof err), DT_EPERM);
    CHECK(strstr(err, "(mode 0640); run: chmod 600 ") != NULL);
    CHECK_STR(c.twilio.api_key_secret, "");
    CHECK_INT(config_load_file(&c, plain, err, sizeof err), 0);
    CHECK_STR(c.twilio.auth_token, "");

    char *missing = xasprintf("%s/missing.conf", dir);
    CHECK_INT(config_load_file(&c, missing, err, sizeof err), DT_EIO);
    CHECK(strstr(err, "missing.conf: cannot open: ") != NULL);
    CHECK_INT(config_load_file(&c, dir, err, sizeof err), DT_EINVAL);
    snprintf(want, sizeof want, "%s: not a regular file", dir);
    CHECK_STR(err, want);
    char *bad = write_temp(dir, "bad.conf", "[server]\nport = 1\n\n[nope]\n", 0600);
    CHECK_INT(config_load_file(&c, bad, err, sizeof err), DT_EINVAL);
    snprintf(want, sizeof want, "%s:4: unknown section [nope]", bad);
    CHECK_STR(err, want);
    CHECK_INT(config_load_file(&c, NULL, err, sizeof err), DT_EINVAL);
    config_done(&c);

    char *paths[] = {p600, p644, p640, plain, bad};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        CHECK_INT(unlink(paths[i]), 0);
        free(paths[i]);
    }
    free(missing);
    CHECK_INT(rmdir(dir), 0);
    free(dir);
}

TEST(test_example_file)
{
    char *text = read_all(EXAMPLE);
    CHECK(text != NULL);
    if (!text)
        return;
    struct config c;
    config_init(&c);
    EXPECT_OK(&c, text);
    CHECK_INT(config_validate(&c, err, sizeof err), 0);
    CHECK_INT(c.n_queues, 2);
    CHECK(config_queue_find(&c, "support") != NULL);
    CHECK(config_queue_find(&c, "sales") != NULL);
    CHECK_INT(c.twilio.n_numbers, 2);
    CHECK_INT(c.hours.configured, 1);
    CHECK_STR(c.hours.timezone, "America/New_York");
    CHECK_INT(c.n_dispositions, 5);
    /* Every key of the twilio, server and queue sections appears in the example. */
    const char *keys[] = {"account_sid",
                          "auth_token",
                          "api_key_sid",
                          "api_key_secret",
                          "numbers",
                          "public_base_url",
                          "api_base_url",
                          "listen",
                          "port",
                          "database",
                          "log_level",
                          "max_body",
                          "routing",
                          "max_wait",
                          "wrapup",
                          "reservation_timeout",
                          "service_level",
                          "missed_offers_limit",
                          "hold_music_url",
                          "timezone",
                          "mon"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        char needle[64];
        snprintf(needle, sizeof needle, "\n%s = ", keys[i]);
        char alt[64];
        snprintf(alt, sizeof alt, "\n;%s = ", keys[i]);
        if (!strstr(text, needle) && !strstr(text, alt))
            printf("    example lacks %s\n", keys[i]);
        CHECK(strstr(text, needle) || strstr(text, alt));
    }
    config_done(&c);

    /* Through a file: it holds a placeholder auth token, so only mode 0600 loads. */
    char *dir = make_temp_dir();
    CHECK(dir != NULL);
    if (dir) {
        char *ok = write_temp(dir, "dialtone.conf", text, 0600);
        char *wide = write_temp(dir, "open.conf", text, 0644);
        config_init(&c);
        CHECK_INT(config_load_file(&c, ok, err, sizeof err), 0);
        CHECK_INT(c.server.port, 8080);
        config_done(&c);
        config_init(&c);
        CHECK_INT(config_load_file(&c, wide, err, sizeof err), DT_EPERM);
        CHECK_INT(c.n_queues, 0);
        config_done(&c);
        unlink(ok);
        unlink(wide);
        free(ok);
        free(wide);
        rmdir(dir);
        free(dir);
    }
    free(text);
}

TEST(test_register_secrets)
{
    struct config c;
    config_init(&c);
    EXPECT_OK(&c, "[twilio]\nauth_token = 0123456789abcdef0123456789abcdef\n"
                  "api_key_secret = SeCrEt-Value-42\n");
    log_clear_secrets();
    CHECK_INT(config_register_secrets(&c), 0);
    FILE *f = tmpfile();
    CHECK(f != NULL);
    if (f) {
        log_set_output(f);
        log_info("calling with %s and %s", c.twilio.auth_token, c.twilio.api_key_secret);
        log_set_output(NULL);
        rewind(f);
        char line[512] = "";
        CHECK(fgets(line, sizeof line, f) != NULL);
        CHECK(strstr(line, "calling with [redacted] and [redacted]\n") != NULL);
        CHECK(strstr(line, "0123456789abcdef") == NULL);
        fclose(f);
    }
    log_clear_secrets();
    config_done(&c);
}

TEST(test_syntax_details)
{
    struct config c;
    config_init(&c);
    /* Indented keys are ordinary keys (no continuation lines); quotes and comments. */
    EXPECT_OK(&c, "[server]\n    port = 9\n\tdatabase = \"my calls.db\"\n"
                  "log_level = WARN ; comment\n# [twilio]\nlisten = 0.0.0.0\n");
    CHECK_INT(c.server.port, 9);
    CHECK_STR(c.server.database, "my calls.db");
    CHECK_INT(c.server.log_level, DT_LOG_WARN);
    CHECK_STR(c.server.listen, "0.0.0.0");
    /* Colon as separator, as inih allows; no newline at the end. */
    EXPECT_OK(&c, "[server]\nport: 10");
    CHECK_INT(c.server.port, 10);
    config_done(&c);
}

int main(void)
{
    RUN(test_defaults);
    RUN(test_every_key);
    RUN(test_structure_errors);
    RUN(test_value_errors);
    RUN(test_counts_and_atomicity);
    RUN(test_env);
    RUN(test_validate);
    RUN(test_permissions);
    RUN(test_example_file);
    RUN(test_register_secrets);
    RUN(test_syntax_details);
    return check_done();
}
