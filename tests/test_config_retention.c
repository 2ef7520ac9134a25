/* Tests for [retention]: its defaults, each key read (0 keeps for ever), values out of range,
 * not whole numbers, duplicated or unknown refused with a message naming file, line and key,
 * a failed load leaving the configuration as it was, and the shipped example's values. */
#include <stdio.h>
#include <stdlib.h>

#include "config_check.h"

#define DAYS_MSG(key) key " must be a whole number of days from 1 to 3650, or 0 to keep for ever"

TEST(test_retention_defaults)
{
    struct config c;
    config_init(&c);
    CHECK_INT(c.retention.events_days, 7);
    CHECK_INT(c.retention.webhook_log_days, 90);
    config_done(&c);
}

TEST(test_retention_keys)
{
    struct config c;
    config_init(&c);
    EXPECT_OK(&c, "[retention]\nevents_days = 1\nwebhook_log_days = 3650\n");
    CHECK_INT(c.retention.events_days, 1);
    CHECK_INT(c.retention.webhook_log_days, 3650);
    EXPECT_OK(&c, "[retention]\n# for ever\nevents_days = 0\nwebhook_log_days = \"0\"\n");
    CHECK_INT(c.retention.events_days, 0);
    CHECK_INT(c.retention.webhook_log_days, 0);
    /* A file that leaves a key out leaves it as it was. */
    EXPECT_OK(&c, "[retention]\nevents_days = 30\n");
    CHECK_INT(c.retention.events_days, 30);
    CHECK_INT(c.retention.webhook_log_days, 0);
    EXPECT_OK(&c, "[retention]\n");
    CHECK_INT(c.retention.events_days, 30);
    config_done(&c);
}

TEST(test_retention_errors)
{
    EXPECT_ERR("[retention]\nevents_days = 3651\n", "t.conf:2: " DAYS_MSG("events_days"));
    EXPECT_ERR("[retention]\n\nwebhook_log_days = -1\n", "t.conf:3: " DAYS_MSG("webhook_log_days"));
    EXPECT_ERR("[retention]\nevents_days = 7d\n", "t.conf:2: " DAYS_MSG("events_days"));
    EXPECT_ERR("[retention]\nevents_days = 1.5\n", "t.conf:2: " DAYS_MSG("events_days"));
    EXPECT_ERR("[retention]\nevents_days =\n", "t.conf:2: " DAYS_MSG("events_days"));
    EXPECT_ERR("[retention]\nevents_days = +7\n", "t.conf:2: " DAYS_MSG("events_days"));
    EXPECT_ERR("[retention]\nevents_days = 99999999999\n", "t.conf:2: " DAYS_MSG("events_days"));
    EXPECT_ERR("[retention]\nevents_days = 7\nevents_days = 8\n",
               "t.conf:3: duplicate key 'events_days' in [retention]");
    EXPECT_ERR("[retention]\ncalls_days = 7\n",
               "t.conf:2: unknown key 'calls_days' in [retention]");
    EXPECT_ERR("[retention]\n[retention]\n", "t.conf:2: duplicate section [retention]");
    EXPECT_ERR("[server]\nevents_days = 7\n", "t.conf:2: unknown key 'events_days' in [server]");

    /* A bad file leaves the configuration as it was. */
    struct config c;
    config_init(&c);
    EXPECT_OK(&c, "[retention]\nevents_days = 3\n");
    CHECK_INT(config_load_string(&c, "t.conf",
                                 "[retention]\nwebhook_log_days = 1\nevents_days = x\n", err,
                                 sizeof err),
              DT_EINVAL);
    CHECK_INT(c.retention.events_days, 3);
    CHECK_INT(c.retention.webhook_log_days, 90);
    config_done(&c);
}

TEST(test_retention_example)
{
    FILE *f = fopen(EXAMPLE, "r");
    CHECK(f != NULL);
    if (!f)
        return;
    static char text[65536];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    CHECK(strstr(text, "\n[retention]\n") != NULL);
    CHECK(strstr(text, "\nevents_days = 7\n") != NULL);
    CHECK(strstr(text, "\nwebhook_log_days = 90\n") != NULL);
    struct config c;
    config_init(&c);
    c.retention.events_days = 1; /* the example's values replace these */
    c.retention.webhook_log_days = 1;
    EXPECT_OK(&c, text);
    CHECK_INT(c.retention.events_days, 7);
    CHECK_INT(c.retention.webhook_log_days, 90);
    config_done(&c);
}

int main(void)
{
    RUN(test_retention_defaults);
    RUN(test_retention_keys);
    RUN(test_retention_errors);
    RUN(test_retention_example);
    return check_done();
}
