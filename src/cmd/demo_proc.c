/*
 * demo_proc: child processes for `dialtone demo`: started with their output in files and,
 * for the emulator and the daemon, a process group of their own; stopped with SIGTERM then
 * SIGKILL; waited for until a line appears in their output or a URL answers.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "cmd/demo.h"
#include "dialtone/util.h"

#define POLL_MS 100

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static int status_code(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

/* In the child: default signal handling, nothing blocked. */
static void child_signals(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGPIPE};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        signal(sigs[i], SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

/* In the child: execv with a writable copy of argv (execv's type asks for one). */
static _Noreturn void exec_argv(const char *const argv[])
{
    char *args[32];
    size_t n = 0;
    for (; argv[n] && n < 31; n++)
        args[n] = xstrdup(argv[n]);
    args[n] = NULL;
    execv(args[0], args);
    fprintf(stderr, "dialtone demo: cannot run %s: %s\n", args[0], strerror(errno));
    _exit(127);
}

static void child_redirect(int target, const char *path, int flags)
{
    int fd = open(path, flags, 0600);
    if (fd >= 0 && fd != target) {
        dup2(fd, target);
        close(fd);
    }
}

pid_t demo_spawn(const char *const argv[], const struct demo_child_opts *o)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    child_signals();
    if (o->own_group) {
        /* Never outlive the demo, even when it is killed with SIGKILL. */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        setpgid(0, 0);
        child_redirect(0, "/dev/null", O_RDONLY);
    }
    if (o->out_path)
        child_redirect(1, o->out_path, O_WRONLY | O_CREAT | O_APPEND);
    if (o->err_path)
        child_redirect(2, o->err_path, O_WRONLY | O_CREAT | O_APPEND);
    for (size_t i = 0; o->env && o->env[i]; i++) {
        const char *eq = strchr(o->env[i], '=');
        if (!eq)
            continue;
        char *name = xstrndup(o->env[i], (size_t)(eq - o->env[i]));
        setenv(name, eq + 1, 1);
        free(name);
    }
    exec_argv(argv);
}

int demo_reaped(pid_t pid, int *status)
{
    int st = 0;
    if (pid <= 0 || waitpid(pid, &st, WNOHANG) != pid)
        return 0;
    *status = status_code(st);
    return 1;
}

/* Waits up to ms for p to exit: 1 with its status in *status, 0 while it runs, -1 when it is
 * no child of ours (any more). */
static int wait_exit(pid_t p, int ms, int *status)
{
    long long deadline = now_ms() + ms;
    for (;;) {
        int st = 0;
        pid_t r = waitpid(p, &st, WNOHANG);
        if (r == p) {
            *status = status_code(st);
            return 1;
        }
        if (r < 0 && errno != EINTR)
            return -1;
        if (now_ms() >= deadline)
            return 0;
        sleep_ms(20);
    }
}

int demo_stop(pid_t *pid, int own_group, int grace_ms)
{
    if (*pid <= 0)
        return -1;
    pid_t p = *pid;
    *pid = 0;
    int status = -1;
    kill(own_group ? -p : p, SIGTERM);
    int w = wait_exit(p, grace_ms, &status);
    if (w != 0)
        return w > 0 ? status : -1;
    kill(own_group ? -p : p, SIGKILL);
    int st;
    if (waitpid(p, &st, 0) != p)
        return -1;
    return status_code(st);
}

/* Reads what fd has into buf at *len (capped at cap - 1); 0 at end of file. */
static int drain(int fd, char *buf, size_t *len, size_t cap)
{
    char tmp[4096];
    ssize_t r = read(fd, tmp, sizeof tmp);
    if (r <= 0)
        return r < 0 && errno == EINTR ? 1 : 0;
    size_t room = cap > *len + 1 ? cap - *len - 1 : 0;
    size_t n = (size_t)r < room ? (size_t)r : room;
    if (buf && n) {
        memcpy(buf + *len, tmp, n);
        *len += n;
        buf[*len] = '\0';
    }
    return 1;
}

