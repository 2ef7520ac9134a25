/* Tests for the [alerts] section of the config: the defaults (the alerts module's), every key,
 * rules turned off and the budget turned on, the whole set checked, and bad values refused. */
#include "config_check.h"

#include <string.h>

TEST(test_alerts_defaults)
{
    struct config c;
    config_init(&c);
    struct alert_rule r[ALERT_KIND_COUNT];
    size_t n = config_alerts_rules(&c, r), nd;
    const struct alert_rule *d = alerts_default_rules(&nd);
    CHECK_INT(n, nd);
    for (size_t i = 0; i < n && i < nd; i++) {
        CHECK_STR(r[i].name, d[i].name);
        CHECK_INT(r[i].kind, d[i].kind);
        CHECK(r[i].threshold == 0 && r[i].window_s == 0); /* the module's defaults apply */
    }
    CHECK_STR(c.alerts.command, "");
    CHECK_STR(c.alerts.webhook_url, "");
    CHECK_INT(c.alerts.command_timeout, 30);
    /* An existing config without [alerts] is still the defaults. */
    EXPECT_OK(&c, "[server]\nport = 9000\n");
    CHECK_INT(config_alerts_rules(&c, r), nd);
    config_done(&c);
}

TEST(test_alerts_keys)
{
    struct config c;
    config_init(&c);
    EXPECT_OK(&c, "[alerts]\nanswer_rate = 70%\nanswer_rate_clear = 90%\nanswer_rate_window = 60\n"
                  "answer_rate_min_calls = 3\nerror_code = 4\nerror_code_code = 31005\n"
                  "error_code_window = 120\nduration_drop = off\nrecording = 2\n"
                  "recording_window = 600\ndaily_cost = 25.5\ncommand = /usr/bin/true\n"
                  "command_timeout = 5\nwebhook_url = \"https://hooks.example.com/a?b=1\"\n");
    struct alert_rule r[ALERT_KIND_COUNT];
    size_t n = config_alerts_rules(&c, r);
    CHECK_INT(n, 4);
    CHECK_STR(r[0].name, "answer-rate");
    CHECK(r[0].threshold > 0.699 && r[0].threshold < 0.701);
    CHECK(r[0].clear > 0.899 && r[0].clear < 0.901);
    CHECK_INT(r[0].window_s, 60);
    CHECK_INT(r[0].min_calls, 3);
    CHECK_STR(r[1].name, "error-code");
    CHECK_INT(r[1].code, 31005);
    CHECK_INT(r[1].window_s, 120);
    CHECK(r[1].threshold == 4);
    CHECK_STR(r[2].name, "recording");
    CHECK(r[2].threshold == 2);
    CHECK_STR(r[3].name, "daily-cost");
    CHECK(r[3].threshold == 25.5);
    CHECK_STR(c.alerts.command, "/usr/bin/true");
    CHECK_INT(c.alerts.command_timeout, 5);
    CHECK_STR(c.alerts.webhook_url, "https://hooks.example.com/a?b=1");
    /* Every rule off: none at all. */
    EXPECT_OK(&c, "[alerts]\nanswer_rate = off\nerror_code = off\nrecording = off\n"
                  "daily_cost = off\n");
    CHECK_INT(config_alerts_rules(&c, r), 0);
    config_done(&c);
}

TEST(test_alerts_errors)
{
    EXPECT_ERR("[alerts]\nanswer_rate = lots\n",
               "t.conf:2: key 'answer_rate' in [alerts]: expected a threshold (a number, or a "
               "percentage with %, or off)");
    EXPECT_ERR("[alerts]\nanswer_rate_window = -5\n",
               "t.conf:2: key 'answer_rate_window' in [alerts]: expected a value (a number, or "
               "a percentage with %)");
    EXPECT_ERR("[alerts]\nanswer_rate = 80%\nanswer_rate = 70%\n",
               "t.conf:3: duplicate key 'answer_rate' in [alerts]");
    EXPECT_ERR("[alerts]\ncommand = /bin/a\ncommand = /bin/b\n",
               "t.conf:3: duplicate key 'command' in [alerts]");
    EXPECT_ERR("[alerts]\nanswer_rate_colour = red\n",
               "t.conf:2: unknown key 'answer_rate_colour' in [alerts]");
    EXPECT_ERR("[alerts]\ncommand = notify-send\n",
               "t.conf:2: command in [alerts] must be an absolute path without spaces, shorter "
               "than 256 bytes");
    EXPECT_ERR("[alerts]\ncommand = \"/bin/sh -c x\"\n",
               "t.conf:2: command in [alerts] must be an absolute path without spaces, shorter "
               "than 256 bytes");
    EXPECT_ERR("[alerts]\nwebhook_url = ftp://x.example\n",
               "t.conf:2: webhook_url in [alerts] must be an http(s) URL shorter than 192 bytes");
    EXPECT_ERR("[alerts]\ncommand_timeout = 0\n",
               "t.conf:2: command_timeout in [alerts] must be 1-3600 seconds");
    EXPECT_ERR("[alerts]\ncommand_timeout = 99999999999\n",
               "t.conf:2: command_timeout in [alerts] must be 1-3600 seconds");
    EXPECT_ERR("[alerts]\n[alerts]\n", "t.conf:2: duplicate section [alerts]");
    /* The rule as a whole: a clear level on the wrong side of the threshold. */
    struct config c;
    config_init(&c);
    err[0] = '\0';
    CHECK_INT(config_load_string(&c, "t.conf",
                                 "[alerts]\nanswer_rate = 80%\nanswer_rate_clear = "
                                 "50%\n",
                                 err, sizeof err),
              DT_EINVAL);
    CHECK(strstr(err, "[alerts]: rule answer-rate") != NULL);
    /* cfg unchanged after an error */
    struct alert_rule r[ALERT_KIND_COUNT];
    size_t nd;
    alerts_default_rules(&nd);
    CHECK_INT(config_alerts_rules(&c, r), nd);
    config_done(&c);
}

int main(void)
{
    RUN(test_alerts_defaults);
    RUN(test_alerts_keys);
    RUN(test_alerts_errors);
    return check_done();
}
