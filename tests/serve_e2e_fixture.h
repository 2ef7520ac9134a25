/*
 * serve_e2e_fixture: what the end-to-end tests of `dialtone serve` share. In a private temp
 * directory (a config file chmod 600, the database), the daemon and `dialtone sim` run as
 * child processes on free loopback ports: the emulator's number calls the daemon's webhooks
 * and the daemon calls the emulator's REST API. The test drives the emulator's control API
 * and the daemon's HTTP side with libcurl, signs its own webhooks with the core's signer, and
 * reads the daemon's database with SQLite (WAL lets it read while the daemon writes).
 */
#ifndef DIALTONE_SERVE_E2E_FIXTURE_H
#define DIALTONE_SERVE_E2E_FIXTURE_H

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "check.h"
#include "dialtone/agents.h"
#include "dialtone/form.h"
#include "dialtone/sig.h"
#include "dialtone/util.h"

#define SE_ACCOUNT "AC0123456789abcdef0123456789abcdef"
#define SE_TOKEN   "serve-e2e-token-5c1d"
#define SE_NUMBER  "+14155550100"
#define SE_REST    "/2010-04-01/Accounts/" SE_ACCOUNT

static struct {
    char dir[64];
    char conf[96], db[96], sim_log[96], daemon_log[96];
    char base[64];     /* the daemon: http://127.0.0.1:PORT */
    char sim_base[64]; /* the emulator */
    int port, sim_port;
    pid_t sim, daemon;
    char conf_extra[2048];
    int no_numbers; /* leave [twilio] numbers out of the daemon's config */
} se;

/* A port free right now on 127.0.0.1 (the kernel's pick), or 0. */
static inline int se_free_port(void)
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

/* Reads the child's first stdout line (up to 15 s) and returns the port after "host:". */
static inline int se_read_port(int fd, const char *what)
{
    char line[256];
    size_t n = 0;
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    while (n < sizeof line - 1 && poll(&pfd, 1, 15000) > 0) {
        ssize_t r = read(fd, line + n, 1);
        if (r <= 0 || line[n] == '\n')
            break;
        n++;
    }
    line[n] = '\0';
    const char *p = strstr(line, "http://127.0.0.1:");
    int port = p ? atoi(p + strlen("http://127.0.0.1:")) : 0;
    if (port <= 0)
        printf("  %s did not say where it listens: '%s'\n", what, line);
    return port;
}

/* Runs argv (NULL-terminated) with stdout to a pipe (returned in *out_fd) and stderr
 * appended to log. */
static inline pid_t se_spawn(const char *const argv[], const char *log, int *out_fd)
{
    int out[2];
    if (pipe(out) < 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(out[1], 1);
        close(out[0]);
        close(out[1]);
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (fd >= 0)
            dup2(fd, 2);
        char *args[32];
        size_t n = 0;
        for (; argv[n] && n < 31; n++)
            args[n] = xstrdup(argv[n]);
        args[n] = NULL;
        execv(args[0], args);
        _exit(127);
    }
    close(out[1]);
    *out_fd = out[0];
    return pid;
}

static inline const char *se_bin(void)
{
    const char *bin = getenv("DIALTONE_BIN");
    if (!bin)
        printf("  DIALTONE_BIN is not set (tests/run-tests.sh sets it)\n");
    return bin;
}

/* Starts the emulator on scenario at speed, its numbers calling se.base. 0 or -1. */
static inline int se_start_sim(const char *scenario, const char *speed)
{
    const char *bin = se_bin();
    if (!bin)
        return -1;
    setenv("DIALTONE_URL", se.base, 1);
    setenv("SE_SIM_TOKEN", SE_TOKEN, 1);
    const char *const argv[] = {bin,
                                "sim",
                                "--port",
                                "0",
                                "--scenario",
                                scenario,
                                "--account",
                                SE_ACCOUNT,
                                "--auth-token-env",
                                "SE_SIM_TOKEN",
                                "--speed",
                                speed,
                                "--log-level",
                                "debug",
                                NULL};
    int fd;
    se.sim = se_spawn(argv, se.sim_log, &fd);
    if (se.sim < 0)
        return -1;
    se.sim_port = se_read_port(fd, "dialtone sim");
    close(fd);
    snprintf(se.sim_base, sizeof se.sim_base, "http://127.0.0.1:%d", se.sim_port);
    return se.sim_port > 0 ? 0 : -1;
}

