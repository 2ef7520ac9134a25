/*
 * Tests for store_call_apply inside a transaction of store_tx_begin, where it runs without a
 * savepoint of its own: an apply that fails after its event went in (here a trigger refuses
 * the call's row) leaves nothing of itself, the writes before and after it in the transaction
 * are kept, and the transaction commits; with a part open, undoing the part still undoes it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_fixture.h"

static int apply(struct store *st, const char *sid, const char *status, int64_t seq, int64_t ts)
{
    struct store_call_update u;
    store_call_update_init(&u);
    u.sid = sid;
    u.type = "status";
    u.status = status;
    u.seq = seq;
    u.ts_ms = ts;
    u.payload = "CallSid=x";
    u.payload_len = 9;
    struct store_apply_result res;
    char err[256];
    int rc = store_call_apply(st, &u, &res, err, sizeof err);
    if (rc != DT_OK)
        CHECK_INT(res.merge, DT_MERGE_INVALID);
    return rc;
}

/* The trigger refuses a new row for CAnew and any change to CAold. */
static const char refuse_sql[] =
    "CREATE TEMP TRIGGER refuse_new BEFORE INSERT ON calls WHEN NEW.sid = 'CAnew' "
    "BEGIN SELECT RAISE(ABORT, 'refused'); END; "
    "CREATE TEMP TRIGGER refuse_old BEFORE UPDATE ON calls WHEN NEW.sid = 'CAold' "
    "BEGIN SELECT RAISE(ABORT, 'refused'); END";

TEST(failed_apply_leaves_nothing_in_the_transaction)
{
    char *path;
    struct store *st = fixture_open(&path);
    if (!st)
        return;
    sqlite3 *db = store_db(st);
    char err[256];
    CHECK_INT(apply(st, "CAold", "ringing", 1, 5), DT_OK); /* before, on its own */
    CHECK_INT(sqlite3_exec(db, refuse_sql, NULL, NULL, NULL), SQLITE_OK);

    CHECK_INT(store_tx_begin(st, err, sizeof err), DT_OK);
    CHECK_INT(apply(st, "CA1", "ringing", 1, 10), DT_OK);
    CHECK(apply(st, "CAnew", "ringing", 1, 11) != DT_OK);   /* a new call refused */
    CHECK(apply(st, "CAold", "completed", 2, 12) != DT_OK); /* an update refused */
    CHECK_INT(apply(st, "CA1", "completed", 2, 13), DT_OK);
    CHECK_INT(store_tx_commit(st, err, sizeof err), DT_OK);

    CHECK_QUERY(db, "SELECT count(*) FROM call_events WHERE call_sid IN ('CAnew', 'CAold')", "1");
    CHECK_QUERY(db, "SELECT status FROM call_events WHERE call_sid = 'CAold'", "ringing");
    CHECK_QUERY(db, "SELECT count(*) FROM calls WHERE sid = 'CAnew'", "0");
    CHECK_QUERY(db, "SELECT status || ':' || status_seq FROM calls WHERE sid = 'CAold'",
                "ringing:1");
    CHECK_QUERY(db, "SELECT group_concat(status, ',') FROM call_events WHERE call_sid = 'CA1'",
                "ringing,completed");
    CHECK_QUERY(db, "SELECT status FROM calls WHERE sid = 'CA1'", "completed");
    CHECK_QUERY(db, "PRAGMA foreign_key_check", "");

    /* The refused callbacks were not stored, so once allowed they apply. */
    CHECK_INT(
        sqlite3_exec(db, "DROP TRIGGER refuse_new; DROP TRIGGER refuse_old", NULL, NULL, NULL),
        SQLITE_OK);
    CHECK_INT(store_tx_begin(st, err, sizeof err), DT_OK);
    CHECK_INT(apply(st, "CAnew", "ringing", 1, 11), DT_OK);
    CHECK_INT(apply(st, "CAold", "completed", 2, 12), DT_OK);
    CHECK_INT(store_tx_commit(st, err, sizeof err), DT_OK);
    CHECK_QUERY(db, "SELECT status FROM calls WHERE sid = 'CAold'", "completed");
    CHECK_QUERY(db, "SELECT count(*) FROM call_events WHERE call_sid = 'CAnew'", "1");
    store_close(st);
    free(path);
}

TEST(failed_apply_in_a_part)
{
    char *path;
    struct store *st = fixture_open(&path);
    if (!st)
        return;
    sqlite3 *db = store_db(st);
    char err[256];
    CHECK_INT(sqlite3_exec(db, refuse_sql, NULL, NULL, NULL), SQLITE_OK);
    CHECK_INT(store_tx_begin(st, err, sizeof err), DT_OK);
    CHECK_INT(store_tx_savepoint(st, err, sizeof err), DT_OK);
    CHECK_INT(apply(st, "CA1", "ringing", 1, 10), DT_OK);
    CHECK_INT(store_tx_release(st, err, sizeof err), DT_OK);
    CHECK_INT(store_tx_savepoint(st, err, sizeof err), DT_OK);
    CHECK_INT(apply(st, "CA2", "ringing", 1, 10), DT_OK);
    CHECK(apply(st, "CAnew", "ringing", 1, 11) != DT_OK);
    CHECK_INT(store_tx_undo(st, err, sizeof err), DT_OK); /* CA2 goes with its part */
    CHECK_INT(store_tx_commit(st, err, sizeof err), DT_OK);
    CHECK_QUERY(db, "SELECT group_concat(sid, ',') FROM calls", "CA1");
    CHECK_QUERY(db, "SELECT group_concat(call_sid, ',') FROM call_events", "CA1");
    store_close(st);
    free(path);
}

int main(void)
{
    if (fixture_init() != 0)
        return 1;
    RUN(failed_apply_leaves_nothing_in_the_transaction);
    RUN(failed_apply_in_a_part);
    fixture_done();
    return check_done();
}
