/*
 * serve_bench: how much `dialtone serve` sustains on loopback. Starts the daemon (the binary
 * named on the command line) on a temporary configuration and database on a free port, adds an
 * agent, and measures:
 *   - memory: the daemon's RSS at rest and with 1,000 idle websocket clients on /api/v1/events;
 *   - webhooks: signed status callbacks (distinct CallSids and SequenceNumbers) sent at full
 *     speed over several keep-alive connections, stored per second, p50/p99 latency, then the
 *     rows in webhook_log counted against the 200 answers;
 *   - push: 100 websocket clients, webhooks at a steady 1,000 per second, the time from
 *     sending each webhook to its event reaching each client (p50/p99).
 * Prints the figures and their ratio to the aims. Figures only: no pass or fail on timing.
 *
 *   serve_bench DIALTONE_BINARY    (run by `make bench`)
 *
 * For profiling: SERVE_BENCH_ONLY=hooks,push,memory runs only the parts named;
 * SERVE_BENCH_HOOKS=N sends at most N webhooks in part 1, for at most SERVE_BENCH_SECONDS
 * (10 by default) over SERVE_BENCH_CONNS connections (8 by default); SERVE_BENCH_CLIENTS=N
 * puts N clients in part 2 (100 by default);
 * DIALTONE_BINARY may be a script
 * that runs `dialtone serve` under perf or valgrind (it is also run for `agent add`).
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <sqlite3.h>

#include "bench_util.h"
#include "dialtone/form.h"
#include "dialtone/netloop.h"
#include "dialtone/sig.h"
#include "dialtone/util.h"
#include "dialtone/wsc.h"

#define ACCOUNT "AC0123456789abcdef0123456789abcdef"
#define TOKEN   "bench-auth-token"

#define AIM_HOOKS_PER_S 20000.0
#define AIM_PUSH_P99_MS 5.0
#define AIM_RSS_MB      64.0

#define HOOK_CONNS     8 /* concurrent keep-alive connections, full speed */
#define HOOK_CONNS_MAX 256
#define HOOK_MAX       200000 /* webhooks at most */
#define HOOK_SECONDS   10.0   /* and for at most this long */
#define PUSH_CLIENTS   100
#define PUSH_LOOPS     2 /* client threads sharing the websocket clients */
#define PUSH_RATE      1000
#define PUSH_N         5000 /* webhooks in the push test (5 s at PUSH_RATE) */
#define PUSH_SENDERS   4
#define MEM_CLIENTS    1000
#define SID_MARK       "CAfeed" /* CallSids of the push test: the mark and 28 hex digits */

static struct {
    const char *bin;
    char dir[64], conf[128], db[128], log[128];
    char agent_token[128];
    char url[128];
    int port;
    pid_t child;
} g;

static long hook_max = HOOK_MAX;           /* SERVE_BENCH_HOOKS */
static double hook_seconds = HOOK_SECONDS; /* SERVE_BENCH_SECONDS */
static int push_clients = PUSH_CLIENTS;    /* SERVE_BENCH_CLIENTS */
static int hook_conns = HOOK_CONNS;        /* SERVE_BENCH_CONNS */

static const char *const statuses[] = {"ringing", "in-progress", "completed"};

/* Prints the CPU the daemon and this program used over secs seconds (one core = 100%). */
static void print_cpu(double serve_s, double self_s, double secs)
{
    printf("    CPU over the run                daemon %.0f%%, this program %.0f%% (of one core)\n",
           100 * serve_s / secs, 100 * self_s / secs);
}

/* ---- the daemon ---------------------------------------------------------------------------- */

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int port = -1;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

