/*
 * demo: the helpers of `dialtone demo` (src/cmd/cmd_demo.c). demo_proc.c runs child
 * processes (spawned with their own output files, stopped with SIGTERM then SIGKILL, run to
 * completion with their output captured), waits for a line in a file or a URL to answer, and
 * removes a directory tree. demo_env.c writes the daemon's configuration for the demo and
 * explains the scenario's failing numbers.
 */
#ifndef DIALTONE_CMD_DEMO_H
#define DIALTONE_CMD_DEMO_H

#include <stddef.h>
#include <sys/types.h>

/* How a child is started by demo_spawn. */
struct demo_child_opts {
    const char *out_path;   /* stdout appended to this file; NULL: inherited */
    const char *err_path;   /* stderr appended to this file; NULL: inherited */
    int own_group;          /* 1: a process group of its own and stdin from /dev/null, so that
                               the terminal's Ctrl-C reaches only the demo, which stops it;
                               SIGTERM when the demo dies */
    const char *const *env; /* NAME=VALUE strings added to its environment, NULL-terminated
                               (NULL: none) */
};

/*
 * Starts argv (argv[0] a path, NULL-terminated) as a child with every signal unblocked and
 * default dispositions. Returns its pid, or -1 when fork failed (a failed exec shows as the
 * child exiting 127).
 */
pid_t demo_spawn(const char *const argv[], const struct demo_child_opts *o);

/*
 * Runs argv to completion (at most timeout_ms; then it is killed) with stdout captured into
 * out (NUL-terminated, cut at outsz - 1 bytes) and stderr into err likewise (either may be
 * NULL). Returns the exit status, 128 + signal when killed, -1 when it could not start.
 */
int demo_run(const char *const argv[], char *out, size_t outsz, char *err, size_t errsz,
             int timeout_ms);

/*
 * Stops a child: SIGTERM to its process group (own_group children) or itself, SIGKILL after
 * grace_ms, then reaps it. Returns its exit status, 128 + signal, or -1 when pid <= 0 or it
 * had already been reaped elsewhere. Sets *pid to 0.
 */
int demo_stop(pid_t *pid, int own_group, int grace_ms);

/*
 * Reaps pid if it has exited (never blocks). Returns 1 and its status in *status (exit code or
 * 128 + signal) when it has, 0 while it runs.
 */
int demo_reaped(pid_t pid, int *status);

/*
 * Waits until the file at path holds a line containing needle, copying that line into line
 * (NUL-terminated, no newline). Gives up after timeout_ms, when pid (if > 0) exits, or when
 * stop() (if not NULL) returns non-zero. 0 when found, DT_EIO (the child
 * exited) or DT_ESTATE (stopped); DT_ENOTFOUND when the time ran out.
 */
int demo_wait_line(const char *path, const char *needle, pid_t pid, int (*stop)(void),
                   int timeout_ms, char *line, size_t linesz);

/*
 * Waits until a GET of url answers 200 (each try with a 2 s limit, every 100 ms), with the
 * same give-up rules and return codes as demo_wait_line.
 */
int demo_wait_http(const char *url, pid_t pid, int (*stop)(void), int timeout_ms);

/*
 * POSTs the JSON text body to url with `Authorization: Bearer token` (2 s limit). Returns the
 * HTTP status, 0 when nothing answered.
 */
long demo_http_post(const char *url, const char *token, const char *body);

/* A TCP port free right now on 127.0.0.1 (the kernel's pick), or 0. */
int demo_free_port(void);

/* Removes dir and everything under it (no symlink followed). 0 or DT_EIO. */
int demo_rmtree(const char *dir);

/* The demo's settings that go into the daemon's configuration file. */
struct demo_conf {
    const char *path;       /* the file to write (mode 0600) */
    const char *account;    /* AC + 32 hex */
    const char *auth_token; /* shared with the emulator */
    const char *public_url; /* http://127.0.0.1:PORT, the daemon's own address */
    const char *sim_url;    /* the emulator's address */
    int port;               /* the daemon's port */
    const char *database;   /* the database file */
};

/*
 * Writes the daemon's configuration for the demo: the scenario's two numbers, the support and
 * sales queues behind a menu (1 support, 2 sales, as the callers of demo.ini press), always
 * open, with short wrap-up times. 0, or DT_EIO with the reason in err.
 */
int demo_write_conf(const struct demo_conf *c, char *err, size_t errlen);

struct sim_scenario;

/* Prints the scenario's numbers that do not answer as a person (busy, no answer, machines,
 * failures with their error explained), one a line, as a hint of what to dial. */
void demo_print_failing(const struct sim_scenario *sc);

/* Fills hex (2 * n + 1 bytes) with n random bytes in lower-case hex. 0 or DT_EIO. */
int demo_random_hex(char *hex, size_t n);

#endif
