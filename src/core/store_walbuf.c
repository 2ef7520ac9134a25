/*
 * store_walbuf: a SQLite VFS over the default one that hands the frames of one WAL commit to
 * the kernel in one write. SQLite writes each frame with two calls (its 24-byte header, then
 * its page), and a frame of 4,120 bytes straddles two of the kernel's 4,096-byte pages, so a
 * commit of 17 pages cost 34 writes and about 51 page updates in the file system, a fifth of
 * the daemon's time under webhooks. Here frames appended at the end of the WAL gather in a
 * buffer, written out when the commit frame's page arrives, inside that write (so its error
 * is the commit's, as before): when SQLite returns from the commit, every byte of it is in
 * the file, as without the buffer, and a kill -9 after it loses nothing.
 *
 * Only appends are gathered: a frame header written at or past the furthest point written so
 * far, and the page that follows it. Anything else (the WAL's own header when it starts over,
 * pages rewritten in place within a transaction, the checksums SQLite rewrites after them) is
 * written through, after what is gathered; and any other use of the file (a read, a sync, its
 * size, a truncation, a lock, closing it) first writes out what is gathered. Frames no commit
 * frame has ended (a transaction too big for the page cache spilling) can stay gathered while
 * the transaction goes on: no other connection reads a frame before the commit that makes it
 * part of the database, and the writer's own reads write them out first.
 *
 * Only the WAL goes through the buffer; the database file and the shared memory are the
 * default VFS's own objects, opened in place, so that locking between connections (this
 * one, the checkpoint thread's, readers') is exactly SQLite's.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "dialtone/util.h"
#include "store_int.h"

/* Gathered at most: the default VFS writes at most 128 KB - 1 bytes in one call (it masks the
 * length with 0x1ffff, and a longer write comes out short: "disk full"). */
#define WALBUF_CAP   0x1ffff
#define FRAME_HEADER 24
#define PAGE_MAX     65536 /* SQLite's largest page, until a frame tells the WAL's own */

struct walbuf_file {
    sqlite3_file base;
    sqlite3_file *real; /* the default VFS's file, right after this struct */
    unsigned char *buf;
    size_t len;
    sqlite3_int64 off;      /* where buf goes in the file */
    sqlite3_int64 furthest; /* the end of the furthest write so far */
    int commit;             /* the last header gathered was a commit frame's */
    int want_page;          /* a header was gathered; its page is expected next */
    int page;               /* the WAL's page size once a frame showed it, else 0 */
};

static sqlite3_vfs walbuf_vfs;
static sqlite3_vfs *real_vfs;
static atomic_ulong n_gathered, n_flushes, n_through;

static void count(atomic_ulong *n)
{
    atomic_fetch_add_explicit(n, 1, memory_order_relaxed);
}

static int write_out(struct walbuf_file *f)
{
    if (!f->len)
        return SQLITE_OK;
    int rc = f->real->pMethods->xWrite(f->real, f->buf, (int)f->len, f->off);
    count(&n_flushes);
    f->len = 0;
    f->commit = f->want_page = 0;
    return rc;
}

static void gather(struct walbuf_file *f, const void *data, int amt, sqlite3_int64 off)
{
    if (!f->len)
        f->off = off;
    memcpy(f->buf + f->len, data, (size_t)amt);
    f->len += (size_t)amt;
    count(&n_gathered);
}

static sqlite3_uint64 be32(const unsigned char *p)
{
    return (sqlite3_uint64)p[0] << 24 | (sqlite3_uint64)p[1] << 16 | (sqlite3_uint64)p[2] << 8 |
           p[3];
}

