/*
 * Tests for the [ivr] section of dialtone.conf: keys, prompt, timeout and default; queues
 * named before or after their sections, in any case; where a caller's keys lead; and every
 * way the section can be wrong, each reported with its line.
 */
#include "config_check.h"

#define QUEUES "[queue \"sales\"]\n[queue \"Support\"]\n"

TEST(ivr_defaults_and_routes)
{
    struct config c;
    config_init(&c);
    CHECK_INT(c.ivr.configured, 0);
    CHECK_INT(c.ivr.timeout, 5);
    CHECK(config_ivr_route(&c, "1") == NULL); /* no queue at all */
    EXPECT_OK(&c, QUEUES);
    CHECK_STR(config_ivr_route(&c, NULL), "sales"); /* no menu: the first queue */
    CHECK_STR(config_ivr_route(&c, "2"), "sales");
    config_done(&c);

    config_init(&c);
    EXPECT_OK(&c, "[ivr]\n"
                  "prompt = \"Press 1 for sales; 2 or * for support.\"\n"
                  "timeout = 8\n"
                  "1 = sales\n"
                  "2 = support\n"
                  "* = SUPPORT\n"
                  "default = support\n" QUEUES);
    CHECK_INT(c.ivr.configured, 1);
    CHECK_STR(c.ivr.prompt, "Press 1 for sales; 2 or * for support.");
    CHECK_INT(c.ivr.timeout, 8);
    CHECK_STR(c.ivr.keys[1], "sales");
    CHECK_STR(c.ivr.keys[2], "Support"); /* spelled as its section */
    CHECK_STR(c.ivr.keys[10], "Support");
    CHECK_STR(c.ivr.keys[3], "");
    CHECK_STR(config_ivr_route(&c, "1"), "sales");
    CHECK_STR(config_ivr_route(&c, "2"), "Support");
    CHECK_STR(config_ivr_route(&c, "*"), "Support");
    CHECK_STR(config_ivr_route(&c, "12"), "sales");  /* the first key decides */
    CHECK_STR(config_ivr_route(&c, "7"), "Support"); /* not listed: the default */
    CHECK_STR(config_ivr_route(&c, ""), "Support");
    CHECK_STR(config_ivr_route(&c, "#"), "Support");
    config_done(&c);

    /* without a default, the first queue */
    config_init(&c);
    EXPECT_OK(&c, QUEUES "[ivr]\nprompt = Hi\n2 = support\n");
    CHECK_STR(config_ivr_route(&c, "9"), "sales");
    CHECK_STR(config_ivr_route(&c, "2"), "Support");
    config_done(&c);
}

TEST(ivr_errors)
{
    EXPECT_ERR("[ivr]\n1 = sales\n" QUEUES, "t.conf:1: [ivr] needs a prompt");
    EXPECT_ERR(QUEUES "[ivr]\nprompt = Hi\n",
               "t.conf:3: [ivr] needs at least one key: 1 = QUEUE (keys 0-9 and *)");
    EXPECT_ERR(QUEUES "[ivr]\nprompt = Hi\n1 = sales\n\n2 = billing\n",
               "t.conf:7: key '2' in [ivr] names a queue that has no [queue \"NAME\"] section");
    EXPECT_ERR(QUEUES "[ivr]\nprompt = Hi\n1 = sales\ndefault = nope\n",
               "t.conf:6: default in [ivr] names a queue that has no [queue \"NAME\"] section");
    EXPECT_ERR(QUEUES "[ivr]\nprompt = Hi\n1 = sales\n1 = support\n",
               "t.conf:6: duplicate key '1' in [ivr]");
    EXPECT_ERR(QUEUES "[ivr]\nprompt = Hi\n1 = sales team\n",
               "t.conf:5: key '1' in [ivr] must name a queue: 1-32 letters, digits, '-' or '_'");
    EXPECT_ERR(QUEUES "[ivr]\nprompt = Hi\n1 =\n",
               "t.conf:5: key '1' in [ivr] must name a queue: 1-32 letters, digits, '-' or '_'");
    EXPECT_ERR(QUEUES "[ivr]\nprompt = Hi\n12 = sales\n", "t.conf:5: unknown key '12' in [ivr]");
    EXPECT_ERR(QUEUES "[ivr]\nprompt = Hi\nA = sales\n", "t.conf:5: unknown key 'A' in [ivr]");
    EXPECT_ERR(QUEUES "[ivr]\nprompt = Hi\ntimeout = 0\n1 = sales\n",
               "t.conf:5: timeout must be a whole number from 1 to 60");
    EXPECT_ERR(QUEUES "[ivr]\nprompt = Hi\ntimeout = 61\n1 = sales\n",
               "t.conf:5: timeout must be a whole number from 1 to 60");
    EXPECT_ERR(QUEUES "[ivr]\nprompt =\n1 = sales\n", "t.conf:4: prompt must not be empty");
    EXPECT_ERR(QUEUES "[ivr]\nprompt = a\nprompt = b\n1 = sales\n",
               "t.conf:5: duplicate key 'prompt' in [ivr]");
    EXPECT_ERR(QUEUES "[ivr]\nprompt = a\n1 = sales\n[ivr]\n", "t.conf:6: duplicate section [ivr]");
    EXPECT_ERR(QUEUES "[ivr]\nprompt = a\ndefault = a/b\n1 = sales\n",
               "t.conf:5: default must be a queue name: 1-32 letters, digits, '-' or '_'");
}

TEST(ivr_prompt_length)
{
    char text[400];
    char prompt[DT_CONFIG_PROMPT_SIZE + 1];
    memset(prompt, 'a', sizeof prompt - 1);
    prompt[sizeof prompt - 1] = '\0';
    snprintf(text, sizeof text, QUEUES "[ivr]\n1 = sales\nprompt = %.*s\n",
             DT_CONFIG_PROMPT_SIZE - 1, prompt);
    struct config c;
    config_init(&c);
    EXPECT_OK(&c, text);
    CHECK_INT(strlen(c.ivr.prompt), DT_CONFIG_PROMPT_SIZE - 1);
    config_done(&c);
    /* one byte more fits on a line written tightly, not in the prompt */
    snprintf(text, sizeof text, QUEUES "[ivr]\n1 = sales\nprompt=%s\n", prompt);
    config_init(&c);
    CHECK_INT(config_load_string(&c, "t.conf", text, err, sizeof err), DT_EINVAL);
    CHECK(strstr(err, "t.conf:5: prompt") != NULL);
    config_done(&c);
}

int main(void)
{
    RUN(ivr_defaults_and_routes);
    RUN(ivr_errors);
    RUN(ivr_prompt_length);
    return check_done();
}
