/* Tests for agents (tokens, hashes, endpoints) and store_agents (queues, token, remove). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dialtone/agents.h"
#include "dialtone/store_agents.h"
#include "store_fixture.h"

TEST(token_is_random_base64url)
{
    char a[AGENTS_TOKEN_SIZE], b[AGENTS_TOKEN_SIZE];
    CHECK_INT(agents_token_new(a, NULL, 0), DT_OK);
    CHECK_INT(agents_token_new(b, NULL, 0), DT_OK);
    CHECK_INT(strlen(a), 46);
    CHECK(strncmp(a, "dt_", 3) == 0);
    CHECK(strcmp(a, b) != 0);
    CHECK(strspn(a + 3, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == 43);
}

TEST(token_hash_is_sha256_hex)
{
    char h[AGENTS_HASH_SIZE];
    CHECK_INT(agents_token_hash("abc", 3, h), DT_OK);
    CHECK_STR(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK_INT(agents_token_hash("", 0, h), DT_EINVAL);
    CHECK_STR(h, "");
    CHECK_INT(agents_token_hash("a\0b", 3, h), DT_EINVAL);
    char big[AGENTS_TOKEN_MAX + 2];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    CHECK_INT(agents_token_hash(big, strlen(big), h), DT_EINVAL);
    CHECK_INT(agents_token_hash(big, AGENTS_TOKEN_MAX, h), DT_OK);
}

TEST(endpoints)
{
    char err[128];
    static const char *const good[] = {"+15551230000", "sip:alice@pbx.example.com", "client:alice",
                                       "client:a.b-c_d@e"};
    static const char *const bad[] = {
        "",       "+0555123",  "+1555",   "15551230000", "+1555123000a", "sip:",      "sip:@host",
        "sip:a@", "sip:a b@h", "client:", "client:a b",  "client:a/b",   "tel:+1555", "http://x"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        CHECK_INT(agents_endpoint_check(good[i], err, sizeof err), DT_OK);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_INT(agents_endpoint_check(bad[i], err, sizeof err), DT_EINVAL);
    CHECK_INT(agents_endpoint_check(NULL, err, sizeof err), DT_EINVAL);
}

TEST(queues_set_read_replace)
{
    struct store *st = fixture_open(NULL);
    char err[256], *qs = NULL;
    CHECK_INT(
        store_agent_add(st, "alice", DT_ROLE_AGENT, "+15551230000", "h1", 1, NULL, err, sizeof err),
        DT_OK);
    const char *q1[] = {"support", "sales", "support"};
    CHECK_INT(store_agent_set_queues(st, "alice", q1, 3, err, sizeof err), DT_OK);
    CHECK_INT(store_agent_queues(st, "alice", &qs, err, sizeof err), DT_OK);
    CHECK_STR(qs, "sales,support");
    free(qs);
    CHECK_INT(store_agent_in_queue(st, "alice", "sales", err, sizeof err), 1);
    CHECK_INT(store_agent_in_queue(st, "alice", "billing", err, sizeof err), 0);
    CHECK_INT(store_agent_in_queue(st, "bob", "sales", err, sizeof err), 0);
    const char *q2[] = {"billing", "bad name"};
    CHECK_INT(store_agent_set_queues(st, "alice", q2, 2, err, sizeof err), DT_EINVAL);
    CHECK_INT(store_agent_queues(st, "alice", &qs, err, sizeof err), DT_OK);
    CHECK_STR(qs, "sales,support"); /* all or nothing */
    free(qs);
    CHECK_INT(store_agent_set_queues(st, "alice", q2, 1, err, sizeof err), DT_OK);
    CHECK_INT(store_agent_queues(st, "alice", &qs, err, sizeof err), DT_OK);
    CHECK_STR(qs, "billing");
    free(qs);
    CHECK_INT(store_agent_set_queues(st, "alice", NULL, 0, err, sizeof err), DT_OK);
    CHECK_INT(store_agent_queues(st, "alice", &qs, err, sizeof err), DT_OK);
    CHECK_STR(qs, "");
    free(qs);
    CHECK_INT(store_agent_set_queues(st, "nobody", q1, 1, err, sizeof err), DT_ENOTFOUND);
    CHECK_INT(store_agent_queues(st, "nobody", &qs, err, sizeof err), DT_ENOTFOUND);
    CHECK(qs == NULL);
    const char *many[STORE_AGENT_QUEUES_MAX + 1];
    for (size_t i = 0; i <= STORE_AGENT_QUEUES_MAX; i++)
        many[i] = "q";
    CHECK_INT(
        store_agent_set_queues(st, "alice", many, STORE_AGENT_QUEUES_MAX + 1, err, sizeof err),
        DT_EINVAL);
    CHECK(!store_queue_name_ok("") && !store_queue_name_ok("a;b") && store_queue_name_ok("a-b_1"));
    CHECK(!store_queue_name_ok("123456789012345678901234567890123"));
    store_close(st);
}

TEST(token_and_remove)
{
    struct store *st = fixture_open(NULL);
    char err[256];
    struct store_agent a;
    CHECK_INT(store_agent_add(st, "alice", DT_ROLE_AGENT, NULL, "h1", 1, NULL, err, sizeof err),
              DT_OK);
    CHECK_INT(store_agent_add(st, "bob", DT_ROLE_SUPERVISOR, NULL, "h2", 1, NULL, err, sizeof err),
              DT_OK);
    CHECK_INT(store_agent_set_token(st, "alice", "h3", err, sizeof err), DT_OK);
    CHECK_INT(store_agent_get_by_token(st, "h1", &a, err, sizeof err), DT_ENOTFOUND);
    CHECK_INT(store_agent_get_by_token(st, "h3", &a, err, sizeof err), DT_OK);
    CHECK_STR(a.name, "alice");
    store_agent_done(&a);
    CHECK_INT(store_agent_set_token(st, "alice", "h2", err, sizeof err), DT_EEXIST);
    CHECK_INT(store_agent_set_token(st, "nobody", "h9", err, sizeof err), DT_ENOTFOUND);
    const char *q[] = {"support"};
    CHECK_INT(store_agent_set_queues(st, "alice", q, 1, err, sizeof err), DT_OK);
    CHECK_INT(store_agent_remove(st, "alice", err, sizeof err), DT_OK);
    CHECK_INT(store_agent_get(st, "alice", &a, err, sizeof err), DT_ENOTFOUND);
    CHECK_QUERY(store_db(st), "SELECT count(*) FROM agent_queues", "0");
    CHECK_INT(store_agent_remove(st, "alice", err, sizeof err), DT_ENOTFOUND);
    CHECK_INT(store_agent_remove(st, "", err, sizeof err), DT_EINVAL);
    CHECK_INT(store_agent_get(st, "bob", &a, err, sizeof err), DT_OK);
    store_agent_done(&a);
    store_close(st);
}

int main(void)
{
    if (fixture_init() != 0)
        return 1;
    RUN(token_is_random_base64url);
    RUN(token_hash_is_sha256_hex);
    RUN(endpoints);
    RUN(queues_set_read_replace);
    RUN(token_and_remove);
    fixture_done();
    return check_done();
}