static int wb_write(sqlite3_file *file, const void *data, int amt, sqlite3_int64 off)
{
    struct walbuf_file *f = (struct walbuf_file *)file;
    sqlite3_int64 end = off + amt;
    int rc;
    if (f->want_page && off == f->off + (sqlite3_int64)f->len && amt > FRAME_HEADER &&
        f->len + (size_t)amt <= WALBUF_CAP) {
        gather(f, data, amt, off); /* the page of the header just gathered */
        f->want_page = 0;
        f->page = amt;
        f->furthest = end > f->furthest ? end : f->furthest;
        return f->commit ? write_out(f) : SQLITE_OK;
    }
    if (amt == FRAME_HEADER && off >= f->furthest && off > 0) {
        int follows = off == f->off + (sqlite3_int64)f->len && !f->want_page;
        size_t frame = FRAME_HEADER + (size_t)(f->page ? f->page : PAGE_MAX);
        if (f->len && (!follows || f->len + frame > WALBUF_CAP) && (rc = write_out(f)) != SQLITE_OK)
            return rc;
        gather(f, data, amt, off);
        f->commit = be32((const unsigned char *)data + 4) != 0; /* the database size */
        f->want_page = 1;
        f->furthest = end;
        return SQLITE_OK;
    }
    if ((rc = write_out(f)) != SQLITE_OK)
        return rc;
    count(&n_through);
    /* the WAL starting over writes its header at 0: the end is that header's */
    f->furthest = off == 0 ? end : (end > f->furthest ? end : f->furthest);
    return f->real->pMethods->xWrite(f->real, data, amt, off);
}

static int wb_close(sqlite3_file *file)
{
    struct walbuf_file *f = (struct walbuf_file *)file;
    int rc = write_out(f);
    int crc = f->real->pMethods ? f->real->pMethods->xClose(f->real) : SQLITE_OK;
    free(f->buf);
    f->buf = NULL;
    return rc != SQLITE_OK ? rc : crc;
}

