/*
 * Tests for the VFS that gathers a WAL commit's frames into one write (store_walbuf.c): a
 * commit of many pages goes out in a few writes, not two a page; readers on connections of
 * their own (the default VFS, as the daemon's checkpoint thread and query worker) never see a
 * commit before all of it is in the file, nor a torn one, also across the WAL starting over;
 * transactions too big for the page cache (frames spilled, pages rewritten in place) come out
 * whole; and every commit is in the file when it returns, for a process killed right after.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "core/store_int.h"
#include "store_fixture.h"

#define ROWS_PER_TX 40
#define CREATE_T    "CREATE TABLE t (id INTEGER PRIMARY KEY, tx INTEGER, pad TEXT)"
#define TXS         300

static int exec_ok(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        printf("  %s: %s\n", sql, msg ? msg : "?");
    sqlite3_free(msg);
    return rc == SQLITE_OK;
}

/* Inserts ROWS_PER_TX rows of about 700 bytes (each transaction writes a few dozen pages),
 * each row carrying the transaction's number, in one transaction. */
static int write_tx(sqlite3 *db, int tx)
{
    char *sql = sqlite3_mprintf(
        "BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) "
        "INSERT INTO t (tx, pad) SELECT %d, printf('%%.700c', 'x') FROM n; COMMIT;",
        ROWS_PER_TX, tx);
    int ok = exec_ok(db, sql);
    sqlite3_free(sql);
    return ok;
}

/* A fresh store with the table t (its path in *path, to free); NULL on failure. */
static struct store *open_with_t(char **path)
{
    struct store *st = fixture_open(path);
    if (st && !exec_ok(store_db(st), CREATE_T)) {
        store_close(st);
        free(*path);
        return NULL;
    }
    return st;
}

TEST(a_commit_goes_out_in_few_writes)
{
    char *path = NULL;
    struct store *st = open_with_t(&path);
    if (!st)
        return;
    sqlite3 *db = store_db(st);
    struct store_walbuf_counts a, b;
    store_walbuf_counts(&a);
    for (int i = 0; i < 50; i++)
        CHECK(write_tx(db, i));
    store_walbuf_counts(&b);
    unsigned long gathered = b.gathered - a.gathered, flushes = b.flushes - a.flushes,
                  through = b.through - a.through;
    /* each commit writes about ten pages: twenty gathered writes, one or two flushes */
    CHECK(flushes >= 50);
    if (gathered < 10 * flushes || through > 50)
        CHECK_FAIL_("%lu writes gathered into %lu, %lu passed through", gathered, flushes, through);
    CHECK_QUERY(db, "SELECT count(*) FROM t", "2000");
    CHECK_QUERY(db, "PRAGMA integrity_check", "ok");
    store_close(st);
    free(path);
}

struct reader {
    const char *path;
    atomic_int stop;
    int reads, torn, backwards, errors;
};

/* Reads on a connection of its own, as a checkpoint thread or query worker does: every
 * transaction it sees is whole (ROWS_PER_TX rows of each number), and the count never goes
 * back. */
static void *read_main(void *arg)
{
    struct reader *r = arg;
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(r->path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        r->errors++;
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT count(*), count(DISTINCT tx), COALESCE(sum(length(pad)), 0) "
                           "FROM t",
                           -1, &s, NULL) != SQLITE_OK) {
        r->errors++;
        sqlite3_close(db);
        return NULL;
    }
    long last = 0;
    while (!atomic_load(&r->stop)) {
        if (sqlite3_step(s) == SQLITE_ROW) {
            long rows = (long)sqlite3_column_int64(s, 0), txs = sqlite3_column_int64(s, 1);
            long bytes = (long)sqlite3_column_int64(s, 2);
            r->reads++;
            r->torn += rows != txs * ROWS_PER_TX || bytes != rows * 700;
            r->backwards += rows < last;
            last = rows;
        } else {
            r->errors++;
        }
        sqlite3_reset(s);
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    return NULL;
}