/* Writes the daemon's config (chmod 600: it holds the auth token). */
static inline int se_write_config(void)
{
    FILE *f = fopen(se.conf, "w");
    if (!f)
        return -1;
    fprintf(f,
            "[twilio]\naccount_sid = %s\nauth_token = %s\n%s%s%spublic_base_url = %s\n"
            "api_base_url = %s\n[server]\nport = %d\ndatabase = %s\nlog_level = debug\n%s",
            SE_ACCOUNT, SE_TOKEN, se.no_numbers ? "" : "numbers = ", se.no_numbers ? "" : SE_NUMBER,
            se.no_numbers ? "" : "\n", se.base, se.sim_base, se.port, se.db, se.conf_extra);
    fclose(f);
    return chmod(se.conf, 0600);
}

/* Starts `dialtone serve --config` and waits for its listening line. 0 or -1. */
static inline int se_start_daemon(void)
{
    const char *bin = se_bin();
    if (!bin)
        return -1;
    const char *const argv[] = {bin, "serve", "--config", se.conf, NULL};
    int fd;
    se.daemon = se_spawn(argv, se.daemon_log, &fd);
    if (se.daemon < 0)
        return -1;
    int port = se_read_port(fd, "dialtone serve");
    close(fd);
    return port == se.port ? 0 : -1;
}

/* Signals a child and reaps it; its exit status, 128+signal, or -1 after a forced kill. */
static inline int se_stop(pid_t *pid, int sig)
{
    if (*pid <= 0)
        return -1;
    kill(*pid, sig);
    int status = 0;
    for (int i = 0; i < 1000; i++) {
        if (waitpid(*pid, &status, WNOHANG) == *pid) {
            *pid = 0;
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        usleep(10000);
    }
    kill(*pid, SIGKILL);
    waitpid(*pid, &status, 0);
    *pid = 0;
    return -1;
}

static inline void se_dump(const char *path)
{
    FILE *f = fopen(path, "r");
    char buf[512];
    int lines = 0;
    printf("  --- %s\n", path);
    while (f && fgets(buf, sizeof buf, f) && lines++ < 300)
        printf("    | %s", buf);
    if (f)
        fclose(f);
}

/* Sets everything up: the directory, the ports, the emulator, the config, the daemon. */
static inline int se_setup(const char *scenario, const char *speed, const char *conf_extra)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    dt_strlcpy(se.dir, "/tmp/dialtone-serve-XXXXXX", sizeof se.dir);
    if (!mkdtemp(se.dir))
        return -1;
    snprintf(se.conf, sizeof se.conf, "%s/dialtone.conf", se.dir);
    snprintf(se.db, sizeof se.db, "%s/dialtone.db", se.dir);
    snprintf(se.sim_log, sizeof se.sim_log, "%s/sim.log", se.dir);
    snprintf(se.daemon_log, sizeof se.daemon_log, "%s/daemon.log", se.dir);
    dt_strlcpy(se.conf_extra, conf_extra ? conf_extra : "", sizeof se.conf_extra);
    se.port = se_free_port();
    snprintf(se.base, sizeof se.base, "http://127.0.0.1:%d", se.port);
    if (se.port <= 0 || se_start_sim(scenario, speed) != 0 || se_write_config() != 0 ||
        se_start_daemon() != 0) {
        se_dump(se.sim_log);
        se_dump(se.daemon_log);
        return -1;
    }
    return 0;
}

/* Stops both children (the daemon must exit 0 on SIGTERM), prints the logs if anything
 * failed, and removes the directory. */
static inline void se_teardown(void)
{
    if (se.daemon > 0)
        CHECK_INT(se_stop(&se.daemon, SIGTERM), 0);
    if (se.sim > 0)
        se_stop(&se.sim, SIGTERM);
    if (check_tests_failed) {
        se_dump(se.daemon_log);
        se_dump(se.sim_log);
    }
    DIR *d = opendir(se.dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *p = xasprintf("%s/%s", se.dir, e->d_name);
        unlink(p);
        free(p);
    }
    if (d)
        closedir(d);
    rmdir(se.dir);
    curl_global_cleanup();
}

