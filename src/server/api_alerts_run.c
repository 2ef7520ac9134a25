/*
 * api_alerts_run: what the daemon does when an alert fires or clears, besides storing and
 * announcing it: runs [alerts] command with fork and execve (never a shell), the alert in its
 * environment (DIALTONE_ALERT_RULE, _KIND, _STATE "fired" or "cleared", _VALUE, _AT_MS,
 * _MESSAGE) next to PATH, LANG and TZ only (the daemon's secrets stay with it), stdin from
 * /dev/null and no other descriptor, in its own process group; children are reaped every
 * second and killed (their whole group) past command_timeout. And POSTs the alert's JSON to [alerts] webhook_url through the async HTTP
 * client. Neither ever blocks the loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dialtone/alerts.h"
#include "dialtone/config.h"
#include "dialtone/httpc.h"
#include "dialtone/log.h"
#include "dialtone/netloop.h"
#include "dialtone/util.h"
#include "server/api_alerts_int.h"

#define POST_TIMEOUT_MS 10000
#define MAX_CHILDREN    16 /* commands running at once; more are skipped and logged */
#define MAX_POSTS       64
#define FD_CLOSE_MAX    65536

extern char **environ;

struct child {
    pid_t pid;
    uint64_t deadline_ms;
    int killed;
    char rule[ALERTS_NAME_MAX + 1];
};

struct api_alerts_run {
    struct httpc *http; /* NULL without a URL */
    char command[DT_CONFIG_PATH_SIZE];
    char url[DT_CONFIG_URL_SIZE];
    uint64_t timeout_ms;
    struct child children[MAX_CHILDREN];
    size_t nchildren;
    size_t posts; /* in flight */
};

struct api_alerts_run *api_alerts_run_new(struct netloop *loop, const struct config_alerts *cfg,
                                          char *err, size_t errlen)
{
    struct api_alerts_run *r = xcalloc(1, sizeof *r);
    dt_strlcpy(r->command, cfg->command, sizeof r->command);
    dt_strlcpy(r->url, cfg->webhook_url, sizeof r->url);
    r->timeout_ms = (uint64_t)(cfg->command_timeout > 0 ? cfg->command_timeout : 30) * 1000;
    if (r->url[0]) {
        r->http = httpc_new(loop, NULL, err, errlen);
        if (!r->http) {
            free(r);
            return NULL;
        }
    }
    return r;
}

/* ---- the command ------------------------------------------------------------------------------
 */

