/*
 * store: opening the database (pragmas, migrations), the statement cache and the helpers the
 * other store_*.c files share. See dialtone/store.h for the contract, store_int.h for the
 * internals.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "dialtone/migrations.h"
#include "dialtone/util.h"
#include "store_int.h"

/* ---- helpers shared by the store's files -------------------------------------------------- */

int store_dberr(struct store *st, const char *what, char *err, size_t errlen)
{
    int code = sqlite3_extended_errcode(st->db);
    int rc = (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY) ? DT_EEXIST
                                                                                        : DT_EDB;
    return dt_seterr(err, errlen, rc, "%s: %s", what, sqlite3_errmsg(st->db));
}

sqlite3_stmt *store_stmt(struct store *st, enum store_sql id, char *err, size_t errlen)
{
    sqlite3_stmt *s = st->stmt[id];
    if (!s) {
        if (sqlite3_prepare_v3(st->db, store_sql_text[id], -1, SQLITE_PREPARE_PERSISTENT, &s,
                               NULL) != SQLITE_OK) {
            store_dberr(st, "preparing a statement", err, errlen);
            return NULL;
        }
        st->stmt[id] = s;
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return s;
}

static int run_simple(struct store *st, enum store_sql id, const char *what, char *err,
                      size_t errlen)
{
    sqlite3_stmt *s = store_stmt(st, id, err, errlen);
    if (!s)
        return DT_EDB;
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? DT_OK : store_dberr(st, what, err, errlen);
}

/* DT_EDB when the caller's transaction was rolled back by SQLite itself (after an I/O error,
 * a full disk): a savepoint would then quietly begin a transaction of its own. */
static int tx_alive(struct store *st, char *err, size_t errlen)
{
    if (sqlite3_get_autocommit(st->db))
        return dt_seterr(err, errlen, DT_EDB, "the transaction was rolled back by the database");
    return DT_OK;
}

int store_begin(struct store *st, char *err, size_t errlen)
{
    if (st->in_tx) {
        int rc = tx_alive(st, err, errlen);
        return rc == DT_OK ? run_simple(st, SQL_SAVEPOINT, "savepoint", err, errlen) : rc;
    }
    return run_simple(st, SQL_BEGIN, "begin", err, errlen);
}

int store_commit(struct store *st, char *err, size_t errlen)
{
    if (st->in_tx)
        return run_simple(st, SQL_RELEASE, "release", err, errlen);
    return run_simple(st, SQL_COMMIT, "commit", err, errlen);
}

void store_rollback(struct store *st)
{
    if (st->in_tx) {
        if (run_simple(st, SQL_ROLLBACK_TO, "rollback to", NULL, 0) == DT_OK)
            run_simple(st, SQL_RELEASE, "release", NULL, 0);
    } else if (!sqlite3_get_autocommit(st->db)) {
        run_simple(st, SQL_ROLLBACK, "rollback", NULL, 0);
    }
}

/* ---- the caller's transactions ------------------------------------------------------------ */

int store_tx_begin(struct store *st, char *err, size_t errlen)
{
    if (st->in_tx)
        return dt_seterr(err, errlen, DT_ESTATE, "a transaction is already open");
    int rc = run_simple(st, SQL_BEGIN, "begin", err, errlen);
    if (rc == DT_OK)
        st->in_tx = 1;
    return rc;
}

int store_tx_commit(struct store *st, char *err, size_t errlen)
{
    if (!st->in_tx)
        return dt_seterr(err, errlen, DT_ESTATE, "no transaction is open");
    int rc = tx_alive(st, err, errlen);
    if (rc == DT_OK)
        rc = run_simple(st, SQL_COMMIT, "commit", err, errlen);
    if (rc != DT_OK) {
        if (!sqlite3_get_autocommit(st->db))
            run_simple(st, SQL_ROLLBACK, "rollback", NULL, 0);
    }
    st->in_tx = 0;
    return rc;
}

void store_tx_rollback(struct store *st)
{
    if (!st->in_tx)
        return;
    if (!sqlite3_get_autocommit(st->db))
        run_simple(st, SQL_ROLLBACK, "rollback", NULL, 0);
    st->in_tx = 0;
}

int store_tx_savepoint(struct store *st, char *err, size_t errlen)
{
    if (!st->in_tx)
        return dt_seterr(err, errlen, DT_ESTATE, "no transaction is open");
    int rc = tx_alive(st, err, errlen);
    return rc == DT_OK ? run_simple(st, SQL_TX_SAVEPOINT, "savepoint", err, errlen) : rc;
}

int store_tx_release(struct store *st, char *err, size_t errlen)
{
    if (!st->in_tx)
        return dt_seterr(err, errlen, DT_ESTATE, "no transaction is open");
    int rc = tx_alive(st, err, errlen);
    return rc == DT_OK ? run_simple(st, SQL_TX_RELEASE, "release", err, errlen) : rc;
}

int store_tx_undo(struct store *st, char *err, size_t errlen)
{
    if (!st->in_tx)
        return dt_seterr(err, errlen, DT_ESTATE, "no transaction is open");
    int rc = tx_alive(st, err, errlen);
    if (rc == DT_OK)
        rc = run_simple(st, SQL_TX_ROLLBACK_TO, "rollback to", err, errlen);
    if (rc == DT_OK)
        rc = run_simple(st, SQL_TX_RELEASE, "release", err, errlen);
    return rc;
}

int store_tx_open(const struct store *st)
{
    return st->in_tx;
}

int store_check_text(const char *s, size_t max, int required, const char *what, char *err,
                     size_t errlen)
{
    if (!s || !*s) {
        if (required)
            return dt_seterr(err, errlen, DT_EINVAL, "%s is required", what);
        return DT_OK;
    }
    if (strnlen(s, max + 1) > max)
        return dt_seterr(err, errlen, DT_ETOOBIG, "%s is longer than %zu bytes", what, max);
    return DT_OK;
}

int store_bind_text(sqlite3_stmt *s, int idx, const char *text)
{
    if (!text)
        return sqlite3_bind_null(s, idx);
    return sqlite3_bind_text(s, idx, text, -1, SQLITE_TRANSIENT);
}

int store_bind_opt_int(sqlite3_stmt *s, int idx, int64_t v)
{
    if (v < 0)
        return sqlite3_bind_null(s, idx);
    return sqlite3_bind_int64(s, idx, v);
}

int store_bind_named_text(sqlite3_stmt *s, const char *name, const char *text)
{
    return store_bind_text(s, sqlite3_bind_parameter_index(s, name), text);
}

int store_bind_named_int(sqlite3_stmt *s, const char *name, int64_t v)
{
    return sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, name), v);
}

