/*
 * console_client_rec: what the console client's tests share: callbacks that record every
 * state change, event and pending poll a client reports, a recorder for REST answers, and
 * helpers that run the loop until something was seen (never sleeping and hoping).
 */
#ifndef DIALTONE_CONSOLE_CLIENT_REC_H
#define DIALTONE_CONSOLE_CLIENT_REC_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "console/client.h"
#include "dialtone/netloop.h"
#include "dialtone/util.h"
#include "net_helper.h"

#define WAIT_MS 8000 /* generous: the machine may be loaded */
#define MAX_REC 128

/* ---- what the callbacks saw ------------------------------------------------------------- */

struct rec {
    struct client *c;
    int nconn, connecting, live, reconnecting, offline;
    enum client_conn state;
    uint64_t retry_at, notified_at;
    uint64_t delays[MAX_REC]; /* retry_at - now of each RECONNECTING with a retry scheduled */
    int ndelays;
    char why[256];
    int nev;
    long long seq[MAX_REC];
    char type[MAX_REC][32];
    int npending;
    int free_when_live; /* client_free from inside on_conn(LIVE) */
};

static inline void rec_conn(enum client_conn st, uint64_t retry_at, const char *why, void *user)
{
    struct rec *r = user;
    r->nconn++;
    r->state = st;
    r->retry_at = retry_at;
    r->notified_at = netloop_now_ms();
    dt_strlcpy(r->why, why ? why : "", sizeof r->why);
    int *counts[] = {&r->connecting, &r->live, &r->reconnecting, &r->offline};
    (*counts[st])++;
    if (st == CLIENT_RECONNECTING && retry_at && r->ndelays < MAX_REC)
        r->delays[r->ndelays++] = retry_at - r->notified_at;
    if (st == CLIENT_LIVE && r->free_when_live) {
        client_free(r->c);
        r->c = NULL;
    }
}

static inline void rec_event(const cJSON *ev, void *user)
{
    struct rec *r = user;
    if (r->nev >= MAX_REC)
        return;
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(ev, "seq");
    r->seq[r->nev] = cJSON_IsNumber(s) ? (long long)s->valuedouble : -1;
    const char *t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ev, "type"));
    dt_strlcpy(r->type[r->nev], t ? t : "", sizeof r->type[0]);
    r->nev++;
}

static inline void rec_pending(const cJSON *body, void *user)
{
    struct rec *r = user;
    if (cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(body, "calls")) &&
        cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(body, "offers")))
        r->npending++;
}

static const struct client_callbacks rec_cb = {
    .on_conn = rec_conn,
    .on_event = rec_event,
    .on_pending = rec_pending,
};

/* A REST answer. */
struct res {
    int done, status, has_body;
    char err[256];
    char name[64];
    struct client **free_me; /* client_free(*free_me) from inside the callback */
};

static inline void on_res(int status, const cJSON *body, const char *err, void *arg)
{
    struct res *r = arg;
    r->done++;
    r->status = status;
    r->has_body = body != NULL;
    dt_strlcpy(r->err, err ? err : "(null)", sizeof r->err);
    const char *n = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(body, "name"));
    dt_strlcpy(r->name, n ? n : "", sizeof r->name);
    if (r->free_me) {
        client_free(*r->free_me);
        *r->free_me = NULL;
    }
}

/* The events of type t seen so far. */
static inline int count_type(const struct rec *r, const char *t)
{
    int n = 0;
    for (int i = 0; i < r->nev; i++)
        n += strcmp(r->type[i], t) == 0;
    return n;
}

/* Runs the loop until an event of type t was seen, or ms ran out. */
static inline int wait_type(struct netloop *loop, const struct rec *r, const char *t, int ms)
{
    uint64_t end = netloop_now_ms() + (uint64_t)ms;
    int never = 0;
    while (!count_type(r, t) && netloop_now_ms() < end)
        net_run_until(loop, &never, 5);
    return count_type(r, t) > 0;
}

/* Runs the loop until the last message seen has this seq, or ms ran out. */
static inline int wait_seq(struct netloop *loop, const struct rec *r, long long seq, int ms)
{
    uint64_t end = netloop_now_ms() + (uint64_t)ms;
    int never = 0;
    while (!(r->nev && r->seq[r->nev - 1] == seq) && netloop_now_ms() < end)
        net_run_until(loop, &never, 5);
    return r->nev && r->seq[r->nev - 1] == seq;
}

static inline struct client *connect_rec(struct netloop *loop, const char *url, const char *token,
                                         struct rec *r)
{
    memset(r, 0, sizeof *r);
    char err[256] = "";
    r->c = client_new(loop, url, token, &rec_cb, r, err, sizeof err);
    if (!r->c)
        printf("  client_new: %s\n", err);
    return r->c;
}

#endif
