/*
 * console: `dialtone console`, the agent console. Reads the console's config
 * file (or
 * --config FILE), then DIALTONE_SERVER, DIALTONE_TOKEN, DIALTONE_THEME and
 * DIALTONE_COUNTRY, then the flags, each over the one before, and runs the
 * console on the terminal. Also what `dialtone` with no subcommand runs on a
 * terminal.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "console/cconf.h"
#include "console/console.h"
#include "dialtone/log.h"
#include "dialtone/util.h"

static int cmd_console_main(int argc, char **argv);

const struct cmd_entry cmd_console_entry = {
    .name = "console",
    .args = "[--server URL] [--token TOKEN] [--theme NAME] [--config FILE]",
    .summary = "the agent console (also `dialtone` alone on a terminal)",
    .main = cmd_console_main,
};

struct console_flags {
    const char *server, *token, *theme, *config;
};

static const struct option console_options[] = {
    {.name = "server", .has_arg = required_argument, .val = 's'},
    {.name = "token", .has_arg = required_argument, .val = 't'},
    {.name = "theme", .has_arg = required_argument, .val = 'T'},
    {.name = "config", .has_arg = required_argument, .val = 'c'},
    {.name = "help", .has_arg = no_argument, .val = 'h'},
    {.name = NULL},
};

static void print_help(void)
{
    printf("usage: dialtone console %s\n\n"
           "Opens the agent console on this terminal, connected to the daemon.\n\n"
           "  -s, --server URL    the daemon, http://HOST:PORT\n"
           "  -t, --token TOKEN   the agent's token (from `dialtone agent add` or "
           "`token`)\n"
           "  -T, --theme NAME    a colour theme: default, light, high-contrast, "
           "monochrome...\n"
           "  -c, --config FILE   the console's config file (default\n"
           "                      $XDG_CONFIG_HOME/dialtone/console.conf, written "
           "by\n"
           "                      `dialtone login`)\n\n"
           "DIALTONE_SERVER, DIALTONE_TOKEN, DIALTONE_THEME and DIALTONE_COUNTRY "
           "override the\n"
           "file; the flags override both. F1 or ? in the console lists the keys.\n",
           cmd_console_entry.args);
}

/* Parses argv into f; -1 to go on, else the exit status. */
static int parse_options(int argc, char **argv, struct console_flags *f)
{
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":s:t:T:c:h", console_options, NULL)) != -1) {
        switch (c) {
        case 's':
            f->server = optarg;
            break;
        case 't':
            f->token = optarg;
            break;
        case 'T':
            f->theme = optarg;
            break;
        case 'c':
            f->config = optarg;
            break;
        case 'h':
            print_help();
            return 0;
        case ':':
            return cmd_usage_error(&cmd_console_entry, "%s needs a value", argv[optind - 1]);
        default:
            return cmd_usage_error(&cmd_console_entry, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cmd_usage_error(&cmd_console_entry, "unexpected argument '%s'", argv[optind]);
    return -1;
}

/* The file (a missing default file is fine), the environment, then the flags.
 */
static int load(struct cconf *conf, const struct console_flags *f, char *err, size_t errlen)
{
    int rc = cconf_load(conf, f->config, err, errlen);
    if (rc == DT_ENOTFOUND && !f->config)
        rc = DT_OK;
    if (rc == DT_OK)
        rc = cconf_apply_env(conf, err, errlen);
    if (rc != DT_OK)
        return rc;
    if (f->server)
        dt_strlcpy(conf->server, f->server, sizeof conf->server);
    if (f->token)
        dt_strlcpy(conf->token, f->token, sizeof conf->token);
    if (f->theme)
        dt_strlcpy(conf->theme, f->theme, sizeof conf->theme);
    if (!conf->server[0])
        return dt_seterr(err, errlen, DT_EINVAL,
                         "no daemon to talk to: give --server URL, set DIALTONE_SERVER, or "
                         "run `dialtone login`");
    if (!conf->token[0])
        return dt_seterr(err, errlen, DT_EINVAL,
                         "no token: give --token TOKEN, set DIALTONE_TOKEN, or run "
                         "`dialtone login`");
    if (log_add_secret(conf->token) != DT_OK)
        return dt_seterr(err, errlen, DT_EINVAL, "the token is too long");
    return DT_OK;
}

static int cmd_console_main(int argc, char **argv)
{
    struct console_flags f = {.server = NULL};
    int rc = parse_options(argc, argv, &f);
    if (rc >= 0)
        return rc;
    struct cconf conf;
    char err[512];
    cconf_init(&conf);
    rc = load(&conf, &f, err, sizeof err);
    if (rc != DT_OK) {
        fprintf(stderr, "dialtone console: %s\n", err);
        cconf_done(&conf);
        return 1;
    }
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "dialtone console: needs a terminal on stdin and stdout\n");
        cconf_done(&conf);
        return 1;
    }
    struct console_options opt = {
        .server = conf.server,
        .token = conf.token,
        .theme = conf.theme[0] ? conf.theme : NULL,
        .conf = &conf,
    };
    rc = console_run(&opt);
    cconf_done(&conf);
    return rc;
}
