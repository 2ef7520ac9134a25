/* Tests for the store's agents, queues and webhook audit log. */
#include <stdlib.h>
#include <string.h>

#include "store_fixture.h"

TEST(roles_and_routing_names)
{
    enum store_role r = DT_ROLE_AGENT;
    CHECK_INT(store_role_parse("supervisor", &r), DT_OK);
    CHECK_INT(r, DT_ROLE_SUPERVISOR);
    CHECK_STR(store_role_name(r), "supervisor");
    CHECK_INT(store_role_parse("Supervisor", &r), DT_EINVAL);
    CHECK_INT(store_role_parse(NULL, &r), DT_EINVAL);
    CHECK_STR(store_role_name((enum store_role)9), "unknown");
    enum store_routing q = DT_STORE_ROUTING_RINGALL;
    CHECK_INT(store_routing_parse("longest-idle", &q), DT_OK);
    CHECK_INT(q, DT_STORE_ROUTING_LONGEST_IDLE);
    CHECK_STR(store_routing_name(DT_STORE_ROUTING_RINGALL), "ringall");
    CHECK_INT(store_routing_parse("round-robin", &q), DT_EINVAL);
}

TEST(agents_add_get_list_state)
{
    struct store *st = fixture_open(NULL);
    if (!st)
        return;
    char err[256];
    int64_t id1 = 0, id2 = 0;
    CHECK_INT(store_agent_add(st, "zoe", DT_ROLE_SUPERVISOR, "sip:zoe@example.com", "h-zoe", 1000,
                              &id1, err, sizeof err),
              DT_OK);
    CHECK_INT(store_agent_add(st, "adam", DT_ROLE_AGENT, "+15551230000", "h-adam", 2000, &id2, err,
                              sizeof err),
              DT_OK);
    CHECK(id1 > 0 && id2 > id1);
    CHECK_INT(
        store_agent_add(st, "zoe", DT_ROLE_AGENT, NULL, "h-other", 3000, NULL, err, sizeof err),
        DT_EEXIST);
    CHECK_INT(
        store_agent_add(st, "eve", DT_ROLE_AGENT, NULL, "h-adam", 3000, NULL, err, sizeof err),
        DT_EEXIST);
    CHECK_INT(store_agent_add(st, "", DT_ROLE_AGENT, NULL, NULL, 3000, NULL, err, sizeof err),
              DT_EINVAL);
    CHECK_INT(store_agent_add(st, "x", (enum store_role)5, NULL, NULL, 3000, NULL, err, sizeof err),
              DT_EINVAL);
    /* Agents without a token yet do not collide with each other. */
    CHECK_INT(store_agent_add(st, "nina", DT_ROLE_AGENT, NULL, NULL, 3000, NULL, err, sizeof err),
              DT_OK);
    CHECK_INT(store_agent_add(st, "omar", DT_ROLE_AGENT, NULL, NULL, 3000, NULL, err, sizeof err),
              DT_OK);

    struct store_agent a;
    CHECK_INT(store_agent_get(st, "zoe", &a, err, sizeof err), DT_OK);
    CHECK_INT(a.id, id1);
    CHECK_INT(a.role, DT_ROLE_SUPERVISOR);
    CHECK_STR(a.endpoint, "sip:zoe@example.com");
    CHECK_STR(a.state, "offline");
    CHECK(a.state_reason == NULL);
    CHECK_INT(a.state_since_ms, 1000);
    CHECK_INT(a.created_ms, 1000);
    store_agent_done(&a);
    store_agent_done(NULL);
    CHECK_INT(store_agent_get_by_token(st, "h-adam", &a, err, sizeof err), DT_OK);
    CHECK_STR(a.name, "adam");
    store_agent_done(&a);
    CHECK_INT(store_agent_get_by_token(st, "h-nobody", &a, err, sizeof err), DT_ENOTFOUND);
    CHECK(a.name == NULL);
    CHECK_INT(store_agent_get(st, "nobody", &a, err, sizeof err), DT_ENOTFOUND);

    /* The state's "since" moves only when the state changes. */
    CHECK_INT(store_agent_set_state(st, "adam", "available", NULL, 5000, err, sizeof err), DT_OK);
    CHECK_INT(store_agent_set_state(st, "adam", "available", "back", 6000, err, sizeof err), DT_OK);
    CHECK_INT(store_agent_get(st, "adam", &a, err, sizeof err), DT_OK);
    CHECK_STR(a.state, "available");
    CHECK_STR(a.state_reason, "back");
    CHECK_INT(a.state_since_ms, 5000);
    store_agent_done(&a);
    CHECK_INT(store_agent_set_state(st, "adam", "unavailable", "lunch", 7000, err, sizeof err),
              DT_OK);
    CHECK_INT(store_agent_get(st, "adam", &a, err, sizeof err), DT_OK);
    CHECK_INT(a.state_since_ms, 7000);
    store_agent_done(&a);
    CHECK_INT(store_agent_set_state(st, "nobody", "available", NULL, 1, err, sizeof err),
              DT_ENOTFOUND);
    CHECK_INT(store_agent_set_state(st, "adam", "", NULL, 1, err, sizeof err), DT_EINVAL);

    struct store_agent_list l;
    CHECK_INT(store_agent_list(st, &l, err, sizeof err), DT_OK);
    CHECK_INT(l.count, 4);
    if (l.count == 4) {
        CHECK_STR(l.items[0].name, "adam");
        CHECK_STR(l.items[1].name, "nina");
        CHECK_STR(l.items[3].name, "zoe");
    }
    store_agent_list_done(&l);
    store_close(st);
}

