/*
 * retention_int: the daemon's pruning of its logs ([retention] in dialtone/config.h): a loop
 * timer that deletes the event log's and the webhook audit log's old rows a batch at a time
 * (store_prune), and its figures for /metrics. Started by server_new, stopped by server_free.
 *
 * Threads: loop thread only.
 */
#ifndef DIALTONE_SERVER_RETENTION_INT_H
#define DIALTONE_SERVER_RETENTION_INT_H

#include <stdint.h>

#include "dialtone/store.h"

struct server;
struct dt_buf;
struct server_retention;

/* Rows deleted per batch: a batch holds the loop a few milliseconds at most. */
#define SERVER_RETENTION_BATCH 1000
/* The first round, after start; then one every interval, and the next batch of a round this
 * soon while the last one came back full (what is left to delete waits behind the webhooks). */
#define SERVER_RETENTION_FIRST_MS    1000
#define SERVER_RETENTION_INTERVAL_MS 60000
#define SERVER_RETENTION_PAUSE_MS    10

/* What was pruned since start. */
struct server_retention_counts {
    uint64_t pruned[STORE_PRUNE_TABLES]; /* rows deleted, by table */
    uint64_t errors;                     /* batches the store failed */
};

/* Starts pruning s's store as s's configuration says (nothing runs when every table is kept
 * for ever). Never NULL (aborts on out-of-memory). */
struct server_retention *server_retention_new(struct server *s);

/* Stops the timer and frees r. NULL is ignored. */
void server_retention_free(struct server_retention *r);

/* The counts so far into *out (zeroes for NULL r). */
void server_retention_get_counts(const struct server_retention *r,
                                 struct server_retention_counts *out);

/* Writes the /metrics lines: dialtone_pruned_total{table=...}, dialtone_prune_errors_total and
 * dialtone_retention_days{table=...}. */
void server_retention_metrics(struct server *s, struct dt_buf *b);

#endif
