/*
 * netloop: the lws context, posted work, signals and adopted descriptors. See
 * dialtone/netloop.h; the timers are in netloop_timer.c.
 *
 * Other threads reach the loop in one way only: they append to a mutex-guarded queue and call
 * lws_cancel_service(), which makes lws broadcast LWS_CALLBACK_EVENT_WAIT_CANCELLED to every
 * protocol of every vhost on the loop thread. The internal vhost's one protocol drains the
 * queue there. A caught signal takes the same road: the handler sets a flag and calls
 * lws_cancel_service(), and the loop thread reads the flag.
 */
#include "netloop_int.h"

#include "dialtone/log.h"
#include "dialtone/util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LOOP_PROTOCOL "dialtone-netloop"

struct netloop_fd {
    struct netloop *loop;
    struct lws *wsi;
    netloop_fd_fn fn;
    void *user;
    int fd;      /* the duplicate lws owns */
    int removed; /* netloop_fd_remove was called: fn is not called again */
};

/* Signal state is process-wide by nature: the handler can reach nothing else. */
static volatile sig_atomic_t sig_seen_int, sig_seen_term;
static _Atomic(struct lws_context *) sig_ctx;
static struct sigaction sig_old_int, sig_old_term;

static void on_signal(int signo)
{
    int saved = errno;
    if (signo == SIGINT)
        sig_seen_int = 1;
    else
        sig_seen_term = 1;
    struct lws_context *ctx = atomic_load(&sig_ctx);
    if (ctx)
        lws_cancel_service(ctx); /* writes to the loop's wake-up descriptor */
    errno = saved;
}

static void dispatch_signal(struct netloop *loop, int signo)
{
    if (loop->sig_fn)
        loop->sig_fn(loop, signo, loop->sig_user);
    else
        netloop_stop(loop);
}

static void check_signals(struct netloop *loop)
{
    if (!loop->catching)
        return;
    if (sig_seen_int) {
        sig_seen_int = 0;
        dispatch_signal(loop, SIGINT);
    }
    if (sig_seen_term) {
        sig_seen_term = 0;
        dispatch_signal(loop, SIGTERM);
    }
}

int netloop_catch_signals(struct netloop *loop, netloop_signal_fn fn, void *user)
{
    if (atomic_load(&sig_ctx) && !loop->catching)
        return DT_ESTATE;
    loop->sig_fn = fn;
    loop->sig_user = user;
    if (loop->catching)
        return DT_OK;

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sig_seen_int = sig_seen_term = 0;
    atomic_store(&sig_ctx, loop->ctx);
    if (sigaction(SIGINT, &sa, &sig_old_int) != 0) {
        atomic_store(&sig_ctx, NULL);
        return DT_EIO;
    }
    if (sigaction(SIGTERM, &sa, &sig_old_term) != 0) {
        sigaction(SIGINT, &sig_old_int, NULL);
        atomic_store(&sig_ctx, NULL);
        return DT_EIO;
    }
    loop->catching = 1;
    return DT_OK;
}

static void release_signals(struct netloop *loop)
{
    if (!loop->catching)
        return;
    sigaction(SIGINT, &sig_old_int, NULL);
    sigaction(SIGTERM, &sig_old_term, NULL);
    atomic_store(&sig_ctx, NULL);
    loop->catching = 0;
}

/* ---- posted work -------------------------------------------------------------------------- */

void netloop_post(struct netloop *loop, netloop_fn fn, void *arg)
{
    struct netloop_job *job = xmalloc(sizeof *job);
    job->fn = fn;
    job->arg = arg;
    job->next = NULL;
    pthread_mutex_lock(&loop->mu);
    if (loop->tail)
        loop->tail->next = job;
    else
        loop->head = job;
    loop->tail = job;
    loop->nposted++;
    pthread_mutex_unlock(&loop->mu);
    if (loop->ctx) /* NULL only at the very end of netloop_free */
        lws_cancel_service(loop->ctx);
}

static struct netloop_job *pop_job(struct netloop *loop)
{
    pthread_mutex_lock(&loop->mu);
    struct netloop_job *job = loop->head;
    if (job) {
        loop->head = job->next;
        if (!loop->head)
            loop->tail = NULL;
        loop->nposted--;
    }
    pthread_mutex_unlock(&loop->mu);
    return job;
}

