/*
 * store_retry: the attempts of automatic retry chains (see dialtone/store_retry.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialtone/store_retry.h"
#include "dialtone/util.h"
#include "store_int.h"

#define COLUMNS                                                                                    \
    "id, chain, first_sid, attempt, kind, due_ms, agent, number, reason, code, state, room, "      \
    "sid, outcome, updated_ms"

static int one_of(const char *s, const char *const *words)
{
    for (; *words; words++)
        if (strcmp(s, *words) == 0)
            return 1;
    return 0;
}

static const char *const kinds[] = {"first", "retry", "callback", NULL};

/* Checks a text for a field of size bytes (NUL included). */
static int check(const char *s, size_t size, int required, const char *what, char *err,
                 size_t errlen)
{
    return store_check_text(s, size - 1, required, what, err, errlen);
}

static int check_attempt(const struct store_retry *r, const char *state, int64_t now_ms, char *err,
                         size_t errlen)
{
    int rc;
    if ((rc = check(r->chain, sizeof r->chain, 1, "chain", err, errlen)) != DT_OK ||
        (rc = check(r->first_sid, sizeof r->first_sid, 0, "first sid", err, errlen)) != DT_OK ||
        (rc = check(r->agent, sizeof r->agent, 1, "agent", err, errlen)) != DT_OK ||
        (rc = check(r->number, sizeof r->number, 1, "number", err, errlen)) != DT_OK ||
        (rc = check(r->reason, sizeof r->reason, 0, "reason", err, errlen)) != DT_OK ||
        (rc = check(r->room, sizeof r->room, 0, "room", err, errlen)) != DT_OK ||
        (rc = check(r->sid, sizeof r->sid, 0, "sid", err, errlen)) != DT_OK)
        return rc;
    if (r->attempt < 1 || r->due_ms < 0 || now_ms < 0)
        return dt_seterr(err, errlen, DT_EINVAL, "an attempt is 1 or more, at a time");
    static const char *const states[] = {"pending", "placed", NULL};
    if (!one_of(r->kind, kinds) || !one_of(state, states))
        return dt_seterr(err, errlen, DT_EINVAL, "an unknown kind or state");
    return DT_OK;
}

int store_retry_add(struct store *st, const struct store_retry *r, int64_t now_ms, int64_t *id,
                    char *err, size_t errlen)
{
    const char *state = r->state[0] ? r->state : "pending";
    int rc = check_attempt(r, state, now_ms, err, errlen);
    if (rc != DT_OK)
        return rc;
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(store_db(st),
                           "INSERT INTO retry_attempts (chain, first_sid, attempt, kind, due_ms, "
                           "agent, number, reason, code, state, room, sid, updated_ms) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                           -1, &s, NULL) != SQLITE_OK)
        return store_dberr(st, "preparing an attempt", err, errlen);
    store_bind_text(s, 1, r->chain);
    store_bind_text(s, 2, r->first_sid);
    sqlite3_bind_int(s, 3, r->attempt);
    store_bind_text(s, 4, r->kind);
    sqlite3_bind_int64(s, 5, r->due_ms);
    store_bind_text(s, 6, r->agent);
    store_bind_text(s, 7, r->number);
    store_bind_text(s, 8, r->reason);
    sqlite3_bind_int(s, 9, r->code);
    store_bind_text(s, 10, state);
    store_bind_text(s, 11, r->room);
    store_bind_text(s, 12, r->sid);
    sqlite3_bind_int64(s, 13, now_ms);
    if (sqlite3_step(s) == SQLITE_DONE) {
        rc = DT_OK;
        if (id)
            *id = sqlite3_last_insert_rowid(store_db(st));
    } else {
        rc = store_dberr(st, "storing an attempt", err, errlen);
    }
    sqlite3_finalize(s);
    return rc;
}

/* Runs an UPDATE of row ?1 with texts ?2, ?3 and time ?4: DT_OK when it changed a row, else
 * DT_ENOTFOUND (no such row) or DT_ESTATE (the row is there but the update's WHERE refused). */
static int update(struct store *st, const char *sql, int64_t id, const char *a, const char *b,
                  int64_t now_ms, const char *what, char *err, size_t errlen)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL) != SQLITE_OK)
        return store_dberr(st, what, err, errlen);
    sqlite3_bind_int64(s, 1, id);
    store_bind_text(s, 2, a);
    store_bind_text(s, 3, b);
    sqlite3_bind_int64(s, 4, now_ms);
    int rc = sqlite3_step(s) == SQLITE_DONE ? DT_OK : store_dberr(st, what, err, errlen);
    sqlite3_finalize(s);
    if (rc != DT_OK || sqlite3_changes(store_db(st)) > 0)
        return rc;
    struct store_retry r;
    rc = store_retry_get(st, id, &r, err, errlen);
    if (rc == DT_OK)
        rc = dt_seterr(err, errlen, DT_ESTATE, "attempt %lld is %s", (long long)id, r.state);
    return rc;
}

int store_retry_claim(struct store *st, int64_t id, int64_t now_ms, char *err, size_t errlen)
{
    if (id <= 0 || now_ms < 0)
        return dt_seterr(err, errlen, DT_EINVAL, "no such attempt, or no time");
    return update(st,
                  "UPDATE retry_attempts SET state = 'placed', updated_ms = ?4 "
                  "WHERE id = ?1 AND state = 'pending'",
                  id, NULL, NULL, now_ms, "claiming an attempt", err, errlen);
}

