/*
 * cmd: the subcommands of the dialtone binary, one file each (cmd_NAME.c), each exporting one
 * table row for src/main.c. A subcommand's main gets argv with argv[0] set to its own name and
 * returns the process exit status: 0 success, 1 failure, 2 usage error.
 */
#ifndef DIALTONE_CMD_H
#define DIALTONE_CMD_H

struct cmd_entry {
    const char *name;
    const char *args;    /* one-line argument synopsis, "" when none */
    const char *summary; /* one line for `dialtone help` */
    int (*main)(int argc, char **argv);
};

extern const struct cmd_entry cmd_errors_entry;
extern const struct cmd_entry cmd_sign_entry;
extern const struct cmd_entry cmd_sim_entry;
extern const struct cmd_entry cmd_serve_entry;
extern const struct cmd_entry cmd_agent_entry;
extern const struct cmd_entry cmd_console_entry;
extern const struct cmd_entry cmd_demo_entry;
extern const struct cmd_entry cmd_login_entry;
extern const struct cmd_entry cmd_report_entry;
extern const struct cmd_entry cmd_export_entry;

/* Prints "usage: dialtone NAME ARGS" for entry e to stderr and returns 2. */
int cmd_usage(const struct cmd_entry *e);

/* Prints "dialtone NAME: MESSAGE", then the usage line, to stderr; returns 2. */
int cmd_usage_error(const struct cmd_entry *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