/* ---- HTTP ------------------------------------------------------------------------------------ */

struct se_resp {
    long status;
    struct dt_buf body;
    cJSON *json;
    double seconds;
};

static inline size_t se_write(char *p, size_t sz, size_t n, void *user)
{
    dt_buf_append(user, p, sz * n);
    return sz * n;
}

/*
 * One request: method, full URL, headers (NULL-terminated list of "Name: value", may be NULL;
 * "Expect:" is added unless the list has an Expect), a body (NULL for none) and Basic
 * credentials ("user:pass" or NULL). A JSON answer is parsed.
 */
static inline struct se_resp se_http(const char *method, const char *url,
                                     const char *const *headers, const char *body, size_t len,
                                     const char *userpwd)
{
    struct se_resp r = {.status = 0};
    dt_buf_init(&r.body);
    CURL *c = curl_easy_init();
    struct curl_slist *hdr = NULL;
    int has_expect = 0;
    for (size_t i = 0; headers && headers[i]; i++) {
        hdr = curl_slist_append(hdr, headers[i]);
        has_expect |= strncasecmp(headers[i], "Expect:", 7) == 0;
    }
    if (!has_expect)
        hdr = curl_slist_append(hdr, "Expect:");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, se_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)len);
    }
    if (userpwd) {
        curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(c, CURLOPT_USERPWD, userpwd);
    }
    if (curl_easy_perform(c) == CURLE_OK) {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
        curl_easy_getinfo(c, CURLINFO_TOTAL_TIME, &r.seconds);
    }
    curl_slist_free_all(hdr);
    curl_easy_cleanup(c);
    r.json = r.body.len ? cJSON_ParseWithLength(r.body.data, r.body.len) : NULL;
    return r;
}

static inline void se_resp_done(struct se_resp *r)
{
    dt_buf_done(&r->body);
    cJSON_Delete(r->json);
    r->json = NULL;
}

/* A request to the daemon (path on se.base) or to the emulator's control API (JSON body). */
static inline struct se_resp se_get(const char *path)
{
    char url[512];
    snprintf(url, sizeof url, "%s%s", se.base, path);
    return se_http("GET", url, NULL, NULL, 0, NULL);
}

static inline struct se_resp se_ctl(const char *method, const char *path, const char *json)
{
    char url[512];
    snprintf(url, sizeof url, "%s%s", se.sim_base, path);
    const char *const h[] = {"Content-Type: application/json", NULL};
    return se_http(method, url, json ? h : NULL, json, json ? strlen(json) : 0, NULL);
}

/* An agent a test writes straight into the daemon's database, with a fresh token. */
struct se_agent {
    const char *name, *endpoint, *role;       /* role: "agent" (also when NULL) or "supervisor" */
    char token[AGENTS_TOKEN_SIZE], auth[160]; /* auth: the whole Authorization header */
};

/* Adds agents a[0..n) to se.db, each in queue, with new tokens (stored hashed, as
 * `dialtone agent add` does). */