TEST(queues_upsert_get_list)
{
    struct store *st = fixture_open(NULL);
    if (!st)
        return;
    char err[256];
    struct store_queue q = {.name = "support",
                            .routing = DT_STORE_ROUTING_LONGEST_IDLE,
                            .max_wait_s = 300,
                            .wrapup_s = 30,
                            .reservation_timeout_s = 20};
    CHECK_INT(store_queue_upsert(st, &q, 1000, err, sizeof err), DT_OK);
    q.twilio_sid = "QU0123";
    q.max_wait_s = 120;
    CHECK_INT(store_queue_upsert(st, &q, 2000, err, sizeof err), DT_OK);
    /* A NULL sid keeps the known one. */
    q.twilio_sid = NULL;
    q.routing = DT_STORE_ROUTING_RINGALL;
    CHECK_INT(store_queue_upsert(st, &q, 3000, err, sizeof err), DT_OK);
    struct store_queue got;
    CHECK_INT(store_queue_get(st, "support", &got, err, sizeof err), DT_OK);
    CHECK_STR(got.twilio_sid, "QU0123");
    CHECK_INT(got.routing, DT_STORE_ROUTING_RINGALL);
    CHECK_INT(got.max_wait_s, 120);
    CHECK_INT(got.wrapup_s, 30);
    CHECK_INT(got.reservation_timeout_s, 20);
    CHECK_INT(got.created_ms, 1000);
    CHECK_INT(got.updated_ms, 3000);
    store_queue_done(&got);
    CHECK_INT(store_queue_get(st, "sales", &got, err, sizeof err), DT_ENOTFOUND);

    struct store_queue bad = q;
    bad.reservation_timeout_s = 0;
    CHECK_INT(store_queue_upsert(st, &bad, 1, err, sizeof err), DT_EINVAL);
    bad = q;
    bad.max_wait_s = -1;
    CHECK_INT(store_queue_upsert(st, &bad, 1, err, sizeof err), DT_EINVAL);
    bad = q;
    bad.routing = (enum store_routing)7;
    CHECK_INT(store_queue_upsert(st, &bad, 1, err, sizeof err), DT_EINVAL);
    bad = q;
    bad.name = "";
    CHECK_INT(store_queue_upsert(st, &bad, 1, err, sizeof err), DT_EINVAL);

    q.name = "billing";
    CHECK_INT(store_queue_upsert(st, &q, 4000, err, sizeof err), DT_OK);
    struct store_queue_list l;
    CHECK_INT(store_queue_list(st, &l, err, sizeof err), DT_OK);
    CHECK_INT(l.count, 2);
    if (l.count == 2) {
        CHECK_STR(l.items[0].name, "billing");
        CHECK_STR(l.items[1].name, "support");
    }
    store_queue_list_done(&l);
    store_close(st);
}

TEST(webhook_log_keeps_requests)
{
    struct store *st = fixture_open(NULL);
    if (!st)
        return;
    char err[256];
    static const char body[] = "CallSid=CA1&From=%2B1555&Name=Zo\xc3\xab+%22x%22";
    struct store_webhook w = {.received_ms = 1234,
                              .path = "/twilio/voice",
                              .signature_ok = 0,
                              .remote_addr = "203.0.113.9",
                              .body = body,
                              .body_len = sizeof body - 1};
    int64_t id = 0;
    CHECK_INT(store_webhook_log(st, &w, &id, err, sizeof err), DT_OK);
    CHECK(id > 0);
    CHECK_QUERY(store_db(st), "SELECT body FROM webhook_log", body);
    CHECK_QUERY(store_db(st),
                "SELECT signature_ok || ' ' || path || ' ' || remote_addr "
                "|| ' ' || received_ms FROM webhook_log",
                "0 /twilio/voice 203.0.113.9 1234");
    w.body = NULL;
    w.body_len = 0;
    w.remote_addr = NULL;
    w.signature_ok = 1;
    CHECK_INT(store_webhook_log(st, &w, NULL, err, sizeof err), DT_OK);
    CHECK_QUERY(store_db(st), "SELECT count(*) FROM webhook_log WHERE body = ''", "1");
    w.body = "a\0b";
    w.body_len = 3;
    CHECK_INT(store_webhook_log(st, &w, NULL, err, sizeof err), DT_EINVAL);
    w.body = "x";
    w.body_len = 1;
    w.path = NULL;
    CHECK_INT(store_webhook_log(st, &w, NULL, err, sizeof err), DT_EINVAL);
    CHECK_QUERY(store_db(st), "SELECT count(*) FROM webhook_log", "2");
    store_close(st);
}

int main(void)
{
    if (fixture_init() != 0)
        return 1;
    RUN(roles_and_routing_names);
    RUN(agents_add_get_list_state);
    RUN(queues_upsert_get_list);
    RUN(webhook_log_keeps_requests);
    fixture_done();
    return check_done();
}
