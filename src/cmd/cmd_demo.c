/*
 * demo: `dialtone demo`, the whole system on one machine. In a private directory (removed at
 * exit unless --keep) it starts the emulator on data/scenarios/demo.ini and the daemon on a
 * fresh database as child processes on free loopback ports, waits until both answer, adds an
 * agent and a supervisor, prints where everything is and which numbers fail when dialled,
 * then runs the console as the agent in the foreground. When the console exits, on Ctrl-C or
 * SIGTERM, or when a child dies, it stops every process it started (SIGTERM, then SIGKILL).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "cmd/cmd.h"
#include "cmd/demo.h"
#include "dialtone/sim_scenario.h"
#include "dialtone/util.h"

#define START_MS  60000 /* how long the emulator and the daemon may take to answer */
#define STOP_MS   5000  /* SIGTERM to SIGKILL */
#define AGENT_MS  30000
#define DEMO_PATH 1024

struct demo {
    /* options */
    const char *speed, *keep, *scenario_opt, *agent;
    const char *super; /* the supervisor's name */
    int no_console, no_wait;
    /* paths */
    char self[DEMO_PATH], scenario[DEMO_PATH], dir[DEMO_PATH];
    char conf[DEMO_PATH + 32], db[DEMO_PATH + 32], sim_out[DEMO_PATH + 32];
    char sim_log[DEMO_PATH + 32], serve_out[DEMO_PATH + 32], serve_log[DEMO_PATH + 32];
    /* the running system */
    char account[40], sim_token[72], url[64], sim_url[64];
    char agent_token[128], super_token[128];
    int port;
    pid_t sim, serve, console;
    int dir_made;
    const char *dead; /* "daemon" or "emulator" when one stopped by itself */
    int dead_status;
    int console_quit; /* the console exited 0 */
    struct sim_scenario sc;
    struct termios tio;
    int have_tio;
};

static const struct option demo_options[] = {
    {.name = "speed", .has_arg = required_argument, .val = 'x'},
    {.name = "keep", .has_arg = required_argument, .val = 'k'},
    {.name = "scenario", .has_arg = required_argument, .val = 's'},
    {.name = "agent", .has_arg = required_argument, .val = 'a'},
    {.name = "no-console", .has_arg = no_argument, .val = 'n'},
    {.name = "no-wait", .has_arg = no_argument, .val = 'y'},
    {.name = "help", .has_arg = no_argument, .val = 'h'},
    {.name = NULL},
};

/* The signals that stop the demo; blocked from the start and read with sigtimedwait. */
static const int demo_stop_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
static volatile sig_atomic_t demo_signal;

static void print_help(void)
{
    printf("usage: dialtone demo %s\n\n"
           "Runs the emulator (data/scenarios/demo.ini: a caller every few seconds, numbers\n"
           "that fail when dialled) and the daemon on a temporary database, adds an agent\n"
           "and a supervisor, and opens the console as the agent. Quitting the console stops\n"
           "everything the demo started.\n\n"
           "  -x, --speed X      emulated seconds per real second (default: the scenario's)\n"
           "  -k, --keep DIR     work in DIR (created if missing) and keep it afterwards:\n"
           "                     the database, the logs, the daemon's configuration\n"
           "  -s, --scenario F   another scenario file\n"
           "  -a, --agent NAME   the agent's name (default demo)\n"
           "  -n, --no-console   no console: print the addresses and tokens, run until\n"
           "                     Ctrl-C or SIGTERM\n"
           "  -y, --no-wait      open the console without waiting for Enter\n",
           cmd_demo_entry.args);
}

static int valid_speed(const char *s)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    return s[0] && !*end && !errno && v > 0 && v <= 1000;
}

static int valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 32)
        return 0;
    return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") == n;
}

