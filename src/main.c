/*
 * dialtone: one binary with subcommands, as git and tmux have. The table below is the list;
 * each subcommand lives in src/cmd/cmd_NAME.c. `dialtone` with no arguments opens the console
 * when stdin and stdout are a terminal, and prints the help otherwise.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "dialtone/version.h"

static int cmd_help_main(int argc, char **argv);
static int cmd_version_main(int argc, char **argv);

static const struct cmd_entry cmd_help_entry = {
    .name = "help", .args = "", .summary = "list the subcommands", .main = cmd_help_main};
static const struct cmd_entry cmd_version_entry = {
    .name = "version", .args = "", .summary = "print the version", .main = cmd_version_main};

/* One row per line, so that a new subcommand is a one-line change. */
/* clang-format off */
static const struct cmd_entry *const commands[] = {
    &cmd_help_entry,
    &cmd_version_entry,
    &cmd_errors_entry,
    &cmd_sign_entry,
    &cmd_sim_entry,
    &cmd_serve_entry,
    &cmd_console_entry,
    &cmd_agent_entry,
    &cmd_demo_entry,
    &cmd_login_entry,
    &cmd_report_entry,
    &cmd_export_entry,
};
/* clang-format on */

#define NCOMMANDS (sizeof commands / sizeof commands[0])

int cmd_usage(const struct cmd_entry *e)
{
    fprintf(stderr, "usage: dialtone %s%s%s\n", e->name, e->args[0] ? " " : "", e->args);
    return 2;
}

int cmd_usage_error(const struct cmd_entry *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "dialtone %s: ", e->name);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    return cmd_usage(e);
}

static void print_help(FILE *out)
{
    fprintf(out, "dialtone %s: a keyboard-driven call-center console for Twilio\n\n",
            DIALTONE_VERSION);
    fprintf(out, "usage: dialtone [--version] [--help] COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++) {
        char synopsis[160];
        int n = snprintf(synopsis, sizeof synopsis, "%s%s%s", commands[i]->name,
                         commands[i]->args[0] ? " " : "", commands[i]->args);
        /* A synopsis too long for the column gets its summary on the next line. */
        if (n > 44)
            fprintf(out, "  %s\n  %-44s %s\n", synopsis, "", commands[i]->summary);
        else
            fprintf(out, "  %-44s %s\n", synopsis, commands[i]->summary);
    }
}

static int cmd_help_main(int argc, char **argv)
{
    (void)argv;
    if (argc > 1)
        return cmd_usage(&cmd_help_entry);
    print_help(stdout);
    return 0;
}

static int cmd_version_main(int argc, char **argv)
{
    (void)argv;
    if (argc > 1)
        return cmd_usage(&cmd_version_entry);
    printf("dialtone %s\n", DIALTONE_VERSION);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
            char name[] = "console";
            char *args[] = {name, NULL};
            return cmd_console_entry.main(1, args);
        }
        print_help(stdout);
        return 0;
    }
    const char *name = argv[1];
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0)
        return cmd_version_main(1, argv + 1);
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
        return cmd_help_main(1, argv + 1);
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i]->main(argc - 1, argv + 1);
    fprintf(stderr, "dialtone: unknown %s '%s'\n\n", name[0] == '-' ? "option" : "command", name);
    print_help(stderr);
    return 2;
}
