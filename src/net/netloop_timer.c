/*
 * netloop timers. See dialtone/netloop.h.
 *
 * lws keeps its sorted-usec-list sorted by walking it on insert, which is fine for the few
 * timers lws has and not for thousands of ours. So the timers live in a binary min-heap
 * ordered by (due time, arming sequence), and only the heap's top is scheduled with lws, on
 * the single sul in struct netloop. When it fires, every timer that was due by then and
 * armed before the round began is popped and called; the sul is then set for the new top.
 */
#include "netloop_int.h"

#include "dialtone/util.h"

#include <stdlib.h>

#define NOT_PENDING ((size_t)-1)

struct netloop_timer {
    struct netloop *loop;
    netloop_timer_fn fn;
    void *user;
    int64_t due_us;
    uint64_t seq;
    size_t slot;                       /* index in the heap, or NOT_PENDING */
    struct netloop_timer *prev, *next; /* loop->timers */
};

static int earlier(const struct netloop_timer *a, const struct netloop_timer *b)
{
    return a->due_us < b->due_us || (a->due_us == b->due_us && a->seq < b->seq);
}

static void heap_set(struct netloop *loop, size_t i, struct netloop_timer *t)
{
    loop->heap[i] = t;
    t->slot = i;
}

static void sift_up(struct netloop *loop, size_t i)
{
    struct netloop_timer *t = loop->heap[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!earlier(t, loop->heap[parent]))
            break;
        heap_set(loop, i, loop->heap[parent]);
        i = parent;
    }
    heap_set(loop, i, t);
}

static void sift_down(struct netloop *loop, size_t i)
{
    struct netloop_timer *t = loop->heap[i];
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= loop->nheap)
            break;
        if (child + 1 < loop->nheap && earlier(loop->heap[child + 1], loop->heap[child]))
            child++;
        if (!earlier(loop->heap[child], t))
            break;
        heap_set(loop, i, loop->heap[child]);
        i = child;
    }
    heap_set(loop, i, t);
}

static void heap_remove(struct netloop *loop, struct netloop_timer *t)
{
    size_t i = t->slot;
    struct netloop_timer *last = loop->heap[--loop->nheap];
    t->slot = NOT_PENDING;
    if (last == t)
        return;
    heap_set(loop, i, last);
    if (i > 0 && earlier(last, loop->heap[(i - 1) / 2]))
        sift_up(loop, i);
    else
        sift_down(loop, i);
}

static void timers_fire(lws_sorted_usec_list_t *sul);

/* Points the lws sul at the heap's top, or cancels it when no timer is pending. */
static void rearm(struct netloop *loop)
{
    if (loop->in_timers || loop->closing)
        return;
    if (loop->nheap == 0) {
        lws_sul_cancel(&loop->sul);
        return;
    }
    lws_usec_t now = lws_now_usecs();
    lws_usec_t due = loop->heap[0]->due_us;
    lws_sul_schedule(loop->ctx, 0, &loop->sul, timers_fire, due > now ? due - now : 0);
}

static void timers_fire(lws_sorted_usec_list_t *sul)
{
    struct netloop *loop = (struct netloop *)((char *)sul - offsetof(struct netloop, sul));
    lws_usec_t now = lws_now_usecs();
    uint64_t round = loop->timer_seq;

    loop->in_timers = 1;
    while (loop->nheap > 0) {
        struct netloop_timer *t = loop->heap[0];
        if (t->due_us > now || t->seq >= round)
            break;
        heap_remove(loop, t);
        t->fn(t, t->user); /* may start, stop or free any timer, t included */
    }
    loop->in_timers = 0;
    rearm(loop);
}

struct netloop_timer *netloop_timer_new(struct netloop *loop, netloop_timer_fn fn, void *user)
{
    struct netloop_timer *t = xcalloc(1, sizeof *t);
    t->loop = loop;
    t->fn = fn;
    t->user = user;
    t->slot = NOT_PENDING;
    t->next = loop->timers;
    if (loop->timers)
        loop->timers->prev = t;
    loop->timers = t;
    return t;
}

void netloop_timer_start(struct netloop_timer *t, uint64_t ms)
{
    struct netloop *loop = t->loop;
    int was_top = t->slot == 0;
    if (t->slot != NOT_PENDING)
        heap_remove(loop, t);
    if (ms > (uint64_t)INT64_MAX / 2000)
        ms = (uint64_t)INT64_MAX / 2000; /* far enough: about 146,000 years */
    t->due_us = lws_now_usecs() + (lws_usec_t)ms * 1000;
    t->seq = loop->timer_seq++;
    if (loop->nheap == loop->capheap) {
        loop->capheap = loop->capheap ? 2 * loop->capheap : 64;
        loop->heap = xrealloc(loop->heap, loop->capheap * sizeof *loop->heap);
    }
    heap_set(loop, loop->nheap++, t);
    sift_up(loop, t->slot);
    if (was_top || t->slot == 0)
        rearm(loop);
}

void netloop_timer_stop(struct netloop_timer *t)
{
    if (t->slot == NOT_PENDING)
        return;
    int was_top = t->slot == 0;
    heap_remove(t->loop, t);
    if (was_top)
        rearm(t->loop);
}

int netloop_timer_pending(const struct netloop_timer *t)
{
    return t->slot != NOT_PENDING;
}

void netloop_timer_free(struct netloop_timer *t)
{
    if (!t)
        return;
    netloop_timer_stop(t);
    struct netloop *loop = t->loop;
    if (t->prev)
        t->prev->next = t->next;
    else
        loop->timers = t->next;
    if (t->next)
        t->next->prev = t->prev;
    free(t);
}

uint64_t netloop_now_ms(void)
{
    return (uint64_t)lws_now_usecs() / 1000;
}

void netloop_timers_done(struct netloop *loop)
{
    while (loop->timers) {
        struct netloop_timer *t = loop->timers;
        loop->timers = t->next;
        free(t);
    }
    free(loop->heap);
    loop->heap = NULL;
    loop->nheap = loop->capheap = 0;
}
