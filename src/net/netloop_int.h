/*
 * netloop_int: the loop's state, shared by netloop.c (context, posted work, signals,
 * descriptors) and netloop_timer.c (the timer heap). Not for use outside src/net.
 */
#ifndef DIALTONE_NETLOOP_INT_H
#define DIALTONE_NETLOOP_INT_H

#include "dialtone/netloop.h"

#include <libwebsockets.h>
#include <pthread.h>
#include <stdatomic.h>

/* One unit of posted work, or one cleanup for netloop_free. */
struct netloop_job {
    netloop_fn fn;
    void *arg;
    struct netloop_job *next;
};

struct netloop {
    struct lws_context *ctx;
    struct lws_vhost *vh;                /* internal vhost: wake-ups and adopted descriptors */
    struct lws_vhost *server_vh;         /* netloop_server_vhost */
    struct lws_protocols *server_protos; /* its protocols, which must outlive it */
    atomic_int stop;
    int running;
    pthread_t thread; /* the loop thread */

    pthread_mutex_t mu; /* guards the posted queue */
    struct netloop_job *head, *tail;
    size_t nposted;

    /* Timers: a binary min-heap on (due, seq) behind one lws sul. */
    struct netloop_timer **heap;
    size_t nheap, capheap;
    uint64_t timer_seq;
    lws_sorted_usec_list_t sul;
    int in_timers;                /* dispatching: re-arm the sul once at the end */
    int closing;                  /* netloop_free has begun: the sul is left alone */
    struct netloop_timer *timers; /* every live timer, for netloop_free */

    int catching; /* this loop owns SIGINT/SIGTERM */
    netloop_signal_fn sig_fn;
    void *sig_user;
};

/* Frees every timer that is still alive (netloop_free, after the context is gone). */
void netloop_timers_done(struct netloop *loop);

#endif
