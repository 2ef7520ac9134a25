/*
 * console_bench: the console's figures against a daemon holding 1,000,000 calls. Generates
 * the database (the daemon's own schema, applied by store_open; one transaction, one prepared
 * statement, the indexes rebuilt after the rows), starts `dialtone serve` on it on a free
 * loopback port, adds an agent, and measures:
 *   - history through the agent API, end to end on loopback as the console asks for it: the
 *     first page, the next pages (keyset cursor, 200 pages deep), filtered first pages
 *     (status, number, text); p50/p99 against the 16 ms a keystroke may take;
 *   - the console in tmux (120x40): start-up to its first frame and to the agent's status
 *     bar, F4 to the first history rows on screen, PgDn to the next page on screen, and its
 *     RSS after paging through history, against 32 MB.
 * Figures only: no pass or fail on timing.
 *
 *   console_bench DIALTONE_BINARY [CALLS]      (run by `make bench`; CALLS default 1000000)
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sqlite3.h>

#include "bench_util.h"
#include "dialtone/store.h"
#include "dialtone/util.h"

#define ACCOUNT "AC0123456789abcdef0123456789abcdef"
#define TOKEN   "console-bench-auth-token"

#define AIM_KEY_MS 16.0
#define AIM_RSS_MB 32.0
#define PAGE       50 /* rows per page, as the console asks */
#define REPEAT     200
#define DEEP       200 /* pages walked with the cursor */
#define STARTS     5   /* console start-ups measured */

static struct {
    const char *bin;
    long calls;
    char dir[64], conf[128], db[128], log[128], url[64];
    char token[128], sock[64];
    int port;
    pid_t daemon;
    CURL *curl;
    struct dt_buf body;
} g;

/* ---- the database ------------------------------------------------------------------------- */

static const char *const names[] = {
    "Ann Lee",       "Bob Stone",    "Maria Garcia",  "Wei Chen",     "Aisha Khan",
    "Liam O'Brien",  "Priya Patel",  "Noah Williams", "Zoë Müller",   "Nguyễn Văn An",
    "Amelia Clarke", "Jack Taylor",  "Sofia Rossi",   "Omar Haddad",  "Emma Johansson",
    "Lucas Silva",   "Chloé Martin", "Kenji Sato",    "Fatima Zahra", "Mateo López",
};
static const char *const agents[] = {"alice", "bob", "carol", "dave", "erin", "frank"};

struct outcome {
    const char *status;
    int error_code, sip_code;
};
/* Twenty slots: how a call ends, roughly as a call center sees it. */
static const struct outcome outcomes[20] = {
    [0 ... 13] = {.status = "completed"},
    [14] = {.status = "busy", .sip_code = 486},
    [15] = {.status = "no-answer", .sip_code = 480},
    [16] = {.status = "failed", .error_code = 31005},
    [17] = {.status = "failed", .error_code = 13224},
    [18] = {.status = "failed", .sip_code = 404},
    [19] = {.status = "canceled"},
};

static int exec_sql(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
        return 0;
    fprintf(stderr, "console_bench: %s: %s\n", sql, msg ? msg : "?");
    sqlite3_free(msg);
    return -1;
}

/* Drops the calls table's indexes, their definitions into *sqls to be run after the load. */
static int take_indexes(sqlite3 *db, char ***sqls, size_t *n)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db,
                           "SELECT sql FROM sqlite_master WHERE type = 'index' AND "
                           "tbl_name = 'calls' AND sql IS NOT NULL",
                           -1, &s, NULL) != SQLITE_OK)
        return -1;
    *sqls = NULL;
    *n = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        *sqls = xrealloc(*sqls, (*n + 1) * sizeof **sqls);
        (*sqls)[(*n)++] = xstrdup((const char *)sqlite3_column_text(s, 0));
    }
    sqlite3_finalize(s);
    for (size_t i = 0; i < *n; i++) {
        char name[128]; /* "CREATE INDEX name ON ..." */
        if (sscanf((*sqls)[i], "CREATE INDEX %127s", name) != 1)
            return -1;
        char *drop = xasprintf("DROP INDEX %s", name);
        int rc = exec_sql(db, drop);
        free(drop);
        if (rc)
            return -1;
    }
    return 0;
}