void netloop_flush(struct netloop *loop)
{
    /* One job at a time, so that a nested flush simply takes over the rest; at most the
     * jobs present now, so that a job which posts itself again cannot keep us here. */
    pthread_mutex_lock(&loop->mu);
    size_t n = loop->nposted;
    pthread_mutex_unlock(&loop->mu);
    while (n-- > 0) {
        struct netloop_job *job = pop_job(loop);
        if (!job)
            break;
        job->fn(job->arg);
        free(job);
    }
}

/* ---- the internal protocol ---------------------------------------------------------------- */

static int fd_callback(struct lws *wsi, enum lws_callback_reasons reason)
{
    struct netloop_fd *h = lws_get_opaque_user_data(wsi);
    switch (reason) {
    case LWS_CALLBACK_RAW_RX_FILE:
        if (!h || h->removed)
            return -1;
        if (h->fn(h, h->fd, h->user) != 0 || h->removed) {
            h->removed = 1;
            return -1;
        }
        return 0;
    case LWS_CALLBACK_RAW_CLOSE_FILE:
        if (!h)
            return 0;
        /* lws closes on a hang-up with nothing left to read, without an RX callback:
         * tell fn, whose read now sees the end, unless it is no longer interested. */
        if (!h->removed && !h->loop->closing)
            h->fn(h, h->fd, h->user);
        lws_set_opaque_user_data(wsi, NULL);
        free(h);
        return 0;
    default:
        return 0;
    }
}

static int loop_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                         size_t len)
{
    switch (reason) {
    case LWS_CALLBACK_EVENT_WAIT_CANCELLED: {
        struct netloop *loop = lws_context_user(lws_get_context(wsi));
        if (loop && !loop->closing) {
            check_signals(loop);
            netloop_flush(loop);
        }
        return 0;
    }
    case LWS_CALLBACK_RAW_RX_FILE:
    case LWS_CALLBACK_RAW_CLOSE_FILE:
        return fd_callback(wsi, reason);
    default:
        return lws_callback_http_dummy(wsi, reason, user, in, len);
    }
}

static const struct lws_protocols loop_protocols[] = {
    {.name = LOOP_PROTOCOL, .callback = loop_callback},
    {.name = NULL},
};

/* ---- descriptors -------------------------------------------------------------------------- */

int netloop_fd_add(struct netloop *loop, int fd, netloop_fd_fn fn, void *user,
                   struct netloop_fd **out, char *err, size_t errlen)
{
    int dupfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (dupfd < 0)
        return dt_seterr(err, errlen, DT_EIO, "dup of descriptor %d: %s", fd, strerror(errno));
    struct netloop_fd *h = xcalloc(1, sizeof *h);
    h->loop = loop;
    h->fn = fn;
    h->user = user;
    h->fd = dupfd;

    lws_adopt_desc_t desc;
    memset(&desc, 0, sizeof desc);
    desc.vh = loop->vh;
    desc.type = LWS_ADOPT_RAW_FILE_DESC;
    desc.fd.filefd = dupfd;
    desc.vh_prot_name = LOOP_PROTOCOL;
    desc.opaque = h;
    h->wsi = lws_adopt_descriptor_vhost_via_info(&desc);
    if (!h->wsi) { /* lws closed the duplicate */
        free(h);
        return dt_seterr(err, errlen, DT_EINVAL, "the event loop refused descriptor %d", fd);
    }
    *out = h;
    return DT_OK;
}

