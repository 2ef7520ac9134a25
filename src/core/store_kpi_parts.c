/*
 * store_kpi_parts: the agents' parts in the customers' calls, from their legs (see
 * store_kpi_int.h). One query lists each agent's leg of each call with what it takes: when the
 * leg joined and ended, when the caller was there, the agent's own wrap-up, and the call's
 * wrap-up and last agent; the legs of one agent in one call are then summed into one part. On
 * 100,000 calls with 120,000 agents' legs over a year, the query takes about 0.3 s.
 */
#include <stdlib.h>
#include <string.h>

#include "dialtone/util.h"
#include "store_int.h"
#include "store_kpi_int.h"

#define MAX_PARTS    2000000
#define LEG_LATER_MS (86400 * 1000LL) /* a call's leg created this long after the range */

enum {
    COL_SID,
    COL_AGENT,
    COL_DIRECTION,
    COL_CREATED,
    COL_ANSWERED,
    COL_ENDED,
    COL_DURATION,
    COL_L_ANSWERED,
    COL_L_ENDED,
    COL_L_DURATION,
    COL_L_JOINED,
    COL_K_AGENT,
    COL_K_WRAPUP,
    COL_P_AGENT,
    COL_W_STARTED,
    COL_W_WRAPUP,
};

/* A leg is a row whose parent_sid names its call (store_call_assign writes it; Twilio's own
 * children of a call, such as a <Dial>'s, have no agent and are left out). Legs are found by
 * their creation time (calls_created): from the first call's on, and up to a day after the
 * last one's (a transfer in a call that began just before the range ends); the join comes from
 * the leg's conference callbacks, stored as events typed "conference:CF...". */
static const char parts_sql[] =
    "SELECT p.sid, l.agent, p.direction, p.created_ms, p.answered_ms, p.ended_ms, p.duration_s, "
    "l.answered_ms, l.ended_ms, l.duration_s, "
    "(SELECT min(j.ts_ms) FROM call_events j WHERE j.call_sid = l.sid "
    "AND j.type >= 'conference:' AND j.type < 'conference;' "
    "AND instr(j.payload, 'StatusCallbackEvent=participant-join') > 0), "
    "k.agent, k.wrapup_s, p.agent, w.started_ms, w.wrapup_s "
    "FROM calls l JOIN calls p ON p.sid = l.parent_sid LEFT JOIN call_kpi k ON k.call_sid = p.sid "
    "LEFT JOIN agent_wrapups w ON w.call_sid = p.sid AND w.agent = l.agent "
    "WHERE l.created_ms >= ?1 AND l.created_ms < ?4 AND l.parent_sid IS NOT NULL "
    "AND l.agent <> '' AND p.created_ms >= ?1 AND p.created_ms < ?2 AND p.updated_ms >= ?3 "
    "AND p.parent_sid IS NULL AND (l.agent = k.agent OR l.agent = p.agent OR EXISTS ("
    "SELECT 1 FROM call_events a WHERE a.call_sid = p.sid AND a.type = 'assign' "
    "AND json_valid(a.payload) AND json_extract(a.payload, '$.agent') = l.agent)) "
    "ORDER BY p.sid, l.agent";

const char *store_kpi_keep(struct store_kpi_day *d, sqlite3_stmt *s, int i)
{
    char *v = store_col_dup(s, i);
    if (!v)
        return NULL;
    if ((d->n_strings & (d->n_strings - 1)) == 0 && d->n_strings >= 8)
        d->strings = xrealloc(d->strings, 2 * d->n_strings * sizeof *d->strings);
    else if (d->n_strings == 0)
        d->strings = xmalloc(8 * sizeof *d->strings);
    d->strings[d->n_strings++] = v;
    return v;
}

/* The moment a party with this answer time, end and duration (s) was first there: the answer,
 * else the end less the duration when it lasted, else -1. */
static int64_t there_from(int64_t answered, int64_t ended, int64_t duration_s)
{
    if (answered >= 0)
        return answered;
    if (ended >= 0 && duration_s > 0 && ended >= duration_s * 1000)
        return ended - duration_s * 1000;
    return -1;
}

/* One leg: when it reached the caller (-1: never) and how long it was with them in ms (-1:
 * still is). */
static void leg_part(sqlite3_stmt *s, int64_t *reached, int64_t *with_ms)
{
    *reached = *with_ms = -1;
    const char *dir = (const char *)sqlite3_column_text(s, COL_DIRECTION);
    int inbound = dir && strcmp(dir, "inbound") == 0;
    int64_t cend = store_col_int(s, COL_ENDED), lend = store_col_int(s, COL_L_ENDED);
    int64_t cfrom =
        inbound ? store_col_int(s, COL_CREATED)
                : there_from(store_col_int(s, COL_ANSWERED), cend, store_col_int(s, COL_DURATION));
    int64_t lfrom = store_col_int(s, COL_L_JOINED);
    if (lfrom < 0)
        lfrom =
            there_from(store_col_int(s, COL_L_ANSWERED), lend, store_col_int(s, COL_L_DURATION));
    if (cfrom < 0 || lfrom < 0)
        return;
    int64_t from = cfrom > lfrom ? cfrom : lfrom;
    int64_t to = lend < 0 ? cend : cend < 0 ? lend : (lend < cend ? lend : cend);
    if (to >= 0 && to <= from)
        return;
    *reached = from;
    *with_ms = to < 0 ? -1 : to - from;
}

