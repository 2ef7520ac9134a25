/*
 * store_kpi_alerts: stored calls as the facts the alert rules are fed (dialtone/alerts.h): one
 * finished call at a time, or the recent past after a restart. See dialtone/store_kpi.h.
 */
#include <stdlib.h>
#include <string.h>

#include "dialtone/store_kpi.h"
#include "dialtone/util.h"
#include "store_int.h"

#define LOOKBACK_MS (86400 * 1000LL)

static int final_status(enum callstate_status s)
{
    return s == DT_CALL_COMPLETED || s == DT_CALL_BUSY || s == DT_CALL_FAILED ||
           s == DT_CALL_NO_ANSWER || s == DT_CALL_CANCELED;
}

int store_kpi_alert_call(const struct store_call *c, struct alert_call *out)
{
    memset(out, 0, sizeof *out);
    if (!c->has_status || !final_status(c->status) || c->ended_ms < 0)
        return DT_ESTATE;
    out->ended_ms = c->ended_ms;
    if (c->queue && *c->queue)
        out->answered = kpi_qresult_parse(c->queue_result) == KPI_Q_ANSWERED;
    else
        out->answered = c->status == DT_CALL_COMPLETED;
    out->error_code = c->error_code > 0 ? c->error_code : 0;
    out->duration_s = out->answered && c->duration_s >= 0 ? c->duration_s : -1;
    out->recording_failed = c->recording_status && strcmp(c->recording_status, "failed") == 0;
    if (!c->price || kpi_price_parse(c->price, &out->cost_micros) != DT_OK)
        out->cost_micros = -1;
    return DT_OK;
}

int store_kpi_alerts_prime(struct store *st, struct alerts *a, int64_t since_ms, int64_t until_ms,
                           size_t *fed, char *err, size_t errlen)
{
    if (fed)
        *fed = 0;
    if (until_ms < since_ms)
        return dt_seterr(err, errlen, DT_EINVAL, "the span ends before it starts");
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(store_db(st),
                           "SELECT " STORE_CALL_COLUMNS " FROM calls WHERE created_ms >= ?1 "
                           "AND ended_ms > ?2 AND ended_ms <= ?3 ORDER BY ended_ms, sid",
                           -1, &s, NULL) != SQLITE_OK)
        return store_dberr(st, "preparing the recent calls", err, errlen);
    sqlite3_bind_int64(s, 1, since_ms > LOOKBACK_MS ? since_ms - LOOKBACK_MS : 0);
    sqlite3_bind_int64(s, 2, since_ms);
    sqlite3_bind_int64(s, 3, until_ms);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct store_call c;
        struct alert_call f;
        store_read_call(s, &c);
        int ok = store_kpi_alert_call(&c, &f) == DT_OK;
        if (ok && c.parent_sid && *c.parent_sid) /* a leg: no call of its own, but billed */
            ok = f.cost_micros > 0 && alerts_feed_cost(a, f.ended_ms, f.cost_micros) == DT_OK;
        else if (ok)
            ok = alerts_feed(a, &f) == DT_OK;
        if (ok && fed)
            (*fed)++;
        store_call_done(&c);
    }
    int out = rc == SQLITE_DONE ? DT_OK : store_dberr(st, "reading the recent calls", err, errlen);
    sqlite3_finalize(s);
    return out;
}
