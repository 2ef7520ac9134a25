/*
 * app: the console's main loop. Curses on the process's terminal (newterm, raw, no echo,
 * keypad), the keyboard and a SIGWINCH self-pipe adopted on the netloop, a tick every second
 * for clocks and countdowns, and a redraw, coalesced into one frame, only after something
 * changed. Keys go through the keymap to the reducer (model.h); the commands it returns are
 * carried out here (app_cmd.c) through the client (client.h), whose answers and events go back
 * to the reducer. The terminal is restored on every way out, and a fatal error is printed
 * only after that.
 */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "console/app_int.h"
#include "console/console.h"
#include "console/keymap.h"
#include "console/model.h"
#include "dialtone/log.h"
#include "dialtone/netloop.h"
#include "dialtone/util.h"

#define APP_ESCDELAY_MS 25 /* an Esc alone is known after this long */

/* The SIGWINCH handler's end of the self-pipe: a signal handler can reach nothing else. */
static volatile sig_atomic_t winch_fd = -1;

static void on_sigwinch(int signo)
{
    (void)signo;
    int saved = errno;
    if (winch_fd >= 0) {
        char c = 'w';
        ssize_t n = write(winch_fd, &c, 1); /* a full pipe already says "resized" */
        (void)n;
    }
    errno = saved;
}

void app_fail(struct app *a, const char *fmt, ...)
{
    if (a->fatal[0] == '\0') {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(a->fatal, sizeof a->fatal, fmt, ap);
        va_end(ap);
    }
    a->status = 1;
    if (a->loop)
        netloop_stop(a->loop);
}

void app_quit(struct app *a)
{
    netloop_stop(a->loop);
}

/* ---- drawing -------------------------------------------------------------------------------- */

static void draw_now(struct app *a)
{
    struct view_ctx ctx = {
        .w = stdscr,
        .m = a->model,
        .km = a->km,
        .rows = LINES,
        .cols = COLS,
        .now = time(NULL),
        .now_ms = netloop_now_ms(),
    };
    werase(stdscr);
    view_draw(&ctx);
    wnoutrefresh(stdscr);
    doupdate(); /* only the cells that changed reach the terminal */
    a->model->dirty = 0;
    if (a->frames++ == 0) /* start-up time, for the log ($DIALTONE_CONSOLE_LOG) */
        log_info("console: first frame after %llu ms",
                 (unsigned long long)(netloop_now_ms() - a->started_ms));
}

static void on_redraw(struct netloop_timer *t, void *user)
{
    (void)t;
    struct app *a = user;
    if (a->curses_on)
        draw_now(a);
}

void app_invalidate(struct app *a)
{
    if (a->redraw && !netloop_timer_pending(a->redraw))
        netloop_timer_start(a->redraw, 0);
}

/* ---- tick ----------------------------------------------------------------------------------- */

/* Milliseconds to the next second of the wall clock, so the clock turns with the real one. */
static uint64_t ms_to_next_second(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return 1000 - (uint64_t)(ts.tv_nsec / 1000000) + 2;
}

static void on_tick(struct netloop_timer *t, void *user)
{
    struct app *a = user;
    app_model_tick(a);
    app_invalidate(a); /* the clock moved */
    netloop_timer_start(t, ms_to_next_second());
}

/* ---- input ---------------------------------------------------------------------------------- */

static void apply_resize(struct app *a)
{
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
        resizeterm(ws.ws_row, ws.ws_col); /* queues KEY_RESIZE when the size changed */
    app_model_resize(a, LINES, COLS);
    app_invalidate(a);
}

/* Reads every key curses has (it may hold several after one read of the descriptor). */
static void read_keys(struct app *a)
{
    for (;;) {
        wint_t wch = 0;
        int rc = wget_wch(stdscr, &wch);
        if (rc == ERR)
            break;
        int key = app_key_from_curses(rc, (unsigned int)wch);
        if (key == KM_KEY_RESIZE) {
            app_model_resize(a, LINES, COLS);
            app_invalidate(a);
        } else if (key != 0) {
            app_model_key(a, key);
        }
        if (a->stopping)
            break;
    }
}

static int on_stdin(struct netloop_fd *h, int fd, void *user)
{
    (void)h;
    struct app *a = user;
    read_keys(a);
    /* The terminal went away (hang-up): nothing will ever be read again, so quit. */
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR | POLLNVAL))) {
        a->stdin_h = NULL;
        app_quit(a);
        return 1;
    }
    return 0;
}

static int on_winch(struct netloop_fd *h, int fd, void *user)
{
    (void)h;
    struct app *a = user;
    char buf[64];
    while (read(fd, buf, sizeof buf) > 0)
        ;
    apply_resize(a);
    read_keys(a); /* the KEY_RESIZE resizeterm queued */
    return 0;
}

static void on_signal(struct netloop *loop, int signo, void *user)
{
    (void)signo;
    struct app *a = user;
    a->stopping = 1;
    netloop_stop(loop);
}

/* ---- curses --------------------------------------------------------------------------------- */

