/*
 * store_ckpt: WAL checkpoints on a thread of the store's own, so that the thread writing
 * (the daemon's loop) never waits for them. SQLite would otherwise copy the WAL into the
 * database and sync both files inside the commit that crossed its threshold, stalling that
 * writer for milliseconds. Here the commit only signals; a second connection runs a passive
 * checkpoint (which never blocks the writer or the readers) beside it, then, when the WAL has
 * grown long, a short one holding the writer's lock that lets the WAL start over. Should it
 * still grow past STORE_CKPT_PAGES_MAX (the thread cannot keep up), the writer checkpoints
 * itself.
 * A checkpoint changes nothing that was committed: durability is the WAL's, as before.
 */
#include <pthread.h>
#include <stdlib.h>

#include "dialtone/log.h"
#include "dialtone/util.h"
#include "store_int.h"

#define STORE_CKPT_PAGES     1000  /* SQLite's own default threshold, and the step after it */
#define STORE_CKPT_PAGES_MAX 32000 /* about 128 MB of WAL */
#define STORE_CKPT_RESTART   16000 /* frames (64 MB) after which the thread starts the WAL again */
#define STORE_CKPT_WAIT_MS   250   /* how long it waits for the writer's lock to do so */

struct store_ckpt {
    sqlite3 *db; /* the thread's connection */
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int want, stop;
    int signalled; /* the WAL's frames at the last signal (the writer's thread only) */
};

static void *ckpt_main(void *arg)
{
    struct store_ckpt *c = arg;
    pthread_mutex_lock(&c->mu);
    for (;;) {
        while (!c->want && !c->stop)
            pthread_cond_wait(&c->cv, &c->mu);
        if (c->stop)
            break;
        c->want = 0;
        pthread_mutex_unlock(&c->mu);
        int frames = 0;
        int rc = sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &frames, NULL);
        /* Under steady writes a passive checkpoint never catches up with the last frame, so
         * the WAL is never started again and grows: past STORE_CKPT_RESTART frames, copy the
         * few the writer added meanwhile holding its lock, and the next commit restarts it. */
        if (rc == SQLITE_OK && frames >= STORE_CKPT_RESTART) {
            /* once more without the lock first, so that the locked one has little to copy */
            rc = sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
            if (rc == SQLITE_OK)
                rc = sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_RESTART, NULL, NULL);
        }
        if (rc != SQLITE_OK && rc != SQLITE_BUSY)
            log_warn("store: checkpoint: %s", sqlite3_errmsg(c->db));
        pthread_mutex_lock(&c->mu);
    }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

/* SQLite's WAL hook, called on the writer's thread after each commit with the WAL's size. The
 * thread is woken once the WAL reaches STORE_CKPT_PAGES frames and then at every
 * STORE_CKPT_PAGES more, not after every commit past it: each checkpoint first sorts the WAL's
 * index of the frames not yet copied (thousands of them), which after every commit of a few
 * pages cost the thread more than the commits cost the writer. */
static int on_commit(void *user, sqlite3 *db, const char *name, int pages)
{
    struct store_ckpt *c = user;
    if (pages < c->signalled)
        c->signalled = 0; /* the WAL started over */
    if (pages >= STORE_CKPT_PAGES_MAX) {
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    } else if (pages >= c->signalled + STORE_CKPT_PAGES) {
        c->signalled = pages;
        pthread_mutex_lock(&c->mu);
        c->want = 1;
        pthread_cond_signal(&c->cv);
        pthread_mutex_unlock(&c->mu);
    }
    return SQLITE_OK;
}

int store_ckpt_start(struct store *st, const char *path, char *err, size_t errlen)
{
    struct store_ckpt *c = xcalloc(1, sizeof *c);
    /* The connection learns that the file is in WAL mode (a checkpoint does not tell it) by
     * reading it once. */
    if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
            SQLITE_OK ||
        sqlite3_exec(c->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) != SQLITE_OK) {
        int rc = dt_seterr(err, errlen, DT_EDB, "cannot open %s for checkpoints: %s", path,
                           c->db ? sqlite3_errmsg(c->db) : "out of memory");
        sqlite3_close(c->db);
        free(c);
        return rc;
    }
    sqlite3_busy_timeout(c->db, STORE_CKPT_WAIT_MS);
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    if (pthread_create(&c->thread, NULL, ckpt_main, c) != 0) {
        pthread_mutex_destroy(&c->mu);
        pthread_cond_destroy(&c->cv);
        sqlite3_close(c->db);
        free(c);
        return dt_seterr(err, errlen, DT_EIO, "cannot start the checkpoint thread");
    }
    st->ckpt = c;
    sqlite3_wal_hook(st->db, on_commit, c); /* replaces SQLite's automatic checkpoints */
    return DT_OK;
}

void store_ckpt_stop(struct store *st)
{
    struct store_ckpt *c = st->ckpt;
    if (!c)
        return;
    sqlite3_wal_hook(st->db, NULL, NULL);
    pthread_mutex_lock(&c->mu);
    c->stop = 1;
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->mu);
    pthread_join(c->thread, NULL);
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->cv);
    sqlite3_close(c->db);
    free(c);
    st->ckpt = NULL;
}
