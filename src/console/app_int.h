/*
 * app_int: what app.c (curses, the loop, input, redraws) and app_cmd.c (the model, the
 * keymap, the theme and the client, and the commands that join them) share. Private to the
 * console's app files.
 */
#ifndef DIALTONE_CONSOLE_APP_INT_H
#define DIALTONE_CONSOLE_APP_INT_H

#include <signal.h>

#include "console/app.h"
#include "console/theme.h"

struct console_options;
struct netloop;
struct netloop_fd;
struct netloop_timer;
struct client;

struct app {
    const struct console_options *opt;
    struct netloop *loop;
    SCREEN *scr;
    int curses_on;
    int stopping;
    int status; /* the exit status: 1 after app_fail */
    int winch_pipe[2];
    int winch_installed;
    struct sigaction old_winch;
    struct netloop_fd *stdin_h, *winch_h;
    struct netloop_timer *redraw, *tick;
    struct keymap *km;
    struct model *model;
    struct client *client;
    struct theme theme;
    unsigned long frames; /* frames drawn, for tests and the benchmark */
    uint64_t started_ms;  /* netloop_now_ms() when console_run began */
    char fatal[512];
};

/* Stops the loop; console_run then restores the terminal and prints the message. The first
 * message wins. */
void app_fail(struct app *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Stops the loop for a normal quit. */
void app_quit(struct app *a);
/* Asks for one redraw soon (coalesced: many changes, one frame). */
void app_invalidate(struct app *a);

/* app_cmd.c. The model, the keymap (defaults and the config's overrides) and the theme:
 * 0, or an error with the reason in err (a bad [keys] line). app_model_stop frees them. */
int app_model_start(struct app *a, char *err, size_t errlen);
void app_model_stop(struct app *a);
/* Applies the current theme to curses (after start_color). */
void app_theme_apply(struct app *a);
/* A key from the terminal: looked up, given to the reducer, its commands carried out. */
void app_model_key(struct app *a, int key);
/* The clocks moved (each second). */
void app_model_tick(struct app *a);
/* The terminal's size changed. */
void app_model_resize(struct app *a, int rows, int cols);
/* The connection to the daemon: 0, or an error (bad URL or token) in err. */
int app_client_start(struct app *a, char *err, size_t errlen);
void app_client_stop(struct app *a);

#endif