static void bind_row(sqlite3_stmt *s, long i, int64_t t0)
{
    char sid[40], num[16];
    snprintf(sid, sizeof sid, "CA%032lx", i);
    snprintf(num, sizeof num, "+1415555%04ld", (i * 7919) % 10000);
    int out = i % 4 == 0;
    const struct outcome *o = &outcomes[(i * 2654435761u >> 7) % 20];
    /* Busy, unanswered and failed are outbound fates; an inbound caller instead gives up
     * waiting in the queue (abandoned: completed, queue result hangup). */
    static const struct outcome gave_up = {.status = "completed"};
    int abandoned = !out && (o->error_code || o->sip_code);
    if (abandoned)
        o = &gave_up;
    int64_t created = t0 + i * 30000; /* one call every 30 s, oldest first */
    int answered = !abandoned && strcmp(o->status, "completed") == 0;
    int dur = answered ? 30 + (int)((i * 37) % 570) : 0;
    sqlite3_bind_text(s, 1, sid, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, out ? "outbound-api" : "inbound", -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, out ? "+14155550100" : num, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, out ? num : "+14155550100", -1, SQLITE_TRANSIENT);
    if (out)
        sqlite3_bind_null(s, 5);
    else
        sqlite3_bind_text(s, 5, names[i % 20], -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 6, out ? NULL : i % 3 ? "support" : "sales", -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 7, agents[i % 6], -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 8, o->status, -1, SQLITE_STATIC);
    if (o->error_code)
        sqlite3_bind_int(s, 9, o->error_code);
    else
        sqlite3_bind_null(s, 9);
    if (o->sip_code)
        sqlite3_bind_int(s, 10, o->sip_code);
    else
        sqlite3_bind_null(s, 10);
    sqlite3_bind_int(s, 11, dur);
    sqlite3_bind_int64(s, 12, created);
    if (answered)
        sqlite3_bind_int64(s, 13, created + 5000);
    else
        sqlite3_bind_null(s, 13);
    sqlite3_bind_int64(s, 14, created + 5000 + dur * 1000LL);
    /* Inbound calls left their queue as Twilio says: taken by an agent, or hung up. */
    sqlite3_bind_text(s, 15, out ? NULL : answered ? "bridged" : "hangup", -1, SQLITE_STATIC);
}

static int fill_rows(sqlite3 *db, int64_t t0)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO calls (sid, direction, from_number, to_number, "
                           "caller_name, queue, agent, status, status_seq, error_code, sip_code, "
                           "duration_s, price, price_unit, created_ms, answered_ms, ended_ms, "
                           "updated_ms, queue_result) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 9, "
                           "?9, ?10, ?11, '-0.01400', 'USD', ?12, ?13, ?14, ?14, ?15)",
                           -1, &s, NULL) != SQLITE_OK) {
        fprintf(stderr, "console_bench: insert: %s\n", sqlite3_errmsg(db));
        return -1;
    }
    int rc = 0;
    for (long i = 0; i < g.calls && rc == 0; i++) {
        bind_row(s, i, t0);
        if (sqlite3_step(s) != SQLITE_DONE) {
            fprintf(stderr, "console_bench: insert: %s\n", sqlite3_errmsg(db));
            rc = -1;
        }
        sqlite3_reset(s);
    }
    sqlite3_finalize(s);
    return rc;
}

/* The schema through store_open, then the calls in one transaction. */
static int make_db(void)
{
    char err[256];
    struct store *st;
    if (store_open(g.db, &st, err, sizeof err) != DT_OK) {
        fprintf(stderr, "console_bench: %s\n", err);
        return -1;
    }
    store_close(st);
    sqlite3 *db;
    if (sqlite3_open(g.db, &db) != SQLITE_OK)
        return -1;
    char **idx = NULL;
    size_t n = 0;
    int64_t t0 = (int64_t)time(NULL) * 1000 - (int64_t)g.calls * 30000;
    int rc = exec_sql(db, "PRAGMA synchronous = OFF");
    rc = rc ? rc : exec_sql(db, "BEGIN");
    rc = rc ? rc : take_indexes(db, &idx, &n);
    rc = rc ? rc : fill_rows(db, t0);
    for (size_t i = 0; i < n; i++) {
        rc = rc ? rc : exec_sql(db, idx[i]);
        free(idx[i]);
    }
    free(idx);
    rc = rc ? rc : exec_sql(db, "COMMIT");
    rc = rc ? rc : exec_sql(db, "ANALYZE");
    sqlite3_close(db);
    return rc;
}

