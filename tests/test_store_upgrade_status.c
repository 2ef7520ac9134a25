/*
 * Tests for the store's upgrade to schema version 10 (data/migrations/0010_checks.sql): a
 * database built by the migrations before it, with calls, their events (which refer to the
 * calls), waiting callers, the audit log and the event log in it, opens at the latest version
 * with every row and index as it was, the calls' status check written as comparisons instead
 * of an IN list and the event log without its json_valid check but with its last seq; the
 * status check still refuses an unknown status, text that is not JSON is still refused as an
 * event, the waiting callers are still found through their partial indexes, and the store
 * keeps writing. And a migration missing below the newest one recorded is applied at the next
 * open.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialtone/migrations.h"
#include "dialtone/store_agents.h"
#include "store_fixture.h"

#define UPGRADED 10 /* the migration under test */

/* Builds path with the migrations before UPGRADED, as an older dialtone left it. 0 on success. */
static int build_previous(const char *path)
{
    return sf_build_before(
        path, UPGRADED,
        "INSERT INTO calls (sid, parent_sid, direction, from_number, to_number, queue, status, "
        "status_seq, queue_result, duration_s, price, created_ms, updated_ms, conference, "
        "conference_sid, recording_channels, recording_source) VALUES "
        "('CAold1', NULL, 'inbound', '+15550001', '+15550100', 'support', 'completed', 3, "
        "'bridged', 42, '-0.01300', 1000, 2000, 'call-CAold1', 'CFold', 2, 'DialVerb'), "
        "('CAold2', 'CAold1', 'outbound-dial', '+15550002', NULL, NULL, 'in-progress', 1, "
        "NULL, NULL, NULL, 1500, 1600, NULL, NULL, NULL, NULL), "
        "('CAwait', NULL, 'inbound', '+15550003', '+15550100', 'support', 'in-progress', 1, "
        "NULL, NULL, NULL, 1700, 1700, NULL, NULL, NULL, NULL), "
        "('CAnost', NULL, 'inbound', '+15550004', '+15550100', 'sales', NULL, -1, NULL, "
        "NULL, NULL, 1800, 1800, NULL, NULL, NULL, NULL); "
        "INSERT INTO call_events (call_sid, type, status, seq, ts_ms, payload) VALUES "
        "('CAold1', 'status', 'completed', 3, 2000, 'CallSid=CAold1&x=%00y'), "
        "('CAold2', 'status', 'in-progress', 1, 1600, 'CallSid=CAold2'); "
        "INSERT INTO webhook_log (received_ms, path, signature_ok, body) VALUES "
        "(2000, '/twilio/status', 1, 'CallSid=CAold1'); "
        "INSERT INTO events (type, ts_ms, data) VALUES ('call.updated', 1600, "
        "'{\"call\":{\"sid\":\"CAold2\"}}'), ('call.ended', 2000, '{\"call\":null}'), "
        "('call.updated', 2100, '[1]'); "
        /* the newest lost: seq 3 is never handed out again */
        "DELETE FROM events WHERE seq = 3");
}

