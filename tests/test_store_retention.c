/*
 * Tests for store_retention: the rows of the event log and the webhook audit log made before
 * the cutoff go, younger ones stay, a batch deletes at most its limit and stops at the first
 * young row, 0 days keeps everything, the newest event survives however old and its seq is
 * never handed out again, the history tables are untouched, and bad arguments are refused.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "dialtone/store.h"
#include "store_fixture.h"

#define DAY_MS (86400 * INT64_C(1000))
#define NOW_MS (INT64_C(1780000000000))

static char err[256];

static void add_event(struct store *st, int64_t ts_ms)
{
    CHECK_INT(store_event_append(st, "test.event", ts_ms, "{\"x\":1}", NULL, err, sizeof err),
              DT_OK);
}

static void add_webhook(struct store *st, int64_t received_ms)
{
    struct store_webhook w = {.received_ms = received_ms,
                              .path = "/twilio/status",
                              .signature_ok = 1,
                              .body = "CallSid=CA1",
                              .body_len = 11};
    CHECK_INT(store_webhook_log(st, &w, NULL, err, sizeof err), DT_OK);
}

static long long count(struct store *st, const char *sql)
{
    char *v = fixture_query(store_db(st), sql);
    long long n = atoll(v);
    free(v);
    return n;
}

static int prune(struct store *st, enum store_prune_table t, int days, int limit)
{
    int n = -1;
    CHECK_INT(store_prune(st, t, store_prune_before(NOW_MS, days), limit, &n, err, sizeof err),
              DT_OK);
    return n;
}

TEST(cutoff)
{
    CHECK_INT(store_prune_before(NOW_MS, 7), NOW_MS - 7 * DAY_MS);
    CHECK_INT(store_prune_before(NOW_MS, 1), NOW_MS - DAY_MS);
    CHECK(store_prune_before(NOW_MS, 0) == INT64_MIN);
    CHECK(store_prune_before(NOW_MS, -3) == INT64_MIN);
    CHECK(store_prune_before(INT64_MIN + 5, 1) == INT64_MIN); /* no overflow */
    CHECK_STR(store_prune_table_name(STORE_PRUNE_EVENTS), "events");
    CHECK_STR(store_prune_table_name(STORE_PRUNE_WEBHOOK_LOG), "webhook_log");
    CHECK_STR(store_prune_table_name(STORE_PRUNE_TABLES), "?");
}

TEST(old_go_young_stay)
{
    struct store *st = fixture_open(NULL);
    if (!st)
        return;
    for (int i = 0; i < 10; i++) {
        add_event(st, NOW_MS - 10 * DAY_MS + i);
        add_webhook(st, NOW_MS - 100 * DAY_MS + i);
    }
    for (int i = 0; i < 5; i++) {
        add_event(st, NOW_MS - 6 * DAY_MS + i); /* within 7 days */
        add_webhook(st, NOW_MS - 89 * DAY_MS + i);
    }
    add_event(st, NOW_MS - 7 * DAY_MS); /* exactly at the cutoff: kept */
    CHECK_INT(prune(st, STORE_PRUNE_EVENTS, 7, 1000), 10);
    CHECK_INT(count(st, "SELECT count(*) FROM events"), 6);
    CHECK_INT(count(st, "SELECT min(seq) FROM events"), 11);
    CHECK_INT(count(st, "SELECT count(*) FROM webhook_log"), 15); /* the other table alone */
    CHECK_INT(prune(st, STORE_PRUNE_WEBHOOK_LOG, 90, 1000), 10);
    CHECK_INT(count(st, "SELECT count(*) FROM webhook_log"), 5);
    CHECK_INT(count(st, "SELECT min(id) FROM webhook_log"), 11);
    CHECK_INT(prune(st, STORE_PRUNE_EVENTS, 7, 1000), 0); /* nothing more is due */
    CHECK_INT(prune(st, STORE_PRUNE_WEBHOOK_LOG, 90, 1000), 0);
    CHECK_INT(count(st, "SELECT count(*) FROM events"), 6);
    store_close(st);
}

TEST(batches_are_bounded)
{
    struct store *st = fixture_open(NULL);
    if (!st)
        return;
    CHECK_INT(store_tx_begin(st, err, sizeof err), DT_OK);
    for (int i = 0; i < 2500; i++)
        add_event(st, NOW_MS - 30 * DAY_MS + i);
    add_event(st, NOW_MS);
    CHECK_INT(store_tx_commit(st, err, sizeof err), DT_OK);
    CHECK_INT(prune(st, STORE_PRUNE_EVENTS, 7, 1000), 1000);
    CHECK_INT(count(st, "SELECT min(seq) FROM events"), 1001);
    CHECK_INT(prune(st, STORE_PRUNE_EVENTS, 7, 1000), 1000);
    CHECK_INT(prune(st, STORE_PRUNE_EVENTS, 7, 1000), 500); /* short: the last batch */
    CHECK_INT(prune(st, STORE_PRUNE_EVENTS, 7, 1000), 0);
    CHECK_INT(count(st, "SELECT count(*) FROM events"), 1);
    CHECK_INT(count(st, "SELECT seq FROM events"), 2501);
    store_close(st);
}

TEST(stops_at_first_young_row)
{
    struct store *st = fixture_open(NULL);
    if (!st)
        return;
    add_event(st, NOW_MS - 20 * DAY_MS); /* 1 */
    add_event(st, NOW_MS - 20 * DAY_MS); /* 2 */
    add_event(st, NOW_MS - DAY_MS);      /* 3: young */
    add_event(st, NOW_MS - 30 * DAY_MS); /* 4: old, after a young one (the clock went back) */
    add_event(st, NOW_MS);               /* 5 */
    CHECK_INT(prune(st, STORE_PRUNE_EVENTS, 7, 1000), 2);
    CHECK_QUERY(store_db(st),
                "SELECT group_concat(seq, ',') FROM (SELECT seq FROM events ORDER BY seq)",
                "3,4,5");
    /* A batch of young rows only deletes nothing, whatever lies beyond it. */
    CHECK_INT(prune(st, STORE_PRUNE_EVENTS, 7, 1), 0);
    store_close(st);
}

