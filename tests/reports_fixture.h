/*
 * reports_fixture: what the reports' tests share: a database file in a directory of its own
 * (removed with its WAL files afterwards), and a call stored as the daemon stores Twilio's
 * last status callback for it, with the figures the reports read (queue and its result, the
 * final status with a SIP 486 for busy and 21217 for failed, the price).
 */
#ifndef DIALTONE_TEST_REPORTS_FIXTURE_H
#define DIALTONE_TEST_REPORTS_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "dialtone/store.h"
#include "dialtone/util.h"

/* A directory under /tmp and the database path in it. */
struct rf_db {
    char dir[64], path[96];
};

/* Makes the directory; 0, or -1 when it cannot. */
static inline int rf_db_make(struct rf_db *d)
{
    snprintf(d->dir, sizeof d->dir, "%s", "/tmp/dt-reports.XXXXXX");
    if (!mkdtemp(d->dir))
        return -1;
    snprintf(d->path, sizeof d->path, "%s/d.db", d->dir);
    return 0;
}

/* Removes the database, its WAL files and the directory. */
static inline void rf_db_remove(const struct rf_db *d)
{
    static const char *const sfx[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        char p[128];
        snprintf(p, sizeof p, "%s%s", d->path, sfx[i]);
        unlink(p);
    }
    rmdir(d->dir);
}

/* A call created at t in queue (NULL: an outbound one) that ended with status, answered by
 * agent (may be NULL), priced in unit when price is not NULL. */
static inline void rf_call(struct store *st, const char *sid, int64_t t, const char *queue,
                           const char *qresult, const char *status, const char *agent,
                           const char *price, const char *unit)
{
    char err[256] = "";
    struct store_call_update u;
    store_call_update_init(&u);
    u.sid = sid;
    u.type = "status";
    u.ts_ms = t;
    u.payload = "x";
    u.payload_len = 1;
    u.direction = queue ? "inbound" : "outbound-api";
    u.from = "+14155550123";
    u.to = "+14155550199";
    u.queue = queue;
    u.queue_result = qresult;
    u.queue_time_s = qresult ? 10 : STORE_ABSENT;
    u.status = status;
    u.sip_code = strcmp(status, "busy") == 0 ? 486 : STORE_ABSENT;
    u.error_code = strcmp(status, "failed") == 0 ? 21217 : STORE_ABSENT;
    u.agent = agent;
    u.price = price;
    u.price_unit = price ? unit : NULL;
    int rc = store_call_apply(st, &u, NULL, err, sizeof err);
    if (rc != DT_OK)
        printf("  rf_call %s: %s\n", sid, err);
    CHECK_INT(rc, DT_OK);
}

#endif
