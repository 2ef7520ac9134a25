/*
 * netloop: the process's one event loop, owned by libwebsockets (one lws context, serviced by
 * the thread that calls netloop_run). Timers, work posted from other threads, SIGINT/SIGTERM
 * and plain file descriptors (stdin) all become callbacks on that thread, so the daemon, the
 * console and the emulator never need a lock around their own state.
 *
 * Threads: every function here is for the loop thread only, except netloop_post and
 * netloop_stop, which any thread may call at any time while the loop exists.
 */
#ifndef DIALTONE_NETLOOP_H
#define DIALTONE_NETLOOP_H

#include <stddef.h>
#include <stdint.h>

struct lws_context;
struct netloop;
struct netloop_timer;
struct netloop_fd;

struct netloop_options {
    /* Connections that may be receiving request headers at the same time (lws header
     * pool); 0 means NETLOOP_HEADER_POOL_DEFAULT. A request waiting for a deferred answer
     * holds one, so this bounds concurrent unanswered requests. */
    unsigned int header_pool;
    /* Bytes of request headers kept per connection; 0 means NETLOOP_HEADER_BYTES_DEFAULT. A
     * request with more is refused by lws. */
    unsigned int header_bytes;
};

#define NETLOOP_HEADER_POOL_DEFAULT  4096
#define NETLOOP_HEADER_BYTES_DEFAULT 8192

/*
 * Creates the loop: an lws context with explicit vhosts (servers add theirs, see httpd.h) and
 * one internal vhost that listens nowhere. opt may be NULL for the defaults. The calling
 * thread becomes the loop thread until netloop_run is called from another one. lws logs its
 * errors and warnings through dialtone's log. Returns NULL with err filled on failure.
 */
struct netloop *netloop_new(const struct netloop_options *opt, char *err, size_t errlen);

/*
 * Destroys the loop. Order matters: free httpc clients and httpd servers first, and stop
 * every other thread's netloop_post calls. Then, in order: work still posted is run, the
 * lws context is destroyed (closing every connection and adopted descriptor, whose callbacks
 * still run), and timers that were never freed are freed (their handles die with the loop).
 * Signal handlers are restored. NULL is ignored.
 */
void netloop_free(struct netloop *loop);

/* The lws context, for the net layer's servers and clients. Borrowed. */
struct lws_context *netloop_context(const struct netloop *loop);

/*
 * The loop's one serving vhost: it listens nowhere and adopts the sockets that servers accept
 * themselves (see httpd.h). lws moves each request to the vhost its Host header names, or
 * else to the first vhost with the same port, so servers on one loop share this one vhost
 * rather than have their requests swapped; they tell their connections apart themselves.
 * The first call creates it with protocols (copied; the list ends with a NULL name); later
 * calls return it when given the same names and callbacks, and NULL with err filled when
 * not (one set of protocols per loop). Borrowed; destroyed with the loop.
 */
struct lws_protocols;
struct lws_vhost *netloop_server_vhost(struct netloop *loop, const struct lws_protocols *protocols,
                                       char *err, size_t errlen);

/*
 * Services the loop on the calling thread (which becomes the loop thread) until netloop_stop
 * is called or a caught signal stops it. Returns 0 when stopped, DT_ESTATE when called while
 * already running, DT_EIO if lws fails. A stop requested before netloop_run is called makes it
 * return at once; each call clears the request when it returns, so the loop can be run again.
 */
int netloop_run(struct netloop *loop);

/* Asks netloop_run to return after the current callback. Any thread; never blocks. */
void netloop_stop(struct netloop *loop);

/* 1 when the calling thread is the loop thread, else 0. */
int netloop_on_loop_thread(const struct netloop *loop);

/* A function to run on the loop thread, with its argument. */
typedef void (*netloop_fn)(void *arg);

/*
 * Runs fn(arg) on the loop thread soon, after work posted earlier. Callable from any thread
 * (it only takes a mutex and wakes the loop with lws_cancel_service). fn owns arg. Aborts on
 * out-of-memory only; never fails otherwise.
 */
