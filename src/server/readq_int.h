/*
 * readq: the daemon's long read-only queries (the reports, the errors page) off its loop: one
 * worker thread with a read-only SQLite connection of its own to the store's file (WAL lets it
 * read beside the writer) runs them one at a time from a bounded queue, and each answer is
 * posted back to the loop thread and sent from there, so webhooks and pushes never wait behind
 * a year of calls.
 *
 * Threads: readq_new, readq_submit and readq_free are for the loop thread; readq_hold and
 * readq_counts may be called from any thread.
 */
#ifndef DIALTONE_SERVER_READQ_INT_H
#define DIALTONE_SERVER_READQ_INT_H

#include <stddef.h>
#include <stdint.h>

struct httpd_req;
struct netloop;
struct store;
struct store_report;
struct store_history_ro;
struct readq;

#define READQ_WAITING_MAX 16  /* jobs waiting beside the one running; more get 503 */
#define READQ_RETRY_AFTER "2" /* seconds, in the Retry-After of that 503 */
#define READQ_ERR_SIZE    256

/*
 * A job: the caller's struct begins with one (cast back in the callbacks). run is called on the
 * worker thread with the connection; it may read only what the job holds (and immutable data
 * such as the configuration), sets rc and err, and keeps its result in the job. answer is called
 * on the loop thread afterwards and answers req (a client that has gone is fine: httpd frees
 * the request when answered). Then, or for a job that never ran (the daemon stopping: readq
 * answers 503 itself), free releases the job.
 */
struct readq_job {
    void (*run)(struct readq_job *j, struct store_report *db);
    void (*answer)(struct readq_job *j, struct httpd_req *req);
    void (*free)(struct readq_job *j);
    int rc;                   /* run's result: DT_OK or DT_E... */
    char err[READQ_ERR_SIZE]; /* run's reason when rc is not DT_OK */
    /* readq's own */
    struct readq *q;
    struct httpd_req *req;
    int ran;
    struct readq_job *next;
};

/*
 * Opens a read-only connection to st's database file (store_report_open_store) and starts the
 * worker, whose connection it is from then on. Returns NULL with err filled when st has no file
 * (an in-memory database: the API then answers these routes 503), the file cannot be opened or
 * the thread cannot start.
 */
struct readq *readq_new(struct netloop *loop, struct store *st, char *err, size_t errlen);

/*
 * Stops the worker: jobs still waiting are answered 503 ("the daemon is stopping") without
 * running, as is one held by readq_hold; the one running finishes (a query is short: the
 * reports' ranges are capped) and is answered, and the thread is joined. Every answer is given
 * to httpd before it returns (netloop_flush runs the posted ones), so call it before the httpd
 * server is freed, from the loop thread. NULL is ignored.
 */
void readq_free(struct readq *q);

/*
 * Queues job for req (the handler's request, which it defers): returns 0, after which job and
 * req are readq's until job->free. DT_ETOOBIG when READQ_WAITING_MAX jobs are waiting already,
 * DT_ESTATE when stopping: then req is answered 503 with Retry-After and words, and the job is
 * still the caller's (not freed).
 */
int readq_submit(struct readq *q, struct httpd_req *req, struct readq_job *job);

/*
 * For tests: with on set, the worker takes the next job and holds it, not running it, until
 * readq_hold(q, 0) (or readq_free) lets it go; so a slow query is made without timing.
 */
void readq_hold(struct readq *q, int on);

/*
 * For a caller whose loop never runs (a fuzz target, which answers requests without sockets):
 * with on set, readq_submit runs each job at once on the calling thread and answers it before
 * it returns, as the handlers did before the worker.
 */
void readq_run_now(struct readq *q, int on);

/*
 * For a job's run, on the worker (or where readq_run_now runs it): the history statements of
 * the connection run was given (dialtone/store_history_ro.h), kept for the worker's life so
 * that each history page does not prepare its statement again. Borrowed.
 */
struct store_history_ro *readq_history(struct readq_job *j);

/* What the queue holds: jobs waiting, 1 when the worker holds one (running or held), and the
 * answers sent so far (of which gone: to a client that had left). */
struct readq_counts {
    size_t waiting;
    int busy;
    uint64_t answered, gone, refused;
};
void readq_counts(struct readq *q, struct readq_counts *out);

#endif