char *store_col_dup(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    if (!t)
        return NULL;
    return xstrndup((const char *)t, (size_t)sqlite3_column_bytes(s, i));
}

int64_t store_col_int(sqlite3_stmt *s, int i)
{
    if (sqlite3_column_type(s, i) == SQLITE_NULL)
        return STORE_ABSENT;
    return sqlite3_column_int64(s, i);
}

/* ---- opening and migrations --------------------------------------------------------------- */

static int64_t now_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* Runs one statement without parameters, for the pragmas and set-up at open. If out is not
 * NULL it receives the first column of the first row (truncated to outlen). */
static int exec1(struct store *st, const char *sql, char *out, size_t outlen, char *err,
                 size_t errlen)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return store_dberr(st, sql, err, errlen);
    int rc = sqlite3_step(s);
    if (out && outlen) {
        const unsigned char *t = rc == SQLITE_ROW ? sqlite3_column_text(s, 0) : NULL;
        dt_strlcpy(out, t ? (const char *)t : "", outlen);
    }
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        rc = SQLITE_OK;
    sqlite3_finalize(s);
    return rc == SQLITE_OK ? DT_OK : store_dberr(st, sql, err, errlen);
}

static int read_version(struct store *st, int *version, char *err, size_t errlen)
{
    char buf[32];
    int rc = exec1(st, "SELECT COALESCE(MAX(version), 0) FROM schema_version", buf, sizeof buf, err,
                   errlen);
    if (rc == DT_OK)
        *version = atoi(buf);
    return rc;
}

