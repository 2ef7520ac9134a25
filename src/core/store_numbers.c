/*
 * store_numbers: numbers under review and retries' links (see dialtone/store_numbers.h).
 */
#include <stdlib.h>
#include <string.h>

#include "dialtone/store_numbers.h"
#include "dialtone/util.h"
#include "store_int.h"

static int check_number(const char *number, char *err, size_t errlen)
{
    return store_check_text(number, STORE_NUMBERS_TEXT_MAX, 1, "number", err, errlen);
}

/* Runs sql with number as ?1 and the nints integers as ?2 and on. */
static int run(struct store *st, const char *sql, const char *number, const int64_t *ints,
               int nints, const char *what, char *err, size_t errlen)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL) != SQLITE_OK)
        return store_dberr(st, what, err, errlen);
    store_bind_text(s, 1, number);
    for (int i = 0; i < nints; i++)
        sqlite3_bind_int64(s, i + 2, ints[i]);
    int rc = sqlite3_step(s) == SQLITE_DONE ? DT_OK : store_dberr(st, what, err, errlen);
    sqlite3_finalize(s);
    return rc;
}

int store_number_failed(struct store *st, const char *number, int code, int bad_number,
                        int threshold, int64_t at_ms, int *flagged, char *err, size_t errlen)
{
    int rc;
    if (flagged)
        *flagged = 0;
    if ((rc = check_number(number, err, errlen)) != DT_OK)
        return rc;
    if (at_ms < 0 || threshold < 0)
        return dt_seterr(err, errlen, DT_EINVAL, "a negative time or threshold");
    struct store_number before;
    int had = store_number_get(st, number, &before, err, errlen);
    if (had != DT_OK && had != DT_ENOTFOUND)
        return had;
    int was_flagged = had == DT_OK && strcmp(before.state, "flagged") == 0;
    store_number_done(&before);
    const int64_t ints[] = {code, at_ms, bad_number ? 1 : 0, threshold};
    rc = run(st,
             "INSERT INTO numbers (number, code, first_ms, last_ms, count, in_row) "
             "VALUES (?1, ?2, ?3, ?3, 1, 1) ON CONFLICT (number) DO UPDATE SET code = ?2, "
             "last_ms = ?3, count = count + 1, in_row = in_row + 1",
             number, ints, 2, "counting a failure", err, errlen);
    if (rc == DT_OK)
        rc = run(st,
                 "UPDATE numbers SET state = 'flagged', reason = CASE WHEN ?4 THEN 'bad number' "
                 "ELSE 'failed ' || in_row || ' times in a row' END "
                 "WHERE number = ?1 AND state <> 'dnc' AND (?4 OR (?5 > 0 AND in_row >= ?5))",
                 number, ints, 4, "flagging a number", err, errlen);
    if (rc == DT_OK && flagged && !was_flagged) {
        struct store_number after;
        if (store_number_get(st, number, &after, NULL, 0) == DT_OK)
            *flagged = strcmp(after.state, "flagged") == 0;
        store_number_done(&after);
    }
    return rc;
}

int store_number_succeeded(struct store *st, const char *number, char *err, size_t errlen)
{
    int rc = check_number(number, err, errlen);
    if (rc != DT_OK)
        return rc;
    return run(st, "UPDATE numbers SET in_row = 0 WHERE number = ?1", number, NULL, 0,
               "counting a success", err, errlen);
}

#define NUMBER_COLS                                                                                \
    "number, state, reason, code, first_ms, last_ms, count, in_row, reviewer, reviewed_ms, "       \
    "replacement"

static char *col_text(sqlite3_stmt *s, int i)
{
    char *t = store_col_dup(s, i);
    return t ? t : xstrdup("");
}