int demo_run(const char *const argv[], char *out, size_t outsz, char *err, size_t errsz,
             int timeout_ms)
{
    int po[2], pe[2];
    if (pipe(po) < 0)
        return -1;
    if (pipe(pe) < 0) {
        close(po[0]);
        close(po[1]);
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        child_signals();
        dup2(po[1], 1);
        dup2(pe[1], 2);
        close(po[0]), close(po[1]), close(pe[0]), close(pe[1]);
        exec_argv(argv);
    }
    close(po[1]);
    close(pe[1]);
    size_t no = 0, ne = 0;
    if (out && outsz)
        out[0] = '\0';
    if (err && errsz)
        err[0] = '\0';
    struct pollfd pfd[2] = {{.fd = po[0], .events = POLLIN}, {.fd = pe[0], .events = POLLIN}};
    long long deadline = now_ms() + timeout_ms;
    while (pid > 0 && (pfd[0].fd >= 0 || pfd[1].fd >= 0) && now_ms() < deadline) {
        if (poll(pfd, 2, POLL_MS) <= 0)
            continue;
        if (pfd[0].revents && !drain(po[0], out, &no, outsz))
            pfd[0].fd = -1;
        if (pfd[1].revents && !drain(pe[0], err, &ne, errsz))
            pfd[1].fd = -1;
    }
    close(po[0]);
    close(pe[0]);
    if (pid < 0)
        return -1;
    int status;
    if (pfd[0].fd < 0 && pfd[1].fd < 0 && wait_exit(pid, 5000, &status) > 0)
        return status;
    return demo_stop(&pid, 0, 0);
}

/* 1 when the file holds a line containing needle (copied into line). */
static int find_line(const char *path, const char *needle, char *line, size_t linesz)
{
    FILE *f = fopen(path, "r");
    char buf[1024];
    int found = 0;
    while (f && !found && fgets(buf, sizeof buf, f)) {
        if (!strstr(buf, needle))
            continue;
        buf[strcspn(buf, "\r\n")] = '\0';
        dt_strlcpy(line, buf, linesz);
        found = 1;
    }
    if (f)
        fclose(f);
    return found;
}

/* 0 to go on waiting, else the code to give up with. */
static int give_up(pid_t pid, int (*stop)(void))
{
    int status;
    if (pid > 0 && demo_reaped(pid, &status))
        return DT_EIO;
    if (stop && stop())
        return DT_ESTATE;
    return 0;
}

int demo_wait_line(const char *path, const char *needle, pid_t pid, int (*stop)(void),
                   int timeout_ms, char *line, size_t linesz)
{
    long long deadline = now_ms() + timeout_ms;
    for (;;) {
        if (find_line(path, needle, line, linesz))
            return 0;
        int rc = give_up(pid, stop);
        if (rc)
            return rc;
        if (now_ms() >= deadline)
            return DT_ENOTFOUND;
        sleep_ms(POLL_MS);
    }
}

static size_t discard(char *p, size_t size, size_t n, void *user)
{
    (void)p;
    (void)user;
    return size * n;
}

static long http_status(CURL *h, const char *url)
{
    long code = 0;
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 2000L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROXY, "");
    if (curl_easy_perform(h) == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    return code;
}

int demo_wait_http(const char *url, pid_t pid, int (*stop)(void), int timeout_ms)
{
    CURL *h = curl_easy_init();
    if (!h)
        return DT_EIO;
    long long deadline = now_ms() + timeout_ms;
    int rc = 0;
    while (http_status(h, url) != 200) {
        rc = give_up(pid, stop);
        if (!rc && now_ms() >= deadline)
            rc = DT_ENOTFOUND;
        if (rc)
            break;
        sleep_ms(POLL_MS);
    }
    curl_easy_cleanup(h);
    return rc;
}

long demo_http_post(const char *url, const char *token, const char *body)
{
    CURL *h = curl_easy_init();
    if (!h)
        return 0;
    char *auth = xasprintf("Authorization: Bearer %s", token);
    struct curl_slist *hdr = curl_slist_append(NULL, auth);
    hdr = curl_slist_append(hdr, "Content-Type: application/json");
    hdr = curl_slist_append(hdr, "Expect:");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    long code = http_status(h, url);
    curl_slist_free_all(hdr);
    curl_easy_cleanup(h);
    free(auth);
    return code;
}

int demo_free_port(void)
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

static int remove_one(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    int rc = type == FTW_DP ? rmdir(path) : unlink(path);
    return rc < 0 && errno != ENOENT ? -1 : 0;
}

int demo_rmtree(const char *dir)
{
    return nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : DT_EIO;
}
