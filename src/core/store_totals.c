/*
 * store_totals: customers' calls and legs counted apart (see dialtone/store_totals.h). One
 * grouped query: a row without a parent is a call (kind -1); a leg's kind comes from its agent
 * (none: a party) and that agent's role (a supervisor's leg in a call that is not theirs).
 */
#include <string.h>

#include "dialtone/store_totals.h"
#include "dialtone/util.h"
#include "store_int.h"

static const char *const kind_names[STORE_LEG_KINDS] = {
    [STORE_LEG_AGENT] = "agent",
    [STORE_LEG_SUPERVISOR] = "supervisor",
    [STORE_LEG_PARTY] = "party",
};

const char *store_leg_kind_name(enum store_leg_kind k)
{
    return (unsigned)k < STORE_LEG_KINDS ? kind_names[k] : "unknown";
}

static const char totals_sql[] =
    "SELECT -1, status, count(*) FROM calls WHERE parent_sid IS NULL GROUP BY status "
    "UNION ALL "
    "SELECT CASE WHEN l.agent IS NULL OR l.agent = '' THEN 2 "
    "WHEN a.role = 'supervisor' AND (p.agent IS NULL OR p.agent <> l.agent) THEN 1 ELSE 0 END "
    "AS kind, l.status, count(*) FROM calls l LEFT JOIN agents a ON a.name = l.agent "
    "LEFT JOIN calls p ON p.sid = l.parent_sid WHERE l.parent_sid IS NOT NULL "
    "GROUP BY kind, l.status";

/* Adds n rows of status name (NULL: none yet) to the counts of kind (-1: calls). */
static void add(struct store_totals *out, int kind, const char *name, int64_t n)
{
    enum callstate_status cs;
    int known = name && callstate_parse(name, &cs) == DT_OK;
    if (kind < 0) {
        if (!name)
            out->calls_none += n;
        else if (known)
            out->calls[cs] += n;
    } else if (kind < STORE_LEG_KINDS) {
        if (!name)
            out->legs_none[kind] += n;
        else if (known)
            out->legs[kind][cs] += n;
    }
}

int store_totals_read(struct store *st, struct store_totals *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(store_db(st), totals_sql, -1, &s, NULL) != SQLITE_OK)
        return store_dberr(st, "preparing the totals", err, errlen);
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW)
        add(out, sqlite3_column_int(s, 0), (const char *)sqlite3_column_text(s, 1),
            sqlite3_column_int64(s, 2));
    int rc = step == SQLITE_DONE ? DT_OK : store_dberr(st, "counting calls", err, errlen);
    sqlite3_finalize(s);
    if (rc != DT_OK)
        memset(out, 0, sizeof *out);
    return rc;
}