static int bench_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    int port = 0;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

/* ---- the daemon --------------------------------------------------------------------------- */

static int write_config(void)
{
    FILE *f = fopen(g.conf, "w");
    if (!f)
        return -1;
    /* api_base_url: a closed port; the queue lookup fails and is retried a minute later */
    fprintf(f,
            "[twilio]\naccount_sid = %s\nauth_token = %s\nnumbers = +14155550100\n"
            "public_base_url = %s\napi_base_url = http://127.0.0.1:9\n"
            "[server]\nlisten = 127.0.0.1\nport = %d\ndatabase = %s\nlog_level = warn\n"
            "[queue \"support\"]\n[queue \"sales\"]\n",
            ACCOUNT, TOKEN, g.url, g.port, g.db);
    fclose(f);
    return chmod(g.conf, 0600);
}

static int add_agent(void)
{
    char cmd[512], line[256];
    snprintf(cmd, sizeof cmd,
             "'%s' agent add bench --role agent --endpoint client:bench --queues support,sales "
             "--config '%s' 2>&1",
             g.bin, g.conf);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    while (fgets(line, sizeof line, p))
        if (strncmp(line, "token: ", 7) == 0) {
            line[strcspn(line, "\r\n")] = '\0';
            dt_strlcpy(g.token, line + 7, sizeof g.token);
        }
    pclose(p);
    return g.token[0] ? 0 : -1;
}

static size_t collect(char *p, size_t size, size_t n, void *user)
{
    dt_buf_append(user, p, size * n);
    return size * n;
}

/* GET path on the daemon with the agent's token (one keep-alive handle); the status, the body
 * in g.body. */
static long get(const char *path)
{
    char url[1024];
    snprintf(url, sizeof url, "%s%s", g.url, path);
    dt_buf_reset(&g.body);
    curl_easy_setopt(g.curl, CURLOPT_URL, url);
    long code = 0;
    if (curl_easy_perform(g.curl) == CURLE_OK)
        curl_easy_getinfo(g.curl, CURLINFO_RESPONSE_CODE, &code);
    dt_buf_putc(&g.body, '\0');
    return code;
}

