/*
 * store_kpi_load: a day's call and offer facts out of the store, for dialtone/kpi.h: one query
 * over the calls of the day (their row, their call_kpi row, and the times of their first
 * Enqueue action and wait-URL request), one over the day's offers, each row turned into plain
 * facts as dialtone/store_kpi.h describes. A leg the daemon added to a call's conference (an
 * agent's phone, a transfer's party, a supervisor: parent_sid set) is part of that call, not a
 * call of its own: it brings its price and nothing else, so that a transfer's answered party
 * leg does not count as one more call handled by its agent. What the agents' legs had of the
 * call comes apart as its parts (store_kpi_parts.c), matched to the calls by sid.
 */
#include <stdlib.h>
#include <string.h>

#include "dialtone/store_kpi.h"
#include "dialtone/util.h"
#include "store_int.h"
#include "store_kpi_int.h"

#define LOOKBACK_MS (86400 * 1000LL) /* calls created this long before the day still count */
#define MAX_ROWS    2000000

/* The columns of the calls query, by name. */
enum {
    COL_QUEUE,
    COL_AGENT,
    COL_DIRECTION,
    COL_QUEUE_RESULT,
    COL_QUEUE_TIME,
    COL_ANSWERED,
    COL_ENDED,
    COL_PRICE,
    COL_K_ENQUEUED,
    COL_K_CONNECTED,
    COL_K_HOLD,
    COL_K_HOLD_SINCE,
    COL_K_WRAPUP,
    COL_DEQUEUED,
    COL_FIRST_WAIT,
    COL_PARENT,
    COL_SID,
};

static const char calls_sql[] =
    "SELECT c.queue, coalesce(k.agent, c.agent), c.direction, c.queue_result, c.queue_time_s, "
    "c.answered_ms, c.ended_ms, c.price, k.enqueued_ms, k.connected_ms, k.hold_ms, "
    "k.hold_since_ms, k.wrapup_s, "
    "(SELECT min(e.ts_ms) FROM call_events e WHERE e.call_sid = c.sid AND e.type = 'enqueue'), "
    "(SELECT min(e.ts_ms) FROM call_events e WHERE e.call_sid = c.sid AND e.type = 'wait'), "
    "c.parent_sid, c.sid "
    "FROM calls c LEFT JOIN call_kpi k ON k.call_sid = c.sid "
    "WHERE c.created_ms >= ?1 AND c.created_ms < ?2 AND c.updated_ms >= ?3 "
    "AND (c.queue IS NOT NULL OR c.agent IS NOT NULL OR k.call_sid IS NOT NULL) "
    "ORDER BY c.created_ms, c.sid";

static const char offers_sql[] = "SELECT agent, offered_ms, outcome FROM offers "
                                 "WHERE offered_ms >= ?1 AND offered_ms < ?2 "
                                 "ORDER BY offered_ms, id";

static int64_t round_s(int64_t ms)
{
    return (ms + 500) / 1000;
}

/* When the call joined its queue, left it, and how. */
static void queue_facts(sqlite3_stmt *s, int inbound, struct kpi_call *k)
{
    int64_t qtime = store_col_int(s, COL_QUEUE_TIME);
    int64_t deq = store_col_int(s, COL_DEQUEUED), conn = store_col_int(s, COL_K_CONNECTED);
    const char *qr = (const char *)sqlite3_column_text(s, COL_QUEUE_RESULT);
    k->enqueued_ms = store_col_int(s, COL_K_ENQUEUED);
    if (k->enqueued_ms < 0 && deq >= 0 && qtime >= 0)
        k->enqueued_ms = deq - qtime * 1000;
    if (k->enqueued_ms < 0 && inbound)
        k->enqueued_ms = store_col_int(s, COL_FIRST_WAIT);
    k->dequeued_ms = deq;
    k->result = KPI_Q_NONE;
    if (!k->queue || !*k->queue) {
        k->dequeued_ms = -1;
    } else if (conn >= 0 && k->enqueued_ms >= 0) {
        k->result = KPI_Q_ANSWERED;
        if (k->dequeued_ms < 0)
            k->dequeued_ms = conn;
    } else if (deq >= 0) {
        k->result = kpi_qresult_parse(qr);
        if (k->result == KPI_Q_NONE)
            k->result = KPI_Q_LEFT;
    } else if (k->enqueued_ms >= 0 && k->ended_ms >= 0) {
        k->result = KPI_Q_ABANDONED;
        k->dequeued_ms = k->ended_ms;
    }
}

/* A load in progress: the day, the room in the array being filled, the parts' call sids. */
struct load {
    struct store_kpi_day *d;
    size_t cap;
    const char **sids; /* d->parts' call sids, ascending */
};