int store_retry_set(struct store *st, int64_t id, const char *room, const char *sid, int64_t now_ms,
                    char *err, size_t errlen)
{
    int rc;
    if (id <= 0 || now_ms < 0 || (!room && !sid))
        return dt_seterr(err, errlen, DT_EINVAL, "nothing to record");
    if ((rc = check(room, STORE_RETRY_ID_MAX, 0, "room", err, errlen)) != DT_OK ||
        (rc = check(sid, STORE_RETRY_ID_MAX, 0, "sid", err, errlen)) != DT_OK)
        return rc;
    rc = update(st,
                "UPDATE retry_attempts SET room = COALESCE(?2, room), sid = COALESCE(?3, sid), "
                "first_sid = CASE WHEN attempt = 1 AND ?3 IS NOT NULL THEN ?3 ELSE first_sid END, "
                "updated_ms = ?4 WHERE id = ?1",
                id, room, sid, now_ms, "recording an attempt's call", err, errlen);
    return rc;
}

int store_retry_finish(struct store *st, int64_t id, const char *state, const char *outcome,
                       int64_t now_ms, char *err, size_t errlen)
{
    static const char *const states[] = {"dropped", "ended", NULL};
    int rc;
    if (id <= 0 || now_ms < 0 || !state || !one_of(state, states))
        return dt_seterr(err, errlen, DT_EINVAL, "an attempt ends dropped or ended, at a time");
    if ((rc = check(outcome, STORE_RETRY_TEXT_MAX, 0, "outcome", err, errlen)) != DT_OK)
        return rc;
    return update(st,
                  "UPDATE retry_attempts SET state = ?2, outcome = COALESCE(?3, ''), "
                  "updated_ms = ?4 WHERE id = ?1 AND state IN ('pending', 'placed')",
                  id, state, outcome, now_ms, "closing an attempt", err, errlen);
}

int store_retry_next(struct store *st, int64_t id, const struct store_retry *next, int64_t now_ms,
                     int64_t *next_id, char *err, size_t errlen)
{
    char outcome[64];
    snprintf(outcome, sizeof outcome, "scheduled attempt %d", next->attempt);
    int rc = store_begin(st, err, errlen);
    if (rc != DT_OK)
        return rc;
    if ((rc = store_retry_finish(st, id, "ended", outcome, now_ms, err, errlen)) != DT_OK ||
        (rc = store_retry_add(st, next, now_ms, next_id, err, errlen)) != DT_OK ||
        (rc = store_commit(st, err, errlen)) != DT_OK) {
        store_rollback(st);
        return rc;
    }
    return DT_OK;
}

static void copy_col(sqlite3_stmt *s, int i, char *out, size_t size)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    dt_strlcpy(out, t ? (const char *)t : "", size);
}

static void read_row(sqlite3_stmt *s, struct store_retry *r)
{
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(s, 0);
    copy_col(s, 1, r->chain, sizeof r->chain);
    copy_col(s, 2, r->first_sid, sizeof r->first_sid);
    r->attempt = sqlite3_column_int(s, 3);
    copy_col(s, 4, r->kind, sizeof r->kind);
    r->due_ms = sqlite3_column_int64(s, 5);
    copy_col(s, 6, r->agent, sizeof r->agent);
    copy_col(s, 7, r->number, sizeof r->number);
    copy_col(s, 8, r->reason, sizeof r->reason);
    r->code = sqlite3_column_int(s, 9);
    copy_col(s, 10, r->state, sizeof r->state);
    copy_col(s, 11, r->room, sizeof r->room);
    copy_col(s, 12, r->sid, sizeof r->sid);
    copy_col(s, 13, r->outcome, sizeof r->outcome);
    r->updated_ms = sqlite3_column_int64(s, 14);
}

int store_retry_get(struct store *st, int64_t id, struct store_retry *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(store_db(st), "SELECT " COLUMNS " FROM retry_attempts WHERE id = ?1", -1,
                           &s, NULL) != SQLITE_OK)
        return store_dberr(st, "preparing an attempt's read", err, errlen);
    sqlite3_bind_int64(s, 1, id);
    int step = sqlite3_step(s), rc = DT_OK;
    if (step == SQLITE_ROW)
        read_row(s, out);
    else if (step == SQLITE_DONE)
        rc = dt_seterr(err, errlen, DT_ENOTFOUND, "no attempt %lld", (long long)id);
    else
        rc = store_dberr(st, "reading an attempt", err, errlen);
    sqlite3_finalize(s);
    return rc;
}

int store_retry_open(struct store *st, struct store_retry **rows, size_t *n, char *err,
                     size_t errlen)
{
    *rows = NULL;
    *n = 0;
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(store_db(st),
                           "SELECT " COLUMNS " FROM retry_attempts "
                           "WHERE state IN ('pending', 'placed') ORDER BY due_ms, id LIMIT ?1",
                           -1, &s, NULL) != SQLITE_OK)
        return store_dberr(st, "preparing the open attempts", err, errlen);
    sqlite3_bind_int(s, 1, STORE_RETRY_OPEN_MAX);
    size_t cap = 0;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *rows = xrealloc(*rows, cap * sizeof **rows);
        }
        read_row(s, &(*rows)[(*n)++]);
    }
    int rc = DT_OK;
    if (step != SQLITE_DONE) {
        rc = store_dberr(st, "reading the open attempts", err, errlen);
        free(*rows);
        *rows = NULL;
        *n = 0;
    }
    sqlite3_finalize(s);
    return rc;
}