static int write_config(void)
{
    snprintf(g.conf, sizeof g.conf, "%s/dialtone.conf", g.dir);
    snprintf(g.db, sizeof g.db, "%s/bench.db", g.dir);
    snprintf(g.log, sizeof g.log, "%s/serve.log", g.dir);
    FILE *f = fopen(g.conf, "w");
    if (!f)
        return -1;
    /* api_base_url points at a closed port: the queue lookup fails and is retried later */
    fprintf(f,
            "[twilio]\naccount_sid = %s\nauth_token = %s\nnumbers = +14155550100\n"
            "public_base_url = http://127.0.0.1:%d\napi_base_url = http://127.0.0.1:%d\n\n"
            "[server]\nlisten = 127.0.0.1\nport = %d\ndatabase = %s\n\n[queue \"support\"]\n",
            ACCOUNT, TOKEN, g.port, free_port(), g.port, g.db);
    fclose(f);
    return chmod(g.conf, 0600);
}

static int add_agent(void)
{
    char cmd[512], line[256];
    snprintf(cmd, sizeof cmd,
             "'%s' agent add bench --role agent --endpoint client:bench --config '%s' 2>&1", g.bin,
             g.conf);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    while (fgets(line, sizeof line, p))
        if (strncmp(line, "token: ", 7) == 0) {
            line[strcspn(line, "\r\n")] = '\0';
            dt_strlcpy(g.agent_token, line + 7, sizeof g.agent_token);
        }
    pclose(p);
    return g.agent_token[0] ? 0 : -1;
}

static int start_serve(void)
{
    int out[2];
    if (pipe(out) < 0)
        return -1;
    g.child = fork();
    if (g.child == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM); /* never outlive the benchmark */
        FILE *log = freopen(g.log, "w", stderr);
        (void)log;
        dup2(out[1], 1);
        close(out[0]);
        close(out[1]);
        setenv("DIALTONE_LOG_LEVEL", "warn", 1);
        execl(g.bin, g.bin, "serve", "--config", g.conf, (char *)NULL);
        _exit(127);
    }
    close(out[1]);
    char line[256];
    size_t n = 0;
    struct pollfd pfd = {.fd = out[0], .events = POLLIN};
    while (n < sizeof line - 1 && poll(&pfd, 1, 15000) > 0 && read(out[0], line + n, 1) == 1 &&
           line[n] != '\n')
        n++;
    line[n] = '\0';
    close(out[0]);
    return strstr(line, "listening on") ? 0 : -1;
}

static void stop_serve(void)
{
    stop_child(g.child);
    g.child = 0;
}

static void cleanup_dir(void)
{
    static const char *const names[] = {"dialtone.conf", "bench.db", "bench.db-wal", "bench.db-shm",
                                        "serve.log"};
    char path[192];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", g.dir, names[i]);
        unlink(path);
    }
    rmdir(g.dir);
}

/* Sends a signed status callback for call sid; returns the HTTP status or -1. */
static int post_status(struct conn *c, const char *sid, int seq, const char *status)
{
    struct form f;
    form_init(&f);
    char seqs[16], sig[DT_SIG_BUFSZ];
    snprintf(seqs, sizeof seqs, "%d", seq);
    form_add(&f, "AccountSid", ACCOUNT);
    form_add(&f, "ApiVersion", "2010-04-01");
    form_add(&f, "CallSid", sid);
    form_add(&f, "CallStatus", status);
    form_add(&f, "Direction", "inbound");
    form_add(&f, "From", "+14155550123");
    form_add(&f, "To", "+14155550100");
    form_add(&f, "SequenceNumber", seqs);
    if (strcmp(status, "completed") == 0)
        form_add(&f, "CallDuration", "42");
    sig_compute(TOKEN, g.url, &f, sig, NULL, 0);
    char *body = form_encode(&f);
    form_done(&f);
    char *req = xasprintf("POST /twilio/status HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                          "Content-Type: application/x-www-form-urlencoded\r\n"
                          "X-Twilio-Signature: %s\r\nContent-Length: %zu\r\n\r\n%s",
                          g.port, sig, strlen(body), body);
    free(body);
    int rc = conn_request(c, req, strlen(req));
    free(req);
    return rc;
}

/* ---- 1. webhooks at full speed ------------------------------------------------------------ */

static struct {
    atomic_long next;
    atomic_long ok, failed;
    uint64_t deadline;
    float *lat; /* ms per webhook index, -1 when not answered 200 */
} h;

