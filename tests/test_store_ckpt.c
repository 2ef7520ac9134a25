/*
 * Tests for the store's checkpoint thread: on a database file, commits that grow the WAL past
 * its threshold get it copied into the database by the thread (the file grows while the
 * writer never checkpoints itself), and what was written reads back after close and reopen.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "check.h"
#include "dialtone/store.h"
#include "dialtone/util.h"

#define ROWS    3000
#define BODY_SZ 3000

static long file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (long)sb.st_size : -1;
}

static void remove_db(const char *dir)
{
    const char *const files[] = {"c.db", "c.db-wal", "c.db-shm"};
    char path[160];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
}

TEST(wal_checkpointed_beside_the_writer)
{
    char dir[64] = "/tmp/dialtone-ckpt-XXXXXX", db[96], err[256] = "";
    CHECK(mkdtemp(dir) != NULL);
    snprintf(db, sizeof db, "%s/c.db", dir);
    struct store *st = NULL;
    CHECK_INT(store_open(db, &st, err, sizeof err), DT_OK);
    long before = file_size(db);
    char *body = xmalloc(BODY_SZ + 1);
    memset(body, 'x', BODY_SZ);
    body[BODY_SZ] = '\0';
    int failed = 0;
    for (int i = 0; i < ROWS; i += 10) {
        failed += store_tx_begin(st, err, sizeof err) != DT_OK;
        for (int k = 0; k < 10; k++) {
            struct store_webhook w = {.received_ms = 1700000000000LL + i + k,
                                      .path = "/twilio/status",
                                      .signature_ok = 1,
                                      .body = body,
                                      .body_len = BODY_SZ};
            failed += store_webhook_log(st, &w, NULL, err, sizeof err) != DT_OK;
        }
        failed += store_tx_commit(st, err, sizeof err) != DT_OK;
    }
    CHECK_INT(failed, 0);
    /* about 9 MB went through the WAL; the thread copies it into the database */
    long after = file_size(db);
    for (int waited = 0; after < 4L << 20 && waited < 20000; waited += 20) {
        usleep(20000);
        after = file_size(db);
    }
    printf("  database file %ld bytes before, %ld after\n", before, after);
    CHECK(after >= 4L << 20);
    store_close(st);
    CHECK_INT(store_open(db, &st, err, sizeof err), DT_OK);
    sqlite3_stmt *q = NULL;
    long n = -1;
    if (sqlite3_prepare_v2(store_db(st), "SELECT count(*) FROM webhook_log", -1, &q, NULL) ==
            SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW)
        n = (long)sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    CHECK_INT(n, ROWS);
    store_close(st);
    free(body);
    remove_db(dir);
}

int main(void)
{
    RUN(wal_checkpointed_beside_the_writer);
    return check_done();
}
