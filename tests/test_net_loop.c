/* Tests for netloop: timers (order, delays, cancel, re-arm, many), posted work from other
 * threads, stop, signals, adopted descriptors and shutdown. */
#include "dialtone/netloop.h"
#include "dialtone/util.h"
#include "check.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct netloop *new_loop(void)
{
    char err[256] = "";
    struct netloop *loop = netloop_new(NULL, err, sizeof err);
    if (!loop)
        printf("netloop_new: %s\n", err);
    return loop;
}

/* A watchdog: stops the loop after ms and records that it had to. */
static int watchdog_fired;

static void on_watchdog(struct netloop_timer *t, void *user)
{
    (void)t;
    watchdog_fired = 1;
    netloop_stop(user);
}

static struct netloop_timer *watchdog(struct netloop *loop, uint64_t ms)
{
    watchdog_fired = 0;
    struct netloop_timer *t = netloop_timer_new(loop, on_watchdog, loop);
    netloop_timer_start(t, ms);
    return t;
}

/* ---- timers ------------------------------------------------------------------------------- */

struct fired {
    struct netloop *loop;
    int order[64];
    uint64_t at[64];
    int n, want;
};

struct tctx {
    struct fired *f;
    int id;
};

static void on_record(struct netloop_timer *t, void *user)
{
    (void)t;
    struct tctx *c = user;
    struct fired *f = c->f;
    if (f->n < 64) {
        f->order[f->n] = c->id;
        f->at[f->n] = netloop_now_ms();
    }
    if (++f->n == f->want)
        netloop_stop(f->loop);
}

TEST(timers_fire_in_order_after_their_delays)
{
    struct netloop *loop = new_loop();
    static const uint64_t delays[] = {50, 10, 30, 0, 20, 10, 80};
    /* expected order: by delay, then by arming order */
    static const int want[] = {3, 1, 5, 4, 2, 0, 6};
    enum { N = sizeof delays / sizeof delays[0] };
    struct fired f = {.loop = loop, .want = N};
    struct tctx ctx[N];
    struct netloop_timer *t[N];
    uint64_t start = netloop_now_ms();
    for (int i = 0; i < N; i++) {
        ctx[i] = (struct tctx){.f = &f, .id = i};
        t[i] = netloop_timer_new(loop, on_record, &ctx[i]);
        netloop_timer_start(t[i], delays[i]);
        CHECK(netloop_timer_pending(t[i]));
    }
    struct netloop_timer *wd = watchdog(loop, 10000);
    CHECK_INT(netloop_run(loop), 0);
    CHECK_INT(watchdog_fired, 0);
    CHECK_INT(f.n, N);
    for (int i = 0; i < N && i < f.n; i++) {
        CHECK_INT(f.order[i], want[i]);
        CHECK(f.at[i] - start >= delays[f.order[i]]);
        CHECK(!netloop_timer_pending(t[f.order[i]]));
    }
    for (int i = 0; i < N; i++)
        netloop_timer_free(t[i]);
    netloop_timer_free(wd);
    netloop_free(loop);
}

TEST(timers_stop_and_rearm)
{
    struct netloop *loop = new_loop();
    struct fired f = {.loop = loop, .want = 3};
    struct tctx c0 = {.f = &f, .id = 0}, c1 = {.f = &f, .id = 1}, c2 = {.f = &f, .id = 2},
                c3 = {.f = &f, .id = 3}, c4 = {.f = &f, .id = 4};
    struct netloop_timer *stopped = netloop_timer_new(loop, on_record, &c0);
    struct netloop_timer *sooner = netloop_timer_new(loop, on_record, &c1);
    struct netloop_timer *later = netloop_timer_new(loop, on_record, &c2);
    struct netloop_timer *marker = netloop_timer_new(loop, on_record, &c3);
    struct netloop_timer *never = netloop_timer_new(loop, on_record, &c4);
    uint64_t start = netloop_now_ms();
    netloop_timer_start(stopped, 5);
    netloop_timer_stop(stopped);
    netloop_timer_stop(stopped); /* twice is fine */
    netloop_timer_stop(never);   /* never armed */
    netloop_timer_start(sooner, 300);
    netloop_timer_start(later, 10);
    netloop_timer_start(marker, 60);
    netloop_timer_start(sooner, 20); /* re-armed earlier: fires once, before the marker */
    netloop_timer_start(later, 120); /* re-armed later: fires once, after the marker */
    struct netloop_timer *wd = watchdog(loop, 10000);
    CHECK_INT(netloop_run(loop), 0);
    CHECK_INT(watchdog_fired, 0);
    CHECK_INT(f.n, 3);
    CHECK_INT(f.order[0], 1);
    CHECK_INT(f.order[1], 3);
    CHECK_INT(f.order[2], 2);
    CHECK(f.at[0] - start >= 20);
    CHECK(f.at[2] - start >= 120);
    netloop_timer_free(stopped);
    netloop_timer_free(sooner);
    netloop_timer_free(later);
    netloop_timer_free(marker);
    netloop_timer_free(never);
    netloop_timer_free(wd);
    netloop_free(loop);
}