/* "NAME=value" (value cut at 1 KiB, control characters as spaces), new. */
static char *env_pair(const char *name, const char *value)
{
    char v[1024];
    dt_strlcpy(v, value ? value : "", sizeof v);
    for (char *p = v; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = ' ';
    return xasprintf("%s=%s", name, v);
}

static void start_command(struct api_alerts_run *r, const struct alert_transition *t,
                          const char *kind)
{
    if (r->nchildren >= MAX_CHILDREN) {
        log_warn("alerts: %zu commands still running; not running it for %s", r->nchildren,
                 t->name);
        return;
    }
    char value[64], at[32];
    snprintf(value, sizeof value, "%.6g", t->value);
    snprintf(at, sizeof at, "%lld", (long long)t->at_ms);
    char *envp[10];
    size_t n = 0;
    envp[n++] = env_pair("DIALTONE_ALERT_RULE", t->name);
    envp[n++] = env_pair("DIALTONE_ALERT_KIND", kind);
    envp[n++] = env_pair("DIALTONE_ALERT_STATE", t->firing ? "fired" : "cleared");
    envp[n++] = env_pair("DIALTONE_ALERT_VALUE", value);
    envp[n++] = env_pair("DIALTONE_ALERT_AT_MS", at);
    envp[n++] = env_pair("DIALTONE_ALERT_MESSAGE", t->message);
    const char *path = getenv("PATH");
    envp[n++] = env_pair("PATH", path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
    static const char *const keep[] = {"LANG", "TZ"};
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++)
        if (getenv(keep[i]))
            envp[n++] = env_pair(keep[i], getenv(keep[i]));
    envp[n] = NULL;
    char *argv[] = {r->command, NULL};
    long maxfd = sysconf(_SC_OPEN_MAX);
    if (maxfd < 0 || maxfd > FD_CLOSE_MAX)
        maxfd = FD_CLOSE_MAX;
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    pid_t pid = fork();
    if (pid == 0) {
        /* The child: async-signal-safe calls only until execve. */
        sigset_t all;
        sigemptyset(&all);
        sigprocmask(SIG_SETMASK, &all, NULL);
        signal(SIGPIPE, SIG_DFL);
        setpgid(0, 0); /* its own group, killed whole past its time */
        if (devnull >= 0)
            dup2(devnull, 0);
        for (int fd = 3; fd < maxfd; fd++)
            close(fd);
        execve(argv[0], argv, envp);
        _exit(127);
    }
    int e = errno;
    if (pid > 0)
        setpgid(pid, pid);
    if (devnull >= 0)
        close(devnull);
    for (size_t i = 0; i < n; i++)
        free(envp[i]);
    if (pid < 0) {
        log_warn("alerts: cannot start the command for %s: %s", t->name, strerror(e));
        return;
    }
    struct child *c = &r->children[r->nchildren++];
    c->pid = pid;
    c->deadline_ms = netloop_now_ms() + r->timeout_ms;
    c->killed = 0;
    dt_strlcpy(c->rule, t->name, sizeof c->rule);
    log_debug("alerts: command started for %s (pid %ld)", t->name, (long)pid);
}

void api_alerts_run_tick(struct api_alerts_run *r)
{
    uint64_t now = netloop_now_ms();
    for (size_t i = 0; r && i < r->nchildren;) {
        struct child *c = &r->children[i];
        int st = 0;
        pid_t got = waitpid(c->pid, &st, WNOHANG);
        if (got == c->pid || (got < 0 && errno == ECHILD)) {
            if (got == c->pid && c->killed)
                log_warn("alerts: the command for %s ran too long and was killed", c->rule);
            else if (got == c->pid && (!WIFEXITED(st) || WEXITSTATUS(st) != 0))
                log_warn("alerts: the command for %s failed (status %d)", c->rule,
                         WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
            r->children[i] = r->children[--r->nchildren];
            continue;
        }
        if (!c->killed && now >= c->deadline_ms) {
            kill(-c->pid, SIGKILL);
            c->killed = 1;
        }
        i++;
    }
}

size_t api_alerts_run_children(const struct api_alerts_run *r)
{
    return r ? r->nchildren : 0;
}

/* ---- the POST ---------------------------------------------------------------------------------
 */

static void on_posted(const struct httpc_response *res, void *arg)
{
    struct api_alerts_run *r = arg;
    if (r->posts)
        r->posts--;
    if (res->code != DT_OK)
        log_warn("alerts: POST to the webhook URL: %s", res->error ? res->error : "failed");
    else if (res->status < 200 || res->status > 299)
        log_warn("alerts: the webhook URL answered %d", res->status);
}

static void post(struct api_alerts_run *r, const char *json)
{
    if (r->posts >= MAX_POSTS) {
        log_warn("alerts: %zu POSTs in flight; this alert is not sent", r->posts);
        return;
    }
    const struct httpc_header h[] = {{.name = "Content-Type", .value = "application/json"}};
    struct httpc_request req = {
        .method = "POST",
        .url = r->url,
        .headers = h,
        .nheaders = 1,
        .body = json,
        .body_len = strlen(json),
        .timeout_ms = POST_TIMEOUT_MS,
    };
    char err[256];
    if (httpc_send(r->http, &req, on_posted, r, NULL, err, sizeof err) != DT_OK)
        log_warn("alerts: cannot POST to the webhook URL: %s", err);
    else
        r->posts++;
}

void api_alerts_run_notify(struct api_alerts_run *r, const struct alert_transition *t,
                           const char *kind, const char *json)
{
    if (!r)
        return;
    if (r->command[0])
        start_command(r, t, kind);
    if (r->http && json)
        post(r, json);
}

void api_alerts_run_free(struct api_alerts_run *r)
{
    if (!r)
        return;
    httpc_free(r->http); /* the callbacks run now, with r still alive */
    for (size_t i = 0; i < r->nchildren; i++) {
        kill(-r->children[i].pid, SIGKILL);
        waitpid(r->children[i].pid, NULL, 0);
    }
    free(r);
}