static void read_number(sqlite3_stmt *s, struct store_number *n)
{
    n->number = col_text(s, 0);
    n->state = col_text(s, 1);
    n->reason = col_text(s, 2);
    n->code = (int)sqlite3_column_int64(s, 3);
    n->first_ms = sqlite3_column_int64(s, 4);
    n->last_ms = sqlite3_column_int64(s, 5);
    n->count = sqlite3_column_int(s, 6);
    n->in_row = sqlite3_column_int(s, 7);
    n->reviewer = col_text(s, 8);
    n->reviewed_ms = sqlite3_column_int64(s, 9);
    n->replacement = col_text(s, 10);
}

int store_number_get(struct store *st, const char *number, struct store_number *out, char *err,
                     size_t errlen)
{
    memset(out, 0, sizeof *out);
    int rc = check_number(number, err, errlen);
    if (rc != DT_OK)
        return rc;
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(store_db(st), "SELECT " NUMBER_COLS " FROM numbers WHERE number = ?1",
                           -1, &s, NULL) != SQLITE_OK)
        return store_dberr(st, "preparing a number", err, errlen);
    store_bind_text(s, 1, number);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        read_number(s, out);
        rc = DT_OK;
    } else if (step == SQLITE_DONE) {
        rc = dt_seterr(err, errlen, DT_ENOTFOUND, "no such number");
    } else {
        rc = store_dberr(st, "reading a number", err, errlen);
    }
    sqlite3_finalize(s);
    return rc;
}

void store_number_done(struct store_number *n)
{
    if (!n)
        return;
    free(n->number);
    free(n->state);
    free(n->reason);
    free(n->reviewer);
    free(n->replacement);
    memset(n, 0, sizeof *n);
}

int store_number_flagged(struct store *st, size_t limit, struct store_number_list *out, char *err,
                         size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (limit < 1 || limit > 1000)
        return dt_seterr(err, errlen, DT_EINVAL, "limit must be 1-1000");
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(store_db(st),
                           "SELECT " NUMBER_COLS " FROM numbers WHERE state = 'flagged' "
                           "ORDER BY last_ms DESC, number LIMIT ?1",
                           -1, &s, NULL) != SQLITE_OK)
        return store_dberr(st, "preparing the flagged numbers", err, errlen);
    sqlite3_bind_int64(s, 1, (int64_t)limit);
    out->items = xcalloc(limit, sizeof *out->items);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && out->count < limit)
        read_number(s, &out->items[out->count++]);
    int res = rc == SQLITE_DONE || rc == SQLITE_ROW
                  ? DT_OK
                  : store_dberr(st, "reading the flagged numbers", err, errlen);
    sqlite3_finalize(s);
    if (res != DT_OK)
        store_number_list_done(out);
    return res;
}

void store_number_list_done(struct store_number_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->count; i++)
        store_number_done(&l->items[i]);
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

int store_number_review(struct store *st, const char *number, const char *action,
                        const char *replacement, const char *reviewer, int64_t at_ms, char *err,
                        size_t errlen)
{
    int rc;
    if ((rc = check_number(number, err, errlen)) != DT_OK ||
        (rc = store_check_text(reviewer, STORE_NUMBERS_TEXT_MAX, 1, "reviewer", err, errlen)) !=
            DT_OK)
        return rc;
    int fixed = action && strcmp(action, "fixed") == 0;
    if (!fixed && !(action && strcmp(action, "dnc") == 0))
        return dt_seterr(err, errlen, DT_EINVAL, "action must be fixed or dnc");
    if (fixed && ((rc = store_check_text(replacement, STORE_NUMBERS_TEXT_MAX, 1, "replacement", err,
                                         errlen)) != DT_OK))
        return rc;
    if (fixed && strcmp(replacement, number) == 0)
        return dt_seterr(err, errlen, DT_EINVAL, "the replacement is the same number");
    if (at_ms < 0)
        return dt_seterr(err, errlen, DT_EINVAL, "a negative time");
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(store_db(st),
                           "UPDATE numbers SET state = ?2, reviewer = ?3, reviewed_ms = ?4, "
                           "replacement = ?5 WHERE number = ?1",
                           -1, &s, NULL) != SQLITE_OK)
        return store_dberr(st, "preparing a review", err, errlen);
    store_bind_text(s, 1, number);
    store_bind_text(s, 2, fixed ? "fixed" : "dnc");
    store_bind_text(s, 3, reviewer);
    sqlite3_bind_int64(s, 4, at_ms);
    if (fixed)
        store_bind_text(s, 5, replacement);
    else
        sqlite3_bind_null(s, 5);
    rc = sqlite3_step(s) == SQLITE_DONE ? DT_OK : store_dberr(st, "storing a review", err, errlen);
    sqlite3_finalize(s);
    if (rc == DT_OK && sqlite3_changes(store_db(st)) == 0)
        rc = dt_seterr(err, errlen, DT_ENOTFOUND, "no such number");
    return rc;
}

