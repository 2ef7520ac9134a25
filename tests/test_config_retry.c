/* Tests for [retry]: its defaults, each key read, and values out of range or duplicated refused
 * with a message naming the key. */
#include "config_check.h"

TEST(test_retry_defaults)
{
    struct config c;
    config_init(&c);
    CHECK_INT(c.retry.policy.delay, 60);
    CHECK_INT(c.retry.policy.max_attempts, 3);
    CHECK_INT(c.retry.policy.busy_callback, 600);
    CHECK_INT(c.retry.flag_after, 3);
    config_done(&c);
}

TEST(test_retry_keys)
{
    struct config c;
    config_init(&c);
    EXPECT_OK(&c, "[retry]\ndelay = 5\nmax_attempts = 4\nbusy_callback = 0\nflag_after = 10\n");
    CHECK_INT(c.retry.policy.delay, 5);
    CHECK_INT(c.retry.policy.max_attempts, 4);
    CHECK_INT(c.retry.policy.busy_callback, 0);
    CHECK_INT(c.retry.flag_after, 10);
    config_done(&c);
}

TEST(test_retry_errors)
{
    EXPECT_ERR("[retry]\nmax_attempts = 0\n",
               "t.conf:2: max_attempts must be a whole number from 1 to 20");
    EXPECT_ERR("[retry]\ndelay = -1\n", "t.conf:2: delay must be a whole number from 0 to 86400");
    EXPECT_ERR("[retry]\nflag_after = lots\n",
               "t.conf:2: flag_after must be a whole number from 0 to 100");
    EXPECT_ERR("[retry]\nbusy_callback = 86401\n",
               "t.conf:2: busy_callback must be a whole number from 0 to 86400");
}

int main(void)
{
    RUN(test_retry_defaults);
    RUN(test_retry_keys);
    RUN(test_retry_errors);
    return check_done();
}
