/* Tests for retry: the decision for every category, the attempts' limit, the busy callback,
 * real dictionary entries, and bad arguments. */
#include <string.h>

#include "check.h"
#include "dialtone/errors.h"
#include "dialtone/retry.h"
#include "dialtone/util.h"

static struct errors_entry entry(enum errors_category cat, int retryable, int bad_number)
{
    struct errors_entry e = {.code = 1,
                             .category = cat,
                             .retryable = (unsigned char)retryable,
                             .bad_number = (unsigned char)bad_number,
                             .product = "",
                             .message = "",
                             .action = ""};
    return e;
}

static const struct retry_config policy = {.delay = 30, .max_attempts = 3, .busy_callback = 900};

TEST(defaults)
{
    struct retry_config c;
    retry_config_defaults(&c);
    CHECK_INT(c.delay, 60);
    CHECK_INT(c.max_attempts, 3);
    CHECK_INT(c.busy_callback, 600);
    CHECK_STR(retry_verdict_name(RETRY_NEVER), "never");
    CHECK_STR(retry_verdict_name(RETRY_AGAIN), "retry");
    CHECK_STR(retry_verdict_name(RETRY_CALLBACK), "callback");
    CHECK_STR(retry_verdict_name((enum retry_verdict)42), "never");
}

/* Every category, flagged retryable or not: only the transient ones come back, busy as a
 * callback; bad numbers, declines and cancels never, whatever the flag says. */
TEST(every_category)
{
    for (int cat = 0; cat < DT_ERRCAT_COUNT; cat++) {
        for (int r = 0; r <= 1; r++) {
            struct errors_entry e = entry((enum errors_category)cat, r, 0);
            struct retry_decision d;
            CHECK_INT(retry_decide(&e, 1, 1000, &policy, &d), DT_OK);
            if (cat == DT_ERRCAT_BUSY) {
                CHECK_INT(d.verdict, RETRY_CALLBACK);
                CHECK(d.at_ms == 1000 + 900 * 1000);
                CHECK_STR(d.reason, "busy");
            } else if (cat == DT_ERRCAT_BAD_NUMBER) {
                CHECK_INT(d.verdict, RETRY_NEVER);
                CHECK_STR(d.reason, "bad number");
            } else if (cat == DT_ERRCAT_DECLINED) {
                CHECK_INT(d.verdict, RETRY_NEVER);
                CHECK_STR(d.reason, "declined");
            } else if (cat == DT_ERRCAT_CANCELED) {
                CHECK_INT(d.verdict, RETRY_NEVER);
                CHECK_STR(d.reason, "canceled");
            } else if (r) {
                CHECK_INT(d.verdict, RETRY_AGAIN);
                CHECK(d.at_ms == 1000 + 30 * 1000);
                CHECK_STR(d.reason, "retryable");
            } else {
                CHECK_INT(d.verdict, RETRY_NEVER);
                CHECK_STR(d.reason, "not retryable");
                CHECK(d.at_ms == 0);
            }
        }
    }
}

TEST(bad_number_flag_wins)
{
    struct errors_entry e = entry(DT_ERRCAT_NETWORK, 1, 1);
    struct retry_decision d;
    CHECK_INT(retry_decide(&e, 1, 0, &policy, &d), DT_OK);
    CHECK_INT(d.verdict, RETRY_NEVER);
    CHECK_STR(d.reason, "bad number");
}

TEST(attempts_run_out)
{
    struct errors_entry e = entry(DT_ERRCAT_NETWORK, 1, 0);
    struct errors_entry busy = entry(DT_ERRCAT_BUSY, 1, 0);
    struct retry_decision d;
    CHECK_INT(retry_decide(&e, 2, 0, &policy, &d), DT_OK);
    CHECK_INT(d.verdict, RETRY_AGAIN);
    CHECK_INT(retry_decide(&e, 3, 0, &policy, &d), DT_OK);
    CHECK_INT(d.verdict, RETRY_NEVER);
    CHECK_STR(d.reason, "attempts exhausted");
    CHECK_INT(retry_decide(&busy, 3, 0, &policy, &d), DT_OK);
    CHECK_INT(d.verdict, RETRY_NEVER);
    struct retry_config once = {.delay = 5, .max_attempts = 1, .busy_callback = 5};
    CHECK_INT(retry_decide(&e, 1, 0, &once, &d), DT_OK);
    CHECK_INT(d.verdict, RETRY_NEVER);
}

TEST(busy_without_callbacks)
{
    struct errors_entry busy = entry(DT_ERRCAT_BUSY, 1, 0);
    struct retry_config c = policy;
    c.busy_callback = 0;
    struct retry_decision d;
    CHECK_INT(retry_decide(&busy, 1, 0, &c, &d), DT_OK);
    CHECK_INT(d.verdict, RETRY_NEVER);
    CHECK_STR(d.reason, "busy, callbacks off");
}

/* The compiled dictionary's own entries. */
TEST(real_codes)
{
    struct retry_decision d;
    CHECK_INT(retry_decide(errors_explain(31005), 1, 0, &policy, &d), DT_OK);
    CHECK_INT(d.verdict, RETRY_AGAIN);
    CHECK_INT(retry_decide(errors_explain(31486), 1, 0, &policy, &d), DT_OK);
    CHECK_INT(d.verdict, RETRY_CALLBACK);
    CHECK_INT(retry_decide(errors_explain(13224), 1, 0, &policy, &d), DT_OK);
    CHECK_INT(d.verdict, RETRY_NEVER);
    CHECK_STR(d.reason, "bad number");
    CHECK_INT(retry_decide(errors_explain(31603), 1, 0, &policy, &d), DT_OK);
    CHECK_INT(d.verdict, RETRY_NEVER);
    CHECK_STR(d.reason, "declined");
}

TEST(bad_arguments)
{
    struct errors_entry e = entry(DT_ERRCAT_NETWORK, 1, 0);
    struct retry_decision d;
    CHECK_INT(retry_decide(NULL, 1, 0, &policy, &d), DT_EINVAL);
    CHECK_INT(d.verdict, RETRY_NEVER);
    CHECK_INT(retry_decide(&e, 0, 0, &policy, &d), DT_EINVAL);
    CHECK_INT(retry_decide(&e, 1, -1, &policy, &d), DT_EINVAL);
    CHECK_INT(retry_decide(&e, 1, 0, NULL, &d), DT_EINVAL);
    CHECK_INT(retry_decide(&e, 1, 0, &policy, NULL), DT_EINVAL);
    struct retry_config c = policy;
    c.max_attempts = 0;
    CHECK_INT(retry_decide(&e, 1, 0, &c, &d), DT_EINVAL);
    c.max_attempts = RETRY_MAX_ATTEMPTS + 1;
    CHECK_INT(retry_decide(&e, 1, 0, &c, &d), DT_EINVAL);
    c = policy;
    c.delay = -1;
    CHECK_INT(retry_decide(&e, 1, 0, &c, &d), DT_EINVAL);
    c = policy;
    c.busy_callback = 86401;
    CHECK_INT(retry_decide(&e, 1, 0, &c, &d), DT_EINVAL);
    CHECK_INT(d.verdict, RETRY_NEVER);
}

int main(void)
{
    RUN(defaults);
    RUN(every_category);
    RUN(bad_number_flag_wins);
    RUN(attempts_run_out);
    RUN(busy_without_callbacks);
    RUN(real_codes);
    RUN(bad_arguments);
    return check_done();
}
