/*
 * test_store_waiting: callers still waiting are found through the partial indexes calls_waiting
 * and calls_waiting_queue (schema version 5), not by reading every call: once ANALYZE has
 * seen many finished calls, the plans of the queries that ask for them (the pending list, the
 * queues' figures) use them, and the answers are right with waiting, bridged, abandoned and
 * never-queued calls mixed.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dialtone/store.h"
#include "dialtone/store_agents.h"
#include "dialtone/util.h"
#include "store_fixture.h"

/* The plan of sql on the database at path, one step per line; the caller frees it. */
static char *plan_of(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    struct dt_buf b;
    dt_buf_init(&b);
    CHECK_INT(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    char *q = xasprintf("EXPLAIN QUERY PLAN %s", sql);
    sqlite3_stmt *s = NULL;
    CHECK_INT(sqlite3_prepare_v2(db, q, -1, &s, NULL), SQLITE_OK);
    while (s && sqlite3_step(s) == SQLITE_ROW) {
        const char *step = (const char *)sqlite3_column_text(s, 3);
        dt_buf_append(&b, step ? step : "", step ? strlen(step) : 0);
        dt_buf_append(&b, "\n", 1);
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    free(q);
    return dt_buf_take(&b);
}

static void put(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        printf("  sql: %s\n", msg ? msg : "?");
    CHECK_INT(rc, SQLITE_OK);
    sqlite3_free(msg);
    sqlite3_close(db);
}

TEST(plans_use_the_partial_index)
{
    char *path = NULL;
    struct store *st = fixture_open(&path);
    CHECK(store_schema_version(st) >= 5);
    /* many finished calls and statistics about them: the situation in which SQLite, without
     * these indexes, chose to read every call through calls_queue or calls_created */
    put(path, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) "
              "INSERT INTO calls (sid, direction, status, queue, queue_result, created_ms, "
              "updated_ms) SELECT printf('CA%032d', i), 'inbound', CASE i % 7 WHEN 0 THEN "
              "'busy' ELSE 'completed' END, CASE i % 2 WHEN 0 THEN 'support' ELSE 'sales' END, "
              "'bridged', i * 1000, i * 1000 FROM n; "
              "INSERT INTO calls (sid, direction, status, queue, created_ms, updated_ms) "
              "VALUES ('CAwait1', 'inbound', 'in-progress', 'support', 1, 1); ANALYZE;");
    static const char *const queries[] = {
        /* the shapes of store_calls_waiting (all queues, one queue) and the queues' figures */
        "SELECT sid FROM calls WHERE queue IS NOT NULL AND ('support' IS NULL OR queue = "
        "'support') AND queue_result IS NULL AND (status IS NULL OR status IN ('queued', "
        "'initiated', 'ringing', 'in-progress')) ORDER BY created_ms, sid LIMIT 100",
        "SELECT sid FROM calls WHERE queue IS NOT NULL AND (?1 IS NULL OR queue = ?1) AND "
        "queue_result IS NULL AND (status IS NULL OR status IN ('queued', 'initiated', "
        "'ringing', 'in-progress')) ORDER BY created_ms, sid LIMIT ?2",
        "SELECT queue, count(*), MIN(created_ms) FROM calls WHERE queue IS NOT NULL AND "
        "queue_result IS NULL AND (status IS NULL OR status IN ('queued', 'initiated', "
        "'ringing', 'in-progress')) GROUP BY queue ORDER BY queue",
    };
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        char *plan = plan_of(path, queries[i]);
        CHECK(plan && strstr(plan, "calls_waiting"));
        if (!plan || !strstr(plan, "calls_waiting"))
            printf("  plan %zu:\n%s", i, plan ? plan : "(none)");
        free(plan);
    }
    store_close(st);
    free(path);
}

TEST(waiting_calls_answered_right)
{
    char *path = NULL;
    struct store *st = fixture_open(&path);
    put(path, "INSERT INTO calls (sid, direction, status, queue, queue_result, created_ms, "
              "updated_ms) VALUES "
              "('CA1', 'inbound', 'in-progress', 'support', NULL, 100, 100),"
              "('CA2', 'inbound', 'completed', 'support', 'bridged', 50, 60),"
              "('CA3', 'inbound', 'completed', 'support', 'hangup', 70, 80),"
              "('CA4', 'outbound-api', 'completed', NULL, NULL, 10, 20),"
              "('CA5', 'inbound', 'ringing', 'sales', NULL, 90, 90),"
              "('CA6', 'inbound', 'completed', 'sales', NULL, 95, 99)");
    struct store_call_list l;
    char err[256] = "";
    CHECK_INT(store_calls_waiting(st, NULL, 10, &l, err, sizeof err), DT_OK);
    CHECK_INT(l.count, 2);
    if (l.count == 2) {
        CHECK_STR(l.items[0].sid, "CA5"); /* oldest first */
        CHECK_STR(l.items[1].sid, "CA1");
    }
    store_call_list_done(&l);
    CHECK_INT(store_calls_waiting(st, "support", 10, &l, err, sizeof err), DT_OK);
    CHECK_INT(l.count, 1);
    store_call_list_done(&l);
    /* Twilio reports how CA1 left its queue: it is no longer waiting */
    put(path, "UPDATE calls SET queue_result = 'bridged' WHERE sid = 'CA1'");
    CHECK_INT(store_calls_waiting(st, "support", 10, &l, err, sizeof err), DT_OK);
    CHECK_INT(l.count, 0);
    store_call_list_done(&l);
    store_close(st);
    free(path);
}

int main(void)
{
    if (fixture_init() != 0)
        return 1;
    RUN(plans_use_the_partial_index);
    RUN(waiting_calls_answered_right);
    fixture_done();
    return check_done();
}