/* The parts of call sid into k (none: NULL, 0). */
static void find_parts(const struct load *l, const char *sid, struct kpi_call *k)
{
    size_t lo = 0, hi = l->d->n_parts;
    while (lo < hi) { /* the first part whose sid is not below sid */
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(l->sids[mid], sid) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t n = 0;
    while (lo + n < l->d->n_parts && strcmp(l->sids[lo + n], sid) == 0)
        n++;
    k->parts = n ? &l->d->parts[lo] : NULL;
    k->n_parts = n;
}

static void read_call(const struct load *l, sqlite3_stmt *s, struct kpi_call *k)
{
    struct store_kpi_day *d = l->d;
    memset(k, 0, sizeof *k);
    const char *parent = (const char *)sqlite3_column_text(s, COL_PARENT);
    int leg = parent && *parent;
    /* a leg is its call's: no queue, no agent, no parts */
    k->queue = leg ? NULL : store_kpi_keep(d, s, COL_QUEUE);
    k->agent = leg ? NULL : store_kpi_keep(d, s, COL_AGENT);
    const char *sid = (const char *)sqlite3_column_text(s, COL_SID);
    if (!leg && sid)
        find_parts(l, sid, k);
    const char *dir = (const char *)sqlite3_column_text(s, COL_DIRECTION);
    int inbound = dir && strcmp(dir, "inbound") == 0;
    k->dir = inbound ? KPI_INBOUND : KPI_OUTBOUND;
    k->ended_ms = store_col_int(s, COL_ENDED);
    queue_facts(s, inbound, k);
    int64_t conn = store_col_int(s, COL_K_CONNECTED);
    if (conn >= 0)
        k->answered_ms = conn;
    else if (k->result == KPI_Q_ANSWERED)
        k->answered_ms = k->dequeued_ms;
    else
        k->answered_ms = inbound ? -1 : store_col_int(s, COL_ANSWERED);
    int64_t hold = store_col_int(s, COL_K_HOLD), since = store_col_int(s, COL_K_HOLD_SINCE);
    if (hold < 0)
        hold = 0;
    if (since >= 0 && k->ended_ms >= since)
        hold += k->ended_ms - since;
    k->hold_s = round_s(hold);
    k->talk_s = -1;
    if (k->answered_ms >= 0 && k->ended_ms >= k->answered_ms) {
        int64_t talk = k->ended_ms - k->answered_ms - hold;
        k->talk_s = talk > 0 ? round_s(talk) : 0;
    }
    k->wrapup_s = store_col_int(s, COL_K_WRAPUP);
    const char *price = (const char *)sqlite3_column_text(s, COL_PRICE);
    if (!price || kpi_price_parse(price, &k->cost_micros) != DT_OK)
        k->cost_micros = -1;
}

/* Runs a query bound with ?1..?3 = a, b, c (c < 0: none), calling row() for each row. */
static int each_row(struct store *st, const char *sql, int64_t a, int64_t b, int64_t c,
                    struct load *l, void (*row)(struct load *, sqlite3_stmt *), char *err,
                    size_t errlen)
{
    struct store_kpi_day *d = l->d;
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL) != SQLITE_OK)
        return store_dberr(st, "preparing the day's facts", err, errlen);
    sqlite3_bind_int64(s, 1, a);
    sqlite3_bind_int64(s, 2, b);
    if (c >= 0)
        sqlite3_bind_int64(s, 3, c);
    int rc, out = DT_OK;
    l->cap = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (d->n_calls + d->n_offers >= MAX_ROWS) {
            out = dt_seterr(err, errlen, DT_ETOOBIG, "more than %d facts in a day", MAX_ROWS);
            break;
        }
        row(l, s);
    }
    if (out == DT_OK && rc != SQLITE_DONE)
        out = store_dberr(st, "reading the day's facts", err, errlen);
    sqlite3_finalize(s);
    return out;
}

static void call_row(struct load *l, sqlite3_stmt *s)
{
    struct store_kpi_day *d = l->d;
    if (d->n_calls == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        d->calls = xrealloc(d->calls, l->cap * sizeof *d->calls);
    }
    read_call(l, s, &d->calls[d->n_calls++]);
}

static void offer_row(struct load *l, sqlite3_stmt *s)
{
    struct store_kpi_day *d = l->d;
    if (d->n_offers == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        d->offers = xrealloc(d->offers, l->cap * sizeof *d->offers);
    }
    struct kpi_offer *o = &d->offers[d->n_offers++];
    o->agent = store_kpi_keep(d, s, 0);
    o->offered_ms = store_col_int(s, 1);
    o->end = store_kpi_offer_end((const char *)sqlite3_column_text(s, 2));
}

int store_kpi_load(struct store *st, int64_t start_ms, int64_t end_ms, struct store_kpi_day *out,
                   char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (start_ms < 0 || end_ms < start_ms)
        return dt_seterr(err, errlen, DT_EINVAL, "the day ends before it starts");
    int64_t from = start_ms > LOOKBACK_MS ? start_ms - LOOKBACK_MS : 0;
    struct load l = {.d = out};
    int rc = store_kpi_parts_load(store_db(st), from, end_ms, start_ms, out, &l.sids, err, errlen);
    if (rc == DT_OK)
        rc = each_row(st, calls_sql, from, end_ms, start_ms, &l, call_row, err, errlen);
    if (rc == DT_OK)
        rc = each_row(st, offers_sql, start_ms, end_ms, -1, &l, offer_row, err, errlen);
    free(l.sids);
    if (rc != DT_OK)
        store_kpi_day_done(out);
    return rc;
}

void store_kpi_day_done(struct store_kpi_day *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n_strings; i++)
        free(d->strings[i]);
    free(d->strings);
    free(d->calls);
    free(d->offers);
    free(d->parts);
    memset(d, 0, sizeof *d);
}
