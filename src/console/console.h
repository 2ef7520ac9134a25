/*
 * console: the agent console, `dialtone console`. A full-screen ncurses program on the
 * terminal that talks to the daemon through its agent API and its event websocket. This is
 * its one entry point; everything else in src/console is private to it.
 */
#ifndef DIALTONE_CONSOLE_H
#define DIALTONE_CONSOLE_H

struct cconf;

struct console_options {
    const char *server; /* the daemon's base URL, "http://127.0.0.1:8080" */
    const char *token;  /* the agent's token */
    const char *theme;  /* a theme name, or NULL for the configured or default one */
    /* The console configuration (key overrides, default country...), borrowed; NULL for
     * the defaults. */
    const struct cconf *conf;
};

/*
 * Runs the console on the process's terminal until the agent quits or SIGINT/SIGTERM
 * arrives, then restores the terminal. stdin and stdout must be a terminal. Returns the
 * process exit status: 0 after a normal quit, 1 after a failure, whose message has been
 * printed to stderr once the terminal was restored.
 */
int console_run(const struct console_options *opt);

#endif
