/* Tests for the budget and price keys of [alerts]: their defaults, each read, and bad values,
 * duplicates and signs refused with a message naming the key. */
#include "config_check.h"

TEST(test_budget_defaults)
{
    struct config c;
    config_init(&c);
    CHECK(c.alerts.monthly_budget_micros == 0);
    CHECK_INT(c.alerts.stop_outbound_over_budget, 0);
    CHECK(c.alerts.price_delay_ms == 60000);
    config_done(&c);
}

TEST(test_budget_keys)
{
    struct config c;
    config_init(&c);
    EXPECT_OK(&c, "[alerts]\nmonthly_budget = 250.50\nstop_outbound_over_budget = yes\n"
                  "price_delay = 0.25\n");
    CHECK(c.alerts.monthly_budget_micros == 250500000);
    CHECK_INT(c.alerts.stop_outbound_over_budget, 1);
    CHECK(c.alerts.price_delay_ms == 250);
    EXPECT_OK(&c, "[alerts]\nstop_outbound_over_budget = no\nprice_delay = 0\n");
    CHECK_INT(c.alerts.stop_outbound_over_budget, 0);
    CHECK(c.alerts.price_delay_ms == 0);
    CHECK(c.alerts.monthly_budget_micros == 250500000); /* kept from the first file */
    config_done(&c);
}

TEST(test_budget_errors)
{
    EXPECT_ERR("[alerts]\nmonthly_budget = 0\n",
               "t.conf:2: monthly_budget in [alerts] must be an amount over 0, such as 250.00");
    EXPECT_ERR("[alerts]\nmonthly_budget = -5\n",
               "t.conf:2: monthly_budget in [alerts] must be an amount over 0, such as 250.00");
    EXPECT_ERR("[alerts]\nmonthly_budget = 12abc\n",
               "t.conf:2: monthly_budget in [alerts] must be an amount over 0, such as 250.00");
    EXPECT_ERR("[alerts]\nstop_outbound_over_budget = maybe\n",
               "t.conf:2: stop_outbound_over_budget in [alerts] must be yes or no");
    EXPECT_ERR("[alerts]\nprice_delay = 3601\n",
               "t.conf:2: price_delay in [alerts] must be 0-3600 seconds");
    EXPECT_ERR("[alerts]\nprice_delay = -1\n",
               "t.conf:2: price_delay in [alerts] must be 0-3600 seconds");
    EXPECT_ERR("[alerts]\nmonthly_budget = 5\nmonthly_budget = 6\n",
               "t.conf:3: duplicate key 'monthly_budget' in [alerts]");
    EXPECT_ERR("[alerts]\nmonthly_budgets = 5\n",
               "t.conf:2: unknown key 'monthly_budgets' in [alerts]");
}

int main(void)
{
    RUN(test_budget_defaults);
    RUN(test_budget_keys);
    RUN(test_budget_errors);
    return check_done();
}