/* The rows and the schema after the upgrade. */
static void check_upgraded(sqlite3 *db)
{
    CHECK_QUERY(db,
                "SELECT group_concat(sid || ':' || COALESCE(status, '-') || ':' || status_seq, "
                "',') FROM (SELECT * FROM calls ORDER BY sid)",
                "CAnost:-:-1,CAold1:completed:3,CAold2:in-progress:1,CAwait:in-progress:1");
    CHECK_QUERY(db,
                "SELECT direction || from_number || to_number || queue || queue_result || "
                "duration_s || price || created_ms || updated_ms || conference || conference_sid "
                "|| recording_channels || recording_source FROM calls WHERE sid = 'CAold1'",
                "inbound+15550001+15550100supportbridged42-0.0130010002000call-CAold1CFold2"
                "DialVerb");
    CHECK_QUERY(db, "SELECT parent_sid FROM calls WHERE sid = 'CAold2'", "CAold1");
    CHECK_QUERY(db, "SELECT count(*) FROM call_events", "2");
    CHECK_QUERY(db, "SELECT payload FROM call_events WHERE call_sid = 'CAold1'",
                "CallSid=CAold1&x=%00y");
    CHECK_QUERY(db, "SELECT body FROM webhook_log", "CallSid=CAold1");
    CHECK_QUERY(db,
                "SELECT group_concat(seq || ' ' || type || ' ' || ts_ms || ' ' || data, ';') "
                "FROM (SELECT * FROM events ORDER BY seq)",
                "1 call.updated 1600 {\"call\":{\"sid\":\"CAold2\"}};2 call.ended 2000 "
                "{\"call\":null}");
    CHECK_QUERY(db, "SELECT seq FROM sqlite_sequence WHERE name = 'events'", "3");
    CHECK_QUERY(db,
                "SELECT instr(sql, 'json_valid') = 0 AND instr(sql, 'AUTOINCREMENT') > 0 FROM "
                "sqlite_schema WHERE name = 'events'",
                "1");
    CHECK_QUERY(db, "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'events_%'", "0");
    /* the check without an IN list, under the table's own name; no table left behind */
    CHECK_QUERY(db,
                "SELECT instr(sql, 'status = ''canceled''') > 0 AND instr(sql, 'IN (') = 0 "
                "FROM sqlite_schema WHERE name = 'calls'",
                "1");
    CHECK_QUERY(db, "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'calls_v%'", "0");
    CHECK_QUERY(db,
                "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'calls' "
                "AND name IN ('calls_created', 'calls_status', 'calls_direction', 'calls_from', "
                "'calls_to', 'calls_agent', 'calls_queue', 'calls_conference_sid', "
                "'calls_waiting', 'calls_waiting_queue')",
                "10");
    /* the events still refer to the calls, and every one of them finds its call */
    CHECK_QUERY(db, "SELECT \"table\" FROM pragma_foreign_key_list('call_events')", "calls");
    CHECK_QUERY(db, "SELECT count(*) FROM pragma_foreign_key_check", "0");
    CHECK_QUERY(db, "PRAGMA foreign_keys", "1");
    CHECK_QUERY(db, "PRAGMA integrity_check", "ok");
}