struct repeat {
    struct netloop *loop;
    int count;
    uint64_t last;
    int gaps_ok;
};

static void on_repeat(struct netloop_timer *t, void *user)
{
    struct repeat *r = user;
    uint64_t now = netloop_now_ms();
    if (r->count > 0 && now - r->last < 5)
        r->gaps_ok = 0;
    r->last = now;
    if (++r->count == 5) {
        netloop_timer_free(t); /* freeing itself from its own callback */
        netloop_stop(r->loop);
        return;
    }
    netloop_timer_start(t, 5);
}

TEST(timer_rearms_and_frees_itself)
{
    struct netloop *loop = new_loop();
    struct repeat r = {.loop = loop, .gaps_ok = 1};
    struct netloop_timer *t = netloop_timer_new(loop, on_repeat, &r);
    netloop_timer_start(t, 5);
    struct netloop_timer *wd = watchdog(loop, 10000);
    CHECK_INT(netloop_run(loop), 0);
    CHECK_INT(watchdog_fired, 0);
    CHECK_INT(r.count, 5);
    CHECK(r.gaps_ok);
    netloop_timer_free(wd);
    netloop_free(loop);
}

struct spin {
    int spins;
    int other_fired;
    struct netloop *loop;
};

static void on_spin(struct netloop_timer *t, void *user)
{
    struct spin *s = user;
    s->spins++;
    if (!s->other_fired)
        netloop_timer_start(t, 0);
}

static void on_other(struct netloop_timer *t, void *user)
{
    (void)t;
    struct spin *s = user;
    s->other_fired = 1;
    netloop_stop(s->loop);
}

TEST(zero_delay_rearm_does_not_starve_the_loop)
{
    struct netloop *loop = new_loop();
    struct spin s = {.loop = loop};
    struct netloop_timer *spinner = netloop_timer_new(loop, on_spin, &s);
    struct netloop_timer *other = netloop_timer_new(loop, on_other, &s);
    netloop_timer_start(spinner, 0);
    netloop_timer_start(other, 20);
    struct netloop_timer *wd = watchdog(loop, 10000);
    CHECK_INT(netloop_run(loop), 0);
    CHECK_INT(watchdog_fired, 0);
    CHECK(s.other_fired);
    CHECK(s.spins > 1);
    netloop_timer_free(spinner);
    netloop_timer_free(other);
    netloop_timer_free(wd);
    netloop_free(loop);
}

enum { MANY = 20000 };

struct many {
    struct netloop *loop;
    /* The clock just before and just after arming, plus the delay: the timer's real due
     * time lies between (the test may be preempted between the two reads). */
    uint64_t lo[MANY], hi[MANY];
    uint64_t max_lo; /* of the timers fired so far */
    int fired, out_of_order, too_early;
};

struct many_ctx {
    struct many *m;
    int i;
};

static void on_many(struct netloop_timer *t, void *user)
{
    (void)t;
    struct many_ctx *c = user;
    struct many *m = c->m;
    /* fired after one whose due time was surely later: out of order (ms are floors) */
    if (m->hi[c->i] + 1 < m->max_lo)
        m->out_of_order++;
    if (netloop_now_ms() < m->lo[c->i])
        m->too_early++;
    if (m->lo[c->i] > m->max_lo)
        m->max_lo = m->lo[c->i];
    if (++m->fired == MANY)
        netloop_stop(m->loop);
}

static void arm_many(struct many *m, struct netloop_timer *t, int i, uint64_t delay)
{
    m->lo[i] = netloop_now_ms() + delay;
    netloop_timer_start(t, delay);
    m->hi[i] = netloop_now_ms() + delay;
}

