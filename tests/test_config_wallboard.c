/*
 * Tests for the wallboard's configuration: the queues' service-level target, short-abandon
 * and long-wait keys with their defaults and ranges, and [wallboard] (day_reset, timezone,
 * falling back to [hours]' zone).
 */
#include "config_check.h"

#include <stdio.h>
#include <string.h>

TEST(test_queue_defaults)
{
    struct config c;
    config_init(&c);
    EXPECT_OK(&c, "[queue \"support\"]\n");
    CHECK_INT(c.n_queues, 1);
    if (c.n_queues == 1) {
        CHECK_INT(c.queues[0].service_level, 20);
        CHECK_INT(c.queues[0].service_level_target, 80);
        CHECK_INT(c.queues[0].short_abandon, 5);
        CHECK_INT(c.queues[0].long_wait, 60);
    }
    CHECK_INT(c.wallboard.day_reset, 0);
    CHECK_STR(c.wallboard.timezone, "");
    CHECK(config_wallboard_zone(&c) == NULL); /* [hours] is UTC */
    config_done(&c);
}

TEST(test_queue_keys)
{
    struct config c;
    config_init(&c);
    EXPECT_OK(&c, "[queue \"sales\"]\n"
                  "service_level = 30\n"
                  "service_level_target = 90\n"
                  "short_abandon = 0\n"
                  "long_wait = 120\n");
    if (c.n_queues == 1) {
        CHECK_INT(c.queues[0].service_level, 30);
        CHECK_INT(c.queues[0].service_level_target, 90);
        CHECK_INT(c.queues[0].short_abandon, 0);
        CHECK_INT(c.queues[0].long_wait, 120);
    }
    config_done(&c);
    EXPECT_ERR("[queue \"q\"]\nservice_level_target = 0\n",
               "t.conf:2: service_level_target must be a whole number from 1 to 100");
    EXPECT_ERR("[queue \"q\"]\nservice_level_target = 101\n",
               "t.conf:2: service_level_target must be a whole number from 1 to 100");
    EXPECT_ERR("[queue \"q\"]\nshort_abandon = -1\n",
               "t.conf:2: short_abandon must be a whole number from 0 to 3600");
    EXPECT_ERR("[queue \"q\"]\nlong_wait = 86401\n",
               "t.conf:2: long_wait must be a whole number from 0 to 86400");
    EXPECT_ERR("[queue \"q\"]\nlong_wait = 5\nlong_wait = 6\n",
               "t.conf:3: duplicate key 'long_wait' in [queue \"q\"]");
}

TEST(test_wallboard_section)
{
    struct config c;
    config_init(&c);
    EXPECT_OK(&c, "[hours]\ntimezone = America/New_York\n"
                  "[wallboard]\nday_reset = 06:30\ntimezone = Europe/London\n");
    CHECK_INT(c.wallboard.day_reset, 6 * 60 + 30);
    CHECK_STR(c.wallboard.timezone, "Europe/London");
    CHECK(c.wallboard.zone != NULL);
    CHECK(config_wallboard_zone(&c) == c.wallboard.zone);
    /* a second load on top keeps a zone of its own (deep copy) */
    EXPECT_OK(&c, "[wallboard]\nday_reset = 23:59\n");
    CHECK_INT(c.wallboard.day_reset, 23 * 60 + 59);
    CHECK(config_wallboard_zone(&c) != NULL);
    config_done(&c);

    config_init(&c);
    EXPECT_OK(&c, "[hours]\ntimezone = America/New_York\n[wallboard]\n");
    CHECK(c.hours.zone != NULL);
    CHECK(config_wallboard_zone(&c) == c.hours.zone); /* [hours]' zone by default */
    config_done(&c);

    config_init(&c);
    EXPECT_OK(&c, "[hours]\ntimezone = America/New_York\n[wallboard]\ntimezone = UTC\n");
    CHECK(config_wallboard_zone(&c) == c.wallboard.zone); /* UTC, not [hours]' */
    CHECK(c.hours.zone != NULL && config_wallboard_zone(&c) != c.hours.zone);
    config_done(&c);
}

TEST(test_wallboard_errors)
{
    const char *msg = "t.conf:2: day_reset must be a time HH:MM from 00:00 to 23:59";
    EXPECT_ERR("[wallboard]\nday_reset = 24:00\n", msg);
    EXPECT_ERR("[wallboard]\nday_reset = 7:00\n", msg);
    EXPECT_ERR("[wallboard]\nday_reset = 07:60\n", msg);
    EXPECT_ERR("[wallboard]\nday_reset = 07:00x\n", msg);
    EXPECT_ERR("[wallboard]\nday_reset =\n", msg);
    EXPECT_ERR("[wallboard]\ntimezone = ../etc\n",
               "t.conf:2: timezone must be a time zone name such as UTC or Europe/London");
    EXPECT_ERR("[wallboard]\nmon = 09:00-17:00\n", "t.conf:2: unknown key 'mon' in [wallboard]");
    EXPECT_ERR("[wallboard]\n[wallboard]\n", "t.conf:2: duplicate section [wallboard]");
}

TEST(test_example_wallboard)
{
    FILE *f = fopen(EXAMPLE, "r");
    CHECK(f != NULL);
    if (!f)
        return;
    static char text[65536];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    struct config c;
    config_init(&c);
    EXPECT_OK(&c, text);
    const struct config_queue *support = config_queue_find(&c, "support");
    CHECK(support != NULL);
    if (support) {
        CHECK_INT(support->service_level_target, 80);
        CHECK_INT(support->short_abandon, 5);
    }
    CHECK_STR(c.wallboard.timezone, "America/New_York");
    CHECK(config_wallboard_zone(&c) != NULL);
    config_done(&c);
}

int main(void)
{
    RUN(test_queue_defaults);
    RUN(test_queue_keys);
    RUN(test_wallboard_section);
    RUN(test_wallboard_errors);
    RUN(test_example_wallboard);
    return check_done();
}