struct acc {
    struct store_kpi_day *d;
    const char **sids;
    size_t cap;
    int64_t with_ms; /* the current part's sum, -1 once a leg is still on */
};

static int same_part(const struct acc *a, sqlite3_stmt *s)
{
    if (a->d->n_parts == 0)
        return 0;
    const char *sid = (const char *)sqlite3_column_text(s, COL_SID);
    const char *agent = (const char *)sqlite3_column_text(s, COL_AGENT);
    const struct kpi_part *p = &a->d->parts[a->d->n_parts - 1];
    return sid && agent && strcmp(a->sids[a->d->n_parts - 1], sid) == 0 &&
           strcmp(p->agent, agent) == 0;
}

static int64_t round_s(int64_t ms)
{
    return (ms + 500) / 1000;
}

/* The agent's own wrap-up (-1 while one is going on); with none recorded, the call's for its
 * last agent (a wrap-up stored for the call alone, or before agents had their own), else 0. */
static int64_t part_wrapup(sqlite3_stmt *s, const char *agent)
{
    if (sqlite3_column_type(s, COL_W_WRAPUP) != SQLITE_NULL)
        return sqlite3_column_type(s, COL_W_STARTED) != SQLITE_NULL
                   ? -1
                   : sqlite3_column_int64(s, COL_W_WRAPUP);
    const char *last = (const char *)sqlite3_column_text(s, COL_K_AGENT);
    if (!last)
        last = (const char *)sqlite3_column_text(s, COL_P_AGENT);
    return last && strcmp(last, agent) == 0 ? store_col_int(s, COL_K_WRAPUP) : 0;
}

/* A new part for the row's call and agent, with no leg in it yet. */
static struct kpi_part *new_part(struct acc *a, sqlite3_stmt *s)
{
    struct store_kpi_day *d = a->d;
    if (d->n_parts == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 32;
        d->parts = xrealloc(d->parts, a->cap * sizeof *d->parts);
        a->sids = xrealloc(a->sids, a->cap * sizeof *a->sids);
    }
    struct kpi_part *p = &d->parts[d->n_parts];
    a->sids[d->n_parts++] = store_kpi_keep(d, s, COL_SID);
    p->agent = store_kpi_keep(d, s, COL_AGENT);
    p->reached_ms = -1;
    p->with_s = 0;
    a->with_ms = 0;
    p->wrapup_s = part_wrapup(s, p->agent);
    return p;
}

static void add_leg(struct acc *a, sqlite3_stmt *s)
{
    struct kpi_part *p = same_part(a, s) ? &a->d->parts[a->d->n_parts - 1] : new_part(a, s);
    int64_t reached, with_ms;
    leg_part(s, &reached, &with_ms);
    if (reached < 0)
        return;
    if (p->reached_ms < 0 || reached < p->reached_ms)
        p->reached_ms = reached;
    if (with_ms < 0 || a->with_ms < 0)
        a->with_ms = -1;
    else
        a->with_ms += with_ms;
    p->with_s = a->with_ms < 0 ? -1 : round_s(a->with_ms);
}

int store_kpi_parts_load(sqlite3 *db, int64_t created_from, int64_t created_to,
                         int64_t updated_from, struct store_kpi_day *d, const char ***sids,
                         char *err, size_t errlen)
{
    *sids = NULL;
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, parts_sql, -1, &s, NULL) != SQLITE_OK)
        return dt_seterr(err, errlen, DT_EDB, "preparing the agents' parts: %s",
                         sqlite3_errmsg(db));
    sqlite3_bind_int64(s, 1, created_from);
    sqlite3_bind_int64(s, 2, created_to);
    sqlite3_bind_int64(s, 3, updated_from);
    sqlite3_bind_int64(s, 4, created_to + LEG_LATER_MS);
    struct acc a = {.d = d};
    int rc, out = DT_OK;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (sqlite3_column_type(s, COL_SID) == SQLITE_NULL ||
            sqlite3_column_type(s, COL_AGENT) == SQLITE_NULL)
            continue;
        if (d->n_parts >= MAX_PARTS && !same_part(&a, s)) {
            out = dt_seterr(err, errlen, DT_ETOOBIG, "more than %d agents' parts", MAX_PARTS);
            break;
        }
        add_leg(&a, s);
    }
    if (out == DT_OK && rc != SQLITE_DONE)
        out = dt_seterr(err, errlen, DT_EDB, "reading the agents' parts: %s", sqlite3_errmsg(db));
    sqlite3_finalize(s);
    if (out != DT_OK) {
        free(a.sids);
        free(d->parts);
        d->parts = NULL;
        d->n_parts = 0;
        return out;
    }
    *sids = a.sids;
    return DT_OK;
}
