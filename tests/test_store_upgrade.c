/*
 * Tests for the store's upgrade to schema version 6 (data/migrations/0006_unused_indexes.sql):
 * a database built by the migrations before it, with calls, their events and the audit log in
 * it, opens at the latest version with every row as it was, without the two indexes no query
 * reads by, and the store keeps working on it. And a big index built in one transaction, as a
 * migration does, works under the store's settings of SQLite.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialtone/migrations.h"
#include "store_fixture.h"

#define UPGRADED 6 /* the migration under test */

/* Builds path at schema version UPGRADED - 1, as an older dialtone left it. 0 on success. */
static int build_previous(const char *path)
{
    return sf_build_before(
        path, UPGRADED,
        "INSERT INTO calls (sid, parent_sid, direction, from_number, status, status_seq, "
        "created_ms, updated_ms) VALUES ('CAold1', NULL, 'inbound', '+15550001', "
        "'completed', 3, 1000, 2000), ('CAold2', 'CAold1', 'outbound-dial', '+15550002', "
        "'in-progress', 1, 1500, 1600); "
        "INSERT INTO call_events (call_sid, type, status, seq, ts_ms, payload) VALUES "
        "('CAold1', 'status', 'completed', 3, 2000, 'CallSid=CAold1&x=%00y'); "
        "INSERT INTO webhook_log (received_ms, path, signature_ok, body) VALUES "
        "(2000, '/twilio/status', 1, 'CallSid=CAold1')");
}

TEST(upgrade_keeps_rows_drops_indexes)
{
    CHECK(migrations_count > 0 && migrations_table[migrations_count - 1].version >= UPGRADED);
    char *path = fixture_path();
    CHECK_INT(build_previous(path), 0);
    struct store *st = NULL;
    char err[256] = "";
    CHECK_INT(store_open(path, &st, err, sizeof err), DT_OK);
    if (!st) {
        free(path);
        return;
    }
    sqlite3 *db = store_db(st);
    CHECK_INT(store_schema_version(st), migrations_table[migrations_count - 1].version);
    CHECK_QUERY(db,
                "SELECT count(*) FROM sqlite_schema WHERE name IN ('calls_parent', "
                "'webhook_log_received')",
                "0");
    /* The indexes the history reads by are still there. */
    CHECK_QUERY(db,
                "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name IN "
                "('calls_created', 'calls_status', 'calls_direction', 'calls_from', 'calls_to', "
                "'calls_agent', 'calls_queue', 'calls_conference_sid')",
                "8");
    CHECK_QUERY(db,
                "SELECT group_concat(sid || ':' || status || ':' || status_seq, ',') FROM "
                "(SELECT * FROM calls ORDER BY sid)",
                "CAold1:completed:3,CAold2:in-progress:1");
    CHECK_QUERY(db, "SELECT parent_sid FROM calls WHERE sid = 'CAold2'", "CAold1");
    CHECK_QUERY(db, "SELECT payload FROM call_events WHERE call_sid = 'CAold1'",
                "CallSid=CAold1&x=%00y");
    CHECK_QUERY(db, "SELECT body FROM webhook_log", "CallSid=CAold1");
    CHECK_QUERY(db, "PRAGMA integrity_check", "ok");

    /* The store goes on writing to the upgraded database. */
    struct store_call_update u;
    store_call_update_init(&u);
    u.sid = "CAold2";
    u.type = "status";
    u.status = "completed";
    u.seq = 2;
    u.ts_ms = 3000;
    u.payload = "CallSid=CAold2";
    u.payload_len = strlen(u.payload);
    CHECK_INT(store_call_apply(st, &u, NULL, err, sizeof err), DT_OK);
    CHECK_QUERY(db, "SELECT status FROM calls WHERE sid = 'CAold2'", "completed");
    struct store_webhook w = {.received_ms = 3000,
                              .path = "/twilio/status",
                              .signature_ok = 1,
                              .body = "CallSid=CAold2",
                              .body_len = 14};
    CHECK_INT(store_webhook_log(st, &w, NULL, err, sizeof err), DT_OK);
    CHECK_QUERY(db, "SELECT count(*) FROM webhook_log", "2");
    store_close(st);

    /* Opened again: nothing more to apply. */
    CHECK_INT(store_open(path, &st, err, sizeof err), DT_OK);
    if (st)
        CHECK_QUERY(store_db(st), "SELECT count(*) FROM calls", "2");
    store_close(st);
    free(path);
}

/* A migration builds an index over every call inside the upgrade's transaction: with the
 * store's settings of SQLite in force, that works on a database of tens of thousands of calls
 * (a statement journal spill size of 256 KB once made it fail with "database or disk is
 * full" from about 20,000 calls on). */
TEST(big_index_in_a_transaction)
{
    char *path = NULL;
    struct store *st = fixture_open(&path);
    if (!st) {
        free(path);
        return;
    }
    char *msg = NULL;
    int rc = sqlite3_exec(store_db(st),
                          "BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                          "WHERE i < 60000) INSERT INTO calls (sid, created_ms, updated_ms) "
                          "SELECT printf('CA%032d', i), i, i FROM n; "
                          "CREATE INDEX calls_big_test ON calls (updated_ms, created_ms, sid); "
                          "COMMIT;",
                          NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        printf("  %s\n", msg ? msg : "?");
    CHECK_INT(rc, SQLITE_OK);
    sqlite3_free(msg);
    CHECK_QUERY(store_db(st), "SELECT count(*) FROM calls", "60000");
    store_close(st);
    free(path);
}

int main(void)
{
    if (fixture_init() != 0)
        return 1;
    RUN(big_index_in_a_transaction); /* first: the store's SQLite settings apply only before
                                        anything else has used SQLite in the process */
    RUN(upgrade_keeps_rows_drops_indexes);
    fixture_done();
    return check_done();
}
