/*
 * serve_e2e_agent: what the end-to-end tests do as an agent, on serve_e2e_fixture.h: a POST
 * with its status, ending a wrap-up, dialing a customer and waiting for the call, and waiting
 * for a query's answer.
 */
#ifndef DIALTONE_SERVE_E2E_AGENT_H
#define DIALTONE_SERVE_E2E_AGENT_H

#include "serve_e2e_fixture.h"

/* POSTs body (a JSON text, or NULL) to path as agent a; the status. */
static inline long se_post(const struct se_agent *a, const char *path, const char *body)
{
    struct se_resp r = se_api(a, "POST", path, body);
    long status = r.status;
    se_resp_done(&r);
    return status;
}

/* Agent a ends their wrap-up with disposition (POST /api/v1/me/wrapup); the status. */
static inline long se_wrapup(const struct se_agent *a, const char *disposition)
{
    char body[128];
    snprintf(body, sizeof body, "{\"disposition\": \"%s\"}", disposition);
    return se_post(a, "/api/v1/me/wrapup", body);
}

/* 1 when the query gives want within ms. */
static inline int se_wait_sql(const char *sql, const char *want, int ms)
{
    char buf[256];
    return strcmp(se_wait_q(sql, want, ms, buf, sizeof buf), want) == 0;
}

/* Waits up to ms for agent a to be in wrap-up, then ends it as resolved (both checked). */
static inline void se_end_wrapup(const struct se_agent *a, int ms)
{
    char sql[160], buf[64];
    snprintf(sql, sizeof sql, "SELECT state FROM agents WHERE name = '%s'", a->name);
    CHECK_STR(se_wait_q(sql, "wrap-up", ms, buf, sizeof buf), "wrap-up");
    CHECK_INT(se_wrapup(a, "resolved"), 200);
}

/*
 * Agent a dials to (POST /api/v1/calls, checked to answer 202) and the customer's call is
 * checked to be dialed within ms (a call.dialing event naming its conference): its sid into
 * sid and the conference into room.
 */
static inline void se_dial(const struct se_agent *a, const char *to, char *sid, size_t n,
                           char *room, size_t rn, int ms)
{
    char body[160], sql[300];
    snprintf(body, sizeof body, "{\"to\": \"%s\"}", to);
    struct se_resp r = se_api(a, "POST", "/api/v1/calls", body);
    CHECK_INT(r.status, 202);
    dt_strlcpy(room, se_str(r.json, "conference") ? se_str(r.json, "conference") : "", rn);
    se_resp_done(&r);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM events WHERE type = 'call.dialing' AND data LIKE '%%%s%%'",
             room);
    CHECK(room[0] && se_wait_sql(sql, "1", ms));
    dt_strlcpy(sid,
               se_q("SELECT json_extract(data, '$.call_sid') FROM events WHERE type = "
                    "'call.dialing' AND data LIKE '%%%s%%'",
                    room),
               n);
    CHECK(sid[0] == 'C');
    /* the call's row knows the number it was placed to as soon as the dial is announced */
    CHECK_STR(se_q("SELECT to_number FROM calls WHERE sid = '%s'", sid), to);
}

#endif