TEST(twenty_thousand_timers)
{
    struct netloop *loop = new_loop();
    struct many *m = xcalloc(1, sizeof *m);
    struct many_ctx *ctx = xcalloc(MANY, sizeof *ctx);
    struct netloop_timer **t = xcalloc(MANY, sizeof *t);
    m->loop = loop;
    unsigned seed = 12345;
    for (int i = 0; i < MANY; i++) {
        seed = seed * 1103515245u + 12345u;
        ctx[i] = (struct many_ctx){.m = m, .i = i};
        t[i] = netloop_timer_new(loop, on_many, &ctx[i]);
        arm_many(m, t[i], i, (seed >> 16) % 200);
    }
    /* stop a tenth of them again, and re-arm another tenth */
    int stopped = 0;
    for (int i = 0; i < MANY; i += 10) {
        netloop_timer_stop(t[i]);
        stopped++;
    }
    for (int i = 5; i < MANY; i += 10)
        arm_many(m, t[i], i, 100 + i % 100);
    m->fired = stopped; /* the stopped ones count as done */
    struct netloop_timer *wd = watchdog(loop, 30000);
    CHECK_INT(netloop_run(loop), 0);
    CHECK_INT(watchdog_fired, 0);
    CHECK_INT(m->fired, MANY);
    CHECK_INT(m->too_early, 0);
    CHECK_INT(m->out_of_order, 0);
    for (int i = 0; i < MANY; i += 10)
        CHECK(!netloop_timer_pending(t[i]));
    for (int i = 0; i < MANY; i++)
        netloop_timer_free(t[i]);
    netloop_timer_free(wd);
    netloop_free(loop);
    free(t);
    free(ctx);
    free(m);
}

TEST(timers_left_alive_are_freed_with_the_loop)
{
    struct netloop *loop = new_loop();
    struct fired f = {.loop = loop, .want = 100};
    struct tctx c = {.f = &f};
    for (int i = 0; i < 10; i++) {
        struct netloop_timer *t = netloop_timer_new(loop, on_record, &c);
        if (i % 2)
            netloop_timer_start(t, 1000);
    }
    netloop_free(loop); /* the leak checker would see any that were not */
    CHECK_INT(f.n, 0);
}

/* ---- posted work -------------------------------------------------------------------------- */

enum { POSTERS = 4, POSTS = 2000 };

struct posting {
    struct netloop *loop;
    pthread_t loop_thread;
    int count;
    int wrong_thread;
    int last_seq[POSTERS];
    int out_of_order;
};

struct post_item {
    struct posting *p;
    int thread, seq;
};

static void on_posted(void *arg)
{
    struct post_item *it = arg;
    struct posting *p = it->p;
    if (!pthread_equal(pthread_self(), p->loop_thread) || !netloop_on_loop_thread(p->loop))
        p->wrong_thread++;
    if (it->seq != p->last_seq[it->thread] + 1)
        p->out_of_order++;
    p->last_seq[it->thread] = it->seq;
    if (++p->count == POSTERS * POSTS)
        netloop_stop(p->loop);
    free(it);
}

struct poster_arg {
    struct posting *p;
    int id;
};

static void *poster(void *arg)
{
    struct poster_arg *a = arg;
    for (int i = 0; i < POSTS; i++) {
        struct post_item *it = xmalloc(sizeof *it);
        *it = (struct post_item){.p = a->p, .thread = a->id, .seq = i};
        netloop_post(a->p->loop, on_posted, it);
        if (i % 256 == 0)
            usleep(100);
    }
    return NULL;
}

TEST(post_from_other_threads_runs_on_the_loop_thread_in_order)
{
    struct netloop *loop = new_loop();
    struct posting p = {.loop = loop, .loop_thread = pthread_self()};
    for (int i = 0; i < POSTERS; i++)
        p.last_seq[i] = -1;
    pthread_t th[POSTERS];
    struct poster_arg args[POSTERS];
    for (int i = 0; i < POSTERS; i++) {
        args[i] = (struct poster_arg){.p = &p, .id = i};
        pthread_create(&th[i], NULL, poster, &args[i]);
    }
    struct netloop_timer *wd = watchdog(loop, 20000);
    CHECK_INT(netloop_run(loop), 0);
    for (int i = 0; i < POSTERS; i++)
        pthread_join(th[i], NULL);
    CHECK_INT(watchdog_fired, 0);
    CHECK_INT(p.count, POSTERS * POSTS);
    CHECK_INT(p.wrong_thread, 0);
    CHECK_INT(p.out_of_order, 0);
    netloop_timer_free(wd);
    netloop_free(loop);
}

