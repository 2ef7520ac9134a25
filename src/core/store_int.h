/*
 * store_int: what the store's source files (store.c, store_sql.c, store_calls.c,
 * store_history.c, store_people.c, store_events.c, store_ckpt.c, store_rows.c...) share and
 * nothing else sees: the struct behind the opaque handle, the statement cache, and small
 * helpers for binding, stepping and reading columns.
 */
#ifndef DIALTONE_STORE_INT_H
#define DIALTONE_STORE_INT_H

#include <sqlite3.h>

#include "dialtone/store.h"

/* The cached statements; their SQL text is store_sql_text[id] (store_sql.c). */
enum store_sql {
    SQL_BEGIN,
    SQL_COMMIT,
    SQL_ROLLBACK,
    SQL_SAVEPOINT,
    SQL_RELEASE,
    SQL_ROLLBACK_TO,
    SQL_TX_SAVEPOINT,
    SQL_TX_RELEASE,
    SQL_TX_ROLLBACK_TO,
    SQL_WEBHOOK_INSERT,
    SQL_EVENT_INSERT,
    SQL_CALL_POS,
    SQL_CALL_UPSERT,
    SQL_CALL_UPDATE,
    SQL_CALL_GET,
    SQL_CALL_EVENTS,
    SQL_AGENT_INSERT,
    SQL_AGENT_BY_NAME,
    SQL_AGENT_BY_TOKEN,
    SQL_AGENT_LIST,
    SQL_AGENT_SET_STATE,
    SQL_QUEUE_UPSERT,
    SQL_QUEUE_GET,
    SQL_QUEUE_LIST,
    SQL_CALL_COUNTS,
    SQL_QUEUE_WAITING,
    SQL_CALLS_IN_CONF,
    SQL_LOG_EVENT_INSERT,
    SQL_LOG_EVENTS_AFTER,
    SQL_LOG_EVENT_LAST,
    STORE_SQL_COUNT
};

extern const char *const store_sql_text[STORE_SQL_COUNT];

/* History statements are cached per combination of filters, one bit each (store_history.c). */
#define STORE_HISTORY_VARIANTS 256

/* Room for the parameters of the call upsert (store_calls.c). */
#define STORE_CALL_PARAMS 40

/* The columns of a call, in the order store_read_call() expects them. */
#define STORE_CALL_COLUMNS                                                                         \
    "sid, parent_sid, account_sid, direction, from_number, to_number, caller_name, queue, "        \
    "agent, status, status_seq, error_code, error_message, sip_code, answered_by, queue_result, "  \
    "queue_time_s, duration_s, price, price_unit, recording_sid, recording_url, "                  \
    "recording_duration_s, recording_status, created_ms, answered_ms, ended_ms, updated_ms, "      \
    "recording_channels, recording_source, conference, conference_sid"

struct store {
    sqlite3 *db;
    int version;
    int in_tx; /* a transaction begun with store_tx_begin is open */
    sqlite3_stmt *stmt[STORE_SQL_COUNT];
    sqlite3_stmt *history[STORE_HISTORY_VARIANTS];
    struct store_ckpt *ckpt; /* the checkpoint thread of a database file (store_ckpt.c) */
    /* Parameter indexes of the call upsert [0] and update [1] (store_calls.c). */
    int call_params[2][STORE_CALL_PARAMS];
    int call_params_ready[2];
};

/* The VFS that gathers a WAL commit's frames into one write (store_walbuf.c): its name, for
 * sqlite3_open_v2, registered on first call; NULL when the default VFS cannot carry it (then
 * open with the default). */
#define STORE_WALBUF_VFS "dialtone-walbuf"
const char *store_walbuf_vfs(void);

/* What it did, over the whole process: writes gathered, the writes they went out in, and
 * writes passed through as they came. */
struct store_walbuf_counts {
    unsigned long gathered, flushes, through;
};
void store_walbuf_counts(struct store_walbuf_counts *out);

/* The cached statement id, prepared on first use, reset and with bindings cleared. NULL on
 * error, with detail in err. */
sqlite3_stmt *store_stmt(struct store *st, enum store_sql id, char *err, size_t errlen);

/* Turns the database's last error into DT_EEXIST (a uniqueness constraint) or DT_EDB, with
 * "what: sqlite's message" in err. */
int store_dberr(struct store *st, const char *what, char *err, size_t errlen);

/* BEGIN IMMEDIATE, COMMIT, ROLLBACK (rollback ignores errors: it is a cleanup path); inside a
 * transaction of store_tx_begin, a savepoint, its release and a rollback to it, so that one
 * store_* write stays all or nothing within the caller's transaction. */
int store_begin(struct store *st, char *err, size_t errlen);
int store_commit(struct store *st, char *err, size_t errlen);
void store_rollback(struct store *st);

/* Checks a text argument: DT_EINVAL if required and NULL or empty, DT_ETOOBIG if longer than
 * max bytes. what names it in the message. */
int store_check_text(const char *s, size_t max, int required, const char *what, char *err,
                     size_t errlen);

/* Binds s (NULL binds SQL NULL) or v (negative binds NULL) to parameter idx, or to the named
 * parameter name (which must exist in the statement). Return SQLite's code. */
int store_bind_text(sqlite3_stmt *s, int idx, const char *text);
int store_bind_opt_int(sqlite3_stmt *s, int idx, int64_t v);
int store_bind_named_text(sqlite3_stmt *s, const char *name, const char *text);
int store_bind_named_int(sqlite3_stmt *s, const char *name, int64_t v);

/* Column i as a new string (NULL for SQL NULL), or as an integer (STORE_ABSENT for NULL). */
char *store_col_dup(sqlite3_stmt *s, int i);
int64_t store_col_int(sqlite3_stmt *s, int i);

/* Steps s once (store_rows.c): DT_OK with a row to read; DT_ENOTFOUND when there is none,
 * with missing in err unless it is NULL (err then untouched); else store_dberr's code with
 * what. The caller resets or finalizes s. */
int store_step_row(struct store *st, sqlite3_stmt *s, const char *missing, const char *what,
                   char *err, size_t errlen);

/* Room for one more item in a list of count items of size bytes (store_rows.c): items as it
 * is, or reallocated to twice *cap (first at first) when count reached *cap. Aborts on
 * out-of-memory, as xrealloc does. */
void *store_list_room(void *items, size_t count, size_t *cap, size_t size, size_t first);

/* Reads a row of STORE_CALL_COLUMNS into *c (zeroed first). */
void store_read_call(sqlite3_stmt *s, struct store_call *c);

/* Starts the thread that checkpoints the WAL of the database file path beside st's writes,
 * in place of SQLite's checkpoints inside commits; stops it (nothing when none). DT_EDB or
 * DT_EIO when it cannot start (store_ckpt.c). */
int store_ckpt_start(struct store *st, const char *path, char *err, size_t errlen);
void store_ckpt_stop(struct store *st);

/* Frees the cached history statements (store_history.c). */
void store_history_finalize(struct store *st);

#endif