static inline void se_add_agents(struct se_agent *a, size_t n, const char *queue)
{
    sqlite3 *db = NULL;
    CHECK_INT(sqlite3_open(se.db, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    long long now_ms = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    for (size_t i = 0; i < n; i++) {
        char hash[AGENTS_HASH_SIZE];
        agents_token_new(a[i].token, NULL, 0);
        agents_token_hash(a[i].token, strlen(a[i].token), hash);
        snprintf(a[i].auth, sizeof a[i].auth, "Authorization: Bearer %s", a[i].token);
        char *q = sqlite3_mprintf(
            "INSERT INTO agents (name, role, endpoint, state_since_ms, token_hash, created_ms) "
            "VALUES (%Q, %Q, %Q, %lld, %Q, %lld); INSERT INTO agent_queues (agent_id, queue) "
            "VALUES (last_insert_rowid(), %Q);",
            a[i].name, a[i].role ? a[i].role : "agent", a[i].endpoint, now_ms, hash, now_ms,
            queue);
        CHECK_INT(sqlite3_exec(db, q, NULL, NULL, NULL), SQLITE_OK);
        sqlite3_free(q);
    }
    sqlite3_close(db);
}

/* A request to the daemon's agent API as agent a, with a JSON body or none. */
static inline struct se_resp se_api(const struct se_agent *a, const char *method, const char *path,
                                    const char *body)
{
    char url[512];
    snprintf(url, sizeof url, "%s%s", se.base, path);
    const char *hdrs[] = {a->auth, "Content-Type: application/json", NULL};
    return se_http(method, url, hdrs, body, body ? strlen(body) : 0, NULL);
}

/* The string member k of o, or NULL. */
static inline const char *se_str(const cJSON *o, const char *k)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

/* A form body from key, value pairs ending in NULL; the caller frees. */
static inline char *se_form(const char *key, ...)
{
    struct form f;
    form_init(&f);
    va_list ap;
    va_start(ap, key);
    for (const char *k = key; k; k = va_arg(ap, const char *))
        form_add(&f, k, va_arg(ap, const char *));
    va_end(ap);
    char *b = form_encode(&f);
    form_done(&f);
    return b;
}

/* The X-Twilio-Signature header for a form body POSTed to path_query at the public URL. */
static inline void se_sign(const char *path_query, const char *body, char *hdr, size_t n)
{
    struct form f;
    form_init(&f);
    char err[128], sig[DT_SIG_BUFSZ] = "";
    char url[512];
    snprintf(url, sizeof url, "%s%s", se.base, path_query);
    if (form_parse(&f, body, strlen(body), err, sizeof err) == 0)
        sig_compute(SE_TOKEN, url, &f, sig, err, sizeof err);
    form_done(&f);
    snprintf(hdr, n, "X-Twilio-Signature: %s", sig);
}

/* POSTs a form body to the daemon's path_query, signed when sign is 1 (else with a forged
 * signature), with extra headers (may be NULL). */
static inline struct se_resp se_hook(const char *path_query, const char *body, int sign)
{
    char sig[128], url[512];
    if (sign)
        se_sign(path_query, body, sig, sizeof sig);
    else
        snprintf(sig, sizeof sig, "X-Twilio-Signature: %s", "AAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    snprintf(url, sizeof url, "%s%s", se.base, path_query);
    const char *const h[] = {"Content-Type: application/x-www-form-urlencoded", sig, NULL};
    return se_http("POST", url, h, body, strlen(body), NULL);
}

/* ---- the daemon's database --------------------------------------------------------------------
 */

/* The first column of the first row of a query (printf-style) as text, "" if none; the
 * returned buffer is static. */
static inline const char *se_q(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline const char *se_q(const char *fmt, ...)
{
    static char out[4096];
    out[0] = '\0';
    va_list ap;
    va_start(ap, fmt);
    char *sql = xvasprintf(fmt, ap);
    va_end(ap);
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(se.db, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK) {
        sqlite3_busy_timeout(db, 5000);
        sqlite3_stmt *s;
        if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK) {
            if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
                dt_strlcpy(out, (const char *)sqlite3_column_text(s, 0), sizeof out);
            sqlite3_finalize(s);
        } else {
            printf("  sql: %s: %s\n", sql, sqlite3_errmsg(db));
        }
    }
    sqlite3_close(db);
    free(sql);
    return out;
}

static inline long se_qi(const char *sql)
{
    return atol(se_q("%s", sql));
}

/* Waits up to ms for the query to give want; returns what it last gave (a copy in buf). */
static inline const char *se_wait_q(const char *sql, const char *want, int ms, char *buf, size_t n)
{
    for (int waited = 0;; waited += 20) {
        dt_strlcpy(buf, se_q("%s", sql), n);
        if (strcmp(buf, want) == 0 || waited >= ms)
            return buf;
        usleep(20000);
    }
}

#define SE_WAIT_Q(sql, want, ms)                                                                   \
    do {                                                                                           \
        char se_buf_[512];                                                                         \
        CHECK_STR(se_wait_q((sql), (want), (ms), se_buf_, sizeof se_buf_), (want));                \
    } while (0)

#endif