static void count_job(void *arg)
{
    (*(int *)arg)++;
}

static void free_job(void *arg)
{
    free(arg);
}

TEST(flush_runs_posted_work_now_and_free_runs_the_rest)
{
    struct netloop *loop = new_loop();
    int n = 0;
    netloop_post(loop, count_job, &n);
    netloop_post(loop, count_job, &n);
    CHECK_INT(n, 0);
    netloop_flush(loop);
    CHECK_INT(n, 2);
    netloop_flush(loop); /* nothing left */
    CHECK_INT(n, 2);
    netloop_post(loop, free_job, xstrdup("owned by the job"));
    netloop_free(loop); /* runs the job, or the leak checker complains */
}

static void *stopper(void *arg)
{
    usleep(50 * 1000);
    netloop_stop(arg);
    return NULL;
}

TEST(stop_from_another_thread)
{
    struct netloop *loop = new_loop();
    struct netloop_timer *wd = watchdog(loop, 10000);
    pthread_t th;
    uint64_t start = netloop_now_ms();
    pthread_create(&th, NULL, stopper, loop);
    CHECK_INT(netloop_run(loop), 0);
    pthread_join(th, NULL);
    CHECK_INT(watchdog_fired, 0);
    CHECK(netloop_now_ms() - start >= 50);
    /* a stop before run makes the next run return at once; the run after waits again */
    netloop_stop(loop);
    CHECK_INT(netloop_run(loop), 0);
    CHECK_INT(watchdog_fired, 0);
    netloop_timer_start(wd, 30);
    CHECK_INT(netloop_run(loop), 0);
    CHECK_INT(watchdog_fired, 1);
    netloop_timer_free(wd);
    netloop_free(loop);
}

/* ---- signals ------------------------------------------------------------------------------ */

struct sigrec {
    int signo[4];
    int n;
    int on_loop_thread;
};

static void on_sig(struct netloop *loop, int signo, void *user)
{
    struct sigrec *r = user;
    if (r->n < 4)
        r->signo[r->n] = signo;
    r->n++;
    r->on_loop_thread = netloop_on_loop_thread(loop);
    netloop_stop(loop);
}

static void raise_term(struct netloop_timer *t, void *user)
{
    (void)t;
    (void)user;
    raise(SIGTERM);
}

static void *kill_int(void *arg)
{
    (void)arg;
    usleep(30 * 1000);
    kill(getpid(), SIGINT);
    return NULL;
}

TEST(signals_become_loop_events)
{
    struct netloop *loop = new_loop();
    struct netloop *other = new_loop();
    struct sigrec r = {0};
    struct sigaction before_int, before_term; /* SIG_IGN in a background job, else SIG_DFL */
    sigaction(SIGINT, NULL, &before_int);
    sigaction(SIGTERM, NULL, &before_term);
    CHECK_INT(netloop_catch_signals(loop, on_sig, &r), 0);
    CHECK_INT(netloop_catch_signals(other, NULL, NULL), DT_ESTATE);
    netloop_free(other);

    struct netloop_timer *t = netloop_timer_new(loop, raise_term, NULL);
    netloop_timer_start(t, 10);
    struct netloop_timer *wd = watchdog(loop, 10000);
    CHECK_INT(netloop_run(loop), 0);
    CHECK_INT(watchdog_fired, 0);
    CHECK_INT(r.n, 1);
    CHECK_INT(r.signo[0], SIGTERM);
    CHECK(r.on_loop_thread);

    /* from another thread, to the process */
    pthread_t th;
    pthread_create(&th, NULL, kill_int, NULL);
    CHECK_INT(netloop_run(loop), 0);
    pthread_join(th, NULL);
    CHECK_INT(watchdog_fired, 0);
    CHECK_INT(r.n, 2);
    CHECK_INT(r.signo[1], SIGINT);

    /* no function: the signal stops the loop */
    CHECK_INT(netloop_catch_signals(loop, NULL, NULL), 0);
    netloop_timer_start(t, 10);
    CHECK_INT(netloop_run(loop), 0);
    CHECK_INT(watchdog_fired, 0);
    CHECK_INT(r.n, 2);

    netloop_timer_free(t);
    netloop_timer_free(wd);
    netloop_free(loop);
    struct sigaction sa;
    sigaction(SIGTERM, NULL, &sa);
    CHECK(sa.sa_handler == before_term.sa_handler);
    sigaction(SIGINT, NULL, &sa);
    CHECK(sa.sa_handler == before_int.sa_handler);
}

