/*
 * store_retention: deleting the old rows of the two logs that grow with every webhook, the
 * event log and the webhook audit log, a bounded batch at a time. See dialtone/store.h.
 *
 * Both tables' ids grow in arrival order (events' seq is AUTOINCREMENT, webhook_log's id is
 * its rowid), so the oldest rows are the first ones in the table's own b-tree: a batch reads
 * the first `limit` rows by id and deletes those before the first one that is young enough to
 * keep. No index on the time column is needed (webhook_log's was dropped in version 6: every
 * webhook writes the table), and a table of young rows costs a batch no more than `limit` rows.
 * A row older than one before it (the wall clock stepped back) waits until that one goes.
 *
 * The statements are prepared per call rather than cached in the store: the daemon prunes a
 * batch a minute, and preparing one costs microseconds.
 */
#include <sqlite3.h>
#include <stdint.h>

#include "dialtone/util.h"
#include "store_int.h"

#define KEEP_ALL "9223372036854775807"

/* The batch's rows: the first ?2 by id, the newest row left out, none when the oldest row is
 * not due (a round with nothing to do reads one row); the rows deleted: those before the
 * first one at or after ?1. */
#define PRUNE_SQL(table, id, ts)                                                                   \
    "WITH head AS (SELECT " id ", " ts " FROM " table " WHERE " id " < (SELECT max(" id            \
    ") FROM " table ") AND (SELECT " ts " FROM " table " ORDER BY " id " LIMIT 1) < ?1 "           \
    "ORDER BY " id " LIMIT ?2) "                                                                   \
    "DELETE FROM " table " WHERE " id " IN (SELECT " id " FROM head WHERE " id                     \
    " < COALESCE((SELECT min(" id ") FROM head WHERE " ts " >= ?1), " KEEP_ALL "))"

static const struct {
    const char *name;
    const char *sql;
} prune_tables[STORE_PRUNE_TABLES] = {
    [STORE_PRUNE_EVENTS] = {.name = "events", .sql = PRUNE_SQL("events", "seq", "ts_ms")},
    [STORE_PRUNE_WEBHOOK_LOG] = {.name = "webhook_log",
                                 .sql = PRUNE_SQL("webhook_log", "id", "received_ms")},
};

const char *store_prune_table_name(enum store_prune_table t)
{
    return (unsigned)t < STORE_PRUNE_TABLES ? prune_tables[t].name : "?";
}

int64_t store_prune_before(int64_t now_ms, int days)
{
    const int64_t day_ms = 86400 * INT64_C(1000);
    if (days <= 0 || now_ms < INT64_MIN + days * day_ms)
        return INT64_MIN;
    return now_ms - days * day_ms;
}

int store_prune(struct store *st, enum store_prune_table t, int64_t before_ms, int limit,
                int *deleted, char *err, size_t errlen)
{
    *deleted = 0;
    if ((unsigned)t >= STORE_PRUNE_TABLES)
        return dt_seterr(err, errlen, DT_EINVAL, "no such table to prune");
    if (limit < 1 || limit > STORE_PRUNE_MAX_BATCH)
        return dt_seterr(err, errlen, DT_EINVAL, "limit must be 1 to %d", STORE_PRUNE_MAX_BATCH);
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, prune_tables[t].sql, -1, &s, NULL) != SQLITE_OK)
        return store_dberr(st, "preparing a pruning", err, errlen);
    sqlite3_bind_int64(s, 1, before_ms);
    sqlite3_bind_int(s, 2, limit);
    int rc = DT_OK;
    if (sqlite3_step(s) == SQLITE_DONE)
        *deleted = sqlite3_changes(st->db);
    else
        rc = store_dberr(st, "pruning old rows", err, errlen);
    sqlite3_finalize(s);
    return rc;
}