void netloop_fd_remove(struct netloop_fd *h)
{
    if (!h || h->removed)
        return;
    h->removed = 1;
    lws_set_timeout(h->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
}

/* ---- the loop ----------------------------------------------------------------------------- */

static void lws_log_emit(int level, const char *line)
{
    log_msg(level == LLL_ERR ? DT_LOG_ERROR : DT_LOG_WARN, "lws: %s", line);
}

struct netloop *netloop_new(const struct netloop_options *opt, char *err, size_t errlen)
{
    struct netloop *loop = xcalloc(1, sizeof *loop);
    pthread_mutex_init(&loop->mu, NULL);
    atomic_init(&loop->stop, 0);
    loop->thread = pthread_self();

    lws_set_log_level(LLL_ERR | LLL_WARN, lws_log_emit);
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
    info.user = loop;
    info.max_http_header_pool2 =
        opt && opt->header_pool ? opt->header_pool : NETLOOP_HEADER_POOL_DEFAULT;
    info.max_http_header_data2 =
        opt && opt->header_bytes ? opt->header_bytes : NETLOOP_HEADER_BYTES_DEFAULT;
    loop->ctx = lws_create_context(&info);
    if (!loop->ctx) {
        dt_seterr(err, errlen, DT_EIO, "cannot create the event loop (lws context)");
        goto fail;
    }

    memset(&info, 0, sizeof info);
    info.port = CONTEXT_PORT_NO_LISTEN;
    info.vhost_name = LOOP_PROTOCOL;
    info.protocols = loop_protocols;
    info.options = LWS_SERVER_OPTION_DISABLE_IPV6;
    loop->vh = lws_create_vhost(loop->ctx, &info);
    if (!loop->vh) {
        dt_seterr(err, errlen, DT_EIO, "cannot create the event loop's internal vhost");
        goto fail;
    }
    return loop;

fail:
    if (loop->ctx)
        lws_context_destroy(loop->ctx);
    pthread_mutex_destroy(&loop->mu);
    free(loop);
    return NULL;
}

void netloop_free(struct netloop *loop)
{
    if (!loop)
        return;
    release_signals(loop);
    netloop_flush(loop);
    lws_sul_cancel(&loop->sul);
    loop->closing = 1;
    lws_context_destroy(loop->ctx);
    loop->ctx = NULL;

    free(loop->server_protos);
    /* Work posted while the context closed (a completion from a closing connection). */
    struct netloop_job *job;
    while ((job = pop_job(loop)) != NULL) {
        job->fn(job->arg);
        free(job);
    }
    netloop_timers_done(loop);
    pthread_mutex_destroy(&loop->mu);
    free(loop);
}

struct lws_context *netloop_context(const struct netloop *loop)
{
    return loop->ctx;
}

static int same_protocols(const struct lws_protocols *a, const struct lws_protocols *b)
{
    for (; a->name && b->name; a++, b++)
        if (strcmp(a->name, b->name) != 0 || a->callback != b->callback)
            return 0;
    return !a->name && !b->name;
}

struct lws_vhost *netloop_server_vhost(struct netloop *loop, const struct lws_protocols *protocols,
                                       char *err, size_t errlen)
{
    if (loop->server_vh) {
        if (same_protocols(loop->server_protos, protocols))
            return loop->server_vh;
        dt_seterr(err, errlen, DT_ESTATE, "servers on one loop must share their protocols");
        return NULL;
    }
    size_t n = 0;
    while (protocols[n].name)
        n++;
    struct lws_protocols *copy = xcalloc(n + 1, sizeof *copy);
    memcpy(copy, protocols, n * sizeof *copy);

    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.port = CONTEXT_PORT_NO_LISTEN_SERVER;
    info.protocols = copy;
    info.vhost_name = "dialtone-server";
    info.options = LWS_SERVER_OPTION_DISABLE_IPV6;
    loop->server_vh = lws_create_vhost(loop->ctx, &info);
    if (!loop->server_vh) {
        free(copy);
        dt_seterr(err, errlen, DT_EIO, "cannot create the serving vhost");
        return NULL;
    }
    loop->server_protos = copy;
    return loop->server_vh;
}

int netloop_run(struct netloop *loop)
{
    if (loop->running)
        return DT_ESTATE;
    loop->running = 1;
    loop->thread = pthread_self();
    int rc = DT_OK;
    while (!atomic_load(&loop->stop)) {
        if (lws_service(loop->ctx, 0) < 0) {
            rc = DT_EIO;
            break;
        }
        check_signals(loop);
    }
    atomic_store(&loop->stop, 0);
    loop->running = 0;
    return rc;
}

void netloop_stop(struct netloop *loop)
{
    atomic_store(&loop->stop, 1);
    lws_cancel_service(loop->ctx);
}

int netloop_on_loop_thread(const struct netloop *loop)
{
    return pthread_equal(pthread_self(), loop->thread) != 0;
}