static int record_version(struct store *st, const struct migrations_entry *m, char *err,
                          size_t errlen)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(
            st->db, "INSERT INTO schema_version (version, name, applied_ms) VALUES (?, ?, ?)", -1,
            &s, NULL) != SQLITE_OK)
        return store_dberr(st, "recording the schema version", err, errlen);
    sqlite3_bind_int(s, 1, m->version);
    sqlite3_bind_text(s, 2, m->name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, now_ms());
    int rc = sqlite3_step(s) == SQLITE_DONE
                 ? DT_OK
                 : store_dberr(st, "recording the schema version", err, errlen);
    sqlite3_finalize(s);
    return rc;
}

/* Whether migration version has been applied (recorded in schema_version). */
static int recorded(struct store *st, int version, int *yes, char *err, size_t errlen)
{
    char sql[96], buf[8];
    snprintf(sql, sizeof sql, "SELECT 1 FROM schema_version WHERE version = %d", version);
    int rc = exec1(st, sql, buf, sizeof buf, err, errlen);
    *yes = rc == DT_OK && buf[0] == '1';
    return rc;
}

/*
 * Applies one migration in its own transaction, unless another process did it meanwhile.
 * Foreign keys are not enforced while it runs, so that a migration can build a table again
 * under its name (SQLite's own procedure for changes ALTER TABLE cannot make); they are
 * checked before the commit instead, and a migration that leaves one broken is rolled back.
 */
static int apply_migration(struct store *st, const struct migrations_entry *m, char *err,
                           size_t errlen)
{
    int done = 0, rc = exec1(st, "PRAGMA foreign_keys=OFF", NULL, 0, err, errlen);
    if (rc == DT_OK)
        rc = store_begin(st, err, errlen);
    if (rc == DT_OK)
        rc = recorded(st, m->version, &done, err, errlen);
    if (rc == DT_OK && !done) {
        char *msg = NULL, broken[64] = "";
        if (sqlite3_exec(st->db, m->sql, NULL, NULL, &msg) != SQLITE_OK) {
            rc = dt_seterr(err, errlen, DT_EDB, "migration %04d_%s failed: %s", m->version, m->name,
                           msg ? msg : sqlite3_errmsg(st->db));
            sqlite3_free(msg);
        } else if ((rc = exec1(st, "PRAGMA foreign_key_check", broken, sizeof broken, err,
                               errlen)) == DT_OK &&
                   broken[0]) {
            rc = dt_seterr(err, errlen, DT_EDB,
                           "migration %04d_%s failed: it broke foreign keys of table %s",
                           m->version, m->name, broken);
        } else if (rc == DT_OK) {
            rc = record_version(st, m, err, errlen);
        }
    }
    if (rc == DT_OK)
        rc = store_commit(st, err, errlen);
    if (rc != DT_OK)
        store_rollback(st);
    int fk = exec1(st, "PRAGMA foreign_keys=ON", NULL, 0, rc == DT_OK ? err : NULL,
                   rc == DT_OK ? errlen : 0);
    return rc == DT_OK ? fk : rc;
}

/* Applies every migration not yet recorded, in order: one missing below the newest recorded
 * (written later than a newer one, as happens between branches) is applied too. */
static int migrate(struct store *st, char *err, size_t errlen)
{
    int rc = exec1(st,
                   "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                   "name TEXT NOT NULL, applied_ms INTEGER NOT NULL)",
                   NULL, 0, err, errlen);
    int cur = 0;
    if (rc == DT_OK)
        rc = read_version(st, &cur, err, errlen);
    if (rc != DT_OK)
        return rc;
    int latest = migrations_count > 0 ? migrations_table[migrations_count - 1].version : 0;
    if (cur > latest)
        return dt_seterr(err, errlen, DT_ESTATE,
                         "the database's schema version %d is newer than this dialtone's (%d): "
                         "it was written by a newer dialtone; upgrade dialtone to use it",
                         cur, latest);
    for (int i = 0; i < migrations_count && rc == DT_OK; i++) {
        int done = 0;
        rc = recorded(st, migrations_table[i].version, &done, err, errlen);
        if (rc == DT_OK && !done)
            rc = apply_migration(st, &migrations_table[i], err, errlen);
    }
    if (rc == DT_OK)
        rc = read_version(st, &st->version, err, errlen);
    return rc;
}

