/*
 * store_kpi: the rows behind the day's figures (call_kpi, agent_wrapups, offers), written as
 * things happen.
 * The statements are prepared at each use rather than cached: they run once per event. The
 * day's facts are read in store_kpi_load.c. See dialtone/store_kpi.h.
 */
#include "dialtone/store_kpi.h"

#include <stdlib.h>
#include <string.h>

#include "dialtone/util.h"
#include "store_int.h"

#define AGENT_MAX 128

static const char *const outcome_names[] = {
    [KPI_OFFER_ACCEPTED] = "accepted",
    [KPI_OFFER_TIMEOUT] = "timeout",
    [KPI_OFFER_DECLINED] = "declined",
    [KPI_OFFER_OTHER] = "withdrawn",
};

#define N_OUTCOMES (sizeof outcome_names / sizeof outcome_names[0])

enum kpi_offer_end store_kpi_offer_end(const char *why)
{
    for (size_t i = 0; why && i < N_OUTCOMES; i++)
        if (i != KPI_OFFER_OTHER && strcmp(why, outcome_names[i]) == 0)
            return (enum kpi_offer_end)i;
    return KPI_OFFER_OTHER;
}

/* ---- writes -------------------------------------------------------------------------------- */

static int prepare(struct store *st, const char *sql, sqlite3_stmt **s, char *err, size_t errlen)
{
    if (sqlite3_prepare_v2(store_db(st), sql, -1, s, NULL) != SQLITE_OK) {
        *s = NULL;
        return store_dberr(st, "preparing a statement", err, errlen);
    }
    return DT_OK;
}

/* Steps s to its end and finalizes it. */
static int finish(struct store *st, sqlite3_stmt *s, const char *what, char *err, size_t errlen)
{
    int rc = sqlite3_step(s) == SQLITE_DONE ? DT_OK : store_dberr(st, what, err, errlen);
    sqlite3_finalize(s);
    return rc;
}

static int check_sid(const char *sid, int64_t ts_ms, char *err, size_t errlen)
{
    int rc = store_check_text(sid, STORE_SID_MAX, 1, "call sid", err, errlen);
    if (rc == DT_OK && ts_ms < 0)
        rc = dt_seterr(err, errlen, DT_EINVAL, "negative time");
    return rc;
}

/* Runs sql with ?1 the sid and ?2 (and ?3 when text is not NULL) the values. */
static int write_row(struct store *st, const char *sql, const char *sid, int64_t v,
                     const char *text, const char *what, char *err, size_t errlen)
{
    sqlite3_stmt *s;
    int rc = prepare(st, sql, &s, err, errlen);
    if (rc != DT_OK)
        return rc;
    if (store_bind_text(s, 1, sid) != SQLITE_OK || sqlite3_bind_int64(s, 2, v) != SQLITE_OK ||
        (text && store_bind_text(s, 3, text) != SQLITE_OK)) {
        rc = store_dberr(st, what, err, errlen);
        sqlite3_finalize(s);
        return rc;
    }
    return finish(st, s, what, err, errlen);
}

int store_kpi_enqueued(struct store *st, const char *sid, int64_t ts_ms, char *err, size_t errlen)
{
    int rc = check_sid(sid, ts_ms, err, errlen);
    if (rc != DT_OK)
        return rc;
    return write_row(st,
                     "INSERT INTO call_kpi (call_sid, enqueued_ms) VALUES (?1, ?2) "
                     "ON CONFLICT (call_sid) DO UPDATE SET "
                     "enqueued_ms = coalesce(enqueued_ms, excluded.enqueued_ms)",
                     sid, ts_ms, NULL, "recording an enqueue", err, errlen);
}

int store_kpi_connected(struct store *st, const char *sid, const char *agent, int64_t ts_ms,
                        char *err, size_t errlen)
{
    int rc = check_sid(sid, ts_ms, err, errlen);
    if (rc == DT_OK)
        rc = store_check_text(agent, AGENT_MAX, 1, "agent", err, errlen);
    if (rc != DT_OK)
        return rc;
    return write_row(st,
                     "INSERT INTO call_kpi (call_sid, connected_ms, agent) VALUES (?1, ?2, ?3) "
                     "ON CONFLICT (call_sid) DO UPDATE SET agent = excluded.agent, "
                     "connected_ms = coalesce(connected_ms, excluded.connected_ms)",
                     sid, ts_ms, agent, "recording an answer", err, errlen);
}

int store_kpi_hold(struct store *st, const char *sid, int on, int64_t ts_ms, char *err,
                   size_t errlen)
{
    int rc = check_sid(sid, ts_ms, err, errlen);
    if (rc != DT_OK)
        return rc;
    if (on)
        return write_row(st,
                         "INSERT INTO call_kpi (call_sid, hold_since_ms) VALUES (?1, ?2) "
                         "ON CONFLICT (call_sid) DO UPDATE SET "
                         "hold_since_ms = coalesce(hold_since_ms, excluded.hold_since_ms)",
                         sid, ts_ms, NULL, "recording a hold", err, errlen);
    return write_row(st,
                     "UPDATE call_kpi SET hold_ms = hold_ms + max(0, ?2 - hold_since_ms), "
                     "hold_since_ms = NULL WHERE call_sid = ?1 AND hold_since_ms IS NOT NULL",
                     sid, ts_ms, NULL, "recording an unhold", err, errlen);
}