int store_number_is_dnc(struct store *st, const char *number, char *err, size_t errlen)
{
    struct store_number n;
    int rc = store_number_get(st, number, &n, err, errlen);
    if (rc == DT_ENOTFOUND)
        return 0;
    if (rc != DT_OK)
        return rc;
    int dnc = strcmp(n.state, "dnc") == 0;
    store_number_done(&n);
    return dnc;
}

int store_retry_link(struct store *st, const char *sid, const char *first_sid, int attempt,
                     int64_t at_ms, char *err, size_t errlen)
{
    int rc;
    if ((rc = store_check_text(sid, STORE_NUMBERS_TEXT_MAX, 1, "sid", err, errlen)) != DT_OK ||
        (rc = store_check_text(first_sid, STORE_NUMBERS_TEXT_MAX, 1, "first sid", err, errlen)) !=
            DT_OK)
        return rc;
    if (attempt < 2 || at_ms < 0)
        return dt_seterr(err, errlen, DT_EINVAL, "a retry is attempt 2 or later, at a time");
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(store_db(st),
                           "INSERT INTO call_retries (sid, retry_of, attempt, at_ms) "
                           "VALUES (?1, ?2, ?3, ?4)",
                           -1, &s, NULL) != SQLITE_OK)
        return store_dberr(st, "preparing a retry's link", err, errlen);
    store_bind_text(s, 1, sid);
    store_bind_text(s, 2, first_sid);
    sqlite3_bind_int(s, 3, attempt);
    sqlite3_bind_int64(s, 4, at_ms);
    int step = sqlite3_step(s);
    if (step == SQLITE_DONE)
        rc = DT_OK;
    else if (step == SQLITE_CONSTRAINT)
        rc = dt_seterr(err, errlen, DT_EEXIST, "that call is already linked");
    else
        rc = store_dberr(st, "storing a retry's link", err, errlen);
    sqlite3_finalize(s);
    return rc;
}

int store_retry_first(struct store *st, const char *sid, char *first, size_t firstlen, int *attempt,
                      char *err, size_t errlen)
{
    int rc = store_check_text(sid, STORE_NUMBERS_TEXT_MAX, 1, "sid", err, errlen);
    if (rc != DT_OK)
        return rc;
    if (!first || firstlen == 0)
        return dt_seterr(err, errlen, DT_EINVAL, "no room for the first sid");
    first[0] = '\0';
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(store_db(st),
                           "SELECT retry_of, attempt FROM call_retries WHERE sid = ?1", -1, &s,
                           NULL) != SQLITE_OK)
        return store_dberr(st, "preparing a retry's link", err, errlen);
    store_bind_text(s, 1, sid);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(s, 0);
        dt_strlcpy(first, t ? (const char *)t : "", firstlen);
        if (attempt)
            *attempt = sqlite3_column_int(s, 1);
        rc = DT_OK;
    } else if (step == SQLITE_DONE) {
        rc = dt_seterr(err, errlen, DT_ENOTFOUND, "not a retry");
    } else {
        rc = store_dberr(st, "reading a retry's link", err, errlen);
    }
    sqlite3_finalize(s);
    return rc;
}
