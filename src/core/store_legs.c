/*
 * store_legs: a call's agent and its legs (dialtone/store_legs.h), written through
 * store_call_apply() with events of the daemon's own: "assign" and "leg" on the call, "leg_of"
 * on the leg, each with a small JSON payload that SQLite composes (so names are escaped as
 * JSON wants). Their sequence is the time, moved on by one when the same millisecond was taken,
 * so that the (call, type, seq, status) uniqueness never drops a second assignment. The legs of
 * a call are found from its own events, one index seek, not by scanning calls for a parent.
 */
#include <stdlib.h>
#include <string.h>

#include "dialtone/store_legs.h"
#include "dialtone/util.h"
#include "store_int.h"

#define SEQ_TRIES 16

/* Composes the payload {"agent": a, "leg": l, "parent_sid": p} (NULL members left out). */
static char *payload_json(struct store *st, const char *agent, const char *leg, const char *parent,
                          char *err, size_t errlen)
{
    static const char sql[] = "SELECT json_patch('{}', json_object('agent', ?1, 'leg', ?2, "
                              "'parent_sid', ?3))";
    sqlite3_stmt *s;
    char *out = NULL;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
        store_dberr(st, "composing a leg's record", err, errlen);
        return NULL;
    }
    store_bind_text(s, 1, agent);
    store_bind_text(s, 2, leg);
    store_bind_text(s, 3, parent);
    if (sqlite3_step(s) == SQLITE_ROW)
        out = store_col_dup(s, 0);
    else
        store_dberr(st, "composing a leg's record", err, errlen);
    sqlite3_finalize(s);
    return out;
}

/* Applies u (its payload composed here) with seq now_ms, or the next free one after it. */
static int apply_event(struct store *st, struct store_call_update *u, const char *agent,
                       const char *leg, const char *parent, int64_t now_ms, char *err,
                       size_t errlen)
{
    char *p = payload_json(st, agent, leg, parent, err, errlen);
    if (!p)
        return DT_EDB;
    u->payload = p;
    u->payload_len = strlen(p);
    u->ts_ms = now_ms;
    int rc = DT_OK;
    struct store_apply_result res = {.duplicate = 1};
    for (int i = 0; rc == DT_OK && res.duplicate && i < SEQ_TRIES; i++) {
        u->seq = now_ms + i;
        rc = store_call_apply(st, u, &res, err, errlen);
    }
    if (rc == DT_OK && res.duplicate)
        rc = dt_seterr(err, errlen, DT_EDB, "no free sequence for the call's record");
    free(p);
    return rc;
}

/* store_call_assign, with the number the call was placed to when to is not NULL. */
static int assign(struct store *st, const char *sid, const char *agent, const char *leg, int own,
                  const char *to, int64_t now_ms, char *err, size_t errlen)
{
    int rc = store_check_text(sid, STORE_SID_MAX, 1, "call sid", err, errlen);
    if (rc == DT_OK)
        rc = store_check_text(leg, STORE_SID_MAX, 0, "leg sid", err, errlen);
    if (rc == DT_OK)
        rc = store_check_text(agent, STORE_TEXT_MAX, 0, "agent", err, errlen);
    if (rc != DT_OK)
        return rc;
    if (leg && !*leg)
        leg = NULL;
    if (agent && !*agent)
        agent = NULL;
    if (leg && strcmp(leg, sid) == 0)
        return dt_seterr(err, errlen, DT_EINVAL, "a call is not its own leg");
    own = own && agent;
    if (!own && !leg)
        return dt_seterr(err, errlen, DT_EINVAL, "neither an agent nor a leg to record");
    struct store_call_update u;
    store_call_update_init(&u);
    u.sid = sid;
    u.type = own ? "assign" : "leg";
    u.agent = own ? agent : NULL;
    if (to) {
        u.to = to;
        u.direction = "outbound-api"; /* what Twilio says of a call its REST API placed */
    }
    rc = apply_event(st, &u, agent, leg, NULL, now_ms, err, errlen);
    if (rc != DT_OK || !leg)
        return rc;
    store_call_update_init(&u);
    u.sid = leg;
    u.type = "leg_of";
    u.parent_sid = sid;
    u.agent = agent;
    return apply_event(st, &u, agent, NULL, sid, now_ms, err, errlen);
}

int store_call_assign(struct store *st, const char *sid, const char *agent, const char *leg,
                      int own, int64_t now_ms, char *err, size_t errlen)
{
    return assign(st, sid, agent, leg, own, NULL, now_ms, err, errlen);
}

int store_call_dialed(struct store *st, const char *sid, const char *agent, const char *leg,
                      const char *to, int64_t now_ms, char *err, size_t errlen)
{
    int rc = store_check_text(to, STORE_TEXT_MAX, 1, "number", err, errlen);
    if (rc == DT_OK && !agent)
        rc = dt_seterr(err, errlen, DT_EINVAL, "a dialed call is an agent's");
    return rc == DT_OK ? assign(st, sid, agent, leg, 1, to, now_ms, err, errlen) : rc;
}

/* The legs named by the call's "assign" and "leg" events, each once, by its first mention. */
static const char legs_sql[] =
    "SELECT " STORE_CALL_COLUMNS " FROM calls JOIN ("
    "SELECT leg, MIN(id) AS first FROM ("
    "SELECT id, CASE WHEN json_valid(payload) THEN json_extract(payload, '$.leg') END AS leg "
    "FROM call_events WHERE call_sid = ?1 AND type IN ('assign', 'leg')) "
    "WHERE leg IS NOT NULL GROUP BY leg) AS legs ON calls.sid = legs.leg "
    "ORDER BY legs.first LIMIT ?2";

int store_call_legs(struct store *st, const char *sid, struct store_call_list *out, char *err,
                    size_t errlen)
{
    *out = (struct store_call_list){0};
    int rc = store_check_text(sid, STORE_SID_MAX, 1, "call sid", err, errlen);
    if (rc != DT_OK)
        return rc;
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, legs_sql, -1, &s, NULL) != SQLITE_OK)
        return store_dberr(st, "preparing the legs query", err, errlen);
    store_bind_text(s, 1, sid);
    sqlite3_bind_int(s, 2, STORE_LEGS_MAX);
    out->items = xcalloc(STORE_LEGS_MAX, sizeof *out->items);
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW && out->count < STORE_LEGS_MAX)
        store_read_call(s, &out->items[out->count++]);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = store_dberr(st, "reading a call's legs", err, errlen);
    sqlite3_finalize(s);
    if (rc != DT_OK)
        store_call_list_done(out);
    return rc;
}
