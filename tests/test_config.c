/* Tests for the config module: defaults, every key, environment overrides, the permission
 * check, validation and the shipped example file. Error messages: test_config_errors.c. */
#include "config_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
    RUN(test_env);
    RUN(test_validate);
    RUN(test_permissions);
    RUN(test_example_file);
    RUN(test_register_secrets);
    RUN(test_syntax_details);
    return check_done();
}