int store_kpi_wrapup(struct store *st, const char *sid, int64_t wrapup_s, char *err, size_t errlen)
{
    int rc = check_sid(sid, wrapup_s, err, errlen);
    if (rc != DT_OK)
        return rc;
    return write_row(st,
                     "INSERT INTO call_kpi (call_sid, wrapup_s) VALUES (?1, ?2) "
                     "ON CONFLICT (call_sid) DO UPDATE SET wrapup_s = excluded.wrapup_s",
                     sid, wrapup_s, NULL, "recording a wrap-up", err, errlen);
}

int store_kpi_wrapup_began(struct store *st, const char *sid, const char *agent, int64_t started_ms,
                           char *err, size_t errlen)
{
    int rc = check_sid(sid, started_ms, err, errlen);
    if (rc == DT_OK)
        rc = store_check_text(agent, AGENT_MAX, 1, "agent", err, errlen);
    if (rc != DT_OK)
        return rc;
    return write_row(st,
                     "INSERT INTO agent_wrapups (call_sid, agent, started_ms) VALUES (?1, ?3, ?2) "
                     "ON CONFLICT (call_sid, agent) DO UPDATE SET "
                     "started_ms = coalesce(started_ms, excluded.started_ms)",
                     sid, started_ms, agent, "recording a wrap-up's start", err, errlen);
}

/* The agent's row, then the call's sum: both or neither (a savepoint nests in a transaction of
 * store_tx_begin as well as alone). */
static int wrapup_rows(struct store *st, const char *sid, const char *agent, int64_t wrapup_s,
                       char *err, size_t errlen)
{
    sqlite3 *db = store_db(st);
    if (sqlite3_exec(db, "SAVEPOINT kpi_wrapup", NULL, NULL, NULL) != SQLITE_OK)
        return store_dberr(st, "recording a wrap-up", err, errlen);
    int rc = write_row(st,
                       "INSERT INTO agent_wrapups (call_sid, agent, wrapup_s) VALUES (?1, ?3, ?2) "
                       "ON CONFLICT (call_sid, agent) DO UPDATE SET started_ms = NULL, "
                       "wrapup_s = wrapup_s + excluded.wrapup_s",
                       sid, wrapup_s, agent, "recording an agent's wrap-up", err, errlen);
    if (rc == DT_OK)
        rc = write_row(st,
                       "INSERT INTO call_kpi (call_sid, wrapup_s) VALUES (?1, ?2) "
                       "ON CONFLICT (call_sid) DO UPDATE SET wrapup_s = (SELECT sum(w.wrapup_s) "
                       "FROM agent_wrapups w WHERE w.call_sid = ?1) "
                       "WHERE agent IS NULL OR agent = ?3 OR wrapup_s IS NOT NULL",
                       sid, wrapup_s, agent, "recording a wrap-up", err, errlen);
    if (rc != DT_OK)
        sqlite3_exec(db, "ROLLBACK TO kpi_wrapup", NULL, NULL, NULL);
    if (sqlite3_exec(db, "RELEASE kpi_wrapup", NULL, NULL, NULL) != SQLITE_OK && rc == DT_OK)
        rc = store_dberr(st, "recording a wrap-up", err, errlen);
    return rc;
}

int store_kpi_wrapup_by(struct store *st, const char *sid, const char *agent, int64_t wrapup_s,
                        char *err, size_t errlen)
{
    int rc = check_sid(sid, wrapup_s, err, errlen);
    if (rc == DT_OK)
        rc = store_check_text(agent, AGENT_MAX, 1, "agent", err, errlen);
    if (rc != DT_OK)
        return rc;
    return wrapup_rows(st, sid, agent, wrapup_s, err, errlen);
}

int store_kpi_offer(struct store *st, const struct store_offer *o, char *err, size_t errlen)
{
    int rc = check_sid(o->call_sid, o->offered_ms, err, errlen);
    if (rc == DT_OK)
        rc = store_check_text(o->agent, AGENT_MAX, 1, "agent", err, errlen);
    if (rc == DT_OK)
        rc = store_check_text(o->queue, AGENT_MAX, 0, "queue", err, errlen);
    if (rc != DT_OK)
        return rc;
    if ((unsigned)o->end >= N_OUTCOMES || o->ended_ms < o->offered_ms)
        return dt_seterr(err, errlen, DT_EINVAL, "bad offer end");
    sqlite3_stmt *s;
    rc = prepare(st,
                 "INSERT INTO offers (call_sid, agent, queue, offered_ms, ended_ms, outcome) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                 &s, err, errlen);
    if (rc != DT_OK)
        return rc;
    if (store_bind_text(s, 1, o->call_sid) != SQLITE_OK ||
        store_bind_text(s, 2, o->agent) != SQLITE_OK ||
        store_bind_text(s, 3, o->queue) != SQLITE_OK ||
        sqlite3_bind_int64(s, 4, o->offered_ms) != SQLITE_OK ||
        sqlite3_bind_int64(s, 5, o->ended_ms) != SQLITE_OK ||
        store_bind_text(s, 6, outcome_names[o->end]) != SQLITE_OK) {
        rc = store_dberr(st, "recording an offer", err, errlen);
        sqlite3_finalize(s);
        return rc;
    }
    return finish(st, s, "recording an offer", err, errlen);
}