static int wb_read(sqlite3_file *file, void *data, int amt, sqlite3_int64 off)
{
    struct walbuf_file *f = (struct walbuf_file *)file;
    int rc = write_out(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xRead(f->real, data, amt, off);
}

static int wb_truncate(sqlite3_file *file, sqlite3_int64 size)
{
    struct walbuf_file *f = (struct walbuf_file *)file;
    int rc = write_out(f);
    if (rc != SQLITE_OK)
        return rc;
    if (f->furthest > size)
        f->furthest = size;
    return f->real->pMethods->xTruncate(f->real, size);
}

static int wb_sync(sqlite3_file *file, int flags)
{
    struct walbuf_file *f = (struct walbuf_file *)file;
    int rc = write_out(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xSync(f->real, flags);
}

static int wb_file_size(sqlite3_file *file, sqlite3_int64 *size)
{
    struct walbuf_file *f = (struct walbuf_file *)file;
    int rc = write_out(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xFileSize(f->real, size);
}

static int wb_lock(sqlite3_file *file, int level)
{
    struct walbuf_file *f = (struct walbuf_file *)file;
    int rc = write_out(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xLock(f->real, level);
}

static int wb_unlock(sqlite3_file *file, int level)
{
    struct walbuf_file *f = (struct walbuf_file *)file;
    int rc = write_out(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xUnlock(f->real, level);
}

static int wb_check_reserved(sqlite3_file *file, int *out)
{
    struct walbuf_file *f = (struct walbuf_file *)file;
    return f->real->pMethods->xCheckReservedLock(f->real, out);
}

static int wb_file_control(sqlite3_file *file, int op, void *arg)
{
    struct walbuf_file *f = (struct walbuf_file *)file;
    int rc = write_out(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xFileControl(f->real, op, arg);
}

static int wb_sector_size(sqlite3_file *file)
{
    struct walbuf_file *f = (struct walbuf_file *)file;
    return f->real->pMethods->xSectorSize(f->real);
}

static int wb_device(sqlite3_file *file)
{
    struct walbuf_file *f = (struct walbuf_file *)file;
    return f->real->pMethods->xDeviceCharacteristics(f->real);
}

/* Version 1: SQLite asks a WAL file for neither shared memory nor memory maps. */
static const sqlite3_io_methods walbuf_io = {
    .iVersion = 1,
    .xClose = wb_close,
    .xRead = wb_read,
    .xWrite = wb_write,
    .xTruncate = wb_truncate,
    .xSync = wb_sync,
    .xFileSize = wb_file_size,
    .xLock = wb_lock,
    .xUnlock = wb_unlock,
    .xCheckReservedLock = wb_check_reserved,
    .xFileControl = wb_file_control,
    .xSectorSize = wb_sector_size,
    .xDeviceCharacteristics = wb_device,
};

static int wb_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *file, int flags,
                   int *out_flags)
{
    (void)vfs;
    if (!(flags & SQLITE_OPEN_WAL)) /* the default VFS's file itself, in place */
        return real_vfs->xOpen(real_vfs, name, file, flags, out_flags);
    struct walbuf_file *f = (struct walbuf_file *)file;
    memset(f, 0, sizeof *f);
    f->real = (sqlite3_file *)(f + 1);
    f->buf = malloc(WALBUF_CAP);
    if (!f->buf)
        return SQLITE_NOMEM;
    int rc = real_vfs->xOpen(real_vfs, name, f->real, flags, out_flags);
    if (rc != SQLITE_OK) {
        free(f->buf);
        f->buf = NULL;
        /* SQLite calls xClose only when pMethods is set: leave it NULL */
        return rc;
    }
    f->base.pMethods = &walbuf_io;
    return SQLITE_OK;
}

static int wb_delete(sqlite3_vfs *v, const char *name, int sync_dir)
{
    (void)v;
    return real_vfs->xDelete(real_vfs, name, sync_dir);
}

static int wb_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
    (void)v;
    return real_vfs->xAccess(real_vfs, name, flags, out);
}

static int wb_full_pathname(sqlite3_vfs *v, const char *name, int n, char *out)
{
    (void)v;
    return real_vfs->xFullPathname(real_vfs, name, n, out);
}

static int wb_randomness(sqlite3_vfs *v, int n, char *out)
{
    (void)v;
    return real_vfs->xRandomness(real_vfs, n, out);
}

static int wb_sleep(sqlite3_vfs *v, int us)
{
    (void)v;
    return real_vfs->xSleep(real_vfs, us);
}

static int wb_current_time(sqlite3_vfs *v, double *out)
{
    (void)v;
    return real_vfs->xCurrentTime(real_vfs, out);
}

static int wb_last_error(sqlite3_vfs *v, int n, char *out)
{
    (void)v;
    return real_vfs->xGetLastError ? real_vfs->xGetLastError(real_vfs, n, out) : 0;
}

static int wb_current_time64(sqlite3_vfs *v, sqlite3_int64 *out)
{
    (void)v;
    return real_vfs->xCurrentTimeInt64(real_vfs, out);
}

static pthread_once_t walbuf_once = PTHREAD_ONCE_INIT;
static int walbuf_ready;

static void walbuf_register(void)
{
    real_vfs = sqlite3_vfs_find(NULL);
    if (!real_vfs || real_vfs->iVersion < 2 || !real_vfs->xCurrentTimeInt64)
        return;
    walbuf_vfs = (sqlite3_vfs){
        .iVersion = 2,
        .szOsFile = (int)sizeof(struct walbuf_file) + real_vfs->szOsFile,
        .mxPathname = real_vfs->mxPathname,
        .zName = STORE_WALBUF_VFS,
        .xOpen = wb_open,
        .xDelete = wb_delete,
        .xAccess = wb_access,
        .xFullPathname = wb_full_pathname,
        .xRandomness = wb_randomness,
        .xSleep = wb_sleep,
        .xCurrentTime = wb_current_time,
        .xGetLastError = wb_last_error,
        .xCurrentTimeInt64 = wb_current_time64,
    };
    walbuf_ready = sqlite3_vfs_register(&walbuf_vfs, 0) == SQLITE_OK;
}

const char *store_walbuf_vfs(void)
{
    pthread_once(&walbuf_once, walbuf_register);
    return walbuf_ready ? STORE_WALBUF_VFS : NULL;
}

void store_walbuf_counts(struct store_walbuf_counts *out)
{
    out->gathered = atomic_load_explicit(&n_gathered, memory_order_relaxed);
    out->flushes = atomic_load_explicit(&n_flushes, memory_order_relaxed);
    out->through = atomic_load_explicit(&n_through, memory_order_relaxed);
}