TEST(upgrade_keeps_rows_checks_cheaper)
{
    CHECK(migrations_count > 0 && migrations_table[migrations_count - 1].version >= UPGRADED);
    char *path = fixture_path();
    CHECK_INT(build_previous(path), 0);
    struct store *st = NULL;
    char err[256] = "";
    CHECK_INT(store_open(path, &st, err, sizeof err), DT_OK);
    if (!st) {
        printf("  %s\n", err);
        free(path);
        return;
    }
    sqlite3 *db = store_db(st);
    CHECK_INT(store_schema_version(st), migrations_table[migrations_count - 1].version);
    check_upgraded(db);

    /* the check still refuses what is not a status, and a call event its missing call */
    CHECK(sqlite3_exec(db, "UPDATE calls SET status = 'on-hold' WHERE sid = 'CAold2'", NULL, NULL,
                       NULL) == SQLITE_CONSTRAINT_CHECK);
    CHECK(sqlite3_exec(db,
                       "INSERT INTO call_events (call_sid, type, ts_ms, payload) VALUES "
                       "('CAnone', 'status', 1, 'x')",
                       NULL, NULL, NULL) == SQLITE_CONSTRAINT_FOREIGNKEY);
    CHECK_QUERY(db, "SELECT count(*) FROM call_events", "2");

    /* waiting callers, through the partial indexes, as before */
    struct store_call_list l;
    CHECK_INT(store_calls_waiting(st, "support", 10, &l, err, sizeof err), DT_OK);
    CHECK_INT((int)l.count, 1);
    if (l.count == 1)
        CHECK_STR(l.items[0].sid, "CAwait");
    store_call_list_done(&l);
    CHECK_INT(store_calls_waiting(st, NULL, 10, &l, err, sizeof err), DT_OK);
    CHECK_INT((int)l.count, 2); /* and the caller in sales with no status yet */
    store_call_list_done(&l);

    /* the store goes on writing: a status moves the call out of the waiting ones */
    struct store_call_update u;
    store_call_update_init(&u);
    u.sid = "CAwait";
    u.type = "status";
    u.status = "completed";
    u.seq = 2;
    u.ts_ms = 3000;
    u.payload = "CallSid=CAwait";
    u.payload_len = strlen(u.payload);
    CHECK_INT(store_call_apply(st, &u, NULL, err, sizeof err), DT_OK);
    CHECK_QUERY(db, "SELECT status FROM calls WHERE sid = 'CAwait'", "completed");
    CHECK_INT(store_calls_waiting(st, "support", 10, &l, err, sizeof err), DT_OK);
    CHECK_INT((int)l.count, 0);
    store_call_list_done(&l);
    u.sid = "CAbad";
    u.status = "on-hold";
    CHECK(store_call_apply(st, &u, NULL, err, sizeof err) != DT_OK);
    /* events go on from the last seq handed out; text that is not JSON is still refused */
    int64_t seq = 0;
    CHECK_INT(store_event_append(st, "call.updated", 3100, "{\"x\":1}", &seq, err, sizeof err),
              DT_OK);
    CHECK_INT((int)seq, 4);
    CHECK_INT(store_event_append(st, "call.updated", 3200, "{\"x\":", &seq, err, sizeof err),
              DT_EINVAL);
    CHECK_INT(store_event_append_printed(st, "call.updated", 3300, "{}", &seq, err, sizeof err),
              DT_OK);
    CHECK_INT((int)seq, 5);
    store_close(st);

    /* opened again: nothing more to apply */
    CHECK_INT(store_open(path, &st, err, sizeof err), DT_OK);
    if (st) {
        CHECK_QUERY(store_db(st), "SELECT count(*) FROM calls", "4");
        CHECK_QUERY(store_db(st), "SELECT count(*) FROM schema_version WHERE version = 10", "1");
    }
    store_close(st);
    free(path);
}

/* A database on which one migration below the newest was never applied (written after a newer
 * one, as between branches) gets it at the next open, and each is recorded once. */
TEST(missing_migration_below_newest_applied)
{
    char *path = NULL;
    struct store *st = fixture_open(&path);
    if (!st) {
        free(path);
        return;
    }
    char err[256] = "";
    /* version 6 undone: its two indexes back, its record gone */
    CHECK(sqlite3_exec(store_db(st),
                       "CREATE INDEX calls_parent ON calls (parent_sid); CREATE INDEX "
                       "webhook_log_received ON webhook_log (received_ms); DELETE FROM "
                       "schema_version WHERE version = 6",
                       NULL, NULL, NULL) == SQLITE_OK);
    store_close(st);
    CHECK_INT(store_open(path, &st, err, sizeof err), DT_OK);
    if (st) {
        sqlite3 *db = store_db(st);
        CHECK_INT(store_schema_version(st), migrations_table[migrations_count - 1].version);
        CHECK_QUERY(db, "SELECT count(*) FROM schema_version WHERE version = 6", "1");
        CHECK_QUERY(db,
                    "SELECT count(*) FROM sqlite_schema WHERE name IN ('calls_parent', "
                    "'webhook_log_received')",
                    "0");
        char want[16];
        snprintf(want, sizeof want, "%d", migrations_count);
        CHECK_QUERY(db, "SELECT count(*) FROM schema_version", want);
    }
    store_close(st);
    free(path);
}

int main(void)
{
    if (fixture_init() != 0)
        return 1;
    RUN(upgrade_keeps_rows_checks_cheaper);
    RUN(missing_migration_below_newest_applied);
    fixture_done();
    return check_done();
}
