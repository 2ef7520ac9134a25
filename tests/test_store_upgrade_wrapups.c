/*
 * Tests for the store's upgrade to the schema version that gives each agent their own wrap-up
 * of a call (data/migrations/NNNN_agent_wrapups.sql): a database built by the migrations before
 * it, with wrap-ups recorded the old way (one per call, in call_kpi), opens at the latest
 * version with each of them as the wrap-up of the agent who had the call, the calls' own
 * unchanged, and the store records new wrap-ups on it as it does on a new database.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialtone/migrations.h"
#include "dialtone/store_kpi.h"
#include "store_fixture.h"

/* The version of the migration under test, or -1. */
static int upgraded(void)
{
    for (int i = 0; i < migrations_count; i++)
        if (strcmp(migrations_table[i].name, "agent_wrapups") == 0)
            return migrations_table[i].version;
    return -1;
}

/* Builds path at the version before the migration, with call_kpi rows. 0 on success. */
static int build_previous(const char *path, int before)
{
    /* CA1: ann's, wrapped up in 20 s; CA2: bob's, his wrap-up still on; CA3: wrapped up with no
     * agent known; CA4: an agent's wrap-up of 0 (none). */
    return sf_build_before(path, before,
                           "INSERT INTO call_kpi (call_sid, agent, enqueued_ms, connected_ms, "
                           "hold_ms, wrapup_s) VALUES ('CA1', 'ann', 1000, 2000, 500, 20), "
                           "('CA2', 'bob', 1000, 3000, 0, NULL), ('CA3', NULL, 1000, NULL, 0, 5), "
                           "('CA4', 'sue', NULL, 4000, 0, 0)");
}

TEST(upgrade_keeps_wrapups)
{
    int v = upgraded();
    CHECK(v > 1);
    if (v <= 1)
        return;
    char *path = fixture_path();
    CHECK_INT(build_previous(path, v), 0);
    struct store *st = NULL;
    char err[256] = "";
    CHECK_INT(store_open(path, &st, err, sizeof err), DT_OK);
    if (!st) {
        printf("  store_open: %s\n", err);
        free(path);
        return;
    }
    sqlite3 *db = store_db(st);
    CHECK_INT(store_schema_version(st), migrations_table[migrations_count - 1].version);
    CHECK_QUERY(db,
                "SELECT group_concat(call_sid || ':' || agent || ':' || "
                "coalesce(started_ms, '-') || ':' || wrapup_s, ',') FROM "
                "(SELECT * FROM agent_wrapups ORDER BY call_sid)",
                "CA1:ann:-:20,CA4:sue:-:0");
    CHECK_QUERY(db,
                "SELECT group_concat(call_sid || ':' || coalesce(wrapup_s, '-') || ':' || hold_ms, "
                "',') FROM (SELECT * FROM call_kpi ORDER BY call_sid)",
                "CA1:20:500,CA2:-:0,CA3:5:0,CA4:0:0");
    CHECK_QUERY(db, "PRAGMA integrity_check", "ok");

    /* New wrap-ups: bob's ends; sue, who had CA1 from ann, wraps it up too, after ann. */
    CHECK_INT(store_kpi_wrapup_by(st, "CA2", "bob", 7, err, sizeof err), DT_OK);
    CHECK_QUERY(db, "SELECT wrapup_s FROM call_kpi WHERE call_sid = 'CA2'", "7");
    CHECK_INT(store_kpi_wrapup_by(st, "CA1", "sue", 3, err, sizeof err), DT_OK);
    CHECK_QUERY(db, "SELECT wrapup_s FROM call_kpi WHERE call_sid = 'CA1'", "23");
    CHECK_QUERY(db, "SELECT count(*) FROM agent_wrapups", "4");
    store_close(st);

    /* Opened again: nothing more to apply. */
    CHECK_INT(store_open(path, &st, err, sizeof err), DT_OK);
    if (st)
        CHECK_QUERY(store_db(st), "SELECT count(*) FROM agent_wrapups", "4");
    store_close(st);
    free(path);
}

int main(void)
{
    if (fixture_init() != 0)
        return 1;
    RUN(upgrade_keeps_wrapups);
    fixture_done();
    return check_done();
}
