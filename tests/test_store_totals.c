/* Tests for store_totals: a customer's call counts once whatever legs it has; its legs are
 * counted apart, by kind (an agent's, a supervisor's in a call that is not theirs, a transfer
 * party's) and status, so that a failed agent's leg shows without a second call. */
#include "store_fixture.h"

#include "dialtone/store_totals.h"

static char err[256];

static void exec(struct store *st, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(store_db(st), sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        printf("  %s: %s\n", sql, msg ? msg : "");
    sqlite3_free(msg);
    CHECK_INT(rc, SQLITE_OK);
}

TEST(test_calls_once_legs_apart)
{
    struct store *st = fixture_open(NULL);
    struct store_totals t;
    CHECK_INT(store_totals_read(st, &t, err, sizeof err), DT_OK);
    CHECK_INT(t.calls[DT_CALL_COMPLETED], 0);
    CHECK_INT(t.calls_none, 0);
    exec(st, "INSERT INTO agents (name, role, endpoint, state_since_ms, token_hash, created_ms) "
             "VALUES ('alice', 'agent', 'client:alice', 0, 'h1', 0), "
             "('boss', 'supervisor', 'client:boss', 0, 'h2', 0), "
             "('sue', 'supervisor', 'client:sue', 0, 'h3', 0)");
    /* CA1: a customer's call that failed, with alice's leg failed too (one failure, not two);
     * CA2: completed, alice's leg, boss listening in, a transfer party, and a leg whose
     * callback carried no status yet; CA3: taken by sue, a supervisor, as its agent; CA4: no
     * status yet. */
    exec(st, "INSERT INTO calls (sid, parent_sid, agent, status, created_ms, updated_ms) VALUES "
             "('CA1', NULL, 'alice', 'failed', 1, 0), ('CL1', 'CA1', 'alice', 'failed', 1, 0), "
             "('CA2', NULL, 'alice', 'completed', 2, 0), "
             "('CL2', 'CA2', 'alice', 'completed', 2, 0), "
             "('CL3', 'CA2', 'boss', 'completed', 2, 0), "
             "('CL4', 'CA2', NULL, 'busy', 2, 0), ('CL5', 'CA2', 'alice', NULL, 2, 0), "
             "('CA3', NULL, 'sue', 'completed', 3, 0), ('CL6', 'CA3', 'sue', 'completed', 3, 0), "
             "('CA4', NULL, NULL, NULL, 4, 0)");
    CHECK_INT(store_totals_read(st, &t, err, sizeof err), DT_OK);
    CHECK_INT(t.calls[DT_CALL_FAILED], 1);
    CHECK_INT(t.calls[DT_CALL_COMPLETED], 2);
    CHECK_INT(t.calls[DT_CALL_BUSY], 0);
    CHECK_INT(t.calls_none, 1);
    CHECK_INT(t.legs[STORE_LEG_AGENT][DT_CALL_FAILED], 1);
    CHECK_INT(t.legs[STORE_LEG_AGENT][DT_CALL_COMPLETED], 2); /* alice's and sue's own */
    CHECK_INT(t.legs_none[STORE_LEG_AGENT], 1);
    CHECK_INT(t.legs[STORE_LEG_SUPERVISOR][DT_CALL_COMPLETED], 1);
    CHECK_INT(t.legs[STORE_LEG_PARTY][DT_CALL_BUSY], 1);
    CHECK_INT(t.legs[STORE_LEG_PARTY][DT_CALL_COMPLETED], 0);
    int64_t sum = t.calls_none;
    for (int i = 0; i < DT_CALL_STATUS_COUNT; i++)
        sum += t.calls[i];
    CHECK_INT(sum, 4); /* four customers' calls, whatever their legs */
    CHECK_STR(store_leg_kind_name(STORE_LEG_SUPERVISOR), "supervisor");
    CHECK_STR(store_leg_kind_name(STORE_LEG_KINDS), "unknown");
    store_close(st);
}

int main(void)
{
    if (fixture_init() != 0)
        return 1;
    RUN(test_calls_once_legs_apart);
    fixture_done();
    return check_done();
}
