/*
 * test_store_legs: a call's agent and its legs (store_call_assign, store_call_legs), and
 * history leaving legs out on request while its plans still seek an index.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "dialtone/store.h"
#include "dialtone/store_legs.h"
#include "dialtone/util.h"
#include "store_fixture.h"

#define T0     1700000000000LL
#define CALL   "CA10000000000000000000000000000001"
#define LEG1   "CA20000000000000000000000000000001"
#define LEG2   "CA20000000000000000000000000000002"
#define PARTY  "CA30000000000000000000000000000001"
#define OTHER  "CA10000000000000000000000000000002"
#define STATUS "CallStatus=in-progress"

static void inbound(struct store *st, const char *sid, const char *to, int64_t ts)
{
    struct store_call_update u;
    store_call_update_init(&u);
    u.sid = sid;
    u.type = "voice";
    u.status = "in-progress";
    u.ts_ms = ts;
    u.direction = "inbound";
    u.from = "+15550001111";
    u.to = to;
    u.payload = STATUS;
    u.payload_len = strlen(STATUS);
    char err[256] = "";
    CHECK_INT(store_call_apply(st, &u, NULL, err, sizeof err), DT_OK);
}

static char *agent_of(struct store *st, const char *sid)
{
    char *sql = xasprintf("SELECT agent FROM calls WHERE sid = '%s'", sid);
    char *v = fixture_query(store_db(st), sql);
    free(sql);
    return v;
}

TEST(assign_sets_agent_and_marks_legs)
{
    struct store *st = fixture_open(NULL);
    if (!st)
        return;
    char err[256] = "";
    inbound(st, CALL, "+14155550100", T0);
    CHECK_INT(store_call_assign(st, CALL, "alice", LEG1, 1, T0 + 10, err, sizeof err), DT_OK);
    char *a = agent_of(st, CALL);
    CHECK_STR(a, "alice");
    free(a);
    struct store_call c;
    CHECK_INT(store_call_get(st, LEG1, &c, err, sizeof err), DT_OK);
    CHECK_STR(c.parent_sid, CALL);
    CHECK_STR(c.agent, "alice");
    store_call_done(&c);
    /* The same millisecond twice, to another agent: neither assignment is lost. */
    CHECK_INT(store_call_assign(st, CALL, "bob", LEG2, 1, T0 + 10, err, sizeof err), DT_OK);
    a = agent_of(st, CALL);
    CHECK_STR(a, "bob");
    free(a);
    CHECK_INT(store_call_assign(st, CALL, NULL, PARTY, 0, T0 + 20, err, sizeof err), DT_OK);
    a = agent_of(st, CALL);
    CHECK_STR(a, "bob"); /* a party that is no agent leaves the last agent */
    free(a);
    CHECK_INT(store_call_assign(st, CALL, "alice", LEG1, 1, T0 + 30, err, sizeof err), DT_OK);
    char *n = fixture_query(store_db(st), "SELECT count(*) FROM call_events WHERE call_sid = '" CALL
                                          "' AND type = 'assign'");
    CHECK_STR(n, "3");
    free(n);
    struct store_call_list l;
    CHECK_INT(store_call_legs(st, CALL, &l, err, sizeof err), DT_OK);
    CHECK_INT((long)l.count, 3);
    if (l.count == 3) {
        CHECK_STR(l.items[0].sid, LEG1);
        CHECK_STR(l.items[1].sid, LEG2);
        CHECK_STR(l.items[2].sid, PARTY);
        CHECK(l.items[2].agent == NULL);
    }
    store_call_list_done(&l);
    CHECK_INT(store_call_legs(st, OTHER, &l, err, sizeof err), DT_OK);
    CHECK_INT((long)l.count, 0);
    store_call_list_done(&l);
    store_close(st);
}