/* Parses argv; -1 to go on, else the exit status. */
static int parse_options(struct demo *d, int argc, char **argv)
{
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":x:k:s:a:nyh", demo_options, NULL)) != -1) {
        switch (c) {
        case 'x':
            if (!valid_speed(optarg))
                return cmd_usage_error(&cmd_demo_entry,
                                       "--speed wants a number above 0 and up to 1000, not '%s'",
                                       optarg);
            d->speed = optarg;
            break;
        case 'k':
            d->keep = optarg;
            break;
        case 's':
            d->scenario_opt = optarg;
            break;
        case 'a':
            if (!valid_name(optarg))
                return cmd_usage_error(&cmd_demo_entry,
                                       "--agent wants 1-32 letters, digits, '.', '-' or '_'");
            d->agent = optarg;
            break;
        case 'n':
            d->no_console = 1;
            break;
        case 'y':
            d->no_wait = 1;
            break;
        case 'h':
            print_help();
            return 0;
        case ':':
            return cmd_usage_error(&cmd_demo_entry, "%s needs a value", argv[optind - 1]);
        default:
            return cmd_usage_error(&cmd_demo_entry, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cmd_usage_error(&cmd_demo_entry, "unexpected argument '%s'", argv[optind]);
    return -1;
}

/* ---- signals ----------------------------------------------------------------------------- */

static void stop_set(sigset_t *set)
{
    sigemptyset(set);
    for (size_t i = 0; i < sizeof demo_stop_signals / sizeof demo_stop_signals[0]; i++)
        sigaddset(set, demo_stop_signals[i]);
}

/* Takes a pending stop signal, waiting up to ms; non-zero once one has come. */
static int stop_wait(int ms)
{
    if (demo_signal)
        return 1;
    sigset_t set;
    stop_set(&set);
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    int sig = sigtimedwait(&set, NULL, &ts);
    if (sig > 0)
        demo_signal = sig;
    return demo_signal != 0;
}

static int stop_requested(void)
{
    return stop_wait(0);
}

/* ---- set-up ------------------------------------------------------------------------------ */

static int find_self(struct demo *d)
{
    ssize_t n = readlink("/proc/self/exe", d->self, sizeof d->self - 1);
    if (n <= 0)
        return -1;
    d->self[n] = '\0';
    return 0;
}

/* The scenario: --scenario, else data/scenarios/demo.ini here or beside the binary's
 * directory (build/dialtone -> data/...). */
static int find_scenario(struct demo *d)
{
    char cand[DEMO_PATH + 64];
    const char *path = d->scenario_opt;
    if (!path) {
        path = "data/scenarios/demo.ini";
        if (access(path, R_OK) != 0) {
            char *slash = strrchr(d->self, '/');
            int len = slash ? (int)(slash - d->self) : 0;
            snprintf(cand, sizeof cand, "%.*s/../data/scenarios/demo.ini", len, d->self);
            path = cand;
        }
    }
    if (!realpath(path, d->scenario)) {
        fprintf(stderr, "dialtone demo: %s: %s\n", path, strerror(errno));
        return -1;
    }
    char err[512];
    if (sim_scenario_load_file(&d->sc, d->scenario, err, sizeof err) != DT_OK) {
        fprintf(stderr, "dialtone demo: %s\n", err);
        return -1;
    }
    return 0;
}

static int make_dir(struct demo *d)
{
    if (d->keep) {
        if (mkdir(d->keep, 0700) < 0 && errno != EEXIST) {
            fprintf(stderr, "dialtone demo: %s: %s\n", d->keep, strerror(errno));
            return -1;
        }
        if (!realpath(d->keep, d->dir)) {
            fprintf(stderr, "dialtone demo: %s: %s\n", d->keep, strerror(errno));
            return -1;
        }
    } else {
        const char *tmp = getenv("TMPDIR");
        snprintf(d->dir, sizeof d->dir, "%s/dialtone-demo.XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(d->dir)) {
            fprintf(stderr, "dialtone demo: %s: %s\n", d->dir, strerror(errno));
            return -1;
        }
        d->dir_made = 1;
    }
    snprintf(d->conf, sizeof d->conf, "%s/dialtone.conf", d->dir);
    snprintf(d->db, sizeof d->db, "%s/dialtone.db", d->dir);
    snprintf(d->sim_out, sizeof d->sim_out, "%s/sim.out", d->dir);
    snprintf(d->sim_log, sizeof d->sim_log, "%s/sim.log", d->dir);
    snprintf(d->serve_out, sizeof d->serve_out, "%s/serve.out", d->dir);
    snprintf(d->serve_log, sizeof d->serve_log, "%s/serve.log", d->dir);
    /* A kept directory's last run must not answer for this one (the listening lines). */
    unlink(d->sim_out);
    unlink(d->serve_out);
    return 0;
}

/* Copies the end of a log (its last 2 KB, from a line start) to stderr: the directory that
 * holds it may be removed a moment later. */
static void print_tail(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char buf[2048];
    long start = 0;
    if (fseek(f, 0, SEEK_END) == 0 && ftell(f) > (long)sizeof buf - 1)
        start = ftell(f) - (long)sizeof buf + 1;
    fseek(f, start, SEEK_SET);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *p = buf;
    if (start > 0 && strchr(p, '\n'))
        p = strchr(p, '\n') + 1;
    fprintf(stderr, "  --- the end of %s\n%s", path, p);
}

/* Why a wait gave up, in words. */
static void wait_failed(const struct demo *d, int rc, const char *what, const char *log)
{
    if (rc == DT_ESTATE)
        return; /* stopped: the caller says so */
    fprintf(stderr, "dialtone demo: %s %s\n", what,
            rc == DT_EIO ? "exited while starting" : "did not answer in time");
    print_tail(log);
    if (!d->keep)
        fprintf(stderr, "  (--keep DIR keeps the logs)\n");
}

static int start_sim(struct demo *d)
{
    char env_url[96];
    snprintf(env_url, sizeof env_url, "DIALTONE_URL=%s", d->url);
    char *env_tok = xasprintf("DIALTONE_DEMO_SIM_TOKEN=%s", d->sim_token);
    const char *const env[] = {env_url, env_tok, NULL};
    const char *argv[16] = {d->self,
                            "sim",
                            "--port",
                            "0",
                            "--scenario",
                            d->scenario,
                            "--account",
                            d->account,
                            "--auth-token-env",
                            "DIALTONE_DEMO_SIM_TOKEN",
                            NULL};
    size_t n = 10;
    if (d->speed) {
        argv[n++] = "--speed";
        argv[n++] = d->speed;
    }
    argv[n] = NULL;
    struct demo_child_opts o = {
        .out_path = d->sim_out, .err_path = d->sim_log, .own_group = 1, .env = env};
    d->sim = demo_spawn(argv, &o);
    free(env_tok);
    if (d->sim < 0)
        return -1;
    char line[256];
    int rc = demo_wait_line(d->sim_out, "listening on http://127.0.0.1:", d->sim, stop_requested,
                            START_MS, line, sizeof line);
    if (rc != 0) {
        wait_failed(d, rc, "the emulator", d->sim_log);
        return -1;
    }
    const char *p = strstr(line, "http://127.0.0.1:");
    int port = atoi(p + strlen("http://127.0.0.1:"));
    snprintf(d->sim_url, sizeof d->sim_url, "http://127.0.0.1:%d", port);
    return port > 0 ? 0 : -1;
}

static int start_serve(struct demo *d)
{
    struct demo_conf c = {.path = d->conf,
                          .account = d->account,
                          .auth_token = d->sim_token,
                          .public_url = d->url,
                          .sim_url = d->sim_url,
                          .port = d->port,
                          .database = d->db};
    char err[512];
    if (demo_write_conf(&c, err, sizeof err) != 0) {
        fprintf(stderr, "dialtone demo: %s\n", err);
        return -1;
    }
    /* The daemon reads only its file: variables of the user's shell must not redirect it. */
    static const char *const unset[] = {
        "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN",   "TWILIO_API_KEY",
        "TWILIO_API_SECRET",  "DIALTONE_PUBLIC_URL", "DIALTONE_TWILIO_API_URL",
        "DIALTONE_DB",        "DIALTONE_PORT",       "DIALTONE_LOG_LEVEL"};
    for (size_t i = 0; i < sizeof unset / sizeof unset[0]; i++)
        unsetenv(unset[i]);
    const char *const argv[] = {d->self, "serve", "--config", d->conf, NULL};
    struct demo_child_opts o = {.out_path = d->serve_out, .err_path = d->serve_log, .own_group = 1};
    d->serve = demo_spawn(argv, &o);
    if (d->serve < 0)
        return -1;
    char health[96];
    snprintf(health, sizeof health, "%s/healthz", d->url);
    int rc = demo_wait_http(health, d->serve, stop_requested, START_MS);
    if (rc != 0) {
        wait_failed(d, rc, "the daemon", d->serve_log);
        return -1;
    }
    char stats[96];
    snprintf(stats, sizeof stats, "%s/sim/stats", d->sim_url);
    rc = demo_wait_http(stats, d->sim, stop_requested, START_MS);
    if (rc != 0)
        wait_failed(d, rc, "the emulator", d->sim_log);
    return rc == 0 ? 0 : -1;
}

/* `dialtone agent add` with the demo's configuration; the token it prints into tok. */
static int add_agent(struct demo *d, const char *name, const char *role, char *tok, size_t toksz)
{
    char endpoint[64];
    snprintf(endpoint, sizeof endpoint, "client:%s", name);
    const char *const argv[] = {d->self,    "agent",      "add",    name,       "--role",
                                role,       "--endpoint", endpoint, "--queues", "support,sales",
                                "--config", d->conf,      NULL};
    char out[512], err[512];
    int rc = demo_run(argv, out, sizeof out, err, sizeof err, AGENT_MS);
    if (rc != 0 && strstr(err, "exist")) {
        /* A kept directory's database has the agent already: a new token for it. */
        const char *const again[] = {d->self, "agent", "token", name, "--config", d->conf, NULL};
        rc = demo_run(again, out, sizeof out, err, sizeof err, AGENT_MS);
    }
    const char *p = strstr(out, "token: ");
    if (rc != 0 || !p) {
        fprintf(stderr, "dialtone demo: cannot add %s '%s' (exit %d): %s\n", role, name, rc, err);
        return -1;
    }
    p += strlen("token: ");
    size_t n = strcspn(p, "\r\n");
    if (n == 0 || n >= toksz)
        return -1;
    memcpy(tok, p, n);
    tok[n] = '\0';
    return 0;
}

static int setup(struct demo *d)
{
    if (find_self(d) < 0) {
        fprintf(stderr, "dialtone demo: cannot find the dialtone binary\n");
        return -1;
    }
    if (find_scenario(d) < 0 || make_dir(d) < 0)
        return -1;
    char hex[33];
    if (demo_random_hex(hex, 16) != 0 || demo_random_hex(d->sim_token, 32) != 0)
        return -1;
    snprintf(d->account, sizeof d->account, "AC%s", hex);
    d->port = demo_free_port();
    snprintf(d->url, sizeof d->url, "http://127.0.0.1:%d", d->port);
    if (d->port <= 0 || start_sim(d) < 0 || start_serve(d) < 0)
        return -1;
    d->super = strcmp(d->agent, "supervisor") == 0 ? "lead" : "supervisor";
    if (add_agent(d, d->agent, "agent", d->agent_token, sizeof d->agent_token) < 0 ||
        add_agent(d, d->super, "supervisor", d->super_token, sizeof d->super_token) < 0)
        return -1;
    /* Available from the start, so that the first callers are offered at once. */
    char state[128];
    snprintf(state, sizeof state, "%s/api/v1/me/state", d->url);
    long code = demo_http_post(state, d->agent_token, "{\"state\": \"available\"}");
    if (code != 200)
        fprintf(stderr, "dialtone demo: warning: the agent could not be made available (%ld)\n",
                code);
    return 0;
}

/* ---- what the person sees before the console -------------------------------------------- */

static void print_summary(const struct demo *d)
{
    const struct sim_number *in = d->sc.n_numbers ? &d->sc.numbers[0] : NULL;
    printf("\ndialtone demo is running\n"
           "  the emulator   %s   (its control API: %s/sim/calls, /sim/queues, ...)\n"
           "  the daemon     %s\n"
           "  agent          %s (client:%s)  token %s\n"
           "  supervisor     %s (client:%s)  token %s\n"
           "  files          %s%s\n\n",
           d->sim_url, d->sim_url, d->url, d->agent, d->agent, d->agent_token, d->super, d->super,
           d->super_token, d->dir, d->keep ? "" : " (removed at exit)");
    double speed = d->speed ? strtod(d->speed, NULL) : d->sc.speed;
    if (in && d->sc.arrivals.rate_per_min > 0 && speed > 0)
        printf("Callers ring %s (%s) about every %.0f s%s.\n", in->number,
               in->friendly_name ? in->friendly_name : "the support line",
               60.0 / d->sc.arrivals.rate_per_min / speed,
               d->sc.n_script ? ", others now and then" : "");
    printf("In the console: a accept, d decline, h hold, m mute, t transfer, x hang up,\n"
           "F3 or :dial NUMBER to call out, F4 history, ? help, q quit.\n"
           "Dial these to see calls fail (any other number answers):\n");
    demo_print_failing(&d->sc);
    printf("The supervisor's screens (F7 wallboard, F8 errors, F9 alerts, F11 reports), from\n"
           "another terminal:\n"
           "    DIALTONE_SERVER=%s DIALTONE_TOKEN=%s %s console\n",
           d->url, d->super_token, d->self);
    fflush(stdout);
}

/* ---- running ----------------------------------------------------------------------------- */

/* Waits for Enter on a terminal (or a stop signal). 0 to go on. */
static int wait_enter(void)
{
    printf("\nPress Enter to open the console (Ctrl-C stops the demo). ");
    fflush(stdout);
    tcflush(0, TCIFLUSH);
    for (;;) {
        if (stop_requested())
            return -1;
        struct timeval tv = {.tv_sec = 0, .tv_usec = 200000};
        fd_set rd;
        FD_ZERO(&rd);
        FD_SET(0, &rd);
        if (select(1, &rd, NULL, NULL, &tv) > 0) {
            char buf[64];
            ssize_t n = read(0, buf, sizeof buf);
            if (n <= 0 || memchr(buf, '\n', (size_t)n) || memchr(buf, '\r', (size_t)n))
                return n <= 0 ? -1 : 0;
        }
    }
}

static int start_console(struct demo *d)
{
    char env_server[96];
    snprintf(env_server, sizeof env_server, "DIALTONE_SERVER=%s", d->url);
    char *env_tok = xasprintf("DIALTONE_TOKEN=%s", d->agent_token);
    const char *const env[] = {env_server, env_tok, NULL};
    const char *const argv[] = {d->self, "console", "--server", d->url, NULL};
    struct demo_child_opts o = {.own_group = 0, .env = env};
    d->console = demo_spawn(argv, &o);
    free(env_tok);
    return d->console > 0 ? 0 : -1;
}

/* Runs until the console exits (or, without one, a stop signal), or a child dies (noted in
 * d->dead for teardown to report once the terminal is back). Returns the exit status. */
static int supervise(struct demo *d)
{
    for (;;) {
        int status;
        if (d->console > 0 && demo_reaped(d->console, &status)) {
            d->console = 0;
            d->console_quit = status == 0;
            if (status != 0)
                fprintf(stderr, "dialtone demo: the console exited with status %d\n", status);
            return status == 0 ? 0 : 1;
        }
        pid_t *dead = demo_reaped(d->serve, &status) ? &d->serve
                      : demo_reaped(d->sim, &status) ? &d->sim
                                                     : NULL;
        if (dead) {
            d->dead = dead == &d->serve ? "daemon" : "emulator";
            d->dead_status = status;
            *dead = 0;
            return 1;
        }
        if (stop_wait(200))
            return 0;
    }
}

static void teardown(struct demo *d)
{
    demo_stop(&d->console, 0, STOP_MS);
    if (d->have_tio)
        tcsetattr(0, TCSANOW, &d->tio);
    if (d->dead) {
        fprintf(stderr, "\ndialtone demo: the %s stopped unexpectedly (status %d)\n", d->dead,
                d->dead_status);
        print_tail(strcmp(d->dead, "daemon") == 0 ? d->serve_log : d->sim_log);
    }
    if (demo_signal)
        fprintf(stderr, "\ndialtone demo: stopping (%s)\n", strsignal(demo_signal));
    demo_stop(&d->serve, 1, STOP_MS);
    demo_stop(&d->sim, 1, STOP_MS);
    if (d->dir_made && demo_rmtree(d->dir) != 0)
        fprintf(stderr, "dialtone demo: could not remove %s\n", d->dir);
    else if (d->keep && d->dir[0])
        printf("dialtone demo: kept %s (database, logs, configuration)\n", d->dir);
    if (d->console_quit)
        printf("dialtone demo: the console quit; the emulator and the daemon are stopped\n");
    sim_scenario_done(&d->sc);
}

static int cmd_demo_main(int argc, char **argv)
{
    struct demo d = {.agent = "demo"};
    int rc = parse_options(&d, argc, argv);
    if (rc >= 0)
        return rc;
    if (!d.no_console && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
        fprintf(stderr, "dialtone demo: the console needs a terminal on stdin and stdout; "
                        "--no-console runs the rest without it\n");
        return 1;
    }
    sim_scenario_init(&d.sc);
    sigset_t set, old;
    stop_set(&set);
    sigprocmask(SIG_BLOCK, &set, &old);
    d.have_tio = isatty(0) && tcgetattr(0, &d.tio) == 0;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = setup(&d) == 0 ? -1 : 1;
    if (rc < 0) {
        print_summary(&d);
        if (!d.no_console && !d.no_wait && d.have_tio && wait_enter() < 0)
            rc = 0;
        else if (!d.no_console && start_console(&d) < 0)
            rc = 1;
        else
            rc = supervise(&d);
    }
    teardown(&d);
    curl_global_cleanup();
    sigprocmask(SIG_SETMASK, &old, NULL);
    return rc;
}

const struct cmd_entry cmd_demo_entry = {
    .name = "demo",
    .args = "[--speed X] [--keep DIR] [--no-console] [--no-wait]",
    .summary = "run the emulator, the daemon and the console together on this machine",
    .main = cmd_demo_main,
};
