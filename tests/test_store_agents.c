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

static void ev(struct store *st, const char *type, const char *data)
{
    char err[256];
    CHECK_INT(store_event_append(st, type, 1, data, NULL, err, sizeof err), DT_OK);
}

TEST(restart_reads)
{
    char *path = NULL;
    struct store *st = fixture_open(&path);
    char err[256];
    /* offers: CA1 to alice and bob, bob takes it; CA2 to alice, withdrawn; CA3 to alice and
     * carol, open; CA1 offered to alice again later (a new round), open */
    ev(st, "offer.created", "{\"call_sid\":\"CA1\",\"agent\":\"alice\",\"queue\":\"q\"}");
    ev(st, "offer.created", "{\"call_sid\":\"CA1\",\"agent\":\"bob\",\"queue\":\"q\"}");
    ev(st, "offer.created", "{\"call_sid\":\"CA2\",\"agent\":\"alice\",\"queue\":\"q\"}");
    ev(st, "call.assigned", "{\"call_sid\":\"CA1\",\"agent\":\"bob\",\"queue\":\"q\"}");
    ev(st, "offer.withdrawn", "{\"call_sid\":\"CA1\",\"agent\":\"alice\",\"why\":\"taken\"}");
    ev(st, "offer.withdrawn", "{\"call_sid\":\"CA2\",\"agent\":\"alice\"}");
    ev(st, "offer.created",
       "{\"call_sid\":\"CA3\",\"agent\":\"alice\",\"queue\":\"q\",\"mode\":\"ringall\"}");
    ev(st, "offer.created", "{\"call_sid\":\"CA3\",\"agent\":\"carol\",\"queue\":\"q\"}");
    ev(st, "call.updated", "{\"call\":{\"sid\":\"CA3\"},\"agent\":\"carol\"}");
    ev(st, "offer.created", "{\"call_sid\":\"CA1\",\"agent\":\"alice\",\"queue\":\"q\"}");
    struct store_open_offers l;
    CHECK_INT(store_offers_open(st, &l, err, sizeof err), DT_OK);
    CHECK_INT(l.count, 3);
    if (l.count == 3) {
        CHECK_STR(l.items[0].call_sid, "CA1");
        CHECK_STR(l.items[0].agent, "alice");
        CHECK_STR(l.items[1].call_sid, "CA3");
        CHECK_STR(l.items[1].agent, "alice");
        CHECK_STR(l.items[1].mode, "ringall");
        CHECK_STR(l.items[2].agent, "carol");
        CHECK(l.items[2].mode == NULL);
    }
    store_open_offers_done(&l);
    store_open_offers_done(NULL);

    /* the last call.assigned of bob */
    const char *types[] = {"call.assigned", "call.dialing"};
    struct store_agent_event e;
    CHECK_INT(store_agent_last_event(st, "bob", types, 2, &e, err, sizeof err), DT_OK);
    CHECK_STR(e.type, "call.assigned");
    CHECK(e.data && strstr(e.data, "\"CA1\""));
    store_agent_event_done(&e);
    ev(st, "call.dialing", "{\"call_sid\":\"CA9\",\"agent\":\"bob\",\"conference\":\"out-1\"}");
    CHECK_INT(store_agent_last_event(st, "bob", types, 2, &e, err, sizeof err), DT_OK);
    CHECK_STR(e.type, "call.dialing");
    store_agent_event_done(&e);
    CHECK_INT(store_agent_last_event(st, "bob", types, 1, &e, err, sizeof err), DT_OK);
    CHECK_STR(e.type, "call.assigned");
    store_agent_event_done(&e);
    CHECK_INT(store_agent_last_event(st, "carol", types, 2, &e, err, sizeof err), DT_ENOTFOUND);
    CHECK(e.type == NULL);
    CHECK_INT(store_agent_last_event(st, "bob", types, 0, &e, err, sizeof err), DT_EINVAL);
    CHECK_INT(store_agent_last_event(st, "", types, 1, &e, err, sizeof err), DT_EINVAL);

    /* data_version moves when another connection commits, not for our own writes */
    int64_t v1, v2, v3;
    CHECK_INT(store_data_version(st, &v1, err, sizeof err), DT_OK);
    CHECK_INT(store_agent_add(st, "dave", DT_ROLE_AGENT, NULL, NULL, 1, NULL, err, sizeof err),
              DT_OK);
    CHECK_INT(store_data_version(st, &v2, err, sizeof err), DT_OK);
    CHECK_INT(v2, v1);
    struct store *other = NULL;
    CHECK_INT(store_open(path, &other, err, sizeof err), DT_OK);
    CHECK_INT(store_agent_remove(other, "dave", err, sizeof err), DT_OK);
    store_close(other);
    CHECK_INT(store_data_version(st, &v3, err, sizeof err), DT_OK);
    CHECK(v3 != v2);
    store_close(st);
    free(path);
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
    RUN(restart_reads);
    fixture_done();
    return check_done();
}
