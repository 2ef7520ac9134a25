/*
 * store_fixture: what the store's test binaries share: a mkdtemp directory for their
 * databases (removed at the end), opening a fresh store in it, and one-value SQL queries.
 */
#ifndef DIALTONE_STORE_FIXTURE_H
#define DIALTONE_STORE_FIXTURE_H

#include <dirent.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "dialtone/migrations.h"
#include "dialtone/store.h"
#include "dialtone/util.h"

static char fixture_dir[64];
static int fixture_dbno;

/* Creates the test directory; 0 on success. */
static inline int fixture_init(void)
{
    char tmpl[] = "/tmp/dialtone-store-XXXXXX";
    if (!mkdtemp(tmpl)) {
        perror("mkdtemp");
        return -1;
    }
    dt_strlcpy(fixture_dir, tmpl, sizeof fixture_dir);
    return 0;
}

/* Removes the test directory and the files in it. */
static inline void fixture_done(void)
{
    DIR *d = opendir(fixture_dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *p = xasprintf("%s/%s", fixture_dir, e->d_name);
        unlink(p);
        free(p);
    }
    if (d)
        closedir(d);
    rmdir(fixture_dir);
}

/* A fresh database path in the test directory; the caller frees it. */
static inline char *fixture_path(void)
{
    return xasprintf("%s/t%d.db", fixture_dir, fixture_dbno++);
}

/* Opens a store on a fresh file (its path in *path_out, to free, when not NULL). */
static inline struct store *fixture_open(char **path_out)
{
    char err[256] = "";
    char *path = fixture_path();
    struct store *st = NULL;
    int rc = store_open(path, &st, err, sizeof err);
    if (rc != DT_OK)
        printf("  store_open: %s\n", err);
    CHECK_INT(rc, DT_OK);
    if (path_out)
        *path_out = path;
    else
        free(path);
    return st;
}

/* Runs work(path) in a child process and kills it with SIGKILL as soon as work has returned
 * 0, as a crash right after its last write would. 0 when work succeeded and the child died of
 * the kill, else -1. */
static inline int fixture_kill_after(const char *path, int (*work)(const char *path))
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        if (work(path) != 0 || write(fds[1], "k", 1) != 1)
            _exit(2);
        for (;;)
            pause();
    }
    close(fds[1]);
    char c = 0;
    int done = pid > 0 && read(fds[0], &c, 1) == 1;
    close(fds[0]);
    if (pid > 0)
        kill(pid, SIGKILL);
    int status = 0;
    if (pid > 0)
        waitpid(pid, &status, 0);
    return done && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL ? 0 : -1;
}

/* The first column of the first row of sql as text, "" if none; the caller frees it. */
static inline char *fixture_query(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s;
    char *out = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK) {
        if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
            out = xstrdup((const char *)sqlite3_column_text(s, 0));
        sqlite3_finalize(s);
    }
    return out ? out : xstrdup("");
}

#define CHECK_QUERY(db, sql, want)                                                                 \
    do {                                                                                           \
        char *fixture_got_ = fixture_query((db), (sql));                                           \
        CHECK_STR(fixture_got_, (want));                                                           \
        free(fixture_got_);                                                                        \
    } while (0)

/*
 * Builds a database at path as an older dialtone left it: WAL, the schema_version table and
 * every embedded migration below version `before`, each recorded; then seed_sql (NULL: none).
 * 0 on success, -1 on any SQLite error.
 */
static inline int sf_build_before(const char *path, int before, const char *seed_sql)
{
    sqlite3 *db;
    if (sqlite3_open(path, &db) != SQLITE_OK) {
        sqlite3_close(db);
        return -1;
    }
    int rc = sqlite3_exec(db,
                          "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; "
                          "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT "
                          "NOT NULL, applied_ms INTEGER NOT NULL)",
                          NULL, NULL, NULL);
    for (int i = 0; rc == SQLITE_OK && i < migrations_count; i++) {
        if (migrations_table[i].version >= before)
            break;
        char *rec = xasprintf("INSERT INTO schema_version VALUES (%d, '%s', 1)",
                              migrations_table[i].version, migrations_table[i].name);
        rc = sqlite3_exec(db, migrations_table[i].sql, NULL, NULL, NULL);
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(db, rec, NULL, NULL, NULL);
        free(rec);
    }
    if (rc == SQLITE_OK && seed_sql)
        rc = sqlite3_exec(db, seed_sql, NULL, NULL, NULL);
    sqlite3_close(db);
    return rc == SQLITE_OK ? 0 : -1;
}

#endif