/*
 * Waits for a lock another connection holds, STORE_BUSY_TIMEOUT_MS at most, in steps of
 * 100 us. SQLite's own wait sleeps 1, 2, 5, 10, 15... ms between tries, so that a lock held
 * 3 ms (the checkpoint thread starting the WAL over) kept the daemon's loop asleep for 8 and
 * one held 9 ms for 28: every webhook and push in flight waited that long.
 */
#define BUSY_STEP_US 100
static int busy_wait(void *user, int tries)
{
    (void)user;
    if ((int64_t)tries * BUSY_STEP_US >= (int64_t)STORE_BUSY_TIMEOUT_MS * 1000)
        return 0;
    usleep(BUSY_STEP_US);
    return 1;
}

static int configure(struct store *st, int in_memory, char *err, size_t errlen)
{
    char mode[16];
    sqlite3_extended_result_codes(st->db, 1);
    sqlite3_busy_handler(st->db, busy_wait, NULL);
    sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    /* 500 slots of small allocations (SQLite's default is 100): a batch of webhooks used them
     * up and went on to malloc */
    sqlite3_db_config(st->db, SQLITE_DBCONFIG_LOOKASIDE, NULL, 1200, 500);
    int rc = exec1(st, "PRAGMA journal_mode=WAL", mode, sizeof mode, err, errlen);
    if (rc == DT_OK && strcmp(mode, "wal") != 0 && !(in_memory && strcmp(mode, "memory") == 0))
        rc = dt_seterr(err, errlen, DT_EDB, "cannot turn on WAL mode (journal mode is \"%s\")",
                       mode);
    if (rc == DT_OK)
        rc = exec1(st, "PRAGMA synchronous=NORMAL", NULL, 0, err, errlen);
    if (rc == DT_OK)
        rc = exec1(st, "PRAGMA foreign_keys=ON", NULL, 0, err, errlen);
    /* Savepoints and statements inside a transaction (the daemon stores a batch of webhooks
     * in one) journal the pages they change. With temp_store left to files, SQLite keeps that
     * journal in memory in one chunk of up to 64 KB and writes a temporary file only past it;
     * temp_store=MEMORY would keep it in chunks of 1 KB, five allocations a page. */
    return rc;
}

/* Settings of SQLite as a whole, made before its first use in the process (where it was
 * started before, as by a test that opened a database itself, sqlite3_config refuses and the
 * defaults stay: only slower): no memory statistics, which take a global lock at every
 * allocation. The statement journal's spill size stays SQLite's own: raised to 256 KB, it made
 * any statement whose journal outgrew that (CREATE INDEX over 20,000 calls in a transaction, as
 * a migration does) fail with "database or disk is full". */
static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;

static void configure_sqlite(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int store_open(const char *path, struct store **out, char *err, size_t errlen)
{
    pthread_once(&sqlite_once, configure_sqlite);
    *out = NULL;
    if (!path || !*path)
        return dt_seterr(err, errlen, DT_EINVAL, "no database path");
    int in_memory = strcmp(path, ":memory:") == 0;
    if (!in_memory) {
        /* Create the file private to its owner; SQLite gives its -wal and -shm the same mode. */
        int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd >= 0)
            close(fd);
    }
    struct store *st = xcalloc(1, sizeof *st);
    int rc = DT_OK;
    if (sqlite3_open_v2(path, &st->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        in_memory ? NULL : store_walbuf_vfs()) != SQLITE_OK) {
        rc = dt_seterr(err, errlen, DT_EDB, "cannot open %s: %s", path,
                       st->db ? sqlite3_errmsg(st->db) : "out of memory");
    }
    if (rc == DT_OK)
        rc = configure(st, in_memory, err, errlen);
    if (rc == DT_OK)
        rc = migrate(st, err, errlen);
    if (rc == DT_OK && !in_memory)
        rc = store_ckpt_start(st, path, err, errlen);
    if (rc != DT_OK) {
        store_close(st);
        return rc;
    }
    *out = st;
    return DT_OK;
}

void store_close(struct store *st)
{
    if (!st)
        return;
    store_ckpt_stop(st);
    for (int i = 0; i < STORE_SQL_COUNT; i++)
        sqlite3_finalize(st->stmt[i]);
    store_history_finalize(st);
    sqlite3_close(st->db);
    free(st);
}

int store_schema_version(const struct store *st)
{
    return st->version;
}

struct sqlite3 *store_db(struct store *st)
{
    return st->db;
}