static void *hook_worker(void *arg)
{
    (void)arg;
    struct conn c = {.fd = -1, .port = g.port};
    char sid[40];
    while (now_ns() < h.deadline) {
        long i = atomic_fetch_add(&h.next, 1);
        if (i >= hook_max)
            break;
        snprintf(sid, sizeof sid, "CA%032lx", (unsigned long)(i / 3));
        uint64_t t0 = now_ns();
        int st = post_status(&c, sid, (int)(i % 3), statuses[i % 3]);
        h.lat[i] = st == 200 ? (float)(now_ns() - t0) / 1e6f : -1;
        atomic_fetch_add(st == 200 ? &h.ok : &h.failed, 1);
    }
    conn_drop(&c);
    return NULL;
}

static long count_rows(const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    long n = -1;
    if (sqlite3_open_v2(g.db, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* The daemon's figure name from /metrics (a plain counter), or -1. */
static long metric(const char *name)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)g.port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    char req[128], buf[32768];
    size_t n = 0;
    snprintf(req, sizeof req,
             "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        write(fd, req, strlen(req)) == (ssize_t)strlen(req)) {
        ssize_t r;
        while (n < sizeof buf - 1 && (r = read(fd, buf + n, sizeof buf - 1 - n)) > 0)
            n += (size_t)r;
    }
    if (fd >= 0)
        close(fd);
    buf[n] = '\0';
    char key[96];
    snprintf(key, sizeof key, "\n%s ", name);
    const char *at = strstr(buf, key);
    return at ? strtol(at + strlen(key), NULL, 10) : -1;
}

static void bench_hooks(void)
{
    h.lat = xmalloc(sizeof(float) * (size_t)(hook_max > 0 ? hook_max : 1));
    pthread_t t[HOOK_CONNS_MAX];
    double serve0 = cpu_s(g.child), self0 = cpu_s(getpid());
    uint64_t t0 = now_ns();
    h.deadline = t0 + (uint64_t)(hook_seconds * 1e9);
    for (int i = 0; i < hook_conns; i++)
        pthread_create(&t[i], NULL, hook_worker, NULL);
    for (int i = 0; i < hook_conns; i++)
        pthread_join(t[i], NULL);
    double secs = (double)(now_ns() - t0) / 1e9;
    double serve1 = cpu_s(g.child), self1 = cpu_s(getpid());
    long sent = atomic_load(&h.next);
    sent = sent > hook_max ? hook_max : sent;
    size_t n = 0;
    for (long i = 0; i < sent; i++)
        if (h.lat[i] >= 0)
            h.lat[n++] = h.lat[i];
    qsort(h.lat, n, sizeof(float), cmp_float);
    long ok = atomic_load(&h.ok);
    long rows = count_rows("SELECT count(*) FROM webhook_log WHERE path LIKE '/twilio/status%'");
    long calls = count_rows("SELECT count(*) FROM calls");
    double rate = ok / secs;
    printf("\n  1. signed status callbacks, %d keep-alive connections at full speed\n", hook_conns);
    printf("    answered 200                    %7ld in %.2f s (%ld failed)\n", ok, secs,
           atomic_load(&h.failed));
    printf("    stored per second               %7.0f (%.2fx the aim of %.0f)\n", rate,
           rate / AIM_HOOKS_PER_S, AIM_HOOKS_PER_S);
    printf("    latency p50 / p99 / max         %7.2f / %.2f / %.2f ms\n", quantile(h.lat, n, 0.5),
           quantile(h.lat, n, 0.99), n ? h.lat[n - 1] : 0);
    printf("    rows in webhook_log             %7ld (%s every 200), %ld calls\n", rows,
           rows == ok  ? "matches"
           : rows > ok ? "more than"
                       : "MISSING some of",
           calls);
    long commits = metric("dialtone_webhook_commits_total");
    if (commits > 0)
        printf("    webhooks per transaction        %7.1f (%ld transactions)\n",
               (double)ok / (double)commits, commits);
    print_cpu(serve1 - serve0, self1 - self0, secs);
    free(h.lat);
}

/* ---- websocket clients --------------------------------------------------------------------- */

struct client {
    struct wsc *ws;
    int opened, closed;
};

struct group {
    struct netloop *loop;
    pthread_t thread;
    struct client *clients;
    size_t n;
};

static atomic_int ws_opened, ws_closed;
static char ws_close_first[160]; /* how the first client to close was closed */
static pthread_mutex_t ws_close_mu = PTHREAD_MUTEX_INITIALIZER;

static void on_ws_open(struct wsc *c, void *user)
{
    (void)c;
    ((struct client *)user)->opened = 1;
    atomic_fetch_add(&ws_opened, 1);
}

static void on_ws_close(struct wsc *c, const struct wsc_close_info *info, void *user)
{
    struct client *cl = user;
    pthread_mutex_lock(&ws_close_mu);
    if (!ws_close_first[0])
        snprintf(ws_close_first, sizeof ws_close_first, "code %d, %s%s", info->code,
                 info->reason ? info->reason : "no reason", info->opened ? "" : ", never opened");
    pthread_mutex_unlock(&ws_close_mu);
    cl->closed = 1;
    cl->ws = NULL;
    atomic_fetch_add(&ws_closed, 1);
    wsc_free(c);
}

static void *group_main(void *arg)
{
    netloop_run(((struct group *)arg)->loop);
    return NULL;
}

/* Starts n clients on a new loop and thread. */
static int group_start(struct group *gr, size_t n)
{
    char err[256], url[128], auth[160];
    snprintf(url, sizeof url, "ws://127.0.0.1:%d/api/v1/events", g.port);
    snprintf(auth, sizeof auth, "Bearer %s", g.agent_token);
    struct wsc_header hdr = {.name = "Authorization", .value = auth};
    gr->n = n;
    gr->clients = calloc(n, sizeof *gr->clients);
    gr->loop = netloop_new(NULL, err, sizeof err);
    if (!gr->loop || !gr->clients)
        return -1;
    for (size_t i = 0; i < n; i++) {
        struct client *cl = &gr->clients[i];
        struct wsc_options o = {.url = url,
                                .headers = &hdr,
                                .nheaders = 1,
                                .queue_msgs = 0,
                                .connect_timeout_ms = 30000,
                                .on_open = on_ws_open,
                                .on_close = on_ws_close,
                                .user = cl};
        cl->ws = wsc_new(gr->loop, &o, err, sizeof err);
        if (!cl->ws) {
            fprintf(stderr, "serve_bench: websocket client: %s\n", err);
            return -1;
        }
    }
    return pthread_create(&gr->thread, NULL, group_main, gr) == 0 ? 0 : -1;
}

static void group_close_all(void *arg)
{
    struct group *gr = arg;
    for (size_t i = 0; i < gr->n; i++) {
        wsc_free(gr->clients[i].ws);
        gr->clients[i].ws = NULL;
    }
    netloop_stop(gr->loop);
}

static void group_stop(struct group *gr)
{
    netloop_post(gr->loop, group_close_all, gr);
    pthread_join(gr->thread, NULL);
    netloop_free(gr->loop);
    free(gr->clients);
}

/* Waits until want clients opened or any closed, for at most secs; returns those open. */
static int wait_open(int want, double secs)
{
    uint64_t end = now_ns() + (uint64_t)(secs * 1e9);
    while (atomic_load(&ws_opened) < want && now_ns() < end)
        usleep(20000);
    return atomic_load(&ws_opened) - atomic_load(&ws_closed);
}

/* ---- 3. memory with idle clients ----------------------------------------------------------- */

static void bench_memory(void)
{
    double idle = rss_mb(g.child);
    struct group gr = {.loop = NULL};
    atomic_store(&ws_opened, 0);
    atomic_store(&ws_closed, 0);
    ws_close_first[0] = '\0';
    uint64_t t0 = now_ns();
    if (group_start(&gr, MEM_CLIENTS) < 0) {
        fprintf(stderr, "serve_bench: cannot start %d websocket clients\n", MEM_CLIENTS);
        return;
    }
    int open = wait_open(MEM_CLIENTS, 60);
    double secs = (double)(now_ns() - t0) / 1e9;
    sleep(1);
    double with = rss_mb(g.child);
    printf("\n  3. memory (VmRSS of the daemon)\n");
    printf("    at rest                         %7.1f MB\n", idle);
    printf("    with %d idle websocket clients %6.1f MB (%d open after %.2f s; %.1f KB each)\n",
           MEM_CLIENTS, with, open, secs, open > 0 ? (with - idle) * 1024 / open : 0);
    printf("    against the aim                 %7.2fx the ceiling of %.0f MB\n", with / AIM_RSS_MB,
           AIM_RSS_MB);
    group_stop(&gr);
}

/* ---- 2. push latency -----------------------------------------------------------------------
 * The clients are bare websockets read with epoll (bench_util's rws), not the lws client the
 * memory test uses: at 100,000 messages a second that library's own polling and parsing took
 * more CPU than the daemon, and the figure measured this program. */

struct pclient {
    struct rws ws;
    float lat[PUSH_N]; /* ms per push-test webhook index, 0 when not received */
    int gone;
};

struct pgroup {
    pthread_t thread;
    int ep;
    struct pclient *cl;
    size_t n;
};

static _Atomic uint64_t *push_sent; /* send time per push-test webhook, ns */
static atomic_long push_got;
static atomic_int push_stop, push_closed;
static uint64_t push_start;       /* when the push test's first webhook goes, ns */
static float push_answer[PUSH_N]; /* ms from sending each webhook to its 200, 0 otherwise */

static void on_push_msg(struct rws *c, const char *data, size_t len, void *user)
{
    (void)c;
    struct pclient *pc = user;
    (void)len;
    const char *m = strstr(data, SID_MARK); /* NUL-terminated by rws */
    if (!m)
        return;
    unsigned long i = strtoul(m + strlen(SID_MARK), NULL, 16);
    if (i >= PUSH_N || pc->lat[i] > 0)
        return;
    uint64_t sent = atomic_load(&push_sent[i]);
    if (!sent)
        return;
    float ms = (float)(now_ns() - sent) / 1e6f;
    pc->lat[i] = ms > 0 ? ms : 1e-6f;
    atomic_fetch_add(&push_got, 1);
}

static void *pgroup_main(void *arg)
{
    struct pgroup *gr = arg;
    struct epoll_event evs[64];
    while (!atomic_load(&push_stop)) {
        int n = epoll_wait(gr->ep, evs, 64, 20);
        for (int i = 0; i < n; i++) {
            struct pclient *pc = evs[i].data.ptr;
            if (rws_read(&pc->ws, on_push_msg, pc) >= 0 || pc->gone)
                continue;
            pc->gone = 1;
            epoll_ctl(gr->ep, EPOLL_CTL_DEL, pc->ws.fd, NULL);
            pthread_mutex_lock(&ws_close_mu);
            if (!ws_close_first[0])
                snprintf(ws_close_first, sizeof ws_close_first, "code %d", pc->ws.close_code);
            pthread_mutex_unlock(&ws_close_mu);
            atomic_fetch_add(&push_closed, 1);
        }
    }
    return NULL;
}

/* Opens the push test's clients, n to each of the groups; returns how many opened. */
static int pgroups_open(struct pgroup *gr, int ngroups, size_t n)
{
    char auth[160];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", g.agent_token);
    int open = 0;
    for (int k = 0; k < ngroups; k++) {
        gr[k] = (struct pgroup){.ep = epoll_create1(0), .n = n};
        gr[k].cl = xcalloc(n, sizeof *gr[k].cl);
        for (size_t c = 0; c < n; c++) {
            struct pclient *pc = &gr[k].cl[c];
            if (rws_open(&pc->ws, g.port, "/api/v1/events", auth) < 0) {
                pc->gone = 1;
                continue;
            }
            struct epoll_event ev = {.events = EPOLLIN, .data.ptr = pc};
            epoll_ctl(gr[k].ep, EPOLL_CTL_ADD, pc->ws.fd, &ev);
            open++;
        }
        pthread_create(&gr[k].thread, NULL, pgroup_main, &gr[k]);
    }
    return open;
}

/* Stops the readers and closes the clients; their tables stay until pgroups_free. */
static void pgroups_close(struct pgroup *gr, int ngroups)
{
    atomic_store(&push_stop, 1);
    for (int k = 0; k < ngroups; k++) {
        pthread_join(gr[k].thread, NULL);
        for (size_t c = 0; c < gr[k].n; c++)
            rws_close(&gr[k].cl[c].ws);
        close(gr[k].ep);
    }
}

static void *push_sender(void *arg)
{
    long k = (long)(intptr_t)arg;
    struct conn c = {.fd = -1, .port = g.port};
    char sid[40];
    uint64_t start = push_start;
    for (long i = k; i < PUSH_N; i += PUSH_SENDERS) {
        uint64_t at = start + (uint64_t)i * (1000000000u / PUSH_RATE);
        struct timespec ts = {.tv_sec = (time_t)(at / 1000000000u),
                              .tv_nsec = (long)(at % 1000000000u)};
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
        snprintf(sid, sizeof sid, SID_MARK "%028lx", (unsigned long)i);
        uint64_t t0 = now_ns();
        atomic_store(&push_sent[i], t0);
        if (post_status(&c, sid, 0, "ringing") != 200)
            atomic_store(&push_sent[i], 0);
        else
            push_answer[i] = (float)(now_ns() - t0) / 1e6f;
    }
    conn_drop(&c);
    return NULL;
}

/* Prints the figures of the push test from the clients' tables. */
static void push_report(struct pgroup *gr, int open, long answered, double secs, double serve_s,
                        double self_s)
{
    size_t n = 0;
    long want = answered * open;
    float *all = xmalloc(sizeof(float) * (size_t)PUSH_N * (size_t)(push_clients + 1));
    for (int k = 0; k < PUSH_LOOPS; k++)
        for (size_t c = 0; c < gr[k].n; c++)
            for (int i = 0; i < PUSH_N; i++)
                if (gr[k].cl[c].lat[i] > 0)
                    all[n++] = gr[k].cl[c].lat[i];
    qsort(all, n, sizeof(float), cmp_float);
    float p99 = quantile(all, n, 0.99);
    printf("\n  2. push: %d websocket clients (%d open), webhooks at %d/s\n", push_clients, open,
           PUSH_RATE);
    printf("    webhooks answered 200           %7ld in %.2f s (%.0f/s)\n", answered, secs,
           answered / secs);
    printf("    events received                 %7zu of %ld (webhooks x open clients)\n", n, want);
    printf(
        "    webhook sent -> event received  p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
        quantile(all, n, 0.5), quantile(all, n, 0.9), p99, n ? all[n - 1] : 0);
    size_t na = 0;
    for (int i = 0; i < PUSH_N; i++)
        if (push_answer[i] > 0)
            all[na++] = push_answer[i];
    qsort(all, na, sizeof(float), cmp_float);
    printf("    (webhook sent -> its 200        p50 %.2f ms, p99 %.2f ms, max %.2f ms)\n",
           quantile(all, na, 0.5), quantile(all, na, 0.99), na ? all[na - 1] : 0);
    printf("    against the aim                 %7.2fx the p99 ceiling of %.0f ms\n",
           p99 / AIM_PUSH_P99_MS, AIM_PUSH_P99_MS);
    print_cpu(serve_s, self_s, secs);
    if (atomic_load(&push_closed))
        printf("    clients closed during the test  %7d (the first: %s)\n",
               atomic_load(&push_closed), ws_close_first);
    free(all);
}

static void bench_push(void)
{
    struct pgroup gr[PUSH_LOOPS];
    ws_close_first[0] = '\0';
    push_sent = calloc(PUSH_N, sizeof *push_sent);
    int open = pgroups_open(gr, PUSH_LOOPS, (size_t)push_clients / PUSH_LOOPS);
    usleep(300000); /* the snapshots */
    uint64_t start = now_ns() + 50000000u;
    push_start = start;
    pthread_t t[PUSH_SENDERS];
    double serve0 = cpu_s(g.child), self0 = cpu_s(getpid());
    for (long i = 0; i < PUSH_SENDERS; i++)
        pthread_create(&t[i], NULL, push_sender, (void *)(intptr_t)i);
    for (int i = 0; i < PUSH_SENDERS; i++)
        pthread_join(t[i], NULL);
    double secs = (double)(now_ns() - start) / 1e9;
    double serve_s = cpu_s(g.child) - serve0, self_s = cpu_s(getpid()) - self0;
    long answered = 0;
    for (int i = 0; i < PUSH_N; i++)
        answered += atomic_load(&push_sent[i]) != 0;
    uint64_t end = now_ns() + 5000000000u;
    while (atomic_load(&push_got) < answered * open && now_ns() < end)
        usleep(10000);
    usleep(100000);
    pgroups_close(gr, PUSH_LOOPS); /* joins the readers before their tables are read */
    push_report(gr, open, answered, secs, serve_s, self_s);
    for (int k = 0; k < PUSH_LOOPS; k++)
        free(gr[k].cl);
    free(push_sent);
}

/* ---- main ---------------------------------------------------------------------------------- */

/* 1 when part name is to run (SERVE_BENCH_ONLY unset, or listing it). */
static int part_on(const char *name)
{
    const char *only = getenv("SERVE_BENCH_ONLY");
    return !only || strstr(only, name) != NULL;
}

static void raise_nofile(void)
{
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
        r.rlim_cur = r.rlim_max;
        setrlimit(RLIMIT_NOFILE, &r);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: serve_bench DIALTONE_BINARY\n");
        return 2;
    }
    g.bin = argv[1];
    const char *nh = getenv("SERVE_BENCH_HOOKS");
    if (nh && atol(nh) >= 0 && atol(nh) <= HOOK_MAX)
        hook_max = atol(nh);
    const char *nk = getenv("SERVE_BENCH_CONNS");
    if (nk && atoi(nk) >= 1 && atoi(nk) <= HOOK_CONNS_MAX)
        hook_conns = atoi(nk);
    const char *nc = getenv("SERVE_BENCH_CLIENTS");
    if (nc && atoi(nc) >= 0 && atoi(nc) <= 1000)
        push_clients = atoi(nc);
    const char *ns = getenv("SERVE_BENCH_SECONDS");
    if (ns && atof(ns) > 0 && atof(ns) <= 3600)
        hook_seconds = atof(ns);
    setvbuf(stdout, NULL, _IOLBF, 0); /* the figures as they come, even into a pipe */
    signal(SIGPIPE, SIG_IGN);
    raise_nofile(); /* 1,000 clients here, as many connections in the daemon */
    snprintf(g.dir, sizeof g.dir, "/tmp/dialtone-serve-bench-XXXXXX");
    g.port = free_port();
    if (!mkdtemp(g.dir) || g.port <= 0 || write_config() < 0 || add_agent() < 0) {
        fprintf(stderr, "serve_bench: cannot prepare the configuration and agent\n");
        cleanup_dir();
        return 1;
    }
    snprintf(g.url, sizeof g.url, "http://127.0.0.1:%d/twilio/status", g.port);
    if (start_serve() < 0) {
        fprintf(stderr, "serve_bench: cannot start %s serve (log in %s)\n", g.bin, g.log);
        stop_serve();
        return 1;
    }
    usleep(300000);
    printf("serve_bench: the daemon on loopback port %d, a fresh database\n", g.port);
    if (part_on("memory"))
        bench_memory();
    if (part_on("hooks"))
        bench_hooks();
    if (part_on("push"))
        bench_push();
    printf("\n  daemon RSS at the end              %6.1f MB\n", rss_mb(g.child));
    stop_serve();
    cleanup_dir();
    return 0;
}
