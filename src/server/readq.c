/*
 * readq: one worker thread for the daemon's long read-only queries. See server/readq_int.h.
 *
 * The loop thread queues jobs under the mutex and signals; the worker takes them in order,
 * runs each on its own read-only connection and posts it back (netloop_post), where it is
 * answered. A job is in one place at a time: waiting (the list), held by the worker, or
 * posted back.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialtone/httpd.h"
#include "dialtone/netloop.h"
#include "dialtone/store.h"
#include "dialtone/store_history_ro.h"
#include "dialtone/store_report.h"
#include "dialtone/store_report_live.h"
#include "dialtone/util.h"
#include "server/api_int.h"
#include "server/readq_int.h"

struct readq {
    struct netloop *loop;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct readq_job *head, *tail; /* waiting, oldest first */
    size_t waiting;
    int busy, hold, stop, now;
    struct readq_counts counts;
    struct store_report *db;          /* opened on the loop thread, then the worker's alone */
    struct store_history_ro *history; /* db's history statements, as db */
};

/* On the loop thread: answers and frees a job; deferred: its request was deferred (whose
 * client may have gone), else it is being answered from its handler. */
static void answer_job(struct readq_job *j, int deferred)
{
    struct readq *q = j->q;
    int gone = deferred && httpd_req_gone(j->req);
    if (j->ran)
        j->answer(j, j->req);
    else
        api_error(j->req, 503, "unavailable", "the daemon is stopping");
    pthread_mutex_lock(&q->mu);
    q->counts.answered++;
    q->counts.gone += gone != 0;
    pthread_mutex_unlock(&q->mu);
    j->free(j);
}

/* The same for a job the worker posted back. */
static void finish(void *arg)
{
    answer_job(arg, 1);
}

/* On the worker: runs j on the connection. */
static void run(struct readq *q, struct readq_job *j)
{
    j->rc = DT_OK;
    j->err[0] = '\0';
    j->run(j, q->db);
}

static void *worker(void *arg)
{
    struct readq *q = arg;
    pthread_mutex_lock(&q->mu);
    for (;;) {
        while (!q->stop && !q->head)
            pthread_cond_wait(&q->cv, &q->mu);
        if (q->stop)
            break;
        struct readq_job *j = q->head;
        q->head = j->next;
        if (!q->head)
            q->tail = NULL;
        q->waiting--;
        q->busy = 1;
        while (q->hold && !q->stop)
            pthread_cond_wait(&q->cv, &q->mu);
        if (!q->stop) {
            pthread_mutex_unlock(&q->mu);
            run(q, j);
            j->ran = 1;
            pthread_mutex_lock(&q->mu);
        }
        q->busy = 0;
        netloop_post(q->loop, finish, j);
    }
    pthread_mutex_unlock(&q->mu);
    store_history_ro_free(q->history);
    q->history = NULL;
    store_report_close(q->db);
    q->db = NULL;
    return NULL;
}

struct readq *readq_new(struct netloop *loop, struct store *st, char *err, size_t errlen)
{
    struct store_report *db;
    int rc = store_report_open_store(st, &db, err, errlen);
    if (rc != DT_OK)
        return NULL;
    struct readq *q = xcalloc(1, sizeof *q);
    q->loop = loop;
    q->db = db;
    q->history = store_history_ro_new(db);
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->cv, NULL);
    rc = pthread_create(&q->thread, NULL, worker, q);
    if (rc != 0) {
        dt_seterr(err, errlen, DT_EIO, "cannot start the query thread: %s", strerror(rc));
        pthread_cond_destroy(&q->cv);
        pthread_mutex_destroy(&q->mu);
        store_history_ro_free(q->history);
        store_report_close(db);
        free(q);
        return NULL;
    }
    return q;
}

void readq_free(struct readq *q)
{
    if (!q)
        return;
    pthread_mutex_lock(&q->mu);
    q->stop = 1;
    struct readq_job *left = q->head;
    q->head = q->tail = NULL;
    q->waiting = 0;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
    pthread_join(q->thread, NULL);
    /* the job the worker held is posted: answered here, as are those never taken */
    netloop_flush(q->loop);
    while (left) {
        struct readq_job *next = left->next;
        finish(left);
        left = next;
    }
    pthread_cond_destroy(&q->cv);
    pthread_mutex_destroy(&q->mu);
    free(q);
}

/* The 503 of a job refused, with when to come back. */
static void refuse(struct httpd_req *req, const char *why)
{
    httpd_req_add_header(req, "Retry-After", READQ_RETRY_AFTER);
    api_error(req, 503, "busy", why);
}

int readq_submit(struct readq *q, struct httpd_req *req, struct readq_job *job)
{
    char why[160];
    int rc = DT_OK;
    pthread_mutex_lock(&q->mu);
    if (q->now && !q->stop && !q->head && !q->busy) {
        /* no loop to come back to: the job runs here, and the worker waits for the mutex */
        job->q = q;
        job->req = req;
        run(q, job);
        job->ran = 1;
        pthread_mutex_unlock(&q->mu);
        answer_job(job, 0);
        return DT_OK;
    }
    if (q->stop) {
        rc = DT_ESTATE;
    } else if (q->waiting >= READQ_WAITING_MAX) {
        rc = DT_ETOOBIG;
        q->counts.refused++;
    } else {
        job->q = q;
        job->req = req;
        job->ran = 0;
        job->next = NULL;
        if (q->tail)
            q->tail->next = job;
        else
            q->head = job;
        q->tail = job;
        q->waiting++;
        pthread_cond_signal(&q->cv);
    }
    pthread_mutex_unlock(&q->mu);
    if (rc == DT_OK) {
        httpd_defer(req);
    } else {
        if (rc == DT_ESTATE)
            snprintf(why, sizeof why, "the daemon is stopping");
        else
            snprintf(why, sizeof why,
                     "%d long queries (reports, errors pages, history searches) are waiting "
                     "already; try again in a few seconds",
                     READQ_WAITING_MAX);
        refuse(req, why);
    }
    return rc;
}

void readq_hold(struct readq *q, int on)
{
    pthread_mutex_lock(&q->mu);
    q->hold = on;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

void readq_run_now(struct readq *q, int on)
{
    pthread_mutex_lock(&q->mu);
    q->now = on;
    pthread_mutex_unlock(&q->mu);
}

void readq_counts(struct readq *q, struct readq_counts *out)
{
    pthread_mutex_lock(&q->mu);
    *out = q->counts;
    out->waiting = q->waiting;
    out->busy = q->busy;
    pthread_mutex_unlock(&q->mu);
}

struct store_history_ro *readq_history(struct readq_job *j)
{
    return j->q->history;
}
