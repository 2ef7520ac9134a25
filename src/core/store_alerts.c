/*
 * store_alerts: alert transitions in the alerts table (see dialtone/store_alerts.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dialtone/store_alerts.h"
#include "dialtone/util.h"
#include "store_int.h"

int store_alert_add(struct store *st, const char *rule, const char *kind, int firing, int64_t at_ms,
                    double value, const char *message, int64_t *id, char *err, size_t errlen)
{
    int rc;
    if ((rc = store_check_text(rule, STORE_ALERTS_TEXT_MAX, 1, "rule", err, errlen)) != DT_OK ||
        (rc = store_check_text(kind, STORE_ALERTS_TEXT_MAX, 1, "kind", err, errlen)) != DT_OK ||
        (rc = store_check_text(message, STORE_ALERTS_TEXT_MAX, 0, "message", err, errlen)) != DT_OK)
        return rc;
    if (at_ms < 0 || !isfinite(value))
        return dt_seterr(err, errlen, DT_EINVAL, "a negative time or a value that is not finite");
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(store_db(st),
                           "INSERT INTO alerts (rule, kind, firing, at_ms, value, message) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                           -1, &s, NULL) != SQLITE_OK)
        return store_dberr(st, "preparing an alert", err, errlen);
    store_bind_text(s, 1, rule);
    store_bind_text(s, 2, kind);
    sqlite3_bind_int(s, 3, firing ? 1 : 0);
    sqlite3_bind_int64(s, 4, at_ms);
    sqlite3_bind_double(s, 5, value);
    store_bind_text(s, 6, message ? message : "");
    rc = sqlite3_step(s) == SQLITE_DONE ? DT_OK : store_dberr(st, "storing an alert", err, errlen);
    sqlite3_finalize(s);
    if (rc == DT_OK && id)
        *id = sqlite3_last_insert_rowid(store_db(st));
    return rc;
}

/* Reads the rows of sql (bound to limit as ?1) into out, at most limit of them. */
static int read_list(struct store *st, const char *sql, size_t limit, struct store_alert_list *out,
                     char *err, size_t errlen)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL) != SQLITE_OK)
        return store_dberr(st, "preparing the alerts", err, errlen);
    sqlite3_bind_int64(s, 1, (int64_t)limit);
    out->items = xcalloc(limit, sizeof *out->items);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && out->count < limit) {
        struct store_alert *a = &out->items[out->count++];
        a->id = sqlite3_column_int64(s, 0);
        a->rule = store_col_dup(s, 1);
        a->kind = store_col_dup(s, 2);
        a->firing = sqlite3_column_int(s, 3) != 0;
        a->at_ms = sqlite3_column_int64(s, 4);
        a->value = sqlite3_column_double(s, 5);
        a->message = store_col_dup(s, 6);
    }
    int res = rc == SQLITE_DONE || rc == SQLITE_ROW
                  ? DT_OK
                  : store_dberr(st, "reading the alerts", err, errlen);
    sqlite3_finalize(s);
    if (res != DT_OK)
        store_alert_list_done(out);
    return res;
}

int store_alert_recent(struct store *st, size_t limit, struct store_alert_list *out, char *err,
                       size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (limit < 1 || limit > 1000)
        return dt_seterr(err, errlen, DT_EINVAL, "limit must be 1-1000");
    return read_list(st,
                     "SELECT id, rule, kind, firing, at_ms, value, message FROM alerts "
                     "ORDER BY id DESC LIMIT ?1",
                     limit, out, err, errlen);
}

int store_alert_latest(struct store *st, struct store_alert_list *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    return read_list(st,
                     "SELECT id, rule, kind, firing, at_ms, value, message FROM alerts "
                     "WHERE id IN (SELECT MAX(id) FROM alerts GROUP BY rule) "
                     "ORDER BY rule LIMIT ?1",
                     STORE_ALERTS_LATEST_MAX, out, err, errlen);
}

void store_alert_list_done(struct store_alert_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->count; i++) {
        free(l->items[i].rule);
        free(l->items[i].kind);
        free(l->items[i].message);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}