static int curses_start(struct app *a, char *err, size_t errlen)
{
    /* Our SIGWINCH and SIGINT/SIGTERM handlers are in place before newterm, so curses leaves
     * them alone instead of installing its own. */
    set_escdelay(APP_ESCDELAY_MS);
    a->scr = newterm(NULL, stdout, stdin);
    if (!a->scr) {
        const char *term = getenv("TERM");
        return dt_seterr(err, errlen, DT_EIO, "cannot use the terminal (TERM=%s)",
                         term && term[0] ? term : "unset");
    }
    set_term(a->scr);
    a->curses_on = 1;
    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    intrflush(stdscr, FALSE);
    curs_set(0);
    leaveok(stdscr, TRUE);
    if (has_colors()) {
        start_color();
        use_default_colors();
    }
    app_theme_apply(a);
    return DT_OK;
}

static void curses_stop(struct app *a)
{
    if (!a->curses_on)
        return;
    a->curses_on = 0;
    curs_set(1);
    endwin();
    delscreen(a->scr);
    a->scr = NULL;
}

/* ---- set-up and tear-down ------------------------------------------------------------------- */

static int pipe_start(struct app *a, char *err, size_t errlen)
{
    if (pipe(a->winch_pipe) != 0)
        return dt_seterr(err, errlen, DT_EIO, "pipe: %s", strerror(errno));
    for (int i = 0; i < 2; i++) {
        fcntl(a->winch_pipe[i], F_SETFL, fcntl(a->winch_pipe[i], F_GETFL) | O_NONBLOCK);
        fcntl(a->winch_pipe[i], F_SETFD, FD_CLOEXEC);
    }
    winch_fd = a->winch_pipe[1];
    struct sigaction sa = {.sa_handler = on_sigwinch};
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    if (sigaction(SIGWINCH, &sa, &a->old_winch) != 0)
        return dt_seterr(err, errlen, DT_EIO, "sigaction: %s", strerror(errno));
    a->winch_installed = 1;
    return DT_OK;
}

static int start(struct app *a, char *err, size_t errlen)
{
    a->loop = netloop_new(NULL, err, errlen);
    if (!a->loop)
        return DT_EIO;
    a->redraw = netloop_timer_new(a->loop, on_redraw, a);
    a->tick = netloop_timer_new(a->loop, on_tick, a);
    int rc = netloop_catch_signals(a->loop, on_signal, a);
    if (rc != DT_OK)
        return dt_seterr(err, errlen, rc, "cannot catch SIGINT and SIGTERM");
    rc = pipe_start(a, err, errlen);
    if (rc != DT_OK)
        return rc;
    rc = app_model_start(a, err, errlen);
    if (rc != DT_OK)
        return rc;
    rc = curses_start(a, err, errlen);
    if (rc != DT_OK)
        return rc;
    app_model_resize(a, LINES, COLS);
    rc = netloop_fd_add(a->loop, STDIN_FILENO, on_stdin, a, &a->stdin_h, err, errlen);
    if (rc == DT_OK)
        rc = netloop_fd_add(a->loop, a->winch_pipe[0], on_winch, a, &a->winch_h, err, errlen);
    if (rc != DT_OK)
        return rc;
    netloop_timer_start(a->tick, ms_to_next_second());
    rc = app_client_start(a, err, errlen);
    if (rc != DT_OK)
        return rc;
    app_invalidate(a);
    return DT_OK;
}

static void stop(struct app *a)
{
    curses_stop(a);
    app_client_stop(a);
    netloop_fd_remove(a->stdin_h);
    netloop_fd_remove(a->winch_h);
    netloop_timer_free(a->redraw);
    netloop_timer_free(a->tick);
    netloop_free(a->loop);
    if (a->winch_installed)
        sigaction(SIGWINCH, &a->old_winch, NULL);
    winch_fd = -1;
    for (int i = 0; i < 2; i++)
        if (a->winch_pipe[i] >= 0)
            close(a->winch_pipe[i]);
    app_model_stop(a);
}

/* While curses owns the terminal, log lines go to $DIALTONE_CONSOLE_LOG or nowhere. */
static int log_start(void)
{
    const char *path = getenv("DIALTONE_CONSOLE_LOG");
    int fd =
        open(path && path[0] ? path : "/dev/null", O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd >= 0)
        log_set_output_fd(fd);
    return fd;
}

int console_run(const struct console_options *opt)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "dialtone console: needs a terminal on stdin and stdout\n");
        return 1;
    }
    setlocale(LC_ALL, "");
    struct app a = {.opt = opt, .winch_pipe = {-1, -1}, .started_ms = netloop_now_ms()};
    char err[sizeof a.fatal];
    int logfd = log_start();
    int rc = start(&a, err, sizeof err);
    if (rc != DT_OK)
        app_fail(&a, "%s", err);
    else if (netloop_run(a.loop) != DT_OK)
        app_fail(&a, "the event loop failed");
    log_info("console: %lu frames drawn", a.frames);
    stop(&a);
    log_set_output(NULL);
    if (logfd >= 0)
        close(logfd);
    if (a.fatal[0])
        fprintf(stderr, "dialtone console: %s\n", a.fatal);
    return a.status;
}