void netloop_post(struct netloop *loop, netloop_fn fn, void *arg);

/*
 * Runs, now and on the calling (loop) thread, the work that was posted before this call.
 * Reentrant: work may post more (run later) or call netloop_flush itself. For shutdown paths
 * that must see every posted completion before they free what it points at.
 */
void netloop_flush(struct netloop *loop);

/* ---- signals ------------------------------------------------------------------------------ */

/* Called on the loop thread with the signal number (SIGINT or SIGTERM) and the user pointer. */
typedef void (*netloop_signal_fn)(struct netloop *loop, int signo, void *user);

/*
 * Catches SIGINT and SIGTERM. The handler only records the signal and wakes the loop; fn then
 * runs on the loop thread (several deliveries of one signal may be seen as one). fn NULL
 * means: stop the loop. One loop per process may catch signals: DT_ESTATE if another does.
 * DT_EIO if sigaction fails. The previous handlers come back at netloop_free.
 */
int netloop_catch_signals(struct netloop *loop, netloop_signal_fn fn, void *user);

/* ---- timers ------------------------------------------------------------------------------- */

/* Called on the loop thread when the timer fires; the timer is then stopped (not freed). */
typedef void (*netloop_timer_fn)(struct netloop_timer *t, void *user);

/*
 * A one-shot timer with millisecond precision, kept in a binary heap under a single lws
 * sorted-usec-list entry, so that arming, re-arming and stopping cost O(log n) with many
 * thousands of timers. Timers due at the same time fire in the order they were armed. A
 * timer armed from a timer callback never fires within the same round, so a callback that
 * re-arms itself with 0 ms cannot starve the loop.
 *
 * netloop_timer_new returns a stopped timer (never NULL: aborts on out-of-memory).
 * netloop_timer_start (re)arms it to fire ms milliseconds from now; it may be called from
 * any callback, its own included. netloop_timer_stop disarms it (no-op when stopped).
 * netloop_timer_free stops and frees it, from any callback, its own included; NULL is ignored.
 */
struct netloop_timer *netloop_timer_new(struct netloop *loop, netloop_timer_fn fn, void *user);
void netloop_timer_start(struct netloop_timer *t, uint64_t ms);
void netloop_timer_stop(struct netloop_timer *t);
int netloop_timer_pending(const struct netloop_timer *t);
void netloop_timer_free(struct netloop_timer *t);

/* Milliseconds on the loop's monotonic clock (the one timers use). */
uint64_t netloop_now_ms(void);

/* ---- plain file descriptors ----------------------------------------------------------------- */

/*
 * Called on the loop thread when fd (a private duplicate of the descriptor that was added)
 * is readable. The callback reads it itself. Returning non-zero removes the descriptor from
 * the loop (do so at end of file, or the callback is called again at once). When the other
 * end hangs up with nothing left to read, lws drops the descriptor: fn is then called one
 * last time (its read sees the end) and the handle is gone whatever it returns.
 */
typedef int (*netloop_fd_fn)(struct netloop_fd *h, int fd, void *user);

/*
 * Watches fd for reading. The loop adopts a dup() of fd (lws closes what it adopts), so the
 * caller keeps fd, and closing it does not disturb the loop. Returns 0 and sets *out (a
 * handle owned by the loop, valid until netloop_fd_remove, a non-zero return from fn or
 * netloop_free), DT_EIO when dup() fails, DT_EINVAL when lws refuses the descriptor.
 */
int netloop_fd_add(struct netloop *loop, int fd, netloop_fd_fn fn, void *user,
                   struct netloop_fd **out, char *err, size_t errlen);

/* Stops watching: fn is not called again, and the duplicate is closed soon after. NULL is
 * ignored. The handle is invalid afterwards. */
void netloop_fd_remove(struct netloop_fd *h);

#endif