TEST(zero_days_keeps_everything)
{
    struct store *st = fixture_open(NULL);
    if (!st)
        return;
    for (int i = 0; i < 5; i++) {
        add_event(st, i); /* 1970 */
        add_webhook(st, i);
    }
    CHECK_INT(prune(st, STORE_PRUNE_EVENTS, 0, 1000), 0);
    CHECK_INT(prune(st, STORE_PRUNE_WEBHOOK_LOG, 0, 1000), 0);
    CHECK_INT(count(st, "SELECT count(*) FROM events"), 5);
    CHECK_INT(count(st, "SELECT count(*) FROM webhook_log"), 5);
    store_close(st);
}

TEST(newest_event_survives_and_seq_not_reused)
{
    char *path = NULL;
    struct store *st = fixture_open(&path);
    if (!st)
        return;
    for (int i = 0; i < 4; i++) {
        add_event(st, NOW_MS - 50 * DAY_MS + i);
        add_webhook(st, NOW_MS - 500 * DAY_MS + i);
    }
    CHECK_INT(prune(st, STORE_PRUNE_EVENTS, 7, 1000), 3);
    CHECK_INT(prune(st, STORE_PRUNE_WEBHOOK_LOG, 90, 1000), 3);
    CHECK_INT(count(st, "SELECT seq FROM events"), 4); /* old, but the newest */
    CHECK_INT(count(st, "SELECT id FROM webhook_log"), 4);
    CHECK_INT(prune(st, STORE_PRUNE_EVENTS, 7, 1000), 0);
    int64_t last = 0, seq = 0;
    CHECK_INT(store_event_last_seq(st, &last, err, sizeof err), DT_OK);
    CHECK_INT(last, 4);
    store_close(st);
    /* After a reopen too, the next event gets the next seq, and the walk after 0 starts at
     * the oldest kept. */
    CHECK_INT(store_open(path, &st, err, sizeof err), DT_OK);
    CHECK_INT(store_event_append(st, "test.event", NOW_MS, "{}", &seq, err, sizeof err), DT_OK);
    CHECK_INT(seq, 5);
    CHECK_INT(prune(st, STORE_PRUNE_EVENTS, 7, 1000), 1); /* now 4 may go */
    CHECK_INT(count(st, "SELECT group_concat(seq) FROM events"), 5);
    /* Even with every row gone by hand, seq goes on (AUTOINCREMENT). */
    CHECK_INT(sqlite3_exec(store_db(st), "DELETE FROM events", NULL, NULL, NULL), SQLITE_OK);
    CHECK_INT(store_event_append(st, "test.event", NOW_MS, "{}", &seq, err, sizeof err), DT_OK);
    CHECK_INT(seq, 6);
    store_close(st);
    free(path);
}

TEST(history_untouched)
{
    struct store *st = fixture_open(NULL);
    if (!st)
        return;
    struct store_call_update u;
    store_call_update_init(&u);
    u.sid = "CA00000000000000000000000000000001";
    u.status = "completed";
    u.type = "status";
    u.ts_ms = 1000;
    u.payload = "CallStatus=completed";
    u.payload_len = strlen(u.payload);
    struct store_apply_result res;
    CHECK_INT(store_call_apply(st, &u, &res, err, sizeof err), DT_OK);
    add_event(st, 1000);
    add_event(st, 2000);
    add_webhook(st, 1000);
    add_webhook(st, 2000);
    CHECK_INT(prune(st, STORE_PRUNE_EVENTS, 1, 1000), 1);
    CHECK_INT(prune(st, STORE_PRUNE_WEBHOOK_LOG, 1, 1000), 1);
    CHECK_INT(count(st, "SELECT count(*) FROM calls"), 1);
    CHECK_INT(count(st, "SELECT count(*) FROM call_events"), 1);
    store_close(st);
}

TEST(bad_arguments)
{
    struct store *st = fixture_open(NULL);
    if (!st)
        return;
    add_event(st, 1);
    add_event(st, 2);
    int n = 7;
    CHECK_INT(store_prune(st, STORE_PRUNE_EVENTS, NOW_MS, 0, &n, err, sizeof err), DT_EINVAL);
    CHECK_INT(n, 0);
    CHECK_STR(err, "limit must be 1 to 10000");
    CHECK_INT(
        store_prune(st, STORE_PRUNE_EVENTS, NOW_MS, STORE_PRUNE_MAX_BATCH + 1, &n, err, sizeof err),
        DT_EINVAL);
    CHECK_INT(store_prune(st, STORE_PRUNE_TABLES, NOW_MS, 10, &n, err, sizeof err), DT_EINVAL);
    CHECK_STR(err, "no such table to prune");
    CHECK_INT(store_prune(st, (enum store_prune_table) - 1, NOW_MS, 10, &n, err, sizeof err),
              DT_EINVAL);
    CHECK_INT(count(st, "SELECT count(*) FROM events"), 2);
    store_close(st);
}

int main(void)
{
    if (fixture_init() != 0)
        return 1;
    RUN(cutoff);
    RUN(old_go_young_stay);
    RUN(batches_are_bounded);
    RUN(stops_at_first_young_row);
    RUN(zero_days_keeps_everything);
    RUN(newest_event_survives_and_seq_not_reused);
    RUN(history_untouched);
    RUN(bad_arguments);
    fixture_done();
    return check_done();
}