/* ---- descriptors -------------------------------------------------------------------------- */

struct reader {
    struct netloop *loop;
    struct dt_buf got;
    int eof, calls, wrong_fd;
    int orig;
};

static int on_readable(struct netloop_fd *h, int fd, void *user)
{
    (void)h;
    struct reader *r = user;
    r->calls++;
    if (fd == r->orig)
        r->wrong_fd++;
    char buf[64];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
        dt_buf_append(&r->got, buf, (size_t)n);
        return 0;
    }
    r->eof = 1;
    netloop_stop(r->loop);
    return 1;
}

static void *writer(void *arg)
{
    int fd = *(int *)arg;
    static const char *const parts[] = {"hello ", "from ", "a pipe"};
    for (int i = 0; i < 3; i++) {
        usleep(10 * 1000);
        if (write(fd, parts[i], strlen(parts[i])) < 0)
            break;
    }
    close(fd);
    return NULL;
}

TEST(descriptor_read_until_eof)
{
    struct netloop *loop = new_loop();
    int p[2];
    CHECK_INT(pipe(p), 0);
    struct reader r = {.loop = loop, .orig = p[0]};
    dt_buf_init(&r.got);
    struct netloop_fd *h = NULL;
    char err[128];
    CHECK_INT(netloop_fd_add(loop, p[0], on_readable, &r, &h, err, sizeof err), 0);
    CHECK(h != NULL);
    close(p[0]); /* the loop has its own duplicate */
    pthread_t th;
    pthread_create(&th, NULL, writer, &p[1]);
    struct netloop_timer *wd = watchdog(loop, 10000);
    CHECK_INT(netloop_run(loop), 0);
    pthread_join(th, NULL);
    CHECK_INT(watchdog_fired, 0);
    CHECK(r.eof);
    CHECK_INT(r.wrong_fd, 0);
    CHECK_STR(r.got.data, "hello from a pipe");
    dt_buf_done(&r.got);
    netloop_timer_free(wd);
    netloop_free(loop);
}

TEST(descriptor_removed_is_not_called)
{
    struct netloop *loop = new_loop();
    int p[2];
    CHECK_INT(pipe(p), 0);
    struct reader r = {.loop = loop, .orig = p[0]};
    dt_buf_init(&r.got);
    struct netloop_fd *h = NULL, *kept = NULL;
    CHECK_INT(netloop_fd_add(loop, p[0], on_readable, &r, &h, NULL, 0), 0);
    netloop_fd_remove(h);
    netloop_fd_remove(NULL);
    CHECK(write(p[1], "x", 1) == 1);
    struct netloop_timer *wd = watchdog(loop, 100);
    CHECK_INT(netloop_run(loop), 0);
    CHECK_INT(watchdog_fired, 1);
    CHECK_INT(r.calls, 0);
    /* the original is untouched: still readable by us */
    char c = 0;
    CHECK(read(p[0], &c, 1) == 1 && c == 'x');
    /* one still watched when the loop is freed is closed with it */
    CHECK_INT(netloop_fd_add(loop, p[0], on_readable, &r, &kept, NULL, 0), 0);
    CHECK_INT(netloop_fd_add(loop, -1, on_readable, &r, &kept, NULL, 0), DT_EIO);
    close(p[0]);
    close(p[1]);
    dt_buf_done(&r.got);
    netloop_timer_free(wd);
    netloop_free(loop);
}

int main(void)
{
    RUN(timers_fire_in_order_after_their_delays);
    RUN(timers_stop_and_rearm);
    RUN(timer_rearms_and_frees_itself);
    RUN(zero_delay_rearm_does_not_starve_the_loop);
    RUN(twenty_thousand_timers);
    RUN(timers_left_alive_are_freed_with_the_loop);
    RUN(post_from_other_threads_runs_on_the_loop_thread_in_order);
    RUN(flush_runs_posted_work_now_and_free_runs_the_rest);
    RUN(stop_from_another_thread);
    RUN(signals_become_loop_events);
    RUN(descriptor_read_until_eof);
    RUN(descriptor_removed_is_not_called);
    return check_done();
}
