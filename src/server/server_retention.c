/*
 * server_retention: the daemon's pruning of its two logs (see retention_int.h). A round runs
 * every SERVER_RETENTION_INTERVAL_MS: one batch per table that has a limit, then, while any
 * batch came back full, the next ones SERVER_RETENTION_PAUSE_MS later, so that a backlog
 * (the first start after an upgrade, a limit made shorter) goes in small bites between the
 * webhooks instead of in one long delete. A round that deleted something is logged once, with
 * its counts.
 */
#include <stdio.h>
#include <stdlib.h>

#include "dialtone/config.h"
#include "dialtone/log.h"
#include "dialtone/netloop.h"
#include "dialtone/store.h"
#include "dialtone/util.h"
#include "server/retention_int.h"
#include "server/server_int.h"

struct server_retention {
    struct server *srv;
    struct netloop_timer *timer; /* NULL when every table is kept for ever */
    struct server_retention_counts counts;
    uint64_t round[STORE_PRUNE_TABLES]; /* deleted in the round under way */
    int failed;                         /* the round under way had an error (logged once) */
};

/* The days table t is kept ([retention]), 0 for ever. */
static int keep_days(const struct config *cfg, enum store_prune_table t)
{
    return t == STORE_PRUNE_EVENTS ? cfg->retention.events_days : cfg->retention.webhook_log_days;
}

static void end_round(struct server_retention *r)
{
    char line[256] = "";
    size_t len = 0;
    for (int t = 0; t < STORE_PRUNE_TABLES; t++) {
        if (!r->round[t] || len >= sizeof line)
            continue;
        int days = keep_days(r->srv->cfg, (enum store_prune_table)t);
        int n =
            snprintf(line + len, sizeof line - len, "%s%llu %s rows older than %d day%s",
                     len ? ", " : "", (unsigned long long)r->round[t],
                     store_prune_table_name((enum store_prune_table)t), days, days == 1 ? "" : "s");
        len += n > 0 ? (size_t)n : 0;
    }
    if (len)
        log_info("retention: pruned %s", line);
    for (int t = 0; t < STORE_PRUNE_TABLES; t++)
        r->round[t] = 0;
    r->failed = 0;
}

/* One batch of table t; 1 when it came back full (more may be due). */
static int prune_batch(struct server_retention *r, enum store_prune_table t, int64_t now_ms)
{
    int days = keep_days(r->srv->cfg, t);
    if (days <= 0)
        return 0;
    char err[256];
    int n = 0;
    int rc = store_prune(r->srv->store, t, store_prune_before(now_ms, days), SERVER_RETENTION_BATCH,
                         &n, err, sizeof err);
    if (rc != DT_OK) {
        if (!r->failed)
            log_warn("retention: pruning %s: %s", store_prune_table_name(t), err);
        r->failed = 1;
        r->counts.errors++;
        return 0;
    }
    r->round[t] += (uint64_t)n;
    r->counts.pruned[t] += (uint64_t)n;
    return n == SERVER_RETENTION_BATCH;
}

static void on_timer(struct netloop_timer *t, void *user)
{
    struct server_retention *r = user;
    if (store_tx_open(r->srv->store)) { /* never between a webhook batch's begin and commit */
        netloop_timer_start(t, SERVER_RETENTION_PAUSE_MS);
        return;
    }
    int64_t now = server_now_ms();
    int more = 0;
    for (int i = 0; i < STORE_PRUNE_TABLES; i++)
        more |= prune_batch(r, (enum store_prune_table)i, now);
    if (more) {
        netloop_timer_start(t, SERVER_RETENTION_PAUSE_MS);
        return;
    }
    end_round(r);
    netloop_timer_start(t, SERVER_RETENTION_INTERVAL_MS);
}

struct server_retention *server_retention_new(struct server *s)
{
    struct server_retention *r = xcalloc(1, sizeof *r);
    r->srv = s;
    if (keep_days(s->cfg, STORE_PRUNE_EVENTS) > 0 ||
        keep_days(s->cfg, STORE_PRUNE_WEBHOOK_LOG) > 0) {
        r->timer = netloop_timer_new(s->loop, on_timer, r);
        netloop_timer_start(r->timer, SERVER_RETENTION_FIRST_MS);
    }
    return r;
}

void server_retention_free(struct server_retention *r)
{
    if (!r)
        return;
    netloop_timer_free(r->timer);
    free(r);
}

void server_retention_get_counts(const struct server_retention *r,
                                 struct server_retention_counts *out)
{
    *out = r ? r->counts : (struct server_retention_counts){0};
}

void server_retention_metrics(struct server *s, struct dt_buf *b)
{
    struct server_retention_counts c;
    server_retention_get_counts(s->retention, &c);
    dt_buf_printf(b, "# HELP dialtone_pruned_total Old log rows deleted ([retention]), by table.\n"
                     "# TYPE dialtone_pruned_total counter\n");
    for (int t = 0; t < STORE_PRUNE_TABLES; t++)
        dt_buf_printf(b, "dialtone_pruned_total{table=\"%s\"} %llu\n",
                      store_prune_table_name((enum store_prune_table)t),
                      (unsigned long long)c.pruned[t]);
    dt_buf_printf(b,
                  "# HELP dialtone_prune_errors_total Pruning batches the database failed.\n"
                  "# TYPE dialtone_prune_errors_total counter\n"
                  "dialtone_prune_errors_total %llu\n",
                  (unsigned long long)c.errors);
    dt_buf_printf(b, "# HELP dialtone_retention_days Days each log is kept (0: for ever).\n"
                     "# TYPE dialtone_retention_days gauge\n");
    for (int t = 0; t < STORE_PRUNE_TABLES; t++)
        dt_buf_printf(b, "dialtone_retention_days{table=\"%s\"} %d\n",
                      store_prune_table_name((enum store_prune_table)t),
                      keep_days(s->cfg, (enum store_prune_table)t));
}