TEST(readers_see_whole_commits)
{
    char *path = NULL;
    struct store *st = open_with_t(&path);
    if (!st)
        return;
    sqlite3 *db = store_db(st);
    struct reader r = {.path = path};
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&th[i], NULL, read_main, &r);
    /* every 50 commits a connection of its own copies the WAL into the database and makes it
     * start over, as the checkpoint thread does once it has grown: the writer's next frames go
     * to the start of the WAL again */
    sqlite3 *ck = NULL;
    CHECK_INT(sqlite3_open_v2(path, &ck, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    sqlite3_busy_timeout(ck, 5000);
    int ok = 1, restarts = 0;
    for (int i = 0; i < TXS && ok; i++) {
        ok = write_tx(db, i);
        if (ok && i % 50 == 49)
            restarts += sqlite3_wal_checkpoint_v2(ck, NULL, SQLITE_CHECKPOINT_RESTART, NULL,
                                                  NULL) == SQLITE_OK;
    }
    sqlite3_close(ck);
    CHECK(ok);
    CHECK(restarts > 0);
    atomic_store(&r.stop, 1);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    CHECK(r.reads > 0);
    CHECK_INT(r.torn, 0);
    CHECK_INT(r.backwards, 0);
    CHECK_INT(r.errors, 0);
    CHECK_QUERY(db, "SELECT count(*) FROM t", "12000");
    CHECK_QUERY(db, "PRAGMA integrity_check", "ok");
    store_close(st);
    free(path);
}

/* A transaction far bigger than the page cache: SQLite writes its frames before the commit
 * and rewrites some in place. */
TEST(a_transaction_bigger_than_the_cache)
{
    char *path = NULL;
    struct store *st = fixture_open(&path);
    if (!st)
        return;
    sqlite3 *db = store_db(st);
    CHECK(exec_ok(db, "PRAGMA cache_size = 50"));
    CHECK(exec_ok(db, CREATE_T));
    CHECK(exec_ok(db, "BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                      "WHERE i < 20000) INSERT INTO t (tx, pad) SELECT i % 97, "
                      "printf('%.300c', 'y') FROM n; "
                      "UPDATE t SET pad = printf('%.310c', 'z') WHERE tx % 3 = 0; "
                      "CREATE INDEX t_tx ON t (tx, pad); COMMIT;"));
    CHECK_QUERY(db, "SELECT count(*) FROM t", "20000");
    CHECK_QUERY(db, "SELECT count(*) FROM t WHERE length(pad) = 310", "6804");
    CHECK_QUERY(db, "PRAGMA integrity_check", "ok");
    store_close(st);
    /* and read again from the file alone */
    sqlite3 *ro = NULL;
    CHECK_INT(sqlite3_open_v2(path, &ro, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    CHECK_QUERY(ro, "SELECT count(*) FROM t INDEXED BY t_tx WHERE tx >= 0", "20000");
    sqlite3_close(ro);
    free(path);
}

/* The writes of every_commit_survives_kill_9, in the child it kills. */
static int hundred_commits(const char *path)
{
    struct store *st = NULL;
    if (store_open(path, &st, NULL, 0) != DT_OK || !exec_ok(store_db(st), CREATE_T))
        return -1;
    for (int i = 0; i < 100; i++)
        if (!write_tx(store_db(st), i))
            return -1;
    return 0;
}

/* Commits made, then the process killed at once: all of them are there. */
TEST(every_commit_survives_kill_9)
{
    char *path = fixture_path();
    CHECK_INT(fixture_kill_after(path, hundred_commits), 0);
    struct store *st = NULL;
    CHECK_INT(store_open(path, &st, NULL, 0), DT_OK);
    if (st) {
        CHECK_QUERY(store_db(st), "SELECT count(*) FROM t", "4000");
        CHECK_QUERY(store_db(st), "PRAGMA integrity_check", "ok");
    }
    store_close(st);
    free(path);
}

int main(void)
{
    if (fixture_init() != 0)
        return 1;
    CHECK(store_walbuf_vfs() != NULL);
    RUN(a_commit_goes_out_in_few_writes);
    RUN(readers_see_whole_commits);
    RUN(a_transaction_bigger_than_the_cache);
    RUN(every_commit_survives_kill_9);
    fixture_done();
    return check_done();
}