TEST(assign_rejects_bad_input)
{
    struct store *st = fixture_open(NULL);
    if (!st)
        return;
    char err[256] = "", big[STORE_SID_MAX + 2];
    memset(big, 'C', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    CHECK_INT(store_call_assign(st, NULL, "alice", LEG1, 1, T0, err, sizeof err), DT_EINVAL);
    CHECK_INT(store_call_assign(st, "", "alice", LEG1, 1, T0, err, sizeof err), DT_EINVAL);
    CHECK_INT(store_call_assign(st, CALL, NULL, NULL, 1, T0, err, sizeof err), DT_EINVAL);
    CHECK_INT(store_call_assign(st, CALL, "alice", CALL, 1, T0, err, sizeof err), DT_EINVAL);
    CHECK_INT(store_call_assign(st, big, "alice", NULL, 1, T0, err, sizeof err), DT_ETOOBIG);
    CHECK_INT(store_call_assign(st, CALL, "alice", big, 1, T0, err, sizeof err), DT_ETOOBIG);
    char *n = fixture_query(store_db(st), "SELECT count(*) FROM calls");
    CHECK_STR(n, "0");
    free(n);
    struct store_call_list l;
    CHECK_INT(store_call_legs(st, "", &l, err, sizeof err), DT_EINVAL);
    CHECK(l.count == 0 && l.items == NULL);
    /* Names with quotes stay data: the payload is JSON SQLite composed. */
    CHECK_INT(store_call_assign(st, CALL, "a\"b'c", LEG1, 1, T0, err, sizeof err), DT_OK);
    n = fixture_query(store_db(st), "SELECT json_extract(payload, '$.agent') FROM call_events "
                                    "WHERE type = 'assign'");
    CHECK_STR(n, "a\"b'c");
    free(n);
    store_close(st);
}

TEST(history_leaves_legs_out_on_request)
{
    struct store *st = fixture_open(NULL);
    if (!st)
        return;
    char err[256] = "";
    inbound(st, CALL, "+14155550100", T0);
    inbound(st, LEG1, "client:alice", T0 + 5);
    inbound(st, OTHER, "+14155550100", T0 + 9);
    CHECK_INT(store_call_assign(st, CALL, "alice", LEG1, 1, T0 + 10, err, sizeof err), DT_OK);
    struct store_history_filter f = {.agent = "alice"};
    struct store_call_list l;
    CHECK_INT(store_history(st, &f, NULL, 10, &l, NULL, NULL, err, sizeof err), DT_OK);
    CHECK_INT((long)l.count, 2); /* legs included by default */
    store_call_list_done(&l);
    f.no_legs = 1;
    CHECK_INT(store_history(st, &f, NULL, 10, &l, NULL, NULL, err, sizeof err), DT_OK);
    CHECK_INT((long)l.count, 1);
    if (l.count == 1)
        CHECK_STR(l.items[0].sid, CALL);
    store_call_list_done(&l);
    struct store_history_filter all = {.no_legs = 1};
    int more = 0;
    struct store_cursor next;
    CHECK_INT(store_history(st, &all, NULL, 1, &l, &more, &next, err, sizeof err), DT_OK);
    CHECK(l.count == 1 && more == 1 && strcmp(l.items[0].sid, OTHER) == 0);
    store_call_list_done(&l);
    CHECK_INT(store_history(st, &all, &next, 5, &l, &more, NULL, err, sizeof err), DT_OK);
    CHECK(l.count == 1 && more == 0 && strcmp(l.items[0].sid, CALL) == 0);
    store_call_list_done(&l);
    struct store_history_filter num = {.number = "client:alice", .no_legs = 1};
    CHECK_INT(store_history(st, &num, NULL, 5, &l, NULL, NULL, err, sizeof err), DT_OK);
    CHECK_INT((long)l.count, 0);
    store_call_list_done(&l);
    num.no_legs = 0;
    CHECK_INT(store_history(st, &num, NULL, 5, &l, NULL, NULL, err, sizeof err), DT_OK);
    CHECK_INT((long)l.count, 1);
    store_call_list_done(&l);
    /* The leg filter is tested on the rows a seek reads: the plan is still an index seek. */
    char *plan = NULL;
    CHECK_INT(store_history_explain(st, &f, NULL, &plan, err, sizeof err), DT_OK);
    CHECK(plan && strstr(plan, "SEARCH calls USING INDEX calls_agent") != NULL);
    CHECK(plan && strstr(plan, "TEMP B-TREE") == NULL);
    free(plan);
    store_close(st);
}

/* A call the daemon has just placed knows its number and direction before Twilio's first
 * callback, which keeps them; the agent's leg is listed as with an assignment. */
TEST(dialed_call_knows_its_number_at_once)
{
    struct store *st = fixture_open(NULL);
    if (!st)
        return;
    char err[256] = "";
    CHECK_INT(store_call_dialed(st, CALL, "alice", LEG1, "+15550002222", T0, err, sizeof err),
              DT_OK);
    CHECK_QUERY(store_db(st),
                "SELECT to_number || ' ' || direction || ' ' || agent FROM calls WHERE sid = '" CALL
                "'",
                "+15550002222 outbound-api alice");
    CHECK_QUERY(store_db(st), "SELECT parent_sid FROM calls WHERE sid = '" LEG1 "'", CALL);
    /* the first status callback, with its own view of the same call */
    struct store_call_update u;
    store_call_update_init(&u);
    u.sid = CALL;
    u.type = "status";
    u.status = "ringing";
    u.seq = 0;
    u.ts_ms = T0 + 50;
    u.direction = "outbound-api";
    u.from = "+15550001111";
    u.to = "+15550002222";
    u.payload = STATUS;
    u.payload_len = strlen(STATUS);
    CHECK_INT(store_call_apply(st, &u, NULL, err, sizeof err), DT_OK);
    CHECK_QUERY(
        store_db(st),
        "SELECT to_number || ' ' || from_number || ' ' || status FROM calls WHERE sid = '" CALL "'",
        "+15550002222 +15550001111 ringing");
    /* no number, or no agent: refused, nothing stored */
    CHECK_INT(store_call_dialed(st, OTHER, "alice", NULL, NULL, T0, err, sizeof err), DT_EINVAL);
    CHECK_INT(store_call_dialed(st, OTHER, NULL, NULL, "+15550002222", T0, err, sizeof err),
              DT_EINVAL);
    CHECK_QUERY(store_db(st), "SELECT count(*) FROM calls WHERE sid = '" OTHER "'", "0");
    store_close(st);
}

int main(void)
{
    if (fixture_init() != 0)
        return 1;
    RUN(assign_sets_agent_and_marks_legs);
    RUN(assign_rejects_bad_input);
    RUN(history_leaves_legs_out_on_request);
    RUN(dialed_call_knows_its_number_at_once);
    fixture_done();
    return check_done();
}