static int start_daemon(void)
{
    g.daemon = fork();
    if (g.daemon == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        FILE *log = freopen(g.log, "w", stderr);
        FILE *out = freopen("/dev/null", "w", stdout);
        (void)log, (void)out;
        execl(g.bin, g.bin, "serve", "--config", g.conf, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 300; i++) {
        if (get("/healthz") == 200)
            return 0;
        usleep(100000);
    }
    return -1;
}

static void curl_setup(void)
{
    g.curl = curl_easy_init();
    static struct curl_slist *hdr;
    char auth[200];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", g.token);
    curl_slist_free_all(hdr);
    hdr = curl_slist_append(NULL, auth);
    curl_easy_setopt(g.curl, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(g.curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(g.curl, CURLOPT_WRITEDATA, &g.body);
    curl_easy_setopt(g.curl, CURLOPT_PROXY, "");
    curl_easy_setopt(g.curl, CURLOPT_TIMEOUT_MS, 10000L);
}

/* ---- history through the API -------------------------------------------------------------- */

static void report(const char *what, float *ms, size_t n)
{
    qsort(ms, n, sizeof *ms, cmp_float);
    float p50 = quantile(ms, n, 0.5), p99 = quantile(ms, n, 0.99);
    printf("  %-44s p50 %6.2f ms  p99 %6.2f ms  (%zu; p99 is %.2f of %.0f ms)\n", what, p50, p99, n,
           p99 / AIM_KEY_MS, AIM_KEY_MS);
}

/* The next_cursor of the page in g.body into cur; 0 when there is one. */
static int next_cursor(char *cur, size_t n)
{
    const char *p = strstr(g.body.data, "\"next_cursor\":\"");
    if (!p)
        return -1;
    p += strlen("\"next_cursor\":\"");
    size_t len = strcspn(p, "\"");
    if (len >= n)
        return -1;
    memcpy(cur, p, len);
    cur[len] = '\0';
    return 0;
}

static int timed_get(const char *path, float *ms)
{
    uint64_t t = now_ns();
    long code = get(path);
    *ms = (float)((now_ns() - t) / 1e6);
    if (code != 200) {
        fprintf(stderr, "console_bench: GET %s: %ld %s\n", path, code, g.body.data);
        return -1;
    }
    return 0;
}

/* How many calls the page in g.body holds. */
static int page_rows(void)
{
    int n = 0;
    for (const char *p = g.body.data; (p = strstr(p, "{\"sid\":")) != NULL; p++)
        n++;
    return n;
}

static int bench_query(const char *what, const char *query)
{
    float ms[REPEAT];
    char path[512], label[128];
    snprintf(path, sizeof path, "/api/v1/calls?limit=%d%s", PAGE, query);
    for (int i = 0; i < REPEAT; i++)
        if (timed_get(path, &ms[i]) < 0)
            return -1;
    snprintf(label, sizeof label, "%s [%d rows]", what, page_rows());
    report(label, ms, REPEAT);
    return 0;
}

static int bench_pages(void)
{
    float ms[DEEP];
    char first[256], cur[256], path[512];
    if (get("/api/v1/calls?limit=50") != 200 || next_cursor(first, sizeof first) < 0)
        return -1;
    dt_strlcpy(cur, first, sizeof cur);
    for (int i = 0; i < DEEP; i++) {
        snprintf(path, sizeof path, "/api/v1/calls?limit=%d&cursor=%s", PAGE, cur);
        if (timed_get(path, &ms[i]) < 0)
            return -1;
        if (next_cursor(cur, sizeof cur) < 0) /* the last page: from the top again */
            dt_strlcpy(cur, first, sizeof cur);
    }
    report("next page (cursor, 200 pages deep)", ms, DEEP);
    return 0;
}

static int bench_api(void)
{
    printf("history through the agent API (%d rows a page, keep-alive, loopback):\n", PAGE);
    if (bench_query("first page", "") < 0 || bench_pages() < 0 ||
        bench_query("filter status=busy", "&status=busy") < 0 ||
        bench_query("filter number=+14155551234", "&number=%2B14155551234") < 0 ||
        bench_query("filter text=Garcia", "&text=Garcia") < 0 ||
        bench_query("filter outcome=busy", "&outcome=busy") < 0 ||
        bench_query("text=Rossi, status=failed (rare: a scan)", "&text=Rossi&status=failed") < 0)
        return -1;
    printf("what the console asks besides history (its start, its poll every 3 s):\n");
    const char *const other[] = {"/api/v1/me", "/api/v1/calls/pending", "/api/v1/queues"};
    for (size_t k = 0; k < sizeof other / sizeof other[0]; k++) {
        float ms[REPEAT / 4];
        for (int i = 0; i < REPEAT / 4; i++)
            if (timed_get(other[k], &ms[i]) < 0)
                return -1;
        report(other[k], ms, REPEAT / 4);
    }
    return 0;
}

/* ---- the console in tmux ------------------------------------------------------------------- */

static int tmux(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int tmux(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *args = xvasprintf(fmt, ap);
    va_end(ap);
    char *cmd = xasprintf("tmux -L '%s' -f /dev/null %s >/dev/null 2>&1", g.sock, args);
    int rc = system(cmd);
    free(cmd);
    free(args);
    return rc == 0 ? 0 : -1;
}

/* The pane of session s as text into buf. */
static void capture(const char *s, char *buf, size_t n)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "tmux -L '%s' capture-pane -p -t '%s' 2>/dev/null", g.sock, s);
    FILE *p = popen(cmd, "r");
    size_t len = p ? fread(buf, 1, n - 1, p) : 0;
    buf[len] = '\0';
    if (p)
        pclose(p);
}

static int has_text(const char *screen, const char *text)
{
    if (text)
        return strstr(screen, text) != NULL;
    return strspn(screen, " \n") < strlen(screen); /* anything drawn */
}

/* Milliseconds from t0 until session s shows text (NULL: anything), or -1 after 20 s. When
 * differs is given, until the screen differs from it instead. */
static double until(uint64_t t0, const char *s, const char *text, const char *differs)
{
    static char screen[32768];
    while (now_ns() - t0 < 20000000000ull) {
        capture(s, screen, sizeof screen);
        if (differs ? strcmp(screen, differs) != 0 : has_text(screen, text))
            return (now_ns() - t0) / 1e6;
        usleep(2000);
    }
    return -1;
}

static double median(float *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_float);
    return quantile(v, n, 0.5);
}

/* Start-ups: STARTS sessions, each timed to its first frame and to the agent in its status
 * bar; the last one stays as session "c". */
static int bench_startup(void)
{
    float first[STARTS], live[STARTS];
    for (int k = 0; k < STARTS; k++) {
        char name[16];
        snprintf(name, sizeof name, "c%d", k);
        uint64_t t0 = now_ns();
        if (tmux("new-session -d -s %s -x 120 -y 40 'exec %s console --server %s'", name, g.bin,
                 g.url) < 0)
            return -1;
        double a = until(t0, name, NULL, NULL), b = until(t0, name, "bench", NULL);
        if (a < 0 || b < 0) {
            fprintf(stderr, "console_bench: the console showed nothing (or not its agent)\n");
            return -1;
        }
        first[k] = (float)a;
        live[k] = (float)b;
        if (k < STARTS - 1)
            tmux("kill-session -t %s", name);
    }
    printf("  start-up to the first frame           median %6.1f ms (%d starts, tmux included)\n",
           median(first, STARTS), STARTS);
    printf("  start-up to the agent in the status   median %6.1f ms\n", median(live, STARTS));
    return 0;
}

/* F4 to the first history rows, then PgDn page after page; the console's RSS at the end. */
static int bench_history_keys(void)
{
    char last[16];
    snprintf(last, sizeof last, "c%d", STARTS - 1);
    static char before[32768];
    uint64_t t0 = now_ns();
    tmux("send-keys -t %s F4", last);
    double f4 = until(t0, last, "+1415555", NULL);
    if (f4 < 0) {
        fprintf(stderr, "console_bench: F4 showed no history rows\n");
        return -1;
    }
    float pg[20];
    size_t n = 0;
    for (int i = 0; i < 20; i++) {
        capture(last, before, sizeof before);
        t0 = now_ns();
        tmux("send-keys -t %s PageDown", last);
        double ms = until(t0, last, NULL, before);
        if (ms >= 0)
            pg[n++] = (float)ms;
    }
    printf("  F4 to history rows on screen                 %6.1f ms (target %.0f: %.2f)\n", f4,
           AIM_KEY_MS, f4 / AIM_KEY_MS);
    if (n) {
        qsort(pg, n, sizeof *pg, cmp_float);
        printf("  PgDn to the next rows on screen       p50 %6.1f ms  max %6.1f ms (%zu; target "
               "%.0f: %.2f)\n",
               quantile(pg, n, 0.5), pg[n - 1], n, AIM_KEY_MS, quantile(pg, n, 0.5) / AIM_KEY_MS);
    }
    /* A filter typed after `/`: the time from Enter to the matching rows on screen. */
    static const char *const filters[][2] = {{"Garcia", "Maria Garcia"},
                                             {"status:busy", "[31486 busy]"}};
    for (size_t k = 0; k < sizeof filters / sizeof filters[0]; k++) {
        tmux("send-keys -t %s / C-u", last);
        tmux("send-keys -t %s -l %s", last, filters[k][0]);
        capture(last, before, sizeof before);
        t0 = now_ns();
        tmux("send-keys -t %s Enter", last);
        char want[64];
        snprintf(want, sizeof want, "Filter: %s", filters[k][0]);
        double a = until(t0, last, want, NULL), b = until(t0, last, filters[k][1], NULL);
        if (a >= 0 && b >= 0)
            printf("  filter '%s' + Enter to its rows on screen  %6.1f ms (target %.0f: %.2f)\n",
                   filters[k][0], b, AIM_KEY_MS, b / AIM_KEY_MS);
        else
            printf("  filter '%s': its rows never showed\n", filters[k][0]);
    }
    char cmd[256], line[64] = "";
    snprintf(cmd, sizeof cmd, "tmux -L '%s' display -p -t %s '#{pane_pid}'", g.sock, last);
    FILE *p = popen(cmd, "r");
    if (p && fgets(line, sizeof line, p)) {
        double mb = rss_mb((pid_t)atoi(line));
        printf("  console RSS after 20 pages of history        %6.1f MB (target %.0f: %.2f)\n", mb,
               AIM_RSS_MB, mb / AIM_RSS_MB);
    }
    if (p)
        pclose(p);
    return 0;
}

static int bench_console(void)
{
    printf("the console in tmux (120x40; screen polled every 2 ms through capture-pane):\n");
    if (system("command -v tmux >/dev/null 2>&1") != 0) {
        printf("  skipped: no tmux (make deps installs it)\n");
        return 0;
    }
    char cmd[512];
    snprintf(cmd, sizeof cmd, "'%s' help | grep -q '^  console'", g.bin);
    if (system(cmd) != 0) {
        printf("  skipped: this dialtone has no console\n");
        return 0;
    }
    setenv("DIALTONE_TOKEN", g.token, 1);
    setenv("XDG_CONFIG_HOME", g.dir, 1); /* not the person's own console.conf */
    /* One idle session keeps the tmux server up, so start-ups do not count its start. */
    if (tmux("new-session -d -s keep -x 120 -y 40 'sleep 600'") < 0)
        return -1;
    int rc = bench_startup();
    if (rc == 0)
        rc = bench_history_keys();
    tmux("kill-server");
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: console_bench DIALTONE_BINARY [CALLS]\n");
        return 2;
    }
    g.bin = argv[1];
    g.calls = argc > 2 ? atol(argv[2]) : 1000000;
    if (g.calls < 1000)
        g.calls = 1000;
    dt_buf_init(&g.body);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    dt_strlcpy(g.dir, "/tmp/dialtone-console-bench-XXXXXX", sizeof g.dir);
    if (!mkdtemp(g.dir))
        return 1;
    snprintf(g.conf, sizeof g.conf, "%s/dialtone.conf", g.dir);
    snprintf(g.db, sizeof g.db, "%s/bench.db", g.dir);
    snprintf(g.log, sizeof g.log, "%s/serve.log", g.dir);
    g.port = 0;
    int rc = 1;
    setvbuf(stdout, NULL, _IOLBF, 0); /* nothing buffered twice across fork */
    printf("console bench: %ld calls\n", g.calls);
    uint64_t t = now_ns();
    if (make_db() < 0)
        goto done;
    struct stat sb;
    stat(g.db, &sb);
    printf("  database generated in %.1f s (%.0f MB)\n", (now_ns() - t) / 1e9,
           sb.st_size / 1048576.0);
    g.port = bench_free_port();
    snprintf(g.url, sizeof g.url, "http://127.0.0.1:%d", g.port);
    if (write_config() < 0 || add_agent() < 0) {
        fprintf(stderr, "console_bench: cannot set the daemon up\n");
        goto done;
    }
    curl_setup();
    if (start_daemon() < 0) {
        fprintf(stderr, "console_bench: the daemon did not start (log: %s)\n", g.log);
        goto done;
    }
    if (bench_api() < 0)
        goto done;
    snprintf(g.sock, sizeof g.sock, "dialtone-console-bench-%d", (int)getpid());
    rc = bench_console() < 0;
done:
    stop_child(g.daemon);
    curl_easy_cleanup(g.curl);
    dt_buf_done(&g.body);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g.dir);
    if (system(cmd) != 0)
        fprintf(stderr, "console_bench: could not remove %s\n", g.dir);
    curl_global_cleanup();
    return rc;
}
